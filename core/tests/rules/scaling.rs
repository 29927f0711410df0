//! Fixtures of the scaling rules (KP2xx): replicas, HPA, PDB, spreading and protection in production.
//! The checks are in `core/src/rules/scaling.rs`.

use super::*;

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP201",
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 7,
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 6,
        ),
        fx(
            "KP201",
            |d| {
                // An environment override can break what the base design had right.
                env(d, "prod").overrides.insert(
                    ServiceId(1),
                    Override {
                        hpa_max: Some(1),
                        ..Override::default()
                    },
                );
            },
            |d| {
                env(d, "prod").overrides.insert(
                    ServiceId(1),
                    Override {
                        hpa_max: Some(2),
                        ..Override::default()
                    },
                );
            },
        ),
        fx(
            "KP202",
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 0,
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 1,
        ),
        fx_in(
            "KP203",
            "prod",
            |d| api(d).scaling.hpa.as_mut().unwrap().min = 1,
            no_change,
        ),
        fx(
            "KP204",
            |d| api(d).resources.cpu_request = None,
            |d| api(d).scaling.hpa.as_mut().unwrap().memory_percent = Some(80),
        ),
        fx(
            "KP205",
            |d| api(d).scaling.pdb = Some(Pdb::MinAvailable(Amount::Count(2))),
            |d| api(d).scaling.pdb = Some(Pdb::MinAvailable(Amount::Count(1))),
        ),
        fx(
            "KP205",
            |d| api(d).scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Percent(0))),
            |d| api(d).scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Percent(10))),
        ),
        fx(
            "KP205",
            |d| api(d).scaling.pdb = Some(Pdb::MinAvailable(Amount::Percent(100))),
            |d| api(d).scaling.pdb = Some(Pdb::MinAvailable(Amount::Percent(50))),
        ),
        fx(
            "KP206",
            |d| api(d).scaling.spread = Spread::None,
            |d| {
                api(d).scaling.spread = Spread::AntiAffinity {
                    topology_key: "kubernetes.io/hostname".into(),
                    required: false,
                };
            },
        ),
        fx(
            "KP207",
            |d| api(d).scaling.pdb = None,
            |d| {
                api(d).scaling.pdb = None;
                api(d).scaling.hpa = None;
                api(d).scaling.replicas = 1;
                api(d).critical = false;
            },
        ),
        fx_in("KP208", "prod", |d| api(d).scaling.hpa = None, no_change),
        fx(
            "KP209",
            // Imported with `replicas: 3` kept beside the modelled HPA.
            |d| {
                api(d).residual.insert(
                    ResidualRole::Workload,
                    kept(serde_json::json!([
                        {"at": "/spec/replicas", "now": 3},
                        {"at": "/spec/paused", "now": false}
                    ])),
                );
            },
            |d| {
                api(d).residual.insert(
                    ResidualRole::Workload,
                    kept(serde_json::json!([{"at": "/spec/paused", "now": false}])),
                );
            },
        ),
        fx(
            "KP209",
            // An HPA kept whole scales a service whose autoscaling is not modelled.
            |d| {
                api(d).scaling.hpa = None;
                d.extra_objects.push(kept_hpa("api"));
            },
            |d| {
                api(d).scaling.hpa = None;
                d.extra_objects.push(kept_hpa("worker"));
            },
        ),
    ]
}

/// An HPA kept whole from an import, scaling Deployment `target`.
fn kept_hpa(target: &str) -> KeptObject {
    KeptObject(serde_json::json!({
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": format!("{target}-hpa"), "namespace": "shop"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": 2,
            "maxReplicas": 6,
        },
    }))
}

#[test]
fn replicas_kept_beside_an_hpa_are_reported_and_the_fix_leaves_them_to_the_hpa() {
    let (d, env) = import(&corpus("microservices-demo.yaml"));
    let found = findings_of(&d, &env, "KP209");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].service.as_deref(), Some("catalog"));
    assert_eq!(
        found[0].message,
        "Deployment `catalog` keeps `replicas: 3` from its import while HPA `catalog` scales it: every kubectl apply resets it to 3 pods"
    );
    let replicas = |d: &Design| {
        render(d, &env)
            .objects
            .iter()
            .find(|o| o.kind() == "Deployment" && o.name() == "catalog")
            .map(|o| o.to_json()["spec"]["replicas"].clone())
            .unwrap()
    };
    assert_eq!(
        replicas(&d),
        serde_json::json!(3),
        "what the check read is rendered"
    );
    let mut fixed = d.clone();
    fixed.apply(found[0].fix.clone().unwrap().edit).unwrap();
    assert_eq!(
        replicas(&fixed),
        serde_json::Value::Null,
        "the rendering leaves it out"
    );
    assert!(findings_of(&fixed, &env, "KP209").is_empty());
}
