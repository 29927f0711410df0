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
            "KP302",
            |d| {
                probe(api(d), "readiness").action = ProbeAction::Tcp {
                    port: PortRef::Number(9999),
                };
            },
            |d| {
                probe(api(d), "readiness").action = ProbeAction::Tcp {
                    port: PortRef::Number(8080),
                };
            },
        ),
        fx(
            "KP303",
            // An Ingress backend `port.number: 81`; the Service has port 80.
            |d| api(d).exposure.ingress.as_mut().unwrap().port = "81".into(),
            |d| api(d).exposure.ingress.as_mut().unwrap().port = "80".into(),
        ),
        fx(
            "KP303",
            |d| api(d).exposure.service = ServiceKind::None,
            no_change,
        ),
        fx(
            "KP303",
            // Public via Ingress with a container port and no Service port yet: the
            // fix adds the port and routes to it.
            |d| api(d).exposure.ports.clear(),
            no_change,
        ),
        fx(
            "KP304",
            |d| d.edges[0].port = "sql".into(),
            |d| d.edges[0].port = String::new(),
        ),
        fx(
            "KP304",
            // A callee without a Service port: nothing to call (the fix removes it).
            |d| {
                let to = d.edges[0].to;
                let s = d.service_mut(to).unwrap();
                s.exposure.ports.clear();
            },
            no_change,
        ),
        fx(
            "KP304",
            // A callee with ports and no Service (the fix creates it).
            |d| {
                let to = d.edges[0].to;
                d.service_mut(to).unwrap().exposure.service = ServiceKind::None;
            },
            no_change,
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
        // A key only dev's values add is missing in prod.
        fx(
            "KP305",
            |d| {
                api(d).config.env.push(EnvVar {
                    name: "PREVIEW".into(),
                    value: EnvValue::ConfigMapKey {
                        name: "api-config".into(),
                        key: "PREVIEW".into(),
                    },
                });
                let values = [("PREVIEW".to_string(), "on".to_string())].into();
                env(d, "dev")
                    .config_values
                    .insert("api-config".into(), values);
            },
            |d| {
                api(d).config.env.push(EnvVar {
                    name: "PREVIEW".into(),
                    value: EnvValue::ConfigMapKey {
                        name: "api-config".into(),
                        key: "PREVIEW".into(),
                    },
                });
                let values = [("PREVIEW".to_string(), "off".to_string())].into();
                env(d, "prod")
                    .config_values
                    .insert("api-config".into(), values);
            },
        ),
        fx(
            "KP312",
            |d| {
                d.secrets[0].kind = "kubernetes.io/tls".into();
                d.secrets[0].keys = vec!["tls.crt".into(), "key.pem".into()];
            },
            |d| {
                d.secrets[0].kind = "kubernetes.io/tls".into();
                d.secrets[0].keys = vec!["tls.crt".into(), "tls.key".into()];
            },
        ),
        fx(
            "KP312",
            |d| {
                d.secrets[0].kind = "kubernetes.io/basic-auth".into();
                d.secrets[0].keys = vec!["token".into()];
            },
            |d| {
                d.secrets[0].kind = "kubernetes.io/basic-auth".into();
                d.secrets[0].keys = vec!["password".into()];
            },
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
        // Published by compose on an HTTP port, and no way in from outside; the near
        // miss: a database port published (for local tools), and the front door with
        // its Ingress.
        fx(
            "KP314",
            |d| {
                api(d).exposure.ingress = None;
                api(d).local.published = Some(vec![HostPort {
                    port: PortRef::Name("http".into()),
                    host: Some(8080),
                }]);
            },
            |d| {
                api(d).local.published = Some(vec![HostPort {
                    port: PortRef::Name("http".into()),
                    host: Some(8080),
                }]);
                let db = d.service_named("db").unwrap().id;
                let db = d.services.iter_mut().find(|s| s.id == db).unwrap();
                db.local.published = Some(vec![HostPort {
                    port: PortRef::Number(db.ports[0].port),
                    host: None,
                }]);
            },
        ),
        // A file the app reads, left empty (a compose import not given the file); the
        // near miss: the same with text, and an empty key read as a variable.
        fx(
            "KP315",
            |d| mount_config_file(d, ""),
            |d| {
                mount_config_file(d, "server { listen 8080; }\n");
                // Mounted whole as well: a key named as a variable may be empty.
                (d.config_maps[0].data).insert("EMPTY_FLAG".into(), String::new());
                api(d).mounts.push(Mount {
                    volume: "files".into(),
                    path: "/etc/api".into(),
                    read_only: true,
                    sub_path: String::new(),
                });
            },
        ),
        fx(
            "KP313",
            |d| {
                set_env(d, "OTEL_RESOURCE_ATTRIBUTES", "cloud.region=$(REGION)");
                set_env(d, "REGION", "eu-west-1");
            },
            |d| {
                set_env(d, "REGION", "eu-west-1");
                set_env(
                    d,
                    "OTEL_RESOURCE_ATTRIBUTES",
                    "cloud.region=$(REGION),raw=$$(ZONE)",
                );
            },
        ),
        fx(
            "KP313",
            |d| api(d).args = vec!["--requirepass".into(), "$(REDIS_PASSWORD)".into()],
            |d| {
                api(d).args = vec!["--requirepass".into(), "$(REDIS_PASSWORD)".into()];
                set_env(d, "REDIS_PASSWORD", "from-the-vault");
            },
        ),
        fx(
            "KP313",
            |d| api(d).command = vec!["sh".into(), "-c".into(), "exec api --shard=$(SHARD)".into()],
            // A shell's arithmetic, and an indexed Job's completion index, which
            // Kubernetes sets.
            |d| {
                let script = "exec api --shard=$((JOB_COMPLETION_INDEX + 1)) --index=$(JOB_COMPLETION_INDEX)";
                api(d).command = vec!["sh".into(), "-c".into(), script.into()];
            },
        ),
        fx(
            "KP313",
            |d| sidecar_env(d, "DATA_SOURCE_NAME", "postgresql://$(PGUSER)@db:5432/app"),
            |d| {
                sidecar_env(
                    d,
                    "DATA_SOURCE_NAME",
                    "postgresql://$(DB_SERVICE_HOST):5432/app",
                )
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
                    external: false,
                })
            },
            |d| {
                d.secrets.push(SecretDef {
                    name: "api-creds".into(),
                    kind: "Opaque".into(),
                    keys: vec![],
                    residual: None,
                    external: false,
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
            "KP310",
            // No Service at all: the governing Service `db` does not exist.
            |d| db(d).exposure.service = ServiceKind::None,
            // An imported StatefulSet names a headless Service kept whole.
            |d| {
                db(d).exposure.service = ServiceKind::None;
                db(d).residual.insert(
                    ResidualRole::Workload,
                    kept(serde_json::json!([
                        {"at": "/spec/serviceName", "was": "db", "now": "db-peers"}
                    ])),
                );
                d.extra_objects.push(KeptObject(serde_json::json!({
                    "apiVersion": "v1",
                    "kind": "Service",
                    "metadata": {"name": "db-peers", "namespace": "shop"},
                    "spec": {
                        "clusterIP": "None",
                        "selector": {"app.kubernetes.io/name": "db"},
                        "ports": [{"name": "postgres", "port": 5432}],
                    },
                })));
            },
        ),
        fx(
            "KP311",
            |d| d.edges.clear(),
            |d| {
                d.edges.clear();
                d.cluster.monitoring_namespace = Some("monitoring".into());
                db(d).metrics = Some(Metrics::new(PortRef::Name("postgres".into()), "/metrics"));
            },
        ),
        // A scrape reaches the metrics port only: the Service's port stays unreachable.
        fx(
            "KP311",
            |d| {
                d.edges.clear();
                d.cluster.monitoring_namespace = Some("monitoring".into());
                db(d).ports.push(ContainerPort {
                    name: "metrics".into(),
                    port: 9187,
                    protocol: Protocol::TCP,
                });
                db(d).metrics = Some(Metrics::new(PortRef::Name("metrics".into()), "/metrics"));
            },
            |d| {
                d.edges.clear();
                d.cluster.monitoring_namespace = Some("monitoring".into());
                db(d).metrics = Some(Metrics::new(PortRef::Name("postgres".into()), "/metrics"));
            },
        ),
        // KP320: an address in an env literal that default-deny blocks; the near miss
        // is the baseline's edge api -> db, which allows it.
        fx(
            "KP320",
            |d| {
                set_env(d, "DATABASE_URL", "postgres://app:s3cr3t@db:5432/shop");
                d.edges.clear();
            },
            |d| set_env(d, "DATABASE_URL", "postgres://app:s3cr3t@db:5432/shop"),
        ),
        // ... in ConfigMap data read with envFrom, written `name.ns:port`.
        fx(
            "KP320",
            |d| {
                put_config(d, "DB_ADDR", "db.shop:5432");
                d.edges.clear();
            },
            |d| put_config(d, "DB_ADDR", "db.shop:5432"),
        ),
        // ... in an extra container's env.
        fx(
            "KP320",
            |d| {
                sidecar_env(
                    d,
                    "DATA_SOURCE_NAME",
                    "postgresql://exporter@db.shop.svc/postgres",
                );
                d.edges.clear();
            },
            |d| {
                sidecar_env(
                    d,
                    "DATA_SOURCE_NAME",
                    "postgresql://exporter@db.shop.svc/postgres",
                )
            },
        ),
        // ... in a flag of the container's arguments; the near miss is the edge kept,
        // and a bare word (a subcommand named like the service) is no address.
        fx(
            "KP320",
            |d| {
                api(d).args = vec!["serve".into(), "--cache-server=tcp://db:5432".into()];
                d.edges.clear();
            },
            |d| {
                api(d).args = vec!["serve".into(), "--cache-server=tcp://db:5432".into()];
            },
        ),
        fx(
            "KP320",
            |d| {
                api(d).command = vec!["wait-for".into(), "db:5432".into()];
                d.edges.clear();
            },
            |d| {
                api(d).command = vec!["db".into(), "migrate".into()];
                d.edges.clear();
            },
        ),
        // ... across namespaces, into a shared environment's collector (default-deny on
        // both sides); the near miss has the edge, which leads there.
        fx(
            "KP320",
            |d| with_collector(d, false),
            |d| with_collector(d, true),
        ),
        // KP321: a port the service does not have; the near miss is the same text in a
        // variable that names an image (`name:tag` reads like `host:port`).
        fx(
            "KP321",
            |d| set_env(d, "DB_ADDR", "db:16"),
            |d| set_env(d, "DB_IMAGE", "db:16"),
        ),
        // KP321: an in-cluster name the design does not run; the near miss is a set of
        // external hosts, IPs, localhost and listen addresses, none read as in-cluster.
        fx(
            "KP321",
            |d| set_env(d, "INVENTORY_HOST", "inventory.shop.svc.cluster.local"),
            |d| {
                for (k, v) in EXTERNAL {
                    set_env(d, k, v);
                }
            },
        ),
        // ... a bare name no service of the design has (one deleted, or renamed without
        // its callers); the near miss dials a service of the design by its bare name.
        fx(
            "KP321",
            |d| set_env(d, "CACHE_URL", "redis://cache:6379/0"),
            |d| set_env(d, "DB_URL", "postgres://db:5432/shop"),
        ),
        // ... the same, as the whole value of a host variable; the near miss is a set of
        // values that name no host although their keys hold a host word, and a mounted
        // file whose upstream is a name of its own.
        fx(
            "KP321",
            |d| set_env(d, "CACHE_HOST", "cache"),
            |d| {
                for (k, v) in NOT_ADDRESSES {
                    set_env(d, k, v);
                }
                put_config(d, "nginx.conf", "upstream backend { server 127.0.0.1:8080; }\nserver { location / { proxy_pass http://backend; } }\n");
            },
        ),
        // ... the host of a connection string (libpq's keywords), which no service of
        // the design has; the near miss names the database it has, on its port.
        fx(
            "KP321",
            |d| set_env(d, "DATABASE_DSN", "host=cache port=6379 dbname=shop"),
            |d| set_env(d, "DATABASE_DSN", "host=db port=5432 dbname=shop sslmode=disable"),
        ),
        // ... a design service on a port its Service does not expose.
        fx(
            "KP321",
            |d| set_env(d, "DB", "db.shop.svc:5433"),
            |d| set_env(d, "DB", "db.shop.svc:5432"),
        ),
        // ... the container port behind a ClusterIP Service, which listens on its own
        // port only; the near miss is a headless Service, whose pods are reached
        // directly on the container port.
        fx(
            "KP321",
            |d| {
                db(d).exposure.service = ServiceKind::ClusterIP;
                db(d).exposure.ports[0].port = 6432;
                set_env(d, "DB", "db.shop.svc:5432");
            },
            |d| {
                db(d).exposure.ports[0].port = 6432;
                set_env(d, "DB", "db.shop.svc:5432");
            },
        ),
        // ... the Service port of a headless Service, whose name resolves to the pods:
        // nothing listens there on 6432; the near miss is a ClusterIP Service.
        fx(
            "KP321",
            |d| {
                db(d).exposure.ports[0].port = 6432;
                set_env(d, "DB", "db.shop.svc:6432");
            },
            |d| {
                db(d).exposure.service = ServiceKind::ClusterIP;
                db(d).exposure.ports[0].port = 6432;
                set_env(d, "DB", "db.shop.svc:6432");
            },
        ),
        // ... a namespace no environment uses.
        fx(
            "KP321",
            |d| {
                put_config(
                    d,
                    "METRICS",
                    "http://prometheus.monitoring.svc:9090/api/v1/write",
                )
            },
            |d| {
                put_config(
                    d,
                    "METRICS",
                    "http://prometheus.example.com:9090/api/v1/write",
                )
            },
        ),
        // KP323: a headless Service's port other than the container port it targets;
        // the near miss numbers it as the container does.
        fx(
            "KP323",
            |d| db(d).exposure.ports[0].port = 6432,
            |d| {
                let listens = db(d).ports[0].port;
                db(d).exposure.ports[0].port = listens;
            },
        ),
        // KP324: an API outside the cluster dialed under default-deny; the near miss
        // allows egress on its port.
        fx(
            "KP324",
            |d| set_env(d, "PAYMENTS_URL", "https://api.stripe.com/v1"),
            |d| {
                set_env(d, "PAYMENTS_URL", "https://api.stripe.com/v1");
                api(d).egress.push(ExternalEgress {
                    to: "api.stripe.com".into(),
                    ..ExternalEgress::default()
                });
            },
        ),
        // ... a host whose port a variable beside it gives, allowed on another port
        // only; the near miss is the system's own public address, which it only names.
        fx(
            "KP324",
            |d| {
                put_config(d, "SMTP_HOST", "smtp.sendgrid.net");
                put_config(d, "SMTP_PORT", "587");
                api(d).egress.push(ExternalEgress::default());
            },
            |d| {
                set_env(d, "PUBLIC_URL", "https://shop.example.com");
                set_env(d, "CORS_ALLOWED_ORIGINS", "https://shop.example.com");
                set_env(d, "CACHE_URL", "redis://redis.cache:6379/0");
                set_env(d, "PG_URL", "postgres://postgres.qa:5432/app");
                set_env(d, "JWT_AUDIENCE", "https://api.shop.example.com");
            },
        ),
        // ... a host name under a narrowed block, which need not hold it; the near miss
        // is the allowance made for that host (its note names it), and a proxy that
        // every connection goes through, itself allowed.
        fx(
            "KP324",
            |d| {
                set_env(d, "PAYMENTS_URL", "https://api.stripe.com/v1");
                api(d).egress.push(ExternalEgress {
                    cidr: "52.0.0.0/8".into(),
                    ..ExternalEgress::default()
                });
            },
            |d| {
                set_env(d, "PAYMENTS_URL", "https://api.stripe.com/v1");
                set_env(d, "HTTPS_PROXY", "http://proxy.corp.example.com:3128");
                set_env(d, "SEARCH_URL", "https://search.example.com");
                api(d).egress.push(ExternalEgress {
                    to: "api.stripe.com".into(),
                    cidr: "52.0.0.0/8".into(),
                    port: 443,
                    ..ExternalEgress::default()
                });
                api(d).egress.push(ExternalEgress {
                    to: "proxy.corp.example.com".into(),
                    cidr: "10.0.0.0/8".into(),
                    port: 3128,
                    ..ExternalEgress::default()
                });
            },
        ),
        // ... a bare IPv6 address a variable names as a host; the near miss allows the
        // block that holds it.
        fx(
            "KP324",
            |d| {
                set_env(d, "LDAP_HOST", "2001:db8:4::10");
                set_env(d, "LDAP_PORT", "636");
                api(d).egress.push(ExternalEgress::default());
            },
            |d| {
                set_env(d, "LDAP_HOST", "2001:db8:4::10");
                set_env(d, "LDAP_PORT", "636");
                api(d).egress.push(ExternalEgress {
                    cidr: "2001:db8:4::/48".into(),
                    port: 636,
                    ..ExternalEgress::default()
                });
            },
        ),
        // ... a managed database a .NET connection string names, whose port is its
        // `Port=`, allowed on another port only; the near miss allows that port.
        fx(
            "KP324",
            |d| {
                set_env(
                    d,
                    "ConnectionStrings__Default",
                    "Host=shop.postgres.database.azure.com;Port=5432;Database=shop;Ssl Mode=Require",
                );
                api(d).egress.push(ExternalEgress::default());
            },
            |d| {
                set_env(
                    d,
                    "ConnectionStrings__Default",
                    "Host=shop.postgres.database.azure.com;Port=5432;Database=shop;Ssl Mode=Require",
                );
                api(d).egress.push(ExternalEgress {
                    port: 5432,
                    ..ExternalEgress::default()
                });
            },
        ),
        // ... a database by IP address, allowed on its port to another block only; the
        // near miss allows the block that holds it, and a listen address and localhost
        // are never outside.
        fx(
            "KP324",
            |d| {
                set_env(d, "DB_HOST", "10.20.3.4");
                set_env(d, "DB_PORT", "5432");
                api(d).egress.push(ExternalEgress {
                    to: "old-db".into(),
                    cidr: "10.30.0.0/16".into(),
                    port: 5432,
                    ..ExternalEgress::default()
                });
            },
            |d| {
                set_env(d, "DB_HOST", "10.20.3.4");
                set_env(d, "DB_PORT", "5432");
                set_env(d, "LISTEN_ADDR", "0.0.0.0:8080");
                set_env(d, "CACHE_URL", "redis://localhost:6379/0");
                api(d).egress.push(ExternalEgress {
                    to: "orders-db".into(),
                    cidr: "10.20.0.0/16".into(),
                    port: 5432,
                    ..ExternalEgress::default()
                });
            },
        ),
        // ... a public name with a label that is a namespace of the design (not where a
        // namespace sits in a cluster name); the near miss is a StatefulSet's pods by
        // their names in a namespace the design does not know.
        fx(
            "KP324",
            |d| set_env(d, "QUOTES_URL", "https://api.shop.example.com/v1"),
            |d| {
                set_env(
                    d,
                    "KAFKA_BOOTSTRAP_SERVERS",
                    "kafka-0.kafka.qa:9092,kafka-1.kafka.qa:9092",
                )
            },
        ),
        // KP325: a host written where the block goes; the near miss writes the block.
        fx(
            "KP325",
            |d| {
                api(d).egress.push(ExternalEgress {
                    cidr: "api.stripe.com".into(),
                    ..ExternalEgress::default()
                })
            },
            |d| api(d).egress.push(ExternalEgress::default()),
        ),
        // ... a block with address bits past its prefix (the fix clears them); the near
        // miss is the block.
        fx(
            "KP325",
            |d| {
                api(d).egress.push(ExternalEgress {
                    cidr: "10.20.3.4/16".into(),
                    ..ExternalEgress::default()
                })
            },
            |d| {
                api(d).egress.push(ExternalEgress {
                    cidr: "10.20.0.0/16".into(),
                    ..ExternalEgress::default()
                })
            },
        ),
        // ... an address alone (the fix writes its block), and port 0; the near miss is
        // an IPv6 block.
        fx(
            "KP325",
            |d| {
                api(d).egress.push(ExternalEgress {
                    cidr: "203.0.113.7".into(),
                    port: 0,
                    ..ExternalEgress::default()
                })
            },
            |d| {
                api(d).egress.push(ExternalEgress {
                    cidr: "2001:db8::/32".into(),
                    port: 5432,
                    ..ExternalEgress::default()
                })
            },
        ),
        // ... a block left out that is not inside the block (10/8 is not in 52/8); the
        // near miss leaves out the private networks of anywhere.
        fx(
            "KP325",
            |d| {
                api(d).egress.push(ExternalEgress {
                    cidr: "52.0.0.0/8".into(),
                    except: vec!["10.0.0.0/8".into()],
                    ..ExternalEgress::default()
                })
            },
            |d| {
                api(d).egress.push(ExternalEgress {
                    except: vec!["10.0.0.0/8".into(), "172.16.0.0/12".into(), "192.168.0.0/16".into()],
                    ..ExternalEgress::default()
                })
            },
        ),
        // KP324 again: an address in a block the allowance leaves out; the near miss is
        // one outside what it leaves out.
        fx(
            "KP324",
            |d| {
                set_env(d, "LEDGER_URL", "https://100.64.3.9:8443");
                api(d).egress.push(ExternalEgress {
                    port: 8443,
                    except: vec!["100.64.0.0/10".into()],
                    ..ExternalEgress::default()
                });
            },
            |d| {
                set_env(d, "LEDGER_URL", "https://198.51.100.9:8443");
                api(d).egress.push(ExternalEgress {
                    port: 8443,
                    except: vec!["100.64.0.0/10".into()],
                    ..ExternalEgress::default()
                });
            },
        ),
        // KP322: two shared environments run the callee, the caller's does not.
        fx(
            "KP322",
            |d| {
                with_collector(d, true);
                let mut eu = env(d, "observability").clone();
                eu.name = "observability-eu".into();
                eu.namespace = "observability-eu".into();
                d.environments.push(eu);
            },
            |d| with_collector(d, true),
        ),
    ]
    .into_iter()
    .chain(pods())
    .collect()
}

/// Hosts that are no design service: an external API, a listen address, localhost with
/// userinfo, an IP, a v6 literal, a bare word and an external `name.ns`-like host.
const EXTERNAL: [(&str, &str); 8] = [
    ("STRIPE", "api.stripe.com:443"),
    ("LISTEN", "0.0.0.0:8080"),
    ("REDIS_URL", "redis://:password@localhost:6379/0"),
    ("PEER", "10.0.0.7:9000"),
    ("PEER6", "http://[2001:db8::7]:9000"),
    ("LOG_LEVEL", "info"),
    ("WEBHOOK", "https://hooks.slack.com/services/T000/B000/XXXX"),
    ("SMTP_HOST", "mail.example"),
];

/// Values no service of the design answers that are not addresses: flags and words
/// under keys with a host word, a pod's own host name, `name:count` lists.
const NOT_ADDRESSES: [(&str, &str); 6] = [
    ("SERVER_SSL", "true"),
    ("URL_SCHEME", "https"),
    ("HOSTNAME", "web"),
    ("SERVER_NAME", "shop"),
    ("QUEUES", "default:10"),
    ("DD_TAGS", "version:2"),
];

/// `name = value` as api's own variable.
fn set_env(d: &mut Design, name: &str, value: &str) {
    api(d).config.env.push(EnvVar::literal(name, value));
}

/// `key: value` in api-config, which api reads whole.
fn put_config(d: &mut Design, key: &str, value: &str) {
    let cm = d
        .config_maps
        .iter_mut()
        .find(|c| c.name == "api-config")
        .unwrap();
    cm.data.insert(key.into(), value.into());
}

/// An exporter container beside api's, with one variable.
fn sidecar_env(d: &mut Design, name: &str, value: &str) {
    api(d).containers.push(Container {
        name: "exporter".into(),
        image: "quay.io/prometheuscommunity/postgres-exporter".into(),
        tag: "v0.15.0".into(),
        config: Config {
            env: vec![EnvVar::literal(name, value)],
            env_from: Vec::new(),
        },
        ..Container::default()
    });
}

/// A shared `observability` environment (default-deny on) running a collector that only
/// it runs; api exports to it; `edge` adds the edge api -> collector.
fn with_collector(d: &mut Design, edge: bool) {
    let collector = Service {
        name: "collector".into(),
        image: "otel/opentelemetry-collector-contrib".into(),
        tag: "0.115.0".into(),
        ports: vec![ContainerPort {
            name: "otlp-grpc".into(),
            port: 4317,
            protocol: Protocol::TCP,
        }],
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![ServicePort {
                name: "otlp-grpc".into(),
                port: 4317,
                target: PortRef::Name("otlp-grpc".into()),
                ..ServicePort::default()
            }],
            ..Exposure::default()
        },
        ..Service::default()
    };
    let id = ServiceId(d.next_id);
    d.apply(Edit::AddService(Box::new(collector))).unwrap();
    let off = Override {
        enabled: Some(false),
        ..Override::default()
    };
    for e in &mut d.environments {
        e.overrides.insert(id, off.clone());
    }
    let mut obs = Environment::new("observability", Tier::Shared, "observability");
    obs.default_deny = true;
    obs.hosts_services = false;
    obs.overrides.insert(
        id,
        Override {
            enabled: Some(true),
            ..Override::default()
        },
    );
    d.environments.push(obs);
    set_env(
        d,
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "http://collector.observability.svc.cluster.local:4317",
    );
    if edge {
        d.apply(Edit::AddEdge(Edge {
            from: ServiceId(1),
            to: id,
            port: "otlp-grpc".into(),
        }))
        .unwrap();
    }
}

