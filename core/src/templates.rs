//! Built-in designs: the four seed systems Kubeprint was created from, plus an empty one.
//!
//! Each reproduces its source document; where the source is silent (an expected
//! start-up time, a Service in front of a bare Deployment), the choice is named in a
//! comment so a reader can tell the seed's facts from Kubeprint's assumptions.

use crate::edit::Edit;
use crate::model::*;
use crate::order::Collect;
use std::collections::BTreeMap;

/// A built-in design.
pub struct Template {
    /// Short name used by `kubeprint new --template`.
    pub name: &'static str,
    /// One line for the gallery.
    pub title: &'static str,
    /// Builds the design.
    pub build: fn() -> Design,
}

/// Every built-in template, in gallery order.
pub const ALL: &[Template] = &[
    Template {
        name: "connectum",
        title: "Connectum order-service: gRPC, graceful shutdown, HPA, NLB",
        build: connectum,
    },
    Template {
        name: "connectum-gateway",
        title: "Connectum order-service through Envoy Gateway: GRPCRoute, TLS by cert-manager",
        build: connectum_gateway,
    },
    Template {
        name: "miniredis",
        title: "miniredis platform: Postgres with backup CronJobs, Ingress+TLS, default-deny",
        build: miniredis,
    },
    Template {
        name: "framework-m",
        title: "Framework M: modular monolith with app combinations and HPA",
        build: framework_m,
    },
    Template {
        name: "stfc-fastapi",
        title: "STFC FastAPI app with /metrics and its MariaDB",
        build: stfc_fastapi,
    },
    Template {
        name: "kubeprint",
        title: "Kubeprint itself: the static site from its Dockerfile, non-root nginx, Ingress+TLS",
        build: kubeprint,
    },
    Template {
        name: "empty",
        title: "Empty design",
        build: Design::default,
    },
];

/// The template with this name, built.
pub fn by_name(name: &str) -> Option<Design> {
    ALL.iter().find(|t| t.name == name).map(|t| (t.build)())
}

fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .to_map()
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn port(name: &str, port: u16) -> ContainerPort {
    ContainerPort {
        name: name.into(),
        port,
        protocol: Protocol::TCP,
    }
}

fn svc_port(name: &str, port: u16, target: &str) -> ServicePort {
    ServicePort {
        name: name.into(),
        port,
        target: PortRef::Name(target.into()),
        protocol: Protocol::TCP,
        app_protocol: None,
    }
}

fn named(p: &str) -> PortRef {
    PortRef::Name(p.into())
}

/// Adds services through [`Design::apply`] so ids come from the design's counter.
struct Builder(Design);

impl Builder {
    fn new(name: &str, environments: Vec<Environment>) -> Self {
        Builder(Design {
            name: name.into(),
            environments,
            ..Design::default()
        })
    }

    fn add(&mut self, service: Service) -> ServiceId {
        let id = ServiceId(self.0.next_id);
        self.0
            .apply(Edit::AddService(Box::new(service)))
            .expect("template service names are unique");
        id
    }

    fn edge(&mut self, from: ServiceId, to: ServiceId, port: &str) {
        self.0
            .apply(Edit::AddEdge(Edge {
                from,
                to,
                port: port.into(),
            }))
            .expect("template edges join existing services");
    }

    fn set_override(&mut self, env: &str, id: ServiceId, o: Override) {
        let env = self
            .0
            .environments
            .iter_mut()
            .find(|e| e.name == env)
            .expect("template environment exists");
        env.overrides.insert(id, o);
    }
}

