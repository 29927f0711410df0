//! The compose export for development: importing the exported `compose.yaml` (with its
//! `.env`) through the compose import gives the same services, ports, readiness probes,
//! grace periods, edges and variables, for every template's dev environment and for
//! imported designs; and laws that hold for the file of any design.

mod common;

use kubeprint_core::export::compose::{compose, SECRET_PLACEHOLDER};
use kubeprint_core::model::*;
use kubeprint_core::{compose as import_compose, import, templates};
use proptest::prelude::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// compose.yaml and .env of one environment (the files of its secrets, after them, hold
/// the placeholder; of its configs, their text: [`beside`]).
fn files(design: &Design, env: &str) -> (String, String) {
    let files = compose(design, env);
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths[..2], ["compose/compose.yaml", "compose/.env"]);
    for f in &files[2..] {
        match f.path.starts_with("compose/configs/") {
            true => {}
            false => {
                assert!(f.path.starts_with("compose/secrets/"), "{paths:?}");
                assert_eq!(f.contents, SECRET_PLACEHOLDER);
            }
        }
    }
    (files[0].contents.clone(), files[1].contents.clone())
}

/// The files the compose file of one environment reads beside it, by the names it
/// gives them (`.env`, `./configs/nginx.conf`), as the command line reads them.
fn beside(design: &Design, env: &str) -> BTreeMap<String, String> {
    (compose(design, env).into_iter().skip(1))
        .filter(|f| !f.path.starts_with("compose/secrets/"))
        .map(|f| {
            let name = f.path.trim_start_matches("compose/");
            let name = match name.starts_with("configs/") {
                true => format!("./{name}"),
                false => name.to_string(),
            };
            (name, f.contents)
        })
        .collect()
}

/// A published port in the short syntax, `127.0.0.1:5433:5432/tcp`: the host address,
/// the host port (`None` where the engine picks it, `127.0.0.1::5432/tcp`), the
/// container port and the protocol.
fn short_port(p: &Value) -> (String, Option<u64>, u64, String) {
    let text = p
        .as_str()
        .unwrap_or_else(|| panic!("a short-syntax port: {p}"));
    let (ports, protocol) = text.split_once('/').unwrap();
    let [ip, host, target] = ports.split(':').collect::<Vec<_>>()[..] else {
        panic!("{text}");
    };
    let number = |n: &str| n.parse::<u64>().unwrap();
    let host = (!host.is_empty()).then(|| number(host));
    (ip.into(), host, number(target), protocol.into())
}

fn parsed(text: &str) -> Value {
    serde_yaml::from_str(text).expect("the compose file is YAML")
}

/// A probe as what it checks and when, ports by number, so that `http` and 8080 on a
/// port named `http` with number 8080 compare equal.
fn probe(s: &Service, p: &Option<Probe>) -> Option<String> {
    let p = p.as_ref()?;
    let port = |r: &PortRef| match r {
        PortRef::Number(n) => *n,
        PortRef::Name(n) => s
            .resolve_port(&PortRef::Name(n.clone()))
            .map_or(0, |c| c.port),
    };
    let action = match &p.action {
        ProbeAction::Http { path, port: r } => format!("http {path} on {}", port(r)),
        ProbeAction::Tcp { port: r } => format!("tcp {}", port(r)),
        ProbeAction::Grpc { port, service } => format!("grpc {port} {service:?}"),
        ProbeAction::Exec { command } => format!("exec {command:?}"),
    };
    Some(format!(
        "{action}; delay {} period {} timeout {} failures {} successes {}",
        p.initial_delay_seconds,
        p.effective_period(),
        p.effective_timeout(),
        p.effective_failures(),
        p.effective_successes()
    ))
}

/// A service's variables: name -> value (`None` for a Secret's).
fn variables(d: &Design, c: &Config) -> BTreeMap<String, Option<String>> {
    let mut out = BTreeMap::new();
    for from in &c.env_from {
        match from {
            EnvFrom::ConfigMap(n) => {
                for (k, v) in d.config_map(n).map(|c| c.data.clone()).unwrap_or_default() {
                    out.insert(k, Some(v));
                }
            }
            EnvFrom::Secret(n) => {
                for k in d.secret(n).map(|s| s.keys.clone()).unwrap_or_default() {
                    out.insert(k, None);
                }
            }
        }
    }
    for e in &c.env {
        let v = match &e.value {
            EnvValue::Literal(v) => Some(v.clone()),
            EnvValue::ConfigMapKey { name, key } => {
                d.config_map(name).and_then(|c| c.data.get(key).cloned())
            }
            EnvValue::SecretKey { .. } => None,
        };
        out.insert(e.name.clone(), v);
    }
    out
}

/// What of a service the round trip keeps, as comparable text.
fn summary(d: &Design, s: &Service) -> BTreeMap<&'static str, String> {
    let mut m = BTreeMap::new();
    m.insert(
        "kind",
        if s.kind.runs_to_completion() {
            "runs once"
        } else {
            "serves"
        }
        .to_string(),
    );
    m.insert("image", s.image_ref());
    m.insert("command", format!("{:?} {:?}", s.command, s.args));
    m.insert(
        "ports",
        format!(
            "{:?}",
            s.ports
                .iter()
                .map(|p| (p.name.clone(), p.port, p.protocol))
                .collect::<Vec<_>>()
        ),
    );
    let service_ports: Vec<_> = if s.exposure.service == ServiceKind::None {
        Vec::new()
    } else {
        s.exposure
            .ports
            .iter()
            .map(|p| {
                (
                    p.name.clone(),
                    p.port,
                    s.resolve_port(&p.target).map(|c| c.port),
                    p.protocol,
                    p.app_protocol.clone(),
                )
            })
            .collect()
    };
    m.insert("service ports", format!("{service_ports:?}"));
    if !s.kind.runs_to_completion() {
        m.insert("readiness", format!("{:?}", probe(s, &s.probes.readiness)));
    }
    m.insert("grace", s.timing.grace_period_seconds.to_string());
    // Secret values are placeholders either way; names and plain values come back.
    let vars: BTreeMap<String, Option<String>> = variables(d, &s.config)
        .into_iter()
        .map(|(k, v)| (k, v.filter(|v| v != SECRET_PLACEHOLDER)))
        .collect();
    m.insert(
        "variable names",
        format!("{:?}", vars.keys().collect::<Vec<_>>()),
    );
    m.insert(
        "replicas",
        s.scaling
            .hpa
            .as_ref()
            .map_or(s.scaling.replicas, |h| h.min)
            .to_string(),
    );
    m.insert(
        "volumes",
        format!(
            "{:?}",
            (s.storage.iter())
                .map(|c| (&c.name, &c.mount_path))
                .collect::<Vec<_>>()
        ),
    );
    // The files of Secrets its main container sees: (path, Secret, key), a Secret
    // mounted whole giving one file per key.
    let mut secret_files = BTreeSet::new();
    for m in &s.mounts {
        let Some(VolumeSource::Secret { name }) = (s.volumes.iter())
            .find(|v| v.name == m.volume)
            .map(|v| &v.source)
        else {
            continue;
        };
        let keys = match m.sub_path.as_str() {
            "" => d.secret(name).map(|x| x.keys.clone()).unwrap_or_default(),
            key => vec![key.to_string()],
        };
        for key in keys {
            let path = match m.sub_path.is_empty() {
                true => format!("{}/{key}", m.path),
                false => m.path.clone(),
            };
            secret_files.insert((path, name.clone(), key));
        }
    }
    m.insert("secret files", format!("{secret_files:?}"));
    // The files of ConfigMaps it reads, each with its text.
    let mut config_files = BTreeSet::new();
    for m in &s.mounts {
        let Some(VolumeSource::ConfigMap { name }) = (s.volumes.iter())
            .find(|v| v.name == m.volume)
            .map(|v| &v.source)
        else {
            continue;
        };
        let data = d
            .config_map(name)
            .map(|c| c.data.clone())
            .unwrap_or_default();
        let keys: Vec<String> = match m.sub_path.as_str() {
            "" => data.keys().cloned().collect(),
            key => vec![key.to_string()],
        };
        for key in keys {
            let path = match m.sub_path.is_empty() {
                true => format!("{}/{key}", m.path),
                false => m.path.clone(),
            };
            let text = data.get(&key).cloned().unwrap_or_default();
            config_files.insert((path, name.clone(), key, text));
        }
    }
    m.insert("config files", format!("{config_files:?}"));
    // The claims made outside the design it mounts (a volume services share).
    let claims: BTreeSet<(String, String, bool)> = (s.mounts.iter())
        .filter_map(|m| {
            let v = s.volumes.iter().find(|v| v.name == m.volume)?;
            match &v.source {
                VolumeSource::Claim { claim, read_only } => {
                    Some((m.path.clone(), claim.clone(), *read_only || m.read_only))
                }
                _ => None,
            }
        })
        .collect();
    m.insert("claims", format!("{claims:?}"));
    m.insert(
        "containers",
        format!(
            "{:?}",
            s.containers
                .iter()
                .map(|c| (
                    c.name.clone(),
                    c.role,
                    c.image_ref(),
                    c.command.clone(),
                    c.args.clone()
                ))
                .collect::<Vec<_>>()
        ),
    );
    m
}

