//! Findings, YAML, shutdown timeline, disruption view, environments page and the
//! template gallery. Each only draws what core computes.

use crate::fields::{Check, Choice, Field, Rename};
use crate::modal::Modal;
use crate::state::{use_app, AppState, Bottom, Side};
use kubeprint_core::edit::Target;
use kubeprint_core::input::FieldKind as K;
use kubeprint_core::insight::{disruption_row, shutdown_timeline};
use kubeprint_core::order;
use kubeprint_core::render::live::Document;
use kubeprint_core::rules::Severity;
use kubeprint_core::words::counted;
use kubeprint_core::yaml::line_html;
use kubeprint_core::{effective, presets, templates, Edit, FieldPath, ServiceId};
use leptos::prelude::*;
use serde_json::json;
use std::sync::Arc;

fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "Error",
        Severity::Warning => "Warning",
        Severity::Info => "Info",
    }
}

fn severity_icon(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✕",
        Severity::Warning => "▲",
        Severity::Info => "i",
    }
}

/// How many more findings the list shows at a time.
const FINDINGS_STEP: usize = 100;

/// Findings of the current environment, grouped by service, errors first.
#[component]
pub fn Findings() -> impl IntoView {
    let app = use_app();
    let groups = Memo::new(move |_| {
        let mut groups: Vec<(String, Vec<kubeprint_core::Finding>)> = Vec::new();
        let mut at = std::collections::HashMap::<String, usize>::new();
        for f in app.findings.get() {
            let key = f
                .service
                .clone()
                .unwrap_or_else(|| "Environment and design".into());
            match at.get(&key) {
                Some(&i) => groups[i].1.push(f),
                None => {
                    at.insert(key.clone(), groups.len());
                    groups.push((key, vec![f]));
                }
            }
        }
        order::sort_by_key(&mut groups, |(_, list)| {
            list.iter().map(|f| f.severity).min()
        });
        groups
    });
    let limit = RwSignal::new(FINDINGS_STEP);
    // Another design opened: its findings are read from the top.
    let list = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |first: Option<()>| {
        app.opened.track();
        if first.is_some() {
            if let Some(list) = list.get_untracked() {
                list.set_scroll_top(0);
            }
        }
    });
    // A service selected: its findings come into view, at the top of the list, unless
    // some of them show already (a finding clicked stays under the pointer).
    let selected_name = Memo::new(move |_| {
        let id = app.selection.get()?;
        app.editor
            .with(|e| e.design.service(id).map(|s| s.name.clone()))
    });
    Effect::new(move |first: Option<()>| {
        let name = selected_name.get();
        let (Some(name), Some(_)) = (name, first) else {
            return;
        };
        request_animation_frame(move || {
            let Some(list) = list.get_untracked() else {
                return;
            };
            let css = format!(".finding-group[data-service=\"{}\"]", name.replace('"', ""));
            if let Ok(Some(group)) = list.query_selector(&css) {
                let (g, l) = (
                    group.get_bounding_client_rect(),
                    list.get_bounding_client_rect(),
                );
                if g.bottom() <= l.top() || g.top() >= l.bottom() {
                    let by = (g.top() - l.top()).round() as i32;
                    list.set_scroll_top(list.scroll_top() + by);
                }
            }
        });
    });
    // What the list shows: (service, its findings listed), the first `limit`
    // findings in order; the selected service's group whole, first, where the limit
    // leaves it out (a large design's service selected on the canvas).
    let shown = Memo::new(move |_| {
        let mut left = limit.get();
        let selected = selected_name.get();
        groups.with(|groups| {
            let mut shown: Vec<(usize, usize)> = Vec::new();
            for (i, (_, list)) in groups.iter().enumerate() {
                if left == 0 {
                    break;
                }
                let take = list.len().min(left);
                left -= take;
                shown.push((i, take));
            }
            let at = groups
                .iter()
                .position(|(s, _)| Some(s) == selected.as_ref());
            if let Some(at) = at {
                let len = groups[at].1.len();
                match shown.iter_mut().find(|(i, _)| *i == at) {
                    Some((_, take)) => *take = len,
                    None => shown.insert(0, (at, len)),
                }
            }
            (shown.into_iter())
                .map(|(i, take)| (groups[i].0.clone(), groups[i].1[..take].to_vec()))
                .collect::<Vec<_>>()
        })
    });
    let count = move |s: Severity| {
        app.findings
            .with(|f| f.iter().filter(|x| x.severity == s).count())
    };
    view! {
        <section class="findings" aria-label="Findings">
            <header class="panel-head">
                <h2>"Findings"</h2>
                <span class="counts" data-testid="finding-counts">
                    <span class="sev error">{move || format!("✕ {}", counted(count(Severity::Error), "error"))}</span>
                    <span class="sev warning">{move || format!("▲ {}", counted(count(Severity::Warning), "warning"))}</span>
                    <span class="sev info">{move || format!("i {} info", count(Severity::Info))}</span>
                </span>
            </header>
            <div class="finding-list" data-testid="findings" node_ref=list>
                <Show when=move || app.findings.with(|f| f.is_empty())>
                    <p class="empty">"No findings in this environment."</p>
                </Show>
                {move || {
                    // Only the first `limit` findings are in the DOM (and the selected
                    // service's); the rest come in steps, so a large design keeps the
                    // list (and each edit) light.
                    shown.get().into_iter().map(|(service, list)| {
                        view! {
                            <div class="finding-group" data-service=service.clone()
                                data-f6-start={
                                    let service = service.clone();
                                    move || (selected_name.get().as_ref() == Some(&service)).then_some("")
                                }>
                                <h3>{service.clone()}</h3>
                                {list.into_iter().map(finding_item).collect_view()}
                            </div>
                        }
                    }).collect_view()
                }}
                {move || {
                    let listed: usize = shown.with(|s| s.iter().map(|(_, list)| list.len()).sum());
                    let hidden = app.findings.with(Vec::len).saturating_sub(listed);
                    (hidden > 0).then(|| view! {
                        <button class="more" data-testid="more-findings" on:click=move |_| limit.update(|l| *l += FINDINGS_STEP)>
                            {format!("Show {} more ({hidden} not shown)", hidden.min(FINDINGS_STEP))}
                        </button>
                    })
                }}
            </div>
        </section>
    }
}

