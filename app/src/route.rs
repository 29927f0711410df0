//! The editors of Gateway API traffic: a service's route (the inspector's Exposure
//! section) and an environment's Gateway (the Environments page). Every input is a
//! generic field bound to a `FieldPath` under `/exposure/gateway_route` or an
//! environment's `/gateway`; what a new item starts as, and which kind the route is,
//! come from `core::presets`.

use crate::fields::{Check, Choice, Field, Optional};
use crate::inspector::{choices, list, p, to_json};
use crate::state::use_app;
use kubeprint_core::input::FieldKind as K;
use kubeprint_core::{presets, FieldPath, Service, ServiceId};
use leptos::prelude::*;
use serde_json::Value;

/// A preset made for service `id`, as JSON.
fn preset<T: serde::Serialize>(id: ServiceId, make: impl FnOnce(&Service) -> T) -> Value {
    use_app()
        .editor
        .with(|e| e.design.service(id).map(make))
        .map_or(Value::Null, to_json)
}

/// The service's Gateway API route: on or off, its port, listener, host names and rules.
#[component]
pub fn RouteFields(id: ServiceId) -> impl IntoView {
    let app = use_app();
    let base = "/exposure/gateway_route";
    let at = move |rest: &str| p(id, &format!("{base}{rest}"));
    let note = Memo::new(move |_| {
        app.editor
            .with(|e| e.design.service(id).and_then(presets::route_kind_note))
            .unwrap_or_default()
    });
    view! {
        <Optional label="Gateway API route (the environment's Gateway)" path=at("") fresh=Callback::new(move |()| preset(id, presets::gateway_route))>
            <p class="note" data-testid="route-kind">{move || note.get()}</p>
            <div class="row">
                <Field label="Service port" path=at("/port") kind=K::Text placeholder="(the only one)" />
                <Field label="Listener" path=at("/listener") kind=K::Text placeholder="(every listener)" title="The Gateway listener it attaches to (sectionName)" />
            </div>
            <Field label="Host names" path=at("/hostnames") kind=K::Words placeholder="(the listener's)" />
            {list("rule", at("/rules"), move |_| preset(id, presets::route_rule), move |i| view! {
                <RuleFields id i />
            })}
        </Optional>
    }
}

/// Rule `i` of the route: its matches, backends and timeouts (an HTTPRoute's).
#[component]
fn RuleFields(id: ServiceId, i: usize) -> impl IntoView {
    let app = use_app();
    let rule = format!("/exposure/gateway_route/rules/{i}");
    let at = move |rest: &str| p(id, &format!("{rule}{rest}"));
    let timeouts = Memo::new(move |_| {
        app.editor.with(|e| {
            e.design
                .service(id)
                .is_some_and(|s| presets::shows_route_timeouts(s, i))
        })
    });
    let timeout_fields = {
        let at = at.clone();
        move || {
            timeouts.get().then(|| {
                view! {
                    <div class="row">
                        <Field label="Request timeout" path=at("/request_timeout") kind=K::OptionalText placeholder="30s" title="timeouts.request (HTTPRoute): a Gateway API duration" />
                        <Field label="Backend timeout" path=at("/backend_request_timeout") kind=K::OptionalText placeholder="10s" title="timeouts.backendRequest (HTTPRoute): one try to a backend" />
                    </div>
                }
            })
        }
    };
    view! {
        <div class="container-card" data-testid=format!("route-rule-{i}")>
            <div class="card-head"><span class="label">{format!("Rule {}", i + 1)}</span></div>
            {list("match", at("/matches"), move |_| preset(id, presets::route_match), move |j| view! {
                <MatchFields id i j />
            })}
            {list("backend", at("/backends"), move |_| preset(id, presets::route_backend), {
                let at = at.clone();
                move |j| {
                let b = |field: &str| at(&format!("/backends/{j}/{field}"));
                view! {
                    <div class="row">
                        <Field label="Service" path=b("service") kind=K::Text placeholder="(this one)" />
                        <Field label="Port" path=b("port") kind=K::Text compact=true />
                        <Field label="Weight" path=b("weight") kind=K::Count compact=true />
                    </div>
                }
            }})}
            {timeout_fields}
        </div>
    }
}

