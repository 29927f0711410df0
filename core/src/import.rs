//! Import of existing Kubernetes YAML into a design.
//!
//! Each document is parsed on its own, so one bad document (invalid YAML, Helm template
//! syntax, an unknown kind) is reported with its line and the rest still imports. What
//! the model covers becomes the design, so the rules apply to it; what it does not cover
//! is kept: as a residual merge patch on the object the design renders, or, for objects
//! the model cannot express, whole. Rendering the imported design gives back the input
//! (Secret values excepted: a design never holds them).

use crate::model::*;
use crate::render::{render, Object};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;
use std::collections::BTreeMap;

/// Inputs larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// What happened to one document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum Outcome {
    /// Part of the design (with a residual patch for anything the model lacks).
    Imported,
    /// Kept whole: the model cannot express it, but export reproduces it.
    Kept(String),
    /// Not imported, and why.
    Skipped(String),
}

/// One document of the input.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DocumentReport {
    /// First line of the document (1-based).
    pub line: usize,
    /// Its kind, if it has one.
    pub kind: String,
    /// Its name, if it has one.
    pub name: String,
    /// What happened to it.
    pub outcome: Outcome,
}

/// The result of an import: always a design (possibly empty) and a report per document.
#[derive(Clone, Debug)]
pub struct Import {
    /// The design.
    pub design: Design,
    /// One entry per document, in input order.
    pub documents: Vec<DocumentReport>,
    /// Objects attached to a service under another name than the one the design
    /// renders: (kind, rendered name) -> input name. Their residual patch renames them.
    pub renamed: BTreeMap<(String, String), String>,
}

impl Import {
    /// How many documents became part of the design or were kept.
    pub fn imported(&self) -> usize {
        self.documents
            .iter()
            .filter(|d| !matches!(d.outcome, Outcome::Skipped(_)))
            .count()
    }
}

/// Split a YAML stream into documents with the line each starts on.
fn split_documents(text: &str) -> Vec<(usize, String)> {
    let mut docs = Vec::new();
    let mut current = String::new();
    let mut start = 1;
    for (i, line) in text.lines().enumerate() {
        if line == "---" || line.starts_with("--- ") {
            if !current.trim().is_empty() {
                docs.push((start, std::mem::take(&mut current)));
            }
            current.clear();
            start = i + 2;
            continue;
        }
        current.push_str(line);
        current.push('\n');
    }
    if !current.trim().is_empty() {
        docs.push((start, current));
    }
    docs
}

/// Parse one document into JSON, or say what is wrong with it.
fn parse_document(line: usize, text: &str) -> Result<Value, String> {
    if let Some(i) = text.lines().position(|l| l.contains("{{")) {
        return Err(format!(
            "Helm template syntax `{{{{ … }}}}` at line {}: render the chart first (helm template) and import its output",
            line + i
        ));
    }
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!(" at line {}", line + l.line() - 1))
            .unwrap_or_default();
        format!(
            "invalid YAML{at}: {}",
            shift_lines(&e.to_string(), line - 1)
        )
    })?;
    let json = serde_json::to_value(&yaml).map_err(|e| format!("not a Kubernetes object ({e})"))?;
    if !json.is_object() || json.get("kind").is_none() {
        return Err("not a Kubernetes object: expected a mapping with apiVersion and kind".into());
    }
    Ok(json)
}

/// Rewrite "line N" in a parser message (relative to the document) as a line of the
/// whole input.
fn shift_lines(message: &str, offset: usize) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

