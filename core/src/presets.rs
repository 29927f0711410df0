//! What a new part of a design starts as, and the choices an editor offers.
//!
//! When a user switches a section on (an HPA, a probe, an Ingress, ...) or adds an item
//! to a list (a port, a variable, a volume, a container, a mount), the editor writes one of these values with
//! an `Edit::Set`. They live here, not in the app, because picking them is Kubernetes
//! knowledge: a preset should be a sound starting point that the rules accept, e.g. an
//! HPA with at least two replicas (KP203) next to a PDB that still lets a node drain
//! (KP205), a probe and a route that name a port the container has (KP302, KP303). The
//! tests apply each preset to a service and check that the rules it is meant to
//! satisfy stay quiet, and that each equals the JSON the editor used to write by hand.
//!
//! A port is referenced by its name when it has one, as Kubernetes recommends (a
//! renumbered port then keeps its probes and routes), else by its number.

use crate::model::*;

/// The environment a design opens on: production when the design has it (`prod`, else
/// the first of the production tier, whatever it is called: `live`, `production`),
/// otherwise its first environment (empty when it has none).
pub fn default_environment(design: &Design) -> String {
    design
        .environment("prod")
        .or_else(|| design.environments.iter().find(|e| e.tier == Tier::Prod))
        .or(design.environments.first())
        .map(|e| e.name.clone())
        .unwrap_or_default()
}

/// A new environment for `design`: the first of dev, staging and prod it does not
/// have yet, with that tier; then `env<N>`, staging tier (production-like checks
/// without production's strictness). Its name and its namespace, `<system>-<name>`,
/// are both unused, so adding one always works (also after one was removed).
pub fn new_environment(design: &Design) -> Environment {
    let free = |name: &str| {
        let namespace = format!("{}-{name}", design.name);
        let taken = design
            .environments
            .iter()
            .any(|e| e.name == name || e.namespace == namespace);
        (!taken).then_some((name.to_string(), namespace))
    };
    let usual = [
        ("dev", Tier::Dev),
        ("staging", Tier::Staging),
        ("prod", Tier::Prod),
    ];
    let (name, namespace, tier) = usual
        .iter()
        .find_map(|(name, tier)| free(name).map(|(n, ns)| (n, ns, *tier)))
        .or_else(|| {
            (design.environments.len() + 1..)
                .find_map(|n| free(&format!("env{n}")))
                .map(|(n, ns)| (n, ns, Tier::Staging))
        })
        .expect("some env<N> is free");
    Environment::new(&name, tier, &namespace)
}

/// What an environment tab says about its environment (its tooltip and accessible
/// name): the namespace, the tier, how many services it runs, and how many services it
/// overrides. An environment that runs none of the design's services (a shared
/// observability namespace) says what it is for instead.
pub fn environment_summary(design: &Design, env: &Environment) -> String {
    use crate::words::counted;
    let overrides = env.services_overridden();
    let running = design.services.iter().filter(|s| env.deploys(s.id)).count();
    let mut out = format!(
        "{}: namespace {}, tier {}",
        env.name,
        env.namespace,
        serde_json::to_value(env.tier)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    );
    if running == 0 && !design.services.is_empty() {
        out.push_str(
            "; runs none of the design's services: a namespace the design's services reach (e.g. a shared monitoring stack), set up here so policies and links to it are written",
        );
    } else {
        out.push_str(&format!("; runs {}", counted(running, "service")));
    }
    if overrides > 0 {
        // What the number counts: services switched off or on here are set apart too.
        let (mut off, mut on) = (0, 0);
        // (Only overrides with a switch are looked at twice: this runs on every edit.)
        for (id, o) in (env.overrides.iter()).filter(|(_, o)| o.enabled.is_some()) {
            let switch_only = || {
                Override {
                    enabled: None,
                    ..o.clone()
                }
                .changes_nothing()
            };
            match o.enabled {
                Some(false) if design.service(*id).is_some() => off += 1,
                Some(true) if switch_only() => on += 1,
                _ => {}
            }
        }
        let valued = overrides - off - on;
        let n = counted(overrides, "service");
        let said = match (valued, off, on) {
            (_, 0, 0) if overrides == 1 => format!("{n} with values of its own here"),
            (_, 0, 0) => format!("{n} with values of their own here"),
            (0, _, 0) => format!("{n} switched off here"),
            (0, 0, _) => format!("{n} switched on here"),
            _ => {
                let own = if valued == 1 { "its own" } else { "their own" };
                let parts = [
                    (valued > 0).then(|| format!("{valued} with values of {own}")),
                    (off > 0).then(|| format!("{off} switched off")),
                    (on > 0).then(|| format!("{on} switched on")),
                ];
                let parts: Vec<String> = parts.into_iter().flatten().collect();
                format!("{n} set apart here: {}", parts.join(", "))
            }
        };
        out.push_str(&format!("; Δ{overrides} on the tab: {said}"));
    }
    let keys: usize = env.config_values.values().map(|v| v.len()).sum();
    if keys > 0 {
        out.push_str(&format!(
            "; values of its own for {} (Config and secrets)",
            counted(keys, "ConfigMap key")
        ));
    }
    let left_out: usize = env.config_left_out.values().map(|k| k.len()).sum();
    if left_out > 0 {
        out.push_str(&format!(
            "; leaves out {} of the design's",
            counted(left_out, "ConfigMap key")
        ));
    }
    out
}

/// What the Service choice of `service` needs saying: a ClusterIP Service without a
/// port is not created (the API server rejects a Service with no port).
pub fn service_note(service: &Service) -> Option<&'static str> {
    (service.exposure.service == ServiceKind::ClusterIP && service.exposure.ports.is_empty())
        .then_some("No Service is created until a service port is added below.")
}

/// How `service` is reached from outside in `env` through Ingresses the import kept
/// whole (one routing several services by path), which "Public via Ingress" does not
/// show: "Reached through Ingress shop: shop.example.com/api, port http, TLS (kept whole
/// from the import; ...)".
pub fn kept_routes_note(design: &Design, env: &Environment, service: &Service) -> Option<String> {
    let routes: Vec<String> = (design.kept_routes(env))
        .filter(|r| r.service == service.name)
        .map(|r| {
            let port = match r.port.as_str() {
                "" => String::new(),
                p => format!(", port {p}"),
            };
            let tls = if r.tls { ", TLS" } else { "" };
            format!("Ingress {}: {}{}{port}{tls}", r.ingress, r.host, r.path)
        })
        .collect();
    (!routes.is_empty()).then(|| {
        format!(
            "Reached through {} (kept whole from the import; its YAML is on the config page {{}}).",
            routes.join("; ")
        )
    })
}

/// Every tier, with its label.
pub const TIERS: [(&str, Tier); 4] = [
    ("dev", Tier::Dev),
    ("staging", Tier::Staging),
    ("prod", Tier::Prod),
    ("shared", Tier::Shared),
];

/// Every workload kind, with its label.
pub const WORKLOAD_KINDS: [(&str, WorkloadKind); 5] = [
    ("Deployment", WorkloadKind::Deployment),
    ("StatefulSet", WorkloadKind::StatefulSet),
    ("DaemonSet", WorkloadKind::DaemonSet),
    ("Job", WorkloadKind::Job),
    ("CronJob", WorkloadKind::CronJob),
];

/// The restart policies a Job's pods may have, with their labels.
pub const JOB_RESTARTS: [(&str, JobRestart); 2] = [
    ("OnFailure (restart in place)", JobRestart::OnFailure),
    ("Never (new pod per retry)", JobRestart::Never),
];

/// A CronJob's concurrency policies, with their labels.
pub const CONCURRENCY_POLICIES: [(&str, ConcurrencyPolicy); 3] = [
    ("Allow (runs may overlap)", ConcurrencyPolicy::Allow),
    (
        "Forbid (skip a run while one runs)",
        ConcurrencyPolicy::Forbid,
    ),
    ("Replace (stop the running one)", ConcurrencyPolicy::Replace),
];

/// A part of the service editor that only some workload kinds use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditorPart {
    /// The Service, Ingress and LoadBalancer.
    Exposure,
    /// The replica count.
    Replicas,
    /// The HorizontalPodAutoscaler.
    Hpa,
    /// The PodDisruptionBudget.
    Pdb,
    /// Rolling update maxSurge and maxUnavailable.
    Rollout,
    /// Anti-affinity or topology spread.
    Spread,
    /// A Deployment's progress deadline.
    ProgressDeadline,
    /// Completions, parallelism, retries, deadline, clean-up.
    Job,
    /// Schedule, time zone, concurrency, history.
    Cron,
    /// Rolling update or canary, the canary's steps and analysis.
    Delivery,
}

