//! Laws of imported designs, on a corpus of realistic manifest sets (core/tests/corpus/,
//! see its README): import then render gives every object back exactly; a share link
//! keeps the design exactly; an edit of any modelled field reaches the YAML; and the
//! rules read what render writes, so a fixed finding stays fixed in the YAML.

use kubeprint_core::edit::{Edit, FieldPath};
use kubeprint_core::import::{self, Import, Outcome};
use kubeprint_core::render::Object;
use kubeprint_core::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Every manifest set of the corpus, by file name.
fn corpus() -> Vec<(String, String)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut out = Vec::new();
    for sub in ["", "two-envs", "helm-envs"] {
        let Ok(entries) = std::fs::read_dir(format!("{dir}/{sub}")) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.extension().is_some_and(|x| x == "yaml") {
                let name = path.strip_prefix(dir).unwrap().display().to_string();
                out.push((name, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    out.sort();
    assert!(out.len() >= 12, "the corpus has its manifest sets");
    out
}

/// What identifies an object within one rendering.
type Key = (String, String, String);

fn key(v: &Value) -> Key {
    let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
    (
        s(&v["kind"]),
        s(&v["metadata"]["namespace"]),
        s(&v["metadata"]["name"]),
    )
}

/// Kubernetes reads YAML 1.1, where a plain `0755` is octal 493; serde_yaml reads it as
/// the text "0755". The corpus writes file modes that way.
fn yaml11_octal_modes(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                let octal = x.as_str().filter(|t| {
                    t.len() > 1
                        && t.starts_with('0')
                        && t.bytes().all(|b| (b'0'..=b'7').contains(&b))
                });
                match octal {
                    Some(t) if k == "defaultMode" || k == "mode" => {
                        *x = Value::from(u32::from_str_radix(t, 8).unwrap());
                    }
                    _ => yaml11_octal_modes(x),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(yaml11_octal_modes),
        _ => {}
    }
}

/// Secret values never enter a design: compare Secrets without them.
fn without_secret_values(mut v: Value) -> Value {
    kubeprint_core::render::without_secret_values(&mut v);
    v
}

/// The input as Kubernetes would hold it: each document through its typed k8s-openapi
/// form where Kubeprint models the kind (that is what a typed client keeps), whole
/// otherwise, removed API versions upgraded, Lists flattened.
fn expected(imported: &Import, text: &str) -> BTreeMap<Key, Value> {
    let docs = kubeprint_core::yaml::parse_documents(text.trim_start_matches('\u{feff}'))
        .expect("the corpus parses");
    let mut out = BTreeMap::new();
    for mut d in docs.into_iter().filter(|d| !d.is_null()) {
        // YAML merge keys, as Kubernetes' YAML reader applies them.
        d.apply_merge().unwrap();
        let mut v: Value = serde_json::to_value(&d).unwrap();
        yaml11_octal_modes(&mut v);
        kubeprint_core::apis::upgrade(&mut v);
        let items = if v["kind"] == "List" {
            v["items"].as_array().cloned().unwrap_or_default()
        } else {
            vec![v]
        };
        for mut item in items {
            // A Helm test hook is left out (it runs on `helm test` only).
            let hook = item["metadata"]["annotations"]["helm.sh/hook"].as_str();
            if hook.is_some_and(|h| h.split(',').any(|h| h.trim().starts_with("test"))) {
                continue;
            }
            if item["kind"] == "Secret" {
                item = without_secret_values(item);
            }
            let typed = Object::from_json(item.clone()).map(|o| o.to_json());
            let v = typed.unwrap_or(item);
            out.insert(key(&v), without_secret_values(v));
        }
    }
    // Objects without a namespace are rendered into the design's namespace only if the
    // input had none: both sides agree on that, so nothing to adjust. Report sanity:
    assert!(
        (imported.documents.iter()).all(
            |d| !matches!(&d.outcome, Outcome::Skipped(m) if !m.starts_with("a Helm test hook"))
        ),
        "nothing of the corpus is skipped but Helm's tests: {:#?}",
        imported.documents
    );
    out
}

fn rendered(design: &Design) -> BTreeMap<Key, Value> {
    let env = &design.environments[0].name;
    render(design, env)
        .objects
        .iter()
        .map(|o| {
            let v = without_secret_values(o.to_json());
            (key(&v), v)
        })
        .collect()
}

fn assert_same(what: &str, want: &BTreeMap<Key, Value>, got: &BTreeMap<Key, Value>) {
    let missing: Vec<_> = want.keys().filter(|k| !got.contains_key(*k)).collect();
    let extra: Vec<_> = got.keys().filter(|k| !want.contains_key(*k)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing {missing:?}, extra {extra:?}"
    );
    for (k, v) in want {
        assert_eq!(&got[k], v, "{what}: {k:?} differs");
    }
}

#[test]
fn every_object_comes_back_exactly_after_import_and_after_a_link() {
    for (name, text) in corpus() {
        if text.contains("{{") && name.contains("helm") {
            // Helm-looking values are the parser's business (tests/import.rs); this set
            // is checked there once the parser accepts it.
        }
        let imported = import::kubernetes(&text);
        if imported.documents.iter().any(|d| d.unreadable) {
            // A document the parser cannot read yet is reported, never silently lost.
            eprintln!("{name}: skipped documents: {:?}", imported.documents);
            continue;
        }
        let want = expected(&imported, &text);
        assert_same(&name, &want, &rendered(&imported.design));
        let url = link::link("https://kubeprint.example/", &imported.design);
        let opened = link::decode(&url).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(opened, imported.design, "{name}: the link keeps the design");
        assert_same(&format!("{name} after a link"), &want, &rendered(&opened));
        let file = file::from_json(&file::to_json(&imported.design)).unwrap();
        assert_eq!(file, imported.design, "{name}: the design file keeps it");
    }
}

/// `design` without anything an import kept (every `residual` member, wherever it is).
fn without_residuals(design: &Design) -> Design {
    fn strip(v: &mut Value) {
        match v {
            Value::Object(m) => {
                m.remove("residual");
                m.values_mut().for_each(strip);
            }
            Value::Array(items) => items.iter_mut().for_each(strip),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(design).unwrap();
    strip(&mut v);
    let stripped: Design = serde_json::from_value(v).unwrap();
    let env = &stripped.environments[0].name;
    assert!(render(&stripped, env)
        .objects
        .iter()
        .all(|o| !matches!(o, Object::Patched(_))));
    stripped
}

/// The API groups of the custom resources Kubeprint renders (`crd/`).
const CUSTOM_GROUPS: [&str; 3] = [
    "argoproj.io/",
    "monitoring.coreos.com/",
    "gateway.networking.k8s.io/",
];

/// Checks every object of `design`'s first environment that carries a replayed residual:
/// it is a valid object of its kind, and written as that typed object writes, byte for
/// byte for the built-in kinds (the page writes it from its JSON, without deserializing
/// it, so a member the kind does not have would show here); a custom resource has the
/// same members. Returns how many there were.
fn assert_replayed_objects_are_their_kinds(what: &str, design: &Design) -> usize {
    let env = &design.environments[0].name;
    let mut count = 0;
    for o in render(design, env).objects {
        let Object::Patched(p) = &o else { continue };
        count += 1;
        let typed = Object::from_json(p.json.clone())
            .unwrap_or_else(|e| panic!("{what}: {} {}: {e}", o.kind(), o.name()));
        assert_eq!(typed.kind(), o.kind(), "{what}");
        assert_eq!(typed.metadata(), o.metadata(), "{what}: {}", o.name());
        if !CUSTOM_GROUPS.iter().any(|g| o.api_version().starts_with(g)) {
            assert_eq!(
                yaml::to_doc(&o),
                yaml::to_doc(&typed),
                "{what}: {} {} is written in its type's order",
                o.kind(),
                o.name()
            );
        } else {
            assert_eq!(typed.to_json(), p.json, "{what}: {}", o.name());
        }
    }
    count
}

#[test]
fn a_replayed_object_is_a_valid_object_of_its_kind_written_as_its_type_writes() {
    let mut replayed = 0;
    let mut custom = 0;
    for (name, text) in corpus() {
        let design = import::kubernetes(&text).design;
        replayed += assert_replayed_objects_are_their_kinds(&name, &design);
        // A replayed object keeps its kind's place in apply order: the kinds come in
        // the order they do without what the import kept (which may rename an object).
        let order = |d: &Design| -> Vec<String> {
            let env = &d.environments[0].name;
            render(d, env)
                .objects
                .iter()
                .map(|o| o.kind().to_string())
                .collect()
        };
        assert_eq!(order(&design), order(&without_residuals(&design)), "{name}");
        let env = &design.environments[0].name;
        custom += render(&design, env)
            .objects
            .iter()
            .filter(|o| matches!(o, Object::Patched(_)))
            .filter(|o| CUSTOM_GROUPS.iter().any(|g| o.api_version().starts_with(g)))
            .count();
    }
    assert!(replayed >= 20, "the corpus replays residuals: {replayed}");
    assert!(custom >= 1, "onto custom resources too: {custom}");
}

/// Every service of every imported design made each other workload kind, and each
/// Deployment a canary or a canary a Deployment again: what its import kept of the old
/// kind's spec (a StatefulSet's `podManagementPolicy`, a Rollout's `strategy.canary`) is
/// not written into the new kind, and what all kinds share stays.
#[test]
fn a_workload_made_another_kind_keeps_only_what_that_kind_has() {
    let kinds = ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];
    let mut changed = 0;
    for (name, design) in imported_designs() {
        for s in &design.services {
            let mut edits: Vec<(&str, &str)> = kinds
                .iter()
                .filter(|k| **k != s.kind.as_str())
                .map(|k| ("/kind", *k))
                .collect();
            // A canary made a plain Deployment again, and a Deployment made a canary.
            if s.kind == WorkloadKind::Deployment {
                let other = if s.is_canary() {
                    "rolling_update"
                } else {
                    "canary"
                };
                edits.push(("/delivery/strategy", other));
            }
            for (pointer, value) in edits {
                let mut d = design.clone();
                d.apply(Edit::Set {
                    path: FieldPath::service(s.id, pointer),
                    value: json!(value),
                })
                .unwrap_or_else(|e| panic!("{name}: {} {pointer} {value}: {e}", s.name));
                let what = format!("{name}: {} {pointer} {value}", s.name);
                assert_replayed_objects_are_their_kinds(&what, &d);
                changed += 1;
            }
        }
    }
    assert!(changed > 50, "{changed}");
    // The case that showed it: an imported StatefulSet made a Deployment.
    let text = include_str!("corpus/mysql-statefulset.yaml");
    let mut d = import::kubernetes(text).design;
    let s = d
        .services
        .iter()
        .find(|s| s.kind == WorkloadKind::StatefulSet)
        .unwrap()
        .clone();
    let before = workload(&d, &s);
    assert!(
        before["spec"].get("podManagementPolicy").is_some(),
        "{before}"
    );
    let commands = |w: &Value| -> Vec<(Value, Value)> {
        let init = w["spec"]["template"]["spec"]["initContainers"]
            .as_array()
            .cloned();
        init.unwrap_or_default()
            .iter()
            .map(|c| (c["name"].clone(), c["command"].clone()))
            .collect()
    };
    assert!(commands(&before).len() >= 2, "{before}");
    d.apply(Edit::Set {
        path: FieldPath::service(s.id, "/kind"),
        value: json!("Deployment"),
    })
    .unwrap();
    let after = workload(&d, d.service(s.id).unwrap());
    assert_eq!(after["kind"], "Deployment");
    assert_eq!(after["spec"].get("podManagementPolicy"), None, "{after}");
    assert_eq!(
        commands(&after),
        commands(&before),
        "the pod's init containers stay"
    );
}

/// A modelled field, a value for it, and where the value must show in the rendered
/// workload (a JSON pointer from the container, or from the pod spec with `pod:`).
fn edits() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("/tag", json!("9.9.9-edited"), "/image"),
        (
            "/resources/cpu_request",
            json!("123m"),
            "/resources/requests/cpu",
        ),
        (
            "/resources/memory_limit",
            json!("321Mi"),
            "/resources/limits/memory",
        ),
        (
            "/timing/grace_period_seconds",
            json!(97),
            "pod:/terminationGracePeriodSeconds",
        ),
        (
            "/timing/pre_stop_seconds",
            json!(7),
            "/lifecycle/preStop/sleep/seconds",
        ),
        ("/command", json!(["/bin/edited", "--flag"]), "/command"),
        ("/scaling/replicas", json!(7), "workload:/spec/replicas"),
        ("/job/backoff_limit", json!(3), "job:/backoffLimit"),
        (
            "/job/active_deadline_seconds",
            json!(5400),
            "job:/activeDeadlineSeconds",
        ),
        (
            "/job/ttl_seconds_after_finished",
            json!(7200),
            "job:/ttlSecondsAfterFinished",
        ),
        (
            "/cron/schedule",
            json!("45 4 * * 1"),
            "workload:/spec/schedule",
        ),
        (
            "/cron/time_zone",
            json!("America/Chicago"),
            "workload:/spec/timeZone",
        ),
        (
            "/cron/concurrency_policy",
            json!("Replace"),
            "workload:/spec/concurrencyPolicy",
        ),
    ]
}

/// Whether a modelled field applies to the kind of `s` (an edit of the others is not
/// rendered, by design: a Deployment has no backoffLimit, a Job no replicas).
fn applies(pointer: &str, s: &Service) -> bool {
    match pointer {
        "/scaling/replicas" => s.kind.has_replicas() && s.scaling.hpa.is_none(),
        p if p.starts_with("/job/") => s.kind.runs_to_completion(),
        p if p.starts_with("/cron/") => s.kind == WorkloadKind::CronJob,
        _ => true,
    }
}

/// The workload `s` renders in `design`'s first environment, as JSON.
fn workload(design: &Design, s: &Service) -> Value {
    let env = &design.environments[0].name;
    render(design, env)
        .objects
        .iter()
        .find(|o| o.kind() == render::workload_kind(s) && o.name() == s.name)
        .map(|o| o.to_json())
        .unwrap_or(Value::Null)
}

/// The pod template of a rendered workload: a CronJob's is in its job template.
fn pod_template(workload: &Value) -> &Value {
    match workload["kind"].as_str() {
        Some("CronJob") => &workload["spec"]["jobTemplate"]["spec"]["template"],
        _ => &workload["spec"]["template"],
    }
}

fn shown(workload: &Value, s: &Service, at: &str) -> Value {
    if let Some(p) = at.strip_prefix("workload:") {
        return workload.pointer(p).cloned().unwrap_or(Value::Null);
    }
    let pod = &pod_template(workload)["spec"];
    if let Some(p) = at.strip_prefix("job:") {
        let job = match workload["kind"].as_str() {
            Some("CronJob") => &workload["spec"]["jobTemplate"]["spec"],
            _ => &workload["spec"],
        };
        return job.pointer(p).cloned().unwrap_or(Value::Null);
    }
    if let Some(p) = at.strip_prefix("pod:") {
        return pod.pointer(p).cloned().unwrap_or(Value::Null);
    }
    let container = pod["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == s.container())
        .cloned()
        .unwrap_or(Value::Null);
    container.pointer(at).cloned().unwrap_or(Value::Null)
}

/// The imported corpus designs that have services, once.
fn imported_designs() -> Vec<(String, Design)> {
    corpus()
        .into_iter()
        .map(|(name, text)| (name, import::kubernetes(&text).design))
        .filter(|(_, d)| !d.services.is_empty())
        .collect()
}

/// `imported` as it is, and after a share link: the two designs every law below holds
/// for, with whether it went through the link.
fn as_imported_and_after_a_link(imported: &Design) -> [(bool, Design); 2] {
    let linked = link::decode(&link::link("https://k.example/", imported)).unwrap();
    [(false, imported.clone()), (true, linked)]
}

/// One of the imported corpus designs (after a share link when `through_link`), by
/// file name, and one of its services.
fn imported_service(
    pick: prop::sample::Index,
    service: prop::sample::Index,
    through_link: bool,
) -> (String, Design, Service) {
    let designs = imported_designs();
    let (name, design) = &designs[pick.index(designs.len())];
    let mut design = design.clone();
    if through_link {
        design = link::decode(&link::link("https://k.example/", &design)).unwrap();
    }
    let s = design.services[service.index(design.services.len())].clone();
    (name.clone(), design, s)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any modelled edit of any imported service reaches the YAML, also after a link.
    #[test]
    fn an_edit_of_an_imported_service_reaches_the_yaml(
        pick in any::<prop::sample::Index>(),
        service in any::<prop::sample::Index>(),
        edit in any::<prop::sample::Index>(),
        through_link in any::<bool>(),
    ) {
        let (name, mut design, s) = imported_service(pick, service, through_link);
        let (pointer, value, at) = edits()[edit.index(edits().len())].clone();
        if !applies(pointer, &s) {
            // An HPA owns the scale (the model renders no replicas then, see the rules);
            // a Job's fields belong to Jobs.
            return Ok(());
        }
        design
            .apply(Edit::Set { path: FieldPath::service(s.id, pointer), value: value.clone() })
            .unwrap();
        let edited = design.service(s.id).unwrap().clone();
        let got = shown(&workload(&design, &edited), &edited, at);
        let want = match pointer {
            "/tag" => match &edited.digest {
                Some(digest) => json!(format!("{}:9.9.9-edited@{digest}", edited.image)),
                None => json!(format!("{}:9.9.9-edited", edited.image)),
            },
            _ => value,
        };
        prop_assert_eq!(got, want, "{}: {} of {} did not reach the YAML", name, pointer, s.name);
        assert_replayed_objects_are_their_kinds(&name, &design);
    }
}

/// The kept objects an imported corpus design renders in its environment: (kind, name,
/// its YAML as the page shows it).
fn kept_documents(design: &Design) -> Vec<(String, String, String)> {
    let env = &design.environments[0];
    let kept: Vec<(String, String)> = (design.kept_seen_in(env))
        .map(|o| (o.object.kind().to_string(), o.key()))
        .collect();
    (render(design, &env.name).documents().into_iter())
        .filter(|(kind, name, _)| kept.contains(&(kind.clone(), name.clone())))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any object kept whole of any imported design (also after a link), put back as its
    /// own YAML read as the page's editor reads it, changes nothing the design renders;
    /// removed, it is the only object gone; either way the design survives a link.
    #[test]
    fn a_kept_object_edited_as_its_own_yaml_or_removed_changes_only_itself(
        pick in any::<prop::sample::Index>(),
        object in any::<prop::sample::Index>(),
        through_link in any::<bool>(),
    ) {
        // Imported once for every case.
        static DESIGNS: std::sync::LazyLock<Vec<(String, Design)>> = std::sync::LazyLock::new(|| {
            (imported_designs().into_iter())
                .filter(|(_, d)| !kept_documents(d).is_empty())
                .collect()
        });
        let (name, design) = &DESIGNS[pick.index(DESIGNS.len())];
        let mut design = design.clone();
        if through_link {
            design = link::decode(&link::link("https://k.example/", &design)).unwrap();
        }
        let env = design.environments[0].name.clone();
        let kept = kept_documents(&design);
        let (kind, object_name, yaml) = kept[object.index(kept.len())].clone();
        let before = rendered(&design);
        let replace = |with| Edit::ReplaceKept {
            env: env.clone(),
            kind: kind.clone(),
            name: object_name.clone(),
            with,
        };
        let mut same = design.clone();
        let read = import::one_object(&yaml).unwrap_or_else(|e| panic!("{name}: {kind} {object_name}: {e}"));
        same.apply(replace(Some(read))).unwrap();
        assert_same(&format!("{name}: {kind} {object_name} put back"), &before, &rendered(&same));
        let same = link::decode(&link::link("https://k.example/", &same)).unwrap();
        assert_same(&format!("{name}: put back, after a link"), &before, &rendered(&same));

        let mut removed = design.clone();
        removed.apply(replace(None)).unwrap();
        let mut want = before.clone();
        // An object kept in its own namespace is named `namespace/name`; the others
        // render into the environment's (or none, cluster-wide).
        let namespace = &design.environments[0].namespace;
        let (within, bare) = match object_name.split_once('/') {
            Some((ns, n)) => (vec![ns], n),
            None => (vec![namespace.as_str(), ""], object_name.as_str()),
        };
        let gone: Vec<Key> = (want.keys())
            .filter(|(k, ns, n)| *k == kind && n == bare && within.contains(&ns.as_str()))
            .cloned()
            .collect();
        prop_assert_eq!(gone.len(), 1, "{}: {} {} rendered once", name, kind, object_name);
        want.remove(&gone[0]);
        let removed = link::decode(&link::link("https://k.example/", &removed)).unwrap();
        assert_same(&format!("{name}: {kind} {object_name} removed"), &want, &rendered(&removed));
    }
}

/// Every value of the design's configuration that may hold an address, in order: each
/// service's containers' command words and arguments (under no variable's name), and
/// literal env values, then each ConfigMap's data, then each environment's own values of
/// ConfigMaps and of services' variables.
fn config_values(design: &Design) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in &design.services {
        let words = (s.command.iter().chain(&s.args)).chain(
            s.containers
                .iter()
                .flat_map(|c| c.command.iter().chain(&c.args)),
        );
        // `--flag=value` holds its address in the value.
        out.extend(words.map(|w| {
            let value = w
                .strip_prefix("--")
                .and_then(|f| f.split_once('='))
                .map(|(_, v)| v);
            (String::new(), value.unwrap_or(w).to_string())
        }));
        for config in std::iter::once(&s.config).chain(s.containers.iter().map(|c| &c.config)) {
            for e in &config.env {
                if let EnvValue::Literal(v) = &e.value {
                    out.push((e.name.clone(), v.clone()));
                }
            }
        }
    }
    for cm in &design.config_maps {
        out.extend(cm.data.clone());
    }
    for env in &design.environments {
        out.extend(
            env.config_values
                .values()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        let own = env.overrides.values().flat_map(|o| &o.env);
        out.extend(own.filter_map(|(k, v)| match v {
            VarHere::Value(v) => Some((k.clone(), v.clone())),
            VarHere::Read(_) | VarHere::Unset => None,
        }));
    }
    out
}

/// The hosts of the addresses in variable `var`'s `value`, as the address parser reads
/// them (a bare name is a host in a variable named for one; see [`dialed`]).
fn hosts(value: &(String, String)) -> Vec<String> {
    dialed(value).into_iter().map(|(host, _)| host).collect()
}

/// `host` with its first label `old` made `new` when the rest is one of `namespaces`
/// (and `.svc`, `.svc.cluster.local`): the service's Service's names.
fn renamed_host(host: &str, old: &str, new: &str, namespaces: &[String]) -> String {
    // A StatefulSet pod's name: `old-0.old...`.
    if let Some((pod, rest)) = host.split_once('.') {
        let ordinal = pod.strip_prefix(old).and_then(|n| n.strip_prefix('-'));
        if let Some(n) = ordinal.filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        {
            let service = renamed_host(rest, old, new, namespaces);
            if service != rest {
                return format!("{new}-{n}.{service}");
            }
        }
    }
    let Some(rest) = host.strip_prefix(old) else {
        return host.to_string();
    };
    let ours = rest.is_empty()
        || namespaces.iter().any(|ns| {
            [String::new(), ".svc".into(), ".svc.cluster.local".into()]
                .iter()
                .any(|tail| rest == format!(".{ns}{tail}"))
        });
    if ours {
        format!("{new}{rest}")
    } else {
        host.to_string()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Renaming an imported service (one with a Service) renames it in the addresses its
    /// callers' configuration names it by, and in no other host, as the address parser
    /// reads them. Also after a link.
    #[test]
    fn renaming_an_imported_service_follows_the_addresses_that_call_it(
        pick in any::<prop::sample::Index>(),
        service in any::<prop::sample::Index>(),
        through_link in any::<bool>(),
    ) {
        let (name, mut design, s) = imported_service(pick, service, through_link);
        if s.exposure.service == ServiceKind::None {
            return Ok(());
        }
        let namespaces = design.environment_namespaces();
        let before = config_values(&design);
        design
            .apply(Edit::Set { path: FieldPath::service(s.id, "/name"), value: json!("renamed-svc") })
            .unwrap();
        let after = config_values(&design);
        prop_assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            let want: Vec<String> = hosts(b)
                .iter()
                .map(|h| renamed_host(h, &s.name, "renamed-svc", &namespaces))
                .collect();
            prop_assert_eq!(hosts(a), want, "{}: renaming {}: {:?} became {:?}", name, s.name, b, a);
        }
    }
}

/// The addresses in variable `var`'s `value` as the address parser reads them (a bare
/// name only in a variable named for a host; none in one named for an image), each
/// with the port written or its scheme's.
fn dialed((var, value): &(String, String)) -> Vec<(String, Option<u16>)> {
    if address::names_an_image(var) {
        return Vec::new();
    }
    address::addresses(value)
        .into_iter()
        .filter(|a| a.form != address::Form::Bare || address::names_a_host(var))
        .filter_map(|a| match a.host {
            address::Host::Name(h) => Some((h, a.port)),
            address::Host::Ip(_) => None,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Numbering an imported ClusterIP Service's port otherwise moves the addresses
    /// that dial it to the new number, and no other address: not another service's on
    /// the same number, not one dialing another of its ports. Also after a link.
    #[test]
    fn numbering_a_service_port_otherwise_moves_the_addresses_that_dial_it(
        pick in any::<prop::sample::Index>(),
        service in any::<prop::sample::Index>(),
        port in any::<prop::sample::Index>(),
        through_link in any::<bool>(),
    ) {
        let (name, mut design, s) = imported_service(pick, service, through_link);
        if s.exposure.service != ServiceKind::ClusterIP || s.exposure.ports.is_empty() {
            return Ok(());
        }
        let i = port.index(s.exposure.ports.len());
        let old = s.exposure.ports[i].port;
        let new = 20011;
        let namespaces = design.environment_namespaces();
        let names_it = |h: &str| renamed_host(h, &s.name, "x", &namespaces) != h;
        let before = config_values(&design);
        design
            .apply(Edit::Set {
                path: FieldPath::service(s.id, &format!("/exposure/ports/{i}/port")),
                value: json!(new),
            })
            .unwrap();
        let after = config_values(&design);
        prop_assert_eq!(before.len(), after.len());
        for (b, a) in before.iter().zip(&after) {
            let want: Vec<(String, Option<u16>)> = dialed(b)
                .into_iter()
                .map(|(h, p)| {
                    let moved = names_it(&h) && p == Some(old);
                    (h, if moved { Some(new) } else { p })
                })
                .collect();
            prop_assert_eq!(dialed(a), want, "{}: {} port {} -> {}: {:?} became {:?}", name, s.name, old, new, b, a);
            // A value holding no address changes only as the port beside a host
            // variable naming the service alone.
            if dialed(b).is_empty() && a != b {
                let port_of_host = b.0.ends_with("_PORT") && b.1.trim() == old.to_string();
                prop_assert!(port_of_host, "{}: {} port {} -> {}: {:?} became {:?}", name, s.name, old, new, b, a);
                prop_assert_eq!(&a.1, &new.to_string());
            }
        }
    }
}

/// The errors of every environment of `d`, by environment and code: what a rename must
/// not add to.
fn error_counts(d: &Design) -> BTreeMap<(String, &'static str), usize> {
    let mut out = BTreeMap::new();
    for env in &d.environments {
        for f in validate(d, &env.name) {
            if f.severity == Severity::Error {
                *out.entry((env.name.clone(), f.code)).or_default() += 1;
            }
        }
    }
    out
}

/// Renaming any service of any imported design, after a link, adds no error: whatever
/// referred to it by name (a Service, a budget, a route, a kept object, a workload
/// running as its account) still finds what it names. A CronJob that ran as the API's
/// ServiceAccount was left naming an account the rename had taken away.
#[test]
fn renaming_any_imported_service_adds_no_error() {
    let mut renamed = 0;
    for (name, design) in imported_designs() {
        let design = link::decode(&link::link("https://k.example/", &design)).unwrap();
        let before = error_counts(&design);
        for s in &design.services {
            let mut d = design.clone();
            d.apply(Edit::Set {
                path: FieldPath::service(s.id, "/name"),
                value: json!("renamed-svc"),
            })
            .unwrap();
            let after = error_counts(&d);
            let added: Vec<_> = (after.iter())
                .filter(|(k, n)| before.get(*k).is_none_or(|b| b < *n))
                .map(|((env, code), _)| {
                    let said: Vec<String> = validate(&d, env)
                        .into_iter()
                        .filter(|f| f.code == *code)
                        .map(|f| f.message)
                        .collect();
                    format!("{env} {code}: {said:?}")
                })
                .collect();
            assert!(added.is_empty(), "{name}: renaming {}: {added:#?}", s.name);
            renamed += 1;
        }
    }
    assert!(renamed > 40, "only {renamed} services renamed");
}

/// A rename from an empty name (a service nameless in a hand-written file: the page
/// refuses to clear a name) follows nothing: a route backend's empty name is the
/// route's own Service, and must not be sent to the new name.
#[test]
fn a_rename_from_an_empty_name_redirects_no_route() {
    let (_, mut d) = imported_designs()
        .into_iter()
        .find(|(n, _)| n == "envoy-gateway-grpc.yaml")
        .unwrap();
    let backends = |d: &Design| -> Vec<String> {
        (d.services.iter())
            .filter_map(|s| s.exposure.gateway_route.as_ref())
            .flat_map(|r| &r.rules)
            .flat_map(|r| &r.backends)
            .map(|b| b.service.clone())
            .collect()
    };
    let mut before = backends(&d);
    assert!(before.iter().any(|b| b == "tracker-next"), "{before:?}");
    // Give one backend the route's own Service, as an empty name says.
    let tracker = d.service_named("tracker").unwrap().id;
    let route = d
        .service_mut(tracker)
        .unwrap()
        .exposure
        .gateway_route
        .as_mut()
        .unwrap();
    let named = route.rules.iter_mut().flat_map(|r| &mut r.backends);
    for own in named.filter(|b| b.service == "tracker") {
        own.service.clear();
    }
    before = backends(&d);
    assert!(before.iter().any(String::is_empty), "{before:?}");
    let next = d.service_named("tracker-next").unwrap().id;
    d.service_mut(next).unwrap().name.clear();
    d.apply(Edit::Set {
        path: FieldPath::service(next, "/name"),
        value: json!("tracker-canary"),
    })
    .unwrap();
    assert_eq!(backends(&d), before);
}

/// The corpus's microservices demo, imported.
fn microservices_demo() -> Design {
    let (_, text) = corpus()
        .into_iter()
        .find(|(n, _)| n == "microservices-demo.yaml")
        .unwrap();
    import::kubernetes(&text).design
}

#[test]
fn a_renamed_service_of_the_microservices_demo_is_still_called_by_its_new_name() {
    let mut design = microservices_demo();
    let cart = design.service_named("cart").unwrap().id;
    let before = config_values(&design);
    assert!(before.iter().any(|(_, v)| v == "cart:7070"), "{before:?}");
    design
        .apply(Edit::Set {
            path: FieldPath::service(cart, "/name"),
            value: json!("basket"),
        })
        .unwrap();
    let after = config_values(&design);
    assert!(after.iter().any(|(_, v)| v == "basket:7070"), "{after:?}");
    assert!(!after.iter().any(|(_, v)| v.contains("cart:")), "{after:?}");
    // `cart-redis` is another service: its address stays.
    assert!(
        after.iter().any(|(_, v)| v == "cart-redis:6379"),
        "{after:?}"
    );
}

#[test]
fn a_renamed_service_is_called_by_its_new_name_in_arguments_too() {
    let mut design = microservices_demo();
    let cart = design.service_named("cart").unwrap().id;
    let caller = design.service_named("web").unwrap().id;
    let s = design.service_mut(caller).unwrap();
    s.args = vec![
        "cart".into(),
        "--cart-addr=cart:7070".into(),
        "--cache=redis://cart-redis:6379".into(),
    ];
    design
        .apply(Edit::Set {
            path: FieldPath::service(cart, "/name"),
            value: json!("basket"),
        })
        .unwrap();
    // The address follows; a bare word (a subcommand) and another service stay.
    assert_eq!(
        design.service(caller).unwrap().args,
        [
            "cart",
            "--cart-addr=basket:7070",
            "--cache=redis://cart-redis:6379"
        ]
    );
}

/// A shop whose `api` listens on 8080 behind a Service on 80, called from `web`'s
/// variables, its arguments, a ConfigMap read whole (a `API_HOST` + `API_PORT` pair),
/// and an Ingress that routes to both by port number.
const SHOP: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.4.2
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /healthz, port: 8080}}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data:
  API_HOST: api
  API_PORT: "80"
  CACHE_URL: redis://cache:6379/0
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.0.1
          args: ["--api=api.shop.svc.cluster.local:80", "--listen=:3000"]
          ports: [{name: http, containerPort: 3000}]
          envFrom: [{configMapRef: {name: web-config}}]
          env:
            - {name: API_URL, value: "http://api/v1"}
            - {name: API_ADMIN_URL, value: "http://api.shop:80/admin"}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 80}}}}
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"#;