#[test]
fn a_numeric_probe_port_matches_the_declared_container_port() {
    let yaml = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: 8080
          livenessProbe:
            tcpSocket:
              port: 8080
          startupProbe:
            grpc:
              port: 9090
";
    let (d, env) = import_exact(yaml);
    let found = findings_of(&d, &env, "KP302");
    assert_eq!(found.len(), 1, "only the undeclared 9090: {found:#?}");
    assert_eq!(found[0].severity, Severity::Warning, "valid Kubernetes");
    assert_eq!(
        found[0].message,
        "the startup probe checks port 9090, which is not a declared container port: it works only if the app listens there (declare the port to make sure)"
    );
}

#[test]
fn an_ingress_backend_port_number_matches_the_service_port_number() {
    let yaml = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:1.0.0
          ports:
            - name: http
              containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  selector:
    app: web
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
";
    let (d, env) = import_exact(yaml);
    assert!(
        findings_of(&d, &env, "KP303").is_empty(),
        "{:#?}",
        findings_of(&d, &env, "KP303")
    );
    let s = &d.services[0];
    let kept = serde_json::to_string(&s.residual.get(&ResidualRole::Ingress)).unwrap();
    assert!(
        !kept.contains("rules"),
        "the backend's port.number is the model's, written back as a number: {kept}"
    );
    // A number the Service does not have is still an error, and the fix names the port.
    let wrong = yaml.replace("number: 80", "number: 8080");
    let (d, env) = import_exact(&wrong);
    let f = &findings_of(&d, &env, "KP303")[0];
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.fix.as_ref().unwrap().label, "Route to port `http`");
}

