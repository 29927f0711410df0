//! Prometheus Operator objects of an environment whose monitoring says so
//! (`Monitoring::scraping == Operator`): a ServiceMonitor for a metrics endpoint that a
//! named port of the service's Service reaches, else a PodMonitor of the container port,
//! and a PrometheusRule with the alerts the design implies. Metric names are
//! kube-state-metrics' (`kube_deployment_status_replicas_available`, ...) and the
//! service's own request counter ([`Metrics::requests_metric`]).

use super::network::resolved;
use super::{clamp_i32, has_cluster_service, label_selector, selector_of, Labels, Renderer};
use crate::crd::monitoring as mon;
use crate::model::*;
use crate::naming;
use crate::residual::{Change, Step};
use crate::selector::Selector;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::HashMap;

/// What scrapes a service's metrics endpoint under the operator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Monitor {
    /// A ServiceMonitor of the Service port with this name.
    Service(String),
    /// A PodMonitor of the container port (by name, or by number when it has none).
    Pod(PortRef),
}

/// How the operator scrapes `s`'s metrics endpoint: through the first named port of its
/// Service whose target is the metrics container port, else on the pods directly.
/// A ServiceMonitor selects Services by their labels (the pod selector's, which the
/// design writes on the Service); when what an import kept of the Service takes those
/// labels off, no ServiceMonitor could select it, and the pods are scraped instead.
/// `None` without a metrics endpoint.
pub fn monitor_of(s: &Service) -> Option<Monitor> {
    let m = s.metrics.as_ref()?;
    let container = s.resolve_port(&m.port);
    if has_cluster_service(s) && service_keeps_selector_labels(s) {
        let reaches = |target: &PortRef| match (target, container) {
            (PortRef::Name(n), Some(c)) => *n == c.name && !n.is_empty(),
            (PortRef::Number(n), Some(c)) => *n == c.port,
            (t, None) => *t == m.port,
        };
        if let Some(p) = s
            .exposure
            .ports
            .iter()
            .find(|p| !p.name.is_empty() && reaches(&p.target))
        {
            return Some(Monitor::Service(p.name.clone()));
        }
    }
    Some(Monitor::Pod(match container {
        Some(c) if !c.name.is_empty() => PortRef::Name(c.name.clone()),
        Some(c) => PortRef::Number(c.port),
        None => m.port.clone(),
    }))
}

/// Whether the Service of `s`, as rendered with what its import kept, still carries the
/// labels of the pod selector (which the ServiceMonitor selects it by).
fn service_keeps_selector_labels(s: &Service) -> bool {
    use crate::residual::Step;
    let Some(residual) = s.residual.get(&ResidualRole::Service) else {
        return true;
    };
    let member = |step: &Step, name: &str| matches!(step, Step::Member(m) if m == name);
    selector_of(s).iter().all(|(key, value)| {
        let mut kept = true;
        for c in &residual.0 {
            let labels = match c.at.0.as_slice() {
                [m] if member(m, "metadata") => c
                    .now
                    .as_ref()
                    .map(|n| n.get("labels").cloned().unwrap_or_default()),
                [m, l] if member(m, "metadata") && member(l, "labels") => c.now.clone(),
                [m, l, k] if member(m, "metadata") && member(l, "labels") && member(k, key) => {
                    Some(serde_json::json!({ key: c.now }))
                }
                _ => continue,
            };
            kept = labels.is_some_and(|l| l.get(key).and_then(|v| v.as_str()) == Some(value));
        }
        kept
    })
}

/// Whether `s` runs pods that serve until replaced, which "pods not ready" is about.
fn serves(s: &Service) -> bool {
    !s.kind.runs_to_completion()
}

/// A regular expression of the names of `s`'s pods (for metrics labelled `pod`): a
/// Deployment's or Rollout's `<name>-<hash>-<suffix>`, a StatefulSet's `<name>-<ordinal>`,
/// a DaemonSet's `<name>-<suffix>`.
pub fn pod_names(s: &Service) -> String {
    let name = naming::own(&s.name);
    match s.kind {
        WorkloadKind::StatefulSet => format!("{name}-[0-9]+"),
        WorkloadKind::DaemonSet => format!("{name}-[a-z0-9]{{5}}"),
        _ => format!("{name}-[a-z0-9]+-[a-z0-9]{{5}}"),
    }
}

