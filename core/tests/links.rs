//! Links made by any version must open in every later version. Each template's link
//! and the design it carried are committed under tests/links/ the first time
//! (`KUBEPRINT_BLESS=1`); afterwards they are only ever read. When the format changes,
//! add an upgrade step rather than editing these files.
//!
//! Besides the templates, `all-fields` is a kitchen-sink design: every optional section
//! present, and every field of every type at its default value somewhere, so that its
//! link leaves each default out and opening it must fill each one back in
//! (tests/defaults.rs proves the coverage). `default` is `Design::default()` in full.

use kubeprint_core::model::*;
use kubeprint_core::residual::Change;
use kubeprint_core::{file, link, templates};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/links")
}

/// Golden designs that are not templates. Each function made its files once; from
/// then on the committed files are the golden, not the function. `default` is
/// `Design::default()` written in full, so that every field of the design and of its
/// cluster is in a golden design at its default value.
const DESIGNS: &[(&str, Build)] = &[
    ("all-fields", all_fields),
    ("default", Design::default),
    ("gateway", gateway),
    ("imported", imported),
    ("workloads", workloads),
    ("gitops", gitops),
    ("delivery", delivery),
    ("default-2", Design::default),
    ("canary-route", canary_route),
    // The first links of format kp2 (deflated against link::DICTIONARY, counted ids
    // left out); every file before these is kp1.
    ("miniredis-kp2", templates::miniredis),
    ("all-fields-kp2", all_fields),
    ("environment-values", environment_values),
    ("common-labels", common_labels),
    ("claim-sizes", claim_sizes),
    ("hpa-off", hpa_off),
    ("pdb-off", pdb_off),
    ("ingress-off", ingress_off),
    ("pdb-budget", pdb_budget),
    ("variables-here", variables_here),
    ("own-residuals", own_residuals),
    ("pre-stop-command", pre_stop_command),
    ("local-run", local_run),
    ("external-egress", external_egress),
    ("variables-from-keys", variables_from_keys),
];

/// What makes a golden design.
type Build = fn() -> Design;

#[test]
fn golden_links_still_open_to_the_designs_they_carried() {
    let bless = std::env::var_os("KUBEPRINT_BLESS").is_some();
    let mut checked = Vec::new();
    let mut differ = Vec::new();
    let builders = templates::ALL.iter().map(|t| (t.name, t.build));
    for (name, build) in builders.chain(DESIGNS.iter().copied()) {
        let link_file = dir().join(format!("{name}.link"));
        let design_file = dir().join(format!("{name}.json"));
        if bless && !link_file.exists() {
            let d = build();
            std::fs::write(&link_file, link::link("https://kubeprint.example/", &d)).unwrap();
            std::fs::write(&design_file, file::to_json(&d)).unwrap();
        }
        let url = std::fs::read_to_string(&link_file).unwrap_or_else(|_| {
            panic!(
                "{} is missing: run with KUBEPRINT_BLESS=1 once",
                link_file.display()
            )
        });
        let expected = file::from_json(&std::fs::read_to_string(&design_file).unwrap()).unwrap();
        let opened = link::decode(&url).unwrap_or_else(|e| panic!("{name}: {e}"));
        if opened != expected {
            let (opened, expected) = (to_value(&opened), to_value(&expected));
            differ.push(format!(
                "{name}: {}",
                first_difference(&opened, &expected, String::new())
            ));
        }
        checked.push(format!("{name}.link"));
    }
    assert!(
        differ.is_empty(),
        "golden links open to other designs than they carried (if a default changed, see \
         tests/defaults.rs):\n  {}",
        differ.join("\n  ")
    );
    let mut present: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".link"))
        .collect();
    present.sort();
    checked.sort();
    assert_eq!(present, checked, "every golden link is checked");
    for format in ["#d=kp1.", "#d=kp2."] {
        let count = checked
            .iter()
            .filter(|f| {
                std::fs::read_to_string(dir().join(f))
                    .unwrap()
                    .contains(format)
            })
            .count();
        assert!(count >= 2, "{count} golden links of format {format}");
    }
}

/// What environments hold of their own beyond overrides of old: ConfigMap values (keys
/// that look like field names, a `/` and a `~` in a key, a multi-line value) and an
/// Ingress host.
fn environment_values() -> Design {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().id;
    d.service_mut(api).unwrap().exposure.ingress = Some(IngressRoute {
        host: "icat.example.org".into(),
        path: "/".into(),
        port: "http".into(),
        tls: true,
        tls_secret: None,
    });
    let prod = d
        .environments
        .iter_mut()
        .find(|e| e.name == "prod")
        .unwrap();
    prod.config_values = BTreeMap::from([(
        "fastapi-app-env".to_string(),
        BTreeMap::from([
            ("LOG_LEVEL".to_string(), "WARNING".to_string()),
            ("name".to_string(), "replicas".to_string()),
            (
                "conf/app~1.ini".to_string(),
                "[app]\nworkers = 4\n".to_string(),
            ),
        ]),
    )]);
    let dev = d.environments.iter_mut().find(|e| e.name == "dev").unwrap();
    dev.overrides.insert(
        api,
        Override {
            ingress_host: Some("icat.dev.example.org".into()),
            ..Override::default()
        },
    );
    d
}