/// A StatefulSet `mysql` governed by `serviceName: mysql`, and `services` before it.
fn stateful(services: &str) -> String {
    format!(
        "{services}apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: mysql
  namespace: db
spec:
  serviceName: mysql
  replicas: 3
  selector:
    matchLabels:
      app: mysql
  template:
    metadata:
      labels:
        app: mysql
    spec:
      containers:
        - name: mysql
          image: docker.io/library/mysql:8.0.39
          ports:
            - name: mysql
              containerPort: 3306
"
    )
}

const READ_SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: mysql-read
  namespace: db
spec:
  selector:
    app: mysql
  ports:
    - name: mysql
      port: 3306
---
";

const HEADLESS_SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: mysql
  namespace: db
spec:
  clusterIP: None
  selector:
    app: mysql
  ports:
    - name: mysql
      port: 3306
---
";

#[test]
fn kp310_reads_the_governing_service_not_a_read_service_beside_it() {
    // The read Service comes first, the headless governing one second: the governing one
    // is the StatefulSet's own, and nothing is blamed.
    let (d, env) = import_exact(&stateful(&format!("{READ_SERVICE}{HEADLESS_SERVICE}")));
    assert_eq!(d.services[0].exposure.service, ServiceKind::Headless);
    assert!(
        findings_of(&d, &env, "KP310").is_empty(),
        "{:#?}",
        findings_of(&d, &env, "KP310")
    );
    // Only a read Service: the governing Service `mysql` is not in the input, and that is
    // what the finding says, naming it.
    let (d, env) = import_exact(&stateful(READ_SERVICE));
    let f = &findings_of(&d, &env, "KP310")[0];
    assert!(
        f.message.contains("Service `mysql`") && !f.message.contains("mysql-read"),
        "{}",
        f.message
    );
    // No Service at all: the finding says the design does not create it, and its fix does.
    let (d, env) = import_exact(&stateful(""));
    let f = &findings_of(&d, &env, "KP310")[0];
    assert_eq!(
        f.message,
        "StatefulSet `mysql` is governed by Service `mysql`, which the design does not create: its pods get no stable DNS names"
    );
    let mut fixed = d.clone();
    fixed.apply(f.fix.clone().unwrap().edit).unwrap();
    assert!(findings_of(&fixed, &env, "KP310").is_empty());
}

