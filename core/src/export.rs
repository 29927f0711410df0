//! The export bundle: what a team deploys with, chosen per bundle ([`Options`]):
//! Kustomize base and one overlay per environment, a Helm chart (`helm.rs`), Argo CD
//! applications (`argo.rs`) and a Docker Compose file for one environment
//! (`compose.rs`); always the fully rendered YAML of every environment, the design file
//! and a README that says what is inside and how to apply each part. As files or one zip.
//!
//! The Kustomize base is the first environment that runs services, rendered. Each
//! overlay is the exact difference of its environment from the base, per object: a JSON
//! 6902 patch made by `json_patch::diff` (namespace, replicas, resources, HPA ranges,
//! image tags, labels, ... whatever differs; lists are compared item by item),
//! a `$patch: delete` for an object the environment does not have, and the object itself
//! for one only it has. So `kubectl kustomize kustomize/overlays/ENV` gives exactly
//! `rendered/ENV.yaml` (tested with kubectl).
//!
//! The Secrets Kubeprint renders with placeholder values are apart from all of that
//! ([`secrets_apart`]): `kustomize/secrets/ENV/` and `rendered/secrets/ENV.yaml`, created
//! once with `kubectl create`. In what is applied again and again, each apply would set
//! the real values someone set in the cluster back to `CHANGE_ME`.

pub mod argo;
pub mod compose;
pub mod helm;

pub use argo::{ArgoError, ArgoOptions};

use crate::model::ArgoSource;
use crate::model::{Design, Environment};
use crate::order::Collect;
use crate::render::{render, Bundle, Object};
use crate::{file, yaml};
use serde::Serialize;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

/// One file of the bundle: a path relative to the bundle root, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFile {
    /// e.g. `kustomize/overlays/prod/kustomization.yaml`.
    pub path: String,
    /// The file's contents.
    pub contents: String,
}

/// A kustomization.yaml (kustomize's own config, not a Kubernetes object).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    patches: Vec<PatchRef>,
}

#[derive(Serialize)]
struct PatchRef {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<PatchTarget>,
}

#[derive(Serialize)]
struct PatchTarget {
    kind: String,
    name: String,
}

impl Kustomization {
    fn new(resources: Vec<String>, patches: Vec<PatchRef>) -> Self {
        Kustomization {
            api_version: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources,
            patches,
        }
    }
}

fn file_name(o: &Object) -> String {
    let (kind, name) = o.key();
    format!("{}-{}.yaml", kind.to_lowercase(), name.replace('/', "-"))
}

fn key(o: &Object) -> (String, String) {
    o.key()
}

/// A part of the bundle the user may choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Kustomize base and overlays (`kustomize/`).
    Kustomize,
    /// The Helm chart (`helm/<chart>/`).
    Helm,
    /// Argo CD Applications and their AppProject (`argocd/`).
    ArgoCd,
    /// Docker Compose for one environment (`compose/`).
    Compose,
}

impl Format {
    /// Every format, in the order the bundle and its choices list them.
    pub const ALL: [Format; 4] = [
        Format::Kustomize,
        Format::Helm,
        Format::ArgoCd,
        Format::Compose,
    ];

    /// Its name on the command line (`--format kustomize,helm`) and in saved choices.
    pub fn name(self) -> &'static str {
        match self {
            Format::Kustomize => "kustomize",
            Format::Helm => "helm",
            Format::ArgoCd => "argocd",
            Format::Compose => "compose",
        }
    }

    /// How a person calls it.
    pub fn title(self) -> &'static str {
        match self {
            Format::Kustomize => "Kustomize",
            Format::Helm => "Helm chart",
            Format::ArgoCd => "Argo CD",
            Format::Compose => "Docker Compose",
        }
    }

    /// The format called `name`.
    pub fn parse(name: &str) -> Result<Format, OptionsError> {
        let name = name.trim();
        Format::ALL
            .into_iter()
            .find(|f| f.name().eq_ignore_ascii_case(name))
            .ok_or_else(|| OptionsError::UnknownFormat(name.to_string()))
    }

    /// A comma-separated list of formats (`kustomize,argocd`); empty items are ignored.
    pub fn parse_list(text: &str) -> Result<Vec<Format>, OptionsError> {
        let mut out = Vec::new();
        for item in text.split(',').filter(|i| !i.trim().is_empty()) {
            let f = Format::parse(item)?;
            if !out.contains(&f) {
                out.push(f);
            }
        }
        Ok(out)
    }

    /// `kustomize,argocd`: the list [`Format::parse_list`] reads.
    pub fn list(formats: &[Format]) -> String {
        formats
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// What goes into a bundle besides the rendered YAML, the design file and the README,
/// which are always there. The default is the Kustomize bundle alone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Options {
    /// Kustomize base and overlays.
    pub kustomize: bool,
    /// The Helm chart.
    pub helm: bool,
    /// Argo CD applications, pulling from this repository.
    pub argocd: Option<ArgoOptions>,
    /// Docker Compose files for this environment.
    pub compose: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kustomize: true,
            helm: false,
            argocd: None,
            compose: None,
        }
    }
}

impl Options {
    /// The options that make `formats`: Argo CD with the design's repository settings,
    /// Docker Compose for `compose_env`, or by default [`default_compose_env`].
    pub fn for_formats(design: &Design, formats: &[Format], compose_env: Option<&str>) -> Self {
        Options {
            kustomize: formats.contains(&Format::Kustomize),
            helm: formats.contains(&Format::Helm),
            argocd: formats
                .contains(&Format::ArgoCd)
                .then(|| ArgoOptions::of(design)),
            compose: formats.contains(&Format::Compose).then(|| {
                compose_env
                    .map(str::to_string)
                    .or_else(|| default_compose_env(design))
                    .unwrap_or_default()
            }),
        }
    }

    /// The formats these options hold.
    pub fn formats(&self) -> Vec<Format> {
        let mut out = Vec::new();
        if self.kustomize {
            out.push(Format::Kustomize);
        }
        if self.helm {
            out.push(Format::Helm);
        }
        if self.argocd.is_some() {
            out.push(Format::ArgoCd);
        }
        if self.compose.is_some() {
            out.push(Format::Compose);
        }
        out
    }

