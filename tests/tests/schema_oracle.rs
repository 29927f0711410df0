//! Every rendered document of every template in every environment passes the official
//! OpenAPI schema (kubernetes-validate --strict) of the design's target version and of
//! the oldest version Kubeprint supports; custom resources (Gateway API, Argo Rollouts,
//! Prometheus Operator, ...) pass their
//! CRD schemas instead (`kubeprint_tests::validate_manifests` sends each document to the
//! oracle that knows its kind).

use kubeprint_core::{render, templates, KubeVersion};
use kubeprint_tests::validate_manifests;
use std::path::{Path, PathBuf};

fn out_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeprint-oracle-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run the oracles on files for one Kubernetes version; return (success, output).
fn validate(version: &str, files: &[PathBuf]) -> (bool, String) {
    validate_manifests(version, files)
}

/// Each of `kinds` reached the custom resource validators (their summary counts the
/// valid documents per kind), rather than being skipped.
fn assert_validated(out: &str, kinds: &[&str]) {
    for kind in kinds {
        assert!(
            out.contains(&format!("\"{kind}\":")),
            "{kind} reached its validator:\n{out}"
        );
    }
}

/// The oracles accept file `f` for the design's target version and the oldest supported.
fn assert_valid_for(target: KubeVersion, f: &Path) {
    for v in [target, KubeVersion::V1_33] {
        let (ok, out) = validate(v.as_str(), &[f.to_path_buf()]);
        assert!(
            ok,
            "schema {} rejects a rendered document:\n{out}",
            v.as_str()
        );
    }
}

fn write(dir: &Path, name: &str, yaml: &str) -> PathBuf {
    let f = dir.join(name);
    std::fs::write(&f, yaml).unwrap();
    f
}

#[test]
fn every_template_renders_schema_valid_manifests() {
    let dir = out_dir("templates");
    let mut by_version: std::collections::BTreeMap<&str, Vec<PathBuf>> = Default::default();
    let mut documents = 0;
    for t in templates::ALL {
        let design = (t.build)();
        for env in &design.environments {
            let bundle = render(&design, &env.name);
            documents += bundle.objects.len();
            let name = format!("{}-{}", t.name, env.name);
            let f = write(&dir, &format!("{name}.yaml"), &bundle.to_yaml());
            for v in [design.target, KubeVersion::V1_33] {
                by_version.entry(v.as_str()).or_default().push(f.clone());
            }
        }
    }
    assert!(
        documents > 100,
        "the templates render {documents} documents"
    );
    for (version, files) in by_version {
        let (ok, out) = validate(version, &files);
        assert!(ok, "schema {version} rejects a rendered document:\n{out}");
        // connectum-gateway's Gateways and GRPCRoutes and miniredis's canaries and
        // monitors were checked, not skipped.
        assert_validated(
            &out,
            &[
                "Gateway",
                "GRPCRoute",
                "Rollout",
                "AnalysisTemplate",
                "ServiceMonitor",
            ],
        );
    }
}

/// Every kind of custom resource Kubeprint writes, with every part of it the model sets
/// (inline and background analysis, a manual pause, the deadline abort, a PodMonitor by
/// port name and one by number, every alert), passes its CRD's schema.
#[test]
fn every_custom_resource_kind_is_valid_for_its_crd() {
    use kubeprint_core::model::*;
    let mut design = templates::miniredis();
    let prod = design.environment("prod").unwrap().clone();
    for s in &mut design.services {
        match s.name.as_str() {
            "api-gateway" => {
                s.delivery.steps.insert(2, CanaryStep::Analysis);
                s.delivery.steps.push(CanaryStep::Pause { seconds: None });
            }
            // Metrics on a port its Service does not reach: a PodMonitor by name.
            "node-manager" => {
                s.ports.push(ContainerPort {
                    name: "metrics".into(),
                    port: 9100,
                    protocol: Protocol::TCP,
                });
                s.metrics = Some(Metrics::new(PortRef::Name("metrics".into()), "/metrics"));
            }
            // An unnamed metrics port: a PodMonitor by number.
            "auth-service" => {
                s.ports.push(ContainerPort {
                    name: String::new(),
                    port: 9200,
                    protocol: Protocol::TCP,
                });
                s.metrics = Some(Metrics::new(PortRef::Number(9200), "/stats"));
            }
            _ => {}
        }
    }
    assert_eq!(prod.monitoring.scraping, Scraping::Operator);
    let bundle = render(&design, "prod");
    let kinds: std::collections::BTreeSet<&str> = bundle.objects.iter().map(|o| o.kind()).collect();
    for k in [
        "Rollout",
        "AnalysisTemplate",
        "ServiceMonitor",
        "PodMonitor",
        "PrometheusRule",
    ] {
        assert!(kinds.contains(k), "{k} is rendered: {kinds:?}");
    }
    let dir = out_dir("custom");
    let (ok, out) = validate("1.33", &[write(&dir, "prod.yaml", &bundle.to_yaml())]);
    assert!(ok, "a schema rejects a rendered document:\n{out}");
    assert_validated(
        &out,
        &[
            "Rollout",
            "AnalysisTemplate",
            "ServiceMonitor",
            "PodMonitor",
            "PrometheusRule",
        ],
    );
}

