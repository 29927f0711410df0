//! Fixtures of the batch rules (KP8xx): Jobs, CronJobs and DaemonSets. The checks are in
//! `core/src/rules/batch.rs`. Each fixture adds a clean Job (`migrate`), CronJob
//! (`nightly-report`) or DaemonSet (`node-agent`) to the baseline and breaks one thing.

use super::*;

/// A hardened batch workload of `kind` that no rule objects to.
fn batch_service(name: &str, kind: WorkloadKind) -> Service {
    Service {
        name: name.into(),
        kind,
        component: "batch".into(),
        image: "ghcr.io/acme/shop-jobs".into(),
        tag: "2.0.1".into(),
        resources: Resources::new("100m", "128Mi", "500m", "256Mi"),
        security: Security::hardened(),
        job: JobSettings {
            backoff_limit: Some(2),
            active_deadline_seconds: Some(1800),
            ttl_seconds_after_finished: Some(86_400),
            restart_policy: JobRestart::Never,
            expected_run_seconds: 120,
            ..JobSettings::default()
        },
        cron: CronSettings {
            schedule: "0 3 * * *".into(),
            time_zone: Some("Europe/Berlin".into()),
            concurrency_policy: ConcurrencyPolicy::Forbid,
            starting_deadline_seconds: Some(300),
            ..CronSettings::default()
        },
        ..Service::default()
    }
}

/// A node agent DaemonSet with a probe on its metrics port, one node at a time.
fn agent_service() -> Service {
    let mut s = batch_service("node-agent", WorkloadKind::DaemonSet);
    s.component = "agent".into();
    s.ports = vec![ContainerPort {
        name: "metrics".into(),
        port: 9100,
        protocol: Protocol::TCP,
    }];
    s.probes.liveness = Some(Probe::new(ProbeAction::Tcp {
        port: PortRef::Name("metrics".into()),
    }));
    s.scaling.max_surge = Amount::Count(0);
    s.scaling.max_unavailable = Amount::Count(1);
    s
}

fn added(d: &mut Design, s: Service) -> &mut Service {
    let name = s.name.clone();
    d.apply(Edit::AddService(Box::new(s))).unwrap();
    d.services.iter_mut().find(|x| x.name == name).unwrap()
}

/// The baseline plus the clean Job `migrate`.
fn job(d: &mut Design) -> &mut Service {
    added(d, batch_service("migrate", WorkloadKind::Job))
}

/// The baseline plus the clean CronJob `nightly-report`.
fn cron(d: &mut Design) -> &mut Service {
    added(d, batch_service("nightly-report", WorkloadKind::CronJob))
}

