//! Names of the objects Kubeprint derives from a service/environment.
//!
//! Rendering, [`crate::render::object_names`] (and through it the duplicate-name rule),
//! the name-length rules and import all build these names here, so they cannot drift
//! apart.

/// The default-deny NetworkPolicy of an environment with `default_deny` on.
pub const DEFAULT_DENY_POLICY: &str = "default-deny-all";

/// The NetworkPolicy that lets every pod of a default-deny environment reach DNS.
pub const DNS_EGRESS_POLICY: &str = "allow-dns-egress";

/// `wanted` when `taken` says it is free, else the first free of `wanted-2`,
/// `wanted-3`, ...: a name beside others of its kind (a compose service, a volume).
pub fn free(wanted: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(wanted) {
        return wanted.to_string();
    }
    (2..)
        .map(|i| format!("{wanted}-{i}"))
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

/// The name of a service's own objects: its Deployment, Rollout or StatefulSet, its
/// ClusterIP or headless Service, its ServiceAccount, Ingress, HTTPRoute or GRPCRoute,
/// HPA and PDB, its ServiceMonitor or PodMonitor and its PrometheusRule.
pub fn own(service: &str) -> &str {
    service
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

/// The name Kustomize's `configMapGenerator` gives ConfigMap `name` holding `data`:
/// `name-` and ten characters of a SHA-256 of the data, as `kubectl kustomize` (v5)
/// writes them. The digest is of Go's JSON of `{"data":…,"kind":"ConfigMap","name":""}`
/// (members sorted; `<`, `>`, `&`, U+2028 and U+2029 escaped as Go does), its first ten
/// hex digits with `0 1 3 a e` written `g h k m t`.
pub fn generated_config_map(
    name: &str,
    data: &std::collections::BTreeMap<String, String>,
) -> String {
    use sha2::{Digest, Sha256};
    let json = serde_json::json!({"data": data, "kind": "ConfigMap", "name": ""}).to_string();
    let mut go = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                go.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => go.push(c),
        }
    }
    let digest = Sha256::digest(go.as_bytes());
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    let suffix: String = hex
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect();
    format!("{name}-{suffix}")
}

/// Whether `rendered` is a name [`generated_config_map`] may give ConfigMap `name`:
/// `name-` and ten characters of its alphabet.
pub fn is_generated_config_map(name: &str, rendered: &str) -> bool {
    rendered
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hash| {
            hash.len() == 10 && hash.chars().all(|c| "2456789bcdfghkmt".contains(c))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names `kubectl kustomize` (v5.5) gave these generators: HTML characters, a file
    /// with line breaks, non-ASCII text and an empty value.
    #[test]
    fn generated_config_maps_are_named_as_kustomize_names_them() {
        let data = |pairs: &[(&str, &str)]| {
            (pairs.iter())
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let html = data(&[("LOG_LEVEL", "info"), ("URL", "http://a<b>&c")]);
        assert_eq!(
            generated_config_map("parcel-config", &html),
            "parcel-config-b4746f7m56"
        );
        let file = "server {\n  listen 8080;\n  location / { return 200 \"ok\"; }\n}\n";
        let mixed = data(&[
            ("GREETING", "héllo wörld"),
            ("EMPTY", ""),
            ("nginx.conf", file),
        ]);
        assert_eq!(
            generated_config_map("web-config", &mixed),
            "web-config-62k5942d6k"
        );
        assert!(is_generated_config_map(
            "web-config",
            "web-config-62k5942d6k"
        ));
        assert!(!is_generated_config_map("web-config", "web-config-2"));
        assert!(!is_generated_config_map("web", "web-config-62k5942d6k"));
    }

    #[test]
    fn derived_names_keep_their_suffixes() {
        assert_eq!(own("web"), "web");
        assert_eq!(load_balancer("web"), "web-external");
        assert_eq!(allow_policy("web"), "web-allow");
        assert_eq!(tls_secret("web"), "web-tls");
        assert_eq!(analysis_template("web"), "web-analysis");
        assert_eq!(stable_service("web"), "web-stable");
        assert_eq!(canary_service("web"), "web-canary");
        assert_eq!(listener_tls_secret("public", "https"), "public-https-tls");
    }
}
