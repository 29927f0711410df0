//! Canary rules (KP230-KP238): an Argo Rollouts canary with replica weights or routed
//! through its Gateway API route, its steps, its progress deadline and its analysis. What Argo Rollouts does is cited in
//! each rule's doc: the deadline is not evaluated at pause and analysis steps, a weight
//! is a share of the pods, a background analysis stops when the last step is done.

use super::super::catalog::*;
use super::super::context::{batch_fix, set, set_fix, svc, Ctx, OverridableField as OF};
use super::super::Severity;
use crate::domain::CANARY_WEIGHT_TOLERANCE_PERCENT;
use crate::model::*;
use crate::replicas::{canary_share, canary_split, guaranteed_replicas, pods, Rounding};
use serde_json::json;

/// The canary checks of one deployed (effective) service.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    if !s.delivery.is_canary() {
        return;
    }
    if s.kind != WorkloadKind::Deployment {
        let path = cx.overridable(s, OF::Strategy);
        cx.report(
            &CANARY_NOT_ON_DEPLOYMENT,
            Some(s),
            path.clone(),
            format!(
                "the strategy is canary, but a {} is not replaced by a Rollout: it updates as its kind does, without steps or analysis",
                s.kind.as_str()
            ),
        )
        .fix = set_fix(
            "Use the rolling update".into(),
            path.clone(),
            json!("rolling_update"),
        );
        return;
    }
    let routed = crate::routes::routes_canary(s, cx.env);
    if routed {
        other_backends(cx, s);
    } else {
        if s.delivery.traffic == CanaryTraffic::GatewayRoute {
            route_missing(cx, s);
        }
        weights(cx, s);
    }
    let d = &s.delivery;
    if !d.progress_deadline_abort {
        cx.report(
            &CANARY_WITHOUT_DEADLINE_ABORT,
            Some(s),
            svc(s, "/delivery/progress_deadline_abort"),
            format!(
                "if the canary pods never become ready, the rollout stops at its canary weight and is only marked Degraded after {} s: nothing rolls it back",
                s.timing.progress_deadline_seconds
            ),
        )
        .fix = set_fix(
            "Abort at the progress deadline".into(),
            svc(s, "/delivery/progress_deadline_abort"),
            json!(true),
        );
    }
    pauses(cx, s);
    background(cx, s);
    for (field, value) in [
        ("scale_down_delay_seconds", d.scale_down_delay_seconds),
        (
            "abort_scale_down_delay_seconds",
            d.abort_scale_down_delay_seconds,
        ),
    ] {
        let Some(v) = value else { continue };
        if routed {
            continue;
        }
        let path = svc(s, &format!("/delivery/{field}"));
        let (message, severity) = if field == "scale_down_delay_seconds" {
            (format!("scaleDownDelaySeconds {v} on a canary without traffic routing: Argo Rollouts refuses the spec (\"can only be used with traffic routing\") and the Rollout does not update"), Severity::Error)
        } else {
            (format!("abortScaleDownDelaySeconds {v} applies to traffic-routed canaries only: without a router the canary pods are scaled down at once on abort, whatever it says"), Severity::Warning)
        };
        let f = cx.report(
            &SCALE_DOWN_DELAY_WITHOUT_ROUTING,
            Some(s),
            path.clone(),
            message,
        );
        f.severity = severity;
        f.fix = set_fix("Leave it out".into(), path, json!(null));
    }
    if d.analysis.is_none() {
        if let Some(i) = d.steps.iter().position(|st| *st == CanaryStep::Analysis) {
            cx.report(
                &ANALYSIS_STEP_WITHOUT_ANALYSIS,
                Some(s),
                svc(s, &format!("/delivery/steps/{i}")),
                format!("step {i} is an analysis, but the service has no analysis to run: the step is left out and the canary goes on unchecked"),
            )
            .fix = set_fix(
                "Add the analysis (at the analysis steps)".into(),
                svc(s, "/delivery/analysis"),
                serde_json::to_value(Analysis {
                    background: false,
                    ..Analysis::default()
                })
                .expect("analysis serializes"),
            );
        }
    }
}

/// KP237: routing through the Gateway route was chosen, but there is nothing to route
/// through.
fn route_missing(cx: &mut Ctx, s: &Service) {
    let lacks = if s.exposure.gateway_route.is_none() {
        "the service has no Gateway API route"
    } else if cx.env.gateway.is_none() {
        "the environment has no Gateway for its route"
    } else {
        "the service has no Service for its route to send to"
    };
    let path = svc(s, "/delivery/traffic");
    cx.report(
        &CANARY_ROUTE_MISSING,
        Some(s),
        path.clone(),
        format!("the canary's traffic goes through its Gateway route, but {lacks}: no traffic routing is written, and its weights are shares of the pods"),
    )
    .fix = set_fix("Use replica weights".into(), path.clone(), json!("replicas"));
}

