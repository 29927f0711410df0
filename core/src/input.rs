//! What users type into the designer's inputs, parsed into design values. Every
//! problem comes back as a sentence saying what is wrong and what to type instead.

use crate::edit::{Edit, FieldPath};
use crate::image::{check_digest, check_tag, Reference};
use serde_json::{json, Value};

/// The kind of value an input edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text (may be empty).
    Text,
    /// Text that is `None` when empty.
    OptionalText,
    /// Text kept exactly as typed, spaces and line breaks at its ends included (a
    /// ConfigMap value: a config file ends with its newline).
    Verbatim,
    /// [`FieldKind::Verbatim`] that is `None` when empty or only blanks: an
    /// environment's own ConfigMap value, where a stray Enter in the empty box would
    /// otherwise replace the whole file with a line break.
    OptionalVerbatim,
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
    /// A port number, or empty for `None` (a host port the container engine picks).
    OptionalPort,
    /// An amount of cpu, memory or storage as a Kubernetes quantity (`500m`, `1Gi`), 0
    /// or more, or empty for none.
    Quantity,
    /// A count or a percentage (`1`, `25%`).
    Amount,
    /// A port by number (`8080`) or by name (`http`).
    PortRef,
    /// Space-separated words, as a list (command, args).
    Words,
    /// Space-separated `key=value` pairs, as a map (labels, annotations).
    KeyValues,
    /// An image repository (`nginx`, `ghcr.io/acme/api`). A whole reference typed or
    /// pasted here (`nginx:1.27`, `registry:5000/x:1@sha256:…`) also sets the tag and
    /// digest fields beside it: see [`edit`].
    Image,
    /// An image tag, or empty for none.
    Tag,
    /// An image tag, or empty for `None` (an environment's override).
    OptionalTag,
    /// An image digest (`sha256:…`), or empty for `None`.
    Digest,
    /// An IP block in CIDR notation (`10.0.0.0/16`, `2001:db8::/32`); an address alone
    /// is the block of that one address.
    Cidr,
    /// A route's host name (`shop.example.com`, `*.example.com`), or empty for any: a
    /// URL pasted here (`https://Shop.example.com/`) gives its host, lowercased.
    Host,
    /// [`FieldKind::Host`], or empty for `None` (an environment's own).
    OptionalHost,
}

/// The fields besides `path` that typing into an input of `kind` may set: an image's
/// tag and digest; an Ingress host's path (from a URL pasted). An input records their
/// values when it gets focus and hands them to [`edit`], so that what a keystroke on
/// the way put there (`localhost:5` reads as tag `5` until `localhost:5000/x` is
/// complete) goes back to what they were.
pub fn siblings(kind: FieldKind, path: &FieldPath) -> Vec<FieldPath> {
    if kind == FieldKind::Host {
        return (path.pointer.strip_suffix("/ingress/host").into_iter())
            .map(|base| FieldPath {
                pointer: format!("{base}/ingress/path"),
                ..path.clone()
            })
            .collect();
    }
    if kind != FieldKind::Image {
        return Vec::new();
    }
    let base = path.pointer.strip_suffix("/image").unwrap_or(&path.pointer);
    ["tag", "digest"]
        .iter()
        .map(|field| FieldPath {
            pointer: format!("{base}/{field}"),
            ..path.clone()
        })
        .collect()
}