fn name_of(v: &Value) -> String {
    v["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The parsed objects of the input by (kind, name), as JSON, for the residual step.
type Inputs = BTreeMap<(String, String), Value>;

/// Parse and build: the design without residuals, and the input objects.
fn parse_and_build(text: &str) -> (Import, Inputs) {
    let mut inputs = Inputs::new();
    let mut documents = Vec::new();
    if text.len() > MAX_INPUT_BYTES {
        documents.push(DocumentReport {
            line: 1,
            kind: String::new(),
            name: String::new(),
            outcome: Outcome::Skipped(format!(
                "the input is {} MiB; Kubeprint imports at most 16 MiB at once",
                text.len() / (1024 * 1024)
            )),
        });
        let import = Import {
            design: empty_design(),
            documents,
            renamed: BTreeMap::new(),
        };
        return (import, inputs);
    }
    // Parse everything first; `List` documents are flattened.
    let mut objects: Vec<(usize, Object)> = Vec::new();
    for (line, doc) in split_documents(text) {
        let parsed = parse_document(line, &doc);
        let json = match parsed {
            Ok(j) => j,
            Err(reason) => {
                documents.push(DocumentReport {
                    line,
                    kind: String::new(),
                    name: String::new(),
                    outcome: Outcome::Skipped(reason),
                });
                continue;
            }
        };
        let items = if json["kind"] == "List" {
            json["items"].as_array().cloned().unwrap_or_default()
        } else {
            vec![json]
        };
        for item in items {
            let kind = item["kind"].as_str().unwrap_or_default().to_string();
            let name = name_of(&item);
            match Object::from_json(item) {
                Ok(o) => {
                    inputs.insert((o.kind().to_string(), o.name().to_string()), o.to_json());
                    documents.push(DocumentReport {
                        line,
                        kind,
                        name,
                        outcome: Outcome::Imported,
                    });
                    objects.push((documents.len() - 1, o));
                }
                Err(reason) => documents.push(DocumentReport {
                    line,
                    kind,
                    name,
                    outcome: Outcome::Skipped(reason),
                }),
            }
        }
    }
    let mut renamed = BTreeMap::new();
    let design = build(objects, &mut documents, &mut renamed);
    let import = Import {
        design,
        documents,
        renamed,
    };
    (import, inputs)
}

fn empty_design() -> Design {
    Design {
        name: "imported".into(),
        environments: vec![Environment {
            create_namespace: false,
            ..Environment::new("prod", Tier::Prod, "default")
        }],
        ..Design::default()
    }
}

fn labels_match(
    selector: Option<&BTreeMap<String, String>>,
    labels: &BTreeMap<String, String>,
) -> bool {
    selector.is_some_and(|s| !s.is_empty() && s.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

/// A workload being imported: its design service and pod labels.
struct Workload {
    id: ServiceId,
    name: String,
    pod_labels: BTreeMap<String, String>,
}

/// Turn parsed objects into a design and fill in each document's outcome.
fn build(
    objects: Vec<(usize, Object)>,
    documents: &mut [DocumentReport],
    renamed: &mut BTreeMap<(String, String), String>,
) -> Design {
    let mut d = empty_design();
    // One namespace per import: the first workload's (or first object's).
    let namespace = objects
        .iter()
        .find(|(_, o)| matches!(o, Object::Deployment(_) | Object::StatefulSet(_)))
        .or(objects.first())
        .and_then(|(_, o)| o.metadata().namespace.clone())
        .or_else(|| {
            objects
                .iter()
                .find_map(|(_, o)| matches!(o, Object::Namespace(_)).then(|| o.name().to_string()))
        })
        .unwrap_or_else(|| "default".into());
    d.environments[0].namespace = namespace.clone();
    d.environments[0].name = namespace.clone();
    let part_of = objects.iter().find_map(|(_, o)| {
        o.metadata()
            .labels
            .as_ref()?
            .get("app.kubernetes.io/part-of")
            .cloned()
    });
    d.name = part_of.unwrap_or_else(|| namespace.clone());

    let mut keep: Vec<(usize, Object)> = Vec::new();
    let mut workloads: Vec<Workload> = Vec::new();
    let mut rest = Vec::new();
    for (i, o) in objects {
        let ns = o.metadata().namespace.clone();
        if ns.as_deref().is_some_and(|n| n != namespace) {
            documents[i].outcome = Outcome::Skipped(format!(
                "in namespace `{}`, not `{namespace}`: import one namespace at a time",
                ns.unwrap_or_default()
            ));
            continue;
        }
        match o {
            Object::Deployment(dep) => {
                let spec = dep.spec.clone().unwrap_or_default();
                let s = service_from_pod(
                    &dep.metadata,
                    &spec.template,
                    WorkloadKind::Deployment,
                    |s| {
                        s.scaling.replicas = spec.replicas.map_or(1, |r| r.max(0) as u32);
                        if let Some(ru) = spec
                            .strategy
                            .as_ref()
                            .and_then(|st| st.rolling_update.as_ref())
                        {
                            if let Some(a) = ru.max_surge.as_ref().and_then(amount) {
                                s.scaling.max_surge = a;
                            }
                            if let Some(a) = ru.max_unavailable.as_ref().and_then(amount) {
                                s.scaling.max_unavailable = a;
                            }
                        }
                        s.scaling.revision_history_limit =
                            spec.revision_history_limit.map(|r| r.max(0) as u32);
                        s.timing.min_ready_seconds =
                            spec.min_ready_seconds.unwrap_or(0).max(0) as u32;
                        s.timing.progress_deadline_seconds = spec
                            .progress_deadline_seconds
                            .map_or(crate::domain::DEFAULT_PROGRESS_DEADLINE_SECONDS, |v| {
                                v.max(0) as u32
                            });
                    },
                );
                add_workload(&mut d, &mut workloads, s, &spec.template);
            }
            Object::StatefulSet(st) => {
                let spec = st.spec.clone().unwrap_or_default();
                let s = service_from_pod(
                    &st.metadata,
                    &spec.template,
                    WorkloadKind::StatefulSet,
                    |s| {
                        s.scaling.replicas = spec.replicas.map_or(1, |r| r.max(0) as u32);
                        s.scaling.revision_history_limit =
                            spec.revision_history_limit.map(|r| r.max(0) as u32);
                        s.timing.min_ready_seconds =
                            spec.min_ready_seconds.unwrap_or(0).max(0) as u32;
                        s.exposure.service = ServiceKind::None;
                        for c in spec.volume_claim_templates.iter().flatten() {
                            let size = c
                                .spec
                                .as_ref()
                                .and_then(|s| s.resources.as_ref())
                                .and_then(|r| r.requests.as_ref())
                                .and_then(|r| r.get("storage"))
                                .map(|q| q.0.clone())
                                .unwrap_or_default();
                            let mount = spec
                                .template
                                .spec
                                .as_ref()
                                .and_then(|p| p.containers.first())
                                .and_then(|c0| c0.volume_mounts.as_ref())
                                .and_then(|m| {
                                    m.iter().find(|m| Some(&m.name) == c.metadata.name.as_ref())
                                })
                                .map(|m| m.mount_path.clone())
                                .unwrap_or_default();
                            s.storage.push(VolumeClaim {
                                name: c.metadata.name.clone().unwrap_or_default(),
                                mount_path: mount,
                                size,
                                storage_class: c
                                    .spec
                                    .as_ref()
                                    .and_then(|s| s.storage_class_name.clone()),
                            });
                        }
                    },
                );
                add_workload(&mut d, &mut workloads, s, &spec.template);
            }
            other => rest.push((i, other)),
        }
    }
    for (i, o) in rest {
        let attached = attach(&mut d, &workloads, &o, renamed);
        if !attached {
            keep.push((i, o));
        }
    }
    infer_shutdown_timeouts(&mut d);
    // NetworkPolicies: edges where they express one; default-deny when the design's own
    // policies reproduce the input exactly, otherwise the input's are kept whole.
    let policies: Vec<(usize, Object)> = keep
        .iter()
        .filter(|(_, o)| matches!(o, Object::NetworkPolicy(_)))
        .cloned()
        .collect();
    for (_, p) in &policies {
        edges_from_policy(&mut d, &workloads, p);
    }
    if !policies.is_empty() {
        let mut trial = d.clone();
        trial.environments[0].default_deny = true;
        let rendered: Vec<Value> = render(&trial, &d.environments[0].name)
            .objects
            .iter()
            .filter(|o| matches!(o, Object::NetworkPolicy(_)))
            .map(|o| strip_managed(o.to_json()))
            .collect();
        let input: Vec<Value> = policies
            .iter()
            .map(|(_, o)| strip_managed(o.to_json()))
            .collect();
        let same = rendered.len() == input.len() && input.iter().all(|p| rendered.contains(p));
        if same {
            d.environments[0].default_deny = true;
            keep.retain(|(_, o)| !matches!(o, Object::NetworkPolicy(_)));
        }
    }
    for (i, o) in &keep {
        documents[*i].outcome = Outcome::Kept(format!(
            "the design has no place for this {}; it is kept as it is",
            o.kind()
        ));
        d.extra_objects.push(o.to_json());
    }
    d
}

/// Manifests do not say how long an app drains after SIGTERM, but its configuration
/// often does (Connectum's `GRACEFUL_SHUTDOWN_TIMEOUT_MS`, `SHUTDOWN_TIMEOUT=30s`): read
/// it from the service's literal env and the ConfigMaps it imports, so the timing rules
/// can check the grace period against it.
fn infer_shutdown_timeouts(d: &mut Design) {
    let config: BTreeMap<String, BTreeMap<String, String>> = d
        .config_maps
        .iter()
        .map(|c| (c.name.clone(), c.data.clone()))
        .collect();
    for s in &mut d.services {
        let mut pairs: Vec<(String, String)> = s
            .config
            .env
            .iter()
            .filter_map(|e| match &e.value {
                EnvValue::Literal(v) => Some((e.name.clone(), v.clone())),
                EnvValue::ConfigMapKey { name, key } => config
                    .get(name)?
                    .get(key)
                    .map(|v| (e.name.clone(), v.clone())),
                EnvValue::SecretKey { .. } => None,
            })
            .collect();
        for f in &s.config.env_from {
            if let EnvFrom::ConfigMap(name) = f {
                pairs.extend(
                    config
                        .get(name)
                        .into_iter()
                        .flatten()
                        .map(|(k, v)| (k.clone(), v.clone())),
                );
            }
        }
        let seconds = pairs.iter().find_map(|(k, v)| {
            let k = k.to_ascii_uppercase();
            if !(k.contains("SHUTDOWN") && k.contains("TIMEOUT")) {
                return None;
            }
            if k.ends_with("_MS") {
                v.trim()
                    .parse::<u64>()
                    .ok()
                    .map(|ms| u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX))
            } else {
                crate::input::seconds(v.trim()).ok()
            }
        });
        if let Some(secs) = seconds {
            s.timing.app_shutdown_seconds = secs;
        }
    }
}

/// Labels Kubeprint adds itself, ignored when comparing policies.
fn strip_managed(mut v: Value) -> Value {
    if let Some(labels) = v["metadata"]["labels"].as_object_mut() {
        labels.remove("app.kubernetes.io/managed-by");
        labels.remove("app.kubernetes.io/part-of");
        labels.remove("app.kubernetes.io/component");
        labels.remove("app.kubernetes.io/version");
        labels.remove("app.kubernetes.io/name");
    }
    v
}

fn amount(v: &IntOrString) -> Option<Amount> {
    match v {
        IntOrString::Int(n) => u32::try_from(*n).ok().map(Amount::Count),
        IntOrString::String(s) => s.parse().ok(),
    }
}

fn port_ref(v: &IntOrString) -> PortRef {
    match v {
        IntOrString::Int(n) => PortRef::Number(u16::try_from(*n).unwrap_or(0)),
        IntOrString::String(s) => PortRef::Name(s.clone()),
    }
}

fn probe(p: &core::Probe) -> Option<Probe> {
    let action = if let Some(h) = &p.http_get {
        ProbeAction::Http {
            path: h.path.clone().unwrap_or_else(|| "/".into()),
            port: port_ref(&h.port),
        }
    } else if let Some(g) = &p.grpc {
        ProbeAction::Grpc {
            port: u16::try_from(g.port).unwrap_or(0),
            service: g.service.clone(),
        }
    } else if let Some(t) = &p.tcp_socket {
        ProbeAction::Tcp {
            port: port_ref(&t.port),
        }
    } else {
        ProbeAction::Exec {
            command: p.exec.as_ref()?.command.clone().unwrap_or_default(),
        }
    };
    let n = |v: Option<i32>, default: u32| v.map_or(default, |v| v.max(0) as u32);
    Some(Probe {
        action,
        initial_delay_seconds: n(p.initial_delay_seconds, 0),
        period_seconds: n(p.period_seconds, Probe::DEFAULT_PERIOD),
        timeout_seconds: n(p.timeout_seconds, Probe::DEFAULT_TIMEOUT),
        success_threshold: n(p.success_threshold, 1),
        failure_threshold: n(p.failure_threshold, Probe::DEFAULT_FAILURES),
    })
}

/// The seconds of a preStop hook that only sleeps (native or `sh -c "sleep N"`).
fn pre_stop_sleep(c: &core::Container) -> u32 {
    let Some(h) = c.lifecycle.as_ref().and_then(|l| l.pre_stop.as_ref()) else {
        return 0;
    };
    if let Some(s) = &h.sleep {
        return s.seconds.max(0) as u32;
    }
    let cmd = h
        .exec
        .as_ref()
        .and_then(|e| e.command.clone())
        .unwrap_or_default();
    let text = cmd.join(" ");
    text.rsplit("sleep ")
        .next()
        .and_then(|n| n.trim().trim_matches('"').parse().ok())
        .filter(|_| text.contains("sleep "))
        .unwrap_or(0)
}

fn service_from_pod(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    template: &core::PodTemplateSpec,
    kind: WorkloadKind,
    more: impl FnOnce(&mut Service),
) -> Service {
    let labels = meta.labels.clone().unwrap_or_default();
    let pod = template.spec.clone().unwrap_or_default();
    let c = pod.containers.first().cloned().unwrap_or_default();
    let name = meta.name.clone().unwrap_or_default();
    let image = c.image.clone().unwrap_or_default();
    let (repo, tag) = match image.rsplit_once(':') {
        Some((r, t)) if !t.contains('/') && !image.contains('@') => (r.to_string(), t.to_string()),
        _ => (image.clone(), String::new()),
    };
    let psc = pod.security_context.clone().unwrap_or_default();
    let csc = c.security_context.clone().unwrap_or_default();
    let resources = c.resources.clone().unwrap_or_default();
    let q =
        |m: &Option<BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
         k: &str| { m.as_ref().and_then(|m| m.get(k)).map(|q| q.0.clone()) };
    let annotations = template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.clone())
        .unwrap_or_default();
    let mut s = Service {
        name: name.clone(),
        kind,
        component: labels
            .get("app.kubernetes.io/component")
            .cloned()
            .unwrap_or_else(|| "service".into()),
        container_name: if c.name == name {
            String::new()
        } else {
            c.name.clone()
        },
        image: repo,
        tag,
        command: c.command.clone().unwrap_or_default(),
        args: c.args.clone().unwrap_or_default(),
        ports: c
            .ports
            .iter()
            .flatten()
            .map(|p| ContainerPort {
                name: p.name.clone().unwrap_or_default(),
                port: u16::try_from(p.container_port).unwrap_or(0),
                protocol: match p.protocol.as_deref() {
                    Some("UDP") => Protocol::UDP,
                    Some("SCTP") => Protocol::SCTP,
                    _ => Protocol::TCP,
                },
            })
            .collect(),
        exposure: Exposure {
            service: ServiceKind::None,
            ..Exposure::default()
        },
        probes: Probes {
            startup: c.startup_probe.as_ref().and_then(probe),
            liveness: c.liveness_probe.as_ref().and_then(probe),
            readiness: c.readiness_probe.as_ref().and_then(probe),
        },
        timing: Timing {
            pre_stop_seconds: pre_stop_sleep(&c),
            grace_period_seconds: pod
                .termination_grace_period_seconds
                .map_or(30, |g| g.max(0) as u32),
            ..Timing::default()
        },
        resources: Resources {
            cpu_request: q(&resources.requests, "cpu"),
            memory_request: q(&resources.requests, "memory"),
            cpu_limit: q(&resources.limits, "cpu"),
            memory_limit: q(&resources.limits, "memory"),
        },
        config: Config {
            env: c
                .env
                .iter()
                .flatten()
                .filter_map(|e| {
                    let value = match (&e.value, &e.value_from) {
                        (_, Some(from)) => match (&from.config_map_key_ref, &from.secret_key_ref) {
                            (Some(r), _) => EnvValue::ConfigMapKey {
                                name: r.name.clone(),
                                key: r.key.clone(),
                            },
                            (_, Some(r)) => EnvValue::SecretKey {
                                name: r.name.clone(),
                                key: r.key.clone(),
                            },
                            _ => return None,
                        },
                        (v, None) => EnvValue::Literal(v.clone().unwrap_or_default()),
                    };
                    Some(EnvVar {
                        name: e.name.clone(),
                        value,
                    })
                })
                .collect(),
            env_from: c
                .env_from
                .iter()
                .flatten()
                .filter_map(|f| match (&f.config_map_ref, &f.secret_ref) {
                    (Some(c), _) => Some(EnvFrom::ConfigMap(c.name.clone())),
                    (_, Some(s)) => Some(EnvFrom::Secret(s.name.clone())),
                    _ => None,
                })
                .collect(),
        },
        security: Security {
            run_as_non_root: psc.run_as_non_root.or(csc.run_as_non_root).unwrap_or(false),
            run_as_user: psc.run_as_user,
            run_as_group: psc.run_as_group,
            fs_group: psc.fs_group,
            read_only_root_fs: csc.read_only_root_filesystem.unwrap_or(false),
            no_privilege_escalation: csc.allow_privilege_escalation == Some(false),
            drop_all_capabilities: csc
                .capabilities
                .as_ref()
                .and_then(|c| c.drop.as_ref())
                .is_some_and(|d| d.iter().any(|x| x == "ALL")),
            seccomp_runtime_default: psc
                .seccomp_profile
                .as_ref()
                .is_some_and(|p| p.type_ == "RuntimeDefault"),
            dedicated_service_account: false,
            automount_token: pod.automount_service_account_token,
        },
        metrics: (annotations.get("prometheus.io/scrape").map(String::as_str) == Some("true"))
            .then(|| Metrics {
                port: annotations
                    .get("prometheus.io/port")
                    .and_then(|p| p.parse().ok())
                    .map_or(PortRef::Name("http".into()), PortRef::Number),
                path: annotations
                    .get("prometheus.io/path")
                    .cloned()
                    .unwrap_or_else(|| "/metrics".into()),
            }),
        ..Service::default()
    };
    if let Some(t) = pod
        .topology_spread_constraints
        .as_ref()
        .and_then(|t| t.first())
    {
        s.scaling.spread = Spread::TopologySpread {
            max_skew: t.max_skew.max(0) as u32,
            topology_key: t.topology_key.clone(),
            hard: t.when_unsatisfiable == "DoNotSchedule",
        };
    } else if let Some(a) = pod
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
    {
        let required = a
            .required_during_scheduling_ignored_during_execution
            .as_ref()
            .and_then(|r| r.first());
        let preferred = a
            .preferred_during_scheduling_ignored_during_execution
            .as_ref()
            .and_then(|p| p.first())
            .map(|w| &w.pod_affinity_term);
        if let Some(term) = required.or(preferred) {
            s.scaling.spread = Spread::AntiAffinity {
                topology_key: term.topology_key.clone(),
                required: required.is_some(),
            };
        }
    }
    more(&mut s);
    s
}

fn add_workload(
    d: &mut Design,
    workloads: &mut Vec<Workload>,
    s: Service,
    template: &core::PodTemplateSpec,
) {
    let id = ServiceId(d.next_id);
    let name = s.name.clone();
    if d.apply(crate::Edit::AddService(Box::new(s))).is_ok() {
        let pod_labels = template
            .metadata
            .as_ref()
            .and_then(|m| m.labels.clone())
            .unwrap_or_default();
        workloads.push(Workload {
            id,
            name,
            pod_labels,
        });
    }
}

fn workload_for<'w>(
    workloads: &'w [Workload],
    selector: Option<&BTreeMap<String, String>>,
) -> Option<&'w Workload> {
    workloads
        .iter()
        .find(|w| labels_match(selector, &w.pod_labels))
}