/// Whether the editor shows `part` for service `s`: the parts its kind uses, and a part
/// it does not use but has (an HPA kept from when it was a Deployment), so that it can
/// be seen and removed.
pub fn shows(s: &Service, part: EditorPart) -> bool {
    let k = s.kind;
    match part {
        EditorPart::Exposure => {
            !k.runs_to_completion()
                || crate::render::has_cluster_service(s)
                || s.exposure.ingress.is_some()
                || s.exposure.gateway_route.is_some()
                || s.exposure.load_balancer.is_some()
        }
        EditorPart::Replicas | EditorPart::Spread => k.has_replicas(),
        EditorPart::Hpa => k.has_replicas() || s.scaling.hpa.is_some(),
        EditorPart::Pdb => k.has_replicas() || s.scaling.pdb.is_some(),
        EditorPart::Rollout => matches!(k, WorkloadKind::Deployment | WorkloadKind::DaemonSet),
        EditorPart::ProgressDeadline => k == WorkloadKind::Deployment,
        EditorPart::Job => k.runs_to_completion(),
        EditorPart::Cron => k == WorkloadKind::CronJob,
        EditorPart::Delivery => k == WorkloadKind::Deployment || s.delivery.is_canary(),
    }
}

/// How updates roll out, as the editor offers it.
pub const STRATEGIES: [(&str, UpdateStrategy); 2] = [
    ("Rolling update (Deployment)", UpdateStrategy::RollingUpdate),
    ("Canary (Argo Rollouts)", UpdateStrategy::Canary),
];

/// How a canary's weights reach the requests, with its label.
pub const CANARY_TRAFFIC: [(&str, CanaryTraffic); 2] = [
    (
        "Replica weights (shares of the pods)",
        CanaryTraffic::Replicas,
    ),
    ("Through its Gateway API route", CanaryTraffic::GatewayRoute),
];

/// What the canary's traffic choice does in `env`, in one line.
pub fn traffic_note(s: &Service, env: &Environment) -> String {
    let e = crate::model::effective(s, env);
    if crate::routes::routes_canary(&e, env) {
        let kind = e
            .exposure
            .gateway_route
            .as_ref()
            .map_or("route", |r| crate::routes::kind(&e, r).as_str());
        return format!(
            "In {}: the {kind} sends to {} and {}, and Argo Rollouts' Gateway API plugin ({}) sets their weights at each step, exactly. The cluster must register the plugin in argo-rollouts-config{} and let the controller get, update and patch {}s; neither is part of the design.",
            env.name,
            crate::naming::stable_service(&e.name),
            crate::naming::canary_service(&e.name),
            crate::routes::ROLLOUTS_PLUGIN,
            if kind == "GRPCRoute" { " (v0.4.0 or later for a GRPCRoute)" } else { "" },
            kind.to_ascii_lowercase(),
        );
    }
    match e.delivery.traffic {
        CanaryTraffic::GatewayRoute if e.is_canary() => format!(
            "In {}: there is no Gateway API route (or no Gateway) to route through, so the weights are shares of the pods (KP237).",
            env.name
        ),
        _ => "A weight is the canary's share of the pods, behind the service's one Service.".into(),
    }
}

/// An environment's choice of strategy for one service: its own, or one of the two.
pub const STRATEGY_OVERRIDES: [(&str, Option<UpdateStrategy>); 3] = [
    ("Service's own", None),
    ("Rolling update", Some(UpdateStrategy::RollingUpdate)),
    ("Canary", Some(UpdateStrategy::Canary)),
];

/// The kinds of canary step, each as a new step of that kind starts.
pub const CANARY_STEPS: [(&str, CanaryStep); 3] = [
    ("Set weight", CanaryStep::SetWeight { weight: 20 }),
    ("Pause", CanaryStep::Pause { seconds: Some(300) }),
    ("Analysis", CanaryStep::Analysis),
];

/// How an environment's metrics are scraped, as the editor offers it.
pub const SCRAPINGS: [(&str, Scraping); 2] = [
    ("Pod annotations (prometheus.io/*)", Scraping::Annotations),
    ("Prometheus Operator", Scraping::Operator),
];

/// The step added after `steps`: a pause after a weight, else the next weight (25
/// points up, at most 100).
pub fn canary_step(steps: &[CanaryStep]) -> CanaryStep {
    let last_weight = steps.iter().rev().find_map(|s| match s {
        CanaryStep::SetWeight { weight } => Some(*weight),
        _ => None,
    });
    match steps.last() {
        Some(CanaryStep::SetWeight { .. }) => CanaryStep::Pause { seconds: Some(300) },
        _ => CanaryStep::SetWeight {
            weight: last_weight.map_or(20, |w| (w + 25).min(100)),
        },
    }
}

/// What the service's canary does in `env`, in words for the inspector: its steps in
/// pods there, or that the environment rolls it as a Deployment.
pub fn delivery_note(s: &Service, env: &Environment) -> String {
    let e = crate::model::effective(s, env);
    if crate::routes::routes_canary(&e, env) {
        let steps: Vec<String> = e
            .delivery
            .steps
            .iter()
            .map(|st| match st {
                CanaryStep::SetWeight { weight } => format!("{weight}% of requests"),
                CanaryStep::Pause { seconds: Some(n) } => crate::cron::duration_text(u64::from(*n)),
                CanaryStep::Pause { seconds: None } => "until promoted".into(),
                CanaryStep::Analysis => "analysis".into(),
            })
            .chain(["then all".to_string()])
            .collect();
        return format!(
            "In {}: canary through its route, {}.",
            env.name,
            steps.join(" · ")
        );
    }
    match crate::insight::canary_steps(&e) {
        Some(steps) => format!("In {}: {steps}.", env.name),
        None if e.delivery.is_canary() => format!(
            "In {}: a {} is not replaced by a Rollout; it updates as its kind does.",
            env.name,
            e.kind.as_str()
        ),
        None => format!("In {}: a rolling update of the Deployment.", env.name),
    }
}

/// Whether the editor shows the scaling section at all for `s`.
pub fn shows_scaling(s: &Service) -> bool {
    [
        EditorPart::Replicas,
        EditorPart::Hpa,
        EditorPart::Pdb,
        EditorPart::Rollout,
        EditorPart::Spread,
    ]
    .into_iter()
    .any(|p| shows(s, p))
}

/// The Kubernetes kind a workload is rendered as.
pub fn workload_label(kind: WorkloadKind) -> &'static str {
    kind.as_str()
}

/// Every kind of the workload's own Service, with its label.
pub const SERVICE_KINDS: [(&str, ServiceKind); 3] = [
    ("None", ServiceKind::None),
    ("ClusterIP", ServiceKind::ClusterIP),
    ("Headless", ServiceKind::Headless),
];

/// Every port protocol, with its label.
pub const PROTOCOLS: [(&str, Protocol); 3] = [
    ("TCP", Protocol::TCP),
    ("UDP", Protocol::UDP),
    ("SCTP", Protocol::SCTP),
];

/// The ServiceAccount token choices; unset means Kubernetes' default, which mounts it.
pub const AUTOMOUNT_TOKEN: [(&str, Option<bool>); 3] = [
    ("Kubernetes default (yes)", None),
    ("No", Some(false)),
    ("Yes", Some(true)),
];

/// The name of port `n` of `service` (its first port when there is no `n`-th), as a
/// Service or a route references it; `http` when it has no named port there.
pub fn port_name(service: &Service, n: usize) -> String {
    service
        .ports
        .get(n)
        .or(service.ports.first())
        .map(|p| p.name.clone())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "http".into())
}

/// The number of port `n` of `service` (its first port when there is no `n`-th); 80
/// when it has no port.
pub fn port_number(service: &Service, n: usize) -> u16 {
    service
        .ports
        .get(n)
        .or(service.ports.first())
        .map_or(80, |p| p.port)
}

/// Container port `n` of `service` (its first port when there is no `n`-th) as a
/// Service or metrics endpoint targets it: by name when it has one, else by number;
/// `http` when it has no port yet.
pub fn port_ref(service: &Service, n: usize) -> PortRef {
    match service.ports.get(n).or(service.ports.first()) {
        Some(p) if !p.name.is_empty() => PortRef::Name(p.name.clone()),
        Some(p) => PortRef::Number(p.port),
        None => PortRef::Name("http".into()),
    }
}

/// The first container port as a probe or a metrics endpoint references it: by name
/// when it has one, else by number; 8080 when the service has no port yet.
pub fn first_port(service: &Service) -> PortRef {
    match service.ports.first() {
        Some(p) if !p.name.is_empty() => PortRef::Name(p.name.clone()),
        Some(p) => PortRef::Number(p.port),
        None => PortRef::Number(8080),
    }
}

/// The `n`-th container port added to a service: `http` on 8080 first, then
/// `port<n>` on 8080 + n.
pub fn container_port(n: usize) -> ContainerPort {
    ContainerPort {
        name: if n == 0 {
            "http".into()
        } else {
            format!("port{n}")
        },
        port: 8080 + u16::try_from(n).unwrap_or(0),
        protocol: Protocol::TCP,
    }
}

