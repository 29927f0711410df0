//! Fixtures of the timing rules (KP1xx): shutdown, probes, rollouts and autoscaler behaviour.
//! The checks are in `core/src/rules/timing.rs`.

use super::*;

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP101",
            |d| api(d).timing.pre_stop_seconds = 40,
            |d| {
                api(d).timing.pre_stop_seconds = 29;
                api(d).timing.app_shutdown_seconds = 0;
            },
        ),
        fx(
            "KP102",
            |d| api(d).timing.app_shutdown_seconds = 30,
            |d| api(d).timing.app_shutdown_seconds = 25,
        ),
        fx(
            "KP103",
            |d| api(d).timing.app_shutdown_seconds = 25,
            |d| api(d).timing.app_shutdown_seconds = 23,
        ),
        fx(
            "KP104",
            |d| api(d).timing.pre_stop_seconds = 2,
            |d| {
                d.cluster.endpoint_propagation_seconds = 7;
                for s in &mut d.services {
                    s.timing.pre_stop_seconds = 7;
                    s.timing.grace_period_seconds = 40;
                }
            },
        ),
        fx(
            "KP105",
            |d| d.cluster.lb_deregistration_seconds = Some(10),
            |d| d.cluster.lb_deregistration_seconds = Some(4),
        ),
        fx(
            "KP106",
            |d| api(d).timing.startup_seconds = 90,
            |d| api(d).timing.startup_seconds = 60,
        ),
        fx(
            "KP106",
            |d| {
                api(d).probes.startup = None;
                api(d).timing.startup_seconds = 90;
            },
            |d| {
                api(d).probes.startup = None;
                api(d).timing.startup_seconds = 60;
            },
        ),
        fx(
            "KP107",
            |d| probe(api(d), "liveness").success_threshold = 2,
            |d| probe(api(d), "readiness").success_threshold = 2,
        ),
        fx(
            "KP107",
            |d| probe(api(d), "startup").success_threshold = 3,
            no_change,
        ),
        fx(
            "KP108",
            |d| probe(api(d), "readiness").timeout_seconds = 5,
            |d| probe(api(d), "readiness").timeout_seconds = 4,
        ),
        fx(
            "KP108",
            |d| probe(api(d), "readiness").period_seconds = 1,
            no_change,
        ),
        fx(
            "KP109",
            |d| api(d).probes.liveness = api(d).probes.readiness.clone(),
            |d| {
                let mut r = api(d).probes.readiness.clone().unwrap();
                r.failure_threshold = 6;
                api(d).probes.liveness = Some(r);
            },
        ),
        fx(
            "KP110",
            |d| probe(api(d), "liveness").failure_threshold = 1,
            |d| probe(api(d), "liveness").failure_threshold = 2,
        ),
        fx(
            "KP111",
            |d| api(d).timing.min_ready_seconds = 700,
            |d| api(d).timing.min_ready_seconds = 10,
        ),
        fx(
            "KP112",
            |d| api(d).timing.progress_deadline_seconds = 50,
            |d| api(d).timing.progress_deadline_seconds = 61,
        ),
        fx(
            "KP113",
            |d| api(d).scaling.max_surge = Amount::Count(0),
            |d| {
                api(d).scaling.max_surge = Amount::Count(0);
                api(d).scaling.max_unavailable = Amount::Count(1);
            },
        ),
        fx(
            "KP113",
            |d| api(d).scaling.max_unavailable = Amount::Percent(150),
            |d| api(d).scaling.max_unavailable = Amount::Percent(100),
        ),
        fx(
            "KP114",
            |d| {
                api(d).scaling.hpa.as_mut().unwrap().scale_down = Some(ScaleRules {
                    stabilization_window_seconds: Some(4000),
                    policies: vec![],
                });
            },
            |d| {
                api(d).scaling.hpa.as_mut().unwrap().scale_down = Some(ScaleRules {
                    stabilization_window_seconds: Some(3600),
                    policies: vec![],
                });
            },
        ),
        fx(
            "KP114",
            |d| {
                let policy = ScalePolicy {
                    kind: ScalePolicyKind::Pods,
                    value: 0,
                    period_seconds: 2000,
                };
                api(d).scaling.hpa.as_mut().unwrap().scale_up = Some(ScaleRules {
                    stabilization_window_seconds: None,
                    policies: vec![policy],
                });
            },
            |d| {
                let policy = ScalePolicy {
                    kind: ScalePolicyKind::Pods,
                    value: 1,
                    period_seconds: 1800,
                };
                api(d).scaling.hpa.as_mut().unwrap().scale_up = Some(ScaleRules {
                    stabilization_window_seconds: None,
                    policies: vec![policy],
                });
            },
        ),
    ]
}
