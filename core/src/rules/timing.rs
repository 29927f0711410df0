//! Timing rules (KP1xx): shutdown against the grace period, probes, rollouts and the
//! autoscaler's behaviour. Fixtures: `core/tests/rules/timing.rs`.

use super::catalog::*;
use super::context::{batch_fix, config_key, set, set_fix, svc, Ctx};
use super::Severity;
use crate::domain::{
    DEFAULT_PROGRESS_DEADLINE_SECONDS, DEFAULT_ROLLOUT_PERCENT, MAX_HPA_POLICY_PERIOD_SECONDS,
    MAX_HPA_STABILIZATION_WINDOW_SECONDS, MIN_SHUTDOWN_SLACK_SECONDS as SLACK,
    PROGRESS_DEADLINE_MARGIN_SECONDS, SUGGESTED_STARTUP_PROBE_PERIOD_SECONDS as STARTUP_PERIOD,
};
use crate::drain::Source;
use crate::model::*;
use serde_json::json;

/// Every timing check of one deployed (effective) service.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    shutdown_and_startup(cx, s);
    shutdown_setting(cx, s);
    sidecars(cx, s);
    // Pods that run to completion are not kept in a Service by probes, and an HPA's
    // behaviour matters only where an HPA can scale: the batch rules (KP8xx) say what
    // applies to those kinds instead.
    if !s.kind.runs_to_completion() {
        no_probes(cx, s);
    }
    probes(cx, s);
    rollout(cx, s);
    if s.kind.has_replicas() {
        hpa_behavior(cx, s);
    }
}

/// Whether anything sends the service requests: a Service with ports, a route or a load
/// balancer. A Job's pods are not drained from a Service while they run to completion
/// (a Service in front of an indexed Job gives its pods names to find each other), so
/// the draining rules do not apply to them.
fn receives_traffic(s: &Service) -> bool {
    !s.kind.runs_to_completion()
        && ((s.exposure.service != ServiceKind::None && !s.exposure.ports.is_empty())
            || s.exposure.ingress.is_some()
            || s.exposure.gateway_route.is_some()
            || s.exposure.load_balancer.is_some())
}

/// KP118: the shutdown timeout the app's configuration sets ([`crate::drain::setting_of`],
/// the one the import takes A from) is the design's A.
fn shutdown_setting(cx: &mut Ctx, s: &Service) {
    let data = |name: &str| cx.design.config_map(name).map(|cm| cx.env.config_data(cm));
    let Some((key, value, source)) = crate::drain::setting_of(s, data) else {
        return;
    };
    let told_ms = crate::drain::setting_ms(&key, &value).expect("a setting");
    let (a, a_ms) = (
        s.timing.app_shutdown_seconds,
        u64::from(s.timing.app_shutdown_seconds) * 1000,
    );
    if told_ms.abs_diff(a_ms) < 1000 {
        return;
    }
    let told = told_ms.div_ceil(1000);
    let a_path = svc(s, "/timing/app_shutdown_seconds");
    // A taken from the app, with the grace period it then needs (KP102, KP103).
    let take_the_apps = || {
        let t = &s.timing;
        let needed = u64::from(t.pre_stop_seconds) + told + u64::from(SLACK);
        let label = format!("Set the app shutdown to {told} s, as the app is told");
        match needed > u64::from(t.grace_period_seconds) {
            false => set_fix(label, a_path.clone(), json!(told)),
            true => batch_fix(
                format!("{label} (grace period {needed} s)"),
                vec![
                    set(a_path.clone(), json!(told)),
                    set(svc(s, "/timing/grace_period_seconds"), json!(needed)),
                ],
            ),
        }
    };
    // What the app is told overruns the grace period the design checks against A (and
    // is longer than A, or KP102 says so already): the pod is killed mid-drain although
    // KP102 passes. An error, as KP102's is.
    let (sleep, grace) = (
        u64::from(s.timing.pre_stop_seconds),
        u64::from(s.timing.grace_period_seconds),
    );
    let overrun = told > u64::from(a) && sleep + told > grace;
    let overran = |message: &mut String| {
        if overrun {
            message.push_str(&format!(
                ", and preStop {sleep} s + {told} s = {} s overruns the grace period {grace} s: SIGKILL comes mid-drain",
                sleep + told
            ));
        }
    };
    if a == 0 {
        // The design knows of no drain: it takes the app's.
        let fix = take_the_apps();
        let mut message = format!("`{key}` = `{value}` tells the app to drain for up to {told} s, but the design's app shutdown is 0 s: the grace period is checked against no drain at all");
        overran(&mut message);
        let f = cx.report(
            &APP_SHUTDOWN_SETTING_DIFFERS,
            Some(s),
            a_path.clone(),
            message,
        );
        f.fix = fix;
        if overrun {
            f.severity = Severity::Error;
        }
        return;
    }
    // The service's own literal is told A, in the value's own form; a ConfigMap's value
    // is shared by whatever reads it, and a file may say more than this: there the
    // design takes the app's value.
    let (at, fix) = match &source {
        Source::Literal(i) => {
            let written = match (value.trim().parse::<u64>(), crate::drain::unit_ms(&key)) {
                (Ok(_), Some(unit)) => (a_ms / unit).to_string(),
                _ => format!("{a}s"),
            };
            let at = svc(s, &format!("/config/env/{i}/value/literal"));
            let label = format!("Tell the app {a} s ({key}: {written})");
            (at.clone(), set_fix(label, at, json!(written)))
        }
        Source::Key {
            config_map,
            key: entry,
        }
        | Source::File {
            config_map,
            file: entry,
        } => (config_key(cx.env, config_map, entry), take_the_apps()),
    };
    let mut message = format!("`{key}` = `{value}` tells the app to drain for {told} s, but the design's app shutdown is {a} s: the grace period is checked against {a} s");
    overran(&mut message);
    let f = cx.report(&APP_SHUTDOWN_SETTING_DIFFERS, Some(s), at, message);
    f.fix = fix;
    if overrun {
        f.severity = Severity::Error;
    }
}

