//! Share links: the whole design in a URL fragment (`#d=kp1.…`), which browsers never
//! send to a server.
//!
//! Encoding: the design's JSON with every value equal to its default left out, deflated
//! (miniz_oxide, level 10), base64url without padding, behind the format prefix `kp1.`.
//! Decoding reverses it with a size limit, then runs the design file's upgrade steps, so
//! a link made today opens in every later version. A design holds no secret values, so
//! neither does a link.

use crate::file::{self, LoadError};
use crate::model::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use serde_json::Value;

/// The prefix of links this version writes.
pub const PREFIX: &str = "kp1.";

/// The fragment key: links look like `https://host/#d=kp1.…`.
pub const FRAGMENT_KEY: &str = "d=";

/// The largest design a link may expand to (a guard against deflate bombs).
pub const MAX_DECODED_BYTES: usize = 8 * 1024 * 1024;

/// Why a link could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    /// There is no `#d=` part.
    #[error("this address has no Kubeprint design in it (nothing after #d=)")]
    Missing,
    /// A link format from a newer Kubeprint.
    #[error("this link was made by a newer Kubeprint (format `{0}`); open it with an up-to-date Kubeprint")]
    TooNew(String),
    /// Not a Kubeprint link at all.
    #[error("this is not a Kubeprint link (it should start with #d=kp1.)")]
    NotKubeprint,
    /// Damaged: not base64, not deflate, or cut off.
    #[error("the link is damaged or was cut off when it was copied ({0}); ask for it again")]
    Damaged(&'static str),
    /// Expands to more than [`MAX_DECODED_BYTES`].
    #[error("the link expands to more than 8 MiB, which no real design does")]
    TooLarge,
    /// The design inside could not be read.
    #[error("the design in the link could not be read: {0}")]
    Design(#[from] LoadError),
}

/// The fragment (without `#`) that carries `design`.
pub fn encode(design: &Design) -> String {
    let json = serde_json::to_vec(&compact(design)).expect("designs serialize");
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, 10);
    format!("{FRAGMENT_KEY}{PREFIX}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// A full link: `base` (e.g. `https://kubeprint.example/`) plus the fragment.
pub fn link(base: &str, design: &Design) -> String {
    let base = base.split('#').next().unwrap_or(base);
    format!("{base}#{}", encode(design))
}

/// The design in a link, a fragment, or the bare `kp1.…` text.
pub fn decode(text: &str) -> Result<Design, LinkError> {
    let text = text.trim();
    let fragment = match text.split_once('#') {
        Some((_, f)) => f,
        None if text.contains("://") => return Err(LinkError::Missing),
        None => text,
    };
    let payload = match fragment
        .split('&')
        .find_map(|p| p.strip_prefix(FRAGMENT_KEY))
    {
        Some(p) => p,
        None if fragment.starts_with("kp") => fragment,
        None if fragment.is_empty() => return Err(LinkError::Missing),
        None => return Err(LinkError::NotKubeprint),
    };
    let Some(data) = payload.strip_prefix(PREFIX) else {
        let version = payload.split('.').next().unwrap_or_default();
        let newer = version
            .strip_prefix("kp")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n > 1);
        return Err(if newer {
            LinkError::TooNew(version.to_string())
        } else if payload.is_empty() {
            LinkError::Missing
        } else {
            LinkError::NotKubeprint
        });
    };
    let deflated = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| LinkError::Damaged("not base64url"))?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&deflated, MAX_DECODED_BYTES)
        .map_err(|e| match e.status {
            miniz_oxide::inflate::TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            _ => LinkError::Damaged("its compressed data is incomplete"),
        })?;
    let mut value: Value =
        serde_json::from_slice(&json).map_err(|_| LinkError::Damaged("its design is not JSON"))?;
    expand(&mut value);
    file::upgrade(&mut value)?;
    serde_json::from_value(value).map_err(|e| LinkError::Design(LoadError::Invalid(e.to_string())))
}

/// What a user should know before sharing, e.g. that Secrets travel as key names only.
pub fn notes(design: &Design) -> Vec<String> {
    let mut out = Vec::new();
    let keys: usize = design.secrets.iter().map(|s| s.keys.len()).sum();
    if !design.secrets.is_empty() {
        out.push(format!(
            "{} Secret(s) with {keys} key(s): the link carries key names only, never values",
            design.secrets.len()
        ));
    }
    out
}

