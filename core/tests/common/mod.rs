//! What the integration tests share: the strategy for random designs.

use kubeprint_core::*;
use proptest::prelude::*;

/// A kind other than Deployment/StatefulSet, with its Job and CronJob settings: some
/// sound, some that the batch rules must catch (schedules that do not parse or never
/// run, odd time zones, deadlines shorter than a run).
fn batch() -> BoxedStrategy<Option<(WorkloadKind, JobSettings, CronSettings)>> {
    let kind = prop_oneof![
        Just(WorkloadKind::DaemonSet),
        Just(WorkloadKind::Job),
        Just(WorkloadKind::CronJob)
    ];
    let o = |max: u32| proptest::option::of(0u32..max);
    let job = (
        o(12),
        o(6),
        o(9),
        o(4000),
        o(100_000),
        any::<bool>(),
        0u32..4000,
    )
        .prop_map(
            |(completions, parallelism, backoff_limit, deadline, ttl, never, expected)| {
                JobSettings {
                    completions,
                    parallelism,
                    backoff_limit,
                    active_deadline_seconds: deadline,
                    ttl_seconds_after_finished: ttl,
                    restart_policy: if never {
                        JobRestart::Never
                    } else {
                        JobRestart::OnFailure
                    },
                    expected_run_seconds: expected,
                }
            },
        );
    let schedule = prop_oneof![
        prop::sample::select(vec![
            "0 3 * * *",
            "*/15 * * * *",
            "@hourly",
            "@weekly",
            "@every 90s",
            "15 6 * * MON-FRI",
            "0 0 1 * MON",
            "0 0 30 2 *",
            "61 * * * *",
            "0 0 * * 7",
            "CRON_TZ=UTC 0 3 * * *",
            "",
        ])
        .prop_map(str::to_string),
        "[0-9*/,?@ A-Za-z-]{0,24}",
    ];
    let zone = proptest::option::of(prop::sample::select(vec![
        "Europe/Berlin",
        "europe/berlin",
        "",
        "Local",
        "Mars/Base",
        "Etc/UTC",
    ]));
    let cron = (schedule, zone, 0u8..3, o(400), any::<bool>(), o(5), o(5)).prop_map(
        |(schedule, zone, policy, starting, suspend, ok, failed)| CronSettings {
            schedule,
            time_zone: zone.map(str::to_string),
            concurrency_policy: [
                ConcurrencyPolicy::Allow,
                ConcurrencyPolicy::Forbid,
                ConcurrencyPolicy::Replace,
            ][policy as usize],
            starting_deadline_seconds: starting,
            suspend,
            successful_jobs_history_limit: ok,
            failed_jobs_history_limit: failed,
        },
    );
    // Boxed: its value tree lives on the heap, so the service strategy's stays small
    // enough for a test thread's stack.
    proptest::option::of((kind, job.boxed(), cron.boxed())).boxed()
}

prop_compose! {
    fn amount()(count in any::<bool>(), n in 0u32..200) -> Amount {
        if count { Amount::Count(n % 10) } else { Amount::Percent(n) }
    }
}

fn port_ref() -> impl Strategy<Value = PortRef> {
    prop_oneof![
        (0u16..=65535).prop_map(PortRef::Number),
        "[a-z]{1,16}".prop_map(PortRef::Name),
    ]
}

fn probe() -> impl Strategy<Value = Option<Probe>> {
    let action = prop_oneof![
        ("/[a-z]{0,8}", port_ref()).prop_map(|(path, port)| ProbeAction::Http { path, port }),
        (any::<u16>(), proptest::option::of("[a-z.]{1,10}"))
            .prop_map(|(port, service)| ProbeAction::Grpc { port, service }),
        port_ref().prop_map(|port| ProbeAction::Tcp { port }),
        proptest::collection::vec(".{0,6}", 0..3).prop_map(|command| ProbeAction::Exec { command }),
    ];
    proptest::option::of(
        (action, 0u32..120, 0u32..60, 0u32..30, 0u32..5, 0u32..30).prop_map(
            |(action, d, p, t, s, f)| Probe {
                action,
                initial_delay_seconds: d,
                period_seconds: p,
                timeout_seconds: t,
                success_threshold: s,
                failure_threshold: f,
            },
        ),
    )
}

