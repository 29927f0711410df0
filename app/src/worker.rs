//! The page's side of its worker (`worker/`, loaded by `public/worker.js`): import and
//! the bundle run there, in a second wasm module that is fetched and started the first
//! time one of them is used. The page's own module then carries none of that code, and
//! a long import no longer holds up the page.
//!
//! [`send`] posts a [`Task`] and calls back with its reply; [`Latest`] keeps a stream
//! of tasks (an import as it is typed) to one in the worker at a time. The worker is started on
//! the first task, or before the first import by [`warm`]; a worker that failed (it could not load, or a task aborted it) is
//! dropped, and the next task starts a new one.

use kubeprint_core::task::Task;
use leptos::prelude::{LocalStorage, StoredValue, UpdateValue, WithValue};
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker};

/// What a task gave back.
pub enum Answer {
    /// A JSON reply, to read with `kubeprint_core::task::answer`.
    Text(String),
    /// A zip's bytes.
    Bytes(Vec<u8>),
}

type Done = Box<dyn FnOnce(Result<Answer, String>)>;

struct Client {
    worker: Worker,
    next: u32,
    pending: HashMap<u32, Done>,
    /// Stopped after a failure: the next task starts a new worker.
    broken: bool,
    /// Asked to warm up ([`warm`]): once per worker.
    warming: bool,
    // Kept alive as long as the worker is.
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(web_sys::Event)>,
}

thread_local! {
    static CLIENT: RefCell<Option<Client>> = const { RefCell::new(None) };
}

/// Where the worker's script is: the boot script's element names it (with the site's
/// sub-path, as Trunk writes it).
fn script_url() -> Option<String> {
    web_sys::window()?
        .document()?
        .query_selector("script[data-kubeprint-worker]")
        .ok()??
        .get_attribute("data-kubeprint-worker")
}

