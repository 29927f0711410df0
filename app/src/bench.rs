//! `index.html#bench`: measures, in the browser's wasm, what the page's actions cost.
//!
//! - The core loop of one edit: apply it, validate the environment, and bring its YAML up
//!   to date (the page's `LiveYaml`: render and serialize the services that changed).
//! - The page path: the real working area (canvas, inspector, findings, YAML) mounted on
//!   `templates::scaled(n)`, then `RUNS` selection changes and `RUNS` field edits through
//!   [`AppState`], each timed until the page's effects have run and it was laid out, and
//!   until the next animation frame, with the number of validations and renders each
//!   action caused. Selecting a service should cause none.
//!
//! - The real page path (`index.html#bench=N`, also `#bench=200,1000`): the working area
//!   with the page's autosave, 100 keystrokes in an inspector field (DOM `input` events)
//!   until its effects ran and the page laid out ("busy"), and until the next animation
//!   frame ("frame", which also waits for the display's next frame); the number of
//!   elements in the page and in each panel; the wasm memory; opening an `N`-service
//!   design file and share link through the page's own open functions until the canvas
//!   shows its services at the next frame.
//!
//! `#bench` alone measures 20 and 200 services. Results are written into the page
//! (`data-testid="bench"`) for `./dev bench-browser`.

use crate::canvas::EdgeSelection;
use crate::state::{AppState, RENDERS, VALIDATIONS};
use kubeprint_core::editor::Editor;
use kubeprint_core::render::live::LiveYaml;
use kubeprint_core::rules::LiveFindings;
use kubeprint_core::{templates, Edit, FieldPath};
use leptos::prelude::*;
use serde_json::json;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::atomic::Ordering;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

const RUNS: usize = 30;
/// Keystrokes typed: more than `RUNS`, since the first few also pay for compiling the
/// code they are the first to run, which among 30 would be the 95th percentile.
const KEYSTROKES: usize = 100;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Median and 95th percentile of `times`, formatted.
fn stats(mut times: Vec<f64>) -> String {
    kubeprint_core::order::sort_by(&mut times, f64::total_cmp);
    let median = times[times.len() / 2];
    let p95 = times[(times.len() * 95) / 100];
    format!("runs={} median_ms={median:.2} p95_ms={p95:.2}", times.len())
}

fn measure(n: usize) -> String {
    let mut editor = Editor::new(templates::scaled(n));
    // The page keeps its YAML and findings across edits; so does the measurement.
    let mut live = LiveYaml::default();
    live.documents(&editor.design, "prod");
    let mut checked = LiveFindings::default();
    checked.validate(&editor.design, "prod");
    let id = editor.design.services[0].id;
    let mut times = Vec::with_capacity(RUNS);
    let (mut validating, mut rendering) = (Vec::new(), Vec::new());
    for i in 0..RUNS {
        let start = now();
        let edit = Edit::Set {
            path: FieldPath::service(id, "/timing/grace_period_seconds"),
            value: json!(30 + i),
        };
        editor.dispatch(edit).expect("a valid edit");
        let t1 = now();
        let findings = checked.validate(&editor.design, "prod");
        let t2 = now();
        let docs = live.documents(&editor.design, "prod");
        let t3 = now();
        std::hint::black_box((findings.len(), docs.len()));
        times.push(t3 - start);
        validating.push(t2 - t1);
        rendering.push(t3 - t2);
    }
    format!(
        "services={n} {} (validate {}, render + yaml {})",
        stats(times),
        stats(validating).replace("runs=30 ", ""),
        stats(rendering).replace("runs=30 ", "")
    )
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

/// Times `RUNS` runs of `action(i)`, each started between frames as a click is: "busy"
/// until the page's effects ran and it was laid out ("layout" is that last part),
/// "frame" until the next animation frame, when the change is on screen. Counts the
/// validations and renders they caused.
async fn time_actions(n: usize, what: &str, action: impl Fn(usize)) -> String {
    let (v0, r0) = counts();
    let (mut busy, mut frame) = (Vec::with_capacity(RUNS), Vec::with_capacity(RUNS));
    let mut layout = Vec::with_capacity(RUNS);
    for i in 0..RUNS {
        next_frame().await;
        yield_to_browser().await;
        let start = now();
        action(i);
        settle().await;
        let script = now();
        force_layout();
        layout.push(now() - script);
        busy.push(now() - start);
        next_frame().await;
        frame.push(now() - start);
    }
    let (v1, r1) = counts();
    let per = |a: u32, b: u32| f64::from(b - a) / RUNS as f64;
    format!(
        "services={n} page={what} busy {} frame {} layout {} validations_per_action={:.1} renders_per_action={:.1}",
        stats(busy),
        stats(frame),
        stats(layout),
        per(v0, v1),
        per(r0, r1)
    )
}

/// Resolves at the page's next animation frame.
async fn next_frame() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let done = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::NULL);
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(done.unchecked_ref());
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Resolves after the browser ran its other tasks (a zero timeout).
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(w) = web_sys::window() {
            let _ = w.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Elements under the first element matching `css` (itself included), 0 if none.
fn elements(css: &str) -> u32 {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return 0;
    };
    match doc.query_selector(css).ok().flatten() {
        Some(root) => root.query_selector_all("*").map_or(0, |l| l.length() + 1),
        None => 0,
    }
}

