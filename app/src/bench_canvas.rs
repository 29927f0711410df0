//! The canvas at scale, measured in the real page: the working area mounted on
//! `templates::scaled(n)` in a window-sized box, then
//!
//! - how long until the canvas is drawn (mount, effects, two animation frames), and how
//!   many DOM elements the page and the canvas hold;
//! - a scripted drag of a node, a pan of the background and a zoom with the wheel, each
//!   one real DOM event per animation frame. For every frame it records the
//!   `requestAnimationFrame` stamp (the interval between stamps is the frame time the
//!   user sees; vsync holds it at or above one refresh) and the work of the frame: from
//!   the frame's start until the event's effects have run and the browser has laid the
//!   page out again (`getBoundingClientRect` forces style and layout). A frame is long
//!   when its interval exceeds one and a half times the median.
//!
//! [`measure`] returns one line per measurement for the benchmark page (`#bench`, at
//! its sizes); `#bench-canvas=N` runs it alone at N services ([`page`]).

use crate::canvas::EdgeSelection;
use crate::state::AppState;
use kubeprint_core::templates;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Frames per scripted gesture.
const FRAMES: usize = 90;

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Waits for the next animation frame; its time stamp.
async fn next_frame() -> f64 {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let cb = Closure::once_into_js(move |t: f64| {
            let _ = resolve.call1(&JsValue::NULL, &t.into());
        });
        if let Some(w) = web_sys::window() {
            let _ = w.request_animation_frame(cb.unchecked_ref());
        }
    });
    JsFuture::from(promise)
        .await
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// Lets the page's effects run (queued as microtasks by the signals that changed).
async fn settle() {
    for _ in 0..3 {
        let _ = JsFuture::from(js_sys::Promise::resolve(&JsValue::NULL)).await;
    }
}

/// The `q`-quantile of `v` (sorted in place).
fn quantile(v: &mut [f64], q: f64) -> f64 {
    kubeprint_core::order::sort_by(v, f64::total_cmp);
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((v.len() as f64 * q) as usize).min(v.len().saturating_sub(1));
    v.get(i).copied().unwrap_or(0.0)
}

fn pointer(target: &web_sys::EventTarget, kind: &str, x: f64, y: f64, buttons: u16) {
    let init = web_sys::PointerEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    init.set_pointer_id(1);
    init.set_is_primary(true);
    init.set_pointer_type("mouse");
    #[allow(clippy::cast_possible_truncation)]
    {
        init.set_client_x(x.round() as i32);
        init.set_client_y(y.round() as i32);
    }
    init.set_button(0);
    init.set_buttons(buttons);
    if let Ok(ev) = web_sys::PointerEvent::new_with_event_init_dict(kind, &init) {
        let _ = target.dispatch_event(&ev);
    }
}

fn wheel(target: &web_sys::EventTarget, x: f64, y: f64, delta: f64) {
    let init = web_sys::WheelEventInit::new();
    init.set_bubbles(true);
    init.set_cancelable(true);
    #[allow(clippy::cast_possible_truncation)]
    {
        init.set_client_x(x.round() as i32);
        init.set_client_y(y.round() as i32);
    }
    init.set_delta_y(delta);
    if let Ok(ev) = web_sys::WheelEvent::new_with_event_init_dict("wheel", &init) {
        let _ = target.dispatch_event(&ev);
    }
}

/// Runs `step(i)` once per animation frame for [`FRAMES`] frames; the line saying how
/// long the frames took.
async fn frames(n: usize, what: &str, svg: &web_sys::Element, step: impl Fn(usize)) -> String {
    let mut stamps = Vec::with_capacity(FRAMES + 1);
    let mut work = Vec::with_capacity(FRAMES);
    stamps.push(next_frame().await);
    for i in 0..FRAMES {
        let start = now();
        step(i);
        settle().await;
        let _ = svg.get_bounding_client_rect();
        work.push(now() - start);
        stamps.push(next_frame().await);
    }
    let mut intervals: Vec<f64> = stamps.windows(2).map(|w| w[1] - w[0]).collect();
    let median = quantile(&mut intervals, 0.5);
    let long = intervals.iter().filter(|t| **t > median * 1.5).count();
    let p95 = quantile(&mut intervals, 0.95);
    let max = quantile(&mut intervals, 1.0);
    let work_median = quantile(&mut work, 0.5);
    let work_p95 = quantile(&mut work, 0.95);
    format!(
        "services={n} canvas={what} frames={FRAMES} frame_median_ms={median:.1} frame_p95_ms={p95:.1} frame_max_ms={max:.1} long_frames={long} work_median_ms={work_median:.2} work_p95_ms={work_p95:.2}"
    )
}

/// Elements under `root` matching `css`.
fn elements(root: &web_sys::Element, css: &str) -> u32 {
    root.query_selector_all(css).map_or(0, |l| l.length())
}

