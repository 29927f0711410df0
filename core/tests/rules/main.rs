//! Every rule has a fixture that triggers it and a near miss that does not; every
//! offered fix removes its finding; the seed templates get the findings their documents
//! predict.
//!
//! This file is the harness (the clean baseline, the fixture type and the laws every
//! fixture obeys). The fixtures live with their family, one file per family named like
//! the file of checks they exercise: `timing.rs` here tests `core/src/rules/timing.rs`.

mod batch;
mod images;
mod names;
mod references;
mod resources;
mod scaling;
mod security;
mod timing;
mod wiring;

use kubeprint_core::rules::{rule, validate, Category, Finding, RULES};
use kubeprint_core::*;
use std::collections::BTreeSet;

/// A design with no findings at all in `prod` or `dev`: two hardened services, one
/// public behind TLS, one database, an edge between them, default-deny on.
fn baseline() -> Design {
    let mut d = Design {
        name: "shop".into(),
        environments: vec![
            Environment {
                default_deny: true,
                ..Environment::new("prod", Tier::Prod, "shop")
            },
            Environment {
                default_deny: true,
                ..Environment::new("dev", Tier::Dev, "shop-dev")
            },
        ],
        ..Design::default()
    };
    d.config_maps.push(ConfigMapDef {
        name: "api-config".into(),
        data: [("LOG_LEVEL".to_string(), "info".to_string())].into(),
        residual: None,
        hash_suffix: false,
    });
    d.secrets.push(SecretDef {
        name: "api-secrets".into(),
        kind: "Opaque".into(),
        keys: vec!["DB_PASSWORD".into()],
        residual: None,
        external: false,
    });
    let http = |path: &str| Probe::http(path, PortRef::Name("http".into()));
    let api = Service {
        name: "api".into(),
        component: "api".into(),
        critical: true,
        image: "ghcr.io/acme/api".into(),
        tag: "1.2.3".into(),
        ports: vec![ContainerPort {
            name: "http".into(),
            port: 8080,
            protocol: Protocol::TCP,
        }],
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![ServicePort {
                name: "http".into(),
                port: 80,
                target: PortRef::Name("http".into()),
                ..ServicePort::default()
            }],
            ingress: Some(IngressRoute {
                host: "shop.example.com".into(),
                path: "/".into(),
                port: "http".into(),
                tls: true,
                tls_secret: None,
            }),
            load_balancer: None,
            gateway_route: None,
        },
        probes: Probes {
            startup: Some(http("/healthz").timed(0, 5, 12).with_timeout(2)),
            liveness: Some(http("/healthz").timed(0, 10, 6).with_timeout(2)),
            readiness: Some(http("/ready").timed(0, 5, 3).with_timeout(2)),
        },
        timing: Timing {
            pre_stop_seconds: 5,
            app_shutdown_seconds: 20,
            grace_period_seconds: 30,
            startup_seconds: 30,
            ..Timing::default()
        },
        resources: Resources::new("100m", "128Mi", "500m", "256Mi"),
        scaling: Scaling {
            replicas: 3,
            hpa: Some(Hpa {
                min: 2,
                max: 6,
                cpu_percent: Some(70),
                ..Hpa::default()
            }),
            pdb: Some(Pdb::MaxUnavailable(Amount::Count(1))),
            max_surge: Amount::Count(1),
            max_unavailable: Amount::Count(0),
            revision_history_limit: None,
            spread: Spread::TopologySpread {
                max_skew: 1,
                topology_key: "kubernetes.io/hostname".into(),
                hard: false,
            },
            replicas_with_hpa: false,
        },
        config: Config {
            env: vec![EnvVar {
                name: "DB_PASSWORD".into(),
                value: EnvValue::SecretKey {
                    name: "api-secrets".into(),
                    key: "DB_PASSWORD".into(),
                },
            }],
            env_from: vec![EnvFrom::ConfigMap("api-config".into())],
        },
        security: Security::hardened(),
        ..Service::default()
    };
    let pg = |args: &[&str]| ProbeAction::Exec {
        command: args.iter().map(|s| s.to_string()).collect(),
    };
    let db = Service {
        name: "db".into(),
        kind: WorkloadKind::StatefulSet,
        component: "database".into(),
        image: "postgres".into(),
        tag: "16.4".into(),
        ports: vec![ContainerPort {
            name: "postgres".into(),
            port: 5432,
            protocol: Protocol::TCP,
        }],
        exposure: Exposure {
            service: ServiceKind::Headless,
            ports: vec![ServicePort {
                name: "postgres".into(),
                port: 5432,
                target: PortRef::Name("postgres".into()),
                ..ServicePort::default()
            }],
            ..Exposure::default()
        },
        probes: Probes {
            startup: None,
            liveness: Some(
                Probe::new(pg(&["pg_isready"]))
                    .timed(30, 10, 6)
                    .with_timeout(5),
            ),
            readiness: Some(
                Probe::new(pg(&["pg_isready", "-q"]))
                    .timed(5, 5, 3)
                    .with_timeout(3),
            ),
        },
        timing: Timing {
            pre_stop_seconds: 5,
            app_shutdown_seconds: 20,
            grace_period_seconds: 30,
            startup_seconds: 30,
            ..Timing::default()
        },
        resources: Resources::new("250m", "512Mi", "1", "1Gi"),
        // The data in a directory of the claim, beside a fresh disk's lost+found (KP906);
        // the superuser's password from a Secret (KP907).
        config: Config {
            env: vec![
                EnvVar::literal("PGDATA", "/var/lib/postgresql/data/pgdata"),
                EnvVar {
                    name: "POSTGRES_PASSWORD".into(),
                    value: EnvValue::SecretKey {
                        name: "db-credentials".into(),
                        key: "password".into(),
                    },
                },
            ],
            ..Config::default()
        },
        storage: vec![VolumeClaim {
            name: "data".into(),
            mount_path: "/var/lib/postgresql/data".into(),
            size: "10Gi".into(),
            storage_class: None,
        }],
        // The official postgres image runs as uid 999 and writes its socket into
        // /var/run/postgresql (KP902, KP903).
        volumes: vec![Volume {
            name: "run".into(),
            source: VolumeSource::default(),
        }],
        mounts: vec![Mount {
            volume: "run".into(),
            path: "/var/run/postgresql".into(),
            ..Mount::default()
        }],
        security: Security {
            run_as_user: Some(999),
            run_as_group: Some(999),
            fs_group: Some(999),
            ..Security::hardened()
        },
        ..Service::default()
    };
    d.apply(Edit::AddService(Box::new(api))).unwrap();
    d.apply(Edit::AddService(Box::new(db))).unwrap();
    d.apply(Edit::PutSecret(SecretDef {
        name: "db-credentials".into(),
        kind: "Opaque".into(),
        keys: vec!["password".into()],
        ..SecretDef::default()
    }))
    .unwrap();
    d.apply(Edit::AddEdge(Edge {
        from: ServiceId(1),
        to: ServiceId(2),
        port: "postgres".into(),
    }))
    .unwrap();
    d
}

