//! The page's state: an [`Editor`] in a signal, plus view choices (selection, panels)
//! in signals of their own. Components read them and send [`Edit`]s through
//! [`AppState::dispatch`]; findings and YAML are memos derived from the editor, never
//! stored.
//!
//! The editor signal notifies only when the design changed ([`Editor::revision`]
//! moved): selecting a service, sealing an input or a refused edit re-run nothing that
//! is derived from the design.

use kubeprint_core::edit::Target;
use kubeprint_core::editor::{Editor, Shelf};
use kubeprint_core::render::live::{same_documents, Document, LiveYaml};
use kubeprint_core::rules::{Finding, LiveFindings};
use kubeprint_core::{presets, Design, Edit, FieldPath, ServiceId};
use leptos::prelude::*;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

/// How many times the page has validated the design since it opened. The benchmark page
/// reads it to show how many validations one action causes.
pub static VALIDATIONS: AtomicU32 = AtomicU32::new(0);

/// How many times the page has rendered the design's objects since it opened (see
/// [`VALIDATIONS`]).
pub static RENDERS: AtomicU32 = AtomicU32::new(0);

/// Which tool the right-hand column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The selected service.
    Inspector,
    /// Environments and namespaces.
    Environments,
    /// ConfigMaps and Secrets.
    Config,
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
    /// The design and its history. Notifies only when the design changed.
    pub editor: RwSignal<Editor>,
    /// The histories of the designs opened before, for switching back to one.
    pub shelf: StoredValue<Shelf>,
    /// The selected service, if any; always one the design has.
    pub selection: RwSignal<Option<ServiceId>>,
    /// The environment being viewed.
    pub env: RwSignal<String>,
    /// The environment that was being viewed when an edit removed it, to show again
    /// when an undo brings it back.
    pub env_removed: StoredValue<Option<String>>,
    /// Right column.
    pub side: RwSignal<Side>,
    /// Bottom of the canvas column.
    pub bottom: RwSignal<Bottom>,
    /// The template gallery is open.
    pub gallery: RwSignal<bool>,
    /// The last refused edit, shown in the status bar.
    pub status: RwSignal<Option<String>>,
    /// What was just done that has no other visible sign (a file written), announced
    /// politely in the top bar.
    pub notice: RwSignal<Option<String>>,
    /// Bumped by undo and redo, so inputs drop what was typed and show the design's
    /// value again, the focused one included.
    pub reverted: RwSignal<u32>,
    /// Field to focus once the inspector shows it.
    pub focus: RwSignal<Option<FieldPath>>,
    /// Whether that field's text is selected once focused (a new service's name, which
    /// typing then replaces), as it is not when a finding leads to a field.
    pub focus_selects: RwSignal<bool>,
    /// A field an undo or a redo changed, to scroll to and mark (not to focus), with the
    /// notice that says so: see `panels::reveal`.
    pub shown: RwSignal<Option<(FieldPath, String)>>,
    /// The kind of object kept whole a finding asked to show: the config page opens its
    /// group (and clears this) once it is drawn.
    pub kept_kind: RwSignal<Option<String>>,
    /// Bumped to ask the canvas to fit the whole design into view.
    pub fit: RwSignal<u32>,
    /// Bumped when another design is opened, so that what was drawn from the last one
    /// is drawn again even where the selected id stays the same.
    pub opened: RwSignal<u32>,
    /// The storage slot the design autosaves into.
    pub slot: RwSignal<u32>,
    /// The design changed since it was last written to storage (set at once by every
    /// change, cleared by the write; see `persistence::autosave`).
    pub unsaved: StoredValue<bool>,
    /// Bumped after each write to storage, for what shows the saved designs.
    pub saves: RwSignal<u32>,
    /// A load problem to show above everything until dismissed.
    pub banner: RwSignal<Option<Banner>>,
    /// The share link being shown, if the dialog is open.
    pub share: RwSignal<Option<String>>,
    /// The import dialog, with the text to import, when open.
    pub import: RwSignal<Option<String>>,
    /// The Bundle dialog is open.
    pub bundle: RwSignal<bool>,
    /// The keyboard shortcuts' dialog is open.
    pub shortcuts: RwSignal<bool>,
    /// The name of the file the import text came from; empty for pasted or typed text.
    pub import_file: RwSignal<String>,
    /// The files of variables chosen with a compose import text (`.env`, its
    /// `env_file`s), by file name: chosen with it, or after it.
    pub import_besides: RwSignal<std::collections::BTreeMap<String, String>>,
    /// The import dialog's environments, one file each, when several files were chosen
    /// or dropped: imported as one design with those environments instead of the text.
    /// Kept when the dialog closes, like its text.
    pub import_envs: RwSignal<Vec<kubeprint_core::import::Input>>,
    /// The import dialog's text and file name when it was last closed without opening
    /// them: shown again when it opens, so closing it loses nothing pasted.
    pub import_draft: StoredValue<Option<(String, String)>>,
    /// Findings of the current environment.
    pub findings: Memo<Vec<Finding>>,
    /// (kind, name, yaml) of every object of the current environment.
    pub documents: Memo<Vec<Document>>,
    /// (kind, name) of the selected service's objects among them.
    pub selected_objects: Memo<Vec<(Arc<str>, Arc<str>)>>,
}

