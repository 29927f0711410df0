//! The page's columns beside the canvas, the inspector and the findings + YAML column:
//! each can be resized (drag its handle, or focus the handle and press the arrow keys)
//! and hidden (the toggles in the canvas toolbar), so the canvas gets the room a design
//! needs on a small screen. The panel under the canvas (timeline, disruption) folds to
//! its tabs for the same reason. The choice is remembered across reloads.

use crate::storage;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

const KEY: &str = "kubeprint.v1.panes";
/// How much an arrow key resizes a column.
const KEY_STEP: i32 = 20;
/// The width of a column's handle.
const HANDLE: i32 = 6;
/// The canvas is never narrower than this (the page is clipped below it).
const CANVAS_MIN: i32 = 360;
/// What the canvas keeps before the side columns grow past their narrowest: its
/// toolbar's one row, and the width it has beside both columns at their default
/// widths on a 1280 px screen.
const CANVAS_ROOM: i32 = 588;

/// A column that can be resized and hidden.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pane {
    /// The inspector (or the environments editor) right of the canvas.
    Inspector,
    /// Findings and YAML, rightmost.
    Output,
}

impl Pane {
    fn label(self) -> &'static str {
        match self {
            Pane::Inspector => "inspector",
            Pane::Output => "findings and YAML",
        }
    }

    /// The narrowest and widest it may be.
    fn range(self) -> (i32, i32) {
        match self {
            Pane::Inspector => (260, 720),
            Pane::Output => (260, 820),
        }
    }
}

/// Widths and visibility of the two columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PaneLayout {
    /// Inspector width in CSS pixels.
    pub inspector: i32,
    /// Findings + YAML width in CSS pixels.
    pub output: i32,
    /// The inspector is shown.
    pub inspector_open: bool,
    /// Findings + YAML are shown.
    pub output_open: bool,
    /// The panel under the canvas shows more than its tabs.
    pub bottom_open: bool,
}

impl Default for PaneLayout {
    fn default() -> Self {
        PaneLayout {
            inspector: 330,
            output: 350,
            inspector_open: true,
            output_open: true,
            bottom_open: true,
        }
    }
}

impl PaneLayout {
    fn width(&self, pane: Pane) -> i32 {
        match pane {
            Pane::Inspector => self.inspector,
            Pane::Output => self.output,
        }
    }

    fn open(&self, pane: Pane) -> bool {
        match pane {
            Pane::Inspector => self.inspector_open,
            Pane::Output => self.output_open,
        }
    }

    fn set_width(&mut self, pane: Pane, w: i32) {
        let (lo, hi) = pane.range();
        let w = w.clamp(lo, hi);
        match pane {
            Pane::Inspector => self.inspector = w,
            Pane::Output => self.output = w,
        }
    }

    fn set_open(&mut self, pane: Pane, open: bool) {
        match pane {
            Pane::Inspector => self.inspector_open = open,
            Pane::Output => self.output_open = open,
        }
    }

    /// The layout grid's columns (its `grid-template-columns`): canvas, then for each
    /// shown column a handle and it. Set as one CSS property, never as a `style`
    /// attribute, which the page's Content-Security-Policy refuses.
    ///
    /// A column is as wide as chosen where the window has room, and gives way down to
    /// its narrowest when it has not, so on a small laptop screen every column stays on
    /// the page instead of the last one running off its edge. The canvas comes first:
    /// it keeps up to `CANVAS_ROOM` before the side columns grow past their narrowest
    /// (the grid grows those towards their widths before the canvas takes the rest).
    /// What the user widened a column by beyond its default comes out of the canvas's
    /// share, at any window width: the column's narrowest grows by as much.
    ///
    /// In a window too narrow for the canvas and both columns at their narrowest (`window`
    /// CSS pixels wide: below 892 px at the default widths), findings + YAML go under
    /// the inspector in one column, each half its height ([`Self::stacked`]), instead of
    /// running off the window's edge.
    pub fn columns(&self, window: f64) -> String {
        if self.stacked(window) {
            let (lo, width) = (self.narrowest(Pane::Inspector), self.inspector);
            return format!("minmax({CANVAS_MIN}px, 1fr) {HANDLE}px minmax({lo}px, {width}px)");
        }
        let shown = self.shown();
        let handles_and_narrowest = self.handles_and_narrowest();
        let room = CANVAS_ROOM - shown.iter().map(|&p| self.widened(p)).sum::<i32>();
        let mut cols = format!(
            "minmax(max({CANVAS_MIN}px, min({room}px, 100% - {handles_and_narrowest}px)), 1fr)"
        );
        for pane in shown {
            let (lo, width) = (self.narrowest(pane), self.width(pane));
            cols.push_str(&format!(" {HANDLE}px minmax({lo}px, {width}px)"));
        }
        cols
    }

