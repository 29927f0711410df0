//! Import of a docker-compose file, the way Kompose would but keeping what matters for
//! Kubernetes timing: healthchecks become probes, `stop_grace_period` the grace period,
//! `depends_on` dependency edges, `deploy.replicas` and `deploy.resources` replicas and
//! resources. Compose names become DNS-1035 service names (`icat_mariadb` ->
//! `icat-mariadb`).

use crate::import::{DocumentReport, Import, Outcome};
use crate::model::*;
use serde_json::Value;
use std::collections::BTreeMap;

/// Import a compose file. `env_files` gives the contents of files named by `env_file`
/// (the CLI reads them next to the compose file; the browser cannot, and says so).
pub fn import(text: &str, env_files: &BTreeMap<String, String>) -> Import {
    let mut design = Design {
        name: "compose".into(),
        ..Design::default()
    };
    let mut documents = Vec::new();
    let skipped = |reason: String| DocumentReport {
        file: String::new(),
        line: 1,
        kind: "compose".into(),
        name: String::new(),
        outcome: Outcome::Skipped(reason),
    };
    if text.len() > crate::import::MAX_INPUT_BYTES {
        documents.push(skipped("the file is larger than 16 MiB".into()));
        return Import {
            design,
            documents,
            renamed: Default::default(),
        };
    }
    let yaml: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            documents.push(skipped(format!("invalid YAML: {e}")));
            return Import {
                design,
                documents,
                renamed: Default::default(),
            };
        }
    };
    let root: Value = serde_json::to_value(&yaml).unwrap_or(Value::Null);
    let Some(services) = root.get("services").and_then(Value::as_object) else {
        documents.push(skipped(
            "not a compose file: it has no `services:` mapping".into(),
        ));
        return Import {
            design,
            documents,
            renamed: Default::default(),
        };
    };
    if let Some(name) = root.get("name").and_then(Value::as_str) {
        design.name = dns_name(name);
    }
    let line_of = |name: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(&format!("{name}:")))
            .map_or(1, |i| i + 1)
    };
    let mut ids: BTreeMap<String, ServiceId> = BTreeMap::new();
    let mut notes: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (compose_name, spec) in services {
        let name = dns_name(compose_name);
        let mut s = Service {
            name: name.clone(),
            security: Security::unset(),
            ..Service::default()
        };
        let image = spec
            .get("image")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if image.is_empty() {
            notes
                .entry(name.clone())
                .or_default()
                .push("no `image` (built from source): set the image the CI pushes".into());
            s.image = format!("registry.example.com/{name}");
            s.tag = String::new();
        } else {
            let (repo, tag) = match image.rsplit_once(':') {
                Some((r, t)) if !t.contains('/') => (r.to_string(), t.to_string()),
                _ => (image.to_string(), String::new()),
            };
            s.image = repo;
            s.tag = tag;
        }
        if let Some(cmd) = spec.get("command") {
            s.args = words(cmd);
        }
        if let Some(ep) = spec.get("entrypoint") {
            s.command = words(ep);
        }
        for p in spec
            .get("ports")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(container) = container_port(p) {
                let port_name = if s.ports.is_empty() {
                    "http".to_string()
                } else {
                    format!("port{}", s.ports.len())
                };
                add_port(&mut s, container, port_name);
            }
        }
        for p in spec
            .get("expose")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let Some(n) = p
                .as_u64()
                .or_else(|| p.as_str().and_then(|s| s.parse().ok()))
                .and_then(|n| u16::try_from(n).ok())
            {
                if !s.ports.iter().any(|x| x.port == n) {
                    let port_name = format!("port{}", s.ports.len());
                    add_port(&mut s, n, port_name);
                }
            }
        }
        if s.exposure.ports.is_empty() {
            s.exposure.service = ServiceKind::None;
        }
        let mut env: Vec<(String, String)> = Vec::new();
        for f in string_list(spec.get("env_file")) {
            match env_files.get(&f) {
                Some(text) => env.extend(dotenv(text)),
                None => notes.entry(name.clone()).or_default().push(format!(
                    "env_file `{f}` was not read: add its keys to the ConfigMap"
                )),
            }
        }
        match spec.get("environment") {
            Some(Value::Object(m)) => env.extend(m.iter().map(|(k, v)| (k.clone(), scalar(v)))),
            Some(Value::Array(items)) => env.extend(items.iter().filter_map(|i| {
                let i = i.as_str()?;
                let (k, v) = i.split_once('=').unwrap_or((i, ""));
                Some((k.to_string(), v.to_string()))
            })),
            _ => {}
        }
        if !env.is_empty() {
            // Plain config goes to a ConfigMap; what looks secret becomes a Secret key
            // (its value is dropped: a design never holds secret values).
            let (secret, plain): (Vec<_>, Vec<_>) = env
                .into_iter()
                .partition(|(k, _)| crate::rules::looks_secret(k));
            if !plain.is_empty() {
                let cm = format!("{name}-env");
                design.config_maps.push(ConfigMapDef {
                    name: cm.clone(),
                    data: plain.into_iter().collect(),
                    residual: None,
                });
                s.config.env_from.push(EnvFrom::ConfigMap(cm));
            }
            if !secret.is_empty() {
                let sec = format!("{name}-secrets");
                design.secrets.push(SecretDef {
                    name: sec.clone(),
                    kind: "Opaque".into(),
                    keys: secret.into_iter().map(|(k, _)| k).collect(),
                    residual: None,
                });
                s.config.env_from.push(EnvFrom::Secret(sec));
            }
        }
        if let Some(hc) = spec.get("healthcheck") {
            if hc.get("disable").and_then(Value::as_bool) != Some(true) {
                if let Some(p) = probe(hc, &s) {
                    // start_period: time the container may take to start before failures count.
                    let start = hc
                        .get("start_period")
                        .and_then(Value::as_str)
                        .and_then(duration)
                        .unwrap_or(0);
                    if start > 0 {
                        s.timing.startup_seconds = start;
                        let failures =
                            (start.div_ceil(p.effective_period())).max(1) + p.effective_failures();
                        s.probes.startup = Some(Probe {
                            failure_threshold: failures,
                            ..p.clone()
                        });
                    }
                    s.probes.readiness = Some(p.clone());
                    s.probes.liveness = Some(Probe {
                        failure_threshold: p.effective_failures() + 2,
                        ..p
                    });
                }
            }
        }
        if let Some(g) = spec
            .get("stop_grace_period")
            .and_then(Value::as_str)
            .and_then(duration)
        {
            s.timing.grace_period_seconds = g;
        } else {
            s.timing.grace_period_seconds = 10;
            notes
                .entry(name.clone())
                .or_default()
                .push("no stop_grace_period: compose waits 10 s, kept as the grace period".into());
        }
        if let Some(r) = spec.pointer("/deploy/replicas").and_then(Value::as_u64) {
            s.scaling.replicas = u32::try_from(r).unwrap_or(1);
        }
        let cpu = |p: &str| {
            spec.pointer(p)
                .map(scalar)
                .filter(|v| !v.is_empty())
                .map(|c| cpus(&c))
        };
        let mem = |p: &str| {
            spec.pointer(p)
                .map(scalar)
                .filter(|v| !v.is_empty())
                .map(|m| memory(&m))
        };
        s.resources = Resources {
            cpu_request: cpu("/deploy/resources/reservations/cpus"),
            memory_request: mem("/deploy/resources/reservations/memory"),
            cpu_limit: cpu("/deploy/resources/limits/cpus"),
            memory_limit: mem("/deploy/resources/limits/memory"),
        };
        let volumes = spec
            .get("volumes")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (i, v) in volumes.iter().enumerate() {
            let text = scalar(v);
            let (source, target) = text.split_once(':').unwrap_or(("", &text));
            let target = target.split(':').next().unwrap_or(target);
            let named = !source.is_empty() && !source.starts_with(['.', '/', '~']);
            if named {
                s.kind = WorkloadKind::StatefulSet;
                s.exposure.service = ServiceKind::Headless;
                s.storage.push(VolumeClaim {
                    name: dns_name(source).chars().take(50).collect(),
                    mount_path: target.into(),
                    size: "10Gi".into(),
                    storage_class: None,
                });
            } else {
                notes.entry(name.clone()).or_default().push(format!(
                    "bind mount {} ({text}) is not portable: use a ConfigMap or a volume",
                    i + 1
                ));
            }
        }
        if spec.get("restart").and_then(Value::as_str) == Some("no") {
            notes.entry(name.clone()).or_default().push("restart: no looks like a one-off task; Kubernetes runs it as a Job, which Kubeprint does not model".into());
        }
        let id = ServiceId(design.next_id);
        if design.apply(crate::Edit::AddService(Box::new(s))).is_ok() {
            ids.insert(compose_name.clone(), id);
            documents.push(DocumentReport {
                file: String::new(),
                line: line_of(compose_name),
                kind: "service".into(),
                name: name.clone(),
                outcome: Outcome::Imported,
            });
        }
    }
    // depends_on: edges to the dependency's first port.
    for (compose_name, spec) in services {
        let deps: Vec<String> = match spec.get("depends_on") {
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            Some(Value::Object(m)) => m.keys().cloned().collect(),
            _ => Vec::new(),
        };
        for dep in deps {
            let (Some(&from), Some(&to)) = (ids.get(compose_name), ids.get(&dep)) else {
                continue;
            };
            let port = design
                .service(to)
                .and_then(|t| t.exposure.ports.first())
                .map(|p| p.name.clone())
                .unwrap_or_default();
            let _ = design.apply(crate::Edit::AddEdge(Edge { from, to, port }));
        }
    }
    for d in &mut documents {
        if let Some(n) = notes.get(&d.name) {
            if let Outcome::Imported = d.outcome {
                d.outcome = Outcome::Kept(n.join("; "));
            }
        }
    }
    let system = design.name.clone();
    design.environments = Environment::standard_set(&system);
    Import {
        design,
        documents,
        renamed: Default::default(),
    }
}

