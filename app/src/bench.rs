//! `index.html#bench`: measures, in the browser's wasm, what one edit costs before the
//! page can show it: apply the edit, validate the environment, render its objects and
//! the YAML of those that changed (as the page does, through its YAML cache). Results
//! are written into the page (`data-testid="bench"`) for `./dev bench-browser` to read.

use kubeprint_core::editor::Editor;
use kubeprint_core::render::YamlCache;
use kubeprint_core::{render, templates, validate, Edit, FieldPath};
use leptos::prelude::*;
use serde_json::json;

const RUNS: usize = 30;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
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
    times.sort_by(f64::total_cmp);
    let median = times[RUNS / 2];
    let p95 = times[(RUNS * 95) / 100];
    format!("services={n} runs={RUNS} median_ms={median:.2} p95_ms={p95:.2}")
}

/// Runs the measurements once and shows them.
#[component]
pub fn BenchPage() -> impl IntoView {
    let result = [20, 200].map(measure).join("\n");
    view! {
        <main class="bench">
            <h1>"Kubeprint: edit → findings + YAML"</h1>
            <pre data-testid="bench">{result}</pre>
        </main>
    }
}
