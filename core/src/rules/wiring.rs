//! Wiring rules (KP3xx): what points at what. Service ports at container ports, probes
//! at ports, routes and edges at Services, config at ConfigMaps and Secrets, and object
//! names unique in the namespace. Fixtures: `core/tests/rules/wiring.rs`.

pub(super) mod addresses;
mod gateway;
mod monitoring;

use super::catalog::*;
use super::context::{batch_fix, config_key, service_port_lists, set, set_fix, svc, Ctx};
use super::{Fix, Severity};
use crate::domain::NODE_PORT_RANGE;
use crate::edges::{self, EdgeTarget};
use crate::edit::{Edit, FieldPath, Target};
use crate::model::*;
use crate::naming;
use crate::order::Collect;
use serde_json::json;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The wiring checks of the environment as a whole.
pub(super) fn environment(cx: &mut Ctx, deployed: &[Service]) {
    object_names(cx, deployed);
    ingress_claims(cx, deployed);
    published_not_reachable(cx, deployed);
    addresses::environment(cx, deployed);
    monitoring::environment(cx, deployed);
    gateway::environment(cx);
    secret_types(cx);
}

/// KP314: a service its compose file published on the host on an HTTP port (its front
/// door, opened in a browser) is reached from outside the cluster: by its Ingress,
/// Gateway route or LoadBalancer, or through a deployed service that is and calls it.
/// The fix adds a LoadBalancer Service.
fn published_not_reachable(cx: &mut Ctx, deployed: &[Service]) {
    let public = |s: &Service| {
        let e = &s.exposure;
        e.ingress.is_some() || e.load_balancer.is_some() || e.gateway_route.is_some()
    };
    // Reached through a public service: one it calls, or a Service its Gateway route
    // sends to (by the Service's name).
    let mut fronted: HashSet<ServiceId> = (cx.design.edges.iter())
        .filter(|e| deployed.iter().any(|s| s.id == e.from && public(s)))
        .map(|e| e.to)
        .collect();
    let routed: HashSet<&str> = (deployed.iter())
        .filter_map(|s| s.exposure.gateway_route.as_ref())
        .flat_map(|r| r.rules.iter().flat_map(|rule| &rule.backends))
        .map(|b| b.service.as_str())
        .filter(|name| !name.is_empty())
        .collect();
    fronted.extend(
        (deployed.iter())
            .filter(|s| routed.contains(s.service_name()))
            .map(|s| s.id),
    );
    for s in deployed {
        let Some(published) = &s.local.published else {
            continue;
        };
        if public(s) || fronted.contains(&s.id) {
            continue;
        }
        // Each HTTP port published, as the host port on the container port: what a
        // LoadBalancer would answer on.
        let http: Vec<ServicePort> = (published.iter())
            .filter_map(|h| {
                let c = s.resolve_port(&h.port)?;
                let web = c.name.starts_with("http") || matches!(c.port, 80 | 443);
                web.then(|| ServicePort {
                    name: c.name.clone(),
                    port: h.host.unwrap_or(c.port),
                    target: match c.name.is_empty() {
                        true => PortRef::Number(c.port),
                        false => PortRef::Name(c.name.clone()),
                    },
                    protocol: c.protocol,
                    app_protocol: None,
                })
            })
            .collect();
        if http.is_empty() {
            continue;
        }
        let ports: Vec<String> = http.iter().map(|p| p.port.to_string()).collect();
        let ports = crate::words::and_list(&ports);
        let message = format!(
            "`{}` was published on the host by its compose file ({ports}), and nothing here reaches it from outside the cluster: its Service is cluster-internal, with no Ingress, Gateway route or LoadBalancer, and no service that has one calls it",
            s.name
        );
        let at = svc(s, "/exposure/load_balancer");
        let label = format!(
            "Add a LoadBalancer Service `{}` on port{} {ports}",
            naming::load_balancer(&s.name),
            if http.len() == 1 { "" } else { "s" }
        );
        let lb = LoadBalancer {
            ports: http,
            annotations: Default::default(),
        };
        let fix = set_fix(label, at.clone(), json!(lb));
        cx.report(&PUBLISHED_NOT_REACHABLE, Some(s), at, message)
            .fix = fix;
    }
}

/// KP312: each Secret of a built-in type carries the keys its type requires.
fn secret_types(cx: &mut Ctx) {
    for sec in &cx.design.secrets {
        let (all, any): (&[&str], &[&str]) = match sec.kind.as_str() {
            "kubernetes.io/tls" => (&["tls.crt", "tls.key"], &[]),
            "kubernetes.io/ssh-auth" => (&["ssh-privatekey"], &[]),
            "kubernetes.io/dockerconfigjson" => (&[".dockerconfigjson"], &[]),
            "kubernetes.io/dockercfg" => (&[".dockercfg"], &[]),
            "kubernetes.io/basic-auth" => (&[], &["username", "password"]),
            _ => continue,
        };
        let has = |k: &&str| sec.keys.iter().any(|have| have == k);
        let mut missing: Vec<&str> = all.iter().filter(|k| !has(k)).copied().collect();
        if !any.is_empty() && !any.iter().any(has) {
            missing.push(any[0]);
        }
        if missing.is_empty() {
            continue;
        }
        let needs = if any.is_empty() {
            all.join(" and ")
        } else {
            any.join(" or ")
        };
        let at = FieldPath {
            target: Target::Secret(sec.name.clone()),
            pointer: "/keys".into(),
        };
        let mut keys = sec.keys.clone();
        keys.extend(missing.iter().map(|k| k.to_string()));
        let fix = set_fix(
            format!("Add {} to `{}`", missing.join(" and "), sec.name),
            at.clone(),
            json!(keys),
        );
        let message = format!(
            "Secret `{}` is of type {} and lacks {}: it needs {needs}",
            sec.name,
            sec.kind,
            missing.join(" and ")
        );
        cx.report(&SECRET_TYPE_KEYS, None, at, message).fix = fix;
    }
}

/// The environment's deployed services as the checks of one service look at the others:
/// indexed once per validation, so that finding a service's edges, callers and the
/// routes that send to it does not scan the design once per service.
pub(super) struct Peers<'a> {
    /// All the services of the environment, deployed (effective), in design order.
    deployed: &'a [Service],
    by_id: HashMap<ServiceId, &'a Service>,
    /// The design's edges by caller, in design order.
    edges_from: HashMap<ServiceId, Vec<&'a Edge>>,
    /// The services an edge may reach here: its caller runs here, or in another
    /// environment whose edges lead here (see [`edges::callers_into`]).
    called: HashSet<ServiceId>,
    /// The services a route of this environment sends to (its own, or another's
    /// backend).
    routed: HashSet<ServiceId>,
    /// The services that monitors kept whole from an import scrape, and their pods'
    /// ports scraped.
    kept_scrapes: HashMap<ServiceId, Vec<PortRef>>,
}

