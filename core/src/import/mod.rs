//! Import of existing Kubernetes YAML (and, in `compose`, of docker-compose files) into a
//! design.
//!
//! Each document is parsed on its own, so one bad document (invalid YAML, Helm template
//! syntax, an unknown kind) is reported with its line and the rest still imports. What
//! the model covers becomes the design, so the rules apply to it; what it does not cover
//! is kept: as a residual merge patch on the object the design renders, or, for objects
//! the model cannot express, whole. Rendering the imported design gives back the input
//! (Secret values excepted: a design never holds them).
//!
//! This file splits and parses the input, builds the design and computes the residuals;
//! reading each kind of object sits in a file per family, beside the render module's of
//! the same name: `workload` (Deployment, StatefulSet), `network` (Service, Ingress,
//! NetworkPolicy), `scaling` (HPA, PDB), `config` (Namespace, ServiceAccount, ConfigMap,
//! Secret), `gateway` (Gateway, HTTPRoute, GRPCRoute).

pub mod compose;
mod config;
mod environments;
mod gateway;
mod labels;
mod monitoring;
mod network;
mod parse;
mod scaling;
mod workload;

pub use environments::{
    environments, environments_asked, environments_of, promotion_order, tier_of, unique_names,
    EnvironmentReport, EnvironmentsImport, Input, NotMerged,
};

use crate::model::*;
use crate::order;
use crate::render::{render, Object};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};

/// Inputs larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// What happened to one document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum Outcome {
    /// Part of the design (with a residual patch for anything the model lacks).
    Imported,
    /// Kept whole: the model cannot express it, but export reproduces it.
    Kept(String),
    /// Not imported, and why.
    Skipped(String),
}

/// One document of the input.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DocumentReport {
    /// The file the document came from, as named to [`kubernetes_files`]; empty for
    /// text without a name (pasted, or given to [`kubernetes`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// First line of the document (1-based) within its file.
    pub line: usize,
    /// Its kind, if it has one.
    pub kind: String,
    /// Its name, if it has one.
    pub name: String,
    /// What happened to it.
    pub outcome: Outcome,
    /// Something the user should know besides (e.g. a removed API version upgraded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// It could not be read at all (invalid YAML, an input too large): its kind and name,
    /// if any, are what its lines seem to say.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

/// The result of an import: always a design (possibly empty) and a report per document.
/// Its JSON (the page's worker sends it) leaves out `renamed`, which only the import's
/// own steps use.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Import {
    /// The design.
    pub design: Design,
    /// One entry per document, in input order.
    pub documents: Vec<DocumentReport>,
    /// Objects attached to a service under another name than the one the design
    /// renders: (kind, rendered name) -> input name. Their residual patch renames them.
    #[serde(skip)]
    pub renamed: BTreeMap<(String, String), String>,
    /// The input was a compose file: a report is one compose service, and its note
    /// says what of it the design does not hold.
    #[serde(default)]
    pub compose: bool,
}

impl Import {
    /// How many documents became part of the design or were kept.
    pub fn imported(&self) -> usize {
        self.documents
            .iter()
            .filter(|d| !matches!(d.outcome, Outcome::Skipped(_)))
            .count()
    }

    /// One line for people, as the import dialog and the CLI show it: how much came in,
    /// how much was kept whole or upgraded from a removed API version, and what the rules
    /// find in the environment the design opens on (prod if it has one). When nothing came in (the CLI stops with
    /// its own message then), it says so and that the open design is unchanged.
    pub fn summary(&self) -> String {
        if self.documents.is_empty() {
            return "Nothing to import yet: paste manifests or a compose file, or choose one."
                .into();
        }
        if self.imported() == 0 {
            return format!(
                "Nothing imported from {}: the table says why. The design you have open is unchanged.",
                crate::words::counted(self.documents.len(), "document"),
            );
        }
        let kept = self
            .documents
            .iter()
            .filter(|d| matches!(d.outcome, Outcome::Kept(_)))
            .count();
        let mut line = unreadable(&self.documents).unwrap_or_default();
        line += &if self.compose {
            // Every compose service has a note: how it became a service, and what of it
            // the design does not hold.
            // (The file's top-level keys that are no services are reported apart.)
            let top_level = (self.documents.iter())
                .filter(|d| d.kind == "compose")
                .count();
            // Files chosen with it that it does not read.
            let unread = (self.documents.iter()).filter(|d| d.kind == "file").count();
            let mut said = format!(
                "{} of {} imported as {} (the notes say how).",
                self.imported(),
                crate::words::counted(self.documents.len() - top_level - unread, "compose service"),
                crate::words::counted(self.design.services.len(), "service"),
            );
            if top_level > 0 {
                said += &format!(
                    " {} not imported (the table says why).",
                    crate::words::counted(top_level, "top-level key")
                );
            }
            if unread > 0 {
                said += &format!(
                    " {} chosen with it not read (the table says why).",
                    crate::words::counted(unread, "file")
                );
            }
            said
        } else {
            format!(
                "{} of {} imported ({kept} kept whole); {}.",
                self.imported(),
                crate::words::counted(self.documents.len(), "document"),
                crate::words::counted(self.design.services.len(), "service"),
            )
        };
        // In Kubernetes input, a note says that a removed API version was upgraded, or
        // (on a Secret, whose only version is v1) that its values stay out.
        let noted = |secret: bool| {
            (self.documents.iter())
                .filter(|d| d.note.is_some() && (d.kind == "Secret") == secret)
                .count()
        };
        let (upgraded, valued) = (noted(false), noted(true));
        if !self.compose && upgraded > 0 {
            line.push_str(&format!(
                " {upgraded} used an API version Kubernetes removed and {} upgraded (the table says which).",
                if upgraded == 1 { "was" } else { "were" }
            ));
        }
        if !self.compose && valued > 0 {
            line.push_str(&format!(
                " {} values, which are not imported: the export writes placeholders (the table says which).",
                if valued == 1 { "1 Secret has".to_string() } else { format!("{valued} Secrets have") }
            ));
        }
        line.push_str(&rules_found(&self.design));
        line
    }
}

