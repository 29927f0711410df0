// Kubeprint's worker (a classic worker script, so that its relative names resolve next
// to it under any sub-path). The page starts it as the import dialog opens or on first
// use of the bundle (app/src/worker.rs) and sends { id, task } messages, the task as JSON text; each
// gets { id, text } (a JSON reply), { id, bytes } (a zip) or { id, error }. Tasks that
// arrive while the wasm module loads wait for it, a warm-up ({ id, task, warm: true },
// which only makes the browser compile the code) after the others: a user's task that
// was already asked for does not wait for it.
const waiting = [];
let handle = null;
let failed = null;
// A task aborted the module: it is not run again (the page starts a new worker).
let stopped = false;

self.onmessage = (event) => {
  if (handle || failed) answer(event.data);
  else waiting.push(event.data);
};

function answer({ id, task }) {
  if (stopped) return;
  if (failed) {
    postMessage({ id, error: failed });
    return;
  }
  let reply;
  try {
    reply = handle(task);
  } catch (err) {
    // A Rust panic aborts: this module cannot be trusted after it, so the page starts
    // a new worker for its next task.
    postMessage({ id, error: `the import and export part of the page stopped (${err}); try again` });
    stopped = true;
    close();
    return;
  }
  if (typeof reply === "string") postMessage({ id, text: reply });
  else postMessage({ id, bytes: reply }, [reply.buffer]);
}

function fail(err) {
  failed = `the import and export part of the page could not be loaded (${err}); ` +
    "reload the page when you are online (your design is saved)";
  waiting.splice(0).forEach(answer);
}

try {
  importScripts("kubeprint-worker.js");
  wasm_bindgen({ module_or_path: "kubeprint-worker_bg.wasm" }).then(() => {
    handle = wasm_bindgen.handle;
    const queued = waiting.splice(0);
    queued.filter((m) => !m.warm).concat(queued.filter((m) => m.warm)).forEach(answer);
  }, fail);
} catch (err) {
  fail(err);
}
