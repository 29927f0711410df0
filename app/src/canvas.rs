//! The topology canvas (SVG). Drag a node to move it, drag from its ● handle to another
//! node to add a dependency, drag the background to pan, wheel to zoom, click to select.
//! A move becomes one `Set` of the node's position when the pointer is released.

use crate::state::use_app;
use kubeprint_core::edges::{self, EdgeTarget};
use kubeprint_core::layout::{self, NODE_HEIGHT as H, NODE_WIDTH as W};
use kubeprint_core::rules::Severity;
use kubeprint_core::{Edge, Edit, FieldPath, Position, Service, ServiceId};
use leptos::prelude::*;
use serde_json::json;
use std::collections::BTreeMap;

/// The smallest zoom: below it node names are no longer legible. Fit never goes below.
const MIN_ZOOM: f64 = 0.3;
/// The largest zoom: a node then fills a good part of a laptop screen.
const MAX_ZOOM: f64 = 2.5;
/// One wheel notch zooms by this factor (in or out).
const WHEEL_STEP: f64 = 1.1;
/// The + and − buttons zoom by this factor.
const BUTTON_STEP: f64 = 1.2;

/// What the pointer is doing.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Gesture {
    Idle,
    /// Moving a node; offset from the pointer to the node's corner.
    Moving {
        id: ServiceId,
        dx: f64,
        dy: f64,
        moved: bool,
    },
    /// Drawing a new edge from a node.
    Connecting {
        from: ServiceId,
    },
    /// Panning the view; last pointer position.
    Panning {
        x: f64,
        y: f64,
    },
}

/// The selected edge, if any (Delete removes it).
#[derive(Clone, Copy)]
pub struct EdgeSelection(pub RwSignal<Option<(ServiceId, ServiceId)>>);

/// Everything a node shows, precomputed so the view has no logic in it.
#[derive(Clone, PartialEq)]
struct NodeView {
    id: ServiceId,
    name: String,
    kind: &'static str,
    scale: String,
    ports: String,
    errors: usize,
    warnings: usize,
    public: Option<String>,
    deployed: bool,
}

