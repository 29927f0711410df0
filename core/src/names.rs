//! The API server's name rules (k8s.io/apimachinery/pkg/util/validation), which schema
//! validators do not check.

use crate::domain::MAX_DNS_LABEL_LENGTH;

fn label_chars(s: &str) -> bool {
    s.bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn alnum_ends(s: &str) -> bool {
    let ok = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    ok(s.bytes().next()) && ok(s.bytes().last())
}

/// DNS-1123 label: at most 63 of `[a-z0-9-]`, starting and ending alphanumeric.
/// Namespaces, container names, Service port names.
pub fn dns1123_label(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > MAX_DNS_LABEL_LENGTH {
        return Err(format!(
            "must be 1 to {MAX_DNS_LABEL_LENGTH} characters (it has {})",
            s.len()
        ));
    }
    if !label_chars(s) {
        return Err("may contain only lowercase letters, digits and '-'".into());
    }
    if !alnum_ends(s) {
        return Err("must start and end with a lowercase letter or digit".into());
    }
    Ok(())
}

/// DNS-1035 label: a DNS-1123 label that starts with a letter. Service names.
pub fn dns1035_label(s: &str) -> Result<(), String> {
    dns1123_label(s)?;
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err("must start with a lowercase letter".into());
    }
    Ok(())
}

/// A best guess at the DNS-1035 label (a service name) the user meant by `name`:
/// lowercase, every run of other characters one `-`, no leading digit, at most 63
/// characters. Empty when nothing of `name` is left.
pub fn dns1035_like(name: &str) -> String {
    let lowered: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut out = String::new();
    for part in lowered.split('-').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part);
    }
    out.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-')
        .chars()
        .take(MAX_DNS_LABEL_LENGTH)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

/// DNS-1123 subdomain: at most 253 characters of dot-separated labels.
/// ConfigMaps, Secrets, most other objects.
pub fn dns1123_subdomain(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 253 {
        return Err(format!("must be 1 to 253 characters (it has {})", s.len()));
    }
    for part in s.split('.') {
        if part.is_empty() || !label_chars(part) || !alnum_ends(part) {
            return Err(
                "must be lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit"
                    .into(),
            );
        }
    }
    Ok(())
}

/// Path segment name: RBAC objects (`system:aggregate-to-edit`), whose names only must
/// not be `.` or `..` nor hold `/` or `%`.
pub fn path_segment(s: &str) -> Result<(), String> {
    if s.is_empty() || matches!(s, "." | "..") || s.contains(['/', '%']) {
        return Err("must not be empty, `.` or `..`, nor hold '/' or '%'".into());
    }
    Ok(())
}

/// IANA service name: container port names. At most 15 of `[a-z0-9-]`, at least one
/// letter, no '-' at either end and no "--".
pub fn iana_svc_name(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 15 {
        return Err(format!("must be 1 to 15 characters (it has {})", s.len()));
    }
    if !label_chars(s) {
        return Err("may contain only lowercase letters, digits and '-'".into());
    }
    if !s.bytes().any(|b| b.is_ascii_lowercase()) {
        return Err("must contain at least one letter".into());
    }
    if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
        return Err("may not start or end with '-' or contain \"--\"".into());
    }
    Ok(())
}