/// Show the field `path` names: select its service (an override's too), or open the
/// environments or config page, and ask for its input to be focused.
fn show_field(path: &FieldPath) {
    let app = use_app();
    go_to(app, path);
    app.focus.set(Some(path.clone()));
}

fn finding_item(f: kubeprint_core::Finding) -> impl IntoView {
    let path = f.path.clone();
    // After a fix, the field the finding points at; where the fix adds to a list of a
    // service (a destination outside the cluster), the item it added, in its inspector.
    let fixed = match f.fix.as_ref().map(|fix| &fix.edit) {
        Some(kubeprint_core::Edit::Set { path, value })
            if matches!(path.target, Target::Service(_))
                && value.as_array().is_some_and(|items| !items.is_empty()) =>
        {
            let last = value.as_array().map_or(0, |items| items.len() - 1);
            FieldPath {
                pointer: format!("{}/{last}", path.pointer),
                ..path.clone()
            }
        }
        _ => f.path.clone(),
    };
    let class = format!("finding {}", f.severity);
    let fix = f.fix.clone();
    view! {
        <div class=class data-testid=format!("finding-{}", f.code) data-code=f.code>
            <button
                class="finding-main"
                title="Show the field"
                on:click=move |_| show_field(&path)
            >
                <span class="sev-icon" aria-hidden="true">{severity_icon(f.severity)}</span>
                <span class="sev-word">{severity_word(f.severity)}</span>
                <code>{f.code}</code>
                <span class="message">{crate::prose::prose(&f.message)}</span>
            </button>
            {fix.map(|fix| {
                let app = use_app();
                let (code, at) = (f.code, f.path.clone());
                let label = fix.label.clone();
                view! {
                    // After a fix, focus goes to the field it fixed, never to the next
                    // finding's Fix (a second Enter would apply an unrelated change).
                    <button class="fix" data-testid=format!("fix-{}", f.code) on:click=move |_| {
                        app.apply_fix(code, &at, &fix);
                        show_field(&fixed);
                    }>
                        "Fix: " {crate::prose::prose(&label)}
                    </button>
                }
            })}
        </div>
    }
}

/// Show where an undo or a redo changed the design, without taking the keyboard's
/// place: its service selected (its environment shown, for an environment's own value)
/// or its page open, the field scrolled into view and marked for a moment. `said` is
/// the notice; the field's label is added to it once the field is found. (Given the
/// page's state: a keyboard shortcut runs outside any component, where there is no
/// context to find it in.)
pub fn reveal(app: AppState, path: &FieldPath, said: String) {
    if let Target::Environment(env) = &path.target {
        if path.overridden_service().is_some() && app.env.get_untracked() != *env {
            app.env.set(env.clone());
        }
    }
    go_to(app, path);
    app.shown.set(Some((path.clone(), said)));
}

/// Open what shows the field at `path`: its service's inspector, or the page it is
/// edited on. Nothing is drawn anew that already shows.
fn go_to(app: AppState, path: &FieldPath) {
    let side = |side: Side| {
        if app.side.get_untracked() != side {
            app.side.set(side);
        }
    };
    match &path.target {
        Target::Service(id) => app.select(Some(*id)),
        // An environment's own ConfigMap value is edited beside the design's.
        Target::Environment(_) if path.is_environment_config() => side(Side::Config),
        // An override is edited in its service's inspector.
        Target::Environment(_) if path.overridden_service().is_some() => {
            app.select(path.overridden_service());
        }
        Target::Environment(_) | Target::Design => side(Side::Environments),
        Target::ConfigMap(_) | Target::Secret(_) => side(Side::Config),
        // An object kept whole is edited on the config page, in its kind's group.
        Target::Object { kind, .. } => {
            if app.kept_kind.get_untracked().as_ref() != Some(kind) {
                app.kept_kind.set(Some(kind.clone()));
            }
            side(Side::Config);
        }
    }
}

