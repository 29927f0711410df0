//! `index.html#bench`: measures, in the browser's wasm, what the page's actions cost.
//!
//! - The core loop of one edit: apply it, validate the environment, render its objects
//!   and the YAML of those that changed (through the page's YAML cache).
//! - The page path: the real working area (canvas, inspector, findings, YAML) mounted on
//!   `templates::scaled(n)`, then `RUNS` selection changes and `RUNS` field edits through
//!   [`AppState`], each timed until the page's effects have run, with the number of
//!   validations and renders each action caused. Selecting a service should cause none.
//!
//! Results are written into the page (`data-testid="bench"`) for `./dev bench-browser`.

use crate::canvas::EdgeSelection;
use crate::state::{AppState, RENDERS, VALIDATIONS};
use kubeprint_core::editor::Editor;
use kubeprint_core::render::YamlCache;
use kubeprint_core::{render, templates, validate, Edit, FieldPath};
use leptos::prelude::*;
use serde_json::json;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use wasm_bindgen::{JsCast, JsValue};

const RUNS: usize = 30;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Median and 95th percentile of `times`, formatted.
fn stats(mut times: Vec<f64>) -> String {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    let p95 = times[(times.len() * 95) / 100];
    format!("runs={} median_ms={median:.2} p95_ms={p95:.2}", times.len())
}

fn measure(n: usize) -> String {
    let mut editor = Editor::new(templates::scaled(n));
    // The page keeps a YAML cache across edits; so does the measurement.
    let mut cache = YamlCache::default();
    cache.documents(&render(&editor.design, "prod"));
    let id = editor.design.services[0].id;
    let mut times = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let start = now();
        let edit = Edit::Set {
            path: FieldPath::service(id, "/timing/grace_period_seconds"),
            value: json!(30 + i),
        };
        editor.dispatch(edit).expect("a valid edit");
        let findings = validate(&editor.design, "prod");
        let docs = cache.documents(&render(&editor.design, "prod"));
        std::hint::black_box((findings.len(), docs.len()));
        times.push(now() - start);
    }
    format!("services={n} {}", stats(times))
}

/// Lets the page's effects run: they are tasks queued by the signal that changed, and
/// each await of a resolved promise yields to them.
async fn settle() {
    for _ in 0..3 {
        let _ =
            wasm_bindgen_futures::JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await;
    }
}

/// Validations and renders so far.
fn counts() -> (u32, u32) {
    (
        VALIDATIONS.load(Ordering::Relaxed),
        RENDERS.load(Ordering::Relaxed),
    )
}

/// Times `RUNS` runs of `action(i)`, each until the page settled, and counts the
/// validations and renders they caused.
async fn time_actions(n: usize, what: &str, action: impl Fn(usize)) -> String {
    let (v0, r0) = counts();
    let mut times = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        let start = now();
        action(i);
        settle().await;
        times.push(now() - start);
    }
    let (v1, r1) = counts();
    let per = |a: u32, b: u32| f64::from(b - a) / RUNS as f64;
    format!(
        "services={n} page={what} {} validations_per_action={:.1} renders_per_action={:.1}",
        stats(times),
        per(v0, v1),
        per(r0, r1)
    )
}

/// Mounts the working area on `n` services into `host`, then measures selecting and
/// editing through the page's state, as clicks and keystrokes do.
async fn measure_page(n: usize, host: web_sys::HtmlElement) -> Vec<String> {
    let shared: Rc<Cell<Option<AppState>>> = Rc::default();
    let out = shared.clone();
    let handle = leptos::mount::mount_to(host, move || {
        let app = AppState::new(templates::scaled(n), 0);
        provide_context(app);
        provide_context(EdgeSelection(RwSignal::new(None)));
        out.set(Some(app));
        view! { <crate::Layout /> }
    });
    settle().await;
    let app = shared.get().expect("the page state");
    let ids: Vec<_> = app
        .editor
        .with_untracked(|e| e.design.services.iter().map(|s| s.id).collect());
    let select = time_actions(n, "select", |i| app.select(Some(ids[(i + 1) % ids.len()]))).await;
    let edit = time_actions(n, "edit", |i| {
        let id = app.selected().expect("a selected service");
        app.dispatch(Edit::Set {
            path: FieldPath::service(id, "/timing/grace_period_seconds"),
            value: json!(40 + i),
        });
    })
    .await;
    drop(handle);
    vec![select, edit]
}

async fn run_all(result: RwSignal<String>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let mut lines = Vec::new();
    for n in [20, 200] {
        lines.push(measure(n));
        let host = document
            .create_element("div")
            .ok()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        let (Some(host), Some(body)) = (host, document.body()) else {
            return;
        };
        let _ = body.append_child(&host);
        lines.extend(measure_page(n, host.clone()).await);
        host.remove();
        lines.extend(crate::bench_canvas::measure(n).await);
    }
    result.set(lines.join("\n"));
}

/// Runs the measurements once and shows them.
#[component]
pub fn BenchPage() -> impl IntoView {
    let result = RwSignal::new(String::from("measuring…"));
    leptos::task::spawn_local(run_all(result));
    view! {
        <main class="bench">
            <h1>"Kubeprint: edit → findings + YAML, select and edit in the page"</h1>
            <pre data-testid="bench">{move || result.get()}</pre>
        </main>
    }
}