/// An HPA dev switches off: the order-service runs one pod there, and scales
/// elsewhere.
fn hpa_off() -> Design {
    let mut d = templates::connectum();
    let id = d.service_named("order-service").unwrap().id;
    let dev = d.environments.iter_mut().find(|e| e.name == "dev").unwrap();
    dev.overrides.insert(
        id,
        Override {
            hpa: Some(false),
            replicas: Some(1),
            ..Override::default()
        },
    );
    d
}

/// A budget dev and staging switch off: a critical miniredis service keeps its PDB in
/// prod only.
fn pdb_off() -> Design {
    let mut d = templates::miniredis();
    let prod = d.environment("prod").unwrap();
    let id = (d.services.iter())
        .find(|s| s.scaling.pdb.is_some() && prod.deploys(s.id))
        .unwrap()
        .id;
    for env in d.environments.iter_mut().filter(|e| e.name != "prod") {
        env.overrides.entry(id).or_default().pdb = Some(false);
    }
    d
}

/// A budget of prod's own: a critical miniredis service keeps half its pods up there.
fn pdb_budget() -> Design {
    let mut d = templates::miniredis();
    let id = (d.services.iter())
        .find(|s| s.scaling.pdb.is_some())
        .unwrap()
        .id;
    let prod = d
        .environments
        .iter_mut()
        .find(|e| e.name == "prod")
        .unwrap();
    prod.overrides.entry(id).or_default().pdb_budget = Some(Pdb::MinAvailable(Amount::Percent(50)));
    d
}

/// An Ingress dev switches off: the frontend is reached by a port-forward there.
fn ingress_off() -> Design {
    let mut d = templates::miniredis();
    let id = (d.services.iter())
        .find(|s| s.exposure.ingress.is_some())
        .unwrap()
        .id;
    let dev = d.environments.iter_mut().find(|e| e.name == "dev").unwrap();
    dev.overrides.entry(id).or_default().ingress = Some(false);
    d
}

/// Environments' own sizes of a StatefulSet's claim: prod's larger, dev's smaller, with a
/// claim name that looks like a field of the design.
fn claim_sizes() -> Design {
    let mut d = templates::stfc_fastapi();
    let db = d.service_named("icat-mariadb").unwrap().id;
    let claims = &mut d.service_mut(db).unwrap().storage;
    claims.push(VolumeClaim {
        name: "replicas".into(),
        mount_path: "/var/lib/mysql-binlog".into(),
        size: "5Gi".into(),
        storage_class: Some("standard".into()),
    });
    let claim = claims[0].name.clone();
    for (env, sizes) in [
        (
            "prod",
            vec![(claim.clone(), "100Gi"), ("replicas".into(), "20Gi")],
        ),
        ("dev", vec![(claim, "1Gi")]),
    ] {
        let e = d.environments.iter_mut().find(|e| e.name == env).unwrap();
        let o = e.overrides.entry(db).or_default();
        o.storage = (sizes.into_iter())
            .map(|(k, v)| (k, v.to_string()))
            .collect();
    }
    d
}

/// Environments' own variables: prod's value of one, dev's of another and one only dev
/// sets, staging without one; names that look like fields of the design or their
/// abbreviations in a link, a value that is empty.
fn variables_here() -> Design {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().id;
    let vars = &mut d.service_mut(api).unwrap().config.env;
    vars.push(EnvVar::literal("LOG_LEVEL", "info"));
    vars.push(EnvVar::literal("replicas", "2"));
    vars.push(EnvVar::literal("schedule", "*/5 * * * *"));
    for (env, here) in [
        (
            "prod",
            vec![("LOG_LEVEL", VarHere::Value("warning".into()))],
        ),
        (
            "dev",
            vec![
                ("replicas", VarHere::Value("1".into())),
                ("~sd", VarHere::Value(String::new())),
                ("DEBUG", VarHere::Value("true".into())),
            ],
        ),
        ("staging", vec![("schedule", VarHere::Unset)]),
    ] {
        let e = d.environments.iter_mut().find(|e| e.name == env).unwrap();
        let o = e.overrides.entry(api).or_default();
        o.env = (here.into_iter())
            .map(|(k, v)| (k.to_string(), v))
            .collect();
    }
    d
}

