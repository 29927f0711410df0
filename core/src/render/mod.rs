//! Generation: a design and an environment in, k8s-openapi objects out.
//!
//! Every object is a typed k8s-openapi value, or, with what an import kept replayed onto
//! it, that value's JSON ([`Patched`]); YAML is produced only by serializing them (see
//! [`Bundle::to_yaml`]). Rendering never fails: a design with mistakes still
//! renders, and the rules report the mistakes.
//!
//! One file per kind of object, each beside its reader in `import/`: `config.rs`
//! (Namespace, ServiceAccount, ConfigMap, Secret), `workload.rs` (Deployment,
//! StatefulSet and their pods), `network.rs` (Service, LoadBalancer, Ingress,
//! NetworkPolicy), `scaling.rs` (HPA, PDB), `monitoring.rs` (ServiceMonitor, PodMonitor,
//! PrometheusRule); a canary's Rollout and AnalysisTemplate are `workload.rs`'s. This
//! file holds the bundle, the order of objects and the helpers they share.

mod config;
mod gateway;
pub mod live;
mod monitoring;
mod network;
pub(crate) use network::read_egress_hosts;
mod scaling;
mod workload;

pub use crate::model::effective;
pub use gateway::listener_secret;
pub(crate) use monitoring::watches;
pub use monitoring::{monitor_of, pod_names, Monitor};
pub use network::has_cluster_service;
pub use workload::{claims, references, workload_api_version, workload_kind, CANARY_HASH_ARG};

use crate::model::*;
use crate::naming;
use crate::order::{self, Collect};
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::autoscaling::v2 as hpa;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use k8s_openapi::{Metadata, Resource};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// Value written into every Secret key: a design never holds secret values.
pub const SECRET_PLACEHOLDER: &str = "CHANGE_ME";

/// The annotation that says a rendered Secret's values are placeholders.
pub const PLACEHOLDERS_ANNOTATION: &str = "kubeprint.dev/placeholders";

/// The annotation of a service's allow policy that says which host each block and port
/// to outside the cluster is for, one `<cidr>:<port> <host>` a line: a policy names
/// addresses, not hosts, and the design's note (`ExternalEgress::to`) would be lost
/// otherwise ([`crate::model::ExternalEgress`]).
pub const EGRESS_HOSTS_ANNOTATION: &str = "kubeprint.dev/egress-hosts";

/// The placeholder annotation's value.
pub const PLACEHOLDERS_NOTE: &str =
    "every value is a placeholder: set real values outside Kubeprint";

/// A Secret's JSON without its values (`data`, `stringData`) and the annotation that
/// says they are placeholders; any other object as it is. A design never holds secret
/// values, so wherever a rendering is compared with an input (residuals, format
/// upgrades, environment merges) Secrets are compared without them, and an imported
/// Secret's export still says its values are placeholders.
///
/// Its annotations are always a map, empty when it had none: so an input without any
/// keeps no change that removes them, and one with its own annotations keeps each as a
/// change of its own, which replays beside the placeholder annotation.
pub fn without_secret_values(object: &mut serde_json::Value) {
    if object["kind"] != "Secret" {
        return;
    }
    let Some(m) = object.as_object_mut() else {
        return;
    };
    m.remove("data");
    m.remove("stringData");
    let Some(meta) = m.get_mut("metadata").and_then(|v| v.as_object_mut()) else {
        return;
    };
    let annotations = meta
        .entry("annotations")
        .or_insert_with(|| serde_json::json!({}));
    if let Some(a) = annotations.as_object_mut() {
        a.remove(PLACEHOLDERS_ANNOTATION);
    }
}

/// The labels Kubeprint writes on the objects it renders (a service's name, its
/// component and version, the design's name, itself as their manager).
pub(crate) const OWN_LABELS: &[&str] = &[
    "app.kubernetes.io/name",
    "app.kubernetes.io/part-of",
    "app.kubernetes.io/managed-by",
    "app.kubernetes.io/component",
    "app.kubernetes.io/version",
];

/// The label every object carries to say who wrote it.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "kubeprint");

/// Declares [`Object`] from one list of (variant, k8s-openapi type), in apply order,
/// and reads each variant's kind, apiVersion and metadata through k8s-openapi's
/// `Resource` and `Metadata` traits, so no hand-written match over kinds can drift.
macro_rules! objects {
    ($($variant:ident($ty:ty)),+ $(,)?) => {
        /// One Kubernetes object of a bundle: a typed k8s-openapi value of a kind the
        /// model renders, such a value with an import's residual replayed, or an
        /// imported object kept whole.
        #[derive(Clone, Debug, PartialEq, Serialize)]
        #[serde(untagged)]
        #[allow(missing_docs)]
        // A CronJob holds a whole Job spec and pod template inline; objects are built
        // once and moved into a bundle, so boxing every variant would only add
        // allocations.
        #[allow(clippy::large_enum_variant)]
        pub enum Object {
            $($variant($ty),)+
            Patched(Box<Patched>),
            Kept(Box<Kept>),
        }

        /// The kinds in apply order (the order of the list above); kept objects take
        /// the place of their kind in [`kept_rank`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
        enum Rank {
            $($variant),+
        }

        impl Object {
            /// The object's `kind`.
            pub fn kind(&self) -> &str {
                match self {
                    $(Object::$variant(_) => <$ty as Resource>::KIND,)+
                    Object::Patched(p) => p.kind(),
                    Object::Kept(k) => k.object.kind(),
                }
            }

            /// The object's `apiVersion`.
            pub fn api_version(&self) -> &str {
                match self {
                    $(Object::$variant(_) => <$ty as Resource>::API_VERSION,)+
                    Object::Patched(p) => p.api_version(),
                    Object::Kept(k) => k.object.api_version(),
                }
            }

            /// The object's metadata.
            pub fn metadata(&self) -> &ObjectMeta {
                match self {
                    $(Object::$variant(o) => o.metadata(),)+
                    Object::Patched(p) => &p.meta,
                    Object::Kept(k) => &k.meta,
                }
            }

            /// Position in apply order: namespaces first, policies last, the kinds the
            /// model does not render where `kubectl apply` needs them.
            fn rank(&self) -> (u8, u8) {
                match self {
                    $(Object::$variant(_) => (Rank::$variant as u8, 1),)+
                    Object::Patched(p) => (p.rank, 1),
                    Object::Kept(k) => kept_rank(k.object.kind()),
                }
            }

            /// Whether the model renders objects of `kind` itself.
            pub fn models_kind(kind: &str) -> bool {
                Object::rank_of_kind(kind).is_some()
            }

            /// The apply-order slot of a modelled kind, by its name.
            fn rank_of_kind(kind: &str) -> Option<u8> {
                $(
                    if kind == <$ty as Resource>::KIND {
                        return Some(Rank::$variant as u8);
                    }
                )+
                None
            }

            /// The `apiVersion` the model writes objects of `kind` as.
            #[cfg(feature = "read-objects")]
            fn api_version_of_kind(kind: &str) -> Option<&'static str> {
                $(
                    if kind == <$ty as Resource>::KIND {
                        return Some(<$ty as Resource>::API_VERSION);
                    }
                )+
                None
            }

            /// The object of kind `kind` from its JSON; `None` for a kind not modelled.
            fn of_kind(
                kind: &str,
                v: serde_json::Value,
            ) -> Option<Result<Object, serde_json::Error>> {
                $(
                    if kind == <$ty as Resource>::KIND {
                        return Some(serde_json::from_value(v).map(Object::$variant));
                    }
                )+
                None
            }
        }
    };
}

