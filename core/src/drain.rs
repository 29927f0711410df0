//! What an app's own configuration says of its shutdown: how long it drains after
//! SIGTERM (the design's A, `Timing::app_shutdown_seconds`). The import reads A from it,
//! and KP118 checks that the two agree.

use crate::model::{EnvFrom, EnvValue, Service, VolumeSource};
use std::collections::{BTreeMap, BTreeSet};

/// Where a setting of the app's shutdown is written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The main container's variable at this index of its env list, a literal.
    Literal(usize),
    /// A key of a ConfigMap, read by `configMapKeyRef` or with the whole ConfigMap.
    Key {
        /// The ConfigMap.
        config_map: String,
        /// The key.
        key: String,
    },
    /// A line of a config file the pod mounts from a ConfigMap.
    File {
        /// The ConfigMap.
        config_map: String,
        /// The file (its key).
        file: String,
    },
}

/// The first setting of the app's shutdown timeout the main container of `s` reads,
/// as Kubernetes lets one win: a variable of its env list (the last of a name), then
/// one of the ConfigMaps it reads whole (the last listed that has the name; a Secret's
/// keys, which the design holds no values of, are not weighed), then a line of a config
/// file it mounts. `data` gives a ConfigMap's data by name. With its key, its value,
/// and where it is written. The import takes A from it; KP118 compares A with it.
pub fn setting_of<'d>(
    s: &Service,
    data: impl Fn(&str) -> Option<std::borrow::Cow<'d, BTreeMap<String, String>>>,
) -> Option<(String, String, Source)> {
    let found = |key: &str, value: &str| setting_ms(key, value).is_some();
    // Each name's value is the last env entry of that name's, else the last envFrom
    // source's that has it: a name decided once, even where its winner is no setting
    // this reads (a Secret's, a word).
    let mut decided: BTreeSet<String> = BTreeSet::new();
    for (i, e) in s.config.env.iter().enumerate().rev() {
        if !decided.insert(e.name.clone()) || unit_ms(&e.name).is_none() {
            continue;
        }
        match &e.value {
            EnvValue::Literal(v) if found(&e.name, v) => {
                return Some((e.name.clone(), v.clone(), Source::Literal(i)))
            }
            EnvValue::ConfigMapKey { name, key } => {
                let value = data(name).and_then(|d| d.get(key).cloned());
                if let Some(v) = value.filter(|v| found(&e.name, v)) {
                    let source = Source::Key {
                        config_map: name.clone(),
                        key: key.clone(),
                    };
                    return Some((e.name.clone(), v, source));
                }
            }
            _ => {}
        }
    }
    for from in s.config.env_from.iter().rev() {
        let EnvFrom::ConfigMap(name) = from else {
            continue;
        };
        let Some(d) = data(name) else { continue };
        let mut winner = None;
        for (k, v) in d.iter() {
            if decided.insert(k.clone()) && winner.is_none() && found(k, v) {
                winner = Some((k.clone(), v.clone()));
            }
        }
        if let Some((k, v)) = winner {
            let source = Source::Key {
                config_map: name.clone(),
                key: k.clone(),
            };
            return Some((k, v, source));
        }
    }
    for v in &s.volumes {
        let VolumeSource::ConfigMap { name } = &v.source else {
            continue;
        };
        let Some(d) = data(name) else { continue };
        for (file, text) in d.iter() {
            if let Some((k, v)) = text.lines().filter_map(setting).find(|(k, v)| found(k, v)) {
                let source = Source::File {
                    config_map: name.clone(),
                    file: file.clone(),
                };
                return Some((k.to_string(), v.to_string(), source));
            }
        }
    }
    None
}

/// Whether `key`, a variable or a config file's setting, names a shutdown timeout (in
/// any case, with any separators: `GRACEFUL_SHUTDOWN_TIMEOUT_MS`, `shutdownTimeout`,
/// `spring.lifecycle.timeout-per-shutdown-phase`, `GRACEFUL_TIMEOUT`), and if so the
/// unit of a plain number there, in milliseconds: 1 where the name ends in `ms` or
/// `millis(econds)`, else 1000. A switch (`..._ENABLED`) is none.
pub fn unit_ms(key: &str) -> Option<u64> {
    let k: String = (key.chars())
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let named = (k.contains("shutdown") || k.contains("graceful"))
        && ["timeout", "phase", "period"].iter().any(|w| k.contains(w))
        && !k.ends_with("enabled");
    let ms = ["ms", "millis", "milliseconds"]
        .iter()
        .any(|u| k.ends_with(u));
    named.then_some(if ms { 1 } else { 1000 })
}

