//! Numbers from Kubernetes and from practice that several parts of Kubeprint rely on
//! (the replica arithmetic Kubernetes does with them is in [`crate::replicas`]). The
//! rules, the derived views ([`crate::insight`]), rendering and import all read them from
//! here, so a finding, the timeline the app draws and the generated YAML never disagree
//! about a number. Depends on nothing else of Kubeprint.

/// Slack (seconds) to keep between the expected end of a shutdown (preStop sleep plus
/// the app's own drain) and SIGKILL at the end of the grace period. Less is "thin": the
/// timeline says so and `shutdown_slack_thin` (KP103) warns; fixes that raise the grace
/// period leave this much. From practice: a drain that "takes 20 s" sometimes takes 21.
pub const MIN_SHUTDOWN_SLACK_SECONDS: u32 = 2;

/// The Deployment controller's default `progressDeadlineSeconds`. Rendering omits the
/// field at this value, import reads a missing field as this value, and the model
/// starts from it.
pub const DEFAULT_PROGRESS_DEADLINE_SECONDS: u32 = 600;

/// How far above the time one new pod needs to become ready a suggested
/// `progressDeadlineSeconds` lies (the fix of `progress_deadline_below_startup`, KP112).
pub const PROGRESS_DEADLINE_MARGIN_SECONDS: u64 = 60;

/// How long endpoint removal takes to reach kube-proxy, ingress controllers and DNS (E)
/// when the design does not say: a few seconds on a healthy cluster.
pub const DEFAULT_ENDPOINT_PROPAGATION_SECONDS: u32 = 5;

/// The most a ConfigMap's data may hold, in bytes: the API server refuses a larger one
/// ("must have at most 1048576 bytes", `validation.MaxSecretSize`, shared by
/// ConfigMaps).
pub const CONFIG_MAP_MAX_BYTES: usize = 1_048_576;

/// The API server's upper bound for an HPA behavior's `stabilizationWindowSeconds`.
pub const MAX_HPA_STABILIZATION_WINDOW_SECONDS: u32 = 3600;

/// The API server's upper bound for an HPA scaling policy's `periodSeconds` (the lower
/// bound is 1).
pub const MAX_HPA_POLICY_PERIOD_SECONDS: u32 = 1800;

/// Kubernetes' default for a Deployment's `maxSurge` and `maxUnavailable`, in percent.
pub const DEFAULT_ROLLOUT_PERCENT: u32 = 25;

/// The period (seconds) of the startup probe Kubeprint suggests when liveness alone
/// would restart a slow starter.
pub const SUGGESTED_STARTUP_PROBE_PERIOD_SECONDS: u32 = 5;

/// The uid Kubeprint suggests for a non-root container: above
/// [`HIGHEST_LOW_UID`], so it cannot collide with a host user (kube-score, checkov).
pub const SUGGESTED_UID: i64 = 10001;

/// The highest uid `low_uid` (KP602) still counts as low: host users live below it.
pub const HIGHEST_LOW_UID: i64 = 10000;

/// The default NodePort range of the API server (`--service-node-port-range`).
pub const NODE_PORT_RANGE: std::ops::RangeInclusive<u16> = 30000..=32767;

/// The longest DNS-1123 label: most object names, and the Service names derived from a
/// service's name.
pub const MAX_DNS_LABEL_LENGTH: usize = 63;

/// The fewest replicas that survive losing one pod: below this an eviction is an
/// outage, at or above it the pods want spreading and a PodDisruptionBudget.
pub const HA_REPLICAS: u32 = 2;

/// How often the CronJob controller looks for runs that are due, in seconds. A
/// `startingDeadlineSeconds` below this may let a run pass unnoticed
/// (`cron_starting_deadline_too_short`, KP808).
pub const CRONJOB_CONTROLLER_PERIOD_SECONDS: u32 = 10;

/// The `startingDeadlineSeconds` Kubeprint suggests: a run delayed by a controller
/// restart still starts, and one delayed for longer is skipped rather than run late.
pub const SUGGESTED_STARTING_DEADLINE_SECONDS: u32 = 300;

/// Kubernetes' default `backoffLimit` of a Job: retries before it is marked failed.
pub const DEFAULT_BACKOFF_LIMIT: u32 = 6;

/// The first delay before a Job's failed pod is retried, in seconds; each further retry
/// waits twice as long as the one before.
pub const JOB_BACKOFF_INITIAL_SECONDS: u64 = 10;

/// The longest delay between retries of a Job whose pods have `restartPolicy: Never`
/// (the Job controller's pod failure back-off, capped at six minutes).
pub const JOB_BACKOFF_MAX_SECONDS: u64 = 360;

/// The longest delay between restarts of a failed container in place (the kubelet's
/// crash back-off, capped at five minutes): a Job whose pods have `restartPolicy:
/// OnFailure` retries this way.
pub const CONTAINER_RESTART_BACKOFF_MAX_SECONDS: u64 = 300;

/// The `ttlSecondsAfterFinished` Kubeprint suggests: a day to read a finished Job's
/// logs before it and its pods are deleted.
pub const SUGGESTED_JOB_TTL_SECONDS: u32 = 86_400;

/// Kubernetes' default `maxUnavailable` of a DaemonSet's rolling update: one node's pod
/// at a time.
pub const DEFAULT_DAEMONSET_MAX_UNAVAILABLE: u32 = 1;

/// Above this share of the nodes, a DaemonSet rollout that takes pods down stops the
/// node agent on too many nodes at once (`daemonset_rollout_too_wide`, KP813).
pub const DAEMONSET_MAX_UNAVAILABLE_WARN_PERCENT: u32 = 50;

/// The share of 5xx answers (percent) above which a service's alert fires when its
/// design has no canary analysis that sets one.
pub const ERROR_RATE_ALERT_PERCENT: u32 = 5;

/// How far (percentage points) the share of the pods a replica-weight canary runs may
/// stray from a step's weight before `canary_weight_not_honored` (KP234) says so.
pub const CANARY_WEIGHT_TOLERANCE_PERCENT: u32 = 10;

/// Tags that move to new images as a branch or a release channel does: `latest`, a
/// branch's name (`main`, `master`, `develop`, `dev`, `trunk`, `head`) or a channel's
/// (`stable`, `edge`, `nightly`, `snapshot`), and no tag at all (which pulls `latest`).
pub fn moving_tag(tag: &str) -> bool {
    const MOVING: &[&str] = &[
        "latest", "main", "master", "develop", "dev", "trunk", "head", "stable", "edge", "nightly",
        "snapshot",
    ];
    tag.is_empty() || MOVING.iter().any(|m| tag.eq_ignore_ascii_case(m))
}

/// The registry of a new service's placeholder image (`registry.example.com/service`),
/// which takes the service's name when it is renamed.
pub const PLACEHOLDER_REGISTRY: &str = "registry.example.com";
