//! Import: existing manifests become a design whose rendering gives them back, problems
//! are reported per document with their line, and hostile input fails cleanly.

use kubeprint_core::import::{self, Outcome};
use kubeprint_core::{link, render, rules, templates, validate, Design, Edit, FieldPath};
use serde_json::Value;
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
    let mut read_from_config = 0;
    for t in templates::ALL {
        let d = (t.build)();
        for env in d.environments.iter().filter(|e| e.hosts_services) {
            let yaml = render(&d, &env.name).to_yaml();
            let imported = round_trip(&yaml, &format!("{} {}", t.name, env.name));
            // Everything becomes design, NetworkPolicies included: default-deny, its
            // edges, and Prometheus' namespace when it scrapes through them.
            for r in &imported.documents {
                assert_eq!(
                    r.outcome,
                    Outcome::Imported,
                    "{} {}: {r:?}",
                    t.name,
                    env.name
                );
            }
            let back = &imported.design;
            // ... and all of it is model: nothing is kept as a residual either.
            for s in &back.services {
                assert!(
                    s.residual.is_empty(),
                    "{} {} {}: {:?}",
                    t.name,
                    env.name,
                    s.name,
                    s.residual
                );
            }
            let config = back.config_maps.iter().map(|c| &c.residual);
            let secrets = back.secrets.iter().map(|c| &c.residual);
            let envs = back.environments.iter().map(|e| &e.residual);
            assert!(
                config.chain(secrets).chain(envs).all(Option::is_none),
                "{} {}",
                t.name,
                env.name
            );
            assert_eq!(back.environments[0].default_deny, env.default_deny);
            // The alerts' severity says which services are critical.
            let m = &back.environments[0].monitoring;
            if m.alerts && m.scraping == kubeprint_core::model::Scraping::Operator {
                for s in &back.services {
                    let own = d.services.iter().find(|o| o.name == s.name).unwrap();
                    assert_eq!(
                        s.critical, own.critical,
                        "{} {} {}",
                        t.name, env.name, s.name
                    );
                }
            }
            let scraped = d
                .services
                .iter()
                .any(|s| env.deploys(s.id) && s.metrics.is_some());
            assert_eq!(
                back.cluster.monitoring_namespace,
                d.cluster
                    .monitoring_namespace
                    .clone()
                    .filter(|_| env.default_deny && scraped),
                "{} {}",
                t.name,
                env.name
            );
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
            // Under default-deny the edges come from the policies; without, from the
            // addresses the configuration names: either way only edges the template has.
            if env.default_deny {
                assert_eq!(
                    !imported.design.edges.is_empty(),
                    !d.edges.is_empty(),
                    "{} {}: edges from policies",
                    t.name,
                    env.name
                );
            }
            let named = |design: &Design, e: &kubeprint_core::Edge| {
                let name = |id| design.service(id).map(|s| s.name.clone());
                (name(e.from), name(e.to), e.port.clone())
            };
            let template_edges: Vec<_> = d.edges.iter().map(|e| named(&d, e)).collect();
            for e in &imported.design.edges {
                let e = named(&imported.design, e);
                assert!(
                    template_edges.contains(&e),
                    "{} {}: {e:?} is no edge of the template",
                    t.name,
                    env.name
                );
            }
            if !env.default_deny {
                read_from_config += imported.design.edges.len();
            }
        }
    }
    // The templates name their dependencies in their configuration (a database URL, an
    // OTLP endpoint), so environments without policies still get edges from it.
    assert!(
        read_from_config >= 3,
        "{read_from_config} edges read from configuration"
    );
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

/// The input without what cannot come back: skipped documents and Secret values, which
/// come back as placeholders, marked so.
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
                let meta = d["metadata"].as_mapping_mut().unwrap();
                let annotations = meta
                    .entry("annotations".into())
                    .or_insert_with(|| serde_yaml::Mapping::new().into());
                annotations.as_mapping_mut().unwrap().insert(
                    kubeprint_core::render::PLACEHOLDERS_ANNOTATION.into(),
                    "every value is a placeholder: set real values outside Kubeprint".into(),
                );
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
    // The migration Job is a modelled service now; kinds the model does not cover are
    // kept whole, never dropped.
    assert_eq!(status("migrate"), Outcome::Imported);
    assert_eq!(
        imported.design.service_named("migrate").map(|s| s.kind),
        Some(kubeprint_core::WorkloadKind::Job)
    );
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

/// An imported `sh -c "sleep 5"` preStop is the design's 5 s sleep, written back as the
/// input's command: its seconds edited, the command sleeps as long (one handler, never
/// the command beside a native sleep, which the API server refuses), also after a link;
/// set to 0, no preStop is left, and back to 5 the command comes back. Told to, the
/// design writes the native sleep action instead.
#[test]
fn an_imported_exec_pre_stop_keeps_its_form_when_edited() {
    let imported = import::kubernetes(&manifest("shop-mixed.yaml"));
    let mut design = imported.design;
    let web = design.service_named("web").unwrap().id;
    let pre_stop = |design: &Design| -> Value {
        let yaml = render(design, "shop").to_yaml();
        let deployment = &objects(&yaml)[&("Deployment".to_string(), "web".to_string())];
        deployment["spec"]["template"]["spec"]["containers"][0]["lifecycle"]["preStop"].clone()
    };
    let set = |design: &mut Design, path: &str, value: Value| {
        let path = FieldPath::service(web, path);
        design.apply(Edit::Set { path, value }).unwrap();
    };
    let command =
        |n: u32| serde_json::json!({"exec": {"command": ["sh", "-c", format!("sleep {n}")]}});
    assert_eq!(pre_stop(&design), command(5), "as imported");
    set(&mut design, "/timing/pre_stop_seconds", 10.into());
    assert_eq!(pre_stop(&design), command(10));
    let linked = link::decode(&link::encode(&design)).unwrap();
    assert_eq!(pre_stop(&linked), command(10), "after a link");
    set(&mut design, "/timing/pre_stop_seconds", 0.into());
    assert_eq!(pre_stop(&design), Value::Null);
    set(&mut design, "/timing/pre_stop_seconds", 5.into());
    assert_eq!(pre_stop(&design), command(5), "the input's again");
    set(&mut design, "/timing/pre_stop_sleep_command", Value::Null);
    assert_eq!(
        pre_stop(&design),
        serde_json::json!({"sleep": {"seconds": 5}})
    );
    set(&mut design, "/timing/pre_stop_seconds", 7.into());
    assert_eq!(
        pre_stop(&design),
        serde_json::json!({"sleep": {"seconds": 7}})
    );
}

/// A preStop command that does more than sleep (`nginx -s quit; sleep 0`) runs whatever
/// its sleep: imported at 0 s it stays, an edit of the seconds changes its number, and
/// set to 0 again it still runs.
#[test]
fn a_pre_stop_command_that_does_more_than_sleep_runs_at_zero_seconds() {
    let yaml = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge
spec:
  selector:
    matchLabels: {app: edge}
  template:
    metadata:
      labels: {app: edge}
    spec:
      containers:
        - name: nginx
          image: nginx:1.27.3
          lifecycle:
            preStop:
              exec:
                command: [/bin/sh, -c, nginx -s quit; sleep 0]
";
    let mut design = import::kubernetes(yaml).design;
    let env = design.environments[0].name.clone();
    let id = design.service_named("edge").unwrap().id;
    let pre_stop = |design: &Design| -> Value {
        let yaml = render(design, &env).to_yaml();
        let deployment = &objects(&yaml)[&("Deployment".to_string(), "edge".to_string())];
        deployment["spec"]["template"]["spec"]["containers"][0]["lifecycle"]["preStop"].clone()
    };
    let command = |n: u32| serde_json::json!({"exec": {"command": ["/bin/sh", "-c", format!("nginx -s quit; sleep {n}")]}});
    assert_eq!(pre_stop(&design), command(0), "as imported");
    let mut set = |seconds: u32| {
        let path = FieldPath::service(id, "/timing/pre_stop_seconds");
        design
            .apply(Edit::Set {
                path,
                value: seconds.into(),
            })
            .unwrap();
        pre_stop(&design)
    };
    assert_eq!(set(5), command(5));
    assert_eq!(set(0), command(0));
}

/// The commands read as a sleep are those that end in one of whole seconds, and the
/// number written back is the one in that place.
#[test]
fn a_pre_stop_command_is_a_sleep_when_it_ends_in_one() {
    use kubeprint_core::model::{only_sleeps, seconds_slept, sleeping};
    let c = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    for (command, seconds) in [
        (c(&["sleep", "5"]), Some(5)),
        (c(&["/bin/sleep", "15"]), Some(15)),
        (c(&["/bin/sh", "-c", "sleep 5"]), Some(5)),
        (c(&["sh", "-c", "nginx -s quit; sleep 20"]), Some(20)),
        (c(&["sh", "-c", "sleep \"3\""]), Some(3)),
        (c(&["sh", "-c", "sleep 5 && nginx -s quit"]), None),
        (c(&["sh", "-c", "sleep 5s"]), None),
        (c(&["sh", "-c", "nosleep 5"]), None),
        (c(&["sh", "-c", "drain;sleep 7"]), Some(7)),
        (c(&["/drain.sh"]), None),
        (c(&[]), None),
    ] {
        assert_eq!(seconds_slept(&command), seconds, "{command:?}");
    }
    assert_eq!(
        sleeping(&c(&["sh", "-c", "nginx -s quit; sleep 20"]), 8),
        c(&["sh", "-c", "nginx -s quit; sleep 8"])
    );
    assert_eq!(sleeping(&c(&["sleep", "5"]), 12), c(&["sleep", "12"]));
    // The native sleep action does all that these do, and not what the others do.
    for (command, only) in [
        (c(&["sleep", "5"]), true),
        (c(&["/bin/sleep", "5"]), true),
        (c(&["/bin/sh", "-c", "sleep 5"]), true),
        (c(&["sh", "-c", " sleep 5"]), true),
        (c(&["sh", "-c", "nginx -s quit; sleep 20"]), false),
        (c(&["/drain.sh", "sleep 5"]), false),
        (c(&["/drain.sh"]), false),
    ] {
        assert_eq!(only_sleeps(&command), only, "{command:?}");
    }
    assert_eq!(
        sleeping(&c(&["sh", "-c", "sleep \"3\""]), 30),
        c(&["sh", "-c", "sleep \"30\""])
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
        matches!(&import::kubernetes(&deep).documents[0].outcome, Outcome::Skipped(m) if m.contains("nested deeper than 128 levels at line 2"))
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
    // MariaDB's 3306, which compose leaves unnamed, is named for what it speaks.
    assert_eq!(edge.port, "mysql");
    // The one-off task the API waits for becomes a Job, and the report says why.
    let testdata = imported
        .documents
        .iter()
        .find(|r| r.name == "testdata")
        .unwrap();
    assert!(
        testdata.outcome == Outcome::Imported
            && testdata
                .note
                .as_deref()
                .is_some_and(|n| n.contains("imported as a Job")),
        "{testdata:?}"
    );
    assert_eq!(d.service_named("testdata").unwrap().kind, WorkloadKind::Job);
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
    // The report's line is where the YAML goes wrong, as the message says it; a line
    // indented with a tab is named as the likely cause.
    let bad = "services:\n  api:\n    image: shop-api:1.4\n    ports:\n      - \"8080:8080\"\n   environment:\n      A: b\n";
    let r = compose::import(bad, &Default::default());
    assert_eq!(r.documents[0].line, 6);
    assert!(
        matches!(&r.documents[0].outcome, Outcome::Skipped(m) if m.starts_with("invalid YAML at line 6: ")),
        "{:?}",
        r.documents[0].outcome
    );
    let r = compose::import("services:\n  api:\n\timage: x\n", &Default::default());
    assert_eq!(r.documents[0].line, 3);
    assert!(
        matches!(&r.documents[0].outcome, Outcome::Skipped(m) if m.contains("line 3 is indented with a tab")),
        "{:?}",
        r.documents[0].outcome
    );
}

fn corpus(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/corpus/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The rendered objects of an imported design, as JSON by (kind, name).
fn rendered(imported: &import::Import) -> BTreeMap<(String, String), serde_json::Value> {
    let env = &imported.design.environments[0].name;
    render(&imported.design, env)
        .objects
        .iter()
        .map(|o| ((o.kind().to_string(), o.name().to_string()), o.to_json()))
        .collect()
}

fn outcome<'i>(imported: &'i import::Import, kind: &str, name: &str) -> &'i Outcome {
    &imported
        .documents
        .iter()
        .find(|d| d.kind == kind && d.name == name)
        .unwrap_or_else(|| panic!("{kind} {name} in {:#?}", imported.documents))
        .outcome
}

