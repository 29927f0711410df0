//! `cargo bench -p kubeprint-core --bench link`: share-link encode and decode of each template.

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kubeprint_core::{link, templates};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("link");
    for name in ["connectum", "miniredis"] {
        let design = templates::by_name(name).unwrap();
        let encoded = link::encode(&design);
        group.bench_with_input(BenchmarkId::new("encode", name), &design, |b, d| {
            b.iter(|| link::encode(black_box(d)))
        });
        group.bench_with_input(BenchmarkId::new("decode", name), &encoded, |b, e| {
            b.iter(|| link::decode(black_box(e)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