impl<'a> Peers<'a> {
    pub(super) fn new(design: &'a Design, env: &Environment, deployed: &'a [Service]) -> Self {
        let by_id: HashMap<ServiceId, &Service> = deployed.iter().map(|s| (s.id, s)).collect();
        let mut edges_from: HashMap<ServiceId, Vec<&Edge>> = HashMap::new();
        let mut called = HashSet::new();
        for e in &design.edges {
            edges_from.entry(e.from).or_default().push(e);
            if by_id.contains_key(&e.from) || !edges::callers_into(design, env, e).is_empty() {
                called.insert(e.to);
            }
        }
        let mut routed = HashSet::new();
        for r in deployed {
            if let Some(route) = &r.exposure.gateway_route {
                for rule in crate::routes::rules(route) {
                    for b in &crate::routes::backends(route, rule) {
                        if let Some(t) = crate::routes::backend_target(r, b, deployed) {
                            routed.insert(t.id);
                        }
                    }
                }
            }
        }
        Peers {
            deployed,
            by_id,
            edges_from,
            called,
            routed,
            kept_scrapes: crate::render::kept_scrapes(design, env, deployed),
        }
    }
}

/// The wiring checks of one deployed (effective) service that read only the service and
/// its scope (the environment, the design's config and settings): its ports, probes,
/// containers, Ingress, config references and metrics.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    ports(cx, s);
    for (kind, probe) in [
        ("startup", &s.probes.startup),
        ("liveness", &s.probes.liveness),
        ("readiness", &s.probes.readiness),
    ] {
        if let Some(p) = probe {
            probe_port(cx, s, kind, p);
        }
    }
    containers(cx, s);
    monitoring::service(cx, s);
    ingress(cx, s);
    config_references(cx, s);
    mounted_files(cx, s);
    duplicate_env(cx, s, &s.config, "/config/env", "");
    variable_references(cx, s, (&s.config, &s.command, &s.args), "", "");
    port_pools(cx, s);
    egress(cx, s);
    if s.kind == WorkloadKind::StatefulSet {
        headless(cx, s);
    }
    headless_ports(cx, s);
}

/// Whether a Service port other than the `i`th has number `number` for its protocol.
fn port_taken(s: &Service, i: usize, number: u16) -> bool {
    let protocol = s.exposure.ports[i].protocol;
    (s.exposure.ports.iter().enumerate())
        .any(|(j, p)| j != i && p.port == number && p.protocol == protocol)
}

/// KP310's fix for a ClusterIP Service: headless, each port numbered as the container
/// port it targets, since no virtual IP maps one to the other any more (KP323).
fn made_headless(s: &Service, governing: &str, path: &FieldPath) -> Option<Fix> {
    let label = format!("Make Service `{governing}` headless");
    let mut headless = s.clone();
    headless.exposure.service = ServiceKind::Headless;
    let mut renumbered = Vec::new();
    for (i, sp) in s.exposure.ports.iter().enumerate() {
        let listens = headless.dialed_port(sp);
        if listens == sp.port || listens == 0 {
            continue;
        }
        // Two ports of one number: no fix, the user chooses.
        if port_taken(s, i, listens) {
            return None;
        }
        renumbered.push(set(
            svc(s, &format!("/exposure/ports/{i}/port")),
            json!(listens),
        ));
    }
    if renumbered.is_empty() {
        return set_fix(label, path.clone(), json!("Headless"));
    }
    // Numbered first, while the Service still maps them: the addresses that dial the
    // old number follow to the new one.
    let mut edits = renumbered;
    edits.push(set(path.clone(), json!("Headless")));
    batch_fix(
        format!("{label}, its ports numbered as the container's"),
        edits,
    )
}

/// KP323: a headless Service's port is the container port it targets: its name resolves
/// to the pods, so a port numbered otherwise is one nothing listens on.
fn headless_ports(cx: &mut Ctx, s: &Service) {
    if s.exposure.service != ServiceKind::Headless {
        return;
    }
    for (i, sp) in s.exposure.ports.iter().enumerate() {
        let listens = s.dialed_port(sp);
        if listens == sp.port || listens == 0 {
            continue;
        }
        let path = svc(s, &format!("/exposure/ports/{i}/port"));
        let message = format!(
            "Service `{}` is headless: its name resolves to the pods, so a caller dialing port {} (`{}`) reaches a pod on {}, where nothing listens; the container listens on {listens}",
            s.service_name(),
            sp.port,
            sp.name,
            sp.port
        );
        // Not onto another port's number (the API refuses two alike).
        let fix = (!port_taken(s, i, listens))
            .then(|| {
                set_fix(
                    format!(
                        "Number Service port `{}` {listens}, as the container listens",
                        sp.name
                    ),
                    path.clone(),
                    json!(listens),
                )
            })
            .flatten();
        cx.report(&HEADLESS_PORT_REMAPPED, Some(s), path, message)
            .fix = fix;
    }
}

/// The wiring checks of one deployed (effective) service that look at the others
/// (`peers`: all the services of the environment): its route's backends, its edges and
/// whether anything may reach it.
pub(super) fn between(cx: &mut Ctx, s: &Service, peers: &Peers) {
    gateway::service(cx, s, peers.deployed);
    edges(cx, s, peers);
    reachable(cx, s, peers);
}