#[test]
fn a_byte_order_mark_is_not_part_of_the_first_document() {
    let input = corpus("bom-and-anchors.yaml");
    assert!(input.starts_with('\u{feff}'));
    let imported = import::kubernetes(&input);
    assert_eq!(imported.documents.len(), 5, "{:#?}", imported.documents);
    assert_eq!(
        (
            imported.documents[0].kind.as_str(),
            imported.documents[0].line
        ),
        ("Namespace", 1)
    );
    // A BOM right before the first `---`, and at the start of a second file.
    let ns = "---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n";
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\n";
    let imported = import::kubernetes_files(vec![
        ("ns.yaml".into(), format!("\u{feff}{ns}")),
        ("cm.yaml".into(), format!("\u{feff}{cm}")),
    ]);
    let r = &imported.documents;
    assert_eq!(r.len(), 2, "{r:#?}");
    assert!(r.iter().all(|d| d.outcome == Outcome::Imported), "{r:#?}");
    assert_eq!((r[0].line, r[1].line), (2, 1));
}

#[test]
fn merge_keys_are_applied_with_explicit_keys_winning() {
    let imported = import::kubernetes(&corpus("bom-and-anchors.yaml"));
    for d in &imported.documents {
        assert_eq!(d.outcome, Outcome::Imported, "{d:?}");
    }
    let out = rendered(&imported);
    let deployment = |name: &str| &out[&("Deployment".to_string(), name.to_string())];
    let api = &deployment("quotes-api")["spec"]["template"]["spec"]["containers"];
    let probe = |path: &str, initial: Option<i64>, period: i64, timeout: i64, failure: i64| {
        let mut p = serde_json::json!({
            "httpGet": {"path": path, "port": "http"},
            "periodSeconds": period,
            "timeoutSeconds": timeout,
            "failureThreshold": failure,
        });
        if let Some(i) = initial {
            p["initialDelaySeconds"] = i.into();
        }
        p
    };
    assert_eq!(
        api[0]["livenessProbe"],
        probe("/healthz", Some(10), 10, 2, 3)
    );
    assert_eq!(
        api[0]["readinessProbe"],
        probe("/healthz", Some(0), 5, 2, 3)
    );
    assert_eq!(
        api[0]["startupProbe"],
        probe("/healthz", Some(10), 10, 2, 30)
    );
    assert_eq!(
        api[1]["resources"],
        serde_json::json!({"requests": {"cpu": "20m", "memory": "32Mi"}, "limits": {"memory": "512Mi"}}),
        "merging is shallow: requests replaced, limits merged"
    );
    let web = &deployment("quotes-web")["spec"]["template"];
    assert_eq!(
        web["metadata"]["labels"],
        serde_json::json!({
            "app.kubernetes.io/name": "quotes-web",
            "app.kubernetes.io/part-of": "quotes",
            "app.kubernetes.io/component": "frontend",
        }),
        "`<<: [*a, *b]` merges both"
    );
    let containers = &web["spec"]["containers"];
    assert_eq!(
        containers[0]["readinessProbe"],
        serde_json::json!({"httpGet": {"path": "/", "port": "http"}, "periodSeconds": 10, "timeoutSeconds": 1, "failureThreshold": 2})
    );
    assert_eq!(containers[1]["resources"], containers[0]["resources"]);
    assert_eq!(
        containers[1]["env"][0]["value"], "http://quotes-api.quotes.svc.cluster.local",
        "aliases keep working"
    );
    let ports = &out[&("Service".to_string(), "quotes-web".to_string())]["spec"]["ports"];
    assert_eq!(
        ports,
        &serde_json::json!([
            {"name": "http", "port": 80, "targetPort": "http"},
            {"name": "metrics", "port": 9102, "targetPort": "metrics"},
        ])
    );
}

