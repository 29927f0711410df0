//! Where the design comes from when the page opens, where it goes on every change, and
//! the controls for links, files and saved designs.

use crate::modal::Modal;
use crate::prose::prose;
use crate::state::{use_app, AppState, Banner};
use crate::storage::{self, Slot};
use crate::worker::{self, Answer};
use kubeprint_core::editor::Editor;
use kubeprint_core::import::{self, Outcome};
use kubeprint_core::task::{self, Task};
use kubeprint_core::{file, link, templates, words, Design};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// What the page shows first ([`startup`]).
pub struct Startup {
    /// The design.
    pub design: Design,
    /// Its storage slot.
    pub slot: u32,
    /// A problem to show, if any.
    pub banner: Option<Banner>,
    /// The environment the link opens on, if it came from a link that names one.
    pub env: Option<String>,
}

/// The design to show first: the one in the link, else the autosaved one, else the
/// example.
pub fn startup(example: &str) -> Startup {
    let mut banner = None;
    let fragment = storage::fragment();
    if !fragment.is_empty() && !fragment.starts_with("bench") {
        storage::clear_fragment();
        match link::decode(&fragment) {
            Ok(design) => {
                let slot = storage::slot_holding(&design)
                    .or_else(|| storage::new_slot(&design.name).ok())
                    .unwrap_or(0);
                let env = shown_environment(&fragment, &design);
                return Startup {
                    design,
                    slot,
                    banner: None,
                    env,
                };
            }
            Err(e) => {
                banner = Some(Banner {
                    message: format!("This link could not be opened: {e}."),
                    raw: Some(fragment),
                });
            }
        }
    }
    // What a broken link shows instead, said after it.
    let instead = |banner: Option<Banner>, what: &str| {
        banner.map(|b| match b.raw {
            Some(_) => Banner {
                message: format!("{} {what} is shown instead.", b.message),
                ..b
            },
            None => b,
        })
    };
    for slot in storage::current_slots() {
        match storage::load(slot) {
            Ok(Some(design)) => {
                return Startup {
                    design,
                    slot,
                    banner: instead(banner, "Your last design"),
                    env: None,
                }
            }
            Ok(None) => {}
            Err(message) => {
                banner = Some(Banner { message, raw: None });
                break;
            }
        }
    }
    let design = templates::by_name(example).unwrap_or_default();
    let slot = storage::new_slot(&design.name).unwrap_or(0);
    Startup {
        design,
        slot,
        banner: instead(banner, "The example design"),
        env: None,
    }
}

/// A link pasted into the address bar of an open page: open its design as a new saved
/// design, or explain why not and keep the current one.
pub fn follow_links(app: AppState) {
    let handle = window_event_listener(leptos::ev::hashchange, move |_| {
        let fragment = storage::fragment();
        if fragment.is_empty() {
            return;
        }
        storage::clear_fragment();
        open_link(app, &fragment);
    });
    on_cleanup(move || handle.remove());
}

/// Open the design a link's fragment carries as a new saved design, or explain why not
/// and keep the current one.
pub(crate) fn open_link(app: AppState, fragment: &str) {
    match link::decode(fragment) {
        Ok(design) => {
            app.banner.set(None);
            let env = shown_environment(fragment, &design);
            match storage::slot_holding(&design) {
                // Opened before and not changed since: that saved design, not a copy.
                Some(slot) => app.switch_to(slot, design),
                None => app.open_beside(design),
            }
            if let Some(env) = env {
                app.env.set(env);
            }
        }
        Err(e) => app.banner.set(Some(Banner {
            message: format!("This link could not be opened: {e}. Your design is unchanged."),
            raw: Some(fragment.to_string()),
        })),
    }
}

/// The environment a link opens on, when its design has it.
fn shown_environment(fragment: &str, design: &Design) -> Option<String> {
    link::environment_shown(fragment).filter(|env| design.environment(env).is_some())
}

/// How long the page waits after the last change before writing the design: typing
/// never waits on serializing and storing it (megabytes at 1,000 services).
const AUTOSAVE_DELAY: std::time::Duration = std::time::Duration::from_millis(400);

