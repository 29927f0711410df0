//! The replica arithmetic Kubernetes does: guaranteed replicas, and percentages of
//! replicas rounded to whole pods as the controllers round them. The rules and the
//! disruption view ([`crate::insight`]) both count pods with these functions.

use crate::model::{Amount, Pdb, Service};

/// R: the replicas a workload is guaranteed to have, i.e. the HPA's `minReplicas` when an
/// HPA manages it, `replicas` otherwise. Disruption figures and the scaling rules are
/// stated at R.
pub fn guaranteed_replicas(s: &Service) -> u32 {
    s.scaling.hpa.as_ref().map_or(s.scaling.replicas, |h| h.min)
}

/// Which way a percentage of replicas rounds to whole pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// Up: a PDB's `minAvailable` and `maxUnavailable`, a Deployment's `maxSurge`.
    Up,
    /// Down: a Deployment's `maxUnavailable`.
    Down,
}

/// The pods `amount` stands for at `replicas`: a count as it is, a percentage of the
/// replicas rounded to whole pods as Kubernetes rounds it. A percentage may be above
/// 100, so the result is wide enough not to overflow.
pub fn pods(amount: Amount, replicas: u32, rounding: Rounding) -> u64 {
    match amount {
        Amount::Count(n) => u64::from(n),
        Amount::Percent(p) => {
            let scaled = u64::from(p) * u64::from(replicas);
            match rounding {
                Rounding::Up => scaled.div_ceil(100),
                Rounding::Down => scaled / 100,
            }
        }
    }
}

/// The pods a PDB's `minAvailable` or `maxUnavailable` stands for at `replicas`. The
/// disruption controller rounds a percentage up for both, so `minAvailable: 50%` of 3
/// keeps 2 pods and `maxUnavailable: 50%` of 3 lets 2 go.
pub fn pdb_pods(amount: Amount, replicas: u32) -> u64 {
    pods(amount, replicas, Rounding::Up)
}

/// How many pods a drain may evict at once under `pdb` at `replicas`.
pub fn pdb_allowed_disruptions(pdb: Pdb, replicas: u32) -> u32 {
    let capped = |pods: u64| u32::try_from(pods).map_or(replicas, |n| n.min(replicas));
    match pdb {
        Pdb::MinAvailable(a) => replicas - capped(pdb_pods(a, replicas)),
        Pdb::MaxUnavailable(a) => capped(pdb_pods(a, replicas)),
    }
}

/// The canary and stable pods a replica-weight canary (Argo Rollouts without traffic
/// routing) runs at `weight` percent of `replicas`, with `max_surge` pods of surge
/// allowed: the controller's closest approximation of the weight
/// (`approximateWeightedCanaryStableReplicaCounts` in Argo Rollouts' `utils/replicaset`):
/// floor or ceiling of `weight` × `replicas`, over `replicas` pods or, with surge, one
/// more; a weight strictly between 0 and 100 never rounds the canary to 0 pods when two
/// pods or more may run, and on a tie the larger canary wins.
pub fn canary_split(replicas: u32, weight: u32, max_surge: u32) -> (u32, u32) {
    if replicas == 0 {
        return (0, 0);
    }
    let weight = weight.min(100);
    let exact = f64::from(replicas) * f64::from(weight) / 100.0;
    let (ceil, floor) = (exact.ceil() as u32, exact.floor() as u32);
    let tied = |total: u32| (f64::from(total) * f64::from(weight) / 100.0).fract() == 0.5;
    let zero_allowed = weight == 100 || weight == 0 || (replicas == 1 && max_surge == 0);
    let mut options: Vec<(u32, u32)> = Vec::new();
    if ceil < replicas || zero_allowed {
        options.push((ceil, replicas));
    }
    if !tied(replicas) && (floor != 0 || zero_allowed) {
        options.push((floor, replicas));
    }
    if max_surge > 0 {
        options.push((ceil, replicas + 1));
        if !tied(replicas + 1) && (floor != 0 || zero_allowed) {
            options.push((floor, replicas + 1));
        }
    }
    let delta = |(canary, total): (u32, u32)| {
        (f64::from(canary) * 100.0 / f64::from(total) - f64::from(weight)).abs()
    };
    let mut best = match options.first() {
        Some(o) => *o,
        None => return (0, replicas),
    };
    for o in options.into_iter().skip(1) {
        if delta(o) < delta(best) {
            best = o;
        }
    }
    (best.0, best.1 - best.0)
}