fn service_port(p: &core::ServicePort) -> ServicePort {
    ServicePort {
        name: p.name.clone().unwrap_or_default(),
        port: u16::try_from(p.port).unwrap_or(0),
        target: p.target_port.as_ref().map_or(
            PortRef::Number(u16::try_from(p.port).unwrap_or(0)),
            port_ref,
        ),
        protocol: match p.protocol.as_deref() {
            Some("UDP") => Protocol::UDP,
            Some("SCTP") => Protocol::SCTP,
            _ => Protocol::TCP,
        },
        app_protocol: p.app_protocol.clone(),
    }
}

/// Remember that the object rendered as `kind`/`rendered` was called `actual` in the input.
fn note_rename(
    renamed: &mut BTreeMap<(String, String), String>,
    kind: &str,
    rendered: String,
    actual: &str,
) {
    if rendered != actual {
        renamed.insert((kind.to_string(), rendered), actual.to_string());
    }
}

/// Attach an object to the design where the model has a place for it.
fn attach(
    d: &mut Design,
    workloads: &[Workload],
    o: &Object,
    renamed: &mut BTreeMap<(String, String), String>,
) -> bool {
    match o {
        Object::Namespace(ns) => {
            let env = &mut d.environments[0];
            env.create_namespace = true;
            let mut labels = ns.metadata.labels.clone().unwrap_or_default();
            labels.remove("app.kubernetes.io/part-of");
            labels.remove("app.kubernetes.io/managed-by");
            env.labels = labels;
            env.annotations = ns.metadata.annotations.clone().unwrap_or_default();
            true
        }
        Object::ConfigMap(cm) => {
            d.config_maps.push(ConfigMapDef {
                name: o.name().into(),
                data: cm.data.clone().unwrap_or_default(),
                residual: None,
            });
            true
        }
        Object::Secret(sec) => {
            let mut keys: Vec<String> = sec.data.iter().flat_map(|m| m.keys().cloned()).collect();
            keys.extend(sec.string_data.iter().flat_map(|m| m.keys().cloned()));
            keys.sort();
            keys.dedup();
            d.secrets.push(SecretDef {
                name: o.name().into(),
                kind: sec.type_.clone().unwrap_or_default(),
                keys,
                residual: None,
            });
            true
        }
        Object::Service(svc) => {
            let spec = svc.spec.clone().unwrap_or_default();
            let Some(w) = workload_for(workloads, spec.selector.as_ref()) else {
                return false;
            };
            let s = d.service_mut(w.id).expect("imported workload");
            let ports: Vec<ServicePort> = spec.ports.iter().flatten().map(service_port).collect();
            let lb = spec.type_.as_deref() == Some("LoadBalancer");
            if lb && s.exposure.load_balancer.is_none() {
                note_rename(renamed, "Service", format!("{}-external", w.name), o.name());
                s.exposure.load_balancer = Some(LoadBalancer {
                    ports,
                    annotations: svc.metadata.annotations.clone().unwrap_or_default(),
                });
                true
            } else if !lb && s.exposure.service == ServiceKind::None {
                note_rename(renamed, "Service", w.name.clone(), o.name());
                s.exposure.service = if spec.cluster_ip.as_deref() == Some("None") {
                    ServiceKind::Headless
                } else {
                    ServiceKind::ClusterIP
                };
                s.exposure.ports = ports;
                true
            } else {
                false
            }
        }
        Object::Ingress(ing) => {
            let spec = ing.spec.clone().unwrap_or_default();
            let rules = spec.rules.clone().unwrap_or_default();
            let [rule] = rules.as_slice() else {
                return false;
            };
            let paths = rule
                .http
                .as_ref()
                .map(|h| h.paths.clone())
                .unwrap_or_default();
            let [path] = paths.as_slice() else {
                return false;
            };
            let Some(backend) = &path.backend.service else {
                return false;
            };
            let service_name = |w: &Workload| {
                renamed
                    .get(&("Service".to_string(), w.name.clone()))
                    .cloned()
                    .unwrap_or_else(|| w.name.clone())
            };
            let Some(w) = workloads.iter().find(|w| service_name(w) == backend.name) else {
                return false;
            };
            if d.service(w.id)
                .is_some_and(|s| s.exposure.ingress.is_some())
            {
                return false;
            }
            note_rename(renamed, "Ingress", w.name.clone(), o.name());
            let port = backend
                .port
                .as_ref()
                .and_then(|p| p.name.clone().or(p.number.map(|n| n.to_string())))
                .unwrap_or_default();
            let s = d.service_mut(w.id).expect("imported workload");
            s.exposure.ingress = Some(IngressRoute {
                host: rule.host.clone().unwrap_or_default(),
                path: path.path.clone().unwrap_or_else(|| "/".into()),
                port,
                tls: spec.tls.as_ref().is_some_and(|t| !t.is_empty()),
            });
            true
        }
        Object::HorizontalPodAutoscaler(h) => {
            let spec = h.spec.clone().unwrap_or_default();
            let Some(w) = workloads
                .iter()
                .find(|w| w.name == spec.scale_target_ref.name)
            else {
                return false;
            };
            if d.service(w.id).is_some_and(|s| s.scaling.hpa.is_some()) {
                return false;
            }
            note_rename(renamed, "HorizontalPodAutoscaler", w.name.clone(), o.name());
            let target = |name: &str| {
                spec.metrics.iter().flatten().find_map(|m| {
                    let r = m.resource.as_ref()?;
                    (r.name == name)
                        .then(|| r.target.average_utilization.map(|u| u.max(0) as u32))
                        .flatten()
                })
            };
            let rules = |r: &Option<k8s_openapi::api::autoscaling::v2::HPAScalingRules>| {
                r.as_ref().map(|r| ScaleRules {
                    stabilization_window_seconds: r
                        .stabilization_window_seconds
                        .map(|w| w.max(0) as u32),
                    policies: r
                        .policies
                        .iter()
                        .flatten()
                        .map(|p| ScalePolicy {
                            kind: if p.type_ == "Percent" {
                                ScalePolicyKind::Percent
                            } else {
                                ScalePolicyKind::Pods
                            },
                            value: p.value.max(0) as u32,
                            period_seconds: p.period_seconds.max(0) as u32,
                        })
                        .collect(),
                })
            };
            let behavior = spec.behavior.clone().unwrap_or_default();
            let s = d.service_mut(w.id).expect("imported workload");
            s.scaling.hpa = Some(Hpa {
                min: spec.min_replicas.map_or(1, |m| m.max(0) as u32),
                max: spec.max_replicas.max(0) as u32,
                cpu_percent: target("cpu"),
                memory_percent: target("memory"),
                scale_up: rules(&behavior.scale_up),
                scale_down: rules(&behavior.scale_down),
            });
            true
        }
        Object::PodDisruptionBudget(p) => {
            let spec = p.spec.clone().unwrap_or_default();
            let Some(w) = workload_for(
                workloads,
                spec.selector.as_ref().and_then(|s| s.match_labels.as_ref()),
            )
            .filter(|w| d.service(w.id).is_some_and(|s| s.scaling.pdb.is_none())) else {
                return false;
            };
            note_rename(renamed, "PodDisruptionBudget", w.name.clone(), o.name());
            let pdb = match (&spec.min_available, &spec.max_unavailable) {
                (Some(m), _) => amount(m).map(Pdb::MinAvailable),
                (None, Some(m)) => amount(m).map(Pdb::MaxUnavailable),
                _ => None,
            };
            let Some(pdb) = pdb else { return false };
            d.service_mut(w.id).expect("imported workload").scaling.pdb = Some(pdb);
            true
        }
        Object::ServiceAccount(sa) => {
            let Some(w) = workloads.iter().find(|w| w.name == o.name()) else {
                return false;
            };
            let s = d.service_mut(w.id).expect("imported workload");
            s.security.dedicated_service_account = true;
            if s.security.automount_token.is_none() {
                s.security.automount_token = sa.automount_service_account_token;
            }
            true
        }
        _ => false,
    }
}

