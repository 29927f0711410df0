//! The one place that uses serde_yaml (deprecated upstream but complete), so that it
//! can be swapped without touching the rest of the crate.

use crate::order::Collect;
use serde::Serialize;

/// One value as a YAML document (no leading `---`) that every reader types alike:
/// kubectl, Helm and kustomize read YAML 1.1 (`on`, `no`, `0755` are not strings
/// there), so such strings are quoted. An env value `on` written plain is a bool to
/// kubectl, which the API server then refuses.
pub fn to_doc<T: Serialize>(value: &T) -> String {
    to_doc_yaml11(value)
}

/// serde_yaml's own output (YAML 1.2): only for values whose strings are already safe.
fn to_doc_yaml12<T: Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).expect("k8s-openapi objects always serialize")
}

/// Several values as one multi-document YAML stream, separated by `---`, each as
/// [`to_doc`] writes it.
pub fn to_multi_doc<T: Serialize>(values: &[T]) -> String {
    values.iter().map(to_doc).collect::<Vec<_>>().join("---\n")
}

/// Plain data as a generic YAML value.
pub fn to_value<T: Serialize>(value: &T) -> serde_yaml::Value {
    serde_yaml::to_value(value).expect("plain data always serializes")
}

/// A value as JSON, serialized through the same serializer as its YAML ([`to_value`]).
/// The page then carries one serializer per k8s-openapi type instead of one per serde
/// backend (each is a full copy of every type's `Serialize` impl: hundreds of KB of
/// wasm). The result equals `serde_json::to_value(value)`: same keys, strings, numbers
/// and nulls; an enum variant with data, which serde_yaml writes as a tag (`!Name
/// value`), becomes `{"Name": value}` as serde_json writes it.
pub fn to_json<T: Serialize>(value: &T) -> serde_json::Value {
    json_of(to_value(value))
}

fn json_of(v: serde_yaml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(b),
        Y::Number(n) => json_number(&n),
        Y::String(s) => J::String(s),
        Y::Sequence(items) => J::Array(items.into_iter().map(json_of).collect()),
        Y::Mapping(m) => J::Object(
            m.into_iter()
                .map(|(k, v)| (json_key(k), json_of(v)))
                .to_object(),
        ),
        Y::Tagged(t) => {
            let t = *t;
            let name = t.tag.to_string();
            let name = name.strip_prefix('!').unwrap_or(&name).to_string();
            let mut object = serde_json::Map::new();
            object.insert(name, json_of(t.value));
            J::Object(object)
        }
    }
}

/// serde_json keeps integers as integers and writes a non-finite float as null.
fn json_number(n: &serde_yaml::Number) -> serde_json::Value {
    if let Some(i) = n.as_i64() {
        i.into()
    } else if let Some(u) = n.as_u64() {
        u.into()
    } else {
        n.as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)
    }
}

