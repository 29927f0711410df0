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