/// Dependency edges a NetworkPolicy expresses: ingress to the pods it selects from the
/// pods another rule selects.
fn edges_from_policy(d: &mut Design, workloads: &[Workload], o: &Object) {
    let Object::NetworkPolicy(np) = o else { return };
    let spec = np.spec.clone().unwrap_or_default();
    let Some(to) = workload_for(
        workloads,
        spec.pod_selector
            .as_ref()
            .and_then(|s| s.match_labels.as_ref()),
    ) else {
        return;
    };
    for rule in spec.ingress.iter().flatten() {
        for peer in rule.from.iter().flatten() {
            if peer.namespace_selector.is_some() || peer.ip_block.is_some() {
                continue;
            }
            let Some(from) = workload_for(
                workloads,
                peer.pod_selector
                    .as_ref()
                    .and_then(|s| s.match_labels.as_ref()),
            ) else {
                continue;
            };
            let target = d.service(to.id).expect("imported workload");
            let port = rule
                .ports
                .iter()
                .flatten()
                .find_map(|p| {
                    let wanted = port_ref(p.port.as_ref()?);
                    target.exposure.ports.iter().find(|sp| {
                        let resolved = target
                            .resolve_port(&sp.target)
                            .map(|c| PortRef::Number(c.port));
                        sp.target == wanted || resolved.as_ref() == Some(&wanted)
                    })
                })
                .map(|sp| sp.name.clone())
                .unwrap_or_default();
            let _ = d.apply(crate::Edit::AddEdge(Edge {
                from: from.id,
                to: to.id,
                port,
            }));
        }
    }
}