/// Where an app shutdown of `app` seconds comes from, when it is what the image
/// catalogue says the service's image takes to stop (an import sets it so): said, as
/// nothing else on the page says it.
fn shutdown_known(s: &Service, app: u32) -> String {
    crate::images::of(s)
        .filter(|k| k.shutdown_seconds == app && crate::images::runs_its_server(s, k))
        .map(|k| {
            format!(
                " ({} takes up to {app} s to stop after {}, as its image's publisher says)",
                k.name, k.stop_signal
            )
        })
        .unwrap_or_default()
}

/// Whether a load balancer sends to the service's pods (its deregistration delay is
/// then what a preStop sleep outlasts).
fn behind_lb(s: &Service) -> bool {
    !s.kind.runs_to_completion()
        && (s.exposure.load_balancer.is_some() || s.exposure.ingress.is_some())
}

/// KP101 to KP106: the shutdown sequence fits the grace period and outlasts endpoint
/// propagation and load-balancer deregistration; start-up fits the probes' budget.
fn shutdown_and_startup(cx: &mut Ctx, s: &Service) {
    let t = &s.timing;
    let (sleep, app, grace) = (
        t.pre_stop_seconds,
        t.app_shutdown_seconds,
        t.grace_period_seconds,
    );
    let grace_path = svc(s, "/timing/grace_period_seconds");
    // A preStop hook that is not a sleep runs for as long as it runs: the budget below
    // counts it as 0 s and says so.
    let hook = t.pre_stop_hook.as_ref().filter(|_| sleep == 0);
    let pre_stop = match hook {
        Some(h) => format!("preStop hook ({h}, duration unknown)"),
        None => format!("preStop {sleep} s"),
    };
    let needed = sleep + app + SLACK;
    let raise = || {
        set_fix(
            format!("Raise the grace period to {needed} s"),
            grace_path.clone(),
            json!(needed),
        )
    };
    if sleep > grace {
        // A sleep so long that the grace period around it would hold every rollout and
        // node drain for over ten minutes is a slip (`100000`): the fix is the sleep
        // that outlasts what it waits for (endpoint propagation, a load balancer's
        // deregistration), not a grace period of hours.
        let fix = match needed > 600 {
            true => {
                // As long as KP104 and KP105 ask; nothing where no traffic comes.
                let lb = (cx.design.cluster.lb_deregistration_seconds).filter(|_| behind_lb(s));
                let e = cx.design.cluster.endpoint_propagation_seconds;
                let enough = match receives_traffic(s) {
                    true => lb.map_or(e, |d| e.max(d + 1)),
                    false => 0,
                };
                let new_grace = grace.max(enough + app + SLACK);
                let mut edits = vec![set(svc(s, "/timing/pre_stop_seconds"), json!(enough))];
                if new_grace != grace {
                    edits.push(set(grace_path.clone(), json!(new_grace)));
                }
                batch_fix(
                    format!("Sleep {enough} s in preStop (grace {new_grace} s)"),
                    edits,
                )
            }
            false => raise(),
        };
        cx.report(
            &PRESTOP_ABOVE_GRACE,
            Some(s),
            svc(s, "/timing/pre_stop_seconds"),
            format!("preStop sleep {sleep} s is longer than the grace period {grace} s: the API server refuses it"),
        )
        .fix = fix;
    } else if sleep + app > grace {
        cx.report(
            &SHUTDOWN_EXCEEDS_GRACE,
            Some(s),
            grace_path.clone(),
            format!(
                "grace {grace} s < {pre_stop} + shutdown {app} s = {} s: SIGKILL comes {} s before the app has drained{}",
                sleep + app,
                sleep + app - grace,
                shutdown_known(s, app)
            ),
        )
        .fix = raise();
    } else if (sleep > 0 || app > 0) && grace - (sleep + app) < SLACK {
        cx.report(
            &SHUTDOWN_SLACK_THIN,
            Some(s),
            grace_path.clone(),
            format!(
                "grace {grace} s leaves {} s of slack after {pre_stop} + shutdown {app} s = {} s (keep at least {SLACK} s)",
                grace - (sleep + app),
                sleep + app
            ),
        )
        .fix = raise();
    }
    let e = cx.design.cluster.endpoint_propagation_seconds;
    if let (Some(h), true) = (hook, receives_traffic(s)) {
        // Whether the hook outlasts endpoint propagation cannot be known: say so, once.
        let f = cx.report(
            &PRESTOP_BELOW_PROPAGATION,
            Some(s),
            svc(s, "/timing/pre_stop_hook"),
            format!(
                "the preStop hook is {h}: how long it takes is unknown, so whether it outlasts endpoint propagation ({e} s) cannot be checked, and the grace period budget counts it as 0 s"
            ),
        );
        f.severity = Severity::Info;
    } else if receives_traffic(s) && sleep < e {
        let new_grace = grace.max(e + app + SLACK);
        let finding = cx.report(
            &PRESTOP_BELOW_PROPAGATION,
            Some(s),
            svc(s, "/timing/pre_stop_seconds"),
            format!(
                "preStop {sleep} s < endpoint propagation {e} s: for up to {} s after SIGTERM, new requests still arrive",
                e - sleep
            ),
        );
        finding.fix = batch_fix(
            format!("Sleep {e} s in preStop (grace {new_grace} s)"),
            vec![
                set(svc(s, "/timing/pre_stop_seconds"), json!(e)),
                set(grace_path.clone(), json!(new_grace)),
            ],
        );
    }
    if let Some(d) = cx.design.cluster.lb_deregistration_seconds {
        if behind_lb(s) && sleep <= d && hook.is_none() {
            let new_sleep = d + 1;
            let new_grace = grace.max(new_sleep + app + SLACK);
            cx.report(
                &PRESTOP_BELOW_LB_DEREGISTRATION,
                Some(s),
                svc(s, "/timing/pre_stop_seconds"),
                format!("preStop {sleep} s does not outlast the load balancer's deregistration delay {d} s"),
            )
            .fix = batch_fix(
                format!("Sleep {new_sleep} s in preStop (grace {new_grace} s)"),
                vec![
                    set(svc(s, "/timing/pre_stop_seconds"), json!(new_sleep)),
                    set(grace_path, json!(new_grace)),
                ],
            );
        }
    }
    let start = u64::from(t.startup_seconds);
    if start > 0 {
        if let Some(p) = &s.probes.startup {
            if p.budget_seconds() < start {
                let period = u64::from(p.effective_period());
                // One failure more than the budget needs: the kubelet probes first at the
                // initial delay, so the last failure comes a period before the budget's end.
                let failures =
                    (start.saturating_sub(u64::from(p.initial_delay_seconds))).div_ceil(period) + 1;
                cx.report(
                    &STARTUP_BUDGET_SHORT,
                    Some(s),
                    svc(s, "/probes/startup/failure_threshold"),
                    format!(
                        "the startup probe gives up after {} s ({} + {} × {} s) but start-up may take {start} s: the pod restarts before it can start",
                        p.budget_seconds(),
                        p.initial_delay_seconds,
                        p.effective_failures(),
                        period
                    ),
                )
                .fix = set_fix(
                    format!("Allow {failures} startup failures ({} s)", u64::from(p.initial_delay_seconds) + failures * period),
                    svc(s, "/probes/startup/failure_threshold"),
                    json!(failures),
                );
            }
        } else if let Some(l) = &s.probes.liveness {
            if l.budget_seconds() < start {
                let startup = Probe {
                    action: l.action.clone(),
                    initial_delay_seconds: 0,
                    period_seconds: STARTUP_PERIOD,
                    // (Shorter than the period: KP108.)
                    timeout_seconds: l.timeout_seconds.min(STARTUP_PERIOD - 1),
                    success_threshold: 1,
                    // One more than the budget needs, as above.
                    failure_threshold: u32::try_from(start.div_ceil(u64::from(STARTUP_PERIOD)) + 1)
                        .unwrap_or(u32::MAX),
                };
                cx.report(
                    &STARTUP_BUDGET_SHORT,
                    Some(s),
                    svc(s, "/probes/liveness"),
                    format!(
                        "liveness gives up after {} s and there is no startup probe, but start-up may take {start} s: the pod restarts forever",
                        l.budget_seconds()
                    ),
                )
                .fix = set_fix(
                    format!(
                        "Add a startup probe ({} × {STARTUP_PERIOD} s = {} s)",
                        startup.failure_threshold,
                        startup.budget_seconds()
                    ),
                    svc(s, "/probes/startup"),
                    serde_json::to_value(&startup).expect("probes serialize"),
                );
            }
        }
    }
}

