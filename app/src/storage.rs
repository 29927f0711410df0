//! The browser's side of keeping work: designs autosaved in localStorage (several,
//! switchable), files saved and opened, and the share link in the URL fragment.
//! Every failure comes back as a sentence for the status bar; nothing fails silently
//! and nothing the user made is deleted because it could not be read.

use kubeprint_core::{file, Design};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;

const SLOTS: &str = "kubeprint.v1.slots";
const CURRENT: &str = "kubeprint.v1.current";
const WELCOMED: &str = "kubeprint.v1.welcomed";

/// A saved design in the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    /// Storage id.
    pub id: u32,
    /// The design's name when last saved.
    pub name: String,
}

fn storage() -> Result<web_sys::Storage, String> {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| "the browser's storage is disabled, so designs are not saved: save your design as a file".to_string())
}

fn design_key(id: u32) -> String {
    format!("kubeprint.v1.design.{id}")
}

/// The slot whose design is stored under `key`, if it is a design's key.
pub fn slot_of_key(key: &str) -> Option<u32> {
    key.strip_prefix("kubeprint.v1.design.")?.parse().ok()
}

/// Every saved design, oldest first.
pub fn slots() -> Vec<Slot> {
    storage()
        .ok()
        .and_then(|s| s.get_item(SLOTS).ok().flatten())
        .and_then(|text| file::parse(&text).ok())
        .unwrap_or_default()
}

fn save_slots(slots: &[Slot]) -> Result<(), String> {
    let text = serde_json::to_string(slots).expect("slots serialize");
    storage()?.set_item(SLOTS, &text).map_err(|_| {
        "the browser's storage is full or refused the write: save your design as a file".to_string()
    })
}

/// This tab's own storage, which a reload keeps and other tabs do not share.
fn tab_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// The slots to open, best first: the one this tab had open (a reload reopens it,
/// whatever another tab opened since), then the one any tab opened last.
pub fn current_slots() -> Vec<u32> {
    let read = |s: web_sys::Storage| s.get_item(CURRENT).ok()??.parse::<u32>().ok();
    let mut out: Vec<u32> = tab_storage().and_then(read).into_iter().collect();
    if let Some(last) = storage().ok().and_then(read).filter(|s| !out.contains(s)) {
        out.push(last);
    }
    out
}

/// Whether the first visit's welcome line was dismissed.
pub fn welcomed() -> bool {
    storage()
        .ok()
        .and_then(|s| s.get_item(WELCOMED).ok().flatten())
        .is_some()
}

/// Remember that the welcome line was dismissed.
pub fn set_welcomed() {
    if let Ok(s) = storage() {
        let _ = s.set_item(WELCOMED, "1");
    }
}

/// Remember which slot is open, in this tab and for the next tab opened.
pub fn set_current_slot(id: u32) {
    for s in storage().ok().into_iter().chain(tab_storage()) {
        let _ = s.set_item(CURRENT, &id.to_string());
    }
}

/// A new, empty slot id.
pub fn new_slot(name: &str) -> Result<u32, String> {
    let mut all = slots();
    let id = all.iter().map(|s| s.id).max().map_or(1, |m| m + 1);
    all.push(Slot {
        id,
        name: name.to_string(),
    });
    save_slots(&all)?;
    Ok(id)
}

/// Where this tab keeps a design the browser's storage refused.
fn in_tab_key(id: u32) -> String {
    format!("kubeprint.v1.unsaved.{id}")
}

/// Where an autosave went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Into the browser's storage, for every tab and the next visit.
    Everywhere,
    /// Into this tab's storage only, because the browser's refused it (full): a reload
    /// finds it, closing the tab loses it.
    InThisTab,
}

/// What the status bar says while a design is kept in this tab only.
pub const KEPT_IN_THIS_TAB: &str = "autosave failed: the browser's storage is full. Your design is kept in this tab only, so a reload keeps it and closing the tab loses it: save it as a file, or delete saved designs you no longer need";

/// Write a design into its slot (the autosave). When the browser's storage refuses it,
/// the design goes to this tab's storage instead (undo histories make room for it), so
/// that a reload does not lose it; the next write that succeeds drops that copy.
pub fn save(id: u32, design: &Design) -> Result<Saved, String> {
    let text = file::to_json(design);
    if storage()?.set_item(&design_key(id), &text).is_err() {
        return keep_in_tab(id, &text).then_some(Saved::InThisTab).ok_or_else(|| {
            "autosave failed: the browser's storage is full or refused the write. Your design is still open: save it as a file".to_string()
        });
    }
    drop_tab_copy(id);
    let mut all = slots();
    match all.iter_mut().find(|s| s.id == id) {
        Some(s) if s.name == design.name => return Ok(Saved::Everywhere),
        Some(s) => s.name = design.name.clone(),
        None => all.push(Slot {
            id,
            name: design.name.clone(),
        }),
    }
    save_slots(&all).map(|()| Saved::Everywhere)
}

