//! Gateway API objects in: a Gateway becomes the environment's (its namespace kept when
//! it is not the environment's, since the routes name it there), and an HTTPRoute or
//! GRPCRoute the route of the service whose Service its first backend names, when the
//! model renders it as the same kind attached to that Gateway. What the model has no
//! field for (filters, header matches, more parents, ...) stays residual; a route the
//! model cannot hold (no parent, several parents, a parent that is not the modelled
//! Gateway, a kind its port does not give) is kept whole.

use super::{note_rename, Renamed, Workload, Workloads};
use crate::crd::gateway as gw;
use crate::model::*;
use crate::naming;
use crate::render::Object;
use crate::routes::{self, RouteKind};

/// The Gateways the routes of namespace `main` attach to, as (namespace, name): a
/// Gateway of another namespace among them is modelled rather than kept whole.
pub(super) fn referenced(objects: &[(usize, Object)], main: &str) -> Vec<(String, String)> {
    let parents = |o: &Object| -> Vec<gw::ParentRef> {
        match o {
            Object::HTTPRoute(r) => r.spec.parent_refs.clone().unwrap_or_default(),
            Object::GRPCRoute(r) => r.spec.parent_refs.clone().unwrap_or_default(),
            _ => Vec::new(),
        }
    };
    objects
        .iter()
        .filter(|(_, o)| o.metadata().namespace.as_deref().is_none_or(|n| n == main))
        .flat_map(|(_, o)| parents(o))
        .map(|p| (p.namespace.unwrap_or_else(|| main.to_string()), p.name))
        .collect()
}

/// A Gateway becomes the environment's, unless it has one already or has a listener the
/// model cannot hold (a protocol other than HTTP and HTTPS).
pub(super) fn gateway(d: &mut Design, g: &gw::Gateway) -> bool {
    let env = &d.environments[0];
    if env.gateway.is_some() {
        return false;
    }
    let Some(modelled) = describe(g, &env.namespace, &env.namespace) else {
        return false;
    };
    d.environments[0].gateway = Some(modelled);
    true
}

/// The model of Gateway `g` seen from the environment in namespace `env_ns`; `None` when
/// a listener's protocol is neither HTTP nor HTTPS.
fn describe(g: &gw::Gateway, env_ns: &str, own_ns: &str) -> Option<Gateway> {
    let name = g.metadata.name.clone().unwrap_or_default();
    let ns = g
        .metadata
        .namespace
        .clone()
        .unwrap_or_else(|| own_ns.to_string());
    let mut listeners = Vec::new();
    for l in &g.spec.listeners {
        let protocol = match l.protocol.as_str() {
            "HTTP" => ListenerProtocol::HTTP,
            "HTTPS" => ListenerProtocol::HTTPS,
            _ => return None,
        };
        let secret = l
            .tls
            .as_ref()
            .and_then(|t| t.certificate_refs.as_ref())
            .and_then(|refs| refs.first())
            .map(|r| r.name.clone())
            .filter(|n| *n != crate::naming::listener_tls_secret(&name, &l.name))
            .unwrap_or_default();
        listeners.push(GatewayListener {
            name: l.name.clone(),
            protocol,
            port: u16::try_from(l.port).unwrap_or(0),
            hostname: l.hostname.clone(),
            certificate_secret: secret,
        });
    }
    let from = g
        .spec
        .listeners
        .first()
        .and_then(|l| l.allowed_routes.as_ref())
        .and_then(|a| a.namespaces.as_ref());
    let admit = match from.and_then(|f| f.from.as_deref()) {
        Some("All") => AdmitRoutes::All,
        Some("Selector") => {
            let labels = from
                .and_then(|f| f.selector.as_ref())
                .and_then(|s| s.match_labels.as_ref());
            let env_only = labels.is_some_and(|l| {
                l.len() == 1
                    && l.get("kubernetes.io/metadata.name").map(String::as_str) == Some(env_ns)
            });
            if env_only {
                AdmitRoutes::Environment
            } else {
                AdmitRoutes::Same
            }
        }
        _ => AdmitRoutes::Same,
    };
    let cert_manager = g
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key("cert-manager.io/cluster-issuer"));
    Some(Gateway {
        name,
        namespace: (ns != env_ns).then_some(ns),
        class: g.spec.gateway_class_name.clone(),
        listeners,
        admit,
        create: true,
        cert_manager,
        proxy_namespace: None,
        residual: None,
    })
}

/// One rule as read: its matches, its backends, its timeouts (request, backendRequest).
type Rule = (
    Vec<RouteMatch>,
    Vec<gw::BackendRef>,
    Option<String>,
    Option<String>,
);

