//! Import: existing manifests become a design whose rendering gives them back, problems
//! are reported per document with their line, and hostile input fails cleanly.

use kubeprint_core::import::{self, Outcome};
use kubeprint_core::{render, templates, validate};
use std::collections::BTreeMap;

#[path = "import/compose.rs"]
mod compose;

fn objects(yaml: &str) -> BTreeMap<(String, String), serde_json::Value> {
    kubeprint_core::yaml::parse_documents(yaml)
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .map(|d| {
            let v: serde_json::Value = serde_json::to_value(&d).unwrap();
            let key = (
                v["kind"].as_str().unwrap().to_string(),
                v["metadata"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            );
            (key, v)
        })
        .collect()
}

/// Import `input`, render the result, and check it gives the input back, object by object.
fn round_trip(input: &str, what: &str) -> import::Import {
    let imported = import::kubernetes(input);
    let env = imported.design.environments[0].name.clone();
    let back = render(&imported.design, &env).to_yaml();
    let (want, got) = (objects(input), objects(&back));
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing {missing:?}, extra {extra:?}"
    );
    for (k, v) in &want {
        assert_eq!(&got[k], v, "{what}: {k:?} differs after import and render");
    }
    imported
}

#[test]
fn every_templates_own_output_imports_and_renders_back_unchanged() {
    for t in templates::ALL {
        let d = (t.build)();
        for env in d.environments.iter().filter(|e| e.hosts_services) {
            let yaml = render(&d, &env.name).to_yaml();
            let imported = round_trip(&yaml, &format!("{} {}", t.name, env.name));
            // Everything becomes design, except NetworkPolicies, which are kept whole
            // (and still give the dependency edges).
            for r in &imported.documents {
                let ok = r.outcome == Outcome::Imported
                    || (r.kind == "NetworkPolicy" && matches!(r.outcome, Outcome::Kept(_)));
                assert!(ok, "{} {}: {r:?}", t.name, env.name);
            }
            assert_eq!(
                imported.design.services.len(),
                d.services.iter().filter(|s| env.deploys(s.id)).count()
            );
            let codes: Vec<_> = validate(&imported.design, &imported.design.environments[0].name)
                .into_iter()
                .map(|f| f.code)
                .collect();
            assert_eq!(
                codes.contains(&"KP610"),
                // An imported environment is prod: the input does not say, so the
                // strictest tier applies.
                !env.default_deny && d.services.iter().any(|s| env.deploys(s.id)),
                "{} {}: a default-deny kept from the input counts",
                t.name,
                env.name
            );
            assert_eq!(
                !imported.design.edges.is_empty(),
                env.default_deny && !d.edges.is_empty(),
                "{} {}: edges from policies",
                t.name,
                env.name
            );
        }
    }
}

#[test]
fn importing_runs_the_rules_on_what_people_run_today() {
    let yaml = render(&templates::connectum(), "prod").to_yaml();
    let imported = import::kubernetes(&yaml);
    let codes: Vec<_> = validate(&imported.design, &imported.design.environments[0].name)
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert!(
        codes.contains(&"KP103"),
        "the zero-slack grace period is found in imported YAML: {codes:?}"
    );
}

