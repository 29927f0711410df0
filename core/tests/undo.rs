//! An undo or a redo says which field it changed, so the page can show it: on the
//! templates and every imported corpus manifest, as they are and after a link, for
//! every fix the rules offer (edits of services, environments' own values, Secrets,
//! objects kept whole) and for a field typed into.

#[path = "common/corpus.rs"]
mod corpus;

use kubeprint_core::edit::Target;
use kubeprint_core::rules::validate;
use kubeprint_core::*;

fn designs() -> Vec<(String, Design)> {
    let mut out = corpus::designs();
    out.extend((templates::ALL.iter()).map(|t| (t.name.to_string(), (t.build)())));
    // The same after a link: what the page holds when it was opened from one.
    let linked: Vec<_> = (out.iter())
        .map(|(n, d)| {
            (
                format!("{n} (linked)"),
                link::decode(&link::encode(d)).unwrap(),
            )
        })
        .collect();
    out.extend(linked);
    out
}

/// What is wrong with where the last undo and its redo say they changed `before` into
/// `after` (and back), one line per problem.
fn check(name: &str, what: &str, before: &Design, edit: Edit) -> Vec<String> {
    let mut e = editor::Editor::new(before.clone());
    if e.dispatch(edit).is_err() {
        return Vec::new();
    }
    let after = e.design.clone();
    if after == *before {
        return Vec::new();
    }
    let mut bad = Vec::new();
    let mut shown = |step: &str, changes: Vec<FieldPath>, here: &Design, there: &Design| {
        if changes.is_empty() {
            bad.push(format!("{name}: {what}: {step} says no field"));
        }
        for at in changes {
            // A field of the design as it is now or was (something removed is shown
            // where it was listed), whose value the step changed.
            let exists = |d: &Design| match &at.target {
                Target::Object { .. } => d.get(&at).is_some(),
                _ => d.resolve(&at).is_ok(),
            };
            if !(exists(here) || exists(there)) || here.get(&at) == there.get(&at) {
                bad.push(format!(
                    "{name}: {what}: {step} says {at}, which it did not change"
                ));
            }
        }
    };
    assert!(e.undo());
    shown("undo", e.undone(), &e.design, &after);
    assert!(e.redo());
    shown("redo", e.redone(), &e.design, before);
    bad
}