/// Drop the copy this tab keeps of the design in slot `id` (another tab saved that
/// design since: what it saved is newer).
pub fn drop_tab_copy(id: u32) {
    if let Some(s) = tab_storage() {
        let _ = s.remove_item(&in_tab_key(id));
    }
}

/// Whether this tab keeps a design the browser's storage refused, of any slot: closing
/// the tab would lose it.
pub fn tab_copies() -> bool {
    let Some(s) = tab_storage() else {
        return false;
    };
    !keys_starting(&s, "kubeprint.v1.unsaved.").is_empty()
}

/// The keys of `s` that start with `prefix`.
fn keys_starting(s: &web_sys::Storage, prefix: &str) -> Vec<String> {
    (0..s.length().unwrap_or(0))
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(prefix))
        .collect()
}

/// Keep a design's text in this tab's storage, making room by dropping the undo
/// histories kept there: the design matters more than its history.
fn keep_in_tab(id: u32, text: &str) -> bool {
    let Some(s) = tab_storage() else {
        return false;
    };
    if s.set_item(&in_tab_key(id), text).is_ok() {
        return true;
    }
    forget_other_histories(&s, id);
    forget_history(id);
    s.set_item(&in_tab_key(id), text).is_ok()
}

/// The saved design that is exactly `design`, if one is: a link opened twice opens the
/// design it saved the first time instead of a copy. Only slots of the same name are
/// read, and compared as saved text.
pub fn slot_holding(design: &Design) -> Option<u32> {
    let store = storage().ok()?;
    let text = file::to_json(design);
    slots()
        .into_iter()
        .filter(|s| s.name == design.name)
        .find(|s| {
            store.get_item(&design_key(s.id)).ok().flatten().as_deref() == Some(text.as_str())
        })
        .map(|s| s.id)
}

/// Read a design to open: the copy this tab kept when the browser's storage refused it
/// (newer, since a write that succeeds drops it), else the saved one.
pub fn load(id: u32) -> Result<Option<Design>, String> {
    let kept = tab_storage().and_then(|s| s.get_item(&in_tab_key(id)).ok().flatten());
    match kept.map(|text| file::from_json(&text)) {
        Some(Ok(design)) => Ok(Some(design)),
        _ => load_saved(id),
    }
}

/// Read a saved design. A damaged one is reported and left in storage untouched.
pub fn load_saved(id: u32) -> Result<Option<Design>, String> {
    let Some(text) = storage()?.get_item(&design_key(id)).ok().flatten() else {
        return Ok(None);
    };
    file::from_json(&text).map(Some).map_err(|e| {
        format!(
            "the saved design #{id} could not be read ({e}); it is kept in storage as `{}`",
            design_key(id)
        )
    })
}

/// Where the environment last shown of the design in slot `id` is kept (a view
/// setting, forgotten with the design).
pub fn viewed_key(id: u32) -> String {
    format!("kubeprint.v1.viewed-environment.{id}")
}

/// Forget a saved design.
pub fn delete(id: u32) -> Result<(), String> {
    let s = storage()?;
    let _ = s.remove_item(&design_key(id));
    let _ = s.remove_item(&viewed_key(id));
    drop_tab_copy(id);
    forget_history(id);
    let all: Vec<Slot> = slots().into_iter().filter(|s| s.id != id).collect();
    save_slots(&all)
}

/// The largest undo history kept over a reload, in characters of JSON: a history of
/// whole designs opened (each a step) is dropped rather than crowd the tab's storage.
const HISTORY_LIMIT: usize = 2_000_000;

fn history_keys(id: u32) -> (String, String) {
    (
        format!("kubeprint.v1.history.{id}.first"),
        format!("kubeprint.v1.history.{id}.steps"),
    )
}

thread_local! {
    /// The slot and [`Editor::first_mark`] of the first design last written for a
    /// history, and whether the tab's storage took it: written again only when it
    /// changed, and not tried again for a design it refused (one of megabytes).
    ///
    /// [`Editor::first_mark`]: kubeprint_core::editor::Editor::first_mark
    static FIRST_WRITTEN: std::cell::Cell<Option<(u32, u64, bool)>> = const { std::cell::Cell::new(None) };
}

/// Keep the undo history of the design in slot `id` in this tab's storage, which a
/// reload keeps and other tabs do not share: its steps (JSON), and its first design
/// `first` when its `mark` is not the one written last. When the storage is full, the
/// other designs' histories make room. A history that does not fit is dropped: the
/// design itself is saved apart, so nothing made is lost with it. Returns whether it
/// was kept.
pub fn save_history(id: u32, mark: u64, first: &Design, steps: &str) -> bool {
    let Some(s) = tab_storage() else {
        return false;
    };
    let (first_key, steps_key) = history_keys(id);
    match FIRST_WRITTEN
        .get()
        .filter(|&(i, m, _)| (i, m) == (id, mark))
    {
        Some((_, _, false)) => return false,
        Some(_) => {}
        None => {
            let text = file::to_json(first);
            let mut kept = s.set_item(&first_key, &text).is_ok();
            if !kept {
                forget_other_histories(&s, id);
                kept = s.set_item(&first_key, &text).is_ok();
            }
            if !kept {
                forget_history(id);
            }
            FIRST_WRITTEN.set(Some((id, mark, kept)));
            if !kept {
                return false;
            }
        }
    }
    let kept = steps.len() <= HISTORY_LIMIT && s.set_item(&steps_key, steps).is_ok();
    if !kept {
        let _ = s.remove_item(&steps_key);
    }
    kept
}