objects! {
    Namespace(core::Namespace),
    ServiceAccount(core::ServiceAccount),
    ConfigMap(core::ConfigMap),
    Secret(core::Secret),
    Deployment(apps::Deployment),
    StatefulSet(apps::StatefulSet),
    DaemonSet(apps::DaemonSet),
    Job(batch::Job),
    CronJob(batch::CronJob),
    Service(core::Service),
    Ingress(net::Ingress),
    HorizontalPodAutoscaler(hpa::HorizontalPodAutoscaler),
    PodDisruptionBudget(policy::PodDisruptionBudget),
    NetworkPolicy(net::NetworkPolicy),
    // Custom resources, after the built-in kinds (their CRDs come first among kept
    // objects), each after what it refers to.
    AnalysisTemplate(crate::crd::rollouts::AnalysisTemplate),
    Rollout(crate::crd::rollouts::Rollout),
    ServiceMonitor(crate::crd::monitoring::ServiceMonitor),
    PodMonitor(crate::crd::monitoring::PodMonitor),
    PrometheusRule(crate::crd::monitoring::PrometheusRule),
    Gateway(crate::crd::gateway::Gateway),
    HTTPRoute(crate::crd::gateway::HTTPRoute),
    GRPCRoute(crate::crd::gateway::GRPCRoute),
}

/// An imported object of any kind, kept whole as its JSON, with its metadata read once.
#[derive(Clone, Debug, PartialEq)]
pub struct Kept {
    /// The object as it renders.
    pub object: KeptObject,
    /// Its metadata (the parts k8s-openapi knows).
    pub meta: ObjectMeta,
    /// It keeps its own namespace in every environment (see [`Design::pinned_objects`]).
    pub pinned: bool,
}

impl Serialize for Kept {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.object.serialize(s)
    }
}

/// A rendered object with what its import kept replayed onto it (see [`Residual`] and
/// [`Object::patched`]), as JSON. Written as k8s-openapi writes its objects: `apiVersion`
/// and `kind` first, then the other members, and every member of a nested object, in key
/// order. For every built-in kind that is the typed object's own order, so its YAML is
/// the YAML of the object deserialized (a test checks it); a custom resource, whose Rust
/// type declares its main fields first, lists its members in key order when it carries a
/// residual.
///
/// Kept as JSON rather than deserialized back into its k8s-openapi type: the replay runs
/// on every render, and the page's module would otherwise link a deserializer for every
/// type of every kind (some 470 KB of the page's wasm), which import, in the worker,
/// needs and the page does not.
#[derive(Clone, Debug, PartialEq)]
pub struct Patched {
    /// The object's JSON.
    pub json: serde_json::Value,
    /// Its metadata (the parts k8s-openapi knows).
    pub meta: ObjectMeta,
    /// Its place in apply order: the rendered kind's.
    rank: u8,
}

impl Patched {
    fn kind(&self) -> &str {
        self.json["kind"].as_str().unwrap_or_default()
    }

    fn api_version(&self) -> &str {
        self.json["apiVersion"].as_str().unwrap_or_default()
    }
}