/// A map key as serde_json writes it: strings as they are, numbers and bools as text.
fn json_key(k: serde_yaml::Value) -> String {
    match k {
        serde_yaml::Value::String(s) => s,
        serde_yaml::Value::Bool(b) => b.to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        other => to_doc_yaml12(&other).trim_end().to_string(),
    }
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
fn to_doc_yaml11<T: Serialize>(value: &T) -> String {
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
        return to_doc_yaml12(&v);
    };
    if !mark_ambiguous(&mut v, mark) {
        return to_doc_yaml12(&v);
    }
    to_doc_yaml12(&v).replace(&mark_text(mark), "\"")
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

/// Marks every ambiguous string; whether there was one.
fn mark_ambiguous(v: &mut serde_yaml::Value, mark: char) -> bool {
    match v {
        serde_yaml::Value::String(s) if needs_quotes(s) => {
            s.insert(0, mark);
            true
        }
        serde_yaml::Value::Sequence(items) => items
            .iter_mut()
            .fold(false, |any, i| mark_ambiguous(i, mark) | any),
        serde_yaml::Value::Mapping(m) => {
            if !m.iter().any(|(k, v)| has_ambiguous(k) || has_ambiguous(v)) {
                return false;
            }
            let entries: Vec<_> = std::mem::take(m).into_iter().collect();
            for (mut k, mut val) in entries {
                mark_ambiguous(&mut k, mark);
                mark_ambiguous(&mut val, mark);
                m.insert(k, val);
            }
            true
        }
        _ => false,
    }
}

fn has_ambiguous(v: &serde_yaml::Value) -> bool {
    match v {
        serde_yaml::Value::String(s) => needs_quotes(s),
        serde_yaml::Value::Sequence(items) => items.iter().any(has_ambiguous),
        serde_yaml::Value::Mapping(m) => {
            m.iter().any(|(k, v)| has_ambiguous(k) || has_ambiguous(v))
        }
        _ => false,
    }
}

/// Whether serde_yaml would write `s` plain although a YAML 1.1 reader could take it
/// for something else. (What serde_yaml quotes itself stays as it writes it.)
fn needs_quotes(s: &str) -> bool {
    yaml11_ambiguous(s)
        && !serde_yaml::to_string(s)
            .map(|t| t.starts_with(['\'', '"']))
            .unwrap_or(true)
}

/// Whether a YAML 1.1 reader could resolve this plain scalar to a non-string: the bool
/// and null words, `=` and `<<`, and the ints, floats, sexagesimals and timestamps of
/// PyYAML's resolvers (docker-compose 1.x) and Go's YAML v2 (kubectl, Helm, kustomize;
/// a date there turns into a timestamp string). `1.0.0`, `0.0.0.0` and `3f9c2d1` are
/// strings to both.
pub fn yaml11_ambiguous(s: &str) -> bool {
    const WORDS: [&str; 26] = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N", "~", "null", "Null", "NULL",
    ];
    if s.is_empty() || WORDS.contains(&s) || s == "=" || s == "<<" {
        return true;
    }
    let t = s.strip_prefix(['+', '-']).unwrap_or(s);
    let all = |x: &str, ok: fn(char) -> bool| !x.is_empty() && x.chars().all(ok);
    let digits = |c: char| c.is_ascii_digit() || c == '_';
    let int = all(t, digits) && t.starts_with(|c: char| c.is_ascii_digit())
        || t.strip_prefix("0b")
            .is_some_and(|r| all(r, |c| "01_".contains(c)))
        || t.strip_prefix("0x")
            .is_some_and(|r| all(r, |c| c.is_ascii_hexdigit() || c == '_'))
        || t.strip_prefix("0o")
            .is_some_and(|r| all(r, |c| ('0'..='7').contains(&c)));
    let special = [".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"].contains(&t);
    int || special || float11(t) || sexagesimal(t) || timestamp(s)
}

/// `1.5`, `1.`, `.5`, `1_0.5e+3`, `1e3`: one dot at most, digits around it, an exponent.
fn float11(t: &str) -> bool {
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let has_dot = mantissa.contains('.');
    let part = |x: &str| x.chars().all(|c| c.is_ascii_digit() || c == '_');
    let some_digit = mantissa.chars().any(|c| c.is_ascii_digit());
    exponent_ok
        && some_digit
        && part(int)
        && part(frac)
        && !int.starts_with('_')
        && (has_dot || exponent.is_some())
}

/// `1:30`, `190:20:30.15`: base-60 ints and floats (YAML 1.1 only).
fn sexagesimal(t: &str) -> bool {
    let mut parts = t.split(':');
    let first = parts.next().unwrap_or("");
    let rest: Vec<&str> = parts.collect();
    let two = |p: &str| (1..=2).contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit());
    !rest.is_empty()
        && first.starts_with(|c: char| c.is_ascii_digit())
        && first.chars().all(|c| c.is_ascii_digit() || c == '_')
        && rest.iter().enumerate().all(|(i, p)| {
            let p = if i + 1 == rest.len() {
                p.split('.').next().unwrap_or(p)
            } else {
                p
            };
            two(p)
        })
}