/// Labels on every object of an environment: dev's on the objects only (the default
/// reach), prod's in the selectors too, one of them keyed like a field of the design.
fn common_labels() -> Design {
    let mut d = templates::miniredis();
    let labels = |pairs: &[(&str, &str)]| {
        (pairs.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<BTreeMap<_, _>>()
    };
    for env in &mut d.environments {
        env.common_labels = match env.name.as_str() {
            "dev" => CommonLabels {
                labels: labels(&[("env", "dev")]),
                reach: LabelReach::Objects,
            },
            "prod" => CommonLabels {
                labels: labels(&[
                    ("env", "prod"),
                    ("port", "edge"),
                    ("example.com/team", "platform"),
                ]),
                reach: LabelReach::Selectors,
            },
            _ => continue,
        };
    }
    d
}

/// Canaries and monitoring: a service whose delivery is all defaults, one with a canary
/// of every kind of step and an analysis at its defaults (and a metrics endpoint with the
/// default request counter), an environment that overrides the strategy and one whose
/// monitoring is the Prometheus Operator, beside defaults of each.
fn delivery() -> Design {
    let mut d = Design::default();
    let canary = Service {
        id: ServiceId(2),
        name: "api".into(),
        ports: vec![ContainerPort {
            name: "http".into(),
            port: 8080,
            protocol: Protocol::TCP,
        }],
        metrics: Some(Metrics::new(PortRef::Name("http".into()), "/metrics")),
        delivery: Delivery {
            strategy: UpdateStrategy::Canary,
            steps: vec![
                CanaryStep::SetWeight { weight: 10 },
                CanaryStep::Pause { seconds: Some(120) },
                CanaryStep::Analysis,
                CanaryStep::Pause { seconds: None },
            ],
            analysis: Some(Analysis::default()),
            progress_deadline_abort: true,
            abort_scale_down_delay_seconds: Some(30),
            scale_down_delay_seconds: Some(60),
            traffic: CanaryTraffic::Replicas,
        },
        ..Service::default()
    };
    d.services = vec![
        Service {
            id: ServiceId(1),
            ..Service::default()
        },
        canary,
    ];
    d.next_id = 3;
    d.cluster.prometheus_address = Some("http://prometheus.monitoring:9090".into());
    d.environments[0].overrides = BTreeMap::from([
        (ServiceId(1), Override::default()),
        (
            ServiceId(2),
            Override {
                strategy: Some(UpdateStrategy::RollingUpdate),
                ..Override::default()
            },
        ),
    ]);
    d.environments[2].monitoring = Monitoring {
        scraping: Scraping::Operator,
        labels: BTreeMap::from([("release".to_string(), "kube-prometheus-stack".to_string())]),
        interval_seconds: 15,
        alerts: false,
    };
    d
}

/// A canary routed through its Gateway API route (traffic `gateway_route`) beside a
/// service whose delivery is all defaults (traffic `replicas`), and the Gateway of prod.
fn canary_route() -> Design {
    let mut d = delivery();
    let api = &mut d.services[1];
    api.delivery.traffic = CanaryTraffic::GatewayRoute;
    api.exposure.ports = vec![ServicePort {
        name: "http".into(),
        port: 80,
        target: PortRef::Name("http".into()),
        protocol: Protocol::TCP,
        app_protocol: None,
    }];
    api.exposure.gateway_route = Some(GatewayRoute::default());
    d.environments[2].gateway = Some(Gateway::default());
    d.environments[2].overrides = BTreeMap::from([(
        ServiceId(2),
        Override {
            strategy: Some(UpdateStrategy::Canary),
            ..Override::default()
        },
    )]);
    d
}

/// An imported design of format 2: services in one namespace with details the model does
/// not cover (kept as guarded changes, `null`s included), objects of other namespaces
/// pinned to theirs, and kinds the model does not render kept whole.
fn imported() -> Design {
    let manifests = include_str!("corpus/multi-namespace.yaml");
    let mut d = kubeprint_core::import::kubernetes(manifests).design;
    d.services[0].residual.insert(
        ResidualRole::Service,
        kept("/metadata/creationTimestamp", Value::Null),
    );
    d
}

/// An imported preStop sleep written as a command: its seconds and the command travel.
fn pre_stop_command() -> Design {
    let mut d = templates::stfc_fastapi();
    let t = &mut d.services[0].timing;
    t.pre_stop_seconds = 8;
    t.pre_stop_sleep_command = Some(vec!["/bin/sh".into(), "-c".into(), "sleep 5".into()]);
    d
}

/// Variables an environment reads from a key in place of the service's value: prod's
/// `DATABASE_URL` from a Secret, staging's from a ConfigMap, and `SENTRY_DSN` only prod
/// sets, from a Secret, before the service's variable that reads it.
fn variables_from_keys() -> Design {
    let mut d = templates::stfc_fastapi();
    d.name = "icat-keys".into();
    d.secrets.push(SecretDef {
        name: "icat-api-prod".into(),
        kind: "Opaque".into(),
        keys: vec!["database-url".into(), "sentry-dsn".into()],
        residual: None,
        external: false,
    });
    let cm = d.config_maps[0].name.clone();
    d.config_maps[0].data.insert(
        "STAGING_DATABASE_URL".into(),
        "mysql://icat@mariadb.staging-db:3306/icat".into(),
    );
    let api = d.service_named("fastapi-app").unwrap().id;
    let vars = &mut d.service_mut(api).unwrap().config.env;
    vars.push(EnvVar::literal(
        "DATABASE_URL",
        "mysql://icat:icat@icat-mariadb:3306/icat",
    ));
    vars.push(EnvVar::literal("SENTRY_ENVIRONMENT_DSN", "$(SENTRY_DSN)"));
    let secret = |key: &str| {
        VarHere::Read(EnvValue::SecretKey {
            name: "icat-api-prod".into(),
            key: key.into(),
        })
    };
    for (env, here) in [
        (
            "prod",
            vec![
                ("DATABASE_URL", secret("database-url")),
                ("SENTRY_DSN", secret("sentry-dsn")),
            ],
        ),
        (
            "staging",
            vec![(
                "DATABASE_URL",
                VarHere::Read(EnvValue::ConfigMapKey {
                    name: cm.clone(),
                    key: "STAGING_DATABASE_URL".into(),
                }),
            )],
        ),
    ] {
        let e = d.environments.iter_mut().find(|e| e.name == env).unwrap();
        e.overrides.entry(api).or_default().env = (here.into_iter())
            .map(|(k, v)| (k.to_string(), v))
            .collect();
    }
    d
}

/// Egress outside the cluster under default-deny: HTTPS anywhere (at its defaults) and a
/// managed database's subnet.
fn external_egress() -> Design {
    let mut d = templates::connectum();
    d.environments
        .iter_mut()
        .for_each(|e| e.default_deny = true);
    d.services[0].egress = vec![
        ExternalEgress::default(),
        ExternalEgress {
            to: "orders-db".into(),
            cidr: "10.20.0.0/16".into(),
            port: 5432,
            ..ExternalEgress::default()
        },
    ];
    d
}

/// A compose file's host ports (one named, one the engine picks, a port only exposed)
/// and a profile: what a local run of the design publishes and starts travel.
fn local_run() -> Design {
    let text = "name: shop
services:
  api:
    image: ghcr.io/acme/shop-api:2.3.1
    ports: [\"8080:3000\", \"9091:9090\"]
  db:
    image: postgres:16-alpine
    ports: [\"5432\"]
  cache:
    image: redis:7-alpine
    expose: [\"6379\"]
  adminer:
    image: adminer:4.8.1
    profiles: [debug]
    ports: [\"8081:8080\"]
";
    let mut d = kubeprint_core::compose::import(text, &Default::default()).design;
    // An unnamed port (a metrics exporter's) published where the engine picks.
    let db = d.services.iter_mut().find(|s| s.name == "db").unwrap();
    db.ports.push(ContainerPort {
        name: String::new(),
        port: 9187,
        protocol: Protocol::TCP,
    });
    (db.local.published.get_or_insert_default()).push(HostPort {
        port: PortRef::Number(9187),
        host: None,
    });
    d
}

/// What environments' inputs had of their own: prod's checksum annotation of the api's
/// pods and a label of its ConfigMap, staging's annotation of the Secret.
fn own_residuals() -> Design {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().id;
    let (cm, secret) = (d.config_maps[0].name.clone(), d.secrets[0].name.clone());
    fn env<'d>(d: &'d mut Design, name: &str) -> &'d mut Environment {
        d.environments.iter_mut().find(|e| e.name == name).unwrap()
    }
    let prod = &mut env(&mut d, "prod").own_residuals;
    prod.services.entry(api).or_default().insert(
        ResidualRole::Workload,
        kept(
            "/spec/template/metadata/annotations/checksum~1config",
            json!("9f86d081884c7d65"),
        ),
    );
    prod.config_maps.insert(
        cm,
        kept(
            "/metadata/labels/app.kubernetes.io~1version",
            json!("2.4.1"),
        ),
    );
    let staging = &mut env(&mut d, "staging").own_residuals;
    staging.secrets.insert(
        secret,
        kept(
            "/metadata/annotations/reloader.stakater.com~1match",
            json!("true"),
        ),
    );
    d
}

/// What an import keeps: one member the design does not render.
fn kept(at: &str, now: Value) -> Residual {
    Residual(vec![Change {
        at: at.parse().unwrap(),
        was: None,
        now: Some(now),
        order: None,
    }])
}

fn to_value(d: &Design) -> Value {
    serde_json::to_value(d).expect("designs serialize")
}

/// Where two JSON values first differ, as `pointer: link gives X, file says Y`.
fn first_difference(opened: &Value, expected: &Value, at: String) -> String {
    match (opened, expected) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                let (x, y) = (&a.get(key), &b.get(key));
                if x != y {
                    let null = Value::Null;
                    let (x, y) = (x.unwrap_or(&null), y.unwrap_or(&null));
                    return first_difference(x, y, format!("{at}/{key}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                if x != y {
                    return first_difference(x, y, format!("{at}/{i}"));
                }
            }
        }
        _ => {}
    }
    format!("{at}: the link opens to {opened}, the file says {expected}")
}

/// The kitchen sink: every type and optional section at least once with every field at
/// its default (whole `T::default()` values, pruned to `{}` in the link) and once with
/// every field set to something else. Service 0 is `Service::default()`; service 1 sets
/// everything; service 2 has every section present with default contents.
fn all_fields() -> Design {
    let mut dev = Environment::new("dev", Tier::Dev, "kitchen-dev");
    dev.labels = BTreeMap::from([("istio-injection".into(), "enabled".into())]);
    dev.annotations = BTreeMap::from([("owner".into(), "platform".into())]);
    dev.default_deny = true;
    dev.create_namespace = false;
    dev.residual = Some(kept("/metadata/labels/team", json!("platform")));
    dev.overrides = BTreeMap::from([
        (
            ServiceId(1),
            Override {
                enabled: Some(true),
                replicas: Some(1),
                hpa_min: Some(1),
                hpa_max: Some(2),
                resources: Some(Resources::new("50m", "64Mi", "", "")),
                image_tag: Some("dev".into()),
                strategy: None,
                // (Newer than this golden: see `environment_values`, `claim_sizes`,
                // `variables_here`
                // `hpa_off`, `pdb_off`, `pdb_budget` and `ingress_off`.)
                hpa: None,
                pdb: None,
                pdb_budget: None,
                ingress: None,
                ingress_host: None,
                storage: BTreeMap::new(),
                storage_class: BTreeMap::new(),
                env: BTreeMap::new(),
            },
        ),
        (ServiceId(2), Override::default()),
        (
            ServiceId(0),
            Override {
                resources: Some(Resources::default()),
                ..Override::default()
            },
        ),
    ]);
    let staging = Environment::new("staging", Tier::Staging, "kitchen-staging");
    let mut observability = Environment::new("observability", Tier::Shared, "monitoring");
    observability.hosts_services = false;
    observability.overrides = BTreeMap::from([(
        ServiceId(2),
        Override {
            enabled: Some(true),
            ..Override::default()
        },
    )]);

    let sets_everything = Service {
        id: ServiceId(1),
        name: "api".into(),
        kind: WorkloadKind::StatefulSet,
        component: "backend".into(),
        critical: true,
        container_name: "api-server".into(),
        image: "ghcr.io/acme/api".into(),
        tag: "2.1.0".into(),
        digest: Some("sha256:0123456789abcdef".into()),
        command: vec!["/bin/api".into()],
        args: vec!["--serve".into()],
        ports: vec![
            ContainerPort {
                name: "http".into(),
                port: 8080,
                protocol: Protocol::TCP,
            },
            ContainerPort {
                name: "dns".into(),
                port: 5353,
                protocol: Protocol::UDP,
            },
            ContainerPort {
                name: "sig".into(),
                port: 3868,
                protocol: Protocol::SCTP,
            },
            ContainerPort {
                name: "grpc".into(),
                port: 9000,
                protocol: Protocol::TCP,
            },
            ContainerPort {
                name: "metrics".into(),
                port: 9090,
                protocol: Protocol::TCP,
            },
        ],
        exposure: Exposure {
            service: ServiceKind::Headless,
            ports: vec![ServicePort {
                name: "http".into(),
                port: 80,
                target: PortRef::Name("http".into()),
                protocol: Protocol::TCP,
                app_protocol: Some("http".into()),
            }],
            ingress: Some(IngressRoute {
                host: "api.example.com".into(),
                path: "/api".into(),
                port: "http".into(),
                tls: true,
                tls_secret: None,
            }),
            load_balancer: Some(LoadBalancer {
                ports: vec![ServicePort {
                    name: "dns".into(),
                    port: 53,
                    target: PortRef::Number(5353),
                    protocol: Protocol::UDP,
                    app_protocol: None,
                }],
                annotations: BTreeMap::from([(
                    "service.beta.kubernetes.io/aws-load-balancer-type".into(),
                    "nlb".into(),
                )]),
            }),
            gateway_route: None,
        },
        probes: Probes {
            startup: Some(Probe {
                action: ProbeAction::Exec {
                    command: vec!["cat".into(), "/tmp/ready".into()],
                },
                initial_delay_seconds: 5,
                period_seconds: 2,
                timeout_seconds: 3,
                success_threshold: 1,
                failure_threshold: 30,
            }),
            liveness: Some(
                Probe::http("/healthz", PortRef::Name("http".into()))
                    .timed(10, 20, 4)
                    .with_timeout(2),
            ),
            readiness: Some(Probe {
                success_threshold: 2,
                ..Probe::new(ProbeAction::Grpc {
                    port: 9000,
                    service: Some("api".into()),
                })
            }),
        },
        timing: Timing {
            pre_stop_seconds: 5,
            pre_stop_hook: Some(PreStopHook::Exec {
                command: vec!["/drain".into()],
            }),
            pre_stop_sleep_command: Some(vec!["sleep".into(), "5".into()]),
            app_shutdown_seconds: 10,
            grace_period_seconds: 45,
            startup_seconds: 20,
            min_ready_seconds: 3,
            progress_deadline_seconds: 300,
        },
        resources: Resources::new("250m", "256Mi", "1", "512Mi"),
        scaling: Scaling {
            replicas: 3,
            hpa: Some(Hpa {
                min: 3,
                max: 10,
                cpu_percent: None,
                memory_percent: Some(80),
                scale_up: Some(ScaleRules {
                    stabilization_window_seconds: Some(0),
                    policies: vec![
                        ScalePolicy {
                            kind: ScalePolicyKind::Pods,
                            value: 4,
                            period_seconds: 15,
                        },
                        ScalePolicy {
                            kind: ScalePolicyKind::Percent,
                            value: 100,
                            period_seconds: 15,
                        },
                    ],
                }),
                scale_down: Some(ScaleRules::default()),
            }),
            pdb: Some(Pdb::MinAvailable(Amount::Count(2))),
            max_surge: Amount::Count(1),
            max_unavailable: Amount::Count(0),
            revision_history_limit: Some(5),
            spread: Spread::TopologySpread {
                max_skew: 1,
                topology_key: "topology.kubernetes.io/zone".into(),
                hard: true,
            },
            replicas_with_hpa: false,
        },
        config: Config {
            env: vec![
                EnvVar::literal("LOG_LEVEL", "debug"),
                EnvVar {
                    name: "REGION".into(),
                    value: EnvValue::ConfigMapKey {
                        name: "api-config".into(),
                        key: "region".into(),
                    },
                },
                EnvVar {
                    name: "DATABASE_URL".into(),
                    value: EnvValue::SecretKey {
                        name: "api-secrets".into(),
                        key: "DATABASE_URL".into(),
                    },
                },
            ],
            env_from: vec![
                EnvFrom::ConfigMap("api-config".into()),
                EnvFrom::Secret("api-secrets".into()),
            ],
        },
        storage: vec![VolumeClaim {
            name: "data".into(),
            mount_path: "/var/lib/api".into(),
            size: "10Gi".into(),
            storage_class: Some("fast-ssd".into()),
        }],
        volumes: Vec::new(),
        mounts: Vec::new(),
        containers: Vec::new(),
        job: JobSettings::default(),
        cron: CronSettings::default(),
        security: Security {
            dedicated_service_account: true,
            automount_token: Some(true),
            ..Security::unset()
        },
        metrics: Some(Metrics::new(PortRef::Name("metrics".into()), "/metrics")),
        delivery: Delivery::default(),
        port_pools: vec![PortPool {
            name: "cluster-bus".into(),
            start: 7000,
            end: 7099,
            start_env: "BUS_PORT_START".into(),
            end_env: "BUS_PORT_END".into(),
        }],
        // (Newer than this golden: see `external_egress`.)
        egress: Vec::new(),
        position: Some(Position { x: 120, y: -40 }),
        residual: BTreeMap::from([
            (
                ResidualRole::Workload,
                kept("/metadata/annotations/team", json!("api")),
            ),
            (
                ResidualRole::Service,
                kept("/spec/sessionAffinity", json!("ClientIP")),
            ),
        ]),
        selector: BTreeMap::new(),
        // (Newer than this golden: see `local_run`.)
        local: LocalRun::default(),
    };

    let default_sections = Service {
        id: ServiceId(2),
        name: "worker".into(),
        ports: vec![ContainerPort::default()],
        exposure: Exposure {
            service: ServiceKind::None,
            ports: vec![ServicePort::default()],
            ingress: Some(IngressRoute::default()),
            load_balancer: Some(LoadBalancer::default()),
            gateway_route: None,
        },
        probes: Probes {
            startup: Some(Probe::default()),
            liveness: Some(Probe::new(ProbeAction::Grpc {
                port: 9000,
                service: None,
            })),
            readiness: Some(Probe::http("/ready", PortRef::Number(8080))),
        },
        scaling: Scaling {
            hpa: Some(Hpa::default()),
            pdb: Some(Pdb::MaxUnavailable(Amount::Percent(50))),
            spread: Spread::AntiAffinity {
                topology_key: "kubernetes.io/hostname".into(),
                required: false,
            },
            ..Scaling::default()
        },
        storage: vec![VolumeClaim::default()],
        metrics: Some(Metrics::new(PortRef::Number(9090), "/stats")),
        port_pools: vec![PortPool::default()],
        position: Some(Position::default()),
        ..Service::default()
    };

    Design {
        name: "kitchen-sink".into(),
        target: KubeVersion::V1_33,
        cluster: Cluster {
            endpoint_propagation_seconds: 10,
            lb_deregistration_seconds: Some(30),
            ingress_class: None,
            cert_issuer: "letsencrypt-staging".into(),
            ingress_controller_namespace: "traefik".into(),
            monitoring_namespace: Some("monitoring".into()),
            prometheus_address: None,
        },
        environments: vec![dev, staging, observability, Environment::default()],
        services: vec![Service::default(), sets_everything, default_sections],
        config_maps: vec![
            ConfigMapDef {
                name: "api-config".into(),
                data: BTreeMap::from([("region".into(), "eu-west-1".into())]),
                residual: Some(kept("/metadata/labels/tier", json!("config"))),
                hash_suffix: false,
            },
            ConfigMapDef::default(),
        ],
        secrets: vec![
            SecretDef {
                name: "api-secrets".into(),
                kind: "Opaque".into(),
                keys: vec!["DATABASE_URL".into()],
                residual: Some(kept("/metadata/annotations/rotated", json!("monthly"))),
                external: false,
            },
            SecretDef {
                name: "api-tls".into(),
                kind: "kubernetes.io/tls".into(),
                keys: vec!["tls.crt".into(), "tls.key".into()],
                residual: None,
                external: true,
            },
            SecretDef::default(),
        ],
        edges: vec![
            Edge {
                from: ServiceId(2),
                to: ServiceId(1),
                port: "http".into(),
            },
            Edge {
                from: ServiceId(0),
                to: ServiceId(1),
                port: String::new(),
            },
        ],
        extra_objects: vec![KeptObject(json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "allow-dns", "namespace": "kitchen-dev"},
            "spec": {"podSelector": {}, "policyTypes": ["Egress"],
                     "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]}
        }))],
        next_id: 3,
        ..Design::default()
    }
}

