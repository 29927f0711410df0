//! The inspector's editors for the rest of the pod: the containers beside the main one
//! (init containers, native sidecars, regular containers), the pod's volumes, and the
//! mounts of each container. Every input is a generic field bound to a `FieldPath`
//! under `/containers`, `/volumes` or `/mounts`; what a new item starts as comes from
//! `core::presets`.

use crate::fields::{Check, Choice, Field, Optional};
use crate::inspector::{choices, length, list, p, probe_label, to_json, EnvVariable, ProbeFields};
use crate::state::use_app;
use kubeprint_core::input::FieldKind as K;
use kubeprint_core::{presets, ContainerRole, Edit, FieldPath, Service, ServiceId};
use leptos::prelude::*;
use serde_json::Value;

/// The service `id` as the design holds it, read with `f`.
fn with_service<T>(id: ServiceId, f: impl FnOnce(&Service) -> T) -> Option<T> {
    use_app().editor.with(|e| e.design.service(id).map(f))
}

/// The containers of the pod beside the main one, in pod order, each with its role and
/// everything it runs with; buttons add one of each role.
#[component]
pub fn ContainersSection(id: ServiceId) -> impl IntoView {
    let app = use_app();
    let path = p(id, "/containers");
    let count = {
        let path = path.clone();
        Memo::new(move |_| length(&path))
    };
    let add = move |role: ContainerRole| {
        if let Some(c) = with_service(id, |s| presets::container(s, role)) {
            let n = length(&p(id, "/containers"));
            app.dispatch(Edit::Set {
                path: p(id, &format!("/containers/{n}")),
                value: to_json(c),
            });
        }
    };
    view! {
        <p class="note">
            "Init containers run to completion, in order, before the others start; native sidecars start before the main container and stop after it; regular containers run beside it."
        </p>
        <For each=move || 0..count.get() key=|i| *i let:i>
            <ContainerCard id i count />
        </For>
        <div class="row-buttons">
            <button class="add" data-testid=format!("{path}#add-init") on:click=move |_| add(ContainerRole::Init)>"+ init container"</button>
            <button class="add" data-testid=format!("{path}#add-sidecar") on:click=move |_| add(ContainerRole::Sidecar)>"+ sidecar"</button>
            <button class="add" data-testid=format!("{path}#add-regular") on:click=move |_| add(ContainerRole::Regular)>"+ container"</button>
        </div>
    }
}

/// Move item `i` of the list at `path` by `by` places (an `Edit::Set` of the list).
fn move_item(path: &FieldPath, i: usize, by: isize) {
    let app = use_app();
    let mut items = app
        .editor
        .with(|e| e.design.field(path))
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    let Some(to) = i.checked_add_signed(by).filter(|t| *t < items.len()) else {
        return;
    };
    items.swap(i, to);
    app.dispatch(Edit::Set {
        path: path.clone(),
        value: Value::Array(items),
    });
}

/// Remove item `i` of the list at `path`.
fn remove_item(path: &FieldPath, i: usize) {
    let app = use_app();
    let mut items = app
        .editor
        .with(|e| e.design.field(path))
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default();
    if i < items.len() {
        items.remove(i);
        app.dispatch(Edit::Set {
            path: path.clone(),
            value: Value::Array(items),
        });
    }
}