/// `2024-01-01`, `2024-1-1T10:00:00Z`, `2024-01-01 10:00:00`: a date, then a time or
/// nothing.
fn timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 8 || !b[..4].iter().all(u8::is_ascii_digit) || b[4] != b'-' {
        return false;
    }
    let rest = &s[5..];
    let mut it = rest.splitn(3, '-');
    let (Some(month), Some(tail)) = (it.next(), it.next()) else {
        return false;
    };
    let day_len = tail.chars().take_while(char::is_ascii_digit).count();
    let after = &tail[day_len..];
    (1..=2).contains(&month.len())
        && month.chars().all(|c| c.is_ascii_digit())
        && (1..=2).contains(&day_len)
        && it.next().is_none()
        && (after.is_empty() || after.starts_with(['T', 't', ' ', '\t']))
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

impl Token {
    /// The CSS class the designer draws this piece with.
    pub fn class(self) -> &'static str {
        match self {
            Token::Key => "t-key",
            Token::String => "t-str",
            Token::Number => "t-num",
            Token::Literal => "t-lit",
            Token::Punct => "t-punct",
            Token::Plain => "t-plain",
        }
    }
}

/// Appends `line` to `html`, highlighted, as HTML: one `<span>` per piece of
/// [`highlight`] with the piece's [`Token::class`], its text escaped; a document
/// separator (`---`) is one `t-sep` span. The browser parses a whole view of lines
/// at once far faster than it builds the same elements one call at a time.
pub fn line_html(line: &str, html: &mut String) {
    if line == "---" {
        html.push_str("<span class=\"t-sep\">---</span>");
        return;
    }
    for (token, text) in highlight(line) {
        html.push_str("<span class=\"");
        html.push_str(token.class());
        html.push_str("\">");
        escape_html(text, html);
        html.push_str("</span>");
    }
}