/// Where the bundle lives in Git for Argo CD, every setting away from its default, and
/// environments that choose their own sync beside one that follows its tier.
fn gitops() -> Design {
    let mut d = templates::connectum();
    d.gitops = GitOps {
        repo_url: "git@git.example.com:acme/connectum.git".into(),
        revision: "release/1.4".into(),
        path: "deploy/connectum".into(),
        argocd_namespace: "gitops".into(),
        source: ArgoSource::Helm,
    };
    for env in &mut d.environments {
        env.argocd_sync = match env.name.as_str() {
            "prod" => ArgoSync::Automated,
            "dev" => ArgoSync::Manual,
            _ => ArgoSync::ByTier,
        };
    }
    d
}

/// Gateway API routes and Gateways: every route and Gateway field set somewhere and at
/// its default somewhere else (the second service's route and the staging Gateway are
/// whole defaults).
fn gateway() -> Design {
    let mut d = templates::connectum_gateway();
    d.name = "gateway".into();
    let route = d.services[0].exposure.gateway_route.as_mut().unwrap();
    route.hostnames = vec!["orders.connectum.example.com".into()];
    route.rules.push(RouteRule {
        matches: vec![RouteMatch::Path {
            kind: PathMatchKind::Exact,
            value: "/healthz".into(),
        }],
        backends: vec![
            RouteBackend {
                service: "order-service-next".into(),
                port: "grpc".into(),
                weight: 10,
            },
            RouteBackend::default(),
        ],
        request_timeout: Some("30s".into()),
        backend_request_timeout: Some("10s".into()),
    });
    route.rules.push(RouteRule::default());
    d.services[1].exposure.gateway_route = Some(GatewayRoute::default());
    for e in &mut d.environments {
        match e.name.as_str() {
            "staging" => e.gateway = Some(Gateway::default()),
            "dev" => {
                let g = e.gateway.as_mut().unwrap();
                g.namespace = Some("gateway".into());
                g.admit = AdmitRoutes::All;
                g.create = false;
                g.listeners[1].certificate_secret = "api-dev-tls".into();
                g.residual = Some(kept("/metadata/labels/team", json!("edge")));
            }
            _ => {}
        }
    }
    d
}