/// KP238: a rule of the routed canary's route that also sends to other Services.
fn other_backends(cx: &mut Ctx, s: &Service) {
    let Some(route) = &s.exposure.gateway_route else {
        return;
    };
    for (i, rule) in route.rules.iter().enumerate() {
        let own = rule
            .backends
            .iter()
            .any(|b| crate::routes::is_own_backend(s, b));
        let others: Vec<&str> = rule
            .backends
            .iter()
            .filter(|b| !crate::routes::is_own_backend(s, b))
            .map(|b| b.service.as_str())
            .collect();
        if !own || others.is_empty() {
            continue;
        }
        cx.report(
            &CANARY_ROUTE_SPLITS_OTHER_BACKENDS,
            Some(s),
            svc(s, &format!("/exposure/gateway_route/rules/{i}/backends")),
            format!(
                "rule {i} of the route also sends to {}: Argo Rollouts' Gateway API plugin writes the stable weight 100 - w and the canary's w, so the rule's split to {} is not the one the design shows",
                others.join(", "),
                if others.len() == 1 { "it" } else { "them" }
            ),
        )
        .fix = set_fix(
            "Route the canary by replica weights".into(),
            svc(s, "/delivery/traffic"),
            json!("replicas"),
        );
    }
}

/// KP231: the weights, in pods.
fn weights(cx: &mut Ctx, s: &Service) {
    let r = guaranteed_replicas(s);
    let honored = |r: u32, weight: u32| {
        let surge = u32::try_from(pods(s.scaling.max_surge, r, Rounding::Up)).unwrap_or(u32::MAX);
        let (c, st) = canary_split(r, weight, surge);
        (
            c,
            st,
            canary_share(c, st).abs_diff(weight) <= CANARY_WEIGHT_TOLERANCE_PERCENT,
        )
    };
    let weights: Vec<(usize, u32)> = s
        .delivery
        .steps
        .iter()
        .enumerate()
        .filter_map(|(i, st)| match st {
            CanaryStep::SetWeight { weight } if (1..100).contains(weight) => Some((i, *weight)),
            _ => None,
        })
        .collect();
    // The fewest replicas (up to 20) that express every weight.
    let enough = (r + 1..=20).find(|&n| weights.iter().all(|&(_, w)| honored(n, w).2));
    for (i, w) in weights {
        let (c, st, ok) = honored(r, w);
        if ok {
            continue;
        }
        let of = if s.scaling.hpa.is_some() {
            "the HPA's minimum of"
        } else {
            "only"
        };
        let fix = enough.and_then(|n| match &s.scaling.hpa {
            Some(h) => {
                let mut edits = vec![set(cx.overridable(s, OF::HpaMin), json!(n))];
                if h.max < n {
                    edits.push(set(cx.overridable(s, OF::HpaMax), json!(n)));
                }
                batch_fix(format!("Run at least {n} replicas"), edits)
            }
            None => set_fix(
                format!("Run {n} replicas"),
                cx.overridable(s, OF::Replicas),
                json!(n),
            ),
        });
        cx.report(
            &CANARY_WEIGHT_NOT_HONORED,
            Some(s),
            svc(s, &format!("/delivery/steps/{i}/weight")),
            format!(
                "setWeight {w} with {of} {r} replica{}: the canary runs {c} pod{} beside {st} stable, {}% of the traffic without traffic routing",
                if r == 1 { "" } else { "s" },
                if c == 1 { "" } else { "s" },
                canary_share(c, st)
            ),
        )
        .fix = fix;
    }
}

/// KP233: pauses that wait for a promotion with nothing to abort them meanwhile.
fn pauses(cx: &mut Ctx, s: &Service) {
    let background_from = s
        .delivery
        .analysis
        .as_ref()
        .filter(|a| a.background)
        .map(|a| a.starting_step as usize);
    for (i, st) in s.delivery.steps.iter().enumerate() {
        if *st != (CanaryStep::Pause { seconds: None }) {
            continue;
        }
        if background_from.is_some_and(|from| from <= i) {
            continue;
        }
        let path = svc(s, &format!("/delivery/steps/{i}/seconds"));
        cx.report(
            &CANARY_PAUSE_WAITS_FOR_PROMOTION,
            Some(s),
            path.clone(),
            format!("step {i} waits until someone promotes the rollout: progressDeadlineSeconds does not run during a pause and no background analysis covers it, so the canary keeps its weight until then"),
        )
        .fix = set_fix("Pause for 10 minutes".into(), path.clone(), json!(600));
    }
}

/// KP234: a background analysis that the steps after its start do not leave time for.
fn background(cx: &mut Ctx, s: &Service) {
    let Some(a) = s.delivery.analysis.as_ref().filter(|a| a.background) else {
        return;
    };
    let steps = &s.delivery.steps;
    let from = (a.starting_step as usize).min(steps.len());
    let mut paused: u64 = 0;
    for st in &steps[from..] {
        match st {
            // The rollout waits there for someone: time enough.
            CanaryStep::Pause { seconds: None } => return,
            CanaryStep::Pause { seconds: Some(n) } => paused += u64::from(*n),
            // An analysis step waits for its own run: count x interval at least.
            CanaryStep::Analysis => {
                paused += u64::from(a.count.saturating_sub(1)) * u64::from(a.interval_seconds)
            }
            CanaryStep::SetWeight { .. } => {}
        }
    }
    let needed = u64::from(a.count.saturating_sub(1)) * u64::from(a.interval_seconds);
    if paused >= needed || a.interval_seconds == 0 {
        return;
    }
    let taken = paused / u64::from(a.interval_seconds) + 1;
    let path = svc(s, "/delivery/analysis/count");
    cx.report(
        &BACKGROUND_ANALYSIS_CUT_SHORT,
        Some(s),
        path.clone(),
        format!(
            "the background analysis takes {needed} s for its {} measurements every {} s, but the steps from step {from} on pause {paused} s: the rollout completes and the run is stopped after {taken}",
            a.count, a.interval_seconds
        ),
    )
    .fix = set_fix(format!("Measure {taken} times"), path.clone(), json!(taken));
}
