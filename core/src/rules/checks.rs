//! The checks behind the catalog. Each reads the effective service (the environment's
//! overrides applied) and reports against a rule with the exact field and, where one is
//! obvious, a fix.

use super::catalog::*;
use super::{batch_fix, qos_class, set_fix, Ctx, OverridableField as OF};
use crate::edit::{Edit, FieldPath, Target};
use crate::model::*;
use crate::{names, naming, quantity};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// Run every check for the context's environment.
pub(super) fn run(cx: &mut Ctx) {
    let deployed: Vec<Service> = cx
        .design
        .services
        .iter()
        .filter(|s| cx.env.deploys(s.id))
        .map(|s| effective(s, cx.env))
        .collect();
    environment(cx, &deployed);
    object_names(cx, &deployed);
    for s in &deployed {
        timing(cx, s);
        probes(cx, s);
        rollout(cx, s);
        scaling(cx, s);
        wiring(cx, s, &deployed);
        naming(cx, s);
        resources(cx, s);
        security(cx, s);
    }
}

fn svc(s: &Service, pointer: &str) -> FieldPath {
    FieldPath::service(s.id, pointer)
}

fn set(path: FieldPath, value: serde_json::Value) -> Edit {
    Edit::Set { path, value }
}

/// R: the replicas that are guaranteed, i.e. the HPA minimum when an HPA manages it.
fn guaranteed_replicas(s: &Service) -> u32 {
    s.scaling.hpa.as_ref().map_or(s.scaling.replicas, |h| h.min)
}

fn receives_traffic(s: &Service) -> bool {
    (s.exposure.service != ServiceKind::None && !s.exposure.ports.is_empty())
        || s.exposure.ingress.is_some()
        || s.exposure.load_balancer.is_some()
}

fn environment(cx: &mut Ctx, deployed: &[Service]) {
    let env = cx.env;
    if let Err(e) = names::dns1123_label(&env.namespace) {
        cx.report(
            &INVALID_NAME,
            None,
            FieldPath::environment(&env.name, "/namespace"),
            format!("namespace `{}` {e}", env.namespace),
        );
    }
    for (k, v) in &env.labels {
        let problem = names::label_key(k)
            .map_err(|e| format!("namespace label key `{k}` {e}"))
            .and_then(|()| {
                names::label_value(v).map_err(|e| format!("namespace label `{k}` value `{v}` {e}"))
            });
        if let Err(m) = problem {
            cx.report(
                &INVALID_LABEL,
                None,
                FieldPath::environment(&env.name, "/labels"),
                m,
            );
        }
    }
    for k in env.annotations.keys() {
        if let Err(e) = names::label_key(k) {
            cx.report(
                &INVALID_LABEL,
                None,
                FieldPath::environment(&env.name, "/annotations"),
                format!("namespace annotation key `{k}` {e}"),
            );
        }
    }
    if let Err(e) = names::label_value(&cx.design.name) {
        cx.report(
            &INVALID_LABEL,
            None,
            FieldPath::design("/name"),
            format!(
                "the design name `{}` becomes app.kubernetes.io/part-of and {e}",
                cx.design.name
            ),
        );
    }
    // Imported NetworkPolicies kept as they are may already deny by default.
    let kept_default_deny = cx.design.extra_objects.iter().any(|o| {
        o.kind() == "NetworkPolicy"
            && o.spec()["podSelector"]
                .as_object()
                .is_none_or(|m| m.is_empty())
            && o.spec()["ingress"].is_null()
    });
    if env.tier == Tier::Prod && !env.default_deny && !kept_default_deny && !deployed.is_empty() {
        cx.report(
            &NO_DEFAULT_DENY,
            None,
            FieldPath::environment(&env.name, "/default_deny"),
            format!(
                "`{}` lets every pod reach every other pod: no default-deny NetworkPolicy",
                env.name
            ),
        )
        .fix = set_fix(
            "Turn on default-deny with allows from the edges".into(),
            FieldPath::environment(&env.name, "/default_deny"),
            json!(true),
        );
    }
    let config_names = cx
        .design
        .config_maps
        .iter()
        .map(|c| (c.name.as_str(), Target::ConfigMap(c.name.clone())));
    let secret_names = cx
        .design
        .secrets
        .iter()
        .map(|c| (c.name.as_str(), Target::Secret(c.name.clone())));
    let named: Vec<_> = config_names.chain(secret_names).collect();
    for (name, target) in named {
        if let Err(e) = names::dns1123_subdomain(name) {
            cx.report(
                &INVALID_NAME,
                None,
                FieldPath {
                    target,
                    pointer: "/name".into(),
                },
                format!("`{name}` {e}"),
            );
        }
    }
    for cm in &cx.design.config_maps {
        for (k, v) in &cm.data {
            if looks_secret(k) && !v.is_empty() {
                cx.report(
                    &SECRET_IN_PLAIN_CONFIG,
                    None,
                    FieldPath {
                        target: Target::ConfigMap(cm.name.clone()),
                        pointer: format!("/data/{}", escape(k)),
                    },
                    format!(
                        "ConfigMap `{}` holds `{k}`, which looks like a secret",
                        cm.name
                    ),
                );
            }
        }
    }
}

