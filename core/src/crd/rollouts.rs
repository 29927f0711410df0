//! Argo Rollouts (`argoproj.io/v1alpha1`): the `Rollout` that replaces a Deployment for a
//! canary, and the `AnalysisTemplate` its analysis runs. Field names and meanings as the
//! Rollout and AnalysisTemplate CRDs define them; what is not typed here stays in `other`.

use super::{custom_resource, Other};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::{Deserialize, Serialize};

custom_resource!(Rollout, RolloutSpec, group: "argoproj.io", version: "v1alpha1", plural: "rollouts");
custom_resource!(AnalysisTemplate, AnalysisTemplateSpec, group: "argoproj.io", version: "v1alpha1", plural: "analysistemplates");

/// A Rollout's spec: a Deployment's (replicas, selector, pod template, timing) plus its
/// strategy.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutSpec {
    /// Desired pods; left out under an HPA, like a Deployment's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    /// Selects the pods (must match the template's labels).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// The pod template, as a Deployment's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<PodTemplateSpec>,
    /// minReadySeconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_ready_seconds: Option<i32>,
    /// Old ReplicaSets kept (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_history_limit: Option<i32>,
    /// Time an update may go without progress before it is marked failed (default 600);
    /// not counted at pause, analysis and experiment steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_deadline_seconds: Option<i32>,
    /// Abort the update (back to the stable pods) when the deadline passes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress_deadline_abort: Option<bool>,
    /// How the update proceeds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<RolloutStrategy>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// Canary (or blue-green, kept in `other`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutStrategy {
    /// The canary strategy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary: Option<CanaryStrategy>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// A canary: steps of weights, pauses and analyses. Without `trafficRouting` the weight
/// is the canary's share of the pods.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryStrategy {
    /// Pods above the desired count during the update (default 25%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_surge: Option<IntOrString>,
    /// Pods below the desired count during the update (default 25%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_unavailable: Option<IntOrString>,
    /// The steps, in order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<CanaryStep>>,
    /// Analysis in the background from `startingStep` until the last step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<RolloutAnalysisBackground>,
    /// Delay before the canary pods are scaled down after an abort (traffic routing
    /// only; default 30).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abort_scale_down_delay_seconds: Option<i32>,
    /// Delay before the old pods are scaled down after promotion (traffic routing only:
    /// the controller refuses it without).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale_down_delay_seconds: Option<i32>,
    /// The Service that selects only the canary's pods (the controller adds their
    /// `rollouts-pod-template-hash` to its selector); traffic routing sends the canary's
    /// share to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub canary_service: Option<String>,
    /// The Service that selects only the stable pods, likewise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stable_service: Option<String>,
    /// How the weights reach the requests (without it: shares of the pods).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traffic_routing: Option<TrafficRouting>,
    /// Members not typed here (`dynamicStableScale`, `antiAffinity`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// A canary's traffic routing: the traffic router plugins (by the name the controller's
/// `argo-rollouts-config` ConfigMap registers them under); the built-in routers (istio,
/// nginx, alb, ...) stay in `other`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrafficRouting {
    /// The plugins' configurations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugins: Option<TrafficRouterPlugins>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// The traffic router plugins of a canary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TrafficRouterPlugins {
    /// The Gateway API plugin (`argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi`).
    #[serde(
        rename = "argoproj-labs/gatewayAPI",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub gateway_api: Option<GatewayApiPlugin>,
    /// Other plugins.
    #[serde(flatten)]
    pub other: Other,
}

/// The Gateway API plugin's configuration: the route whose backendRefs to the stable and
/// canary Services it weights (`grpcRoute` since the plugin's v0.4.0), and its namespace
/// (default: the Rollout's).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayApiPlugin {
    /// An HTTPRoute's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_route: Option<String>,
    /// A GRPCRoute's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grpc_route: Option<String>,
    /// The route's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// Members not typed here (`httpRoutes`, `grpcRoutes`, `tcpRoute`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// One canary step: exactly one of its members is set.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CanaryStep {
    /// The canary's weight in percent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set_weight: Option<i32>,
    /// A pause, timed or until promoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<RolloutPause>,
    /// An analysis the step waits for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<RolloutAnalysis>,
    /// Members not typed here (`experiment`, `setCanaryScale`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// A pause: `duration` (seconds as a number, or a Go duration), or none to wait for a
/// promotion.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutPause {
    /// How long; absent waits until someone promotes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<IntOrString>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// The analysis of a step: templates and the arguments passed to them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutAnalysis {
    /// The AnalysisTemplates merged into one AnalysisRun.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<Vec<AnalysisTemplateRef>>,
    /// Arguments for the templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<AnalysisRunArgument>>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// The background analysis of a canary.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RolloutAnalysisBackground {
    /// The AnalysisTemplates merged into one AnalysisRun.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub templates: Option<Vec<AnalysisTemplateRef>>,
    /// Arguments for the templates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<AnalysisRunArgument>>,
    /// The step index the run starts at (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub starting_step: Option<i32>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// A reference to an AnalysisTemplate.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisTemplateRef {
    /// The template's name.
    #[serde(default)]
    pub template_name: String,
    /// A ClusterAnalysisTemplate rather than one of the namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_scope: Option<bool>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// An argument a Rollout passes to its analysis.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisRunArgument {
    /// The argument's name in the template.
    #[serde(default)]
    pub name: String,
    /// A literal value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// A value from the Rollout (`podTemplateHashValue: Latest|Stable`, `fieldRef`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value_from: Option<ArgumentValueFrom>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// Where an analysis argument's value comes from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ArgumentValueFrom {
    /// `Latest` (the canary's pod-template-hash) or `Stable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_template_hash_value: Option<String>,
    /// Members not typed here (`fieldRef`).
    #[serde(flatten)]
    pub other: Other,
}

/// What an analysis measures.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnalysisTemplateSpec {
    /// Arguments the Rollout fills in (`{{args.NAME}}` in the metrics).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Vec<Argument>>,
    /// The measurements.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<Vec<Metric>>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// An argument an AnalysisTemplate declares (without a value it is required).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Argument {
    /// Its name.
    #[serde(default)]
    pub name: String,
    /// A default value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Members not typed here (`valueFrom`).
    #[serde(flatten)]
    pub other: Other,
}

/// One metric: taken `count` times every `interval`; the run fails once more than
/// `failureLimit` measurements failed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metric {
    /// Its name, unique in the run.
    #[serde(default)]
    pub name: String,
    /// Time between measurements (a Go duration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Measurements taken (absent: one, or without end when an interval is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<IntOrString>,
    /// Failed measurements tolerated (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_limit: Option<IntOrString>,
    /// An expression on `result` that a successful measurement meets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_condition: Option<String>,
    /// An expression on `result` that a failed measurement meets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_condition: Option<String>,
    /// Where the measurement comes from.
    #[serde(default)]
    pub provider: MetricProvider,
    /// Members not typed here (`initialDelay`, `consecutiveErrorLimit`, ...).
    #[serde(flatten)]
    pub other: Other,
}

/// A metric's provider (Prometheus typed; the others kept in `other`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricProvider {
    /// A PromQL query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prometheus: Option<PrometheusMetric>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}

/// A Prometheus query and the server it goes to.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrometheusMetric {
    /// The Prometheus API's address, e.g. `http://prometheus-operated.monitoring.svc:9090`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// The PromQL query; `result` is its vector.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Members not typed here.
    #[serde(flatten)]
    pub other: Other,
}
