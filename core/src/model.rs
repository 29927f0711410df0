//! The design document: what the user chose, nothing derived.
//!
//! Everything here is plain data. Rendering ([`crate::render`]) and findings are
//! computed from it and never stored in it. Every field has a serde default so a
//! design file may leave out whatever keeps its default value.

pub use crate::residual::Residual;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The version of the design format this build writes. Older files are upgraded on
/// load by [`crate::file`]; newer ones are refused with a clear message.
pub const FORMAT_VERSION: u32 = 2;

/// A stable service identifier, allocated from [`Design::next_id`]; never random.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServiceId(pub u32);

/// Deserialize a design's services, refusing two with one id: the id is what edges,
/// selections and residuals name a service by.
fn unique_ids<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Service>, D::Error> {
    let services = Vec::<Service>::deserialize(d)?;
    let mut seen = std::collections::HashSet::with_capacity(services.len());
    match services.iter().find(|s| !seen.insert(s.id)) {
        Some(s) => Err(serde::de::Error::custom(format!(
            "two services have the id {} (the second is `{}`); give one of them an id no other service has",
            s.id.0, s.name
        ))),
        None => Ok(services),
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s{}", self.0)
    }
}

/// A whole system: its services, how they connect, and where they are deployed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Design {
    /// Format version of this document (see [`FORMAT_VERSION`]).
    pub format_version: u32,
    /// The system's name; becomes `app.kubernetes.io/part-of`.
    pub name: String,
    /// The Kubernetes version the manifests are written for.
    pub target: KubeVersion,
    /// Facts about the target cluster that timing rules depend on.
    pub cluster: Cluster,
    /// Deployment environments, each with its own namespace.
    pub environments: Vec<Environment>,
    /// The workloads of the system, each with its own id: a design whose services
    /// repeat an id does not load. Usually in the order of their ids (every edit appends
    /// a new id), which makes [`Design::service`] a binary search.
    #[serde(deserialize_with = "unique_ids")]
    pub services: Vec<Service>,
    /// ConfigMaps the services reference by name.
    pub config_maps: Vec<ConfigMapDef>,
    /// Secrets the services reference by name: keys only, never values.
    pub secrets: Vec<SecretDef>,
    /// Who talks to whom: drives NetworkPolicies and the canvas arrows.
    pub edges: Vec<Edge>,
    /// Imported objects the model cannot express (kept whole and rendered as they are
    /// into every environment that runs services), as JSON of a supported kind.
    pub extra_objects: Vec<KeptObject>,
    /// Imported objects of namespaces other than the environment's, kept whole and
    /// rendered as they are, namespace included, into every environment that runs
    /// services (an import of several namespaces models the main one).
    pub pinned_objects: Vec<KeptObject>,
    /// The next [`ServiceId`] to hand out.
    pub next_id: u32,
    /// Where the exported bundle lives in Git, for the Argo CD applications of the bundle.
    pub gitops: GitOps,
}

impl Default for Design {
    fn default() -> Self {
        Design {
            format_version: FORMAT_VERSION,
            name: "my-system".into(),
            target: KubeVersion::default(),
            cluster: Cluster::default(),
            environments: Environment::standard_set("my-system"),
            services: Vec::new(),
            config_maps: Vec::new(),
            secrets: Vec::new(),
            edges: Vec::new(),
            extra_objects: Vec::new(),
            pinned_objects: Vec::new(),
            next_id: 1,
            gitops: GitOps::default(),
        }
    }
}

impl Design {
    /// The objects kept whole that environment `env` renders besides its services: the
    /// design's ([`Design::extra_objects`]), then its own ([`Environment::kept_objects`]).
    pub fn kept_in<'a>(&'a self, env: &'a Environment) -> impl Iterator<Item = &'a KeptObject> {
        (self.extra_objects.iter().chain(&env.kept_objects))
            .filter(|o| !self.only_for_what_is_off(o, env))
    }

    /// Whether an object kept whole is there only for services `env` does not run: an
    /// Ingress every route of which sends to the Service of a design service switched
    /// off there. It goes with them (kept, it would send to Services that are not
    /// there); one that also routes elsewhere stays, and KP710 says what it lacks.
    pub(crate) fn only_for_what_is_off(&self, o: &KeptObject, env: &Environment) -> bool {
        if o.kind() != "Ingress" || self.services.iter().all(|s| env.deploys(s.id)) {
            return false;
        }
        let routes = o.ingress_routes();
        !routes.is_empty()
            && routes.iter().all(|r| {
                let mut theirs = (self.services.iter()).filter(|s| s.service_name() == r.service);
                theirs.next().is_some_and(|s| !env.deploys(s.id))
                    && theirs.all(|s| !env.deploys(s.id))
            })
    }

    /// The ways in that Ingresses kept whole in environment `env` give its services (an
    /// Ingress sends only to Services of its own namespace: one pinned to another
    /// namespace reaches none of them).
    pub fn kept_routes<'a>(&'a self, env: &'a Environment) -> impl Iterator<Item = KeptRoute> + 'a {
        self.kept_in(env).flat_map(KeptObject::ingress_routes)
    }

    /// The namespaces of the environments: those where a design service may run.
    pub fn environment_namespaces(&self) -> Vec<String> {
        (self.environments.iter())
            .map(|e| e.namespace.clone())
            .collect()
    }

    /// The namespaces an in-cluster address may name: the environments' and those of
    /// the objects kept whole in a namespace of their own.
    pub fn namespaces(&self) -> BTreeSet<&str> {
        (self.environments.iter())
            .map(|e| e.namespace.as_str())
            .chain(self.pinned_objects.iter().filter_map(|o| o.namespace()))
            .collect()
    }

    /// Every object kept whole in the environment's namespace, whichever environment.
    pub fn kept_anywhere(&self) -> impl Iterator<Item = &KeptObject> {
        (self.extra_objects.iter()).chain(self.environments.iter().flat_map(|e| &e.kept_objects))
    }

    /// The design's ConfigMap an object rendered as `name` is: by its name, or by the
    /// name its data's hash gives it ([`ConfigMapDef::hash_suffix`]).
    pub fn config_map_rendered_as(&self, name: &str) -> Option<&ConfigMapDef> {
        self.config_map(name).or_else(|| {
            (self.config_maps.iter())
                .find(|c| c.hash_suffix && crate::naming::is_generated_config_map(&c.name, name))
        })
    }

    /// The design with ConfigMap data as environment `env` renders it
    /// ([`Environment::config_data`]), for what reads ConfigMaps outside the render (the
    /// compose export).
    pub fn with_config_of(&self, env: &str) -> Cow<'_, Design> {
        let Some(env) = self.environment(env).filter(|e| e.changes_config()) else {
            return Cow::Borrowed(self);
        };
        let mut design = self.clone();
        for cm in &mut design.config_maps {
            cm.data = env.config_data(cm).into_owned();
        }
        Cow::Owned(design)
    }

    /// The service with this id, if it exists.
    pub fn service(&self, id: ServiceId) -> Option<&Service> {
        self.service_index(id).map(|i| &self.services[i])
    }

    /// The service with this id, mutably.
    pub fn service_mut(&mut self, id: ServiceId) -> Option<&mut Service> {
        self.service_index(id).map(|i| &mut self.services[i])
    }

    /// Raise `next_id` above every service's id, so that a new service never takes an
    /// id in use: a design file written by hand may carry a lower one. Loading a file or
    /// a link does this; every edit keeps it so.
    pub fn settle_next_id(&mut self) {
        let after_last = self
            .services
            .iter()
            .map(|s| s.id.0.saturating_add(1))
            .max()
            .unwrap_or(1);
        self.next_id = self.next_id.max(after_last);
    }

    /// Where the service with this id is in `services`: found by binary search while
    /// the services are in the order of their ids, as edits keep them, else by a scan
    /// (a design file may list them in any order). Ids are unique, so a hit of the
    /// search is the one service with that id.
    fn service_index(&self, id: ServiceId) -> Option<usize> {
        match self.services.binary_search_by_key(&id, |s| s.id) {
            Ok(i) if self.services[i].id == id => Some(i),
            _ => self.services.iter().position(|s| s.id == id),
        }
    }

    /// The service with this object name.
    pub fn service_named(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name == name)
    }

    /// The environment with this name.
    pub fn environment(&self, name: &str) -> Option<&Environment> {
        self.environments.iter().find(|e| e.name == name)
    }

    /// The ConfigMap with this name.
    pub fn config_map(&self, name: &str) -> Option<&ConfigMapDef> {
        self.config_maps.iter().find(|c| c.name == name)
    }

    /// The Secret with this name.
    pub fn secret(&self, name: &str) -> Option<&SecretDef> {
        self.secrets.iter().find(|c| c.name == name)
    }
}

/// Kubernetes minor versions Kubeprint writes manifests for.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum KubeVersion {
    /// Kubernetes 1.33.
    #[serde(rename = "1.33")]
    V1_33,
    /// Kubernetes 1.34.
    #[serde(rename = "1.34")]
    V1_34,
    /// Kubernetes 1.35.
    #[serde(rename = "1.35")]
    V1_35,
    /// Kubernetes 1.36.
    #[serde(rename = "1.36")]
    V1_36,
    /// Kubernetes 1.37.
    #[default]
    #[serde(rename = "1.37")]
    V1_37,
}

impl KubeVersion {
    /// Every supported version, oldest first.
    pub const ALL: [KubeVersion; 5] = [
        KubeVersion::V1_33,
        KubeVersion::V1_34,
        KubeVersion::V1_35,
        KubeVersion::V1_36,
        KubeVersion::V1_37,
    ];

    /// The version as `1.NN`.
    pub fn as_str(self) -> &'static str {
        match self {
            KubeVersion::V1_33 => "1.33",
            KubeVersion::V1_34 => "1.34",
            KubeVersion::V1_35 => "1.35",
            KubeVersion::V1_36 => "1.36",
            KubeVersion::V1_37 => "1.37",
        }
    }
}

/// Properties of the target cluster that the timing rules need.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Cluster {
    /// How long endpoint removal takes to reach kube-proxy, ingress and DNS (E).
    pub endpoint_propagation_seconds: u32,
    /// Load balancer target deregistration delay (D), when targets are pod IPs.
    pub lb_deregistration_seconds: Option<u32>,
    /// IngressClass used for public services.
    pub ingress_class: Option<String>,
    /// cert-manager ClusterIssuer that provisions Ingress TLS certificates.
    pub cert_issuer: String,
    /// Namespace of the ingress controller, allowed in by NetworkPolicies.
    pub ingress_controller_namespace: String,
    /// Namespace of the Prometheus that scrapes metrics endpoints.
    pub monitoring_namespace: Option<String>,
    /// The Prometheus HTTP API that canary analyses query; `None` is the Prometheus
    /// Operator's `prometheus-operated` Service in the monitoring namespace (see
    /// [`Cluster::prometheus_address`]).
    pub prometheus_address: Option<String>,
}

impl Cluster {
    /// Where canary analyses send their queries: the address the design gives, else
    /// `http://prometheus-operated.<monitoring namespace>.svc:9090` (the Service the
    /// Prometheus Operator creates for its Prometheus servers; `monitoring` when the
    /// design names no namespace).
    pub fn prometheus_address(&self) -> String {
        match &self.prometheus_address {
            Some(a) if !a.trim().is_empty() => a.trim().to_string(),
            _ => format!(
                "http://prometheus-operated.{}.svc:9090",
                self.monitoring_namespace.as_deref().unwrap_or("monitoring")
            ),
        }
    }
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster {
            endpoint_propagation_seconds: crate::domain::DEFAULT_ENDPOINT_PROPAGATION_SECONDS,
            lb_deregistration_seconds: None,
            ingress_class: Some("nginx".into()),
            cert_issuer: "letsencrypt-prod".into(),
            ingress_controller_namespace: "ingress-nginx".into(),
            monitoring_namespace: None,
            prometheus_address: None,
        }
    }
}

/// Where the design's exported bundle is kept in Git: what the Argo CD applications of
/// the bundle pull from. Design knowledge (the team's repository), so it is saved with
/// the design; the CLI's `--repo` and `--revision` override it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GitOps {
    /// The Git repository Argo CD pulls from (`https://…`, `ssh://…` or
    /// `git@host:org/repo.git`); empty until the user types one.
    pub repo_url: String,
    /// The branch, tag or commit Argo CD follows (`HEAD`: the default branch).
    pub revision: String,
    /// The folder inside the repository that holds the bundle's files; empty for the
    /// repository's root.
    pub path: String,
    /// The namespace Argo CD runs in, which holds its Applications and AppProjects.
    pub argocd_namespace: String,
    /// What the applications deploy: the Kustomize overlays or the Helm chart.
    pub source: ArgoSource,
}

impl Default for GitOps {
    fn default() -> Self {
        GitOps {
            repo_url: String::new(),
            revision: "HEAD".into(),
            path: String::new(),
            argocd_namespace: "argocd".into(),
            source: ArgoSource::default(),
        }
    }
}

/// What an Argo CD application of the bundle points at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArgoSource {
    /// The environment's Kustomize overlay (`kustomize/overlays/<env>`).
    #[default]
    Kustomize,
    /// The Helm chart with the environment's values file (`values-<env>.yaml`).
    Helm,
}

/// How Argo CD syncs an environment's application.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArgoSync {
    /// From the environment's tier: automated for dev and staging, manual for prod and
    /// shared environments.
    #[default]
    ByTier,
    /// Argo CD applies every change of the repository, prunes what was removed and
    /// undoes changes made in the cluster by hand.
    Automated,
    /// Argo CD shows the difference; someone syncs it.
    Manual,
}

/// How strict an environment is; rules use it to pick severities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    /// Development: relaxed.
    Dev,
    /// Pre-production: production-like.
    Staging,
    /// Production: strict.
    #[default]
    Prod,
    /// Shared infrastructure such as monitoring.
    Shared,
}

/// One deployment environment, rendered into its own namespace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Environment {
    /// Short name: dev, staging, prod, observability, ...
    pub name: String,
    /// How strict this environment is.
    pub tier: Tier,
    /// The namespace the environment's objects go into.
    pub namespace: String,
    /// Labels on the Namespace object (e.g. `istio-injection: enabled`).
    pub labels: BTreeMap<String, String>,
    /// Annotations on the Namespace object.
    pub annotations: BTreeMap<String, String>,
    /// Emit a default-deny NetworkPolicy plus explicit allows.
    pub default_deny: bool,
    /// Whether the design's services run here; a per-service override wins.
    pub hosts_services: bool,
    /// Whether the bundle creates the Namespace object (off for imported manifests that
    /// did not, so that import then export stays the same).
    pub create_namespace: bool,
    /// Objects are written without `metadata.namespace`, as an imported input that named
    /// none wrote them (`kubectl apply -n` gives them theirs), new ones included;
    /// `namespace` still says where they run, for addresses and policies.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub namespace_unwritten: bool,
    /// Per-service overrides, keyed by service id.
    pub overrides: BTreeMap<ServiceId, Override>,
    /// What an imported Namespace object had beyond the model (see [`Residual`]).
    pub residual: Option<Residual>,
    /// How Argo CD syncs this environment's application (by default, from the tier).
    pub argocd_sync: ArgoSync,
    /// How Prometheus finds the metrics endpoints here, and the alerts written for it.
    pub monitoring: Monitoring,
    /// The Gateway API Gateway the routes of this environment's services attach to
    /// ([`Exposure::gateway_route`]), shared by all of them.
    pub gateway: Option<Gateway>,
    /// Imported objects of this environment only (an overlay's own NetworkPolicy or
    /// ResourceQuota), kept whole and rendered as they are into its namespace, after the
    /// design's [`Design::extra_objects`].
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept_objects: Vec<KeptObject>,
    /// ConfigMap values of this environment only (an overlay's `LOG_LEVEL: debug`), by
    /// ConfigMap name, then key: here they replace the design's value of that key, or
    /// add the key (see [`Environment::config_data`]).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config_values: BTreeMap<String, BTreeMap<String, String>>,
    /// Keys of the design's ConfigMaps this environment leaves out (a `DEBUG_TOOLBAR`
    /// prod has no use for), by ConfigMap name: its rendering has every other key. Never
    /// a key it has a value of its own for (that value is what it renders).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config_left_out: BTreeMap<String, BTreeSet<String>>,
    /// Labels every object of this environment carries (an overlay's `labels:` or
    /// `commonLabels:`, say `env: prod`), and how far into the objects they reach.
    /// (Written even when empty: the fields under it are edited by path.)
    pub common_labels: CommonLabels,
    /// What this environment's input had of its own beyond the design, object by object
    /// (see [`OwnResiduals`]).
    #[serde(skip_serializing_if = "OwnResiduals::is_empty")]
    pub own_residuals: OwnResiduals,
}

