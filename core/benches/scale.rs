//! `cargo bench -p kubeprint-core --bench scale`: what one edit costs the core as designs
//! grow to 1,000 services: render environment `prod` (objects, and objects + YAML),
//! validate it, and both (what the page does after an edit before it updates the YAML
//! view), and a keystroke as the page handles it (live findings and YAML after one
//! field edit), at 250, 500 and 1,000 services of `templates::scaled(n)`. Linear growth
//! means the time per service stays the same across the three sizes. `known-image`: what
//! the inspector asks on every edit while a service with a known image is selected
//! (whether "Apply its settings" would change anything), which must not grow with the
//! design. `restore-history`: a reload's making the undo history again from its first
//! design and its 200 steps (`Editor::restored`); `record-json`: what each autosave
//! writes of it; `undo+redo`: one step back and forth at the end of that session.
//! `renumber`: a keystroke that numbers a Service port otherwise, which its callers'
//! addresses follow (the edit reads every configuration value of the design).

// criterion_group! generates undocumented public functions.
#![allow(missing_docs)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use kubeprint_core::editor::{Editor, HISTORY_LIMIT};
use kubeprint_core::render::live::LiveYaml;
use kubeprint_core::rules::LiveFindings;
use kubeprint_core::{images, render, templates, validate, Edit, FieldPath};
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
        // What the page does after a keystroke: one field of one service edited, then
        // the live findings and YAML brought up to date (they redo that service alone).
        group.bench_with_input(BenchmarkId::new("keystroke", n), &design, |b, d| {
            let mut d = d.clone();
            let id = d.services[n / 2].id;
            let (mut findings, mut yaml) = (LiveFindings::default(), LiveYaml::default());
            findings.validate(&d, "prod");
            yaml.documents(&d, "prod");
            let mut grace = 30;
            b.iter(|| {
                grace = if grace == 30 { 31 } else { 30 };
                d.apply(Edit::Set {
                    path: FieldPath::service(id, "/timing/grace_period_seconds"),
                    value: grace.into(),
                })
                .unwrap();
                (findings.validate(&d, "prod"), yaml.documents(&d, "prod"))
            })
        });
        // A Service port numbered otherwise, which every caller's addresses follow: the
        // edit reads every configuration value of the design (then the page brings the
        // findings and YAML up to date, as after any keystroke).
        let callee = (design.services.iter())
            .find(|s| s.name.starts_with("api-gateway") && !s.exposure.ports.is_empty())
            .expect("scaled designs run the gateway")
            .id;
        group.bench_with_input(BenchmarkId::new("renumber", n), &design, |b, d| {
            let mut d = d.clone();
            let (mut findings, mut yaml) = (LiveFindings::default(), LiveYaml::default());
            findings.validate(&d, "prod");
            yaml.documents(&d, "prod");
            let mut port = 8080;
            b.iter(|| {
                port = if port == 8080 { 8081 } else { 8080 };
                d.apply(Edit::Set {
                    path: FieldPath::service(callee, "/exposure/ports/0/port"),
                    value: port.into(),
                })
                .unwrap();
                (findings.validate(&d, "prod"), yaml.documents(&d, "prod"))
            })
        });
        let postgres = design
            .services
            .iter()
            .find(|s| images::of(s).is_some())
            .expect("scaled designs run postgres");
        group.bench_with_input(BenchmarkId::new("known-image", n), postgres, |b, s| {
            b.iter(|| images::pending_settings(black_box(s)))
        });
        // A session of as many steps as are kept, each a field typed and left.
        let mut editor = Editor::new(design.clone());
        let id = design.services[n / 2].id;
        for step in 0..HISTORY_LIMIT as u32 {
            let path = FieldPath::service(id, "/timing/grace_period_seconds");
            editor
                .dispatch(Edit::Set {
                    path,
                    value: (40 + step).into(),
                })
                .unwrap();
            editor.seal();
        }
        let first = editor.first().clone();
        let record = editor.record();
        group.bench_with_input(BenchmarkId::new("restore-history", n), &record, |b, r| {
            b.iter(|| Editor::restored(first.clone(), r.clone()).expect("it applies"))
        });
        group.bench_with_input(BenchmarkId::new("record-json", n), &editor, |b, e| {
            b.iter(|| black_box(e).record_json())
        });
        // Undo at the end of that session (the design before is made again from the
        // one kept whole before it), and redo back.
        let mut session = editor.clone();
        group.bench_function(BenchmarkId::new("undo+redo", n), |b| {
            b.iter(|| {
                assert!(session.undo() && session.redo());
            })
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
