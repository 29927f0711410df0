//! Laws that hold for every design, checked on random ones.

use k8s_openapi::api::{apps::v1 as apps, autoscaling::v2 as hpa, core::v1 as core};
use k8s_openapi::api::{networking::v1 as net, policy::v1 as policy};
use kubeprint_core::yaml::{from_value, parse_documents};
use kubeprint_core::*;
use proptest::prelude::*;

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
        env in proptest::collection::vec(("[A-Z_]{1,8}", ".{0,8}"), 0..3),
        storage in any::<bool>(),
        security in any::<bool>(),
        ingress in any::<bool>(), lb in any::<bool>(), metrics in any::<bool>(),
    ) -> Service {
        let exposure_ports = ports.iter().map(|(n, p)| ServicePort {
            name: n.clone(), port: *p, target: PortRef::Name(n.clone()), ..ServicePort::default()
        }).collect::<Vec<_>>();
        Service {
            name,
            kind: if stateful { WorkloadKind::StatefulSet } else { WorkloadKind::Deployment },
            tag,
            ports: ports.iter().map(|(n, p)| ContainerPort { name: n.clone(), port: *p, protocol: Protocol::TCP }).collect(),
            exposure: Exposure {
                service: [ServiceKind::None, ServiceKind::ClusterIP, ServiceKind::Headless][svc_kind as usize],
                ingress: ingress.then(|| IngressRoute { host: "a.example.com".into(), path: String::new(), port: "http".into(), tls: true }),
                load_balancer: lb.then(|| LoadBalancer { ports: exposure_ports.clone(), annotations: Default::default() }),
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
            metrics: metrics.then(|| Metrics { port: PortRef::Name("http".into()), path: "/metrics".into() }),
            port_pools: vec![PortPool { name: "pool".into(), start: 7000, end: 7010, start_env: "P_START".into(), end_env: "P_END".into() }],
            ..Service::default()
        }
    }
}

prop_compose! {
    fn design()(
        services in proptest::collection::vec(service(), 0..6),
        edges in proptest::collection::vec((0usize..6, 0usize..6), 0..8),
        deny in any::<bool>(),
        override_replicas in proptest::option::of(0u32..5),
    ) -> Design {
        let mut d = Design::default();
        d.config_maps.push(ConfigMapDef { name: "shared".into(), data: [("K".to_string(), "v".to_string())].into(), residual: None  });
        d.secrets.push(SecretDef { name: "creds".into(), kind: "Opaque".into(), keys: vec!["PASSWORD".into()], residual: None  });
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
            if let (Some(&id), Some(r)) = (ids.first(), override_replicas) {
                env.overrides.insert(id, Override { replicas: Some(r), hpa_min: Some(r), ..Override::default() });
            }
        }
        d
    }
}