/// Match `j` of rule `i`: a path (prefix or exact) or a gRPC method.
#[component]
fn MatchFields(id: ServiceId, i: usize, j: usize) -> impl IntoView {
    let app = use_app();
    let base = format!("/exposure/gateway_route/rules/{i}/matches/{j}");
    let at = move |rest: &str| p(id, &format!("{base}{rest}"));
    let type_path = at("/type");
    let kind = Memo::new(move |_| {
        app.editor
            .with(|e| e.design.field(&type_path))
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    });
    view! {
        <div class="sub-item">
            {move || if kind.get() == "method" {
                view! {
                    <div class="row">
                        <Choice label="Match" path=at("") options=choices(presets::route_match_kinds()) />
                        <Field label="Method" path=at("/method") kind=K::Text placeholder="(any)" />
                    </div>
                    <Field label="gRPC service" path=at("/service") kind=K::Text placeholder="(any)" />
                }.into_any()
            } else {
                view! {
                    <div class="row">
                        <Choice label="Match" path=at("") options=choices(presets::route_match_kinds()) />
                        <Choice label="Path" path=at("/kind") options=choices(presets::PATH_MATCH_KINDS) />
                    </div>
                    <Field label="Value" path=at("/value") kind=K::Text />
                }.into_any()
            }}
        </div>
    }
}

/// An environment's Gateway: on or off, where it runs, what it admits, its listeners.
#[component]
pub fn GatewayFields(env: String) -> impl IntoView {
    let app = use_app();
    let e = {
        let env = env.clone();
        move |ptr: &str| FieldPath::environment(&env, &format!("/gateway{ptr}"))
    };
    let fresh = {
        let env = env.clone();
        Callback::new(move |()| {
            app.editor.with_untracked(|ed| {
                ed.design
                    .environment(&env)
                    .map(|en| to_json(presets::gateway(&ed.design, en)))
                    .unwrap_or(Value::Null)
            })
        })
    };
    let listener = {
        let e = e.clone();
        move |i: usize| {
            let l = |field: &str| e(&format!("/listeners/{i}/{field}"));
            view! {
                <div class="sub-item">
                    <div class="row">
                        <Field label="Listener" path=l("name") kind=K::Text />
                        <Choice label="Protocol" path=l("protocol") options=choices(presets::LISTENER_PROTOCOLS) />
                        <Field label="Port" path=l("port") kind=K::Port compact=true />
                    </div>
                    <div class="row">
                        <Field label="Hostname" path=l("hostname") kind=K::OptionalHost placeholder="(any)" />
                        <Field label="TLS Secret (HTTPS)" path=l("certificate_secret") kind=K::Text placeholder="(derived)" />
                    </div>
                </div>
            }
        }
    };
    view! {
        <Optional label="Gateway (Gateway API) for the services' routes" path=e("") fresh=fresh>
            <div class="row">
                <Field label="Name" path=e("/name") kind=K::Text />
                <Field label="GatewayClass" path=e("/class") kind=K::Text placeholder="eg" />
            </div>
            <div class="row">
                <Field label="Namespace" path=e("/namespace") kind=K::OptionalText placeholder="(the environment's)" />
                <Field label="Proxies' namespace" path=e("/proxy_namespace") kind=K::OptionalText placeholder="(the Gateway's)" title="Where the gateway's proxies run; NetworkPolicies let it in (Envoy Gateway: envoy-gateway-system)" />
            </div>
            <Choice label="Admits routes from" path=e("/admit") options=choices(presets::ADMIT_ROUTES) />
            <Check label="Create it (off: it exists, the design describes it)" path=e("/create") />
            <Check label="TLS certificates from cert-manager (the cluster's issuer)" path=e("/cert_manager") />
            {list("listener", e("/listeners"), |n| to_json(presets::gateway_listener(n)), listener.clone())}
        </Optional>
    }
}
