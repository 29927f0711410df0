//! Where one version of a design differs from another: the field an undo or a redo
//! changed, so the page can show it (select its service, open its page, scroll to it).

use crate::edit::{pointer_token, FieldPath, Target};
use crate::model::*;
use serde::Serialize;
use serde_json::Value;

impl Design {
    /// The first field of this design that differs from `before`, looking at the
    /// design's settings, then its services (one that came back: the whole service),
    /// the calls between them (the caller), the environments, the ConfigMaps and
    /// Secrets, and the objects kept whole (one removed is shown where it was listed).
    /// `None` when they are equal, or when all that differs is a service or an
    /// environment `before` had and this design has not: nothing is left to show.
    pub fn first_change_from(&self, before: &Design) -> Option<FieldPath> {
        let (settings, old_settings) = (json(&self.settings()), json(&before.settings()));
        if settings != old_settings {
            return Some(FieldPath::design(&first_difference(
                &old_settings,
                &settings,
            )));
        }
        for s in &self.services {
            match before.service(s.id) {
                Some(old) if old == s => {}
                Some(old) => {
                    let at = first_difference(&json(old), &json(s));
                    return Some(FieldPath::service(s.id, &at));
                }
                None => return Some(FieldPath::service(s.id, "")),
            }
        }
        if let Some(e) = (self.edges.iter()).find(|e| !before.edges.contains(e)) {
            return Some(FieldPath::service(e.from, ""));
        }
        if let Some(e) = (before.edges.iter()).find(|e| !self.edges.contains(e)) {
            if self.service(e.from).is_some() {
                return Some(FieldPath::service(e.from, ""));
            }
        }
        for env in &self.environments {
            let old = before.environment(&env.name);
            if old == Some(env) {
                continue;
            }
            if let Some(kept) =
                old.and_then(|o| first_kept_change(&o.kept_objects, &env.kept_objects))
            {
                return Some(kept);
            }
            let mut now = json(env);
            let mut then = old.map(json).unwrap_or(Value::Null);
            for v in [&mut now, &mut then] {
                if let Some(fields) = v.as_object_mut() {
                    fields.remove("kept_objects");
                }
            }
            if now != then {
                let at = first_difference(&then, &now);
                return Some(FieldPath::environment(&env.name, &at));
            }
        }
        let config_map = |n: &str| before.config_map(n);
        let secret = |n: &str| before.secret(n);
        let named = first_named(
            &self.config_maps,
            |c| &c.name,
            config_map,
            Target::ConfigMap,
        )
        .or_else(|| first_named(&self.secrets, |c| &c.name, secret, Target::Secret));
        if named.is_some() {
            return named;
        }
        if let Some(at) = first_kept_change(&before.extra_objects, &self.extra_objects)
            .or_else(|| first_kept_change(&before.pinned_objects, &self.pinned_objects))
        {
            return Some(at);
        }
        // Only removed: a ConfigMap, a Secret or a kept object is shown where it was
        // listed (a removed service or environment leaves nothing to show).
        let gone = |target: Target| FieldPath {
            target,
            pointer: String::new(),
        };
        if let Some(c) = (before.config_maps.iter()).find(|c| self.config_map(&c.name).is_none()) {
            return Some(gone(Target::ConfigMap(c.name.clone())));
        }
        if let Some(c) = (before.secrets.iter()).find(|c| self.secret(&c.name).is_none()) {
            return Some(gone(Target::Secret(c.name.clone())));
        }
        let envs = self.environments.iter().filter_map(|e| {
            let old = before.environment(&e.name)?;
            first_kept_change(&e.kept_objects, &old.kept_objects)
        });
        (envs.into_iter().next())
            .or_else(|| first_kept_change(&self.extra_objects, &before.extra_objects))
            .or_else(|| first_kept_change(&self.pinned_objects, &before.pinned_objects))
    }
}

/// The first item of `now` that `before` (by name) does not hold as it is: the field
/// where it differs, in `target` of its name.
fn first_named<'d, T: PartialEq + Serialize>(
    now: &'d [T],
    name: fn(&T) -> &String,
    before: impl Fn(&str) -> Option<&'d T>,
    target: fn(String) -> Target,
) -> Option<FieldPath> {
    let item = now.iter().find(|c| before(name(c)) != Some(*c))?;
    let old = before(name(item)).map_or(Value::Null, json);
    Some(FieldPath {
        target: target(name(item).clone()),
        pointer: first_difference(&old, &json(item)),
    })
}

/// The first object kept whole in `now` that `before` does not hold as it is.
fn first_kept_change(before: &[KeptObject], now: &[KeptObject]) -> Option<FieldPath> {
    let k = now.iter().find(|k| !before.contains(k))?;
    let old = (before.iter()).find(|o| o.kind() == k.kind() && o.name() == k.name());
    let at = old.map_or(String::new(), |o| first_difference(&o.0, &k.0));
    Some(FieldPath {
        target: Target::Object {
            kind: k.kind().to_string(),
            namespace: k.namespace().map(String::from),
            name: k.name().to_string(),
        },
        pointer: at,
    })
}

/// The JSON pointer of the first place `now` differs from `before`: the deepest member
/// or item that differs (in a member added or removed, its first one with a value), or
/// the list where an item was added or removed.
fn first_difference(before: &Value, now: &Value) -> String {
    const NOTHING: &Value = &Value::Null;
    let mut at = String::new();
    let (mut before, mut now) = (before, now);
    loop {
        let next = match (before, now) {
            (Value::Object(a), Value::Object(b)) => {
                let changed = (b.iter()).find(|(k, v)| a.get(*k) != Some(v));
                let changed = changed.map(|(k, v)| (k.clone(), a.get(k).unwrap_or(NOTHING), v));
                // Or a member removed.
                changed.or_else(|| {
                    (a.iter())
                        .find(|(k, _)| !b.contains_key(*k))
                        .map(|(k, v)| (k.clone(), v, NOTHING))
                })
            }
            // A member added or removed: its first member with a value.
            (Value::Null, Value::Object(m)) | (Value::Object(m), Value::Null) => {
                let first = m.iter().find(|(_, v)| !v.is_null());
                first.map(|(k, v)| match now.is_null() {
                    true => (k.clone(), v, NOTHING),
                    false => (k.clone(), NOTHING, v),
                })
            }
            (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
                let i = (0..b.len()).find(|i| a[*i] != b[*i]);
                i.map(|i| (i.to_string(), &a[i], &b[i]))
            }
            _ => None,
        };
        match next {
            Some((token, a, b)) => {
                at.push('/');
                at.push_str(&pointer_token(&token));
                (before, now) = (a, b);
            }
            None => return at,
        }
    }
}

/// A part of the design as JSON, as [`Design::get`] reads it.
fn json<T: Serialize>(part: &T) -> Value {
    serde_json::to_value(part).unwrap_or_default()
}