/// Every Ingress backend of the design's kept objects: (Service, port).
fn kept_backends(d: &Design) -> Vec<(String, Value)> {
    let envs = d.environments.iter().flat_map(|e| &e.kept_objects);
    d.extra_objects
        .iter()
        .chain(envs)
        .filter(|o| o.0["kind"] == "Ingress")
        .flat_map(|o| o.0["spec"]["rules"].as_array().cloned().unwrap_or_default())
        .flat_map(|r| r["http"]["paths"].as_array().cloned().unwrap_or_default())
        .map(|p| {
            let s = &p["backend"]["service"];
            (
                s["name"].as_str().unwrap_or("").to_string(),
                s["port"].clone(),
            )
        })
        .collect()
}

/// The Service port callers dial numbered otherwise is dialed at its new number
/// everywhere they write it (a URL leaving out http's 80 gets the new one written), and
/// a container port numbered otherwise is followed by its probe and the Service port
/// that targets it; nothing else moves, and no address is left naming a port the
/// Service lacks. Also after a link.
#[test]
fn a_port_numbered_otherwise_is_dialed_at_its_new_number() {
    let imported = import::kubernetes(SHOP).design;
    for (_, mut d) in as_imported_and_after_a_link(&imported) {
        let api = d.service_named("api").unwrap().id;
        let web = d.service_named("web").unwrap().id;
        let prod = d.environments[0].name.clone();
        d.environments[0]
            .overrides
            .entry(web)
            .or_default()
            .env
            .insert("API_URL".into(), VarHere::Value("http://api:80/v2".into()));
        // The shop's cache runs elsewhere (no service of the design is `cache`): said,
        // as information, and left alone by every edit here.
        let elsewhere = |f: &Finding| f.message.starts_with(CACHE_ELSEWHERE);
        let warnings = |d: &Design| -> Vec<String> {
            validate(d, &prod)
                .into_iter()
                .filter(|f| f.code == "KP321" && !elsewhere(f))
                .map(|f| f.message)
                .collect()
        };
        assert_eq!(warnings(&d), Vec::<String>::new());
        let cache: Vec<Severity> = (validate(&d, &prod).into_iter())
            .filter(elsewhere)
            .map(|f| f.severity)
            .collect();
        assert_eq!(cache, [Severity::Info]);
        assert!(
            kept_backends(&d).contains(&("api".into(), json!({"number": 80}))),
            "{:?}",
            kept_backends(&d)
        );
        d.apply(Edit::Set {
            path: FieldPath::service(api, "/exposure/ports/0/port"),
            value: json!(8000),
        })
        .unwrap();
        let w = d.service(web).unwrap();
        assert_eq!(
            w.args,
            ["--api=api.shop.svc.cluster.local:8000", "--listen=:3000"]
        );
        let env: Vec<(&str, String)> = (w.config.env.iter())
            .map(|e| (e.name.as_str(), format!("{:?}", e.value)))
            .collect();
        assert!(format!("{env:?}").contains("http://api:8000/v1"), "{env:?}");
        assert!(
            format!("{env:?}").contains("http://api.shop:8000/admin"),
            "{env:?}"
        );
        let cm = d.config_map("web-config").unwrap();
        assert_eq!(cm.data["API_HOST"], "api");
        assert_eq!(cm.data["API_PORT"], "8000");
        assert_eq!(cm.data["CACHE_URL"], "redis://cache:6379/0");
        assert_eq!(
            d.environments[0].overrides[&web].env["API_URL"],
            VarHere::Value("http://api:8000/v2".into())
        );
        let backends = kept_backends(&d);
        assert!(
            backends.contains(&("api".into(), json!({"number": 8000}))),
            "{backends:?}"
        );
        // Another Service on the same number stays.
        assert!(
            backends.contains(&("web".into(), json!({"number": 80}))),
            "{backends:?}"
        );
        assert_eq!(warnings(&d), Vec::<String>::new());

        // The container port: its probe and the Service port's target follow; what
        // callers dial (the Service's port) does not move.
        d.apply(Edit::Set {
            path: FieldPath::service(api, "/ports/0/port"),
            value: json!(9090),
        })
        .unwrap();
        let a = d.service(api).unwrap();
        let probe = a.probes.readiness.as_ref().map(|p| &p.action);
        assert!(
            matches!(
                probe,
                Some(ProbeAction::Http {
                    port: PortRef::Number(9090),
                    ..
                })
            ),
            "{probe:?}"
        );
        assert_eq!(a.exposure.ports[0].target, PortRef::Number(9090));
        assert_eq!(a.exposure.ports[0].port, 8000);
        assert_eq!(d.config_map("web-config").unwrap().data["API_PORT"], "8000");
        let errors: Vec<String> = (validate(&d, &prod).into_iter())
            .filter(|f| f.severity == Severity::Error || f.code == "KP321")
            .filter(|f| !elsewhere(f))
            .map(|f| format!("{} {}", f.code, f.message))
            .collect();
        assert_eq!(errors, Vec::<String>::new());
    }
}