/// What an environment's input had of its own in objects the design renders, in what
/// the model has no field for: details that differ between environments (a Helm
/// `checksum/config` annotation of each environment's own ConfigMap, a label or a
/// toleration of prod only). Never what the model holds (a grace period, a probe): the
/// import reports those as not merged, so that the model, and the rules reading it, say
/// what each environment renders. Replayed onto the environment's rendering after the
/// design's own [`Residual`] of the object, and as that one is: an edit of a modelled
/// field wins over what is kept, and a handler kept whole gives way to the design's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OwnResiduals {
    /// By service, then by the object of the service it belongs to.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub services: BTreeMap<ServiceId, BTreeMap<ResidualRole, Residual>>,
    /// By ConfigMap of the design, by its name.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config_maps: BTreeMap<String, Residual>,
    /// By Secret of the design, by its name (never its values).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub secrets: BTreeMap<String, Residual>,
}

impl OwnResiduals {
    /// Nothing kept.
    pub fn is_empty(&self) -> bool {
        self.services.is_empty() && self.config_maps.is_empty() && self.secrets.is_empty()
    }

    /// What is kept for the object of service `id` in `role`.
    pub fn of_service(&self, id: ServiceId, role: ResidualRole) -> Option<&Residual> {
        self.services.get(&id)?.get(&role)
    }

    /// Everything kept for the objects of service `id`, by role.
    pub fn all_of_service(
        &self,
        id: ServiceId,
    ) -> impl Iterator<Item = (&ResidualRole, &Residual)> {
        self.services.get(&id).into_iter().flatten()
    }
}

impl Service {
    /// Everything an import kept of its objects as environment `env` renders them: the
    /// design's, then `env`'s own.
    pub fn residuals_here<'a>(
        &'a self,
        env: &'a Environment,
    ) -> impl Iterator<Item = &'a Residual> {
        (self.residual.values()).chain(env.own_residuals.all_of_service(self.id).map(|(_, r)| r))
    }
}

impl Service {
    /// Whether what an import kept of its object in `role` (the design's, or environment
    /// `env`'s own) may make the rendering differ from what the model says.
    pub fn keeps(&self, env: &Environment, role: ResidualRole) -> bool {
        self.residual.contains_key(&role) || env.own_residuals.of_service(self.id, role).is_some()
    }

    /// Whether an import kept anything of its objects, the design or `env` on its own.
    pub fn keeps_any(&self, env: &Environment) -> bool {
        !self.residual.is_empty() || env.own_residuals.services.contains_key(&self.id)
    }
}

/// Labels an environment puts on every object it renders, as a Kustomize overlay's
/// `labels:` entry does (`commonLabels:` is [`LabelReach::Selectors`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CommonLabels {
    /// The labels, by key.
    pub labels: BTreeMap<String, String>,
    /// Where they are written besides each object's own labels.
    pub reach: LabelReach,
}

impl CommonLabels {
    /// No label to add.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Whether pods (the workloads' pod templates) carry the labels too.
    pub fn on_pods(&self) -> bool {
        !self.is_empty() && self.reach != LabelReach::Objects
    }

    /// Whether the selectors that pick a service's pods select by them too.
    pub fn in_selectors(&self) -> bool {
        !self.is_empty() && self.reach == LabelReach::Selectors
    }
}

/// How far an environment's [`CommonLabels`] reach into its objects.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LabelReach {
    /// Each object's `metadata.labels` only (Kustomize's `labels:` as it defaults).
    #[default]
    Objects,
    /// The pod templates too (`includeTemplates: true`).
    Pods,
    /// The pod templates and every selector of a service's pods
    /// (`includeSelectors: true`, or `commonLabels:`). A workload's selector cannot
    /// change once it exists, so these labels are chosen before the first deploy.
    Selectors,
}

/// How Prometheus finds an environment's metrics endpoints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scraping {
    /// `prometheus.io/scrape`, `/port` and `/path` pod annotations, which a Prometheus
    /// scrape job that discovers pods reads (no operator needed).
    #[default]
    Annotations,
    /// The Prometheus Operator: a ServiceMonitor (a PodMonitor when no Service port
    /// reaches the metrics port) per metrics endpoint, and a PrometheusRule per service.
    Operator,
}

/// An environment's monitoring: how metrics are scraped and whether alerts are written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Monitoring {
    /// Pod annotations, or Prometheus Operator objects.
    pub scraping: Scraping,
    /// Labels on the monitors and rules: what the Prometheus resource selects them by
    /// (kube-prometheus-stack's chart selects `release: <its release name>`).
    pub labels: BTreeMap<String, String>,
    /// Scrape interval of each endpoint, in seconds; 0 leaves Prometheus' own.
    pub interval_seconds: u32,
    /// With the operator, a PrometheusRule per service with the alerts its design
    /// implies (pods not ready, 5xx rate, HPA at its maximum, PDB allowing no
    /// disruption).
    pub alerts: bool,
}

impl Default for Monitoring {
    fn default() -> Self {
        Monitoring {
            scraping: Scraping::Annotations,
            labels: BTreeMap::new(),
            interval_seconds: 30,
            alerts: true,
        }
    }
}

impl Default for Environment {
    fn default() -> Self {
        Environment {
            name: "prod".into(),
            tier: Tier::Prod,
            namespace: "default".into(),
            labels: BTreeMap::new(),
            annotations: BTreeMap::new(),
            default_deny: false,
            hosts_services: true,
            create_namespace: true,
            namespace_unwritten: false,
            overrides: BTreeMap::new(),
            residual: None,
            argocd_sync: ArgoSync::default(),
            monitoring: Monitoring::default(),
            gateway: None,
            kept_objects: Vec::new(),
            config_values: BTreeMap::new(),
            config_left_out: BTreeMap::new(),
            common_labels: CommonLabels::default(),
            own_residuals: OwnResiduals::default(),
        }
    }
}

impl Environment {
    /// How many services this environment gives values of their own (the number on its
    /// tab).
    pub fn services_overridden(&self) -> usize {
        (self.overrides.values())
            .filter(|o| !o.changes_nothing())
            .count()
    }

    /// The value this environment gives service `s`'s field at `pointer` of its own
    /// (prod's image tag, its claim's size), and where that is set: the override that
    /// replaces what the field shows here. `None` where the service's value stands.
    pub fn own_value(&self, s: &Service, pointer: &str) -> Option<(crate::FieldPath, String)> {
        let o = self.overrides.get(&s.id)?;
        let at = |field: &str| {
            let pointer = format!("/overrides/{}/{field}", s.id.0);
            Some(crate::FieldPath::environment(&self.name, &pointer))
        };
        let claim = |i: &str| Some(&s.storage.get(i.parse::<usize>().ok()?)?.name);
        let by_claim = |map: &BTreeMap<String, String>, i: &str, field: &str| {
            let claim = claim(i)?;
            let value = map.get(claim)?.clone();
            Some((
                at(&format!("{field}/{}", crate::edit::pointer_token(claim)))?,
                value,
            ))
        };
        let parts: Vec<&str> = pointer.split('/').skip(1).collect();
        match parts.as_slice() {
            ["tag"] => Some((at("image_tag")?, o.image_tag.clone()?)),
            ["scaling", "replicas"] => Some((at("replicas")?, o.replicas?.to_string())),
            // (A switch left after the service's own went switches nothing.)
            ["scaling", "hpa", "min" | "max"]
                if o.hpa == Some(false) && s.scaling.hpa.is_some() =>
            {
                Some((at("hpa")?, "no HPA".to_string()))
            }
            ["scaling", "hpa", "min"] => Some((at("hpa_min")?, o.hpa_min?.to_string())),
            ["scaling", "pdb", ..] if o.pdb == Some(false) && s.scaling.pdb.is_some() => {
                Some((at("pdb")?, "no PDB".to_string()))
            }
            ["scaling", "pdb", ..] if s.scaling.pdb.is_some() => {
                Some((at("pdb_budget")?, o.pdb_budget?.to_string()))
            }
            ["scaling", "hpa", "max"] => Some((at("hpa_max")?, o.hpa_max?.to_string())),
            ["resources", field] => {
                let r = o.resources.as_ref()?;
                let value = match *field {
                    "cpu_request" => &r.cpu_request,
                    "memory_request" => &r.memory_request,
                    "cpu_limit" => &r.cpu_limit,
                    "memory_limit" => &r.memory_limit,
                    _ => return None,
                };
                Some((at(&format!("resources/{field}"))?, value.clone()?))
            }
            ["exposure", "ingress", ..]
                if o.ingress == Some(false) && s.exposure.ingress.is_some() =>
            {
                Some((at("ingress")?, "no Ingress".to_string()))
            }
            ["exposure", "ingress", "host"] => Some((at("ingress_host")?, o.ingress_host.clone()?)),
            ["storage", i, "size"] => by_claim(&o.storage, i, "storage"),
            ["storage", i, "storage_class"] => by_claim(&o.storage_class, i, "storage_class"),
            ["config", "env", i, "value", ..] => {
                let name = &s.config.env.get(i.parse::<usize>().ok()?)?.name;
                let value = match o.env.get(name)? {
                    VarHere::Value(v) if v.is_empty() => "(empty)".to_string(),
                    VarHere::Value(v) => v.clone(),
                    VarHere::Read(from) => from.describe(),
                    VarHere::Unset => "not set".to_string(),
                };
                Some((
                    at(&format!("env/{}", crate::edit::pointer_token(name)))?,
                    value,
                ))
            }
            _ => None,
        }
    }

    /// A new environment named `name` in namespace `namespace`.
    pub fn new(name: &str, tier: Tier, namespace: &str) -> Self {
        Environment {
            name: name.into(),
            tier,
            namespace: namespace.into(),
            ..Environment::default()
        }
    }

    /// dev, staging and prod namespaces for a system called `system`.
    pub fn standard_set(system: &str) -> Vec<Environment> {
        vec![
            Environment::new("dev", Tier::Dev, &format!("{system}-dev")),
            Environment::new("staging", Tier::Staging, &format!("{system}-staging")),
            Environment::new("prod", Tier::Prod, system),
        ]
    }

    /// The data of ConfigMap `cm` as this environment renders it: the design's keys but
    /// those it leaves out ([`Environment::config_left_out`]), with its own
    /// [`Environment::config_values`] over them.
    pub fn config_data<'a>(&self, cm: &'a ConfigMapDef) -> Cow<'a, BTreeMap<String, String>> {
        let values = self.config_values.get(&cm.name).filter(|v| !v.is_empty());
        let left_out = self.config_left_out.get(&cm.name).filter(|k| !k.is_empty());
        if values.is_none() && left_out.is_none() {
            return Cow::Borrowed(&cm.data);
        }
        let mut data = cm.data.clone();
        if let Some(left_out) = left_out {
            data.retain(|k, _| !left_out.contains(k));
        }
        data.extend(
            values
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        Cow::Owned(data)
    }

    /// Whether this environment leaves key `key` of the design's ConfigMap `cm` out
    /// (and has no value of its own for it, which it would render).
    pub fn leaves_out(&self, cm: &str, key: &str) -> bool {
        (self.config_left_out.get(cm)).is_some_and(|keys| keys.contains(key))
            && self.own_config_value(cm, key).is_none()
    }

    /// This environment's own value of key `key` of ConfigMap `cm`, if it has one.
    pub fn own_config_value(&self, cm: &str, key: &str) -> Option<&str> {
        (self.config_values.get(cm)?.get(key)).map(String::as_str)
    }

    /// Whether this environment renders some ConfigMap's data other than the design's.
    pub fn changes_config(&self) -> bool {
        !self.config_values.is_empty() || !self.config_left_out.is_empty()
    }

    /// Its ConfigMap fields tidied after an edit: a key with a value of its own here is
    /// not left out, and a ConfigMap with nothing of this environment's is not listed.
    pub fn tidy_config(&mut self) {
        let values = &self.config_values;
        for (cm, keys) in &mut self.config_left_out {
            keys.retain(|k| (values.get(cm)).is_none_or(|v| !v.contains_key(k)));
        }
        self.config_values.retain(|_, values| !values.is_empty());
        self.config_left_out.retain(|_, keys| !keys.is_empty());
    }

    /// The name ConfigMap `cm` is rendered under here: its own, or with the hash of its
    /// data here ([`ConfigMapDef::hash_suffix`]).
    pub fn config_map_name<'a>(&self, cm: &'a ConfigMapDef) -> Cow<'a, str> {
        if cm.hash_suffix {
            Cow::Owned(crate::naming::generated_config_map(
                &cm.name,
                &self.config_data(cm),
            ))
        } else {
            Cow::Borrowed(&cm.name)
        }
    }

    /// Whether `service` is deployed in this environment.
    pub fn deploys(&self, service: ServiceId) -> bool {
        self.overrides
            .get(&service)
            .and_then(|o| o.enabled)
            .unwrap_or(self.hosts_services)
    }
}

/// The services `env` runs, each as it runs there ([`effective`]), in design order: what
/// render and the rules both start from.
pub fn deployed(design: &Design, env: &Environment) -> Vec<Service> {
    design
        .services
        .iter()
        .filter(|s| env.deploys(s.id))
        .map(|s| effective(s, env))
        .collect()
}

/// [`effective`], without copying a service the environment does not override.
pub fn effective_ref<'s>(service: &'s Service, env: &Environment) -> Cow<'s, Service> {
    if env.overrides.contains_key(&service.id) || env.common_labels.in_selectors() {
        Cow::Owned(effective(service, env))
    } else {
        Cow::Borrowed(service)
    }
}

