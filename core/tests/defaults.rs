//! Defaults are part of the file and link format. A share link leaves out every value
//! equal to today's default and a design file may omit any field; both are filled back
//! in from the `Default` impls (and serde defaults) of the version that opens them. So a
//! changed default silently changes every old link and file. These tests pin them:
//!
//! - every model type's `Default` is an insta snapshot under `tests/snapshots/`;
//! - what serde fills in for a missing field equals the type's `Default` (links prune
//!   against one and decode with the other);
//! - every model type with a `Default` is in the pinned list (read from `model.rs`);
//! - the golden designs in `tests/links/` hold every field of every type at its default
//!   value, so the golden links (tests/links.rs) prove that decoding refills each one.

use kubeprint_core::model::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to do when a pinned default changes.
const CHANGED: &str = "a default changed: old links and files would silently change; add an \
    upgrade step in core/src/file.rs (and link decoding) that fills the old default, then \
    update this snapshot";

/// One pinned type: its `Default` and what serde makes of the least JSON it accepts.
struct Pinned {
    /// The type's name in `model.rs`.
    name: &'static str,
    /// `T::default()` as JSON, if `T` has a `Default`.
    default: Option<Value>,
    /// The least JSON the type accepts (`{}` when every field has a serde default, or
    /// the required fields) and what deserializing it gives, as JSON; `None` when the
    /// type has no serde default at all.
    serde: Option<(Value, Value)>,
    /// The snapshot: the `Default` as pretty JSON in field order, else the serde value
    /// in Rust's debug form (which also shows fields that JSON skips when empty).
    snapshot: String,
}

fn to_value<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("model types serialize")
}

fn fill<T: DeserializeOwned>(least: &Value) -> T {
    serde_json::from_value(least.clone())
        .unwrap_or_else(|e| panic!("{least} does not deserialize: {e}"))
}

fn default_snapshot<T: Default + Serialize>() -> String {
    let text = serde_json::to_string_pretty(&T::default()).expect("model types serialize");
    format!("Default::default():\n{text}\n")
}

/// A type with a `Default` and `#[serde(default)]` on the struct: `{}` is enough.
fn both<T: Default + Serialize + DeserializeOwned>(name: &'static str) -> Pinned {
    let least = json!({});
    Pinned {
        name,
        default: Some(to_value(&T::default())),
        serde: Some((least.clone(), to_value(&fill::<T>(&least)))),
        snapshot: default_snapshot::<T>(),
    }
}

/// A type with a `Default` that serde never uses on its own (enums, `Position`); its
/// default reaches files and links through the fields of the types that hold it.
fn default_only<T: Default + Serialize>(name: &'static str) -> Pinned {
    Pinned {
        name,
        default: Some(to_value(&T::default())),
        serde: None,
        snapshot: default_snapshot::<T>(),
    }
}

/// An enum with a `Default` whose variants have serde defaults on some fields: `least`
/// is the least JSON of one variant.
fn default_and_serde<T: Default + Serialize + DeserializeOwned>(
    name: &'static str,
    least: Value,
) -> Pinned {
    Pinned {
        name,
        default: Some(to_value(&T::default())),
        serde: Some((least.clone(), to_value(&fill::<T>(&least)))),
        snapshot: default_snapshot::<T>(),
    }
}

/// A type without a `Default` but with serde defaults on some fields.
fn serde_only<T: Serialize + DeserializeOwned + std::fmt::Debug>(
    name: &'static str,
    least: Value,
) -> Pinned {
    let filled = fill::<T>(&least);
    Pinned {
        name,
        default: None,
        snapshot: format!("deserialized from {least}:\n{filled:#?}\n"),
        serde: Some((least, to_value(&filled))),
    }
}