/// A service deleted from an imported design leaves every value that dials it named:
/// by its bare name or with the namespace, in a variable, an argument or a ConfigMap.
/// Also after a link.
#[test]
fn a_deleted_service_leaves_its_callers_named() {
    let imported = import::kubernetes(SHOP).design;
    for (through_link, mut d) in as_imported_and_after_a_link(&imported) {
        let prod = d.environments[0].name.clone();
        let named = |d: &Design| -> Vec<String> {
            let mut found: Vec<String> = (validate(d, &prod).into_iter())
                .filter(|f| f.code == "KP321" && !f.message.starts_with(CACHE_ELSEWHERE))
                .map(|f| {
                    f.message
                        .split(" names")
                        .next()
                        .unwrap_or_default()
                        .to_string()
                })
                .collect();
            found.sort();
            found
        };
        assert_eq!(named(&d), Vec::<String>::new());
        let api = d.service_named("api").unwrap().id;
        let before = d.clone();
        d.apply(Edit::RemoveService(api)).unwrap();
        assert_eq!(left_dialing_nothing(&before, &d), ["web"]);
        assert_eq!(left_dialing_nothing(&before, &before), Vec::<String>::new());
        assert_eq!(
            named(&d),
            [
                "`--api` = `api.shop.svc.cluster.local:80`",
                "`API_ADMIN_URL` = `http://api.shop:80/admin`",
                "`API_HOST` = `api`",
                "`API_URL` = `http://api/v1`",
            ],
            "through a link: {through_link}"
        );
    }
}

/// A service an environment does not run, whose Service a kept Ingress routes to: KP710
/// says so and offers to run it there, which clears it. The Service is found by the
/// name callers dial (`catalog` in front of the workload `catalog-v1`). Also after a
/// link.
#[test]
fn an_ingress_to_a_service_switched_off_offers_to_run_it() {
    for (yaml, workload, service) in [(SHOP, "api", "api"), (VERSIONED, "catalog-v1", "catalog")] {
        let imported = import::kubernetes(yaml).design;
        for (through_link, mut d) in as_imported_and_after_a_link(&imported) {
            let env = d.environments[0].name.clone();
            let id = d.service_named(workload).unwrap().id;
            d.environments[0].overrides.entry(id).or_default().enabled = Some(false);
            let kp710 = |d: &Design| -> Vec<Finding> {
                (validate(d, &env).into_iter())
                    .filter(|f| f.code == "KP710")
                    .collect()
            };
            let found = kp710(&d);
            let [f] = found.as_slice() else {
                panic!("{workload}, link {through_link}: {found:#?}")
            };
            assert!(
                f.message.ends_with(&format!(
                    "to Service `{service}`, which `{env}` does not deploy"
                )),
                "{}",
                f.message
            );
            let fix = f.fix.clone().expect("a fix");
            assert_eq!(fix.label, format!("Deploy `{workload}` in `{env}`"));
            d.apply(fix.edit).unwrap();
            assert!(d.environments[0].deploys(id));
            assert_eq!(kp710(&d), Vec::<Finding>::new(), "{workload}");
        }
    }
}

/// The shop's database, without its Service (each test writes the one it needs).
const POSTGRES: &str = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres, namespace: shop}
spec:
  serviceName: postgres
  selector: {matchLabels: {app: postgres}}
  template:
    metadata: {labels: {app: postgres}}
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          ports: [{name: postgres, containerPort: 5432}]
---
"#;

/// Every word of the command lines of service `id` and of its other containers.
fn command_lines(d: &Design, id: ServiceId) -> Vec<String> {
    let s = d.service(id).unwrap();
    let lines = std::iter::once((&s.command, &s.args))
        .chain(s.containers.iter().map(|c| (&c.command, &c.args)));
    lines
        .flat_map(|(c, a)| c.iter().chain(a))
        .cloned()
        .collect()
}

/// What KP321 says names nothing in `env`: each value as `` `key` = `value` ``, sorted.
fn unknown_values(d: &Design, env: &str) -> Vec<String> {
    let mut said: Vec<String> = (validate(d, env).into_iter())
        .filter(|f| f.code == "KP321")
        .map(|f| {
            f.message
                .split(" names")
                .next()
                .unwrap_or_default()
                .to_string()
        })
        .collect();
    said.sort();
    said
}

