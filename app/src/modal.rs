//! One frame for every modal dialog (templates, import, share, bundle): labelled by its
//! heading and marked modal; focus moves into it when it opens, Tab stays inside it,
//! Escape or a click on the backdrop closes it, and focus goes back to what had it
//! before it opened (the button that opened it).

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;

/// The dialog around `children`, shown while it is mounted (put it under a `Show`).
/// `title` is the id of its heading; `first` (CSS, optional) what takes the focus on
/// opening instead of its first control; `opener` the test id of the button that opens
/// it, which gets the focus back when nothing else had it before (a browser that does
/// not focus a clicked button, a dialog opened by a dropped file); `close` closes it.
#[component]
pub fn Modal(
    title: &'static str,
    opener: &'static str,
    #[prop(optional)] described_by: Option<&'static str>,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] testid: &'static str,
    #[prop(optional)] first: Option<&'static str>,
    #[prop(into)] close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Div>::new();
    // What had the focus before the dialog opened gets it back when it closes.
    let before = SendWrapper::new(active_element());
    on_cleanup(move || {
        let back = before.take().filter(|el| el.is_connected()).or_else(|| {
            document()?
                .query_selector(&format!("[data-testid=\"{opener}\"]"))
                .ok()
                .flatten()
        });
        if let Some(el) = back {
            focus(&el);
        }
    });
    Effect::new(move |_| {
        let Some(el) = dialog.get() else {
            return;
        };
        let chosen = first
            .and_then(|css| el.query_selector(css).ok().flatten())
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(target) = chosen.or_else(|| focusables(&el).into_iter().next()) {
            let _ = target.focus();
        }
    });
    // Keys stay in the dialog: the page's shortcuts (Delete removes the selected
    // service, Ctrl+Z undoes) must not act on the design behind it.
    let keydown = move |ev: leptos::ev::KeyboardEvent| {
        ev.stop_propagation();
        match ev.key().as_str() {
            "Escape" => close.run(()),
            "Tab" => {
                if let Some(el) = dialog.get_untracked() {
                    trap_tab(&el, &ev);
                }
            }
            _ => {}
        }
    };
    let class = if class.is_empty() {
        "modal".to_string()
    } else {
        format!("modal {class}")
    };
    view! {
        <div class="modal-backdrop" on:click=move |_| close.run(())>
            <div
                class=class
                role="dialog"
                aria-modal="true"
                aria-labelledby=title
                aria-describedby=described_by
                data-testid=(!testid.is_empty()).then_some(testid)
                node_ref=dialog
                on:click=|ev| ev.stop_propagation()
                on:keydown=keydown
            >
                {children()}
            </div>
        </div>
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// The element that has the focus, if any but the page's body.
pub(crate) fn active_element() -> Option<web_sys::Element> {
    let doc = document()?;
    let active = doc.active_element()?;
    let body: Option<web_sys::Element> = doc.body().map(Into::into);
    (Some(&active) != body.as_ref()).then_some(active)
}

/// Focus `el`, an HTML or an SVG element (both have `focus()`; web-sys gives it to
/// HTML elements only).
pub fn focus(el: &web_sys::Element) {
    if let Ok(f) = js_sys::Reflect::get(el, &"focus".into()) {
        if let Ok(f) = f.dyn_into::<js_sys::Function>() {
            let _ = f.call0(el);
        }
    }
}

/// Focus the first element `selector` finds, if any.
pub fn focus_selector(selector: &str) {
    focus_first(&[selector]);
}

/// Focus the element the first selector that finds one finds: a place, then where to go
/// when it is not there.
pub fn focus_first(selectors: &[&str]) {
    let doc = document();
    let found = (selectors.iter()).find_map(|s| doc.as_ref()?.query_selector(s).ok().flatten());
    if let Some(el) = found {
        focus(&el);
    }
}

/// Where keyboard focus was, to find it again once the view is drawn anew (an undo
/// that brings back a renamed row draws the row again, and the focus with it is lost):
/// the focused element's name (its id, else its test id), its place among what Tab
/// reaches in the page, and the names of what Tab reached then.
pub struct FocusMark {
    name: String,
    index: usize,
    names: std::collections::HashSet<String>,
}

/// How an element is named: its id, else its `data-testid`, else nothing.
fn name_of(el: &web_sys::Element) -> String {
    let id = el.id();
    if !id.is_empty() {
        return id;
    }
    el.get_attribute("data-testid").unwrap_or_default()
}

/// What Tab reaches in the page, in order, and the place of the focused element
/// among it.
fn focus_in_page() -> Option<(Vec<web_sys::HtmlElement>, usize, web_sys::Element)> {
    let el = active_element()?;
    let all = focusables(&document()?.body()?.into());
    let index = all.iter().position(|f| {
        let f: &web_sys::Element = f;
        f == &el
    })?;
    Some((all, index, el))
}

/// The focus as it is now; `None` when nothing has it.
pub fn mark_focus() -> Option<FocusMark> {
    let (all, index, el) = focus_in_page()?;
    let names = all.iter().map(|f| name_of(f)).collect();
    Some(FocusMark {
        name: name_of(&el),
        index,
        names,
    })
}

/// If the focus was lost since `mark` (its element is gone), give it to the element of
/// the same name; else to the one that appeared since, named most like it (a renamed
/// key's field, brought back under its old name and sorted elsewhere); else to the one
/// at the same place in Tab's order.
pub fn restore_focus(mark: FocusMark) {
    let Some(body) = document().and_then(|d| d.body()) else {
        return;
    };
    if active_element().is_some() {
        return;
    }
    let all = focusables(&body);
    let named = |name: &str| all.iter().find(|f| !name.is_empty() && name_of(f) == name);
    let alike = || {
        let shared = |n: &str| {
            (n.chars().zip(mark.name.chars()))
                .take_while(|(a, b)| a == b)
                .count()
        };
        (all.iter())
            .map(|f| (f, name_of(f)))
            .filter(|(_, n)| !n.is_empty() && !mark.names.contains(n))
            .map(|(f, n)| (shared(&n), f))
            .filter(|(shared, _)| !mark.name.is_empty() && *shared * 2 >= mark.name.len())
            .max_by_key(|(shared, _)| *shared)
            .map(|(_, f)| f)
    };
    let el = named(&mark.name)
        .or_else(alike)
        .or_else(|| all.get(mark.index).or(all.last()));
    if let Some(el) = el {
        focus(el);
    }
}

/// Move the focus on to what Tab (`backwards`: Shift+Tab) reaches from where it is.
pub fn focus_step(backwards: bool) {
    let Some((all, i, _)) = focus_in_page() else {
        return;
    };
    let next = if backwards {
        i.checked_sub(1)
    } else {
        Some(i + 1)
    };
    if let Some(el) = next.and_then(|n| all.get(n)) {
        focus(el);
    }
}

/// The page's regions in order, as F6 visits them: the top bar, the canvas, the panel
/// beside it (inspector, environments or config page), the findings and the YAML.
const REGIONS: &[&str] = &[
    "header.topbar",
    ".canvas-wrap",
    "aside.inspector",
    "section.findings",
    "section.yaml",
];

/// Whether a dialog is open (it keeps the focus to itself).
pub fn dialog_open() -> bool {
    (document().and_then(|d| d.query_selector("[aria-modal=\"true\"]").ok().flatten())).is_some()
}

/// F6 (Shift+F6 back): the focus goes to the next region of the page that is shown,
/// to its first control, as in browsers and editors (or the first inside the part of
/// it marked `data-f6-start`: the selected service's findings); from outside every
/// region, to the first (the last, going back).
pub fn focus_region(backwards: bool) {
    let Some(doc) = document() else { return };
    let regions: Vec<web_sys::Element> = (REGIONS.iter())
        .filter_map(|s| doc.query_selector(s).ok().flatten())
        .filter(|r| !focusables(r).is_empty())
        .collect();
    if regions.is_empty() {
        return;
    }
    let active = active_element();
    let here = active
        .as_ref()
        .and_then(|a| regions.iter().position(|r| r.contains(Some(a))));
    let n = regions.len();
    let next = match (here, backwards) {
        (Some(i), false) => (i + 1) % n,
        (Some(i), true) => (i + n - 1) % n,
        (None, false) => 0,
        (None, true) => n - 1,
    };
    let region = &regions[next];
    // (The part's first stop may be an SVG element, a canvas node: no HtmlElement.)
    let start = (region.query_selector("[data-f6-start]").ok().flatten())
        .and_then(|part| part.query_selector(FOCUSABLE).ok().flatten());
    match start {
        Some(first) => focus(&first),
        None => {
            if let Some(first) = focusables(region).into_iter().next() {
                focus(&first);
            }
        }
    }
}

/// What Tab can reach.
const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea, summary, [href], [tabindex]:not([tabindex=\"-1\"])";

/// What Tab can reach inside `root`, in document order.
fn focusables(root: &web_sys::Element) -> Vec<web_sys::HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        // Inside a folded folder an element is not shown and Tab skips it.
        .filter(|e| e.offset_parent().is_some())
        .collect()
}

/// Keep Tab inside the dialog: from its last control to its first, and back.
fn trap_tab(root: &web_sys::Element, ev: &leptos::ev::KeyboardEvent) {
    let all = focusables(root);
    let (Some(first), Some(last)) = (all.first(), all.last()) else {
        return;
    };
    let active = active_element();
    let at = |e: &web_sys::HtmlElement| active.as_ref() == Some(e.unchecked_ref());
    let inside = active.as_ref().is_some_and(|a| root.contains(Some(a)));
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
