//! A canary's AnalysisTemplate, and Prometheus Operator monitors and rules in: each
//! attaches to the service it is about, beside the render module of the same kinds
//! (`render/monitoring.rs`; the AnalysisTemplate is rendered in `render/workload.rs`).
//!
//! The environment's monitoring is one choice for all its services, so monitors are
//! modelled all together or not at all: the environment becomes the operator's only
//! when no service is scraped through annotations and every monitor maps onto a
//! service's metrics endpoint as render would write it (a ServiceMonitor where a named
//! Service port reaches the metrics port, else a PodMonitor); its alerts are modelled
//! only when every serving service has its PrometheusRule (named like it). Otherwise
//! they are kept whole, so that import then render stays exact.

use super::{note_rename, Renamed, Workload, Workloads};
use crate::crd::monitoring as mon;
use crate::crd::rollouts;
use crate::model::*;
use crate::naming;
use crate::order::Collect;
use crate::render::{monitor_of, Monitor, Object};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use std::collections::BTreeMap;

/// An AnalysisTemplate that a modelled Rollout names first becomes its service's
/// analysis: interval, count, failure limit and thresholds of its metrics (the metric
/// named `error-rate`, else the first). Queries and the rest stay residual.
pub(super) fn analysis_template(
    d: &mut Design,
    workloads: &[Workload],
    renamed: &mut Renamed,
    name: &str,
    t: &rollouts::AnalysisTemplate,
) -> bool {
    let Some(w) = workloads
        .iter()
        .find(|w| w.analysis_templates.first().map(String::as_str) == Some(name))
    else {
        return false;
    };
    let Some(s) = d.service_mut(w.id) else {
        return false;
    };
    let Some(a) = s.delivery.analysis.as_mut() else {
        return false;
    };
    let metrics = t.spec.metrics.as_deref().unwrap_or_default();
    let main = metrics
        .iter()
        .find(|m| m.name == "error-rate")
        .or(metrics.first());
    if let Some(m) = main {
        if let Some(i) = m.interval.as_deref().and_then(crate::crd::seconds) {
            a.interval_seconds = i;
        }
        let int = |v: &Option<IntOrString>| match v {
            Some(IntOrString::Int(n)) => u32::try_from(*n).ok(),
            Some(IntOrString::String(t)) => t.parse().ok(),
            None => None,
        };
        a.count = int(&m.count).unwrap_or(1);
        a.failure_limit = int(&m.failure_limit).unwrap_or(0);
    }
    for m in metrics {
        let threshold = |op: &str| {
            m.success_condition
                .as_deref()
                .and_then(|c| c.strip_prefix("result[0] "))
                .and_then(|c| c.strip_prefix(op))
                .and_then(|v| v.trim().parse::<f64>().ok())
                .map(|f| (f * 100.0).round().clamp(0.0, 100.0) as u32)
        };
        match m.name.as_str() {
            "error-rate" => a.max_error_percent = threshold("<=").unwrap_or(a.max_error_percent),
            "ready" => a.min_ready_percent = threshold(">=").unwrap_or(a.min_ready_percent),
            _ => {}
        }
    }
    note_rename(
        renamed,
        "AnalysisTemplate",
        naming::analysis_template(&w.name),
        name,
    );
    true
}

/// What a monitor says about its environment: its labels beyond the service's own
/// (what the Prometheus resource selects it by) and its scrape interval.
type EnvSettings = (BTreeMap<String, String>, u32);

/// Attach the input's monitors and rules where the environment's monitoring can be the
/// operator's (see the module's doc); give back the ones kept whole.
pub(super) fn attach(
    d: &mut Design,
    workloads: &Workloads,
    objects: Vec<(usize, Object)>,
    renamed: &mut Renamed,
) -> Vec<(usize, Object)> {
    if objects.is_empty() {
        return objects;
    }
    let annotated = d.services.iter().any(|s| s.metrics.is_some());
    let mut trial = d.clone();
    let mut trial_renamed = Renamed::new();
    let mut monitored: Vec<ServiceId> = Vec::new();
    let mut settings: Option<EnvSettings> = None;
    let mut rules = Vec::new();
    let mut kept = Vec::new();
    for (i, o) in objects {
        let done = match &o {
            Object::ServiceMonitor(m) if !annotated => {
                service_monitor(&mut trial, workloads, &monitored, &mut trial_renamed, m)
            }
            Object::PodMonitor(m) if !annotated => {
                pod_monitor(&mut trial, workloads, &monitored, &mut trial_renamed, m)
            }
            Object::PrometheusRule(_) => {
                rules.push((i, o));
                continue;
            }
            _ => None,
        };
        match done {
            Some((id, found)) => {
                monitored.push(id);
                settings.get_or_insert(found);
            }
            None => kept.push((i, o)),
        }
    }
    // Alerts: every serving service has its PrometheusRule, named like it.
    let serves = |s: &Service| !s.kind.runs_to_completion();
    let rule_names: std::collections::HashSet<&str> = rules.iter().map(|(_, o)| o.name()).collect();
    let has_rule = |s: &Service| rule_names.contains(naming::own(&s.name));
    let alerts = !annotated
        && trial.services.iter().any(serves)
        && trial.services.iter().filter(|s| serves(s)).all(has_rule);
    if monitored.is_empty() && !alerts {
        kept.extend(rules);
        // Monitors kept whole still say that the operator scrapes this environment, and
        // with which labels its Prometheus selects them.
        let monitors: Vec<serde_json::Value> = (kept.iter().map(|(_, o)| o.to_json()))
            .chain(d.pinned_objects.iter().map(|k| k.0.clone()))
            .filter(|v| {
                v["apiVersion"]
                    .as_str()
                    .is_some_and(|a| a.starts_with("monitoring.coreos.com/"))
            })
            .collect();
        if !annotated && !monitors.is_empty() {
            let m = &mut d.environments[0].monitoring;
            m.scraping = Scraping::Operator;
            m.alerts = false;
            let meta = (monitors.iter())
                .find(|v| v["kind"] != "PrometheusRule")
                .and_then(|v| serde_json::from_value(v["metadata"].clone()).ok());
            if let Some(meta) = meta {
                m.labels = env_settings(&meta, None).0;
            }
        }
        return kept;
    }
    *d = trial;
    renamed.extend(trial_renamed);
    let m = &mut d.environments[0].monitoring;
    m.scraping = Scraping::Operator;
    m.alerts = alerts;
    if let Some((labels, interval)) = settings {
        m.labels = labels;
        m.interval_seconds = interval;
    }
    for (i, o) in rules {
        if !alerts {
            kept.push((i, o));
        } else if let Object::PrometheusRule(r) = &o {
            critical_from_alerts(d, r);
        }
    }
    kept
}