fn manifest(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/manifests/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The input without what cannot come back: skipped documents and Secret values.
fn expected_back(input: &str, imported: &import::Import) -> String {
    let skipped: Vec<&str> = imported
        .documents
        .iter()
        .filter(|d| matches!(d.outcome, Outcome::Skipped(_)))
        .map(|d| d.name.as_str())
        .collect();
    let docs: Vec<String> = kubeprint_core::yaml::parse_documents(input)
        .unwrap()
        .into_iter()
        .filter(|d| {
            !d.is_null() && !skipped.contains(&d["metadata"]["name"].as_str().unwrap_or_default())
        })
        .map(|mut d| {
            if d["kind"].as_str() == Some("Secret") {
                let keys: Vec<String> = d["data"]
                    .as_mapping()
                    .into_iter()
                    .flatten()
                    .map(|(k, _)| k.as_str().unwrap().to_string())
                    .collect();
                let m = d.as_mapping_mut().unwrap();
                m.remove("data");
                let placeholders: serde_yaml::Mapping = keys
                    .iter()
                    .map(|k| (k.as_str().into(), "CHANGE_ME".into()))
                    .collect();
                m.insert("stringData".into(), placeholders.into());
            }
            kubeprint_core::yaml::to_doc(&d)
        })
        .collect();
    docs.join("---\n")
}

#[test]
fn a_copied_guide_imports_with_its_quirks_intact() {
    let input = manifest("framework-m-guide.yaml");
    let imported = import::kubernetes(&input);
    let back = render(&imported.design, &imported.design.environments[0].name).to_yaml();
    assert_eq!(objects(&back), objects(&expected_back(&input, &imported)));
    let d = &imported.design;
    let s = &d.services[0];
    assert_eq!(
        (s.image.as_str(), s.tag.as_str(), s.container()),
        ("registry.example.com/framework-m", "latest", "backend")
    );
    let hpa = s
        .scaling
        .hpa
        .as_ref()
        .expect("framework-m-hpa attaches to its target by scaleTargetRef");
    assert_eq!((hpa.min, hpa.max, hpa.cpu_percent), (3, 10, Some(70)));
    assert!(
        back.contains("name: framework-m-hpa"),
        "and keeps its own name on export"
    );
    let codes: Vec<_> = validate(d, &d.environments[0].name)
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert!(
        codes.contains(&"KP608") && codes.contains(&"KP305"),
        "latest tag and the missing Secret: {codes:?}"
    );
}

#[test]
fn a_hand_written_app_keeps_everything_the_model_lacks() {
    let input = manifest("shop-mixed.yaml");
    let imported = import::kubernetes(&input);
    let status = |name: &str| {
        imported
            .documents
            .iter()
            .find(|d| d.name == name)
            .unwrap()
            .outcome
            .clone()
    };
    assert_eq!(status("web"), Outcome::Imported);
    // Kinds the model does not cover are kept whole, never dropped.
    assert!(matches!(status("migrate"), Outcome::Kept(r) if r.contains("does not model Job")));
    assert!(matches!(status("shop-tls"), Outcome::Kept(r) if r.contains("Certificate")));
    assert!(matches!(status("shop"), Outcome::Imported), "the Namespace");
    let line_of = |name: &str| {
        imported
            .documents
            .iter()
            .find(|d| d.name == name)
            .unwrap()
            .line
    };
    assert_eq!(
        line_of("migrate"),
        110,
        "reports point at the document's first line"
    );
    let back = render(&imported.design, "shop").to_yaml();
    assert_eq!(
        objects(&back),
        objects(&expected_back(&input, &imported)),
        "NodePort, fieldRef env, exec preStop and the two-path Ingress survive"
    );
    let web = &imported.design.services[0];
    assert_eq!(
        web.timing.pre_stop_seconds, 5,
        "sh -c sleep 5 is read as a 5 s preStop"
    );
    assert_eq!(web.timing.app_shutdown_seconds, 25, "SHUTDOWN_TIMEOUT=25s");
    assert_eq!(
        imported.design.environments[0].labels["istio-injection"],
        "enabled"
    );
    assert!(
        !back.contains("c2VjcmV0"),
        "no Secret value leaves an import"
    );
    let codes: Vec<_> = validate(&imported.design, "shop")
        .into_iter()
        .map(|f| f.code)
        .collect();
    assert!(
        codes.contains(&"KP102"),
        "grace 20 s < 5 s + 25 s: {codes:?}"
    );
}

#[test]
fn bad_documents_are_reported_with_their_lines_and_the_rest_imports() {
    let input = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\ndata:\n  A: b\n---\nkind: [unclosed\n---\n- just\n- a list\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n---\n42\n";
    let imported = import::kubernetes(input);
    let r = &imported.documents;
    assert_eq!(r.len(), 5, "{r:#?}");
    assert_eq!(r[0].outcome, Outcome::Imported);
    assert!(
        matches!(&r[1].outcome, Outcome::Skipped(m) if m.contains("invalid YAML at line 9") && m.contains("flow sequence at line 8")),
        "{:?}",
        r[1]
    );
    assert!(
        matches!(&r[2].outcome, Outcome::Skipped(m) if m.contains("not a Kubernetes object")),
        "{:?}",
        r[2]
    );
    assert!(
        matches!(&r[3].outcome, Outcome::Skipped(m) if m.contains("Helm template syntax") && m.contains("line 16")),
        "{:?}",
        r[3]
    );
    assert!(
        matches!(&r[4].outcome, Outcome::Skipped(m) if m.contains("not a Kubernetes object")),
        "{:?}",
        r[4]
    );
    assert_eq!(imported.design.config_maps.len(), 1);
}

#[test]
fn hostile_input_fails_cleanly() {
    // Billion laughs: aliases that expand exponentially.
    let r = import::kubernetes(include_str!("data/alias-bomb.yaml"));
    assert!(
        matches!(&r.documents[0].outcome, Outcome::Skipped(_)),
        "{:?}",
        r.documents
    );
    // Deep nesting.
    let deep = format!(
        "kind: ConfigMap\nx: {}{}\n",
        "[".repeat(5_000),
        "]".repeat(5_000)
    );
    assert!(
        matches!(&import::kubernetes(&deep).documents[0].outcome, Outcome::Skipped(m) if m.contains("invalid YAML"))
    );
    // Binary junk and a huge input.
    let junk: String = (0..200_000u32)
        .map(|i| char::from_u32((i * 7919) % 0xD7FF).unwrap_or('x'))
        .collect();
    let _ = import::kubernetes(&junk);
    let huge = "a".repeat(import::MAX_INPUT_BYTES + 1);
    assert!(
        matches!(&import::kubernetes(&huge).documents[0].outcome, Outcome::Skipped(m) if m.contains("at most 16 MiB"))
    );
}

#[test]
fn the_stfc_compose_stack_becomes_a_design_with_probes_grace_and_edges() {
    use kubeprint_core::{compose, PortRef, ProbeAction, WorkloadKind};
    let text = manifest("stfc-compose.yaml");
    let env_files = [(
        ".env".to_string(),
        "ICAT_URL=http://icat:8181\nLOG_LEVEL=INFO\nDB_PASSWORD=secret\n".to_string(),
    )]
    .into();
    let imported = compose::import(&text, &env_files);
    let d = &imported.design;
    let names: Vec<_> = d.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["fastapi-app", "icat-mariadb", "testdata"]);
    let api = d.service_named("fastapi-app").unwrap();
    assert_eq!(
        (api.image.as_str(), api.tag.as_str()),
        ("harbor.stfc.ac.uk/dseg/api", "main")
    );
    assert_eq!(api.ports[0].port, 8000);
    assert_eq!(api.timing.grace_period_seconds, 15, "stop_grace_period");
    let ready = api.probes.readiness.as_ref().unwrap();
    assert_eq!(
        ready.action,
        ProbeAction::Http {
            path: "/healthz".into(),
            port: PortRef::Name("http".into())
        }
    );
    assert_eq!(
        (
            ready.period_seconds,
            ready.timeout_seconds,
            ready.failure_threshold
        ),
        (10, 3, 3)
    );
    assert!(
        api.probes.startup.as_ref().unwrap().budget_seconds() >= 20,
        "start_period is covered by a startup probe"
    );
    let db = d.service_named("icat-mariadb").unwrap();
    assert_eq!(
        db.kind,
        WorkloadKind::StatefulSet,
        "a named volume makes it stateful"
    );
    assert_eq!(db.storage[0].mount_path, "/var/lib/mysql");
    assert_eq!(db.resources.cpu_request.as_deref(), Some("250m"));
    assert_eq!(db.resources.memory_limit.as_deref(), Some("1Gi"));
    assert!(
        matches!(&db.probes.readiness.as_ref().unwrap().action, ProbeAction::Exec { command } if command[0] == "healthcheck.sh")
    );
    // Secrets: keys only.
    let secret = d.secret("icat-mariadb-secrets").unwrap();
    assert_eq!(secret.keys, ["MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD"]);
    assert!(
        !kubeprint_core::file::to_json(d).contains("rootpw"),
        "no secret value enters the design"
    );
    assert_eq!(
        d.config_map("fastapi-app-env").unwrap().data["ICAT_URL"],
        "http://icat:8181"
    );
    // depends_on: edges, with the dependency's port.
    let edge = d
        .edges
        .iter()
        .find(|e| e.from == api.id && e.to == db.id)
        .expect("fastapi-app -> icat-mariadb");
    assert_eq!(edge.port, "port0");
    // The one-off task is flagged, not silently turned into a server.
    let testdata = imported
        .documents
        .iter()
        .find(|r| r.name == "testdata")
        .unwrap();
    assert!(
        matches!(&testdata.outcome, Outcome::Kept(n) if n.contains("Job")),
        "{testdata:?}"
    );
    // It renders to valid objects and the rules apply.
    assert!(!render(d, "prod").objects.is_empty());
    let codes: Vec<_> = validate(d, "prod").into_iter().map(|f| f.code).collect();
    assert!(
        codes.contains(&"KP601"),
        "compose images run as root unless told otherwise: {codes:?}"
    );
}

#[test]
fn a_compose_file_that_is_not_one_says_so() {
    use kubeprint_core::compose;
    let r = compose::import("apiVersion: v1\nkind: ConfigMap\n", &Default::default());
    assert!(matches!(&r.documents[0].outcome, Outcome::Skipped(m) if m.contains("no `services:`")));
    let r = compose::import("services: [unclosed", &Default::default());
    assert!(matches!(&r.documents[0].outcome, Outcome::Skipped(m) if m.contains("invalid YAML")));
}