/// Mounts the working area on `n` services and measures the canvas (see the module's
/// documentation).
pub async fn measure(n: usize) -> Vec<String> {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return Vec::new();
    };
    let (Ok(host), Some(body)) = (document.create_element("div"), document.body()) else {
        return Vec::new();
    };
    // A class, not a style attribute: the page's Content-Security-Policy refuses those.
    host.set_class_name("bench-host");
    let _ = body.append_child(&host);
    let Ok(host) = host.dyn_into::<web_sys::HtmlElement>() else {
        return Vec::new();
    };
    let shared: Rc<Cell<Option<AppState>>> = Rc::default();
    let out = shared.clone();
    let start = now();
    let handle = leptos::mount::mount_to(host.clone(), move || {
        let app = AppState::new(templates::scaled(n), 0);
        provide_context(app);
        provide_context(EdgeSelection(RwSignal::new(None)));
        out.set(Some(app));
        view! { <crate::Layout /> }
    });
    settle().await;
    next_frame().await;
    next_frame().await;
    let open = now() - start;
    let mut lines = Vec::new();
    let Some(svg) = host
        .query_selector("[data-testid=\"canvas\"]")
        .ok()
        .flatten()
    else {
        return vec![format!("services={n} canvas: no canvas")];
    };
    let census = |when: &str| {
        format!(
            "services={n} canvas={when} dom_page={} dom_canvas={} nodes_in_dom={} edges_in_dom={}",
            elements(&host, "*"),
            elements(&svg, "*"),
            elements(&svg, ".node"),
            elements(&svg, ".edge"),
        )
    };
    lines.push(format!("services={n} canvas=open open_ms={open:.0}"));
    lines.push(census("fit"));

    // Drag the node nearest the view's middle to the right and down, and back.
    let r = svg.get_bounding_client_rect();
    let (cx, cy) = (r.left() + r.width() / 2.0, r.top() + r.height() / 2.0);
    let nodes = svg.query_selector_all(".node:not(.group-node)").ok();
    let node = nodes.and_then(|list| {
        (0..list.length())
            .filter_map(|i| list.item(i)?.dyn_into::<web_sys::Element>().ok())
            .min_by(|a, b| {
                let d = |e: &web_sys::Element| {
                    let b = e.get_bounding_client_rect();
                    (b.left() + b.width() / 2.0 - cx).hypot(b.top() + b.height() / 2.0 - cy)
                };
                d(a).total_cmp(&d(b))
            })
    });
    if let Some(node) = node {
        let b = node.get_bounding_client_rect();
        let (x0, y0) = (b.left() + 20.0, b.top() + 12.0);
        pointer(&node, "pointerdown", x0, y0, 1);
        let svg2 = svg.clone();
        lines.push(
            frames(n, "drag", &svg, move |i| {
                #[allow(clippy::cast_precision_loss)]
                let t = (i as f64 / FRAMES as f64 * std::f64::consts::TAU).sin();
                pointer(&svg2, "pointermove", x0 + 160.0 * t, y0 + 60.0 * t, 1);
            })
            .await,
        );
        pointer(&svg, "pointerup", x0, y0, 0);
    }
    settle().await;

    // Pan: drag the background in a circle.
    let (bx, by) = (r.left() + 6.0, r.top() + 6.0);
    pointer(&svg, "pointerdown", bx, by, 1);
    let svg2 = svg.clone();
    lines.push(
        frames(n, "pan", &svg, move |i| {
            #[allow(clippy::cast_precision_loss)]
            let a = i as f64 / FRAMES as f64 * std::f64::consts::TAU;
            pointer(
                &svg2,
                "pointermove",
                bx + 300.0 * a.sin(),
                by + 200.0 * (1.0 - a.cos()),
                1,
            );
        })
        .await,
    );
    pointer(&svg, "pointerup", bx, by, 0);
    lines.push(census("panned"));

    // Zoom: the wheel at the middle, out for half the frames and back in.
    let svg2 = svg.clone();
    lines.push(
        frames(n, "zoom", &svg, move |i| {
            let delta = if i < FRAMES / 2 { 100.0 } else { -100.0 };
            wheel(&svg2, cx, cy, delta);
        })
        .await,
    );
    lines.push(census("zoomed"));
    drop(handle);
    host.remove();
    lines
}

/// The services count of a `#bench-canvas=N` fragment.
pub fn count(hash: &str) -> Option<usize> {
    hash.strip_prefix("#bench-canvas=")?.parse().ok()
}

/// The page of `#bench-canvas=N`: the canvas measured at `n` services, shown when done.
pub fn page(n: usize) -> impl IntoView {
    let result = RwSignal::new(String::from("measuring…"));
    leptos::task::spawn_local(async move { result.set(measure(n).await.join("\n")) });
    view! {
        <main class="bench">
            <h1>"Kubeprint: the canvas at scale (drag, pan, zoom, DOM)"</h1>
            <pre data-testid="bench-canvas">{move || result.get()}</pre>
        </main>
    }
}
