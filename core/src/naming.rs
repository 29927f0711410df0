//! Names of the objects Kubeprint derives from a service/environment.
//!
//! Rendering, [`crate::render::object_names`] (and through it the duplicate-name rule),
//! the name-length rules and import all build these names here, so they cannot drift
//! apart.

/// The default-deny NetworkPolicy of an environment with `default_deny` on.
pub const DEFAULT_DENY_POLICY: &str = "default-deny-all";

/// The NetworkPolicy that lets every pod of a default-deny environment reach DNS.
pub const DNS_EGRESS_POLICY: &str = "allow-dns-egress";

/// The name of a service's own objects: its Deployment, Rollout or StatefulSet, its
/// ClusterIP or headless Service, its ServiceAccount, Ingress, HTTPRoute or GRPCRoute,
/// HPA and PDB, its ServiceMonitor or PodMonitor and its PrometheusRule.
pub fn own(service: &str) -> &str {
    service
}

/// The headless Service a StatefulSet names as its `serviceName`: the service's own
/// Service.
pub fn governing_service(service: &str) -> &str {
    own(service)
}

/// The LoadBalancer Service of a service.
pub fn load_balancer(service: &str) -> String {
    format!("{service}-external")
}

/// The NetworkPolicy that allows a service's traffic under default-deny.
pub fn allow_policy(service: &str) -> String {
    format!("{service}-allow")
}

/// The TLS Secret of a service's Ingress, which cert-manager creates.
pub fn tls_secret(service: &str) -> String {
    format!("{service}-tls")
}

/// The AnalysisTemplate of a service's canary.
pub fn analysis_template(service: &str) -> String {
    format!("{service}-analysis")
}

/// The Service a canary routed through its Gateway API route sends the stable share of
/// its traffic to (Argo Rollouts' `stableService`).
pub fn stable_service(service: &str) -> String {
    format!("{service}-stable")
}

/// The Service a canary routed through its Gateway API route sends the canary share of
/// its traffic to (Argo Rollouts' `canaryService`).
pub fn canary_service(service: &str) -> String {
    format!("{service}-canary")
}

/// The Secret an HTTPS listener of a Gateway holds its certificate in, when the design
/// names none (cert-manager writes it when the Gateway is annotated for it).
pub fn listener_tls_secret(gateway: &str, listener: &str) -> String {
    format!("{gateway}-{listener}-tls")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derived_names_keep_their_suffixes() {
        assert_eq!(own("web"), "web");
        assert_eq!(governing_service("db"), "db");
        assert_eq!(load_balancer("web"), "web-external");
        assert_eq!(allow_policy("web"), "web-allow");
        assert_eq!(tls_secret("web"), "web-tls");
        assert_eq!(analysis_template("web"), "web-analysis");
        assert_eq!(stable_service("web"), "web-stable");
        assert_eq!(canary_service("web"), "web-canary");
        assert_eq!(listener_tls_secret("public", "https"), "public-https-tls");
    }
}