/// A service as deployed in one environment: the base design with the
/// environment's override applied. Rules and rendering both read this.
pub fn effective(service: &Service, env: &Environment) -> Service {
    let mut s = service.clone();
    // Labels every object here carries that reach selectors select this service's pods
    // by as well (an overlay's `commonLabels:`).
    if env.common_labels.in_selectors() {
        if s.selector.is_empty() {
            s.selector = BTreeMap::from([("app.kubernetes.io/name".into(), s.name.clone())]);
        }
        let labels = &env.common_labels.labels;
        (s.selector).extend(labels.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let Some(o) = env.overrides.get(&service.id) else {
        return s;
    };
    if let Some(r) = o.replicas {
        s.scaling.replicas = r;
    }
    if o.hpa == Some(false) {
        s.scaling.hpa = None;
    }
    if o.pdb == Some(false) {
        s.scaling.pdb = None;
    }
    if let (Some(budget), Some(pdb)) = (o.pdb_budget, s.scaling.pdb.as_mut()) {
        *pdb = budget;
    }
    if o.ingress == Some(false) {
        s.exposure.ingress = None;
    }
    if let Some(h) = s.scaling.hpa.as_mut() {
        h.min = o.hpa_min.unwrap_or(h.min);
        h.max = o.hpa_max.unwrap_or(h.max);
    }
    if let Some(r) = &o.resources {
        s.resources = s.resources.overlaid(r);
    }
    if let Some(t) = &o.image_tag {
        // Containers that run the main container's image at its tag (a migration step,
        // a worker) follow the release: they must not run another version than the app.
        for c in &mut s.containers {
            if c.image == service.image && c.tag == service.tag {
                c.tag = t.clone();
            }
        }
        s.tag = t.clone();
    }
    if let Some(strategy) = o.strategy {
        s.delivery.strategy = strategy;
    }
    if let (Some(host), Some(route)) = (&o.ingress_host, &mut s.exposure.ingress) {
        route.host = host.clone();
    }
    for claim in &mut s.storage {
        if let Some(size) = o.storage.get(&claim.name) {
            claim.size = size.clone();
        }
        if let Some(class) = o.storage_class.get(&claim.name) {
            claim.storage_class = Some(class.clone());
        }
    }
    // (Every variable of the name: of one given twice, Kubernetes takes the last.)
    let vars = &mut s.config.env;
    for (name, here) in &o.env {
        let named = |v: &EnvVar| v.name == *name;
        let Some(value) = here.value() else {
            vars.retain(|v| !named(v));
            continue;
        };
        match value {
            value if vars.iter().any(named) => {
                for v in vars.iter_mut().filter(|v| named(v)) {
                    v.value = value.clone();
                }
            }
            // (One the import kept, read by `fieldRef`, is the import's.)
            _ if service.keeps_variable(name) => {}
            // Kubernetes expands `$(NAME)` only from variables before it: one only this
            // environment sets goes before the first that reads it, else last.
            value => {
                let reads = |text: &str| crate::expansion::references(text).any(|r| r == name);
                let reader = vars
                    .iter()
                    .position(|v| matches!(&v.value, EnvValue::Literal(text) if reads(text)));
                let var = EnvVar {
                    name: name.clone(),
                    value,
                };
                match reader {
                    Some(at) => vars.insert(at, var),
                    None => vars.push(var),
                }
            }
        }
    }
    s
}

/// What one environment changes about one service. `None` keeps the base value.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Override {
    /// Deploy the service here or not.
    pub enabled: Option<bool>,
    /// Replica count (when no HPA manages the workload).
    pub replicas: Option<u32>,
    /// HPA minimum replicas.
    pub hpa_min: Option<u32>,
    /// HPA maximum replicas.
    pub hpa_max: Option<u32>,
    /// `Some(false)`: no HPA here, though the service has one (dev runs one pod, prod
    /// scales); the replicas stand, this environment's or else the service's. `None`
    /// and `Some(true)` keep the service's HPA.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hpa: Option<bool>,
    /// `Some(false)`: no PodDisruptionBudget here, though the service has one (dev and
    /// staging run without, prod keeps its pods up). `None` and `Some(true)` keep the
    /// service's budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdb: Option<bool>,
    /// The disruption budget here in place of the service's (staging lets one pod go,
    /// prod keeps two up), where the service has one and this environment keeps it.
    /// (Written as `null` when unset, as the other values are: a path to it then names
    /// a field, which an absent member of an enum's type would not.)
    pub pdb_budget: Option<Pdb>,
    /// `Some(false)`: no Ingress here, though the service has one (dev reaches it by a
    /// port-forward, staging and prod by a host). `None` and `Some(true)` keep the
    /// service's Ingress.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress: Option<bool>,
    /// Resource requests and limits, replacing the base ones field by field.
    pub resources: Option<Resources>,
    /// Image tag.
    pub image_tag: Option<String>,
    /// How updates roll out here (say, a canary in production only); the service's
    /// canary steps and analysis apply.
    pub strategy: Option<UpdateStrategy>,
    /// The host name of the service's Ingress here (`dev.shop.example.com`), when it has
    /// one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ingress_host: Option<String>,
    /// The size a volume claim asks for here, by the claim's name (`data: 50Gi` in
    /// production, the service's `10Gi` elsewhere).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub storage: BTreeMap<String, String>,
    /// The StorageClass a volume claim uses here, by the claim's name (`premium-ssd` in
    /// production, the service's class elsewhere). It names a class: an environment
    /// cannot take the service's class away for the cluster's default.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub storage_class: BTreeMap<String, String>,
    /// The main container's variables here, by name: a value of its own (`LOG_LEVEL:
    /// info` in prod, the service's `debug` elsewhere; a variable only this environment
    /// sets), or not set here at all (dev's `DEBUG`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, VarHere>,
}

/// What an environment does with one variable of a service's main container.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VarHere {
    /// This value, written literally, in place of the service's (or beside its
    /// variables, where it has none of that name).
    Value(String),
    /// A key of a ConfigMap or a Secret, in place of the service's value (prod reads
    /// `DATABASE_URL` from a Secret where dev writes it): an [`EnvValue`] other than a
    /// literal (a literal is [`VarHere::Value`]; [`VarHere::read`] keeps it so).
    Read(EnvValue),
    /// Not set here, though the service sets it.
    Unset,
}

impl VarHere {
    /// `value` here: a literal as [`VarHere::Value`], a key as [`VarHere::Read`].
    pub fn read(value: EnvValue) -> Self {
        match value {
            EnvValue::Literal(v) => VarHere::Value(v),
            key => VarHere::Read(key),
        }
    }

    /// Whether it reads a key of ConfigMap (or, with `secret`, Secret) `name`.
    pub fn reads(&self, secret: bool, name: &str) -> bool {
        match self {
            VarHere::Read(EnvValue::SecretKey { name: n, .. }) => secret && n == name,
            VarHere::Read(EnvValue::ConfigMapKey { name: n, .. }) => !secret && n == name,
            _ => false,
        }
    }

    /// Where the variable's value comes from here; `None` where it is not set here.
    pub fn value(&self) -> Option<EnvValue> {
        match self {
            VarHere::Value(v) => Some(EnvValue::Literal(v.clone())),
            VarHere::Read(from) => Some(from.clone()),
            VarHere::Unset => None,
        }
    }
}

/// Written as the value itself, a key as its [`EnvValue`] (`{"secret_key": {"name":
/// …, "key": …}}`), and `false` for [`VarHere::Unset`].
impl Serialize for VarHere {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            VarHere::Value(v) => s.serialize_str(v),
            VarHere::Read(from) => from.serialize(s),
            VarHere::Unset => s.serialize_bool(false),
        }
    }
}

impl<'de> Deserialize<'de> for VarHere {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            S(String),
            B(bool),
            From(EnvValue),
        }
        match Raw::deserialize(d) {
            Ok(Raw::S(v)) => Ok(VarHere::Value(v)),
            Ok(Raw::B(false)) => Ok(VarHere::Unset),
            Ok(Raw::From(from)) => Ok(VarHere::read(from)),
            _ => Err(serde::de::Error::custom(
                "a variable here is a text value, a key of a ConfigMap or Secret \
                 (`{\"secret_key\": {\"name\": …, \"key\": …}}`), or `false` for not set here",
            )),
        }
    }
}

impl Override {
    /// Whether it leaves the service as it is: nothing set, or only switches that keep
    /// what the service has (`hpa: true`, `pdb: true`, `ingress: true`, as a
    /// hand-written file may say).
    pub fn changes_nothing(&self) -> bool {
        let off = |switch: Option<bool>| switch.filter(|on| !on);
        Override {
            hpa: off(self.hpa),
            pdb: off(self.pdb),
            ingress: off(self.ingress),
            ..self.clone()
        } == Override::default()
    }
}

/// The controller that runs a service's pods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WorkloadKind {
    /// A stateless, interchangeable set of pods.
    #[default]
    Deployment,
    /// Pods with stable identity and their own volumes.
    StatefulSet,
    /// One pod per (matching) node: log shippers, node agents, collectors.
    DaemonSet,
    /// Pods that run to completion once (a migration, a one-off task); see
    /// [`Service::job`].
    Job,
    /// A Job created on a schedule (backups, restore tests); see [`Service::cron`] and
    /// [`Service::job`].
    CronJob,
}

impl WorkloadKind {
    /// The Kubernetes kind it is rendered as.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }

    /// Whether its pods run to completion (Job, CronJob) rather than serve until
    /// replaced: no Service, probes that gate traffic, HPA or PDB apply to it.
    pub fn runs_to_completion(self) -> bool {
        matches!(self, WorkloadKind::Job | WorkloadKind::CronJob)
    }

    /// Whether it has a replica count (Deployment, StatefulSet), which an HPA may
    /// manage.
    pub fn has_replicas(self) -> bool {
        matches!(self, WorkloadKind::Deployment | WorkloadKind::StatefulSet)
    }
}

/// The pod restart policy of a Job's pods (a Job's pods may not use `Always`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum JobRestart {
    /// The kubelet restarts a failed container in place.
    #[default]
    OnFailure,
    /// A failed pod stays failed and the Job creates a new one (each counts against
    /// `backoffLimit`).
    Never,
}

/// How one run of a Job is bounded and cleaned up. Read when the workload is a Job or a
/// CronJob (the CronJob's job template).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobSettings {
    /// Successful pods needed (`completions`); `None` is Kubernetes' default, 1.
    pub completions: Option<u32>,
    /// Pods run at once (`parallelism`); `None` is Kubernetes' default, 1.
    pub parallelism: Option<u32>,
    /// Retries before the Job is marked failed (`backoffLimit`); `None` is Kubernetes'
    /// default, 6.
    pub backoff_limit: Option<u32>,
    /// The Job fails after this long, retries included (`activeDeadlineSeconds`).
    pub active_deadline_seconds: Option<u32>,
    /// A finished Job is deleted after this long (`ttlSecondsAfterFinished`); `None`
    /// keeps it until someone deletes it.
    pub ttl_seconds_after_finished: Option<u32>,
    /// The pods' restart policy.
    pub restart_policy: JobRestart,
    /// How long one run is expected to take, in seconds: design knowledge the rules
    /// compare with the deadline and the schedule. Not written to any object.
    pub expected_run_seconds: u32,
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            completions: None,
            parallelism: None,
            backoff_limit: None,
            active_deadline_seconds: None,
            ttl_seconds_after_finished: None,
            restart_policy: JobRestart::OnFailure,
            expected_run_seconds: 60,
        }
    }
}

/// What a CronJob does when a run is due while the previous one still runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ConcurrencyPolicy {
    /// Runs may overlap (Kubernetes' default).
    #[default]
    Allow,
    /// The new run is skipped.
    Forbid,
    /// The running Job is replaced by the new one.
    Replace,
}

impl ConcurrencyPolicy {
    /// The policy as Kubernetes spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ConcurrencyPolicy::Allow => "Allow",
            ConcurrencyPolicy::Forbid => "Forbid",
            ConcurrencyPolicy::Replace => "Replace",
        }
    }
}

/// When a CronJob runs. Read when the workload is a CronJob.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CronSettings {
    /// The schedule in cron syntax (`0 3 * * *`, `@daily`).
    pub schedule: String,
    /// IANA time zone of the schedule (`Europe/London`); `None` is the controller's.
    pub time_zone: Option<String>,
    /// Overlapping runs: allowed, skipped or replaced.
    pub concurrency_policy: ConcurrencyPolicy,
    /// A run that could not start within this many seconds of its time is skipped
    /// (`startingDeadlineSeconds`).
    pub starting_deadline_seconds: Option<u32>,
    /// No new runs are started.
    pub suspend: bool,
    /// Finished successful Jobs kept (`successfulJobsHistoryLimit`); `None` is 3.
    pub successful_jobs_history_limit: Option<u32>,
    /// Finished failed Jobs kept (`failedJobsHistoryLimit`); `None` is 1.
    pub failed_jobs_history_limit: Option<u32>,
}

impl Default for CronSettings {
    fn default() -> Self {
        CronSettings {
            schedule: "0 3 * * *".into(),
            time_zone: None,
            concurrency_policy: ConcurrencyPolicy::Allow,
            starting_deadline_seconds: None,
            suspend: false,
            successful_jobs_history_limit: None,
            failed_jobs_history_limit: None,
        }
    }
}

/// What a container beside the main one is for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContainerRole {
    /// Runs to completion, in order, before the main containers start (migrations,
    /// waiting for a dependency, fetching config).
    Init,
    /// A native sidecar (an init container with `restartPolicy: Always`, Kubernetes
    /// 1.29+): starts before the main containers, runs beside them, and stops after them.
    #[default]
    Sidecar,
    /// Another regular container of the pod, started and stopped with the main one.
    Regular,
}

impl ContainerRole {
    /// Whether it is written under `initContainers` (init containers and native
    /// sidecars).
    pub fn is_init(self) -> bool {
        matches!(self, ContainerRole::Init | ContainerRole::Sidecar)
    }
}

/// A container's own securityContext.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerSecurity {
    /// runAsNonRoot; `None` follows the pod.
    pub run_as_non_root: Option<bool>,
    /// runAsUser; `None` follows the pod.
    pub run_as_user: Option<i64>,
    /// readOnlyRootFilesystem.
    pub read_only_root_fs: bool,
    /// allowPrivilegeEscalation: false when true.
    pub no_privilege_escalation: bool,
    /// capabilities.drop: [ALL].
    pub drop_all_capabilities: bool,
}

impl Default for ContainerSecurity {
    fn default() -> Self {
        ContainerSecurity::hardened()
    }
}

impl ContainerSecurity {
    /// What a new container starts with: read-only, no escalation, no capabilities.
    pub fn hardened() -> Self {
        ContainerSecurity {
            run_as_non_root: None,
            run_as_user: None,
            read_only_root_fs: true,
            no_privilege_escalation: true,
            drop_all_capabilities: true,
        }
    }

    /// No settings: what a manifest without a container securityContext means.
    pub fn unset() -> Self {
        ContainerSecurity {
            run_as_non_root: None,
            run_as_user: None,
            read_only_root_fs: false,
            no_privilege_escalation: false,
            drop_all_capabilities: false,
        }
    }
}

/// A container of the pod beside the main one (which is the [`Service`]'s own fields):
/// an init container, a native sidecar, or another regular container.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Container {
    /// Container name, unique in the pod.
    pub name: String,
    /// Init container, native sidecar or regular container.
    pub role: ContainerRole,
    /// Image repository without tag.
    pub image: String,
    /// Image tag; empty means none.
    pub tag: String,
    /// Image digest (`sha256:...`).
    pub digest: Option<String>,
    /// Command (entrypoint override).
    pub command: Vec<String>,
    /// Arguments.
    pub args: Vec<String>,
    /// Ports it listens on.
    pub ports: Vec<ContainerPort>,
    /// Its probes (init containers that run to completion take none).
    pub probes: Probes,
    /// Its requests and limits.
    pub resources: Resources,
    /// Its securityContext.
    pub security: ContainerSecurity,
    /// Its environment variables.
    pub config: Config,
    /// Volumes it mounts.
    pub mounts: Vec<Mount>,
    /// How long it takes to stop after SIGTERM, in seconds: a sidecar's own drain,
    /// which starts only after the main containers have stopped. Design knowledge, not
    /// written to any object.
    pub shutdown_seconds: u32,
    /// The main container needs it from start-up (a proxy, a secrets agent): a sidecar
    /// then needs a startup probe, which holds back the containers after it until it
    /// succeeds (a readiness probe does not).
    pub needed_at_start: bool,
}

impl Default for Container {
    fn default() -> Self {
        Container {
            name: "sidecar".into(),
            role: ContainerRole::Sidecar,
            image: String::new(),
            tag: String::new(),
            digest: None,
            command: Vec::new(),
            args: Vec::new(),
            ports: Vec::new(),
            probes: Probes::default(),
            resources: Resources::default(),
            security: ContainerSecurity::default(),
            config: Config::default(),
            mounts: Vec::new(),
            shutdown_seconds: 0,
            needed_at_start: false,
        }
    }
}

impl Container {
    /// The image reference it runs: `image[:tag][@digest]`.
    pub fn image_ref(&self) -> String {
        image_ref(&self.image, &self.tag, self.digest.as_deref())
    }
}

/// `image[:tag][@digest]`.
fn image_ref(image: &str, tag: &str, digest: Option<&str>) -> String {
    crate::image::join(image, tag, digest)
}

