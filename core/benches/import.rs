//! `cargo bench -p kubeprint-core --bench import`: import a rendered bundle of about 500
//! objects (the scaled miniredis design, 120 services, default-deny), and generated
//! inputs of 1, 5 and 15 MB (about 1,000 objects per MB) to show how import time grows
//! with the input. `import-mixed`: a realistic mix of kinds up to 15 MB and 16,000
//! objects.

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

/// A namespace dump of realistic mix: the rendered design plus ConfigMaps, Secrets and
/// RoleBindings (`big_manifest::generate_mixed`), at three sizes with the same mix, up
/// to 15 MB and 16,000 objects.
fn mixed(c: &mut Criterion) {
    let mut group = c.benchmark_group("import-mixed");
    group.sample_size(10);
    for (bytes, objects) in [(1_500_000, 1_600), (5_000_000, 5_333), (15_000_000, 16_000)] {
        let yaml = big_manifest::generate_mixed(bytes, objects);
        let count = yaml.matches("\nkind: ").count() + 1;
        assert!(count >= objects, "{count} objects");
        let mb = yaml.len() as f64 / 1e6;
        group.bench_function(format!("kubernetes/{mb:.1}MB-{count}-objects"), |b| {
            b.iter(|| import::kubernetes(black_box(&yaml)))
        });
    }
    group.finish();
}

criterion_group!(benches, bench, sizes, mixed);
criterion_main!(benches);