    /// Whether a bundle can be made with these options for `design`, and if not, what
    /// to change.
    pub fn check(&self, design: &Design) -> Result<(), OptionsError> {
        if let Some(argo) = &self.argocd {
            argo.check()?;
            let present = match argo.source {
                ArgoSource::Kustomize => self.kustomize,
                ArgoSource::Helm => self.helm,
            };
            if !present {
                return Err(OptionsError::ArgoSourceMissing(argo.source));
            }
        }
        if let Some(env) = &self.compose {
            if design.environment(env).is_none() {
                return Err(OptionsError::UnknownEnvironment {
                    env: env.clone(),
                    known: design
                        .environments
                        .iter()
                        .map(|e| e.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
        Ok(())
    }
}

/// Why a bundle cannot be made with the options given. Each says what to do.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// A format name that does not exist.
    #[error("there is no bundle format `{0}`; choose from kustomize, helm, argocd, compose")]
    UnknownFormat(String),
    /// The Argo CD settings cannot be written.
    #[error(transparent)]
    Argo(#[from] ArgoError),
    /// Argo CD would point at a part the bundle does not hold.
    #[error("{}", missing_source(*.0))]
    ArgoSourceMissing(ArgoSource),
    /// The environment chosen for Docker Compose does not exist.
    #[error(
        "there is no environment `{env}` to export for Docker Compose; the design has: {known}"
    )]
    UnknownEnvironment {
        /// As given.
        env: String,
        /// The design's environments.
        known: String,
    },
}

fn missing_source(source: ArgoSource) -> &'static str {
    match source {
        ArgoSource::Kustomize => {
            "Argo CD points at the Kustomize overlays, which are not in the bundle: include \
             Kustomize too, or point Argo CD at the Helm chart"
        }
        ArgoSource::Helm => {
            "Argo CD points at the Helm chart, which is not in the bundle: include the Helm \
             chart too, or point Argo CD at the Kustomize overlays"
        }
    }
}

/// The environment Docker Compose exports unless told otherwise: `dev`, else the first
/// of tier dev, else the first environment.
pub fn default_compose_env(design: &Design) -> Option<String> {
    let envs = &design.environments;
    envs.iter()
        .find(|e| e.name == "dev")
        .or_else(|| envs.iter().find(|e| e.tier == crate::model::Tier::Dev))
        .or(envs.first())
        .map(|e| e.name.clone())
}

/// What a bundle of `design` ships that the rules find wrong: the environments with
/// errors, each with how many and their rule codes, in one sentence for the Bundle
/// dialog and the CLI's export. `None` when no environment has an error. (The bundle
/// is written all the same: the user decides.)
pub fn errors_shipped(design: &Design) -> Option<String> {
    let mut parts = Vec::new();
    for env in &design.environments {
        let mut codes: Vec<&str> = crate::rules::validate(design, &env.name)
            .into_iter()
            .filter(|f| f.severity == crate::rules::Severity::Error)
            .map(|f| f.code)
            .collect();
        let n = codes.len();
        crate::order::sort(&mut codes);
        codes.dedup();
        if n > 0 {
            parts.push(format!(
                "{} in {} ({})",
                crate::words::counted(n, "error"),
                env.name,
                codes.join(", ")
            ));
        }
    }
    (!parts.is_empty()).then(|| {
        format!(
            "The bundle ships with {}: its manifests are written as the design is; the findings say what to fix.",
            parts.join(", ")
        )
    })
}

/// Every file of today's bundle (Kustomize, rendered YAML, design, README), in a
/// stable order.
pub fn bundle(design: &Design) -> Vec<BundleFile> {
    bundle_with(design, &Options::default()).expect("the default options need no settings")
}

/// Every file of the bundle `options` choose, in a stable order: Kustomize and the
/// rendered YAML, the Helm chart, Argo CD, Docker Compose, the design file, the README.
/// Nothing is made when an option cannot be written (see [`Options::check`]).
pub fn bundle_with(design: &Design, options: &Options) -> Result<Vec<BundleFile>, OptionsError> {
    options.check(design)?;
    let mut files = kustomize_and_rendered(design, options.kustomize);
    if options.helm {
        files.extend(helm::chart(design));
    }
    if let Some(argo) = &options.argocd {
        files.extend(argo::files(design, argo, &helm::chart_name(design)));
    }
    if let Some(env) = &options.compose {
        files.extend(compose::compose(design, env));
    }
    files.push(BundleFile {
        path: "design.kubeprint.json".into(),
        contents: file::to_json(design),
    });
    files.push(BundleFile {
        path: "README.md".into(),
        contents: readme(design, options),
    });
    Ok(files)
}

/// Whether `o` is a Secret Kubeprint renders with placeholder values
/// ([`crate::render::PLACEHOLDERS_ANNOTATION`]).
pub fn placeholder_secret(o: &Object) -> bool {
    o.kind() == "Secret"
        && (o.metadata().annotations.as_ref())
            .is_some_and(|a| a.contains_key(crate::render::PLACEHOLDERS_ANNOTATION))
}

/// `env` rendered, and its placeholder Secrets taken out of it. They must never be in
/// what `kubectl apply` (or a GitOps sync) applies again: each apply would set the
/// values someone set in the cluster back to `CHANGE_ME`, and the pods reading them
/// would fail on their next start. They are created once, with `kubectl create`, which
/// never overwrites a Secret that exists.
pub fn secrets_apart(design: &Design, env: &str) -> Apart {
    let (secrets, applied) = render(design, env)
        .objects
        .into_iter()
        .partition(placeholder_secret);
    Apart {
        applied: Bundle { objects: applied },
        secrets: Bundle { objects: secrets },
    }
}

/// An environment rendered in two parts ([`secrets_apart`]).
pub struct Apart {
    /// What is applied again and again.
    pub applied: Bundle,
    /// Its placeholder Secrets, created once.
    pub secrets: Bundle,
}

/// The placeholder Secrets of environment `env`, by (namespace, name); a Secret in the
/// environment's own namespace has none (as a Helm release or an Argo CD Application
/// into that namespace names it).
pub fn placeholder_secrets(design: &Design, env: &str) -> Vec<(Option<String>, String)> {
    let own = design.environment(env).map(|e| e.namespace.as_str());
    (render(design, env).objects.iter())
        .filter(|o| placeholder_secret(o))
        .map(|o| {
            let namespace = o
                .metadata()
                .namespace
                .clone()
                .filter(|ns| Some(ns.as_str()) != own);
            (namespace, o.metadata().name.clone().unwrap_or_default())
        })
        .collect()
}

/// A placeholder Secret's `stringData` as `data` (base64): how the API server keeps
/// it, and what a value read from the cluster is. A Helm chart writes such a value back
/// exactly (a binary one too); Argo CD leaves `data` to the cluster, while `stringData`,
/// which no live object has, it would apply again over it.
pub fn as_data(secret: &mut serde_json::Value) {
    use base64::Engine;
    let Some(m) = secret.as_object_mut() else {
        return;
    };
    let Some(serde_json::Value::Object(strings)) = m.remove("stringData") else {
        return;
    };
    let data = (m.entry("data").or_insert_with(|| json!({})).as_object_mut())
        .expect("a Secret's data is a map");
    for (k, v) in strings {
        let text = v.as_str().unwrap_or_default();
        data.insert(
            k,
            json!(base64::engine::general_purpose::STANDARD.encode(text)),
        );
    }
}

/// A placeholder Secret as the bundle writes it apart: its values in `data`
/// ([`as_data`]).
pub fn secret_apart(o: &Object) -> serde_json::Value {
    let mut json = o.to_json();
    as_data(&mut json);
    json
}

/// The files of `env`'s placeholder Secrets: their kustomization (when `kustomize`)
/// and their rendered YAML; none when it has none.
fn secret_files(env: &Environment, secrets: &Bundle, kustomize: bool) -> Vec<BundleFile> {
    if secrets.objects.is_empty() {
        return Vec::new();
    }
    let mut files = Vec::new();
    if kustomize {
        let dir = format!("kustomize/secrets/{}", env.name);
        let mut resources = Vec::new();
        for o in &secrets.objects {
            let name = file_name(o);
            files.push(BundleFile {
                path: format!("{dir}/{name}"),
                contents: yaml::to_doc(&secret_apart(o)),
            });
            resources.push(name);
        }
        files.push(BundleFile {
            path: format!("{dir}/kustomization.yaml"),
            contents: yaml::to_doc(&Kustomization::new(resources, Vec::new())),
        });
    }
    let docs: Vec<serde_json::Value> = secrets.objects.iter().map(secret_apart).collect();
    files.push(BundleFile {
        path: format!("rendered/secrets/{}.yaml", env.name),
        contents: yaml::to_multi_doc(&docs),
    });
    files
}

/// The Kustomize base and overlays (when `kustomize`) and each environment rendered,
/// the placeholder Secrets apart ([`secrets_apart`]).
fn kustomize_and_rendered(design: &Design, kustomize: bool) -> Vec<BundleFile> {
    let mut files = Vec::new();
    if !kustomize {
        for env in &design.environments {
            let apart = secrets_apart(design, &env.name);
            files.push(BundleFile {
                path: format!("rendered/{}.yaml", env.name),
                contents: apart.applied.to_yaml(),
            });
            files.extend(secret_files(env, &apart.secrets, false));
        }
        return files;
    }
    let base_env = design
        .environments
        .iter()
        .find(|e| e.hosts_services)
        .or(design.environments.first());
    let base = base_env
        .map(|e| secrets_apart(design, &e.name).applied)
        .unwrap_or_default();
    let base_by_key: BTreeMap<_, _> = base.objects.iter().map(|o| (key(o), o)).to_map();

    let mut resources = Vec::new();
    for o in &base.objects {
        let name = file_name(o);
        files.push(BundleFile {
            path: format!("kustomize/base/{name}"),
            contents: yaml::to_doc(o),
        });
        resources.push(name);
    }
    files.push(BundleFile {
        path: "kustomize/base/kustomization.yaml".into(),
        contents: yaml::to_doc(&Kustomization::new(resources, Vec::new())),
    });

    for env in &design.environments {
        let dir = format!("kustomize/overlays/{}", env.name);
        let Apart {
            applied: rendered,
            secrets,
        } = secrets_apart(design, &env.name);
        let mut resources = vec!["../../base".to_string()];
        let mut patches = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for o in &rendered.objects {
            seen.insert(key(o));
            match base_by_key.get(&key(o)) {
                None => {
                    let name = file_name(o);
                    files.push(BundleFile {
                        path: format!("{dir}/{name}"),
                        contents: yaml::to_doc(o),
                    });
                    resources.push(name);
                }
                Some(b) => {
                    let ops = json_patch::diff(&b.to_json(), &o.to_json());
                    if !ops.0.is_empty() {
                        let name = format!("patch-{}", file_name(o));
                        files.push(BundleFile {
                            path: format!("{dir}/{name}"),
                            contents: yaml::to_doc(&ops),
                        });
                        patches.push(PatchRef {
                            path: name,
                            target: Some(PatchTarget {
                                kind: o.kind().into(),
                                name: b.name().into(),
                            }),
                        });
                    }
                }
            }
        }
        for b in &base.objects {
            if !seen.contains(&key(b)) {
                let name = format!("delete-{}", file_name(b));
                let api_version = b.api_version();
                let mut metadata = json!({"name": b.name()});
                if let Some(ns) = &b.metadata().namespace {
                    metadata["namespace"] = json!(ns);
                }
                let delete = json!({
                    "apiVersion": api_version,
                    "kind": b.kind(),
                    "metadata": metadata,
                    "$patch": "delete",
                });
                files.push(BundleFile {
                    path: format!("{dir}/{name}"),
                    contents: yaml::to_doc(&delete),
                });
                patches.push(PatchRef {
                    path: name,
                    target: None,
                });
            }
        }
        files.push(BundleFile {
            path: format!("{dir}/kustomization.yaml"),
            contents: yaml::to_doc(&Kustomization::new(resources, patches)),
        });
        files.push(BundleFile {
            path: format!("rendered/{}.yaml", env.name),
            contents: rendered.to_yaml(),
        });
        files.extend(secret_files(env, &secrets, true));
    }
    files
}

/// The namespace an environment's objects go to, as a command to make something there
/// names it: its own, or `<namespace>` where its objects name none (as imported).
fn applied_in(env: &Environment) -> String {
    match env.namespace_unwritten {
        true => "<namespace>".to_string(),
        false => env.namespace.clone(),
    }
}

/// The namespaces where something reads Secret `name`: each environment's that runs a
/// service reading it (as it runs there) or keeps an object reading it, `<namespace>`
/// for an environment whose objects name none. Every environment's when nothing reads
/// it, since a Secret made outside is made for someone.
fn namespaces_reading(design: &Design, name: &str) -> BTreeSet<String> {
    let reads = |env: &Environment| {
        let reads_it = |s: &crate::model::Service| {
            let s = crate::model::effective_ref(s, env);
            let reads = crate::render::references(&s, true).any(|n| n == name);
            reads
        };
        (design.services.iter()).any(|s| env.deploys(s.id) && reads_it(s))
            || design.kept_in(env).any(|o| o.reads(true, name))
    };
    let reading: BTreeSet<String> = (design.environments.iter())
        .filter(|env| reads(env))
        .map(applied_in)
        .collect();
    match reading.is_empty() {
        true => design.environments.iter().map(applied_in).collect(),
        false => reading,
    }
}

/// The PersistentVolumeClaims services mount by name (not a StatefulSet's own) that no
/// object of the environment makes: (claim, namespace, the services mounting it), by
/// claim and namespace.
fn claims_made_elsewhere(design: &Design) -> Vec<(String, String, Vec<String>)> {
    let mut found: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for env in &design.environments {
        let namespace = applied_in(env);
        let kept = |claim: &str| {
            (design.kept_in(env)).any(|o| o.kind() == "PersistentVolumeClaim" && o.name() == claim)
        };
        for s in design.services.iter().filter(|s| env.deploys(s.id)) {
            let s = crate::model::effective_ref(s, env);
            for v in &s.volumes {
                if let crate::model::VolumeSource::Claim { claim, .. } = &v.source {
                    if kept(claim) {
                        continue;
                    }
                    let by = found.entry((claim.clone(), namespace.clone())).or_default();
                    if !by.contains(&s.name) {
                        by.push(s.name.clone());
                    }
                }
            }
        }
    }
    (found.into_iter())
        .map(|((claim, namespace), by)| (claim, namespace, by))
        .collect()
}

/// `kubectl create secret …` for a Secret made outside Kubeprint, in `namespace`, with
/// a placeholder for each value: TLS with its certificate, key and any other key the
/// design reads (a CA); any other type as a generic Secret of that type with its keys.
fn create_secret(s: &crate::model::SecretDef, namespace: &str) -> String {
    let name = &s.name;
    match s.kind.as_str() {
        "kubernetes.io/tls" => {
            let extra: String = (s.keys.iter())
                .filter(|k| !matches!(k.as_str(), "tls.crt" | "tls.key"))
                .map(|k| format!(" --from-file={k}=…"))
                .collect();
            match extra.is_empty() {
                true => format!("tls {name} -n {namespace} --cert=… --key=…"),
                // `kubectl create secret tls` takes only the pair: a CA (or any other
                // key) needs the generic form, typed TLS.
                false => format!(
                    "generic {name} -n {namespace} --type=kubernetes.io/tls \
                     --from-file=tls.crt=… --from-file=tls.key=…{extra}"
                ),
            }
        }
        kind => {
            let typed = match kind {
                "" | "Opaque" => String::new(),
                other => format!(" --type={other}"),
            };
            let keys: String = (s.keys.iter())
                .map(|k| format!(" --from-literal={k}=…"))
                .collect();
            format!("generic {name} -n {namespace}{typed}{keys}")
        }
    }
}

/// The README: what is inside and how to apply each part.
fn readme(design: &Design, options: &Options) -> String {
    let mut out = format!(
        "# {} (exported by Kubeprint)\n\n\
         What is inside, and how to apply each part. `design.kubeprint.json` is the design:\n\
         open it in Kubeprint to change it, then export again.\n",
        design.name
    );
    // The Secrets made outside Kubeprint are not in the files: they must exist first.
    let external: Vec<&crate::model::SecretDef> =
        design.secrets.iter().filter(|s| s.external).collect();
    if !external.is_empty() {
        out.push_str(
            "\nThese Secrets are made outside Kubeprint and are not in these files: create them\n\
             in the namespaces whose services read them before applying (or let your secret\n\
             manager do it).\n\n",
        );
        for s in external {
            for namespace in namespaces_reading(design, &s.name) {
                let command = create_secret(s, &namespace);
                out.push_str(&format!("    kubectl create secret {command}\n"));
            }
        }
    }
    // The claims pods mount that nothing here makes (a volume services share).
    let claims = claims_made_elsewhere(design);
    if !claims.is_empty() {
        out.push_str(
            "\nThese PersistentVolumeClaims are mounted but not in these files: create them before\n\
             applying (ReadWriteMany where pods on several nodes share one), or the pods stay\n\
             Pending:\n\n",
        );
        for (claim, namespace, by) in claims {
            out.push_str(&format!(
                "- `{claim}` in namespace `{namespace}` (mounted by {})\n",
                by.join(", ")
            ));
        }
    }
    // What the findings call an error goes with the files, for whoever gets only them.
    if let Some(errors) = errors_shipped(design) {
        out.push_str(&format!("\n**{errors}** Open the design in Kubeprint, or run `kubeprint check design.kubeprint.json`, to see them.\n"));
    }
    let envs = &design.environments;
    // The namespace a `kubectl apply` puts the environment in: its own, or, when its
    // objects name none (as imported), the one the command names.
    let into = |env: &Environment| match env.namespace_unwritten {
        true => " -n <namespace>    # the objects name no namespace, as imported".to_string(),
        false => format!("    # namespace {}", env.namespace),
    };
    let with_secrets: Vec<&Environment> = (envs.iter())
        .filter(|env| !placeholder_secrets(design, &env.name).is_empty())
        .collect();
    if options.kustomize {
        out.push_str(
            "\n## Kustomize: `kustomize/`\n\n\
             - `kustomize/base/`: the manifests of the first environment.\n\
             - `kustomize/overlays/<env>/`: each environment as patches on the base.\n\n",
        );
        for env in envs {
            out.push_str(&format!(
                "    kubectl apply -k kustomize/overlays/{}{}\n",
                env.name,
                into(env)
            ));
        }
    }
    out.push_str(
        "\n## Rendered YAML: `rendered/`\n\n\
         Each environment fully rendered (what the overlay builds), for review or to apply\n\
         without kustomize:\n\n",
    );
    for env in envs {
        out.push_str(&format!(
            "    kubectl apply -f rendered/{}.yaml{}\n",
            env.name,
            into(env)
        ));
    }
    if !with_secrets.is_empty() {
        out.push_str(
            "\n## Secrets: apart, and created once\n\n\
             The overlays and rendered files above hold none of the Secrets Kubeprint makes:\n\
             those hold the placeholder `CHANGE_ME`, and each apply would set a value set in the\n\
             cluster back to it. After an environment's first apply (pods that read a missing\n\
             Secret wait for it), create its Secrets once, then set their real values in the\n\
             cluster (`kubectl edit secret`, a secret manager; never in these files, which may\n\
             be committed) and restart what read the placeholders (`kubectl rollout restart`):\n\n",
        );
        for env in &with_secrets {
            let files = match options.kustomize {
                true => format!("-k kustomize/secrets/{}", env.name),
                false => format!("-f rendered/secrets/{}.yaml", env.name),
            };
            out.push_str(&format!("    kubectl create {files}{}\n", into(env)));
        }
        if options.kustomize {
            out.push_str(
                "\nWithout Kustomize: `kubectl create -f rendered/secrets/<env>.yaml`. Apply the\n\
                 rendered files one by one: `kubectl apply -R -f rendered/` would take\n\
                 `rendered/secrets/` too.\n",
            );
        }
        out.push_str(
            "\n`kubectl create` never overwrites a Secret that exists: it says AlreadyExists for\n\
             it (and exits 1), and creates only those missing. A key the design adds later is\n\
             not in a Secret that exists: add it (`kubectl patch secret NAME -n NS --type merge\n\
             -p '{\"stringData\":{\"KEY\":\"…\"}}'`).",
        );
        if options.helm || options.argocd.is_some() {
            out.push_str(
                "\nThe Helm chart and Argo CD make their own (see there): for them, create none.",
            );
        }
        out.push('\n');
    }
    if options.helm {
        let chart = helm::chart_name(design);
        out.push_str(&format!(
            "\n## Helm chart: `helm/{chart}/`\n\n\
             `values.yaml` holds the first environment's values, `values-<env>.yaml` each\n\
             environment's differences. The release's namespace is the environment's:\n\n"
        ));
        for env in envs {
            out.push_str(&format!(
                "    helm upgrade --install {chart} helm/{chart} --namespace {} --create-namespace -f helm/{chart}/values-{}.yaml\n",
                env.namespace, env.name
            ));
        }
        if !with_secrets.is_empty() {
            out.push_str(
                "\nThe chart makes its Secrets with `CHANGE_ME` and keeps the values of one the\n\
                 release made: it reads them with `lookup`. `helm template` and a client-side\n\
                 `--dry-run` cannot read the cluster and show `CHANGE_ME`; `helm rollback` to a\n\
                 revision from before the values were set puts `CHANGE_ME` back; a key the design\n\
                 adds later gets `CHANGE_ME`. The release's history holds what it applied, values\n\
                 included.\n",
            );
        }
    }
    if let Some(argo) = &options.argocd {
        let what = match argo.source {
            ArgoSource::Kustomize => "its environment's Kustomize overlay",
            ArgoSource::Helm => "the Helm chart with its environment's values file",
        };
        let at = if argo.path.trim_matches('/').is_empty() {
            "at the repository's root".to_string()
        } else {
            format!("in its folder `{}`", argo.path.trim_matches('/'))
        };
        out.push_str(&format!(
            "\n## Argo CD: `argocd/`\n\n\
             An AppProject `{project}` (this repository, these namespaces, the kinds the design\n\
             renders) and an Application per environment, each deploying {what}.\n\
             First commit this bundle's files to {repo} {at} (revision {rev}):\n\
             Argo CD reads them from there. (A zip of the bundle holds them in a folder\n\
             `{root}/`: commit what is in it, not the folder.) Then, where Argo CD runs:\n\n\
             \x20   kubectl apply -k argocd\n\n",
            project = argo::project_name(design),
            root = zip_root(design),
            repo = argo.repo_url,
            rev = if argo.revision.is_empty() {
                "HEAD"
            } else {
                &argo.revision
            },
        ));
        for env in envs {
            let name = argo::application_name(design, env);
            let sync = if argo::automated(env) {
                "syncs by itself (automated, prune, self-heal)".to_string()
            } else {
                format!("manual: `argocd app sync {}/{name}`", argo.namespace)
            };
            out.push_str(&format!(
                "- `{name}` -> namespace `{}`: {sync}\n",
                env.namespace
            ));
        }
        if !with_secrets.is_empty() {
            if argo.source == ArgoSource::Kustomize {
                out.push_str(
                    "\nAn environment with Secrets syncs `kustomize/argocd/<env>/`: its overlay and\n\
                     its Secrets.",
                );
            }
            out.push_str(
                "\nArgo CD creates the Secrets with `CHANGE_ME`, then leaves their data to the\n\
                 cluster (`ignoreDifferences` by name, `RespectIgnoreDifferences=true`): set the\n\
                 real values there. A key the design adds later is not added to a Secret that\n\
                 exists: patch it in (see Secrets above).\n",
            );
        }
    }
    if let Some(env) = &options.compose {
        out.push_str(&format!(
            "\n## Docker Compose: `compose/` (environment {env})\n\n\
             The services of {env} for one machine, configured by `compose/.env`\n\
             and the files of `compose/secrets/` where it mounts secrets (placeholders: fill\n\
             them in first):\n\n\
             \x20   docker compose -f compose/compose.yaml up    # reads compose/.env beside it\n"
        ));
    }
    out
}

/// The folder every file of the zip sits in: the design's name.
pub fn zip_root(design: &Design) -> &str {
    if design.name.is_empty() {
        "kubeprint"
    } else {
        &design.name
    }
}

/// Today's bundle as a zip archive (deflate), every file under [`zip_root`].
pub fn zip(design: &Design) -> Vec<u8> {
    zip_files(design, &bundle(design))
}

/// The bundle `options` choose as a zip archive; nothing when it cannot be made.
pub fn zip_with(design: &Design, options: &Options) -> Result<Vec<u8>, OptionsError> {
    Ok(zip_files(design, &bundle_with(design, options)?))
}

pub(crate) fn zip_files(design: &Design, files: &[BundleFile]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut archive = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let root = zip_root(design);
    for f in files {
        archive
            .start_file(format!("{root}/{}", f.path), options)
            .expect("writing to memory cannot fail");
        archive
            .write_all(f.contents.as_bytes())
            .expect("writing to memory cannot fail");
    }
    archive.finish().expect("writing to memory cannot fail");
    out.into_inner()
}

/// A folder of the bundle, as a file tree shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Folder {
    /// The folder's own name (the zip's root folder for the top).
    pub name: String,
    /// Its path in the zip, `/`-separated, without a trailing `/`.
    pub path: String,
    /// Its folders, by name.
    pub folders: Vec<Folder>,
    /// Its files' paths in the zip, by name.
    pub files: Vec<String>,
}

impl Folder {
    /// How many files it holds, in its folders too.
    pub fn count(&self) -> usize {
        self.files.len() + self.folders.iter().map(Folder::count).sum::<usize>()
    }