/// A volume of the pod, mounted by its containers through [`Mount`]s. (Per-pod
/// persistent volumes of a StatefulSet are [`Service::storage`].)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Volume {
    /// Volume name, unique in the pod.
    pub name: String,
    /// Where its files come from.
    pub source: VolumeSource,
}

impl Default for Volume {
    fn default() -> Self {
        Volume {
            name: "scratch".into(),
            source: VolumeSource::default(),
        }
    }
}

/// Where a volume's files come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VolumeSource {
    /// An empty directory that lives as long as the pod (scratch space, `/tmp` under a
    /// read-only root filesystem, files shared between containers).
    EmptyDir {
        /// Backed by memory (tmpfs) rather than the node's disk.
        #[serde(default)]
        memory: bool,
        /// sizeLimit, e.g. `1Gi`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        size_limit: Option<String>,
    },
    /// The keys of a design ConfigMap as files.
    ConfigMap {
        /// ConfigMap name.
        name: String,
    },
    /// The keys of a design Secret as files.
    Secret {
        /// Secret name.
        name: String,
    },
    /// An existing PersistentVolumeClaim, by name.
    Claim {
        /// claimName.
        claim: String,
        /// Mounted read-only.
        #[serde(default)]
        read_only: bool,
    },
}

impl Default for VolumeSource {
    fn default() -> Self {
        VolumeSource::EmptyDir {
            memory: false,
            size_limit: None,
        }
    }
}

/// A volume mounted into a container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Mount {
    /// The volume's name: one of [`Service::volumes`] or [`Service::storage`].
    pub volume: String,
    /// Where it appears in the container.
    pub path: String,
    /// Mounted read-only.
    pub read_only: bool,
    /// Only this path inside the volume (`subPath`); empty mounts the whole volume.
    pub sub_path: String,
}

/// One workload and everything around it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Service {
    /// Stable id.
    pub id: ServiceId,
    /// Object name of the workload and its Service.
    pub name: String,
    /// Deployment or StatefulSet.
    pub kind: WorkloadKind,
    /// `app.kubernetes.io/component` (frontend, backend, database, ...).
    pub component: String,
    /// Critical services must have a PDB and an HPA in production.
    pub critical: bool,
    /// Container name; empty means the service name.
    pub container_name: String,
    /// Image repository without tag, e.g. `ghcr.io/acme/api`.
    pub image: String,
    /// Image tag; empty means none (which the rules flag unless a digest pins the image).
    pub tag: String,
    /// Image digest (`sha256:...`) that pins the image whatever the tag says; written
    /// after the tag as `repo:tag@digest`.
    pub digest: Option<String>,
    /// Container command (entrypoint override).
    pub command: Vec<String>,
    /// Container arguments.
    pub args: Vec<String>,
    /// Ports the container listens on.
    pub ports: Vec<ContainerPort>,
    /// How the service is reached.
    pub exposure: Exposure,
    /// Startup, liveness and readiness probes.
    pub probes: Probes,
    /// Graceful-shutdown and start-up timing.
    pub timing: Timing,
    /// CPU and memory requests and limits.
    pub resources: Resources,
    /// Replicas, autoscaling, disruption budget, rollout and spreading.
    pub scaling: Scaling,
    /// Environment variables.
    pub config: Config,
    /// Persistent volumes (StatefulSet volumeClaimTemplates).
    pub storage: Vec<VolumeClaim>,
    /// Other volumes of the pod (emptyDir, ConfigMap, Secret, existing claims).
    pub volumes: Vec<Volume>,
    /// The main container's mounts of [`Service::volumes`] (a claim of
    /// [`Service::storage`] is mounted at its own `mount_path`).
    pub mounts: Vec<Mount>,
    /// Containers beside the main one: init containers, native sidecars, regular
    /// containers, each in pod order.
    pub containers: Vec<Container>,
    /// How a Job or CronJob run is bounded (read for those kinds only).
    pub job: JobSettings,
    /// A CronJob's schedule (read for that kind only).
    pub cron: CronSettings,
    /// Pod and container security settings.
    pub security: Security,
    /// Prometheus scrape endpoint.
    pub metrics: Option<Metrics>,
    /// How a new version replaces the old pods: a rolling update or a canary.
    pub delivery: Delivery,
    /// Port ranges the service hands out at run time.
    pub port_pools: Vec<PortPool>,
    /// Where the pods connect outside the cluster (a payment API, a managed database),
    /// which an environment's default-deny lets through only when listed here: the
    /// allow policy gets one egress rule per entry.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub egress: Vec<ExternalEgress>,
    /// Where the node sits on the canvas.
    pub position: Option<Position>,
    /// What imported manifests had that the model does not cover, per object this
    /// service renders (see [`ResidualRole`]), replayed onto the rendering so that import
    /// then export loses nothing, while every modelled field stays the design's (see
    /// [`Residual`]).
    pub residual: BTreeMap<ResidualRole, Residual>,
    /// The labels that select this service's pods (workload selector, Service selector,
    /// PDB, NetworkPolicies, spread); empty means Kubeprint's own
    /// `app.kubernetes.io/name: <name>`. An import keeps the input's, because a
    /// workload's selector cannot change once it exists, and so that objects the design
    /// adds later (a PDB, a policy) select the pods the input's labels select.
    pub selector: BTreeMap<String, String>,
    /// How a local run (the compose export) runs it, where Kubernetes has no field.
    #[serde(skip_serializing_if = "LocalRun::is_default")]
    pub local: LocalRun,
}

impl Default for Service {
    fn default() -> Self {
        Service {
            id: ServiceId(0),
            name: "service".into(),
            kind: WorkloadKind::Deployment,
            component: "service".into(),
            critical: false,
            container_name: String::new(),
            image: format!("{}/service", crate::domain::PLACEHOLDER_REGISTRY),
            tag: "1.0.0".into(),
            digest: None,
            command: Vec::new(),
            args: Vec::new(),
            ports: Vec::new(),
            exposure: Exposure::default(),
            probes: Probes::default(),
            timing: Timing::default(),
            resources: Resources::default(),
            scaling: Scaling::default(),
            config: Config::default(),
            storage: Vec::new(),
            volumes: Vec::new(),
            mounts: Vec::new(),
            containers: Vec::new(),
            job: JobSettings::default(),
            cron: CronSettings::default(),
            security: Security::default(),
            metrics: None,
            delivery: Delivery::default(),
            port_pools: Vec::new(),
            egress: Vec::new(),
            position: None,
            residual: BTreeMap::new(),
            selector: BTreeMap::new(),
            local: LocalRun::default(),
        }
    }
}

impl Service {
    /// Its pods read ConfigMap (or, with `secret`, Secret) `to` wherever they read
    /// `from`: the variables of every container (whole or key by key) and the volumes.
    pub fn rename_reads(&mut self, secret: bool, from: &str, to: &str) {
        let rename = |name: &mut String| {
            if name == from {
                *name = to.to_string();
            }
        };
        let configs = std::iter::once(&mut self.config)
            .chain(self.containers.iter_mut().map(|c| &mut c.config));
        for config in configs {
            for f in &mut config.env_from {
                match f {
                    EnvFrom::ConfigMap(n) if !secret => rename(n),
                    EnvFrom::Secret(n) if secret => rename(n),
                    _ => {}
                }
            }
            for v in &mut config.env {
                v.value.rename_read(secret, from, to);
            }
        }
        for v in &mut self.volumes {
            match &mut v.source {
                VolumeSource::ConfigMap { name } if !secret => rename(name),
                VolumeSource::Secret { name, .. } if secret => rename(name),
                _ => {}
            }
        }
    }

    /// Its pods read key `to` of ConfigMap (or, with `secret`, Secret) `object` wherever
    /// they read key `from`: a variable by key, and a file of the object's volume
    /// mounted alone (`subPath`).
    pub fn rename_key(&mut self, secret: bool, object: &str, from: &str, to: &str) {
        let volumes = self.volumes_of(secret, object);
        // A volume that lists `items` has the key renamed there; a `subPath` into it
        // names an item's path, not the key, and stays.
        let listed: Vec<String> = (volumes.iter())
            .filter(|v| self.volume_item_keys(v).is_some())
            .cloned()
            .collect();
        let mut kept = std::mem::take(&mut self.residual);
        for residual in kept.values_mut() {
            self.rename_listed_key(residual, secret, object, from, to);
        }
        self.residual = kept;
        let configs = std::iter::once((&mut self.config, &mut self.mounts))
            .chain((self.containers.iter_mut()).map(|c| (&mut c.config, &mut c.mounts)));
        for (config, mounts) in configs {
            for v in &mut config.env {
                v.value.rename_key(secret, object, from, to);
            }
            for m in mounts.iter_mut() {
                if volumes.contains(&m.volume) && !listed.contains(&m.volume) && m.sub_path == from
                {
                    m.sub_path = to.to_string();
                }
            }
        }
    }

    /// The names of its volumes of ConfigMap (or, with `secret`, Secret) `object`.
    fn volumes_of(&self, secret: bool, object: &str) -> Vec<String> {
        (self.volumes.iter())
            .filter(|v| match &v.source {
                VolumeSource::ConfigMap { name } => !secret && name == object,
                VolumeSource::Secret { name, .. } => secret && name == object,
                _ => false,
            })
            .map(|v| v.name.clone())
            .collect()
    }

    /// In what an import kept of its objects (`residual`: the design's, or an
    /// environment's own), key `from` of ConfigMap (or, with `secret`, Secret) `object`
    /// renamed `to` where one of its volumes of that object lists it under `items`.
    pub fn rename_listed_key(
        &self,
        residual: &mut Residual,
        secret: bool,
        object: &str,
        from: &str,
        to: &str,
    ) {
        let volumes = self.volumes_of(secret, object);
        for change in &mut residual.0 {
            let at = volumes.iter().find_map(|v| under_volume(&change.at, v));
            if let (Some(is_items), Some(now)) = (at, &mut change.now) {
                rename_item_keys(now, is_items, from, to);
            }
        }
    }

    /// The keys volume `volume` lists under `items` (kept from an import in the pod's
    /// residual): such a volume holds those keys only, each at a path of its own. `None`
    /// when it lists none, and holds every key at its own name.
    pub fn volume_item_keys(&self, volume: &str) -> Option<Vec<String>> {
        self.volume_item_keys_in(volume, self.residual.values())
    }

    /// [`Service::volume_item_keys`] as environment `env` renders the volume, with what
    /// its input had of its own.
    pub fn volume_item_keys_here(&self, volume: &str, env: &Environment) -> Option<Vec<String>> {
        self.volume_item_keys_in(volume, self.residuals_here(env))
    }

    fn volume_item_keys_in<'r>(
        &self,
        volume: &str,
        residuals: impl Iterator<Item = &'r Residual>,
    ) -> Option<Vec<String>> {
        let mut keys = None;
        for residual in residuals {
            for change in &residual.0 {
                if let (Some(is_items), Some(now)) = (under_volume(&change.at, volume), &change.now)
                {
                    item_keys(now, is_items, keys.get_or_insert_with(Vec::new));
                }
            }
        }
        keys.filter(|k: &Vec<String>| !k.is_empty())
    }

    /// Whether it renders as an Argo Rollouts `Rollout` (a Deployment whose updates go
    /// through canary steps) rather than as its kind.
    pub fn is_canary(&self) -> bool {
        self.kind == WorkloadKind::Deployment && self.delivery.is_canary()
    }

    /// The name of its own Service, the host its callers dial: the service's, or the one
    /// its import kept (a Service `catalog` in front of the workload `catalog-v1`, which
    /// a rename of the service keeps).
    pub fn service_name(&self) -> &str {
        self.kept_name(ResidualRole::Service, &["metadata", "name"])
    }

    /// The Service that names its pods (a StatefulSet's `serviceName`,
    /// `<pod>.<service>`): its own Service, or the one its import kept (a headless
    /// Service beside a read Service it owns).
    pub fn governing_service(&self) -> &str {
        self.kept_name(ResidualRole::Workload, &["spec", "serviceName"])
    }

    /// The name an import kept at `at` of its object in `role`, which the design
    /// renders as its own name: else its own name. Kept while the design still renders
    /// there what it rendered at import (a rename rebases that); once the design renders
    /// another name (the service was named like its Service, then renamed), the
    /// design's name stands, as the residual's merge gives it.
    fn kept_name(&self, role: ResidualRole, at: &[&str]) -> &str {
        let own = crate::naming::own(&self.name);
        (self.residual.get(&role).into_iter())
            .flat_map(|r| &r.0)
            .find(|c| c.at.is(at))
            .filter(|c| c.was.as_ref().and_then(|w| w.as_str()) == Some(own))
            .and_then(|c| c.now.as_ref()?.as_str())
            .unwrap_or(own)
    }

    /// The container's name.
    pub fn container(&self) -> &str {
        if self.container_name.is_empty() {
            &self.name
        } else {
            &self.container_name
        }
    }

    /// The image reference the container runs: `image[:tag][@digest]`.
    pub fn image_ref(&self) -> String {
        image_ref(&self.image, &self.tag, self.digest.as_deref())
    }

    /// The container port a probe, Service or edge reference resolves to.
    pub fn resolve_port(&self, port: &PortRef) -> Option<&ContainerPort> {
        match port {
            PortRef::Number(n) => self.ports.iter().find(|p| p.port == *n),
            PortRef::Name(name) => self.ports.iter().find(|p| p.name == *name),
        }
    }

    /// The port callers dial for Service port `sp`: a ClusterIP Service's own (its
    /// virtual IP forwards it); a headless one's target (its name resolves to the pods),
    /// which Kubernetes takes as written when it is a number, declared or not, and
    /// finds among every container's ports when it is a name. The Service's port where
    /// neither says.
    pub fn dialed_port(&self, sp: &ServicePort) -> u16 {
        if self.exposure.service != ServiceKind::Headless {
            return sp.port;
        }
        match &sp.target {
            PortRef::Number(n) if *n != 0 => *n,
            PortRef::Number(_) => sp.port,
            PortRef::Name(name) => (self.ports.iter())
                .chain(self.containers.iter().flat_map(|c| &c.ports))
                .find(|p| p.name == *name)
                .map_or(sp.port, |p| p.port),
        }
    }

    /// The ports its Service offers callers: none where it creates no Service.
    pub fn callable_ports(&self) -> &[ServicePort] {
        match self.exposure.service {
            ServiceKind::None => &[],
            _ => &self.exposure.ports,
        }
    }

    /// The Service port with this name, or the only one when `name` is empty. A
    /// reference written as a number (an Ingress backend's `port.number`, kept as its
    /// digits) is the port with that number, unless a port is named so.
    pub fn service_port(&self, name: &str) -> Option<&ServicePort> {
        let ports = &self.exposure.ports;
        if name.is_empty() && ports.len() == 1 {
            return ports.first();
        }
        ports.iter().find(|p| p.name == name).or_else(|| {
            let n: u16 = name.parse().ok()?;
            ports.iter().find(|p| p.port == n)
        })
    }
}

/// An image reference split as [`Service`] holds it: repository, tag (empty if none) and
/// digest (`sha256:...`, if pinned). `ghcr.io:443/acme/api:1.2@sha256:ab` gives
/// (`ghcr.io:443/acme/api`, `1.2`, `sha256:ab`); a port in the registry host is not a tag.
/// Never fails (see [`crate::image::split`]); [`crate::image::Reference::parse`] says
/// whether the reference is valid.
pub fn split_image(reference: &str) -> (&str, &str, Option<&str>) {
    crate::image::split(reference)
}

