//! The work the page hands to its worker: importing manifests or a compose file, and
//! the bundle (its file tree and its zip). The worker is a second wasm module that the
//! page starts on first use; only it calls [`run`], so the page's own module links none
//! of the importers, the exporters and the k8s-openapi deserializers they need, and
//! loads that much less at start.
//!
//! A [`Task`] travels as JSON text, and so does its reply: a `Result` whose error says
//! what went wrong. A zip comes back as bytes. Page and worker are built together; a
//! page that outlived a deploy can meet a newer worker, and then the task does not
//! parse and the reply says to reload.

use crate::export::{self, Folder, Options};
use crate::import::{self, compose, EnvironmentsImport, Import};
use crate::model::Design;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One piece of work for the worker. (Externally tagged: an internally tagged enum
/// buffers its content, and a design's maps with number keys do not read back from
/// that buffer.)
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// Import a compose file or Kubernetes manifests (whichever the text is). `file`
    /// names the file the text came from, for the report's lines; empty when pasted.
    Import {
        /// The file's name, or empty.
        file: String,
        /// Its text.
        text: String,
        /// For a compose file, the files of variables chosen with it, by file name
        /// ([`compose::chosen_together`], read as [`compose::import_chosen`] does).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        besides: BTreeMap<String, String>,
    },
    /// Import one system's manifests, one input per environment, as one design with
    /// those environments ([`import::environments_of`]), answered with
    /// [`ImportedEnvironments`].
    Environments {
        /// One input per environment, the first becoming the design.
        inputs: Vec<import::Input>,
    },
    /// Import several files of one system (parts of one environment, not one each) as
    /// one design ([`import::kubernetes_files`]), answered as [`Task::Import`] is.
    Files {
        /// The files, by name.
        inputs: Vec<import::Input>,
    },
    /// The files the bundle would hold, as a tree, or why it cannot be made; with the
    /// text of the one the page shows, if any.
    Tree {
        /// The design to bundle.
        design: Design,
        /// What goes into the bundle.
        options: Options,
        /// The path in the zip ([`Folder::files`]) of the file the page shows.
        #[serde(default)]
        shown: Option<String>,
    },
    /// The bundle's zip, or why it cannot be made.
    Zip {
        /// The design to bundle.
        design: Design,
        /// What goes into the bundle.
        options: Options,
    },
    /// Import a built-in design's manifests and its compose file, answered as a user's
    /// import is, and answer [`Warmed`]. The page asks for it as the import dialog
    /// opens: the browser compiles a wasm function the first time it runs, so a worker
    /// that has done this answers the user's first import about as fast as the next.
    Warm,
    /// Read one object's YAML ([`import::one_object`]), answered with its JSON.
    ParseObject {
        /// The YAML.
        text: String,
    },
}

/// What a [`Task::Warm`] did: each import ran (tested, so the warm-up cannot go empty).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warmed {
    /// Services imported from the built-in design's manifests.
    pub manifests: usize,
    /// Services imported from its Docker Compose file.
    pub compose: usize,
}

/// An import's answer: the import, and its summary for people ([`Import::summary`]),
/// which checks the design and so is made in the worker too.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Imported {
    /// The import.
    pub import: Import,
    /// Its one-line summary.
    pub summary: String,
}

/// An environments import's answer: the import, and its summary for people
/// ([`EnvironmentsImport::summary`]).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ImportedEnvironments {
    /// The import.
    pub import: EnvironmentsImport,
    /// Its one-line summary.
    pub summary: String,
}

/// A tree's answer: the files the bundle would hold, and the errors it ships with
/// ([`export::errors_shipped`]). Those are found here, where the worker reads objects
/// kept whole as their types (KP723), which the page's own rules cannot.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Listing {
    /// The bundle's files.
    pub tree: Folder,
    /// What the bundle ships with that the findings call an error, if anything.
    pub errors: Option<String>,
    /// The file the page shows: its path, and its text or why the bundle no longer
    /// has it.
    pub shown: Option<(String, Result<String, String>)>,
}

/// What the worker sends back.
#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    /// A `Result<T, String>` as JSON, `T` being the task's answer ([`Imported`] for an
    /// import, [`Folder`] for a tree); a zip's error too.
    Json(String),
    /// A zip's bytes.
    Zip(Vec<u8>),
}

impl Task {
    /// The task as the worker reads it.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("tasks always serialize")
    }
}

