//! Deployments, StatefulSets, DaemonSets, Jobs and CronJobs in: each becomes a design
//! service. Both kinds go through
//! one path over their pod template and the fields they share; only what one kind alone
//! has (a Deployment's rollout strategy and progress deadline, a StatefulSet's volume
//! claims) is read apart.

use super::{amount, port_ref, Workload, Workloads};
use crate::model::*;
use crate::order::Collect;
use crate::render::Object;
use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

/// What a Deployment and a StatefulSet have in common, read from either.
struct Controller<'a> {
    kind: WorkloadKind,
    meta: &'a ObjectMeta,
    template: &'a core::PodTemplateSpec,
    replicas: Option<i32>,
    revision_history_limit: Option<i32>,
    min_ready_seconds: Option<i32>,
}

/// The design service a Deployment or StatefulSet describes, with its pod template's
/// labels (what Services, PDBs and NetworkPolicies select it by); `None` for any other
/// kind.
pub(super) fn service(o: &Object) -> Option<(Service, BTreeMap<String, String>)> {
    match o {
        Object::Deployment(dep) => {
            let spec = dep.spec.clone().unwrap_or_default();
            let mut s = from_controller(Controller {
                kind: WorkloadKind::Deployment,
                meta: &dep.metadata,
                template: &spec.template,
                replicas: spec.replicas,
                revision_history_limit: spec.revision_history_limit,
                min_ready_seconds: spec.min_ready_seconds,
            });
            rollout(&mut s, &spec);
            s.selector = match_labels(&spec.selector);
            pod_parts(&mut s, &spec.template);
            Some((s, pod_labels(&spec.template)))
        }
        Object::Rollout(r) => {
            // Rollouts built on a Deployment's template (`workloadRef`) have none of their
            // own: they stay whole.
            let template = r.spec.template.as_ref()?;
            let spec = &r.spec;
            let mut s = from_controller(Controller {
                kind: WorkloadKind::Deployment,
                meta: &r.metadata,
                template,
                replicas: spec.replicas,
                revision_history_limit: spec.revision_history_limit,
                min_ready_seconds: spec.min_ready_seconds,
            });
            canary(&mut s, r);
            s.selector = spec.selector.as_ref().map(match_labels).unwrap_or_default();
            pod_parts(&mut s, template);
            Some((s, pod_labels(template)))
        }
        Object::StatefulSet(st) => {
            let spec = st.spec.clone().unwrap_or_default();
            let mut s = from_controller(Controller {
                kind: WorkloadKind::StatefulSet,
                meta: &st.metadata,
                template: &spec.template,
                replicas: spec.replicas,
                revision_history_limit: spec.revision_history_limit,
                min_ready_seconds: spec.min_ready_seconds,
            });
            s.storage.extend(volume_claims(st, &spec));
            s.selector = match_labels(&spec.selector);
            pod_parts(&mut s, &spec.template);
            Some((s, pod_labels(&spec.template)))
        }
        Object::DaemonSet(ds) => {
            let spec = ds.spec.clone().unwrap_or_default();
            let mut s = from_controller(Controller {
                kind: WorkloadKind::DaemonSet,
                meta: &ds.metadata,
                template: &spec.template,
                replicas: None,
                revision_history_limit: spec.revision_history_limit,
                min_ready_seconds: spec.min_ready_seconds,
            });
            // What the API server defaults a DaemonSet's rolling update to (maxSurge 0,
            // maxUnavailable 1), not a Deployment's 25 %.
            let ru = spec
                .update_strategy
                .as_ref()
                .and_then(|st| st.rolling_update.as_ref());
            s.scaling.max_surge = ru
                .and_then(|ru| ru.max_surge.as_ref())
                .and_then(amount)
                .unwrap_or(Amount::Count(0));
            s.scaling.max_unavailable = ru
                .and_then(|ru| ru.max_unavailable.as_ref())
                .and_then(amount)
                .unwrap_or(Amount::Count(1));
            s.selector = match_labels(&spec.selector);
            pod_parts(&mut s, &spec.template);
            Some((s, pod_labels(&spec.template)))
        }
        Object::Job(job) => {
            let spec = job.spec.clone().unwrap_or_default();
            let mut s = from_controller(Controller {
                kind: WorkloadKind::Job,
                meta: &job.metadata,
                template: &spec.template,
                replicas: None,
                revision_history_limit: None,
                min_ready_seconds: None,
            });
            s.job = job_settings(&spec);
            pod_parts(&mut s, &spec.template);
            Some((s, pod_labels(&spec.template)))
        }
        Object::CronJob(cron) => {
            let spec = cron.spec.clone().unwrap_or_default();
            let job = spec.job_template.spec.clone().unwrap_or_default();
            let mut s = from_controller(Controller {
                kind: WorkloadKind::CronJob,
                meta: &cron.metadata,
                template: &job.template,
                replicas: None,
                revision_history_limit: None,
                min_ready_seconds: None,
            });
            s.job = job_settings(&job);
            let count = |v: Option<i32>| v.map(|v| v.max(0) as u32);
            s.cron = CronSettings {
                schedule: spec.schedule.clone(),
                time_zone: spec.time_zone.clone(),
                concurrency_policy: match spec.concurrency_policy.as_deref() {
                    Some("Forbid") => ConcurrencyPolicy::Forbid,
                    Some("Replace") => ConcurrencyPolicy::Replace,
                    _ => ConcurrencyPolicy::Allow,
                },
                starting_deadline_seconds: spec
                    .starting_deadline_seconds
                    .map(|v| v.clamp(0, u32::MAX.into()) as u32),
                suspend: spec.suspend.unwrap_or(false),
                successful_jobs_history_limit: count(spec.successful_jobs_history_limit),
                failed_jobs_history_limit: count(spec.failed_jobs_history_limit),
            };
            pod_parts(&mut s, &job.template);
            Some((s, pod_labels(&job.template)))
        }
        _ => None,
    }
}

