//! HorizontalPodAutoscalers and PodDisruptionBudgets.

use super::workload::{workload_api_version, workload_kind};
use super::{amount, clamp_i32, label_selector, non_empty, some_if, Renderer};
use crate::model::*;
use crate::naming;
use k8s_openapi::api::autoscaling::v2 as hpa;
use k8s_openapi::api::policy::v1 as policy;

impl Renderer<'_> {
    pub(super) fn hpa(&self, s: &Service, h: &Hpa) -> hpa::HorizontalPodAutoscaler {
        let metric = |name: &str, pct: u32| hpa::MetricSpec {
            type_: "Resource".into(),
            resource: Some(hpa::ResourceMetricSource {
                name: name.into(),
                target: hpa::MetricTarget {
                    type_: "Utilization".into(),
                    average_utilization: Some(clamp_i32(pct)),
                    ..Default::default()
                },
            }),
            ..Default::default()
        };
        let metrics: Vec<_> = [("cpu", h.cpu_percent), ("memory", h.memory_percent)]
            .into_iter()
            .filter_map(|(name, pct)| pct.map(|p| metric(name, p)))
            .collect();
        let behavior = hpa::HorizontalPodAutoscalerBehavior {
            scale_up: h.scale_up.as_ref().map(scale_rules),
            scale_down: h.scale_down.as_ref().map(scale_rules),
        };
        hpa::HorizontalPodAutoscaler {
            metadata: self.service_meta(s, naming::own(&s.name)),
            spec: Some(hpa::HorizontalPodAutoscalerSpec {
                scale_target_ref: hpa::CrossVersionObjectReference {
                    api_version: Some(workload_api_version(s).into()),
                    kind: workload_kind(s).into(),
                    name: naming::own(&s.name).into(),
                },
                min_replicas: Some(clamp_i32(h.min)),
                max_replicas: clamp_i32(h.max),
                metrics: non_empty(metrics),
                behavior: some_if(
                    behavior != hpa::HorizontalPodAutoscalerBehavior::default(),
                    behavior,
                ),
            }),
            ..Default::default()
        }
    }

    pub(super) fn pdb(&self, s: &Service, p: &Pdb) -> policy::PodDisruptionBudget {
        policy::PodDisruptionBudget {
            metadata: self.service_meta(s, naming::own(&s.name)),
            spec: Some(policy::PodDisruptionBudgetSpec {
                selector: Some(label_selector(s)),
                min_available: match p {
                    Pdb::MinAvailable(a) => Some(amount(*a)),
                    Pdb::MaxUnavailable(_) => None,
                },
                max_unavailable: match p {
                    Pdb::MaxUnavailable(a) => Some(amount(*a)),
                    Pdb::MinAvailable(_) => None,
                },
                ..Default::default()
            }),
            ..Default::default()
        }
    }
}

fn scale_rules(r: &ScaleRules) -> hpa::HPAScalingRules {
    hpa::HPAScalingRules {
        stabilization_window_seconds: r.stabilization_window_seconds.map(clamp_i32),
        policies: non_empty(
            r.policies
                .iter()
                .map(|p| hpa::HPAScalingPolicy {
                    type_: match p.kind {
                        ScalePolicyKind::Pods => "Pods",
                        ScalePolicyKind::Percent => "Percent",
                    }
                    .into(),
                    value: clamp_i32(p.value),
                    period_seconds: clamp_i32(p.period_seconds),
                })
                .collect(),
        ),
        ..Default::default()
    }
}
