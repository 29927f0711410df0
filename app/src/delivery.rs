//! The inspector's delivery section (rolling update or canary: how the canary's traffic
//! is split, its steps, its deadline abort and its analysis) and the environment page's monitoring fields. Every
//! input is a generic field bound to a `FieldPath`; what the canary does in pods and
//! what a new step starts as come from `core::presets`.

use crate::fields::{Check, Choice, Field, Optional};
use crate::inspector::{choices, list, p, to_json};
use crate::state::use_app;
use kubeprint_core::input::FieldKind as K;
use kubeprint_core::{presets, FieldPath, ServiceId, UpdateStrategy};
use leptos::prelude::*;
use serde_json::Value;

/// Rolling update or canary; the canary's steps, deadline abort and analysis while the
/// service or any environment makes it one, and what it does in the current environment.
#[component]
pub fn DeliverySection(id: ServiceId) -> impl IntoView {
    let app = use_app();
    // A canary anywhere: its own strategy, or an environment's override.
    let canary_somewhere = Memo::new(move |_| {
        app.editor.with(|e| {
            let d = &e.design;
            d.service(id).is_some_and(|s| s.delivery.is_canary())
                || d.environments.iter().any(|env| {
                    env.overrides.get(&id).and_then(|o| o.strategy) == Some(UpdateStrategy::Canary)
                })
        })
    });
    let note = Memo::new(move |_| {
        let env = app.env.get();
        app.editor.with(
            |e| match (e.design.service(id), e.design.environment(&env)) {
                (Some(s), Some(env)) => presets::delivery_note(s, env),
                _ => String::new(),
            },
        )
    });
    view! {
        <Choice label="Strategy" path=p(id, "/delivery/strategy") options=choices(presets::STRATEGIES) />
        <p class="note" data-testid="delivery-note">{move || note.get()}</p>
        {move || canary_somewhere.get().then(|| view! { <CanaryFields id /> })}
    }
}

#[component]
fn CanaryFields(id: ServiceId) -> impl IntoView {
    let app = use_app();
    let new_step = move |_n: usize| {
        app.editor
            .with_untracked(|e| {
                e.design
                    .service(id)
                    .map(|s| presets::canary_step(&s.delivery.steps))
            })
            .map_or(Value::Null, to_json)
    };
    let traffic = Memo::new(move |_| {
        let env = app.env.get();
        app.editor.with(
            |e| match (e.design.service(id), e.design.environment(&env)) {
                (Some(s), Some(env)) => presets::traffic_note(s, env),
                _ => String::new(),
            },
        )
    });
    view! {
        <Choice label="Traffic" path=p(id, "/delivery/traffic") options=choices(presets::CANARY_TRAFFIC) />
        <p class="note" data-testid="traffic-note">{move || traffic.get()}</p>
        <div class="canary-steps" data-testid="canary-steps">
            {list("step", p(id, "/delivery/steps"), new_step, move |i| view! { <CanaryStepFields id i /> })}
        </div>
        <Check label="Abort at the progress deadline (roll back pods that never become ready)" path=p(id, "/delivery/progress_deadline_abort") />
        <Optional label="Analysis (Prometheus: 5xx share and readiness of the canary pods)" path=p(id, "/delivery/analysis") default=to_json(kubeprint_core::Analysis::default())>
            <Check label="In the background, from a step on" path=p(id, "/delivery/analysis/background") />
            <div class="row">
                <Field label="From step" path=p(id, "/delivery/analysis/starting_step") kind=K::Count hint="0 is the first" />
                <Field label="Every (s)" path=p(id, "/delivery/analysis/interval_seconds") kind=K::Seconds />
            </div>
            <div class="row">
                <Field label="Measurements" path=p(id, "/delivery/analysis/count") kind=K::Count />
                <Field label="Failures allowed" path=p(id, "/delivery/analysis/failure_limit") kind=K::Count />
            </div>
            <div class="row">
                <Field label="Max 5xx %" path=p(id, "/delivery/analysis/max_error_percent") kind=K::Count />
                <Field label="Min ready %" path=p(id, "/delivery/analysis/min_ready_percent") kind=K::Count />
            </div>
        </Optional>
    }
}

/// One canary step: its kind, and its weight or pause.
#[component]
fn CanaryStepFields(id: ServiceId, i: usize) -> impl IntoView {
    let app = use_app();
    let base = format!("/delivery/steps/{i}");
    let kind = {
        let path = p(id, &format!("{base}/type"));
        Memo::new(move |_| {
            app.editor
                .with(|e| e.design.field(&path))
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
    };
    let b = base.clone();
    view! {
        <div class="row">
            <Choice label=step_label(i) path=p(id, &base) options=choices(presets::CANARY_STEPS) />
            {move || match kind.get().as_str() {
                "set_weight" => view! {
                    <Field label="Weight %" path=p(id, &format!("{b}/weight")) kind=K::Count />
                }.into_any(),
                "pause" => view! {
                    <Field label="Pause (s)" path=p(id, &format!("{b}/seconds")) kind=K::OptionalSeconds hint="empty: until promoted" />
                }.into_any(),
                _ => view! { <span class="note step-note">"runs the analysis, aborts on failure"</span> }.into_any(),
            }}
        </div>
    }
}

/// `Step 1`, `Step 2`, ... (numbered from 1 for people; the rules say `step 0` as Argo
/// Rollouts' `startingStep` counts).
fn step_label(i: usize) -> &'static str {
    const LABELS: [&str; 10] = [
        "Step 0", "Step 1", "Step 2", "Step 3", "Step 4", "Step 5", "Step 6", "Step 7", "Step 8",
        "Step 9",
    ];
    LABELS.get(i).copied().unwrap_or("Step")
}

/// An environment's monitoring: pod annotations or the Prometheus Operator, and what
/// the operator's objects carry.
#[component]
pub fn MonitoringFields(env: String) -> impl IntoView {
    let app = use_app();
    let e = move |ptr: &str| FieldPath::environment(&env, ptr);
    let operator = {
        let path = e("/monitoring/scraping");
        Memo::new(move |_| {
            app.editor.with(|ed| ed.design.field(&path)) == Some(Value::from("operator"))
        })
    };
    let (labels, interval, alerts) = (
        e("/monitoring/labels"),
        e("/monitoring/interval_seconds"),
        e("/monitoring/alerts"),
    );
    view! {
        <Choice label="Monitoring" path=e("/monitoring/scraping") options=choices(presets::SCRAPINGS) />
        {move || operator.get().then(|| view! {
            <p class="note">"A ServiceMonitor (or PodMonitor) per metrics endpoint and a PrometheusRule per service, instead of the prometheus.io annotations."</p>
            <Field label="Monitor labels (the Prometheus resource selects by)" path=labels.clone() kind=K::KeyValues placeholder="release=kube-prometheus-stack" />
            <div class="row">
                <Field label="Scrape interval (s)" path=interval.clone() kind=K::Seconds hint="0: Prometheus' own" />
            </div>
            <Check label="Alert rules (pods not ready, 5xx, HPA at max, PDB blocking)" path=alerts.clone() />
        })}
    }
}