/// KP116 and KP117: native sidecars stop after the main containers, within the same
/// grace period, and one the main container needs at start-up holds it back only with a
/// startup probe.
fn sidecars(cx: &mut Ctx, s: &Service) {
    let t = &s.timing;
    let (sleep, app, grace) = (
        t.pre_stop_seconds,
        t.app_shutdown_seconds,
        t.grace_period_seconds,
    );
    let stop = crate::insight::pod_shutdown(s);
    // Past KP101 and KP102 (the main container alone overruns), say what the sidecars add.
    if stop.sidecars > 0 && sleep + app <= grace && stop.total() > grace {
        let needed = stop.total() + SLACK;
        let path = svc(s, "/timing/grace_period_seconds");
        let fix = set_fix(
            format!("Raise the grace period to {needed} s"),
            path.clone(),
            json!(needed),
        );
        let names: Vec<String> = s
            .containers
            .iter()
            .filter(|c| c.role == ContainerRole::Sidecar && c.shutdown_seconds > 0)
            .map(|c| format!("{} {} s", c.name, c.shutdown_seconds))
            .collect();
        cx.report(
            &SIDECAR_SHUTDOWN_EXCEEDS_GRACE,
            Some(s),
            path,
            format!(
                "grace {grace} s < main containers {} s + sidecars {} s ({}) = {} s: the sidecars are stopped after the main containers and get SIGKILL {} s before they finish",
                stop.main,
                stop.sidecars,
                names.join(", "),
                stop.total(),
                stop.total() - grace
            ),
        )
        .fix = fix;
    }
    for (i, c) in s.containers.iter().enumerate() {
        if c.role != ContainerRole::Sidecar || !c.needed_at_start || c.probes.startup.is_some() {
            continue;
        }
        let path = svc(s, &format!("/containers/{i}/probes/startup"));
        let readiness = if c.probes.readiness.is_some() {
            " (its readiness probe does not hold them back)"
        } else {
            ""
        };
        let f = cx.report(
            &SIDECAR_STARTED_NOT_READY,
            Some(s),
            path.clone(),
            format!(
                "the main containers need sidecar `{}` from start-up, but it has no startup probe: they start as soon as it has started, not when it is ready{readiness}",
                c.name
            ),
        );
        let action = c
            .probes
            .readiness
            .as_ref()
            .or(c.probes.liveness.as_ref())
            .map(|p| p.action.clone())
            .or_else(|| {
                c.ports
                    .iter()
                    .find(|p| p.protocol == Protocol::TCP)
                    .map(|p| ProbeAction::Tcp {
                        port: if p.name.is_empty() {
                            PortRef::Number(p.port)
                        } else {
                            PortRef::Name(p.name.clone())
                        },
                    })
            });
        if let Some(action) = action {
            let probe = crate::presets::sidecar_startup_probe(action);
            f.fix = set_fix(
                format!("Add a startup probe to `{}`", c.name),
                path,
                serde_json::to_value(&probe).expect("probes serialize"),
            );
        }
    }
}

