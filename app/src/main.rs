//! Kubeprint in the browser: a thin Leptos layer over `kubeprint-core`.
//!
//! One editor signal holds the design and its history (`state.rs`); findings and YAML
//! are memos over it. Components only read signals and dispatch `Edit`s. All
//! Kubernetes knowledge lives in core.

mod bench;
mod bench_canvas;
mod bundle;
mod canvas;
mod config;
mod delivery;
mod diagram;
mod fields;
mod help;
mod inspector;
mod modal;
mod panels;
mod panes;
mod persistence;
mod pod;
mod prose;
mod route;
mod state;
mod storage;
mod worker;

use canvas::{Canvas, EdgeSelection};
use inspector::Inspector;
use kubeprint_core::Edit;
use leptos::prelude::*;
use panels::{BottomPanel, Environments, Findings, Gallery, YamlView};
use state::{use_app, AppState, Side};
use wasm_bindgen::JsCast;

/// The template loaded when the page opens.
const DEFAULT_TEMPLATE: &str = "connectum";

fn main() {
    // When the wasm is compiled and running: the cold-load measurement
    // (scripts/cold-load.js) splits its time at this mark.
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark("kubeprint-start");
    }
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    if hash == "#bench" || hash.starts_with("#bench=") {
        leptos::mount::mount_to_body(bench::BenchPage);
    } else if let Some(n) = bench_canvas::count(&hash) {
        leptos::mount::mount_to_body(move || bench_canvas::page(n));
    } else {
        leptos::mount::mount_to_body(App);
    }
}

/// How long a notice shows.
const NOTICE_TIME: std::time::Duration = std::time::Duration::from_secs(8);

/// The whole designer.
#[component]
fn App() -> impl IntoView {
    let persistence::Startup {
        design,
        slot,
        banner,
        env: link_env,
    } = persistence::startup(DEFAULT_TEMPLATE);
    let app = AppState::new(design, slot);
    // A reload keeps the undo history (in this tab).
    let kept = app
        .editor
        .with_untracked(|e| persistence::kept_history(slot, &e.design));
    if let Some(editor) = kept {
        app.editor.set(editor);
    }
    // And the environment it showed, or the one its link opens on.
    let viewed = app
        .editor
        .with_untracked(|e| persistence::viewed_environment(slot, &e.design));
    if let Some(env) = link_env.or(viewed) {
        app.env.set(env);
    }
    app.banner.set(banner);
    provide_context(app);
    persistence::autosave(app);
    persistence::keep_viewed_environment(app);
    persistence::follow_other_tabs(app);
    // A notice floats over the panels: it is news for a few seconds, then it goes.
    Effect::new(move |_| {
        if let Some(text) = app.notice.get() {
            set_timeout(
                move || {
                    if app.notice.get_untracked().as_deref() == Some(text.as_str()) {
                        app.notice.set(None);
                    }
                },
                NOTICE_TIME,
            );
        }
    });
    persistence::follow_links(app);
    let edge_sel = EdgeSelection(RwSignal::new(None));
    provide_context(edge_sel);
    panels::focus_requested_field();
    panels::show_changed_field();
    keyboard_shortcuts(app, edge_sel);
    panes::provide();
    view! {
        <Header />
        <persistence::Welcome />
        <persistence::Overlays />
        <Layout />
        <Gallery />
        <persistence::ImportDialog />
        <bundle::BundleDialog />
        <help::Shortcuts />
    }
}

