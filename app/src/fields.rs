//! Generic inputs bound to one field of the design by its [`FieldPath`]. One mechanism
//! for every field: read with `Design::field` (which serializes that field only, not its
//! service), parse with `core::input`, write with `Edit::Set`. The input's DOM id is the
//! path, so a finding can focus it.
//!
//! A path is a signal: the inspector's fields follow the selected service, so selecting
//! another one updates the inputs in place instead of building the inspector anew.

use crate::prose::maybe_prose;
use crate::state::use_app;
use kubeprint_core::edit::{EditError, Target};
use kubeprint_core::input::{self, FieldKind};
use kubeprint_core::{Edit, FieldPath};
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::JsCast;

/// The field's current value.
fn current(path: &FieldPath) -> Option<Value> {
    use_app().editor.with(|e| e.design.field(path))
}

/// A labelled text input with parsing and an inline message for bad input. While the
/// text does not parse it stays as typed (nothing is lost) and the design keeps its
/// last good value.
///
/// `placeholder` is shown as an example (`e.g. 250m`), in a style that does not look
/// like a value; `title` explains the field on hover and to assistive technology.
/// After undo or redo the input shows the design's value, also while it has focus.
#[component]
pub fn Field(
    #[prop(into)] label: String,
    #[prop(into)] path: Signal<FieldPath>,
    kind: FieldKind,
    #[prop(optional)] hint: &'static str,
    #[prop(optional, into)] placeholder: String,
    #[prop(optional)] title: &'static str,
    #[prop(optional)] compact: bool,
    // Applied when the field is left or Enter is pressed, not at every keystroke: for a
    // name that others follow (a service's), whose every half-typed value would be a
    // rename of its own.
    #[prop(optional)] on_commit: bool,
    // A text area, for values that may hold line breaks (a ConfigMap's files), which a
    // one-line input would drop.
    #[prop(optional)] multiline: bool,
) -> impl IntoView {
    let app = use_app();
    let id = move || path.with(FieldPath::to_string);
    let shown = Memo::new(move |_| input::display(path.with(current).as_ref()));
    let typed = RwSignal::new(String::new());
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);

    // What the fields this one may also set held when typing began (an image's tag).
    let start = StoredValue::new(Vec::<(FieldPath, Value)>::new());
    let remember = move || {
        let values = input::siblings(kind, &path.get_untracked())
            .into_iter()
            .map(|p| {
                let v = app
                    .editor
                    .with_untracked(|e| e.design.field(&p))
                    .unwrap_or(Value::Null);
                (p, v)
            })
            .collect();
        start.set_value(values);
    };
    // Undo and redo replace whatever was typed with the design's value, and typing
    // goes on from there.
    Effect::new(move |prev: Option<u32>| {
        let n = app.reverted.get();
        if prev.is_some() {
            typed.set(shown.get_untracked());
            error.set(None);
            remember();
        }
        n
    });
    // Another field now (another service selected): what was typed, and its error,
    // belonged to the last one. A value it refused is not kept, and the status bar says
    // so (it was never in the design, so no undo brings it back).
    let label_left = label.clone();
    Effect::new(move |prev: Option<FieldPath>| {
        let now = path.get();
        if let Some(prev) = prev.as_ref().filter(|prev| **prev != now) {
            if let Some(why) = error.get_untracked() {
                let typed = typed.get_untracked();
                let (whose, kept) = app.editor.with_untracked(|e| {
                    let whose = match prev.target {
                        Target::Service(id) => {
                            e.design.service(id).map(|s| format!(" of {}", s.name))
                        }
                        _ => None,
                    };
                    (
                        whose.unwrap_or_default(),
                        input::display(e.design.field(prev).as_ref()),
                    )
                });
                let kept = match kept.as_str() {
                    "" => "no value".to_string(),
                    value => format!("`{value}`"),
                };
                app.status.set(Some(format!(
                    "Not kept: `{typed}` typed in {label_left}{whose}, which was refused ({why}); it keeps {kept}."
                )));
            }
            typed.set(shown.get_untracked());
            error.set(None);
            if editing.get_untracked() {
                remember();
            }
        }
        now
    });
    let apply = move |raw: String| {
        let path = path.get_untracked();
        // A value the design refuses (a name already taken) is said where it was
        // typed, like one that does not parse, and stays as typed; the design keeps
        // what it held before the typing.
        let refused = match start.with_value(|start| input::edit(kind, &path, &raw, start)) {
            Ok(edit) => app.try_dispatch(edit).err().map(|err| match err {
                EditError::Invalid { message, .. } => message,
                other => other.to_string(),
            }),
            Err(message) => Some(message),
        };
        // (A field applied on Enter keeps what an earlier Enter applied.)
        if refused.is_some() && !on_commit {
            app.take_back_typing(&path);
        }
        error.set(refused);
    };
    let on_input = move |ev| {
        let raw = event_target_value(&ev);
        typed.set(raw.clone());
        if on_commit {
            error.set(None);
        } else {
            apply(raw);
        }
    };
    let on_change = move |ev| {
        if on_commit && typed.get_untracked() != shown.get_untracked() {
            apply(event_target_value(&ev));
        }
        // A host typed as a URL shows, once committed (Enter), the host it gave.
        let host = matches!(kind, FieldKind::Host | FieldKind::OptionalHost);
        if host && error.read_untracked().is_none() {
            typed.set(shown.get_untracked());
        }
    };
    let error_id = move || format!("{}-error", id());
    // The field's name is its label alone; the hint and an error describe it. (Their ids
    // do not start with the field's: a field is found as the first id under a path.)
    let label_id = move || format!("label:{}", id());
    let hint_id = move || format!("hint:{}", id());
    let described_by = move || match hint.is_empty() {
        true => error_id(),
        false => format!("{} {}", hint_id(), error_id()),
    };
    // The value the open environment has of its own for this field (the tag prod
    // releases, its larger claim): what it renders there instead, said under the field
    // with a way to where it is set.
    let own = Memo::new(move |_| {
        let path = path.get();
        let Target::Service(service) = path.target else {
            return None;
        };
        let env = app.env.get();
        app.editor.with(|e| {
            let s = e.design.service(service)?;
            let (at, value) = e.design.environment(&env)?.own_value(s, &path.pointer)?;
            // The environments that render the field's value: those deploying the
            // service without one of their own.
            let others: Vec<String> = (e.design.environments.iter())
                .filter(|o| o.deploys(s.id) && o.own_value(s, &path.pointer).is_none())
                .map(|o| o.name.clone())
                .collect();
            // Short, as fields stand three to a row; the title says the rest.
            let (note, title) = match others.first() {
                None => (
                    "No environment's: each has its own".to_string(),
                    format!("Every environment deploying it has a value of its own; {env}'s is the button above"),
                ),
                Some(first) => {
                    let whose = kubeprint_core::words::and_list(&others);
                    (
                        format!("{whose}'s value, read-only here"),
                        format!("The value above is what {whose} render: show {first} to edit it; {env}'s own is the button above"),
                    )
                }
            };
            Some((at, format!("{env} has its own: {value}"), note, title))
        })
    });
    // Under a field the open environment does not render, what it renders instead (a
    // way to it), and whose value the field is: read-only here, so that nothing typed
    // while this environment is shown goes to others.
    let own_value = move || {
        own.get().map(|(at, said, note, title)| {
            view! {
                <button type="button" class="own-value" title="This environment's own value: go to it" on:click=move |_| app.focus.set(Some(at.clone()))>{said}</button>
                <span class="own-note" title=title>{note}</span>
            }
        })
    };
    let overridden = move || own.with(Option::is_some);
    let placeholder = if placeholder.is_empty() || placeholder.starts_with('(') {
        placeholder
    } else {
        format!("e.g. {placeholder}")
    };
    let value = move || {
        if editing.get() || error.read().is_some() {
            typed.get()
        } else {
            shown.get()
        }
    };
    let pending =
        move || on_commit.then(|| (editing.get() && typed.get() != shown.get()).to_string());
    // What the field showed when the keyboard came: Escape puts it back.
    let before = StoredValue::new(String::new());
    let on_focus = move |_| {
        if error.get_untracked().is_none() {
            typed.set(shown.get_untracked());
        }
        before.set_value(shown.get_untracked());
        remember();
        editing.set(true);
    };
    let on_blur = move |_| {
        editing.set(false);
        app.seal();
    };
    // Ctrl+Z (Cmd+Z) in a field holding a value it refused takes back that typing: the
    // field shows the design's value again, and no earlier change of the design is
    // undone (the page's shortcut leaves a refused field alone).
    // Escape puts back what the field showed when the keyboard came (a value typed
    // live is set back, one not applied yet is dropped).
    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        let undo = (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("z");
        if undo && !ev.shift_key() && error.read_untracked().is_some() {
            ev.prevent_default();
            typed.set(shown.get_untracked());
            error.set(None);
            remember();
        } else if ev.key() == "Escape" {
            let back = before.get_value();
            if typed.get_untracked() != back || error.read_untracked().is_some() {
                ev.prevent_default();
                if !on_commit && shown.get_untracked() != back {
                    apply(back.clone());
                }
                typed.set(back);
                error.set(None);
            }
        }
    };
    let control = if multiline {
        view! {
            <textarea
                id=id
                data-testid=id
                rows="1"
                placeholder=placeholder
                aria-invalid=move || error.read().is_some().to_string()
                aria-labelledby=label_id
                readonly=overridden
                aria-describedby=described_by
                data-pending=pending
                prop:value=value
                on:focus=on_focus
                on:blur=on_blur
                on:keydown=on_keydown
                on:input=on_input
                on:change=on_change
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id
                data-testid=id
                type="text"
                placeholder=placeholder
                aria-invalid=move || error.read().is_some().to_string()
                aria-labelledby=label_id
                readonly=overridden
                aria-describedby=described_by
                data-pending=pending
                prop:value=value
                on:focus=on_focus
                on:blur=on_blur
                on:keydown=on_keydown
                on:input=on_input
                on:change=on_change
            />
        }
        .into_any()
    };
    view! {
        <label class="field" class:compact=compact class:invalid=move || error.read().is_some() class:overridden=overridden title=(!title.is_empty()).then_some(title)>
            <span class="label" id=label_id>{label}</span>
            {control}
            {(!hint.is_empty()).then(|| view! { <span class="hint" id=hint_id>{hint}</span> })}
            // The error right under what was typed; the environment's own value below it.
            <span class="error" id=error_id role="alert">{move || maybe_prose(error.get())}</span>
            {own_value}
        </label>
    }
}