/// A Job's own fields (a CronJob's job template's too). The expected run time is not in
/// any object; it keeps the design's default.
fn job_settings(spec: &k8s_openapi::api::batch::v1::JobSpec) -> JobSettings {
    let count = |v: Option<i32>| v.map(|v| v.max(0) as u32);
    JobSettings {
        completions: count(spec.completions),
        parallelism: count(spec.parallelism),
        backoff_limit: count(spec.backoff_limit),
        active_deadline_seconds: spec
            .active_deadline_seconds
            .map(|v| v.clamp(0, u32::MAX.into()) as u32),
        ttl_seconds_after_finished: count(spec.ttl_seconds_after_finished),
        restart_policy: match spec
            .template
            .spec
            .as_ref()
            .and_then(|p| p.restart_policy.as_deref())
        {
            Some("Never") => JobRestart::Never,
            _ => JobRestart::OnFailure,
        },
        ..JobSettings::default()
    }
}

/// A Deployment's own fields: its rolling update and its progress deadline.
fn rollout(s: &mut Service, spec: &apps::DeploymentSpec) {
    if let Some(ru) = spec
        .strategy
        .as_ref()
        .and_then(|st| st.rolling_update.as_ref())
    {
        if let Some(a) = ru.max_surge.as_ref().and_then(amount) {
            s.scaling.max_surge = a;
        }
        if let Some(a) = ru.max_unavailable.as_ref().and_then(amount) {
            s.scaling.max_unavailable = a;
        }
    }
    s.timing.progress_deadline_seconds = spec
        .progress_deadline_seconds
        .map_or(crate::domain::DEFAULT_PROGRESS_DEADLINE_SECONDS, |v| {
            v.max(0) as u32
        });
}

