//! Importing one system rendered for several environments as one design with one
//! environment each (`import::environments`): what an override can say is merged, and
//! every object whose rendering would differ from its environment's input is reported.

use kubeprint_core::import::{self, EnvironmentsImport};
use kubeprint_core::render::Object;
use kubeprint_core::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn two_envs(file: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/two-envs");
    std::fs::read_to_string(format!("{dir}/{file}")).unwrap()
}

/// What identifies an object: kind, namespace, name.
type Key = (String, String, String);

fn key(v: &Value) -> Key {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (
        s(&v["kind"]),
        s(&v["metadata"]["namespace"]),
        s(&v["metadata"]["name"]),
    )
}

/// Secret values never enter a design: compare Secrets without them.
fn without_secret_values(mut v: Value) -> Value {
    kubeprint_core::render::without_secret_values(&mut v);
    v
}

/// The input as a typed client holds it, by key.
fn input(text: &str) -> BTreeMap<Key, Value> {
    let docs = yaml::parse_documents(text).expect("the input parses");
    docs.into_iter()
        .filter(|d| !d.is_null())
        .map(|d| {
            let v: Value = serde_json::to_value(&d).unwrap();
            let v = Object::from_json(v.clone()).map_or(v, |o| o.to_json());
            let v = without_secret_values(v);
            (key(&v), v)
        })
        .collect()
}

fn rendered(design: &Design, env: &str) -> BTreeMap<Key, Value> {
    render(design, env)
        .objects
        .iter()
        .map(|o| {
            let v = without_secret_values(o.to_json());
            (key(&v), v)
        })
        .collect()
}

/// (kind, name) of everything reported as not merged for `env`.
/// What environment `env`'s report says was merged as its settings.
fn merged<'r>(r: &'r EnvironmentsImport, env: &str) -> &'r [String] {
    let report = r.environments.iter().find(|e| e.environment == env);
    &report.unwrap().merged
}

/// Each environment of `inputs` (name, its input) has nothing unmerged, and renders
/// exactly its input from the design after a link round trip, which is returned.
fn each_renders_its_input_after_a_link(r: &EnvironmentsImport, inputs: &[(&str, &str)]) -> Design {
    let d = link::decode(&link::encode(&r.design)).unwrap();
    for (env, text) in inputs {
        assert!(
            not_merged(r, env).is_empty(),
            "{env}: {:?}",
            not_merged(r, env)
        );
        assert_eq!(rendered(&d, env), input(text), "{env}, after a link");
    }
    d
}

fn not_merged(r: &EnvironmentsImport, env: &str) -> BTreeSet<(String, String)> {
    let report = r
        .environments
        .iter()
        .find(|e| e.environment == env)
        .unwrap();
    report
        .not_merged
        .iter()
        .map(|n| (n.kind.clone(), n.name.clone()))
        .collect()
}

/// Rendering `env` gives back its input for every object not reported, and every
/// reported object does differ (missing, added or changed).
fn assert_round_trip_except_reported(r: &EnvironmentsImport, env: &str, text: &str) {
    let want = input(text);
    let got = rendered(&r.design, env);
    let reported = not_merged(r, env);
    let is_reported = |k: &Key| reported.contains(&(k.0.clone(), k.2.clone()));
    for (k, v) in &want {
        if !is_reported(k) {
            assert_eq!(
                got.get(k),
                Some(v),
                "{env}: {k:?} is not reported, so it comes back"
            );
        }
    }
    for k in got.keys() {
        if !want.contains_key(k) {
            assert!(
                is_reported(k) || reported.iter().any(|(kind, _)| *kind == k.0),
                "{env}: the rendering adds {k:?} without a report"
            );
        }
    }
    for (kind, name) in &reported {
        let same = want
            .iter()
            .filter(|(k, _)| k.0 == *kind && k.2 == *name)
            .all(|(k, v)| got.get(k) == Some(v));
        let in_input = want.keys().any(|k| k.0 == *kind && k.2 == *name);
        assert!(
            !(same && in_input),
            "{env}: {kind} `{name}` is reported but comes back exactly"
        );
    }
}

#[test]
fn staging_and_prod_become_one_design_with_two_environments() {
    let (staging, prod) = (two_envs("staging.yaml"), two_envs("prod.yaml"));
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    let envs: Vec<_> = r
        .design
        .environments
        .iter()
        .map(|e| (e.name.as_str(), e.namespace.as_str(), e.tier))
        .collect();
    assert_eq!(
        envs,
        [
            ("staging", "parcel-staging", Tier::Staging),
            ("prod", "parcel-prod", Tier::Prod)
        ]
    );
    let names: Vec<_> = r.design.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["api", "web", "worker"]);

    // What an override can say became prod's overrides.
    let prod_env = r.design.environment("prod").unwrap();
    let api = r.design.service_named("api").unwrap();
    let o = &prod_env.overrides[&api.id];
    assert_eq!(o.replicas, Some(3));
    assert_eq!(o.image_tag.as_deref(), Some("1.7.3"));
    let res = o.resources.as_ref().unwrap();
    assert_eq!(res.cpu_limit.as_deref(), Some("1"));
    assert_eq!(res.memory_limit.as_deref(), Some("768Mi"));
    let worker = r.design.service_named("worker").unwrap();
    assert_eq!(prod_env.overrides[&worker.id].replicas, Some(2));
    // The HPA only prod has is the api's, switched off in staging: staging's only
    // override.
    let staging_env = r.design.environment("staging").unwrap();
    assert_eq!(
        staging_env.overrides,
        BTreeMap::from([(
            api.id,
            Override {
                hpa: Some(false),
                ..Override::default()
            }
        )])
    );

    assert_round_trip_except_reported(&r, "staging", &staging);
    assert_round_trip_except_reported(&r, "prod", &prod);

    // The report lists exactly what was not merged.
    assert!(
        not_merged(&r, "staging").is_empty(),
        "{:#?}",
        r.environments[0].not_merged
    );
    let s = |k: &str, n: &str| (k.to_string(), n.to_string());
    assert_eq!(
        not_merged(&r, "prod"),
        BTreeSet::from([
            // Hash-suffixed generated ConfigMap: another suffix and other values.
            s("ConfigMap", "parcel-config-b7c9fm2kt6"),
            // The `env` label (commonLabels, also in selectors), the ConfigMap
            // reference. (Not the Services: the version label the input left out stays
            // out with prod's own tag.)
            s("Deployment", "api"),
            s("Deployment", "web"),
            s("Deployment", "worker"),
        ])
    );
    // The HPA only prod has is the api's own HPA, edited and checked as the service's,
    // not an object kept whole; it renders in prod exactly as the input wrote it (the
    // round trip above), in no other environment, and the report says so.
    let prod_report = &r.environments[1];
    assert!(
        prod_report.merged.contains(
            &"api: an HPA first found here, the service's now; no HPA in `staging`".to_string()
        ),
        "{:?}",
        prod_report.merged
    );
    let hpa = api.scaling.hpa.as_ref().expect("the api's HPA");
    assert_eq!((hpa.min, hpa.max), (3, 12));
    assert!(api.scaling.replicas_with_hpa);
    assert!(!(prod_env.kept_objects.iter()).any(|k| k.kind() == "HorizontalPodAutoscaler"));
    let linked = link::decode(&link::encode(&r.design)).unwrap();
    let hpa = |d: &Design, env: &str| {
        rendered(d, env)
            .into_iter()
            .find(|(k, _)| k.0 == "HorizontalPodAutoscaler")
    };
    assert_eq!(
        hpa(&linked, "prod"),
        hpa(&r.design, "prod"),
        "after a link too"
    );
    assert!(hpa(&linked, "prod").is_some());
    assert_eq!(hpa(&linked, "staging"), None);
    assert_eq!(hpa(&r.design, "staging"), None);
    // The Ingress kept whole (it routes to two services) differs in host and TLS
    // secret: each environment keeps its own, and renders it.
    let host = |env: &str| {
        let e = r.design.environment(env).unwrap();
        let ingress = e
            .kept_objects
            .iter()
            .find(|k| k.kind() == "Ingress")
            .unwrap();
        ingress.spec()["tls"][0]["secretName"].clone()
    };
    assert_eq!(host("staging"), "parcel-staging-tls");
    assert_eq!(host("prod"), "parcel-prod-tls");
    assert!(!r.design.extra_objects.iter().any(|k| k.kind() == "Ingress"));
    // The Namespace comes back with prod's labels: environments keep their own.
    assert!(!not_merged(&r, "prod").contains(&s("Namespace", "parcel-prod")));
}

/// The replicas prod's file writes beside its HPA: KP209's fix leaves them to the HPA
/// in one step, prod's own count with them (else KP210 would say it changes nothing),
/// and staging, where no HPA runs, keeps what it runs. Also after a link.
#[test]
fn leaving_imported_replicas_to_the_hpa_leaves_no_count_behind() {
    let (staging, prod) = (two_envs("staging.yaml"), two_envs("prod.yaml"));
    let imported = import::environments(&[("staging", &staging), ("prod", &prod)])
        .unwrap()
        .design;
    for through_link in [false, true] {
        let mut d = imported.clone();
        if through_link {
            d = link::decode(&link::encode(&d)).unwrap();
        }
        let codes = |d: &Design, env: &str| -> Vec<&'static str> {
            (validate(d, env).into_iter())
                .filter(|f| f.service.as_deref() == Some("api"))
                .filter(|f| matches!(f.code, "KP209" | "KP210"))
                .map(|f| f.code)
                .collect()
        };
        let fix = (validate(&d, "prod").into_iter())
            .find(|f| f.code == "KP209" && f.service.as_deref() == Some("api"))
            .and_then(|f| f.fix)
            .expect("KP209 with its fix");
        d.apply(fix.edit).unwrap();
        assert_eq!(
            codes(&d, "prod"),
            Vec::<&str>::new(),
            "link: {through_link}"
        );
        assert_eq!(codes(&d, "staging"), Vec::<&str>::new());
        let replicas = |d: &Design, env: &str| {
            let k = rendered(d, env)
                .into_iter()
                .find(|(k, _)| k.0 == "Deployment" && k.2 == "api")
                .unwrap();
            k.1["spec"]["replicas"].clone()
        };
        assert_eq!(replicas(&d, "prod"), Value::Null, "the HPA's to set");
        assert_eq!(replicas(&d, "staging"), replicas(&imported, "staging"));
    }
}

/// One system in `namespace` with the values that differ between environments.
#[allow(clippy::too_many_arguments)]
fn shop(
    namespace: &str,
    api_replicas: u32,
    hpa: (u32, u32),
    cpu: &str,
    mem: &str,
    tag: &str,
    with_cache: bool,
) -> String {
    let mut out = format!(
        "apiVersion: v1
kind: Namespace
metadata:
  name: {namespace}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: api
    app.kubernetes.io/version: \"{tag}\"
spec:
  replicas: {api_replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: api
        app.kubernetes.io/version: \"{tag}\"
    spec:
      containers:
        - name: api
          image: registry.example.com/shop/api:{tag}
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests:
              cpu: {cpu}
              memory: {mem}
            limits:
              memory: {mem}
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: api
    app.kubernetes.io/version: \"{tag}\"
spec:
  selector:
    app.kubernetes.io/name: api
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/version: \"{tag}\"
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/version: \"{tag}\"
    spec:
      containers:
        - name: web
          image: registry.example.com/shop/web:{tag}
          resources:
            requests:
              cpu: {cpu}
              memory: {mem}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/version: \"{tag}\"
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: {}
  maxReplicas: {}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 75
",
        hpa.0, hpa.1
    );
    if with_cache {
        out.push_str(&format!(
            "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: cache
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: cache
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: cache
  template:
    metadata:
      labels:
        app.kubernetes.io/name: cache
    spec:
      containers:
        - name: cache
          image: redis:7.4
"
        ));
    }
    out
}

fn assert_exact(r: &EnvironmentsImport, env: &str, text: &str) {
    let report = r
        .environments
        .iter()
        .find(|e| e.environment == env)
        .unwrap();
    assert!(
        report.not_merged.is_empty(),
        "{env}: {:#?}",
        report.not_merged
    );
    let (want, got) = (input(text), rendered(&r.design, env));
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "{env}: the same objects"
    );
    for (k, v) in &want {
        assert_eq!(&got[k], v, "{env}: {k:?} comes back exactly");
    }
}

#[test]
fn environments_differing_in_replicas_resources_and_tag_round_trip_exactly() {
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0-rc.1", false);
    let prod = shop("shop", 4, (3, 10), "500m", "512Mi", "2.0.4", false);
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    assert_eq!(r.design.environments.len(), 2);
    assert_eq!(r.design.environments[0].tier, Tier::Dev);
    assert_eq!(r.design.environments[1].namespace, "shop");
    let web = r.design.service_named("web").unwrap();
    let o = &r.design.environments[1].overrides[&web.id];
    assert_eq!((o.hpa_min, o.hpa_max), (Some(3), Some(10)));
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &prod);
}

#[test]
fn a_service_missing_from_an_environment_is_not_deployed_there() {
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", true);
    let prod = shop("shop", 2, (1, 2), "50m", "64Mi", "2.1.0", false);
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let cache = r.design.service_named("cache").unwrap();
    assert_eq!(
        r.design.environments[1].overrides[&cache.id].enabled,
        Some(false)
    );
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &prod);
}

#[test]
fn a_service_only_in_a_later_environment_is_deployed_only_there() {
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false);
    let prod = shop("shop", 1, (1, 2), "50m", "64Mi", "2.1.0", true);
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let cache = r.design.service_named("cache").unwrap();
    assert!(!r.design.environments[0].deploys(cache.id));
    assert!(r.design.environments[1].deploys(cache.id));
    assert!(
        r.environments[1]
            .merged
            .contains(&"cache: first found here, not deployed in `dev`".to_string()),
        "{:?}",
        r.environments[1].merged
    );
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &prod);
}