/// The baseline plus the clean DaemonSet `node-agent`.
fn agent(d: &mut Design) -> &mut Service {
    added(d, agent_service())
}

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP801",
            |d| job(d).job.active_deadline_seconds = Some(100),
            |d| job(d).job.active_deadline_seconds = Some(200),
        ),
        fx(
            "KP801",
            |d| {
                let j = job(d);
                j.job.completions = Some(10);
                j.job.parallelism = Some(2);
                j.job.active_deadline_seconds = Some(500);
            },
            |d| {
                let j = job(d);
                j.job.completions = Some(10);
                j.job.parallelism = Some(5);
                j.job.active_deadline_seconds = Some(500);
            },
        ),
        fx(
            "KP802",
            |d| {
                let j = job(d);
                j.job.backoff_limit = None;
                j.job.expected_run_seconds = 300;
            },
            |d| job(d).job.expected_run_seconds = 300,
        ),
        fx(
            "KP803",
            |d| job(d).job.ttl_seconds_after_finished = None,
            |d| cron(d).job.ttl_seconds_after_finished = None,
        ),
        fx(
            "KP804",
            |d| job(d).resources.cpu_limit = None,
            |d| api(d).resources.cpu_limit = None,
        ),
        fx(
            "KP804",
            |d| {
                cron(d).containers.push(Container {
                    name: "uploader".into(),
                    image: "ghcr.io/acme/uploader".into(),
                    tag: "1.4.0".into(),
                    resources: Resources::new("50m", "64Mi", "", "128Mi"),
                    ..Container::default()
                })
            },
            |d| {
                cron(d).containers.push(Container {
                    name: "uploader".into(),
                    image: "ghcr.io/acme/uploader".into(),
                    tag: "1.4.0".into(),
                    resources: Resources::new("50m", "64Mi", "100m", "128Mi"),
                    ..Container::default()
                })
            },
        ),
        fx(
            "KP805",
            |d| cron(d).cron.schedule = "0 3 * * 7".into(),
            |d| cron(d).cron.schedule = "0 3 * * 0".into(),
        ),
        fx(
            "KP805",
            |d| cron(d).cron.schedule = "CRON_TZ=Europe/Berlin 0 3 * * *".into(),
            |d| cron(d).cron.schedule = "@daily".into(),
        ),
        fx(
            "KP805",
            |d| cron(d).cron.schedule = "0 0 30 2 *".into(),
            |d| cron(d).cron.schedule = "0 0 29 2 *".into(),
        ),
        fx(
            "KP806",
            |d| {
                let c = cron(d);
                c.cron.schedule = "*/15 * * * *".into();
                c.cron.concurrency_policy = ConcurrencyPolicy::Allow;
            },
            |d| cron(d).cron.schedule = "*/15 * * * *".into(),
        ),
        fx(
            "KP806",
            |d| {
                let c = cron(d);
                c.cron.schedule = "*/5 * * * *".into();
                c.cron.concurrency_policy = ConcurrencyPolicy::Allow;
                c.job.active_deadline_seconds = None;
                c.job.expected_run_seconds = 600;
            },
            |d| {
                let c = cron(d);
                c.cron.schedule = "*/5 * * * *".into();
                c.cron.concurrency_policy = ConcurrencyPolicy::Allow;
                c.job.active_deadline_seconds = None;
                c.job.expected_run_seconds = 240;
            },
        ),
        fx(
            "KP807",
            |d| {
                let c = cron(d);
                c.name = "db-backup".into();
                c.cron.concurrency_policy = ConcurrencyPolicy::Allow;
            },
            |d| cron(d).cron.concurrency_policy = ConcurrencyPolicy::Allow,
        ),
        fx(
            "KP807",
            |d| {
                let c = cron(d);
                c.component = "backup".into();
                c.cron.concurrency_policy = ConcurrencyPolicy::Replace;
            },
            |d| cron(d).component = "backup".into(),
        ),
        fx(
            "KP808",
            |d| cron(d).cron.starting_deadline_seconds = Some(5),
            |d| cron(d).cron.starting_deadline_seconds = Some(10),
        ),
        fx(
            "KP809",
            |d| cron(d).cron.time_zone = Some("europe/berlin".into()),
            |d| cron(d).cron.time_zone = Some("US/Eastern".into()),
        ),
        fx(
            "KP809",
            |d| cron(d).cron.time_zone = Some("Local".into()),
            |d| cron(d).cron.time_zone = None,
        ),
        fx(
            "KP809",
            |d| cron(d).cron.time_zone = Some("".into()),
            |d| cron(d).cron.time_zone = Some("Etc/UTC".into()),
        ),
        fx(
            "KP809",
            |d| cron(d).cron.time_zone = Some("CEST".into()),
            |d| cron(d).cron.time_zone = Some("CET".into()),
        ),
        fx(
            "KP810",
            |d| cron(d).cron.suspend = true,
            |d| {
                cron(d);
            },
        ),
        fx(
            "KP811",
            |d| agent(d).scaling.hpa = Some(Hpa::default()),
            |d| api(d).scaling.hpa = Some(Hpa::default()),
        ),
        fx(
            "KP811",
            |d| agent(d).scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Count(1))),
            |d| api(d).scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Count(1))),
        ),
        fx(
            "KP811",
            |d| job(d).scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Count(1))),
            |d| api(d).scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Count(2))),
        ),
        fx(
            "KP812",
            |d| {
                let a = agent(d);
                a.scaling.max_surge = Amount::Percent(25);
                a.scaling.max_unavailable = Amount::Percent(25);
            },
            |d| {
                let a = agent(d);
                a.scaling.max_surge = Amount::Percent(25);
                a.scaling.max_unavailable = Amount::Count(0);
            },
        ),
        fx(
            "KP812",
            |d| agent(d).scaling.max_unavailable = Amount::Count(0),
            |d| agent(d).scaling.max_unavailable = Amount::Percent(10),
        ),
        fx(
            "KP812",
            |d| agent(d).scaling.max_unavailable = Amount::Percent(150),
            |d| agent(d).scaling.max_unavailable = Amount::Percent(100),
        ),
        fx(
            "KP813",
            |d| agent(d).scaling.max_unavailable = Amount::Percent(60),
            |d| agent(d).scaling.max_unavailable = Amount::Percent(50),
        ),
        fx(
            "KP814",
            |d| {
                let a = agent(d);
                a.resources.memory_request = None;
                a.resources.memory_limit = None;
            },
            |d| {
                // A limit alone is copied to the request by the API server.
                let a = agent(d);
                a.resources.memory_request = None;
                a.resources.memory_limit = Some("256Mi".into());
            },
        ),
        fx(
            "KP814",
            |d| {
                agent(d).containers.push(Container {
                    name: "shipper".into(),
                    image: "ghcr.io/acme/shipper".into(),
                    tag: "0.9.1".into(),
                    ..Container::default()
                })
            },
            |d| {
                agent(d).containers.push(Container {
                    name: "shipper".into(),
                    image: "ghcr.io/acme/shipper".into(),
                    tag: "0.9.1".into(),
                    resources: Resources::new("20m", "32Mi", "", "64Mi"),
                    ..Container::default()
                })
            },
        ),
    ]
}

