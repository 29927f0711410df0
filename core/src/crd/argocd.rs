//! Argo CD (`argoproj.io/v1alpha1`): `Application` and `AppProject`, with the fields
//! Kubeprint writes. Field names are Argo CD's (camelCase); empty options are left out.
//! Checked against Argo CD's CRD schemas by `tests/tests/argocd.rs`.

use super::custom_resource;
use serde::{Deserialize, Serialize};

custom_resource!(
    /// One deployment of manifests from Git into one cluster namespace, kept in sync by
    /// Argo CD.
    Application,
    ApplicationSpec,
    group: "argoproj.io",
    version: "v1alpha1",
    plural: "applications"
);

custom_resource!(
    /// A group of applications and the limits they share: which repositories they may
    /// pull from, where they may deploy, and which kinds they may create.
    AppProject,
    AppProjectSpec,
    group: "argoproj.io",
    version: "v1alpha1",
    plural: "appprojects"
);

/// What an [`Application`] deploys, from where, to where, and how it syncs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSpec {
    /// The [`AppProject`] the application belongs to.
    pub project: String,
    /// Where the manifests are.
    pub source: ApplicationSource,
    /// The cluster and namespace they go to.
    pub destination: ApplicationDestination,
    /// Automated or manual sync, and its options.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sync_policy: Option<SyncPolicy>,
    /// Fields of live objects Argo CD leaves alone (with the sync option
    /// `RespectIgnoreDifferences=true`, on sync too, not only in its diff).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_differences: Vec<ResourceIgnoreDifferences>,
}

/// The fields of objects (of a group and kind, by name where it is given) that Argo CD
/// ignores.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceIgnoreDifferences {
    /// The API group (the core group: left out).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    /// The kind.
    pub kind: String,
    /// The object's name (every object of the kind: left out).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Its namespace (the Application's destination: left out).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    /// The fields, as JSON pointers (`/data`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub json_pointers: Vec<String>,
}

/// A folder of a Git repository at a revision; a Helm chart's values files when it
/// holds one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSource {
    /// The repository's URL.
    #[serde(rename = "repoURL")]
    pub repo_url: String,
    /// The folder inside the repository.
    pub path: String,
    /// Branch, tag or commit (`HEAD`: the default branch).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub target_revision: String,
    /// Helm's settings, when the folder is a chart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helm: Option<ApplicationSourceHelm>,
}

/// How Argo CD runs Helm on a chart.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationSourceHelm {
    /// The release name (by default the application's name).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub release_name: String,
    /// Values files, relative to the chart, merged over its `values.yaml` in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub value_files: Vec<String>,
}

/// A cluster (by API server URL) and a namespace in it.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationDestination {
    /// The cluster's API server (`https://kubernetes.default.svc`: the one Argo CD runs in).
    pub server: String,
    /// The namespace.
    pub namespace: String,
}

/// When and how Argo CD applies what changed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPolicy {
    /// Sync by itself on every change; without it, someone syncs by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub automated: Option<SyncPolicyAutomated>,
    /// `Name=value` options of the sync (`CreateNamespace=true`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sync_options: Vec<String>,
    /// How a failed sync is retried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryStrategy>,
}

/// An automated sync's choices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncPolicyAutomated {
    /// Delete from the cluster what was removed from Git.
    pub prune: bool,
    /// Undo changes made in the cluster by hand.
    pub self_heal: bool,
}

/// How often and how fast a failed sync is tried again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RetryStrategy {
    /// How many times.
    pub limit: i64,
    /// How long between tries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backoff: Option<Backoff>,
}

/// Exponential backoff between sync retries.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backoff {
    /// The first wait (`5s`).
    pub duration: String,
    /// What each wait is multiplied by.
    pub factor: i64,
    /// The longest wait (`3m`).
    pub max_duration: String,
}

/// What an [`AppProject`] allows its applications.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppProjectSpec {
    /// Shown in Argo CD's interface.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Repositories the applications may pull from.
    pub source_repos: Vec<String>,
    /// Clusters and namespaces they may deploy to.
    pub destinations: Vec<ApplicationDestination>,
    /// Cluster-scoped kinds they may create (none when empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_resource_whitelist: Vec<GroupKind>,
    /// Namespaced kinds they may create (every kind when left out).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespace_resource_whitelist: Vec<GroupKind>,
}

/// An API group (empty for the core group) and a kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct GroupKind {
    /// `""`, `apps`, `networking.k8s.io`, ...
    pub group: String,
    /// `Deployment`, ...
    pub kind: String,
}