/// A memo's comparison for lists of documents: see [`same_documents`].
pub fn documents_changed(old: Option<&Vec<Document>>, new: Option<&Vec<Document>>) -> bool {
    match (old, new) {
        (Some(a), Some(b)) => !same_documents(a, b),
        (a, b) => a.is_some() != b.is_some(),
    }
}

impl AppState {
    /// State around `design` (autosaved in `slot`), viewing its production environment.
    pub fn new(design: Design, slot: u32) -> Self {
        let env = RwSignal::new(presets::default_environment(&design));
        let selection = RwSignal::new(design.services.first().map(|s| s.id));
        let editor = RwSignal::new(Editor::new(design));
        // Only the services an edit changed have their own checks run again.
        let checked = StoredValue::new(LiveFindings::default());
        let findings = Memo::new(move |_| {
            VALIDATIONS.fetch_add(1, Ordering::Relaxed);
            let env = env.get();
            editor
                .with(|e| checked.try_update_value(|c| c.validate(&e.design, &env)))
                .unwrap_or_default()
        });
        // Only the services an edit changed are rendered and serialized again.
        let live = StoredValue::new(LiveYaml::default());
        let documents = Memo::new_with_compare(
            move |_| {
                RENDERS.fetch_add(1, Ordering::Relaxed);
                let env = env.get();
                editor
                    .with(|e| live.try_update_value(|l| l.documents(&e.design, &env)))
                    .unwrap_or_default()
            },
            documents_changed,
        );
        let selected_objects = Memo::new(move |_| {
            // After the documents are brought up to date (the live YAML's record of
            // whose objects are whose is made with them).
            documents.with(|_| ());
            let id = selection.get();
            live.with_value(|l| id.map(|id| l.service_objects(id)).unwrap_or_default())
        });
        AppState {
            editor,
            shelf: StoredValue::new(Shelf::default()),
            selection,
            env,
            env_removed: StoredValue::new(None),
            side: RwSignal::new(Side::Inspector),
            bottom: RwSignal::new(Bottom::Timeline),
            gallery: RwSignal::new(false),
            status: RwSignal::new(None),
            notice: RwSignal::new(None),
            reverted: RwSignal::new(0),
            focus: RwSignal::new(None),
            focus_selects: RwSignal::new(false),
            shown: RwSignal::new(None),
            kept_kind: RwSignal::new(None),
            fit: RwSignal::new(0),
            opened: RwSignal::new(0),
            slot: RwSignal::new(slot),
            unsaved: StoredValue::new(true),
            saves: RwSignal::new(0),
            banner: RwSignal::new(None),
            share: RwSignal::new(None),
            import: RwSignal::new(None),
            bundle: RwSignal::new(false),
            shortcuts: RwSignal::new(false),
            import_file: RwSignal::new(String::new()),
            import_besides: RwSignal::new(Default::default()),
            import_envs: RwSignal::new(Vec::new()),
            import_draft: StoredValue::new(None),
            findings,
            documents,
            selected_objects,
        }
    }

    /// Apply an edit; a refused one is reported in the status bar, never lost silently.
    pub fn dispatch(&self, edit: Edit) {
        if let Err(err) = self.try_dispatch(edit) {
            self.status.set(Some(format!("Not applied: {err}")));
        }
    }