/// The workload kinds beyond Deployment and StatefulSet, and pods of several containers
/// with their volumes: each new section set in full somewhere and at its defaults
/// somewhere else.
fn workloads() -> Design {
    let migrate = Container {
        name: "migrate".into(),
        role: ContainerRole::Init,
        image: "ghcr.io/acme/api".into(),
        tag: "2.1.0".into(),
        digest: Some("sha256:0123456789abcdef".into()),
        command: vec!["/bin/api".into()],
        args: vec!["migrate".into(), "--to=latest".into()],
        ports: Vec::new(),
        probes: Probes::default(),
        resources: Resources::new("100m", "128Mi", "", "256Mi"),
        security: ContainerSecurity {
            run_as_non_root: Some(true),
            run_as_user: Some(10001),
            ..ContainerSecurity::unset()
        },
        config: Config {
            env: vec![EnvVar {
                name: "DATABASE_URL".into(),
                value: EnvValue::SecretKey {
                    name: "api-secrets".into(),
                    key: "DATABASE_URL".into(),
                },
            }],
            env_from: Vec::new(),
        },
        mounts: vec![Mount {
            volume: "tmp".into(),
            path: "/tmp".into(),
            read_only: false,
            sub_path: String::new(),
        }],
        shutdown_seconds: 0,
        needed_at_start: false,
    };
    let proxy = Container {
        name: "proxy".into(),
        role: ContainerRole::Sidecar,
        image: "envoyproxy/envoy".into(),
        tag: "v1.31.0".into(),
        ports: vec![ContainerPort {
            name: "admin".into(),
            port: 9901,
            protocol: Protocol::TCP,
        }],
        probes: Probes {
            readiness: Some(Probe::http("/ready", PortRef::Name("admin".into()))),
            ..Probes::default()
        },
        mounts: vec![Mount {
            volume: "envoy".into(),
            path: "/etc/envoy".into(),
            read_only: true,
            sub_path: "envoy.yaml".into(),
        }],
        shutdown_seconds: 5,
        needed_at_start: true,
        ..Container::default()
    };
    let shipper = Container {
        name: "log-shipper".into(),
        role: ContainerRole::Regular,
        image: "fluent/fluent-bit".into(),
        tag: "3.1".into(),
        ..Container::default()
    };
    let api = Service {
        id: ServiceId(1),
        name: "api".into(),
        ports: vec![ContainerPort {
            name: "http".into(),
            port: 8080,
            protocol: Protocol::TCP,
        }],
        volumes: vec![
            Volume::default(),
            Volume {
                name: "tmp".into(),
                source: VolumeSource::EmptyDir {
                    memory: true,
                    size_limit: Some("64Mi".into()),
                },
            },
            Volume {
                name: "envoy".into(),
                source: VolumeSource::ConfigMap {
                    name: "envoy-config".into(),
                },
            },
            Volume {
                name: "tls".into(),
                source: VolumeSource::Secret {
                    name: "api-tls".into(),
                },
            },
            Volume {
                name: "uploads".into(),
                source: VolumeSource::Claim {
                    claim: "uploads".into(),
                    read_only: true,
                },
            },
        ],
        mounts: vec![
            Mount::default(),
            Mount {
                volume: "tls".into(),
                path: "/etc/tls".into(),
                read_only: true,
                sub_path: String::new(),
            },
        ],
        containers: vec![migrate, proxy, shipper, Container::default()],
        ..Service::default()
    };
    let backup = Service {
        id: ServiceId(2),
        name: "db-backup".into(),
        kind: WorkloadKind::CronJob,
        job: JobSettings {
            completions: Some(1),
            parallelism: Some(1),
            backoff_limit: Some(2),
            active_deadline_seconds: Some(3600),
            ttl_seconds_after_finished: Some(86400),
            restart_policy: JobRestart::Never,
            expected_run_seconds: 900,
        },
        cron: CronSettings {
            schedule: "30 2 * * *".into(),
            time_zone: Some("Europe/London".into()),
            concurrency_policy: ConcurrencyPolicy::Forbid,
            starting_deadline_seconds: Some(300),
            suspend: true,
            successful_jobs_history_limit: Some(5),
            failed_jobs_history_limit: Some(3),
        },
        ..Service::default()
    };
    let migration = Service {
        id: ServiceId(3),
        name: "migrate".into(),
        kind: WorkloadKind::Job,
        ..Service::default()
    };
    let restore = Service {
        id: ServiceId(4),
        name: "restore-test".into(),
        kind: WorkloadKind::CronJob,
        ..Service::default()
    };
    let agent = Service {
        id: ServiceId(5),
        name: "node-agent".into(),
        kind: WorkloadKind::DaemonSet,
        ..Service::default()
    };
    Design {
        name: "workloads".into(),
        services: vec![api, backup, migration, restore, agent],
        next_id: 6,
        ..Design::default()
    }
}

