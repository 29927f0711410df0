//! `cargo run --release -q -p kubeprint-core --example history_memory`: the memory an
//! editing session holds at 250, 500 and 1,000 services (`templates::scaled(n)`), after
//! as many steps as the history keeps, each a field typed and left (BENCHMARKS.md).
//! Measured as the process's resident memory (Linux's `VmRSS`), each size in a process
//! of its own.

use kubeprint_core::editor::{Editor, HISTORY_LIMIT};
use kubeprint_core::{templates, Edit, FieldPath};
use std::process::Command;

/// The resident memory of this process, in MB.
fn resident_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux's /proc");
    let kb: f64 = (status.lines())
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("a VmRSS line");
    kb / 1000.0
}

/// One size: the design's memory, then the session's after its steps.
fn one(n: usize) {
    let start = resident_mb();
    let design = templates::scaled(n);
    let with_design = resident_mb();
    let ids: Vec<_> = design.services.iter().map(|s| s.id).collect();
    let mut editor = Editor::new(design);
    for step in 0..HISTORY_LIMIT {
        let path = FieldPath::service(ids[step % n], "/timing/grace_period_seconds");
        let value = (40 + step as u32).into();
        editor
            .dispatch(Edit::Set { path, value })
            .expect("it applies");
        editor.seal();
    }
    let session = resident_mb();
    println!(
        "| {n} | {:.1} MB | {:.1} MB |",
        with_design - start,
        session - start
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let [_, flag, n] = &args[..] {
        if flag == "--one" {
            return one(n.parse().expect("a number of services"));
        }
    }
    println!("| services | the design | the session after {HISTORY_LIMIT} steps |");
    println!("|---:|---:|---:|");
    let me = std::env::current_exe().expect("this program");
    for n in [250, 500, 1000] {
        let status = (Command::new(&me).args(["--one", &n.to_string()]))
            .status()
            .expect("it runs");
        assert!(status.success());
    }
}
