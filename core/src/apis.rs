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

/// The kinds each built-in API group version serves, from Kubernetes 1.33 (Kubeprint's
/// oldest target; as k8s-openapi's `v1_33` types have them, alpha and beta versions
/// included) plus what later releases added to a version listed here
/// (`storage.k8s.io/v1` VolumeAttributesClass, `resource.k8s.io/v1` and
/// `certificates.k8s.io/v1alpha1` PodCertificateRequest in 1.34).
/// A version not listed (a CRD's, a release's newer one) is not judged.
pub const SERVED: &[(&str, &[&str])] = &[
    (
        "v1",
        &[
            "Binding",
            "ComponentStatus",
            "ConfigMap",
            "Endpoints",
            "Event",
            "LimitRange",
            "Namespace",
            "Node",
            "PersistentVolume",
            "PersistentVolumeClaim",
            "Pod",
            "PodTemplate",
            "ReplicationController",
            "ResourceQuota",
            "Secret",
            "Service",
            "ServiceAccount",
        ],
    ),
    (
        "admissionregistration.k8s.io/v1",
        &[
            "MutatingWebhookConfiguration",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "ValidatingWebhookConfiguration",
        ],
    ),
    (
        "admissionregistration.k8s.io/v1alpha1",
        &["MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"],
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        &[
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding",
            "MutatingAdmissionPolicy",
            "MutatingAdmissionPolicyBinding",
        ],
    ),
    ("apiextensions.k8s.io/v1", &["CustomResourceDefinition"]),
    ("apiregistration.k8s.io/v1", &["APIService"]),
    (
        "apps/v1",
        &[
            "ControllerRevision",
            "DaemonSet",
            "Deployment",
            "ReplicaSet",
            "StatefulSet",
        ],
    ),
    (
        "authentication.k8s.io/v1",
        &["SelfSubjectReview", "TokenRequest", "TokenReview"],
    ),
    (
        "authorization.k8s.io/v1",
        &[
            "LocalSubjectAccessReview",
            "SelfSubjectAccessReview",
            "SelfSubjectRulesReview",
            "SubjectAccessReview",
        ],
    ),
    ("autoscaling/v1", &["HorizontalPodAutoscaler", "Scale"]),
    ("autoscaling/v2", &["HorizontalPodAutoscaler"]),
    ("batch/v1", &["CronJob", "Job"]),
    ("certificates.k8s.io/v1", &["CertificateSigningRequest"]),
    (
        "certificates.k8s.io/v1alpha1",
        &["ClusterTrustBundle", "PodCertificateRequest"],
    ),
    ("certificates.k8s.io/v1beta1", &["ClusterTrustBundle"]),
    ("coordination.k8s.io/v1", &["Lease"]),
    ("coordination.k8s.io/v1alpha2", &["LeaseCandidate"]),
    ("coordination.k8s.io/v1beta1", &["LeaseCandidate"]),
    ("discovery.k8s.io/v1", &["EndpointSlice"]),
    ("events.k8s.io/v1", &["Event"]),
    (
        "flowcontrol.apiserver.k8s.io/v1",
        &["FlowSchema", "PriorityLevelConfiguration"],
    ),
    (
        "networking.k8s.io/v1",
        &[
            "IPAddress",
            "Ingress",
            "IngressClass",
            "NetworkPolicy",
            "ServiceCIDR",
        ],
    ),
    ("networking.k8s.io/v1beta1", &["IPAddress", "ServiceCIDR"]),
    ("node.k8s.io/v1", &["RuntimeClass"]),
    ("policy/v1", &["Eviction", "PodDisruptionBudget"]),
    (
        "rbac.authorization.k8s.io/v1",
        &["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    ),
    (
        "resource.k8s.io/v1",
        &[
            "DeviceClass",
            "ResourceClaim",
            "ResourceClaimTemplate",
            "ResourceSlice",
        ],
    ),
    (
        "resource.k8s.io/v1beta1",
        &[
            "DeviceClass",
            "ResourceClaim",
            "ResourceClaimTemplate",
            "ResourceSlice",
        ],
    ),
    (
        "resource.k8s.io/v1beta2",
        &[
            "DeviceClass",
            "ResourceClaim",
            "ResourceClaimTemplate",
            "ResourceSlice",
        ],
    ),
    ("scheduling.k8s.io/v1", &["PriorityClass"]),
    (
        "storage.k8s.io/v1",
        &[
            "CSIDriver",
            "CSINode",
            "CSIStorageCapacity",
            "StorageClass",
            "VolumeAttachment",
            "VolumeAttributesClass",
        ],
    ),
    ("storage.k8s.io/v1alpha1", &["VolumeAttributesClass"]),
    ("storage.k8s.io/v1beta1", &["VolumeAttributesClass"]),
];

/// What is wrong with `kind` in `api_version`, a built-in group version that does not
/// serve it (`apps/v1` and `Deploymnet`), and what was most likely meant: a kind of
/// that version spelt almost alike, or the version that serves the kind. `None` where
/// the version serves the kind, is not built in, or has been removed (KP701's), and for
/// a `...List` (which `kubectl` unpacks).
pub fn unserved_kind(api_version: &str, kind: &str) -> Option<String> {
    let (_, kinds) = SERVED.iter().find(|(v, _)| *v == api_version)?;
    if kinds.contains(&kind) || kind.ends_with("List") || removed(api_version, kind).is_some() {
        return None;
    }
    // A kind another version serves is most likely that kind (`v1` Role); else one of
    // this version's spelt almost alike: one letter off in a short name, two in a
    // longer one.
    let elsewhere = SERVED
        .iter()
        .find(|(v, ks)| !v.contains("alpha") && !v.contains("beta") && ks.contains(&kind))
        .map(|(v, _)| *v);
    let alike = || {
        let most = if kind.len() <= 6 { 1 } else { 2 };
        kinds
            .iter()
            .find(|k| k.eq_ignore_ascii_case(kind) || crate::words::edit_distance(k, kind) <= most)
    };
    Some(match (elsewhere, alike()) {
        (Some(v), _) => format!("`{api_version}` has no kind `{kind}`: it is served as `{v}`"),
        (None, Some(k)) => format!("`{api_version}` has no kind `{kind}`: did you mean `{k}`?"),
        (None, None) => format!("`{api_version}` has no kind `{kind}`"),
    })
}

#[cfg(test)]
mod served_tests {
    use super::*;
    use k8s_openapi::Resource;

    fn served<T: Resource>() -> (&'static str, &'static str) {
        (T::API_VERSION, T::KIND)
    }

    /// The kinds of k8s-openapi's `v1_33` types (generated from the API server's
    /// OpenAPI document), as `(apiVersion, kind)`: every type that implements its
    /// `Resource`, listed once from k8s-openapi 0.29's source (96); the compiler checks
    /// that each is one, not that none is missing.
    fn api_kinds() -> Vec<(&'static str, &'static str)> {
        vec![
            served::<k8s_openapi::api::admissionregistration::v1::MutatingWebhookConfiguration>(),
            served::<k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicy>(),
            served::<k8s_openapi::api::admissionregistration::v1::ValidatingAdmissionPolicyBinding>(),
            served::<k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration>(),
            served::<k8s_openapi::api::admissionregistration::v1alpha1::MutatingAdmissionPolicy>(),
            served::<k8s_openapi::api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding>(),
            served::<k8s_openapi::api::admissionregistration::v1beta1::ValidatingAdmissionPolicy>(),
            served::<k8s_openapi::api::admissionregistration::v1beta1::ValidatingAdmissionPolicyBinding>(),
            served::<k8s_openapi::api::apiserverinternal::v1alpha1::StorageVersion>(),
            served::<k8s_openapi::api::apps::v1::ControllerRevision>(),
            served::<k8s_openapi::api::apps::v1::DaemonSet>(),
            served::<k8s_openapi::api::apps::v1::Deployment>(),
            served::<k8s_openapi::api::apps::v1::ReplicaSet>(),
            served::<k8s_openapi::api::apps::v1::StatefulSet>(),
            served::<k8s_openapi::api::authentication::v1::SelfSubjectReview>(),
            served::<k8s_openapi::api::authentication::v1::TokenRequest>(),
            served::<k8s_openapi::api::authentication::v1::TokenReview>(),
            served::<k8s_openapi::api::authorization::v1::LocalSubjectAccessReview>(),
            served::<k8s_openapi::api::authorization::v1::SelfSubjectAccessReview>(),
            served::<k8s_openapi::api::authorization::v1::SelfSubjectRulesReview>(),
            served::<k8s_openapi::api::authorization::v1::SubjectAccessReview>(),
            served::<k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler>(),
            served::<k8s_openapi::api::autoscaling::v1::Scale>(),
            served::<k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler>(),
            served::<k8s_openapi::api::batch::v1::CronJob>(),
            served::<k8s_openapi::api::batch::v1::Job>(),
            served::<k8s_openapi::api::certificates::v1::CertificateSigningRequest>(),
            served::<k8s_openapi::api::certificates::v1alpha1::ClusterTrustBundle>(),
            served::<k8s_openapi::api::certificates::v1beta1::ClusterTrustBundle>(),
            served::<k8s_openapi::api::coordination::v1::Lease>(),
            served::<k8s_openapi::api::coordination::v1alpha2::LeaseCandidate>(),
            served::<k8s_openapi::api::coordination::v1beta1::LeaseCandidate>(),
            served::<k8s_openapi::api::core::v1::Binding>(),
            served::<k8s_openapi::api::core::v1::ComponentStatus>(),
            served::<k8s_openapi::api::core::v1::ConfigMap>(),
            served::<k8s_openapi::api::core::v1::Endpoints>(),
            served::<k8s_openapi::api::core::v1::Event>(),
            served::<k8s_openapi::api::core::v1::LimitRange>(),
            served::<k8s_openapi::api::core::v1::Namespace>(),
            served::<k8s_openapi::api::core::v1::Node>(),
            served::<k8s_openapi::api::core::v1::PersistentVolume>(),
            served::<k8s_openapi::api::core::v1::PersistentVolumeClaim>(),
            served::<k8s_openapi::api::core::v1::Pod>(),
            served::<k8s_openapi::api::core::v1::PodTemplate>(),
            served::<k8s_openapi::api::core::v1::ReplicationController>(),
            served::<k8s_openapi::api::core::v1::ResourceQuota>(),
            served::<k8s_openapi::api::core::v1::Secret>(),
            served::<k8s_openapi::api::core::v1::Service>(),
            served::<k8s_openapi::api::core::v1::ServiceAccount>(),
            served::<k8s_openapi::api::discovery::v1::EndpointSlice>(),
            served::<k8s_openapi::api::events::v1::Event>(),
            served::<k8s_openapi::api::flowcontrol::v1::FlowSchema>(),
            served::<k8s_openapi::api::flowcontrol::v1::PriorityLevelConfiguration>(),
            served::<k8s_openapi::api::networking::v1::Ingress>(),
            served::<k8s_openapi::api::networking::v1::IngressClass>(),
            served::<k8s_openapi::api::networking::v1::IPAddress>(),
            served::<k8s_openapi::api::networking::v1::NetworkPolicy>(),
            served::<k8s_openapi::api::networking::v1::ServiceCIDR>(),
            served::<k8s_openapi::api::networking::v1beta1::IPAddress>(),
            served::<k8s_openapi::api::networking::v1beta1::ServiceCIDR>(),
            served::<k8s_openapi::api::node::v1::RuntimeClass>(),
            served::<k8s_openapi::api::policy::v1::Eviction>(),
            served::<k8s_openapi::api::policy::v1::PodDisruptionBudget>(),
            served::<k8s_openapi::api::rbac::v1::ClusterRole>(),
            served::<k8s_openapi::api::rbac::v1::ClusterRoleBinding>(),
            served::<k8s_openapi::api::rbac::v1::Role>(),
            served::<k8s_openapi::api::rbac::v1::RoleBinding>(),
            served::<k8s_openapi::api::resource::v1alpha3::DeviceClass>(),
            served::<k8s_openapi::api::resource::v1alpha3::DeviceTaintRule>(),
            served::<k8s_openapi::api::resource::v1alpha3::ResourceClaim>(),
            served::<k8s_openapi::api::resource::v1alpha3::ResourceClaimTemplate>(),
            served::<k8s_openapi::api::resource::v1alpha3::ResourceSlice>(),
            served::<k8s_openapi::api::resource::v1beta1::DeviceClass>(),
            served::<k8s_openapi::api::resource::v1beta1::ResourceClaim>(),
            served::<k8s_openapi::api::resource::v1beta1::ResourceClaimTemplate>(),
            served::<k8s_openapi::api::resource::v1beta1::ResourceSlice>(),
            served::<k8s_openapi::api::resource::v1beta2::DeviceClass>(),
            served::<k8s_openapi::api::resource::v1beta2::ResourceClaim>(),
            served::<k8s_openapi::api::resource::v1beta2::ResourceClaimTemplate>(),
            served::<k8s_openapi::api::resource::v1beta2::ResourceSlice>(),
            served::<k8s_openapi::api::scheduling::v1::PriorityClass>(),
            served::<k8s_openapi::api::storage::v1::CSIDriver>(),
            served::<k8s_openapi::api::storage::v1::CSINode>(),
            served::<k8s_openapi::api::storage::v1::CSIStorageCapacity>(),
            served::<k8s_openapi::api::storage::v1::StorageClass>(),
            served::<k8s_openapi::api::storage::v1::VolumeAttachment>(),
            served::<k8s_openapi::api::storage::v1alpha1::VolumeAttributesClass>(),
            served::<k8s_openapi::api::storage::v1beta1::VolumeAttributesClass>(),
            served::<k8s_openapi::api::storagemigration::v1alpha1::StorageVersionMigration>(),
            served::<k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition>(),
            served::<k8s_openapi::apimachinery::pkg::apis::meta::v1::APIGroup>(),
            served::<k8s_openapi::apimachinery::pkg::apis::meta::v1::APIGroupList>(),
            served::<k8s_openapi::apimachinery::pkg::apis::meta::v1::APIResourceList>(),
            served::<k8s_openapi::apimachinery::pkg::apis::meta::v1::APIVersions>(),
            served::<k8s_openapi::apimachinery::pkg::apis::meta::v1::Status>(),
            served::<k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1::APIService>(),
        ]
    }

    /// What discovery answers with, which no manifest applies.
    const DISCOVERY: &[&str] = &[
        "APIGroup",
        "APIGroupList",
        "APIResourceList",
        "APIVersions",
        "Status",
    ];

    /// What later releases added to a version of the table (said in [`SERVED`]'s doc).
    const LATER: &[(&str, &str)] = &[
        ("storage.k8s.io/v1", "VolumeAttributesClass"),
        (
            "admissionregistration.k8s.io/v1beta1",
            "MutatingAdmissionPolicy",
        ),
        (
            "admissionregistration.k8s.io/v1beta1",
            "MutatingAdmissionPolicyBinding",
        ),
        ("certificates.k8s.io/v1alpha1", "PodCertificateRequest"),
    ];

    /// The table and the API agree both ways: every kind of a listed version is served
    /// (no false KP724), and every kind listed is one the API has (or a later release
    /// added, listed in `LATER` and `resource.k8s.io/v1`).
    #[test]
    fn the_served_kinds_are_the_api_servers() {
        let api = api_kinds();
        for (version, kind) in &api {
            if DISCOVERY.contains(kind) || !SERVED.iter().any(|(v, _)| v == version) {
                continue;
            }
            assert_eq!(unserved_kind(version, kind), None, "{version} {kind}");
        }
        for (version, kinds) in SERVED {
            for kind in *kinds {
                let known = api.contains(&(version, kind))
                    || LATER.contains(&(version, kind))
                    || *version == "resource.k8s.io/v1";
                assert!(known, "{version} {kind} is in no API");
            }
        }
        // Every version the API has beside discovery's is listed.
        for (version, kind) in &api {
            let listed = SERVED.iter().any(|(v, _)| v == version);
            assert!(
                listed || DISCOVERY.contains(kind) || version.contains("alpha"),
                "{version} is not listed"
            );
        }
    }

    #[test]
    fn an_unserved_kind_says_what_was_meant() {
        assert_eq!(
            unserved_kind("apps/v1", "Deploymnet").as_deref(),
            Some("`apps/v1` has no kind `Deploymnet`: did you mean `Deployment`?")
        );
        assert_eq!(
            unserved_kind("v1", "Deployment").as_deref(),
            Some("`v1` has no kind `Deployment`: it is served as `apps/v1`")
        );
        assert_eq!(
            unserved_kind("v1", "Widget").as_deref(),
            Some("`v1` has no kind `Widget`")
        );
        // A real kind under the wrong version is that kind, not one spelt alike.
        assert_eq!(
            unserved_kind("v1", "Role").as_deref(),
            Some("`v1` has no kind `Role`: it is served as `rbac.authorization.k8s.io/v1`")
        );
        assert_eq!(
            unserved_kind("batch/v1", "Pod").as_deref(),
            Some("`batch/v1` has no kind `Pod`: it is served as `v1`")
        );
        assert_eq!(
            unserved_kind("v1", "Nod").as_deref(),
            Some("`v1` has no kind `Nod`: did you mean `Node`?")
        );
        assert_eq!(
            unserved_kind("v1", "Pdb").as_deref(),
            Some("`v1` has no kind `Pdb`")
        );
        // Removed versions are KP701's; CRDs' versions are not judged.
        assert_eq!(unserved_kind("extensions/v1beta1", "Ingress"), None);
        assert_eq!(unserved_kind("cert-manager.io/v1", "Certificat"), None);
    }
}