/// KP115: the workload has some probe. Probes the design does not model (on another
/// container of the pod, kept from an import) count, so the rendered pod is asked when
/// the design has none.
fn no_probes(cx: &mut Ctx, s: &Service) {
    let p = &s.probes;
    if p.startup.is_some() || p.liveness.is_some() || p.readiness.is_some() {
        return;
    }
    let probed = |c: &serde_json::Value| {
        ["startupProbe", "livenessProbe", "readinessProbe"]
            .iter()
            .any(|k| !c[k].is_null())
    };
    if s.keeps(cx.env, ResidualRole::Workload) {
        let w = cx.rendered_workload(s).unwrap_or_default();
        let pod = &w["spec"]["template"]["spec"];
        let containers = pod["containers"].as_array().into_iter().flatten();
        let sidecars = pod["initContainers"].as_array().into_iter().flatten();
        if containers.chain(sidecars).any(probed) {
            return;
        }
    }
    let readiness = suggested_readiness(s);
    // A workload no Service sends traffic to (a queue worker) still rolls out by its
    // pods' readiness, and hangs unnoticed without liveness.
    let why = match s.exposure.service == ServiceKind::None || s.exposure.ports.is_empty() {
        true => "a rollout counts its pods ready the moment they start, and a pod that hangs is never restarted",
        false => "its pods get traffic before they can serve it and stay in the Service when they hang",
    };
    let f = cx.report(
        &NO_PROBES,
        Some(s),
        svc(s, "/probes/readiness"),
        format!(
            "`{}` has no readiness, liveness or startup probe: {why}",
            s.name
        ),
    );
    if let Some((label, probe)) = readiness {
        f.fix = set_fix(
            label,
            svc(s, "/probes/readiness"),
            serde_json::to_value(&probe).expect("probes serialize"),
        );
    }
}