/// The design's JSON without the values that equal their defaults (decoding fills them
/// back in from the same `Default`s: every struct is `#[serde(default)]`), with long
/// field names abbreviated.
fn compact(design: &Design) -> Value {
    let mut v = to_value(design);
    prune(&mut v, &to_value(&Design::default()));
    v["format_version"] = Value::from(FORMAT_VERSION);
    rename(&mut v, false, |k| {
        ABBREVIATIONS
            .iter()
            .find(|(long, _)| *long == k)
            .map(|(_, short)| *short)
    });
    v
}

/// Undo [`compact`]'s abbreviations.
fn expand(v: &mut Value) {
    rename(v, false, |k| {
        ABBREVIATIONS
            .iter()
            .find(|(_, short)| *short == k)
            .map(|(long, _)| *long)
    });
}

/// Long struct field names and their short forms in links. Append only: links in the
/// wild use this table. No short form may equal any field name.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("initial_delay_seconds", "~id"),
    ("period_seconds", "~p"),
    ("timeout_seconds", "~t"),
    ("success_threshold", "~s"),
    ("failure_threshold", "~f"),
    ("pre_stop_seconds", "~ps"),
    ("app_shutdown_seconds", "~as"),
    ("grace_period_seconds", "~g"),
    ("startup_seconds", "~su"),
    ("min_ready_seconds", "~mr"),
    ("progress_deadline_seconds", "~pd"),
    ("cpu_request", "~cq"),
    ("memory_request", "~mq"),
    ("cpu_limit", "~cl"),
    ("memory_limit", "~ml"),
    ("env_from", "~ef"),
    ("config_map", "~cm"),
    ("component", "~co"),
    ("readiness", "~r"),
    ("liveness", "~l"),
    ("exposure", "~x"),
    ("resources", "~rs"),
    ("scaling", "~sc"),
    ("max_surge", "~ms"),
    ("max_unavailable", "~mu"),
    ("security", "~se"),
    ("run_as_user", "~ru"),
    ("run_as_group", "~rg"),
    ("fs_group", "~fg"),
    ("read_only_root_fs", "~ro"),
    ("min_available", "~ma"),
    ("cpu_percent", "~cp"),
    ("memory_percent", "~mp"),
    ("topology_key", "~tk"),
    ("mount_path", "~mt"),
    ("position", "~pos"),
    // Workload kinds, containers and volumes.
    ("containers", "~cn"),
    ("volumes", "~vs"),
    ("mounts", "~mn"),
    ("backoff_limit", "~bl"),
    ("active_deadline_seconds", "~ad"),
    ("ttl_seconds_after_finished", "~ttl"),
    ("restart_policy", "~rp"),
    ("expected_run_seconds", "~er"),
    ("schedule", "~sd"),
    ("time_zone", "~tz"),
    ("concurrency_policy", "~cc"),
    ("starting_deadline_seconds", "~sdl"),
    ("successful_jobs_history_limit", "~sh"),
    ("failed_jobs_history_limit", "~fh"),
    ("shutdown_seconds", "~sds"),
    ("needed_at_start", "~nas"),
    ("read_only", "~rdo"),
    ("sub_path", "~sp"),
    ("size_limit", "~sl"),
    ("repo_url", "~aru"),
    ("argocd_namespace", "~ans"),
    ("argocd_sync", "~asy"),
    ("traffic", "~trf"),
];

/// Fields whose members are user data (labels, ConfigMap keys, service ids), not field
/// names: their keys are never renamed.
const DATA_MAPS: &[&str] = &["labels", "annotations", "data", "overrides"];

/// Fields that hold Kubernetes JSON as imported (kept objects, residuals): carried as they
/// are, never pruned against a default or renamed, because inside them a `null`, a `TCP`
/// or a key that looks like a field name is the input's own.
const OPAQUE: &[&str] = &["residual", "extra_objects", "pinned_objects"];