/// JSON-pointer escaping of one token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Whether a variable or key name looks like it holds a secret (kube-linter's
/// `env-var-secret` heuristic, widened).
pub(crate) fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// Names that collide within the namespace, including derived ones.
fn object_names(cx: &mut Ctx, deployed: &[Service]) {
    let mut seen: BTreeMap<(&'static str, String), FieldPath> = BTreeMap::new();
    let mut claim =
        |cx: &mut Ctx, kind: &'static str, name: String, by: FieldPath, who: Option<&Service>| {
            if let Some(first) = seen.get(&(kind, name.clone())) {
                let msg = format!("two objects would be {kind} `{name}` (also claimed by {first})");
                cx.report(&DUPLICATE_OBJECT_NAME, who, by, msg);
            } else {
                seen.insert((kind, name), by);
            }
        };
    for cm in &cx.design.config_maps {
        let by = FieldPath {
            target: Target::ConfigMap(cm.name.clone()),
            pointer: "/name".into(),
        };
        claim(cx, "ConfigMap", cm.name.clone(), by, None);
    }
    for sec in &cx.design.secrets {
        let by = FieldPath {
            target: Target::Secret(sec.name.clone()),
            pointer: "/name".into(),
        };
        claim(cx, "Secret", sec.name.clone(), by, None);
    }
    if cx.env.default_deny {
        for fixed in [naming::DEFAULT_DENY_POLICY, naming::DNS_EGRESS_POLICY] {
            claim(
                cx,
                "NetworkPolicy",
                fixed.into(),
                FieldPath::environment(&cx.env.name, "/default_deny"),
                None,
            );
        }
    }
    for s in deployed {
        for (kind, name) in crate::render::object_names(s, cx.env) {
            claim(cx, kind, name, svc(s, "/name"), Some(s));
        }
    }
}

fn timing(cx: &mut Ctx, s: &Service) {
    let t = &s.timing;
    let (sleep, app, grace) = (
        t.pre_stop_seconds,
        t.app_shutdown_seconds,
        t.grace_period_seconds,
    );
    let grace_path = svc(s, "/timing/grace_period_seconds");
    let needed = sleep + app + 2;
    let raise = || {
        set_fix(
            format!("Raise the grace period to {needed} s"),
            grace_path.clone(),
            json!(needed),
        )
    };
    if sleep > 0 && sleep >= grace {
        cx.report(
            &PRESTOP_NOT_BELOW_GRACE,
            Some(s),
            svc(s, "/timing/pre_stop_seconds"),
            format!("preStop sleep {sleep} s must be less than the grace period {grace} s"),
        )
        .fix = raise();
    } else if sleep + app > grace {
        cx.report(
            &SHUTDOWN_EXCEEDS_GRACE,
            Some(s),
            grace_path.clone(),
            format!(
                "grace {grace} s < preStop {sleep} s + shutdown {app} s = {} s: SIGKILL comes {} s before the app has drained",
                sleep + app,
                sleep + app - grace
            ),
        )
        .fix = raise();
    } else if (sleep > 0 || app > 0) && grace - (sleep + app) < 2 {
        cx.report(
            &SHUTDOWN_SLACK_THIN,
            Some(s),
            grace_path.clone(),
            format!(
                "grace {grace} s leaves {} s of slack after preStop {sleep} s + shutdown {app} s = {} s (keep at least 2 s)",
                grace - (sleep + app),
                sleep + app
            ),
        )
        .fix = raise();
    }
    let e = cx.design.cluster.endpoint_propagation_seconds;
    if receives_traffic(s) && sleep < e {
        let new_grace = grace.max(e + app + 2);
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
        let behind_lb = s.exposure.load_balancer.is_some() || s.exposure.ingress.is_some();
        if behind_lb && sleep <= d {
            let new_sleep = d + 1;
            let new_grace = grace.max(new_sleep + app + 2);
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
                let failures =
                    (start.saturating_sub(u64::from(p.initial_delay_seconds))).div_ceil(period);
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
                    period_seconds: 5,
                    timeout_seconds: l.timeout_seconds,
                    success_threshold: 1,
                    failure_threshold: u32::try_from(start.div_ceil(5)).unwrap_or(u32::MAX),
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
                    format!("Add a startup probe ({} × 5 s)", startup.failure_threshold),
                    svc(s, "/probes/startup"),
                    serde_json::to_value(&startup).expect("probes serialize"),
                );
            }
        }
    }
}

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
        probe_port(cx, s, kind, p);
    }
    if let (Some(l), Some(r)) = (&s.probes.liveness, &s.probes.readiness) {
        if l == r {
            cx.report(
                &LIVENESS_EQUALS_READINESS,
                Some(s),
                svc(s, "/probes/liveness"),
                "liveness and readiness are the same probe: a failing dependency restarts every pod instead of draining it".into(),
            );
        } else if l.budget_seconds() <= r.budget_seconds() {
            let period = u64::from(l.effective_period());
            let failures = (r
                .budget_seconds()
                .saturating_sub(u64::from(l.initial_delay_seconds)))
                / period
                + 1;
            cx.report(
                &LIVENESS_NOT_ABOVE_READINESS,
                Some(s),
                svc(s, "/probes/liveness/failure_threshold"),
                format!(
                    "liveness gives up after {} s, readiness after {} s: a stuck pod is restarted before it leaves the Service",
                    l.budget_seconds(),
                    r.budget_seconds()
                ),
            )
            .fix = set_fix(
                format!("Allow {failures} liveness failures"),
                svc(s, "/probes/liveness/failure_threshold"),
                json!(failures),
            );
        }
    }
}

