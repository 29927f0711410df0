//! Batch rules (KP8xx): what Jobs, CronJobs and DaemonSets need that replicated serving
//! pods do not: a deadline that leaves room for the run and its retries, clean-up of
//! finished Jobs, limits on batch work, a schedule that parses and whose runs do not
//! overlap, a valid time zone, and a DaemonSet rollout counted in nodes. Fixtures:
//! `core/tests/rules/batch.rs`.

use super::catalog::*;
use super::context::{set_fix, svc, Ctx, OverridableField as OF};
use crate::cron;
use crate::domain::{
    CRONJOB_CONTROLLER_PERIOD_SECONDS, DAEMONSET_MAX_UNAVAILABLE_WARN_PERCENT,
    DEFAULT_DAEMONSET_MAX_UNAVAILABLE, SUGGESTED_JOB_TTL_SECONDS,
    SUGGESTED_STARTING_DEADLINE_SECONDS,
};
use crate::insight::{job_timing, JobTiming};
use crate::model::*;
use serde_json::{json, Value};

/// Every batch check of one deployed (effective) service.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    scaling_does_not_apply(cx, s);
    match s.kind {
        WorkloadKind::Job | WorkloadKind::CronJob => {
            if let Some(t) = job_timing(s) {
                deadline(cx, s, &t);
            }
            if s.kind == WorkloadKind::Job {
                ttl(cx, s);
            }
            cpu_limits(cx, s);
            if s.kind == WorkloadKind::CronJob {
                cron_job(cx, s);
            }
        }
        WorkloadKind::DaemonSet => {
            daemon_rollout(cx, s);
            daemon_requests(cx, s);
        }
        WorkloadKind::Deployment | WorkloadKind::StatefulSet => {}
    }
}

/// `seconds` as people read it, with the number of seconds when that is not all of it:
/// `600 s (10 min)`.
fn secs(seconds: u64) -> String {
    if seconds < 60 {
        format!("{seconds} s")
    } else {
        format!("{seconds} s ({})", cron::duration_text(seconds))
    }
}

/// KP801, KP802: activeDeadlineSeconds leaves room for one run, then for every retry.
fn deadline(cx: &mut Ctx, s: &Service, t: &JobTiming) {
    let Some(deadline) = t.deadline else { return };
    let path = svc(s, "/job/active_deadline_seconds");
    let raise = |to: u64| {
        set_fix(
            format!("Raise activeDeadlineSeconds to {}", secs(to)),
            path.clone(),
            json!(to),
        )
    };
    let run = if t.waves > 1 {
        format!(
            "{} ({} waves of {} pods, {} each)",
            secs(t.run_seconds),
            t.waves,
            t.parallelism,
            secs(u64::from(s.job.expected_run_seconds))
        )
    } else {
        secs(t.run_seconds)
    };
    if t.run_seconds > deadline {
        let fix = raise(t.all_retries_seconds);
        cx.report(
            &JOB_RUN_EXCEEDS_DEADLINE,
            Some(s),
            path.clone(),
            format!(
                "activeDeadlineSeconds {} is shorter than one run, {run}: every run is killed and the Job fails with DeadlineExceeded",
                secs(deadline)
            ),
        )
        .fix = fix;
    } else if t.all_retries_seconds > deadline {
        let fix = raise(t.all_retries_seconds);
        cx.report(
            &JOB_RETRIES_EXCEED_DEADLINE,
            Some(s),
            path.clone(),
            format!(
                "backoffLimit {} allows {} retries, but the run ({run}) with every retry and {} of back-off takes {}: activeDeadlineSeconds {} ends the Job before its last retries",
                t.retries,
                t.retries,
                secs(t.backoff_seconds),
                secs(t.all_retries_seconds),
                secs(deadline)
            ),
        )
        .fix = fix;
    }
}

/// KP803: a Job (not a CronJob's) is cleaned up after it finished.
fn ttl(cx: &mut Ctx, s: &Service) {
    if s.job.ttl_seconds_after_finished.is_some() {
        return;
    }
    let path = svc(s, "/job/ttl_seconds_after_finished");
    cx.report(
        &JOB_WITHOUT_TTL,
        Some(s),
        path.clone(),
        format!(
            "Job `{}` has no ttlSecondsAfterFinished: once finished, it and its pods stay until someone deletes them, and it cannot be applied again under the same name meanwhile",
            s.name
        ),
    )
    .fix = set_fix(
        format!(
            "Delete it {} after it finishes",
            cron::duration_text(u64::from(SUGGESTED_JOB_TTL_SECONDS))
        ),
        path.clone(),
        json!(SUGGESTED_JOB_TTL_SECONDS),
    );
}