/// The `n`-th Service port: the same name and number as container port `n`, targeting
/// it by name.
pub fn service_port(service: &Service, n: usize) -> ServicePort {
    ServicePort {
        name: port_name(service, n),
        port: port_number(service, n),
        target: port_ref(service, n),
        ..ServicePort::default()
    }
}

/// What a local run publishes when the design says nothing: the container port each
/// Service port targets (by name, or by number when it is unnamed or not declared), at
/// its own number, once each. The Compose export publishes this; ticked in the
/// inspector, it is the list to edit from.
pub fn published(service: &Service) -> Vec<HostPort> {
    let mut out: Vec<HostPort> = Vec::new();
    for sp in service.callable_ports() {
        let (port, number) = match service.resolve_port(&sp.target) {
            Some(c) if !c.name.is_empty() => (PortRef::Name(c.name.clone()), c.port),
            Some(c) => (PortRef::Number(c.port), c.port),
            None => match sp.target {
                PortRef::Number(n) => (PortRef::Number(n), n),
                PortRef::Name(_) => continue,
            },
        };
        let h = HostPort {
            port,
            host: Some(number),
        };
        if !out.contains(&h) {
            out.push(h);
        }
    }
    out
}

/// Another port for a local run to publish: the first container port not published
/// yet (else the first), at its own number.
pub fn host_port(service: &Service) -> HostPort {
    let published = service.local.published.as_deref().unwrap_or_default();
    let refers = |h: &HostPort, c: &ContainerPort| match &h.port {
        PortRef::Name(n) => *n == c.name,
        PortRef::Number(n) => *n == c.port && c.name.is_empty(),
    };
    let free = (service.ports.iter()).find(|c| !published.iter().any(|h| refers(h, c)));
    match free.or(service.ports.first()) {
        Some(c) => HostPort {
            port: match c.name.is_empty() {
                true => PortRef::Number(c.port),
                false => PortRef::Name(c.name.clone()),
            },
            host: Some(c.port),
        },
        // Nothing to publish yet: a name to type.
        None => HostPort {
            port: PortRef::Name(String::new()),
            host: None,
        },
    }
}

/// A LoadBalancer port: HTTPS on 443 to the first container port.
pub fn load_balancer_port(service: &Service) -> ServicePort {
    ServicePort {
        name: "https".into(),
        port: 443,
        target: port_ref(service, 0),
        ..ServicePort::default()
    }
}

/// A LoadBalancer: 443 to the first container port, no annotations.
pub fn load_balancer(service: &Service) -> LoadBalancer {
    LoadBalancer {
        ports: vec![ServicePort {
            name: port_name(service, 0),
            ..load_balancer_port(service)
        }],
        annotations: Default::default(),
    }
}

/// A public route: `app.example.com/` with TLS, to the first port.
pub fn ingress(service: &Service) -> IngressRoute {
    IngressRoute {
        host: "app.example.com".into(),
        path: "/".into(),
        port: port_name(service, 0),
        tls: true,
        tls_secret: None,
    }
}

/// [`ingress`] for `service` of `design`: where the design declares a Secret named as
/// the one cert-manager would issue (`<service>-tls`), TLS is terminated with it, not
/// issued over it.
pub fn ingress_in(design: &Design, service: &Service) -> IngressRoute {
    let mut route = ingress(service);
    if let Some(host) = served_host(design, service) {
        route.host = host;
    }
    let issued = crate::naming::tls_secret(&service.name);
    if design.secrets.iter().any(|s| s.name == issued) {
        route.tls_secret = Some(issued);
    }
    route
}