/// Parse a document back into the k8s-openapi type its `kind` names and check it is
/// exactly the object that was rendered.
fn reparses_exactly(doc: kubeprint_core::yaml::Value, original: &Object) -> Result<(), String> {
    let kind = doc["kind"].as_str().unwrap_or_default().to_string();
    let back = match kind.as_str() {
        "Namespace" => from_value::<core::Namespace>(doc).map(Object::Namespace),
        "ServiceAccount" => from_value::<core::ServiceAccount>(doc).map(Object::ServiceAccount),
        "ConfigMap" => from_value::<core::ConfigMap>(doc).map(Object::ConfigMap),
        "Secret" => from_value::<core::Secret>(doc).map(Object::Secret),
        "Deployment" => from_value::<apps::Deployment>(doc).map(Object::Deployment),
        "StatefulSet" => from_value::<apps::StatefulSet>(doc).map(Object::StatefulSet),
        "Service" => from_value::<core::Service>(doc).map(Object::Service),
        "Ingress" => from_value::<net::Ingress>(doc).map(Object::Ingress),
        "HorizontalPodAutoscaler" => {
            from_value::<hpa::HorizontalPodAutoscaler>(doc).map(Object::HorizontalPodAutoscaler)
        }
        "PodDisruptionBudget" => {
            from_value::<policy::PodDisruptionBudget>(doc).map(Object::PodDisruptionBudget)
        }
        "NetworkPolicy" => from_value::<net::NetworkPolicy>(doc).map(Object::NetworkPolicy),
        other => return Err(format!("unexpected kind {other:?}")),
    }
    .map_err(|e| format!("{kind} does not parse back: {e}"))?;
    if &back != original {
        return Err(format!("{kind} changed on the way through YAML"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_rendered_document_parses_back_into_its_type(d in design()) {
        for env in &d.environments {
            let bundle = render(&d, &env.name);
            let docs = parse_documents(&bundle.to_yaml()).unwrap();
            prop_assert_eq!(docs.len(), bundle.objects.len());
            for (doc, obj) in docs.into_iter().zip(&bundle.objects) {
                if let Err(e) = reparses_exactly(doc, obj) {
                    return Err(TestCaseError::fail(e));
                }
            }
        }
    }

    #[test]
    fn design_files_round_trip(d in design()) {
        prop_assert_eq!(file::from_json(&file::to_json(&d)).unwrap(), d);
    }

    #[test]
    fn an_hpa_always_removes_replicas(d in design()) {
        for env in &d.environments {
            for obj in render(&d, &env.name).objects {
                if let Object::Deployment(dep) = &obj {
                    let name = dep.metadata.name.as_deref().unwrap();
                    let svc = d.service_named(name).unwrap();
                    let managed = svc.scaling.hpa.is_some();
                    prop_assert_eq!(dep.spec.as_ref().unwrap().replicas.is_none(), managed);
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn validation_never_panics_and_every_fix_applies(d in design()) {
        for env in &d.environments {
            for f in validate(&d, &env.name) {
                if let Some(fix) = f.fix {
                    let mut copy = d.clone();
                    prop_assert!(copy.apply(fix.edit).is_ok(), "fix `{}` for {} does not apply", fix.label, f.code);
                }
            }
        }
    }

    #[test]
    fn object_names_match_what_render_creates(d in design()) {
        use std::collections::BTreeSet;
        for env in &d.environments {
            let rendered: BTreeSet<(String, String)> = render(&d, &env.name)
                .objects
                .iter()
                .filter(|o| !matches!(o, Object::Namespace(_) | Object::ConfigMap(_) | Object::Secret(_)))
                .filter(|o| !matches!(o.name(), "default-deny-all" | "allow-dns-egress"))
                .map(|o| (o.kind().to_string(), o.name().to_string()))
                .collect();
            let predicted: BTreeSet<(String, String)> = d
                .services
                .iter()
                .filter(|s| env.deploys(s.id))
                .flat_map(|s| render::object_names(&effective(s, env), env))
                .filter(|(kind, name)| !(*kind == "Secret" && name.ends_with("-tls")))
                .map(|(k, n)| (k.to_string(), n))
                .filter(|(k, n)| k != "NetworkPolicy" || rendered.contains(&(k.clone(), n.clone())))
                .collect();
            prop_assert_eq!(&rendered, &predicted);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn share_links_round_trip(d in design()) {
        let back = link::decode(&link::link("https://kubeprint.example/", &d)).unwrap();
        prop_assert_eq!(back, d);
    }

    #[test]
    fn the_link_decoder_never_panics_on_text(s in "\\PC{0,300}") {
        let _ = link::decode(&s);
        let _ = link::decode(&format!("#d=kp1.{s}"));
    }

    #[test]
    fn the_link_decoder_never_panics_on_compressed_junk(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        use base64::Engine;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let _ = link::decode(&format!("#d=kp1.{}", engine.encode(&bytes)));
        let deflated = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
        let _ = link::decode(&format!("#d=kp1.{}", engine.encode(deflated)));
    }

    #[test]
    fn the_link_decoder_never_panics_on_json_junk(v in json_value()) {
        use base64::Engine;
        let bytes = serde_json::to_vec(&v).unwrap();
        let deflated = miniz_oxide::deflate::compress_to_vec(&bytes, 6);
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let _ = link::decode(&format!("#d=kp1.{}", engine.encode(deflated)));
    }
}

/// Arbitrary JSON, with a bias towards the design's own field names and abbreviations.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let key = prop_oneof![
        Just("format_version".to_string()),
        Just("services".to_string()),
        Just("~g".to_string()),
        Just("labels".to_string()),
        Just("overrides".to_string()),
        "[a-z_~]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        Just(Value::from(1)),
        ".{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