/// A Rollout's own fields: its canary (steps, background analysis, deadline abort,
/// scale-down delays), its surge and unavailability, and its progress deadline. Steps the
/// model has no kind for (experiments, `setCanaryScale`, header routes) and a blue-green
/// strategy stay residual details.
fn canary(s: &mut Service, r: &crate::crd::rollouts::Rollout) {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    s.delivery.strategy = UpdateStrategy::Canary;
    s.timing.progress_deadline_seconds = r
        .spec
        .progress_deadline_seconds
        .map_or(crate::domain::DEFAULT_PROGRESS_DEADLINE_SECONDS, |v| {
            v.max(0) as u32
        });
    s.delivery.progress_deadline_abort = r.spec.progress_deadline_abort.unwrap_or(false);
    let Some(c) = r.spec.strategy.as_ref().and_then(|st| st.canary.as_ref()) else {
        s.delivery.steps = Vec::new();
        return;
    };
    if let Some(a) = c.max_surge.as_ref().and_then(amount) {
        s.scaling.max_surge = a;
    }
    if let Some(a) = c.max_unavailable.as_ref().and_then(amount) {
        s.scaling.max_unavailable = a;
    }
    let count = |v: Option<i32>| v.map(|v| v.max(0) as u32);
    s.delivery.abort_scale_down_delay_seconds = count(c.abort_scale_down_delay_seconds);
    s.delivery.scale_down_delay_seconds = count(c.scale_down_delay_seconds);
    if routed_through_own_route(s, r, c) {
        s.delivery.traffic = CanaryTraffic::GatewayRoute;
    }
    s.delivery.steps = c
        .steps
        .iter()
        .flatten()
        .filter_map(|st| {
            if let Some(w) = st.set_weight {
                return Some(CanaryStep::SetWeight {
                    weight: w.clamp(0, 100) as u32,
                });
            }
            if let Some(p) = &st.pause {
                let seconds = match &p.duration {
                    None => None,
                    Some(IntOrString::Int(n)) => Some((*n).max(0) as u32),
                    Some(IntOrString::String(t)) => crate::crd::seconds(t),
                };
                return Some(CanaryStep::Pause { seconds });
            }
            st.analysis.as_ref().map(|_| CanaryStep::Analysis)
        })
        .collect();
    let inline = c.steps.iter().flatten().any(|st| st.analysis.is_some());
    if c.analysis.is_some() || inline {
        s.delivery.analysis = Some(Analysis {
            background: c.analysis.is_some(),
            starting_step: c
                .analysis
                .as_ref()
                .and_then(|a| a.starting_step)
                .map_or(0, |n| n.max(0) as u32),
            ..Analysis::default()
        });
    }
}

/// Whether a canary's traffic routing is the model's: only the Gateway API plugin,
/// naming the route called like the service in the Rollout's namespace, with the
/// `<name>-stable` and `<name>-canary` Services. Any other routing stays a residual detail
/// of the Rollout (and its Services are kept whole).
fn routed_through_own_route(
    s: &Service,
    r: &crate::crd::rollouts::Rollout,
    c: &crate::crd::rollouts::CanaryStrategy,
) -> bool {
    let Some(t) = &c.traffic_routing else {
        return false;
    };
    let Some(plugins) = t.plugins.as_ref().filter(|p| p.other.is_empty()) else {
        return false;
    };
    let Some(p) = plugins.gateway_api.as_ref().filter(|p| p.other.is_empty()) else {
        return false;
    };
    let own = crate::naming::own(&s.name);
    let route = match (&p.http_route, &p.grpc_route) {
        (Some(h), None) | (None, Some(h)) => h == own,
        _ => false,
    };
    let namespace = p.namespace.is_none() || p.namespace == r.metadata.namespace;
    t.other.is_empty()
        && route
        && namespace
        && c.canary_service.as_deref() == Some(crate::naming::canary_service(&s.name).as_str())
        && c.stable_service.as_deref() == Some(crate::naming::stable_service(&s.name).as_str())
}

/// The AnalysisTemplates a Rollout names (background and steps), in order, once each.
pub(super) fn analysis_templates(o: &Object) -> Vec<String> {
    let Object::Rollout(r) = o else {
        return Vec::new();
    };
    let Some(c) = r.spec.strategy.as_ref().and_then(|st| st.canary.as_ref()) else {
        return Vec::new();
    };
    let background = c.analysis.iter().flat_map(|a| a.templates.iter().flatten());
    let steps = c
        .steps
        .iter()
        .flatten()
        .filter_map(|st| st.analysis.as_ref())
        .flat_map(|a| a.templates.iter().flatten());
    let mut names: Vec<String> = Vec::new();
    for t in background.chain(steps) {
        if t.cluster_scope != Some(true) && !names.contains(&t.template_name) {
            names.push(t.template_name.clone());
        }
    }
    names
}

/// A StatefulSet's own field: its volume claim templates, each with where the main
/// container mounts it.
fn volume_claims(st: &apps::StatefulSet, spec: &apps::StatefulSetSpec) -> Vec<VolumeClaim> {
    spec.volume_claim_templates
        .iter()
        .flatten()
        .map(|c| {
            let size = c
                .spec
                .as_ref()
                .and_then(|s| s.resources.as_ref())
                .and_then(|r| r.requests.as_ref())
                .and_then(|r| r.get("storage"))
                .map(|q| q.0.clone())
                .unwrap_or_default();
            let main_name = st.metadata.name.as_deref().unwrap_or_default();
            let mount = spec
                .template
                .spec
                .as_ref()
                .and_then(|p| p.containers.get(main_index(p, main_name)))
                .and_then(|c0| c0.volume_mounts.as_ref())
                .and_then(|m| m.iter().find(|m| Some(&m.name) == c.metadata.name.as_ref()))
                .map(|m| m.mount_path.clone())
                .unwrap_or_default();
            VolumeClaim {
                name: c.metadata.name.clone().unwrap_or_default(),
                mount_path: mount,
                size,
                storage_class: c.spec.as_ref().and_then(|s| s.storage_class_name.clone()),
            }
        })
        .collect()
}