/// The names of the objects of `kind` that `env` renders.
fn rendered_names(d: &Design, env: &str, kind: &str) -> Vec<String> {
    (render(d, env).objects.iter())
        .map(|o| o.to_json())
        .filter(|o| o["kind"] == kind)
        .map(|o| {
            o["metadata"]["name"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// A nightly backup that names its database on the command line, as database clients
/// and migration tools take it: `pg_dump -h postgres`, `--db-host postgres`,
/// `--host=postgres`. The import draws the edge; a rename of the database follows into
/// every word; its deletion is said for each; a `-h` of a program that is no database
/// client (where it is help) and a word after a flag that names no host are left
/// alone. Also after a link.
#[test]
fn a_database_named_on_the_command_line_is_followed() {
    let yaml = POSTGRES.to_string()
        + r#"
apiVersion: v1
kind: Service
metadata: {name: postgres, namespace: shop}
spec:
  clusterIP: None
  selector: {app: postgres}
  ports: [{name: postgres, port: 5432, targetPort: postgres}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: backup
              image: postgres:16.4
              command: [pg_dump, -h, postgres, -U, shop, -f, /backup/shop.sql, shop]
            - name: verify
              image: ghcr.io/acme/verify:1.2.0
              args: [--db-host, postgres, --host=postgres, -h, postgres, --name, postgres]
"#;
    let imported = import::kubernetes(&yaml).design;
    for (through_link, mut d) in as_imported_and_after_a_link(&imported) {
        let db = d.service_named("postgres").unwrap().id;
        let backup = d.service_named("backup").unwrap().id;
        assert!(
            d.edges.iter().any(|e| e.from == backup && e.to == db),
            "the import draws backup -> postgres: {:?}",
            d.edges
        );
        let mut renamed = d.clone();
        renamed
            .apply(Edit::Set {
                path: FieldPath::service(db, "/name"),
                value: json!("db"),
            })
            .unwrap();
        assert_eq!(
            command_lines(&renamed, backup).join(" "),
            "pg_dump -h db -U shop -f /backup/shop.sql shop \
             --db-host db --host=db -h postgres --name postgres",
            "through a link: {through_link}"
        );
        d.apply(Edit::RemoveService(db)).unwrap();
        let env = d.environments[0].name.clone();
        assert_eq!(
            unknown_values(&d, &env),
            [
                "`--db-host` = `postgres`",
                "`--host` = `postgres`",
                "`-h` = `postgres`",
            ],
            "through a link: {through_link}"
        );
    }
}

/// Init containers and jobs that name what they wait for in a shell script, as most
/// charts write them: `until nc -z postgres 5432`, `psql -h postgres … && …`, a
/// `wget` of a URL. The import draws the edges; a rename of the database follows into
/// the scripts, word by word (an `echo` that mentions it is left alone); its deletion
/// is said for each; a URL on a port the Service lacks is fixed inside the script,
/// the rest kept. Also after a link.
#[test]
fn a_host_named_in_a_shell_script_is_followed() {
    let yaml = POSTGRES.to_string()
        + r#"
apiVersion: v1
kind: Service
metadata: {name: postgres, namespace: shop}
spec:
  selector: {app: postgres}
  ports: [{name: postgres, port: 5432, targetPort: postgres}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      initContainers:
        - name: wait-for-db
          image: busybox:1.36
          command: [sh, -c, "until nc -z -w 2 postgres 5432; do echo waiting for postgres; sleep 2; done"]
        - name: migrate
          image: postgres:16.4
          command: [/bin/sh, -ec]
          args:
            - |
              PGPASSWORD="$DB_PASSWORD" psql -h postgres -U orders -f /migrations/001.sql
              echo migrated postgres
      containers:
        - name: orders
          image: ghcr.io/acme/orders:2.3.0
          ports: [{name: http, containerPort: 8080}]
          env:
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: orders-db, key: password}}
            - {name: DATABASE_URL, value: "postgres://orders:$(DB_PASSWORD)@postgres:5432/orders"}
---
apiVersion: v1
kind: Secret
metadata: {name: orders-db, namespace: shop}
type: Opaque
stringData: {password: not-this-one}
---
apiVersion: v1
kind: Service
metadata: {name: orders, namespace: shop}
spec:
  selector: {app: orders}
  ports: [{name: http, port: 8080, targetPort: http}]
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: warm-cache, namespace: shop}
spec:
  schedule: "*/15 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: warm
              image: busybox:1.36
              command: [sh, -c, "wget -qO- http://orders:8081/internal/warm && wget -qO- http://orders:8081/internal/warm?deep=1 && echo warmed"]
"#;
    let imported = import::kubernetes(&yaml).design;
    for (through_link, d) in as_imported_and_after_a_link(&imported) {
        let db = d.service_named("postgres").unwrap().id;
        let orders = d.service_named("orders").unwrap().id;
        let warm = d.service_named("warm-cache").unwrap().id;
        assert!(
            d.edges.iter().any(|e| e.from == orders && e.to == db),
            "the import draws orders -> postgres: {:?}",
            d.edges
        );
        let scripts = |d: &Design, id: ServiceId| -> Vec<String> {
            (command_lines(d, id).into_iter())
                .filter(|w| w.contains(' '))
                .collect()
        };
        let mut renamed = d.clone();
        renamed
            .apply(Edit::Set {
                path: FieldPath::service(db, "/name"),
                value: json!("db"),
            })
            .unwrap();
        assert_eq!(
            scripts(&renamed, orders),
            [
                "until nc -z -w 2 db 5432; do echo waiting for postgres; sleep 2; done",
                "PGPASSWORD=\"$DB_PASSWORD\" psql -h db -U orders -f /migrations/001.sql\n\
                 echo migrated postgres\n",
            ],
            "through a link: {through_link}"
        );
        let url = (renamed.service(orders).unwrap().config.env.iter())
            .find(|e| e.name == "DATABASE_URL")
            .map(|e| e.value.clone());
        assert_eq!(
            url,
            Some(EnvValue::Literal(
                "postgres://orders:$(DB_PASSWORD)@db:5432/orders".into()
            )),
            "a reference to the password stays in the URL that follows the rename"
        );
        let env = d.environments[0].name.clone();
        let redial: Vec<Finding> = (validate(&d, &env).into_iter())
            .filter(|f| {
                f.fix
                    .as_ref()
                    .is_some_and(|x| x.label.starts_with("Dial port"))
            })
            .collect();
        let [f, g] = redial.as_slice() else {
            panic!("a finding for each URL on the port: {redial:#?}")
        };
        assert!(
            [f, g]
                .iter()
                .any(|f| f.message.contains("`http://orders:8081/internal/warm`")),
            "{redial:#?}"
        );
        // Both fixes of one check, one after the other, as a user clicks them: the
        // second keeps what the first did.
        let mut fixed = d.clone();
        for x in [f, g] {
            fixed.apply(x.fix.clone().unwrap().edit).unwrap();
        }
        assert_eq!(
            scripts(&fixed, warm),
            ["wget -qO- http://orders:8080/internal/warm && \
              wget -qO- http://orders:8080/internal/warm?deep=1 && echo warmed"]
        );
        let mut d = fixed;
        d.apply(Edit::RemoveService(db)).unwrap();
        assert_eq!(
            unknown_values(&d, &env),
            [
                "`-h` = `postgres`",
                "`DATABASE_URL` = `postgres://orders:$(DB_PASSWORD)@postgres:5432/orders`",
                "`nc` = `postgres`"
            ],
            "through a link: {through_link}"
        );
    }
}

/// A rename says what followed it and, for a StatefulSet with volume claims, that its
/// pods will claim new, empty volumes (claims are named after the StatefulSet): on the
/// imported shop of [`a_host_named_in_a_shell_script_is_followed`]'s shape with a
/// claim, also after a link.
#[test]
fn a_rename_says_who_followed_and_what_a_statefulsets_claims_do() {
    let yaml = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: postgres, namespace: shop}
spec:
  serviceName: postgres
  selector: {matchLabels: {app: postgres}}
  template:
    metadata: {labels: {app: postgres}}
    spec:
      containers:
        - name: postgres
          image: postgres:16.4
          ports: [{name: postgres, containerPort: 5432}]
          volumeMounts: [{name: data, mountPath: /var/lib/postgresql/data}]
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        accessModes: [ReadWriteOnce]
        resources: {requests: {storage: 20Gi}}
---
apiVersion: v1
kind: Service
metadata: {name: postgres, namespace: shop}
spec:
  selector: {app: postgres}
  ports: [{name: postgres, port: 5432, targetPort: postgres}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: orders-config, namespace: shop}
data: {DB_HOST: postgres, LOG_LEVEL: info}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, namespace: shop}
spec:
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      containers:
        - name: orders
          image: ghcr.io/acme/orders:2.3.0
          envFrom: [{configMapRef: {name: orders-config}}]
          args: [--migrate-from, "postgres://postgres:5432/orders"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.3.0
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:2.3.0
          ports: [{name: http, containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  namespace: shop
  annotations: {cert-manager.io/cluster-issuer: letsencrypt}
spec:
  tls: [{hosts: [api.shop.example.com], secretName: api-tls}]
  rules:
    - host: api.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {service: {name: api, port: {name: http}}}
"#;
    let imported = import::kubernetes(yaml).design;
    for (through_link, d) in as_imported_and_after_a_link(&imported) {
        let rename = |name: &str, to: &str| {
            let mut after = d.clone();
            let id = after.service_named(name).unwrap().id;
            after
                .apply(Edit::Set {
                    path: FieldPath::service(id, "/name"),
                    value: json!(to),
                })
                .unwrap();
            after.rename_said(&d)
        };
        assert_eq!(
            rename("postgres", "db").as_deref(),
            Some(
                "Renamed `postgres` to `db`: `orders` and ConfigMap `orders-config` follow. \
                 Its pods will claim new, empty volumes (`data-db-0`, not `data-postgres-0`): \
                 move the data first, or keep the old name. Ctrl+Z takes it back"
            ),
            "through a link: {through_link}"
        );
        assert_eq!(
            rename("web", "storefront").as_deref(),
            Some("Renamed `web` to `storefront`. Ctrl+Z takes it back")
        );
        // A certificate cert-manager issued into `web-tls` is issued anew.
        assert_eq!(
            rename("api", "shop-api").as_deref(),
            Some(
                "Renamed `api` to `shop-api`. Its certificate goes to Secret `shop-api-tls`, \
                 which cert-manager issues anew from `letsencrypt` (an ACME issuer counts it \
                 against its rate limits); `api-tls` stays until deleted. Ctrl+Z takes it back"
            )
        );
        assert_eq!(d.rename_said(&d), None, "nothing renamed");
    }
}

/// Rendered charts read Secrets they do not hold (`existingSecret`): KP305's fix names
/// the Secret as made outside Kubeprint, so the export never writes a placeholder over
/// its real values; the bundle's README says to create it first. Unticked, it renders
/// with placeholders again. Also after a link.
#[test]
fn a_secret_made_outside_is_named_and_never_written() {
    let yaml = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:3.1.0
          env:
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: shop-db, key: password}}
"#;
    let imported = import::kubernetes(yaml).design;
    let env = imported.environments[0].name.clone();
    let secrets = |d: &Design| rendered_names(d, &env, "Secret");
    for (through_link, mut d) in as_imported_and_after_a_link(&imported) {
        let f = (validate(&d, &env).into_iter())
            .find(|f| f.code == "KP305")
            .expect("KP305");
        let fix = f.fix.unwrap();
        assert_eq!(
            fix.label,
            "Name Secret `shop-db` as made outside Kubeprint (the export never writes it)"
        );
        d.apply(fix.edit).unwrap();
        // Kept through a link too.
        let d = link::decode(&link::link("https://k.example/", &d)).unwrap();
        assert!(
            d.secret("shop-db").unwrap().external,
            "link: {through_link}"
        );
        assert!(!validate(&d, &env).iter().any(|f| f.code == "KP305"));
        assert_eq!(secrets(&d), Vec::<String>::new(), "link: {through_link}");
        let readme = (export::bundle(&d).into_iter())
            .find(|f| f.path.ends_with("README.md"))
            .unwrap();
        assert!(
            readme.contents.contains(
                "kubectl create secret generic shop-db -n shop --from-literal=password=…"
            ),
            "{}",
            readme.contents
        );
        let mut written = d.clone();
        written
            .apply(Edit::Set {
                path: FieldPath {
                    target: edit::Target::Secret("shop-db".into()),
                    pointer: "/external".into(),
                },
                value: json!(false),
            })
            .unwrap();
        assert_eq!(secrets(&written), ["shop-db"]);
    }
}

/// An Ingress kept whole that only routes to a service an environment switches off
/// goes with it there (kept, it would send to a Service that is not there); one that
/// also routes elsewhere stays, and KP710 says what it lacks. Also after a link.
#[test]
fn a_kept_ingress_goes_with_the_only_service_it_routes_to() {
    let workload = |name: &str| {
        format!(
            r#"apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: shop}}
spec:
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: {name}
          image: ghcr.io/acme/{name}:1.0.0
          ports: [{{name: http, containerPort: 8080}}]
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: shop}}
spec:
  selector: {{app: {name}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
---
"#
        )
    };
    let yaml = format!(
        r#"{}{}apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api-public
  namespace: shop
  annotations: {{nginx.ingress.kubernetes.io/limit-rps: "20"}}
spec:
  ingressClassName: nginx
  rules:
    - host: api.shop.example.com
      http:
        paths:
          - {{path: /v1, pathType: Prefix, backend: {{service: {{name: api, port: {{name: http}}}}}}}}
          - {{path: /v2, pathType: Exact, backend: {{service: {{name: api, port: {{name: http}}}}}}}}
    - host: api.shop.example.org
      http:
        paths:
          - {{path: /, pathType: Prefix, backend: {{service: {{name: api, port: {{name: http}}}}}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: site
  namespace: shop
  annotations: {{nginx.ingress.kubernetes.io/limit-rps: "50"}}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - {{path: /api, pathType: Prefix, backend: {{service: {{name: api, port: {{name: http}}}}}}}}
          - {{path: /, pathType: Prefix, backend: {{service: {{name: web, port: {{name: http}}}}}}}}
"#,
        workload("web"),
        workload("api")
    );
    let imported = import::kubernetes(&yaml).design;
    let env = imported.environments[0].name.clone();
    let ingresses = |d: &Design| rendered_names(d, &env, "Ingress");
    assert_eq!(ingresses(&imported), ["api-public", "site"]);
    assert_eq!(
        (imported.extra_objects.iter())
            .filter(|o| o.kind() == "Ingress")
            .count(),
        2,
        "both kept whole"
    );
    for (through_link, mut d) in as_imported_and_after_a_link(&imported) {
        let api = d.service_named("api").unwrap().id;
        d.environments[0].overrides.entry(api).or_default().enabled = Some(false);
        assert_eq!(ingresses(&d), ["site"], "link: {through_link}");
        let kp710: Vec<String> = (validate(&d, &env).into_iter())
            .filter(|f| f.code == "KP710")
            .map(|f| f.message)
            .collect();
        assert_eq!(kp710.len(), 1, "only the Ingress that stays: {kp710:#?}");
        assert!(kp710[0].contains("`site`"), "{}", kp710[0]);
    }
}

/// What KP321 says of the shop's cache, which no service of the design is.
const CACHE_ELSEWHERE: &str = "`CACHE_URL` = `redis://cache:6379/0` names no known service: no service of the design is named `cache`";

/// A shop whose Service `catalog` fronts the workload `catalog-v1` (versioned
/// workloads behind one Service, as service meshes' samples publish them); `web` calls
/// it by the Service's name in a URL, an argument and a ConfigMap pair, and an Ingress
/// routes to it by port number.
const VERSIONED: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog-v1, namespace: shop, labels: {app: catalog, version: v1}}
spec:
  replicas: 2
  selector: {matchLabels: {app: catalog, version: v1}}
  template:
    metadata: {labels: {app: catalog, version: v1}}
    spec:
      containers:
        - name: catalog
          image: ghcr.io/acme/catalog:1.4.2
          ports: [{name: http, containerPort: 8080}]
          readinessProbe: {httpGet: {path: /ready, port: http}}
---
apiVersion: v1
kind: Service
metadata: {name: catalog, namespace: shop, labels: {app: catalog}}
spec:
  selector: {app: catalog}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data:
  CATALOG_HOST: catalog
  CATALOG_PORT: "80"
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.0.1
          args: ["--catalog=catalog.shop.svc.cluster.local:80"]
          ports: [{name: http, containerPort: 3000}]
          envFrom: [{configMapRef: {name: web-config}}]
          env:
            - {name: CATALOG_URL, value: "http://catalog/api"}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
    - host: shop.example.com
      http:
        paths:
          - {path: /catalog, pathType: Prefix, backend: {service: {name: catalog, port: {number: 80}}}}
          - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
"#;

/// Callers dial a Service by its own name, which an import may keep other than its
/// workload's: the address rule resolves `catalog` to the service `catalog-v1` (so the
/// import draws the edge, default-deny lets it through, and KP321's fix names Service
/// `catalog`); a port numbered otherwise is followed under that name; renaming the
/// workload keeps the Service's name, so nothing its callers or a kept Ingress write
/// changes; and compose answers to that name too. Also after a link.
#[test]
fn a_service_named_otherwise_than_its_workload_is_dialed_by_its_own_name() {
    let imported = import::kubernetes(VERSIONED).design;
    for (_, mut d) in as_imported_and_after_a_link(&imported) {
        let catalog = d.service_named("catalog-v1").unwrap().id;
        let web = d.service_named("web").unwrap().id;
        assert_eq!(d.service(catalog).unwrap().service_name(), "catalog");
        assert_eq!(d.service(web).unwrap().service_name(), "web");
        assert_eq!(
            d.edges,
            [Edge {
                from: web,
                to: catalog,
                port: "http".into()
            }]
        );
        let prod = d.environments[0].name.clone();
        d.environments[0].default_deny = true;
        let findings = |d: &Design, code: &str| -> Vec<String> {
            (validate(d, &prod).into_iter())
                .filter(|f| f.code == code)
                .map(|f| f.message)
                .collect()
        };
        assert_eq!(findings(&d, "KP320"), Vec::<String>::new());
        assert_eq!(findings(&d, "KP321"), Vec::<String>::new());

        // A port the Service lacks: said of Service `catalog`, and fixed.
        let mut wrong = d.clone();
        let url = FieldPath::service(web, "/config/env/0/value/literal");
        wrong
            .apply(Edit::Set {
                path: url.clone(),
                value: json!("http://catalog:8080/api"),
            })
            .unwrap();
        let f = (validate(&wrong, &prod).into_iter())
            .find(|f| f.code == "KP321")
            .expect("KP321 for port 8080");
        assert!(
            f.message
                .contains("Service `catalog` in `shop` has no port 8080"),
            "{}",
            f.message
        );
        let fix = f.fix.unwrap();
        assert_eq!(fix.label, "Dial port 80, the one port of Service `catalog`");
        wrong.apply(fix.edit).unwrap();
        assert_eq!(findings(&wrong, "KP321"), Vec::<String>::new());

        // The Service's port numbered otherwise: dialed at the new number by its name.
        d.apply(Edit::Set {
            path: FieldPath::service(catalog, "/exposure/ports/0/port"),
            value: json!(8000),
        })
        .unwrap();
        let w = d.service(web).unwrap();
        assert_eq!(w.args, ["--catalog=catalog.shop.svc.cluster.local:8000"]);
        assert_eq!(
            w.config.env[0].value,
            EnvValue::Literal("http://catalog:8000/api".into())
        );
        let cm = d.config_map("web-config").unwrap();
        assert_eq!(
            (
                cm.data["CATALOG_HOST"].as_str(),
                cm.data["CATALOG_PORT"].as_str()
            ),
            ("catalog", "8000")
        );
        assert!(
            kept_backends(&d).contains(&("catalog".into(), json!({"number": 8000}))),
            "{:?}",
            kept_backends(&d)
        );

        // The workload renamed: its Service keeps its name, and so does every caller.
        let before: Vec<(String, String)> = config_values(&d);
        d.apply(Edit::Set {
            path: FieldPath::service(catalog, "/name"),
            value: json!("catalog-v2"),
        })
        .unwrap();
        assert_eq!(d.service(catalog).unwrap().service_name(), "catalog");
        assert_eq!(config_values(&d), before);
        let names: Vec<(String, String)> = (render(&d, &prod).objects.iter())
            .map(|o| (o.kind().to_string(), o.name().to_string()))
            .filter(|(k, _)| k == "Service" || k == "Deployment")
            .collect();
        for want in [
            ("Service", "catalog"),
            ("Deployment", "catalog-v2"),
            ("Service", "web"),
        ] {
            assert!(
                names.contains(&(want.0.into(), want.1.into())),
                "{want:?} in {names:?}"
            );
        }
        assert!(
            kept_backends(&d).contains(&("catalog".into(), json!({"number": 8000}))),
            "{:?}",
            kept_backends(&d)
        );
        assert_eq!(findings(&d, "KP320"), Vec::<String>::new());
        assert_eq!(findings(&d, "KP321"), Vec::<String>::new());
        assert_eq!(error_counts(&d), BTreeMap::new());

        // An environment that does not run it: its callers' bare name resolves to
        // nothing there, which is said, with the fix that runs it.
        let mut left_out = d.clone();
        left_out.environments[0]
            .overrides
            .entry(catalog)
            .or_default()
            .enabled = Some(false);
        let f = (validate(&left_out, &prod).into_iter())
            .find(|f| f.code == "KP321" && f.message.contains("CATALOG_URL"))
            .expect("KP321 for the left-out service");
        assert_eq!(f.severity, Severity::Warning);
        assert_eq!(
            f.message,
            format!("`CATALOG_URL` = `http://catalog:8000/api`: `{prod}` does not run `catalog-v2`, whose Service `catalog` it names")
        );
        let fix = f.fix.unwrap();
        assert_eq!(fix.label, format!("Deploy `catalog-v2` in `{prod}`"));
        left_out.apply(fix.edit).unwrap();
        assert_eq!(findings(&left_out, "KP321"), Vec::<String>::new());

        // Compose: the workload's container answers to the Service's name.
        let files = kubeprint_core::export::compose::compose(&d, &prod);
        let file = files.iter().find(|f| f.path.ends_with(".yaml")).unwrap();
        let parsed: Value = serde_yaml::from_str(&file.contents).unwrap();
        let aliases = &parsed["services"]["catalog-v2"]["networks"]["default"]["aliases"];
        for host in ["catalog", "catalog.shop.svc.cluster.local"] {
            assert!(
                aliases.as_array().unwrap().contains(&json!(host)),
                "{host} in {aliases}"
            );
        }

        // Named like its Service, then otherwise: the two are one name now, and both
        // follow (the Service's name is what the design renders, and callers dial it).
        for name in ["catalog", "catalog-x"] {
            d.apply(Edit::Set {
                path: FieldPath::service(catalog, "/name"),
                value: json!(name),
            })
            .unwrap();
            assert_eq!(d.service(catalog).unwrap().service_name(), name);
            let services: Vec<String> = (render(&d, &prod).objects.iter())
                .filter(|o| o.kind() == "Service")
                .map(|o| o.name().to_string())
                .collect();
            assert!(services.contains(&name.to_string()), "{services:?}");
            assert_eq!(
                d.service(web).unwrap().config.env[0].value,
                EnvValue::Literal(format!("http://{name}:8000/api"))
            );
        }
        assert_eq!(findings(&d, "KP321"), Vec::<String>::new());
        assert_eq!(error_counts(&d), BTreeMap::new());
    }
}

/// The same of a StatefulSet governed by a headless Service named otherwise, with an
/// Ingress of its own: renamed, the StatefulSet still names its governing Service, and
/// the Ingress still routes to it (it routed to a Service the design does not have);
/// a caller of the Service keeps its address, and a caller of one of its pods (named
/// after the StatefulSet) dials the pod's new name.
#[test]
fn a_renamed_statefulset_keeps_the_service_its_import_named() {
    let yaml = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: search-v1, namespace: shop}
spec:
  serviceName: search
  selector: {matchLabels: {app: search}}
  template:
    metadata: {labels: {app: search}}
    spec:
      containers:
        - name: search
          image: ghcr.io/acme/search:3.1.0
          ports: [{name: http, containerPort: 9200}]
---
apiVersion: v1
kind: Service
metadata: {name: search, namespace: shop}
spec:
  clusterIP: None
  selector: {app: search}
  ports: [{name: http, port: 9200, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: search, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
    - host: search.example.com
      http:
        paths:
          - {path: /, pathType: Prefix, backend: {service: {name: search, port: {name: http}}}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: ghcr.io/acme/web:2.0.1
          env:
            - {name: SEARCH_URL, value: "http://search:9200"}
            - {name: SEARCH_SEED, value: "search-v1-0.search.shop.svc.cluster.local:9200"}
"#;
    let imported = import::kubernetes(yaml).design;
    for (_, mut d) in as_imported_and_after_a_link(&imported) {
        let id = d.service_named("search-v1").unwrap().id;
        let web = d.service_named("web").unwrap().id;
        assert!(d.service(id).unwrap().exposure.ingress.is_some());
        d.apply(Edit::Set {
            path: FieldPath::service(id, "/name"),
            value: json!("search-v2"),
        })
        .unwrap();
        let env_of_web: Vec<String> = (d.service(web).unwrap().config.env.iter())
            .map(|e| format!("{}={:?}", e.name, e.value))
            .collect();
        assert_eq!(
            env_of_web,
            [
                "SEARCH_URL=Literal(\"http://search:9200\")",
                "SEARCH_SEED=Literal(\"search-v2-0.search.shop.svc.cluster.local:9200\")"
            ]
        );
        let env = d.environments[0].name.clone();
        let objects: BTreeMap<(String, String), Value> = (render(&d, &env).objects.iter())
            .map(|o| ((o.kind().to_string(), o.name().to_string()), o.to_json()))
            .collect();
        let sts = &objects[&("StatefulSet".to_string(), "search-v2".to_string())];
        assert_eq!(sts["spec"]["serviceName"], "search");
        assert!(objects.contains_key(&("Service".to_string(), "search".to_string())));
        let ingress = &objects[&("Ingress".to_string(), "search".to_string())];
        assert_eq!(
            ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"],
            "search"
        );
        assert_eq!(error_counts(&d), BTreeMap::new());
    }
}

/// A headless Service's callers dial its pods on the target port as written, declared by
/// the container or not: numbering the Service's own port otherwise moves no caller, and
/// numbering the target does; a named target is found on whichever container declares it.
#[test]
fn a_headless_services_callers_dial_its_target_as_written() {
    let yaml = r#"
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec:
  serviceName: db
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      containers:
        - name: db
          image: ghcr.io/acme/db:3.1
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  clusterIP: None
  selector: {app: db}
  ports: [{name: sql, port: 5432, targetPort: 5432}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
          env: [{name: DB_ADDR, value: "db-0.db:5432"}]
"#;
    let mut d = import::kubernetes(yaml).design;
    let db = d.service_named("db").unwrap().id;
    let api = d.service_named("api").unwrap().id;
    assert!(
        d.service(db).unwrap().ports.is_empty(),
        "the container declares no port"
    );
    let addr = |d: &Design| format!("{:?}", d.service(api).unwrap().config.env[0].value);
    d.apply(Edit::Set {
        path: FieldPath::service(db, "/exposure/ports/0/port"),
        value: json!(15432),
    })
    .unwrap();
    assert!(addr(&d).contains("db-0.db:5432"), "{}", addr(&d));
    d.apply(Edit::Set {
        path: FieldPath::service(db, "/exposure/ports/0/target"),
        value: json!(5433),
    })
    .unwrap();
    assert!(addr(&d).contains("db-0.db:5433"), "{}", addr(&d));
    // A name a second container of the pod declares: its number is dialed.
    d.service_mut(db).unwrap().containers.push(Container {
        name: "proxy".into(),
        image: "ghcr.io/acme/sql-proxy".into(),
        ports: vec![ContainerPort {
            name: "proxied".into(),
            port: 6432,
            protocol: Protocol::TCP,
        }],
        ..Container::default()
    });
    d.apply(Edit::Set {
        path: FieldPath::service(db, "/exposure/ports/0/target"),
        value: json!("proxied"),
    })
    .unwrap();
    assert!(addr(&d).contains("db-0.db:6432"), "{}", addr(&d));
}

/// An `X_HOST` + `X_PORT` pair is read as each environment reads it, its own values
/// over the design's: a port numbered otherwise moves `API_PORT` only where `API_HOST`
/// names the Service there. Staging's own `API_HOST` naming another host keeps the
/// port it read as its own value; where only staging's names the Service, only
/// staging's port moves.
#[test]
fn a_host_and_port_pair_moves_where_each_environment_reads_it() {
    let mut d = import::kubernetes(SHOP).design;
    let mut staging = d.environments[0].clone();
    staging.name = "staging".into();
    staging.namespace = "shop-staging".into();
    d.environments.push(staging);
    let api = d.service_named("api").unwrap().id;
    let renumbered = |mut d: Design| -> Design {
        d.apply(Edit::Set {
            path: FieldPath::service(api, "/exposure/ports/0/port"),
            value: json!(8000),
        })
        .unwrap();
        d
    };
    let own = |d: &Design, key: &str| -> Option<String> {
        d.environment("staging")
            .unwrap()
            .config_values
            .get("web-config")?
            .get(key)
            .cloned()
    };
    let mut elsewhere = d.clone();
    elsewhere.environments[1]
        .config_values
        .entry("web-config".into())
        .or_default()
        .insert("API_HOST".into(), "legacy-api.example.com".into());
    let elsewhere = renumbered(elsewhere);
    assert_eq!(
        elsewhere.config_map("web-config").unwrap().data["API_PORT"],
        "8000"
    );
    assert_eq!(own(&elsewhere, "API_PORT").as_deref(), Some("80"));
    assert_eq!(
        own(&elsewhere, "API_HOST").as_deref(),
        Some("legacy-api.example.com")
    );

    let mut only_staging = d.clone();
    only_staging.config_maps[0]
        .data
        .insert("API_HOST".into(), "legacy-api.example.com".into());
    assert_eq!(only_staging.config_maps[0].name, "web-config");
    only_staging.environments[1]
        .config_values
        .entry("web-config".into())
        .or_default()
        .insert("API_HOST".into(), "api".into());
    let only_staging = renumbered(only_staging);
    assert_eq!(
        only_staging.config_map("web-config").unwrap().data["API_PORT"],
        "80"
    );
    assert_eq!(own(&only_staging, "API_PORT").as_deref(), Some("8000"));
    // Neither environment's own values grew otherwise.
    let keys = |d: &Design| -> Vec<String> {
        let values = d
            .environment("staging")
            .unwrap()
            .config_values
            .get("web-config");
        values.into_iter().flat_map(|v| v.keys().cloned()).collect()
    };
    assert_eq!(keys(&only_staging), ["API_HOST", "API_PORT"]);
    assert_eq!(keys(&elsewhere), ["API_HOST", "API_PORT"]);
}

/// `v` without its `app.kubernetes.io/version` labels (a label map left empty goes too):
/// the one label an image tag renders.
fn without_version_labels(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter_map(|(k, v)| {
                    let mut v = without_version_labels(v);
                    if k == "labels" {
                        if let Value::Object(labels) = &mut v {
                            labels.remove("app.kubernetes.io/version");
                            if labels.is_empty() {
                                return None;
                            }
                        }
                    }
                    Some((k.clone(), v))
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_version_labels).collect()),
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// An image tag overridden for one environment of an imported design changes that
    /// environment's image and version labels, and nothing else: the labels and fields
    /// the input left out stay out of its Service, Ingress and budget. Also after a link.
    #[test]
    fn an_image_tag_override_of_an_imported_service_changes_only_the_image(
        pick in any::<prop::sample::Index>(),
        service in any::<prop::sample::Index>(),
        through_link in any::<bool>(),
    ) {
        let (name, mut design, s) = imported_service(pick, service, through_link);
        let before = objects(&design);
        if workload(&design, &s) == Value::Null {
            return Ok(());
        }
        design.environments[0].overrides.entry(s.id).or_default().image_tag =
            Some("9.9.9-override".into());
        let after = objects(&design);
        prop_assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
        let image = shown(&workload(&design, &s), &s, "/image");
        prop_assert!(
            image.as_str().is_some_and(|i| i.contains(":9.9.9-override")),
            "{}: {} runs {} after the override", name, s.name, image
        );
        let workload_key = (render::workload_kind(&s).to_string(), s.name.clone());
        for (key, was) in &before {
            if *key == workload_key {
                continue;
            }
            prop_assert_eq!(
                without_version_labels(&after[key]),
                without_version_labels(was),
                "{}: overriding {}'s tag changed {:?}", name, s.name, key
            );
        }
    }
}

/// Every object `design` renders in its first environment, as JSON, by kind and name.
fn objects(design: &Design) -> BTreeMap<(String, String), Value> {
    let env = &design.environments[0].name;
    render(design, env)
        .objects
        .iter()
        .map(|o| ((o.kind().to_string(), o.name().to_string()), o.to_json()))
        .collect()
}

/// The containers and init containers of a rendered workload's pod.
fn pod_containers(workload: &mut Value) -> Vec<&mut Value> {
    let pod = match workload["kind"].as_str() {
        Some("CronJob") => &mut workload["spec"]["jobTemplate"]["spec"]["template"]["spec"],
        _ => &mut workload["spec"]["template"]["spec"],
    };
    let Value::Object(pod) = pod else {
        return Vec::new();
    };
    pod.iter_mut()
        .filter(|(k, _)| *k == "containers" || *k == "initContainers")
        .filter_map(|(_, v)| v.as_array_mut())
        .flatten()
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Renaming a container or a variable of an imported service renames it and changes
    /// nothing else in the YAML: what the import kept for it (a `valueFrom`, a probe's
    /// headers, a pull policy, an exec preStop) follows it. Also after a link.
    #[test]
    fn renaming_a_container_or_a_variable_of_an_imported_service_changes_only_its_name(
        pick in any::<prop::sample::Index>(),
        service in any::<prop::sample::Index>(),
        which in any::<prop::sample::Index>(),
        variable in any::<bool>(),
        through_link in any::<bool>(),
    ) {
        let (name, mut design, s) = imported_service(pick, service, through_link);
        // The main container or one of the others, and one of its variables.
        let container = which.index(s.containers.len() + 1);
        let (base, old_container, env) = match container {
            0 => (String::new(), s.container().to_string(), &s.config.env),
            i => (format!("/containers/{}", i - 1), s.containers[i - 1].name.clone(), &s.containers[i - 1].config.env),
        };
        let (pointer, old, new) = match (variable, env.first()) {
            (true, Some(var)) => (format!("{base}/config/env/0/name"), var.name.clone(), "RENAMED_VAR".to_string()),
            _ if container == 0 => ("/container_name".to_string(), old_container.clone(), "renamed".to_string()),
            _ => (format!("{base}/name"), old_container.clone(), "renamed".to_string()),
        };
        let before = objects(&design);
        design
            .apply(Edit::Set { path: FieldPath::service(s.id, &pointer), value: json!(new) })
            .unwrap();
        let mut want = before.clone();
        let key = (render::workload_kind(&s).to_string(), s.name.clone());
        let workload = want.get_mut(&key).expect("the service's workload");
        for c in pod_containers(workload) {
            if c["name"] != old_container.as_str() {
                continue;
            }
            if variable && pointer.ends_with("/config/env/0/name") {
                for v in c["env"].as_array_mut().into_iter().flatten() {
                    if v["name"] == old.as_str() {
                        v["name"] = json!(new);
                    }
                }
            } else {
                c["name"] = json!(new);
            }
        }
        let got = objects(&design);
        for (k, v) in &want {
            prop_assert_eq!(got.get(k), Some(v), "{}: {} of {} renamed to {}: {:?} changed", name, old, s.name, new, k);
        }
        prop_assert_eq!(got.len(), want.len());
    }
}

/// The containers of a service's rendered workload by name.
fn containers_by_name(design: &Design, s: &Service) -> BTreeMap<String, Value> {
    let mut workload = workload(design, s);
    pod_containers(&mut workload)
        .into_iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap_or_default().to_string(),
                c.clone(),
            )
        })
        .collect()
}

/// Moving an imported service's containers (reversed, as moving one up or down does
/// with two) keeps what each one was given, under its own name.
#[test]
fn moving_the_containers_of_an_imported_service_keeps_each_ones_details() {
    let mut moved = 0;
    for (name, mut design) in imported_designs() {
        for s in design.services.clone() {
            if s.containers.len() < 2 {
                continue;
            }
            let before = containers_by_name(&design, &s);
            let mut reversed = serde_json::to_value(&s.containers).unwrap();
            reversed.as_array_mut().unwrap().reverse();
            design
                .apply(Edit::Set {
                    path: FieldPath::service(s.id, "/containers"),
                    value: reversed,
                })
                .unwrap();
            assert_eq!(
                containers_by_name(&design, &s),
                before,
                "{name}: {}",
                s.name
            );
            moved += 1;
        }
    }
    assert!(
        moved > 0,
        "the corpus has a pod with two containers beside its main one"
    );
}

/// The pod template's annotations of a rendered workload.
fn pod_annotations(workload: &Value) -> Value {
    pod_template(workload)["metadata"]["annotations"].clone()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Giving a port of an imported service another number leaves its pod's annotations
    /// as they were, except a `prometheus.io/port` that named the port, which follows it:
    /// no scrape port appears that the input did not have. Also after a link.
    #[test]
    fn renumbering_a_port_of_an_imported_service_adds_no_scrape_port(
        pick in any::<prop::sample::Index>(),
        service in any::<prop::sample::Index>(),
        port in any::<prop::sample::Index>(),
        through_link in any::<bool>(),
    ) {
        let (name, mut design, s) = imported_service(pick, service, through_link);
        if s.ports.is_empty() || s.metrics.as_ref().is_some_and(|m| matches!(m.port, PortRef::Number(_))) {
            // A reference by number stays on the number, as a probe's does (and KP302
            // says when it no longer matches a port).
            return Ok(());
        }
        let i = port.index(s.ports.len());
        let old = s.ports[i].port;
        let new = (20000..30000).find(|n| s.ports.iter().all(|p| p.port != *n)).unwrap();
        let before = pod_annotations(&workload(&design, &s));
        design
            .apply(Edit::Set { path: FieldPath::service(s.id, &format!("/ports/{i}/port")), value: json!(new) })
            .unwrap();
        let mut want = before.clone();
        if want["prometheus.io/port"] == old.to_string().as_str() {
            want["prometheus.io/port"] = json!(new.to_string());
        }
        let got = pod_annotations(&workload(&design, &s));
        prop_assert_eq!(got, want, "{}: port {} of {} renumbered to {}", name, old, s.name, new);
    }
}

/// A pod annotated for scraping without a port is scraped on its port named for
/// metrics: that is the port the design takes, and giving the ports other numbers adds
/// no scrape port to the YAML.
#[test]
fn a_scraped_pod_without_a_port_annotation_keeps_none() {
    let text = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: shop}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: checkout}}
  template:
    metadata:
      labels: {app.kubernetes.io/name: checkout}
      annotations: {prometheus.io/scrape: "true"}
    spec:
      containers:
        - name: checkout
          image: registry.example.com/shop/checkout:2.3.1
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]
"#;
    let mut design = import::kubernetes(text).design;
    let s = design.services[0].clone();
    assert_eq!(
        s.metrics.as_ref().map(|m| m.port.clone()),
        Some(PortRef::Name("metrics".into()))
    );
    let annotations = json!({"prometheus.io/scrape": "true"});
    assert_eq!(pod_annotations(&workload(&design, &s)), annotations);
    for (i, port) in [(0, 8081), (1, 9091)] {
        design
            .apply(Edit::Set {
                path: FieldPath::service(s.id, &format!("/ports/{i}/port")),
                value: json!(port),
            })
            .unwrap();
        assert_eq!(
            pod_annotations(&workload(&design, &s)),
            annotations,
            "port {i} renumbered"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Renaming an imported service, a container or a variable and renaming it back
    /// gives the design it was, what it kept included. Also after a link.
    #[test]
    fn renaming_there_and_back_gives_the_imported_design_back(
        pick in any::<prop::sample::Index>(),
        service in any::<prop::sample::Index>(),
        what in 0..3usize,
        through_link in any::<bool>(),
    ) {
        let (name, mut design, s) = imported_service(pick, service, through_link);
        let (pointer, old) = match what {
            0 => ("/name".to_string(), s.name.clone()),
            1 => ("/container_name".to_string(), s.container_name.clone()),
            _ => match s.config.env.first() {
                Some(v) => ("/config/env/0/name".to_string(), v.name.clone()),
                None => ("/name".to_string(), s.name.clone()),
            },
        };
        let original = design.clone();
        for value in ["renamed-there", old.as_str()] {
            design
                .apply(Edit::Set { path: FieldPath::service(s.id, &pointer), value: json!(value) })
                .unwrap();
        }
        prop_assert!(design == original, "{}: {} of {} there and back", name, pointer, s.name);
    }
}

/// How many findings of each reference rule (KP7xx) a design has, over its environments.
fn reference_findings(design: &Design) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for env in &design.environments {
        for f in rules::validate(design, &env.name) {
            if f.code.starts_with("KP7") {
                *out.entry(f.code).or_default() += 1;
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Renaming an imported service leaves nothing pointing at its old name: no
    /// reference rule finds more than before (objects kept whole that route to it or
    /// scale it follow the rename). Also after a link.
    #[test]
    fn renaming_an_imported_service_leaves_no_reference_behind(
        pick in any::<prop::sample::Index>(),
        service in any::<prop::sample::Index>(),
        through_link in any::<bool>(),
    ) {
        let (name, mut design, s) = imported_service(pick, service, through_link);
        let before = reference_findings(&design);
        design
            .apply(Edit::Set { path: FieldPath::service(s.id, "/name"), value: json!("renamed-svc") })
            .unwrap();
        let after = reference_findings(&design);
        for (code, n) in &after {
            prop_assert!(
                *n <= before.get(code).copied().unwrap_or(0),
                "{}: renaming {} brought {} x {} (before {:?})", name, s.name, n, code, before
            );
        }
    }
}

/// Renaming an imported service keeps what the import kept where the design rendered a
/// name derived from the service's: the Ingress's TLS Secret stays the input's, and the
/// container (named after the service) keeps its kept details.
#[test]
fn renaming_an_imported_service_keeps_its_kept_details() {
    let text = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: checkout, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app.kubernetes.io/name: checkout}}
  template:
    metadata: {labels: {app.kubernetes.io/name: checkout}}
    spec:
      containers:
        - name: checkout
          image: registry.example.com/shop/checkout:2.3.1
          imagePullPolicy: IfNotPresent
          ports: [{name: http, containerPort: 8080}]
          env:
            - name: POD_NAME
              valueFrom: {fieldRef: {fieldPath: metadata.name}}
          readinessProbe:
            httpGet:
              path: /ready
              port: http
              httpHeaders: [{name: X-Probe, value: kubelet}]
          lifecycle:
            preStop:
              exec: {command: [sh, -c, sleep 10]}
---
apiVersion: v1
kind: Service
metadata: {name: checkout, namespace: shop}
spec:
  selector: {app.kubernetes.io/name: checkout}
  ports: [{name: http, port: 80, targetPort: http}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: checkout, namespace: shop}
spec:
  ingressClassName: nginx
  tls: [{hosts: [shop.example.com], secretName: shop-tls}]
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /checkout
            pathType: ImplementationSpecific
            backend: {service: {name: checkout, port: {name: http}}}
"#;
    // And an Ingress the model does not hold (two paths), kept whole.
    let kept = r#"
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: checkout-paths, namespace: shop}
spec:
  rules:
    - host: api.shop.example.com
      http:
        paths:
          - {path: /a, pathType: Prefix, backend: {service: {name: checkout, port: {name: http}}}}
          - {path: /b, pathType: Exact, backend: {service: {name: checkout, port: {name: http}}}}
"#;
    let mut design = import::kubernetes(&format!("{text}{kept}")).design;
    assert_eq!(
        design.extra_objects.len(),
        1,
        "the second Ingress is kept whole"
    );
    let id = design.service_named("checkout").expect("imported").id;
    let before = objects(&design);
    design
        .apply(Edit::Set {
            path: FieldPath::service(id, "/name"),
            value: json!("payments"),
        })
        .unwrap();
    let after = objects(&design);
    let container = |objects: &BTreeMap<(String, String), Value>, name: &str| {
        objects[&("Deployment".to_string(), name.to_string())]["spec"]["template"]["spec"]
            ["containers"][0]
            .clone()
    };
    let mut want = container(&before, "checkout");
    want["name"] = json!("payments");
    assert_eq!(
        container(&after, "payments"),
        want,
        "the container keeps what was kept"
    );
    let ingress = &after[&("Ingress".to_string(), "payments".to_string())];
    let was = &before[&("Ingress".to_string(), "checkout".to_string())];
    assert_eq!(
        ingress["metadata"]["labels"], was["metadata"]["labels"],
        "no labels the input did not have"
    );
    assert_eq!(ingress["spec"]["tls"][0]["secretName"], "shop-tls");
    // The rules the model does not hold are kept whole: their backends, which the
    // input and the design agreed on, are the renamed Service.
    let kept = &after[&("Ingress".to_string(), "checkout-paths".to_string())];
    for path in kept["spec"]["rules"][0]["http"]["paths"]
        .as_array()
        .unwrap()
    {
        assert_eq!(path["backend"]["service"]["name"], "payments", "{kept}");
    }
    assert_eq!(
        serde_json::to_string(kept)
            .unwrap()
            .replace("payments", "checkout"),
        serde_json::to_string(&before[&("Ingress".to_string(), "checkout-paths".to_string())])
            .unwrap(),
        "nothing else of it changed, and nothing was added"
    );
    let paths = ingress["spec"]["rules"][0]["http"]["paths"]
        .as_array()
        .unwrap();
    assert_eq!(paths[0]["pathType"], "ImplementationSpecific", "{ingress}");
    for path in paths {
        assert_eq!(path["backend"]["service"]["name"], "payments", "{ingress}");
    }
}

/// Applying every fix the rules offer to an imported design, then importing what it
/// renders, finds none of the fixed problems again: check and render agree. (A Secret
/// named as made outside Kubeprint is by its nature not in the YAML.)
#[test]
fn fixes_of_an_imported_design_are_in_its_yaml() {
    for (name, mut design) in imported_designs() {
        let env = design.environments[0].name.clone();
        let before = validate(&design, &env);
        let mut fixed = Vec::new();
        for f in &before {
            if let Some(fix) = &f.fix {
                if matches!(&fix.edit, Edit::PutSecret(s) if s.external) {
                    continue;
                }
                if design.apply(fix.edit.clone()).is_ok() {
                    fixed.push((f.code, f.service.clone()));
                }
            }
        }
        let yaml = render(&design, &env).to_yaml();
        let again = import::kubernetes(&yaml).design;
        let env_again = again.environments[0].name.clone();
        let after: Vec<_> = validate(&again, &env_again)
            .into_iter()
            .filter(|f| fixed.contains(&(f.code, f.service.clone())))
            .map(|f| format!("{} {:?}: {}", f.code, f.service, f.message))
            .collect();
        let in_design: Vec<_> = validate(&design, &env)
            .into_iter()
            .filter(|f| fixed.contains(&(f.code, f.service.clone())))
            .map(|f| format!("{} {:?}: {}", f.code, f.service, f.message))
            .collect();
        assert_eq!(
            after, in_design,
            "{name}: what check says of the fixed design is what the YAML says"
        );
    }
}

#[test]
fn the_import_report_says_what_is_modelled_and_what_is_kept() {
    let text = include_str!("corpus/ingress-controller.yaml");
    let imported = import::kubernetes(text);
    let kept: Vec<_> = imported
        .documents
        .iter()
        .filter(|d| matches!(d.outcome, Outcome::Kept(_)))
        .map(|d| d.kind.as_str())
        .collect();
    for kind in [
        "ClusterRole",
        "RoleBinding",
        "IngressClass",
        "ValidatingWebhookConfiguration",
    ] {
        assert!(kept.contains(&kind), "{kind} is kept: {kept:?}");
    }
    // The controller and its two certificate Jobs are modelled.
    for kind in ["Deployment", "Job"] {
        assert!(imported
            .documents
            .iter()
            .any(|d| d.kind == kind && d.outcome == Outcome::Imported));
    }
    assert_eq!(
        imported.documents.len(),
        rendered(&imported.design).len(),
        "an ingress controller's manifest loses none of its objects"
    );
}

#[test]
fn a_removed_api_version_is_upgraded_and_said() {
    let text = include_str!("corpus/cronjobs.yaml");
    let imported = import::kubernetes(text);
    let cron = imported
        .documents
        .iter()
        .find(|d| {
            d.note
                .as_deref()
                .is_some_and(|n| n.contains("batch/v1beta1"))
        })
        .expect("the legacy CronJob is reported");
    assert!(cron
        .note
        .as_ref()
        .unwrap()
        .contains("removed in Kubernetes 1.25"));
    assert!(
        imported
            .summary()
            .contains("1 used an API version Kubernetes removed and was upgraded"),
        "{}",
        imported.summary()
    );
    let out = rendered(&imported.design);
    let cron_jobs: Vec<_> = out.values().filter(|v| v["kind"] == "CronJob").collect();
    assert!(cron_jobs.len() >= 2);
    assert!(cron_jobs.iter().all(|v| v["apiVersion"] == "batch/v1"));
    // Upgraded objects are served, so the rule about removed versions is quiet on them.
    let env = imported.design.environments[0].name.clone();
    assert!(!validate(&imported.design, &env)
        .iter()
        .any(|f| f.code == "KP701"));
}

#[test]
fn an_api_with_no_successor_is_kept_and_reported() {
    let text = "apiVersion: policy/v1beta1\nkind: PodSecurityPolicy\nmetadata:\n  name: restricted\nspec:\n  privileged: false\n";
    let imported = import::kubernetes(text);
    assert!(matches!(imported.documents[0].outcome, Outcome::Kept(_)));
    assert!(imported.documents[0]
        .note
        .as_ref()
        .unwrap()
        .contains("no replacement"));
    let env = imported.design.environments[0].name.clone();
    let found: Vec<_> = validate(&imported.design, &env)
        .into_iter()
        .filter(|f| f.code == "KP701")
        .map(|f| f.message)
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].contains("policy/v1beta1") && found[0].contains("1.25"),
        "{found:?}"
    );
}