/// The share of the pods (percent, rounded) a replica-weight canary's `canary` pods are
/// beside `stable` ones: what its traffic share is without traffic routing.
pub fn canary_share(canary: u32, stable: u32) -> u32 {
    let total = canary + stable;
    if total == 0 {
        return 0;
    }
    ((f64::from(canary) * 100.0 / f64::from(total)).round()) as u32
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Hpa;

    #[test]
    fn canary_splits_match_argo_rollouts_examples() {
        // From the comments and tests of Argo Rollouts' replica arithmetic.
        assert_eq!(canary_split(10, 10, 1), (1, 9));
        assert_eq!(canary_split(1, 5, 1), (1, 1));
        assert_eq!(canary_split(1, 95, 1), (1, 1));
        assert_eq!(canary_split(1, 20, 0), (0, 1));
        assert_eq!(canary_split(3, 50, 0), (2, 1));
        assert_eq!(canary_split(5, 20, 1), (1, 4));
        assert_eq!(canary_split(4, 0, 1), (0, 4));
        assert_eq!(canary_split(4, 100, 1), (4, 0));
        assert_eq!(canary_share(1, 1), 50);
        assert_eq!(canary_share(1, 4), 20);
    }

    #[test]
    fn guaranteed_replicas_are_the_hpa_minimum_when_an_hpa_manages_the_workload() {
        let mut s = Service::default();
        s.scaling.replicas = 3;
        assert_eq!(guaranteed_replicas(&s), 3);
        s.scaling.hpa = Some(Hpa {
            min: 2,
            max: 6,
            ..Hpa::default()
        });
        assert_eq!(guaranteed_replicas(&s), 2);
    }

    #[test]
    fn pdb_percentages_round_up_for_min_available_and_max_unavailable() {
        // minAvailable 50% of 3 keeps ceil(1.5) = 2 pods: one may go.
        assert_eq!(pdb_pods(Amount::Percent(50), 3), 2);
        assert_eq!(
            pdb_allowed_disruptions(Pdb::MinAvailable(Amount::Percent(50)), 3),
            1
        );
        // maxUnavailable 50% of 3 lets ceil(1.5) = 2 pods go.
        assert_eq!(
            pdb_allowed_disruptions(Pdb::MaxUnavailable(Amount::Percent(50)), 3),
            2
        );
        // 1% of 3 is still one whole pod either way.
        assert_eq!(pdb_pods(Amount::Percent(1), 3), 1);
        assert_eq!(
            pdb_allowed_disruptions(Pdb::MinAvailable(Amount::Percent(1)), 3),
            2
        );
        // minAvailable 100% keeps them all: drains block.
        assert_eq!(
            pdb_allowed_disruptions(Pdb::MinAvailable(Amount::Percent(100)), 4),
            0
        );
        // Exact percentages do not round.
        assert_eq!(pdb_pods(Amount::Percent(50), 4), 2);
    }

    #[test]
    fn pdb_counts_are_taken_as_they_are_and_capped_by_the_replicas() {
        assert_eq!(pdb_pods(Amount::Count(5), 3), 5);
        assert_eq!(
            pdb_allowed_disruptions(Pdb::MinAvailable(Amount::Count(5)), 3),
            0
        );
        assert_eq!(
            pdb_allowed_disruptions(Pdb::MaxUnavailable(Amount::Count(5)), 3),
            3
        );
        assert_eq!(
            pdb_allowed_disruptions(Pdb::MaxUnavailable(Amount::Count(0)), 3),
            0
        );
    }

    #[test]
    fn rollout_percentages_round_up_for_surge_and_down_for_unavailable() {
        // maxSurge 25% of 3 adds ceil(0.75) = 1 pod; maxUnavailable 25% of 3 takes
        // floor(0.75) = 0 down.
        assert_eq!(pods(Amount::Percent(25), 3, Rounding::Up), 1);
        assert_eq!(pods(Amount::Percent(25), 3, Rounding::Down), 0);
        assert_eq!(pods(Amount::Percent(25), 8, Rounding::Down), 2);
        assert_eq!(pods(Amount::Count(2), 8, Rounding::Down), 2);
    }

    #[test]
    fn huge_percentages_neither_overflow_nor_exceed_the_replicas() {
        let huge = u64::from(u32::MAX) * u64::from(u32::MAX);
        assert_eq!(
            pods(Amount::Percent(u32::MAX), u32::MAX, Rounding::Up),
            huge.div_ceil(100)
        );
        let all = Pdb::MaxUnavailable(Amount::Percent(u32::MAX));
        assert_eq!(pdb_allowed_disruptions(all, 7), 7);
        let none = Pdb::MinAvailable(Amount::Percent(u32::MAX));
        assert_eq!(pdb_allowed_disruptions(none, 7), 0);
    }
}