/// KP804: every container of a Job or CronJob has a cpu limit.
fn cpu_limits(cx: &mut Ctx, s: &Service) {
    let kind = s.kind.as_str();
    if s.resources.cpu_limit.is_none() {
        let path = cx.overridable(s, OF::Resource("cpu_limit"));
        let fix = s
            .resources
            .cpu_request
            .as_ref()
            .and_then(|r| set_fix(format!("Limit cpu to {r}"), path.clone(), json!(r)));
        cx.report(
            &JOB_WITHOUT_CPU_LIMIT,
            Some(s),
            path,
            format!(
                "container `{}` of {kind} `{}` has no cpu limit: each run takes all the spare CPU of its node",
                s.container(),
                s.name
            ),
        )
        .fix = fix;
    }
    for (i, c) in s.containers.iter().enumerate() {
        if c.resources.cpu_limit.is_some() {
            continue;
        }
        let path = svc(s, &format!("/containers/{i}/resources/cpu_limit"));
        let fix = c
            .resources
            .cpu_request
            .as_ref()
            .and_then(|r| set_fix(format!("Limit cpu to {r}"), path.clone(), json!(r)));
        cx.report(
            &JOB_WITHOUT_CPU_LIMIT,
            Some(s),
            path,
            format!(
                "container `{}` of {kind} `{}` has no cpu limit: each run takes all the spare CPU of its node",
                c.name, s.name
            ),
        )
        .fix = fix;
    }
}

/// KP805 to KP810: the CronJob's schedule, time zone, concurrency, starting deadline and
/// suspension.
fn cron_job(cx: &mut Ctx, s: &Service) {
    let c = &s.cron;
    let schedule_path = svc(s, "/cron/schedule");
    let policy_path = svc(s, "/cron/concurrency_policy");
    let forbid = || {
        set_fix(
            "Use concurrencyPolicy Forbid".into(),
            policy_path.clone(),
            json!("Forbid"),
        )
    };
    match cron::parse(&c.schedule) {
        Err(e) => {
            cx.report(
                &CRON_SCHEDULE_INVALID,
                Some(s),
                schedule_path.clone(),
                format!("schedule `{}` does not parse: {e}", c.schedule),
            );
        }
        Ok(parsed) => {
            if parsed
                .next_after(cron::INTERVAL_WINDOW_START_DAY * 86_400)
                .is_none()
            {
                cx.report(
                    &CRON_SCHEDULE_INVALID,
                    Some(s),
                    schedule_path.clone(),
                    format!(
                        "schedule `{}` ({}) names no date that exists, so it never runs",
                        c.schedule,
                        parsed.describe()
                    ),
                );
            } else if c.concurrency_policy == ConcurrencyPolicy::Allow {
                overlap(cx, s, &parsed, forbid());
            }
        }
    }
    let backup = [&s.name, &s.component]
        .iter()
        .any(|t| t.to_ascii_lowercase().contains("backup"));
    if backup && c.concurrency_policy != ConcurrencyPolicy::Forbid {
        let what = match c.concurrency_policy {
            ConcurrencyPolicy::Replace => {
                "concurrencyPolicy Replace kills a running backup when the next one is due, leaving none for that period"
            }
            _ => "concurrencyPolicy Allow lets a slow backup overlap the next one",
        };
        cx.report(
            &BACKUP_ALLOWS_CONCURRENT_RUNS,
            Some(s),
            policy_path.clone(),
            format!("`{}` is a backup and {what}", s.name),
        )
        .fix = forbid();
    }
    if let Some(d) = c
        .starting_deadline_seconds
        .filter(|&d| d < CRONJOB_CONTROLLER_PERIOD_SECONDS)
    {
        let path = svc(s, "/cron/starting_deadline_seconds");
        cx.report(
            &CRON_STARTING_DEADLINE_TOO_SHORT,
            Some(s),
            path.clone(),
            format!(
                "startingDeadlineSeconds {d} is shorter than the {CRONJOB_CONTROLLER_PERIOD_SECONDS} s between the CronJob controller's checks: runs may be skipped"
            ),
        )
        .fix = set_fix(
            format!("Allow {SUGGESTED_STARTING_DEADLINE_SECONDS} s to start"),
            path.clone(),
            json!(SUGGESTED_STARTING_DEADLINE_SECONDS),
        );
    }
    if let Some(tz) = &c.time_zone {
        time_zone(cx, s, tz);
    }
    if c.suspend && cx.env.tier == Tier::Prod {
        let path = svc(s, "/cron/suspend");
        cx.report(
            &CRON_SUSPENDED_IN_PROD,
            Some(s),
            path.clone(),
            format!(
                "CronJob `{}` is suspended in production: it starts no runs",
                s.name
            ),
        )
        .fix = set_fix("Resume it".into(), path.clone(), json!(false));
    }
}