    /// Every file's path in the zip, in the order the tree shows them.
    pub fn paths(&self) -> Vec<String> {
        let mut out = Vec::new();
        for f in &self.folders {
            out.extend(f.paths());
        }
        out.extend(self.files.iter().cloned());
        out
    }
}

/// The files as the zip holds them (under [`zip_root`]), as a tree: folders first,
/// then files, each by name.
pub fn tree(design: &Design, files: &[BundleFile]) -> Folder {
    let root = zip_root(design);
    let mut top = Folder {
        name: root.to_string(),
        path: root.to_string(),
        ..Folder::default()
    };
    for f in files {
        let mut here = &mut top;
        let mut parts: Vec<&str> = f.path.split('/').collect();
        parts.pop();
        for part in parts {
            let path = format!("{}/{part}", here.path);
            let i = match here.folders.iter().position(|d| d.name == part) {
                Some(i) => i,
                None => {
                    here.folders.push(Folder {
                        name: part.to_string(),
                        path,
                        ..Folder::default()
                    });
                    here.folders.len() - 1
                }
            };
            here = &mut here.folders[i];
        }
        here.files.push(format!("{root}/{}", f.path));
    }
    sort(&mut top);
    top
}

fn sort(folder: &mut Folder) {
    crate::order::sort_by(&mut folder.folders, |a, b| a.name.cmp(&b.name));
    crate::order::sort(&mut folder.files);
    folder.folders.iter_mut().for_each(sort);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// One YAML document of the bundle, read back as `T`.
    fn read<T: serde::de::DeserializeOwned>(text: &str) -> T {
        let doc = yaml::parse_documents(text).unwrap().remove(0);
        yaml::from_value(doc).unwrap()
    }

    /// A Secret made outside Kubeprint is made where something reads it: one command per
    /// namespace of an environment running a reader, a TLS Secret with a CA in the
    /// generic form (`kubectl create secret tls` takes only the pair).
    #[test]
    fn the_readme_makes_a_secret_made_outside_in_each_namespace_that_reads_it() {
        let readme = |d: &Design| {
            let files = bundle(d);
            files.into_iter().last().unwrap().contents
        };
        let commands = |d: &Design| -> Vec<String> {
            (readme(d).lines())
                .filter_map(|l| l.trim().strip_prefix("kubectl create secret "))
                .map(str::to_string)
                .collect()
        };
        let mut d = crate::templates::connectum();
        assert_eq!(commands(&d), Vec::<String>::new());
        d.secrets[0].external = true;
        // Read by nothing yet: made everywhere.
        let everywhere = [
            "connectum",
            "connectum-dev",
            "connectum-staging",
            "observability",
        ];
        let tls = |ns: &str| format!("tls order-service-tls -n {ns} --cert=… --key=…");
        assert_eq!(commands(&d), everywhere.map(tls));
        // Read by the order service, which observability does not run.
        d.services[0].volumes.push(crate::model::Volume {
            name: "tls".into(),
            source: crate::model::VolumeSource::Secret {
                name: "order-service-tls".into(),
            },
        });
        assert_eq!(
            commands(&d),
            everywhere[..3].iter().map(|ns| tls(ns)).collect::<Vec<_>>()
        );
        let order = d.services[0].id;
        let dev = (d.environments.iter_mut())
            .find(|e| e.name == "dev")
            .unwrap();
        dev.overrides.entry(order).or_default().enabled = Some(false);
        d.secrets[0].keys.push("ca.crt".into());
        assert_eq!(
            commands(&d),
            [
                "generic order-service-tls -n connectum --type=kubernetes.io/tls \
                 --from-file=tls.crt=… --from-file=tls.key=… --from-file=ca.crt=…",
                "generic order-service-tls -n connectum-staging --type=kubernetes.io/tls \
                 --from-file=tls.crt=… --from-file=tls.key=… --from-file=ca.crt=…",
            ]
        );
    }

    /// Placeholder Secrets are apart from what is applied again and again (the base, the
    /// overlays, `rendered/ENV.yaml`): in files of their own per environment, which the
    /// README creates once. A Secret made outside is in neither; with none left, no
    /// Secrets' files and no such section.
    #[test]
    fn placeholder_secrets_are_created_once_apart_from_what_is_applied() {
        let paths = |d: &Design, options: &Options| -> BTreeMap<String, String> {
            (bundle_with(d, options).unwrap().into_iter())
                .map(|f| (f.path, f.contents))
                .collect()
        };
        let creates = |files: &BTreeMap<String, String>| -> Vec<String> {
            (files["README.md"].lines())
                .filter_map(|l| l.trim().strip_prefix("kubectl create -"))
                .map(|l| l.split("    #").next().unwrap().to_string())
                .collect()
        };
        let placeholder = |text: &str| text.contains(crate::render::PLACEHOLDERS_ANNOTATION);
        let mut d = crate::templates::miniredis();
        let files = paths(&d, &Options::default());
        let with_secrets: Vec<&str> = (d.environments.iter())
            .filter(|e| render(&d, &e.name).objects.iter().any(placeholder_secret))
            .map(|e| e.name.as_str())
            .collect();
        assert!(!with_secrets.is_empty());
        assert_eq!(
            creates(&files),
            with_secrets
                .iter()
                .map(|e| format!("k kustomize/secrets/{e}"))
                .collect::<Vec<_>>()
        );
        for (path, text) in &files {
            let applied = path.starts_with("kustomize/base/")
                || path.starts_with("kustomize/overlays/")
                || (path.starts_with("rendered/") && !path.starts_with("rendered/secrets/"));
            assert!(
                !(applied && placeholder(text)),
                "{path} holds a placeholder Secret"
            );
        }
        for env in &with_secrets {
            let secrets = secrets_apart(&d, env).secrets;
            let docs: Vec<Value> = secrets.objects.iter().map(secret_apart).collect();
            assert_eq!(
                files[&format!("rendered/secrets/{env}.yaml")],
                yaml::to_multi_doc(&docs)
            );
            for doc in &docs {
                assert!(
                    doc.get("stringData").is_none() && doc["data"].is_object(),
                    "{doc}"
                );
            }
            let kustomization: Value =
                read(&files[&format!("kustomize/secrets/{env}/kustomization.yaml")]);
            let listed: Vec<&str> = (kustomization["resources"].as_array().unwrap().iter())
                .map(|r| r.as_str().unwrap())
                .collect();
            assert_eq!(
                listed,
                secrets.objects.iter().map(file_name).collect::<Vec<_>>()
            );
            for o in &secrets.objects {
                let file = &files[&format!("kustomize/secrets/{env}/{}", file_name(o))];
                assert_eq!(*file, yaml::to_doc(&secret_apart(o)));
            }
        }
        // (Helm makes its own: its readers create none.)
        assert!(!files["README.md"].contains("for them, create none"));
        let helm = Options {
            helm: true,
            ..Options::default()
        };
        assert!(paths(&d, &helm)["README.md"].contains("for them, create none"));
        // Objects that name no namespace (as imported): the command names it.
        let mut unwritten = d.clone();
        unwritten.environments[0].namespace_unwritten = true;
        let env = unwritten.environments[0].name.clone();
        let files = paths(&unwritten, &Options::default());
        assert!(files["README.md"].contains(&format!(
            "    kubectl create -k kustomize/secrets/{env} -n <namespace>    #"
        )));
        // Without Kustomize: the rendered file.
        let plain = Options {
            kustomize: false,
            ..Options::default()
        };
        assert_eq!(
            creates(&paths(&d, &plain)),
            with_secrets
                .iter()
                .map(|e| format!("f rendered/secrets/{e}.yaml"))
                .collect::<Vec<_>>()
        );
        // A Secret made outside is in no file.
        let outside = d.secrets[0].name.clone();
        d.secrets[0].external = true;
        let files = paths(&d, &Options::default());
        assert!(!files
            .keys()
            .any(|p| p.contains(&format!("secret-{outside}.yaml"))));
        assert!(!files
            .values()
            .any(|t| t.contains(&format!("  name: {outside}\n")) && t.contains("kind: Secret")));
        for s in &mut d.secrets {
            s.external = true;
        }
        let files = paths(&d, &Options::default());
        assert!(
            !files.keys().any(|p| p.contains("secrets/")),
            "{:?}",
            files.keys()
        );
        assert!(!files["README.md"].contains("## Secrets"));
    }

    /// A claim services mount by name that no object here makes is listed, per namespace
    /// of an environment that runs one of them, with who mounts it.
    #[test]
    fn the_readme_lists_the_claims_the_bundle_mounts_but_does_not_make() {
        let readme = |d: &Design| bundle(d).into_iter().last().unwrap().contents;
        let mut d = crate::templates::connectum();
        assert!(!readme(&d).contains("PersistentVolumeClaims are mounted"));
        d.services[0].volumes.push(crate::model::Volume {
            name: "uploads".into(),
            source: crate::model::VolumeSource::Claim {
                claim: "shop-uploads".into(),
                read_only: false,
            },
        });
        let text = readme(&d);
        let listed: Vec<&str> = (text.lines())
            .filter(|l| l.starts_with("- `shop-uploads`"))
            .collect();
        assert_eq!(
            listed,
            [
                "- `shop-uploads` in namespace `connectum` (mounted by order-service)",
                "- `shop-uploads` in namespace `connectum-dev` (mounted by order-service)",
                "- `shop-uploads` in namespace `connectum-staging` (mounted by order-service)",
            ],
            "{text}"
        );
    }

    /// The README says what the findings call an error, as the page's dialog does, for
    /// whoever gets only the files; a design without errors says nothing of them.
    #[test]
    fn the_readme_names_the_errors_the_bundle_ships_with() {
        let readme = |d: &Design| {
            let files = bundle(d);
            let file = files
                .into_iter()
                .find(|f| f.path.ends_with("README.md"))
                .unwrap();
            file.contents
        };
        let mut d = crate::templates::connectum();
        assert!(!readme(&d).contains("ships with"));
        d.services[0].name = "Order_Service".into();
        let text = readme(&d);
        assert!(
            text.contains("**The bundle ships with 1 error in dev (KP401), "),
            "{text}"
        );
        assert!(
            text.contains("`kubeprint check design.kubeprint.json`"),
            "{text}"
        );
    }

    #[test]
    fn every_overlay_patch_file_turns_its_base_object_into_the_rendered_one() {
        let mut patched = 0;
        for t in crate::templates::ALL {
            let d = crate::templates::by_name(t.name).unwrap();
            let files: BTreeMap<String, String> = bundle(&d)
                .into_iter()
                .map(|f| (f.path, f.contents))
                .collect();
            for env in &d.environments {
                let prefix = format!("kustomize/overlays/{}/patch-", env.name);
                for o in &render(&d, &env.name).objects {
                    let name = file_name(o);
                    let Some(ops) = files.get(&format!("{prefix}{name}")) else {
                        continue;
                    };
                    let mut doc: Value = read(&files[&format!("kustomize/base/{name}")]);
                    let ops: json_patch::Patch = read(ops);
                    json_patch::patch(&mut doc, &ops).unwrap();
                    assert_eq!(doc, o.to_json(), "{} {}: {name}", t.name, env.name);
                    patched += 1;
                }
            }
        }
        assert!(patched > 10, "only {patched} patch files were checked");
    }

    #[test]
    fn an_overlay_patch_escapes_slashes_in_label_keys() {
        let a = json!({"metadata": {"labels": {"app.kubernetes.io/version": "1"}}});
        let b = json!({"metadata": {"labels": {"app.kubernetes.io/version": "2"}}});
        let text = yaml::to_doc(&json_patch::diff(&a, &b));
        assert_eq!(
            text,
            "- op: replace\n  path: /metadata/labels/app.kubernetes.io~1version\n  value: '2'\n"
        );
    }

    /// The sentence names each environment with errors, how many and which rules; a
    /// design without errors has none.
    #[test]
    fn errors_shipped_are_counted_per_environment() {
        let mut d = crate::templates::connectum();
        assert_eq!(errors_shipped(&d), None);
        let id = d.service_named("order-service").unwrap().id;
        d.service_mut(id).unwrap().name = "Order_Service".into();
        let said = errors_shipped(&d).expect("an invalid name is an error everywhere");
        assert!(
            said.starts_with("The bundle ships with 1 error in dev (KP401), "),
            "{said}"
        );
        assert!(said.contains(", 1 error in prod (KP401)"), "{said}");
        assert!(said.ends_with("the findings say what to fix."), "{said}");
    }

    #[test]
    fn the_bundle_has_every_part() {
        let d = crate::templates::connectum();
        let paths: Vec<String> = bundle(&d).into_iter().map(|f| f.path).collect();
        for want in [
            "kustomize/base/kustomization.yaml",
            "kustomize/base/deployment-order-service.yaml",
            "kustomize/overlays/prod/kustomization.yaml",
            "kustomize/overlays/observability/kustomization.yaml",
            "rendered/dev.yaml",
            "rendered/observability.yaml",
            "design.kubeprint.json",
            "README.md",
        ] {
            assert!(
                paths.iter().any(|p| p == want),
                "{want} missing from {paths:#?}"
            );
        }
    }

    fn argo() -> ArgoOptions {
        ArgoOptions {
            repo_url: "https://git.example.com/acme/shop.git".into(),
            revision: "main".into(),
            path: "deploy".into(),
            namespace: "argocd".into(),
            source: ArgoSource::Kustomize,
        }
    }

    #[test]
    fn the_default_options_are_todays_bundle() {
        let d = crate::templates::miniredis();
        assert_eq!(Options::default().formats(), vec![Format::Kustomize]);
        let files = bundle_with(&d, &Options::default()).unwrap();
        assert_eq!(files, bundle(&d));
        assert!(files.iter().all(|f| !f.path.starts_with("argocd/")));
    }

    #[test]
    fn argo_cd_adds_its_folder_and_the_readme_says_how_to_apply_it() {
        let d = crate::templates::connectum();
        let options = Options {
            argocd: Some(argo()),
            ..Options::default()
        };
        let files = bundle_with(&d, &options).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        for want in [
            "argocd/appproject-connectum.yaml",
            "argocd/application-connectum-dev.yaml",
            "argocd/application-connectum-prod.yaml",
            "argocd/kustomization.yaml",
            "kustomize/overlays/dev/kustomization.yaml",
            "rendered/prod.yaml",
        ] {
            assert!(paths.contains(&want), "{want} missing from {paths:#?}");
        }
        let readme = &files.last().unwrap().contents;
        assert!(readme.contains("kubectl apply -k argocd"), "{readme}");
        assert!(
            readme.contains(
                "https://git.example.com/acme/shop.git in its folder `deploy` (revision main)"
            ),
            "{readme}"
        );
        // Where the zip's root folder goes.
        assert!(
            readme.contains("A zip of the bundle holds them in a folder\n`connectum/`: commit what is in it, not the folder."),
            "{readme}"
        );
        assert!(readme.contains("`connectum-prod` -> namespace `connectum`: manual: `argocd app sync argocd/connectum-prod`"), "{readme}");
        assert!(
            readme.contains("`connectum-dev` -> namespace `connectum-dev`: syncs by itself"),
            "{readme}"
        );
        // The kustomization lists every Argo CD file of the folder.
        let k = &files
            .iter()
            .find(|f| f.path == "argocd/kustomization.yaml")
            .unwrap()
            .contents;
        for f in files
            .iter()
            .filter(|f| f.path.starts_with("argocd/") && !f.path.ends_with("kustomization.yaml"))
        {
            assert!(
                k.contains(f.path.trim_start_matches("argocd/")),
                "{} not in {k}",
                f.path
            );
        }
    }

    #[test]
    fn bad_choices_make_nothing_and_say_what_to_do() {
        let d = crate::templates::connectum();
        let mut options = Options {
            argocd: Some(ArgoOptions {
                repo_url: String::new(),
                ..argo()
            }),
            ..Options::default()
        };
        let e = bundle_with(&d, &options).unwrap_err();
        assert_eq!(e, OptionsError::Argo(ArgoError::NoRepoUrl));
        assert!(e.to_string().contains("URL of the Git repository"), "{e}");
        options.argocd = Some(argo());
        options.kustomize = false;
        let e = zip_with(&d, &options).unwrap_err().to_string();
        assert!(e.contains("include Kustomize too"), "{e}");
        options.kustomize = true;
        options.compose = Some("qa".into());
        let e = bundle_with(&d, &options).unwrap_err().to_string();
        assert!(
            e.contains("no environment `qa`") && e.contains("dev, "),
            "{e}"
        );
        assert!(Format::parse_list("kustomize,heml")
            .unwrap_err()
            .to_string()
            .contains("`heml`"));
    }

    #[test]
    fn formats_read_and_write_as_a_list() {
        let formats = Format::parse_list(" kustomize, ArgoCD,,compose,kustomize").unwrap();
        assert_eq!(
            formats,
            vec![Format::Kustomize, Format::ArgoCd, Format::Compose]
        );
        assert_eq!(Format::list(&formats), "kustomize,argocd,compose");
        let d = crate::templates::miniredis();
        let o = Options::for_formats(&d, &formats, None);
        assert_eq!(o.formats(), formats);
        assert_eq!(o.compose, default_compose_env(&d));
        assert_eq!(o.argocd, Some(ArgoOptions::of(&d)));
        let o = Options::for_formats(&d, &[Format::Compose], Some("prod"));
        assert_eq!(o.compose.as_deref(), Some("prod"));
    }

    #[test]
    fn compose_defaults_to_dev_else_a_dev_tier_else_the_first_environment() {
        let mut d = crate::templates::connectum();
        assert_eq!(default_compose_env(&d).as_deref(), Some("dev"));
        d.environments.retain(|e| e.name != "dev");
        d.environments.push(crate::model::Environment::new(
            "local",
            crate::model::Tier::Dev,
            "x",
        ));
        assert_eq!(default_compose_env(&d).as_deref(), Some("local"));
        d.environments.retain(|e| e.name != "local");
        assert_eq!(
            default_compose_env(&d),
            d.environments.first().map(|e| e.name.clone())
        );
        d.environments.clear();
        assert_eq!(default_compose_env(&d), None);
    }

    #[test]
    fn the_tree_holds_exactly_the_zips_paths_grouped_by_folder() {
        let d = crate::templates::connectum();
        let files = bundle_with(
            &d,
            &Options {
                argocd: Some(argo()),
                ..Options::default()
            },
        )
        .unwrap();
        let t = tree(&d, &files);
        assert_eq!(t.name, "connectum");
        assert_eq!(t.count(), files.len());
        let mut from_tree = t.paths();
        let mut from_files: Vec<String> = files
            .iter()
            .map(|f| format!("connectum/{}", f.path))
            .collect();
        from_tree.sort();
        from_files.sort();
        assert_eq!(from_tree, from_files);
        let names: Vec<&str> = t.folders.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["argocd", "kustomize", "rendered"]);
        let kustomize = &t.folders[1];
        assert_eq!(kustomize.path, "connectum/kustomize");
        let names: Vec<&str> = kustomize.folders.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["argocd", "base", "overlays", "secrets"]);
        assert!(kustomize.files.is_empty());
        assert_eq!(
            t.files,
            ["connectum/README.md", "connectum/design.kubeprint.json"]
        );
    }
}