/// Writes the design to storage once the page is idle after changes, and at once when
/// the page is hidden or left (`pagehide`, `visibilitychange`), so no edit is lost to a
/// reload or a closed tab. Replacing the design writes the old one first
/// ([`AppState::switch_to`]). While the browser's storage refuses the design, leaving
/// the page asks first.
pub fn autosave(app: AppState) {
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    Effect::new(move |_| {
        app.editor.track();
        app.slot.track();
        if let Some(t) = timer.get_value() {
            t.clear();
        }
        let handle = set_timeout_with_handle(move || flush(app), AUTOSAVE_DELAY).ok();
        timer.set_value(handle);
    });
    // Edits the browser's storage refused would be lost with the page (or, kept in the
    // tab, with the tab): the browser asks before leaving. (A design only opened, with
    // the storage disabled, is not asked about.)
    let leave = window_event_listener(leptos::ev::beforeunload, move |ev| {
        flush(app);
        let edited = app.editor.with_untracked(|e| e.can_undo() || e.can_redo());
        if (app.unsaved.try_get_value().unwrap_or(false) && edited) || storage::tab_copies() {
            ev.prevent_default();
            // What browsers that ignore `preventDefault` here look at.
            ev.set_return_value("");
        }
    });
    let hide = window_event_listener_untyped("pagehide", move |_| flush(app));
    let hidden = window_event_listener_untyped("visibilitychange", move |_| {
        if document().hidden() {
            flush(app);
        }
    });
    on_cleanup(move || {
        leave.remove();
        hide.remove();
        hidden.remove();
        if let Some(t) = timer.get_value() {
            t.clear();
        }
    });
}

/// Other tabs of the page save designs too. The list of saved designs is read again
/// after each of their writes; when another tab saved the design shown here, its version
/// is shown, as one undo step ([`AppState::adopt`]), so that neither tab later writes a
/// stale copy over the other's work.
pub fn follow_other_tabs(app: AppState) {
    let handle = window_event_listener(leptos::ev::storage, move |ev| {
        app.saves.update(|n| *n += 1);
        let slot = app.slot.get_untracked();
        if ev.key().as_deref().and_then(storage::slot_of_key) != Some(slot) {
            return;
        }
        // Forgotten there, or unreadable: the design stays open here, and the next
        // change saves it again.
        if let Ok(Some(design)) = storage::load_saved(slot) {
            // What it saved is newer than a copy this tab kept when its storage was full.
            storage::drop_tab_copy(slot);
            app.adopt(design);
        }
    });
    on_cleanup(move || handle.remove());
}

/// Write the design to its slot now if it changed since the last write.
pub(crate) fn flush(app: AppState) {
    if !app.unsaved.try_get_value().unwrap_or(false) {
        return;
    }
    let slot = app.slot.get_untracked();
    let result = app
        .editor
        .with_untracked(|e| storage::save(slot, &e.design));
    storage::set_current_slot(slot);
    match result {
        Ok(saved) => {
            app.saves.update(|n| *n += 1);
            match saved {
                storage::Saved::Everywhere => {
                    app.unsaved.set_value(false);
                    app.editor.with_untracked(|e| keep_history(slot, e));
                }
                // Still unsaved: the next change tries the browser's storage again,
                // and leaving the page asks first. (The tab's storage is kept for the
                // design: no undo history is written beside it.)
                storage::Saved::InThisTab => {
                    app.status.set(Some(storage::KEPT_IN_THIS_TAB.to_string()))
                }
            }
        }
        Err(message) => app.status.set(Some(message)),
    }
}

/// Keep the undo history of the design in `slot` over a reload of the page.
fn keep_history(slot: u32, e: &Editor) {
    if e.can_undo() || e.can_redo() {
        storage::save_history(slot, e.first_mark(), e.first(), &e.record_json());
    } else {
        storage::forget_history(slot);
    }
}

/// The environment last shown of the design in `slot`, if it still has it: a reload
/// or a return to the design shows it again.
pub(crate) fn viewed_environment(slot: u32, design: &Design) -> Option<String> {
    storage::view_setting(&storage::viewed_key(slot))
        .filter(|env| design.environment(env).is_some())
}

/// Keeps the environment shown of the design shown ([`viewed_environment`]).
pub fn keep_viewed_environment(app: AppState) {
    Effect::new(move |_| {
        let env = app.env.get();
        storage::set_view_setting(&storage::viewed_key(app.slot.get()), &env);
    });
}

/// The undo history kept for `slot` in this tab, when it ends in `design` (the one
/// saved there: after a reload, the one shown). One that ends elsewhere (another tab
/// changed the design since) is dropped: it never led to what is shown.
pub(crate) fn kept_history(slot: u32, design: &Design) -> Option<Editor> {
    let (first, record) = storage::history(slot)?;
    match Editor::restored(first, record) {
        Some(editor) if editor.design == *design => {
            storage::history_restored(slot, editor.first_mark());
            Some(editor)
        }
        _ => {
            storage::forget_history(slot);
            None
        }
    }
}