/// The object of a service that a residual patch belongs to (the key of
/// [`Service::residual`]). Serialized in snake_case (`load_balancer`, ...). The variants
/// are in the alphabetical order of those names, so a map keyed by role serializes its
/// keys in the same order as a map keyed by the names would.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResidualRole {
    /// The PrometheusRule (alerts).
    Alerts,
    /// The AnalysisTemplate of a canary.
    AnalysisTemplate,
    /// The `<name>-canary` Service of a canary routed through its Gateway API route.
    CanaryService,
    /// The HorizontalPodAutoscaler.
    Hpa,
    /// The Ingress.
    Ingress,
    /// The LoadBalancer Service (`<name>-external`).
    LoadBalancer,
    /// The ServiceMonitor or PodMonitor.
    Monitor,
    /// The PodDisruptionBudget.
    Pdb,
    /// The Gateway API route (HTTPRoute or GRPCRoute).
    Route,
    /// The ClusterIP or headless Service.
    Service,
    /// The dedicated ServiceAccount.
    ServiceAccount,
    /// The `<name>-stable` Service of a canary routed through its Gateway API route.
    StableService,
    /// The Deployment (or Rollout), StatefulSet, DaemonSet, Job or CronJob.
    Workload,
}

impl ResidualRole {
    /// The object it is, as the inspector names it.
    pub fn title(self) -> &'static str {
        match self {
            ResidualRole::Alerts => "PrometheusRule",
            ResidualRole::AnalysisTemplate => "AnalysisTemplate",
            ResidualRole::CanaryService => "canary Service",
            ResidualRole::Hpa => "HorizontalPodAutoscaler",
            ResidualRole::Ingress => "Ingress",
            ResidualRole::LoadBalancer => "load balancer Service",
            ResidualRole::Monitor => "monitor",
            ResidualRole::Pdb => "PodDisruptionBudget",
            ResidualRole::Route => "route",
            ResidualRole::Service => "Service",
            ResidualRole::ServiceAccount => "ServiceAccount",
            ResidualRole::StableService => "stable Service",
            ResidualRole::Workload => "workload",
        }
    }
}

/// A position on the canvas, in canvas units.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// Horizontal.
    pub x: i32,
    /// Vertical.
    pub y: i32,
}

/// A port by number or by name, as Kubernetes' IntOrString.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PortRef {
    /// A port number.
    Number(u16),
    /// A named container port.
    Name(String),
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortRef::Number(n) => write!(f, "{n}"),
            PortRef::Name(s) => f.write_str(s),
        }
    }
}

/// TCP, UDP or SCTP.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum Protocol {
    /// TCP (the Kubernetes default).
    #[default]
    TCP,
    /// UDP.
    UDP,
    /// SCTP.
    SCTP,
}

impl Protocol {
    /// The protocol as Kubernetes spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::TCP => "TCP",
            Protocol::UDP => "UDP",
            Protocol::SCTP => "SCTP",
        }
    }
}

/// A port the container listens on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContainerPort {
    /// IANA service name, referenced by probes and Services; may be empty.
    pub name: String,
    /// Port number.
    pub port: u16,
    /// Transport protocol.
    pub protocol: Protocol,
}

/// A port of the workload's Service.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServicePort {
    /// Port name (required by Kubernetes when there are several).
    pub name: String,
    /// The port clients connect to.
    pub port: u16,
    /// The container port traffic goes to.
    pub target: PortRef,
    /// Transport protocol.
    pub protocol: Protocol,
    /// Application protocol hint (`grpc`, `http`, `kubernetes.io/h2c`, ...).
    pub app_protocol: Option<String>,
}

impl Default for PortRef {
    fn default() -> Self {
        PortRef::Number(0)
    }
}

/// The kind of the workload's own Service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceKind {
    /// No Service at all.
    None,
    /// A ClusterIP Service (in-cluster traffic).
    #[default]
    ClusterIP,
    /// A headless Service (`clusterIP: None`), for StatefulSets.
    Headless,
}

/// How a service is reached: its Service, and optionally an Ingress or a LoadBalancer.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Exposure {
    /// The kind of the Service named like the workload.
    pub service: ServiceKind,
    /// Its ports.
    pub ports: Vec<ServicePort>,
    /// A public HTTP route through the cluster's ingress controller.
    pub ingress: Option<IngressRoute>,
    /// A separate `<name>-external` LoadBalancer Service.
    pub load_balancer: Option<LoadBalancer>,
    /// A Gateway API route through the environment's [`Gateway`]: an `HTTPRoute`, or a
    /// `GRPCRoute` when the port it routes to has appProtocol `grpc`.
    pub gateway_route: Option<GatewayRoute>,
}

/// How a local run of the design (the compose export) runs a service, where Kubernetes
/// has no field for it: kept from a compose file. No object is rendered from it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LocalRun {
    /// Which container ports are published on the host, and at which host port (a
    /// compose file's `ports`): `None` publishes the container port of each Service
    /// port, at its own number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published: Option<Vec<HostPort>>,
    /// The compose profiles it is started under (`docker compose --profile debug up`);
    /// none: always.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub profiles: Vec<String>,
}

impl LocalRun {
    /// Whether it says nothing (every service that was not imported from compose).
    pub fn is_default(&self) -> bool {
        *self == LocalRun::default()
    }
}

/// A container port a local run publishes on the host.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostPort {
    /// The container port, by name (or by number, for an unnamed one), of any container
    /// of the pod.
    pub port: PortRef,
    /// The host port; `None` for one the container engine picks (compose's `"5432"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<u16>,
}

/// A Gateway API route (HTTPRoute or GRPCRoute, named like the service) attached to the
/// environment's Gateway. Which of the two it is follows from the Service port it routes
/// to ([`crate::routes::kind`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GatewayRoute {
    /// Host names it answers (`hostnames`); none answers every host its listeners accept.
    pub hostnames: Vec<String>,
    /// Name of the service's own Service port it routes to (empty: the only one). It
    /// decides the kind of route, and is the backend of rules that name none.
    pub port: String,
    /// The Gateway listener it attaches to (`parentRefs[].sectionName`); empty attaches
    /// to every listener that admits it.
    pub listener: String,
    /// Its rules, in order; none sends everything to [`GatewayRoute::port`].
    pub rules: Vec<RouteRule>,
}

/// One rule of a route: which requests, where they go, how long they may take.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteRule {
    /// Any of these selects the rule; none matches every request.
    pub matches: Vec<RouteMatch>,
    /// Where matching requests go, split by weight; none sends them to the route's port
    /// of the service itself.
    pub backends: Vec<RouteBackend>,
    /// `timeouts.request` (HTTPRoute only): a Gateway API duration (`10s`, `1m`, `500ms`).
    pub request_timeout: Option<String>,
    /// `timeouts.backendRequest` (HTTPRoute only): one try to a backend; at most the
    /// request timeout.
    pub backend_request_timeout: Option<String>,
}

/// How a rule selects requests.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum RouteMatch {
    /// An HTTP path (HTTPRoute).
    Path {
        /// `PathPrefix` or `Exact`.
        #[serde(default)]
        kind: PathMatchKind,
        /// The path, e.g. `/api`.
        #[serde(default)]
        value: String,
    },
    /// A gRPC method (GRPCRoute): the fully qualified service and one of its methods;
    /// empty matches any.
    Method {
        /// e.g. `acme.orders.v1.OrderService`.
        #[serde(default)]
        service: String,
        /// e.g. `GetOrder`.
        #[serde(default)]
        method: String,
    },
}

/// How an HTTP path match compares.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PathMatchKind {
    /// The path and everything under it, by whole segments (`/api` matches `/api/x`,
    /// not `/apix`).
    #[default]
    PathPrefix,
    /// Exactly this path.
    Exact,
}

/// Where a rule sends (part of) its traffic: a Service port, with a weight.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RouteBackend {
    /// The Service's name; empty is the service's own Service. (A canary and stable pair
    /// of Services would be named here.)
    pub service: String,
    /// Its port by name, or by number written as digits; empty is the only one.
    pub port: String,
    /// Its share of the rule's traffic (`weight`, Gateway API's default 1; 0 sends it
    /// nothing).
    pub weight: u32,
}

impl Default for RouteBackend {
    fn default() -> Self {
        RouteBackend {
            service: String::new(),
            port: String::new(),
            weight: 1,
        }
    }
}

/// An environment's Gateway (Gateway API): listeners that routes attach to, implemented
/// by the cluster's gateway controller (Envoy Gateway, Istio, Cilium, ...).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Gateway {
    /// Object name.
    pub name: String,
    /// Its namespace; `None` is the environment's.
    pub namespace: Option<String>,
    /// `gatewayClassName` (`eg` is Envoy Gateway's quickstart class).
    pub class: String,
    /// Its listeners.
    pub listeners: Vec<GatewayListener>,
    /// The namespaces whose routes every listener admits (`allowedRoutes.namespaces`).
    pub admit: AdmitRoutes,
    /// Whether the bundle creates it; off when the Gateway exists already (a platform
    /// team's, or one kept whole from an import), and the design only describes it.
    pub create: bool,
    /// Annotate it for cert-manager (`cert-manager.io/cluster-issuer`: the cluster's
    /// issuer), which then issues each HTTPS listener's certificate into its Secret.
    pub cert_manager: bool,
    /// The namespace its proxies (the data plane) run in, which NetworkPolicies let in;
    /// `None` is the Gateway's own namespace (Istio, and Envoy Gateway's
    /// GatewayNamespace mode). Envoy Gateway runs them in `envoy-gateway-system` by
    /// default.
    pub proxy_namespace: Option<String>,
    /// What an imported Gateway had beyond the model (see [`Residual`]).
    pub residual: Option<Residual>,
}

impl Default for Gateway {
    fn default() -> Self {
        Gateway {
            name: "public".into(),
            namespace: None,
            class: "eg".into(),
            listeners: vec![GatewayListener::default()],
            admit: AdmitRoutes::Same,
            create: true,
            cert_manager: false,
            proxy_namespace: None,
            residual: None,
        }
    }
}

/// One listener of a [`Gateway`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GatewayListener {
    /// Its name (routes name it as `sectionName`).
    pub name: String,
    /// HTTP or HTTPS.
    pub protocol: ListenerProtocol,
    /// The port it listens on.
    pub port: u16,
    /// The host names it accepts (`api.example.com`, `*.example.com`); `None` accepts
    /// all.
    pub hostname: Option<String>,
    /// HTTPS: the Secret with its certificate (cert-manager writes it when the Gateway
    /// asks); empty is `<gateway>-<listener>-tls`.
    pub certificate_secret: String,
}

impl Default for GatewayListener {
    fn default() -> Self {
        GatewayListener {
            name: "http".into(),
            protocol: ListenerProtocol::HTTP,
            port: 80,
            hostname: None,
            certificate_secret: String::new(),
        }
    }
}

/// A Gateway listener's protocol.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
pub enum ListenerProtocol {
    /// Plain HTTP (and gRPC over cleartext HTTP/2).
    #[default]
    HTTP,
    /// HTTPS, TLS terminated at the Gateway.
    HTTPS,
}

impl ListenerProtocol {
    /// The protocol as Gateway API spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerProtocol::HTTP => "HTTP",
            ListenerProtocol::HTTPS => "HTTPS",
        }
    }
}

/// Which namespaces' routes a Gateway's listeners admit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AdmitRoutes {
    /// Only the Gateway's own namespace (`from: Same`, the API's default).
    #[default]
    Same,
    /// The environment's namespace, by its `kubernetes.io/metadata.name` label (`from:
    /// Selector`): for a Gateway in a namespace of its own.
    Environment,
    /// Every namespace (`from: All`).
    All,
}

/// A public route through an Ingress.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IngressRoute {
    /// Host name, e.g. `app.example.com`.
    pub host: String,
    /// Path prefix, e.g. `/` or `/api`.
    pub path: String,
    /// Name of the Service port the route goes to.
    pub port: String,
    /// Terminate TLS: with the certificate of [`IngressRoute::tls_secret`], or one
    /// cert-manager issues.
    pub tls: bool,
    /// The Secret that holds the certificate, when it exists already (a wildcard
    /// certificate, one managed outside the cluster): kept as it is when the service is
    /// renamed. `None` has cert-manager issue one into `<service>-tls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls_secret: Option<String>,
}

impl IngressRoute {
    /// The Secret TLS is terminated with, for the service `service`.
    pub fn secret_name(&self, service: &str) -> String {
        (self.tls_secret.clone()).unwrap_or_else(|| crate::naming::tls_secret(service))
    }

    /// Whether cert-manager issues the certificate (into [`IngressRoute::secret_name`]).
    pub fn issued(&self) -> bool {
        self.tls && self.tls_secret.is_none()
    }
}

/// A LoadBalancer Service in front of the workload.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LoadBalancer {
    /// Port names and numbers exposed by the load balancer.
    pub ports: Vec<ServicePort>,
    /// Cloud-provider annotations (e.g. an AWS NLB's).
    pub annotations: BTreeMap<String, String>,
}

/// The three probes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Probes {
    /// Holds off the others until the app has started.
    pub startup: Option<Probe>,
    /// Restarts the container when it fails.
    pub liveness: Option<Probe>,
    /// Removes the pod from Service endpoints when it fails.
    pub readiness: Option<Probe>,
}

/// One probe with its timings. Values equal to the Kubernetes defaults are not emitted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Probe {
    /// What the kubelet does.
    pub action: ProbeAction,
    /// Seconds before the first check.
    pub initial_delay_seconds: u32,
    /// Seconds between checks.
    pub period_seconds: u32,
    /// Seconds before one check times out.
    pub timeout_seconds: u32,
    /// Consecutive successes to count as passing.
    pub success_threshold: u32,
    /// Consecutive failures to count as failing.
    pub failure_threshold: u32,
}

impl Probe {
    /// Kubernetes' default timings.
    pub const DEFAULT_PERIOD: u32 = 10;
    /// Kubernetes' default timeout.
    pub const DEFAULT_TIMEOUT: u32 = 1;
    /// Kubernetes' default failure threshold.
    pub const DEFAULT_FAILURES: u32 = 3;

    /// A probe with Kubernetes' default timings.
    pub fn new(action: ProbeAction) -> Self {
        Probe {
            action,
            ..Probe::default()
        }
    }

    /// An HTTP GET probe on `path` and `port` with default timings.
    pub fn http(path: &str, port: PortRef) -> Self {
        Probe::new(ProbeAction::Http {
            path: path.into(),
            port,
        })
    }

    /// Builder: set initial delay, period and failure threshold.
    pub fn timed(mut self, initial_delay: u32, period: u32, failures: u32) -> Self {
        self.initial_delay_seconds = initial_delay;
        self.period_seconds = period;
        self.failure_threshold = failures;
        self
    }

    /// Builder: set the timeout.
    pub fn with_timeout(mut self, seconds: u32) -> Self {
        self.timeout_seconds = seconds;
        self
    }

    /// periodSeconds as the API server applies it (0 means the default).
    pub fn effective_period(&self) -> u32 {
        or_default(self.period_seconds, Probe::DEFAULT_PERIOD)
    }

    /// timeoutSeconds as applied (0 means the default).
    pub fn effective_timeout(&self) -> u32 {
        or_default(self.timeout_seconds, Probe::DEFAULT_TIMEOUT)
    }

    /// failureThreshold as applied (0 means the default).
    pub fn effective_failures(&self) -> u32 {
        or_default(self.failure_threshold, Probe::DEFAULT_FAILURES)
    }

    /// successThreshold as applied (0 means the default, 1).
    pub fn effective_successes(&self) -> u32 {
        or_default(self.success_threshold, 1)
    }

    /// Longest time from container start until this probe gives up:
    /// initialDelaySeconds + failureThreshold × periodSeconds.
    pub fn budget_seconds(&self) -> u64 {
        u64::from(self.initial_delay_seconds)
            + u64::from(self.effective_failures()) * u64::from(self.effective_period())
    }

    /// How long, once the container runs, this probe takes to give up on a pod that
    /// stopped answering: failureThreshold × periodSeconds (the initial delay is past).
    pub fn failing_seconds(&self) -> u64 {
        u64::from(self.effective_failures()) * u64::from(self.effective_period())
    }
}

fn or_default(v: u32, default: u32) -> u32 {
    if v == 0 {
        default
    } else {
        v
    }
}

