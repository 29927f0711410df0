//! `cargo bench -p kubeprint-core --bench import`: import a rendered bundle of about 500
//! objects (the scaled miniredis design, 120 services, default-deny), and generated
//! inputs of 1, 5 and 15 MB (about 1,000 objects per MB) to show how import time grows
//! with the input.

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

#[path = "support/big_manifest.rs"]
mod big_manifest;

use criterion::{criterion_group, criterion_main, Criterion};
use kubeprint_core::{import, render, templates};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
    let yaml = render(&templates::scaled(120), "prod").to_yaml();
    let objects = yaml.matches("\nkind: ").count() + 1;
    assert!((450..=650).contains(&objects), "{objects} objects");
    let mut group = c.benchmark_group("import");
    group.sample_size(10);
    group.bench_function(format!("kubernetes/{objects}-objects"), |b| {
        b.iter(|| import::kubernetes(black_box(&yaml)))
    });
    group.finish();
}

fn sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("import-size");
    group.sample_size(10);
    for mb in [1, 5, 15] {
        let yaml = big_manifest::generate(mb * 1_000_000);
        let objects = yaml.matches("\nkind: ").count() + 1;
        group.bench_function(format!("kubernetes/{mb}MB-{objects}-objects"), |b| {
            b.iter(|| import::kubernetes(black_box(&yaml)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench, sizes);
criterion_main!(benches);
