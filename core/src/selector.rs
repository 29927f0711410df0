//! Label selectors: which pods (or other labelled objects) a selector picks.
//!
//! Kubernetes has two kinds. A `LabelSelector` (Deployment, PDB, NetworkPolicy
//! `podSelector`, affinity and topology spread terms) has `matchLabels` and
//! `matchExpressions`; an empty one (`{}`) selects everything, a missing one nothing.
//! A Service's `selector` is a plain map; an empty or missing one means the Service has
//! no selector at all (its endpoints are managed by hand), which callers tell apart with
//! [`Selector::is_empty`]. Both answer [`Selector::selects`] the way the API server does.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::BTreeMap;

/// Labels of an object.
pub type Labels = BTreeMap<String, String>;

/// A selector: every requirement must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    requirements: Vec<Requirement>,
}

/// One requirement on one label key.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Requirement {
    key: String,
    op: Op,
}

/// What a requirement asks of its key.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Op {
    /// The label is one of these values (`matchLabels` is `In` with one value).
    In(Vec<String>),
    /// The label is absent, or none of these values.
    NotIn(Vec<String>),
    /// The label is present, with any value.
    Exists,
    /// The label is absent.
    DoesNotExist,
    /// An operator the API server does not know: it rejects the selector, so it selects
    /// nothing.
    Invalid,
}

impl Selector {
    /// A `LabelSelector`: `matchLabels` and `matchExpressions` (`In`, `NotIn`, `Exists`,
    /// `DoesNotExist`). An empty one selects everything.
    pub fn from_label_selector(s: &LabelSelector) -> Selector {
        let mut requirements: Vec<Requirement> = s
            .match_labels
            .iter()
            .flatten()
            .map(|(k, v)| Requirement {
                key: k.clone(),
                op: Op::In(vec![v.clone()]),
            })
            .collect();
        for e in s.match_expressions.iter().flatten() {
            let values = e.values.clone().unwrap_or_default();
            let op = match e.operator.as_str() {
                "In" if !values.is_empty() => Op::In(values),
                "NotIn" if !values.is_empty() => Op::NotIn(values),
                "Exists" if values.is_empty() => Op::Exists,
                "DoesNotExist" if values.is_empty() => Op::DoesNotExist,
                _ => Op::Invalid,
            };
            requirements.push(Requirement {
                key: e.key.clone(),
                op,
            });
        }
        Selector { requirements }
    }

    /// A `LabelSelector` as JSON; `None` when the value is missing (`null`), which
    /// selects nothing, or is not a label selector at all.
    pub fn from_json(v: &serde_json::Value) -> Option<Selector> {
        if v.is_null() {
            return None;
        }
        let s: LabelSelector = serde_json::from_value(v.clone()).ok()?;
        Some(Selector::from_label_selector(&s))
    }

    /// A plain map of labels, as a Service's `selector`: each key must have its value.
    /// Empty when the map is; for a Service that means "no selector", not "every pod".
    pub fn from_map(m: &Labels) -> Selector {
        Selector {
            requirements: m
                .iter()
                .map(|(k, v)| Requirement {
                    key: k.clone(),
                    op: Op::In(vec![v.clone()]),
                })
                .collect(),
        }
    }

    /// Whether the selector has no requirement at all.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The labels an object must have with exactly these values to be selected (from
    /// `matchLabels`, or `In` with one value): a quick way to narrow down candidates.
    pub fn exact_labels(&self) -> impl Iterator<Item = (&str, &str)> {
        self.requirements.iter().filter_map(|r| match &r.op {
            Op::In(v) if v.len() == 1 => Some((r.key.as_str(), v[0].as_str())),
            _ => None,
        })
    }

    /// Whether an object with `labels` is selected. An empty selector selects
    /// everything.
    pub fn selects(&self, labels: &Labels) -> bool {
        self.requirements.iter().all(|r| {
            let value = labels.get(&r.key);
            match &r.op {
                Op::In(values) => value.is_some_and(|v| values.contains(v)),
                Op::NotIn(values) => value.is_none_or(|v| !values.contains(v)),
                Op::Exists => value.is_some(),
                Op::DoesNotExist => value.is_none(),
                Op::Invalid => false,
            }
        })
    }
}