/// The wiring rules of the pod's other containers, volumes and mounts.
/// Port `admin` on `port`.
fn admin(port: u16) -> ContainerPort {
    ContainerPort {
        name: "admin".into(),
        port,
        protocol: Protocol::TCP,
    }
}

fn pods() -> Vec<Fixture> {
    vec![
        fx(
            "KP301",
            |d| {
                api(d).exposure.ports.push(ServicePort {
                    name: "admin".into(),
                    port: 9000,
                    target: PortRef::Name("admin".into()),
                    ..ServicePort::default()
                });
            },
            |d| {
                // A Service may target a sidecar's port.
                sidecar(d).ports.push(ContainerPort {
                    name: "admin".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                });
                api(d).exposure.ports.push(ServicePort {
                    name: "admin".into(),
                    port: 9000,
                    target: PortRef::Name("admin".into()),
                    ..ServicePort::default()
                });
            },
        ),
        fx(
            "KP302",
            |d| {
                let c = sidecar(d);
                c.ports.push(ContainerPort {
                    name: "admin".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                });
                // `http` is the main container's port: a name resolves in its own container.
                c.probes.liveness = Some(Probe::http("/healthz", PortRef::Name("http".into())));
            },
            |d| {
                let c = sidecar(d);
                c.ports.push(ContainerPort {
                    name: "admin".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                });
                c.probes.liveness = Some(Probe::http("/healthz", PortRef::Name("admin".into())));
            },
        ),
        fx(
            "KP305",
            |d| {
                api(d).volumes.push(Volume {
                    name: "config".into(),
                    source: VolumeSource::ConfigMap {
                        name: "api-files".into(),
                    },
                })
            },
            |d| {
                api(d).volumes.push(Volume {
                    name: "config".into(),
                    source: VolumeSource::ConfigMap {
                        name: "api-config".into(),
                    },
                })
            },
        ),
        fx(
            "KP305",
            |d| {
                sidecar(d)
                    .config
                    .env_from
                    .push(EnvFrom::Secret("proxy-secrets".into()))
            },
            |d| {
                sidecar(d)
                    .config
                    .env_from
                    .push(EnvFrom::Secret("api-secrets".into()))
            },
        ),
        fx(
            "KP306",
            |d| {
                let c = sidecar(d);
                c.config.env.push(EnvVar::literal("LISTEN", ":9000"));
                c.config.env.push(EnvVar::literal("LISTEN", ":9001"));
            },
            |d| {
                sidecar(d)
                    .config
                    .env
                    .push(EnvVar::literal("LISTEN", ":9000"))
            },
        ),
        fx(
            "KP307",
            |d| {
                let c = sidecar(d);
                c.ports.push(ContainerPort {
                    name: "admin".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                });
                c.ports.push(ContainerPort {
                    name: "stats".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                });
            },
            |d| {
                let c = sidecar(d);
                c.ports.push(ContainerPort {
                    name: "admin".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                });
                c.ports.push(ContainerPort {
                    name: "stats".into(),
                    port: 9000,
                    protocol: Protocol::UDP,
                });
            },
        ),
        fx(
            "KP330",
            |d| {
                api(d).mounts.push(Mount {
                    volume: "cache".into(),
                    path: "/var/cache".into(),
                    ..Mount::default()
                })
            },
            |d| {
                api(d).volumes.push(Volume {
                    name: "cache".into(),
                    source: VolumeSource::default(),
                });
                api(d).mounts.push(Mount {
                    volume: "cache".into(),
                    path: "/var/cache".into(),
                    ..Mount::default()
                });
            },
        ),
        fx(
            "KP330",
            |d| {
                add(d, extra("fix-permissions", ContainerRole::Init))
                    .mounts
                    .push(Mount {
                        volume: "data".into(),
                        path: "/data".into(),
                        ..Mount::default()
                    })
            },
            |d| {
                // On the StatefulSet, `data` is a claim of the pod.
                let c = extra("fix-permissions", ContainerRole::Init);
                let db = db(d);
                db.containers.push(c);
                db.containers[0].mounts.push(Mount {
                    volume: "data".into(),
                    path: "/data".into(),
                    ..Mount::default()
                });
            },
        ),
        fx(
            "KP331",
            |d| sidecar(d).name = "api".into(),
            |d| sidecar(d).name = "api-proxy".into(),
        ),
        fx(
            "KP331",
            |d| {
                for _ in 0..2 {
                    api(d).volumes.push(Volume {
                        name: "tmp".into(),
                        source: VolumeSource::default(),
                    });
                }
            },
            |d| {
                api(d).volumes.push(Volume {
                    name: "tmp".into(),
                    source: VolumeSource::default(),
                })
            },
        ),
        fx(
            "KP332",
            |d| sidecar(d).ports.push(admin(8080)),
            |d| {
                // A plain init container has stopped before the main container starts.
                add(d, extra("migrate", ContainerRole::Init))
                    .ports
                    .push(admin(8080));
                sidecar(d).ports.push(admin(9000));
            },
        ),
        fx(
            "KP350",
            |d| {
                let s = api(d);
                s.delivery.strategy = UpdateStrategy::Canary;
                s.delivery.analysis = Some(Analysis::default());
            },
            |d| {
                let s = api(d);
                s.delivery.strategy = UpdateStrategy::Canary;
                s.delivery.analysis = Some(Analysis::default());
                s.metrics = Some(Metrics::new(PortRef::Name("http".into()), "/metrics"));
            },
        ),
        fx(
            "KP351",
            |d| api(d).metrics = Some(Metrics::new(PortRef::Name("metrics".into()), "/metrics")),
            |d| api(d).metrics = Some(Metrics::new(PortRef::Number(8080), "/metrics")),
        ),
        fx(
            "KP352",
            |d| {
                env(d, "prod").monitoring.scraping = Scraping::Operator;
                d.extra_objects.push(service_monitor("metrics"));
            },
            |d| {
                env(d, "prod").monitoring.scraping = Scraping::Operator;
                d.extra_objects.push(service_monitor("http"));
            },
        ),
        // A ServiceMonitor kept in Prometheus' namespace selects the Services of the
        // namespaces it names.
        fx(
            "KP352",
            |d| monitor_elsewhere(d, serde_json::json!({})),
            |d| {
                let ns = env(d, "prod").namespace.clone();
                monitor_elsewhere(d, serde_json::json!({ "matchNames": [ns] }));
            },
        ),
        fx(
            "KP352",
            |d| monitor_elsewhere(d, serde_json::json!({ "matchNames": ["other"] })),
            |d| monitor_elsewhere(d, serde_json::json!({ "any": true })),
        ),
        fx(
            "KP353",
            |d| d.extra_objects.push(service_monitor("http")),
            |d| {
                env(d, "prod").monitoring.scraping = Scraping::Operator;
                d.extra_objects.push(service_monitor("http"));
            },
        ),
        fx(
            "KP354",
            |d| {
                scraped_under_default_deny(d);
                d.cluster.monitoring_namespace = None;
            },
            |d| {
                scraped_under_default_deny(d);
                d.cluster.monitoring_namespace = Some("monitoring".into());
            },
        ),
        // A ServiceMonitor kept from an import scrapes too.
        fx(
            "KP354",
            |d| {
                kept_monitor_under_default_deny(d);
                d.cluster.monitoring_namespace = None;
            },
            |d| {
                kept_monitor_under_default_deny(d);
                d.cluster.monitoring_namespace = Some("monitoring".into());
            },
        ),
    ]
    .into_iter()
    .chain(gateway_fixtures())
    .collect()
}

