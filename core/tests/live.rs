//! The page's live YAML (`render::live::LiveYaml`) re-renders only the services an edit
//! changed, and its live findings (`rules::LiveFindings`) re-run only their checks.
//! Whatever the edits, on random designs, imports and templates, before and after a
//! link round trip, its documents are exactly those of a full `render` and its findings
//! those of a fresh `validate`, and a field edit of one service renders and checks that
//! service alone.

mod common;
#[path = "common/corpus.rs"]
mod corpus;

use kubeprint_core::render::live::LiveYaml;
use kubeprint_core::rules::LiveFindings;
use kubeprint_core::*;
use proptest::prelude::*;
use serde_json::json;

/// The documents of a full render, as the live YAML gives them.
fn full(design: &Design, env: &str) -> Vec<(String, String, String)> {
    render(design, env).documents()
}

fn live_docs(live: &mut LiveYaml, design: &Design, env: &str) -> Vec<(String, String, String)> {
    live.documents(design, env)
        .into_iter()
        .map(|(k, n, y)| (k.to_string(), n.to_string(), y.to_string()))
        .collect()
}

/// One of the edits a user makes, aimed by `pick` at a service, an environment, a
/// config map or the design: each reaches a different input of what services render
/// from (the service, its environment and override, the design's settings, config
/// data, edges, the list of services).
fn edit(design: &Design, kind: u8, pick: usize, value: u32) -> Option<Edit> {
    let service = design.services.get(pick % design.services.len().max(1));
    let env = &design.environments[pick % design.environments.len()].name;
    let set = |path: FieldPath, value: serde_json::Value| Some(Edit::Set { path, value });
    match kind {
        0 => set(
            FieldPath::service(service?.id, "/timing/grace_period_seconds"),
            json!(value % 120),
        ),
        1 => set(
            FieldPath::service(service?.id, "/scaling/replicas"),
            json!(value % 5),
        ),
        2 => set(
            FieldPath::service(service?.id, "/tag"),
            json!(format!("1.{value}")),
        ),
        3 => set(
            FieldPath::service(service?.id, "/name"),
            json!(format!("svc-{value}")),
        ),
        4 => set(FieldPath::design("/name"), json!(format!("system-{value}"))),
        5 => set(
            FieldPath::environment(env, "/default_deny"),
            json!(value.is_multiple_of(2)),
        ),
        6 => set(
            FieldPath::environment(env, "/namespace"),
            json!(format!("ns-{value}")),
        ),
        7 => {
            let cm = design
                .config_maps
                .get(pick % design.config_maps.len().max(1))?;
            set(
                FieldPath {
                    target: Target::ConfigMap(cm.name.clone()),
                    pointer: "/data/K".into(),
                },
                json!(format!("v{value}")),
            )
        }
        // An edge on a port its callee's Service has, so that default-deny lets it
        // through in both services' policies.
        8 => {
            let from = service?.id;
            let to = design
                .services
                .get(value as usize % design.services.len())?;
            let port = to.exposure.ports.first().map_or("http".into(), |p| {
                if p.name.is_empty() {
                    p.port.to_string()
                } else {
                    p.name.clone()
                }
            });
            Some(Edit::AddEdge(Edge {
                from,
                to: to.id,
                port,
            }))
        }
        9 => Some(Edit::RemoveService(service?.id)),
        10 => {
            let mut copy = service?.clone();
            copy.name = format!("copy-{value}");
            Some(Edit::AddService(Box::new(copy)))
        }
        11 => set(
            FieldPath::design("/cluster/ingress_class"),
            json!(format!("class-{value}")),
        ),
        // What a caller's policy reads of its callee: the port traffic goes to.
        12 => set(
            FieldPath::service(service?.id, "/exposure/ports/0/target"),
            json!(8000 + value % 3),
        ),
        // Who reads monitors, and where Prometheus runs: what scrapes, its own and those
        // kept from an import, let in under default-deny.
        13 => set(
            FieldPath::environment(env, "/monitoring/scraping"),
            json!(if value.is_multiple_of(2) {
                "operator"
            } else {
                "annotations"
            }),
        ),
        14 => set(
            FieldPath::design("/cluster/monitoring_namespace"),
            if value.is_multiple_of(3) {
                json!(null)
            } else {
                json!(format!("mon-{}", value % 2))
            },
        ),
        // An environment's own value of a ConfigMap key, set or cleared.
        15 => {
            let cm = design
                .config_maps
                .get(pick % design.config_maps.len().max(1))?;
            set(
                FieldPath::environment(env, &format!("/config_values/{}/K", cm.name)),
                if value.is_multiple_of(4) {
                    json!(null)
                } else {
                    json!(format!("e{value}"))
                },
            )
        }
        // An environment's own Ingress host for a service (with an Ingress or not).
        16 => set(
            FieldPath::environment(env, &format!("/overrides/{}/ingress_host", service?.id.0)),
            json!(format!("h{value}.example.com")),
        ),
        // Labels on every object of an environment, as far as one of the three reaches,
        // or none.
        17 => set(
            FieldPath::environment(env, "/common_labels"),
            if value.is_multiple_of(4) {
                json!({})
            } else {
                let reach = ["objects", "pods", "selectors"][value as usize % 3];
                json!({"labels": {"env": format!("e{}", value % 2)}, "reach": reach})
            },
        ),
        // A ConfigMap key renamed, its readers and environments' values following.
        18 => {
            let cm = design
                .config_maps
                .get(pick % design.config_maps.len().max(1))?;
            let (from, to) = if value.is_multiple_of(2) {
                ("K", "L")
            } else {
                ("L", "K")
            };
            Some(Edit::RenameKey {
                secret: false,
                object: cm.name.clone(),
                from: from.into(),
                to: to.into(),
            })
        }
        // A key of the design's left out of one environment, or put back.
        19 => {
            let cm = design
                .config_maps
                .get(pick % design.config_maps.len().max(1))?;
            Some(Edit::LeaveOutKey {
                env: env.clone(),
                config_map: cm.name.clone(),
                key: cm
                    .data
                    .keys()
                    .nth(value as usize % cm.data.len().max(1))?
                    .clone(),
                out: !value.is_multiple_of(3),
            })
        }
        _ => {
            let e = design
                .edges
                .get(value as usize % design.edges.len().max(1))?;
            Some(Edit::RemoveEdge(e.clone()))
        }
    }
}

