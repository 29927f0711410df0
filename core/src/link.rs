//! Share links: the whole design in a URL fragment (`#d=kp2.…`), which browsers never
//! send to a server.
//!
//! Encoding: the design's JSON with every value equal to its default left out, deflated
//! (miniz_oxide, level 10) against a preset dictionary ([`DICTIONARY`]), base64url
//! without padding, behind the format prefix `kp2.`. Decoding reverses it with a size
//! limit, then runs the design file's upgrade steps, so a link made today opens in every
//! later version. A design holds no secret values, so neither does a link.
//!
//! Formats: `kp1.` (links made before the dictionary) is plain deflate of the same JSON;
//! it still opens. `kp2.` deflates as if the dictionary came first, so text that is in
//! the dictionary (field names, the shapes of common services) costs a back reference
//! instead of its first spelling; short designs are where that counts.

use crate::file::{self, LoadError};
use crate::model::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use serde_json::Value;

/// The prefix of links this version writes.
pub const PREFIX: &str = "kp2.";

/// The prefix of the first link format (plain deflate), which still opens.
const PREFIX_1: &str = "kp1.";

/// The newest link format this version reads.
const NEWEST: u32 = 2;

/// The preset dictionary of `kp2.` links: the compact JSON (as [`encode`] writes it) of
/// the kitchen-sink golden design and of four built-in templates, as they were when the
/// format was made. Every `kp2.` link in the wild was deflated against these exact
/// bytes: never edit this file (a new dictionary needs a new format version and prefix).
/// The miniredis platform is deliberately not in it, so its link measures what the
/// dictionary does for a design it has not seen.
pub const DICTIONARY: &[u8] = include_bytes!("link_dictionary.jsonl");

/// The dictionary's SHA-256: a test keeps the bytes from changing.
#[cfg(test)]
const DICTIONARY_SHA256: &str = "f9eef72f6cd099a0d535eb2dcb03dd3a1c904f8c0b3b5c7374ce9d4c92fe93a3";

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
    #[error("this is not a Kubeprint link (it should start with #d=kp2.)")]
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
    let deflated = deflate_with_dictionary(&json);
    format!("{FRAGMENT_KEY}{PREFIX}{}", URL_SAFE_NO_PAD.encode(deflated))
}

/// A full link: `base` (e.g. `https://kubeprint.example/`) plus the fragment.
pub fn link(base: &str, design: &Design) -> String {
    let base = base.split('#').next().unwrap_or(base);
    format!("{base}#{}", encode(design))
}

/// The fragment key of the environment the link opens on: `#d=kp2.…&env=prod`. Links
/// without it open on the design's default environment; readers that predate it find
/// `d=` among the `&`-separated parts and ignore the rest.
pub const ENVIRONMENT_KEY: &str = "env=";

/// A full link ([`link`]) that opens on environment `env` of the design (one it has).
pub fn link_showing(base: &str, design: &Design, env: &str) -> String {
    let mut url = link(base, design);
    if design.environment(env).is_some() {
        url.push('&');
        url.push_str(ENVIRONMENT_KEY);
        for b in env.bytes() {
            match b {
                b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    url.push(char::from(b))
                }
                _ => url.push_str(&format!("%{b:02X}")),
            }
        }
    }
    url
}

/// The environment a link opens on ([`link_showing`]), if it names one; whether the
/// design has it is the opener's to check.
pub fn environment_shown(text: &str) -> Option<String> {
    let fragment = text.split_once('#').map_or(text, |(_, f)| f);
    let written = part(fragment, ENVIRONMENT_KEY)?;
    let bytes = written.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%')
            .then(|| written.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match hex {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().filter(|env| !env.is_empty())
}

/// The value of the `&`-separated part of `fragment` that starts with `key` (`d=`).
fn part<'a>(fragment: &'a str, key: &str) -> Option<&'a str> {
    fragment.split('&').find_map(|p| p.strip_prefix(key))
}