/// Default-deny in prod and a metrics endpoint on `api` (KP354).
fn scraped_under_default_deny(d: &mut Design) {
    env(d, "prod").default_deny = true;
    let metrics = presets::metrics(api(d));
    api(d).metrics = Some(metrics);
}

/// Default-deny in prod, under the operator, and a ServiceMonitor of `api`'s `http` port
/// kept from an import (KP354).
fn kept_monitor_under_default_deny(d: &mut Design) {
    let prod = env(d, "prod");
    prod.default_deny = true;
    prod.monitoring.scraping = Scraping::Operator;
    d.extra_objects.push(service_monitor("http"));
}

/// KP340 to KP349: Gateway API routes and Gateways. Each starts from [`routed`].
fn gateway_fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP340",
            |d| route(routed(d)).port = "grpc-web".into(),
            |d| route(routed(d)).port = String::new(),
        ),
        fx(
            "KP340",
            |d| backend(routed(d), "payments", "http", 1),
            |d| backend(routed(d), "api", "80", 1),
        ),
        fx(
            "KP340",
            |d| {
                backend(routed(d), "", "http", 0);
                backend(d, "api", "http", 0);
            },
            |d| {
                backend(routed(d), "", "http", 90);
                backend(d, "api", "http", 10);
            },
        ),
        fx(
            "KP341",
            |d| {
                grpc(routed(d));
                backend(d, "", "http", 9);
                backend(d, "db", "postgres", 1);
            },
            |d| {
                grpc(routed(d));
                backend(d, "", "http", 9);
                backend(d, "db", "postgres", 1);
                db(d).exposure.ports[0].app_protocol = Some("kubernetes.io/h2c".into());
            },
        ),
        fx(
            "KP342",
            // Istio's way: the proxies run beside the Gateway, in prod's namespace.
            |d| {
                let g = gateway(routed(d));
                g.namespace = None;
                g.proxy_namespace = None;
            },
            |d| gateway(routed(d)).namespace = None,
        ),
        fx(
            "KP343",
            |d| route(routed(d)).hostnames = vec!["orders.example.org".into()],
            |d| route(routed(d)).hostnames = vec!["shop.example.com".into()],
        ),
        fx(
            "KP343",
            |d| route(routed(d)).hostnames.push("www.example.org".into()),
            |d| {
                gateway(routed(d)).listeners[1].hostname = Some("*.example.com".into());
                route(d).hostnames.push("www.example.com".into());
            },
        ),
        fx(
            "KP344",
            |d| {
                routed(d);
                env(d, "prod").gateway = None;
            },
            no_change,
        ),
        fx(
            "KP345",
            |d| route(routed(d)).listener = "grpc".into(),
            |d| route(routed(d)).listener = String::new(),
        ),
        fx(
            "KP346",
            |d| gateway(routed(d)).admit = AdmitRoutes::Same,
            |d| gateway(routed(d)).admit = AdmitRoutes::All,
        ),
        fx(
            "KP347",
            |d| {
                route(routed(d)).rules[0].matches = vec![RouteMatch::Method {
                    service: "shop.v1.Cart".into(),
                    method: String::new(),
                }]
            },
            |d| {
                route(routed(d)).rules[0].matches.push(RouteMatch::Path {
                    kind: PathMatchKind::Exact,
                    value: "/healthz".into(),
                })
            },
        ),
        fx(
            "KP347",
            |d| {
                grpc(routed(d));
                route(d).rules[0].request_timeout = Some("10s".into());
            },
            |d| {
                grpc(routed(d));
            },
        ),
        fx(
            "KP348",
            |d| {
                let rule = &mut route(routed(d)).rules[0];
                rule.request_timeout = Some("10s".into());
                rule.backend_request_timeout = Some("30s".into());
            },
            |d| {
                let rule = &mut route(routed(d)).rules[0];
                rule.request_timeout = Some("30s".into());
                rule.backend_request_timeout = Some("10s".into());
            },
        ),
        fx(
            "KP348",
            |d| route(routed(d)).rules[0].request_timeout = Some("1.5s".into()),
            |d| route(routed(d)).rules[0].request_timeout = Some("1500ms".into()),
        ),
        fx(
            "KP349",
            |d| gateway(routed(d)).listeners[1].hostname = None,
            |d| {
                let g = gateway(routed(d));
                g.listeners[1].hostname = None;
                g.cert_manager = false;
            },
        ),
        fx(
            "KP349",
            |d| gateway(routed(d)).listeners[1].name = "http".into(),
            |d| gateway(routed(d)).listeners[1].name = "web".into(),
        ),
    ]
}

