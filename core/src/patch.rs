//! JSON merge patches (RFC 7386): how imported details the model does not cover are
//! kept and put back on export.

use serde_json::{Map, Value};

/// Apply `patch` to `target`: objects merge member by member, `null` removes a member,
/// anything else replaces. This is RFC 7386's own algorithm, as `json_patch::merge`.
pub fn apply(target: &mut Value, patch: &Value) {
    json_patch::merge(target, patch);
}

/// The merge patch that turns `from` into `to`, or `None` when they are equal. `to`
/// must hold no `null`s (serialized Kubernetes objects do not).
///
/// RFC 7386 defines only how a merge patch is applied, and the `json-patch` crate only
/// implements that direction, so computing one from two documents is written here.
pub fn diff(from: &Value, to: &Value) -> Option<Value> {
    match (from, to) {
        _ if from == to => None,
        (Value::Object(a), Value::Object(b)) => {
            let mut patch = Map::new();
            for k in a.keys() {
                if !b.contains_key(k) {
                    patch.insert(k.clone(), Value::Null);
                }
            }
            for (k, vb) in b {
                match a.get(k) {
                    Some(va) => {
                        if let Some(p) = diff(va, vb) {
                            patch.insert(k.clone(), p);
                        }
                    }
                    None => {
                        patch.insert(k.clone(), vb.clone());
                    }
                }
            }
            Some(Value::Object(patch))
        }
        _ => Some(to.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_then_apply_gives_the_target() {
        let a = json!({"spec": {"replicas": 2, "x": 1, "list": [1, 2]}, "keep": true});
        let b = json!({"spec": {"replicas": 3, "list": [2], "new": {"a": 1}}, "keep": true});
        let p = diff(&a, &b).unwrap();
        assert_eq!(
            p,
            json!({"spec": {"replicas": 3, "x": null, "list": [2], "new": {"a": 1}}})
        );
        let mut c = a.clone();
        apply(&mut c, &p);
        assert_eq!(c, b);
        assert_eq!(diff(&a, &a), None);
    }
}