/// A checkbox bound to a boolean field.
#[component]
pub fn Check(label: &'static str, #[prop(into)] path: Signal<FieldPath>) -> impl IntoView {
    let app = use_app();
    let id = move || path.with(FieldPath::to_string);
    let checked = Memo::new(move |_| {
        path.with(current)
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    });
    view! {
        <label class="check">
            <input
                type="checkbox"
                id=id
                data-testid=id
                prop:checked=move || checked.get()
                on:change=move |ev| {
                    app.dispatch(Edit::Set {
                        path: path.get_untracked(),
                        value: Value::Bool(event_target_checked(&ev)),
                    })
                }
            />
            <span>{label}</span>
        </label>
    }
}

/// A select of a few fixed JSON values.
#[component]
pub fn Choice(
    #[prop(into)] label: String,
    #[prop(into)] path: Signal<FieldPath>,
    options: Vec<(&'static str, Value)>,
) -> impl IntoView {
    let app = use_app();
    let id = move || path.with(FieldPath::to_string);
    let selected = Memo::new(move |_| path.with(current).unwrap_or(Value::Null));
    let values: Vec<Value> = options.iter().map(|(_, v)| v.clone()).collect();
    view! {
        <label class="field">
            <span class="label">{label}</span>
            <select
                id=id
                data-testid=id
                on:change=move |ev| {
                    let i: usize = event_target_value(&ev).parse().unwrap_or(0);
                    if let Some(v) = values.get(i) {
                        app.dispatch(Edit::Set { path: path.get_untracked(), value: v.clone() });
                    }
                }
            >
                {options
                    .into_iter()
                    .enumerate()
                    .map(|(i, (text, value))| {
                        view! {
                            // The property, not the attribute: a browser ignores the
                            // attribute on an option the user has chosen by hand, and the
                            // select stays while the selection moves to another service.
                            <option value=i.to_string() prop:selected=move || same_shape(&selected.get(), &value)>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

/// Whether two values are the same choice: equal, or objects of the same variant
/// (the same `type` tag, or the same keys for externally tagged enums).
fn same_shape(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => match (x.get("type"), y.get("type")) {
            (Some(p), Some(q)) => p == q,
            _ => x.keys().eq(y.keys()),
        },
        _ => a == b,
    }
}

/// An optional part of the design (a probe, an HPA, a route): a checkbox that sets it
/// to `default` or `null`, and its fields while it exists. With `fresh`, the value is
/// made when the box is ticked, from the design as it is then (a probe names the ports
/// the service has now, not those it had when the inspector opened).
#[component]
pub fn Optional(
    label: &'static str,
    #[prop(into)] path: Signal<FieldPath>,
    #[prop(optional)] default: Value,
    #[prop(optional, into)] fresh: Option<Callback<(), Value>>,
    children: ChildrenFn,
) -> impl IntoView {
    let app = use_app();
    let present = Memo::new(move |_| path.with(current).is_some_and(|v| !v.is_null()));
    view! {
        <div class="optional">
            <label class="check">
                <input
                    type="checkbox"
                    id=move || path.with(FieldPath::to_string)
                    data-testid=move || path.with(|p| format!("{p}#on"))
                    prop:checked=move || present.get()
                    on:change=move |ev| {
                        let value = match (event_target_checked(&ev), fresh) {
                            (false, _) => Value::Null,
                            (true, Some(make)) => make.run(()),
                            (true, None) => default.clone(),
                        };
                        app.dispatch(Edit::Set { path: path.get_untracked(), value });
                    }
                />
                <span>{label}</span>
            </label>
            <Show when=move || present.get()>
                <div class="optional-body">{children()}</div>
            </Show>
        </div>
    }
}

/// A name that keys what it names (an environment, a ConfigMap key), so that renaming it
/// rebuilds what shows it: renamed when the input is left or Enter is pressed, not at
/// every keystroke, by the edit `edit` makes of the new name. A refused name stays as
/// typed with the reason beside it, and Escape brings back the current name. After a
/// rename the focus, lost with the old input, goes to the input `renamed` selects, or,
/// when Tab (Shift+Tab) left the input, on to what comes after (before) it.
#[component]
pub fn Rename(
    #[prop(into)] label: String,
    id: Option<String>,
    testid: String,
    current: String,
    edit: impl Fn(String) -> Edit + 'static,
    renamed: impl Fn(&str) -> String + Clone + 'static,
) -> impl IntoView {
    let app = use_app();
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    // Whether Tab (`Some(false)`) or Shift+Tab (`Some(true)`) is leaving the input.
    let tabbing = StoredValue::new(None::<bool>);
    let error_id = format!("{testid}-error");
    let label_id = format!("label:{testid}");
    let typed_over = current.clone();
    let shown = current.clone();
    let rename = move |to: String| {
        let to = to.trim().to_string();
        pending.set(false);
        if to == current {
            error.set(None);
            return;
        }
        match app.try_dispatch(edit(to.clone())) {
            Ok(()) => {
                error.set(None);
                app.seal();
                // (`renamed` owns what it reads: the row this input was in, and
                // anything stored in it, is gone by the next frame.)
                let renamed = renamed.clone();
                let tab = tabbing.get_value();
                request_animation_frame(move || {
                    if crate::modal::active_element().is_none() {
                        crate::modal::focus_selector(&renamed(&to));
                        if let Some(backwards) = tab {
                            crate::modal::focus_step(backwards);
                        }
                    }
                });
            }
            Err(err) => error.set(Some(match err {
                EditError::Invalid { message, .. } => message,
                other => other.to_string(),
            })),
        }
    };
    view! {
        <label class="field" class:invalid=move || error.read().is_some()>
            <span class="label" id=label_id.clone()>{label}</span>
            <input
                id=id
                data-testid=testid
                type="text"
                value=shown.clone()
                aria-invalid=move || error.read().is_some().to_string()
                aria-labelledby=label_id
                aria-describedby=error_id.clone()
                data-pending=move || pending.get().to_string()
                on:input=move |ev| pending.set(event_target_value(&ev) != typed_over)
                on:change=move |ev| rename(event_target_value(&ev))
                on:keydown=move |ev: web_sys::KeyboardEvent| {
                    tabbing.set_value((ev.key() == "Tab").then(|| ev.shift_key()));
                    if ev.key() == "Escape" {
                        ev.prevent_default();
                        if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                            input.set_value(&shown);
                        }
                        error.set(None);
                        pending.set(false);
                    }
                }
            />
            <span class="error" id=error_id.clone() data-testid=error_id role="alert">{move || maybe_prose(error.get())}</span>
        </label>
    }
}