/// What import of the exported file gives that differs from the environment's design.
fn round_trip(design: &Design, env: &str) -> Vec<String> {
    let (yaml, _) = files(design, env);
    let back = import_compose::import(&yaml, &beside(design, env));
    // The ConfigMaps as the environment has them, which its files hold.
    let design = &*design.with_config_of(env);
    let e = design.environment(env).expect("the environment exists");
    let want: Vec<Service> = deployed(design, e)
        .into_iter()
        .filter(|s| s.kind != WorkloadKind::CronJob)
        .collect();
    let mut differ = Vec::new();
    let names =
        |ss: &[Service]| -> BTreeSet<String> { ss.iter().map(|s| s.name.clone()).collect() };
    if names(&want) != names(&back.design.services) {
        differ.push(format!(
            "services {:?} came back as {:?}",
            names(&want),
            names(&back.design.services)
        ));
    }
    for s in &want {
        let Some(b) = back.design.service_named(&s.name) else {
            continue;
        };
        let (a, z) = (summary(design, s), summary(&back.design, b));
        for (k, v) in &a {
            if z.get(k) != Some(v) {
                differ.push(format!("{}: {k} {v} came back as {:?}", s.name, z.get(k)));
            }
        }
        // Plain values come back as they were (the import may keep a secret-looking
        // one in a Secret); a Secret's variables come back a Secret's.
        let plain = variables(&back.design, &b.config);
        for (k, v) in variables(design, &s.config) {
            match (&v, plain.get(&k)) {
                (Some(v), Some(Some(got))) if v != got => {
                    differ.push(format!("{}: ${k} {v:?} came back as {got:?}", s.name));
                }
                (None, Some(Some(got))) => differ.push(format!(
                    "{}: ${k}, a Secret's, came back a plain value {got:?}",
                    s.name
                )),
                _ => {}
            }
        }
    }
    let edges = |d: &Design, only: &BTreeSet<String>| -> BTreeSet<(String, String, String)> {
        d.edges
            .iter()
            .filter_map(|e| {
                let (f, t) = (d.service(e.from)?, d.service(e.to)?);
                (only.contains(&f.name) && only.contains(&t.name))
                    .then(|| (f.name.clone(), t.name.clone(), e.port.clone()))
            })
            .collect()
    };
    // A Secret made outside Kubeprint comes back made outside.
    for b in &back.design.secrets {
        let made_outside = design.secret(&b.name).is_some_and(|s| s.external);
        if made_outside != b.external {
            differ.push(format!(
                "Secret {}: made outside {made_outside} came back {}",
                b.name, b.external
            ));
        }
    }
    let here = names(&want);
    let (a, z) = (edges(design, &here), edges(&back.design, &here));
    if a != z {
        differ.push(format!("edges {a:?} came back as {z:?}"));
    }
    differ
}

#[test]
fn every_templates_dev_environment_comes_back_from_its_compose_file() {
    let mut checked = 0;
    for t in templates::ALL {
        let d = (t.build)();
        assert!(
            d.environment("dev").is_some(),
            "{}: every template has a dev environment to run on compose",
            t.name
        );
        let differ = round_trip(&d, "dev");
        assert!(differ.is_empty(), "{}:\n  {}", t.name, differ.join("\n  "));
        checked += deployed(&d, d.environment("dev").unwrap()).len();
    }
    assert!(checked >= 12, "only {checked} services were compared");
}

/// The corpus sets whose services compose can run: every one whose import has services.
#[test]
fn imported_designs_come_back_from_their_compose_file() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut compared = Vec::new();
    for name in [
        "microservices-demo.yaml",
        "sidecars-and-volumes.yaml",
        "mysql-statefulset.yaml",
        "grpc-service.yaml",
    ] {
        let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
        let d = import::kubernetes(&text).design;
        for e in &d.environments {
            let differ = round_trip(&d, &e.name);
            assert!(
                differ.is_empty(),
                "{name} {}:\n  {}",
                e.name,
                differ.join("\n  ")
            );
            compared.push(format!("{name} {}", e.name));
        }
    }
    assert!(compared.len() >= 4, "{compared:?}");
}