#[test]
fn helm_braces_in_values_that_parse_are_text_not_a_template() {
    let input = corpus("helm-rendered.yaml");
    let imported = import::kubernetes(&input);
    assert_eq!(
        outcome(&imported, "Deployment", "payments-ledger"),
        &Outcome::Imported
    );
    assert_eq!(
        outcome(&imported, "ConfigMap", "payments-ledger-alerts"),
        &Outcome::Imported
    );
    assert!(
        !imported
            .documents
            .iter()
            .any(|d| matches!(&d.outcome, Outcome::Skipped(m) if m.contains("Helm template"))),
        "{:#?}",
        imported.documents
    );
    // Its test Pod is left out: Helm runs it on `helm test` only.
    assert!(imported.documents.iter().any(|d| d.kind == "Pod"
        && matches!(&d.outcome, Outcome::Skipped(m) if m.starts_with("a Helm test hook"))));
    let out = rendered(&imported);
    let pod = &out[&("Deployment".to_string(), "payments-ledger".to_string())]["spec"]["template"];
    assert_eq!(
        pod["metadata"]["annotations"]["ledger.acme.dev/owner"],
        "{{ .Values.team }}"
    );
    assert_eq!(
        pod["metadata"]["annotations"]["ledger.acme.dev/build"],
        "ledger {{ .Values.image.tag }}"
    );
    let rules = out[&(
        "ConfigMap".to_string(),
        "payments-ledger-alerts".to_string(),
    )]["data"]["ledger.rules.yaml"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(rules.contains("Ledger 5xx ratio is {{ $value | humanizePercentage }}"));
    assert!(rules.contains(r#"restarted {{ printf "%.0f" $value }} times"#));
}

#[test]
fn an_unrendered_helm_template_is_named_as_one() {
    let template = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n  labels:\n    {{- include \"web.labels\" . | nindent 4 }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n";
    let r = import::kubernetes(template).documents;
    assert_eq!(r[0].outcome, Outcome::Imported);
    assert!(
        matches!(&r[1].outcome, Outcome::Skipped(m) if m.contains("unrendered Helm template") && m.contains("line 9") && m.contains("helm template")),
        "{:?}",
        r[1]
    );
    // Valid YAML whose quoted value cannot be the field it is in: the same hint.
    let quoted = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: \"{{ .Values.replicaCount }}\"\n";
    let r = import::kubernetes(quoted).documents;
    assert!(
        matches!(&r[0].outcome, Outcome::Skipped(m) if m.contains("not a valid Deployment") && m.contains("Helm template syntax `{{ … }}` at line 6")),
        "{:?}",
        r[0]
    );
    // A package.json given by mistake ends its nested objects with `}}`: no template.
    let package = r#"{"name":"payments-web","version":"1.0.0","scripts":{"build":"vite build"},"dependencies":{"react":"^18.2.0"}}"#;
    let r = import::kubernetes(package).documents;
    let no_kind = "not a Kubernetes object: it has no `kind` (an object has apiVersion and kind)";
    assert_eq!(r[0].outcome, Outcome::Skipped(no_kind.into()));
    // A document cut short after its apiVersion: what it lacks; a list: what it is not.
    let r = import::kubernetes("apiVersion: po\n---\n- a\n- b\n").documents;
    assert_eq!(r[0].outcome, Outcome::Skipped(no_kind.into()));
    assert_eq!(
        r[1].outcome,
        Outcome::Skipped(
            "not a Kubernetes object: expected a mapping with apiVersion and kind".into()
        )
    );
}

#[test]
fn yaml_1_1_octal_modes_read_as_kubernetes_reads_them() {
    let input = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    mode: \"0644\"\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n          volumeMounts:\n            - name: scripts\n              mountPath: /scripts\n      volumes:\n        - name: scripts\n          configMap:\n            name: scripts\n            defaultMode: 0755\n            items:\n              - key: run.sh\n                path: run.sh\n                mode: 0500\n";
    let imported = import::kubernetes(input);
    assert_eq!(
        imported.documents[0].outcome,
        Outcome::Imported,
        "{:?}",
        imported.documents
    );
    let out = rendered(&imported);
    let web = &out[&("Deployment".to_string(), "web".to_string())];
    let volume = &web["spec"]["template"]["spec"]["volumes"][0]["configMap"];
    assert_eq!(volume["defaultMode"], 0o755);
    assert_eq!(volume["items"][0]["mode"], 0o500);
    assert_eq!(
        web["metadata"]["annotations"]["mode"], "0644",
        "quoted stays text"
    );
    // Where a number cannot go, Kubernetes refuses it too; the report says why.
    let zip = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: office\ndata:\n  ZIP: 01234\n";
    let r = import::kubernetes(zip).documents;
    assert!(
        matches!(&r[0].outcome, Outcome::Skipped(m) if m.contains("`01234` at line 6 is an octal number")),
        "{r:?}"
    );
    // The corpus's batch file: `defaultMode: 0755` in a CronJob, `---` inside a block
    // scalar that must not split it.
    let imported = import::kubernetes(&corpus("cronjobs.yaml"));
    assert_eq!(imported.documents.len(), 7, "{:#?}", imported.documents);
    assert!(
        !imported
            .documents
            .iter()
            .any(|d| matches!(&d.outcome, Outcome::Skipped(m) if m.contains("invalid"))),
        "{:#?}",
        imported.documents
    );
    let settings = imported.design.config_map("report-settings").unwrap();
    assert!(settings.data["daily-template.md"].starts_with("---\ntitle: Daily operations report\n"));
}

/// Generous bound on the refusal of hostile input: only a guard against hangs (the
/// timings themselves are in BENCHMARKS.md).
const HANG: std::time::Duration = std::time::Duration::from_secs(20);

#[test]
fn nesting_100000_deep_is_refused_before_parsing() {
    // The deep document starts on line 6; its nesting on line 7 or 8.
    let cases = [
        (format!("kind: ConfigMap\nx: {}\n", "[".repeat(100_000)), 7),
        (
            format!(
                "kind: ConfigMap\nx: {}1{}\n",
                "{a: ".repeat(100_000),
                "}".repeat(100_000)
            ),
            7,
        ),
        (
            format!("kind: ConfigMap\nx:\n{}1\n", "- ".repeat(100_000)),
            8,
        ),
    ];
    for (deep, line) in &cases {
        let text = format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n---\n{deep}");
        let t = std::time::Instant::now();
        let r = import::kubernetes(&text);
        assert!(t.elapsed() < HANG, "{:?}", t.elapsed());
        assert_eq!(r.documents[0].outcome, Outcome::Imported);
        let message = format!("nested deeper than 128 levels at line {line}");
        assert!(
            matches!(&r.documents[1].outcome, Outcome::Skipped(m) if m.contains(&message)),
            "{:?}",
            r.documents[1]
        );
    }
    let t = std::time::Instant::now();
    let r = import::kubernetes(include_str!("data/alias-bomb.yaml"));
    assert!(t.elapsed() < HANG, "{:?}", t.elapsed());
    assert!(
        matches!(&r.documents[0].outcome, Outcome::Skipped(m) if m.contains("repetition limit")),
        "{:?}",
        r.documents
    );
}

/// A Deployment whose indentation broke in a paste cannot be read; its Service and HPA,
/// which would have joined it, are kept whole. The summary says so first, with where and
/// what to do, before the counts that would otherwise read as a mostly good import; with
/// several files it names the file.
#[test]
fn the_summary_says_first_that_a_document_could_not_be_read() {
    let service = "apiVersion: v1
kind: Service
metadata:
  name: orders-api
spec:
  selector:
    app.kubernetes.io/name: orders-api
  ports:
    - name: http
      port: 80
      targetPort: http
";
    let deployment = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders-api
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: orders-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: orders-api
    spec:
      containers:
        - name: orders-api
          image: ghcr.io/acme/orders-api:3.2.1
           ports:
            - name: http
              containerPort: 8080
";
    let hpa = "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: orders-api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: orders-api
  minReplicas: 3
  maxReplicas: 10
";
    let pdb = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: orders-api
spec:
  minAvailable: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: orders-api
";
    let text = format!("{service}---\n{deployment}---\n{hpa}---\n{pdb}");
    let imported = import::kubernetes(&text);
    let summary = imported.summary();
    assert!(
        summary.starts_with(
            "1 document could not be read (Deployment `orders-api`: invalid YAML at line 29: "
        ),
        "{summary}"
    );
    assert!(
        summary.contains("): fix it and check again; until then, what belongs with it is kept whole or missing. 3 of 4 documents imported (3 kept whole)"),
        "{summary}"
    );
    // What stayed whole says what it is missing.
    // Only what reads as a kind and a name is taken from a broken document's lines.
    let odd = import::kubernetes("kind: [broken\nmetadata:\n  name: {{ .Release.Name }}\n");
    assert_eq!(
        (
            odd.documents[0].kind.as_str(),
            odd.documents[0].name.as_str()
        ),
        ("", "")
    );
    let broken = &imported.documents[1];
    assert!(broken.unreadable);
    assert_eq!(
        (broken.kind.as_str(), broken.name.as_str()),
        ("Deployment", "orders-api"),
        "as its lines say"
    );
    let reasons: Vec<(&str, &Outcome)> = (imported.documents.iter())
        .filter(|d| !d.unreadable)
        .map(|d| (d.kind.as_str(), &d.outcome))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "Service",
                &Outcome::Kept("it selects no workload of this import; exported as it is".into())
            ),
            (
                "HorizontalPodAutoscaler",
                &Outcome::Kept(
                    "it scales Deployment `orders-api`, which is not in this import; exported as it is"
                        .into()
                )
            ),
            (
                "PodDisruptionBudget",
                &Outcome::Kept("it guards no workload of this import; exported as it is".into())
            ),
        ]
    );
    let files = vec![("orders.yaml".to_string(), text.clone())];
    let summary = import::kubernetes_files(files).summary();
    assert!(
        summary
            .starts_with("1 document could not be read (`orders.yaml`, Deployment `orders-api`: invalid YAML at line 29: "),
        "{summary}"
    );
    let two_broken = format!("{text}---\n{deployment}");
    let summary = import::kubernetes(&two_broken).summary();
    assert!(
        summary.starts_with("2 documents could not be read (the first, Deployment `orders-api`: invalid YAML at line 29: "),
        "{summary}"
    );
    assert!(summary.contains("fix them and check again; until then, what belongs with them"));
    // Every document read: the summary starts with the counts, as before.
    let good = text.replace("           ports:", "          ports:");
    assert!(import::kubernetes(&good)
        .summary()
        .starts_with("4 of 4 documents imported (0 kept whole)"));
}

/// An imported design is named after what its objects say: the system they are part
/// of, else the Helm release that installed them, else their namespace, and a paste
/// that names none of those after its first service, not `default`.
#[test]
fn an_imported_design_is_named_after_its_system_not_default() {
    let deployment = |namespace: &str, labels: &str| {
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders-api
{namespace}  labels:
    app.kubernetes.io/name: orders-api
{labels}spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: orders-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: orders-api
    spec:
      containers:
        - name: orders-api
          image: ghcr.io/acme/orders-api:3.2.1
"
        )
    };
    let name = |yaml: String| import::kubernetes(&yaml).design.name;
    let helm = "    app.kubernetes.io/instance: orders\n    app.kubernetes.io/managed-by: Helm\n";
    let part_of = "    app.kubernetes.io/part-of: shop\n";
    assert_eq!(name(deployment("", "")), "orders-api");
    assert_eq!(name(deployment("", helm)), "orders");
    assert_eq!(name(deployment("  namespace: payments\n", "")), "payments");
    assert_eq!(name(deployment("  namespace: payments\n", helm)), "orders");
    assert_eq!(name(deployment("", &format!("{helm}{part_of}"))), "shop");
    // The environment keeps the namespace's name.
    let d = import::kubernetes(&deployment("", helm)).design;
    assert_eq!(d.environments[0].name, "default");
}

/// The app's shutdown timeout, which the timing rules weigh against the grace period,
/// is read from a config file the pod mounts from a ConfigMap when no variable sets it:
/// YAML, properties and JSON, in seconds or milliseconds. A variable wins over the file;
/// a setting that is not a duration is passed over.
#[test]
fn the_shutdown_timeout_is_read_from_a_mounted_config_file() {
    let app = |file: &str, env: &str| {
        format!(
            "apiVersion: v1
kind: ConfigMap
metadata:
  name: orders-config
data:
{file}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders-api
spec:
  selector:
    matchLabels:
      app: orders-api
  template:
    metadata:
      labels:
        app: orders-api
    spec:
      terminationGracePeriodSeconds: 20
      containers:
        - name: orders-api
          image: ghcr.io/acme/orders-api:3.2.1
          lifecycle:
            preStop:
              sleep:
                seconds: 5
{env}          volumeMounts:
            - name: config
              mountPath: /etc/orders/app.yaml
              subPath: app.yaml
      volumes:
        - name: config
          configMap:
            name: orders-config
"
        )
    };
    let yaml = "  app.yaml: |
    server:
      port: 8080
      shutdownTimeoutEnabled: true
      shutdownTimeout: 30s  # drain in-flight orders
    db:
      timeout: 5s";
    let properties = "  application.properties: |
    server.port=8080
    spring.lifecycle.timeout-per-shutdown-phase=25s";
    let json = "  settings.json: |
    {\"listen\": \":8080\", \"shutdown_timeout_ms\": 1500}";
    let json_lines = "  settings.json: |
    {
      \"listen\": \":8080\",
      \"shutdown_timeout_ms\": 12500
    }";
    let none = "  app.yaml: |
    server:
      shutdownTimeout: soon";
    let variable = "          env:
            - name: SHUTDOWN_TIMEOUT
              value: 10s
";
    let drains = |file: &str, env: &str| {
        let d = import::kubernetes(&app(file, env)).design;
        d.services[0].timing.app_shutdown_seconds
    };
    assert_eq!(drains(yaml, ""), 30);
    assert_eq!(drains(properties, ""), 25);
    assert_eq!(drains(json_lines, ""), 13, "12,500 ms, rounded up");
    assert_eq!(drains(none, ""), 0, "not a duration");
    assert_eq!(drains(yaml, variable), 10, "the variable wins");
    // One line of JSON with several settings is not read as one setting.
    assert_eq!(drains(json, ""), 0);
    // The timing rules see it: 5 s of preStop and 30 s of drain do not fit in 20 s.
    let d = import::kubernetes(&app(yaml, "")).design;
    let env = d.environments[0].name.clone();
    let kp102: Vec<String> = (validate(&d, &env).into_iter())
        .filter(|f| f.code == "KP102")
        .map(|f| f.message)
        .collect();
    assert_eq!(
        kp102,
        ["grace 20 s < preStop 5 s + shutdown 30 s = 35 s: SIGKILL comes 15 s before the app has drained"]
    );
}

/// An input that names no namespace (a chart rendered for `kubectl apply -n`) comes back
/// without one, and so does what the design adds to it afterwards: a Secret KP609's fix
/// makes, a new service's objects, also after a link. An input that names one keeps it.
#[test]
fn what_is_added_to_an_input_without_namespaces_names_none_either() {
    let input = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments
spec:
  selector:
    matchLabels: {app: payments}
  template:
    metadata:
      labels: {app: payments}
    spec:
      containers:
        - name: payments
          image: ghcr.io/acme/payments:1.0.0
          env:
            - name: DB_PASSWORD
              value: hunter2
";
    let mut d = import::kubernetes(input).design;
    let env = d.environments[0].name.clone();
    let fix = (validate(&d, &env).into_iter())
        .find(|f| f.code == "KP609")
        .and_then(|f| f.fix)
        .expect("KP609's fix");
    d.apply(fix.edit).unwrap();
    let mut extra = d.services[0].clone();
    extra.name = "ledger".into();
    d.apply(Edit::AddService(Box::new(extra))).unwrap();
    let d = link::decode(&link::encode(&d)).unwrap();
    let objects = render(&d, &env).objects;
    let named: Vec<String> = (objects.iter())
        .filter(|o| o.to_json()["metadata"].get("namespace").is_some())
        .map(|o| format!("{} {}", o.kind(), o.name()))
        .collect();
    assert!(named.is_empty(), "{named:?}");
    let kinds: Vec<&str> = objects.iter().map(|o| o.kind()).collect();
    assert!(kinds.contains(&"Secret") && kinds.iter().filter(|k| **k == "Deployment").count() == 2);
    // The bundle's README says to name the namespace on the command line, as the input
    // was meant to be applied.
    let readme = |d: &Design| {
        let files = kubeprint_core::export::bundle(d);
        files
            .into_iter()
            .find(|f| f.path == "README.md")
            .unwrap()
            .contents
    };
    let text = readme(&d);
    for command in [
        format!("kubectl apply -k kustomize/overlays/{env} -n <namespace>"),
        format!("kubectl apply -f rendered/{env}.yaml -n <namespace>"),
    ] {
        assert!(text.contains(&command), "{command}: {text}");
    }
    assert!(!text.contains("# namespace"), "{text}");
    // Named in the input: every object, new ones included, names it.
    let named_input = input.replace(
        "  name: payments\nspec:",
        "  name: payments\n  namespace: shop\nspec:",
    );
    let d = import::kubernetes(&named_input).design;
    let objects = render(&d, "shop").objects;
    assert!(objects
        .iter()
        .all(|o| o.to_json()["metadata"]["namespace"] == "shop"));
    let text = readme(&d);
    assert!(
        text.contains("kubectl apply -k kustomize/overlays/shop    # namespace shop"),
        "{text}"
    );
    assert!(!text.contains("<namespace>"), "{text}");
}

/// `helm template` prints a chart's test Pod; Helm only runs it on `helm test`. It is
/// left out with why (applied with the rest it would run as an ordinary Pod), while a
/// hook that is part of an install (a migration Job) is kept whole.
#[test]
fn a_helm_test_hook_is_left_out_and_an_install_hook_kept() {
    let text = "apiVersion: v1
kind: Pod
metadata:
  name: payments-test-connection
  annotations:
    \"helm.sh/hook\": test
spec:
  restartPolicy: Never
  containers:
    - name: wget
      image: busybox:1.36
      command: [wget, payments:8080]
---
apiVersion: batch/v1
kind: Job
metadata:
  name: payments-migrate
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: migrate
          image: ghcr.io/acme/payments:1.0.0
          args: [migrate]
";
    let imported = import::kubernetes(text);
    let test = &imported.documents[0];
    assert_eq!(
        (test.kind.as_str(), test.name.as_str()),
        ("Pod", "payments-test-connection")
    );
    assert!(
        matches!(&test.outcome, Outcome::Skipped(m) if m.starts_with("a Helm test hook (`helm.sh/hook: test`)") && m.contains("ordinary Pod")),
        "{:?}",
        test.outcome
    );
    assert!(!test.unreadable, "it was read, and left out");
    assert_ne!(
        imported.documents[1].outcome,
        Outcome::Skipped(String::new())
    );
    assert!(!matches!(
        imported.documents[1].outcome,
        Outcome::Skipped(_)
    ));
    let env = imported.design.environments[0].name.clone();
    let kinds: Vec<String> = (render(&imported.design, &env).objects.iter())
        .map(|o| o.kind().to_string())
        .collect();
    assert!(
        !kinds.contains(&"Pod".to_string()) && kinds.contains(&"Job".to_string()),
        "{kinds:?}"
    );
    assert!(!imported.summary().contains("could not be read"));
}

#[test]
fn reports_of_several_files_name_the_file_and_its_own_lines() {
    let a = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
    let b = "# second file\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\nkind: [unclosed\n";
    let imported = import::kubernetes_files(vec![
        ("a.yaml".into(), a.into()),
        ("b.yaml".into(), b.into()),
    ]);
    let at: Vec<_> = imported
        .documents
        .iter()
        .map(|d| (d.file.as_str(), d.line))
        .collect();
    assert_eq!(at, [("a.yaml", 1), ("b.yaml", 1), ("b.yaml", 7)]);
    assert!(
        matches!(&imported.documents[2].outcome, Outcome::Skipped(m) if m.contains("invalid YAML at line 8")),
        "{:?}",
        imported.documents[2]
    );
    assert_eq!(imported.design.config_maps.len(), 2);
    // Text without a name (pasted) has no file.
    assert_eq!(import::kubernetes(a).documents[0].file, "");
}

/// A document cut short after `metadata:` (a paste that lost its tail) has no name:
/// Kubernetes would refuse it, so it is not imported, and the report says why; the
/// objects before it still come in. Nor are an object with only a generateName and a
/// kustomization.yaml, each with its own reason.
#[test]
fn an_object_without_a_name_is_not_imported_and_the_report_says_why() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  A: b\n---\napiVersion: v1\nkind: Service\nmetadata:\n";
    let imported = import::kubernetes(text);
    let service = imported
        .documents
        .iter()
        .find(|d| d.kind == "Service")
        .unwrap();
    assert!(
        matches!(&service.outcome, Outcome::Skipped(why) if why.contains("no `metadata.name`") && why.contains("cut short")),
        "{service:?}"
    );
    assert_eq!(service.line, 8);
    assert!(imported.design.config_map("web-config").is_some());
    let generated = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: migrate-\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: m\n        image: migrate:1\n";
    assert!(
        matches!(&import::kubernetes(generated).documents[0].outcome, Outcome::Skipped(why) if why.contains("generateName")),
    );
    let kustomization = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- deployment.yaml\n";
    assert!(
        matches!(&import::kubernetes(kustomization).documents[0].outcome, Outcome::Skipped(why) if why.contains("kubectl kustomize")),
    );
}

/// The import's summary counts the findings of the environment the design opens on
/// (prod), not of its first one.
#[test]
fn the_summary_counts_the_findings_of_the_environment_shown() {
    let text = manifest("stfc-compose.yaml");
    let imported = kubeprint_core::compose::import(&text, &Default::default());
    let shown = kubeprint_core::presets::default_environment(&imported.design);
    assert_eq!(shown, "prod");
    assert_ne!(imported.design.environments[0].name, shown);
    let summary = imported.summary();
    assert!(summary.contains("in `prod`"), "{summary}");
    let warnings = rules::validate(&imported.design, "prod")
        .iter()
        .filter(|f| f.severity == rules::Severity::Warning)
        .count();
    assert!(
        summary.contains(&format!("{warnings} warning")),
        "{summary}"
    );
}

#[test]
fn a_secrets_values_stay_out_and_its_export_says_they_are_placeholders() {
    let input = r#"
apiVersion: v1
kind: Secret
metadata:
  name: podinfo-redis
  namespace: web
  labels:
    app.kubernetes.io/name: podinfo
type: Opaque
data:
  REDIS_PASSWORD: c3VwZXJzZWNyZXQ=
---
apiVersion: v1
kind: Secret
metadata:
  name: podinfo-empty
  namespace: web
type: Opaque
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
  namespace: web
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: podinfo}
  template:
    metadata:
      labels: {app.kubernetes.io/name: podinfo}
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.7.0
          env:
            - name: REDIS_PASSWORD
              valueFrom:
                secretKeyRef: {name: podinfo-redis, key: REDIS_PASSWORD}
"#;
    let imported = import::kubernetes(input);
    let note = |name: &str| {
        let d = imported.documents.iter().find(|d| d.name == name).unwrap();
        assert_eq!(d.outcome, Outcome::Imported);
        d.note.clone()
    };
    let said = note("podinfo-redis").expect("a note on the Secret with values");
    assert!(
        said.contains("not imported") && said.contains("CHANGE_ME"),
        "{said}"
    );
    assert_eq!(note("podinfo-empty"), None, "no values, nothing to say");
    let summary = imported.summary();
    assert!(
        summary.contains("1 Secret has values, which are not imported")
            && !summary.contains("upgraded"),
        "{summary}"
    );
    // The export, and the export after a link, still mark the values as placeholders.
    let linked =
        kubeprint_core::link::decode(&kubeprint_core::link::encode(&imported.design)).unwrap();
    for d in [&imported.design, &linked] {
        let secret = render(d, "web")
            .objects
            .into_iter()
            .find(|o| o.kind() == "Secret" && o.name() == "podinfo-redis")
            .unwrap()
            .to_json();
        assert_eq!(secret["stringData"]["REDIS_PASSWORD"], "CHANGE_ME");
        assert!(
            secret["metadata"]["annotations"]["kubeprint.dev/placeholders"].is_string(),
            "{secret}"
        );
        assert_eq!(
            secret["metadata"]["labels"]["app.kubernetes.io/name"],
            "podinfo"
        );
    }
}

