//! Deployments, StatefulSets, DaemonSets, Jobs and CronJobs: the pod template, its container, probes,
//! environment, resources, volumes and spreading.

use super::{
    amount, clamp_i32, int_or_string, label_selector, non_empty, non_empty_map, selector_of,
    some_if, unless_default, Labels, Object, Renderer,
};
use crate::crd::rollouts;
use crate::model::{self, *};
use crate::naming;
use crate::order::Collect;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

impl Renderer<'_> {
    pub(super) fn workload(&self, s: &Service) -> Object {
        let template = self.pod_template(s);
        let replicas = some_if(
            s.scaling.hpa.is_none() || s.scaling.replicas_with_hpa,
            clamp_i32(s.scaling.replicas),
        );
        let history = s.scaling.revision_history_limit.map(clamp_i32);
        let min_ready = unless_default(s.timing.min_ready_seconds, 0);
        match s.kind {
            WorkloadKind::Deployment if s.is_canary() => {
                Object::Rollout(self.rollout(s, template, replicas, history, min_ready))
            }
            WorkloadKind::Deployment => Object::Deployment(apps::Deployment {
                metadata: self.service_meta(s, naming::own(&s.name)),
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
            WorkloadKind::DaemonSet => Object::DaemonSet(apps::DaemonSet {
                metadata: self.service_meta(s, naming::own(&s.name)),
                spec: Some(apps::DaemonSetSpec {
                    revision_history_limit: history,
                    min_ready_seconds: min_ready,
                    selector: label_selector(s),
                    update_strategy: Some(apps::DaemonSetUpdateStrategy {
                        type_: Some("RollingUpdate".into()),
                        rolling_update: Some(apps::RollingUpdateDaemonSet {
                            max_surge: some_if(
                                s.scaling.max_surge != Amount::Count(0),
                                amount(s.scaling.max_surge),
                            ),
                            max_unavailable: Some(amount(s.scaling.max_unavailable)),
                        }),
                    }),
                    template,
                }),
                ..Default::default()
            }),
            WorkloadKind::Job => Object::Job(batch::Job {
                metadata: self.service_meta(s, naming::own(&s.name)),
                spec: Some(self.job_spec(s, template)),
                ..Default::default()
            }),
            WorkloadKind::CronJob => {
                let c = &s.cron;
                Object::CronJob(batch::CronJob {
                    metadata: self.service_meta(s, naming::own(&s.name)),
                    spec: Some(batch::CronJobSpec {
                        schedule: c.schedule.clone(),
                        time_zone: c.time_zone.clone(),
                        concurrency_policy: some_if(
                            c.concurrency_policy != ConcurrencyPolicy::Allow,
                            c.concurrency_policy.as_str().into(),
                        ),
                        starting_deadline_seconds: c.starting_deadline_seconds.map(i64::from),
                        suspend: some_if(c.suspend, true),
                        successful_jobs_history_limit: c
                            .successful_jobs_history_limit
                            .map(clamp_i32),
                        failed_jobs_history_limit: c.failed_jobs_history_limit.map(clamp_i32),
                        job_template: batch::JobTemplateSpec {
                            metadata: Some(ObjectMeta {
                                labels: Some(self.in_templates(self.service_labels(s))),
                                ..Default::default()
                            }),
                            spec: Some(self.job_spec(s, template)),
                        },
                    }),
                    ..Default::default()
                })
            }
            WorkloadKind::StatefulSet => Object::StatefulSet(apps::StatefulSet {
                metadata: self.service_meta(s, naming::own(&s.name)),
                spec: Some(apps::StatefulSetSpec {
                    replicas,
                    revision_history_limit: history,
                    min_ready_seconds: min_ready,
                    selector: label_selector(s),
                    // The design's governing Service is its own; an import that named another
                    // (a read Service beside the headless one) keeps it in the residual.
                    service_name: Some(naming::own(&s.name).into()),
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

    /// A Job's spec (a CronJob's job template too). The selector is the Job
    /// controller's own, so it is left out.
    fn job_spec(&self, s: &Service, template: core::PodTemplateSpec) -> batch::JobSpec {
        let j = &s.job;
        batch::JobSpec {
            completions: j.completions.map(clamp_i32),
            parallelism: j.parallelism.map(clamp_i32),
            backoff_limit: j.backoff_limit.map(clamp_i32),
            active_deadline_seconds: j.active_deadline_seconds.map(i64::from),
            ttl_seconds_after_finished: j.ttl_seconds_after_finished.map(clamp_i32),
            template,
            ..Default::default()
        }
    }

    fn claim(&self, s: &Service, v: &VolumeClaim) -> core::PersistentVolumeClaim {
        let mut meta = ObjectMeta {
            name: Some(v.name.clone()),
            ..Default::default()
        };
        meta.labels = Some(self.in_templates(selector_of(s)));
        core::PersistentVolumeClaim {
            metadata: meta,
            spec: Some(core::PersistentVolumeClaimSpec {
                access_modes: Some(vec!["ReadWriteOnce".into()]),
                storage_class_name: v.storage_class.clone(),
                resources: Some(core::VolumeResourceRequirements {
                    requests: Some(
                        [("storage".to_string(), Quantity(v.size.clone()))]
                            .into_iter()
                            .to_map(),
                    ),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    fn pod_template(&self, s: &Service) -> core::PodTemplateSpec {
        let mut template = self.pod_template_as_named(s);
        if let Some(spec) = &mut template.spec {
            self.name_generated_config_maps(spec);
        }
        template
    }

    /// The pod's references to ConfigMaps whose rendered name is generated from their
    /// data ([`ConfigMapDef::hash_suffix`]) name that: the variables of every container
    /// and the volumes.
    fn name_generated_config_maps(&self, spec: &mut core::PodSpec) {
        let generated: BTreeMap<&str, String> = (self.design.config_maps.iter())
            .filter(|c| c.hash_suffix)
            .map(|c| (c.name.as_str(), self.env.config_map_name(c).into_owned()))
            .to_map();
        if generated.is_empty() {
            return;
        }
        let rename = |name: &mut String| {
            if let Some(to) = generated.get(name.as_str()) {
                name.clone_from(to);
            }
        };
        let containers =
            (spec.containers.iter_mut()).chain(spec.init_containers.iter_mut().flatten());
        for c in containers {
            for v in c.env.iter_mut().flatten() {
                if let Some(r) = v
                    .value_from
                    .as_mut()
                    .and_then(|f| f.config_map_key_ref.as_mut())
                {
                    rename(&mut r.name);
                }
            }
            for f in c.env_from.iter_mut().flatten() {
                if let Some(r) = f.config_map_ref.as_mut() {
                    rename(&mut r.name);
                }
            }
        }
        for v in spec.volumes.iter_mut().flatten() {
            if let Some(cm) = v.config_map.as_mut() {
                rename(&mut cm.name);
            }
        }
    }

    /// The pod template, naming ConfigMaps as the design does.
    fn pod_template_as_named(&self, s: &Service) -> core::PodTemplateSpec {
        let mut annotations = Labels::new();
        // The checksum rolls serving pods when their config changes. A Job's pod
        // template is immutable (an apply that changes it fails while the Job exists),
        // and its pods read their config when they start anyway.
        if let Some(sum) = self
            .config_checksum(s)
            .filter(|_| !s.kind.runs_to_completion())
        {
            annotations.insert("checksum/config".into(), sum);
        }
        // With the Prometheus Operator, a ServiceMonitor or PodMonitor says what to scrape
        // (render/monitoring.rs); the annotations would have a pod-discovery job scrape
        // the same endpoint twice.
        if let Some(m) = s
            .metrics
            .as_ref()
            .filter(|_| self.env.monitoring.scraping == Scraping::Annotations)
        {
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
        // Spreading keeps replicas apart; a DaemonSet places one pod per node and a Job
        // runs to completion, so a spread kept from another kind is not written.
        let no_spread = Spread::None;
        let spread = if s.kind.has_replicas() {
            &s.scaling.spread
        } else {
            &no_spread
        };
        core::PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(self.in_templates(self.service_labels(s))),
                annotations: non_empty_map(annotations),
                ..Default::default()
            }),
            spec: Some(core::PodSpec {
                service_account_name: some_if(
                    sec.dedicated_service_account,
                    naming::own(&s.name).into(),
                ),
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
                init_containers: non_empty(
                    s.containers
                        .iter()
                        .filter(|c| c.role.is_init())
                        .map(extra_container)
                        .collect(),
                ),
                containers: std::iter::once(self.container(s))
                    .chain(
                        s.containers
                            .iter()
                            .filter(|c| c.role == ContainerRole::Regular)
                            .map(extra_container),
                    )
                    .collect(),
                volumes: non_empty(s.volumes.iter().map(volume).collect()),
                restart_policy: match (s.kind.runs_to_completion(), s.job.restart_policy) {
                    (false, _) => None,
                    (true, JobRestart::OnFailure) => Some("OnFailure".into()),
                    (true, JobRestart::Never) => Some("Never".into()),
                },
                ..Default::default()
            }),
        }
    }

    /// A digest of every ConfigMap the pod reads, as this environment has it, so a
    /// config change rolls the pods.
    fn config_checksum(&self, s: &Service) -> Option<String> {
        let maps: BTreeMap<&str, _> = references(s, false)
            .filter_map(|name| self.design.config_map(name))
            .map(|cm| (cm.name.as_str(), self.env.config_data(cm)))
            .to_map();
        if maps.is_empty() {
            return None;
        }
        let canonical = serde_json::to_vec(&maps).expect("string maps serialize");
        let digest = Sha256::digest(&canonical);
        Some(digest.iter().map(|b| format!("{b:02x}")).collect())
    }

    fn container(&self, s: &Service) -> core::Container {
        let image = s.image_ref();
        core::Container {
            name: s.container().to_string(),
            image: Some(image),
            command: non_empty(s.command.clone()),
            args: non_empty(s.args.clone()),
            ports: non_empty(s.ports.iter().map(container_port).collect()),
            env: non_empty(env_vars(s)),
            env_from: non_empty(s.config.env_from.iter().map(env_from).collect()),
            resources: resources(&s.resources),
            startup_probe: s.probes.startup.as_ref().map(probe),
            liveness_probe: s.probes.liveness.as_ref().map(probe),
            readiness_probe: s.probes.readiness.as_ref().map(probe),
            lifecycle: pre_stop(&s.timing).map(|h| core::Lifecycle {
                pre_stop: Some(h),
                ..Default::default()
            }),
            security_context: security_context(&s.security.container()),
            volume_mounts: non_empty(
                claims(s)
                    .iter()
                    .map(|v| core::VolumeMount {
                        name: v.name.clone(),
                        mount_path: v.mount_path.clone(),
                        ..Default::default()
                    })
                    .chain(s.mounts.iter().map(mount))
                    .collect(),
            ),
            ..Default::default()
        }
    }
}

/// A container beside the main one. Init containers and native sidecars go under
/// `initContainers` (a sidecar with `restartPolicy: Always`, Kubernetes 1.29+); a plain
/// init container runs to completion, and the API server refuses probes on it, so its
/// probes are not written.
fn extra_container(c: &Container) -> core::Container {
    let probes = some_if(c.role != ContainerRole::Init, &c.probes);
    core::Container {
        name: c.name.clone(),
        image: Some(c.image_ref()),
        command: non_empty(c.command.clone()),
        args: non_empty(c.args.clone()),
        ports: non_empty(c.ports.iter().map(container_port).collect()),
        env: non_empty(c.config.env.iter().map(env_var).collect()),
        env_from: non_empty(c.config.env_from.iter().map(env_from).collect()),
        resources: resources(&c.resources),
        startup_probe: probes.and_then(|p| p.startup.as_ref()).map(probe),
        liveness_probe: probes.and_then(|p| p.liveness.as_ref()).map(probe),
        readiness_probe: probes.and_then(|p| p.readiness.as_ref()).map(probe),
        restart_policy: some_if(c.role == ContainerRole::Sidecar, "Always".into()),
        security_context: security_context(&c.security),
        volume_mounts: non_empty(c.mounts.iter().map(mount).collect()),
        ..Default::default()
    }
}

/// A container's securityContext (the main one's or another's), or none when it sets
/// nothing.
fn security_context(sec: &ContainerSecurity) -> Option<core::SecurityContext> {
    let out = core::SecurityContext {
        run_as_non_root: sec.run_as_non_root,
        run_as_user: sec.run_as_user,
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
    some_if(out != core::SecurityContext::default(), out)
}

fn container_port(p: &model::ContainerPort) -> core::ContainerPort {
    core::ContainerPort {
        name: some_if(!p.name.is_empty(), p.name.clone()),
        container_port: p.port.into(),
        protocol: Some(p.protocol.as_str().into()),
        ..Default::default()
    }
}

fn mount(m: &Mount) -> core::VolumeMount {
    core::VolumeMount {
        name: m.volume.clone(),
        mount_path: m.path.clone(),
        read_only: some_if(m.read_only, true),
        sub_path: some_if(!m.sub_path.is_empty(), m.sub_path.clone()),
        ..Default::default()
    }
}

/// A pod volume: an emptyDir, a design ConfigMap or Secret as files, or an existing
/// claim.
fn volume(v: &Volume) -> core::Volume {
    let mut out = core::Volume {
        name: v.name.clone(),
        ..Default::default()
    };
    match &v.source {
        VolumeSource::EmptyDir { memory, size_limit } => {
            out.empty_dir = Some(core::EmptyDirVolumeSource {
                medium: some_if(*memory, "Memory".into()),
                size_limit: size_limit.clone().map(Quantity),
            })
        }
        VolumeSource::ConfigMap { name } => {
            out.config_map = Some(core::ConfigMapVolumeSource {
                name: name.clone(),
                ..Default::default()
            })
        }
        VolumeSource::Secret { name } => {
            out.secret = Some(core::SecretVolumeSource {
                secret_name: Some(name.clone()),
                ..Default::default()
            })
        }
        VolumeSource::Claim { claim, read_only } => {
            out.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                claim_name: claim.clone(),
                read_only: some_if(*read_only, true),
            })
        }
    }
    out
}

/// The per-pod claims the workload creates: only a StatefulSet has volumeClaimTemplates;
/// another kind's `storage` (kept from a switch of kind) is neither created nor mounted.
pub fn claims(s: &Service) -> &[VolumeClaim] {
    if s.kind == WorkloadKind::StatefulSet {
        &s.storage
    } else {
        &[]
    }
}

/// The kind of the service's workload object.
pub fn workload_kind(s: &Service) -> &'static str {
    use k8s_openapi::Resource;
    if s.is_canary() {
        rollouts::Rollout::KIND
    } else {
        s.kind.as_str()
    }
}

/// The apiVersion of the workload a service renders.
pub fn workload_api_version(s: &Service) -> &'static str {
    use k8s_openapi::Resource;
    match s.kind {
        _ if s.is_canary() => rollouts::Rollout::API_VERSION,
        WorkloadKind::Job | WorkloadKind::CronJob => batch::Job::API_VERSION,
        _ => apps::Deployment::API_VERSION,
    }
}

/// The argument through which a canary's analysis learns the canary pods'
/// pod-template-hash (their ReplicaSet's, hence their names' middle part).
pub const CANARY_HASH_ARG: &str = "canary-hash";

/// A canary step as Argo Rollouts writes it, or `None` for an analysis step when the
/// service has no analysis (nothing to run: the rules say so).
fn canary_step(s: &Service, step: &CanaryStep) -> Option<rollouts::CanaryStep> {
    let mut out = rollouts::CanaryStep::default();
    match step {
        CanaryStep::SetWeight { weight } => out.set_weight = Some(clamp_i32(*weight)),
        CanaryStep::Pause { seconds } => {
            out.pause = Some(rollouts::RolloutPause {
                duration: seconds.map(|n| IntOrString::String(crate::crd::duration(n))),
                ..Default::default()
            })
        }
        CanaryStep::Analysis => {
            s.delivery.analysis.as_ref()?;
            out.analysis = Some(rollouts::RolloutAnalysis {
                templates: Some(analysis_templates(s)),
                args: Some(analysis_args()),
                ..Default::default()
            })
        }
    }
    Some(out)
}

fn analysis_templates(s: &Service) -> Vec<rollouts::AnalysisTemplateRef> {
    vec![rollouts::AnalysisTemplateRef {
        template_name: naming::analysis_template(&s.name),
        ..Default::default()
    }]
}

fn analysis_args() -> Vec<rollouts::AnalysisRunArgument> {
    vec![rollouts::AnalysisRunArgument {
        name: CANARY_HASH_ARG.into(),
        value_from: Some(rollouts::ArgumentValueFrom {
            pod_template_hash_value: Some("Latest".into()),
            ..Default::default()
        }),
        ..Default::default()
    }]
}

/// The PromQL matchers of a canary's pods: its namespace and pod names
/// `<rollout>-<canary pod-template-hash>-<suffix>`, which Prometheus' pod targets and
/// kube-state-metrics both label `pod`.
fn canary_pods(s: &Service, namespace: &str) -> String {
    format!(
        "namespace=\"{namespace}\", pod=~\"{}-{{{{args.{CANARY_HASH_ARG}}}}}-.*\"",
        naming::own(&s.name)
    )
}

/// `part` of the canary's requests over all of them, as a fraction; 0 without requests
/// (no traffic yet is no evidence of errors, and a 0/0 NaN would fail the measurement).
pub(crate) fn error_ratio_query(m: &Metrics, pods: &str) -> String {
    let metric = &m.requests_metric;
    let label = &m.status_label;
    format!(
        "(sum(rate({metric}{{{pods}, {label}=~\"5..\"}}[2m])) or vector(0))\n/\n(sum(rate({metric}{{{pods}}}[2m])) > 0 or vector(1))\n"
    )
}

impl Renderer<'_> {
    /// An Argo Rollouts `Rollout` in place of the Deployment: the same pod template,
    /// selector, replicas (left out under an HPA), history, minReadySeconds and progress
    /// deadline, and a canary of the design's steps: without traffic routing the weights
    /// are shares of the pods; routed through the service's Gateway API route, the
    /// Gateway API plugin weights the route's backendRefs to the stable and canary
    /// Services.
    fn rollout(
        &self,
        s: &Service,
        template: core::PodTemplateSpec,
        replicas: Option<i32>,
        history: Option<i32>,
        min_ready: Option<i32>,
    ) -> rollouts::Rollout {
        let d = &s.delivery;
        let background = d.analysis.as_ref().filter(|a| a.background);
        let routed = crate::routes::routes_canary(s, self.env);
        rollouts::Rollout {
            metadata: self.service_meta(s, naming::own(&s.name)),
            spec: rollouts::RolloutSpec {
                replicas,
                selector: Some(label_selector(s)),
                template: Some(template),
                min_ready_seconds: min_ready,
                revision_history_limit: history,
                progress_deadline_seconds: unless_default(
                    s.timing.progress_deadline_seconds,
                    crate::domain::DEFAULT_PROGRESS_DEADLINE_SECONDS,
                ),
                progress_deadline_abort: some_if(d.progress_deadline_abort, true),
                strategy: Some(rollouts::RolloutStrategy {
                    canary: Some(rollouts::CanaryStrategy {
                        max_surge: Some(amount(s.scaling.max_surge)),
                        max_unavailable: Some(amount(s.scaling.max_unavailable)),
                        steps: non_empty(
                            d.steps.iter().filter_map(|st| canary_step(s, st)).collect(),
                        ),
                        analysis: background.map(|a| rollouts::RolloutAnalysisBackground {
                            templates: Some(analysis_templates(s)),
                            args: Some(analysis_args()),
                            starting_step: some_if(a.starting_step > 0, clamp_i32(a.starting_step)),
                            ..Default::default()
                        }),
                        abort_scale_down_delay_seconds: d
                            .abort_scale_down_delay_seconds
                            .map(clamp_i32),
                        scale_down_delay_seconds: d.scale_down_delay_seconds.map(clamp_i32),
                        canary_service: routed.then(|| naming::canary_service(&s.name)),
                        stable_service: routed.then(|| naming::stable_service(&s.name)),
                        traffic_routing: routed.then(|| self.traffic_routing(s)).flatten(),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        }
    }

    /// The Gateway API plugin's configuration: the service's route, by kind, and its
    /// namespace (the environment's).
    fn traffic_routing(&self, s: &Service) -> Option<rollouts::TrafficRouting> {
        let route = s.exposure.gateway_route.as_ref()?;
        let name = Some(naming::own(&s.name).to_string());
        let grpc = crate::routes::kind(s, route) == crate::routes::RouteKind::Grpc;
        Some(rollouts::TrafficRouting {
            plugins: Some(rollouts::TrafficRouterPlugins {
                gateway_api: Some(rollouts::GatewayApiPlugin {
                    http_route: if grpc { None } else { name.clone() },
                    grpc_route: if grpc { name } else { None },
                    namespace: Some(self.env.namespace.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            ..Default::default()
        })
    }

    /// The AnalysisTemplate of a canary: the canary pods' 5xx share (from the service's
    /// request counter) and their readiness (from kube-state-metrics), each measured
    /// `count` times every `interval`, queried from the cluster's Prometheus.
    pub(super) fn analysis_template(
        &self,
        s: &Service,
        a: &Analysis,
    ) -> rollouts::AnalysisTemplate {
        let pods = canary_pods(s, &self.env.namespace);
        let address = self.design.cluster.prometheus_address();
        let metric = |name: &str, condition: String, query: String| rollouts::Metric {
            name: name.into(),
            interval: Some(crate::crd::duration(a.interval_seconds)),
            count: Some(IntOrString::Int(clamp_i32(a.count))),
            failure_limit: Some(IntOrString::Int(clamp_i32(a.failure_limit))),
            success_condition: Some(condition),
            provider: rollouts::MetricProvider {
                prometheus: Some(rollouts::PrometheusMetric {
                    address: Some(address.clone()),
                    query: Some(query),
                    ..Default::default()
                }),
                ..Default::default()
            },
            ..Default::default()
        };
        let fraction = |percent: u32| format!("{}", f64::from(percent) / 100.0);
        let mut metrics = Vec::new();
        let requests = s
            .metrics
            .clone()
            .unwrap_or_else(|| Metrics::new(PortRef::Number(0), "/metrics"));
        metrics.push(metric(
            "error-rate",
            format!("result[0] <= {}", fraction(a.max_error_percent)),
            error_ratio_query(&requests, &pods),
        ));
        metrics.push(metric(
            "ready",
            format!("result[0] >= {}", fraction(a.min_ready_percent)),
            format!(
                "(sum(kube_pod_status_ready{{{pods}, condition=\"true\"}}) or vector(0))\n/\n(count(kube_pod_status_ready{{{pods}, condition=\"true\"}}) > 0 or vector(1))\n"
            ),
        ));
        rollouts::AnalysisTemplate {
            metadata: self.service_meta(s, &naming::analysis_template(&s.name)),
            spec: rollouts::AnalysisTemplateSpec {
                args: Some(vec![rollouts::Argument {
                    name: CANARY_HASH_ARG.into(),
                    ..Default::default()
                }]),
                metrics: Some(metrics),
                ..Default::default()
            },
            ..Default::default()
        }
    }
}

/// Names of the ConfigMaps (or Secrets) a service's pods read: through envFrom or
/// valueFrom of any of its containers, or mounted as a volume.
pub fn references(s: &Service, secrets: bool) -> impl Iterator<Item = &str> {
    let volumes =
        s.volumes
            .iter()
            .filter_map(move |v| match (&v.source, secrets) {
                (VolumeSource::ConfigMap { name }, false)
                | (VolumeSource::Secret { name }, true) => Some(name.as_str()),
                _ => None,
            });
    std::iter::once(&s.config)
        .chain(s.containers.iter().map(|c| &c.config))
        .flat_map(move |c| config_references(c, secrets))
        .chain(volumes)
}

/// Names of the ConfigMaps (or Secrets) one container's variables read.
fn config_references(config: &Config, secrets: bool) -> impl Iterator<Item = &str> {
    let from = config
        .env_from
        .iter()
        .filter_map(move |f| match (f, secrets) {
            (EnvFrom::ConfigMap(n), false) | (EnvFrom::Secret(n), true) => Some(n.as_str()),
            _ => None,
        });
    let keys = config
        .env
        .iter()
        .filter_map(move |v| match (&v.value, secrets) {
            (EnvValue::ConfigMapKey { name, .. }, false)
            | (EnvValue::SecretKey { name, .. }, true) => Some(name.as_str()),
            _ => None,
        });
    from.chain(keys)
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
            .to_map();
        some_if(!m.is_empty(), m)
    };
    let req = core::ResourceRequirements {
        requests: map(&r.cpu_request, &r.memory_request),
        limits: map(&r.cpu_limit, &r.memory_limit),
        ..Default::default()
    };
    some_if(req != core::ResourceRequirements::default(), req)
}

/// The preStop hook: the native sleep when there is one, else a hook of another kind.
fn pre_stop(t: &Timing) -> Option<core::LifecycleHandler> {
    // A command that does more than sleep runs at 0 s of sleep too.
    let command_runs = |c: &Vec<String>| t.pre_stop_seconds > 0 || !model::only_sleeps(c);
    if t.pre_stop_seconds > 0 || t.pre_stop_sleep_command.as_ref().is_some_and(command_runs) {
        return Some(match &t.pre_stop_sleep_command {
            Some(command) => core::LifecycleHandler {
                exec: Some(core::ExecAction {
                    command: Some(model::sleeping(command, t.pre_stop_seconds)),
                }),
                ..Default::default()
            },
            None => core::LifecycleHandler {
                sleep: Some(core::SleepAction {
                    seconds: t.pre_stop_seconds.into(),
                }),
                ..Default::default()
            },
        });
    }
    match t.pre_stop_hook.as_ref()? {
        PreStopHook::Http { path, port } => Some(core::LifecycleHandler {
            http_get: Some(core::HTTPGetAction {
                path: Some(path.clone()),
                port: int_or_string(port),
                ..Default::default()
            }),
            ..Default::default()
        }),
        PreStopHook::Exec { command } => Some(core::LifecycleHandler {
            exec: Some(core::ExecAction {
                command: Some(command.clone()),
            }),
            ..Default::default()
        }),
    }
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
