//! Gateway API objects: the environment's Gateway, and each service's HTTPRoute or
//! GRPCRoute (see [`crate::routes`] for which). Read back in `import/gateway.rs`.

use super::network::{namespace_selector, np_port, resolved};
use super::{labels, non_empty, some_if, Labels, Object, Renderer};
use crate::crd::gateway as gw;
use crate::model::*;
use crate::naming;
use crate::order::Collect;
use crate::routes::{self, RouteKind};
use k8s_openapi::api::networking::v1 as net;
use std::collections::BTreeMap;

impl Renderer<'_> {
    /// The environment's Gateway, when the bundle creates it.
    pub(super) fn gateway(&self) -> Option<gw::Gateway> {
        let g = self.env.gateway.as_ref().filter(|g| g.create)?;
        let mut meta = self.meta(&g.name, Labels::new());
        meta.namespace = Some(routes::gateway_namespace(self.env, g).to_string());
        let https = g
            .listeners
            .iter()
            .any(|l| l.protocol == ListenerProtocol::HTTPS);
        if g.cert_manager && https {
            meta.annotations = Some(labels(&[(
                "cert-manager.io/cluster-issuer",
                self.design.cluster.cert_issuer.as_str(),
            )]));
        }
        let allowed = match g.admit {
            AdmitRoutes::Same => None,
            AdmitRoutes::Environment => Some(gw::AllowedRoutes {
                namespaces: Some(gw::RouteNamespaces {
                    from: Some("Selector".into()),
                    selector: Some(namespace_selector(&self.env.namespace)),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            AdmitRoutes::All => Some(gw::AllowedRoutes {
                namespaces: Some(gw::RouteNamespaces {
                    from: Some("All".into()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        };
        let listeners = g
            .listeners
            .iter()
            .map(|l| gw::Listener {
                name: l.name.clone(),
                hostname: l.hostname.clone().filter(|h| !h.is_empty()),
                port: l.port.into(),
                protocol: l.protocol.as_str().into(),
                tls: some_if(
                    l.protocol == ListenerProtocol::HTTPS,
                    gw::ListenerTls {
                        mode: Some("Terminate".into()),
                        certificate_refs: Some(vec![gw::SecretRef {
                            name: listener_secret(g, l),
                            ..Default::default()
                        }]),
                        ..Default::default()
                    },
                ),
                allowed_routes: allowed.clone(),
                ..Default::default()
            })
            .collect();
        Some(gw::Gateway {
            metadata: meta,
            spec: gw::GatewaySpec {
                gateway_class_name: g.class.clone(),
                listeners,
                ..Default::default()
            },
            ..Default::default()
        })
    }

    /// The HTTPRoute or GRPCRoute of service `s`.
    pub(super) fn route(&self, s: &Service, route: &GatewayRoute) -> Object {
        let meta = self.service_meta(s, naming::own(&s.name));
        let parent_refs = self.env.gateway.as_ref().map(|g| {
            let ns = routes::gateway_namespace(self.env, g);
            vec![gw::ParentRef {
                name: g.name.clone(),
                namespace: some_if(ns != self.env.namespace, ns.to_string()),
                section_name: some_if(!route.listener.is_empty(), route.listener.clone()),
                ..Default::default()
            }]
        });
        let hostnames = non_empty(route.hostnames.clone());
        let rules = routes::rules(route);
        match routes::kind(s, route) {
            RouteKind::Http => Object::HTTPRoute(gw::HTTPRoute {
                metadata: meta,
                spec: gw::HTTPRouteSpec {
                    parent_refs,
                    hostnames,
                    rules: Some(
                        rules
                            .into_iter()
                            .map(|r| gw::HTTPRouteRule {
                                matches: r.and_then(http_matches),
                                backend_refs: self.backend_refs(s, route, r),
                                timeouts: r.and_then(timeouts),
                                ..Default::default()
                            })
                            .collect(),
                    ),
                    ..Default::default()
                },
                ..Default::default()
            }),
            RouteKind::Grpc => Object::GRPCRoute(gw::GRPCRoute {
                metadata: meta,
                spec: gw::GRPCRouteSpec {
                    parent_refs,
                    hostnames,
                    rules: Some(
                        rules
                            .into_iter()
                            .map(|r| gw::GRPCRouteRule {
                                matches: r.and_then(grpc_matches),
                                backend_refs: self.backend_refs(s, route, r),
                                ..Default::default()
                            })
                            .collect(),
                    ),
                    ..Default::default()
                },
                ..Default::default()
            }),
        }
    }

    /// The backendRefs of one rule: each backend's Service and port number. A backend
    /// whose port cannot be resolved to a number is left out (the rules report it).
    fn backend_refs(
        &self,
        s: &Service,
        route: &GatewayRoute,
        rule: Option<&RouteRule>,
    ) -> Option<Vec<gw::BackendRef>> {
        let backends = routes::backends(route, rule);
        let weighted = backends.len() > 1;
        let routed = routes::routes_canary(s, self.env);
        let refs = backends
            .iter()
            .filter_map(|b| {
                let port = self.backend_port_number(s, b)?;
                let to = |name: String, weight: Option<i32>| gw::BackendRef {
                    name,
                    port: Some(port.into()),
                    weight,
                    ..Default::default()
                };
                Some(if routed && routes::is_own_backend(s, b) {
                    // A canary routed through the route: its own Service becomes the
                    // stable and canary pair, weighted as Argo Rollouts leaves them at
                    // rest (all to the stable pods); the plugin sets them at each step.
                    vec![
                        to(naming::stable_service(&s.name), Some(100)),
                        to(naming::canary_service(&s.name), Some(0)),
                    ]
                } else {
                    let weight = some_if(weighted || b.weight != 1, super::clamp_i32(b.weight));
                    vec![to(routes::backend_service(s, b).to_string(), weight)]
                })
            })
            .flatten()
            .collect();
        non_empty(refs)
    }

    /// The number of the Service port a backend names: looked up on the service it
    /// names in this environment, else the number it is written as.
    fn backend_port_number(&self, s: &Service, b: &RouteBackend) -> Option<u16> {
        let other;
        let target = if b.service.is_empty() {
            Some(s)
        } else {
            other = self
                .design
                .services
                .iter()
                .find(|t| self.env.deploys(t.id) && t.service_name() == b.service)
                .map(|t| effective(t, self.env));
            other.as_ref()
        };
        target
            .and_then(|t| routes::backend_port(t, b))
            .map(|p| p.port)
            .or_else(|| b.port.parse().ok())
    }

    /// Under default-deny, the ingress each service needs from the Gateway's proxies:
    /// every port of it that a route of this environment sends to.
    pub(super) fn gateway_ingress(
        &self,
        services: &[Service],
    ) -> BTreeMap<ServiceId, net::NetworkPolicyIngressRule> {
        let mut ports: BTreeMap<ServiceId, Vec<net::NetworkPolicyPort>> = BTreeMap::new();
        let Some(g) = &self.env.gateway else {
            return BTreeMap::new();
        };
        for s in services {
            let Some(route) = &s.exposure.gateway_route else {
                continue;
            };
            for rule in routes::rules(route) {
                for b in routes::backends(route, rule) {
                    let Some(t) = routes::backend_target(s, &b, services) else {
                        continue;
                    };
                    let Some(p) = routes::backend_port(t, &b) else {
                        continue;
                    };
                    let port = np_port(&resolved(t, &p.target), p.protocol);
                    let list = ports.entry(t.id).or_default();
                    if !list.contains(&port) {
                        list.push(port);
                    }
                }
            }
        }
        let ns = routes::proxy_namespace(self.env, g);
        ports
            .into_iter()
            .map(|(id, ports)| {
                let rule = net::NetworkPolicyIngressRule {
                    from: Some(vec![net::NetworkPolicyPeer {
                        namespace_selector: Some(namespace_selector(ns)),
                        ..Default::default()
                    }]),
                    ports: Some(ports),
                };
                (id, rule)
            })
            .to_map()
    }
}

/// The Secret of an HTTPS listener: the design's, or the derived name.
pub fn listener_secret(g: &Gateway, l: &GatewayListener) -> String {
    if l.certificate_secret.is_empty() {
        naming::listener_tls_secret(&g.name, &l.name)
    } else {
        l.certificate_secret.clone()
    }
}

fn http_matches(rule: &RouteRule) -> Option<Vec<gw::HTTPRouteMatch>> {
    non_empty(
        rule.matches
            .iter()
            .filter_map(|m| match m {
                RouteMatch::Path { kind, value } => Some(gw::HTTPRouteMatch {
                    path: Some(gw::HTTPPathMatch {
                        type_: Some(
                            match kind {
                                PathMatchKind::PathPrefix => "PathPrefix",
                                PathMatchKind::Exact => "Exact",
                            }
                            .into(),
                        ),
                        value: Some(if value.is_empty() { "/" } else { value }.into()),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                RouteMatch::Method { .. } => None,
            })
            .collect(),
    )
}

fn grpc_matches(rule: &RouteRule) -> Option<Vec<gw::GRPCRouteMatch>> {
    non_empty(
        rule.matches
            .iter()
            .filter_map(|m| match m {
                // A method match must name a service or a method (the CRD's rule); one
                // that names neither matches every call, as no match does.
                RouteMatch::Method { service, method }
                    if service.is_empty() && method.is_empty() =>
                {
                    None
                }
                RouteMatch::Method { service, method } => Some(gw::GRPCRouteMatch {
                    method: Some(gw::GRPCMethodMatch {
                        service: some_if(!service.is_empty(), service.clone()),
                        method: some_if(!method.is_empty(), method.clone()),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                RouteMatch::Path { .. } => None,
            })
            .collect(),
    )
}

/// A rule's timeouts; one that is not a Gateway API duration cannot be written (the
/// rules report it).
fn timeouts(rule: &RouteRule) -> Option<gw::HTTPRouteTimeouts> {
    let valid = |t: &Option<String>| t.clone().filter(|t| routes::duration_ms(t).is_some());
    let t = gw::HTTPRouteTimeouts {
        request: valid(&rule.request_timeout),
        backend_request: valid(&rule.backend_request_timeout),
        ..Default::default()
    };
    some_if(t.request.is_some() || t.backend_request.is_some(), t)
}
