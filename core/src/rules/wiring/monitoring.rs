//! Monitoring wiring (KP350-KP354): what a canary's analysis reads is scraped, the
//! metrics port exists, a ServiceMonitor names a port its Services have, monitoring
//! objects go where the operator runs, and default-deny lets Prometheus in.

use super::super::catalog::*;
use super::super::context::{set_fix, svc, Ctx};
use super::super::rendered::{items, labels_of, str_at, Owner};
use crate::edit::FieldPath;
use crate::model::*;
use crate::selector::Selector;
use serde_json::json;

/// KP350 and KP351 for one deployed (effective) service.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    if s.is_canary() && s.delivery.analysis.is_some() && s.metrics.is_none() {
        let fix = (!s.ports.is_empty())
            .then(|| {
                set_fix(
                    "Add a metrics endpoint (/metrics)".into(),
                    svc(s, "/metrics"),
                    serde_json::to_value(crate::presets::metrics(s)).expect("metrics serialize"),
                )
            })
            .flatten();
        cx.report(
            &ANALYSIS_METRIC_NOT_EXPOSED,
            Some(s),
            svc(s, "/metrics"),
            format!(
                "the canary analysis measures the 5xx share of `{}`'s requests, but it has no metrics endpoint: the query finds nothing, reads 0 and never fails",
                s.name
            ),
        )
        .fix = fix;
    }
    if let Some(m) = &s.metrics {
        if s.resolve_port(&m.port).is_none() {
            let fix = s.ports.first().and_then(|p| {
                let to = if p.name.is_empty() {
                    json!(p.port)
                } else {
                    json!(p.name)
                };
                set_fix(
                    format!(
                        "Scrape port {}",
                        if p.name.is_empty() {
                            p.port.to_string()
                        } else {
                            p.name.clone()
                        }
                    ),
                    svc(s, "/metrics/port"),
                    to,
                )
            });
            cx.report(
                &METRICS_PORT_UNKNOWN,
                Some(s),
                svc(s, "/metrics/port"),
                format!("the metrics endpoint is on port {}, which the container does not declare: Prometheus scrapes nothing", m.port),
            )
            .fix = fix;
        }
    }
}

/// KP354: under default-deny, Prometheus reaches the metrics ports only from the
/// monitoring namespace the design names (see `render::network`).
fn scrapes_let_in(cx: &mut Ctx, deployed: &[Service]) {
    let named = cx
        .design
        .cluster
        .monitoring_namespace
        .as_deref()
        .is_some_and(|ns| !ns.trim().is_empty());
    if !cx.env.default_deny || named {
        return;
    }
    let kept = crate::render::kept_scrapes(cx.design, cx.env, deployed);
    let scraped: Vec<String> = deployed
        .iter()
        .filter(|s| s.metrics.is_some() || kept.contains_key(&s.id))
        .map(|s| format!("`{}`", s.name))
        .collect();
    let Some(first) = scraped.first() else {
        return;
    };
    let what = match scraped.len() {
        1 => format!("{first}'s metrics are"),
        n => format!("the metrics of {first} and {} more are", n - 1),
    };
    let path = FieldPath::design("/cluster/monitoring_namespace");
    let fix = set_fix(
        "Let Prometheus in from `monitoring`".into(),
        path.clone(),
        json!("monitoring"),
    );
    cx.report(
        &SCRAPE_BLOCKED_BY_DEFAULT_DENY,
        None,
        path,
        format!("default-deny is on and the design names no monitoring namespace: no NetworkPolicy lets Prometheus in, so {what} never scraped"),
    )
    .fix = fix;
}

/// KP352 to KP354 over the environment's rendered objects (which hold monitoring
/// objects only when the design keeps something from an import or the environment's
/// monitoring is the operator's; the model's own monitors name ports by construction).
pub(super) fn environment(cx: &mut Ctx, deployed: &[Service]) {
    scrapes_let_in(cx, deployed);
    let ix = cx.rendered;
    let mut found = Vec::new();
    let operator = cx.env.monitoring.scraping == Scraping::Operator;
    for e in &ix.objects {
        let kept = matches!(e.owner, Owner::Kept { .. });
        let monitoring = matches!(
            e.kind.as_str(),
            "ServiceMonitor" | "PodMonitor" | "PrometheusRule"
        );
        if kept && monitoring && !operator {
            found.push((
                &MONITORING_WITHOUT_OPERATOR,
                FieldPath::environment(&cx.env.name, "/monitoring/scraping"),
                format!(
                    "{} `{}` is kept from the import, but this environment's monitoring is pod annotations: without the Prometheus Operator nothing reads it, and without its CRD it does not apply",
                    e.kind, e.name
                ),
            ));
        }
        if e.kind != "ServiceMonitor" {
            continue;
        }
        // The Services it selects in the namespaces it watches (see `render::watches`).
        let ns = e.namespace.clone().unwrap_or_default();
        let watched = &e.json["spec"]["namespaceSelector"];
        let selector = Selector::from_json(&e.json["spec"]["selector"]);
        let services: Vec<_> = ix
            .objects
            .iter()
            .filter(|o| {
                o.kind == "Service"
                    && crate::render::watches(watched, &ns, o.namespace.as_deref().unwrap_or(&ns))
            })
            .filter(|o| {
                let labels = labels_of(&o.json["metadata"]["labels"]);
                selector.as_ref().is_some_and(|s| s.selects(&labels))
            })
            .collect();
        let path = ix.path(cx.design, e, "/spec/endpoints");
        if services.is_empty() {
            let names: Vec<&str> = (watched["matchNames"].as_array().into_iter().flatten())
                .filter_map(|n| n.as_str())
                .collect();
            let where_ = if watched["any"].as_bool() == Some(true) {
                "any namespace".to_string()
            } else if names.is_empty() {
                format!("`{ns}`")
            } else {
                format!("`{}`", names.join("`, `"))
            };
            found.push((
                &MONITOR_PORT_MISSING,
                path,
                format!(
                    "ServiceMonitor `{}` selects no Service in {where_}: it scrapes nothing",
                    e.name
                ),
            ));
            continue;
        }
        for (i, ep) in items(&e.json["spec"]["endpoints"]) {
            let Some(port) = str_at(ep, "/port") else {
                continue;
            };
            let has = services.iter().any(|o| {
                items(&o.json["spec"]["ports"]).any(|(_, p)| p["name"].as_str() == Some(port))
            });
            if !has {
                let names: Vec<&str> = services.iter().map(|o| o.name.as_str()).collect();
                found.push((
                    &MONITOR_PORT_MISSING,
                    ix.path(cx.design, e, &format!("/spec/endpoints/{i}/port")),
                    format!(
                        "ServiceMonitor `{}` scrapes port `{port}`, which Service{} `{}` {} not have by that name: nothing is scraped",
                        e.name,
                        if names.len() == 1 { "" } else { "s" },
                        names.join("`, `"),
                        if names.len() == 1 { "does" } else { "do" },
                    ),
                ));
            }
        }
    }
    for (rule, path, message) in found {
        let fix = (rule.code == MONITORING_WITHOUT_OPERATOR.code)
            .then(|| {
                set_fix(
                    "Use the Prometheus Operator here".into(),
                    path.clone(),
                    json!("operator"),
                )
            })
            .flatten();
        cx.report(rule, None, path, message).fix = fix;
    }
}
