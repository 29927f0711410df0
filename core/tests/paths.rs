//! Every path a finding points at, and every path a fix writes, names a field that
//! exists: on the templates, on imported manifests, on random designs, and for every
//! rule of the catalog. A path that names nothing would focus no input, and its fix
//! would be refused.

mod common;

use common::design;
use kubeprint_core::rules::{validate, Finding, RULES};
use kubeprint_core::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::collections::BTreeSet;

/// What is wrong with the paths of `findings` on `design`, one line per problem.
/// Each `Set` of a fix is resolved on the design as the fix's earlier edits left it.
fn unresolved(design: &Design, findings: &[Finding]) -> Vec<String> {
    let mut problems = Vec::new();
    for f in findings {
        let what = format!("{} in {}", f.code, f.env);
        if let Err(e) = design.resolve(&f.path) {
            problems.push(format!("{what}: finding path: {e}"));
        }
        if let Some(fix) = &f.fix {
            let mut d = design.clone();
            let mut edits = vec![fix.edit.clone()];
            while let Some(edit) = edits.pop() {
                match edit {
                    Edit::Batch(inner) => edits.extend(inner.into_iter().rev()),
                    Edit::Set { path, value } => {
                        if let Err(e) = d.resolve(&path) {
                            problems.push(format!("{what}: fix `{}`: {e}", fix.label));
                        }
                        if let Err(e) = d.apply(Edit::Set { path, value }) {
                            problems.push(format!("{what}: fix `{}` refused: {e}", fix.label));
                        }
                    }
                    other => {
                        if let Err(e) = d.apply(other) {
                            problems.push(format!("{what}: fix `{}` refused: {e}", fix.label));
                        }
                    }
                }
            }
        }
    }
    problems
}

/// Every finding of `design` in every environment, with the problems of their paths.
fn check(design: &Design) -> (Vec<Finding>, Vec<String>) {
    let findings: Vec<Finding> = design
        .environments
        .iter()
        .flat_map(|e| validate(design, &e.name))
        .collect();
    let problems = unresolved(design, &findings);
    (findings, problems)
}

/// The designs of the corpus, by a name that says where each came from: the
/// templates, their manifests imported back, hand-written manifests, and the
/// provocations below; with `random`, also random designs (the same on every run).
/// What the corpus does not have: a route to a missing Service, a binding to a missing
/// Role, a pod with a missing ServiceAccount, an API version with no successor.
const DANGLING: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: site}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      serviceAccountName: web-runner
      containers:
      - {name: web, image: "nginx:1.27", ports: [{name: http, containerPort: 8080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: site}
spec:
  parentRefs: [{name: public, namespace: gateways}]
  rules:
  - backendRefs: [{name: web-v2, port: 8080}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: config-reader, namespace: site}
rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: web-reads-config, namespace: site}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: config-readers}
subjects: [{kind: ServiceAccount, name: web-runner, namespace: site}]
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: restricted}
spec: {privileged: false}
"#;

fn corpus(random: bool) -> Vec<(String, Design)> {
    let mut out = Vec::new();
    for t in templates::ALL {
        let d = (t.build)();
        // The same system as its manifests, imported back: residual patches, kept
        // objects and imported names instead of built ones.
        for env in &d.environments {
            let yaml = render(&d, &env.name).to_yaml();
            let imported = import::kubernetes(&yaml).design;
            out.push((format!("{} ({}) imported", t.name, env.name), imported));
        }
        out.push((t.name.to_string(), d));
    }
    for (name, text) in [
        (
            "framework-m-guide.yaml",
            include_str!("manifests/framework-m-guide.yaml"),
        ),
        ("shop-mixed.yaml", include_str!("manifests/shop-mixed.yaml")),
        // Real-world shapes, dangling references included (tests/corpus/README.md).
        (
            "broken-references.yaml",
            include_str!("corpus/broken-references.yaml"),
        ),
        ("mesh-sample.yaml", include_str!("corpus/mesh-sample.yaml")),
        (
            "ingress-controller.yaml",
            include_str!("corpus/ingress-controller.yaml"),
        ),
        (
            "microservices-demo.yaml",
            include_str!("corpus/microservices-demo.yaml"),
        ),
        ("cronjobs.yaml", include_str!("corpus/cronjobs.yaml")),
        (
            "sidecars-and-volumes.yaml",
            include_str!("corpus/sidecars-and-volumes.yaml"),
        ),
        ("dangling references, removed API", DANGLING),
    ] {
        out.push((name.to_string(), import::kubernetes(text).design));
    }
    for (code, provoke) in provocations() {
        let mut d = templates::connectum();
        provoke(&mut d);
        out.push((format!("connectum provoking {code}"), d));
    }
    let mut runner = TestRunner::deterministic();
    for i in 0..if random { 100 } else { 0 } {
        let tree = design()
            .new_tree(&mut runner)
            .expect("the strategy never rejects");
        out.push((format!("random design {i}"), tree.current()));
    }
    out
}

