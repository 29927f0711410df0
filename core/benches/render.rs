//! `cargo bench -p kubeprint-core --bench render`: render (and serialize) one
//! environment of designs with 1, 20 and 500 services, and of the 500 with two
//! containers per pod (`sidecars/500`). `render-imported`: render, serialize and
//! validate imported designs, whose objects carry what the import kept (residuals
//! replayed on every render).

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kubeprint_core::{import, render, templates, validate, Object};
use std::hint::black_box;

#[path = "support/sidecars.rs"]
mod sidecars;

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    for n in [1, 20, 500] {
        let design = templates::scaled(n);
        assert_eq!(design.services.len(), n);
        group.bench_with_input(BenchmarkId::new("objects", n), &design, |b, d| {
            b.iter(|| render(black_box(d), "prod"))
        });
        group.bench_with_input(BenchmarkId::new("objects+yaml", n), &design, |b, d| {
            b.iter(|| render(black_box(d), "prod").to_yaml())
        });
        if n == 500 {
            // Two containers per pod: a native sidecar and a shared emptyDir each.
            let two = sidecars::with_sidecars(design.clone());
            group.bench_with_input(BenchmarkId::new("objects/sidecars", n), &two, |b, d| {
                b.iter(|| render(black_box(d), "prod"))
            });
            group.bench_with_input(
                BenchmarkId::new("objects+yaml/sidecars", n),
                &two,
                |b, d| b.iter(|| render(black_box(d), "prod").to_yaml()),
            );
        }
    }
    group.finish();
}

fn imported(c: &mut Criterion) {
    let mut group = c.benchmark_group("render-imported");
    for (name, text) in [
        (
            "microservices-demo",
            include_str!("../tests/corpus/microservices-demo.yaml"),
        ),
        (
            "canary-and-monitors",
            include_str!("../tests/corpus/canary-and-monitors.yaml"),
        ),
    ] {
        let design = import::kubernetes(text).design;
        let env = design.environments[0].name.clone();
        let replayed = render(&design, &env)
            .objects
            .iter()
            .filter(|o| matches!(o, Object::Patched(_)))
            .count();
        assert!(replayed > 0, "{name} replays residuals");
        group.bench_with_input(BenchmarkId::new("objects+yaml", name), &design, |b, d| {
            b.iter(|| render(black_box(d), &env).to_yaml())
        });
        group.bench_with_input(BenchmarkId::new("validate", name), &design, |b, d| {
            b.iter(|| validate(black_box(d), &env))
        });
    }
    group.finish();
}

criterion_group!(benches, bench, imported);
criterion_main!(benches);