/// Every model type with a `Default` or a serde default.
fn pinned() -> Vec<Pinned> {
    vec![
        both::<Design>("Design"),
        default_only::<KubeVersion>("KubeVersion"),
        both::<Cluster>("Cluster"),
        default_only::<Tier>("Tier"),
        both::<Environment>("Environment"),
        both::<Override>("Override"),
        both::<CommonLabels>("CommonLabels"),
        both::<OwnResiduals>("OwnResiduals"),
        default_only::<LabelReach>("LabelReach"),
        default_only::<WorkloadKind>("WorkloadKind"),
        both::<Service>("Service"),
        default_only::<Position>("Position"),
        default_only::<PortRef>("PortRef"),
        default_only::<Protocol>("Protocol"),
        both::<ContainerPort>("ContainerPort"),
        both::<ServicePort>("ServicePort"),
        default_only::<ServiceKind>("ServiceKind"),
        both::<Exposure>("Exposure"),
        both::<IngressRoute>("IngressRoute"),
        both::<LoadBalancer>("LoadBalancer"),
        both::<Probes>("Probes"),
        both::<Probe>("Probe"),
        serde_only::<ProbeAction>("ProbeAction", json!({"type": "grpc", "port": 0})),
        both::<Timing>("Timing"),
        both::<Resources>("Resources"),
        both::<Scaling>("Scaling"),
        both::<Hpa>("Hpa"),
        both::<ScaleRules>("ScaleRules"),
        default_only::<Spread>("Spread"),
        both::<Config>("Config"),
        both::<ConfigMapDef>("ConfigMapDef"),
        both::<SecretDef>("SecretDef"),
        both::<VolumeClaim>("VolumeClaim"),
        both::<Security>("Security"),
        both::<PortPool>("PortPool"),
        both::<ExternalEgress>("ExternalEgress"),
        default_only::<JobRestart>("JobRestart"),
        both::<JobSettings>("JobSettings"),
        default_only::<ConcurrencyPolicy>("ConcurrencyPolicy"),
        both::<CronSettings>("CronSettings"),
        default_only::<ContainerRole>("ContainerRole"),
        both::<ContainerSecurity>("ContainerSecurity"),
        both::<Container>("Container"),
        both::<Volume>("Volume"),
        default_and_serde::<VolumeSource>("VolumeSource", json!({"type": "empty_dir"})),
        both::<Mount>("Mount"),
        both::<GitOps>("GitOps"),
        default_only::<ArgoSource>("ArgoSource"),
        default_only::<ArgoSync>("ArgoSync"),
        both::<Monitoring>("Monitoring"),
        default_only::<Scraping>("Scraping"),
        both::<Delivery>("Delivery"),
        default_only::<UpdateStrategy>("UpdateStrategy"),
        default_only::<CanaryTraffic>("CanaryTraffic"),
        serde_only::<CanaryStep>("CanaryStep", json!({"type": "pause"})),
        both::<Analysis>("Analysis"),
        serde_only::<Metrics>("Metrics", json!({"port": "http", "path": "/metrics"})),
        both::<GatewayRoute>("GatewayRoute"),
        both::<RouteRule>("RouteRule"),
        serde_only::<RouteMatch>("RouteMatch", json!({"type": "path"})),
        default_only::<PathMatchKind>("PathMatchKind"),
        both::<RouteBackend>("RouteBackend"),
        both::<Gateway>("Gateway"),
        both::<GatewayListener>("GatewayListener"),
        default_only::<ListenerProtocol>("ListenerProtocol"),
        default_only::<AdmitRoutes>("AdmitRoutes"),
        both::<LocalRun>("LocalRun"),
        serde_only::<HostPort>("HostPort", json!({"port": "http"})),
    ]
}

#[test]
fn every_default_is_pinned_by_a_snapshot() {
    let mut changed = Vec::new();
    for p in pinned() {
        let text = &p.snapshot;
        let outcome = std::panic::catch_unwind(|| insta::assert_snapshot!(p.name, text));
        if outcome.is_err() {
            changed.push(p.name);
        }
    }
    assert!(changed.is_empty(), "{CHANGED} (changed: {changed:?})");
}

#[test]
fn serde_fills_in_what_default_says() {
    // Links prune the values equal to `Default` and decoding fills the gaps with serde's
    // defaults: where the two differ, a pruned value comes back different.
    for p in pinned() {
        if let (Some(default), Some((least, filled))) = (&p.default, &p.serde) {
            assert_eq!(
                filled, default,
                "{}: deserializing {least} differs from `Default`, so a link that left out a \
                 default would open with another value; make the serde default and `Default` \
                 agree",
                p.name
            );
        }
    }
}

/// What `model.rs` declares about one type.
#[derive(Debug, Default)]
struct Declared {
    is_struct: bool,
    has_default: bool,
    has_serde_default: bool,
}

