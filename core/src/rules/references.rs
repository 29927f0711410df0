//! Reference rules (KP7xx): every reference from one object to another resolves.
//! Ingress and Gateway route backends, Service, PDB and NetworkPolicy selectors, HPA
//! targets, spread and anti-affinity selectors, RBAC bindings, and the ServiceAccount,
//! ConfigMaps and Secrets of every pod template. Fixtures: `core/tests/rules/references.rs`.
//!
//! These checks read the rendered bundle, `render(design, env)`: the objects the model
//! renders with what their import kept replayed onto them, and the objects kept whole.
//! They check exactly what export writes. Each object is turned into JSON once and read
//! from there, whatever its kind. What the model's own rules already judge is left to
//! them: the backend a service's own Ingress routes to its own Service (KP303) and the
//! ConfigMaps and Secrets a service's modelled config reads (KP305).
//!
//! Only references into the namespaces the environment's objects live in are resolved:
//! an object in a namespace the design does not contain is somebody else's.

use super::catalog::*;
use super::context::{svc, Ctx};
use super::rendered::*;
use super::{Fix, Rule};
use crate::edit::Edit;
use crate::model::*;
use crate::selector::Selector;
use serde_json::Value;
use std::collections::BTreeMap;

/// Every reference check of the environment.
pub(super) fn environment(cx: &mut Ctx, ix: &Index<'_>, deployed: &[Service]) {
    let mut r = Reporter { cx, ix, deployed };
    for (i, e) in ix.objects.iter().enumerate() {
        let ns = e.namespace.as_deref().unwrap_or_default();
        r.api_version(i);
        r.unserved(i);
        r.unreadable(i);
        match e.kind.as_str() {
            "Ingress" => r.ingress(i, ns),
            "Service" => r.service_selector(i, ns),
            "HorizontalPodAutoscaler" => r.hpa(i, ns),
            "PodDisruptionBudget" => r.pdb(i, ns),
            "NetworkPolicy" => r.network_policy(i, ns),
            "RoleBinding" | "ClusterRoleBinding" => r.binding(i, ns),
            k if k.ends_with("Route")
                && str_at(&e.json, "/apiVersion")
                    .is_some_and(|v| v.starts_with("gateway.networking.k8s.io/")) =>
            {
                r.route(i, ns)
            }
            _ => {}
        }
    }
    for p in &ix.pods {
        r.pod(p);
    }
    r.ingress_claims();
}

/// Reports findings about the objects of an index.
struct Reporter<'c, 'a, 'i> {
    cx: &'c mut Ctx<'a>,
    ix: &'i Index<'i>,
    deployed: &'i [Service],
}