/// Every template, rendered one environment at a time as a team would have it (say
/// overlays), imports as one design whose every environment renders its input exactly:
/// services of some environments only (backups in staging and prod, the collector of a
/// shared observability namespace), default-deny with Prometheus let in, canaries of
/// prod only, critical services, per-environment replicas and HPAs.
#[test]
fn every_templates_environments_import_as_one_design_exactly() {
    for t in templates::ALL {
        let d = (t.build)();
        let inputs: Vec<(String, String)> = (d.environments.iter())
            .map(|e| (e.name.clone(), render(&d, &e.name).to_yaml()))
            .filter(|(_, yaml)| !yaml.is_empty())
            .collect();
        let given: Vec<(&str, &str)> = inputs
            .iter()
            .map(|(n, y)| (n.as_str(), y.as_str()))
            .collect();
        let r = import::environments(&given).unwrap();
        for (env, yaml) in &inputs {
            assert_exact(&r, env, yaml);
            let (was, now) = (
                d.environment(env).unwrap(),
                r.design.environment(env).unwrap(),
            );
            assert_eq!(now.hosts_services, was.hosts_services, "{} {env}", t.name);
            assert_eq!(now.default_deny, was.default_deny, "{} {env}", t.name);
        }
        // Which services are critical, where some environment's alerts say it.
        let alerted = |s: &Service| {
            d.environments.iter().any(|e| {
                e.deploys(s.id)
                    && e.monitoring.alerts
                    && e.monitoring.scraping == Scraping::Operator
            })
        };
        for s in &r.design.services {
            let own = d.service_named(&s.name).unwrap();
            if alerted(own) {
                assert_eq!(s.critical, own.critical, "{} {}", t.name, s.name);
            }
        }
    }
}

#[test]
fn an_environment_named_twice_is_refused() {
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false);
    let err = import::environments(&[("dev", &dev), ("dev", &dev)]).unwrap_err();
    assert!(err.contains("`dev` is given twice"), "{err}");
    assert!(import::environments(&[]).is_err());
}

#[test]
fn an_environment_name_must_be_a_dns_label() {
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false);
    let err = import::environments(&[("Dev EU", &dev)]).unwrap_err();
    assert!(
        err.contains("`Dev EU`") && err.contains("lowercase"),
        "{err}"
    );
}

#[test]
fn files_name_their_environments() {
    let named = |file: &str| import::Input::named_after(file, String::new()).name;
    assert_eq!(named("prod.yaml"), "prod");
    assert_eq!(named("overlays/Staging EU.yml"), "staging-eu");
    assert_eq!(named(r"C:\builds\dev.JSON"), "dev");
    assert_eq!(
        named("kustomize_build--prod.out"),
        "kustomize-build-prod-out"
    );
    assert_eq!(named("...yaml"), "env");
    assert_eq!(named(&format!("{}.yaml", "x".repeat(80))).len(), 63);
    for file in [
        "prod.yaml",
        "overlays/Staging EU.yml",
        "-x-.yaml",
        "Ünïcode.yaml",
    ] {
        let name = named(file);
        assert!(names::dns1123_label(&name).is_ok(), "{file} -> {name}");
    }
}

/// A file picker gives files in alphabetical order (dev, observability, prod, staging):
/// they are imported dev first and the shared environment last, since the first input
/// becomes the design and a shared one runs none of its services.
#[test]
fn chosen_files_are_imported_in_promotion_order() {
    let mut inputs: Vec<import::Input> = ["dev", "observability", "prod", "qa", "staging"]
        .map(|n| import::Input::named_after(&format!("{n}.yaml"), String::new()))
        .into();
    import::promotion_order(&mut inputs);
    let order: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(order, ["dev", "qa", "staging", "prod", "observability"]);
    assert_eq!(import::tier_of("observability"), Tier::Shared);
    assert_eq!(import::tier_of("monitoring-eu"), Tier::Shared);
}

/// Every template's environments, as files chosen in any order (here reversed), come
/// back as the template's environments with their tiers, each rendering its input
/// exactly, and every document's report names its file.
#[test]
fn every_templates_environment_files_import_in_any_order() {
    for t in templates::ALL {
        let d = (t.build)();
        let mut inputs: Vec<import::Input> = (d.environments.iter().rev())
            .map(|e| {
                let file = format!("build/{}.yaml", e.name);
                import::Input::named_after(&file, render(&d, &e.name).to_yaml())
            })
            .filter(|i| !i.text.is_empty())
            .collect();
        import::promotion_order(&mut inputs);
        let r = import::environments_of(&inputs).unwrap();
        for (input, report) in inputs.iter().zip(&r.environments) {
            assert_eq!(report.environment, input.name);
            assert!(!report.documents.is_empty(), "{} {}", t.name, input.name);
            for doc in &report.documents {
                assert_eq!(doc.file, input.file, "{} {}", t.name, input.name);
            }
            assert_exact(&r, &input.name, &input.text);
            let (was, now) = (
                d.environment(&input.name).unwrap(),
                r.design.environment(&input.name).unwrap(),
            );
            assert_eq!(now.tier, was.tier, "{} {}", t.name, input.name);
            assert_eq!(
                now.hosts_services, was.hosts_services,
                "{} {}",
                t.name, input.name
            );
        }
        let summary = r.summary();
        assert!(
            summary.contains(&format!("{} environment", inputs.len()))
                && summary.contains("every environment renders as its input"),
            "{}: {summary}",
            t.name
        );
    }
}

#[test]
fn a_compose_file_among_environments_is_refused_with_what_to_do() {
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false);
    let compose = "services:\n  web:\n    image: nginx:1.27\n".to_string();
    let inputs = [
        import::Input::named_after("dev.yaml", dev),
        import::Input::named_after("compose.yaml", compose),
    ];
    let err = import::environments_of(&inputs).unwrap_err();
    assert!(
        err.contains("compose.yaml is a docker-compose file") && err.contains("on its own"),
        "{err}"
    );
}

#[test]
fn the_summary_counts_what_merged_and_what_did_not() {
    let staging = two_envs("staging.yaml");
    let prod = two_envs("prod.yaml");
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    let merged: usize = r.environments.iter().map(|e| e.merged.len()).sum();
    let not: usize = r.environments.iter().map(|e| e.not_merged.len()).sum();
    assert!(merged > 0 && not > 0, "{:?}", r.environments);
    let summary = r.summary();
    assert!(
        summary.contains(&format!("{merged} overrides merged")),
        "{summary}"
    );
    assert!(
        summary.contains(&format!("{not} objects do not come back exactly")),
        "{summary}"
    );
    assert!(
        summary.contains("in 2 environments (`staging`, `prod`)"),
        "{summary}"
    );
}

/// An input that gives nothing would be an environment running nothing in `default`.
#[test]
fn an_empty_or_broken_input_is_refused_with_why() {
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false);
    let err = import::environments(&[("dev", &dev), ("empty", "# nothing yet\n")]).unwrap_err();
    assert!(
        err.contains("nothing in environment `empty` can be imported")
            && err.contains("no Kubernetes objects")
            && err.contains("leave it out"),
        "{err}"
    );
    let broken = "apiVersion: v1\nkind: [broken\n";
    let err = import::environments(&[("broken", broken), ("dev", &dev)]).unwrap_err();
    assert!(
        err.contains("environment `broken`") && err.contains("(invalid YAML at line 3:"),
        "{err}"
    );
    // One document of prod cut short (the web Deployment's flow list left open): prod
    // would seem not to run web, and the design would switch web off there.
    let prod = shop("shop", 2, (1, 2), "50m", "64Mi", "2.1.0", false).replace(
        "name: web\n          image",
        "name: web\n          args: [--port, \"8080\"\n          image",
    );
    assert!(prod.contains("args: [--port"), "the break is made");
    let err = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap_err();
    assert!(
        err.starts_with("a document of environment `prod` cannot be read (Deployment `web`: invalid YAML at line")
            && err.contains("fix it and import again")
            && err.contains("`prod` would seem not to run what it holds"),
        "{err}"
    );
    // Two broken: counted, the first named.
    let prod = prod.replace(
        "name: api\n          image",
        "name: api\n          args: [serve\n          image",
    );
    let err = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap_err();
    assert!(
        err.starts_with("2 documents of environment `prod` cannot be read (the first, Deployment `api`: invalid YAML at line")
            && err.contains("fix them and import again. Without them, `prod` would seem not to run what they hold"),
        "{err}"
    );
    // Several environments' files broken: each is said, one line each, in order.
    let err =
        import::environments(&[("dev", &dev), ("staging", broken), ("prod", &prod)]).unwrap_err();
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].contains("environment `staging`"), "{err}");
    assert!(
        lines[1].starts_with("2 documents of environment `prod`"),
        "{err}"
    );
}

/// Replicas that every input writes beside an HPA (KP209 warns about them) are the
/// design's to write too, so an environment's own count is its override: both render
/// as their inputs. Where only some inputs write them, the difference is reported as
/// not merged, never claimed as merged.
#[test]
fn replicas_written_beside_an_hpa_are_each_environments_own() {
    let web = "spec:\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: web";
    let with_replicas = |text: String, n: u32| {
        text.replace(
            web,
            &web.replace("spec:\n", &format!("spec:\n  replicas: {n}\n")),
        )
    };
    let dev = with_replicas(
        shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false),
        1,
    );
    let prod = with_replicas(shop("shop", 1, (3, 10), "50m", "64Mi", "2.1.0", false), 3);
    assert!(prod.contains("replicas: 3\n  selector:"));
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let said = (r.environments[1].merged.iter())
        .find(|m| m.starts_with("web: "))
        .unwrap();
    assert!(said.contains("replicas 3, HPA min 3"), "{said}");
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &prod);
    let web_id = r.design.service_named("web").unwrap().id;
    assert!(r.design.service(web_id).unwrap().scaling.replicas_with_hpa);
    // KP209 says so, and its fix leaves the count to the HPA everywhere.
    let mut d = r.design.clone();
    let found = validate(&d, "prod");
    let kp209 = found.iter().find(|f| f.code == "KP209").expect("KP209");
    d.apply(kp209.fix.clone().expect("a fix").edit).unwrap();
    for env in ["dev", "prod"] {
        let objects = render(&d, env).objects;
        let web = objects
            .iter()
            .find(|o| o.kind() == "Deployment" && o.name() == "web")
            .unwrap()
            .to_json();
        assert!(web["spec"].get("replicas").is_none(), "{env}: {web}");
    }

    // Written in prod only: the design writes none (dev's input has none).
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false);
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let report = &r.environments[1];
    let said = (report.merged.iter())
        .find(|m| m.starts_with("web: "))
        .unwrap();
    assert!(
        said.contains("HPA min 3") && !said.contains("replicas"),
        "{said}"
    );
    let web = (report.not_merged.iter())
        .find(|n| n.kind == "Deployment" && n.name == "web")
        .unwrap();
    assert!(
        web.message
            .ends_with("will have nothing at `spec.replicas` (here: `3`)"),
        "{}",
        web.message
    );
}

#[test]
fn files_of_the_same_stem_get_names_of_their_own() {
    let mut inputs: Vec<import::Input> = ["prod.yaml", "prod.yml", "prod-2.yaml", "PROD.json"]
        .map(|f| import::Input::named_after(f, String::new()))
        .into();
    import::unique_names(&mut inputs);
    let names: Vec<&str> = inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["prod", "prod-3", "prod-2", "prod-4"]);
    // Given alike anyway, the refusal names both files and what to do.
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false);
    let alike = [
        import::Input::named_after("overlays/prod.yaml", dev.clone()),
        import::Input::named_after("prod.yml", dev),
    ];
    let err = import::environments_of(&alike).unwrap_err();
    assert_eq!(
        err,
        "two environments are named `prod` (overlays/prod.yaml and prod.yml): rename one, \
         or leave one out"
    );
}

#[test]
fn changed_paths_read_as_kubectl_writes_them() {
    use kubeprint_core::residual::Residual;
    let was = serde_json::json!({"metadata": {"labels": {"app.kubernetes.io/version": "1"}},
        "spec": {"replicas": 1, "containers": [{"name": "web", "image": "a"}]}});
    let now = serde_json::json!({"metadata": {"labels": {"app.kubernetes.io/version": "2"}},
        "spec": {"replicas": 3, "containers": [{"name": "web", "image": "b"}]}});
    let paths: Vec<String> = Residual::between(&was, &now)
        .0
        .iter()
        .map(|c| c.at.readable())
        .collect();
    assert_eq!(
        paths,
        [
            r#"metadata.labels["app.kubernetes.io/version"]"#,
            "spec.containers[name=web].image",
            "spec.replicas",
        ]
    );
}

