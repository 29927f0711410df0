//! The rendered objects of an environment, indexed for the reference rules
//! (`references.rs`) and for the checks that read what is applied rather than modelled:
//! each object once as JSON (or a trimmed view of it), its owner in the design, and the
//! pod templates with their labels. The rules' context holds an [`Index`]; the checks
//! read it.

use crate::edit::{FieldPath, Target};
use crate::model::*;
use crate::naming;
use crate::order::Collect;
use crate::render::{residual_role, Bundle, Object};
use crate::selector::{Labels, Selector};
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::networking::v1 as net;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Built-in ClusterRoles every cluster has, besides the `system:` ones.
pub(super) const BUILT_IN_CLUSTER_ROLES: &[&str] = &["admin", "cluster-admin", "edit", "view"];

/// The ConfigMap the API server publishes into every namespace.
pub(super) const ROOT_CA_CONFIG_MAP: &str = "kube-root-ca.crt";

/// The ServiceAccount every namespace has.
pub(super) const DEFAULT_SERVICE_ACCOUNT: &str = "default";

/// The annotations that make cert-manager write an Ingress's TLS Secrets.
pub(super) const CERT_MANAGER_ANNOTATION_PREFIX: &str = "cert-manager.io/";

/// The command-line flag with which webhook certificate generators (run as Jobs) name
/// the Secret they create.
pub(super) const SECRET_NAME_FLAG: &str = "--secret-name";

/// The environment's objects, indexed for resolving references.
pub(super) struct Index<'b> {
    pub(super) objects: Vec<Entry<'b>>,
    /// Index into `objects` by kind, namespace ("" for cluster-wide objects) and name.
    pub(super) keys: HashMap<String, HashMap<String, HashMap<String, usize>>>,
    /// Every namespace an object lives in, or that a Namespace object creates.
    pub(super) namespaces: BTreeSet<String>,
    /// Secrets that something in the bundle creates at run time, as `(namespace, name)`.
    pub(super) created_secrets: HashSet<(String, String)>,
    /// Whether the input has any Role or ClusterRole (if not, RBAC is managed elsewhere).
    pub(super) has_roles: bool,
    pub(super) pods: Vec<Pod>,
    /// Pods by namespace, label key and label value, to find candidates fast.
    pub(super) by_label: HashMap<String, HashMap<String, HashMap<String, Vec<usize>>>>,
    /// Pods by namespace.
    pub(super) by_namespace: HashMap<String, Vec<usize>>,
}

/// One object of the bundle.
pub(super) struct Entry<'b> {
    /// What the rules read of it (see [`view`]).
    pub(super) json: Cow<'b, Value>,
    pub(super) kind: String,
    /// The namespace it lives in (the environment's when it is written without one).
    pub(super) namespace: Option<String>,
    /// The namespace it is written with, which paths to it name.
    pub(super) written_namespace: Option<String>,
    pub(super) name: String,
    pub(super) owner: Owner,
}

/// The part of the design that renders an object.
pub(super) enum Owner {
    /// Kept whole from an import; `pinned` to its own namespace, or in the
    /// environment's.
    Kept { pinned: bool },
    /// One of a service's objects.
    Service(ServiceId, ResidualRole),
    /// Something else of the design: the field that makes it.
    Design(FieldPath),
}

/// A pod template (or a Pod) of a workload.
pub(super) struct Pod {
    /// The object it belongs to.
    pub(super) entry: usize,
    pub(super) namespace: String,
    pub(super) labels: Labels,
    /// JSON pointer of the template in the object ("" for a Pod).
    pub(super) at: &'static str,
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
pub(super) struct ConfigRef<'v> {
    pub(super) source: Source,
    pub(super) name: &'v str,
    pub(super) optional: bool,
    /// Where it is, made only when a finding needs it.
    pub(super) at: RefAt<'v>,
}