/// KP310: a StatefulSet's governing Service exists and is headless. Read from the
/// rendered objects: the StatefulSet's `serviceName` (an import may keep its own) and
/// the Service of that name, the service's own or one kept whole.
fn headless(cx: &mut Ctx, s: &Service) {
    let (governing, found) = if cx.keeps_anything(s) {
        let Some(sts) = cx.rendered_workload(s) else {
            return;
        };
        let governing = sts["spec"]["serviceName"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let found = cx
            .rendered()
            .objects
            .iter()
            .find(|o| o.kind() == "Service" && o.name() == governing && !governing.is_empty())
            .map(|o| o.to_json()["spec"]["clusterIP"] == "None");
        (governing, found)
    } else {
        // Nothing kept: the rendering is the model's, which says the same without it.
        let governing = s.service_name().to_string();
        let found = crate::render::has_cluster_service(s)
            .then_some(s.exposure.service == ServiceKind::Headless);
        (governing, found)
    };
    let governing = governing.as_str();
    // The fix changes the service's own Service, so it is offered when that is the one
    // the StatefulSet names.
    let own = governing == s.service_name();
    let path = svc(s, "/exposure/service");
    let (message, fix) = match found {
        Some(true) => return,
        Some(false) => (
            format!("StatefulSet `{}` is governed by Service `{governing}`, which is not headless: its pods get no stable DNS names", s.name),
            (own && s.exposure.service == ServiceKind::ClusterIP)
                .then(|| made_headless(s, governing, &path))
                .flatten(),
        ),
        None if governing.is_empty() => (
            format!("StatefulSet `{}` names no governing Service (serviceName): its pods get no stable DNS names", s.name),
            None,
        ),
        None => (
            format!("StatefulSet `{}` is governed by Service `{governing}`, which the design does not create: its pods get no stable DNS names", s.name),
            (own && s.exposure.service == ServiceKind::None)
                .then(|| set_fix(format!("Create the headless Service `{governing}`"), path.clone(), json!("Headless")))
                .flatten(),
        ),
    };
    cx.report(&STATEFULSET_NOT_HEADLESS, Some(s), path, message)
        .fix = fix;
}

/// KP311: under default-deny, something may connect to a service that has a Service.
fn reachable(cx: &mut Ctx, s: &Service, peers: &Peers) {
    if cx.env.default_deny
        && s.exposure.service != ServiceKind::None
        && !s.exposure.ports.is_empty()
    {
        // Callers here, or in other namespaces whose edges lead here (see `edges`).
        let called = peers.called.contains(&s.id);
        // A route of this environment sends to it (its own, or another's backend).
        let routed = peers.routed.contains(&s.id);
        if called || routed || s.exposure.ingress.is_some() || s.exposure.load_balancer.is_some() {
            return;
        }
        // Prometheus, on the design's metrics endpoint and what monitors kept from an
        // import scrape: a Service port it does not scrape is still unreachable.
        let number = |p: &PortRef| {
            s.resolve_port(p)
                .map_or_else(|| p.clone(), |c| PortRef::Number(c.port))
        };
        let scraped: Vec<PortRef> = (s.metrics.iter().map(|m| &m.port))
            .chain(peers.kept_scrapes.get(&s.id).into_iter().flatten())
            .filter(|_| cx.design.cluster.monitoring_namespace.is_some())
            .map(number)
            .collect();
        let unreached: Vec<String> = (s.exposure.ports.iter())
            .filter(|p| !scraped.contains(&number(&p.target)))
            .map(|p| {
                if p.name.is_empty() {
                    p.port.to_string()
                } else {
                    p.name.clone()
                }
            })
            .collect();
        let message = if scraped.is_empty() {
            format!("default-deny is on and nothing may connect to `{}`: no edge, route, load balancer or scrape reaches it", s.name)
        } else if !unreached.is_empty() {
            format!("default-deny is on and only Prometheus' scrape may connect to `{}`: nothing reaches its port{} `{}`", s.name, if unreached.len() == 1 { "" } else { "s" }, unreached.join("`, `"))
        } else {
            return;
        };
        // A service a local run publishes on the host (compose's `ports:`) is reached
        // from outside: an Ingress says so here.
        let published = (s.local.published.as_ref()).is_some_and(|p| !p.is_empty());
        let fix = (published && scraped.is_empty())
            .then(|| {
                let route = crate::presets::ingress_in(cx.design, s);
                set_fix(
                    format!(
                        "Make `{}` public via Ingress ({}{}), as its local run publishes it",
                        s.name, route.host, route.path
                    ),
                    svc(s, "/exposure/ingress"),
                    serde_json::to_value(&route).unwrap_or_default(),
                )
            })
            .flatten();
        cx.report(
            &UNREACHABLE_UNDER_DEFAULT_DENY,
            Some(s),
            svc(s, "/exposure/ports"),
            message,
        )
        .fix = fix;
    }
}

/// KP309: no two objects of one kind share a name in the namespace, derived names
/// included.
fn object_names(cx: &mut Ctx, deployed: &[Service]) {
    /// What claimed a name first; its field is written out only for a collision.
    #[derive(Clone, Copy)]
    enum By<'a> {
        ConfigMap(&'a str),
        Secret(&'a str),
        DefaultDeny,
        Service(&'a Service),
        /// An object kept whole (an imported PDB of one environment, say).
        Kept(&'a KeptObject),
    }
    impl By<'_> {
        fn path(self, env: &str) -> FieldPath {
            let (target, pointer) = match self {
                By::ConfigMap(name) => (Target::ConfigMap(name.into()), "/name"),
                By::Secret(name) => (Target::Secret(name.into()), "/name"),
                By::DefaultDeny => return FieldPath::environment(env, "/default_deny"),
                By::Service(s) => return svc(s, "/name"),
                By::Kept(k) => (
                    Target::Object {
                        kind: k.kind().into(),
                        namespace: k.namespace().map(String::from),
                        name: k.name().into(),
                    },
                    "",
                ),
            };
            FieldPath {
                target,
                pointer: pointer.into(),
            }
        }
    }
    fn claim<'a>(
        seen: &mut HashMap<(&'a str, Cow<'a, str>), By<'a>>,
        cx: &mut Ctx,
        kind: &'a str,
        name: Cow<'a, str>,
        by: By<'a>,
    ) {
        match seen.entry((kind, name)) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let env = &cx.env.name;
                let (_, name) = first.key();
                let msg = format!(
                    "two objects would be {kind} `{name}` (also claimed by {})",
                    first.get().path(env)
                );
                let who = match by {
                    By::Service(s) => Some(s),
                    _ => None,
                };
                // The certificate cert-manager would issue into a Secret the design
                // declares: most likely that Secret holds it already.
                let declared = match (*first.get(), who) {
                    (By::Secret(declared), Some(s)) if kind == "Secret" => (s.exposure.ingress)
                        .as_ref()
                        .filter(|r| r.issued() && r.secret_name(&s.name) == declared)
                        .map(|_| (s, declared.to_string())),
                    _ => None,
                };
                let path = by.path(env);
                let f = cx.report(&DUPLICATE_OBJECT_NAME, who, path, msg);
                if let Some((s, declared)) = declared {
                    f.fix = set_fix(
                        format!("Terminate TLS with the Secret `{declared}` the design declares"),
                        svc(s, "/exposure/ingress/tls_secret"),
                        declared.into(),
                    );
                }
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(by);
            }
        }
    }
    let (design, env) = (cx.design, cx.env);
    let mut seen = HashMap::new();
    for cm in &design.config_maps {
        claim(
            &mut seen,
            cx,
            "ConfigMap",
            Cow::Borrowed(&cm.name),
            By::ConfigMap(&cm.name),
        );
    }
    for sec in &design.secrets {
        claim(
            &mut seen,
            cx,
            "Secret",
            Cow::Borrowed(&sec.name),
            By::Secret(&sec.name),
        );
    }
    if env.default_deny {
        for fixed in [naming::DEFAULT_DENY_POLICY, naming::DNS_EGRESS_POLICY] {
            claim(
                &mut seen,
                cx,
                "NetworkPolicy",
                Cow::Borrowed(fixed),
                By::DefaultDeny,
            );
        }
    }
    for s in deployed {
        for (kind, name) in crate::render::object_names(s, env) {
            claim(&mut seen, cx, kind, name, By::Service(s));
        }
    }
    // Objects kept whole in this namespace claim their names too: a budget the design
    // adds beside an imported one of the same name would replace it.
    let kept = (design.kept_in(env))
        .filter(|k| k.namespace().is_none_or(|ns| ns == env.namespace))
        .filter(|k| !k.kind().is_empty() && !k.name().is_empty());
    for k in kept {
        claim(
            &mut seen,
            cx,
            k.kind(),
            Cow::Borrowed(k.name()),
            By::Kept(k),
        );
    }
}