/// Connectum's production-ready order-service (Connectum docs, "Kubernetes Deployment").
pub fn connectum() -> Design {
    let mut envs = Environment::standard_set("connectum");
    let mut observability = Environment::new("observability", Tier::Shared, "observability");
    // The guide's namespace strategy: observability holds the monitoring stack
    // (OTel Collector, Jaeger, Prometheus, Grafana), none of this system's services.
    observability.hosts_services = false;
    // No default-deny there: it would select every pod of the namespace, the monitoring
    // stack Kubeprint does not design included. Where a team turns it on, the edges let
    // in exactly the callers they name.
    envs.push(observability);
    let mut b = Builder::new("connectum", envs);
    b.0.config_maps.push(ConfigMapDef {
        name: "order-service-config".into(),
        data: map(&[
            ("NODE_ENV", "production"),
            ("PORT", "5000"),
            ("LISTEN", "0.0.0.0"),
            ("LOG_LEVEL", "info"),
            ("LOG_FORMAT", "json"),
            ("LOG_BACKEND", "otel"),
            ("HTTP_HEALTH_ENABLED", "true"),
            ("GRACEFUL_SHUTDOWN_ENABLED", "true"),
            ("GRACEFUL_SHUTDOWN_TIMEOUT_MS", "30000"),
            ("OTEL_SERVICE_NAME", "order-service"),
            ("OTEL_TRACES_EXPORTER", "otlp/grpc"),
            ("OTEL_METRICS_EXPORTER", "otlp/grpc"),
            ("OTEL_LOGS_EXPORTER", "otlp/grpc"),
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "http://otel-collector.observability.svc.cluster.local:4317",
            ),
            (
                "INVENTORY_SERVICE_HOST",
                "inventory-service.connectum.svc.cluster.local",
            ),
            ("INVENTORY_SERVICE_PORT", "5000"),
        ]),
        residual: None,
        hash_suffix: false,
    });
    b.0.secrets.push(SecretDef {
        name: "order-service-tls".into(),
        kind: "kubernetes.io/tls".into(),
        keys: strings(&["tls.crt", "tls.key"]),
        residual: None,
        external: false,
    });
    let grpc = ServicePort {
        app_protocol: Some("grpc".into()),
        ..svc_port("grpc", 5000, "grpc")
    };
    let order = b.add(Service {
        name: "order-service".into(),
        component: "service".into(),
        image: "ghcr.io/mycompany/order-service".into(),
        tag: "1.0.0".into(),
        ports: vec![port("grpc", 5000)],
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![grpc],
            ingress: None,
            load_balancer: Some(LoadBalancer {
                ports: vec![svc_port("grpc", 443, "grpc")],
                annotations: map(&[
                    ("service.beta.kubernetes.io/aws-load-balancer-type", "nlb"),
                    (
                        "service.beta.kubernetes.io/aws-load-balancer-backend-protocol",
                        "http2",
                    ),
                ]),
            }),
            gateway_route: None,
        },
        probes: Probes {
            startup: Some(
                Probe::http("/healthz", named("grpc"))
                    .timed(5, 5, 12)
                    .with_timeout(3),
            ),
            liveness: Some(
                Probe::http("/healthz", named("grpc"))
                    .timed(0, 15, 3)
                    .with_timeout(3),
            ),
            readiness: Some(
                Probe::http("/readyz", named("grpc"))
                    .timed(0, 10, 3)
                    .with_timeout(3),
            ),
        },
        timing: Timing {
            pre_stop_seconds: 5,
            app_shutdown_seconds: 30,
            grace_period_seconds: 35,
            // The guide gives the startup probe a 60 s budget; 30 s is our assumption
            // of the worst case it must cover.
            startup_seconds: 30,
            ..Timing::default()
        },
        resources: Resources::new("100m", "128Mi", "500m", "512Mi"),
        scaling: Scaling {
            replicas: 3,
            hpa: Some(Hpa {
                min: 2,
                max: 10,
                cpu_percent: Some(70),
                memory_percent: Some(80),
                scale_up: Some(ScaleRules {
                    stabilization_window_seconds: Some(60),
                    policies: vec![ScalePolicy {
                        kind: ScalePolicyKind::Pods,
                        value: 2,
                        period_seconds: 60,
                    }],
                }),
                scale_down: Some(ScaleRules {
                    stabilization_window_seconds: Some(300),
                    policies: vec![ScalePolicy {
                        kind: ScalePolicyKind::Pods,
                        value: 1,
                        period_seconds: 120,
                    }],
                }),
            }),
            pdb: None,
            max_surge: Amount::Count(1),
            max_unavailable: Amount::Count(1),
            revision_history_limit: Some(5),
            spread: Spread::TopologySpread {
                max_skew: 1,
                topology_key: "kubernetes.io/hostname".into(),
                hard: true,
            },
            replicas_with_hpa: false,
        },
        config: Config {
            env: Vec::new(),
            env_from: vec![EnvFrom::ConfigMap("order-service-config".into())],
        },
        security: Security {
            run_as_non_root: true,
            run_as_user: Some(1000),
            run_as_group: Some(1000),
            fs_group: Some(1000),
            seccomp_runtime_default: true,
            dedicated_service_account: true,
            ..Security::unset()
        },
        ..Service::default()
    });
    // "All services, relaxed limits" in development.
    b.set_override(
        "dev",
        order,
        Override {
            hpa_min: Some(1),
            hpa_max: Some(2),
            ..Override::default()
        },
    );
    let collector = b.add(otel_collector());
    for env in ["dev", "staging", "prod", "observability"] {
        let enabled = env == "observability";
        b.set_override(
            env,
            collector,
            Override {
                enabled: Some(enabled),
                ..Override::default()
            },
        );
    }
    // OTEL_EXPORTER_OTLP_ENDPOINT names the collector's OTLP gRPC port in observability:
    // this edge crosses into that namespace from each environment's.
    b.edge(order, collector, "otlp-grpc");
    b.0
}