/// Where a [`ConfigRef`] is in its pod spec.
pub(super) enum RefAt<'v> {
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
    pub(super) fn show(&self) -> (String, String) {
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
pub(super) fn template_at(kind: &str) -> Option<&'static str> {
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
pub(crate) fn cluster_scoped(kind: &str) -> bool {
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

pub(super) fn str_at<'v>(v: &'v Value, pointer: &str) -> Option<&'v str> {
    v.pointer(pointer).and_then(Value::as_str)
}

pub(super) fn items(v: &Value) -> impl Iterator<Item = (usize, &Value)> {
    v.as_array().into_iter().flatten().enumerate()
}

pub(super) fn labels_of(v: &Value) -> Labels {
    v.as_object()
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
        .to_map()
}

/// `null`, for reading absent members.
static NULL: Value = Value::Null;

/// What the rules read of an object, as JSON in the object's own shape. A kept object,
/// and a rendered one with a residual replayed, is its JSON as it is. Of an object the model renders, only the fields that refer to other
/// objects or that others refer to are written, by hand: serializing whole rendered
/// objects costs several times more than every rule together. A rule that reads another
/// field of a rendered object must add it here (a test compares the findings on views
/// and on whole objects).
pub(super) fn view(o: &Object) -> Cow<'_, Value> {
    Cow::Owned(match o {
        Object::Kept(k) => return Cow::Borrowed(&k.object.0),
        Object::Patched(p) => return Cow::Borrowed(&p.json),
        Object::Namespace(_)
        | Object::ServiceAccount(_)
        | Object::ConfigMap(_)
        | Object::Secret(_)
        | Object::Gateway(_)
        | Object::HTTPRoute(_)
        | Object::GRPCRoute(_) => Value::Null,
        Object::Deployment(d) => {
            json!({"spec": {"template": d.spec.as_ref().map(|s| template_view(&s.template))}})
        }
        Object::StatefulSet(d) => {
            json!({"spec": {"template": d.spec.as_ref().map(|s| template_view(&s.template))}})
        }
        Object::DaemonSet(d) => {
            json!({"spec": {"template": d.spec.as_ref().map(|s| template_view(&s.template))}})
        }
        Object::Job(d) => {
            json!({"spec": {"template": d.spec.as_ref().map(|s| template_view(&s.template))}})
        }
        Object::CronJob(d) => json!({"spec": {"jobTemplate": {"spec": {"template": d
            .spec
            .as_ref()
            .and_then(|s| s.job_template.spec.as_ref())
            .map(|s| template_view(&s.template))}}}}),
        Object::Service(svc) => {
            let spec = svc.spec.as_ref();
            let ports: Option<Vec<Value>> = spec.and_then(|s| s.ports.as_ref()).map(|ports| {
                ports
                    .iter()
                    .map(|p| json!({"name": p.name, "port": p.port}))
                    .collect()
            });
            json!({"metadata": {"labels": svc.metadata.labels}, "spec": {
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
        Object::Rollout(r) => {
            json!({"spec": {"template": r.spec.template.as_ref().map(template_view)}})
        }
        Object::AnalysisTemplate(_) | Object::PrometheusRule(_) => Value::Null,
        // Small objects whose selector and ports the monitoring rules read.
        Object::ServiceMonitor(_) | Object::PodMonitor(_) => o.to_json(),
        Object::NetworkPolicy(n) => json!({
            "spec": {"podSelector": n.spec.as_ref().and_then(|s| s.pod_selector.as_ref()).map(selector_view)},
        }),
    })
}

pub(super) fn selector_view(s: &LabelSelector) -> Value {
    let expressions = s.match_expressions.as_ref().map(|es| {
        es.iter()
            .map(|e| json!({"key": e.key, "operator": e.operator, "values": e.values}))
            .collect::<Vec<_>>()
    });
    json!({"matchLabels": s.match_labels, "matchExpressions": expressions})
}

pub(super) fn ingress_view(i: &net::Ingress) -> Value {
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
                        .map(|p| json!({"path": p.path, "pathType": p.path_type, "backend": backend(&p.backend)}))
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
            "ingressClassName": spec.and_then(|s| s.ingress_class_name.as_ref()),
            "defaultBackend": spec.and_then(|s| s.default_backend.as_ref()).and_then(backend),
            "rules": rules,
            "tls": tls,
        },
    })
}