/// Do a task given as JSON text. Never fails: what goes wrong is in the reply.
pub fn run(task: &str) -> Reply {
    let task: Task = match serde_json::from_str(task) {
        Ok(task) => task,
        Err(e) => {
            return json(&Err::<(), _>(format!(
                "this page and its import and export part are from different versions of \
                 Kubeprint ({e}); reload the page (your design is saved)"
            )))
        }
    };
    match task {
        Task::Import {
            file,
            text,
            besides,
        } => {
            let import = import_with(&file, &text, &besides);
            let summary = import.summary();
            json(&Ok::<_, String>(Imported { import, summary }))
        }
        Task::Environments { inputs } => json(&import::environments_of(&inputs).map(|import| {
            let summary = import.summary();
            ImportedEnvironments { import, summary }
        })),
        Task::Files { inputs } => {
            let files = inputs.into_iter().map(|i| (i.file, i.text)).collect();
            let import = import::kubernetes_files(files);
            let summary = import.summary();
            json(&Ok::<_, String>(Imported { import, summary }))
        }
        Task::Tree {
            design,
            options,
            shown,
        } => json(
            &export::bundle_with(&design, &options)
                .map(|files| Listing {
                    tree: export::tree(&design, &files),
                    errors: export::errors_shipped(&design),
                    shown: shown.map(|path| {
                        let text = file_text(&design, &files, &path);
                        (path, text)
                    }),
                })
                .map_err(|e| e.to_string()),
        ),
        Task::Zip { design, options } => match export::zip_with(&design, &options) {
            Ok(bytes) => Reply::Zip(bytes),
            Err(e) => json(&Err::<(), _>(e.to_string())),
        },
        Task::Warm => json(&warm()),
        Task::ParseObject { text } => json(&import::one_object(&text)),
    }
}

/// The text of the bundle's file at `path` (in the zip, under its root folder).
fn file_text(design: &Design, files: &[export::BundleFile], path: &str) -> Result<String, String> {
    let inside = path
        .strip_prefix(export::zip_root(design))
        .and_then(|p| p.strip_prefix('/'));
    (files.iter())
        .find(|f| Some(f.path.as_str()) == inside)
        .map(|f| f.contents.clone())
        .ok_or_else(|| {
            format!("the bundle no longer has {path}: the design or the formats changed; choose a file again")
        })
}

/// [`Task::Warm`]: the import of two files of a built-in design's bundle, its rendered
/// manifests and its compose file.
fn warm() -> Result<Warmed, String> {
    let design = crate::templates::connectum();
    let options = Options {
        kustomize: false,
        compose: crate::export::default_compose_env(&design),
        ..Options::default()
    };
    let files = export::bundle_with(&design, &options).map_err(|e| e.to_string())?;
    let imported = |path: &str| -> Result<usize, String> {
        let file = files
            .iter()
            .find(|f| f.path == path || f.path.ends_with(&format!("/{path}")))
            .ok_or_else(|| format!("the bundle has no {path}"))?;
        let import = import_text(&file.path, &file.contents);
        let services = import.design.services.len();
        let summary = import.summary();
        // Written as its reply is (the page reads replies; the worker only writes them).
        std::hint::black_box(json(&Ok::<_, String>(Imported { import, summary })));
        Ok(services)
    };
    Ok(Warmed {
        manifests: imported("rendered/prod.yaml")?,
        compose: imported("compose/compose.yaml")?,
    })
}

/// Import what the text holds: a compose file or Kubernetes manifests.
pub fn import_text(file: &str, text: &str) -> Import {
    import_with(file, text, &BTreeMap::new())
}

/// [`import_text`], a compose file with the files of variables chosen with it, by file
/// name (`besides`).
pub fn import_with(file: &str, text: &str, besides: &BTreeMap<String, String>) -> Import {
    match import::Format::detect(text) {
        import::Format::Compose => compose::import_chosen(text, besides),
        import::Format::Kubernetes => {
            import::kubernetes_files(vec![(file.to_string(), text.to_string())])
        }
    }
}

fn json<T: Serialize>(reply: &Result<T, String>) -> Reply {
    Reply::Json(serde_json::to_string(reply).expect("replies always serialize"))
}

/// Read a reply's JSON: the task's answer, or what went wrong.
pub fn answer<T: for<'de> Deserialize<'de>>(reply: &str) -> Result<T, String> {
    crate::file::parse::<Result<T, String>>(reply).map_err(|e| {
        format!(
            "the import and export part of the page answered something this page cannot \
             read ({e}); reload the page (your design is saved)"
        )
    })?
}