/// A readiness probe on the port the service's Service sends traffic to (else its first
/// container port), of the kind the port's name or appProtocol suggests: gRPC health
/// checking, an HTTP GET of `/`, or a TCP connect. None for a UDP port or no port.
fn suggested_readiness(s: &Service) -> Option<(String, Probe)> {
    let sp = s.exposure.ports.first();
    let cp = sp
        .and_then(|p| s.resolve_port(&p.target))
        .or_else(|| s.ports.first())?;
    if cp.protocol != Protocol::TCP {
        return None;
    }
    let hint = |name: &str| {
        let n = name.to_ascii_lowercase();
        if n == "grpc" || n.starts_with("grpc-") || n.ends_with("-grpc") || n == "h2c" {
            "grpc"
        } else if n == "http" || n.starts_with("http-") || n.ends_with("-http") || n == "web" {
            "http"
        } else {
            ""
        }
    };
    let app = sp
        .and_then(|p| p.app_protocol.as_deref())
        .unwrap_or_default();
    let app = app.rsplit('/').next().unwrap_or_default();
    let kind = [app, sp.map_or("", |p| p.name.as_str()), cp.name.as_str()]
        .into_iter()
        .map(hint)
        .find(|k| !k.is_empty())
        .unwrap_or("tcp");
    let port = if cp.name.is_empty() {
        PortRef::Number(cp.port)
    } else {
        PortRef::Name(cp.name.clone())
    };
    let (label, action) = match kind {
        "grpc" => (
            format!("Add a gRPC readiness probe on port {}", cp.port),
            ProbeAction::Grpc {
                port: cp.port,
                service: None,
            },
        ),
        "http" => (
            format!("Add a readiness probe: HTTP GET / on port {port}"),
            ProbeAction::Http {
                path: "/".into(),
                port,
            },
        ),
        _ => (
            format!("Add a readiness probe: TCP connect to port {port}"),
            ProbeAction::Tcp { port },
        ),
    };
    Some((label, Probe::new(action)))
}