/// Appends `text` to `html` as element content: `&`, `<` and `>` escaped, so no value
/// of a design (a name, an annotation, an imported field) can become markup.
fn escape_html(text: &str, html: &mut String) {
    let mut rest = text;
    while let Some(i) = rest.find(['&', '<', '>']) {
        html.push_str(&rest[..i]);
        html.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            _ => "&gt;",
        });
        rest = &rest[i + 1..];
    }
    html.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTML of a line is its pieces, in order, each in a span of its class, and its
    /// text is the line's text exactly once the entities are read back: markup in a
    /// value stays text.
    #[test]
    fn line_html_is_the_highlighted_line_escaped() {
        let mut html = String::new();
        line_html("  - containerPort: 5000", &mut html);
        assert_eq!(
            html,
            "<span class=\"t-punct\">  - </span><span class=\"t-key\">containerPort</span>\
             <span class=\"t-punct\">: </span><span class=\"t-num\">5000</span>"
        );
        let mut html = String::new();
        line_html(
            "    note: <img src=x onerror=alert(1)> & </span>",
            &mut html,
        );
        assert!(html.ends_with(
            "<span class=\"t-plain\">&lt;img src=x onerror=alert(1)&gt; &amp; &lt;/span&gt;</span>"
        ));
        let mut html = String::new();
        line_html("---", &mut html);
        assert_eq!(html, "<span class=\"t-sep\">---</span>");
    }

    /// Reading the HTML back as a browser would (tags dropped, the three entities
    /// decoded) gives any line back, and no `<` survives outside a tag.
    fn text_of(html: &str) -> String {
        let mut text = String::new();
        let mut rest = html;
        while let Some(open) = rest.find('<') {
            text.push_str(&rest[..open]);
            let close = rest[open..].find('>').expect("a tag is closed") + open;
            let tag = &rest[open..=close];
            assert!(
                tag == "</span>" || tag.starts_with("<span class=\"t-"),
                "unexpected markup {tag:?} in {html:?}"
            );
            rest = &rest[close + 1..];
        }
        text.push_str(rest);
        text.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    }

    proptest::proptest! {
        #[test]
        fn line_html_reads_back_as_the_line(line in "[ a-z:;#&<>/\"'{}\\[\\]-]{0,40}") {
            let mut html = String::new();
            line_html(&line, &mut html);
            proptest::prop_assert_eq!(text_of(&html), line);
        }
    }

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

    /// `to_json` (through serde_yaml's value serializer) gives what serde_json's own
    /// serializer gives, for every object of every template and environment, for
    /// imported objects kept whole, and for the shapes k8s-openapi objects never have
    /// but other values might (tagged enum variants, non-string keys, floats).
    #[test]
    fn to_json_equals_serde_json() {
        let mut objects = 0;
        for t in crate::templates::ALL {
            let d = (t.build)();
            for env in &d.environments {
                for o in crate::render::render(&d, &env.name).objects {
                    assert_eq!(
                        to_json(&o),
                        serde_json::to_value(&o).unwrap(),
                        "{} {}: {} {}",
                        t.name,
                        env.name,
                        o.kind(),
                        o.name()
                    );
                    objects += 1;
                }
            }
        }
        assert!(objects > 100, "{objects}");
        let kept = crate::render::Object::kept(crate::model::KeptObject(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"a": "1"}},
            "spec": {"x": [1, -2, 2.5, 18446744073709551615u64, null, true, "on"]},
        })));
        assert_eq!(to_json(&kept), serde_json::to_value(&kept).unwrap());

        #[derive(Serialize)]
        enum Shape {
            Unit,
            New(u8),
            Tuple(u8, String),
            Struct { a: f64 },
        }
        #[derive(Serialize)]
        struct Odd {
            shapes: Vec<Shape>,
            by_number: std::collections::BTreeMap<i32, bool>,
            by_bool: std::collections::BTreeMap<bool, f32>,
            nan: f64,
            whole: f64,
            unit: (),
            none: Option<u8>,
            bytes: serde_bytes_like::Bytes,
        }
        mod serde_bytes_like {
            pub struct Bytes(pub Vec<u8>);
            impl serde::Serialize for Bytes {
                fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    s.serialize_bytes(&self.0)
                }
            }
        }
        let odd = Odd {
            shapes: vec![
                Shape::Unit,
                Shape::New(1),
                Shape::Tuple(2, "t".into()),
                Shape::Struct { a: 0.5 },
            ],
            by_number: [(-1, true), (7, false)].into_iter().collect(),
            by_bool: [(true, 1.5)].into_iter().collect(),
            nan: f64::NAN,
            whole: 2.0,
            unit: (),
            none: None,
            bytes: serde_bytes_like::Bytes(vec![0, 255]),
        };
        assert_eq!(to_json(&odd), serde_json::to_value(&odd).unwrap());
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
            "image: postgres:16.4\n\"no\":\n- \"on\"\n- '0755'\n- \"1:30\"\n- \"2024-01-01\"\n- \"1_000\"\n- '~'\n- ''\n- plain\n- 3f9c2d1\nrestart: \"no\"\nsay: a \"quoted\" no\n"
        );
        let back: serde_json::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn yaml11_ambiguity_is_what_yaml11_readers_resolve() {
        for s in [
            "on",
            "No",
            "~",
            "",
            "<<",
            "0755",
            "0b101",
            "0x1F",
            "1_000",
            "-12",
            "1.5",
            ".5",
            "1.",
            "1e3",
            "-1.5E+3",
            "1:30",
            "190:20:30.15",
            ".inf",
            "2024-01-01",
            "2024-1-1T10:00:00Z",
            "2024-01-01 10:00:00",
        ] {
            assert!(
                yaml11_ambiguous(s),
                "{s:?} is not a string to a YAML 1.1 reader"
            );
        }
        for s in [
            "1.0.0",
            "0.0.0.0",
            "3f9c2d1",
            "v1.2",
            "1.27-alpine",
            "10.0.0.1:8080",
            "2024-01",
            "2024-01-01x",
            "a:1",
            "1e",
            "_1",
            "12:3x",
            "http://x",
            "1-2-3",
            "on-call",
        ] {
            assert!(
                !yaml11_ambiguous(s),
                "{s:?} is a string to YAML 1.1 readers"
            );
        }
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