impl Reporter<'_, '_, '_> {
    /// How a message names object `e`: `Kind `name``, with its namespace when it is not
    /// the environment's.
    fn who(&self, e: &Entry) -> String {
        match e.namespace.as_deref() {
            Some(ns) if ns != self.cx.env.namespace => format!("{} `{ns}/{}`", e.kind, e.name),
            _ => format!("{} `{}`", e.kind, e.name),
        }
    }

    fn report(
        &mut self,
        rule: &'static Rule,
        i: usize,
        pointer: &str,
        message: String,
    ) -> &mut super::Finding {
        let e = &self.ix.objects[i];
        let path = self.ix.path(self.cx.design, e, pointer);
        let service = match e.owner {
            Owner::Service(id, _) => self.deployed.iter().find(|s| s.id == id),
            _ => None,
        };
        self.cx.report(rule, service, path, message)
    }

    /// Whether a namespace is one of the environment's; references elsewhere are not
    /// resolved.
    fn ours(&self, ns: &str) -> bool {
        self.ix.namespaces.contains(ns)
    }

    /// KP701: the object's API version is still served.
    fn api_version(&mut self, i: usize) {
        let e = &self.ix.objects[i];
        let version = str_at(&e.json, "/apiVersion").unwrap_or_default();
        let Some(removed) = crate::apis::removed(version, &e.kind) else {
            return;
        };
        let who = self.who(e);
        let what = match removed.replacement {
            Some(new) => format!("use `{new}`"),
            None => "it has no successor: delete it (for pod security, label the namespace for Pod Security admission)".into(),
        };
        self.report(
            &REMOVED_API_VERSION,
            i,
            "/apiVersion",
            format!(
                "{who} uses `{version}`, which Kubernetes {} removed: {what}",
                removed.removed_in
            ),
        );
    }

    /// KP724: the object's kind is one its built-in API version serves.
    fn unserved(&mut self, i: usize) {
        let e = &self.ix.objects[i];
        let version = str_at(&e.json, "/apiVersion").unwrap_or_default();
        let Some(why) = crate::apis::unserved_kind(version, &e.kind) else {
            return;
        };
        let who = self.who(e);
        self.report(
            &UNSERVED_KIND,
            i,
            "/kind",
            format!("{who}: the API server has no such resource and refuses it ({why})"),
        );
    }

    /// KP723: an object kept whole, of a kind and version the model writes, reads as
    /// one (what the import could not read as such, it kept as it came).
    fn unreadable(&mut self, i: usize) {
        let e = &self.ix.objects[i];
        if !matches!(e.owner, Owner::Kept { .. }) {
            return;
        }
        let Some(why) = crate::render::Object::unreadable(&e.json) else {
            return;
        };
        let who = self.who(e);
        let kind = e.kind.clone();
        self.report(
            &KEPT_OBJECT_UNREADABLE,
            i,
            "",
            format!(
                "{who}, kept whole from its import, is not a valid {kind} ({why}): the API server refuses it; edit its YAML ({{}}) or remove it"
            ),
        );
    }

    /// KP710: every backend of an Ingress is a Service of its namespace, with the port.
    fn ingress(&mut self, i: usize, ns: &str) {
        if matches!(self.ix.objects[i].owner, Owner::Kept { .. }) {
            self.kept_ingress_names(i);
        }
        let e = &self.ix.objects[i];
        // The backend the model writes to a service's own Service is KP303's.
        let own = match e.owner {
            Owner::Service(id, ResidualRole::Ingress) => self
                .deployed
                .iter()
                .find(|s| s.id == id)
                .map(|s| s.service_name().to_string()),
            _ => None,
        };
        let mut backends = Vec::new();
        let spec = &e.json["spec"];
        if spec["defaultBackend"].is_object() {
            backends.push((
                "/spec/defaultBackend".to_string(),
                "its default backend".to_string(),
            ));
        }
        for (r, rule) in items(&spec["rules"]) {
            let host = rule["host"].as_str().unwrap_or("*");
            for (p, path) in items(&rule["http"]["paths"]) {
                backends.push((
                    format!("/spec/rules/{r}/http/paths/{p}/backend"),
                    format!("{host}{}", path["path"].as_str().unwrap_or("/")),
                ));
            }
        }
        for (at, route) in backends {
            let backend = e.json.pointer(&at).unwrap_or(&Value::Null);
            let Some(name) = backend["service"]["name"].as_str() else {
                continue;
            };
            if own.as_deref() == Some(name) {
                continue;
            }
            let port = &backend["service"]["port"];
            let wanted = match (port["number"].as_i64(), port["name"].as_str()) {
                (Some(n), _) => Some(PortWanted::Number(n)),
                (None, Some(n)) => Some(PortWanted::Name(n.to_string())),
                _ => None,
            };
            let message = self.backend_problem(ns, name, wanted.as_ref());
            if let Some((problem, field)) = message {
                let who = self.who(&self.ix.objects[i]);
                let fix = (self.left_out(ns, name)).map(|s| Fix::deploy(s, self.cx.env));
                self.report(
                    &INGRESS_BACKEND_DANGLING,
                    i,
                    &format!("{at}/service/{field}"),
                    format!("{who} routes {route} to {problem}"),
                )
                .fix = fix;
            }
        }
    }

    /// KP721: no two Ingresses of one ingress class claim the same host and path (with
    /// the same pathType). The later one is reported, naming the one it collides with.
    /// Compared as ingress-nginx's admission compares them: a path left out is `/`, a
    /// pathType left out or ImplementationSpecific is Prefix, an Ingress without a
    /// class gets the cluster's default (the design's class, when it names one), and a
    /// canary Ingress (`nginx.ingress.kubernetes.io/canary: "true"`) may share its
    /// path with one that is not.
    fn ingress_claims(&mut self) {
        type Claim = (String, String, String, String, bool);
        let default_class = self
            .cx
            .design
            .cluster
            .ingress_class
            .clone()
            .unwrap_or_default();
        let mut claimed: BTreeMap<Claim, usize> = BTreeMap::new();
        let mut collisions = Vec::new();
        for (i, e) in self.ix.objects.iter().enumerate() {
            if e.kind != "Ingress" {
                continue;
            }
            let spec = &e.json["spec"];
            let annotations = &e.json["metadata"]["annotations"];
            let class = spec["ingressClassName"]
                .as_str()
                .or(annotations["kubernetes.io/ingress.class"].as_str())
                .unwrap_or(&default_class);
            let canary = annotations["nginx.ingress.kubernetes.io/canary"].as_str() == Some("true");
            for (r, rule) in items(&spec["rules"]) {
                let host = rule["host"]
                    .as_str()
                    .filter(|h| !h.is_empty())
                    .unwrap_or("*");
                for (p, path) in items(&rule["http"]["paths"]) {
                    let route = path["path"]
                        .as_str()
                        .filter(|p| !p.is_empty())
                        .unwrap_or("/");
                    let kind = match path["pathType"].as_str() {
                        None | Some("ImplementationSpecific") => "Prefix",
                        Some(kind) => kind,
                    };
                    let key = (class.into(), host.into(), route.into(), kind.into(), canary);
                    match claimed.get(&key) {
                        Some(&first) if first != i => collisions.push((
                            i,
                            first,
                            format!("/spec/rules/{r}/http/paths/{p}/path"),
                            format!("{host}{route}"),
                        )),
                        Some(_) => {}
                        None => {
                            claimed.insert(key, i);
                        }
                    }
                }
            }
        }
        for (i, first, at, route) in collisions {
            // The one a service's fields make, when one is: the user can change it.
            let own = |k: usize| match self.ix.objects[k].owner {
                Owner::Service(id, ResidualRole::Ingress) => {
                    self.deployed.iter().find(|s| s.id == id)
                }
                _ => None,
            };
            let (i, first) = match (own(i), own(first)) {
                (None, Some(_)) => (first, i),
                _ => (i, first),
            };
            let (who, other) = (
                self.who(&self.ix.objects[i]),
                self.who(&self.ix.objects[first]),
            );
            let message = format!(
                "{who} claims {route}, which {other} already routes: ingress-nginx refuses it (host and path already defined), other controllers send it to one of the two"
            );
            match own(i).filter(|s| s.exposure.ingress.is_some()) {
                // Its host and path, in the inspector.
                Some(s) => {
                    let s = s.clone();
                    let path = svc(&s, "/exposure/ingress/path");
                    self.cx
                        .report(&INGRESS_ROUTE_CLAIMED_TWICE, Some(&s), path, message);
                }
                // A kept one (never swapped in: only an own one is).
                None => {
                    self.report(&INGRESS_ROUTE_CLAIMED_TWICE, i, &at, message);
                }
            }
        }
    }

    /// KP401 for an Ingress kept whole, as for a service's own (`names.rs`) and as the
    /// API server checks them: a rule's host, when set, is a DNS name (`*.` may start
    /// it, not an IP address); a TLS host a DNS subdomain (or a wildcard one); a TLS
    /// Secret's name, when set, a DNS subdomain. (Its YAML can be edited freely in the
    /// page.)
    fn kept_ingress_names(&mut self, i: usize) {
        let e = &self.ix.objects[i];
        let who = self.who(e);
        let spec = &e.json["spec"];
        let set = |v: &Value| v.as_str().filter(|s| !s.is_empty()).map(str::to_string);
        let subdomain =
            |s: &str| crate::names::dns1123_subdomain(s.strip_prefix("*.").unwrap_or(s));
        let mut problems = Vec::new();
        for (r, rule) in items(&spec["rules"]) {
            let Some(host) = set(&rule["host"]) else {
                continue;
            };
            if let Err(why) = crate::names::ingress_host(&host) {
                problems.push((
                    format!("/spec/rules/{r}/host"),
                    format!("{who}: host `{host}` {why}"),
                ));
            }
        }
        for (t, tls) in items(&spec["tls"]) {
            for (h, host) in items(&tls["hosts"]) {
                let Some(host) = set(host) else { continue };
                if let Err(why) = subdomain(&host) {
                    let at = format!("/spec/tls/{t}/hosts/{h}");
                    problems.push((at, format!("{who}: TLS host `{host}` {why}")));
                }
            }
            let Some(secret) = set(&tls["secretName"]) else {
                continue;
            };
            if let Err(why) = crate::names::dns1123_subdomain(&secret) {
                let at = format!("/spec/tls/{t}/secretName");
                problems.push((at, format!("{who}: TLS Secret `{secret}` {why}")));
            }
        }
        for (at, message) in problems {
            self.report(&INVALID_NAME, i, &at, message);
        }
    }

    /// The design service whose Service callers dial as `name` in namespace `ns`, when
    /// that is this environment's and it leaves the service out.
    fn left_out(&self, ns: &str, name: &str) -> Option<&Service> {
        let env = self.cx.env;
        (ns == env.namespace)
            .then(|| (self.cx.design.services.iter()).find(|s| s.service_name() == name))
            .flatten()
            .filter(|s| !env.deploys(s.id))
    }

    /// What is wrong with a backend to Service `name` in `ns` at `port`, and the field of
    /// the backend to look at (`name` or `port`); `None` when it resolves.
    fn backend_problem(
        &self,
        ns: &str,
        name: &str,
        port: Option<&PortWanted>,
    ) -> Option<(String, &'static str)> {
        let Some(svc) = self.ix.find("Service", ns, name) else {
            let why = match self.left_out(ns, name) {
                Some(_) => format!(
                    "Service `{name}`, which `{}` does not deploy",
                    self.cx.env.name
                ),
                None => format!("Service `{name}`, which is not in this design"),
            };
            return Some((why, "name"));
        };
        let ports: Vec<(i64, &str)> = items(&svc.json["spec"]["ports"])
            .map(|(_, p)| {
                (
                    p["port"].as_i64().unwrap_or_default(),
                    p["name"].as_str().unwrap_or_default(),
                )
            })
            .collect();
        let external = svc.json["spec"]["type"].as_str() == Some("ExternalName");
        let found = match port {
            None => return None,
            Some(_) if external && ports.is_empty() => true,
            Some(PortWanted::Number(n)) => ports.iter().any(|(p, _)| p == n),
            Some(PortWanted::Name(n)) => ports.iter().any(|(_, p)| p == n),
        };
        if found {
            return None;
        }
        let has: Vec<String> = ports
            .iter()
            .map(|(p, n)| {
                if n.is_empty() {
                    p.to_string()
                } else {
                    format!("{p} `{n}`")
                }
            })
            .collect();
        let wanted = match port? {
            PortWanted::Number(n) => n.to_string(),
            PortWanted::Name(n) => format!("`{n}`"),
        };
        Some((
            format!(
                "port {wanted} of Service `{name}`, which has no such port (it has {})",
                if has.is_empty() {
                    "none".to_string()
                } else {
                    has.join(", ")
                }
            ),
            "port",
        ))
    }

    /// KP711: every Service backend of a Gateway API route exists, with the port.
    fn route(&mut self, i: usize, ns: &str) {
        let e = &self.ix.objects[i];
        let mut problems = Vec::new();
        for (r, rule) in items(&e.json["spec"]["rules"]) {
            for (b, backend) in items(&rule["backendRefs"]) {
                let group = backend["group"].as_str().unwrap_or_default();
                let kind = backend["kind"].as_str().unwrap_or("Service");
                let Some(name) = backend["name"].as_str() else {
                    continue;
                };
                if !group.is_empty() || kind != "Service" {
                    continue;
                }
                let target_ns = backend["namespace"].as_str().unwrap_or(ns);
                if !self.ours(target_ns) {
                    continue;
                }
                let at = format!("/spec/rules/{r}/backendRefs/{b}");
                let shown = if target_ns == ns {
                    name.to_string()
                } else {
                    format!("{target_ns}/{name}")
                };
                let problem = match backend["port"].as_i64() {
                    None if self.ix.find("Service", target_ns, name).is_some() => Some((
                        format!("Service `{shown}` without a port, which a Service backend needs"),
                        "port",
                    )),
                    port => self
                        .backend_problem(target_ns, name, port.map(PortWanted::Number).as_ref())
                        .map(|(p, f)| (p.replace(&format!("`{name}`"), &format!("`{shown}`")), f)),
                };
                if let Some((problem, field)) = problem {
                    // Point at the field when the backend has it, else at the backend.
                    let at = if backend.get(field).is_some() {
                        format!("{at}/{field}")
                    } else {
                        at
                    };
                    let fix = (self.left_out(target_ns, name)).map(|s| Fix::deploy(s, self.cx.env));
                    problems.push((at, r + 1, problem, fix));
                }
            }
        }
        let who = self.who(e);
        for (at, rule, problem, fix) in problems {
            self.report(
                &ROUTE_BACKEND_DANGLING,
                i,
                &at,
                format!("{who} sends rule {rule} to {problem}"),
            )
            .fix = fix;
        }
    }

    /// KP712: a Service with a selector selects some pod.
    fn service_selector(&mut self, i: usize, ns: &str) {
        let e = &self.ix.objects[i];
        if e.json["spec"]["type"].as_str() == Some("ExternalName") {
            return;
        }
        let selector = Selector::from_map(&labels_of(&e.json["spec"]["selector"]));
        // No selector: the endpoints are managed by hand.
        if selector.is_empty() {
            return;
        }
        if self.ix.selects_some_pod(ns, &selector) {
            self.selects_other_services(i, ns, &selector);
            return;
        }
        let who = self.who(e);
        self.report(
            &SERVICE_SELECTS_NOTHING,
            i,
            "/spec/selector",
            format!("{who} selects `{selector}`, which matches no pod in this design: it has no endpoints"),
        );
    }

    /// KP725: a service's own Service selects no other service's pods.
    fn selects_other_services(&mut self, i: usize, ns: &str, selector: &Selector) {
        let Owner::Service(own, ResidualRole::Service) = self.ix.objects[i].owner else {
            return;
        };
        let mut others: Vec<ServiceId> = Vec::new();
        for p in self.ix.selected_pods(ns, selector) {
            if let Owner::Service(id, _) = self.ix.objects[p.entry].owner {
                if id != own && !others.contains(&id) {
                    others.push(id);
                }
            }
        }
        let name = |id: ServiceId| {
            (self.deployed.iter().find(|s| s.id == id)).map(|s| format!("`{}`", s.name))
        };
        let others: Vec<String> = others.into_iter().filter_map(name).collect();
        let (Some(owner), false) = (name(own), others.is_empty()) else {
            return;
        };
        let who = self.who(&self.ix.objects[i]);
        self.report(
            &SERVICE_SELECTS_OTHER_SERVICES,
            i,
            "/spec/selector",
            format!(
                "{who} of {owner} also selects the pods of {}: it sends them traffic, but the design reads it as {owner}'s alone (default-deny lets callers reach {owner}'s pods only)",
                others.join(", ")
            ),
        );
    }

    /// KP713: an HPA scales a workload that exists.
    fn hpa(&mut self, i: usize, ns: &str) {
        let e = &self.ix.objects[i];
        let target = &e.json["spec"]["scaleTargetRef"];
        let (Some(kind), Some(name)) = (target["kind"].as_str(), target["name"].as_str()) else {
            return;
        };
        if self.ix.exists(kind, ns, name) {
            return;
        }
        // A workload of that name but another kind is the likely mix-up.
        let other = self
            .ix
            .pods
            .iter()
            .map(|p| &self.ix.objects[p.entry])
            .find(|o| o.name == name && o.namespace.as_deref() == Some(ns) && o.kind != kind);
        let hint = match other {
            Some(o) => format!(" (`{name}` is a {})", o.kind),
            None => String::new(),
        };
        let who = self.who(e);
        self.report(
            &HPA_TARGET_MISSING,
            i,
            "/spec/scaleTargetRef/name",
            format!("{who} scales {kind} `{name}`, which is not in this design{hint}"),
        );
    }

    /// KP714: a PDB selects some pod.
    fn pdb(&mut self, i: usize, ns: &str) {
        let e = &self.ix.objects[i];
        let message = match Selector::from_json(&e.json["spec"]["selector"]) {
            None => "has no selector, so it selects no pod: it protects nothing".to_string(),
            Some(s) if self.ix.selects_some_pod(ns, &s) => return,
            Some(s) if s.is_empty() => {
                "selects every pod of its namespace, and there is none: it protects nothing"
                    .to_string()
            }
            Some(s) => {
                format!("selects `{s}`, which matches no pod in this design: it protects nothing")
            }
        };
        let who = self.who(e);
        self.report(
            &PDB_SELECTS_NOTHING,
            i,
            "/spec/selector",
            format!("{who} {message}"),
        );
    }

    /// KP715: a NetworkPolicy aimed at some pods (a non-empty podSelector) selects some;
    /// KP722: the ports it lets in are ports of those pods.
    fn network_policy(&mut self, i: usize, ns: &str) {
        let e = &self.ix.objects[i];
        let Some(s) = Selector::from_json(&e.json["spec"]["podSelector"]) else {
            return;
        };
        self.policy_ports(i, ns, &s);
        if s.is_empty() || self.ix.selects_some_pod(ns, &s) {
            return;
        }
        let who = self.who(e);
        self.report(
            &NETWORK_POLICY_SELECTS_NOTHING,
            i,
            "/spec/podSelector",
            format!("{who} applies to `{s}`, which matches no pod in this design: its rules guard nothing"),
        );
    }

    /// KP722: each port a NetworkPolicy's ingress rules let in to the pods it selects is
    /// one that some container of those pods declares: by name (a name no container
    /// declares allows nothing), or by number (or range) where the pods declare ports at
    /// all (a container may listen on a port it does not declare).
    fn policy_ports(&mut self, i: usize, ns: &str, selector: &Selector) {
        let e = &self.ix.objects[i];
        // (name, number, protocol) of every port the selected pods' containers declare,
        // and the first of the design's services among those pods: where the ports are
        // edited (a policy kept whole is not).
        let mut declared: Vec<(&str, i64, &str)> = Vec::new();
        let mut service = None;
        for p in self.ix.selected_pods(ns, selector) {
            if let (None, Owner::Service(id, _)) = (service, &self.ix.objects[p.entry].owner) {
                service = self.deployed.iter().find(|s| s.id == *id);
            }
            let spec = self.ix.spec(p);
            let containers = items(&spec["containers"]).chain(items(&spec["initContainers"]));
            for (_, c) in containers {
                for (_, port) in items(&c["ports"]) {
                    declared.push((
                        port["name"].as_str().unwrap_or_default(),
                        port["containerPort"].as_i64().unwrap_or_default(),
                        port["protocol"].as_str().unwrap_or("TCP"),
                    ));
                }
            }
        }
        if declared.is_empty() {
            return;
        }
        let listed = |declared: &[(&str, i64, &str)]| {
            let mut v: Vec<String> = (declared.iter())
                .map(|(name, n, _)| match *name {
                    "" => n.to_string(),
                    name => format!("{name} ({n})"),
                })
                .collect();
            v.sort();
            v.dedup();
            v.join(", ")
        };
        let who = self.who(e);
        let mut found = Vec::new();
        for (k, rule) in items(&e.json["spec"]["ingress"]) {
            for (j, port) in items(&rule["ports"]) {
                let protocol = port["protocol"].as_str().unwrap_or("TCP");
                let shown = match &port["port"] {
                    Value::String(name) => format!("port `{name}`"),
                    Value::Number(n) => {
                        let from = n.as_i64().unwrap_or_default();
                        match port["endPort"].as_i64().unwrap_or(from) {
                            to if to > from => format!("ports `{from}`-`{to}`"),
                            _ => format!("port `{from}`"),
                        }
                    }
                    // No port: every port of the protocol.
                    _ => continue,
                };
                if declared.iter().any(|d| lets_in(port, d)) {
                    continue;
                }
                let pointer = format!("/spec/ingress/{k}/ports/{j}");
                found.push((
                    format!("{pointer}/port"),
                    self.open_port_fix(i, &pointer, port, &declared),
                    format!(
                        "{who} lets in {shown} ({protocol}) to `{selector}`, a port none of its containers declares (they declare {}): traffic to their ports stays blocked; declare that port, or change the policy",
                        listed(&declared)
                    ),
                ));
            }
        }
        for (pointer, fix, message) in found {
            let finding = match service {
                Some(s) => {
                    let at = svc(s, "/ports");
                    self.cx
                        .report(&NETWORK_POLICY_PORT_CLOSED, Some(s), at, message)
                }
                None => self.report(&NETWORK_POLICY_PORT_CLOSED, i, &pointer, message),
            };
            finding.fix = fix;
        }
    }

    /// KP722's fix: the policy port at `pointer` (in rendered object `i`, kept whole)
    /// let in the one port its pods declare that none of its ingress ports lets in yet:
    /// by name where it named one and that port has a name, else by number. None when
    /// that port is not one (the pods declare several the policy leaves closed) or the
    /// object is not one the design keeps as written.
    fn open_port_fix(
        &self,
        i: usize,
        pointer: &str,
        port: &Value,
        declared: &[(&str, i64, &str)],
    ) -> Option<Fix> {
        let e = &self.ix.objects[i];
        if !matches!(e.owner, Owner::Kept { .. }) {
            return None;
        }
        let protocol = port["protocol"].as_str().unwrap_or("TCP");
        let ports: Vec<&Value> = items(&e.json["spec"]["ingress"])
            .flat_map(|(_, rule)| items(&rule["ports"]).map(|(_, p)| p))
            .collect();
        let mut closed: Vec<(&str, i64)> = (declared.iter())
            .filter(|d| d.2 == protocol && !ports.iter().any(|p| lets_in(p, d)))
            .map(|d| (d.0, d.1))
            .collect();
        closed.sort();
        closed.dedup();
        let [(name, number)] = closed[..] else {
            return None;
        };
        let pinned = matches!(e.owner, Owner::Kept { pinned: true });
        let seen = (self.cx.design.kept_seen_in(self.cx.env)).find(|k| {
            k.pinned == pinned
                && k.object.kind() == e.kind
                && k.object.name() == e.name
                && (!pinned || k.object.namespace() == e.written_namespace.as_deref())
        })?;
        let stored = seen.object;
        // The stored object is the one edited: the rendered one may carry what the
        // environment adds (its namespace, its labels).
        let mut with = stored.0.clone();
        let at = with.pointer_mut(pointer)?;
        if at["port"] != port["port"] {
            return None;
        }
        let (value, shown) = match (&port["port"], name) {
            (Value::String(_), name) if !name.is_empty() => {
                (Value::from(name), format!("`{name}`"))
            }
            _ => (Value::from(number), format!("`{number}`")),
        };
        at["port"] = value;
        if let Some(fields) = at.as_object_mut() {
            fields.remove("endPort");
        }
        Some(Fix {
            label: format!("Let in port {shown} instead"),
            edit: Edit::ReplaceKept {
                env: self.cx.env.name.clone(),
                kind: e.kind.clone(),
                name: seen.key(),
                with: Some(with),
            },
        })
    }

    /// KP717 and KP718: a binding's ServiceAccount subjects and its role exist.
    fn binding(&mut self, i: usize, ns: &str) {
        let e = &self.ix.objects[i];
        let role_kind = str_at(&e.json, "/roleRef/kind").unwrap_or_default();
        let role = str_at(&e.json, "/roleRef/name").unwrap_or_default();
        let who = self.who(e);
        let mut missing = Vec::new();
        for (k, subject) in items(&e.json["subjects"]) {
            if subject["kind"].as_str() != Some("ServiceAccount") {
                continue;
            }
            let Some(name) = subject["name"].as_str() else {
                continue;
            };
            let Some(sub_ns) = subject["namespace"]
                .as_str()
                .or(Some(ns).filter(|n| !n.is_empty()))
            else {
                continue;
            };
            if name == DEFAULT_SERVICE_ACCOUNT
                || !self.ours(sub_ns)
                || self.ix.exists("ServiceAccount", sub_ns, name)
            {
                continue;
            }
            missing.push((k, format!("{who} grants {role_kind} `{role}` to ServiceAccount `{sub_ns}/{name}`, which is not in this design")));
        }
        for (k, message) in missing {
            self.report(
                &BINDING_SUBJECT_MISSING,
                i,
                &format!("/subjects/{k}/name"),
                message,
            );
        }
        let known = match role_kind {
            _ if !self.ix.has_roles => true,
            "ClusterRole" => {
                BUILT_IN_CLUSTER_ROLES.contains(&role)
                    || role.starts_with("system:")
                    || self.ix.exists("ClusterRole", "", role)
            }
            "Role" => role.starts_with("system:") || self.ix.exists("Role", ns, role),
            _ => true,
        };
        if !known {
            self.report(
                &BINDING_ROLE_MISSING,
                i,
                "/roleRef/name",
                format!("{who} grants {role_kind} `{role}`, which is not in this design: it grants nothing"),
            );
        }
    }

    /// KP716, KP719 and KP720 for one pod template.
    fn pod(&mut self, p: &Pod) {
        let e = &self.ix.objects[p.entry];
        let spec = self.ix.spec(p);
        let mut findings: Vec<(&'static Rule, String, String)> = Vec::new();
        let at = |rest: &str| format!("{}/spec{rest}", p.at);
        // KP716: spread and anti-affinity selectors count some pod.
        let anti = &spec["affinity"]["podAntiAffinity"];
        let terms = items(&spec["topologySpreadConstraints"])
            .map(|(k, c)| (Term::Spread(k), &c["labelSelector"], None))
            .chain(
                items(&anti["requiredDuringSchedulingIgnoredDuringExecution"])
                    .map(|(k, t)| (Term::Required(k), &t["labelSelector"], Some(t))),
            )
            .chain(
                items(&anti["preferredDuringSchedulingIgnoredDuringExecution"]).map(|(k, w)| {
                    let t = &w["podAffinityTerm"];
                    (Term::Preferred(k), &t["labelSelector"], Some(t))
                }),
            );
        for (term, selector, affinity) in terms {
            let Some(s) = Selector::from_json(selector) else {
                continue;
            };
            if s.selects(&p.labels) {
                continue;
            }
            // A term may count pods of other namespaces; with a namespace selector, which
            // ones depends on namespace labels: not resolved.
            let namespaces: Vec<&str> = match affinity {
                Some(t) if !t["namespaceSelector"].is_null() => continue,
                Some(t) if t["namespaces"].as_array().is_some_and(|n| !n.is_empty()) => {
                    items(&t["namespaces"])
                        .filter_map(|(_, n)| n.as_str())
                        .collect()
                }
                _ => vec![p.namespace.as_str()],
            };
            if !namespaces.iter().any(|n| self.ours(n))
                || namespaces.iter().any(|n| self.ix.selects_some_pod(n, &s))
            {
                continue;
            }
            let (pointer, what) = match term {
                Term::Spread(k) => (
                    at(&format!("/topologySpreadConstraints/{k}/labelSelector")),
                    format!(
                        "its topology spread constraint on `{}`",
                        spec["topologySpreadConstraints"][k]["topologyKey"]
                            .as_str()
                            .unwrap_or_default()
                    ),
                ),
                Term::Required(k) => (
                    at(&format!("/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/{k}/labelSelector")),
                    "its required pod anti-affinity".to_string(),
                ),
                Term::Preferred(k) => (
                    at(&format!("/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/{k}/podAffinityTerm/labelSelector")),
                    "its preferred pod anti-affinity".to_string(),
                ),
            };
            let who = self.who(e);
            findings.push((
                &SPREAD_SELECTOR_MATCHES_NOTHING,
                pointer,
                format!("{who}: {what} counts pods with `{s}`, which matches no pod, not even its own: it spreads nothing"),
            ));
        }
        // KP719: the ServiceAccount exists.
        let account = spec["serviceAccountName"]
            .as_str()
            .or(spec["serviceAccount"].as_str())
            .filter(|a| !a.is_empty() && *a != DEFAULT_SERVICE_ACCOUNT);
        if let Some(account) = account {
            if !self.ix.exists("ServiceAccount", &p.namespace, account) {
                let who = self.who(e);
                findings.push((
                    &SERVICE_ACCOUNT_MISSING,
                    at("/serviceAccountName"),
                    format!("{who} runs its pods as ServiceAccount `{account}`, which is not in this design: the pods are not created"),
                ));
            }
        }
        // KP720: the ConfigMaps and Secrets exist, unless optional; what a service's
        // model reads (variables of any container, volumes) is KP305's.
        let modelled = match e.owner {
            Owner::Service(id, ResidualRole::Workload) => self.deployed.iter().find(|s| s.id == id),
            _ => None,
        };
        for r in self.ix.config_refs(p) {
            if r.optional || self.config_exists(&p.namespace, r.source, r.name) {
                continue;
            }
            if modelled.is_some_and(|s| {
                crate::render::references(s, r.source == Source::Secret).any(|n| n == r.name)
            }) {
                continue;
            }
            let (pointer, by) = r.at.show();
            let who = self.who(e);
            findings.push((
                &CONFIG_SOURCE_MISSING,
                at(&pointer),
                format!(
                    "{who}: {by} reads {} `{}`, which is not in this design: the pods do not start",
                    r.source.kind(),
                    r.name
                ),
            ));
        }
        for (rule, pointer, message) in findings {
            self.report(rule, p.entry, &pointer, message);
        }
    }

    /// Whether a pod in `ns` finds `source` `name`: in the bundle, published by the API
    /// server, or created at run time by something in the bundle.
    fn config_exists(&self, ns: &str, source: Source, name: &str) -> bool {
        self.ix.exists(source.kind(), ns, name) || self.ix.provided_at_run_time(ns, source, name)
    }
}