#[test]
fn several_namespaces_import_and_each_object_keeps_its_own() {
    let text = include_str!("corpus/multi-namespace.yaml");
    let imported = import::kubernetes(text);
    let namespaces: std::collections::BTreeSet<String> = rendered(&imported.design)
        .keys()
        .map(|k| k.1.clone())
        .collect();
    for ns in ["frontend", "backend", "monitoring"] {
        assert!(namespaces.contains(ns), "{ns} in {namespaces:?}");
    }
    assert!(!imported.design.pinned_objects.is_empty());
    assert!(!imported.design.services.is_empty());
}

#[test]
fn a_design_without_workloads_still_renders_its_objects() {
    let text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: tools\ndata:\n  a: \"1\"\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules: []\n";
    let imported = import::kubernetes(text);
    assert!(imported.design.services.is_empty());
    let out = rendered(&imported.design);
    assert!(
        out.keys().any(|k| k.0 == "ConfigMap" && k.2 == "settings"),
        "{out:?}"
    );
    assert!(out.keys().any(|k| k.0 == "ClusterRole"), "{out:?}");
}

#[test]
fn a_secret_whose_data_is_not_base64_still_imports_its_keys() {
    let text =
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  password: not base64!\n";
    let imported = import::kubernetes(text);
    assert_eq!(imported.documents[0].outcome, Outcome::Imported);
    assert_eq!(imported.design.secrets[0].keys, ["password"]);
}

