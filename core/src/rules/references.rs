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
use super::context::Ctx;
use super::Rule;
use crate::edit::{FieldPath, Target};
use crate::model::*;
use crate::naming;
use crate::render::{residual_role, Bundle, Object};
use crate::selector::{Labels, Selector};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Built-in ClusterRoles every cluster has, besides the `system:` ones.
const BUILT_IN_CLUSTER_ROLES: &[&str] = &["admin", "cluster-admin", "edit", "view"];

/// The ConfigMap the API server publishes into every namespace.
const ROOT_CA_CONFIG_MAP: &str = "kube-root-ca.crt";

/// The ServiceAccount every namespace has.
const DEFAULT_SERVICE_ACCOUNT: &str = "default";

/// The annotations that make cert-manager write an Ingress's TLS Secrets.
const CERT_MANAGER_ANNOTATION_PREFIX: &str = "cert-manager.io/";

/// The command-line flag with which webhook certificate generators (run as Jobs) name
/// the Secret they create.
const SECRET_NAME_FLAG: &str = "--secret-name";

/// The environment's objects, indexed for resolving references.
pub(super) struct Index<'b> {
    objects: Vec<Entry<'b>>,
    /// Index into `objects` by kind, namespace ("" for cluster-wide objects) and name.
    keys: HashMap<String, HashMap<String, HashMap<String, usize>>>,
    /// Every namespace an object lives in, or that a Namespace object creates.
    namespaces: BTreeSet<String>,
    /// Secrets that something in the bundle creates at run time, as `(namespace, name)`.
    created_secrets: HashSet<(String, String)>,
    /// Whether the input has any Role or ClusterRole (if not, RBAC is managed elsewhere).
    has_roles: bool,
    pods: Vec<Pod>,
    /// Pods by namespace, label key and label value, to find candidates fast.
    by_label: HashMap<String, HashMap<String, HashMap<String, Vec<usize>>>>,
    /// Pods by namespace.
    by_namespace: HashMap<String, Vec<usize>>,
}

/// One object of the bundle.
struct Entry<'b> {
    /// What the rules read of it (see [`view`]).
    json: Cow<'b, Value>,
    kind: String,
    /// The namespace it lives in (the environment's when it is written without one).
    namespace: Option<String>,
    /// The namespace it is written with, which paths to it name.
    written_namespace: Option<String>,
    name: String,
    owner: Owner,
}

/// The part of the design that renders an object.
enum Owner {
    /// Kept whole from an import.
    Kept,
    /// One of a service's objects.
    Service(ServiceId, ResidualRole),
    /// Something else of the design: the field that makes it.
    Design(FieldPath),
}

/// A pod template (or a Pod) of a workload.
struct Pod {
    /// The object it belongs to.
    entry: usize,
    namespace: String,
    labels: Labels,
    /// JSON pointer of the template in the object ("" for a Pod).
    at: &'static str,
}

/// Which kind of config object a pod reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    ConfigMap,
    Secret,
}

impl Source {
    pub(super) fn kind(self) -> &'static str {
        match self {
            Source::ConfigMap => "ConfigMap",
            Source::Secret => "Secret",
        }
    }
}

/// One reference from a pod template to a ConfigMap or Secret.
struct ConfigRef<'v> {
    source: Source,
    name: &'v str,
    optional: bool,
    /// Whether it is `envFrom` or an env variable (what a service's model covers).
    env: bool,
    /// Where it is, made only when a finding needs it.
    at: RefAt<'v>,
}

/// Where a [`ConfigRef`] is in its pod spec.
enum RefAt<'v> {
    /// `{list}/{i}/envFrom/{k}/{field}/name` of container `name`.
    EnvFrom(&'static str, usize, usize, &'static str, &'v str),
    /// `{list}/{i}/env/{k}/valueFrom/{field}/name` of container `name`, variable `var`.
    Env(&'static str, usize, usize, &'static str, &'v str, &'v str),
    /// `volumes/{k}/{field}/{name field}` of volume `name`.
    Volume(usize, &'static str, &'static str, &'v str),
    /// `volumes/{k}/projected/sources/{m}/{field}/name` of volume `name`.
    Projected(usize, usize, &'static str, &'v str),
}

impl RefAt<'_> {
    /// The JSON pointer below the pod spec, and who reads it.
    fn show(&self) -> (String, String) {
        match self {
            RefAt::EnvFrom(list, i, k, field, c) => (
                format!("/{list}/{i}/envFrom/{k}/{field}/name"),
                format!("container `{c}` (envFrom)"),
            ),
            RefAt::Env(list, i, k, field, c, var) => (
                format!("/{list}/{i}/env/{k}/valueFrom/{field}/name"),
                format!("container `{c}` (`{var}`)"),
            ),
            RefAt::Volume(k, field, name_field, v) => (
                format!("/volumes/{k}/{field}/{name_field}"),
                format!("volume `{v}`"),
            ),
            RefAt::Projected(k, m, field, v) => (
                format!("/volumes/{k}/projected/sources/{m}/{field}/name"),
                format!("volume `{v}`"),
            ),
        }
    }
}