/// The element that shows field `path` (its id is the path): the field itself, else the
/// first field inside it (a variable: its name), else the nearest enclosing field or
/// section that has an id.
fn field_element(doc: &web_sys::Document, path: &FieldPath) -> Option<web_sys::Element> {
    let full = path.to_string();
    // (Not the first field inside a whole service or environment: it says nothing.)
    let inside = (!path.pointer.is_empty())
        .then(|| doc.query_selector(&format!("[id^=\"{}/\"]", full.replace('"', "\\\""))))
        .and_then(Result::ok)
        .flatten();
    let mut candidate = full.as_str();
    loop {
        match (doc.get_element_by_id(candidate), candidate == full) {
            (None, true) if inside.is_some() => return inside,
            (Some(found), _) => return Some(found),
            _ => {}
        }
        candidate = &candidate[..candidate.rfind('/')?];
    }
}

/// Scroll `el` to the middle of the panel that holds it (never the page).
fn scroll_to(el: &web_sys::Element) {
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(web_sys::ScrollLogicalPosition::Center);
    el.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Move keyboard focus to the field a finding points at, once it is on screen
/// ([`field_element`]).
pub fn focus_requested_field() {
    let app = use_app();
    Effect::new(move |_| {
        let Some(path) = app.focus.get() else { return };
        app.focus.set(None);
        let selects = app.focus_selects.get_untracked();
        app.focus_selects.set(false);
        request_animation_frame(move || {
            let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            if let Some(el) = field_element(&doc, &path) {
                scroll_to(&el);
                if let Ok(html) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                    let focus = web_sys::FocusOptions::new();
                    focus.set_prevent_scroll(true);
                    let _ = html.focus_with_options(&focus);
                    // Where asked, a text field's value selected: typing replaces it.
                    if let Ok(input) =
                        wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(html)
                    {
                        if selects && input.type_() == "text" {
                            input.select();
                        }
                    }
                }
            }
        });
    });
}

/// How long a field an undo changed stays marked.
const SHOWN_TIME: std::time::Duration = std::time::Duration::from_millis(1_500);

/// Scroll to the field an undo or a redo changed ([`reveal`]), mark it for a moment,
/// and name it in the notice.
pub fn show_changed_field() {
    let app = use_app();
    Effect::new(move |_| {
        let Some((path, said)) = app.shown.get() else {
            return;
        };
        app.shown.set(None);
        request_animation_frame(move || {
            let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            // A node moved on the canvas has no field to show.
            if path.pointer == "/position" || path.pointer.starts_with("/position/") {
                app.notice
                    .set(Some(format!("{said}: its place on the canvas")));
                return;
            }
            let Some(el) = field_element(&doc, &path) else {
                app.notice.set(Some(said));
                return;
            };
            scroll_to(&el);
            // The field's own label (a field's, a checkbox's), where it has one.
            let field = el.closest("label").ok().flatten();
            let label = (field.as_ref())
                .and_then(|l| l.query_selector(".label, span").ok().flatten())
                .and_then(|l| l.text_content())
                .filter(|t| !t.trim().is_empty());
            app.notice.set(Some(match label {
                Some(label) => format!("{said}: {}", label.trim()),
                None => said,
            }));
            let marked = field.unwrap_or(el);
            let _ = marked.class_list().add_1("changed");
            set_timeout(
                move || {
                    let _ = marked.class_list().remove_1("changed");
                },
                SHOWN_TIME,
            );
        });
    });
}

/// Height of one line of the YAML view in CSS pixels (`.code`'s `line-height`).
const LINE_PX: f64 = 18.0;
/// Up to this many lines the whole text is in the DOM (so the browser's own find works
/// on it); beyond, only the lines in view and [`MARGIN_LINES`] on each side.
const WHOLE_UP_TO: usize = 3_000;
/// Lines drawn above and below the visible ones; the drawn window moves in steps of
/// this many lines, so that scrolling within it changes nothing.
const MARGIN_LINES: usize = 40;

/// Where each shown document starts in the lines of the whole text, whose documents
/// are joined by a `---` line (which belongs to the document after it).
#[derive(Clone, PartialEq, Default)]
struct LineIndex {
    starts: Vec<usize>,
    total: usize,
    /// The characters of the longest line: the text's width, whichever documents are
    /// drawn (one out of view is not laid out, so its lines do not widen the view).
    widest: usize,
}

impl LineIndex {
    /// Whether the text is too long to be in the page whole: only a window is drawn.
    fn windowed(&self) -> bool {
        self.total > WHOLE_UP_TO
    }
}

/// The lines document `d` of the shown ones adds to the joined text: the `---` that
/// joins it to the one before, then its own.
fn doc_lines(d: usize, text: &str) -> impl Iterator<Item = &str> {
    (d > 0).then_some("---").into_iter().chain(text.lines())
}

/// Whether the object menu's choice `filter` shows the object `kind`/`name`: all of
/// them (empty), one kind (`Deployment/`) or one object (`Deployment/api`).
fn shows(filter: &str, kind: &str, name: &str) -> bool {
    match filter.split_once('/') {
        None => true,
        Some((k, "")) => k == kind,
        Some((k, n)) => k == kind && n == name,
    }
}

/// The whole YAML text of `docs`, as Copy and Download give it.
fn joined(docs: &[Document]) -> String {
    docs.iter()
        .map(|(_, _, y)| y.as_ref())
        .collect::<Vec<_>>()
        .join("---\n")
}

