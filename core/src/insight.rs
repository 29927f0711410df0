//! Derived views the designer draws: a service's shutdown timeline and what
//! disruptions an environment allows. Numbers only; the app draws them.

use crate::domain;
use crate::model::{ContainerRole, Design, Service};
use crate::replicas::{guaranteed_replicas, pdb_allowed_disruptions, pods, Rounding};

/// How long the containers of a pod take to stop, in seconds from the moment it is
/// marked Terminating. The main container (preStop, then its drain) and the regular
/// containers (SIGTERM at once) stop together; native sidecars are stopped only after all
/// of them have exited, one after the other in reverse order of definition (the kubelet's
/// termination ordering, `kuberuntime_termination_order.go`), and all of it within one
/// terminationGracePeriodSeconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PodShutdown {
    /// The main containers' phase: max(S + A, the regular containers' shutdown).
    pub main: u32,
    /// The sidecars' phase after it: the sum of their shutdown times.
    pub sidecars: u32,
}

impl PodShutdown {
    /// When the last container has stopped.
    pub fn total(&self) -> u32 {
        self.main.saturating_add(self.sidecars)
    }
}

/// How long the containers of (effective) service `s` take to stop.
pub fn pod_shutdown(s: &Service) -> PodShutdown {
    let t = &s.timing;
    let regular = s
        .containers
        .iter()
        .filter(|c| c.role == ContainerRole::Regular)
        .map(|c| c.shutdown_seconds)
        .max()
        .unwrap_or(0);
    PodShutdown {
        main: t
            .pre_stop_seconds
            .saturating_add(t.app_shutdown_seconds)
            .max(regular),
        sidecars: sidecar_stops(s).iter().map(|(_, secs)| secs).sum(),
    }
}

/// The native sidecars that take time to stop, in the order they are stopped (reverse
/// order of definition), with their shutdown seconds.
fn sidecar_stops(s: &Service) -> Vec<(String, u32)> {
    s.containers
        .iter()
        .rev()
        .filter(|c| c.role == ContainerRole::Sidecar && c.shutdown_seconds > 0)
        .map(|c| (c.name.clone(), c.shutdown_seconds))
        .collect()
}

/// One native sidecar's stop on the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SidecarStop {
    /// Container name.
    pub name: String,
    /// When it gets SIGTERM: after the main containers and the sidecars stopped before it.
    pub from: u32,
    /// When it has stopped.
    pub until: u32,
}

/// The shutdown of one pod, in seconds from the moment it is marked Terminating.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShutdownTimeline {
    /// Endpoint removal reaches kube-proxy, ingresses and DNS after E.
    pub propagation: u32,
    /// preStop sleep (S): SIGTERM is sent when it ends.
    pub pre_stop: u32,
    /// The app's own drain after SIGTERM (A).
    pub drain: u32,
    /// terminationGracePeriodSeconds (T): SIGKILL at this point.
    pub grace: u32,
    /// T minus when the last container has stopped (S + A without sidecars): negative is
    /// an overrun (a container is killed mid-drain).
    pub slack: i64,
    /// Seconds during which new requests may still arrive after SIGTERM: E - S, if positive.
    pub exposed_after_sigterm: u32,
    /// When the main containers have stopped: S + A, or later if a regular container
    /// takes longer.
    pub main_done: u32,
    /// The native sidecars that take time to stop, in the order they are stopped, after
    /// `main_done`. `slack` counts them: T - (main + sidecars).
    pub sidecars: Vec<SidecarStop>,
}

/// How a shutdown ends, as the timeline shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// SIGKILL comes before the drain ends.
    Overrun,
    /// The drain ends, with less than [`domain::MIN_SHUTDOWN_SLACK_SECONDS`] to spare.
    Thin,
    /// The drain ends with room to spare, but requests still arrive after SIGTERM: the
    /// preStop sleep ends before the endpoint's removal has reached every proxy.
    Exposed,
    /// The drain ends with room to spare.
    Ok,
}