/// KP806: runs may overlap when the shortest time between two is below the worst-case
/// run time.
fn overlap(cx: &mut Ctx, s: &Service, parsed: &cron::Schedule, fix: Option<super::Fix>) {
    let Some(every) = parsed.shortest_interval() else {
        return;
    };
    let t = job_timing(s);
    let (worst, what) = match (s.job.active_deadline_seconds, &t) {
        (Some(d), _) => (u64::from(d), "activeDeadlineSeconds"),
        (None, Some(t)) => (t.run_seconds, "expected run time"),
        (None, None) => return,
    };
    if every >= worst {
        return;
    }
    cx.report(
        &CRON_RUNS_OVERLAP,
        Some(s),
        svc(s, "/cron/concurrency_policy"),
        format!(
            "`{}` runs as often as every {} ({}), but a run may take {} ({what}): with concurrencyPolicy Allow, runs overlap",
            s.cron.schedule,
            cron::duration_text(every),
            parsed.describe(),
            cron::duration_text(worst)
        ),
    )
    .fix = fix;
}

/// KP809: the time zone is one the API server can load.
fn time_zone(cx: &mut Ctx, s: &Service, tz: &str) {
    if crate::tz::is_valid(tz) {
        return;
    }
    let path = svc(s, "/cron/time_zone");
    let (message, fix) = if tz.trim().is_empty() {
        (
            "timeZone is empty: leave it out or name an IANA zone".to_string(),
            set_fix("Leave the time zone out".into(), path.clone(), Value::Null),
        )
    } else if tz.eq_ignore_ascii_case("local") {
        (
            "timeZone `Local` is refused: name an explicit IANA zone, or leave it out for the controller's".to_string(),
            set_fix("Leave the time zone out".into(), path.clone(), Value::Null),
        )
    } else {
        match crate::tz::suggestion(tz) {
            Some(known) => (
                format!("timeZone `{tz}` is not an IANA time zone name; `{known}` is"),
                set_fix(format!("Use {known}"), path.clone(), json!(known)),
            ),
            None => (
                format!(
                    "timeZone `{tz}` is not an IANA time zone name (like Europe/Berlin, America/New_York or Etc/UTC)"
                ),
                None,
            ),
        }
    };
    cx.report(&CRON_TIME_ZONE_INVALID, Some(s), path, message)
        .fix = fix;
}

/// KP811: an HPA or PDB the kind ignores (render leaves them out).
fn scaling_does_not_apply(cx: &mut Ctx, s: &Service) {
    let kind = s.kind.as_str();
    if s.scaling.hpa.is_some() && !s.kind.has_replicas() {
        let path = svc(s, "/scaling/hpa");
        cx.report(
            &SCALING_DOES_NOT_APPLY,
            Some(s),
            path.clone(),
            format!(
                "{kind} `{}` has an HPA, which cannot scale a {kind}: it is not written",
                s.name
            ),
        )
        .fix = set_fix("Remove the HPA".into(), path.clone(), Value::Null);
    }
    if s.scaling.pdb.is_some() && !s.kind.has_replicas() {
        let path = svc(s, "/scaling/pdb");
        let why = if s.kind.runs_to_completion() {
            "which protects nothing for pods that run to completion"
        } else {
            // The disruption controller reads the scale of the pods' controller; a
            // DaemonSet has none, so only an integer minAvailable works, and
            // `kubectl drain --ignore-daemonsets` does not evict its pods anyway.
            "which a DaemonSet's pods do not need: drains skip them, and without a scale \
             the disruption controller allows no eviction for maxUnavailable or a percentage"
        };
        cx.report(
            &SCALING_DOES_NOT_APPLY,
            Some(s),
            path.clone(),
            format!(
                "{kind} `{}` has a PodDisruptionBudget, {why}: it is not written",
                s.name
            ),
        )
        .fix = set_fix(
            "Remove the PodDisruptionBudget".into(),
            path.clone(),
            Value::Null,
        );
    }
}

