//! `cargo bench -p kubeprint-core --bench link`: share-link encode and decode of two
//! templates and of a 200-service design (`templates::scaled(200)`).

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kubeprint_core::{link, templates};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("link");
    let designs = ["connectum", "miniredis"]
        .map(|name| (name.to_string(), templates::by_name(name).unwrap()));
    let scaled = ("scaled-200".to_string(), templates::scaled(200));
    for (name, design) in designs.into_iter().chain([scaled]) {
        let name = name.as_str();
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
