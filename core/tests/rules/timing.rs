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
            "KP101",
            |d| {
                api(d).timing.pre_stop_seconds = 31;
                api(d).timing.app_shutdown_seconds = 0;
            },
            // A sleep as long as the grace period is accepted (KP102's to judge).
            |d| {
                api(d).timing.pre_stop_seconds = 30;
                api(d).timing.app_shutdown_seconds = 0;
            },
        ),
        // A slip of the keyboard: its fix is a sleep that outlasts propagation.
        fx(
            "KP101",
            |d| api(d).timing.pre_stop_seconds = 100_000,
            |d| api(d).timing.pre_stop_seconds = 10,
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
            "KP104",
            |d| {
                api(d).timing.pre_stop_seconds = 0;
                api(d).timing.pre_stop_hook = Some(drain_hook());
            },
            // A sleep is written instead of the hook, and it covers propagation.
            |d| api(d).timing.pre_stop_hook = Some(drain_hook()),
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
            "KP109",
            // An initial delay is past once the pod runs: the probes are then the same.
            |d| {
                let mut r = api(d).probes.readiness.clone().unwrap();
                r.initial_delay_seconds = 5;
                api(d).probes.liveness = Some(r);
            },
            |d| {
                let mut r = api(d).probes.readiness.clone().unwrap();
                r.failure_threshold = 6;
                r.initial_delay_seconds = 5;
                api(d).probes.liveness = Some(r);
            },
        ),
        fx(
            "KP110",
            |d| probe(api(d), "liveness").failure_threshold = 1,
            |d| probe(api(d), "liveness").failure_threshold = 2,
        ),
        fx(
            "KP110",
            // A long initial delay does not make liveness slower on a running pod...
            |d| {
                let l = probe(api(d), "liveness");
                (l.initial_delay_seconds, l.failure_threshold) = (60, 1);
            },
            // ...nor does readiness's make it give up later.
            |d| probe(api(d), "readiness").initial_delay_seconds = 60,
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
        fx(
            "KP115",
            |d| api(d).probes = Probes::default(),
            |d| {
                api(d).probes.startup = None;
                api(d).probes.readiness = None;
            },
        ),
        fx("KP115", |d| db(d).probes = Probes::default(), no_change),
    ]
    .into_iter()
    .chain(pods())
    .collect()
}

/// An imported preStop hook that calls the app's drain endpoint.
fn drain_hook() -> PreStopHook {
    PreStopHook::Http {
        path: "/drain".into(),
        port: PortRef::Name("http".into()),
    }
}

/// A Deployment `orders` behind a Service, whose container has `container_extra`.
fn served_deployment(container_extra: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: orders
  template:
    metadata:
      labels:
        app: orders
    spec:
      terminationGracePeriodSeconds: 20
      containers:
        - name: orders
          image: ghcr.io/acme/orders:1.0.0
          ports:
            - name: http
              containerPort: 8080
{container_extra}---
apiVersion: v1
kind: Service
metadata:
  name: orders
  namespace: shop
spec:
  selector:
    app: orders
  ports:
    - name: http
      port: 80
      targetPort: http
"
    )
}

#[test]
fn an_http_get_pre_stop_is_not_reported_as_zero_seconds() {
    let yaml = served_deployment(
        "          env:
            - name: SHUTDOWN_TIMEOUT
              value: 25s
          lifecycle:
            preStop:
              httpGet:
                path: /drain
                port: 8080
",
    );
    let (d, env) = import_exact(&yaml);
    assert_eq!(
        d.services[0].timing.pre_stop_hook,
        Some(PreStopHook::Http {
            path: "/drain".into(),
            port: PortRef::Number(8080),
        })
    );
    let found = validate(&d, &env);
    assert!(
        found.iter().all(|f| !f.message.contains("preStop 0 s")),
        "{found:#?}"
    );
    let propagation = findings_of(&d, &env, "KP104");
    assert_eq!(propagation.len(), 1);
    assert_eq!(propagation[0].severity, Severity::Info);
    assert!(
        propagation[0].fix.is_none(),
        "no sleep replaces the hook silently"
    );
    assert_eq!(
        propagation[0].message,
        "the preStop hook is httpGet /drain on port 8080: how long it takes is unknown, so whether it outlasts endpoint propagation (5 s) cannot be checked, and the grace period budget counts it as 0 s"
    );
    // The grace budget is computed without the hook, and says so.
    let grace = findings_of(&d, &env, "KP102");
    assert_eq!(
        grace[0].message,
        "grace 20 s < preStop hook (httpGet /drain on port 8080, duration unknown) + shutdown 25 s = 25 s: SIGKILL comes 5 s before the app has drained"
    );

    // An exec hook that is not a sleep is a hook too; one that sleeps is a sleep.
    let yaml = served_deployment(
        "          lifecycle:
            preStop:
              exec:
                command: [/wait-shutdown]
",
    );
    let (d, env) = import_exact(&yaml);
    assert!(findings_of(&d, &env, "KP104")[0]
        .message
        .contains("exec `/wait-shutdown`"));
    let yaml = served_deployment(
        "          lifecycle:
            preStop:
              exec:
                command: [sh, -c, sleep 10]
",
    );
    let (d, env) = import_exact(&yaml);
    assert_eq!(d.services[0].timing.pre_stop_seconds, 10);
    assert_eq!(d.services[0].timing.pre_stop_hook, None);
    assert!(findings_of(&d, &env, "KP104").is_empty());
}

