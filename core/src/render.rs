//! Generation: a design and an environment in, k8s-openapi objects out.
//!
//! Every object is a typed k8s-openapi value; YAML is produced only by serializing
//! them (see [`Bundle::to_yaml`]). Rendering never fails: a design with mistakes still
//! renders, and the rules report the mistakes.

use crate::model::{self, *};
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::autoscaling::v2 as hpa;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Value written into every Secret key: a design never holds secret values.
pub const SECRET_PLACEHOLDER: &str = "CHANGE_ME";

/// The label every object carries to say who wrote it.
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "kubeprint");

/// One Kubernetes object of a bundle.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
#[allow(missing_docs)]
pub enum Object {
    Namespace(core::Namespace),
    ServiceAccount(core::ServiceAccount),
    ConfigMap(core::ConfigMap),
    Secret(core::Secret),
    Deployment(apps::Deployment),
    StatefulSet(apps::StatefulSet),
    Service(core::Service),
    Ingress(net::Ingress),
    HorizontalPodAutoscaler(hpa::HorizontalPodAutoscaler),
    PodDisruptionBudget(policy::PodDisruptionBudget),
    NetworkPolicy(net::NetworkPolicy),
}

impl Object {
    /// The object's `kind`.
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Namespace(_) => "Namespace",
            Object::ServiceAccount(_) => "ServiceAccount",
            Object::ConfigMap(_) => "ConfigMap",
            Object::Secret(_) => "Secret",
            Object::Deployment(_) => "Deployment",
            Object::StatefulSet(_) => "StatefulSet",
            Object::Service(_) => "Service",
            Object::Ingress(_) => "Ingress",
            Object::HorizontalPodAutoscaler(_) => "HorizontalPodAutoscaler",
            Object::PodDisruptionBudget(_) => "PodDisruptionBudget",
            Object::NetworkPolicy(_) => "NetworkPolicy",
        }
    }

    /// The object's metadata.
    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Object::Namespace(o) => &o.metadata,
            Object::ServiceAccount(o) => &o.metadata,
            Object::ConfigMap(o) => &o.metadata,
            Object::Secret(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::StatefulSet(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::Ingress(o) => &o.metadata,
            Object::HorizontalPodAutoscaler(o) => &o.metadata,
            Object::PodDisruptionBudget(o) => &o.metadata,
            Object::NetworkPolicy(o) => &o.metadata,
        }
    }

    /// The object's name.
    pub fn name(&self) -> &str {
        self.metadata().name.as_deref().unwrap_or("")
    }

    /// The object as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("objects serialize")
    }

    /// An object of a supported kind from its JSON (`apiVersion`, `kind`, ...).
    pub fn from_json(v: serde_json::Value) -> Result<Object, String> {
        use serde_json::from_value as de;
        let kind = v
            .get("kind")
            .and_then(|k| k.as_str())
            .unwrap_or_default()
            .to_string();
        let parsed = match kind.as_str() {
            "Namespace" => de(v).map(Object::Namespace),
            "ServiceAccount" => de(v).map(Object::ServiceAccount),
            "ConfigMap" => de(v).map(Object::ConfigMap),
            "Secret" => de(v).map(Object::Secret),
            "Deployment" => de(v).map(Object::Deployment),
            "StatefulSet" => de(v).map(Object::StatefulSet),
            "Service" => de(v).map(Object::Service),
            "Ingress" => de(v).map(Object::Ingress),
            "HorizontalPodAutoscaler" => de(v).map(Object::HorizontalPodAutoscaler),
            "PodDisruptionBudget" => de(v).map(Object::PodDisruptionBudget),
            "NetworkPolicy" => de(v).map(Object::NetworkPolicy),
            "" => return Err("it has no `kind`".into()),
            other => return Err(format!("Kubeprint does not model kind `{other}`")),
        };
        parsed.map_err(|e| format!("it is not a valid {kind}: {e}"))
    }

    /// This object with a merge patch applied; unchanged if the result is not valid.
    pub fn patched(self, patch: Option<&serde_json::Value>) -> Object {
        let Some(patch) = patch else { return self };
        let mut v = self.to_json();
        crate::patch::apply(&mut v, patch);
        Object::from_json(v).unwrap_or(self)
    }

    /// Position of the kind in apply order: namespaces first, policies last.
    fn rank(&self) -> u8 {
        match self {
            Object::Namespace(_) => 0,
            Object::ServiceAccount(_) => 1,
            Object::ConfigMap(_) => 2,
            Object::Secret(_) => 3,
            Object::Deployment(_) => 4,
            Object::StatefulSet(_) => 5,
            Object::Service(_) => 6,
            Object::Ingress(_) => 7,
            Object::HorizontalPodAutoscaler(_) => 8,
            Object::PodDisruptionBudget(_) => 9,
            Object::NetworkPolicy(_) => 10,
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

    /// One YAML document per object, with its kind and name.
    pub fn documents(&self) -> Vec<(&'static str, String, String)> {
        self.objects
            .iter()
            .map(|o| (o.kind(), o.name().to_string(), crate::yaml::to_doc(o)))
            .collect()
    }
}

/// Remembers each object's YAML so an edit only re-serializes the objects it changed.
/// Comparing two objects costs far less than serializing one.
#[derive(Default)]
pub struct YamlCache {
    previous: std::collections::HashMap<(&'static str, String), (Object, std::sync::Arc<str>)>,
}

impl YamlCache {
    /// `(kind, name, yaml)` of every object of `bundle`, reusing unchanged ones.
    pub fn documents(
        &mut self,
        bundle: &Bundle,
    ) -> Vec<(&'static str, String, std::sync::Arc<str>)> {
        let mut next = std::collections::HashMap::with_capacity(bundle.objects.len());
        let mut out = Vec::with_capacity(bundle.objects.len());
        for o in &bundle.objects {
            let key = (o.kind(), o.name().to_string());
            let yaml = match self.previous.remove(&key) {
                Some((old, yaml)) if old == *o => yaml,
                _ => std::sync::Arc::from(crate::yaml::to_doc(o)),
            };
            out.push((key.0, key.1.clone(), yaml.clone()));
            next.insert(key, (o.clone(), yaml));
        }
        self.previous = next;
        out
    }
}

/// A service as deployed in one environment: the base design with the
/// environment's override applied. Rules and rendering both read this.
pub fn effective(service: &Service, env: &Environment) -> Service {
    let mut s = service.clone();
    let Some(o) = env.overrides.get(&service.id) else {
        return s;
    };
    if let Some(r) = o.replicas {
        s.scaling.replicas = r;
    }
    if let Some(h) = s.scaling.hpa.as_mut() {
        h.min = o.hpa_min.unwrap_or(h.min);
        h.max = o.hpa_max.unwrap_or(h.max);
    }
    if let Some(r) = &o.resources {
        s.resources = s.resources.overlaid(r);
    }
    if let Some(t) = &o.image_tag {
        s.tag = t.clone();
    }
    s
}

/// Render one environment of a design. Unknown environments render nothing.
pub fn render(design: &Design, env_name: &str) -> Bundle {
    let Some(env) = design.environment(env_name) else {
        return Bundle::default();
    };
    let services: Vec<Service> = design
        .services
        .iter()
        .filter(|s| env.deploys(s.id))
        .map(|s| effective(s, env))
        .collect();
    let r = Renderer { design, env };
    let mut objects = Vec::new();
    if env.create_namespace {
        objects.push(Object::Namespace(r.namespace()).patched(env.residual.as_ref()));
    }
    objects.extend(r.config_objects(&services));
    for s in &services {
        objects.extend(r.service_objects(s));
    }
    if env.default_deny {
        objects.extend(
            r.network_policies(&services)
                .into_iter()
                .map(Object::NetworkPolicy),
        );
    }
    // Imported objects the model cannot express, in this environment's namespace.
    if !services.is_empty() {
        for extra in &design.extra_objects {
            let mut v = extra.clone();
            // Follow the environment's namespace; one that had none stays without.
            if v["metadata"].get("namespace").is_some() {
                v["metadata"]["namespace"] = serde_json::Value::from(env.namespace.clone());
            }
            if let Ok(o) = Object::from_json(v) {
                objects.push(o);
            }
        }
    }
    objects.sort_by(|a, b| (a.rank(), a.name()).cmp(&(b.rank(), b.name())));
    Bundle { objects }
}

struct Renderer<'a> {
    design: &'a Design,
    env: &'a Environment,
}

type Labels = BTreeMap<String, String>;

fn labels<const N: usize>(pairs: [(&str, &str); N]) -> Labels {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn selector_of(s: &Service) -> Labels {
    labels([("app.kubernetes.io/name", s.name.as_str())])
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

/// Whether `v` is a valid label value (empty, or <= 63 of `[A-Za-z0-9._-]` starting
/// and ending alphanumeric).
pub fn is_label_value(v: &str) -> bool {
    let ok_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    v.is_empty()
        || (v.len() <= 63
            && v.chars().all(ok_char)
            && v.starts_with(|c: char| c.is_ascii_alphanumeric())
            && v.ends_with(|c: char| c.is_ascii_alphanumeric()))
}

impl Renderer<'_> {
    fn meta(&self, name: &str, extra: Labels) -> ObjectMeta {
        let mut l = labels([
            ("app.kubernetes.io/part-of", self.design.name.as_str()),
            MANAGED_BY,
        ]);
        l.extend(extra);
        ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(self.env.namespace.clone()),
            labels: Some(l),
            ..Default::default()
        }
    }

    fn service_labels(&self, s: &Service) -> Labels {
        let mut l = selector_of(s);
        l.insert("app.kubernetes.io/part-of".into(), self.design.name.clone());
        l.insert("app.kubernetes.io/component".into(), s.component.clone());
        if !s.tag.is_empty() && is_label_value(&s.tag) {
            l.insert("app.kubernetes.io/version".into(), s.tag.clone());
        }
        l
    }

    fn service_meta(&self, s: &Service, name: &str) -> ObjectMeta {
        self.meta(name, self.service_labels(s))
    }

    fn namespace(&self) -> core::Namespace {
        let mut meta = self.meta(&self.env.namespace, self.env.labels.clone());
        meta.namespace = None;
        meta.annotations = non_empty_map(self.env.annotations.clone());
        core::Namespace {
            metadata: meta,
            ..Default::default()
        }
    }

    /// The design's ConfigMaps and Secrets, in every environment that runs services.
    fn config_objects(&self, services: &[Service]) -> Vec<Object> {
        if services.is_empty() {
            return Vec::new();
        }
        let mut out = Vec::new();
        for cm in &self.design.config_maps {
            out.push(
                Object::ConfigMap(core::ConfigMap {
                    metadata: self.meta(&cm.name, Labels::new()),
                    data: non_empty_map(cm.data.clone()),
                    ..Default::default()
                })
                .patched(cm.residual.as_ref()),
            );
        }
        for sec in &self.design.secrets {
            let mut meta = self.meta(&sec.name, Labels::new());
            meta.annotations = Some(labels([(
                "kubeprint.dev/placeholders",
                "every value is a placeholder: set real values outside Kubeprint",
            )]));
            let data: Labels = sec
                .keys
                .iter()
                .map(|k| (k.clone(), SECRET_PLACEHOLDER.to_string()))
                .collect();
            out.push(
                Object::Secret(core::Secret {
                    metadata: meta,
                    type_: some_if(!sec.kind.is_empty(), sec.kind.clone()),
                    string_data: non_empty_map(data),
                    ..Default::default()
                })
                .patched(sec.residual.as_ref()),
            );
        }
        out
    }

    /// The objects of one service, each with the service's residual patch for its role.
    fn service_objects(&self, s: &Service) -> Vec<Object> {
        let mut out: Vec<(&str, Object)> = Vec::new();
        if s.security.dedicated_service_account {
            let sa = core::ServiceAccount {
                metadata: self.service_meta(s, &s.name),
                automount_service_account_token: s.security.automount_token,
                ..Default::default()
            };
            out.push(("service_account", Object::ServiceAccount(sa)));
        }
        out.push(("workload", self.workload(s)));
        if let Some(svc) = self.cluster_service(s) {
            out.push(("service", Object::Service(svc)));
        }
        if let Some(lb) = &s.exposure.load_balancer {
            out.push(("load_balancer", Object::Service(self.load_balancer(s, lb))));
        }
        if let Some(route) = &s.exposure.ingress {
            out.push(("ingress", Object::Ingress(self.ingress(s, route))));
        }
        if let Some(h) = &s.scaling.hpa {
            out.push(("hpa", Object::HorizontalPodAutoscaler(self.hpa(s, h))));
        }
        if let Some(p) = &s.scaling.pdb {
            let pdb = policy::PodDisruptionBudget {
                metadata: self.service_meta(s, &s.name),
                spec: Some(policy::PodDisruptionBudgetSpec {
                    selector: Some(label_selector(s)),
                    min_available: match p {
                        Pdb::MinAvailable(a) => Some(amount(*a)),
                        Pdb::MaxUnavailable(_) => None,
                    },
                    max_unavailable: match p {
                        Pdb::MaxUnavailable(a) => Some(amount(*a)),
                        Pdb::MinAvailable(_) => None,
                    },
                    ..Default::default()
                }),
                ..Default::default()
            };
            out.push(("pdb", Object::PodDisruptionBudget(pdb)));
        }
        out.into_iter()
            .map(|(role, o)| o.patched(s.residual.get(role)))
            .collect()
    }

    fn workload(&self, s: &Service) -> Object {
        let template = self.pod_template(s);
        let replicas = some_if(s.scaling.hpa.is_none(), clamp_i32(s.scaling.replicas));
        let history = s.scaling.revision_history_limit.map(clamp_i32);
        let min_ready = unless_default(s.timing.min_ready_seconds, 0);
        match s.kind {
            WorkloadKind::Deployment => Object::Deployment(apps::Deployment {
                metadata: self.service_meta(s, &s.name),
                spec: Some(apps::DeploymentSpec {
                    replicas,
                    revision_history_limit: history,
                    min_ready_seconds: min_ready,
                    progress_deadline_seconds: unless_default(
                        s.timing.progress_deadline_seconds,
                        crate::domain::DEFAULT_PROGRESS_DEADLINE_SECONDS,
                    ),
                    selector: label_selector(s),
                    strategy: Some(apps::DeploymentStrategy {
                        type_: Some("RollingUpdate".into()),
                        rolling_update: Some(apps::RollingUpdateDeployment {
                            max_surge: Some(amount(s.scaling.max_surge)),
                            max_unavailable: Some(amount(s.scaling.max_unavailable)),
                        }),
                    }),
                    template,
                    ..Default::default()
                }),
                ..Default::default()
            }),
            WorkloadKind::StatefulSet => Object::StatefulSet(apps::StatefulSet {
                metadata: self.service_meta(s, &s.name),
                spec: Some(apps::StatefulSetSpec {
                    replicas,
                    revision_history_limit: history,
                    min_ready_seconds: min_ready,
                    selector: label_selector(s),
                    service_name: Some(s.name.clone()),
                    template,
                    volume_claim_templates: non_empty(
                        s.storage.iter().map(|v| self.claim(s, v)).collect(),
                    ),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        }
    }

    fn claim(&self, s: &Service, v: &VolumeClaim) -> core::PersistentVolumeClaim {
        let mut meta = ObjectMeta {
            name: Some(v.name.clone()),
            ..Default::default()
        };
        meta.labels = Some(selector_of(s));
        core::PersistentVolumeClaim {
            metadata: meta,
            spec: Some(core::PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                storage_class_name: v.storage_class.clone(),
                resources: Some(core::VolumeResourceRequirements {
                    requests: Some(
                        [("storage".to_string(), Quantity(v.size.clone()))]
                            .into_iter()
                            .collect(),
                    ),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn pod_template(&self, s: &Service) -> core::PodTemplateSpec {
        let mut annotations = Labels::new();
        if let Some(sum) = self.config_checksum(s) {
            annotations.insert("checksum/config".into(), sum);
        }
        if let Some(m) = &s.metrics {
            annotations.insert("prometheus.io/scrape".into(), "true".into());
            if let Some(p) = s.resolve_port(&m.port) {
                annotations.insert("prometheus.io/port".into(), p.port.to_string());
            }
            annotations.insert("prometheus.io/path".into(), m.path.clone());
        }
        let sec = &s.security;
        let pod_security = core::PodSecurityContext {
            run_as_non_root: some_if(sec.run_as_non_root, true),
            run_as_user: sec.run_as_user,
            run_as_group: sec.run_as_group,
            fs_group: sec.fs_group,
            seccomp_profile: some_if(
                sec.seccomp_runtime_default,
                core::SeccompProfile {
                    type_: "RuntimeDefault".into(),
                    ..Default::default()
                },
            ),
            ..Default::default()
        };
        let spread = &s.scaling.spread;
        core::PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(self.service_labels(s)),
                annotations: non_empty_map(annotations),
                ..Default::default()
            }),
            spec: Some(core::PodSpec {
                service_account_name: some_if(sec.dedicated_service_account, s.name.clone()),
                automount_service_account_token: sec.automount_token,
                security_context: some_if(
                    pod_security != core::PodSecurityContext::default(),
                    pod_security,
                ),
                termination_grace_period_seconds: Some(s.timing.grace_period_seconds.into()),
                topology_spread_constraints: match spread {
                    Spread::TopologySpread {
                        max_skew,
                        topology_key,
                        hard,
                    } => Some(vec![core::TopologySpreadConstraint {
                        max_skew: clamp_i32(*max_skew),
                        topology_key: topology_key.clone(),
                        when_unsatisfiable: if *hard {
                            "DoNotSchedule"
                        } else {
                            "ScheduleAnyway"
                        }
                        .into(),
                        label_selector: Some(label_selector(s)),
                        ..Default::default()
                    }]),
                    _ => None,
                },
                affinity: match spread {
                    Spread::AntiAffinity {
                        topology_key,
                        required,
                    } => Some(anti_affinity(s, topology_key, *required)),
                    _ => None,
                },
                containers: vec![self.container(s)],
                ..Default::default()
            }),
        }
    }

    /// A digest of every ConfigMap the pod reads, so a config change rolls the pods.
    fn config_checksum(&self, s: &Service) -> Option<String> {
        let maps: BTreeMap<&str, &BTreeMap<String, String>> = references(s, false)
            .filter_map(|name| self.design.config_map(name))
            .map(|cm| (cm.name.as_str(), &cm.data))
            .collect();
        if maps.is_empty() {
            return None;
        }
        let canonical = serde_json::to_vec(&maps).expect("string maps serialize");
        let digest = Sha256::digest(&canonical);
        Some(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn container(&self, s: &Service) -> core::Container {
        let sec = &s.security;
        let security = core::SecurityContext {
            allow_privilege_escalation: some_if(sec.no_privilege_escalation, false),
            read_only_root_filesystem: some_if(sec.read_only_root_fs, true),
            capabilities: some_if(
                sec.drop_all_capabilities,
                core::Capabilities {
                    drop: Some(vec!["ALL".into()]),
                    ..Default::default()
                },
            ),
            ..Default::default()
        };
        let image = if s.tag.is_empty() {
            s.image.clone()
        } else {
            format!("{}:{}", s.image, s.tag)
        };
        core::Container {
            name: s.container().to_string(),
            image: Some(image),
            command: non_empty(s.command.clone()),
            args: non_empty(s.args.clone()),
            ports: non_empty(
                s.ports
                    .iter()
                    .map(|p| core::ContainerPort {
                        name: some_if(!p.name.is_empty(), p.name.clone()),
                        container_port: p.port.into(),
                        protocol: Some(p.protocol.as_str().into()),
                        ..Default::default()
                    })
                    .collect(),
            ),
            env: non_empty(env_vars(s)),
            env_from: non_empty(s.config.env_from.iter().map(env_from).collect()),
            resources: resources(&s.resources),
            startup_probe: s.probes.startup.as_ref().map(probe),
            liveness_probe: s.probes.liveness.as_ref().map(probe),
            readiness_probe: s.probes.readiness.as_ref().map(probe),
            lifecycle: some_if(
                s.timing.pre_stop_seconds > 0,
                core::Lifecycle {
                    pre_stop: Some(core::LifecycleHandler {
                        sleep: Some(core::SleepAction {
                            seconds: s.timing.pre_stop_seconds.into(),
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                },
            ),
            security_context: some_if(security != core::SecurityContext::default(), security),
            volume_mounts: non_empty(
                s.storage
                    .iter()
                    .map(|v| core::VolumeMount {
                        name: v.name.clone(),
                        mount_path: v.mount_path.clone(),
                        ..Default::default()
                    })
                    .collect(),
            ),
            ..Default::default()
        }
    }

    fn service_ports(&self, ports: &[ServicePort]) -> Option<Vec<core::ServicePort>> {
        non_empty(
            ports
                .iter()
                .map(|p| core::ServicePort {
                    name: some_if(!p.name.is_empty(), p.name.clone()),
                    port: p.port.into(),
                    target_port: Some(int_or_string(&p.target)),
                    protocol: Some(p.protocol.as_str().into()),
                    app_protocol: p.app_protocol.clone(),
                    ..Default::default()
                })
                .collect(),
        )
    }

    fn cluster_service(&self, s: &Service) -> Option<core::Service> {
        if !has_cluster_service(s) {
            return None;
        }
        let headless = s.exposure.service == ServiceKind::Headless;
        Some(core::Service {
            metadata: self.service_meta(s, &s.name),
            spec: Some(core::ServiceSpec {
                type_: Some("ClusterIP".into()),
                cluster_ip: some_if(headless, "None".into()),
                selector: Some(selector_of(s)),
                ports: self.service_ports(&s.exposure.ports),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    fn load_balancer(&self, s: &Service, lb: &LoadBalancer) -> core::Service {
        let mut meta = self.service_meta(s, &format!("{}-external", s.name));
        meta.annotations = non_empty_map(lb.annotations.clone());
        core::Service {
            metadata: meta,
            spec: Some(core::ServiceSpec {
                type_: Some("LoadBalancer".into()),
                selector: Some(selector_of(s)),
                ports: self.service_ports(&lb.ports),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn ingress(&self, s: &Service, route: &IngressRoute) -> net::Ingress {
        let mut meta = self.service_meta(s, &s.name);
        if route.tls {
            meta.annotations = Some(labels([(
                "cert-manager.io/cluster-issuer",
                self.design.cluster.cert_issuer.as_str(),
            )]));
        }
        let port = match s.service_port(&route.port) {
            Some(p) if !p.name.is_empty() => net::ServiceBackendPort {
                name: Some(p.name.clone()),
                number: None,
            },
            Some(p) => net::ServiceBackendPort {
                name: None,
                number: Some(p.port.into()),
            },
            None => net::ServiceBackendPort {
                name: Some(route.port.clone()),
                number: None,
            },
        };
        let path = if route.path.is_empty() {
            "/"
        } else {
            &route.path
        };
        net::Ingress {
            metadata: meta,
            spec: Some(net::IngressSpec {
                ingress_class_name: self.design.cluster.ingress_class.clone(),
                tls: some_if(
                    route.tls,
                    vec![net::IngressTLS {
                        hosts: Some(vec![route.host.clone()]),
                        secret_name: Some(format!("{}-tls", s.name)),
                    }],
                ),
                rules: Some(vec![net::IngressRule {
                    host: some_if(!route.host.is_empty(), route.host.clone()),
                    http: Some(net::HTTPIngressRuleValue {
                        paths: vec![net::HTTPIngressPath {
                            path: Some(path.into()),
                            path_type: "Prefix".into(),
                            backend: net::IngressBackend {
                                service: Some(net::IngressServiceBackend {
                                    name: s.name.clone(),
                                    port: Some(port),
                                }),
                                ..Default::default()
                            },
                        }],
                    }),
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn hpa(&self, s: &Service, h: &Hpa) -> hpa::HorizontalPodAutoscaler {
        let metric = |name: &str, pct: u32| hpa::MetricSpec {
            type_: "Resource".into(),
            resource: Some(hpa::ResourceMetricSource {
                name: name.into(),
                target: hpa::MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(clamp_i32(pct)),
                    ..Default::default()
                },
            }),
            ..Default::default()
        };
        let metrics: Vec<_> = [("cpu", h.cpu_percent), ("memory", h.memory_percent)]
            .into_iter()
            .filter_map(|(name, pct)| pct.map(|p| metric(name, p)))
            .collect();
        let behavior = hpa::HorizontalPodAutoscalerBehavior {
            scale_up: h.scale_up.as_ref().map(scale_rules),
            scale_down: h.scale_down.as_ref().map(scale_rules),
        };
        hpa::HorizontalPodAutoscaler {
            metadata: self.service_meta(s, &s.name),
            spec: Some(hpa::HorizontalPodAutoscalerSpec {
                scale_target_ref: hpa::CrossVersionObjectReference {
                    api_version: Some("apps/v1".into()),
                    kind: match s.kind {
                        WorkloadKind::Deployment => "Deployment",
                        WorkloadKind::StatefulSet => "StatefulSet",
                    }
                    .into(),
                    name: s.name.clone(),
                },
                min_replicas: Some(clamp_i32(h.min)),
                max_replicas: clamp_i32(h.max),
                metrics: non_empty(metrics),
                behavior: some_if(
                    behavior != hpa::HorizontalPodAutoscalerBehavior::default(),
                    behavior,
                ),
            }),
            ..Default::default()
        }
    }

    /// Default deny, DNS, and one allow policy per service that receives or sends
    /// traffic: ingress per incoming edge, from the ingress controller for public
    /// routes, from anywhere for LoadBalancer ports, from monitoring for metrics; and
    /// egress per outgoing edge.
    fn network_policies(&self, services: &[Service]) -> Vec<net::NetworkPolicy> {
        let mut out = vec![
            net::NetworkPolicy {
                metadata: self.meta("default-deny-all", Labels::new()),
                spec: Some(net::NetworkPolicySpec {
                    pod_selector: Some(LabelSelector::default()),
                    policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
                    ..Default::default()
                }),
            },
            net::NetworkPolicy {
                metadata: self.meta("allow-dns-egress", Labels::new()),
                spec: Some(net::NetworkPolicySpec {
                    pod_selector: Some(LabelSelector::default()),
                    policy_types: Some(vec!["Egress".into()]),
                    egress: Some(vec![net::NetworkPolicyEgressRule {
                        to: Some(vec![net::NetworkPolicyPeer {
                            namespace_selector: Some(namespace_selector("kube-system")),
                            pod_selector: Some(LabelSelector {
                                match_labels: Some(labels([("k8s-app", "kube-dns")])),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }]),
                        ports: Some(vec![
                            np_port(&PortRef::Number(53), Protocol::UDP),
                            np_port(&PortRef::Number(53), Protocol::TCP),
                        ]),
                    }]),
                    ..Default::default()
                }),
            },
        ];
        // Index once: edges are grouped per service so this stays linear in the
        // size of the design.
        let deployed: BTreeMap<ServiceId, &Service> = services.iter().map(|s| (s.id, s)).collect();
        let mut incoming: BTreeMap<ServiceId, Vec<net::NetworkPolicyIngressRule>> = BTreeMap::new();
        let mut outgoing: BTreeMap<ServiceId, Vec<net::NetworkPolicyEgressRule>> = BTreeMap::new();
        for e in &self.design.edges {
            let (Some(from), Some(to)) = (deployed.get(&e.from), deployed.get(&e.to)) else {
                continue;
            };
            let Some(port) = edge_target_port(to, &e.port) else {
                continue;
            };
            incoming
                .entry(to.id)
                .or_default()
                .push(net::NetworkPolicyIngressRule {
                    from: Some(vec![pod_peer(from)]),
                    ports: Some(vec![port.clone()]),
                });
            outgoing
                .entry(from.id)
                .or_default()
                .push(net::NetworkPolicyEgressRule {
                    to: Some(vec![pod_peer(to)]),
                    ports: Some(vec![port]),
                });
        }
        for s in services {
            let mut ingress = incoming.remove(&s.id).unwrap_or_default();
            let egress = outgoing.remove(&s.id).unwrap_or_default();
            if let Some(route) = &s.exposure.ingress {
                if let Some(p) = s.service_port(&route.port) {
                    let ns = &self.design.cluster.ingress_controller_namespace;
                    ingress.push(net::NetworkPolicyIngressRule {
                        from: Some(vec![net::NetworkPolicyPeer {
                            namespace_selector: Some(namespace_selector(ns)),
                            ..Default::default()
                        }]),
                        ports: Some(vec![np_port(&resolved(s, &p.target), p.protocol)]),
                    });
                }
            }
            if let Some(lb) = &s.exposure.load_balancer {
                ingress.push(net::NetworkPolicyIngressRule {
                    from: Some(vec![net::NetworkPolicyPeer {
                        ip_block: Some(net::IPBlock {
                            cidr: "0.0.0.0/0".into(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }]),
                    ports: non_empty(
                        lb.ports
                            .iter()
                            .map(|p| np_port(&resolved(s, &p.target), p.protocol))
                            .collect(),
                    ),
                });
            }
            if let (Some(m), Some(ns)) = (&s.metrics, &self.design.cluster.monitoring_namespace) {
                ingress.push(net::NetworkPolicyIngressRule {
                    from: Some(vec![net::NetworkPolicyPeer {
                        namespace_selector: Some(namespace_selector(ns)),
                        ..Default::default()
                    }]),
                    ports: Some(vec![np_port(&resolved(s, &m.port), Protocol::TCP)]),
                });
            }
            if ingress.is_empty() && egress.is_empty() {
                continue;
            }
            let mut types = Vec::new();
            if !ingress.is_empty() {
                types.push("Ingress".to_string());
            }
            if !egress.is_empty() {
                types.push("Egress".to_string());
            }
            out.push(net::NetworkPolicy {
                metadata: self.service_meta(s, &format!("{}-allow", s.name)),
                spec: Some(net::NetworkPolicySpec {
                    pod_selector: Some(label_selector(s)),
                    policy_types: Some(types),
                    ingress: non_empty(ingress),
                    egress: non_empty(egress),
                }),
            });
        }
        out
    }
}

/// The kind and name of every object that rendering `s` in `env` creates, plus the
/// TLS Secret cert-manager creates for its Ingress. A property test keeps this in step
/// with [`render`]. The `<name>-allow` NetworkPolicy is counted whenever default-deny is
/// on, even where render leaves it out because nothing is allowed: for spotting name
/// collisions, claiming too much is the safe side.
pub fn object_names(s: &Service, env: &Environment) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    if s.security.dedicated_service_account {
        out.push(("ServiceAccount", s.name.clone()));
    }
    out.push((
        match s.kind {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
        },
        s.name.clone(),
    ));
    if has_cluster_service(s) {
        out.push(("Service", s.name.clone()));
    }
    if s.exposure.load_balancer.is_some() {
        out.push(("Service", format!("{}-external", s.name)));
    }
    if let Some(route) = &s.exposure.ingress {
        out.push(("Ingress", s.name.clone()));
        if route.tls {
            out.push(("Secret", format!("{}-tls", s.name)));
        }
    }
    if s.scaling.hpa.is_some() {
        out.push(("HorizontalPodAutoscaler", s.name.clone()));
    }
    if s.scaling.pdb.is_some() {
        out.push(("PodDisruptionBudget", s.name.clone()));
    }
    if env.default_deny {
        out.push(("NetworkPolicy", format!("{}-allow", s.name)));
    }
    out
}

/// Whether the workload gets its own Service: a ClusterIP Service needs at least one
/// port (the API server rejects one without); a headless one does not.
pub fn has_cluster_service(s: &Service) -> bool {
    match s.exposure.service {
        ServiceKind::None => false,
        ServiceKind::ClusterIP => !s.exposure.ports.is_empty(),
        ServiceKind::Headless => true,
    }
}

/// Names of the ConfigMaps (or Secrets) a service reads, through envFrom or valueFrom.
pub fn references(s: &Service, secrets: bool) -> impl Iterator<Item = &str> {
    let from = s
        .config
        .env_from
        .iter()
        .filter_map(move |f| match (f, secrets) {
            (EnvFrom::ConfigMap(n), false) | (EnvFrom::Secret(n), true) => Some(n.as_str()),
            _ => None,
        });
    let keys = s
        .config
        .env
        .iter()
        .filter_map(move |v| match (&v.value, secrets) {
            (EnvValue::ConfigMapKey { name, .. }, false)
            | (EnvValue::SecretKey { name, .. }, true) => Some(name.as_str()),
            _ => None,
        });
    from.chain(keys)
}

/// The container port behind a Service port target: its number when declared.
fn resolved(s: &Service, target: &PortRef) -> PortRef {
    s.resolve_port(target)
        .map(|p| PortRef::Number(p.port))
        .unwrap_or_else(|| target.clone())
}

/// The NetworkPolicy port an edge to `to` on Service port `port` needs.
fn edge_target_port(to: &Service, port: &str) -> Option<net::NetworkPolicyPort> {
    let p = to.service_port(port)?;
    Some(np_port(&resolved(to, &p.target), p.protocol))
}

fn np_port(p: &PortRef, protocol: Protocol) -> net::NetworkPolicyPort {
    net::NetworkPolicyPort {
        port: Some(int_or_string(p)),
        protocol: Some(protocol.as_str().into()),
        ..Default::default()
    }
}

fn pod_peer(s: &Service) -> net::NetworkPolicyPeer {
    net::NetworkPolicyPeer {
        pod_selector: Some(label_selector(s)),
        ..Default::default()
    }
}

fn namespace_selector(ns: &str) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels([("kubernetes.io/metadata.name", ns)])),
        ..Default::default()
    }
}

fn anti_affinity(s: &Service, topology_key: &str, required: bool) -> core::Affinity {
    let term = core::PodAffinityTerm {
        label_selector: Some(label_selector(s)),
        topology_key: topology_key.into(),
        ..Default::default()
    };
    let anti = if required {
        core::PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: Some(vec![term]),
            ..Default::default()
        }
    } else {
        core::PodAntiAffinity {
            preferred_during_scheduling_ignored_during_execution: Some(vec![
                core::WeightedPodAffinityTerm {
                    weight: 100,
                    pod_affinity_term: term,
                },
            ]),
            ..Default::default()
        }
    };
    core::Affinity {
        pod_anti_affinity: Some(anti),
        ..Default::default()
    }
}

/// Explicit variables, then the port pools' variables unless set explicitly.
fn env_vars(s: &Service) -> Vec<core::EnvVar> {
    let mut out: Vec<core::EnvVar> = s.config.env.iter().map(env_var).collect();
    for pool in &s.port_pools {
        for (name, value) in [(&pool.start_env, pool.start), (&pool.end_env, pool.end)] {
            if !name.is_empty() && !out.iter().any(|v| &v.name == name) {
                out.push(env_var(&model::EnvVar::literal(name, &value.to_string())));
            }
        }
    }
    out
}

fn env_var(v: &model::EnvVar) -> core::EnvVar {
    let (value, value_from) = match &v.value {
        EnvValue::Literal(s) => (Some(s.clone()), None),
        EnvValue::ConfigMapKey { name, key } => (
            None,
            Some(core::EnvVarSource {
                config_map_key_ref: Some(core::ConfigMapKeySelector {
                    name: name.clone(),
                    key: key.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        ),
        EnvValue::SecretKey { name, key } => (
            None,
            Some(core::EnvVarSource {
                secret_key_ref: Some(core::SecretKeySelector {
                    name: name.clone(),
                    key: key.clone(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        ),
    };
    core::EnvVar {
        name: v.name.clone(),
        value,
        value_from,
    }
}

fn env_from(f: &EnvFrom) -> core::EnvFromSource {
    match f {
        EnvFrom::ConfigMap(name) => core::EnvFromSource {
            config_map_ref: Some(core::ConfigMapEnvSource {
                name: name.clone(),
                ..Default::default()
            }),
            ..Default::default()
        },
        EnvFrom::Secret(name) => core::EnvFromSource {
            secret_ref: Some(core::SecretEnvSource {
                name: name.clone(),
                ..Default::default()
            }),
            ..Default::default()
        },
    }
}

fn resources(r: &Resources) -> Option<core::ResourceRequirements> {
    let map = |cpu: &Option<String>, mem: &Option<String>| {
        let m: BTreeMap<String, Quantity> = [("cpu", cpu), ("memory", mem)]
            .into_iter()
            .filter_map(|(k, v)| v.as_ref().map(|v| (k.to_string(), Quantity(v.clone()))))
            .collect();
        some_if(!m.is_empty(), m)
    };
    let req = core::ResourceRequirements {
        requests: map(&r.cpu_request, &r.memory_request),
        limits: map(&r.cpu_limit, &r.memory_limit),
        ..Default::default()
    };
    some_if(req != core::ResourceRequirements::default(), req)
}

fn probe(p: &Probe) -> core::Probe {
    // 0 means "the default" to the API server, so it is left out like the default.
    let field = |v: u32, default: u32| some_if(v != 0 && v != default, clamp_i32(v));
    let mut out = core::Probe {
        initial_delay_seconds: unless_default(p.initial_delay_seconds, 0),
        period_seconds: field(p.period_seconds, Probe::DEFAULT_PERIOD),
        timeout_seconds: field(p.timeout_seconds, Probe::DEFAULT_TIMEOUT),
        success_threshold: field(p.success_threshold, 1),
        failure_threshold: field(p.failure_threshold, Probe::DEFAULT_FAILURES),
        ..Default::default()
    };
    match &p.action {
        ProbeAction::Http { path, port } => {
            out.http_get = Some(core::HTTPGetAction {
                path: Some(path.clone()),
                port: int_or_string(port),
                ..Default::default()
            })
        }
        ProbeAction::Grpc { port, service } => {
            out.grpc = Some(core::GRPCAction {
                port: (*port).into(),
                service: service.clone(),
            })
        }
        ProbeAction::Tcp { port } => {
            out.tcp_socket = Some(core::TCPSocketAction {
                port: int_or_string(port),
                ..Default::default()
            })
        }
        ProbeAction::Exec { command } => {
            out.exec = Some(core::ExecAction {
                command: Some(command.clone()),
            })
        }
    }
    out
}

fn scale_rules(r: &ScaleRules) -> hpa::HPAScalingRules {
    hpa::HPAScalingRules {
        stabilization_window_seconds: r.stabilization_window_seconds.map(clamp_i32),
        policies: non_empty(
            r.policies
                .iter()
                .map(|p| hpa::HPAScalingPolicy {
                    type_: match p.kind {
                        ScalePolicyKind::Pods => "Pods",
                        ScalePolicyKind::Percent => "Percent",
                    }
                    .into(),
                    value: clamp_i32(p.value),
                    period_seconds: clamp_i32(p.period_seconds),
                })
                .collect(),
        ),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_yaml_cache_gives_what_serializing_gives_and_reuses_unchanged_objects() {
        let mut d = crate::templates::miniredis();
        let mut cache = YamlCache::default();
        let first = cache.documents(&render(&d, "prod"));
        let fresh: Vec<String> = render(&d, "prod")
            .documents()
            .into_iter()
            .map(|(_, _, y)| y)
            .collect();
        assert_eq!(
            first
                .iter()
                .map(|(_, _, y)| y.to_string())
                .collect::<Vec<_>>(),
            fresh
        );
        d.services[2].timing.grace_period_seconds = 99;
        let second = cache.documents(&render(&d, "prod"));
        let changed: Vec<_> = first
            .iter()
            .zip(&second)
            .filter(|(a, b)| !std::sync::Arc::ptr_eq(&a.2, &b.2))
            .map(|(_, b)| format!("{}/{}", b.0, b.1))
            .collect();
        assert_eq!(
            changed,
            ["Deployment/backend"],
            "only the edited object is serialized again"
        );
        assert!(second
            .iter()
            .any(|(_, _, y)| y.contains("terminationGracePeriodSeconds: 99")));
    }
}