/// Connectum's order-service reached through a Gateway instead of the NLB (the guide's
/// "Gateway / Ingress" entry and its Envoy Gateway page): each environment that runs it
/// has a Gateway of Envoy Gateway's class `eg`, whose proxies run in Envoy Gateway's own
/// namespace, `envoy-gateway-system`; an HTTPS listener for the environment's API host
/// with a certificate cert-manager issues from the cluster's issuer, and an HTTP
/// listener on the same host for the ACME HTTP-01 challenge. order-service's GRPCRoute
/// (its port says appProtocol grpc) attaches to the HTTPS listener and takes the calls
/// of its gRPC service, `mycompany.orders.v1.OrderService` (the service the guide's
/// health check names), plus the standard health and reflection services the guide's
/// server registers. In prod its updates are an Argo Rollouts canary whose traffic the
/// GRPCRoute splits (stable and canary Services). The host names are ours.
pub fn connectum_gateway() -> Design {
    let mut d = connectum();
    // Its own name (its part-of label, bundle and chart), beside a connectum design in
    // the list of saved ones; the namespaces stay the guide's.
    d.name = "connectum-gateway".into();
    let order = d
        .services
        .iter_mut()
        .find(|s| s.name == "order-service")
        .expect("connectum has order-service");
    order.exposure.load_balancer = None;
    // Canary in production (an environment override; the other environments keep the
    // rolling update), its traffic split by the GRPCRoute: Argo Rollouts' Gateway API
    // plugin (GRPCRoute since its v0.4.0) weights the route's order-service-stable and
    // order-service-canary backends, so the weights are exact whatever the replica
    // count: 10%, 25%, 50%, five minutes each, aborted if the canary pods never become
    // ready.
    order.delivery = Delivery {
        steps: vec![
            CanaryStep::SetWeight { weight: 10 },
            CanaryStep::Pause { seconds: Some(300) },
            CanaryStep::SetWeight { weight: 25 },
            CanaryStep::Pause { seconds: Some(300) },
            CanaryStep::SetWeight { weight: 50 },
            CanaryStep::Pause { seconds: Some(300) },
        ],
        progress_deadline_abort: true,
        traffic: CanaryTraffic::GatewayRoute,
        ..Delivery::default()
    };
    let order_id = order.id;
    let method = |service: &str| RouteMatch::Method {
        service: service.into(),
        method: String::new(),
    };
    order.exposure.gateway_route = Some(GatewayRoute {
        hostnames: Vec::new(),
        port: "grpc".into(),
        listener: "https".into(),
        rules: vec![RouteRule {
            matches: vec![
                method("mycompany.orders.v1.OrderService"),
                method("grpc.health.v1.Health"),
                method("grpc.reflection.v1.ServerReflection"),
            ],
            ..RouteRule::default()
        }],
    });
    for env in &mut d.environments {
        if !env.hosts_services {
            continue;
        }
        let host = match env.name.as_str() {
            "prod" => "api.connectum.example.com".to_string(),
            other => format!("api.{other}.connectum.example.com"),
        };
        let listener = |name: &str, protocol, port| GatewayListener {
            name: name.into(),
            protocol,
            port,
            hostname: Some(host.clone()),
            certificate_secret: String::new(),
        };
        env.gateway = Some(Gateway {
            name: "connectum".into(),
            namespace: None,
            class: "eg".into(),
            listeners: vec![
                listener("http", ListenerProtocol::HTTP, 80),
                listener("https", ListenerProtocol::HTTPS, 443),
            ],
            admit: AdmitRoutes::Same,
            create: true,
            cert_manager: true,
            proxy_namespace: Some("envoy-gateway-system".into()),
            residual: None,
        });
        if env.name == "prod" {
            env.overrides.entry(order_id).or_default().strategy = Some(UpdateStrategy::Canary);
        }
    }
    d
}

/// The OTel Collector of Connectum's observability namespace (the guide's namespace
/// strategy), as the Connectum examples run it: the contrib image at 0.115.0, OTLP over
/// gRPC (4317) and HTTP (4318). Where the guide is silent, the choices are ours and
/// named here: the image's own configuration (OTLP receivers on every interface, the
/// health_check extension) with the health check moved from localhost to every
/// interface, so that the kubelet can probe it on the pod IP; two replicas spread over
/// nodes; requests and limits sized for a small system's telemetry. Where the traces go
/// next (Jaeger, Prometheus) is outside this design.
fn otel_collector() -> Service {
    let health = || Probe::http("/", named("health"));
    Service {
        name: "otel-collector".into(),
        component: "collector".into(),
        image: "otel/opentelemetry-collector-contrib".into(),
        tag: "0.115.0".into(),
        args: strings(&[
            "--config=/etc/otelcol-contrib/config.yaml",
            "--config=yaml:extensions::health_check::endpoint: 0.0.0.0:13133",
        ]),
        ports: vec![
            port("otlp-grpc", 4317),
            port("otlp-http", 4318),
            port("health", 13133),
        ],
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![
                ServicePort {
                    app_protocol: Some("grpc".into()),
                    ..svc_port("otlp-grpc", 4317, "otlp-grpc")
                },
                svc_port("otlp-http", 4318, "otlp-http"),
            ],
            ingress: None,
            load_balancer: None,
            gateway_route: None,
        },
        probes: Probes {
            startup: None,
            liveness: Some(health().timed(0, 10, 6).with_timeout(2)),
            readiness: Some(health().timed(0, 5, 3).with_timeout(2)),
        },
        timing: Timing {
            // The batch processor flushes what it holds on SIGTERM.
            pre_stop_seconds: 5,
            app_shutdown_seconds: 10,
            grace_period_seconds: 30,
            startup_seconds: 10,
            ..Timing::default()
        },
        resources: Resources::new("200m", "256Mi", "1", "512Mi"),
        scaling: Scaling {
            replicas: 2,
            hpa: None,
            pdb: Some(Pdb::MaxUnavailable(Amount::Count(1))),
            max_surge: Amount::Count(1),
            max_unavailable: Amount::Count(0),
            revision_history_limit: None,
            spread: Spread::TopologySpread {
                max_skew: 1,
                topology_key: "kubernetes.io/hostname".into(),
                hard: false,
            },
            replicas_with_hpa: false,
        },
        security: Security::hardened(),
        ..Service::default()
    }
}