impl Default for Probe {
    fn default() -> Self {
        Probe {
            action: ProbeAction::Tcp {
                port: PortRef::Number(8080),
            },
            initial_delay_seconds: 0,
            period_seconds: Probe::DEFAULT_PERIOD,
            timeout_seconds: Probe::DEFAULT_TIMEOUT,
            success_threshold: 1,
            failure_threshold: Probe::DEFAULT_FAILURES,
        }
    }
}

/// What a probe checks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ProbeAction {
    /// HTTP GET; 200-399 passes.
    Http {
        /// Request path.
        path: String,
        /// Container port.
        port: PortRef,
    },
    /// gRPC health checking protocol.
    Grpc {
        /// Port number (gRPC probes take numbers only).
        port: u16,
        /// Service name sent in the health check request.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        service: Option<String>,
    },
    /// A TCP connection opens.
    Tcp {
        /// Container port.
        port: PortRef,
    },
    /// A command exits 0.
    Exec {
        /// Command and arguments.
        command: Vec<String>,
    },
}

/// Start-up and graceful-shutdown timing of one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Timing {
    /// preStop sleep before SIGTERM, in seconds (S); 0 means no preStop sleep.
    pub pre_stop_seconds: u32,
    /// A preStop hook that is not a sleep (an imported `httpGet` or `exec`), written when
    /// `pre_stop_seconds` is 0. How long it takes is unknown to Kubeprint.
    pub pre_stop_hook: Option<PreStopHook>,
    /// The command the preStop sleep is written as, when the input wrote it as one
    /// (`sh -c "sleep 5"`, `sleep 5`) rather than as the native `sleep` action; its number
    /// follows `pre_stop_seconds`. None: the native action.
    pub pre_stop_sleep_command: Option<Vec<String>>,
    /// How long the app itself drains after SIGTERM (A).
    pub app_shutdown_seconds: u32,
    /// terminationGracePeriodSeconds (T).
    pub grace_period_seconds: u32,
    /// Worst-case time from container start to ready.
    pub startup_seconds: u32,
    /// Deployment minReadySeconds.
    pub min_ready_seconds: u32,
    /// Deployment progressDeadlineSeconds.
    pub progress_deadline_seconds: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Timing {
            pre_stop_seconds: 0,
            pre_stop_hook: None,
            pre_stop_sleep_command: None,
            app_shutdown_seconds: 0,
            grace_period_seconds: 30,
            startup_seconds: 0,
            min_ready_seconds: 0,
            progress_deadline_seconds: crate::domain::DEFAULT_PROGRESS_DEADLINE_SECONDS,
        }
    }
}

/// A preStop hook other than a sleep: it runs for as long as the request or command
/// takes, which the design cannot know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum PreStopHook {
    /// HTTP GET against the container.
    Http {
        /// Request path.
        path: String,
        /// Container port.
        port: PortRef,
    },
    /// A command run in the container.
    Exec {
        /// Command and arguments.
        command: Vec<String>,
    },
}

/// Where a preStop command that ends in a sleep (`sleep 5`, `sh -c "sleep 5"`, a script
/// ending in `sleep 5`) writes its seconds: the item, and the bytes of the number in it.
fn sleep_number(command: &[String]) -> Option<(usize, std::ops::Range<usize>)> {
    let i = command.len().checked_sub(1)?;
    let last = &command[i];
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let sleep = |t: &str| t == "sleep" || t.ends_with("/sleep");
    if i > 0 && sleep(&command[i - 1]) && digits(last) {
        return Some((i, 0..last.len()));
    }
    // `sleep` as a word of the script: at its start or after a separator.
    let word = last.rfind("sleep ")?;
    let before = last[..word].chars().next_back();
    if before.is_some_and(|c| !(c.is_whitespace() || ";&|(".contains(c))) {
        return None;
    }
    let after = word + "sleep ".len();
    let rest = last[after..].trim_end();
    let number = rest.trim_start().trim_matches('"');
    let start = after + last[after..].find(number)?;
    digits(number).then_some((i, start..start + number.len()))
}

/// Whether a preStop command does nothing but sleep (`sleep 5`, `sh -c "sleep 5"`), so
/// that the native sleep action does all it does.
pub fn only_sleeps(command: &[String]) -> bool {
    let Some((i, _)) = sleep_number(command) else {
        return false;
    };
    match command {
        [_, _] if i == 1 && !command[1].contains(' ') => true,
        [_, flag, script] => flag == "-c" && script.trim_start().starts_with("sleep "),
        _ => false,
    }
}

/// The seconds a preStop command sleeps, if all it does is end in a sleep of a whole
/// number of seconds (see [`Timing::pre_stop_sleep_command`]).
pub fn seconds_slept(command: &[String]) -> Option<u32> {
    let (i, at) = sleep_number(command)?;
    command[i][at].parse().ok()
}

/// `command` (one [`seconds_slept`] reads) sleeping `seconds` instead.
pub fn sleeping(command: &[String], seconds: u32) -> Vec<String> {
    let mut out = command.to_vec();
    if let Some((i, at)) = sleep_number(command) {
        out[i].replace_range(at, &seconds.to_string());
    }
    out
}

impl fmt::Display for PreStopHook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PreStopHook::Http { path, port } => write!(f, "httpGet {path} on port {port}"),
            PreStopHook::Exec { command } => write!(f, "exec `{}`", command.join(" ")),
        }
    }
}

/// CPU and memory requests and limits as Kubernetes quantities (`500m`, `1Gi`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Resources {
    /// CPU request.
    pub cpu_request: Option<String>,
    /// Memory request.
    pub memory_request: Option<String>,
    /// CPU limit.
    pub cpu_limit: Option<String>,
    /// Memory limit.
    pub memory_limit: Option<String>,
}

impl Resources {
    /// Requests and limits, as `(cpu request, memory request, cpu limit, memory limit)`.
    pub fn new(cpu_req: &str, mem_req: &str, cpu_lim: &str, mem_lim: &str) -> Self {
        let s = |v: &str| (!v.is_empty()).then(|| v.to_string());
        Resources {
            cpu_request: s(cpu_req),
            memory_request: s(mem_req),
            cpu_limit: s(cpu_lim),
            memory_limit: s(mem_lim),
        }
    }

    /// These resources with every field that `over` sets replaced.
    pub fn overlaid(&self, over: &Resources) -> Resources {
        let pick = |a: &Option<String>, b: &Option<String>| b.clone().or_else(|| a.clone());
        Resources {
            cpu_request: pick(&self.cpu_request, &over.cpu_request),
            memory_request: pick(&self.memory_request, &over.memory_request),
            cpu_limit: pick(&self.cpu_limit, &over.cpu_limit),
            memory_limit: pick(&self.memory_limit, &over.memory_limit),
        }
    }
}

/// A count or a percentage, as Kubernetes' IntOrString for maxSurge, minAvailable, ...
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Amount {
    /// A number of pods.
    Count(u32),
    /// A percentage of pods.
    Percent(u32),
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Amount::Count(n) => write!(f, "{n}"),
            Amount::Percent(p) => write!(f, "{p}%"),
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Amount::Count(n) => s.serialize_u32(*n),
            Amount::Percent(_) => s.collect_str(self),
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(u32),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(n) => Ok(Amount::Count(n)),
            Raw::S(s) => s.parse().map_err(serde::de::Error::custom),
        }
    }
}

impl std::str::FromStr for Amount {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not a count like `1` or a percentage like `25%`");
        match s.strip_suffix('%') {
            Some(p) => p.trim().parse().map(Amount::Percent).map_err(|_| bad()),
            None => s.parse().map(Amount::Count).map_err(|_| bad()),
        }
    }
}

/// Replicas, autoscaling, disruption budget, rollout and spreading.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scaling {
    /// Replica count when no HPA manages the workload.
    pub replicas: u32,
    /// Horizontal Pod Autoscaler (autoscaling/v2).
    pub hpa: Option<Hpa>,
    /// PodDisruptionBudget.
    pub pdb: Option<Pdb>,
    /// Rolling update surge (Deployment only).
    pub max_surge: Amount,
    /// Rolling update unavailability (Deployment only).
    pub max_unavailable: Amount,
    /// Keep this many old ReplicaSets; `None` keeps the Kubernetes default.
    pub revision_history_limit: Option<u32>,
    /// How pods are spread across nodes.
    pub spread: Spread,
    /// Write `spec.replicas` although an HPA scales the workload, as an imported
    /// manifest did (KP209 warns: every apply resets the scale). Without an HPA replicas
    /// are always written.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub replicas_with_hpa: bool,
}

impl Default for Scaling {
    fn default() -> Self {
        Scaling {
            replicas: 1,
            hpa: None,
            pdb: None,
            max_surge: Amount::Percent(crate::domain::DEFAULT_ROLLOUT_PERCENT),
            max_unavailable: Amount::Percent(crate::domain::DEFAULT_ROLLOUT_PERCENT),
            revision_history_limit: None,
            spread: Spread::None,
            replicas_with_hpa: false,
        }
    }
}

/// Horizontal Pod Autoscaler settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Hpa {
    /// minReplicas.
    pub min: u32,
    /// maxReplicas.
    pub max: u32,
    /// Target average CPU utilization in percent of requests.
    pub cpu_percent: Option<u32>,
    /// Target average memory utilization in percent of requests.
    pub memory_percent: Option<u32>,
    /// Scale-up rules; `None` keeps the Kubernetes defaults.
    pub scale_up: Option<ScaleRules>,
    /// Scale-down rules; `None` keeps the Kubernetes defaults.
    pub scale_down: Option<ScaleRules>,
}

impl Default for Hpa {
    fn default() -> Self {
        Hpa {
            min: 2,
            max: 5,
            cpu_percent: Some(70),
            memory_percent: None,
            scale_up: None,
            scale_down: None,
        }
    }
}

/// One direction of HPA behavior.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScaleRules {
    /// stabilizationWindowSeconds.
    pub stabilization_window_seconds: Option<u32>,
    /// Rate-limiting policies.
    pub policies: Vec<ScalePolicy>,
}

/// One HPA scaling policy: at most `value` pods or percent per `period_seconds`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScalePolicy {
    /// `Pods` or `Percent`.
    pub kind: ScalePolicyKind,
    /// How many pods, or what percentage.
    pub value: u32,
    /// Over what period.
    pub period_seconds: u32,
}

/// HPA policy unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ScalePolicyKind {
    /// A number of pods.
    Pods,
    /// A percentage of current pods.
    Percent,
}

/// A PodDisruptionBudget: exactly one of minAvailable or maxUnavailable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pdb {
    /// At least this many pods stay up during voluntary disruptions.
    MinAvailable(Amount),
    /// At most this many pods go down during voluntary disruptions.
    MaxUnavailable(Amount),
}

impl fmt::Display for Pdb {
    /// As Kubernetes writes it: `minAvailable 2`, `maxUnavailable 25%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pdb::MinAvailable(a) => write!(f, "minAvailable {a}"),
            Pdb::MaxUnavailable(a) => write!(f, "maxUnavailable {a}"),
        }
    }
}

/// How replicas are kept apart.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Spread {
    /// No constraint.
    #[default]
    None,
    /// topologySpreadConstraints on `topology_key`.
    TopologySpread {
        /// maxSkew.
        max_skew: u32,
        /// e.g. `kubernetes.io/hostname` or `topology.kubernetes.io/zone`.
        topology_key: String,
        /// `DoNotSchedule` when true, `ScheduleAnyway` otherwise.
        hard: bool,
    },
    /// podAntiAffinity against the service's own pods.
    AntiAffinity {
        /// e.g. `kubernetes.io/hostname`.
        topology_key: String,
        /// Required (hard) rather than preferred.
        required: bool,
    },
}

/// Environment variables of the container.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Single variables, in order. They win over `env_from` for the same name.
    pub env: Vec<EnvVar>,
    /// Whole ConfigMaps and Secrets imported as variables.
    pub env_from: Vec<EnvFrom>,
}

/// One environment variable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvVar {
    /// Variable name.
    pub name: String,
    /// Where its value comes from.
    pub value: EnvValue,
}

impl EnvVar {
    /// A literal variable.
    pub fn literal(name: &str, value: &str) -> Self {
        EnvVar {
            name: name.into(),
            value: EnvValue::Literal(value.into()),
        }
    }
}

/// The source of one environment variable's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvValue {
    /// A literal string.
    Literal(String),
    /// A key of a ConfigMap.
    ConfigMapKey {
        /// ConfigMap name.
        name: String,
        /// Key.
        key: String,
    },
    /// A key of a Secret.
    SecretKey {
        /// Secret name.
        name: String,
        /// Key.
        key: String,
    },
}

impl EnvValue {
    /// Its variant's name as written (`literal`, `config_map_key`, `secret_key`).
    pub fn tag(&self) -> &'static str {
        match self {
            EnvValue::Literal(_) => "literal",
            EnvValue::ConfigMapKey { .. } => "config_map_key",
            EnvValue::SecretKey { .. } => "secret_key",
        }
    }

    /// The key (of a ConfigMap, or with `secret` of a Secret) it reads: (object, key).
    fn read_mut(&mut self, secret: bool) -> Option<(&mut String, &mut String)> {
        match self {
            EnvValue::ConfigMapKey { name, key } if !secret => Some((name, key)),
            EnvValue::SecretKey { name, key } if secret => Some((name, key)),
            _ => None,
        }
    }

    /// Read from ConfigMap (or, with `secret`, Secret) `to` where it read `from`.
    pub fn rename_read(&mut self, secret: bool, from: &str, to: &str) {
        if let Some((name, _)) = self.read_mut(secret).filter(|(name, _)| *name == from) {
            *name = to.to_string();
        }
    }

    /// Read key `to` of ConfigMap (or, with `secret`, Secret) `object` where it read
    /// key `from`.
    pub fn rename_key(&mut self, secret: bool, object: &str, from: &str, to: &str) {
        if let Some((_, key)) = (self.read_mut(secret)).filter(|(n, k)| *n == object && *k == from)
        {
            *key = to.to_string();
        }
    }

    /// How a person says it: the value, or the key and what holds it.
    pub fn describe(&self) -> String {
        match self {
            EnvValue::Literal(v) => v.clone(),
            EnvValue::ConfigMapKey { name, key } => format!("ConfigMap {name}, key {key}"),
            EnvValue::SecretKey { name, key } => format!("Secret {name}, key {key}"),
        }
    }
}

/// A whole ConfigMap or Secret imported as variables.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvFrom {
    /// Every key of a ConfigMap.
    ConfigMap(String),
    /// Every key of a Secret.
    Secret(String),
}

impl Service {
    /// Whether what its import kept beyond the model names a variable `name` of its main
    /// container (one read by `fieldRef`): an item of that container's `env` list, or a
    /// whole list kept with it. Such a variable is the import's: no environment gives it
    /// a value of its own, which would write `value` beside its `valueFrom`.
    pub fn keeps_variable(&self, name: &str) -> bool {
        use crate::residual::Step;
        let in_list = |v: &serde_json::Value| {
            (v.as_array().into_iter().flatten()).any(|item| item["name"].as_str() == Some(name))
        };
        let main = |step: &Step| matches!(step, Step::Item { by, key } if by == "name" && key == self.container());
        (self.residual.values().flat_map(|r| &r.0)).any(|c| {
            let steps = &c.at.0;
            let item = steps.windows(3).any(|w| {
                main(&w[0])
                    && matches!((&w[1], &w[2]), (Step::Member(m), Step::Item { by, key })
                        if m == "env" && by == "name" && key == name)
            });
            let list = steps.len() >= 2
                && main(&steps[steps.len() - 2])
                && matches!(steps.last(), Some(Step::Member(m)) if m == "env")
                && [&c.was, &c.now].into_iter().flatten().any(in_list);
            item || list
        })
    }
}