impl Serialize for Patched {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        const HEAD: [&str; 2] = ["apiVersion", "kind"];
        let Some(members) = self.json.as_object() else {
            return self.json.serialize(s);
        };
        let mut m = s.serialize_map(Some(members.len()))?;
        for key in HEAD {
            if let Some(v) = members.get(key) {
                m.serialize_entry(key, v)?;
            }
        }
        for (k, v) in members.iter().filter(|(k, _)| !HEAD.contains(&k.as_str())) {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Where a kind the model does not render goes in apply order: definitions and
/// cluster-wide settings first, then access control beside ServiceAccounts, workloads
/// beside Deployments, webhooks and everything else (custom resources) last, when what
/// they refer to exists.
fn kept_rank(kind: &str) -> (u8, u8) {
    let beside = |k: &str, offset: u8| (Object::rank_of_kind(k).unwrap_or(0), offset);
    match kind {
        "CustomResourceDefinition" | "PriorityClass" | "StorageClass" | "RuntimeClass" => (0, 0),
        "Namespace" => beside("Namespace", 1),
        "ClusterRole" | "ClusterRoleBinding" | "Role" | "RoleBinding" => {
            beside("ServiceAccount", 2)
        }
        "IngressClass" => beside("ConfigMap", 0),
        "Pod" | "ReplicaSet" => beside("CronJob", 2),
        k => match Object::rank_of_kind(k) {
            Some(r) => (r, 1),
            None => (u8::MAX, 0),
        },
    }
}

impl Object {
    /// An object kept whole from an import, moved to the environment's namespace.
    pub fn kept(object: KeptObject) -> Object {
        Object::kept_as(object, false)
    }

    /// An object kept whole from an import; `pinned` keeps its namespace everywhere.
    pub fn kept_as(object: KeptObject, pinned: bool) -> Object {
        let meta = serde_json::from_value(object.0["metadata"].clone()).unwrap_or_default();
        Object::Kept(Box::new(Kept {
            object,
            meta,
            pinned,
        }))
    }

    /// What tells this object apart from the others of an environment across all
    /// environments: its kind and name, and for an object that keeps its own namespace
    /// everywhere, that namespace too (`namespace/name`).
    pub fn key(&self) -> (String, String) {
        let name = match self {
            Object::Kept(k) => k.object.key(k.pinned),
            _ => self.name().to_string(),
        };
        (self.kind().to_string(), name)
    }

    /// The object's name.
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or("")
    }

    /// The object as JSON (through the serializer its YAML uses: see
    /// [`crate::yaml::to_json`]).
    pub fn to_json(&self) -> serde_json::Value {
        crate::yaml::to_json(self)
    }

    /// An object of a supported kind from its JSON (`apiVersion`, `kind`, ...).
    pub fn from_json(v: serde_json::Value) -> Result<Object, String> {
        let kind = v
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default()
            .to_string();
        match Object::of_kind(&kind, v) {
            Some(parsed) => parsed.map_err(|e| format!("it is not a valid {kind}: {e}")),
            None if kind.is_empty() => Err("it has no `kind`".into()),
            None => Err(format!("Kubeprint does not model kind `{kind}`")),
        }
    }

    /// Why `v`, an object of a kind and API version the model writes (a `v1` Service, an
    /// `apps/v1` Deployment), does not read as one: a field of the wrong type (a port
    /// `"eighty"`), a required one missing. The API server refuses such an object.
    /// `None` when it reads, or is of another kind or version, and always without the
    /// `read-objects` feature (in the page, which links no deserializer of these types).
    #[cfg(feature = "read-objects")]
    pub fn unreadable(v: &serde_json::Value) -> Option<String> {
        let kind = v["kind"].as_str()?;
        if Object::api_version_of_kind(kind)? != v["apiVersion"].as_str()? {
            return None;
        }
        Object::of_kind(kind, v.clone())?
            .err()
            .map(|e| e.to_string())
    }

    /// See above: without `read-objects`, nothing is read.
    #[cfg(not(feature = "read-objects"))]
    pub fn unreadable(_: &serde_json::Value) -> Option<String> {
        None
    }

    /// This object with what its import kept replayed onto it (see [`Residual`]), as a
    /// [`Patched`] object; unchanged without a residual.
    pub fn patched(self, residual: Option<&Residual>) -> Object {
        let Some(residual) = residual.filter(|r| !r.is_empty()) else {
            return self;
        };
        let rank = self.rank().0;
        let mut json = self.to_json();
        residual.apply(&mut json);
        without_sidecar_only_fields(&mut json);
        without_other_kinds_fields(&mut json);
        // Metadata that no longer reads (a residual of a hand-edited file that makes a
        // label a number, say) would leave the object nameless: keep the design's.
        let Ok(meta) = serde_json::from_value(json["metadata"].clone()) else {
            return self;
        };
        Object::Patched(Box::new(Patched { json, meta, rank }))
    }
}

/// A place in a workload's spec (a JSON pointer from it) and the members the object there
/// has.
type Members = (&'static str, &'static [&'static str]);

/// The members of each built-in workload kind's `spec` (path ""), and of the objects in
/// it whose type differs between kinds that share the name: the update strategies
/// (k8s-openapi's types; a test reads them from there). Every other member two of these
/// kinds share has the same type in both.
pub(crate) const WORKLOAD_SPECS: &[(&str, &[Members])] = &[
    (
        "Deployment",
        &[
            (
                "",
                &[
                    "minReadySeconds",
                    "paused",
                    "progressDeadlineSeconds",
                    "replicas",
                    "revisionHistoryLimit",
                    "selector",
                    "strategy",
                    "template",
                ],
            ),
            ("/strategy", &["rollingUpdate", "type"]),
            ("/strategy/rollingUpdate", &["maxSurge", "maxUnavailable"]),
        ],
    ),
    (
        "StatefulSet",
        &[
            (
                "",
                &[
                    "minReadySeconds",
                    "ordinals",
                    "persistentVolumeClaimRetentionPolicy",
                    "podManagementPolicy",
                    "replicas",
                    "revisionHistoryLimit",
                    "selector",
                    "serviceName",
                    "template",
                    "updateStrategy",
                    "volumeClaimTemplates",
                ],
            ),
            ("/updateStrategy", &["rollingUpdate", "type"]),
            (
                "/updateStrategy/rollingUpdate",
                &["maxUnavailable", "partition"],
            ),
        ],
    ),
    (
        "DaemonSet",
        &[
            (
                "",
                &[
                    "minReadySeconds",
                    "revisionHistoryLimit",
                    "selector",
                    "template",
                    "updateStrategy",
                ],
            ),
            ("/updateStrategy", &["rollingUpdate", "type"]),
            (
                "/updateStrategy/rollingUpdate",
                &["maxSurge", "maxUnavailable"],
            ),
        ],
    ),
    (
        "Job",
        &[(
            "",
            &[
                "activeDeadlineSeconds",
                "backoffLimit",
                "backoffLimitPerIndex",
                "completionMode",
                "completions",
                "managedBy",
                "manualSelector",
                "maxFailedIndexes",
                "parallelism",
                "podFailurePolicy",
                "podReplacementPolicy",
                "selector",
                "successPolicy",
                "suspend",
                "template",
                "ttlSecondsAfterFinished",
            ],
        )],
    ),
    (
        "CronJob",
        &[(
            "",
            &[
                "concurrencyPolicy",
                "failedJobsHistoryLimit",
                "jobTemplate",
                "schedule",
                "startingDeadlineSeconds",
                "successfulJobsHistoryLimit",
                "suspend",
                "timeZone",
            ],
        )],
    ),
];

/// Drop from a built-in workload's spec the members its kind does not have. A service's
/// workload keeps one residual whatever its kind, so after the kind changes (a
/// StatefulSet made a Deployment, a canary's Rollout a Deployment again), what was kept
/// of the old kind's spec (`podManagementPolicy`, `strategy.canary`) would be written
/// into the new one, which the API server refuses. What all kinds share, the pod
/// template above all, stays.
fn without_other_kinds_fields(object: &mut serde_json::Value) {
    let kind = object["kind"].as_str().unwrap_or_default();
    let Some((_, parts)) = WORKLOAD_SPECS.iter().find(|(k, _)| *k == kind) else {
        return;
    };
    let Some(spec) = object.get_mut("spec") else {
        return;
    };
    for (path, members) in *parts {
        if let Some(part) = spec.pointer_mut(path).and_then(|p| p.as_object_mut()) {
            part.retain(|k, _| members.contains(&k.as_str()));
        }
    }
}

/// Drop from the plain init containers of a workload's pod template what the API server
/// allows only on native sidecars (`restartPolicy: Always`): `lifecycle` and probes. A
/// residual kept them for a container that was a sidecar at import; once the design makes
/// it a plain init container, replaying them would make the object invalid.
fn without_sidecar_only_fields(object: &mut serde_json::Value) {
    let pointer = match object["kind"].as_str() {
        Some("CronJob") => "/spec/jobTemplate/spec/template/spec/initContainers",
        Some("Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "Rollout") => {
            "/spec/template/spec/initContainers"
        }
        _ => return,
    };
    let Some(serde_json::Value::Array(containers)) = object.pointer_mut(pointer) else {
        return;
    };
    for c in containers
        .iter_mut()
        .filter(|c| c["restartPolicy"] != "Always")
    {
        if let Some(c) = c.as_object_mut() {
            for field in [
                "lifecycle",
                "livenessProbe",
                "readinessProbe",
                "startupProbe",
            ] {
                c.remove(field);
            }
        }
    }
}

/// The objects of one environment, in apply order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Bundle {
    /// Sorted by kind (apply order), then name.
    pub objects: Vec<Object>,
}

impl Bundle {
    /// All objects as one multi-document YAML stream.
    pub fn to_yaml(&self) -> String {
        crate::yaml::to_multi_doc(&self.objects)
    }

    /// One YAML document per object, with its kind and name (see [`Object::key`]).
    pub fn documents(&self) -> Vec<(String, String, String)> {
        self.objects
            .iter()
            .map(|o| {
                let (kind, name) = o.key();
                (kind, name, crate::yaml::to_doc(o))
            })
            .collect()
    }
}

/// Render one environment of a design. Unknown environments render nothing.
pub fn render(design: &Design, env_name: &str) -> Bundle {
    let Some(env) = design.environment(env_name) else {
        return Bundle::default();
    };
    let services: Vec<Service> = crate::model::deployed(design, env);
    let r = Renderer { design, env };
    let shared = r.environment_objects(&services);
    let mut objects = shared.before;
    for s in &services {
        objects.extend(r.service_objects(s));
    }
    objects.extend(shared.after);
    if let Some(mut allowances) = shared.allowances {
        for s in &services {
            let policy = r.allow_policy(s, allowances.remove(&s.id));
            objects.extend(policy.map(Object::NetworkPolicy));
        }
    }
    objects.extend(shared.kept);
    // Stable, and in place: positions are sorted, then the objects swapped into their
    // places (std's `sort_by` would allocate a scratch buffer of half the objects, and
    // an `Object` is 2.5 KB inline: 19 MB for a 15,000-object import).
    order::sort_by_key(&mut objects, apply_order);
    Bundle { objects }
}

/// The objects of an environment that are not one service's, in the order [`render`]
/// writes them: `before` the services' objects, then `after` them, then each service's
/// allow policy (from its allowance, when default-deny is on), then the `kept` ones.
struct Shared<'s> {
    /// The Namespace, ConfigMaps and Secrets.
    before: Vec<Object>,
    /// The Gateway, the default-deny and DNS NetworkPolicies.
    after: Vec<Object>,
    /// What each service's allow policy lets in and out ([`Renderer::allow_policy`]).
    allowances: Option<HashMap<ServiceId, network::Allowance<'s>>>,
    /// The objects kept whole from an import.
    kept: Vec<Object>,
}

/// Where an object goes in a bundle: by kind in apply order, then namespace and name.
/// Objects of equal keys keep the order they were rendered in.
fn apply_order(o: &Object) -> ApplyOrder {
    (
        o.rank(),
        o.kind().to_string(),
        o.metadata().namespace.clone(),
        o.name().to_string(),
    )
}

type ApplyOrder = ((u8, u8), String, Option<String>, String);

/// The NetworkPolicies [`render`] gives for an environment with default-deny on, without
/// rendering anything else (the importer compares them with the input's).
pub(crate) fn network_policies(design: &Design, env_name: &str) -> Vec<net::NetworkPolicy> {
    let Some(env) = design.environment(env_name) else {
        return Vec::new();
    };
    let services: Vec<Service> = crate::model::deployed(design, env);
    Renderer { design, env }.network_policies(&services)
}

/// The deployed services of environment `env` that monitors kept whole from an import
/// scrape, with the ports of their pods they scrape (see `Renderer::kept_scrapes`).
pub(crate) fn kept_scrapes(
    design: &Design,
    env: &Environment,
    services: &[Service],
) -> HashMap<ServiceId, Vec<PortRef>> {
    let scrapes = Renderer { design, env }.kept_scrapes(services);
    (scrapes.into_iter())
        .map(|(id, ports)| (id, ports.into_iter().map(|(p, _)| p).collect()))
        .collect()
}

struct Renderer<'a> {
    design: &'a Design,
    env: &'a Environment,
}