/// The baseline with api reached through a Gateway API route as well: each default-deny
/// environment has Envoy Gateway's kind of Gateway in a namespace of its own, admitting
/// the environment's routes, its proxies in `envoy-gateway-system`, with HTTP and HTTPS
/// listeners for shop.example.com and a certificate from cert-manager; api's HTTPRoute
/// attaches to the HTTPS listener and sends `/` to its http port. Clean in every
/// environment (tested below).
pub(crate) fn routed(d: &mut Design) -> &mut Design {
    for e in &mut d.environments {
        let listener = |name: &str, protocol, port| GatewayListener {
            name: name.into(),
            protocol,
            port,
            hostname: Some("shop.example.com".into()),
            certificate_secret: String::new(),
        };
        e.gateway = Some(Gateway {
            name: "public".into(),
            namespace: Some("gateway".into()),
            class: "eg".into(),
            listeners: vec![
                listener("http", ListenerProtocol::HTTP, 80),
                listener("https", ListenerProtocol::HTTPS, 443),
            ],
            admit: AdmitRoutes::Environment,
            create: true,
            cert_manager: true,
            proxy_namespace: Some("envoy-gateway-system".into()),
            residual: None,
        });
    }
    api(d).exposure.gateway_route = Some(GatewayRoute {
        hostnames: vec!["shop.example.com".into()],
        port: "http".into(),
        listener: "https".into(),
        rules: vec![RouteRule {
            matches: vec![RouteMatch::Path {
                kind: PathMatchKind::PathPrefix,
                value: "/".into(),
            }],
            ..RouteRule::default()
        }],
    });
    d
}

