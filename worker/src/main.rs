//! Kubeprint's worker: the page's import and bundle, in a second wasm module that the
//! page starts the first time someone imports or opens the Bundle dialog, so the
//! page's own module carries none of that code. `public/worker.js` loads this module
//! and passes each task to [`handle`]; the work itself is `kubeprint_core::task`.

use kubeprint_core::task::{self, Reply};
use wasm_bindgen::prelude::*;

/// Do one task (JSON text) and give its reply: JSON text, or a zip's bytes.
#[wasm_bindgen]
pub fn handle(task: &str) -> JsValue {
    match task::run(task) {
        Reply::Json(text) => JsValue::from_str(&text),
        Reply::Zip(bytes) => js_sys::Uint8Array::from(bytes.as_slice()).into(),
    }
}

fn main() {}
