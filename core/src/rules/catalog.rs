//! Every rule Kubeprint checks, with its documentation. `docs/rules.md` is generated
//! from this table (`kubeprint rules --markdown`), and a test keeps it in step.
//!
//! Notation in the docs: T = terminationGracePeriodSeconds, S = preStop sleep,
//! A = the app's own shutdown timeout, E = endpoint-propagation delay, D = load-balancer
//! deregistration delay. A probe's budget is initialDelaySeconds + failureThreshold ×
//! periodSeconds. R = replicas, or the HPA's minReplicas when an HPA manages the workload.

use super::{Category::*, Doc, Rule, Severity::*};

macro_rules! rules {
    ($($id:ident = Rule {
        code: $code:literal, name: $name:literal, category: $category:ident, severity: $severity:ident,
        relaxed_in_dev: $relaxed:literal,
        summary: $summary:expr, why: $why:expr, bad: $bad:expr, instead: $instead:expr, source: $source:expr,
    };)*) => {
        $(#[allow(missing_docs)] pub const $id: Rule = Rule {
            code: $code, name: $name, category: $category, severity: $severity, relaxed_in_dev: $relaxed,
        };)*
        /// Every rule, in code order.
        pub static RULES: &[&Rule] = &[$(&$id),*];
        /// Each rule's documentation, in the order of [`RULES`]. A table apart from the
        /// rules themselves, so that a program which checks but never explains (the page)
        /// does not carry the text: a finding refers to its `Rule`, and a reference to a
        /// constant that held the text would keep all of it.
        pub(super) static DOCS: &[Doc] = &[$(Doc {
            summary: $summary, why: $why, bad: $bad, instead: $instead, source: $source,
        }),*];
    };
}