/// A change to a design.
type Mutation = fn(&mut Design);

/// Changes to the connectum template that make a rule fire which neither the templates
/// nor random designs trigger, by its code.
fn provocations() -> Vec<(&'static str, Mutation)> {
    fn api(d: &mut Design) -> &mut Service {
        &mut d.services[0]
    }
    vec![
        ("KP105", |d| d.cluster.lb_deregistration_seconds = Some(60)),
        ("KP109", |d| {
            let s = api(d);
            s.probes.liveness = s.probes.readiness.clone();
        }),
        ("KP114", |d| {
            let hpa = api(d).scaling.hpa.as_mut().expect("connectum scales");
            hpa.scale_down = Some(ScaleRules {
                stabilization_window_seconds: Some(7200),
                policies: Vec::new(),
            });
        }),
        ("KP208", |d| {
            let s = api(d);
            s.critical = true;
            s.scaling.hpa = None;
            s.scaling.pdb = None;
        }),
        // An environment's replicas for a service its HPA scales.
        ("KP210", |d| {
            let id = api(d).id;
            api(d).scaling.hpa.get_or_insert_with(|| Hpa {
                min: 2,
                max: 4,
                cpu_percent: Some(70),
                ..Hpa::default()
            });
            d.environments[0].overrides.entry(id).or_default().replicas = Some(1);
        }),
        ("KP301", |d| {
            api(d).exposure.ports[0].target = PortRef::Name("nowhere".into());
        }),
        ("KP405", |d| {
            let prod = d.environments[0].namespace.clone();
            d.environments[1].namespace = prod;
        }),
        ("KP306", |d| {
            let env = &mut api(d).config.env;
            env.push(EnvVar::literal("PORT", "8080"));
            env.push(EnvVar::literal("PORT", "9090"));
        }),
        ("KP314", |d| {
            api(d).exposure.load_balancer = None;
            api(d).ports.push(ContainerPort {
                name: "http".into(),
                port: 8080,
                protocol: Protocol::TCP,
            });
            api(d).local.published = Some(vec![HostPort {
                port: PortRef::Name("http".into()),
                host: Some(80),
            }]);
        }),
        ("KP315", |d| {
            d.config_maps.push(ConfigMapDef {
                name: "files".into(),
                data: [("app.yaml".to_string(), String::new())].into(),
                residual: None,
                hash_suffix: true,
            });
            api(d).volumes.push(Volume {
                name: "files".into(),
                source: VolumeSource::ConfigMap {
                    name: "files".into(),
                },
            });
            api(d).mounts.push(Mount {
                volume: "files".into(),
                path: "/etc/app".into(),
                read_only: true,
                sub_path: String::new(),
            });
        }),
        ("KP313", |d| {
            let env = &mut api(d).config.env;
            env.push(EnvVar::literal("ATTRS", "region=$(REGION)"));
            env.push(EnvVar::literal("REGION", "eu-west-1"));
        }),
        ("KP308", |d| {
            let s = api(d);
            let port = s.ports[0].port;
            s.port_pools.push(PortPool {
                name: "pool".into(),
                start: port,
                end: port + 10,
                ..PortPool::default()
            });
        }),
        ("KP309", |d| d.config_maps.push(d.config_maps[0].clone())),
        ("KP324", |d| {
            d.environments
                .iter_mut()
                .for_each(|e| e.default_deny = true);
            let env = &mut api(d).config.env;
            env.push(EnvVar::literal("PAYMENTS_URL", "https://api.stripe.com/v1"));
        }),
        ("KP325", |d| {
            api(d).egress.push(ExternalEgress {
                to: "payments".into(),
                cidr: "203.0.113.7".into(),
                port: 443,
                ..ExternalEgress::default()
            })
        }),
        ("KP312", |d| {
            d.secrets.push(SecretDef {
                name: "order-service-tls".into(),
                kind: "kubernetes.io/tls".into(),
                keys: vec!["cert.pem".into()],
                residual: None,
                external: false,
            })
        }),
        ("KP403", |d| d.name = "My System".into()),
        ("KP403", |d| {
            let env = &mut d.environments[0];
            env.labels.insert("team".into(), "not a label value".into());
        }),
        ("KP403", |d| {
            let labels = &mut d.environments[0].common_labels.labels;
            labels.insert("env".into(), "not a label value".into());
        }),
        ("KP406", |d| {
            let labels = &mut d.environments[0].common_labels;
            labels
                .labels
                .insert("app.kubernetes.io/name".into(), "shop".into());
        }),
        ("KP404", |d| {
            api(d).config.env.push(EnvVar::literal("MY-VAR", "x"));
        }),
        ("KP502", |d| {
            api(d).resources = Resources::new("2", "128Mi", "1", "256Mi");
        }),
        ("KP505", |d| {
            api(d).resources = Resources::new("100m", "128", "500m", "256Mi");
        }),
        // The official postgres image, with the hardened defaults of a new service.
        ("KP902", |d| api(d).image = "postgres".into()),
        ("KP903", |d| {
            api(d).image = "postgres".into();
            api(d).security.read_only_root_fs = true;
        }),
        // Postgres 18 with a volume where every older example mounts it, and 17 with a
        // claim right on its data directory.
        ("KP905", |d| {
            let s = api(d);
            s.image = "postgres".into();
            s.tag = "18.1".into();
            s.volumes.push(Volume {
                name: "data".into(),
                source: VolumeSource::default(),
            });
            s.mounts.push(Mount {
                volume: "data".into(),
                path: "/var/lib/postgresql/data".into(),
                ..Mount::default()
            });
        }),
        ("KP906", |d| {
            let s = api(d);
            s.image = "postgres".into();
            s.tag = "17".into();
            s.kind = WorkloadKind::StatefulSet;
            s.storage.push(VolumeClaim {
                name: "data".into(),
                mount_path: "/var/lib/postgresql/data".into(),
                size: "10Gi".into(),
                storage_class: None,
            });
        }),
        ("KP609", |d| {
            let env = &mut api(d).config.env;
            env.push(EnvVar::literal("DB_PASSWORD", "hunter2"));
        }),
        // MySQL with none of its root password options.
        ("KP907", |d| api(d).image = "mysql".into()),
        ("KP806", |d| {
            let s = api(d);
            s.kind = WorkloadKind::CronJob;
            s.cron.schedule = "*/5 * * * *".into();
            s.job.active_deadline_seconds = Some(3600);
        }),
        ("KP807", |d| {
            let s = api(d);
            s.kind = WorkloadKind::CronJob;
            s.component = "backup".into();
        }),
        ("KP609", |d| {
            d.config_maps[0]
                .data
                .insert("API_TOKEN".into(), "hunter2".into());
        }),
        // Without its edge, the OTLP endpoint of the ConfigMap is dropped by
        // default-deny in observability.
        ("KP320", |d| {
            d.edges.clear();
            for e in &mut d.environments {
                e.default_deny |= e.name == "observability";
            }
        }),
        ("KP322", |d| {
            let mut eu = d.environment("observability").unwrap().clone();
            eu.name = "observability-eu".into();
            eu.namespace = "observability-eu".into();
            d.environments.push(eu);
        }),
        ("KP323", |d| {
            let s = api(d);
            s.exposure.service = ServiceKind::Headless;
            s.exposure.ports[0].port = 5001;
        }),
        ("KP116", |d| api(d).containers.push(sidecar(5))),
        // Through the Gateway, a tenth of the calls to a port that does not say gRPC.
        ("KP341", |d| {
            *d = templates::connectum_gateway();
            let s = api(d);
            s.exposure.ports.push(ServicePort {
                name: "h1".into(),
                port: 5001,
                target: PortRef::Name("grpc".into()),
                ..ServicePort::default()
            });
            let rule = &mut s.exposure.gateway_route.as_mut().unwrap().rules[0];
            for (port, weight) in [("grpc", 9), ("h1", 1)] {
                rule.backends.push(RouteBackend {
                    service: String::new(),
                    port: port.into(),
                    weight,
                });
            }
        }),
        // order-service's prod canary, routed through its GRPCRoute, whose rule also sends
        // a tenth of the calls to another Service.
        ("KP238", |d| {
            *d = templates::connectum_gateway();
            let rule = &mut api(d).exposure.gateway_route.as_mut().unwrap().rules[0];
            for (service, weight) in [("", 9), ("order-service-next", 1)] {
                rule.backends.push(RouteBackend {
                    service: service.into(),
                    port: "5000".into(),
                    weight,
                });
            }
        }),
        // The same canary without its route.
        ("KP237", |d| {
            *d = templates::connectum_gateway();
            api(d).exposure.gateway_route = None;
        }),
        // The Gateway moved to a namespace of its own, admitting only its own routes.
        ("KP346", |d| {
            *d = templates::connectum_gateway();
            for e in &mut d.environments {
                if let Some(g) = &mut e.gateway {
                    g.namespace = Some("edge".into());
                }
            }
        }),
        ("KP118", |d| {
            api(d).timing.app_shutdown_seconds = 10;
            (api(d).config.env).push(EnvVar::literal("GRACEFUL_SHUTDOWN_TIMEOUT_MS", "30000"));
        }),
        ("KP117", |d| {
            let mut c = sidecar(0);
            c.needed_at_start = true;
            api(d).containers.push(c);
        }),
        ("KP330", |d| {
            api(d).mounts.push(Mount {
                volume: "nowhere".into(),
                path: "/nowhere".into(),
                ..Mount::default()
            })
        }),
        ("KP331", |d| {
            let mut c = sidecar(0);
            c.name = api(d).container().to_string();
            api(d).containers.push(c);
        }),
        ("KP332", |d| {
            let mut c = sidecar(0);
            c.ports = api(d).ports.clone();
            api(d).containers.push(c);
        }),
        ("KP808", |d| {
            let s = api(d);
            s.kind = WorkloadKind::CronJob;
            s.cron.starting_deadline_seconds = Some(5);
        }),
        ("KP230", |d| {
            let s = api(d);
            s.kind = WorkloadKind::StatefulSet;
            s.delivery.strategy = UpdateStrategy::Canary;
        }),
        ("KP231", |d| {
            canary(api(d)).delivery.steps[0] = CanaryStep::SetWeight { weight: 5 }
        }),
        ("KP232", |d| {
            canary(api(d)).delivery.progress_deadline_abort = false
        }),
        ("KP233", |d| {
            canary(api(d))
                .delivery
                .steps
                .push(CanaryStep::Pause { seconds: None })
        }),
        ("KP234", |d| {
            let s = canary(api(d));
            s.metrics = Some(Metrics::new(PortRef::Name("http".into()), "/metrics"));
            s.delivery.analysis = Some(Analysis {
                count: 30,
                ..Analysis::default()
            });
        }),
        ("KP235", |d| {
            canary(api(d)).delivery.scale_down_delay_seconds = Some(60)
        }),
        ("KP236", |d| {
            canary(api(d)).delivery.steps.push(CanaryStep::Analysis)
        }),
        ("KP350", |d| {
            canary(api(d)).delivery.analysis = Some(Analysis::default())
        }),
        ("KP352", |d| {
            d.extra_objects.push(KeptObject(serde_json::json!({
                "apiVersion": "monitoring.coreos.com/v1",
                "kind": "ServiceMonitor",
                "metadata": {"name": "order-service"},
                "spec": {
                    "selector": {"matchLabels": {"app.kubernetes.io/name": "order-service"}},
                    "endpoints": [{"port": "metrics"}],
                },
            })))
        }),
        ("KP354", |d| {
            d.cluster.monitoring_namespace = None;
            for e in &mut d.environments {
                e.default_deny = true;
            }
            let metrics = kubeprint_core::presets::metrics(api(d));
            api(d).metrics = Some(metrics);
        }),
        // order-service made public, and a copy of its own Ingress kept whole under
        // another name.
        ("KP721", |d| {
            let s = api(d);
            s.exposure.ingress = Some(IngressRoute {
                host: "orders.example.com".into(),
                path: "/".into(),
                port: s.exposure.ports[0].name.clone(),
                tls: false,
                tls_secret: None,
            });
            let env = d.environments[0].name.clone();
            let mut copy = render(d, &env)
                .objects
                .iter()
                .find(|o| o.kind() == "Ingress")
                .expect("an Ingress")
                .to_json();
            copy["metadata"]["name"] = serde_json::json!("legacy");
            copy["metadata"]
                .as_object_mut()
                .unwrap()
                .remove("namespace");
            d.extra_objects.push(KeptObject(copy));
        }),
        // A policy kept whole that lets in a port order-service does not declare.
        ("KP722", |d| {
            let name = api(d).name.clone();
            d.extra_objects.push(KeptObject(serde_json::json!({
                "apiVersion": "networking.k8s.io/v1",
                "kind": "NetworkPolicy",
                "metadata": {"name": "legacy-allow"},
                "spec": {
                    "podSelector": {"matchLabels": {"app.kubernetes.io/name": name}},
                    "policyTypes": ["Ingress"],
                    "ingress": [{"ports": [{"port": 1}, {"port": "gone"}]}],
                },
            })))
        }),
        // A Deployment whose kind is misspelt.
        ("KP724", |d| {
            d.extra_objects.push(KeptObject(serde_json::json!({
                "apiVersion": "apps/v1",
                "kind": "Deploymnet",
                "metadata": {"name": "legacy"},
            })))
        }),
        // A Service kept whole whose port is a word.
        ("KP723", |d| {
            d.extra_objects.push(KeptObject(serde_json::json!({
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {"name": "legacy"},
                "spec": {"ports": [{"port": "eighty"}]},
            })))
        }),
        ("KP720", |d| {
            d.extra_objects.push(KeptObject(serde_json::json!({
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "debug"},
                "spec": {"containers": [{
                    "name": "shell",
                    "image": "busybox:1.36.1",
                    "envFrom": [{"secretRef": {"name": "nowhere"}}],
                }]},
            })))
        }),
    ]
}