/// One container: its role, image and command, ports, probes, resources, security,
/// variables, mounts and timing, with buttons to move it up or down or remove it.
#[component]
fn ContainerCard(id: ServiceId, i: usize, count: Memo<usize>) -> impl IntoView {
    let app = use_app();
    let base = format!("/containers/{i}");
    let at = move |rest: &str| p(id, &format!("/containers/{i}{rest}"));
    let role = {
        let path = at("/role");
        Memo::new(move |_| {
            app.editor
                .with(|e| e.design.field(&path))
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
    };
    let name = {
        let path = at("/name");
        Memo::new(move |_| {
            app.editor
                .with(|e| e.design.field(&path))
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
    };
    let list_path = p(id, "/containers");
    let (up, down, remove) = (list_path.clone(), list_path.clone(), list_path);
    let actions = actions(id, i);
    let probe = move |kind: &'static str| {
        let path = at(&format!("/probes/{kind}"));
        let which = presets::ProbeKind::from_name(kind).unwrap_or(presets::ProbeKind::Readiness);
        // Made when ticked, from the container's ports as they are then.
        let fresh = Callback::new(move |()| {
            with_service(id, |s| {
                s.containers
                    .get(i)
                    .map(|c| presets::container_probe(c, which))
                    .map(to_json)
            })
            .flatten()
            .unwrap_or(Value::Null)
        });
        let base = format!("/containers/{i}/probes/{kind}");
        view! {
            <Optional label=probe_label(kind) path=path fresh=fresh>
                <ProbeFields id base=base.clone() actions />
            </Optional>
        }
    };
    view! {
        <div class="container-card" data-testid=format!("container-{i}")>
            <div class="card-head">
                <b>{move || name.get()}</b>
                <span class=move || format!("role-badge {}", role.get())>{move || role.get()}</span>
                <span class="spacer"></span>
                <button title="Move up" aria-label=format!("Move container {} up", i + 1) disabled=move || i == 0 on:click=move |_| move_item(&up, i, -1)>"↑"</button>
                <button title="Move down" aria-label=format!("Move container {} down", i + 1) disabled={move || i + 1 >= count.get()} on:click=move |_| move_item(&down, i, 1)>"↓"</button>
                <button class="remove" title="Remove this container" aria-label=format!("Remove container {}", i + 1) on:click=move |_| remove_item(&remove, i)>"✕"</button>
            </div>
            <div class="row">
                <Field label="Name" path=at("/name") kind=K::Text />
                <Choice label="Role" path=at("/role") options=choices(presets::CONTAINER_ROLES) />
            </div>
            <div class="row">
                <Field label="Image" path=at("/image") kind=K::Image hint="a whole reference (envoyproxy/envoy:v1.31) fills Tag and Digest too" />
                <Field label="Tag" path=at("/tag") kind=K::Tag hint="immutable: a version or git sha" />
            </div>
            <Field label="Digest" path=at("/digest") kind=K::Digest placeholder="sha256:…" />
            <Field label="Command" path=at("/command") kind=K::Words placeholder="(image entrypoint)" />
            <Field label="Args" path=at("/args") kind=K::Words />
            <h4>"Ports"</h4>
            {list("port", at("/ports"), move |_| with_service(id, |s| to_json(presets::extra_container_port(s, i))).unwrap_or(Value::Null), move |k| view! {
                <div class="row">
                    <Field label="Name" path=at(&format!("/ports/{k}/name")) kind=K::Text />
                    <Field label="Port" path=at(&format!("/ports/{k}/port")) kind=K::Port />
                </div>
            })}
            {move || (role.get() != "init").then(|| view! {
                <h4>"Probes"</h4>
                {probe("startup")} {probe("liveness")} {probe("readiness")}
            })}
            {move || (role.get() == "init").then(|| view! {
                <p class="note">"An init container takes no probes: it runs to completion."</p>
            })}
            <h4>"Resources"</h4>
            <div class="row">
                <Field label="CPU request" path=at("/resources/cpu_request") kind=K::Quantity placeholder="50m" />
                <Field label="CPU limit" path=at("/resources/cpu_limit") kind=K::Quantity />
            </div>
            <div class="row">
                <Field label="Memory request" path=at("/resources/memory_request") kind=K::Quantity placeholder="64Mi" />
                <Field label="Memory limit" path=at("/resources/memory_limit") kind=K::Quantity />
            </div>
            <h4>"Security"</h4>
            <div class="row">
                <Choice label="runAsNonRoot" path=at("/security/run_as_non_root") options=choices(RUN_AS_NON_ROOT) />
                <Field label="runAsUser" path=at("/security/run_as_user") kind=K::OptionalCount placeholder="(pod's)" />
            </div>
            <Check label="Read-only root filesystem" path=at("/security/read_only_root_fs") />
            <Check label="No privilege escalation" path=at("/security/no_privilege_escalation") />
            <Check label="Drop all capabilities" path=at("/security/drop_all_capabilities") />
            <h4>"Variables"</h4>
            {list("variable", at("/config/env"), |n| to_json(presets::env_var(n)), move |k| view! {
                <EnvVariable id base=format!("{base}/config/env/{k}") />
            })}
            <h4>"Mounts"</h4>
            <MountList id base=format!("/containers/{i}/mounts") />
            <h4>"Timing"</h4>
            <div class="row">
                <Field label="Shutdown (s)" path=at("/shutdown_seconds") kind=K::Seconds hint="its drain after SIGTERM; a sidecar's comes after the main container's" />
            </div>
            {move || (role.get() == "sidecar").then(|| view! {
                <Check label="Needed at start (the main container waits for its startup probe)" path=at("/needed_at_start") />
            })}
        </div>
    }
}

/// A container's own runAsNonRoot: the pod's, or set here.
pub(crate) const RUN_AS_NON_ROOT: [(&str, Option<bool>); 3] = [
    ("Pod's setting", None),
    ("Yes", Some(true)),
    ("No", Some(false)),
];

/// The checks a probe of extra container `container` can make: aimed at its own ports
/// as they are now. A memo: an edit that leaves them as they were does not draw the
/// menu again.
fn actions(id: ServiceId, container: usize) -> Memo<Vec<(&'static str, Value)>> {
    Memo::new(move |_| {
        with_service(id, |s| {
            s.containers
                .get(container)
                .map(|c| choices(presets::container_probe_actions(c)))
        })
        .flatten()
        .unwrap_or_default()
    })
}

/// The mounts at `base` (`/mounts` for the main container, `/containers/N/mounts`):
/// volume, path, read-only, subPath.
#[component]
pub fn MountList(id: ServiceId, base: String) -> impl IntoView {
    let b = base.clone();
    list(
        "mount",
        p(id, &base),
        move |_| with_service(id, |s| to_json(presets::mount(s))).unwrap_or(Value::Null),
        move |k| {
            let at = |rest: &str| p(id, &format!("{b}/{k}{rest}"));
            view! {
                <div class="row">
                    <Field label="Volume" path=at("/volume") kind=K::Text />
                    <Field label="Path" path=at("/path") kind=K::Text />
                </div>
                <div class="row">
                    <Field label="subPath" path=at("/sub_path") kind=K::Text placeholder="(whole volume)" />
                    <Check label="Read-only" path=at("/read_only") />
                </div>
            }
        },
    )
}

/// The pod's volumes: an emptyDir (on disk or in memory, with a size limit), a
/// ConfigMap or Secret as files, or an existing claim.
#[component]
pub fn VolumesSection(id: ServiceId) -> impl IntoView {
    let app = use_app();
    let sources = app
        .editor
        .with(|e| choices(presets::volume_sources(&e.design)));
    view! {
        {list("volume", p(id, "/volumes"), move |_| with_service(id, |s| to_json(presets::pod_volume(s))).unwrap_or(Value::Null), move |i| {
            let sources = sources.clone();
            view! {
                <div>
                    <div class="row">
                        <Field label="Name" path=p(id, &format!("/volumes/{i}/name")) kind=K::Text />
                        <Choice label="Kind" path=p(id, &format!("/volumes/{i}/source")) options=sources />
                    </div>
                    <VolumeSourceFields id i />
                </div>
            }
        })}
        <h4>"Mounted by the main container"</h4>
        <MountList id base="/mounts".to_string() />
    }
}

/// The fields of volume `i`'s source, by its kind.
#[component]
fn VolumeSourceFields(id: ServiceId, i: usize) -> impl IntoView {
    let app = use_app();
    let kind = Memo::new(move |_| {
        app.editor
            .with(|e| e.design.field(&p(id, &format!("/volumes/{i}/source/type"))))
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    });
    move || {
        let at = |rest: &str| p(id, &format!("/volumes/{i}/source{rest}"));
        match kind.get().as_str() {
            "empty_dir" => view! {
                <div class="row">
                    <Field label="Size limit" path=at("/size_limit") kind=K::Quantity placeholder="(none)" />
                    <Check label="In memory (tmpfs)" path=at("/memory") />
                </div>
            }
            .into_any(),
            "config_map" => view! { <Field label="ConfigMap" path=at("/name") kind=K::Text /> }.into_any(),
            "secret" => view! { <Field label="Secret" path=at("/name") kind=K::Text /> }.into_any(),
            _ => view! {
                <div class="row">
                    <Field label="Claim" path=at("/claim") kind=K::Text />
                    <Check label="Read-only" path=at("/read_only") />
                </div>
            }
            .into_any(),
        }
    }
}