/// The miniredis platform plan: six Deployments, two Postgres StatefulSets with a
/// backup CronJob each and a restore test that runs in staging only, staging and prod
/// namespaces with default-deny networking, and the plan's local dev environment (run
/// on Docker Compose: `export::compose::compose(design, "dev")`).
pub fn miniredis() -> Design {
    let envs = vec![
        // The plan's dev: Docker Compose on a developer's machine, host port mappings
        // and .env-driven config (the compose export's). Its namespace is for a cluster
        // run of the same environment; one replica each, no backups.
        Environment::new("dev", Tier::Dev, "miniredis-dev"),
        Environment {
            default_deny: true,
            ..Environment::new("staging", Tier::Staging, "miniredis-staging")
        },
        Environment {
            default_deny: true,
            // The plan's production has the "observability stack": Prometheus through the
            // Prometheus Operator (kube-prometheus-stack, which selects monitors and rules
            // by its release label), so prod gets ServiceMonitors and alert rules.
            monitoring: Monitoring {
                scraping: Scraping::Operator,
                labels: map(&[("release", "kube-prometheus-stack")]),
                ..Monitoring::default()
            },
            ..Environment::new("prod", Tier::Prod, "miniredis-prod")
        },
    ];
    let mut b = Builder::new("miniredis", envs);
    b.0.cluster.monitoring_namespace = Some("monitoring".into());
    b.0.config_maps.push(ConfigMapDef {
        name: "miniredis-config".into(),
        data: map(&[
            ("LOG_LEVEL", "info"),
            ("LOG_FORMAT", "json"),
            ("API_GATEWAY_URL", "http://api-gateway:8080"),
            ("BACKEND_URL", "http://backend:5500"),
            ("NODE_MANAGER_URL", "http://node-manager:7000"),
            ("MONITORING_URL", "http://monitoring-service:9000"),
            ("AUTH_URL", "http://auth-service:8000"),
        ]),
        residual: None,
        hash_suffix: false,
    });
    for (name, keys) in [
        (
            "postgres-main-credentials",
            &["POSTGRES_USER", "POSTGRES_PASSWORD"][..],
        ),
        (
            "postgres-auth-credentials",
            &["POSTGRES_USER", "POSTGRES_PASSWORD"][..],
        ),
        ("auth-service-secrets", &["JWT_SIGNING_KEY"][..]),
    ] {
        b.0.secrets.push(SecretDef {
            name: name.into(),
            kind: "Opaque".into(),
            keys: strings(keys),
            residual: None,
            external: false,
        });
    }
    // One service per image, immutable `service:<git-sha>` tags.
    let app = |name: &str, component: &str, port_no: u16, critical: bool| {
        let http = || Probe::http("/health", named("http"));
        Service {
            name: name.into(),
            component: component.into(),
            critical,
            image: format!("registry.example.com/miniredis/{name}"),
            tag: "3f9c2d1".into(),
            ports: vec![port("http", port_no)],
            exposure: Exposure {
                service: ServiceKind::ClusterIP,
                ports: vec![svc_port("http", port_no, "http")],
                ..Exposure::default()
            },
            probes: Probes {
                startup: None,
                liveness: Some(http().timed(10, 10, 3).with_timeout(2)),
                readiness: Some(
                    Probe::http("/ready", named("http"))
                        .timed(5, 5, 3)
                        .with_timeout(2),
                ),
            },
            timing: Timing {
                pre_stop_seconds: 5,
                app_shutdown_seconds: 20,
                grace_period_seconds: 30,
                startup_seconds: 15,
                ..Timing::default()
            },
            resources: Resources::new("100m", "128Mi", "500m", "512Mi"),
            scaling: Scaling {
                replicas: 2,
                hpa: critical.then(|| Hpa {
                    min: 2,
                    max: 6,
                    cpu_percent: Some(70),
                    ..Hpa::default()
                }),
                pdb: critical.then_some(Pdb::MinAvailable(Amount::Count(1))),
                max_surge: Amount::Count(1),
                max_unavailable: Amount::Count(0),
                spread: if critical {
                    Spread::AntiAffinity {
                        topology_key: "kubernetes.io/hostname".into(),
                        required: false,
                    }
                } else {
                    Spread::None
                },
                ..Scaling::default()
            },
            config: Config {
                env: Vec::new(),
                env_from: vec![EnvFrom::ConfigMap("miniredis-config".into())],
            },
            security: Security::hardened(),
            ..Service::default()
        }
    };
    // "Sensitive services: canary rollout", rolled back automatically on readiness
    // failures and elevated 5xx rates: the canary's steps and analysis, used where an
    // environment says canary (prod). Without traffic routing the weights are shares of
    // the pods, so they are ones the HPA's two replicas (and one surge pod) express
    // exactly: 1 of 3 pods, 1 of 2, 2 of 3. The analysis runs in the background from the
    // first pause, measuring every minute, 5 times; a second failed measurement aborts.
    let canary = || Delivery {
        strategy: UpdateStrategy::RollingUpdate,
        steps: vec![
            CanaryStep::SetWeight { weight: 33 },
            CanaryStep::Pause { seconds: Some(300) },
            CanaryStep::SetWeight { weight: 50 },
            CanaryStep::Pause { seconds: Some(300) },
            CanaryStep::SetWeight { weight: 67 },
            CanaryStep::Pause { seconds: Some(300) },
        ],
        analysis: Some(Analysis::default()),
        progress_deadline_abort: true,
        ..Delivery::default()
    };
    let public = |host: &str| IngressRoute {
        host: host.into(),
        path: "/".into(),
        port: "http".into(),
        tls: true,
        tls_secret: None,
    };
    let mut frontend = app("frontend", "frontend", 5173, false);
    // Table: the frontend listens on 5173 and is reached on 80/443 through the ingress.
    frontend.exposure.ports = vec![svc_port("http", 80, "http")];
    frontend.exposure.ingress = Some(public("miniredis.example.com"));
    let frontend = b.add(frontend);
    let mut gateway = app("api-gateway", "gateway", 8080, true);
    gateway.exposure.ingress = Some(public("api.miniredis.example.com"));
    gateway.metrics = Some(Metrics::new(named("http"), "/metrics"));
    gateway.delivery = canary();
    let gateway = b.add(gateway);
    let mut backend = app("backend", "backend", 5500, true);
    backend.metrics = Some(Metrics::new(named("http"), "/metrics"));
    backend.delivery = canary();
    let backend = b.add(backend);
    let mut node_manager = app("node-manager", "node-manager", 7000, false);
    node_manager.port_pools.push(PortPool {
        name: "tenant redis nodes".into(),
        start: 7100,
        end: 7199,
        start_env: "REDIS_PORT_START".into(),
        end_env: "REDIS_PORT_END".into(),
    });
    node_manager.resources = Resources::new("250m", "512Mi", "1", "2Gi");
    let node_manager = b.add(node_manager);
    let monitoring = b.add(app("monitoring-service", "monitoring", 9000, true));
    let mut auth = app("auth-service", "auth", 8000, false);
    auth.config
        .env_from
        .push(EnvFrom::Secret("auth-service-secrets".into()));
    let auth = b.add(auth);
    let postgres = |name: &str, size: &str| Service {
        name: name.into(),
        kind: WorkloadKind::StatefulSet,
        component: "database".into(),
        critical: false,
        image: "postgres".into(),
        tag: "16.4".into(),
        ports: vec![port("postgres", 5432)],
        exposure: Exposure {
            service: ServiceKind::Headless,
            ports: vec![svc_port("postgres", 5432, "postgres")],
            ..Exposure::default()
        },
        probes: Probes {
            startup: None,
            liveness: Some(
                Probe::new(ProbeAction::Exec {
                    command: strings(&["pg_isready", "-U", "postgres"]),
                })
                .timed(30, 10, 6)
                .with_timeout(5),
            ),
            readiness: Some(
                Probe::new(ProbeAction::Exec {
                    command: strings(&["pg_isready", "-U", "postgres"]),
                })
                .timed(5, 5, 3)
                .with_timeout(3),
            ),
        },
        timing: Timing {
            app_shutdown_seconds: 60,
            grace_period_seconds: 90,
            startup_seconds: 30,
            ..Timing::default()
        },
        resources: Resources::new("250m", "512Mi", "1", "1Gi"),
        scaling: Scaling {
            replicas: 1,
            ..Scaling::default()
        },
        config: Config {
            env: vec![EnvVar::literal("PGDATA", "/var/lib/postgresql/data/pgdata")],
            env_from: vec![EnvFrom::Secret(format!("{name}-credentials"))],
        },
        storage: vec![VolumeClaim {
            name: "data".into(),
            mount_path: "/var/lib/postgresql/data".into(),
            size: size.into(),
            storage_class: None,
        }],
        // The official image runs as uid 999 and writes outside its data volume.
        security: Security {
            run_as_user: Some(999),
            run_as_group: Some(999),
            fs_group: Some(999),
            read_only_root_fs: false,
            ..Security::hardened()
        },
        ..Service::default()
    };
    let pg_main = b.add(postgres("postgres-main", "20Gi"));
    let pg_auth = b.add(postgres("postgres-auth", "10Gi"));
    // The plan's daily full backups: one CronJob per database, at night (UTC), staggered,
    // writing `pg_dump` archives to the database's backup volume. A backup skips a run
    // rather than overlap the last one (Forbid), may start up to an hour late (a
    // controller restart), and is killed after three hours; the CronJob's history
    // limits delete old Jobs.
    let backup = |db: &str, schedule: &str| Service {
        name: format!("{db}-backup"),
        kind: WorkloadKind::CronJob,
        component: "backup".into(),
        image: "registry.example.com/miniredis/pg-backup".into(),
        tag: "3f9c2d1".into(),
        args: strings(&["dump", "--host", db, "--format=custom", "--to=/backups"]),
        resources: Resources::new("250m", "256Mi", "1", "1Gi"),
        config: Config {
            env: Vec::new(),
            env_from: vec![EnvFrom::Secret(format!("{db}-credentials"))],
        },
        volumes: vec![Volume {
            name: "backups".into(),
            source: VolumeSource::Claim {
                claim: format!("{db}-backups"),
                read_only: false,
            },
        }],
        mounts: vec![Mount {
            volume: "backups".into(),
            path: "/backups".into(),
            ..Mount::default()
        }],
        job: JobSettings {
            backoff_limit: Some(2),
            active_deadline_seconds: Some(3 * 3600),
            restart_policy: JobRestart::Never,
            expected_run_seconds: 20 * 60,
            ..JobSettings::default()
        },
        cron: CronSettings {
            schedule: schedule.into(),
            time_zone: Some("Etc/UTC".into()),
            concurrency_policy: ConcurrencyPolicy::Forbid,
            starting_deadline_seconds: Some(3600),
            suspend: false,
            successful_jobs_history_limit: Some(3),
            failed_jobs_history_limit: Some(3),
        },
        security: Security::hardened(),
        ..Service::default()
    };
    let main_backup = b.add(backup("postgres-main", "0 2 * * *"));
    let auth_backup = b.add(backup("postgres-auth", "30 2 * * *"));
    // The plan's periodic restore test, in staging only: every Monday it restores the
    // latest main backup into a scratch database inside its own pod and checks it.
    let restore_test = b.add(Service {
        name: "postgres-main-restore-test".into(),
        kind: WorkloadKind::CronJob,
        component: "backup".into(),
        image: "registry.example.com/miniredis/pg-backup".into(),
        tag: "3f9c2d1".into(),
        args: strings(&["restore-test", "--from=/backups", "--data=/scratch"]),
        resources: Resources::new("500m", "1Gi", "2", "2Gi"),
        volumes: vec![
            Volume {
                name: "backups".into(),
                source: VolumeSource::Claim {
                    claim: "postgres-main-backups".into(),
                    read_only: true,
                },
            },
            Volume {
                name: "scratch".into(),
                source: VolumeSource::EmptyDir {
                    memory: false,
                    size_limit: Some("30Gi".into()),
                },
            },
        ],
        mounts: vec![
            Mount {
                volume: "backups".into(),
                path: "/backups".into(),
                read_only: true,
                ..Mount::default()
            },
            Mount {
                volume: "scratch".into(),
                path: "/scratch".into(),
                ..Mount::default()
            },
        ],
        job: JobSettings {
            backoff_limit: Some(1),
            active_deadline_seconds: Some(2 * 3600),
            restart_policy: JobRestart::Never,
            expected_run_seconds: 40 * 60,
            ..JobSettings::default()
        },
        cron: CronSettings {
            schedule: "0 6 * * MON".into(),
            time_zone: Some("Etc/UTC".into()),
            concurrency_policy: ConcurrencyPolicy::Forbid,
            starting_deadline_seconds: Some(3600),
            suspend: false,
            successful_jobs_history_limit: Some(2),
            failed_jobs_history_limit: Some(2),
        },
        security: Security::hardened(),
        ..Service::default()
    });
    for env in ["dev", "prod"] {
        b.set_override(
            env,
            restore_test,
            Override {
                enabled: Some(false),
                ..Override::default()
            },
        );
    }
    // Dev: nothing to back up on a developer's machine (compose has no schedule either),
    // and one replica of each service without a disruption budget (an HPA's minimum of
    // two stays: with one, the critical services' budgets would block every drain).
    for id in [main_backup, auth_backup] {
        b.set_override(
            "dev",
            id,
            Override {
                enabled: Some(false),
                ..Override::default()
            },
        );
    }
    for id in [frontend, node_manager, auth] {
        b.set_override(
            "dev",
            id,
            Override {
                replicas: Some(1),
                ..Override::default()
            },
        );
    }
    b.edge(frontend, gateway, "http");
    b.edge(gateway, backend, "http");
    b.edge(gateway, auth, "http");
    b.edge(gateway, monitoring, "http");
    b.edge(backend, node_manager, "http");
    b.edge(backend, pg_main, "postgres");
    b.edge(monitoring, node_manager, "http");
    b.edge(auth, pg_auth, "postgres");
    b.edge(main_backup, pg_main, "postgres");
    b.edge(auth_backup, pg_auth, "postgres");
    for id in [gateway, backend, monitoring] {
        b.set_override(
            "staging",
            id,
            Override {
                hpa_max: Some(3),
                ..Override::default()
            },
        );
    }
    // Canary in production only; staging keeps the default rolling update.
    for id in [gateway, backend] {
        b.set_override(
            "prod",
            id,
            Override {
                strategy: Some(UpdateStrategy::Canary),
                ..Override::default()
            },
        );
    }
    b.0
}

