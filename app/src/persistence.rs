//! Where the design comes from when the page opens, where it goes on every change, and
//! the controls for links, files and saved designs.

use crate::modal::Modal;
use crate::state::{use_app, AppState, Banner};
use crate::storage::{self, Slot};
use crate::worker::{self, Answer};
use kubeprint_core::import::{self, Outcome};
use kubeprint_core::task::{self, Task};
use kubeprint_core::{file, link, templates, Design};
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// The design to show first: the one in the link, else the autosaved one, else the
/// example. Returns it, its storage slot, and a problem to show, if any.
pub fn startup(example: &str) -> (Design, u32, Option<Banner>) {
    let mut banner = None;
    let fragment = storage::fragment();
    if !fragment.is_empty() && !fragment.starts_with("bench") {
        storage::clear_fragment();
        match link::decode(&fragment) {
            Ok(design) => {
                let slot = storage::slot_holding(&design)
                    .or_else(|| storage::new_slot(&design.name).ok())
                    .unwrap_or(0);
                return (design, slot, None);
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
    if let Some(slot) = storage::current_slot() {
        match storage::load(slot) {
            Ok(Some(design)) => return (design, slot, instead(banner, "Your last design")),
            Ok(None) => {}
            Err(message) => {
                banner = Some(Banner { message, raw: None });
            }
        }
    }
    let design = templates::by_name(example).unwrap_or_default();
    let slot = storage::new_slot(&design.name).unwrap_or(0);
    (design, slot, instead(banner, "The example design"))
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
            match storage::slot_holding(&design) {
                // Opened before and not changed since: that saved design, not a copy.
                Some(slot) => app.switch_to(slot, design),
                None => app.open_new(design),
            }
        }
        Err(e) => app.banner.set(Some(Banner {
            message: format!("This link could not be opened: {e}. Your design is unchanged."),
            raw: Some(fragment.to_string()),
        })),
    }
}

/// How long the page waits after the last change before writing the design: typing
/// never waits on serializing and storing it (megabytes at 1,000 services).
const AUTOSAVE_DELAY: std::time::Duration = std::time::Duration::from_millis(400);

/// Writes the design to storage once the page is idle after changes, and at once when
/// the page is hidden or left (`pagehide`, `visibilitychange`), so no edit is lost to a
/// reload or a closed tab. Replacing the design writes the old one first
/// ([`AppState::switch_to`]).
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
    let hide = window_event_listener_untyped("pagehide", move |_| flush(app));
    let hidden = window_event_listener_untyped("visibilitychange", move |_| {
        if document().hidden() {
            flush(app);
        }
    });
    on_cleanup(move || {
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
        if let Ok(Some(design)) = storage::load(slot) {
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
        Ok(()) => {
            app.unsaved.set_value(false);
            app.saves.update(|n| *n += 1);
        }
        Err(message) => app.status.set(Some(message)),
    }
}

/// Open a file's text as a new design; YAML (manifests or compose) goes to the import
/// dialog; anything else is explained.
pub(crate) fn open_text(app: AppState, name: &str, text: &str) {
    match file::from_json(text) {
        Ok(design) => app.open_new(design),
        Err(file::LoadError::NotJson(_)) if !name.ends_with(".json") => {
            app.import_file.set(name.to_string());
            app.import.set(Some(text.to_string()))
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
/// each document and what the rules find, then open it as a new design.
#[component]
pub fn ImportDialog() -> impl IntoView {
    let app = use_app();
    let result = RwSignal::new(None::<task::Imported>);
    // The import runs in the page's worker, one text at a time: while one is checked,
    // the newest text waits, and the answer shown is always the newest text's.
    let imports = worker::Latest::new();
    let checking = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let run = move || {
        let text = app.import.get_untracked().unwrap_or_default();
        let file = app.import_file.get_untracked();
        checking.set(true);
        imports.send(Task::Import { file, text }, move |answer| {
            checking.try_set(false);
            let answer = answer.and_then(|a| match a {
                Answer::Text(reply) => task::import_answer(&reply),
                Answer::Bytes(_) => Err("the import answered with bytes; reload the page".into()),
            });
            match answer {
                Ok(import) => {
                    failure.try_set(None);
                    result.try_set(Some(import));
                }
                Err(message) => {
                    failure.try_set(Some(message));
                    result.try_set(None);
                }
            }
        });
    };
    // Every new text is imported, once: typed or pasted, chosen, or a YAML file dropped
    // on the page. Without text (a new or closed dialog) nothing is shown.
    Effect::new(move |_| {
        let (open, has_text) = app
            .import
            .with(|t| (t.is_some(), t.as_ref().is_some_and(|t| !t.is_empty())));
        if open && !has_text {
            // Loaded while the user pastes or chooses a file, not after. (A file
            // dropped on the page opens the dialog with its text: its import does
            // that work itself.)
            worker::warm();
        }
        if has_text {
            run();
        } else {
            imports.forget();
            result.set(None);
            failure.set(None);
            checking.set(false);
        }
    });
    let summary = Memo::new(move |_| result.with(|r| r.as_ref().map(|r| r.summary.clone())));
    view! {
        <Show when=move || app.import.with(Option::is_some)>
            <Modal title="import-title" opener="open-import" class="import" first="textarea" close=move || app.close_import()>
                    <h2 id="import-title">"Import manifests or a compose file"</h2>
                    <p class="note">"Paste Kubernetes YAML (several documents, as kubectl takes them) or a docker-compose file, or choose one. Nothing leaves your browser."</p>
                    <textarea
                        data-testid="import-text"
                        aria-label="YAML to import"
                        prop:value=move || app.import.get().unwrap_or_default()
                        on:input=move |ev| {
                            // Edited text is no longer the file's. It is checked as it is
                            // typed or pasted, so Open needs no Check first.
                            app.import_file.set(String::new());
                            app.import.set(Some(event_target_value(&ev)));
                        }
                    ></textarea>
                    <div class="row-buttons">
                        <label class="button">
                            "Choose file"
                            <input type="file" accept=".yaml,.yml,.json" class="sr-only" data-testid="import-file"
                                on:change=move |ev| {
                                    let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
                                    let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) else { return };
                                    let name = file.name();
                                    storage::read_file(file, move |r| match r {
                                        Ok(text) => {
                                            app.import_file.set(name);
                                            app.import.set(Some(text));
                                        }
                                        Err(m) => app.status.set(Some(m)),
                                    });
                                } />
                        </label>
                        <button data-testid="import-run" title="Check the text again" on:click=move |_| run()>"Check"</button>
                        <button
                            data-testid="import-open"
                            prop:disabled=move || result.with(|r| r.as_ref().is_none_or(|r| r.import.imported() == 0))
                            on:click=move |_| {
                                if let Some(r) = result.get_untracked() {
                                    app.open_new(r.import.design);
                                    app.import_draft.set_value(None);
                                    app.import.set(None);
                                }
                            }
                        >"Open as a new design"</button>
                        <button data-testid="import-cancel" on:click=move |_| app.close_import()>"Cancel"</button>
                    </div>
                    {move || checking.get().then(|| view! { <p class="note" role="status" data-testid="import-checking">"Checking…"</p> })}
                    {move || failure.get().map(|m| view! { <p class="error" role="alert" data-testid="import-problem">{m}</p> })}
                    {move || summary.get().map(|s| view! { <p class="note" data-testid="import-summary">{s}</p> })}
                    {move || result.get().map(|r| view! {
                        <table class="import-report" data-testid="import-report">
                            <thead><tr><th>"Line"</th><th>"Object"</th><th>"Result"</th></tr></thead>
                            <tbody>
                                {r.import.documents.into_iter().map(|d| {
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
                                            <td>{text}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    })}
            </Modal>
        </Show>
    }
}

/// Open the first file of a file list (from the picker or a drop).
pub fn open_files(app: AppState, files: Option<web_sys::FileList>) {
    let Some(file) = files.and_then(|f| f.get(0)) else {
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
        let url = app
            .editor
            .with_untracked(|e| link::link(&storage::page_base(), &e.design));
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
        <select class="designs" data-testid="design-slot" aria-label="Saved designs" on:change=switch>
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
                <span>{b.message.clone()}</span>
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
                    }>"Got it"</button>
                </div>
            }
        })
    }
}
