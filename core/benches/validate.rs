//! `cargo bench -p kubeprint-core --bench validate`: every rule over one environment of
//! designs with 1, 20 and 500 services. The target is 500 services well under a 16 ms frame.
//!
//! `validate/N` is a design made in Kubeprint; `validate/kept/N` is the same design with
//! one object kept whole from an import, which makes validate render the environment for
//! the reference rules (KP7xx): the cost every imported design pays. `validate/sidecars/500`
//! is the 500 with two containers per pod.

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kubeprint_core::{templates, validate, KeptObject};
use std::hint::black_box;

#[path = "support/sidecars.rs"]
mod sidecars;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("validate");
    for n in [1, 20, 500] {
        let design = templates::scaled(n);
        group.bench_with_input(BenchmarkId::from_parameter(n), &design, |b, d| {
            b.iter(|| validate(black_box(d), "prod"))
        });
        let mut kept = design.clone();
        kept.extra_objects.push(KeptObject(serde_json::json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "kept", "namespace": "imported"},
            "data": {"LOG_LEVEL": "info"},
        })));
        group.bench_with_input(BenchmarkId::new("kept", n), &kept, |b, d| {
            b.iter(|| validate(black_box(d), "prod"))
        });
        if n == 500 {
            // Two containers per pod: every container is checked.
            let two = sidecars::with_sidecars(design.clone());
            group.bench_with_input(BenchmarkId::new("sidecars", n), &two, |b, d| {
                b.iter(|| validate(black_box(d), "prod"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