/// How long a setting ([`unit_ms`]) tells the app to drain, in milliseconds: a number
/// in the name's unit, or a duration (`30s`, `1m30s`, `500ms`).
pub fn setting_ms(key: &str, value: &str) -> Option<u64> {
    let unit = unit_ms(key)?;
    let value = value.trim();
    match value.parse::<u64>() {
        Ok(n) => n.checked_mul(unit),
        Err(_) => crate::routes::duration_ms(value).or_else(|| {
            crate::input::seconds(value)
                .ok()
                .map(|s| u64::from(s) * 1000)
        }),
    }
}

/// [`setting_ms`] in whole seconds, rounded up.
pub fn setting_seconds(key: &str, value: &str) -> Option<u32> {
    let ms = setting_ms(key, value)?;
    Some(u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX))
}

/// A line of a config file read as a setting: `key: value` (YAML), `key = value` (TOML,
/// properties) or `"key": value,` (JSON), quotes, a trailing comma and a comment dropped.
pub fn setting(line: &str) -> Option<(&str, &str)> {
    let line = line.split(" #").next().unwrap_or_default();
    let line = line.trim().trim_start_matches("- ");
    let at = line.find([':', '='])?;
    fn unquote(t: &str) -> &str {
        t.trim()
            .trim_end_matches(',')
            .trim()
            .trim_matches(['"', '\''])
    }
    Some((unquote(&line[..at]), unquote(&line[at + 1..])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shutdown_settings_read_in_their_units() {
        assert_eq!(
            setting_ms("GRACEFUL_SHUTDOWN_TIMEOUT_MS", "30000"),
            Some(30_000)
        );
        assert_eq!(setting_ms("SHUTDOWN_TIMEOUT", "15s"), Some(15_000));
        assert_eq!(setting_ms("SHUTDOWN_TIMEOUT", "15"), Some(15_000));
        assert_eq!(setting_ms("shutdownTimeout", "1m30s"), Some(90_000));
        assert_eq!(
            setting_ms("spring.lifecycle.timeout-per-shutdown-phase", "30s"),
            Some(30_000)
        );
        assert_eq!(setting_ms("GRACEFUL_TIMEOUT", "25"), Some(25_000));
        assert_eq!(setting_ms("shutdown_timeout_ms", "500ms"), Some(500));
        assert_eq!(setting_seconds("SHUTDOWN_TIMEOUT_MS", "1500"), Some(2));
        for (key, value) in [
            ("GRACEFUL_SHUTDOWN_ENABLED", "true"),
            ("REQUEST_TIMEOUT", "30s"),
            ("SHUTDOWN_TIMEOUT", "soon"),
        ] {
            assert_eq!(setting_ms(key, value), None, "{key}");
        }
        assert_eq!(
            setting("  shutdownTimeout: 10s # drain"),
            Some(("shutdownTimeout", "10s"))
        );
        assert_eq!(
            setting("\"shutdown_timeout\": 15,"),
            Some(("shutdown_timeout", "15"))
        );
    }

    /// The setting read is the one Kubernetes gives the variable: the last env entry
    /// of a name over an envFrom ConfigMap's, the last envFrom source over an
    /// earlier one; a name whose winner is no setting (a word) is not taken from a
    /// source it beat.
    #[test]
    fn the_setting_read_is_the_one_that_wins() {
        use crate::model::{EnvVar, Service};
        let maps: BTreeMap<String, BTreeMap<String, String>> = [
            ("base", [("SHUTDOWN_TIMEOUT", "10s")]),
            ("prod", [("SHUTDOWN_TIMEOUT", "40s")]),
        ]
        .into_iter()
        .map(|(n, kv)| {
            (
                n.to_string(),
                kv.iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            )
        })
        .collect();
        let data = |name: &str| maps.get(name).map(std::borrow::Cow::Borrowed);
        let mut s = Service::default();
        s.config.env_from = vec![
            EnvFrom::ConfigMap("base".into()),
            EnvFrom::ConfigMap("prod".into()),
        ];
        let read = |s: &Service| setting_of(s, data).map(|(_, v, _)| v);
        assert_eq!(read(&s).as_deref(), Some("40s"), "the last envFrom source");
        s.config.env = vec![EnvVar::literal("SHUTDOWN_TIMEOUT", "25s")];
        assert_eq!(read(&s).as_deref(), Some("25s"), "env over envFrom");
        s.config
            .env
            .push(EnvVar::literal("SHUTDOWN_TIMEOUT", "soon"));
        assert_eq!(read(&s), None, "the last entry wins, and is no duration");
    }
}