/// Jobs, an Indexed Job behind a headless Service, a CronJob and a surging DaemonSet
/// are modelled, and come back exactly from the export bundle too (the rendered YAML
/// of its environment, which is what `kubectl apply` gets).
#[test]
fn jobs_a_cronjob_and_a_daemonset_import_as_services_and_export_exactly() {
    let text = include_str!("corpus/jobs-and-node-cache.yaml");
    let imported = import::kubernetes(text);
    let d = &imported.design;
    let kind = |name: &str| d.services.iter().find(|s| s.name == name).map(|s| s.kind);
    assert_eq!(kind("shop-db-migrate"), Some(WorkloadKind::Job));
    assert_eq!(kind("thumbnail-reindex"), Some(WorkloadKind::Job));
    assert_eq!(kind("search-index-compact"), Some(WorkloadKind::CronJob));
    assert_eq!(kind("node-dns-cache"), Some(WorkloadKind::DaemonSet));
    let migrate = d
        .services
        .iter()
        .find(|s| s.name == "shop-db-migrate")
        .unwrap();
    assert_eq!(
        (
            migrate.job.backoff_limit,
            migrate.job.active_deadline_seconds,
            migrate.job.ttl_seconds_after_finished,
            migrate.job.restart_policy
        ),
        (Some(2), Some(900), Some(3600), JobRestart::Never)
    );
    let shards = d
        .services
        .iter()
        .find(|s| s.name == "thumbnail-reindex")
        .unwrap();
    assert_eq!(
        (shards.job.completions, shards.job.parallelism),
        (Some(8), Some(4))
    );
    assert_eq!(
        shards.exposure.service,
        ServiceKind::Headless,
        "its Service is its own"
    );
    let compact = d
        .services
        .iter()
        .find(|s| s.name == "search-index-compact")
        .unwrap();
    assert_eq!(compact.cron.schedule, "@hourly");
    assert_eq!(compact.cron.time_zone.as_deref(), Some("Etc/UTC"));
    assert_eq!(compact.cron.concurrency_policy, ConcurrencyPolicy::Replace);
    assert_eq!(compact.job.restart_policy, JobRestart::OnFailure);
    let cache = d
        .services
        .iter()
        .find(|s| s.name == "node-dns-cache")
        .unwrap();
    assert_eq!(
        (cache.scaling.max_surge, cache.scaling.max_unavailable),
        (Amount::Count(1), Amount::Count(0))
    );

    let env = &d.environments[0].name;
    let files = export::bundle(d);
    let rendered = files
        .iter()
        .find(|f| f.path == format!("rendered/{env}.yaml"))
        .unwrap_or_else(|| {
            panic!(
                "no rendered/{env}.yaml in {:?}",
                files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        });
    // The Secrets with placeholder values are apart, in a file of their own.
    let secrets = files
        .iter()
        .find(|f| f.path == format!("rendered/secrets/{env}.yaml"))
        .map_or("", |f| &f.contents);
    let exported: BTreeMap<Key, Value> =
        kubeprint_core::yaml::parse_documents(&format!("{}---\n{secrets}", rendered.contents))
            .unwrap()
            .into_iter()
            .filter(|v| !v.is_null())
            .map(|v| {
                let v = without_secret_values(serde_json::to_value(&v).unwrap());
                (key(&v), v)
            })
            .collect();
    assert_same("the export bundle", &expected(&imported, text), &exported);
}

#[test]
fn a_canary_its_analysis_monitors_and_rules_import_into_the_model() {
    let text = include_str!("corpus/canary-and-monitors.yaml");
    let imported = import::kubernetes(text);
    for d in &imported.documents {
        assert_eq!(
            d.outcome,
            Outcome::Imported,
            "{} {} is modelled",
            d.kind,
            d.name
        );
    }
    let design = &imported.design;
    let checkout = design.service_named("checkout").unwrap();
    assert!(checkout.is_canary());
    assert_eq!(
        checkout.delivery.steps,
        vec![
            CanaryStep::SetWeight { weight: 25 },
            CanaryStep::Pause { seconds: Some(120) },
            CanaryStep::SetWeight { weight: 50 },
            CanaryStep::Analysis,
            CanaryStep::Pause { seconds: None },
            CanaryStep::SetWeight { weight: 75 },
            CanaryStep::Pause { seconds: Some(120) },
        ]
    );
    assert!(checkout.delivery.progress_deadline_abort);
    assert_eq!(checkout.timing.progress_deadline_seconds, 300);
    let a = checkout.delivery.analysis.as_ref().unwrap();
    assert!(a.background);
    assert_eq!(
        (
            a.starting_step,
            a.interval_seconds,
            a.count,
            a.failure_limit
        ),
        (2, 30, 6, 2)
    );
    assert_eq!(
        checkout.metrics,
        Some(Metrics::new(
            PortRef::Name("metrics".into()),
            "/actuator/prometheus"
        ))
    );
    assert_eq!(
        checkout.scaling.hpa.as_ref().map(|h| (h.min, h.max)),
        Some((4, 12))
    );
    let ledger = design.service_named("ledger-sync").unwrap();
    assert_eq!(
        ledger.metrics,
        Some(Metrics::new(PortRef::Name("metrics".into()), "/metrics"))
    );
    let m = &design.environments[0].monitoring;
    assert_eq!(m.scraping, Scraping::Operator);
    assert!(m.alerts);
    assert_eq!(m.interval_seconds, 15);
    assert_eq!(
        m.labels,
        BTreeMap::from([("release".to_string(), "kube-prometheus-stack".to_string())])
    );
    // Modelled, so an edit reaches the Rollout and its AnalysisTemplate.
    let mut edited = design.clone();
    let id = checkout.id;
    edited
        .apply(Edit::Set {
            path: FieldPath::service(id, "/delivery/steps/0/weight"),
            value: json!(10),
        })
        .unwrap();
    edited
        .apply(Edit::Set {
            path: FieldPath::service(id, "/delivery/analysis/count"),
            value: json!(9),
        })
        .unwrap();
    let env = edited.environments[0].name.clone();
    let bundle = render(&edited, &env);
    let find = |kind: &str, name: &str| {
        bundle
            .objects
            .iter()
            .find(|o| o.kind() == kind && o.name() == name)
            .unwrap_or_else(|| panic!("{kind}/{name}"))
            .to_json()
    };
    assert_eq!(
        find("Rollout", "checkout")["spec"]["strategy"]["canary"]["steps"][0],
        json!({"setWeight": 10})
    );
    let template = find("AnalysisTemplate", "checkout-success-rate");
    assert_eq!(
        template["spec"]["metrics"][0]["count"],
        json!(9),
        "{template:#}"
    );
    // Switching the canary back to a rolling update writes a Deployment instead.
    edited
        .apply(Edit::Set {
            path: FieldPath::service(id, "/delivery/strategy"),
            value: json!("rolling_update"),
        })
        .unwrap();
    let kinds: Vec<String> = render(&edited, &env)
        .objects
        .iter()
        .filter(|o| o.name() == "checkout")
        .map(|o| o.kind().to_string())
        .collect();
    assert!(kinds.contains(&"Deployment".to_string()), "{kinds:?}");
    assert!(!kinds.contains(&"Rollout".to_string()), "{kinds:?}");
}

/// Envoy Gateway and gRPC (corpus/envoy-gateway-grpc.yaml): the Gateway of another
/// namespace that the routes name becomes the environment's, each route its service's
/// (a GRPCRoute because the Service port says grpc), weights and timeouts in the model;
/// a route without backends and Envoy Gateway's own kinds are kept whole; and an edit of
/// a modelled route field reaches the YAML.
#[test]
fn gateway_api_routes_and_their_gateway_import_into_the_model() {
    let text = include_str!("corpus/envoy-gateway-grpc.yaml");
    let imported = import::kubernetes(text);
    let outcome = |kind: &str, name: &str| {
        imported
            .documents
            .iter()
            .find(|d| d.kind == kind && d.name == name)
            .map(|d| d.outcome.clone())
            .unwrap_or_else(|| panic!("{kind} {name} is reported"))
    };
    for (kind, name) in [
        ("Gateway", "edge"),
        ("GRPCRoute", "tracker"),
        ("HTTPRoute", "dashboard"),
    ] {
        assert_eq!(outcome(kind, name), Outcome::Imported, "{kind} {name}");
    }
    for (kind, name) in [
        ("HTTPRoute", "redirect-to-https"),
        ("BackendTrafficPolicy", "tracker-retries"),
        ("EnvoyProxy", "edge-proxy"),
        ("GatewayClass", "eg"),
    ] {
        assert!(
            matches!(outcome(kind, name), Outcome::Kept(_)),
            "{kind} {name} is kept whole"
        );
    }
    let d = &imported.design;
    let env = &d.environments[0];
    assert_eq!(env.namespace, "fleet");
    let g = env
        .gateway
        .as_ref()
        .expect("the routes' Gateway is the environment's");
    assert_eq!(
        (g.name.as_str(), g.namespace.as_deref(), g.class.as_str()),
        ("edge", Some("gateway-infra"), "eg")
    );
    assert_eq!(g.admit, AdmitRoutes::Environment);
    assert!(g.cert_manager && g.create);
    assert_eq!(g.listeners.len(), 2);
    assert_eq!(g.listeners[1].protocol, ListenerProtocol::HTTPS);
    assert_eq!(g.listeners[1].certificate_secret, "fleet-wildcard-tls");
    assert_eq!(
        g.listeners[1].hostname.as_deref(),
        Some("*.fleet.example.com")
    );

    let tracker = d.service_named("tracker").unwrap();
    let route = tracker.exposure.gateway_route.as_ref().unwrap();
    assert_eq!(routes::kind(tracker, route), routes::RouteKind::Grpc);
    assert_eq!(route.hostnames, ["grpc.fleet.example.com"]);
    assert_eq!(
        (route.port.as_str(), route.listener.as_str()),
        ("grpc", "https")
    );
    assert_eq!(
        route.rules[0].backends,
        [
            RouteBackend {
                service: String::new(),
                port: "grpc".into(),
                weight: 90
            },
            RouteBackend {
                service: "tracker-next".into(),
                port: "grpc".into(),
                weight: 10
            },
        ]
    );
    assert_eq!(
        route.rules[1].matches,
        [RouteMatch::Method {
            service: "grpc.health.v1.Health".into(),
            method: "Check".into()
        }]
    );
    assert!(route.rules[1].backends.is_empty(), "the route's own port");
    let dashboard = d.service_named("dashboard").unwrap();
    let web = dashboard.exposure.gateway_route.as_ref().unwrap();
    assert_eq!(routes::kind(dashboard, web), routes::RouteKind::Http);
    assert_eq!(web.rules[0].request_timeout.as_deref(), Some("15s"));
    assert_eq!(web.rules[0].backend_request_timeout.as_deref(), Some("5s"));
    assert_eq!(
        web.rules[1].matches,
        [RouteMatch::Path {
            kind: PathMatchKind::Exact,
            value: "/healthz".into()
        }]
    );

    let codes: Vec<&str> = validate(d, &env.name).iter().map(|f| f.code).collect();
    assert!(
        !codes.iter().any(|c| c.starts_with("KP34")),
        "the published setup is sound: {codes:?}"
    );

    // An edit of a modelled route field reaches the YAML; the filter kept beside it stays.
    let mut edited = d.clone();
    let id = dashboard.id;
    edited
        .apply(Edit::Set {
            path: FieldPath::service(id, "/exposure/gateway_route/rules/0/request_timeout"),
            value: json!("20s"),
        })
        .unwrap();
    let yaml = render(&edited, &env.name).to_yaml();
    assert!(
        yaml.contains("request: 20s") && !yaml.contains("request: 15s"),
        "{yaml}"
    );
    assert!(yaml.contains("x-probe"), "the header filter is kept");
    assert!(yaml.contains("x-fleet-beta"), "the header match is kept");
}

/// Canaries routed through their Gateway API routes (corpus/canary-gateway-route.yaml):
/// the Rollouts' `argoproj-labs/gatewayAPI` plugin, their stable and canary Services and
/// the routes' 100/0 pairs map onto the model's traffic choice; nothing is kept whole,
/// and switching one back to replica weights drops its pair of Services from the YAML.
#[test]
fn canaries_routed_through_their_routes_import_into_the_model() {
    let text = include_str!("corpus/canary-gateway-route.yaml");
    let imported = import::kubernetes(text);
    for doc in &imported.documents {
        assert_eq!(
            doc.outcome,
            Outcome::Imported,
            "{} {} is modelled",
            doc.kind,
            doc.name
        );
    }
    let d = &imported.design;
    let env = d.environments[0].name.clone();
    for (name, kind) in [
        ("cart", routes::RouteKind::Http),
        ("pricing", routes::RouteKind::Grpc),
    ] {
        let s = d.service_named(name).unwrap();
        assert_eq!(s.delivery.traffic, CanaryTraffic::GatewayRoute, "{name}");
        let route = s.exposure.gateway_route.as_ref().unwrap();
        assert_eq!(routes::kind(s, route), kind);
        assert!(
            route.rules.iter().all(|r| r.backends.is_empty()),
            "{name}: the stable/canary pair is the service's own backend: {route:?}"
        );
        // What the input lacks (Kubeprint's labels, defaults, pricing's plugin
        // `namespace`, which defaults to the Rollout's) is residual; the routing is not:
        // it is the model's.
        let kept = serde_json::to_string(&s.residual).unwrap();
        for modelled in [
            "httpRoute",
            "grpcRoute",
            "canaryService",
            "stableService",
            "backendRefs",
            "weight",
        ] {
            assert!(!kept.contains(modelled), "{name} keeps {modelled}: {kept}");
        }
    }
    assert_eq!(
        d.service_named("cart")
            .unwrap()
            .delivery
            .scale_down_delay_seconds,
        Some(60)
    );
    let codes: Vec<&str> = validate(d, &env).iter().map(|f| f.code).collect();
    for code in ["KP231", "KP235", "KP237", "KP238"] {
        assert!(!codes.contains(&code), "{code} in {codes:?}");
    }
    let mut edited = d.clone();
    let id = d.service_named("cart").unwrap().id;
    edited
        .apply(Edit::Set {
            path: FieldPath::service(id, "/delivery/traffic"),
            value: json!("replicas"),
        })
        .unwrap();
    let bundle = render(&edited, &env);
    let names: Vec<&str> = bundle.objects.iter().map(|o| o.name()).collect();
    assert!(!names.contains(&"cart-stable") && !names.contains(&"cart-canary"));
    assert!(names.contains(&"pricing-stable") && names.contains(&"pricing-canary"));
    let yaml = bundle.to_yaml();
    assert!(!yaml.contains("httpRoute: cart"), "{yaml}");
    assert!(yaml.contains("grpcRoute: pricing"), "{yaml}");
}

/// A connection string of keywords names the database as a URL would. In the .NET
/// corpus set, the API's Npgsql string (`Host=invoices-db;Port=5432;...`, a ConfigMap
/// key) and the CronJob's libpq string (`psql "host=invoices-db port=5432 ..."`) follow
/// the database's rename and its port numbered otherwise, also after a link; and under
/// default-deny without the edges the import found, both are the calls KP320 finds.
#[test]
fn a_connection_string_of_keywords_follows_the_database_it_names() {
    let text = include_str!("corpus/dotnet-postgres.yaml");
    let imported = import::kubernetes(text).design;
    for (through_link, design) in as_imported_and_after_a_link(&imported) {
        let db = design.service_named("invoices-db").unwrap().id;
        let api = design.service_named("invoices-api").unwrap().id;
        let cron = design.service_named("invoices-vacuum").unwrap().id;
        let strings = |d: &Design| {
            let cm = d.config_map("invoices-api").unwrap();
            let cron = d.service(cron).unwrap();
            (
                cm.data["ConnectionStrings__Invoices"].clone(),
                cron.command[1].clone(),
            )
        };
        // The policies kept whole gave the edges to the database.
        assert!(
            [api, cron]
                .iter()
                .all(|&from| design.edges.iter().any(|e| e.from == from && e.to == db)),
            "link {through_link}: {:?}",
            design.edges
        );

        // Denied by default without those edges, each string's call is found.
        let mut denied = design.clone();
        denied.environments[0].default_deny = true;
        denied.edges.retain(|e| e.to != db);
        let found: Vec<_> = rules::validate(&denied, "billing")
            .into_iter()
            .filter(|f| f.code == "KP320")
            .map(|f| (f.service, f.message))
            .collect();
        for (who, word) in [
            ("invoices-api", "`Host=invoices-db`"),
            ("invoices-vacuum", "`host=invoices-db`"),
        ] {
            assert!(
                found.iter().any(|(s, m)| s.as_deref() == Some(who)
                    && m.contains(word)
                    && m.contains("5432")),
                "link {through_link}: {who}: {found:?}"
            );
        }
        let mut allowed = design.clone();
        allowed.environments[0].default_deny = true;
        assert!(
            !rules::validate(&allowed, "billing")
                .iter()
                .any(|f| matches!(f.code, "KP320" | "KP321")),
            "link {through_link}: the edges allow both calls"
        );

        // A rename, then the Service's port numbered otherwise (a ClusterIP Service's
        // port is what callers dial).
        let mut d = design.clone();
        for (pointer, value) in [
            ("/name", json!("ledger-db")),
            ("/exposure/service", json!("ClusterIP")),
            ("/exposure/ports/0/port", json!(6432)),
        ] {
            d.apply(Edit::Set {
                path: FieldPath::service(db, pointer),
                value,
            })
            .unwrap();
        }
        assert_eq!(
            strings(&d),
            (
                "Host=ledger-db;Port=6432;Database=invoices;Username=invoices_app;Maximum Pool Size=20"
                    .to_string(),
                "host=ledger-db port=6432 dbname=invoices user=invoices_app".to_string()
            ),
            "link {through_link}"
        );
    }
}