/// KP107 to KP110: each probe's thresholds, and liveness against readiness.
fn probes(cx: &mut Ctx, s: &Service) {
    let all = [
        ("startup", &s.probes.startup),
        ("liveness", &s.probes.liveness),
        ("readiness", &s.probes.readiness),
    ];
    for (kind, probe) in all {
        let Some(p) = probe else { continue };
        if kind != "readiness" && p.effective_successes() != 1 {
            cx.report(
                &PROBE_SUCCESS_THRESHOLD,
                Some(s),
                svc(s, &format!("/probes/{kind}/success_threshold")),
                format!(
                    "{kind} successThreshold must be 1 (it is {})",
                    p.success_threshold
                ),
            )
            .fix = set_fix(
                "Set successThreshold to 1".into(),
                svc(s, &format!("/probes/{kind}/success_threshold")),
                json!(1),
            );
        }
        let (timeout, period) = (p.effective_timeout(), p.effective_period());
        if timeout >= period {
            let f = cx.report(
                &PROBE_TIMEOUT_NOT_BELOW_PERIOD,
                Some(s),
                svc(s, &format!("/probes/{kind}/timeout_seconds")),
                format!("{kind} timeout {timeout} s is not shorter than its period {period} s"),
            );
            f.fix = if period > 1 {
                set_fix(
                    format!("Time out after {} s", period - 1),
                    svc(s, &format!("/probes/{kind}/timeout_seconds")),
                    json!(period - 1),
                )
            } else {
                set_fix(
                    format!("Probe every {} s", timeout + 1),
                    svc(s, &format!("/probes/{kind}/period_seconds")),
                    json!(timeout + 1),
                )
            };
        }
    }
    // While the pod runs (the initial delays past), a stuck pod fails liveness after
    // its failures × period, and readiness after its own.
    if let (Some(l), Some(r)) = (&s.probes.liveness, &s.probes.readiness) {
        let undelayed = |p: &Probe| Probe {
            initial_delay_seconds: 0,
            ..p.clone()
        };
        if undelayed(l) == undelayed(r) {
            cx.report(
                &LIVENESS_EQUALS_READINESS,
                Some(s),
                svc(s, "/probes/liveness"),
                "liveness and readiness are the same probe: a failing dependency restarts every pod instead of draining it".into(),
            );
        } else if l.failing_seconds() <= r.failing_seconds() {
            let period = u64::from(l.effective_period());
            let failures = r.failing_seconds() / period + 1;
            cx.report(
                &LIVENESS_NOT_ABOVE_READINESS,
                Some(s),
                svc(s, "/probes/liveness/failure_threshold"),
                match l.failing_seconds() == r.failing_seconds() {
                    true => format!(
                        "liveness and readiness both give up after {} s: a stuck pod is restarted as it leaves the Service, with no time to drain",
                        l.failing_seconds()
                    ),
                    false => format!(
                        "liveness gives up after {} s, readiness after {} s: a stuck pod is restarted before it leaves the Service",
                        l.failing_seconds(),
                        r.failing_seconds()
                    ),
                },
            )
            .fix = set_fix(
                format!("Allow {failures} liveness failures"),
                svc(s, "/probes/liveness/failure_threshold"),
                json!(failures),
            );
        }
    }
}