/// Read an import's reply. The design's next id follows its services, as when a
/// design file is opened.
pub fn import_answer(reply: &str) -> Result<Imported, String> {
    let mut imported: Imported = answer(reply)?;
    imported.import.design.settle_next_id();
    Ok(imported)
}

/// Read an environments import's reply. The design's next id follows its services.
pub fn environments_answer(reply: &str) -> Result<ImportedEnvironments, String> {
    let mut imported: ImportedEnvironments = answer(reply)?;
    imported.import.design.settle_next_id();
    Ok(imported)
}

/// Read a tree's reply.
pub fn tree_answer(reply: &str) -> Result<Listing, String> {
    answer(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::export::Format;
    use crate::templates;

    /// Several files of one system (not one environment each) are one design, each
    /// document reported with its file.
    #[test]
    fn files_of_one_system_import_as_one_design() {
        let api = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n        - name: api\n          image: ghcr.io/acme/api:1.0.0\n";
        let config =
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-config\ndata:\n  MODE: live\n";
        let input = |file: &str, text: &str| import::Input {
            name: String::new(),
            file: file.into(),
            text: text.into(),
        };
        let task = Task::Files {
            inputs: vec![input("stack.yaml", api), input("config.yaml", config)],
        }
        .to_json();
        let Reply::Json(reply) = run(&task) else {
            panic!("an import answers JSON")
        };
        let imported = import_answer(&reply).unwrap().import;
        assert_eq!(imported.design.environments.len(), 1);
        assert!(imported.design.service_named("api").is_some());
        assert!(imported.design.config_map("api-config").is_some());
        let files: Vec<&str> = imported.documents.iter().map(|d| d.file.as_str()).collect();
        assert_eq!(files, ["stack.yaml", "config.yaml"]);
    }

    fn design() -> Design {
        let t = templates::ALL.iter().find(|t| t.name == "miniredis");
        (t.expect("the miniredis template").build)()
    }

    #[test]
    fn a_task_reads_back_as_itself() {
        for t in templates::ALL {
            let design = (t.build)();
            let options = Options::for_formats(&design, &Format::ALL, None);
            let task = Task::Zip { design, options };
            let back: Task = serde_json::from_str(&task.to_json()).unwrap();
            assert_eq!(back, task, "{}", t.name);
        }
    }

    #[test]
    fn the_warm_up_imports_manifests_and_a_compose_file() {
        let Reply::Json(reply) = run(&Task::Warm.to_json()) else {
            panic!("the warm-up answers JSON")
        };
        let warmed: Warmed = answer(&reply).unwrap();
        let design = templates::connectum();
        let prod = crate::render::render(&design, "prod").to_yaml();
        assert_eq!(
            warmed.manifests,
            import_text("", &prod).design.services.len(),
            "{warmed:?}"
        );
        assert!(warmed.manifests >= 1 && warmed.compose >= 1, "{warmed:?}");
    }

    #[test]
    fn an_import_through_the_worker_is_the_import_made_here() {
        // The platform as deployed, and an object the model keeps whole.
        let mut text = crate::render::render(&design(), "prod").to_yaml();
        text.push_str(
            "---\napiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\n  \
             namespace: prod\nspec:\n  limits:\n  - type: Container\n    default:\n      \
             cpu: 500m\n",
        );
        let here = import_text("platform.yaml", &text);
        let task = Task::Import {
            file: "platform.yaml".into(),
            text,
            besides: BTreeMap::new(),
        }
        .to_json();
        let Reply::Json(reply) = run(&task) else {
            panic!("an import answers JSON")
        };
        let there = import_answer(&reply).unwrap();
        assert!(here.design.services.len() > 3);
        assert!(here
            .documents
            .iter()
            .any(|d| matches!(d.outcome, import::Outcome::Kept(_))));
        assert_eq!(there.import.design, here.design);
        assert_eq!(there.import.documents, here.documents);
        assert_eq!(there.summary, here.summary());
        assert!(there.summary.contains("imported"), "{}", there.summary);
    }

    /// A compose file chosen with its `.env` and an `env_file` it names imports what
    /// they hold, through the worker; a file of variables it does not read is reported
    /// as not read; a file that is no file of variables, or a second compose file, is
    /// refused with what to choose instead; manifests are not its.
    #[test]
    fn a_compose_file_chosen_with_the_files_it_reads_imports_them() {
        let compose_text = "services:\n  web:\n    image: ghcr.io/acme/web:1.2.0\n    \
                            env_file: ./config/web.env\n    environment:\n      \
                            LOG_LEVEL: ${LOG_LEVEL}\n";
        let file = |name: &str, text: &str| (name.to_string(), text.to_string());
        let chosen = [
            file(".env", "LOG_LEVEL=debug\n"),
            file("docker-compose.yml", compose_text),
            file("web.env", "FEATURE_FLAGS=search\n"),
            file("worker.env", "QUEUES=default\n"),
        ];
        let c = compose::chosen_together(&chosen).unwrap().unwrap();
        assert_eq!(c.file, "docker-compose.yml");
        assert_eq!(
            c.besides.keys().collect::<Vec<_>>(),
            [".env", "web.env", "worker.env"]
        );
        let task = Task::Import {
            file: c.file.clone(),
            text: c.text.clone(),
            besides: c.besides.clone(),
        };
        let Reply::Json(reply) = run(&task.to_json()) else {
            panic!("an import answers JSON")
        };
        let there = import_answer(&reply).unwrap();
        let data = &there.import.design.config_map("web-env").unwrap().data;
        assert_eq!(data["LOG_LEVEL"], "debug");
        assert_eq!(data["FEATURE_FLAGS"], "search");
        assert!(!data.contains_key("QUEUES"));
        assert!(!there.summary.contains("not set"), "{}", there.summary);
        assert!(
            there.summary.starts_with(
                "1 of 1 compose service imported as 1 service (the notes say how). 1 file chosen with it not read"
            ),
            "{}",
            there.summary
        );
        let unread = (there.import.documents.iter())
            .find(|d| d.name == "worker.env")
            .unwrap();
        assert_eq!(
            unread.outcome,
            import::Outcome::Skipped(
                "not read: the compose file reads `./config/web.env`, `.env` and no other file"
                    .into()
            )
        );
        // Without them, the variable is said to be unset.
        let alone = import_text("docker-compose.yml", compose_text);
        let said: Vec<String> = (alone.documents.iter())
            .filter_map(|d| d.note.clone())
            .collect();
        assert!(
            said.join(" ").contains("`LOG_LEVEL` is not set"),
            "{said:?}"
        );
        // Manifests, and two compose files, are refused; another file goes with it, to
        // be read if the compose file reads it.
        let mut with_other = chosen.to_vec();
        with_other.push(file("notes.txt", "A=1\n"));
        let c = compose::chosen_together(&with_other).unwrap().unwrap();
        assert!(c.besides.contains_key("notes.txt"));
        with_other.push(file("cm.yaml", "apiVersion: v1\nkind: ConfigMap\n"));
        let refused = compose::chosen_together(&with_other).unwrap().unwrap_err();
        assert!(
            refused.starts_with(
                "cm.yaml holds Kubernetes manifests, which docker-compose.yml does not read"
            ),
            "{refused}"
        );
        // Grafana's provisioning file has an `apiVersion` of its own: it goes with it.
        let grafana = "apiVersion: 1\ndatasources:\n  - name: Prometheus\n    type: prometheus\n";
        assert!(compose::goes_beside("datasources.yaml", grafana));
        let two = [file("a.yml", compose_text), file("b.yml", compose_text)];
        let refused = compose::chosen_together(&two).unwrap().unwrap_err();
        assert!(
            refused.contains("are both docker-compose files"),
            "{refused}"
        );
        let manifests = crate::render::render(&design(), "prod").to_yaml();
        assert_eq!(
            compose::chosen_together(&[
                file("prod.yaml", &manifests),
                file("dev.yaml", &manifests)
            ]),
            None
        );
    }

    #[test]
    fn environments_through_the_worker_are_the_import_made_here() {
        let design = design();
        let inputs: Vec<import::Input> = ["staging", "prod"]
            .map(|env| {
                let yaml = crate::render::render(&design, env).to_yaml();
                import::Input::named_after(&format!("{env}.yaml"), yaml)
            })
            .into();
        let here = import::environments_of(&inputs).unwrap();
        let task = Task::Environments { inputs }.to_json();
        let Reply::Json(reply) = run(&task) else {
            panic!("an import answers JSON")
        };
        let there = environments_answer(&reply).unwrap();
        assert_eq!(there.import.design, here.design);
        assert_eq!(there.import.environments, here.environments);
        assert_eq!(there.summary, here.summary());
        assert_eq!(there.import.design.environments.len(), 2);
        // What cannot be imported comes back as a message, not a design.
        let task = Task::Environments {
            inputs: vec![import::Input::named_after("Prod!.yaml", String::new()); 2],
        };
        let Reply::Json(reply) = run(&task.to_json()) else {
            panic!("an import answers JSON")
        };
        let err = environments_answer(&reply).unwrap_err();
        assert!(err.contains("two environments are named `prod`"), "{err}");
    }

    #[test]
    fn a_tree_and_a_zip_through_the_worker_are_the_bundle_made_here() {
        let design = design();
        let options = Options::for_formats(&design, &[Format::Kustomize, Format::Helm], None);
        let files = export::bundle_with(&design, &options).unwrap();
        let tree = |options: &Options, shown: Option<&str>| {
            let task = Task::Tree {
                design: design.clone(),
                options: options.clone(),
                shown: shown.map(str::to_string),
            };
            let Reply::Json(reply) = run(&task.to_json()) else {
                panic!("a tree answers JSON")
            };
            tree_answer(&reply).unwrap()
        };
        let listing = tree(&options, None);
        assert_eq!(listing.tree, export::tree(&design, &files));
        assert_eq!(listing.errors, None, "miniredis ships without errors");
        assert_eq!(listing.shown, None);
        let task = Task::Zip {
            design: design.clone(),
            options: options.clone(),
        };
        let Reply::Zip(bytes) = run(&task.to_json()) else {
            panic!("a zip answers bytes")
        };
        assert_eq!(bytes, export::zip_files(&design, &files));
        // Each file the tree lists, shown, is the one the zip holds; the tree is the
        // same with it.
        let paths = listing.tree.paths();
        assert_eq!(paths.len(), files.len());
        let root = export::zip_root(&design);
        for path in &paths {
            let with = tree(&options, Some(path));
            let file = files.iter().find(|f| *path == format!("{root}/{}", f.path));
            let (shown, text) = with.shown.unwrap();
            assert_eq!(shown, *path);
            assert_eq!(text.ok().as_ref(), file.map(|f| &f.contents), "{path}");
            assert_eq!(with.tree, listing.tree);
        }
        // One the bundle no longer has (the Helm chart, its format unticked) says so.
        let chart = paths.iter().find(|p| p.contains("/helm/")).unwrap();
        let kustomize = Options::for_formats(&design, &[Format::Kustomize], None);
        let (_, text) = tree(&kustomize, Some(chart)).shown.unwrap();
        let err = text.unwrap_err();
        assert!(err.contains("no longer has"), "{err}");
    }

    /// The tree's answer names the errors the bundle ships with, KP723's among them:
    /// an object kept whole that the API server would refuse, which only the worker
    /// reads.
    #[test]
    fn a_tree_names_the_errors_the_bundle_ships_with() {
        let mut design = design();
        design
            .extra_objects
            .push(crate::model::KeptObject(serde_json::json!({
                "apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "legacy", "namespace": "miniredis"},
                "spec": {"ports": [{"name": "http", "port": "eighty"}]},
            })));
        let options = Options::for_formats(&design, &[Format::Kustomize], None);
        let Reply::Json(reply) = run(&Task::Tree {
            design,
            options,
            shown: None,
        }
        .to_json()) else {
            panic!("a tree answers JSON")
        };
        let errors = tree_answer(&reply).unwrap().errors.unwrap_or_default();
        assert!(errors.starts_with("The bundle ships with "), "{errors}");
        assert!(errors.contains("KP723"), "{errors}");
    }

    #[test]
    fn what_cannot_be_done_comes_back_as_a_message() {
        let design = design();
        // Argo CD without a repository cannot be written.
        let mut options = Options::for_formats(&design, &[Format::ArgoCd], None);
        if let Some(argo) = options.argocd.as_mut() {
            argo.repo_url.clear();
        }
        let task = Task::Zip {
            design: design.clone(),
            options: options.clone(),
        };
        let Reply::Json(reply) = run(&task.to_json()) else {
            panic!("an error answers JSON")
        };
        let err = answer::<()>(&reply).unwrap_err();
        assert!(err.contains("repository"), "{err}");
        let Reply::Json(reply) = run(&Task::Tree {
            design,
            options,
            shown: None,
        }
        .to_json()) else {
            panic!("a tree answers JSON")
        };
        assert_eq!(tree_answer(&reply).unwrap_err(), err);
        // A task from another version says to reload.
        let Reply::Json(reply) = run(r#"{"print":{}}"#) else {
            panic!()
        };
        let err = answer::<Folder>(&reply).unwrap_err();
        assert!(err.contains("reload the page"), "{err}");
        // And so does a reply this page cannot read.
        let err = tree_answer(r#"{"Ok":{"files":3}}"#).unwrap_err();
        assert!(err.contains("reload the page"), "{err}");
    }
}
