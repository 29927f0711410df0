//! Where one version of a design differs from another: the field an undo or a redo
//! changed, so the page can show it (select its service, open its page, scroll to it).

use crate::edit::{pointer_token, FieldPath, Target};
use crate::model::*;
use serde::Serialize;
use serde_json::Value;

impl Design {
    /// Where this design differs from `before`: one field for each part that changed, in
    /// this order: the design's settings, its services (one that came back: the whole
    /// service), the callers of calls added or removed, the environments (their own
    /// values, then their kept objects), the ConfigMaps, the Secrets and the objects kept
    /// whole; a ConfigMap, Secret or kept object removed is shown where it was listed.
    /// A service or an environment removed leaves nothing to show.
    pub fn changes_from(&self, before: &Design) -> Vec<FieldPath> {
        let mut out = Vec::new();
        let (settings, old_settings) = (json(&self.settings()), json(&before.settings()));
        if settings != old_settings {
            out.push(FieldPath::design(&first_difference(
                &old_settings,
                &settings,
            )));
        }
        for s in &self.services {
            match before.service(s.id) {
                Some(old) if old == s => {}
                Some(old) => {
                    let at = first_difference(&json(old), &json(s));
                    out.push(FieldPath::service(s.id, &at));
                }
                None => out.push(FieldPath::service(s.id, "")),
            }
        }
        let added = (self.edges.iter()).filter(|e| !before.edges.contains(e));
        let removed = (before.edges.iter()).filter(|e| !self.edges.contains(e));
        for e in added.chain(removed) {
            let caller = FieldPath::service(e.from, "");
            if self.service(e.from).is_some() && !out.contains(&caller) {
                out.push(caller);
            }
        }
        for env in &self.environments {
            let old = before.environment(&env.name);
            if old == Some(env) {
                continue;
            }
            let mut now = json(env);
            let mut then = old.map(json).unwrap_or(Value::Null);
            for v in [&mut now, &mut then] {
                if let Some(fields) = v.as_object_mut() {
                    fields.remove("kept_objects");
                }
            }
            if now != then {
                out.push(FieldPath::environment(
                    &env.name,
                    &first_difference(&then, &now),
                ));
            }
            if let Some(old) = old {
                out.extend(kept_changes(&old.kept_objects, &env.kept_objects, false));
            }
        }
        let config_map = |n: &str| before.config_map(n);
        let secret = |n: &str| before.secret(n);
        out.extend(named_changes(
            &self.config_maps,
            |c| &c.name,
            config_map,
            Target::ConfigMap,
        ));
        out.extend(named_changes(
            &self.secrets,
            |c| &c.name,
            secret,
            Target::Secret,
        ));
        out.extend(kept_changes(
            &before.extra_objects,
            &self.extra_objects,
            false,
        ));
        out.extend(kept_changes(
            &before.pinned_objects,
            &self.pinned_objects,
            true,
        ));
        let gone = |target: Target| FieldPath {
            target,
            pointer: String::new(),
        };
        let config_maps =
            (before.config_maps.iter()).filter(|c| self.config_map(&c.name).is_none());
        out.extend(config_maps.map(|c| gone(Target::ConfigMap(c.name.clone()))));
        let secrets = (before.secrets.iter()).filter(|c| self.secret(&c.name).is_none());
        out.extend(secrets.map(|c| gone(Target::Secret(c.name.clone()))));
        out
    }
}

/// Each item of `now` that `before` (by name) does not hold as it is: the field where
/// it differs, in `target` of its name.
fn named_changes<'d, T: PartialEq + Serialize>(
    now: &'d [T],
    name: fn(&T) -> &String,
    before: impl Fn(&str) -> Option<&'d T>,
    target: fn(String) -> Target,
) -> Vec<FieldPath> {
    (now.iter())
        .filter(|c| before(name(c)) != Some(*c))
        .map(|item| {
            let old = before(name(item)).map_or(Value::Null, json);
            FieldPath {
                target: target(name(item).clone()),
                pointer: first_difference(&old, &json(item)),
            }
        })
        .collect()
}