/// Overlays add objects the model keeps whole: alike in every environment they are the
/// design's, else each environment keeps its own (prod's default-deny policy, dev's
/// LimitRange), renders it, and the rules read it there; a link keeps them.
#[test]
fn objects_kept_whole_in_some_environments_only_stay_there() {
    let quota = |ns: &str| {
        format!(
            "---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: compute\n  \
             namespace: {ns}\nspec:\n  hard:\n    requests.cpu: \"8\"\n"
        )
    };
    let deny = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  \
                name: default-deny\n  namespace: shop\nspec:\n  podSelector: {}\n  \
                policyTypes:\n  - Ingress\n";
    let limits = "---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: dev-defaults\n  \
                  namespace: shop-dev\nspec:\n  limits:\n  - type: Container\n    default:\n      \
                  cpu: 200m\n";
    let dev =
        shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false) + &quota("shop-dev") + limits;
    let prod = shop("shop", 2, (2, 6), "50m", "64Mi", "2.1.0", false) + &quota("shop") + deny;
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &prod);
    let kinds = |kept: &[KeptObject]| {
        kept.iter()
            .map(|k| k.kind().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(kinds(&r.design.extra_objects), ["ResourceQuota"]);
    assert_eq!(
        kinds(&r.design.environment("dev").unwrap().kept_objects),
        ["LimitRange"]
    );
    assert_eq!(
        kinds(&r.design.environment("prod").unwrap().kept_objects),
        ["NetworkPolicy"]
    );
    // Prod's policy denies by default: KP610 (no default-deny in prod) has nothing to say.
    let codes = |env: &str| -> Vec<String> {
        rules::validate(&r.design, env)
            .into_iter()
            .map(|f| f.code.to_string())
            .collect()
    };
    assert!(
        !codes("prod").contains(&"KP610".to_string()),
        "{:?}",
        codes("prod")
    );
    let linked = link::decode(&link::encode(&r.design)).unwrap();
    assert_eq!(linked, r.design);
    let saved = file::from_json(&file::to_json(&r.design)).unwrap();
    assert_eq!(saved, r.design);
}

/// A web service configured by one ConfigMap, read whole (envFrom) and key by key.
fn configured(namespace: &str, data: &[(&str, &str)]) -> String {
    let data: String = data
        .iter()
        .map(|(k, v)| format!("  {k}: \"{v}\"\n"))
        .collect();
    format!(
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: storefront-config
  namespace: {namespace}
data:
{data}---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: storefront
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: storefront
  template:
    metadata:
      labels:
        app.kubernetes.io/name: storefront
    spec:
      containers:
        - name: storefront
          image: ghcr.io/acme/storefront:3.2.0
          ports:
            - name: http
              containerPort: 3000
          envFrom:
            - configMapRef:
                name: storefront-config
          env:
            - name: CHECKOUT_URL
              valueFrom:
                configMapKeyRef:
                  name: storefront-config
                  key: checkout-url
"
    )
}

/// An overlay that changes a ConfigMap's values or adds keys (a `configMapGenerator`
/// with `behavior: merge`, or a patch) renders exactly: the values become the
/// environment's own; a key the overlay drops cannot be said, and is reported.
#[test]
fn configmap_values_of_an_environment_are_merged_as_its_own() {
    let dev = configured(
        "shop-dev",
        &[
            ("LOG_LEVEL", "debug"),
            ("checkout-url", "http://checkout:8080"),
            ("FEATURE_PREVIEW", "on"),
        ],
    );
    let prod = configured(
        "shop",
        &[
            ("LOG_LEVEL", "warn"),
            ("checkout-url", "http://checkout:8080"),
            ("FEATURE_PREVIEW", "on"),
            ("CDN_HOST", "cdn.acme.example"),
        ],
    );
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let prod_env = r.design.environment("prod").unwrap();
    assert_eq!(
        prod_env.config_values["storefront-config"],
        BTreeMap::from([
            ("CDN_HOST".to_string(), "cdn.acme.example".to_string()),
            ("LOG_LEVEL".to_string(), "warn".to_string()),
        ])
    );
    // Dev's is the design's ConfigMap: no value of dev's own.
    let dev_has_none = |r: &import::EnvironmentsImport| {
        (r.design.environment("dev").unwrap().config_values).is_empty()
    };
    assert!(dev_has_none(&r));
    // Named after dev's namespace `shop-dev` without dev: the system is `shop`.
    assert_eq!(r.design.name, "shop");
    assert_eq!(
        r.design.config_map("storefront-config").unwrap().data["LOG_LEVEL"],
        "debug"
    );
    assert!(r.environments[1].merged.contains(
        &"ConfigMap storefront-config: values of its own for `CDN_HOST`, `LOG_LEVEL`".to_string()
    ));
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &prod);
    // Through a link and a design file, the values stay prod's.
    let linked = link::decode(&link::encode(&r.design)).unwrap();
    assert_eq!(rendered(&linked, "prod"), rendered(&r.design, "prod"));
    let filed = file::from_json(&file::to_json(&r.design)).unwrap();
    assert_eq!(rendered(&filed, "prod"), rendered(&r.design, "prod"));

    // Prod without the preview flag: prod leaves the design's key out, and each
    // environment comes back exactly.
    let bare = configured(
        "shop",
        &[
            ("LOG_LEVEL", "warn"),
            ("checkout-url", "http://checkout:8080"),
        ],
    );
    let r = import::environments(&[("dev", &dev), ("prod", &bare)]).unwrap();
    assert_eq!(not_merged(&r, "prod"), BTreeSet::new());
    let cm = r.design.config_map("storefront-config").unwrap();
    assert_eq!(cm.data["FEATURE_PREVIEW"], "on", "{:?}", cm.data);
    let prod_env = r.design.environment("prod").unwrap();
    assert!(prod_env.leaves_out("storefront-config", "FEATURE_PREVIEW"));
    assert!(dev_has_none(&r));
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &bare);
    // Through a link and a design file, prod still leaves it out.
    for (how, again) in [
        ("link", link::decode(&link::encode(&r.design)).unwrap()),
        ("file", file::from_json(&file::to_json(&r.design)).unwrap()),
    ] {
        assert_eq!(
            rendered(&again, "prod"),
            rendered(&r.design, "prod"),
            "{how}"
        );
        assert_eq!(again, r.design, "{how}");
    }
}

/// storefront's Service and its Ingress at `host`.
fn routed(namespace: &str, host: &str) -> String {
    format!(
        "---
apiVersion: v1
kind: Service
metadata:
  name: storefront
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: storefront
spec:
  selector:
    app.kubernetes.io/name: storefront
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: storefront
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: storefront
spec:
  ingressClassName: nginx
  rules:
    - host: {host}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: storefront
                port:
                  name: http
"
    )
}

/// An overlay that gives a service's Ingress another host renders exactly: the host
/// becomes that environment's override, and it survives a link.
#[test]
fn an_ingress_host_of_an_environment_becomes_its_override() {
    let data = [
        ("LOG_LEVEL", "info"),
        ("checkout-url", "http://checkout:8080"),
    ];
    let dev = configured("shop-dev", &data) + &routed("shop-dev", "dev.shop.example.com");
    let prod = configured("shop", &data) + &routed("shop", "shop.example.com");
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let id = r.design.service_named("storefront").unwrap().id;
    let prod_env = r.design.environment("prod").unwrap();
    assert_eq!(
        prod_env.overrides[&id].ingress_host.as_deref(),
        Some("shop.example.com")
    );
    assert!(r.environments[1]
        .merged
        .contains(&"storefront: Ingress host shop.example.com".to_string()));
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &prod);
    let linked = link::decode(&link::encode(&r.design)).unwrap();
    assert_eq!(rendered(&linked, "prod"), rendered(&r.design, "prod"));
}

/// A ConfigMap whose name is Kustomize's generated name for its data (`<name>-<hash>`)
/// imports as `<name>` named by its data, read by `<name>`, and renders its input back;
/// one whose suffix is not its data's hash keeps its whole name.
#[test]
fn a_generated_configmap_name_is_recognised_by_its_hash() {
    let data = [
        ("LOG_LEVEL", "info"),
        ("checkout-url", "http://checkout:8080"),
    ];
    let map: BTreeMap<String, String> = (data.iter())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let generated = naming::generated_config_map("storefront-config", &map);
    let text = configured("shop", &data).replace("storefront-config", &generated);
    let r = import::kubernetes(&text);
    let cm = &r.design.config_maps[0];
    assert_eq!(
        (cm.name.as_str(), cm.hash_suffix),
        ("storefront-config", true)
    );
    let s = r.design.service_named("storefront").unwrap();
    assert_eq!(
        s.config.env_from,
        [EnvFrom::ConfigMap("storefront-config".into())]
    );
    let env = &r.design.environments[0].name;
    assert_eq!(rendered(&r.design, env), input(&text));

    // A suffix that is not the data's hash (a value edited by hand afterwards).
    let edited = text.replace("LOG_LEVEL: \"info\"", "LOG_LEVEL: \"warn\"");
    let r = import::kubernetes(&edited);
    let cm = &r.design.config_maps[0];
    assert_eq!(
        (cm.name.as_str(), cm.hash_suffix),
        (generated.as_str(), false)
    );
    let env = &r.design.environments[0].name;
    assert_eq!(rendered(&r.design, env), input(&edited));
}

/// A web front end and an API, as a Kustomize overlay builds them for `namespace` with
/// `labels` on every object (`labels:` or `commonLabels:`): on the pod templates when
/// `pods`, in every selector too when `selectors`, as Kustomize writes them (a
/// NetworkPolicy's pod selectors included).
fn labelled(namespace: &str, labels: &[(&str, &str)], pods: bool, selectors: bool) -> String {
    let pairs = |indent: usize, on: bool| -> String {
        (labels.iter())
            .filter(|_| on)
            .map(|(k, v)| format!("{}{k}: {v}\n", " ".repeat(indent)))
            .collect()
    };
    let (meta, tmpl, sel) = (
        pairs(4, true),
        pairs(8, pods || selectors),
        pairs(6, selectors),
    );
    let mut out = String::new();
    for (name, image, port) in [
        ("web", "ghcr.io/acme/web:5.0.3", 3000),
        ("api", "ghcr.io/acme/api:2.9.0", 8080),
    ] {
        out.push_str(&format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}
{meta}spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
{sel}  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
{tmpl}    spec:
      containers:
        - name: {name}
          image: {image}
          ports:
            - name: http
              containerPort: {port}
          readinessProbe:
            httpGet:
              path: /ready
              port: http
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}
{meta}spec:
  selector:
    app.kubernetes.io/name: {name}
{sel_svc}  ports:
    - name: http
      port: 80
      targetPort: http
---
",
            sel_svc = pairs(4, selectors),
        ));
    }
    out.push_str(&format!(
        "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: web-config-reader
  namespace: {namespace}
  labels:
{meta}rules:
  - apiGroups: [\"\"]
    resources: [configmaps]
    verbs: [get, list]
"
    ));
    out
}

/// Labels that an overlay puts on every object of its environment (`env: prod`) are
/// that environment's, as far as they reach (objects, pods, selectors), instead of
/// every object's difference: the environments merge, render exactly as their inputs,
/// survive a link, and an edit of them after the import reaches every object.
#[test]
fn labels_an_overlay_puts_on_every_object_are_the_environments() {
    let dev = labelled("shop-dev", &[("env", "dev")], false, false);
    let staging = labelled("shop-staging", &[("env", "staging")], true, false);
    let prod = labelled(
        "shop",
        &[("env", "prod"), ("example.com/tier", "gold")],
        true,
        true,
    );
    let r = import::environments(&[("dev", &dev), ("staging", &staging), ("prod", &prod)]).unwrap();
    for (env, text) in [("dev", &dev), ("staging", &staging), ("prod", &prod)] {
        assert_exact(&r, env, text);
    }
    let common = |d: &Design, env: &str| d.environment(env).unwrap().common_labels.clone();
    assert_eq!(common(&r.design, "dev").reach, LabelReach::Objects);
    assert_eq!(common(&r.design, "staging").reach, LabelReach::Pods);
    let prod_labels = common(&r.design, "prod");
    assert_eq!(prod_labels.reach, LabelReach::Selectors);
    assert_eq!(
        prod_labels.labels,
        BTreeMap::from([
            ("env".to_string(), "prod".to_string()),
            ("example.com/tier".to_string(), "gold".to_string())
        ])
    );
    // The design holds each service's own selector, the Role once.
    let web = r.design.service_named("web").unwrap();
    assert_eq!(
        web.selector,
        BTreeMap::from([("app.kubernetes.io/name".to_string(), "web".to_string())])
    );
    assert_eq!(r.design.extra_objects.len(), 1);
    let merged = &r
        .environments
        .iter()
        .find(|e| e.environment == "prod")
        .unwrap()
        .merged;
    assert!(
        merged
            .iter()
            .any(|m| m.contains("pods and selectors included: `env: prod`")),
        "{merged:?}"
    );

    // Through a link, the same design.
    let opened = link::decode(&link::link("https://kubeprint.example/", &r.design)).unwrap();
    assert_eq!(opened, r.design);

    // Edited after the import and the link: prod's value on every prod object and its
    // selectors; dev and staging as they were.
    let mut design = opened;
    let (dev_before, staging_before) = (
        render(&design, "dev").to_yaml(),
        render(&design, "staging").to_yaml(),
    );
    design
        .apply(Edit::Set {
            path: FieldPath::environment("prod", "/common_labels/labels/env"),
            value: "production".into(),
        })
        .unwrap();
    let prod_now = rendered(&design, "prod");
    for (k, o) in &prod_now {
        assert_eq!(o["metadata"]["labels"]["env"], "production", "{k:?}");
    }
    let api = &prod_now[&("Deployment".into(), "shop".into(), "api".into())];
    assert_eq!(api["spec"]["selector"]["matchLabels"]["env"], "production");
    assert_eq!(
        api["spec"]["template"]["metadata"]["labels"]["env"],
        "production"
    );
    let svc = &prod_now[&("Service".into(), "shop".into(), "api".into())];
    assert_eq!(svc["spec"]["selector"]["env"], "production");
    assert_eq!(render(&design, "dev").to_yaml(), dev_before);
    assert_eq!(render(&design, "staging").to_yaml(), staging_before);

    // Reach narrowed to the objects: the selectors and pods lose the labels.
    design
        .apply(Edit::Set {
            path: FieldPath::environment("prod", "/common_labels/reach"),
            value: "objects".into(),
        })
        .unwrap();
    let prod_now = rendered(&design, "prod");
    let api = &prod_now[&("Deployment".into(), "shop".into(), "api".into())];
    assert_eq!(api["metadata"]["labels"]["env"], "production");
    assert!(api["spec"]["selector"]["matchLabels"].get("env").is_none());
    assert!(api["spec"]["template"]["metadata"]["labels"]
        .get("env")
        .is_none());

    // Cleared: no label of prod's on any object.
    design
        .apply(Edit::Set {
            path: FieldPath::environment("prod", "/common_labels"),
            value: serde_json::json!({}),
        })
        .unwrap();
    assert!(common(&design, "prod").is_empty());
    for (k, o) in rendered(&design, "prod") {
        assert!(o["metadata"]["labels"].get("env").is_none(), "{k:?}");
    }
}

/// A label that one object of an environment lacks is not the environment's: it stays
/// with the objects that have it, and the environments still render as their inputs.
#[test]
fn a_label_some_objects_lack_is_not_the_environments() {
    let dev = labelled("shop-dev", &[("env", "dev")], false, false);
    // Prod's Role was written without the label.
    let prod = labelled("shop", &[("env", "prod")], false, false).replacen(
        "  name: web-config-reader\n  namespace: shop\n  labels:\n    env: prod\n",
        "  name: web-config-reader\n  namespace: shop\n",
        1,
    );
    assert!(!prod.contains("labels:\nrules"));
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    assert!(r
        .design
        .environment("prod")
        .unwrap()
        .common_labels
        .is_empty());
    assert!(r
        .design
        .environment("dev")
        .unwrap()
        .common_labels
        .is_empty());
    assert_round_trip_except_reported(&r, "dev", &dev);
    assert_round_trip_except_reported(&r, "prod", &prod);
}