    /// Whether both columns are shown in a window (`window` CSS pixels wide) narrower
    /// than the canvas and both at their narrowest: then they share one column.
    pub fn stacked(&self, window: f64) -> bool {
        self.shown().len() == 2 && window < f64::from(CANVAS_MIN + self.handles_and_narrowest())
    }

    /// What the shown columns take at their narrowest, their handles included.
    fn handles_and_narrowest(&self) -> i32 {
        self.shown()
            .iter()
            .map(|&p| HANDLE + self.narrowest(p))
            .sum()
    }

    fn shown(&self) -> Vec<Pane> {
        [Pane::Inspector, Pane::Output]
            .into_iter()
            .filter(|&pane| self.open(pane))
            .collect()
    }

    /// How much wider than its default the user made `pane`.
    fn widened(&self, pane: Pane) -> i32 {
        (self.width(pane) - PaneLayout::default().width(pane)).max(0)
    }

    /// The narrowest `pane` gives way to: what the user widened it by comes out of the
    /// canvas's share, not out of this.
    fn narrowest(&self, pane: Pane) -> i32 {
        pane.range().0 + self.widened(pane)
    }
}

/// The columns' state, in context below the layout.
#[derive(Clone, Copy)]
pub struct Panes {
    layout: RwSignal<PaneLayout>,
    /// The window's width in CSS pixels, followed on resize.
    window: RwSignal<f64>,
    /// A handle being dragged: which column, the pointer's x and the width at the start.
    drag: RwSignal<Option<(Pane, f64, i32)>>,
}

impl Panes {
    /// The current widths and visibility.
    pub fn get(&self) -> PaneLayout {
        self.layout.get()
    }

    /// The layout grid's columns in the current window: [`PaneLayout::columns`].
    pub fn columns(&self) -> String {
        self.layout.get().columns(self.window.get())
    }

    /// Whether findings + YAML are under the inspector: [`PaneLayout::stacked`].
    pub fn stacked(&self) -> bool {
        self.layout.get().stacked(self.window.get())
    }

    fn change(&self, f: impl FnOnce(&mut PaneLayout)) {
        self.layout.update(f);
        let text = serde_json::to_string(&self.layout.get_untracked()).unwrap_or_default();
        storage::set_view_setting(KEY, &text);
    }

    /// Show the inspector if it is hidden (a service was opened from the keyboard).
    pub fn show_inspector(&self) {
        if !self.layout.get_untracked().inspector_open {
            self.change(|l| l.inspector_open = true);
        }
    }
}

impl Panes {
    /// Whether the panel under the canvas is unfolded.
    pub fn bottom_open(&self) -> bool {
        self.layout.with(|l| l.bottom_open)
    }

    /// Fold or unfold the panel under the canvas, then fit the design into the
    /// canvas's new height (`fit` is [`crate::state::AppState::fit`]).
    pub fn set_bottom_open(&self, open: bool, fit: RwSignal<u32>) {
        if self.layout.with_untracked(|l| l.bottom_open) != open {
            self.change(|l| l.bottom_open = open);
            fit.update(|n| *n += 1);
        }
    }
}

