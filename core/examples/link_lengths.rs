//! `cargo run -q -p kubeprint-core --example link_lengths`: the share-link length of
//! each template and of `templates::scaled(n)` designs (BENCHMARKS.md).

fn main() {
    let templates = kubeprint_core::templates::ALL
        .iter()
        .map(|t| (t.name.to_string(), (t.build)()));
    let scaled = [20, 200, 1000]
        .into_iter()
        .map(|n| (format!("scaled({n})"), kubeprint_core::templates::scaled(n)));
    // Imports of hand-written manifests (tests/corpus): designs no template resembles.
    let imported = ["microservices-demo", "helm-rendered"]
        .into_iter()
        .map(|name| {
            let path = format!("{}/tests/corpus/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
            let text = std::fs::read_to_string(path).expect("the corpus file");
            (
                format!("import {name}"),
                kubeprint_core::import::kubernetes(&text).design,
            )
        });
    for (name, d) in templates.chain(scaled).chain(imported) {
        let json = kubeprint_core::file::to_json(&d).len();
        let fragment = kubeprint_core::link::encode(&d).len();
        println!("{name:<25} design file {json:>9} bytes, link fragment {fragment:>6} characters");
    }
}