/// A service is critical when its PrometheusRule pages for pods not ready: render writes
/// that alert's severity `critical` for critical services, `warning` for the others.
fn critical_from_alerts(d: &mut Design, r: &mon::PrometheusRule) {
    let name = r.metadata.name.as_deref().unwrap_or_default();
    let Some(s) = d.services.iter_mut().find(|s| naming::own(&s.name) == name) else {
        return;
    };
    let not_ready = r
        .spec
        .groups
        .iter()
        .flat_map(|g| &g.rules)
        .find(|rule| (rule.alert.as_deref()).is_some_and(|a| a.ends_with("PodsNotReady")));
    if let Some(rule) = not_ready {
        let severity = rule.labels.as_ref().and_then(|l| l.get("severity"));
        s.critical = severity.is_some_and(|v| v == "critical");
    }
}

/// The labels of a monitor that are not a service's own (`app.kubernetes.io/*`), and its
/// interval (0 for Prometheus' own).
fn env_settings(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
    interval: Option<&str>,
) -> EnvSettings {
    let labels = meta
        .labels
        .iter()
        .flatten()
        .filter(|(k, _)| !k.starts_with("app.kubernetes.io/"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .to_map();
    (labels, interval.and_then(crate::crd::seconds).unwrap_or(0))
}

/// A ServiceMonitor of one endpoint on a named port of a service's Service: the
/// service's metrics endpoint is that port's target and the endpoint's path.
fn service_monitor(
    d: &mut Design,
    workloads: &Workloads,
    taken: &[ServiceId],
    renamed: &mut Renamed,
    m: &mon::ServiceMonitor,
) -> Option<(ServiceId, EnvSettings)> {
    let [endpoint] = m.spec.endpoints.as_slice() else {
        return None;
    };
    let port = endpoint.port.as_deref()?;
    let w = workloads.selected_by(m.spec.selector.match_labels.as_ref())?;
    if taken.contains(&w.id) {
        return None;
    }
    let s = d.service_mut(w.id)?;
    let target = s
        .exposure
        .ports
        .iter()
        .find(|p| p.name == port)
        .filter(|_| s.exposure.service != ServiceKind::None)?
        .target
        .clone();
    let path = endpoint.path.clone().unwrap_or_else(|| "/metrics".into());
    s.metrics = Some(Metrics::new(target, path));
    if monitor_of(s) != Some(Monitor::Service(port.to_string())) {
        s.metrics = None;
        return None;
    }
    note_rename(
        renamed,
        "ServiceMonitor",
        naming::own(&w.name).into(),
        m.metadata.name.as_deref().unwrap_or_default(),
    );
    Some((
        w.id,
        env_settings(&m.metadata, endpoint.interval.as_deref()),
    ))
}

/// A PodMonitor of one endpoint on a container port of a workload's pods, where render
/// would write a PodMonitor too (no named Service port reaches that port).
fn pod_monitor(
    d: &mut Design,
    workloads: &Workloads,
    taken: &[ServiceId],
    renamed: &mut Renamed,
    m: &mon::PodMonitor,
) -> Option<(ServiceId, EnvSettings)> {
    let [endpoint] = m.spec.pod_metrics_endpoints.as_slice() else {
        return None;
    };
    let port = match (&endpoint.port, endpoint.port_number) {
        (Some(name), None) => PortRef::Name(name.clone()),
        (None, Some(n)) => PortRef::Number(u16::try_from(n).ok()?),
        _ => return None,
    };
    let w = workloads.selected_by(m.spec.selector.match_labels.as_ref())?;
    if taken.contains(&w.id) {
        return None;
    }
    let s = d.service_mut(w.id)?;
    let path = endpoint.path.clone().unwrap_or_else(|| "/metrics".into());
    s.metrics = Some(Metrics::new(port.clone(), path));
    if monitor_of(s) != Some(Monitor::Pod(port)) {
        s.metrics = None;
        return None;
    }
    note_rename(
        renamed,
        "PodMonitor",
        naming::own(&w.name).into(),
        m.metadata.name.as_deref().unwrap_or_default(),
    );
    Some((
        w.id,
        env_settings(&m.metadata, endpoint.interval.as_deref()),
    ))
}