pub(super) fn template_view(t: &core::PodTemplateSpec) -> Value {
    json!({
        "metadata": {"labels": t.metadata.as_ref().and_then(|m| m.labels.as_ref())},
        "spec": t.spec.as_ref().map(pod_view),
    })
}

/// What the rules read of a pod spec the model renders (see [`view`]). Items that carry
/// nothing the rules read are `null`, so the others keep their positions.
pub(super) fn pod_view(p: &core::PodSpec) -> Value {
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
                // What a NetworkPolicy may let in.
                let ports = c.ports.as_ref().map(|l| {
                    l.iter()
                        .map(|p| json!({"name": p.name, "containerPort": p.container_port, "protocol": p.protocol}))
                        .collect::<Vec<_>>()
                });
                // Arguments name the Secrets a Job's certificate generator creates.
                json!({"name": c.name, "env": env, "envFrom": env_from,
                       "args": c.args, "command": c.command, "ports": ports})
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
    pub(super) fn of(
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
        // The services that may own a rendered object, by the names of their objects
        // (none to look up without objects: a design that keeps nothing from an import).
        let mut by_name: HashMap<String, Vec<&Service>> = HashMap::new();
        let owners = if bundle.objects.is_empty() {
            &[][..]
        } else {
            &design.services[..]
        };
        for s in owners {
            by_name
                .entry(naming::own(&s.name).into())
                .or_default()
                .push(s);
            if s.service_name() != naming::own(&s.name) {
                by_name.entry(s.service_name().into()).or_default().push(s);
            }
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
                Object::Kept(k) => Owner::Kept { pinned: k.pinned },
                _ if let Some(cm) = design
                    .config_map_rendered_as(&name)
                    .filter(|_| kind == "ConfigMap") =>
                {
                    Owner::Design(FieldPath {
                        target: Target::ConfigMap(cm.name.clone()),
                        pointer: String::new(),
                    })
                }
                _ if kind == "Secret" && design.secret(&name).is_some() => {
                    Owner::Design(FieldPath {
                        target: Target::Secret(name.clone()),
                        pointer: String::new(),
                    })
                }
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

    pub(super) fn add(&mut self, e: Entry<'b>) {
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
    pub(super) fn find(&self, kind: &str, namespace: &str, name: &str) -> Option<&Entry<'b>> {
        let i = self.keys.get(kind)?.get(namespace)?.get(name)?;
        Some(&self.objects[*i])
    }

    pub(super) fn exists(&self, kind: &str, namespace: &str, name: &str) -> bool {
        self.find(kind, namespace, name).is_some()
    }

    /// Whether `selector` selects some pod template in `namespace`.
    pub(super) fn selects_some_pod(&self, namespace: &str, selector: &Selector) -> bool {
        self.selected_pods(namespace, selector).next().is_some()
    }

    /// The pod templates in `namespace` that `selector` selects.
    pub(super) fn selected_pods<'s>(
        &'s self,
        namespace: &str,
        selector: &'s Selector,
    ) -> impl Iterator<Item = &'s Pod> + 's {
        let candidates = match selector.exact_labels().next() {
            Some((k, v)) => self
                .by_label
                .get(namespace)
                .and_then(|m| m.get(k))
                .and_then(|m| m.get(v)),
            None => self.by_namespace.get(namespace),
        };
        (candidates.into_iter().flatten())
            .map(|&p| &self.pods[p])
            .filter(|p| selector.selects(&p.labels))
    }

    /// The pod spec of pod `p`.
    pub(super) fn spec(&self, p: &Pod) -> &Value {
        &self.objects[p.entry].json.pointer(p.at).unwrap_or(&NULL)["spec"]
    }

    /// Every ConfigMap and Secret reference of pod `p`.
    pub(super) fn config_refs<'s>(&'s self, p: &Pod) -> Vec<ConfigRef<'s>> {
        let spec = self.spec(p);
        let mut out = Vec::new();
        let mut push = |source, v: &'s Value, field: &str, at| {
            if let Some(name) = v[field].as_str() {
                out.push(ConfigRef {
                    source,
                    name,
                    optional: v["optional"].as_bool() == Some(true),
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
                        push(source, &from[field], "name", at);
                    }
                }
                for (k, var) in items(&c["env"]) {
                    let var_name = var["name"].as_str().unwrap_or_default();
                    for (field, source) in [
                        ("configMapKeyRef", Source::ConfigMap),
                        ("secretKeyRef", Source::Secret),
                    ] {
                        let at = RefAt::Env(list, i, k, field, container, var_name);
                        push(source, &var["valueFrom"][field], "name", at);
                    }
                }
            }
        }
        for (k, vol) in items(&spec["volumes"]) {
            let volume = vol["name"].as_str().unwrap_or_default();
            let at = RefAt::Volume(k, "configMap", "name", volume);
            push(Source::ConfigMap, &vol["configMap"], "name", at);
            let at = RefAt::Volume(k, "secret", "secretName", volume);
            push(Source::Secret, &vol["secret"], "secretName", at);
            for (m, src) in items(&vol["projected"]["sources"]) {
                for (field, source) in
                    [("configMap", Source::ConfigMap), ("secret", Source::Secret)]
                {
                    let at = RefAt::Projected(k, m, field, volume);
                    push(source, &src[field], "name", at);
                }
            }
        }
        out
    }

    /// Whether pods in `ns` find `source` `name` without the design defining it: the
    /// `kube-root-ca.crt` ConfigMap the API server publishes in every namespace, or a
    /// Secret something in the bundle creates at run time.
    pub(super) fn provided_at_run_time(&self, ns: &str, source: Source, name: &str) -> bool {
        match source {
            Source::ConfigMap => name == ROOT_CA_CONFIG_MAP,
            Source::Secret => self
                .created_secrets
                .contains(&(ns.to_string(), name.to_string())),
        }
    }

    /// Whether the rendered pods of service `s` read `source` `name` only as optional
    /// (`optional: true` everywhere they read it: env, envFrom and volumes).
    pub(super) fn read_only_optionally(&self, s: &Service, source: Source, name: &str) -> bool {
        let mut refs = self
            .pods
            .iter()
            .filter(|p| {
                matches!(self.objects[p.entry].owner,
                    Owner::Service(id, ResidualRole::Workload) if id == s.id)
            })
            .flat_map(|p| self.config_refs(p))
            .filter(|r| r.source == source && r.name == name)
            .peekable();
        refs.peek().is_some() && refs.all(|r| r.optional)
    }

    /// The path a finding about object `e` points at: the field into a kept object, else
    /// what the import kept for the rendered object (or the design part that renders it).
    pub(super) fn path(&self, design: &Design, e: &Entry, pointer: &str) -> FieldPath {
        match &e.owner {
            Owner::Kept { .. } => FieldPath {
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
pub(super) fn generated_secrets(template: &Value) -> Vec<String> {
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
    design.kept_anywhere().next().is_some()
        || !design.pinned_objects.is_empty()
        || design.services.iter().any(|s| !s.residual.is_empty())
        || design.config_maps.iter().any(|c| c.residual.is_some())
        || design.secrets.iter().any(|c| c.residual.is_some())
        || (design.environments.iter()).any(|e| e.residual.is_some() || !e.own_residuals.is_empty())
}