type Labels = BTreeMap<String, String>;

fn labels(pairs: &[(&str, &str)]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_map()
}

fn selector_of(s: &Service) -> Labels {
    if s.selector.is_empty() {
        labels(&[("app.kubernetes.io/name", s.name.as_str())])
    } else {
        s.selector.clone()
    }
}

fn label_selector(s: &Service) -> LabelSelector {
    LabelSelector {
        match_labels: Some(selector_of(s)),
        ..Default::default()
    }
}

fn some_if<T>(cond: bool, v: T) -> Option<T> {
    cond.then_some(v)
}

fn non_empty<T>(v: Vec<T>) -> Option<Vec<T>> {
    some_if(!v.is_empty(), v)
}

fn non_empty_map(m: Labels) -> Option<Labels> {
    some_if(!m.is_empty(), m)
}

/// `Some(v)` unless `v` is Kubernetes' default, so output stays minimal.
fn unless_default(v: u32, default: u32) -> Option<i32> {
    some_if(v != default, clamp_i32(v))
}

fn clamp_i32(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn int_or_string(p: &PortRef) -> IntOrString {
    match p {
        PortRef::Number(n) => IntOrString::Int((*n).into()),
        PortRef::Name(s) => IntOrString::String(s.clone()),
    }
}

fn amount(a: Amount) -> IntOrString {
    match a {
        Amount::Count(n) => IntOrString::Int(clamp_i32(n)),
        Amount::Percent(_) => IntOrString::String(a.to_string()),
    }
}

impl Renderer<'_> {
    fn meta(&self, name: &str, extra: Labels) -> ObjectMeta {
        let mut l = labels(&[
            ("app.kubernetes.io/part-of", self.design.name.as_str()),
            MANAGED_BY,
        ]);
        l.extend(extra);
        l.extend(self.common_labels());
        ObjectMeta {
            name: Some(name.to_string()),
            namespace: (!self.env.namespace_unwritten).then(|| self.env.namespace.clone()),
            labels: Some(l),
            ..Default::default()
        }
    }

    fn service_labels(&self, s: &Service) -> Labels {
        let mut l = selector_of(s);
        l.insert("app.kubernetes.io/part-of".into(), self.design.name.clone());
        l.insert("app.kubernetes.io/component".into(), s.component.clone());
        if !s.tag.is_empty() && crate::names::is_label_value(&s.tag) {
            l.insert("app.kubernetes.io/version".into(), s.tag.clone());
        }
        l
    }

    /// The labels every object of the environment carries ([`CommonLabels`]), which win
    /// over any other of the same key, as Kustomize writes them.
    fn common_labels(&self) -> impl Iterator<Item = (String, String)> + '_ {
        (self.env.common_labels.labels.iter()).map(|(k, v)| (k.clone(), v.clone()))
    }

    /// `labels` of a template (a pod's, a claim's), with the environment's common labels
    /// where they reach templates (Kustomize writes them in claim templates too).
    fn in_templates(&self, mut labels: Labels) -> Labels {
        if self.env.common_labels.on_pods() {
            labels.extend(self.common_labels());
        }
        labels
    }

    /// An object kept from an import, as rendered here: with the environment's common
    /// labels.
    fn kept(&self, mut object: serde_json::Value, pinned: bool) -> Object {
        if !self.env.common_labels.is_empty() {
            if let Some(meta) = object.get_mut("metadata").and_then(|m| m.as_object_mut()) {
                let labels = meta
                    .entry("labels")
                    .or_insert_with(|| serde_json::Value::Object(Default::default()));
                if let Some(labels) = labels.as_object_mut() {
                    labels.extend(self.common_labels().map(|(k, v)| (k, v.into())));
                }
            }
        }
        Object::kept_as(KeptObject(object), pinned)
    }

    fn service_meta(&self, s: &Service, name: &str) -> ObjectMeta {
        self.meta(name, self.service_labels(s))
    }

    /// The environment's objects that are not one service's, in the order [`render`]
    /// puts them around the services' (see [`Shared`]).
    fn environment_objects<'s>(&self, services: &'s [Service]) -> Shared<'s> {
        let (design, env) = (self.design, self.env);
        let mut before = Vec::new();
        if env.create_namespace {
            before.push(Object::Namespace(self.namespace()).patched(env.residual.as_ref()));
        }
        before.extend(self.config_objects(services));
        let mut after = Vec::new();
        if let Some(g) = self.gateway() {
            let residual = env.gateway.as_ref().and_then(|g| g.residual.as_ref());
            after.push(Object::Gateway(g).patched(residual));
        }
        let allowances = env.default_deny.then(|| {
            after.extend(self.fixed_policies().into_iter().map(Object::NetworkPolicy));
            self.allowances(services)
        });
        // Imported objects the model cannot express: in this environment's namespace, or
        // in the namespace they came from. An environment that runs no services (say, the
        // observability one) gets none.
        let mut kept = Vec::new();
        let shared = design.renders_shared_kept(env);
        // (An Ingress to services it switches off alone goes with them.)
        let here = |k: &&KeptObject| !design.only_for_what_is_off(k, env);
        if shared {
            for k in design.extra_objects.iter().filter(here) {
                kept.push(self.kept(k.in_namespace(&env.namespace), false));
            }
        }
        // The environment's own kept objects are there whatever it runs.
        for k in env.kept_objects.iter().filter(here) {
            kept.push(self.kept(k.in_namespace(&env.namespace), false));
        }
        if shared {
            for k in &design.pinned_objects {
                kept.push(self.kept(k.0.clone(), true));
            }
        }
        Shared {
            before,
            after,
            allowances,
            kept,
        }
    }

    /// The objects of one service, each with the service's residual patch for its role.
    /// They are a function of the service (as deployed in the
    /// environment) and of the design without its services, edges and kept objects,
    /// except for a route's backends naming other services: the live YAML
    /// ([`live::LiveYaml`]) reuses them while those stay the same.
    fn service_objects(&self, s: &Service) -> Vec<Object> {
        let mut out: Vec<(ResidualRole, Object)> = Vec::new();
        if s.security.dedicated_service_account {
            let sa = self.service_account(s);
            out.push((ResidualRole::ServiceAccount, Object::ServiceAccount(sa)));
        }
        out.push((ResidualRole::Workload, self.workload(s)));
        if let Some(svc) = self.cluster_service(s) {
            out.push((ResidualRole::Service, Object::Service(svc)));
        }
        if crate::routes::routes_canary(s, self.env) {
            let stable = self.split_service(s, &naming::stable_service(&s.name));
            out.push((ResidualRole::StableService, Object::Service(stable)));
            let canary = self.split_service(s, &naming::canary_service(&s.name));
            out.push((ResidualRole::CanaryService, Object::Service(canary)));
        }
        if let Some(lb) = &s.exposure.load_balancer {
            let lb = self.load_balancer(s, lb);
            out.push((ResidualRole::LoadBalancer, Object::Service(lb)));
        }
        if let Some(route) = &s.exposure.ingress {
            let ingress = self.ingress(s, route);
            out.push((ResidualRole::Ingress, Object::Ingress(ingress)));
        }
        if let Some(route) = &s.exposure.gateway_route {
            out.push((ResidualRole::Route, self.route(s, route)));
        }
        // An HPA scales replicas and a PDB guards serving pods: neither applies to a
        // workload without replicas or one that runs to completion (the rules say so).
        if let Some(h) = s.scaling.hpa.as_ref().filter(|_| s.kind.has_replicas()) {
            let hpa = self.hpa(s, h);
            out.push((ResidualRole::Hpa, Object::HorizontalPodAutoscaler(hpa)));
        }
        if let Some(p) = s.scaling.pdb.as_ref().filter(|_| s.kind.has_replicas()) {
            let pdb = self.pdb(s, p);
            out.push((ResidualRole::Pdb, Object::PodDisruptionBudget(pdb)));
        }
        if let Some(a) = s.delivery.analysis.as_ref().filter(|_| s.is_canary()) {
            let template = self.analysis_template(s, a);
            out.push((
                ResidualRole::AnalysisTemplate,
                Object::AnalysisTemplate(template),
            ));
        }
        if self.env.monitoring.scraping == Scraping::Operator {
            if let Some(monitor) = self.monitor(s) {
                out.push((ResidualRole::Monitor, monitor));
            }
            if let Some(rule) = self.alerts(s) {
                out.push((ResidualRole::Alerts, Object::PrometheusRule(rule)));
            }
        }
        let own = &self.env.own_residuals;
        out.into_iter()
            .map(|(role, o)| (o.patched(s.residual.get(&role))).patched(own.of_service(s.id, role)))
            .collect()
    }
}