/// Read the remembered layout and provide it; follow dragged handles.
pub fn provide() -> Panes {
    let saved = storage::view_setting(KEY)
        .and_then(|t| kubeprint_core::file::parse::<PaneLayout>(&t).ok())
        .unwrap_or_default();
    let mut clamped = saved;
    for pane in [Pane::Inspector, Pane::Output] {
        clamped.set_width(pane, saved.width(pane));
    }
    let window_width = || {
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|w| w.as_f64())
            .unwrap_or(1280.0)
    };
    let panes = Panes {
        layout: RwSignal::new(clamped),
        window: RwSignal::new(window_width()),
        drag: RwSignal::new(None),
    };
    provide_context(panes);
    let resized = window_event_listener(leptos::ev::resize, move |_| {
        let w = window_width();
        if panes.window.get_untracked() != w {
            panes.window.set(w);
        }
    });
    let moving = window_event_listener(leptos::ev::pointermove, move |ev| {
        if let Some((pane, x0, w0)) = panes.drag.get_untracked() {
            // The handle sits left of its column: dragging left widens it.
            #[allow(clippy::cast_possible_truncation)]
            let w = w0 + (x0 - f64::from(ev.client_x())).round() as i32;
            panes.layout.update(|l| l.set_width(pane, w));
        }
    });
    let up = window_event_listener(leptos::ev::pointerup, move |_| {
        if panes.drag.get_untracked().is_some() {
            panes.drag.set(None);
            panes.change(|_| {});
        }
    });
    on_cleanup(move || {
        moving.remove();
        resized.remove();
        up.remove();
    });
    panes
}

/// The column state provided by the layout.
pub fn use_panes() -> Panes {
    expect_context::<Panes>()
}

/// The handle left of a column: drag it, or focus it and press ← → to resize.
#[component]
pub fn Splitter(pane: Pane) -> impl IntoView {
    let panes = use_panes();
    let (lo, hi) = pane.range();
    view! {
        <div
            class="splitter"
            role="separator"
            tabindex="0"
            aria-orientation="vertical"
            aria-label=format!("Resize the {}", pane.label())
            aria-valuemin=lo
            aria-valuemax=hi
            aria-valuenow=move || panes.layout.with(|l| l.width(pane))
            data-testid=format!("splitter-{}", if pane == Pane::Inspector { "inspector" } else { "output" })
            on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                ev.prevent_default();
                let w = panes.layout.with_untracked(|l| l.width(pane));
                panes.drag.set(Some((pane, f64::from(ev.client_x()), w)));
            }
            on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                let delta = match ev.key().as_str() {
                    "ArrowLeft" => KEY_STEP,
                    "ArrowRight" => -KEY_STEP,
                    "Home" => hi,
                    "End" => -hi,
                    _ => return,
                };
                ev.prevent_default();
                panes.change(|l| {
                    let w = l.width(pane) + delta;
                    l.set_width(pane, w);
                });
            }
        ></div>
    }
}

/// Buttons that hide and show the two columns.
#[component]
pub fn PaneToggles() -> impl IntoView {
    let panes = use_panes();
    let fit = crate::state::use_app().fit;
    let toggle = move |pane: Pane, text: &'static str, testid: &'static str| {
        view! {
            <button
                data-testid=testid
                title=format!("Show or hide the {}", pane.label())
                aria-pressed=move || panes.layout.with(|l| l.open(pane)).to_string()
                on:click=move |_| {
                    panes.change(|l| l.set_open(pane, !l.open(pane)));
                    // The canvas changed size: fit the design into its new room.
                    fit.update(|n| *n += 1);
                }
            >{text}</button>
        }
    };
    view! {
        <span class="pane-toggles">
            {toggle(Pane::Inspector, "Inspector", "toggle-inspector")}
            {toggle(Pane::Output, "Findings & YAML", "toggle-output")}
        </span>
    }
}

/// The button at the end of the bottom panel's tabs that folds the panel to its tabs
/// (the canvas gets its height) and unfolds it.
#[component]
pub fn BottomToggle() -> impl IntoView {
    let panes = use_panes();
    let fit = crate::state::use_app().fit;
    view! {
        <button
            class="fold"
            data-testid="toggle-bottom"
            aria-expanded=move || panes.bottom_open().to_string()
            title=move || if panes.bottom_open() { "Fold this panel to its tabs: the canvas gets its height" } else { "Unfold this panel" }
            on:click=move |_| panes.set_bottom_open(!panes.bottom_open(), fit)
        >{move || if panes.bottom_open() { "Hide ▾" } else { "Show ▴" }}</button>
    }
}
