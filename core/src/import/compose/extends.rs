//! `extends` within one compose file, with the compose specification's merge rules
//! (compose-spec `merge.md`, `extends.md`): mappings merge key by key, sequences such as
//! `ports`, `expose` and `dns` append, scalars are overridden, `environment` and `labels`
//! merge by name in either syntax, `volumes` by mount path, and `command`, `entrypoint`
//! and `healthcheck.test` are replaced whole. `extends` into another file is reported,
//! not followed: the importer reads one file.

use crate::order::Collect;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Keys that tie a service to another one; compose refuses them in a service that is
/// extended, so they are not inherited.
const NOT_INHERITED: [&str; 3] = ["depends_on", "links", "volumes_from"];

/// Resolve every service's `extends` in place. Returns notes per compose service name.
pub(crate) fn resolve(services: &mut Map<String, Value>) -> BTreeMap<String, Vec<String>> {
    let originals = services.clone();
    let mut done: BTreeMap<String, Value> = BTreeMap::new();
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for name in originals.keys() {
        resolved(name, &originals, &mut done, &mut Vec::new(), &mut notes);
    }
    for (name, spec) in services.iter_mut() {
        if let Some(v) = done.remove(name) {
            *spec = v;
        }
    }
    notes
}

/// The service `name` with what it extends merged in (memoised in `done`; `chain` holds
/// the services being resolved, to stop at a cycle).
fn resolved(
    name: &str,
    originals: &Map<String, Value>,
    done: &mut BTreeMap<String, Value>,
    chain: &mut Vec<String>,
    notes: &mut BTreeMap<String, Vec<String>>,
) -> Value {
    if let Some(v) = done.get(name) {
        return v.clone();
    }
    let mut spec = originals.get(name).cloned().unwrap_or(Value::Null);
    let Some(ext) = spec.as_object_mut().and_then(|m| m.remove("extends")) else {
        done.insert(name.into(), spec.clone());
        return spec;
    };
    let mut note = |n: String| notes.entry(name.to_string()).or_default().push(n);
    let (base, file) = match &ext {
        Value::String(s) => (s.clone(), None),
        Value::Object(m) => (
            m.get("service")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            m.get("file").and_then(Value::as_str).map(str::to_string),
        ),
        _ => (String::new(), None),
    };
    let merged = if let Some(file) = file {
        note(format!(
            "extends `{base}` in `{file}`: not followed (only this file is read), so nothing of `{base}` is inherited; copy its keys here"
        ));
        spec
    } else if base.is_empty() {
        note("`extends` names no service: nothing inherited".into());
        spec
    } else if !originals.contains_key(&base) {
        note(format!(
            "extends `{base}`, which is not a service of this file: nothing inherited"
        ));
        spec
    } else if chain.contains(&base) || base == name {
        note(format!(
            "extends `{base}`, which extends this service again (a cycle): nothing inherited"
        ));
        spec
    } else {
        chain.push(name.to_string());
        let mut parent = resolved(&base, originals, done, chain, notes);
        chain.pop();
        let mut note = |n: String| notes.entry(name.to_string()).or_default().push(n);
        let mut dropped = Vec::new();
        if let Some(m) = parent.as_object_mut() {
            for k in NOT_INHERITED {
                if m.remove(k).is_some() {
                    dropped.push(format!("`{k}`"));
                }
            }
        }
        let inherited: Vec<String> = parent
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| format!("`{k}`"))
            .collect();
        if !inherited.is_empty() {
            note(format!(
                "extends `{base}`: inherits {}",
                inherited.join(", ")
            ));
        }
        if !dropped.is_empty() {
            note(format!(
                "extends `{base}`: its {} not inherited (compose does not allow them in an extended service)",
                dropped.join(", ")
            ));
        }
        merge("", &parent, &spec)
    };
    done.insert(name.into(), merged.clone());
    merged
}

/// `over` merged onto `base` at `path` (keys joined by `/`, from the service down).
pub(crate) fn merge(path: &str, base: &Value, over: &Value) -> Value {
    match path {
        "command" | "entrypoint" | "healthcheck/test" => return over.clone(),
        "environment" | "labels" | "annotations" => {
            let mut m = as_mapping(base);
            m.extend(as_mapping(over));
            return Value::Object(m);
        }
        "dns" | "dns_search" | "env_file" | "tmpfs" => {
            return append(as_sequence(base), as_sequence(over), |v| v.clone());
        }
        "volumes" | "devices" => {
            return append(as_sequence(base), as_sequence(over), |v| {
                Value::String(mount_target(v))
            })
        }
        _ => {}
    }
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            let mut m = b.clone();
            for (k, ov) in o {
                let v = match b.get(k) {
                    Some(bv) => {
                        let sub = if path.is_empty() {
                            k.clone()
                        } else {
                            format!("{path}/{k}")
                        };
                        merge(&sub, bv, ov)
                    }
                    None => ov.clone(),
                };
                m.insert(k.clone(), v);
            }
            Value::Object(m)
        }
        (Value::Array(b), Value::Array(o)) => append(b.clone(), o.clone(), |v| v.clone()),
        _ => over.clone(),
    }
}

