//! The docker-compose importer on stacks shaped like published ones: a web app with
//! Postgres, Redis and Celery workers sharing settings through merge keys and `extends`;
//! a DNS stack with UDP ports and the long port syntax; a development stack with
//! profiles, port ranges and an `extends` into another file.

use kubeprint_core::import::{DocumentReport, Import, Outcome};
use kubeprint_core::{
    compose, render, validate, Probe, ProbeAction, Protocol, Service, Severity, VolumeSource,
    WorkloadKind,
};

fn manifest(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/manifests/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn import(name: &str) -> Import {
    compose::import(&manifest(name), &Default::default())
}

fn service<'a>(i: &'a Import, name: &str) -> &'a Service {
    i.design
        .service_named(name)
        .unwrap_or_else(|| panic!("no service {name}"))
}

fn report<'a>(i: &'a Import, name: &str) -> &'a DocumentReport {
    i.documents
        .iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no report for {name}"))
}

/// What the report says about a service (empty when it was imported as written). A
/// service of a compose file is part of the design or skipped, never kept whole: what
/// the model cannot hold of it is a note.
fn notes(i: &Import, name: &str) -> String {
    let d = report(i, name);
    match &d.outcome {
        Outcome::Skipped(n) => n.clone(),
        Outcome::Imported => d.note.clone().unwrap_or_default(),
        Outcome::Kept(n) => panic!("{name} kept whole from a compose file: {n}"),
    }
}

fn ports(s: &Service) -> Vec<(&str, u16, Protocol)> {
    s.ports
        .iter()
        .map(|p| (p.name.as_str(), p.port, p.protocol))
        .collect()
}

fn exec(p: &Option<Probe>) -> Vec<String> {
    match &p.as_ref().expect("a probe").action {
        ProbeAction::Exec { command } => command.clone(),
        other => panic!("not an exec probe: {other:?}"),
    }
}

#[test]
fn merge_keys_give_services_their_healthcheck_and_grace() {
    let i = import("compose-webapp.yaml");
    let web = service(&i, "web");
    let ready = web
        .probes
        .readiness
        .as_ref()
        .expect("healthcheck from `<<: *app`");
    assert_eq!(
        ready.action,
        ProbeAction::Http {
            path: "/healthz/".into(),
            port: kubeprint_core::PortRef::Name("http".into())
        }
    );
    // interval, timeout and retries come from an anchor merged inside the merged one.
    assert_eq!(
        (
            ready.period_seconds,
            ready.timeout_seconds,
            ready.failure_threshold
        ),
        (15, 5, 5)
    );
    assert!(web.probes.startup.is_some(), "start_period 30s");
    assert_eq!(
        web.timing.grace_period_seconds, 45,
        "stop_grace_period from `<<`"
    );
    assert_eq!(web.scaling.replicas, 2);
    assert_eq!(web.resources.memory_limit.as_deref(), Some("1Gi"));
    // The worker overrides the healthcheck test but merges the timings back in.
    let worker = service(&i, "worker");
    assert_eq!(
        exec(&worker.probes.readiness),
        [
            "sh",
            "-c",
            "celery -A shop inspect ping --timeout 5 || exit 1"
        ]
    );
    assert_eq!(worker.probes.readiness.as_ref().unwrap().period_seconds, 15);
    assert_eq!(worker.timing.grace_period_seconds, 120);
    // `environment: {<<: *app-env, ...}`: the anchor's keys and its own.
    let env = &i.design.config_map("worker-env").unwrap().data;
    assert_eq!(env["DJANGO_SETTINGS_MODULE"], "shop.settings.production");
    assert_eq!(env["C_FORCE_ROOT"], "false");
    assert_eq!(
        i.design.secret("web-secrets").unwrap().keys,
        ["DJANGO_SECRET_KEY"],
        "a merged secret is still a Secret key"
    );
    // Each service is reported on its own line, not on a `db:` under `depends_on`.
    let text = manifest("compose-webapp.yaml");
    let line = |key: &str| text.lines().position(|l| l == key).unwrap() + 1;
    assert_eq!(report(&i, "db").line, line("  db:"));
    assert_eq!(report(&i, "web").line, line("  web:"));
}

#[test]
fn extends_in_the_same_file_inherits_the_base_service() {
    let i = import("compose-webapp.yaml");
    let beat = service(&i, "beat");
    assert_eq!(
        (beat.image.as_str(), beat.tag.as_str()),
        ("ghcr.io/example/shop", "2.4.1")
    );
    assert_eq!(
        beat.args,
        [
            "celery",
            "-A",
            "shop",
            "beat",
            "--loglevel=info",
            "--schedule",
            "/tmp/celerybeat-schedule"
        ],
        "its own command replaces the base's"
    );
    assert_eq!(
        beat.timing.grace_period_seconds, 120,
        "inherited from worker"
    );
    assert_eq!(
        exec(&beat.probes.readiness),
        exec(&service(&i, "worker").probes.readiness),
        "healthcheck inherited"
    );
    assert_eq!(
        i.design.config_map("beat-env").unwrap().data["C_FORCE_ROOT"],
        "false"
    );
    assert!(
        notes(&i, "beat").contains("extends `worker`: inherits"),
        "{}",
        notes(&i, "beat")
    );

    // The short form, and the merge rules: sequences append, environment merges by key.
    let i = compose::import(
        r#"
services:
  api:
    image: registry.example.com/api:3.1.0
    ports: ["8000:8000"]
    expose: ["9100"]
    environment: [LOG_LEVEL=info, TZ=UTC]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/ready"]
      interval: 10s
    stop_grace_period: 20s
  api-admin:
    extends: api
    ports: ["8001:8001"]
    environment:
      LOG_LEVEL: debug
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8001/ready"]
"#,
        &Default::default(),
    );
    let admin = service(&i, "api-admin");
    let numbers: Vec<u16> = admin.ports.iter().map(|p| p.port).collect();
    assert_eq!(numbers, [8000, 8001, 9100]);
    let env = &i.design.config_map("api-admin-env").unwrap().data;
    assert_eq!(
        (env["LOG_LEVEL"].as_str(), env["TZ"].as_str()),
        ("debug", "UTC")
    );
    let ready = admin.probes.readiness.as_ref().unwrap();
    assert_eq!(ready.period_seconds, 10, "healthcheck keys merge");
    assert!(
        matches!(&ready.action, ProbeAction::Http { path, .. } if path == "/ready"),
        "{ready:?}"
    );
    assert!(matches!(&ready.action, ProbeAction::Http { port, .. } if port.to_string() == "port1"));
    assert_eq!(admin.timing.grace_period_seconds, 20);

    // Into another file: reported, naming the file.
    let i = import("compose-dev.yaml");
    let n = notes(&i, "api");
    assert!(
        n.contains("extends `api` in `../api/compose.yaml`: not followed"),
        "{n}"
    );
    assert_eq!(
        service(&i, "api").ports[0].port,
        8080,
        "its own keys still import"
    );
}

#[test]
fn services_in_profiles_are_imported_and_reported() {
    let i = import("compose-dev.yaml");
    for name in ["mailpit", "adminer", "e2e"] {
        assert!(i.design.service_named(name).is_some(), "{name} imported");
    }
    assert!(notes(&i, "mailpit").contains(
        "in profile `debug`: compose starts it only with --profile debug, so it is deployed in dev only"
    ));
    assert!(notes(&i, "adminer").contains(
        "in profiles `debug`, `tools`: compose starts it only with --profile debug or --profile tools"
    ));
    assert!(notes(&i, "e2e").contains("--profile test"));
    assert!(!notes(&i, "db").contains("profile"));
    // Deployed in dev only: a debug UI or a test runner has no place in prod.
    for env in &i.design.environments {
        for name in ["mailpit", "adminer", "e2e", "db"] {
            let id = service(&i, name).id;
            let expected = env.tier == kubeprint_core::Tier::Dev || name == "db";
            assert_eq!(env.deploys(id), expected, "{name} in {}", env.name);
        }
    }
    // db's named volume became a claim per pod of a StatefulSet: the report says so.
    assert!(
        notes(&i, "db").contains(
            "named volume `mysql` (mysql:/var/lib/mysql): a StatefulSet with a 10Gi claim per pod"
        ),
        "{}",
        notes(&i, "db")
    );
    assert_eq!(service(&i, "db").kind, WorkloadKind::StatefulSet);
}

