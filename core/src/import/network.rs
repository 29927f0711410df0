//! Services, Ingresses and NetworkPolicies in: a Service becomes the exposure of the
//! workload it selects (ClusterIP or headless, or a LoadBalancer), an Ingress with one
//! rule and one path the workload's route, and a NetworkPolicy dependency edges, or the
//! environment's default-deny when the design's own policies reproduce the input.

use super::{note_rename, port_ref, workload_for, Renamed, Workload, Workloads};
use crate::model::*;
use crate::order;
use crate::render::Object;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as networking;
use serde_json::Value;

/// A Service becomes the exposure of the workload it selects: its load balancer, or its
/// in-cluster Service if it has none yet.
pub(super) fn service(
    d: &mut Design,
    workloads: &Workloads,
    renamed: &mut Renamed,
    name: &str,
    svc: &core::Service,
) -> bool {
    let spec = svc.spec.clone().unwrap_or_default();
    let Some(w) = workload_for(workloads, spec.selector.as_ref()) else {
        return false;
    };
    let s = d.service_mut(w.id).expect("imported workload");
    // A routed canary's stable and canary Services are rendered from its own (see
    // `gateway::canary_services`).
    let split = name == crate::naming::stable_service(&w.name)
        || name == crate::naming::canary_service(&w.name);
    if split && s.delivery.traffic == CanaryTraffic::GatewayRoute {
        return false;
    }
    let ports: Vec<ServicePort> = spec.ports.iter().flatten().map(service_port).collect();
    let lb = spec.type_.as_deref() == Some("LoadBalancer");
    if lb && s.exposure.load_balancer.is_none() {
        note_rename(
            renamed,
            "Service",
            crate::naming::load_balancer(&w.name),
            name,
        );
        s.exposure.load_balancer = Some(LoadBalancer {
            ports,
            annotations: svc.metadata.annotations.clone().unwrap_or_default(),
        });
        true
    } else if !lb && s.exposure.service == ServiceKind::None {
        note_rename(renamed, "Service", w.name.clone(), name);
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

/// An Ingress with one rule and one path becomes the route of the workload whose Service
/// it sends to.
pub(super) fn ingress(
    d: &mut Design,
    workloads: &[Workload],
    renamed: &mut Renamed,
    name: &str,
    ing: &networking::Ingress,
) -> bool {
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
    // The first route says which controller serves the design's routes: its class
    // (`ingressClassName`, or the annotation older manifests use), or none; and its
    // cert-manager ClusterIssuer is the one the design's routes get.
    if d.services.iter().all(|s| s.exposure.ingress.is_none()) {
        let annotation = |key: &str| (ing.metadata.annotations.as_ref())?.get(key).cloned();
        d.cluster.ingress_class =
            (spec.ingress_class_name.clone()).or_else(|| annotation("kubernetes.io/ingress.class"));
        if let Some(issuer) = annotation("cert-manager.io/cluster-issuer") {
            d.cluster.cert_issuer = issuer;
        }
    }
    note_rename(renamed, "Ingress", w.name.clone(), name);
    let port = backend
        .port
        .as_ref()
        .and_then(|p| p.name.clone().or(p.number.map(|n| n.to_string())))
        .unwrap_or_default();
    let s = d.service_mut(w.id).expect("imported workload");
    // A certificate Secret is cert-manager's (issued, and named after the service)
    // only where the input asks cert-manager for it; any other exists already, and keeps
    // its name.
    let issued = (ing.metadata.annotations.iter().flatten())
        .any(|(k, _)| k == "cert-manager.io/cluster-issuer" || k == "cert-manager.io/issuer");
    let secret = (spec.tls.iter().flatten())
        .find_map(|t| t.secret_name.clone())
        .filter(|n| !issued || *n != crate::naming::tls_secret(&s.name));
    s.exposure.ingress = Some(IngressRoute {
        host: rule.host.clone().unwrap_or_default(),
        path: path.path.clone().unwrap_or_else(|| "/".into()),
        port,
        tls: spec.tls.as_ref().is_some_and(|t| !t.is_empty()),
        tls_secret: secret,
    });
    true
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

/// NetworkPolicies the design has no other place for: edges where they express one;
/// default-deny when the design's own policies reproduce the input exactly, and then they
/// leave `keep`; otherwise the input's are kept whole.
pub(super) fn policies(d: &mut Design, workloads: &Workloads, keep: &mut Vec<(usize, Object)>) {
    let mut policies: Vec<&Object> = keep
        .iter()
        .map(|(_, o)| o)
        .filter(|o| matches!(o, Object::NetworkPolicy(_)))
        .collect();
    for p in &policies {
        edges_from_policy(d, workloads, p);
        egress_from_policy(d, workloads, p);
    }
    if policies.is_empty() {
        return;
    }
    order_edges(d, workloads, &policies);
    if let [ns] = controller_namespaces(d, workloads, &policies).as_slice() {
        d.cluster.ingress_controller_namespace = ns.clone();
    }
    order::sort_by(&mut policies, |a, b| a.name().cmp(b.name()));
    // Default-deny is on when the input's policies are exactly those the design renders
    // with it: with no monitoring namespace, or with one of those the input lets in
    // alone (Prometheus', which scrapes the design's metrics endpoints and the monitors
    // kept whole).
    let monitored = d.services.iter().any(|s| s.metrics.is_some())
        || keep.iter().any(|(_, o)| o.kind().ends_with("Monitor"))
        || d.pinned_objects
            .iter()
            .any(|k| k.kind().ends_with("Monitor"));
    let mut candidates = vec![None];
    if monitored {
        candidates.extend(namespaces_let_in(&policies).into_iter().map(Some));
    }
    // Kept monitors are the design's only once the import ends; here they count as such.
    let monitors = keep
        .iter()
        .filter(|(_, o)| matches!(o, Object::ServiceMonitor(_) | Object::PodMonitor(_)))
        .map(|(_, o)| KeptObject(o.to_json()));
    let before = d.extra_objects.len();
    d.extra_objects.extend(monitors);
    let found = candidates.into_iter().find(|ns| {
        d.cluster.monitoring_namespace = ns.clone();
        reproduces(d, &policies)
    });
    d.extra_objects.truncate(before);
    d.cluster.monitoring_namespace = found.clone().flatten();
    if found.is_some() {
        d.environments[0].default_deny = true;
        keep.retain(|(_, o)| !matches!(o, Object::NetworkPolicy(_)));
    }
}

/// Whether `policies` (in name order) are exactly those the design renders with
/// default-deny. Compared one pair at a time: holding every rendered object and both
/// sides as JSON made this step the import's peak of memory.
fn reproduces(d: &Design, policies: &[&Object]) -> bool {
    let mut rendered = crate::render::network_policies(d, &d.environments[0].name);
    order::sort_by(&mut rendered, |a, b| a.metadata.name.cmp(&b.metadata.name));
    rendered.len() == policies.len()
        && rendered.into_iter().zip(policies).all(|(r, p)| {
            strip_managed(Object::NetworkPolicy(r).to_json()) == strip_managed(p.to_json())
        })
}

/// The namespaces the policies let in whole on the port of a service's route: where
/// the ingress controller runs, which the design's own policies let in.
fn controller_namespaces(d: &Design, workloads: &Workloads, policies: &[&Object]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in policies {
        let Object::NetworkPolicy(np) = p else {
            continue;
        };
        let spec = np.spec.clone().unwrap_or_default();
        let Some(s) = selected(workloads, np).and_then(|w| d.service(w.id)) else {
            continue;
        };
        let Some(route) = (s.exposure.ingress.as_ref()).and_then(|r| s.service_port(&r.port))
        else {
            continue;
        };
        let target = s.resolve_port(&route.target);
        let reaches = |p: &networking::NetworkPolicyPort| {
            p.port.as_ref().map(port_ref).is_none_or(|wanted| {
                wanted == route.target || target.is_some_and(|c| wanted == PortRef::Number(c.port))
            })
        };
        for rule in spec.ingress.iter().flatten() {
            if !rule
                .ports
                .as_ref()
                .is_none_or(|ports| ports.iter().any(reaches))
            {
                continue;
            }
            for peer in rule.from.iter().flatten() {
                if let Some(name) = namespace_let_in(peer).filter(|n| !out.contains(n)) {
                    out.push(name.clone());
                }
            }
        }
    }
    out
}

/// The namespace a peer lets in whole: a namespaceSelector by name, no podSelector.
fn namespace_let_in(peer: &networking::NetworkPolicyPeer) -> Option<&String> {
    (peer.pod_selector.is_none())
        .then_some(peer.namespace_selector.as_ref())
        .flatten()
        .and_then(|s| s.match_labels.as_ref())
        .and_then(|l| l.get("kubernetes.io/metadata.name"))
}

/// The namespaces an ingress rule of `policies` lets in whole (see
/// [`namespace_let_in`]), in order of first mention.
fn namespaces_let_in(policies: &[&Object]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for p in policies {
        let Object::NetworkPolicy(np) = p else {
            continue;
        };
        let rules = np.spec.iter().flat_map(|s| s.ingress.iter().flatten());
        for peer in rules.flat_map(|r| r.from.iter().flatten()) {
            if let Some(name) = namespace_let_in(peer).filter(|n| !out.contains(n)) {
                out.push(name.clone());
            }
        }
    }
    out
}

/// The workload whose pods a NetworkPolicy's podSelector picks.
fn selected<'w>(workloads: &'w Workloads, np: &networking::NetworkPolicy) -> Option<&'w Workload> {
    let spec = np.spec.as_ref()?;
    workload_for(workloads, spec.pod_selector.as_ref()?.match_labels.as_ref())
}

/// The workload whose pods a peer picks in the policy's own namespace (a podSelector
/// alone: no namespaceSelector, no ipBlock).
fn local_peer<'w>(
    workloads: &'w Workloads,
    peer: &networking::NetworkPolicyPeer,
) -> Option<&'w Workload> {
    if peer.namespace_selector.is_some() || peer.ip_block.is_some() {
        return None;
    }
    workload_for(workloads, peer.pod_selector.as_ref()?.match_labels.as_ref())
}