/// Remember that the history of slot `id` kept in this tab has the first design of
/// `mark` (an editor was made again from it).
pub fn history_restored(id: u32, mark: u64) {
    FIRST_WRITTEN.set(Some((id, mark, true)));
}

/// Drop the histories this tab keeps of designs other than slot `id`'s.
fn forget_other_histories(s: &web_sys::Storage, id: u32) {
    let keys = keys_starting(s, "kubeprint.v1.history.");
    let (first_key, steps_key) = history_keys(id);
    for key in keys.iter().filter(|k| **k != first_key && **k != steps_key) {
        let _ = s.remove_item(key);
    }
}

/// The undo history kept for slot `id`: its first design and its steps.
pub fn history(id: u32) -> Option<(Design, kubeprint_core::editor::Record)> {
    let s = tab_storage()?;
    let (first_key, steps_key) = history_keys(id);
    let first = file::from_json(&s.get_item(&first_key).ok()??).ok()?;
    let record = file::parse(&s.get_item(&steps_key).ok()??).ok()?;
    Some((first, record))
}

/// Drop the undo history kept for slot `id`.
pub fn forget_history(id: u32) {
    if let Some(s) = tab_storage() {
        let (first_key, steps_key) = history_keys(id);
        let _ = s.remove_item(&first_key);
        let _ = s.remove_item(&steps_key);
    }
    if FIRST_WRITTEN.get().is_some_and(|(i, _, _)| i == id) {
        FIRST_WRITTEN.set(None);
    }
}

/// The URL fragment, without `#`.
pub fn fragment() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Drop the fragment from the address bar (after its design was opened), so a reload
/// shows the autosaved work rather than the link's original state.
pub fn clear_fragment() {
    let Some(w) = web_sys::window() else { return };
    let path = w.location().pathname().unwrap_or_else(|_| "/".into());
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&path));
    }
}

/// This page's address without fragment, the base of share links.
pub fn page_base() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|h| h.split('#').next().unwrap_or_default().to_string())
        .unwrap_or_default()
}

/// Offer `text` as a download called `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::new();
    parts.push(&wasm_bindgen::JsValue::from_str(text));
    download_parts(name, mime, &parts)
}

/// Offer `bytes` as a download called `name`.
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) -> Result<(), String> {
    let parts = js_sys::Array::new();
    parts.push(&js_sys::Uint8Array::from(bytes));
    download_parts(name, mime, &parts)
}

fn download_parts(name: &str, mime: &str, parts: &js_sys::Array) -> Result<(), String> {
    let fail = |what: &str| format!("the download could not be started ({what})");
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options)
        .map_err(|_| fail("blob"))?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| fail("url"))?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| fail("document"))?;
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| fail("link"))?
        .dyn_into()
        .map_err(|_| fail("link"))?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

/// Read a dropped or chosen file as text, then call `done` with it or with an error.
pub fn read_file(file: web_sys::File, done: impl FnOnce(Result<String, String>) + 'static) {
    let name = file.name();
    leptos::task::spawn_local(async move {
        let result = wasm_bindgen_futures::JsFuture::from(file.text())
            .await
            .ok()
            .and_then(|v| v.as_string())
            .ok_or_else(|| format!("{name} could not be read as text"));
        done(result);
    });
}

/// Read every file of a list as text, in order: each file's name and text, or the first
/// that could not be read.
pub fn read_files(
    files: web_sys::FileList,
    done: impl FnOnce(Result<Vec<(String, String)>, String>) + 'static,
) {
    let files: Vec<web_sys::File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
    leptos::task::spawn_local(async move {
        let mut read = Vec::new();
        for file in files {
            let name = file.name();
            let text = wasm_bindgen_futures::JsFuture::from(file.text()).await.ok();
            match text.and_then(|v| v.as_string()) {
                Some(text) => read.push((name, text)),
                None => return done(Err(format!("{name} could not be read as text"))),
            }
        }
        done(Ok(read));
    });
}

/// A view setting (panel widths and the like) saved under `key`, if any.
pub fn view_setting(key: &str) -> Option<String> {
    storage().ok()?.get_item(key).ok()?
}

/// Remember a view setting. Losing one costs nothing, so a refused write is ignored.
pub fn set_view_setting(key: &str, value: &str) {
    if let Ok(s) = storage() {
        let _ = s.set_item(key, value);
    }
}