#[test]
fn port_ranges_and_protocols_are_kept() {
    use Protocol::{TCP, UDP};
    let i = import("compose-dns.yaml");
    assert_eq!(
        ports(service(&i, "pihole")),
        [
            ("dns", 53, TCP),
            ("udp1", 53, UDP),
            ("udp2", 67, UDP),
            ("port3", 80, TCP)
        ]
    );
    let svc: Vec<_> = service(&i, "pihole")
        .exposure
        .ports
        .iter()
        .map(|p| (p.port, p.protocol))
        .collect();
    assert_eq!(svc, [(53, TCP), (53, UDP), (67, UDP), (80, TCP)]);
    assert_eq!(
        ports(service(&i, "unbound")),
        [("port0", 5335, TCP), ("udp1", 5335, UDP)],
        "expose keeps protocols too"
    );
    // The long syntax: protocol, name and app_protocol.
    assert_eq!(
        ports(service(&i, "cloudflared")),
        [("udp0", 5053, UDP), ("port1", 5053, TCP)]
    );
    let exporter = service(&i, "exporter");
    assert_eq!(ports(exporter), [("metrics", 9617, TCP)]);
    assert_eq!(
        exporter.exposure.ports[0].app_protocol.as_deref(),
        Some("http")
    );
    let yaml = render(&i.design, "prod").to_yaml();
    assert!(yaml.contains("protocol: UDP"), "UDP reaches the manifests");
    assert!(yaml.contains("appProtocol: http"));

    // A range keeps every port of it.
    let i = import("compose-dev.yaml");
    let localstack: Vec<u16> = service(&i, "localstack")
        .ports
        .iter()
        .map(|p| p.port)
        .collect();
    let want: Vec<u16> = std::iter::once(4566).chain(4510..=4559).collect();
    assert_eq!(localstack, want);
    let i = compose::import(
        "services:\n  prometheus:\n    image: prom/prometheus:v2.53.0\n    ports:\n      - \"9090-9091\"\n",
        &Default::default(),
    );
    assert_eq!(
        ports(service(&i, "prometheus")),
        [("http", 9090, TCP), ("port1", 9091, TCP)]
    );
}

#[test]
fn string_commands_split_like_a_shell() {
    let i = import("compose-dev.yaml");
    assert_eq!(
        service(&i, "app").args,
        [
            "sh",
            "-c",
            "npm ci && npm run dev -- --host 0.0.0.0 --port 5173"
        ]
    );
    assert_eq!(
        service(&i, "e2e").args,
        [
            "npx",
            "playwright",
            "test",
            "--reporter=list",
            "--grep",
            "@smoke"
        ]
    );
    let i = import("compose-dns.yaml");
    assert_eq!(
        service(&i, "cloudflared").args,
        [
            "proxy-dns",
            "--port",
            "5053",
            "--address",
            "0.0.0.0",
            "--upstream",
            "https://1.1.1.1/dns-query",
            "--upstream",
            "https://1.0.0.1/dns-query"
        ]
    );
    let i = compose::import(
        "services:\n  job:\n    image: busybox:1.36\n    command: sh -c \"echo 'a b' && sleep 1\"\n    entrypoint: /bin/entry --flag='x y'\n",
        &Default::default(),
    );
    let job = service(&i, "job");
    assert_eq!(job.args, ["sh", "-c", "echo 'a b' && sleep 1"]);
    assert_eq!(job.command, ["/bin/entry", "--flag=x y"]);
    // One that no shell could split is reported, and split at spaces.
    let i = compose::import(
        "services:\n  job:\n    image: busybox:1.36\n    command: echo \"unclosed\n",
        &Default::default(),
    );
    assert_eq!(service(&i, "job").args, ["echo", "\"unclosed"]);
    assert!(notes(&i, "job").contains("line 4: command cannot be split"));
}

#[test]
fn a_db_without_ports_is_reached_on_its_images_port_and_no_edge_has_an_empty_one() {
    let i = import("compose-webapp.yaml");
    let (web, db) = (service(&i, "web").id, service(&i, "db").id);
    // Postgres and Redis declare no port; the catalogue knows theirs.
    let edge = i
        .design
        .edges
        .iter()
        .find(|e| e.from == web && e.to == db)
        .expect("web -> db");
    assert_eq!(edge.port, "postgres");
    assert!(i.design.edges.iter().all(|e| !e.port.is_empty()));
    let n = notes(&i, "web");
    assert!(!n.contains("declares no port"), "{n}");
    // A dependency with ports gets an edge to its first TCP port.
    let i = import("compose-dns.yaml");
    let (pihole, unbound) = (service(&i, "pihole").id, service(&i, "unbound").id);
    let edge = i
        .design
        .edges
        .iter()
        .find(|e| e.from == pihole && e.to == unbound)
        .expect("pihole -> unbound");
    assert_eq!(edge.port, "port0");
}

#[test]
fn imported_compose_stacks_have_no_error_the_import_made() {
    for file in [
        "compose-webapp.yaml",
        "compose-dns.yaml",
        "compose-dev.yaml",
        "stfc-compose.yaml",
    ] {
        let i = import(file);
        for env in &i.design.environments {
            // But one the input has: a known image that drains for longer than compose's
            // default 10 s stop grace period (mysql flushes InnoDB for up to 30 s), which
            // `docker compose stop` cuts short too. Its fix clears it.
            let input_has = |f: &kubeprint_core::Finding| {
                let s = f.service.as_deref().and_then(|n| i.design.service_named(n));
                f.code == "KP102"
                    && s.and_then(kubeprint_core::images::of).is_some_and(|k| {
                        s.unwrap().timing.app_shutdown_seconds == k.shutdown_seconds
                    })
            };
            let mut fixed = i.design.clone();
            let mut flagged = Vec::new();
            for f in validate(&i.design, &env.name).into_iter().filter(input_has) {
                flagged.push(f.service.clone().unwrap_or_default());
                fixed.apply(f.fix.expect("KP102's fix").edit).unwrap();
            }
            // Only mysql: its 30 s flush against compose's default 10 s.
            let want: &[&str] = match file {
                "compose-dev.yaml" => &["db"],
                _ => &[],
            };
            assert_eq!(flagged, want, "{file} in {}", env.name);
            let errors: Vec<_> = validate(&fixed, &env.name)
                .into_iter()
                .filter(|f| f.severity == Severity::Error)
                .map(|f| format!("{} {}", f.code, f.message))
                .collect();
            assert!(errors.is_empty(), "{file} in {}: {errors:?}", env.name);
            // Nor does the import set probe timeouts the kubelet cannot keep (KP108).
            let kp108: Vec<_> = validate(&i.design, &env.name)
                .into_iter()
                .filter(|f| f.code == "KP108")
                .map(|f| f.message)
                .collect();
            assert!(kp108.is_empty(), "{file} in {}: {kp108:?}", env.name);
        }
    }
}

#[test]
fn out_of_range_values_are_reported_with_their_line() {
    let text = r#"services:
  api:
    image: ghcr.io/example/api:1.4.0
    ports:
      - "8080:70000"
      - "8443:8443"
    stop_grace_period: -5s
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:8443/health"]
      retries: -1
      interval: -10s
    deploy:
      replicas: -3
"#;
    let i = compose::import(text, &Default::default());
    let api = service(&i, "api");
    assert_eq!(
        ports(api),
        [("http", 8443, Protocol::TCP)],
        "70000 left out"
    );
    assert_eq!(api.scaling.replicas, 1);
    assert_eq!(api.timing.grace_period_seconds, 10);
    let ready = api.probes.readiness.as_ref().unwrap();
    assert_eq!((ready.failure_threshold, ready.period_seconds), (3, 30));
    let n = notes(&i, "api");
    for said in [
        "line 5: ports: port `70000` is out of range (1-65535): left out",
        "line 7: stop_grace_period `-5s` is not a duration of zero or more: used 10 s",
        "line 10: healthcheck.retries `-1` is out of range (0 or more): used 3",
        "line 11: healthcheck.interval `-10s` is not a duration of zero or more: used 30 s",
        "line 13: deploy.replicas `-3` is out of range (0 or more): used 1",
    ] {
        assert!(n.contains(said), "missing {said:?} in {n}");
    }
}

