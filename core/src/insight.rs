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
    /// The drain ends with room to spare.
    Ok,
}

impl Verdict {
    /// A CSS-friendly name: `overrun`, `thin` or `ok`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Overrun => "overrun",
            Verdict::Thin => "thin",
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
            Verdict::Ok => format!("ok: {} s of slack", self.slack),
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
}