/// The `env_file` names a compose file refers to (so a caller can read them).
pub fn env_file_names(text: &str) -> Vec<String> {
    let Ok(yaml) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Vec::new();
    };
    let root: Value = serde_json::to_value(&yaml).unwrap_or(Value::Null);
    root.get("services")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(_, spec)| string_list(spec.get("env_file")))
        .collect()
}

/// Declare a container port and a Service port of the same name for it.
fn add_port(s: &mut Service, port: u16, name: String) {
    s.ports.push(ContainerPort {
        name: name.clone(),
        port,
        protocol: Protocol::TCP,
    });
    s.exposure.ports.push(ServicePort {
        name: name.clone(),
        port,
        target: PortRef::Name(name),
        ..ServicePort::default()
    });
}

/// A compose name as a DNS-1035 label.
fn dns_name(name: &str) -> String {
    let s: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("s-{s}")
    } else {
        s
    };
    s.chars().take(63).collect()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn words(v: &Value) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(scalar).collect(),
        Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .or_else(|| x.get("path").and_then(Value::as_str).map(str::to_string))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The container side of a compose port: `8000`, `"8000:8000"`, `"127.0.0.1:80:8080/tcp"`,
/// or the long form `{target: 8000}`.
fn container_port(p: &Value) -> Option<u16> {
    if let Some(t) = p.get("target") {
        return t.as_u64().and_then(|n| u16::try_from(n).ok());
    }
    let text = scalar(p);
    let last = text.rsplit(':').next()?.split('/').next()?;
    let first = last.split('-').next()?;
    first.trim().parse().ok()
}