/// One object's YAML, as the page's editor of an object kept whole gives it, read as
/// the import reads a document (the same limits, messages and YAML 1.1 octals), or what
/// is wrong with it: not one document, or not an object, or (with `read-objects`) of a
/// kind and version Kubeprint writes but not valid as one, which the API server would
/// refuse (KP723's check, made before the object replaces a good one).
pub fn one_object(text: &str) -> Result<Value, String> {
    let docs = parse::split_documents(text);
    let object = match docs.as_slice() {
        [] => Err("the text is empty: write the object's YAML, or remove the object".into()),
        [doc] => parse::parse_document(*doc)?
            .ok_or_else(|| "the text holds only comments: write the object's YAML".into()),
        [_, second, ..] => Err(format!(
            "a second document starts at line {}: one object at a time here (import adds more)",
            second.line
        )),
    }?;
    match Object::unreadable(&object) {
        Some(why) => Err(format!(
            "this is not a valid {} ({why}): the API server would refuse it; correct it, or cancel to keep the object as it was",
            object["kind"].as_str().unwrap_or_default()
        )),
        None => Ok(object),
    }
}

/// Where a document that could not be read is, and what it seems to be, as its report
/// says it before why: "`prod.yaml`, Deployment `api`: " (empty when nothing is known).
pub(super) fn seen_as(d: &DocumentReport) -> String {
    let mut at: Vec<String> = Vec::new();
    if !d.file.is_empty() {
        at.push(format!("`{}`", d.file));
    }
    match (d.kind.as_str(), d.name.as_str()) {
        ("", _) => {}
        (kind, "") => at.push(kind.to_string()),
        (kind, name) => at.push(format!("{kind} `{name}`")),
    }
    match at.is_empty() {
        true => String::new(),
        false => format!("{}: ", at.join(", ")),
    }
}

/// The import summaries' first sentence when some documents could not be read: which,
/// and that what belongs with them (a Deployment's Service, HPA, PDB) is kept whole or
/// missing until they are fixed. `None` when every document was read.
pub fn unreadable<'d>(documents: impl IntoIterator<Item = &'d DocumentReport>) -> Option<String> {
    let unreadable: Vec<&DocumentReport> = documents.into_iter().filter(|d| d.unreadable).collect();
    let first = unreadable.first()?;
    let Outcome::Skipped(why) = &first.outcome else {
        unreachable!("unreadable documents are skipped")
    };
    let at = seen_as(first);
    let (first, it) = match unreadable.len() {
        1 => ("", "it"),
        _ => ("the first, ", "them"),
    };
    Some(format!(
        "{} could not be read ({first}{at}{why}): fix {it} and check again; until then, \
         what belongs with {it} is kept whole or missing. ",
        crate::words::counted(unreadable.len(), "document"),
    ))
}

/// What the rules find in the environment an imported design opens on (prod if it has
/// one), as the import summaries end: " The rules find 1 error and 2 warnings in `prod`."
fn rules_found(design: &Design) -> String {
    let env = crate::presets::default_environment(design);
    let findings = crate::rules::validate(design, &env);
    let count = |s: crate::rules::Severity| findings.iter().filter(|f| f.severity == s).count();
    format!(
        " The rules find {} and {} in `{env}`.",
        crate::words::counted(count(crate::rules::Severity::Error), "error"),
        crate::words::counted(count(crate::rules::Severity::Warning), "warning")
    )
}

/// What the text given to import holds. Told apart by top-level keys alone, before any
/// parsing, so that the app and the CLI send the same text to the same importer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A docker-compose file: a top-level `services:` and no top-level `kind:` or
    /// `apiVersion:`. Goes to `compose::import`.
    Compose,
    /// Kubernetes manifests: anything else. Goes to `kubernetes`, which reports what it
    /// cannot read.
    Kubernetes,
}

