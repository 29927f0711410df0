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

/// What a piece of a highlighted YAML line is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Token {
    /// A mapping key.
    Key,
    /// A quoted string.
    String,
    /// A number.
    Number,
    /// `true`, `false`, `null`.
    Literal,
    /// Indentation, `- `, `: `, `---`.
    Punct,
    /// Anything else (plain scalars).
    Plain,
}

/// Split one line of YAML as serde_yaml writes it into highlighted pieces. The pieces
/// concatenate back to the line exactly.
pub fn highlight(line: &str) -> Vec<(Token, &str)> {
    let mut out = Vec::new();
    if line == "---" {
        out.push((Token::Punct, line));
        return out;
    }
    let mut rest = line;
    let indent = rest.len() - rest.trim_start_matches([' ', '-']).len();
    if indent > 0 {
        out.push((Token::Punct, &rest[..indent]));
        rest = &rest[indent..];
    }
    let key_end = if rest.starts_with(['\'', '"']) {
        None
    } else {
        rest.find(": ")
            .or_else(|| rest.strip_suffix(':').map(str::len))
    };
    if let Some(end) = key_end {
        out.push((Token::Key, &rest[..end]));
        let sep = if rest.len() > end + 1 { 2 } else { 1 };
        out.push((Token::Punct, &rest[end..end + sep]));
        rest = &rest[end + sep..];
    }
    if !rest.is_empty() {
        let kind = if rest.starts_with(['\'', '"']) {
            Token::String
        } else if matches!(rest, "true" | "false" | "null" | "~" | "{}" | "[]") {
            Token::Literal
        } else if rest.parse::<f64>().is_ok() {
            Token::Number
        } else {
            Token::Plain
        };
        out.push((kind, rest));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighting_keeps_every_character_and_marks_keys() {
        for line in [
            "  - containerPort: 5000",
            "kind: Deployment",
            "    app.kubernetes.io/name: api",
            "---",
            "  tls.crt: CHANGE_ME",
            "  - name: 'true'",
            "spec:",
            "  podSelector: {}",
        ] {
            let pieces = highlight(line);
            assert_eq!(pieces.iter().map(|(_, s)| *s).collect::<String>(), line);
        }
        assert_eq!(
            highlight("  - containerPort: 5000"),
            vec![
                (Token::Punct, "  - "),
                (Token::Key, "containerPort"),
                (Token::Punct, ": "),
                (Token::Number, "5000")
            ]
        );
        assert_eq!(
            highlight("spec:"),
            vec![(Token::Key, "spec"), (Token::Punct, ":")]
        );
        assert_eq!(highlight("  - name: 'true'")[3], (Token::String, "'true'"));
    }
}