/// What an HTTPRoute or a GRPCRoute says, in one shape.
struct Route {
    kind: RouteKind,
    parents: Vec<gw::ParentRef>,
    hostnames: Vec<String>,
    /// Each rule: its matches, its backends, its timeouts (request, backendRequest).
    rules: Vec<Rule>,
}

/// An HTTPRoute as a [`Route`].
pub(super) fn http_route(
    d: &mut Design,
    workloads: &[Workload],
    renamed: &mut Renamed,
    name: &str,
    r: &gw::HTTPRoute,
) -> bool {
    let route = Route {
        kind: RouteKind::Http,
        parents: r.spec.parent_refs.clone().unwrap_or_default(),
        hostnames: r.spec.hostnames.clone().unwrap_or_default(),
        rules: r
            .spec
            .rules
            .iter()
            .flatten()
            .map(|rule| {
                let matches = rule
                    .matches
                    .iter()
                    .flatten()
                    .map(|m| {
                        let path = m.path.clone().unwrap_or_default();
                        RouteMatch::Path {
                            kind: match path.type_.as_deref() {
                                Some("Exact") => PathMatchKind::Exact,
                                _ => PathMatchKind::PathPrefix,
                            },
                            value: path.value.unwrap_or_else(|| "/".into()),
                        }
                    })
                    .collect();
                let t = rule.timeouts.clone().unwrap_or_default();
                (
                    matches,
                    rule.backend_refs.clone().unwrap_or_default(),
                    t.request,
                    t.backend_request,
                )
            })
            .collect(),
    };
    attach(d, workloads, renamed, name, route)
}

/// A GRPCRoute as a [`Route`].
pub(super) fn grpc_route(
    d: &mut Design,
    workloads: &[Workload],
    renamed: &mut Renamed,
    name: &str,
    r: &gw::GRPCRoute,
) -> bool {
    let route = Route {
        kind: RouteKind::Grpc,
        parents: r.spec.parent_refs.clone().unwrap_or_default(),
        hostnames: r.spec.hostnames.clone().unwrap_or_default(),
        rules: r
            .spec
            .rules
            .iter()
            .flatten()
            .map(|rule| {
                let matches = rule
                    .matches
                    .iter()
                    .flatten()
                    .map(|m| {
                        let method = m.method.clone().unwrap_or_default();
                        RouteMatch::Method {
                            service: method.service.unwrap_or_default(),
                            method: method.method.unwrap_or_default(),
                        }
                    })
                    .collect();
                (
                    matches,
                    rule.backend_refs.clone().unwrap_or_default(),
                    None,
                    None,
                )
            })
            .collect(),
    };
    attach(d, workloads, renamed, name, route)
}

/// A routed canary's route with each rule's backendRefs to its stable and canary Services
/// read as one backendRef to its own Service (`own`), without a weight: the model renders
/// that one as the pair, weighted 100/0 as Argo Rollouts leaves them at rest (other
/// weights, as in a rollout caught mid-way, are residual details).
fn merge_split(mut route: Route, own: &str, service: &str) -> Route {
    let (stable, canary) = (
        naming::stable_service(service),
        naming::canary_service(service),
    );
    for (_, refs, _, _) in &mut route.rules {
        let pair = refs.iter().any(|b| b.name == stable) && refs.iter().any(|b| b.name == canary);
        if !pair {
            continue;
        }
        refs.retain(|b| b.name != canary);
        for b in refs.iter_mut().filter(|b| b.name == stable) {
            b.name = own.to_string();
            b.weight = None;
        }
    }
    route
}

/// The stable and canary Services of canaries routed through their Gateway API routes
/// are the design's (it renders them): they leave `keep`. A canary whose routing did not
/// come together (its route was kept whole, say) goes back to replica weights, and its
/// Rollout's routing stays a residual detail.
pub(super) fn canary_services(
    d: &mut Design,
    workloads: &Workloads,
    keep: &mut Vec<(usize, Object)>,
) {
    let env = d.environments[0].clone();
    for s in &mut d.services {
        if s.delivery.traffic == CanaryTraffic::GatewayRoute && !routes::routes_canary(s, &env) {
            s.delivery.traffic = CanaryTraffic::Replicas;
        }
    }
    keep.retain(|(_, o)| {
        let Object::Service(svc) = o else {
            return true;
        };
        let selector = svc.spec.as_ref().and_then(|p| p.selector.as_ref());
        let Some(w) = workloads.selected_by(selector) else {
            return true;
        };
        let Some(s) = d.service(w.id) else {
            return true;
        };
        let pair = o.name() == naming::stable_service(&s.name)
            || o.name() == naming::canary_service(&s.name);
        !(pair && routes::routes_canary(s, &env))
    });
}