impl Format {
    /// The format of an import's text.
    pub fn detect(text: &str) -> Format {
        let text = parse::strip_bom(text);
        let top = |key: &str| text.lines().any(|l| l.starts_with(key));
        if top("services:") && !top("kind:") && !top("apiVersion:") {
            Format::Compose
        } else {
            Format::Kubernetes
        }
    }
}
/// The parsed objects of the input by (kind, name), for the residual step. Each is kept
/// as compact JSON text, about a tenth of the memory of a `Value`, and read back when
/// the residual step asks for it: a 15 MB input otherwise holds some 170 MB of `Value`s
/// from parsing to the end of the import.
#[derive(Default)]
pub(super) struct Inputs(BTreeMap<(String, String), String>);

impl Inputs {
    fn insert(&mut self, o: &Object) {
        // Through the object's JSON value, not `serde_json::to_string(o)`: one serializer
        // per k8s-openapi type in the page (see `yaml::to_json`).
        let text = o.to_json().to_string();
        self.0
            .insert((o.kind().to_string(), o.name().to_string()), text);
    }

    /// The input object of that kind and name, as JSON.
    pub(super) fn get(&self, key: &(String, String)) -> Option<Value> {
        let text = self.0.get(key)?;
        Some(serde_json::from_str(text).expect("written by insert"))
    }
}

/// A document that could not be read, named as its lines seem to name it (`text`).
fn skipped(file: &str, line: usize, text: &str, reason: String) -> DocumentReport {
    let (kind, name) = parse::seeming_identity(text);
    DocumentReport {
        file: file.to_string(),
        line,
        kind,
        name,
        outcome: Outcome::Skipped(reason),
        note: None,
        unreadable: true,
    }
}