/// Where a kind keeps its pod template.
fn template_at(kind: &str) -> Option<&'static str> {
    match kind {
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "ReplicationController"
        | "Job"
        | "Rollout" => Some("/spec/template"),
        "CronJob" => Some("/spec/jobTemplate/spec/template"),
        "Pod" => Some(""),
        _ => None,
    }
}

/// Whether objects of `kind` live outside namespaces, read from k8s-openapi's
/// `Resource::Scope` of the cluster-wide kinds a manifest set carries. Kinds it does not
/// know (custom resources) count as namespaced.
fn cluster_scoped(kind: &str) -> bool {
    use k8s_openapi::api::{admissionregistration::v1 as admission, core::v1 as core};
    use k8s_openapi::api::{networking::v1 as net, node::v1 as node, rbac::v1 as rbac};
    use k8s_openapi::api::{scheduling::v1 as scheduling, storage::v1 as storage};
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as crd;
    use k8s_openapi::Resource;
    trait Scope {
        const CLUSTER: bool;
    }
    impl Scope for k8s_openapi::ClusterResourceScope {
        const CLUSTER: bool = true;
    }
    impl Scope for k8s_openapi::NamespaceResourceScope {
        const CLUSTER: bool = false;
    }
    macro_rules! scope_of {
        ($($ty:ty),+ $(,)?) => {
            $(if kind == <$ty as Resource>::KIND {
                return <<$ty as Resource>::Scope as Scope>::CLUSTER;
            })+
        };
    }
    scope_of!(
        core::Namespace,
        core::Node,
        core::PersistentVolume,
        rbac::ClusterRole,
        rbac::ClusterRoleBinding,
        crd::CustomResourceDefinition,
        storage::StorageClass,
        storage::CSIDriver,
        scheduling::PriorityClass,
        net::IngressClass,
        node::RuntimeClass,
        admission::ValidatingWebhookConfiguration,
        admission::MutatingWebhookConfiguration,
        admission::ValidatingAdmissionPolicy,
        admission::ValidatingAdmissionPolicyBinding,
    );
    false
}

fn str_at<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

fn items(v: &Value) -> impl Iterator<Item = (usize, &Value)> {
    v.as_array().into_iter().flatten().enumerate()
}

fn labels_of(v: &Value) -> Labels {
    v.as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .collect()
}

/// `null`, for reading absent members.
static NULL: Value = Value::Null;

/// What the rules read of an object, as JSON in the object's own shape. A kept object is
/// its JSON as it is. Of an object the model renders, only the fields that refer to other
/// objects or that others refer to are written, by hand: serializing whole rendered
/// objects costs several times more than every rule together. A rule that reads another
/// field of a rendered object must add it here (a test compares the findings on views
/// and on whole objects).
fn view(o: &Object) -> Cow<'_, Value> {
    Cow::Owned(match o {
        Object::Kept(k) => return Cow::Borrowed(&k.object.0),
        Object::Namespace(_)
        | Object::ServiceAccount(_)
        | Object::ConfigMap(_)
        | Object::Secret(_) => Value::Null,
        Object::Deployment(d) => {
            json!({"spec": {"template": d.spec.as_ref().map(|s| template_view(&s.template))}})
        }
        Object::StatefulSet(d) => {
            json!({"spec": {"template": d.spec.as_ref().map(|s| template_view(&s.template))}})
        }
        Object::Service(svc) => {
            let spec = svc.spec.as_ref();
            let ports: Option<Vec<Value>> = spec.and_then(|s| s.ports.as_ref()).map(|ports| {
                ports
                    .iter()
                    .map(|p| json!({"name": p.name, "port": p.port}))
                    .collect()
            });
            json!({"spec": {
                "type": spec.and_then(|s| s.type_.as_ref()),
                "selector": spec.and_then(|s| s.selector.as_ref()),
                "ports": ports,
            }})
        }
        Object::Ingress(i) => ingress_view(i),
        Object::HorizontalPodAutoscaler(h) => {
            let target = h.spec.as_ref().map(|s| &s.scale_target_ref);
            json!({"spec": {"scaleTargetRef": target.map(|t| json!({"kind": t.kind, "name": t.name}))}})
        }
        Object::PodDisruptionBudget(p) => json!({
            "spec": {"selector": p.spec.as_ref().and_then(|s| s.selector.as_ref()).map(selector_view)},
        }),
        Object::NetworkPolicy(n) => json!({
            "spec": {"podSelector": n.spec.as_ref().and_then(|s| s.pod_selector.as_ref()).map(selector_view)},
        }),
    })
}