/// The part of a design that keeps what an import had beyond the model for one
/// rendered object (see [`Residual`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResidualOwner {
    /// The environment's Namespace object.
    Namespace,
    /// The environment's Gateway.
    Gateway,
    /// A ConfigMap of the design, by name.
    ConfigMap(String),
    /// A Secret of the design, by name.
    Secret(String),
    /// One of the objects a service renders.
    Service(ServiceId, ResidualRole),
}

/// The role of the rendered object `kind`/`name` among the objects of service `s`, if it
/// is one of them.
pub fn residual_role(s: &Service, kind: &str, name: &str) -> Option<ResidualRole> {
    let own = s.name == name;
    Some(match kind {
        "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "Rollout" if own => {
            ResidualRole::Workload
        }
        "AnalysisTemplate" if naming::analysis_template(&s.name) == name => {
            ResidualRole::AnalysisTemplate
        }
        "ServiceMonitor" | "PodMonitor" if own => ResidualRole::Monitor,
        "PrometheusRule" if own => ResidualRole::Alerts,
        // Its own Service, also under the name its import kept (`catalog` of the
        // workload `catalog-v1`).
        "Service" if own || s.service_name() == name => ResidualRole::Service,
        "Service" if naming::load_balancer(&s.name) == name => ResidualRole::LoadBalancer,
        "Service" if naming::stable_service(&s.name) == name => ResidualRole::StableService,
        "Service" if naming::canary_service(&s.name) == name => ResidualRole::CanaryService,
        "Ingress" if own => ResidualRole::Ingress,
        "HTTPRoute" | "GRPCRoute" if own => ResidualRole::Route,
        "HorizontalPodAutoscaler" if own => ResidualRole::Hpa,
        "PodDisruptionBudget" if own => ResidualRole::Pdb,
        "ServiceAccount" if own => ResidualRole::ServiceAccount,
        _ => return None,
    })
}

