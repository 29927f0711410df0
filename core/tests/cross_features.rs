//! Paths between features, on the templates and every imported corpus manifest set, as
//! they are and with every Deployment a canary with analysis and every environment on the
//! Prometheus Operator: the objects render refers to exist (an HPA's target, a Rollout's
//! AnalysisTemplate, an alert's objects, a route's backends, a ServiceMonitor's Service
//! and port), and no rule's fix brings an error elsewhere.
#[path = "common/corpus.rs"]
mod corpus;

use kubeprint_core::editor::Editor;
use kubeprint_core::render::render;
use kubeprint_core::*;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn corpus() -> Vec<(String, Design)> {
    let mut out = corpus::designs();
    for t in [
        "connectum",
        "connectum-gateway",
        "miniredis",
        "framework-m",
        "stfc-fastapi",
    ] {
        if let Some(d) = templates::by_name(t) {
            out.push((t.to_string(), d));
        }
    }
    out
}

fn objs(d: &Design, env: &str) -> Vec<Value> {
    render(d, env).objects.iter().map(|o| o.to_json()).collect()
}

fn integrity(name: &str, d: &Design) -> Vec<String> {
    let mut bad = Vec::new();
    for env in &d.environments {
        let os = objs(d, &env.name);
        let has = |kind: &str, ns: &str, n: &str| {
            os.iter().any(|o| {
                o["kind"] == kind
                    && o["metadata"]["name"] == n
                    && o["metadata"]["namespace"].as_str().unwrap_or(ns) == ns
            })
        };
        for o in &os {
            let ns = o["metadata"]["namespace"]
                .as_str()
                .unwrap_or("")
                .to_string();
            let kind = o["kind"].as_str().unwrap_or("");
            if kind == "HorizontalPodAutoscaler" {
                let t = &o["spec"]["scaleTargetRef"];
                // The broken-references corpus names a missing workload on purpose.
                if !has(
                    t["kind"].as_str().unwrap(),
                    &ns,
                    t["name"].as_str().unwrap(),
                ) && !name.contains("broken-references")
                {
                    bad.push(format!("{name}/{}: HPA target {t}", env.name));
                }
            }
            if kind == "Rollout" {
                let s = o["spec"]["strategy"]["canary"].to_string();
                for part in s.split("\"templateName\":\"").skip(1) {
                    let t = part.split('"').next().unwrap();
                    // By name: a Rollout imported without a namespace has none.
                    if !os
                        .iter()
                        .any(|o| o["kind"] == "AnalysisTemplate" && o["metadata"]["name"] == t)
                    {
                        bad.push(format!("{name}/{}: Rollout template {t}", env.name));
                    }
                }
            }
            if kind == "PrometheusRule" {
                let s = o["spec"].to_string();
                for (label, k) in [
                    ("horizontalpodautoscaler", "HorizontalPodAutoscaler"),
                    ("poddisruptionbudget", "PodDisruptionBudget"),
                    ("deployment", "Deployment"),
                    ("statefulset", "StatefulSet"),
                    ("daemonset", "DaemonSet"),
                ] {
                    for part in s.split(&format!("{label}=\\\"")).skip(1) {
                        let t = part.split('\\').next().unwrap();
                        if !has(k, &ns, t) {
                            bad.push(format!("{name}/{}: alert on {k} {t}", env.name));
                        }
                    }
                }
            }
            if kind == "HTTPRoute" || kind == "GRPCRoute" {
                for r in o["spec"]["rules"].as_array().into_iter().flatten() {
                    for b in r["backendRefs"].as_array().into_iter().flatten() {
                        if !has("Service", &ns, b["name"].as_str().unwrap()) {
                            bad.push(format!("{name}/{}: route backend {b}", env.name));
                        }
                    }
                }
            }
            if kind == "ServiceMonitor" {
                let port = o["spec"]["endpoints"][0]["port"].as_str().unwrap_or("");
                let sel = &o["spec"]["selector"]["matchLabels"];
                let ok = os.iter().any(|svc| {
                    svc["kind"] == "Service"
                        && svc["metadata"]["namespace"].as_str().unwrap_or(&ns) == ns
                        && sel
                            .as_object()
                            .unwrap()
                            .iter()
                            .all(|(k, v)| &svc["metadata"]["labels"][k] == v)
                        && svc["spec"]["ports"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .any(|p| p["name"] == port)
                });
                if !ok {
                    bad.push(format!(
                        "{name}/{}: ServiceMonitor port {port} sel {sel}",
                        env.name
                    ));
                }
            }
        }
    }
    bad
}

fn operator_and_canary(mut d: Design) -> Design {
    for env in &mut d.environments {
        env.monitoring.scraping = Scraping::Operator;
    }
    for s in &mut d.services {
        if s.kind == WorkloadKind::Deployment {
            s.delivery.strategy = UpdateStrategy::Canary;
            s.delivery.analysis.get_or_insert_with(Analysis::default);
        }
    }
    d
}

#[test]
fn what_rendered_objects_refer_to_exists() {
    let mut bad = Vec::new();
    for (name, d) in corpus() {
        bad.extend(integrity(&name, &d));
        bad.extend(integrity(&format!("{name}+op"), &operator_and_canary(d)));
    }
    for b in &bad {
        println!("{b}");
    }
    assert!(bad.is_empty());
}

fn errors(d: &Design) -> BTreeSet<(String, String, Option<String>, String)> {
    rules::validate_all(d)
        .into_iter()
        .filter(|f| f.severity == rules::Severity::Error)
        .map(|f| (f.code.to_string(), f.env, f.service, f.path.to_string()))
        .collect()
}

#[test]
fn no_fix_brings_an_error_elsewhere() {
    let mut bad = Vec::new();
    for (name, d0) in corpus() {
        for d in [d0.clone(), operator_and_canary(d0)] {
            let before = errors(&d);
            for f in rules::validate_all(&d) {
                let Some(fix) = &f.fix else { continue };
                let mut d2 = d.clone();
                if let Err(e) = d2.apply(fix.edit.clone()) {
                    bad.push(format!("{name}: {} fix refused: {e}", f.code));
                    continue;
                }
                let after = rules::validate(&d2, &f.env);
                if after
                    .iter()
                    .any(|g| g.code == f.code && g.service == f.service && g.path == f.path)
                {
                    bad.push(format!("{name}: {} {:?} fix leaves it", f.code, f.service));
                }
                for e in errors(&d2).difference(&before) {
                    bad.push(format!(
                        "{name}: {} {:?} fix -> new error {e:?}",
                        f.code, f.service
                    ));
                }
            }
        }
    }
    for b in &bad {
        println!("{b}");
    }
    assert!(bad.is_empty());
}

/// Renaming a port is one edit, as renaming a service is: what names it follows (the
/// container's probes, the Service and load balancer ports that target it, the Ingress,
/// route and callers that name a Service port), so no error comes of it, before or
/// after a link. Every named port of every container and Service of the templates and
/// the imported corpus, one at a time, typed as people type: backspaced to nothing,
/// then the new name letter by letter, each keystroke an edit of one undo step.
#[test]
fn renaming_a_port_brings_no_error() {
    let mut bad = Vec::new();
    for (name, d) in corpus() {
        let before = errors(&d);
        for s in &d.services {
            let mut ports: Vec<(String, &String)> = Vec::new();
            ports.extend(
                s.ports
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("/ports/{i}/name"), &p.name)),
            );
            for (j, c) in s.containers.iter().enumerate() {
                let of = c.ports.iter().enumerate();
                ports.extend(of.map(|(i, p)| (format!("/containers/{j}/ports/{i}/name"), &p.name)));
            }
            let exposed = s.exposure.ports.iter().enumerate();
            ports.extend(exposed.map(|(i, p)| (format!("/exposure/ports/{i}/name"), &p.name)));
            let lb = s
                .exposure
                .load_balancer
                .iter()
                .flat_map(|lb| lb.ports.iter().enumerate());
            ports.extend(
                lb.map(|(i, p)| (format!("/exposure/load_balancer/ports/{i}/name"), &p.name)),
            );
            ports.retain(|(_, n)| !n.is_empty());
            for (at, port) in ports {
                let mut editor = Editor::new(d.clone());
                let typed = (0..port.len()).rev().map(|k| port[..k].to_string());
                let typed = typed.chain((1..="renamed".len()).map(|k| "renamed"[..k].to_string()));
                let mut refused = None;
                for text in typed {
                    let edit = Edit::Set {
                        path: FieldPath::service(s.id, &at),
                        value: text.clone().into(),
                    };
                    if let Err(e) = editor.dispatch(edit) {
                        refused = Some(format!("`{text}`: {e}"));
                    }
                }
                if let Some(e) = refused {
                    bad.push(format!("{name}: {} {at}: refused {e}", s.name));
                    continue;
                }
                let d2 = link::decode(&link::encode(&editor.design)).unwrap();
                for e in errors(&d2).difference(&before) {
                    bad.push(format!("{name}: {} {at} ({port}): new error {e:?}", s.name));
                }
            }
        }
    }
    for b in &bad {
        println!("{b}");
    }
    assert!(bad.is_empty(), "{} new errors", bad.len());
}