/// `KEY=value` lines of a .env file.
fn dotenv(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            let (k, v) = l.split_once('=')?;
            Some((
                k.trim().to_string(),
                v.trim().trim_matches(['"', '\'']).to_string(),
            ))
        })
        .collect()
}

/// A compose duration (`30s`, `1m30s`, `1m`, `500ms`, `2h`) in whole seconds.
fn duration(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Some(ms) = t.strip_suffix("ms") {
        return ms
            .parse::<u64>()
            .ok()
            .map(|ms| u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX));
    }
    crate::input::seconds(t).ok()
}

/// Compose cpus (`0.5`, `"2"`) as a Kubernetes quantity.
fn cpus(text: &str) -> String {
    match text.parse::<f64>() {
        Ok(c) if c.fract() != 0.0 => format!("{}m", (c * 1000.0).round() as u64),
        Ok(c) => format!("{}", c as u64),
        Err(_) => text.to_string(),
    }
}

/// Compose memory (`512m`, `1g`, `512M`, `1gb`, bytes) as a Kubernetes quantity.
fn memory(text: &str) -> String {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (n, unit) = t.split_at(
        t.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len()),
    );
    match unit {
        "k" => format!("{n}Ki"),
        "m" => format!("{n}Mi"),
        "g" => format!("{n}Gi"),
        "" => n.to_string(),
        _ => text.to_string(),
    }
}

