//! Compose ports, container side: the short syntax (`8000`, `"8000:8000"`,
//! `"127.0.0.1:8000-8010:8000-8010"`, `"53:53/udp"`, `"[::1]:80:80"`), `expose` entries
//! (`"3306"`, `"5000-5010"`) and the long syntax (`target`, `published`, `protocol`,
//! `app_protocol`, `name`). A range keeps every port in it. The host side is not
//! Kubernetes' concern: it is read for a local run of the design (the compose export),
//! as the host port each container port is published at.

use crate::model::Protocol;
use serde_json::Value;

/// More ports than this from one range are not kept: a Service lists its ports one by
/// one, and a range of thousands (an RTP range) is a sign the workload wants
/// `hostNetwork`, not a Service.
pub(crate) const MAX_RANGE: u32 = 100;

/// One container port a compose entry declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Port {
    /// The container port.
    pub port: u16,
    /// Its transport protocol.
    pub protocol: Protocol,
    /// The long syntax's `app_protocol`.
    pub app_protocol: Option<String>,
    /// The long syntax's `name`.
    pub name: Option<String>,
    /// The host port a `ports` entry publishes it at; `None` for one the engine picks
    /// (`"5432"`, `"127.0.0.1::5432"`, a long-syntax entry without `published`).
    pub host: Option<u16>,
}

/// The container ports of one `ports` or `expose` entry, and what was not kept (with
/// the text the caller can find its line by).
pub(crate) fn parse(entry: &Value) -> (Vec<Port>, Option<Problem>) {
    match entry {
        Value::Object(_) => long(entry),
        Value::Number(n) => match n.as_u64().and_then(|n| u16::try_from(n).ok()) {
            Some(p) if p > 0 => (vec![plain(p, Protocol::TCP)], None),
            _ => (Vec::new(), Some(out_of_range(&n.to_string()))),
        },
        Value::String(s) => short(s),
        other => (
            Vec::new(),
            Some(Problem {
                needle: other.to_string(),
                message: format!("`{other}` is not a port"),
            }),
        ),
    }
}

/// A port entry that was not kept whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Text on the line it was written on.
    pub needle: String,
    /// What was wrong, and what was done instead.
    pub message: String,
}

fn plain(port: u16, protocol: Protocol) -> Port {
    Port {
        port,
        protocol,
        app_protocol: None,
        name: None,
        host: None,
    }
}

fn out_of_range(text: &str) -> Problem {
    Problem {
        needle: text.to_string(),
        message: format!("port `{text}` is out of range (1-65535): left out"),
    }
}

/// `[[HOST_IP:]HOST_PORT[-HOST_END]:]CONTAINER_PORT[-CONTAINER_END][/PROTOCOL]`.
fn short(text: &str) -> (Vec<Port>, Option<Problem>) {
    let (ports, proto) = match text.rsplit_once('/') {
        Some((p, proto)) => (p, Some(proto)),
        None => (text, None),
    };
    let protocol = match protocol(proto) {
        Ok(p) => p,
        Err(message) => {
            return (
                Vec::new(),
                Some(Problem {
                    needle: text.into(),
                    message,
                }),
            )
        }
    };
    // The container side is after the last colon, the host port before it, and the host
    // address (an IPv6 one in brackets, with colons of its own) before that.
    let after_address = match ports.strip_prefix('[') {
        Some(bracketed) => bracketed.split_once("]:").map_or("", |(_, rest)| rest),
        None => ports,
    };
    let mut sides = after_address.rsplit(':');
    let container = sides.next().unwrap_or(ports).trim();
    let host = first_number(sides.next().unwrap_or(""));
    range(container, protocol, None, None, host, text)
}

/// The first port of `8080` or `8000-8010`; `None` for an empty or unreadable one.
fn first_number(text: &str) -> Option<u16> {
    let first = text.split('-').next()?.trim();
    first.parse().ok().filter(|n| *n > 0)
}