/// A migration that the web app waits for with `service_completed_successfully` and a
/// seed task that is never restarted are Jobs; a worker restarted on failure with ports
/// is not; the migration keeps its edge to the database it migrates.
#[test]
fn one_off_services_become_jobs() {
    use kubeprint_core::{JobRestart, WorkloadKind};
    let text = r#"name: shop
services:
  db:
    image: postgres:16.4
    expose: ["5432"]
    healthcheck:
      test: ["CMD", "pg_isready"]
  migrate:
    image: ghcr.io/acme/shop:2.3.0
    command: ["./manage.py", "migrate", "--noinput"]
    restart: "no"
    depends_on:
      db:
        condition: service_healthy
  seed:
    image: ghcr.io/acme/shop:2.3.0
    command: ./manage.py loaddata demo
    restart: on-failure:3
    depends_on:
      migrate:
        condition: service_completed_successfully
  loader:
    image: ghcr.io/acme/loader:1.0.0
    restart: "no"
  web:
    image: ghcr.io/acme/shop:2.3.0
    ports: ["8000:8000"]
    restart: unless-stopped
    depends_on:
      migrate:
        condition: service_completed_successfully
      seed:
        condition: service_completed_successfully
      db:
        condition: service_healthy
  worker:
    image: ghcr.io/acme/shop:2.3.0
    command: celery -A shop worker
    restart: on-failure
"#;
    let i = compose::import(text, &Default::default());
    let migrate = service(&i, "migrate");
    assert_eq!(migrate.kind, WorkloadKind::Job);
    assert_eq!(
        (migrate.job.restart_policy, migrate.job.backoff_limit),
        (JobRestart::Never, Some(0)),
        "restart: no retries nothing"
    );
    let seed = service(&i, "seed");
    assert_eq!(seed.kind, WorkloadKind::Job, "{}", notes(&i, "seed"));
    assert_eq!(
        (seed.job.restart_policy, seed.job.backoff_limit),
        (JobRestart::OnFailure, Some(3))
    );
    assert_eq!(
        service(&i, "loader").kind,
        WorkloadKind::Job,
        "restart: no and no port"
    );
    assert_eq!(service(&i, "web").kind, WorkloadKind::Deployment);
    assert_eq!(
        service(&i, "worker").kind,
        WorkloadKind::Deployment,
        "restarted on failure, awaited by nobody: a worker, not a task"
    );
    assert_eq!(service(&i, "db").kind, WorkloadKind::Deployment);
    assert!(notes(&i, "migrate")
        .contains("imported as a Job: another service waits for it to complete"));
    assert!(
        notes(&i, "web").contains("waits for `migrate` to complete"),
        "{}",
        notes(&i, "web")
    );
    // The migration talks to the database: its edge stays, so default-deny lets it.
    let (db, web) = (service(&i, "db").id, service(&i, "web").id);
    assert!(i
        .design
        .edges
        .iter()
        .any(|e| e.from == migrate.id && e.to == db));
    assert!(
        !i.design.edges.iter().any(|e| e.to == migrate.id),
        "nothing calls a Job"
    );
    assert!(i.design.edges.iter().any(|e| e.from == web && e.to == db));
    // It renders as a Job that runs once.
    let job = render(&i.design, "prod")
        .objects
        .iter()
        .find(|o| o.kind() == "Job" && o.name() == "migrate")
        .map(|o| o.to_json())
        .expect("a Job");
    assert_eq!(job["spec"]["backoffLimit"], 0);
    assert_eq!(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
}

#[test]
fn tcp_and_grpc_healthchecks_become_tcp_and_grpc_probes() {
    let text = "services:\n  cache:\n    image: redis:7\n    expose: [\"6379\"]\n    healthcheck:\n      test: [\"CMD-SHELL\", \"nc -z 127.0.0.1 6379 || bash -c 'echo > /dev/tcp/127.0.0.1/6379'\"]\n  orders:\n    image: ghcr.io/example/orders:1.0\n    expose: [\"50051\"]\n    healthcheck:\n      test: [\"CMD\", \"grpc_health_probe\", \"-addr=127.0.0.1:50051\", \"-service=orders.v1\"]\n  bash-only:\n    image: postgres:16\n    expose: [\"5432\"]\n    healthcheck:\n      test: \"bash -c 'echo > /dev/tcp/127.0.0.1/5432'\"\n";
    let i = compose::import(text, &Default::default());
    let ready = |n: &str| service(&i, n).probes.readiness.clone().unwrap().action;
    assert_eq!(
        ready("cache"),
        ProbeAction::Tcp {
            port: kubeprint_core::PortRef::Name("redis".into())
        }
    );
    assert_eq!(
        ready("orders"),
        ProbeAction::Grpc {
            port: 50051,
            service: Some("orders.v1".into())
        }
    );
    assert!(matches!(ready("bash-only"), ProbeAction::Tcp { .. }));
}

#[test]
fn a_variable_without_a_value_is_kept_as_written_and_reported() {
    let text = "services:\n  api:\n    image: ghcr.io/example/api:1.0\n    environment:\n      DB_URL: ${DB_URL}\n      LITERAL: $$HOME\n";
    let i = compose::import(text, &Default::default());
    let cm = &i.design.config_maps[0];
    assert_eq!(cm.data["DB_URL"], "${DB_URL}");
    assert_eq!(cm.data["LITERAL"], "$HOME");
    assert!(
        notes(&i, "api").contains("`DB_URL` is not set (no .env was read"),
        "{}",
        notes(&i, "api")
    );
    let env = std::collections::BTreeMap::from([(
        ".env".to_string(),
        "DB_URL=\"postgres://db/app\" # the app's\n".to_string(),
    )]);
    let i = compose::import(text, &env);
    assert_eq!(i.design.config_maps[0].data["DB_URL"], "postgres://db/app");
    assert_eq!(
        notes(&i, "api"),
        "no stop_grace_period: compose waits 10 s, kept as the grace period"
    );
}

/// A connection URL with the password in it (here through a default, as compose files
/// write it) reads the password as `$(POSTGRES_PASSWORD)`, a Secret key whose value the
/// design never holds, so neither a file nor a share link carries the password (nor
/// the default compose would use), and the URL is no ConfigMap's.
#[test]
fn a_url_with_a_password_becomes_a_secret_key_not_config() {
    let text = r#"
services:
  api:
    image: ghcr.io/acme/notes-api:2.4.0
    ports: ["8000:8000"]
    environment:
      DATABASE_URL: postgres://notes:${POSTGRES_PASSWORD:-s3cret-pw}@postgres:5432/notes
      LOG_LEVEL: info
  postgres:
    image: postgres:16
    environment:
      POSTGRES_USER: notes
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-s3cret-pw}
"#;
    let imported = compose::import(text, &Default::default());
    let design = &imported.design;
    let file = kubeprint_core::file::to_json(design);
    let link = kubeprint_core::link::encode(design);
    assert!(
        !file.contains("s3cret-pw"),
        "the design file holds no password"
    );
    let decoded = kubeprint_core::link::decode(&link).unwrap();
    assert!(
        !kubeprint_core::file::to_json(&decoded).contains("s3cret-pw"),
        "nor does the link"
    );
    let secrets: Vec<&String> = design.secrets.iter().flat_map(|s| &s.keys).collect();
    assert_eq!(secrets, ["POSTGRES_PASSWORD", "POSTGRES_PASSWORD"]);
    let api = design.service_named("api").unwrap();
    assert_eq!(
        format!("{:?}", api.config.env),
        format!(
            "{:?}",
            [kubeprint_core::EnvVar::literal(
                "DATABASE_URL",
                "postgres://notes:$(POSTGRES_PASSWORD)@postgres:5432/notes"
            )]
        )
    );
    let config: Vec<&String> = design
        .config_maps
        .iter()
        .flat_map(|c| c.data.keys())
        .collect();
    assert!(config.iter().any(|k| *k == "LOG_LEVEL"), "{config:?}");
    assert!(!config.iter().any(|k| *k == "DATABASE_URL"), "{config:?}");
}

/// A database and a cache that declare no port (compose reaches them by name) listen
/// on their images' usual ports: each gets a Service on it, and `depends_on` becomes a
/// call to it, which default-deny then allows.
#[test]
fn known_images_without_ports_are_reached_on_their_usual_ones() {
    let text = r#"
services:
  api:
    image: ghcr.io/acme/notes-api:2.4.0
    ports: ["8000:8000"]
    depends_on: [postgres, redis, mailer]
  postgres:
    image: postgres:16
  redis:
    image: redis:7-alpine
  mailer:
    image: ghcr.io/acme/mailer:1.0.3
"#;
    let imported = compose::import(text, &Default::default());
    let d = &imported.design;
    let port = |name: &str| {
        let s = d.service_named(name).unwrap();
        (
            s.ports.iter().map(|p| p.port).collect::<Vec<_>>(),
            s.exposure.ports.iter().map(|p| p.port).collect::<Vec<_>>(),
        )
    };
    assert_eq!(port("postgres"), (vec![5432], vec![5432]));
    assert_eq!(port("redis"), (vec![6379], vec![6379]));
    let api = d.service_named("api").unwrap().id;
    let calls: Vec<(String, String)> = d
        .edges
        .iter()
        .filter(|e| e.from == api)
        .map(|e| (d.service(e.to).unwrap().name.clone(), e.port.clone()))
        .collect();
    assert_eq!(
        calls,
        [
            ("postgres".to_string(), "postgres".to_string()),
            ("redis".into(), "redis".into())
        ]
    );
    // An image the catalogue does not know still declares no port, and says so.
    let n = notes(&imported, "api");
    assert!(
        n.contains("depends_on `mailer`: no edge, `mailer` declares no port"),
        "{n}"
    );
    assert!(
        !n.contains("`postgres` declares") && !n.contains("`redis` declares"),
        "{n}"
    );
}

