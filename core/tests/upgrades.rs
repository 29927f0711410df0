//! Old design files and links keep opening, and mean what they meant.

use kubeprint_core::model::*;
use kubeprint_core::render::{render, residual_owner, ResidualOwner};
use kubeprint_core::{file, patch};
use serde_json::Value;

/// Format 1 kept imported details as RFC 7386 merge patches applied after rendering.
/// How a format-1 build rendered a design: render without them, then patch each object.
fn format1_render(old: &Value, env: &str) -> Vec<Value> {
    let mut bare = old.clone();
    let mut patches: Vec<(ResidualOwner, Value)> = Vec::new();
    for e in bare["environments"].as_array_mut().unwrap() {
        if e["name"] == env && e["residual"].is_object() {
            patches.push((ResidualOwner::Namespace, e["residual"].take()));
        }
        e["residual"] = Value::Null;
    }
    for (list, owner) in [
        (
            "config_maps",
            ResidualOwner::ConfigMap as fn(String) -> ResidualOwner,
        ),
        ("secrets", ResidualOwner::Secret),
    ] {
        for c in bare[list].as_array_mut().unwrap() {
            if c["residual"].is_object() {
                let name = c["name"].as_str().unwrap().to_string();
                patches.push((owner(name), c["residual"].take()));
            }
            c["residual"] = Value::Null;
        }
    }
    for s in bare["services"].as_array_mut().unwrap() {
        let id = ServiceId(s["id"].as_u64().unwrap() as u32);
        for (role, p) in std::mem::take(s["residual"].as_object_mut().unwrap()) {
            let role: ResidualRole = serde_json::from_value(Value::from(role)).unwrap();
            patches.push((ResidualOwner::Service(id, role), p));
        }
    }
    bare["format_version"] = Value::from(FORMAT_VERSION);
    let design: Design = serde_json::from_value(bare).unwrap();
    render(&design, env)
        .objects
        .iter()
        .map(|o| {
            let mut v = o.to_json();
            let owner = residual_owner(&design, o.kind(), o.name());
            if let Some((_, p)) = patches.iter().find(|(w, _)| Some(w) == owner.as_ref()) {
                patch::apply(&mut v, p);
            }
            v
        })
        .collect()
}

#[test]
fn a_format_1_design_with_merge_patches_renders_as_it_did() {
    let text = include_str!("data/all-fields-format1.json");
    let old: Value = serde_json::from_str(text).unwrap();
    assert_eq!(old["format_version"], 1);
    let design = file::from_json(text).unwrap();
    assert_eq!(design.format_version, FORMAT_VERSION);
    let mut patched = 0;
    for env in &design.environments {
        let now: Vec<Value> = render(&design, &env.name)
            .objects
            .iter()
            .map(|o| o.to_json())
            .collect();
        let then = format1_render(&old, &env.name);
        assert_eq!(now, then, "environment {}", env.name);
        patched += now
            .iter()
            .filter(|o| o.to_string().contains("ClientIP"))
            .count();
    }
    assert!(patched > 0, "the kept details are in the output");
}

#[test]
fn an_upgraded_design_lets_edits_of_modelled_fields_through() {
    let mut design = file::from_json(include_str!("data/all-fields-format1.json")).unwrap();
    // The format-1 patch set the Service's sessionAffinity; a kept detail, not modelled.
    // The workload's annotations patch must not stop an edit of the modelled image.
    let api = design
        .services
        .iter_mut()
        .find(|s| s.name == "api")
        .unwrap();
    api.image = "ghcr.io/acme/api-next".into();
    let env = design.environments[0].name.clone();
    let yaml = render(&design, &env).to_yaml();
    assert!(yaml.contains("ghcr.io/acme/api-next"), "{yaml}");
    assert!(yaml.contains("team: api"), "the kept annotation stays");
}
