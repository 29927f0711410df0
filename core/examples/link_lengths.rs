//! `cargo run -q -p kubeprint-core --example link_lengths`: the share-link length of
//! each template (BENCHMARKS.md).

fn main() {
    for t in kubeprint_core::templates::ALL {
        let d = (t.build)();
        let json = kubeprint_core::file::to_json(&d).len();
        let fragment = kubeprint_core::link::encode(&d).len();
        println!(
            "{:<14} design file {json:>6} bytes, link fragment {fragment:>5} characters",
            t.name
        );
    }
}