/// A StatefulSet of `namespace` whose one claim template asks for `size` of `class`,
/// mounted by one node (`ReadWriteOnce`) or one pod (`ReadWriteOncePod`).
fn queue(namespace: &str, size: &str, class: &str, access: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Namespace
metadata:
  name: {namespace}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: rabbitmq
  namespace: {namespace}
spec:
  serviceName: rabbitmq
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: rabbitmq
  template:
    metadata:
      labels:
        app.kubernetes.io/name: rabbitmq
    spec:
      containers:
        - name: rabbitmq
          image: rabbitmq:3.13-management
          ports:
            - name: amqp
              containerPort: 5672
          volumeMounts:
            - name: data
              mountPath: /var/lib/rabbitmq
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [{access}]
        storageClassName: {class}
        resources:
          requests:
            storage: {size}
"#
    )
}

/// The first claim template of the (one) StatefulSet `d` renders in `env`.
fn claim_template(d: &Design, env: &str) -> Value {
    let objects = render(d, env).objects;
    let set = objects.iter().find(|o| o.kind() == "StatefulSet").unwrap();
    set.to_json()["spec"]["volumeClaimTemplates"][0].clone()
}

/// A difference inside a list kept whole (claim templates have no item key) is kept as
/// the environment's own, and said at the value that differs, not as both copies of the
/// list; an environment's size of the claim is still merged into that list.
#[test]
fn a_difference_in_a_claim_template_is_kept_and_said_at_its_value() {
    let staging = queue("mq-staging", "10Gi", "fast-ssd", "ReadWriteOnce");
    let prod = queue("mq-prod", "10Gi", "fast-ssd", "ReadWriteOncePod");
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    assert!(
        merged(&r, "prod").contains(
            &"StatefulSet `rabbitmq`: details of its own kept as this input wrote them: \
              `ReadWriteOncePod` at `spec.volumeClaimTemplates[0].spec.accessModes[0]` (the \
              design: `ReadWriteOnce`)"
                .to_string()
        ),
        "{:?}",
        merged(&r, "prod")
    );
    assert_exact(&r, "staging", &staging);
    assert_exact(&r, "prod", &prod);
    let mut d = r.design.clone();
    let id = d.service_named("rabbitmq").unwrap().id;
    d.apply(Edit::Set {
        path: FieldPath::environment("prod", &format!("/overrides/{}/storage/data", id.0)),
        value: "50Gi".into(),
    })
    .unwrap();
    let claim = claim_template(&d, "prod");
    assert_eq!(claim["spec"]["resources"]["requests"]["storage"], "50Gi");
    assert_eq!(claim["spec"]["accessModes"][0], "ReadWriteOncePod");
    assert_eq!(
        claim_template(&d, "staging")["spec"]["accessModes"][0],
        "ReadWriteOnce"
    );
}

/// A claim that asks for more storage in one environment is that environment's size
/// for it: both render exactly as their inputs, and the size is edited, follows a
/// rename of the claim, and is carried by a link.
#[test]
fn a_claim_sized_per_environment_is_the_environments_own() {
    let staging = queue("mq-staging", "10Gi", "fast-ssd", "ReadWriteOnce");
    let prod = queue("mq-prod", "50Gi", "fast-ssd", "ReadWriteOnce");
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    assert_exact(&r, "staging", &staging);
    assert_exact(&r, "prod", &prod);
    let merged = &r.environments[1].merged;
    assert!(
        merged.iter().any(|m| m.contains("volume `data` 50Gi")),
        "{merged:?}"
    );
    let mut d = r.design;
    let mq = d.service_named("rabbitmq").unwrap().id;
    assert_eq!(d.service(mq).unwrap().storage[0].size, "10Gi");
    let prod_sizes = |d: &Design| {
        let o = &d.environment("prod").unwrap().overrides[&mq];
        o.storage.clone().into_iter().collect::<Vec<_>>()
    };
    assert_eq!(prod_sizes(&d), [("data".to_string(), "50Gi".to_string())]);

    // Edited where the page edits it; renamed with its claim; through a link.
    let at = |claim: &str| {
        FieldPath::environment("prod", &format!("/overrides/{}/storage/{claim}", mq.0))
    };
    d.apply(Edit::Set {
        path: at("data"),
        value: "80Gi".into(),
    })
    .unwrap();
    d.apply(Edit::Set {
        path: FieldPath::service(mq, "/storage/0/name"),
        value: "mnesia".into(),
    })
    .unwrap();
    assert_eq!(prod_sizes(&d), [("mnesia".to_string(), "80Gi".to_string())]);
    let mut d = link::decode(&link::encode(&d)).unwrap();
    let claim = |d: &Design, env: &str| {
        let t = claim_template(d, env);
        (
            t["metadata"]["name"].clone(),
            t["spec"]["resources"]["requests"]["storage"].clone(),
        )
    };
    assert_eq!(claim(&d, "prod"), ("mnesia".into(), "80Gi".into()));
    assert_eq!(claim(&d, "staging"), ("mnesia".into(), "10Gi".into()));

    // A size that is no quantity is found at prod's field; clearing it brings back the
    // service's.
    d.apply(Edit::Set {
        path: at("mnesia"),
        value: "lots".into(),
    })
    .unwrap();
    let found = validate(&d, "prod");
    let bad = found.iter().find(|f| f.code == "KP501").expect("KP501");
    assert_eq!(bad.path, at("mnesia"));
    assert!(!validate(&d, "staging").iter().any(|f| f.code == "KP501"));
    d.apply(Edit::Set {
        path: at("mnesia"),
        value: Value::Null,
    })
    .unwrap();
    assert_eq!(claim(&d, "prod"), ("mnesia".into(), "10Gi".into()));

    // A size goes with its claim: removed, it leaves nothing behind that a claim added
    // later by the same name would pick up; undone, both come back.
    d.apply(Edit::Set {
        path: at("mnesia"),
        value: "80Gi".into(),
    })
    .unwrap();
    let mut e = kubeprint_core::editor::Editor::new(d);
    e.dispatch(Edit::Set {
        path: FieldPath::service(mq, "/storage"),
        value: serde_json::json!([]),
    })
    .unwrap();
    assert!(prod_sizes(&e.design).is_empty());
    assert!(e.undo());
    assert_eq!(
        prod_sizes(&e.design),
        [("mnesia".to_string(), "80Gi".to_string())]
    );
}

/// A claim on another StorageClass in one environment (SSDs in production) is that
/// environment's class for it: both render exactly as their inputs, and the class is
/// edited, follows a rename of the claim, is carried by a link, is checked as a name,
/// and goes with its claim.
#[test]
fn a_claim_on_its_own_storage_class_per_environment_is_the_environments_own() {
    let staging = queue("mq-staging", "10Gi", "standard", "ReadWriteOnce");
    let prod = queue("mq-prod", "50Gi", "premium-ssd", "ReadWriteOnce");
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    assert_exact(&r, "staging", &staging);
    assert_exact(&r, "prod", &prod);
    let merged = &r.environments[1].merged;
    assert!(
        merged
            .iter()
            .any(|m| m.contains("volume `data` 50Gi, volume `data` StorageClass `premium-ssd`")),
        "{merged:?}"
    );
    let mut d = r.design;
    let mq = d.service_named("rabbitmq").unwrap().id;
    let base = &d.service(mq).unwrap().storage[0];
    assert_eq!(base.storage_class.as_deref(), Some("standard"));
    let prod_classes = |d: &Design| {
        let o = &d.environment("prod").unwrap().overrides[&mq];
        o.storage_class.clone().into_iter().collect::<Vec<_>>()
    };
    assert_eq!(
        prod_classes(&d),
        [("data".to_string(), "premium-ssd".to_string())]
    );

    let at = |claim: &str| {
        FieldPath::environment(
            "prod",
            &format!("/overrides/{}/storage_class/{claim}", mq.0),
        )
    };
    d.apply(Edit::Set {
        path: at("data"),
        value: "io2-encrypted".into(),
    })
    .unwrap();
    d.apply(Edit::Set {
        path: FieldPath::service(mq, "/storage/0/name"),
        value: "mnesia".into(),
    })
    .unwrap();
    assert_eq!(
        prod_classes(&d),
        [("mnesia".to_string(), "io2-encrypted".to_string())]
    );
    let mut d = link::decode(&link::encode(&d)).unwrap();
    let class = |d: &Design, env: &str| claim_template(d, env)["spec"]["storageClassName"].clone();
    assert_eq!(class(&d, "prod"), "io2-encrypted");
    assert_eq!(class(&d, "staging"), "standard");

    // A class that is no object name is found at prod's field, and only there; the
    // service's own is found at the service's.
    d.apply(Edit::Set {
        path: at("mnesia"),
        value: "Premium SSD".into(),
    })
    .unwrap();
    let bad = |d: &Design, env: &str| {
        validate(d, env)
            .into_iter()
            .filter(|f| f.code == "KP401" && f.message.contains("StorageClass"))
            .map(|f| f.path)
            .collect::<Vec<_>>()
    };
    assert_eq!(bad(&d, "prod"), [at("mnesia")]);
    assert!(bad(&d, "staging").is_empty());
    d.apply(Edit::Set {
        path: FieldPath::service(mq, "/storage/0/storage_class"),
        value: "Standard HDD".into(),
    })
    .unwrap();
    assert_eq!(
        bad(&d, "staging"),
        [FieldPath::service(mq, "/storage/0/storage_class")]
    );

    // Cleared, the service's class is prod's again; a claim removed takes its class.
    d.apply(Edit::Set {
        path: at("mnesia"),
        value: Value::Null,
    })
    .unwrap();
    assert_eq!(class(&d, "prod"), "Standard HDD");
    d.apply(Edit::Set {
        path: at("mnesia"),
        value: "premium-ssd".into(),
    })
    .unwrap();
    d.apply(Edit::Set {
        path: FieldPath::service(mq, "/storage"),
        value: serde_json::json!([]),
    })
    .unwrap();
    assert!(prod_classes(&d).is_empty());
}

/// The api's PodDisruptionBudget in `namespace`, its rule (`minAvailable: 2`) as given,
/// as a document to append to [`api_env`]'s.
fn api_budget(namespace: &str, rule: &str) -> String {
    format!(
        "---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: api
spec:
  {rule}
  selector:
    matchLabels:
      app.kubernetes.io/name: api
"
    )
}

/// An api as one environment renders it: `replicas` pods, or an HPA between `hpa`.
fn api_env(namespace: &str, replicas: u32, hpa: Option<(u32, u32)>) -> String {
    let replicas_line = match hpa {
        Some(_) => String::new(),
        None => format!("  replicas: {replicas}\n"),
    };
    let mut out = format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: api
spec:
{replicas_line}  selector:
    matchLabels:
      app.kubernetes.io/name: api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:2.4.1
          ports:
            - name: http
              containerPort: 8080
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: api
spec:
  selector:
    app.kubernetes.io/name: api
  ports:
    - name: http
      port: 80
      targetPort: http
"
    );
    if let Some((min, max)) = hpa {
        out.push_str(&format!(
            "---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: api
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: api
  minReplicas: {min}
  maxReplicas: {max}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
"
        ));
    }
    out
}

/// An HPA the first environment has and a later one lacks (that one runs a fixed
/// count): switched off there, with its count, so that each environment renders exactly
/// its input; its report says so, and the design keeps it through a link. Then both
/// ways at once: an HPA prod has and dev lacks is the service's, off in dev.
#[test]
fn an_hpa_some_environments_lack_is_switched_off_there() {
    let staging = api_env("shop-staging", 0, Some((2, 6)));
    let perf = api_env("shop-perf", 4, None);
    let r = import::environments(&[("staging", &staging), ("perf", &perf)]).unwrap();
    let api = r.design.service_named("api").unwrap();
    let o = &r.design.environment("perf").unwrap().overrides[&api.id];
    assert_eq!((o.hpa, o.replicas), (Some(false), Some(4)));
    let report = &r.environments[1];
    assert!(
        report
            .merged
            .contains(&"api: no HPA, replicas 4".to_string()),
        "{:?}",
        report.merged
    );
    assert!(not_merged(&r, "perf").is_empty(), "{:?}", report.not_merged);
    assert!(not_merged(&r, "staging").is_empty());
    let linked = link::decode(&link::encode(&r.design)).unwrap();
    for (env, text) in [("staging", &staging), ("perf", &perf)] {
        assert_eq!(rendered(&linked, env), input(text), "{env}, after a link");
    }

    let dev = api_env("shop-dev", 1, None);
    let prod = api_env("shop", 3, Some((3, 12)));
    let r = import::environments(&[("dev", &dev), ("staging", &staging), ("prod", &prod)]).unwrap();
    let api = r.design.service_named("api").unwrap();
    let hpa = api.scaling.hpa.as_ref().map(|h| (h.min, h.max));
    assert_eq!(hpa, Some((2, 6)), "staging's, the first found");
    // dev's report says what became of its count, not only staging's.
    let dev_report = &r.environments[0];
    assert_eq!(dev_report.environment, "dev");
    assert!(
        (dev_report.merged).contains(&"api: no HPA (the HPA first found in `staging`)".to_string()),
        "{:?}",
        dev_report.merged
    );
    let env = |name: &str| r.design.environment(name).unwrap();
    assert_eq!(env("dev").overrides[&api.id].hpa, Some(false));
    assert_eq!(env("staging").overrides.get(&api.id), None);
    let prod_o = &env("prod").overrides[&api.id];
    assert_eq!(
        (prod_o.hpa, prod_o.hpa_min, prod_o.hpa_max),
        (None, Some(3), Some(12))
    );
    for (env, text) in [("dev", &dev), ("staging", &staging), ("prod", &prod)] {
        assert!(
            not_merged(&r, env).is_empty(),
            "{env}: {:?}",
            not_merged(&r, env)
        );
        assert_eq!(rendered(&r.design, env), input(text), "{env}");
    }
}

