//! What users type into the designer's inputs, parsed into design values. Every
//! problem comes back as a sentence saying what is wrong and what to type instead.

use serde_json::{json, Value};

/// The kind of value an input edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text (may be empty).
    Text,
    /// Text that is `None` when empty.
    OptionalText,
    /// A whole number.
    Count,
    /// A whole number or empty for `None`.
    OptionalCount,
    /// A number of seconds: `30`, `30s`, `1m`, `1m30s`, `2h`.
    Seconds,
    /// A number of seconds, or empty for `None` (a deadline or TTL left out).
    OptionalSeconds,
    /// A port number, 1 to 65535.
    Port,
    /// A Kubernetes quantity (`500m`, `1Gi`), or empty for none.
    Quantity,
    /// A count or a percentage (`1`, `25%`).
    Amount,
    /// A port by number (`8080`) or by name (`http`).
    PortRef,
    /// Space-separated words, as a list (command, args).
    Words,
    /// Space-separated `key=value` pairs, as a map (labels, annotations).
    KeyValues,
}

/// Parse what the user typed into the JSON value the field takes.
pub fn parse(kind: FieldKind, raw: &str) -> Result<Value, String> {
    let text = raw.trim();
    match kind {
        FieldKind::Text => Ok(json!(text)),
        FieldKind::OptionalText => Ok(if text.is_empty() { Value::Null } else { json!(text) }),
        FieldKind::Count => count(text).map(|n| json!(n)),
        FieldKind::OptionalCount if text.is_empty() => Ok(Value::Null),
        FieldKind::OptionalCount => count(text).map(|n| json!(n)),
        FieldKind::Seconds => seconds(text).map(|n| json!(n)),
        FieldKind::OptionalSeconds if text.is_empty() => Ok(Value::Null),
        FieldKind::OptionalSeconds => seconds(text).map(|n| json!(n)),
        FieldKind::Port => match text.parse::<u32>() {
            Ok(p @ 1..=65535) => Ok(json!(p)),
            _ => Err(format!("`{text}` is not a port: use a number from 1 to 65535")),
        },
        FieldKind::Quantity if text.is_empty() => Ok(Value::Null),
        FieldKind::Quantity => match crate::quantity::parse(text) {
            Some(_) => Ok(json!(text)),
            None => Err(format!(
                "`{text}` is not a Kubernetes quantity: use e.g. 250m or 1 for cpu, 512Mi or 1Gi for memory"
            )),
        },
        FieldKind::Amount => text
            .parse::<crate::model::Amount>()
            .map(|a| serde_json::to_value(a).expect("amounts serialize")),
        FieldKind::PortRef => match text.parse::<u32>() {
            Ok(p @ 1..=65535) => Ok(json!(p)),
            Ok(_) => Err(format!("`{text}` is not a port: use 1 to 65535 or a port name")),
            Err(_) if text.is_empty() => Err("name a port (http) or give its number (8080)".into()),
            Err(_) => Ok(json!(text)),
        },
        FieldKind::Words => Ok(json!(text.split_whitespace().collect::<Vec<_>>())),
        FieldKind::KeyValues => {
            let mut map = serde_json::Map::new();
            for pair in text.split_whitespace() {
                let (k, v) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("`{pair}` is not key=value"))?;
                map.insert(k.to_string(), json!(v));
            }
            Ok(Value::Object(map))
        }
    }
}

/// The text an input shows for a field's current value.
pub fn display(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|i| display(Some(i)))
            .collect::<Vec<_>>()
            .join(" "),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| format!("{k}={}", display(Some(v))))
            .collect::<Vec<_>>()
            .join(" "),
        Some(v) => v.to_string(),
    }
}

fn count(text: &str) -> Result<u32, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a whole number"))
}

/// `30`, `30s`, `1m`, `1m30s`, `1h`, with optional spaces between parts.
pub fn seconds(text: &str) -> Result<u32, String> {
    let bad = || format!("`{text}` is not a duration: use seconds (30) or 30s, 1m, 1m30s");
    if text.is_empty() {
        return Err(bad());
    }
    if let Ok(n) = text.parse::<u32>() {
        return Ok(n);
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    let mut seen_unit = false;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total += n * unit;
        digits.clear();
        seen_unit = true;
    }
    if !digits.is_empty() || !seen_unit {
        return Err(bad());
    }
    u32::try_from(total).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_accept_what_people_type() {
        assert_eq!(seconds("30"), Ok(30));
        assert_eq!(seconds("30s"), Ok(30));
        assert_eq!(seconds("1m"), Ok(60));
        assert_eq!(seconds("1m30s"), Ok(90));
        assert_eq!(seconds("1m 30s"), Ok(90));
        assert_eq!(seconds("2h"), Ok(7200));
        for bad in ["", "abc", "30x", "m", "1m30", "-5"] {
            assert!(seconds(bad).is_err(), "{bad:?}");
        }
        assert!(seconds("thirty").unwrap_err().contains("not a duration"));
    }

    #[test]
    fn fields_parse_into_design_values() {
        assert_eq!(parse(FieldKind::Quantity, " 500m "), Ok(json!("500m")));
        assert_eq!(parse(FieldKind::Quantity, ""), Ok(Value::Null));
        assert!(parse(FieldKind::Quantity, "512MB")
            .unwrap_err()
            .contains("512Mi"));
        assert_eq!(parse(FieldKind::Amount, "25%"), Ok(json!("25%")));
        assert_eq!(parse(FieldKind::Amount, "1"), Ok(json!(1)));
        assert!(parse(FieldKind::Amount, "lots").is_err());
        assert_eq!(parse(FieldKind::Port, "8080"), Ok(json!(8080)));
        assert!(parse(FieldKind::Port, "70000").is_err());
        assert_eq!(parse(FieldKind::OptionalCount, ""), Ok(Value::Null));
        assert_eq!(parse(FieldKind::Seconds, "1m"), Ok(json!(60)));
        assert_eq!(parse(FieldKind::OptionalSeconds, "1h"), Ok(json!(3600)));
        assert_eq!(parse(FieldKind::OptionalSeconds, ""), Ok(Value::Null));
        assert!(parse(FieldKind::OptionalSeconds, "soon").is_err());
        assert_eq!(display(Some(&json!(35))), "35");
        assert_eq!(display(Some(&json!("1Gi"))), "1Gi");
        assert_eq!(display(None), "");
        assert_eq!(parse(FieldKind::PortRef, "grpc"), Ok(json!("grpc")));
        assert_eq!(parse(FieldKind::PortRef, "5000"), Ok(json!(5000)));
        assert!(parse(FieldKind::PortRef, "").is_err());
        assert_eq!(
            parse(FieldKind::Words, "sh -c  'x'"),
            Ok(json!(["sh", "-c", "'x'"]))
        );
        assert_eq!(display(Some(&json!(["a", "b"]))), "a b");
        assert_eq!(
            parse(FieldKind::KeyValues, "istio-injection=enabled a=b"),
            Ok(json!({"istio-injection": "enabled", "a": "b"}))
        );
        assert!(parse(FieldKind::KeyValues, "novalue").is_err());
        assert_eq!(display(Some(&json!({"a": "b", "c": "d"}))), "a=b c=d");
    }
}