fn selector_view(s: &LabelSelector) -> Value {
    let expressions = s.match_expressions.as_ref().map(|es| {
        es.iter()
            .map(|e| json!({"key": e.key, "operator": e.operator, "values": e.values}))
            .collect::<Vec<_>>()
    });
    json!({"matchLabels": s.match_labels, "matchExpressions": expressions})
}

fn ingress_view(i: &net::Ingress) -> Value {
    let backend = |b: &net::IngressBackend| {
        b.service.as_ref().map(|s| {
            let port = s
                .port
                .as_ref()
                .map(|p| json!({"name": p.name, "number": p.number}));
            json!({"service": {"name": s.name, "port": port}})
        })
    };
    let spec = i.spec.as_ref();
    let rules = spec.and_then(|s| s.rules.as_ref()).map(|rules| {
        rules
            .iter()
            .map(|r| {
                let paths = r.http.as_ref().map(|h| {
                    h.paths
                        .iter()
                        .map(|p| json!({"path": p.path, "backend": backend(&p.backend)}))
                        .collect::<Vec<_>>()
                });
                json!({"host": r.host, "http": {"paths": paths}})
            })
            .collect::<Vec<_>>()
    });
    let tls = spec.and_then(|s| s.tls.as_ref()).map(|tls| {
        tls.iter()
            .map(|t| json!({"secretName": t.secret_name}))
            .collect::<Vec<_>>()
    });
    json!({
        "metadata": {"annotations": i.metadata.annotations},
        "spec": {
            "defaultBackend": spec.and_then(|s| s.default_backend.as_ref()).and_then(backend),
            "rules": rules,
            "tls": tls,
        },
    })
}

fn template_view(t: &core::PodTemplateSpec) -> Value {
    json!({
        "metadata": {"labels": t.metadata.as_ref().and_then(|m| m.labels.as_ref())},
        "spec": t.spec.as_ref().map(pod_view),
    })
}