/// Applies `edits` one by one (refused ones change nothing), checking every
/// environment's live documents against a full render after each.
fn check(mut design: Design, edits: &[(u8, usize, u32)]) -> Result<(), TestCaseError> {
    let envs: Vec<String> = design.environments.iter().map(|e| e.name.clone()).collect();
    let mut live: Vec<LiveYaml> = envs.iter().map(|_| LiveYaml::default()).collect();
    let mut findings: Vec<LiveFindings> = envs.iter().map(|_| LiveFindings::default()).collect();
    for (step, &(kind, pick, value)) in edits.iter().enumerate() {
        for (env, live) in envs.iter().zip(&mut findings) {
            prop_assert_eq!(
                live.validate(&design, env),
                validate(&design, env),
                "findings of {} after {} edits",
                env,
                step
            );
        }
        for (env, live) in envs.iter().zip(&mut live) {
            let (got, want) = (live_docs(live, &design, env), full(&design, env));
            let first = (0..got.len().max(want.len())).find(|&i| got.get(i) != want.get(i));
            if let Some(i) = first {
                prop_assert!(
                    false,
                    "environment {env} after {step} edits, document {i} of {}: live {:?}, full render {:?}",
                    want.len(),
                    got.get(i),
                    want.get(i)
                );
            }
        }
        if let Some(e) = edit(&design, kind, pick, value) {
            let _ = design.apply(e);
        }
        // A third of the way, the design goes through a saved file, and halfway through
        // a share link, as opening either replaces the page's design while its live YAML
        // and findings stay.
        if step == edits.len() / 3 {
            design = file::from_json(&file::to_json(&design)).expect("a design file opens");
        }
        if step == edits.len() / 2 {
            design = link::decode(&link::encode(&design)).expect("a link opens");
        }
    }
    Ok(())
}