    /// Apply `edit`, handing a refusal to the caller to show where it was typed. An
    /// edit applied makes the last refusal in the status bar old news.
    pub fn try_dispatch(&self, edit: Edit) -> Result<(), kubeprint_core::edit::EditError> {
        // A service renamed says who followed it, and what a StatefulSet's claims do; a
        // port numbered otherwise, whose callers' addresses followed it.
        let port = |p: &str| {
            let p = p.strip_prefix("/exposure").unwrap_or(p);
            (p.strip_prefix("/ports/")
                .and_then(|r| r.strip_suffix("/port")))
            .is_some_and(|i| i.bytes().all(|b| b.is_ascii_digit()))
        };
        let followed = matches!(&edit, Edit::Set { path, .. }
            if matches!(path.target, Target::Service(_))
                && (path.pointer == "/name" || port(&path.pointer)));
        let before = followed.then(|| self.editor.with_untracked(|e| e.design.clone()));
        let mut result = Ok(());
        self.change(|e| result = e.dispatch(edit));
        if result.is_ok() && self.status.with_untracked(Option::is_some) {
            self.status.set(None);
        }
        if let (Ok(()), Some(before)) = (&result, before) {
            let said = self.editor.with_untracked(|e| {
                (e.design.rename_said(&before)).or_else(|| e.design.renumber_said(&before))
            });
            if said.is_some() {
                self.notice.set(said);
            }
        }
        result
    }

    /// The field at `path` holds a value that does not parse or that the design
    /// refused: the design keeps the value it had before this typing began
    /// ([`Editor::take_back_typing`]), not one that parsed on the way.
    pub fn take_back_typing(&self, path: &FieldPath) {
        self.change(|e| {
            e.take_back_typing(path);
        });
    }

    /// Apply finding `code`'s fix (the finding points at `at`) as a step of its own, and
    /// say what it did: what it made that the field it goes to does not show (a Secret
    /// and its key, a call, an object kept whole), else its label.
    pub fn apply_fix(&self, code: &str, at: &FieldPath, fix: &kubeprint_core::rules::Fix) {
        self.seal();
        let before = self.editor.with_untracked(|e| e.design.clone());
        if let Err(err) = self.try_dispatch(fix.edit.clone()) {
            return self.status.set(Some(format!("Not applied: {err}")));
        }
        let said = self.editor.with_untracked(|e| {
            let at = where_in(&e.design, at);
            match e.design.made_said(&before) {
                Some(made) => format!("Fixed {code} in {at}. {made} Ctrl+Z undoes it"),
                None => format!("Fixed {code} in {at} ({}). Ctrl+Z undoes it", fix.label),
            }
        });
        self.notice.set(Some(said));
    }

    /// End merging of keystrokes into the current undo step. Nothing shown depends on
    /// it, so nothing is notified.
    pub fn seal(&self) {
        self.editor.update_untracked(|e| e.seal());
    }

    /// Undo one step.
    pub fn undo(&self) {
        self.revert(true);
    }

    /// Redo one step.
    pub fn redo(&self) {
        self.revert(false);
    }