#[test]
fn workloads_without_any_probe_are_found_and_a_sidecars_probe_counts() {
    let (d, env) = import(&corpus("microservices-demo.yaml"));
    let mut unprobed: Vec<String> = findings_of(&d, &env, "KP115")
        .into_iter()
        .filter_map(|f| f.service)
        .collect();
    unprobed.sort();
    assert_eq!(unprobed, ["cart-redis", "notify", "shipping"]);
    let notify = findings_of(&d, &env, "KP115")
        .into_iter()
        .find(|f| f.service.as_deref() == Some("notify"))
        .unwrap();
    assert_eq!(
        notify.fix.as_ref().unwrap().label,
        "Add a gRPC readiness probe on port 8081",
        "the Service port is named grpc"
    );

    // The main container has no probe, the proxy beside it has one: the pod is probed.
    let yaml = served_deployment(
        "        - name: proxy
          image: ghcr.io/acme/proxy:2.0.0
          readinessProbe:
            tcpSocket:
              port: 15021
",
    );
    let (d, env) = import_exact(&yaml);
    assert!(
        d.services[0].probes.readiness.is_none(),
        "the model's container has none"
    );
    assert!(findings_of(&d, &env, "KP115").is_empty());
    let (d, env) = import_exact(&served_deployment(""));
    let f = &findings_of(&d, &env, "KP115")[0];
    assert_eq!(
        f.fix.as_ref().unwrap().label,
        "Add a readiness probe: HTTP GET / on port http"
    );
    assert!(
        f.message.ends_with(
            "its pods get traffic before they can serve it and stay in the Service when they hang"
        ),
        "{}",
        f.message
    );

    // A queue worker no Service sends traffic to: why it still wants probes.
    let mut worker = d.clone();
    worker.services[0].exposure.service = ServiceKind::None;
    worker.services[0].exposure.ports.clear();
    worker.services[0].exposure.ingress = None;
    let f = &findings_of(&worker, &env, "KP115")[0];
    assert!(
        f.message.ends_with("a rollout counts its pods ready the moment they start, and a pod that hangs is never restarted"),
        "{}",
        f.message
    );
}

/// The timing rules of native sidecars.
fn pods() -> Vec<Fixture> {
    vec![
        // api: preStop 5 s + shutdown 20 s = 25 s of grace 30 s; the sidecar stops after.
        fx(
            "KP116",
            |d| sidecar(d).shutdown_seconds = 10,
            |d| sidecar(d).shutdown_seconds = 3,
        ),
        fx(
            "KP116",
            |d| {
                add(d, extra("shipper", ContainerRole::Regular)).shutdown_seconds = 28;
                sidecar(d).shutdown_seconds = 3;
            },
            |d| {
                // A regular container stops with the main one, not after it.
                add(d, extra("shipper", ContainerRole::Regular)).shutdown_seconds = 28;
            },
        ),
        fx(
            "KP118",
            // The app is told 30 s in the ConfigMap it reads whole; the design says 20.
            |d| set_config(d, "GRACEFUL_SHUTDOWN_TIMEOUT_MS", "30000"),
            |d| set_config(d, "GRACEFUL_SHUTDOWN_TIMEOUT_MS", "20000"),
        ),
        fx(
            "KP118",
            // A literal Go duration, and no drain in the design.
            |d| {
                api(d).timing.app_shutdown_seconds = 0;
                (api(d).config.env).push(EnvVar::literal("SHUTDOWN_TIMEOUT", "15s"));
            },
            // A switch is no timeout.
            |d| {
                api(d).timing.app_shutdown_seconds = 0;
                (api(d).config.env).push(EnvVar::literal("GRACEFUL_SHUTDOWN_ENABLED", "true"));
            },
        ),
        fx(
            "KP117",
            |d| {
                let c = sidecar(d);
                c.needed_at_start = true;
                c.ports.push(ContainerPort {
                    name: "admin".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                });
                c.probes.readiness = Some(Probe::http("/ready", PortRef::Name("admin".into())));
            },
            |d| {
                let c = sidecar(d);
                c.needed_at_start = true;
                c.ports.push(ContainerPort {
                    name: "admin".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                });
                c.probes.startup =
                    Some(Probe::http("/ready", PortRef::Name("admin".into())).timed(0, 2, 30));
            },
        ),
    ]
}

/// Sets a key of the ConfigMap the api reads whole.
fn set_config(d: &mut Design, key: &str, value: &str) {
    let cm = d
        .config_maps
        .iter_mut()
        .find(|c| c.name == "api-config")
        .unwrap();
    cm.data.insert(key.into(), value.into());
}