#[test]
fn an_undo_and_a_redo_name_a_field_they_changed_for_every_fix() {
    let mut bad = Vec::new();
    let mut checked = 0;
    for (name, d) in designs() {
        for env in &d.environments {
            for f in validate(&d, &env.name) {
                let Some(fix) = f.fix else { continue };
                checked += 1;
                bad.extend(check(
                    &name,
                    &format!("{} `{}`", f.code, fix.label),
                    &d,
                    fix.edit,
                ));
            }
        }
    }
    assert!(checked > 100, "only {checked} fixes");
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// A field typed into is the very field an undo names: a service's, an environment's
/// own value, a ConfigMap value, the design's settings.
#[test]
fn an_undo_names_the_field_that_was_typed_into() {
    for (name, d) in designs() {
        let Some(s) = d.services.first() else {
            continue;
        };
        let env = d.environments[0].name.clone();
        let mut fields = vec![
            (
                FieldPath::service(s.id, "/timing/grace_period_seconds"),
                serde_json::json!(97),
            ),
            (FieldPath::service(s.id, "/tag"), serde_json::json!("9.9.9")),
            (
                FieldPath::environment(&env, &format!("/overrides/{}/replicas", s.id.0)),
                serde_json::json!(7),
            ),
            (
                FieldPath::design("/cluster/endpoint_propagation_seconds"),
                serde_json::json!(9),
            ),
        ];
        if let Some((cm, key)) = (d.config_maps.iter())
            .find_map(|c| c.data.keys().next().map(|k| (c.name.clone(), k.clone())))
        {
            fields.push((
                FieldPath::config_value(&cm, &key),
                serde_json::json!("changed"),
            ));
        }
        for (path, value) in fields {
            let mut e = editor::Editor::new(d.clone());
            if e.dispatch(Edit::Set {
                path: path.clone(),
                value,
            })
            .is_err()
            {
                panic!("{name}: {path} refused");
            }
            e.undo();
            assert_eq!(e.undone(), std::slice::from_ref(&path), "{name}");
            e.redo();
            assert_eq!(e.redone(), [path], "{name}");
        }
    }
}

#[test]
fn nothing_to_show_when_nothing_was_undone() {
    let d = templates::by_name("miniredis").unwrap();
    let e = editor::Editor::new(d);
    assert!(e.undone().is_empty());
    assert!(e.redone().is_empty());
}

/// A Secret's key renamed where a service reads it changes both: each is named, Secret
/// and service, so the page can show the one in view (the config page, where the key
/// was renamed).
#[test]
fn a_rename_that_follows_into_a_service_names_each_part() {
    let d = templates::by_name("stfc-fastapi").unwrap();
    let api = d.service_named("fastapi-app").unwrap().id;
    let mut e = editor::Editor::new(d);
    e.dispatch(Edit::RenameKey {
        secret: true,
        object: "icat-mariadb-credentials".into(),
        from: "MARIADB_PASSWORD".into(),
        to: "MARIADB_APP_PASSWORD".into(),
    })
    .unwrap();
    e.undo();
    let targets: Vec<_> = e.undone().into_iter().map(|p| p.target).collect();
    assert!(targets.contains(&Target::Service(api)), "{targets:?}");
    assert!(
        targets.contains(&Target::Secret("icat-mariadb-credentials".into())),
        "{targets:?}"
    );
}

/// A port numbered otherwise moves its callers' addresses too: undone or redone, the
/// port comes first among the changes (the page shows the first it cannot show in
/// view, and says it), not the caller that sorts before it.
#[test]
fn an_undone_edit_names_its_own_field_before_what_followed_it() {
    let mut d = templates::by_name("stfc-fastapi").unwrap();
    let db = d.service_named("icat-mariadb").unwrap().id;
    let port = FieldPath::service(db, "/ports/0/port");
    // A caller listed before it, reading the address as a literal of its own.
    let api = d.service_named("fastapi-app").unwrap().id;
    assert!(
        d.services.iter().position(|s| s.id == api) < d.services.iter().position(|s| s.id == db)
    );
    d.service_mut(api).unwrap().config.env.push(EnvVar::literal(
        "DATABASE_URL",
        "mysql://icat-mariadb:3306/icat",
    ));
    // Its Service port targets the port by number, which follows too, in a field that
    // sorts before the port.
    d.service_mut(db).unwrap().exposure.ports[0].target = PortRef::Number(3306);
    let mut e = editor::Editor::new(d);
    e.dispatch(Edit::Set {
        path: port.clone(),
        value: 3307.into(),
    })
    .unwrap();
    // The caller's ConfigMap followed.
    assert_eq!(
        e.design.config_map("fastapi-app-env").unwrap().data["DB_PORT"],
        "3307"
    );
    let url = &e
        .design
        .service(api)
        .unwrap()
        .config
        .env
        .last()
        .unwrap()
        .value;
    assert_eq!(
        url,
        &EnvValue::Literal("mysql://icat-mariadb:3307/icat".into())
    );
    e.undo();
    let undone = e.undone();
    assert_eq!(undone.first(), Some(&port), "{undone:?}");
    assert!(
        undone.iter().any(|p| p.target == Target::Service(api)),
        "{undone:?}"
    );
    e.redo();
    let redone = e.redone();
    assert_eq!(redone.first(), Some(&port), "{redone:?}");
    // Two steps undone, each redo names its own step's field.
    let replicas = FieldPath::service(api, "/scaling/replicas");
    e.dispatch(Edit::Set {
        path: replicas.clone(),
        value: 5.into(),
    })
    .unwrap();
    e.undo();
    e.undo();
    e.redo();
    assert_eq!(e.redone().first(), Some(&port));
    e.redo();
    assert_eq!(e.redone().first(), Some(&replicas));
}