/// The working area: canvas and bottom panel, inspector, findings and YAML. Needs an
/// [`AppState`] and an [`EdgeSelection`] in context; the benchmark page mounts it alone.
#[component]
fn Layout() -> impl IntoView {
    let app = use_app();
    let panes = use_context::<panes::Panes>().unwrap_or_else(panes::provide);
    // A finding asks for its field: the inspector must be shown for that.
    Effect::new(move |_| {
        if app.focus.with(Option::is_some) {
            panes.show_inspector();
        }
    });
    view! {
        <main
            class="layout"
            class:stacked=move || panes.stacked()
            style:grid-template-columns=move || panes.columns()
            on:dragover=|ev: leptos::ev::DragEvent| ev.prevent_default()
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                persistence::open_files(app, ev.data_transfer().and_then(|d| d.files()));
            }
        >
            <div class="col-canvas">
                <Canvas />
                <BottomPanel />
            </div>
            <Show when=move || panes.get().inspector_open>
                <panes::Splitter pane=panes::Pane::Inspector />
                {move || match app.side.get() {
                    Side::Inspector => view! { <Inspector /> }.into_any(),
                    Side::Environments => view! { <Environments /> }.into_any(),
                    Side::Config => view! { <config::ConfigPage /> }.into_any(),
                }}
            </Show>
            <Show when=move || panes.get().output_open>
                <panes::Splitter pane=panes::Pane::Output />
                <div class="col-output">
                    <Findings />
                    <YamlView />
                </div>
            </Show>
        </main>
    }
}

