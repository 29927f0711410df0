//! Import: existing manifests become a design whose rendering gives them back, problems
//! are reported per document with their line, and hostile input fails cleanly.

use kubeprint_core::import::{self, Outcome};
use kubeprint_core::{render, templates, validate};
use std::collections::BTreeMap;

fn objects(yaml: &str) -> BTreeMap<(String, String), serde_json::Value> {
    kubeprint_core::yaml::parse_documents(yaml)
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .map(|d| {
            let v: serde_json::Value = serde_json::to_value(&d).unwrap();
            let key = (
                v["kind"].as_str().unwrap().to_string(),
                v["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            (key, v)
        })
        .collect()
}

/// Import `input`, render the result, and check it gives the input back, object by object.
fn round_trip(input: &str, what: &str) -> import::Import {
    let imported = import::kubernetes(input);
    let env = imported.design.environments[0].name.clone();
    let back = render(&imported.design, &env).to_yaml();
    let (want, got) = (objects(input), objects(&back));
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing {missing:?}, extra {extra:?}"
    );
    for (k, v) in &want {
        assert_eq!(&got[k], v, "{what}: {k:?} differs after import and render");
    }
    imported
}

#[test]
fn every_templates_own_output_imports_and_renders_back_unchanged() {
    for t in templates::ALL {
        let d = (t.build)();
        for env in d.environments.iter().filter(|e| e.hosts_services) {
            let yaml = render(&d, &env.name).to_yaml();
            let imported = round_trip(&yaml, &format!("{} {}", t.name, env.name));
            // Everything becomes design, except NetworkPolicies, which are kept whole
            // (and still give the dependency edges).
            for r in &imported.documents {
                let ok = r.outcome == Outcome::Imported
                    || (r.kind == "NetworkPolicy" && matches!(r.outcome, Outcome::Kept(_)));
                assert!(ok, "{} {}: {r:?}", t.name, env.name);
            }
            assert_eq!(
                imported.design.services.len(),
                d.services.iter().filter(|s| env.deploys(s.id)).count()
            );
            assert_eq!(
                imported.design.edges.len() > 0,
                env.default_deny && !d.edges.is_empty(),
                "{} {}: edges from policies",
                t.name,
                env.name
            );
        }
    }
}

#[test]
fn importing_runs_the_rules_on_what_people_run_today() {
    let yaml = render(&templates::connectum(), "prod").to_yaml();
    let imported = import::kubernetes(&yaml);
    let codes: Vec<_> = validate(&imported.design, &imported.design.environments[0].name)
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert!(
        codes.contains(&"KP103"),
        "the zero-slack grace period is found in imported YAML: {codes:?}"
    );
}
