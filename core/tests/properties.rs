//! Laws that hold for every design, checked on random ones.

mod common;

use common::design;
use k8s_openapi::api::{
    apps::v1 as apps, autoscaling::v2 as hpa, batch::v1 as batch, core::v1 as core,
};
use k8s_openapi::api::{networking::v1 as net, policy::v1 as policy};
use kubeprint_core::crd::gateway;
use kubeprint_core::crd::{monitoring, rollouts};
use kubeprint_core::yaml::{from_value, parse_documents};
use kubeprint_core::*;
use proptest::prelude::*;

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
        "DaemonSet" => from_value::<apps::DaemonSet>(doc).map(Object::DaemonSet),
        "Job" => from_value::<batch::Job>(doc).map(Object::Job),
        "CronJob" => from_value::<batch::CronJob>(doc).map(Object::CronJob),
        "Service" => from_value::<core::Service>(doc).map(Object::Service),
        "Ingress" => from_value::<net::Ingress>(doc).map(Object::Ingress),
        "HorizontalPodAutoscaler" => {
            from_value::<hpa::HorizontalPodAutoscaler>(doc).map(Object::HorizontalPodAutoscaler)
        }
        "PodDisruptionBudget" => {
            from_value::<policy::PodDisruptionBudget>(doc).map(Object::PodDisruptionBudget)
        }
        "NetworkPolicy" => from_value::<net::NetworkPolicy>(doc).map(Object::NetworkPolicy),
        "Rollout" => from_value::<rollouts::Rollout>(doc).map(Object::Rollout),
        "AnalysisTemplate" => {
            from_value::<rollouts::AnalysisTemplate>(doc).map(Object::AnalysisTemplate)
        }
        "ServiceMonitor" => {
            from_value::<monitoring::ServiceMonitor>(doc).map(Object::ServiceMonitor)
        }
        "PodMonitor" => from_value::<monitoring::PodMonitor>(doc).map(Object::PodMonitor),
        "PrometheusRule" => {
            from_value::<monitoring::PrometheusRule>(doc).map(Object::PrometheusRule)
        }
        "Gateway" => from_value::<gateway::Gateway>(doc).map(Object::Gateway),
        "HTTPRoute" => from_value::<gateway::HTTPRoute>(doc).map(Object::HTTPRoute),
        "GRPCRoute" => from_value::<gateway::GRPCRoute>(doc).map(Object::GRPCRoute),
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

    /// Replicas are left to an HPA, unless the design says to write them beside it.
    #[test]
    fn an_hpa_removes_replicas_unless_told_to_keep_them(d in design()) {
        for env in &d.environments {
            for obj in render(&d, &env.name).objects {
                if let Object::Deployment(dep) = &obj {
                    let name = dep.metadata.name.as_deref().unwrap();
                    let svc = d.service_named(name).unwrap();
                    let managed = svc.scaling.hpa.is_some() && !svc.scaling.replicas_with_hpa;
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
                // The environment's own objects, not a service's.
                .filter(|o| !matches!(o, Object::Namespace(_) | Object::ConfigMap(_) | Object::Secret(_) | Object::Gateway(_)))
                .filter(|o| !matches!(o.name(), "default-deny-all" | "allow-dns-egress"))
                .map(|o| (o.kind().to_string(), o.name().to_string()))
                .collect();
            let predicted: BTreeSet<(String, String)> = d
                .services
                .iter()
                .filter(|s| env.deploys(s.id))
                .flat_map(|s| {
                    let s = effective(s, env);
                    render::object_names(&s, env)
                        .into_iter()
                        .map(|(k, n)| (k.to_string(), n.into_owned()))
                        .collect::<Vec<_>>()
                })
                .filter(|(kind, name)| !(kind == "Secret" && name.ends_with("-tls")))
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

/// The fields an environment may set a value of its own for, by their pointer in the
/// service.
fn overridable(s: &Service) -> Vec<String> {
    let fixed = [
        "/tag",
        "/scaling/replicas",
        "/scaling/hpa/min",
        "/scaling/hpa/max",
        "/resources/cpu_request",
        "/resources/memory_request",
        "/resources/cpu_limit",
        "/resources/memory_limit",
        "/exposure/ingress/host",
    ];
    let claims = (0..s.storage.len()).flat_map(|i| {
        [
            format!("/storage/{i}/size"),
            format!("/storage/{i}/storage_class"),
        ]
    });
    fixed.into_iter().map(String::from).chain(claims).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100))]

    /// What a field says an environment has of its own is what that environment
    /// renders there, and is found where it is set; a field an environment changes
    /// always says so.
    #[test]
    fn an_environments_own_value_is_the_one_it_renders(d in design()) {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        for env in &d.environments {
            for s in &d.services {
                let base = serde_json::to_value(s).unwrap();
                let here = serde_json::to_value(effective(s, env)).unwrap();
                for pointer in overridable(s) {
                    let (Some(was), Some(is)) = (base.pointer(&pointer), here.pointer(&pointer)) else {
                        continue;
                    };
                    match env.own_value(s, &pointer) {
                        Some((at, value)) => {
                            prop_assert_eq!(&text(is), &value, "{} {}", env.name, pointer);
                            prop_assert_eq!(d.field(&at).map(|v| text(&v)), Some(value));
                        }
                        None => prop_assert_eq!(was, is, "{} {} changed unsaid", env.name, pointer),
                    }
                }
                // The main container's variables, by name: an environment may leave one
                // out, which moves those after it.
                let runs = effective(s, env);
                for (i, var) in s.config.env.iter().enumerate() {
                    // (A name given twice is KP306's; which one an environment sets is
                    // not this property's question.)
                    if s.config.env.iter().filter(|v| v.name == var.name).count() > 1 {
                        continue;
                    }
                    let there = runs.config.env.iter().find(|v| v.name == var.name);
                    match env.own_value(s, &format!("/config/env/{i}/value/literal")) {
                        Some((at, value)) => {
                            let said = match there.map(|v| &v.value) {
                                None => "not set".to_string(),
                                Some(EnvValue::Literal(v)) if v.is_empty() => "(empty)".to_string(),
                                Some(EnvValue::Literal(v)) => v.clone(),
                                Some(other) => format!("{other:?}"),
                            };
                            prop_assert_eq!(said, value, "{} {}", env.name, var.name);
                            prop_assert!(d.field(&at).is_some());
                        }
                        None => prop_assert_eq!(there, Some(var), "{} {} changed unsaid", env.name, var.name),
                    }
                }
            }
        }
    }
}