/// Who keeps the residual of the rendered object `kind`/`name`, if anyone can.
pub fn residual_owner(design: &Design, kind: &str, name: &str) -> Option<ResidualOwner> {
    let role = |s: &Service| residual_role(s, kind, name);
    match kind {
        "Namespace" => Some(ResidualOwner::Namespace),
        "Gateway" => Some(ResidualOwner::Gateway),
        "ConfigMap" => design
            .config_map_rendered_as(name)
            .map(|c| ResidualOwner::ConfigMap(c.name.clone())),
        "Secret" if design.secrets.iter().any(|c| c.name == name) => {
            Some(ResidualOwner::Secret(name.into()))
        }
        _ => design
            .services
            .iter()
            .find_map(|s| role(s).map(|r| ResidualOwner::Service(s.id, r))),
    }
}

/// [`residual_owner`] for many objects of one design: each service is indexed under every
/// name [`residual_role`] can give it a role for, and the design's ConfigMaps and Secrets
/// by name, so that finding an object's owner looks at a few candidates instead of at
/// every service (an import of thousands of objects would otherwise be quadratic).
pub struct ResidualOwners<'d> {
    design: &'d Design,
    /// Object name -> positions in `design.services` of the services that may render an
    /// object of that name, ascending.
    services: BTreeMap<String, Vec<usize>>,
    config_maps: std::collections::BTreeSet<&'d str>,
    secrets: std::collections::BTreeSet<&'d str>,
}

