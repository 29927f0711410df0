//! Pods of several containers (init containers, native sidecars, regular containers) and
//! their volumes and mounts: how they render, how manifests with them import into the
//! model, and the laws between import, edit, link and render for them.

use kubeprint_core::edit::{Edit, FieldPath};
use kubeprint_core::model::*;
use kubeprint_core::{import, link, render};
use proptest::prelude::*;
use serde_json::{json, Value};

const SIDECARS: &str = include_str!("corpus/sidecars-and-volumes.yaml");
const MYSQL: &str = include_str!("corpus/mysql-statefulset.yaml");

/// The rendered workload of service `name` in the design's first environment.
fn workload(d: &Design, name: &str) -> Value {
    let env = &d.environments[0].name;
    render(d, env)
        .objects
        .iter()
        .find(|o| matches!(o.kind(), "Deployment" | "StatefulSet") && o.name() == name)
        .map(|o| o.to_json())
        .unwrap_or(Value::Null)
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|c| c["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// A web service with every kind of extra container and volume, made in the designer.
fn designed() -> Design {
    let mut d = Design::default();
    d.config_maps.push(ConfigMapDef {
        name: "web-config".into(),
        data: [("app.yaml".to_string(), "port: 8080\n".to_string())].into(),
        residual: None,
        hash_suffix: false,
    });
    d.config_maps.push(ConfigMapDef {
        name: "proxy-config".into(),
        data: [("LISTEN".to_string(), ":15000".to_string())].into(),
        residual: None,
        hash_suffix: false,
    });
    d.secrets.push(SecretDef {
        name: "web-tls".into(),
        kind: "kubernetes.io/tls".into(),
        keys: vec!["tls.crt".into(), "tls.key".into()],
        residual: None,
        external: false,
    });
    let mut s = Service {
        id: ServiceId(1),
        name: "web".into(),
        ports: vec![ContainerPort {
            name: "http".into(),
            port: 8080,
            protocol: Protocol::TCP,
        }],
        ..Service::default()
    };
    s.volumes = vec![
        Volume {
            name: "config".into(),
            source: VolumeSource::ConfigMap {
                name: "web-config".into(),
            },
        },
        Volume {
            name: "tls".into(),
            source: VolumeSource::Secret {
                name: "web-tls".into(),
            },
        },
        Volume {
            name: "tmp".into(),
            source: VolumeSource::EmptyDir {
                memory: true,
                size_limit: Some("64Mi".into()),
            },
        },
        Volume {
            name: "uploads".into(),
            source: VolumeSource::Claim {
                claim: "web-uploads".into(),
                read_only: true,
            },
        },
    ];
    s.mounts = vec![
        Mount {
            volume: "config".into(),
            path: "/etc/web/app.yaml".into(),
            read_only: true,
            sub_path: "app.yaml".into(),
        },
        Mount {
            volume: "tmp".into(),
            path: "/tmp".into(),
            ..Mount::default()
        },
    ];
    s.containers = vec![
        Container {
            name: "migrate".into(),
            role: ContainerRole::Init,
            image: "registry.example.com/web".into(),
            tag: "1.0.0".into(),
            args: vec!["migrate".into()],
            // Init containers take no probes: not written.
            probes: Probes {
                readiness: Some(Probe::http("/", PortRef::Number(8080))),
                ..Probes::default()
            },
            ..Container::default()
        },
        Container {
            name: "proxy".into(),
            role: ContainerRole::Sidecar,
            image: "registry.example.com/proxy".into(),
            tag: "2.1.0".into(),
            ports: vec![ContainerPort {
                name: "admin".into(),
                port: 15000,
                protocol: Protocol::TCP,
            }],
            probes: Probes {
                startup: Some(Probe::http("/ready", PortRef::Name("admin".into()))),
                ..Probes::default()
            },
            config: Config {
                env: Vec::new(),
                env_from: vec![EnvFrom::ConfigMap("proxy-config".into())],
            },
            mounts: vec![Mount {
                volume: "tls".into(),
                path: "/etc/proxy/tls".into(),
                read_only: true,
                sub_path: String::new(),
            }],
            shutdown_seconds: 5,
            needed_at_start: true,
            ..Container::default()
        },
        Container {
            name: "shipper".into(),
            role: ContainerRole::Regular,
            image: "registry.example.com/shipper".into(),
            tag: "3.1.9".into(),
            ..Container::default()
        },
    ];
    d.services.push(s);
    d.next_id = 2;
    d
}

#[test]
fn init_containers_and_sidecars_render_in_design_order_and_regular_ones_after_the_main() {
    let d = designed();
    let w = workload(&d, "web");
    let pod = &w["spec"]["template"]["spec"];
    assert_eq!(names(&pod["initContainers"]), ["migrate", "proxy"]);
    assert_eq!(names(&pod["containers"]), ["web", "shipper"]);
    let init = &pod["initContainers"];
    assert_eq!(init[0].get("restartPolicy"), None, "a plain init container");
    assert_eq!(init[1]["restartPolicy"], "Always", "the native sidecar");
    assert_eq!(
        init[0].get("readinessProbe"),
        None,
        "init containers take no probe"
    );
    assert_eq!(init[1]["startupProbe"]["httpGet"]["port"], "admin");
    assert_eq!(init[1]["ports"][0]["containerPort"], 15000);
    assert_eq!(
        init[1]["envFrom"][0]["configMapRef"]["name"],
        "proxy-config"
    );
    assert_eq!(
        init[1]["volumeMounts"],
        json!([{"name": "tls", "mountPath": "/etc/proxy/tls", "readOnly": true}])
    );
    assert_eq!(
        init[1]["securityContext"],
        json!({"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
               "capabilities": {"drop": ["ALL"]}}),
        "a new container starts hardened"
    );
    assert_eq!(
        pod["containers"][0]["volumeMounts"],
        json!([
            {"name": "config", "mountPath": "/etc/web/app.yaml", "readOnly": true, "subPath": "app.yaml"},
            {"name": "tmp", "mountPath": "/tmp"},
        ])
    );
    assert_eq!(
        pod["volumes"],
        json!([
            {"name": "config", "configMap": {"name": "web-config"}},
            {"name": "tls", "secret": {"secretName": "web-tls"}},
            {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "64Mi"}},
            {"name": "uploads", "persistentVolumeClaim": {"claimName": "web-uploads", "readOnly": true}},
        ])
    );
}

#[test]
fn the_config_checksum_covers_configmaps_read_by_any_container_or_mounted() {
    let checksum = |d: &Design| {
        workload(d, "web")["spec"]["template"]["metadata"]["annotations"]["checksum/config"].clone()
    };
    let d = designed();
    let before = checksum(&d);
    assert!(before.is_string(), "the pod reads ConfigMaps: {before}");
    for name in ["web-config", "proxy-config"] {
        let mut changed = d.clone();
        changed
            .apply(Edit::Set {
                path: FieldPath {
                    target: kubeprint_core::edit::Target::ConfigMap(name.into()),
                    pointer: "/data/NEW".into(),
                },
                value: json!("1"),
            })
            .unwrap();
        assert_ne!(
            checksum(&changed),
            before,
            "a change of {name} rolls the pods"
        );
    }
}

#[test]
fn a_design_without_containers_or_volumes_renders_no_trace_of_them() {
    let d = kubeprint_core::templates::scaled(3);
    for s in &d.services {
        let w = workload(&d, &s.name);
        let pod = &w["spec"]["template"]["spec"];
        assert_eq!(pod.get("initContainers"), None);
        assert_eq!(pod.get("volumes"), None);
        assert_eq!(names(&pod["containers"]).len(), 1);
    }
}

#[test]
fn a_sidecar_manifest_imports_into_containers_volumes_and_mounts() {
    let imported = import::kubernetes(SIDECARS);
    let d = &imported.design;
    let orders = d.service_named("orders").unwrap();
    assert_eq!(
        orders.container(),
        "orders",
        "the container named like the workload is the main one, though listed second"
    );
    let roles: Vec<(&str, ContainerRole)> = orders
        .containers
        .iter()
        .map(|c| (c.name.as_str(), c.role))
        .collect();
    assert_eq!(
        roles,
        [
            ("cloud-sql-proxy", ContainerRole::Sidecar),
            ("wait-for-db", ContainerRole::Init),
            ("migrate", ContainerRole::Init),
            ("log-shipper", ContainerRole::Regular),
        ]
    );
    let proxy = &orders.containers[0];
    assert_eq!(
        (proxy.image.as_str(), proxy.tag.as_str()),
        ("gcr.io/cloud-sql-connectors/cloud-sql-proxy", "2.14.1")
    );
    assert_eq!(proxy.ports[0].port, 9090);
    assert!(proxy.probes.startup.is_some() && proxy.probes.liveness.is_some());
    assert_eq!(proxy.resources.memory_limit.as_deref(), Some("128Mi"));
    assert_eq!(proxy.security.run_as_non_root, Some(true));
    let migrate = &orders.containers[2];
    assert_eq!(
        migrate.config.env_from,
        [EnvFrom::Secret("orders-db".into())]
    );
    let shipper = &orders.containers[3];
    assert_eq!(
        shipper
            .mounts
            .iter()
            .map(|m| (m.volume.as_str(), m.sub_path.as_str(), m.read_only))
            .collect::<Vec<_>>(),
        [
            ("logs", "", true),
            ("fluent-bit-config", "fluent-bit.conf", true)
        ]
    );
    assert!(
        shipper.config.env.is_empty(),
        "a fieldRef variable stays a residual detail"
    );
    let volumes: Vec<&str> = orders.volumes.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(
        volumes,
        ["config", "tls", "tmp", "logs", "fluent-bit-config"]
    );
    assert_eq!(
        orders.volumes[2].source,
        VolumeSource::EmptyDir {
            memory: true,
            size_limit: Some("64Mi".into())
        }
    );
    let mounts: Vec<&str> = orders.mounts.iter().map(|m| m.volume.as_str()).collect();
    assert_eq!(
        mounts,
        ["config", "tls", "tmp", "logs"],
        "the projected token volume is not modelled, nor its mount"
    );
    // What the model lacks stays residual, under keyed paths; nothing modelled does.
    let kept: Vec<String> = orders.residual[&ResidualRole::Workload]
        .0
        .iter()
        .map(|c| c.at.to_string())
        .filter(|at| {
            at.contains("Containers") || at.contains("containers") || at.contains("volumes")
        })
        .collect();
    for at in &kept {
        assert!(
            at.ends_with("/protocol")
                || at.ends_with("/periodSeconds")
                || at.contains("identity-token")
                || at.ends_with("[name=wait-for-db]/imagePullPolicy")
                || at.ends_with("[name=log-shipper]/env")
                || at.ends_with("[name=config]/configMap/items")
                || at.ends_with("[name=tls]/secret/defaultMode")
                || at == "/spec/template/spec/containers",
            "only what the model lacks is kept: {at} (of {kept:#?})"
        );
    }
    assert!(kept.contains(
        &"/spec/template/spec/initContainers/[name=wait-for-db]/imagePullPolicy".to_string()
    ));
    let search = d.service_named("search").unwrap();
    assert_eq!(search.storage[0].mount_path, "/usr/share/search/data");
    assert_eq!(
        search.mounts,
        [Mount {
            volume: "data".into(),
            path: "/usr/share/search/snapshots".into(),
            read_only: false,
            sub_path: "snapshots".into(),
        }],
        "a second mount of the claim is a mount of it"
    );
    assert_eq!(search.containers[0].security.run_as_user, Some(0));
    assert_eq!(search.containers[0].mounts[0].volume, "data");
}

#[test]
fn a_design_with_containers_and_volumes_survives_a_link_and_a_file() {
    for d in [designed(), import::kubernetes(SIDECARS).design] {
        let url = link::link("https://kubeprint.example/", &d);
        assert_eq!(link::decode(&url).unwrap(), d);
        let back = kubeprint_core::file::from_json(&kubeprint_core::file::to_json(&d)).unwrap();
        assert_eq!(back, d);
    }
}

/// A modelled field of an extra container, volume or mount, a value for it, and where it
/// must show in the rendered pod spec: `container:NAME` then a pointer from that
/// container, `volume:NAME` from that volume, or `mount:PATH` from the main container's
/// mount at that path.
fn pod_edits(s: &Service) -> Vec<(String, Value, String)> {
    let mut out = Vec::new();
    for (i, c) in s.containers.iter().enumerate() {
        let at = |p: &str| format!("container:{}{p}", c.name);
        out.push((
            format!("/containers/{i}/tag"),
            json!("9.9.9-edited"),
            at("/image"),
        ));
        out.push((
            format!("/containers/{i}/resources/cpu_request"),
            json!("77m"),
            at("/resources/requests/cpu"),
        ));
        out.push((
            format!("/containers/{i}/args"),
            json!(["--edited"]),
            at("/args"),
        ));
        out.push((
            format!("/containers/{i}/security/read_only_root_fs"),
            json!(true),
            at("/securityContext/readOnlyRootFilesystem"),
        ));
    }
    for (i, v) in s.volumes.iter().enumerate() {
        out.push((
            format!("/volumes/{i}/source"),
            json!({"type": "empty_dir", "memory": true}),
            format!("volume:{}/emptyDir/medium", v.name),
        ));
    }
    for (i, m) in s.mounts.iter().enumerate() {
        out.push((
            format!("/mounts/{i}/read_only"),
            json!(true),
            format!("mount:{}/readOnly", m.path),
        ));
    }
    out
}

fn shown(d: &Design, s: &Service, at: &str) -> Value {
    let w = workload(d, &s.name);
    let pod = &w["spec"]["template"]["spec"];
    let find = |list: &Value, key: &str, want: &str| -> Value {
        list.as_array()
            .into_iter()
            .flatten()
            .find(|x| x[key] == want)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let (kind, rest) = at.split_once(':').unwrap();
    let (name, pointer) = match rest.find('/') {
        Some(i) if kind != "mount" => rest.split_at(i),
        _ => {
            // A mount path holds slashes: the pointer is its last segment.
            let i = rest.rfind('/').unwrap();
            rest.split_at(i)
        }
    };
    let item = match kind {
        "container" => match find(&pod["initContainers"], "name", name) {
            Value::Null => find(&pod["containers"], "name", name),
            c => c,
        },
        "volume" => find(&pod["volumes"], "name", name),
        _ => {
            let main = find(&pod["containers"], "name", s.container());
            find(&main["volumeMounts"], "mountPath", name)
        }
    };
    item.pointer(pointer).cloned().unwrap_or(Value::Null)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Import a manifest of multi-container pods, edit any modelled field of an extra
    /// container, a volume or a mount, share it as a link: the YAML of the opened link
    /// shows the edit (a kept detail never hides it).
    #[test]
    fn an_edit_of_an_imported_pod_reaches_the_yaml_after_a_link(
        manifest in any::<bool>(),
        service in any::<prop::sample::Index>(),
        edit in any::<prop::sample::Index>(),
        link_first in any::<bool>(),
    ) {
        let text = if manifest { SIDECARS } else { MYSQL };
        let mut d = import::kubernetes(text).design;
        if link_first {
            d = link::decode(&link::link("https://k.example/", &d)).unwrap();
        }
        let s = d.services[service.index(d.services.len())].clone();
        let edits = pod_edits(&s);
        prop_assume!(!edits.is_empty());
        let (pointer, value, at) = edits[edit.index(edits.len())].clone();
        d.apply(Edit::Set { path: FieldPath::service(s.id, &pointer), value: value.clone() })
            .unwrap();
        let opened = link::decode(&link::link("https://k.example/", &d)).unwrap();
        prop_assert_eq!(&opened, &d);
        let edited = opened.service(s.id).unwrap().clone();
        let got = shown(&opened, &edited, &at);
        let want = if pointer.ends_with("/tag") {
            let i: usize = pointer.split('/').nth(2).unwrap().parse().unwrap();
            json!(edited.containers[i].image_ref())
        } else if pointer.ends_with("/source") {
            json!("Memory")
        } else {
            value
        };
        prop_assert_eq!(got, want, "{} of {} did not reach the YAML", pointer, s.name);
    }
}

#[test]
fn framework_m_migrates_in_an_init_container_before_it_serves() {
    let d = kubeprint_core::templates::framework_m();
    for name in [
        "framework-m-backend",
        "framework-m-sales",
        "framework-m-wms",
    ] {
        let w = workload(&d, name);
        let pod = &w["spec"]["template"]["spec"];
        let migrate = &pod["initContainers"][0];
        assert_eq!(migrate["name"], "migrate", "{name}");
        assert_eq!(
            migrate.get("restartPolicy"),
            None,
            "runs to completion first"
        );
        assert_eq!(
            migrate["image"], pod["containers"][0]["image"],
            "{name}: the app's own image"
        );
        assert_eq!(migrate["command"], json!(["m", "migrate"]));
        assert_eq!(
            migrate["envFrom"], pod["containers"][0]["envFrom"],
            "{name}: the app's database settings"
        );
        // The readiness check still ignores migrations: unchanged from the guide.
        assert_eq!(
            pod["containers"][0]["readinessProbe"]["httpGet"]["path"],
            "/ready"
        );
    }
    let sales = workload(&d, "framework-m-sales");
    assert_eq!(
        sales["spec"]["template"]["spec"]["initContainers"][0]["env"],
        json!([{"name": "INSTALLED_APPS", "value": "app1,sales"}]),
        "each combination migrates the apps it installs"
    );
}

#[test]
fn framework_ms_migration_step_adds_no_finding() {
    let d = kubeprint_core::templates::framework_m();
    let mut without = d.clone();
    for s in &mut without.services {
        s.containers.clear();
    }
    for env in &d.environments {
        let found = |d: &Design| -> Vec<String> {
            kubeprint_core::rules::validate(d, &env.name)
                .into_iter()
                .map(|f| format!("{} {} {}", f.code, f.path, f.message))
                .collect()
        };
        assert_eq!(found(&d), found(&without), "{}", env.name);
    }
}

#[test]
fn the_timeline_puts_sidecars_after_the_main_containers_in_reverse_order() {
    let mut d = designed();
    let s = &mut d.services[0];
    s.timing.pre_stop_seconds = 5;
    s.timing.app_shutdown_seconds = 20;
    s.timing.grace_period_seconds = 30;
    // Two sidecars: `proxy` (5 s, defined first) and `agent` (4 s); a regular container
    // that stops in 12 s, together with the main one.
    let mut agent = s.containers[1].clone();
    agent.name = "agent".into();
    agent.shutdown_seconds = 4;
    s.containers.push(agent);
    s.containers[2].shutdown_seconds = 12;
    let s = d.services[0].clone();
    let t = kubeprint_core::insight::shutdown_timeline(&d, &s);
    assert_eq!(t.main_done, 25);
    let stops: Vec<(&str, u32, u32)> = t
        .sidecars
        .iter()
        .map(|x| (x.name.as_str(), x.from, x.until))
        .collect();
    assert_eq!(stops, [("agent", 25, 29), ("proxy", 29, 34)]);
    assert_eq!((t.all_done(), t.slack, t.span()), (34, -4, 34));
    assert_eq!(t.slack_text(), "overrun 4 s");
    assert!(
        t.summary()
            .starts_with("main containers 25 s (preStop 5 s + drain 20 s), then sidecars agent 4 s + proxy 5 s = 34 s, grace 30 s: overrun"),
        "{}",
        t.summary()
    );
    let found = kubeprint_core::rules::validate(&d, "prod");
    let kp116 = found.iter().find(|f| f.code == "KP116").expect("KP116");
    assert!(kp116.message.contains("sidecars 9 s"), "{}", kp116.message);
    let mut fixed = d.clone();
    fixed.apply(kp116.fix.clone().unwrap().edit).unwrap();
    let t = kubeprint_core::insight::shutdown_timeline(&fixed, &fixed.services[0]);
    assert_eq!(
        (t.grace, t.slack),
        (36, 2),
        "the fix leaves the usual slack"
    );
}
