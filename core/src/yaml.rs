//! The one place that uses serde_yaml (deprecated upstream but complete), so that it
//! can be swapped without touching the rest of the crate.

use serde::Serialize;

/// One value as a YAML document (no leading `---`).
pub fn to_doc<T: Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).expect("k8s-openapi objects always serialize")
}

/// Several values as one multi-document YAML stream, separated by `---`.
pub fn to_multi_doc<T: Serialize>(values: &[T]) -> String {
    let mut out = Vec::new();
    let mut ser = serde_yaml::Serializer::new(&mut out);
    for v in values {
        v.serialize(&mut ser)
            .expect("k8s-openapi objects always serialize");
    }
    drop(ser);
    String::from_utf8(out).expect("serde_yaml writes UTF-8")
}

/// Split a multi-document YAML stream into generic values, for tests and import.
pub fn parse_documents(text: &str) -> Result<Vec<serde_yaml::Value>, serde_yaml::Error> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(text)
        .map(serde_yaml::Value::deserialize)
        .collect()
}

/// Deserialize one YAML document into a type.
pub fn from_value<T: serde::de::DeserializeOwned>(
    value: serde_yaml::Value,
) -> Result<T, serde_yaml::Error> {
    serde_yaml::from_value(value)
}

pub use serde_yaml::Value;
