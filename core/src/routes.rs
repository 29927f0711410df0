//! Gateway API semantics that render, the rules and import share: which kind of route a
//! service's route is, where each backend leads, which host names a listener accepts,
//! durations as the API reads them, and where a Gateway and its proxies run.

use crate::model::*;

/// The kind of a service's Gateway API route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RouteKind {
    /// An HTTPRoute.
    Http,
    /// A GRPCRoute.
    Grpc,
}

impl RouteKind {
    /// The Kubernetes kind.
    pub fn as_str(self) -> &'static str {
        match self {
            RouteKind::Http => "HTTPRoute",
            RouteKind::Grpc => "GRPCRoute",
        }
    }
}

/// Whether an appProtocol names gRPC (`grpc`, as Istio and Connectum's manifests write
/// it; compared without case).
pub fn is_grpc(app_protocol: Option<&str>) -> bool {
    app_protocol.is_some_and(|p| p.eq_ignore_ascii_case("grpc"))
}

/// Whether a port's appProtocol tells a gateway to speak HTTP/2 to it, as a GRPCRoute's
/// backends need: `grpc`, or Gateway API's `kubernetes.io/h2c` (GEP-1911).
pub fn speaks_http2(app_protocol: Option<&str>) -> bool {
    is_grpc(app_protocol)
        || app_protocol.is_some_and(|p| p == "kubernetes.io/h2c" || p == "kubernetes.io/h2")
}

/// The route kind of service `s`: a GRPCRoute when the Service port it routes to has
/// appProtocol grpc, else an HTTPRoute.
pub fn kind(s: &Service, route: &GatewayRoute) -> RouteKind {
    let grpc = s
        .service_port(&route.port)
        .is_some_and(|p| is_grpc(p.app_protocol.as_deref()));
    if grpc {
        RouteKind::Grpc
    } else {
        RouteKind::Http
    }
}

/// The backends of one rule as written: the rule's own, or the route's port of the
/// service itself when it names none.
pub fn backends(route: &GatewayRoute, rule: Option<&RouteRule>) -> Vec<RouteBackend> {
    match rule {
        Some(r) if !r.backends.is_empty() => r.backends.clone(),
        _ => vec![RouteBackend {
            service: String::new(),
            port: route.port.clone(),
            weight: 1,
        }],
    }
}

/// Whether a backend of the route names a Service by name, which may be another
/// service's: rendering the route then reads that service's ports.
pub fn names_services(route: &GatewayRoute) -> bool {
    route
        .rules
        .iter()
        .flat_map(|r| &r.backends)
        .any(|b| !b.service.is_empty())
}

/// The rules as written: the route's, or one rule that matches everything.
pub fn rules(route: &GatewayRoute) -> Vec<Option<&RouteRule>> {
    if route.rules.is_empty() {
        vec![None]
    } else {
        route.rules.iter().map(Some).collect()
    }
}

/// The Service name a backend of service `s` sends to.
pub fn backend_service<'a>(s: &'a Service, b: &'a RouteBackend) -> &'a str {
    if b.service.is_empty() {
        s.service_name()
    } else {
        &b.service
    }
}

/// The service of `deployed` (the environment's services, as they run there) whose own
/// Service a backend of `s` names.
pub fn backend_target<'a>(
    s: &'a Service,
    b: &RouteBackend,
    deployed: &'a [Service],
) -> Option<&'a Service> {
    if b.service.is_empty() {
        return Some(s);
    }
    deployed
        .iter()
        .find(|t| crate::render::has_cluster_service(t) && t.service_name() == b.service)
}

/// The Service port of `target` a backend names.
pub fn backend_port<'a>(target: &'a Service, b: &RouteBackend) -> Option<&'a ServicePort> {
    if !crate::render::has_cluster_service(target) {
        return None;
    }
    target.service_port(&b.port)
}

/// The Argo Rollouts traffic router plugin for the Gateway API, as its name appears in
/// `trafficRouting.plugins` and in the controller's `argo-rollouts-config` ConfigMap.
pub const ROLLOUTS_PLUGIN: &str = "argoproj-labs/gatewayAPI";

/// Whether the canary `s` (as it runs in `env`) splits its traffic through its Gateway
/// API route: it asks for it, has a route and a Service to route to, and the environment
/// has a Gateway the route attaches to. Otherwise a canary's weights are shares of the
/// pods (and KP237 says why when it asked for the route).
pub fn routes_canary(s: &Service, env: &Environment) -> bool {
    s.is_canary()
        && s.delivery.traffic == CanaryTraffic::GatewayRoute
        && s.exposure.gateway_route.is_some()
        && env.gateway.is_some()
        && crate::render::has_cluster_service(s)
}