/// A workload selector's labels when it is labels only (expressions are kept as they
/// are, through the residual), else none: the design then selects by its own label.
fn match_labels(
    selector: &k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector,
) -> BTreeMap<String, String> {
    match (&selector.match_labels, &selector.match_expressions) {
        (Some(l), None) => l.clone(),
        _ => BTreeMap::new(),
    }
}

fn pod_labels(template: &core::PodTemplateSpec) -> BTreeMap<String, String> {
    template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default()
}

/// The main container of a pod: the one named like the workload, else the first. (A
/// proxy injected in front of the app, or a log shipper listed first, does not become
/// the service's container when the app's is named like its workload.)
fn main_index(pod: &core::PodSpec, workload: &str) -> usize {
    pod.containers
        .iter()
        .position(|c| c.name == workload)
        .unwrap_or(0)
}

/// The pod's other parts the model holds: its volumes of the kinds the model has
/// (emptyDir, ConfigMap, Secret, existing claim), the main container's mounts of them,
/// and the other containers (init containers, native sidecars, regular containers).
/// Volumes of other kinds (hostPath, projected, CSI, ...) and the mounts of them stay
/// residual details, so no modelled mount names a volume the model lacks. Call after
/// [`Service::storage`] is read: the main container's mount of a claim at the claim's
/// own `mount_path` is that claim's, not a [`Mount`].
fn pod_parts(s: &mut Service, template: &core::PodTemplateSpec) {
    let Some(pod) = template.spec.as_ref() else {
        return;
    };
    let mut unmodelled = Vec::new();
    for v in pod.volumes.iter().flatten() {
        match volume_of(v) {
            Some(source) => s.volumes.push(Volume {
                name: v.name.clone(),
                source,
            }),
            None => unmodelled.push(v.name.clone()),
        }
    }
    let main = main_index(pod, &s.name);
    if let Some(c) = pod.containers.get(main) {
        let mut storage: Vec<&VolumeClaim> = s.storage.iter().collect();
        let mounts = c.volume_mounts.iter().flatten().filter(|m| {
            // The first mount of a claim at its own path is the claim's.
            match storage
                .iter()
                .position(|v| v.name == m.name && v.mount_path == m.mount_path)
            {
                Some(i) => {
                    storage.remove(i);
                    false
                }
                None => true,
            }
        });
        s.mounts = mounts_of(mounts, &unmodelled);
    }
    let init = pod.init_containers.iter().flatten().map(|c| {
        let role = if c.restart_policy.as_deref() == Some("Always") {
            ContainerRole::Sidecar
        } else {
            ContainerRole::Init
        };
        (c, role)
    });
    let regular = pod
        .containers
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != main)
        .map(|(_, c)| (c, ContainerRole::Regular));
    s.containers = init
        .chain(regular)
        .map(|(c, role)| container_of(c, role, &unmodelled))
        .collect();
}

/// A volume's source, when it is of a kind the model has.
fn volume_of(v: &core::Volume) -> Option<VolumeSource> {
    let kinds = [
        v.empty_dir.is_some(),
        v.config_map.is_some(),
        v.secret.is_some(),
        v.persistent_volume_claim.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return None;
    }
    if let Some(e) = &v.empty_dir {
        return Some(VolumeSource::EmptyDir {
            memory: e.medium.as_deref() == Some("Memory"),
            size_limit: e.size_limit.as_ref().map(|q| q.0.clone()),
        });
    }
    if let Some(c) = &v.config_map {
        return Some(VolumeSource::ConfigMap {
            name: c.name.clone(),
        });
    }
    if let Some(sec) = &v.secret {
        return Some(VolumeSource::Secret {
            name: sec.secret_name.clone().unwrap_or_default(),
        });
    }
    v.persistent_volume_claim
        .as_ref()
        .map(|c| VolumeSource::Claim {
            claim: c.claim_name.clone(),
            read_only: c.read_only == Some(true),
        })
}