fn spread() -> impl Strategy<Value = Spread> {
    prop_oneof![
        Just(Spread::None),
        (0u32..4, any::<bool>()).prop_map(|(max_skew, hard)| Spread::TopologySpread {
            max_skew,
            topology_key: "kubernetes.io/hostname".into(),
            hard,
        }),
        any::<bool>().prop_map(|required| Spread::AntiAffinity {
            topology_key: "topology.kubernetes.io/zone".into(),
            required,
        }),
    ]
}

fn hpa() -> impl Strategy<Value = Option<Hpa>> {
    proptest::option::of(
        (
            0u32..20,
            0u32..40,
            proptest::option::of(1u32..150),
            proptest::option::of(1u32..150),
            any::<bool>(),
        )
            .prop_map(|(min, max, cpu, mem, behavior)| Hpa {
                min,
                max,
                cpu_percent: cpu,
                memory_percent: mem,
                scale_up: behavior.then(|| ScaleRules {
                    stabilization_window_seconds: Some(0),
                    policies: vec![ScalePolicy {
                        kind: ScalePolicyKind::Percent,
                        value: 100,
                        period_seconds: 15,
                    }],
                }),
                scale_down: None,
            }),
    )
}

prop_compose! {
    /// Containers beside the main one (every role, odd names, ports that may clash),
    /// pod volumes of every kind, and mounts that may name a volume the pod lacks.
    fn pod_parts()(
        containers in proptest::collection::vec(
            ("[a-z]{1,6}", 0u8..3, proptest::option::of(1u16..20000), 0u32..60, any::<bool>(), probe()),
            0..4,
        ),
        volumes in proptest::collection::vec(("[a-z]{1,5}", 0u8..4, any::<bool>()), 0..4),
        mounts in proptest::collection::vec(("[a-z]{1,5}", "/[a-z]{0,6}", any::<bool>()), 0..3),
    ) -> (Vec<Container>, Vec<Volume>, Vec<Mount>) {
        let roles = [ContainerRole::Init, ContainerRole::Sidecar, ContainerRole::Regular];
        let containers = containers.into_iter().map(|(name, role, port, shutdown, needed, startup)| Container {
            name,
            role: roles[role as usize],
            image: "registry.example.com/extra".into(),
            tag: if needed { "latest".into() } else { "1.0".into() },
            ports: port.map(|p| ContainerPort { name: "admin".into(), port: p, protocol: Protocol::TCP }).into_iter().collect(),
            probes: Probes { startup, ..Probes::default() },
            resources: Resources::new("10m", "", "", if needed { "" } else { "64Mi" }),
            security: if needed { ContainerSecurity::unset() } else { ContainerSecurity::hardened() },
            config: Config { env: vec![EnvVar::literal("MODE", "x")], env_from: vec![EnvFrom::ConfigMap("shared".into())] },
            mounts: vec![Mount { volume: "data".into(), path: "/data".into(), read_only: needed, sub_path: String::new() }],
            shutdown_seconds: shutdown,
            needed_at_start: needed,
            ..Container::default()
        }).collect();
        let volumes = volumes.into_iter().map(|(name, kind, flag)| Volume {
            name,
            source: match kind {
                0 => VolumeSource::EmptyDir { memory: flag, size_limit: flag.then(|| "64Mi".into()) },
                1 => VolumeSource::ConfigMap { name: "shared".into() },
                2 => VolumeSource::Secret { name: if flag { "creds".into() } else { "missing".into() } },
                _ => VolumeSource::Claim { claim: "claim".into(), read_only: flag },
            },
        }).collect();
        let mounts = mounts.into_iter().map(|(volume, path, read_only)| Mount {
            volume, path, read_only, sub_path: if read_only { "file".into() } else { String::new() },
        }).collect();
        (containers, volumes, mounts)
    }
}