/// Each object kept whole that `now` does not hold as `before` did: changed or added
/// (the field where it differs), or removed (the whole object, where it was listed).
/// Objects are told apart by their key ([`KeptObject::key`]): of a list of `pinned`
/// ones, two namespaces may each have one of a kind and name.
fn kept_changes(before: &[KeptObject], now: &[KeptObject], pinned: bool) -> Vec<FieldPath> {
    let at = |k: &KeptObject, pointer: String| FieldPath {
        target: Target::Object {
            kind: k.kind().to_string(),
            namespace: k.namespace().map(String::from),
            name: k.name().to_string(),
        },
        pointer,
    };
    let same =
        |a: &KeptObject, b: &KeptObject| a.kind() == b.kind() && a.key(pinned) == b.key(pinned);
    let changed = now.iter().filter(|k| !before.contains(k)).map(|k| {
        let old = before.iter().find(|o| same(o, k));
        at(
            k,
            old.map_or(String::new(), |o| first_difference(&o.0, &k.0)),
        )
    });
    let removed = (before.iter())
        .filter(|o| !now.iter().any(|k| same(o, k)))
        .map(|o| at(o, String::new()));
    changed.chain(removed).collect()
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

impl Design {
    /// What renaming a service did beyond its own objects, said when it is done (this
    /// design is `before` with one service renamed): who follows the new name (the
    /// services, ConfigMaps and environments whose values named it), and, for a
    /// StatefulSet with volume claims, that its pods claim new, empty volumes: a claim
    /// is named `<template>-<statefulset>-<ordinal>`, so `data-shop-postgres-0` is not
    /// `db`'s. `None` when no service was renamed.
    pub fn rename_said(&self, before: &Design) -> Option<String> {
        let (old, new) = (self.services.iter())
            .find_map(|s| Some((before.service(s.id).filter(|o| o.name != s.name)?, s)))?;
        let followed = self.followers(before, new.id);
        let mut said = format!("Renamed `{}` to `{}`", old.name, new.name);
        said.push_str(&follow(&followed));
        if let (WorkloadKind::StatefulSet, Some(claim)) = (new.kind, new.storage.first()) {
            said.push_str(&format!(
                " Its pods will claim new, empty volumes (`{0}-{1}-0`, not `{0}-{2}-0`): move the data first, or keep the old name.",
                claim.name, new.name, old.name
            ));
        }
        // A certificate cert-manager issues into a Secret named after the service.
        // (Naming the old Secret under TLS Secret would not keep it: a Secret named
        // there is one cert-manager does not issue, nor renew.)
        let issued = (self.environments.iter()).any(|e| {
            let s = crate::model::effective_ref(new, e);
            e.deploys(new.id) && s.exposure.ingress.as_ref().is_some_and(|r| r.issued())
        });
        if issued {
            said.push_str(&format!(
                " Its certificate goes to Secret `{}`, which cert-manager issues anew from `{}` (an ACME issuer counts it against its rate limits); `{}` stays until deleted.",
                crate::naming::tls_secret(&new.name),
                self.cluster.cert_issuer,
                crate::naming::tls_secret(&old.name)
            ));
        }
        said.push_str(" Ctrl+Z takes it back");
        Some(said)
    }
}

impl Design {
    /// Who followed a change of service `id` (this design is `before` with that
    /// service changed): the other services, ConfigMaps and environments whose values
    /// changed with it.
    fn followers(&self, before: &Design, id: ServiceId) -> Vec<String> {
        let mut followed: Vec<String> = (self.services.iter())
            .filter(|s| s.id != id && before.service(s.id).is_some_and(|o| o != *s))
            .map(|s| format!("`{}`", s.name))
            .collect();
        followed.extend(
            (self.config_maps.iter())
                .filter(|c| before.config_map(&c.name).is_some_and(|o| o != *c))
                .map(|c| format!("ConfigMap `{}`", c.name)),
        );
        // An environment's own values of variables and ConfigMaps (its kept objects and
        // what an import kept follow a rename too, but hold no values of callers).
        fn same_values(a: &Environment, b: &Environment) -> bool {
            a.config_values == b.config_values
                && a.overrides.len() == b.overrides.len()
                && (a.overrides.iter().zip(&b.overrides))
                    .all(|((i, x), (j, y))| i == j && x.env == y.env)
        }
        followed.extend(
            (self.environments.iter())
                .filter(|e| {
                    (before.environments.iter()).any(|o| o.name == e.name && !same_values(o, e))
                })
                .map(|e| format!("`{}`'s own values", e.name)),
        );
        followed
    }

    /// What numbering the port a service's callers dial otherwise did beyond its own
    /// objects, said when it is done: who dials the new number now (the callers whose
    /// addresses wrote the old one). `None` when no port was numbered otherwise, or no caller followed.
    pub fn renumber_said(&self, before: &Design) -> Option<String> {
        // The port its callers dial: its Service port's (its pods', when headless).
        // (Said without the number it had: a port field applies as it is typed, so
        // the step before this one may hold a number typed on the way.)
        let (old, new, to) = self.services.iter().find_map(|s| {
            let o = before.service(s.id)?;
            let dialed = (o.exposure.ports.iter().zip(&s.exposure.ports))
                .map(|(a, b)| (o.dialed_port(a), s.dialed_port(b)));
            let (_, to) = dialed.into_iter().find(|(a, b)| a != b)?;
            Some((o, s, to))
        })?;
        let followed = self.followers(before, new.id);
        if followed.is_empty() || old.name != new.name {
            return None;
        }
        Some(format!(
            "Callers dial `{}` on port {to} now{} Ctrl+Z takes it back",
            new.name,
            follow(&followed)
        ))
    }
}

/// `: `a` and `b` follow.`, or `.` when none did.
fn follow(followed: &[String]) -> String {
    match followed {
        [] => ".".into(),
        [one] => format!(": {one} follows."),
        many => format!(": {} follow.", crate::words::and_list(many)),
    }
}

/// A part of the design as JSON, as [`Design::get`] reads it.
fn json<T: Serialize>(part: &T) -> Value {
    serde_json::to_value(part).unwrap_or_default()
}

impl Design {
    /// What this design holds that `before` did not, said when a step made it where the
    /// user does not see it (a fix, a variable read from a key): the Secrets and
    /// ConfigMaps made or given keys, the calls, services and objects kept whole added.
    /// A Secret key the export writes gets the reminder that its real value is set in
    /// the cluster. `None` when nothing was made.
    pub fn made_said(&self, before: &Design) -> Option<String> {
        let quoted = |items: &[String]| {
            let items: Vec<String> = items.iter().map(|k| format!("`{k}`")).collect();
            crate::words::and_list(&items)
        };
        let keys = |n: usize| if n == 1 { "key" } else { "keys" };
        let mut made = Vec::new();
        let mut placeholders = false;
        for s in &self.secrets {
            let old = before.secret(&s.name).map_or(&[][..], |o| &o.keys[..]);
            let new: Vec<String> = (s.keys.iter())
                .filter(|k| !old.contains(k))
                .cloned()
                .collect();
            // A Secret made outside Kubeprint is only named here.
            let done = match s.external {
                true => format!("named Secret `{}`, made outside Kubeprint,", s.name),
                false => format!("made Secret `{}`", s.name),
            };
            match before.secret(&s.name) {
                None if new.is_empty() => made.push(done.trim_end_matches(',').to_string()),
                None => made.push(format!("{done} with {} {}", keys(new.len()), quoted(&new))),
                Some(_) if new.is_empty() => continue,
                Some(_) => made.push(format!(
                    "added {} {} to Secret `{}`",
                    keys(new.len()),
                    quoted(&new),
                    s.name
                )),
            }
            placeholders |= !s.external && !new.is_empty();
        }
        for c in &self.config_maps {
            let new: Vec<String> = (c.data.keys())
                .filter(|k| {
                    before
                        .config_map(&c.name)
                        .is_none_or(|o| !o.data.contains_key(*k))
                })
                .cloned()
                .collect();
            match before.config_map(&c.name) {
                None => made.push(format!("made ConfigMap `{}`", c.name)),
                Some(_) if new.is_empty() => {}
                Some(_) => made.push(format!(
                    "added {} {} to ConfigMap `{}`",
                    keys(new.len()),
                    quoted(&new),
                    c.name
                )),
            }
        }
        let name = |id: ServiceId| self.service(id).map_or("?", |s| s.name.as_str());
        for s in (self.services.iter()).filter(|s| before.service(s.id).is_none()) {
            made.push(format!("added service `{}`", s.name));
        }
        for e in (self.edges.iter()).filter(|e| !before.edges.contains(e)) {
            made.push(format!(
                "added a call from `{}` to `{}`",
                name(e.from),
                name(e.to)
            ));
        }
        let kept = |d: &Design| -> Vec<(String, String)> {
            (d.extra_objects.iter())
                .chain(&d.pinned_objects)
                .chain(d.environments.iter().flat_map(|e| &e.kept_objects))
                .map(|o| (o.kind().to_string(), o.name().to_string()))
                .collect()
        };
        let old_kept = kept(before);
        for (kind, name) in kept(self).into_iter().filter(|k| !old_kept.contains(k)) {
            made.push(format!("made {kind} `{name}`"));
        }
        let first = made.first_mut()?;
        if let Some(c) = first.get(..1) {
            let upper = c.to_uppercase();
            first.replace_range(..1, &upper);
        }
        let mut said = crate::words::and_list(&made);
        if placeholders {
            said.push_str(
                ": the export writes a placeholder there; set the real value in the cluster",
            );
        }
        said.push('.');
        Some(said)
    }
}
