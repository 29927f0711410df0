//! Overrides and fixes: a finding that one environment's override causes is fixed in
//! that environment, never by changing the service everywhere (prod included).

use kubeprint_core::edit::{Edit, FieldPath, Target};
use kubeprint_core::*;
use serde_json::json;

/// Every environment's YAML but `except`'s.
fn others(design: &Design, except: &str) -> Vec<(String, String)> {
    design
        .environments
        .iter()
        .filter(|e| e.name != except)
        .map(|e| (e.name.clone(), render(design, &e.name).to_yaml()))
        .collect()
}

/// Sets `pointer` of service `id`'s override in `env`.
fn override_here(
    design: &mut Design,
    env: &str,
    id: ServiceId,
    pointer: &str,
    value: serde_json::Value,
) {
    design
        .apply(Edit::Set {
            path: FieldPath::environment(env, &format!("/overrides/{}/{pointer}", id.0)),
            value,
        })
        .unwrap();
}

/// Applies the fix of the finding `code` about service `name` in `env`, and checks that
/// it went to `env`'s override, changed no other environment, and fixed it.
fn fix_in(design: &mut Design, env: &str, code: &str, name: &str, what: &str) {
    let finding = rules::validate(design, env)
        .into_iter()
        .find(|f| f.code == code && f.service.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("{what}: {code} for {name} in {env}"));
    let fix = finding
        .fix
        .unwrap_or_else(|| panic!("{what}: {code} has a fix"));
    if let Edit::Set { path, .. } = &fix.edit {
        assert_eq!(
            path.target,
            Target::Environment(env.to_string()),
            "{what}: {}",
            fix.label
        );
    }
    let before = others(design, env);
    let service = design.service_named(name).unwrap().clone();
    design.apply(fix.edit).unwrap();
    assert_eq!(
        others(design, env),
        before,
        "{what}: {} changed another environment",
        fix.label
    );
    assert_eq!(
        design.service_named(name).unwrap(),
        &service,
        "{what}: the service itself"
    );
    assert!(
        !rules::validate(design, env)
            .iter()
            .any(|f| f.code == code && f.service.as_deref() == Some(name)),
        "{what}: fixed"
    );
}

/// In every template, every environment: a memory limit set below the service's
/// request here (KP502), and an HPA minimum set above its maximum here (KP201), are
/// fixed here.
#[test]
fn a_fix_of_what_an_override_caused_changes_that_environment_only() {
    let mut checked = 0;
    for t in templates::ALL {
        let base = (t.build)();
        for env in base.environments.iter().map(|e| e.name.clone()) {
            let here = base.environment(&env).unwrap();
            for s in base.services.iter().filter(|s| here.deploys(s.id)) {
                if s.resources.memory_request.is_some() && s.resources.memory_limit.is_some() {
                    let mut d = base.clone();
                    override_here(&mut d, &env, s.id, "resources/memory_limit", json!("1Mi"));
                    fix_in(&mut d, &env, "KP502", &s.name, &format!("{} {env}", t.name));
                    checked += 1;
                }
                if let Some(hpa) = &s.scaling.hpa {
                    let mut d = base.clone();
                    override_here(&mut d, &env, s.id, "hpa_min", json!(hpa.max + 3));
                    fix_in(&mut d, &env, "KP201", &s.name, &format!("{} {env}", t.name));
                    checked += 1;
                }
            }
        }
    }
    assert!(
        checked > 10,
        "the templates have services with limits and HPAs"
    );
}

/// Renaming an environment keeps everything it holds (its namespace, its overrides):
/// it renders the same objects under its new name, its bundle files move to the new
/// name, and it survives a share link. A name that cannot name a folder and an
/// Application, or one already taken, is refused and changes nothing.
#[test]
fn a_renamed_environment_keeps_its_overrides_and_renders_the_same() {
    let mut design = templates::miniredis();
    let redis = design.services[0].id;
    override_here(&mut design, "prod", redis, "replicas", json!(5));
    let before = render(&design, "prod").to_yaml();
    let rename = |to: &str| Edit::Set {
        path: FieldPath::environment("prod", "/name"),
        value: json!(to),
    };
    for (bad, why) in [
        ("Production", "lowercase"),
        ("", "1 to 63 characters"),
        ("prod-", "start and end"),
        ("staging", "already used"),
    ] {
        let unchanged = design.clone();
        let err = design.apply(rename(bad)).unwrap_err().to_string();
        assert!(err.contains(why), "{bad:?}: {err}");
        assert_eq!(design, unchanged, "{bad:?} changed the design");
    }
    design.apply(rename("production")).unwrap();
    assert!(design.environment("prod").is_none());
    let production = design.environment("production").unwrap();
    assert_eq!(production.overrides[&redis].replicas, Some(5));
    assert_eq!(render(&design, "production").to_yaml(), before);
    let files: Vec<String> = export::bundle(&design)
        .into_iter()
        .map(|f| f.path)
        .collect();
    assert!(files.iter().any(|f| f.contains("production")), "{files:?}");
    assert!(
        !files.iter().any(|f| f.split('/').any(|p| p == "prod")),
        "{files:?}"
    );
    let back = link::decode(&link::link("https://k.example/", &design)).unwrap();
    assert_eq!(back, design);
}