/// The mounts the model holds: all but those of volumes it does not model.
fn mounts_of<'m>(
    mounts: impl Iterator<Item = &'m core::VolumeMount>,
    unmodelled: &[String],
) -> Vec<Mount> {
    mounts
        .filter(|m| !unmodelled.contains(&m.name))
        .map(|m| Mount {
            volume: m.name.clone(),
            path: m.mount_path.clone(),
            read_only: m.read_only == Some(true),
            sub_path: m.sub_path.clone().unwrap_or_default(),
        })
        .collect()
}

/// A container beside the main one. What the model has no field for (lifecycle hooks,
/// imagePullPolicy, workingDir, ...) stays a residual detail under its keyed path
/// (`/spec/template/spec/initContainers/[name=x]/...`). A plain init container's probes
/// are not read: the API server refuses them, and render does not write them.
fn container_of(c: &core::Container, role: ContainerRole, unmodelled: &[String]) -> Container {
    let image = c.image.clone().unwrap_or_default();
    let (repo, tag, digest) = split_image(&image);
    Container {
        name: c.name.clone(),
        role,
        image: repo.to_string(),
        tag: tag.to_string(),
        digest: digest.map(String::from),
        command: c.command.clone().unwrap_or_default(),
        args: c.args.clone().unwrap_or_default(),
        ports: ports_of(c),
        probes: if role == ContainerRole::Init {
            Probes::default()
        } else {
            probes_of(c)
        },
        resources: resources_of(c),
        security: security_of(c),
        config: config_of(c),
        mounts: mounts_of(c.volume_mounts.iter().flatten(), unmodelled),
        ..Container::default()
    }
}

/// The port a pod annotated `prometheus.io/scrape` without `prometheus.io/port` is
/// taken to serve its metrics on: the one named for metrics, else `http`.
fn scraped_port(ports: &[ContainerPort]) -> PortRef {
    let metrics = |p: &&ContainerPort| p.name.contains("metric") || p.name.contains("prom");
    match ports.iter().find(metrics) {
        Some(p) => PortRef::Name(p.name.clone()),
        None => PortRef::Name("http".into()),
    }
}

/// Port `n` by its name when it has one, so that the reference follows the port when
/// it is given another number.
fn named_port(ports: &[ContainerPort], n: u16) -> PortRef {
    match ports.iter().find(|p| p.port == n && !p.name.is_empty()) {
        Some(p) => PortRef::Name(p.name.clone()),
        None => PortRef::Number(n),
    }
}

fn ports_of(c: &core::Container) -> Vec<ContainerPort> {
    c.ports
        .iter()
        .flatten()
        .map(|p| ContainerPort {
            name: p.name.clone().unwrap_or_default(),
            port: u16::try_from(p.container_port).unwrap_or(0),
            protocol: match p.protocol.as_deref() {
                Some("UDP") => Protocol::UDP,
                Some("SCTP") => Protocol::SCTP,
                _ => Protocol::TCP,
            },
        })
        .collect()
}

fn probes_of(c: &core::Container) -> Probes {
    Probes {
        startup: c.startup_probe.as_ref().and_then(probe),
        liveness: c.liveness_probe.as_ref().and_then(probe),
        readiness: c.readiness_probe.as_ref().and_then(probe),
    }
}

fn resources_of(c: &core::Container) -> Resources {
    let resources = c.resources.clone().unwrap_or_default();
    let q =
        |m: &Option<BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
         k: &str| { m.as_ref().and_then(|m| m.get(k)).map(|q| q.0.clone()) };
    Resources {
        cpu_request: q(&resources.requests, "cpu"),
        memory_request: q(&resources.requests, "memory"),
        cpu_limit: q(&resources.limits, "cpu"),
        memory_limit: q(&resources.limits, "memory"),
    }
}