/// A Node shop as its compose file is usually written for a laptop: a connection string
/// built from a variable no `.env` sets, a literal signing key, published host ports,
/// healthchecks and start order. What Kubernetes does differently is said service by
/// service, and the connection string is not left in a ConfigMap with a `${…}` that
/// Kubernetes never expands (also after a link): it reads the password as `$(…)`, a
/// Secret's key, and stays an address the design follows.
#[test]
fn what_compose_does_and_kubernetes_does_not_is_said_and_credentials_go_to_secrets() {
    let text = r#"services:
  storefront:
    image: ghcr.io/acme/storefront:3.1.0
    ports: ["8080:3000"]
    depends_on: [orders]
  orders:
    image: ghcr.io/acme/orders:1.9.2
    expose: ["4000"]
    environment:
      NODE_ENV: production
      DATABASE_URL: postgres://orders:${ORDERS_DB_PASSWORD}@db:5432/orders
      SESSION_SECRET: k3yboard-cat
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:4000/healthz"]
      interval: 10s
      start_period: 30s
    depends_on:
      db: {condition: service_healthy}
      cache: {condition: service_started}
  db:
    image: postgres:16
    expose: ["5432"]
  cache:
    image: redis:7-alpine
    ports: ["6379"]
"#;
    let i = compose::import(text, &Default::default());
    let orders = notes(&i, "orders");
    for said in [
        "`ORDERS_DB_PASSWORD`, which a value reads as `$(ORDERS_DB_PASSWORD)`, is a key of a Secret: Kubernetes puts its value there",
        "`ORDERS_DB_PASSWORD`, `SESSION_SECRET` look secret: keys of Secret `orders-secrets` now, with the placeholder `CHANGE_ME` until set in the cluster",
        "healthcheck: readiness and liveness probes (liveness gives up 2 failures later), and a startup probe for its start_period",
        "depends_on `cache`, `db`: edges in the design, but Kubernetes starts every pod at once: the app must wait and retry until they answer",
    ] {
        assert!(orders.contains(said), "{said}: {orders}");
    }
    let storefront = notes(&i, "storefront");
    assert!(
        storefront
            .contains("ports `8080:3000`: published on the host, which Kubernetes does not do"),
        "{storefront}"
    );
    assert!(storefront.contains("depends_on `orders`: an edge in the design"));
    // `expose` publishes nothing; an unnamed 6379 is named for what it speaks.
    assert!(!orders.contains("published on the host"), "{orders}");
    assert!(!notes(&i, "cache").contains("published on the host"));
    assert_eq!(
        ports(service(&i, "cache")),
        [("redis", 6379, Protocol::TCP)]
    );
    assert_eq!(
        ports(service(&i, "db")),
        [("postgresql", 5432, Protocol::TCP)]
    );

    let d = kubeprint_core::link::decode(&kubeprint_core::link::encode(&i.design)).unwrap();
    let env = d.environments[0].name.clone();
    let cm = d.config_map("orders-env").expect("the plain settings");
    assert_eq!(cm.data.keys().collect::<Vec<_>>(), ["NODE_ENV"]);
    let secret = d.secret("orders-secrets").expect("the credentials");
    assert_eq!(secret.keys, ["ORDERS_DB_PASSWORD", "SESSION_SECRET"]);
    let yaml = render(&d, &env).to_yaml();
    // The URL in the container's own variables (a ConfigMap's value is not expanded),
    // after the Secret it reads.
    assert!(
        yaml.contains(
            "env:\n        - name: DATABASE_URL\n          value: postgres://orders:$(ORDERS_DB_PASSWORD)@db:5432/orders\n        envFrom:\n        - configMapRef:\n            name: orders-env\n        - secretRef:\n            name: orders-secrets"
        ),
        "{yaml}"
    );
    assert!(!yaml.contains("${ORDERS_DB_PASSWORD}"), "{yaml}");
    let orders_id = d.service_named("orders").unwrap().id;
    let to_cache = (d.edges.iter())
        .find(|e| e.from == orders_id && Some(e.to) == d.service_named("cache").map(|s| s.id))
        .expect("orders -> cache");
    assert_eq!(to_cache.port, "redis");
    let kp609: Vec<_> = (validate(&d, &env).into_iter())
        .filter(|f| f.code == "KP609")
        .collect();
    assert!(kp609.is_empty(), "{kp609:#?}");
}