/// A budget of prod's only (dev and staging run without), as overlays write it: the
/// service's own budget, switched off before prod, so that each environment renders
/// exactly its input; both reports say so. Staging's missing budget is reported at
/// its switch, and the fix switches it back on there only.
#[test]
fn a_budget_first_found_in_prod_is_the_services_and_off_before() {
    let budget = |namespace: &str| api_budget(namespace, "maxUnavailable: 1");
    let dev = api_env("shop-dev", 1, None);
    let staging = api_env("shop-staging", 2, None);
    let prod = api_env("shop", 3, None) + &budget("shop");
    let r = import::environments(&[("dev", &dev), ("staging", &staging), ("prod", &prod)]).unwrap();
    let api = r.design.service_named("api").unwrap();
    assert_eq!(api.scaling.pdb, Some(Pdb::MaxUnavailable(Amount::Count(1))));
    for env in ["dev", "staging"] {
        let o = &r.design.environment(env).unwrap().overrides[&api.id];
        assert_eq!(o.pdb, Some(false), "{env}");
    }
    let said = |env: &str| merged(&r, env);
    assert!(
        said("staging").contains(&"api: no PDB (the PDB first found in `prod`)".to_string()),
        "{:?}",
        said("staging")
    );
    assert!(
        said("prod").contains(
            &"api: a PDB first found here, the service's now; no PDB in `dev`, `staging`"
                .to_string()
        ),
        "{:?}",
        said("prod")
    );
    let d = each_renders_its_input_after_a_link(
        &r,
        &[
            ("dev", dev.as_str()),
            ("staging", staging.as_str()),
            ("prod", prod.as_str()),
        ],
    );
    let no_pdb = |d: &Design, env: &str| {
        (validate(d, env).into_iter())
            .filter(|f| f.code == "KP207")
            .collect::<Vec<_>>()
    };
    assert!(no_pdb(&d, "prod").is_empty());
    let [missing] = no_pdb(&d, "staging")
        .try_into()
        .expect("one KP207 in staging");
    assert_eq!(
        missing.path.to_string(),
        format!("environments/staging/overrides/{}/pdb", api.id.0)
    );
    let fix = missing.fix.expect("a fix");
    assert_eq!(fix.label, "Keep the service's PDB in staging");
    let mut d = d;
    d.apply(fix.edit).unwrap();
    assert!(no_pdb(&d, "staging").is_empty());
    let staging_budgets = (render(&d, "staging").objects.iter())
        .filter(|o| o.kind() == "PodDisruptionBudget")
        .count();
    assert_eq!(staging_budgets, 1);
    // dev and prod as they were.
    assert_eq!(rendered(&d, "dev"), input(&dev));
    assert_eq!(rendered(&d, "prod"), input(&prod));
}

/// An Ingress dev does without (it is reached by a port-forward) and staging and prod
/// have, each with its own host: the service's Ingress is staging's, off in dev, with
/// prod's host its own; each environment renders exactly its input, also after a link.
#[test]
fn an_ingress_first_found_in_staging_is_the_services_and_off_in_dev() {
    let ingress = |namespace: &str, host: &str| {
        format!(
            "---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: api
spec:
  ingressClassName: nginx
  rules:
    - host: {host}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: api
                port:
                  name: http
"
        )
    };
    let dev = api_env("shop-dev", 1, None);
    let staging =
        api_env("shop-staging", 2, None) + &ingress("shop-staging", "api.staging.shop.example.com");
    let prod = api_env("shop", 3, None) + &ingress("shop", "api.shop.example.com");
    let r = import::environments(&[("dev", &dev), ("staging", &staging), ("prod", &prod)]).unwrap();
    let api = r.design.service_named("api").unwrap();
    let host = api.exposure.ingress.as_ref().map(|i| i.host.as_str());
    assert_eq!(host, Some("api.staging.shop.example.com"));
    let env = |name: &str| r.design.environment(name).unwrap();
    assert_eq!(env("dev").overrides[&api.id].ingress, Some(false));
    let prod_o = &env("prod").overrides[&api.id];
    assert_eq!(
        (prod_o.ingress, prod_o.ingress_host.as_deref()),
        (None, Some("api.shop.example.com"))
    );
    let said = |env: &str| merged(&r, env);
    assert!(
        said("dev").contains(&"api: no Ingress (the Ingress first found in `staging`)".to_string()),
        "{:?}",
        said("dev")
    );
    each_renders_its_input_after_a_link(
        &r,
        &[
            ("dev", dev.as_str()),
            ("staging", staging.as_str()),
            ("prod", prod.as_str()),
        ],
    );
}

/// Staging lets one pod go, prod keeps two up: prod's budget is its own, so each
/// environment renders its input, also after a link; prod's report says so.
#[test]
fn a_budget_of_its_own_in_prod_is_prods() {
    let budget = api_budget;
    let staging = api_env("shop-staging", 2, None) + &budget("shop-staging", "maxUnavailable: 1");
    let prod = api_env("shop", 3, None) + &budget("shop", "minAvailable: 2");
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    let api = r.design.service_named("api").unwrap();
    assert_eq!(api.scaling.pdb, Some(Pdb::MaxUnavailable(Amount::Count(1))));
    let o = &r.design.environment("prod").unwrap().overrides[&api.id];
    assert_eq!(o.pdb_budget, Some(Pdb::MinAvailable(Amount::Count(2))));
    let said = &r.environments[1].merged;
    assert!(
        said.iter()
            .any(|m| m.starts_with("api:") && m.contains("PDB minAvailable 2")),
        "{said:?}"
    );
    let d = each_renders_its_input_after_a_link(
        &r,
        &[("staging", staging.as_str()), ("prod", prod.as_str())],
    );
    // KP205 on prod's own budget points at it, and its fix changes prod only.
    let mut d = d;
    d.environments[1]
        .overrides
        .get_mut(&api.id)
        .unwrap()
        .pdb_budget = Some(Pdb::MinAvailable(Amount::Count(3)));
    let found = validate(&d, "prod");
    let blocks = found
        .iter()
        .find(|f| f.code == "KP205")
        .expect("KP205 in prod");
    assert_eq!(
        blocks.path.to_string(),
        format!("environments/prod/overrides/{}/pdb_budget", api.id.0)
    );
    d.apply(blocks.fix.clone().unwrap().edit).unwrap();
    assert!(validate(&d, "prod").iter().all(|f| f.code != "KP205"));
    assert_eq!(rendered(&d, "staging"), input(&staging));
}

/// A PodDisruptionBudget only prod's input has, selecting by expression (which a
/// service's budget cannot say), is kept whole as prod's own; it guards the api's pods
/// there, so prod reports no missing budget (whose fix would have added a second PDB
/// `api`), while staging, without one, still does.
#[test]
fn a_budget_only_prod_has_guards_its_pods_there() {
    let staging = api_env("shop-staging", 0, Some((2, 4)));
    let prod = api_env("shop", 3, Some((3, 10)))
        + "---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: api
  namespace: shop
  labels:
    app.kubernetes.io/name: api
spec:
  minAvailable: 2
  selector:
    matchExpressions:
      - key: app.kubernetes.io/name
        operator: In
        values: [api]
";
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    let d = link::decode(&link::encode(&r.design)).unwrap();
    let no_pdb = |env: &str| {
        validate(&d, env)
            .into_iter()
            .filter(|f| f.code == "KP207")
            .count()
    };
    assert_eq!(no_pdb("prod"), 0, "{:#?}", validate(&d, "prod"));
    assert_eq!(no_pdb("staging"), 1);
    let budgets: Vec<_> = (render(&d, "prod").objects.iter())
        .filter(|o| o.kind() == "PodDisruptionBudget")
        .map(|o| o.name().to_string())
        .collect();
    assert_eq!(budgets, ["api"]);
    // A budget the design adds beside it would replace it: said, at both.
    let mut d = d;
    let api = d.service_named("api").unwrap().id;
    d.apply(Edit::Set {
        path: FieldPath::service(api, "/scaling/pdb"),
        value: serde_json::json!({"max_unavailable": 1}),
    })
    .unwrap();
    let twice: Vec<String> = (validate(&d, "prod").into_iter())
        .filter(|f| f.code == "KP309")
        .map(|f| format!("{}: {}", f.path, f.message))
        .collect();
    assert_eq!(
        twice,
        ["objects/PodDisruptionBudget/shop/api: two objects would be PodDisruptionBudget `api` (also claimed by services/s1/name)"]
    );
    assert!(validate(&d, "staging").iter().all(|f| f.code != "KP309"));
}

/// Two inputs in one namespace are most likely parts of one system chosen together:
/// the second's report says so, and how to import them instead. Inputs that name no
/// namespace (`helm template` without `-n`) say nothing of where they go: no note.
#[test]
fn two_environments_in_one_namespace_are_said_to_be_parts_of_one_system() {
    let stack = api_env("payments", 2, None);
    let jobs = api_env("payments", 1, None).replace("name: api", "name: ledger");
    let r = import::environments(&[("stack", &stack), ("jobs", &jobs)]).unwrap();
    let said = &r.environments[1].merged;
    assert!(
        said.iter().any(
            |m| m.starts_with("the namespace `payments` is `stack`'s too")
                && m.ends_with("import them as one environment")
        ),
        "{said:?}"
    );
    let unnamed = |text: &str| text.replace("  namespace: payments\n", "");
    let r = import::environments(&[("dev", &unnamed(&stack)), ("prod", &unnamed(&stack))]).unwrap();
    assert!(
        r.environments
            .iter()
            .flat_map(|e| &e.merged)
            .all(|m| !m.contains("namespace")),
        "{:?}",
        r.environments[1].merged
    );
}

/// The orders API of `namespace` with its variables, as an overlay of each environment
/// renders it: `vars` (YAML list items, indented for the container) after its database
/// host, read from its ConfigMap, and its pod's IP, read by `fieldRef`.
fn orders(namespace: &str, tag: &str, vars: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Namespace
metadata:
  name: {namespace}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: orders-config
  namespace: {namespace}
data:
  DB_HOST: orders-db.{namespace}.svc.cluster.local
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders-api
  namespace: {namespace}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: orders-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: orders-api
    spec:
      containers:
        - name: orders-api
          image: ghcr.io/acme/orders-api:{tag}
          ports:
            - name: http
              containerPort: 8080
          env:
            - name: DB_HOST
              valueFrom:
                configMapKeyRef:
                  name: orders-config
                  key: DB_HOST
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
{vars}"#
    )
}

/// `name: value` pairs as the items of a container's `env` list.
fn vars(pairs: &[(&str, &str)]) -> String {
    (pairs.iter())
        .map(|(name, value)| {
            format!("            - name: {name}\n              value: \"{value}\"\n")
        })
        .collect()
}

#[test]
fn variables_of_each_environment_are_its_own_set_added_or_left_out() {
    let dev = orders(
        "orders-dev",
        "1.8.0-rc.2",
        &vars(&[("LOG_LEVEL", "debug"), ("DEBUG", "true")]),
    );
    let staging = orders(
        "orders-staging",
        "1.8.0-rc.2",
        &vars(&[("LOG_LEVEL", "info")]),
    );
    let prod = orders(
        "orders",
        "1.7.3",
        &vars(&[
            ("LOG_LEVEL", "warn"),
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://otel-collector.observability:4317",
            ),
        ]),
    );
    let inputs = [
        ("dev", dev.as_str()),
        ("staging", &staging),
        ("prod", &prod),
    ];
    let r = import::environments(&inputs).unwrap();
    for (env, text) in inputs {
        assert_exact(&r, env, text);
    }
    let said = |env: &str| merged(&r, env).join("\n");
    assert!(
        said("staging").contains("variable `DEBUG` not set, variable `LOG_LEVEL` `info`"),
        "{}",
        said("staging")
    );
    assert!(
        said("prod").contains(
            "variable `DEBUG` not set, variable `LOG_LEVEL` `warn`, variable \
             `OTEL_EXPORTER_OTLP_ENDPOINT` `http://otel-collector.observability:4317`"
        ),
        "{}",
        said("prod")
    );
    // The variable read by `fieldRef` is the import's, in every environment alike: no
    // environment sets or leaves it out.
    let id = r.design.service_named("orders-api").unwrap().id;
    for env in &r.design.environments {
        let o = env.overrides.get(&id);
        assert!(o.is_none_or(|o| !o.env.contains_key("POD_IP") && !o.env.contains_key("DB_HOST")));
    }
    let mut d = each_renders_its_input_after_a_link(&r, &inputs);

    // Edited after the import: the service's variable renamed, prod's value follows it;
    // removed, prod's goes with it; the one only prod sets stays prod's.
    let var = |d: &Design, env: &str, name: &str| {
        let objects = render(d, env).objects;
        let deployment = objects
            .iter()
            .find(|o| o.kind() == "Deployment")
            .unwrap()
            .to_json();
        let vars = deployment["spec"]["template"]["spec"]["containers"][0]["env"].clone();
        (vars.as_array().into_iter().flatten())
            .find(|v| v["name"] == name)
            .map(|v| {
                v.get("value")
                    .cloned()
                    .unwrap_or_else(|| v["valueFrom"].clone())
            })
    };
    let at = d
        .service(id)
        .unwrap()
        .config
        .env
        .iter()
        .position(|v| v.name == "LOG_LEVEL")
        .unwrap();
    d.apply(Edit::Set {
        path: FieldPath::service(id, &format!("/config/env/{at}/name")),
        value: "RUST_LOG".into(),
    })
    .unwrap();
    assert_eq!(var(&d, "prod", "RUST_LOG"), Some("warn".into()));
    assert_eq!(var(&d, "dev", "RUST_LOG"), Some("debug".into()));
    assert_eq!(var(&d, "prod", "LOG_LEVEL"), None);
    let at_debug = d
        .service(id)
        .unwrap()
        .config
        .env
        .iter()
        .position(|v| v.name == "DEBUG")
        .unwrap();
    let mut env = d.service(id).unwrap().config.env.clone();
    env.remove(at_debug);
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/config/env"),
        value: serde_json::to_value(&env).unwrap(),
    })
    .unwrap();
    let prod_vars = |d: &Design| {
        let o = &d.environment("prod").unwrap().overrides[&id];
        o.env.keys().cloned().collect::<Vec<_>>()
    };
    assert_eq!(prod_vars(&d), ["OTEL_EXPORTER_OTLP_ENDPOINT", "RUST_LOG"]);
    assert_eq!(
        var(&d, "prod", "OTEL_EXPORTER_OTLP_ENDPOINT"),
        Some("http://otel-collector.observability:4317".into())
    );

    // Set in the environment as the inspector sets it: a value, not set here (`false`),
    // and cleared back to the service's.
    let here =
        |name: &str| FieldPath::environment("staging", &format!("/overrides/{}/env/{name}", id.0));
    d.apply(Edit::Set {
        path: here("RUST_LOG"),
        value: "trace".into(),
    })
    .unwrap();
    assert_eq!(var(&d, "staging", "RUST_LOG"), Some("trace".into()));
    d.apply(Edit::Set {
        path: here("RUST_LOG"),
        value: false.into(),
    })
    .unwrap();
    assert_eq!(var(&d, "staging", "RUST_LOG"), None);
    assert_eq!(var(&d, "dev", "RUST_LOG"), Some("debug".into()));
    d.apply(Edit::Set {
        path: here("RUST_LOG"),
        value: Value::Null,
    })
    .unwrap();
    assert_eq!(var(&d, "staging", "RUST_LOG"), Some("debug".into()));
    let refused = d.apply(Edit::Set {
        path: here("RUST_LOG"),
        value: true.into(),
    });
    assert!(refused.is_err(), "{refused:?}");
    // The variable read by `fieldRef` is the import's: a value of staging's own for it
    // is not written beside its `valueFrom`.
    assert!(d.service(id).unwrap().keeps_variable("POD_IP"));
    assert!(!d.service(id).unwrap().keeps_variable("RUST_LOG"));
    d.apply(Edit::Set {
        path: here("POD_IP"),
        value: "10.0.0.1".into(),
    })
    .unwrap();
    let pod_ip = var(&d, "staging", "POD_IP").unwrap();
    assert_eq!(pod_ip["fieldRef"]["fieldPath"], "status.podIP", "{pod_ip}");
    let d = link::decode(&link::encode(&d)).unwrap();
    assert_eq!(var(&d, "prod", "RUST_LOG"), Some("warn".into()));
}

