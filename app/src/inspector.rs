//! The inspector: every part of the selected service, section by section. Each input is
//! a generic field bound to a path; lists add and remove items through the same paths.

use crate::fields::{Check, Choice, Field, Optional};
use crate::prose::prose;
use crate::state::{use_app, Bottom};
use kubeprint_core::input::FieldKind as K;
use kubeprint_core::presets::EditorPart as Part;
use kubeprint_core::rules::pod_qos_class;
use kubeprint_core::{effective, presets, Edge, Edit, FieldPath, Service, ServiceId};
use leptos::prelude::*;
use serde::Serialize;
use serde_json::{json, Value};

/// The right-hand column when a service is selected.
#[component]
pub fn Inspector() -> impl IntoView {
    let app = use_app();
    // The state keeps the selection on a service that exists.
    let selected = Memo::new(move |_| app.selected());
    let any_selected = Memo::new(move |_| selected.get().is_some());
    // A newly selected service starts at the top, unless a finding asked for a field.
    // Setting the scroll position makes the browser lay the page out there and then, so
    // it is set only when the inspector is scrolled (as its scroll events said): at 1,000
    // services that layout was most of what a selection cost.
    let aside = NodeRef::<leptos::html::Aside>::new();
    let scrolled = StoredValue::new(false);
    Effect::new(move |_| {
        selected.track();
        if scrolled.get_value() && app.focus.get_untracked().is_none() {
            if let Some(el) = aside.get_untracked() {
                el.set_scroll_top(0);
            }
        }
    });
    view! {
        <aside
            class="inspector"
            aria-label="Inspector"
            node_ref=aside
            on:scroll=move |ev| {
                let top = event_target::<web_sys::Element>(&ev).scroll_top();
                scrolled.set_value(top > 0);
            }
        >
            // Built once while a service is selected, not once per service: its fields
            // follow the selection (at 1,000 services, building it anew was most of what
            // a selection cost). Built again for another design: its first service can
            // have the id selected in the last one.
            {move || {
                app.opened.track();
                match any_selected.get() {
                true => view! { <ServiceInspector selected /> }.into_any(),
                false => view! {
                    <div class="empty">
                        <h2>"No service selected"</h2>
                        <p>"Click a service on the canvas, or add one with "<b>"+ Service"</b>"."</p>
                        <p>"Shortcuts: Ctrl+Z undo, Ctrl+Shift+Z redo, Delete removes the selection, F6 (Shift+F6) moves between the top bar, canvas, this panel, findings and YAML; ? lists them all."</p>
                    </div>
                }
                .into_any(),
                }
            }}
        </aside>
    }
}

pub(crate) fn p(id: ServiceId, pointer: &str) -> FieldPath {
    FieldPath::service(id, pointer)
}

/// The field at `pointer` of the service `id` says, following it. A memo, so that the
/// field's reads on every edit borrow one path instead of building it anew.
pub(crate) fn at(id: Signal<ServiceId>, pointer: &str) -> Signal<FieldPath> {
    let pointer = pointer.to_string();
    Memo::new(move |_| FieldPath::service(id.get(), &pointer)).into()
}

/// A part of the inspector drawn for one service, drawn again when the selection moves
/// to another: for the parts whose fields do not follow a selection.
fn per_service<V: IntoView>(
    id: Signal<ServiceId>,
    part: impl Fn(ServiceId) -> V + Send + Sync + 'static,
) -> impl Fn() -> V + Send + Sync + 'static {
    move || part(id.get())
}

/// How many items the array at `path` has.
pub(crate) fn length(path: &FieldPath) -> usize {
    use_app().editor.with(|e| {
        e.design
            .field(path)
            .and_then(|v| v.as_array().map(Vec::len))
            .unwrap_or(0)
    })
}

/// A list of items under `path` with add and remove buttons; `item(i)` draws item i.
pub(crate) fn list<V: IntoView + 'static>(
    what: &'static str,
    path: impl Into<Signal<FieldPath>>,
    new_item: impl Fn(usize) -> Value + Send + Sync + 'static,
    item: impl Fn(usize) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let app = use_app();
    let path: Signal<FieldPath> = path.into();
    let count = Memo::new(move |_| path.with(length));
    let add_id = move || path.with(|p| format!("{p}#add"));
    view! {
        <div class="list">
            <For each=move || 0..count.get() key=|i| *i let:i>
                {
                    let item = item.clone();
                    view! {
                        <div class="list-item">
                            // One box for the item, however many rows it draws (a
                            // mount's two): they stack beside the remove button.
                            <div class="list-body">{item(i)}</div>
                            <button
                                class="remove"
                                title=format!("Remove this {what}")
                                aria-label=format!("Remove {what} {}", i + 1)
                                data-testid=move || path.with(|p| format!("{p}/{i}#remove"))
                                on:click=move |_| {
                                    let remove_path = path.get_untracked();
                                    let mut items = app
                                        .editor
                                        .with(|e| e.design.field(&remove_path))
                                        .and_then(|v| v.as_array().cloned())
                                        .unwrap_or_default();
                                    if i < items.len() {
                                        items.remove(i);
                                        // A step of its own, as the add below is.
                                        app.seal();
                                        app.dispatch(Edit::Set { path: remove_path.clone(), value: Value::Array(items) });
                                        // The keyboard stays in the list: on the item that took
                                        // this one's place, else the one before, else "+ add".
                                        let at = |item: usize| format!("[data-testid=\"{remove_path}/{item}#remove\"]");
                                        let mut places = vec![at(i)];
                                        places.extend(i.checked_sub(1).map(at));
                                        places.push(format!("[data-testid=\"{remove_path}#add\"]"));
                                        request_animation_frame(move || {
                                            let places: Vec<&str> = places.iter().map(String::as_str).collect();
                                            crate::modal::focus_first(&places);
                                        });
                                    }
                                }
                            >
                                "✕"
                            </button>
                        </div>
                    }
                }
            </For>
            <button
                class="add"
                data-testid=add_id
                on:click=move |_| {
                    let add_path = path.get_untracked();
                    let n = length(&add_path);
                    let item = format!("[data-testid=\"{add_path}/{n}#remove\"]");
                    // The first item sets the whole list, which a design file may leave
                    // out while empty.
                    let (path, value) = match n {
                        0 => (add_path, Value::Array(vec![new_item(0)])),
                        _ => (FieldPath { pointer: format!("{}/{n}", add_path.pointer), ..add_path }, new_item(n)),
                    };
                    app.seal();
                    app.dispatch(Edit::Set { path, value });
                    // The keyboard goes to the new item's first field, as a new service's
                    // name is focused: typing fills it in.
                    let first = format!(".list-item:has(> {item}) :is(input:not([type=checkbox]), select, textarea)");
                    request_animation_frame(move || crate::modal::focus_selector(&first));
                }
            >
                {format!("+ {what}")}
            </button>
        </div>
    }
}

fn section(title: &'static str, body: impl IntoView) -> impl IntoView {
    let anchor = title.to_lowercase().replace(' ', "-");
    view! {
        <section class="section" id=format!("section-{anchor}")>
            <h3>{title}</h3>
            {body}
        </section>
    }
}