/// The Service a workload's own Service is called in the input.
fn service_name(renamed: &Renamed, w: &Workload) -> String {
    renamed
        .get(&("Service".to_string(), w.name.clone()))
        .cloned()
        .unwrap_or_else(|| w.name.clone())
}

fn attach(
    d: &mut Design,
    workloads: &[Workload],
    renamed: &mut Renamed,
    name: &str,
    route: Route,
) -> bool {
    // One parent, the environment's Gateway.
    let [parent] = route.parents.as_slice() else {
        return false;
    };
    let parent = parent.clone();
    let env_ns = d.environments[0].namespace.clone();
    let parent_ns = parent.namespace.clone().unwrap_or_else(|| env_ns.clone());
    let Some(g) = d.environments[0].gateway.as_ref() else {
        return false;
    };
    if g.name != parent.name || routes::gateway_namespace(&d.environments[0], g) != parent_ns {
        return false;
    }
    // The service: the one whose Service the first backend names, without a route yet.
    let Some(first) = route.rules.iter().flat_map(|r| r.1.iter()).next().cloned() else {
        return false;
    };
    let services_only = route.rules.iter().flat_map(|r| r.1.iter()).all(|b| {
        b.namespace.is_none()
            && b.rest.get("kind").is_none_or(|k| k == "Service")
            && b.rest.get("group").is_none_or(|g| g == "")
    });
    // A canary routed through its route sends to its stable and canary Services, which
    // stand for its own.
    let routed = |w: &Workload| {
        d.service(w.id)
            .is_some_and(|s| s.delivery.traffic == CanaryTraffic::GatewayRoute)
    };
    let Some(w) = workloads.iter().find(|w| {
        service_name(renamed, w) == first.name
            || (routed(w) && naming::stable_service(&w.name) == first.name)
    }) else {
        return false;
    };
    let route = if routed(w) {
        merge_split(route, &service_name(renamed, w), &w.name)
    } else {
        route
    };
    if !services_only {
        return false;
    }
    let own_service = service_name(renamed, w);
    let s = d.service(w.id).expect("imported workload").clone();
    if s.exposure.gateway_route.is_some() {
        return false;
    }
    // A Service port by its number, as a route names it: by name when it has one, the
    // only unnamed port as empty, else its number.
    let port_of = |target: &Service, number: Option<i32>| -> String {
        let ports = &target.exposure.ports;
        match ports.iter().find(|p| Some(i32::from(p.port)) == number) {
            Some(p) if !p.name.is_empty() => p.name.clone(),
            Some(_) if ports.len() == 1 => String::new(),
            _ => number.map(|n| n.to_string()).unwrap_or_default(),
        }
    };
    let port = port_of(&s, first.port);
    let mut modelled = GatewayRoute {
        hostnames: route.hostnames.clone(),
        port,
        listener: parent.section_name.clone().unwrap_or_default(),
        rules: Vec::new(),
    };
    for (matches, refs, request, backend) in route.rules {
        let single_own = matches!(refs.as_slice(), [b] if b.name == own_service
            && port_of(&s, b.port) == modelled.port
            && b.weight.is_none());
        let backends = if single_own {
            Vec::new()
        } else {
            refs.iter()
                .map(|b| {
                    let target = workloads
                        .iter()
                        .find(|w| service_name(renamed, w) == b.name)
                        .and_then(|w| d.service(w.id));
                    RouteBackend {
                        service: if b.name == own_service {
                            String::new()
                        } else {
                            b.name.clone()
                        },
                        port: match target {
                            Some(t) => port_of(t, b.port),
                            None => b.port.map(|n| n.to_string()).unwrap_or_default(),
                        },
                        weight: b.weight.and_then(|w| u32::try_from(w).ok()).unwrap_or(1),
                    }
                })
                .collect()
        };
        modelled.rules.push(RouteRule {
            matches,
            backends,
            request_timeout: request,
            backend_request_timeout: backend,
        });
    }
    // One rule that matches everything and sends to the route's port is the model's
    // route without rules.
    if let [only] = modelled.rules.as_slice() {
        if *only == RouteRule::default() {
            modelled.rules.clear();
        }
    }
    // The model must render it as the same kind.
    if routes::kind(&s, &modelled) != route.kind {
        return false;
    }
    note_rename(renamed, route.kind.as_str(), w.name.clone(), name);
    d.service_mut(w.id)
        .expect("imported workload")
        .exposure
        .gateway_route = Some(modelled);
    true
}