/// A Gateway and an HTTPRoute or GRPCRoute of every shape the model writes: every
/// listener protocol and allowedRoutes choice, a Gateway in its own namespace, path and
/// method matches, weighted backends to two services, timeouts, TLS by cert-manager; in
/// every environment, with default-deny on (the policies that let the proxies in).
#[test]
fn every_gateway_api_shape_passes_the_crd_schemas() {
    use kubeprint_core::model::*;
    let mut design = templates::connectum_gateway();
    let admits = [
        AdmitRoutes::Same,
        AdmitRoutes::Environment,
        AdmitRoutes::All,
    ];
    for (i, e) in design.environments.iter_mut().enumerate() {
        e.default_deny = true;
        if let Some(g) = &mut e.gateway {
            g.admit = admits[i % 3];
            if g.admit != AdmitRoutes::Same {
                g.namespace = Some("edge".into());
            }
            g.listeners[1].certificate_secret = "api-tls".into();
        }
    }
    // The collector in prod too, behind an HTTPRoute with every HTTP rule shape.
    let collector = design.services[1].id;
    design.environments[2].overrides.remove(&collector);
    let otel = &mut design.services[1];
    otel.exposure.gateway_route = Some(GatewayRoute {
        hostnames: vec!["otlp.connectum.example.com".into()],
        port: "otlp-http".into(),
        listener: String::new(),
        rules: vec![
            RouteRule {
                matches: vec![
                    RouteMatch::Path {
                        kind: PathMatchKind::PathPrefix,
                        value: "/v1".into(),
                    },
                    RouteMatch::Path {
                        kind: PathMatchKind::Exact,
                        value: "/v1/traces".into(),
                    },
                ],
                backends: vec![
                    RouteBackend {
                        service: String::new(),
                        port: "otlp-http".into(),
                        weight: 3,
                    },
                    RouteBackend {
                        service: "order-service".into(),
                        port: "grpc".into(),
                        weight: 1,
                    },
                ],
                request_timeout: Some("30s".into()),
                backend_request_timeout: Some("1m".into()),
            },
            RouteRule::default(),
        ],
    });
    let route = design.services[0].exposure.gateway_route.as_mut().unwrap();
    route.hostnames = vec!["api.connectum.example.com".into()];
    route.rules[0].matches.push(RouteMatch::Method {
        service: "mycompany.orders.v1.OrderService".into(),
        method: "GetOrder".into(),
    });
    let dir = out_dir("gateway");
    let mut files = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for env in &design.environments {
        let bundle = render(&design, &env.name);
        kinds.extend(bundle.objects.iter().map(|o| o.kind().to_string()));
        files.push(write(
            &dir,
            &format!("{}.yaml", env.name),
            &bundle.to_yaml(),
        ));
    }
    for k in ["Gateway", "HTTPRoute", "GRPCRoute", "NetworkPolicy"] {
        assert!(kinds.contains(k), "{k} is rendered: {kinds:?}");
    }
    for v in [design.target, KubeVersion::V1_33] {
        let (ok, out) = validate(v.as_str(), &files);
        assert!(ok, "a Gateway API object fails its schema:\n{out}");
    }
}

/// The shared helper fails a custom resource its CRD rejects, and a kind no oracle
/// knows: without this, routing documents by group could skip them unseen.
#[test]
fn the_manifest_oracle_rejects_a_bad_route_and_an_unknown_kind() {
    let dir = out_dir("routing");
    let bad = write(
        &dir,
        "bad-route.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: web\nspec:\n  rules:\n  - backendRefs:\n    - name: web\n      port: http\n",
    );
    let (ok, out) = validate("1.33", &[bad]);
    assert!(!ok && out.contains("port must be integer"), "{out}");
    let unknown = write(
        &dir,
        "unknown.yaml",
        "apiVersion: gateway.envoyproxy.io/v1alpha1\nkind: EnvoyProxy\nmetadata:\n  name: edge\nspec: {}\n",
    );
    let (ok, out) = validate("1.33", &[unknown]);
    assert!(!ok, "a kind no oracle knows passed:\n{out}");
}