#[component]
fn ServiceInspector(selected: Memo<Option<ServiceId>>) -> impl IntoView {
    let app = use_app();
    let panes = crate::panes::use_panes();
    // The selected service (the last one while the selection is emptied, until the
    // inspector is dropped).
    let id: Signal<ServiceId> = Memo::new(move |last: Option<&ServiceId>| {
        selected.get().or(last.copied()).unwrap_or(ServiceId(0))
    })
    .into();
    let name = Memo::new(move |_| {
        let id = id.get();
        app.editor
            .with(|e| e.design.service(id).map(|s| s.name.clone()))
            .unwrap_or_default()
    });
    let qos = Memo::new(move |_| {
        let env = app.env.get();
        let id = id.get();
        app.editor.with(|e| {
            let d = &e.design;
            match (d.service(id), d.environment(&env)) {
                (Some(s), Some(env)) => format!("{:?}", pod_qos_class(&effective(s, env))),
                _ => String::new(),
            }
        })
    });
    // Which parts of the editor the service's kind uses (and which it still has). Each
    // is a memo of its own, so a part is drawn again only when it appears or goes, not
    // on every edit (an input drawn again while typed in would lose what is typed).
    let [exposure, replicas, hpa, pdb, rollout, spread, progress, job, cron] = [
        Part::Exposure,
        Part::Replicas,
        Part::Hpa,
        Part::Pdb,
        Part::Rollout,
        Part::Spread,
        Part::ProgressDeadline,
        Part::Job,
        Part::Cron,
    ]
    .map(|part| shown(id, move |s| presets::shows(s, part)));
    let scaling = shown(id, presets::shows_scaling);
    let delivery = shown(id, |s| presets::shows(s, Part::Delivery));
    // The checks the selected service's ports allow, for its three probes.
    let actions = probe_actions(id);
    let probe = move |kind: &'static str| {
        let base = format!("/probes/{kind}");
        let which = presets::ProbeKind::from_name(kind).unwrap_or(presets::ProbeKind::Readiness);
        let fresh =
            Callback::new(move |()| preset(id.get_untracked(), |s| presets::probe(s, which)));
        view! {
            <Optional label=probe_label(kind) path=at(id, &base) fresh=fresh>
                <ProbeFields id base=base.clone() actions />
            </Optional>
        }
    };
    view! {
        <div class="inspector-head">
            <h2 data-testid="inspector-title">{move || name.get()}</h2>
            <button
                class="danger"
                data-testid="delete-service"
                on:click=move |_| app.remove_service(id.get_untracked())
            >
                "Delete"
            </button>
        </div>
        <div class="sections">
            {section("General", view! {
                <Field label="Name" path=at(id, "/name") kind=K::Text hint="DNS-1035: lowercase, digits, '-'; Enter applies it, and its callers follow" on_commit=true />
                <Choice label="Kind" path=at(id, "/kind") options=choices(presets::WORKLOAD_KINDS) />
                <Field label="Role (component label)" path=at(id, "/component") kind=K::Text placeholder="backend" hint="app.kubernetes.io/component: what part of the system it is" title="Written as the app.kubernetes.io/component label on every object of this service (frontend, backend, database, ...)" />
                <Field label="Image" path=at(id, "/image") kind=K::Image placeholder="ghcr.io/acme/api" hint="a whole reference (nginx:1.27) fills Tag and Digest too" />
                <KnownImageOffer id />
                <div class="row">
                    <Field label="Tag" path=at(id, "/tag") kind=K::Tag hint="immutable: a version or git sha" />
                    <Field label="Digest" path=at(id, "/digest") kind=K::Digest placeholder="sha256:…" />
                </div>
                <Field label="Container name" path=at(id, "/container_name") kind=K::Text placeholder="(service name)" />
                <Field label="Command" path=at(id, "/command") kind=K::Words placeholder="(image entrypoint)" />
                <Field label="Args" path=at(id, "/args") kind=K::Words />
                <Check label="Critical (needs HPA and PDB in prod)" path=at(id, "/critical") />
            })}
            {move || cron.get().then(|| section("Schedule", view! { <CronFields id /> }))}
            {move || job.get().then(|| section("Job runs", view! { <JobFields id /> }))}
            {section("Ports", list("port", at(id, "/ports"), |n| to_json(presets::container_port(n)), move |i| view! {
                <div class="row">
                    <Field label="Name" path=at(id, &format!("/ports/{i}/name")) kind=K::Text />
                    <Field label="Port" path=at(id, &format!("/ports/{i}/port")) kind=K::Port />
                    <Choice label="Protocol" path=at(id, &format!("/ports/{i}/protocol")) options=choices(presets::PROTOCOLS) />
                </div>
            }))}
            {move || exposure.get().then(|| section("Exposure", view! {
                <Choice label="Service" path=at(id, "/exposure/service") options=choices(presets::SERVICE_KINDS) />
                <ServiceNote id />
                {list("service port", at(id, "/exposure/ports"), move |n| preset(id.get_untracked(), |s| presets::service_port(s, n)), move |i| view! {
                    <div class="row">
                        <Field label="Name" path=at(id, &format!("/exposure/ports/{i}/name")) kind=K::Text />
                        <Field label="Port" path=at(id, &format!("/exposure/ports/{i}/port")) kind=K::Port />
                        <Field label="Target" path=at(id, &format!("/exposure/ports/{i}/target")) kind=K::PortRef />
                        <Field label="App protocol" path=at(id, &format!("/exposure/ports/{i}/app_protocol")) kind=K::OptionalText />
                    </div>
                })}
                <KeptRoutesNote id />
                <Optional label="Public via Ingress" path=at(id, "/exposure/ingress") fresh=Callback::new(move |()| app.editor.with(|e| e.design.service(id.get_untracked()).map_or(Value::Null, |s| to_json(presets::ingress_in(&e.design, s)))))>
                    <Field label="Host" path=at(id, "/exposure/ingress/host") kind=K::Host />
                    <Field label="Path" path=at(id, "/exposure/ingress/path") kind=K::Text />
                    <Field label="Service port" path=at(id, "/exposure/ingress/port") kind=K::Text />
                    <Check label="TLS" path=at(id, "/exposure/ingress/tls") />
                    <TlsSecret id />
                </Optional>
                {per_service(id, |id| view! { <crate::route::RouteFields id /> })}
                <Optional label="LoadBalancer (<name>-external)" path=at(id, "/exposure/load_balancer") fresh=Callback::new(move |()| preset(id.get_untracked(), presets::load_balancer))>
                    <Field label="Annotations" path=at(id, "/exposure/load_balancer/annotations") kind=K::KeyValues placeholder="service.beta.kubernetes.io/aws-load-balancer-type=nlb" />
                    {list("LB port", at(id, "/exposure/load_balancer/ports"), move |_| preset(id.get_untracked(), presets::load_balancer_port), move |i| view! {
                        <div class="row">
                            <Field label="Name" path=at(id, &format!("/exposure/load_balancer/ports/{i}/name")) kind=K::Text />
                            <Field label="Port" path=at(id, &format!("/exposure/load_balancer/ports/{i}/port")) kind=K::Port />
                            <Field label="Target" path=at(id, &format!("/exposure/load_balancer/ports/{i}/target")) kind=K::PortRef />
                        </div>
                    })}
                </Optional>
            }))}
            {section("Probes", view! { {probe("startup")} {probe("liveness")} {probe("readiness")} })}
            {section("Shutdown", view! {
                <div class="row">
                    <Field label="preStop sleep (s)" path=at(id, "/timing/pre_stop_seconds") kind=K::Seconds />
                    <Field label="App shutdown (s)" path=at(id, "/timing/app_shutdown_seconds") kind=K::Seconds />
                    <Field label="Grace period (s)" path=at(id, "/timing/grace_period_seconds") kind=K::Seconds />
                </div>
                <PreStopNote id />
                <div class="row">
                    <Field label="Worst start-up (s)" path=at(id, "/timing/startup_seconds") kind=K::Seconds hint="0 = unknown" />
                    <Field label="minReadySeconds" path=at(id, "/timing/min_ready_seconds") kind=K::Seconds />
                    {move || progress.get().then(|| view! {
                        <Field label="Progress deadline (s)" path=at(id, "/timing/progress_deadline_seconds") kind=K::Seconds />
                    })}
                </div>
                // The timeline under the canvas shows the selection's: here only while
                // that panel is folded or shows disruption, so it is never drawn twice.
                {move || {
                    let below = panes.bottom_open() && app.bottom.get() == Bottom::Timeline;
                    (!below).then(|| view! { <crate::panels::Timeline id /> })
                }}
            })}
            {section("Resources", view! {
                <div class="row">
                    <Field label="CPU request" path=at(id, "/resources/cpu_request") kind=K::Quantity placeholder="250m" />
                    <Field label="CPU limit" path=at(id, "/resources/cpu_limit") kind=K::Quantity />
                </div>
                <div class="row">
                    <Field label="Memory request" path=at(id, "/resources/memory_request") kind=K::Quantity placeholder="256Mi" />
                    <Field label="Memory limit" path=at(id, "/resources/memory_limit") kind=K::Quantity />
                </div>
                <p class="note" data-testid="qos">"QoS class here: " {move || qos.get()}</p>
            })}
            {move || scaling.get().then(|| section("Scaling", view! {
                {move || replicas.get().then(|| view! {
                    <Field label="Replicas (without HPA)" path=at(id, "/scaling/replicas") kind=K::Count />
                })}
                {move || hpa.get().then(|| view! {
                <Optional label="Horizontal Pod Autoscaler" path=at(id, "/scaling/hpa") default=to_json(presets::hpa())>
                    <div class="row">
                        <Field label="Min" path=at(id, "/scaling/hpa/min") kind=K::Count />
                        <Field label="Max" path=at(id, "/scaling/hpa/max") kind=K::Count />
                        <Field label="CPU %" path=at(id, "/scaling/hpa/cpu_percent") kind=K::OptionalCount />
                        <Field label="Memory %" path=at(id, "/scaling/hpa/memory_percent") kind=K::OptionalCount />
                    </div>
                    <Check label="Also write replicas (as imported; every apply resets the scale)" path=at(id, "/scaling/replicas_with_hpa") />
                </Optional>
                })}
                {move || pdb.get().then(|| view! {
                    <Choice label="PodDisruptionBudget" path=at(id, "/scaling/pdb") options=choices(presets::pdbs()) />
                    <PdbAmount path=at(id, "/scaling/pdb") />
                })}
                {move || rollout.get().then(|| view! {
                <div class="row">
                    <Field label="Rollout maxSurge" path=at(id, "/scaling/max_surge") kind=K::Amount />
                    <Field label="Rollout maxUnavailable" path=at(id, "/scaling/max_unavailable") kind=K::Amount />
                </div>
                })}
                {move || spread.get().then(|| view! {
                    <Choice label="Spread" path=at(id, "/scaling/spread") options=choices(presets::spreads()) />
                })}
            }))}
            {move || delivery.get().then(|| section("Delivery", per_service(id, |id| view! { <crate::delivery::DeliverySection id /> })))}
            {section("Environment override", view! { <OverrideFields id /> })}
            {section("Config and secrets", view! {
                {list("variable", at(id, "/config/env"), |n| to_json(presets::env_var(n)), move |i| view! {
                    <EnvVariable id base=format!("/config/env/{i}") />
                })}
                <EnvFromList id />
            })}
            {section("Storage", list("volume", at(id, "/storage"), |n| to_json(presets::volume(n)), move |i| view! {
                <div class="row">
                    <Field label="Name" path=at(id, &format!("/storage/{i}/name")) kind=K::Text />
                    <Field label="Mount path" path=at(id, &format!("/storage/{i}/mount_path")) kind=K::Text />
                </div>
                <div class="row">
                    <Field label="Size" path=at(id, &format!("/storage/{i}/size")) kind=K::Quantity />
                    <Field label="StorageClass" path=at(id, &format!("/storage/{i}/storage_class")) kind=K::OptionalText placeholder="(the cluster's default)" />
                </div>
            }))}
            {section("Containers", per_service(id, |id| view! { <crate::pod::ContainersSection id /> }))}
            {section("Volumes", per_service(id, |id| view! { <crate::pod::VolumesSection id /> }))}
            {section("Security", view! {
                <Check label="runAsNonRoot (the pod's)" path=at(id, "/security/run_as_non_root") />
                <div class="row">
                    <Field label="runAsUser" path=at(id, "/security/run_as_user") kind=K::OptionalCount />
                    <Field label="runAsGroup" path=at(id, "/security/run_as_group") kind=K::OptionalCount />
                    <Field label="fsGroup" path=at(id, "/security/fs_group") kind=K::OptionalCount />
                </div>
                // The container's own, which win over the pod's (an import keeps where
                // the input set them).
                <div class="row">
                    <Choice label="Container's runAsNonRoot" path=at(id, "/security/container_run_as_non_root") options=choices(crate::pod::RUN_AS_NON_ROOT) />
                    <Field label="Container's runAsUser" path=at(id, "/security/container_run_as_user") kind=K::OptionalCount placeholder="(pod's)" hint="wins over the pod's" />
                </div>
                <Check label="Read-only root filesystem" path=at(id, "/security/read_only_root_fs") />
                <Check label="No privilege escalation" path=at(id, "/security/no_privilege_escalation") />
                <Check label="Drop all capabilities" path=at(id, "/security/drop_all_capabilities") />
                <Check label="seccomp RuntimeDefault" path=at(id, "/security/seccomp_runtime_default") />
                <Check label="Dedicated ServiceAccount" path=at(id, "/security/dedicated_service_account") />
                <Choice label="Mount SA token" path=at(id, "/security/automount_token") options=choices(presets::AUTOMOUNT_TOKEN) />
            })}
            {section("Metrics", view! {
                <Optional label="Prometheus scrape endpoint" path=at(id, "/metrics") fresh=Callback::new(move |()| preset(id.get_untracked(), presets::metrics))>
                    <div class="row">
                        <Field label="Port" path=at(id, "/metrics/port") kind=K::PortRef />
                        <Field label="Path" path=at(id, "/metrics/path") kind=K::Text />
                    </div>
                </Optional>
            })}
            {section("Port pools", list("pool", at(id, "/port_pools"), |_| to_json(presets::port_pool()), move |i| view! {
                <div class="row">
                    <Field label="Start" path=at(id, &format!("/port_pools/{i}/start")) kind=K::Port />
                    <Field label="End" path=at(id, &format!("/port_pools/{i}/end")) kind=K::Port />
                    <Field label="Start var" path=at(id, &format!("/port_pools/{i}/start_env")) kind=K::Text />
                    <Field label="End var" path=at(id, &format!("/port_pools/{i}/end_env")) kind=K::Text />
                </div>
            }))}
            {section("Dependencies", per_service(id, |id| view! { <Dependencies id /> }))}
            {section("Outside the cluster", view! {
                <p class="hint">"Where the pods connect outside the cluster. Under default-deny only these get out: a NetworkPolicy names addresses, not hosts (0.0.0.0/0 is anywhere), so the host is written beside them as a note."</p>
                {list("destination", at(id, "/egress"), |_| to_json(presets::external_egress()), move |i| view! {
                    <div class="row destination">
                        <Field label="Host (a note)" path=at(id, &format!("/egress/{i}/to")) kind=K::Text placeholder="api.example.com" />
                        <Field label="IP block" path=at(id, &format!("/egress/{i}/cidr")) kind=K::Cidr />
                        <Field label="Port" path=at(id, &format!("/egress/{i}/port")) kind=K::Port />
                        <Field label="Except" path=at(id, &format!("/egress/{i}/except")) kind=K::Words placeholder="(none)" hint="blocks inside it left out" />
                    </div>
                })}
            })}
            {section("Local run (compose)", view! {
                <p class="hint">"Only the Compose export reads this: the Kubernetes manifests stay as they are. Ports are published on 127.0.0.1; unticked, each Service port's container port is, at its own number."</p>
                <Optional label="Publish only these ports on the host" path=at(id, "/local/published") fresh=Callback::new(move |()| preset(id.get_untracked(), presets::published))>
                    {list("published port", at(id, "/local/published"), move |_| preset(id.get_untracked(), presets::host_port), move |i| view! {
                        <div class="row">
                            <Field label="Container port" path=at(id, &format!("/local/published/{i}/port")) kind=K::PortRef hint="name or number" />
                            <Field label="Host port" path=at(id, &format!("/local/published/{i}/host")) kind=K::OptionalPort placeholder="(Docker picks one)" hint="a taken one moves up" />
                        </div>
                    })}
                </Optional>
                <Field label="Profiles" path=at(id, "/local/profiles") kind=K::Words placeholder="(always started)" hint="started only with docker compose --profile <name>" />
            })}
            <KeptFromImport id />
        </div>
        <span class="sr-only">{move || name.get()}</span>
    }
}