/// `helm template` of one chart with each environment's values and no `-n`: objects
/// that name no namespace.
fn unplaced(replicas: u32, log_level: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Service
metadata:
  name: web-api
  labels:
    app.kubernetes.io/name: web-api
    app.kubernetes.io/instance: web-api
spec:
  selector:
    app.kubernetes.io/name: web-api
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-api
  labels:
    app.kubernetes.io/name: web-api
    app.kubernetes.io/instance: web-api
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app.kubernetes.io/name: web-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web-api
    spec:
      containers:
        - name: web-api
          image: registry.example.com/web-api:2.4.1
          ports:
            - name: http
              containerPort: 8000
          env:
            - name: LOG_LEVEL
              value: {log_level}
"#
    )
}

#[test]
fn environments_whose_objects_name_no_namespace_stay_so_until_given_one() {
    let (staging, prod) = (unplaced(2, "info"), unplaced(4, "warn"));
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    // Both as their inputs are, placed by `kubectl apply -n`: nothing to report, and no
    // namespace shared by the two.
    assert_exact(&r, "staging", &staging);
    assert_exact(&r, "prod", &prod);
    let mut d = r.design;
    assert!(d.environments.iter().all(|e| e.namespace_unwritten));
    for env in ["staging", "prod"] {
        let shared: Vec<_> = (validate(&d, env).into_iter())
            .filter(|f| f.code == "KP405")
            .map(|f| f.message)
            .collect();
        assert!(shared.is_empty(), "{env}: {shared:?}");
    }
    // Unless Argo CD deploys them: each Application deploys into the namespace its
    // environment names, the same one.
    let mut argo = d.clone();
    argo.gitops.repo_url = "https://github.com/acme/web-api-deploy.git".into();
    assert!(validate(&argo, "prod").iter().any(|f| f.code == "KP405"));
    // A namespace given to staging is where its objects go; prod's stay unplaced.
    d.apply(Edit::Set {
        path: FieldPath::environment("staging", "/namespace"),
        value: "web-api-staging".into(),
    })
    .unwrap();
    let namespaces = |d: &Design, env: &str| {
        (render(d, env).objects.iter())
            .map(|o| o.metadata().namespace.clone())
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        namespaces(&d, "staging"),
        BTreeSet::from([Some("web-api-staging".to_string())])
    );
    assert_eq!(namespaces(&d, "prod"), BTreeSet::from([None]));
    let d = link::decode(&link::encode(&d)).unwrap();
    assert_eq!(
        namespaces(&d, "staging"),
        BTreeSet::from([Some("web-api-staging".to_string())])
    );
}

/// A variable of a sidecar kept from the import (read by `fieldRef`) named as one only
/// prod's main container sets: prod's variable is still merged.
#[test]
fn a_sidecars_kept_variable_does_not_hide_the_main_containers_of_that_name() {
    let with_sidecar = |namespace: &str, instance: Option<&str>| {
        let own: Vec<(&str, &str)> = instance.into_iter().map(|i| ("INSTANCE", i)).collect();
        orders(namespace, "1.7.3", &vars(&own)).replace(
            "      containers:\n",
            "      containers:\n        - name: log-shipper\n          image: fluent/fluent-bit:3.1\n          env:\n            - name: INSTANCE\n              valueFrom:\n                fieldRef:\n                  fieldPath: metadata.name\n",
        )
    };
    let staging = with_sidecar("orders-staging", None);
    let prod = with_sidecar("orders", Some("orders-prod-1"));
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    assert_exact(&r, "staging", &staging);
    // (The override puts it after the variable kept from the import, not before: the
    // input's order is kept as prod's own.)
    assert_exact(&r, "prod", &prod);
    let objects = render(&r.design, "prod").objects;
    let deployment = objects
        .iter()
        .find(|o| o.kind() == "Deployment")
        .unwrap()
        .to_json();
    let containers = &deployment["spec"]["template"]["spec"]["containers"];
    let main = (containers.as_array().unwrap().iter())
        .find(|c| c["name"] == "orders-api")
        .unwrap();
    assert!(
        (main["env"].as_array().unwrap().iter())
            .any(|v| v["name"] == "INSTANCE" && v["value"] == "orders-prod-1"),
        "{main}"
    );
    assert!(
        merged(&r, "prod")
            .join("\n")
            .contains("variable `INSTANCE` `orders-prod-1`"),
        "{:?}",
        merged(&r, "prod")
    );
}

/// A service of one environment only, with the ConfigMap and Secret it alone reads: dev's
/// debug console, prod's audit exporter.
fn tool(namespace: &str, name: &str, image: &str) -> String {
    format!(
        "---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {namespace}
data:
  LISTEN_ADDR: \":9000\"
---
apiVersion: v1
kind: Secret
metadata:
  name: {name}-token
  namespace: {namespace}
type: Opaque
stringData:
  TOKEN: change-me
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      containers:
        - name: {name}
          image: {image}
          envFrom:
            - configMapRef:
                name: {name}-config
          env:
            - name: TOKEN
              valueFrom:
                secretKeyRef:
                  name: {name}-token
                  key: TOKEN
"
    )
}

/// What every environment has: a ConfigMap nothing in the design reads (an operator's
/// feature flags), and a migration Job (kept whole) reading the schema ConfigMap.
fn shared_config(namespace: &str) -> String {
    format!(
        "---
apiVersion: v1
kind: ConfigMap
metadata:
  name: feature-flags
  namespace: {namespace}
data:
  checkout-v2: \"false\"
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: schema
  namespace: {namespace}
data:
  VERSION: \"42\"
---
apiVersion: batch/v1
kind: Job
metadata:
  name: migrate
  namespace: {namespace}
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: registry.example.com/shop/migrate:2.1.0
          envFrom:
            - configMapRef:
                name: schema
"
    )
}

/// A ConfigMap or Secret read only by services an environment does not run is not in
/// that environment, whichever environment has the service: each renders exactly its
/// input, also after a link. One nothing models reads (a kept Job's, or nobody's) stays
/// in every environment.
#[test]
fn config_read_only_by_a_service_an_environment_lacks_is_not_there() {
    let dev = shop("shop-dev", 1, (1, 2), "50m", "64Mi", "2.1.0", false)
        + &shared_config("shop-dev")
        + &tool(
            "shop-dev",
            "debug-console",
            "registry.example.com/tools/console:0.9.1",
        );
    let prod = shop("shop", 2, (2, 6), "50m", "64Mi", "2.1.0", false)
        + &shared_config("shop")
        + &tool(
            "shop",
            "audit-exporter",
            "registry.example.com/tools/audit:1.3.0",
        );
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let d = each_renders_its_input_after_a_link(&r, &[("dev", &dev), ("prod", &prod)]);
    let names = |env: &str, kind: &str| -> Vec<String> {
        (rendered(&d, env).into_keys())
            .filter(|k| k.0 == kind)
            .map(|k| k.2)
            .collect()
    };
    assert_eq!(
        names("dev", "ConfigMap"),
        ["debug-console-config", "feature-flags", "schema"]
    );
    assert_eq!(
        names("prod", "ConfigMap"),
        ["audit-exporter-config", "feature-flags", "schema"]
    );
    assert_eq!(names("prod", "Secret"), ["audit-exporter-token"]);

    // Deployed in prod too, the console brings its config along.
    let mut both = d.clone();
    let console = both.service_named("debug-console").unwrap().id;
    let prod_env = both.environments.iter_mut().find(|e| e.name == "prod");
    prod_env
        .unwrap()
        .overrides
        .entry(console)
        .or_default()
        .enabled = Some(true);
    assert_eq!(
        names_in(&both, "prod", "ConfigMap"),
        [
            "audit-exporter-config",
            "debug-console-config",
            "feature-flags",
            "schema"
        ]
    );
    assert!(names_in(&both, "prod", "Secret").contains(&"debug-console-token".to_string()));
}

fn names_in(design: &Design, env: &str, kind: &str) -> Vec<String> {
    (rendered(design, env).into_keys())
        .filter(|k| k.0 == kind)
        .map(|k| k.2)
        .collect()
}

/// Dependencies read from the configuration are edges only where no environment denies
/// by default: dev's `DATABASE_URL` naming the database, merged into a design whose prod
/// denies by default with no policy for that call, would write allowances prod's input
/// does not have. Each environment still renders exactly its input.
#[test]
fn addresses_read_in_one_environment_open_no_policy_in_another() {
    let mut design = templates::stfc_fastapi();
    design.edges.clear();
    for env in &mut design.environments {
        env.default_deny = env.name == "prod";
    }
    let inputs: Vec<(String, String)> = (design.environments.iter())
        .filter(|e| e.hosts_services)
        .map(|e| (e.name.clone(), render(&design, &e.name).to_yaml()))
        .collect();
    let pairs: Vec<(&str, &str)> = inputs
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let r = import::environments(&pairs).unwrap();
    assert_eq!(r.design.edges, Vec::new());
    for (env, text) in &pairs {
        assert_exact(&r, env, text);
    }
    // The same system without prod's default-deny: the address is read as the edge.
    let open: Vec<(String, String)> = {
        design
            .environments
            .iter_mut()
            .for_each(|e| e.default_deny = false);
        (design.environments.iter())
            .filter(|e| e.hosts_services)
            .map(|e| (e.name.clone(), render(&design, &e.name).to_yaml()))
            .collect()
    };
    let pairs: Vec<(&str, &str)> = open.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
    let r = import::environments(&pairs).unwrap();
    let named: Vec<(String, String)> = (r.design.edges.iter())
        .map(|e| {
            let name = |id| r.design.service(id).unwrap().name.clone();
            (name(e.from), name(e.to))
        })
        .collect();
    assert_eq!(
        named,
        [("fastapi-app".to_string(), "icat-mariadb".to_string())]
    );
}

/// A ConfigMap the model sees only one reader of (debug tools' envFrom) is still there
/// where those do not run, when a pod reads it in a way the import kept as written: the
/// API's projected volume.
#[test]
fn config_read_through_what_the_import_kept_stays() {
    let input = "apiVersion: v1
kind: ConfigMap
metadata:
  name: shared
  namespace: shop
data:
  region: eu-west-1
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:2.0.0
          volumeMounts:
            - name: settings
              mountPath: /etc/api
      volumes:
        - name: settings
          projected:
            sources:
              - configMap:
                  name: shared
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: debug-tools
  namespace: shop
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: debug-tools
  template:
    metadata:
      labels:
        app.kubernetes.io/name: debug-tools
    spec:
      containers:
        - name: tools
          image: ghcr.io/acme/tools:0.3.0
          envFrom:
            - configMapRef:
                name: shared
";
    let mut d = import::kubernetes(input).design;
    assert_eq!(names_in(&d, "shop", "ConfigMap"), ["shared"]);
    let tools = d.service_named("debug-tools").unwrap().id;
    d.environments[0]
        .overrides
        .entry(tools)
        .or_default()
        .enabled = Some(false);
    assert_eq!(
        names_in(&d, "shop", "ConfigMap"),
        ["shared"],
        "the API still mounts it"
    );
    // Nor does a rule then say the pods cannot start.
    let codes: Vec<&str> = rules::validate(&d, "shop").iter().map(|f| f.code).collect();
    assert!(!codes.contains(&"KP720"), "{codes:?}");
}

/// A chart's output as `helm template ledger ./chart -n NAMESPACE -f values-ENV.yaml`
/// writes it (tests/corpus/helm-envs): the app version label on every object, a
/// `checksum/config` of the environment's ConfigMap on the pods, and in prod a
/// toleration of its dedicated nodes and images pulled every time.
fn ledger(env: &str) -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/helm-envs");
    std::fs::read_to_string(format!("{dir}/{env}.yaml")).unwrap()
}