/// Whether a backend of `s` names the service's own Service, whose traffic a routed
/// canary splits between its stable and canary Services.
pub fn is_own_backend(s: &Service, b: &RouteBackend) -> bool {
    b.service.is_empty() || b.service == s.service_name()
}

/// The namespace the Gateway of `env` is in.
pub fn gateway_namespace<'a>(env: &'a Environment, gw: &'a Gateway) -> &'a str {
    gw.namespace
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or(&env.namespace)
}

/// The namespace the proxies of the Gateway of `env` run in.
pub fn proxy_namespace<'a>(env: &'a Environment, gw: &'a Gateway) -> &'a str {
    gw.proxy_namespace
        .as_deref()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| gateway_namespace(env, gw))
}

/// Whether the Gateway's listeners admit routes from the environment's namespace.
pub fn admits(env: &Environment, gw: &Gateway) -> bool {
    match gw.admit {
        AdmitRoutes::Same => gateway_namespace(env, gw) == env.namespace,
        AdmitRoutes::Environment | AdmitRoutes::All => true,
    }
}

/// The listeners a route attaches to: the one it names, or all of them.
pub fn attached<'a>(gw: &'a Gateway, route: &GatewayRoute) -> Vec<&'a GatewayListener> {
    gw.listeners
        .iter()
        .filter(|l| route.listener.is_empty() || l.name == route.listener)
        .collect()
}

/// Whether a route hostname and a listener hostname intersect, as Gateway API matches
/// them: a listener without a hostname accepts all; a wildcard `*.example.com` stands for
/// one or more labels in front of `example.com` (not `example.com` itself), on either
/// side.
pub fn hostnames_intersect(listener: Option<&str>, route: &str) -> bool {
    let Some(listener) = listener.filter(|l| !l.is_empty()) else {
        return true;
    };
    let (l, r) = (listener.to_ascii_lowercase(), route.to_ascii_lowercase());
    if l == r {
        return true;
    }
    let covers = |wild: &str, host: &str| {
        wild.strip_prefix("*.").is_some_and(|suffix| {
            host.strip_suffix(suffix)
                .is_some_and(|front| front.len() > 1 && front.ends_with('.'))
        })
    };
    covers(&l, &r) || covers(&r, &l)
}

/// A Gateway API duration (GEP-2257) in milliseconds: one to four parts of a number of
/// at most five digits and a unit `h`, `m`, `s` or `ms` (`1h`, `1m30s`, `500ms`); `None`
/// when it is not one.
pub fn duration_ms(text: &str) -> Option<u64> {
    let mut rest = text;
    let mut total = 0u64;
    let mut parts = 0;
    while !rest.is_empty() {
        let digits = rest.chars().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 5 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let (unit, len) = if rest.starts_with("ms") {
            (1, 2)
        } else if rest.starts_with('h') {
            (3_600_000, 1)
        } else if rest.starts_with('m') {
            (60_000, 1)
        } else if rest.starts_with('s') {
            (1_000, 1)
        } else {
            return None;
        };
        rest = &rest[len..];
        total += n * unit;
        parts += 1;
    }
    (1..=4).contains(&parts).then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_gateway_api_reads_them() {
        assert_eq!(duration_ms("10s"), Some(10_000));
        assert_eq!(duration_ms("1m30s"), Some(90_000));
        assert_eq!(duration_ms("500ms"), Some(500));
        assert_eq!(duration_ms("1h"), Some(3_600_000));
        assert_eq!(duration_ms("0s"), Some(0));
        for bad in ["", "10", "1.5s", "s", "100000s", "1d", "1h1h1h1h1h", " 1s"] {
            assert_eq!(duration_ms(bad), None, "{bad}");
        }
    }

    #[test]
    fn hostnames_intersect_as_the_spec_says() {
        assert!(hostnames_intersect(None, "a.example.com"));
        assert!(hostnames_intersect(Some("a.example.com"), "a.example.com"));
        assert!(hostnames_intersect(Some("*.example.com"), "a.example.com"));
        assert!(hostnames_intersect(
            Some("*.example.com"),
            "a.b.example.com"
        ));
        assert!(hostnames_intersect(Some("a.example.com"), "*.example.com"));
        assert!(!hostnames_intersect(Some("*.example.com"), "example.com"));
        assert!(!hostnames_intersect(Some("a.example.com"), "b.example.com"));
        assert!(!hostnames_intersect(Some("*.example.com"), "a.example.org"));
        assert!(!hostnames_intersect(Some("*.example.com"), "aexample.com"));
    }
}
