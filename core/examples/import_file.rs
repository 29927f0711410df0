//! Import one manifest file and print how long it took, for profiling:
//! `cargo run --release -p kubeprint-core --example import_file -- big.yaml`.
fn main() {
    let path = std::env::args().nth(1).expect("a manifest file");
    let text = std::fs::read_to_string(&path).expect("readable");
    let t = std::time::Instant::now();
    let r = kubeprint_core::import::kubernetes(&text);
    println!(
        "{} documents, {} services in {:?}",
        r.documents.len(),
        r.design.services.len(),
        t.elapsed()
    );
}