/// What the rules read of a pod spec the model renders (see [`view`]). Items that carry
/// nothing the rules read are `null`, so the others keep their positions.
fn pod_view(p: &core::PodSpec) -> Value {
    let reference =
        |name: &str, optional: Option<bool>| json!({"name": name, "optional": optional});
    let containers = |cs: &[core::Container]| -> Vec<Value> {
        cs.iter()
            .map(|c| {
                let env_from = c.env_from.as_ref().map(|l| {
                    l.iter()
                        .map(|f| json!({
                            "configMapRef": f.config_map_ref.as_ref().map(|r| reference(&r.name, r.optional)),
                            "secretRef": f.secret_ref.as_ref().map(|r| reference(&r.name, r.optional)),
                        }))
                        .collect::<Vec<_>>()
                });
                let env = c.env.as_ref().map(|l| {
                    l.iter()
                        .map(|v| match &v.value_from {
                            None => Value::Null,
                            Some(from) => json!({"name": v.name, "valueFrom": {
                                "configMapKeyRef": from.config_map_key_ref.as_ref().map(|r| reference(&r.name, r.optional)),
                                "secretKeyRef": from.secret_key_ref.as_ref().map(|r| reference(&r.name, r.optional)),
                            }}),
                        })
                        .collect::<Vec<_>>()
                });
                json!({"name": c.name, "env": env, "envFrom": env_from})
            })
            .collect()
    };
    let volumes = p.volumes.as_ref().map(|vs| {
        vs.iter()
            .map(|v| {
                let projected = v.projected.as_ref().map(|pr| {
                    let sources = pr.sources.as_ref().map(|ss| {
                        ss.iter()
                            .map(|s| json!({
                                "configMap": s.config_map.as_ref().map(|r| reference(&r.name, r.optional)),
                                "secret": s.secret.as_ref().map(|r| reference(&r.name, r.optional)),
                            }))
                            .collect::<Vec<_>>()
                    });
                    json!({"sources": sources})
                });
                json!({
                    "name": v.name,
                    "configMap": v.config_map.as_ref().map(|r| reference(&r.name, r.optional)),
                    "secret": v.secret.as_ref().map(|r| json!({"secretName": r.secret_name, "optional": r.optional})),
                    "projected": projected,
                })
            })
            .collect::<Vec<_>>()
    });
    let term = |t: &core::PodAffinityTerm| {
        json!({
            "labelSelector": t.label_selector.as_ref().map(selector_view),
            "namespaces": t.namespaces,
            "namespaceSelector": t.namespace_selector.as_ref().map(selector_view),
        })
    };
    let anti = p
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .map(|a| {
            json!({
                "requiredDuringSchedulingIgnoredDuringExecution": a
                    .required_during_scheduling_ignored_during_execution
                    .as_ref()
                    .map(|ts| ts.iter().map(term).collect::<Vec<_>>()),
                "preferredDuringSchedulingIgnoredDuringExecution": a
                    .preferred_during_scheduling_ignored_during_execution
                    .as_ref()
                    .map(|ts| {
                        ts.iter()
                            .map(|w| json!({"podAffinityTerm": term(&w.pod_affinity_term)}))
                            .collect::<Vec<_>>()
                    }),
            })
        });
    let spread = p.topology_spread_constraints.as_ref().map(|cs| {
        cs.iter()
            .map(|c| {
                json!({
                    "topologyKey": c.topology_key,
                    "labelSelector": c.label_selector.as_ref().map(selector_view),
                })
            })
            .collect::<Vec<_>>()
    });
    json!({
        "serviceAccountName": p.service_account_name,
        "serviceAccount": p.service_account,
        "topologySpreadConstraints": spread,
        "affinity": {"podAntiAffinity": anti},
        "volumes": volumes,
        "containers": containers(&p.containers),
        "initContainers": p.init_containers.as_deref().map(containers),
    })
}