/// KP301 and KP307: Service ports target declared container ports, and no port list
/// repeats a name or a number.
fn ports(cx: &mut Ctx, s: &Service) {
    for (base, ports) in service_port_lists(s) {
        for (i, p) in ports.iter().enumerate() {
            if pod_port(s, &p.target).is_some() {
                continue;
            }
            let path = svc(s, &format!("{base}/{i}/target"));
            let f = cx.report(
                &SERVICE_TARGET_PORT_UNKNOWN,
                Some(s),
                path.clone(),
                format!("Service port {} targets container port `{}`, which no container of the pod declares", p.port, p.target),
            );
            if matches!(p.target, PortRef::Number(_)) {
                f.severity = Severity::Warning;
            }
            if let [only] = s.ports.as_slice() {
                let value = if only.name.is_empty() {
                    json!(only.port)
                } else {
                    json!(only.name)
                };
                f.fix = set_fix(format!("Target container port {value}"), path, value);
            }
        }
        for (i, p) in ports.iter().enumerate() {
            if p.name.is_empty() && ports.len() > 1 {
                cx.report(
                    &DUPLICATE_PORT,
                    Some(s),
                    svc(s, &format!("{base}/{i}")),
                    format!(
                        "Service port {} needs a name: the Service has several ports",
                        p.port
                    ),
                );
            }
        }
        let checked = ports.iter().enumerate().map(|(i, p)| PortCheck {
            name: &p.name,
            port: p.port,
            protocol: p.protocol,
            duplicate_name_at: svc(s, &format!("{base}/{i}")),
            duplicate_port_at: svc(s, &format!("{base}/{i}")),
        });
        duplicate_ports(cx, s, "Service port", checked);
    }
    let checked = s.ports.iter().enumerate().map(|(i, p)| PortCheck {
        name: &p.name,
        port: p.port,
        protocol: p.protocol,
        duplicate_name_at: svc(s, &format!("/ports/{i}/name")),
        duplicate_port_at: svc(s, &format!("/ports/{i}/port")),
    });
    duplicate_ports(cx, s, "container port", checked);
}

/// One port of a list, with the fields its findings point at.
struct PortCheck<'p> {
    name: &'p str,
    port: u16,
    protocol: Protocol,
    duplicate_name_at: FieldPath,
    duplicate_port_at: FieldPath,
}

/// KP307 for one port list: names unique, number and protocol unique. `what` is
/// "Service port" or "container port". (Whether a name is valid is KP402, in `names`.)
fn duplicate_ports<'p>(
    cx: &mut Ctx,
    s: &Service,
    what: &str,
    ports: impl Iterator<Item = PortCheck<'p>>,
) {
    let mut names = BTreeSet::new();
    let mut numbers = BTreeSet::new();
    for p in ports {
        if !p.name.is_empty() && !names.insert(p.name) {
            let message = format!("two {what}s are named `{}`", p.name);
            cx.report(&DUPLICATE_PORT, Some(s), p.duplicate_name_at, message);
        }
        if !numbers.insert((p.port, p.protocol)) {
            let message = format!("two {what}s use {}/{}", p.port, p.protocol.as_str());
            cx.report(&DUPLICATE_PORT, Some(s), p.duplicate_port_at, message);
        }
    }
}

/// A container port of the pod a Service port may target: the main container's, a
/// regular container's or a native sidecar's (the EndpointSlice controller resolves a
/// named targetPort in all of them; a plain init container has stopped by then).
fn pod_port<'s>(s: &'s Service, port: &PortRef) -> Option<&'s ContainerPort> {
    s.resolve_port(port).or_else(|| {
        s.containers
            .iter()
            .filter(|c| c.role != ContainerRole::Init)
            .flat_map(|c| &c.ports)
            .find(|p| match port {
                PortRef::Number(n) => p.port == *n,
                PortRef::Name(name) => p.name == *name,
            })
    })
}

/// KP302: a probe checks a port the main container declares.
fn probe_port(cx: &mut Ctx, s: &Service, kind: &str, p: &Probe) {
    probe_port_of(cx, s, &s.ports, "", "", kind, p);
}

/// KP302 for a probe of one container with `ports`: `base` is the pointer of that
/// container (`""` for the main one, `/containers/N` for another) and `who` how a
/// message names it. A probe is sent to the pod's IP, but a named port resolves in its
/// own container only, and the port a probe should check is one its container serves.
fn probe_port_of(
    cx: &mut Ctx,
    s: &Service,
    ports: &[ContainerPort],
    base: &str,
    who: &str,
    kind: &str,
    p: &Probe,
) {
    let port = match &p.action {
        ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } => port.clone(),
        ProbeAction::Grpc { port, .. } => PortRef::Number(*port),
        ProbeAction::Exec { .. } => return,
    };
    let declared = ports.iter().any(|c| match &port {
        PortRef::Number(n) => c.port == *n,
        PortRef::Name(name) => c.name == *name,
    });
    if declared {
        return;
    }
    // A name must be one of the container's port names, or the probe fails every time.
    // A number is only compared with the declared numbers: probing an undeclared port is
    // valid and works when the app listens there, so it is a warning that says so.
    let named = matches!(port, PortRef::Name(_));
    let path = svc(s, &format!("{base}/probes/{kind}/action/port"));
    let message = match (named, who.is_empty()) {
        (true, true) => format!("the {kind} probe checks port `{port}`, but no container port has that name: the probe fails every time"),
        (false, true) => format!("the {kind} probe checks port {port}, which is not a declared container port: it works only if the app listens there (declare the port to make sure)"),
        (true, false) => format!("{who}the {kind} probe checks port `{port}`, but no port of this container has that name (a name resolves in its own container): the probe fails every time"),
        (false, false) => format!("{who}the {kind} probe checks port {port}, which this container does not declare: it works only if it listens there (declare the port to make sure)"),
    };
    let f = cx.report(&PROBE_PORT_UNKNOWN, Some(s), path.clone(), message);
    if !named {
        f.severity = Severity::Warning;
    }
    if let [only] = ports {
        let value = match (&p.action, only.name.is_empty()) {
            (ProbeAction::Grpc { .. }, _) | (_, true) => json!(only.port),
            _ => json!(only.name),
        };
        f.fix = set_fix(
            format!(
                "Probe port {}",
                if only.name.is_empty() {
                    only.port.to_string()
                } else {
                    only.name.clone()
                }
            ),
            path,
            value,
        );
    }
}

/// KP721 for a design that keeps nothing from an import: no two services' own Ingresses
/// (one class, the design's) claim the same host and path. With something kept, the
/// reference rules compare every rendered Ingress, these included.
fn ingress_claims(cx: &mut Ctx, deployed: &[Service]) {
    if !cx.rendered.objects.is_empty() {
        return;
    }
    let mut claimed: HashMap<(&str, &str), &Service> = HashMap::new();
    for s in deployed {
        let Some(route) = &s.exposure.ingress else {
            continue;
        };
        if s.exposure.service == ServiceKind::None {
            continue;
        }
        let host = if route.host.is_empty() {
            "*"
        } else {
            route.host.as_str()
        };
        // The renderer writes an empty path as `/`.
        let at = if route.path.is_empty() {
            "/"
        } else {
            route.path.as_str()
        };
        match claimed.get(&(host, at)) {
            Some(first) => {
                let message = format!(
                    "the Ingress of `{}` claims {host}{at}, which the Ingress of `{}` already routes: ingress-nginx refuses it (host and path already defined), other controllers send it to one of the two",
                    s.name, first.name
                );
                cx.report(
                    &INGRESS_ROUTE_CLAIMED_TWICE,
                    Some(s),
                    svc(s, "/exposure/ingress/path"),
                    message,
                );
            }
            None => {
                claimed.insert((host, at), s);
            }
        }
    }
}