fn edits() -> impl Strategy<Value = Vec<(u8, usize, u32)>> {
    proptest::collection::vec((0u8..21, 0usize..8, 0u32..1000), 1..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn live_yaml_equals_a_full_render_on_random_designs(design in common::design(), edits in edits()) {
        check(design, &edits)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Imports keep residuals and whole objects; templates have every feature.
    #[test]
    fn live_yaml_equals_a_full_render_on_imports_and_templates(which in 0usize..64, edits in edits()) {
        let mut designs: Vec<Design> = templates::ALL.iter().map(|t| (t.build)()).collect();
        designs.extend(corpus::designs().into_iter().map(|(_, d)| d));
        let design = designs.swap_remove(which % designs.len());
        check(design, &edits)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Monitors kept whole from an import (one in the environment's namespace, one in
    /// another) open the policies of the services they scrape once default-deny is on.
    #[test]
    fn live_yaml_equals_a_full_render_with_monitors_kept_from_an_import(edits in edits()) {
        let mut design = import::kubernetes(include_str!("manifests/shop-monitored.yaml")).design;
        let env = &mut design.environments[0];
        env.default_deny = true;
        env.monitoring.scraping = Scraping::Operator;
        design.cluster.monitoring_namespace = Some("monitoring".into());
        check(design, &edits)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// A template rendered one environment at a time and imported as one design (a
    /// kustomize overlay per environment): overrides, services of some environments
    /// only, a shared environment, Namespace residuals per environment; and two
    /// overlays of one system whose Ingress kept whole differs (each environment keeps
    /// its own).
    #[test]
    fn live_yaml_equals_a_full_render_on_environments_imports(which in 0usize..16, edits in edits()) {
        let inputs: Vec<import::Input> = match templates::ALL.get(which % (templates::ALL.len() + 1)) {
            Some(t) => {
                let d = (t.build)();
                (d.environments.iter())
                    .map(|e| import::Input::named_after(&format!("{}.yaml", e.name), render::render(&d, &e.name).to_yaml()))
                    .filter(|i| !i.text.is_empty())
                    .collect()
            }
            None => ["staging.yaml", "prod.yaml"]
                .map(|f| {
                    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/two-envs");
                    import::Input::named_after(f, std::fs::read_to_string(format!("{dir}/{f}")).unwrap())
                })
                .into(),
        };
        let design = import::environments_of(&inputs).unwrap().design;
        prop_assert_eq!(design.environments.len(), inputs.len());
        check(design, &edits)?;
    }
}

#[test]
fn a_field_edit_renders_and_checks_its_service_alone() {
    let mut design = templates::scaled(50);
    let mut live = LiveYaml::default();
    let mut findings = LiveFindings::default();
    live.documents(&design, "prod");
    findings.validate(&design, "prod");
    let deployed = live.services_rendered();
    assert_eq!(findings.services_checked(), deployed);
    assert!(
        deployed > 40,
        "the first call renders every service: {deployed}"
    );

    let id = design.services[3].id;
    design
        .apply(Edit::Set {
            path: FieldPath::service(id, "/timing/grace_period_seconds"),
            value: json!(61),
        })
        .unwrap();
    let docs = live.documents(&design, "prod");
    assert_eq!(live.services_rendered(), 1);
    // Default-deny is on in prod: the service's own allow policy alone is rendered again.
    assert_eq!(live.policies_rendered(), 1);
    let found = findings.validate(&design, "prod");
    assert_eq!(findings.services_checked(), 1);
    assert_eq!(found, validate(&design, "prod"));
    assert!(docs
        .iter()
        .any(|(_, _, y)| y.contains("terminationGracePeriodSeconds: 61")));

    // Nothing changed: nothing is rendered or checked again.
    live.documents(&design, "prod");
    assert_eq!(live.services_rendered(), 0);
    findings.validate(&design, "prod");
    assert_eq!(findings.services_checked(), 0);

    // A new name is a new pod selector in the policies of the services it calls and is
    // called by: those render again, and no others.
    let neighbours: std::collections::BTreeSet<_> = design
        .edges
        .iter()
        .filter_map(|e| match (e.from == id, e.to == id) {
            (true, false) => Some(e.to),
            (false, true) => Some(e.from),
            _ => None,
        })
        .collect();
    assert!(!neighbours.is_empty());
    design
        .apply(Edit::Set {
            path: FieldPath::service(id, "/name"),
            value: json!("renamed-service"),
        })
        .unwrap();
    let docs = live_docs(&mut live, &design, "prod");
    assert_eq!(live.policies_rendered(), 1 + neighbours.len());
    assert!(docs
        .iter()
        .any(|(_, name, _)| name == "renamed-service-allow"));
    assert_eq!(docs, full(&design, "prod"));

    // The design's name is in every service's labels: all render again.
    design
        .apply(Edit::Set {
            path: FieldPath::design("/name"),
            value: json!("renamed"),
        })
        .unwrap();
    live.documents(&design, "prod");
    assert_eq!(live.services_rendered(), deployed);
    assert_eq!(live.policies_rendered(), deployed);
    findings.validate(&design, "prod");
    assert_eq!(findings.services_checked(), deployed);
}

/// A service's objects in the YAML panel's menu include the ConfigMaps only it reads
/// (by their rendered name, hash suffix and all), not one the others read too.
#[test]
fn a_services_objects_include_the_config_maps_only_it_reads() {
    let mut design = templates::stfc_fastapi();
    let api = design.service_named("fastapi-app").unwrap().id;
    let db = design.service_named("icat-mariadb").unwrap().id;
    let env = design.environments.last().unwrap().name.clone();
    let config_maps = |live: &mut LiveYaml, design: &Design, id: ServiceId| -> Vec<String> {
        live.documents(design, &env);
        (live.service_objects(id).into_iter())
            .filter(|(k, _)| &**k == "ConfigMap")
            .map(|(_, n)| n.to_string())
            .collect()
    };
    let mut live = LiveYaml::default();
    assert_eq!(config_maps(&mut live, &design, api), ["fastapi-app-env"]);
    assert_eq!(config_maps(&mut live, &design, db), Vec::<String>::new());

    (design.config_maps.iter_mut())
        .find(|c| c.name == "fastapi-app-env")
        .unwrap()
        .hash_suffix = true;
    let hashed = config_maps(&mut live, &design, api);
    assert!(
        matches!(&hashed[..], [n] if n.starts_with("fastapi-app-env-")),
        "{hashed:?}"
    );

    // Read by a second service too: no longer the first one's alone.
    design
        .service_mut(db)
        .unwrap()
        .config
        .env_from
        .push(EnvFrom::ConfigMap("fastapi-app-env".into()));
    assert_eq!(config_maps(&mut live, &design, api), Vec::<String>::new());
    assert_eq!(config_maps(&mut live, &design, db), Vec::<String>::new());

    let d = templates::miniredis();
    let gateway = d.service_named("api-gateway").unwrap().id;
    let env = d.environments[0].name.clone();
    let mut live = LiveYaml::default();
    live.documents(&d, &env);
    assert!(
        !(live.service_objects(gateway).iter()).any(|(k, _)| &**k == "ConfigMap"),
        "miniredis-config is every service's"
    );
}