impl<'b> Index<'b> {
    /// Index the objects of `bundle`, rendered for environment `env` of `design`.
    pub(super) fn new(design: &Design, env: &Environment, bundle: &'b Bundle) -> Index<'b> {
        Index::of(design, env, bundle, view)
    }

    /// Index the objects of `bundle`, reading each through `read`.
    fn of(
        design: &Design,
        env: &Environment,
        bundle: &'b Bundle,
        read: impl Fn(&'b Object) -> Cow<'b, Value>,
    ) -> Index<'b> {
        let mut ix = Index {
            objects: Vec::with_capacity(bundle.objects.len()),
            keys: HashMap::new(),
            namespaces: BTreeSet::new(),
            created_secrets: HashSet::new(),
            has_roles: false,
            pods: Vec::new(),
            by_label: HashMap::new(),
            by_namespace: HashMap::new(),
        };
        // The services that may own a rendered object, by the names of their objects.
        let mut by_name: HashMap<String, Vec<&Service>> = HashMap::new();
        for s in &design.services {
            by_name
                .entry(naming::own(&s.name).into())
                .or_default()
                .push(s);
            by_name
                .entry(naming::load_balancer(&s.name))
                .or_default()
                .push(s);
        }
        for o in &bundle.objects {
            let kind = o.kind().to_string();
            let name = o.name().to_string();
            // An object written without a namespace lands in the environment's.
            let written_namespace = o.metadata().namespace.clone();
            let namespace = match &written_namespace {
                None if !cluster_scoped(&kind) => Some(env.namespace.clone()),
                ns => ns.clone(),
            };
            // As `render::residual_owner` finds it, by name rather than by search.
            let owner = match o {
                Object::Kept(_) => Owner::Kept,
                Object::ConfigMap(_) if design.config_map(&name).is_some() => {
                    Owner::Design(FieldPath {
                        target: Target::ConfigMap(name.clone()),
                        pointer: String::new(),
                    })
                }
                Object::Secret(_) if design.secret(&name).is_some() => Owner::Design(FieldPath {
                    target: Target::Secret(name.clone()),
                    pointer: String::new(),
                }),
                _ => by_name
                    .get(&name)
                    .into_iter()
                    .flatten()
                    .find_map(|s| Some(Owner::Service(s.id, residual_role(s, &kind, &name)?)))
                    .unwrap_or_else(|| Owner::Design(FieldPath::environment(&env.name, ""))),
            };
            ix.add(Entry {
                json: read(o),
                kind,
                namespace,
                written_namespace,
                name,
                owner,
            });
        }
        ix
    }

    fn add(&mut self, e: Entry<'b>) {
        let i = self.objects.len();
        let ns = e.namespace.clone().unwrap_or_default();
        if !ns.is_empty() {
            self.namespaces.insert(ns.clone());
        }
        match e.kind.as_str() {
            "Namespace" => {
                self.namespaces.insert(e.name.clone());
            }
            "Role" | "ClusterRole" => self.has_roles = true,
            // cert-manager writes the Certificate's Secret.
            "Certificate" => {
                if let Some(secret) = str_at(&e.json, "/spec/secretName") {
                    self.created_secrets.insert((ns.clone(), secret.into()));
                }
            }
            // The External Secrets operator writes `target.name`, by default the
            // object's own name; a SealedSecret unseals into a Secret of its name.
            "ExternalSecret" => {
                let secret = str_at(&e.json, "/spec/target/name").unwrap_or(&e.name);
                self.created_secrets.insert((ns.clone(), secret.into()));
            }
            "SealedSecret" => {
                self.created_secrets.insert((ns.clone(), e.name.clone()));
            }
            // cert-manager's ingress-shim writes the TLS Secrets of annotated Ingresses.
            "Ingress" => {
                let annotated = e.json["metadata"]["annotations"]
                    .as_object()
                    .is_some_and(|a| {
                        a.keys()
                            .any(|k| k.starts_with(CERT_MANAGER_ANNOTATION_PREFIX))
                    });
                if annotated {
                    for (_, tls) in items(&e.json["spec"]["tls"]) {
                        if let Some(secret) = tls["secretName"].as_str() {
                            self.created_secrets.insert((ns.clone(), secret.into()));
                        }
                    }
                }
            }
            _ => {}
        }
        if let Some(at) = template_at(&e.kind) {
            let template = e.json.pointer(at).unwrap_or(&NULL);
            if e.kind == "Job" || e.kind == "CronJob" {
                let created = generated_secrets(template);
                self.created_secrets
                    .extend(created.into_iter().map(|n| (ns.clone(), n)));
            }
            let labels = labels_of(&template["metadata"]["labels"]);
            let p = self.pods.len();
            let in_ns = self.by_label.entry(ns.clone()).or_default();
            for (k, v) in &labels {
                in_ns
                    .entry(k.clone())
                    .or_default()
                    .entry(v.clone())
                    .or_default()
                    .push(p);
            }
            self.by_namespace.entry(ns.clone()).or_default().push(p);
            self.pods.push(Pod {
                entry: i,
                namespace: ns.clone(),
                labels,
                at,
            });
        }
        self.keys
            .entry(e.kind.clone())
            .or_default()
            .entry(ns)
            .or_default()
            .insert(e.name.clone(), i);
        self.objects.push(e);
    }

    /// The object `kind` `name` in `namespace` ("" for a cluster-wide one).
    fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&Entry<'b>> {
        let i = self.keys.get(kind)?.get(namespace)?.get(name)?;
        Some(&self.objects[*i])
    }

    fn exists(&self, kind: &str, namespace: &str, name: &str) -> bool {
        self.find(kind, namespace, name).is_some()
    }

    /// Whether `selector` selects some pod template in `namespace`.
    fn selects_some_pod(&self, namespace: &str, selector: &Selector) -> bool {
        let candidates = match selector.exact_labels().next() {
            Some((k, v)) => self
                .by_label
                .get(namespace)
                .and_then(|m| m.get(k))
                .and_then(|m| m.get(v)),
            None => self.by_namespace.get(namespace),
        };
        candidates
            .into_iter()
            .flatten()
            .any(|&p| selector.selects(&self.pods[p].labels))
    }