/// Every type of `model.rs` with what its source says about defaults: a derived or
/// hand-written `Default`, and `#[serde(default...)]` on the type or on any field.
fn declared() -> BTreeMap<String, Declared> {
    let source = include_str!("../src/model.rs");
    let mut types: BTreeMap<String, Declared> = BTreeMap::new();
    let mut attributes = String::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        let open = attributes.matches('[').count() > attributes.matches(']').count();
        let name_after = |rest: &str| -> String {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        if open || line.starts_with("#[") {
            // Attributes of the next item, possibly spread over several lines.
            attributes.push_str(line);
            attributes.push('\n');
        } else if let Some((is_struct, rest)) = line
            .strip_prefix("pub struct ")
            .map(|r| (true, r))
            .or_else(|| line.strip_prefix("pub enum ").map(|r| (false, r)))
        {
            let name = name_after(rest);
            let entry = types.entry(name.clone()).or_default();
            entry.is_struct = is_struct;
            entry.has_default |= attributes
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| word == "Default");
            entry.has_serde_default |= attributes.contains("serde(default");
            attributes.clear();
            current = Some(name);
        } else if let Some(rest) = line.strip_prefix("impl Default for ") {
            types.entry(name_after(rest)).or_default().has_default = true;
        } else if line.starts_with(' ') {
            // A field's or variant's attribute inside the current type.
            if line.contains("serde(default") {
                if let Some(name) = &current {
                    types.entry(name.clone()).or_default().has_serde_default = true;
                }
            }
        } else if !line.starts_with("///") {
            attributes.clear();
        }
    }
    types
}

#[test]
fn every_type_with_a_default_is_pinned() {
    let declared = declared();
    assert!(
        declared.contains_key("Design") && declared.contains_key("Timing"),
        "model.rs was not read: {:?}",
        declared.keys().collect::<Vec<_>>()
    );
    let pinned: BTreeMap<&str, Pinned> = pinned().into_iter().map(|p| (p.name, p)).collect();
    for (name, d) in &declared {
        let p = pinned.get(name.as_str());
        if d.has_default {
            assert!(
                p.is_some_and(|p| p.default.is_some()),
                "{name} has a Default: add it to `pinned()` in tests/defaults.rs, so that \
                 changing it fails a snapshot"
            );
        }
        if d.has_serde_default {
            assert!(
                p.is_some_and(|p| p.serde.is_some()),
                "{name} has a serde default: add it to `pinned()` in tests/defaults.rs with \
                 the least JSON it accepts"
            );
        }
    }
    // And the other way round, which also proves that the reading of model.rs works.
    for (name, p) in &pinned {
        let d = declared
            .get(*name)
            .unwrap_or_else(|| panic!("{name} is pinned but not declared in model.rs"));
        assert_eq!(
            (d.has_default, d.has_serde_default),
            (p.default.is_some(), p.serde.is_some()),
            "{name}: model.rs and `pinned()` disagree on (Default, serde default)"
        );
    }
}

// Coverage of the golden links.

/// Where each struct type sits in a design's JSON: (parent type, field, child type).
/// A field ending in `/*` holds a list (or a map) of the child type.
const PLACES: &[(&str, &str, &str)] = &[
    ("Design", "cluster", "Cluster"),
    ("Design", "gitops", "GitOps"),
    ("Design", "environments/*", "Environment"),
    ("Design", "services/*", "Service"),
    ("Design", "config_maps/*", "ConfigMapDef"),
    ("Design", "secrets/*", "SecretDef"),
    ("Environment", "overrides/*", "Override"),
    ("Environment", "common_labels", "CommonLabels"),
    ("Environment", "own_residuals", "OwnResiduals"),
    ("Override", "resources", "Resources"),
    ("Service", "ports/*", "ContainerPort"),
    ("Service", "exposure", "Exposure"),
    ("Service", "probes", "Probes"),
    ("Service", "timing", "Timing"),
    ("Service", "resources", "Resources"),
    ("Service", "scaling", "Scaling"),
    ("Service", "config", "Config"),
    ("Service", "storage/*", "VolumeClaim"),
    ("Service", "security", "Security"),
    ("Service", "port_pools/*", "PortPool"),
    ("Service", "egress/*", "ExternalEgress"),
    ("Service", "position", "Position"),
    ("Service", "volumes/*", "Volume"),
    ("Service", "mounts/*", "Mount"),
    ("Service", "containers/*", "Container"),
    ("Service", "job", "JobSettings"),
    ("Service", "cron", "CronSettings"),
    ("Container", "ports/*", "ContainerPort"),
    ("Container", "probes", "Probes"),
    ("Container", "resources", "Resources"),
    ("Container", "security", "ContainerSecurity"),
    ("Container", "config", "Config"),
    ("Container", "mounts/*", "Mount"),
    ("Exposure", "ports/*", "ServicePort"),
    ("Exposure", "ingress", "IngressRoute"),
    ("Exposure", "load_balancer", "LoadBalancer"),
    ("LoadBalancer", "ports/*", "ServicePort"),
    ("Probes", "startup", "Probe"),
    ("Probes", "liveness", "Probe"),
    ("Probes", "readiness", "Probe"),
    ("Probe", "action", "ProbeAction"),
    ("Scaling", "hpa", "Hpa"),
    ("Hpa", "scale_up", "ScaleRules"),
    ("Hpa", "scale_down", "ScaleRules"),
    ("Environment", "monitoring", "Monitoring"),
    ("Service", "delivery", "Delivery"),
    ("Delivery", "analysis", "Analysis"),
    ("Exposure", "gateway_route", "GatewayRoute"),
    ("GatewayRoute", "rules/*", "RouteRule"),
    ("RouteRule", "backends/*", "RouteBackend"),
    ("Environment", "gateway", "Gateway"),
    ("Gateway", "listeners/*", "GatewayListener"),
    ("Service", "local", "LocalRun"),
    ("LocalRun", "published/*", "HostPort"),
];