impl Verdict {
    /// A CSS-friendly name: `overrun`, `thin` or `ok`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Overrun => "overrun",
            Verdict::Thin => "thin",
            Verdict::Exposed => "exposed",
            Verdict::Ok => "ok",
        }
    }
}

impl ShutdownTimeline {
    /// Whether the grace period covers the drain, and by how much.
    pub fn verdict(&self) -> Verdict {
        if self.slack < 0 {
            Verdict::Overrun
        } else if self.slack < i64::from(domain::MIN_SHUTDOWN_SLACK_SECONDS) {
            Verdict::Thin
        } else if self.exposed_after_sigterm > 0 {
            Verdict::Exposed
        } else {
            Verdict::Ok
        }
    }

    /// The slack in words: `overrun 5 s` or `slack 2 s`.
    pub fn slack_text(&self) -> String {
        match self.verdict() {
            Verdict::Overrun => format!("overrun {} s", -self.slack),
            _ => format!("slack {} s", self.slack),
        }
    }

    /// When the app is expected to have drained: S + A.
    pub fn done(&self) -> u32 {
        self.pre_stop + self.drain
    }

    /// When the last container has stopped: the main containers, then the sidecars.
    pub fn all_done(&self) -> u32 {
        self.sidecars.last().map_or(self.main_done, |s| s.until)
    }

    /// The largest time the drawing must cover.
    pub fn span(&self) -> u32 {
        self.grace.max(self.all_done()).max(self.propagation).max(1)
    }

    /// One line for people (and screen readers): what happens and how it ends.
    pub fn summary(&self) -> String {
        let verdict = match self.verdict() {
            Verdict::Overrun => format!("overrun: SIGKILL {} s before the drain ends", -self.slack),
            Verdict::Thin => format!("thin: {} s of slack", self.slack),
            Verdict::Exposed => format!("drained in time ({} s of slack), but", self.slack),
            Verdict::Ok => format!("ok: {} s of slack", self.slack),
        };
        // What still arrives after SIGTERM, whatever the slack (KP104).
        let verdict = match (self.exposed_after_sigterm, self.verdict()) {
            (0, _) => verdict,
            (n, Verdict::Exposed) => format!(
                "{verdict} requests may arrive for {n} s after SIGTERM (preStop {} s < endpoint propagation {} s)",
                self.pre_stop, self.propagation
            ),
            (n, _) => format!("{verdict}; requests may arrive for {n} s after SIGTERM"),
        };
        if self.sidecars.is_empty() {
            return format!(
                "preStop {} s + drain {} s = {} s, grace {} s: {verdict}",
                self.pre_stop,
                self.drain,
                self.done(),
                self.grace
            );
        }
        let sidecars: Vec<String> = self
            .sidecars
            .iter()
            .map(|s| format!("{} {} s", s.name, s.until - s.from))
            .collect();
        format!(
            "main containers {} s (preStop {} s + drain {} s), then sidecars {} = {} s, grace {} s: {verdict}",
            self.main_done,
            self.pre_stop,
            self.drain,
            sidecars.join(" + "),
            self.all_done(),
            self.grace
        )
    }
}

/// The shutdown timeline of an (effective) service in a design.
pub fn shutdown_timeline(design: &Design, s: &Service) -> ShutdownTimeline {
    let t = &s.timing;
    let e = design.cluster.endpoint_propagation_seconds;
    let stop = pod_shutdown(s);
    let mut at = stop.main;
    let sidecars = sidecar_stops(s)
        .into_iter()
        .map(|(name, secs)| {
            let from = at;
            at = at.saturating_add(secs);
            SidecarStop {
                name,
                from,
                until: at,
            }
        })
        .collect();
    ShutdownTimeline {
        propagation: e,
        pre_stop: t.pre_stop_seconds,
        drain: t.app_shutdown_seconds,
        grace: t.grace_period_seconds,
        slack: i64::from(t.grace_period_seconds) - i64::from(stop.total()),
        exposed_after_sigterm: e.saturating_sub(t.pre_stop_seconds),
        main_done: stop.main,
        sidecars,
    }
}

