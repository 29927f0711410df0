//! Fixtures of the name rules (KP4xx): the API server's grammars for names, labels and variables.
//! The checks are in `core/src/rules/names.rs`.

use super::*;

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP401",
            |d| api(d).name = "Api_Server".into(),
            |d| api(d).name = "api-server".into(),
        ),
        fx(
            "KP401",
            |d| env(d, "prod").namespace = "Shop".into(),
            |d| env(d, "prod").namespace = "shop-2".into(),
        ),
        fx(
            "KP401",
            |d| api(d).container_name = "Main".into(),
            |d| api(d).container_name = "main".into(),
        ),
        fx(
            "KP401",
            |d| d.config_maps[0].name = "API config".into(),
            no_change,
        ),
        // Data keys, the design's and an environment's own, and a Secret's.
        fx(
            "KP401",
            |d| {
                (d.config_maps[0].data).insert("log level".into(), "info".into());
            },
            |d| {
                (d.config_maps[0].data).insert("log.level".into(), "info".into());
            },
        ),
        fx(
            "KP401",
            |d| {
                let values = [("APP WORKERS".to_string(), "4".to_string())].into();
                env(d, "prod")
                    .config_values
                    .insert("api-config".into(), values);
            },
            |d| {
                let values = [("APP_WORKERS".to_string(), "4".to_string())].into();
                env(d, "prod")
                    .config_values
                    .insert("api-config".into(), values);
            },
        ),
        fx(
            "KP401",
            |d| d.secrets[0].keys.push("DB_PASSWORD".into()),
            |d| d.secrets[0].keys.push("DB_USER".into()),
        ),
        // An Ingress host, the service's and prod's own.
        fx(
            "KP401",
            |d| api(d).exposure.ingress.as_mut().unwrap().host = "https://Shop.example.com".into(),
            |d| api(d).exposure.ingress.as_mut().unwrap().host = "*.shop.example.com".into(),
        ),
        fx(
            "KP401",
            |d| {
                let id = api(d).id;
                let o = env(d, "prod").overrides.entry(id).or_default();
                o.ingress_host = Some("shop.example.com:443".into());
            },
            |d| {
                let id = api(d).id;
                let o = env(d, "prod").overrides.entry(id).or_default();
                o.ingress_host = Some("shop.example.com".into());
            },
        ),
        fx(
            "KP402",
            |d| {
                api(d).ports.push(ContainerPort {
                    name: "http-metrics-port".into(),
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
            "KP403",
            |d| {
                env(d, "prod").labels.insert("Bad Key".into(), "x".into());
            },
            |d| {
                env(d, "prod")
                    .labels
                    .insert("istio-injection".into(), "enabled".into());
            },
        ),
        fx(
            "KP403",
            |d| d.name = "My Shop".into(),
            |d| d.name = "my-shop".into(),
        ),
        fx(
            "KP403",
            |d| {
                (env(d, "prod").common_labels.labels).insert("env".into(), "prod us-east".into());
            },
            |d| {
                (env(d, "prod").common_labels.labels).insert("env".into(), "prod-us-east".into());
            },
        ),
        fx(
            "KP404",
            |d| api(d).config.env.push(EnvVar::literal("MY-VAR", "x")),
            |d| api(d).config.env.push(EnvVar::literal("MY_VAR", "x")),
        ),
        fx(
            "KP405",
            |d| env(d, "dev").namespace = "shop".into(),
            |d| env(d, "dev").namespace = "shop-staging".into(),
        ),
        fx(
            "KP406",
            |d| {
                let labels = &mut env(d, "prod").common_labels;
                labels
                    .labels
                    .insert("app.kubernetes.io/name".into(), "shop".into());
                labels.reach = LabelReach::Selectors;
            },
            |d| {
                let labels = &mut env(d, "prod").common_labels;
                labels
                    .labels
                    .insert("example.com/environment".into(), "prod".into());
                labels.reach = LabelReach::Selectors;
            },
        ),
    ]
    .into_iter()
    .chain(pods())
    .collect()
}

/// The name rules of the pod's other containers and its volumes.
fn pods() -> Vec<Fixture> {
    vec![
        fx(
            "KP401",
            |d| sidecar(d).name = "Proxy_1".into(),
            |d| sidecar(d).name = "proxy-1".into(),
        ),
        fx(
            "KP401",
            |d| {
                api(d).volumes.push(Volume {
                    name: "tmp.dir".into(),
                    source: VolumeSource::default(),
                })
            },
            |d| {
                api(d).volumes.push(Volume {
                    name: "tmp-dir".into(),
                    source: VolumeSource::default(),
                })
            },
        ),
        fx(
            "KP402",
            |d| {
                sidecar(d).ports.push(ContainerPort {
                    name: "proxy-admin-port".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                })
            },
            |d| {
                sidecar(d).ports.push(ContainerPort {
                    name: "proxy-admin".into(),
                    port: 9000,
                    protocol: Protocol::TCP,
                })
            },
        ),
        fx(
            "KP404",
            |d| {
                sidecar(d)
                    .config
                    .env
                    .push(EnvVar::literal("1_LISTEN", ":9000"))
            },
            |d| {
                sidecar(d)
                    .config
                    .env
                    .push(EnvVar::literal("LISTEN_1", ":9000"))
            },
        ),
    ]
}
