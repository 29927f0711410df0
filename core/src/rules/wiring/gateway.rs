//! KP340 to KP349: Gateway API routes and the environment's Gateway. A route's
//! backends are Service ports that exist (and speak HTTP/2 behind a GRPCRoute), it
//! attaches to a Gateway that admits it on a listener that accepts its host names, what
//! it says can be written in its kind, and its Gateway's proxies are not themselves shut
//! in by default-deny. The semantics they share with render are in [`crate::routes`].

use super::super::catalog::*;
use super::super::context::{set_fix, svc, Ctx};
use super::super::Severity;
use crate::edit::FieldPath;
use crate::model::*;
use crate::routes::{self, RouteKind};
use serde_json::json;
use std::collections::BTreeSet;

/// The path of a field of the environment's Gateway.
fn gw_path(cx: &Ctx, pointer: &str) -> FieldPath {
    FieldPath::environment(&cx.env.name, &format!("/gateway{pointer}"))
}

/// KP349: the Gateway's listeners can be created and get their certificates.
pub(super) fn environment(cx: &mut Ctx) {
    let Some(g) = cx.env.gateway.clone() else {
        return;
    };
    let mut names = BTreeSet::new();
    let mut bindings = BTreeSet::new();
    for (i, l) in g.listeners.iter().enumerate() {
        let env = cx.env;
        let at = |field: &str| {
            FieldPath::environment(&env.name, &format!("/gateway/listeners/{i}{field}"))
        };
        if !names.insert(l.name.clone()) {
            let path = at("/name");
            cx.report(&GATEWAY_LISTENER_INVALID, None, path, format!("Gateway `{}` has two listeners named `{}`: the API server rejects it (listener names are unique)", g.name, l.name));
        }
        let host = l.hostname.clone().unwrap_or_default();
        if !bindings.insert((l.port, l.protocol, host.clone())) {
            let path = at("/port");
            cx.report(&GATEWAY_LISTENER_INVALID, None, path, format!("listeners of Gateway `{}` share port {}, protocol {} and hostname `{host}`: they conflict, and neither is programmed", g.name, l.port, l.protocol.as_str()));
        }
        if g.cert_manager && l.protocol == ListenerProtocol::HTTPS && host.is_empty() {
            let path = at("/hostname");
            cx.report(&GATEWAY_LISTENER_INVALID, None, path, format!("HTTPS listener `{}` of Gateway `{}` has no hostname: cert-manager issues no certificate for it (it names the certificate after the hostname), so Secret `{}` never exists and the listener does not serve", l.name, g.name, crate::render::listener_secret(&g, l)));
        }
    }
}

/// KP340 to KP348 for the route of service `s`.
pub(super) fn service(cx: &mut Ctx, s: &Service, deployed: &[Service]) {
    let Some(route) = s.exposure.gateway_route.clone() else {
        return;
    };
    let kind = routes::kind(s, &route);
    gateway(cx, s, &route, kind);
    for (i, rule) in routes::rules(&route).into_iter().enumerate() {
        backends(cx, s, &route, rule, i, kind, deployed);
        if let Some(rule) = rule {
            matches(cx, s, rule, i, kind);
            timeouts(cx, s, rule, i, kind);
        }
    }
}