/// What an environment's input has of its own beyond what an override says (the chart's
/// version label on the ConfigMap and the Secret, a checksum of its own config, a
/// toleration and a pull policy of prod only) is kept as that environment's own: each
/// environment renders its input exactly, also after a link; an edit of a modelled
/// field still wins, and what is kept follows renames and goes with what it was kept
/// for.
#[test]
fn details_an_environment_has_of_its_own_are_kept_as_its_own() {
    let (dev, prod) = (ledger("dev"), ledger("prod"));
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    assert_exact(&r, "dev", &dev);
    assert_exact(&r, "prod", &prod);
    let said = merged(&r, "prod").join("\n");
    for what in [
        "Deployment `ledger`: details of its own kept as this input wrote them",
        // (The design writes a checksum of prod's own config there.)
        "`a41d7e2c80` at `spec.template.metadata.annotations[\"checksum/config\"]` (the design:",
        "at `spec.template.spec.tolerations` (the design: nothing)",
        "ConfigMap `ledger-config`: details of its own kept",
        "Secret `ledger-db`: details of its own kept",
    ] {
        assert!(said.contains(what), "{what}: {said}");
    }
    let linked = each_renders_its_input_after_a_link(&r, &[("dev", &dev), ("prod", &prod)]);
    let filed = file::from_json(&file::to_json(&r.design)).unwrap();
    assert_eq!(filed, r.design);
    assert_eq!(linked, r.design);

    let workload = |d: &Design, env: &str| {
        (render(d, env).objects.iter())
            .find(|o| o.kind() == "Deployment")
            .unwrap()
            .to_json()
    };
    let mut d = r.design;
    let id = d.service_named("ledger").unwrap().id;
    // Prod's own image tag, edited: the tag is the edit's, the checksum and the
    // toleration stay prod's.
    d.apply(Edit::Set {
        path: FieldPath::environment("prod", &format!("/overrides/{}/image_tag", id.0)),
        value: "2.4.2".into(),
    })
    .unwrap();
    let w = workload(&d, "prod");
    let pod = &w["spec"]["template"];
    assert_eq!(
        pod["spec"]["containers"][0]["image"],
        "ghcr.io/acme/ledger:2.4.2"
    );
    assert_eq!(
        pod["metadata"]["annotations"]["checksum/config"],
        "a41d7e2c80"
    );
    assert_eq!(pod["spec"]["tolerations"][0]["value"], "ledger");
    assert!(workload(&d, "dev")["spec"]["template"]["spec"]
        .get("tolerations")
        .is_none());

    // The service and its container renamed: prod keeps its details under the new names.
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/name"),
        value: "ledger-api".into(),
    })
    .unwrap();
    let container = d.service(id).unwrap().container().to_string();
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/container_name"),
        value: "app".into(),
    })
    .unwrap();
    assert_ne!(container, "app", "the container was renamed");
    let w = workload(&d, "prod");
    assert_eq!(w["metadata"]["name"], "ledger-api");
    let main = &w["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(main["name"], "app");
    assert_eq!(main["imagePullPolicy"], "Always", "{main}");
    assert_eq!(
        w["spec"]["template"]["metadata"]["annotations"]["checksum/config"],
        "a41d7e2c80"
    );

    // The ConfigMap renamed: prod's version label of it follows.
    rename_config_map(&mut d, "ledger-config", "ledger-settings");
    let prod_objects = render(&d, "prod").objects;
    let cm = (prod_objects.iter())
        .find(|o| o.kind() == "ConfigMap")
        .unwrap()
        .to_json();
    assert_eq!(cm["metadata"]["name"], "ledger-settings");
    assert_eq!(
        cm["metadata"]["labels"]["app.kubernetes.io/version"],
        "2.4.1"
    );

    // Prod's own config edited: the checksum is the design's again, so the pods roll.
    d.apply(Edit::Set {
        path: FieldPath::environment_config_value("prod", "ledger-settings", "LOG_LEVEL"),
        value: "error".into(),
    })
    .unwrap();
    let w = workload(&d, "prod");
    let checksum = &w["spec"]["template"]["metadata"]["annotations"]["checksum/config"];
    assert!(
        checksum.as_str().is_some_and(|c| c.len() == 64),
        "{checksum}"
    );
    assert_eq!(
        w["spec"]["template"]["spec"]["tolerations"][0]["value"],
        "ledger"
    );

    // Removed, the service takes what prod kept of it along.
    let before = d.clone();
    d.apply(Edit::RemoveService(id)).unwrap();
    let prod_env = d.environment("prod").unwrap();
    assert!(!prod_env.own_residuals.services.contains_key(&id));
    assert!(!before
        .environment("prod")
        .unwrap()
        .own_residuals
        .services
        .is_empty());
}

/// The multi-environment imports the property below edits: the chart above, and the
/// overlays of tests/corpus/two-envs.
fn imported_pairs() -> Vec<(EnvironmentsImport, [(String, String); 2])> {
    let pairs = [
        (("dev", ledger("dev")), ("prod", ledger("prod"))),
        (
            ("staging", two_envs("staging.yaml")),
            ("prod", two_envs("prod.yaml")),
        ),
    ];
    pairs
        .into_iter()
        .map(|((a, ta), (b, tb))| {
            let r = import::environments(&[(a, &ta), (b, &tb)]).unwrap();
            (r, [(a.to_string(), ta), (b.to_string(), tb)])
        })
        .collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]

    /// An edit of a modelled field of any service of a multi-environment import reaches
    /// the YAML of every environment, also after a link; everything else of each
    /// environment's workload stays as its input wrote it, what it kept of its own too.
    #[test]
    fn an_edit_after_a_multi_environment_import_reaches_every_environment(
        pick in proptest::prelude::any::<proptest::sample::Index>(),
        service in proptest::prelude::any::<proptest::sample::Index>(),
        edit in 0..3usize,
        through_link in proptest::prelude::any::<bool>(),
    ) {
        let pairs = imported_pairs();
        let (r, inputs) = &pairs[pick.index(pairs.len())];
        let mut d = r.design.clone();
        if through_link {
            d = link::decode(&link::encode(&d)).unwrap();
        }
        let s = d.services[service.index(d.services.len())].clone();
        let (pointer, value, at) = [
            ("/timing/grace_period_seconds", serde_json::json!(97), "/spec/template/spec/terminationGracePeriodSeconds"),
            ("/command", serde_json::json!(["/bin/edited"]), "/spec/template/spec/containers/0/command"),
            ("/timing/pre_stop_seconds", serde_json::json!(7), "/spec/template/spec/containers/0/lifecycle/preStop/sleep/seconds"),
        ][edit].clone();
        d.apply(Edit::Set { path: FieldPath::service(s.id, pointer), value: value.clone() }).unwrap();
        for (env, text) in inputs {
            let got = rendered(&d, env);
            let want = input(text);
            let k = (want.keys())
                .find(|k| k.2 == s.name && matches!(k.0.as_str(), "Deployment" | "StatefulSet"))
                .expect("the service's workload");
            let (mut edited, mut input) = (got[k].clone(), want[k].clone());
            proptest::prop_assert_eq!(edited.pointer(at), Some(&value), "{}: {} of {}", env, pointer, s.name);
            // Apart from what the edit touched, the workload is its input's (which names
            // a generated ConfigMap by another hash, as the report says).
            for v in [&mut edited, &mut input] {
                unhashed(v);
                let pod = &mut v["spec"]["template"]["spec"];
                pod.as_object_mut().unwrap().remove("terminationGracePeriodSeconds");
                let main = pod["containers"][0].as_object_mut().unwrap();
                main.remove("command");
                main.remove("lifecycle");
            }
            proptest::prop_assert_eq!(edited, input, "{}: {} of {}", env, pointer, s.name);
        }
    }
}