fn route(d: &mut Design) -> &mut GatewayRoute {
    api(d).exposure.gateway_route.as_mut().unwrap()
}

fn gateway(d: &mut Design) -> &mut Gateway {
    env(d, "prod").gateway.as_mut().unwrap()
}

/// A weighted backend added to api's first rule.
fn backend(d: &mut Design, service: &str, port: &str, weight: u32) {
    route(d).rules[0].backends.push(RouteBackend {
        service: service.into(),
        port: port.into(),
        weight,
    });
}

/// api's http port says gRPC, so its route is a GRPCRoute: matches by method.
fn grpc(d: &mut Design) {
    api(d).exposure.ports[0].app_protocol = Some("grpc".into());
    route(d).rules[0].matches = vec![RouteMatch::Method {
        service: "shop.v1.Cart".into(),
        method: String::new(),
    }];
}

#[test]
fn the_routed_baseline_is_clean_and_lets_the_gateways_proxies_in() {
    let mut d = baseline();
    routed(&mut d);
    for env in ["prod", "dev"] {
        let f = validate(&d, env);
        assert!(f.is_empty(), "{env}: {f:#?}");
    }
    let yaml = render(&d, "prod").to_yaml();
    assert!(yaml.contains("kind: HTTPRoute"), "{yaml}");
    let policy = kubeprint_core::yaml::parse_documents(&yaml)
        .unwrap()
        .into_iter()
        .find(|o| o["kind"] == "NetworkPolicy" && o["metadata"]["name"] == "api-allow")
        .unwrap();
    let from_proxies = policy["spec"]["ingress"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|r| {
            r["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                == "envoy-gateway-system"
        })
        .expect("an ingress rule from the proxies' namespace");
    assert_eq!(from_proxies["ports"][0]["port"], 8080);
}

/// A ServiceMonitor kept from an import that scrapes api's Service on `port`.
/// Under the operator, [`service_monitor`] of `http` kept in the `monitoring` namespace
/// with this `namespaceSelector`.
fn monitor_elsewhere(d: &mut Design, namespaces: serde_json::Value) {
    env(d, "prod").monitoring.scraping = Scraping::Operator;
    let mut m = service_monitor("http");
    m.0["metadata"]["namespace"] = "monitoring".into();
    m.0["spec"]["namespaceSelector"] = namespaces;
    d.pinned_objects.push(m);
}

fn service_monitor(port: &str) -> KeptObject {
    KeptObject(serde_json::json!({
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": "api-metrics", "labels": {"release": "prometheus"}},
        "spec": {
            "selector": {"matchLabels": {"app.kubernetes.io/name": "api"}},
            "endpoints": [{"port": port, "path": "/metrics"}],
        },
    }))
}

/// KP309 where the certificate cert-manager would issue lands in a Secret the design
/// declares: the fix terminates TLS with that Secret, so nothing is issued over it, and
/// an Ingress turned on beside such a Secret uses it from the start.
#[test]
fn an_issued_certificate_over_a_declared_secret_is_fixed_by_using_it() {
    let mut d = baseline();
    d.secrets.push(SecretDef {
        name: "api-tls".into(),
        kind: "kubernetes.io/tls".into(),
        keys: vec!["tls.crt".into(), "tls.key".into()],
        residual: None,
        external: false,
    });
    let id = api(&mut d).id;
    assert!(api(&mut d)
        .exposure
        .ingress
        .as_ref()
        .is_some_and(|r| r.issued()));
    let finding = (validate(&d, "prod").into_iter())
        .find(|f| f.code == "KP309")
        .expect("the issued certificate's Secret is the declared one");
    let fix = finding.fix.expect("a fix");
    assert_eq!(
        fix.label,
        "Terminate TLS with the Secret `api-tls` the design declares"
    );
    d.apply(fix.edit).unwrap();
    assert!(!codes(&validate(&d, "prod")).contains(&"KP309"));
    let route = api(&mut d).exposure.ingress.clone().unwrap();
    assert_eq!(
        (route.tls, route.tls_secret.as_deref()),
        (true, Some("api-tls"))
    );

    let s = d.service(id).unwrap().clone();
    assert_eq!(
        presets::ingress_in(&d, &s).tls_secret.as_deref(),
        Some("api-tls")
    );
    d.secrets.clear();
    assert_eq!(presets::ingress_in(&d, &s).tls_secret, None);
}

/// KP321 is a warning for an address that names a service of the design on a port its
/// Service does not have, default-deny or not: nothing else can deploy that service in
/// its place. A name the design does not run stays at info without default-deny (it may
/// be deployed by something else).
#[test]
fn an_address_on_a_port_a_design_service_lacks_is_a_warning_without_default_deny() {
    let severity = |value: &str| {
        let mut d = baseline();
        env(&mut d, "prod").default_deny = false;
        set_env(&mut d, "DB", value);
        let found = validate(&d, "prod");
        found.iter().find(|f| f.code == "KP321").map(|f| f.severity)
    };
    assert_eq!(severity("db.shop.svc:5433"), Some(Severity::Warning));
    assert_eq!(
        severity("inventory.shop.svc.cluster.local:8080"),
        Some(Severity::Info)
    );
    assert_eq!(severity("db.shop.svc:5432"), None);
}

/// A ClusterIP Service mapping 6432 to Postgres's 5432 made headless for its
/// StatefulSet (KP310's fix) has no virtual IP to map ports any more: the fix numbers
/// the port as the container does, and the address that dialed 6432 follows, so
/// neither KP323 nor the address rule has anything to say after it.
#[test]
fn making_a_service_headless_numbers_its_ports_as_the_container() {
    let mut d = baseline();
    db(&mut d).exposure.service = ServiceKind::ClusterIP;
    db(&mut d).exposure.ports[0].port = 6432;
    set_env(&mut d, "DB", "db.shop.svc:6432");
    let fix = (validate(&d, "prod").into_iter())
        .find(|f| f.code == "KP310")
        .and_then(|f| f.fix)
        .expect("KP310 offers a fix");
    assert_eq!(
        fix.label,
        "Make Service `db` headless, its ports numbered as the container's"
    );
    d.apply(fix.edit).unwrap();
    assert_eq!(db(&mut d).exposure.service, ServiceKind::Headless);
    assert_eq!(db(&mut d).exposure.ports[0].port, 5432);
    let value = (api(&mut d).config.env.iter())
        .find(|e| e.name == "DB")
        .map(|e| e.value.clone());
    assert_eq!(value, Some(EnvValue::Literal("db.shop.svc:5432".into())));
    let left: Vec<&str> = (validate(&d, "prod").into_iter())
        .map(|f| f.code)
        .filter(|c| ["KP310", "KP321", "KP323"].contains(c))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    // Where another port has that number already, two ports of one number would be
    // refused by the API: no fix, for either rule.
    let mut taken = baseline();
    let other = ServicePort {
        name: "exporter".into(),
        port: 5432,
        target: PortRef::Number(9187),
        ..ServicePort::default()
    };
    db(&mut taken).exposure.ports[0].port = 6432;
    db(&mut taken).exposure.ports.push(other);
    let fixes = |d: &Design, code: &str| -> Vec<Option<String>> {
        (validate(d, "prod").into_iter())
            .filter(|f| f.code == code && !f.message.contains("`exporter`"))
            .map(|f| f.fix.map(|x| x.label))
            .collect()
    };
    assert_eq!(fixes(&taken, "KP323"), [None]);
    db(&mut taken).exposure.service = ServiceKind::ClusterIP;
    assert_eq!(fixes(&taken, "KP310"), [None]);
}

/// `api` reads key `nginx.conf` of its ConfigMap, holding `text`, as a file.
fn mount_config_file(d: &mut Design, text: &str) {
    (d.config_maps[0].data).insert("nginx.conf".into(), text.into());
    let api = api(d);
    api.volumes.push(Volume {
        name: "files".into(),
        source: VolumeSource::ConfigMap {
            name: "api-config".into(),
        },
    });
    api.mounts.push(Mount {
        volume: "files".into(),
        path: "/etc/nginx/conf.d/default.conf".into(),
        read_only: true,
        sub_path: "nginx.conf".into(),
    });
}
