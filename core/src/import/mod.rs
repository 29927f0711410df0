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
//! Secret).

pub mod compose;
mod config;
mod network;
mod parse;
mod scaling;
mod workload;

use crate::model::*;
use crate::render::{render, Object};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Inputs larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// What happened to one document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
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
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DocumentReport {
    /// The file the document came from, as named to [`kubernetes_files`]; empty for
    /// text without a name (pasted, or given to [`kubernetes`]).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub file: String,
    /// First line of the document (1-based) within its file.
    pub line: usize,
    /// Its kind, if it has one.
    pub kind: String,
    /// Its name, if it has one.
    pub name: String,
    /// What happened to it.
    pub outcome: Outcome,
}

/// The result of an import: always a design (possibly empty) and a report per document.
#[derive(Clone, Debug)]
pub struct Import {
    /// The design.
    pub design: Design,
    /// One entry per document, in input order.
    pub documents: Vec<DocumentReport>,
    /// Objects attached to a service under another name than the one the design
    /// renders: (kind, rendered name) -> input name. Their residual patch renames them.
    pub renamed: BTreeMap<(String, String), String>,
}

impl Import {
    /// How many documents became part of the design or were kept.
    pub fn imported(&self) -> usize {
        self.documents
            .iter()
            .filter(|d| !matches!(d.outcome, Outcome::Skipped(_)))
            .count()
    }
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
fn name_of(v: &Value) -> String {
    v["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The parsed objects of the input by (kind, name), for the residual step. Each is kept
/// as compact JSON text, about a tenth of the memory of a `Value`, and read back when
/// the residual step asks for it: a 15 MB input otherwise holds some 170 MB of `Value`s
/// from parsing to the end of the import.
#[derive(Default)]
struct Inputs(BTreeMap<(String, String), String>);

impl Inputs {
    fn insert(&mut self, o: &Object) {
        let text = serde_json::to_string(o).expect("objects serialize");
        self.0
            .insert((o.kind().to_string(), o.name().to_string()), text);
    }

    /// The input object of that kind and name, as JSON.
    fn get(&self, key: &(String, String)) -> Option<Value> {
        let text = self.0.get(key)?;
        Some(serde_json::from_str(text).expect("written by insert"))
    }
}

/// A document that could not be read.
fn skipped(file: &str, line: usize, reason: String) -> DocumentReport {
    DocumentReport {
        file: file.to_string(),
        line,
        kind: String::new(),
        name: String::new(),
        outcome: Outcome::Skipped(reason),
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
                    documents.push(skipped(file, line, reason));
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
                let kind = item["kind"].as_str().unwrap_or_default().to_string();
                let name = name_of(&item);
                let report = |outcome| DocumentReport {
                    file: file.to_string(),
                    line,
                    kind: kind.clone(),
                    name: name.clone(),
                    outcome,
                };
                match Object::from_json(item) {
                    Ok(o) => {
                        inputs.insert(&o);
                        documents.push(report(Outcome::Imported));
                        objects.push((documents.len() - 1, o));
                    }
                    Err(reason) => {
                        // A value that reads as YAML but not as its field (`replicas:
                        // "{{ .Values.n }}"`) is most likely an unrendered template too.
                        // So is a plain `01234` that YAML 1.1 makes a number.
                        let reason = match parse::helm_hint(doc).or_else(|| parse::octal_hint(doc))
                        {
                            Some(hint) => format!("{reason}; {hint}"),
                            None => reason,
                        };
                        documents.push(report(Outcome::Skipped(reason)))
                    }
                }
            }
        }
    }
    let mut renamed = BTreeMap::new();
    let design = build(objects, &mut documents, &mut renamed);
    let import = Import {
        design,
        documents,
        renamed,
    };
    (import, inputs)
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
) -> Design {
    let mut d = empty_design();
    // One namespace per import: the first workload's (or first object's).
    let namespace = objects
        .iter()
        .find(|(_, o)| matches!(o, Object::Deployment(_) | Object::StatefulSet(_)))
        .or(objects.first())
        .and_then(|(_, o)| o.metadata().namespace.clone())
        .or_else(|| {
            objects
                .iter()
                .find_map(|(_, o)| matches!(o, Object::Namespace(_)).then(|| o.name().to_string()))
        })
        .unwrap_or_else(|| "default".into());
    d.environments[0].namespace = namespace.clone();
    d.environments[0].name = namespace.clone();
    let part_of = objects.iter().find_map(|(_, o)| {
        o.metadata()
            .labels
            .as_ref()?
            .get("app.kubernetes.io/part-of")
            .cloned()
    });
    d.name = part_of.unwrap_or_else(|| namespace.clone());

    let mut keep: Vec<(usize, Object)> = Vec::new();
    let mut workloads = Workloads::default();
    let mut rest = Vec::new();
    for (i, o) in objects {
        let ns = o.metadata().namespace.clone();
        if ns.as_deref().is_some_and(|n| n != namespace) {
            documents[i].outcome = Outcome::Skipped(format!(
                "in namespace `{}`, not `{namespace}`: import one namespace at a time",
                ns.unwrap_or_default()
            ));
            continue;
        }
        match workload::service(&o) {
            Some((s, pod_labels)) => workload::add(&mut d, &mut workloads, s, pod_labels),
            None => rest.push((i, o)),
        }
    }
    for (i, o) in rest {
        let attached = attach(&mut d, &workloads, &o, renamed);
        if !attached {
            keep.push((i, o));
        }
    }
    workload::infer_shutdown_timeouts(&mut d);
    network::policies(&mut d, &workloads, &mut keep);
    for (i, o) in &keep {
        documents[*i].outcome = Outcome::Kept(format!(
            "the design has no place for this {}; it is kept as it is",
            o.kind()
        ));
        d.extra_objects.push(KeptObject(o.to_json()));
    }
    d
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
        _ => false,
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
/// renders, so that rendering gives the input back.
fn with_residuals(mut import: Import, inputs: &Inputs) -> Import {
    let env = import.design.environments[0].name.clone();
    let rendered = render(&import.design, &env);
    let d = &mut import.design;
    for o in &rendered.objects {
        let key = (o.kind().to_string(), o.name().to_string());
        let input_name = import
            .renamed
            .get(&key)
            .cloned()
            .unwrap_or_else(|| key.1.clone());
        let Some(wanted) = inputs.get(&(key.0.clone(), input_name)) else {
            continue;
        };
        let mut have = o.to_json();
        let mut want = wanted;
        if o.kind() == "Secret" {
            // Values never enter a design: compare without them.
            for v in [&mut have, &mut want] {
                if let Some(m) = v.as_object_mut() {
                    m.remove("data");
                    m.remove("stringData");
                }
            }
        }
        let Some(patch) = crate::patch::diff(&have, &want) else {
            continue;
        };
        match o.kind() {
            "Namespace" => d.environments[0].residual = Some(patch),
            "ConfigMap" => {
                if let Some(cm) = d.config_maps.iter_mut().find(|c| c.name == key.1) {
                    cm.residual = Some(patch);
                }
            }
            "Secret" => {
                if let Some(s) = d.secrets.iter_mut().find(|s| s.name == key.1) {
                    s.residual = Some(patch);
                }
            }
            kind => {
                let role = |s: &Service| match kind {
                    "Deployment" | "StatefulSet" if s.name == key.1 => Some(ResidualRole::Workload),
                    "Service" if s.name == key.1 => Some(ResidualRole::Service),
                    "Service" if crate::naming::load_balancer(&s.name) == key.1 => {
                        Some(ResidualRole::LoadBalancer)
                    }
                    "Ingress" if s.name == key.1 => Some(ResidualRole::Ingress),
                    "HorizontalPodAutoscaler" if s.name == key.1 => Some(ResidualRole::Hpa),
                    "PodDisruptionBudget" if s.name == key.1 => Some(ResidualRole::Pdb),
                    "ServiceAccount" if s.name == key.1 => Some(ResidualRole::ServiceAccount),
                    _ => None,
                };
                if let Some(s) = d.services.iter_mut().find(|s| role(s).is_some()) {
                    let r = role(s).expect("found above");
                    s.residual.insert(r, patch);
                }
            }
        }
    }
    import
}

/// Import Kubernetes YAML: the design, with residuals so that rendering it reproduces
/// the input, and a report per document.
pub fn kubernetes(text: &str) -> Import {
    let (import, inputs) = parse_and_build(vec![(String::new(), Cow::Borrowed(text))]);
    with_residuals(import, &inputs)
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
    with_residuals(import, &inputs)
}

#[cfg(test)]
mod tests {
    use super::Format;

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