/// A Secret kept whole (in a namespace the design does not model, or one the API server
/// would refuse) keeps no value either: its values become placeholders, marked so, and it
/// goes apart from what is applied again, as the design's own Secrets do, through a link
/// too. The chart keeps its values from the cluster in its own namespace, and Argo CD
/// leaves them alone there.
#[test]
fn a_secret_kept_whole_keeps_no_value_and_is_created_once() {
    let input = r#"
apiVersion: v1
kind: Secret
metadata: {name: api-keys, namespace: shop}
stringData: {STRIPE_KEY: sk_live_primary}
---
apiVersion: v1
kind: Secret
metadata: {name: api-keys, namespace: payments}
type: Opaque
stringData: {STRIPE_KEY: sk_live_payments}
data: {WEBHOOK_SECRET: d2hzZWNfcGF5bWVudHM=}
---
apiVersion: v1
kind: Secret
metadata: {name: shop-tls, namespace: shop}
type: kubernetes.io/tls
immutable: "yes"
data: {tls.crt: Y2VydGlmaWNhdGU=, tls.key: cHJpdmF0ZWtleQ==}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: shop}
spec:
  selector: {matchLabels: {app: checkout}}
  template:
    metadata: {labels: {app: checkout}}
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:2.3.1
          env:
            - name: STRIPE_KEY
              valueFrom: {secretKeyRef: {name: api-keys, key: STRIPE_KEY}}
