//! Custom resources Kubeprint renders, which k8s-openapi does not have: one file per API
//! group. Each kind is a plain serde struct that implements k8s-openapi's `Resource` and
//! `Metadata` traits, so render's `Object` list reads its kind, apiVersion and metadata
//! the way it reads a built-in kind's.
//!
//! Kubeprint writes only part of what these APIs have, but an import must give back what
//! it read: every struct keeps the members it does not name in `rest` (serde's
//! `flatten`), so an unmodelled field survives a round trip through the typed value.

pub mod gateway;

/// Declares a namespaced custom resource `$kind` of `$group/$version` with metadata, a
/// typed `spec` and whatever else the object has (`status`, ...) kept in `rest`; its
/// `Resource` and `Metadata` impls; and serde that writes `apiVersion` and `kind` and, when
/// reading, refuses another apiVersion or kind (so an object of another version is kept
/// whole by import rather than read as this one, as k8s-openapi's types do).
macro_rules! custom_resource {
    ($(#[$doc:meta])* $kind:ident, $spec:ty, $group:literal, $version:literal, $plural:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $kind {
            /// Standard object metadata.
            pub metadata: k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
            /// The desired state.
            pub spec: $spec,
            /// Members beside `metadata` and `spec` (`status`, ...), kept as they are.
            pub rest: serde_json::Map<String, serde_json::Value>,
        }

        impl k8s_openapi::Resource for $kind {
            const API_VERSION: &'static str = concat!($group, "/", $version);
            const GROUP: &'static str = $group;
            const KIND: &'static str = stringify!($kind);
            const VERSION: &'static str = $version;
            const URL_PATH_SEGMENT: &'static str = $plural;
            type Scope = k8s_openapi::NamespaceResourceScope;
        }

        impl k8s_openapi::Metadata for $kind {
            type Ty = k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
            fn metadata(&self) -> &Self::Ty {
                &self.metadata
            }
            fn metadata_mut(&mut self) -> &mut Self::Ty {
                &mut self.metadata
            }
        }

        impl serde::Serialize for $kind {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("apiVersion", <$kind as k8s_openapi::Resource>::API_VERSION)?;
                m.serialize_entry("kind", <$kind as k8s_openapi::Resource>::KIND)?;
                m.serialize_entry("metadata", &self.metadata)?;
                m.serialize_entry("spec", &self.spec)?;
                for (k, v) in &self.rest {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }

        impl<'de> serde::Deserialize<'de> for $kind {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error;
                let mut rest = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
                let api_version = rest.remove("apiVersion");
                let kind = rest.remove("kind");
                let want = <$kind as k8s_openapi::Resource>::API_VERSION;
                if api_version.as_ref().and_then(|v| v.as_str()) != Some(want) {
                    return Err(D::Error::custom(format!("apiVersion is not {want}")));
                }
                if kind.as_ref().and_then(|v| v.as_str()) != Some(stringify!($kind)) {
                    return Err(D::Error::custom(concat!("kind is not ", stringify!($kind))));
                }
                let empty = || serde_json::Value::Object(Default::default());
                let metadata = rest.remove("metadata").unwrap_or_else(empty);
                let spec = rest.remove("spec").unwrap_or_else(empty);
                Ok($kind {
                    metadata: serde_json::from_value(metadata).map_err(D::Error::custom)?,
                    spec: serde_json::from_value(spec).map_err(D::Error::custom)?,
                    rest,
                })
            }
        }
    };
}

pub(crate) use custom_resource;