/// The current environment's manifests, highlighted, one block per object. Large
/// outputs are virtualized: only the lines in view (and a margin) are in the DOM and
/// highlighted; Find searches the whole text and scrolls to what it finds.
#[component]
pub fn YamlView() -> impl IntoView {
    let app = use_app();
    let filter = RwSignal::new(String::new());
    let shown = Memo::new_with_compare(
        move |_| {
            let f = filter.get();
            app.documents.with(|docs| {
                docs.iter()
                    .filter(|(k, n, _)| shows(&f, k, n))
                    .cloned()
                    .collect::<Vec<_>>()
            })
        },
        crate::state::documents_changed,
    );
    // Line counts of documents whose text did not change are kept (the live YAML
    // hands out the same text for them).
    let counted_before = StoredValue::new(Vec::<(Arc<str>, usize, usize)>::new());
    let index = Memo::new(move |_| {
        shown.with(|docs| {
            counted_before
                .try_update_value(|before| {
                    let mut starts = Vec::with_capacity(docs.len());
                    let mut counts = Vec::with_capacity(docs.len());
                    let (mut total, mut widest) = (0, 0);
                    for (i, (_, _, y)) in docs.iter().enumerate() {
                        let (n, w) = match before.get(i) {
                            Some((old, n, w)) if Arc::ptr_eq(old, y) => (*n, *w),
                            _ => y
                                .lines()
                                .fold((0, 0), |(n, w), l| (n + 1, w.max(l.chars().count()))),
                        };
                        starts.push(total);
                        total += n + usize::from(i > 0);
                        widest = widest.max(w);
                        counts.push((y.clone(), n, w));
                    }
                    *before = counts;
                    LineIndex {
                        starts,
                        total,
                        widest,
                    }
                })
                .unwrap_or_default()
        })
    });
    // The object menu: every kind with its number of objects, in apply order, and the
    // selected service's objects; unchanged while only texts change (a thousand
    // services' objects would be thousands of options).
    let kinds = Memo::new(move |_| {
        app.documents.with(|docs| {
            let mut kinds: Vec<(Arc<str>, usize)> = Vec::new();
            for (k, _, _) in docs {
                match kinds.iter_mut().find(|(kind, _)| kind == k) {
                    Some((_, n)) => *n += 1,
                    None => kinds.push((k.clone(), 1)),
                }
            }
            kinds
        })
    });
    let total = Memo::new(move |_| app.documents.with(Vec::len));
    // The choice follows the selection: one object shows the newly selected service's
    // object of the same kind, or all when it has none; a kind no longer there, all.
    Effect::new(move |_| {
        kinds.track();
        app.selected_objects.track();
        let f = filter.get_untracked();
        let Some((kind, name)) = f.split_once('/') else {
            return;
        };
        let next = if name.is_empty() {
            let there = kinds.with(|ks| ks.iter().any(|(k, _)| &**k == kind));
            (!there).then(String::new)
        } else {
            app.selected_objects.with(|objects| {
                let mine = objects.iter().any(|(k, n)| &**k == kind && &**n == name);
                (!mine).then(|| {
                    objects
                        .iter()
                        .find(|(k, _)| &**k == kind)
                        .map(|(k, n)| format!("{k}/{n}"))
                        .unwrap_or_default()
                })
            })
        };
        if let Some(next) = next {
            filter.set(next);
        }
    });
    let service_name = Memo::new(move |_| {
        let id = app.selected()?;
        app.editor
            .with(|e| e.design.service(id).map(|s| s.name.clone()))
    });
    // The menu's options are made again when the kinds or the selected service's
    // objects change: the choice is set again once they are there (an Effect runs
    // after the view's updates), or the browser would show "All" for it.
    let menu = NodeRef::<leptos::html::Select>::new();
    Effect::new(move |_| {
        kinds.track();
        app.selected_objects.track();
        service_name.track();
        let f = filter.get();
        if let Some(menu) = menu.get() {
            menu.set_value(&f);
        }
    });
    let pre = NodeRef::<leptos::html::Pre>::new();
    let top = RwSignal::new(0.0);
    let height = RwSignal::new(1000.0);
    let window = Memo::new(move |_| {
        let (total, windowed) = index.with(|i| (i.total, i.windowed()));
        if !windowed {
            return 0..total;
        }
        let line = (top.get() / LINE_PX) as usize;
        let first = line.saturating_sub(MARGIN_LINES) / MARGIN_LINES * MARGIN_LINES;
        let count = (height.get() / LINE_PX).ceil() as usize + 3 * MARGIN_LINES;
        first.min(total)..(first + count).min(total)
    });
    let on_scroll = move |_| {
        if let Some(el) = pre.get_untracked() {
            top.set(f64::from(el.scroll_top()));
            height.set(f64::from(el.client_height()));
        }
    };
    let scroll_to = move |line: usize| {
        if let Some(el) = pre.get_untracked() {
            let third = f64::from(el.client_height()) / 3.0;
            el.set_scroll_top(((line as f64) * LINE_PX - third).max(0.0) as i32);
            top.set(f64::from(el.scroll_top()));
            height.set(f64::from(el.client_height()));
        }
    };

    // Find: every line holding the text, in the whole YAML; Enter goes to the next.
    let query = RwSignal::new(String::new());
    let matches = Memo::new(move |_| {
        let q = query.get().to_lowercase();
        if q.is_empty() {
            return Vec::new();
        }
        shown.with(|docs| {
            docs.iter()
                .enumerate()
                .flat_map(|(d, (_, _, text))| doc_lines(d, text))
                .enumerate()
                .filter(|(_, l)| l.to_lowercase().contains(&q))
                .map(|(n, _)| n)
                .collect::<Vec<_>>()
        })
    });
    let hit = RwSignal::new(0usize);
    let found = move || matches.with(|m| m.get(hit.get()).copied());
    let go = move |step: bool| {
        let len = matches.with_untracked(Vec::len);
        if len == 0 {
            return;
        }
        let next = if step {
            (hit.get_untracked() + 1) % len
        } else {
            0
        };
        hit.set(next);
        if let Some(line) = matches.with_untracked(|m| m.get(next).copied()) {
            scroll_to(line);
        }
    };

    // Only the drawn lines of a long text are in the page, so the browser's own find
    // cannot reach the rest: Ctrl+F in the view goes to the view's Find instead.
    let find_box = NodeRef::<leptos::html::Input>::new();
    let find_key = move |ev: leptos::ev::KeyboardEvent| {
        let windowed = index.with_untracked(LineIndex::windowed);
        if windowed && (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("f") {
            if let Some(input) = find_box.get_untracked() {
                ev.prevent_default();
                let _ = input.focus();
                input.select();
            }
        }
    };

    let copied = RwSignal::new(false);
    let copy = move |_| {
        let text = shown.with_untracked(|docs| joined(docs));
        if let Some(w) = web_sys::window() {
            let _ = w.navigator().clipboard().write_text(&text);
        }
        copied.set(true);
        set_timeout(
            move || copied.set(false),
            std::time::Duration::from_millis(1500),
        );
    };
    view! {
        <section class="yaml" aria-label="YAML">
            <header class="panel-head">
                <h2>{move || format!("YAML · {}", app.env.get())}</h2>
                <select data-testid="yaml-object" aria-label="Objects shown" title="Show every object, the selected service's, or one kind"
                    node_ref=menu
                    on:change=move |ev| filter.set(event_target_value(&ev))>
                    <option value="">{move || format!("All {}", counted(total.get(), "object"))}</option>
                    {move || {
                        let objects = app.selected_objects.get();
                        let name = service_name.get()?;
                        (!objects.is_empty()).then(|| view! {
                            <optgroup label=name data-testid="yaml-object-service">
                                {objects.into_iter().map(|(k, n)| {
                                    let v = format!("{k}/{n}");
                                    view! { <option value=v.clone()>{v.clone()}</option> }
                                }).collect_view()}
                            </optgroup>
                        })
                    }}
                    <optgroup label="Every object of a kind" data-testid="yaml-object-kinds">
                        {move || kinds.get().into_iter().map(|(k, n)| view! {
                            <option value=format!("{k}/")>{format!("{k} · {n}")}</option>
                        }).collect_view()}
                    </optgroup>
                </select>
                <button data-testid="copy-yaml" on:click=copy>{move || if copied.get() { "Copied" } else { "Copy" }}</button>
                <button data-testid="download-yaml" title="Download this environment as one YAML file" on:click=move |_| {
                    let text = app.documents.with_untracked(|docs| joined(docs));
                    let name = format!("{}-{}.yaml", app.editor.with_untracked(|e| e.design.name.clone()), app.env.get_untracked());
                    match crate::storage::download(&name, "application/yaml", &text) {
                        Ok(()) => app.downloaded(&name),
                        Err(m) => app.status.set(Some(m)),
                    }
                }>"Download"</button>
            </header>
            <div class="yaml-find">
                <input
                    type="search"
                    node_ref=find_box
                    data-testid="yaml-find"
                    aria-label="Find in the YAML"
                    placeholder="Find in YAML (Enter: next)"
                    prop:value=move || query.get()
                    on:input=move |ev| { query.set(event_target_value(&ev)); go(false); }
                    on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" { ev.prevent_default(); go(true); }
                />
                <span class="found-count" data-testid="yaml-found" aria-live="polite">{move || {
                    let n = matches.with(Vec::len);
                    if query.with(String::is_empty) { String::new() }
                    else if n == 0 { "no match".to_string() }
                    else { format!("{} of {n}", hit.get() + 1) }
                }}</span>
            </div>
            <pre data-testid="yaml" class="code" tabindex="0" node_ref=pre on:scroll=on_scroll on:keydown=find_key aria-label=move || format!("Manifests of {}", app.env.get())>
                <div
                    class="yaml-lines"
                    style:height=move || format!("{}px", index.with(|i| i.total) as f64 * LINE_PX)
                    style:min-width=move || format!("{}ch", index.with(|i| i.widest))
                >
                    <div class="yaml-window" style:transform=move || format!("translateY({}px)", window.get().start as f64 * LINE_PX)>
                        <For
                            each=move || {
                                let found = found();
                                shown.with(|docs| index.with(|i| chunks(docs, i, window.get(), found)))
                            }
                            key=|c| (c.doc, Same(c.text.clone()), c.lines.clone(), c.found)
                            let:chunk
                        >
                            <div
                                class="yaml-doc"
                                style:contain-intrinsic-block-size=format!("{}px", chunk.lines.len() as f64 * LINE_PX)
                                inner_html=chunk.html()
                            />
                        </For>
                    </div>
                </div>
            </pre>
        </section>
    }
}

/// The drawn lines of one document: lines `lines` of its text, counting the `---`
/// that joins it to the one before. Keyed by its text (the live YAML hands out the
/// same text for a document an edit did not change), an edit redraws only the
/// documents it changed.
#[derive(Clone)]
struct Chunk {
    doc: usize,
    text: Arc<str>,
    lines: std::ops::Range<usize>,
    /// The found line, counted as `lines` is.
    found: Option<usize>,
}

/// A document's text compared by identity, as a key of the drawn documents. Holding it
/// keeps its address from being reused by another text while the key is kept.
#[derive(Clone)]
struct Same(Arc<str>);

impl PartialEq for Same {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Same {}

impl std::hash::Hash for Same {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        std::ptr::hash(Arc::as_ptr(&self.0).cast::<u8>(), state);
    }
}

impl Chunk {
    /// The lines, highlighted, as HTML, each ended by its newline; the found one
    /// marked. One string set at once: the browser parses it far faster than the same
    /// spans are built one call at a time.
    fn html(&self) -> String {
        let text = doc_lines(self.doc, &self.text)
            .enumerate()
            .skip(self.lines.start)
            .take(self.lines.len());
        let mut html = String::new();
        for (k, line) in text {
            if self.found == Some(k) {
                html.push_str("<mark class=\"found\">");
                line_html(line, &mut html);
                html.push_str("</mark>");
            } else {
                line_html(line, &mut html);
            }
            html.push('\n');
        }
        html
    }
}

/// The documents of `docs` that lines `range` of their joined text (as [`LineIndex`]
/// says) fall in, each with its lines in the range.
fn chunks(
    docs: &[Document],
    index: &LineIndex,
    range: std::ops::Range<usize>,
    found: Option<usize>,
) -> Vec<Chunk> {
    let first = index
        .starts
        .partition_point(|s| *s <= range.start)
        .saturating_sub(1);
    let mut out = Vec::new();
    for (d, (_, _, text)) in docs.iter().enumerate().skip(first) {
        let start = index.starts[d];
        if start >= range.end {
            break;
        }
        let end = index.starts.get(d + 1).copied().unwrap_or(index.total);
        let lines = range.start.max(start) - start..range.end.min(end) - start;
        if lines.is_empty() {
            continue;
        }
        out.push(Chunk {
            doc: d,
            text: text.clone(),
            found: found
                .filter(|f| (start + lines.start..start + lines.end).contains(f))
                .map(|f| f - start),
            lines,
        });
    }
    out
}

/// The shutdown of one pod of service `id`, drawn to scale, with its verdict in text.
#[component]
pub fn Timeline(#[prop(into)] id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let timeline = Memo::new(move |_| {
        let env = app.env.get();
        let id = id.get();
        app.editor.with(|e| {
            let d = &e.design;
            let s = d.service(id)?;
            let env = d.environment(&env)?;
            Some(shutdown_timeline(d, &effective(s, env)))
        })
    });
    move || {
        timeline.get().map(|t| {
            let width = 520.0;
            let x = |s: u32| 10.0 + width * f64::from(s) / f64::from(t.span());
            let state = t.verdict().as_str();
            let done = t.done();
            let end = t.all_done();
            let slack_text = t.slack_text();
            // Native sidecars stop after the main containers, one row each.
            let rows = t.sidecars.len() as f64;
            let height = 118.0 + 20.0 * rows;
            let line_end = 98.0 + 20.0 * rows;
            let sidecars = t.sidecars.iter().enumerate().map(|(k, c)| {
                let y = 98.0 + 20.0 * k as f64;
                let killed = if c.until > t.grace { " killed" } else { "" };
                view! {
                    <rect x=x(c.from) y=y width=(x(c.until) - x(c.from)).max(2.0) height="14" class=format!("bar sidecar{killed}") data-testid=format!("timeline-sidecar-{}", c.name) />
                    <text x=x(c.from) + 4.0 y=y + 11.0 class="lbl">{format!("sidecar {} {} s", c.name, c.until - c.from)}</text>
                }
            }).collect_view();
            view! {
                <figure class=format!("timeline {state}") data-testid="timeline">
                    <svg viewBox=format!("0 0 540 {height}") role="img" aria-label=t.summary()>
                        <text x="10" y="12" class="axis">"0 s: Terminating, endpoints removed"</text>
                        <rect x=x(0) y="18" width=x(t.propagation) - x(0) height="14" class="bar propagation" />
                        <text x=x(t.propagation) + 4.0 y="29" class="lbl">{format!("propagation {} s", t.propagation)}</text>
                        <rect x=x(0) y="38" width=x(t.pre_stop) - x(0) height="14" class="bar prestop" />
                        <text x=x(t.pre_stop) + 4.0 y="49" class="lbl">{format!("preStop {} s → SIGTERM", t.pre_stop)}</text>
                        <rect x=x(t.pre_stop) y="58" width=x(done) - x(t.pre_stop) height="14" class="bar drain" />
                        <text x=x(t.pre_stop) + 4.0 y="69" class="lbl on-bar">{format!("drain {} s", t.drain)}</text>
                        <rect x=x(end.min(t.grace)) y="78" width=(x(end.max(t.grace)) - x(end.min(t.grace))).max(2.0) height="14" class=format!("bar slack {state}") />
                        {sidecars}
                        <line x1=x(t.grace) x2=x(t.grace) y1="14" y2=line_end class="deadline" />
                        <text x=x(t.grace) - 4.0 y=line_end + 12.0 class="lbl end" text-anchor="end">{format!("SIGKILL at {} s", t.grace)}</text>
                    </svg>
                    <figcaption data-testid="timeline-summary">
                        <b class=format!("verdict {state}")>{slack_text}</b>
                        " · " {t.summary()}
                    </figcaption>
                </figure>
            }
        })
    }
}