impl<'d> ResidualOwners<'d> {
    /// The index of `design`.
    pub fn new(design: &'d Design) -> Self {
        let mut services: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, s) in design.services.iter().enumerate() {
            // Every name `residual_role` compares with.
            let mut names = vec![
                s.name.clone(),
                naming::analysis_template(&s.name),
                naming::load_balancer(&s.name),
                naming::stable_service(&s.name),
                naming::canary_service(&s.name),
            ];
            order::sort(&mut names);
            names.dedup();
            for name in names {
                services.entry(name).or_default().push(i);
            }
        }
        ResidualOwners {
            design,
            services,
            config_maps: design.config_maps.iter().map(|c| c.name.as_str()).to_set(),
            secrets: design.secrets.iter().map(|c| c.name.as_str()).to_set(),
        }
    }

    /// What [`residual_owner`] gives for the rendered object `kind`/`name`.
    pub fn owner(&self, kind: &str, name: &str) -> Option<ResidualOwner> {
        match kind {
            "Namespace" => Some(ResidualOwner::Namespace),
            "Gateway" => Some(ResidualOwner::Gateway),
            "ConfigMap" if self.config_maps.contains(name) => {
                Some(ResidualOwner::ConfigMap(name.into()))
            }
            // A name generated from the data ([`ConfigMapDef::hash_suffix`]).
            "ConfigMap" => self
                .design
                .config_map_rendered_as(name)
                .map(|c| ResidualOwner::ConfigMap(c.name.clone())),
            "Secret" if self.secrets.contains(name) => Some(ResidualOwner::Secret(name.into())),
            _ => self.services.get(name)?.iter().find_map(|&i| {
                let s = &self.design.services[i];
                residual_role(s, kind, name).map(|r| ResidualOwner::Service(s.id, r))
            }),
        }
    }
}

impl Design {
    /// The residual `owner` keeps (the Namespace's: of environment `env`), if any.
    pub fn residual(&self, owner: &ResidualOwner, env: usize) -> Option<&Residual> {
        match owner {
            ResidualOwner::Namespace => self.environments.get(env)?.residual.as_ref(),
            ResidualOwner::Gateway => self
                .environments
                .get(env)?
                .gateway
                .as_ref()?
                .residual
                .as_ref(),
            ResidualOwner::ConfigMap(n) => self
                .config_maps
                .iter()
                .find(|c| c.name == *n)?
                .residual
                .as_ref(),
            ResidualOwner::Secret(n) => self
                .secrets
                .iter()
                .find(|c| c.name == *n)?
                .residual
                .as_ref(),
            ResidualOwner::Service(id, role) => self.service(*id)?.residual.get(role),
        }
    }

    /// Keep each residual with its owner (the Namespace's and the Gateway's: of
    /// environment `env`); an empty one removes what was kept. ConfigMaps and Secrets are
    /// found by name through one index, services by id, so an import that keeps a
    /// residual per object stays linear.
    pub fn set_residuals(
        &mut self,
        env: usize,
        residuals: impl IntoIterator<Item = (ResidualOwner, Residual)>,
    ) {
        // The first definition of each name, as a lookup by name finds it.
        fn index<'a>(names: impl Iterator<Item = &'a str>) -> HashMap<String, usize> {
            let mut by_name = HashMap::new();
            for (i, name) in names.enumerate() {
                by_name.entry(name.to_string()).or_insert(i);
            }
            by_name
        }
        let (mut config_maps, mut secrets) = (None, None);
        for (owner, residual) in residuals {
            let kept = (!residual.is_empty()).then_some(residual);
            let slot = match &owner {
                ResidualOwner::Namespace => self.environments.get_mut(env).map(|e| &mut e.residual),
                ResidualOwner::Gateway => self
                    .environments
                    .get_mut(env)
                    .and_then(|e| e.gateway.as_mut())
                    .map(|g| &mut g.residual),
                ResidualOwner::ConfigMap(n) => config_maps
                    .get_or_insert_with(|| index(self.config_maps.iter().map(|c| c.name.as_str())))
                    .get(n)
                    .map(|&i| &mut self.config_maps[i].residual),
                ResidualOwner::Secret(n) => secrets
                    .get_or_insert_with(|| index(self.secrets.iter().map(|c| c.name.as_str())))
                    .get(n)
                    .map(|&i| &mut self.secrets[i].residual),
                ResidualOwner::Service(id, role) => {
                    if let Some(s) = self.service_mut(*id) {
                        match kept {
                            Some(r) => s.residual.insert(*role, r),
                            None => s.residual.remove(role),
                        };
                    }
                    continue;
                }
            };
            if let Some(slot) = slot {
                *slot = kept;
            }
        }
    }
}

