//! Scratch timing of the importer on hostile input (kept as an example so the numbers
//! in BENCHMARKS.md can be reproduced):
//! `cargo run --release -p kubeprint-core --example hostile_timing`.
fn time(what: &str, text: &str) {
    let t = std::time::Instant::now();
    let r = kubeprint_core::import::kubernetes(text);
    let outcome = format!("{:?}", r.documents.first().map(|d| &d.outcome));
    let short: String = outcome.chars().take(90).collect();
    println!("{what}: {short} in {:?}", t.elapsed());
}

fn main() {
    // The same input as the importer's hostile-input test.
    time("alias bomb", include_str!("../tests/data/alias-bomb.yaml"));
    for n in [10_000, 100_000] {
        let brackets = format!("kind: ConfigMap\nx: {}{}\n", "[".repeat(n), "]".repeat(n));
        time(&format!("{n} nested [ ]"), &brackets);
        let maps = format!(
            "kind: ConfigMap\nx: {}1{}\n",
            "{a: ".repeat(n),
            "}".repeat(n)
        );
        time(&format!("{n} nested {{a: }}"), &maps);
        let entries = format!("kind: ConfigMap\nx:\n{}1\n", "- ".repeat(n));
        time(&format!("{n} nested - "), &entries);
    }
    let junk: String = (0..200_000u32)
        .map(|i| char::from_u32((i * 7919) % 0xD7FF).unwrap_or('x'))
        .collect();
    let t = std::time::Instant::now();
    let r = kubeprint_core::import::kubernetes(&junk);
    println!("junk: {} docs in {:?}", r.documents.len(), t.elapsed());
}