#[test]
fn miniredis_dev_publishes_every_port_on_the_host_and_reads_config_from_env() {
    let d = templates::miniredis();
    let (yaml, dotenv) = files(&d, "dev");
    let f = parsed(&yaml);
    let services = f["services"].as_object().unwrap();
    assert_eq!(services.len(), 8, "six apps and two databases, no CronJob");
    let published = |s: &str| -> Vec<(u64, u64)> {
        (services[s]["ports"].as_array().unwrap().iter())
            .map(|p| {
                let (_, host, target, _) = short_port(p);
                (target, host.expect("a host port"))
            })
            .collect()
    };
    assert_eq!(published("frontend"), [(5173, 5173)]);
    assert_eq!(published("api-gateway"), [(8080, 8080)]);
    // Both databases listen on 5432: the second is published on the next free port.
    assert_eq!(published("postgres-main"), [(5432, 5432)]);
    assert_eq!(published("postgres-auth"), [(5432, 5433)]);
    let notes = f["x-kubeprint"]["notes"].to_string();
    assert!(notes.contains("postgres-auth: port 5432/tcp is published on host port 5433"));
    // Dev runs no backups; staging's CronJobs are named as left out.
    let (staging, _) = files(&d, "staging");
    let staging_notes = parsed(&staging)["x-kubeprint"]["notes"].to_string();
    for cron in [
        "postgres-main-backup",
        "postgres-auth-backup",
        "postgres-main-restore-test",
    ] {
        assert!(
            staging_notes.contains(&format!("{cron} is a CronJob")),
            "{staging_notes}"
        );
    }
    // Config from the ConfigMap through .env; secrets as placeholders only.
    let env: Vec<&str> = services["backend"]["environment"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(env.contains(&"LOG_LEVEL=${LOG_LEVEL}"), "{env:?}");
    assert!(dotenv.contains("\nLOG_LEVEL=info\n"), "{dotenv}");
    assert!(dotenv.contains("\nPOSTGRES_MAIN_CREDENTIALS_POSTGRES_PASSWORD=CHANGE_ME\n"));
    assert!(dotenv.contains("\nPOSTGRES_AUTH_CREDENTIALS_POSTGRES_PASSWORD=CHANGE_ME\n"));
    // Health, grace and start order from the design.
    let backend = &services["backend"];
    assert_eq!(
        backend["healthcheck"]["test"][1],
        "wget -q -O /dev/null 'http://127.0.0.1:5500/ready' || curl -fsS -o /dev/null 'http://127.0.0.1:5500/ready'"
    );
    assert_eq!(backend["healthcheck"]["interval"], "5s");
    assert_eq!(backend["healthcheck"]["timeout"], "2s");
    assert_eq!(backend["healthcheck"]["retries"], 3);
    assert_eq!(backend["healthcheck"]["start_period"], "15s");
    assert_eq!(backend["stop_grace_period"], "30s");
    assert_eq!(
        backend["depends_on"],
        serde_json::json!({
            "node-manager": {"condition": "service_healthy"},
            "postgres-main": {"condition": "service_healthy"},
        })
    );
    assert_eq!(
        services["postgres-main"]["volumes"],
        serde_json::json!([{"type": "volume", "source": "postgres-main-data", "target": "/var/lib/postgresql/data"}])
    );
    assert_eq!(f["volumes"]["postgres-auth-data"], serde_json::json!({}));
    assert_eq!(
        backend["deploy"]["resources"]["limits"],
        serde_json::json!({"cpus": "0.5", "memory": "512m"})
    );
}

#[test]
fn kubernetes_command_is_compose_entrypoint_and_args_its_command() {
    let mut d = templates::stfc_fastapi();
    let api = d.services[0].id;
    let s = d.service_mut(api).unwrap();
    s.command = vec!["uvicorn".into()];
    s.args = vec!["app:app".into(), "--root-path=$PREFIX".into(), "no".into()];
    let (yaml, _) = files(&d, "dev");
    let f = parsed(&yaml);
    let api = &f["services"]["fastapi-app"];
    assert_eq!(api["entrypoint"], serde_json::json!(["uvicorn"]));
    // `$` is doubled (compose interpolates); `no` stays a string for YAML 1.1 readers.
    assert_eq!(
        api["command"],
        serde_json::json!(["app:app", "--root-path=$$PREFIX", "no"])
    );
    assert!(yaml.contains("- \"no\"\n"), "{yaml}");
}

#[test]
fn a_variable_kubernetes_expands_in_arguments_is_its_value_in_compose() {
    let mut d = templates::stfc_fastapi();
    let api = d.services[0].id;
    let s = d.service_mut(api).unwrap();
    s.config.env.push(EnvVar {
        name: "REDIS_PASSWORD".into(),
        value: EnvValue::SecretKey {
            name: "redis".into(),
            key: "password".into(),
        },
    });
    s.config.env.push(EnvVar {
        name: "LEVEL".into(),
        value: EnvValue::Literal("debug$1".into()),
    });
    s.args = vec![
        "--requirepass".into(),
        "$(REDIS_PASSWORD)".into(),
        "--log=$(LEVEL)-$(UNSET)".into(),
        "$$(REDIS_PASSWORD)".into(),
        "price=$5".into(),
    ];
    d.secrets.push(SecretDef {
        name: "redis".into(),
        keys: vec!["password".into()],
        ..SecretDef::default()
    });
    let (yaml, dotenv) = files(&d, "dev");
    let f = parsed(&yaml);
    let command = &f["services"]["fastapi-app"]["command"];
    // The Secret's key is a variable of .env; the container's own variable is the
    // same reference, so compose gives both the same value.
    let environment = f["services"]["fastapi-app"]["environment"]
        .as_array()
        .unwrap()
        .clone();
    let reference = environment
        .iter()
        .find_map(|e| e.as_str()?.strip_prefix("REDIS_PASSWORD="))
        .unwrap()
        .to_string();
    assert!(reference.starts_with("${"), "{reference}");
    let var = reference.trim_start_matches("${").trim_end_matches('}');
    assert!(dotenv.contains(&format!("{var}=CHANGE_ME")), "{dotenv}");
    assert_eq!(
        command,
        &serde_json::json!([
            "--requirepass",
            reference,
            // A literal's `$` stays escaped; a variable the container lacks stays as
            // Kubernetes leaves it, escaped from compose.
            "--log=debug$$1-$$(UNSET)",
            // `$$` is Kubernetes' escape of one `$`.
            "$$(REDIS_PASSWORD)",
            "price=$$5",
        ])
    );
}

/// Kubernetes expands `$(VAR)` in a variable's value from the variables before it
/// (those read whole from a ConfigMap included); compose does not, so the value the
/// container gets is written out. A later variable, one the container lacks and `$$`
/// stay as Kubernetes leaves them.
#[test]
fn a_variable_kubernetes_expands_in_another_variable_is_its_value_in_compose() {
    let mut d = templates::stfc_fastapi();
    let api = d.services[0].id;
    let s = d.service_mut(api).unwrap();
    s.config.env.extend([
        EnvVar::literal("REGION", "eu-west-2"),
        EnvVar::literal(
            "OTEL_RESOURCE_ATTRIBUTES",
            "cloud.region=$(REGION),zone=$(ZONE),raw=$$(REGION),cost=$5",
        ),
        EnvVar::literal("ZONE", "eu-west-2a"),
    ]);
    let (yaml, _) = files(&d, "dev");
    let f = parsed(&yaml);
    let environment = f["services"]["fastapi-app"]["environment"]
        .as_array()
        .unwrap();
    let attributes = environment
        .iter()
        .find_map(|e| e.as_str()?.strip_prefix("OTEL_RESOURCE_ATTRIBUTES="))
        .unwrap();
    assert_eq!(
        attributes,
        "cloud.region=eu-west-2,zone=$$(ZONE),raw=$$(REGION),cost=$$5"
    );
}

#[test]
fn a_job_runs_once_and_its_callers_wait_for_it_to_complete() {
    let mut d = templates::stfc_fastapi();
    let seed = Service {
        name: "seed".into(),
        kind: WorkloadKind::Job,
        image: "registry.example.com/seed".into(),
        ports: vec![ContainerPort {
            name: "http".into(),
            port: 9000,
            protocol: Protocol::TCP,
        }],
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![ServicePort {
                name: "http".into(),
                port: 9000,
                target: PortRef::Name("http".into()),
                ..ServicePort::default()
            }],
            ..Exposure::default()
        },
        ..Service::default()
    };
    let id = ServiceId(d.next_id);
    d.apply(kubeprint_core::Edit::AddService(Box::new(seed)))
        .unwrap();
    let api = d.service_named("fastapi-app").unwrap().id;
    d.apply(kubeprint_core::Edit::AddEdge(Edge {
        from: api,
        to: id,
        port: "http".into(),
    }))
    .unwrap();
    let (yaml, _) = files(&d, "dev");
    let f = parsed(&yaml);
    assert_eq!(f["services"]["seed"]["restart"], "no");
    assert_eq!(
        f["services"]["fastapi-app"]["depends_on"]["seed"]["condition"],
        "service_completed_successfully"
    );
    assert!(
        round_trip(&d, "dev").is_empty(),
        "{:?}",
        round_trip(&d, "dev")
    );
}

