//! HorizontalPodAutoscalers and PodDisruptionBudgets in: each attaches to the workload it
//! targets (an HPA by its scale target's name, a PDB by its selector), at most one of each
//! per workload.

use super::{amount, note_rename, workload_for, Renamed, Workload, Workloads};
use crate::model::*;
use k8s_openapi::api::autoscaling::v2 as autoscaling;
use k8s_openapi::api::policy::v1 as policy;

/// An HPA becomes its target workload's autoscaling: bounds, CPU and memory targets and
/// scale-up/down behaviour.
pub(super) fn hpa(
    d: &mut Design,
    workloads: &[Workload],
    renamed: &mut Renamed,
    name: &str,
    h: &autoscaling::HorizontalPodAutoscaler,
) -> bool {
    let spec = h.spec.clone().unwrap_or_default();
    let Some(w) = workloads
        .iter()
        .find(|w| w.name == spec.scale_target_ref.name)
    else {
        return false;
    };
    if d.service(w.id).is_some_and(|s| s.scaling.hpa.is_some()) {
        return false;
    }
    note_rename(renamed, "HorizontalPodAutoscaler", w.name.clone(), name);
    let target = |resource: &str| {
        spec.metrics.iter().flatten().find_map(|m| {
            let r = m.resource.as_ref()?;
            (r.name == resource)
                .then(|| r.target.average_utilization.map(|u| u.max(0) as u32))
                .flatten()
        })
    };
    let rules = |r: &Option<autoscaling::HPAScalingRules>| {
        r.as_ref().map(|r| ScaleRules {
            stabilization_window_seconds: r.stabilization_window_seconds.map(|w| w.max(0) as u32),
            policies: r
                .policies
                .iter()
                .flatten()
                .map(|p| ScalePolicy {
                    kind: if p.type_ == "Percent" {
                        ScalePolicyKind::Percent
                    } else {
                        ScalePolicyKind::Pods
                    },
                    value: p.value.max(0) as u32,
                    period_seconds: p.period_seconds.max(0) as u32,
                })
                .collect(),
        })
    };
    let behavior = spec.behavior.clone().unwrap_or_default();
    let s = d.service_mut(w.id).expect("imported workload");
    s.scaling.hpa = Some(Hpa {
        min: spec.min_replicas.map_or(1, |m| m.max(0) as u32),
        max: spec.max_replicas.max(0) as u32,
        cpu_percent: target("cpu"),
        memory_percent: target("memory"),
        scale_up: rules(&behavior.scale_up),
        scale_down: rules(&behavior.scale_down),
    });
    true
}

/// A PDB becomes the disruption budget of the workload it selects.
pub(super) fn pdb(
    d: &mut Design,
    workloads: &Workloads,
    renamed: &mut Renamed,
    name: &str,
    p: &policy::PodDisruptionBudget,
) -> bool {
    let spec = p.spec.clone().unwrap_or_default();
    let Some(w) = workload_for(
        workloads,
        spec.selector.as_ref().and_then(|s| s.match_labels.as_ref()),
    )
    .filter(|w| d.service(w.id).is_some_and(|s| s.scaling.pdb.is_none())) else {
        return false;
    };
    note_rename(renamed, "PodDisruptionBudget", w.name.clone(), name);
    let pdb = match (&spec.min_available, &spec.max_unavailable) {
        (Some(m), _) => amount(m).map(Pdb::MinAvailable),
        (None, Some(m)) => amount(m).map(Pdb::MaxUnavailable),
        _ => None,
    };
    let Some(pdb) = pdb else { return false };
    d.service_mut(w.id).expect("imported workload").scaling.pdb = Some(pdb);
    true
}