rules! {
PRESTOP_ABOVE_GRACE = Rule {
    code: "KP101", name: "prestop_above_grace", category: Timing, severity: Error, relaxed_in_dev: false,
    summary: "The preStop sleep may not outlast the grace period: 0 <= S <= T.",
    why: "The API server rejects a sleep action longer than terminationGracePeriodSeconds (its message says \"less than\", its check is S > T); with an exec sleep the pod is killed before SIGTERM is even sent. S = T is accepted, and leaves the app no time to stop: KP102 and KP103 say so.",
    bad: "preStop 40 s, grace period 30 s",
    instead: "Raise the grace period to S + A plus a few seconds, or shorten the preStop sleep.",
    source: "API server validation (KEP-3960, validateSleepAction: `sleep.Seconds > *gracePeriod` is invalid)",
};
SHUTDOWN_EXCEEDS_GRACE = Rule {
    code: "KP102", name: "shutdown_exceeds_grace", category: Timing, severity: Error, relaxed_in_dev: false,
    summary: "preStop plus the app's shutdown timeout must fit in the grace period: S + A <= T.",
    why: "preStop time counts against the grace period; when T runs out the kubelet sends SIGKILL and in-flight requests are dropped.",
    bad: "preStop 10 s, app shutdown 30 s, grace period 30 s (spring-boot#26469)",
    instead: "Set terminationGracePeriodSeconds to at least S + A, with a few seconds of slack.",
    source: "kubernetes#74160; Kubernetes docs, Pod termination; Connectum guide (5 + 30 <= 35)",
};
SHUTDOWN_SLACK_THIN = Rule {
    code: "KP103", name: "shutdown_slack_thin", category: Timing, severity: Warning, relaxed_in_dev: false,
    summary: "Warns when the grace period leaves less than 2 s after preStop plus shutdown.",
    why: "Zero slack is legal but fragile: signal delivery, a slow last request or a hook that overruns by a second ends in SIGKILL.",
    bad: "preStop 5 s, app shutdown 30 s, grace period 35 s",
    instead: "Keep T >= S + A + 2.",
    source: "Kubeprint (K8S-RULES timing 2)",
};
PRESTOP_BELOW_PROPAGATION = Rule {
    code: "KP104", name: "prestop_below_propagation", category: Timing, severity: Warning, relaxed_in_dev: true,
    summary: "A service that receives traffic needs a preStop sleep at least as long as the cluster's endpoint-propagation delay: S >= E. A preStop hook that is not a sleep (httpGet, exec) takes an unknown time: that is reported as info, and timing budgets count it as 0 s.",
    why: "Endpoint removal reaches kube-proxy, ingresses and DNS in parallel with SIGTERM; without the sleep the app stops accepting while traffic still arrives.",
    bad: "a Service in front of the pods, no preStop, E = 5 s",
    instead: "Sleep in preStop for at least E (5-15 s typically, more on large clusters).",
    source: "Kubernetes docs, Pod termination; K8S-RULES timing 3",
};
PRESTOP_BELOW_LB_DEREGISTRATION = Rule {
    code: "KP105", name: "prestop_below_lb_deregistration", category: Timing, severity: Warning, relaxed_in_dev: true,
    summary: "Behind a load balancer with pod-IP targets, the preStop sleep must outlast the deregistration delay: D < S <= T.",
    why: "The load balancer keeps sending to a target until deregistration completes (300 s by default on AWS).",
    bad: "LoadBalancer Service, deregistration delay 30 s, preStop 5 s",
    instead: "Lower the deregistration delay, or sleep longer than it and raise the grace period to match.",
    source: "AWS Load Balancer Controller docs; K8S-RULES timing 4",
};
STARTUP_BUDGET_SHORT = Rule {
    code: "KP106", name: "startup_budget_short", category: Timing, severity: Error, relaxed_in_dev: false,
    summary: "The startup probe's budget (or liveness's, without a startup probe) must cover the expected worst-case start-up time.",
    why: "A probe that gives up before the app has started restarts it, and it never starts: CrashLoopBackOff.",
    bad: "start-up 90 s; liveness initialDelay 10 s, 3 × 10 s; no startup probe",
    instead: "Add a startup probe with failureThreshold × periodSeconds >= the worst-case start-up time.",
    source: "Kubernetes docs, \"Protect slow starting containers with startup probes\"; kube-score probe guide",
};
PROBE_SUCCESS_THRESHOLD = Rule {
    code: "KP107", name: "probe_success_threshold", category: Timing, severity: Error, relaxed_in_dev: false,
    summary: "Liveness and startup probes must have successThreshold 1.",
    why: "The API server rejects any other value for these probes.",
    bad: "livenessProbe.successThreshold: 2",
    instead: "Use successThreshold 1; use readiness for \"several successes before traffic\".",
    source: "API server validation",
};
PROBE_TIMEOUT_NOT_BELOW_PERIOD = Rule {
    code: "KP108", name: "probe_timeout_not_below_period", category: Timing, severity: Warning, relaxed_in_dev: false,
    summary: "A probe's timeout should be shorter than its period.",
    why: "The kubelet does not overlap probes, so a slow check silently stretches the period and every budget computed from it.",
    bad: "timeoutSeconds 10, periodSeconds 5",
    instead: "Keep timeoutSeconds < periodSeconds.",
    source: "kyverno/policies#1500",
};
LIVENESS_EQUALS_READINESS = Rule {
    code: "KP109", name: "liveness_equals_readiness", category: Timing, severity: Warning, relaxed_in_dev: true,
    summary: "Liveness and readiness probes should not be identical (an initial delay apart: it no longer counts once the pod runs).",
    why: "When a dependency is down both fail together, so pods are restarted instead of just taken out of the Service: a cascading restart.",
    bad: "both probes GET /healthz every 10 s, 3 failures",
    instead: "Make liveness check only the process itself, with a larger failure budget than readiness.",
    source: "kube-score pod-probes-identical; Kyverno validate-probes",
};
LIVENESS_NOT_ABOVE_READINESS = Rule {
    code: "KP110", name: "liveness_not_above_readiness", category: Timing, severity: Warning, relaxed_in_dev: true,
    summary: "While the pod runs, liveness should take longer to give up than readiness: failureThreshold × periodSeconds of each (the initial delays are past by then).",
    why: "A stuck pod should leave the Service (readiness) before it is restarted (liveness), so restarts do not drop requests.",
    bad: "liveness 3 × 5 s, readiness 3 × 10 s",
    instead: "Give liveness more failures or a longer period than readiness.",
    source: "K8S-RULES timing 8 (advisory)",
};
PROGRESS_DEADLINE_NOT_ABOVE_MIN_READY = Rule {
    code: "KP111", name: "progress_deadline_not_above_min_ready", category: Timing, severity: Error, relaxed_in_dev: false,
    summary: "A Deployment's progressDeadlineSeconds must be greater than minReadySeconds.",
    why: "The API server rejects it; the rollout could never report progress in time.",
    bad: "minReadySeconds 60, progressDeadlineSeconds 30",
    instead: "Keep progressDeadlineSeconds well above minReadySeconds (the default is 600).",
    source: "API server validation",
};
PROGRESS_DEADLINE_BELOW_STARTUP = Rule {
    code: "KP112", name: "progress_deadline_below_startup", category: Timing, severity: Warning, relaxed_in_dev: true,
    summary: "progressDeadlineSeconds should exceed the time one new pod may need to become ready.",
    why: "Otherwise every rollout of a slow starter is marked failed, and automation rolls back a healthy release.",
    bad: "startup probe budget 300 s, progressDeadlineSeconds 120",
    instead: "Set progressDeadlineSeconds above the start-up budget plus minReadySeconds.",
    source: "K8S-RULES timing 9 (advisory)",
};
ROLLOUT_CANNOT_PROGRESS = Rule {
    code: "KP113", name: "rollout_cannot_progress", category: Timing, severity: Error, relaxed_in_dev: false,
    summary: "A rolling update may not have maxSurge and maxUnavailable both 0, nor maxUnavailable above 100%.",
    why: "The API server rejects it: the rollout could neither add nor remove a pod.",
    bad: "maxSurge: 0, maxUnavailable: 0",
    instead: "Allow a surge of 1 (zero-downtime) or some unavailability.",
    source: "API server validation",
};
HPA_BEHAVIOR_OUT_OF_RANGE = Rule {
    code: "KP114", name: "hpa_behavior_out_of_range", category: Timing, severity: Error, relaxed_in_dev: false,
    summary: "HPA stabilization windows must be 0..=3600 s; policy periods 1..=1800 s; policy values above 0.",
    why: "The API server rejects values outside these ranges.",
    bad: "scaleDown.stabilizationWindowSeconds: 7200",
    instead: "Stay within the ranges; the defaults are 300 s down, 0 s up.",
    source: "API server validation (autoscaling/v2)",
};
NO_PROBES = Rule {
    code: "KP115", name: "no_probes", category: Timing, severity: Warning, relaxed_in_dev: true,
    summary: "A workload should have at least one probe (readiness, liveness or startup); probes of any container of the pod count.",
    why: "Without a readiness probe a pod gets traffic as soon as its process starts, before it can serve, and keeps it while it hangs; without liveness a hung process is never restarted.",
    bad: "a Deployment behind a Service whose container has no probes at all",
    instead: "Add a readiness probe on the port the Service targets (HTTP GET of a health path, gRPC health, or a TCP connect), then a liveness probe with a larger failure budget.",
    source: "kube-score pod-probes; Polaris readinessProbeMissing, livenessProbeMissing; kube-linter no-readiness-probe, no-liveness-probe",
};
SIDECAR_SHUTDOWN_EXCEEDS_GRACE = Rule {
    code: "KP116", name: "sidecar_shutdown_exceeds_grace", category: Timing, severity: Warning, relaxed_in_dev: false,
    summary: "With native sidecars, the grace period must cover the main containers' preStop plus shutdown and then the sidecars' own shutdown: T >= max(S + A, regular containers' shutdown) + the sidecars' shutdown times, added up. (When S + A alone exceeds T, KP102 says so.)",
    why: "The kubelet stops native sidecars only after every main container has exited, one after another in reverse order of definition, and all of it within one terminationGracePeriodSeconds: time the main containers use is time the sidecars do not get. A log shipper or telemetry agent killed mid-flush loses the pod's last records; a proxy killed early cuts the connections it still drains.",
    bad: "preStop 5 s, app shutdown 20 s, log-shipper sidecar needing 10 s to flush, grace period 30 s",
    instead: "Raise terminationGracePeriodSeconds to S + A + the sidecars' shutdown plus a few seconds, or shorten the sidecars' flush.",
    source: "Kubernetes docs, Sidecar Containers (termination order); KEP-753; kubelet kuberuntime_termination_order.go",
};
SIDECAR_STARTED_NOT_READY = Rule {
    code: "KP117", name: "sidecar_started_not_ready", category: Timing, severity: Warning, relaxed_in_dev: true,
    summary: "A native sidecar the main containers need from start-up (a database proxy, a secrets agent, a mesh proxy) needs a startup probe.",
    why: "The kubelet starts the next container as soon as a sidecar has started, and waits only for its startupProbe (or postStart hook) to succeed; a readiness probe does not hold the main containers back. Without a startup probe the app starts before the proxy listens, and its first connections fail.",
    bad: "cloud-sql-proxy sidecar needed at start, with only a liveness probe",
    instead: "Give the sidecar a startup probe on its readiness endpoint (the proxy's /startup, the agent's health port).",
    source: "Kubernetes docs, Sidecar Containers; Kubernetes blog, \"Start Sidecar First: How To Avoid Snags\" (2025)",
};
APP_SHUTDOWN_SETTING_DIFFERS = Rule {
    code: "KP118", name: "app_shutdown_setting_differs", category: Timing, severity: Warning, relaxed_in_dev: true,
    summary: "The app's own shutdown timeout, where its configuration sets one (a variable such as `GRACEFUL_SHUTDOWN_TIMEOUT_MS`, `SHUTDOWN_TIMEOUT` or `SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE`, as a literal or a ConfigMap value), should be the design's app shutdown A.",
    why: "The grace period is checked against A (KP102): an app told to drain for longer than A is killed mid-drain although every rule passes (an error where preStop plus what the app is told overruns the grace period), and one told less makes the design's numbers fiction. A set to 0 beside such a setting checks the grace period against no drain at all.",
    bad: "App shutdown 40 s, GRACEFUL_SHUTDOWN_TIMEOUT_MS: '30000'",
    instead: "Make them agree: the fix tells a variable of the service's own A (in its unit), or sets A from a ConfigMap's value or a config file's, which other services may share.",
    source: "K8S-RULES timing 2 (A is the app's own shutdown timeout, e.g. Connectum's `shutdown.timeout`)",
};
HPA_MIN_ABOVE_MAX = Rule {
    code: "KP201", name: "hpa_min_above_max", category: Scaling, severity: Error, relaxed_in_dev: false,
    summary: "An HPA's minReplicas may not exceed maxReplicas.",
    why: "The API server rejects it.",
    bad: "minReplicas 5, maxReplicas 3",
    instead: "Raise maxReplicas or lower minReplicas; check environment overrides too.",
    source: "API server validation",
};
HPA_MIN_ZERO = Rule {
    code: "KP202", name: "hpa_min_zero", category: Scaling, severity: Error, relaxed_in_dev: false,
    summary: "An HPA's minReplicas must be at least 1.",
    why: "The API server rejects 0 unless the HPAScaleToZero alpha gate is on.",
    bad: "minReplicas 0",
    instead: "Use at least 1, or remove the HPA and scale to 0 by hand.",
    source: "API server validation",
};
HPA_MIN_BELOW_TWO = Rule {
    code: "KP203", name: "hpa_min_below_two", category: Scaling, severity: Warning, relaxed_in_dev: false,
    summary: "In production an HPA's minReplicas should be at least 2 (checked in prod environments only).",
    why: "With one pod, every node drain, eviction or crash is an outage.",
    bad: "prod, minReplicas 1",
    instead: "minReplicas 2 or more in production; dev may run one.",
    source: "kube-score, Polaris",
};
HPA_TARGET_WITHOUT_REQUEST = Rule {
    code: "KP204", name: "hpa_target_without_request", category: Scaling, severity: Error, relaxed_in_dev: false,
    summary: "An HPA utilization target for cpu or memory needs a request (or a limit, which the API server copies) for that resource in every container but the init containers: the main one, the others and the native sidecars; and the requests may not all be 0.",
    why: "Utilization is a percentage of the pods' summed requests; with one missing the HPA cannot compute it and never scales.",
    bad: "HPA on 70% cpu, no cpu request",
    instead: "Set the resource's request.",
    source: "Kubernetes docs, HorizontalPodAutoscaler",
};
PDB_BLOCKS_DRAIN = Rule {
    code: "KP205", name: "pdb_blocks_drain", category: Scaling, severity: Warning, relaxed_in_dev: true,
    summary: "A PDB must allow at least one disruption: minAvailable < R (and <= the HPA's minReplicas), maxUnavailable not 0, minAvailable not 100%.",
    why: "Otherwise node drains, cluster upgrades and autoscaler scale-downs block forever.",
    bad: "replicas 2, PDB minAvailable 2",
    instead: "Use maxUnavailable: 1, or minAvailable below the replica count.",
    source: "kube-linter pdb-min-available, pdb-max-unavailable; Polaris pdbDisruptionsIsZero, pdbMinAvailableGreaterThanHPAMinReplicas",
};
NO_SPREAD = Rule {
    code: "KP206", name: "no_spread", category: Scaling, severity: Warning, relaxed_in_dev: true,
    summary: "A workload with R >= 2 should spread its pods with anti-affinity or topologySpreadConstraints.",
    why: "The scheduler may put every replica on one node, which then takes them all down.",
    bad: "replicas 3, no affinity, no topology spread",
    instead: "Spread on kubernetes.io/hostname (maxSkew 1).",
    source: "kube-linter no-anti-affinity; kube-score deployment-has-host-podantiaffinity",
};
NO_PDB = Rule {
    code: "KP207", name: "no_pdb", category: Scaling, severity: Warning, relaxed_in_dev: true,
    summary: "A workload with R >= 2 should have a PodDisruptionBudget.",
    why: "Without one, a drain may evict every replica at once.",
    bad: "replicas 3, no PDB",
    instead: "Add a PDB with maxUnavailable: 1.",
    source: "kube-score deployment-has-poddisruptionbudget; Polaris missingPodDisruptionBudget",
};
CRITICAL_WITHOUT_PROTECTION = Rule {
    code: "KP208", name: "critical_without_protection", category: Scaling, severity: Warning, relaxed_in_dev: false,
    summary: "A service marked critical needs an HPA and a PDB in production (checked in prod environments only).",
    why: "The design says it must stay up; without both it cannot absorb load or survive maintenance.",
    bad: "critical: true, no HPA, prod",
    instead: "Add an HPA (min >= 2) and a PDB.",
    source: "miniredis platform plan (\"Critical services should also have PDB, anti-affinity, HPA\")",
};
REPLICAS_WITH_HPA = Rule {
    code: "KP209", name: "replicas_with_hpa", category: Scaling, severity: Warning, relaxed_in_dev: false,
    summary: "A Deployment or StatefulSet that an HPA scales should not set `spec.replicas` (checked on the rendered objects, so replicas kept from an import and HPAs kept whole count).",
    why: "Every `kubectl apply` sets the replica count back to the manifest's value, so a scaled-up workload drops to it until the HPA reacts again: an outage under load.",
    bad: "an imported Deployment with `replicas: 3` and an HPA scaling it between 2 and 6",
    instead: "Leave replicas out and let the HPA own the scale (Kubeprint omits it whenever the service has autoscaling).",
    source: "kube-score deployment-targeted-by-hpa-does-not-have-replicas-configured; Kubernetes docs, HorizontalPodAutoscaler (migrating Deployments to autoscaling)",
};
REPLICAS_OVERRIDE_UNDER_HPA = Rule {
    code: "KP210", name: "replicas_override_under_hpa", category: Scaling, severity: Warning, relaxed_in_dev: false,
    summary: "An environment that sets a service's replicas while the service has an HPA changes nothing: the HPA, between its minimum and maximum, decides how many pods run.",
    why: "Kubeprint leaves `spec.replicas` out of a workload an HPA scales (KP209), so a replicas value of the environment is not written at all: a dev environment meant to run one pod runs the HPA's minimum.",
    bad: "dev sets replicas to 1; the service's HPA scales between 2 and 6",
    instead: "Switch the HPA off in that environment (\"HPA here: off\") so that its replicas run, or set the HPA's minimum (and maximum) there instead.",
    source: "Kubernetes docs, HorizontalPodAutoscaler (the HPA sets the target's replicas between minReplicas and maxReplicas)",
};
CANARY_NOT_ON_DEPLOYMENT = Rule {
    code: "KP230", name: "canary_not_on_deployment", category: Scaling, severity: Warning, relaxed_in_dev: false,
    summary: "A canary (an Argo Rollouts `Rollout`) replaces a Deployment only: on a StatefulSet, DaemonSet, Job or CronJob the strategy is ignored and the workload updates as its kind does.",
    why: "The design says updates go through canary steps and analysis, but what is applied rolls every pod over as before: no weights, no analysis, no abort.",
    bad: "a StatefulSet whose strategy (or prod override) is canary",
    instead: "Keep the rolling update for this kind, or make the service a Deployment.",
    source: "Argo Rollouts docs, \"Rollout\" (a drop-in replacement for a Deployment)",
};
CANARY_WEIGHT_NOT_HONORED = Rule {
    code: "KP231", name: "canary_weight_not_honored", category: Scaling, severity: Warning, relaxed_in_dev: true,
    summary: "Without traffic routing a canary's weight is its share of the pods: with R replicas (the HPA's minReplicas under an HPA) a setWeight whose pod share differs from the weight by more than 10 points is not what the canary gets (R = 1 gives any weight between 1 and 99 half the traffic).",
    why: "Argo Rollouts approximates the weight with whole pods (never 0 canary pods for a weight between 1 and 99 when two pods may run): a `setWeight: 10` with 2 replicas sends half the traffic to the new version, so a bad release hurts five times more users than planned.",
    bad: "replicas 1, steps setWeight 20, pause 5 min",
    instead: "Run enough replicas for the weights (10 for 10% steps), choose weights the replica count can express, or route traffic through a Gateway API route or a mesh.",
    source: "Argo Rollouts docs, Canary (\"the weight is achieved by scaling replica counts\" without trafficRouting); approximateWeightedCanaryStableReplicaCounts in utils/replicaset",
};
CANARY_WITHOUT_DEADLINE_ABORT = Rule {
    code: "KP232", name: "canary_without_deadline_abort", category: Scaling, severity: Warning, relaxed_in_dev: true,
    summary: "A canary should set progressDeadlineAbort: without it, canary pods that never become ready leave the rollout Degraded at its canary weight instead of rolling back.",
    why: "When the new pods crash-loop or never pass readiness, the rollout stops progressing; after progressDeadlineSeconds it is marked ProgressDeadlineExceeded, but the broken canary keeps its share of the traffic until someone aborts by hand. With progressDeadlineAbort the controller aborts: the canary scales down and the stable pods take everything back.",
    bad: "canary steps, progressDeadlineAbort unset",
    instead: "Set progressDeadlineAbort: true (and a progressDeadlineSeconds above the time a new pod needs to become ready, KP112).",
    source: "Argo Rollouts docs, Rollout spec (progressDeadlineAbort); datree ARGO_ROLLOUT_INCORRECT_PROGRESS_DEADLINE_ABORT_VALUE_FALSE",
};
CANARY_PAUSE_WAITS_FOR_PROMOTION = Rule {
    code: "KP233", name: "canary_pause_waits_for_promotion", category: Scaling, severity: Info, relaxed_in_dev: false,
    summary: "A pause without a duration waits for a manual promotion, and neither progressDeadlineSeconds nor progressDeadlineAbort ends it: the deadline is not evaluated at pause, analysis and experiment steps. Only a background analysis that runs during the pause can abort it.",
    why: "The canary keeps its weight for as long as nobody promotes or aborts: hours or days of two versions side by side, which the release process must expect. Timed pauses do not count against the deadline either (Argo Rollouts excludes every pause and analysis step), so a long pause never needs a longer deadline.",
    bad: "steps setWeight 20, pause {}, no background analysis",
    instead: "Give the pause a duration, or run the analysis in the background from a step before the pause so a failing canary is aborted while it waits.",
    source: "Argo Rollouts rollout/sync.go (isIndefiniteStep: pause, analysis and experiment steps do not affect progressDeadlineSeconds); argoproj/argo-rollouts#269, #1225",
};
BACKGROUND_ANALYSIS_CUT_SHORT = Rule {
    code: "KP234", name: "background_analysis_cut_short", category: Scaling, severity: Warning, relaxed_in_dev: true,
    summary: "A background analysis needs (count - 1) x interval to take its count measurements; the timed pauses from its starting step to the last step must last that long, or the rollout completes and the controller stops the run before it could reach its verdict.",
    why: "When the last step is done the rollout is promoted and the background AnalysisRun is terminated as successful: measurements it never took cannot fail it, so a canary whose errors show late is fully promoted.",
    bad: "analysis every 60 s, count 10, from step 1; pauses 2 min and 2 min after it",
    instead: "Lower the count (or the interval) to fit the pauses, or lengthen the pauses after the starting step.",
    source: "Argo Rollouts docs, Analysis (\"if the rollout completes all of its canary steps ... the analysis run is stopped by the controller\")",
};
SCALE_DOWN_DELAY_WITHOUT_ROUTING = Rule {
    code: "KP235", name: "scale_down_delay_without_routing", category: Scaling, severity: Error, relaxed_in_dev: false,
    summary: "scaleDownDelaySeconds and abortScaleDownDelaySeconds apply to canaries with traffic routing only: a replica-weight canary with scaleDownDelaySeconds is refused (an error), and its abortScaleDownDelaySeconds is ignored (a warning).",
    why: "Argo Rollouts validates the spec: \"Canary scaleDownDelaySeconds can only be used with traffic routing\"; the Rollout is marked InvalidSpec and no update proceeds. Without a traffic router the old pods leave the Service the moment they scale down, so there is nothing to delay.",
    bad: "steps of setWeight without trafficRouting, scaleDownDelaySeconds: 30",
    instead: "Leave both out for a replica-weight canary, or route the canary's traffic through its Gateway API route (where both apply).",
    source: "Argo Rollouts pkg/apis/rollouts/validation (InvalidCanaryScaleDownDelay); Rollout spec docs",
};
ANALYSIS_STEP_WITHOUT_ANALYSIS = Rule {
    code: "KP236", name: "analysis_step_without_analysis", category: Scaling, severity: Warning, relaxed_in_dev: false,
    summary: "An analysis step needs the service's analysis (its AnalysisTemplate); without one the step is not written and the canary proceeds unchecked.",
    why: "The step stands for a gate that checks the canary before the next weight; with no template there is nothing to run, so Kubeprint leaves it out and the rollout goes on without the check.",
    bad: "steps setWeight 20, analysis, setWeight 50; no analysis settings",
    instead: "Add the analysis (5xx rate and readiness of the canary pods), or remove the step.",
    source: "Argo Rollouts docs, Analysis (analysis at a predefined step)",
};
CANARY_ROUTE_MISSING = Rule {
    code: "KP237", name: "canary_route_missing", category: Scaling, severity: Warning, relaxed_in_dev: false,
    summary: "A canary routed through its Gateway API route needs a route, a Service to route to and a Gateway in the environment: without them no traffic routing is written and the weights are shares of the pods again.",
    why: "The Gateway API plugin of Argo Rollouts weights the backendRefs of a route to the stable and canary Services; with no route (or no Gateway for it to attach to, or no Service) there is nothing to weight, so Kubeprint writes a replica-weight canary: a setWeight of 10 with 2 replicas gives the canary half the traffic.",
    bad: "traffic through the Gateway route, but the service has no gateway route in prod (or prod has no Gateway)",
    instead: "Give the service a Gateway API route and the environment a Gateway, or choose replica weights.",
    source: "argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi docs (the route must send to the stable and canary Services); Argo Rollouts docs, Canary (without trafficRouting the weight is achieved by scaling replica counts)",
};
CANARY_ROUTE_SPLITS_OTHER_BACKENDS = Rule {
    code: "KP238", name: "canary_route_splits_other_backends", category: Scaling, severity: Warning, relaxed_in_dev: false,
    summary: "A rule of a canary's route that also sends to other Services loses its split: the Gateway API plugin sets the stable weight to 100 minus the canary weight, whatever share the rule gave the service.",
    why: "At each step the plugin writes the canary backendRef's weight w and the stable one's 100 - w; the other backendRefs keep theirs, so the service's share of the rule jumps to 100 parts against the others' few (a 90/10 split with another Service becomes 100/10 at rest), and the split the design shows is not the one the Gateway applies.",
    bad: "a canary routed through its route, whose rule sends 90 to the service and 10 to another Service",
    instead: "Send the rule only to the service (its stable and canary Services), and split to other Services in a rule of its own; or choose replica weights.",
    source: "argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi pkg/plugin (SetWeight: canary weight w, stable weight 100 - w); Gateway API docs, HTTPRoute backendRefs weight (proportional to the sum of the rule's weights)",
};
SERVICE_TARGET_PORT_UNKNOWN = Rule {
    code: "KP301", name: "service_target_port_unknown", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A Service port's targetPort must be a declared container port (by name or number).",
    why: "A named target that no container declares sends traffic nowhere. A number that is not declared works only if the app happens to listen there (a warning).",
    bad: "Service targetPort: http, container ports: [grpc]",
    instead: "Point targetPort at a declared container port.",
    source: "kube-linter dangling-service; kube-score service-targets-pod",
};
PROBE_PORT_UNKNOWN = Rule {
    code: "KP302", name: "probe_port_unknown", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A probe's port must be a declared container port: a name one of the container's port names, a number one of its port numbers.",
    why: "A probe on an unknown named port fails every time, so the pod is never ready or is restarted forever. A number that no container port declares is valid and works if the app listens there: a warning.",
    bad: "livenessProbe.httpGet.port: metrics, no port named metrics",
    instead: "Probe a declared port.",
    source: "kube-linter liveness-port, readiness-port, startup-port",
};
INGRESS_BACKEND_MISSING = Rule {
    code: "KP303", name: "ingress_backend_missing", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "An Ingress route must point at an existing Service port: a port name (`port.name`) one of the Service's names, a number (`port.number`) one of its port numbers.",
    why: "Otherwise the ingress controller answers 503 for the route.",
    bad: "route to port https, the Service has only http",
    instead: "Route to one of the Service's ports.",
    source: "kube-linter dangling-ingress; kube-score ingress-targets-service",
};
EDGE_PORT_MISSING = Rule {
    code: "KP304", name: "edge_port_missing", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A dependency edge must name a port of the target's Service.",
    why: "The NetworkPolicy for the edge cannot be written, and the caller has nothing to call.",
    bad: "api -> db on port sql, db's Service has only postgres",
    instead: "Connect to a port the target's Service exposes; a service without a Service port cannot be called: give it a port or remove the dependency.",
    source: "Kubeprint",
};
CONFIG_REFERENCE_MISSING = Rule {
    code: "KP305", name: "config_reference_missing", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "envFrom and valueFrom must reference a ConfigMap or Secret (and key) that the design defines.",
    why: "The container cannot start: CreateContainerConfigError.",
    bad: "envFrom configMapRef app-config, no such ConfigMap",
    instead: "Define the ConfigMap or Secret, or fix the name or key.",
    source: "kube-linter env-value-from",
};
DUPLICATE_ENV = Rule {
    code: "KP306", name: "duplicate_env", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "An environment variable should be defined once.",
    why: "The last definition silently wins, so the other one is dead configuration that misleads readers.",
    bad: "env: [PORT=8080, PORT=9090]",
    instead: "Remove one of them.",
    source: "kube-linter duplicate-env-var",
};
DUPLICATE_PORT = Rule {
    code: "KP307", name: "duplicate_port", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "Container ports and Service ports must be unique by number (and protocol) and by name; several Service ports each need a name.",
    why: "The API server rejects duplicates and unnamed ports in a multi-port Service.",
    bad: "two container ports named http",
    instead: "Give every port its own number and name.",
    source: "API server validation",
};
PORT_POOL_OVERLAP = Rule {
    code: "KP308", name: "port_pool_overlap", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A port pool must be a valid range that overlaps neither the pod's declared ports, nor another pool, nor the NodePort range 30000-32767.",
    why: "The service would hand out a port something else already listens on.",
    bad: "pool 7000-7100, container port 7000",
    instead: "Move the pool to a free range.",
    source: "miniredis platform plan (\"verify no conflict with node/host networking strategy\")",
};
DUPLICATE_OBJECT_NAME = Rule {
    code: "KP309", name: "duplicate_object_name", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "Two objects of one kind may not share a name in a namespace, including names Kubeprint derives (`<name>-external`, `<name>-allow`, cert-manager's `<name>-tls`).",
    why: "The second apply overwrites the first.",
    bad: "a service api with a LoadBalancer and another service called api-external",
    instead: "Rename one of them.",
    source: "API server (names are unique per kind and namespace)",
};
STATEFULSET_NOT_HEADLESS = Rule {
    code: "KP310", name: "statefulset_not_headless", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "The Service a StatefulSet names as its governing Service (`serviceName`) should exist and be headless (checked on the rendered objects, Services kept whole included).",
    why: "Stable per-pod DNS names (pod-0.name) come only from a headless governing Service.",
    bad: "StatefulSet whose own Service is ClusterIP, or whose serviceName names a Service the bundle does not contain",
    instead: "Make its Service headless (clusterIP: None), or point serviceName at the headless Service that selects its pods.",
    source: "Kubernetes docs, StatefulSet",
};
UNREACHABLE_UNDER_DEFAULT_DENY = Rule {
    code: "KP311", name: "unreachable_under_default_deny", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "With default-deny on, a service with a Service port should have something allowed to reach it, and on more than its metrics port.",
    why: "No edge, route, load balancer or monitoring scrape means no allow rule: every connection to it is dropped. A scrape lets Prometheus in on the metrics port only, so the Service's other ports stay closed to everyone.",
    bad: "default-deny, a Service on 8080, no incoming edges",
    instead: "Add a dependency edge from its callers (or remove the Service); a service reached from outside (one a compose file published on the host) gets an Ingress (the fix).",
    source: "Checkov CKV2_K8S_6; kube-score pod-networkpolicy",
};
SECRET_TYPE_KEYS = Rule {
    code: "KP312", name: "secret_type_keys", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A Secret of a built-in type must carry the keys its type requires: `kubernetes.io/tls` tls.crt and tls.key, `kubernetes.io/ssh-auth` ssh-privatekey, `kubernetes.io/dockerconfigjson` .dockerconfigjson, `kubernetes.io/dockercfg` .dockercfg, `kubernetes.io/basic-auth` username or password.",
    why: "The API server refuses such a Secret, so the apply fails (and with it every object after it in a `kubectl apply`).",
    bad: "type kubernetes.io/tls with keys cert, key",
    instead: "Name its keys as the type requires (tls.crt, tls.key), or make it Opaque.",
    source: "Kubernetes API validation (ValidateSecret); Kubernetes docs, Secret types",
};
UNEXPANDED_VARIABLE = Rule {
    code: "KP313", name: "unexpanded_variable", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "A `$(VAR)` in a variable's value names a variable defined before it (in `envFrom` or earlier in `env`); one in a command or its arguments names a variable of the container. Not counted: `$$(VAR)` (written as is on purpose), Service link variables (`*_SERVICE_HOST`, `*_PORT`), and containers reading a ConfigMap or Secret the design does not have.",
    why: "Kubernetes expands only references it can resolve at that point and leaves the others as written: the app gets the text `$(REGION)`, and nothing fails until it uses it.",
    bad: "env: [ATTRS=region=$(REGION), REGION=eu-west-1]",
    instead: "Define REGION before ATTRS (an environment's own variable goes before the variables that read it), or read a variable the container has.",
    source: "Kubernetes API reference, EnvVar.value and Container.command/args (variable references)",
};
PUBLISHED_NOT_REACHABLE = Rule {
    code: "KP314", name: "published_not_reachable", category: Wiring, severity: Info, relaxed_in_dev: false,
    summary: "A service whose compose file published an HTTP port on the host (`ports: [\"80:80\"]`: a port named http or https, or 80 or 443) is reached from outside the cluster: by its Ingress, Gateway route or LoadBalancer, or through a service that is and calls it.",
    why: "Compose publishes on the host what people open in a browser; Kubernetes publishes nothing by itself. Imported as it is, the front door is a cluster-internal Service that nothing outside reaches.",
    bad: "compose: proxy publishes 80:80; the design: proxy's Service is ClusterIP, with no Ingress, Gateway route or LoadBalancer",
    instead: "Give it an Ingress (a host name routed by the cluster's ingress controller), a Gateway route, or a LoadBalancer Service (the fix adds one).",
    source: "Compose specification, services.ports (published on the host); Kubernetes docs, Service (ClusterIP is reachable only from within the cluster; type LoadBalancer, Ingress)",
};
MOUNTED_FILE_EMPTY = Rule {
    code: "KP315", name: "mounted_file_empty", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "A key of a ConfigMap that a container mounts as a file (by `subPath`, or the whole ConfigMap as a directory, where a key named as a variable, `FEATURE_X`, is left out: it is more likely read as one) holds some text in the environment: an empty one is a file the app reads as empty.",
    why: "An empty nginx `default.conf` gives nginx no server and the proxy answers with its welcome page; an empty settings file gives the app its defaults. Nothing fails at deploy time. A compose import leaves such a key empty where the project's file was not given with the compose file.",
    bad: "proxy mounts key `nginx.conf` of ConfigMap `proxy-files` at /etc/nginx/conf.d/default.conf; the key is empty",
    instead: "Paste the file's text into the key on the config page (or import the compose file together with the files it mounts).",
    source: "Kubernetes docs, ConfigMaps (using ConfigMaps as files from a Pod; subPath mounts)",
};
ADDRESS_NOT_ALLOWED = Rule {
    code: "KP320", name: "address_not_allowed", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "An address in a service's configuration (an env value of any container, ConfigMap data the service reads through envFrom, configMapKeyRef or a configMap volume, or a URL or `host:port` in a container's command or arguments, `--flag=value` read as its value) that names a service of the design must be allowed by an edge when default-deny is on in the caller's environment (egress) or in the callee's (ingress). Addresses are URLs (`scheme://[user@]host[:port]/path`; the scheme's port when none is written: http/ws 80, https/wss/grpcs 443, and the usual ports of redis, postgres, mysql, mongodb, amqp, nats), `host:port`, and in-cluster names (`name` as a whole host-like value, `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local`, `pod.name.ns.svc...`). An edge from environment E leads to the callee in E when E runs it, else in the one shared environment that does; an address into any other environment's namespace cannot be allowed by an edge.",
    why: "Under default-deny only the edges' NetworkPolicies let traffic through: an address no edge covers is dropped at run time, silently (a trace exporter just loses its spans).",
    bad: "default-deny in prod; order-service's ConfigMap says OTEL_EXPORTER_OTLP_ENDPOINT=http://otel-collector.observability.svc.cluster.local:4317; no edge order-service -> otel-collector",
    instead: "Add the edge (the fix adds it on the Service port the address names), which writes the egress here and the ingress in the callee's namespace.",
    source: "Kubernetes docs, Network Policies (a pod is isolated for egress/ingress once a policy selects it; namespaceSelector and podSelector in one peer select those pods of those namespaces); DNS for Services and Pods (`<service>.<namespace>.svc.<cluster-domain>`)",
};
ADDRESS_UNKNOWN_SERVICE = Rule {
    code: "KP321", name: "address_unknown_service", category: Wiring, severity: Warning, relaxed_in_dev: true,
    summary: "An in-cluster address in a service's configuration (`*.svc`, `*.svc.cluster.local`, `name.ns` where ns is the namespace of an environment of the design, or a bare name surely written as an address: in a URL, `cache:6379` in a variable that names a host, or alone in `CACHE_HOST`, `CACHE_ADDR` and the like; files mounted from a ConfigMap are not read for bare names) should name a service the design runs in that namespace, or a Service kept whole from an import, on a port that Service exposes (a headless Service's name reaches the pods: on the container port its port targets). Info instead of warning when no default-deny stands in the way and the name is not a service of the design (the service may be deployed by something else; a container of a pod is said to be reached at localhost); a service of the design without a Service, or without that port, is a warning, and so is a bare name (`http://ratings:9080`) of the Service of a design service the environment does not run (the fix runs it there); external hosts, IP addresses, `localhost` and listen addresses (`0.0.0.0:8080`) are never read as in-cluster.",
    why: "A typo in a service or namespace name, or a dependency the design forgot, fails only at run time with a DNS error; under default-deny no edge can even allow it.",
    bad: "INVENTORY_HOST=inventory-service.connectum.svc.cluster.local in a design without inventory-service; or payments.shop:9000 where payments exposes only 8080",
    instead: "Add the missing service to the design (in the environment of that namespace), correct the name or port (where the Service has one port and the address writes the port it dials, the fix dials that one), or deploy it and allow it outside Kubeprint.",
    source: "Kubernetes docs, DNS for Services and Pods",
};
EDGE_TARGET_AMBIGUOUS = Rule {
    code: "KP322", name: "edge_target_ambiguous", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "An edge whose callee does not run in the caller's environment must lead to exactly one shared environment that runs it; two or more leave its namespace unsaid.",
    why: "Kubeprint writes the edge's NetworkPolicies only where it leads; with several candidates it writes none, and default-deny drops the traffic.",
    bad: "otel-collector enabled in both `observability` and `observability-eu` (both shared) and disabled in prod; an edge order-service -> otel-collector",
    instead: "Run the callee in one shared environment only, or also in the caller's environment.",
    source: "Kubeprint's edge semantics (ARCHITECTURE.md, `edges.rs`); Kubernetes docs, Network Policies",
};
HEADLESS_PORT_REMAPPED = Rule {
    code: "KP323", name: "headless_port_remapped", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "A headless Service's port should be the number of the container port it targets.",
    why: "A headless Service (clusterIP: None) has no virtual IP to translate ports: its name resolves to the pods, so a caller dialing `name:80` reaches a pod on port 80, where nothing listens when the container listens on 8080. Only a ClusterIP Service maps a port to another target port.",
    bad: "a StatefulSet's headless Service with port 80 targeting container port http (8080)",
    instead: "Number the Service port as the container port (the fix does, and the addresses that dial it follow), or make the Service ClusterIP when no stable pod names are needed.",
    source: "Kubernetes docs, Service: Headless Services (no load balancing or proxying by the platform; DNS returns the pods' addresses)",
};
EXTERNAL_BLOCKED_BY_DEFAULT_DENY = Rule {
    code: "KP324", name: "external_blocked_by_default_deny", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "With default-deny on, a service whose configuration dials a host outside the cluster (`https://api.stripe.com`, `db.example.rds.amazonaws.com:5432`) should have an egress allowance on that port.",
    why: "Default-deny drops every connection a pod opens that no policy allows; Kubeprint's policies allow DNS and the edges between services, nothing outside the cluster. The lookup succeeds and the connection hangs until it times out, the day the policies are applied.",
    bad: "default-deny, `PAYMENTS_URL=https://api.stripe.com/v1`, no egress outside the cluster",
    instead: "Allow egress outside the cluster on the port (the fix: to 0.0.0.0/0, since a policy names addresses, not hosts; narrow it to the host's block where it has a fixed one; an IP address gets its own block; where the host has IPv6 addresses in a dual-stack cluster, add `::/0` too). Names are read as outside when their last label is a public top-level domain; an IP address always is (but localhost, 0.0.0.0 and multicast), and must be in the block of an allowance on its port.",
    source: "Kubernetes docs, Network Policies: the default policies (deny all egress traffic) and ipBlock",
};
EGRESS_CIDR_INVALID = Rule {
    code: "KP325", name: "egress_cidr_invalid", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "Each egress allowance outside the cluster is an IP block in CIDR notation (`10.0.0.0/16`) on a port from 1 to 65535, and each block it leaves out (`except`) a block inside it.",
    why: "The API server refuses a NetworkPolicy whose ipBlock.cidr is not a CIDR, or whose port is 0, and with it the allow policy: the service's other allowances are not applied either.",
    bad: "egress to `api.stripe.com` written in the block, or `10.0.0.0/33`",
    instead: "Write the block's addresses (`0.0.0.0/0` for anywhere); keep the host name as the note of what it is for.",
    source: "Kubernetes API reference, NetworkPolicy: IPBlock.cidr (\"192.168.1.0/24\" or \"2001:db8::/64\"), IPBlock.except (\"Except values will be rejected if they are outside the cidr range\")",
};
MOUNT_VOLUME_MISSING = Rule {
    code: "KP330", name: "mount_volume_missing", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "Every volume mount of every container names a volume of the pod (or, on a StatefulSet, one of its volume claims).",
    why: "The API server rejects a pod template whose volumeMounts name a volume the pod does not have (\"spec.containers[0].volumeMounts[0].name: Not found\"): the workload is not created or not updated.",
    bad: "mount `cache` at /var/cache, no volume `cache`",
    instead: "Add the volume (an emptyDir, a ConfigMap or Secret, a claim) or fix the mount's volume name.",
    source: "API server validation (validateVolumeMounts)",
};
DUPLICATE_CONTAINER_NAME = Rule {
    code: "KP331", name: "duplicate_container_name", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "Container names are unique in the pod: init containers, sidecars, the main container and the regular containers together; so are volume names.",
    why: "The API server rejects a pod template with two containers (of any kind) or two volumes of one name.",
    bad: "sidecar `app` beside main container `app`",
    instead: "Rename one of them.",
    source: "API server validation (validateContainers, validateVolumes: \"Duplicate value\")",
};
PORT_SHARED_BY_CONTAINERS = Rule {
    code: "KP332", name: "port_shared_by_containers", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "No two containers that run at the same time (main, regular and sidecar containers) declare the same port number and protocol. Plain init containers run before the others and one at a time, so they may reuse a port.",
    why: "The containers of a pod share one network namespace: only one process can listen on a port, so the second container fails to bind and crash-loops.",
    bad: "main container on 8080 and a proxy sidecar also on 8080",
    instead: "Give the sidecar its own port (and point Services and probes at the one that should get the traffic).",
    source: "Kubernetes docs, Pods (networking: containers share the network namespace); API server warnings for duplicate port definitions",
};
ROUTE_BACKEND_MISSING = Rule {
    code: "KP340", name: "route_backend_missing", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "Every backend of a Gateway API route (HTTPRoute or GRPCRoute) must be a Service port: the service's own Service, which must exist, or the Service of another service the environment runs, and one of its ports by name or number. A rule whose backends all have weight 0 sends nowhere.",
    why: "A backendRef that does not resolve sets the route's ResolvedRefs condition to False, and the gateway answers 500 for the requests that rule matches (a rule whose weights are all 0 too).",
    bad: "a GRPCRoute of order-service to port `grpc-web`; the Service has only `grpc`",
    instead: "Route to one of the Service's ports, or to a service the environment runs.",
    source: "Gateway API spec, BackendRef (\"... the Route Rule ... MUST ... return a 500 status code\"); kube-linter dangling-ingress (the Ingress analogue)",
};
GRPC_ROUTE_BACKEND_NOT_HTTP2 = Rule {
    code: "KP341", name: "grpc_route_backend_not_http2", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "A GRPCRoute sends gRPC, which is HTTP/2: each of its backend Service ports should say so with appProtocol `grpc` or `kubernetes.io/h2c`. (A route is a GRPCRoute because the port it routes to says `grpc`; a weighted backend to another port or service may not.)",
    why: "Gateways and meshes choose the upstream protocol from the Service port's appProtocol (GEP-1911); without it some speak HTTP/1.1 to the backend, and every call fails, or only the part of the traffic the weight sends there.",
    bad: "GRPCRoute split 90/10 between order-service:grpc (appProtocol grpc) and order-service-next:grpc (no appProtocol)",
    instead: "Set appProtocol: grpc (or kubernetes.io/h2c) on the backend's Service port.",
    source: "Gateway API GEP-1911 (Backend Protocol Selection); Kubernetes docs, Service (application protocol)",
};
ROUTE_BLOCKED_BY_DEFAULT_DENY = Rule {
    code: "KP342", name: "route_blocked_by_default_deny", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "The proxies of a route's Gateway (the data plane, in the Gateway's namespace or the one the design names, e.g. Envoy Gateway's `envoy-gateway-system`) must not run in a namespace where the design's default-deny is on. Kubeprint lets the proxies' namespace into every backend port a route sends to; it cannot let the proxies themselves out.",
    why: "default-deny-all selects every pod of its namespace, the gateway's proxies included: clients cannot reach them and they cannot reach any backend, so every route through that Gateway fails while each service's own policy looks right.",
    bad: "default-deny in prod; Gateway `public` in prod's namespace with its proxies there too (Istio's way, or Envoy Gateway's GatewayNamespace mode)",
    instead: "Run the Gateway (or its proxies) in a namespace of its own, outside default-deny, and name it as the Gateway's proxy namespace.",
    source: "Kubernetes docs, Network Policies (a pod is isolated once a policy selects it); Envoy Gateway docs, Deployment mode (proxies in the controller's namespace by default)",
};
ROUTE_HOSTNAME_OUTSIDE_LISTENER = Rule {
    code: "KP343", name: "route_hostname_outside_listener", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "Each host name of a route must be accepted by a listener it attaches to (equal, or inside a wildcard `*.example.com` on either side; a listener without a hostname accepts all). Error when none of its host names is.",
    why: "Requests for a host name no listener accepts never reach the route; when none is accepted the route is not accepted at all (Accepted: False, NoMatchingListenerHostname).",
    bad: "listener hostname api.example.com; route hostnames [orders.example.com]",
    instead: "Answer a host name the listener accepts, or widen the listener (a wildcard, or a listener per host).",
    source: "Gateway API spec, HTTPRoute/GRPCRoute `hostnames` and Listener `hostname` matching",
};
ROUTE_WITHOUT_GATEWAY = Rule {
    code: "KP344", name: "route_without_gateway", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A service with a Gateway API route needs a Gateway in the environment for it to attach to.",
    why: "A route without a parent Gateway is never programmed: nothing routes to the service.",
    bad: "order-service routes through the Gateway; environment dev has no Gateway",
    instead: "Add the environment's Gateway (or describe the existing one and leave it uncreated), or remove the route.",
    source: "Gateway API spec, CommonRouteSpec parentRefs",
};
ROUTE_LISTENER_MISSING = Rule {
    code: "KP345", name: "route_listener_missing", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A route that names a listener (`sectionName`) must name one the Gateway has.",
    why: "The parentRef does not resolve: the route is not accepted (NoMatchingParent) and nothing routes to the service.",
    bad: "route listener `grpc`; the Gateway's listeners are `http` and `https`",
    instead: "Name one of the Gateway's listeners, or none to attach to every listener that admits the route.",
    source: "Gateway API spec, ParentReference sectionName",
};
ROUTE_NOT_ADMITTED = Rule {
    code: "KP346", name: "route_not_admitted", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A Gateway in another namespace than the environment's must admit the environment's routes (`allowedRoutes.namespaces`: a selector of the environment's namespace, or All).",
    why: "allowedRoutes defaults to the Gateway's own namespace: a route from another namespace is refused (NotAllowedByListeners) and the service is not reachable.",
    bad: "Gateway in namespace `gateway` with allowedRoutes from: Same; the routes are in `shop`",
    instead: "Admit the environment's namespace (Kubeprint writes a selector on its kubernetes.io/metadata.name label).",
    source: "Gateway API spec, Listener allowedRoutes (\"Same\" by default); K8S-RULES routes",
};
ROUTE_MATCH_WRONG_KIND = Rule {
    code: "KP347", name: "route_match_wrong_kind", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "What a rule says must exist in its route's kind: an HTTPRoute matches paths and has timeouts; a GRPCRoute matches gRPC methods and has no timeouts. The kind follows the routed port's appProtocol (grpc makes a GRPCRoute).",
    why: "What the kind cannot say is not written: a rule left without its only match matches every request, taking traffic meant for the rules after it, and dropped timeouts leave requests unbounded.",
    bad: "port appProtocol grpc (so a GRPCRoute) with a rule matching path /api",
    instead: "Match gRPC methods on a GRPCRoute and paths on an HTTPRoute; change the port's appProtocol if the route should be the other kind.",
    source: "Gateway API spec, HTTPRouteRule and GRPCRouteRule",
};
ROUTE_TIMEOUT_INVALID = Rule {
    code: "KP348", name: "route_timeout_invalid", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A route's timeouts are Gateway API durations (one to four parts of up to five digits and a unit h, m, s or ms: `10s`, `1m30s`, `500ms`), and backendRequest is at most request.",
    why: "The API server rejects a duration of another form and a backendRequest longer than request (the CRD's validation rule), so the HTTPRoute is not applied.",
    bad: "request 10s, backendRequest 30s; or request `1.5s`",
    instead: "Write durations as `1500ms`, and keep one try to a backend within the whole request.",
    source: "Gateway API GEP-2257 (Duration format) and GEP-1742 (HTTPRoute timeouts)",
};
GATEWAY_LISTENER_INVALID = Rule {
    code: "KP349", name: "gateway_listener_invalid", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A Gateway's listeners have unique names and do not share port, protocol and hostname; an HTTPS listener whose certificate cert-manager issues has a hostname.",
    why: "The API server rejects duplicate listener names; conflicting listeners are not programmed; cert-manager's gateway-shim issues a certificate only for listeners with a hostname, so the listener's Secret never exists and it does not serve.",
    bad: "HTTPS listener without hostname on a Gateway annotated cert-manager.io/cluster-issuer",
    instead: "Give each listener its own name, and each HTTPS listener the host name its certificate is for.",
    source: "Gateway API spec, Listener; cert-manager docs, Annotated Gateway resource",
};
ANALYSIS_METRIC_NOT_EXPOSED = Rule {
    code: "KP350", name: "analysis_metric_not_exposed", category: Wiring, severity: Warning, relaxed_in_dev: true,
    summary: "A canary analysis reads the service's request counter (its 5xx share) from Prometheus: the service needs a metrics endpoint that Prometheus scrapes.",
    why: "Without one the query finds no series: the 5xx share reads as 0, every measurement passes, and a release that fails every request is promoted as long as its pods are ready.",
    bad: "canary with analysis, no metrics endpoint",
    instead: "Add the metrics endpoint (port and path of the Prometheus exporter) and say which counter holds the requests.",
    source: "Argo Rollouts docs, Analysis (Prometheus provider); Prometheus docs, querying (absent series)",
};
METRICS_PORT_UNKNOWN = Rule {
    code: "KP351", name: "metrics_port_unknown", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "A metrics endpoint's port must be a declared container port (by name or number).",
    why: "The scrape annotations get no port and a PodMonitor names a port the pod does not have: Prometheus scrapes nothing, and the dashboards, alerts and canary analyses that read these metrics see no data.",
    bad: "metrics on port `metrics`, no container port named metrics",
    instead: "Point the endpoint at the port that serves /metrics, or declare that port.",
    source: "Prometheus Operator API (PodMetricsEndpoint.port: name of the container port); kube-linter liveness-port (the same check for probes)",
};
MONITOR_PORT_MISSING = Rule {
    code: "KP352", name: "monitor_port_missing", category: Wiring, severity: Error, relaxed_in_dev: false,
    summary: "Each endpoint of a ServiceMonitor names a port of the Services it selects (by their labels, in its namespace) by the port's *name*. A name none of them has is scraped nowhere; so is a monitor that selects no Service.",
    why: "The operator generates no scrape target for an endpoint whose port name matches no port: the monitor applies without error and Prometheus silently scrapes nothing.",
    bad: "ServiceMonitor endpoint port `metrics`; the Service's ports are `http` and `9090`",
    instead: "Name the Service port (ports of a multi-port Service must have names anyway) and use that name, or scrape the pods with a PodMonitor.",
    source: "Prometheus Operator docs, ServiceMonitor (\"port: name of the Service port this endpoint refers to\"); Kubernetes docs, Service (port names)",
};
MONITORING_WITHOUT_OPERATOR = Rule {
    code: "KP353", name: "monitoring_without_operator", category: Wiring, severity: Warning, relaxed_in_dev: false,
    summary: "ServiceMonitors, PodMonitors and PrometheusRules belong in an environment whose monitoring is the Prometheus Operator; where the environment says metrics are scraped through pod annotations, they are kept from an import but nothing there reads them.",
    why: "Without the operator's CRDs `kubectl apply` fails on them (no matches for kind), and the rest of the bundle after them is not applied; with the CRDs but a Prometheus configured for annotations, they do nothing.",
    bad: "an imported ServiceMonitor, environment monitoring: pod annotations",
    instead: "Set the environment's monitoring to the Prometheus Operator (the design then writes its own monitors and rules), or drop the kept objects.",
    source: "Prometheus Operator docs, Getting started (CRDs); Kubernetes docs, Custom Resources",
};
SCRAPE_BLOCKED_BY_DEFAULT_DENY = Rule {
    code: "KP354", name: "scrape_blocked_by_default_deny", category: Wiring, severity: Warning, relaxed_in_dev: true,
    summary: "With default-deny on and services that expose metrics (an endpoint of their own, or a ServiceMonitor or PodMonitor kept from an import), the design must name the namespace Prometheus runs in, which each scraped pod's NetworkPolicy lets in on the ports scraped.",
    why: "Default-deny drops every connection no policy allows; Prometheus scrapes from its own namespace, so without that allow rule each scrape times out, the targets show as down, and dashboards and alerts go blank while the service is fine.",
    bad: "default-deny in prod, a metrics endpoint on `api`, no monitoring namespace in the cluster settings",
    instead: "Set the cluster's monitoring namespace (where Prometheus runs, `monitoring` by convention): every scraped pod's policy then admits it on the metrics port.",
    source: "Kubernetes docs, Network Policies (namespaceSelector); Prometheus docs, Configuration (scrape targets are reached from the Prometheus server)",
};
INVALID_NAME = Rule {
    code: "KP401", name: "invalid_name", category: Names, severity: Error, relaxed_in_dev: false,
    summary: "Object and container names must follow the API server's rules: Services DNS-1035 labels, namespaces and containers DNS-1123 labels, ConfigMaps, Secrets (an Ingress's TLS Secret too) and the StorageClass a claim names DNS-1123 subdomains, their data keys letters, digits, '-', '_' and '.' (each once), an Ingress host a DNS name (`*.` may start it, no scheme, port or IP).",
    why: "Schema validators accept them; the API server rejects them at deploy time.",
    bad: "service name Web_App",
    instead: "Lowercase letters, digits and '-', starting with a letter, at most 63 characters.",
    source: "API server validation (k8s.io/apimachinery/pkg/util/validation)",
};
INVALID_PORT_NAME = Rule {
    code: "KP402", name: "invalid_port_name", category: Names, severity: Error, relaxed_in_dev: false,
    summary: "Container port names must be IANA service names (<= 15 characters, a letter, no '--'); Service port names DNS-1123 labels.",
    why: "The API server rejects them.",
    bad: "container port name http-metrics-port (17 characters)",
    instead: "Use a short name such as metrics.",
    source: "API server validation",
};
INVALID_LABEL = Rule {
    code: "KP403", name: "invalid_label", category: Names, severity: Error, relaxed_in_dev: false,
    summary: "Label keys and values must be valid (the design name and components become labels too).",
    why: "The API server rejects invalid labels.",
    bad: "design name \"My System\" (becomes app.kubernetes.io/part-of)",
    instead: "Values: <= 63 of letters, digits, '-', '_', '.', alphanumeric at both ends.",
    source: "API server validation",
};
INVALID_ENV_NAME = Rule {
    code: "KP404", name: "invalid_env_name", category: Names, severity: Warning, relaxed_in_dev: false,
    summary: "Environment variable names (and ConfigMap keys imported with envFrom) should be C identifiers.",
    why: "A shell cannot expand other names (`$MY-VAR` is `$MY` followed by `-VAR`), and many runtimes and tools skip them, so the app may never see the value. Kubernetes accepts any printable ASCII but `=` (relaxed validation, on by default since 1.32, GA in 1.34), envFrom keys included, so nothing fails at deploy to say so.",
    bad: "MY-VAR",
    instead: "Letters, digits and '_', not starting with a digit.",
    source: "Kubernetes docs, environment variables",
};
SHARED_NAMESPACE = Rule {
    code: "KP405", name: "shared_namespace", category: Names, severity: Error, relaxed_in_dev: false,
    summary: "Each environment has a namespace of its own: two environments of a design (which deploy to one cluster) never share one. Not counted: two whose objects name no namespace (as imported), which `kubectl apply -n` places, unless Argo CD deploys them (the design names a repository): its Applications deploy into the namespace each environment names.",
    why: "Their objects have the same names, so applying one environment overwrites the other's: staging's image tag replaces prod's, and two Argo CD applications fight over the same objects.",
    bad: "staging and prod both in namespace shop",
    instead: "Give each environment its own namespace, e.g. shop-staging and shop (the fix moves the environment that is not production to one named after it).",
    source: "Kubernetes docs, namespaces (names are unique within a namespace)",
};
COMMON_LABEL_REPLACES_OWN = Rule {
    code: "KP406", name: "common_label_replaces_own", category: Names, severity: Error, relaxed_in_dev: false,
    summary: "An environment's labels on every object never use a key Kubeprint writes itself (app.kubernetes.io/name, part-of, component, version, managed-by).",
    why: "A label on every object wins over the object's own: every service would carry one name, and where the labels reach selectors, every Service, PDB and NetworkPolicy would select every pod of the environment.",
    bad: "prod labels every object app.kubernetes.io/name: shop",
    instead: "Use a key of your own for what the environment says, e.g. env: prod or example.com/environment: prod.",
    source: "Kubernetes docs, recommended labels (app.kubernetes.io/name names one application); Kustomize labels/commonLabels",
};
INVALID_QUANTITY = Rule {
    code: "KP501", name: "invalid_quantity", category: Resources, severity: Error, relaxed_in_dev: false,
    summary: "Resource quantities must parse: 100m, 1.5, 512Mi, 1G.",
    why: "The API server rejects the object.",
    bad: "memory: 512MB",
    instead: "Use Kubernetes suffixes: m, k, M, G, Ki, Mi, Gi.",
    source: "API server validation",
};
REQUEST_ABOVE_LIMIT = Rule {
    code: "KP502", name: "request_above_limit", category: Resources, severity: Error, relaxed_in_dev: false,
    summary: "A request may not exceed its limit.",
    why: "The API server rejects it.",
    bad: "cpu request 2, limit 1",
    instead: "Lower the request or raise the limit.",
    source: "API server validation",
};
MISSING_REQUESTS = Rule {
    code: "KP503", name: "missing_requests", category: Resources, severity: Warning, relaxed_in_dev: true,
    summary: "Containers should request cpu and memory; the message names the QoS class that results. A request left out beside a limit is set to the limit by the API server: that is only info. DaemonSets are KP814's.",
    why: "Without requests the scheduler packs blindly and the pod is evicted first (BestEffort).",
    bad: "no resources at all",
    instead: "Set cpu and memory requests from measured usage.",
    source: "kube-linter unset-cpu-requirements, unset-memory-requirements; Polaris cpuRequestsMissing; Checkov CKV_K8S_10..13",
};
MISSING_MEMORY_LIMIT = Rule {
    code: "KP504", name: "missing_memory_limit", category: Resources, severity: Warning, relaxed_in_dev: true,
    summary: "Containers should have a memory limit.",
    why: "A leak grows until the node runs out of memory and the kernel kills something else.",
    bad: "memory request 256Mi, no limit",
    instead: "Set a memory limit (equal to the request for Guaranteed memory).",
    source: "kube-score container-resources; Checkov CKV_K8S_13",
};
MEMORY_IN_BYTES = Rule {
    code: "KP505", name: "memory_in_bytes", category: Resources, severity: Error, relaxed_in_dev: false,
    summary: "A memory request or limit under 1Mi is a number of bytes: a plain `512` or a `400m` (millibytes) meant as mebibytes.",
    why: "Kubernetes takes it as it is written: `memory: 512` is 512 bytes, and no container runtime starts a container limited to a few bytes (the pod never runs); a request that small schedules the pod as if it needed no memory.",
    bad: "memory limit 512",
    instead: "Write the unit: 512Mi (or 512M).",
    source: "Kubernetes docs, Resource Management for Pods and Containers (meaning of memory: `400m` is 0.4 bytes; \"someone who types that probably meant to ask for 400 mebibytes\")",
};
RUNS_AS_ROOT = Rule {
    code: "KP601", name: "runs_as_root", category: Security, severity: Warning, relaxed_in_dev: true,
    summary: "Containers should not run as root: runAsNonRoot true or a non-zero runAsUser, the container's setting winning over the pod's.",
    why: "A container escape from uid 0 is root on the node.",
    bad: "no securityContext; or container runAsUser: 0 (which runAsNonRoot: true makes the kubelet refuse to start)",
    instead: "runAsNonRoot: true with a non-zero runAsUser.",
    source: "kube-linter run-as-non-root; Checkov CKV_K8S_23",
};
LOW_UID = Rule {
    code: "KP602", name: "low_uid", category: Security, severity: Info, relaxed_in_dev: true,
    summary: "runAsUser (the container's, else the pod's) should be above 10000.",
    why: "Low uids can collide with users on the host.",
    bad: "runAsUser: 1000",
    instead: "Use a uid above 10000, such as 10001.",
    source: "kube-score container-security-context-user-group-id; Checkov CKV_K8S_40",
};
WRITABLE_ROOT_FS = Rule {
    code: "KP603", name: "writable_root_fs", category: Security, severity: Warning, relaxed_in_dev: true,
    summary: "Containers should have a read-only root filesystem.",
    why: "An attacker cannot drop tools into a read-only filesystem.",
    bad: "readOnlyRootFilesystem unset",
    instead: "readOnlyRootFilesystem: true, with volumes for the paths the app writes.",
    source: "Checkov CKV_K8S_22; kube-score",
};
PRIVILEGE_ESCALATION = Rule {
    code: "KP604", name: "privilege_escalation", category: Security, severity: Warning, relaxed_in_dev: true,
    summary: "Containers should set allowPrivilegeEscalation: false.",
    why: "Otherwise setuid binaries can gain more privileges than the process started with.",
    bad: "allowPrivilegeEscalation unset",
    instead: "allowPrivilegeEscalation: false.",
    source: "Checkov CKV_K8S_20",
};
CAPABILITIES_NOT_DROPPED = Rule {
    code: "KP605", name: "capabilities_not_dropped", category: Security, severity: Warning, relaxed_in_dev: true,
    summary: "Containers should drop all capabilities (`ALL`, in any case, with or without the `CAP_` prefix, as container runtimes read it).",
    why: "The default set includes NET_RAW and others few apps need.",
    bad: "capabilities unset",
    instead: "capabilities: { drop: [ALL] }, adding back only what is needed.",
    source: "Checkov CKV_K8S_37, CKV_K8S_28",
};
NO_SECCOMP = Rule {
    code: "KP606", name: "no_seccomp", category: Security, severity: Warning, relaxed_in_dev: true,
    summary: "Pods should use the RuntimeDefault seccomp profile.",
    why: "Unconfined containers can make every syscall.",
    bad: "seccompProfile unset",
    instead: "seccompProfile: { type: RuntimeDefault }.",
    source: "Checkov CKV_K8S_31",
};
TOKEN_AUTOMOUNTED = Rule {
    code: "KP607", name: "token_automounted", category: Security, severity: Warning, relaxed_in_dev: true,
    summary: "Pods that do not call the Kubernetes API should not mount a service account token.",
    why: "A stolen token is a foothold in the API server.",
    bad: "automountServiceAccountToken unset (defaults to true)",
    instead: "automountServiceAccountToken: false unless the app needs the API.",
    source: "Checkov CKV_K8S_38",
};
MUTABLE_IMAGE_TAG = Rule {
    code: "KP608", name: "mutable_image_tag", category: Security, severity: Warning, relaxed_in_dev: true,
    summary: "Images should have an immutable tag, not `latest`, a branch's or a channel's (`main`, `master`, `develop`, `stable`, `nightly`, ...) or none, unless a digest (`@sha256:...`) pins them. Every container is checked; one that runs the main container's very image (a migration step) is reported once, with the main container.",
    why: "Two pods of one Deployment may run different code, and a rollback cannot go back.",
    bad: "image: registry.example.com/app:latest",
    instead: "Tag with a version or git sha (or pin a digest).",
    source: "kube-linter latest-tag; Checkov CKV_K8S_14",
};
SECRET_IN_PLAIN_CONFIG = Rule {
    code: "KP609", name: "secret_in_plain_config", category: Security, severity: Warning, relaxed_in_dev: false,
    summary: "Values that look like secrets (PASSWORD, TOKEN, SECRET, API_KEY, ... as a word of the name) should not be env literals or ConfigMap data. Not counted: names about a secret rather than holding one (`*_PASSWORD_FILE`, `*_SECRET_NAME`), switches (`MYSQL_ALLOW_EMPTY_PASSWORD`), and boolean or file-path values.",
    why: "Literals and ConfigMaps are readable by anyone who can read the manifest or the namespace.",
    bad: "env DB_PASSWORD=hunter2",
    instead: "Put the key in a Secret and reference it with secretKeyRef or envFrom.",
    source: "kube-linter env-var-secret",
};
NO_DEFAULT_DENY = Rule {
    code: "KP610", name: "no_default_deny", category: Security, severity: Warning, relaxed_in_dev: false,
    summary: "A production environment should deny traffic by default and allow only the design's edges (checked in prod environments only).",
    why: "Without a NetworkPolicy every pod can reach every other pod in the cluster.",
    bad: "prod environment with default_deny off",
    instead: "Turn on default-deny: Kubeprint writes the allows from the dependency edges.",
    source: "Checkov CKV2_K8S_6; kube-score pod-networkpolicy",
};
REMOVED_API_VERSION = Rule {
    code: "KP701", name: "removed_api_version", category: References, severity: Error, relaxed_in_dev: false,
    summary: "An object must not use an API version that Kubernetes has removed (batch/v1beta1 CronJob, policy/v1beta1 PodDisruptionBudget and PodSecurityPolicy, extensions/v1beta1 Ingress, autoscaling/v2beta2 HPA, ...). Import upgrades every such object to its successor and says so; what has no successor (PodSecurityPolicy) stays and is reported here.",
    why: "The API server no longer serves the version: `kubectl apply` fails with `no matches for kind` and nothing after it in the bundle is applied.",
    bad: "apiVersion: policy/v1beta1, kind: PodSecurityPolicy (removed in 1.25)",
    instead: "Use the successor version (import does this for you); for PodSecurityPolicy, use Pod Security admission labels on the namespace.",
    source: "Kubernetes deprecated API migration guide; kube-no-trouble; Pluto",
};
INGRESS_BACKEND_DANGLING = Rule {
    code: "KP710", name: "ingress_backend_dangling", category: References, severity: Error, relaxed_in_dev: false,
    summary: "Every backend of an Ingress (each path of each rule, and the default backend) must name a Service of its namespace and one of that Service's ports (by number or name). The route a service's own Ingress writes to its own Service is KP303's; this rule checks every other backend, kept paths and kept Ingresses included.",
    why: "The ingress controller answers 503 for a path whose Service or port does not exist, while every other path works: the broken one goes unnoticed until someone calls it.",
    bad: "Ingress path /invoices -> Service invoices port 80, and no Service invoices (it was renamed)",
    instead: "Point the path at the Service's current name and one of its ports, or remove the path. Where the Service is a design service's that the environment does not run, the fix runs it there.",
    source: "kube-linter dangling-ingress; kube-score ingress-targets-service",
};
ROUTE_BACKEND_DANGLING = Rule {
    code: "KP711", name: "route_backend_dangling", category: References, severity: Error, relaxed_in_dev: false,
    summary: "Every Service backendRef of a Gateway API route (HTTPRoute, GRPCRoute, TCPRoute, ...) must name a Service that exists, in the route's namespace or the one the ref names, with a `port` the Service has. Backends in namespaces the design does not contain are not resolved.",
    why: "The gateway marks the route `ResolvedRefs=False` and answers 500 for requests to a backend that does not resolve; a Service backend without a port cannot be routed at all.",
    bad: "HTTPRoute rule backendRefs: [{name: checkout, port: 8080}], Service checkout has only port 80",
    instead: "Name an existing Service and one of its ports. Where the Service is a design service's that the environment does not run, the fix runs it there.",
    source: "Gateway API spec, BackendRef (\"Port is required when the referent is a Kubernetes Service\"); K8S-RULES Gateway API",
};
SERVICE_SELECTS_NOTHING = Rule {
    code: "KP712", name: "service_selects_nothing", category: References, severity: Warning, relaxed_in_dev: false,
    summary: "A Service with a selector must select the pods of some workload in its namespace (Deployment, StatefulSet, DaemonSet, Job, CronJob, ReplicaSet or Pod). A Service without a selector (endpoints managed by hand) and an ExternalName Service are not checked.",
    why: "A Service whose selector matches no pod has no endpoints: every connection to it is refused, and an Ingress path to it answers 503.",
    bad: "Service billing selects app=billing-api; the pods are labelled app=billing",
    instead: "Make the selector a subset of the pod template's labels.",
    source: "kube-linter dangling-service; kube-score service-targets-pod",
};
HPA_TARGET_MISSING = Rule {
    code: "KP713", name: "hpa_target_missing", category: References, severity: Error, relaxed_in_dev: false,
    summary: "An HPA's scaleTargetRef must name a workload of that kind and name in its namespace.",
    why: "The autoscaler reports FailedGetScale and scales nothing: the workload it was meant for runs at its fixed replica count under load.",
    bad: "HPA invoices -> Deployment invoices, no such Deployment",
    instead: "Point scaleTargetRef at the workload's kind and name, or remove the HPA.",
    source: "kube-linter dangling-horizontalpodautoscaler; kube-score horizontalpodautoscaler-has-target",
};
PDB_SELECTS_NOTHING = Rule {
    code: "KP714", name: "pdb_selects_nothing", category: References, severity: Warning, relaxed_in_dev: false,
    summary: "A PodDisruptionBudget's selector must select some pod of its namespace (an empty selector selects all of them; a missing one, none).",
    why: "A budget that selects no pod protects nothing: a node drain evicts the pods it was written for all at once.",
    bad: "PDB ledger selects app=ledger, no pod has that label",
    instead: "Make the selector match the workload's pod template labels.",
    source: "Kubernetes docs, Specifying a Disruption Budget; kube-score deployment-has-poddisruptionbudget (a budget counts only when its selector matches the pods)",
};
NETWORK_POLICY_SELECTS_NOTHING = Rule {
    code: "KP715", name: "network_policy_selects_nothing", category: References, severity: Warning, relaxed_in_dev: false,
    summary: "A NetworkPolicy with a non-empty podSelector must select some pod of its namespace. An empty podSelector (all pods, as default-deny policies use) is not checked.",
    why: "A policy that selects no pod guards nothing: the pods it was meant for accept traffic from anywhere (or, under default-deny, get none of the traffic it allows).",
    bad: "NetworkPolicy payments-ingress applies to app=payments, no pod has that label",
    instead: "Make the podSelector match the pods to guard.",
    source: "kube-linter dangling-networkpolicy",
};
SPREAD_SELECTOR_MATCHES_NOTHING = Rule {
    code: "KP716", name: "spread_selector_matches_nothing", category: References, severity: Warning, relaxed_in_dev: false,
    summary: "The labelSelector of a topology spread constraint or a pod anti-affinity term must match some pod, normally the pod itself. Terms with a namespaceSelector are not resolved.",
    why: "The scheduler counts the pods the selector matches: one that matches nothing spreads nothing, so every replica may land on one node or zone.",
    bad: "topologySpreadConstraints labelSelector app=checkuot (a typo), pods labelled app=checkout",
    instead: "Use the pod template's own labels in the selector.",
    source: "kube-score deployment-has-host-podantiaffinity; Kubernetes docs, Pod Topology Spread Constraints",
};
BINDING_SUBJECT_MISSING = Rule {
    code: "KP717", name: "binding_subject_missing", category: References, severity: Warning, relaxed_in_dev: false,
    summary: "A RoleBinding's or ClusterRoleBinding's ServiceAccount subject must name a ServiceAccount of the design (in the subject's namespace, by default the binding's). `default` always exists; subjects in namespaces the design does not contain are not resolved.",
    why: "The binding grants its role to nobody, and whatever was meant to run as that account is missing its permissions: usually a renamed account, whose pods then get 403 from the API server.",
    bad: "RoleBinding order-reader, subject ServiceAccount reporting, no such ServiceAccount",
    instead: "Name the ServiceAccount the pods run as, or remove the subject.",
    source: "Kubernetes docs, Using RBAC Authorization",
};
BINDING_ROLE_MISSING = Rule {
    code: "KP718", name: "binding_role_missing", category: References, severity: Error, relaxed_in_dev: false,
    summary: "A binding's roleRef must name a Role of its namespace or a ClusterRole of the design, or a built-in ClusterRole (`view`, `edit`, `admin`, `cluster-admin`, `system:*`). Checked only when the input has some Role or ClusterRole: otherwise RBAC is managed elsewhere.",
    why: "A binding to a role that does not exist grants nothing; the subjects' calls to the API server are refused.",
    bad: "RoleBinding -> Role order-reader, the Role is called orders-reader",
    instead: "Bind the role by its name, or add the Role.",
    source: "Kubernetes docs, Using RBAC Authorization",
};
SERVICE_ACCOUNT_MISSING = Rule {
    code: "KP719", name: "service_account_missing", category: References, severity: Error, relaxed_in_dev: false,
    summary: "A pod template's serviceAccountName must name a ServiceAccount of its namespace (`default` always exists).",
    why: "The API server refuses to create a pod whose ServiceAccount does not exist: the ReplicaSet, Job or DaemonSet creates no pods.",
    bad: "serviceAccountName: orders, no ServiceAccount orders",
    instead: "Add the ServiceAccount, or name an existing one.",
    source: "kube-linter non-existent-service-account; the ServiceAccount admission controller",
};
CONFIG_SOURCE_MISSING = Rule {
    code: "KP720", name: "config_source_missing", category: References, severity: Error, relaxed_in_dev: false,
    summary: "Every ConfigMap and Secret a pod template reads (envFrom, env valueFrom, volumes, projected volumes; in every container, init and sidecar containers included) must exist in its namespace unless the reference is `optional: true`. Secrets created at run time count as existing: a cert-manager Certificate's secretName, the TLS Secrets of an Ingress annotated for cert-manager, ExternalSecret and SealedSecret targets, and the Secret a Job names with `--secret-name` (webhook certificate generators); so does the `kube-root-ca.crt` ConfigMap. What a service's modelled config reads is KP305's.",
    why: "A pod that reads a missing ConfigMap or Secret does not start: CreateContainerConfigError for env, ContainerCreating forever for a volume.",
    bad: "volume tls -> Secret orders-tls, no such Secret",
    instead: "Add the ConfigMap or Secret, fix the name, or mark the reference optional when the pod can run without it.",
    source: "kube-linter env-value-from; Kubernetes docs, ConfigMaps and Secrets (optional references)",
};
INGRESS_ROUTE_CLAIMED_TWICE = Rule {
    code: "KP721", name: "ingress_route_claimed_twice", category: References, severity: Error, relaxed_in_dev: false,
    summary: "No two Ingresses of one environment and one ingress class may claim the same host and path with the same pathType: a service's own Ingress, a kept path or a kept Ingress included. Compared as ingress-nginx does: a missing path is `/`, a missing or ImplementationSpecific pathType is Prefix, an Ingress without a class has the design's, and a canary Ingress (`nginx.ingress.kubernetes.io/canary: \"true\"`) may share the path of one that is not. The later one is reported.",
    why: "ingress-nginx's admission webhook refuses the second Ingress (`host \"shop.example.com\" and path \"/\" is already defined in ingress ...`), so applying the bundle fails; a controller without the webhook merges them and sends the path to one backend, the other silently never gets its traffic.",
    bad: "Ingress shop (kept from an import): shop.example.com / -> frontend; frontend's own Ingress: shop.example.com / -> frontend",
    instead: "Give one of them another host or path, or remove the duplicate (an imported Ingress the service's own now replaces).",
    source: "ingress-nginx admission webhook (`host and path already defined`); Kubernetes docs, Ingress (paths and pathType)",
};
NETWORK_POLICY_PORT_CLOSED = Rule {
    code: "KP722", name: "network_policy_port_closed", category: References, severity: Warning, relaxed_in_dev: false,
    summary: "Each port a NetworkPolicy's ingress rules let in must be a port that some container of the pods it selects declares: a named port by name (and protocol), a number or an `endPort` range by number, where those pods declare ports at all. Checked on the rendered objects, so a policy kept whole from an import is checked against the ports as the design has them now.",
    why: "A named port that no selected container declares allows nothing, and a number the pods no longer listen on lets in nothing they serve: the traffic the policy was written for is dropped, which shows up as timeouts once a port changes and the policy does not follow.",
    bad: "NetworkPolicy checkout-allow lets in port 8080 from ingress-nginx; checkout's container now listens on 8081",
    instead: "Let in the port the pods declare (by name, so a renumbered port is followed), or declare the port the app listens on.",
    source: "Kubernetes docs, Network Policies (`port` is a numerical or named port on a pod; a named port resolves against the pod's containerPorts)",
};
KEPT_OBJECT_UNREADABLE = Rule {
    code: "KP723", name: "kept_object_unreadable", category: References, severity: Error, relaxed_in_dev: false,
    summary: "An object kept whole from an import, of a kind and API version Kubeprint writes itself (a `v1` Service, an `apps/v1` Deployment), must read as one: every field of the type its schema gives (a port a number, not `\"eighty\"`), every required field there. Checked by `kubeprint check` and `export`, by the page's import report and Bundle dialog, and before an edited object replaces the one kept; not among the page's live findings, whose wasm holds no Kubernetes deserializer.",
    why: "The API server validates an object against its schema and refuses the apply (`cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32`); the import kept the object as written, so nothing else would say so before the deploy.",
    bad: "Service a (kept from an import): ports: [{port: \"eighty\"}]",
    instead: "Edit the object's YAML on the config page ({}) to the type its field takes, or remove it.",
    source: "Kubernetes API conventions (typed fields; decoding errors refuse the request); kubectl apply --validate=strict",
};
UNSERVED_KIND = Rule {
    code: "KP724", name: "unserved_kind", category: References, severity: Error, relaxed_in_dev: false,
    summary: "An object's kind must be one its built-in API version serves (`apps/v1` serves Deployment, not `Deploymnet`; `v1` serves no Deployment). Versions that are not built in (a CRD's) are not judged.",
    why: "The API server has no such resource and `kubectl apply` fails with `no matches for kind`; the import kept the object whole, as it keeps every kind it does not model, so nothing else would say so before the deploy.",
    bad: "apiVersion: apps/v1, kind: Deploymnet",
    instead: "Correct the kind or the apiVersion in the object's YAML on the config page, or remove it.",
    source: "Kubernetes API discovery (the kinds of each built-in group version, as k8s-openapi's v1_33 types have them)",
};
SERVICE_SELECTS_OTHER_SERVICES = Rule {
    code: "KP725", name: "service_selects_other_services", category: References, severity: Warning, relaxed_in_dev: false,
    summary: "A service's own Service should select its pods only, not those of another service of the design (versioned workloads `reviews-v1` and `reviews-v2` behind one Service `reviews`, as service meshes' samples have them): the design reads a Service as one service's.",
    why: "The Service sends traffic to every pod its selector matches, but Kubeprint reads it as the first workload's: under default-deny the allow policies let callers reach that workload's pods only, so the others' share of the requests is dropped; a budget, probes and shutdown timing are checked of that workload alone.",
    bad: "Service reviews (of reviews-v1) selects app=reviews, which reviews-v2's pods carry too",
    instead: "Give each version a Service of its own and route between them (a route's weighted backends, or a canary), or keep one workload and roll versions out through it.",
    source: "Kubernetes docs, Services (the selector picks every matching pod) and NetworkPolicy (policies select pods by label)",
};
JOB_RUN_EXCEEDS_DEADLINE = Rule {
    code: "KP801", name: "job_run_exceeds_deadline", category: Batch, severity: Error, relaxed_in_dev: false,
    summary: "A Job's (or a CronJob's Job's) activeDeadlineSeconds must leave time for one run: the expected run time of a pod × completions / parallelism (rounded up).",
    why: "activeDeadlineSeconds bounds the whole Job and wins over backoffLimit: when it passes, the running pods are killed and the Job fails with DeadlineExceeded. A deadline shorter than one run fails every run.",
    bad: "expected run 20 min, activeDeadlineSeconds 600",
    instead: "Set activeDeadlineSeconds above the run time with every retry, or make the run faster (more parallelism).",
    source: "Kubernetes docs, Jobs: \"Job termination and cleanup\" (activeDeadlineSeconds takes precedence over backoffLimit)",
};
JOB_RETRIES_EXCEED_DEADLINE = Rule {
    code: "KP802", name: "job_retries_exceed_deadline", category: Batch, severity: Warning, relaxed_in_dev: true,
    summary: "A Job's activeDeadlineSeconds should leave time for the retries backoffLimit allows: the run, one more pod run per retry, and the back-off delays (10 s, 20 s, 40 s ... capped at 6 min with restartPolicy Never, 5 min with OnFailure). backoffLimit defaults to 6.",
    why: "Retries that cannot fit before the deadline are promised but never run: a transient failure late in the window fails the Job although it had retries left.",
    bad: "expected run 5 min, backoffLimit 6, activeDeadlineSeconds 1800 (all retries need about 43 min)",
    instead: "Raise activeDeadlineSeconds to cover every retry, or lower backoffLimit to what fits.",
    source: "Kubernetes docs, Jobs: \"Pod backoff failure policy\" and \"Job termination and cleanup\"",
};
JOB_WITHOUT_TTL = Rule {
    code: "KP803", name: "job_without_ttl", category: Batch, severity: Warning, relaxed_in_dev: true,
    summary: "A Job should set ttlSecondsAfterFinished. Not checked for CronJobs, whose history limits delete old Jobs.",
    why: "A finished Job and its pods stay until someone deletes them: they pile up in the namespace, and a Job cannot be applied again under the same name while the old one exists.",
    bad: "a migration Job without ttlSecondsAfterFinished",
    instead: "Set ttlSecondsAfterFinished (a day leaves time to read the logs). A GitOps tool that applies the Job should also delete it after it ran (e.g. an Argo CD hook delete policy), or it re-creates the deleted Job and runs it again.",
    source: "Kubernetes docs, \"Automatic Cleanup for Finished Jobs\" (TTL-after-finished controller)",
};
JOB_WITHOUT_CPU_LIMIT = Rule {
    code: "KP804", name: "job_without_cpu_limit", category: Batch, severity: Warning, relaxed_in_dev: true,
    summary: "Every container of a Job or CronJob should have a cpu limit (a missing memory limit is KP504's, for every workload).",
    why: "Batch work uses all the CPU it can get for as long as it runs: without a limit, a backup or a migration takes the node's spare CPU from the serving pods beside it, and its run time, which the deadline and schedule rules rely on, depends on who else is on the node.",
    bad: "a nightly export CronJob, cpu request 500m, no cpu limit",
    instead: "Set a cpu limit (at least the request) sized from a measured run.",
    source: "kube-score container-resources; Checkov CKV_K8S_11 (CPU limits)",
};
CRON_SCHEDULE_INVALID = Rule {
    code: "KP805", name: "cron_schedule_invalid", category: Batch, severity: Error, relaxed_in_dev: false,
    summary: "A CronJob's schedule must parse as the API server parses it (five fields: minute hour day-of-month month day-of-week, names JAN-DEC and SUN-SAT, or a macro like @daily), with no TZ= or CRON_TZ= in it, and must name some date that exists (not `0 0 30 2 *`). Day of week 7 is refused: Sunday is 0.",
    why: "The API server refuses a schedule that does not parse; one that names no date is accepted and never runs.",
    bad: "schedule: \"0 3 * * 7\", or \"CRON_TZ=Europe/Berlin 0 3 * * *\"",
    instead: "Write the five fields as the message says; put the time zone in spec.timeZone.",
    source: "API server validation (batch validateScheduleFormat: robfig/cron ParseStandard; \"cannot use TZ or CRON_TZ in schedule, use timeZone field instead\"); Kubernetes docs, CronJob \"Schedule syntax\"",
};
CRON_RUNS_OVERLAP = Rule {
    code: "KP806", name: "cron_runs_overlap", category: Batch, severity: Warning, relaxed_in_dev: true,
    summary: "With concurrencyPolicy Allow, the shortest time between two runs of a CronJob's schedule should exceed the worst-case run time: activeDeadlineSeconds when set, else the expected run time (× completions / parallelism).",
    why: "Runs that overlap work on the same data at once (two exports writing one file, two cleanups deleting each other's work) and, when each run slows the next, pile up until the namespace's quota is gone.",
    bad: "schedule */15 * * * *, activeDeadlineSeconds 3600, concurrencyPolicy Allow",
    instead: "Use concurrencyPolicy Forbid (skip a run while one is running) or Replace, or run less often.",
    source: "Kubernetes docs, CronJob \"Concurrency policy\"",
};
BACKUP_ALLOWS_CONCURRENT_RUNS = Rule {
    code: "KP807", name: "backup_allows_concurrent_runs", category: Batch, severity: Warning, relaxed_in_dev: true,
    summary: "A CronJob whose name or component says backup should use concurrencyPolicy Forbid.",
    why: "Two backups of one database at once double its load and may write one archive twice; Replace kills a backup halfway through and leaves no backup at all for that period.",
    bad: "CronJob postgres-backup with the default concurrencyPolicy (Allow)",
    instead: "Set concurrencyPolicy: Forbid, so a late backup skips the next run rather than overlapping it.",
    source: "Kubernetes docs, CronJob \"Concurrency policy\"",
};
CRON_STARTING_DEADLINE_TOO_SHORT = Rule {
    code: "KP808", name: "cron_starting_deadline_too_short", category: Batch, severity: Warning, relaxed_in_dev: false,
    summary: "A CronJob's startingDeadlineSeconds should be at least 10.",
    why: "The CronJob controller checks for due runs every 10 seconds: with a shorter starting deadline a run may already be too late when it is seen, and is skipped.",
    bad: "startingDeadlineSeconds: 5",
    instead: "Leave it out, or give a run a few minutes to start (300).",
    source: "Kubernetes docs, CronJob \"Job creation\" (\"if startingDeadlineSeconds is set to a value less than 10 seconds, the CronJob may not be scheduled\")",
};
CRON_TIME_ZONE_INVALID = Rule {
    code: "KP809", name: "cron_time_zone_invalid", category: Batch, severity: Error, relaxed_in_dev: false,
    summary: "A CronJob's timeZone must be an IANA time zone name (`Europe/Berlin`, `America/New_York`, `Etc/UTC`): not empty, not `Local`, in the tz database's own letter case.",
    why: "The API server refuses a time zone it cannot load (\"unknown time zone\"), and refuses `Local` because the controller's own zone is not a property of the design.",
    bad: "timeZone: europe/berlin, or timeZone: CEST",
    instead: "Use the zone's IANA name; leave timeZone out to use the controller's zone.",
    source: "API server validation (batch validateTimeZone: time.LoadLocation); Kubernetes docs, CronJob \"Time zones\" (stable since 1.27)",
};
CRON_SUSPENDED_IN_PROD = Rule {
    code: "KP810", name: "cron_suspended_in_prod", category: Batch, severity: Warning, relaxed_in_dev: false,
    summary: "A CronJob deployed to a production environment should not be suspended (checked in prod environments only).",
    why: "A suspended CronJob starts no runs: the backups, reports or clean-ups it stands for silently stop, and nothing fails to say so.",
    bad: "CronJob db-backup with suspend: true in prod",
    instead: "Resume it, or do not deploy it to production (switch it off for the environment).",
    source: "Kubernetes docs, CronJob \"Schedule suspension\"",
};
SCALING_DOES_NOT_APPLY = Rule {
    code: "KP811", name: "scaling_does_not_apply", category: Batch, severity: Warning, relaxed_in_dev: false,
    summary: "An HPA and a PodDisruptionBudget apply only to a workload with replicas (Deployment, StatefulSet): neither is written for a DaemonSet, a Job or a CronJob.",
    why: "The design says the workload autoscales or is protected from drains, but nothing does it: an HPA cannot scale a DaemonSet (one pod per node) or a Job; a budget over pods that finish protects nothing; a DaemonSet's pods are skipped by `kubectl drain --ignore-daemonsets`, and for pods whose controller has no scale the disruption controller handles only an integer minAvailable (with maxUnavailable or a percentage it allows no eviction at all).",
    bad: "a DaemonSet with an HPA from 2 to 6",
    instead: "Remove the HPA (a DaemonSet grows with the nodes) or the PDB; for parallel batch work, set the Job's parallelism.",
    source: "Kubernetes docs, Horizontal Pod Autoscaling (\"does not apply to objects that can't be scaled, for example a DaemonSet\"); Specifying a Disruption Budget for your Application (arbitrary controllers: integer minAvailable only)",
};
DAEMONSET_ROLLOUT_INVALID = Rule {
    code: "KP812", name: "daemonset_rollout_invalid", category: Batch, severity: Error, relaxed_in_dev: false,
    summary: "A DaemonSet's rolling update must set exactly one of maxSurge and maxUnavailable to a non-zero value, neither above 100%.",
    why: "The API server refuses both 0 (\"cannot be 0 when maxSurge is 0\"), both non-zero (\"may not be set when maxUnavailable is non-zero\") and more than 100%.",
    bad: "maxSurge: 25%, maxUnavailable: 25% (a Deployment's defaults, kept when the kind became DaemonSet)",
    instead: "Use maxUnavailable 1 (Kubernetes' default), or maxSurge 1 with maxUnavailable 0 for an agent that must never stop.",
    source: "API server validation (apps ValidateRollingUpdateDaemonSet); Kubernetes docs, Perform a Rolling Update on a DaemonSet",
};
DAEMONSET_ROLLOUT_TOO_WIDE = Rule {
    code: "KP813", name: "daemonset_rollout_too_wide", category: Batch, severity: Warning, relaxed_in_dev: true,
    summary: "A DaemonSet's maxUnavailable should not exceed 50% of the nodes.",
    why: "A DaemonSet runs a node's agent (logs, metrics, networking, storage): a rollout that stops it on most nodes at once blinds or breaks most of the cluster, and a bad image does so everywhere before anyone can stop it.",
    bad: "maxUnavailable: 100%",
    instead: "Roll out one node (the default) or a small share at a time; use maxSurge for agents that must not stop.",
    source: "Kubernetes docs, Perform a Rolling Update on a DaemonSet",
};
DAEMONSET_WITHOUT_REQUESTS = Rule {
    code: "KP814", name: "daemonset_without_requests", category: Batch, severity: Warning, relaxed_in_dev: true,
    summary: "Every container of a DaemonSet should request cpu and memory (a limit alone counts: the API server copies it). For DaemonSets this replaces KP503.",
    why: "A DaemonSet puts one pod on every node, so its requests are paid once per node: without them no node keeps room for the agent, the scheduler overcommits every node by what it really uses, and it is evicted first (BestEffort) exactly when the node is under pressure.",
    bad: "a log agent DaemonSet with no resources",
    instead: "Request what one node's agent uses (measured), and remember it is multiplied by the node count.",
    source: "Kubernetes docs, DaemonSet and Resource Management for Pods and Containers; kube-linter unset-cpu-requirements, unset-memory-requirements",
};
INVALID_IMAGE_REFERENCE = Rule {
    code: "KP901", name: "invalid_image_reference", category: Images, severity: Error, relaxed_in_dev: false,
    summary: "Every container's image, tag and digest must join into a valid image reference: a lowercase repository (with an optional registry host and port), at most one tag of letters, digits, `_`, `.` and `-`, and a digest `algorithm:hex`.",
    why: "The kubelet cannot pull an invalid reference: the pod stays in InvalidImageName (or ErrImagePull) and never starts. A tag typed into the image field while the Tag field holds another gives `nginx:1.27:1.0.0`.",
    bad: "image `nginx:1.27`, tag `1.0.0` (renders nginx:1.27:1.0.0)",
    instead: "Keep the repository in Image and the tag in Tag (typing `nginx:1.27` into Image does this), in lowercase.",
    source: "distribution/reference grammar (used by Docker, containerd and the kubelet); kubelet InvalidImageName",
};
IMAGE_USER_CONFLICT = Rule {
    code: "KP902", name: "image_user_conflict", category: Images, severity: Warning, relaxed_in_dev: false,
    summary: "A known image (see `core/src/images.rs`) must run as the user it is built for: images that need root must not get runAsNonRoot, images whose files belong to one uid must run as that uid, and images whose USER is root need that uid given under runAsNonRoot.",
    why: "The official postgres image initializes its data directory as uid 999; run as uid 10001 it fails at start-up, and with runAsNonRoot but no uid the kubelet refuses its root USER. The official nginx image cannot bind port 80 or create its cache without root.",
    bad: "image postgres, runAsNonRoot with runAsUser 10001",
    instead: "Run as the image's uid (postgres: 999, with fsGroup 999), or use the image's non-root variant (nginxinc/nginx-unprivileged).",
    source: "The images' Dockerfiles and docs (hub.docker.com/_/postgres \"Arbitrary --user Notes\", hub.docker.com/_/nginx); kubelet runAsNonRoot verification",
};
IMAGE_WRITABLE_PATHS = Rule {
    code: "KP903", name: "image_writable_paths", category: Images, severity: Warning, relaxed_in_dev: false,
    summary: "Under a read-only root filesystem, every path a known image writes to must have a volume mounted (an emptyDir, or a persistent claim for its data).",
    why: "The image fails at start-up with `Read-only file system` (postgres cannot create its socket in /var/run/postgresql, nginx its cache in /var/cache/nginx).",
    bad: "image postgres, readOnlyRootFilesystem, nothing mounted at /var/run/postgresql",
    instead: "Mount an emptyDir at each path the image writes (the fix adds them), and a persistent volume for its data.",
    source: "The images' Dockerfiles (VOLUME and runtime directories); Kubernetes docs, Configure a Security Context (readOnlyRootFilesystem)",
};
IMAGE_PORT_UNKNOWN = Rule {
    code: "KP904", name: "image_port_unknown", category: Images, severity: Warning, relaxed_in_dev: false,
    summary: "A container port of a known image should be one its server listens on, unless the design tells it to listen there: the number where a port is said (`-p 5433`, `port = 5433`, `:5433`, a variable named for a port such as `PGPORT`) in its command or arguments, its variables and the ConfigMap keys they come from, or a configuration file it reads (one its arguments name or one mounted into the image's configuration directory, from a ConfigMap). Not checked where what it reads is unknown to the design (such a file from a Secret or an empty key, a port variable from a Secret), nor for another program of the image (`redis-sentinel`).",
    why: "A probe, Service or route on a port the process does not listen on fails: the pod never becomes ready, or the Service answers with connection refused.",
    bad: "image postgres, container port 8080",
    instead: "Use the image's port (postgres: 5432), or configure the image to listen where the design says.",
    source: "The images' Dockerfiles (EXPOSE) and docs",
};
IMAGE_DATA_VOLUME = Rule {
    code: "KP905", name: "image_data_volume", category: Images, severity: Error, relaxed_in_dev: false,
    summary: "The volume for a known image's data goes exactly on the image's VOLUME for the version it runs: from postgres 18 on (and for a tag without a version, the newest) on /var/lib/postgresql, never on /var/lib/postgresql/data unless PGDATA says so; before 18 on /var/lib/postgresql/data, not on a directory above it.",
    why: "The postgres 18 images keep their data in /var/lib/postgresql/18/docker, so that pg_upgrade can work across versions on one volume. Seeing a volume on /var/lib/postgresql/data, where every older example mounts it, the entrypoint stops with \"there appears to be PostgreSQL data in /var/lib/postgresql/data (unused mount/volume)\" and the pod crash-loops, on a fresh volume too; an untagged `postgres` turned into 18 on its release. The other way round, a claim mounted above the image's VOLUME does not hold the data: containerd gives a VOLUME with no mount on exactly its path a directory of the container's own, mounted over the claim's, and it goes when the container is replaced.",
    bad: "image postgres:18, claim mounted on /var/lib/postgresql/data, no PGDATA; or postgres:16 with its claim on /var/lib/postgresql",
    instead: "Mount the volume on the VOLUME of the version (the fix does): /var/lib/postgresql from 18, /var/lib/postgresql/data before, with PGDATA a subdirectory of it.",
    source: "docker-library/postgres pull request 1259 (postgres 18 images: PGDATA /var/lib/postgresql/18/docker, VOLUME /var/lib/postgresql); hub.docker.com/_/postgres \"PGDATA\"; containerd CRI image volumes (a VOLUME not under a CRI mount of the same path gets a directory of the container's own)",
};
IMAGE_DATA_NOT_EMPTY = Rule {
    code: "KP906", name: "image_data_not_empty", category: Images, severity: Warning, relaxed_in_dev: false,
    summary: "A persistent claim is not mounted right on a data directory the image needs empty at its first start (postgres before 18: PGDATA, by default /var/lib/postgresql/data): PGDATA points to a subdirectory of the mount.",
    why: "A new block volume formatted ext4 (most cloud disks: EBS, Persistent Disk, Azure Disk) holds lost+found at its root. initdb refuses a directory that is not empty, so postgres fails at its first start with \"directory exists but is not empty … It contains a lost+found directory\". An NFS or local-path volume starts empty, which is why it works on a laptop.",
    bad: "image postgres:16, claim mounted on /var/lib/postgresql/data, no PGDATA",
    instead: "Set PGDATA to a subdirectory, /var/lib/postgresql/data/pgdata (the fix does).",
    source: "hub.docker.com/_/postgres \"PGDATA\" (\"a subdirectory is recommended … e.g. for mount points that contain lost+found\"); PostgreSQL docs, initdb",
};
IMAGE_REQUIRED_VARIABLE = Rule {
    code: "KP907", name: "image_required_variable", category: Images, severity: Error, relaxed_in_dev: false,
    summary: "A known image whose entrypoint cannot initialize its data without a variable gets one: postgres a superuser password (POSTGRES_PASSWORD, POSTGRES_PASSWORD_FILE, or POSTGRES_HOST_AUTH_METHOD=trust), mysql a root password option (MYSQL_ROOT_PASSWORD or its _FILE, MYSQL_ALLOW_EMPTY_PASSWORD, MYSQL_RANDOM_ROOT_PASSWORD). Set by value, from a key, or in a Secret or ConfigMap read whole (the last that has it wins). Only where the entrypoint runs the server (no command; no arguments, flags, or the server's name first): a client run through it (`args: [pg_dump, ...]`) is run as it is.",
    why: "On an empty data directory (every new environment, every new volume) the entrypoint checks these before initdb and exits with \"Database is uninitialized and superuser password is not specified\": the pod crash-loops. A volume that already holds a database hides it, so it shows the day a new environment or a restored cluster starts.",
    bad: "image postgres:16 with POSTGRES_USER and POSTGRES_DB but no POSTGRES_PASSWORD",
    instead: "Read POSTGRES_PASSWORD from a key of a Secret (the fix does, in the service's own Secret: its value is set in the cluster).",
    source: "docker-library/postgres and docker-library/mysql docker-entrypoint.sh (docker_verify_minimum_env); hub.docker.com/_/postgres \"POSTGRES_PASSWORD\" (\"required … must not be empty or undefined\")",
};
}
