//! Write a large manifest stream to stdout, for timing the importer on big inputs:
//! `cargo run --release -p kubeprint-core --example big_manifest -- 15 > big.yaml`
//! (the argument is the size in MB, `1.5` allowed; the default is 15). With a second argument, the
//! object count (`-- 15 16000`), rendered services are mixed with small ConfigMaps,
//! Secrets and RoleBindings to reach it (the `import-mixed` benchmark's input).

#[path = "../benches/support/big_manifest.rs"]
mod big_manifest;

fn main() {
    let mb: f64 = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("the size in MB"))
        .unwrap_or(15.0);
    let bytes = (mb * 1e6) as usize;
    let yaml = match std::env::args().nth(2) {
        Some(objects) => {
            big_manifest::generate_mixed(bytes, objects.parse().expect("the number of objects"))
        }
        None => big_manifest::generate(bytes),
    };
    print!("{yaml}");
    eprintln!(
        "{} bytes, {} objects",
        yaml.len(),
        yaml.matches("\nkind: ").count() + 1
    );
}