/// The app's own shutdown timeout is read from its variables as in a Kubernetes import,
/// so a fresh import weighs `stop_grace_period` against it; the file's top-level keys
/// that become nothing (networks, a typo) are each reported, not dropped in silence, and
/// not counted as services. Secrets become something where a service mounts them (and,
/// as in compose, nothing where none does).
#[test]
fn shutdown_timeouts_are_read_and_top_level_keys_reported() {
    let text = "name: shopfront
services:
  api:
    image: ghcr.io/acme/api:1.4.2
    environment:
      SHUTDOWN_TIMEOUT: 30s
    stop_grace_period: 15s
    expose: [\"8080\"]
    networks: [back]
networks:
  back: {}
secrets:
  db_password:
    file: ./secrets/db_password.txt
servise_defaults:
  restart: always
x-logging: &logging
  driver: json-file
";
    let i = compose::import(text, &Default::default());
    let api = service(&i, "api");
    assert_eq!(api.timing.app_shutdown_seconds, 30);
    assert_eq!(api.timing.grace_period_seconds, 15);
    let codes: Vec<&str> = validate(&i.design, "prod").iter().map(|f| f.code).collect();
    assert!(
        codes.contains(&"KP102"),
        "grace 15 s < shutdown 30 s: {codes:?}"
    );
    let top: Vec<(usize, &str)> = (i.documents.iter())
        .filter(|d| d.kind == "compose")
        .map(|d| (d.line, d.name.as_str()))
        .collect();
    assert_eq!(top, [(10, "networks"), (15, "servise_defaults")]);
    let typo = report(&i, "servise_defaults");
    assert!(
        matches!(&typo.outcome, Outcome::Skipped(why) if why.contains("not a key compose knows")),
        "{typo:?}"
    );
    assert!(
        i.summary().starts_with(
            "1 of 1 compose service imported as 1 service (the notes say how). 2 top-level keys not imported (the table says why)."
        ),
        "{}",
        i.summary()
    );
}

/// An image of the catalogue drains as long as its publisher says, which the import
/// takes as the app's shutdown (A) where its configuration says nothing: postgres
/// left on compose's default 10 s stop grace period is told that SIGKILL comes before
/// its fast shutdown (20 s) is done, and the fix gives it the time. A timeout its
/// configuration sets wins; an image the catalogue does not know, or run with a command
/// of its own, keeps A at 0. The same from Kubernetes manifests.
#[test]
fn a_known_image_is_checked_against_its_own_shutdown_time() {
    let text = "services:
  db:
    image: postgres:16-alpine
    environment:
      POSTGRES_DB: app
  cache:
    image: redis:7.4-alpine
    stop_grace_period: 1m
  api:
    image: ghcr.io/acme/api:2.3.1
    environment:
      SHUTDOWN_TIMEOUT: 15s
  worker:
    image: ghcr.io/acme/worker:2.3.1
  dump:
    image: postgres:16-alpine
    command: pg_dump -h db -f /backup/app.sql app
";
    let i = compose::import(text, &Default::default());
    let a = |name: &str| service(&i, name).timing.app_shutdown_seconds;
    // (`dump` runs another program of the postgres image: not its server's shutdown.)
    assert_eq!(
        (a("db"), a("cache"), a("api"), a("worker"), a("dump")),
        (20, 10, 15, 0, 0)
    );
    let env = i.design.environments[0].name.clone();
    let kp102: Vec<_> = validate(&i.design, &env)
        .into_iter()
        .filter(|f| f.code == "KP102")
        .collect();
    let services: Vec<_> = kp102.iter().map(|f| f.service.as_deref()).collect();
    assert_eq!(services, [Some("api"), Some("db")], "{kp102:#?}");
    let db = kp102
        .iter()
        .find(|f| f.service.as_deref() == Some("db"))
        .unwrap();
    assert_eq!(
        db.message,
        "grace 10 s < preStop 0 s + shutdown 20 s = 20 s: SIGKILL comes 10 s before the app has drained (postgres takes up to 20 s to stop after SIGINT, as its image's publisher says)",
        "where the 20 s come from is said"
    );
    let mut fixed = i.design.clone();
    fixed.apply(db.fix.clone().unwrap().edit).unwrap();
    assert!(
        fixed
            .service_named("db")
            .unwrap()
            .timing
            .grace_period_seconds
            >= 20
    );

    let manifest = "apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      terminationGracePeriodSeconds: 10
      containers:
        - name: postgres
          image: docker.io/library/postgres:17.2
";
    let d = kubeprint_core::import::kubernetes(manifest).design;
    assert_eq!(d.services[0].timing.app_shutdown_seconds, 20);
    let env = d.environments[0].name.clone();
    assert!(
        validate(&d, &env)
            .iter()
            .any(|f| f.code == "KP102" && f.message.contains("shutdown 20 s")),
        "{:#?}",
        validate(&d, &env)
    );
}

/// The files of Secrets a service's main container sees: (path, Secret, key, read-only),
/// by `subPath` each.
fn secret_files(s: &Service) -> Vec<(String, String, String, bool)> {
    (mounted(s).into_iter())
        .filter_map(|(m, source)| match source {
            VolumeSource::Secret { name } => Some((
                m.path.clone(),
                name.clone(),
                m.sub_path.clone(),
                m.read_only,
            )),
            _ => None,
        })
        .collect()
}

/// Each mount of a service's main container with the source of its volume.
fn mounted(s: &Service) -> Vec<(&kubeprint_core::Mount, &VolumeSource)> {
    (s.mounts.iter())
        .filter_map(|m| {
            let v = s.volumes.iter().find(|v| v.name == m.volume)?;
            Some((m, &v.source))
        })
        .collect()
}

/// Compose secrets (files under `/run/secrets`, or at a long entry's `target`) become a
/// Secret each with one key of the secret's name, mounted by `subPath` where compose
/// mounts the file; two services mounting one secret read the one Secret; `external:
/// true` is a Secret made outside Kubeprint under the `name:` compose gives it, which
/// the export never writes; what a volume cannot say (`mode`) is said. Rendered, every
/// file is where the app reads it; through a link and a compose file of the design
/// again, the same.
#[test]
fn compose_secrets_are_secret_files_where_compose_mounts_them() {
    let i = import("compose-secrets.yaml");
    let secrets: Vec<(&str, &[String], bool)> = (i.design.secrets.iter())
        .map(|s| (s.name.as_str(), s.keys.as_slice(), s.external))
        .collect();
    let owned = |k: &str| vec![k.to_string()];
    assert_eq!(
        secrets,
        [
            ("db-password", owned("db_password").as_slice(), false),
            ("shop-stripe", owned("stripe_api_key").as_slice(), true),
            (
                "django-secret-key",
                owned("django_secret_key").as_slice(),
                false
            ),
        ]
    );
    let file = |path: &str, secret: &str, key: &str| {
        (path.to_string(), secret.to_string(), key.to_string(), true)
    };
    let web = [
        file("/run/secrets/db_password", "db-password", "db_password"),
        file("/etc/shop/stripe.key", "shop-stripe", "stripe_api_key"),
        file(
            "/run/secrets/django_key",
            "django-secret-key",
            "django_secret_key",
        ),
    ];
    let worker = [
        file("/run/secrets/db_password", "db-password", "db_password"),
        file(
            "/run/secrets/django_secret_key",
            "django-secret-key",
            "django_secret_key",
        ),
    ];
    let db = [file(
        "/run/secrets/db_password",
        "db-password",
        "db_password",
    )];
    let check = |d: &kubeprint_core::Design, how: &str| {
        let files = |name: &str| secret_files(d.service_named(name).unwrap());
        assert_eq!(files("web"), web, "{how}");
        assert_eq!(files("worker"), worker, "{how}");
        assert_eq!(files("db"), db, "{how}");
        // Rendered: each file by subPath from its Secret; the one made outside is not
        // written, the others are, with the placeholder.
        let yaml = render(d, "prod").to_yaml();
        assert!(
            yaml.contains(
                "- mountPath: /etc/shop/stripe.key\n          name: secret-shop-stripe\n          readOnly: true\n          subPath: stripe_api_key"
            ),
            "{how}: {yaml}"
        );
        assert!(!yaml.contains("name: shop-stripe\n  namespace"), "{how}");
        assert!(yaml.contains("name: db-password\n  namespace"), "{how}");
        let errors: Vec<String> = (validate(d, "prod").into_iter())
            .filter(|f| f.severity == Severity::Error && f.code.starts_with("KP3"))
            .map(|f| f.message)
            .collect();
        assert!(errors.is_empty(), "{how}: {errors:?}");
    };
    check(&i.design, "imported");
    let link = kubeprint_core::link::link("https://k.example/", &i.design);
    check(
        &kubeprint_core::link::decode(&link).unwrap(),
        "after a link",
    );
    let exported = kubeprint_core::export::compose::compose(&i.design, "dev");
    let again = compose::import(&exported[0].contents, &Default::default());
    check(&again.design, "from its compose file");
    assert!(
        notes(&i, "web").contains(
            "line 28: secret `stripe_api_key`'s mode not carried: the pod's fsGroup and the volume's defaultMode say who may read it"
        ),
        "{}",
        notes(&i, "web")
    );
    assert!(
        notes(&i, "web").contains(
            "secret `stripe_api_key`: key `stripe_api_key` of Secret `shop-stripe` at /etc/shop/stripe.key (made outside Kubeprint, as `external: true` says)"
        ),
        "{}",
        notes(&i, "web")
    );
    // A secret the top level does not declare (compose refuses the file) is said.
    let broken = manifest("compose-secrets.yaml").replace("  stripe_api_key:\n", "  stripe:\n");
    let b = compose::import(&broken, &Default::default());
    assert!(
        notes(&b, "web")
            .contains("secret `stripe_api_key` is not declared under the top-level `secrets:`"),
        "{}",
        notes(&b, "web")
    );
    assert_eq!(secret_files(service(&b, "web")).len(), 2);
}

/// A connection string built by interpolation from a password (`${POSTGRES_PASSWORD}`,
/// `$REDIS_PASSWORD`, in the map or the list form, or a command) reads it as Kubernetes
/// does,
/// `$(POSTGRES_PASSWORD)` from a Secret, instead of becoming a Secret itself with its
/// address lost to a placeholder: so the URL is an address the design follows (a
/// rename, the address rule), even with the password set in `.env`, which never
/// reaches the design. A reference with a default, `$$`, and a variable that is itself
/// a secret stay as compose reads them.
#[test]
fn a_password_a_url_reads_by_interpolation_is_a_secrets_and_the_url_an_address() {
    let text = r#"services:
  web:
    image: ghcr.io/acme/shop-web:2.4.1
    expose: ["8000"]
    environment:
      DATABASE_URL: postgres://app:${POSTGRES_PASSWORD}@db:5432/app
      LOG_LEVEL: ${LOG_LEVEL:-info}
      PRICE_NOTE: costs $$5
      DB_PASSWORD: ${POSTGRES_PASSWORD}
  worker:
    image: ghcr.io/acme/shop-web:2.4.1
    environment:
      - CELERY_BROKER_URL=redis://:$REDIS_PASSWORD@redis:6379/0
  db:
    image: postgres:16.4
    environment:
      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}
  redis:
    image: redis:7.4-alpine
    command: ["redis-server", "--requirepass", "${REDIS_PASSWORD:-changeme}"]
"#;
    let dotenv = "POSTGRES_PASSWORD=hunter2\nREDIS_PASSWORD=s3cret\n";
    let i = compose::import(text, &[(".env".to_string(), dotenv.to_string())].into());
    let d = &i.design;
    let file = kubeprint_core::file::to_json(d);
    assert!(
        !file.contains("hunter2") && !file.contains("s3cret"),
        "{file}"
    );
    let literal = |service: &str, var: &str| -> Option<String> {
        let s = d.service_named(service).unwrap();
        (s.config.env.iter()).find_map(|e| match (&e.value, e.name == var) {
            (kubeprint_core::EnvValue::Literal(v), true) => Some(v.clone()),
            _ => None,
        })
    };
    assert_eq!(
        literal("web", "DATABASE_URL").as_deref(),
        Some("postgres://app:$(POSTGRES_PASSWORD)@db:5432/app")
    );
    assert_eq!(
        literal("worker", "CELERY_BROKER_URL").as_deref(),
        Some("redis://:$(REDIS_PASSWORD)@redis:6379/0")
    );
    let keys = |name: &str| d.secret(name).map(|s| s.keys.clone()).unwrap_or_default();
    // One `.env` variable several services take is one key of one Secret: the one db
    // takes by its own name; web reads it by key, under both its names, and has no
    // Secret of its own left.
    assert_eq!(keys("db-secrets"), ["POSTGRES_PASSWORD"]);
    assert!(d.secret("web-secrets").is_none());
    let read_by_key = |service: &str| -> Vec<(String, String, String)> {
        let s = d.service_named(service).unwrap();
        (s.config.env.iter())
            .filter_map(|e| match &e.value {
                kubeprint_core::EnvValue::SecretKey { name, key } => {
                    Some((e.name.clone(), name.clone(), key.clone()))
                }
                _ => None,
            })
            .collect()
    };
    let mut web_reads = read_by_key("web");
    web_reads.sort();
    assert_eq!(
        web_reads,
        [
            (
                "DB_PASSWORD".into(),
                "db-secrets".into(),
                "POSTGRES_PASSWORD".into()
            ),
            (
                "POSTGRES_PASSWORD".into(),
                "db-secrets".into(),
                "POSTGRES_PASSWORD".into()
            ),
        ]
    );
    assert!(
        notes(&i, "web").contains("`DB_PASSWORD` is read from key `POSTGRES_PASSWORD` of Secret `db-secrets`, which `db` reads too: both take `${POSTGRES_PASSWORD}`"),
        "{}",
        notes(&i, "web")
    );
    // What the report said of web's own Secret is gone with it.
    assert!(
        !notes(&i, "web").contains("web-secrets"),
        "{}",
        notes(&i, "web")
    );
    // Read first, so that the URL's reference expands.
    let web = d.service_named("web").unwrap();
    let at = |var: &str| web.config.env.iter().position(|e| e.name == var).unwrap();
    assert!(at("POSTGRES_PASSWORD") < at("DATABASE_URL"));
    // Two readers by reference alone: the server whose password it is (redis, its
    // server named first in the command) keeps the key, the URL's reader reads it there.
    assert_eq!(keys("redis-secrets"), ["REDIS_PASSWORD"]);
    assert!(d.secret("worker-secrets").is_none());
    assert_eq!(
        read_by_key("worker"),
        [(
            "REDIS_PASSWORD".into(),
            "redis-secrets".into(),
            "REDIS_PASSWORD".into()
        )]
    );
    // Kubernetes expands a command's references too.
    assert_eq!(
        d.service_named("redis").unwrap().args,
        ["redis-server", "--requirepass", "$(REDIS_PASSWORD)"]
    );
    assert!(
        notes(&i, "redis").contains("`${REDIS_PASSWORD:-changeme}` is read as `$(REDIS_PASSWORD)`, a Secret's key: `:-changeme` (what compose does when it is unset) is dropped"),
        "{}",
        notes(&i, "redis")
    );
    // Through the design's compose file and back (where `.env` names a Secret's
    // variable otherwise, `WEB_SECRETS_POSTGRES_PASSWORD`), the same variables.
    let config = |d: &kubeprint_core::Design, name: &str| {
        let s = d.service_named(name).unwrap();
        let secrets: Vec<(String, Vec<String>)> = (s.config.env_from.iter())
            .filter_map(|f| match f {
                kubeprint_core::EnvFrom::Secret(n) => Some((n.clone(), d.secret(n)?.keys.clone())),
                _ => None,
            })
            .collect();
        (format!("{:?}", s.config.env), secrets, s.args.clone())
    };
    let files = kubeprint_core::export::compose::compose(d, "dev");
    let env_files = [(".env".to_string(), files[1].contents.clone())].into();
    let again = compose::import(&files[0].contents, &env_files).design;
    for name in ["web", "worker", "db", "redis"] {
        assert_eq!(
            config(&again, name),
            config(d, name),
            "{name}: {}",
            files[0].contents
        );
    }
    let cm = d.config_map("web-env").unwrap();
    assert_eq!(cm.data["LOG_LEVEL"], "info");
    assert_eq!(cm.data["PRICE_NOTE"], "costs $5");
    // web reads POSTGRES_PASSWORD too: the file sets it nowhere for web but in the URL,
    // so it is a key of a Secret (db's).
    assert!(
        notes(&i, "web").contains(
            "`POSTGRES_PASSWORD`, which a value reads as `$(POSTGRES_PASSWORD)`, is a key of a Secret"
        ),
        "{}",
        notes(&i, "web")
    );
    // The URL is an address: a rename follows it, and the address rule has nothing to
    // say.
    let mut renamed = d.clone();
    let db = renamed.service_named("db").unwrap().id;
    renamed
        .apply(kubeprint_core::Edit::Set {
            path: kubeprint_core::FieldPath::service(db, "/name"),
            value: serde_json::json!("postgres"),
        })
        .unwrap();
    let url = (renamed.service_named("web").unwrap().config.env.iter())
        .find(|e| e.name == "DATABASE_URL")
        .map(|e| format!("{:?}", e.value));
    assert!(
        url.as_deref()
            .is_some_and(|u| u.contains("@postgres:5432/app") && u.contains("$(POSTGRES_PASSWORD)")),
        "{url:?}"
    );
    let env = renamed.environments[0].name.clone();
    let kp321: Vec<String> = (validate(&renamed, &env).into_iter())
        .filter(|f| f.code == "KP321")
        .map(|f| f.message)
        .collect();
    assert!(kp321.is_empty(), "{kp321:?}");
}

