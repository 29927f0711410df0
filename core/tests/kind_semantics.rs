//! What each workload kind makes of settings another kind uses: a release's image tag
//! reaches the containers that run the app's image, a DaemonSet gets neither a PDB nor a
//! spread, per-pod claims exist only on a StatefulSet, a Job's pod template carries no
//! config checksum (it is immutable), and an imported DaemonSet reads the API server's
//! rollout defaults.

use kubeprint_core::model::*;
use kubeprint_core::render::Object;
use kubeprint_core::{import, render, rules, templates};
use serde_json::Value;

/// The rendered objects of `d` in environment `env`, as JSON.
fn objects(d: &Design, env: &str) -> Vec<Value> {
    render(d, env).objects.iter().map(Object::to_json).collect()
}

fn kinds(d: &Design, env: &str) -> Vec<String> {
    objects(d, env)
        .iter()
        .map(|o| o["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn pod(o: &Value) -> &Value {
    match o["kind"].as_str() {
        Some("CronJob") => &o["spec"]["jobTemplate"]["spec"]["template"],
        _ => &o["spec"]["template"],
    }
}

#[test]
fn a_release_tag_reaches_the_containers_that_run_the_apps_image() {
    let mut d = templates::framework_m();
    let id = d.services[0].id;
    let base_tag = d.services[0].tag.clone();
    d.services[0].containers.push(Container {
        name: "proxy".into(),
        image: "envoyproxy/envoy".into(),
        tag: "v1.31.0".into(),
        ..Container::default()
    });
    let prod = d
        .environments
        .iter_mut()
        .find(|e| e.name == "prod")
        .unwrap();
    prod.overrides.entry(id).or_default().image_tag = Some("2.0.0".into());
    let prod = d.environment("prod").unwrap().clone();
    let s = effective(&d.services[0], &prod);
    assert_eq!(s.tag, "2.0.0");
    let migrate = s.containers.iter().find(|c| c.name == "migrate").unwrap();
    assert_eq!(migrate.tag, "2.0.0", "migrations run the released version");
    let proxy = s.containers.iter().find(|c| c.name == "proxy").unwrap();
    assert_eq!(proxy.tag, "v1.31.0", "another image keeps its own tag");
    // Where the environment does not override the tag, all stay at the base.
    let dev = d.environment("dev").unwrap().clone();
    let s = effective(&d.services[0], &dev);
    assert!(s
        .containers
        .iter()
        .all(|c| c.name == "proxy" || c.tag == base_tag));
}

#[test]
fn a_daemonset_gets_no_pdb_and_no_spread_and_says_so() {
    let mut d = templates::connectum();
    let s = d
        .services
        .iter_mut()
        .find(|s| s.name == "order-service")
        .unwrap();
    s.kind = WorkloadKind::DaemonSet;
    s.scaling.hpa = None;
    s.scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Count(1)));
    s.scaling.spread = Spread::TopologySpread {
        max_skew: 1,
        topology_key: "topology.kubernetes.io/zone".into(),
        hard: true,
    };
    s.scaling.max_surge = Amount::Count(0);
    s.scaling.max_unavailable = Amount::Count(1);
    let name = s.name.clone();
    assert!(!kinds(&d, "prod").contains(&"PodDisruptionBudget".to_string()));
    let ds = objects(&d, "prod")
        .into_iter()
        .find(|o| o["kind"] == "DaemonSet" && o["metadata"]["name"] == name.as_str())
        .expect("the DaemonSet");
    assert!(pod(&ds)["spec"].get("topologySpreadConstraints").is_none());
    let codes: Vec<String> = rules::validate(&d, "prod")
        .into_iter()
        .map(|f| f.code.to_string())
        .collect();
    assert!(codes.contains(&"KP811".to_string()), "{codes:?}");
}