/// KP342 to KP346: the route attaches to a Gateway that admits it, on a listener that
/// accepts its host names, whose proxies are not shut in by default-deny.
fn gateway(cx: &mut Ctx, s: &Service, route: &GatewayRoute, kind: RouteKind) {
    let (design, env) = (cx.design, cx.env);
    let Some(g) = env.gateway.clone() else {
        let f = cx.report(
            &ROUTE_WITHOUT_GATEWAY,
            Some(s),
            svc(s, "/exposure/gateway_route"),
            format!("the {} of `{}` attaches to no Gateway: environment `{}` has none, so nothing routes to it", kind.as_str(), s.name, cx.env.name),
        );
        let preset = crate::presets::gateway(design, env);
        f.fix = set_fix(
            format!("Add Gateway `{}` to `{}`", preset.name, env.name),
            FieldPath::environment(&env.name, "/gateway"),
            json!(preset),
        );
        return;
    };
    if !routes::admits(cx.env, &g) {
        let gns = routes::gateway_namespace(cx.env, &g);
        let f = cx.report(
            &ROUTE_NOT_ADMITTED,
            Some(s),
            gw_path(cx, "/admit"),
            format!("Gateway `{}` in namespace `{gns}` admits routes of its own namespace only (allowedRoutes from: Same): the {} of `{}` in `{}` is not accepted", g.name, kind.as_str(), s.name, cx.env.namespace),
        );
        f.fix = set_fix(
            format!("Admit routes from `{}`", env.namespace),
            FieldPath::environment(&env.name, "/gateway/admit"),
            json!(AdmitRoutes::Environment),
        );
    }
    // An existing Gateway the design does not describe (no listeners known) is not
    // second-guessed.
    if !g.listeners.is_empty() {
        let attached = routes::attached(&g, route);
        if attached.is_empty() {
            let f = cx.report(
                &ROUTE_LISTENER_MISSING,
                Some(s),
                svc(s, "/exposure/gateway_route/listener"),
                format!(
                    "the {} of `{}` attaches to listener `{}`, which Gateway `{}` does not have",
                    kind.as_str(),
                    s.name,
                    route.listener,
                    g.name
                ),
            );
            f.fix = set_fix(
                "Attach to every listener".into(),
                svc(s, "/exposure/gateway_route/listener"),
                json!(""),
            );
        } else {
            hostnames(cx, s, route, &g, &attached, kind);
        }
    }
    // The proxies run in a namespace where the design's default-deny shuts every pod in.
    let proxies = routes::proxy_namespace(cx.env, &g).to_string();
    if let Some(shut) = cx
        .design
        .environments
        .iter()
        .find(|e| e.default_deny && e.namespace == proxies)
    {
        let path = if g.proxy_namespace.is_some() {
            gw_path(cx, "/proxy_namespace")
        } else {
            gw_path(cx, "/namespace")
        };
        cx.report(
            &ROUTE_BLOCKED_BY_DEFAULT_DENY,
            Some(s),
            path,
            format!("the proxies of Gateway `{}` run in `{proxies}`, where environment `{}`'s default-deny-all selects them too: clients cannot reach them and they cannot reach `{}`, and no policy of the design lets them", g.name, shut.name, s.name),
        );
    }
}

/// KP343: the route's host names intersect a listener's.
fn hostnames(
    cx: &mut Ctx,
    s: &Service,
    route: &GatewayRoute,
    g: &Gateway,
    attached: &[&GatewayListener],
    kind: RouteKind,
) {
    let outside: Vec<(usize, &String)> = route
        .hostnames
        .iter()
        .enumerate()
        .filter(|(_, h)| {
            !attached
                .iter()
                .any(|l| routes::hostnames_intersect(l.hostname.as_deref(), h))
        })
        .collect();
    let none_left = !route.hostnames.is_empty() && outside.len() == route.hostnames.len();
    let accepted: Vec<&str> = attached
        .iter()
        .filter_map(|l| l.hostname.as_deref())
        .collect();
    for (i, h) in outside {
        let path = svc(s, &format!("/exposure/gateway_route/hostnames/{i}"));
        let message = if none_left {
            format!("no listener of Gateway `{}` accepts `{h}` (they accept {}): the {} of `{}` is not accepted at all", g.name, accepted.join(", "), kind.as_str(), s.name)
        } else {
            format!("no listener of Gateway `{}` accepts `{h}` (they accept {}): requests for it never reach `{}`", g.name, accepted.join(", "), s.name)
        };
        let f = cx.report(&ROUTE_HOSTNAME_OUTSIDE_LISTENER, Some(s), path, message);
        if none_left {
            f.severity = Severity::Error;
            // With one exact listener host name, answering it is the obvious repair.
            if let [only] = accepted.as_slice() {
                if !only.starts_with('*') {
                    f.fix = set_fix(
                        format!("Answer `{only}`"),
                        svc(s, "/exposure/gateway_route/hostnames"),
                        json!([only]),
                    );
                }
            }
        }
    }
}