/// KP812, KP813: a DaemonSet's rolling update is valid and does not stop the agent on
/// most nodes at once.
fn daemon_rollout(cx: &mut Ctx, s: &Service) {
    let zero = |a: Amount| matches!(a, Amount::Count(0) | Amount::Percent(0));
    let (surge, unavailable) = (s.scaling.max_surge, s.scaling.max_unavailable);
    let surge_path = svc(s, "/scaling/max_surge");
    let unavailable_path = svc(s, "/scaling/max_unavailable");
    let default_unavailable = DEFAULT_DAEMONSET_MAX_UNAVAILABLE;
    if zero(surge) && zero(unavailable) {
        cx.report(
            &DAEMONSET_ROLLOUT_INVALID,
            Some(s),
            unavailable_path.clone(),
            "maxSurge and maxUnavailable are both 0: the rollout could neither add nor stop a pod on any node".into(),
        )
        .fix = set_fix(
            format!("Update {default_unavailable} node at a time (maxUnavailable {default_unavailable})"),
            unavailable_path.clone(),
            json!(default_unavailable),
        );
    } else if !zero(surge) && !zero(unavailable) {
        cx.report(
            &DAEMONSET_ROLLOUT_INVALID,
            Some(s),
            surge_path.clone(),
            format!(
                "maxSurge {surge} and maxUnavailable {unavailable} are both set: a DaemonSet may set only one of them"
            ),
        )
        .fix = set_fix(
            "Set maxSurge to 0".into(),
            surge_path.clone(),
            json!(0),
        );
    }
    for (name, amount, path) in [
        ("maxSurge", surge, &surge_path),
        ("maxUnavailable", unavailable, &unavailable_path),
    ] {
        if let Amount::Percent(p @ 101..) = amount {
            cx.report(
                &DAEMONSET_ROLLOUT_INVALID,
                Some(s),
                path.clone(),
                format!("{name} {p}% is more than 100%"),
            )
            .fix = {
                // maxUnavailable: as wide as KP813 lets a rollout go.
                let most = match name {
                    "maxUnavailable" => DAEMONSET_MAX_UNAVAILABLE_WARN_PERCENT,
                    _ => 100,
                };
                set_fix(
                    format!("Set {name} to {most}%"),
                    path.clone(),
                    json!(format!("{most}%")),
                )
            };
        }
    }
    if let Amount::Percent(p) = unavailable {
        if p > DAEMONSET_MAX_UNAVAILABLE_WARN_PERCENT && p <= 100 {
            let nodes = crate::insight::node_rollout(s).map_or(0, |r| r.down_at_once(10));
            cx.report(
                &DAEMONSET_ROLLOUT_TOO_WIDE,
                Some(s),
                unavailable_path.clone(),
                format!(
                    "maxUnavailable {p}%: a rollout stops `{}` on {p}% of the nodes at once ({nodes} of 10 nodes)",
                    s.name
                ),
            )
            .fix = set_fix(
                format!("Update {default_unavailable} node at a time"),
                unavailable_path.clone(),
                json!(default_unavailable),
            );
        }
    }
}

/// KP814: every container of a DaemonSet requests cpu and memory (a limit counts: the
/// API server copies it to the request).
fn daemon_requests(cx: &mut Ctx, s: &Service) {
    let missing = |r: &Resources| {
        let mut out = Vec::new();
        if r.cpu_request.is_none() && r.cpu_limit.is_none() {
            out.push("cpu");
        }
        if r.memory_request.is_none() && r.memory_limit.is_none() {
            out.push("memory");
        }
        out
    };
    let message = |container: &str, what: &[&str]| {
        format!(
            "container `{container}` of DaemonSet `{}` requests no {}: the DaemonSet runs on every node, so no node keeps room for it and it is evicted first under pressure; what it requests is paid once per node",
            s.name,
            what.join(" or ")
        )
    };
    let main = missing(&s.resources);
    if let Some(first) = main.first() {
        let path = cx.overridable(
            s,
            OF::Resource(if *first == "cpu" {
                "cpu_request"
            } else {
                "memory_request"
            }),
        );
        let text = message(s.container(), &main);
        cx.report(&DAEMONSET_WITHOUT_REQUESTS, Some(s), path, text);
    }
    for (i, c) in s.containers.iter().enumerate() {
        let what = missing(&c.resources);
        if let Some(first) = what.first() {
            let path = svc(s, &format!("/containers/{i}/resources/{first}_request"));
            let text = message(&c.name, &what);
            cx.report(&DAEMONSET_WITHOUT_REQUESTS, Some(s), path, text);
        }
    }
}
