//! Custom resources Kubeprint renders: typed like k8s-openapi's kinds (they implement its
//! `Resource` and `Metadata` traits, so render's `Object` list reads their kind,
//! apiVersion and metadata the same way) and made of k8s-openapi types inside. One file
//! per API group.
//!
//! Invariant: a custom resource read from JSON and written back is the same JSON. Each
//! struct keeps the members it does not type in `other` (flattened), so an imported
//! object keeps every field of its CRD, not only those Kubeprint models.

pub mod argocd;
pub mod gateway;
pub mod monitoring;
pub mod rollouts;

/// Members of a custom resource's object that its Rust type does not name, kept as they
/// are.
pub type Other = std::collections::BTreeMap<String, serde_json::Value>;

/// Declares a namespaced custom resource `$name` with `metadata` and `spec`: its
/// `Resource` and `Metadata` traits, and serde that writes `apiVersion` and `kind` and
/// reads only objects of exactly that group, version and kind (an `Object` of another
/// API group that happens to share the kind's name, say another project's `Rollout`, is
/// then kept whole by import rather than misread).
macro_rules! custom_resource {
    ($(#[$doc:meta])* $name:ident, $spec:ty, group: $group:literal, version: $version:literal, plural: $plural:literal) => {
        #[doc = concat!("A `", stringify!($name), "` (", $group, "/", $version, ").")]
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            /// Standard object metadata.
            pub metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
            /// The resource's spec.
            pub spec: $spec,
            /// Top-level members besides apiVersion, kind, metadata and spec (`status`).
            pub other: $crate::crd::Other,
        }

        impl k8s_openapi::Resource for $name {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = stringify!($name);
            const VERSION: &'static str = $version;
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::NamespaceResourceScope;
        }

        impl k8s_openapi::Metadata for $name {
            type Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use k8s_openapi::Resource;
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("apiVersion", Self::API_VERSION)?;
                m.serialize_entry("kind", Self::KIND)?;
                m.serialize_entry("metadata", &self.metadata)?;
                m.serialize_entry("spec", &self.spec)?;
                for (k, v) in &self.other {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use k8s_openapi::Resource;
                #[derive(serde::Deserialize)]
                struct Raw {
                    #[serde(rename = "apiVersion")]
                    api_version: String,
                    kind: String,
                    #[serde(default)]
                    metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
                    #[serde(default)]
                    spec: $spec,
                    #[serde(flatten)]
                    other: $crate::crd::Other,
                }
                let raw = Raw::deserialize(d)?;
                if raw.api_version != Self::API_VERSION || raw.kind != Self::KIND {
                    return Err(serde::de::Error::custom(format!(
                        "expected {} {}, found {} {}",
                        Self::API_VERSION,
                        Self::KIND,
                        raw.api_version,
                        raw.kind
                    )));
                }
                Ok($name {
                    metadata: raw.metadata,
                    spec: raw.spec,
                    other: raw.other,
                })
            }
        }
    };
}

pub(crate) use custom_resource;

/// A duration as Go's `time.ParseDuration` and Kubernetes' CRDs write it, from whole
/// seconds: `90s`, `5m`, `2h` (whole minutes and hours in their unit, so what people
/// write reads back the same).
pub fn duration(seconds: u32) -> String {
    if seconds > 0 && seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds > 0 && seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

/// Whole seconds of a Go duration (`1h30m`, `90s`, `500ms` rounds down, a bare number
/// is seconds as Argo Rollouts reads an integer pause); `None` if it does not read.
pub fn seconds(text: &str) -> Option<u32> {
    let text = text.trim();
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    let mut total: f64 = 0.0;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .filter(|&e| e > 0)?;
        let number: f64 = rest[..end].parse().ok()?;
        rest = &rest[end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += number * factor;
        rest = &rest[unit_end..];
    }
    (total <= f64::from(u32::MAX)).then_some(total as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_go_writes_them_and_write_in_their_largest_whole_unit() {
        assert_eq!(duration(90), "90s");
        assert_eq!(duration(300), "5m");
        assert_eq!(duration(7200), "2h");
        assert_eq!(duration(0), "0s");
        assert_eq!(seconds("5m"), Some(300));
        assert_eq!(seconds("1h30m"), Some(5400));
        assert_eq!(seconds("90s"), Some(90));
        assert_eq!(seconds("45"), Some(45));
        assert_eq!(seconds("1500ms"), Some(1));
        assert_eq!(seconds("5 minutes"), None);
        assert_eq!(seconds(""), None);
        for s in [1, 59, 60, 61, 3600, 3661] {
            assert_eq!(seconds(&duration(s)), Some(s));
        }
    }
}