"#;
    let imported = import::kubernetes(input);
    let kept = (imported.documents.iter())
        .filter(|d| matches!(d.outcome, Outcome::Kept(_)))
        .count();
    assert_eq!(kept, 2, "{:#?}", imported.documents);
    let linked = link::decode(&link::encode(&imported.design)).unwrap();
    for d in [&imported.design, &linked] {
        let file = kubeprint_core::file::to_json(d);
        for value in ["sk_live", "d2hzZWNf", "Y2VydGlm", "cHJpdmF0"] {
            assert!(!file.contains(value), "{value} is in the design");
        }
        let env = &d.environments[0].name;
        let apart = kubeprint_core::export::secrets_apart(d, env);
        assert!(!apart.applied.objects.iter().any(|o| o.kind() == "Secret"));
        let secrets: Vec<Value> = apart.secrets.objects.iter().map(|o| o.to_json()).collect();
        assert_eq!(secrets.len(), 3);
        for s in &secrets {
            let values =
                ["data", "stringData"].map(|f| s[f].as_object().cloned().unwrap_or_default());
            for (k, v) in values[0].iter() {
                assert_eq!(v, "Q0hBTkdFX01F", "{k}: base64 of the placeholder");
            }
            for (k, v) in values[1].iter() {
                assert_eq!(v, render::SECRET_PLACEHOLDER, "{k}");
            }
            assert!(values.iter().map(|m| m.len()).sum::<usize>() > 0, "{s}");
        }
        // Left to the cluster where it is, by name and namespace.
        let own = (None, "api-keys".to_string());
        let payments = (Some("payments".to_string()), "api-keys".to_string());
        let found = kubeprint_core::export::placeholder_secrets(d, env);
        assert!(
            found.contains(&own) && found.contains(&payments),
            "{found:?}"
        );
        let chart = kubeprint_core::export::helm::chart(d);
        let template = (chart.iter())
            .find(|f| f.path.ends_with("/secret-payments-api-keys.yaml"))
            .expect("the kept Secret's template");
        assert!(
            template
                .contents
                .contains(r#"(lookup "v1" "Secret" "payments" "api-keys")"#),
            "{}",
            template.contents
        );
    }
}

#[test]
fn the_ingress_controller_of_the_input_is_the_designs() {
    let input = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo, namespace: web}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: podinfo}
  template:
    metadata:
      labels: {app.kubernetes.io/name: podinfo}
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.7.0
          ports:
            - {name: http, containerPort: 9898}
---
apiVersion: v1
kind: Service
metadata: {name: podinfo, namespace: web}
spec:
  selector: {app.kubernetes.io/name: podinfo}
  ports:
    - {name: http, port: 9898, targetPort: http}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: podinfo
  namespace: web
  annotations: {cert-manager.io/cluster-issuer: letsencrypt}
spec:
  ingressClassName: traefik
  tls:
    - hosts: [podinfo.example.com]
      secretName: podinfo-tls
  rules:
    - host: podinfo.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: podinfo, port: {name: http}}
---
# Only the controller may reach podinfo: not a default-deny the design writes, so it
# is kept whole, but it says where the controller runs.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: podinfo, namespace: web}
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: podinfo}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: traefik}
      ports:
        - {port: http}
"#;
    let imported = round_trip(input, "podinfo behind traefik");
    let d = &imported.design;
    assert_eq!(d.cluster.ingress_class.as_deref(), Some("traefik"));
    assert_eq!(d.cluster.ingress_controller_namespace, "traefik");
    assert_eq!(
        d.cluster.cert_issuer, "letsencrypt",
        "a new route gets the same issuer"
    );
    // With the design's own default-deny, its allow policy lets the controller in.
    let mut d = d.clone();
    d.environments[0].default_deny = true;
    d.extra_objects.clear();
    let allow = render(&d, "web")
        .objects
        .into_iter()
        .find(|o| o.kind() == "NetworkPolicy" && o.name() == "podinfo-allow")
        .unwrap()
        .to_json();
    let from = &allow["spec"]["ingress"][0]["from"][0]["namespaceSelector"]["matchLabels"];
    assert_eq!(from["kubernetes.io/metadata.name"], "traefik", "{allow}");
}

/// `checkout` behind an Ingress whose certificate Secret is `secret`, issued by
/// cert-manager when `issuer` names one.
fn checkout_behind_tls(secret: &str, issuer: Option<&str>) -> String {
    let annotations = match issuer {
        Some(i) => format!("\n  annotations:\n    cert-manager.io/cluster-issuer: {i}"),
        None => String::new(),
    };
    format!(
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  labels: {{app.kubernetes.io/name: checkout}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app.kubernetes.io/name: checkout}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: checkout}}
    spec:
      containers:
        - name: checkout
          image: registry.example.com/shop/checkout:2.3.1
          ports:
            - {{name: http, containerPort: 8080}}
---
apiVersion: v1
kind: Service
metadata:
  name: checkout
  namespace: shop
spec:
  selector: {{app.kubernetes.io/name: checkout}}
  ports:
    - {{name: http, port: 80, targetPort: http}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: checkout
  namespace: shop{annotations}
spec:
  ingressClassName: nginx
  tls:
    - hosts: [checkout.shop.example.com]
      secretName: {secret}
  rules:
    - host: checkout.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {{name: checkout, port: {{name: http}}}}
"#
    )
}

/// A certificate Secret that exists already (no cert-manager asked for it) keeps its
/// name when the service is renamed, even when it is named like the one cert-manager
/// would issue; one cert-manager issues follows the service's new name.
#[test]
fn an_existing_tls_secret_keeps_its_name_when_the_service_is_renamed() {
    let tls = |d: &Design| {
        let objects = render(d, &d.environments[0].name).objects;
        let ingress = objects
            .iter()
            .find(|o| o.kind() == "Ingress")
            .unwrap()
            .to_json();
        (
            ingress["spec"]["tls"][0]["secretName"].clone(),
            ingress["metadata"]["annotations"]["cert-manager.io/cluster-issuer"].clone(),
        )
    };
    let renamed = |input: &str| {
        let mut d = round_trip(input, "checkout behind TLS").design;
        let id = d.service_named("checkout").unwrap().id;
        d.apply(Edit::Set {
            path: FieldPath::service(id, "/name"),
            value: "checkout-api".into(),
        })
        .unwrap();
        link::decode(&link::encode(&d)).unwrap()
    };
    for secret in ["checkout-tls", "wildcard-shop-example-com"] {
        let input = checkout_behind_tls(secret, None);
        let d = renamed(&input);
        let route = d.services[0].exposure.ingress.as_ref().unwrap();
        assert_eq!(route.tls_secret.as_deref(), Some(secret));
        assert_eq!(tls(&d), (secret.into(), Value::Null), "{secret}");
    }
    let issued = checkout_behind_tls("checkout-tls", Some("letsencrypt-prod"));
    let d = renamed(&issued);
    assert_eq!(
        d.services[0].exposure.ingress.as_ref().unwrap().tls_secret,
        None
    );
    assert_eq!(
        tls(&d),
        ("checkout-api-tls".into(), "letsencrypt-prod".into())
    );

    // A Secret's name the API server refuses is found where it is set.
    let mut d = d;
    let at = FieldPath::service(d.services[0].id, "/exposure/ingress/tls_secret");
    d.apply(Edit::Set {
        path: at.clone(),
        value: "Wildcard Cert".into(),
    })
    .unwrap();
    let found = validate(&d, &d.environments[0].name);
    assert!(
        found
            .iter()
            .any(|f| f.code == "KP401" && f.path == at && f.message.contains("Wildcard Cert")),
        "{found:#?}"
    );
}

/// A NetworkPolicy kept whole from an import lets the ingress controller in on the
/// app's port by number; once the port moves in the design, the policy is found to let
/// in a port the pods no longer declare (before and after a link).
#[test]
fn a_kept_network_policy_is_checked_against_a_port_edited_after_the_import() {
    let input = format!(
        "{}---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: checkout-allow
  namespace: shop
spec:
  podSelector:
    matchLabels: {{app.kubernetes.io/name: checkout}}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {{kubernetes.io/metadata.name: ingress-nginx}}
      ports:
        - {{port: 8080, protocol: TCP}}
",
        checkout_behind_tls("checkout-tls", None)
    );
    let mut d = round_trip(&input, "checkout with its policy").design;
    let env = d.environments[0].name.clone();
    let closed = |d: &Design| {
        validate(d, &env)
            .into_iter()
            .filter(|f| f.code == "KP722")
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    assert!(closed(&d).is_empty(), "{:?}", closed(&d));
    let id = d.service_named("checkout").unwrap().id;
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/ports/0/port"),
        value: 8081.into(),
    })
    .unwrap();
    let d = link::decode(&link::encode(&d)).unwrap();
    assert_eq!(
        closed(&d),
        [
            "NetworkPolicy `checkout-allow` lets in port `8080` (TCP) to \
          `app.kubernetes.io/name=checkout`, a port none of its containers declares (they \
          declare http (8081)): traffic to their ports stays blocked; declare that port, or \
          change the policy"
        ]
    );
    // Said of the service whose pods it guards, at their ports: where they are edited.
    let found = validate(&d, &env);
    let f = found.iter().find(|f| f.code == "KP722").unwrap();
    assert_eq!(f.service.as_deref(), Some("checkout"));
    assert_eq!(f.path, FieldPath::service(id, "/ports"));

    // Its fix lets in the port the pods declare now, in the policy as the design keeps
    // it: only that port changes, and the finding is gone (after a link too).
    let fix = f.fix.clone().expect("KP722 on a kept policy has a fix");
    assert_eq!(fix.label, "Let in port `8081` instead");
    let mut fixed = d.clone();
    fixed.apply(fix.edit).unwrap();
    let fixed = link::decode(&link::encode(&fixed)).unwrap();
    assert!(closed(&fixed).is_empty(), "{:?}", closed(&fixed));
    let policy = |d: &Design| {
        d.kept_seen_in(&d.environments[0])
            .find(|k| k.object.kind() == "NetworkPolicy")
            .unwrap()
            .object
            .0
            .clone()
    };
    let mut expected = policy(&d);
    expected["spec"]["ingress"][0]["ports"][0]["port"] = 8081.into();
    assert_eq!(policy(&fixed), expected);
    assert_eq!(
        validate(&fixed, &env).len() + 1,
        validate(&d, &env).len(),
        "the fix removes only its own finding"
    );

    // The policy changed as the page's editor of a kept object changes it: its YAML as
    // shown, edited, read back and put in its place. The port opens, the rest stays.
    let shown = |d: &Design, kind: &str| {
        let documents = render(d, &env).documents();
        let doc = documents.into_iter().find(|(k, _, _)| k == kind);
        doc.map(|(_, _, yaml)| yaml)
    };
    let text = shown(&d, "NetworkPolicy").unwrap();
    assert!(text.contains("port: 8080"), "{text}");
    let edited = import::one_object(&text.replace("port: 8080", "port: 8081")).unwrap();
    let mut d = d;
    d.apply(Edit::ReplaceKept {
        env: env.clone(),
        kind: "NetworkPolicy".into(),
        name: "checkout-allow".into(),
        with: Some(edited),
    })
    .unwrap();
    let d = link::decode(&link::encode(&d)).unwrap();
    assert!(closed(&d).is_empty(), "{:?}", closed(&d));
    assert_eq!(
        shown(&d, "NetworkPolicy").unwrap(),
        text.replace("port: 8080", "port: 8081")
    );
    // And removed: the policy is gone from the export.
    let mut d = d;
    d.apply(Edit::ReplaceKept {
        env: env.clone(),
        kind: "NetworkPolicy".into(),
        name: "checkout-allow".into(),
        with: None,
    })
    .unwrap();
    assert_eq!(shown(&d, "NetworkPolicy"), None);
}