/// `s` as a canary of its steps by default, aborting at the deadline.
fn canary(s: &mut Service) -> &mut Service {
    s.delivery.strategy = UpdateStrategy::Canary;
    s.delivery.progress_deadline_abort = true;
    s
}

/// A native sidecar that takes `shutdown` seconds to stop.
fn sidecar(shutdown: u32) -> Container {
    Container {
        name: "proxy".into(),
        role: ContainerRole::Sidecar,
        image: "ghcr.io/acme/proxy".into(),
        tag: "2.1.0".into(),
        shutdown_seconds: shutdown,
        ..Container::default()
    }
}

#[test]
fn each_provocation_fires_its_rule() {
    for (code, provoke) in provocations() {
        let mut d = templates::connectum();
        provoke(&mut d);
        let fired = d
            .environments
            .iter()
            .flat_map(|e| validate(&d, &e.name))
            .any(|f| f.code == code);
        assert!(fired, "{code} fires");
    }
}

#[test]
fn every_path_of_every_template_resolves_in_every_environment() {
    for t in templates::ALL {
        let d = (t.build)();
        let (findings, problems) = check(&d);
        assert!(problems.is_empty(), "{}:\n{}", t.name, problems.join("\n"));
        // The empty design has nothing to find, and Kubeprint's own deployment is clean
        // by design (tested in rules).
        if !["empty", "kubeprint"].contains(&t.name) {
            assert!(!findings.is_empty(), "{} has findings to check", t.name);
        }
    }
}