/// KP303: the Ingress routes to a port of the service's own Service.
fn ingress(cx: &mut Ctx, s: &Service) {
    if let Some(route) = &s.exposure.ingress {
        let ok = s.exposure.service != ServiceKind::None && s.service_port(&route.port).is_some();
        if !ok {
            let path = svc(s, "/exposure/ingress/port");
            let f = cx.report(
                &INGRESS_BACKEND_MISSING,
                Some(s),
                path.clone(),
                if s.exposure.service == ServiceKind::None {
                    format!("the Ingress for `{}` routes to a Service that is not created (the service has none)", route.host)
                } else {
                    format!("the Ingress for `{}` routes to Service port `{}`, which does not exist", route.host, route.port)
                },
            );
            // No Service, or no Service port yet, but a container port: the Service
            // and its port to the container's, and the route to that.
            if s.callable_ports().is_empty() && !s.ports.is_empty() {
                let mut edits = Vec::new();
                let mut said = Vec::new();
                if s.exposure.service == ServiceKind::None {
                    edits.push(set(
                        svc(s, "/exposure/service"),
                        json!(ServiceKind::ClusterIP),
                    ));
                    said.push("Create its Service".to_string());
                }
                let port = match s.exposure.ports.first() {
                    Some(p) => p.clone(),
                    None => {
                        let p = crate::presets::service_port(s, 0);
                        edits.push(set(svc(s, "/exposure/ports"), json!([p])));
                        said.push(format!(
                            "add port `{}` ({} to {})",
                            p.name, p.port, p.target
                        ));
                        p
                    }
                };
                edits.push(set(path, json!(port.name)));
                said.push(format!("route to `{}`", port.name));
                let mut label = said.join(", ");
                label[..1].make_ascii_uppercase();
                f.fix = batch_fix(label, edits);
            } else if let (true, [only]) = (
                s.exposure.service != ServiceKind::None,
                s.exposure.ports.as_slice(),
            ) {
                let to = if only.name.is_empty() {
                    only.port.to_string()
                } else {
                    only.name.clone()
                };
                f.fix = set_fix(format!("Route to port `{to}`"), path, json!(to));
            }
        }
    }
}

/// KP304: every edge from the service uses a port its target's Service exposes.
fn edges(cx: &mut Ctx, s: &Service, peers: &Peers) {
    for &e in peers.edges_from.get(&s.id).into_iter().flatten() {
        // The callee as it runs where the edge leads: here, or in a shared environment.
        let elsewhere;
        let target = match edges::edge_target(cx.design, cx.env, e) {
            EdgeTarget::Local => match peers.by_id.get(&e.to) {
                Some(&t) => t,
                None => continue,
            },
            EdgeTarget::Shared(there) => match cx.design.service(e.to) {
                Some(t) => {
                    elsewhere = effective(t, there);
                    &elsewhere
                }
                None => continue,
            },
            EdgeTarget::Ambiguous => {
                edge_ambiguous(cx, s, e);
                continue;
            }
            EdgeTarget::NotHere | EdgeTarget::Nowhere => continue,
        };
        let ok = target.service_port(&e.port).is_some();
        if target.callable_ports().is_empty() {
            // Nothing to call. A service with ports but no Service gets one; one without
            // ports (a worker that reads a queue) is no callee at all.
            let (what, fix) = match target.exposure.service {
                ServiceKind::None if !target.exposure.ports.is_empty() => (
                    "has no Service, so its ports cannot be called; create its Service, or remove the dependency",
                    Fix {
                        label: format!("Create {}'s Service", target.name),
                        edit: set(svc(target, "/exposure/service"), json!(ServiceKind::ClusterIP)),
                    },
                ),
                _ => (
                    "has no Service port, so there is nothing to call; give it a port, or remove the dependency",
                    Fix {
                        label: format!("Remove the dependency on {}", target.name),
                        edit: Edit::RemoveEdge(e.clone()),
                    },
                ),
            };
            cx.report(
                &EDGE_PORT_MISSING,
                Some(s),
                svc(s, ""),
                format!("{} -> {}: {} {what}", s.name, target.name, target.name),
            )
            .fix = Some(fix);
            continue;
        }
        if !ok {
            let mut fixed = e.clone();
            let fix = match target.exposure.ports.as_slice() {
                [only] if target.exposure.service != ServiceKind::None => {
                    fixed.port = only.name.clone();
                    batch_fix(
                        format!("Connect to port `{}`", only.name),
                        vec![Edit::RemoveEdge(e.clone()), Edit::AddEdge(fixed)],
                    )
                }
                _ => None,
            };
            cx.report(
                &EDGE_PORT_MISSING,
                Some(s),
                svc(s, ""),
                format!(
                    "{} -> {} uses port `{}`, which {}'s Service does not expose",
                    s.name, target.name, e.port, target.name
                ),
            )
            .fix = fix;
        }
    }
    // Config references.
}

/// KP322: an edge whose callee does not run here and runs in several shared
/// environments: which namespace it leads to is not said, so no policy is written for it.
fn edge_ambiguous(cx: &mut Ctx, s: &Service, e: &Edge) {
    let callee = cx.design.service(e.to).map_or("?", |t| t.name.as_str());
    let shared: Vec<String> = cx
        .design
        .environments
        .iter()
        .filter(|x| x.tier == Tier::Shared && x.deploys(e.to))
        .map(|x| format!("`{}`", x.name))
        .collect();
    let message = format!(
        "{} -> {callee}: `{}` does not run {callee}, and several shared environments do ({}): the edge leads to none of them and no NetworkPolicy allows it",
        s.name,
        cx.env.name,
        shared.join(", ")
    );
    cx.report(&EDGE_TARGET_AMBIGUOUS, Some(s), svc(s, ""), message);
}

/// What a service's config may read from.
#[derive(Clone, Copy)]
enum Source {
    ConfigMap,
    Secret,
}

impl Source {
    /// The Kubernetes kind.
    fn kind(self) -> &'static str {
        match self {
            Source::ConfigMap => "ConfigMap",
            Source::Secret => "Secret",
        }
    }

    /// The edit that creates `name` (with `key`, if one is read).
    fn create(self, name: &str, key: Option<&str>) -> Edit {
        match self {
            Source::ConfigMap => Edit::PutConfigMap(ConfigMapDef {
                name: name.into(),
                data: key
                    .map(|k| (k.to_string(), String::new()))
                    .into_iter()
                    .to_map(),
                residual: None,
                hash_suffix: false,
            }),
            // A Secret the design reads but does not have holds values made elsewhere
            // (a chart's `existingSecret`): named, never written over with placeholders.
            Source::Secret => Edit::PutSecret(SecretDef {
                name: name.into(),
                kind: "Opaque".into(),
                keys: key.map(String::from).into_iter().collect(),
                residual: None,
                external: true,
            }),
        }
    }

    /// Whether the design defines `name`: `None` if not, else whether `key` is missing
    /// from it, as the field to set and the value that adds it.
    fn find(
        self,
        design: &Design,
        env: &Environment,
        name: &str,
        key: Option<&str>,
    ) -> Option<Option<(FieldPath, serde_json::Value)>> {
        match self {
            Source::ConfigMap => design.config_map(name).map(|cm| {
                let key = key.filter(|k| !env.config_data(cm).contains_key(*k))?;
                Some((FieldPath::config_value(name, key), json!("")))
            }),
            Source::Secret => design.secret(name).map(|sec| {
                let key = key.filter(|k| !sec.keys.iter().any(|have| have == k))?;
                let at = FieldPath {
                    target: Target::Secret(name.into()),
                    pointer: format!("/keys/{}", sec.keys.len()),
                };
                Some((at, json!(key)))
            }),
        }
    }
}