prop_compose! {
    /// A Gateway API route: odd host names, matches of both kinds, weighted backends to
    /// the service itself, to ports it may not have and to services that may not exist,
    /// timeouts that may not parse.
    fn gateway_route()(
        hostnames in proptest::collection::vec("[a-z*.]{0,12}", 0..3),
        port in "[a-z0-9-]{0,6}",
        listener in "(https|http|x)?",
        rules in proptest::collection::vec((
            proptest::collection::vec((any::<bool>(), any::<bool>(), "[a-z/.]{0,8}"), 0..3),
            proptest::collection::vec(("(|s0|s1|nope)", "[a-z0-9]{0,5}", 0u32..3), 0..3),
            proptest::option::of("[0-9]{1,3}(s|ms|x)"),
            proptest::option::of("[0-9]{1,3}(s|ms|h)"),
        ), 0..3),
    ) -> GatewayRoute {
        GatewayRoute {
            hostnames,
            port,
            listener,
            rules: rules.into_iter().map(|(matches, backends, request, backend)| RouteRule {
                matches: matches.into_iter().map(|(path, exact, v)| if path {
                    RouteMatch::Path { kind: if exact { PathMatchKind::Exact } else { PathMatchKind::PathPrefix }, value: v }
                } else {
                    RouteMatch::Method { service: v, method: if exact { "Get".into() } else { String::new() } }
                }).collect(),
                backends: backends.into_iter().map(|(service, port, weight)| RouteBackend { service, port, weight }).collect(),
                request_timeout: request,
                backend_request_timeout: backend,
            }).collect(),
        }
    }
}

/// A Gateway for the random designs: in the environment's namespace or one of its own,
/// admitting either, HTTP and HTTPS listeners with and without host names.
pub fn some_gateway(own_namespace: bool, https_host: bool) -> Gateway {
    Gateway {
        namespace: own_namespace.then(|| "gateway".into()),
        admit: if own_namespace {
            AdmitRoutes::Environment
        } else {
            AdmitRoutes::Same
        },
        cert_manager: true,
        listeners: vec![
            GatewayListener::default(),
            GatewayListener {
                name: "https".into(),
                protocol: ListenerProtocol::HTTPS,
                port: 443,
                hostname: https_host.then(|| "*.example.com".into()),
                certificate_secret: String::new(),
            },
        ],
        ..Gateway::default()
    }
}

