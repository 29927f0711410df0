//! The topology of one environment as a picture for documents: SVG (drawn here, no
//! browser needed) and Mermaid flowchart text.
//!
//! A diagram shows what the environment runs: one frame per namespace (the
//! environment's own, then each shared environment its edges cross into, with only the
//! services they reach), a box per service (name, workload kind and component, scale,
//! Service ports), an entry box per way in from outside (Ingress, LoadBalancer, Gateway
//! API route) with an arrow to its service, and an arrow per edge labelled with the
//! port it calls (name and number); an edge into another namespace is dashed. What the
//! picture leaves out is said under it (services this environment does not run, edges
//! that lead nowhere here).
//!
//! Geometry is `layout.rs`'s automatic layout, per frame: nodes are sized for their
//! text in DejaVu Sans, nothing overlaps and labels sit where they cover no node. Saved
//! canvas positions are not used: a diagram must stay legible however the canvas was
//! arranged. [`Diagram`] is plain data; [`Diagram::svg`] and [`Diagram::mermaid`] only
//! write it out, escaping every text the design supplies.

use crate::edges::{edge_target, EdgeTarget};
use crate::layout::{self, NodeText, Rect, Route, Sizes};
use crate::model::{effective, Design, Edge, Environment, KeptRoute, Service, ServiceId, Tier};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Room above a frame's nodes for its title.
const TITLE_ROOM: f64 = 30.0;
/// Space between a frame's border and its nodes.
const FRAME_PAD: f64 = 16.0;
/// The least space between two frames (more when a label between them needs it).
const FRAME_GAP: f64 = 64.0;
/// Margin around the whole picture.
const MARGIN: f64 = 16.0;
/// Distance between the baselines of two notes under the frames.
const NOTE_STEP: f64 = 18.0;
/// Width of the colour stripe that marks a service's component.
const STRIPE: f64 = 5.0;
/// The font of every text: DejaVu Sans is what `layout` measures, so text fits in it
/// and in any narrower fallback.
const FONT: &str = "'DejaVu Sans', Arial, Helvetica, sans-serif";
/// Colours of components, given out in the order components first appear.
const PALETTE: [&str; 8] = [
    "#2f6fde", "#d9480f", "#2b8a3e", "#9c36b5", "#c2255c", "#0b7285", "#e67700", "#5c7cfa",
];

/// Why a diagram cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiagramError {
    /// The environment asked for is not in the design.
    #[error("the design has no environment `{name}`; its environments are: {known}")]
    UnknownEnvironment {
        /// The name asked for.
        name: String,
        /// The design's environments, comma-separated (or "none").
        known: String,
    },
}

/// What a box stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeKind {
    /// A service of the design.
    Service {
        /// Its component (may be empty).
        component: String,
    },
    /// A way in from outside the cluster: an Ingress, a LoadBalancer Service or a
    /// Gateway API route.
    Entry,
}

/// One box.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// An identifier unique in the diagram, usable in SVG and Mermaid (`s3`, `e3`).
    pub key: String,
    /// Service or entry.
    pub kind: NodeKind,
    /// The first, bold line.
    pub name: String,
    /// The lines under it.
    pub lines: Vec<String>,
    /// Where it is drawn.
    pub rect: Rect,
    /// Index of its frame in [`Diagram::frames`].
    pub frame: usize,
}

/// One namespace.
#[derive(Clone, Debug, PartialEq)]
pub struct Frame {
    /// The namespace.
    pub namespace: String,
    /// The environment it belongs to.
    pub environment: String,
    /// Its title: namespace, environment and tier.
    pub title: String,
    /// Where it is drawn (title included).
    pub rect: Rect,
}

/// One arrow: an edge of the design, or an entry into its service.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Key of the caller's (or entry's) node.
    pub from: String,
    /// Key of the callee's node.
    pub to: String,
    /// What it calls: the port's name and number.
    pub label: String,
    /// Whether it crosses from one namespace into another.
    pub crossing: bool,
    /// Its curve.
    pub route: Route,
    /// The centre of its label.
    pub label_at: (f64, f64),
}

