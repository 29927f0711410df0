//! Scaling rules (KP2xx): replicas, the HPA's range and targets, PodDisruptionBudgets,
//! spreading, and protection of critical services in production; a canary's steps,
//! deadline and analysis in `scaling/canary.rs` (KP23x). Fixtures:
//! `core/tests/rules/scaling.rs`.

mod canary;

use super::catalog::*;
use super::context::{batch_fix, set, set_fix, svc, Ctx, OverridableField as OF};
use super::Fix;
use crate::domain::HA_REPLICAS;
use crate::model::*;
use crate::replicas::{guaranteed_replicas, pdb_pods};
use serde_json::json;

/// Every scaling check of one deployed (effective) service.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    canary::service(cx, s);
    // Replicas, an HPA, a PDB over R pods and spreading them are about a replicated
    // set of pods: a DaemonSet has one per node, a Job's finish. What applies to those
    // kinds is the batch rules' (KP811 says their HPA or PDB is not written).
    if !s.kind.has_replicas() {
        return;
    }
    replicas_with_hpa(cx, s);
    replicas_override_under_hpa(cx, s);
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
            .fix = match prod {
                // Production wants two (KP203): one fix, not two in a row.
                true => {
                    let mut edits = vec![set(min_path.clone(), json!(HA_REPLICAS))];
                    if h.max < HA_REPLICAS {
                        edits.push(set(max_path.clone(), json!(HA_REPLICAS)));
                    }
                    batch_fix(format!("Set minReplicas to {HA_REPLICAS}"), edits)
                }
                false => set_fix("Set minReplicas to 1".into(), min_path.clone(), json!(1)),
            };
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
            let mut edits = vec![set(min_path.clone(), json!(HA_REPLICAS))];
            if h.max < HA_REPLICAS {
                edits.push(set(max_path.clone(), json!(HA_REPLICAS)));
            }
            cx.report(
                &HPA_MIN_BELOW_TWO,
                Some(s),
                min_path,
                "HPA minReplicas 1 in production: one eviction is an outage".into(),
            )
            .fix = batch_fix(format!("Set minReplicas to {HA_REPLICAS}"), edits);
        }
        // Utilization is the pods' usage over the sum of their containers' requests:
        // the main container's, the other regular ones' and the native sidecars' (not
        // the init containers', which have stopped). One container without a request
        // (a limit alone is one: the API server copies it) and the HPA cannot compute
        // it. Each is reported at its own field.
        for (resource, pct) in [("cpu", h.cpu_percent), ("memory", h.memory_percent)] {
            let Some(pct) = pct else { continue };
            let field = if resource == "cpu" {
                "cpu_request"
            } else {
                "memory_request"
            };
            // A container's request: written (0 included), else the limit the API
            // server copies into it.
            let request = |r: &Resources| {
                let (request, limit) = match resource {
                    "cpu" => (&r.cpu_request, &r.cpu_limit),
                    _ => (&r.memory_request, &r.memory_limit),
                };
                request.clone().or_else(|| limit.clone())
            };
            let summed = (std::iter::once((None, &s.resources)))
                .chain(
                    s.containers
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.role != ContainerRole::Init)
                        .map(|(i, c)| (Some((i, c)), &c.resources)),
                )
                .map(|(c, r)| (c, request(r)))
                .collect::<Vec<_>>();
            let path_of = |c: Option<(usize, &Container)>| match c {
                None => cx.overridable(s, OF::Resource(field)),
                Some((i, _)) => svc(s, &format!("/containers/{i}/resources/{field}")),
            };
            let mut missing = Vec::new();
            for (c, request) in &summed {
                if request.is_none() {
                    let named = c
                        .map(|(_, c)| format!(" in container `{}`", c.name))
                        .unwrap_or_default();
                    missing.push((path_of(*c), named));
                }
            }
            // Requests that are all there but sum to 0 leave nothing to divide by (a
            // value that is no quantity is KP501's).
            let zero =
                |q: &Option<String>| q.as_deref().and_then(crate::quantity::parse) == Some(0.0);
            if missing.is_empty() && summed.iter().all(|(_, q)| zero(q)) {
                cx.report(
                    &HPA_TARGET_WITHOUT_REQUEST,
                    Some(s),
                    path_of(None),
                    format!("the HPA targets {pct}% {resource}, but the pod's {resource} requests sum to 0: it cannot compute utilization and never scales"),
                );
            }
            for (path, in_container) in missing {
                cx.report(
                    &HPA_TARGET_WITHOUT_REQUEST,
                    Some(s),
                    path,
                    format!("the HPA targets {pct}% {resource}, but there is no {resource} request{in_container}: it cannot compute utilization and never scales"),
                );
            }
        }
    }
    let r = guaranteed_replicas(s);
    // The budget's field: this environment's own where it sets one.
    let pdb_path = cx.overridable(s, OF::PdbBudget);
    // How a missing budget is given: where this environment switches the service's
    // budget off, by switching it back on here (a budget added to the service would
    // change it everywhere and stay off here).
    let no_budget = MissingPdb::of(cx, s);
    let allow_one = || {
        set_fix(
            "Use maxUnavailable: 1".into(),
            pdb_path.clone(),
            json!({"max_unavailable": 1}),
        )
    };
    match s.scaling.pdb {
        Some(Pdb::MinAvailable(a)) => {
            let kept = pdb_pods(a, r);
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
    // Under an HPA the count is its minimum, not the replicas written (KP209's).
    let replicas = match s.scaling.hpa {
        Some(_) => format!("At least {r} replicas (the HPA's minimum)"),
        None => format!("{r} replicas"),
    };
    if r >= HA_REPLICAS {
        if s.scaling.spread == Spread::None {
            cx.report(&NO_SPREAD, Some(s), svc(s, "/scaling/spread"), format!("{replicas} with no anti-affinity or topology spread: they may all land on one node"))
                .fix = set_fix(
                "Spread across nodes (maxSkew 1)".into(),
                svc(s, "/scaling/spread"),
                json!({"type": "topology_spread", "max_skew": 1, "topology_key": "kubernetes.io/hostname", "hard": false}),
            );
        }
        if s.scaling.pdb.is_none() && !kept_pdb_guards(cx, s) {
            cx.report(
                &NO_PDB,
                Some(s),
                no_budget.at.clone(),
                format!(
                    "{replicas} and no PodDisruptionBudget{}: a drain may evict them all at once",
                    no_budget.here
                ),
            )
            .fix = Some(no_budget.fix.clone());
        }
    }
    let pdb = s.scaling.pdb.is_some() || kept_pdb_guards(cx, s);
    if prod && s.critical && (s.scaling.hpa.is_none() || !pdb) {
        let mut edits = Vec::new();
        let mut missing = Vec::new();
        if s.scaling.hpa.is_none() {
            missing.push("an HPA");
            let min = s.scaling.replicas.max(HA_REPLICAS);
            edits.push(set(
                svc(s, "/scaling/hpa"),
                json!({"min": min, "max": min * 2, "cpu_percent": 70}),
            ));
        }
        if !pdb {
            missing.push("a PDB");
            edits.push(no_budget.fix.edit);
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

/// Where a missing PodDisruptionBudget is reported, what the report adds, and its fix.
struct MissingPdb {
    at: crate::edit::FieldPath,
    here: String,
    fix: Fix,
}

impl MissingPdb {
    /// Read from the service as deployed here and this environment alone (the checks
    /// of one service see no other, nor the service's own: see [`super::LiveFindings`]).
    /// A switch that is off means the service has a budget (removing the service's
    /// budget clears the switches: `Design::set`).
    fn of(cx: &Ctx, s: &Service) -> MissingPdb {
        let o = cx.env.overrides.get(&s.id);
        if o.is_some_and(|o| o.pdb == Some(false)) {
            let switch = cx.overridable(s, OF::Pdb);
            return MissingPdb {
                at: switch.clone(),
                here: format!(" in {} (switched off here)", cx.env.name),
                fix: Fix {
                    label: format!("Keep the service's PDB in {}", cx.env.name),
                    edit: set(switch, serde_json::Value::Null),
                },
            };
        }
        let add = set(svc(s, "/scaling/pdb"), json!({"max_unavailable": 1}));
        // The service has no budget: one this environment still sets of its own would
        // replace the one added, so it goes with it.
        let edit = match o.is_some_and(|o| o.pdb_budget.is_some()) {
            true => crate::edit::Edit::Batch(vec![
                add,
                set(cx.overridable(s, OF::PdbBudget), serde_json::Value::Null),
            ]),
            false => add,
        };
        MissingPdb {
            at: svc(s, "/scaling/pdb"),
            here: String::new(),
            fix: Fix {
                label: "Use maxUnavailable: 1".into(),
                edit,
            },
        }
    }
}

/// Whether a PodDisruptionBudget kept whole here (an imported one the design does not
/// model: prod's own, say) guards `s`'s pods: in their namespace, its selector selecting
/// their template's labels. Then a missing budget is not missing, and adding one would
/// make a second.
fn kept_pdb_guards(cx: &Ctx, s: &Service) -> bool {
    let mut kept = (cx.design.kept_in(cx.env))
        .filter(|k| k.kind() == "PodDisruptionBudget")
        .filter(|k| k.namespace().is_none_or(|ns| ns == cx.env.namespace))
        .peekable();
    if kept.peek().is_none() {
        return false;
    }
    let Some(workload) = cx.rendered_workload(s) else {
        return false;
    };
    let at = super::rendered::template_at(workload["kind"].as_str().unwrap_or_default());
    let Some(labels) = at.and_then(|at| workload.pointer(&format!("{at}/metadata/labels"))) else {
        return false;
    };
    let labels = super::rendered::labels_of(labels);
    kept.any(|k| {
        crate::selector::Selector::from_json(&k.spec()["selector"])
            .is_some_and(|selector| selector.selects(&labels))
    })
}

/// KP209: the workload as rendered does not set `replicas` while an HPA (modelled or kept)
/// scales it. Render leaves replicas out under a modelled HPA, so what sets it is a kept
/// detail of an imported workload, or a kept HPA the design does not model; both are
/// only visible in the rendered objects, which is what this reads.
fn replicas_with_hpa(cx: &mut Ctx, s: &Service) {
    let kept_hpa = || (cx.design.kept_in(cx.env)).any(|o| o.kind() == "HorizontalPodAutoscaler");
    let may_have_both = s.scaling.hpa.is_some() && s.keeps(cx.env, ResidualRole::Workload);
    if !may_have_both && !kept_hpa() {
        return;
    }
    let Some(workload) = cx.rendered_workload(s) else {
        return;
    };
    let Some(replicas) = workload["spec"]["replicas"].as_i64() else {
        return;
    };
    let (kind, name) = (
        workload["kind"].clone(),
        workload["metadata"]["name"].clone(),
    );
    let hpa = cx.rendered().objects.iter().find_map(|o| {
        let v = o.to_json();
        let target = &v["spec"]["scaleTargetRef"];
        (o.kind() == "HorizontalPodAutoscaler" && target["kind"] == kind && target["name"] == name)
            .then(|| o.name().to_string())
    });
    let Some(hpa) = hpa else { return };
    let kind = kind.as_str().unwrap_or_default();
    if s.scaling.replicas_with_hpa && s.scaling.hpa.is_some() {
        let at = svc(s, "/scaling/replicas_with_hpa");
        // The replicas environments set (an import of several, prod's `replicas: 3`)
        // go too where the HPA scales: left, they would be written nowhere (KP210).
        let overrides = (cx.design.environments.iter())
            .filter(|e| {
                (e.overrides.get(&s.id))
                    .is_some_and(|o| o.replicas.is_some() && o.hpa != Some(false))
            })
            .map(|e| {
                set(
                    crate::FieldPath::environment(
                        &e.name,
                        &format!("/overrides/{}/replicas", s.id.0),
                    ),
                    serde_json::Value::Null,
                )
            });
        let edits = std::iter::once(set(at.clone(), false.into()))
            .chain(overrides)
            .collect();
        let fix = batch_fix("Leave replicas to the HPA".into(), edits);
        cx.report(
            &REPLICAS_WITH_HPA,
            Some(s),
            at,
            format!(
                "{kind} `{}` writes `replicas: {replicas}` while HPA `{hpa}` scales it (its import kept the replicas written beside the HPA): every kubectl apply resets it to {replicas} pods",
                s.name
            ),
        )
        .fix = fix;
    } else if s.scaling.hpa.is_some() {
        // (A design imported before the flag keeps the replicas in what was kept.)
        let fix = s
            .residual
            .get(&ResidualRole::Workload)
            .map(without_replicas)
            .and_then(|kept| {
                set_fix(
                    "Leave replicas to the HPA".into(),
                    svc(s, "/residual/workload"),
                    kept,
                )
            });
        cx.report(
            &REPLICAS_WITH_HPA,
            Some(s),
            svc(s, "/residual/workload"),
            format!(
                "{kind} `{}` keeps `replicas: {replicas}` from its import while HPA `{hpa}` scales it: every kubectl apply resets it to {replicas} pods",
                s.name
            ),
        )
        .fix = fix;
    } else {
        cx.report(
            &REPLICAS_WITH_HPA,
            Some(s),
            svc(s, "/scaling/hpa"),
            format!(
                "HPA `{hpa}` (kept as imported) scales {kind} `{}`, but the design writes `replicas: {replicas}` because the service has no autoscaling of its own: every kubectl apply resets the scale. Set the service's autoscaling from that HPA and delete the kept one, or delete `spec.replicas` from the {kind} you apply",
                s.name
            ),
        );
    }
}

/// KP210: the environment sets replicas of a service its HPA scales, which renders
/// nothing. The fix switches the HPA off here, so that those replicas run (a dev
/// environment meant to run one pod), leaving the HPA everywhere else.
fn replicas_override_under_hpa(cx: &mut Ctx, s: &Service) {
    let Some(h) = &s.scaling.hpa else { return };
    // Written beside the HPA (as an imported manifest did), the count is rendered:
    // that is KP209's to say.
    if s.scaling.replicas_with_hpa {
        return;
    }
    let Some(replicas) = cx.env.overrides.get(&s.id).and_then(|o| o.replicas) else {
        return;
    };
    let at = cx.overridable(s, OF::Replicas);
    let pods = if replicas == 1 { "pod" } else { "pods" };
    let override_of = |field: &str| {
        crate::FieldPath::environment(&cx.env.name, &format!("/overrides/{}/{field}", s.id.0))
    };
    // The range this environment gave the HPA goes with it.
    let fix = (replicas > 0).then(|| {
        batch_fix(
            format!("No HPA in {}: run {replicas} {pods}", cx.env.name),
            vec![
                set(override_of("hpa"), json!(false)),
                set(override_of("hpa_min"), serde_json::Value::Null),
                set(override_of("hpa_max"), serde_json::Value::Null),
            ],
        )
    });
    let message = format!(
        "`{}` sets `{}`'s replicas to {replicas}, but its HPA scales it between {} and {} here: replicas are not written under an HPA, so this changes nothing. Switch the HPA off here to run {replicas}, or set its range here instead",
        cx.env.name, s.name, h.min, h.max
    );
    cx.report(&REPLICAS_OVERRIDE_UNDER_HPA, Some(s), at, message)
        .fix = fix.flatten();
}

/// A workload's kept details without what sets `spec.replicas`.
fn without_replicas(kept: &crate::model::Residual) -> serde_json::Value {
    let replicas: crate::residual::Path = "/spec/replicas".parse().expect("a valid path");
    let mut kept = kept.clone();
    kept.0.retain(|c| c.at != replicas);
    serde_json::to_value(kept).expect("residuals serialize")
}