#[component]
fn Header() -> impl IntoView {
    let app = use_app();
    let panes = panes::use_panes();
    let envs = Memo::new(move |_| {
        app.editor.with(|e| {
            e.design
                .environments
                .iter()
                .map(|env| {
                    (
                        env.name.clone(),
                        kubeprint_core::presets::environment_summary(&e.design, env),
                        env.services_overridden(),
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    let theme = RwSignal::new("auto");
    Effect::new(move |_| {
        let t = theme.get();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", t);
        }
    });
    view! {
        <header class="topbar">
            <h1>"Kubeprint"</h1>
            <fields::Field label="Design" path=kubeprint_core::FieldPath::design("/name") kind=kubeprint_core::input::FieldKind::Text compact=true title="The design's name: the app.kubernetes.io/part-of label of every object, and the name of saved files" />
            <persistence::DesignControls />
            <button data-testid="open-gallery" on:click=move |_| app.gallery.set(true)>"+ New"</button>
            <button data-testid="undo" title="Undo (Ctrl+Z)" aria-label="Undo" prop:disabled=move || !app.editor.with(|e| e.can_undo()) on:click=move |_| app.undo()>"↶"</button>
            <button data-testid="redo" title="Redo (Ctrl+Shift+Z)" aria-label="Redo" prop:disabled=move || !app.editor.with(|e| e.can_redo()) on:click=move |_| app.redo()>"↷"</button>
            <nav class="envs" aria-label="Environment">
                <For each=move || envs.get() key=|e| e.clone() let:env>
                    {
                        let (name, summary, overrides) = env;
                        let this = name.clone();
                        view! {
                            <button
                                data-testid=format!("env-{name}")
                                title=summary.clone()
                                aria-label=summary
                                aria-pressed=move || (app.env.get() == this).to_string()
                                class:active={ let this = name.clone(); move || app.env.get() == this }
                                on:click={ let name = name.clone(); move |_| app.env.set(name.clone()) }
                            >
                                {name.clone()}
                                // What the environment sets its own way, as a difference (not a count of
                                // problems, which the findings' colours are).
                                {(overrides > 0).then(|| view! { <span class="override-count" data-testid="env-overrides" aria-hidden="true">{format!("Δ{overrides}")}</span> })}
                            </button>
                        }
                    }
                </For>
            </nav>
            <button data-testid="open-config" class="icon" aria-label="Config and secrets" title="Config and secrets: ConfigMap keys and values, each environment's own, Secret keys, objects kept whole" on:click=move |_| {
                app.side.set(Side::Config);
                panes.show_inspector();
                // Into the page, whose fields are far from the top bar in Tab order: its
                // first value, else (no key yet) its first field.
                request_animation_frame(|| {
                    modal::focus_first(&[".config-page .config-key textarea", ".config-page .sections input"])
                });
            }>"{}"</button>
            <button data-testid="open-environments" class="icon" aria-label="Environments" title="Environments: names, namespaces, overrides, monitoring" on:click=move |_| { app.side.set(Side::Environments); panes.show_inspector(); }>"⚙"</button>
            <button data-testid="open-shortcuts" class="icon" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" on:click=move |_| app.shortcuts.set(true)>"?"</button>
            <span class="notice" role="status" aria-live="polite" data-testid="notice" title=move || app.notice.get()>{move || prose::maybe_prose(app.notice.get())}</span>
            <span class="status" role="status" data-testid="status" title=move || app.status.get()>{move || app.status.get()}</span>
            <select class="theme" aria-label="Colour theme" title="Colour theme" on:change=move |ev| theme.set(match event_target_value(&ev).as_str() { "light" => "light", "dark" => "dark", _ => "auto" })>
                <option value="auto">"Auto"</option>
                <option value="light">"Light"</option>
                <option value="dark">"Dark"</option>
            </select>
        </header>
    }
}

/// Closes an open menu (a `<details class="menu">`, such as Diagram), leaving the focus
/// on its button when it was inside.
fn close_menus() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(Some(menu)) = doc.query_selector("details.menu[open]") else {
        return;
    };
    let had_focus = doc
        .active_element()
        .is_some_and(|f| menu.contains(Some(&f)));
    let _ = menu.remove_attribute("open");
    if had_focus {
        if let Some(summary) = menu
            .query_selector("summary")
            .ok()
            .flatten()
            .and_then(|s| s.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = summary.focus();
        }
    }
}

/// Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z or Ctrl+Y redo, Delete/Backspace removes the
/// selected service or edge (from the canvas, not while typing in a field or from a
/// panel's button); Escape closes dialogs and menus.
fn keyboard_shortcuts(app: AppState, edge_sel: EdgeSelection) {
    let handle = window_event_listener(leptos::ev::keydown, move |ev| {
        let target = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok());
        let typing = target
            .as_ref()
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        // Delete removes what is selected on the canvas while the canvas (or nothing)
        // has the focus: not from a button of a panel, where it would remove a service
        // the panel is not about.
        let on_canvas = target.as_ref().is_none_or(|el| {
            matches!(el.tag_name().as_str(), "BODY" | "HTML")
                || el.closest(".canvas-wrap").ok().flatten().is_some()
        });
        // A field that applies on Enter and holds text not applied yet, or one holding a
        // value it refused (whose own handler may have taken the key already): Ctrl+Z
        // undoes the typing there, as in any text field, not an earlier change of the
        // design.
        let pending = ev.default_prevented()
            || target.as_ref().is_some_and(|el| {
                el.get_attribute("data-pending").as_deref() == Some("true")
                    || el.get_attribute("aria-invalid").as_deref() == Some("true")
            });
        let key = ev.key();
        let modifier = ev.ctrl_key() || ev.meta_key();
        if modifier && (key == "z" || key == "Z") && !pending {
            ev.prevent_default();
            if ev.shift_key() {
                app.redo();
            } else {
                app.undo();
            }
        } else if key == "F6" && !modal::dialog_open() {
            ev.prevent_default();
            modal::focus_region(ev.shift_key());
        } else if key == "?" && !modifier && !typing && !modal::dialog_open() {
            ev.prevent_default();
            app.shortcuts.set(true);
        } else if modifier && key == "y" {
            ev.prevent_default();
            app.redo();
        } else if !typing && on_canvas && (key == "Delete" || key == "Backspace") {
            if let Some((from, to)) = edge_sel.0.get_untracked() {
                let edge = app.editor.with_untracked(|e| {
                    e.design
                        .edges
                        .iter()
                        .find(|x| x.from == from && x.to == to)
                        .cloned()
                });
                if let Some(edge) = edge {
                    app.dispatch(Edit::RemoveEdge(edge));
                }
                edge_sel.0.set(None);
            } else if let Some(id) = app.selected() {
                app.remove_service(id);
            }
        } else if key == "Escape" {
            app.gallery.set(false);
            app.close_import();
            app.share.set(None);
            app.bundle.set(false);
            app.shortcuts.set(false);
            close_menus();
        }
    });
    on_cleanup(move || handle.remove());
}