/// The topology of one environment, laid out.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagram {
    /// The design's name.
    pub design: String,
    /// The environment shown.
    pub environment: String,
    /// Namespaces, the environment's own first.
    pub frames: Vec<Frame>,
    /// Boxes.
    pub nodes: Vec<Node>,
    /// Arrows.
    pub links: Vec<Link>,
    /// Sentences about what is not drawn.
    pub notes: Vec<String>,
    /// Width of the picture.
    pub width: f64,
    /// Height of the picture.
    pub height: f64,
}

/// The diagram of environment `env` of `design`.
pub fn diagram(design: &Design, env: &str) -> Result<Diagram, DiagramError> {
    let Some(here) = design.environment(env) else {
        let known: Vec<&str> = design
            .environments
            .iter()
            .map(|e| e.name.as_str())
            .collect();
        return Err(DiagramError::UnknownEnvironment {
            name: env.to_string(),
            known: if known.is_empty() {
                "none (add one first)".into()
            } else {
                known.join(", ")
            },
        });
    };
    Ok(Builder::new(design, here).build())
}

/// A service's box text as it runs in `env`.
fn service_text(s: &Service, env: &Environment) -> (String, Vec<String>) {
    let e = effective(s, env);
    let kind = crate::render::workload_kind(&e);
    let first = if e.component.is_empty() || e.component == e.name {
        kind.to_string()
    } else {
        format!("{kind} · {}", e.component)
    };
    let ports: Vec<String> = if e.exposure.ports.is_empty() {
        e.ports.iter().map(|p| port_text(&p.name, p.port)).collect()
    } else {
        e.exposure
            .ports
            .iter()
            .map(|p| port_text(&p.name, p.port))
            .collect()
    };
    let ports = if ports.is_empty() {
        "no ports".to_string()
    } else {
        ports.join(" · ")
    };
    (
        e.name.clone(),
        vec![first, crate::insight::scale_text(&e), ports],
    )
}

fn port_text(name: &str, port: u16) -> String {
    if name.is_empty() {
        port.to_string()
    } else {
        format!("{name} {port}")
    }
}

/// What an edge calls: the callee's Service port by name and number.
fn call_label(callee: &Service, port: &str) -> String {
    match callee.service_port(port) {
        Some(p) if port.is_empty() => format!(":{}", p.port),
        Some(p) => format!("{port} :{}", p.port),
        None if port.is_empty() => "·".to_string(),
        None => port.to_string(),
    }
}