/// A term of a pod spec that counts pods by label.
enum Term {
    /// A topology spread constraint, by index.
    Spread(usize),
    /// A required pod anti-affinity term, by index.
    Required(usize),
    /// A preferred pod anti-affinity term, by index.
    Preferred(usize),
}

/// The port a backend asks for.
enum PortWanted {
    Number(i64),
    Name(String),
}

/// Whether a NetworkPolicy's ingress port (`{port, endPort, protocol}`) lets in a port
/// a container declares, `(name, number, protocol)`: by name, by number or range, or
/// every port of the protocol when it names none.
fn lets_in(port: &Value, (name, number, protocol): &(&str, i64, &str)) -> bool {
    port["protocol"].as_str().unwrap_or("TCP") == *protocol
        && match &port["port"] {
            Value::String(named) => named == name,
            Value::Number(n) => {
                let from = n.as_i64().unwrap_or_default();
                (from..=port["endPort"].as_i64().unwrap_or(from)).contains(number)
            }
            _ => true,
        }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{render, Object};
    use std::borrow::Cow;

    /// The reference findings of every environment of `d`, reading objects with `read`.
    fn findings(d: &Design, read: fn(&Object) -> Cow<'_, Value>) -> Vec<String> {
        let mut out = Vec::new();
        for env in &d.environments {
            let bundle = render(d, &env.name);
            let ix = Index::of(d, env, &bundle, read);
            let mut cx = Ctx {
                design: d,
                env,
                rendered: &ix,
                out: Vec::new(),
                bundle: &bundle,
            };
            let deployed: Vec<Service> = crate::model::deployed(d, env);
            environment(&mut cx, &ix, &deployed);
            out.extend(
                cx.out
                    .iter()
                    .map(|f| format!("{} {} {} [{}]", f.env, f.code, f.message, f.path)),
            );
        }
        out
    }

    /// Variations of the templates made only with the model: every fix validate offers
    /// applied, and each service turned into a StatefulSet, given its own ServiceAccount,
    /// an Ingress with TLS, an HPA, a PDB, and each way of spreading.
    fn model_only_designs() -> Vec<Design> {
        let mut out = vec![crate::templates::scaled(3)];
        for t in crate::templates::ALL {
            let d = (t.build)();
            for f in crate::rules::validate_all(&d) {
                let mut fixed = d.clone();
                if let Some(fix) = f.fix {
                    if fixed.apply(fix.edit).is_ok() {
                        out.push(fixed);
                    }
                }
            }
            for spread in [
                Spread::AntiAffinity {
                    topology_key: "kubernetes.io/hostname".into(),
                    required: true,
                },
                Spread::TopologySpread {
                    max_skew: 1,
                    topology_key: "topology.kubernetes.io/zone".into(),
                    hard: false,
                },
            ] {
                let mut v = d.clone();
                for e in &mut v.environments {
                    e.default_deny = true;
                }
                for s in &mut v.services {
                    s.kind = WorkloadKind::StatefulSet;
                    s.security.dedicated_service_account = true;
                    s.scaling.spread = spread.clone();
                    s.scaling.hpa = Some(Hpa::default());
                    s.scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Count(1)));
                    if s.exposure.service != ServiceKind::None {
                        s.exposure.ingress = Some(IngressRoute {
                            host: format!("{}.example.com", s.name),
                            path: "/".into(),
                            port: String::new(),
                            tls: true,
                            tls_secret: None,
                        });
                    }
                }
                out.push(v);
            }
            out.push(d);
        }
        out
    }

    #[test]
    fn a_design_that_keeps_nothing_from_an_import_has_no_dangling_reference() {
        let designs = model_only_designs();
        assert!(designs.len() > 20, "{} designs", designs.len());
        for d in &designs {
            assert!(!needed(d), "{} keeps nothing", d.name);
            assert_eq!(findings(d, view), Vec::<String>::new(), "{}", d.name);
        }
    }

    fn whole(o: &Object) -> Cow<'_, Value> {
        Cow::Owned(o.to_json())
    }

    #[test]
    fn the_rules_find_the_same_on_views_as_on_whole_objects() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let mut designs: Vec<(String, Design)> = crate::templates::ALL
            .iter()
            .map(|t| (t.name.to_string(), (t.build)()))
            .collect();
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .collect();
        files.sort();
        assert!(files.len() >= 10, "the corpus is there");
        for f in files {
            let text = std::fs::read_to_string(&f).unwrap();
            designs.push((
                f.display().to_string(),
                crate::import::kubernetes(&text).design,
            ));
        }
        let mut compared = 0;
        for (name, d) in &designs {
            let on_views = findings(d, view);
            assert_eq!(on_views, findings(d, whole), "{name}");
            compared += on_views.len();
        }
        assert!(compared > 5, "some findings were compared ({compared})");
    }
}