/// What typing `raw` into the input of `kind` at `path` does to the design: one
/// `Edit::Set` of the parsed value, except for an image repository, which sets the
/// image, tag and digest fields beside each other: a reference with a tag or digest
/// (`nginx:1.27`, pasted `registry:5000/x:1@sha256:…`) fills them, one without leaves
/// them as they were when typing began (`start`, the [`siblings`]' values then). A
/// registry port stays in the image: `localhost:5000/x` has no tag.
pub fn edit(
    kind: FieldKind,
    path: &FieldPath,
    raw: &str,
    start: &[(FieldPath, Value)],
) -> Result<Edit, String> {
    // A URL pasted as an Ingress's host: its path is the route's.
    if let (FieldKind::Host, [sibling]) = (kind, siblings(kind, path).as_slice()) {
        let host = parse(kind, raw)?;
        let path_edit = match url_path(raw.trim()) {
            Some(p) => Some(json!(p)),
            None => start
                .iter()
                .find(|(p, _)| p == sibling)
                .map(|(_, v)| v.clone()),
        };
        let mut edits = vec![Edit::Set {
            path: path.clone(),
            value: host,
        }];
        edits.extend(path_edit.map(|value| Edit::Set {
            path: sibling.clone(),
            value,
        }));
        return Ok(Edit::Batch(edits));
    }
    if kind != FieldKind::Image {
        let value = parse(kind, raw).map_err(|e| match kind {
            FieldKind::Quantity => quantity_example(path).map_or(e.clone(), |example| {
                e.split_once(": use e.g.")
                    .map_or(e.clone(), |(what, _)| format!("{what}: use e.g. {example}"))
            }),
            _ => e,
        })?;
        return Ok(Edit::Set {
            path: path.clone(),
            value,
        });
    }
    let r = Reference::parse(raw.trim()).map_err(|e| e.to_string())?;
    let typed_more = r.tag.is_some() || r.digest.is_some();
    let mut edits = vec![Edit::Set {
        path: path.clone(),
        value: json!(r.repository()),
    }];
    for sibling in siblings(kind, path) {
        let typed = match sibling.pointer.rsplit('/').next() {
            Some("tag") => json!(r.tag.clone().unwrap_or_default()),
            _ => r.digest.clone().map_or(Value::Null, Value::String),
        };
        let value = if typed_more {
            typed
        } else {
            match start.iter().find(|(p, _)| *p == sibling) {
                Some((_, v)) => v.clone(),
                None => continue,
            }
        };
        edits.push(Edit::Set {
            path: sibling,
            value,
        });
    }
    Ok(if edits.len() == 1 {
        edits.remove(0)
    } else {
        Edit::Batch(edits)
    })
}

/// The examples a quantity field's message gives, by what the field holds: cpu,
/// memory or storage (`None` where the path does not say).
fn quantity_example(path: &FieldPath) -> Option<&'static str> {
    let field = path.pointer.rsplit('/').next().unwrap_or_default();
    let under = |part: &str| path.pointer.split('/').any(|p| p == part);
    // A claim's size first: an environment's is at `storage/<claim>`, whose name may
    // say memory or cpu (`memory-cache`).
    if field == "size" || under("storage") {
        Some("10Gi or 500Mi")
    } else if field.contains("memory") {
        Some("512Mi or 1Gi")
    } else if field.contains("cpu") {
        Some("250m (a quarter of a core) or 1")
    } else {
        None
    }
}