    /// The pod spec of pod `p`.
    fn spec(&self, p: &Pod) -> &Value {
        &self.objects[p.entry].json.pointer(p.at).unwrap_or(&NULL)["spec"]
    }

    /// Every ConfigMap and Secret reference of pod `p`.
    fn config_refs<'s>(&'s self, p: &Pod) -> Vec<ConfigRef<'s>> {
        let spec = self.spec(p);
        let mut out = Vec::new();
        let mut push = |source, v: &'s Value, field: &str, env, at| {
            if let Some(name) = v[field].as_str() {
                out.push(ConfigRef {
                    source,
                    name,
                    optional: v["optional"].as_bool() == Some(true),
                    env,
                    at,
                });
            }
        };
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            for (i, c) in items(&spec[list]) {
                let container = c["name"].as_str().unwrap_or_default();
                for (k, from) in items(&c["envFrom"]) {
                    for (field, source) in [
                        ("configMapRef", Source::ConfigMap),
                        ("secretRef", Source::Secret),
                    ] {
                        let at = RefAt::EnvFrom(list, i, k, field, container);
                        push(source, &from[field], "name", true, at);
                    }
                }
                for (k, var) in items(&c["env"]) {
                    let var_name = var["name"].as_str().unwrap_or_default();
                    for (field, source) in [
                        ("configMapKeyRef", Source::ConfigMap),
                        ("secretKeyRef", Source::Secret),
                    ] {
                        let at = RefAt::Env(list, i, k, field, container, var_name);
                        push(source, &var["valueFrom"][field], "name", true, at);
                    }
                }
            }
        }
        for (k, vol) in items(&spec["volumes"]) {
            let volume = vol["name"].as_str().unwrap_or_default();
            let at = RefAt::Volume(k, "configMap", "name", volume);
            push(Source::ConfigMap, &vol["configMap"], "name", false, at);
            let at = RefAt::Volume(k, "secret", "secretName", volume);
            push(Source::Secret, &vol["secret"], "secretName", false, at);
            for (m, src) in items(&vol["projected"]["sources"]) {
                for (field, source) in
                    [("configMap", Source::ConfigMap), ("secret", Source::Secret)]
                {
                    let at = RefAt::Projected(k, m, field, volume);
                    push(source, &src[field], "name", false, at);
                }
            }
        }
        out
    }

    /// Whether the rendered pods of service `s` read `source` `name` only as optional
    /// (`optional: true` everywhere they read it through env or envFrom).
    pub(super) fn read_only_optionally(&self, s: &Service, source: Source, name: &str) -> bool {
        let mut refs = self
            .pods
            .iter()
            .filter(|p| {
                matches!(self.objects[p.entry].owner,
                    Owner::Service(id, ResidualRole::Workload) if id == s.id)
            })
            .flat_map(|p| self.config_refs(p))
            .filter(|r| r.env && r.source == source && r.name == name)
            .peekable();
        refs.peek().is_some() && refs.all(|r| r.optional)
    }

    /// The path a finding about object `e` points at: the field into a kept object, else
    /// what the import kept for the rendered object (or the design part that renders it).
    fn path(&self, design: &Design, e: &Entry, pointer: &str) -> FieldPath {
        match &e.owner {
            Owner::Kept => FieldPath {
                target: Target::Object {
                    kind: e.kind.clone(),
                    namespace: e.written_namespace.clone(),
                    name: e.name.clone(),
                },
                pointer: pointer.to_string(),
            },
            Owner::Service(id, role) => {
                let kept = design
                    .service(*id)
                    .is_some_and(|s| s.residual.contains_key(role));
                let role = serde_json::to_value(role).unwrap_or_default();
                let pointer = match role.as_str() {
                    Some(r) if kept => format!("/residual/{r}"),
                    _ => String::new(),
                };
                FieldPath::service(*id, &pointer)
            }
            Owner::Design(path) => path.clone(),
        }
    }
}

