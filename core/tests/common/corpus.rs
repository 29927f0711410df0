//! The designs imported from the corpus of real-shaped manifests, for the tests that
//! check a law on every one (`#[path = "common/corpus.rs"] mod corpus;`).

use kubeprint_core::{import, Design};

/// Every manifest of `core/tests/corpus` imported, by file path, in file name order.
pub fn designs() -> Vec<(String, Design)> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");
    let mut files: Vec<_> = (std::fs::read_dir(dir).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    (files.iter())
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            (p.display().to_string(), import::kubernetes(&text).design)
        })
        .collect()
}