#[test]
fn an_edge_that_closes_a_cycle_is_called_but_not_waited_for() {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().id;
    let db = d.service_named("icat-mariadb").unwrap().id;
    d.apply(kubeprint_core::Edit::AddEdge(Edge {
        from: db,
        to: api,
        port: "http".into(),
    }))
    .unwrap();
    let (yaml, _) = files(&d, "dev");
    let f = parsed(&yaml);
    assert!(f["services"]["icat-mariadb"].get("depends_on").is_none());
    assert_eq!(
        f["services"]["icat-mariadb"]["x-kubeprint"]["calls"]["fastapi-app"],
        "http"
    );
    assert!(f["x-kubeprint"]["notes"]
        .to_string()
        .contains("compose refuses a cycle"));
    assert!(
        round_trip(&d, "dev").is_empty(),
        "{:?}",
        round_trip(&d, "dev")
    );
}

/// ConfigMap values `.env` cannot carry alike to both generations of compose (`${`, or
/// `$` beside a quote or line break) are written in the file itself, never in `.env`,
/// and every value still comes back through the import.
#[test]
fn values_dotenv_cannot_carry_are_written_in_the_file_and_come_back() {
    let mut d = templates::miniredis();
    let cm = d.config_maps[0].name.clone();
    let hostile = [
        "${NOT_A_VAR}",
        "it's $HOME",
        "line1\n$X",
        "a $HOME b",
        "it's",
        "x\ny",
    ];
    for (i, v) in hostile.iter().enumerate() {
        d.config_maps[0].data.insert(format!("K{i}"), v.to_string());
        d.services[0].config.env.push(EnvVar {
            name: format!("R{i}"),
            value: EnvValue::ConfigMapKey {
                name: cm.clone(),
                key: format!("K{i}"),
            },
        });
    }
    let (yaml, dotenv) = files(&d, "dev");
    for k in ["K0", "K1", "K2"] {
        assert!(!dotenv.contains(&format!("{k}=")), "{k} in .env:\n{dotenv}");
    }
    for k in ["K3", "K4", "K5"] {
        assert!(
            dotenv.contains(&format!("{k}=")),
            "{k} not in .env:\n{dotenv}"
        );
    }
    assert!(yaml.contains("R0=$${NOT_A_VAR}"), "{yaml}");
    let differ = round_trip(&d, "dev");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

/// A pod's extra container and a named volume get compose names no other service or
/// volume has: `web` with sidecar `proxy` beside a service `web-proxy`, and claims that
/// would both be `db-data-x`, all stay in the file and come back through the import.
// Configuration written for Kubernetes that calls a StatefulSet's pod by name
// (`redis-0.redis.<ns>.svc.cluster.local`) resolves in compose too: the one container
// answers for pod 0.
#[test]
fn a_statefulsets_pod_address_resolves_in_compose() {
    let mut d = templates::miniredis();
    let mut redis = d.services[0].clone();
    redis.name = "cache".into();
    redis.kind = WorkloadKind::StatefulSet;
    redis.containers.clear();
    d.apply(kubeprint_core::Edit::AddService(Box::new(redis)))
        .unwrap();
    let ns = d.environment("dev").unwrap().namespace.clone();
    let (yaml, _) = files(&d, "dev");
    let f = parsed(&yaml);
    let aliases: Vec<&str> = f["services"]["cache"]["networks"]["default"]["aliases"]
        .as_array()
        .unwrap_or_else(|| panic!("aliases of cache:\n{yaml}"))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for host in [
        format!("cache.{ns}.svc.cluster.local"),
        "cache-0.cache".to_string(),
        format!("cache-0.cache.{ns}"),
        format!("cache-0.cache.{ns}.svc.cluster.local"),
    ] {
        assert!(aliases.contains(&host.as_str()), "{host} in {aliases:?}");
    }
    // A Deployment's container is no pod of a StatefulSet.
    let first = &d.services[0].name;
    let other = f["services"][first]["networks"]["default"]["aliases"].to_string();
    assert!(!other.contains(&format!("{first}-0.")), "{other}");
    let differ = round_trip(&d, "dev");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn containers_and_volumes_never_take_another_ones_name() {
    let mut d = templates::miniredis();
    let mut web = d.services[0].clone();
    web.name = "web".into();
    web.exposure = Exposure::default();
    web.containers = vec![Container {
        name: "proxy".into(),
        role: ContainerRole::Regular,
        image: "envoyproxy/envoy".into(),
        tag: "v1.31".into(),
        ..Container::default()
    }];
    let mut web_proxy = d.services[0].clone();
    web_proxy.name = "web-proxy".into();
    web_proxy.exposure = Exposure::default();
    web_proxy.containers.clear();
    let claim = |name: &str| VolumeClaim {
        name: name.into(),
        mount_path: format!("/{name}"),
        size: "1Gi".into(),
        storage_class: None,
    };
    let mut db = web_proxy.clone();
    db.name = "db".into();
    db.kind = WorkloadKind::StatefulSet;
    // Claims of one name in both: each named after its service, `db` + `data-x` and
    // `db-data` + `x` alike.
    db.storage = vec![claim("data-x"), claim("x")];
    let mut db_data = db.clone();
    db_data.name = "db-data".into();
    db_data.storage = vec![claim("x"), claim("data-x")];
    for s in [web, web_proxy, db, db_data] {
        d.apply(kubeprint_core::Edit::AddService(Box::new(s)))
            .unwrap();
    }
    let (yaml, _) = files(&d, "dev");
    let f = parsed(&yaml);
    let services = f["services"].as_object().unwrap();
    assert_eq!(
        services["web-proxy"]["image"],
        d.service_named("web-proxy").unwrap().image_ref()
    );
    assert_eq!(services["web-proxy-2"]["network_mode"], "service:web");
    let volumes = f["volumes"].as_object().unwrap();
    assert!(
        volumes.contains_key("db-data-x") && volumes.contains_key("db-data-x-2"),
        "{yaml}"
    );
    let differ = round_trip(&d, "dev");
    assert!(differ.is_empty(), "{}", differ.join("\n"));
}

#[test]
fn an_unknown_environment_gives_a_file_that_says_so() {
    let (yaml, _) = files(&templates::connectum(), "qa");
    let f = parsed(&yaml);
    assert_eq!(f["services"], serde_json::json!({}));
    assert!(f["x-kubeprint"]["notes"][0]
        .as_str()
        .unwrap()
        .contains("no environment `qa` (it has dev, staging, prod, observability)"));
}

/// `${VAR}` references in the string values of a compose file (keys are not
/// interpolated; `$$` is a literal dollar).
fn references(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            let mut rest = s.as_str();
            while let Some(at) = rest.find('$') {
                let after = &rest[at + 1..];
                if let Some(r) = after.strip_prefix('$') {
                    rest = r;
                } else if let Some(body) = after.strip_prefix('{') {
                    let end = body.find('}').unwrap_or(body.len());
                    out.insert(body[..end].to_string());
                    rest = &body[end..];
                } else {
                    // A lone `$` would be read as `$NAME`: the export never leaves one.
                    out.insert(format!("lone $ in {s:?}"));
                    rest = after;
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| references(i, out)),
        Value::Object(m) => m.values().for_each(|i| references(i, out)),
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// For any design: the file parses; every `depends_on` names a service of the file
    /// and the waits have no cycle; no two published ports share a host port and
    /// protocol, and each is on the loopback address only; every `${VAR}` is set in
    /// `.env`.
    #[test]
    fn any_designs_compose_file_is_whole(d in common::design()) {
        for env in d.environments.iter().map(|e| e.name.clone()) {
            let (yaml, dotenv) = files(&d, &env);
            let f = parsed(&yaml);
            let services = f["services"].as_object().cloned().unwrap_or_default();
            let mut host = BTreeSet::new();
            let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for (name, s) in &services {
                for p in s["ports"].as_array().into_iter().flatten() {
                    let (ip, published, _, protocol) = short_port(p);
                    let key = (published, protocol);
                    prop_assert!(published.is_none() || host.insert(key.clone()), "host port {key:?} twice");
                    prop_assert_eq!(ip, "127.0.0.1", "{} publishes beyond its host", name);
                }
                for dep in s["depends_on"].as_object().into_iter().flatten().map(|(k, _)| k) {
                    prop_assert!(services.contains_key(dep), "{name} depends on {dep}, not in the file");
                    graph.entry(name.clone()).or_default().push(dep.clone());
                }
            }
            // No cycle: repeatedly remove services that wait for nothing left.
            let mut left: BTreeSet<String> = services.keys().cloned().collect();
            loop {
                let free: Vec<String> = left.iter().filter(|n| {
                    graph.get(*n).into_iter().flatten().all(|d| !left.contains(d))
                }).cloned().collect();
                if free.is_empty() { break; }
                for n in free { left.remove(&n); }
            }
            prop_assert!(left.is_empty(), "a cycle of waits among {left:?}");
            let set: BTreeSet<String> = dotenv
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| l.split_once('=').map(|(k, _)| k.to_string()))
                .collect();
            let mut refs = BTreeSet::new();
            references(&f, &mut refs);
            for r in refs {
                prop_assert!(set.contains(&r), "${{{r}}} is not in .env:\n{dotenv}");
            }
        }
    }
}

/// A compose file of one's own, imported and exported: what the design can say comes
/// back as it was written (a healthcheck's start period, also one of no whole number of
/// intervals, replicas, a named volume's
/// name, so the data is found again), and a variable the import made a Secret's stays a
/// Secret's on a second import, although `.env` holds only its placeholder then. What
/// the export cannot keep is said in its notes.
#[test]
fn a_compose_file_comes_back_through_a_design() {
    let text = r#"name: shop
services:
  web:
    image: ghcr.io/acme/shop-web:1.8.0
    ports:
      - "8080:3000"
    depends_on:
      api:
        condition: service_healthy
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:3000/healthz"]
      interval: 10s
      timeout: 3s
      retries: 5
      start_period: 45s
  api:
    image: ghcr.io/acme/shop-api:2.3.1
    environment:
      LOG_LEVEL: info
      DATABASE_URL: postgres://shop:${POSTGRES_PASSWORD}@db:5432/shop
    expose:
      - "8000"
    deploy:
      replicas: 2
    depends_on:
      - db
  worker:
    image: ghcr.io/acme/shop-worker:2.3.1
    command: ["python", "-m", "shop.worker"]
    deploy:
      replicas: 3
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_USER: shop
      POSTGRES_DB: shop
    volumes:
      - dbdata:/var/lib/postgresql/data
volumes:
  dbdata: {}
"#;
    let env_files =
        BTreeMap::from([(".env".to_string(), "POSTGRES_PASSWORD=s3cret\n".to_string())]);
    let first = import_compose::import(text, &env_files).design;
    let secret_vars = |d: &Design, name: &str| -> Vec<String> {
        let s = d.service_named(name).unwrap();
        (variables(d, &s.config).into_iter())
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k)
            .collect()
    };
    // The password is a Secret's, which the address reads as `$(POSTGRES_PASSWORD)`.
    assert_eq!(secret_vars(&first, "api"), ["POSTGRES_PASSWORD"]);
    let url = "postgres://shop:$(POSTGRES_PASSWORD)@db:5432/shop";
    let api_vars = |d: &Design| variables(d, &d.service_named("api").unwrap().config);
    assert_eq!(api_vars(&first)["DATABASE_URL"].as_deref(), Some(url));
    let (yaml, dotenv) = files(&first, "dev");
    let file = parsed(&yaml);
    let services = &file["services"];
    assert_eq!(
        services["web"]["healthcheck"]["start_period"], "45s",
        "{yaml}"
    );
    // The worker and the api publish nothing (the api's port is only `expose`d, as the
    // file had it): compose runs their replicas. Web publishes host port 8080, as the
    // file did: one container.
    assert_eq!(services["worker"]["deploy"]["replicas"], 3, "{yaml}");
    assert_eq!(services["api"]["deploy"]["replicas"], 2, "{yaml}");
    assert_eq!(services["api"].get("ports"), None, "{yaml}");
    assert_eq!(services["api"]["expose"][0], "8000", "{yaml}");
    assert_eq!(
        services["web"]["ports"][0], "127.0.0.1:8080:3000/tcp",
        "{yaml}"
    );
    assert_eq!(services["db"]["volumes"][0]["source"], "dbdata", "{yaml}");
    assert!(file["volumes"].get("dbdata").is_some(), "{yaml}");
    assert!(
        dotenv.contains(&format!("POSTGRES_PASSWORD={SECRET_PLACEHOLDER}")),
        "{dotenv}"
    );
    let api_env = services["api"]["environment"].to_string();
    assert!(
        api_env.contains("DATABASE_URL=postgres://shop:${POSTGRES_PASSWORD}@db:5432/shop"),
        "{yaml}"
    );
    // Run from any folder, the project is the file's (`shop`): its volumes are
    // `shop_dbdata`, where the data of `docker compose up` on the input is.
    assert!(
        dotenv.lines().any(|l| l == "COMPOSE_PROJECT_NAME=shop"),
        "{dotenv}"
    );
    // A container that exits starts again, as a pod's would; none was a Job.
    for name in ["web", "api", "worker", "db"] {
        assert_eq!(services[name]["restart"], "unless-stopped", "{name}");
    }
    // web publishes a port: one container, said; its start period as it was.
    let second =
        import_compose::import(&yaml, &BTreeMap::from([(".env".to_string(), dotenv)])).design;
    assert_eq!(
        secret_vars(&second, "api"),
        ["POSTGRES_PASSWORD"],
        "a Secret's still"
    );
    assert!(
        (second.config_maps.iter()).all(|c| !c.data.contains_key("POSTGRES_PASSWORD")),
        "no placeholder taken for a plain value"
    );
    assert_eq!(api_vars(&second)["DATABASE_URL"].as_deref(), Some(url));
    for name in ["web", "api", "db"] {
        let (a, b) = (
            first.service_named(name).unwrap(),
            second.service_named(name).unwrap(),
        );
        assert_eq!(a.scaling.replicas, b.scaling.replicas, "{name}");
        assert_eq!(a.probes.startup, b.probes.startup, "{name}");
        assert_eq!(a.timing.startup_seconds, b.timing.startup_seconds, "{name}");
        assert_eq!(a.storage, b.storage, "{name}");
    }
    // And a third time, the file is the second's.
    assert_eq!(files(&second, "dev").0, yaml);
}

/// Replicas compose cannot run are one container, with a note that says why.
#[test]
fn replicas_that_publish_a_port_or_share_a_volume_run_one_container_with_a_note() {
    let mut d = templates::connectum();
    let dev = d.environment("dev").unwrap().clone();
    let published = (deployed(&d, &dev).into_iter())
        .find(|s| s.kind == WorkloadKind::Deployment && !s.exposure.ports.is_empty())
        .expect("a Deployment with a Service port");
    let id = published.id;
    let s = d.service_mut(id).unwrap();
    s.scaling.hpa = None;
    s.scaling.replicas = 3;
    let dev = d.environments.iter_mut().find(|e| e.name == "dev").unwrap();
    dev.overrides.remove(&id);
    let (yaml, _) = files(&d, "dev");
    let file = parsed(&yaml);
    assert_eq!(
        file["services"][&published.name]["deploy"].get("replicas"),
        None,
        "{yaml}"
    );
    let notes = file["x-kubeprint"]["notes"].to_string();
    assert!(
        notes.contains(&format!(
            "{}: one container here, not 3: its published host ports allow one",
            published.name
        )),
        "{notes}"
    );
    // Without a Service port but with a sidecar (one compose service of its own, which
    // a second replica could not share): one container too.
    let s = d.service_mut(id).unwrap();
    s.exposure.ports.clear();
    s.containers.push(Container {
        name: "proxy".into(),
        role: ContainerRole::Regular,
        image: "envoyproxy/envoy".into(),
        tag: "v1.31".into(),
        ..Container::default()
    });
    let (yaml, _) = files(&d, "dev");
    let file = parsed(&yaml);
    let main = &file["services"][&published.name];
    assert_eq!(main.pointer("/deploy/replicas"), None, "{yaml}");
    assert_eq!(main["x-kubeprint"]["replicas"], 3, "{yaml}");
    // And without either: compose runs the three.
    d.service_mut(id).unwrap().containers.clear();
    let (yaml, _) = files(&d, "dev");
    assert_eq!(
        parsed(&yaml)["services"][&published.name]["deploy"]["replicas"],
        3,
        "{yaml}"
    );
}

/// A variable that reads one key of a Secret comes back reading that key, not the whole
/// Secret, also where the variable is named as the key; a pod that reads every key of a
/// Secret comes back reading all of them.
#[test]
fn a_secret_read_by_key_or_whole_comes_back_read_the_same_way() {
    let mut d = templates::connectum();
    d.secrets.push(SecretDef {
        name: "db-credentials".into(),
        kind: "Opaque".into(),
        keys: vec!["DB_PASSWORD".into(), "DB_ADMIN_PASSWORD".into()],
        residual: None,
        external: true,
    });
    d.secrets.push(SecretDef {
        name: "api-keys".into(),
        kind: "Opaque".into(),
        keys: vec!["STRIPE_KEY".into()],
        residual: None,
        external: false,
    });
    let dev = d.environment("dev").unwrap().clone();
    let id = deployed(&d, &dev)[0].id;
    let s = d.service_mut(id).unwrap();
    s.config.env.push(EnvVar {
        name: "DB_PASSWORD".into(),
        value: EnvValue::SecretKey {
            name: "db-credentials".into(),
            key: "DB_PASSWORD".into(),
        },
    });
    s.config.env_from.push(EnvFrom::Secret("api-keys".into()));
    let name = s.name.clone();
    let (yaml, dotenv) = files(&d, "dev");
    let back =
        import_compose::import(&yaml, &BTreeMap::from([(".env".to_string(), dotenv)])).design;
    let b = back.service_named(&name).unwrap();
    let by_key: Vec<_> = (b.config.env.iter())
        .filter_map(|e| match &e.value {
            EnvValue::SecretKey { name, key } => {
                Some((e.name.as_str(), name.as_str(), key.as_str()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        by_key,
        [("DB_PASSWORD", "db-credentials", "DB_PASSWORD")],
        "{yaml}"
    );
    assert!(!b
        .config
        .env_from
        .contains(&EnvFrom::Secret("db-credentials".into())));
    assert!(b
        .config
        .env_from
        .contains(&EnvFrom::Secret("api-keys".into())));
    // The Secret made outside Kubeprint is still made outside; the other is written.
    assert!(back.secret("db-credentials").unwrap().external, "{yaml}");
    assert!(!back.secret("api-keys").unwrap().external, "{yaml}");
}

/// A compose file's services come in the file's order, not by name, and so do the host
/// ports they keep: the API written first keeps 8080, and the database UI after it that
/// also listens on 8080 gets 8081 as its file had it (by name, `adminer` came before
/// `api` and took 8080 from it).
#[test]
fn services_keep_the_files_order_and_its_host_ports() {
    let text = "services:
  api:
    image: ghcr.io/acme/api:1.4.2
    ports: [\"8080:8080\"]
  adminer:
    image: adminer:4.8.1
    ports: [\"8081:8080\"]
";
    let i = import_compose::import(text, &Default::default());
    let names: Vec<&str> = i.design.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["api", "adminer"]);
    let (file, _) = files(&i.design, "dev");
    let file = parsed(&file);
    let published = |service: &str| short_port(&file["services"][service]["ports"][0]).1;
    assert_eq!(
        (published("api"), published("adminer")),
        (Some(8080), Some(8081)),
        "{file:#?}"
    );
}

/// A compose file's host side comes back: each port at the host port it named, a port
/// the engine picks as one it picks, a port only exposed not published, and a profile
/// kept; through a share link too; and a container port renamed or removed in the
/// design takes what it published along.
#[test]
fn host_ports_and_profiles_come_back_through_a_design_and_a_link() {
    let text = include_str!("data/compose-local-run.yaml");
    let design = import_compose::import(text, &Default::default()).design;
    let published = |d: &Design| -> BTreeMap<String, Vec<String>> {
        let file = parsed(&files(d, "dev").0);
        let services = file["services"].as_object().unwrap();
        (services.iter())
            .map(|(name, s)| {
                let ports = s["ports"].as_array().map_or(Vec::new(), |ports| {
                    ports
                        .iter()
                        .map(|p| p.as_str().unwrap().to_string())
                        .collect()
                });
                (name.clone(), ports)
            })
            .collect()
    };
    let want = BTreeMap::from([
        ("web".to_string(), vec!["127.0.0.1:80:8080/tcp".to_string()]),
        (
            "api".into(),
            vec![
                "127.0.0.1:8080:3000/tcp".into(),
                "127.0.0.1:9091:9090/tcp".into(),
            ],
        ),
        ("db".into(), vec!["127.0.0.1::5432/tcp".into()]),
        ("cache".into(), vec![]),
        ("adminer".into(), vec!["127.0.0.1:8081:8080/tcp".into()]),
    ]);
    assert_eq!(published(&design), want);
    let (yaml, _) = files(&design, "dev");
    let file = parsed(&yaml);
    assert_eq!(file["services"]["cache"]["expose"][0], "6379", "{yaml}");
    assert_eq!(
        file["services"]["adminer"]["profiles"],
        serde_json::json!(["debug"])
    );
    assert_eq!(file["services"].pointer("/web/profiles"), None);
    // Started only with its profile, adminer is still dev's alone.
    let runs = |d: &Design, env: &str| {
        let adminer = d.service_named("adminer").unwrap().id;
        d.environment(env).unwrap().deploys(adminer)
    };
    assert!(runs(&design, "dev") && !runs(&design, "prod"));
    // The exported file imports to the same design's file, and a link carries it.
    let again = import_compose::import(&yaml, &Default::default()).design;
    assert_eq!(files(&again, "dev").0, yaml);
    assert!(
        !runs(&again, "prod"),
        "the profile kept adminer out of prod"
    );
    let url = kubeprint_core::link::link("https://kubeprint.example/", &design);
    let opened = kubeprint_core::link::decode(&url).unwrap();
    assert_eq!(files(&opened, "dev").0, yaml);
    // api's port `http` renamed: it is still published at 8080; then `port1` removed:
    // it is no longer published.
    let mut edited = opened.clone();
    let api = edited.service_named("api").unwrap().clone();
    let set = |d: &mut Design, pointer: &str, value: Value| {
        let path = kubeprint_core::FieldPath::service(api.id, pointer);
        d.apply(kubeprint_core::Edit::Set { path, value }).unwrap();
    };
    set(&mut edited, "/ports/0/name", "web".into());
    let one = serde_json::to_value(&edited.service(api.id).unwrap().ports[..1]).unwrap();
    set(&mut edited, "/ports", one);
    let local = &edited.service_named("api").unwrap().local;
    assert_eq!(
        local.published,
        Some(vec![HostPort {
            port: PortRef::Name("web".into()),
            host: Some(8080)
        }])
    );
    assert_eq!(published(&edited)["api"], ["127.0.0.1:8080:3000/tcp"]);
    // A call drawn from a service compose always starts to one of a profile: compose
    // would refuse to start the caller without it, so the caller does not wait for it.
    let (web, adminer) = (
        edited.service_named("web").unwrap().id,
        edited.service_named("adminer").unwrap().id,
    );
    edited
        .apply(kubeprint_core::Edit::AddEdge(Edge {
            from: web,
            to: adminer,
            port: "http".into(),
        }))
        .unwrap();
    let (yaml, _) = files(&edited, "dev");
    let file = parsed(&yaml);
    assert_eq!(
        file["services"]["web"]["depends_on"].get("adminer"),
        None,
        "{yaml}"
    );
    assert!(
        file["services"]["web"]["depends_on"].get("api").is_some(),
        "{yaml}"
    );
    assert!(
        yaml.contains("web calls adminer on `http`, which compose starts only with --profile debug: web does not wait for it"),
        "{yaml}"
    );
    // A caller of profiles debug and tools waits for a callee only if each of them
    // starts it: with --profile tools alone, adminer would be missing.
    let profiles = |d: &mut Design, name: &str, list: &[&str]| {
        let id = d.service_named(name).unwrap().id;
        d.service_mut(id).unwrap().local.profiles = list.iter().map(|p| p.to_string()).collect();
    };
    profiles(&mut edited, "web", &["debug", "tools"]);
    let waits = |d: &Design| {
        let file = parsed(&files(d, "dev").0);
        file["services"]["web"]["depends_on"]
            .get("adminer")
            .is_some()
    };
    assert!(!waits(&edited), "adminer is not started by tools");
    profiles(&mut edited, "adminer", &["debug", "tools"]);
    assert!(waits(&edited), "both start adminer");
    // An entry typed into, naming no port yet, stays to be typed on.
    let web = edited.service_named("web").unwrap().id;
    edited
        .apply(kubeprint_core::Edit::Set {
            path: kubeprint_core::FieldPath::service(web, "/local/published/0/port"),
            value: "h".into(),
        })
        .unwrap();
    let web_local = &edited.service(web).unwrap().local;
    assert_eq!(
        web_local.published.as_ref().unwrap()[0].port,
        PortRef::Name("h".into())
    );
    // A profile compose would refuse is refused (a list typed with commas).
    let err = edited
        .apply(kubeprint_core::Edit::Set {
            path: kubeprint_core::FieldPath::service(web, "/local/profiles"),
            value: serde_json::json!(["debug,", "tools"]),
        })
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("`debug,` is not a compose profile"),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    /// Saying what a local run publishes starts from what it publishes unsaid: any
    /// design's file is the same with each service that says nothing given the list
    /// made from the default (`presets::published`), so that ticking the box changes
    /// nothing until a port is edited.
    #[test]
    fn the_published_list_starts_as_what_the_default_publishes(d in common::design()) {
        let mut said = d.clone();
        for s in said.services.iter_mut().filter(|s| s.local.published.is_none()) {
            s.local.published = Some(kubeprint_core::presets::published(s));
        }
        for env in d.environments.iter().filter(|e| e.hosts_services) {
            prop_assert_eq!(files(&said, &env.name).0, files(&d, &env.name).0, "{}", env.name);
        }
    }
}

/// The same for every template.
#[test]
fn every_templates_published_list_starts_as_what_it_publishes() {
    for t in templates::ALL {
        let d = (t.build)();
        let mut said = d.clone();
        for s in &mut said.services {
            s.local.published = Some(kubeprint_core::presets::published(s));
        }
        for env in d.environments.iter().filter(|e| e.hosts_services) {
            assert_eq!(
                files(&said, &env.name).0,
                files(&d, &env.name).0,
                "{} {}",
                t.name,
                env.name
            );
        }
    }
}

/// What a container of a compose file keeps of its own comes back: its user as
/// runAsUser and runAsGroup, a tmpfs as an emptyDir in memory and an anonymous volume as
/// one on disk, each mounted where it was; a user by name and the service's secrets are
/// said, not guessed.
#[test]
fn a_containers_user_and_scratch_directories_come_back() {
    let text = r#"services:
  api:
    image: ghcr.io/acme/api:2.0.0
    user: "1000:1000"
    tmpfs: /run
    volumes:
      - type: tmpfs
        target: /tmp
      - /var/cache/api
    secrets: [api_key]
  web:
    image: nginx:1.27-alpine
    user: nginx
secrets:
  api_key:
    file: ./secrets/api_key.txt
"#;
    let imported = import_compose::import(text, &Default::default());
    let d = &imported.design;
    let api = d.service_named("api").unwrap();
    assert_eq!(
        (api.security.run_as_user, api.security.run_as_group),
        (Some(1000), Some(1000))
    );
    let scratch: Vec<(String, bool)> = (api.mounts.iter())
        .filter_map(|m| {
            let v = api.volumes.iter().find(|v| v.name == m.volume).unwrap();
            match v.source {
                VolumeSource::EmptyDir { memory, .. } => Some((m.path.clone(), memory)),
                _ => None,
            }
        })
        .collect();
    assert_eq!(
        scratch,
        [
            ("/run".to_string(), true),
            ("/tmp".to_string(), true),
            ("/var/cache/api".to_string(), false)
        ]
    );
    let notes: Vec<String> = (imported.documents.iter())
        .filter_map(|doc| doc.note.clone())
        .collect();
    let said = notes.join("\n");
    assert!(!said.contains("not portable"), "{said}");
    assert!(said.contains("user `nginx` is a name"), "{said}");
    assert!(
        said.contains("secret `api_key`: key `api_key` of Secret `api-key` at /run/secrets/api_key (from `./secrets/api_key.txt`: set its value in the cluster)"),
        "{said}"
    );
    // Rendered for Kubernetes: the pod's user and group, a memory-backed emptyDir.
    let yaml = kubeprint_core::render(d, "prod").to_yaml();
    assert!(yaml.contains("runAsUser: 1000") && yaml.contains("runAsGroup: 1000"));
    assert!(yaml.contains("medium: Memory"), "{yaml}");
    // Exported to compose again: as the file had them, and the same design from it.
    let (out, _) = files(d, "dev");
    let file = parsed(&out);
    let api_out = &file["services"]["api"];
    assert_eq!(api_out["user"], "1000:1000", "{out}");
    assert_eq!(
        api_out["tmpfs"],
        serde_json::json!(["/run", "/tmp"]),
        "{out}"
    );
    assert_eq!(
        api_out["volumes"],
        serde_json::json!([{"type": "volume", "target": "/var/cache/api"}]),
        "{out}"
    );
    assert_eq!(api_out["secrets"], serde_json::json!(["api_key"]), "{out}");
    assert_eq!(
        file["secrets"]["api_key"]["file"], "./secrets/api_key",
        "{out}"
    );
    let again = import_compose::import(&out, &Default::default()).design;
    let again_api = again.service_named("api").unwrap();
    assert_eq!(again_api.volumes, api.volumes);
    assert_eq!(again_api.mounts, api.mounts);
    assert_eq!(again_api.security.run_as_user, Some(1000));
}

/// A Secret mounted whole at a directory (each key a file there, a rotated or added key
/// too) is written as compose secrets, one per key at `<dir>/<key>`, and comes back one
/// mount of the whole Secret, not a `subPath` mount per key.
#[test]
fn a_secret_mounted_whole_comes_back_mounted_whole() {
    let mut d = templates::connectum();
    let s = &mut d.services[0];
    s.volumes.push(Volume {
        name: "tls".into(),
        source: VolumeSource::Secret {
            name: "order-service-tls".into(),
        },
    });
    s.mounts.push(Mount {
        volume: "tls".into(),
        path: "/etc/tls".into(),
        read_only: true,
        sub_path: String::new(),
    });
    let name = s.name.clone();
    let (yaml, dotenv) = files(&d, "dev");
    let file = parsed(&yaml);
    assert_eq!(
        file["services"][&name]["secrets"],
        serde_json::json!([
            {"source": "tls.crt", "target": "/etc/tls/tls.crt"},
            {"source": "tls.key", "target": "/etc/tls/tls.key"},
        ]),
        "{yaml}"
    );
    let back =
        import_compose::import(&yaml, &BTreeMap::from([(".env".to_string(), dotenv)])).design;
    let b = back.service_named(&name).unwrap();
    // (The volume is named after the Secret now: what it mounts, where and how, is the
    // same.)
    let mounted = |s: &Service| -> Vec<(String, VolumeSource, String, bool)> {
        (s.mounts.iter())
            .map(|m| {
                let v = s.volumes.iter().find(|v| v.name == m.volume).unwrap();
                (
                    m.path.clone(),
                    v.source.clone(),
                    m.sub_path.clone(),
                    m.read_only,
                )
            })
            .collect()
    };
    assert_eq!(mounted(b), mounted(&d.services[0]), "{yaml}");
    assert_eq!(b.volumes.len(), d.services[0].volumes.len());
    assert_eq!(
        back.secret("order-service-tls").map(|x| x.keys.clone()),
        Some(vec!["tls.crt".to_string(), "tls.key".to_string()])
    );
}

/// A compose file's configuration names calls its `depends_on` leaves out (web reads
/// its cache and its database by URL, depends only on the database): each becomes an
/// edge, said in the report, as a Kubernetes import reads them; the export names them
/// in `x-kubeprint`, and a second import has the same edges, no more. With default-deny
/// on, the addresses are let through.
#[test]
fn calls_a_compose_file_s_configuration_names_are_edges() {
    let text = r#"name: shop
services:
  web:
    image: ghcr.io/acme/shop-web:1.4.2
    ports: ["8000:8000"]
    environment:
      DATABASE_URL: postgres://shop:${POSTGRES_PASSWORD}@db:5432/shop
      REDIS_URL: redis://cache:6379/0
      SEARCH_URL: https://search.example.com
    depends_on: [db]
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
    expose: ["5432"]
  cache:
    image: redis:7-alpine
    expose: ["6379"]
"#;
    let imported = import_compose::import(text, &BTreeMap::new());
    let edges = |d: &Design| -> Vec<(String, String, String)> {
        let name = |id| d.service(id).unwrap().name.clone();
        (d.edges.iter())
            .map(|e| (name(e.from), name(e.to), e.port.clone()))
            .collect()
    };
    let first = imported.design;
    let mut found = edges(&first);
    found.sort();
    assert_eq!(
        found,
        [
            ("web".into(), "cache".into(), "redis".into()),
            ("web".into(), "db".into(), "postgresql".into()),
        ]
    );
    let web = (imported.documents.iter())
        .find(|d| d.name == "web")
        .and_then(|d| d.note.clone())
        .unwrap();
    assert!(
        web.contains("calls `cache` on port `redis`, which its configuration names: an edge"),
        "{web}"
    );
    // Through the export and back: the same edges.
    let (yaml, dotenv) = files(&first, "dev");
    let second =
        import_compose::import(&yaml, &BTreeMap::from([(".env".to_string(), dotenv)])).design;
    let mut again = edges(&second);
    again.sort();
    assert_eq!(again, found, "{yaml}");
    // Under default-deny every in-cluster address is allowed by its edge.
    let mut locked = first.clone();
    locked
        .environments
        .iter_mut()
        .for_each(|e| e.default_deny = true);
    let env = locked.environments[0].name.clone();
    let blocked: Vec<String> = (kubeprint_core::validate(&locked, &env).into_iter())
        .filter(|f| f.code == "KP320")
        .map(|f| f.message)
        .collect();
    assert!(blocked.is_empty(), "{blocked:#?}");
    // The search service outside the cluster is dropped, and said (KP324).
    let outside: Vec<String> = (kubeprint_core::validate(&locked, &env).into_iter())
        .filter(|f| f.code == "KP324")
        .map(|f| f.message)
        .collect();
    assert_eq!(outside.len(), 1, "{outside:#?}");
    assert!(
        outside[0].contains("`search.example.com` on port 443"),
        "{}",
        outside[0]
    );
    // The design's egress travels through the compose file's x-kubeprint.
    let mut out = first.clone();
    let web = out.services.iter_mut().find(|s| s.name == "web").unwrap();
    web.egress.push(ExternalEgress {
        to: "search.example.com".into(),
        ..ExternalEgress::default()
    });
    let (yaml, dotenv) = files(&out, "dev");
    let back = import_compose::import(&yaml, &BTreeMap::from([(".env".to_string(), dotenv)]));
    let web = back.design.service_named("web").unwrap();
    assert_eq!(
        web.egress,
        out.service_named("web").unwrap().egress,
        "{yaml}"
    );
}
