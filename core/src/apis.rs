//! API versions that Kubernetes has removed, what replaced them, and how an object of a
//! removed version is brought to its replacement.
//!
//! Source: the Kubernetes deprecated API migration guide
//! (kubernetes.io/docs/reference/using-api/deprecation-guide/). Every version below is
//! older than Kubeprint's oldest target (1.33), so an object written in one cannot be
//! applied to any cluster Kubeprint designs for.

use serde_json::{json, Value};

/// One removed `apiVersion` of one kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Removed {
    /// The kind.
    pub kind: &'static str,
    /// The removed `apiVersion`.
    pub api_version: &'static str,
    /// The Kubernetes release that stopped serving it.
    pub removed_in: &'static str,
    /// The `apiVersion` to use instead; `None` when the API is gone without a successor.
    pub replacement: Option<&'static str>,
}

const fn r(
    kind: &'static str,
    api_version: &'static str,
    removed_in: &'static str,
    replacement: Option<&'static str>,
) -> Removed {
    Removed {
        kind,
        api_version,
        removed_in,
        replacement,
    }
}

/// Every removed version Kubeprint knows, by kind.
pub const REMOVED: &[Removed] = &[
    r("Deployment", "extensions/v1beta1", "1.16", Some("apps/v1")),
    r("Deployment", "apps/v1beta1", "1.16", Some("apps/v1")),
    r("Deployment", "apps/v1beta2", "1.16", Some("apps/v1")),
    r("StatefulSet", "apps/v1beta1", "1.16", Some("apps/v1")),
    r("StatefulSet", "apps/v1beta2", "1.16", Some("apps/v1")),
    r("DaemonSet", "extensions/v1beta1", "1.16", Some("apps/v1")),
    r("DaemonSet", "apps/v1beta2", "1.16", Some("apps/v1")),
    r("ReplicaSet", "extensions/v1beta1", "1.16", Some("apps/v1")),
    r("ReplicaSet", "apps/v1beta1", "1.16", Some("apps/v1")),
    r("ReplicaSet", "apps/v1beta2", "1.16", Some("apps/v1")),
    r(
        "NetworkPolicy",
        "extensions/v1beta1",
        "1.16",
        Some("networking.k8s.io/v1"),
    ),
    r("PodSecurityPolicy", "extensions/v1beta1", "1.16", None),
    r(
        "Ingress",
        "extensions/v1beta1",
        "1.22",
        Some("networking.k8s.io/v1"),
    ),
    r(
        "Ingress",
        "networking.k8s.io/v1beta1",
        "1.22",
        Some("networking.k8s.io/v1"),
    ),
    r(
        "IngressClass",
        "networking.k8s.io/v1beta1",
        "1.22",
        Some("networking.k8s.io/v1"),
    ),
    r(
        "CustomResourceDefinition",
        "apiextensions.k8s.io/v1beta1",
        "1.22",
        Some("apiextensions.k8s.io/v1"),
    ),
    r(
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1beta1",
        "1.22",
        Some("admissionregistration.k8s.io/v1"),
    ),
    r(
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io/v1beta1",
        "1.22",
        Some("admissionregistration.k8s.io/v1"),
    ),
    r(
        "ClusterRole",
        "rbac.authorization.k8s.io/v1beta1",
        "1.22",
        Some("rbac.authorization.k8s.io/v1"),
    ),
    r(
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io/v1beta1",
        "1.22",
        Some("rbac.authorization.k8s.io/v1"),
    ),
    r(
        "Role",
        "rbac.authorization.k8s.io/v1beta1",
        "1.22",
        Some("rbac.authorization.k8s.io/v1"),
    ),
    r(
        "RoleBinding",
        "rbac.authorization.k8s.io/v1beta1",
        "1.22",
        Some("rbac.authorization.k8s.io/v1"),
    ),
    r(
        "PriorityClass",
        "scheduling.k8s.io/v1beta1",
        "1.22",
        Some("scheduling.k8s.io/v1"),
    ),
    r(
        "StorageClass",
        "storage.k8s.io/v1beta1",
        "1.22",
        Some("storage.k8s.io/v1"),
    ),
    r("CronJob", "batch/v1beta1", "1.25", Some("batch/v1")),
    r(
        "PodDisruptionBudget",
        "policy/v1beta1",
        "1.25",
        Some("policy/v1"),
    ),
    r("PodSecurityPolicy", "policy/v1beta1", "1.25", None),
    r(
        "EndpointSlice",
        "discovery.k8s.io/v1beta1",
        "1.25",
        Some("discovery.k8s.io/v1"),
    ),
    r(
        "HorizontalPodAutoscaler",
        "autoscaling/v2beta1",
        "1.25",
        Some("autoscaling/v2"),
    ),
    r(
        "HorizontalPodAutoscaler",
        "autoscaling/v2beta2",
        "1.26",
        Some("autoscaling/v2"),
    ),
    r(
        "FlowSchema",
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "1.29",
        Some("flowcontrol.apiserver.k8s.io/v1"),
    ),
    r(
        "PriorityLevelConfiguration",
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "1.29",
        Some("flowcontrol.apiserver.k8s.io/v1"),
    ),
];

/// The removal record for an object's `apiVersion` and `kind`, if that version is gone.
pub fn removed(api_version: &str, kind: &str) -> Option<&'static Removed> {
    REMOVED
        .iter()
        .find(|r| r.kind == kind && r.api_version == api_version)
}