/// KP111 to KP113: a Deployment's rollout can progress and is not marked failed while a
/// pod is still starting.
fn rollout(cx: &mut Ctx, s: &Service) {
    if s.kind != WorkloadKind::Deployment {
        return;
    }
    let t = &s.timing;
    if t.progress_deadline_seconds <= t.min_ready_seconds {
        let to = t
            .min_ready_seconds
            .saturating_add(DEFAULT_PROGRESS_DEADLINE_SECONDS)
            .max(DEFAULT_PROGRESS_DEADLINE_SECONDS);
        cx.report(
            &PROGRESS_DEADLINE_NOT_ABOVE_MIN_READY,
            Some(s),
            svc(s, "/timing/progress_deadline_seconds"),
            format!(
                "progressDeadlineSeconds {} must be greater than minReadySeconds {}",
                t.progress_deadline_seconds, t.min_ready_seconds
            ),
        )
        .fix = set_fix(
            format!("Set the progress deadline to {to} s"),
            svc(s, "/timing/progress_deadline_seconds"),
            json!(to),
        );
    } else {
        let startup = s.probes.startup.as_ref().map_or(0, |p| p.budget_seconds());
        let needed = startup.max(u64::from(t.startup_seconds)) + u64::from(t.min_ready_seconds);
        if u64::from(t.progress_deadline_seconds) < needed {
            let to = needed + PROGRESS_DEADLINE_MARGIN_SECONDS;
            cx.report(
                &PROGRESS_DEADLINE_BELOW_STARTUP,
                Some(s),
                svc(s, "/timing/progress_deadline_seconds"),
                format!("the rollout is marked failed after {} s, but one new pod may need {needed} s to become ready", t.progress_deadline_seconds),
            )
            .fix = set_fix(format!("Set the progress deadline to {to} s"), svc(s, "/timing/progress_deadline_seconds"), json!(to));
        }
    }
    let zero = |a: Amount| matches!(a, Amount::Count(0) | Amount::Percent(0));
    let (surge, unavailable) = (s.scaling.max_surge, s.scaling.max_unavailable);
    if zero(surge) && zero(unavailable) {
        cx.report(
            &ROLLOUT_CANNOT_PROGRESS,
            Some(s),
            svc(s, "/scaling/max_surge"),
            "maxSurge and maxUnavailable are both 0: the rollout can neither add nor remove a pod"
                .into(),
        )
        .fix = set_fix(
            "Allow a surge of 1 pod".into(),
            svc(s, "/scaling/max_surge"),
            json!(1),
        );
    }
    if let Amount::Percent(p @ 101..) = unavailable {
        cx.report(
            &ROLLOUT_CANNOT_PROGRESS,
            Some(s),
            svc(s, "/scaling/max_unavailable"),
            format!("maxUnavailable {p}% is more than 100%"),
        )
        .fix = set_fix(
            format!("Set maxUnavailable to {DEFAULT_ROLLOUT_PERCENT}%"),
            svc(s, "/scaling/max_unavailable"),
            json!(format!("{DEFAULT_ROLLOUT_PERCENT}%")),
        );
    }
}

/// KP114: the HPA's scaling behaviour stays within the bounds the API server accepts.
fn hpa_behavior(cx: &mut Ctx, s: &Service) {
    let Some(h) = &s.scaling.hpa else { return };
    for (dir, rules) in [("scale_up", &h.scale_up), ("scale_down", &h.scale_down)] {
        let Some(rules) = rules else { continue };
        if let Some(w) = rules
            .stabilization_window_seconds
            .filter(|&w| w > MAX_HPA_STABILIZATION_WINDOW_SECONDS)
        {
            let path = svc(
                s,
                &format!("/scaling/hpa/{dir}/stabilization_window_seconds"),
            );
            let max = MAX_HPA_STABILIZATION_WINDOW_SECONDS;
            let fix = set_fix(format!("Use {max} s"), path.clone(), json!(max));
            cx.report(
                &HPA_BEHAVIOR_OUT_OF_RANGE,
                Some(s),
                path,
                format!("{dir} stabilization window {w} s is above {max} s"),
            )
            .fix = fix;
        }
        for (i, p) in rules.policies.iter().enumerate() {
            let base = format!("/scaling/hpa/{dir}/policies/{i}");
            if p.period_seconds == 0 || p.period_seconds > MAX_HPA_POLICY_PERIOD_SECONDS {
                let to = p.period_seconds.clamp(1, MAX_HPA_POLICY_PERIOD_SECONDS);
                let path = svc(s, &format!("{base}/period_seconds"));
                let fix = set_fix(format!("Use {to} s"), path.clone(), json!(to));
                cx.report(
                    &HPA_BEHAVIOR_OUT_OF_RANGE,
                    Some(s),
                    path,
                    format!(
                        "{dir} policy period {} s is outside 1..={MAX_HPA_POLICY_PERIOD_SECONDS} s",
                        p.period_seconds
                    ),
                )
                .fix = fix;
            }
            if p.value == 0 {
                let path = svc(s, &format!("{base}/value"));
                let fix = set_fix("Use 1".into(), path.clone(), json!(1));
                cx.report(
                    &HPA_BEHAVIOR_OUT_OF_RANGE,
                    Some(s),
                    path,
                    format!("{dir} policy value is 0; it must be above 0"),
                )
                .fix = fix;
            }
        }
    }
}
