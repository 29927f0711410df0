//! Kubeprint in the browser: a thin Leptos layer over `kubeprint-core`.
//!
//! The page holds one design signal; YAML is a memo derived from it. All Kubernetes
//! knowledge lives in core.

use kubeprint_core::{render, templates, Design};
use leptos::prelude::*;

/// The template loaded when the page opens.
const DEFAULT_TEMPLATE: &str = "connectum";

fn main() {
    leptos::mount::mount_to_body(App);
}

/// The whole page.
#[component]
fn App() -> impl IntoView {
    let design = RwSignal::new(templates::by_name(DEFAULT_TEMPLATE).unwrap_or_default());
    let env = RwSignal::new(default_env(&design.get_untracked()));
    let yaml = Memo::new(move |_| render(&design.read(), &env.get()).to_yaml());

    let pick_template = move |name: String| {
        if let Some(d) = templates::by_name(&name) {
            env.set(default_env(&d));
            design.set(d);
        }
    };

    view! {
        <header class="topbar">
            <h1>"Kubeprint"</h1>
            <label>
                "Template "
                <select
                    data-testid="template-picker"
                    on:change=move |ev| pick_template(event_target_value(&ev))
                >
                    {templates::ALL
                        .iter()
                        .map(|t| {
                            view! {
                                <option value=t.name selected=t.name == DEFAULT_TEMPLATE>
                                    {t.title}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </label>
            <EnvSwitcher design env />
        </header>
        <main>
            <section class="yaml-view">
                <h2>{move || format!("{} · {}", design.read().name, env.get())}</h2>
                <pre data-testid="yaml">{yaml}</pre>
            </section>
        </main>
    }
}

/// One button per environment of the design.
#[component]
fn EnvSwitcher(design: RwSignal<Design>, env: RwSignal<String>) -> impl IntoView {
    let names = move || {
        design
            .read()
            .environments
            .iter()
            .map(|e| e.name.clone())
            .collect::<Vec<_>>()
    };
    view! {
        <nav class="envs" aria-label="Environment">
            <For each=names key=|n| n.clone() let:name>
                {
                    let this = name.clone();
                    view! {
                        <button
                            data-testid=format!("env-{name}")
                            class:active=move || env.get() == this
                            on:click=move |_| env.set(name.clone())
                        >
                            {name.clone()}
                        </button>
                    }
                }
            </For>
        </nav>
    }
}

/// Production when the design has it, otherwise its first environment.
fn default_env(d: &Design) -> String {
    d.environment("prod")
        .or(d.environments.first())
        .map(|e| e.name.clone())
        .unwrap_or_default()
}