fn probe_port(cx: &mut Ctx, s: &Service, kind: &str, p: &Probe) {
    let port = match &p.action {
        ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } => port.clone(),
        ProbeAction::Grpc { port, .. } => PortRef::Number(*port),
        ProbeAction::Exec { .. } => return,
    };
    if s.resolve_port(&port).is_some() {
        return;
    }
    let named = matches!(port, PortRef::Name(_));
    let path = svc(s, &format!("/probes/{kind}/action/port"));
    let f = cx.report(
        &PROBE_PORT_UNKNOWN,
        Some(s),
        path.clone(),
        format!("the {kind} probe checks port `{port}`, which the container does not declare"),
    );
    if !named {
        f.severity = super::Severity::Warning;
    }
    if let [only] = s.ports.as_slice() {
        let value = match (&p.action, only.name.is_empty()) {
            (ProbeAction::Grpc { .. }, _) | (_, true) => json!(only.port),
            _ => json!(only.name),
        };
        f.fix = set_fix(
            format!(
                "Probe port {}",
                if only.name.is_empty() {
                    only.port.to_string()
                } else {
                    only.name.clone()
                }
            ),
            path,
            value,
        );
    }
}

fn rollout(cx: &mut Ctx, s: &Service) {
    if s.kind != WorkloadKind::Deployment {
        return;
    }
    let t = &s.timing;
    if t.progress_deadline_seconds <= t.min_ready_seconds {
        let to = t.min_ready_seconds.saturating_add(600).max(600);
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
            let to = needed + 60;
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
            "Set maxUnavailable to 25%".into(),
            svc(s, "/scaling/max_unavailable"),
            json!("25%"),
        );
    }
}