/// Framework M's Kubernetes deployment guide: the backend, its config and secret,
/// its HPA, and two "custom app combinations" from the same image.
pub fn framework_m() -> Design {
    let mut b = Builder::new("framework-m", Environment::standard_set("framework-m"));
    b.0.config_maps.push(ConfigMapDef {
        name: "framework-m-config".into(),
        data: map(&[
            ("FRAMEWORK_MODE", "MACROSERVICE"),
            ("FRAMEWORK_API_VERSION", "v1"),
            ("INSTALLED_APPS", "app1,app2,plugin_wms"),
            (
                "DATABASE_URL",
                "postgresql+asyncpg://user@postgres-service:5432/dbname",
            ),
        ]),
        residual: None,
        hash_suffix: false,
    });
    b.0.secrets.push(SecretDef {
        name: "framework-m-secrets".into(),
        kind: "Opaque".into(),
        keys: strings(&["FRAMEWORK_M_JWT_SECRET"]),
        residual: None,
        external: false,
    });
    let backend = |name: &str, port_no: u16| Service {
        name: name.into(),
        component: "backend".into(),
        container_name: "backend".into(),
        image: "registry.example.com/framework-m".into(),
        tag: "latest".into(),
        ports: vec![port("http", port_no)],
        // The guide has no Service; a ClusterIP one on the same port makes the
        // backend reachable and is what a reader would add first.
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![svc_port("http", port_no, "http")],
            ..Exposure::default()
        },
        probes: Probes {
            startup: None,
            liveness: Some(Probe::http("/health", PortRef::Number(port_no)).timed(5, 30, 3)),
            readiness: Some(Probe::http("/ready", PortRef::Number(port_no)).timed(10, 15, 3)),
        },
        resources: Resources::new("500m", "512Mi", "1000m", "1Gi"),
        config: Config {
            env: Vec::new(),
            env_from: vec![
                EnvFrom::ConfigMap("framework-m-config".into()),
                EnvFrom::Secret("framework-m-secrets".into()),
            ],
        },
        security: Security::unset(),
        containers: vec![migrations()],
        ..Service::default()
    };
    let mut main = backend("framework-m-backend", 8888);
    main.scaling = Scaling {
        replicas: 3,
        hpa: Some(Hpa {
            min: 3,
            max: 10,
            cpu_percent: Some(70),
            ..Hpa::default()
        }),
        ..Scaling::default()
    };
    let main = b.add(main);
    // "Custom App Combinations": same image, different INSTALLED_APPS and PORT.
    for (name, apps, port_no) in [
        ("framework-m-sales", "app1,sales", 8001),
        ("framework-m-wms", "app1,plugin_wms", 8002),
    ] {
        let mut s = backend(name, port_no);
        s.scaling.replicas = 2;
        s.config.env = vec![
            EnvVar::literal("INSTALLED_APPS", apps),
            EnvVar::literal("PORT", &port_no.to_string()),
        ];
        // Each combination migrates the schema of the apps it installs.
        s.containers[0].config.env = vec![EnvVar::literal("INSTALLED_APPS", apps)];
        b.add(s);
    }
    b.set_override(
        "dev",
        main,
        Override {
            hpa_min: Some(1),
            hpa_max: Some(2),
            ..Override::default()
        },
    );
    b.0
}