/// A named volume two services mount (nginx serving the static files Django collects)
/// stays one volume both see: a PersistentVolumeClaim each mounts (read-only where
/// compose said `:ro`), the services staying Deployments, with a note that the claim is
/// to be made ReadWriteMany; a volume one service mounts is still its StatefulSet's own
/// claim. Through a link and the design's compose file again, the same.
#[test]
fn a_named_volume_services_share_is_one_claim_they_all_mount() {
    let i = import("compose-secrets.yaml");
    let claims = |d: &kubeprint_core::Design, name: &str| -> Vec<(String, String, bool)> {
        (mounted(d.service_named(name).unwrap()).into_iter())
            .filter_map(|(m, source)| match source {
                VolumeSource::Claim { claim, read_only } => {
                    Some((m.path.clone(), claim.clone(), *read_only && m.read_only))
                }
                _ => None,
            })
            .collect()
    };
    let check = |d: &kubeprint_core::Design, how: &str| {
        assert_eq!(
            claims(d, "nginx"),
            [(
                "/usr/share/nginx/html/static".to_string(),
                "static".to_string(),
                true
            )],
            "{how}"
        );
        assert_eq!(
            claims(d, "web"),
            [("/app/static".to_string(), "static".to_string(), false)],
            "{how}"
        );
        let kind = |name: &str| d.service_named(name).unwrap().kind;
        assert_eq!(kind("nginx"), WorkloadKind::Deployment, "{how}");
        assert_eq!(kind("web"), WorkloadKind::Deployment, "{how}");
        assert_eq!(kind("db"), WorkloadKind::StatefulSet, "{how}");
        let yaml = render(d, "prod").to_yaml();
        assert_eq!(
            yaml.matches("persistentVolumeClaim:\n          claimName: static")
                .count(),
            2,
            "{how}: {yaml}"
        );
    };
    check(&i.design, "imported");
    assert!(
        notes(&i, "nginx").contains(
            "named volume `static` (static:/usr/share/nginx/html/static:ro) is shared with `web`: PersistentVolumeClaim `static`, mounted by each of them, which Kubeprint does not write: create it ReadWriteMany"
        ),
        "{}",
        notes(&i, "nginx")
    );
    let link = kubeprint_core::link::link("https://k.example/", &i.design);
    check(
        &kubeprint_core::link::decode(&link).unwrap(),
        "after a link",
    );
    let exported = kubeprint_core::export::compose::compose(&i.design, "dev");
    let again = compose::import(&exported[0].contents, &Default::default());
    check(&again.design, "from its compose file");
    // One service's claim made outside the design comes back one too (not a
    // StatefulSet's own).
    let mut alone = i.design.clone();
    let nginx = alone.service_named("nginx").unwrap().id;
    alone
        .apply(kubeprint_core::Edit::RemoveService(nginx))
        .unwrap();
    let exported = kubeprint_core::export::compose::compose(&alone, "dev");
    let back = compose::import(&exported[0].contents, &Default::default()).design;
    assert_eq!(claims(&back, "web"), claims(&alone, "web"));
    assert_eq!(
        back.service_named("web").unwrap().kind,
        WorkloadKind::Deployment
    );
}