#[test]
fn the_oracle_really_rejects_an_invalid_document() {
    // Without this, a broken oracle install that accepts everything would pass above.
    let dir = out_dir("negative");
    let bad = write(
        &dir,
        "bad.yaml",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\nspec:\n  replicas: three\n  selector: {}\n  template: {}\n",
    );
    let (ok, out) = validate("1.33", &[bad]);
    assert!(!ok, "the oracle accepted `replicas: three`:\n{out}");
}

/// A pod with a container of every role (init, native sidecar with its own port and
/// startup probe, regular) and a volume of every kind, each mounted, as the inspector's
/// presets make them: its manifests pass the schema too.
#[test]
fn a_pod_of_every_container_role_and_volume_kind_is_schema_valid() {
    use kubeprint_core::model::*;
    use kubeprint_core::presets;
    let mut design = templates::connectum();
    let sources = presets::volume_sources(&design);
    let s = &mut design.services[0];
    for (_, role) in presets::CONTAINER_ROLES {
        let mut c = presets::container(s, role);
        let n = s.containers.len();
        s.containers.push(c.clone());
        let port = presets::extra_container_port(s, n);
        c.ports.push(port.clone());
        if role == ContainerRole::Sidecar {
            c.probes.startup = Some(presets::sidecar_startup_probe(ProbeAction::Tcp {
                port: PortRef::Name(port.name),
            }));
            c.needed_at_start = true;
        }
        s.containers[n] = c;
    }
    for (_, mut source) in sources {
        if let VolumeSource::EmptyDir { memory, .. } = &mut source {
            *memory = true;
        }
        let mut v = presets::pod_volume(s);
        v.source = source;
        s.volumes.push(v);
        let mut m = presets::mount(s);
        m.volume = s.volumes.last().unwrap().name.clone();
        m.path = format!("/mnt/{}", m.volume);
        m.read_only = true;
        s.mounts.push(m.clone());
        s.containers[1].mounts.push(m);
    }
    let dir = out_dir("pods");
    let yaml = render(&design, "prod").to_yaml();
    assert!(yaml.contains("restartPolicy: Always") && yaml.contains("medium: Memory"));
    let f = write(&dir, "pods.yaml", &yaml);
    assert_valid_for(design.target, &f);
}

/// Egress outside the cluster in every form the model writes (anywhere in IPv4, a
/// subnet, an IPv6 block) is a schema-valid allow policy.
#[test]
fn egress_outside_the_cluster_is_schema_valid() {
    use kubeprint_core::model::*;
    let mut design = templates::connectum();
    design
        .environments
        .iter_mut()
        .for_each(|e| e.default_deny = true);
    design.services[0].egress = vec![
        ExternalEgress::default(),
        ExternalEgress {
            to: "orders-db".into(),
            cidr: "10.20.0.0/16".into(),
            port: 5432,
            ..ExternalEgress::default()
        },
        ExternalEgress {
            to: "ipv6 api".into(),
            cidr: "2001:db8::/32".into(),
            port: 8443,
            ..ExternalEgress::default()
        },
        ExternalEgress {
            to: "hooks.slack.com".into(),
            except: vec!["10.0.0.0/8".into(), "172.16.0.0/12".into()],
            ..ExternalEgress::default()
        },
    ];
    let dir = out_dir("egress");
    let yaml = render(&design, "prod").to_yaml();
    assert!(
        yaml.contains("cidr: 2001:db8::/32")
            && yaml.contains("port: 8443")
            && yaml.contains("except:\n        - 10.0.0.0/8\n        - 172.16.0.0/12"),
        "{yaml}"
    );
    let f = write(&dir, "egress.yaml", &yaml);
    assert_valid_for(design.target, &f);
}

/// Every workload kind with every Job and CronJob setting and pods of several containers
/// and volumes: the golden `workloads` design (core/tests/links/) renders schema-valid
/// DaemonSets, Jobs and CronJobs in every environment.
#[test]
fn every_workload_kind_is_schema_valid() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/links/workloads.json");
    let text = std::fs::read_to_string(&path).expect("the golden workloads design");
    let design = kubeprint_core::file::from_json(&text).expect("it opens");
    let dir = out_dir("kinds");
    let mut files = Vec::new();
    let mut kinds = std::collections::BTreeSet::new();
    for env in &design.environments {
        let bundle = render(&design, &env.name);
        kinds.extend(bundle.objects.iter().map(|o| o.kind().to_string()));
        files.push(write(
            &dir,
            &format!("{}.yaml", env.name),
            &bundle.to_yaml(),
        ));
    }
    for k in ["Deployment", "DaemonSet", "Job", "CronJob"] {
        assert!(kinds.contains(k), "{k} is rendered: {kinds:?}");
    }
    for v in [design.target, KubeVersion::V1_33] {
        let (ok, out) = validate(v.as_str(), &files);
        assert!(
            ok,
            "schema {} rejects a rendered workload:\n{out}",
            v.as_str()
        );
    }
}