/// KP118 says what the app is told against what the design checks, an error where
/// the app's drain overruns the grace period, and its fix takes the app's value, with
/// the grace period that then needs, from a ConfigMap others may read; a literal of
/// the service's own is told the design's value instead, in its own unit.
#[test]
fn the_apps_own_shutdown_setting_is_the_designs() {
    let mut d = baseline();
    set_config(&mut d, "GRACEFUL_SHUTDOWN_TIMEOUT_MS", "30000");
    let found = validate(&d, "prod");
    let f = found.iter().find(|f| f.code == "KP118").unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.message,
        "`GRACEFUL_SHUTDOWN_TIMEOUT_MS` = `30000` tells the app to drain for 30 s, but the design's app shutdown is 20 s: the grace period is checked against 20 s, and preStop 5 s + 30 s = 35 s overruns the grace period 30 s: SIGKILL comes mid-drain"
    );
    let fix = f.fix.clone().unwrap();
    assert_eq!(
        fix.label,
        "Set the app shutdown to 30 s, as the app is told (grace period 37 s)"
    );
    d.apply(fix.edit).unwrap();
    assert!(!validate(&d, "prod")
        .iter()
        .any(|f| f.code == "KP118" || f.code == "KP102"));
    // The service's own literal, told less than the design's 30 s: a warning, whose
    // fix writes 30 s in the variable's milliseconds.
    let mut d = baseline();
    api(&mut d)
        .config
        .env
        .push(EnvVar::literal("SHUTDOWN_TIMEOUT_MS", "15000"));
    let found = validate(&d, "prod");
    let f = found.iter().find(|f| f.code == "KP118").unwrap();
    assert_eq!(f.severity, Severity::Warning);
    let fix = f.fix.clone().unwrap();
    assert_eq!(fix.label, "Tell the app 20 s (SHUTDOWN_TIMEOUT_MS: 20000)");
    d.apply(fix.edit).unwrap();
    assert!(!validate(&d, "prod").iter().any(|f| f.code == "KP118"));
    assert!(api(&mut d)
        .config
        .env
        .contains(&EnvVar::literal("SHUTDOWN_TIMEOUT_MS", "20000")));
    // No drain in the design, and the app's overruns the grace period: an error too.
    let mut d = baseline();
    api(&mut d).timing.app_shutdown_seconds = 0;
    api(&mut d)
        .config
        .env
        .push(EnvVar::literal("SHUTDOWN_TIMEOUT", "40s"));
    let found = validate(&d, "prod");
    let f = found.iter().find(|f| f.code == "KP118").unwrap();
    assert_eq!(f.severity, Severity::Error, "{}", f.message);
}

/// KP110 says a tie as a tie: liveness giving up when readiness does restarts the pod
/// as it leaves the Service, not before.
#[test]
fn liveness_giving_up_with_readiness_is_said_as_a_tie() {
    let mut d = baseline();
    let mut same_budget = api(&mut d).probes.readiness.clone().unwrap();
    if let ProbeAction::Http { path, .. } = &mut same_budget.action {
        *path = "/livez".into();
    }
    api(&mut d).probes.liveness = Some(same_budget.clone());
    let said = findings_of(&d, "prod", "KP110");
    let seconds = same_budget.failing_seconds();
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].message.starts_with(&format!(
            "liveness and readiness both give up after {seconds} s: a stuck pod is restarted as it leaves the Service"
        )),
        "{}",
        said[0].message
    );
    probe(api(&mut d), "liveness").failure_threshold = 1;
    let said = findings_of(&d, "prod", "KP110");
    assert!(
        said[0].message.contains("is restarted before it leaves"),
        "{}",
        said[0].message
    );
}

/// KP106's fixes leave a period to spare: the kubelet probes first at the initial
/// delay, so its last failure comes a period before `initialDelay + failures × period`,
/// and a budget of exactly the start-up time restarts a start that takes all of it.
#[test]
fn a_startup_budget_fix_leaves_a_period_to_spare() {
    // The startup probe (12 × 5 s) short of 90 s: 19 failures, 95 s.
    let mut d = baseline();
    api(&mut d).timing.startup_seconds = 90;
    let f = findings_of(&d, "prod", "KP106").remove(0);
    let fix = f.fix.unwrap();
    assert_eq!(fix.label, "Allow 19 startup failures (95 s)");
    d.apply(fix.edit).unwrap();
    let startup = api(&mut d).probes.startup.clone().unwrap();
    assert!(startup.budget_seconds() >= 90 + u64::from(startup.effective_period()));
    // No startup probe, liveness short of 90 s: one is added, 19 × 5 s.
    let mut d = baseline();
    api(&mut d).probes.startup = None;
    api(&mut d).timing.startup_seconds = 90;
    let f = findings_of(&d, "prod", "KP106").remove(0);
    let fix = f.fix.unwrap();
    assert_eq!(fix.label, "Add a startup probe (19 × 5 s = 95 s)");
    d.apply(fix.edit).unwrap();
    assert_eq!(
        api(&mut d)
            .probes
            .startup
            .as_ref()
            .unwrap()
            .budget_seconds(),
        95
    );
    assert!(findings_of(&d, "prod", "KP106").is_empty());
}