/// KP305: every ConfigMap and Secret the service's pods read (through `envFrom` or a
/// variable of any container, or as a volume) is in the design, with every key a
/// variable reads.
fn config_references(cx: &mut Ctx, s: &Service) {
    for (i, from) in s.config.env_from.iter().enumerate() {
        let (source, name) = match from {
            EnvFrom::ConfigMap(n) => (Source::ConfigMap, n),
            EnvFrom::Secret(n) => (Source::Secret, n),
        };
        let path = svc(s, &format!("/config/env_from/{i}"));
        config_reference(cx, s, path, "envFrom references", source, name, None);
    }
    for (i, v) in s.config.env.iter().enumerate() {
        let (source, name, key) = match &v.value {
            EnvValue::Literal(_) => continue,
            EnvValue::ConfigMapKey { name, key } => (Source::ConfigMap, name, key),
            EnvValue::SecretKey { name, key } => (Source::Secret, name, key),
        };
        let path = svc(s, &format!("/config/env/{i}"));
        let reader = format!("`{}` reads", v.name);
        let key_at = svc(s, &format!("/config/env/{i}/value/{}/key", v.value.tag()));
        config_reference(cx, s, path, &reader, source, name, Some((key, key_at)));
    }
    for (i, c) in s.containers.iter().enumerate() {
        for (k, from) in c.config.env_from.iter().enumerate() {
            let (source, name) = match from {
                EnvFrom::ConfigMap(n) => (Source::ConfigMap, n),
                EnvFrom::Secret(n) => (Source::Secret, n),
            };
            let path = svc(s, &format!("/containers/{i}/config/env_from/{k}"));
            let reader = format!("container `{}`: envFrom references", c.name);
            config_reference(cx, s, path, &reader, source, name, None);
        }
        for (k, v) in c.config.env.iter().enumerate() {
            let (source, name, key) = match &v.value {
                EnvValue::Literal(_) => continue,
                EnvValue::ConfigMapKey { name, key } => (Source::ConfigMap, name, key),
                EnvValue::SecretKey { name, key } => (Source::Secret, name, key),
            };
            let path = svc(s, &format!("/containers/{i}/config/env/{k}"));
            let reader = format!("container `{}`: `{}` reads", c.name, v.name);
            let key_at = svc(
                s,
                &format!("/containers/{i}/config/env/{k}/value/{}/key", v.value.tag()),
            );
            config_reference(cx, s, path, &reader, source, name, Some((key, key_at)));
        }
    }
    for (i, v) in s.volumes.iter().enumerate() {
        let (source, name) = match &v.source {
            VolumeSource::ConfigMap { name } => (Source::ConfigMap, name),
            VolumeSource::Secret { name } => (Source::Secret, name),
            _ => continue,
        };
        let path = svc(s, &format!("/volumes/{i}/source/name"));
        let reader = format!("volume `{}` mounts", v.name);
        config_reference(cx, s, path.clone(), &reader, source, name, None);
        // The keys it lists under `items` (the volume is not set up without each),
        // once the object itself is there.
        let defined = match source {
            Source::ConfigMap => cx.design.config_map(name).is_some(),
            Source::Secret => cx.design.secret(name).is_some(),
        };
        for key in s
            .volume_item_keys_here(&v.name, cx.env)
            .into_iter()
            .flatten()
            .filter(|_| defined)
        {
            let reader = format!("volume `{}` lists", v.name);
            let key = (key.as_str(), path.clone());
            config_reference(cx, s, path.clone(), &reader, source, name, Some(key));
        }
    }
}

/// KP315: each key of a ConfigMap a container of the pod mounts as a file has text in
/// this environment. Found at the key (the environment's own value, where it has one).
fn mounted_files(cx: &mut Ctx, s: &Service) {
    let mounts = (s.mounts.iter().map(|m| ("", m)))
        .chain((s.containers.iter()).flat_map(|c| c.mounts.iter().map(|m| (c.name.as_str(), m))));
    for (container, m) in mounts {
        let Some(v) = s.volumes.iter().find(|v| v.name == m.volume) else {
            continue;
        };
        let VolumeSource::ConfigMap { name } = &v.source else {
            continue;
        };
        let Some(cm) = cx.design.config_map(name) else {
            continue;
        };
        let data = cx.env.config_data(cm);
        // Of a ConfigMap mounted whole, the keys named as files: one named as a
        // variable (`FEATURE_X`) is more likely read as one, and may be empty.
        let variable = |k: &str| {
            k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                && k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        };
        let files: Vec<(&String, String)> = match m.sub_path.as_str() {
            "" => (data.keys())
                .filter(|k| !variable(k))
                .map(|k| (k, format!("{}/{k}", m.path.trim_end_matches('/'))))
                .collect(),
            key => data
                .get_key_value(key)
                .map(|(k, _)| (k, m.path.clone()))
                .into_iter()
                .collect(),
        };
        let who = match container {
            "" => format!("`{}`", s.name),
            c => format!("container `{c}` of `{}`", s.name),
        };
        for (key, path) in files {
            if !data[key].trim().is_empty() {
                continue;
            }
            let message = format!(
                "{who} reads {path} from key `{key}` of ConfigMap `{name}`, which is empty in `{}`: paste the file's text into it on the config page",
                cx.env.name
            );
            let at = config_key(cx.env, name, key);
            cx.report(&MOUNTED_FILE_EMPTY, Some(s), at, message);
        }
    }
}