/// The wasm module's linear memory, in MB.
fn wasm_memory_mb() -> f64 {
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map_or(0.0, |m| {
            f64::from(
                m.buffer()
                    .dyn_into::<js_sys::ArrayBuffer>()
                    .map_or(0, |b| b.byte_length()),
            ) / 1_048_576.0
        })
}

/// Makes the browser lay out what changed now, as it must before it can paint.
fn force_layout() {
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        std::hint::black_box(body.offset_height());
    }
}

/// Types `value(i)` into the inspector's grace period input of the selected service as
/// a user does: one DOM `input` event per keystroke, through the input's own handler.
/// "busy" is until the page's effects ran and it was laid out ("layout" is that last
/// part); "frame" until the next animation frame, when what changed is on screen.
/// `what` names the line.
async fn measure_keystrokes(
    n: usize,
    app: AppState,
    what: &str,
    value: impl Fn(usize) -> usize,
) -> String {
    let Some(id) = app.selection.get_untracked() else {
        return format!("services={n} page={what} no selected service");
    };
    let path = FieldPath::service(id, "/timing/grace_period_seconds").to_string();
    let input = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(&path))
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok());
    let Some(input) = input else {
        return format!("services={n} page={what} no input {path}");
    };
    let _ = input.focus();
    let (v0, r0) = counts();
    let (mut busy, mut frame) = (
        Vec::with_capacity(KEYSTROKES),
        Vec::with_capacity(KEYSTROKES),
    );
    let mut layout = Vec::with_capacity(KEYSTROKES);
    for i in 0..KEYSTROKES {
        // Start as a keystroke does: between frames, with nothing else pending.
        next_frame().await;
        yield_to_browser().await;
        input.set_value(&value(i).to_string());
        let event = web_sys::Event::new_with_event_init_dict("input", &{
            let init = web_sys::EventInit::new();
            init.set_bubbles(true);
            init
        })
        .expect("an input event");
        let start = now();
        let _ = input.dispatch_event(&event);
        settle().await;
        let script = now();
        force_layout();
        layout.push(now() - script);
        busy.push(now() - start);
        next_frame().await;
        frame.push(now() - start);
    }
    let (v1, r1) = counts();
    let shown = app.documents.with_untracked(|docs| {
        docs.iter().any(|(_, _, y)| {
            y.contains(&format!(
                "terminationGracePeriodSeconds: {}",
                value(KEYSTROKES - 1)
            ))
        })
    });
    let _ = input.blur();
    let per = |a: u32, b: u32| f64::from(b - a) / KEYSTROKES as f64;
    format!(
        "services={n} page={what} busy {} frame {} layout {} validations_per_action={:.1} renders_per_action={:.1} yaml_has_last_value={shown}",
        stats(busy),
        stats(frame),
        stats(layout),
        per(v0, v1),
        per(r0, r1)
    )
}

/// Elements in the whole page and in each of its parts, and the wasm memory.
fn measure_dom(n: usize) -> String {
    format!(
        "services={n} dom_elements={} canvas={} inspector={} findings={} yaml={} wasm_memory_mb={:.1}",
        elements("body"),
        elements(".canvas-wrap"),
        elements("aside.inspector"),
        elements(".findings"),
        elements(".yaml"),
        wasm_memory_mb()
    )
}

