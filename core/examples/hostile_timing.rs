//! Scratch timing of the importer on hostile input (kept as an example so the numbers
//! in BENCHMARKS.md can be reproduced).
fn main() {
    let t = std::time::Instant::now();
    // The same input as the importer's hostile-input test.
    let r = kubeprint_core::import::kubernetes(include_str!("../tests/data/alias-bomb.yaml"));
    println!(
        "alias bomb: {:?} in {:?}",
        r.documents[0].outcome,
        t.elapsed()
    );
    let t = std::time::Instant::now();
    let deep = format!(
        "kind: ConfigMap\nx: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let r = kubeprint_core::import::kubernetes(&deep);
    println!("deep: {:?} in {:?}", r.documents[0].outcome, t.elapsed());
    let t = std::time::Instant::now();
    let junk: String = (0..200_000u32)
        .map(|i| char::from_u32((i * 7919) % 0xD7FF).unwrap_or('x'))
        .collect();
    let r = kubeprint_core::import::kubernetes(&junk);
    println!("junk: {} docs in {:?}", r.documents.len(), t.elapsed());
}
