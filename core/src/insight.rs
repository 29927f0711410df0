//! Derived views the designer draws: a service's shutdown timeline and what
//! disruptions an environment allows. Numbers only; the app draws them.

use crate::domain;
use crate::model::{Design, Service};
use crate::replicas::{guaranteed_replicas, pdb_allowed_disruptions, pods, Rounding};

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
    /// T - (S + A): negative is an overrun (the app is killed mid-drain).
    pub slack: i64,
    /// Seconds during which new requests may still arrive after SIGTERM: E - S, if positive.
    pub exposed_after_sigterm: u32,
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

    /// The largest time the drawing must cover.
    pub fn span(&self) -> u32 {
        self.grace.max(self.done()).max(self.propagation).max(1)
    }

    /// One line for people (and screen readers): what happens and how it ends.
    pub fn summary(&self) -> String {
        let verdict = match self.verdict() {
            Verdict::Overrun => format!("overrun: SIGKILL {} s before the drain ends", -self.slack),
            Verdict::Thin => format!("thin: {} s of slack", self.slack),
            Verdict::Ok => format!("ok: {} s of slack", self.slack),
        };
        format!(
            "preStop {} s + drain {} s = {} s, grace {} s: {verdict}",
            self.pre_stop,
            self.drain,
            self.done(),
            self.grace
        )
    }
}

/// The shutdown timeline of an (effective) service in a design.
pub fn shutdown_timeline(design: &Design, s: &Service) -> ShutdownTimeline {
    let t = &s.timing;
    let e = design.cluster.endpoint_propagation_seconds;
    ShutdownTimeline {
        propagation: e,
        pre_stop: t.pre_stop_seconds,
        drain: t.app_shutdown_seconds,
        grace: t.grace_period_seconds,
        slack: i64::from(t.grace_period_seconds)
            - i64::from(t.pre_stop_seconds)
            - i64::from(t.app_shutdown_seconds),
        exposed_after_sigterm: e.saturating_sub(t.pre_stop_seconds),
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
