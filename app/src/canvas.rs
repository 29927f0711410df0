//! The topology canvas (SVG). Drag a node to move it, drag from its ● handle to another
//! node to add a dependency, drag the background to pan, wheel to zoom, click to select.
//! A move becomes one `Set` of the node's position when the pointer is released.
//!
//! From the keyboard the nodes are one Tab stop (a roving tabindex): arrows go to the
//! nearest node in their direction, Enter or Space selects, Shift+arrows move the node
//! by a grid step, E connects it to the node then chosen with arrows and Enter (Escape
//! cancels), Delete removes it. Geometry (sizes, layout, edge routes, label places,
//! neighbours) comes from `kubeprint_core::layout`; this file only draws it.

use crate::state::use_app;
use kubeprint_core::edges::{self, EdgeTarget};
use kubeprint_core::layout::{self, Direction, GroupBy, NodeText, Rect, Size, ENTRY_ROOM};
use kubeprint_core::order::Collect;
use kubeprint_core::rules::Severity;
use kubeprint_core::{Edge, Edit, FieldPath, Position, Service, ServiceId};
use leptos::prelude::*;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use wasm_bindgen::JsCast;

/// The smallest zoom of the wheel and the − button (an overview; Fit never goes below
/// [`MIN_FIT_ZOOM`]).
const MIN_ZOOM: f64 = 0.3;
/// The largest zoom: a node then fills a good part of a laptop screen.
const MAX_ZOOM: f64 = 2.5;
/// The smallest zoom Fit chooses: the smallest text is then still `MIN_TEXT_PX` on screen.
const MIN_FIT_ZOOM: f64 = layout::MIN_TEXT_PX / layout::LINE_PX;
/// The largest zoom Fit chooses for a small design.
const MAX_FIT_ZOOM: f64 = 1.25;
/// Space Fit leaves between the design and the canvas's border, in screen pixels.
const FIT_MARGIN: f64 = 12.0;
/// Fit keeps the design below the controls floating over the canvas's top as long as
/// that keeps this share of the zoom it could have under them: on a short canvas (a
/// 1024×768 screen) a little smaller beats a card whose name or badges they hide.
const FIT_BELOW_CONTROLS: f64 = 0.8;
/// One wheel notch zooms by this factor (in or out).
const WHEEL_STEP: f64 = 1.1;
/// The + and − buttons zoom by this factor.
const BUTTON_STEP: f64 = 1.2;
/// Up to this many services every node is drawn, in view or not (a few hundred DOM
/// elements, and a screen reader lists them all); above it only the boxes in view and
/// a margin around it exist in the DOM, so panning or dragging costs the same at 1,000
/// services as at 50.
const DRAW_ALL_UP_TO: usize = 60;
/// The margin around the view inside which boxes are drawn, in screen pixels: a short
/// pan shows nodes that already exist.
const OVERSCAN: f64 = 200.0;
/// The minimap's size in screen pixels on a canvas with room for it.
const MINIMAP: (f64, f64) = (200.0, 130.0);
/// The most search results listed.
const SEARCH_RESULTS: usize = 8;

/// What the keys do on the canvas; the canvas's description for assistive technology.
const KEYS_HELP: &str = "Services: arrow keys go to the nearest service in that direction, Home and End to the first and last. Enter or Space selects the service and opens it in the inspector. Shift with an arrow key moves it by one grid step. E starts a dependency from it: choose the service it calls with the arrow keys and press Enter, or Escape to cancel. Delete removes it.";

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

/// Where the canvas's grouping is remembered: a view setting, as the panes' sizes are.
const GROUP_BY_KEY: &str = "kubeprint.v1.group-by";
/// Where the page remembers that the minimap was hidden (it covers the canvas's corner).
const MINIMAP_KEY: &str = "kubeprint.v1.minimap";

/// Everything a node shows, precomputed so the view has no logic in it.
#[derive(Clone, PartialEq, Eq, Hash)]
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

impl NodeView {
    /// The badge's text: the counts of errors and warnings, or a tick.
    fn badge(&self) -> String {
        badge_text(self.errors, self.warnings)
    }

    /// The lines under the name; the badge sits at the end of the first.
    fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            self.kind.to_string(),
            self.scale.clone(),
            self.ports.clone(),
        ];
        if !self.deployed {
            lines.push("not in this environment".into());
        }
        lines
    }

    /// The text the node's size follows from.
    fn text(&self) -> NodeText {
        NodeText {
            name: self.name.clone(),
            badge: self.badge(),
            lines: self.lines(),
        }
    }

    /// What assistive technology reads for the node: name, kind, scale, findings.
    fn accessible_name(&self) -> String {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let findings = match (self.errors, self.warnings) {
            (0, 0) => "no findings".to_string(),
            (e, 0) => plural(e, "error"),
            (0, w) => plural(w, "warning"),
            (e, w) => format!("{}, {}", plural(e, "error"), plural(w, "warning")),
        };
        let mut name = format!("{}, {}, {}, {findings}", self.name, self.kind, self.scale);
        if let Some(p) = &self.public {
            name.push_str(&format!(", public through {p}"));
        }
        if !self.deployed {
            name.push_str(", not in this environment");
        }
        name
    }
}

/// A findings badge's text: the counts of errors and warnings, or a tick.
fn badge_text(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => "✓".to_string(),
        (e, 0) => format!("✕{e}"),
        (0, w) => format!("▲{w}"),
        (e, w) => format!("✕{e} ▲{w}"),
    }
}

/// The badge's class for these counts.
fn badge_class(errors: usize, warnings: usize) -> &'static str {
    if errors > 0 {
        "badge error"
    } else if warnings > 0 {
        "badge warning"
    } else {
        "badge ok"
    }
}

/// A collapsed group's box: what it shows.
#[derive(Clone, PartialEq, Eq, Hash)]
struct GroupView {
    /// The member that stands in for the group on the canvas (its first).
    id: ServiceId,
    key: String,
    members: usize,
    errors: usize,
    warnings: usize,
}

/// One box of the canvas: a service, or a collapsed group.
#[derive(Clone, PartialEq, Eq, Hash)]
enum Item {
    Node(NodeView),
    Group(GroupView),
}

/// One drawn edge, precomputed (its key in the DOM is all of it: an edge whose route
/// did not change keeps its elements).
#[derive(Clone, PartialEq, Eq, Hash)]
struct EdgeView {
    from: ServiceId,
    to: ServiceId,
    d: String,
    label: String,
    title: String,
    at: (String, String),
    crowded: bool,
    across: Option<(String, String, String)>,
}

/// A group frame in view: its key, its number of services and its rectangle.
#[derive(Clone, PartialEq)]
struct FrameView {
    key: String,
    members: usize,
    frame: Rect,
}