/// Framework M's migration step. Its readiness check deliberately ignores migration
/// status (so that rolling deployments do not race on it), so migrations run before
/// the new version serves: an init container with the app's own image and config runs
/// the framework's migrate command, and the app container starts only once it has
/// succeeded. Hardened and sized like a short job.
fn migrations() -> Container {
    Container {
        name: "migrate".into(),
        role: ContainerRole::Init,
        image: "registry.example.com/framework-m".into(),
        tag: "latest".into(),
        command: strings(&["m", "migrate"]),
        resources: Resources::new("250m", "256Mi", "", "512Mi"),
        security: ContainerSecurity::hardened(),
        config: Config {
            env: Vec::new(),
            env_from: vec![
                EnvFrom::ConfigMap("framework-m-config".into()),
                EnvFrom::Secret("framework-m-secrets".into()),
            ],
        },
        ..Container::default()
    }
}

/// The STFC guide's example FastAPI app: /healthz, /metrics, .env-style config, and
/// the ICAT MariaDB it depends on (`depends_on: icat_mariadb: service_healthy`).
pub fn stfc_fastapi() -> Design {
    let mut b = Builder::new("icat-api", Environment::standard_set("icat-api"));
    // The guide passes configuration in through .env files; this is that file as a
    // ConfigMap (keys as in the example app; the password lives in a Secret).
    b.0.config_maps.push(ConfigMapDef {
        name: "fastapi-app-env".into(),
        data: map(&[
            ("DB_HOST", "icat-mariadb"),
            ("DB_PORT", "3306"),
            ("DB_NAME", "icat"),
            ("DB_USER", "icat"),
            ("LOG_LEVEL", "INFO"),
            ("APP_NAME", "example_app"),
        ]),
        residual: None,
        hash_suffix: false,
    });
    b.0.secrets.push(SecretDef {
        name: "icat-mariadb-credentials".into(),
        kind: "Opaque".into(),
        keys: strings(&["MARIADB_ROOT_PASSWORD", "MARIADB_PASSWORD"]),
        residual: None,
        external: false,
    });
    let api = b.add(Service {
        name: "fastapi-app".into(),
        component: "api".into(),
        image: "harbor.stfc.ac.uk/dseg/api".into(),
        tag: "main".into(),
        ports: vec![port("http", 8000)],
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![svc_port("http", 8000, "http")],
            ..Exposure::default()
        },
        probes: Probes {
            startup: None,
            liveness: Some(Probe::http("/healthz", named("http")).timed(5, 10, 3)),
            readiness: Some(Probe::http("/healthz", named("http")).timed(2, 5, 2)),
        },
        timing: Timing {
            app_shutdown_seconds: 10,
            startup_seconds: 10,
            ..Timing::default()
        },
        resources: Resources::new("100m", "256Mi", "500m", "512Mi"),
        scaling: Scaling {
            replicas: 2,
            ..Scaling::default()
        },
        config: Config {
            env: vec![EnvVar {
                name: "DB_PASSWORD".into(),
                value: EnvValue::SecretKey {
                    name: "icat-mariadb-credentials".into(),
                    key: "MARIADB_PASSWORD".into(),
                },
            }],
            env_from: vec![EnvFrom::ConfigMap("fastapi-app-env".into())],
        },
        metrics: Some(Metrics::new(named("http"), "/metrics")),
        security: Security::hardened(),
        ..Service::default()
    });
    let db = b.add(Service {
        name: "icat-mariadb".into(),
        kind: WorkloadKind::StatefulSet,
        component: "database".into(),
        image: "mariadb".into(),
        tag: "10.11".into(),
        ports: vec![port("mysql", 3306)],
        exposure: Exposure {
            service: ServiceKind::Headless,
            ports: vec![svc_port("mysql", 3306, "mysql")],
            ..Exposure::default()
        },
        probes: Probes {
            startup: None,
            liveness: Some(
                Probe::new(ProbeAction::Exec {
                    command: strings(&["healthcheck.sh", "--connect"]),
                })
                .timed(30, 10, 3)
                .with_timeout(5),
            ),
            readiness: Some(
                Probe::new(ProbeAction::Exec {
                    command: strings(&["healthcheck.sh", "--connect", "--innodb_initialized"]),
                })
                .timed(10, 5, 3)
                .with_timeout(3),
            ),
        },
        timing: Timing {
            app_shutdown_seconds: 30,
            grace_period_seconds: 60,
            startup_seconds: 30,
            ..Timing::default()
        },
        resources: Resources::new("250m", "512Mi", "1", "1Gi"),
        config: Config {
            env: vec![
                EnvVar::literal("MARIADB_DATABASE", "icat"),
                EnvVar::literal("MARIADB_USER", "icat"),
            ],
            env_from: vec![EnvFrom::Secret("icat-mariadb-credentials".into())],
        },
        storage: vec![VolumeClaim {
            name: "data".into(),
            mount_path: "/var/lib/mysql".into(),
            size: "5Gi".into(),
            storage_class: None,
        }],
        security: Security {
            run_as_user: Some(999),
            run_as_group: Some(999),
            fs_group: Some(999),
            read_only_root_fs: false,
            ..Security::hardened()
        },
        ..Service::default()
    });
    b.edge(api, db, "mysql");
    b.set_override(
        "dev",
        api,
        Override {
            replicas: Some(1),
            ..Override::default()
        },
    );
    b.0
}