/// The Secrets a Job's certificate generator creates: `--secret-name NAME` (the pattern
/// of admission-webhook installs).
fn generated_secrets(template: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (_, c) in items(&template["spec"]["containers"]) {
        let args: Vec<&str> = items(&c["args"])
            .chain(items(&c["command"]))
            .filter_map(|(_, a)| a.as_str())
            .collect();
        for (i, a) in args.iter().enumerate() {
            let name = match a.strip_prefix(SECRET_NAME_FLAG) {
                Some(rest) if rest.starts_with('=') => Some(&rest[1..]),
                Some("") => args.get(i + 1).copied(),
                _ => None,
            };
            if let Some(n) = name.filter(|n| !n.is_empty()) {
                out.push(n.to_string());
            }
        }
    }
    out
}

/// Whether the design keeps anything from an import: objects kept whole, or details kept
/// for the objects the model renders. Without any, every object is the model's own, whose
/// references the model's rules already judge (KP303, KP305, ...) and which otherwise
/// resolve by construction, so the reference rules have nothing to find and the
/// environment need not be rendered for them (a test holds this).
pub(super) fn needed(design: &Design) -> bool {
    !design.extra_objects.is_empty()
        || !design.pinned_objects.is_empty()
        || design.services.iter().any(|s| !s.residual.is_empty())
        || design.config_maps.iter().any(|c| c.residual.is_some())
        || design.secrets.iter().any(|c| c.residual.is_some())
        || design.environments.iter().any(|e| e.residual.is_some())
}

/// Every reference check of the environment.
pub(super) fn environment(cx: &mut Ctx, ix: &Index<'_>, deployed: &[Service]) {
    let mut r = Reporter { cx, ix, deployed };
    for (i, e) in ix.objects.iter().enumerate() {
        let ns = e.namespace.as_deref().unwrap_or_default();
        r.api_version(i);
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

    fn report(&mut self, rule: &'static Rule, i: usize, pointer: &str, message: String) {
        let e = &self.ix.objects[i];
        let path = self.ix.path(self.cx.design, e, pointer);
        let service = match e.owner {
            Owner::Service(id, _) => self.deployed.iter().find(|s| s.id == id),
            _ => None,
        };
        self.cx.report(rule, service, path, message);
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

    /// KP710: every backend of an Ingress is a Service of its namespace, with the port.
    fn ingress(&mut self, i: usize, ns: &str) {
        let e = &self.ix.objects[i];
        // The backend the model writes to a service's own Service is KP303's.
        let own = match e.owner {
            Owner::Service(id, ResidualRole::Ingress) => self
                .deployed
                .iter()
                .find(|s| s.id == id)
                .map(|s| naming::own(&s.name).to_string()),
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
                self.report(
                    &INGRESS_BACKEND_DANGLING,
                    i,
                    &format!("{at}/service/{field}"),
                    format!("{who} routes {route} to {problem}"),
                );
            }
        }
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
            return Some((
                format!("Service `{name}`, which is not in this design"),
                "name",
            ));
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
                    problems.push((at, r + 1, problem));
                }
            }
        }
        let who = self.who(e);
        for (at, rule, problem) in problems {
            self.report(
                &ROUTE_BACKEND_DANGLING,
                i,
                &at,
                format!("{who} sends rule {rule} to {problem}"),
            );
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
        if selector.is_empty() || self.ix.selects_some_pod(ns, &selector) {
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

    /// KP715: a NetworkPolicy aimed at some pods (a non-empty podSelector) selects some.
    fn network_policy(&mut self, i: usize, ns: &str) {
        let e = &self.ix.objects[i];
        let Some(s) = Selector::from_json(&e.json["spec"]["podSelector"]) else {
            return;
        };
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
        // model reads is KP305's.
        let modelled = match e.owner {
            Owner::Service(id, ResidualRole::Workload) => self.deployed.iter().find(|s| s.id == id),
            _ => None,
        };
        for r in self.ix.config_refs(p) {
            if r.optional || self.config_exists(&p.namespace, r.source, r.name) {
                continue;
            }
            if r.env
                && modelled.is_some_and(|s| {
                    crate::render::references(s, r.source == Source::Secret).any(|n| n == r.name)
                })
            {
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
        self.ix.exists(source.kind(), ns, name)
            || match source {
                Source::ConfigMap => name == ROOT_CA_CONFIG_MAP,
                Source::Secret => self
                    .ix
                    .created_secrets
                    .contains(&(ns.to_string(), name.to_string())),
            }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{effective, render};

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
            let deployed: Vec<Service> = d
                .services
                .iter()
                .filter(|s| env.deploys(s.id))
                .map(|s| effective(s, env))
                .collect();
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