/// The ways in from outside to `s` in `env`: (name, lines, label of the arrow).
fn entries(
    s: &Service,
    env: &Environment,
    kept: &[KeptRoute],
) -> Vec<(String, Vec<String>, String)> {
    let e = effective(s, env);
    let mut out = Vec::new();
    // (An Ingress the import kept whole, routing to it by path.)
    for r in kept.iter().filter(|r| r.service == s.name) {
        out.push((
            format!("Ingress {}", r.ingress),
            vec![
                format!("{}{}", r.host, r.path),
                if r.tls { "HTTPS (TLS)" } else { "HTTP" }.to_string(),
            ],
            match r.port.parse::<u16>() {
                Ok(number) => format!(":{number}"),
                Err(_) => call_label(&e, &r.port),
            },
        ));
    }
    if let Some(r) = &e.exposure.ingress {
        let path = if r.path.is_empty() { "/" } else { &r.path };
        out.push((
            "Ingress".to_string(),
            vec![
                format!("{}{path}", r.host),
                if r.tls { "HTTPS (TLS)" } else { "HTTP" }.to_string(),
            ],
            call_label(&e, &r.port),
        ));
    }
    if let Some(lb) = &e.exposure.load_balancer {
        let ports: Vec<String> = lb
            .ports
            .iter()
            .map(|p| port_text(&p.name, p.port))
            .collect();
        out.push((
            "LoadBalancer".to_string(),
            vec![if ports.is_empty() {
                "no ports".to_string()
            } else {
                ports.join(" · ")
            }],
            lb.ports
                .iter()
                .map(|p| {
                    if p.name.is_empty() {
                        format!(":{}", p.port)
                    } else {
                        format!("{} :{}", p.name, p.port)
                    }
                })
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    if let Some(route) = &e.exposure.gateway_route {
        let kind = crate::routes::kind(&e, route).as_str().to_string();
        let host = crate::presets::route_label(&e, env)
            .and_then(|l| l.split_once(' ').map(|(_, h)| h.to_string()))
            .unwrap_or_else(|| "any host".to_string());
        let gateway = match &env.gateway {
            Some(g) => match &g.namespace {
                Some(ns) => format!("Gateway {} in {ns}", g.name),
                None => format!("Gateway {}", g.name),
            },
            None => "no Gateway here".to_string(),
        };
        out.push((kind, vec![host, gateway], call_label(&e, &route.port)));
    }
    out
}

/// One namespace being laid out: its services and entries as a small design for
/// `layout`, whose ids map back to node keys.
struct Part {
    design: Design,
    texts: BTreeMap<ServiceId, (String, NodeKind, String, Vec<String>)>,
}

struct Builder<'d> {
    design: &'d Design,
    here: &'d Environment,
}

impl<'d> Builder<'d> {
    fn new(design: &'d Design, here: &'d Environment) -> Self {
        Builder { design, here }
    }

    fn build(&self) -> Diagram {
        let d = self.design;
        let here = self.here;
        let mut notes = Vec::new();
        // Which environment each drawn service runs in (its frame).
        let mut frame_of: BTreeMap<ServiceId, usize> = BTreeMap::new();
        let mut envs: Vec<&Environment> = vec![here];
        for s in &d.services {
            if here.deploys(s.id) {
                frame_of.insert(s.id, 0);
            }
        }
        let mut drawn_edges: Vec<(&Edge, bool)> = Vec::new();
        for e in &d.edges {
            let (Some(from), Some(to)) = (d.service(e.from), d.service(e.to)) else {
                continue;
            };
            match edge_target(d, here, e) {
                EdgeTarget::NotHere => {}
                EdgeTarget::Local if e.from == e.to => notes.push(format!(
                    "{} calls itself ({}).",
                    from.name,
                    call_label(to, &e.port)
                )),
                EdgeTarget::Local => drawn_edges.push((e, false)),
                EdgeTarget::Shared(env) => {
                    let i = match envs.iter().position(|x| x.name == env.name) {
                        Some(i) => i,
                        None => {
                            envs.push(env);
                            envs.len() - 1
                        }
                    };
                    frame_of.entry(e.to).or_insert(i);
                    drawn_edges.push((e, true));
                }
                EdgeTarget::Ambiguous => notes.push(format!(
                    "{} calls {}, which several shared environments run: not drawn.",
                    from.name, to.name
                )),
                EdgeTarget::Nowhere => notes.push(format!(
                    "{} calls {}, which neither {} nor a shared environment runs: not drawn.",
                    from.name, to.name, here.name
                )),
            }
        }
        let absent: Vec<&str> = d
            .services
            .iter()
            .filter(|s| !here.deploys(s.id) && !frame_of.contains_key(&s.id))
            .map(|s| s.name.as_str())
            .collect();
        if !absent.is_empty() {
            notes.push(format!("Not in {}: {}.", here.name, absent.join(", ")));
        }
        if !here.hosts_services && frame_of.values().all(|f| *f != 0) {
            notes.push(format!("{} runs no services.", here.name));
        }

        let kept: Vec<KeptRoute> = d.kept_routes(here).collect();

        // Each namespace laid out on its own, then the frames side by side.
        let mut next = d.next_id.max(
            d.services
                .iter()
                .map(|s| s.id.0 + 1)
                .max()
                .unwrap_or_default(),
        );
        let mut entry_links: Vec<(ServiceId, ServiceId, String)> = Vec::new();
        let mut parts: Vec<Part> = envs
            .iter()
            .map(|_| Part {
                design: Design::default(),
                texts: BTreeMap::new(),
            })
            .collect();
        for s in &d.services {
            let Some(&f) = frame_of.get(&s.id) else {
                continue;
            };
            let env = envs[f];
            if f == 0 {
                for (name, lines, label) in entries(s, env, &kept) {
                    let id = ServiceId(next);
                    next += 1;
                    parts[0].design.services.push(Service {
                        id,
                        name: name.clone(),
                        ..Service::default()
                    });
                    parts[0]
                        .texts
                        .insert(id, (format!("e{}", id.0), NodeKind::Entry, name, lines));
                    entry_links.push((id, s.id, label));
                }
            }
            let (name, lines) = service_text(s, env);
            parts[f].design.services.push(Service {
                id: s.id,
                name: s.name.clone(),
                ..Service::default()
            });
            parts[f].texts.insert(
                s.id,
                (
                    format!("s{}", s.id.0),
                    NodeKind::Service {
                        component: s.component.clone(),
                    },
                    name,
                    lines,
                ),
            );
        }
        // The layout widens a gap between layers for the labels crossing it: give it
        // the labels drawn here (port name and number), not only the port's name.
        for (e, crossing) in &drawn_edges {
            if !crossing {
                if let (Some(&f), Some(callee)) = (frame_of.get(&e.from), d.service(e.to)) {
                    parts[f].design.edges.push(Edge {
                        port: call_label(&effective(callee, envs[f]), &e.port),
                        ..(*e).clone()
                    });
                }
            }
        }
        for (from, to, port) in &entry_links {
            parts[0].design.edges.push(Edge {
                from: *from,
                to: *to,
                port: port.clone(),
            });
        }

        // Frames stand far enough apart for the labels of the edges between them.
        let gap = drawn_edges
            .iter()
            .filter(|(_, crossing)| *crossing)
            .filter_map(|(e, _)| {
                let callee = d.service(e.to)?;
                Some(layout::label_size(&call_label(callee, &e.port)).0 + 40.0)
            })
            .fold(FRAME_GAP, f64::max)
            .ceil();
        let mut frames = Vec::new();
        let mut nodes: Vec<Node> = Vec::new();
        let mut sizes = Sizes::new();
        let mut placed: BTreeMap<ServiceId, crate::model::Position> = BTreeMap::new();
        let mut x = MARGIN;
        let mut height: f64 = 0.0;
        for (f, part) in parts.iter().enumerate() {
            let mut local = Sizes::new();
            for (id, (_, _, name, lines)) in &part.texts {
                local.insert(
                    *id,
                    layout::node_size(&NodeText {
                        name: name.clone(),
                        badge: String::new(),
                        lines: lines.clone(),
                    }),
                );
            }
            let positions = layout::auto_layout(&part.design, &local);
            let inner = layout::bounds(&positions, &local).unwrap_or(Rect {
                x: 0.0,
                y: 0.0,
                w: 160.0,
                h: 40.0,
            });
            let env = envs[f];
            let title = frame_title(env);
            let width = (inner.w + 2.0 * FRAME_PAD)
                .max(layout::text_width(&title, layout::LINE_PX, true) + 2.0 * FRAME_PAD)
                .ceil();
            let rect = Rect {
                x,
                y: MARGIN,
                w: width,
                h: TITLE_ROOM + inner.h + 2.0 * FRAME_PAD,
            };
            // Whole units, so every node sits on integer coordinates as on the canvas.
            #[allow(clippy::cast_possible_truncation)]
            let (dx, dy) = (
                (x + FRAME_PAD - inner.x).round() as i32,
                (MARGIN + TITLE_ROOM + FRAME_PAD - inner.y).round() as i32,
            );
            for s in &part.design.services {
                let (key, kind, name, lines) = part.texts[&s.id].clone();
                let p = positions.get(&s.id).copied().unwrap_or_default();
                let p = crate::model::Position {
                    x: p.x + dx,
                    y: p.y + dy,
                };
                let size = local.get(&s.id).copied().unwrap_or_default();
                sizes.insert(s.id, size);
                placed.insert(s.id, p);
                nodes.push(Node {
                    key,
                    kind,
                    name,
                    lines,
                    rect: Rect::node(p, size),
                    frame: f,
                });
            }
            height = height.max(rect.h);
            x = (x + width + gap).ceil();
            frames.push(Frame {
                namespace: env.namespace.clone(),
                environment: env.name.clone(),
                title,
                rect,
            });
        }

        // Arrows over the whole picture: entries first, then the design's edges.
        let key_of = |id: ServiceId| -> Option<String> {
            let f = *frame_of.get(&id)?;
            parts[f].texts.get(&id).map(|t| t.0.clone())
        };
        let mut all_edges: Vec<Edge> = Vec::new();
        let mut meta: Vec<(String, String, String, bool)> = Vec::new();
        for (from, to, label) in &entry_links {
            let Some(to_key) = key_of(*to) else { continue };
            all_edges.push(Edge {
                from: *from,
                to: *to,
                port: String::new(),
            });
            meta.push((format!("e{}", from.0), to_key, label.clone(), false));
        }
        for (e, crossing) in &drawn_edges {
            let (Some(a), Some(b)) = (key_of(e.from), key_of(e.to)) else {
                continue;
            };
            let callee = d.service(e.to).map(|s| effective(s, envs[frame_of[&e.to]]));
            let label = callee.map_or_else(|| e.port.clone(), |c| call_label(&c, &e.port));
            all_edges.push((*e).clone());
            meta.push((a, b, label, *crossing));
        }
        let routes = layout::routes(&all_edges, &placed, &sizes);
        let labels: Vec<String> = meta.iter().map(|m| m.2.clone()).collect();
        let mut obstacles: Vec<Rect> = nodes.iter().map(|n| n.rect).collect();
        obstacles.extend(frames.iter().map(|f| Rect {
            h: TITLE_ROOM,
            ..f.rect
        }));
        let spots = layout::place_labels(&routes, &labels, &obstacles);
        let links = meta
            .into_iter()
            .zip(routes)
            .zip(spots)
            .filter_map(|(((from, to, label, crossing), route), spot)| {
                let route = route?;
                Some(Link {
                    from,
                    to,
                    label,
                    crossing,
                    label_at: spot.unwrap_or_else(|| route.at(0.5)),
                    route,
                })
            })
            .collect();

        let width = (x - gap + MARGIN).max(2.0 * MARGIN);
        let notes_height = notes.len() as f64 * NOTE_STEP;
        let width = notes.iter().fold(width, |w, n| {
            w.max(layout::text_width(n, layout::LINE_PX, false) + 2.0 * MARGIN)
        });
        Diagram {
            design: d.name.clone(),
            environment: here.name.clone(),
            frames,
            nodes,
            links,
            notes,
            width: width.ceil(),
            height: (MARGIN + height + notes_height + MARGIN + 4.0).ceil(),
        }
    }
}

/// A frame's title: its namespace and environment, and "shared" for shared
/// infrastructure that other environments call into.
fn frame_title(env: &Environment) -> String {
    let shared = if env.tier == Tier::Shared {
        " (shared)"
    } else {
        ""
    };
    format!(
        "namespace {} · environment {}{shared}",
        env.namespace, env.name
    )
}

/// `text` with the five XML special characters escaped, and control characters (which
/// XML 1.0 cannot carry) turned into spaces.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` as Mermaid reads it inside a quoted label: its entity codes (`#quot;`)
/// for the characters that end the label or would be taken as markup, and line breaks
/// as spaces.
pub fn mermaid_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '"' => out.push_str("#quot;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '|' => out.push_str("#124;"),
            '`' => out.push_str("#96;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

impl Diagram {
    /// The colour of each component, in the order components first appear.
    fn colours(&self) -> BTreeMap<String, &'static str> {
        let mut out = BTreeMap::new();
        for n in &self.nodes {
            if let NodeKind::Service { component } = &n.kind {
                let key = if component.is_empty() {
                    n.name.clone()
                } else {
                    component.clone()
                };
                let k = out.len();
                out.entry(key).or_insert(PALETTE[k % PALETTE.len()]);
            }
        }
        out
    }

    /// The picture as a standalone SVG document (fonts, colours and a white background
    /// written in, so it looks the same in a browser, a document or rasterized).
    pub fn svg(&self) -> String {
        let mut s = String::new();
        let title = format!("{}: environment {}", self.design, self.environment);
        let _ = writeln!(
            s,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"kp-title\" font-family=\"{FONT}\">",
            w = self.width,
            h = self.height
        );
        let _ = writeln!(s, "<title id=\"kp-title\">{}</title>", xml_escape(&title));
        s.push_str(concat!(
            "<defs><marker id=\"kp-arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" ",
            "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto-start-reverse\">",
            "<path d=\"M 0 0 L 10 5 L 0 10 z\" fill=\"#495057\"/></marker></defs>\n"
        ));
        let _ = writeln!(
            s,
            "<rect width=\"{}\" height=\"{}\" fill=\"#ffffff\"/>",
            self.width, self.height
        );
        for f in &self.frames {
            let _ = writeln!(
                s,
                "<g class=\"namespace\" data-namespace=\"{ns}\"><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"10\" fill=\"#f8f9fa\" stroke=\"#868e96\" stroke-dasharray=\"6 4\"/><text x=\"{tx:.1}\" y=\"{ty:.1}\" font-size=\"{px}\" font-weight=\"bold\" fill=\"#343a40\">{title}</text></g>",
                ns = xml_escape(&f.namespace),
                x = f.rect.x,
                y = f.rect.y,
                w = f.rect.w,
                h = f.rect.h,
                tx = f.rect.x + FRAME_PAD,
                ty = f.rect.y + 20.0,
                px = layout::LINE_PX,
                title = xml_escape(&f.title),
            );
        }
        for l in &self.links {
            let dash = if l.crossing {
                " stroke-dasharray=\"7 4\""
            } else {
                ""
            };
            let _ = writeln!(
                s,
                "<path class=\"edge\" data-from=\"{}\" data-to=\"{}\" d=\"{}\" fill=\"none\" stroke=\"#495057\" stroke-width=\"1.5\"{dash} marker-end=\"url(#kp-arrow)\"/>",
                l.from,
                l.to,
                l.route.svg()
            );
        }
        let colours = self.colours();
        for n in &self.nodes {
            let r = n.rect;
            let (class, body) = match &n.kind {
                NodeKind::Entry => (
                    "entry",
                    format!(
                        "<rect width=\"{:.1}\" height=\"{:.1}\" rx=\"{:.1}\" fill=\"#e7f5ff\" stroke=\"#1c7ed6\" stroke-width=\"1.5\"/>",
                        r.w,
                        r.h,
                        12.0
                    ),
                ),
                NodeKind::Service { component } => {
                    let key = if component.is_empty() {
                        &n.name
                    } else {
                        component
                    };
                    let colour = colours.get(key).copied().unwrap_or(PALETTE[0]);
                    (
                        "service",
                        format!(
                            "<rect width=\"{w:.1}\" height=\"{h:.1}\" rx=\"6\" fill=\"#ffffff\" stroke=\"#495057\" stroke-width=\"1.2\"/><rect width=\"{STRIPE}\" height=\"{h:.1}\" rx=\"2\" fill=\"{colour}\"/>",
                            w = r.w,
                            h = r.h
                        ),
                    )
                }
            };
            let _ = write!(
                s,
                "<g class=\"{class}\" data-key=\"{}\" transform=\"translate({:.1} {:.1})\">{body}",
                n.key, r.x, r.y
            );
            let _ = write!(
                s,
                "<text x=\"{}\" y=\"{}\" font-size=\"{}\" font-weight=\"bold\" fill=\"#212529\">{}</text>",
                layout::PAD_X,
                layout::baseline(0),
                layout::NAME_PX,
                xml_escape(&n.name)
            );
            for (i, line) in n.lines.iter().enumerate() {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" font-size=\"{}\" fill=\"#495057\">{}</text>",
                    layout::PAD_X,
                    layout::baseline(i + 1),
                    layout::LINE_PX,
                    xml_escape(line)
                );
            }
            s.push_str("</g>\n");
        }
        for l in &self.links {
            let (w, h) = layout::label_size(&l.label);
            let (cx, cy) = l.label_at;
            let _ = writeln!(
                s,
                "<g class=\"label\"><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"3\" fill=\"#ffffff\" stroke=\"#ced4da\"/><text x=\"{cx:.1}\" y=\"{:.1}\" font-size=\"{}\" text-anchor=\"middle\" fill=\"#212529\">{}</text></g>",
                cx - w / 2.0,
                cy - h / 2.0,
                cy + 4.0,
                layout::LINE_PX,
                xml_escape(&l.label)
            );
        }
        let top = self
            .frames
            .iter()
            .map(|f| f.rect.y + f.rect.h)
            .fold(MARGIN, f64::max);
        for (i, note) in self.notes.iter().enumerate() {
            let _ = writeln!(
                s,
                "<text class=\"note\" x=\"{MARGIN}\" y=\"{:.1}\" font-size=\"{}\" fill=\"#495057\">{}</text>",
                top + NOTE_STEP * (i as f64 + 1.0),
                layout::LINE_PX,
                xml_escape(note)
            );
        }
        s.push_str("</svg>\n");
        s
    }

    /// The topology as a Mermaid flowchart (left to right): a subgraph per namespace,
    /// inside it one per component that has several services, entries as stadiums,
    /// crossing edges dotted. Mermaid lays it out itself.
    pub fn mermaid(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "%% {}: environment {}, drawn by Kubeprint",
            mermaid_escape(&self.design),
            mermaid_escape(&self.environment)
        );
        s.push_str("flowchart LR\n");
        let node_line = |n: &Node| -> String {
            let mut text = mermaid_escape(&n.name);
            if matches!(n.kind, NodeKind::Service { .. }) {
                text = format!("<b>{text}</b>");
            }
            for l in &n.lines {
                text.push_str("<br/>");
                text.push_str(&mermaid_escape(l));
            }
            match n.kind {
                NodeKind::Entry => format!("{}([\"{text}\"])", n.key),
                NodeKind::Service { .. } => format!("{}[\"{text}\"]", n.key),
            }
        };
        for (f, frame) in self.frames.iter().enumerate() {
            let _ = writeln!(s, "  subgraph ns{f}[\"{}\"]", mermaid_escape(&frame.title));
            // A subgraph lays out top to bottom unless told: callers stay left.
            s.push_str("    direction LR\n");
            let mut groups: BTreeMap<&str, Vec<&Node>> = BTreeMap::new();
            let mut order: Vec<&str> = Vec::new();
            for n in self.nodes.iter().filter(|n| n.frame == f) {
                let group = match &n.kind {
                    NodeKind::Service { component } => component.as_str(),
                    NodeKind::Entry => "",
                };
                if !groups.contains_key(group) {
                    order.push(group);
                }
                groups.entry(group).or_default().push(n);
            }
            for (g, group) in order.iter().enumerate() {
                let members = &groups[group];
                let boxed = !group.is_empty() && members.len() > 1;
                if boxed {
                    let _ = writeln!(
                        s,
                        "    subgraph ns{f}g{g}[\"component {}\"]",
                        mermaid_escape(group)
                    );
                }
                for n in members {
                    let indent = if boxed { "      " } else { "    " };
                    let _ = writeln!(s, "{indent}{}", node_line(n));
                }
                if boxed {
                    s.push_str("    end\n");
                }
            }
            s.push_str("  end\n");
        }
        for l in &self.links {
            let arrow = if l.crossing { "-.->" } else { "-->" };
            let _ = writeln!(
                s,
                "  {} {arrow}|\"{}\"| {}",
                l.from,
                mermaid_escape(&l.label),
                l.to
            );
        }
        for (i, n) in self.notes.iter().enumerate() {
            let _ = writeln!(s, "  %% note {}: {}", i + 1, mermaid_escape(n));
        }
        s
    }
}