fn api(d: &mut Design) -> &mut Service {
    d.service_mut(ServiceId(1)).unwrap()
}

fn db(d: &mut Design) -> &mut Service {
    d.service_mut(ServiceId(2)).unwrap()
}

fn probe<'a>(s: &'a mut Service, kind: &str) -> &'a mut Probe {
    match kind {
        "startup" => s.probes.startup.as_mut(),
        "liveness" => s.probes.liveness.as_mut(),
        _ => s.probes.readiness.as_mut(),
    }
    .unwrap()
}

fn env<'a>(d: &'a mut Design, name: &str) -> &'a mut Environment {
    d.environments.iter_mut().find(|e| e.name == name).unwrap()
}

type Mutation = fn(&mut Design);

/// `bad` must trigger `code` in `env`; `good` (a near miss) must not.
struct Fixture {
    code: &'static str,
    env: &'static str,
    bad: Mutation,
    good: Mutation,
}

const fn fx(code: &'static str, bad: Mutation, good: Mutation) -> Fixture {
    Fixture {
        code,
        env: "prod",
        bad,
        good,
    }
}

const fn fx_in(code: &'static str, env: &'static str, bad: Mutation, good: Mutation) -> Fixture {
    Fixture {
        code,
        env,
        bad,
        good,
    }
}

fn no_change(_: &mut Design) {}

/// What an import kept beyond the model, as its changes (see `Residual`).
fn kept(changes: serde_json::Value) -> Residual {
    serde_json::from_value(changes).expect("a residual")
}

/// Each family's fixtures, with the category its rules must have.
fn families() -> [(&'static str, Category, Vec<Fixture>); 9] {
    [
        ("timing", Category::Timing, timing::fixtures()),
        ("scaling", Category::Scaling, scaling::fixtures()),
        ("wiring", Category::Wiring, wiring::fixtures()),
        ("names", Category::Names, names::fixtures()),
        ("resources", Category::Resources, resources::fixtures()),
        ("security", Category::Security, security::fixtures()),
        ("references", Category::References, references::fixtures()),
        ("batch", Category::Batch, batch::fixtures()),
        ("images", Category::Images, images::fixtures()),
    ]
}

/// Every fixture of every family.
fn fixtures() -> Vec<Fixture> {
    families().into_iter().flat_map(|(_, _, f)| f).collect()
}

fn codes(findings: &[Finding]) -> Vec<&'static str> {
    findings.iter().map(|f| f.code).collect()
}

