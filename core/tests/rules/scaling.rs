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
            |d| {
                api(d).resources.cpu_request = None;
                api(d).resources.cpu_limit = None;
            },
            |d| api(d).scaling.hpa.as_mut().unwrap().memory_percent = Some(80),
        ),
        fx(
            "KP204",
            |d| {
                api(d).resources.cpu_request = None;
                api(d).resources.cpu_limit = None;
            },
            // A limit alone is a request: the API server copies it (500m here).
            |d| api(d).resources.cpu_request = None,
        ),
        fx(
            "KP204",
            // Requests that sum to 0 (the limit beside a written 0 is not copied)...
            |d| api(d).resources.cpu_request = Some("0".into()),
            // ...but a sidecar's 0 beside the app's request is summed, not missing.
            |d| {
                api(d)
                    .containers
                    .push(helper(ContainerRole::Sidecar, "0", ""))
            },
        ),
        fx(
            "KP204",
            // The HPA sums the requests of the native sidecars too...
            |d| {
                api(d)
                    .containers
                    .push(helper(ContainerRole::Sidecar, "", ""))
            },
            |d| {
                api(d)
                    .containers
                    .push(helper(ContainerRole::Sidecar, "", "200m"))
            },
        ),
        fx(
            "KP204",
            // ...and of the other regular containers, but not of the init containers,
            // which have stopped by then.
            |d| {
                api(d)
                    .containers
                    .push(helper(ContainerRole::Regular, "", ""))
            },
            |d| api(d).containers.push(helper(ContainerRole::Init, "", "")),
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
        fx_in(
            "KP207",
            "prod",
            // Prod switches the service's budget off; `true` keeps it, like no switch.
            |d| pdb_here(d, Some(false)),
            |d| pdb_here(d, Some(true)),
        ),
        fx_in(
            "KP205",
            "prod",
            // Prod's own budget blocks drains; its fix changes prod's.
            |d| budget_here(d, Pdb::MinAvailable(Amount::Percent(100))),
            |d| budget_here(d, Pdb::MinAvailable(Amount::Percent(50))),
        ),
        fx_in("KP208", "prod", |d| api(d).scaling.hpa = None, no_change),
        fx_in("KP208", "prod", |d| pdb_here(d, Some(false)), no_change),
        fx_in(
            "KP207",
            "prod",
            // A budget of prod's own left after the service's went: the fix adds the
            // service's and takes prod's away, which would replace it.
            |d| {
                api(d).scaling.pdb = None;
                budget_here(d, Pdb::MinAvailable(Amount::Percent(100)));
            },
            no_change,
        ),
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
        fx_in(
            "KP210",
            "dev",
            // One pod in dev, the HPA's two and more everywhere.
            |d| dev_runs_one(d, ServiceId(1)),
            // The database has no HPA: its replicas here are what runs.
            |d| {
                let db = db(d).id;
                dev_runs_one(d, db);
            },
        ),
        fx_in(
            "KP210",
            "dev",
            |d| dev_runs_one(d, ServiceId(1)),
            // Written beside the HPA, as an imported manifest did: dev's count is
            // rendered (KP209 says the rest).
            |d| {
                api(d).scaling.replicas_with_hpa = true;
                dev_runs_one(d, ServiceId(1));
            },
        ),
        fx(
            "KP230",
            |d| db(d).delivery.strategy = UpdateStrategy::Canary,
            |d| {
                canary(d);
            },
        ),
        fx(
            "KP231",
            |d| {
                // Two replicas (the HPA's minimum) cannot run a tenth of the pods.
                canary(d).delivery.steps = weight_then_pause(10);
            },
            |d| canary(d).delivery.steps = weight_then_pause(50),
        ),
        fx(
            "KP231",
            |d| {
                // One replica: any weight but 0 and 100 is half the pods.
                let s = canary(d);
                s.scaling.hpa = None;
                s.scaling.replicas = 1;
                s.delivery.steps = weight_then_pause(20);
            },
            |d| {
                let s = canary(d);
                s.scaling.hpa = None;
                s.scaling.replicas = 5;
                s.delivery.steps = weight_then_pause(20);
            },
        ),
        fx(
            "KP232",
            |d| canary(d).delivery.progress_deadline_abort = false,
            |d| {
                canary(d);
            },
        ),
        fx(
            "KP233",
            |d| {
                canary(d)
                    .delivery
                    .steps
                    .push(CanaryStep::Pause { seconds: None })
            },
            |d| {
                // A background analysis that runs during the pause can abort it.
                let s = canary(d);
                s.delivery.steps.push(CanaryStep::Pause { seconds: None });
                s.metrics = Some(Metrics::new(PortRef::Name("http".into()), "/metrics"));
                s.delivery.analysis = Some(Analysis::default());
            },
        ),
        fx(
            "KP234",
            |d| {
                let s = analysed(d);
                s.delivery.analysis.as_mut().unwrap().count = 10;
            },
            |d| {
                let s = analysed(d);
                s.delivery.analysis.as_mut().unwrap().count = 4;
            },
        ),
        fx(
            "KP235",
            |d| canary(d).delivery.scale_down_delay_seconds = Some(30),
            |d| canary(d).delivery.scale_down_delay_seconds = None,
        ),
        fx(
            "KP235",
            |d| canary(d).delivery.abort_scale_down_delay_seconds = Some(0),
            |d| {
                canary(d);
            },
        ),
        fx(
            "KP237",
            |d| canary(d).delivery.traffic = CanaryTraffic::GatewayRoute,
            |d| {
                through_route(d);
            },
        ),
        fx(
            "KP237",
            |d| {
                through_route(d);
                env(d, "prod").gateway = None;
            },
            |d| {
                through_route(d);
                env(d, "prod").gateway = None;
                api(d).delivery.traffic = CanaryTraffic::Replicas;
            },
        ),
        fx(
            "KP238",
            |d| {
                through_route(d);
                let rule = &mut api(d).exposure.gateway_route.as_mut().unwrap().rules[0];
                rule.backends = vec![
                    RouteBackend {
                        weight: 90,
                        ..RouteBackend::default()
                    },
                    RouteBackend {
                        service: "web".into(),
                        port: "http".into(),
                        weight: 10,
                    },
                ];
            },
            |d| {
                through_route(d);
            },
        ),
        fx(
            "KP235",
            |d| {
                through_route(d).delivery.traffic = CanaryTraffic::Replicas;
                api(d).delivery.scale_down_delay_seconds = Some(30);
            },
            |d| through_route(d).delivery.scale_down_delay_seconds = Some(30),
        ),
        fx(
            "KP231",
            |d| {
                through_route(d).delivery.traffic = CanaryTraffic::Replicas;
                api(d).delivery.steps = weight_then_pause(10);
            },
            |d| through_route(d).delivery.steps = weight_then_pause(10),
        ),
        fx(
            "KP236",
            |d| canary(d).delivery.steps.push(CanaryStep::Analysis),
            |d| {
                let s = analysed(d);
                s.delivery.steps.push(CanaryStep::Analysis);
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
        "Deployment `catalog` writes `replicas: 3` while HPA `catalog` scales it (its import kept the replicas written beside the HPA): every kubectl apply resets it to 3 pods"
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

/// dev's replicas for a service its HPA scales say what they do not do, and the fix
/// switches the HPA off in dev so that they run, leaving prod's HPA as it was (after a
/// link too).
#[test]
fn replicas_an_environment_sets_under_an_hpa_run_once_its_hpa_is_off_there() {
    let mut d = baseline();
    let api_id = api(&mut d).id;
    env(&mut d, "dev").overrides.insert(
        api_id,
        Override {
            replicas: Some(1),
            ..Override::default()
        },
    );
    let d = link::decode(&link::encode(&d)).unwrap();
    let f = findings_of(&d, "dev", "KP210").remove(0);
    let hpa = d.service_named("api").unwrap().scaling.hpa.clone().unwrap();
    assert_eq!(
        f.message,
        format!(
            "`dev` sets `api`'s replicas to 1, but its HPA scales it between {} and {} here: replicas are not written under an HPA, so this changes nothing. Switch the HPA off here to run 1, or set its range here instead",
            hpa.min, hpa.max
        )
    );
    let fix = f.fix.unwrap();
    assert_eq!(fix.label, "No HPA in dev: run 1 pod");
    let mut fixed = d.clone();
    fixed.apply(fix.edit).unwrap();
    let fixed = link::decode(&link::encode(&fixed)).unwrap();
    let rendered = |d: &Design, env: &str, kind: &str| {
        let objects = render(d, env).objects;
        (objects.iter())
            .find(|o| o.kind() == kind && o.name() == "api")
            .map(|o| o.to_json())
    };
    assert_eq!(rendered(&fixed, "dev", "HorizontalPodAutoscaler"), None);
    let workload = rendered(&fixed, "dev", "Deployment").unwrap();
    assert_eq!(workload["spec"]["replicas"], 1);
    for kind in ["HorizontalPodAutoscaler", "Deployment"] {
        assert_eq!(rendered(&fixed, "prod", kind), rendered(&d, "prod", kind));
    }
    assert!(rendered(&fixed, "prod", "HorizontalPodAutoscaler").is_some());
    assert!(findings_of(&fixed, "dev", "KP210").is_empty());
    let o = &fixed.environment("dev").unwrap().overrides[&api_id];
    assert_eq!((o.replicas, o.hpa), (Some(1), Some(false)));
}

/// Make api a canary of the default steps, which its two to six replicas express, with
/// the deadline abort on: no canary finding of its own.
fn canary(d: &mut Design) -> &mut Service {
    let s = api(d);
    s.delivery = Delivery {
        strategy: UpdateStrategy::Canary,
        steps: weight_then_pause(50),
        progress_deadline_abort: true,
        ..Delivery::default()
    };
    s
}

/// api as a canary with a background analysis of its metrics from step 1, over two
/// pauses of 2 minutes (time for 5 measurements a minute apart).
fn analysed(d: &mut Design) -> &mut Service {
    let s = canary(d);
    s.metrics = Some(Metrics::new(PortRef::Name("http".into()), "/metrics"));
    s.delivery.steps = [weight_then_pause(50), weight_then_pause(50)].concat();
    for step in &mut s.delivery.steps {
        if let CanaryStep::Pause { seconds } = step {
            *seconds = Some(120);
        }
    }
    s.delivery.analysis = Some(Analysis::default());
    s
}

/// api as a canary whose traffic goes through its Gateway API route (the routed
/// baseline of the wiring fixtures).
fn through_route(d: &mut Design) -> &mut Service {
    super::wiring::routed(d);
    let s = canary(d);
    s.delivery.traffic = CanaryTraffic::GatewayRoute;
    s
}

fn weight_then_pause(weight: u32) -> Vec<CanaryStep> {
    vec![
        CanaryStep::SetWeight { weight },
        CanaryStep::Pause { seconds: Some(300) },
    ]
}

#[test]
fn a_canary_routed_through_its_route_splits_the_routes_backends_between_stable_and_canary() {
    let mut d = baseline();
    through_route(&mut d);
    let bundle = render(&d, "prod");
    let json = |kind: &str, name: &str| {
        bundle
            .objects
            .iter()
            .find(|o| o.kind() == kind && o.name() == name)
            .unwrap_or_else(|| panic!("{kind}/{name}"))
            .to_json()
    };
    let own = json("Service", "api");
    for name in ["api-stable", "api-canary"] {
        let svc = json("Service", name);
        assert_eq!(svc["spec"]["ports"], own["spec"]["ports"], "{name}");
        assert_eq!(svc["spec"]["selector"], own["spec"]["selector"], "{name}");
    }
    let canary = &json("Rollout", "api")["spec"]["strategy"]["canary"];
    assert_eq!(canary["stableService"], "api-stable");
    assert_eq!(canary["canaryService"], "api-canary");
    assert_eq!(
        canary["trafficRouting"],
        serde_json::json!({"plugins": {"argoproj-labs/gatewayAPI": {"httpRoute": "api", "namespace": "shop"}}})
    );
    let route = json("HTTPRoute", "api");
    assert_eq!(
        route["spec"]["rules"][0]["backendRefs"],
        serde_json::json!([
            {"name": "api-stable", "port": 80, "weight": 100},
            {"name": "api-canary", "port": 80, "weight": 0},
        ])
    );
    // The Gateway's proxies still reach the pods behind both Services.
    let allow = json("NetworkPolicy", "api-allow");
    assert!(
        allow["spec"]["ingress"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["from"][0]["namespaceSelector"]["matchLabels"]
                ["kubernetes.io/metadata.name"]
                == "envoy-gateway-system"),
        "{allow:#}"
    );
    assert!(
        validate(&d, "prod").is_empty(),
        "{:#?}",
        validate(&d, "prod")
    );
    // A gRPC port makes it a GRPCRoute, which the plugin names as grpcRoute.
    api(&mut d).exposure.ports[0].app_protocol = Some("grpc".into());
    let bundle = render(&d, "prod");
    let rollout = bundle
        .objects
        .iter()
        .find(|o| o.kind() == "Rollout")
        .unwrap()
        .to_json();
    assert_eq!(
        rollout["spec"]["strategy"]["canary"]["trafficRouting"]["plugins"]
            ["argoproj-labs/gatewayAPI"],
        serde_json::json!({"grpcRoute": "api", "namespace": "shop"})
    );
    // Replica weights: no pair of Services, the route sends to the service's own.
    api(&mut d).delivery.traffic = CanaryTraffic::Replicas;
    let bundle = render(&d, "prod");
    assert!(!bundle.objects.iter().any(|o| o.name() == "api-stable"));
    let rollout = bundle
        .objects
        .iter()
        .find(|o| o.kind() == "Rollout")
        .unwrap()
        .to_json();
    assert!(rollout["spec"]["strategy"]["canary"]
        .get("trafficRouting")
        .is_none());
}

#[test]
fn a_canary_replaces_the_deployment_and_its_hpa_and_pdb_follow() {
    let mut d = baseline();
    canary(&mut d);
    let bundle = render(&d, "prod");
    assert!(bundle
        .objects
        .iter()
        .all(|o| o.kind() != "Deployment" || o.name() != "api"));
    let rollout = bundle
        .objects
        .iter()
        .find(|o| o.kind() == "Rollout")
        .expect("a Rollout")
        .to_json();
    let hpa = bundle
        .objects
        .iter()
        .find(|o| o.kind() == "HorizontalPodAutoscaler")
        .unwrap()
        .to_json();
    assert_eq!(
        hpa["spec"]["scaleTargetRef"],
        serde_json::json!({"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "name": "api"})
    );
    let pdb = bundle
        .objects
        .iter()
        .find(|o| o.kind() == "PodDisruptionBudget")
        .unwrap()
        .to_json();
    let pods = &rollout["spec"]["template"]["metadata"]["labels"];
    for (k, v) in pdb["spec"]["selector"]["matchLabels"].as_object().unwrap() {
        assert_eq!(&pods[k], v, "the PDB selects the Rollout's pods");
    }
    assert_eq!(rollout["spec"]["selector"], pdb["spec"]["selector"]);
    assert!(
        rollout["spec"].get("replicas").is_none(),
        "the HPA owns the scale"
    );
    assert!(
        validate(&d, "prod").is_empty(),
        "a canary of the default steps adds no finding: {:#?}",
        validate(&d, "prod")
    );
}

#[test]
fn the_weight_rule_states_the_pods_and_its_fix_sets_enough_replicas() {
    let mut d = baseline();
    canary(&mut d).delivery.steps = weight_then_pause(10);
    let f = findings_of(&d, "prod", "KP231");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "setWeight 10 with the HPA's minimum of 2 replicas: the canary runs 1 pod beside 2 stable, 33% of the traffic without traffic routing"
    );
    assert_eq!(f[0].fix.as_ref().unwrap().label, "Run at least 4 replicas");
}

#[test]
fn an_environment_may_make_a_service_a_canary() {
    let mut d = baseline();
    let steps = canary(&mut d).delivery.clone();
    api(&mut d).delivery = Delivery {
        strategy: UpdateStrategy::RollingUpdate,
        ..steps
    };
    env(&mut d, "prod").overrides.insert(
        ServiceId(1),
        Override {
            strategy: Some(UpdateStrategy::Canary),
            ..Override::default()
        },
    );
    let kind = |env: &str| {
        render(&d, env)
            .objects
            .iter()
            .find(|o| o.name() == "api" && matches!(o.kind(), "Deployment" | "Rollout"))
            .map(|o| o.kind().to_string())
            .unwrap()
    };
    assert_eq!(kind("prod"), "Rollout");
    assert_eq!(kind("dev"), "Deployment");
    // A canary rule points at the override when that is what makes the canary.
    db(&mut d).delivery.strategy = UpdateStrategy::RollingUpdate;
    env(&mut d, "prod").overrides.insert(
        ServiceId(2),
        Override {
            strategy: Some(UpdateStrategy::Canary),
            ..Override::default()
        },
    );
    let f = findings_of(&d, "prod", "KP230");
    assert_eq!(
        f[0].path,
        FieldPath::environment("prod", "/overrides/2/strategy")
    );
}

/// An HPA kept from an import still names the Deployment a canary replaced: KP713 says
/// so, naming the Rollout; one that names the Rollout resolves.
#[test]
fn a_kept_hpa_of_a_service_turned_canary_is_reported_until_it_targets_the_rollout() {
    let hpa = |kind: &str| {
        KeptObject(serde_json::json!({
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "api-kept"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": "api"},
                "minReplicas": 2,
                "maxReplicas": 4,
            },
        }))
    };
    let mut d = baseline();
    canary(&mut d);
    d.extra_objects.push(hpa("Deployment"));
    let f = findings_of(&d, "prod", "KP713");
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.contains("(`api` is a Rollout)"),
        "{}",
        f[0].message
    );
    d.extra_objects[0] = hpa("Rollout");
    assert!(findings_of(&d, "prod", "KP713").is_empty());
}

/// Prod's switch of the api's PodDisruptionBudget.
fn pdb_here(d: &mut Design, on: Option<bool>) {
    let o = env(d, "prod").overrides.entry(ServiceId(1)).or_default();
    o.pdb = on;
}

/// Prod's own disruption budget for the api.
fn budget_here(d: &mut Design, budget: Pdb) {
    let o = env(d, "prod").overrides.entry(ServiceId(1)).or_default();
    o.pdb_budget = Some(budget);
}

/// Dev's override of service `id`: one pod, nothing else.
fn dev_runs_one(d: &mut Design, id: ServiceId) {
    let one = Override {
        replicas: Some(1),
        ..Override::default()
    };
    env(d, "dev").overrides.insert(id, one);
}

/// A container beside the main one, with the role given and the cpu request and limit
/// given (empty: none); its memory is requested and limited.
fn helper(role: ContainerRole, cpu_request: &str, cpu_limit: &str) -> Container {
    Container {
        name: "envoy".into(),
        role,
        image: "envoyproxy/envoy".into(),
        tag: "v1.31.2".into(),
        resources: Resources::new(cpu_request, "64Mi", cpu_limit, "128Mi"),
        ..Container::default()
    }
}

/// Under an HPA, KP206 and KP207 count its minimum and say so: the replicas written
/// beside it (KP209's) are not what a drain or a node's loss meets.
#[test]
fn replicas_under_an_hpa_are_said_as_its_minimum() {
    let mut d = baseline();
    api(&mut d).scaling.spread = Spread::None;
    api(&mut d).scaling.replicas = 6;
    let min = api(&mut d).scaling.hpa.as_ref().unwrap().min;
    let f = findings_of(&d, "prod", "KP206").remove(0);
    assert!(
        f.message.starts_with(&format!(
            "At least {min} replicas (the HPA's minimum) with no anti-affinity"
        )),
        "{}",
        f.message
    );
    api(&mut d).scaling.hpa = None;
    let f = findings_of(&d, "prod", "KP206").remove(0);
    assert!(
        f.message.starts_with("6 replicas with no anti-affinity"),
        "{}",
        f.message
    );
}
