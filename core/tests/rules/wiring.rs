//! Fixtures of the wiring rules (KP3xx): ports, references, edges and object names in a namespace.
//! The checks are in `core/src/rules/wiring.rs`.

use super::*;

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP301",
            |d| api(d).exposure.ports[0].target = PortRef::Name("web".into()),
            |d| api(d).exposure.ports[0].target = PortRef::Number(8080),
        ),
        fx(
            "KP301",
            |d| api(d).exposure.ports[0].target = PortRef::Number(9999),
            no_change,
        ),
        fx(
            "KP302",
            |d| {
                probe(api(d), "readiness").action = ProbeAction::Http {
                    path: "/ready".into(),
                    port: PortRef::Name("admin".into()),
                };
            },
            |d| {
                probe(api(d), "readiness").action = ProbeAction::Http {
                    path: "/ready".into(),
                    port: PortRef::Number(8080),
                };
            },
        ),
        fx(
            "KP302",
            |d| {
                probe(api(d), "liveness").action = ProbeAction::Grpc {
                    port: 9090,
                    service: None,
                };
            },
            |d| {
                probe(api(d), "liveness").action = ProbeAction::Grpc {
                    port: 8080,
                    service: None,
                };
            },
        ),
        fx(
            "KP303",
            |d| api(d).exposure.ingress.as_mut().unwrap().port = "https".into(),
            |d| api(d).exposure.ingress.as_mut().unwrap().port = String::new(),
        ),
        fx(
            "KP303",
            |d| api(d).exposure.service = ServiceKind::None,
            no_change,
        ),
        fx(
            "KP304",
            |d| d.edges[0].port = "sql".into(),
            |d| d.edges[0].port = String::new(),
        ),
        fx(
            "KP305",
            |d| {
                api(d)
                    .config
                    .env_from
                    .push(EnvFrom::ConfigMap("missing".into()))
            },
            |d| {
                api(d)
                    .config
                    .env_from
                    .push(EnvFrom::Secret("api-secrets".into()))
            },
        ),
        fx(
            "KP305",
            |d| {
                api(d).config.env[0].value = EnvValue::SecretKey {
                    name: "api-secrets".into(),
                    key: "NOPE".into(),
                };
            },
            no_change,
        ),
        fx(
            "KP305",
            |d| {
                api(d).config.env.push(EnvVar {
                    name: "LEVEL".into(),
                    value: EnvValue::ConfigMapKey {
                        name: "api-config".into(),
                        key: "LEVEL".into(),
                    },
                });
            },
            |d| {
                api(d).config.env.push(EnvVar {
                    name: "LEVEL".into(),
                    value: EnvValue::ConfigMapKey {
                        name: "api-config".into(),
                        key: "LOG_LEVEL".into(),
                    },
                });
            },
        ),
        fx(
            "KP305",
            |d| {
                api(d).config.env.push(EnvVar {
                    name: "X".into(),
                    value: EnvValue::SecretKey {
                        name: "other".into(),
                        key: "K".into(),
                    },
                });
            },
            no_change,
        ),
        fx(
            "KP306",
            |d| {
                api(d).config.env.push(EnvVar::literal("LOG_LEVEL", "info"));
                api(d)
                    .config
                    .env
                    .push(EnvVar::literal("LOG_LEVEL", "debug"));
            },
            |d| {
                api(d).config.env.push(EnvVar::literal("LOG_LEVEL", "info"));
                api(d)
                    .config
                    .env
                    .push(EnvVar::literal("LOG_FORMAT", "json"));
            },
        ),
        fx(
            "KP307",
            |d| {
                api(d).ports.push(ContainerPort {
                    name: "http".into(),
                    port: 9090,
                    protocol: Protocol::TCP,
                })
            },
            |d| {
                api(d).ports.push(ContainerPort {
                    name: "metrics".into(),
                    port: 9090,
                    protocol: Protocol::TCP,
                });
            },
        ),
        fx(
            "KP307",
            |d| {
                api(d).exposure.ports.push(ServicePort {
                    name: String::new(),
                    port: 81,
                    target: PortRef::Number(8080),
                    ..ServicePort::default()
                });
                api(d).exposure.ports[0].name = String::new();
            },
            |d| {
                api(d).exposure.ports.push(ServicePort {
                    name: "alt".into(),
                    port: 81,
                    target: PortRef::Number(8080),
                    ..ServicePort::default()
                });
            },
        ),
        fx(
            "KP307",
            |d| {
                api(d).ports.push(ContainerPort {
                    name: "alt".into(),
                    port: 8080,
                    protocol: Protocol::TCP,
                })
            },
            |d| {
                api(d).ports.push(ContainerPort {
                    name: "alt".into(),
                    port: 8080,
                    protocol: Protocol::UDP,
                });
            },
        ),
        fx(
            "KP308",
            |d| {
                api(d).port_pools.push(PortPool {
                    name: "p".into(),
                    start: 8000,
                    end: 8100,
                    ..PortPool::default()
                })
            },
            |d| {
                api(d).port_pools.push(PortPool {
                    name: "p".into(),
                    start: 9000,
                    end: 9100,
                    ..PortPool::default()
                });
            },
        ),
        fx(
            "KP308",
            |d| {
                api(d).port_pools.push(PortPool {
                    name: "p".into(),
                    start: 30500,
                    end: 30600,
                    ..PortPool::default()
                })
            },
            no_change,
        ),
        fx(
            "KP308",
            |d| {
                api(d).port_pools.push(PortPool {
                    name: "p".into(),
                    start: 9100,
                    end: 9000,
                    ..PortPool::default()
                })
            },
            no_change,
        ),
        fx(
            "KP308",
            |d| {
                api(d).port_pools.push(PortPool {
                    name: "a".into(),
                    start: 9000,
                    end: 9100,
                    ..PortPool::default()
                });
                api(d).port_pools.push(PortPool {
                    name: "b".into(),
                    start: 9100,
                    end: 9200,
                    ..PortPool::default()
                });
            },
            |d| {
                api(d).port_pools.push(PortPool {
                    name: "a".into(),
                    start: 9000,
                    end: 9099,
                    ..PortPool::default()
                });
                api(d).port_pools.push(PortPool {
                    name: "b".into(),
                    start: 9100,
                    end: 9200,
                    ..PortPool::default()
                });
            },
        ),
        fx(
            "KP309",
            |d| {
                d.secrets.push(SecretDef {
                    name: "api-tls".into(),
                    kind: "Opaque".into(),
                    keys: vec![],
                    residual: None,
                })
            },
            |d| {
                d.secrets.push(SecretDef {
                    name: "api-creds".into(),
                    kind: "Opaque".into(),
                    keys: vec![],
                    residual: None,
                });
            },
        ),
        fx(
            "KP309",
            |d| {
                d.config_maps.push(ConfigMapDef {
                    name: "api-config".into(),
                    ..ConfigMapDef::default()
                })
            },
            no_change,
        ),
        fx(
            "KP310",
            |d| db(d).exposure.service = ServiceKind::ClusterIP,
            |d| api(d).exposure.service = ServiceKind::ClusterIP,
        ),
        fx(
            "KP311",
            |d| d.edges.clear(),
            |d| {
                d.edges.clear();
                d.cluster.monitoring_namespace = Some("monitoring".into());
                db(d).metrics = Some(Metrics {
                    port: PortRef::Name("postgres".into()),
                    path: "/metrics".into(),
                });
            },
        ),
    ]
}