/// A container's variables: literals, ConfigMap and Secret keys, and whole ConfigMaps
/// and Secrets. A variable of another source (`fieldRef`, `resourceFieldRef`) stays a
/// residual detail.
fn config_of(c: &core::Container) -> Config {
    Config {
        env: c
            .env
            .iter()
            .flatten()
            .filter_map(|e| {
                let value = match (&e.value, &e.value_from) {
                    (_, Some(from)) => match (&from.config_map_key_ref, &from.secret_key_ref) {
                        (Some(r), _) => EnvValue::ConfigMapKey {
                            name: r.name.clone(),
                            key: r.key.clone(),
                        },
                        (_, Some(r)) => EnvValue::SecretKey {
                            name: r.name.clone(),
                            key: r.key.clone(),
                        },
                        _ => return None,
                    },
                    (v, None) => EnvValue::Literal(v.clone().unwrap_or_default()),
                };
                Some(EnvVar {
                    name: e.name.clone(),
                    value,
                })
            })
            .collect(),
        env_from: c
            .env_from
            .iter()
            .flatten()
            .filter_map(|f| match (&f.config_map_ref, &f.secret_ref) {
                (Some(c), _) => Some(EnvFrom::ConfigMap(c.name.clone())),
                (_, Some(s)) => Some(EnvFrom::Secret(s.name.clone())),
                _ => None,
            })
            .collect(),
    }
}

/// The service a workload's pod template and shared fields describe: its main
/// container, probes, timing, resources, configuration, security and spread.
/// What a container's own securityContext says (the main container's or another's).
fn security_of(c: &core::Container) -> ContainerSecurity {
    let csc = c.security_context.clone().unwrap_or_default();
    ContainerSecurity {
        run_as_non_root: csc.run_as_non_root,
        run_as_user: csc.run_as_user,
        read_only_root_fs: csc.read_only_root_filesystem.unwrap_or(false),
        no_privilege_escalation: csc.allow_privilege_escalation == Some(false),
        drop_all_capabilities: csc
            .capabilities
            .as_ref()
            .and_then(|c| c.drop.as_ref())
            .is_some_and(|d| drops_all(d)),
    }
}

fn from_controller(w: Controller) -> Service {
    let labels = w.meta.labels.clone().unwrap_or_default();
    let pod = w.template.spec.clone().unwrap_or_default();
    let name = w.meta.name.clone().unwrap_or_default();
    let c = pod
        .containers
        .get(main_index(&pod, &name))
        .cloned()
        .unwrap_or_default();
    let image = c.image.clone().unwrap_or_default();
    let (repo, tag, digest) = split_image(&image);
    let psc = pod.security_context.clone().unwrap_or_default();
    let csc = security_of(&c);
    let annotations = w
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.annotations.clone())
        .unwrap_or_default();
    let mut s = Service {
        name: name.clone(),
        kind: w.kind,
        component: labels
            .get("app.kubernetes.io/component")
            .cloned()
            .unwrap_or_else(|| "service".into()),
        container_name: if c.name == name {
            String::new()
        } else {
            c.name.clone()
        },
        image: repo.to_string(),
        tag: tag.to_string(),
        digest: digest.map(String::from),
        command: c.command.clone().unwrap_or_default(),
        args: c.args.clone().unwrap_or_default(),
        ports: ports_of(&c),
        exposure: Exposure {
            service: ServiceKind::None,
            ..Exposure::default()
        },
        probes: probes_of(&c),
        timing: Timing {
            pre_stop_seconds: pre_stop_sleep(&c),
            pre_stop_hook: pre_stop_hook(&c),
            pre_stop_sleep_command: pre_stop_sleep_command(&c),
            grace_period_seconds: pod
                .termination_grace_period_seconds
                .map_or(30, |g| g.max(0) as u32),
            min_ready_seconds: w.min_ready_seconds.unwrap_or(0).max(0) as u32,
            ..Timing::default()
        },
        resources: resources_of(&c),
        config: config_of(&c),
        security: Security {
            run_as_non_root: psc.run_as_non_root.unwrap_or(false),
            run_as_user: psc.run_as_user,
            container_run_as_non_root: csc.run_as_non_root,
            container_run_as_user: csc.run_as_user,
            run_as_group: psc.run_as_group,
            fs_group: psc.fs_group,
            read_only_root_fs: csc.read_only_root_fs,
            no_privilege_escalation: csc.no_privilege_escalation,
            drop_all_capabilities: csc.drop_all_capabilities,
            seccomp_runtime_default: psc
                .seccomp_profile
                .as_ref()
                .is_some_and(|p| p.type_ == "RuntimeDefault"),
            dedicated_service_account: false,
            automount_token: pod.automount_service_account_token,
        },
        metrics: (annotations.get("prometheus.io/scrape").map(String::as_str) == Some("true"))
            .then(|| {
                Metrics::new(
                    annotations
                        .get("prometheus.io/port")
                        .and_then(|p| p.parse().ok())
                        .map_or_else(
                            || scraped_port(&ports_of(&c)),
                            |n| named_port(&ports_of(&c), n),
                        ),
                    annotations
                        .get("prometheus.io/path")
                        .cloned()
                        .unwrap_or_else(|| "/metrics".into()),
                )
            }),
        ..Service::default()
    };
    s.scaling.replicas = w.replicas.map_or(1, |r| r.max(0) as u32);
    // Kept only where an HPA turns out to scale it (see `import::scaling::hpa`).
    s.scaling.replicas_with_hpa = w.replicas.is_some();
    s.scaling.revision_history_limit = w.revision_history_limit.map(|r| r.max(0) as u32);
    if let Some(t) = pod
        .topology_spread_constraints
        .as_ref()
        .and_then(|t| t.first())
    {
        s.scaling.spread = Spread::TopologySpread {
            max_skew: t.max_skew.max(0) as u32,
            topology_key: t.topology_key.clone(),
            hard: t.when_unsatisfiable == "DoNotSchedule",
        };
    } else if let Some(a) = pod
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
    {
        let required = a
            .required_during_scheduling_ignored_during_execution
            .as_ref()
            .and_then(|r| r.first());
        let preferred = a
            .preferred_during_scheduling_ignored_during_execution
            .as_ref()
            .and_then(|p| p.first())
            .map(|weighted| &weighted.pod_affinity_term);
        if let Some(term) = required.or(preferred) {
            s.scaling.spread = Spread::AntiAffinity {
                topology_key: term.topology_key.clone(),
                required: required.is_some(),
            };
        }
    }
    s
}