/// KP305 for one reference at `path`: `reader` ("envFrom references", "`VAR` reads")
/// reads `source` `name`, and its `key` when one is given, with the path of the field
/// that names the key (a key the object lacks is found there).
fn config_reference(
    cx: &mut Ctx,
    s: &Service,
    path: FieldPath,
    reader: &str,
    source: Source,
    name: &str,
    key: Option<(&str, FieldPath)>,
) {
    let (key, key_at) = match key {
        Some((key, at)) => (Some(key), at),
        None => (None, path.clone()),
    };
    let kind = source.kind();
    // A reference half made (From: Secret chosen, nothing typed yet): what to type, at
    // the field to type it in.
    if name.trim().is_empty() || key.is_some_and(|k| k.trim().is_empty()) {
        let (message, at) = match name.trim().is_empty() {
            true => (
                format!("{reader} a {kind} it does not name: name the {kind}"),
                match key_at.pointer.strip_suffix("/key") {
                    Some(value) => svc(s, &format!("{value}/name")),
                    None => path,
                },
            ),
            false => (
                format!("{reader} {kind} `{name}` but no key of it: name the key"),
                key_at,
            ),
        };
        cx.report(&CONFIG_REFERENCE_MISSING, Some(s), at, message);
        return;
    }
    // A reference the rendered pods mark `optional: true` (kept from an import) may
    // dangle: the pod starts without it.
    // So may one the cluster provides at run time (a Secret a kept Job or Certificate
    // writes, the root CA ConfigMap).
    let optional = |cx: &Ctx| {
        let rendered = match source {
            Source::ConfigMap => super::rendered::Source::ConfigMap,
            Source::Secret => super::rendered::Source::Secret,
        };
        cx.rendered.read_only_optionally(s, rendered, name)
            || cx
                .rendered
                .provided_at_run_time(&cx.env.namespace, rendered, name)
    };
    match source.find(cx.design, cx.env, name, key) {
        None | Some(Some(_)) if optional(cx) => {}
        None => {
            cx.report(
                &CONFIG_REFERENCE_MISSING,
                Some(s),
                path,
                format!("{reader} {kind} `{name}`, which the design does not define"),
            )
            .fix = Some(Fix {
                label: match source {
                    Source::ConfigMap => format!("Create {kind} `{name}`"),
                    Source::Secret => format!("Name {kind} `{name}` as made outside Kubeprint (the export never writes it)"),
                },
                edit: source.create(name, key),
            });
        }
        Some(Some(_))
            if matches!(source, Source::ConfigMap)
                && cx.env.leaves_out(name, key.unwrap_or_default()) =>
        {
            let (key, env) = (key.unwrap_or_default(), cx.env.name.clone());
            cx.report(
                &CONFIG_REFERENCE_MISSING,
                Some(s),
                key_at,
                format!(
                    "{reader} key `{key}` of {kind} `{name}`, which {} leaves out",
                    cx.env.name
                ),
            )
            .fix = Some(Fix {
                label: format!("Put key `{key}` back in {env}"),
                edit: Edit::LeaveOutKey {
                    env,
                    config_map: name.to_string(),
                    key: key.to_string(),
                    out: false,
                },
            });
        }
        Some(Some((at, value))) => {
            let key = key.unwrap_or_default();
            // A ConfigMap's keys are per environment (some may have it of their own).
            let (lacks, added) = match source {
                Source::ConfigMap => (
                    format!("which {} does not have", cx.env.name),
                    format!("Add key `{key}` to `{name}`, empty, for every environment without a value of its own"),
                ),
                Source::Secret => ("which has no such key".to_string(), format!("Add key `{key}` to `{name}`")),
            };
            cx.report(
                &CONFIG_REFERENCE_MISSING,
                Some(s),
                key_at,
                format!("{reader} key `{key}` of {kind} `{name}`, {lacks}"),
            )
            .fix = set_fix(added, at, value);
        }
        Some(None) => {}
    }
}

/// KP306: no variable of one container is defined twice. `base` is the pointer of its
/// variables, `who` how a message names the container (empty for the main one).
fn duplicate_env(cx: &mut Ctx, s: &Service, config: &Config, base: &str, who: &str) {
    let mut seen = BTreeSet::new();
    for (i, v) in config.env.iter().enumerate() {
        if !seen.insert(v.name.as_str()) {
            cx.report(
                &DUPLICATE_ENV,
                Some(s),
                svc(s, &format!("{base}/{i}")),
                format!(
                    "{who}`{}` is defined more than once; the last one wins",
                    v.name
                ),
            );
        }
    }
}

/// The variables a text refers to as `$(NAME)` ([`crate::expansion`]), those with a
/// variable's name only: a shell's `$((i + 1))` in a command is no reference anyone meant.
fn references_in(text: &str) -> impl Iterator<Item = &str> {
    crate::expansion::references(text).filter(|name| crate::names::c_identifier(name).is_ok())
}

/// KP313: every `$(VAR)` a container's variable reads is one defined before it (read
/// whole from a ConfigMap or Secret, or earlier in its list), and every one its command
/// and arguments read is one of its variables. (`config`, `command`, `args` of the
/// container at `base`; `who` names a container beside the main one.)
fn variable_references(
    cx: &mut Ctx,
    s: &Service,
    (config, command, args): (&Config, &[String], &[String]),
    base: &str,
    who: &str,
) {
    let design = cx.design;
    let mut whole: Vec<String> = Vec::new();
    for from in &config.env_from {
        let keys: Option<Vec<String>> = match from {
            EnvFrom::ConfigMap(n) => {
                (design.config_map(n)).map(|cm| cx.env.config_data(cm).keys().cloned().collect())
            }
            EnvFrom::Secret(n) => design.secret(n).map(|sec| sec.keys.clone()),
        };
        // (What a ConfigMap the design does not have defines is unknown.)
        let Some(keys) = keys else { return };
        whole.extend(keys);
    }
    // What the import kept beyond the model (a variable read by `fieldRef`) is defined
    // somewhere; Service link variables, and an indexed Job's completion index, by
    // Kubernetes.
    let main = base.is_empty();
    let known = |name: &str| {
        name.contains("_SERVICE_")
            || name.contains("_PORT")
            || name == "JOB_COMPLETION_INDEX"
            || (main && s.keeps_variable(name))
    };
    let names: Vec<&str> = config.env.iter().map(|v| v.name.as_str()).collect();
    for (i, var) in config.env.iter().enumerate() {
        let EnvValue::Literal(value) = &var.value else {
            continue;
        };
        for name in references_in(value) {
            if whole.iter().any(|k| k == name) || names[..i].contains(&name) || known(name) {
                continue;
            }
            let why = match names[i + 1..].contains(&name) {
                true => {
                    "which is defined after it: Kubernetes expands only variables defined before"
                }
                false => "which the container does not define: Kubernetes",
            };
            cx.report(
                &UNEXPANDED_VARIABLE,
                Some(s),
                svc(s, &format!("{base}/config/env/{i}/value/literal")),
                format!(
                    "{who}`{}` reads `$({name})`, {why} and leaves `$({name})` as written",
                    var.name
                ),
            );
        }
    }
    for (field, words) in [("command", command), ("args", args)] {
        for word in words {
            for name in references_in(word) {
                if whole.iter().any(|k| k == name) || names.contains(&name) || known(name) {
                    continue;
                }
                let what = if field == "command" {
                    "command reads"
                } else {
                    "arguments read"
                };
                cx.report(
                    &UNEXPANDED_VARIABLE,
                    Some(s),
                    svc(s, &format!("{base}/{field}")),
                    format!(
                        "{who}the {what} `$({name})`, which the container does not define: Kubernetes leaves it as written"
                    ),
                );
            }
        }
    }
}

