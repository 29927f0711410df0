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

/// Plain data as a generic YAML value.
pub fn to_value<T: Serialize>(value: &T) -> serde_yaml::Value {
    serde_yaml::to_value(value).expect("plain data always serializes")
}

/// One value as a YAML document that YAML 1.1 readers (PyYAML, and so docker-compose 1.x;
/// Go's YAML v2, and so Helm and kubectl) read back with the same types: every string
/// such a reader would take for something else (`no`, `on`, `0755`, `1:30`,
/// `2024-01-01`, `~`) is written quoted. serde_yaml writes YAML 1.2, where those are
/// plain strings, and offers no quoting choice, so each such string is marked with a
/// leading control character (which serde_yaml can only write double-quoted, as
/// `"\xNN...`) and the mark is then removed from the text: a deletion inside a
/// double-quoted scalar, which cannot change the document's structure. The mark is one
/// that no string of the value holds, neither as a character nor as the text `"\xNN`,
/// so that only marks are removed.
pub fn to_doc_yaml11<T: Serialize>(value: &T) -> String {
    let mut v = to_value(value);
    let mut strings = Vec::new();
    collect_strings(&v, &mut strings);
    let mark = MARKS.into_iter().find(|m| {
        let text = mark_text(*m).to_ascii_uppercase();
        strings
            .iter()
            .all(|s| !s.contains(*m) && !s.to_ascii_uppercase().contains(&text))
    });
    let Some(mark) = mark else {
        // Every mark is taken (no real value does that): YAML 1.2 as it is.
        return to_doc(&v);
    };
    mark_ambiguous(&mut v, mark);
    to_doc(&v).replace(&mark_text(mark), "\"")
}

/// Control characters serde_yaml writes as `\xNN` (the others have short escapes).
const MARKS: [char; 23] = [
    '\u{1}', '\u{2}', '\u{3}', '\u{4}', '\u{5}', '\u{6}', '\u{e}', '\u{f}', '\u{10}', '\u{11}',
    '\u{12}', '\u{13}', '\u{14}', '\u{15}', '\u{16}', '\u{17}', '\u{18}', '\u{19}', '\u{1a}',
    '\u{1c}', '\u{1d}', '\u{1e}', '\u{1f}',
];

/// How a double-quoted scalar that starts with `mark` starts in serde_yaml's text.
fn mark_text(mark: char) -> String {
    format!("\"\\x{:02X}", mark as u32)
}

fn collect_strings<'a>(v: &'a serde_yaml::Value, out: &mut Vec<&'a str>) {
    match v {
        serde_yaml::Value::String(s) => out.push(s),
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|i| collect_strings(i, out)),
        serde_yaml::Value::Mapping(m) => m.iter().for_each(|(k, v)| {
            collect_strings(k, out);
            collect_strings(v, out);
        }),
        serde_yaml::Value::Tagged(t) => collect_strings(&t.value, out),
        _ => {}
    }
}

fn mark_ambiguous(v: &mut serde_yaml::Value, mark: char) {
    match v {
        serde_yaml::Value::String(s) if yaml11_ambiguous(s) => s.insert(0, mark),
        serde_yaml::Value::Sequence(items) => {
            items.iter_mut().for_each(|i| mark_ambiguous(i, mark))
        }
        serde_yaml::Value::Mapping(m) => {
            let entries: Vec<_> = std::mem::take(m).into_iter().collect();
            for (mut k, mut val) in entries {
                mark_ambiguous(&mut k, mark);
                mark_ambiguous(&mut val, mark);
                m.insert(k, val);
            }
        }
        _ => {}
    }
}

/// Whether a YAML 1.1 reader could resolve this plain scalar to a non-string: its bool
/// and null words, `=` and `<<`, and anything that starts like a number and holds only
/// what numbers, sexagesimals and timestamps are made of. (An over-approximation:
/// quoting a string that needs no quotes changes nothing.)
pub fn yaml11_ambiguous(s: &str) -> bool {
    const WORDS: [&str; 26] = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "~", "null", "Null", "NULL",
    ];
    if s.is_empty() || WORDS.contains(&s) || s == "=" || s == "<<" {
        return true;
    }
    // Every YAML 1.1 number, sexagesimal and timestamp has a digit (`.inf` and `.nan`
    // are YAML 1.2's too, which serde_yaml quotes itself).
    let numeric_start = s.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c));
    numeric_start
        && s.chars().any(|c| c.is_ascii_digit())
        && s.chars().all(|c| {
            c.is_ascii_hexdigit() || "+-._:xXoOtTzZ \t".contains(c) || "infaINFA".contains(c)
        })
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

    #[test]
    fn yaml11_readers_get_strings_back_as_strings() {
        let value = serde_json::json!({
            "restart": "no",
            "no": ["on", "0755", "1:30", "2024-01-01", "1_000", "~", "", "plain", "3f9c2d1"],
            "image": "postgres:16.4",
            "say": "a \"quoted\" no",
        });
        let text = to_doc_yaml11(&value);
        assert_eq!(
            text,
            "image: postgres:16.4\n\"no\":\n- \"on\"\n- \"0755\"\n- \"1:30\"\n- \"2024-01-01\"\n- \"1_000\"\n- \"~\"\n- \"\"\n- plain\n- \"3f9c2d1\"\nrestart: \"no\"\nsay: a \"quoted\" no\n"
        );
        let back: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    /// Strings that start with a control character, or hold the text a mark is written
    /// as, come back whole, and the ambiguous ones beside them are still quoted.
    #[test]
    fn yaml11_marks_never_touch_the_values_own_text() {
        let mut strings: Vec<String> = (1u8..32).map(|c| format!("{}x", c as char)).collect();
        strings.extend(["\"\\x01", "a \"\\x01 b", "\"\\x0E\"", "\\x02", "on"].map(String::from));
        for s in &strings {
            for value in [
                serde_json::json!([s, "on"]),
                serde_json::json!({ s.clone(): "yes", "k": s }),
            ] {
                let text = to_doc_yaml11(&value);
                let back: serde_json::Value = serde_yaml::from_str(&text).unwrap();
                assert_eq!(back, value, "{s:?}:\n{text}");
                assert!(!text.contains("- on") && !text.contains(": yes"), "{text}");
            }
        }
        // Every mark taken at once: YAML 1.2 as it is, still whole.
        let all = serde_json::json!(strings);
        let back: serde_json::Value = serde_yaml::from_str(&to_doc_yaml11(&all)).unwrap();
        assert_eq!(back, all);
    }
}