/// How many pods of a workload may be down at once, for drains and rollouts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Disruption {
    /// Replicas that are guaranteed (the HPA minimum when an HPA manages it).
    pub replicas: u32,
    /// The HPA range, if any.
    pub hpa: Option<(u32, u32)>,
    /// Pods a drain may evict at once at `replicas`; `None` without a PDB (no limit).
    pub drain_allows: Option<u32>,
    /// Pods a rolling update may take down at once (maxUnavailable, rounded down).
    pub rollout_down: u32,
    /// Extra pods a rolling update may add (maxSurge, rounded up).
    pub rollout_surge: u32,
}

/// `n` as a `u32`, or `u32::MAX` when it does not fit.
fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The disruption figures of an (effective) service.
pub fn disruption(s: &Service) -> Disruption {
    let replicas = guaranteed_replicas(s);
    let drain_allows = s.scaling.pdb.map(|p| pdb_allowed_disruptions(p, replicas));
    Disruption {
        replicas,
        hpa: s.scaling.hpa.as_ref().map(|h| (h.min, h.max)),
        drain_allows,
        rollout_down: saturate(pods(s.scaling.max_unavailable, replicas, Rounding::Down)),
        rollout_surge: saturate(pods(s.scaling.max_surge, replicas, Rounding::Up)),
    }
}

/// How long one run of a Job (or of a CronJob's Job) takes, from the expected run time
/// of one pod, its completions, parallelism and retries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobTiming {
    /// Pods that must succeed (`completions`, default 1).
    pub completions: u32,
    /// Pods run at once (`parallelism`, default 1).
    pub parallelism: u32,
    /// Rounds of pods one after the other: completions / parallelism, rounded up.
    pub waves: u32,
    /// One run without failures: waves × the expected run time of a pod.
    pub run_seconds: u64,
    /// Retries allowed (`backoffLimit`, default 6).
    pub retries: u32,
    /// The back-off delays before those retries, added up.
    pub backoff_seconds: u64,
    /// A run in which every retry is used: the run, one more pod run per retry, and
    /// the back-off delays.
    pub all_retries_seconds: u64,
    /// `activeDeadlineSeconds`, if set.
    pub deadline: Option<u64>,
}

/// The timing of a Job or CronJob service's runs; `None` for other kinds, when the run
/// time is unknown (0), or when `parallelism` is 0 (no pods run).
pub fn job_timing(s: &Service) -> Option<JobTiming> {
    use crate::model::JobRestart;
    if !s.kind.runs_to_completion() {
        return None;
    }
    let j = &s.job;
    let expected = u64::from(j.expected_run_seconds);
    let parallelism = j.parallelism.unwrap_or(1);
    if expected == 0 || parallelism == 0 {
        return None;
    }
    // Without `completions`, the pods share a work queue and the Job is done when one
    // of them succeeds: one wave.
    let completions = j.completions.unwrap_or(1);
    let waves = match j.completions {
        Some(c) => c.div_ceil(parallelism),
        None => 1,
    };
    let retries = j.backoff_limit.unwrap_or(domain::DEFAULT_BACKOFF_LIMIT);
    let cap = match j.restart_policy {
        JobRestart::Never => domain::JOB_BACKOFF_MAX_SECONDS,
        JobRestart::OnFailure => domain::CONTAINER_RESTART_BACKOFF_MAX_SECONDS,
    };
    let mut delay = domain::JOB_BACKOFF_INITIAL_SECONDS;
    let mut backoff_seconds = 0u64;
    for _ in 0..retries {
        backoff_seconds = backoff_seconds.saturating_add(delay.min(cap));
        delay = delay.saturating_mul(2);
    }
    let run_seconds = u64::from(waves) * expected;
    let all_retries_seconds = run_seconds
        .saturating_add(u64::from(retries).saturating_mul(expected))
        .saturating_add(backoff_seconds);
    Some(JobTiming {
        completions,
        parallelism,
        waves,
        run_seconds,
        retries,
        backoff_seconds,
        all_retries_seconds,
        deadline: j.active_deadline_seconds.map(u64::from),
    })
}