/// The checks of the pod's other containers, volumes and mounts: KP302, KP306 and KP307
/// for each container as for the main one; KP330 (every mount names a volume), KP331
/// (container and volume names unique) and KP332 (no port shared by containers that
/// run at the same time).
fn containers(cx: &mut Ctx, s: &Service) {
    for (i, c) in s.containers.iter().enumerate() {
        let base = format!("/containers/{i}");
        let who = format!("container `{}`: ", c.name);
        if c.role != ContainerRole::Init {
            for (kind, probe) in [
                ("startup", &c.probes.startup),
                ("liveness", &c.probes.liveness),
                ("readiness", &c.probes.readiness),
            ] {
                if let Some(p) = probe {
                    probe_port_of(cx, s, &c.ports, &base, &who, kind, p);
                }
            }
        }
        duplicate_env(cx, s, &c.config, &format!("{base}/config/env"), &who);
        variable_references(cx, s, (&c.config, &c.command, &c.args), &base, &who);
        let checked = c.ports.iter().enumerate().map(|(k, p)| PortCheck {
            name: &p.name,
            port: p.port,
            protocol: p.protocol,
            duplicate_name_at: svc(s, &format!("{base}/ports/{k}/name")),
            duplicate_port_at: svc(s, &format!("{base}/ports/{k}/port")),
        });
        duplicate_ports(cx, s, &format!("`{}` container port", c.name), checked);
    }
    // KP330: mounts name a volume of the pod or a claim of the StatefulSet.
    let volume_exists = |name: &str| {
        s.volumes.iter().any(|v| v.name == name)
            || crate::render::claims(s).iter().any(|v| v.name == name)
    };
    let mounts = s
        .mounts
        .iter()
        .enumerate()
        .map(|(k, m)| (format!("/mounts/{k}/volume"), s.container(), m))
        .chain(s.containers.iter().enumerate().flat_map(|(i, c)| {
            c.mounts.iter().enumerate().map(move |(k, m)| {
                (
                    format!("/containers/{i}/mounts/{k}/volume"),
                    c.name.as_str(),
                    m,
                )
            })
        }));
    for (path, container, m) in mounts {
        if !volume_exists(&m.volume) {
            cx.report(
                &MOUNT_VOLUME_MISSING,
                Some(s),
                svc(s, &path),
                format!(
                    "container `{container}` mounts volume `{}` at {}, but the pod has no such volume",
                    m.volume, m.path
                ),
            );
        }
    }
    // KP331: names unique in the pod.
    let mut names = BTreeSet::new();
    names.insert(s.container());
    for (i, c) in s.containers.iter().enumerate() {
        if !names.insert(c.name.as_str()) {
            cx.report(
                &DUPLICATE_CONTAINER_NAME,
                Some(s),
                svc(s, &format!("/containers/{i}/name")),
                format!("two containers of the pod are named `{}`", c.name),
            );
        }
    }
    let mut volumes = BTreeSet::new();
    for (i, v) in s.volumes.iter().enumerate() {
        if !volumes.insert(v.name.as_str()) || s.storage.iter().any(|c| c.name == v.name) {
            cx.report(
                &DUPLICATE_CONTAINER_NAME,
                Some(s),
                svc(s, &format!("/volumes/{i}/name")),
                format!("two volumes of the pod are named `{}`", v.name),
            );
        }
    }
    // KP332: containers running at the same time share the network namespace.
    let mut taken: BTreeMap<(u16, Protocol), &str> = s
        .ports
        .iter()
        .map(|p| ((p.port, p.protocol), s.container()))
        .to_map();
    for (i, c) in s.containers.iter().enumerate() {
        if c.role == ContainerRole::Init {
            continue;
        }
        let mut own = BTreeSet::new();
        for (k, p) in c.ports.iter().enumerate() {
            let key = (p.port, p.protocol);
            if !own.insert(key) {
                continue; // The same container twice is KP307's.
            }
            match taken.get(&key) {
                Some(other) => {
                    cx.report(
                        &PORT_SHARED_BY_CONTAINERS,
                        Some(s),
                        svc(s, &format!("/containers/{i}/ports/{k}/port")),
                        format!(
                            "containers `{other}` and `{}` both declare port {}/{}: they share the pod's network, so only one of them can listen there",
                            c.name,
                            p.port,
                            p.protocol.as_str()
                        ),
                    );
                }
                None => {
                    taken.insert(key, c.name.as_str());
                }
            }
        }
    }
}

/// KP325: each egress allowance outside the cluster is a block the API server takes, on
/// a port. An address alone is offered as its own block.
fn egress(cx: &mut Ctx, s: &Service) {
    for (i, e) in s.egress.iter().enumerate() {
        if e.port == 0 {
            cx.report(
                &EGRESS_CIDR_INVALID,
                Some(s),
                svc(s, &format!("/egress/{i}/port")),
                format!(
                    "egress to `{}` has port 0: give the port it dials, 1 to 65535",
                    e.cidr
                ),
            );
        }
        let path = svc(s, &format!("/egress/{i}/cidr"));
        match crate::input::cidr(&e.cidr) {
            Err(why) => {
                let fix = crate::input::cidr_cleared(&e.cidr).and_then(|block| {
                    set_fix(
                        format!("Write the block `{block}`"),
                        path.clone(),
                        json!(block),
                    )
                });
                cx.report(
                    &EGRESS_CIDR_INVALID,
                    Some(s),
                    path,
                    format!("egress: {why}"),
                )
                .fix = fix;
            }
            // An address alone, which the parser reads as its own block.
            Ok(block) if block != e.cidr => {
                let message = format!("egress to `{}` is an address, not a block", e.cidr);
                let fix = set_fix(
                    format!("Write it as the block `{block}`"),
                    path.clone(),
                    json!(block),
                );
                cx.report(&EGRESS_CIDR_INVALID, Some(s), path, message).fix = fix;
            }
            Ok(_) => {}
        }
        // What the block leaves out: blocks inside it, or the API server refuses it.
        for x in &e.except {
            let at = svc(s, &format!("/egress/{i}/except"));
            let message = match crate::input::cidr(x) {
                Err(why) => format!("egress to `{}` leaves out `{x}`: {why}", e.cidr),
                Ok(block) if block != *x => {
                    format!(
                        "egress to `{}` leaves out `{x}`, an address, not a block (`{block}`)",
                        e.cidr
                    )
                }
                Ok(_) if !crate::input::cidr_within(x, &e.cidr) => {
                    format!("egress to `{}` leaves out `{x}`, which is not inside it: an except must be", e.cidr)
                }
                Ok(_) => continue,
            };
            cx.report(&EGRESS_CIDR_INVALID, Some(s), at, message);
        }
    }
}

/// KP308: port pools are ranges that overlap no container port, no other pool and not
/// the NodePort range.
fn port_pools(cx: &mut Ctx, s: &Service) {
    for (i, pool) in s.port_pools.iter().enumerate() {
        let path = svc(s, &format!("/port_pools/{i}"));
        let range = pool.start..=pool.end;
        if pool.start > pool.end {
            cx.report(
                &PORT_POOL_OVERLAP,
                Some(s),
                path,
                format!(
                    "port pool `{}` starts at {} after it ends at {}",
                    pool.name, pool.start, pool.end
                ),
            );
            continue;
        }
        if let Some(p) = s.ports.iter().find(|p| range.contains(&p.port)) {
            cx.report(
                &PORT_POOL_OVERLAP,
                Some(s),
                path.clone(),
                format!(
                    "port pool `{}` ({}-{}) contains container port {}",
                    pool.name, pool.start, pool.end, p.port
                ),
            );
        }
        if let Some(other) = s.port_pools[..i]
            .iter()
            .find(|o| o.start <= pool.end && pool.start <= o.end)
        {
            cx.report(
                &PORT_POOL_OVERLAP,
                Some(s),
                path.clone(),
                format!("port pool `{}` overlaps pool `{}`", pool.name, other.name),
            );
        }
        if pool.start <= *NODE_PORT_RANGE.end() && pool.end >= *NODE_PORT_RANGE.start() {
            cx.report(
                &PORT_POOL_OVERLAP,
                Some(s),
                path,
                format!(
                    "port pool `{}` ({}-{}) overlaps the NodePort range {}-{}",
                    pool.name,
                    pool.start,
                    pool.end,
                    NODE_PORT_RANGE.start(),
                    NODE_PORT_RANGE.end()
                ),
            );
        }
    }
}