/// `{target, published, protocol, app_protocol, name, host_ip, mode}`.
fn long(entry: &Value) -> (Vec<Port>, Option<Problem>) {
    let target = match entry.get("target") {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => {
            return (
                Vec::new(),
                Some(Problem {
                    needle: "published".into(),
                    message: "a long-syntax port has no `target` (the container port): left out"
                        .into(),
                }),
            )
        }
    };
    let protocol = match protocol(entry.get("protocol").and_then(Value::as_str)) {
        Ok(p) => p,
        Err(message) => {
            return (
                Vec::new(),
                Some(Problem {
                    needle: "protocol".into(),
                    message,
                }),
            )
        }
    };
    let app_protocol = entry
        .get("app_protocol")
        .and_then(Value::as_str)
        .map(str::to_string);
    let name = entry
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string);
    let host = match entry.get("published") {
        Some(Value::Number(n)) => {
            (n.as_u64().and_then(|n| u16::try_from(n).ok())).filter(|n| *n > 0)
        }
        Some(Value::String(s)) => first_number(s),
        _ => None,
    };
    range(&target, protocol, app_protocol, name, host, &target)
}

fn protocol(text: Option<&str>) -> Result<Protocol, String> {
    match text.map(str::to_ascii_lowercase).as_deref() {
        None | Some("tcp") => Ok(Protocol::TCP),
        Some("udp") => Ok(Protocol::UDP),
        Some("sctp") => Ok(Protocol::SCTP),
        Some(other) => Err(format!(
            "protocol `{other}` is not tcp, udp or sctp: port left out"
        )),
    }
}