/// Objects of one kind and name kept in several namespaces (per-namespace copies of a
/// ConfigMap, a default-deny policy in each namespace) are each their own: the page lists
/// each under its own key, shows its own YAML, and an edit or a removal of one leaves
/// the others (and the modelled object of that name) as they were, also after a link.
#[test]
fn kept_objects_of_one_name_in_several_namespaces_are_edited_one_by_one() {
    let d = import::kubernetes(&corpus("same-names-in-namespaces.yaml")).design;
    let env = d.environments[0].name.clone();
    let seen: Vec<(String, String)> = (d.kept_seen_in(&d.environments[0]))
        .map(|k| (k.object.kind().to_string(), k.key()))
        .collect();
    let want = [
        ("NetworkPolicy", "default-deny"),
        ("NetworkPolicy", "shop-api-ingress"),
        ("ConfigMap", "shop-canary/shop-config"),
        ("ConfigMap", "shop-preview/shop-config"),
        ("NetworkPolicy", "shop-canary/default-deny"),
        ("NetworkPolicy", "shop-preview/default-deny"),
    ];
    let want: Vec<(String, String)> = (want.iter())
        .map(|(k, n)| (k.to_string(), n.to_string()))
        .collect();
    assert_eq!(seen, want, "each its own key");
    // Each key is the one its YAML document has: the page's editor shows that text.
    let documents = render(&d, &env).documents();
    let yaml = |d: &Design, kind: &str, key: &str| {
        (render(d, &env).documents().into_iter())
            .find(|(k, n, _)| k == kind && n == key)
            .map(|(_, _, yaml)| yaml)
    };
    for (kind, key) in &seen {
        let text = yaml(&d, kind, key).unwrap_or_else(|| panic!("{kind} {key} rendered"));
        let namespace = key.split_once('/').map_or(env.as_str(), |(ns, _)| ns);
        assert!(
            text.contains(&format!("namespace: {namespace}\n")),
            "{key}: {text}"
        );
    }
    assert_eq!(documents.len(), render(&d, &env).objects.len());
    // The canary's values changed, as the page's editor changes them.
    let canary = yaml(&d, "ConfigMap", "shop-canary/shop-config").unwrap();
    assert!(canary.contains("LOG_LEVEL: info"), "{canary}");
    let edited =
        import::one_object(&canary.replace("LOG_LEVEL: info", "LOG_LEVEL: trace")).unwrap();
    let mut changed = d.clone();
    changed
        .apply(Edit::ReplaceKept {
            env: env.clone(),
            kind: "ConfigMap".into(),
            name: "shop-canary/shop-config".into(),
            with: Some(edited),
        })
        .unwrap();
    let changed = link::decode(&link::encode(&changed)).unwrap();
    for (kind, key) in seen
        .iter()
        .map(|(k, n)| (k.as_str(), n.as_str()))
        .chain([("ConfigMap", "shop-config")])
    {
        let (before, after) = (
            yaml(&d, kind, key).unwrap(),
            yaml(&changed, kind, key).unwrap(),
        );
        match key {
            "shop-canary/shop-config" => {
                assert_eq!(after, before.replace("LOG_LEVEL: info", "LOG_LEVEL: trace"))
            }
            _ => assert_eq!(after, before, "{kind} {key} untouched"),
        }
    }
    // Each default-deny policy removed alone, the other two and every other object kept.
    for key in [
        "default-deny",
        "shop-canary/default-deny",
        "shop-preview/default-deny",
    ] {
        let mut removed = d.clone();
        removed
            .apply(Edit::ReplaceKept {
                env: env.clone(),
                kind: "NetworkPolicy".into(),
                name: key.into(),
                with: None,
            })
            .unwrap();
        let removed = link::decode(&link::encode(&removed)).unwrap();
        let mut want = documents.clone();
        want.retain(|(k, n, _)| !(k == "NetworkPolicy" && n == key));
        assert_eq!(render(&removed, &env).documents(), want, "only {key} gone");
    }
    // Its namespace is where it renders: a text that moves it is refused, and says so.
    let policy = yaml(&d, "NetworkPolicy", "default-deny").unwrap();
    let moves = [
        (
            "ConfigMap",
            "shop-canary/shop-config",
            &canary,
            "namespace: shop-canary",
            "namespace: shop-staging",
            "shop-canary",
        ),
        (
            "NetworkPolicy",
            "default-deny",
            &policy,
            "namespace: shop\n",
            "namespace: shop-canary\n",
            "shop",
        ),
    ];
    for (kind, key, text, from, to, home) in moves {
        let moved = import::one_object(&text.replace(from, to)).unwrap();
        let err = d
            .clone()
            .apply(Edit::ReplaceKept {
                env: env.clone(),
                kind: kind.into(),
                name: key.into(),
                with: Some(moved),
            })
            .unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("its namespace is `{home}`")),
            "{err}"
        );
    }
    // A key no object has is refused, and says which.
    let err = d
        .clone()
        .apply(Edit::ReplaceKept {
            env: env.clone(),
            kind: "ConfigMap".into(),
            name: "shop-staging/shop-config".into(),
            with: None,
        })
        .unwrap_err();
    assert!(
        err.to_string().contains("shop-staging/shop-config"),
        "{err}"
    );
}

/// Removing one of two pinned copies of one name is a change of that copy (what undo
/// shows and focuses), and an environment that runs none of the services lists only its
/// own kept objects, as it renders only those.
#[test]
fn pinned_copies_are_told_apart_by_undo_and_shared_ones_listed_where_rendered() {
    let d = import::kubernetes(&corpus("same-names-in-namespaces.yaml")).design;
    let env = d.environments[0].name.clone();
    let mut removed = d.clone();
    removed
        .apply(Edit::ReplaceKept {
            env: env.clone(),
            kind: "ConfigMap".into(),
            name: "shop-preview/shop-config".into(),
            with: None,
        })
        .unwrap();
    let changes: Vec<String> = (removed.changes_from(&d).iter())
        .map(|p| p.to_string())
        .collect();
    assert_eq!(changes, ["objects/ConfigMap/shop-preview/shop-config"]);
    let back: Vec<String> = (d.changes_from(&removed).iter())
        .map(|p| p.to_string())
        .collect();
    assert_eq!(
        back,
        ["objects/ConfigMap/shop-preview/shop-config"],
        "and undone"
    );
    // An environment running none of the services, with its own copy of the design's
    // default-deny policy: only that copy is listed, and Remove takes it.
    let mut d = d;
    let policy = (d.extra_objects.iter())
        .find(|k| k.kind() == "NetworkPolicy" && k.name() == "default-deny")
        .unwrap()
        .clone();
    let mut observability = kubeprint_core::model::Environment::new(
        "observability",
        kubeprint_core::model::Tier::Shared,
        "shop-observability",
    );
    observability.hosts_services = false;
    observability.kept_objects.push(policy);
    d.environments.push(observability);
    let seen = |d: &Design| -> Vec<(String, bool)> {
        let env = d.environment("observability").unwrap();
        (d.kept_seen_in(env)).map(|k| (k.key(), k.own)).collect()
    };
    assert_eq!(seen(&d), [("default-deny".to_string(), true)]);
    d.apply(Edit::ReplaceKept {
        env: "observability".into(),
        kind: "NetworkPolicy".into(),
        name: "default-deny".into(),
        with: None,
    })
    .unwrap();
    assert_eq!(seen(&d), []);
    assert!(
        d.extra_objects.iter().any(|k| k.name() == "default-deny"),
        "the design's own policy stays"
    );
}

/// An object kept whole is replaced only by an object Kubernetes could take, one
/// document with an apiVersion, a kind and a valid name; each refusal says what is wrong
/// and leaves the design as it was. Its namespace stays the one it renders into.
#[test]
fn a_kept_object_is_replaced_only_by_an_object() {
    let input = "apiVersion: v1
kind: ServiceAccount
metadata:
  name: orders-api
  namespace: orders
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: orders-api-leader-election
  namespace: orders
rules:
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, create, update]
";
    let d = import::kubernetes(input).design;
    let env = d.environments[0].name.clone();
    let replace = |text: &str| -> Result<Design, String> {
        let with = import::one_object(text)?;
        let mut after = d.clone();
        after
            .apply(Edit::ReplaceKept {
                env: env.clone(),
                kind: "Role".into(),
                name: "orders-api-leader-election".into(),
                with: Some(with),
            })
            .map_err(|e| e.to_string())?;
        Ok(after)
    };
    let refused = |text: &str| replace(text).err().unwrap_or_else(|| panic!("{text}"));
    assert!(refused("").contains("the text is empty"));
    assert!(refused("# nothing\n").contains("only comments"));
    assert!(
        refused("kind: Role\nmetadata: {name: a}\n---\nkind: Role\n")
            .contains("a second document starts at line 4")
    );
    assert!(
        refused("kind: Role\nmetadata:\n  name: a\n rules: []\n").contains("invalid YAML at line")
    );
    assert!(refused("kind: Role\nmetadata: {name: a}\n").contains("no apiVersion"));
    // An object of a kind Kubeprint writes that the API server would refuse (KP723).
    let why = import::one_object(
        "apiVersion: v1\nkind: Service\nmetadata: {name: legacy}\nspec:\n  ports:\n    - {name: http, port: eighty}\n",
    )
    .unwrap_err();
    assert!(
        why.starts_with("this is not a valid Service (") && why.contains("eighty"),
        "{why}"
    );
    assert!(
        why.ends_with("cancel to keep the object as it was"),
        "{why}"
    );
    assert!(refused("apiVersion: v1\nkind: Role\nmetadata: {}\n").contains("no metadata.name"));
    assert!(
        refused("apiVersion: v1\nkind: Role\nmetadata: {name: Leader_Election}\n")
            .contains("metadata.name")
    );
    // RBAC names are path segments, as the API server checks them: a colon is fine, a
    // slash is not.
    let rbac = |name: &str| {
        format!("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {{name: \"{name}\"}}\n")
    };
    assert!(replace(&rbac("orders:leader-election")).is_ok());
    assert!(refused(&rbac("orders/leader")).contains("metadata.name must not"));
    // Another namespace is refused (it is where the object renders), and said.
    let role = "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: orders-leader-election
  namespace: somewhere-else