/// What the import reads of a workload besides its service.
pub(super) struct Found {
    pub pod_labels: BTreeMap<String, String>,
    /// A StatefulSet's governing Service name.
    pub governing: Option<String>,
    /// The AnalysisTemplates a Rollout names.
    pub analysis_templates: Vec<String>,
    /// The ServiceAccount its pods run as, when it names one.
    pub service_account: Option<String>,
}

/// Add an imported service to the design and remember what was found of it (its pod
/// labels, so that the objects around it, Services, PDBs and NetworkPolicies, find it
/// by selector; its governing Service; its ServiceAccount).
pub(super) fn add(d: &mut Design, workloads: &mut Workloads, s: Service, found: Found) {
    let id = ServiceId(d.next_id);
    let name = s.name.clone();
    if d.apply(crate::Edit::AddService(Box::new(s))).is_ok() {
        workloads.push(Workload {
            id,
            name,
            pod_labels: found.pod_labels,
            governing: found.governing,
            analysis_templates: found.analysis_templates,
            service_account: found.service_account,
        });
    }
}

/// The ServiceAccount a workload's pods run as, when the workload names one.
pub(super) fn service_account_name(o: &Object) -> Option<String> {
    let pod = match o {
        Object::Deployment(x) => x.spec.as_ref()?.template.spec.as_ref(),
        Object::Rollout(x) => x.spec.template.as_ref()?.spec.as_ref(),
        Object::StatefulSet(x) => x.spec.as_ref()?.template.spec.as_ref(),
        Object::DaemonSet(x) => x.spec.as_ref()?.template.spec.as_ref(),
        Object::Job(x) => x.spec.as_ref()?.template.spec.as_ref(),
        Object::CronJob(x) => (x.spec.as_ref()?.job_template.spec.as_ref()?)
            .template
            .spec
            .as_ref(),
        _ => None,
    }?;
    (pod.service_account_name.clone()).or_else(|| pod.service_account.clone())
}

/// Manifests do not say how long an app drains after SIGTERM, but its configuration
/// often does (Connectum's `GRACEFUL_SHUTDOWN_TIMEOUT_MS`, `SHUTDOWN_TIMEOUT=30s`): read
/// it from the service's literal env and the ConfigMaps it imports, so the timing rules
/// can check the grace period against it.
pub(super) fn infer_shutdown_timeouts(d: &mut Design) {
    let config: BTreeMap<String, BTreeMap<String, String>> = d
        .config_maps
        .iter()
        .map(|c| (c.name.clone(), c.data.clone()))
        .to_map();
    for s in &mut d.services {
        let data = |name: &str| config.get(name).map(std::borrow::Cow::Borrowed);
        let seconds = crate::drain::setting_of(s, data)
            .and_then(|(k, v, _)| crate::drain::setting_seconds(&k, &v));
        // Else an image of the catalogue running its own server drains as long as its
        // publisher says (postgres' fast shutdown on SIGINT: 20 s), which
        // the grace period is then checked against.
        let serves = |k: &&crate::images::KnownImage| {
            crate::images::runs_its_server(s, k) && !s.kind.runs_to_completion()
        };
        let known = || {
            crate::images::of(s)
                .filter(serves)
                .map(|k| k.shutdown_seconds)
        };
        if let Some(secs) = seconds.or_else(known) {
            s.timing.app_shutdown_seconds = secs;
        }
    }
}