/// `8000` or `8000-8010`: every port of the range, up to [`MAX_RANGE`].
fn range(
    text: &str,
    protocol: Protocol,
    app_protocol: Option<String>,
    name: Option<String>,
    host: Option<u16>,
    needle: &str,
) -> (Vec<Port>, Option<Problem>) {
    let number = |t: &str| -> Result<u16, Problem> {
        match t.trim().parse::<i64>() {
            Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
            Ok(_) => Err(out_of_range(t.trim())),
            Err(_) => Err(Problem {
                needle: needle.into(),
                message: format!("`{needle}` is not a port: left out"),
            }),
        }
    };
    let (first, last) = match text.split_once('-').filter(|(a, _)| !a.is_empty()) {
        Some((a, b)) => (number(a), number(b)),
        None => (number(text), number(text)),
    };
    let (first, last) = match (first, last) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return (Vec::new(), Some(e)),
    };
    if last < first {
        return (
            Vec::new(),
            Some(Problem {
                needle: needle.into(),
                message: format!("port range `{text}` ends before it starts: left out"),
            }),
        );
    }
    let count = u32::from(last - first) + 1;
    let kept = count.min(MAX_RANGE);
    let ports = (0..kept)
        .map(|i| Port {
            port: first + i as u16,
            protocol,
            app_protocol: app_protocol.clone(),
            // A name can only be one port's.
            name: name.clone().filter(|_| count == 1),
            // A range of host ports publishes a range of container ports in step.
            host: host.and_then(|h| h.checked_add(i as u16)),
        })
        .collect();
    let problem = (count > MAX_RANGE).then(|| Problem {
        needle: needle.into(),
        message: format!(
            "port range `{text}` has {count} ports: kept the first {MAX_RANGE} ({first}-{}); a Service lists ports one by one, so a range this wide wants hostNetwork",
            first as u32 + MAX_RANGE - 1
        ),
    });
    (ports, problem)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ports(v: Value) -> Vec<(u16, Protocol)> {
        let (p, problem) = parse(&v);
        assert_eq!(problem, None, "{v}");
        p.into_iter().map(|p| (p.port, p.protocol)).collect()
    }

    #[test]
    fn short_syntax_keeps_ranges_and_protocols() {
        use Protocol::*;
        assert_eq!(ports(json!(3306)), [(3306, TCP)]);
        assert_eq!(ports(json!("3306")), [(3306, TCP)]);
        assert_eq!(ports(json!("8000:8000")), [(8000, TCP)]);
        assert_eq!(ports(json!("127.0.0.1:80:8080/tcp")), [(8080, TCP)]);
        assert_eq!(ports(json!("[::1]:6001:6001")), [(6001, TCP)]);
        assert_eq!(ports(json!("53:53/udp")), [(53, UDP)]);
        assert_eq!(ports(json!("3868:3868/sctp")), [(3868, SCTP)]);
        assert_eq!(ports(json!("9090-9091")), [(9090, TCP), (9091, TCP)]);
        assert_eq!(
            ports(json!("8000-8002:8000-8002")),
            [(8000, TCP), (8001, TCP), (8002, TCP)]
        );
        assert_eq!(
            ports(json!("127.0.0.1:5000-5001:5000-5001/udp")),
            [(5000, UDP), (5001, UDP)]
        );
        // A host range onto one container port is one port.
        assert_eq!(ports(json!("8080-8081:80")), [(80, TCP)]);
    }

    #[test]
    fn long_syntax_keeps_protocol_app_protocol_and_name() {
        let (p, problem) = parse(&json!({
            "target": 50051, "published": "50051", "protocol": "tcp",
            "app_protocol": "grpc", "name": "grpc", "mode": "host"
        }));
        assert_eq!(problem, None);
        assert_eq!(
            p,
            [Port {
                port: 50051,
                protocol: Protocol::TCP,
                app_protocol: Some("grpc".into()),
                name: Some("grpc".into()),
                host: Some(50051),
            }]
        );
        let (p, _) = parse(&json!({"target": 53, "published": 53, "protocol": "udp"}));
        assert_eq!(
            (p[0].port, p[0].protocol, p[0].host),
            (53, Protocol::UDP, Some(53))
        );
    }

    /// The host port each container port is published at: the one the entry names
    /// (after any address, an IPv6 one in brackets), in step along a range, or none
    /// where the engine picks it.
    #[test]
    fn the_host_side_is_read_for_a_local_run() {
        let hosts = |entry: Value| -> Vec<(u16, Option<u16>)> {
            parse(&entry).0.iter().map(|p| (p.port, p.host)).collect()
        };
        for (entry, want) in [
            (json!("8080:3000"), vec![(3000, Some(8080))]),
            (json!("127.0.0.1:9091:9090"), vec![(9090, Some(9091))]),
            (json!("[::1]:8443:443/tcp"), vec![(443, Some(8443))]),
            (json!("5432"), vec![(5432, None)]),
            (json!(5432), vec![(5432, None)]),
            (json!("127.0.0.1::5432"), vec![(5432, None)]),
            (
                json!("9000-9001:8000-8001"),
                vec![(8000, Some(9000)), (8001, Some(9001))],
            ),
            (
                json!({"target": 80, "published": "8081"}),
                vec![(80, Some(8081))],
            ),
            (json!({"target": 80}), vec![(80, None)]),
        ] {
            assert_eq!(hosts(entry.clone()), want, "{entry}");
        }
    }

    #[test]
    fn bad_ports_are_reported_not_clamped() {
        for (entry, needle, says) in [
            (json!("70000:70000"), "70000", "out of range"),
            (json!(0), "0", "out of range"),
            (json!({"target": 70000}), "70000", "out of range"),
            (json!("80:80/quic"), "80:80/quic", "not tcp, udp or sctp"),
            (json!("8010-8000"), "8010-8000", "ends before it starts"),
            (json!("http"), "http", "not a port"),
        ] {
            let (p, problem) = parse(&entry);
            assert!(p.is_empty(), "{entry}");
            let problem = problem.unwrap();
            assert_eq!(problem.needle, needle, "{entry}");
            assert!(problem.message.contains(says), "{entry}: {problem:?}");
        }
        let (p, problem) = parse(&json!("10000-20000:10000-20000/udp"));
        assert_eq!(p.len(), MAX_RANGE as usize);
        assert!(problem.unwrap().message.contains("10001 ports"));
    }
}