/// `base` then `over`, an item of `over` replacing one of `base` with the same key.
fn append(base: Vec<Value>, over: Vec<Value>, key: impl Fn(&Value) -> Value) -> Value {
    let mut out: Vec<Value> = base
        .into_iter()
        .filter(|b| !over.iter().any(|o| key(o) == key(b)))
        .collect();
    out.extend(over);
    Value::Array(out)
}

/// `environment` or `labels` in either syntax as a mapping (`- KEY=value` or `- KEY`).
fn as_mapping(v: &Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .map(|i| match i.split_once('=') {
                Some((k, v)) => (k.to_string(), Value::String(v.to_string())),
                None => (i.to_string(), Value::Null),
            })
            .to_object(),
        _ => Map::new(),
    }
}

/// A key that may be one string or a list of them, as a list.
fn as_sequence(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a.clone(),
        Value::Null => Vec::new(),
        other => vec![other.clone()],
    }
}

/// The container path of a volume or device entry (`src:/path:ro`, `{target: /path}`).
fn mount_target(v: &Value) -> String {
    match v {
        Value::Object(m) => m
            .get("target")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        Value::String(s) => {
            let parts: Vec<&str> = s.split(':').collect();
            match parts.as_slice() {
                [only] => only.to_string(),
                [_, target, ..] => target.to_string(),
                [] => String::new(),
            }
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn services(v: Value) -> (Map<String, Value>, BTreeMap<String, Vec<String>>) {
        let mut m = v.as_object().unwrap().clone();
        let notes = resolve(&mut m);
        (m, notes)
    }

    #[test]
    fn extends_merges_by_the_compose_rules() {
        let (s, notes) = services(json!({
            "base": {
                "image": "app:1",
                "command": ["serve", "--port", "8000"],
                "ports": ["8000:8000"],
                "dns": "1.1.1.1",
                "environment": ["LOG_LEVEL=info", "TZ=UTC"],
                "volumes": ["data:/data", "./conf:/etc/app:ro"],
                "healthcheck": {"test": ["CMD", "curl", "-f", "http://localhost:8000/"], "interval": "10s"},
                "depends_on": ["db"],
                "stop_grace_period": "30s"
            },
            "web": {
                "extends": {"service": "base"},
                "command": "serve --port 9000",
                "ports": ["9000:9000"],
                "dns": ["8.8.8.8"],
                "environment": {"LOG_LEVEL": "debug"},
                "volumes": ["./dev-conf:/etc/app"],
                "healthcheck": {"test": ["CMD", "true"]}
            },
            "worker": {"extends": "web", "command": ["worker"]}
        }));
        let web = &s["web"];
        assert_eq!(web["image"], "app:1", "scalars inherited");
        assert_eq!(web["command"], "serve --port 9000", "command replaced");
        assert_eq!(
            web["ports"],
            json!(["8000:8000", "9000:9000"]),
            "ports append"
        );
        assert_eq!(web["dns"], json!(["1.1.1.1", "8.8.8.8"]), "dns appends");
        assert_eq!(
            web["environment"],
            json!({"LOG_LEVEL": "debug", "TZ": "UTC"}),
            "environment merges by name"
        );
        assert_eq!(
            web["volumes"],
            json!(["data:/data", "./dev-conf:/etc/app"]),
            "volumes merge by mount path"
        );
        assert_eq!(
            web["healthcheck"],
            json!({"test": ["CMD", "true"], "interval": "10s"}),
            "healthcheck merges, its test is replaced"
        );
        assert_eq!(web["stop_grace_period"], "30s");
        assert!(
            web.get("depends_on").is_none(),
            "depends_on is not inherited"
        );
        assert!(web.get("extends").is_none());
        // A chain: worker extends web extends base.
        assert_eq!(s["worker"]["command"], json!(["worker"]));
        assert_eq!(s["worker"]["stop_grace_period"], "30s");
        assert_eq!(s["worker"]["ports"], json!(["8000:8000", "9000:9000"]));
        assert!(
            notes["web"].iter().any(|n| n.contains("`depends_on`")),
            "{notes:?}"
        );
        assert!(notes["worker"]
            .iter()
            .any(|n| n.contains("extends `web`: inherits")));
        assert!(!notes.contains_key("base"));
    }

    #[test]
    fn extends_it_cannot_follow_is_reported() {
        let (s, notes) = services(json!({
            "web": {"extends": {"file": "common-services.yml", "service": "webapp"}, "image": "web:2"},
            "a": {"extends": "b", "image": "a"},
            "b": {"extends": "a", "image": "b"},
            "c": {"extends": "nowhere", "image": "c"}
        }));
        assert_eq!(s["web"], json!({"image": "web:2"}));
        assert!(notes["web"][0].contains("`webapp` in `common-services.yml`: not followed"));
        assert!(
            notes["b"][0].contains("cycle") || notes["a"][0].contains("cycle"),
            "{notes:?}"
        );
        assert!(notes["c"][0].contains("not a service of this file"));
    }
}