fn codes_in(d: &Design, env: &str) -> BTreeSet<&'static str> {
    validate(d, env).iter().map(|f| f.code).collect()
}

#[test]
fn the_clean_batch_workloads_are_clean() {
    let mut d = baseline();
    job(&mut d);
    cron(&mut d);
    agent(&mut d);
    for env in ["prod", "dev"] {
        let f = validate(&d, env);
        assert!(f.is_empty(), "{env}: {f:#?}");
    }
}

/// The serving rules stay quiet for kinds they do not apply to: a Job or CronJob made
/// from the fully equipped `api` (probes, Service, Ingress, HPA, PDB, spreading,
/// critical) gets none of the probe, draining, rollout, replica, HPA and PDB rules,
/// and a DaemonSet none of the replica, HPA and PDB rules. What is not written is
/// KP811's to say.
#[test]
fn serving_rules_do_not_fire_for_kinds_they_do_not_apply_to() {
    let serving: BTreeSet<&str> = [
        "KP104", "KP105", "KP111", "KP112", "KP113", "KP114", "KP115", "KP201", "KP202", "KP203",
        "KP204", "KP205", "KP206", "KP207", "KP208", "KP209",
    ]
    .into();
    let replicas: BTreeSet<&str> = [
        "KP111", "KP112", "KP113", "KP114", "KP201", "KP202", "KP203", "KP204", "KP205", "KP206",
        "KP207", "KP208", "KP209",
    ]
    .into();
    for (kind, quiet) in [
        (WorkloadKind::Job, &serving),
        (WorkloadKind::CronJob, &serving),
        (WorkloadKind::DaemonSet, &replicas),
    ] {
        let mut d = baseline();
        // The same service, made to break every serving rule it could.
        let a = api(&mut d);
        a.kind = kind;
        a.probes = Probes::default();
        a.timing.pre_stop_seconds = 0;
        a.timing.progress_deadline_seconds = 0;
        a.scaling.hpa.as_mut().unwrap().min = 1;
        a.scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Count(0)));
        a.scaling.spread = Spread::None;
        a.scaling.replicas = 5;
        a.scaling.max_surge = Amount::Count(0);
        a.scaling.max_unavailable = Amount::Count(0);
        d.cluster.lb_deregistration_seconds = Some(30);
        for env in ["prod", "dev"] {
            let fired: Vec<_> = codes_in(&d, env)
                .into_iter()
                .filter(|c| quiet.contains(c))
                .collect();
            assert!(fired.is_empty(), "{kind:?} in {env}: {fired:?}");
        }
        assert!(
            codes_in(&d, "prod").contains("KP811"),
            "{kind:?}: what is not written is said"
        );
    }
    // And the same breakage on the Deployment fires them: the test above can fail.
    let mut d = baseline();
    let a = api(&mut d);
    a.probes = Probes::default();
    a.scaling.pdb = Some(Pdb::MaxUnavailable(Amount::Count(0)));
    a.scaling.max_surge = Amount::Count(0);
    a.scaling.max_unavailable = Amount::Count(0);
    let fired = codes_in(&d, "prod");
    for code in ["KP113", "KP115", "KP205"] {
        assert!(fired.contains(code), "{code} fires on the Deployment");
    }
}