#[test]
fn per_pod_claims_exist_only_on_a_statefulset() {
    let mut d = templates::miniredis();
    let i = d
        .services
        .iter()
        .position(|s| s.kind == WorkloadKind::StatefulSet && !s.storage.is_empty())
        .expect("a StatefulSet with storage");
    let name = d.services[i].name.clone();
    let claim = d.services[i].storage[0].name.clone();
    let mounted = |d: &Design| {
        objects(d, "prod")
            .iter()
            .filter(|o| o["metadata"]["name"] == name.as_str())
            .flat_map(|o| {
                pod(o)["spec"]["containers"][0]["volumeMounts"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .any(|m| m["name"] == claim.as_str())
    };
    assert!(mounted(&d));
    d.services[i].kind = WorkloadKind::Deployment;
    assert!(
        !mounted(&d),
        "a Deployment has no volumeClaimTemplates: mounting the claim would be refused"
    );
}

#[test]
fn a_jobs_pod_template_has_no_config_checksum() {
    let mut d = templates::connectum();
    let i = d
        .services
        .iter()
        .position(|s| s.name == "order-service")
        .unwrap();
    let name = d.services[i].name.clone();
    let checksum = |d: &Design| {
        objects(d, "prod")
            .iter()
            .find(|o| {
                o["metadata"]["name"] == name.as_str()
                    && ["Deployment", "Job", "CronJob"].contains(&o["kind"].as_str().unwrap_or(""))
            })
            .map(|o| pod(o)["metadata"]["annotations"]["checksum/config"].clone())
            .unwrap_or(Value::Null)
    };
    assert!(
        checksum(&d).is_string(),
        "a Deployment rolls on config changes"
    );
    for kind in [WorkloadKind::Job, WorkloadKind::CronJob] {
        d.services[i].kind = kind;
        assert!(
            checksum(&d).is_null(),
            "{kind:?}: a Job's template is immutable"
        );
    }
}

#[test]
fn an_imported_daemonset_reads_the_api_servers_rollout_defaults() {
    let yaml = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: node-exporter\nspec:\n  selector:\n    matchLabels:\n      app: node-exporter\n  template:\n    metadata:\n      labels:\n        app: node-exporter\n    spec:\n      containers:\n      - name: node-exporter\n        image: quay.io/prometheus/node-exporter:v1.8.2\n        resources:\n          requests:\n            cpu: 50m\n            memory: 64Mi\n";
    let d = import::kubernetes(yaml).design;
    let s = &d.services[0];
    assert_eq!(s.kind, WorkloadKind::DaemonSet);
    assert_eq!(
        (s.scaling.max_surge, s.scaling.max_unavailable),
        (Amount::Count(0), Amount::Count(1))
    );
    // And the export is the input again.
    let out = render(&d, &d.environments[0].name).to_yaml();
    assert!(!out.contains("updateStrategy"), "{out}");
}

#[test]
fn a_sidecar_made_a_plain_init_container_drops_what_only_sidecars_may_have() {
    let yaml = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      initContainers:\n      - name: log-agent\n        image: fluent/fluent-bit:3.1\n        restartPolicy: Always\n        lifecycle:\n          preStop:\n            exec:\n              command: [\"/bin/sh\", \"-c\", \"sleep 5\"]\n      containers:\n      - name: api\n        image: ghcr.io/acme/api:1.4.2\n";
    let mut d = import::kubernetes(yaml).design;
    let env = d.environments[0].name.clone();
    let init = |d: &Design| {
        objects(d, &env)
            .into_iter()
            .find(|o| o["kind"] == "Deployment")
            .map(|o| o["spec"]["template"]["spec"]["initContainers"][0].clone())
            .unwrap_or(Value::Null)
    };
    // Imported as it was: the sidecar keeps its preStop hook (a detail kept from the
    // input).
    assert_eq!(init(&d)["restartPolicy"], "Always");
    assert!(init(&d)["lifecycle"]["preStop"].is_object());
    let id = d.services[0].id;
    d.apply(kubeprint_core::Edit::Set {
        path: kubeprint_core::FieldPath::service(id, "/containers/0/role"),
        value: serde_json::json!("init"),
    })
    .unwrap();
    let c = init(&d);
    assert!(c.get("restartPolicy").is_none(), "{c}");
    assert!(
        c.get("lifecycle").is_none(),
        "the API server refuses lifecycle on a plain init container: {c}"
    );
}
