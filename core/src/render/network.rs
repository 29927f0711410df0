//! Services (ClusterIP, headless, LoadBalancer), Ingresses and NetworkPolicies.

use super::{
    int_or_string, label_selector, labels, non_empty, non_empty_map, selector_of, some_if, Labels,
    Renderer,
};
use crate::edges::{self, EdgeTarget};
use crate::model::*;
use crate::naming;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use std::collections::{BTreeMap, HashMap};

impl Renderer<'_> {
    fn service_ports(&self, ports: &[ServicePort]) -> Option<Vec<core::ServicePort>> {
        non_empty(
            ports
                .iter()
                .map(|p| core::ServicePort {
                    name: some_if(!p.name.is_empty(), p.name.clone()),
                    port: p.port.into(),
                    target_port: Some(int_or_string(&p.target)),
                    protocol: Some(p.protocol.as_str().into()),
                    app_protocol: p.app_protocol.clone(),
                    ..Default::default()
                })
                .collect(),
        )
    }

    pub(super) fn cluster_service(&self, s: &Service) -> Option<core::Service> {
        if !has_cluster_service(s) {
            return None;
        }
        let headless = s.exposure.service == ServiceKind::Headless;
        Some(core::Service {
            metadata: self.service_meta(s, naming::own(&s.name)),
            spec: Some(core::ServiceSpec {
                type_: Some("ClusterIP".into()),
                cluster_ip: some_if(headless, "None".into()),
                selector: Some(selector_of(s)),
                ports: self.service_ports(&s.exposure.ports),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    /// The stable or canary Service of a canary routed through its Gateway API route
    /// (`name` is `<svc>-stable` or `<svc>-canary`): a ClusterIP Service with the
    /// ports and selector of the service's own; Argo Rollouts adds the
    /// `rollouts-pod-template-hash` of the stable or canary pods to its selector.
    pub(super) fn split_service(&self, s: &Service, name: &str) -> core::Service {
        core::Service {
            metadata: self.service_meta(s, name),
            spec: Some(core::ServiceSpec {
                type_: Some("ClusterIP".into()),
                selector: Some(selector_of(s)),
                ports: self.service_ports(&s.exposure.ports),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    pub(super) fn load_balancer(&self, s: &Service, lb: &LoadBalancer) -> core::Service {
        let mut meta = self.service_meta(s, &naming::load_balancer(&s.name));
        meta.annotations = non_empty_map(lb.annotations.clone());
        core::Service {
            metadata: meta,
            spec: Some(core::ServiceSpec {
                type_: Some("LoadBalancer".into()),
                selector: Some(selector_of(s)),
                ports: self.service_ports(&lb.ports),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    pub(super) fn ingress(&self, s: &Service, route: &IngressRoute) -> net::Ingress {
        let mut meta = self.service_meta(s, naming::own(&s.name));
        if route.issued() {
            meta.annotations = Some(labels(&[(
                "cert-manager.io/cluster-issuer",
                self.design.cluster.cert_issuer.as_str(),
            )]));
        }
        // A route written with a port number (`port.number` in the input) keeps it; one
        // that names a port, or leaves it to the only one, names it where it has a name.
        let by_number = |p: &ServicePort| p.name != route.port && !route.port.is_empty();
        let port = match s.service_port(&route.port) {
            Some(p) if !p.name.is_empty() && !by_number(p) => net::ServiceBackendPort {
                name: Some(p.name.clone()),
                number: None,
            },
            Some(p) => net::ServiceBackendPort {
                name: None,
                number: Some(p.port.into()),
            },
            None => net::ServiceBackendPort {
                name: Some(route.port.clone()),
                number: None,
            },
        };
        let path = if route.path.is_empty() {
            "/"
        } else {
            &route.path
        };
        net::Ingress {
            metadata: meta,
            spec: Some(net::IngressSpec {
                ingress_class_name: self.design.cluster.ingress_class.clone(),
                tls: some_if(
                    route.tls,
                    vec![net::IngressTLS {
                        hosts: Some(vec![route.host.clone()]),
                        secret_name: Some(route.secret_name(&s.name)),
                    }],
                ),
                rules: Some(vec![net::IngressRule {
                    host: some_if(!route.host.is_empty(), route.host.clone()),
                    http: Some(net::HTTPIngressRuleValue {
                        paths: vec![net::HTTPIngressPath {
                            path: Some(path.into()),
                            path_type: "Prefix".into(),
                            backend: net::IngressBackend {
                                service: Some(net::IngressServiceBackend {
                                    name: s.service_name().into(),
                                    port: Some(port),
                                }),
                                ..Default::default()
                            },
                        }],
                    }),
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// Default deny, DNS, and one allow policy per service that receives or sends
    /// traffic ([`Renderer::allow_policy`]).
    pub(super) fn network_policies(&self, services: &[Service]) -> Vec<net::NetworkPolicy> {
        let mut out = self.fixed_policies();
        let mut allowances = self.allowances(services);
        out.extend(
            services
                .iter()
                .filter_map(|s| self.allow_policy(s, allowances.remove(&s.id))),
        );
        out
    }

    /// The environment's default-deny policy and the one that lets every pod reach DNS.
    pub(super) fn fixed_policies(&self) -> Vec<net::NetworkPolicy> {
        vec![
            net::NetworkPolicy {
                metadata: self.meta(naming::DEFAULT_DENY_POLICY, Labels::new()),
                spec: Some(net::NetworkPolicySpec {
                    pod_selector: Some(LabelSelector::default()),
                    policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
                    ..Default::default()
                }),
            },
            net::NetworkPolicy {
                metadata: self.meta(naming::DNS_EGRESS_POLICY, Labels::new()),
                spec: Some(net::NetworkPolicySpec {
                    pod_selector: Some(LabelSelector::default()),
                    policy_types: Some(vec!["Egress".into()]),
                    egress: Some(vec![net::NetworkPolicyEgressRule {
                        to: Some(vec![net::NetworkPolicyPeer {
                            namespace_selector: Some(namespace_selector("kube-system")),
                            pod_selector: Some(LabelSelector {
                                match_labels: Some(labels(&[("k8s-app", "kube-dns")])),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }]),
                        ports: Some(vec![
                            np_port(&PortRef::Number(53), Protocol::UDP),
                            np_port(&PortRef::Number(53), Protocol::TCP),
                        ]),
                    }]),
                    ..Default::default()
                }),
            },
        ]
    }

    /// What each deployed service's allow policy lets in and out by the environment's
    /// edges and routes, gathered in one pass over the edges (linear in the design).
    /// An edge that crosses into a shared environment ([`edges::edge_target`]) is
    /// written on both sides: egress to the callee's pods in its namespace here, and
    /// there ingress from the caller's pods in the namespace of each environment whose
    /// edge leads there.
    pub(super) fn allowances<'s>(
        &self,
        services: &'s [Service],
    ) -> HashMap<ServiceId, Allowance<'s>> {
        let deployed: HashMap<ServiceId, &Service> = services.iter().map(|s| (s.id, s)).collect();
        let mut out: HashMap<ServiceId, Allowance> = HashMap::new();
        for e in &self.design.edges {
            match edges::edge_target(self.design, self.env, e) {
                EdgeTarget::Local => {
                    let (Some(from), Some(to)) = (deployed.get(&e.from), deployed.get(&e.to))
                    else {
                        continue;
                    };
                    let Some(port) = edge_target_port(to, &e.port) else {
                        continue;
                    };
                    let into = &mut out.entry(to.id).or_default().ingress;
                    into.push(Peer::Here(from, port.clone()));
                    out.entry(from.id)
                        .or_default()
                        .egress
                        .push(Peer::Here(to, port));
                }
                // The callee runs in a shared environment: egress from here to its pods
                // in its namespace. (Its ingress is written there, below.)
                EdgeTarget::Shared(there) => {
                    let (Some(from), Some(to)) = (deployed.get(&e.from), self.design.service(e.to))
                    else {
                        continue;
                    };
                    let to = effective(to, there);
                    let Some(port) = edge_target_port(&to, &e.port) else {
                        continue;
                    };
                    let peers = vec![namespaced_peer(&there.namespace, &to)];
                    let egress = &mut out.entry(from.id).or_default().egress;
                    egress.push(Peer::Elsewhere(peers, port));
                }
                _ => {}
            }
            // This environment runs the callee for callers in other namespaces: ingress
            // from the caller's pods in each of those namespaces.
            let Some(to) = deployed.get(&e.to) else {
                continue;
            };
            let callers = edges::callers_into(self.design, self.env, e);
            let (false, Some(from), Some(port)) = (
                callers.is_empty(),
                self.design.service(e.from),
                edge_target_port(to, &e.port),
            ) else {
                continue;
            };
            let peers = callers
                .iter()
                .map(|c| namespaced_peer(&c.namespace, from))
                .collect();
            let ingress = &mut out.entry(to.id).or_default().ingress;
            ingress.push(Peer::Elsewhere(peers, port));
        }
        // The Gateway's proxies, on every port a route sends to.
        for (id, rule) in self.gateway_ingress(services) {
            out.entry(id).or_default().gateway = Some(rule);
        }
        // Prometheus, on the ports monitors kept from an import scrape.
        if self.design.cluster.monitoring_namespace.is_some() {
            for (id, ports) in self.kept_scrapes(services) {
                out.entry(id).or_default().scraped = ports
                    .iter()
                    .map(|(p, protocol)| np_port(p, *protocol))
                    .collect();
            }
        }
        out
    }

    /// The allow policy of deployed service `s`, if it lets anything in or out: ingress
    /// per incoming edge (`allowance`), from the Gateway's proxies for the ports Gateway
    /// API routes send to, from the ingress controller for public routes, from anywhere
    /// for LoadBalancer ports, from monitoring for metrics; and egress per outgoing edge.
    /// It reads `s`, its allowance and the scope (see `live::scope_of`) alone.
    pub(super) fn allow_policy(
        &self,
        s: &Service,
        allowance: Option<Allowance>,
    ) -> Option<net::NetworkPolicy> {
        let allowance = allowance.unwrap_or_default();
        let rule = |peer: Peer| match peer {
            Peer::Here(s, port) => (vec![pod_peer(s)], port),
            Peer::Elsewhere(peers, port) => (peers, port),
        };
        let mut ingress: Vec<net::NetworkPolicyIngressRule> = (allowance.ingress.into_iter())
            .map(rule)
            .map(|(from, port)| net::NetworkPolicyIngressRule {
                from: Some(from),
                ports: Some(vec![port]),
            })
            .collect();
        ingress.extend(allowance.gateway);
        let mut egress: Vec<net::NetworkPolicyEgressRule> = (allowance.egress.into_iter())
            .map(rule)
            .map(|(to, port)| net::NetworkPolicyEgressRule {
                to: Some(to),
                ports: Some(vec![port]),
            })
            .collect();
        // Outside the cluster: one rule per block and port, once however many hosts
        // share them (KP325 flags a block that is none, which the API server refuses).
        let mut outside: Vec<(&str, &[String], u16)> = Vec::new();
        for e in &s.egress {
            let rule = (e.cidr.as_str(), e.except.as_slice(), e.port);
            if !outside.contains(&rule) {
                outside.push(rule);
            }
        }
        egress.extend(outside.into_iter().map(|(cidr, except, port)| {
            net::NetworkPolicyEgressRule {
                to: Some(vec![net::NetworkPolicyPeer {
                    ip_block: Some(net::IPBlock {
                        cidr: cidr.to_string(),
                        except: (!except.is_empty()).then(|| except.to_vec()),
                    }),
                    ..Default::default()
                }]),
                ports: Some(vec![np_port(&PortRef::Number(port), Protocol::TCP)]),
            }
        }));
        if let Some(route) = &s.exposure.ingress {
            if let Some(p) = s.service_port(&route.port) {
                let ns = &self.design.cluster.ingress_controller_namespace;
                ingress.push(net::NetworkPolicyIngressRule {
                    from: Some(vec![net::NetworkPolicyPeer {
                        namespace_selector: Some(namespace_selector(ns)),
                        ..Default::default()
                    }]),
                    ports: Some(vec![np_port(&resolved(s, &p.target), p.protocol)]),
                });
            }
        }
        if let Some(lb) = &s.exposure.load_balancer {
            ingress.push(net::NetworkPolicyIngressRule {
                from: Some(vec![net::NetworkPolicyPeer {
                    ip_block: Some(net::IPBlock {
                        cidr: "0.0.0.0/0".into(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]),
                ports: non_empty(
                    lb.ports
                        .iter()
                        .map(|p| np_port(&resolved(s, &p.target), p.protocol))
                        .collect(),
                ),
            });
        }
        if let Some(ns) = &self.design.cluster.monitoring_namespace {
            let mut ports: Vec<_> = (s.metrics.iter())
                .map(|m| np_port(&resolved(s, &m.port), Protocol::TCP))
                .collect();
            for p in allowance.scraped {
                if !ports.contains(&p) {
                    ports.push(p);
                }
            }
            if !ports.is_empty() {
                ingress.push(net::NetworkPolicyIngressRule {
                    from: Some(vec![net::NetworkPolicyPeer {
                        namespace_selector: Some(namespace_selector(ns)),
                        ..Default::default()
                    }]),
                    ports: Some(ports),
                });
            }
        }
        if ingress.is_empty() && egress.is_empty() {
            return None;
        }
        let mut types = Vec::new();
        if !ingress.is_empty() {
            types.push("Ingress".to_string());
        }
        if !egress.is_empty() {
            types.push("Egress".to_string());
        }
        let mut metadata = self.service_meta(s, &naming::allow_policy(&s.name));
        if let Some(hosts) = egress_hosts(&s.egress) {
            let annotations = metadata.annotations.get_or_insert_with(BTreeMap::new);
            annotations.insert(super::EGRESS_HOSTS_ANNOTATION.into(), hosts);
        }
        Some(net::NetworkPolicy {
            metadata,
            spec: Some(net::NetworkPolicySpec {
                pod_selector: Some(label_selector(s)),
                policy_types: Some(types),
                ingress: non_empty(ingress),
                egress: non_empty(egress),
            }),
        })
    }
}

/// The [`super::EGRESS_HOSTS_ANNOTATION`] of a service's destinations outside the
/// cluster: each host on a line of its own (its whitespace as one space), after its
/// block, port and what the block leaves out (`0.0.0.0/0:443 except 10.0.0.0/8
/// api.stripe.com`), grouped by rule in the order of the policy's rules, each once.
fn egress_hosts(egress: &[ExternalEgress]) -> Option<String> {
    fn rule_of(e: &ExternalEgress) -> (&str, &[String], u16) {
        (&e.cidr, &e.except, e.port)
    }
    let mut lines: Vec<(usize, String)> = Vec::new();
    for e in egress {
        let host = e.to.split_whitespace().collect::<Vec<_>>().join(" ");
        let except = match e.except.is_empty() {
            true => String::new(),
            false => format!(" except {}", e.except.join(",")),
        };
        let line = format!("{}:{}{except} {host}", e.cidr, e.port);
        let rule = egress.iter().position(|o| rule_of(o) == rule_of(e));
        if !host.is_empty() && !lines.iter().any(|(_, l)| *l == line) {
            lines.push((rule.unwrap_or_default(), line));
        }
    }
    lines.sort_by_key(|(rule, _)| *rule);
    let lines: Vec<String> = lines.into_iter().map(|(_, line)| line).collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// The hosts an [`super::EGRESS_HOSTS_ANNOTATION`] names: block, port, what the block
/// leaves out and host, in its order. A line that is not one is left out.
pub(crate) fn read_egress_hosts(annotation: &str) -> Vec<ExternalEgress> {
    (annotation.lines())
        .filter_map(|line| {
            let (to, rest) = line.trim().split_once(char::is_whitespace)?;
            let (cidr, port) = to.rsplit_once(':')?;
            let rest = rest.trim_start();
            let (except, host) = match rest.strip_prefix("except").and_then(|r| {
                r.starts_with(char::is_whitespace)
                    .then(|| r.trim_start().split_once(char::is_whitespace))?
            }) {
                Some((blocks, host)) => (blocks.split(',').map(str::to_string).collect(), host),
                None => (Vec::new(), rest),
            };
            Some(ExternalEgress {
                to: host.trim().to_string(),
                cidr: cidr.to_string(),
                port: port.parse().ok()?,
                except,
            })
        })
        .collect()
}

/// What one service's allow policy lets in and out by the environment's edges and
/// routes ([`Renderer::allowances`]).
#[derive(Default)]
pub(super) struct Allowance<'s> {
    /// By incoming edge, in the design's order.
    ingress: Vec<Peer<'s>>,
    /// By outgoing edge, in the design's order.
    egress: Vec<Peer<'s>>,
    /// From the Gateway's proxies.
    gateway: Option<net::NetworkPolicyIngressRule>,
    /// From the monitoring namespace, on the ports monitors kept from an import scrape
    /// (besides the service's own metrics port).
    scraped: Vec<net::NetworkPolicyPort>,
}

/// The other end of one edge, and the port.
enum Peer<'s> {
    /// The pods of a service deployed in this environment.
    Here(&'s Service, net::NetworkPolicyPort),
    /// Pods in other namespaces, read from other environments.
    Elsewhere(Vec<net::NetworkPolicyPeer>, net::NetworkPolicyPort),
}

/// What an [`Allowance`] reads of the other services of its environment: which of them
/// are at the other end of its edges, on which ports, and the Gateway's rule. While
/// these and the services named stay the same, so does the allow policy. `None` for an
/// allowance that reaches other namespaces, which depends on other environments.
#[derive(Clone, Default, PartialEq)]
pub(crate) struct AllowanceInputs {
    ingress: Vec<(ServiceId, net::NetworkPolicyPort)>,
    egress: Vec<(ServiceId, net::NetworkPolicyPort)>,
    gateway: Option<net::NetworkPolicyIngressRule>,
    scraped: Vec<net::NetworkPolicyPort>,
}

impl Allowance<'_> {
    pub(super) fn inputs(&self) -> Option<AllowanceInputs> {
        let here = |peers: &[Peer]| -> Option<Vec<(ServiceId, net::NetworkPolicyPort)>> {
            peers
                .iter()
                .map(|p| match p {
                    Peer::Here(s, port) => Some((s.id, port.clone())),
                    Peer::Elsewhere(..) => None,
                })
                .collect()
        };
        Some(AllowanceInputs {
            ingress: here(&self.ingress)?,
            egress: here(&self.egress)?,
            gateway: self.gateway.clone(),
            scraped: self.scraped.clone(),
        })
    }
}

impl AllowanceInputs {
    /// The services at the other end of the edges.
    pub(super) fn peers(&self) -> impl Iterator<Item = ServiceId> + '_ {
        self.ingress.iter().chain(&self.egress).map(|(id, _)| *id)
    }
}

/// Whether the workload gets its own Service: a ClusterIP Service needs at least one
/// port (the API server rejects one without); a headless one does not.
pub fn has_cluster_service(s: &Service) -> bool {
    match s.exposure.service {
        ServiceKind::None => false,
        ServiceKind::ClusterIP => !s.exposure.ports.is_empty(),
        ServiceKind::Headless => true,
    }
}

/// The container port behind a Service port target: its number when declared.
pub(super) fn resolved(s: &Service, target: &PortRef) -> PortRef {
    s.resolve_port(target)
        .map(|p| PortRef::Number(p.port))
        .unwrap_or_else(|| target.clone())
}

/// The NetworkPolicy port an edge to `to` on Service port `port` needs.
fn edge_target_port(to: &Service, port: &str) -> Option<net::NetworkPolicyPort> {
    let p = to.service_port(port)?;
    Some(np_port(&resolved(to, &p.target), p.protocol))
}

pub(super) fn np_port(p: &PortRef, protocol: Protocol) -> net::NetworkPolicyPort {
    net::NetworkPolicyPort {
        port: Some(int_or_string(p)),
        protocol: Some(protocol.as_str().into()),
        ..Default::default()
    }
}

fn pod_peer(s: &Service) -> net::NetworkPolicyPeer {
    net::NetworkPolicyPeer {
        pod_selector: Some(label_selector(s)),
        ..Default::default()
    }
}

/// The pods of `s` in namespace `ns`: a namespaceSelector and a podSelector in one peer,
/// which NetworkPolicy reads as both at once (in two peers they would be either).
fn namespaced_peer(ns: &str, s: &Service) -> net::NetworkPolicyPeer {
    net::NetworkPolicyPeer {
        namespace_selector: Some(namespace_selector(ns)),
        pod_selector: Some(label_selector(s)),
        ..Default::default()
    }
}

pub(super) fn namespace_selector(ns: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels(&[("kubernetes.io/metadata.name", ns)])),
        ..Default::default()
    }
}