/// After building: record, per object, what the input had beyond what the design
/// renders, so that rendering gives the input back.
fn with_residuals(mut import: Import, inputs: &Inputs) -> Import {
    let env = import.design.environments[0].name.clone();
    let rendered = render(&import.design, &env);
    let d = &mut import.design;
    for o in &rendered.objects {
        let key = (o.kind().to_string(), o.name().to_string());
        let input_name = import
            .renamed
            .get(&key)
            .cloned()
            .unwrap_or_else(|| key.1.clone());
        let Some(wanted) = inputs.get(&(key.0.clone(), input_name)) else {
            continue;
        };
        let mut have = o.to_json();
        let mut want = wanted.clone();
        if o.kind() == "Secret" {
            // Values never enter a design: compare without them.
            for v in [&mut have, &mut want] {
                if let Some(m) = v.as_object_mut() {
                    m.remove("data");
                    m.remove("stringData");
                }
            }
        }
        let Some(patch) = crate::patch::diff(&have, &want) else {
            continue;
        };
        match o.kind() {
            "Namespace" => d.environments[0].residual = Some(patch),
            "ConfigMap" => {
                if let Some(cm) = d.config_maps.iter_mut().find(|c| c.name == key.1) {
                    cm.residual = Some(patch);
                }
            }
            "Secret" => {
                if let Some(s) = d.secrets.iter_mut().find(|s| s.name == key.1) {
                    s.residual = Some(patch);
                }
            }
            kind => {
                let role = |s: &Service| match kind {
                    "Deployment" | "StatefulSet" if s.name == key.1 => Some("workload"),
                    "Service" if s.name == key.1 => Some("service"),
                    "Service" if format!("{}-external", s.name) == key.1 => Some("load_balancer"),
                    "Ingress" if s.name == key.1 => Some("ingress"),
                    "HorizontalPodAutoscaler" if s.name == key.1 => Some("hpa"),
                    "PodDisruptionBudget" if s.name == key.1 => Some("pdb"),
                    "ServiceAccount" if s.name == key.1 => Some("service_account"),
                    _ => None,
                };
                if let Some(s) = d.services.iter_mut().find(|s| role(s).is_some()) {
                    let r = role(s).expect("found above");
                    s.residual.insert(r.to_string(), patch);
                }
            }
        }
    }
    import
}

/// Import Kubernetes YAML: the design, with residuals so that rendering it reproduces
/// the input, and a report per document.
pub fn kubernetes(text: &str) -> Import {
    let (import, inputs) = parse_and_build(text);
    with_residuals(import, &inputs)
}
