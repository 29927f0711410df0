//! Resource rules (KP5xx): quantities parse, requests stay within limits, and requests
//! and a memory limit are set. Fixtures: `core/tests/rules/resources.rs`.

use super::catalog::*;
use super::context::{batch_fix, set, set_fix, svc, Ctx, OverridableField as OF};
use super::{pod_qos_class, Severity};
use crate::edit::pointer_token;
use crate::model::*;
use crate::quantity;
use crate::FieldPath;
use serde_json::json;
use std::collections::BTreeMap;

/// Bytes in a mebibyte: memory under it is a unit left out.
const MEBIBYTE: f64 = 1_048_576.0;

/// Every resource check of one deployed (effective) service: its main container's, then
/// every other container's (init containers and sidecars included: their requests count
/// in scheduling, and an unlimited one can exhaust the node like the main one).
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    container(cx, s, &s.resources, None);
    for (i, c) in s.containers.iter().enumerate() {
        container(cx, s, &c.resources, Some((i, c.name.as_str())));
    }
}

/// The resource checks of one container: the main one (`which` is `None`, its fields may
/// be overridden per environment) or extra container `which = (index, name)`.
fn container(cx: &mut Ctx, s: &Service, r: &Resources, which: Option<(usize, &str)>) {
    // Where a field is, and how the message names the container.
    let at = |cx: &Ctx, name: &'static str| match which {
        None => cx.overridable(s, OF::Resource(name)),
        Some((i, _)) => svc(s, &format!("/containers/{i}/resources/{name}")),
    };
    let who = match which {
        None => String::new(),
        Some((_, name)) => format!("container `{name}`: "),
    };
    let fields = [
        ("cpu_request", &r.cpu_request),
        ("memory_request", &r.memory_request),
        ("cpu_limit", &r.cpu_limit),
        ("memory_limit", &r.memory_limit),
    ];
    let mut valid = BTreeMap::new();
    for (name, value) in fields {
        let Some(v) = value else { continue };
        let why = match quantity::parse(v) {
            Some(q) if q >= 0.0 => {
                valid.insert(name, q);
                continue;
            }
            // A quantity, but the API server takes no request or limit below 0.
            Some(_) => "is negative: a request or limit is 0 or more",
            None => "is not a Kubernetes quantity (e.g. 500m, 1, 512Mi, 1Gi)",
        };
        let path = at(cx, name);
        let message = format!("{who}{} `{v}` {why}", name.replace('_', " "));
        cx.report(&INVALID_QUANTITY, Some(s), path, message);
    }
    for (i, v) in s.storage.iter().enumerate().filter(|_| which.is_none()) {
        let size = quantity::parse(&v.size);
        if size.is_none_or(|q| q < 0.0) {
            // The size this environment gives the claim, or the service's.
            let own =
                (cx.env.overrides.get(&s.id)).is_some_and(|o| o.storage.contains_key(&v.name));
            let path = match own {
                true => FieldPath::environment(
                    &cx.env.name,
                    &format!("/overrides/{}/storage/{}", s.id.0, pointer_token(&v.name)),
                ),
                false => svc(s, &format!("/storage/{i}/size")),
            };
            cx.report(
                &INVALID_QUANTITY,
                Some(s),
                path,
                match size {
                    Some(_) => format!("volume `{}` size `{}` is negative", v.name, v.size),
                    None => format!(
                        "volume `{}` size `{}` is not a Kubernetes quantity (e.g. 10Gi)",
                        v.name, v.size
                    ),
                },
            );
        }
    }
    // Memory under 1Mi is bytes: a unit left out (`512`) or millibytes (`400m`).
    let mut in_bytes = Vec::new();
    for (name, value) in [
        ("memory_request", &r.memory_request),
        ("memory_limit", &r.memory_limit),
    ] {
        let (Some(v), Some(&q)) = (value, valid.get(name)) else {
            continue;
        };
        if q == 0.0 || q >= MEBIBYTE {
            continue;
        }
        in_bytes.push(name);
        let path = at(cx, name);
        let number = v.trim().trim_end_matches('m');
        let meant = format!("{number}Mi");
        let meant_bytes = quantity::parse(&meant).filter(|&m| m >= MEBIBYTE);
        // A request meant as more than its limit takes the limit along (KP502): to the
        // limit meant as mebibytes too where it is also bytes (`128` and `256`), else
        // to the request.
        let limit = (name == "memory_request")
            .then(|| {
                r.memory_limit
                    .as_deref()
                    .zip(valid.get("memory_limit").copied())
            })
            .flatten();
        let limit_fix = match (limit, meant_bytes) {
            (Some((text, l)), Some(m)) if l < MEBIBYTE && l > 0.0 => {
                let limit_meant = format!("{}Mi", text.trim().trim_end_matches('m'));
                let lm = quantity::parse(&limit_meant).unwrap_or(0.0);
                Some(if lm >= m { limit_meant } else { meant.clone() })
            }
            (Some((_, l)), Some(m)) if l < m => Some(meant.clone()),
            _ => None,
        };
        let fix = match (meant_bytes, limit_fix) {
            (None, _) => None,
            (Some(_), None) => set_fix(format!("Use {meant}"), path.clone(), json!(meant)),
            (Some(_), Some(limit)) => batch_fix(
                format!("Use {meant}, and limit memory to {limit}"),
                vec![
                    set(path.clone(), json!(meant)),
                    set(at(cx, "memory_limit"), json!(limit)),
                ],
            ),
        };
        cx.report(
            &MEMORY_IN_BYTES,
            Some(s),
            path,
            format!(
                "{who}{} `{v}` is {}: no container runs on that; meant {meant}?",
                name.replace('_', " "),
                match q {
                    q if q < 1.0 => format!("{q} bytes, less than one"),
                    q => format!("{q} bytes"),
                }
            ),
        )
        .fix = fix;
    }
    for (res, req, lim) in [
        ("cpu", "cpu_request", "cpu_limit"),
        ("memory", "memory_request", "memory_limit"),
    ] {
        if let (Some(&q), Some(&l)) = (valid.get(req), valid.get(lim)) {
            if q > l {
                let req_text = if res == "cpu" {
                    &r.cpu_request
                } else {
                    &r.memory_request
                };
                let lim_text = if res == "cpu" {
                    &r.cpu_limit
                } else {
                    &r.memory_limit
                };
                let lim_text = lim_text.clone().unwrap_or_default();
                let path = at(cx, req);
                // A limit of a few bytes is KP505's to fix, not a request to lower to it.
                let fix = (!in_bytes.contains(&lim))
                    .then(|| set_fix(format!("Request {lim_text}"), path.clone(), json!(lim_text)))
                    .flatten();
                cx.report(
                    &REQUEST_ABOVE_LIMIT,
                    Some(s),
                    path,
                    format!(
                        "{who}{res} request {} is above its limit {lim_text}",
                        req_text.clone().unwrap_or_default()
                    ),
                )
                .fix = fix;
            }
        }
    }
    // The API server sets a missing request to the limit when there is one, so such a
    // request is not missing at run time: say what it becomes, as info only. A
    // DaemonSet's requests are paid on every node: `daemonset_without_requests` (KP814)
    // says so instead.
    let per_node = s.kind == WorkloadKind::DaemonSet;
    let missing: Vec<(&str, Option<&String>)> = [
        ("cpu", &r.cpu_request, &r.cpu_limit),
        ("memory", &r.memory_request, &r.memory_limit),
    ]
    .into_iter()
    .filter(|(_, req, _)| req.is_none())
    .map(|(n, _, lim)| (n, lim.as_ref()))
    .collect();
    if let Some(&(first, _)) = missing.first().filter(|_| !per_node) {
        let bare: Vec<&str> = missing
            .iter()
            .filter(|(_, lim)| lim.is_none())
            .map(|(n, _)| *n)
            .collect();
        let defaulted: Vec<(&str, &String)> = missing
            .iter()
            .filter_map(|&(n, lim)| lim.map(|l| (n, l)))
            .collect();
        let mut parts = Vec::new();
        if !bare.is_empty() {
            parts.push(format!("no {} request", bare.join(" or ")));
        }
        match defaulted.as_slice() {
            [] => {}
            [(n, l)] => parts.push(format!(
                "no {n} request, so the API server sets it to the limit ({n} {l})"
            )),
            both => parts.push(format!(
                "no cpu or memory request, so the API server sets them to the limits ({})",
                both.iter()
                    .map(|(n, l)| format!("{n} {l}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
        let field = if first == "cpu" {
            "cpu_request"
        } else {
            "memory_request"
        };
        let path = at(cx, field);
        // The QoS class is the pod's: said where the main container is checked.
        let message = match which {
            None => format!("{}: QoS class {:?}", parts.join("; "), pod_qos_class(s)),
            Some(_) => format!("{who}{}", parts.join("; ")),
        };
        let f = cx.report(&MISSING_REQUESTS, Some(s), path, message);
        if bare.is_empty() {
            f.severity = Severity::Info;
        }
    }
    if r.memory_limit.is_none() {
        let path = at(cx, "memory_limit");
        let f = cx.report(
            &MISSING_MEMORY_LIMIT,
            Some(s),
            path.clone(),
            format!("{who}no memory limit: a leak grows until the node runs out"),
        );
        if let Some(req) = &r.memory_request {
            f.fix = set_fix(format!("Limit memory to {req}"), path, json!(req));
        }
    }
}