/// Open a file's text as a new design; YAML (manifests or compose) goes to the import
/// dialog; anything else is explained.
pub(crate) fn open_text(app: AppState, name: &str, text: &str) {
    match file::from_json(text) {
        Ok(design) => app.open_beside(design),
        // (A `.env` dropped while the dialog shows the compose file that reads it goes
        // with that file.)
        Err(file::LoadError::NotJson(_)) if !name.ends_with(".json") => {
            app.import_one_file(name.to_string(), text.to_string())
        }
        Err(e) => app.banner.set(Some(Banner {
            message: format!("{name} could not be opened: {e}. Your design is unchanged."),
            raw: None,
        })),
    }
}

/// Where a document is: its line, after its file's name when it has one.
fn location(d: &import::DocumentReport) -> String {
    if d.file.is_empty() {
        d.line.to_string()
    } else {
        format!("{}:{}", d.file, d.line)
    }
}

/// The import dialog: paste or choose manifests or a compose file, see what becomes of
/// each document and what the rules find, then open it as a new design. Several files
/// chosen or dropped at once are one environment each ([`AppState::import_environments`]),
/// imported as one design with those environments, or parts of one system where they
/// look like it (one namespace, no object in two of them) or the user says so.
#[component]
pub fn ImportDialog() -> impl IntoView {
    let app = use_app();
    let result = RwSignal::new(None::<task::Imported>);
    let env_result = RwSignal::new(None::<task::ImportedEnvironments>);
    // The import runs in the page's worker, one input at a time: while one is checked,
    // the newest input waits, and the answer shown is always the newest input's.
    let imports = worker::Latest::new();
    let checking = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let text_of = |answer: Result<Answer, String>| {
        answer.and_then(|a| match a {
            Answer::Text(reply) => Ok(reply),
            Answer::Bytes(_) => Err("the import answered with bytes; reload the page".into()),
        })
    };
    // Several files that are parts of one system rather than one environment each, and
    // whether the user said so (rather than the files, by their namespace and objects).
    let as_one = RwSignal::new(false);
    let chosen = RwSignal::new(false);
    let run = move || {
        checking.set(true);
        let inputs = app.import_envs.get_untracked();
        if !inputs.is_empty() && as_one.get_untracked() {
            // What the files gave as environments is not what Open would open now.
            env_result.set(None);
            imports.send(Task::Files { inputs }, move |answer| {
                let answer = text_of(answer).and_then(|r| task::import_answer(&r));
                env_result.try_set(None);
                show(answer, result, checking, failure);
            });
        } else if inputs.is_empty() {
            let text = app.import.get_untracked().unwrap_or_default();
            let file = app.import_file.get_untracked();
            let besides = app.import_besides.get_untracked();
            imports.send(
                Task::Import {
                    file,
                    text,
                    besides,
                },
                move |answer| {
                    let answer = text_of(answer).and_then(|r| task::import_answer(&r));
                    env_result.try_set(None);
                    show(answer, result, checking, failure);
                },
            );
        } else {
            result.set(None);
            imports.send(Task::Environments { inputs }, move |answer| {
                let answer = text_of(answer).and_then(|r| task::environments_answer(&r));
                result.try_set(None);
                show(answer, env_result, checking, failure);
            });
        }
    };
    // Every new input is imported, once: text typed or pasted, a file chosen, or a YAML
    // file dropped on the page; or the environments' files and names. Without either
    // (a new or closed dialog) nothing is shown.
    Effect::new(move |_| {
        let (open, has_text) = app
            .import
            .with(|t| (t.is_some(), t.as_ref().is_some_and(|t| !t.is_empty())));
        let has_envs = app.import_envs.with(|e| !e.is_empty());
        // The files a compose text reads are part of its input.
        app.import_besides.track();
        if open && !has_text && !has_envs {
            // Loaded while the user pastes or chooses a file, not after. (A file
            // dropped on the page opens the dialog with its text: its import does
            // that work itself.)
            worker::warm();
        }
        if open && (has_text || has_envs) {
            run();
        } else {
            imports.forget();
            result.set(None);
            env_result.set(None);
            // A file chosen that holds nothing says so (rather than nothing at all).
            let file = app.import_file.get();
            failure.set((open && !file.is_empty()).then(|| {
                format!("{file} is empty: there is nothing in it to import. Choose another file, or paste manifests.")
            }));
            checking.set(false);
        }
    });
    let envs_mode = Memo::new(move |_| app.import_envs.with(|e| !e.is_empty()));
    // Files chosen anew, or none: one environment each again, until ticked.
    Effect::new(move |_| {
        if !envs_mode.get() {
            as_one.set(false);
            chosen.set(false);
        }
    });
    // Files that look like parts of one system (one namespace, no object in two of
    // them: a folder of manifests) are imported so, until the user says otherwise.
    Effect::new(move |_| {
        let one_system = env_result.with(|r| r.as_ref().is_some_and(|r| r.import.one_system));
        if one_system && !chosen.get_untracked() && !as_one.get_untracked() {
            as_one.set(true);
            run();
        }
    });
    // Files imported one environment each (not as parts of one system).
    let by_env = Memo::new(move |_| envs_mode.get() && !as_one.get());
    let summary = Memo::new(move |_| {
        if by_env.get() {
            env_result.with(|r| r.as_ref().map(|r| r.summary.clone()))
        } else {
            result.with(|r| r.as_ref().map(|r| r.summary.clone()))
        }
    });
    // Some documents could not be read: the summary, which says so first, is a warning.
    let unreadable = Memo::new(move |_| {
        let any = |docs: &[import::DocumentReport]| docs.iter().any(|d| d.unreadable);
        if by_env.get() {
            env_result.with(|r| {
                (r.iter()).any(|r| r.import.environments.iter().any(|e| any(&e.documents)))
            })
        } else {
            result.with(|r| r.as_ref().is_some_and(|r| any(&r.import.documents)))
        }
    });
    let can_open = Memo::new(move |_| {
        if by_env.get() {
            env_result.with(|r| r.as_ref().is_some_and(|r| r.import.imported() > 0))
        } else {
            result.with(|r| r.as_ref().is_some_and(|r| r.import.imported() > 0))
        }
    });
    let open = move |_| {
        let design = if by_env.get_untracked() {
            env_result.get_untracked().map(|r| r.import.design)
        } else {
            result.get_untracked().map(|r| r.import.design)
        };
        if let Some(design) = design {
            app.open_beside(design);
            app.import_draft.set_value(None);
            app.import_envs.set(Vec::new());
            app.import_besides.set(Default::default());
            app.import.set(None);
        }
    };
    // The environments' files set aside by "Paste text instead", to come back to; and
    // forgotten when new files are chosen or a design is opened.
    let set_aside = RwSignal::new(Vec::<import::Input>::new());
    Effect::new(move |_| {
        if app.import_envs.with(|e| !e.is_empty()) && set_aside.with_untracked(|s| !s.is_empty()) {
            set_aside.set(Vec::new());
        }
    });
    // Each environment's row, by its place: a rename or a removal redraws the rows.
    let rows = move || -> Vec<(usize, import::Input)> {
        app.import_envs.get().into_iter().enumerate().collect()
    };
    // Files chosen or dropped on the dialog: several are environments; one is the text
    // to import, or one more environment when there are some.
    let take = move |files: web_sys::FileList| {
        storage::read_files(files, move |r| match r {
            Ok(mut files) if files.len() == 1 && !app.import_envs.with_untracked(Vec::is_empty) => {
                let (name, text) = files.remove(0);
                app.add_import_environment(name, text);
            }
            Ok(mut files) if files.len() == 1 => {
                let (name, text) = files.remove(0);
                app.import_one_file(name, text);
            }
            Ok(files) if files.len() > 1 => {
                if let Err(m) = app.import_files(files) {
                    failure.set(Some(m));
                }
            }
            Ok(_) => {}
            Err(m) => failure.set(Some(m)),
        });
    };
    let choose = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        if let Some(files) = input.as_ref().and_then(|i| i.files()) {
            take(files);
        }
        // The same file chosen again is a change too.
        if let Some(input) = input {
            input.set_value("");
        }
    };
    // Dropped on the dialog, not on the page behind it (which would open them anew).
    let drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        ev.stop_propagation();
        if let Some(files) = ev
            .data_transfer()
            .and_then(|d| d.files())
            .filter(|f| f.length() > 0)
        {
            take(files);
        }
    };
    view! {
        <Show when=move || app.import.with(Option::is_some)>
            <Modal title="import-title" opener="open-import" class="import" first="textarea, input[type=text]" close=move || app.close_import()>
                    <div class="import-drop" data-testid="import-drop"
                        on:dragover=|ev: leptos::ev::DragEvent| { ev.prevent_default(); ev.stop_propagation(); }
                        on:drop=drop>
                    <h2 id="import-title">"Import manifests or a compose file"</h2>
                    <Show
                        when=move || envs_mode.get()
                        fallback=move || view! {
                            <p class="note">"Paste Kubernetes YAML (several documents, as kubectl takes them) or a docker-compose file, or choose one (a compose file with the files it reads: its .env, env_files and the files it mounts). Choose several files (one per environment, each the output of kustomize build or helm template) to import them as the environments of one design. Nothing leaves your browser."</p>
                            <textarea
                                data-testid="import-text"
                                aria-label="YAML to import"
                                prop:value=move || app.import.get().unwrap_or_default()
                                on:input=move |ev| {
                                    // Edited text is no longer the file's. It is checked as it is
                                    // typed or pasted, so Open needs no Check first.
                                    app.import_file.set(String::new());
                                    app.import_besides.set(Default::default());
                                    app.import.set(Some(event_target_value(&ev)));
                                }
                            ></textarea>
                        }
                    >
                        <p class="note">{move || if as_one.get() && !chosen.get() {
                            "These files look like parts of one system (one namespace, no object in two of them): imported as one design with one environment, each document reported with its file. Untick to import one environment per file."
                        } else if as_one.get() {
                            "The files are parts of one system, imported as one design with one environment; each document is reported with its file."
                        } else {
                            "One environment per file, imported as one design: the first is the design, and what the others change becomes their environment settings. Name each environment (its overlay folder and bundle files are named after it; its namespace stays the one its file uses)."
                        }}</p>
                        <label class="check">
                            <input type="checkbox" data-testid="import-as-one" prop:checked=move || as_one.get()
                                on:change=move |ev| { chosen.set(true); as_one.set(event_target_checked(&ev)); run(); } />
                            " These files are parts of one system: import them as one environment"
                        </label>
                        <table class="import-envs" class:as-one=move || as_one.get() data-testid="import-envs">
                            <thead><tr><th>"Environment"</th><th>"File"</th><th><span class="sr-only">"Order"</span></th><th><span class="sr-only">"Remove"</span></th></tr></thead>
                            <tbody>
                                <For
                                    each=rows
                                    key=|(i, input)| (*i, input.name.clone(), input.file.clone())
                                    children=move |(i, input)| {
                                        let label = format!("Environment of {}", input.file);
                                        view! {
                                            <tr>
                                                <td><input type="text" data-testid="import-env-name" aria-label=label
                                                    prop:value=input.name.clone()
                                                    on:change=move |ev| {
                                                        let name = event_target_value(&ev).trim().to_string();
                                                        app.import_envs.update(|envs| if let Some(e) = envs.get_mut(i) { e.name = name });
                                                    } /></td>
                                                <td class="file">{input.file.clone()}</td>
                                                // The first file is the design: moving one up makes it
                                                // the base the others' differences are read against.
                                                <td>{(i > 0).then(|| view! {
                                                    <button data-testid="import-env-up" title="Move up (the first file is the design)"
                                                        aria-label=format!("Move {} up", input.file)
                                                        on:click=move |_| {
                                                            app.import_envs.update(|envs| if i < envs.len() { envs.swap(i - 1, i) });
                                                            request_animation_frame(move || crate::modal::focus_selector(&format!(
                                                                "[data-testid=\"import-envs\"] tbody tr:nth-child({i}) [data-testid=\"import-env-name\"]"
                                                            )));
                                                        }>"↑"</button>
                                                })}</td>
                                                <td><button data-testid="import-env-remove" title=format!("Leave {} out", input.file)
                                                    aria-label=format!("Remove {}", input.file)
                                                    on:click=move |_| {
                                                        app.import_envs.update(|envs| { if i < envs.len() { envs.remove(i); } });
                                                        // The focus goes to the row now in its place, else the last,
                                                        // else to the text.
                                                        request_animation_frame(move || {
                                                            let left = app.import_envs.with_untracked(Vec::len);
                                                            match left.checked_sub(1).map(|last| i.min(last)) {
                                                                Some(row) => crate::modal::focus_selector(&format!(
                                                                    "[data-testid=\"import-envs\"] tbody tr:nth-child({}) [data-testid=\"import-env-remove\"]",
                                                                    row + 1
                                                                )),
                                                                None => crate::modal::focus_selector("[data-testid=\"import-text\"]"),
                                                            }
                                                        });
                                                    }>"Remove"</button></td>
                                            </tr>
                                        }
                                    }
                                />
                            </tbody>
                        </table>
                    </Show>
                    <div class="row-buttons">
                        <label class="button">
                            {move || match (envs_mode.get(), as_one.get()) {
                                (true, false) => "Add environment file",
                                (true, true) => "Add a file",
                                (false, _) => "Choose files",
                            }}
                            <input type="file" multiple class="sr-only" data-testid="import-file" on:change=choose />
                        </label>
                        <button data-testid="import-run" title="Check again" on:click=move |_| run()>"Check"</button>
                        <Show when=move || envs_mode.get()>
                            <button data-testid="import-one-text" title="Import one text instead; the files stay ready to come back to"
                                on:click=move |_| {
                                    set_aside.set(app.import_envs.get_untracked());
                                    app.import_envs.set(Vec::new());
                                    request_animation_frame(|| crate::modal::focus_selector("[data-testid=\"import-text\"]"));
                                }>"Paste text instead"</button>
                        </Show>
                        <Show when=move || !envs_mode.get() && set_aside.with(|s| !s.is_empty())>
                            <button data-testid="import-back-to-files" title="Back to the environments' files set aside"
                                on:click=move |_| {
                                    app.import_envs.set(set_aside.get_untracked());
                                    request_animation_frame(|| crate::modal::focus_selector("[data-testid=\"import-env-name\"]"));
                                }>
                                {move || format!("Back to the {} files", set_aside.with(Vec::len))}
                            </button>
                        </Show>
                        <button data-testid="import-open" prop:disabled=move || !can_open.get() || checking.get() on:click=open>"Open as a new design"</button>
                        <button data-testid="import-cancel" on:click=move |_| app.close_import()>"Cancel"</button>
                    </div>
                    {move || app.import_besides.with(|b| (!b.is_empty() && !envs_mode.get()).then(|| {
                        let names: Vec<String> = b.keys().map(|k| format!("`{k}`")).collect();
                        view! { <p class="note" data-testid="import-besides">{prose(&format!("Read with it: {}. Choose another file it reads to add it.", names.join(", ")))}</p> }
                    }))}
                    {move || checking.get().then(|| view! { <p class="note" role="status" data-testid="import-checking">"Checking…"</p> })}
                    // (One line for each file refused.)
                    {move || failure.get().map(|m| view! {
                        <div class="error" role="alert" data-testid="import-problem">
                            {m.lines().map(|l| view! { <p>{prose(l)}</p> }).collect_view()}
                        </div>
                    })}
                    {move || summary.get().map(|s| view! { <p class="note" class:warning-note=unreadable data-testid="import-summary">{prose(&s)}</p> })}
                    {move || env_result.with(|r| r.as_ref().is_some_and(|r| r.import.environments.iter().any(|e| !e.not_merged.is_empty())))
                        .then(|| view! {
                            <p class="warning-note" role="status" data-testid="import-env-warning">
                                "Some objects will not render as their files (each environment lists them, with what the export will have instead): review them before you apply the export."
                            </p>
                        })}
                    {move || result.get().filter(|_| !by_env.get()).map(|r| documents_table(r.import.documents))}
                    {move || env_result.get().filter(|_| by_env.get()).map(|r| r.import.environments.into_iter().map(|e| view! {
                        <section class="import-env" data-testid="import-env-report">
                            <h3>"Environment " <code>{e.environment}</code></h3>
                            {(!e.merged.is_empty()).then(|| view! {
                                <p class="note">"Merged as this environment's settings:"</p>
                                <ul class="merged" data-testid="import-env-merged">
                                    {e.merged.into_iter().map(|m| view! { <li>{prose(&m)}</li> }).collect_view()}
                                </ul>
                            })}
                            {(!e.not_merged.is_empty()).then(|| view! {
                                <p class="note">"Not merged (the design renders something else for these):"</p>
                                <ul class="not-merged" data-testid="import-env-not-merged">
                                    {e.not_merged.into_iter().map(|n| view! { <li>{prose(&n.message)}</li> }).collect_view()}
                                </ul>
                            })}
                            {documents_list(e.documents)}
                        </section>
                    }).collect_view())}
                    </div>
            </Modal>
        </Show>
    }
}