/// Every value of every struct type in `value` (of type `ty`), by type.
fn instances<'a>(ty: &'static str, value: &'a Value, out: &mut BTreeMap<&str, Vec<&'a Value>>) {
    if value.is_null() {
        return;
    }
    out.entry(ty).or_default().push(value);
    for (parent, field, child) in PLACES {
        if *parent != ty {
            continue;
        }
        match field.strip_suffix("/*") {
            Some(field) => match value.get(field) {
                Some(Value::Array(items)) => items.iter().for_each(|i| instances(child, i, out)),
                Some(Value::Object(map)) => map.values().for_each(|i| instances(child, i, out)),
                _ => {}
            },
            None => {
                if let Some(v) = value.get(*field) {
                    instances(child, v, out);
                }
            }
        }
    }
}

fn golden_designs() -> Vec<(String, Value)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/links");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("tests/links exists") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "json") {
            let text = std::fs::read_to_string(&path).expect("a golden design is readable");
            let value = serde_json::from_str(&text).expect("a golden design is JSON");
            out.push((path.display().to_string(), value));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn golden_links_hold_every_field_at_its_default() {
    let designs = golden_designs();
    assert!(
        designs
            .iter()
            .any(|(path, _)| path.ends_with("all-fields.json")),
        "the kitchen-sink golden design is missing"
    );
    let mut found: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for (_, design) in &designs {
        instances("Design", design, &mut found);
    }
    let declared = declared();
    let mut missing = Vec::new();
    for p in pinned() {
        let (Some(Value::Object(default)), true) = (&p.default, declared[p.name].is_struct) else {
            continue;
        };
        let seen = found.get(p.name).map(Vec::as_slice).unwrap_or_default();
        if seen.is_empty() {
            missing.push(format!(
                "no golden design has a {} (or PLACES does not say where one sits)",
                p.name
            ));
        }
        for (field, value) in default {
            if !seen.iter().any(|i| i.get(field).is_some()) {
                missing.push(format!("{}.{field} appears in no golden design", p.name));
            } else if !seen.iter().any(|i| i.get(field) == Some(value)) {
                missing.push(format!(
                    "no golden design has {}.{field} at its default {value}, so no golden \
                     link proves that decoding fills it back in",
                    p.name
                ));
            }
        }
    }
    // `ProbeAction` has no `Default`; its one serde default is a gRPC probe's `service`.
    let grpc: Vec<&&Value> = found
        .get("ProbeAction")
        .into_iter()
        .flatten()
        .filter(|a| a["type"] == "grpc")
        .collect();
    if !grpc.iter().any(|a| a.get("service").is_none()) {
        missing.push("no golden design has a gRPC probe without `service`".into());
    }
    if !grpc.iter().any(|a| a.get("service").is_some()) {
        missing.push("no golden design has a gRPC probe with a `service`".into());
    }
    assert!(
        missing.is_empty(),
        "the golden links do not cover every default:\n  {}\nA new field: write \
         tests/links/all-fields.json again as `file::to_json` of what all-fields.link opens \
         to (the link stays as it is). A new type or section: add a golden design that has \
         it (tests/links/NAME.json and .link, written once with KUBEPRINT_BLESS=1); never \
         change an existing .link",
        missing.join("\n  ")
    );
}