/// Parse what the user typed into the JSON value the field takes.
pub fn parse(kind: FieldKind, raw: &str) -> Result<Value, String> {
    let text = raw.trim();
    match kind {
        FieldKind::Image => Reference::parse(text)
            .map(|r| json!(r.repository()))
            .map_err(|e| e.to_string()),
        FieldKind::Tag | FieldKind::OptionalTag if text.is_empty() => Ok(match kind {
            FieldKind::Tag => json!(""),
            _ => Value::Null,
        }),
        FieldKind::Tag | FieldKind::OptionalTag => {
            let tag = text.strip_prefix(':').unwrap_or(text);
            check_tag(tag).map(|()| json!(tag)).map_err(|e| e.to_string())
        }
        FieldKind::Digest if text.is_empty() => Ok(Value::Null),
        FieldKind::Digest => {
            let digest = text.strip_prefix('@').unwrap_or(text);
            check_digest(digest)
                .map(|()| json!(digest))
                .map_err(|e| e.to_string())
        }
        FieldKind::Text => Ok(json!(text)),
        FieldKind::Verbatim => Ok(json!(raw)),
        FieldKind::OptionalVerbatim => Ok(if raw.trim().is_empty() {
            Value::Null
        } else {
            json!(raw)
        }),
        FieldKind::OptionalText => Ok(if text.is_empty() { Value::Null } else { json!(text) }),
        FieldKind::Count => count(text).map(|n| json!(n)),
        FieldKind::OptionalCount if text.is_empty() => Ok(Value::Null),
        FieldKind::OptionalCount => count(text).map(|n| json!(n)),
        FieldKind::Seconds => seconds(text).map(|n| json!(n)),
        FieldKind::OptionalSeconds if text.is_empty() => Ok(Value::Null),
        FieldKind::OptionalSeconds => seconds(text).map(|n| json!(n)),
        FieldKind::Port if text.is_empty() => {
            Err("needs a value: type a port number from 1 to 65535".into())
        }
        FieldKind::OptionalPort if text.is_empty() => Ok(Value::Null),
        FieldKind::Port | FieldKind::OptionalPort => match text.parse::<u32>() {
            Ok(p @ 1..=65535) => Ok(json!(p)),
            _ => Err(format!("`{text}` is not a port: use a number from 1 to 65535")),
        },
        FieldKind::Quantity if text.is_empty() => Ok(Value::Null),
        FieldKind::Quantity => match crate::quantity::parse(text) {
            Some(n) if n < 0.0 => Err(format!(
                "`{text}` is negative: an amount of cpu, memory or storage is 0 or more"
            )),
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
        FieldKind::Cidr => cidr(text).map(|c| json!(c)),
        FieldKind::OptionalHost if text.is_empty() => Ok(Value::Null),
        FieldKind::Host | FieldKind::OptionalHost => host(text).map(|h| json!(h)),
        FieldKind::Words => Ok(json!(text.split_whitespace().collect::<Vec<_>>())),
        FieldKind::KeyValues => {
            let mut map = serde_json::Map::new();
            for pair in text.split_whitespace() {
                let (k, v) = pair.split_once('=').ok_or_else(|| {
                    format!("`{pair}` is not key=value (pairs are separated by spaces, so neither a key nor a value holds one)")
                })?;
                if k.is_empty() {
                    return Err(format!("`{pair}` has no key before its `=`"));
                }
                if map.insert(k.to_string(), json!(v)).is_some() {
                    return Err(format!("`{k}` is given twice: keep one of its values"));
                }
            }
            Ok(Value::Object(map))
        }
    }
}

/// A route's host as typed or pasted: the host of a URL (`https://Shop.example.com:443/x`
/// is `shop.example.com`), lowercased, without a trailing dot; empty is any host. A
/// name the API server would refuse is said so.
pub fn host(text: &str) -> Result<String, String> {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    // After a URL's userinfo (`user:pw@`).
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => authority,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host.is_empty() {
        return Ok(host);
    }
    if host.parse::<std::net::IpAddr>().is_ok() {
        return Err(format!(
            "`{text}` is an IP address: an Ingress answers a DNS name"
        ));
    }
    let name = host.strip_prefix("*.").unwrap_or(&host);
    crate::names::dns1123_subdomain(name)
        .map(|()| host.clone())
        .map_err(|e| format!("`{text}` is not a host name: it {e}"))
}

/// The path of a URL typed as a host (`https://shop.example.com/api?x` gives `/api`),
/// when it has one other than `/`.
fn url_path(text: &str) -> Option<String> {
    let rest = text.split_once("://").map_or(text, |(_, rest)| rest);
    let path = &rest[rest.find('/')?..];
    let path = path.split(['?', '#']).next().unwrap_or_default();
    (path != "/" && !path.is_empty()).then(|| path.to_string())
}

/// An IP block as a NetworkPolicy's `ipBlock.cidr` takes it: `address/prefix`, the
/// prefix at most 32 bits for IPv4 and 128 for IPv6. An address alone is its own block
/// (`/32`, `/128`).
pub fn cidr(text: &str) -> Result<String, String> {
    use std::net::IpAddr;
    let example =
        "use e.g. 0.0.0.0/0 for anywhere, 10.0.0.0/16, or one address such as 203.0.113.7";
    if text.is_empty() {
        return Err(format!("needs an IP block: {example}"));
    }
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let Ok(ip) = address.parse::<IpAddr>() else {
        return Err(format!(
            "`{text}` is not an IP block (a policy names no hosts, only addresses): {example}"
        ));
    };
    let most = if ip.is_ipv4() { 32 } else { 128 };
    match prefix {
        None => Ok(format!("{text}/{most}")),
        Some(p) => match p.parse::<u8>() {
            Ok(n) if n <= most && !p.starts_with('+') => match network(ip, n) == ip {
                true => Ok(text.to_string()),
                // The API server warns, and with strict validation refuses: usually a
                // typo for the block or for the address alone.
                false => Err(format!(
                    "`{text}` has address bits set past its prefix: the block is `{}/{n}` (or write the address alone for just it)",
                    network(ip, n)
                )),
            },
            _ => Err(format!(
                "`{text}` has no valid prefix length: after the `/` a number from 0 to {most}"
            )),
        },
    }
}

/// Whether block `cidr` (as [`cidr`] takes it) holds address `ip`: false for a block
/// that is none, or of the other family.
pub fn cidr_holds(cidr: &str, ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    let Ok(block) = self::cidr(cidr.trim()) else {
        return false;
    };
    let (net, bits) = block.split_once('/').expect("a block has a prefix");
    let bits: u8 = bits.parse().expect("a checked prefix");
    let net: IpAddr = net.parse().expect("a checked address");
    net.is_ipv4() == ip.is_ipv4() && network(ip, bits) == net
}

/// Whether block `inner` lies inside block `outer` (both valid, of one family), as an
/// ipBlock's `except` must.
pub fn cidr_within(inner: &str, outer: &str) -> bool {
    let (Ok(inner), Ok(outer)) = (self::cidr(inner.trim()), self::cidr(outer.trim())) else {
        return false;
    };
    let bits = |block: &str| -> Option<(std::net::IpAddr, u8)> {
        let (net, bits) = block.split_once('/')?;
        Some((net.parse().ok()?, bits.parse().ok()?))
    };
    match (bits(&inner), bits(&outer)) {
        (Some((net, n)), Some((_, m))) => n >= m && cidr_holds(&outer, net),
        _ => false,
    }
}

/// The block that `text` (`address/prefix`) means with the address bits past its prefix
/// cleared, when they are not: `10.0.0.1/16` is `10.0.0.0/16`.
pub fn cidr_cleared(text: &str) -> Option<String> {
    let (address, prefix) = text.trim().split_once('/')?;
    let ip = address.parse::<std::net::IpAddr>().ok()?;
    let n: u8 = prefix.parse().ok()?;
    let most = if ip.is_ipv4() { 32 } else { 128 };
    let block = network(ip, n);
    (n <= most && block != ip).then(|| format!("{block}/{n}"))
}

/// The first address of the block of `ip` with `bits` of prefix.
fn network(ip: std::net::IpAddr, bits: u8) -> std::net::IpAddr {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(a) => {
            let mask = u32::MAX
                .checked_shl(32 - u32::from(bits.min(32)))
                .unwrap_or(0);
            IpAddr::V4((u32::from(a) & mask).into())
        }
        IpAddr::V6(a) => {
            let mask = u128::MAX
                .checked_shl(128 - u32::from(bits.min(128)))
                .unwrap_or(0);
            IpAddr::V6((u128::from(a) & mask).into())
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

/// The largest count or number of seconds a field takes: Kubernetes writes replicas,
/// probe timings and most other numbers as int32, and the YAML would not hold more.
pub const MAX_COUNT: u32 = i32::MAX as u32;

fn count(text: &str) -> Result<u32, String> {
    if text.is_empty() {
        return Err("needs a value: type a whole number, 0 or more".into());
    }
    let too_large = || format!("`{text}` is too large: at most {MAX_COUNT} (a Kubernetes int32)");
    let n: u32 = text.parse().map_err(|_| {
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if text.strip_prefix('-').is_some_and(digits) {
            format!("`{text}` is negative: use a whole number, 0 or more")
        } else if digits(text) {
            too_large()
        } else {
            format!("`{text}` is not a whole number: type digits only, such as 3")
        }
    })?;
    (n <= MAX_COUNT).then_some(n).ok_or_else(too_large)
}

/// `30`, `30s`, `1m`, `1m30s`, `1h`, with optional spaces between parts.
pub fn seconds(text: &str) -> Result<u32, String> {
    let bad = || format!("`{text}` is not a duration: use seconds (30) or 30s, 1m, 1m30s");
    let too_long =
        || format!("`{text}` is too long: at most {MAX_COUNT} seconds (a Kubernetes int32)");
    if text.is_empty() {
        return Err("needs a value: type seconds (30) or 30s, 1m, 1m30s".into());
    }
    if let Ok(n) = text.parse::<u32>() {
        return (n <= MAX_COUNT).then_some(n).ok_or_else(too_long);
    }
    if text.starts_with('-') && seconds(&text[1..]).is_ok() {
        return Err(format!(
            "`{text}` is negative: a duration is 0 or more seconds"
        ));
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
        let n: u64 = match digits.parse() {
            Ok(n) => n,
            Err(_) if !digits.is_empty() => return Err(too_long()),
            Err(_) => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|n| total.checked_add(n))
            .ok_or_else(too_long)?;
        digits.clear();
        seen_unit = true;
    }
    if digits.bytes().all(|b| b.is_ascii_digit()) && !digits.is_empty() && !seen_unit {
        return Err(too_long());
    }
    if !digits.is_empty() || !seen_unit {
        return Err(bad());
    }
    u32::try_from(total)
        .ok()
        .filter(|n| *n <= MAX_COUNT)
        .ok_or_else(too_long)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A quantity that does not parse gets examples of what its field holds.
    #[test]
    fn a_quantity_field_gives_examples_of_its_own_kind() {
        let said = |pointer: &str| {
            let path = FieldPath::service(crate::ServiceId(1), pointer);
            edit(FieldKind::Quantity, &path, "lots", &[]).unwrap_err()
        };
        let memory = said("/resources/memory_limit");
        assert_eq!(
            memory,
            "`lots` is not a Kubernetes quantity: use e.g. 512Mi or 1Gi"
        );
        assert!(
            said("/resources/cpu_request").ends_with("use e.g. 250m (a quarter of a core) or 1")
        );
        assert!(said("/storage/0/size").ends_with("use e.g. 10Gi or 500Mi"));
        let claim = FieldPath::environment("prod", "/overrides/1/storage/memory-cache");
        let size = edit(FieldKind::Quantity, &claim, "lots", &[]).unwrap_err();
        assert!(size.ends_with("10Gi or 500Mi"), "{size}");
        let env = FieldPath::environment("prod", "/overrides/1/resources/memory_request");
        assert!(edit(FieldKind::Quantity, &env, "lots", &[])
            .unwrap_err()
            .ends_with("512Mi or 1Gi"));
        // A negative amount says so, whatever the field.
        let path = FieldPath::service(crate::ServiceId(1), "/resources/memory_limit");
        let negative = edit(FieldKind::Quantity, &path, "-1Gi", &[]).unwrap_err();
        assert!(negative.contains("is negative"), "{negative}");
    }

    #[test]
    fn verbatim_text_keeps_its_ends() {
        let file = "server {\n  listen 8080;\n}\n";
        assert_eq!(parse(FieldKind::Verbatim, file).unwrap(), json!(file));
        assert_eq!(parse(FieldKind::Verbatim, "  a  ").unwrap(), json!("  a  "));
        assert_eq!(parse(FieldKind::OptionalVerbatim, "").unwrap(), Value::Null);
        assert_eq!(
            parse(FieldKind::OptionalVerbatim, " \n").unwrap(),
            Value::Null,
            "only blanks: no value of its own, not a file emptied"
        );
        assert_eq!(
            parse(FieldKind::OptionalVerbatim, "level: debug\n").unwrap(),
            json!("level: debug\n")
        );
        assert_eq!(parse(FieldKind::Text, " a \n").unwrap(), json!("a"));
    }

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
        // Out of range says so, and never overflows while adding up.
        assert!(seconds("-30").unwrap_err().contains("negative"));
        assert!(seconds("-1m").unwrap_err().contains("negative"));
        assert!(seconds("999999999999").unwrap_err().contains("too long"));
        assert!(seconds("5124095576030432h")
            .unwrap_err()
            .contains("too long"));
        assert!(seconds("99999999999999999999999h")
            .unwrap_err()
            .contains("too long"));
        assert_eq!(seconds("2147483647"), Ok(MAX_COUNT));
        assert!(seconds("2147483648").unwrap_err().contains("int32"));
        assert!(seconds("35791395m").unwrap_err().contains("too long"));
    }

    #[test]
    fn counts_and_amounts_out_of_range_say_why() {
        assert_eq!(parse(FieldKind::Count, "3"), Ok(json!(3)));
        assert!(parse(FieldKind::Count, "-3")
            .unwrap_err()
            .contains("negative"));
        assert!(parse(FieldKind::Count, "999999999999")
            .unwrap_err()
            .contains("too large"));
        // Replicas and the like are int32 in Kubernetes: 3,000,000,000 fits a u32 but
        // would be written as 2147483647.
        assert_eq!(parse(FieldKind::Count, "2147483647"), Ok(json!(2147483647)));
        assert!(parse(FieldKind::Count, "3000000000")
            .unwrap_err()
            .contains("at most 2147483647"));
        // What to type instead, as every refusal says.
        assert_eq!(
            parse(FieldKind::Count, "2.5").unwrap_err(),
            "`2.5` is not a whole number: type digits only, such as 3"
        );
        // An emptied field says what to type, not "`` is not ...".
        for kind in [FieldKind::Count, FieldKind::Seconds, FieldKind::Port] {
            let said = parse(kind, "  ").unwrap_err();
            assert!(
                said.starts_with("needs a value: type ") && !said.contains('`'),
                "{said}"
            );
        }
        for negative in ["-1", "-512Mi", "-250m"] {
            assert!(
                parse(FieldKind::Quantity, negative)
                    .unwrap_err()
                    .contains("negative"),
                "{negative}"
            );
        }
        assert_eq!(parse(FieldKind::Quantity, "0"), Ok(json!("0")));
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
        assert_eq!(
            parse(FieldKind::Cidr, "10.0.0.0/16"),
            Ok(json!("10.0.0.0/16"))
        );
        assert_eq!(
            parse(FieldKind::Cidr, " 203.0.113.7 "),
            Ok(json!("203.0.113.7/32"))
        );
        assert_eq!(
            parse(FieldKind::Cidr, "2001:db8::/32"),
            Ok(json!("2001:db8::/32"))
        );
        assert_eq!(parse(FieldKind::Cidr, "::1"), Ok(json!("::1/128")));
        // A host: a pasted URL gives its host; any case; empty is any host, or none.
        for (typed, host) in [
            ("shop.example.com", "shop.example.com"),
            ("https://Shop.Example.com/", "shop.example.com"),
            ("http://shop.example.com:8080/api?x=1", "shop.example.com"),
            ("*.example.com", "*.example.com"),
            ("shop.example.com.", "shop.example.com"),
            ("https://user:pw@shop.example.com/", "shop.example.com"),
            ("", ""),
        ] {
            assert_eq!(parse(FieldKind::Host, typed), Ok(json!(host)), "{typed}");
        }
        assert_eq!(parse(FieldKind::OptionalHost, " "), Ok(Value::Null));
        // A URL pasted as a service's Ingress host gives the route its path too; a
        // host alone leaves the path as it was when typing began.
        let host = FieldPath::service(crate::model::ServiceId(1), "/exposure/ingress/host");
        let route = FieldPath::service(crate::model::ServiceId(1), "/exposure/ingress/path");
        assert_eq!(
            siblings(FieldKind::Host, &host),
            std::slice::from_ref(&route)
        );
        let start = [(route.clone(), json!("/v1"))];
        let set = |path: &FieldPath, value: &str| Edit::Set {
            path: path.clone(),
            value: json!(value),
        };
        assert_eq!(
            edit(
                FieldKind::Host,
                &host,
                "https://Shop.example.com/api?x=1",
                &start
            ),
            Ok(Edit::Batch(vec![
                set(&host, "shop.example.com"),
                set(&route, "/api")
            ]))
        );
        assert_eq!(
            edit(FieldKind::Host, &host, "shop.example.com", &start),
            Ok(Edit::Batch(vec![
                set(&host, "shop.example.com"),
                set(&route, "/v1")
            ]))
        );
        assert_eq!(
            parse(FieldKind::Host, "10.0.0.1").unwrap_err(),
            "`10.0.0.1` is an IP address: an Ingress answers a DNS name"
        );
        for bad in [
            "shop_api.example.com",
            "shop example.com",
            "a.*.example.com",
        ] {
            let e = parse(FieldKind::Host, bad).unwrap_err();
            assert!(
                e.starts_with(&format!("`{bad}` is not a host name: it ")),
                "{e}"
            );
        }
        let e = parse(FieldKind::Cidr, "10.20.3.4/16").unwrap_err();
        assert!(e.contains("the block is `10.20.0.0/16`"), "{e}");
        assert_eq!(
            cidr_cleared("10.20.3.4/16").as_deref(),
            Some("10.20.0.0/16")
        );
        assert_eq!(
            cidr_cleared("2001:db8::1/32").as_deref(),
            Some("2001:db8::/32")
        );
        assert_eq!(cidr_cleared("10.20.0.0/16"), None);
        for bad in [
            "",
            "api.stripe.com",
            "10.0.0.0/33",
            "10.0.0/8",
            "::/129",
            "10.0.0.0/x",
        ] {
            let e = parse(FieldKind::Cidr, bad).unwrap_err();
            assert!(e.contains("e.g.") || e.contains("from 0 to"), "{bad}: {e}");
        }
        let ip = |t: &str| t.parse().unwrap();
        assert!(cidr_holds("10.20.0.0/16", ip("10.20.3.4")));
        assert!(!cidr_holds("10.20.0.0/16", ip("10.21.0.1")));
        assert!(cidr_holds("0.0.0.0/0", ip("203.0.113.7")));
        assert!(
            cidr_holds("203.0.113.7", ip("203.0.113.7")),
            "an address is its block"
        );
        assert!(
            !cidr_holds("0.0.0.0/0", ip("2001:db8::1")),
            "another family"
        );
        assert!(cidr_holds("2001:db8::/32", ip("2001:db8::1")));
        assert!(!cidr_holds("api.stripe.com", ip("203.0.113.7")));
        assert_eq!(parse(FieldKind::OptionalPort, ""), Ok(Value::Null));
        assert_eq!(parse(FieldKind::OptionalPort, "5433"), Ok(json!(5433)));
        assert!(parse(FieldKind::OptionalPort, "0").is_err());
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
        assert!(parse(FieldKind::KeyValues, "novalue")
            .unwrap_err()
            .contains("separated by spaces"));
        assert!(parse(FieldKind::KeyValues, "=x")
            .unwrap_err()
            .contains("no key"));
        assert!(parse(FieldKind::KeyValues, "env=a env=b")
            .unwrap_err()
            .contains("`env` is given twice"));
        assert_eq!(display(Some(&json!({"a": "b", "c": "d"}))), "a=b c=d");
        assert_eq!(parse(FieldKind::Tag, "1.27"), Ok(json!("1.27")));
        assert_eq!(parse(FieldKind::Tag, ""), Ok(json!("")));
        assert_eq!(parse(FieldKind::OptionalTag, ""), Ok(Value::Null));
        assert!(parse(FieldKind::Tag, "1.27:1.0.0")
            .unwrap_err()
            .contains("not valid"));
        assert!(parse(FieldKind::Digest, "sha256:abc").is_err());
    }

    fn sets(edit: Edit) -> Vec<(String, Value)> {
        match edit {
            Edit::Set { path, value } => vec![(path.pointer, value)],
            Edit::Batch(edits) => edits.into_iter().flat_map(sets).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_reference_typed_into_image_fills_image_tag_and_digest() {
        let id = crate::model::ServiceId(1);
        let image = FieldPath::service(id, "/image");
        let start = [
            (FieldPath::service(id, "/tag"), json!("1.0.0")),
            (FieldPath::service(id, "/digest"), Value::Null),
        ];
        let typed = |raw: &str| sets(edit(FieldKind::Image, &image, raw, &start).unwrap());
        assert_eq!(
            siblings(FieldKind::Image, &image),
            [start[0].0.clone(), start[1].0.clone()]
        );
        assert_eq!(
            typed("nginx"),
            [
                ("/image".into(), json!("nginx")),
                ("/tag".into(), json!("1.0.0")),
                ("/digest".into(), Value::Null)
            ]
        );
        assert_eq!(
            typed("nginx:1.27"),
            [
                ("/image".into(), json!("nginx")),
                ("/tag".into(), json!("1.27")),
                ("/digest".into(), Value::Null)
            ]
        );
        // Typed key by key, `localhost:5` reads as a tag on the way; the whole name
        // puts the tag back.
        assert_eq!(typed("localhost:5")[1], ("/tag".into(), json!("5")));
        assert_eq!(
            typed("localhost:5000/x"),
            [
                ("/image".into(), json!("localhost:5000/x")),
                ("/tag".into(), json!("1.0.0")),
                ("/digest".into(), Value::Null)
            ],
            "a registry port is not a tag"
        );
        let sha = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        assert_eq!(
            typed(&format!("registry:5000/path/img:tag@{sha}")),
            [
                ("/image".into(), json!("registry:5000/path/img")),
                ("/tag".into(), json!("tag")),
                ("/digest".into(), json!(sha))
            ]
        );
        let container = FieldPath::service(id, "/containers/0/image");
        assert_eq!(
            sets(edit(FieldKind::Image, &container, "redis:7.4", &[]).unwrap())[1],
            ("/containers/0/tag".into(), json!("7.4"))
        );
        let err = edit(FieldKind::Image, &image, "nginx:1.27:1.0.0", &start).unwrap_err();
        assert!(err.contains("two tags"), "{err}");
        assert!(edit(FieldKind::Image, &image, "Nginx", &start)
            .unwrap_err()
            .contains("lowercase"));
        assert_eq!(
            sets(
                edit(
                    FieldKind::Count,
                    &FieldPath::service(id, "/scaling/replicas"),
                    "3",
                    &[]
                )
                .unwrap()
            ),
            [("/scaling/replicas".into(), json!(3))]
        );
    }
}