/// An import's answer shown: what it imported, or what went wrong instead.
fn show<T: Send + Sync + 'static>(
    answer: Result<T, String>,
    into: RwSignal<Option<T>>,
    checking: RwSignal<bool>,
    failure: RwSignal<Option<String>>,
) {
    checking.try_set(false);
    match answer {
        Ok(answer) => {
            failure.try_set(None);
            into.try_set(Some(answer));
        }
        Err(message) => {
            failure.try_set(Some(message));
            into.try_set(None);
        }
    }
}

/// An environment's documents: their count by outcome, and the table, folded unless
/// something was not imported.
fn documents_list(documents: Vec<import::DocumentReport>) -> impl IntoView {
    let count = |f: fn(&Outcome) -> bool| documents.iter().filter(|d| f(&d.outcome)).count();
    let modelled = count(|o| matches!(o, Outcome::Imported));
    let kept = count(|o| matches!(o, Outcome::Kept(_)));
    let skipped = count(|o| matches!(o, Outcome::Skipped(_)));
    let file = documents
        .first()
        .map(|d| d.file.clone())
        .unwrap_or_default();
    // (Never empty: an environment that imports nothing is refused.)
    let mut line = format!(
        "{file}: {} ({modelled} modelled",
        words::counted(documents.len(), "document")
    );
    if kept > 0 {
        line.push_str(&format!(", {kept} kept whole"));
    }
    if skipped > 0 {
        line.push_str(&format!(", {skipped} not imported"));
    }
    line.push(')');
    view! {
        <details open={skipped > 0}>
            <summary data-testid="import-env-documents">{line}</summary>
            {documents_table(documents)}
        </details>
    }
}