fn node_view(
    s: &Service,
    env: &kubeprint_core::Environment,
    errors: usize,
    warnings: usize,
) -> NodeView {
    let e = kubeprint_core::effective(s, env);
    // Replicas or the HPA; one per node; a Job's completions; a CronJob's schedule.
    let scale = kubeprint_core::insight::scale_text(&e);
    let ports = s
        .ports
        .iter()
        .map(|p| {
            if p.name.is_empty() {
                p.port.to_string()
            } else {
                format!("{} {}", p.name, p.port)
            }
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let public = match (&s.exposure.ingress, &s.exposure.load_balancer) {
        (Some(r), _) => Some(format!("Ingress {}", r.host)),
        (None, Some(lb)) => Some(format!(
            "LB :{}",
            lb.ports
                .iter()
                .map(|p| p.port.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )),
        _ => None,
    };
    NodeView {
        id: s.id,
        name: s.name.clone(),
        kind: kubeprint_core::presets::workload_label(s.kind),
        scale,
        ports: if ports.is_empty() {
            "no ports".into()
        } else {
            ports
        },
        errors,
        warnings,
        public,
        deployed: env.deploys(s.id),
    }
}

/// A name that fits beside the badge: at most 16 characters, with an ellipsis.
fn short_name(name: &str) -> String {
    if name.chars().count() <= 16 {
        name.to_string()
    } else {
        format!("{}…", name.chars().take(15).collect::<String>())
    }
}

/// The canvas.
#[component]
pub fn Canvas() -> impl IntoView {
    let app = use_app();
    let edge_sel = expect_context::<EdgeSelection>().0;
    let pan = RwSignal::new((0.0f64, 0.0f64));
    let zoom = RwSignal::new(1.0f64);
    let gesture = RwSignal::new(Gesture::Idle);
    let pointer = RwSignal::new((0.0f64, 0.0f64));
    let dragged = RwSignal::new(None::<(ServiceId, Position)>);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();

    let saved = Memo::new(move |_| app.editor.with(|e| layout::positions(&e.design)));
    let positions = Memo::new(move |_| {
        let mut p = saved.get();
        if let Some((id, pos)) = dragged.get() {
            p.insert(id, pos);
        }
        p
    });
    let nodes = Memo::new(move |_| {
        let env_name = app.env.get();
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for f in app.findings.get() {
            if let Some(s) = f.service {
                let c = counts.entry(s).or_default();
                match f.severity {
                    Severity::Error => c.0 += 1,
                    Severity::Warning => c.1 += 1,
                    Severity::Info => {}
                }
            }
        }
        app.editor.with(|e| {
            let Some(env) = e.design.environment(&env_name) else {
                return Vec::new();
            };
            e.design
                .services
                .iter()
                .map(|s| {
                    let (errors, warnings) = counts.get(&s.name).copied().unwrap_or_default();
                    node_view(s, env, errors, warnings)
                })
                .collect::<Vec<_>>()
        })
    });
    // Each edge with the namespace it crosses into in the shown environment, if it
    // leads to a shared environment's service (core's `edges::edge_target` says).
    let edges = Memo::new(move |_| {
        let env_name = app.env.get();
        app.editor.with(|e| {
            let env = e.design.environment(&env_name);
            e.design
                .edges
                .iter()
                .map(|edge| {
                    let across =
                        env.and_then(|env| match edges::edge_target(&e.design, env, edge) {
                            EdgeTarget::Shared(there) => Some(there.namespace.clone()),
                            _ => None,
                        });
                    (edge.clone(), across)
                })
                .collect::<Vec<_>>()
        })
    });

    // Pointer position in canvas coordinates.
    let to_canvas = move |cx: f64, cy: f64| {
        let rect = svg_ref
            .get_untracked()
            .map(|s| s.get_bounding_client_rect());
        let (left, top) = rect.map_or((0.0, 0.0), |r| (r.left(), r.top()));
        let (px, py) = pan.get_untracked();
        let k = zoom.get_untracked();
        ((cx - left - px) / k, (cy - top - py) / k)
    };
    let node_at = move |x: f64, y: f64| {
        positions.with_untracked(|p| {
            p.iter()
                .find(|(_, pos)| {
                    x >= f64::from(pos.x)
                        && x <= f64::from(pos.x + W)
                        && y >= f64::from(pos.y)
                        && y <= f64::from(pos.y + H)
                })
                .map(|(id, _)| *id)
        })
    };

    let on_move = move |ev: leptos::ev::PointerEvent| {
        let (x, y) = to_canvas(f64::from(ev.client_x()), f64::from(ev.client_y()));
        pointer.set((x, y));
        match gesture.get_untracked() {
            Gesture::Moving { id, dx, dy, .. } => {
                gesture.set(Gesture::Moving {
                    id,
                    dx,
                    dy,
                    moved: true,
                });
                #[allow(clippy::cast_possible_truncation)]
                dragged.set(Some((
                    id,
                    Position {
                        x: (x - dx).round() as i32,
                        y: (y - dy).round() as i32,
                    },
                )));
            }
            Gesture::Panning { x: lx, y: ly } => {
                let (cx, cy) = (f64::from(ev.client_x()), f64::from(ev.client_y()));
                pan.update(|(px, py)| {
                    *px += cx - lx;
                    *py += cy - ly;
                });
                gesture.set(Gesture::Panning { x: cx, y: cy });
            }
            _ => {}
        }
    };
    let on_up = move |_: leptos::ev::PointerEvent| {
        match gesture.get_untracked() {
            Gesture::Moving {
                id, moved: true, ..
            } => {
                if let Some((_, pos)) = dragged.get_untracked() {
                    app.dispatch(Edit::Set {
                        path: FieldPath::service(id, "/position"),
                        value: json!(pos),
                    });
                    app.seal();
                }
            }
            Gesture::Connecting { from } => {
                let (x, y) = pointer.get_untracked();
                if let Some(to) = node_at(x, y).filter(|to| *to != from) {
                    let port = app.editor.with_untracked(|e| {
                        e.design
                            .service(to)
                            .and_then(|s| s.exposure.ports.first())
                            .map(|p| p.name.clone())
                            .unwrap_or_default()
                    });
                    app.dispatch(Edit::AddEdge(Edge { from, to, port }));
                }
            }
            _ => {}
        }
        dragged.set(None);
        gesture.set(Gesture::Idle);
    };
    let on_wheel = move |ev: leptos::ev::WheelEvent| {
        ev.prevent_default();
        let factor = if ev.delta_y() < 0.0 {
            WHEEL_STEP
        } else {
            1.0 / WHEEL_STEP
        };
        let old = zoom.get_untracked();
        let new = (old * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        // Keep the point under the cursor where it is.
        let rect = svg_ref
            .get_untracked()
            .map(|s| s.get_bounding_client_rect());
        let (left, top) = rect.map_or((0.0, 0.0), |r| (r.left(), r.top()));
        let (mx, my) = (
            f64::from(ev.client_x()) - left,
            f64::from(ev.client_y()) - top,
        );
        pan.update(|(px, py)| {
            *px = mx - (mx - *px) * new / old;
            *py = my - (my - *py) * new / old;
        });
        zoom.set(new);
    };

    // Fit the whole design into the visible area, when asked and once mounted.
    let fit = move || {
        let Some(svg) = svg_ref.get_untracked() else {
            return;
        };
        let rect = svg.get_bounding_client_rect();
        let Some((x0, y0, x1, y1)) = positions.with_untracked(layout::bounds) else {
            return;
        };
        let (w, h) = (f64::from(x1 - x0).max(1.0), f64::from(y1 - y0).max(1.0));
        let k = ((rect.width() - 40.0) / w)
            .min((rect.height() - 40.0) / h)
            .clamp(MIN_ZOOM, 1.0);
        zoom.set(k);
        pan.set((20.0 - f64::from(x0) * k, 20.0 - f64::from(y0) * k));
    };
    Effect::new(move |_| {
        app.fit.track();
        request_animation_frame(fit);
    });

    let add_service = move |_| {
        let (name, at) = app.editor.with_untracked(|e| {
            let mut n = e.design.services.len() + 1;
            while e.design.service_named(&format!("service-{n}")).is_some() {
                n += 1;
            }
            let bottom = layout::positions(&e.design)
                .values()
                .map(|p| p.y)
                .max()
                .map_or(40, |y| y + layout::ROW_GAP);
            (
                format!("service-{n}"),
                Position {
                    x: layout::LEFT_MARGIN,
                    y: bottom,
                },
            )
        });
        let next = app.editor.with_untracked(|e| ServiceId(e.design.next_id));
        let service = Service {
            name,
            position: Some(at),
            ..Service::default()
        };
        app.dispatch(Edit::AddService(Box::new(service)));
        app.select(Some(next));
    };
    let auto_layout = move |_| {
        let edits = app.editor.with_untracked(|e| {
            layout::auto_layout(&e.design)
                .into_iter()
                .map(|(id, pos)| Edit::Set {
                    path: FieldPath::service(id, "/position"),
                    value: json!(pos),
                })
                .collect::<Vec<_>>()
        });
        app.dispatch(Edit::Batch(edits));
        request_animation_frame(fit);
    };

    view! {
        <section class="canvas-wrap" aria-label="Topology">
            <div class="canvas-tools">
                <button data-testid="add-service" on:click=add_service>"+ Service"</button>
                <button data-testid="auto-layout" on:click=auto_layout>"Auto layout"</button>
                <button data-testid="fit" on:click=move |_| fit()>"Fit"</button>
                <button aria-label="Zoom in" on:click=move |_| zoom.update(|k| *k = (*k * BUTTON_STEP).min(MAX_ZOOM))>"+"</button>
                <button aria-label="Zoom out" on:click=move |_| zoom.update(|k| *k = (*k / BUTTON_STEP).max(MIN_ZOOM))>"−"</button>
                <span class="hint">"drag ● to connect · Del removes"</span>
            </div>
            <svg
                class="canvas"
                node_ref=svg_ref
                data-testid="canvas"
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointerleave=on_up
                on:wheel=on_wheel
                on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                    if ev.button() == 0 {
                        gesture.set(Gesture::Panning { x: f64::from(ev.client_x()), y: f64::from(ev.client_y()) });
                        app.select(None);
                        edge_sel.set(None);
                    }
                }
            >
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                    </marker>
                </defs>
                <g transform=move || { let (x, y) = pan.get(); format!("translate({x} {y}) scale({})", zoom.get()) }>
                    {move || edges.get().into_iter().filter_map(|(edge, across)| {
                        let p = positions.get();
                        let (a, b) = (*p.get(&edge.from)?, *p.get(&edge.to)?);
                        let (x1, y1) = (f64::from(a.x + W), f64::from(a.y + H / 2));
                        let (x2, y2) = (f64::from(b.x), f64::from(b.y + H / 2));
                        let mid = (x1 + x2) / 2.0;
                        let d = format!("M {x1} {y1} C {mid} {y1}, {mid} {y2}, {x2} {y2}");
                        let key = (edge.from, edge.to);
                        let label = if edge.port.is_empty() { "·".to_string() } else { edge.port.clone() };
                        // The namespace the edge crosses into, over the callee's corner:
                        // the gap between columns is too narrow for it.
                        let (nx, ny) = (x2 + 4.0, f64::from(b.y) - 6.0);
                        let cross = across.is_some();
                        Some(view! {
                            <g class="edge" class:selected=move || edge_sel.get() == Some(key) class:cross=cross
                                data-testid=format!("edge-{}-{}", edge.from.0, edge.to.0)
                                on:pointerdown=move |ev| { ev.stop_propagation(); edge_sel.set(Some(key)); app.select(None); }>
                                <path d=d.clone() class="edge-hit" />
                                <path d=d marker-end="url(#arrow)" class="edge-line" />
                                <text x=mid y=(y1 + y2) / 2.0 - 6.0 text-anchor="middle" class="edge-label">{label}</text>
                                {across.map(|ns| view! { <text x=nx y=ny class="edge-label edge-namespace">{format!("↳ in {ns}")}</text> })}
                            </g>
                        })
                    }).collect_view()}
                    {move || nodes.get().into_iter().map(|n| {
                        let id = n.id;
                        let pos = move || positions.with(|p| p.get(&id).copied().unwrap_or_default());
                        let badge = if n.errors > 0 { "badge error" } else if n.warnings > 0 { "badge warning" } else { "badge ok" };
                        let badge_text = match (n.errors, n.warnings) {
                            (0, 0) => "✓".to_string(),
                            (e, 0) => format!("✕{e}"),
                            (0, w) => format!("▲{w}"),
                            (e, w) => format!("✕{e} ▲{w}"),
                        };
                        let public = n.public.clone();
                        view! {
                            <g class="node" class:selected=move || app.selected() == Some(id) class:absent=!n.deployed
                                data-testid=format!("node-{}", n.name)
                                transform=move || { let p = pos(); format!("translate({} {})", p.x, p.y) }
                                on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                                    ev.stop_propagation();
                                    app.select(Some(id));
                                    edge_sel.set(None);
                                    let (x, y) = to_canvas(f64::from(ev.client_x()), f64::from(ev.client_y()));
                                    let p = pos();
                                    gesture.set(Gesture::Moving { id, dx: x - f64::from(p.x), dy: y - f64::from(p.y), moved: false });
                                }>
                                {public.map(|text| view! {
                                    <g class="entry" transform="translate(2 -16)">
                                        <title>"Public entry point"</title>
                                        <circle cx="6" cy="0" r="6" class="globe" />
                                        <ellipse cx="6" cy="0" rx="2.6" ry="6" class="globe" />
                                        <line x1="0" y1="0" x2="12" y2="0" class="globe" />
                                        <text x="17" y="4" class="entry-label">{text}</text>
                                    </g>
                                })}
                                <rect width=W height=H rx="10" class="node-box" />
                                <title>{n.name.clone()}</title>
                                <text x="12" y="24" class="node-name">{short_name(&n.name)}</text>
                                <text x="12" y="44" class="node-meta">{format!("{} · {}", n.kind, n.scale)}</text>
                                <text x="12" y="64" class="node-ports">{n.ports.clone()}</text>
                                {(!n.deployed).then(|| view! { <text x="12" y="84" class="node-meta">"not in this environment"</text> })}
                                <g class=badge transform=format!("translate({} 8)", W - 64)>
                                    <rect width="56" height="20" rx="10" />
                                    <text x="28" y="14" text-anchor="middle">{badge_text}</text>
                                </g>
                                <circle cx=W cy=H / 2 r="7" class="handle" data-testid=format!("handle-{}", n.name)
                                    on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                                        ev.stop_propagation();
                                        gesture.set(Gesture::Connecting { from: id });
                                    } />
                            </g>
                        }
                    }).collect_view()}
                    {move || match gesture.get() {
                        Gesture::Connecting { from } => positions.with(|p| p.get(&from).copied()).map(|a| {
                            let (x, y) = pointer.get();
                            view! { <line x1=a.x + W y1=a.y + H / 2 x2=x y2=y class="edge-line drawing" /> }
                        }),
                        _ => None,
                    }}
                </g>
            </svg>
        </section>
    }
}
