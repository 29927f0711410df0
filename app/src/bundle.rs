//! The Bundle dialog: what goes into the zip (Kustomize, Helm chart, Argo CD, Docker
//! Compose), Argo CD's repository settings (saved in the design, bound by `FieldPath`),
//! and the tree of exactly the files the zip will hold, made by core's `bundle_with` in
//! the page's worker, which also makes the zip and reads out any one file to show
//! before the download.
//! Which parts are ticked is a view choice, remembered in the browser's storage.
//!
//! A modal dialog ([`Modal`]): Close, Escape or the backdrop closes it, and focus goes
//! back to the Bundle button.

use crate::fields::{Choice, Field};
use crate::modal::Modal;
use crate::state::use_app;
use crate::storage;
use crate::worker::{self, Answer};
use kubeprint_core::export::{self, Folder, Format, Options};
use kubeprint_core::input::FieldKind;
use kubeprint_core::task::{self, Listing, Task};
use kubeprint_core::FieldPath;
use leptos::prelude::*;
use serde_json::json;

/// Storage keys of the remembered choices.
const FORMATS_KEY: &str = "kubeprint.bundle.formats";
const COMPOSE_ENV_KEY: &str = "kubeprint.bundle.compose-env";

/// The test id of the button that opens the dialog (focus returns to it).
const OPENER: &str = "open-bundle";

/// The formats ticked last time (Kustomize alone at first: today's bundle).
fn remembered_formats() -> Vec<Format> {
    storage::view_setting(FORMATS_KEY)
        .and_then(|text| Format::parse_list(&text).ok())
        .unwrap_or_else(|| vec![Format::Kustomize])
}

/// The Bundle button of the top bar.
#[component]
pub fn BundleButton() -> impl IntoView {
    let app = use_app();
    view! {
        <button
            data-testid=OPENER
            title="Choose what goes into the zip (Kustomize, Helm chart, Argo CD, Docker Compose) and see its files"
            aria-haspopup="dialog"
            on:click=move |_| app.bundle.set(true)
        >"Bundle"</button>
    }
}

/// The dialog, while `AppState::bundle` is set.
#[component]
pub fn BundleDialog() -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.bundle.get()>
            <Dialog />
        </Show>
    }
}