/// Whether `v` is a valid label value (empty, or <= 63 of `[A-Za-z0-9._-]` starting
/// and ending alphanumeric).
pub fn is_label_value(v: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    v.is_empty()
        || (v.len() <= MAX_DNS_LABEL_LENGTH
            && v.chars().all(ok_char)
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
            && v.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

/// Label value: empty, or at most 63 of `[A-Za-z0-9._-]` starting and ending alphanumeric.
pub fn label_value(s: &str) -> Result<(), String> {
    if is_label_value(s) {
        Ok(())
    } else if s.len() > MAX_DNS_LABEL_LENGTH {
        Err(format!(
            "must be at most {MAX_DNS_LABEL_LENGTH} characters (it has {})",
            s.len()
        ))
    } else {
        Err("may contain only letters, digits, '-', '_' and '.', starting and ending with a letter or digit".into())
    }
}

/// Label key: an optional DNS-subdomain prefix and '/', then a name like a label value
/// (but not empty).
pub fn label_key(s: &str) -> Result<(), String> {
    let (prefix, name) = match s.rsplit_once('/') {
        Some((p, n)) => (Some(p), n),
        None => (None, s),
    };
    if let Some(p) = prefix {
        dns1123_subdomain(p).map_err(|e| format!("prefix `{p}` {e}"))?;
    }
    match (name.is_empty(), prefix) {
        (true, Some(_)) => Err("needs a name after the prefix".into()),
        (true, None) => Err("is empty: a label needs a key".into()),
        (false, _) => label_value(name),
    }
}

/// An Ingress rule's host, as the API server checks it: a DNS-1123 subdomain, optionally
/// behind one `*.` wildcard label, and not an IP address.
pub fn ingress_host(s: &str) -> Result<(), String> {
    if s.parse::<std::net::IpAddr>().is_ok() {
        return Err("must be a DNS name, not an IP address".into());
    }
    let name = s.strip_prefix("*.").unwrap_or(s);
    dns1123_subdomain(name)
        .map_err(|e| format!("{e} (a host name only: no scheme, port or path; `*.` may start it)"))
}

/// A key of a ConfigMap's or Secret's data (the API server's `IsConfigMapKey`): 1 to
/// 253 of letters, digits, '-', '_' and '.', and neither `.`, `..` nor starting `..`.
pub fn config_key(s: &str) -> Result<(), String> {
    if s.is_empty() || s.len() > 253 {
        return Err(format!("must be 1 to 253 characters (it has {})", s.len()));
    }
    if !(s.chars()).all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err("may contain only letters, digits, '-', '_' and '.'".into());
    }
    if s == "." || s.starts_with("..") {
        return Err("must not be `.` or start with `..`".into());
    }
    Ok(())
}

/// A C identifier, the portable form of an environment variable name.
pub fn c_identifier(s: &str) -> Result<(), String> {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return Err("must start with a letter or '_'".into()),
    }
    if chars.all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err("may contain only letters, digits and '_'".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ingress_hosts_follow_the_api_server() {
        for good in ["shop.example.com", "*.example.com", "localhost"] {
            assert!(ingress_host(good).is_ok(), "{good}");
        }
        for bad in [
            "Shop.Example.COM",
            "https://shop.example.com",
            "shop example.com",
            "shop.example.com:443",
            "10.0.0.1",
            "*",
            "a.*.example.com",
        ] {
            assert!(ingress_host(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn config_keys_follow_the_api_server() {
        for good in ["LOG_LEVEL", "nginx.conf", "app-settings.json", ".env"] {
            assert!(config_key(good).is_ok(), "{good}");
        }
        for bad in ["", ".", "..", "..data", "my key", "a/b", "ключ"] {
            assert!(config_key(bad).is_err(), "{bad:?}");
        }
        assert!(config_key(&"k".repeat(254)).is_err());
    }

    #[test]
    fn names_follow_the_api_server() {
        assert!(dns1123_label("web-app").is_ok());
        assert!(dns1123_label("Web_App").is_err());
        assert!(dns1123_label(&"a".repeat(64)).is_err());
        assert!(dns1035_label("9lives").is_err());
        assert!(dns1123_label("9lives").is_ok());
        assert!(dns1123_subdomain("order-service.config").is_ok());
        assert!(dns1123_subdomain("a..b").is_err());
        assert!(iana_svc_name("grpc").is_ok());
        assert!(iana_svc_name("http-metrics-port").is_err(), "17 characters");
        assert!(iana_svc_name("8080").is_err(), "needs a letter");
        assert!(iana_svc_name("a--b").is_err());
        assert!(label_key("app.kubernetes.io/name").is_ok());
        assert!(label_key("").unwrap_err().contains("needs a key"));
        assert!(label_key("example.com/")
            .unwrap_err()
            .contains("after the prefix"));
        assert!(label_key("istio-injection").is_ok());
        assert!(label_key("Bad Prefix/x").is_err());
        assert!(label_value("1.0.0").is_ok());
        assert!(label_value("v1+build").is_err());
        assert!(c_identifier("REDIS_PORT_START").is_ok());
        assert!(c_identifier("1PORT").is_err());
        assert!(c_identifier("MY-VAR").is_err());
    }
}
