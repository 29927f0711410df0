//! Kubeprint's core: the design model, its edits, manifest generation, templates and
//! the design file format. No browser, no I/O, no clock, no randomness: everything
//! here is a pure function of its inputs, so it runs natively, in tests, in the CLI
//! and in WebAssembly alike.

pub mod address;
pub mod apis;
pub mod changed;
pub mod crd;
pub mod cron;
pub mod diagram;
pub mod domain;
pub mod drain;
pub mod edges;
pub mod edit;
pub mod editor;
pub mod expansion;
pub mod export;
pub mod file;
pub mod image;
pub mod images;
pub mod import;
pub mod input;
pub mod insight;
pub mod layout;
pub mod link;
pub mod model;
pub mod names;
pub mod naming;
pub mod order;
pub mod patch;
pub mod presets;
pub mod quantity;
pub mod render;
pub mod replicas;
pub mod residual;
pub mod routes;
pub mod rules;
pub mod selector;
pub mod task;
pub mod templates;
pub mod tz;
pub mod words;
pub mod yaml;

pub use edit::{BadFieldPath, Edit, EditError, FieldPath, Target};
/// The compose importer lives beside the Kubernetes one; this is its historical path.
pub use import::compose;
pub use model::*;
pub use render::{render, Bundle, Object};
pub use rules::{left_dialing_nothing, validate, validate_all, Finding, Severity};