#[component]
fn Dialog() -> impl IntoView {
    let app = use_app();
    let formats = RwSignal::new(remembered_formats());
    let compose_env = RwSignal::new(storage::view_setting(COMPOSE_ENV_KEY));
    let ticked = move |f: Format| formats.with(|fs| fs.contains(&f));
    let toggle = move |f: Format, on: bool| {
        formats.update(|fs| {
            fs.retain(|x| *x != f);
            if on {
                fs.push(f);
                kubeprint_core::order::sort(fs);
            }
        });
        storage::set_view_setting(FORMATS_KEY, &Format::list(&formats.get_untracked()));
    };
    let env_names = Memo::new(move |_| {
        app.editor.with(|e| {
            e.design
                .environments
                .iter()
                .map(|env| env.name.clone())
                .collect::<Vec<_>>()
        })
    });
    // The environment for compose: the remembered one if this design has it, else dev
    // or the first.
    let compose_choice = Memo::new(move |_| {
        let remembered = compose_env.get();
        app.editor.with(|e| {
            remembered
                .filter(|env| e.design.environment(env).is_some())
                .or_else(|| export::default_compose_env(&e.design))
        })
    });
    let options = Memo::new(move |_| {
        let fs = formats.get();
        let env = compose_choice.get();
        app.editor
            .with(|e| Options::for_formats(&e.design, &fs, env.as_deref()))
    });
    // What the zip would hold, or why it cannot be made: the page's worker lists it
    // (None until its first answer), for the newest design and options. With it comes
    // the text of the file shown below (`shown`, by its path in the zip), as `read`.
    // The tree is set only when it changed, so that a click on a file keeps the
    // folders the user unfolded.
    let files = RwSignal::new(None::<Result<Listing, String>>);
    let shown = RwSignal::new(None::<String>);
    let read = RwSignal::new(None::<(String, Result<String, String>)>);
    let trees = worker::Latest::new();
    Effect::new(move |_| {
        let options = options.get();
        let shown = shown.get();
        let design = app.editor.with(|e| e.design.clone());
        trees.send(
            Task::Tree {
                design,
                options,
                shown,
            },
            move |answer| {
                let mut listing = answer.and_then(|a| match a {
                    Answer::Text(reply) => task::tree_answer(&reply),
                    Answer::Bytes(_) => {
                        Err("the file list came back as bytes; reload the page".into())
                    }
                });
                let file = listing.as_mut().ok().and_then(|l| l.shown.take());
                if files.try_with_untracked(|f| f.as_ref() != Some(&listing)) == Some(true) {
                    files.try_set(Some(listing));
                }
                if file.is_some() {
                    read.try_set(file);
                }
            },
        );
    });
    // Errors the rules find in what is exported: said before the download, not after.
    // They come with the list of files, which the worker answers before a zip asked
    // for after it (it does one task at a time, in order): Download stays enabled
    // while the list comes, and a click then is not lost.
    // The worker finds them as it lists the files: it reads the objects kept whole as
    // their types (KP723), which this page's wasm cannot.
    let errors = Memo::new(move |_| {
        files.with(|f| f.as_ref().and_then(|f| f.as_ref().ok()?.errors.clone()))
    });
    let zip_name = Memo::new(move |_| app.editor.with(|e| format!("{}-bundle.zip", e.design.name)));
    let zipping = RwSignal::new(false);
    let download = move |_| {
        let options = options.get_untracked();
        let name = zip_name.get_untracked();
        let design = app.editor.with_untracked(|e| e.design.clone());
        zipping.set(true);
        worker::send(&Task::Zip { design, options }, move |answer| {
            // The dialog may have been closed meanwhile; the download still happens.
            zipping.try_set(false);
            let made = answer.and_then(|a| match a {
                Answer::Bytes(bytes) => Ok(bytes),
                // A zip that cannot be made says why (the button is disabled then).
                Answer::Text(reply) => task::answer::<()>(&reply)
                    .and(Err("the zip came back empty; try again".to_string())),
            });
            match made.and_then(|bytes| storage::download_bytes(&name, "application/zip", &bytes)) {
                Ok(()) => {
                    app.downloaded(&name);
                    app.bundle.set(false);
                }
                Err(m) => app.status.set(Some(m)),
            }
        });
    };
    let check = move |f: Format, hint: &'static str| {
        view! {
            <label class="check bundle-format">
                <input
                    type="checkbox"
                    data-testid=format!("bundle-{}", f.name())
                    prop:checked=move || ticked(f)
                    on:change=move |ev| toggle(f, event_target_checked(&ev))
                />
                <span>{f.title()}</span>
                <span class="hint">{hint}</span>
            </label>
        }
    };
    view! {
        <Modal
            title="bundle-title"
            opener=OPENER
            described_by="bundle-note"
            class="bundle"
            testid="bundle-dialog"
            close=move || app.bundle.set(false)
        >
                <h2 id="bundle-title">"Download a bundle"</h2>
                <p class="note" id="bundle-note">"Every environment's rendered YAML, the design file and a README that says how to apply each part are always in the zip. Choose what else goes in."</p>
                {move || errors.get().map(|said| view! { <p class="note warning-note" role="status" data-testid="bundle-errors">{said}</p> })}
                <div class="bundle-body">
                    <fieldset class="bundle-choices">
                        <legend>"Include"</legend>
                        {check(Format::Kustomize, "base + an overlay per environment")}
                        {check(Format::Helm, "a chart with values per environment")}
                        {check(Format::ArgoCd, "an Application per environment")}
                        <Show when=move || ticked(Format::ArgoCd)>
                            <ArgoSettings />
                        </Show>
                        {check(Format::Compose, "one environment on one machine")}
                        <Show when=move || ticked(Format::Compose)>
                            <label class="field bundle-sub">
                                <span class="label">"Environment"</span>
                                <select
                                    data-testid="bundle-compose-env"
                                    on:change=move |ev| {
                                        let env = event_target_value(&ev);
                                        storage::set_view_setting(COMPOSE_ENV_KEY, &env);
                                        compose_env.set(Some(env));
                                    }
                                >
                                    {move || env_names.get().into_iter().map(|name| {
                                        let selected = compose_choice.get().as_deref() == Some(name.as_str());
                                        view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                        </Show>
                    </fieldset>
                    <section class="bundle-tree" aria-labelledby="bundle-tree-title">
                        <h3 id="bundle-tree-title">"Files in the zip"</h3>
                        {move || match files.get() {
                            None => view! {
                                <p class="note" role="status" data-testid="bundle-listing">"Listing the files…"</p>
                            }.into_any(),
                            Some(Ok(Listing { tree, .. })) => view! {
                                <p class="note" data-testid="bundle-count">
                                    {kubeprint_core::words::counted(tree.count(), "file")}
                                </p>
                                <ul class="tree" data-testid="bundle-tree">{folder_view(tree, 0, shown)}</ul>
                            }.into_any(),
                            Some(Err(message)) => view! {
                                <p class="error bundle-problem" role="alert" data-testid="bundle-problem">{message}</p>
                            }.into_any(),
                        }}
                    </section>
                </div>
                // Shown while the bundle can be made (else the problem above says why).
                {move || shown.get().filter(|_| !files.with(|f| matches!(f, Some(Err(_))))).map(|path| {
                    let name = path.split_once('/').map_or(path.as_str(), |(_, p)| p).to_string();
                    view! {
                        <section class="bundle-preview" aria-labelledby="bundle-preview-title">
                            <div class="bundle-preview-head">
                                <h3 id="bundle-preview-title" data-testid="bundle-file-name">{name}</h3>
                                <button data-testid="bundle-file-close" on:click=move |_| shown.set(None)>"Hide"</button>
                            </div>
                            {move || match read.get() {
                                Some((p, Ok(text))) if p == path => view! {
                                    <pre class="bundle-file" tabindex="0" aria-labelledby="bundle-preview-title" data-testid="bundle-file">{text}</pre>
                                }.into_any(),
                                Some((p, Err(message))) if p == path => view! {
                                    <p class="error bundle-problem" role="alert" data-testid="bundle-file-problem">{message}</p>
                                }.into_any(),
                                _ => view! { <p class="note" role="status">"Reading the file…"</p> }.into_any(),
                            }}
                        </section>
                    }
                })}
                <div class="row-buttons">
                    <button
                        class="primary"
                        data-testid="download-bundle"
                        prop:disabled=move || zipping.get() || files.with(|f| matches!(f, Some(Err(_))))
                        on:click=download
                    >{move || format!("Download {}", zip_name.get())}</button>
                    <button data-testid="bundle-close" on:click=move |_| app.bundle.set(false)>"Close"</button>
                </div>
        </Modal>
    }
}

/// Argo CD's settings: the design's, so they are saved with it and undone like any edit.
#[component]
fn ArgoSettings() -> impl IntoView {
    let app = use_app();
    let envs = Memo::new(move |_| {
        app.editor.with(|e| {
            e.design
                .environments
                .iter()
                .map(|env| (env.name.clone(), env.tier))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <div class="bundle-sub bundle-argocd">
            <Field
                label="Repository URL"
                path=FieldPath::design("/gitops/repo_url")
                kind=FieldKind::Text
                placeholder="https://github.com/acme/shop.git"
                title="The Git repository Argo CD pulls this bundle from: https://…, ssh://… or git@host:org/repo.git"
            />
            <Field
                label="Folder in the repository"
                path=FieldPath::design("/gitops/path")
                kind=FieldKind::Text
                placeholder="(the root)"
                title="Where this bundle's files are committed in the repository"
            />
            <div class="bundle-pair">
            <Field
                label="Revision"
                path=FieldPath::design("/gitops/revision")
                kind=FieldKind::Text
                placeholder="main"
                title="The branch, tag or commit Argo CD follows; HEAD is the default branch"
            />
            <Field
                label="Argo CD namespace"
                path=FieldPath::design("/gitops/argocd_namespace")
                kind=FieldKind::Text
                title="The namespace Argo CD runs in; the Applications and the AppProject go there"
            />
            </div>
            <Choice
                label="Deploys"
                path=FieldPath::design("/gitops/source")
                options=vec![("the Kustomize overlays", json!("kustomize")), ("the Helm chart", json!("helm"))]
            />
            <div class="bundle-sync" role="group" aria-label="How Argo CD syncs each environment">
            <For
                each=move || envs.get()
                key=|(name, tier)| (name.clone(), *tier)
                children=move |(name, tier)| view! {
                    <Choice
                        label=format!("Sync {name}")
                        path=FieldPath::environment(&name, "/argocd_sync")
                        options=vec![
                            (kubeprint_core::presets::argocd_sync_by_tier(tier), json!("by_tier")),
                            ("automated", json!("automated")),
                            ("manual", json!("manual")),
                        ]
                    />
                }
            />
            </div>
        </div>
    }
}

/// A folder's folders and files as list items; folders below the first two levels
/// start folded. A file is a button that shows it (`shown`).
fn folder_view(folder: Folder, depth: usize, shown: RwSignal<Option<String>>) -> AnyView {
    let count = kubeprint_core::words::counted(folder.count(), "file");
    let folders = folder
        .folders
        .into_iter()
        .map(|f| folder_view(f, depth + 1, shown))
        .collect_view();
    let files = folder
        .files
        .into_iter()
        .map(|path| {
            let name = path.rsplit('/').next().unwrap_or_default().to_string();
            // Several folders hold a `prod.yaml`: the label names the whole path.
            let label = format!(
                "Show {}",
                path.split_once('/').map_or(path.as_str(), |(_, p)| p)
            );
            let (this, open) = (path.clone(), path.clone());
            let current = move || shown.with(|s| s.as_deref() == Some(this.as_str()));
            view! {
                <li class="tree-file" data-path=path>
                    <button
                        class="tree-file-open"
                        aria-label=label
                        aria-current=move || current().then_some("true")
                        on:click=move |_| {
                            shown.set(Some(open.clone()));
                            // Into view when the dialog scrolls (a tall list of choices).
                            request_animation_frame(|| {
                                let preview = document().query_selector(".bundle-preview").ok().flatten();
                                if let Some(el) = preview {
                                    let options = web_sys::ScrollIntoViewOptions::new();
                                    options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                                    el.scroll_into_view_with_scroll_into_view_options(&options);
                                }
                            });
                        }
                    >{name}</button>
                </li>
            }
        })
        .collect_view();
    view! {
        <li class="tree-folder" data-path=folder.path>
            <details open=depth < 2>
                <summary>{format!("{}/", folder.name)} <span class="count">{count}</span></summary>
                <ul>{folders}{files}</ul>
            </details>
        </li>
    }
    .into_any()
}
