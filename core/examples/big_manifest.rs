//! Write a large manifest stream to stdout, for timing the importer on big inputs:
//! `cargo run --release -p kubeprint-core --example big_manifest -- 15 > big.yaml`
//! (the argument is the size in MB; the default is 15).

#[path = "../benches/support/big_manifest.rs"]
mod big_manifest;

fn main() {
    let mb: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("the size in MB"))
        .unwrap_or(15);
    let yaml = big_manifest::generate(mb * 1_000_000);
    print!("{yaml}");
    eprintln!(
        "{} bytes, {} objects",
        yaml.len(),
        yaml.matches("\nkind: ").count() + 1
    );
}