/// Dependency edges a NetworkPolicy expresses: ingress to the pods it selects from the
/// pods another rule selects.
fn edges_from_policy(d: &mut Design, workloads: &Workloads, o: &Object) {
    let Object::NetworkPolicy(np) = o else { return };
    let spec = np.spec.clone().unwrap_or_default();
    let Some(to) = selected(workloads, np) else {
        return;
    };
    for rule in spec.ingress.iter().flatten() {
        for peer in rule.from.iter().flatten() {
            let Some(from) = local_peer(workloads, peer) else {
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

/// Egress outside the cluster a NetworkPolicy allows the pods it selects: each rule to
/// IP blocks alone (with what each leaves out) on TCP port numbers is one destination
/// per block and port, as the design renders them.
fn egress_from_policy(d: &mut Design, workloads: &Workloads, o: &Object) {
    let Object::NetworkPolicy(np) = o else { return };
    let Some(from) = selected(workloads, np) else {
        return;
    };
    let spec = np.spec.clone().unwrap_or_default();
    let mut found = Vec::new();
    for rule in spec.egress.iter().flatten() {
        let blocks: Option<Vec<&networking::IPBlock>> = (rule.to.iter().flatten())
            .map(
                |peer| match (&peer.ip_block, &peer.pod_selector, &peer.namespace_selector) {
                    (Some(b), None, None) => Some(b),
                    _ => None,
                },
            )
            .collect();
        let ports: Option<Vec<u16>> = (rule.ports.iter().flatten())
            .map(|p| match (&p.port, p.protocol.as_deref(), p.end_port) {
                (
                    Some(k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::Int(n)),
                    None | Some("TCP"),
                    None,
                ) => u16::try_from(*n).ok(),
                _ => None,
            })
            .collect();
        let (Some(blocks), Some(ports)) = (blocks, ports) else {
            continue;
        };
        for block in &blocks {
            for port in &ports {
                found.push(ExternalEgress {
                    to: String::new(),
                    cidr: block.cidr.clone(),
                    port: *port,
                    except: block.except.clone().unwrap_or_default(),
                });
            }
        }
    }
    // The hosts the design noted for them, which render writes beside the rules: the
    // first host of a block and port names the destination, any other is one more,
    // after it. A host of a block and port the rules do not have is left out.
    let annotation = (np.metadata.annotations.as_ref())
        .and_then(|a| a.get(crate::render::EGRESS_HOSTS_ANNOTATION));
    for host in annotation
        .map(|a| crate::render::read_egress_hosts(a))
        .unwrap_or_default()
    {
        let same = |e: &ExternalEgress| {
            (&e.cidr, e.port, &e.except) == (&host.cidr, host.port, &host.except)
        };
        if found.contains(&host) {
            continue;
        }
        match found.iter().position(|e| e.to.is_empty() && same(e)) {
            Some(i) => found[i].to = host.to,
            None => {
                if let Some(last) = found.iter().rposition(same) {
                    found.insert(last + 1, host);
                }
            }
        }
    }
    if let Some(s) = d.service_mut(from.id) {
        for e in found {
            if !s.egress.contains(&e) {
                s.egress.push(e);
            }
        }
    }
}

/// Dependency edges the configuration names (`API_URL=http://shop-api`, a ConfigMap's
/// `REDIS_HOST: shop-redis` read through envFrom), so that the canvas draws who calls
/// whom. The addresses are read as KP320 reads them: each one it would ask an edge for
/// under default-deny, and can say which (one caller, one port), becomes that edge.
/// Only where no environment denies by default: there an edge also writes allowances
/// the input's policies may not have, and those policies give the edges already.
pub(super) fn edges_from_config(d: &mut Design) {
    if d.environments.iter().any(|e| e.default_deny) {
        return;
    }
    let mut found = Vec::new();
    for env in &d.environments {
        for edge in crate::rules::edges_the_addresses_ask(d, &env.name) {
            if !found.contains(&edge) {
                found.push(edge);
            }
        }
    }
    for edge in found {
        let _ = d.apply(crate::Edit::AddEdge(edge));
    }
}

/// Puts the design's edges in the order the input's policies list them. A service's
/// allow policy has an egress rule per outgoing edge and an ingress rule per incoming
/// one, both in the design's order (see `render::network`), so the edges are sorted
/// topologically by both orders of every policy, ties in the order they were found. An
/// input whose orders contradict each other keeps that order.
fn order_edges(d: &mut Design, workloads: &Workloads, policies: &[&Object]) {
    let n = d.edges.len();
    let mut after: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut before = vec![0usize; n];
    let local = |peer: &networking::NetworkPolicyPeer| local_peer(workloads, peer).map(|w| w.id);
    for p in policies {
        let Object::NetworkPolicy(np) = p else {
            continue;
        };
        let spec = np.spec.clone().unwrap_or_default();
        let Some(own) = selected(workloads, np) else {
            continue;
        };
        let outgoing = (spec.egress.iter().flatten())
            .flat_map(|r| r.to.iter().flatten())
            .filter_map(|peer| Some((own.id, local(peer)?)));
        let incoming = (spec.ingress.iter().flatten())
            .flat_map(|r| r.from.iter().flatten())
            .filter_map(|peer| Some((local(peer)?, own.id)));
        for pairs in [outgoing.collect::<Vec<_>>(), incoming.collect()] {
            // Each rule is the next edge of its pair not yet listed.
            let mut listed: Vec<usize> = Vec::new();
            for (from, to) in pairs {
                let next = (0..n).find(|&i| {
                    let e = &d.edges[i];
                    e.from == from && e.to == to && !listed.contains(&i)
                });
                listed.extend(next);
            }
            for w in listed.windows(2) {
                after[w[0]].push(w[1]);
                before[w[1]] += 1;
            }
        }
    }
    let mut ready: std::collections::BTreeSet<usize> = (0..n).filter(|&i| before[i] == 0).collect();
    let mut sorted = Vec::with_capacity(n);
    while let Some(i) = ready.pop_first() {
        sorted.push(i);
        for &j in &after[i] {
            before[j] -= 1;
            if before[j] == 0 {
                ready.insert(j);
            }
        }
    }
    if sorted.len() == n {
        let mut edges: Vec<Option<Edge>> = d.edges.drain(..).map(Some).collect();
        d.edges = sorted.into_iter().filter_map(|i| edges[i].take()).collect();
    }
}

/// Labels Kubeprint adds itself and the hosts of its egress, ignored when comparing
/// policies.
fn strip_managed(mut v: Value) -> Value {
    // Which hosts the blocks are for is read into the design: how the input wrote it
    // (in another order, twice, a block the rules lack) does not matter.
    if let Some(annotations) = v["metadata"]["annotations"].as_object_mut() {
        annotations.remove(crate::render::EGRESS_HOSTS_ANNOTATION);
        if annotations.is_empty() {
            if let Some(meta) = v["metadata"].as_object_mut() {
                meta.remove("annotations");
            }
        }
    }
    if let Some(labels) = v["metadata"]["labels"].as_object_mut() {
        labels.remove("app.kubernetes.io/managed-by");
        labels.remove("app.kubernetes.io/part-of");
        labels.remove("app.kubernetes.io/component");
        labels.remove("app.kubernetes.io/version");
        labels.remove("app.kubernetes.io/name");
    }
    v
}