#[test]
fn the_baseline_is_clean_in_every_environment() {
    let d = baseline();
    for env in ["prod", "dev"] {
        let f = validate(&d, env);
        assert!(f.is_empty(), "{env}: {:#?}", f);
    }
}

#[test]
fn every_rule_has_fixtures() {
    let covered: BTreeSet<_> = fixtures().iter().map(|f| f.code).collect();
    let missing: Vec<_> = RULES
        .iter()
        .map(|r| r.code)
        .filter(|c| !covered.contains(c))
        .collect();
    assert!(missing.is_empty(), "rules without fixtures: {missing:?}");
    for f in fixtures() {
        assert!(
            rule(f.code).is_some(),
            "fixture for unknown rule {}",
            f.code
        );
    }
}

#[test]
fn each_family_file_holds_only_its_family() {
    for (file, category, fixtures) in families() {
        for f in fixtures {
            let r = rule(f.code).expect("fixtures name known rules");
            assert_eq!(
                r.category, category,
                "{} ({:?}) has a fixture in {file}.rs",
                f.code, r.category
            );
        }
    }
}

#[test]
fn each_bad_fixture_triggers_its_rule_and_each_near_miss_does_not() {
    let mut failures = Vec::new();
    for (i, f) in fixtures().iter().enumerate() {
        let mut bad = baseline();
        (f.bad)(&mut bad);
        let found = validate(&bad, f.env);
        if !codes(&found).contains(&f.code) {
            failures.push(format!(
                "#{i} {} did not fire in {}; got {:?}",
                f.code,
                f.env,
                codes(&found)
            ));
        }
        let mut good = baseline();
        (f.good)(&mut good);
        let found = validate(&good, f.env);
        if let Some(hit) = found.iter().find(|x| x.code == f.code) {
            failures.push(format!(
                "#{i} {} fired on its near miss: {}",
                f.code, hit.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every path a finding names and every field a fix sets exists in the design's types,
/// so the page can focus it and the fix cannot silently miss (on every fixture, the
/// near misses included).
#[test]
fn every_finding_and_fix_of_every_fixture_names_a_real_field() {
    fn sets(edit: &Edit, out: &mut Vec<FieldPath>) {
        match edit {
            Edit::Set { path, .. } => out.push(path.clone()),
            Edit::Batch(edits) => edits.iter().for_each(|e| sets(e, out)),
            _ => {}
        }
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for f in fixtures() {
        for mutation in [f.bad, f.good] {
            let mut d = baseline();
            mutation(&mut d);
            for finding in validate(&d, f.env) {
                checked += 1;
                if let Err(e) = d.resolve(&finding.path) {
                    failures.push(format!("{} path: {e}", finding.code));
                }
                let Some(fix) = &finding.fix else { continue };
                // Each Set of a fix resolves once the edits before it are applied.
                let mut paths = Vec::new();
                sets(&fix.edit, &mut paths);
                let mut after = d.clone();
                if let Err(e) = after.apply(fix.edit.clone()) {
                    failures.push(format!("{} fix does not apply: {e}", finding.code));
                    continue;
                }
                for p in paths {
                    if let Err(e) = after.resolve(&p) {
                        failures.push(format!("{} fix sets {p}: {e}", finding.code));
                    }
                }
            }
        }
    }
    assert!(checked > 100, "the fixtures report findings ({checked})");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Each fix the bad fixtures offer, applied: its environment, its finding, the design
/// before it, and the design after it (or why it did not apply).
fn offered_fixes() -> Vec<(&'static str, Finding, Design, Result<Design, String>)> {
    let mut out = Vec::new();
    for f in fixtures() {
        let mut bad = baseline();
        (f.bad)(&mut bad);
        for finding in validate(&bad, f.env) {
            let Some(fix) = &finding.fix else { continue };
            let mut fixed = bad.clone();
            let applied = fixed.apply(fix.edit.clone()).map(|()| fixed);
            out.push((
                f.env,
                finding,
                bad.clone(),
                applied.map_err(|e| e.to_string()),
            ));
        }
    }
    out
}

#[test]
fn applying_each_offered_fix_removes_its_finding() {
    let mut fixes = 0;
    let mut failures = Vec::new();
    for (env, finding, _, applied) in offered_fixes() {
        let label = &finding.fix.as_ref().expect("offered").label;
        let fixed = match applied {
            Ok(fixed) => fixed,
            Err(e) => {
                failures.push(format!(
                    "{} fix `{label}` does not apply: {e}",
                    finding.code
                ));
                continue;
            }
        };
        fixes += 1;
        let after = validate(&fixed, env);
        if after.iter().any(|a| {
            a.code == finding.code && a.path == finding.path && a.service == finding.service
        }) {
            failures.push(format!(
                "{} fix `{label}` left the finding: {}",
                finding.code, finding.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(fixes > 40, "only {fixes} fixes were exercised");
}

/// A fix that makes something the field it goes to does not show says so: each Secret
/// or ConfigMap it makes or gives a key, each service and call it adds, by name. One
/// that makes nothing says nothing more than its label.
#[test]
fn every_fix_says_what_it_made() {
    let mut made = 0;
    let mut failures = Vec::new();
    for (_, finding, bad, applied) in offered_fixes() {
        let Some(fix) = &finding.fix else { continue };
        let Ok(fixed) = applied else { continue };
        let mut names: Vec<String> = Vec::new();
        for s in &fixed.secrets {
            let old = bad.secret(&s.name);
            let keys: Vec<String> = (s.keys.iter())
                .filter(|k| old.is_none_or(|o| !o.keys.contains(k)))
                .map(|k| format!("`{k}`"))
                .collect();
            if old.is_none() || !keys.is_empty() {
                names.push(format!("Secret `{}`", s.name));
            }
            names.extend(keys);
        }
        for c in (fixed.config_maps.iter()).filter(|c| bad.config_map(&c.name) != Some(c)) {
            let old = bad.config_map(&c.name);
            if old.is_none_or(|o| c.data.keys().any(|k| !o.data.contains_key(k))) {
                names.push(format!("ConfigMap `{}`", c.name));
            }
        }
        let name = |id| format!("`{}`", fixed.service(id).unwrap().name);
        for s in (fixed.services.iter()).filter(|s| bad.service(s.id).is_none()) {
            names.push(name(s.id));
        }
        for e in (fixed.edges.iter()).filter(|e| !bad.edges.contains(e)) {
            names.push(format!("a call from {} to {}", name(e.from), name(e.to)));
        }
        let said = fixed.made_said(&bad);
        let what = format!("{} `{}`", finding.code, fix.label);
        match (&said, names.is_empty()) {
            (None, true) => {}
            (Some(said), false) => {
                made += 1;
                // A Secret made outside Kubeprint has no placeholder in the export.
                let outside =
                    (fixed.secrets.iter()).any(|s| s.external && bad.secret(&s.name).is_none());
                if outside && (said.contains("placeholder") || !said.contains("made outside")) {
                    failures.push(format!("{what}: {said:?} for a Secret made outside"));
                }
                for n in names.iter().filter(|n| !said.contains(n.as_str())) {
                    failures.push(format!("{what}: {said:?} does not name {n}"));
                }
            }
            _ => failures.push(format!("{what}: made {names:?}, said {said:?}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(made >= 3, "only {made} fixes made something");
}

/// A fix does what it says and no more: it brings no finding that was not there (an
/// added startup probe that times out no sooner than its period, a request meant as
/// mebibytes above its limit, say). Only the steps of setting up canary analysis are
/// one after the other, each finding saying the next: the analysis needs the metrics
/// endpoint, which under default-deny needs Prometheus let in.
#[test]
fn no_offered_fix_brings_a_new_finding() {
    const NEXT_STEPS: &[(&str, &str)] =
        &[("KP236", "KP350"), ("KP350", "KP354"), ("KP353", "KP354")];
    let mut failures = Vec::new();
    for f in fixtures() {
        let mut bad = baseline();
        (f.bad)(&mut bad);
        let before = validate(&bad, f.env);
        let known = |a: &Finding| {
            before
                .iter()
                .any(|b| b.code == a.code && b.path == a.path && b.service == a.service)
        };
        for finding in &before {
            let Some(fix) = &finding.fix else { continue };
            let mut fixed = bad.clone();
            if fixed.apply(fix.edit.clone()).is_err() {
                continue;
            }
            let next = |a: &&Finding| NEXT_STEPS.contains(&(finding.code, a.code));
            for new in (validate(&fixed, f.env).iter()).filter(|a| !known(a) && !next(a)) {
                failures.push(format!(
                    "{} fix `{}` brought {}: {}",
                    finding.code, fix.label, new.code, new.message
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn findings_state_the_numbers_and_point_at_the_field() {
    let mut d = baseline();
    api(&mut d).timing.app_shutdown_seconds = 30;
    let f = validate(&d, "prod")
        .into_iter()
        .find(|f| f.code == "KP102")
        .unwrap();
    assert_eq!(f.message, "grace 30 s < preStop 5 s + shutdown 30 s = 35 s: SIGKILL comes 5 s before the app has drained");
    assert_eq!(
        f.path,
        FieldPath::service(ServiceId(1), "/timing/grace_period_seconds")
    );
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.fix.as_ref().unwrap().label,
        "Raise the grace period to 37 s"
    );
    assert_eq!(
        d.get(&f.path),
        Some(serde_json::json!(30)),
        "the path leads to the field"
    );
}

#[test]
fn dev_relaxes_warnings_to_info_but_never_errors() {
    let mut d = baseline();
    api(&mut d).security.read_only_root_fs = false;
    api(&mut d).timing.app_shutdown_seconds = 30;
    let sev = |env: &str, code: &str| {
        validate(&d, env)
            .into_iter()
            .find(|f| f.code == code)
            .unwrap()
            .severity
    };
    assert_eq!(sev("prod", "KP603"), Severity::Warning);
    assert_eq!(sev("dev", "KP603"), Severity::Info);
    assert_eq!(sev("dev", "KP102"), Severity::Error);
}

#[test]
fn production_only_rules_stay_quiet_in_dev() {
    let mut d = baseline();
    api(&mut d).scaling.hpa.as_mut().unwrap().min = 1;
    api(&mut d).scaling.pdb = None;
    for e in ["prod", "dev"] {
        env(&mut d, e).default_deny = false;
    }
    let prod = template_free_codes(&d, "prod");
    let dev = template_free_codes(&d, "dev");
    for code in ["KP203", "KP208", "KP610"] {
        assert!(prod.contains(code), "{code} fires in prod");
        assert!(!dev.contains(code), "{code} stays quiet in dev");
    }
}

fn template_free_codes(d: &Design, env: &str) -> BTreeSet<&'static str> {
    validate(d, env).iter().map(|f| f.code).collect()
}

#[test]
fn an_override_is_where_the_finding_points() {
    let mut d = baseline();
    env(&mut d, "prod").overrides.insert(
        ServiceId(1),
        Override {
            hpa_max: Some(1),
            ..Override::default()
        },
    );
    let f = validate(&d, "prod")
        .into_iter()
        .find(|f| f.code == "KP201")
        .unwrap();
    assert_eq!(
        f.path,
        FieldPath::environment("prod", "/overrides/1/hpa_max")
    );
    assert!(
        validate(&d, "dev").iter().all(|f| f.code != "KP201"),
        "dev has no override"
    );
}

#[test]
fn validation_never_panics_on_the_templates_or_an_unknown_environment() {
    for t in templates::ALL {
        let d = (t.build)();
        let _ = rules::validate_all(&d);
        assert!(validate(&d, "no-such-env").is_empty());
    }
}

fn template_codes(name: &str, env: &str) -> BTreeSet<&'static str> {
    validate(&templates::by_name(name).unwrap(), env)
        .iter()
        .map(|f| f.code)
        .collect()
}

#[test]
fn connectum_shows_its_zero_slack_grace_period() {
    let f: Vec<_> = validate(&templates::by_name("connectum").unwrap(), "prod")
        .into_iter()
        .filter(|f| f.code == "KP103")
        .collect();
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(
        f[0].message
            .contains("grace 35 s leaves 0 s of slack after preStop 5 s + shutdown 30 s = 35 s"),
        "{}",
        f[0].message
    );
}

#[test]
fn framework_m_shows_its_latest_image() {
    assert!(template_codes("framework-m", "prod").contains("KP608"));
}

#[test]
fn kubeprint_own_deployment_has_no_finding_but_notes_in_any_environment() {
    let d = templates::by_name("kubeprint").unwrap();
    for env in ["dev", "staging", "prod"] {
        let f: Vec<_> = validate(&d, env)
            .into_iter()
            .filter(|f| f.severity != Severity::Info)
            .collect();
        assert!(f.is_empty(), "{env}: {f:#?}");
    }
}

#[test]
fn no_seed_template_has_an_error() {
    for t in templates::ALL {
        let d = (t.build)();
        let errors: Vec<_> = rules::validate_all(&d)
            .into_iter()
            .filter(|f| f.severity == Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", t.name);
    }
}

#[test]
fn the_rule_docs_page_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/rules.md");
    let generated = rules::rules_markdown();
    if std::env::var_os("KUBEPRINT_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is stale: run `KUBEPRINT_BLESS=1 cargo test -p kubeprint-core --test rules`"
    );
    for r in RULES {
        let d = r.doc();
        for field in [d.summary, d.why, d.bad, d.instead, d.source] {
            assert!(
                !field.trim().is_empty(),
                "{} has an empty doc field",
                r.code
            );
        }
    }
}

/// Import Kubernetes manifests, check that rendering the design gives every object back
/// field for field (so a fact the rules read was carried into the model and written back
/// faithfully), and return the design with its environment's name.
fn import_exact(yaml: &str) -> (Design, String) {
    let (d, env) = import(yaml);
    let objects = |text: &str| -> std::collections::BTreeMap<(String, String), serde_json::Value> {
        kubeprint_core::yaml::parse_documents(text)
            .unwrap()
            .into_iter()
            .filter(|v| !v.is_null())
            .map(|v| {
                let v = serde_json::to_value(&v).unwrap();
                let key = (
                    v["kind"].as_str().unwrap_or_default().to_string(),
                    v["metadata"]["name"]
                        .as_str()
                        .unwrap_or_default()
                        .to_string(),
                );
                (key, v)
            })
            .collect()
    };
    let (back, input) = (objects(&render(&d, &env).to_yaml()), objects(yaml));
    assert_eq!(
        back.keys().collect::<Vec<_>>(),
        input.keys().collect::<Vec<_>>()
    );
    for (k, v) in &input {
        assert_eq!(&back[k], v, "{k:?} comes back from import then render");
    }
    (d, env)
}

/// Import Kubernetes manifests: the design and its environment's name.
fn import(yaml: &str) -> (Design, String) {
    let d = kubeprint_core::import::kubernetes(yaml).design;
    let env = d.environments[0].name.clone();
    (d, env)
}

/// The findings of `code` in `env`.
fn findings_of(d: &Design, env: &str, code: &str) -> Vec<Finding> {
    validate(d, env)
        .into_iter()
        .filter(|f| f.code == code)
        .collect()
}

/// A file of the import corpus.
fn corpus(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(name);
    std::fs::read_to_string(path).unwrap()
}

/// A clean container for api's pod in `role`: an immutable tag, requests and a memory
/// limit, hardened, no port. Fixtures change one thing of it.
fn extra(name: &str, role: ContainerRole) -> Container {
    Container {
        name: name.into(),
        role,
        image: "ghcr.io/acme/proxy".into(),
        tag: "2.1.0".into(),
        resources: Resources::new("50m", "64Mi", "", "128Mi"),
        security: ContainerSecurity::hardened(),
        ..Container::default()
    }
}

/// Add container `c` to api's pod and return it, to change it.
fn add(d: &mut Design, c: Container) -> &mut Container {
    let s = api(d);
    s.containers.push(c);
    s.containers.last_mut().unwrap()
}

/// A sidecar of api's pod (see [`extra`]).
fn sidecar(d: &mut Design) -> &mut Container {
    add(d, extra("proxy", ContainerRole::Sidecar))
}

/// Two environments in one namespace: the one that is not production is offered a
/// namespace named after it, which ends the finding in both; two production ones are
/// each offered one.
#[test]
fn a_shared_namespace_is_fixed_by_moving_the_environment_that_is_not_prod() {
    let mut d = baseline();
    env(&mut d, "dev").namespace = "shop".into();
    let kp405 = |d: &Design, e: &str| -> Vec<Option<String>> {
        (validate(d, e).into_iter())
            .filter(|f| f.code == "KP405")
            .map(|f| f.fix.map(|x| x.label))
            .collect()
    };
    assert_eq!(kp405(&d, "prod"), [None]);
    let fix = validate(&d, "dev")
        .into_iter()
        .find(|f| f.code == "KP405")
        .and_then(|f| f.fix)
        .unwrap();
    assert_eq!(fix.label, "Deploy `dev` to namespace `shop-dev`");
    let mut fixed = d.clone();
    fixed.apply(fix.edit).unwrap();
    assert_eq!(env(&mut fixed, "dev").namespace, "shop-dev");
    assert!(kp405(&fixed, "prod").is_empty() && kp405(&fixed, "dev").is_empty());
    env(&mut d, "dev").tier = Tier::Prod;
    assert_eq!(
        kp405(&d, "prod"),
        [Some("Deploy `prod` to namespace `shop-prod`".to_string())]
    );
    // An environment named otherwise than a namespace can be is offered one all the same.
    let mut d = baseline();
    (d.environments).push(Environment::new("QA_Europe", Tier::Staging, "shop"));
    assert_eq!(
        kp405(&d, "QA_Europe"),
        [Some(
            "Deploy `QA_Europe` to namespace `shop-qa-europe`".to_string()
        )]
    );
    (d.environments).push(Environment::new("__", Tier::Staging, "shop"));
    assert_eq!(kp405(&d, "__"), [None], "nothing of the name is left");
}

/// Connectum's services send telemetry to `otel-collector.observability.svc...`: an
/// observability environment moved to another namespace takes that address with it,
/// in every environment that dials it; the address rule then has nothing to say.
#[test]
fn a_namespace_renamed_takes_the_addresses_of_its_services_with_it() {
    let mut d = templates::connectum();
    let endpoint = |d: &Design| -> String {
        let cm = d.config_map("order-service-config").unwrap();
        cm.data["OTEL_EXPORTER_OTLP_ENDPOINT"].clone()
    };
    assert!(
        endpoint(&d).contains("otel-collector.observability.svc"),
        "{}",
        endpoint(&d)
    );
    d.apply(Edit::Set {
        path: FieldPath::environment("observability", "/namespace"),
        value: serde_json::json!("telemetry"),
    })
    .unwrap();
    assert!(
        endpoint(&d).contains("otel-collector.telemetry.svc.cluster.local:4317"),
        "{}",
        endpoint(&d)
    );
    for env in d
        .environments
        .iter()
        .map(|e| e.name.clone())
        .collect::<Vec<_>>()
    {
        let unknown: Vec<String> = (validate(&d, &env).into_iter())
            .filter(|f| f.code == "KP321" && f.message.contains("otel"))
            .map(|f| f.message)
            .collect();
        assert_eq!(unknown, Vec::<String>::new(), "{env}");
    }
}

/// A preStop sleep longer than the grace period raises the grace period to fit, unless
/// that would hold every rollout for over ten minutes (a slip: `100000`): then the fix
/// is a sleep that outlasts endpoint propagation.
#[test]
fn a_pre_stop_of_hours_is_fixed_by_a_sleep_that_fits() {
    let label = |sleep: u32| {
        let mut d = baseline();
        api(&mut d).timing.pre_stop_seconds = sleep;
        let f = (validate(&d, "prod").into_iter())
            .find(|f| f.code == "KP101")
            .unwrap();
        let fix = f.fix.unwrap();
        d.apply(fix.edit).unwrap();
        let left: Vec<&str> = (validate(&d, "prod").into_iter())
            .filter(|f| f.service.as_deref() == Some("api") && f.code.starts_with("KP10"))
            .map(|f| f.code)
            .collect();
        assert_eq!(left, Vec::<&str>::new(), "{sleep}");
        fix.label
    };
    let e = baseline().cluster.endpoint_propagation_seconds;
    assert_eq!(label(40), "Raise the grace period to 62 s");
    assert!(
        label(100_000).starts_with(&format!("Sleep {e} s in preStop")),
        "{}",
        label(100_000)
    );
}

/// A service deleted whose address a shared ConfigMap holds (miniredis' one config
/// for the whole platform): every service that reads it is named as left dialing
/// nothing; deleting one nobody dials names none.
#[test]
fn a_deleted_service_names_every_reader_of_its_address() {
    let d = templates::miniredis();
    let remove = |name: &str| {
        let mut after = d.clone();
        let id = after.service_named(name).unwrap().id;
        after.apply(Edit::RemoveService(id)).unwrap();
        left_dialing_nothing(&d, &after)
    };
    // AUTH_URL is in the one ConfigMap every application service reads whole.
    assert_eq!(
        remove("auth-service"),
        [
            "frontend",
            "api-gateway",
            "backend",
            "node-manager",
            "monitoring-service"
        ]
    );
    assert_eq!(remove("postgres-main-restore-test"), Vec::<String>::new());
}

/// A bare name that no service of the design has says why: a container of a pod
/// (reached at localhost, never by its name), or nothing of the design at all; which
/// one depends on the name only.
#[test]
fn a_bare_name_nothing_answers_says_what_it_is() {
    let mut d = baseline();
    sidecar(&mut d);
    api(&mut d)
        .config
        .env
        .push(EnvVar::literal("PROXY_URL", "http://proxy:15000/stats"));
    api(&mut d)
        .config
        .env
        .push(EnvVar::literal("CACHE_ADDR", "cache:6379"));
    let said: Vec<String> = (validate(&d, "prod").into_iter())
        .filter(|f| f.code == "KP321")
        .map(|f| f.message)
        .collect();
    assert_eq!(
        said,
        [
            "`CACHE_ADDR` = `cache:6379` names no known service: no service of the design is named `cache`",
            "`PROXY_URL` = `http://proxy:15000/stats` names no known service: `proxy` is a container of `api`'s pod, which no Service names: containers of one pod reach each other at localhost",
        ]
    );
}

/// An address in another environment's namespace says so, from the environment that
/// reads it: Connectum's dev reads `inventory-service.connectum` (prod's namespace).
#[test]
fn an_address_in_another_environments_namespace_says_whose_it_is() {
    let d = templates::connectum();
    let said = |env: &str| {
        validate(&d, env)
            .into_iter()
            .find(|f| f.code == "KP321")
            .map(|f| f.message)
            .unwrap_or_default()
    };
    let dev = said("dev");
    assert!(
        dev.ends_with("names no known service: it names namespace `connectum`, environment `prod`'s, from `dev` (namespace `connectum-dev`); `prod` runs no service `inventory-service`"),
        "{dev}"
    );
    let prod = said("prod");
    assert!(
        prod.ends_with(
            "environment `prod` (namespace `connectum`) runs no service `inventory-service`"
        ),
        "{prod}"
    );
    // Staging in a cluster of its own, in the same namespace as prod: its own.
    let mut d = d.clone();
    let staging = d
        .environments
        .iter_mut()
        .find(|e| e.name == "staging")
        .unwrap();
    staging.namespace = "connectum".into();
    let staging = validate(&d, "staging")
        .into_iter()
        .find(|f| f.code == "KP321")
        .map(|f| f.message)
        .unwrap_or_default();
    assert!(
        staging.ends_with(
            "environment `staging` (namespace `connectum`) runs no service `inventory-service`"
        ),
        "{staging}"
    );
}

/// An address dialing a port its Service lacks, where the Service has one: the fix
/// dials that one, in the field that holds the address (a variable, an environment's
/// own value of it, an argument's `--flag=`), and the finding goes. A Service of
/// several ports offers none (which one is meant is not said).
#[test]
fn an_address_on_a_port_the_service_lacks_is_fixed_to_its_one_port() {
    let mut d = baseline();
    api(&mut d).config.env.push(EnvVar::literal(
        "DB_URL",
        "postgres://app@db.shop.svc:5433/orders",
    ));
    api(&mut d).args = vec!["serve".into(), "--db=db.shop:5433".into()];
    let api_id = api(&mut d).id;
    env(&mut d, "prod")
        .overrides
        .entry(api_id)
        .or_default()
        .env
        .insert(
            "DB_URL".into(),
            VarHere::Value("db.shop.svc.cluster.local:5433".into()),
        );
    let fixes = |d: &Design| -> Vec<Finding> {
        validate(d, "prod")
            .into_iter()
            .filter(|f| f.code == "KP321")
            .collect()
    };
    let found = fixes(&d);
    assert_eq!(found.len(), 2, "{found:#?}");
    for f in &found {
        let fix = f
            .fix
            .as_ref()
            .unwrap_or_else(|| panic!("no fix: {}", f.message));
        assert_eq!(
            fix.label,
            "Dial port 5432, where the pods of headless Service `db` listen"
        );
        d.apply(fix.edit.clone()).unwrap();
    }
    assert_eq!(fixes(&d), Vec::<Finding>::new());
    assert_eq!(api(&mut d).args, ["serve", "--db=db.shop:5432"]);
    // Prod's own value is fixed there; the service's own stays for the others.
    assert_eq!(
        env(&mut d, "prod").overrides[&api_id].env["DB_URL"],
        VarHere::Value("db.shop.svc.cluster.local:5432".into())
    );
    let own = api(&mut d).config.env.last().unwrap().value.clone();
    assert_eq!(
        own,
        EnvValue::Literal("postgres://app@db.shop.svc:5433/orders".into())
    );
    // Two ports: no fix.
    let mut two = d.clone();
    let extra = ServicePort {
        name: "metrics".into(),
        port: 9187,
        target: PortRef::Number(9187),
        ..db(&mut two).exposure.ports[0].clone()
    };
    db(&mut two).exposure.ports.push(extra);
    api(&mut two).args = vec!["--db=db.shop:5433".into()];
    let found = fixes(&two);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].fix.is_none(), "{:?}", found[0].fix);
    // A ClusterIP Service listens on its own port, not the pods': the fix dials that,
    // writing out a port the URL left to its scheme.
    let mut cluster_ip = d.clone();
    db(&mut cluster_ip).exposure.service = ServiceKind::ClusterIP;
    db(&mut cluster_ip).exposure.ports[0].port = 6432;
    api(&mut cluster_ip).args = vec!["--db=postgres://db.shop/orders".into()];
    let found = fixes(&cluster_ip);
    let fix = found.iter().find_map(|f| f.fix.clone()).expect("a fix");
    assert_eq!(fix.label, "Dial port 6432, the one port of Service `db`");
    cluster_ip.apply(fix.edit).unwrap();
    assert_eq!(
        api(&mut cluster_ip).args,
        ["--db=postgres://db.shop:6432/orders"]
    );
    // A port written in a variable of its own is another field: no fix.
    let mut pair = baseline();
    api(&mut pair).config.env.extend([
        EnvVar::literal("DB_HOST", "db"),
        EnvVar::literal("DB_PORT", "5433"),
    ]);
    let found = fixes(&pair);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].fix.is_none(), "{:?}", found[0].fix);
}