/// The findings of every environment that say a caller's address is wrong: an error,
/// or KP321 (an address naming a service without that port), counted by where they
/// point (an address may hold several).
fn stranded(d: &Design) -> BTreeMap<(String, String, Option<String>, String), usize> {
    let mut out = BTreeMap::new();
    let wrong = rules::validate_all(d)
        .into_iter()
        .filter(|f| f.severity == rules::Severity::Error || f.code == "KP321");
    for f in wrong {
        *out.entry((f.code.to_string(), f.env, f.service, f.path.to_string()))
            .or_default() += 1;
    }
    out
}

/// Numbering a port otherwise is one edit too: what names it by number follows (a
/// container port's probes and the Service ports that target it; a Service port's
/// callers, by the addresses in their configuration, their edges and routes, and the
/// Ingresses kept whole), so no error comes of it and no caller is left dialing a port
/// the Service lacks, before or after a link. Every port of every container and
/// Service of the templates and the imported corpus, one at a time, typed as people
/// type: backspaced to one digit, then the new number digit by digit.
#[test]
fn numbering_a_port_otherwise_brings_no_error_and_strands_no_caller() {
    let mut bad = Vec::new();
    let mut numbered = 0;
    for (name, d) in corpus() {
        let before = stranded(&d);
        for s in &d.services {
            let mut ports: Vec<(String, u16)> = Vec::new();
            ports.extend(
                s.ports
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (format!("/ports/{i}/port"), p.port)),
            );
            for (j, c) in s.containers.iter().enumerate() {
                let of = c.ports.iter().enumerate();
                ports.extend(of.map(|(i, p)| (format!("/containers/{j}/ports/{i}/port"), p.port)));
            }
            let exposed = s.exposure.ports.iter().enumerate();
            ports.extend(exposed.map(|(i, p)| (format!("/exposure/ports/{i}/port"), p.port)));
            for (k, (at, port)) in ports.into_iter().enumerate() {
                // A number no port of the design has.
                let new = 20011 + 100 * (k % 400) as u16;
                let old = port.to_string();
                let typed = (1..old.len()).rev().map(|n| old[..n].to_string());
                let typed = typed.chain((1..=5).map(|n| new.to_string()[..n].to_string()));
                let mut editor = Editor::new(d.clone());
                for text in typed {
                    let edit = Edit::Set {
                        path: FieldPath::service(s.id, &at),
                        value: text.parse::<u16>().unwrap().into(),
                    };
                    if let Err(e) = editor.dispatch(edit) {
                        bad.push(format!("{name}: {} {at}: `{text}` refused: {e}", s.name));
                    }
                }
                let d2 = link::decode(&link::encode(&editor.design)).unwrap();
                let more = stranded(&d2)
                    .into_iter()
                    .filter(|(k, n)| before.get(k).is_none_or(|b| b < n));
                for (e, _) in more {
                    bad.push(format!(
                        "{name}: {} {at} ({port} -> {new}): new {e:?}",
                        s.name
                    ));
                }
                numbered += 1;
            }
        }
    }
    for b in &bad {
        println!("{b}");
    }
    assert!(bad.is_empty(), "{} new findings", bad.len());
    assert!(numbered > 100, "only {numbered} ports numbered otherwise");
}