/// Parse and build: the design without residuals, and the input objects. `files` are
/// (name, text); their documents are read in order, as one input. Each text is dropped
/// once it is parsed, so a caller that hands its texts over does not hold them (15 MB
/// for a large input) through the rest of the import.
fn parse_and_build(files: Vec<(String, Cow<'_, str>)>) -> (Import, Inputs) {
    let mut inputs = Inputs::default();
    let mut documents = Vec::new();
    let size: usize = files.iter().map(|(_, t)| t.len()).sum();
    if size > MAX_INPUT_BYTES {
        documents.push(skipped(
            files.first().map_or("", |(n, _)| n),
            1,
            "",
            format!(
                "the input is {} MiB; Kubeprint imports at most {} MiB at once",
                size / (1024 * 1024),
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
        ));
        let import = Import {
            design: empty_design(),
            documents,
            renamed: BTreeMap::new(),
            compose: false,
        };
        return (import, inputs);
    }
    // Parse everything first; `List` documents are flattened.
    let mut objects: Vec<(usize, Object)> = Vec::new();
    for (file, text) in files {
        let file = file.as_str();
        for doc in parse::split_documents(&text) {
            let line = doc.line;
            let json = match parse::parse_document(doc) {
                Ok(Some(json)) => json,
                Ok(None) => continue,
                Err(reason) => {
                    documents.push(skipped(file, line, doc.text, reason));
                    continue;
                }
            };
            let items = match json {
                Value::Object(mut m) if m.get("kind").is_some_and(|k| k == "List") => {
                    match m.remove("items") {
                        Some(Value::Array(items)) => items,
                        _ => Vec::new(),
                    }
                }
                json => vec![json],
            };
            for item in items {
                if let Some(reason) = unnamed(&item).or_else(|| helm_test(&item)) {
                    documents.push(DocumentReport {
                        file: file.to_string(),
                        line,
                        kind: item["kind"].as_str().unwrap_or_default().to_string(),
                        name: item["metadata"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        outcome: Outcome::Skipped(reason),
                        note: None,
                        unreadable: false,
                    });
                    continue;
                }
                let (o, outcome, note) = object_of(item);
                // A modelled kind whose value reads as YAML but not as its field
                // (`replicas: "{{ .Values.n }}"`) is most likely an unrendered template;
                // so is a plain `01234` that YAML 1.1 makes a number. Those are not kept:
                // exported, they would not apply either.
                let hint = match &outcome {
                    Outcome::Kept(_) if Object::models_kind(o.kind()) => {
                        parse::helm_hint(doc).or_else(|| parse::octal_hint(doc))
                    }
                    _ => None,
                };
                let report = |outcome| DocumentReport {
                    file: file.to_string(),
                    line,
                    kind: o.kind().to_string(),
                    name: o.name().to_string(),
                    outcome,
                    note: note.clone(),
                    unreadable: false,
                };
                match (outcome, hint) {
                    (Outcome::Kept(reason), Some(hint)) => {
                        let reason = reason.trim_end_matches("; kept as it is");
                        documents.push(report(Outcome::Skipped(format!("{reason}; {hint}"))));
                    }
                    (outcome, _) => {
                        documents.push(report(outcome));
                        objects.push((documents.len() - 1, o));
                    }
                }
            }
        }
    }
    let mut renamed = BTreeMap::new();
    let design = build(objects, &mut documents, &mut renamed, &mut inputs);
    let import = Import {
        design,
        documents,
        renamed,
        compose: false,
    };
    (import, inputs)
}

/// Why an object cannot be imported for want of a name: a kustomize build file (not an
/// object), one with only `metadata.generateName` (which `kubectl apply` and Argo CD
/// refuse), or none at all (Kubernetes refuses it; most often a file cut short).
fn unnamed(item: &Value) -> Option<String> {
    let named = |field: &str| {
        item["metadata"][field]
            .as_str()
            .is_some_and(|n| !n.trim().is_empty())
    };
    if named("name") {
        return None;
    }
    let kind = item["kind"].as_str().unwrap_or_default();
    Some(
        if matches!(kind, "Kustomization" | "Component")
            && item["apiVersion"]
                .as_str()
                .is_some_and(|v| v.starts_with("kustomize.config.k8s.io/"))
        {
            "a kustomization.yaml tells kustomize how to build manifests, it is not an object: import what `kubectl kustomize` prints instead".to_string()
        } else if named("generateName") {
            "it has only `metadata.generateName`, which `kubectl create` completes but `kubectl apply` and Argo CD refuse: give it a name and import again".to_string()
        } else {
            "it has no `metadata.name`, and Kubernetes refuses an object without one (was the text cut short?): give it a name and import again".to_string()
        },
    )
}

/// Why an object is left out although it reads: a Helm test hook (`helm.sh/hook: test`),
/// which `helm template` prints but `helm install` never applies (it runs on `helm
/// test`); kept whole, `kubectl apply` would run it as an ordinary Pod or Job.
fn helm_test(item: &Value) -> Option<String> {
    let hook = item["metadata"]["annotations"]["helm.sh/hook"].as_str()?;
    let test = hook
        .split(',')
        .map(str::trim)
        .find(|h| h.starts_with("test"))?;
    Some(format!(
        "a Helm test hook (`helm.sh/hook: {test}`): Helm runs it on `helm test`, never as part of \
         the release, and applied with the rest it would run as an ordinary {}; left out",
        item["kind"].as_str().unwrap_or("object")
    ))
}

/// A Secret's values made placeholders, and marked so
/// ([`crate::render::PLACEHOLDERS_ANNOTATION`]): secret values never enter a design (data
/// that is not valid base64 does not stop the Secret from importing: only its key names
/// are read), and a Secret kept whole is exported as one the design makes, apart from
/// what is applied again.
fn placeholders(secret: &mut Value) {
    use base64::Engine;
    let placeholder = crate::render::SECRET_PLACEHOLDER;
    let encoded = base64::engine::general_purpose::STANDARD.encode(placeholder);
    let mut any = false;
    for (field, value) in [("data", &encoded), ("stringData", &placeholder.to_string())] {
        if let Some(values) = secret.get_mut(field).and_then(Value::as_object_mut) {
            for v in values.values_mut() {
                *v = Value::from(value.as_str());
                any = true;
            }
        }
    }
    if !any || !secret["metadata"].is_object() {
        return;
    }
    let annotations = &mut secret["metadata"]["annotations"];
    if !annotations.is_object() {
        *annotations = serde_json::json!({});
    }
    annotations[crate::render::PLACEHOLDERS_ANNOTATION] = crate::render::PLACEHOLDERS_NOTE.into();
}

/// The object in one input document: typed where the model knows its kind, else kept
/// whole. Nothing is refused for being unknown: any kind of any API group is kept, and an
/// object of a removed API version is upgraded first.
fn object_of(mut item: Value) -> (Object, Outcome, Option<String>) {
    let removed = crate::apis::removed(
        item["apiVersion"].as_str().unwrap_or_default(),
        item["kind"].as_str().unwrap_or_default(),
    );
    let mut note = removed.map(|r| {
        crate::apis::upgrade(&mut item);
        r.message()
    });
    let kind = item["kind"].as_str().unwrap_or_default().to_string();
    let valued = |m: &str| item[m].as_object().is_some_and(|d| !d.is_empty());
    if kind == "Secret" && (valued("data") || valued("stringData")) {
        let values = format!(
            "its values are not imported (a design holds key names only): the export writes `{}` for each, in files created once and never applied over the live Secret; set the real values in the cluster (or a sealed or external secret)",
            crate::render::SECRET_PLACEHOLDER
        );
        note = Some(note.map_or(values.clone(), |n| format!("{n}; {values}")));
    }
    if kind == "Secret" {
        placeholders(&mut item);
    }
    match Object::from_json(item.clone()) {
        Ok(o) => (o, Outcome::Imported, note),
        Err(reason) => {
            let version = item["apiVersion"].as_str().unwrap_or_default();
            let why = if let Some(unserved) = crate::apis::unserved_kind(version, &kind) {
                format!("{unserved}; kept as it is, and the API server would refuse it: correct its kind or apiVersion")
            } else if Object::models_kind(&kind) {
                format!("{reason}; kept as it is")
            } else if kind.is_empty() {
                "it has no `kind`; kept as it is".to_string()
            } else {
                format!("Kubeprint does not model {kind}; exported as it is")
            };
            (Object::kept(KeptObject(item)), Outcome::Kept(why), note)
        }
    }
}

fn empty_design() -> Design {
    Design {
        name: "imported".into(),
        environments: vec![Environment {
            create_namespace: false,
            ..Environment::new("prod", Tier::Prod, "default")
        }],
        ..Design::default()
    }
}

fn labels_match(
    selector: Option<&BTreeMap<String, String>>,
    labels: &BTreeMap<String, String>,
) -> bool {
    selector.is_some_and(|s| !s.is_empty() && s.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

/// A workload being imported: its design service and pod labels.
struct Workload {
    id: ServiceId,
    name: String,
    pod_labels: BTreeMap<String, String>,
    /// A StatefulSet's `serviceName`.
    governing: Option<String>,
    /// The AnalysisTemplates a Rollout names.
    analysis_templates: Vec<String>,
    /// The ServiceAccount its pods run as, when it names one.
    service_account: Option<String>,
}

/// The workloads being imported, in input order, with an index from each pod label to
/// the workloads that carry it: finding the workload a selector picks then looks at a
/// few candidates, not at every workload (16,000 objects would otherwise make the
/// import quadratic).
#[derive(Default)]
struct Workloads {
    list: Vec<Workload>,
    /// label key -> label value -> positions in `list`, ascending.
    by_label: BTreeMap<String, BTreeMap<String, Vec<usize>>>,
}

impl std::ops::Deref for Workloads {
    type Target = [Workload];
    fn deref(&self) -> &[Workload] {
        &self.list
    }
}

impl Workloads {
    fn push(&mut self, w: Workload) {
        for (k, v) in &w.pod_labels {
            self.by_label
                .entry(k.clone())
                .or_default()
                .entry(v.clone())
                .or_default()
                .push(self.list.len());
        }
        self.list.push(w);
    }

    /// The first workload whose pod labels a (non-empty) selector matches.
    fn selected_by(&self, selector: Option<&BTreeMap<String, String>>) -> Option<&Workload> {
        // Every match carries each pair of the selector: look only at the workloads
        // carrying its rarest pair, which are in input order like the list.
        let candidates = selector?
            .iter()
            .map(|(k, v)| {
                self.by_label
                    .get(k)
                    .and_then(|values| values.get(v))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|c| c.len())?;
        candidates
            .iter()
            .map(|&i| &self.list[i])
            .find(|w| labels_match(selector, &w.pod_labels))
    }
}
/// Input names of attached objects that the design renders under another name:
/// (kind, rendered name) -> input name (see `Import::renamed`).
type Renamed = BTreeMap<(String, String), String>;

/// Turn parsed objects into a design and fill in each document's outcome.
fn build(
    objects: Vec<(usize, Object)>,
    documents: &mut [DocumentReport],
    renamed: &mut Renamed,
    inputs: &mut Inputs,
) -> Design {
    let mut d = empty_design();
    let namespace = main_namespace(&objects);
    d.environments[0].namespace = namespace.clone();
    d.environments[0].name = namespace.clone();
    // An input that names no namespace anywhere is applied with `-n`: what the design
    // writes for it (a Secret a fix adds, a new service) names none either.
    d.environments[0].namespace_unwritten =
        !objects.is_empty() && (objects.iter()).all(|(_, o)| o.metadata().namespace.is_none());
    // The design is named after the system its objects say they are part of, else the
    // release that installed them (Helm's instance label), else their namespace unless
    // that is `default` (a paste that names none) or an environment's name (`prod`
    // names no system: its environment is named so), else its first service (below).
    let label = |key: &str| {
        (objects.iter()).find_map(|(_, o)| o.metadata().labels.as_ref()?.get(key).cloned())
    };
    let names_a_system = namespace != "default" && !environments::is_environment_word(&namespace);
    let name = (label("app.kubernetes.io/part-of"))
        .or_else(|| label("app.kubernetes.io/instance"))
        .or_else(|| names_a_system.then(|| namespace.clone()));

    let mut keep: Vec<(usize, Object)> = Vec::new();
    let mut workloads = Workloads::default();
    let mut rest = Vec::new();
    // A Gateway of another namespace that this namespace's routes attach to is the
    // environment's Gateway, not an object kept whole.
    let gateways = gateway::referenced(&objects, &namespace);
    for (i, o) in objects {
        let ns = o.metadata().namespace.clone();
        let routes_gateway = |ns: &str| {
            matches!(o, Object::Gateway(_))
                && gateways.iter().any(|(n, name)| n == ns && name == o.name())
        };
        if let Some(ns) = ns.filter(|n| *n != namespace && !routes_gateway(n)) {
            // Objects of other namespaces keep theirs: the design models one namespace
            // per environment, and these are exported as they came.
            documents[i].outcome = Outcome::Kept(format!(
                "in namespace `{ns}`; the design models `{namespace}`, so this is kept \
                 whole with its namespace"
            ));
            d.pinned_objects.push(KeptObject(o.to_json()));
            continue;
        }
        if matches!(o, Object::Namespace(_)) && o.name() != namespace {
            documents[i].outcome = Outcome::Kept(format!(
                "another namespace than the one the design models (`{namespace}`); kept whole"
            ));
            d.pinned_objects.push(KeptObject(o.to_json()));
            continue;
        }
        if matches!(o, Object::Kept(_)) {
            keep.push((i, o));
            continue;
        }
        inputs.insert(&o);
        match workload::service(&o) {
            Some((s, pod_labels)) => {
                let governing = match &o {
                    Object::StatefulSet(st) => {
                        st.spec.as_ref().and_then(|p| p.service_name.clone())
                    }
                    _ => None,
                };
                let templates = workload::analysis_templates(&o);
                let account = workload::service_account_name(&o);
                let w = workload::Found {
                    pod_labels,
                    governing,
                    analysis_templates: templates,
                    service_account: account,
                };
                workload::add(&mut d, &mut workloads, s, w)
            }
            None => rest.push((i, o)),
        }
    }
    // A StatefulSet's governing Service (its `serviceName`) is the one that becomes its
    // own Service, wherever it stands in the input: another Service selecting the same
    // pods (a read-only ClusterIP beside the headless one) is kept whole instead.
    let governing: HashSet<String> = workloads
        .iter()
        .filter_map(|w| w.governing.clone())
        .collect();
    // Gateway API objects go last, the Gateway before the routes, so that a route finds
    // its Gateway and the Services it sends to.
    order::sort_by_key(&mut rest, |(_, o)| {
        let gateway_api = match o {
            Object::Gateway(_) => 1,
            Object::HTTPRoute(_) | Object::GRPCRoute(_) => 2,
            _ => 0,
        };
        let governs = matches!(o, Object::Service(_)) && governing.contains(o.name());
        (gateway_api, !governs)
    });
    // Monitors and alerts go last, once the Services whose ports they name are known.
    let (monitors, rest): (Vec<_>, Vec<_>) = rest.into_iter().partition(|(_, o)| {
        matches!(
            o,
            Object::ServiceMonitor(_) | Object::PodMonitor(_) | Object::PrometheusRule(_)
        )
    });
    for (i, o) in rest {
        let attached = attach(&mut d, &workloads, &o, renamed);
        if !attached {
            keep.push((i, o));
        }
    }
    keep.extend(monitoring::attach(&mut d, &workloads, monitors, renamed));
    workload::infer_shutdown_timeouts(&mut d);
    // Replicas written beside an HPA are the import's to say; without one they are
    // written anyway.
    for s in d.services.iter_mut().filter(|s| s.scaling.hpa.is_none()) {
        s.scaling.replicas_with_hpa = false;
    }
    network::policies(&mut d, &workloads, &mut keep);
    gateway::canary_services(&mut d, &workloads, &mut keep);
    for (i, o) in &keep {
        if documents[*i].outcome == Outcome::Imported {
            let why = unattached(&workloads, o)
                .unwrap_or_else(|| format!("the design has no place for this {}", o.kind()));
            documents[*i].outcome = Outcome::Kept(format!("{why}; exported as it is"));
        }
        d.extra_objects.push(KeptObject(o.to_json()));
    }
    d.name = name
        .or_else(|| d.services.first().map(|s| s.name.clone()))
        .unwrap_or(namespace);
    d
}

/// The namespace the design models: the one with the most workloads, else the one with
/// the most objects, else the one a Namespace object names, else `default`. Objects
/// without a namespace count for `default`... unless nothing names one at all.
fn main_namespace(objects: &[(usize, Object)]) -> String {
    let mut workloads: BTreeMap<&str, usize> = BTreeMap::new();
    let mut all: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, o) in objects {
        let Some(ns) = o.metadata().namespace.as_deref() else {
            continue;
        };
        *all.entry(ns).or_default() += 1;
        if matches!(
            o,
            Object::Deployment(_) | Object::StatefulSet(_) | Object::Rollout(_)
        ) {
            *workloads.entry(ns).or_default() += 1;
        }
    }
    // Most first; among equals, the first in the input.
    let first_of = |ns: &str| {
        objects
            .iter()
            .position(|(_, o)| o.metadata().namespace.as_deref() == Some(ns))
    };
    let best = |counts: &BTreeMap<&str, usize>| {
        counts
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(first_of(b.0).cmp(&first_of(a.0))))
            .map(|(ns, _)| ns.to_string())
    };
    best(&workloads)
        .or_else(|| best(&all))
        .or_else(|| {
            objects
                .iter()
                .find_map(|(_, o)| matches!(o, Object::Namespace(_)).then(|| o.name().to_string()))
        })
        .unwrap_or_else(|| "default".into())
}

/// Attach an object to the design where the model has a place for it.
fn attach(d: &mut Design, workloads: &Workloads, o: &Object, renamed: &mut Renamed) -> bool {
    let name = o.name();
    match o {
        Object::Namespace(ns) => config::namespace(d, ns),
        Object::ConfigMap(cm) => config::config_map(d, name, cm),
        Object::Secret(sec) => config::secret(d, name, sec),
        Object::ServiceAccount(sa) => config::service_account(d, workloads, name, sa),
        Object::Service(svc) => network::service(d, workloads, renamed, name, svc),
        Object::Ingress(ing) => network::ingress(d, workloads, renamed, name, ing),
        Object::HorizontalPodAutoscaler(h) => scaling::hpa(d, workloads, renamed, name, h),
        Object::PodDisruptionBudget(p) => scaling::pdb(d, workloads, renamed, name, p),
        Object::AnalysisTemplate(t) => {
            monitoring::analysis_template(d, workloads, renamed, name, t)
        }
        Object::Gateway(g) => gateway::gateway(d, g),
        Object::HTTPRoute(r) => gateway::http_route(d, workloads, renamed, name, r),
        Object::GRPCRoute(r) => gateway::grpc_route(d, workloads, renamed, name, r),
        _ => false,
    }
}

/// Why an object of a kind the design models stayed whole, where it is that what it
/// belongs with is not in the import: a Service or a budget that selects no workload of
/// it, an HPA whose target is not in it. (A Deployment that could not be read leaves
/// its Service, HPA and budget so.)
fn unattached(workloads: &Workloads, o: &Object) -> Option<String> {
    let selects_none = |selector: Option<&BTreeMap<String, String>>| {
        selector.is_some_and(|s| !s.is_empty()) && workload_for(workloads, selector).is_none()
    };
    match o {
        Object::Service(s) => {
            let selector = s.spec.as_ref().and_then(|s| s.selector.as_ref());
            selects_none(selector).then(|| "it selects no workload of this import".to_string())
        }
        Object::PodDisruptionBudget(p) => {
            let selector = (p.spec.as_ref())
                .and_then(|s| s.selector.as_ref())
                .filter(|s| s.match_expressions.as_ref().is_none_or(Vec::is_empty))
                .and_then(|s| s.match_labels.as_ref());
            selects_none(selector).then(|| "it guards no workload of this import".to_string())
        }
        Object::HorizontalPodAutoscaler(h) => {
            let target = &h.spec.as_ref()?.scale_target_ref;
            (!workloads.iter().any(|w| w.name == target.name)).then(|| {
                format!(
                    "it scales {} `{}`, which is not in this import",
                    target.kind, target.name
                )
            })
        }
        Object::ServiceAccount(_) => {
            let runs: Vec<String> = (workloads.iter())
                .filter(|w| w.service_account.as_deref() == Some(o.name()))
                .map(|w| format!("`{}`", w.name))
                .collect();
            match runs.len() {
                0 => Some("no workload the design models runs as it".to_string()),
                1 => Some(format!(
                    "the pods of {} run as it, but a service's own account is named like \
                     the service",
                    runs[0]
                )),
                _ => Some(format!(
                    "the pods of {} run as it: an account several workloads share stays \
                     whole (a service's own account follows its name)",
                    runs.join(", ")
                )),
            }
        }
        _ => None,
    }
}

fn workload_for<'w>(
    workloads: &'w Workloads,
    selector: Option<&BTreeMap<String, String>>,
) -> Option<&'w Workload> {
    workloads.selected_by(selector)
}

/// Remember that the object rendered as `kind`/`rendered` was called `actual` in the input.
fn note_rename(renamed: &mut Renamed, kind: &str, rendered: String, actual: &str) {
    if rendered != actual {
        renamed.insert((kind.to_string(), rendered), actual.to_string());
    }
}

fn amount(v: &IntOrString) -> Option<Amount> {
    match v {
        IntOrString::Int(n) => u32::try_from(*n).ok().map(Amount::Count),
        IntOrString::String(s) => s.parse().ok(),
    }
}

fn port_ref(v: &IntOrString) -> PortRef {
    match v {
        IntOrString::Int(n) => PortRef::Number(u16::try_from(*n).unwrap_or(0)),
        IntOrString::String(s) => PortRef::Name(s.clone()),
    }
}

/// After building: record, per object, what the input had beyond what the design
/// renders (see [`Residual`]), so that rendering gives the input back while every
/// modelled field stays the design's.
fn with_residuals(mut import: Import, inputs: &Inputs) -> Import {
    let env = import.design.environments[0].name.clone();
    let rendered = render(&import.design, &env);
    let owners: Vec<_> = {
        let index = crate::render::ResidualOwners::new(&import.design);
        rendered
            .objects
            .iter()
            .map(|o| index.owner(o.kind(), o.name()))
            .collect()
    };
    let mut residuals = Vec::new();
    for (o, owner) in rendered.objects.iter().zip(owners) {
        if matches!(o, Object::Kept(_)) {
            continue;
        }
        let key = (o.kind().to_string(), o.name().to_string());
        let input_name = import
            .renamed
            .get(&key)
            .cloned()
            .unwrap_or_else(|| key.1.clone());
        let Some(wanted) = inputs.get(&(key.0.clone(), input_name)) else {
            continue;
        };
        let Some(owner) = owner else {
            continue;
        };
        let mut have = o.to_json();
        let mut want = wanted;
        crate::render::without_secret_values(&mut have);
        crate::render::without_secret_values(&mut want);
        residuals.push((owner, Residual::between(&have, &want)));
    }
    import.design.set_residuals(0, residuals);
    import
}

/// Import Kubernetes YAML: the design, with residuals so that rendering it reproduces
/// the input, and a report per document.
pub fn kubernetes(text: &str) -> Import {
    let (import, inputs) = parse_and_build(vec![(String::new(), Cow::Borrowed(text))]);
    with_edges(with_residuals(import, &inputs))
}

/// The import with the dependencies its configuration names
/// ([`network::edges_from_config`]).
fn with_edges(mut import: Import) -> Import {
    network::edges_from_config(&mut import.design);
    import
}

/// Import several files of Kubernetes YAML, given as (file name, text), as one input:
/// like [`kubernetes`], with each document's report naming its file and its line in
/// that file. A byte order mark at the start of a file is ignored. The texts are taken
/// over and dropped as soon as they are parsed.
pub fn kubernetes_files(files: Vec<(String, String)>) -> Import {
    let files = files
        .into_iter()
        .map(|(name, text)| (name, Cow::Owned(text)))
        .collect();
    let (import, inputs) = parse_and_build(files);
    with_edges(with_residuals(import, &inputs))
}

#[cfg(test)]
mod tests {
    use super::Format;

    #[test]
    fn a_failed_import_says_nothing_was_imported() {
        let broken = super::kubernetes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [a\n");
        assert_eq!(broken.imported(), 0);
        assert_eq!(
            broken.summary(),
            "Nothing imported from 1 document: the table says why. The design you have open is unchanged."
        );
        assert!(super::kubernetes("")
            .summary()
            .starts_with("Nothing to import yet"));
        let fine = super::kubernetes("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n");
        assert!(
            fine.summary().starts_with("1 of 1 document imported"),
            "{}",
            fine.summary()
        );
    }

    #[test]
    fn a_compose_summary_counts_compose_services_and_claims_no_upgrade() {
        let text = "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n    depends_on: [api]\n  api:\n    image: ghcr.io/acme/api:2.3.1\n    environment:\n      LOG_LEVEL: info\n";
        let import = super::compose::import(text, &Default::default());
        assert!(import.documents.iter().all(|d| d.note.is_some()));
        let summary = import.summary();
        assert!(
            summary.starts_with("2 of 2 compose services imported as 2 services"),
            "{summary}"
        );
        assert!(!summary.contains("API version"), "{summary}");
        // Kubernetes input that was upgraded still says so.
        let old = "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: backup\n              image: busybox:1.36\n";
        let summary = super::kubernetes(old).summary();
        assert!(
            summary.contains("1 used an API version Kubernetes removed and was upgraded"),
            "{summary}"
        );
    }

    #[test]
    fn compose_file_is_compose() {
        let text = "version: \"3.8\"\nservices:\n  web:\n    image: nginx:1.27\n";
        assert_eq!(Format::detect(text), Format::Compose);
    }

    #[test]
    fn manifests_are_kubernetes() {
        let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";
        assert_eq!(Format::detect(text), Format::Kubernetes);
    }

    #[test]
    fn top_level_services_beside_a_kind_is_kubernetes() {
        // A manifest stream that happens to hold a top-level `services:` key (a custom
        // resource, say) is still manifests.
        let text = "kind: Config\nservices:\n  web: {}\n";
        assert_eq!(Format::detect(text), Format::Kubernetes);
        let text = "services:\n  web: {}\n---\napiVersion: v1\n";
        assert_eq!(Format::detect(text), Format::Kubernetes);
    }

    #[test]
    fn indented_services_is_not_compose() {
        let text = "apiVersion: v1\nkind: ConfigMap\ndata:\n  services: a,b\n";
        assert_eq!(Format::detect(text), Format::Kubernetes);
        assert_eq!(Format::detect("data:\n  services:\n"), Format::Kubernetes);
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_a_compose_file() {
        let text = "\u{feff}services:\n  web:\n    image: nginx:1.27\n";
        assert_eq!(Format::detect(text), Format::Compose);
    }

    #[test]
    fn empty_text_is_kubernetes() {
        assert_eq!(Format::detect(""), Format::Kubernetes);
    }
}