/// Every other family, on clean batch workloads with the details each family reads
/// (env from the design's ConfigMap and Secret, ports, an extra container, default-deny
/// with edges): no finding at all, so no family mistakes a Job, CronJob or DaemonSet for
/// something it is not.
#[test]
fn no_family_reports_a_clean_job_cronjob_or_daemonset() {
    let mut d = baseline();
    let config = Config {
        env: vec![EnvVar {
            name: "DB_PASSWORD".into(),
            value: EnvValue::SecretKey {
                name: "api-secrets".into(),
                key: "DB_PASSWORD".into(),
            },
        }],
        env_from: vec![EnvFrom::ConfigMap("api-config".into())],
    };
    for s in [
        batch_service("migrate", WorkloadKind::Job),
        batch_service("nightly-report", WorkloadKind::CronJob),
        agent_service(),
    ] {
        let s = added(&mut d, s);
        s.config = config.clone();
        let id = s.id;
        d.apply(Edit::AddEdge(Edge {
            from: id,
            to: ServiceId(2),
            port: "postgres".into(),
        }))
        .unwrap();
    }
    for env in ["prod", "dev"] {
        let f = validate(&d, env);
        assert!(f.is_empty(), "{env}: {f:#?}");
    }
}

#[test]
fn a_schedule_error_says_what_the_parser_says() {
    let mut d = baseline();
    cron(&mut d).cron.schedule = "0 3 * * 7".into();
    let f = findings_of(&d, "prod", "KP805");
    assert_eq!(f.len(), 1);
    assert_eq!(
        f[0].message,
        "schedule `0 3 * * 7` does not parse: day-of-week field (field 5) `7`: 7 is above the maximum 6 (Sunday is 0 or SUN; 7 is not accepted)"
    );
    assert_eq!(f[0].severity, Severity::Error);
    assert_eq!(
        f[0].path,
        FieldPath::service(ServiceId(3), "/cron/schedule")
    );
}

#[test]
fn overlapping_runs_state_the_interval_and_the_run() {
    let mut d = baseline();
    let c = cron(&mut d);
    c.cron.schedule = "*/15 * * * *".into();
    c.cron.concurrency_policy = ConcurrencyPolicy::Allow;
    let f = findings_of(&d, "prod", "KP806");
    assert_eq!(
        f[0].message,
        "`*/15 * * * *` runs as often as every 15 min (every 15 minutes), but a run may take 30 min (activeDeadlineSeconds): with concurrencyPolicy Allow, runs overlap"
    );
    assert_eq!(
        f[0].fix.as_ref().unwrap().label,
        "Use concurrencyPolicy Forbid"
    );
}

#[test]
fn retries_that_do_not_fit_say_how_long_they_take() {
    let mut d = baseline();
    let j = job(&mut d);
    j.job.backoff_limit = None;
    j.job.expected_run_seconds = 300;
    let f = findings_of(&d, "prod", "KP802");
    assert_eq!(
        f[0].message,
        "backoffLimit 6 allows 6 retries, but the run (300 s (5 min)) with every retry and 630 s (10 min 30 s) of back-off takes 2730 s (45 min 30 s): activeDeadlineSeconds 1800 s (30 min) ends the Job before its last retries"
    );
}

#[test]
fn a_suspended_cronjob_is_only_flagged_in_production() {
    let mut d = baseline();
    cron(&mut d).cron.suspend = true;
    assert!(codes_in(&d, "prod").contains("KP810"));
    assert!(!codes_in(&d, "dev").contains("KP810"));
}

#[test]
fn a_daemonset_reports_missing_requests_as_kp814_not_kp503() {
    let mut d = baseline();
    let a = agent(&mut d);
    a.resources = Resources::default();
    let codes = codes_in(&d, "prod");
    assert!(codes.contains("KP814"));
    assert!(!codes.contains("KP503"), "one finding, the per-node one");
    let f = findings_of(&d, "prod", "KP814");
    assert!(
        f[0].message.contains("requests no cpu or memory"),
        "{}",
        f[0].message
    );
}

#[test]
fn a_time_zone_in_the_wrong_case_is_fixed_to_the_iana_name() {
    let mut d = baseline();
    cron(&mut d).cron.time_zone = Some("america/new_york".into());
    let f = findings_of(&d, "prod", "KP809");
    assert_eq!(f[0].fix.as_ref().unwrap().label, "Use America/New_York");
}