/// Every name of a generated ConfigMap in `v` without its hash suffix.
fn unhashed(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let Some((stem, hash)) = s.rsplit_once('-') {
                if hash.len() == 10
                    && hash
                        .chars()
                        .all(|c| "bcdfghjkmnpqrstvwxz2456789".contains(c))
                {
                    *s = stem.to_string();
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(unhashed),
        Value::Object(members) => members.values_mut().for_each(unhashed),
        _ => {}
    }
}

/// The storefront's web tier in `namespace`: its container with `container` added
/// (indented as the container's fields), its pod with `pod` added (as the pod spec's).
fn storefront(namespace: &str, container: &str, pod: &str) -> String {
    format!(
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: {namespace}
data:
  LOG_LEVEL: info
  nginx.conf: |
    worker_processes auto;
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - name: http
              containerPort: 8080
          volumeMounts:
            - name: config
              mountPath: /etc/web
{container}      volumes:
        - name: config
          configMap:
            name: web-config
{pod}---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: {namespace}
spec:
  selector:
    app.kubernetes.io/name: web
  ports:
    - name: http
      port: 80
      targetPort: http
"
    )
}

/// The rendered main container and pod spec of `web` in `env`.
fn web_pod(d: &Design, env: &str) -> Value {
    let objects = render(d, env).objects;
    let web = (objects.iter())
        .find(|o| o.kind() == "Deployment")
        .unwrap()
        .to_json();
    web["spec"]["template"]["spec"].clone()
}

/// A probe and a hook only prod's input has are what the model holds (the service's
/// probes and preStop), and no override says: they are reported as not merged, never
/// kept as prod's own (which would render what the model, the rules and the shutdown
/// timeline do not say). Prod's toleration, which the model has no field for, is kept.
#[test]
fn what_the_model_holds_of_one_environment_is_reported_not_kept() {
    let dev = storefront("shop-dev", "", "");
    let prod = storefront(
        "shop",
        "          readinessProbe:
            httpGet:
              path: /ready
              port: http
              httpHeaders:
                - name: X-Probe
                  value: kubelet
            periodSeconds: 5
          lifecycle:
            preStop:
              exec:
                command: [nginx, -s, quit]
",
        "      tolerations:
        - key: dedicated
          operator: Exists
      securityContext:
        sysctls:
          - name: net.core.somaxconn
            value: \"1024\"
",
    );
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let report = &r.environments[1];
    let message = (report.not_merged.iter())
        .find(|n| n.kind == "Deployment" && n.name == "web")
        .map(|n| n.message.as_str())
        .unwrap_or_default();
    for what in ["readinessProbe", "lifecycle"] {
        assert!(message.contains(what), "{what}: {message}");
    }
    assert!(!message.contains("tolerations"), "{message}");
    // What the model has no field for is kept (a pod's `sysctls`), except inside what
    // the model holds and renders nothing of here (the probe's headers).
    assert!(
        message.contains("X-Probe") && !message.contains("sysctls"),
        "{message}"
    );
    let said = merged(&r, "prod").join("\n");
    assert!(said.contains("spec.template.spec.tolerations"), "{said}");
    assert!(said.contains("sysctls"), "{said}");
    let pod = web_pod(&r.design, "prod");
    let main = &pod["containers"][0];
    assert!(
        main.get("readinessProbe").is_none() && main.get("lifecycle").is_none(),
        "{main}"
    );
    assert_eq!(pod["tolerations"][0]["key"], "dedicated");
    assert_eq!(
        pod["securityContext"]["sysctls"][0]["value"], "1024",
        "{pod}"
    );
}

/// An overlay whose generated ConfigMap has another hash (its own values): a detail only
/// it has (a pod annotation) is kept as its own, not mistaken for a difference of the
/// model because the two read the ConfigMap by other names.
#[test]
fn a_detail_beside_a_generated_config_map_of_another_hash_is_kept() {
    let staging = two_envs("staging.yaml");
    let prod = two_envs("prod.yaml");
    let template = "  template:\n    metadata:\n";
    let at = prod
        .find(&format!(
            "{template}      labels:\n        app.kubernetes.io/name: api"
        ))
        .unwrap();
    let prod = format!(
        "{}{template}      annotations:\n        example.com/team: payments\n{}",
        &prod[..at],
        &prod[at + template.len()..]
    );
    let r = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    let said = merged(&r, "prod").join("\n");
    assert!(
        said.contains("Deployment `api`: details of its own kept")
            && said.contains("example.com/team"),
        "{said}"
    );
    // What is not merged is the generated ConfigMap and the workloads' references to it
    // (as without the annotation), not the annotation.
    let report = &r.environments[1].not_merged;
    assert_eq!(report.len(), 4, "{report:#?}");
    assert!(
        (report.iter()).all(|n| !n.message.contains("example.com")),
        "{report:#?}"
    );
    let objects = render(&r.design, "prod").objects;
    let api = (objects.iter())
        .find(|o| o.kind() == "Deployment" && o.name() == "api")
        .unwrap()
        .to_json();
    assert_eq!(
        api["spec"]["template"]["metadata"]["annotations"]["example.com/team"],
        "payments"
    );
}

/// What only prod's input has that reads a ConfigMap (a volume listing keys, a projected
/// volume) follows a rename of the key and of the ConfigMap, and the rules read it.
#[test]
fn an_environments_own_reads_of_a_config_map_follow_its_renames() {
    let dev = storefront("shop-dev", "", "");
    let prod = storefront("shop", "", "")
        .replace(
            "            name: web-config\n",
            "            name: web-config\n            items:\n              - key: nginx.conf\n                path: nginx.conf\n",
        )
        .replace(
            "---\napiVersion: v1\nkind: Service",
            "        - name: settings\n          projected:\n            sources:\n              - configMap:\n                  name: web-config\n---\napiVersion: v1\nkind: Service",
        );
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    assert_exact(&r, "prod", &prod);
    let mut d = r.design;
    let volume = |d: &Design, name: &str| {
        let pod = web_pod(d, "prod");
        (pod["volumes"].as_array().unwrap().iter())
            .find(|v| v["name"] == name)
            .unwrap()
            .clone()
    };
    // The key renamed: prod's volume lists it by its new name, and KP305 checks it.
    d.apply(Edit::RenameKey {
        secret: false,
        object: "web-config".into(),
        from: "nginx.conf".into(),
        to: "default.conf".into(),
    })
    .unwrap();
    assert_eq!(
        volume(&d, "config")["configMap"]["items"][0]["key"],
        "default.conf"
    );
    assert!(!validate(&d, "prod").iter().any(|f| f.code == "KP305"));
    let id = d.service_named("web").unwrap().id;
    assert_eq!(
        d.service(id)
            .unwrap()
            .volume_item_keys_here("config", d.environment("prod").unwrap()),
        Some(vec!["default.conf".to_string()])
    );
    // The ConfigMap renamed: prod's projected volume reads it by its new name.
    rename_config_map(&mut d, "web-config", "web-settings");
    let projected = volume(&d, "settings");
    assert_eq!(
        projected["projected"]["sources"][0]["configMap"]["name"],
        "web-settings"
    );
    assert!(!validate(&d, "prod").iter().any(|f| f.code == "KP305"));
}

/// ConfigMap `from` of `d` renamed `to`, as its name field in the page does.
fn rename_config_map(d: &mut Design, from: &str, to: &str) {
    d.apply(Edit::Set {
        path: FieldPath {
            target: Target::ConfigMap(from.into()),
            pointer: "/name".into(),
        },
        value: to.into(),
    })
    .unwrap();
}

/// A ConfigMap key only some environments' files write (a debug switch dev and staging
/// have and prod does not) stays the design's, and prod leaves it out: each renders its
/// ConfigMap as its file has it, and prod's report says so. Also after a link.
#[test]
fn a_config_key_some_environments_lack_is_left_out_there() {
    let file = |env: &str| {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/keys-of-some");
        std::fs::read_to_string(format!("{dir}/{env}.yaml")).unwrap()
    };
    let (dev, staging, prod) = (file("dev"), file("staging"), file("prod"));
    let imported =
        import::environments(&[("dev", &dev), ("staging", &staging), ("prod", &prod)]).unwrap();
    let d = link::decode(&link::encode(&imported.design)).unwrap();
    let data = |env: &str| -> BTreeMap<String, String> {
        let cm = (render(&d, env).objects.iter())
            .find(|o| o.kind() == "ConfigMap")
            .unwrap()
            .to_json();
        serde_json::from_value(cm["data"].clone()).unwrap()
    };
    let map = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
        (pairs.iter())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    assert_eq!(
        data("dev"),
        map(&[
            ("LOG_LEVEL", "debug"),
            ("DEBUG_SQL", "1"),
            ("REGION", "eu-west-1")
        ])
    );
    assert_eq!(
        data("staging"),
        map(&[
            ("LOG_LEVEL", "info"),
            ("DEBUG_SQL", "1"),
            ("REGION", "eu-west-1")
        ])
    );
    assert_eq!(
        data("prod"),
        map(&[("LOG_LEVEL", "warn"), ("REGION", "eu-west-1")]),
        "prod has no DEBUG_SQL"
    );
    let design = d.config_map("ledger-config").unwrap();
    assert_eq!(design.data["DEBUG_SQL"], "1", "{:?}", design.data);
    let left_out = |env: &str| d.environment(env).unwrap().config_left_out.clone();
    assert_eq!(
        left_out("prod"),
        BTreeMap::from([(
            "ledger-config".to_string(),
            BTreeSet::from(["DEBUG_SQL".to_string()])
        )])
    );
    assert!(left_out("dev").is_empty() && left_out("staging").is_empty());
    for r in &imported.environments {
        assert!(
            r.not_merged.iter().all(|n| n.kind != "ConfigMap"),
            "{}: {:?}",
            r.environment,
            r.not_merged
        );
        let said: Vec<&String> = (r.merged.iter())
            .filter(|m| m.contains("`DEBUG_SQL`"))
            .collect();
        let want = match r.environment.as_str() {
            "prod" => vec!["ConfigMap ledger-config: leaves out key `DEBUG_SQL` of the others, which its file does not write"],
            _ => vec![],
        };
        assert_eq!(said, want, "{}: {:?}", r.environment, r.merged);
    }
    // An environment whose file has no such ConfigMap renders it as before, with the
    // first environment's values (the comparison reports it).
    // (dev's Deployment alone, in its own namespace.)
    let bare = dev
        .split_once("---\n")
        .unwrap()
        .1
        .replace("ledger-dev", "ledger-qa");
    let imported = import::environments(&[("dev", &dev), ("prod", &prod), ("qa", &bare)]).unwrap();
    let d = &imported.design;
    let qa = (render(d, "qa").objects.iter())
        .find(|o| o.kind() == "ConfigMap")
        .unwrap()
        .to_json();
    assert_eq!(qa["data"]["DEBUG_SQL"], "1", "{qa}");
    assert_eq!(qa["data"]["LOG_LEVEL"], "debug", "{qa}");
}

/// One shop in namespace `shop`, `replicas` of its web front end: `web` dials `api` by
/// its name qualified with the namespace, in a variable and in its ConfigMap.
fn one_namespace(replicas: u32) -> String {
    format!(
        r#"apiVersion: v1
kind: ConfigMap
metadata: {{name: web-config, namespace: shop}}
data:
  CACHE_ADDR: "cache.shop.svc:6379"
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: web, namespace: shop}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata: {{labels: {{app: web}}}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.0.1
          ports: [{{name: http, containerPort: 3000}}]
          envFrom: [{{configMapRef: {{name: web-config}}}}]
          env:
            - {{name: API_URL, value: "http://api.shop.svc.cluster.local:8080/v1"}}
---
apiVersion: v1
kind: Service
metadata: {{name: web, namespace: shop}}
spec:
  selector: {{app: web}}
  ports: [{{name: http, port: 80, targetPort: http}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:2.0.1
          ports: [{{name: http, containerPort: 8080}}]
---
apiVersion: v1
kind: Service
metadata: {{name: api, namespace: shop}}
spec:
  selector: {{app: api}}
  ports: [{{name: http, port: 8080, targetPort: http}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: cache, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: cache}}}}
  template:
    metadata: {{labels: {{app: cache}}}}
    spec:
      containers:
        - name: redis
          image: redis:7.4
          ports: [{{name: redis, containerPort: 6379}}]
---
apiVersion: v1
kind: Service
metadata: {{name: cache, namespace: shop}}
spec:
  selector: {{app: cache}}
  ports: [{{name: redis, port: 6379, targetPort: redis}}]
"#
    )
}

/// Two overlays that deploy to one namespace (`shop`), whose web front end names its
/// callees in it (`api.shop.svc.cluster.local`): KP405's fix moves `dev` to
/// `shop-dev`, and what `dev` reads follows it there, as values of its own; `prod`
/// still reads `shop`. Nothing is left naming a namespace no environment of the
/// callee has. Also after a link.
#[test]
fn an_environment_moved_out_of_a_shared_namespace_dials_its_own_services_there() {
    let imported = import::environments(&[("dev", &one_namespace(1)), ("prod", &one_namespace(3))])
        .unwrap()
        .design;
    for through_link in [false, true] {
        let mut d = imported.clone();
        if through_link {
            d = link::decode(&link::encode(&d)).unwrap();
        }
        let fix = (validate(&d, "dev").into_iter())
            .find(|f| f.code == "KP405")
            .and_then(|f| f.fix)
            .expect("KP405 with its fix");
        assert_eq!(fix.label, "Deploy `dev` to namespace `shop-dev`");
        d.apply(fix.edit).unwrap();
        let reads = |d: &Design, env: &str| -> (Value, Value) {
            let objects = rendered(d, env);
            let find = |kind: &str, name: &str| {
                (objects.iter())
                    .find(|(k, _)| k.0 == kind && k.2 == name)
                    .map(|(_, v)| v.clone())
                    .unwrap()
            };
            let web = find("Deployment", "web");
            let api_url = (web["spec"]["template"]["spec"]["containers"][0]["env"].as_array())
                .into_iter()
                .flatten()
                .find(|e| e["name"] == "API_URL")
                .map(|e| e["value"].clone())
                .unwrap_or_default();
            (
                api_url,
                find("ConfigMap", "web-config")["data"]["CACHE_ADDR"].clone(),
            )
        };
        assert_eq!(
            reads(&d, "dev"),
            (
                Value::from("http://api.shop-dev.svc.cluster.local:8080/v1"),
                Value::from("cache.shop-dev.svc:6379")
            ),
            "link: {through_link}"
        );
        assert_eq!(
            reads(&d, "prod"),
            (
                Value::from("http://api.shop.svc.cluster.local:8080/v1"),
                Value::from("cache.shop.svc:6379")
            ),
            "link: {through_link}"
        );
        for env in ["dev", "prod"] {
            let unknown: Vec<String> = (validate(&d, env).into_iter())
                .filter(|f| matches!(f.code, "KP321" | "KP405"))
                .map(|f| f.message)
                .collect();
            assert_eq!(unknown, Vec::<String>::new(), "{env}, link: {through_link}");
        }
    }
}

/// Dev writes the database's URL; prod reads it from a Secret, and a DSN only prod sets
/// from the same Secret: one service whose prod reads those keys in place of dev's
/// value, merged (said so), and each environment rendered back exactly, after a link
/// too.
#[test]
fn a_variable_one_environment_writes_and_another_reads_from_a_secret_is_one_variable() {
    let deployment = |ns: &str, url: &str, extra: &str| {
        format!(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {{name: orders, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: orders}}}}
  template:
    metadata: {{labels: {{app: orders}}}}
    spec:
      containers:
        - name: orders
          image: ghcr.io/acme/orders:3.2.0
          env:
            - name: DATABASE_URL
{url}            - name: LOG_LEVEL
              value: info
{extra}"#
        )
    };
    let dev = deployment(
        "orders-dev",
        "              value: postgres://orders:orders@postgres:5432/orders\n",
        "",
    );
    let prod = format!(
        "{}---\napiVersion: v1\nkind: Secret\nmetadata: {{name: orders-db, namespace: orders}}\ntype: Opaque\ndata: {{url: cG9zdGdyZXM6Ly8=, sentry-dsn: aHR0cHM6Ly8=}}\n",
        deployment(
            "orders",
            "              valueFrom: {secretKeyRef: {name: orders-db, key: url}}\n",
            "            - name: SENTRY_DSN\n              valueFrom: {secretKeyRef: {name: orders-db, key: sentry-dsn}}\n",
        )
    );
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    assert_eq!(r.design.services.len(), 1);
    let orders = &r.design.services[0];
    assert!(matches!(
        &orders.config.env.iter().find(|v| v.name == "DATABASE_URL").unwrap().value,
        EnvValue::Literal(url) if url.starts_with("postgres://")
    ));
    let prod_env = r.design.environment("prod").unwrap();
    let here = &prod_env.overrides[&orders.id].env;
    let key = |key: &str| {
        VarHere::Read(EnvValue::SecretKey {
            name: "orders-db".into(),
            key: key.into(),
        })
    };
    assert_eq!(here.get("DATABASE_URL"), Some(&key("url")));
    assert_eq!(here.get("SENTRY_DSN"), Some(&key("sentry-dsn")));
    let said = merged(&r, "prod").join("; ");
    assert!(
        said.contains("variable `DATABASE_URL` from Secret orders-db, key url"),
        "{said}"
    );
    each_renders_its_input_after_a_link(&r, &[("dev", &dev), ("prod", &prod)]);
}

/// Prod reads a key of a Secret dev has too, with fewer keys: the design's Secret gets
/// the key prod reads, and each environment renders its input back exactly.
#[test]
fn a_key_only_one_environment_reads_joins_the_secret_both_have() {
    let input = |ns: &str, url: &str, keys: &str| {
        format!(
            r#"
apiVersion: v1
kind: Secret
metadata: {{name: orders-db, namespace: {ns}}}
type: Opaque
data: {{{keys}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: orders, namespace: {ns}}}
spec:
  selector: {{matchLabels: {{app: orders}}}}
  template:
    metadata: {{labels: {{app: orders}}}}
    spec:
      containers:
        - name: orders
          image: ghcr.io/acme/orders:3.2.0
          env:
            - name: DB_PASSWORD
              valueFrom: {{secretKeyRef: {{name: orders-db, key: password}}}}
            - name: DATABASE_URL
{url}"#
        )
    };
    let dev = input(
        "orders-dev",
        "              value: postgres://orders@postgres:5432/orders\n",
        "password: cGFzcw==",
    );
    let prod = input(
        "orders",
        "              valueFrom: {secretKeyRef: {name: orders-db, key: url}}\n",
        "password: cGFzcw==, url: cG9zdGdyZXM6Ly8=",
    );
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    let keys = &r.design.secret("orders-db").unwrap().keys;
    assert_eq!(keys, &["password", "url"]);
    assert!(validate(&r.design, "prod")
        .iter()
        .all(|f| f.code != "KP305"));
    each_renders_its_input_after_a_link(&r, &[("dev", &dev), ("prod", &prod)]);
}

/// Files of one system (a folder of manifests: one file per service, in one namespace or
/// naming none) are said to be that, so that a page imports them as one environment;
/// renderings per environment (namespaces of their own, or the same objects) are not.
#[test]
fn files_of_one_system_are_told_from_environments() {
    let service = |name: &str, namespace: Option<&str>| {
        let ns = namespace.map_or(String::new(), |n| format!("\n  namespace: {n}"));
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}{ns}
spec:
  selector:
    matchLabels: {{app.kubernetes.io/name: {name}}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: {name}}}
    spec:
      containers:
        - name: {name}
          image: ghcr.io/acme/{name}:1.4.0
          ports: [{{name: http, containerPort: 8080}}]
---
apiVersion: v1
kind: Service
metadata:
  name: {name}{ns}
spec:
  selector: {{app.kubernetes.io/name: {name}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
"
        )
    };
    let one = |files: &[(&str, String)]| {
        let inputs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        import::environments(&inputs).unwrap().one_system
    };
    let (web, api) = (service("web", Some("shop")), service("api", Some("shop")));
    assert!(one(&[("web", web.clone()), ("api", api.clone())]));
    assert!(one(&[
        ("web", service("web", None)),
        ("api", service("api", None))
    ]));
    // The same objects, or namespaces of their own: environments.
    assert!(!one(&[
        ("dev", service("web", Some("shop-dev"))),
        ("prod", service("web", Some("shop-prod")))
    ]));
    assert!(!one(&[
        ("dev", service("web", None)),
        ("prod", service("web", None))
    ]));
    assert!(!one(&[
        ("web", web.clone()),
        ("api", service("api", Some("billing")))
    ]));
    assert!(!one(&[("web", web), ("api", service("api", None))]));
    assert!(!one(&[("api", api)]), "one file is no parts");
}
