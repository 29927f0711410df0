//! Every rendered document of every template in every environment passes the official
//! OpenAPI schema (kubernetes-validate --strict) of the design's target version and of
//! the oldest version Kubeprint supports; every custom resource among them (Argo
//! Rollouts, Prometheus Operator, ...) passes its CRD's schema instead
//! (`validate_custom_resources`).

use kubeprint_core::{render, templates, KubeVersion};
use kubeprint_tests::{kubernetes_validate, split_custom_resources, validate_custom_resources};
use std::path::{Path, PathBuf};
use std::process::Command;

fn out_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeprint-oracle-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run the oracle on files for one Kubernetes version; return (success, output).
fn validate(version: &str, files: &[PathBuf]) -> (bool, String) {
    let out = Command::new(kubernetes_validate())
        .args(["--strict", "--quiet", "-k", &format!("{version}.0")])
        .args(files)
        .output()
        .expect("kubernetes-validate runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
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
    let mut custom = Vec::new();
    for t in templates::ALL {
        let design = (t.build)();
        for env in &design.environments {
            let bundle = render(&design, &env.name);
            documents += bundle.objects.len();
            let (builtin, crs) = split_custom_resources(&bundle.to_yaml());
            let name = format!("{}-{}", t.name, env.name);
            let f = write(&dir, &format!("{name}.yaml"), &builtin);
            for v in [design.target, KubeVersion::V1_33] {
                by_version.entry(v.as_str()).or_default().push(f.clone());
            }
            if !crs.is_empty() {
                custom.push(write(&dir, &format!("{name}-custom.yaml"), &crs));
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
    }
    assert!(!custom.is_empty(), "miniredis's prod has custom resources");
    let (ok, out) = validate_custom_resources(&custom);
    assert!(
        ok,
        "a CRD schema rejects a rendered custom resource:\n{out}"
    );
    assert!(out.contains(", 0 invalid, 0 other"), "{out}");
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
    let (builtin, crs) = split_custom_resources(&bundle.to_yaml());
    let (ok, out) = validate_custom_resources(&[write(&dir, "custom.yaml", &crs)]);
    assert!(
        ok,
        "a CRD schema rejects a rendered custom resource:\n{out}"
    );
    assert!(out.contains("custom resources: "), "{out}");
    assert!(!out.contains(" 0 valid"), "{out}");
    let (ok, out) = validate("1.33", &[write(&dir, "builtin.yaml", &builtin)]);
    assert!(ok, "schema 1.33 rejects a rendered document:\n{out}");
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
    for v in [design.target, KubeVersion::V1_33] {
        let (ok, out) = validate(v.as_str(), std::slice::from_ref(&f));
        assert!(
            ok,
            "schema {} rejects a rendered document:\n{out}",
            v.as_str()
        );
    }
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