/// Opens an `n`-service design `RUNS_OPEN` times as a file and as a link, through the
/// page's own functions, each until the canvas shows its services at the next frame.
async fn measure_open(n: usize, app: AppState) -> Vec<String> {
    const RUNS_OPEN: usize = 3;
    let design = templates::scaled(n);
    let file_text = kubeprint_core::file::to_json(&design);
    let fragment = kubeprint_core::link::encode(&design);
    let mut lines = Vec::new();
    for (what, size) in [
        ("open-file", file_text.len()),
        ("open-link", fragment.len()),
    ] {
        let mut times = Vec::with_capacity(RUNS_OPEN);
        for _ in 0..RUNS_OPEN {
            // From another design, as a user opening a file does: everything changes.
            app.open_new(templates::by_name("connectum").unwrap_or_default());
            settle().await;
            next_frame().await;
            let before = app.slot.get_untracked();
            next_frame().await;
            yield_to_browser().await;
            let start = now();
            if what == "open-file" {
                crate::persistence::open_text(app, "bench.json", &file_text);
            } else {
                crate::persistence::open_link(app, &fragment);
            }
            settle().await;
            next_frame().await;
            let nodes = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector_all("[data-testid^=\"node-\"]").ok())
                .map_or(0, |l| l.length());
            times.push(now() - start);
            if nodes == 0 {
                lines.push(format!(
                    "services={n} page={what} the canvas shows no service"
                ));
            }
            // Keep the browser's storage from filling up with copies.
            let _ = crate::storage::delete(before);
        }
        lines.push(format!(
            "services={n} page={what} bytes={size} {}",
            stats(times)
        ));
    }
    lines
}

/// Mounts the working area on `n` services into `host`, then measures selecting and
/// editing through the page's state, as clicks and keystrokes do, and the real page
/// path: keystrokes, page size, opening files and links.
async fn measure_page(n: usize, host: web_sys::HtmlElement) -> Vec<String> {
    let shared: Rc<Cell<Option<AppState>>> = Rc::default();
    let out = shared.clone();
    let slot = crate::storage::new_slot("bench").unwrap_or(0);
    let start = now();
    let handle = leptos::mount::mount_to(host, move || {
        let app = AppState::new(templates::scaled(n), slot);
        provide_context(app);
        provide_context(EdgeSelection(RwSignal::new(None)));
        crate::persistence::autosave(app);
        out.set(Some(app));
        view! { <crate::Layout /> }
    });
    settle().await;
    next_frame().await;
    let mount = now() - start;
    let app = shared.get().expect("the page state");
    let mut lines = vec![format!("services={n} page=mount ms={mount:.1}")];
    // Services the shown environment runs (a copy of the restore test is not in prod),
    // so the last one selected has objects whose YAML the keystrokes must change.
    let env = app.env.get_untracked();
    let ids: Vec<_> = app.editor.with_untracked(|e| {
        let design = &e.design;
        design.environment(&env).map_or_else(Vec::new, |env| {
            design
                .services
                .iter()
                .filter(|s| env.deploys(s.id))
                .map(|s| s.id)
                .collect()
        })
    });
    lines.push(time_actions(n, "select", |i| app.select(Some(ids[(i + 1) % ids.len()]))).await);
    lines.push(
        time_actions(n, "edit", |i| {
            let id = app.selected().expect("a selected service");
            app.dispatch(Edit::Set {
                path: FieldPath::service(id, "/timing/grace_period_seconds"),
                value: json!(40 + i),
            });
        })
        .await,
    );
    // Grace periods the service's shutdown fits in: the findings stay the same.
    lines.push(measure_keystrokes(n, app, "keystroke", |i| 40 + i).await);
    // Grace periods shorter than its preStop sleep and shutdown: the finding that says
    // so, and its numbers, change with every keystroke.
    let findings = app.findings.with_untracked(Vec::len);
    let line = measure_keystrokes(n, app, "keystroke-finding", |i| 1 + i % 3).await;
    lines.push(format!("{line} findings={findings}"));
    lines.push(measure_dom(n));
    lines.extend(measure_open(n, app).await);
    let _ = crate::storage::delete(app.slot.get_untracked());
    drop(handle);
    lines
}

/// The service counts the page's address asks for: `#bench=200,1000`; 20 and 200 by
/// default.
fn counts_asked() -> Vec<usize> {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    let asked: Vec<usize> = hash
        .strip_prefix("#bench=")
        .unwrap_or_default()
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .filter(|n| *n > 0)
        .collect();
    if asked.is_empty() {
        vec![20, 200]
    } else {
        asked
    }
}

async fn run_all(result: RwSignal<String>) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let mut lines = Vec::new();
    for n in counts_asked() {
        lines.push(measure(n));
        let host = document
            .create_element("div")
            .ok()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        let (Some(host), Some(body)) = (host, document.body()) else {
            return;
        };
        let _ = host.set_attribute("class", "bench-host");
        let _ = body.append_child(&host);
        lines.extend(measure_page(n, host.clone()).await);
        host.remove();
        lines.extend(crate::bench_canvas::measure(n).await);
        result.set(format!("{}\nmeasuring…", lines.join("\n")));
    }
    lines.push("done".into());
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