prop_compose! {
    fn service()(
        name in "\\PC{0,20}",
        stateful in any::<bool>(),
        tag in "[a-z0-9.+-]{0,10}",
        ports in proptest::collection::vec(("[a-z-]{0,17}", any::<u16>()), 0..4),
        svc_kind in 0u8..3,
        startup in probe(), liveness in probe(), readiness in probe(),
        timing in (0u32..100, 0u32..100, 0u32..100, 0u32..700),
        cpu in proptest::option::of("[0-9]{1,4}m|x{0,3}"),
        replicas in 0u32..12,
        hpa in hpa(),
        pdb in proptest::option::of((any::<bool>(), amount())),
        surge in amount(), unavailable in amount(),
        spread in spread(),
        // (Values of printable characters: one an environment sets reaches a Helm chart
        // through `toJson`, which writes a character YAML forbids, a BOM or DEL, as is.)
        env in proptest::collection::vec(("[A-Z_]{1,8}", "\\PC{0,8}"), 0..3),
        storage in any::<bool>(),
        security in any::<bool>(),
        // The route's certificate: cert-manager's (`false`) or a Secret that exists.
        ingress in proptest::option::of(any::<bool>()), lb in any::<bool>(), metrics in any::<bool>(),
        route in proptest::option::of(gateway_route()),
        pod in pod_parts(),
        batch in batch(),
        delivery in delivery(),
        // What a local run publishes (a compose file's, imported): nothing said, or
        // some of the ports, at a host port or one the engine picks; and a profile.
        local in proptest::option::of((proptest::collection::vec(proptest::option::of(1u16..), 0..3), any::<bool>())),
    ) -> Service {
        let (kind, job, cron) = batch.unwrap_or((
            if stateful { WorkloadKind::StatefulSet } else { WorkloadKind::Deployment },
            JobSettings::default(),
            CronSettings::default(),
        ));
        let exposure_ports = ports.iter().map(|(n, p)| ServicePort {
            name: n.clone(), port: *p, target: PortRef::Name(n.clone()), ..ServicePort::default()
        }).collect::<Vec<_>>();
        Service {
            name,
            kind,
            job,
            cron,
            tag,
            ports: ports.iter().map(|(n, p)| ContainerPort { name: n.clone(), port: *p, protocol: Protocol::TCP }).collect(),
            exposure: Exposure {
                service: [ServiceKind::None, ServiceKind::ClusterIP, ServiceKind::Headless][svc_kind as usize],
                ingress: ingress.map(|existing| IngressRoute { host: "a.example.com".into(), path: String::new(), port: "http".into(), tls: true, tls_secret: existing.then(|| "wildcard-example-com".into()) }),
                load_balancer: lb.then(|| LoadBalancer { ports: exposure_ports.clone(), annotations: Default::default() }),
                gateway_route: route,
                ports: exposure_ports,
            },
            probes: Probes { startup, liveness, readiness },
            timing: Timing {
                pre_stop_seconds: timing.0,
                pre_stop_hook: match timing.1 % 3 {
                    0 => Some(PreStopHook::Http { path: "/drain".into(), port: PortRef::Name("http".into()) }),
                    1 => Some(PreStopHook::Exec { command: vec!["/drain".into()] }),
                    _ => None,
                },
                pre_stop_sleep_command: (timing.2 % 2 == 1).then(|| vec!["sh".into(), "-c".into(), "sleep 5".into()]),
                app_shutdown_seconds: timing.1,
                grace_period_seconds: timing.2,
                startup_seconds: timing.3,
                min_ready_seconds: timing.0,
                progress_deadline_seconds: timing.3,
            },
            resources: Resources { cpu_request: cpu, memory_request: Some("64Mi".into()), ..Resources::default() },
            scaling: Scaling {
                replicas,
                hpa,
                pdb: pdb.map(|(min, a)| if min { Pdb::MinAvailable(a) } else { Pdb::MaxUnavailable(a) }),
                max_surge: surge,
                max_unavailable: unavailable,
                revision_history_limit: Some(replicas),
                spread,
                // Now and then replicas written beside the HPA, as some imports have.
                replicas_with_hpa: replicas % 4 == 1,
            },
            config: Config {
                env: env.iter().map(|(k, v)| EnvVar::literal(k, v)).collect(),
                env_from: vec![EnvFrom::ConfigMap("shared".into()), EnvFrom::Secret("creds".into())],
            },
            storage: if storage { vec![VolumeClaim { name: "data".into(), mount_path: "/data".into(), size: "1Gi".into(), storage_class: None }] } else { vec![] },
            security: if security {
                Security::hardened()
            } else {
                Security { container_run_as_user: Some(i64::from(replicas) * 1000), ..Security::unset() }
            },
            digest: (replicas % 2 == 0).then(|| "sha256:0123abcd".into()),
            metrics: metrics.then(|| Metrics::new(PortRef::Name("http".into()), "/metrics")),
            port_pools: vec![PortPool { name: "pool".into(), start: 7000, end: 7010, start_env: "P_START".into(), end_env: "P_END".into() }],
            // Now and then a payment API (anywhere but private networks) and a managed
            // database outside the cluster.
            egress: match replicas % 3 {
                0 => vec![ExternalEgress { to: "api.stripe.com".into(), except: vec!["10.0.0.0/8".into(), "192.168.0.0/16".into()], ..ExternalEgress::default() }],
                1 => vec![ExternalEgress { to: "orders-db".into(), cidr: "10.20.0.0/16".into(), port: 5432, ..ExternalEgress::default() }],
                _ => Vec::new(),
            },
            containers: pod.0,
            volumes: pod.1,
            mounts: pod.2,
            delivery,
            local: local.map_or_else(LocalRun::default, |(hosts, profiled)| LocalRun {
                published: Some(
                    (ports.iter().zip(hosts))
                        .map(|((name, number), host)| HostPort {
                            port: if name.is_empty() { PortRef::Number(*number) } else { PortRef::Name(name.clone()) },
                            host,
                        })
                        .collect(),
                ),
                profiles: if profiled { vec!["debug".into()] } else { vec![] },
            }),
            ..Service::default()
        }
    }
}

prop_compose! {
    /// How updates roll out: a rolling update, or a canary of odd steps, with or without
    /// an analysis (background or not), deadline abort and scale-down delays, its traffic
    /// by replica weights or through the service's Gateway route (if it has one).
    fn delivery()(
        canary in any::<bool>(),
        steps in proptest::collection::vec((0u8..3, 0u32..120, proptest::option::of(0u32..900)), 0..6),
        analysis in proptest::option::of((any::<bool>(), 0u32..6, 0u32..120, 0u32..10, 0u32..4)),
        abort in any::<bool>(),
        delays in (proptest::option::of(0u32..60), proptest::option::of(0u32..60)),
        routed in any::<bool>(),
    ) -> Delivery {
        Delivery {
            strategy: if canary { UpdateStrategy::Canary } else { UpdateStrategy::RollingUpdate },
            steps: steps
                .into_iter()
                .map(|(kind, weight, seconds)| match kind {
                    0 => CanaryStep::SetWeight { weight },
                    1 => CanaryStep::Pause { seconds },
                    _ => CanaryStep::Analysis,
                })
                .collect(),
            analysis: analysis.map(|(background, starting_step, interval_seconds, count, failure_limit)| Analysis {
                background,
                starting_step,
                interval_seconds,
                count,
                failure_limit,
                ..Analysis::default()
            }),
            progress_deadline_abort: abort,
            abort_scale_down_delay_seconds: delays.0,
            scale_down_delay_seconds: delays.1,
            traffic: if routed { CanaryTraffic::GatewayRoute } else { CanaryTraffic::Replicas },
        }
    }
}