rules:
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, create, update, patch]
";
    assert!(
        refused(role).contains("its namespace is `orders`"),
        "{}",
        refused(role)
    );
    // Taken: a verb added, the name changed, the namespace written or left out.
    let after = replace(&role.replace("somewhere-else", "orders")).unwrap();
    let objects = render(&after, &env).objects;
    let role_json = (objects.iter())
        .find(|o| o.kind() == "Role")
        .unwrap()
        .to_json();
    assert_eq!(role_json["metadata"]["namespace"], "orders");
    let after = replace(&role.replace("  namespace: somewhere-else\n", "")).unwrap();
    let objects = render(&after, &env).objects;
    let role = objects
        .iter()
        .find(|o| o.kind() == "Role")
        .unwrap()
        .to_json();
    assert_eq!(role["metadata"]["name"], "orders-leader-election");
    assert_eq!(role["metadata"]["namespace"], "orders");
    assert_eq!(role["rules"][0]["verbs"][3], "patch");
    // An object the design does not keep is said to be missing.
    let mut d = d.clone();
    let err = d
        .apply(Edit::ReplaceKept {
            env: env.clone(),
            kind: "Role".into(),
            name: "orders-api".into(),
            with: None,
        })
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("the design keeps no Role `orders-api`"),
        "{err}"
    );
}

/// A ServiceAccount named like the API but run as by its cleanup CronJob too is kept
/// whole, and the report says why; the API gets no account of its own, and both
/// workloads still run as `shop-api` after the API is renamed (after a link too).
#[test]
fn an_account_two_workloads_share_is_kept_whole() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/corpus/shared-service-account.yaml"
    ))
    .unwrap();
    let imported = round_trip(&text, "shared-service-account.yaml");
    let sa = (imported.documents.iter())
        .find(|d| d.kind == "ServiceAccount")
        .unwrap();
    assert_eq!(
        sa.outcome,
        Outcome::Kept(
            "the pods of `shop-api`, `shop-cleanup` run as it: an account several workloads \
             share stays whole (a service's own account follows its name); exported as it is"
                .into()
        )
    );
    // The account says `automountServiceAccountToken: false`, and the pods leave it
    // unset: no token is mounted, and KP607 has nothing to say (it does once the
    // account mounts one).
    let token_findings = |design: &Design| -> Vec<String> {
        let env = &design.environments[0].name;
        (validate(design, env).into_iter())
            .filter(|f| f.code == "KP607")
            .map(|f| f.message)
            .collect()
    };
    assert_eq!(token_findings(&imported.design), Vec::<String>::new());
    let mounting = text.replace(
        "automountServiceAccountToken: false",
        "automountServiceAccountToken: true",
    );
    assert_ne!(mounting, text);
    let mounting = import::kubernetes(&mounting).design;
    assert_eq!(
        token_findings(&mounting).len(),
        2,
        "{:?}",
        token_findings(&mounting)
    );

    let mut d = link::decode(&link::encode(&imported.design)).unwrap();
    let api = d.service_named("shop-api").unwrap();
    assert!(!api.security.dedicated_service_account);
    let id = api.id;
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/name"),
        value: "shop-backend".into(),
    })
    .unwrap();
    let env = d.environments[0].name.clone();
    let accounts: Vec<(String, String)> = (render(&d, &env).objects.iter())
        .map(|o| o.to_json())
        .filter_map(|v| {
            let pod = match v["kind"].as_str()? {
                "CronJob" => &v["spec"]["jobTemplate"]["spec"]["template"]["spec"],
                "Deployment" => &v["spec"]["template"]["spec"],
                _ => return None,
            };
            Some((
                v["metadata"]["name"].as_str()?.to_string(),
                pod["serviceAccountName"].as_str()?.to_string(),
            ))
        })
        .collect();
    assert_eq!(
        accounts,
        [
            ("shop-backend".to_string(), "shop-api".to_string()),
            ("shop-cleanup".to_string(), "shop-api".to_string())
        ]
    );
}

/// An HPA's metric the design does not model (memory by average value beside the cpu
/// target it does) stays after the cpu target is edited, and after a link; the edit
/// shows. The metrics are kept item by item, not as one list the edit replaces.
#[test]
fn an_hpa_metric_the_design_lacks_outlives_an_edit_of_the_cpu_target() {
    let input = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-api
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: shop-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop-api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/shop-api:2.8.0
          resources:
            requests:
              cpu: 250m
              memory: 512Mi
            limits:
              memory: 1Gi
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: shop-api
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: shop-api
  minReplicas: 2
  maxReplicas: 12
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
    - type: Resource
      resource:
        name: memory
        target:
          type: AverageValue
          averageValue: 800Mi
    - type: Pods
      pods:
        metric:
          name: http_requests_per_second
        target:
          type: AverageValue
          averageValue: \"50\"
    - type: ContainerResource
      containerResource:
        name: cpu
        container: api
        target:
          type: Utilization
          averageUtilization: 80
";
    let mut d = round_trip(input, "an HPA on cpu, memory and requests").design;
    let id = d.service_named("shop-api").unwrap().id;
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/scaling/hpa/cpu_percent"),
        value: 60.into(),
    })
    .unwrap();
    let d = link::decode(&link::encode(&d)).unwrap();
    let objects = render(&d, &d.environments[0].name).objects;
    let hpa = (objects.iter())
        .find(|o| o.kind() == "HorizontalPodAutoscaler")
        .unwrap()
        .to_json();
    let mut want: Value = serde_yaml::from_str(input.split("---\n").nth(1).unwrap()).unwrap();
    want["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] = 60.into();
    assert_eq!(hpa["spec"]["metrics"], want["spec"]["metrics"]);
    // The container a metric measures follows the container's rename.
    let mut d = d;
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/container_name"),
        value: "app".into(),
    })
    .unwrap();
    let d = link::decode(&link::encode(&d)).unwrap();
    let objects = render(&d, &d.environments[0].name).objects;
    let hpa = (objects.iter())
        .find(|o| o.kind() == "HorizontalPodAutoscaler")
        .unwrap()
        .to_json();
    want["spec"]["metrics"][3]["containerResource"]["container"] = "app".into();
    assert_eq!(hpa["spec"]["metrics"], want["spec"]["metrics"]);
}

/// A kind its built-in API version does not serve (a misspelt Deployment, a Deployment
/// under `v1`) is kept as written, and its report says what was most likely meant; the
/// rules call it an error (KP724), so `check` fails before a deploy would.
#[test]
fn a_kind_no_api_serves_is_reported_with_what_was_meant() {
    let input = "apiVersion: apps/v1
kind: Deploymnet
metadata:
  name: shop-api
spec:
  replicas: 2
---
apiVersion: v1
kind: Deployment
metadata:
  name: shop-worker
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: shop-tls
spec:
  secretName: shop-tls
  issuerRef: {name: letsencrypt, kind: ClusterIssuer}
  dnsNames: [shop.example.com]
";
    let imported = import::kubernetes(input);
    let reasons: Vec<String> = (imported.documents.iter())
        .map(|d| match &d.outcome {
            Outcome::Kept(why) => why.clone(),
            other => format!("{other:?}"),
        })
        .collect();
    assert_eq!(
        reasons[0],
        "`apps/v1` has no kind `Deploymnet`: did you mean `Deployment`?; kept as it is, and the API server would refuse it: correct its kind or apiVersion"
    );
    assert!(
        reasons[1].starts_with("`v1` has no kind `Deployment`: it is served as `apps/v1`;"),
        "{}",
        reasons[1]
    );
    assert_eq!(
        reasons[2],
        "Kubeprint does not model Certificate; exported as it is"
    );
    let d = &imported.design;
    let found: Vec<String> = (validate(d, &d.environments[0].name).into_iter())
        .filter(|f| f.code == "KP724")
        .map(|f| f.path.to_string())
        .collect();
    assert_eq!(
        found,
        [
            "objects/Deployment/-/shop-worker/kind",
            "objects/Deploymnet/-/shop-api/kind"
        ]
    );
}

/// A variable the design does not model (a `resourceFieldRef` naming its container)
/// follows a rename of that container, after a link too: it named a container the pod
/// no longer has, and the kubelet would not start the pod.
#[test]
fn a_resource_reference_follows_its_containers_rename() {
    let input = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-api
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: shop-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop-api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/shop-api:2.8.0
          env:
            - name: MEM_LIMIT
              valueFrom:
                resourceFieldRef:
                  containerName: api
                  resource: limits.memory
          resources:
            limits:
              memory: 1Gi
";
    let mut d = round_trip(input, "a variable of the container's limit").design;
    let id = d.service_named("shop-api").unwrap().id;
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/container_name"),
        value: "app".into(),
    })
    .unwrap();
    let d = link::decode(&link::encode(&d)).unwrap();
    let objects = render(&d, &d.environments[0].name).objects;
    let deployment = (objects.iter())
        .find(|o| o.kind() == "Deployment")
        .unwrap()
        .to_json();
    let container = &deployment["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["name"], "app");
    assert_eq!(
        container["env"][0]["valueFrom"]["resourceFieldRef"]["containerName"],
        "app"
    );
}

/// What an import kept that the design has no field for is said as people read it,
/// with what the input had there: the inspector lists it under the service.
#[test]
fn what_an_import_kept_is_described() {
    let input = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-api
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: shop-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop-api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/shop-api:2.8.0
          env:
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
";
    let d = round_trip(input, "a variable from the downward API").design;
    let s = d.service_named("shop-api").unwrap();
    let described: Vec<(String, Option<String>)> =
        (s.residual.values()).flat_map(|r| r.described()).collect();
    assert!(
        described.contains(&(
            "spec.template.spec.containers[name=api].env".into(),
            Some(
                r#"[{"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}]"#
                    .into()
            )
        )),
        "{described:#?}"
    );
    // What the input left out, the export leaves out: said as such.
    assert!(
        described.contains(&("spec.replicas".into(), None)),
        "{described:#?}"
    );
}