impl Removed {
    /// One line for a report: what was removed when, and what was done or is to do.
    pub fn message(&self) -> String {
        match self.replacement {
            Some(new) => format!(
                "{} `{}` was removed in Kubernetes {}; upgraded to `{new}`",
                self.kind, self.api_version, self.removed_in
            ),
            None => format!(
                "{} `{}` was removed in Kubernetes {} with no replacement; delete it \
                 (for pod security, use Pod Security admission labels on the namespace)",
                self.kind, self.api_version, self.removed_in
            ),
        }
    }
}

/// Bring `object` (of a removed version) to its replacement version, converting the
/// fields that changed shape. Returns `false` (object unchanged) when there is none.
pub fn upgrade(object: &mut Value) -> bool {
    let kind = object["kind"].as_str().unwrap_or_default().to_string();
    let version = object["apiVersion"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let Some(Removed {
        replacement: Some(new),
        ..
    }) = removed(&version, &kind)
    else {
        return false;
    };
    object["apiVersion"] = json!(new);
    match kind.as_str() {
        // The beta workloads defaulted the selector to the pod template's labels; apps/v1
        // requires it.
        "Deployment" | "StatefulSet" | "DaemonSet" | "ReplicaSet" => {
            let labels = object["spec"]["template"]["metadata"]["labels"].clone();
            if object["spec"].is_object()
                && object["spec"].get("selector").is_none()
                && labels.is_object()
            {
                object["spec"]["selector"] = json!({ "matchLabels": labels });
            }
        }
        // networking.k8s.io/v1 names the backend Service as an object and requires a
        // pathType; the beta's paths matched as ImplementationSpecific.
        "Ingress" => {
            if let Some(spec) = object.get_mut("spec") {
                if let Some(b) = spec.get_mut("backend").map(Value::take) {
                    spec.as_object_mut()
                        .expect("has a member")
                        .remove("backend");
                    spec["defaultBackend"] = ingress_backend(&b);
                }
                for rule in spec["rules"].as_array_mut().into_iter().flatten() {
                    for path in rule["http"]["paths"].as_array_mut().into_iter().flatten() {
                        let b = path["backend"].take();
                        path["backend"] = ingress_backend(&b);
                        if path.get("pathType").is_none() {
                            path["pathType"] = json!("ImplementationSpecific");
                        }
                    }
                }
            }
        }
        _ => {}
    }
    true
}

/// A beta Ingress backend (`serviceName`, `servicePort`) in the v1 shape.
fn ingress_backend(b: &Value) -> Value {
    let Some(name) = b.get("serviceName") else {
        return b.clone();
    };
    let port = match &b["servicePort"] {
        Value::Number(n) => json!({ "number": n }),
        Value::String(s) => match s.parse::<u16>() {
            Ok(n) => json!({ "number": n }),
            Err(_) => json!({ "name": s }),
        },
        _ => json!({}),
    };
    json!({ "service": { "name": name, "port": port } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beta_cron_job_becomes_batch_v1_unchanged_otherwise() {
        let mut o = json!({"apiVersion": "batch/v1beta1", "kind": "CronJob",
                           "metadata": {"name": "backup"}, "spec": {"schedule": "0 3 * * *"}});
        assert!(upgrade(&mut o));
        assert_eq!(o["apiVersion"], "batch/v1");
        assert_eq!(o["spec"]["schedule"], "0 3 * * *");
        assert_eq!(
            removed("batch/v1beta1", "CronJob").unwrap().message(),
            "CronJob `batch/v1beta1` was removed in Kubernetes 1.25; upgraded to `batch/v1`"
        );
    }

    #[test]
    fn a_beta_ingress_gets_the_v1_backend_shape() {
        let mut o = json!({"apiVersion": "extensions/v1beta1", "kind": "Ingress",
            "metadata": {"name": "web"},
            "spec": {"backend": {"serviceName": "web", "servicePort": 80},
                     "rules": [{"host": "a.example", "http": {"paths": [
                        {"path": "/", "backend": {"serviceName": "web", "servicePort": "http"}}]}}]}});
        assert!(upgrade(&mut o));
        assert_eq!(o["apiVersion"], "networking.k8s.io/v1");
        assert_eq!(
            o["spec"]["defaultBackend"],
            json!({"service": {"name": "web", "port": {"number": 80}}})
        );
        let path = &o["spec"]["rules"][0]["http"]["paths"][0];
        assert_eq!(
            path["backend"],
            json!({"service": {"name": "web", "port": {"name": "http"}}})
        );
        assert_eq!(path["pathType"], "ImplementationSpecific");
        assert!(o["spec"].get("backend").is_none());
    }

    #[test]
    fn a_beta_deployment_gets_the_selector_apps_v1_requires() {
        let mut o = json!({"apiVersion": "extensions/v1beta1", "kind": "Deployment",
            "metadata": {"name": "api"},
            "spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": []}}}});
        assert!(upgrade(&mut o));
        assert_eq!(
            o["spec"]["selector"],
            json!({"matchLabels": {"app": "api"}})
        );
    }

    #[test]
    fn pod_security_policy_has_no_successor() {
        let mut o = json!({"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy"});
        assert!(!upgrade(&mut o));
        assert!(removed("policy/v1beta1", "PodSecurityPolicy")
            .unwrap()
            .message()
            .contains("no replacement"));
        assert!(removed("apps/v1", "Deployment").is_none());
    }
}