fn probe(p: &core::Probe) -> Option<Probe> {
    let action = if let Some(h) = &p.http_get {
        ProbeAction::Http {
            path: h.path.clone().unwrap_or_else(|| "/".into()),
            port: port_ref(&h.port),
        }
    } else if let Some(g) = &p.grpc {
        ProbeAction::Grpc {
            port: u16::try_from(g.port).unwrap_or(0),
            service: g.service.clone(),
        }
    } else if let Some(t) = &p.tcp_socket {
        ProbeAction::Tcp {
            port: port_ref(&t.port),
        }
    } else {
        ProbeAction::Exec {
            command: p.exec.as_ref()?.command.clone().unwrap_or_default(),
        }
    };
    let n = |v: Option<i32>, default: u32| v.map_or(default, |v| v.max(0) as u32);
    Some(Probe {
        action,
        initial_delay_seconds: n(p.initial_delay_seconds, 0),
        period_seconds: n(p.period_seconds, Probe::DEFAULT_PERIOD),
        timeout_seconds: n(p.timeout_seconds, Probe::DEFAULT_TIMEOUT),
        success_threshold: n(p.success_threshold, 1),
        failure_threshold: n(p.failure_threshold, Probe::DEFAULT_FAILURES),
    })
}

/// Whether a `capabilities.drop` list drops every capability. Container runtimes read
/// capability names without regard to case and with or without the `CAP_` prefix, so
/// `all` and `CAP_ALL` drop all as `ALL` does.
pub(crate) fn drops_all(drop: &[String]) -> bool {
    drop.iter().any(|c| {
        let c = c.trim().to_ascii_uppercase();
        c.strip_prefix("CAP_").unwrap_or(&c) == "ALL"
    })
}

/// The container's preStop handler, if it has one.
fn pre_stop_handler(c: &core::Container) -> Option<&core::LifecycleHandler> {
    c.lifecycle.as_ref().and_then(|l| l.pre_stop.as_ref())
}

/// The seconds of a preStop hook that only sleeps (native or `sh -c "sleep N"`).
fn pre_stop_sleep(c: &core::Container) -> u32 {
    let Some(h) = pre_stop_handler(c) else {
        return 0;
    };
    if let Some(s) = &h.sleep {
        return s.seconds.max(0) as u32;
    }
    exec_sleep(h).map_or(0, |(seconds, _)| seconds)
}

/// The seconds and the command of an exec hook that is a sleep (`sleep N`,
/// `sh -c "sleep N"`).
fn exec_sleep(h: &core::LifecycleHandler) -> Option<(u32, &Vec<String>)> {
    let command = h.exec.as_ref()?.command.as_ref()?;
    seconds_slept(command).map(|seconds| (seconds, command))
}

/// The command a preStop sleep is written as, when it is one.
fn pre_stop_sleep_command(c: &core::Container) -> Option<Vec<String>> {
    let h = pre_stop_handler(c)?;
    // (`sleep 0` alone is no preStop; a script that does more before it is one.)
    exec_sleep(h)
        .filter(|(seconds, command)| *seconds > 0 || !only_sleeps(command))
        .map(|(_, command)| command.clone())
}

/// A preStop hook that is not a sleep: an `httpGet`, or a command that is not `sleep N`.
fn pre_stop_hook(c: &core::Container) -> Option<PreStopHook> {
    let h = pre_stop_handler(c)?;
    if h.sleep.is_some() || exec_sleep(h).is_some() {
        return None;
    }
    if let Some(g) = &h.http_get {
        return Some(PreStopHook::Http {
            path: g.path.clone().unwrap_or_else(|| "/".into()),
            port: port_ref(&g.port),
        });
    }
    h.exec.as_ref().map(|e| PreStopHook::Exec {
        command: e.command.clone().unwrap_or_default(),
    })
}