/// The bottom of the canvas column: timeline of the selection, or disruption per service.
#[component]
pub fn BottomPanel() -> impl IntoView {
    let app = use_app();
    let panes = crate::panes::use_panes();
    let tab = move |b: Bottom, label: &'static str, testid: &'static str| {
        view! {
            <button role="tab" data-testid=testid aria-selected=move || (panes.bottom_open() && app.bottom.get() == b).to_string() class:active=move || panes.bottom_open() && app.bottom.get() == b
                on:click=move |_| { app.bottom.set(b); panes.set_bottom_open(true, app.fit); }>{label}</button>
        }
    };
    view! {
        <section class="bottom" class:folded=move || !panes.bottom_open()>
            <div class="tabs">
                <div role="tablist" class="tablist">
                    {tab(Bottom::Timeline, "Shutdown timeline", "tab-timeline")}
                    {tab(Bottom::Disruption, "Disruption", "tab-disruption")}
                </div>
                <crate::panes::BottomToggle />
            </div>
            {move || panes.bottom_open().then(|| match app.bottom.get() {
                Bottom::Timeline => match app.selected() {
                    Some(id) => view! { <Timeline id /> }.into_any(),
                    None => view! { <p class="empty">"Select a service to see how its pods shut down."</p> }.into_any(),
                },
                Bottom::Disruption => view! { <DisruptionTable /> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn DisruptionTable() -> impl IntoView {
    let app = use_app();
    let rows = Memo::new(move |_| {
        let env = app.env.get();
        app.editor.with(|e| {
            let d = &e.design;
            let Some(env) = d.environment(&env) else {
                return Vec::new();
            };
            d.services
                .iter()
                .filter(|s| env.deploys(s.id))
                .map(|s| (s.name.clone(), disruption_row(&effective(s, env))))
                .collect::<Vec<_>>()
        })
    });
    view! {
        <table class="disruption" data-testid="disruption">
            <thead><tr><th>"Service"</th><th>"Pods"</th><th>"HPA"</th><th>"A drain may evict"</th><th>"A rollout may take down / add"</th></tr></thead>
            <tbody>
                {move || rows.get().into_iter().map(|(name, d)| view! {
                    <tr data-testid=format!("disruption-{name}")>
                        <td>{name.clone()}</td>
                        <td>{d.pods}</td>
                        <td>{d.hpa}</td>
                        <td class:blocked=d.drain_blocks>{d.drain}</td>
                        <td>{d.rollout}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// Environments, namespaces and cluster assumptions.
#[component]
pub fn Environments() -> impl IntoView {
    let app = use_app();
    let names = Memo::new(move |_| {
        app.editor.with(|e| {
            e.design
                .environments
                .iter()
                .map(|e| e.name.clone())
                .collect::<Vec<_>>()
        })
    });
    let d = |ptr: &str| FieldPath::design(ptr);
    view! {
        <aside class="inspector envs-page" aria-label="Environments">
            <div class="inspector-head"><h2>"Environments"</h2>
                <button on:click=move |_| app.side.set(Side::Inspector)>"Back to inspector"</button>
            </div>
            <div class="sections">
                <section class="section">
                    <h3>"Design"</h3>
                    <p class="note">"The design's name (its app.kubernetes.io/part-of label) is in the top bar."</p>
                    <Choice label="Kubernetes version" path=d("/target") options=kubeprint_core::KubeVersion::ALL.iter().map(|v| (v.as_str(), json!(v.as_str()))).collect() />
                    <div class="row">
                        <Field label="Endpoint propagation (s)" path=d("/cluster/endpoint_propagation_seconds") kind=K::Seconds />
                        <Field label="LB deregistration (s)" path=d("/cluster/lb_deregistration_seconds") kind=K::OptionalCount hint="empty: no IP-target LB" />
                    </div>
                    <div class="row">
                        <Field label="Ingress class" path=d("/cluster/ingress_class") kind=K::OptionalText />
                        <Field label="cert-manager issuer" path=d("/cluster/cert_issuer") kind=K::Text />
                    </div>
                    <div class="row">
                        <Field label="Ingress controller namespace" path=d("/cluster/ingress_controller_namespace") kind=K::Text />
                        <Field label="Monitoring namespace" path=d("/cluster/monitoring_namespace") kind=K::OptionalText />
                    </div>
                    <Field label="Prometheus address (canary analysis)" path=d("/cluster/prometheus_address") kind=K::OptionalText placeholder="prometheus-operated in that namespace" hint="empty: http://prometheus-operated.<namespace>.svc:9090" />
                </section>
                <For each=move || names.get() key=|n| n.clone() let:name>
                    {
                        let e = |ptr: &str| FieldPath::environment(&name, ptr);
                        let remove = name.clone();
                        view! {
                            <section class="section" data-testid=format!("env-section-{name}")>
                                <h3>{name.clone()}</h3>
                                <div class="row">
                                    <EnvName name=name.clone() />
                                    <Choice label="Tier" path=e("/tier") options=presets::TIERS.iter().map(|(label, tier)| (*label, json!(tier))).collect() />
                                </div>
                                <Field label="Namespace" path=e("/namespace") kind=K::Text hint="Enter applies it, and the addresses of its services follow" on_commit=true />
                                <Check label="Objects name no namespace (kubectl apply -n gives it)" path=e("/namespace_unwritten") />
                                <Field label="Namespace labels" path=e("/labels") kind=K::KeyValues placeholder="istio-injection=enabled" />
                                <Field label="Labels on every object" path=e("/common_labels/labels") kind=K::KeyValues placeholder="env=prod" />
                                <Choice label="They also label" path=e("/common_labels/reach") options=vec![("nothing else", json!("objects")), ("pods too (includeTemplates)", json!("pods")), ("pods and selectors (commonLabels)", json!("selectors"))] />
                                <CommonLabelsNote env=name.clone() />
                                <Check label="Default-deny NetworkPolicy, allow the design's edges" path=e("/default_deny") />
                                <Check label="Runs the design's services" path=e("/hosts_services") />
                                <crate::delivery::MonitoringFields env=name.clone() />
                                <crate::route::GatewayFields env=name.clone() />
                                <button
                                    class="danger"
                                    data-testid=format!("remove-env-{name}")
                                    prop:disabled=move || names.with(|n| n.len() < 2)
                                    title=move || if names.with(|n| n.len() < 2) { "A design renders into at least one environment: add another before removing this one" } else { "Remove this environment, its namespace and its overrides (Ctrl+Z brings it back)" }
                                    on:click=move |_| {
                                        if app.try_dispatch(Edit::RemoveEnvironment(remove.clone())).is_ok() {
                                            app.notice.set(Some(format!("Removed {}: Ctrl+Z brings it back", remove)));
                                        }
                                    }
                                >"Remove environment"</button>
                            </section>
                        }
                    }
                </For>
                <button class="add" data-testid="add-environment" on:click=move |_| {
                    let env = app.editor.with_untracked(|e| presets::new_environment(&e.design));
                    app.dispatch(Edit::AddEnvironment(Box::new(env)));
                }>"+ environment"</button>
            </div>
        </aside>
    }
}

/// What labels in selectors mean for a running system, shown while they reach them.
#[component]
fn CommonLabelsNote(env: String) -> impl IntoView {
    let app = use_app();
    let in_selectors = Memo::new(move |_| {
        app.editor.with(|e| {
            (e.design.environment(&env))
                .is_some_and(|e| e.common_labels.reach == kubeprint_core::LabelReach::Selectors)
        })
    });
    view! {
        <Show when=move || in_selectors.get()>
            <p class="note">"A workload's selector cannot change once it exists: set these before the first deploy, or delete and recreate the workloads."</p>
        </Show>
    }
}

/// An environment's name. It keys the environment's tab, its section and the paths of
/// its fields, so it is renamed as a [`Rename`] does. Its id is its field's path, like
/// every input's: a finding can focus it.
#[component]
fn EnvName(name: String) -> impl IntoView {
    let current = name.clone();
    view! {
        <Rename
            label="Name"
            id=Some(FieldPath::environment(&name, "/name").to_string())
            testid=FieldPath::environment(&name, "/name").to_string()
            current=name
            edit=move |to: String| Edit::Set { path: FieldPath::environment(&current, "/name"), value: json!(to) }
            renamed=|to: &str| format!("input[data-testid=\"{}\"]", FieldPath::environment(to, "/name"))
        />
    }
}

/// The template gallery: the four seed systems and an empty design.
#[component]
pub fn Gallery() -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.gallery.get()>
            <Modal title="gallery-title" opener="open-gallery" close=move || app.gallery.set(false)>
                    <h2 id="gallery-title">"Start from a template"</h2>
                    <p class="note">"A template opens as a new design; the current one stays under Designs."</p>
                    <div class="cards">
                        {templates::ALL.iter().map(|t| {
                            let design = (t.build)();
                            let counts = format!("{} · {}", counted(design.services.len(), "service"), counted(design.environments.len(), "environment"));
                            view! {
                                <button class="card" data-testid=format!("template-{}", t.name) on:click=move |_| {
                                    app.open_new(design.clone());
                                    app.gallery.set(false);
                                }>
                                    <b>{t.name}</b>
                                    <span>{t.title}</span>
                                    <small>{counts}</small>
                                </button>
                            }
                        }).collect_view()}
                    </div>
                    <button on:click=move |_| app.gallery.set(false)>"Close"</button>
            </Modal>
        </Show>
    }
}