/// A variable of the service renamed letter by letter, through the name of a variable
/// only prod sets (`DATABASE_URL` to `DB_URL` through prod's `DB`): prod's own `DB`
/// stays prod's, and prod's value of the renamed variable follows it.
#[test]
fn renaming_a_variable_through_one_only_an_environment_sets_leaves_that_one_alone() {
    let mut d = templates::stfc_fastapi();
    let api = d.service_named("fastapi-app").unwrap().id;
    let vars = &mut d.service_mut(api).unwrap().config.env;
    vars.push(EnvVar::literal(
        "DATABASE_URL",
        "mysql://icat-mariadb:3306/icat",
    ));
    let at = vars.len() - 1;
    let o = d
        .environments
        .iter_mut()
        .find(|e| e.name == "prod")
        .unwrap();
    let o = o.overrides.entry(api).or_default();
    o.env.insert("DB".into(), VarHere::Value("orders".into()));
    o.env.insert(
        "DATABASE_URL".into(),
        VarHere::Value("mysql://icat-mariadb.icat:3306/icat".into()),
    );
    let mut editor = Editor::new(d);
    for k in 1..="DB_URL".len() {
        let edit = Edit::Set {
            path: FieldPath::service(api, &format!("/config/env/{at}/name")),
            value: "DB_URL"[..k].into(),
        };
        // Passing through prod's own `DB`, the name is refused (prod sets both) and
        // stays as typed; typing on renames from where the name started.
        match (editor.dispatch(edit), &"DB_URL"[..k]) {
            (Err(e), "DB") => assert!(e.to_string().contains("prod sets `DB` only for itself")),
            (Err(e), typed) => panic!("`{typed}` refused: {e}"),
            (Ok(()), typed) => assert_ne!(typed, "DB", "renamed onto prod's own"),
        }
    }
    let o = &editor.design.environment("prod").unwrap().overrides[&api];
    assert_eq!(o.env.get("DB"), Some(&VarHere::Value("orders".into())));
    assert_eq!(
        o.env.get("DB_URL"),
        Some(&VarHere::Value(
            "mysql://icat-mariadb.icat:3306/icat".into()
        ))
    );
    assert_eq!(o.env.len(), 2, "{:?}", o.env);
}