fn node_view(
    s: &Service,
    env: &kubeprint_core::Environment,
    kept: &[kubeprint_core::model::KeptRoute],
    errors: usize,
    warnings: usize,
) -> NodeView {
    let e = kubeprint_core::model::effective_ref(s, env);
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
    let route = kubeprint_core::presets::route_label(&e, env);
    // As the environment has it (its own Ingress host).
    let public = match (&e.exposure.ingress, &e.exposure.load_balancer) {
        (Some(r), _) => Some(format!("Ingress {}", r.host)),
        (None, _) if route.is_some() => route,
        (None, Some(lb)) => Some(format!(
            "LB :{}",
            lb.ports
                .iter()
                .map(|p| p.port.to_string())
                .collect::<Vec<_>>()
                .join(",")
        )),
        // (An Ingress the import kept whole, routing to it by path.)
        _ => (kept.iter().find(|r| r.service == s.name)).map(|r| {
            format!("Ingress {}{}", r.host, r.path)
                .trim_end()
                .to_string()
        }),
    };
    NodeView {
        id: s.id,
        name: s.name.clone(),
        kind: kubeprint_core::render::workload_kind(&e),
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

/// The entry point's label that fits above a node of width `w`: with its host or
/// address when there is room, else only how it is exposed ("Ingress").
fn entry_label(public: &str, w: i32) -> String {
    let short = public.split(' ').next().unwrap_or(public);
    layout::fitting(&[public, short], f64::from(w - 20), layout::LINE_PX, true).to_string()
}

/// The node's box and, for a public service, the room above it for the entry label.
fn occupied(p: Position, s: Size, public: bool) -> Rect {
    let r = Rect::node(p, s);
    if public {
        Rect {
            y: r.y - f64::from(ENTRY_ROOM),
            h: r.h + f64::from(ENTRY_ROOM),
            ..r
        }
    } else {
        r
    }
}

/// The dependency `from` → `to`, on the callee's first Service port.
fn connect(app: crate::state::AppState, from: ServiceId, to: ServiceId) {
    let port = app.editor.with_untracked(|e| {
        e.design
            .service(to)
            .and_then(|s| s.exposure.ports.first())
            .map(|p| p.name.clone())
            .unwrap_or_default()
    });
    app.dispatch(Edit::AddEdge(Edge { from, to, port }));
}

/// How far down from the top of the canvas (`canvas`, its box on screen) the controls
/// floating over it reach, plus the fit margin: where a fitted or revealed node may
/// start without being covered; and where they start from its left.
fn controls_bottom(canvas: &web_sys::DomRect) -> (f64, f64) {
    let floats = web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(".canvas-wrap .canvas-floats")
            .ok()
            .flatten()
    });
    let (covered, left) = floats.map_or((0.0, canvas.width()), |f| {
        let r = f.get_bounding_client_rect();
        (r.bottom() - canvas.top(), r.left() - canvas.left())
    });
    (covered.max(0.0) + FIT_MARGIN, left)
}

/// Focus the node element of service `id`.
fn focus_node(id: ServiceId) {
    crate::modal::focus_selector(&format!(".node[data-id=\"{}\"]", id.0));
}