/// Whether a residual change sits under the pod volume named `volume`
/// (`.../volumes/[name=volume]/...`), and if so whether its value is that volume's
/// `items` list itself.
fn under_volume(at: &crate::residual::Path, volume: &str) -> Option<bool> {
    use crate::residual::Step;
    let steps = &at.0;
    steps.windows(2).find(|w| {
        matches!((&w[0], &w[1]), (Step::Member(m), Step::Item { by, key })
            if m == "volumes" && by == "name" && key == volume)
    })?;
    Some(matches!(steps.last(), Some(Step::Member(m)) if m == "items"))
}

/// The `key` of every item of the `items` lists in `v` (`v` itself when `is_items`).
fn item_keys(v: &serde_json::Value, is_items: bool, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::Array(items) if is_items => {
            out.extend(
                items
                    .iter()
                    .filter_map(|i| i["key"].as_str())
                    .map(String::from),
            );
        }
        Value::Object(map) => {
            for (k, child) in map {
                item_keys(child, k == "items", out);
            }
        }
        _ => {}
    }
}

/// [`item_keys`] renamed from `from` to `to`.
fn rename_item_keys(v: &mut serde_json::Value, is_items: bool, from: &str, to: &str) {
    use serde_json::Value;
    match v {
        Value::Array(items) if is_items => {
            for item in items.iter_mut().filter(|i| i["key"] == from) {
                item["key"] = to.into();
            }
        }
        Value::Object(map) => {
            for (k, child) in map.iter_mut() {
                rename_item_keys(child, k == "items", from, to);
            }
        }
        _ => {}
    }
}

/// An imported object the model cannot express, kept whole as its JSON: any kind of any
/// API group, custom resources included. Serialized as that JSON, nothing around it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct KeptObject(pub serde_json::Value);

/// In `value` (an object, or a part of one), every read of ConfigMap (or, with
/// `secret`, Secret) `from` ([`KeptObject::rename_reads`]) made a read of `to`.
pub(crate) fn rename_reads_in(value: &mut serde_json::Value, secret: bool, from: &str, to: &str) {
    fn walk(v: &mut serde_json::Value, refs: &[(&str, &str)], from: &str, to: &str) {
        match v {
            serde_json::Value::Object(map) => {
                for (k, child) in map.iter_mut() {
                    for (key, field) in refs {
                        if k == key && child[*field] == from {
                            child[*field] = to.into();
                        }
                    }
                    walk(child, refs, from, to);
                }
            }
            serde_json::Value::Array(items) => {
                items.iter_mut().for_each(|i| walk(i, refs, from, to));
            }
            _ => {}
        }
    }
    walk(value, reference_fields(secret), from, to);
}

/// Whether `value` (an object, or a part of one) reads ConfigMap (or, with `secret`,
/// Secret) `name` in any of the ways [`KeptObject::rename_reads`] follows.
pub(crate) fn reads_in(value: &serde_json::Value, secret: bool, name: &str) -> bool {
    fn walk(v: &serde_json::Value, refs: &[(&str, &str)], name: &str) -> bool {
        match v {
            serde_json::Value::Object(map) => map.iter().any(|(k, child)| {
                refs.iter()
                    .any(|(key, field)| k == key && child[*field] == name)
                    || walk(child, refs, name)
            }),
            serde_json::Value::Array(items) => items.iter().any(|i| walk(i, refs, name)),
            _ => false,
        }
    }
    walk(value, reference_fields(secret), name)
}

/// Where a pod names the ConfigMap (or, with `secret`, the Secret) it reads: the key
/// holding the reference, and the reference's field naming the object.
fn reference_fields(secret: bool) -> &'static [(&'static str, &'static str)] {
    if secret {
        &[
            ("secretKeyRef", "name"),
            ("secretRef", "name"),
            ("secret", "secretName"),
            ("secret", "name"),
        ]
    } else {
        &[
            ("configMapKeyRef", "name"),
            ("configMapRef", "name"),
            ("configMap", "name"),
        ]
    }
}

/// A way in that an Ingress kept whole gives a service of the design: one path of one
/// of its rules (or its default backend).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptRoute {
    /// The Ingress's name.
    pub ingress: String,
    /// The rule's host (empty: any host).
    pub host: String,
    /// The path (`/` for the default backend).
    pub path: String,
    /// Whether a TLS entry of the Ingress covers the host.
    pub tls: bool,
    /// The Service it sends to.
    pub service: String,
    /// The Service's port, by name or number.
    pub port: String,
}

impl KeptObject {
    /// The routes of an `networking.k8s.io` Ingress kept whole: every path of every rule
    /// that sends to a Service, then its default backend. Nothing for other kinds.
    pub fn ingress_routes(&self) -> Vec<KeptRoute> {
        use serde_json::Value;
        // (The import upgrades the beta versions to this one.)
        if self.kind() != "Ingress" || self.api_version() != "networking.k8s.io/v1" {
            return Vec::new();
        }
        let spec = self.spec();
        let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
        let tls: Vec<&Value> = spec["tls"].as_array().into_iter().flatten().collect();
        // A TLS entry without hosts is the controller's default certificate for every
        // host; `*.example.com` covers one label more (`a.example.com`, not
        // `a.b.example.com`).
        let covered = |host: &str| {
            tls.iter().any(|t| match t["hosts"].as_array() {
                None => true,
                Some(hosts) => {
                    hosts
                        .iter()
                        .filter_map(Value::as_str)
                        .any(|h| match h.strip_prefix("*.") {
                            Some(domain) => host
                                .split_once('.')
                                .is_some_and(|(label, rest)| !label.is_empty() && rest == domain),
                            None => h == host,
                        })
                }
            })
        };
        let route = |host: &str, path: String, backend: &Value| {
            let service = &backend["service"];
            let port = &service["port"];
            let port = match (&port["name"], &port["number"]) {
                (Value::String(n), _) => n.clone(),
                (_, Value::Number(n)) => n.to_string(),
                _ => String::new(),
            };
            (service["name"].is_string()).then(|| KeptRoute {
                ingress: self.name().to_string(),
                host: host.to_string(),
                path,
                tls: covered(host),
                service: text(&service["name"]),
                port,
            })
        };
        let mut out = Vec::new();
        for rule in spec["rules"].as_array().into_iter().flatten() {
            let host = text(&rule["host"]);
            for p in rule["http"]["paths"].as_array().into_iter().flatten() {
                let path = match text(&p["path"]) {
                    path if path.is_empty() => "/".to_string(),
                    path => path,
                };
                out.extend(route(&host, path, &p["backend"]));
            }
        }
        out.extend(route("", "/".into(), &spec["defaultBackend"]));
        out
    }

    /// The object's `kind`, or "" if it has none.
    pub fn kind(&self) -> &str {
        self.0["kind"].as_str().unwrap_or_default()
    }

    /// The object's `apiVersion`, or "" if it has none.
    pub fn api_version(&self) -> &str {
        self.0["apiVersion"].as_str().unwrap_or_default()
    }

    /// The object's `metadata.name`, or "" if it has none.
    pub fn name(&self) -> &str {
        self.0["metadata"]["name"].as_str().unwrap_or_default()
    }

    /// The object's `metadata.namespace`, if it has one.
    pub fn namespace(&self) -> Option<&str> {
        self.0["metadata"]["namespace"].as_str()
    }

    /// How the page and [`Edit::ReplaceKept`] name this object among those an
    /// environment renders: by its name when it renders into the environment's
    /// namespace, as `namespace/name` when it is `pinned` to its own, since several
    /// namespaces may each keep one of that kind and name (names hold no `/`).
    ///
    /// [`Edit::ReplaceKept`]: crate::Edit::ReplaceKept
    pub fn key(&self, pinned: bool) -> String {
        match self.namespace() {
            Some(ns) if pinned => format!("{ns}/{}", self.name()),
            _ => self.name().to_string(),
        }
    }

    /// The object's `spec` (`null` if it has none).
    pub fn spec(&self) -> &serde_json::Value {
        &self.0["spec"]
    }

    /// Its pods read ConfigMap (or, with `secret`, Secret) `to` wherever they read `from`:
    /// a variable by key, every key as variables, a volume or a projected volume's
    /// source, however deep the pod template sits (a CronJob's, a custom resource's).
    pub fn rename_reads(&mut self, secret: bool, from: &str, to: &str) {
        rename_reads_in(&mut self.0, secret, from, to);
    }

    /// Whether its pods read ConfigMap (or, with `secret`, Secret) `name`, in any of the
    /// ways [`KeptObject::rename_reads`] follows.
    pub fn reads(&self, secret: bool, name: &str) -> bool {
        reads_in(&self.0, secret, name)
    }

    /// Its pods read key `to` of ConfigMap (or, with `secret`, Secret) `object` wherever
    /// they read key `from`: a variable by key, an item a volume (or a projected
    /// volume's source) lists, and a file of a volume holding every key mounted alone
    /// (`subPath`; into a volume that lists items it names the item's path, and stays).
    pub fn rename_key_reads(&mut self, secret: bool, object: &str, from: &str, to: &str) {
        use serde_json::Value;
        let (by_key, volume, names): (&str, &str, &[&str]) = if secret {
            ("secretKeyRef", "secret", &["secretName", "name"])
        } else {
            ("configMapKeyRef", "configMap", &["name"])
        };
        fn walk(v: &mut Value, f: &mut impl FnMut(&str, &mut Value)) {
            match v {
                Value::Object(map) => {
                    for (k, child) in map.iter_mut() {
                        f(k, child);
                        walk(child, f);
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(|i| walk(i, f)),
                _ => {}
            }
        }
        let reads = |r: &Value| names.iter().any(|n| r[*n] == object);
        walk(&mut self.0, &mut |k, child| {
            if k == by_key && child["name"] == object && child["key"] == from {
                child["key"] = to.into();
            }
            if k == volume && reads(child) {
                if let Some(items) = child.get_mut("items").and_then(Value::as_array_mut) {
                    for item in items.iter_mut().filter(|i| i["key"] == from) {
                        item["key"] = to.into();
                    }
                }
            }
        });
        // Each pod spec (a map with `containers`): the volumes that hold every key of
        // the object at its own name, then the mounts of one such file.
        let whole = |source: &Value| reads(source) && source.get("items").is_none();
        let mut pod_specs = Vec::new();
        fn find<'v>(v: &'v mut Value, found: &mut Vec<&'v mut Value>) {
            match v {
                Value::Object(map) if map.contains_key("containers") => found.push(v),
                Value::Object(map) => map.values_mut().for_each(|c| find(c, found)),
                Value::Array(items) => items.iter_mut().for_each(|i| find(i, found)),
                _ => {}
            }
        }
        find(&mut self.0, &mut pod_specs);
        for spec in pod_specs {
            let holds_every_key = |v: &Value| {
                whole(&v[volume])
                    || (v["projected"]["sources"].as_array())
                        .is_some_and(|s| s.iter().any(|s| whole(&s[volume])))
            };
            let volumes: Vec<Value> = (spec["volumes"].as_array().into_iter().flatten())
                .filter(|v| holds_every_key(v))
                .map(|v| v["name"].clone())
                .collect();
            for group in ["initContainers", "containers", "ephemeralContainers"] {
                let containers = spec.get_mut(group).and_then(Value::as_array_mut);
                for c in containers.into_iter().flatten() {
                    let mounts = c.get_mut("volumeMounts").and_then(Value::as_array_mut);
                    for m in mounts.into_iter().flatten() {
                        if m["subPath"] == from && volumes.contains(&m["name"]) {
                            m["subPath"] = to.into();
                        }
                    }
                }
            }
        }
    }

    /// The object moved to `namespace`; one that had no namespace stays without.
    pub fn in_namespace(&self, namespace: &str) -> serde_json::Value {
        let mut v = self.0.clone();
        if v["metadata"].get("namespace").is_some() {
            v["metadata"]["namespace"] = serde_json::Value::from(namespace);
        }
        v
    }
}

/// A ConfigMap of the design (non-sensitive values).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ConfigMapDef {
    /// Object name.
    pub name: String,
    /// Keys and values.
    pub data: BTreeMap<String, String>,
    /// What an imported ConfigMap had beyond the model (see [`Residual`]).
    pub residual: Option<Residual>,
    /// Rendered as Kustomize's `configMapGenerator` names it, `<name>-<hash of its
    /// data>` ([`crate::naming::generated_config_map`]): a change of data (an
    /// environment's own values too) is a new ConfigMap, which rolls the pods that read
    /// it. Pods name it by `name`; render writes the generated name.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hash_suffix: bool,
}

/// A Secret of the design: key names only. Values never enter a design.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecretDef {
    /// Object name.
    pub name: String,
    /// Secret type, e.g. `Opaque` or `kubernetes.io/tls`.
    pub kind: String,
    /// The key names the Secret must carry.
    pub keys: Vec<String>,
    /// What an imported Secret had beyond the model, never its values (see
    /// [`Residual`]).
    pub residual: Option<Residual>,
    /// Created outside Kubeprint (by hand, External Secrets, Sealed Secrets, a chart's
    /// `existingSecret`): the design names it and its keys, which pods read, but the
    /// export writes no Secret of it, so applying never overwrites its real values.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub external: bool,
}

/// A persistent volume claimed per pod (StatefulSet volumeClaimTemplates).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct VolumeClaim {
    /// Claim and volume name.
    pub name: String,
    /// Where it is mounted in the container.
    pub mount_path: String,
    /// Requested size, e.g. `10Gi`.
    pub size: String,
    /// StorageClass; `None` uses the cluster default.
    pub storage_class: Option<String>,
}

/// Pod and container security settings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Security {
    /// Refuse to start as uid 0 (the pod's runAsNonRoot).
    pub run_as_non_root: bool,
    /// The pod's runAsUser.
    pub run_as_user: Option<i64>,
    /// The container's own runAsNonRoot, which wins over the pod's when set.
    pub container_run_as_non_root: Option<bool>,
    /// The container's own runAsUser, which wins over the pod's when set.
    pub container_run_as_user: Option<i64>,
    /// runAsGroup.
    pub run_as_group: Option<i64>,
    /// fsGroup (volume ownership).
    pub fs_group: Option<i64>,
    /// readOnlyRootFilesystem.
    pub read_only_root_fs: bool,
    /// allowPrivilegeEscalation: false when true.
    pub no_privilege_escalation: bool,
    /// capabilities.drop: [ALL].
    pub drop_all_capabilities: bool,
    /// seccompProfile RuntimeDefault.
    pub seccomp_runtime_default: bool,
    /// A dedicated ServiceAccount named like the service.
    pub dedicated_service_account: bool,
    /// Mount the ServiceAccount token; `None` keeps the Kubernetes default (true).
    pub automount_token: Option<bool>,
}

impl Default for Security {
    fn default() -> Self {
        Security::hardened()
    }
}

impl Security {
    /// The settings a new service starts with: non-root, read-only, nothing extra.
    pub fn hardened() -> Self {
        Security {
            run_as_non_root: true,
            run_as_user: Some(crate::domain::SUGGESTED_UID),
            container_run_as_non_root: None,
            container_run_as_user: None,
            run_as_group: Some(crate::domain::SUGGESTED_UID),
            fs_group: Some(crate::domain::SUGGESTED_UID),
            read_only_root_fs: true,
            no_privilege_escalation: true,
            drop_all_capabilities: true,
            seccomp_runtime_default: true,
            dedicated_service_account: false,
            automount_token: Some(false),
        }
    }

    /// No settings at all: what a manifest without securityContext means.
    pub fn unset() -> Self {
        Security {
            run_as_non_root: false,
            run_as_user: None,
            container_run_as_non_root: None,
            container_run_as_user: None,
            run_as_group: None,
            fs_group: None,
            read_only_root_fs: false,
            no_privilege_escalation: false,
            drop_all_capabilities: false,
            seccomp_runtime_default: false,
            dedicated_service_account: false,
            automount_token: None,
        }
    }