/// Rename object keys with `f`, recursively, except the keys of data maps.
fn rename(v: &mut Value, data_map: bool, f: impl Fn(&str) -> Option<&'static str> + Copy) {
    match v {
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (k, mut child) in old {
                let key = if data_map {
                    k
                } else {
                    f(&k).map(str::to_string).unwrap_or(k)
                };
                // Decide on the long name: that is what DATA_MAPS lists.
                let long = ABBREVIATIONS
                    .iter()
                    .find(|(_, s)| *s == key)
                    .map_or(key.as_str(), |(l, _)| *l);
                let child_is_data = !data_map && DATA_MAPS.contains(&long);
                if !data_map && OPAQUE.contains(&long) {
                    map.insert(key, child);
                    continue;
                }
                rename(&mut child, child_is_data, f);
                if child_is_data {
                    // The values of `overrides` are objects with field names again.
                    if let Value::Object(entries) = &mut child {
                        for value in entries.values_mut() {
                            rename(value, false, f);
                        }
                    }
                }
                map.insert(key, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| rename(i, false, f)),
        _ => {}
    }
}

fn to_value<T: Serialize>(t: &T) -> Value {
    serde_json::to_value(t).expect("design types serialize")
}

/// The default to compare an array item or optional object against, by field name.
fn default_for(key: &str) -> Option<Value> {
    Some(match key {
        "services" => to_value(&Service::default()),
        "environments" => to_value(&Environment::default()),
        "config_maps" => to_value(&ConfigMapDef::default()),
        "secrets" => to_value(&SecretDef::default()),
        "startup" | "liveness" | "readiness" => to_value(&Probe::default()),
        "hpa" => to_value(&Hpa::default()),
        "overrides" => to_value(&Override::default()),
        "ingress" => to_value(&IngressRoute::default()),
        "load_balancer" => to_value(&LoadBalancer::default()),
        "ports" => to_value(&ServicePort::default()),
        "storage" => to_value(&VolumeClaim::default()),
        "port_pools" => to_value(&PortPool::default()),
        _ => return None,
    })
}

/// Remove from `v` every member equal to the same member of `default`, recursing into
/// objects; array items and optional objects are pruned against their type's default.
fn prune(v: &mut Value, default: &Value) {
    let Value::Object(map) = v else { return };
    // An internally tagged enum value (probe action, spread) is one choice: pruning its
    // `type` would make it unreadable, so it is kept whole.
    if map.contains_key("type") {
        return;
    }
    let keys: Vec<String> = map.keys().cloned().collect();
    for key in keys {
        let d = default.get(&key).cloned().unwrap_or(Value::Null);
        let item_default = default_for(&key);
        let value = map.get_mut(&key).expect("key from the map");
        if *value == d {
            map.remove(&key);
            continue;
        }
        if OPAQUE.contains(&key.as_str()) {
            continue;
        }
        match (value, item_default) {
            (Value::Array(items), Some(item_d)) => {
                for item in items {
                    prune(item, &item_d);
                }
            }
            // Maps of objects (overrides by service id).
            (Value::Object(inner), Some(item_d)) if key == "overrides" => {
                for item in inner.values_mut() {
                    prune(item, &item_d);
                }
            }
            (value @ Value::Object(_), Some(item_d)) if d.is_null() => prune(value, &item_d),
            (value @ Value::Object(_), _) => prune(value, &d),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates;

    #[test]
    fn every_template_survives_a_link() {
        for t in templates::ALL {
            let d = (t.build)();
            let back = decode(&link("https://kubeprint.example/", &d)).unwrap();
            assert_eq!(back, d, "{}", t.name);
        }
    }

    #[test]
    fn broken_links_say_what_is_wrong() {
        let good = encode(&templates::connectum());
        let cut = &good[..good.len() / 2];
        assert!(
            matches!(decode(cut), Err(LinkError::Damaged(_))),
            "{:?}",
            decode(cut)
        );
        assert!(matches!(decode("https://x/#d=kp9.AAAA"), Err(LinkError::TooNew(v)) if v == "kp9"));
        assert!(matches!(
            decode("https://x/#d=hello"),
            Err(LinkError::NotKubeprint)
        ));
        assert!(matches!(decode("https://x/"), Err(LinkError::Missing)));
        assert!(matches!(decode("#d=kp1.!!!"), Err(LinkError::Damaged(_))));
        let not_a_design =
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"[1,2]", 10));
        assert!(matches!(
            decode(&format!("#d=kp1.{not_a_design}")),
            Err(LinkError::Design(_))
        ));
    }

    #[test]
    fn a_deflate_bomb_is_refused() {
        let huge = vec![b' '; MAX_DECODED_BYTES + 10];
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&huge, 10));
        assert!(bomb.len() < 20_000, "it is small on the wire");
        assert!(matches!(
            decode(&format!("#d=kp1.{bomb}")),
            Err(LinkError::TooLarge)
        ));
    }

    #[test]
    fn links_mention_secrets_carry_only_key_names() {
        let notes = notes(&templates::miniredis());
        assert_eq!(
            notes,
            ["3 Secret(s) with 5 key(s): the link carries key names only, never values"]
        );
        assert!(super::notes(&Design::default()).is_empty());
    }
}