impl JobTiming {
    /// One line for people: `a run takes 20 min; with every retry (2) up to 1 h 0 min`.
    pub fn summary(&self) -> String {
        let run = crate::cron::duration_text(self.run_seconds);
        let waves = if self.waves > 1 {
            format!(
                " ({} pods, {} at a time)",
                self.completions, self.parallelism
            )
        } else {
            String::new()
        };
        let mut out = format!("a run takes about {run}{waves}");
        if self.retries > 0 {
            out.push_str(&format!(
                "; with every retry ({}) up to {}",
                self.retries,
                crate::cron::duration_text(self.all_retries_seconds)
            ));
        }
        if let Some(d) = self.deadline {
            out.push_str(&format!(
                "; the deadline stops it at {}",
                crate::cron::duration_text(d)
            ));
        }
        out
    }
}

/// How many pods a service runs, in words, for the canvas: `3 replicas`, `HPA 2–6`,
/// `one per node`, `8 completions, 4 at a time`, or a CronJob's schedule.
pub fn scale_text(s: &Service) -> String {
    use crate::model::WorkloadKind;
    match s.kind {
        WorkloadKind::DaemonSet => "one per node".into(),
        WorkloadKind::CronJob if s.cron.suspend => format!("{} (suspended)", s.cron.schedule),
        WorkloadKind::CronJob => s.cron.schedule.clone(),
        WorkloadKind::Job => {
            let done = s.job.completions.unwrap_or(1);
            let mut out = format!("{done} completion{}", if done == 1 { "" } else { "s" });
            if let Some(p) = s.job.parallelism.filter(|&p| p > 1) {
                out.push_str(&format!(", {p} at a time"));
            }
            out
        }
        WorkloadKind::Deployment | WorkloadKind::StatefulSet => match &s.scaling.hpa {
            Some(h) => format!("HPA {}–{}", h.min, h.max),
            None => format!(
                "{} replica{}",
                s.scaling.replicas,
                if s.scaling.replicas == 1 { "" } else { "s" }
            ),
        },
    }
}

/// One row of the disruption view: what a node drain and a rollout do to a service, in
/// words, for every kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisruptionRow {
    /// The pods it runs: replicas, one per node, completions or a schedule.
    pub pods: String,
    /// The HPA's range, or `–`.
    pub hpa: String,
    /// What a drain may evict.
    pub drain: String,
    /// A drain blocks on it.
    pub drain_blocks: bool,
    /// What a rollout takes down and adds.
    pub rollout: String,
}