impl std::fmt::Display for Selector {
    /// The selector as `kubectl get -l` takes it: `app=web,tier in (a,b),!canary`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self
            .requirements
            .iter()
            .map(|r| match &r.op {
                Op::In(v) if v.len() == 1 => format!("{}={}", r.key, v[0]),
                Op::In(v) => format!("{} in ({})", r.key, v.join(",")),
                Op::NotIn(v) => format!("{} notin ({})", r.key, v.join(",")),
                Op::Exists => r.key.clone(),
                Op::DoesNotExist => format!("!{}", r.key),
                Op::Invalid => format!("{} (invalid operator)", r.key),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn selector(v: serde_json::Value) -> Selector {
        Selector::from_json(&v).expect("a label selector")
    }

    #[test]
    fn match_labels_need_every_pair() {
        let s = selector(json!({"matchLabels": {"app": "web", "tier": "front"}}));
        assert!(s.selects(&labels(&[("app", "web"), ("tier", "front"), ("x", "y")])));
        assert!(!s.selects(&labels(&[("app", "web")])));
        assert!(!s.selects(&labels(&[("app", "web"), ("tier", "back")])));
    }

    #[test]
    fn in_and_not_in() {
        let s = selector(json!({"matchExpressions": [
            {"key": "env", "operator": "In", "values": ["prod", "staging"]},
            {"key": "track", "operator": "NotIn", "values": ["canary"]},
        ]}));
        assert!(
            s.selects(&labels(&[("env", "prod")])),
            "NotIn holds when absent"
        );
        assert!(s.selects(&labels(&[("env", "staging"), ("track", "stable")])));
        assert!(!s.selects(&labels(&[("env", "dev")])));
        assert!(
            !s.selects(&labels(&[("track", "stable")])),
            "In needs the key"
        );
        assert!(!s.selects(&labels(&[("env", "prod"), ("track", "canary")])));
    }

    #[test]
    fn exists_and_does_not_exist() {
        let s = selector(json!({"matchExpressions": [
            {"key": "app", "operator": "Exists"},
            {"key": "legacy", "operator": "DoesNotExist"},
        ]}));
        assert!(s.selects(&labels(&[("app", "anything")])));
        assert!(!s.selects(&labels(&[("app", "x"), ("legacy", "")])));
        assert!(!s.selects(&labels(&[])));
    }

    #[test]
    fn match_labels_and_expressions_combine_with_and() {
        let s = selector(json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "env", "operator": "In", "values": ["prod"]}],
        }));
        assert!(s.selects(&labels(&[("app", "web"), ("env", "prod")])));
        assert!(!s.selects(&labels(&[("app", "web"), ("env", "dev")])));
        assert!(!s.selects(&labels(&[("app", "api"), ("env", "prod")])));
        assert_eq!(
            s.exact_labels().collect::<Vec<_>>(),
            [("app", "web"), ("env", "prod")]
        );
    }

    #[test]
    fn an_empty_label_selector_selects_everything_and_a_missing_one_nothing() {
        let s = selector(json!({}));
        assert!(s.is_empty());
        assert!(s.selects(&labels(&[])));
        assert!(s.selects(&labels(&[("app", "web")])));
        assert_eq!(Selector::from_json(&serde_json::Value::Null), None);
    }

    #[test]
    fn an_empty_service_selector_is_no_selector() {
        let s = Selector::from_map(&Labels::new());
        assert!(s.is_empty(), "callers must not read it as `every pod`");
        let s = Selector::from_map(&labels(&[("app", "web")]));
        assert!(!s.is_empty());
        assert!(s.selects(&labels(&[("app", "web"), ("v", "1")])));
        assert!(!s.selects(&labels(&[("app", "webx")])));
    }

    #[test]
    fn an_unknown_operator_or_misplaced_values_select_nothing() {
        for bad in [
            json!({"key": "app", "operator": "Matches", "values": ["w.*"]}),
            json!({"key": "app", "operator": "In", "values": []}),
            json!({"key": "app", "operator": "Exists", "values": ["web"]}),
        ] {
            let s = selector(json!({ "matchExpressions": [bad] }));
            assert!(!s.selects(&labels(&[("app", "web")])), "{s}");
        }
    }

    #[test]
    fn shows_as_kubectl_takes_it() {
        let s = selector(json!({
            "matchLabels": {"app": "web"},
            "matchExpressions": [
                {"key": "env", "operator": "In", "values": ["a", "b"]},
                {"key": "canary", "operator": "DoesNotExist"},
            ],
        }));
        assert_eq!(s.to_string(), "app=web,env in (a,b),!canary");
    }
}