/// The public host name a service's configuration says it answers to: the first name
/// (with a dot, not a wildcard, an IP or localhost) of `ALLOWED_HOSTS` (Django, which
/// refuses any other host), `VIRTUAL_HOST`, `SERVER_NAME`, `DOMAIN`, or the host of
/// `PUBLIC_URL`, `SITE_URL`, `BASE_URL`, `APP_URL`, in its own variables and the
/// ConfigMaps it reads whole.
fn served_host(design: &Design, service: &Service) -> Option<String> {
    const NAMES: &[&str] = &[
        "ALLOWED_HOSTS",
        "DJANGO_ALLOWED_HOSTS",
        "VIRTUAL_HOST",
        "SERVER_NAME",
        "DOMAIN",
    ];
    const URLS: &[&str] = &["PUBLIC_URL", "SITE_URL", "BASE_URL", "APP_URL"];
    let own = (service.config.env.iter()).filter_map(|v| match &v.value {
        EnvValue::Literal(text) => Some((v.name.as_str(), text.as_str())),
        _ => None,
    });
    let read = (service.config.env_from.iter())
        .filter_map(|f| match f {
            EnvFrom::ConfigMap(name) => design.config_map(name),
            EnvFrom::Secret(_) => None,
        })
        .flat_map(|c| c.data.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    let values: Vec<(&str, &str)> = own.chain(read).collect();
    let named = |list: &[&str]| {
        list.iter()
            .flat_map(|want| values.iter().filter(move |(k, _)| k == want))
            .map(|(_, v)| *v)
            .collect::<Vec<_>>()
    };
    let hosts = named(NAMES).into_iter().flat_map(|v| v.split([',', ' ']));
    let from_urls = named(URLS).into_iter().filter_map(|v| {
        let a = crate::address::addresses(v).into_iter().next()?;
        match a.host {
            crate::address::Host::Name(h) => Some(h),
            _ => None,
        }
    });
    let candidates: Vec<String> = hosts
        .map(|h| h.trim().to_ascii_lowercase())
        .chain(from_urls)
        .collect();
    candidates.into_iter().find(|h| {
        h.contains('.')
            && !h.starts_with(['.', '*'])
            && h.parse::<std::net::IpAddr>().is_err()
            && !h.ends_with("localhost")
            && crate::names::dns1123_subdomain(h).is_ok()
    })
}

/// The name of the Service port a route of `service` should send to: its first Service
/// port's, else what its first container port would be called.
fn route_port(service: &Service) -> String {
    match service.exposure.ports.first() {
        Some(p) if !p.name.is_empty() => p.name.clone(),
        Some(p) if service.exposure.ports.len() > 1 => p.port.to_string(),
        Some(_) => String::new(),
        None => port_name(service, 0),
    }
}

/// A Gateway API route: every request to the first Service port, no host names of its
/// own (it answers those of its Gateway's listeners).
pub fn gateway_route(service: &Service) -> GatewayRoute {
    GatewayRoute {
        hostnames: Vec::new(),
        port: route_port(service),
        listener: String::new(),
        rules: Vec::new(),
    }
}

/// A new rule of a route: of the kind the route is, a match on `/` (HTTPRoute) or on
/// every method of one gRPC service (GRPCRoute), to the route's port.
pub fn route_rule(service: &Service) -> RouteRule {
    RouteRule {
        matches: vec![route_match(service)],
        ..RouteRule::default()
    }
}

/// A new match of a route's rule, of the route's kind: path prefix `/`, or a gRPC
/// service.
pub fn route_match(service: &Service) -> RouteMatch {
    let route = service.exposure.gateway_route.clone().unwrap_or_default();
    match crate::routes::kind(service, &route) {
        crate::routes::RouteKind::Http => RouteMatch::Path {
            kind: PathMatchKind::PathPrefix,
            value: "/".into(),
        },
        crate::routes::RouteKind::Grpc => RouteMatch::Method {
            service: "example.v1.ExampleService".into(),
            method: String::new(),
        },
    }
}

/// A new backend of a rule: the service's own route port, weight 1.
pub fn route_backend(service: &Service) -> RouteBackend {
    let port = service
        .exposure
        .gateway_route
        .as_ref()
        .map_or_else(|| route_port(service), |r| r.port.clone());
    RouteBackend {
        service: String::new(),
        port,
        weight: 1,
    }
}

/// What a rule's match can be, with its label: an HTTP path, or a gRPC method.
pub fn route_match_kinds() -> [(&'static str, RouteMatch); 2] {
    [
        (
            "Path",
            RouteMatch::Path {
                kind: PathMatchKind::PathPrefix,
                value: "/".into(),
            },
        ),
        (
            "Method",
            RouteMatch::Method {
                service: "example.v1.ExampleService".into(),
                method: String::new(),
            },
        ),
    ]
}

/// Which kind of route a service's route is, and why, in words for the inspector.
pub fn route_kind_note(service: &Service) -> Option<String> {
    let route = service.exposure.gateway_route.as_ref()?;
    let port = if route.port.is_empty() {
        "its only port".to_string()
    } else {
        format!("port `{}`", route.port)
    };
    Some(match crate::routes::kind(service, route) {
        crate::routes::RouteKind::Grpc => {
            format!("A GRPCRoute: {port} says appProtocol grpc. Rules match gRPC methods.")
        }
        crate::routes::RouteKind::Http => format!(
            "An HTTPRoute to {port}. Rules match paths; appProtocol grpc on the port would make it a GRPCRoute."
        ),
    })
}

/// The canvas's entry label of a service reached through a Gateway API route in `env`:
/// its kind and the first host name it answers (its own, else its listener's), as
/// `GRPCRoute api.example.com`.
pub fn route_label(service: &Service, env: &Environment) -> Option<String> {
    let route = service.exposure.gateway_route.as_ref()?;
    let kind = crate::routes::kind(service, route).as_str();
    let listener_host = || {
        let g = env.gateway.as_ref()?;
        crate::routes::attached(g, route)
            .into_iter()
            .find_map(|l| l.hostname.clone())
    };
    let host = route.hostnames.first().cloned().or_else(listener_host);
    Some(match host {
        Some(h) => format!("{kind} {h}"),
        None => kind.to_string(),
    })
}

/// Whether the inspector shows the timeouts of rule `i` of a service's route: an
/// HTTPRoute has them; a GRPCRoute does not, so there they show only while set (to be
/// removed, as KP347 asks).
pub fn shows_route_timeouts(service: &Service, i: usize) -> bool {
    let Some(route) = &service.exposure.gateway_route else {
        return false;
    };
    let set = route
        .rules
        .get(i)
        .is_some_and(|r| r.request_timeout.is_some() || r.backend_request_timeout.is_some());
    set || crate::routes::kind(service, route) == crate::routes::RouteKind::Http
}

/// Path match kinds, with their labels.
pub const PATH_MATCH_KINDS: [(&str, PathMatchKind); 2] = [
    ("Prefix", PathMatchKind::PathPrefix),
    ("Exact", PathMatchKind::Exact),
];

/// Gateway listener protocols, with their labels.
pub const LISTENER_PROTOCOLS: [(&str, ListenerProtocol); 2] = [
    ("HTTP", ListenerProtocol::HTTP),
    ("HTTPS", ListenerProtocol::HTTPS),
];

/// Which namespaces' routes a Gateway admits, with their labels.
pub const ADMIT_ROUTES: [(&str, AdmitRoutes); 3] = [
    ("Its own namespace", AdmitRoutes::Same),
    ("The environment's", AdmitRoutes::Environment),
    ("All namespaces", AdmitRoutes::All),
];

/// The Gateway an environment starts with: `public` in its own namespace, Envoy
/// Gateway's class (`eg`, with its proxies in `envoy-gateway-system`), HTTP on 80 and
/// HTTPS on 443 for `<namespace>.example.com` with a certificate from the cluster's
/// cert-manager issuer.
pub fn gateway(design: &Design, env: &Environment) -> Gateway {
    let _ = design;
    let host = format!("{}.example.com", env.namespace);
    Gateway {
        name: "public".into(),
        namespace: None,
        class: "eg".into(),
        listeners: vec![
            GatewayListener {
                hostname: Some(host.clone()),
                ..GatewayListener::default()
            },
            GatewayListener {
                name: "https".into(),
                protocol: ListenerProtocol::HTTPS,
                port: 443,
                hostname: Some(host),
                certificate_secret: String::new(),
            },
        ],
        admit: AdmitRoutes::Same,
        create: true,
        cert_manager: true,
        proxy_namespace: Some("envoy-gateway-system".into()),
        residual: None,
    }
}

/// The `n`-th listener added to a Gateway: `listener<n>`, HTTP on 8080 + n.
pub fn gateway_listener(n: usize) -> GatewayListener {
    GatewayListener {
        name: format!("listener{n}"),
        port: 8080 + u16::try_from(n).unwrap_or(0),
        ..GatewayListener::default()
    }
}

/// The port a probe of `service` checks: its port named `http` (or `http-…`), else
/// its only or first port, by name when it has one; 8080 when it has no port yet.
pub fn probe_port(service: &Service) -> PortRef {
    let http = service
        .ports
        .iter()
        .find(|p| p.name == "http")
        .or_else(|| service.ports.iter().find(|p| p.name.starts_with("http")));
    match http.or(service.ports.first()) {
        Some(p) if !p.name.is_empty() => PortRef::Name(p.name.clone()),
        Some(p) => PortRef::Number(p.port),
        None => PortRef::Number(8080),
    }
}

/// Which of a service's three probes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    /// startupProbe.
    Startup,
    /// livenessProbe.
    Liveness,
    /// readinessProbe.
    Readiness,
}

impl ProbeKind {
    /// The kind by its field name (`startup`, `liveness`, `readiness`).
    pub fn from_name(name: &str) -> Option<ProbeKind> {
        match name {
            "startup" => Some(ProbeKind::Startup),
            "liveness" => Some(ProbeKind::Liveness),
            "readiness" => Some(ProbeKind::Readiness),
            _ => None,
        }
    }
}

/// The probe a switched-on probe of `kind` starts as, derived from what the service
/// already has, so that it starts clean:
/// - it checks the service's own port ([`probe_port`]: KP302), or what the catalogue
///   says its image answers on ([`crate::images`]);
/// - readiness asks `/readyz` every 5 s and gives up after 3 failures (15 s), liveness
///   asks `/healthz` every 10 s and gives up after 6 (60 s), so they differ (KP109) and
///   liveness outlasts readiness (KP110); against a probe the service already has, the
///   new one's failure threshold is moved so that this stays true;
/// - a startup probe covers the service's worst start-up (KP106), at least 60 s.
pub fn probe(service: &Service, kind: ProbeKind) -> Probe {
    if let Some(known) = crate::images::of(service) {
        let p = crate::images::image_probes(service, known);
        let chosen = match kind {
            ProbeKind::Startup => p.startup,
            ProbeKind::Liveness => p.liveness,
            ProbeKind::Readiness => p.readiness,
        };
        if let Some(chosen) = chosen {
            return keep_apart(service, kind, chosen);
        }
    }
    // Another probe that is not HTTP tells what the app answers to: check alike.
    let existing = [
        &service.probes.liveness,
        &service.probes.readiness,
        &service.probes.startup,
    ]
    .into_iter()
    .flatten()
    .map(|p| &p.action)
    .find(|a| !matches!(a, ProbeAction::Http { .. }));
    let path = match kind {
        ProbeKind::Readiness => "/readyz",
        _ => "/healthz",
    };
    let action = match existing {
        Some(a) => a.clone(),
        None => ProbeAction::Http {
            path: path.into(),
            port: probe_port(service),
        },
    };
    let p = Probe::new(action);
    let p = match kind {
        ProbeKind::Readiness => p.timed(0, 5, 3),
        ProbeKind::Liveness => p.timed(0, 10, 6),
        ProbeKind::Startup => {
            let start = service.timing.startup_seconds.max(60);
            p.timed(0, 5, start.div_ceil(5))
        }
    };
    keep_apart(service, kind, p)
}

/// `p` (a new probe of `kind`) with its failure threshold moved so that liveness gives
/// up later than readiness (KP110) against the probe the service already has.
fn keep_apart(service: &Service, kind: ProbeKind, mut p: Probe) -> Probe {
    match kind {
        ProbeKind::Liveness => {
            if let Some(r) = &service.probes.readiness {
                let period = u64::from(p.effective_period());
                while p.budget_seconds() <= r.budget_seconds() {
                    p.failure_threshold += 1;
                    if u64::from(p.failure_threshold) * period > 86_400 {
                        break;
                    }
                }
            }
        }
        ProbeKind::Readiness => {
            if let Some(l) = &service.probes.liveness {
                while p.budget_seconds() >= l.budget_seconds() && p.failure_threshold > 1 {
                    p.failure_threshold -= 1;
                }
            }
        }
        ProbeKind::Startup => {}
    }
    if p.effective_timeout() >= p.effective_period() {
        p.timeout_seconds = p.effective_period().saturating_sub(1).max(1);
    }
    p
}

/// The checks a probe can make, each aimed at the service's probe port.
pub fn probe_actions(service: &Service) -> [(&'static str, ProbeAction); 4] {
    let port = probe_port(service);
    let number = service.resolve_port(&port).map_or(8080, |p| p.port);
    [
        (
            "HTTP GET",
            ProbeAction::Http {
                path: "/healthz".into(),
                port: port.clone(),
            },
        ),
        (
            "gRPC",
            ProbeAction::Grpc {
                port: number,
                service: None,
            },
        ),
        ("TCP", ProbeAction::Tcp { port }),
        (
            "Exec",
            ProbeAction::Exec {
                command: vec!["true".into()],
            },
        ),
    ]
}

/// An HPA: 2 to 5 replicas at 70 % CPU. Two replicas so that one can be disrupted
/// (KP203), 70 % to leave headroom while new pods start.
pub fn hpa() -> Hpa {
    Hpa {
        min: 2,
        max: 5,
        cpu_percent: Some(70),
        memory_percent: None,
        scale_up: None,
        scale_down: None,
    }
}

/// The PodDisruptionBudget choices: none, or one pod kept up, or one pod let down.
pub fn pdbs() -> [(&'static str, Option<Pdb>); 3] {
    [
        ("None", None),
        ("minAvailable", Some(Pdb::MinAvailable(Amount::Count(1)))),
        (
            "maxUnavailable",
            Some(Pdb::MaxUnavailable(Amount::Count(1))),
        ),
    ]
}

/// The spread choices: none, or one replica per node, preferred rather than required so
/// that a small cluster can still schedule them.
pub fn spreads() -> [(&'static str, Spread); 3] {
    [
        ("None", Spread::None),
        (
            "Topology spread (hostname)",
            Spread::TopologySpread {
                max_skew: 1,
                topology_key: "kubernetes.io/hostname".into(),
                hard: false,
            },
        ),
        (
            "Anti-affinity (hostname)",
            Spread::AntiAffinity {
                topology_key: "kubernetes.io/hostname".into(),
                required: false,
            },
        ),
    ]
}

/// A Prometheus scrape endpoint: `/metrics` on the first port.
pub fn metrics(service: &Service) -> Metrics {
    Metrics::new(port_ref(service, 0), "/metrics")
}

/// The `n`-th environment variable added: `VAR_<n>`, empty.
pub fn env_var(n: usize) -> EnvVar {
    EnvVar::literal(&format!("VAR_{n}"), "")
}

/// The `n`-th volume added: `data<n>`, 10 GiB at `/data`, the cluster's default class.
pub fn volume(n: usize) -> VolumeClaim {
    VolumeClaim {
        name: format!("data{n}"),
        mount_path: "/data".into(),
        size: "10Gi".into(),
        storage_class: None,
    }
}

/// A new destination outside the cluster: HTTPS anywhere, to be narrowed.
pub fn external_egress() -> ExternalEgress {
    ExternalEgress::default()
}

/// A port pool: 7100 to 7199, announced as `PORT_START` and `PORT_END`.
pub fn port_pool() -> PortPool {
    PortPool {
        name: "pool".into(),
        start: 7100,
        end: 7199,
        start_env: "PORT_START".into(),
        end_env: "PORT_END".into(),
    }
}

/// Every role of a container beside the main one, with its label.
pub const CONTAINER_ROLES: [(&str, ContainerRole); 3] = [
    ("Init", ContainerRole::Init),
    ("Sidecar (native)", ContainerRole::Sidecar),
    ("Regular", ContainerRole::Regular),
];

/// A name of the form `base`, `base-2`, `base-3`, ... that no container or volume of
/// `service` has (`taken` says which names are taken).
fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| {
            if n == 1 {
                base.to_string()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|name| !taken(name))
        .expect("some name is free")
}

/// Whether a container of the pod of `service` is named `name`.
fn container_named(service: &Service, name: &str) -> bool {
    service.container() == name || service.containers.iter().any(|c| c.name == name)
}

/// A container added beside the main one in `role`: named after its role (`init`,
/// `sidecar`, `worker`, made unique in the pod), an image with an immutable tag, small
/// requests with a memory limit, hardened like a new service (KP5xx, KP6xx quiet), no
/// port (so none clashes with the pod's, KP332).
pub fn container(service: &Service, role: ContainerRole) -> Container {
    let base = match role {
        ContainerRole::Init => "init",
        ContainerRole::Sidecar => "sidecar",
        ContainerRole::Regular => "worker",
    };
    Container {
        name: unique(base, |n| container_named(service, n)),
        role,
        image: "registry.example.com/sidecar".into(),
        tag: "1.0.0".into(),
        resources: Resources::new("50m", "64Mi", "", "128Mi"),
        security: ContainerSecurity::hardened(),
        ..Container::default()
    }
}

/// A port for container `i` of `service`: `port<n>` on the first number from 9000 that
/// no container of the pod uses yet (KP332).
pub fn extra_container_port(service: &Service, i: usize) -> ContainerPort {
    let used = |port: u16| {
        service.ports.iter().any(|p| p.port == port)
            || service
                .containers
                .iter()
                .any(|c| c.ports.iter().any(|p| p.port == port))
    };
    let port = (9000..=u16::MAX).find(|p| !used(*p)).unwrap_or(9000);
    let n = service.containers.get(i).map_or(0, |c| c.ports.len());
    ContainerPort {
        name: if n == 0 {
            "admin".into()
        } else {
            format!("admin{n}")
        },
        port,
        protocol: Protocol::TCP,
    }
}

/// The startup probe a native sidecar gets so the main containers wait until it is
/// ready (KP117): the given check every 2 s, for up to a minute.
pub fn sidecar_startup_probe(action: ProbeAction) -> Probe {
    Probe::new(action).timed(0, 2, 30)
}

/// A pod volume added to `service`: an emptyDir `scratch` (unique in the pod) capped at
/// 256 MiB, mounted nowhere yet.
pub fn pod_volume(service: &Service) -> Volume {
    Volume {
        name: unique("scratch", |n| {
            service.volumes.iter().any(|v| v.name == n)
                || service.storage.iter().any(|v| v.name == n)
        }),
        source: VolumeSource::EmptyDir {
            memory: false,
            size_limit: Some("256Mi".into()),
        },
    }
}

/// The kinds of pod volume a volume may be, with its label: an emptyDir (on disk; its
/// memory switch is a field of its own), the design's first ConfigMap or Secret (or one
/// named `config` / `secret`), an existing claim.
pub fn volume_sources(design: &Design) -> [(&'static str, VolumeSource); 4] {
    let config = design
        .config_maps
        .first()
        .map_or_else(|| "config".to_string(), |c| c.name.clone());
    let secret = design
        .secrets
        .first()
        .map_or_else(|| "secret".to_string(), |c| c.name.clone());
    [
        (
            "emptyDir",
            VolumeSource::EmptyDir {
                memory: false,
                size_limit: Some("256Mi".into()),
            },
        ),
        ("ConfigMap", VolumeSource::ConfigMap { name: config }),
        ("Secret", VolumeSource::Secret { name: secret }),
        (
            "Existing claim",
            VolumeSource::Claim {
                claim: "data".into(),
                read_only: false,
            },
        ),
    ]
}

/// The checks a probe of container `c` can make, each aimed at its first port (as
/// [`probe_actions`] does for the main container).
pub fn container_probe_actions(c: &Container) -> [(&'static str, ProbeAction); 4] {
    probe_actions(&ports_only(c))
}

/// The probe of kind `which` a switched-on probe of container `c` starts as, aimed at
/// its own ports as [`probe`] aims a service's.
pub fn container_probe(c: &Container, which: ProbeKind) -> Probe {
    probe(&ports_only(c), which)
}

/// A service with `c`'s ports and nothing else, to aim a probe preset at them.
fn ports_only(c: &Container) -> Service {
    Service {
        ports: c.ports.clone(),
        ..Service::default()
    }
}

/// A mount added to a container of `service`: its first volume (or the first claim),
/// at `/mnt/<volume>`, writable; `scratch` when it has none.
pub fn mount(service: &Service) -> Mount {
    let volume = service
        .volumes
        .first()
        .map(|v| v.name.clone())
        .or_else(|| service.storage.first().map(|v| v.name.clone()))
        .unwrap_or_else(|| "scratch".into());
    Mount {
        path: format!("/mnt/{volume}"),
        volume,
        read_only: false,
        sub_path: String::new(),
    }
}

/// The Argo CD sync choice that follows an environment's tier, in words that say what
/// it comes to.
pub fn argocd_sync_by_tier(tier: Tier) -> &'static str {
    if crate::export::argo::automated_by_tier(tier) {
        "by tier: automated"
    } else {
        "by tier: manual"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A public route is made for the host the service says it answers to: Django's
    /// `ALLOWED_HOSTS` (its first real name), else a public URL in a ConfigMap it reads;
    /// else the placeholder.
    #[test]
    fn a_route_is_for_the_host_the_configuration_names() {
        let mut d = crate::templates::stfc_fastapi();
        let id = d.services[0].id;
        let host = |d: &Design| ingress_in(d, d.service(id).unwrap()).host;
        assert_eq!(host(&d), "app.example.com");
        let s = d.service_mut(id).unwrap();
        s.config.env.push(EnvVar::literal(
            "ALLOWED_HOSTS",
            "localhost,.example.com, shop.example.com",
        ));
        assert_eq!(host(&d), "shop.example.com");
        let s = d.service_mut(id).unwrap();
        s.config.env.retain(|v| v.name != "ALLOWED_HOSTS");
        d.config_maps.push(ConfigMapDef {
            name: "web-env".into(),
            data: [(
                "PUBLIC_URL".to_string(),
                "https://books.example.org/".to_string(),
            )]
            .into(),
            ..ConfigMapDef::default()
        });
        let s = d.service_mut(id).unwrap();
        s.config.env_from.push(EnvFrom::ConfigMap("web-env".into()));
        assert_eq!(host(&d), "books.example.org");
    }

    /// A port added to what a local run publishes is one not published yet, at its own
    /// number; with every port published, the first again.
    #[test]
    fn a_host_port_added_is_the_next_container_port() {
        let d = crate::templates::connectum();
        let mut otel = d.service_named("otel-collector").unwrap().clone();
        let at = |port: &str, host: u16| HostPort {
            port: PortRef::Name(port.into()),
            host: Some(host),
        };
        assert_eq!(
            published(&otel),
            [at("otlp-grpc", 4317), at("otlp-http", 4318)]
        );
        otel.local.published = Some(published(&otel));
        assert_eq!(host_port(&otel), at("health", 13133));
        otel.local
            .published
            .as_mut()
            .unwrap()
            .push(at("health", 13133));
        assert_eq!(host_port(&otel), at("otlp-grpc", 4317));
    }
    use crate::edit::{Edit, FieldPath};
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    /// `value` read as a `T`, as an `Edit::Set` of it would read it.
    fn read<T: DeserializeOwned>(value: Value) -> T {
        serde_json::from_value(value).unwrap()
    }

    /// A production design with one service `api` (ports `http` 8080 and `admin`
    /// 9090, a ClusterIP Service on `http`, requests set) and its id.
    fn design() -> (Design, ServiceId) {
        let mut d = crate::templates::by_name("empty").unwrap();
        let service = Service {
            name: "api".into(),
            ports: vec![
                ContainerPort {
                    name: "http".into(),
                    port: 8080,
                    protocol: Protocol::TCP,
                },
                ContainerPort {
                    name: "admin".into(),
                    port: 9090,
                    protocol: Protocol::TCP,
                },
            ],
            ..Service::default()
        };
        d.apply(Edit::AddService(Box::new(service))).unwrap();
        let id = d.services[0].id;
        let api = d.service(id).unwrap().clone();
        set(
            &mut d,
            id,
            "/exposure/ports",
            json!([service_port(&api, 0)]),
        );
        set(&mut d, id, "/resources/cpu_request", json!("250m"));
        set(&mut d, id, "/resources/memory_request", json!("256Mi"));
        (d, id)
    }

    fn set(d: &mut Design, id: ServiceId, pointer: &str, value: impl serde::Serialize) {
        d.apply(Edit::Set {
            path: FieldPath::service(id, pointer),
            value: serde_json::to_value(value).unwrap(),
        })
        .unwrap();
    }

    /// The codes of every environment's findings.
    fn codes(d: &Design) -> Vec<&'static str> {
        crate::rules::validate_all(d)
            .into_iter()
            .map(|f| f.code)
            .collect()
    }

    fn api(d: &Design, id: ServiceId) -> &Service {
        d.service(id).unwrap()
    }

    /// A route, a rule, a match and a backend as the inspector adds them, with each
    /// environment's Gateway as the Environments page adds it, on a service with a
    /// ClusterIP Service: no route or Gateway rule fires; a gRPC port makes the rule's
    /// match a method, and that too is clean.
    #[test]
    fn route_and_gateway_presets_start_clean() {
        for grpc in [false, true] {
            let (mut d, id) = design();
            let s = api(&d, id).clone();
            set(&mut d, id, "/exposure/ports/0", service_port(&s, 0));
            if grpc {
                set(&mut d, id, "/exposure/ports/0/app_protocol", "grpc");
            }
            let s = api(&d, id).clone();
            set(&mut d, id, "/exposure/gateway_route", gateway_route(&s));
            let s = api(&d, id).clone();
            set(
                &mut d,
                id,
                "/exposure/gateway_route/rules/0",
                route_rule(&s),
            );
            set(
                &mut d,
                id,
                "/exposure/gateway_route/rules/0/backends/0",
                route_backend(&s),
            );
            for i in 0..d.environments.len() {
                let g = gateway(&d, &d.environments[i]);
                d.environments[i].gateway = Some(g);
            }
            let found = codes(&d);
            assert!(
                !found.iter().any(|c| c.starts_with("KP34")),
                "grpc {grpc}: {found:?}"
            );
            let rule = &api(&d, id).exposure.gateway_route.as_ref().unwrap().rules[0];
            assert_eq!(
                matches!(rule.matches[0], RouteMatch::Method { .. }),
                grpc,
                "the match is of the route's kind"
            );
            let label = route_label(api(&d, id), &d.environments[2]).unwrap();
            let kind = if grpc { "GRPCRoute" } else { "HTTPRoute" };
            assert_eq!(label, format!("{kind} my-system.example.com"));
        }
    }

    /// Switches that keep what the service has (`hpa: true`, as a hand-written file may
    /// say) are no values of the environment's own; one that switches something off is.
    #[test]
    fn a_switch_that_keeps_the_service_is_no_override() {
        let mut d = crate::templates::connectum();
        let id = d.services[0].id;
        let staging = d
            .environments
            .iter_mut()
            .find(|e| e.name == "staging")
            .unwrap();
        staging.overrides.clear();
        let o = staging.overrides.entry(id).or_default();
        o.hpa = Some(true);
        o.pdb = Some(true);
        let summary = |d: &Design| environment_summary(d, d.environment("staging").unwrap());
        assert!(!summary(&d).contains("on the tab"), "{}", summary(&d));
        let staging = d
            .environments
            .iter_mut()
            .find(|e| e.name == "staging")
            .unwrap();
        staging.overrides.get_mut(&id).unwrap().pdb = Some(false);
        assert!(summary(&d).contains("Δ1 on the tab: 1 "), "{}", summary(&d));
    }

    /// The number on a tab counts services switched off or on there too, and the tab
    /// says so rather than calling them values of their own.
    #[test]
    fn a_tab_says_what_its_number_counts() {
        let mut d = crate::templates::connectum();
        let ids: Vec<ServiceId> = d.services.iter().map(|s| s.id).collect();
        let replicas = |n| Override {
            replicas: Some(n),
            ..Override::default()
        };
        let off = Override {
            enabled: Some(false),
            ..Override::default()
        };
        // Dev's overrides, step by step (from none), and what its tab then says.
        let steps = [
            (
                vec![(ids[1], replicas(3))],
                "1 service with values of its own here",
            ),
            (vec![(ids[0], off.clone())], "1 service switched off here"),
            (
                vec![(ids[0], off), (ids[1], replicas(3))],
                "2 services set apart here: 1 with values of its own, 1 switched off",
            ),
            (
                vec![(ids[0], replicas(2)), (ids[1], replicas(3))],
                "2 services with values of their own here",
            ),
        ];
        for (overrides, said) in steps {
            let dev = (d.environments.iter_mut())
                .find(|e| e.name == "dev")
                .unwrap();
            dev.overrides = overrides.into_iter().collect();
            let summary = environment_summary(&d, d.environment("dev").unwrap());
            assert!(
                summary.contains(&format!("on the tab: {said}")),
                "{summary}"
            );
        }
    }

    #[test]
    fn environment_tabs_say_what_the_environment_is() {
        let d = crate::templates::connectum();
        let prod = d.environment("prod").unwrap();
        let text = environment_summary(&d, prod);
        assert!(text.starts_with("prod: namespace "), "{text}");
        assert!(text.contains("tier prod; runs 1 service"), "{text}");
        let obs = d.environment("observability").unwrap();
        assert!(
            environment_summary(&d, obs).contains("tier shared; runs 1 service"),
            "{}",
            environment_summary(&d, obs)
        );
        let dev = d.environment("dev").unwrap();
        if dev.overrides.values().any(|o| !o.changes_nothing()) {
            assert!(environment_summary(&d, dev).contains("on the tab"));
        }
    }

    #[test]
    fn a_cluster_ip_without_ports_says_no_service_is_created() {
        let mut s = Service {
            exposure: Exposure {
                service: ServiceKind::ClusterIP,
                ..Exposure::default()
            },
            ..Service::default()
        };
        s.exposure.ports.clear();
        assert!(service_note(&s).is_some());
        assert!(!crate::render::has_cluster_service(&s), "render agrees");
        s.exposure.ports.push(service_port(&s, 0));
        assert!(service_note(&s).is_none());
        assert!(crate::render::has_cluster_service(&s));
    }

    #[test]
    fn the_design_opens_on_prod_or_else_its_first_environment() {
        let mut d = crate::templates::connectum();
        assert_eq!(default_environment(&d), "prod");
        // Production under another name, after the environments before it.
        let live = d
            .environments
            .iter_mut()
            .find(|e| e.name == "prod")
            .unwrap();
        live.name = "live".into();
        assert_eq!(live.tier, Tier::Prod);
        assert_eq!(default_environment(&d), "live");
        d.environments.retain(|e| e.name != "live");
        assert_eq!(default_environment(&d), d.environments[0].name);
        d.environments.clear();
        assert_eq!(default_environment(&d), "");
    }

    #[test]
    fn a_new_environment_is_the_next_usual_one_then_a_free_staging_one() {
        // An imported design has one environment, named after its namespace.
        let mut d = crate::templates::by_name("empty").unwrap();
        d.environments = vec![Environment::new("shop", Tier::Prod, "shop")];
        let mut added = Vec::new();
        for _ in 0..5 {
            let env = new_environment(&d);
            assert_eq!(env.namespace, format!("{}-{}", d.name, env.name));
            added.push((env.name.clone(), env.tier));
            d.apply(Edit::AddEnvironment(Box::new(env))).unwrap();
        }
        assert_eq!(
            added,
            [
                ("dev".to_string(), Tier::Dev),
                ("staging".into(), Tier::Staging),
                ("prod".into(), Tier::Prod),
                ("env5".into(), Tier::Staging),
                ("env6".into(), Tier::Staging),
            ]
        );
        // One removed, then added again, and again: each time a free name.
        for gone in ["shop", "env5", "staging"] {
            d.apply(Edit::RemoveEnvironment(gone.into())).unwrap();
            for _ in 0..2 {
                let env = new_environment(&d);
                d.apply(Edit::AddEnvironment(Box::new(env))).unwrap();
            }
        }
        let mut namespaces: Vec<_> = d.environments.iter().map(|e| &e.namespace).collect();
        namespaces.sort();
        namespaces.dedup();
        assert_eq!(namespaces.len(), d.environments.len(), "no namespace twice");
    }

    #[test]
    fn the_lists_name_every_variant_as_it_serializes() {
        for (label, tier) in TIERS {
            assert_eq!(json!(tier), json!(label));
        }
        for (label, kind) in WORKLOAD_KINDS {
            assert_eq!(json!(kind), json!(label));
            assert_eq!(workload_label(kind), label);
        }
        for (label, kind) in SERVICE_KINDS {
            assert_eq!(json!(kind), json!(label));
        }
        for (label, protocol) in PROTOCOLS {
            assert_eq!(protocol.as_str(), label);
        }
        for (_, role) in CONTAINER_ROLES {
            assert!(serde_json::from_value::<ContainerRole>(json!(role)).is_ok());
        }
        assert_eq!(
            AUTOMOUNT_TOKEN.map(|(_, v)| json!(v)),
            [json!(null), json!(false), json!(true)]
        );
    }

    #[test]
    fn an_hpa_switched_on_satisfies_the_scaling_rules() {
        let (mut d, id) = design();
        set(&mut d, id, "/scaling/hpa", hpa());
        let found = codes(&d);
        for code in ["KP201", "KP202", "KP203", "KP204"] {
            assert!(!found.contains(&code), "{code} in {found:?}");
        }
    }

    #[test]
    fn either_pdb_with_the_hpa_preset_lets_a_node_drain() {
        for (label, pdb) in pdbs() {
            let Some(pdb) = pdb else { continue };
            let (mut d, id) = design();
            set(&mut d, id, "/scaling/hpa", hpa());
            set(&mut d, id, "/scaling/pdb", pdb);
            let found = codes(&d);
            for code in ["KP205", "KP207"] {
                assert!(!found.contains(&code), "{label}: {code} in {found:?}");
            }
        }
    }

    #[test]
    fn each_spread_choice_but_none_spreads_the_replicas() {
        for (label, spread) in spreads() {
            let (mut d, id) = design();
            set(&mut d, id, "/scaling/replicas", 3);
            let none = spread == Spread::None;
            set(&mut d, id, "/scaling/spread", spread);
            assert_eq!(codes(&d).contains(&"KP206"), none, "{label}");
        }
    }

    #[test]
    fn probes_routes_ports_and_metrics_reference_ports_the_service_has() {
        let (mut d, id) = design();
        let s = api(&d, id).clone();
        set(
            &mut d,
            id,
            "/probes/readiness",
            probe(&s, ProbeKind::Readiness),
        );
        set(
            &mut d,
            id,
            "/probes/liveness",
            Probe::new(probe_actions(&s)[2].1.clone()),
        );
        set(&mut d, id, "/exposure/ingress", ingress(&s));
        set(&mut d, id, "/exposure/load_balancer", load_balancer(&s));
        set(&mut d, id, "/exposure/ports/1", service_port(&s, 1));
        set(&mut d, id, "/metrics", metrics(&s));
        let found = codes(&d);
        for code in ["KP301", "KP302", "KP303", "KP307"] {
            assert!(!found.contains(&code), "{code} in {found:?}");
        }
        for (_, action) in probe_actions(&s) {
            set(&mut d, id, "/probes/readiness/action", action);
            assert!(!codes(&d).contains(&"KP302"));
        }
    }

    /// A service with one port, 9000, named as a user names it.
    fn one_port(name: &str) -> (Design, ServiceId) {
        let mut d = crate::templates::by_name("empty").unwrap();
        let service = Service {
            name: "api".into(),
            ports: vec![ContainerPort {
                name: name.into(),
                port: 9000,
                protocol: Protocol::TCP,
            }],
            ..Service::default()
        };
        d.apply(Edit::AddService(Box::new(service))).unwrap();
        let id = d.services[0].id;
        (d, id)
    }

    /// Every preset, switched on in any order on a service with one port 9000, starts
    /// clean: it names the port the service has and its probes keep apart.
    #[test]
    fn every_preset_on_a_service_with_one_port_9000_starts_clean() {
        let orders: [&[ProbeKind]; 4] = [
            &[
                ProbeKind::Liveness,
                ProbeKind::Readiness,
                ProbeKind::Startup,
            ],
            &[ProbeKind::Readiness, ProbeKind::Liveness],
            &[
                ProbeKind::Startup,
                ProbeKind::Readiness,
                ProbeKind::Liveness,
            ],
            &[ProbeKind::Liveness],
        ];
        for name in ["http", "", "web"] {
            for order in orders {
                let (mut d, id) = one_port(name);
                for kind in order {
                    let s = api(&d, id).clone();
                    let field = match kind {
                        ProbeKind::Startup => "startup",
                        ProbeKind::Liveness => "liveness",
                        ProbeKind::Readiness => "readiness",
                    };
                    set(&mut d, id, &format!("/probes/{field}"), probe(&s, *kind));
                }
                let s = api(&d, id).clone();
                set(&mut d, id, "/exposure/service", ServiceKind::ClusterIP);
                set(&mut d, id, "/exposure/ports/0", service_port(&s, 0));
                set(&mut d, id, "/exposure/ingress", ingress(&s));
                set(&mut d, id, "/exposure/load_balancer", load_balancer(&s));
                set(&mut d, id, "/metrics", metrics(&s));
                set(&mut d, id, "/scaling/hpa", hpa());
                for (_, action) in probe_actions(&s) {
                    let mut d = d.clone();
                    set(&mut d, id, "/probes/liveness/action", action);
                    assert!(!codes(&d).contains(&"KP302"), "{name:?} {order:?}");
                }
                let found = codes(&d);
                for code in [
                    "KP106", "KP108", "KP109", "KP110", "KP301", "KP302", "KP303",
                ] {
                    assert!(
                        !found.contains(&code),
                        "port {name:?}, {order:?}: {code} in {found:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_probe_of_a_known_image_checks_what_the_image_answers() {
        let (mut d, id) = design();
        set(&mut d, id, "/image", "prom/prometheus");
        set(&mut d, id, "/ports", json!([{"name": "web", "port": 9090}]));
        let s = api(&d, id).clone();
        assert_eq!(
            probe(&s, ProbeKind::Readiness).action,
            ProbeAction::Http {
                path: "/-/ready".into(),
                port: PortRef::Name("web".into())
            }
        );
        assert_eq!(
            probe(&s, ProbeKind::Liveness).action,
            ProbeAction::Http {
                path: "/-/healthy".into(),
                port: PortRef::Name("web".into())
            }
        );
    }

    #[test]
    fn a_probe_of_a_service_whose_other_probe_is_exec_checks_alike() {
        let (mut d, id) = design();
        let exec = ProbeAction::Exec {
            command: vec!["pg_isready".into()],
        };
        set(
            &mut d,
            id,
            "/probes/liveness",
            Probe::new(exec.clone()).timed(0, 5, 2),
        );
        let s = api(&d, id).clone();
        let r = probe(&s, ProbeKind::Readiness);
        assert_eq!(r.action, exec);
        set(&mut d, id, "/probes/readiness", r);
        let found = codes(&d);
        for code in ["KP109", "KP110"] {
            assert!(!found.contains(&code), "{code} in {found:?}");
        }
    }

    #[test]
    fn added_items_keep_names_unique() {
        let (mut d, id) = design();
        for n in 2..4 {
            set(&mut d, id, &format!("/ports/{n}"), container_port(n));
        }
        for n in 0..2 {
            set(&mut d, id, &format!("/config/env/{n}"), env_var(n));
        }
        set(&mut d, id, "/storage/0", volume(0));
        set(&mut d, id, "/port_pools/0", port_pool());
        assert_eq!(api(&d, id).ports.len(), 4);
        let found = codes(&d);
        for code in [
            "KP306", "KP307", "KP308", "KP401", "KP402", "KP404", "KP501",
        ] {
            assert!(!found.contains(&code), "{code} in {found:?}");
        }
    }

    #[test]
    fn port_references_fall_back_when_a_service_has_no_named_port() {
        let mut s = Service::default();
        assert_eq!(first_port(&s), PortRef::Number(8080));
        assert_eq!((port_name(&s, 0), port_number(&s, 0)), ("http".into(), 80));
        s.ports.push(ContainerPort {
            name: String::new(),
            port: 3000,
            protocol: Protocol::TCP,
        });
        assert_eq!(first_port(&s), PortRef::Number(3000));
        assert_eq!(
            (port_name(&s, 5), port_number(&s, 5)),
            ("http".into(), 3000)
        );
    }

    #[test]
    fn an_added_container_of_each_role_is_clean_and_unique() {
        let (mut d, id) = design();
        for (label, role) in CONTAINER_ROLES.into_iter().chain(CONTAINER_ROLES) {
            let s = api(&d, id).clone();
            let n = s.containers.len();
            set(&mut d, id, &format!("/containers/{n}"), container(&s, role));
            let s = api(&d, id).clone();
            set(
                &mut d,
                id,
                &format!("/containers/{n}/ports/0"),
                extra_container_port(&s, n),
            );
            // What is found about the added containers (the main one lacks a memory
            // limit here, which is not theirs).
            let found: Vec<String> = crate::rules::validate_all(&d)
                .into_iter()
                .filter(|f| f.path.pointer.starts_with("/containers") || f.code == "KP332")
                .map(|f| format!("{} {}", f.code, f.message))
                .collect();
            assert!(found.is_empty(), "{label}: {found:#?}");
        }
        assert_eq!(api(&d, id).containers.len(), 6);
        assert_eq!(api(&d, id).containers[3].name, "init-2");
    }

    #[test]
    fn an_added_volume_and_mount_resolve_and_a_startup_probe_holds_the_app_back() {
        let (mut d, id) = design();
        for (label, source) in volume_sources(&d) {
            let s = api(&d, id).clone();
            let mut v = pod_volume(&s);
            v.source = source;
            let n = s.volumes.len();
            set(&mut d, id, &format!("/volumes/{n}"), v);
            let s = api(&d, id).clone();
            set(&mut d, id, &format!("/mounts/{n}"), mount(&s));
            assert!(!codes(&d).contains(&"KP330"), "{label}");
        }
        let names: Vec<String> = api(&d, id).volumes.iter().map(|v| v.name.clone()).collect();
        assert_eq!(names[..2], ["scratch".to_string(), "scratch-2".to_string()]);
        let s = api(&d, id).clone();
        let mut sidecar = container(&s, ContainerRole::Sidecar);
        sidecar.needed_at_start = true;
        set(&mut d, id, "/containers/0", sidecar);
        let s = api(&d, id).clone();
        let port = extra_container_port(&s, 0);
        set(&mut d, id, "/containers/0/ports/0", &port);
        assert!(codes(&d).contains(&"KP117"));
        let check = ProbeAction::Tcp {
            port: PortRef::Name(port.name),
        };
        set(
            &mut d,
            id,
            "/containers/0/probes/startup",
            sidecar_startup_probe(check),
        );
        let found = codes(&d);
        for code in ["KP117", "KP107", "KP108", "KP302", "KP332"] {
            assert!(!found.contains(&code), "{code} in {found:?}");
        }
    }

    /// The presets are what the inspector wrote as JSON before they moved here; an
    /// `Edit::Set` of either reads the same.
    #[test]
    fn each_preset_equals_the_json_the_inspector_wrote() {
        let (d, id) = design();
        let s = api(&d, id);
        let (name0, first) = (json!(port_name(s, 0)), json!(first_port(s)));
        assert_eq!(
            read::<Hpa>(json!({"min": 2, "max": 5, "cpu_percent": 70})),
            hpa()
        );
        assert_eq!(
            pdbs().map(|(_, p)| json!(p)),
            [
                json!(null),
                json!({"min_available": 1}),
                json!({"max_unavailable": 1})
            ]
        );
        let spread_json = [
            json!({"type": "none"}),
            json!({"type": "topology_spread", "max_skew": 1, "topology_key": "kubernetes.io/hostname", "hard": false}),
            json!({"type": "anti_affinity", "topology_key": "kubernetes.io/hostname", "required": false}),
        ];
        for ((_, spread), old) in spreads().into_iter().zip(spread_json) {
            assert_eq!(read::<Spread>(old), spread);
        }
        let probe_json = json!({"action": {"type": "http", "path": "/healthz", "port": first}, "failure_threshold": 6});
        assert_eq!(read::<Probe>(probe_json), probe(s, ProbeKind::Liveness));
        let action_json = [
            json!({"type": "http", "path": "/healthz", "port": first}),
            json!({"type": "grpc", "port": port_number(s, 0)}),
            json!({"type": "tcp", "port": first}),
            json!({"type": "exec", "command": ["true"]}),
        ];
        for ((_, action), old) in probe_actions(s).into_iter().zip(action_json) {
            assert_eq!(read::<ProbeAction>(old), action);
        }
        let ingress_json =
            json!({"host": "app.example.com", "path": "/", "port": name0, "tls": true});
        assert_eq!(read::<IngressRoute>(ingress_json), ingress(s));
        let lb_json = json!({"ports": [{"name": name0, "port": 443, "target": name0}]});
        assert_eq!(read::<LoadBalancer>(lb_json), load_balancer(s));
        let lb_port = json!({"name": "https", "port": 443, "target": name0});
        assert_eq!(read::<ServicePort>(lb_port), load_balancer_port(s));
        for n in 0..3 {
            let name = json!(port_name(s, n));
            let port = json!({"name": name, "port": port_number(s, n), "target": name});
            assert_eq!(read::<ServicePort>(port), service_port(s, n));
            let name = if n == 0 {
                "http".to_string()
            } else {
                format!("port{n}")
            };
            let port = json!({"name": name, "port": 8080 + n, "protocol": "TCP"});
            assert_eq!(read::<ContainerPort>(port), container_port(n));
            let var = json!({"name": format!("VAR_{n}"), "value": {"literal": ""}});
            assert_eq!(read::<EnvVar>(var), env_var(n));
            let vol = json!({"name": format!("data{n}"), "mount_path": "/data", "size": "10Gi"});
            assert_eq!(read::<VolumeClaim>(vol), volume(n));
        }
        let metrics_json = json!({"port": name0, "path": "/metrics"});
        assert_eq!(read::<Metrics>(metrics_json), metrics(s));
        let pool = json!({"name": "pool", "start": 7100, "end": 7199, "start_env": "PORT_START", "end_env": "PORT_END"});
        assert_eq!(read::<PortPool>(pool), port_pool());
    }

    #[test]
    fn the_editor_shows_what_each_kind_uses_and_what_it_still_has() {
        let of = |kind: WorkloadKind| Service {
            kind,
            ..Service::default()
        };
        let job = of(WorkloadKind::Job);
        assert!(shows(&job, EditorPart::Job) && !shows(&job, EditorPart::Cron));
        assert!(!shows(&job, EditorPart::Exposure) && !shows_scaling(&job));
        let mut job_with_hpa = job.clone();
        job_with_hpa.scaling.hpa = Some(hpa());
        assert!(
            shows(&job_with_hpa, EditorPart::Hpa),
            "so that it can be removed"
        );
        let cron = of(WorkloadKind::CronJob);
        assert!(shows(&cron, EditorPart::Cron) && shows(&cron, EditorPart::Job));
        let ds = of(WorkloadKind::DaemonSet);
        assert!(shows(&ds, EditorPart::Rollout) && !shows(&ds, EditorPart::Pdb));
        assert!(!shows(&ds, EditorPart::Replicas) && !shows(&ds, EditorPart::Hpa));
        let dep = of(WorkloadKind::Deployment);
        assert!(shows(&dep, EditorPart::ProgressDeadline) && !shows(&dep, EditorPart::Job));
        assert!(!shows(&of(WorkloadKind::StatefulSet), EditorPart::Rollout));
    }
}