/// The import report's table: each document's place, object and what became of it.
fn documents_table(documents: Vec<import::DocumentReport>) -> impl IntoView {
    view! {
        <table class="import-report" data-testid="import-report">
            <thead><tr><th>"Line"</th><th>"Object"</th><th>"Result"</th></tr></thead>
            <tbody>
                {documents.into_iter().map(|d| {
                    let at = location(&d);
                    let (class, text) = match d.outcome {
                        Outcome::Imported => ("ok", "modelled".to_string()),
                        Outcome::Kept(why) => ("kept", format!("kept whole: {why}")),
                        Outcome::Skipped(why) => ("skipped", format!("not imported: {why}")),
                    };
                    let text = match d.note {
                        Some(note) => format!("{text} ({note})"),
                        None => text,
                    };
                    view! {
                        <tr class=class>
                            <td>{at}</td>
                            <td>{format!("{} {}", d.kind, d.name)}</td>
                            <td>{prose(&text)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Open the first file of a file list (from the picker or a drop); several files, one
/// of them YAML, dropped at once go to the import dialog: a compose file with the files
/// it reads, or manifests as one environment each.
pub fn open_files(app: AppState, files: Option<web_sys::FileList>) {
    let Some(files) = files else { return };
    let yaml = |f: &web_sys::File| !f.name().to_ascii_lowercase().ends_with(".json");
    let all: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    // Several files, one of them YAML: an import of them all (a compose file with the
    // files it reads, an `app.json` among them; or manifests, an environment each).
    // Design files alone open the first.
    if all.len() > 1 && all.iter().any(yaml) {
        storage::read_files(files, move |result| match result {
            Ok(files) => {
                if let Err(message) = app.import_files(files) {
                    app.banner.set(Some(Banner { message, raw: None }));
                }
            }
            Err(message) => app.banner.set(Some(Banner { message, raw: None })),
        });
        return;
    }
    let Some(file) = all.into_iter().next() else {
        return;
    };
    let name = file.name();
    storage::read_file(file, move |result| match result {
        Ok(text) => open_text(app, &name, &text),
        Err(message) => app.banner.set(Some(Banner { message, raw: None })),
    });
}

/// Designs, files and the share link, for the top bar.
#[component]
pub fn DesignControls() -> impl IntoView {
    let app = use_app();
    let slots = Memo::new(move |_| {
        // Re-read after every write so renamed and new designs show.
        app.saves.track();
        app.slot.track();
        storage::slots()
    });
    let switch = move |ev| {
        let Ok(id) = event_target_value(&ev).parse::<u32>() else {
            return;
        };
        match storage::load(id) {
            Ok(Some(design)) => app.switch_to(id, design),
            Ok(None) => app.status.set(Some("that saved design is empty".into())),
            Err(message) => app.banner.set(Some(Banner { message, raw: None })),
        }
    };
    let delete = move |_| {
        let id = app.slot.get_untracked();
        // Nothing brings a forgotten design back: ask first.
        let name = app.editor.with_untracked(|e| e.design.name.clone());
        let question = format!(
            "Delete the saved design “{name}” from this browser? This cannot be undone: use Save first to keep it as a file."
        );
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        if let Err(m) = storage::delete(id) {
            app.status.set(Some(m));
            return;
        }
        // Nothing of the forgotten design is written back.
        app.unsaved.set_value(false);
        let next = storage::slots().into_iter().next_back();
        match next.map(|s: Slot| (s.id, storage::load(s.id))) {
            Some((id, Ok(Some(design)))) => app.switch_to(id, design),
            _ => app.open_new(templates::by_name("empty").unwrap_or_default()),
        }
        // Switching shelved the forgotten design's history: let it go.
        app.shelf.update_value(|s| s.forget(id));
        app.notice
            .set(Some(format!("Deleted the saved design “{name}”")));
    };
    let share = move |_| {
        let url = app.editor.with_untracked(|e| {
            link::link_showing(&storage::page_base(), &e.design, &app.env.get_untracked())
        });
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&url);
        }
        app.share.set(Some(url));
    };
    let save = move |_| {
        let (name, text) = app.editor.with_untracked(|e| {
            (
                format!("{}.kubeprint.json", e.design.name),
                file::to_json(&e.design),
            )
        });
        match storage::download(&name, "application/json", &text) {
            Ok(()) => app.downloaded(&name),
            Err(m) => app.status.set(Some(m)),
        }
    };
    view! {
        // Narrow, so a long name is cut: the whole one shows on hover.
        <select class="designs" data-testid="design-slot" aria-label="Saved designs" on:change=switch
            title=move || slots.with(|slots| {
                let slot = app.slot.get();
                slots.iter().find(|s| s.id == slot).map(|s| format!("{} (#{})", s.name, s.id))
            })>
            {move || slots.get().into_iter().map(|s| {
                let current = s.id == app.slot.get();
                view! { <option value=s.id.to_string() selected=current>{format!("{} (#{})", s.name, s.id)}</option> }
            }).collect_view()}
        </select>
        <button data-testid="delete-design" title="Delete this saved design from this browser (asks first)" on:click=delete>"Delete"</button>
        <button data-testid="save-file" title="Download the design file (JSON, diffs well in git)" on:click=save>"Save"</button>
        <label class="button" title="Open a design file (or drop one on the page)">
            "Open"
            <input type="file" accept=".json,application/json" data-testid="open-file" class="sr-only"
                on:change=move |ev| {
                    let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
                    open_files(app, input.and_then(|i| i.files()));
                } />
        </label>
        <button data-testid="open-import" title="Import Kubernetes YAML or a docker-compose file" on:click=move |_| app.open_import()>"Import"</button>
        <crate::bundle::BundleButton />
        <crate::diagram::DiagramMenu />
        <button data-testid="share" title="Copy a link that carries the whole design" on:click=share>"Share"</button>
    }
}

/// The share-link dialog and the load-problem banner.
#[component]
pub fn Overlays() -> impl IntoView {
    let app = use_app();
    let notes = Memo::new(move |_| app.editor.with(|e| link::notes(&e.design)));
    view! {
        {move || app.banner.get().map(|b| view! {
            <div class="banner" role="alert" data-testid="load-error">
                <span>{prose(&b.message)}</span>
                {b.raw.clone().map(|raw| view! {
                    <details>
                        <summary>"Show the link's text"</summary>
                        <textarea readonly data-testid="load-error-raw">{raw}</textarea>
                    </details>
                })}
                <button on:click=move |_| app.banner.set(None)>"Dismiss"</button>
            </div>
        })}
        {move || app.share.get().map(|url| view! {
            <Modal title="share-title" opener="share" first=".share-link" close=move || app.share.set(None)>
                    <h2 id="share-title">"Share this design"</h2>
                    <p class="note">{format!("The whole design is in the link's #fragment, which browsers never send to a server. {} characters; copied to the clipboard.", url.len())}</p>
                    {link::environment_shown(&url).map(|env| view! {
                        <p class="note" data-testid="share-environment">{prose(&format!("It opens on `{env}`, the environment shown now."))}</p>
                    })}
                    {move || notes.get().into_iter().map(|n| view! { <p class="note">"Note: " {n}</p> }).collect_view()}
                    <input class="share-link" readonly aria-label="Share link" data-testid="share-link" prop:value=url.clone() />
                    <button data-testid="share-close" on:click=move |_| app.share.set(None)>"Close"</button>
            </Modal>
        })}
    }
}

/// The first visit's one line: what Kubeprint is and how to start. Dismissed once, it
/// stays dismissed (remembered in the browser's storage).
#[component]
pub fn Welcome() -> impl IntoView {
    let shown = RwSignal::new(!storage::welcomed());
    move || {
        shown.get().then(|| {
            view! {
                <div class="welcome" role="region" aria-label="Welcome" data-testid="welcome">
                    <span>
                        <b>"Kubeprint"</b>
                        " designs Kubernetes manifests in your browser and checks them as you type. Select a service on the canvas to edit it, or start from a template with "
                        <b>"+ New"</b>
                        "."
                    </span>
                    <button data-testid="welcome-dismiss" on:click=move |_| {
                        storage::set_welcomed();
                        shown.set(false);
                        // The button goes: the keyboard goes to the "+ New" it names.
                        request_animation_frame(|| crate::modal::focus_selector("[data-testid=\"open-gallery\"]"));
                    }>"Got it"</button>
                </div>
            }
        })
    }
}