fn start() -> Result<Client, String> {
    let url = script_url().ok_or("the page does not name its worker script; reload the page")?;
    let worker = Worker::new(&url).map_err(|e| {
        format!(
            "the import and export part of the page could not start ({}); reload the page",
            describe(&e)
        )
    })?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(|event: MessageEvent| {
        let data = event.data();
        let get = |key: &str| js_sys::Reflect::get(&data, &JsValue::from_str(key)).ok();
        let Some(id) = get("id").and_then(|v| v.as_f64()) else {
            return;
        };
        let answer = if let Some(text) = get("text").and_then(|v| v.as_string()) {
            Ok(Answer::Text(text))
        } else if let Some(bytes) =
            get("bytes").filter(|v| v.is_instance_of::<js_sys::Uint8Array>())
        {
            Ok(Answer::Bytes(js_sys::Uint8Array::from(bytes).to_vec()))
        } else {
            Err(get("error").and_then(|v| v.as_string()).unwrap_or_else(|| {
                "the import and export part of the page gave no answer; try again".into()
            }))
        };
        match answer {
            Ok(answer) => finish(id as u32, answer),
            // The worker could not load its module, or a task aborted it: it is stopped
            // before anyone hears, so a task sent from the answer starts a new one.
            Err(message) => fail_all(message),
        }
    });
    // The script could not be fetched or run: every task waiting fails with this.
    let on_error = Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| {
        event.prevent_default();
        let what = event
            .dyn_ref::<web_sys::ErrorEvent>()
            .map(|e| e.message())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| "its script did not load".into());
        fail_all(format!(
            "the import and export part of the page could not be loaded ({what}); reload the \
             page when you are online (your design is saved)"
        ));
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(Client {
        worker,
        next: 0,
        pending: HashMap::new(),
        broken: false,
        warming: false,
        _on_message: on_message,
        _on_error: on_error,
    })
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The worker, started if there is none yet or the last one failed. A worker that
/// failed is replaced here, never inside its own callbacks.
fn running(cell: &mut Option<Client>) -> Result<&mut Client, String> {
    if cell.as_ref().is_none_or(|c| c.broken) {
        *cell = Some(start()?);
    }
    Ok(cell.as_mut().expect("started above"))
}

/// Start the worker ahead of its first import, as the import dialog opens, and have it
/// run an import of its own once ([`Task::Warm`]): the browser loads the worker's
/// module and compiles the importer while the user pastes or chooses a file, instead
/// of after. A worker that cannot start here says why when a task is sent to it.
pub fn warm() {
    CLIENT.with(|cell| {
        let mut cell = cell.borrow_mut();
        let Ok(client) = running(&mut cell) else {
            return;
        };
        if !std::mem::replace(&mut client.warming, true) {
            // Nobody waits for its answer; a failure stops the worker as any task's does.
            let _ = post(client, &Task::Warm, Box::new(|_| {}), true);
        }
    });
}

/// Run `task` in the worker; `done` gets its answer, or what went wrong.
pub fn send(task: &Task, done: impl FnOnce(Result<Answer, String>) + 'static) {
    let done: Done = Box::new(done);
    let posted = CLIENT.with(|cell| {
        let mut cell = cell.borrow_mut();
        match running(&mut cell) {
            Ok(client) => {
                // An import compiles what a warm-up would: none is needed after it.
                client.warming |= matches!(task, Task::Import { .. });
                post(client, task, done, false)
            }
            Err(message) => Err((done, message)),
        }
    });
    if let Err((done, message)) = posted {
        done(Err(message));
    }
}

/// Hand `task` to `client`'s worker, `done` to wait for its answer; or give `done`
/// back with what went wrong. A `warm_up` waits behind the tasks that were asked for
/// while the worker loads (`public/worker.js`).
fn post(client: &mut Client, task: &Task, done: Done, warm_up: bool) -> Result<(), (Done, String)> {
    let id = client.next;
    client.next = client.next.wrapping_add(1);
    let message = js_sys::Object::new();
    js_sys::Reflect::set(&message, &"id".into(), &id.into()).ok();
    js_sys::Reflect::set(&message, &"task".into(), &task.to_json().into()).ok();
    if warm_up {
        js_sys::Reflect::set(&message, &"warm".into(), &true.into()).ok();
    }
    if let Err(e) = client.worker.post_message(&message) {
        let message = format!(
            "the task could not be handed to the import and export part of the page ({})",
            describe(&e)
        );
        return Err((done, message));
    }
    client.pending.insert(id, done);
    Ok(())
}

fn finish(id: u32, answer: Answer) {
    let done = CLIENT.with(|cell| {
        cell.borrow_mut()
            .as_mut()
            .and_then(|c| c.pending.remove(&id))
    });
    if let Some(done) = done {
        done(Ok(answer));
    }
}

/// Stop the worker (it could not load, or a task aborted it, so its module may be
/// broken): the tasks waiting on it fail with `message`, and the next task starts a
/// new worker.
fn fail_all(message: String) {
    let pending: Vec<Done> = CLIENT.with(|cell| {
        let mut cell = cell.borrow_mut();
        let Some(client) = cell.as_mut() else {
            return Vec::new();
        };
        client.worker.terminate();
        client.broken = true;
        client.pending.drain().map(|(_, done)| done).collect()
    });
    for done in pending {
        done(Err(message.clone()));
    }
}

/// The newest of a stream of tasks, such as the import of a text as it is typed: one
/// task is in the worker at a time, and one asked for meanwhile waits, replacing any
/// that waited before it. Only the newest task's answer is delivered.
#[derive(Clone, Copy)]
pub struct Latest {
    state: StoredValue<LatestState, LocalStorage>,
}

#[derive(Default)]
struct LatestState {
    busy: bool,
    waiting: Option<(Task, Done)>,
    /// Moved by [`Latest::forget`]: an answer to a task sent before is not delivered.
    epoch: u32,
}

impl Latest {
    /// A stream with nothing asked yet (owned by the current reactive owner).
    pub fn new() -> Self {
        Latest {
            state: StoredValue::new_local(LatestState::default()),
        }
    }

    /// Run `task` when the worker is free of this stream's last one; `done` gets its
    /// answer unless a newer task was asked for by then.
    pub fn send(self, task: Task, done: impl FnOnce(Result<Answer, String>) + 'static) {
        let done: Done = Box::new(done);
        let run_now = self.state.try_update_value(|s| {
            if s.busy {
                s.waiting = Some((task, done));
                None
            } else {
                s.busy = true;
                Some((task, done))
            }
        });
        if let Some(Some((task, done))) = run_now {
            self.run(task, done);
        }
    }

    /// Forget what was asked: the task waiting is dropped and the answer to the one in
    /// the worker is not delivered (a dialog closed, so its next opening starts clean).
    pub fn forget(self) {
        self.state.try_update_value(|s| {
            s.waiting = None;
            s.epoch = s.epoch.wrapping_add(1);
        });
    }

    fn run(self, task: Task, done: Done) {
        let epoch = self.state.try_with_value(|s| s.epoch);
        send(&task, move |answer| {
            let next = self.state.try_update_value(|s| {
                let next = s.waiting.take();
                s.busy = next.is_some();
                (next, Some(s.epoch) == epoch)
            });
            match next {
                Some((Some((task, newer)), _)) => self.run(task, newer),
                Some((None, true)) => done(answer),
                // Gone (the dialog closed), or forgotten: nobody to tell.
                None | Some((None, false)) => {}
            }
        });
    }
}