/// The disruption view's row of an (effective) service.
pub fn disruption_row(s: &Service) -> DisruptionRow {
    use crate::model::WorkloadKind;
    let hpa = |d: &Disruption| {
        d.hpa
            .map(|(a, b)| format!("{a}–{b}"))
            .unwrap_or_else(|| "–".into())
    };
    match s.kind {
        WorkloadKind::Deployment | WorkloadKind::StatefulSet => {
            let d = disruption(s);
            DisruptionRow {
                pods: d.replicas.to_string(),
                hpa: hpa(&d),
                drain: match d.drain_allows {
                    None => "all (no PDB)".to_string(),
                    Some(0) => "0: drains block".to_string(),
                    Some(n) => format!("{n} at a time"),
                },
                drain_blocks: d.drain_allows == Some(0),
                rollout: match canary_steps(s) {
                    Some(steps) => steps,
                    None => format!("{} / {}", d.rollout_down, d.rollout_surge),
                },
            }
        }
        WorkloadKind::DaemonSet => {
            let r = node_rollout(s).expect("a DaemonSet");
            DisruptionRow {
                pods: "one per node".into(),
                hpa: "–".into(),
                drain: "none: a drain leaves DaemonSet pods on the node".into(),
                drain_blocks: false,
                rollout: format!(
                    "{} (of 10 nodes: {} down at once)",
                    r.summary().trim_start_matches("one pod per node; "),
                    r.down_at_once(10)
                ),
            }
        }
        WorkloadKind::Job | WorkloadKind::CronJob => DisruptionRow {
            pods: scale_text(s),
            hpa: "–".into(),
            drain: "its running pods; the Job starts new ones (retries)".into(),
            drain_blocks: false,
            rollout: "none: a change applies to the next run".into(),
        },
    }
}

/// A canary's steps in pods, for the disruption view: `canary 1 of 5 pods (20%) · 5 min ·
/// 3 of 6 (50%) · until promoted · analysis · then all 5`. Without traffic routing a
/// weight is the canary's share of the pods, so the pods are what the traffic gets (see
/// [`crate::replicas::canary_split`]). `None` unless the service renders a Rollout.
pub fn canary_steps(s: &Service) -> Option<String> {
    use crate::model::CanaryStep;
    use crate::replicas::{canary_share, canary_split};
    if !s.is_canary() {
        return None;
    }
    let r = guaranteed_replicas(s);
    let surge = u32::try_from(pods(s.scaling.max_surge, r, Rounding::Up)).unwrap_or(u32::MAX);
    let mut parts = Vec::new();
    for step in &s.delivery.steps {
        parts.push(match step {
            CanaryStep::SetWeight { weight } => {
                let (c, st) = canary_split(r, *weight, surge);
                let share = canary_share(c, st);
                let of = if parts.is_empty() { " pods" } else { "" };
                if share == *weight {
                    format!("{c} of {}{of} ({weight}%)", c + st)
                } else {
                    format!("{c} of {}{of} ({share}%, not {weight}%)", c + st)
                }
            }
            CanaryStep::Pause { seconds: Some(n) } => crate::cron::duration_text(u64::from(*n)),
            CanaryStep::Pause { seconds: None } => "until promoted".into(),
            CanaryStep::Analysis => "analysis".into(),
        });
    }
    parts.push(format!("then all {r}"));
    Some(format!("canary {}", parts.join(" · ")))
}

/// How a DaemonSet's rolling update goes: one pod per node, so its amounts are shares
/// of the nodes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeRollout {
    /// Nodes whose pod is stopped before its replacement starts (`maxUnavailable`).
    pub max_unavailable: crate::model::Amount,
    /// Nodes that run the new pod beside the old one until it is ready (`maxSurge`).
    pub max_surge: crate::model::Amount,
}

impl NodeRollout {
    /// Nodes without the agent at once during a rollout, of `nodes` nodes (a DaemonSet
    /// rounds percentages up).
    pub fn down_at_once(&self, nodes: u32) -> u64 {
        pods(self.max_unavailable, nodes, Rounding::Up).min(u64::from(nodes))
    }

    /// One line for people: `one pod per node; a rollout replaces 1 node's pod at a
    /// time (the agent is down there meanwhile)`.
    pub fn summary(&self) -> String {
        use crate::model::Amount;
        let zero = |a: Amount| matches!(a, Amount::Count(0) | Amount::Percent(0));
        let nodes = |a: Amount| match a {
            Amount::Count(1) => "1 node".to_string(),
            Amount::Count(n) => format!("{n} nodes"),
            Amount::Percent(p) => format!("{p}% of the nodes"),
        };
        if !zero(self.max_surge) && zero(self.max_unavailable) {
            format!(
                "one pod per node; a rollout starts the new pod beside the old one on {} at a time, so the agent never stops",
                nodes(self.max_surge)
            )
        } else {
            format!(
                "one pod per node; a rollout replaces the pod of {} at a time, and the agent is down there meanwhile",
                nodes(self.max_unavailable)
            )
        }
    }
}