/// How many of what an import kept are listed; the rest are counted.
const KEPT_LISTED: usize = 40;

/// What the import kept of the service's objects as the input wrote it: what the
/// design has no field for (a variable read by `fieldRef`, an annotation, a probe's
/// headers) and what it would write otherwise (a default written out): listed to read,
/// since it is exported as it came unless a field of the design changes its place.
/// Only for a service that has any.
#[component]
fn KeptFromImport(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let kept = Memo::new(move |_| {
        let id = id.get();
        app.editor.with(|e| {
            let design = (e.design.service(id).into_iter())
                .flat_map(|s| &s.residual)
                .map(|(role, r)| (role.title().to_string(), r));
            // (And what each environment's input had of its own.)
            let own = (e.design.environments.iter()).flat_map(|env| {
                (env.own_residuals.all_of_service(id))
                    .map(|(role, r)| (format!("{} in {}", role.title(), env.name), r))
            });
            design
                .chain(own)
                .flat_map(|(label, r)| {
                    r.described()
                        .into_iter()
                        .map(move |(path, what)| (label.clone(), path, what))
                })
                .collect::<Vec<_>>()
        })
    });
    move || {
        let kept = kept.get();
        // What the input left out (replicas an HPA sets, a strategy) the export leaves
        // out too: counted, not listed.
        let (values, left_out): (Vec<_>, Vec<_>) =
            kept.into_iter().partition(|(_, _, what)| what.is_some());
        (!values.is_empty() || !left_out.is_empty()).then(|| {
            let more = values.len().saturating_sub(KEPT_LISTED);
            let rows = values.into_iter().take(KEPT_LISTED).map(|(role, path, what)| {
                view! { <li><span class="hint">{role}</span>" "<code>{path}</code>": "<code>{what.unwrap_or_default()}</code></li> }
            });
            let left_out = left_out.len();
            section("Kept from the import", view! {
                <details data-testid="kept-from-import">
                    <summary>"Exported as the input wrote it, where the design would write it otherwise or not at all"</summary>
                    <ul class="kept-list">{rows.collect_view()}</ul>
                    {(more > 0).then(|| view! { <p class="note">{format!("and {more} more")}</p> })}
                    {(left_out > 0).then(|| view! {
                        <p class="note">{format!("and {} the design would write, left out as the input left them out", kubeprint_core::words::counted(left_out, "field"))}</p>
                    })}
                </details>
            })
        })
    }
}