    /// The main container's own securityContext, in the form every other container of the
    /// pod has it.
    pub fn container(&self) -> ContainerSecurity {
        ContainerSecurity {
            run_as_non_root: self.container_run_as_non_root,
            run_as_user: self.container_run_as_user,
            read_only_root_fs: self.read_only_root_fs,
            no_privilege_escalation: self.no_privilege_escalation,
            drop_all_capabilities: self.drop_all_capabilities,
        }
    }

    /// The uid the container runs as, when a securityContext says: the container's
    /// runAsUser if it sets one, else the pod's (as the kubelet applies them).
    pub fn effective_run_as_user(&self) -> Option<i64> {
        self.container_run_as_user.or(self.run_as_user)
    }

    /// Whether the kubelet refuses to start the container as uid 0: the container's
    /// runAsNonRoot if it sets one, else the pod's.
    pub fn effective_run_as_non_root(&self) -> bool {
        self.container_run_as_non_root
            .unwrap_or(self.run_as_non_root)
    }
}

/// A Prometheus scrape endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    /// Container port serving metrics.
    pub port: PortRef,
    /// HTTP path, usually `/metrics`.
    pub path: String,
    /// The counter of HTTP requests it exposes, labelled by status code: what canary
    /// analyses and the 5xx alert read (`http_requests_total` of the Prometheus client
    /// libraries' conventions).
    #[serde(default = "Metrics::default_requests_metric")]
    pub requests_metric: String,
    /// The label of that counter that holds the status code (`code`).
    #[serde(default = "Metrics::default_status_label")]
    pub status_label: String,
}

impl Metrics {
    /// `/metrics` on `port`, with the conventional request counter.
    pub fn new(port: PortRef, path: impl Into<String>) -> Self {
        Metrics {
            port,
            path: path.into(),
            requests_metric: Metrics::default_requests_metric(),
            status_label: Metrics::default_status_label(),
        }
    }

    /// `http_requests_total`.
    pub fn default_requests_metric() -> String {
        "http_requests_total".into()
    }

    /// `code`.
    pub fn default_status_label() -> String {
        "code".into()
    }
}

/// How a new version of a service's pods replaces the old ones. Read for Deployments
/// (a canary replaces the Deployment with an Argo Rollouts `Rollout`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Delivery {
    /// Rolling update or canary; an environment may override it.
    pub strategy: UpdateStrategy,
    /// The canary's steps, in order. Without traffic routing a weight is the canary's
    /// share of the pods.
    pub steps: Vec<CanaryStep>,
    /// The AnalysisTemplate of the canary (Prometheus queries of the canary pods' 5xx
    /// rate and readiness): run in the background and/or at the analysis steps.
    pub analysis: Option<Analysis>,
    /// Abort (back to the stable pods) when the update makes no progress for
    /// `timing.progress_deadline_seconds` (`progressDeadlineAbort`).
    pub progress_deadline_abort: bool,
    /// `abortScaleDownDelaySeconds` (traffic-routed canaries only).
    pub abort_scale_down_delay_seconds: Option<u32>,
    /// `scaleDownDelaySeconds` (traffic-routed canaries only; Argo Rollouts refuses it on
    /// a replica-weight canary).
    pub scale_down_delay_seconds: Option<u32>,
    /// How the canary's weight reaches the requests: shares of the pods, or the weights
    /// of the service's Gateway API route.
    pub traffic: CanaryTraffic,
}

/// How a canary splits traffic between its stable and canary pods.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CanaryTraffic {
    /// No traffic routing: a weight is the canary's share of the pods, behind the
    /// service's one Service (rounded to whole pods).
    #[default]
    Replicas,
    /// Through the service's Gateway API route (Argo Rollouts' `argoproj-labs/gatewayAPI`
    /// traffic router plugin): the route sends to a `<name>-stable` and a `<name>-canary`
    /// Service, and Argo Rollouts sets their weights at each step.
    GatewayRoute,
}

impl Default for Delivery {
    fn default() -> Self {
        Delivery {
            strategy: UpdateStrategy::RollingUpdate,
            steps: vec![
                CanaryStep::SetWeight { weight: 20 },
                CanaryStep::Pause { seconds: Some(300) },
                CanaryStep::SetWeight { weight: 50 },
                CanaryStep::Pause { seconds: Some(300) },
            ],
            analysis: None,
            progress_deadline_abort: false,
            abort_scale_down_delay_seconds: None,
            scale_down_delay_seconds: None,
            traffic: CanaryTraffic::Replicas,
        }
    }
}

impl Delivery {
    /// Whether updates go through canary steps (an Argo Rollouts `Rollout`).
    pub fn is_canary(&self) -> bool {
        self.strategy == UpdateStrategy::Canary
    }
}

/// How updates roll out.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpdateStrategy {
    /// A Deployment's rolling update (maxSurge, maxUnavailable).
    #[default]
    RollingUpdate,
    /// An Argo Rollouts canary: weights, pauses and analysis, with abort and rollback.
    Canary,
}

/// One step of a canary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum CanaryStep {
    /// Give the canary this percentage (of the pods, without traffic routing).
    SetWeight {
        /// 0 to 100.
        weight: u32,
    },
    /// Wait this many seconds, or (`None`) until someone promotes the rollout.
    Pause {
        /// The pause's duration.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        seconds: Option<u32>,
    },
    /// Run the service's analysis and wait for its verdict (abort on failure).
    Analysis,
}

/// The canary analysis: one AnalysisTemplate with two Prometheus metrics of the canary's
/// pods (their 5xx share and their readiness), each measured `count` times every
/// `interval_seconds`; more than `failure_limit` failed measurements fail the run, and
/// a failed run aborts the rollout.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Analysis {
    /// Run in the background from step `starting_step` until the last step (the analysis
    /// steps run it too).
    pub background: bool,
    /// The step the background analysis starts at (0 is the first).
    pub starting_step: u32,
    /// Seconds between measurements.
    pub interval_seconds: u32,
    /// Measurements per run.
    pub count: u32,
    /// Failed measurements tolerated; one more fails the run.
    pub failure_limit: u32,
    /// A measurement fails when more than this percentage of the canary's requests
    /// answer 5xx.
    pub max_error_percent: u32,
    /// A measurement fails when fewer than this percentage of the canary's pods are
    /// ready.
    pub min_ready_percent: u32,
}

impl Default for Analysis {
    fn default() -> Self {
        Analysis {
            background: true,
            starting_step: 1,
            interval_seconds: 60,
            count: 5,
            failure_limit: 1,
            max_error_percent: 5,
            min_ready_percent: 100,
        }
    }
}

/// A range of ports the service allocates at run time, announced through two env vars.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PortPool {
    /// What the pool is for.
    pub name: String,
    /// First port, inclusive.
    pub start: u16,
    /// Last port, inclusive.
    pub end: u16,
    /// Variable that carries `start` (e.g. `REDIS_PORT_START`).
    pub start_env: String,
    /// Variable that carries `end` (e.g. `REDIS_PORT_END`).
    pub end_env: String,
}

/// Connections a service makes outside the cluster on one port, to the addresses of one
/// IP block: a NetworkPolicy names no hosts, so a host is allowed by where its
/// addresses may be (`0.0.0.0/0` for anywhere, a managed database's subnet).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExternalEgress {
    /// The host it is for (`api.stripe.com`), as a note: a policy names no hosts, so
    /// any host on `port` whose address is in `cidr` gets through.
    pub to: String,
    /// The IP block, `10.0.0.0/16` or `::/0`.
    pub cidr: String,
    /// The TCP port.
    pub port: u16,
    /// Blocks inside `cidr` left out (`10.0.0.0/8`: anywhere but the private networks).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub except: Vec<String>,
}

impl Default for ExternalEgress {
    fn default() -> Self {
        ExternalEgress {
            to: String::new(),
            cidr: ANYWHERE.into(),
            port: 443,
            except: Vec::new(),
        }
    }
}

/// The IPv4 block of every address.
pub const ANYWHERE: &str = "0.0.0.0/0";

/// `from` calls `to` on the Service port named `port`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    /// The caller.
    pub from: ServiceId,
    /// The callee.
    pub to: ServiceId,
    /// Name of the callee's Service port.
    pub port: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_ingress_kept_whole_routes_each_path_and_its_default_backend() {
        let ingress = KeptObject(json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "edge"},
            "spec": {
                "tls": [{"hosts": ["*.shop.example.com"]}],
                "defaultBackend": {"service": {"name": "fallback", "port": {"number": 8080}}},
                "rules": [
                    {"host": "api.shop.example.com", "http": {"paths": [
                        {"path": "/v1", "backend": {"service": {"name": "api", "port": {"name": "http"}}}},
                        {"path": "/assets", "backend": {"resource": {"kind": "StorageBucket", "name": "static"}}}
                    ]}},
                    {"host": "a.b.shop.example.com", "http": {"paths": [
                        {"backend": {"service": {"name": "web", "port": {"number": 80}}}}
                    ]}}
                ]
            }
        }));
        let routes: Vec<(String, String, bool, String, String)> =
            (ingress.ingress_routes().into_iter())
                .map(|r| (r.host, r.path, r.tls, r.service, r.port))
                .collect();
        let route = |host: &str, path: &str, tls: bool, service: &str, port: &str| {
            (
                host.to_string(),
                path.to_string(),
                tls,
                service.to_string(),
                port.to_string(),
            )
        };
        assert_eq!(
            routes,
            [
                // A wildcard covers one label; a resource backend is no Service.
                route("api.shop.example.com", "/v1", true, "api", "http"),
                route("a.b.shop.example.com", "/", false, "web", "80"),
                route("", "/", false, "fallback", "8080"),
            ]
        );
        // A TLS entry without hosts covers every host.
        let mut default_cert = ingress.clone();
        default_cert.0["spec"]["tls"] = json!([{"secretName": "wildcard"}]);
        assert!(default_cert.ingress_routes().iter().all(|r| r.tls));
        // Another kind, or an API version the import would have upgraded: nothing.
        let mut beta = ingress.clone();
        beta.0["apiVersion"] = json!("networking.k8s.io/v1beta1");
        assert_eq!(beta.ingress_routes(), Vec::new());
    }

    fn named(id: u32, name: &str) -> Service {
        Service {
            id: ServiceId(id),
            name: name.into(),
            ..Service::default()
        }
    }

    #[test]
    fn services_are_found_by_id_in_any_order() {
        // In id order (binary search), out of order and with gaps (the scan behind it).
        for ids in [
            vec![1, 2, 3, 4, 5],
            vec![5, 1, 4, 2, 3],
            vec![9, 3, 7, 1, 12],
        ] {
            let mut d = Design {
                services: ids.iter().map(|&i| named(i, &format!("s-{i}"))).collect(),
                ..Design::default()
            };
            for &i in &ids {
                assert_eq!(d.service(ServiceId(i)).unwrap().name, format!("s-{i}"));
                d.service_mut(ServiceId(i)).unwrap().name = format!("t-{i}");
            }
            for s in &d.services {
                assert_eq!(s.name, format!("t-{}", s.id.0), "{ids:?}");
            }
            for missing in [0, 6, 8, 100] {
                assert!(d.service(ServiceId(missing)).is_none());
            }
        }
    }

    #[test]
    fn a_new_service_never_takes_an_id_in_use() {
        // A hand-written file (and the same design as a link) whose next_id is taken.
        let text = json!({
            "format_version": FORMAT_VERSION,
            "services": [{"id": 4, "name": "a"}, {"id": 2, "name": "b"}],
            "next_id": 2,
        })
        .to_string();
        let from_file = crate::file::from_json(&text).unwrap();
        let mut hand_made = from_file.clone();
        hand_made.next_id = 2;
        let from_link = crate::link::decode(&crate::link::encode(&hand_made)).unwrap();
        for mut d in [from_file, from_link] {
            assert_eq!(d.next_id, 5);
            d.apply(crate::Edit::AddService(Box::new(named(0, "c"))))
                .unwrap();
            assert_eq!(d.service_named("c").unwrap().id, ServiceId(5));
            assert_eq!(d.next_id, 6);
        }
    }

    #[test]
    fn a_design_repeating_a_service_id_does_not_load() {
        let text = json!({
            "format_version": FORMAT_VERSION,
            "services": [{"id": 3, "name": "api"}, {"id": 3, "name": "worker"}],
        })
        .to_string();
        let err = crate::file::from_json(&text).unwrap_err().to_string();
        assert!(
            err.contains("two services have the id 3 (the second is `worker`)"),
            "{err}"
        );
    }

    #[test]
    fn residual_roles_serialize_as_the_names_design_files_use_in_the_same_order() {
        let names = [
            "alerts",
            "analysis_template",
            "monitor",
            "workload",
            "service",
            "load_balancer",
            "ingress",
            "hpa",
            "pdb",
            "service_account",
        ];
        let mut sorted: Vec<&str> = names.to_vec();
        sorted.sort_unstable();
        let by_name: serde_json::Map<String, serde_json::Value> = sorted
            .iter()
            .map(|n| (n.to_string(), json!({"n": n})))
            .collect();
        let roles: BTreeMap<ResidualRole, serde_json::Value> =
            serde_json::from_value(serde_json::Value::Object(by_name.clone())).unwrap();
        assert_eq!(roles.len(), names.len(), "every name reads as a role");
        assert_eq!(
            serde_json::to_string(&roles).unwrap(),
            serde_json::to_string(&by_name).unwrap(),
            "same keys, same (alphabetical) order as string keys"
        );
        let written: Vec<String> = roles
            .keys()
            .map(|r| {
                serde_json::to_value(r)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect();
        assert_eq!(written, sorted);
    }

    #[test]
    fn a_kept_object_is_its_json_and_reads_its_kind_name_and_namespace() {
        let v = json!({
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "deny", "namespace": "shop"},
            "spec": {"podSelector": {}},
        });
        let kept: KeptObject = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&kept).unwrap(), v);
        assert_eq!(kept.kind(), "NetworkPolicy");
        assert_eq!(kept.api_version(), "networking.k8s.io/v1");
        assert_eq!(kept.name(), "deny");
        assert_eq!(kept.namespace(), Some("shop"));
        assert_eq!(kept.spec()["podSelector"], json!({}));
        assert_eq!(kept.in_namespace("prod")["metadata"]["namespace"], "prod");
        let cluster_wide = KeptObject(json!({"kind": "Namespace", "metadata": {"name": "x"}}));
        assert_eq!(cluster_wide.namespace(), None);
        assert_eq!(
            cluster_wide.in_namespace("prod")["metadata"].get("namespace"),
            None,
            "an object without a namespace stays without"
        );
    }

    #[test]
    fn a_kept_workload_reads_a_renamed_config_map_wherever_its_pods_read_it() {
        let pod = |cm: &str, secret: &str| {
            json!({"containers": [{
                "name": "report",
                "envFrom": [{"configMapRef": {"name": cm}}, {"secretRef": {"name": secret}}],
                "env": [{"name": "URL", "valueFrom": {"configMapKeyRef": {"name": cm, "key": "URL"}}}],
            }],
            "volumes": [
                {"name": "conf", "configMap": {"name": cm}},
                {"name": "all", "projected": {"sources": [{"configMap": {"name": cm}}, {"secret": {"name": secret}}]}},
            ]})
        };
        let cron = |cm: &str, secret: &str| {
            KeptObject(json!({
                "apiVersion": "batch/v1", "kind": "CronJob",
                "metadata": {"name": "report", "labels": {"configMap": cm}},
                "spec": {"jobTemplate": {"spec": {"template": {"spec": pod(cm, secret)}}}},
            }))
        };
        let mut kept = cron("report-config", "report-creds");
        kept.rename_reads(false, "report-config", "reports");
        // A label that happens to be called `configMap` is not a reference.
        let mut want = cron("reports", "report-creds");
        want.0["metadata"]["labels"]["configMap"] = json!("report-config");
        assert_eq!(kept, want);
        kept.rename_reads(true, "report-creds", "reports-db");
        want = cron("reports", "reports-db");
        want.0["metadata"]["labels"]["configMap"] = json!("report-config");
        assert_eq!(kept, want);
    }
}