/// What an import kept of a port (its protocol left out, as most manifests leave it)
/// stays with the port under its new name, the Service's as the container's.
#[test]
fn a_renamed_port_keeps_what_its_import_kept() {
    let input = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-api
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: shop-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop-api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/shop-api:2.8.0
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /ready
              port: http
---
apiVersion: v1
kind: Service
metadata:
  name: shop-api
spec:
  selector:
    app.kubernetes.io/name: shop-api
  ports:
    - name: http
      port: 80
      targetPort: http
";
    let mut d = round_trip(input, "ports without protocols").design;
    let id = d.service_named("shop-api").unwrap().id;
    for (at, to) in [
        ("/ports/0/name", "web"),
        ("/exposure/ports/0/name", "public"),
    ] {
        d.apply(Edit::Set {
            path: FieldPath::service(id, at),
            value: to.into(),
        })
        .unwrap();
    }
    let d = link::decode(&link::encode(&d)).unwrap();
    let back = render(&d, &d.environments[0].name).to_yaml();
    let want = input
        .replace(
            "- name: http\n              containerPort",
            "- name: web\n              containerPort",
        )
        .replace("port: http\n", "port: web\n")
        .replace(
            "- name: http\n      port: 80\n      targetPort: http",
            "- name: public\n      port: 80\n      targetPort: web",
        );
    let (want, got) = (objects(&want), objects(&back));
    for (k, v) in &want {
        assert_eq!(&got[k], v, "{k:?}");
    }
}

/// Who calls whom, read from the configuration as KP320 reads addresses: a literal URL
/// (`API_URL=http://shop-api`) and a ConfigMap value one service reads through envFrom
/// (`REDIS_HOST: shop-redis`) become edges on the Service port they reach. A ConfigMap
/// two services read names no caller, so it makes no edge.
#[test]
fn addresses_in_the_configuration_become_dependencies() {
    let deployment = |name: &str, port: u16, env: &str| {
        format!(
            "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: shop
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      containers:
        - name: {name}
          image: ghcr.io/acme/{name}:1.8.0
          ports:
            - name: http
              containerPort: {port}
{env}---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: shop
spec:
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - name: http
      port: 80
      targetPort: http
"
        )
    };
    let from_config = |maps: &[&str]| -> String {
        let refs: String = (maps.iter())
            .map(|cm| format!("            - configMapRef:\n                name: {cm}\n"))
            .collect();
        format!("          envFrom:\n{refs}")
    };
    let input =
        format!(
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: worker-config
  namespace: shop
data:
  QUEUE_URL: http://shop-queue:80/jobs
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: common
  namespace: shop
data:
  SEARCH_HOST: shop-search
{}{}{}{}{}",
        deployment(
            "shop-frontend",
            3000,
            "          env:\n            - name: API_URL\n              value: http://shop-api\n"
        ),
        deployment("shop-api", 8080, &from_config(&["common"])),
        deployment("shop-worker", 8081, &from_config(&["worker-config", "common"])),
        deployment("shop-queue", 5672, ""),
        deployment("shop-search", 9200, ""),
    );
    let imported = import::kubernetes(&input);
    let d = &imported.design;
    let edges: Vec<(String, String, String)> = (d.edges.iter())
        .map(|e| {
            let name = |id| d.service(id).unwrap().name.clone();
            (name(e.from), name(e.to), e.port.clone())
        })
        .collect();
    let edge = |from: &str, to: &str| (from.to_string(), to.to_string(), "http".to_string());
    assert_eq!(
        edges,
        [
            edge("shop-frontend", "shop-api"),
            edge("shop-worker", "shop-queue")
        ],
        "SEARCH_HOST is read by shop-api and shop-worker: no caller is named"
    );
    // The edges change nothing of the YAML: the input comes back.
    round_trip(&input, "addresses");
}

/// A namespace that is an environment's name alone (`prod`, `staging`) names no system:
/// the design is named after its first service instead, for one file and for several
/// (the bundle, the Helm chart and the design menu are named after it).
#[test]
fn a_design_is_not_named_after_an_environment() {
    // Two Deployments, storefront first, in `namespace`.
    let deployment = |name: &str, namespace: &str| {
        format!(
            "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
spec:
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
        - name: {name}
          image: registry.example.com/{name}:3.1.0
"
        )
    };
    let file = |namespace: &str| {
        format!(
            "{}---\n{}",
            deployment("storefront", namespace),
            deployment("orders", namespace)
        )
    };
    for (namespace, name) in [
        ("prod", "storefront"),
        ("staging", "storefront"),
        ("stg", "storefront"),
        ("shop-prod", "shop-prod"),
        ("shop", "shop"),
    ] {
        let d = import::kubernetes(&file(namespace)).design;
        assert_eq!(d.name, name, "namespace {namespace}");
        assert_eq!(
            d.environments[0].name, namespace,
            "its environment keeps it"
        );
    }
    let (staging, prod) = (file("staging"), file("prod"));
    let both = import::environments(&[("staging", &staging), ("prod", &prod)]).unwrap();
    assert_eq!(both.design.name, "storefront");
    let named: Vec<_> = (both.design.environments.iter())
        .map(|e| (e.name.as_str(), e.namespace.as_str()))
        .collect();
    assert_eq!(named, [("staging", "staging"), ("prod", "prod")]);
    // A system named by its namespaces keeps their name, without the environment's.
    let (dev, prod) = (file("shop-dev"), file("shop-prod"));
    let both = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    assert_eq!(both.design.name, "shop");
}

/// A destination outside the cluster is an IP block and a port in a NetworkPolicy, which
/// names no hosts: the host a design notes for it goes beside the rule, so exported
/// manifests, imported again and linked, still say what each block is for.
#[test]
fn the_host_of_a_destination_outside_survives_the_manifests_and_a_link() {
    use kubeprint_core::model::ExternalEgress;
    let mut d = templates::by_name("miniredis").unwrap();
    let env = d
        .environments
        .iter()
        .find(|e| e.default_deny)
        .unwrap()
        .name
        .clone();
    let to = |to: &str, cidr: &str, port| ExternalEgress {
        to: to.into(),
        cidr: cidr.into(),
        port,
        ..ExternalEgress::default()
    };
    let wanted = vec![
        to("api.stripe.com", "0.0.0.0/0", 443),
        to("orders-db (managed)", "10.20.0.0/16", 5432),
        // Two hosts behind one block and port: one rule, both named.
        to("api.twilio.com", "0.0.0.0/0", 443),
        to("", "203.0.113.0/24", 8443),
        // Anywhere but the private networks, as policies often write it.
        ExternalEgress {
            except: vec![
                "10.0.0.0/8".into(),
                "172.16.0.0/12".into(),
                "192.168.0.0/16".into(),
            ],
            ..to("hooks.slack.com", "0.0.0.0/0", 443)
        },
    ];
    d.services[0].egress = wanted.clone();
    let name = d.services[0].name.clone();
    let yaml = render(&d, &env).to_yaml();
    let policy = &objects(&yaml)[&(
        "NetworkPolicy".to_string(),
        kubeprint_core::naming::allow_policy(&name),
    )];
    assert_eq!(
        policy["metadata"]["annotations"][render::EGRESS_HOSTS_ANNOTATION],
        "0.0.0.0/0:443 api.stripe.com\n0.0.0.0/0:443 api.twilio.com\n10.20.0.0/16:5432 orders-db (managed)\n0.0.0.0/0:443 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 hooks.slack.com"
    );
    let imported = round_trip(&yaml, "egress hosts");
    let back = |design: &Design| {
        let s = design.services.iter().find(|s| s.name == name).unwrap();
        let mut e = s.egress.clone();
        e.sort_by(|a, b| (&a.cidr, a.port, &a.to).cmp(&(&b.cidr, b.port, &b.to)));
        e
    };
    let mut sorted = wanted;
    sorted.sort_by(|a, b| (&a.cidr, a.port, &a.to).cmp(&(&b.cidr, b.port, &b.to)));
    assert_eq!(back(&imported.design), sorted);
    assert!(
        imported.design.environments[0].default_deny,
        "the policies are the design's"
    );
    let linked = link::decode(&link::encode(&imported.design)).unwrap();
    assert_eq!(back(&linked), sorted);
    let env = &linked.environments[0].name;
    assert_eq!(
        render(&linked, env).to_yaml(),
        render(&imported.design, env).to_yaml()
    );
    // The annotation edited by hand (lines in another order, apart by a tab, CRLF, a
    // block the rules lack): the hosts of the rules are read, the policies still the
    // design's.
    let edited = yaml.replace(
        "egress-hosts: |-\n      0.0.0.0/0:443 api.stripe.com\n      0.0.0.0/0:443 api.twilio.com\n      10.20.0.0/16:5432 orders-db (managed)\n      0.0.0.0/0:443 except 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 hooks.slack.com\n",
        "egress-hosts: \"0.0.0.0/0:443  except\\t10.0.0.0/8,172.16.0.0/12,192.168.0.0/16 hooks.slack.com\\r\\n10.20.0.0/16:5432\\torders-db (managed)\\r\\n0.0.0.0/0:443 api.twilio.com\\r\\n192.0.2.0/24:25 mail\\r\\n0.0.0.0/0:443 api.stripe.com\\r\\n\"\n",
    );
    assert!(edited != yaml, "the annotation is written as a block");
    let by_hand = import::kubernetes(&edited).design;
    assert!(by_hand.environments[0].default_deny);
    assert_eq!(back(&by_hand), sorted);
    // A host noted after the import reaches the policy; one cleared leaves it.
    let mut edited = linked.clone();
    let s = edited.services.iter_mut().find(|s| s.name == name).unwrap();
    let cleared = s
        .egress
        .iter()
        .position(|e| e.to == "api.stripe.com")
        .unwrap();
    s.egress[cleared].to.clear();
    let unnamed = s
        .egress
        .iter()
        .position(|e| e.cidr == "203.0.113.0/24")
        .unwrap();
    s.egress[unnamed].to = "partner.example.com".into();
    let policy = &objects(&render(&edited, env).to_yaml())[&(
        "NetworkPolicy".to_string(),
        kubeprint_core::naming::allow_policy(&name),
    )];
    let hosts = policy["metadata"]["annotations"][render::EGRESS_HOSTS_ANNOTATION]
        .as_str()
        .unwrap();
    assert!(
        hosts.contains("203.0.113.0/24:8443 partner.example.com"),
        "{hosts}"
    );
    assert!(!hosts.contains("stripe"), "{hosts}");
}
