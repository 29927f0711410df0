//! The page's one piece of state: an [`Editor`] in a signal, plus view choices.
//! Components read it and send [`Edit`]s through [`AppState::dispatch`]; findings and
//! YAML are memos derived from it, never stored.

use kubeprint_core::editor::Editor;
use kubeprint_core::render::YamlCache;
use kubeprint_core::rules::{validate, Finding};
use kubeprint_core::{render, Design, Edit, FieldPath, ServiceId};
use leptos::prelude::*;
use std::sync::Arc;

/// Which tool the right-hand column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The selected service.
    Inspector,
    /// Environments and namespaces.
    Environments,
}

/// Which view the bottom of the canvas column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bottom {
    /// Shutdown timeline of the selected service.
    Timeline,
    /// Replicas, HPA, PDB and rollout per service in this environment.
    Disruption,
}

/// Something could not be opened: what, and the raw text so nothing is lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Banner {
    /// What went wrong and what was done instead.
    pub message: String,
    /// The text that could not be read (a link fragment), for the user to copy.
    pub raw: Option<String>,
}

/// Shared state, cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct AppState {
    /// The design and its history.
    pub editor: RwSignal<Editor>,
    /// The environment being viewed.
    pub env: RwSignal<String>,
    /// Right column.
    pub side: RwSignal<Side>,
    /// Bottom of the canvas column.
    pub bottom: RwSignal<Bottom>,
    /// The template gallery is open.
    pub gallery: RwSignal<bool>,
    /// The last refused edit, shown in the status bar.
    pub status: RwSignal<Option<String>>,
    /// Field to focus once the inspector shows it.
    pub focus: RwSignal<Option<FieldPath>>,
    /// Bumped to ask the canvas to fit the whole design into view.
    pub fit: RwSignal<u32>,
    /// The storage slot the design autosaves into.
    pub slot: RwSignal<u32>,
    /// A load problem to show above everything until dismissed.
    pub banner: RwSignal<Option<Banner>>,
    /// The share link being shown, if the dialog is open.
    pub share: RwSignal<Option<String>>,
    /// The import dialog, with the text to import, when open.
    pub import: RwSignal<Option<String>>,
    /// The name of the file the import text came from; empty for pasted or typed text.
    pub import_file: RwSignal<String>,
    /// Findings of the current environment.
    pub findings: Memo<Vec<Finding>>,
    /// (kind, name, yaml) of every object of the current environment.
    pub documents: Memo<Vec<(String, String, Arc<str>)>>,
}

impl AppState {
    /// State around `design` (autosaved in `slot`), viewing its production environment.
    pub fn new(design: Design, slot: u32) -> Self {
        let env = RwSignal::new(default_env(&design));
        let first = design.services.first().map(|s| s.id);
        let mut ed = Editor::new(design);
        ed.selected = first;
        let editor = RwSignal::new(ed);
        let findings = Memo::new(move |_| editor.with(|e| validate(&e.design, &env.get())));
        // Only objects an edit changed are serialized again.
        let cache = StoredValue::new(YamlCache::default());
        let documents = Memo::new(move |_| {
            let bundle = editor.with(|e| render(&e.design, &env.get()));
            cache
                .try_update_value(|c| {
                    c.documents(&bundle)
                        .into_iter()
                        .map(|(k, n, y)| (k.to_string(), n, y))
                        .collect()
                })
                .unwrap_or_default()
        });
        AppState {
            editor,
            env,
            side: RwSignal::new(Side::Inspector),
            bottom: RwSignal::new(Bottom::Timeline),
            gallery: RwSignal::new(false),
            status: RwSignal::new(None),
            focus: RwSignal::new(None),
            fit: RwSignal::new(0),
            slot: RwSignal::new(slot),
            banner: RwSignal::new(None),
            share: RwSignal::new(None),
            import: RwSignal::new(None),
            import_file: RwSignal::new(String::new()),
            findings,
            documents,
        }
    }

    /// Apply an edit; a refused one is reported in the status bar, never lost silently.
    pub fn dispatch(&self, edit: Edit) {
        let mut result = Ok(());
        self.editor.update(|e| result = e.dispatch(edit));
        match result {
            Ok(()) => self.status.set(None),
            Err(err) => self.status.set(Some(format!("Not applied: {err}"))),
        }
        self.keep_env_valid();
    }

    /// End merging of keystrokes into the current undo step.
    pub fn seal(&self) {
        self.editor.update(|e| e.seal());
    }

    /// Undo one step.
    pub fn undo(&self) {
        self.editor.update(|e| {
            e.undo();
        });
        self.keep_env_valid();
    }

    /// Redo one step.
    pub fn redo(&self) {
        self.editor.update(|e| {
            e.redo();
        });
        self.keep_env_valid();
    }

    /// Open a design (a template, a file, a link) as a new saved design; the current
    /// one stays in the list of saved designs.
    pub fn open_new(&self, design: Design) {
        match crate::storage::new_slot(&design.name) {
            Ok(id) => self.switch_to(id, design),
            Err(message) => {
                self.status.set(Some(message));
                let slot = self.slot.get_untracked();
                self.switch_to(slot, design);
            }
        }
    }

    /// Show `design` from slot `id`, with a fresh history.
    pub fn switch_to(&self, id: u32, design: Design) {
        self.env.set(default_env(&design));
        let first = design.services.first().map(|s| s.id);
        let mut editor = Editor::new(design);
        editor.selected = first;
        self.editor.set(editor);
        self.slot.set(id);
        self.side.set(Side::Inspector);
        self.fit.update(|n| *n += 1);
    }

    /// Select a service (or nothing).
    pub fn select(&self, id: Option<ServiceId>) {
        self.editor.update(|e| e.selected = id);
        if id.is_some() {
            self.side.set(Side::Inspector);
        }
    }

    /// The selected service's id.
    pub fn selected(&self) -> Option<ServiceId> {
        self.editor.with(|e| e.selected)
    }

    fn keep_env_valid(&self) {
        let env = self.env.get_untracked();
        let fallback = self.editor.with_untracked(|e| {
            e.design
                .environment(&env)
                .is_none()
                .then(|| default_env(&e.design))
        });
        if let Some(f) = fallback {
            self.env.set(f);
        }
    }
}

/// Production when the design has it, otherwise its first environment.
pub fn default_env(d: &Design) -> String {
    d.environment("prod")
        .or(d.environments.first())
        .map(|e| e.name.clone())
        .unwrap_or_default()
}

/// The state provided at the root.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}