/// The canvas.
#[component]
pub fn Canvas() -> impl IntoView {
    let app = use_app();
    let edge_sel = expect_context::<EdgeSelection>().0;
    let panes = crate::panes::use_panes();
    let pan = RwSignal::new((0.0f64, 0.0f64));
    let zoom = RwSignal::new(1.0f64);
    let gesture = RwSignal::new(Gesture::Idle);
    let pointer = RwSignal::new((0.0f64, 0.0f64));
    let dragged = RwSignal::new(None::<(ServiceId, Position)>);
    let svg_ref = NodeRef::<leptos::svg::Svg>::new();
    // The node that holds the canvas's one Tab stop (the last one focused).
    let active = RwSignal::new(None::<ServiceId>);
    // A dependency being added from the keyboard: its caller.
    let linking = RwSignal::new(None::<ServiceId>);
    // What the last keyboard action did, for the live region. An undo or redo is said
    // by its notice: what was said before it is old news.
    let announce = RwSignal::new(String::new());
    Effect::new(move |prev: Option<u32>| {
        let n = app.reverted.get();
        if prev.is_some() {
            announce.set(String::new());
        }
        n
    });
    // View state, outside the design: how services are grouped, which groups are
    // collapsed, the canvas's size on screen, the search box's text, the last found node.
    let group_by = RwSignal::new(
        crate::storage::view_setting(GROUP_BY_KEY).map_or(GroupBy::None, |k| GroupBy::from_key(&k)),
    );
    let collapsed = RwSignal::new(BTreeSet::<String>::new());
    let view_size = RwSignal::new((1200.0f64, 700.0f64));
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(None::<ServiceId>);
    // The found node's mark lasts until another service is selected.
    Effect::new(move |_| {
        let selected = app.selected();
        if found.get_untracked().is_some_and(|f| Some(f) != selected) {
            found.set(None);
        }
    });
    let minimap_ref = NodeRef::<leptos::svg::Svg>::new();
    let minimap_drag = RwSignal::new(false);
    // Hidden by the user (remembered): nodes under the map's corner are in view again.
    let minimap_hidden =
        RwSignal::new(crate::storage::view_setting(MINIMAP_KEY).as_deref() == Some("hidden"));
    let show_minimap = move |shown: bool| {
        crate::storage::set_view_setting(MINIMAP_KEY, if shown { "shown" } else { "hidden" });
        minimap_hidden.set(!shown);
        // The button pressed is gone: the focus goes to the one that took its place.
        let other = if shown {
            "minimap-hide"
        } else {
            "minimap-show"
        };
        request_animation_frame(move || {
            crate::modal::focus_selector(&format!("[data-testid=\"{other}\"]"))
        });
    };

    let nodes = Memo::new(move |_| {
        let env_name = app.env.get();
        // Read in place: thousands of findings at 1,000 services, not copied per edit.
        app.findings.with(|findings| {
            let mut counts: HashMap<&str, (usize, usize)> = HashMap::new();
            for f in findings {
                if let Some(s) = &f.service {
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
                let kept: Vec<_> = e.design.kept_routes(env).collect();
                e.design
                    .services
                    .iter()
                    .map(|s| {
                        let (errors, warnings) =
                            counts.get(s.name.as_str()).copied().unwrap_or_default();
                        node_view(s, env, &kept, errors, warnings)
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let sizes = Memo::new(move |_| {
        nodes.with(|n| {
            n.iter()
                .map(|v| (v.id, layout::node_size(&v.text())))
                .to_map()
        })
    });
    // The group of each service (none without grouping).
    let group_keys = Memo::new(move |_| {
        let by = group_by.get();
        let env_name = app.env.get();
        app.editor.with(|e| {
            e.design
                .environment(&env_name)
                .map(|env| layout::group_of(&e.design, env, by))
                .unwrap_or_default()
        })
    });
    // Laid out again only when what the layout reads changed, not on every edit.
    let layout_inputs = Memo::new(move |_| app.editor.with(|e| layout::Inputs::of(&e.design)));
    let saved = Memo::new(move |_| {
        let sizes = sizes.get();
        let skeleton = layout_inputs.with(layout::Inputs::design);
        group_keys.with(|g| layout::grouped_positions(&skeleton, &sizes, g))
    });
    let positions = Memo::new(move |_| {
        let mut p = saved.get();
        if let Some((id, pos)) = dragged.get() {
            p.insert(id, pos);
        }
        p
    });
    let public: Memo<Vec<ServiceId>> = Memo::new(move |_| {
        nodes.with(|n| {
            n.iter()
                .filter(|v| v.public.is_some())
                .map(|v| v.id)
                .collect()
        })
    });
    // What each node covers, its entry label included.
    let boxes = Memo::new(move |_| {
        let (p, s, public) = (positions.get(), sizes.get(), public.get());
        p.iter()
            .map(|(id, pos)| {
                let size = s.get(id).copied().unwrap_or_default();
                (*id, occupied(*pos, size, public.contains(id)))
            })
            .to_map()
    });
    let edges = Memo::new(move |_| app.editor.with(|e| e.design.edges.clone()));
    let groups = Memo::new(move |_| group_keys.with(|g| boxes.with(|b| layout::groups(g, b))));
    // The errors and warnings of each group's services: a collapsed group's badge.
    let group_counts = Memo::new(move |_| {
        let mut counts: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        group_keys.with(|g| {
            nodes.with(|n| {
                for v in n {
                    if let Some(key) = g.get(&v.id) {
                        let c = counts.entry(key.clone()).or_default();
                        c.0 += v.errors;
                        c.1 += v.warnings;
                    }
                }
            })
        });
        counts
    });
    // What is drawn: collapsed groups folded into one box each.
    let folded = Memo::new(move |_| {
        let badges: BTreeMap<String, String> = group_counts.with(|c| {
            c.iter()
                .map(|(k, (e, w))| (k.clone(), badge_text(*e, *w)))
                .to_map()
        });
        positions.with(|p| {
            sizes.with(|s| {
                edges.with(|ed| {
                    groups.with(|g| collapsed.with(|c| layout::fold(p, s, ed, g, c, &badges)))
                })
            })
        })
    });
    // What each drawn box covers, a service's entry label included.
    let fboxes = Memo::new(move |_| {
        public.with(|pb| {
            folded.with(|f| {
                f.positions
                    .iter()
                    .map(|(id, pos)| {
                        let size = f.sizes.get(id).copied().unwrap_or_default();
                        let entry = !f.stand_ins.contains_key(id) && pb.contains(id);
                        (*id, occupied(*pos, size, entry))
                    })
                    .to_map()
            })
        })
    });
    // The part of the canvas on screen, in canvas units, grown by `margin` screen pixels.
    let view_at = move |margin: f64| {
        let (px, py) = pan.get();
        let k = zoom.get();
        let (w, h) = view_size.get();
        Rect {
            x: (-px - margin) / k,
            y: (-py - margin) / k,
            w: (w + 2.0 * margin) / k,
            h: (h + 2.0 * margin) / k,
        }
    };
    let view_rect = Memo::new(move |_| view_at(OVERSCAN));
    let draw_all = Memo::new(move |_| {
        app.editor
            .with(|e| e.design.services.len() <= DRAW_ALL_UP_TO)
    });
    // Every edge's route: computed again when the boxes move or the edges change, not on
    // an edit that moves nothing or a pan.
    let routes =
        Memo::new(move |_| folded.with(|f| layout::routes(&f.edges, &f.positions, &f.sizes)));
    // The edges drawn (those that may cross the view, all of a small design): path,
    // label and where it goes (crowded: shown on hover only), and the namespace an edge
    // crosses into (core's `edges::edge_target` says) with the spot for saying so, over
    // the callee's corner.
    let drawn = Memo::new(move |_| {
        let env_name = app.env.get();
        let all = draw_all.get();
        let view = view_rect.get();
        folded.with(|f| {
            fboxes.with(|b| {
                let routes = routes.read();
                let shown: Vec<(&Edge, layout::Route)> = f
                    .edges
                    .iter()
                    .zip(routes.iter())
                    .filter_map(|(e, r)| {
                        let r = (*r)?;
                        let near = all
                            || match (b.get(&e.from), b.get(&e.to)) {
                                (Some(a), Some(c)) => layout::edge_may_show(a, c, &view),
                                _ => false,
                            };
                        near.then_some((e, r))
                    })
                    .collect();
                let labels: Vec<String> =
                    shown.iter().map(|(e, _)| layout::edge_label(e)).collect();
                let rects: Vec<Rect> = b
                    .values()
                    .filter(|r| all || r.overlaps(&view))
                    .copied()
                    .collect();
                let routes: Vec<Option<layout::Route>> =
                    shown.iter().map(|(_, r)| Some(*r)).collect();
                let spots = layout::place_labels(&routes, &labels, &rects);
                app.editor.with(|d| {
                    let env = d.design.environment(&env_name);
                    let name = |id: ServiceId| match f.stand_ins.get(&id) {
                        Some((key, _)) => format!("group {key}"),
                        None => d
                            .design
                            .service(id)
                            .map(|s| s.name.clone())
                            .unwrap_or_default(),
                    };
                    shown
                        .iter()
                        .zip(labels)
                        .zip(spots)
                        .map(|(((e, r), label), spot)| {
                            let folded_end = f.stand_ins.contains_key(&e.from)
                                || f.stand_ins.contains_key(&e.to);
                            let across = env
                                .filter(|_| !folded_end)
                                .and_then(|env| match edges::edge_target(&d.design, env, e) {
                                    EdgeTarget::Shared(there) => Some(there.namespace.clone()),
                                    _ => None,
                                })
                                .and_then(|ns| {
                                    let at = f.positions.get(&e.to)?;
                                    Some((
                                        format!("↳ in {ns}"),
                                        format!("{:.1}", f64::from(at.x) + 4.0),
                                        format!("{:.1}", f64::from(at.y) - 6.0),
                                    ))
                                });
                            let (lx, ly) = spot.unwrap_or_else(|| r.at(0.5));
                            EdgeView {
                                from: e.from,
                                to: e.to,
                                d: r.svg(),
                                title: format!("{} → {} on port {label}", name(e.from), name(e.to)),
                                label,
                                at: (format!("{lx:.1}"), format!("{:.1}", ly + 4.0)),
                                crowded: spot.is_none(),
                                across,
                            }
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    // The node holding the Tab stop: the last focused, else the selection, else the first.
    let tab_stop = Memo::new(move |_| {
        let order = folded.with(|f| layout::reading_order(&f.positions));
        [active.get(), app.selected()]
            .into_iter()
            .flatten()
            .find(|id| order.contains(id))
            .or_else(|| order.first().copied())
    });
    // The boxes in the DOM: those in view (every one of a small design), and always the
    // Tab stop, the selection, the node being dragged and the one being linked from.
    let shown = Memo::new(move |_| {
        let mut ids: BTreeSet<ServiceId> = if draw_all.get() {
            fboxes.with(|b| b.keys().copied().to_set())
        } else {
            let v = view_rect.get();
            fboxes.with(|b| layout::visible(b, &v))
        };
        let keep = [
            tab_stop.get(),
            app.selected(),
            dragged.get().map(|d| d.0),
            linking.get(),
        ];
        folded.with(|f| {
            for id in keep.into_iter().flatten() {
                if f.positions.contains_key(&id) {
                    ids.insert(id);
                }
            }
        });
        ids
    });
    let items = Memo::new(move |_| {
        let ids = shown.get();
        folded.with(|f| {
            group_counts.with(|gc| {
                nodes.with(|n| {
                    n.iter()
                        .filter(|v| ids.contains(&v.id))
                        .map(|v| match f.stand_ins.get(&v.id) {
                            Some((key, members)) => {
                                let (errors, warnings) = gc.get(key).copied().unwrap_or_default();
                                Item::Group(GroupView {
                                    id: v.id,
                                    key: key.clone(),
                                    members: *members,
                                    errors,
                                    warnings,
                                })
                            }
                            None => Item::Node(v.clone()),
                        })
                        .collect::<Vec<_>>()
                })
            })
        })
    });
    // The frames of the expanded groups in view.
    let frames = Memo::new(move |_| {
        let all = draw_all.get();
        let v = view_rect.get();
        folded.with(|f| {
            f.expanded
                .iter()
                .filter(|g| all || g.frame.overlaps(&v))
                .map(|g| FrameView {
                    key: g.key.clone(),
                    members: g.members.len(),
                    frame: g.frame,
                })
                .collect::<Vec<_>>()
        })
    });
    // Everything drawn, expanded groups' frames included: what Fit shows and the
    // minimap maps.
    let bounds = Memo::new(move |_| {
        let nodes = fboxes.with(|b| b.values().copied().reduce(|a, b| a.union(&b)));
        folded.with(|f| {
            f.expanded
                .iter()
                .map(|g| g.frame)
                .fold(nodes, |a, f| Some(a.map_or(f, |a| a.union(&f))))
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
        folded.with_untracked(|f| {
            f.positions
                .iter()
                .filter(|(id, _)| !f.stand_ins.contains_key(id))
                .find(|(id, pos)| {
                    let r = Rect::node(**pos, f.sizes.get(id).copied().unwrap_or_default());
                    x >= r.x && x <= r.x + r.w && y >= r.y && y <= r.y + r.h
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
                // Where it is drawn, in the design's coordinates (collapsed groups
                // close rows up).
                #[allow(clippy::cast_possible_truncation)]
                let at = Position {
                    x: (x - dx).round() as i32,
                    y: (y - dy).round() as i32,
                };
                dragged.set(Some((id, folded.with_untracked(|f| f.stored(id, at)))));
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
                    connect(app, from, to);
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

    // Fit the whole design into the visible area, when asked and once mounted: as large
    // as fits on both axes and centred, but never so small that text drops below
    // MIN_TEXT_PX; a design too big for that is shown from its left, to be panned.
    // Whether the whole design is in view afterwards.
    let fit = move || -> bool {
        let Some(svg) = svg_ref.get_untracked() else {
            return true;
        };
        let rect = svg.get_bounding_client_rect();
        view_size.set((rect.width(), rect.height()));
        let Some(all) = bounds.get_untracked() else {
            return true;
        };
        // The grouping and search controls float over the canvas's top: fit below them
        // unless that costs much zoom ([`FIT_BELOW_CONTROLS`]; often none: limited by
        // the width, or too big to fit at all and shown from its top left).
        let vw = rect.width() - 2.0 * FIT_MARGIN;
        let scale = |vh: f64| {
            (vw / all.w.max(1.0))
                .min(vh / all.h.max(1.0))
                .clamp(MIN_FIT_ZOOM, MAX_FIT_ZOOM)
        };
        let (top, controls_left) = controls_bottom(&rect);
        let (whole, below) = (
            rect.height() - 2.0 * FIT_MARGIN,
            rect.height() - top - FIT_MARGIN,
        );
        // (Smaller below them only while it still shows the whole design there.)
        let whole_below = |k: f64| all.w * k <= vw + 0.5 && all.h * k <= below + 0.5;
        let (k, top, vh) = if scale(below) >= scale(whole)
            || (scale(below) >= scale(whole) * FIT_BELOW_CONTROLS && whole_below(scale(below)))
        {
            (scale(below), top, below)
        } else {
            (scale(whole), FIT_MARGIN, whole)
        };
        let along = |margin: f64, view: f64, size: f64, start: f64| {
            let room = view - size * k;
            margin + room.max(0.0) / 2.0 - start * k
        };
        // Up to the top and narrow enough, the design goes left of the controls rather
        // than under them (a column of services, say).
        let beside = controls_left - 2.0 * FIT_MARGIN;
        let vw_here = if top == FIT_MARGIN && all.w * k <= beside {
            beside
        } else {
            vw
        };
        zoom.set(k);
        pan.set((
            along(FIT_MARGIN, vw_here, all.w, all.x),
            along(top, vh, all.h, all.y),
        ));
        all.w * k <= vw + 0.5 && all.h * k <= vh + 0.5
    };
    Effect::new(move |_| {
        app.fit.track();
        request_animation_frame(move || {
            fit();
        });
    });
    // The Fit button says when the design is too big to show whole at a legible size,
    // and how to see the rest, rather than leave part of it out of view unexplained.
    let fit_button = move |_| {
        if !fit() {
            app.notice.set(Some(
                "The whole design does not fit here with legible text: − zooms out further, \
                 and hiding the side panels gives the canvas more room"
                    .into(),
            ));
        }
    };
    // Pan just enough to show node `id` whole.
    let reveal = move |id: ServiceId| {
        let Some(svg) = svg_ref.get_untracked() else {
            return;
        };
        let Some(r) = fboxes.with_untracked(|b| b.get(&id).copied()) else {
            return;
        };
        let view = svg.get_bounding_client_rect();
        let k = zoom.get_untracked();
        let (px, py) = pan.get_untracked();
        let shift = |start: f64, len: f64, pan: f64, size: f64, margin: f64| {
            let (a, b) = (start * k + pan, (start + len) * k + pan);
            if a < margin {
                pan + margin - a
            } else if b > size - FIT_MARGIN {
                (pan - (b - size + FIT_MARGIN)).max(pan + margin - a)
            } else {
                pan
            }
        };
        let (top, _) = controls_bottom(&view);
        let (mut x, mut y) = (
            shift(r.x, r.w, px, view.width(), FIT_MARGIN),
            shift(r.y, r.h, py, view.height(), top),
        );
        // The minimap floats over the bottom right: a node under it moves up or left
        // out from under it, whichever is the shorter way and keeps it in view.
        // (A map hidden or no longer needed may still be the ref's, detached.)
        let minimap = minimap_ref.get_untracked().filter(|m| m.is_connected());
        if let Some(m) = minimap {
            let m = m.get_bounding_client_rect();
            let (left, upper) = (m.left() - view.left(), m.top() - view.top());
            let (right, bottom) = ((r.x + r.w) * k + x, (r.y + r.h) * k + y);
            if right > left && bottom > upper {
                let up = bottom - upper + FIT_MARGIN;
                let aside = right - left + FIT_MARGIN;
                let up_fits = r.y * k + y - up >= top;
                let aside_fits = r.x * k + x - aside >= FIT_MARGIN;
                match (up_fits, aside_fits) {
                    (true, true) if up <= aside => y -= up,
                    (_, true) => x -= aside,
                    (true, false) => y -= up,
                    (false, false) => {}
                }
            }
        }
        pan.set((x, y));
    };
    // Move the Tab stop to `id`, show it and focus it: at once, so that the next key
    // already reaches it, and again once an edit has drawn the nodes anew.
    let go_to = move |id: ServiceId| {
        active.set(Some(id));
        reveal(id);
        focus_node(id);
        request_animation_frame(move || focus_node(id));
    };
    let name_of = move |id: ServiceId| {
        app.editor
            .with_untracked(|e| e.design.service(id).map(|s| s.name.clone()))
            .unwrap_or_default()
    };
    let start_linking = move |from: ServiceId| {
        linking.set(Some(from));
        announce.set(format!(
            "Adding a dependency of {}: choose the service it calls with the arrow keys and press Enter; Escape cancels.",
            name_of(from)
        ));
    };
    let expand = move |key: &str| {
        collapsed.update(|c| {
            c.remove(key);
        });
        announce.set(format!("Group {key} expanded"));
    };
    let collapse = move |key: &str| {
        collapsed.update(|c| {
            c.insert(key.to_string());
        });
        announce.set(format!("Group {key} collapsed"));
    };
    // Search's result: expand its group, centre it in the view (at a zoom where its
    // text reads), select it, mark it and give it the keyboard focus.
    let focus_service = move |id: ServiceId| {
        let key = group_keys.with_untracked(|g| g.get(&id).cloned());
        if let Some(key) = key.filter(|k| collapsed.with_untracked(|c| c.contains(k))) {
            collapsed.update(|c| {
                c.remove(&key);
            });
        }
        if zoom.get_untracked() < 0.8 {
            zoom.set(1.0);
        }
        let Some(r) = fboxes.with_untracked(|b| b.get(&id).copied()) else {
            return;
        };
        let (w, h) = view_size.get_untracked();
        let k = zoom.get_untracked();
        let (cx, cy) = r.centre();
        pan.set((w / 2.0 - cx * k, h / 2.0 - cy * k));
        app.select(Some(id));
        found.set(Some(id));
        query.set(String::new());
        announce.set(format!("{} found", name_of(id)));
        active.set(Some(id));
        request_animation_frame(move || focus_node(id));
    };
    let matches = Memo::new(move |_| {
        let q = query.get();
        app.editor.with(|e| {
            layout::search(&e.design, &q)
                .into_iter()
                .take(SEARCH_RESULTS)
                .filter_map(|id| Some((id, e.design.service(id)?.name.clone())))
                .collect::<Vec<_>>()
        })
    });
    // The minimap: how it maps the canvas, its one path of boxes, and the view's frame.
    let minimap_needed = Memo::new(move |_| {
        let Some(all) = bounds.get() else {
            return false;
        };
        let v = view_at(0.0);
        all.union(&v) != v
    });
    // Smaller on a small canvas (a narrow column), so it covers less of it.
    let minimap_size = Memo::new(move |_| layout::minimap_size(view_size.get(), MINIMAP));
    let minimap_fit = Memo::new(move |_| {
        let (w, h) = minimap_size.get();
        bounds.get().map(|a| layout::minimap_fit(&a, w, h))
    });
    let minimap_path = Memo::new(move |_| {
        let Some(t) = minimap_fit.get() else {
            return String::new();
        };
        fboxes.with(|b| layout::minimap_path(b, t))
    });
    let minimap_go = move |ev: &leptos::ev::PointerEvent| {
        let (Some((k, dx, dy)), Some(svg)) =
            (minimap_fit.get_untracked(), minimap_ref.get_untracked())
        else {
            return;
        };
        let r = svg.get_bounding_client_rect();
        let (mx, my) = (
            f64::from(ev.client_x()) - r.left(),
            f64::from(ev.client_y()) - r.top(),
        );
        let (cx, cy) = ((mx - dx) / k, (my - dy) / k);
        let z = zoom.get_untracked();
        let (w, h) = view_size.get_untracked();
        pan.set((w / 2.0 - cx * z, h / 2.0 - cy * z));
    };
    // The canvas's size on screen, read again when the window is resized or a column
    // is resized, hidden or stacked (which changes it without a window resize).
    let measure = move || {
        if let Some(svg) = svg_ref.get_untracked() {
            let r = svg.get_bounding_client_rect();
            view_size.set((r.width(), r.height()));
        }
    };
    Effect::new(move |_| {
        panes.get();
        panes.stacked();
        request_animation_frame(measure);
    });
    let resize = window_event_listener(leptos::ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
    let on_node_key = move |id: ServiceId, ev: leptos::ev::KeyboardEvent| {
        let key = ev.key();
        let plain = !(ev.ctrl_key() || ev.meta_key() || ev.alt_key());
        if !plain {
            return;
        }
        let order = folded.with_untracked(|f| layout::reading_order(&f.positions));
        // A collapsed group's box: arrows reach it, Enter or Space expands it, and
        // what acts on one service (move, connect, delete) does not apply.
        let group = folded.with_untracked(|f| f.stand_ins.get(&id).map(|(k, _)| k.clone()));
        let handled = if let Some(dir) = Direction::of_key(&key) {
            if ev.shift_key() && linking.get_untracked().is_none() && group.is_none() {
                let to = folded.with_untracked(|f| {
                    let at = f.positions.get(&id).copied().unwrap_or_default();
                    f.stored(id, dir.step(at))
                });
                app.dispatch(Edit::Set {
                    path: FieldPath::service(id, "/position"),
                    value: json!(to),
                });
                app.select(Some(id));
                announce.set(format!("{} moved to {}, {}", name_of(id), to.x, to.y));
                go_to(id);
            } else if let Some(next) =
                folded.with_untracked(|f| layout::neighbour(&f.positions, &f.sizes, id, dir))
            {
                go_to(next);
            }
            true
        } else {
            match key.as_str() {
                "Home" | "End" => {
                    let end = if key == "Home" {
                        order.first()
                    } else {
                        order.last()
                    };
                    if let Some(end) = end.copied() {
                        go_to(end);
                    }
                    true
                }
                "Enter" | " " if group.is_some() => {
                    if let Some(key) = &group {
                        expand(key);
                    }
                    true
                }
                "Enter" | " " => {
                    if let Some(from) = linking.get_untracked() {
                        linking.set(None);
                        if from == id {
                            announce
                                .set("A service cannot depend on itself; nothing added.".into());
                        } else {
                            connect(app, from, id);
                            announce.set(format!("{} now calls {}", name_of(from), name_of(id)));
                        }
                        app.select(Some(from));
                        go_to(from);
                    } else {
                        app.select(Some(id));
                        panes.show_inspector();
                        announce.set(format!("{} selected", name_of(id)));
                        go_to(id);
                    }
                    true
                }
                "e" | "E" if linking.get_untracked().is_none() && group.is_none() => {
                    start_linking(id);
                    true
                }
                "Escape" if linking.get_untracked().is_some() => {
                    let from = linking.get_untracked();
                    linking.set(None);
                    announce.set("No dependency added.".into());
                    if let Some(from) = from {
                        go_to(from);
                    }
                    true
                }
                "Delete" | "Backspace" if group.is_none() => {
                    let next = order
                        .iter()
                        .position(|x| *x == id)
                        .and_then(|i| {
                            order
                                .get(i + 1)
                                .or_else(|| i.checked_sub(1).and_then(|j| order.get(j)))
                        })
                        .copied();
                    edge_sel.set(None);
                    linking.set(None);
                    let name = name_of(id);
                    app.remove_service(id);
                    announce.set(format!("{name} removed"));
                    if let Some(next) = next {
                        go_to(next);
                    }
                    true
                }
                _ => false,
            }
        };
        if handled {
            ev.prevent_default();
            ev.stop_propagation();
        }
    };

    let add_service = move |_| {
        let (name, at) = app.editor.with_untracked(|e| {
            let mut n = e.design.services.len() + 1;
            while e.design.service_named(&format!("service-{n}")).is_some() {
                n += 1;
            }
            let name = format!("service-{n}");
            let size = layout::node_size(&NodeText {
                name: name.clone(),
                badge: "✓".into(),
                lines: vec!["Deployment".into(), "1 replica".into(), "no ports".into()],
            });
            let at = folded.with_untracked(|f| f.new_box(app.selection.get_untracked(), size));
            (name, at)
        });
        let next = app.editor.with_untracked(|e| ServiceId(e.design.next_id));
        let service = Service {
            name,
            position: Some(at),
            ..Service::default()
        };
        // Services laid out automatically keep where they are, so the new one, placed
        // where nothing is, is not covered when the automatic layout changes.
        let mut edits = app.editor.with_untracked(|e| {
            let shown = positions.get_untracked();
            e.design
                .services
                .iter()
                .filter(|s| s.position.is_none())
                .filter_map(|s| {
                    Some(Edit::Set {
                        path: FieldPath::service(s.id, "/position"),
                        value: json!(shown.get(&s.id)?),
                    })
                })
                .collect::<Vec<_>>()
        });
        edits.push(Edit::AddService(Box::new(service)));
        app.dispatch(Edit::Batch(edits));
        app.select(Some(next));
        active.set(Some(next));
        reveal(next);
        // The keyboard goes to its name, selected: what is typed replaces it, and Enter
        // names the service.
        app.focus_selects.set(true);
        app.focus.set(Some(FieldPath::service(next, "/name")));
    };
    let auto_layout = move |_| {
        let edits = app.editor.with_untracked(|e| {
            sizes.with_untracked(|s| {
                layout::auto_layout(&e.design, s)
                    .into_iter()
                    .map(|(id, pos)| Edit::Set {
                        path: FieldPath::service(id, "/position"),
                        value: json!(pos),
                    })
                    .collect::<Vec<_>>()
            })
        });
        app.dispatch(Edit::Batch(edits));
        request_animation_frame(move || {
            fit();
        });
    };
    let connect_button = move |_| {
        if let Some(id) = app.selected() {
            start_linking(id);
            go_to(id);
        }
    };

    // A collapsed group's box: its name, its number of services and their findings;
    // Enter, a double click or its ▸ expands it.
    let group_box = move |g: GroupView| {
        let id = g.id;
        let pos = move || folded.with(|f| f.positions.get(&id).copied().unwrap_or_default());
        let size = folded.with_untracked(|f| f.sizes.get(&id).copied().unwrap_or_default());
        let (w, h) = (size.w, size.h);
        let badge = badge_text(g.errors, g.warnings);
        let bw = layout::badge_width(&badge);
        let text = layout::collapsed_text(&g.key, g.members, &badge);
        let label = format!(
            "Group {}, collapsed, {}; {}. Enter expands it.",
            g.key,
            text.lines[0],
            if g.errors + g.warnings == 0 {
                "no findings".to_string()
            } else {
                badge.clone()
            }
        );
        let (k1, k2) = (g.key.clone(), g.key.clone());
        view! {
            <g class="node group-node" data-testid=format!("group-node-{}", g.key) data-id=id.0.to_string()
                role="option" aria-selected="false" aria-label=label
                tabindex=move || if tab_stop.get() == Some(id) { "0" } else { "-1" }
                transform=move || { let p = pos(); format!("translate({} {})", p.x, p.y) }
                on:focus=move |ev: leptos::ev::FocusEvent| {
                    active.set(Some(id));
                    if focus_visible(&ev) {
                        reveal(id);
                    }
                }
                on:keydown=move |ev| on_node_key(id, ev)
                on:pointerdown=move |ev: leptos::ev::PointerEvent| { ev.stop_propagation(); edge_sel.set(None); }
                on:dblclick=move |_| expand(&k1)>
                <title>{format!("{} ({}, collapsed)", g.key, text.lines[0])}</title>
                <rect class="focus-ring" x="-5" y="-5" width=w + 10 height=h + 10 rx="14" />
                <rect x="6" y="6" width=w height=h rx="10" class="node-box stack" />
                <rect width=w height=h rx="10" class="node-box" />
                <text x=layout::PAD_X y=layout::baseline(0) class="node-name">{g.key.clone()}</text>
                {text.lines.iter().enumerate().map(|(i, line)| view! {
                    <text x=layout::PAD_X y=layout::baseline(i + 1) class="node-meta">{line.clone()}</text>
                }).collect_view()}
                <g class=badge_class(g.errors, g.warnings) transform=format!("translate({} {})", w - layout::PAD_X - bw, layout::baseline(1) - 13)>
                    <rect width=bw height=layout::BADGE_HEIGHT rx="9" />
                    <text x=bw / 2 y="13" text-anchor="middle">{badge}</text>
                </g>
                <g class="group-toggle" data-testid=format!("expand-{}", g.key) transform=format!("translate({} {})", w - layout::TOGGLE_ROOM, h - 28)
                    on:click=move |_| expand(&k2)>
                    <rect width="20" height="20" rx="5" />
                    <path d="M 8 5 L 13 10 L 8 15" />
                </g>
            </g>
        }
    };
    let all_collapsed = move || {
        groups.with(|g| collapsed.with(|c| !g.is_empty() && g.iter().all(|g| c.contains(&g.key))))
    };
    let on_search_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            if let Some((id, _)) = matches.with_untracked(|m| m.first().cloned()) {
                focus_service(id);
            }
        }
        "Escape" => query.set(String::new()),
        _ => {}
    };
    let minimap_view = move || {
        let (k, dx, dy) = minimap_fit.get()?;
        let v = view_at(0.0);
        Some((v.x * k + dx, v.y * k + dy, v.w * k, v.h * k))
    };

    view! {
        <section class="canvas-wrap" aria-label="Topology">
            <div class="canvas-tools">
                <button data-testid="add-service" on:click=add_service>"+ Service"</button>
                <button data-testid="connect" title="Add a dependency of the selected service (E)" prop:disabled=move || app.selected().is_none() on:click=connect_button>"Connect"</button>
                <button data-testid="auto-layout" on:click=auto_layout>"Auto layout"</button>
                <button data-testid="fit" on:click=fit_button>"Fit"</button>
                <button aria-label="Zoom in" on:click=move |_| zoom.update(|k| *k = (*k * BUTTON_STEP).min(MAX_ZOOM))>"+"</button>
                <button aria-label="Zoom out" on:click=move |_| zoom.update(|k| *k = (*k / BUTTON_STEP).max(MIN_ZOOM))>"−"</button>
                <span class="hint" title=KEYS_HELP>"drag ● or press E to connect · Del removes"</span>
                <crate::panes::PaneToggles />
                // While a dependency is chosen from the keyboard, this covers the toolbar.
                <p class="canvas-prompt" role="status" data-testid="canvas-status" hidden=move || linking.get().is_none()>
                    {move || if linking.get().is_some() { announce.get() } else { String::new() }}
                </p>
            </div>
            <p id="canvas-keys" class="sr-only">{KEYS_HELP}</p>
            <p class="sr-only" aria-live="polite" data-testid="canvas-announce">{move || announce.get()}</p>
            // The canvas's own area: the grouping and search controls float over its
            // top right and the minimap over its bottom right, whatever height the
            // toolbar above it has (it wraps to two rows in a narrow column).
            <div class="canvas-area">
                <div class="canvas-floats">
                    <select data-testid="group-by" aria-label="Group services by" title="Group services by component or namespace"
                        prop:value=move || group_by.get().key()
                        on:change=move |ev| {
                            let by = GroupBy::from_key(&event_target_value(&ev));
                            crate::storage::set_view_setting(GROUP_BY_KEY, by.key());
                            group_by.set(by);
                            collapsed.set(BTreeSet::new());
                            request_animation_frame(move || {
                                fit();
                            });
                        }>
                        <option value="none">"No groups"</option>
                        <option value="component">"By component"</option>
                        <option value="namespace">"By namespace"</option>
                    </select>
                    <button data-testid="collapse-all" hidden=move || group_by.get() == GroupBy::None
                        on:click=move |_| {
                            if all_collapsed() {
                                collapsed.set(BTreeSet::new());
                            } else {
                                collapsed.set(groups.with_untracked(|g| g.iter().map(|g| g.key.clone()).to_set()));
                            }
                            request_animation_frame(move || {
                                fit();
                            });
                        }>
                        {move || if all_collapsed() { "Expand all" } else { "Collapse all" }}
                    </button>
                    <div class="canvas-search">
                        <input type="search" data-testid="canvas-search" aria-label="Find a service" placeholder="Find a service"
                            prop:value=move || query.get()
                            on:input=move |ev| query.set(event_target_value(&ev))
                            on:keydown=on_search_key />
                        <ul class="search-results" data-testid="search-results" hidden=move || matches.with(Vec::is_empty)>
                            <For each=move || matches.get() key=|m| m.0 children=move |(id, name)| view! {
                                <li><button data-testid=format!("found-{name}") on:click=move |_| focus_service(id)>{name.clone()}</button></li>
                            } />
                        </ul>
                    </div>
                </div>
                <svg
                    class="canvas"
                    class:linking=move || linking.get().is_some()
                    node_ref=svg_ref
                    data-testid="canvas"
                    // F6 comes to the services (or a group's toggle), not the toolbar.
                    data-f6-start=""
                    on:pointermove=on_move
                    on:pointerup=on_up
                    on:pointerleave=on_up
                    on:wheel=on_wheel
                    on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                        if ev.button() == 0 {
                            // The pan follows the pointer until it is released, wherever
                            // it goes: over the controls floating on the canvas, the
                            // minimap, or out of the canvas.
                            if let Some(svg) = svg_ref.get_untracked() {
                                let _ = svg.set_pointer_capture(ev.pointer_id());
                            }
                            gesture.set(Gesture::Panning { x: f64::from(ev.client_x()), y: f64::from(ev.client_y()) });
                            app.select(None);
                            edge_sel.set(None);
                            linking.set(None);
                            found.set(None);
                        }
                    }
                >
                    <defs>
                        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
                        </marker>
                    </defs>
                    <g transform=move || { let (x, y) = pan.get(); format!("translate({x} {y}) scale({})", zoom.get()) }>
                        <g class="groups">
                        <For each=move || frames.get() key=|f| format!("{}|{:?}|{}", f.key, f.frame, f.members) children=move |f| {
                            let r = f.frame;
                            let title = format!("{} · {} service{}", f.key, f.members, if f.members == 1 { "" } else { "s" });
                            let k1 = f.key.clone();
                            let k2 = f.key.clone();
                            view! {
                                <g class="group" data-testid=format!("frame-{}", f.key)>
                                    <rect class="group-frame" x=r.x y=r.y width=r.w height=r.h rx="14" />
                                    <text class="group-title" x=r.x + 34.0 y=r.y + 20.0>{title}</text>
                                    <g class="group-toggle" role="button" tabindex="0" aria-label=format!("Collapse group {}", f.key)
                                        data-testid=format!("collapse-{}", f.key)
                                        transform=format!("translate({} {})", r.x + 8.0, r.y + 6.0)
                                        on:pointerdown=move |ev: leptos::ev::PointerEvent| ev.stop_propagation()
                                        on:click=move |_| collapse(&k1)
                                        on:keydown=move |ev: leptos::ev::KeyboardEvent| {
                                            if ev.key() == "Enter" || ev.key() == " " {
                                                ev.prevent_default();
                                                collapse(&k2);
                                            }
                                        }>
                                        <rect width="20" height="20" rx="5" />
                                        <path d="M 5 8 L 10 13 L 15 8" />
                                    </g>
                                </g>
                            }
                        } />
                        </g>
                        <g class="edges" aria-hidden="true">
                        <For each=move || drawn.get() key=|e| e.clone() children=move |e| {
                            let key = (e.from, e.to);
                            let cross = e.across.is_some();
                            view! {
                                <g class="edge" class:selected=move || edge_sel.get() == Some(key) class:crowded=e.crowded class:cross=cross data-testid=format!("edge-{}-{}", e.from.0, e.to.0)
                                    on:pointerdown=move |ev| { ev.stop_propagation(); edge_sel.set(Some(key)); app.select(None); }>
                                    <title>{e.title.clone()}</title>
                                    <path d=e.d.clone() class="edge-hit" />
                                    <path d=e.d.clone() marker-end="url(#arrow)" class="edge-line" />
                                    <text x=e.at.0.clone() y=e.at.1.clone() text-anchor="middle" class="edge-label">{e.label.clone()}</text>
                                    {e.across.clone().map(|(text, nx, ny)| view! { <text x=nx y=ny class="edge-label edge-namespace">{text}</text> })}
                                </g>
                            }
                        } />
                        </g>
                        <g role="listbox" aria-label="Services" aria-describedby="canvas-keys" data-testid="nodes">
                        <For each=move || items.get() key=|item| item.clone() children=move |item| {
                            let n = match item {
                                Item::Node(n) => n,
                                Item::Group(g) => return group_box(g).into_any(),
                            };
                            let id = n.id;
                            let pos = move || folded.with(|f| f.positions.get(&id).copied().unwrap_or_default());
                            let size = sizes.with_untracked(|s| s.get(&id).copied().unwrap_or_default());
                            let (w, h) = (size.w, size.h);
                            let badge = badge_class(n.errors, n.warnings);
                            let badge_text = n.badge();
                            let bw = layout::badge_width(&badge_text);
                            let lines = n.lines();
                            let title = match &n.public {
                                Some(p) => format!("{} ({p})", n.name),
                                None => n.name.clone(),
                            };
                            let public = n.public.clone().map(|p| (entry_label(&p, w), p));
                            view! {
                                <g class="node" class:selected=move || app.selected() == Some(id) class:absent=!n.deployed
                                    class:found=move || found.get() == Some(id)
                                    class:link-source=move || linking.get() == Some(id)
                                    data-testid=format!("node-{}", n.name)
                                    data-id=id.0.to_string()
                                    role="option"
                                    aria-selected=move || (app.selected() == Some(id)).to_string()
                                    aria-label=n.accessible_name()
                                    tabindex=move || if tab_stop.get() == Some(id) { "0" } else { "-1" }
                                    transform=move || { let p = pos(); format!("translate({} {})", p.x, p.y) }
                                    on:focus=move |ev: leptos::ev::FocusEvent| {
                                        active.set(Some(id));
                                        // Tab into the canvas shows the node it lands on; a
                                        // click (no focus ring) must not pan under the pointer.
                                        if focus_visible(&ev) {
                                            reveal(id);
                                        }
                                    }
                                    on:blur=move |_| app.seal()
                                    on:keydown=move |ev| on_node_key(id, ev)
                                    on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                                        ev.stop_propagation();
                                        app.select(Some(id));
                                        edge_sel.set(None);
                                        if let Some(from) = linking.get_untracked() {
                                            linking.set(None);
                                            if from != id {
                                                connect(app, from, id);
                                            }
                                            return;
                                        }
                                        let (x, y) = to_canvas(f64::from(ev.client_x()), f64::from(ev.client_y()));
                                        let p = pos();
                                        gesture.set(Gesture::Moving { id, dx: x - f64::from(p.x), dy: y - f64::from(p.y), moved: false });
                                    }>
                                    <title>{title}</title>
                                    {public.map(|(text, _)| view! {
                                        <g class="entry" transform="translate(2 -9)">
                                            <circle cx="6" cy="0" r="6" class="globe" />
                                            <ellipse cx="6" cy="0" rx="2.6" ry="6" class="globe" />
                                            <line x1="0" y1="0" x2="12" y2="0" class="globe" />
                                            <text x="17" y="4" class="entry-label">{text}</text>
                                        </g>
                                    })}
                                    <rect class="focus-ring" x="-5" y="-5" width=w + 10 height=h + 10 rx="14" />
                                    <rect width=w height=h rx="10" class="node-box" />
                                    <text x=layout::PAD_X y=layout::baseline(0) class="node-name">{n.name.clone()}</text>
                                    {lines.into_iter().enumerate().map(|(i, line)| view! {
                                        <text x=layout::PAD_X y=layout::baseline(i + 1) class="node-meta">{line}</text>
                                    }).collect_view()}
                                    <g class=badge transform=format!("translate({} {})", w - layout::PAD_X - bw, layout::baseline(1) - 13)>
                                        <rect width=bw height=layout::BADGE_HEIGHT rx="9" />
                                        <text x=bw / 2 y="13" text-anchor="middle">{badge_text}</text>
                                    </g>
                                    <circle cx=w cy=h / 2 r="7" class="handle" data-testid=format!("handle-{}", n.name)
                                        on:pointerdown=move |ev: leptos::ev::PointerEvent| {
                                            ev.stop_propagation();
                                            gesture.set(Gesture::Connecting { from: id });
                                        } />
                                </g>
                            }.into_any()
                        } />
                        </g>
                        {move || match gesture.get() {
                            Gesture::Connecting { from } => fboxes.with(|b| b.get(&from).copied()).map(|a| {
                                let (x, y) = pointer.get();
                                let s = sizes.with(|s| s.get(&from).copied().unwrap_or_default());
                                let top = a.y + a.h - f64::from(s.h);
                                view! { <line x1=a.x + a.w y1=top + f64::from(s.h) / 2.0 x2=x y2=y class="edge-line drawing" /> }
                            }),
                            _ => None,
                        }}
                        {move || {
                            let from = linking.get()?;
                            let to = active.get().filter(|to| *to != from)?;
                            let (a, b) = folded.with(|f| Some((*f.positions.get(&from)?, *f.positions.get(&to)?)))?;
                            let (sa, sb) = folded.with(|f| (f.sizes.get(&from).copied().unwrap_or_default(), f.sizes.get(&to).copied().unwrap_or_default()));
                            Some(view! {
                                <line x1=a.x + sa.w y1=a.y + sa.h / 2 x2=b.x y2=b.y + sb.h / 2 class="edge-line drawing" data-testid="link-preview" />
                            })
                        }}
                    </g>
                </svg>
                {move || (minimap_needed.get() && minimap_hidden.get()).then(|| view! {
                    <button class="minimap-show" data-testid="minimap-show" title="Show the map of the whole design"
                        on:click=move |_| show_minimap(true)>"Map"</button>
                })}
                {move || (minimap_needed.get() && !minimap_hidden.get()).then(|| view! {
                    <div class="minimap-box">
                    <button class="minimap-hide" data-testid="minimap-hide" aria-label="Hide the map"
                        title="Hide the map (it covers this corner of the canvas)"
                        on:click=move |_| show_minimap(false)>"×"</button>
                    <svg class="minimap" node_ref=minimap_ref data-testid="minimap" aria-hidden="true"
                        width=move || minimap_size.get().0 height=move || minimap_size.get().1
                        on:pointerdown=move |ev: leptos::ev::PointerEvent| { ev.prevent_default(); minimap_drag.set(true); minimap_go(&ev); }
                        on:pointermove=move |ev: leptos::ev::PointerEvent| if minimap_drag.get_untracked() { minimap_go(&ev); }
                        on:pointerup=move |_| minimap_drag.set(false)
                        on:pointerleave=move |_| minimap_drag.set(false)>
                        <path class="minimap-nodes" d=move || minimap_path.get() />
                        {move || minimap_view().map(|(x, y, w, h)| view! {
                            <rect class="minimap-view" data-testid="minimap-view" x=format!("{x:.1}") y=format!("{y:.1}") width=format!("{w:.1}") height=format!("{h:.1}") />
                        })}
                    </svg>
                    </div>
                })}
            </div>
        </section>
    }
}

/// Whether the element an event focused shows the focus ring (`:focus-visible`): focus
/// from the keyboard, not from a pointer.
fn focus_visible(ev: &leptos::ev::FocusEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|e| e.matches(":focus-visible").unwrap_or(false))
}