fn scaling(cx: &mut Ctx, s: &Service) {
    let prod = cx.env.tier == Tier::Prod;
    if let Some(h) = &s.scaling.hpa {
        let min_path = cx.overridable(s, OF::HpaMin);
        let max_path = cx.overridable(s, OF::HpaMax);
        if h.min == 0 {
            cx.report(
                &HPA_MIN_ZERO,
                Some(s),
                min_path.clone(),
                "HPA minReplicas is 0; it must be at least 1".into(),
            )
            .fix = set_fix("Set minReplicas to 1".into(), min_path.clone(), json!(1));
        }
        if h.min > h.max {
            cx.report(
                &HPA_MIN_ABOVE_MAX,
                Some(s),
                max_path.clone(),
                format!("HPA minReplicas {} is above maxReplicas {}", h.min, h.max),
            )
            .fix = set_fix(
                format!("Set maxReplicas to {}", h.min),
                max_path.clone(),
                json!(h.min),
            );
        }
        if prod && h.min == 1 {
            let mut edits = vec![set(min_path.clone(), json!(2))];
            if h.max < 2 {
                edits.push(set(max_path.clone(), json!(2)));
            }
            cx.report(
                &HPA_MIN_BELOW_TWO,
                Some(s),
                min_path,
                "HPA minReplicas 1 in production: one eviction is an outage".into(),
            )
            .fix = batch_fix("Set minReplicas to 2".into(), edits);
        }
        for (resource, pct, request) in [
            ("cpu", h.cpu_percent, &s.resources.cpu_request),
            ("memory", h.memory_percent, &s.resources.memory_request),
        ] {
            if let (Some(pct), None) = (pct, request) {
                let path = cx.overridable(
                    s,
                    OF::Resource(if resource == "cpu" {
                        "cpu_request"
                    } else {
                        "memory_request"
                    }),
                );
                cx.report(
                    &HPA_TARGET_WITHOUT_REQUEST,
                    Some(s),
                    path,
                    format!("the HPA targets {pct}% {resource}, but there is no {resource} request: it cannot compute utilization and never scales"),
                );
            }
        }
        for (dir, rules) in [("scale_up", &h.scale_up), ("scale_down", &h.scale_down)] {
            let Some(rules) = rules else { continue };
            if let Some(w @ 3601..) = rules.stabilization_window_seconds {
                let path = svc(
                    s,
                    &format!("/scaling/hpa/{dir}/stabilization_window_seconds"),
                );
                let fix = set_fix("Use 3600 s".into(), path.clone(), json!(3600));
                cx.report(
                    &HPA_BEHAVIOR_OUT_OF_RANGE,
                    Some(s),
                    path,
                    format!("{dir} stabilization window {w} s is above 3600 s"),
                )
                .fix = fix;
            }
            for (i, p) in rules.policies.iter().enumerate() {
                let base = format!("/scaling/hpa/{dir}/policies/{i}");
                if p.period_seconds == 0 || p.period_seconds > 1800 {
                    let to = p.period_seconds.clamp(1, 1800);
                    let path = svc(s, &format!("{base}/period_seconds"));
                    let fix = set_fix(format!("Use {to} s"), path.clone(), json!(to));
                    cx.report(
                        &HPA_BEHAVIOR_OUT_OF_RANGE,
                        Some(s),
                        path,
                        format!(
                            "{dir} policy period {} s is outside 1..=1800 s",
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
    let r = guaranteed_replicas(s);
    let pdb_path = svc(s, "/scaling/pdb");
    let allow_one = || {
        set_fix(
            "Use maxUnavailable: 1".into(),
            svc(s, "/scaling/pdb"),
            json!({"max_unavailable": 1}),
        )
    };
    match s.scaling.pdb {
        Some(Pdb::MinAvailable(a)) => {
            let kept = match a {
                Amount::Count(n) => u64::from(n),
                Amount::Percent(p) => (u64::from(p) * u64::from(r)).div_ceil(100),
            };
            if kept >= u64::from(r) {
                let of = if s.scaling.hpa.is_some() {
                    "the HPA's minReplicas"
                } else {
                    "replicas"
                };
                cx.report(
                    &PDB_BLOCKS_DRAIN,
                    Some(s),
                    pdb_path,
                    format!("PDB minAvailable {a} keeps {kept} of {r} pods ({of}): no pod may ever be evicted, so drains block"),
                )
                .fix = allow_one();
            }
        }
        Some(Pdb::MaxUnavailable(a @ (Amount::Count(0) | Amount::Percent(0)))) => {
            cx.report(
                &PDB_BLOCKS_DRAIN,
                Some(s),
                pdb_path,
                format!("PDB maxUnavailable {a}: no pod may ever be evicted, so drains block"),
            )
            .fix = allow_one();
        }
        _ => {}
    }
    if r >= 2 {
        if s.scaling.spread == Spread::None {
            cx.report(&NO_SPREAD, Some(s), svc(s, "/scaling/spread"), format!("{r} replicas with no anti-affinity or topology spread: they may all land on one node"))
                .fix = set_fix(
                "Spread across nodes (maxSkew 1)".into(),
                svc(s, "/scaling/spread"),
                json!({"type": "topology_spread", "max_skew": 1, "topology_key": "kubernetes.io/hostname", "hard": false}),
            );
        }
        if s.scaling.pdb.is_none() {
            cx.report(
                &NO_PDB,
                Some(s),
                svc(s, "/scaling/pdb"),
                format!(
                    "{r} replicas and no PodDisruptionBudget: a drain may evict them all at once"
                ),
            )
            .fix = allow_one();
        }
    }
    if prod && s.critical && (s.scaling.hpa.is_none() || s.scaling.pdb.is_none()) {
        let mut edits = Vec::new();
        let mut missing = Vec::new();
        if s.scaling.hpa.is_none() {
            missing.push("an HPA");
            let min = s.scaling.replicas.max(2);
            edits.push(set(
                svc(s, "/scaling/hpa"),
                json!({"min": min, "max": min * 2, "cpu_percent": 70}),
            ));
        }
        if s.scaling.pdb.is_none() {
            missing.push("a PDB");
            edits.push(set(svc(s, "/scaling/pdb"), json!({"max_unavailable": 1})));
        }
        let what = missing.join(" and ");
        cx.report(
            &CRITICAL_WITHOUT_PROTECTION,
            Some(s),
            svc(s, "/critical"),
            format!("critical service without {what} in production"),
        )
        .fix = batch_fix(format!("Add {what}"), edits);
    }
}

fn wiring(cx: &mut Ctx, s: &Service, deployed: &[Service]) {
    // Service and load balancer targets.
    let groups = [
        ("/exposure/ports", &s.exposure.ports),
        (
            "/exposure/load_balancer/ports",
            &s.exposure
                .load_balancer
                .as_ref()
                .map(|l| l.ports.clone())
                .unwrap_or_default(),
        ),
    ];
    for (base, ports) in groups {
        if base == "/exposure/ports" && s.exposure.service == ServiceKind::None {
            continue;
        }
        for (i, p) in ports.iter().enumerate() {
            if s.resolve_port(&p.target).is_some() {
                continue;
            }
            let path = svc(s, &format!("{base}/{i}/target"));
            let f = cx.report(
                &SERVICE_TARGET_PORT_UNKNOWN,
                Some(s),
                path.clone(),
                format!("Service port {} targets container port `{}`, which the container does not declare", p.port, p.target),
            );
            if matches!(p.target, PortRef::Number(_)) {
                f.severity = super::Severity::Warning;
            }
            if let [only] = s.ports.as_slice() {
                let value = if only.name.is_empty() {
                    json!(only.port)
                } else {
                    json!(only.name)
                };
                f.fix = set_fix(format!("Target container port {value}"), path, value);
            }
        }
        for (i, p) in ports.iter().enumerate() {
            if p.name.is_empty() && ports.len() > 1 {
                cx.report(
                    &DUPLICATE_PORT,
                    Some(s),
                    svc(s, &format!("{base}/{i}")),
                    format!(
                        "Service port {} needs a name: the Service has several ports",
                        p.port
                    ),
                );
            }
        }
        let checked = ports.iter().enumerate().map(|(i, p)| PortCheck {
            name: &p.name,
            port: p.port,
            protocol: p.protocol,
            duplicate_name_at: svc(s, &format!("{base}/{i}")),
            name_at: svc(s, &format!("{base}/{i}/name")),
            duplicate_port_at: svc(s, &format!("{base}/{i}")),
        });
        check_ports(cx, s, "Service port", names::dns1123_label, checked);
    }
    let checked = s.ports.iter().enumerate().map(|(i, p)| PortCheck {
        name: &p.name,
        port: p.port,
        protocol: p.protocol,
        duplicate_name_at: svc(s, &format!("/ports/{i}/name")),
        name_at: svc(s, &format!("/ports/{i}/name")),
        duplicate_port_at: svc(s, &format!("/ports/{i}/port")),
    });
    check_ports(cx, s, "container port", names::iana_svc_name, checked);
    // Ingress route.
    if let Some(route) = &s.exposure.ingress {
        let ok = s.exposure.service != ServiceKind::None && s.service_port(&route.port).is_some();
        if !ok {
            let path = svc(s, "/exposure/ingress/port");
            let f = cx.report(
                &INGRESS_BACKEND_MISSING,
                Some(s),
                path.clone(),
                if s.exposure.service == ServiceKind::None {
                    format!("the Ingress for `{}` routes to a Service that is not created (the service has none)", route.host)
                } else {
                    format!("the Ingress for `{}` routes to Service port `{}`, which does not exist", route.host, route.port)
                },
            );
            if let (true, [only]) = (
                s.exposure.service != ServiceKind::None,
                s.exposure.ports.as_slice(),
            ) {
                f.fix = set_fix(
                    format!("Route to port `{}`", only.name),
                    path,
                    json!(only.name),
                );
            }
        }
    }
    // Outgoing edges.
    for e in cx.design.edges.iter().filter(|e| e.from == s.id) {
        let Some(target) = deployed.iter().find(|t| t.id == e.to) else {
            continue;
        };
        let ok =
            target.exposure.service != ServiceKind::None && target.service_port(&e.port).is_some();
        if !ok {
            let mut fixed = e.clone();
            let fix = match target.exposure.ports.as_slice() {
                [only] if target.exposure.service != ServiceKind::None => {
                    fixed.port = only.name.clone();
                    batch_fix(
                        format!("Connect to port `{}`", only.name),
                        vec![Edit::RemoveEdge(e.clone()), Edit::AddEdge(fixed)],
                    )
                }
                _ => None,
            };
            cx.report(
                &EDGE_PORT_MISSING,
                Some(s),
                svc(s, ""),
                format!(
                    "{} -> {} uses port `{}`, which {}'s Service does not expose",
                    s.name, target.name, e.port, target.name
                ),
            )
            .fix = fix;
        }
    }
    // Config references.
    for (i, from) in s.config.env_from.iter().enumerate() {
        let (kind, name, exists) = match from {
            EnvFrom::ConfigMap(n) => ("ConfigMap", n, cx.design.config_map(n).is_some()),
            EnvFrom::Secret(n) => ("Secret", n, cx.design.secret(n).is_some()),
        };
        if !exists {
            let create = match from {
                EnvFrom::ConfigMap(n) => Edit::PutConfigMap(ConfigMapDef {
                    name: n.clone(),
                    ..Default::default()
                }),
                EnvFrom::Secret(n) => Edit::PutSecret(SecretDef {
                    name: n.clone(),
                    kind: "Opaque".into(),
                    keys: Vec::new(),
                    residual: None,
                }),
            };
            cx.report(
                &CONFIG_REFERENCE_MISSING,
                Some(s),
                svc(s, &format!("/config/env_from/{i}")),
                format!("envFrom references {kind} `{name}`, which the design does not define"),
            )
            .fix = Some(super::Fix {
                label: format!("Create {kind} `{name}`"),
                edit: create,
            });
        }
        if let EnvFrom::ConfigMap(n) = from {
            if let Some(cm) = cx.design.config_map(n) {
                for k in cm.data.keys() {
                    if let Err(e) = names::c_identifier(k) {
                        cx.report(
                            &INVALID_ENV_NAME,
                            Some(s),
                            FieldPath {
                                target: Target::ConfigMap(n.clone()),
                                pointer: format!("/data/{}", escape(k)),
                            },
                            format!("ConfigMap `{n}` key `{k}` {e}; envFrom skips it"),
                        );
                    }
                }
            }
        }
    }
    let mut seen = BTreeSet::new();
    for (i, v) in s.config.env.iter().enumerate() {
        let path = svc(s, &format!("/config/env/{i}"));
        match &v.value {
            EnvValue::Literal(val) => {
                if looks_secret(&v.name) && !val.is_empty() {
                    cx.report(
                        &SECRET_IN_PLAIN_CONFIG,
                        Some(s),
                        path.clone(),
                        format!("`{}` looks like a secret but is a literal value", v.name),
                    );
                }
            }
            EnvValue::ConfigMapKey { name, key } => {
                match cx.design.config_map(name) {
                    None => {
                        cx.report(
                            &CONFIG_REFERENCE_MISSING,
                            Some(s),
                            path.clone(),
                            format!(
                                "`{}` reads ConfigMap `{name}`, which the design does not define",
                                v.name
                            ),
                        )
                        .fix = Some(super::Fix {
                            label: format!("Create ConfigMap `{name}`"),
                            edit: Edit::PutConfigMap(ConfigMapDef {
                                name: name.clone(),
                                data: [(key.clone(), String::new())].into(),
                                residual: None,
                            }),
                        });
                    }
                    Some(cm) if !cm.data.contains_key(key) => {
                        cx.report(&CONFIG_REFERENCE_MISSING, Some(s), path.clone(), format!("`{}` reads key `{key}` of ConfigMap `{name}`, which has no such key", v.name)).fix =
                        set_fix(format!("Add key `{key}` to `{name}`"), FieldPath { target: Target::ConfigMap(name.clone()), pointer: format!("/data/{}", escape(key)) }, json!(""));
                    }
                    Some(_) => {}
                }
            }
            EnvValue::SecretKey { name, key } => match cx.design.secret(name) {
                None => {
                    cx.report(
                        &CONFIG_REFERENCE_MISSING,
                        Some(s),
                        path.clone(),
                        format!(
                            "`{}` reads Secret `{name}`, which the design does not define",
                            v.name
                        ),
                    )
                    .fix = Some(super::Fix {
                        label: format!("Create Secret `{name}`"),
                        edit: Edit::PutSecret(SecretDef {
                            name: name.clone(),
                            kind: "Opaque".into(),
                            keys: vec![key.clone()],
                            residual: None,
                        }),
                    });
                }
                Some(sec) if !sec.keys.contains(key) => {
                    cx.report(
                        &CONFIG_REFERENCE_MISSING,
                        Some(s),
                        path.clone(),
                        format!(
                            "`{}` reads key `{key}` of Secret `{name}`, which has no such key",
                            v.name
                        ),
                    )
                    .fix = set_fix(
                        format!("Add key `{key}` to `{name}`"),
                        FieldPath {
                            target: Target::Secret(name.clone()),
                            pointer: format!("/keys/{}", sec.keys.len()),
                        },
                        json!(key),
                    );
                }
                Some(_) => {}
            },
        }
        if !seen.insert(v.name.as_str()) {
            cx.report(
                &DUPLICATE_ENV,
                Some(s),
                path.clone(),
                format!("`{}` is defined more than once; the last one wins", v.name),
            );
        }
        if let Err(e) = names::c_identifier(&v.name) {
            cx.report(
                &INVALID_ENV_NAME,
                Some(s),
                svc(s, &format!("/config/env/{i}/name")),
                format!("variable name `{}` {e}", v.name),
            );
        }
    }
    // Port pools.
    for (i, pool) in s.port_pools.iter().enumerate() {
        let path = svc(s, &format!("/port_pools/{i}"));
        let range = pool.start..=pool.end;
        if pool.start > pool.end {
            cx.report(
                &PORT_POOL_OVERLAP,
                Some(s),
                path,
                format!(
                    "port pool `{}` starts at {} after it ends at {}",
                    pool.name, pool.start, pool.end
                ),
            );
            continue;
        }
        if let Some(p) = s.ports.iter().find(|p| range.contains(&p.port)) {
            cx.report(
                &PORT_POOL_OVERLAP,
                Some(s),
                path.clone(),
                format!(
                    "port pool `{}` ({}-{}) contains container port {}",
                    pool.name, pool.start, pool.end, p.port
                ),
            );
        }
        if let Some(other) = s.port_pools[..i]
            .iter()
            .find(|o| o.start <= pool.end && pool.start <= o.end)
        {
            cx.report(
                &PORT_POOL_OVERLAP,
                Some(s),
                path.clone(),
                format!("port pool `{}` overlaps pool `{}`", pool.name, other.name),
            );
        }
        if pool.start <= 32767 && pool.end >= 30000 {
            cx.report(
                &PORT_POOL_OVERLAP,
                Some(s),
                path,
                format!(
                    "port pool `{}` ({}-{}) overlaps the NodePort range 30000-32767",
                    pool.name, pool.start, pool.end
                ),
            );
        }
    }
    if s.kind == WorkloadKind::StatefulSet && s.exposure.service != ServiceKind::Headless {
        cx.report(&STATEFULSET_NOT_HEADLESS, Some(s), svc(s, "/exposure/service"), format!("StatefulSet `{}` is governed by a Service that is not headless: its pods get no stable DNS names", s.name))
            .fix = set_fix("Make its Service headless".into(), svc(s, "/exposure/service"), json!("Headless"));
    }
    if cx.env.default_deny
        && s.exposure.service != ServiceKind::None
        && !s.exposure.ports.is_empty()
    {
        let called = cx
            .design
            .edges
            .iter()
            .any(|e| e.to == s.id && deployed.iter().any(|d| d.id == e.from));
        let scraped = s.metrics.is_some() && cx.design.cluster.monitoring_namespace.is_some();
        if !called && !scraped && s.exposure.ingress.is_none() && s.exposure.load_balancer.is_none()
        {
            cx.report(&UNREACHABLE_UNDER_DEFAULT_DENY, Some(s), svc(s, "/exposure/ports"), format!("default-deny is on and nothing may connect to `{}`: no edge, route, load balancer or scrape reaches it", s.name));
        }
    }
}

/// One port of a list, with the fields its findings point at.
struct PortCheck<'p> {
    name: &'p str,
    port: u16,
    protocol: Protocol,
    duplicate_name_at: FieldPath,
    name_at: FieldPath,
    duplicate_port_at: FieldPath,
}

/// The rules every port list shares: names unique and valid (by `valid`), number and
/// protocol unique. `what` is "Service port" or "container port".
fn check_ports<'p>(
    cx: &mut Ctx,
    s: &Service,
    what: &str,
    valid: fn(&str) -> Result<(), String>,
    ports: impl Iterator<Item = PortCheck<'p>>,
) {
    let mut names = BTreeSet::new();
    let mut numbers = BTreeSet::new();
    for p in ports {
        if !p.name.is_empty() {
            if !names.insert(p.name) {
                let message = format!("two {what}s are named `{}`", p.name);
                cx.report(&DUPLICATE_PORT, Some(s), p.duplicate_name_at, message);
            }
            if let Err(e) = valid(p.name) {
                let message = format!("{what} name `{}` {e}", p.name);
                cx.report(&INVALID_PORT_NAME, Some(s), p.name_at, message);
            }
        }
        if !numbers.insert((p.port, p.protocol)) {
            let message = format!("two {what}s use {}/{}", p.port, p.protocol.as_str());
            cx.report(&DUPLICATE_PORT, Some(s), p.duplicate_port_at, message);
        }
    }
}

fn naming(cx: &mut Ctx, s: &Service) {
    if let Err(e) = names::dns1035_label(&s.name) {
        let cleaned = sanitize(&s.name);
        let free =
            names::dns1035_label(&cleaned).is_ok() && cx.design.service_named(&cleaned).is_none();
        let f = cx.report(
            &INVALID_NAME,
            Some(s),
            svc(s, "/name"),
            format!("service name `{}` {e}", s.name),
        );
        if free {
            f.fix = set_fix(
                format!("Rename to `{cleaned}`"),
                svc(s, "/name"),
                json!(cleaned),
            );
        }
    } else if s.exposure.load_balancer.is_some() && naming::load_balancer(&s.name).len() > 63 {
        cx.report(
            &INVALID_NAME,
            Some(s),
            svc(s, "/name"),
            format!(
                "`{}` (the LoadBalancer Service) is longer than 63 characters",
                naming::load_balancer(&s.name)
            ),
        );
    }
    if s.container() != s.name {
        if let Err(e) = names::dns1123_label(s.container()) {
            cx.report(
                &INVALID_NAME,
                Some(s),
                svc(s, "/container_name"),
                format!("container name `{}` {e}", s.container()),
            );
        }
    }
    if let Err(e) = names::label_value(&s.component) {
        cx.report(
            &INVALID_LABEL,
            Some(s),
            svc(s, "/component"),
            format!("component `{}` becomes a label value and {e}", s.component),
        );
    }
}

/// A best guess at the valid service name the user meant.
fn sanitize(name: &str) -> String {
    let lowered: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut out = String::new();
    for part in lowered.split('-').filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(part);
    }
    out.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-')
        .chars()
        .take(63)
        .collect::<String>()
        .trim_end_matches('-')
        .to_string()
}

fn resources(cx: &mut Ctx, s: &Service) {
    let r = &s.resources;
    let fields = [
        ("cpu_request", &r.cpu_request),
        ("memory_request", &r.memory_request),
        ("cpu_limit", &r.cpu_limit),
        ("memory_limit", &r.memory_limit),
    ];
    let mut valid = BTreeMap::new();
    for (name, value) in fields {
        let Some(v) = value else { continue };
        match quantity::parse(v) {
            Some(q) => {
                valid.insert(name, q);
            }
            None => {
                let path = cx.overridable(s, OF::Resource(name));
                cx.report(
                    &INVALID_QUANTITY,
                    Some(s),
                    path,
                    format!(
                        "{} `{v}` is not a Kubernetes quantity (e.g. 500m, 1, 512Mi, 1Gi)",
                        name.replace('_', " ")
                    ),
                );
            }
        }
    }
    for (i, v) in s.storage.iter().enumerate() {
        if quantity::parse(&v.size).is_none() {
            cx.report(
                &INVALID_QUANTITY,
                Some(s),
                svc(s, &format!("/storage/{i}/size")),
                format!(
                    "volume `{}` size `{}` is not a Kubernetes quantity (e.g. 10Gi)",
                    v.name, v.size
                ),
            );
        }
    }
    for (res, req, lim) in [
        ("cpu", "cpu_request", "cpu_limit"),
        ("memory", "memory_request", "memory_limit"),
    ] {
        if let (Some(&q), Some(&l)) = (valid.get(req), valid.get(lim)) {
            if q > l {
                let req_text = if res == "cpu" {
                    &r.cpu_request
                } else {
                    &r.memory_request
                };
                let lim_text = if res == "cpu" {
                    &r.cpu_limit
                } else {
                    &r.memory_limit
                };
                let lim_text = lim_text.clone().unwrap_or_default();
                let path = cx.overridable(s, OF::Resource(req));
                let fix = set_fix(format!("Request {lim_text}"), path.clone(), json!(lim_text));
                cx.report(
                    &REQUEST_ABOVE_LIMIT,
                    Some(s),
                    path,
                    format!(
                        "{res} request {} is above its limit {lim_text}",
                        req_text.clone().unwrap_or_default()
                    ),
                )
                .fix = fix;
            }
        }
    }
    let missing: Vec<&str> = [("cpu", &r.cpu_request), ("memory", &r.memory_request)]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        let field = if missing[0] == "cpu" {
            "cpu_request"
        } else {
            "memory_request"
        };
        let path = cx.overridable(s, OF::Resource(field));
        cx.report(
            &MISSING_REQUESTS,
            Some(s),
            path,
            format!(
                "no {} request: QoS class {:?}",
                missing.join(" or "),
                qos_class(r)
            ),
        );
    }
    if r.memory_limit.is_none() {
        let path = cx.overridable(s, OF::Resource("memory_limit"));
        let f = cx.report(
            &MISSING_MEMORY_LIMIT,
            Some(s),
            path.clone(),
            "no memory limit: a leak grows until the node runs out".into(),
        );
        if let Some(req) = &r.memory_request {
            f.fix = set_fix(format!("Limit memory to {req}"), path, json!(req));
        }
    }
}

fn security(cx: &mut Ctx, s: &Service) {
    let sec = &s.security;
    let flag = |cx: &mut Ctx,
                rule: &'static super::Rule,
                field: &str,
                value: serde_json::Value,
                msg: &str,
                label: &str| {
        cx.report(
            rule,
            Some(s),
            svc(s, &format!("/security/{field}")),
            msg.to_string(),
        )
        .fix = set_fix(
            label.to_string(),
            svc(s, &format!("/security/{field}")),
            value,
        );
    };
    if !sec.run_as_non_root {
        let mut edits = vec![set(svc(s, "/security/run_as_non_root"), json!(true))];
        if sec.run_as_user.is_none_or(|u| u == 0) {
            edits.push(set(svc(s, "/security/run_as_user"), json!(10001)));
        }
        cx.report(
            &RUNS_AS_ROOT,
            Some(s),
            svc(s, "/security/run_as_non_root"),
            "runAsNonRoot is not set: the container may run as root".into(),
        )
        .fix = batch_fix("Run as non-root (uid 10001)".into(), edits);
    }
    if let Some(uid @ 1..=10000) = sec.run_as_user {
        flag(
            cx,
            &LOW_UID,
            "run_as_user",
            json!(10001),
            &format!("runAsUser {uid} is not above 10000"),
            "Run as uid 10001",
        );
    }
    if !sec.read_only_root_fs {
        flag(
            cx,
            &WRITABLE_ROOT_FS,
            "read_only_root_fs",
            json!(true),
            "the root filesystem is writable",
            "Make the root filesystem read-only",
        );
    }
    if !sec.no_privilege_escalation {
        flag(
            cx,
            &PRIVILEGE_ESCALATION,
            "no_privilege_escalation",
            json!(true),
            "allowPrivilegeEscalation is not false",
            "Forbid privilege escalation",
        );
    }
    if !sec.drop_all_capabilities {
        flag(
            cx,
            &CAPABILITIES_NOT_DROPPED,
            "drop_all_capabilities",
            json!(true),
            "capabilities are not dropped",
            "Drop all capabilities",
        );
    }
    if !sec.seccomp_runtime_default {
        flag(
            cx,
            &NO_SECCOMP,
            "seccomp_runtime_default",
            json!(true),
            "no seccomp profile: every syscall is allowed",
            "Use the RuntimeDefault seccomp profile",
        );
    }
    if sec.automount_token != Some(false) {
        flag(
            cx,
            &TOKEN_AUTOMOUNTED,
            "automount_token",
            json!(false),
            "the service account token is mounted into the pod",
            "Do not mount the token",
        );
    }
    if s.tag.is_empty() || s.tag == "latest" {
        let shown = if s.tag.is_empty() {
            s.image.clone()
        } else {
            format!("{}:{}", s.image, s.tag)
        };
        let path = cx.overridable(s, OF::ImageTag);
        cx.report(
            &MUTABLE_IMAGE_TAG,
            Some(s),
            path,
            format!("image `{shown}` has no immutable tag"),
        );
    }
}