/// `api-gateway` as `ApiGateway`, for alert names.
fn camel(name: &str) -> String {
    name.split(['-', '.'])
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

impl Renderer<'_> {
    fn monitoring_labels(&self, s: &Service) -> Labels {
        let mut l = self.service_labels(s);
        l.extend(self.env.monitoring.labels.clone());
        l
    }

    fn interval(&self) -> Option<String> {
        let i = self.env.monitoring.interval_seconds;
        (i > 0).then(|| crate::crd::duration(i))
    }

    /// The ServiceMonitor or PodMonitor of `s`'s metrics endpoint.
    pub(super) fn monitor(&self, s: &Service) -> Option<super::Object> {
        let m = s.metrics.as_ref()?;
        let meta = self.meta(naming::own(&s.name), self.monitoring_labels(s));
        Some(match monitor_of(s)? {
            Monitor::Service(port) => super::Object::ServiceMonitor(mon::ServiceMonitor {
                metadata: meta,
                spec: mon::ServiceMonitorSpec {
                    selector: LabelSelector {
                        match_labels: Some(selector_of(s)),
                        ..Default::default()
                    },
                    endpoints: vec![mon::Endpoint {
                        port: Some(port),
                        path: Some(m.path.clone()),
                        interval: self.interval(),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                ..Default::default()
            }),
            Monitor::Pod(port) => super::Object::PodMonitor(mon::PodMonitor {
                metadata: meta,
                spec: mon::PodMonitorSpec {
                    selector: label_selector(s),
                    pod_metrics_endpoints: vec![mon::PodMetricsEndpoint {
                        port: match &port {
                            PortRef::Name(n) => Some(n.clone()),
                            PortRef::Number(_) => None,
                        },
                        port_number: match port {
                            PortRef::Number(n) => Some(i32::from(n)),
                            PortRef::Name(_) => None,
                        },
                        path: Some(m.path.clone()),
                        interval: self.interval(),
                        ..Default::default()
                    }],
                    ..Default::default()
                },
                ..Default::default()
            }),
        })
    }

    /// The PrometheusRule of `s`: the alerts its design implies.
    pub(super) fn alerts(&self, s: &Service) -> Option<mon::PrometheusRule> {
        if !serves(s) || !self.env.monitoring.alerts {
            return None;
        }
        let ns = &self.env.namespace;
        let name = naming::own(&s.name);
        let camel = camel(name);
        let severity = if s.critical { "critical" } else { "warning" };
        let rule =
            |alert: &str, expr: String, for_: &str, severity: &str, summary: String| mon::Rule {
                alert: Some(format!("{camel}{alert}")),
                expr: IntOrString::String(expr),
                for_: Some(for_.into()),
                labels: Some(
                    [
                        ("severity".to_string(), severity.to_string()),
                        ("service".to_string(), name.to_string()),
                    ]
                    .into(),
                ),
                annotations: Some([("summary".to_string(), summary)].into()),
                other: Default::default(),
            };
        let of = |metric: &str, label: &str| {
            format!("{metric}{{namespace=\"{ns}\", {label}=\"{name}\"}}")
        };
        let not_ready = match s.kind {
            _ if s.is_canary() => {
                // kube-state-metrics has no Rollout metrics: the Rollout's ReplicaSets
                // (`<name>-<pod-template-hash>`, stable and canary) have them.
                let sets = format!("namespace=\"{ns}\", replicaset=~\"{name}-[a-z0-9]+\"");
                format!(
                    "sum(kube_replicaset_status_ready_replicas{{{sets}}})\n  < sum(kube_replicaset_spec_replicas{{{sets}}})"
                )
            }
            WorkloadKind::StatefulSet => format!(
                "{}\n  < {}",
                of("kube_statefulset_status_replicas_ready", "statefulset"),
                of("kube_statefulset_replicas", "statefulset")
            ),
            WorkloadKind::DaemonSet => format!(
                "{}\n  < {}",
                of("kube_daemonset_status_number_ready", "daemonset"),
                of(
                    "kube_daemonset_status_desired_number_scheduled",
                    "daemonset"
                )
            ),
            _ => format!(
                "{}\n  < {}",
                of("kube_deployment_status_replicas_available", "deployment"),
                of("kube_deployment_spec_replicas", "deployment")
            ),
        };
        let mut rules = vec![rule(
            "PodsNotReady",
            not_ready,
            "10m",
            severity,
            format!("Fewer pods of {name} are ready than it should run, for 10 minutes."),
        )];
        if let Some(m) = &s.metrics {
            let percent = s
                .delivery
                .analysis
                .as_ref()
                .map_or(crate::domain::ERROR_RATE_ALERT_PERCENT, |a| {
                    a.max_error_percent
                });
            let pods = format!("namespace=\"{ns}\", pod=~\"{}\"", pod_names(s));
            let (metric, label) = (&m.requests_metric, &m.status_label);
            rules.push(rule(
                "HighErrorRate",
                format!(
                    "sum(rate({metric}{{{pods}, {label}=~\"5..\"}}[5m]))\n  / sum(rate({metric}{{{pods}}}[5m]))\n  > {}",
                    f64::from(percent) / 100.0
                ),
                "5m",
                severity,
                format!("More than {percent}% of the requests to {name} answer 5xx, for 5 minutes."),
            ));
        }
        if let Some(h) = s.scaling.hpa.as_ref().filter(|_| s.kind.has_replicas()) {
            let hpa = |metric: &str| of(metric, "horizontalpodautoscaler");
            rules.push(rule(
                "AtMaxReplicas",
                format!(
                    "{}\n  >= {}",
                    hpa("kube_horizontalpodautoscaler_status_current_replicas"),
                    hpa("kube_horizontalpodautoscaler_spec_max_replicas")
                ),
                "15m",
                "warning",
                format!("The HPA of {name} has run at its maximum of {} replicas for 15 minutes: it cannot scale further.", clamp_i32(h.max)),
            ));
        }
        if s.scaling.pdb.is_some() && s.kind.has_replicas() {
            rules.push(rule(
                "NoDisruptionsAllowed",
                format!(
                    "{} == 0",
                    of("kube_poddisruptionbudget_status_pod_disruptions_allowed", "poddisruptionbudget")
                ),
                "30m",
                "warning",
                format!("The PodDisruptionBudget of {name} has allowed no eviction for 30 minutes: node drains block."),
            ));
        }
        let meta = self.meta(name, self.monitoring_labels(s));
        Some(mon::PrometheusRule {
            metadata: meta,
            spec: mon::PrometheusRuleSpec {
                groups: vec![mon::RuleGroup {
                    name: name.to_string(),
                    rules,
                    ..Default::default()
                }],
                ..Default::default()
            },
            ..Default::default()
        })
    }
}

/// What the monitors kept whole from an import scrape, by the deployed service whose
/// pods they reach: the pods' ports, as an allow policy lets Prometheus in on them.
/// Only under the operator, which is what reads them (KP353 says so otherwise).
///
/// A ServiceMonitor picks Services by label in its namespace, or in those its
/// `namespaceSelector` names, and scrapes each endpoint's `port` (a Service port's name)
/// or `targetPort` (the pods'); a PodMonitor picks pods and scrapes `port` (a container
/// port's name), `portNumber` or `targetPort`. An endpoint naming none scrapes every
/// port. Labels are the rendered ones, with what the import kept of them.
pub(super) type Scrapes = HashMap<ServiceId, Vec<(PortRef, Protocol)>>;

impl Renderer<'_> {
    pub(super) fn kept_scrapes(&self, services: &[Service]) -> Scrapes {
        let mut out = Scrapes::new();
        if self.env.monitoring.scraping != Scraping::Operator {
            return out;
        }
        let here = self.env.namespace.as_str();
        let design = self.design;
        let monitors = (design.kept_in(self.env).map(|k| (k, here))).chain(
            design
                .pinned_objects
                .iter()
                .map(|k| (k, k.namespace().unwrap_or(here))),
        );
        for (k, ns) in monitors {
            let pods = match k.kind() {
                "ServiceMonitor" => false,
                "PodMonitor" => true,
                _ => continue,
            };
            let spec = k.spec();
            if !k.api_version().starts_with("monitoring.coreos.com/")
                || !watches(&spec["namespaceSelector"], ns, here)
            {
                continue;
            }
            let Some(selector) = Selector::from_json(&spec["selector"]) else {
                continue;
            };
            for s in services {
                let ports = if pods {
                    let labels = kept_labels(
                        self.service_labels(s),
                        s.residual.get(&ResidualRole::Workload),
                        pod_labels_at(s),
                    );
                    if selector.selects(&labels) {
                        pod_endpoints(s, &spec["podMetricsEndpoints"])
                    } else {
                        Vec::new()
                    }
                } else {
                    self.service_endpoints(s, &selector, &spec["endpoints"])
                };
                let into = out.entry(s.id).or_default();
                for p in ports {
                    if !into.contains(&p) {
                        into.push(p);
                    }
                }
            }
        }
        out.retain(|_, ports| !ports.is_empty());
        out
    }

    /// The pods' ports that `endpoints` of a ServiceMonitor with `selector` scrape
    /// through `s`'s Services (its own and its load balancer).
    fn service_endpoints(
        &self,
        s: &Service,
        selector: &Selector,
        endpoints: &serde_json::Value,
    ) -> Vec<(PortRef, Protocol)> {
        let own = has_cluster_service(s).then_some((&s.exposure.ports, ResidualRole::Service));
        let lb =
            (s.exposure.load_balancer.as_ref()).map(|lb| (&lb.ports, ResidualRole::LoadBalancer));
        let mut out = Vec::new();
        for (ports, role) in own.into_iter().chain(lb) {
            let labels = kept_labels(
                self.service_meta(s, "").labels.unwrap_or_default(),
                s.residual.get(&role),
                &["metadata", "labels"],
            );
            if !selector.selects(&labels) {
                continue;
            }
            let all = || ports.iter().map(|p| (resolved(s, &p.target), p.protocol));
            for ep in endpoints.as_array().into_iter().flatten() {
                if let Some(name) = ep["port"].as_str() {
                    let p = ports.iter().find(|p| p.name == name);
                    out.extend(p.map(|p| (resolved(s, &p.target), p.protocol)));
                } else if let Some(target) = port_ref_of(&ep["targetPort"]) {
                    out.push((resolved(s, &target), Protocol::TCP));
                } else {
                    out.extend(all());
                }
            }
        }
        out
    }
}

/// The pods' ports a PodMonitor's `endpoints` scrape on `s`.
fn pod_endpoints(s: &Service, endpoints: &serde_json::Value) -> Vec<(PortRef, Protocol)> {
    let mut out = Vec::new();
    for ep in endpoints.as_array().into_iter().flatten() {
        let port = (ep["port"].as_str().map(|n| PortRef::Name(n.into())))
            .or_else(|| port_ref_of(&ep["portNumber"]))
            .or_else(|| port_ref_of(&ep["targetPort"]));
        match port {
            Some(p) => out.push((resolved(s, &p), Protocol::TCP)),
            None => out.extend(
                s.ports
                    .iter()
                    .map(|p| (PortRef::Number(p.port), p.protocol)),
            ),
        }
    }
    out
}

/// A port written as a number or a name (`IntOrString`).
fn port_ref_of(v: &serde_json::Value) -> Option<PortRef> {
    match v {
        serde_json::Value::String(n) if !n.is_empty() => Some(PortRef::Name(n.clone())),
        v => v
            .as_u64()
            .and_then(|n| u16::try_from(n).ok())
            .map(PortRef::Number),
    }
}

/// Whether a monitor in namespace `ns` with this `namespaceSelector` looks into `here`:
/// `any`, the names it lists, else its own namespace.
pub(crate) fn watches(selector: &serde_json::Value, ns: &str, here: &str) -> bool {
    if selector["any"].as_bool() == Some(true) {
        return true;
    }
    match selector["matchNames"].as_array() {
        Some(names) if !names.is_empty() => names.iter().any(|n| n.as_str() == Some(here)),
        _ => ns == here,
    }
}

/// Where a workload of `s`'s kind keeps its pods' labels.
fn pod_labels_at(s: &Service) -> &'static [&'static str] {
    match s.kind {
        WorkloadKind::CronJob => &[
            "spec",
            "jobTemplate",
            "spec",
            "template",
            "metadata",
            "labels",
        ],
        _ => &["spec", "template", "metadata", "labels"],
    }
}

/// The labels the design renders at `at` (`base`), with what the residual kept of them.
fn kept_labels(base: Labels, residual: Option<&Residual>, at: &[&str]) -> Labels {
    let Some(residual) = residual else {
        return base;
    };
    let on_path = |c: &&Change| {
        c.at.0
            .iter()
            .zip(at)
            .all(|(step, name)| matches!(step, Step::Member(m) if m == name))
    };
    let changes: Vec<Change> = residual.0.iter().filter(on_path).cloned().collect();
    if changes.is_empty() {
        return base;
    }
    let mut v = serde_json::to_value(base).expect("labels serialize");
    for name in at.iter().rev() {
        v = serde_json::json!({ *name: v });
    }
    Residual(changes).apply(&mut v);
    let mut labels = &v;
    for name in at {
        labels = &labels[*name];
    }
    serde_json::from_value(labels.clone()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alert_names_are_camel_case() {
        assert_eq!(camel("api-gateway"), "ApiGateway");
        assert_eq!(camel("web"), "Web");
    }
}