    /// Step back (or forward) in the history, keeping the keyboard's place: what an
    /// undo draws anew (a renamed row brought back) would otherwise take the focus with
    /// it. What changed is shown and said ([`crate::panels::reveal`]).
    fn revert(&self, back: bool) {
        let mark = crate::modal::mark_focus();
        // On the canvas, the keyboard follows a service brought back to its node.
        let on_canvas = (crate::modal::active_element())
            .and_then(|el| el.get_attribute("data-testid"))
            .is_some_and(|id| id.starts_with("node-"));
        let mut changed = None;
        self.change(|e| {
            changed = match back {
                true => e.undo().then(|| e.undone()),
                false => e.redo().then(|| e.redone()),
            };
        });
        self.reverted.update(|n| *n += 1);
        if let Some(mark) = mark {
            request_animation_frame(move || crate::modal::restore_focus(mark));
        }
        let Some(changes) = changed else { return };
        let verb = if back { "Undone" } else { "Redone" };
        // A service brought back or taken away is said as such, not as a field of it.
        let (back_again, gone) = self.editor.with_untracked(|e| {
            let other = if back {
                e.undone_from()
            } else {
                e.redone_from()
            };
            let names = |d: &Design, of: &Design| -> Vec<(ServiceId, String)> {
                (d.services.iter())
                    .filter(|s| of.service(s.id).is_none())
                    .map(|s| (s.id, format!("`{}`", s.name)))
                    .collect()
            };
            other.map_or_else(Default::default, |other| {
                (names(&e.design, other), names(other, &e.design))
            })
        });
        if !back_again.is_empty() || !gone.is_empty() {
            // (Named up to three; more, as another tab's version may bring, counted.)
            let listed = |of: &[(ServiceId, String)]| -> String {
                match of.len() {
                    1..=3 => (of.iter())
                        .map(|(_, name)| name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    n => format!("{n} services"),
                }
            };
            let mut said = Vec::new();
            if let [(id, _)] = back_again.as_slice() {
                self.select(Some(*id));
                if on_canvas {
                    let node = format!(".node[data-id=\"{}\"]", id.0);
                    request_animation_frame(move || crate::modal::focus_selector(&node));
                }
            }
            if !back_again.is_empty() {
                said.push(format!("{} back", listed(&back_again)));
            }
            if !gone.is_empty() {
                said.push(format!("{} removed", listed(&gone)));
            }
            self.notice
                .set(Some(format!("{verb}: {}", said.join("; "))));
            return;
        }
        match self.in_view(changes) {
            Some(at) => {
                let what = self.editor.with_untracked(|e| where_in(&e.design, &at));
                crate::panels::reveal(*self, &at, format!("{verb} in {what}"));
            }
            None => self.notice.set(Some(verb.to_string())),
        }
    }

    /// Of the fields a step changed, the one to show: one the open page shows (the
    /// selected service's, on the inspector; a ConfigMap's, Secret's or kept object's,
    /// on the config page), else the first.
    fn in_view(&self, changes: Vec<FieldPath>) -> Option<FieldPath> {
        let side = self.side.get_untracked();
        let selected = self.selection.get_untracked();
        let shown = |at: &FieldPath| match (&at.target, side) {
            (Target::Service(id), Side::Inspector) => Some(*id) == selected,
            (Target::ConfigMap(_) | Target::Secret(_) | Target::Object { .. }, Side::Config) => {
                true
            }
            (Target::Environment(_), Side::Config) => at.is_environment_config(),
            (Target::Environment(_) | Target::Design, Side::Environments) => true,
            _ => false,
        };
        let first = changes.first().cloned();
        changes.into_iter().find(shown).or(first)
    }

    /// Show the version of this design that another tab saved, as one step that Ctrl+Z
    /// undoes. It is what storage holds, so it is not written back.
    pub fn adopt(&self, design: Design) {
        if self.editor.with_untracked(|e| e.design == design) {
            return;
        }
        self.change(|e| e.replace(design));
        self.unsaved.set_value(false);
        self.reverted.update(|n| *n += 1);
        self.notice.set(Some(
            "Changed in another tab: its version is shown here (Ctrl+Z brings back this tab's)"
                .into(),
        ));
    }

    /// Remove service `id`, saying so and how to bring it back (Delete removes at
    /// once, with no question: the undo is the way back).
    pub fn remove_service(&self, id: ServiceId) {
        let before = self.editor.with_untracked(|e| e.design.clone());
        let Some(name) = before.service(id).map(|s| s.name.clone()) else {
            return;
        };
        if self.try_dispatch(Edit::RemoveService(id)).is_ok() {
            // Who still dials it is said now, not only among the findings (KP321).
            let callers = self
                .editor
                .with_untracked(|e| kubeprint_core::left_dialing_nothing(&before, &e.design));
            let still = match callers.as_slice() {
                [] => String::new(),
                [one] => format!(" {one} still dials it."),
                many => format!(" {} still dial it.", kubeprint_core::words::and_list(many)),
            };
            self.notice.set(Some(format!(
                "Removed {name}:{still} Ctrl+Z brings it back"
            )));
        }
    }

    /// Say that a file was offered as a download.
    pub fn downloaded(&self, name: &str) {
        self.notice.set(Some(format!(
            "Downloaded {name} (your browser's downloads folder)"
        )));
    }

    /// Run `f` on the editor, notifying the editor's readers only if the design changed;
    /// then keep the selection and the environment pointing at things that exist.
    fn change(&self, f: impl FnOnce(&mut Editor)) {
        let mut changed = false;
        let env = self.env.get_untracked();
        let env_at = self.editor.with_untracked(|e| {
            let envs = &e.design.environments;
            (envs.iter().position(|x| x.name == env), envs.len())
        });
        self.editor.maybe_update(|e| {
            let before = e.revision();
            f(e);
            changed = e.revision() != before;
            changed
        });
        if changed {
            self.unsaved.set_value(true);
            // A notice tells what was just done; the next change makes it old news.
            if self.notice.with_untracked(Option::is_some) {
                self.notice.set(None);
            }
            let selected = self.selection.get_untracked();
            let kept = self.editor.with_untracked(|e| e.keep_selection(selected));
            if kept != selected {
                self.selection.set(kept);
            }
            self.keep_env_valid(env_at);
        }
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

    /// [`AppState::open_new`], saying where the design shown so far went: an import, a
    /// file, a link or a template opened beside it.
    pub fn open_beside(&self, design: Design) {
        let old = self.editor.with_untracked(|e| e.design.name.clone());
        let new = design.name.clone();
        let from = self.slot.get_untracked();
        self.open_new(design);
        // Two of one name (a link to a design edited since) are told apart by number,
        // as the design menu does.
        let to = self.slot.get_untracked();
        let notice = match old == new && to != from {
            true => format!(
                "Opened `{new}` as a new design (#{to}); the `{old}` shown before (#{from}) stays in the design menu"
            ),
            false => format!("Opened `{new}` as a new design; `{old}` stays in the design menu"),
        };
        self.notice.set(Some(notice));
    }

    /// Show `design` from slot `id`, with the history it had when it was last shown in
    /// this page (see [`Shelf`]). Unsaved edits of the design shown so far are written
    /// to its slot first.
    pub fn switch_to(&self, id: u32, design: Design) {
        crate::persistence::flush(*self);
        self.unsaved.set_value(true);
        // What was done to the design shown so far is not news about this one.
        if self.notice.with_untracked(Option::is_some) {
            self.notice.set(None);
        }
        self.env.set(
            crate::persistence::viewed_environment(id, &design)
                .unwrap_or_else(|| presets::default_environment(&design)),
        );
        self.env_removed.set_value(None);
        self.selection.set(design.services.first().map(|s| s.id));
        let from = self.slot.get_untracked();
        self.editor.update(|e| {
            self.shelf.update_value(|s| s.switch(e, from, id, design));
            // Not in this page's memory: kept over a reload, perhaps.
            if !e.can_undo() && !e.can_redo() {
                if let Some(kept) = crate::persistence::kept_history(id, &e.design) {
                    *e = kept;
                }
            }
        });
        self.slot.set(id);
        if self.side.get_untracked() != Side::Inspector {
            self.side.set(Side::Inspector);
        }
        self.fit.update(|n| *n += 1);
        self.opened.update(|n| *n += 1);
    }

    /// Open the import dialog, with what it held when it was last closed.
    pub fn open_import(&self) {
        let (text, file) = self.import_draft.get_value().unwrap_or_default();
        self.import_file.set(file);
        self.import.set(Some(text));
    }

    /// Open the import dialog on files chosen or dropped at once: a compose file with the
    /// files it reads beside it, else ([`AppState::import_environments`]) one environment
    /// each. What cannot be imported together is the error.
    pub fn import_files(&self, files: Vec<(String, String)>) -> Result<(), String> {
        match kubeprint_core::compose::chosen_together(&files) {
            Some(Ok(chosen)) => {
                self.import_envs.set(Vec::new());
                self.import_besides.set(chosen.besides);
                self.import_file.set(chosen.file);
                self.import.set(Some(chosen.text));
                Ok(())
            }
            Some(Err(message)) => Err(message),
            None => {
                self.import_environments(files);
                Ok(())
            }
        }
    }

    /// One file chosen in the import dialog with no environments: a file the compose
    /// text it shows may read (its `.env`, a file it mounts) goes with it; any other is
    /// the text to import.
    pub fn import_one_file(&self, name: String, text: String) {
        let shown = self.import.get_untracked().unwrap_or_default();
        let is_compose = kubeprint_core::import::Format::detect(&shown)
            == kubeprint_core::import::Format::Compose;
        match is_compose && kubeprint_core::compose::goes_beside(&name, &text) {
            true => self.import_besides.update(|b| {
                b.insert(name, text);
            }),
            false => {
                self.import_besides.set(Default::default());
                self.import_file.set(name);
                self.import.set(Some(text));
            }
        }
    }

    /// Open the import dialog on several files, one environment each, named after its
    /// file and in promotion order (dev first, shared environments last).
    pub fn import_environments(&self, files: Vec<(String, String)>) {
        let mut inputs: Vec<kubeprint_core::import::Input> = (files.into_iter())
            .map(|(file, text)| kubeprint_core::import::Input::named_after(&file, text))
            .collect();
        kubeprint_core::import::promotion_order(&mut inputs);
        kubeprint_core::import::unique_names(&mut inputs);
        self.import_envs.set(inputs);
        if self.import.get_untracked().is_none() {
            self.open_import();
        }
        // The first name, to check or change, has the focus (not the page behind).
        request_animation_frame(|| {
            crate::modal::focus_selector("[data-testid=\"import-env-name\"]")
        });
    }

    /// Add one file to the import dialog's environments: in place of the one from a
    /// file of the same name, else one more, in promotion order, its name made unique.
    pub fn add_import_environment(&self, file: String, text: String) {
        let added = kubeprint_core::import::Input::named_after(&file, text);
        self.import_envs.update(
            |envs| match envs.iter_mut().find(|e| e.file == added.file) {
                Some(same) => same.text = added.text,
                None => {
                    envs.push(added);
                    kubeprint_core::import::promotion_order(envs);
                    kubeprint_core::import::unique_names(envs);
                }
            },
        );
    }

    /// Close the import dialog, keeping its text for the next time it opens.
    pub fn close_import(&self) {
        if let Some(text) = self.import.get_untracked() {
            let draft = (!text.is_empty()).then(|| (text, self.import_file.get_untracked()));
            self.import_draft.set_value(draft);
            self.import.set(None);
        }
    }

    /// Select a service (or nothing).
    pub fn select(&self, id: Option<ServiceId>) {
        if self.selection.get_untracked() != id {
            self.selection.set(id);
        }
        if id.is_some() && self.side.get_untracked() != Side::Inspector {
            self.side.set(Side::Inspector);
        }
    }

    /// The selected service's id.
    pub fn selected(&self) -> Option<ServiceId> {
        self.selection.get()
    }

    /// After an edit, the environment shown is one that exists: the same one under its
    /// new name when it was renamed (or its rename undone: as many environments as
    /// before, and its place holds another name), else the default one until an undo
    /// brings the removed one back.
    fn keep_env_valid(&self, (at, count): (Option<usize>, usize)) {
        let env = self.env.get_untracked();
        let removed = self.env_removed.get_value();
        let show = self.editor.with_untracked(|e| {
            let envs = &e.design.environments;
            if let Some(back) = removed.filter(|r| e.design.environment(r).is_some()) {
                self.env_removed.set_value(None);
                return (back != env).then_some(back);
            }
            if e.design.environment(&env).is_some() {
                return None;
            }
            match at.and_then(|i| envs.get(i)) {
                Some(renamed) if envs.len() == count => Some(renamed.name.clone()),
                _ => {
                    self.env_removed.set_value(Some(env.clone()));
                    Some(presets::default_environment(&e.design))
                }
            }
        });
        if let Some(env) = show {
            self.env.set(env);
        }
    }
}

/// The state provided at the root.
pub fn use_app() -> AppState {
    expect_context::<AppState>()
}

/// What a field of the design belongs to, as a notice names it: `` `api` ``,
/// `` `api` in `dev` `` (an environment's own value), `` Secret `db` ``.
fn where_in(design: &Design, at: &FieldPath) -> String {
    let service = |id: ServiceId| design.service(id).map(|s| format!("`{}`", s.name));
    match &at.target {
        Target::Service(id) => service(*id).unwrap_or_else(|| "a service".into()),
        Target::Environment(env) => match at.overridden_service().and_then(service) {
            Some(service) => format!("{service} in `{env}`"),
            None => format!("environment `{env}`"),
        },
        Target::Design => "the design's settings".into(),
        Target::ConfigMap(name) => format!("ConfigMap `{name}`"),
        Target::Secret(name) => format!("Secret `{name}`"),
        Target::Object { kind, name, .. } => format!("{kind} `{name}`"),
    }
}