/// The rollout of a DaemonSet service; `None` for other kinds.
pub fn node_rollout(s: &Service) -> Option<NodeRollout> {
    (s.kind == crate::model::WorkloadKind::DaemonSet).then_some(NodeRollout {
        max_unavailable: s.scaling.max_unavailable,
        max_surge: s.scaling.max_surge,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Amount, Pdb};

    #[test]
    fn connectum_has_zero_slack() {
        let d = crate::templates::connectum();
        let t = shutdown_timeline(&d, &d.services[0]);
        assert_eq!((t.pre_stop, t.drain, t.grace, t.slack), (5, 30, 35, 0));
        assert_eq!(
            t.summary(),
            "preStop 5 s + drain 30 s = 35 s, grace 35 s: thin: 0 s of slack"
        );
    }

    #[test]
    fn overrun_is_negative_slack() {
        let mut d = crate::templates::connectum();
        d.services[0].timing.grace_period_seconds = 30;
        let t = shutdown_timeline(&d, &d.services[0]);
        assert_eq!(t.slack, -5);
        assert!(t
            .summary()
            .contains("overrun: SIGKILL 5 s before the drain ends"));
        assert_eq!(
            (t.verdict(), t.slack_text().as_str()),
            (Verdict::Overrun, "overrun 5 s")
        );
        d.services[0].timing.grace_period_seconds = 36;
        let t = shutdown_timeline(&d, &d.services[0]);
        assert_eq!(
            (t.verdict(), t.slack_text().as_str()),
            (Verdict::Thin, "slack 1 s")
        );
        d.services[0].timing.grace_period_seconds = 37;
        assert_eq!(shutdown_timeline(&d, &d.services[0]).verdict(), Verdict::Ok);
    }

    /// A drain that ends in time while requests still arrive after SIGTERM (preStop
    /// shorter than endpoint propagation, KP104) is no plain "ok".
    #[test]
    fn requests_after_sigterm_are_no_ok() {
        let mut d = crate::templates::connectum();
        d.cluster.endpoint_propagation_seconds = 5;
        d.services[0].timing.pre_stop_seconds = 0;
        d.services[0].timing.grace_period_seconds = 60;
        let t = shutdown_timeline(&d, &d.services[0]);
        assert_eq!(
            (t.verdict(), t.verdict().as_str()),
            (Verdict::Exposed, "exposed")
        );
        assert_eq!(
            t.summary(),
            "preStop 0 s + drain 30 s = 30 s, grace 60 s: drained in time (30 s of slack), but requests may arrive for 5 s after SIGTERM (preStop 0 s < endpoint propagation 5 s)"
        );
        d.services[0].timing.grace_period_seconds = 31;
        let t = shutdown_timeline(&d, &d.services[0]);
        assert_eq!(t.verdict(), Verdict::Thin);
        assert!(
            t.summary()
                .ends_with("thin: 1 s of slack; requests may arrive for 5 s after SIGTERM"),
            "{}",
            t.summary()
        );
        d.services[0].timing.pre_stop_seconds = 5;
        d.services[0].timing.grace_period_seconds = 60;
        assert_eq!(shutdown_timeline(&d, &d.services[0]).verdict(), Verdict::Ok);
    }

    #[test]
    fn disruption_rounds_like_kubernetes() {
        let mut s = crate::templates::miniredis().services[1].clone(); // api-gateway
        s.scaling.hpa.as_mut().unwrap().min = 4;
        s.scaling.pdb = Some(Pdb::MinAvailable(Amount::Percent(50)));
        s.scaling.max_unavailable = Amount::Percent(25);
        s.scaling.max_surge = Amount::Percent(10);
        let d = disruption(&s);
        assert_eq!(d.replicas, 4);
        assert_eq!(d.drain_allows, Some(2));
        assert_eq!(d.rollout_down, 1);
        assert_eq!(d.rollout_surge, 1);
    }

    #[test]
    fn a_job_run_with_every_retry() {
        let mut s = crate::model::Service {
            kind: crate::model::WorkloadKind::Job,
            ..Default::default()
        };
        s.job.expected_run_seconds = 60;
        s.job.backoff_limit = Some(3);
        s.job.completions = Some(5);
        s.job.parallelism = Some(2);
        let t = job_timing(&s).unwrap();
        assert_eq!((t.waves, t.run_seconds), (3, 180));
        assert_eq!(t.backoff_seconds, 10 + 20 + 40);
        assert_eq!(t.all_retries_seconds, 180 + 3 * 60 + 70);
        s.job.backoff_limit = None;
        s.job.restart_policy = crate::model::JobRestart::Never;
        let t = job_timing(&s).unwrap();
        assert_eq!(t.backoff_seconds, 10 + 20 + 40 + 80 + 160 + 320);
        s.job.backoff_limit = Some(8);
        assert_eq!(
            job_timing(&s).unwrap().backoff_seconds,
            10 + 20 + 40 + 80 + 160 + 320 + 360 + 360,
            "capped at six minutes"
        );
        s.kind = crate::model::WorkloadKind::Deployment;
        assert_eq!(job_timing(&s), None);
    }

    #[test]
    fn a_daemonset_rollout_counts_nodes() {
        let mut s = crate::model::Service {
            kind: crate::model::WorkloadKind::DaemonSet,
            ..Default::default()
        };
        s.scaling.max_unavailable = Amount::Percent(25);
        s.scaling.max_surge = Amount::Count(0);
        let r = node_rollout(&s).unwrap();
        assert_eq!(r.down_at_once(10), 3, "rounded up");
        assert!(
            r.summary().contains("25% of the nodes at a time"),
            "{}",
            r.summary()
        );
        s.scaling.max_unavailable = Amount::Count(0);
        s.scaling.max_surge = Amount::Count(1);
        assert!(node_rollout(&s).unwrap().summary().contains("never stops"));
    }

    #[test]
    fn every_kind_has_a_disruption_row_and_a_scale() {
        use crate::model::WorkloadKind;
        let mut s = crate::templates::miniredis().services[1].clone(); // api-gateway
        assert_eq!(scale_text(&s), "HPA 2–6");
        assert_eq!(disruption_row(&s).rollout, "0 / 1");
        s.kind = WorkloadKind::DaemonSet;
        s.scaling.max_unavailable = Amount::Count(1);
        s.scaling.max_surge = Amount::Count(0);
        let row = disruption_row(&s);
        assert_eq!(row.pods, "one per node");
        assert_eq!(
            row.rollout,
            "a rollout replaces the pod of 1 node at a time, and the agent is down there meanwhile (of 10 nodes: 1 down at once)"
        );
        s.kind = WorkloadKind::Job;
        s.job.completions = Some(8);
        s.job.parallelism = Some(4);
        assert_eq!(scale_text(&s), "8 completions, 4 at a time");
        s.kind = WorkloadKind::CronJob;
        s.cron.schedule = "0 2 * * *".into();
        assert_eq!(disruption_row(&s).pods, "0 2 * * *");
        s.job.expected_run_seconds = 600;
        s.job.backoff_limit = Some(1);
        s.job.active_deadline_seconds = Some(3600);
        assert_eq!(
            job_timing(&s).unwrap().summary(),
            "a run takes about 20 min (8 pods, 4 at a time); with every retry (1) up to 30 min 10 s; the deadline stops it at 1 h"
        );
    }
}