/// Kubeprint's own deployment: the image its `Dockerfile` builds (the static site behind
/// nginx, listening on 8080 as uid 10001, writing only to `/tmp`, answering `/healthz`,
/// sending the page's Content-Security-Policy), two or more replicas behind an Ingress
/// with TLS, default-deny in every environment. It calls nothing: the page makes no
/// request beyond its own files, so it needs no egress at all.
pub fn kubeprint() -> Design {
    let mut envs = Environment::standard_set("kubeprint");
    for env in &mut envs {
        env.default_deny = true;
    }
    let mut b = Builder::new("kubeprint", envs);
    let healthz = || Probe::http("/healthz", named("http")).with_timeout(2);
    b.add(Service {
        name: "kubeprint".into(),
        component: "web".into(),
        critical: true,
        image: "registry.example.com/kubeprint".into(),
        tag: "0.1.0".into(),
        ports: vec![port("http", 8080)],
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![svc_port("http", 80, "http")],
            ingress: Some(IngressRoute {
                host: "kubeprint.example.com".into(),
                path: "/".into(),
                port: "http".into(),
                tls: true,
                tls_secret: None,
            }),
            ..Exposure::default()
        },
        probes: Probes {
            startup: Some(healthz().timed(0, 3, 10)),
            liveness: Some(healthz().timed(0, 10, 3)),
            readiness: Some(healthz().timed(0, 5, 2)),
        },
        // nginx finishes the requests it has on SIGQUIT (the image's stop signal) within
        // a second or two: static files only.
        timing: Timing {
            pre_stop_seconds: 5,
            app_shutdown_seconds: 10,
            grace_period_seconds: 20,
            startup_seconds: 5,
            ..Timing::default()
        },
        resources: Resources::new("50m", "32Mi", "200m", "64Mi"),
        scaling: Scaling {
            replicas: 2,
            hpa: Some(Hpa {
                min: 2,
                max: 4,
                cpu_percent: Some(70),
                ..Hpa::default()
            }),
            pdb: Some(Pdb::MaxUnavailable(Amount::Count(1))),
            max_surge: Amount::Count(1),
            max_unavailable: Amount::Count(0),
            revision_history_limit: None,
            spread: Spread::TopologySpread {
                max_skew: 1,
                topology_key: "kubernetes.io/hostname".into(),
                hard: false,
            },
            replicas_with_hpa: false,
        },
        // nginx's pid file and request buffers (deploy/nginx.conf), under a read-only
        // root filesystem.
        volumes: vec![Volume {
            name: "tmp".into(),
            source: VolumeSource::EmptyDir {
                memory: false,
                size_limit: Some("64Mi".into()),
            },
        }],
        mounts: vec![Mount {
            volume: "tmp".into(),
            path: "/tmp".into(),
            ..Mount::default()
        }],
        security: Security::hardened(),
        ..Service::default()
    });
    b.0
}

/// A design with `n` services for benchmarks: copies of the miniredis services
/// (with their edges) under numbered names, default-deny on.
pub fn scaled(n: usize) -> Design {
    let base = miniredis();
    let mut d = Design {
        name: "scaled".into(),
        environments: base.environments.clone(),
        config_maps: base.config_maps.clone(),
        secrets: base.secrets.clone(),
        ..Design::default()
    };
    let mut round = 0;
    while d.services.len() < n {
        let mut ids = BTreeMap::new();
        for s in base.services.iter().take(n - d.services.len()) {
            let mut copy = s.clone();
            copy.name = format!("{}-{round}", s.name);
            ids.insert(s.id, ServiceId(d.next_id));
            d.apply(Edit::AddService(Box::new(copy)))
                .expect("numbered names are unique");
        }
        for e in &base.edges {
            if let (Some(&from), Some(&to)) = (ids.get(&e.from), ids.get(&e.to)) {
                d.apply(Edit::AddEdge(Edge {
                    from,
                    to,
                    port: e.port.clone(),
                }))
                .expect("both ends exist");
            }
        }
        round += 1;
    }
    d
}