/// A design with a service of each workload kind, batch settings at and away from
/// their defaults, opens from its link exactly (defaults pruned from the link come back
/// as defaults; the rest as written).
#[test]
fn a_design_with_every_workload_kind_round_trips_through_a_link() {
    let mut d = Design::default();
    for (i, (_, kind)) in kubeprint_core::presets::WORKLOAD_KINDS.iter().enumerate() {
        let mut s = Service {
            name: format!("svc-{}", kind.as_str().to_lowercase()),
            kind: *kind,
            ..Service::default()
        };
        if i % 2 == 0 {
            s.job = JobSettings {
                completions: Some(8),
                parallelism: Some(4),
                backoff_limit: Some(0),
                active_deadline_seconds: Some(900),
                ttl_seconds_after_finished: Some(3600),
                restart_policy: JobRestart::Never,
                expected_run_seconds: 240,
            };
            s.cron = CronSettings {
                schedule: "*/20 6-22 * * MON-FRI".into(),
                time_zone: Some("America/New_York".into()),
                concurrency_policy: ConcurrencyPolicy::Forbid,
                starting_deadline_seconds: Some(0),
                suspend: true,
                successful_jobs_history_limit: Some(0),
                failed_jobs_history_limit: Some(10),
            };
        }
        d.apply(kubeprint_core::Edit::AddService(Box::new(s)))
            .unwrap();
    }
    let url = link::link("https://kubeprint.example/", &d);
    assert_eq!(link::decode(&url).unwrap(), d);
    let f = file::from_json(&file::to_json(&d)).unwrap();
    assert_eq!(f, d);
}

/// The Helm chart and every environment's compose file of a design opened from its link
/// (or its saved file) are the ones of the design itself: templates, every corpus
/// imported alone and as two environments.
#[test]
fn a_designs_link_and_file_export_the_same_chart_and_compose_files() {
    use kubeprint_core::export::{compose::compose, helm::chart};
    use kubeprint_core::import;
    let exports = |d: &Design| {
        let mut files = chart(d);
        for e in &d.environments {
            files.extend(compose(d, &e.name));
        }
        files
    };
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut designs: Vec<Design> = templates::ALL.iter().map(|t| (t.build)()).collect();
    for f in std::fs::read_dir(corpus).unwrap() {
        let p = f.unwrap().path();
        if p.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&p).unwrap();
            designs.push(import::kubernetes(&text).design);
            let two = import::environments(&[("staging", &text), ("prod", &text)]).unwrap();
            designs.push(two.design);
        }
    }
    for d in designs {
        let want = exports(&d);
        let linked = link::decode(&link::encode(&d)).unwrap();
        assert_eq!(exports(&linked), want, "{}: through its link", d.name);
        let saved = file::from_json(&file::to_json(&d)).unwrap();
        assert_eq!(exports(&saved), want, "{}: through its file", d.name);
    }
}