/// Whether service `id` has `test` true, as a memo that notifies only when that changes.
fn shown(
    id: Signal<ServiceId>,
    test: impl Fn(&Service) -> bool + Send + Sync + 'static,
) -> Memo<bool> {
    let app = use_app();
    Memo::new(move |_| {
        let id = id.get();
        app.editor.with(|e| e.design.service(id).is_some_and(&test))
    })
}

pub(crate) fn probe_label(kind: &str) -> &'static str {
    match kind {
        "startup" => "Startup probe",
        "liveness" => "Liveness probe",
        _ => "Readiness probe",
    }
}

/// `value` as the JSON an edit sets.
pub(crate) fn to_json(value: impl Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// A core preset made for service `id` (its ports decide what it references), as JSON.
fn preset<T: Serialize>(id: ServiceId, make: impl FnOnce(&Service) -> T) -> Value {
    use_app()
        .editor
        .with(|e| e.design.service(id).map(make))
        .map_or(Value::Null, to_json)
}

/// A core list of labelled choices as a `Choice`'s options.
pub(crate) fn choices<T: Serialize>(
    list: impl IntoIterator<Item = (&'static str, T)>,
) -> Vec<(&'static str, Value)> {
    list.into_iter()
        .map(|(label, v)| (label, to_json(v)))
        .collect()
}

/// The checks a probe of service `id` can make, aimed at its ports as they are now (a
/// port renumbered after the service was selected is the one a gRPC check gets). A
/// memo: an edit that leaves the checks as they were does not draw the menu again.
fn probe_actions(id: Signal<ServiceId>) -> Memo<Vec<(&'static str, Value)>> {
    let app = use_app();
    Memo::new(move |_| {
        let id = id.get();
        app.editor
            .with(|e| e.design.service(id).map(presets::probe_actions))
            .map(choices)
            .unwrap_or_default()
    })
}

/// The fields of the probe at `base` (the main container's `/probes/<kind>`, or an extra
/// container's `/containers/N/probes/<kind>`), whose check is one of `actions`.
#[component]
pub(crate) fn ProbeFields(
    #[prop(into)] id: Signal<ServiceId>,
    base: String,
    #[prop(into)] actions: Signal<Vec<(&'static str, Value)>>,
) -> impl IntoView {
    let app = use_app();
    let action_type = {
        let path = at(id, &format!("{base}/action/type"));
        Memo::new(move |_| {
            path.with(|path| app.editor.with(|e| e.design.field(path)))
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
    };
    let b = base.clone();
    let check = at(id, &format!("{base}/action"));
    view! {
        // Its options are the service's: drawn again for another one.
        {move || view! { <Choice label="Check" path=check options=actions.get() /> }}
        {move || {
            let b = b.clone();
            match action_type.get().as_str() {
                "http" => view! {
                    <div class="row">
                        <Field label="Path" path=at(id, &format!("{b}/action/path")) kind=K::Text />
                        <Field label="Port" path=at(id, &format!("{b}/action/port")) kind=K::PortRef />
                    </div>
                }.into_any(),
                "grpc" => view! { <Field label="Port" path=at(id, &format!("{b}/action/port")) kind=K::Port /> }.into_any(),
                "tcp" => view! { <Field label="Port" path=at(id, &format!("{b}/action/port")) kind=K::PortRef /> }.into_any(),
                _ => view! { <Field label="Command" path=at(id, &format!("{b}/action/command")) kind=K::Words /> }.into_any(),
            }
        }}
        <div class="row">
            <Field label="Initial delay" path=at(id, &format!("{base}/initial_delay_seconds")) kind=K::Seconds />
            <Field label="Period" path=at(id, &format!("{base}/period_seconds")) kind=K::Seconds />
            <Field label="Timeout" path=at(id, &format!("{base}/timeout_seconds")) kind=K::Seconds />
        </div>
        <div class="row">
            <Field label="Failures" path=at(id, &format!("{base}/failure_threshold")) kind=K::Count />
            <Field label="Successes" path=at(id, &format!("{base}/success_threshold")) kind=K::Count />
        </div>
    }
}

/// The amount of the budget at `path` (the service's, or an environment's own), by its
/// kind: minAvailable or maxUnavailable.
#[component]
fn PdbAmount(#[prop(into)] path: Signal<FieldPath>) -> impl IntoView {
    let app = use_app();
    let variant = Memo::new(move |_| {
        path.with(|path| {
            app.editor.with(|e| {
                e.design
                    .field(path)
                    .and_then(|v| v.as_object().and_then(|o| o.keys().next().cloned()))
            })
        })
    });
    move || {
        variant.get().map(|key| {
            let label = if key == "min_available" {
                "PDB minAvailable"
            } else {
                "PDB maxUnavailable"
            };
            let amount = Signal::derive(move || {
                let mut at = path.get();
                at.pointer = format!("{}/{key}", at.pointer);
                at
            });
            view! { <Field label=label path=amount kind=K::Amount /> }
        })
    }
}

/// One variable at `base` (`.../env/K`, of the main container or of an extra one): its
/// name and where its value comes from, then the value: the literal, or the ConfigMap
/// or Secret key it comes from (each variant has its own fields).
#[component]
pub(crate) fn EnvVariable(#[prop(into)] id: Signal<ServiceId>, base: String) -> impl IntoView {
    let value = format!("{base}/value");
    view! {
        <div class="row">
            <Field label="Name" path=at(id, &format!("{base}/name")) kind=K::Text />
            <EnvSource id base=value.clone() />
        </div>
        <div class="row"><EnvValue id base=value /></div>
    }
}

/// Where the value of the variable at `base` (`.../value`) comes from: a literal, or a
/// key of one of the design's ConfigMaps or Secrets (the first of each, its first key,
/// to start from).
#[component]
fn EnvSource(#[prop(into)] id: Signal<ServiceId>, base: String) -> impl IntoView {
    let app = use_app();
    // The first ConfigMap and Secret as they are now (drawn anew only when those
    // change, not on every edit).
    let first = Memo::new(move |_| {
        app.editor.with(|e| {
            let cm = e.design.config_maps.first();
            let secret = e.design.secrets.first();
            let cm = cm.map(|c| (c.name.clone(), c.data.keys().next().cloned()));
            let secret = secret.map(|s| (s.name.clone(), s.keys.first().cloned()));
            (cm, secret)
        })
    });
    let key_of = |of: Option<(String, Option<String>)>| {
        let (name, key) = of.unwrap_or_default();
        serde_json::json!({"name": name, "key": key.unwrap_or_default()})
    };
    move || {
        let (cm, secret) = first.get();
        let from = vec![
            ("value", serde_json::json!({"literal": ""})),
            (
                "ConfigMap key",
                serde_json::json!({"config_map_key": key_of(cm)}),
            ),
            (
                "Secret key",
                serde_json::json!({"secret_key": key_of(secret)}),
            ),
        ];
        view! { <Choice label="From" path=at(id, &base) options=from /> }
    }
}

/// The value of the variable at `base` (`.../value`) as its variant has it.
#[component]
fn EnvValue(#[prop(into)] id: Signal<ServiceId>, base: String) -> impl IntoView {
    let app = use_app();
    let variant = {
        let base = base.clone();
        Memo::new(move |_| {
            let path = p(id.get(), &base);
            app.editor.with(|e| {
                e.design
                    .get(&path)
                    .and_then(|v| v.as_object().and_then(|o| o.keys().next().cloned()))
            })
        })
    };
    move || {
        let base = base.clone();
        variant.get().map(|key| match key.as_str() {
            "literal" => view! { <Field label="Value" path=at(id, &format!("{base}/literal")) kind=K::Text /> }.into_any(),
            _ => {
                let source = if key == "secret_key" { "Secret" } else { "ConfigMap" };
                view! {
                    <Field label=source path=at(id, &format!("{base}/{key}/name")) kind=K::Text />
                    <Field label="Key" path=at(id, &format!("{base}/{key}/key")) kind=K::Text />
                }
                .into_any()
            }
        })
    }
}

/// The certificate Secret of the service's Ingress while it terminates TLS: one that
/// exists already, by name, or (left empty) the one cert-manager issues.
#[component]
fn TlsSecret(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let issued = Memo::new(move |_| {
        app.editor.with(|e| {
            let s = e.design.service(id.get())?;
            s.exposure.ingress.as_ref().filter(|r| r.tls)?;
            Some(kubeprint_core::naming::tls_secret(&s.name))
        })
    });
    move || {
        issued.get().map(|name| {
            view! {
                <Field label="TLS Secret" path=at(id, "/exposure/ingress/tls_secret") kind=K::OptionalText placeholder=format!("(cert-manager issues {name})") hint="one that exists already" />
            }
        })
    }
}

/// Which of an environment's switches and ranges the inspector offers: those of what
/// the service has, and any this environment still sets, to clear.
#[derive(Clone, Copy, PartialEq)]
struct Switches {
    hpa: bool,
    range: bool,
    pdb: bool,
    budget: bool,
    ingress: bool,
}

#[component]
fn OverrideFields(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    // The host of the service's Ingress, if it has one (an environment may set its own),
    // and none where this environment switches the Ingress off, unless it still sets a
    // host (shown, to clear): a memo, so that other edits do not draw these fields anew.
    let routed = Memo::new(move |_| {
        let (id, env) = (id.get(), app.env.get());
        app.editor.with(|e| {
            let s = e.design.service(id)?;
            let o = (e.design.environment(&env)).and_then(|env| env.overrides.get(&id));
            let off = o.is_some_and(|o| o.ingress == Some(false) && o.ingress_host.is_none());
            s.exposure
                .ingress
                .as_ref()
                .filter(|_| !off)
                .map(|r| r.host.clone())
        })
    });
    // Its volume claims (name, size, class): each may have a size and class of its own
    // here.
    let claims = Memo::new(move |_| {
        let id = id.get();
        app.editor.with(|e| {
            (e.design.service(id).into_iter())
                .flat_map(|s| &s.storage)
                .map(|c| (c.name.clone(), c.size.clone(), c.storage_class.clone()))
                .collect::<Vec<_>>()
        })
    });
    // What an empty field keeps: the service's own values, shown in each field (and
    // no HPA range where this environment switches the HPA off).
    let own = Memo::new(move |_| {
        let id = id.get();
        let env = app.env.get();
        app.editor.with(|e| {
            let s = e.design.service(id)?;
            let off = (e.design.environment(&env))
                .and_then(|env| env.overrides.get(&id))
                .is_some_and(|o| o.hpa == Some(false));
            let hpa = s.scaling.hpa.as_ref().filter(|_| !off);
            let r = &s.resources;
            // (Short: the fields are narrow.)
            let shown = |v: Option<String>| match v.filter(|v| !v.is_empty()) {
                Some(v) => format!("({v})"),
                None => "(none)".to_string(),
            };
            let range = |bound: Option<u32>| match off {
                true => "(off)".to_string(),
                false => shown(bound.map(|b| b.to_string())),
            };
            Some([
                match hpa {
                    Some(_) => "(HPA)".to_string(),
                    None => shown(Some(s.scaling.replicas.to_string())),
                },
                range(hpa.map(|h| h.min)),
                range(hpa.map(|h| h.max)),
                shown(Some(s.tag.clone())),
                shown(r.cpu_request.clone()),
                shown(r.cpu_limit.clone()),
                shown(r.memory_request.clone()),
                shown(r.memory_limit.clone()),
            ])
        })
    });
    // Which HPA, PDB and Ingress fields the environment gets: "HPA here" where the
    // service has an HPA or this environment still switches one off (shown, so that it
    // can be cleared before an HPA comes back); the range where the service has an HPA
    // or this environment still sets one; "PDB here" and "Ingress here" likewise.
    let switch_fields = Memo::new(move |_| {
        let (id, env) = (id.get(), app.env.get());
        app.editor.with(|e| {
            let s = e.design.service(id);
            let scaled = s.is_some_and(|s| s.scaling.hpa.is_some());
            let budget = s.is_some_and(|s| s.scaling.pdb.is_some());
            let public = s.is_some_and(|s| s.exposure.ingress.is_some());
            let o = (e.design.environment(&env)).and_then(|env| env.overrides.get(&id));
            let switched = o.is_some_and(|o| o.hpa.is_some());
            let ranged = o.is_some_and(|o| o.hpa_min.is_some() || o.hpa_max.is_some());
            let pdb_switched = o.is_some_and(|o| o.pdb.is_some());
            let pdb_off = o.is_some_and(|o| o.pdb == Some(false));
            let own_budget = o.is_some_and(|o| o.pdb_budget.is_some());
            let ingress_switched = o.is_some_and(|o| o.ingress.is_some());
            Switches {
                hpa: scaled || switched,
                range: scaled || ranged,
                pdb: budget || pdb_switched,
                // (No budget where the PDB is off here, unless one is set, to clear.)
                budget: (budget && !pdb_off) || own_budget,
                ingress: public || ingress_switched,
            }
        })
    });
    let service = id;
    move || {
        let env = app.env.get();
        let id = id.get();
        let o = |field: &str| FieldPath::environment(&env, &format!("/overrides/{}/{field}", id.0));
        let routed = routed.get();
        let claims = claims.get();
        let shown = switch_fields.get();
        let [replicas, hpa_min, hpa_max, tag, cpu_request, cpu_limit, memory_request, memory_limit] =
            own.get().unwrap_or_default();
        view! {
            <p class="note">"Values for " <b>{env.clone()}</b> " only; empty keeps the service's own, shown in grey."</p>
            <div class="row">
                // (One line, as its neighbours' labels: the placeholder says "(HPA)"
                // where an HPA scales it here.)
                <Field label="Replicas" title="Replicas here, where no HPA scales the service" path=o("replicas") kind=K::OptionalCount placeholder=replicas />
                // A range only for an HPA (or one this environment set before the HPA went,
                // to clear).
                {shown.range.then(|| view! {
                    <Field label="HPA min" path=o("hpa_min") kind=K::OptionalCount placeholder=hpa_min.clone() />
                    <Field label="HPA max" path=o("hpa_max") kind=K::OptionalCount placeholder=hpa_max.clone() />
                })}
                <Field label="Image tag" path=o("image_tag") kind=K::OptionalTag placeholder=tag />
            </div>
            {shown.hpa.then(|| view! {
                <Choice label="HPA here" path=o("hpa") options=vec![("The service's", Value::Null), ("Off: run the replicas", json!(false))] />
            })}
            {shown.pdb.then(|| view! {
                <Choice label="PDB here" path=o("pdb") options=vec![("The service's", Value::Null), ("Off: no budget", json!(false))] />
            })}
            {shown.budget.then(|| view! {
                <div class="row">
                    <Choice label="Budget here" path=o("pdb_budget") options=vec![
                        ("The service's", Value::Null),
                        ("minAvailable", json!({"min_available": 1})),
                        ("maxUnavailable", json!({"max_unavailable": 1})),
                    ] />
                    <PdbAmount path=o("pdb_budget") />
                </div>
            })}
            {shown.ingress.then(|| view! {
                <Choice label="Ingress here" path=o("ingress") options=vec![("The service's", Value::Null), ("Off: not public here", json!(false))] />
            })}
            <div class="row">
                <Field label="CPU request" path=o("resources/cpu_request") kind=K::Quantity placeholder=cpu_request />
                <Field label="CPU limit" path=o("resources/cpu_limit") kind=K::Quantity placeholder=cpu_limit />
            </div>
            <div class="row">
                <Field label="Memory request" path=o("resources/memory_request") kind=K::Quantity placeholder=memory_request />
                <Field label="Memory limit" path=o("resources/memory_limit") kind=K::Quantity placeholder=memory_limit />
            </div>
            {routed.map(|host| view! {
                <Field label="Ingress host" path=o("ingress_host") kind=K::OptionalHost placeholder=format!("(the service's: {host})") />
            })}
            {(!claims.is_empty()).then(|| view! {
                {claims.into_iter().map(|(claim, size, class)| {
                    let token = kubeprint_core::edit::pointer_token(&claim);
                    let class = class.filter(|c| !c.is_empty()).unwrap_or_else(|| "the cluster's default".into());
                    view! {
                        <div class="row">
                            <Field label=format!("Volume {claim} size") path=o(&format!("storage/{token}")) kind=K::Quantity placeholder=format!("(the service's: {size})") />
                            <Field label=format!("Volume {claim} StorageClass") path=o(&format!("storage_class/{token}")) kind=K::OptionalText placeholder=format!("(the service's: {class})") />
                        </div>
                    }
                }).collect_view()}
            })}
            <VarsHere id=service />
            <Choice label="Deployed here" path=o("enabled") options=vec![("Environment default", Value::Null), ("Yes", json!(true)), ("No", json!(false))] />
            <Choice label="Strategy here" path=o("strategy") options=choices(presets::STRATEGY_OVERRIDES) />
        }
    }
}

/// One variable of the main container in the open environment: what the service gives
/// it (`None` for one only this environment sets), and whether it is left out here. One
/// this environment sets that the service does not list may still have a value from a
/// ConfigMap or Secret the container reads whole, which it wins over (`whole`).
#[derive(Clone, PartialEq)]
struct VarRow {
    name: String,
    service: Option<String>,
    unset: bool,
    whole: ReadWhole,
    /// What it reads here in place of a value: `secret_key` or `config_map_key`.
    read: Option<&'static str>,
    /// Whether this environment sets it (a value, a key, or not at all).
    here: bool,
}

/// What a variable only an environment lists is, among what the container reads whole.
#[derive(Clone, PartialEq)]
enum ReadWhole {
    /// Not a key of any of them: the environment's only.
    No,
    /// A key of this ConfigMap (the last listed that has it).
    ConfigMap(String),
    /// Perhaps a key of a Secret read whole, whose keys Kubeprint does not know.
    Unknown,
}

/// The main container's variables in the open environment: each of the service's may
/// have a value of its own here or not be set here, and variables only this environment
/// sets are added by name.
#[component]
fn VarsHere(id: Signal<ServiceId>) -> impl IntoView {
    use kubeprint_core::VarHere;
    let app = use_app();
    let service_name = Memo::new(move |_| {
        let id = id.get();
        app.editor
            .with(|e| (e.design.service(id)).map_or_else(String::new, |s| s.name.clone()))
    });
    // (What each row is, not its value here: typing a value does not draw the rows anew.)
    let rows = Memo::new(move |_| {
        let (id, env) = (id.get(), app.env.get());
        app.editor.with(|e| {
            let Some(s) = e.design.service(id) else {
                return Vec::new();
            };
            let here = (e.design.environment(&env))
                .and_then(|env| env.overrides.get(&id))
                .map(|o| &o.env);
            let unset = |name: &str| here.and_then(|h| h.get(name)) == Some(&VarHere::Unset);
            let read = |name: &str| match here.and_then(|h| h.get(name)) {
                Some(VarHere::Read(from)) => Some(from.tag()),
                _ => None,
            };
            let mut rows: Vec<VarRow> = (s.config.env.iter())
                .map(|v| VarRow {
                    name: v.name.clone(),
                    service: Some(v.value.describe()),
                    unset: unset(&v.name),
                    whole: ReadWhole::No,
                    read: read(&v.name),
                    here: here.is_some_and(|h| h.contains_key(&v.name)),
                })
                .collect();
            // What read whole gives a name its value, as Kubernetes decides it (the
            // last source listed that has it).
            let read_whole = |name: &str| {
                let Some(env) = e.design.environment(&env) else {
                    return ReadWhole::No;
                };
                for from in s.config.env_from.iter().rev() {
                    match from {
                        kubeprint_core::EnvFrom::ConfigMap(cm) => {
                            let has = (e.design.config_map(cm))
                                .is_some_and(|c| env.config_data(c).contains_key(name));
                            if has {
                                return ReadWhole::ConfigMap(cm.clone());
                            }
                        }
                        kubeprint_core::EnvFrom::Secret(_) => return ReadWhole::Unknown,
                    }
                }
                ReadWhole::No
            };
            for name in here.into_iter().flat_map(|h| h.keys()) {
                if !rows.iter().any(|r| r.name == *name) {
                    rows.push(VarRow {
                        name: name.clone(),
                        service: None,
                        unset: false,
                        whole: read_whole(name),
                        read: read(name),
                        here: true,
                    });
                }
            }
            rows
        })
    });
    let path = move |name: &str| {
        let token = kubeprint_core::edit::pointer_token(name);
        FieldPath::environment(
            &app.env.get_untracked(),
            &format!("/overrides/{}/env/{token}", id.get_untracked().0),
        )
    };
    let add = move |name: String| {
        kubeprint_core::names::c_identifier(&name).map_err(|m| format!("`{name}` {m}"))?;
        if rows.with_untracked(|rows| rows.iter().any(|r| r.name == name)) {
            return Err(format!("`{name}` is listed above: give it a value there"));
        }
        let kept = app.editor.with_untracked(|e| {
            (e.design.service(id.get_untracked())).is_some_and(|s| s.keeps_variable(&name))
        });
        if kept {
            return Err(format!(
                "`{name}` is kept as imported (read from a field of the pod, say): it has no value of its own here"
            ));
        }
        let at = path(&name);
        app.dispatch(Edit::Set {
            path: at.clone(),
            value: Value::from(""),
        });
        Ok(format!("[id=\"{at}\"]"))
    };
    move || {
        let rows = rows.get();
        let env = app.env.get();
        let service_name = service_name.get();
        view! {
            <div class="vars-here">
                <span class="label">"Variables here"</span>
                {rows.into_iter().map(|row| {
                    let at = path(&row.name);
                    let source = (!row.unset).then(|| {
                        let literal = match row.service {
                            Some(_) => Value::Null,
                            None => json!(""),
                        };
                        let (service, var) = (service_name.clone(), row.name.clone());
                        // (A service's variable this environment leaves as it is: the
                        // service's, a value or a key.)
                        let own = match (&row.service, row.here) {
                            (Some(_), false) => "service's",
                            _ => "value",
                        };
                        view! { <VarHereSource at=at.clone() service var read=row.read literal own /> }
                    });
                    let value = match (row.unset, &row.service) {
                        (true, _) => view! {
                            <span class="field">
                                <span class="label">{row.name.clone()}</span>
                                <span class="unset-here">"not set in " {env.clone()}</span>
                            </span>
                        }.into_any(),
                        (false, _) if row.read.is_some() => {
                            let key = row.read.unwrap_or_default();
                            let holder = if key == "secret_key" { "Secret" } else { "ConfigMap" };
                            let field = |f: &str| {
                                let mut p = at.clone();
                                p.pointer = format!("{}/{key}/{f}", p.pointer);
                                p
                            };
                            view! {
                                <div class="var-key">
                                    <Field label=format!("{}: {holder}", row.name) path=field("name") kind=K::Text />
                                    <Field label="Key" path=field("key") kind=K::Text />
                                </div>
                            }.into_any()
                        }
                        (false, Some(own)) => {
                            let own = if own.is_empty() { "empty".to_string() } else { own.clone() };
                            view! {
                                <Field label=row.name.clone() path=at.clone() kind=K::OptionalText placeholder=format!("(the service's: {own})") />
                            }.into_any()
                        }
                        (false, None) => {
                            let label = match &row.whole {
                                ReadWhole::ConfigMap(cm) => format!("{} (here, over ConfigMap {cm}'s)", row.name),
                                ReadWhole::Unknown => format!("{} (here)", row.name),
                                ReadWhole::No => format!("{} (only here)", row.name),
                            };
                            view! { <Field label path=at.clone() kind=K::Text /> }.into_any()
                        }
                    };
                    // A variable of the service may be left out here; one only this
                    // environment sets is removed.
                    let toggle = match row.service {
                        Some(_) => {
                            let at = at.clone();
                            view! {
                                <label class="check">
                                    <input type="checkbox" data-testid=format!("{at}#unset") prop:checked=row.unset on:change=move |ev| {
                                        let value = if event_target_checked(&ev) { json!(false) } else { Value::Null };
                                        app.dispatch(Edit::Set { path: at.clone(), value });
                                    } />
                                    <span>"Not set here"</span>
                                </label>
                            }.into_any()
                        }
                        None => {
                            let (at, name) = (at.clone(), row.name.clone());
                            view! {
                                <button type="button" class="remove" title=format!("Remove {name} from this environment") on:click=move |_| {
                                    app.dispatch(Edit::Set { path: at.clone(), value: Value::Null });
                                }>"Remove"</button>
                            }.into_any()
                        }
                    };
                    view! { <div class="row var-here">{value}{source}{toggle}</div> }
                }).collect_view()}
                <crate::config::AddByName label="Add a variable here" testid="new-var-here".to_string() placeholder="e.g. SENTRY_DSN, then Enter" add=Callback::new(add) />
            </div>
        }
    }
}

/// Where variable `var` of service `service` gets its value in the open environment (at
/// `at`): a value (`literal`: what choosing it sets, `null` for the service's own; `own`
/// says which), or a key of a ConfigMap or Secret ([`kubeprint_core::edit::read_key`]
/// chooses which).
#[component]
fn VarHereSource(
    at: FieldPath,
    service: String,
    var: String,
    read: Option<&'static str>,
    literal: Value,
    own: &'static str,
) -> impl IntoView {
    let app = use_app();
    let id = format!("{at}#from");
    let selected = match read {
        Some("config_map_key") => "1",
        Some(_) => "2",
        None => "0",
    };
    view! {
        <label class="field from">
            <span class="label">"From"</span>
            <select id=id.clone() data-testid=id prop:value=selected on:change=move |ev| {
                let secret = match event_target_value(&ev).as_str() {
                    "1" => false,
                    "2" => true,
                    _ => {
                        app.dispatch(Edit::Set { path: at.clone(), value: literal.clone() });
                        return;
                    }
                };
                let edit = app.editor.with_untracked(|e| {
                    kubeprint_core::edit::read_key(&e.design, &service, &var, secret, at.clone())
                });
                // A Secret made or given the key is said: nothing else shows it here.
                let before = app.editor.with_untracked(|e| e.design.clone());
                app.dispatch(edit);
                let note = app.editor.with_untracked(|e| e.design.made_said(&before));
                if note.is_some() {
                    app.status.set(note);
                }
            }>
                <option value="0" selected=selected == "0">{own}</option>
                <option value="1" selected=selected == "1">"ConfigMap"</option>
                <option value="2" selected=selected == "2">"Secret"</option>
            </select>
        </label>
    }
}

#[component]
fn EnvFromList(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let sources = Memo::new(move |_| {
        app.editor.with(|e| {
            let d = &e.design;
            let mut out: Vec<(String, Value)> = d
                .config_maps
                .iter()
                .map(|c| {
                    (
                        format!("ConfigMap {}", c.name),
                        json!({"config_map": c.name}),
                    )
                })
                .collect();
            out.extend(d.secrets.iter().map(|s| {
                (
                    format!("Secret {} (keys: {})", s.name, s.keys.join(", ")),
                    json!({"secret": s.name}),
                )
            }));
            out
        })
    });
    let current = Memo::new(move |_| {
        let id = id.get();
        app.editor
            .with(|e| e.design.service(id).map(|s| s.config.env_from.clone()))
            .unwrap_or_default()
    });
    view! {
        <h4>"Imported with envFrom"</h4>
        <ul class="refs">
            {move || current.get().into_iter().enumerate().map(|(i, f)| {
                let text = match &f {
                    kubeprint_core::EnvFrom::ConfigMap(n) => format!("ConfigMap {n}"),
                    kubeprint_core::EnvFrom::Secret(n) => format!("Secret {n}"),
                };
                view! {
                    <li>
                        {text}
                        <button class="remove" aria-label="Remove" on:click=move |_| {
                            let mut list = current.get_untracked();
                            list.remove(i);
                            app.dispatch(Edit::Set { path: p(id.get_untracked(), "/config/env_from"), value: serde_json::to_value(list).unwrap_or_default() });
                        }>"✕"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <select
            data-testid="add-env-from"
            aria-label="Import a ConfigMap or Secret"
            on:change=move |ev| {
                let i: usize = match event_target_value(&ev).parse() { Ok(i) => i, Err(_) => return };
                // Back to "+ import…", so that the same choice can be made again (for
                // another service too: this menu stays while the selection moves).
                event_target::<web_sys::HtmlSelectElement>(&ev).set_value("");
                if let Some((_, v)) = sources.get_untracked().get(i) {
                    let n = current.get_untracked().len();
                    app.dispatch(Edit::Set { path: p(id.get_untracked(), &format!("/config/env_from/{n}")), value: v.clone() });
                }
            }
        >
            <option value="" selected=true>"+ import a ConfigMap or Secret…"</option>
            // (One the service reads already is not offered again.)
            {move || {
                let read: Vec<Value> = current.get().iter().filter_map(|f| serde_json::to_value(f).ok()).collect();
                sources.get().into_iter().enumerate()
                    .filter(|(_, (_, v))| !read.contains(v))
                    .map(|(i, (label, _))| view! { <option value=i.to_string()>{label}</option> })
                    .collect_view()
            }}
        </select>
    }
}

#[component]
fn Dependencies(id: ServiceId) -> impl IntoView {
    let app = use_app();
    let outgoing = Memo::new(move |_| {
        app.editor.with(|e| {
            e.design
                .edges
                .iter()
                .filter(|x| x.from == id)
                .map(|x| {
                    let to = e.design.service(x.to);
                    // The port it calls, in words: a service without one has none.
                    let port = match to.map_or(0, |t| t.callable_ports().len()) {
                        0 => "(it has no Service port)".to_string(),
                        1 if x.port.is_empty() => "on its only port".to_string(),
                        _ if x.port.is_empty() => "(no port named)".to_string(),
                        _ => format!("on port {}", x.port),
                    };
                    (
                        x.clone(),
                        to.map(|s| s.name.clone()).unwrap_or_default(),
                        port,
                    )
                })
                .collect::<Vec<_>>()
        })
    });
    // The service it will call, found by name (a thousand services are no list to
    // scroll): the best matches as one types, Enter takes the first.
    let query = RwSignal::new(String::new());
    let matches = Memo::new(move |_| {
        let q = query.get();
        if q.trim().is_empty() {
            return Vec::new();
        }
        app.editor.with(|e| {
            kubeprint_core::layout::search(&e.design, &q)
                .into_iter()
                .filter(|to| *to != id)
                .take(CALLEE_MATCHES)
                .filter_map(|to| Some((to, e.design.service(to)?.name.clone())))
                .collect::<Vec<_>>()
        })
    });
    // The list shows whole, scrolling the inspector when it runs past its end.
    let results = NodeRef::<leptos::html::Ul>::new();
    Effect::new(move |_| {
        if matches.with(|m| !m.is_empty()) {
            if let Some(list) = results.get_untracked() {
                let options = web_sys::ScrollIntoViewOptions::new();
                options.set_block(web_sys::ScrollLogicalPosition::Nearest);
                list.scroll_into_view_with_scroll_into_view_options(&options);
            }
        }
    });
    let add = move |to: ServiceId| {
        let port = app.editor.with_untracked(|e| {
            e.design
                .service(to)
                .and_then(|s| s.exposure.ports.first().map(|p| p.name.clone()))
                .unwrap_or_default()
        });
        app.dispatch(Edit::AddEdge(Edge { from: id, to, port }));
        query.set(String::new());
    };
    view! {
        <ul class="refs" data-testid="edges">
            {move || outgoing.get().into_iter().map(|(edge, to, port)| {
                let e2 = edge.clone();
                view! {
                    <li>
                        {format!("calls {to} {port}")}
                        <button class="remove" aria-label="Remove dependency" on:click=move |_| app.dispatch(Edit::RemoveEdge(e2.clone()))>"✕"</button>
                    </li>
                }
            }).collect_view()}
        </ul>
        <div class="add-edge">
            <input
                type="search"
                data-testid="add-edge"
                aria-label="Add a dependency: the name of the service this one calls"
                placeholder="+ calls… (a service's name)"
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
                    "Enter" => {
                        ev.prevent_default();
                        if let Some((to, _)) = matches.with_untracked(|m| m.first().cloned()) {
                            add(to);
                        }
                    }
                    "Escape" => query.set(String::new()),
                    _ => {}
                }
            />
            <ul class="search-results" data-testid="add-edge-results" node_ref=results hidden=move || matches.with(Vec::is_empty)>
                <For each=move || matches.get() key=|m| m.0 children=move |(to, name)| view! {
                    <li><button data-testid=format!("calls-{name}") on:click=move |_| add(to)>{name.clone()}</button></li>
                } />
            </ul>
            <p class="note" data-testid="add-edge-none" hidden=move || query.with(|q| q.trim().is_empty()) || !matches.with(Vec::is_empty)>
                "No other service has that name."
            </p>
        </div>
    }
}

/// How many services the dependency search lists.
const CALLEE_MATCHES: usize = 8;

/// What the Service choice means when it says less than it seems: a ClusterIP Service
/// with no port is not created.
#[component]
fn ServiceNote(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let note = Memo::new(move |_| {
        let id = id.get();
        app.editor
            .with(|e| e.design.service(id).and_then(presets::service_note))
    });
    move || {
        note.get()
            .map(|n| view! { <p class="note warn-note" data-testid="service-note">{n}</p> })
    }
}

/// The ways in an Ingress kept whole from the import gives the service here.
#[component]
fn KeptRoutesNote(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let note = Memo::new(move |_| {
        let (id, env) = (id.get(), app.env.get());
        app.editor.with(|e| {
            let s = e.design.service(id)?;
            presets::kept_routes_note(&e.design, e.design.environment(&env)?, s)
        })
    });
    move || {
        note.get()
            .map(|n| view! { <p class="note" data-testid="kept-routes">{n}</p> })
    }
}

/// How the preStop is written when it is not the native sleep the field sets: an imported
/// command that sleeps (its number follows the field, one click makes it the native
/// action), or an imported hook of another kind, which a sleep would replace.
#[component]
fn PreStopNote(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let note = Memo::new(move |_| {
        app.editor.with(|e| {
            let t = &e.design.service(id.get())?.timing;
            let only_sleeps = |c: &[String]| kubeprint_core::model::only_sleeps(c);
            match (&t.pre_stop_sleep_command, &t.pre_stop_hook) {
                (Some(c), _) if t.pre_stop_seconds > 0 || !only_sleeps(c) => Some((
                    Some(only_sleeps(c)),
                    kubeprint_core::model::sleeping(c, t.pre_stop_seconds).join(" "),
                )),
                (_, Some(hook)) if t.pre_stop_seconds == 0 => Some((None, hook.to_string())),
                _ => None,
            }
        })
    });
    let native = move |_| {
        let path = p(id.get_untracked(), "/timing/pre_stop_sleep_command");
        app.dispatch(Edit::Set {
            path,
            value: Value::Null,
        });
    };
    move || {
        note.get().map(|(command, what)| {
            if let Some(only_sleeps) = command {
                view! {
                    <p class="note" data-testid="pre-stop-form">
                        "preStop written as the command " <code>{what}</code>
                        ", as imported: its number follows the sleep. "
                        {if only_sleeps {
                            view! {
                                <button class="inline" data-testid="pre-stop-native" on:click=native>
                                    "Use the native sleep action"
                                </button>
                                " (no shell needed in the image)."
                            }
                            .into_any()
                        } else {
                            "It does more than sleep, so it stays a command.".into_any()
                        }}
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <p class="note" data-testid="pre-stop-form">
                        "preStop hook, as imported: " <code>{what}</code>
                        ". How long it runs is unknown to Kubeprint; a preStop sleep replaces it."
                    </p>
                }
                .into_any()
            }
        })
    }
}

/// When the image is one the catalogue knows: what it needs, and one click to apply its
/// settings (ports, probes, shutdown, user, writable volumes) as one undoable step. Shown
/// while applying them would still change something.
#[component]
fn KnownImageOffer(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let offer = Memo::new(move |_| {
        let id = id.get();
        let env = app.env.get();
        app.editor.with(|e| {
            let s = e.design.service(id)?;
            let known = kubeprint_core::images::of(s)?;
            // The environment shown may run a tag whose build runs as another user (an
            // Alpine one): said, since the settings are the design's tag's.
            let here = e.design.environment(&env).map(|env| (env, effective(s, env).image_ref()));
            let other_user = here.and_then(|(env, image)| {
                let (uid, base) = (known.user(&image).0, known.user(&s.image_ref()).0);
                (uid != base).then(|| {
                    format!(
                        "`{}` runs `{image}`, which runs as uid {uid}, not {base}: these settings are the design's tag's.",
                        env.name
                    )
                })
            });
            Some((
                known.summary(&s.image_ref()),
                known.note,
                known.non_root_alternative,
                kubeprint_core::images::pending_settings(s),
                other_user,
            ))
        })
    });
    move || {
        offer.get().map(|(summary, note, alternative, edit, other_user)| {
            view! {
                <div class="known-image" data-testid="known-image" role="note">
                    <p><b>"Known image. "</b>{summary}</p>
                    {other_user.map(|said| view! { <p class="note" data-testid="known-image-here">{prose(&said)}</p> })}
                    <p class="note">{note}</p>
                    {edit.map(|edit| view! {
                        <button data-testid="apply-image-settings" on:click=move |_| app.dispatch(edit.clone())>
                            "Apply its settings"
                        </button>
                    })}
                    {alternative.map(|alt| view! {
                        <button data-testid="use-image-alternative" on:click=move |_| app.dispatch(Edit::Set { path: p(id.get_untracked(), "/image"), value: json!(alt) })>
                            {format!("Use {alt} instead")}
                        </button>
                    })}
                </div>
            }
        })
    }
}

/// A Job's (or a CronJob's Job's) runs: how many pods, retries, deadline, clean-up and
/// restart policy, with what the run takes in words.
#[component]
fn JobFields(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let timing = Memo::new(move |_| {
        let env = app.env.get();
        let id = id.get();
        app.editor.with(|e| {
            let d = &e.design;
            let s = d.service(id)?;
            let env = d.environment(&env)?;
            kubeprint_core::insight::job_timing(&effective(s, env)).map(|t| t.summary())
        })
    });
    view! {
        <div class="row">
            <Field label="Completions" path=at(id, "/job/completions") kind=K::OptionalCount placeholder="1" />
            <Field label="Parallelism" path=at(id, "/job/parallelism") kind=K::OptionalCount placeholder="1" />
            <Field label="backoffLimit" path=at(id, "/job/backoff_limit") kind=K::OptionalCount placeholder="6" />
        </div>
        <div class="row">
            <Field label="Deadline (activeDeadlineSeconds)" path=at(id, "/job/active_deadline_seconds") kind=K::OptionalSeconds placeholder="none" />
            <Field label="Delete after (ttlSecondsAfterFinished)" path=at(id, "/job/ttl_seconds_after_finished") kind=K::OptionalSeconds placeholder="kept" />
        </div>
        <div class="row">
            <Field label="Expected run (s)" path=at(id, "/job/expected_run_seconds") kind=K::Seconds hint="one pod; 0 = unknown" />
            <Choice label="Restart policy" path=at(id, "/job/restart_policy") options=choices(presets::JOB_RESTARTS) />
        </div>
        <p class="note" data-testid="job-timing">
            {move || timing.get().unwrap_or_else(|| "Give the expected run time to check the deadline and the schedule.".into())}
        </p>
    }
}

/// A CronJob's schedule, read back in words as it is typed (or why it does not parse),
/// its time zone, concurrency, starting deadline, suspension and history.
#[component]
fn CronFields(id: Signal<ServiceId>) -> impl IntoView {
    let app = use_app();
    let reading = Memo::new(move |_| {
        let id = id.get();
        app.editor.with(|e| {
            e.design
                .service(id)
                .map(|s| kubeprint_core::cron::reading(&s.cron.schedule))
        })
    });
    let invalid = move || reading.with(|r| matches!(r, Some(Err(_))));
    view! {
        <Field label="Schedule" path=at(id, "/cron/schedule") kind=K::Text hint="minute hour day-of-month month day-of-week, or @daily" />
        <p class="note cron-reading" class:invalid=invalid data-testid="cron-reading" role="status">
            {move || match reading.get() {
                Some(Ok(text)) => text,
                Some(Err(e)) => format!("Does not parse: {e}"),
                None => String::new(),
            }}
        </p>
        <div class="row">
            <Field label="Time zone" path=at(id, "/cron/time_zone") kind=K::OptionalText placeholder="the controller's" hint="IANA name, e.g. Europe/Berlin" />
            <Field label="Starting deadline (s)" path=at(id, "/cron/starting_deadline_seconds") kind=K::OptionalSeconds placeholder="none" />
        </div>
        <Choice label="Concurrency" path=at(id, "/cron/concurrency_policy") options=choices(presets::CONCURRENCY_POLICIES) />
        <div class="row">
            <Field label="Successful Jobs kept" path=at(id, "/cron/successful_jobs_history_limit") kind=K::OptionalCount placeholder="3" />
            <Field label="Failed Jobs kept" path=at(id, "/cron/failed_jobs_history_limit") kind=K::OptionalCount placeholder="1" />
        </div>
        <Check label="Suspended (starts no runs)" path=at(id, "/cron/suspend") />
    }
}
