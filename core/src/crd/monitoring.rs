//! Prometheus Operator (`monitoring.coreos.com/v1`): `ServiceMonitor` and `PodMonitor`
//! (what Prometheus scrapes) and `PrometheusRule` (alerts). Field names and meanings as
//! the operator's CRDs define them; what is not typed here stays in `other`.

use super::{custom_resource, Other};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

custom_resource!(ServiceMonitor, ServiceMonitorSpec, group: "monitoring.coreos.com", version: "v1", plural: "servicemonitors");
custom_resource!(PodMonitor, PodMonitorSpec, group: "monitoring.coreos.com", version: "v1", plural: "podmonitors");
custom_resource!(PrometheusRule, PrometheusRuleSpec, group: "monitoring.coreos.com", version: "v1", plural: "prometheusrules");

/// Scrape the endpoints of the Services a selector picks (in the monitor's namespace
/// unless `namespaceSelector` says otherwise).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceMonitorSpec {
    /// Selects Services by their labels.
    #[serde(default)]
    pub selector: LabelSelector,
    /// What to scrape on each selected Service.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
    /// Members not typed here (`namespaceSelector`, `jobLabel`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// One scrape endpoint of a Service, named by the Service port's *name*.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// The Service port's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// The HTTP path (default `/metrics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Scrape interval (default: Prometheus' global one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Members not typed here (`targetPort`, `relabelings`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// Scrape the pods a selector picks, by container port.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMonitorSpec {
    /// Selects pods by their labels.
    #[serde(default)]
    pub selector: LabelSelector,
    /// What to scrape on each selected pod.
    #[serde(default)]
    pub pod_metrics_endpoints: Vec<PodMetricsEndpoint>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// One scrape endpoint of a pod: a container port by name or by number.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMetricsEndpoint {
    /// The container port's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// The container port's number (for a port without a name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_number: Option<i32>,
    /// The HTTP path (default `/metrics`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Scrape interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// Groups of alerting and recording rules.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusRuleSpec {
    /// The rule groups.
    #[serde(default)]
    pub groups: Vec<RuleGroup>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// Rules evaluated together.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleGroup {
    /// The group's name, unique in the object.
    #[serde(default)]
    pub name: String,
    /// The rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    /// Members not typed here (`interval`, `limit`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// One alerting rule (or recording rule, with `record`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rule {
    /// The alert's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    /// The PromQL expression: the alert fires for each series it returns.
    pub expr: IntOrString,
    /// How long the expression must hold before the alert fires.
    #[serde(default, rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<String>,
    /// Labels added to the alert (`severity`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    /// Annotations (`summary`, `description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// Members not typed here (`record`, `keep_firing_for`).
    #[serde(flatten)]
    pub other: Other,
}