prop_compose! {
    /// A random design: up to six odd services, edges between them, default-deny on or
    /// off, an override of the first service's replicas, maybe prod's own size for every
    /// service's `data` claim, and maybe labels on every object of staging and prod.
    pub fn design()(
        services in proptest::collection::vec(service(), 0..6),
        edges in proptest::collection::vec((0usize..6, 0usize..6), 0..8),
        deny in any::<bool>(),
        override_replicas in proptest::option::of(0u32..5),
        operator in any::<bool>(),
        strategy in proptest::option::of(any::<bool>()),
        gateway in proptest::option::of((any::<bool>(), any::<bool>())),
        labelled in proptest::option::of(0usize..3),
        prod_storage in any::<bool>(),
    ) -> Design {
        let mut d = Design::default();
        d.config_maps.push(ConfigMapDef { name: "shared".into(), data: [("K".to_string(), "v".to_string())].into(), residual: None, hash_suffix: false });
        d.secrets.push(SecretDef { name: "creds".into(), kind: "Opaque".into(), keys: vec!["PASSWORD".into()], residual: None, external: false });
        for (i, mut s) in services.into_iter().enumerate() {
            s.name = format!("{}{i}", s.name); // unique, however odd
            d.apply(Edit::AddService(Box::new(s))).unwrap();
        }
        let ids: Vec<ServiceId> = d.services.iter().map(|s| s.id).collect();
        for (a, b) in edges {
            if let (Some(&from), Some(&to)) = (ids.get(a), ids.get(b)) {
                d.apply(Edit::AddEdge(Edge { from, to, port: "http".into() })).unwrap();
            }
        }
        for env in &mut d.environments {
            env.default_deny = deny;
            env.gateway = gateway.map(|(own, host)| some_gateway(own, host));
            if let (Some(&id), Some(r)) = (ids.first(), override_replicas) {
                let strategy = strategy.map(|c| if c { UpdateStrategy::Canary } else { UpdateStrategy::RollingUpdate });
                env.overrides.insert(id, Override { replicas: Some(r), hpa_min: Some(r), strategy, ..Override::default() });
            }
        }
        // Prod's size and StorageClass for every service's `data` claim.
        if prod_storage {
            let claimed: Vec<ServiceId> = (d.services.iter())
                .filter(|s| s.storage.iter().any(|c| c.name == "data"))
                .map(|s| s.id)
                .collect();
            for id in claimed {
                let o = d.environments[2].overrides.entry(id).or_default();
                o.storage.insert("data".into(), "20Gi".into());
                o.storage_class.insert("data".into(), "premium-ssd".into());
            }
            // And prod's own variables: one of the first service's set to prod's value
            // or left out, and one only prod sets.
            if let Some(s) = d.services.first() {
                let (id, own) = (s.id, s.config.env.first().map(|v| v.name.clone()));
                let o = d.environments[2].overrides.entry(id).or_default();
                if let Some(name) = own {
                    let here = if s.scaling.replicas % 2 == 0 { VarHere::Unset } else { VarHere::Value("prod".into()) };
                    o.env.insert(name, here);
                }
                o.env.insert("REGION".into(), VarHere::Value("eu-west-1".into()));
            }
        }
        // Labels on every object of staging and prod, reaching as far as chosen in prod.
        if let Some(reach) = labelled {
            let reaches = [LabelReach::Objects, LabelReach::Pods, LabelReach::Selectors];
            for (env, reach) in [(1, LabelReach::Objects), (2, reaches[reach])] {
                let e = &mut d.environments[env];
                let labels = [("env".to_string(), e.name.clone())].into();
                e.common_labels = CommonLabels { labels, reach };
            }
        }
        // One environment's monitoring is the Prometheus Operator's.
        if operator {
            d.environments[2].monitoring.scraping = Scraping::Operator;
        }
        d
    }
}
