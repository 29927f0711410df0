//! The design's ConfigMaps and Secrets: every key with its value, the values the
//! environment shown has of its own (an overlay's `LOG_LEVEL`), and the key names of
//! each Secret (values never enter a design). Every input has the id of the path it
//! edits, so a finding about a key focuses it.

use crate::fields::{Check, Field, Rename};
use crate::state::{use_app, Side};
use kubeprint_core::edit::{Edit, Target};
use kubeprint_core::input::FieldKind as K;
use kubeprint_core::model::{ConfigMapDef, SecretDef};
use kubeprint_core::FieldPath;
use leptos::prelude::*;
use serde_json::Value;

/// The ConfigMaps and Secrets page, beside the canvas where the inspector is.
#[component]
pub fn ConfigPage() -> impl IntoView {
    let app = use_app();
    let maps = Memo::new(move |_| {
        app.editor.with(|e| {
            (e.design.config_maps.iter())
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let secrets = Memo::new(move |_| {
        app.editor.with(|e| {
            (e.design.secrets.iter())
                .map(|c| c.name.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <aside class="inspector config-page" aria-label="Config and secrets">
            <div class="inspector-head"><h2>"Config and secrets"</h2>
                <button on:click=move |_| app.side.set(Side::Inspector)>"Back to inspector"</button>
            </div>
            <div class="sections">
                <For each=move || maps.get() key=|n| n.clone() let:name>
                    <ConfigMapSection name />
                </For>
                <section class="section"><NewObject secret=false /></section>
                <For each=move || secrets.get() key=|n| n.clone() let:name>
                    <SecretSection name />
                </For>
                <section class="section"><NewObject secret=true /></section>
                <KeptObjects />
            </div>
        </aside>
    }
}

/// One ConfigMap: a row per key with the design's value and the shown environment's
/// own (empty: the design's), a key added by name, the ConfigMap removed.
#[component]
fn ConfigMapSection(name: String) -> impl IntoView {
    let app = use_app();
    let cm = StoredValue::new(name.clone());
    // The design's keys, then those only some environments have, this one or others.
    let keys = Memo::new(move |_| {
        let env = app.env.get();
        app.editor
            .with(|e| cm.with_value(|n| key_rows(&e.design, n, &env)))
    });
    let remove_key = move |key: String| {
        let name = cm.get_value();
        // Then the focus goes to the next key's value, or to adding one.
        let next = keys.with_untracked(|keys| {
            let at = keys.iter().position(|r| r.key == key)?;
            let next = keys
                .get(at + 1)
                .or_else(|| at.checked_sub(1).and_then(|i| keys.get(i)))?;
            Some(format!(
                "[id=\"{}\"]",
                FieldPath::config_value(&name, &next.key)
            ))
        });
        let next = next.unwrap_or_else(|| format!("input[data-testid=\"new-key-{name}\"]"));
        let edit = Edit::RemoveKey {
            config_map: name.clone(),
            key: key.clone(),
        };
        if app.try_dispatch(edit).is_ok() {
            request_animation_frame(move || crate::modal::focus_selector(&next));
            app.notice.set(Some(format!(
                "Removed key `{key}` of `{name}`: Ctrl+Z brings it back"
            )));
        }
    };
    let remove = name.clone();
    view! {
        <section class="section config-map" id=format!("config_maps/{name}") data-testid=format!("config-map-{name}")>
            <h3>"ConfigMap " <code>{name.clone()}</code></h3>
            // Renamed when left or on Enter: its readers follow the new name.
            <Field label="Name (its readers follow)" path=FieldPath { target: Target::ConfigMap(name.clone()), pointer: "/name".into() } kind=K::Text on_commit=true />
            <div class="row config-columns" aria-hidden="true">
                <span>"Every environment"</span>
                <span>{move || format!("{}'s own (empty: every environment's)", app.env.get())}</span>
            </div>
            // A row is drawn anew when its kind changes (left out, the design's or not),
            // not when another environment's value comes or goes, which would take the
            // keyboard from a value being typed: its badge follows by itself.
            <For each=move || keys.get() key=|r| (r.env.clone(), r.key.clone(), r.theirs, r.left_out) let:row>
                {
                    let KeyRow { env, key, theirs, left_out, .. } = row;
                    let of = key.clone();
                    let badge = move || keys.with(|rows| {
                        let row = rows.iter().find(|r| r.key == of)?;
                        let badge = row.badge.clone()?;
                        Some(view! { <span class="only-here">{badge}</span> })
                    });
                    let n = cm.get_value();
                    let design_path = FieldPath::config_value(&n, &key);
                    let own_path = FieldPath::environment_config_value(&env, &n, &key);
                    let label = format!("{key} in {env}");
                    // A key not every environment has: no value for the others, which
                    // an empty box would not tell from an empty value.
                    let shared = if theirs { "(none)" } else { "" };
                    // Empty, the environment renders every environment's value.
                    let own_placeholder = if theirs { "(none)" } else { "(every environment's)" };
                    // A key of the design's: left out of the shown environment, or not.
                    let leave = (!theirs).then(|| {
                        let (env, n, key) = (env.clone(), n.clone(), key.clone());
                        let (text, title) = if left_out {
                            (format!("Put back in {env}"), format!("{env} renders this key again, with every environment's value"))
                        } else {
                            (format!("Leave out of {env}"), format!("{env} renders every other key of {n} (and drops its own value of this one); the other environments keep it"))
                        };
                        let testid = format!("leave-out-{n}-{key}");
                        view! {
                            <button class="leave-out" data-testid=testid title=title on:click=move |_| {
                                let edit = Edit::LeaveOutKey { env: env.clone(), config_map: n.clone(), key: key.clone(), out: !left_out };
                                let had = app.editor.with_untracked(|e| {
                                    let own = e.design.environment(&env)?.own_config_value(&n, &key)?;
                                    Some(own.to_string())
                                });
                                if app.try_dispatch(edit).is_ok() {
                                    let done = if left_out { "put back in" } else { "left out of" };
                                    let dropped = match (had, left_out) {
                                        (Some(value), false) => format!(", and its own value `{value}` dropped"),
                                        _ => String::new(),
                                    };
                                    app.notice.set(Some(format!("`{key}` of `{n}` {done} {env}{dropped}: Ctrl+Z undoes it")));
                                    let again = format!("[data-testid=\"leave-out-{n}-{key}\"]");
                                    request_animation_frame(move || crate::modal::focus_selector(&again));
                                }
                            }>{text}</button>
                        }
                    });
                    let own_value = if left_out {
                        view! { <p class="left-out-note">{format!("{env} leaves this key out")}</p> }.into_any()
                    } else {
                        view! { <Field label=label path=own_path kind=K::OptionalVerbatim multiline=true placeholder=own_placeholder /> }.into_any()
                    };
                    let gone = key.clone();
                    let (n_edit, from, n_focus) = (n.clone(), key.clone(), n.clone());
                    // The leave-out and remove buttons come after the values (Tab
                    // order), drawn at the row's top right.
                    view! {
                        <div class="config-key" data-key=key.clone()>
                            <div class="config-key-head">
                                <Rename
                                    label="Key"
                                    id=None
                                    testid=format!("key-name-{n}-{key}")
                                    current=key.clone()
                                    edit=move |to: String| Edit::RenameKey { secret: false, object: n_edit.clone(), from: from.clone(), to }
                                    renamed=move |to: &str| format!("input[data-testid=\"key-name-{n_focus}-{to}\"]")
                                />
                                {badge}
                            </div>
                            <div class="row" class:left-out=left_out>
                                // A key not the design's becomes the design's with its first
                                // character, which draws its row anew: committed when left.
                                <Field label=key.clone() path=design_path kind=K::Verbatim multiline=true placeholder=shared on_commit=theirs />
                                {own_value}
                            </div>
                            {leave}
                            <button class="remove" aria-label=format!("Remove key {key}") title="Remove this key, in every environment"
                                on:click=move |_| remove_key(gone.clone())>"✕"</button>
                        </div>
                    }
                }
            </For>
            <NewKey cm=name.clone() />
            <Check
                label="Name it by a hash of its data, as Kustomize's configMapGenerator does: a changed value is a new ConfigMap, which rolls its pods"
                path=FieldPath { target: Target::ConfigMap(name.clone()), pointer: "/hash_suffix".into() }
            />
            <button class="danger" data-testid=format!("remove-config-map-{name}") on:click=move |_| {
                if app.try_dispatch(Edit::RemoveConfigMap(remove.clone())).is_ok() {
                    app.notice.set(Some(format!("Removed ConfigMap `{remove}`: Ctrl+Z brings it back")));
                    request_animation_frame(|| crate::modal::focus_selector("input[data-testid=\"new-configmap\"]"));
                }
            }>"Remove ConfigMap"</button>
        </section>
    }
}

/// One key of a ConfigMap as the environment shown has it.
#[derive(Clone, PartialEq, Eq, Hash)]
struct KeyRow {
    /// The environment shown, whose name labels its column.
    env: String,
    key: String,
    /// A key the design does not have, only environments' own values (the badge says
    /// whose).
    theirs: bool,
    /// What the badge beside the key says: whose the key is, or who leaves it out.
    badge: Option<String>,
    /// The environment shown leaves this key of the design's out.
    left_out: bool,
}

/// The rows of ConfigMap `name` with environment `env` shown: the design's keys, then
/// those only some environments have, this one or others.
fn key_rows(d: &kubeprint_core::Design, name: &str, env: &str) -> Vec<KeyRow> {
    use kubeprint_core::words::and_list;
    let Some(map) = d.config_map(name) else {
        return Vec::new();
    };
    let shown = d.environment(env);
    let row = |key: &String, theirs: bool, badge: Option<String>| KeyRow {
        env: env.to_string(),
        key: key.clone(),
        left_out: !theirs && shown.is_some_and(|e| e.leaves_out(name, key)),
        theirs,
        badge,
    };
    let names = |of: &dyn Fn(&kubeprint_core::Environment) -> bool| -> Vec<String> {
        (d.environments.iter())
            .filter(|e| of(e))
            .map(|e| e.name.clone())
            .collect()
    };
    let mut rows: Vec<KeyRow> = (map.data.keys())
        .map(|k| {
            // Viewing another environment, the ones that leave it out.
            let out = names(&|e| e.name != env && e.leaves_out(name, k));
            let badge = (!out.is_empty()).then(|| format!("left out of {}", and_list(&out)));
            row(k, false, badge)
        })
        .collect();
    let some: std::collections::BTreeSet<&String> = (d.environments.iter())
        .filter_map(|e| e.config_values.get(name))
        .flat_map(|v| v.keys())
        .filter(|k| !map.data.contains_key(*k))
        .collect();
    rows.extend(some.into_iter().map(|k| {
        let holders = names(&|e| e.own_config_value(name, k).is_some());
        let badge = match holders.len() == d.environments.len() {
            true => "each environment's own".to_string(),
            false => format!("only in {}", and_list(&holders)),
        };
        row(k, true, Some(badge))
    }));
    rows
}

/// A key added to ConfigMap `cm` by name (empty value), its value then focused.
#[component]
fn NewKey(cm: String) -> impl IntoView {
    let app = use_app();
    let testid = format!("new-key-{cm}");
    let add = move |key: String| {
        let taken = app.editor.with_untracked(|e| {
            e.design
                .config_map(&cm)
                .is_some_and(|c| c.data.contains_key(&key))
        });
        if taken {
            return Err(format!("`{key}` is a key of {cm} already"));
        }
        kubeprint_core::names::config_key(&key).map_err(|m| format!("`{key}` {m}"))?;
        let path = FieldPath::config_value(&cm, &key);
        app.dispatch(Edit::Set {
            path: path.clone(),
            value: Value::from(""),
        });
        Ok(format!("[id=\"{path}\"]"))
    };
    view! { <AddByName label="Add a key" testid placeholder="e.g. LOG_LEVEL, then Enter" add=Callback::new(add) /> }
}

/// An input that adds something by the name typed (on Enter or leaving it): `add` says
/// why a name will not do, or adds and gives the selector of what to focus next.
#[component]
pub(crate) fn AddByName(
    label: &'static str,
    #[prop(optional)] id: Option<String>,
    testid: String,
    placeholder: &'static str,
    add: Callback<String, Result<String, String>>,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let on_change = move |ev: leptos::ev::Event| {
        let name = event_target_value(&ev).trim().to_string();
        if name.is_empty() {
            error.set(None);
            return;
        }
        match add.run(name) {
            Err(problem) => error.set(Some(problem)),
            Ok(next) => {
                error.set(None);
                event_target::<web_sys::HtmlInputElement>(&ev).set_value("");
                request_animation_frame(move || crate::modal::focus_selector(&next));
            }
        }
    };
    view! {
        <label class="field add-by-name" class:invalid=move || error.read().is_some()>
            <span class="label">{label}</span>
            <input type="text" id=id data-testid=testid placeholder=placeholder on:change=on_change />
            <span class="error" role="alert">{move || crate::prose::maybe_prose(error.get())}</span>
        </label>
    }
}

/// One Secret: its name, type and key names (values never enter a design), each key
/// renamed by its own input so that its readers follow, removed, or added by name.
#[component]
fn SecretSection(name: String) -> impl IntoView {
    let app = use_app();
    let secret = StoredValue::new(name.clone());
    let at = |pointer: &str| FieldPath {
        target: Target::Secret(name.clone()),
        pointer: pointer.into(),
    };
    let keys = Memo::new(move |_| {
        app.editor.with(|e| {
            secret
                .with_value(|n| e.design.secret(n))
                .map(|s| s.keys.iter().cloned().enumerate().collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    // The whole list set at once: one edit, one undo step.
    let set_keys = move |keys: Vec<String>| Edit::Set {
        path: FieldPath {
            target: Target::Secret(secret.get_value()),
            pointer: "/keys".into(),
        },
        value: Value::from(keys),
    };
    let remove_key = move |key: String| {
        let name = secret.get_value();
        let rest = keys.with_untracked(|keys| {
            (keys.iter().map(|(_, k)| k))
                .filter(|k| **k != key)
                .cloned()
                .collect::<Vec<_>>()
        });
        app.dispatch(set_keys(rest));
        app.notice.set(Some(format!(
            "Removed key `{key}` of `{name}`: Ctrl+Z brings it back"
        )));
        request_animation_frame(move || {
            crate::modal::focus_selector(&format!("input[data-testid=\"new-secret-key-{name}\"]"))
        });
    };
    let add_key = move |key: String| {
        let name = secret.get_value();
        let mut all =
            keys.with_untracked(|keys| keys.iter().map(|(_, k)| k.clone()).collect::<Vec<_>>());
        if all.contains(&key) {
            return Err(format!("`{key}` is a key of {name} already"));
        }
        kubeprint_core::names::config_key(&key).map_err(|m| format!("`{key}` {m}"))?;
        all.push(key);
        app.dispatch(set_keys(all));
        Ok(format!("input[data-testid=\"new-secret-key-{name}\"]"))
    };
    let remove = name.clone();
    view! {
        <section class="section secret" id=format!("secrets/{name}") data-testid=format!("secret-{name}")>
            <h3>"Secret " <code>{name.clone()}</code></h3>
            <Field label="Name (its readers follow)" path=at("/name") kind=K::Text on_commit=true />
            <Field label="Type" path=at("/kind") kind=K::Text placeholder="Opaque" />
            <Check label="Made outside Kubeprint (the export never writes it, so applying never overwrites its values)" path=at("/external") />
            <p class="hint">"Key names only: values never enter a design. The export writes the Secret with placeholder values in files of its own, created once, so no later apply overwrites what is set in the cluster; unless it is made outside Kubeprint. A key renamed here is renamed wherever pods read it."</p>
            <For each=move || keys.get() key=|k| k.clone() let:row>
                {
                    let (i, key) = row;
                    let n = secret.get_value();
                    let (n_edit, from, n_focus, gone) = (n.clone(), key.clone(), n.clone(), key.clone());
                    view! {
                        <div class="config-key secret-key" data-key=key.clone()>
                            <Rename
                                label="Key"
                                // A finding about this key (a name the API server refuses)
                                // focuses it.
                                id=Some(format!("secrets/{n}/keys/{i}"))
                                testid=format!("secret-key-{n}-{key}")
                                current=key.clone()
                                edit=move |to: String| Edit::RenameKey { secret: true, object: n_edit.clone(), from: from.clone(), to }
                                renamed=move |to: &str| format!("input[data-testid=\"secret-key-{n_focus}-{to}\"]")
                            />
                            <button class="remove" aria-label=format!("Remove key {key}") title="Remove this key"
                                on:click=move |_| remove_key(gone.clone())>"✕"</button>
                        </div>
                    }
                }
            </For>
            // A finding about the keys as a whole (a type's required key missing) comes
            // here, where a key is added.
            <AddByName label="Add a key" id=format!("secrets/{name}/keys") testid=format!("new-secret-key-{name}") placeholder="e.g. DB_PASSWORD, then Enter" add=Callback::new(add_key) />
            <button class="danger" data-testid=format!("remove-secret-{name}") on:click=move |_| {
                if app.try_dispatch(Edit::RemoveSecret(remove.clone())).is_ok() {
                    app.notice.set(Some(format!("Removed Secret `{remove}`: Ctrl+Z brings it back")));
                    request_animation_frame(|| crate::modal::focus_selector("input[data-testid=\"new-secret\"]"));
                }
            }>"Remove Secret"</button>
        </section>
    }
}

/// A new, empty ConfigMap or Secret by name.
#[component]
fn NewObject(secret: bool) -> impl IntoView {
    let app = use_app();
    let kind = if secret { "Secret" } else { "ConfigMap" };
    let add = move |name: String| {
        let taken = app.editor.with_untracked(|e| match secret {
            true => e.design.secret(&name).is_some(),
            false => e.design.config_map(&name).is_some(),
        });
        if taken {
            return Err(format!("the design has a {kind} `{name}` already"));
        }
        kubeprint_core::names::dns1123_subdomain(&name)
            .map_err(|m| format!("a {kind} name {m}"))?;
        app.dispatch(if secret {
            Edit::PutSecret(SecretDef {
                name: name.clone(),
                kind: "Opaque".into(),
                ..SecretDef::default()
            })
        } else {
            Edit::PutConfigMap(ConfigMapDef {
                name: name.clone(),
                ..ConfigMapDef::default()
            })
        });
        // Next: the new Secret's keys, or the new ConfigMap's first key.
        Ok(if secret {
            format!("input[data-testid=\"new-secret-key-{name}\"]")
        } else {
            format!("input[data-testid=\"new-key-{name}\"]")
        })
    };
    let label = if secret {
        "New Secret"
    } else {
        "New ConfigMap"
    };
    let testid = format!("new-{}", kind.to_lowercase());
    view! { <AddByName label testid placeholder="a name, then Enter" add=Callback::new(add) /> }
}

/// The objects kept whole that the open environment renders (RBAC, policies, custom
/// resources: what the model has no fields for), by kind, each with its YAML to edit
/// and a way to remove it. A kind's objects are drawn once its group is opened.
#[component]
fn KeptObjects() -> impl IntoView {
    let app = use_app();
    let kinds = Memo::new(move |_| {
        let env = app.env.get();
        app.editor.with(|e| {
            let Some(env) = e.design.environment(&env) else {
                return Vec::new();
            };
            // Each object's row, by kind.
            let mut kinds: Vec<(String, Vec<KeptRow>)> = Vec::new();
            for o in e.design.kept_seen_in(env) {
                let row = KeptRow {
                    key: o.key(),
                    name: o.object.name().to_string(),
                    namespace: (o.pinned)
                        .then(|| o.object.namespace().map(String::from))
                        .flatten(),
                    own: o.own,
                };
                let kind = o.object.kind();
                match kinds.iter_mut().find(|(k, _)| k == kind) {
                    Some((_, rows)) => rows.push(row),
                    None => kinds.push((kind.to_string(), vec![row])),
                }
            }
            // By name, so that copies of one name in several namespaces stand together
            // (the environment's own namespace, unwritten, first).
            for (_, rows) in &mut kinds {
                rows.sort_by(|a, b| (&a.name, &a.namespace).cmp(&(&b.name, &b.namespace)));
            }
            kinds
        })
    });
    let names_of = move |kind: &str| {
        kinds.with(|ks| {
            (ks.iter())
                .find(|(k, _)| k == kind)
                .map(|(_, names)| names.clone())
        })
    };
    // Each kind's group, and in it each object's row, is kept while it is there: removing
    // one object leaves the others' open groups and half-edited YAML as they were.
    let any = Memo::new(move |_| kinds.with(|ks| !ks.is_empty()));
    move || {
        any.get().then(|| view! {
            <section class="section kept-objects" data-testid="kept-objects">
                <h3>"Kept whole"</h3>
                <p class="note">"Objects Kubeprint has no fields for, exported as they came, in every environment unless marked as this one's own: edit their YAML, or remove them."</p>
                <For each=move || kinds.with(|ks| ks.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>()) key=|k| k.clone() let:kind>
                    {
                        let open = RwSignal::new(false);
                        let testid = format!("kept-{kind}");
                        // A finding about one of them (shown from the findings) opens its
                        // kind, scrolled into view.
                        let wanted = kind.clone();
                        let group = NodeRef::<leptos::html::Details>::new();
                        Effect::new(move |_| {
                            if app.kept_kind.read().as_deref() == Some(wanted.as_str()) {
                                app.kept_kind.set(None);
                                open.set(true);
                                request_animation_frame(move || {
                                    if let Some(el) = group.get_untracked() {
                                        el.scroll_into_view();
                                    }
                                });
                            }
                        });
                        let names = {
                            let kind = kind.clone();
                            Memo::new(move |_| names_of(&kind).unwrap_or_default())
                        };
                        let each_kind = StoredValue::new(kind.clone());
                        view! {
                            <details data-testid=testid node_ref=group prop:open=move || open.get() on:toggle=move |ev| {
                                use wasm_bindgen::JsCast;
                                let details = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlDetailsElement>().ok());
                                open.set(details.is_some_and(|d| d.open()));
                            }>
                                <summary>{move || format!("{kind} · {}", names.with(Vec::len))}</summary>
                                <Show when=move || open.get()>
                                    <ul class="kept-list">
                                        <For each=move || names.get() key=|row| row.clone() let:row>
                                            <KeptObject kind=each_kind.get_value() row />
                                        </For>
                                    </ul>
                                </Show>
                            </details>
                        }
                    }
                </For>
            </section>
        })
    }
}

/// An object kept whole, as its row in the list shows it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct KeptRow {
    /// How edits name it ([`kubeprint_core::model::KeptObject::key`]), and its YAML
    /// document is keyed.
    key: String,
    name: String,
    /// The namespace it keeps, when not the environment's.
    namespace: Option<String>,
    /// Only the open environment renders it.
    own: bool,
}

/// One object kept whole: its name, and its YAML (as the environment renders it) to
/// edit in place; the edit is read by the import's reader in the worker, and a text that
/// is not one object says what is wrong and stays as typed.
#[component]
fn KeptObject(kind: String, row: KeptRow) -> impl IntoView {
    let app = use_app();
    let KeptRow {
        key,
        name,
        namespace,
        own,
    } = row;
    let open = RwSignal::new(false);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let reading = RwSignal::new(false);
    let id = StoredValue::new((kind.clone(), key.clone()));
    let testid = format!("kept-{kind}-{key}");
    // What the buttons and the editor are about: the namespace said where it is not the
    // environment's.
    let row_name = name.clone();
    let name = match &namespace {
        Some(ns) => format!("{name} in namespace {ns}"),
        None => name,
    };
    let said = StoredValue::new(match &namespace {
        Some(ns) => format!("`{row_name}` in namespace `{ns}`"),
        None => format!("`{row_name}`"),
    });
    let textarea = NodeRef::<leptos::html::Textarea>::new();
    let edit = move |_| {
        let (k, n) = id.get_value();
        let yaml = app.documents.with_untracked(|docs| {
            (docs.iter())
                .find(|(dk, dn, _)| **dk == *k && **dn == *n)
                .map(|(_, _, yaml)| yaml.to_string())
        });
        text.set(yaml.unwrap_or_default());
        error.set(None);
        open.set(true);
        // The text to edit takes the focus (Enter on the button opens it for typing).
        request_animation_frame(move || {
            if let Some(el) = textarea.get_untracked() {
                let _ = el.focus();
            }
        });
    };
    let close = move || {
        error.set(None);
        open.set(false);
    };
    // Replaced (or removed, with `None`): the design refuses what Kubernetes would.
    let replace = move |with: Option<Value>| {
        let (kind, name) = id.get_value();
        let edit = Edit::ReplaceKept {
            env: app.env.get_untracked(),
            kind,
            name,
            with,
        };
        app.try_dispatch(edit).map_err(|e| e.to_string())
    };
    let apply = move || {
        reading.set(true);
        let task = kubeprint_core::task::Task::ParseObject {
            text: text.get_untracked(),
        };
        crate::worker::send(&task, move |answer| {
            reading.try_set(false);
            let replaced = answer
                .and_then(|a| match a {
                    crate::worker::Answer::Text(reply) => {
                        kubeprint_core::task::answer::<Value>(&reply)
                    }
                    crate::worker::Answer::Bytes(_) => {
                        Err("the object came back as bytes; try again".into())
                    }
                })
                .and_then(|object| replace(Some(object)));
            match replaced {
                Ok(()) => {
                    open.try_set(false);
                }
                Err(message) => {
                    error.try_set(Some(message));
                }
            }
        });
    };
    let remove = move |_| {
        // Read before the removal, which takes this row (and what it owns) away.
        let (kind, _) = id.get_value();
        if replace(None).is_ok() {
            app.notice.set(Some(format!(
                "Removed {kind} {}: Ctrl+Z brings it back",
                said.get_value()
            )));
            // The focus goes to its kind's group, or the section once the kind is gone.
            request_animation_frame(move || {
                let group = format!("[data-testid=\"kept-{kind}\"] summary");
                crate::modal::focus_first(&[&group, "[data-testid=\"kept-objects\"] summary"])
            });
        }
    };
    let editor = {
        let (kind, name, testid) = (kind.clone(), name.clone(), testid.clone());
        move || {
            open.get().then(|| {
                let rows = text.with_untracked(|t| t.lines().count().clamp(6, 24));
                view! {
                    <div class="kept-editor">
                        <textarea
                            node_ref=textarea
                            data-testid=format!("{testid}-yaml")
                            aria-label=format!("YAML of {kind} {name}")
                            spellcheck="false"
                            rows=rows.to_string()
                            aria-invalid=move || error.read().is_some().to_string()
                            prop:value=text.get_untracked()
                            on:input=move |ev| text.set(event_target_value(&ev))
                            on:keydown=move |ev: web_sys::KeyboardEvent| {
                                if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
                                    ev.prevent_default();
                                    apply();
                                } else if ev.key() == "Escape" {
                                    ev.prevent_default();
                                    close();
                                }
                            }
                        ></textarea>
                        <div class="kept-row">
                            <button data-testid=format!("{testid}-apply") title="Ctrl+Enter" prop:disabled=move || reading.get() on:click=move |_| apply()>"Apply"</button>
                            <button data-testid=format!("{testid}-cancel") title="Escape" on:click=move |_| close()>"Cancel"</button>
                        </div>
                        <p class="error" role="alert" data-testid=format!("{testid}-error")>{move || error.get().map(|m| crate::prose::prose(&m))}</p>
                    </div>
                }
            })
        }
    };
    view! {
        <li data-testid=testid.clone()>
            <div class="kept-row">
                <span class="kept-name">
                    <code>{row_name}</code>
                    {namespace.map(|ns| view! { <span class="own" title="Kept in its own namespace in every environment">{format!("namespace {ns}")}</span> })}
                    {own.then(|| view! { <span class="own" title="Only this environment renders it; the others do not have it">{move || format!("{}'s own", app.env.get())}</span> })}
                </span>
                <button data-testid=format!("{testid}-edit") aria-label=format!("Edit the YAML of {kind} {name}") on:click=edit>"Edit YAML"</button>
                <button class="danger" data-testid=format!("{testid}-remove") aria-label=format!("Remove {kind} {name}") on:click=remove>"Remove"</button>
            </div>
            {editor}
        </li>
    }
}