/// A port only `expose`d is named by its place (`port0`: compose says nothing of what it
/// speaks), unless the healthcheck speaks HTTP to it: then it is `http`, in the Service
/// and the probes too.
#[test]
fn an_exposed_port_the_healthcheck_speaks_http_to_is_named_http() {
    let text = r#"services:
  web:
    image: ghcr.io/acme/shop-web:2.4.1
    expose: ["8000"]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health/"]
  queue:
    image: ghcr.io/acme/queue:1.0.0
    expose: ["9000"]
"#;
    let i = compose::import(text, &Default::default());
    let web = service(&i, "web");
    assert_eq!(ports(web), [("http", 8000, Protocol::TCP)]);
    let sp = &web.exposure.ports[0];
    assert_eq!(
        (sp.name.as_str(), &sp.target),
        ("http", &kubeprint_core::PortRef::Name("http".into()))
    );
    for p in [&web.probes.readiness, &web.probes.liveness] {
        let Some(Probe {
            action: ProbeAction::Http { port, .. },
            ..
        }) = p
        else {
            panic!("{p:?}")
        };
        assert_eq!(port, &kubeprint_core::PortRef::Name("http".into()));
    }
    assert_eq!(
        ports(service(&i, "queue")),
        [("port0", 9000, Protocol::TCP)]
    );
    let env = i.design.environments[0].name.clone();
    let errors: Vec<String> = (validate(&i.design, &env).into_iter())
        .filter(|f| f.severity == Severity::Error)
        .map(|f| f.message)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}

/// Under default-deny, a service nothing in the cluster calls is unreachable (KP311);
/// when its compose file published it on the host (nginx's `8080:80`), it is reached
/// from outside, and the fix makes it public through an Ingress, after which nothing
/// new is found about it.
#[test]
fn a_service_compose_published_is_offered_an_ingress_under_default_deny() {
    let text = r#"services:
  nginx:
    image: nginx:1.27-alpine
    ports: ["8080:80"]
    depends_on: [web]
  web:
    image: ghcr.io/acme/shop-web:2.4.1
    expose: ["8000"]
"#;
    let mut d = compose::import(text, &Default::default()).design;
    for e in &mut d.environments {
        e.default_deny = true;
    }
    let kp311 = |d: &kubeprint_core::Design| -> Vec<(String, Option<kubeprint_core::rules::Fix>)> {
        (validate(d, "prod").into_iter())
            .filter(|f| f.code == "KP311")
            .map(|f| (f.message, f.fix))
            .collect()
    };
    let found = kp311(&d);
    assert_eq!(found.len(), 1, "{found:?}");
    let (message, fix) = found.into_iter().next().unwrap();
    assert!(message.contains("`nginx`"), "{message}");
    let fix = fix.expect("a fix for a published service");
    assert_eq!(
        fix.label,
        "Make `nginx` public via Ingress (app.example.com/), as its local run publishes it"
    );
    let before: std::collections::BTreeSet<(&str, String)> = (validate(&d, "prod").into_iter())
        .map(|f| (f.code, f.message))
        .collect();
    d.apply(fix.edit).unwrap();
    assert!(kp311(&d).is_empty());
    let new: Vec<(&str, String)> = (validate(&d, "prod").into_iter())
        .map(|f| (f.code, f.message))
        .filter(|f| !before.contains(f) && f.1.contains("nginx"))
        .collect();
    assert!(new.is_empty(), "{new:?}");
}

/// A secret a service takes whole and another inherits through `extends` is one key of
/// one Secret too; a variable with a default is compose's to fill, and stays each
/// service's own.
#[test]
fn a_secret_shared_through_extends_is_one_key() {
    let text = r#"services:
  web:
    image: ghcr.io/acme/app:1.2.0
    environment:
      SECRET_KEY: ${SECRET_KEY}
      API_TOKEN: ${API_TOKEN:-dev-token}
  worker:
    extends: web
    command: ["celery", "worker"]
"#;
    let i = compose::import(text, &Default::default());
    let d = &i.design;
    let keys = |name: &str| d.secret(name).map(|s| s.keys.clone()).unwrap_or_default();
    assert_eq!(keys("web-secrets"), ["API_TOKEN", "SECRET_KEY"]);
    assert_eq!(keys("worker-secrets"), ["API_TOKEN"]);
    let worker = d.service_named("worker").unwrap();
    assert_eq!(
        worker.config.env.first().map(|e| (&e.name, &e.value)),
        Some((
            &"SECRET_KEY".to_string(),
            &kubeprint_core::EnvValue::SecretKey {
                name: "web-secrets".into(),
                key: "SECRET_KEY".into()
            }
        ))
    );
}