/// The design in a link, a fragment, or the bare `kp2.…` (or `kp1.…`) text.
pub fn decode(text: &str) -> Result<Design, LinkError> {
    let text = text.trim();
    let fragment = match text.split_once('#') {
        Some((_, f)) => f,
        None if text.contains("://") => return Err(LinkError::Missing),
        None => text,
    };
    let payload = match part(fragment, FRAGMENT_KEY) {
        Some(p) => p,
        // The bare `kp2.…`, perhaps with the environment after it.
        None if fragment.starts_with("kp") => fragment.split('&').next().unwrap_or_default(),
        None if fragment.is_empty() => return Err(LinkError::Missing),
        None => return Err(LinkError::NotKubeprint),
    };
    // kp1: plain deflate, explicit ids. kp2: the dictionary, ids that count up left out.
    let (data, dictionary, ids_implicit) = if let Some(data) = payload.strip_prefix(PREFIX) {
        (data, DICTIONARY, true)
    } else if let Some(data) = payload.strip_prefix(PREFIX_1) {
        (data, &[][..], false)
    } else {
        let version = payload.split('.').next().unwrap_or_default();
        let newer = version
            .strip_prefix("kp")
            .and_then(|n| n.parse::<u32>().ok())
            .is_some_and(|n| n > NEWEST);
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
        .map_err(|e| {
            LinkError::Damaged(match e {
                base64::DecodeError::InvalidByte(..) => "it has characters no link has",
                // Every character is a link's, but they stop mid-way.
                _ => "its text is incomplete",
            })
        })?;
    let json = inflate_with_dictionary(&deflated, dictionary)?;
    // As text, through the one reader of JSON text the page has (see `file::parse`).
    let mut value: Value = std::str::from_utf8(&json)
        .ok()
        .and_then(|text| serde_json::from_str(text).ok())
        .ok_or(LinkError::Damaged(
            "its design does not read: a character of it may have changed",
        ))?;
    expand(&mut value);
    if ids_implicit {
        implicit_ids(&mut value);
    }
    file::upgrade(&mut value)?;
    let mut design: Design = serde_json::from_value(value)
        .map_err(|e| LinkError::Design(LoadError::Invalid(e.to_string())))?;
    design.settle_next_id();
    Ok(design)
}

/// Raw deflate of `data` as the continuation of a stream that began with [`DICTIONARY`]:
/// the dictionary is compressed first and flushed to a byte boundary (a sync flush keeps
/// the compressor's window), and only what follows is kept. Back references may reach
/// into the dictionary; the blocks themselves need nothing from before them.
fn deflate_with_dictionary(data: &[u8]) -> Vec<u8> {
    use miniz_oxide::deflate::core::{
        compress_to_output, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush,
        TDEFLStatus,
    };
    // Level 10 (the best miniz has), raw deflate (negative window bits), default strategy.
    let mut compressor = CompressorOxide::new(create_comp_flags_from_zip_params(10, -15, 0));
    let mut skipped = Vec::new();
    let (status, _) = compress_to_output(&mut compressor, DICTIONARY, TDEFLFlush::Sync, |b| {
        skipped.extend_from_slice(b);
        true
    });
    assert_eq!(status, TDEFLStatus::Okay, "the dictionary deflates");
    let mut out = Vec::new();
    let (status, _) = compress_to_output(&mut compressor, data, TDEFLFlush::Finish, |b| {
        out.extend_from_slice(b);
        true
    });
    assert_eq!(status, TDEFLStatus::Done, "the design deflates");
    out
}

/// Inflate raw deflate whose back references may reach into `dictionary` (empty for
/// `kp1.` links): the dictionary is placed in the output buffer before the data, and
/// dropped afterwards. At most [`MAX_DECODED_BYTES`] come out.
fn inflate_with_dictionary(deflated: &[u8], dictionary: &[u8]) -> Result<Vec<u8>, LinkError> {
    use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
    use miniz_oxide::inflate::TINFLStatus;
    let limit = dictionary.len() + MAX_DECODED_BYTES;
    let mut out = dictionary.to_vec();
    out.resize(dictionary.len() + 64 * 1024, 0);
    let mut inflater = DecompressorOxide::new();
    let (mut read, mut written) = (0, dictionary.len());
    loop {
        let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
        let (status, used, made) =
            decompress(&mut inflater, &deflated[read..], &mut out, written, flags);
        read += used;
        written += made;
        match status {
            TINFLStatus::Done => {
                out.truncate(written);
                out.drain(..dictionary.len());
                return Ok(out);
            }
            TINFLStatus::HasMoreOutput if out.len() >= limit => return Err(LinkError::TooLarge),
            TINFLStatus::HasMoreOutput => {
                let grown = (out.len() * 2).min(limit);
                out.resize(grown, 0);
            }
            // The data stops early: the link was cut off.
            TINFLStatus::NeedsMoreInput | TINFLStatus::FailedCannotMakeProgress => {
                return Err(LinkError::Damaged("its compressed data is incomplete"))
            }
            // It does not read as compressed data at all: a character was changed.
            _ => {
                return Err(LinkError::Damaged(
                    "its compressed data does not read: a character of it may have changed",
                ))
            }
        }
    }
}

/// What a user should know before sharing, e.g. that Secrets travel as key names only.
pub fn notes(design: &Design) -> Vec<String> {
    let mut out = Vec::new();
    let keys: usize = design.secrets.iter().map(|s| s.keys.len()).sum();
    if !design.secrets.is_empty() {
        out.push(format!(
            "{} with {}: the link carries key names only, never values",
            crate::words::counted(design.secrets.len(), "Secret"),
            crate::words::counted(keys, "key"),
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
    // Ids that count up from 1 (what the editor allocates) are left out, and so is a
    // `next_id` one past the last of them; [`implicit_ids`] puts them back.
    let mut expected = 1;
    let services = v.get_mut("services").and_then(Value::as_array_mut);
    for (service, s) in services.into_iter().flatten().zip(&design.services) {
        let map = service.as_object_mut().expect("services are objects");
        if s.id.0 == expected {
            map.remove("id");
        } else {
            map.insert("id".into(), Value::from(s.id.0));
        }
        expected = s.id.0.wrapping_add(1);
    }
    let map = v.as_object_mut().expect("designs are objects");
    if design.next_id == expected {
        map.remove("next_id");
    } else {
        map.insert("next_id".into(), Value::from(design.next_id));
    }
    rename(&mut v, false, |k| {
        ABBREVIATIONS
            .iter()
            .find(|(long, _)| *long == k)
            .map(|(_, short)| *short)
    });
    v
}

/// Undo [`compact`]'s implicit ids (`kp2.` links): a service without an `id` has the
/// one after the previous service's (1 for the first), and a design without `next_id`
/// the one after its last service's.
fn implicit_ids(v: &mut Value) {
    let Some(map) = v.as_object_mut() else { return };
    let mut expected: u64 = 1;
    if let Some(Value::Array(services)) = map.get_mut("services") {
        for service in services {
            let Some(service) = service.as_object_mut() else {
                continue;
            };
            let id = match service.get("id").and_then(Value::as_u64) {
                Some(id) => id,
                None => {
                    service.insert("id".into(), Value::from(expected));
                    expected
                }
            };
            expected = (id + 1) & u64::from(u32::MAX);
        }
    }
    map.entry("next_id").or_insert(Value::from(expected));
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
    ("pre_stop_sleep_command", "~psc"),
];

/// Fields whose members are user data (labels, ConfigMap keys, service ids), not field
/// names: their keys are never renamed.
const DATA_MAPS: &[&str] = &["labels", "annotations", "data", "overrides", "env"];

/// Fields that hold Kubernetes JSON as imported (kept objects, residuals) or user data
/// more than one level deep: carried as they are, never pruned against a default or
/// renamed, because inside them a `null`, a `TCP` or a key that looks like a field name
/// is the input's own.
const OPAQUE: &[&str] = &[
    "residual",
    "extra_objects",
    "pinned_objects",
    "kept_objects",
    // ConfigMap names, then keys: user data two levels deep.
    "config_values",
    "config_left_out",
];

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
        "egress" => to_value(&ExternalEgress::default()),
        "analysis" => to_value(&Analysis::default()),
        "mounts" => to_value(&Mount::default()),
        "volumes" => to_value(&Volume::default()),
        "containers" => to_value(&Container::default()),
        "gateway_route" => to_value(&GatewayRoute::default()),
        "rules" => to_value(&RouteRule::default()),
        "backends" => to_value(&RouteBackend::default()),
        "gateway" => to_value(&Gateway::default()),
        "listeners" => to_value(&GatewayListener::default()),
        "scale_up" | "scale_down" => to_value(&ScaleRules::default()),
        // An environment's override of a service's resources.
        "resources" => to_value(&Resources::default()),
        // Metrics has no default as a whole: only the members serde fills in.
        "metrics" => serde_json::json!({
            "requests_metric": Metrics::default_requests_metric(),
            "status_label": Metrics::default_status_label(),
        }),
        _ => return None,
    })
}

/// Remove from `v` every member equal to the same member of `default`, recursing into
/// objects; array items and optional objects are pruned against their type's default.
fn prune(v: &mut Value, default: &Value) {
    let Value::Object(map) = v else { return };
    // An internally tagged enum value (probe action, spread, volume source) is one
    // choice: pruning its `type` would make it unreadable, so it is kept whole, unless it
    // is the default's own choice, whose other members then prune like a struct's.
    if let Some(kind) = map.get("type") {
        if default.get("type") != Some(kind) {
            return;
        }
        let kind = kind.clone();
        map.retain(|k, v| k == "type" || default.get(k) != Some(v));
        map.insert("type".into(), kind);
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
    fn a_link_opens_on_the_environment_it_was_made_on() {
        let mut d = templates::miniredis();
        let url = link_showing("https://k.example/", &d, "dev");
        assert!(url.ends_with("&env=dev"), "{url}");
        assert_eq!(environment_shown(&url).as_deref(), Some("dev"));
        assert_eq!(decode(&url).unwrap(), d, "the design reads as before");
        let bare = url.split_once("#d=").unwrap().1;
        assert!(bare.starts_with("kp2.") && bare.ends_with("&env=dev"));
        assert_eq!(decode(bare).unwrap(), d, "and so does its bare text");
        assert_eq!(environment_shown(bare).as_deref(), Some("dev"));
        // The design's link is the same with or without it: an older reader opens it.
        assert!(url.starts_with(&link("https://k.example/", &d)));
        // A name that is not URL-safe is written escaped, and read back whole.
        d.environments[0].name = "qa ü&1".into();
        let url = link_showing("https://k.example/", &d, "qa ü&1");
        assert!(url.ends_with("&env=qa%20%C3%BC%261"), "{url}");
        assert_eq!(environment_shown(&url).as_deref(), Some("qa ü&1"));
        assert_eq!(decode(&url).unwrap(), d);
        // An environment the design does not have is not written; a link without one
        // names none.
        assert!(!link_showing("https://k.example/", &d, "nowhere").contains("env="));
        assert_eq!(environment_shown(&link("https://k.example/", &d)), None);
        // A broken escape is read as written, never as something else.
        assert_eq!(
            environment_shown("#d=kp2.x&env=a%2").as_deref(),
            Some("a%2")
        );
    }

    #[test]
    fn broken_links_say_what_is_wrong() {
        let good = encode(&templates::miniredis());
        let cut = &good[..good.len() / 2];
        assert!(
            matches!(decode(cut), Err(LinkError::Damaged(_))),
            "{:?}",
            decode(cut)
        );
        // Cut anywhere, it says so: its text or its data stops early, never that its
        // characters are not a link's.
        for end in 10..40 {
            let cut = &good[..end];
            assert!(
                matches!(
                    decode(cut),
                    Err(LinkError::Damaged(
                        "its text is incomplete" | "its compressed data is incomplete"
                    ))
                ),
                "{end}: {:?}",
                decode(cut)
            );
        }
        assert!(matches!(
            decode(&format!("{good}!")),
            Err(LinkError::Damaged("it has characters no link has"))
        ));
        // One character changed anywhere after the version: what does not decode is
        // said to be damaged, never cut off. (Some changes still decode, to another
        // design: a link carries no checksum, so a changed digit of a count reads as
        // another count. Those are counted out.)
        let start = good.find('.').unwrap() + 1;
        let mut said = std::collections::BTreeMap::new();
        for at in (start..good.len()).step_by(7) {
            let c = if &good[at..=at] == "A" { 'B' } else { 'A' };
            let link = format!("{}{c}{}", &good[..at], &good[at + 1..]);
            match decode(&link) {
                Err(LinkError::Damaged(why)) => *said.entry(why).or_insert(0) += 1,
                Ok(_) => {}
                other => panic!("{at}: {other:?}"),
            }
        }
        let changed: usize = (said.iter())
            .filter(|(why, _)| why.ends_with("may have changed"))
            .map(|(_, n)| n)
            .sum();
        let all: usize = said.values().sum();
        assert!(changed * 10 >= all * 9, "{said:?}");
        assert!(!said.contains_key("its text is incomplete"), "{said:?}");
        // Said in one sentence, one pair of brackets.
        for why in said.keys() {
            let shown = LinkError::Damaged(why).to_string();
            assert_eq!(shown.matches('(').count(), 1, "{shown}");
        }
        assert!(matches!(decode("https://x/#d=kp9.AAAA"), Err(LinkError::TooNew(v)) if v == "kp9"));
        assert!(matches!(decode("https://x/#d=kp3.AAAA"), Err(LinkError::TooNew(v)) if v == "kp3"));
        assert!(matches!(
            decode("https://x/#d=hello"),
            Err(LinkError::NotKubeprint)
        ));
        assert!(matches!(decode("https://x/"), Err(LinkError::Missing)));
        let not_a_design =
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"[1,2]", 10));
        for prefix in ["kp1", "kp2"] {
            assert!(matches!(
                decode(&format!("#d={prefix}.!!!")),
                Err(LinkError::Damaged(_))
            ));
            assert!(matches!(
                decode(&format!("#d={prefix}.{not_a_design}")),
                Err(LinkError::Design(_))
            ));
        }
        // A kp2 payload refers back into the dictionary: without it (as kp1) the back
        // references reach before the start, which is damage, not a panic.
        let kp2 = encode(&templates::miniredis());
        let as_kp1 = kp2.replacen("kp2.", "kp1.", 1);
        assert!(
            matches!(decode(&as_kp1), Err(LinkError::Damaged(_))),
            "{:?}",
            decode(&as_kp1)
        );
    }

    #[test]
    fn a_deflate_bomb_is_refused() {
        let huge = vec![b' '; MAX_DECODED_BYTES + 10];
        let bomb = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&huge, 10));
        assert!(bomb.len() < 20_000, "it is small on the wire");
        for prefix in ["kp1", "kp2"] {
            assert!(matches!(
                decode(&format!("#d={prefix}.{bomb}")),
                Err(LinkError::TooLarge)
            ));
        }
        // Exactly the limit still opens as far as the JSON (which spaces are not).
        let full = vec![b' '; MAX_DECODED_BYTES];
        let full = URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(&full, 10));
        assert!(matches!(
            decode(&format!("#d=kp2.{full}")),
            Err(LinkError::Damaged(
                "its design does not read: a character of it may have changed"
            ))
        ));
    }

    #[test]
    fn the_dictionary_is_the_one_kp2_links_were_made_with() {
        use sha2::{Digest, Sha256};
        let digest: String = Sha256::digest(DICTIONARY)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            digest, DICTIONARY_SHA256,
            "link_dictionary.jsonl changed: every kp2 link in the wild was made with the old \
             bytes. Restore it; a new dictionary needs a new format version and prefix"
        );
    }

    #[test]
    fn the_dictionary_makes_kp2_shorter_than_kp1() {
        let kp1 = |d: &Design| {
            let json = serde_json::to_vec(&compact(d)).unwrap();
            URL_SAFE_NO_PAD
                .encode(miniz_oxide::deflate::compress_to_vec(&json, 10))
                .len()
        };
        let d = templates::miniredis();
        let (with, without) = (encode(&d).len() - "d=kp2.".len(), kp1(&d));
        assert!(with * 10 < without * 7, "{with} vs {without} characters");
    }

    #[test]
    fn ids_that_do_not_count_up_are_written_out() {
        let mut d = templates::miniredis();
        // Out of order, a zero, a gap, a repeat of the default, and a next_id that is
        // not one past the last service.
        for (s, id) in d
            .services
            .iter_mut()
            .zip([5, 0, 6, 2, 3, 9, 10, 1, 4, 11, 12])
        {
            s.id = ServiceId(id);
        }
        d.next_id = 40;
        assert_eq!(decode(&encode(&d)).unwrap(), d);
        d.next_id = 13;
        assert_eq!(decode(&encode(&d)).unwrap(), d);
        let mut empty = Design::default();
        assert_eq!(decode(&encode(&empty)).unwrap(), empty);
        empty.next_id = 7;
        assert_eq!(decode(&encode(&empty)).unwrap(), empty);
        let ids = compact(&templates::miniredis());
        assert!(
            ids["services"][3].get("id").is_none(),
            "counted ids are left out"
        );
        assert!(ids.get("next_id").is_none());
    }

    /// Every object a link carries is pruned against a default, so that nothing equal to
    /// its default travels. Objects with no default to compare against are enums (one
    /// member is the choice) or types whose every member is required.
    #[test]
    fn every_optional_section_and_list_item_has_a_default_to_prune_against() {
        const NO_DEFAULT: &[&str] = &[
            "edges",    // Edge: from, to and port are required
            "env",      // EnvVar: name and value are required
            "env_from", // EnvFrom: an enum, `{"config_map": name}`
            "pdb",      // Pdb: an enum, `{"min_available": n}`
            "policies", // ScalePolicy: every member is required
            "position", // Position: x and y are required
        ];
        fn walk(v: &Value, default: &Value, at: &str, out: &mut Vec<String>) {
            let Value::Object(map) = v else { return };
            if map.contains_key("type") {
                return;
            }
            for (key, value) in map {
                if OPAQUE.contains(&key.as_str())
                    || (DATA_MAPS.contains(&key.as_str()) && key != "overrides")
                {
                    continue;
                }
                let at = format!("{at}/{key}");
                let d = default.get(key).cloned().unwrap_or(Value::Null);
                let item = default_for(key);
                let mut check = |value: &Value, item: &Option<Value>, at: String| {
                    let Value::Object(inner) = value else { return };
                    match item {
                        Some(item) => walk(value, item, &at, out),
                        None if inner.contains_key("type") => {}
                        None if NO_DEFAULT.contains(&key.as_str()) => {}
                        None => out.push(at),
                    }
                };
                match value {
                    Value::Array(items) => items.iter().for_each(|i| check(i, &item, at.clone())),
                    Value::Object(entries) if key == "overrides" => {
                        entries.values().for_each(|e| check(e, &item, at.clone()))
                    }
                    Value::Object(_) if d.is_null() => check(value, &item, at),
                    Value::Object(_) => walk(value, &d, &at, out),
                    _ => {}
                }
            }
        }
        let kitchen_sink: Design =
            crate::file::from_json(include_str!("../tests/links/all-fields.json")).unwrap();
        let mut designs: Vec<Design> = templates::ALL.iter().map(|t| (t.build)()).collect();
        designs.push(kitchen_sink);
        let mut missing = Vec::new();
        for d in &designs {
            walk(
                &to_value(d),
                &to_value(&Design::default()),
                "",
                &mut missing,
            );
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "no default to prune against (add the type to default_for): {missing:?}"
        );
    }

    #[test]
    fn links_mention_secrets_carry_only_key_names() {
        let notes = notes(&templates::miniredis());
        assert_eq!(
            notes,
            ["3 Secrets with 5 keys: the link carries key names only, never values"]
        );
        let mut one = Design::default();
        one.secrets.push(SecretDef {
            name: "db".into(),
            keys: vec!["PASSWORD".into()],
            ..SecretDef::default()
        });
        assert_eq!(
            super::notes(&one),
            ["1 Secret with 1 key: the link carries key names only, never values"]
        );
        assert!(super::notes(&Design::default()).is_empty());
    }
}