/// KP340 and KP341: every backend of a rule is a Service port that exists, a GRPCRoute's
/// speaks HTTP/2, and the rule sends somewhere.
fn backends(
    cx: &mut Ctx,
    s: &Service,
    route: &GatewayRoute,
    rule: Option<&RouteRule>,
    i: usize,
    kind: RouteKind,
    deployed: &[Service],
) {
    let own = rule.is_none_or(|r| r.backends.is_empty());
    let list = routes::backends(route, rule);
    for (j, b) in list.iter().enumerate() {
        let path = if own {
            svc(s, "/exposure/gateway_route/port")
        } else {
            svc(
                s,
                &format!("/exposure/gateway_route/rules/{i}/backends/{j}/port"),
            )
        };
        let name = routes::backend_service(s, b);
        let Some(target) = routes::backend_target(s, b, deployed) else {
            let path = svc(
                s,
                &format!("/exposure/gateway_route/rules/{i}/backends/{j}/service"),
            );
            cx.report(
                &ROUTE_BACKEND_MISSING,
                Some(s),
                path,
                format!(
                    "the {} of `{}` sends to Service `{name}`, which environment `{}` does not run",
                    kind.as_str(),
                    s.name,
                    cx.env.name
                ),
            );
            continue;
        };
        let Some(port) = routes::backend_port(target, b) else {
            let message = if crate::render::has_cluster_service(target) {
                format!(
                    "the {} of `{}` sends to port `{}` of Service `{name}`, which has no such port",
                    kind.as_str(),
                    s.name,
                    b.port
                )
            } else {
                format!("the {} of `{}` sends to Service `{name}`, which is not created (the service has none)", kind.as_str(), s.name)
            };
            let f = cx.report(&ROUTE_BACKEND_MISSING, Some(s), path.clone(), message);
            if let (true, [only]) = (
                crate::render::has_cluster_service(target),
                target.exposure.ports.as_slice(),
            ) {
                let to = if only.name.is_empty() {
                    only.port.to_string()
                } else {
                    only.name.clone()
                };
                f.fix = set_fix(format!("Route to port `{to}`"), path, json!(to));
            }
            continue;
        };
        if kind == RouteKind::Grpc && !routes::speaks_http2(port.app_protocol.as_deref()) {
            let at = target
                .exposure
                .ports
                .iter()
                .position(|p| p == port)
                .unwrap_or(0);
            let field =
                FieldPath::service(target.id, &format!("/exposure/ports/{at}/app_protocol"));
            let f = cx.report(
                &GRPC_ROUTE_BACKEND_NOT_HTTP2,
                Some(s),
                field.clone(),
                format!("the GRPCRoute of `{}` sends gRPC to port {} of Service `{name}`, whose appProtocol is {}: a gateway that picks the upstream protocol from it speaks HTTP/1.1 there, and every call fails", s.name, port.port, port.app_protocol.as_deref().map_or("unset".to_string(), |p| format!("`{p}`"))),
            );
            f.fix = set_fix("Set appProtocol grpc".into(), field, json!("grpc"));
        }
    }
    if list.len() > 1 && list.iter().all(|b| b.weight == 0) {
        let path = svc(s, &format!("/exposure/gateway_route/rules/{i}/backends"));
        cx.report(
            &ROUTE_BACKEND_MISSING,
            Some(s),
            path,
            format!(
                "every backend of rule {} of the {} of `{}` has weight 0: its requests get 500",
                i + 1,
                kind.as_str(),
                s.name
            ),
        );
    }
}

