//! The keyboard shortcuts, listed where a sighted keyboard user finds them: a dialog
//! opened by the top bar's "?" or by pressing `?` outside a field.

use crate::modal::Modal;
use crate::state::use_app;
use leptos::prelude::*;

/// What a key does, by where it works. The canvas's rows are the keys its keyboard
/// handler takes, as `canvas::KEYS_HELP` tells them to a screen reader.
const SHORTCUTS: &[(&str, &[(&str, &str)])] = &[
    (
        "Anywhere",
        &[
            ("Ctrl+Z", "Undo; the change is shown and named"),
            ("Ctrl+Shift+Z, Ctrl+Y", "Redo"),
            (
                "F6, Shift+F6",
                "Next (previous) region: top bar, canvas, inspector, findings, YAML",
            ),
            ("Escape", "Close a dialog or menu"),
            ("?", "This list (outside a text field)"),
        ],
    ),
    (
        "Canvas",
        &[
            ("Arrow keys", "Go to the nearest service in that direction"),
            ("Home, End", "First, last service"),
            (
                "Enter, Space",
                "Select the service and open it in the inspector; expand a group",
            ),
            ("Shift+arrow", "Move the service one grid step"),
            (
                "E",
                "Start a dependency: choose the service it calls, then Enter (Escape cancels)",
            ),
            (
                "Delete, Backspace",
                "Remove the selected service or dependency (Ctrl+Z brings it back)",
            ),
        ],
    ),
    (
        "Fields",
        &[
            ("Enter, Tab", "Apply what was typed"),
            ("Escape", "Put back the value before typing"),
            ("Ctrl+Enter", "Apply a kept object's YAML"),
        ],
    ),
    (
        "YAML",
        &[
            (
                "Ctrl+F",
                "Find in a long YAML (only the lines in view are in the page)",
            ),
            ("Enter", "Next match of the search"),
        ],
    ),
];

/// The dialog listing [`SHORTCUTS`], while `app.shortcuts` is set.
#[component]
pub fn Shortcuts() -> impl IntoView {
    let app = use_app();
    view! {
        <Show when=move || app.shortcuts.get()>
            <Modal title="shortcuts-title" opener="open-shortcuts" testid="shortcuts" class="shortcuts" first="button" close=move || app.shortcuts.set(false)>
                <h2 id="shortcuts-title">"Keyboard shortcuts"</h2>
                {SHORTCUTS.iter().map(|(place, keys)| view! {
                    <h3>{*place}</h3>
                    <dl>
                        {keys.iter().map(|(key, what)| view! {
                            <dt><kbd>{*key}</kbd></dt>
                            <dd>{*what}</dd>
                        }).collect_view()}
                    </dl>
                }).collect_view()}
                <button data-testid="shortcuts-close" on:click=move |_| app.shortcuts.set(false)>"Close"</button>
            </Modal>
        </Show>
    }
}