/// A healthcheck with no timeout waits up to compose's 30 s; a probe's timeout is kept
/// under its period, and the note says so, since the design's 9 s comes from nowhere
/// the file shows.
#[test]
fn a_healthcheck_without_timeout_says_what_its_probes_time_out_after() {
    let text = "services:
  db:
    image: postgres:16
    healthcheck:
      test: [\"CMD-SHELL\", \"pg_isready -U shop\"]
      interval: 10s
  slow:
    image: ghcr.io/acme/batch:1.0
    healthcheck:
      test: [\"CMD\", \"true\"]
      interval: 1m
";
    let i = compose::import(text, &Default::default());
    let timeout = |name: &str| {
        let s = service(&i, name);
        s.probes
            .readiness
            .as_ref()
            .expect("a probe")
            .timeout_seconds
    };
    assert_eq!((timeout("db"), timeout("slow")), (9, 30));
    assert!(
        notes(&i, "db").contains(
            "healthcheck has no timeout (compose's is 30 s): its probes time out after 9 s, within their period of 10 s"
        ),
        "{}",
        notes(&i, "db")
    );
    assert!(
        !notes(&i, "slow").contains("no timeout"),
        "30 s fits in a minute"
    );
}

/// A front door compose publishes on the host is said to be out of reach once in the
/// cluster (KP314), its fix a LoadBalancer on the published port; what the front door
/// calls is reached through it, and a database published for local tools is no front
/// door. Also after a share link.
#[test]
fn a_published_front_door_is_said_until_something_reaches_it() {
    let text = "services:
  api:
    image: ghcr.io/acme/shop-api:1.4.2
    ports: [\"8080:8080\"]
    healthcheck:
      test: [\"CMD\", \"curl\", \"-f\", \"http://localhost:8080/healthz\"]
  db:
    image: postgres:16
    ports: [\"5432:5432\"]
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD}
  proxy:
    image: nginx:1.27
    ports: [\"80:80\"]
    depends_on: [api]
";
    let d = compose::import(text, &Default::default()).design;
    // Reached through another service's Gateway route: no finding for it.
    let mut routed = d.clone();
    let api = routed.service_named("api").unwrap().id;
    let proxy = routed.service_named("proxy").unwrap().id;
    let backend = kubeprint_core::RouteBackend {
        service: "api".into(),
        port: String::new(),
        weight: 1,
    };
    let route = kubeprint_core::GatewayRoute {
        rules: vec![kubeprint_core::RouteRule {
            backends: vec![backend],
            ..Default::default()
        }],
        ..Default::default()
    };
    let set = |path: &str, value: serde_json::Value, id| kubeprint_core::Edit::Set {
        path: kubeprint_core::FieldPath::service(id, path),
        value,
    };
    let route = serde_json::to_value(route).unwrap();
    routed
        .apply(set("/exposure/gateway_route", route, proxy))
        .unwrap();
    let env = routed.environments[0].name.clone();
    let left: Vec<_> = (validate(&routed, &env).into_iter())
        .filter(|f| f.code == "KP314")
        .map(|f| f.service)
        .collect();
    assert!(!left.contains(&Some("api".into())), "{left:?} ({api:?})");
    for through_link in [false, true] {
        let mut d = match through_link {
            false => d.clone(),
            true => kubeprint_core::link::decode(&kubeprint_core::link::encode(&d)).unwrap(),
        };
        let env = d.environments[0].name.clone();
        let kp314 = |d: &kubeprint_core::Design| -> Vec<_> {
            (validate(d, &env).into_iter())
                .filter(|f| f.code == "KP314")
                .collect()
        };
        let found = kp314(&d);
        let names: Vec<_> = found.iter().map(|f| f.service.as_deref()).collect();
        assert_eq!(names, [Some("api"), Some("proxy")], "{found:#?}");
        let proxy = &found[1];
        assert_eq!(proxy.severity, Severity::Info);
        assert!(
            proxy
                .message
                .starts_with("`proxy` was published on the host by its compose file (80)"),
            "{}",
            proxy.message
        );
        let fix = proxy.fix.clone().unwrap();
        assert_eq!(
            fix.label,
            "Add a LoadBalancer Service `proxy-external` on port 80"
        );
        d.apply(fix.edit).unwrap();
        // The proxy reached, and through it the api it calls.
        assert!(kp314(&d).is_empty(), "{:#?}", kp314(&d));
        let lb = (render(&d, &env).objects.into_iter())
            .map(|o| o.to_json())
            .find(|o| o["kind"] == "Service" && o["metadata"]["name"] == "proxy-external")
            .expect("the LoadBalancer Service");
        assert_eq!(lb["spec"]["type"], "LoadBalancer");
        assert_eq!(lb["spec"]["ports"][0]["port"], 80);
        let target = &lb["spec"]["ports"][0]["targetPort"];
        assert!(target == 80 || target == "http", "{target}");
    }
}

/// A file of the project a service mounts (`./nginx.conf`), and a config, become keys of
/// ConfigMaps mounted where the container reads them, with their text where it was
/// given (else empty, and the note says how to give it). What is no file of the
/// project (a directory, a host path, a key) stays a note. The compose export writes
/// them back as configs, which come back the same.
#[test]
fn files_a_service_mounts_become_configmap_keys_at_their_paths() {
    let text = "services:
  proxy:
    image: nginx:1.27
    ports: [\"80:80\"]
    volumes:
      - ./nginx.conf:/etc/nginx/conf.d/default.conf:ro
      - ./certs/tls.key:/etc/nginx/tls.key:ro
      - ./site:/usr/share/nginx/html:ro
      - /var/run/docker.sock:/var/run/docker.sock
      - ./logs/access.log:/var/log/nginx/access.log
      - ../shared/proxy.conf:/etc/nginx/proxy.conf:ro
    configs:
      - source: mime
        target: /etc/nginx/mime.extra.types
  api:
    image: ghcr.io/acme/shop-api:1.4.2
    configs: [app_settings]
configs:
  mime:
    content: |
      types { application/wasm wasm; }
  app_settings:
    file: ./config/settings.yaml
";
    let nginx = "server {\n  listen 80;\n  location / { proxy_pass http://api:8080; }\n}\n";
    let files = std::collections::BTreeMap::from([
        ("./nginx.conf".to_string(), nginx.to_string()),
        (
            "./config/settings.yaml".to_string(),
            "log_level: info\n".to_string(),
        ),
    ]);
    assert_eq!(
        compose::file_names(text),
        ["./nginx.conf", "./config/settings.yaml"]
    );
    for given in [false, true] {
        let i = compose::import(
            text,
            &if given {
                files.clone()
            } else {
                Default::default()
            },
        );
        let d = &i.design;
        let data = |cm: &str, key: &str| d.config_map(cm).unwrap().data[key].clone();
        assert_eq!(
            data("proxy-files", "nginx.conf"),
            if given { nginx } else { "" }
        );
        assert_eq!(data("mime", "mime"), "types { application/wasm wasm; }\n");
        assert_eq!(
            data("app-settings", "app_settings"),
            if given { "log_level: info\n" } else { "" }
        );
        let proxy = service(&i, "proxy");
        let mounted: Vec<(String, String, String)> = (proxy.mounts.iter())
            .map(|m| {
                let v = proxy.volumes.iter().find(|v| v.name == m.volume).unwrap();
                let from = match &v.source {
                    VolumeSource::ConfigMap { name } => name.clone(),
                    other => format!("{other:?}"),
                };
                (m.path.clone(), from, m.sub_path.clone())
            })
            .collect();
        assert_eq!(
            mounted,
            [
                (
                    "/etc/nginx/conf.d/default.conf".to_string(),
                    "proxy-files".to_string(),
                    "nginx.conf".to_string()
                ),
                (
                    "/etc/nginx/mime.extra.types".to_string(),
                    "mime".to_string(),
                    "mime".to_string()
                )
            ]
        );
        let said = notes(&i, "proxy");
        let empty = "empty: the file was not given with the compose file (import them together, or paste its text on the config page)";
        assert!(
            said.contains("`./nginx.conf` at /etc/nginx/conf.d/default.conf: key `nginx.conf` of ConfigMap `proxy-files`")
                && said.contains(empty) != given,
            "{said}"
        );
        // A key, a directory, a host path, a file the app writes (a ConfigMap is
        // read-only), a file outside the project.
        for kept in [
            "./certs/tls.key",
            "./site",
            "/var/run/docker.sock",
            "./logs/access.log",
            "../shared/proxy.conf",
        ] {
            assert!(said.contains(&format!("({kept}:")), "{kept}: {said}");
        }
        // Rendered: the key as the file, where nginx reads it. Left empty, the rules
        // say so until it has text.
        let env = d.environments[0].name.clone();
        let empty: Vec<String> = (validate(d, &env).into_iter())
            .filter(|f| f.code == "KP315")
            .map(|f| f.message)
            .collect();
        match given {
            true => assert!(empty.is_empty(), "{empty:?}"),
            false => assert_eq!(
                empty,
                [
                    format!("`api` reads /app_settings from key `app_settings` of ConfigMap `app-settings`, which is empty in `{env}`: paste the file's text into it on the config page"),
                    format!("`proxy` reads /etc/nginx/conf.d/default.conf from key `nginx.conf` of ConfigMap `proxy-files`, which is empty in `{env}`: paste the file's text into it on the config page"),
                ]
            ),
        }
        let yaml = render(d, &env).to_yaml();
        assert!(yaml.contains("subPath: nginx.conf"), "{yaml}");
        assert!(
            yaml.contains("mountPath: /etc/nginx/conf.d/default.conf"),
            "{yaml}"
        );
    }
    // Exported to compose, they are configs beside the file, which come back.
    let d = compose::import(text, &files).design;
    let env = d.environments[0].name.clone();
    let out = kubeprint_core::export::compose::compose(&d, &env);
    let written = |path: &str| {
        (out.iter())
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path}"))
            .contents
            .clone()
    };
    assert_eq!(written("compose/configs/nginx.conf"), nginx);
    let yaml = written("compose/compose.yaml");
    let mut beside: std::collections::BTreeMap<String, String> = (out.iter())
        .filter(|f| f.path.starts_with("compose/configs/"))
        .map(|f| {
            (
                format!("./{}", &f.path["compose/".len()..]),
                f.contents.clone(),
            )
        })
        .collect();
    beside.insert(".env".into(), written("compose/.env"));
    let back = compose::import(&yaml, &beside).design;
    assert_eq!(back.config_maps, d.config_maps, "{yaml}");
    assert_eq!(
        back.service_named("proxy").unwrap().mounts,
        d.service_named("proxy").unwrap().mounts
    );
}

/// A port numbered otherwise says who followed it, as a rename does: the callers whose
/// addresses (a URL, a connection string) now dial the new number; nothing when none
/// did. Also after a link.
#[test]
fn a_port_numbered_otherwise_says_who_dials_the_new_one() {
    let text = "services:
  web:
    image: ghcr.io/acme/shop-web:2.0
    environment:
      DATABASE_URL: postgres://shop@db:5432/shop
      ConnectionStrings__Default: Server=tcp:db,5432;Initial Catalog=shop;User Id=shop
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD}
  cache:
    image: redis:7
";
    let d = compose::import(text, &Default::default()).design;
    for through_link in [false, true] {
        let d = match through_link {
            false => d.clone(),
            true => kubeprint_core::link::decode(&kubeprint_core::link::encode(&d)).unwrap(),
        };
        let renumber = |name: &str, to: u16| {
            let mut after = d.clone();
            let id = after.service_named(name).unwrap().id;
            let path = kubeprint_core::FieldPath::service(id, "/exposure/ports/0/port");
            after
                .apply(kubeprint_core::Edit::Set {
                    path,
                    value: serde_json::json!(to),
                })
                .unwrap();
            after.renumber_said(&d)
        };
        assert_eq!(
            renumber("db", 6432).as_deref(),
            Some(
                "Callers dial `db` on port 6432 now: ConfigMap `web-env` follows. Ctrl+Z takes it back"
            )
        );
        assert_eq!(renumber("cache", 6380), None, "nobody dials it");
        assert_eq!(d.renumber_said(&d), None);
    }
}