#[test]
fn every_path_of_an_imported_or_provoked_design_resolves() {
    for (name, d) in corpus(false) {
        let (_, problems) = check(&d);
        assert!(problems.is_empty(), "{name}:\n{}", problems.join("\n"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    #[test]
    fn every_path_of_a_random_design_resolves(d in design()) {
        let (_, problems) = check(&d);
        prop_assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

/// The catalog, walked: each rule fires somewhere in the corpus, so the laws above
/// have checked its paths; and wherever it fires, its paths resolve.
#[test]
fn every_rule_of_the_catalog_points_at_fields_that_exist() {
    let mut seen = BTreeSet::new();
    let mut problems = Vec::new();
    for (name, d) in corpus(true) {
        let (findings, bad) = check(&d);
        seen.extend(findings.iter().map(|f| f.code));
        problems.extend(bad.into_iter().map(|p| format!("{name}: {p}")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let never: Vec<_> = RULES
        .iter()
        .filter(|r| !seen.contains(r.code))
        .map(|r| format!("{} {}", r.code, r.name))
        .collect();
    assert!(never.is_empty(), "rules that never fired: {never:?}");
}

/// The check itself catches a path that names nothing.
#[test]
fn a_misspelt_finding_path_is_caught() {
    let d = templates::connectum();
    let mut findings = validate(&d, "prod");
    let f = findings
        .first_mut()
        .expect("connectum has findings in prod");
    f.path.pointer.push_str("_typo");
    f.fix = None;
    let problems = unresolved(&d, &findings[..1]);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("there is no field"), "{}", problems[0]);
}