/// The kind and name of every object that rendering `s` in `env` creates, plus the
/// TLS Secret cert-manager creates for its Ingress (not one that exists already). A property test keeps this in step
/// with [`render`]. The `<name>-allow` NetworkPolicy is counted whenever default-deny is
/// on, even where render leaves it out because nothing is allowed: for spotting name
/// collisions, claiming too much is the safe side.
pub fn object_names<'s>(s: &'s Service, env: &Environment) -> Vec<(&'static str, Cow<'s, str>)> {
    let own = Cow::Borrowed(naming::own(&s.name));
    let mut out = Vec::new();
    if s.security.dedicated_service_account {
        out.push((core::ServiceAccount::KIND, own.clone()));
    }
    out.push((workload::workload_kind(s), own.clone()));
    if has_cluster_service(s) {
        out.push((core::Service::KIND, own.clone()));
    }
    if crate::routes::routes_canary(s, env) {
        out.push((core::Service::KIND, naming::stable_service(&s.name).into()));
        out.push((core::Service::KIND, naming::canary_service(&s.name).into()));
    }
    if s.exposure.load_balancer.is_some() {
        out.push((core::Service::KIND, naming::load_balancer(&s.name).into()));
    }
    if let Some(route) = &s.exposure.ingress {
        out.push((net::Ingress::KIND, own.clone()));
        if route.issued() {
            out.push((core::Secret::KIND, naming::tls_secret(&s.name).into()));
        }
    }
    if let Some(route) = &s.exposure.gateway_route {
        out.push((crate::routes::kind(s, route).as_str(), own.clone()));
    }
    if s.scaling.hpa.is_some() && s.kind.has_replicas() {
        out.push((hpa::HorizontalPodAutoscaler::KIND, own.clone()));
    }
    if s.scaling.pdb.is_some() && s.kind.has_replicas() {
        out.push((policy::PodDisruptionBudget::KIND, own.clone()));
    }
    if s.delivery.analysis.is_some() && s.is_canary() {
        out.push((
            crate::crd::rollouts::AnalysisTemplate::KIND,
            naming::analysis_template(&s.name).into(),
        ));
    }
    if env.monitoring.scraping == Scraping::Operator {
        match monitor_of(s) {
            Some(Monitor::Service(_)) => {
                out.push((crate::crd::monitoring::ServiceMonitor::KIND, own.clone()))
            }
            Some(Monitor::Pod(_)) => {
                out.push((crate::crd::monitoring::PodMonitor::KIND, own.clone()))
            }
            None => {}
        }
        if env.monitoring.alerts && !s.kind.runs_to_completion() {
            out.push((crate::crd::monitoring::PrometheusRule::KIND, own));
        }
    }
    if env.default_deny {
        out.push((
            net::NetworkPolicy::KIND,
            naming::allow_policy(&s.name).into(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deserializer that only records the member names a struct's `Deserialize`
    /// asks for (k8s-openapi's impls name them all).
    struct FieldNames<'a>(&'a mut Vec<&'static str>);

    impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
        type Error = serde::de::value::Error;

        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("only a struct's names are read"))
        }

        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.extend_from_slice(fields);
            Err(serde::de::Error::custom("read"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }

    fn members<T: serde::de::DeserializeOwned>() -> Vec<&'static str> {
        let mut names = Vec::new();
        let _ = T::deserialize(FieldNames(&mut names));
        names.sort_unstable();
        names
    }

    #[test]
    fn a_workload_keeps_only_its_kinds_members() {
        let mut deployment = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "api"},
            "spec": {
                "replicas": 2, "podManagementPolicy": "Parallel", "template": {"spec": {}},
                "strategy": {
                    "type": "RollingUpdate", "canary": {"steps": []},
                    "rollingUpdate": {"maxSurge": 1, "partition": 2},
                },
            },
        });
        without_other_kinds_fields(&mut deployment);
        assert_eq!(
            deployment["spec"],
            serde_json::json!({
                "replicas": 2, "template": {"spec": {}},
                "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
            })
        );
        let mut stateful = serde_json::json!({"kind": "StatefulSet", "spec": {
            "updateStrategy": {"rollingUpdate": {"maxSurge": 1, "partition": 2}},
        }});
        without_other_kinds_fields(&mut stateful);
        assert_eq!(
            stateful["spec"]["updateStrategy"],
            serde_json::json!({"rollingUpdate": {"partition": 2}})
        );
        // A custom resource keeps what its type does not name (`crd.rs`).
        let mut rollout = serde_json::json!({"kind": "Rollout", "spec": {"workloadRef": {}}});
        let before = rollout.clone();
        without_other_kinds_fields(&mut rollout);
        assert_eq!(rollout, before);
    }

    #[test]
    fn the_workload_kinds_members_are_k8s_openapis() {
        type Kind = (&'static str, Vec<(&'static str, Vec<&'static str>)>);
        let want: Vec<Kind> = vec![
            (
                "Deployment",
                vec![
                    ("", members::<apps::DeploymentSpec>()),
                    ("/strategy", members::<apps::DeploymentStrategy>()),
                    (
                        "/strategy/rollingUpdate",
                        members::<apps::RollingUpdateDeployment>(),
                    ),
                ],
            ),
            (
                "StatefulSet",
                vec![
                    ("", members::<apps::StatefulSetSpec>()),
                    (
                        "/updateStrategy",
                        members::<apps::StatefulSetUpdateStrategy>(),
                    ),
                    (
                        "/updateStrategy/rollingUpdate",
                        members::<apps::RollingUpdateStatefulSetStrategy>(),
                    ),
                ],
            ),
            (
                "DaemonSet",
                vec![
                    ("", members::<apps::DaemonSetSpec>()),
                    (
                        "/updateStrategy",
                        members::<apps::DaemonSetUpdateStrategy>(),
                    ),
                    (
                        "/updateStrategy/rollingUpdate",
                        members::<apps::RollingUpdateDaemonSet>(),
                    ),
                ],
            ),
            ("Job", vec![("", members::<batch::JobSpec>())]),
            ("CronJob", vec![("", members::<batch::CronJobSpec>())]),
        ];
        assert!(want[0].1[0].1.contains(&"template"), "{:?}", want[0]);
        let got: Vec<Kind> = WORKLOAD_SPECS
            .iter()
            .map(|(kind, parts)| {
                let parts = parts
                    .iter()
                    .map(|(path, names)| {
                        let mut names = names.to_vec();
                        names.sort_unstable();
                        (*path, names)
                    })
                    .collect();
                (*kind, parts)
            })
            .collect();
        assert_eq!(got, want);
        // Every workload kind the model renders is there.
        for kind in [
            WorkloadKind::Deployment,
            WorkloadKind::StatefulSet,
            WorkloadKind::DaemonSet,
            WorkloadKind::Job,
            WorkloadKind::CronJob,
        ] {
            assert!(WORKLOAD_SPECS.iter().any(|(k, _)| *k == kind.as_str()));
        }
    }

    #[test]
    fn the_residual_owner_index_finds_what_the_search_finds() {
        // Every object every template renders, plus names that only a search over all
        // services would settle: no owner, a ConfigMap or Secret the design lacks, and
        // each derived name asked with every kind.
        let mut designs: Vec<Design> = crate::templates::ALL.iter().map(|t| (t.build)()).collect();
        designs.push(crate::templates::scaled(30));
        let mut asked = 0;
        for d in &designs {
            let index = ResidualOwners::new(d);
            for env in &d.environments {
                let mut questions: Vec<(String, String)> = render(d, &env.name)
                    .objects
                    .iter()
                    .map(|o| (o.kind().to_string(), o.name().to_string()))
                    .collect();
                let kinds: Vec<String> = questions.iter().map(|q| q.0.clone()).collect();
                for s in &d.services {
                    for name in [
                        s.name.clone(),
                        naming::analysis_template(&s.name),
                        naming::load_balancer(&s.name),
                        naming::stable_service(&s.name),
                        naming::canary_service(&s.name),
                        format!("{}-missing", s.name),
                    ] {
                        for kind in kinds.iter().chain(&["ConfigMap".to_string()]) {
                            questions.push((kind.clone(), name.clone()));
                        }
                    }
                }
                for (kind, name) in &questions {
                    assert_eq!(
                        index.owner(kind, name),
                        residual_owner(d, kind, name),
                        "{kind}/{name}"
                    );
                    asked += 1;
                }
            }
        }
        assert!(asked > 10_000, "{asked}");
    }
}