/// KP347: the rule's matches can be written in the route's kind.
fn matches(cx: &mut Ctx, s: &Service, rule: &RouteRule, i: usize, kind: RouteKind) {
    for (j, m) in rule.matches.iter().enumerate() {
        let wrong = match (m, kind) {
            (RouteMatch::Path { value, .. }, RouteKind::Grpc) => {
                format!("a GRPCRoute matches gRPC methods, not paths: the path match `{value}`")
            }
            (RouteMatch::Method { service, method }, RouteKind::Http) => format!(
                "an HTTPRoute matches paths, not gRPC methods: the method match `{service}/{method}`"
            ),
            _ => continue,
        };
        let path = svc(s, &format!("/exposure/gateway_route/rules/{i}/matches/{j}"));
        let mut rest = rule.matches.clone();
        rest.remove(j);
        let everything = rest.is_empty();
        let f = cx.report(
            &ROUTE_MATCH_WRONG_KIND,
            Some(s),
            path,
            format!(
                "{wrong} of `{}` cannot be written{}",
                s.name,
                if everything {
                    ", so the rule matches every request"
                } else {
                    ""
                }
            ),
        );
        f.fix = set_fix(
            "Remove this match".into(),
            svc(s, &format!("/exposure/gateway_route/rules/{i}/matches")),
            json!(rest),
        );
    }
    if kind == RouteKind::Grpc
        && (rule.request_timeout.is_some() || rule.backend_request_timeout.is_some())
    {
        let field = if rule.request_timeout.is_some() {
            "request_timeout"
        } else {
            "backend_request_timeout"
        };
        let f = cx.report(
            &ROUTE_MATCH_WRONG_KIND,
            Some(s),
            svc(s, &format!("/exposure/gateway_route/rules/{i}/{field}")),
            format!("a GRPCRoute has no timeouts (only HTTPRoute rules do): the timeouts of rule {} of `{}` cannot be written", i + 1, s.name),
        );
        f.fix = set_fix(
            "Remove the timeouts".into(),
            svc(s, &format!("/exposure/gateway_route/rules/{i}")),
            json!(RouteRule {
                request_timeout: None,
                backend_request_timeout: None,
                ..rule.clone()
            }),
        );
    }
}

/// KP348: timeouts are Gateway API durations, one try no longer than the request.
fn timeouts(cx: &mut Ctx, s: &Service, rule: &RouteRule, i: usize, kind: RouteKind) {
    if kind != RouteKind::Http {
        return;
    }
    let mut parsed = [None, None];
    for (k, (field, value)) in [
        ("request_timeout", &rule.request_timeout),
        ("backend_request_timeout", &rule.backend_request_timeout),
    ]
    .into_iter()
    .enumerate()
    {
        let Some(text) = value else { continue };
        parsed[k] = routes::duration_ms(text);
        if parsed[k].is_none() {
            cx.report(
                &ROUTE_TIMEOUT_INVALID,
                Some(s),
                svc(s, &format!("/exposure/gateway_route/rules/{i}/{field}")),
                format!("`{text}` is not a Gateway API duration (like `10s`, `1m30s` or `500ms`): the timeout is left out of the HTTPRoute of `{}`", s.name),
            );
        }
    }
    if let [Some(request), Some(backend)] = parsed {
        if backend > request && request > 0 {
            let path = svc(
                s,
                &format!("/exposure/gateway_route/rules/{i}/backend_request_timeout"),
            );
            let f = cx.report(
                &ROUTE_TIMEOUT_INVALID,
                Some(s),
                path.clone(),
                format!("backendRequest {} is longer than request {} in rule {} of the HTTPRoute of `{}`: the API server rejects it", rule.backend_request_timeout.as_deref().unwrap_or_default(), rule.request_timeout.as_deref().unwrap_or_default(), i + 1, s.name),
            );
            f.fix = set_fix(
                format!(
                    "Set backendRequest to {}",
                    rule.request_timeout.as_deref().unwrap_or_default()
                ),
                path,
                json!(rule.request_timeout),
            );
        }
    }
}
