//! `cargo bench -p kubeprint-core --bench scale`: what one edit costs the core as designs
//! grow to 1,000 services: render environment `prod` (objects, and objects + YAML),
//! validate it, and both (what the page does after an edit before it updates the YAML
//! view), at 250, 500 and 1,000 services of `templates::scaled(n)`. Linear growth means
//! the time per service stays the same across the three sizes.

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kubeprint_core::{render, templates, validate};
use std::hint::black_box;
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("scale");
    group.sample_size(20);
    group.measurement_time(Duration::from_secs(4));
    for n in [250, 500, 1000] {
        let design = templates::scaled(n);
        assert_eq!(design.services.len(), n);
        group.bench_with_input(BenchmarkId::new("render", n), &design, |b, d| {
            b.iter(|| render(black_box(d), "prod"))
        });
        group.bench_with_input(BenchmarkId::new("render+yaml", n), &design, |b, d| {
            b.iter(|| render(black_box(d), "prod").to_yaml())
        });
        group.bench_with_input(BenchmarkId::new("validate", n), &design, |b, d| {
            b.iter(|| validate(black_box(d), "prod"))
        });
        group.bench_with_input(BenchmarkId::new("render+validate", n), &design, |b, d| {
            b.iter(|| {
                let objects = render(black_box(d), "prod");
                let findings = validate(black_box(d), "prod");
                (objects, findings)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
