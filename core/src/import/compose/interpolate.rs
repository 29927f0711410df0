//! Compose's variable interpolation, applied to every string value of the file before
//! anything is read (as compose does): `$VAR`, `${VAR}`, `${VAR:-default}`,
//! `${VAR-default}`, `${VAR:+other}`, `${VAR+other}`, `${VAR:?error}`, `${VAR?error}`
//! (defaults may hold references themselves), and `$$` for a literal `$`. Variables come
//! from the project's `.env` file. One that is not set and has no default is kept as it
//! was written, and reported: compose would put an empty string there, which would
//! lose what the file meant.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Interpolate every string inside `v` (mapping keys stay as they are); the names of
/// variables that were not set go into `missing`.
pub(crate) fn apply(
    v: &mut Value,
    vars: &BTreeMap<String, String>,
    missing: &mut BTreeSet<String>,
) {
    match v {
        Value::String(s) if s.contains('$') => *s = text(s, vars, missing),
        Value::Array(items) => items.iter_mut().for_each(|i| apply(i, vars, missing)),
        Value::Object(m) => m.values_mut().for_each(|i| apply(i, vars, missing)),
        _ => {}
    }
}

/// One string interpolated.
pub(crate) fn text(
    s: &str,
    vars: &BTreeMap<String, String>,
    missing: &mut BTreeSet<String>,
) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(body) = after.strip_prefix('{') {
            match closing(body) {
                Some(end) => {
                    let inner = &body[..end];
                    match braced(inner, vars, missing) {
                        Some(value) => out.push_str(&value),
                        None => out.push_str(&rest[at..at + 2 + end + 1]),
                    }
                    rest = &body[end + 1..];
                }
                None => {
                    // An unclosed `${`: compose refuses the file; keep the text.
                    out.push_str(&rest[at..]);
                    rest = "";
                }
            }
        } else {
            let len = name_len(after);
            if len == 0 {
                out.push('$');
                rest = after;
            } else {
                let name = &after[..len];
                match vars.get(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        missing.insert(name.to_string());
                        out.push('$');
                        out.push_str(name);
                    }
                }
                rest = &after[len..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of a variable name at the start of `s`.
fn name_len(s: &str) -> usize {
    let mut len = 0;
    for (i, c) in s.char_indices() {
        let ok = c == '_' || c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit());
        if !ok {
            break;
        }
        len = i + c.len_utf8();
    }
    len
}

/// The index of the `}` closing a `${`, nested references counted.
fn closing(body: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut prev_dollar = false;
    for (i, c) in body.char_indices() {
        match c {
            '{' if prev_dollar => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
        prev_dollar = c == '$' && !prev_dollar;
    }
    None
}

/// What `${inner}` stands for, or `None` to keep it as written (not set, no default).
fn braced(
    inner: &str,
    vars: &BTreeMap<String, String>,
    missing: &mut BTreeSet<String>,
) -> Option<String> {
    let len = name_len(inner);
    let name = &inner[..len];
    let op = &inner[len..];
    let value = vars.get(name);
    let set_nonempty = value.is_some_and(|v| !v.is_empty());
    let mut nested = |t: &str| text(t, vars, missing);
    let (result, unset) = if op.is_empty() {
        (value.cloned(), value.is_none())
    } else if let Some(d) = op.strip_prefix(":-") {
        (
            Some(if set_nonempty {
                value.cloned().unwrap_or_default()
            } else {
                nested(d)
            }),
            false,
        )
    } else if let Some(d) = op.strip_prefix('-') {
        (Some(value.cloned().unwrap_or_else(|| nested(d))), false)
    } else if let Some(d) = op.strip_prefix(":+") {
        (
            Some(if set_nonempty {
                nested(d)
            } else {
                String::new()
            }),
            false,
        )
    } else if let Some(d) = op.strip_prefix('+') {
        (
            Some(if value.is_some() {
                nested(d)
            } else {
                String::new()
            }),
            false,
        )
    } else if op.starts_with(":?") {
        (value.filter(|v| !v.is_empty()).cloned(), !set_nonempty)
    } else if op.starts_with('?') {
        (value.cloned(), value.is_none())
    } else {
        // Not a form compose knows: keep it.
        return None;
    };
    if unset && !name.is_empty() {
        missing.insert(name.to_string());
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str) -> (String, Vec<String>) {
        let vars: BTreeMap<String, String> = [("A", "1"), ("EMPTY", ""), ("B_2", "two")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut missing = BTreeSet::new();
        let out = text(s, &vars, &mut missing);
        (out, missing.into_iter().collect())
    }

    #[test]
    fn references_are_replaced_as_compose_does() {
        assert_eq!(
            run("x=${A} $B_2 $$A $$$A"),
            ("x=1 two $A $1".into(), vec![])
        );
        assert_eq!(
            run("${EMPTY:-d} ${EMPTY-d} ${NONE-d}"),
            ("d  d".into(), vec![])
        );
        assert_eq!(run("${A:+on} ${EMPTY:+on}|"), ("on |".into(), vec![]));
        assert_eq!(run("${NONE:-${A}x}"), ("1x".into(), vec![]));
        assert_eq!(run("cost: $5"), ("cost: $5".into(), vec![]));
    }

    #[test]
    fn a_variable_that_is_not_set_is_kept_and_named() {
        assert_eq!(
            run("${NONE} and $OTHER and ${REQ:?set it}"),
            (
                "${NONE} and $OTHER and ${REQ:?set it}".into(),
                vec!["NONE".into(), "OTHER".into(), "REQ".into()]
            )
        );
        assert_eq!(run("${unclosed"), ("${unclosed".into(), vec![]));
    }
}