/// A healthcheck as a probe: `curl`/`wget` of a localhost URL becomes an HTTP probe on
/// the matching port, anything else an exec probe.
fn probe(hc: &Value, s: &Service) -> Option<Probe> {
    let test = match hc.get("test")? {
        Value::String(t) => vec!["CMD-SHELL".to_string(), t.clone()],
        Value::Array(a) => a.iter().map(scalar).collect(),
        _ => return None,
    };
    let (kind, rest) = test.split_first()?;
    if kind == "NONE" {
        return None;
    }
    let command: Vec<String> = if kind == "CMD-SHELL" {
        vec!["sh".into(), "-c".into(), rest.join(" ")]
    } else {
        rest.to_vec()
    };
    let joined = rest.join(" ");
    let http = (joined.contains("curl") || joined.contains("wget"))
        .then(|| {
            joined
                .split_whitespace()
                .find(|w| w.starts_with("http://localhost") || w.starts_with("http://127.0.0.1"))
        })
        .flatten()
        .and_then(|url| {
            let after = url.split("://").nth(1)?;
            let (hostport, path) = after
                .split_once('/')
                .map_or((after, "/".to_string()), |(h, p)| (h, format!("/{p}")));
            let port: u16 = hostport
                .split(':')
                .nth(1)
                .map_or(Some(80), |p| p.parse().ok())?;
            let port = s
                .ports
                .iter()
                .find(|p2| p2.port == port)
                .map_or(PortRef::Number(port), |p2| PortRef::Name(p2.name.clone()));
            Some(ProbeAction::Http {
                path: path.trim_end_matches(['"', '\'']).to_string(),
                port,
            })
        });
    let action = http.unwrap_or(ProbeAction::Exec { command });
    let secs = |k: &str, default: u32| {
        hc.get(k)
            .and_then(Value::as_str)
            .and_then(duration)
            .unwrap_or(default)
    };
    Some(Probe {
        action,
        initial_delay_seconds: 0,
        period_seconds: secs("interval", 30).max(1),
        timeout_seconds: secs("timeout", 30).max(1),
        success_threshold: 1,
        failure_threshold: hc
            .get("retries")
            .and_then(Value::as_u64)
            .map_or(3, |r| u32::try_from(r).unwrap_or(3)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_units_become_kubernetes_units() {
        assert_eq!(cpus("0.5"), "500m");
        assert_eq!(cpus("2"), "2");
        assert_eq!(memory("512M"), "512Mi");
        assert_eq!(memory("1gb"), "1Gi");
        assert_eq!(duration("1m30s"), Some(90));
        assert_eq!(duration("500ms"), Some(1));
        assert_eq!(
            container_port(&Value::from("127.0.0.1:80:8080/tcp")),
            Some(8080)
        );
        assert_eq!(container_port(&Value::from(3306)), Some(3306));
        assert_eq!(dns_name("icat_mariadb"), "icat-mariadb");
        assert_eq!(
            dotenv("# c\nexport A=1\nB=\"two\"\n"),
            vec![("A".into(), "1".into()), ("B".into(), "two".into())]
        );
    }
}
