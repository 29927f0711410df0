//! Geometry of the canvas, without a browser: how big a node is for its text, the
//! automatic left-to-right layout (callers left of their dependencies, in layers, with a
//! barycentre pass against crossings), where a new node goes so it covers nothing, how
//! an edge runs and where its label sits without covering a node or another label, and
//! which node is next in a direction (the canvas's arrow keys); and what keeps a
//! thousand services legible: groups (by component or namespace) with their frames and
//! their own automatic layout, collapsed groups folded into one box, which boxes a view
//! shows, search by name, and the minimap's one path.
//!
//! Everything here is a pure function of the design and of node sizes; the app only
//! draws what it returns. Text widths are those of DejaVu Sans (the widest common UI
//! sans-serif, the fallback on Linux), so text sized here fits in any other UI font.

use crate::model::{Design, Edge, Environment, Position, ServiceId, Tier};
use crate::order::{self, Collect};
use std::collections::{BTreeMap, BTreeSet};

/// Font size of a node's name, in canvas units (bold).
pub const NAME_PX: f64 = 14.0;
/// Font size of a node's other lines and of edge labels, in canvas units. The smallest
/// text on the canvas: fitting never zooms it below [`MIN_TEXT_PX`] on screen.
pub const LINE_PX: f64 = 12.0;
/// Font size of the findings badge (bold).
pub const BADGE_PX: f64 = 12.0;
/// The smallest on-screen text size Fit allows, in CSS pixels.
pub const MIN_TEXT_PX: f64 = 11.0;
/// Space between a node's border and its text.
pub const PAD_X: i32 = 12;
/// Baseline of the name, from the node's top.
pub const NAME_BASELINE: i32 = 21;
/// Distance between the baselines of two lines of a node.
pub const LINE_STEP: i32 = 17;
/// Space below the last line.
pub const PAD_BOTTOM: i32 = 11;
/// Height of the findings badge.
pub const BADGE_HEIGHT: i32 = 18;
/// The narrowest node.
pub const MIN_WIDTH: i32 = 130;
/// The smallest horizontal distance between two layers; wider where a label must fit.
pub const LAYER_GAP: i32 = 48;
/// Vertical distance between two nodes of one layer. Labels sit in the gaps between
/// layers, so this only needs room for the edges that pass between two nodes.
pub const ROW_GAP: i32 = 24;
/// Margin around the automatic layout.
pub const MARGIN: i32 = 40;
/// The grid step a node moves by from the keyboard.
pub const GRID: i32 = 20;
/// Height of an edge label's box.
pub const LABEL_HEIGHT: i32 = 16;
/// Empty space kept around a label and between labels and nodes.
const LABEL_CLEARANCE: f64 = 3.0;
/// Room a gap between layers has beyond its widest label and that label's clearance,
/// so the label can move along its edge a little to stay clear of the others.
const LABEL_SLACK: f64 = 8.0;

/// Advance widths of printable ASCII (space to `~`) in DejaVu Sans Book and Bold,
/// in thousandths of an em.
const BOOK: [u16; 95] = [
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
];
const BOLD: [u16; 95] = [
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365, 696, 696, 696,
    696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580, 1000, 774, 762, 734, 830, 683,
    683, 821, 837, 372, 372, 775, 637, 995, 837, 850, 733, 850, 770, 720, 682, 812, 774, 1103, 771,
    724, 725, 457, 365, 457, 838, 500, 500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665,
    343, 1042, 712, 687, 716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838,
];

/// The width of `text` at `px` pixels, in DejaVu Sans (an upper bound for UI fonts).
/// Characters outside ASCII count as the widest glyphs (one em), except the few the
/// canvas uses, which have their real widths.
pub fn text_width(text: &str, px: f64, bold: bool) -> f64 {
    let table = if bold { &BOLD } else { &BOOK };
    let milli: u32 = text
        .chars()
        .map(|c| match c {
            ' '..='~' => u32::from(table[c as usize - 32]),
            '–' => 500,
            '·' => 380,
            '▲' => 769,
            _ => 1000,
        })
        .sum();
    f64::from(milli) * px / 1000.0
}

/// How much room a node takes on the canvas.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
}

impl Default for Size {
    /// A node with a short name and three lines.
    fn default() -> Self {
        Size {
            w: MIN_WIDTH,
            h: baseline(3) + PAD_BOTTOM,
        }
    }
}

/// The text of a node, from which its size follows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeText {
    /// The service's name (bold, first line, never shortened).
    pub name: String,
    /// The findings badge, drawn at the right end of the first of `lines`.
    pub badge: String,
    /// The lines below the name.
    pub lines: Vec<String>,
}

/// The baseline of line `i` of a node (0 is the name), from the node's top.
pub fn baseline(i: usize) -> i32 {
    NAME_BASELINE + LINE_STEP * i32::try_from(i).unwrap_or(i32::MAX / LINE_STEP)
}

/// The width of the findings badge showing `text`.
pub fn badge_width(text: &str) -> i32 {
    ceil(text_width(text, BADGE_PX, true)) + 14
}

/// The size of a node showing `text`: wide enough for every line at its full length
/// (and the badge beside the first line), tall enough for every line.
pub fn node_size(text: &NodeText) -> Size {
    let name = ceil(text_width(&text.name, NAME_PX, true));
    let lines = text
        .lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let w = ceil(text_width(l, LINE_PX, false));
            if i == 0 {
                w + 8 + badge_width(&text.badge)
            } else {
                w
            }
        })
        .max()
        .unwrap_or(0);
    Size {
        w: (name.max(lines) + 2 * PAD_X).max(MIN_WIDTH),
        h: baseline(text.lines.len()) + PAD_BOTTOM,
    }
}

/// The longest of `candidates` (tried in order) that fits in `width` at `px`, or the
/// last one. For optional detail that may be left out when a node is narrow.
pub fn fitting<'a>(candidates: &[&'a str], width: f64, px: f64, bold: bool) -> &'a str {
    candidates
        .iter()
        .find(|c| text_width(c, px, bold) <= width)
        .or(candidates.last())
        .copied()
        .unwrap_or("")
}

#[allow(clippy::cast_possible_truncation)]
fn ceil(x: f64) -> i32 {
    x.ceil() as i32
}

/// A rectangle in canvas units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left.
    pub x: f64,
    /// Top.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

impl Rect {
    /// The box of a node at `p` of size `s`.
    pub fn node(p: Position, s: Size) -> Rect {
        Rect {
            x: f64::from(p.x),
            y: f64::from(p.y),
            w: f64::from(s.w),
            h: f64::from(s.h),
        }
    }

    /// Whether the two rectangles share any area.
    pub fn overlaps(&self, o: &Rect) -> bool {
        self.x < o.x + o.w && o.x < self.x + self.w && self.y < o.y + o.h && o.y < self.y + self.h
    }

    /// The rectangle grown by `d` on every side.
    pub fn inflate(&self, d: f64) -> Rect {
        Rect {
            x: self.x - d,
            y: self.y - d,
            w: self.w + 2.0 * d,
            h: self.h + 2.0 * d,
        }
    }

    /// Its centre.
    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// The smallest rectangle around both.
    pub fn union(&self, o: &Rect) -> Rect {
        let (x0, y0) = (self.x.min(o.x), self.y.min(o.y));
        let (x1, y1) = (
            (self.x + self.w).max(o.x + o.w),
            (self.y + self.h).max(o.y + o.h),
        );
        Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        }
    }
}

/// Sizes of nodes by service; a service without one has [`Size::default`].
pub type Sizes = BTreeMap<ServiceId, Size>;

fn size_of(sizes: &Sizes, id: ServiceId) -> Size {
    sizes.get(&id).copied().unwrap_or_default()
}

/// What an edge's label says: the callee's port, or a dot when none is named.
pub fn edge_label(edge: &Edge) -> String {
    if edge.port.is_empty() {
        "·".into()
    } else {
        edge.port.clone()
    }
}

/// The size of the box of an edge label.
pub fn label_size(label: &str) -> (f64, f64) {
    (
        text_width(label, LINE_PX, false) + 6.0,
        f64::from(LABEL_HEIGHT),
    )
}

/// What the layout ([`positions`], [`grouped_positions`]) reads of a design: each
/// service's id and saved position, and the edges. The page lays the design out again
/// only when these changed, not on every edit of a field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Inputs {
    services: Vec<(ServiceId, Option<Position>)>,
    edges: Vec<Edge>,
}

impl Inputs {
    /// The layout's inputs in `design`.
    pub fn of(design: &Design) -> Inputs {
        Inputs {
            services: design.services.iter().map(|s| (s.id, s.position)).collect(),
            edges: design.edges.clone(),
        }
    }

    /// A design with these inputs and nothing else, laid out as the design they came
    /// from is (a unit test holds the layout to that).
    pub fn design(&self) -> Design {
        Design {
            services: self
                .services
                .iter()
                .map(|&(id, position)| crate::model::Service {
                    id,
                    position,
                    ..Default::default()
                })
                .collect(),
            edges: self.edges.clone(),
            ..Design::default()
        }
    }
}

/// A position for every service: its saved one, or one from the automatic layout.
pub fn positions(design: &Design, sizes: &Sizes) -> BTreeMap<ServiceId, Position> {
    let unsaved = design.services.iter().any(|s| s.position.is_none());
    let auto = if unsaved {
        auto_layout(design, sizes)
    } else {
        BTreeMap::new()
    };
    design
        .services
        .iter()
        .map(|s| {
            let p = s.position.or_else(|| auto.get(&s.id).copied());
            (s.id, p.unwrap_or_default())
        })
        .to_map()
}

/// The edges the layout follows: between two services of the design, not to itself,
/// each pair once, in the design's order.
fn layout_edges(design: &Design, index: &BTreeMap<ServiceId, usize>) -> Vec<(usize, usize)> {
    let mut seen = BTreeSet::new();
    design
        .edges
        .iter()
        .filter_map(|e| Some((*index.get(&e.from)?, *index.get(&e.to)?)))
        .filter(|(a, b)| a != b && seen.insert((*a, *b)))
        .collect()
}

/// The edges of a cycle to leave out so that the rest is acyclic: those that go back
/// to a service on the current path of a depth-first walk in the design's order.
fn back_edges(n: usize, edges: &[(usize, usize)]) -> BTreeSet<(usize, usize)> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in edges {
        out[a].push(b);
    }
    // 0 = not visited, 1 = on the path, 2 = done.
    let mut state = vec![0u8; n];
    let mut back = BTreeSet::new();
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = out[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    1 => {
                        back.insert((v, w));
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    back
}

/// The automatic layout, ignoring saved positions: layers from left to right (a
/// service one layer right of the furthest of its callers, cycles cut where a
/// depth-first walk meets them; a service nothing calls one layer left of the nearest
/// service it calls, so a backup job sits beside its database rather than beside the
/// entry point), ordered inside each layer by the barycentre of their neighbours to
/// reduce crossings, each layer centred vertically, and every gap between layers wide
/// enough for the labels of the edges that cross it. A service with no edge at all
/// takes no column of its own: it goes where the layers leave room (see
/// [`place_apart`]). Deterministic.
pub fn auto_layout(design: &Design, sizes: &Sizes) -> BTreeMap<ServiceId, Position> {
    let ids: Vec<ServiceId> = design.services.iter().map(|s| s.id).collect();
    let n = ids.len();
    let index: BTreeMap<ServiceId, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).to_map();
    let all = layout_edges(design, &index);
    let back = back_edges(n, &all);
    let edges: Vec<(usize, usize)> = all.iter().copied().filter(|e| !back.contains(e)).collect();
    let mut linked = vec![false; n];
    for &(a, b) in &all {
        linked[a] = true;
        linked[b] = true;
    }
    // Without any edge, every service is in the one layer.
    let apart: Vec<usize> = if linked.contains(&true) {
        (0..n).filter(|&v| !linked[v]).collect()
    } else {
        Vec::new()
    };

    // Longest-path layering, in topological order (Kahn's, smallest index first).
    let mut indegree = vec![0usize; n];
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &(a, b) in &edges {
        indegree[b] += 1;
        out[a].push(b);
    }
    let sources: Vec<usize> = (0..n).filter(|&v| indegree[v] == 0).collect();
    let mut ready: BTreeSet<usize> = sources.iter().copied().to_set();
    let mut layer = vec![0usize; n];
    while let Some(v) = ready.pop_first() {
        for &w in &out[v] {
            layer[w] = layer[w].max(layer[v] + 1);
            indegree[w] -= 1;
            if indegree[w] == 0 {
                ready.insert(w);
            }
        }
    }
    // A service nothing calls goes next to the nearest service it calls: its edges are
    // then as short as they can be, and it does not widen the first layer.
    for &v in &sources {
        if let Some(nearest) = out[v].iter().map(|&w| layer[w]).min() {
            layer[v] = nearest - 1;
        }
    }
    // Leave out layers that no service is in.
    let used: BTreeSet<usize> = (0..n)
        .filter(|v| !apart.contains(v))
        .map(|v| layer[v])
        .to_set();
    let renumber: BTreeMap<usize, usize> = used.iter().enumerate().map(|(i, l)| (*l, i)).to_map();
    for l in &mut layer {
        *l = renumber.get(l).copied().unwrap_or(0);
    }
    let depth = used.len();
    let mut layers: Vec<Vec<usize>> = vec![Vec::new(); depth];
    for v in (0..n).filter(|v| !apart.contains(v)) {
        layers[layer[v]].push(v);
    }
    order_layers(&mut layers, &edges, &layer);

    // Columns: as wide as their widest node, gaps as wide as the widest label crossing.
    let size = |v: usize| size_of(sizes, ids[v]);
    let widths: Vec<i32> = layers
        .iter()
        .map(|l| l.iter().map(|&v| size(v).w).max().unwrap_or(0))
        .collect();
    let mut gaps = vec![LAYER_GAP; depth];
    for (e, (a, b)) in design
        .edges
        .iter()
        .filter_map(|e| Some((e, (*index.get(&e.from)?, *index.get(&e.to)?))))
    {
        let (lo, hi) = (layer[a].min(layer[b]), layer[a].max(layer[b]));
        let need = ceil(label_size(&edge_label(e)).0 + 2.0 * LABEL_CLEARANCE + LABEL_SLACK);
        for gap in gaps.iter_mut().take(hi).skip(lo) {
            *gap = (*gap).max(need);
        }
    }
    let heights: Vec<i32> = layers
        .iter()
        .map(|l| {
            let h: i32 = l.iter().map(|&v| size(v).h).sum();
            h + ROW_GAP * (i32::try_from(l.len()).unwrap_or(1) - 1).max(0)
        })
        .collect();
    let tallest = heights.iter().copied().max().unwrap_or(0);
    let mut positions = BTreeMap::new();
    let mut columns = Vec::with_capacity(depth);
    let mut x = MARGIN;
    for (i, l) in layers.iter().enumerate() {
        columns.push(x);
        let mut y = MARGIN + (tallest - heights[i]) / 2;
        for &v in l {
            positions.insert(ids[v], Position { x, y });
            y += size(v).h + ROW_GAP;
        }
        x += widths[i] + gaps[i];
    }
    let apart: Vec<ServiceId> = apart.into_iter().map(|v| ids[v]).collect();
    place_apart(&mut positions, sizes, &design.edges, &columns, &apart);
    positions
}

/// Places the services without edges (`apart`) where the layered layout leaves room:
/// at a column's left side, as low as possible, in the first column from the left
/// where the node covers no node and no edge's course (the box between its caller's
/// right side and its callee's left side) and stays inside the layout's box. Where
/// there is no such room, the node goes in a row below everything.
fn place_apart(
    positions: &mut BTreeMap<ServiceId, Position>,
    sizes: &Sizes,
    edges: &[Edge],
    columns: &[i32],
    apart: &[ServiceId],
) {
    let half_gap = f64::from(ROW_GAP) / 2.0 - 1.0;
    // The row below the layout, once a node needs it: its left end and its top.
    let mut row: Option<(i32, i32)> = None;
    for &id in apart {
        let size = size_of(sizes, id);
        let mut taken: Vec<Rect> = positions
            .iter()
            .map(|(other, p)| Rect::node(*p, size_of(sizes, *other)).inflate(half_gap))
            .collect();
        taken.extend(edges.iter().filter_map(|e| {
            let (a, b) = (positions.get(&e.from)?, positions.get(&e.to)?);
            let (sa, sb) = (size_of(sizes, e.from), size_of(sizes, e.to));
            let from = Rect::node(*a, sa);
            let to = Rect::node(*b, sb);
            let x0 = (from.x + from.w).min(to.x);
            let x1 = (from.x + from.w).max(to.x);
            let y0 = from.y.min(to.y);
            let y1 = (from.y + from.h).max(to.y + to.h);
            Some(Rect {
                x: x0,
                y: y0,
                w: x1 - x0,
                h: y1 - y0,
            })
        }));
        let Some(all) = bounds(positions, sizes) else {
            // Nothing laid out yet (not the case: `apart` is then empty).
            positions.insert(
                id,
                Position {
                    x: MARGIN,
                    y: MARGIN,
                },
            );
            continue;
        };
        let fits = |p: Position| {
            let r = Rect::node(p, size);
            r.x + r.w <= all.x + all.w
                && r.y >= all.y
                && r.y + r.h <= all.y + all.h
                && !taken.iter().any(|t| t.overlaps(&r.inflate(half_gap)))
        };
        #[allow(clippy::cast_possible_truncation)]
        let bottom = (all.y + all.h).round() as i32 - size.h;
        let spot = columns.iter().find_map(|&x| {
            let mut y = bottom;
            while f64::from(y) >= all.y {
                let p = Position { x, y };
                if fits(p) {
                    return Some(p);
                }
                y -= GRID;
            }
            None
        });
        let at = spot.unwrap_or_else(|| {
            // A row below the layout as it was before any node went below it, from its
            // left, at the first place that covers nothing.
            #[allow(clippy::cast_possible_truncation)]
            let (x0, y) = *row.get_or_insert((
                all.x.round() as i32,
                (all.y + all.h).round() as i32 + ROW_GAP,
            ));
            (0..)
                .map(|k| Position {
                    x: x0 + k * GRID,
                    y,
                })
                .find(|p| {
                    let r = Rect::node(*p, size).inflate(half_gap);
                    !taken.iter().any(|t| t.overlaps(&r))
                })
                .unwrap_or(Position { x: x0, y })
        });
        positions.insert(id, at);
    }
}

/// Orders each layer by the barycentre of its neighbours' places, sweeping right then
/// left a few times, and keeps the order with the fewest crossings between neighbouring
/// layers.
fn order_layers(layers: &mut [Vec<usize>], edges: &[(usize, usize)], layer: &[usize]) {
    let mut place = vec![0f64; layer.len()];
    for l in layers.iter() {
        for (i, &v) in l.iter().enumerate() {
            place[v] = i as f64;
        }
    }
    let mut best = layers.to_vec();
    let mut fewest = crossings(layers, edges, layer);
    for round in 0..8 {
        let rightward = round % 2 == 0;
        let sweep: Vec<usize> = if rightward {
            (1..layers.len()).collect()
        } else {
            (0..layers.len().saturating_sub(1)).rev().collect()
        };
        for li in sweep {
            let bary = |v: usize| {
                let near: Vec<f64> = edges
                    .iter()
                    .filter_map(|&(a, b)| {
                        let other = if a == v {
                            b
                        } else if b == v {
                            a
                        } else {
                            return None;
                        };
                        let left_of = layer[other] < layer[v];
                        (left_of == rightward).then_some(place[other])
                    })
                    .collect();
                if near.is_empty() {
                    place[v]
                } else {
                    near.iter().sum::<f64>() / near.len() as f64
                }
            };
            let mut keyed: Vec<(f64, f64, usize)> =
                layers[li].iter().map(|&v| (bary(v), place[v], v)).collect();
            order::sort_by(&mut keyed, |a, b| {
                a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1))
            });
            layers[li] = keyed.into_iter().map(|(_, _, v)| v).collect();
            for (i, &v) in layers[li].iter().enumerate() {
                place[v] = i as f64;
            }
        }
        let c = crossings(layers, edges, layer);
        if c < fewest {
            fewest = c;
            best = layers.to_vec();
        }
    }
    layers.clone_from_slice(&best);
}

/// Pairs of edges between the same two neighbouring layers that cross.
fn crossings(layers: &[Vec<usize>], edges: &[(usize, usize)], layer: &[usize]) -> usize {
    let mut place = vec![0f64; layer.len()];
    for l in layers {
        for (i, &v) in l.iter().enumerate() {
            place[v] = i as f64;
        }
    }
    let adjacent: Vec<(usize, f64, f64)> = edges
        .iter()
        .filter(|&&(a, b)| layer[b] == layer[a] + 1)
        .map(|&(a, b)| (layer[a], place[a], place[b]))
        .collect();
    let mut count = 0;
    for (i, e) in adjacent.iter().enumerate() {
        for f in &adjacent[i + 1..] {
            if e.0 == f.0 && (e.1 - f.1) * (e.2 - f.2) < 0.0 {
                count += 1;
            }
        }
    }
    count
}

/// The box around every node (`None` for an empty design).
pub fn bounds(positions: &BTreeMap<ServiceId, Position>, sizes: &Sizes) -> Option<Rect> {
    positions
        .iter()
        .map(|(id, p)| Rect::node(*p, size_of(sizes, *id)))
        .reduce(|a, b| a.union(&b))
}

/// Where a new node of `size` goes: right of `near` (the selected service), else below
/// or above it, else right of everything, at the first place that covers no node
/// (with a row's gap of room around it).
pub fn free_slot(
    positions: &BTreeMap<ServiceId, Position>,
    sizes: &Sizes,
    near: Option<ServiceId>,
    size: Size,
) -> Position {
    let taken = taken(positions, sizes);
    slots(positions, sizes, near, size)
        .into_iter()
        .find(|p| is_free(&taken, *p, size))
        .unwrap_or_else(|| beyond(positions, sizes))
}

/// The room every node takes for [`is_free`]: its box and half a row's gap around it.
fn taken(positions: &BTreeMap<ServiceId, Position>, sizes: &Sizes) -> Vec<Rect> {
    positions
        .iter()
        .map(|(id, p)| Rect::node(*p, size_of(sizes, *id)).inflate(f64::from(ROW_GAP) / 2.0 - 1.0))
        .collect()
}

/// Whether a node of `size` at `p` keeps a row's gap from every node of `taken`.
fn is_free(taken: &[Rect], p: Position, size: Size) -> bool {
    let r = Rect::node(p, size).inflate(f64::from(ROW_GAP) / 2.0 - 1.0);
    !taken.iter().any(|t| t.overlaps(&r))
}

/// The places [`free_slot`] tries, in order: right of `near` level with it, then a
/// row lower and higher in turn, then below it; then right of everything.
fn slots(
    positions: &BTreeMap<ServiceId, Position>,
    sizes: &Sizes,
    near: Option<ServiceId>,
    size: Size,
) -> Vec<Position> {
    let step = size.h + ROW_GAP;
    let mut candidates = Vec::new();
    if let Some((id, p)) = near.and_then(|id| positions.get(&id).map(|p| (id, *p))) {
        let s = size_of(sizes, id);
        let right = p.x + s.w + LAYER_GAP;
        for k in 0..8 {
            candidates.push(Position {
                x: right,
                y: p.y + k * step,
            });
            if k > 0 {
                candidates.push(Position {
                    x: right,
                    y: p.y - k * step,
                });
            }
        }
        candidates.push(Position {
            x: p.x,
            y: p.y + s.h + ROW_GAP,
        });
    }
    if !positions.is_empty() {
        candidates.push(beyond(positions, sizes));
    }
    candidates
}

/// Right of every node, level with the highest: always free.
fn beyond(positions: &BTreeMap<ServiceId, Position>, sizes: &Sizes) -> Position {
    let Some(all) = bounds(positions, sizes) else {
        return Position {
            x: MARGIN,
            y: MARGIN,
        };
    };
    #[allow(clippy::cast_possible_truncation)]
    let (x1, y0) = ((all.x + all.w).round() as i32, all.y.round() as i32);
    Position {
        x: x1 + LAYER_GAP,
        y: y0,
    }
}

/// The path of one edge: a cubic Bézier curve.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Route {
    /// Start, on the caller's right side.
    pub from: (f64, f64),
    /// First control point.
    pub c1: (f64, f64),
    /// Second control point.
    pub c2: (f64, f64),
    /// End, on the callee's left side.
    pub to: (f64, f64),
}

impl Route {
    /// The point at `t` in 0..=1.
    pub fn at(&self, t: f64) -> (f64, f64) {
        let u = 1.0 - t;
        let (a, b, c, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
        (
            a * self.from.0 + b * self.c1.0 + c * self.c2.0 + d * self.to.0,
            a * self.from.1 + b * self.c1.1 + c * self.c2.1 + d * self.to.1,
        )
    }

    /// The SVG path data.
    pub fn svg(&self) -> String {
        let f = |p: (f64, f64)| format!("{:.1} {:.1}", p.0, p.1);
        format!(
            "M {} C {}, {}, {}",
            f(self.from),
            f(self.c1),
            f(self.c2),
            f(self.to)
        )
    }
}

/// The route of every edge of the design whose ends have positions, in the design's
/// order. An edge leaves its caller's right side and enters its callee's left side;
/// several edges on one side are spread along it, ordered by where their other ends
/// are, so they do not start or end in one point.
pub fn routes(
    edges: &[Edge],
    positions: &BTreeMap<ServiceId, Position>,
    sizes: &Sizes,
) -> Vec<Option<Route>> {
    let rect = |id: ServiceId| {
        positions
            .get(&id)
            .map(|p| Rect::node(*p, size_of(sizes, id)))
    };
    // Per service, its outgoing and incoming edges (by index) in the order of the other
    // end's centre from top to bottom.
    let mut outgoing: BTreeMap<ServiceId, Vec<usize>> = BTreeMap::new();
    let mut incoming: BTreeMap<ServiceId, Vec<usize>> = BTreeMap::new();
    for (i, e) in edges.iter().enumerate() {
        if rect(e.from).is_some() && rect(e.to).is_some() {
            outgoing.entry(e.from).or_default().push(i);
            incoming.entry(e.to).or_default().push(i);
        }
    }
    let key = |id: ServiceId| rect(id).map_or((0.0, 0.0), |r| (r.centre().1, r.centre().0));
    let mut slot = vec![(0.5f64, 0.5f64); edges.len()];
    for list in outgoing.values_mut() {
        order::sort_by(list, |a, b| {
            key(edges[*a].to)
                .partial_cmp(&key(edges[*b].to))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let n = list.len() as f64;
        for (k, &i) in list.iter().enumerate() {
            slot[i].0 = (k as f64 + 1.0) / (n + 1.0);
        }
    }
    for list in incoming.values_mut() {
        order::sort_by(list, |a, b| {
            key(edges[*a].from)
                .partial_cmp(&key(edges[*b].from))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let n = list.len() as f64;
        for (k, &i) in list.iter().enumerate() {
            slot[i].1 = (k as f64 + 1.0) / (n + 1.0);
        }
    }
    edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let (a, b) = (rect(e.from)?, rect(e.to)?);
            // Anchors keep to the middle half of a side.
            let from = (a.x + a.w, a.y + a.h * (0.25 + 0.5 * slot[i].0));
            let to = (b.x, b.y + b.h * (0.25 + 0.5 * slot[i].1));
            let reach = ((to.0 - from.0) / 2.0).max(40.0);
            Some(Route {
                from,
                c1: (from.0 + reach, from.1),
                c2: (to.0 - reach, to.1),
                to,
            })
        })
        .collect()
}

/// Where each edge's label goes (its centre), in the order of `routes`: the point of
/// its route nearest the middle whose label box covers no node and no label placed
/// before it. `None` when no such point exists: the label is then shown on demand only.
pub fn place_labels(
    routes: &[Option<Route>],
    labels: &[String],
    nodes: &[Rect],
) -> Vec<Option<(f64, f64)>> {
    const TRIES: [f64; 13] = [
        0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.2, 0.8, 0.14, 0.86, 0.08, 0.92,
    ];
    let mut placed: Vec<Rect> = Vec::new();
    routes
        .iter()
        .zip(labels)
        .map(|(route, label)| {
            let route = route.as_ref()?;
            let (w, h) = label_size(label);
            let spot = TRIES.iter().find_map(|&t| {
                let (cx, cy) = route.at(t);
                let r = Rect {
                    x: cx - w / 2.0,
                    y: cy - h / 2.0,
                    w,
                    h,
                };
                let grown = r.inflate(LABEL_CLEARANCE);
                let clear = !nodes.iter().any(|n| n.overlaps(&grown))
                    && !placed.iter().any(|p| p.overlaps(&grown));
                clear.then_some((r, (cx, cy)))
            });
            spot.map(|(r, c)| {
                placed.push(r);
                c
            })
        })
        .collect()
}

/// A direction of the arrow keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Arrow left.
    Left,
    /// Arrow right.
    Right,
    /// Arrow up.
    Up,
    /// Arrow down.
    Down,
}

impl Direction {
    /// The direction of a `KeyboardEvent.key`, if it is an arrow.
    pub fn of_key(key: &str) -> Option<Direction> {
        match key {
            "ArrowLeft" => Some(Direction::Left),
            "ArrowRight" => Some(Direction::Right),
            "ArrowUp" => Some(Direction::Up),
            "ArrowDown" => Some(Direction::Down),
            _ => None,
        }
    }

    /// One grid step in this direction.
    pub fn step(self, p: Position) -> Position {
        match self {
            Direction::Left => Position { x: p.x - GRID, ..p },
            Direction::Right => Position { x: p.x + GRID, ..p },
            Direction::Up => Position { y: p.y - GRID, ..p },
            Direction::Down => Position { y: p.y + GRID, ..p },
        }
    }
}

/// The nodes from left to right, and from top to bottom within a column: the order in
/// which Home and End and the first Tab into the canvas meet them.
pub fn reading_order(positions: &BTreeMap<ServiceId, Position>) -> Vec<ServiceId> {
    let mut ids: Vec<(i32, i32, ServiceId)> =
        positions.iter().map(|(id, p)| (p.x, p.y, *id)).collect();
    order::sort(&mut ids);
    ids.into_iter().map(|(_, _, id)| id).collect()
}

/// The node an arrow key moves to from `from`: the nearest one whose centre lies in
/// that direction, distance across the direction counting double. Nodes within 45° of
/// the direction come first, so Right leaves a column for the next one rather than
/// for a wider node lower in the same column.
pub fn neighbour(
    positions: &BTreeMap<ServiceId, Position>,
    sizes: &Sizes,
    from: ServiceId,
    dir: Direction,
) -> Option<ServiceId> {
    let centre = |id: ServiceId| {
        positions
            .get(&id)
            .map(|p| Rect::node(*p, size_of(sizes, id)).centre())
    };
    let (x0, y0) = centre(from)?;
    positions
        .keys()
        .filter(|id| **id != from)
        .filter_map(|id| {
            let (x, y) = centre(*id)?;
            let (along, across) = match dir {
                Direction::Right => (x - x0, y - y0),
                Direction::Left => (x0 - x, y - y0),
                Direction::Down => (y - y0, x - x0),
                Direction::Up => (y0 - y, x - x0),
            };
            let aside = across.abs() > along;
            (along > 0.5).then_some((aside, along + 2.0 * across.abs(), *id))
        })
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)))
        .map(|(_, _, id)| id)
}

/// What the canvas groups services by: a frame around the services of one group, which
/// folds into one box when collapsed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum GroupBy {
    /// No groups.
    #[default]
    None,
    /// The service's `app.kubernetes.io/component` (frontend, backend, database, ...).
    Component,
    /// The namespace the service runs in, in the environment shown.
    Namespace,
}

impl GroupBy {
    /// Every choice, in the order the canvas offers them.
    pub const ALL: [GroupBy; 3] = [GroupBy::None, GroupBy::Component, GroupBy::Namespace];

    /// Its name in the page (a select's value).
    pub fn key(self) -> &'static str {
        match self {
            GroupBy::None => "none",
            GroupBy::Component => "component",
            GroupBy::Namespace => "namespace",
        }
    }

    /// The choice named `key`; anything else is no grouping.
    pub fn from_key(key: &str) -> GroupBy {
        GroupBy::ALL
            .into_iter()
            .find(|g| g.key() == key)
            .unwrap_or_default()
    }
}

/// The group of a service without a component.
pub const NO_COMPONENT: &str = "no component";
/// The group of a service that runs nowhere reachable from the environment shown.
pub const NOT_DEPLOYED: &str = "not deployed";

/// The group of every service, by `by`, in environment `env` (empty for
/// [`GroupBy::None`]). By namespace: the environment's namespace where it deploys the
/// service, else the namespace of the one shared environment that runs it (where this
/// environment's callers reach it, as [`crate::edges::target`] says), else
/// [`NOT_DEPLOYED`].
pub fn group_of(design: &Design, env: &Environment, by: GroupBy) -> BTreeMap<ServiceId, String> {
    design
        .services
        .iter()
        .filter_map(|s| {
            let key = match by {
                GroupBy::None => return None,
                GroupBy::Component if s.component.trim().is_empty() => NO_COMPONENT.to_string(),
                GroupBy::Component => s.component.trim().to_string(),
                GroupBy::Namespace if env.deploys(s.id) => env.namespace.clone(),
                GroupBy::Namespace => {
                    let mut shared = design.environments.iter().filter(|e| {
                        e.tier == Tier::Shared && e.name != env.name && e.deploys(s.id)
                    });
                    match (shared.next(), shared.next()) {
                        (Some(one), None) => one.namespace.clone(),
                        _ => NOT_DEPLOYED.to_string(),
                    }
                }
            };
            Some((s.id, key))
        })
        .to_map()
}

/// Room between a group's frame and the nodes inside it.
pub const GROUP_PAD: f64 = 16.0;
/// Height of a group frame's title bar, above its nodes.
pub const GROUP_HEADER: f64 = 30.0;
/// Space between two groups of the grouped automatic layout.
pub const GROUP_GAP: i32 = 60;

/// One group of services on the canvas.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    /// What its services share (a component or a namespace).
    pub key: String,
    /// Its services, in the design's order.
    pub members: Vec<ServiceId>,
    /// Its frame: around its members' boxes, with the title bar above.
    pub frame: Rect,
}

/// The groups of `group_of`, in the order of their first member in `boxes`' keys,
/// each framing its members' boxes.
pub fn groups(
    group_of: &BTreeMap<ServiceId, String>,
    boxes: &BTreeMap<ServiceId, Rect>,
) -> Vec<Group> {
    let mut out: Vec<Group> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, b) in boxes {
        let Some(key) = group_of.get(id) else {
            continue;
        };
        match index.get(key.as_str()) {
            Some(&i) => {
                out[i].members.push(*id);
                out[i].frame = out[i].frame.union(b);
            }
            None => {
                index.insert(key, out.len());
                out.push(Group {
                    key: key.clone(),
                    members: vec![*id],
                    frame: *b,
                });
            }
        }
    }
    for g in &mut out {
        let f = g.frame.inflate(GROUP_PAD);
        g.frame = Rect {
            y: f.y - GROUP_HEADER,
            h: f.h + GROUP_HEADER,
            ..f
        };
    }
    out
}

/// Room above a node for a public entry point's label, as the canvas draws it.
pub const ENTRY_ROOM: i32 = 20;

/// The canvas with its collapsed groups folded: each collapsed group is drawn as one
/// box standing in for its members, at its frame's corner, and the edges of its
/// members lead to that box instead. The rows a collapsed group leaves empty (below its
/// box, down to where its frame ended) are closed, so what was below moves up: grouped
/// in bands, a thousand services collapse into a column of boxes, not boxes a band's
/// height apart. Rows that anything else drawn reaches into stay open.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Folded {
    /// Where each drawn box is: services shown alone, and one stand-in per collapsed
    /// group (keyed by the group's first member).
    pub positions: BTreeMap<ServiceId, Position>,
    /// The size of each drawn box.
    pub sizes: Sizes,
    /// The edges between drawn boxes: an edge inside one collapsed group is left out,
    /// and edges that fold into the same pair of boxes are drawn once.
    pub edges: Vec<Edge>,
    /// The collapsed group each stand-in shows, with its number of members.
    pub stand_ins: BTreeMap<ServiceId, (String, usize)>,
    /// The box each hidden service is drawn in (its group's stand-in).
    pub hidden: BTreeMap<ServiceId, ServiceId>,
    /// The expanded groups, their frames moved with their members.
    pub expanded: Vec<Group>,
    /// The rows closed, `[top, bottom)` in the design's coordinates: sorted, apart.
    pub closed: Vec<(i32, i32)>,
}

impl Folded {
    /// Where something at `y` in the design's coordinates is drawn.
    pub fn drawn_y(&self, y: i32) -> i32 {
        y - self
            .closed
            .iter()
            .take_while(|(_, bottom)| *bottom <= y)
            .map(|(top, bottom)| bottom - top)
            .sum::<i32>()
    }

    /// The closed places as lines in the drawing: where each is, and how many rows.
    fn lines(&self) -> Vec<(i32, i32)> {
        let mut lines = Vec::with_capacity(self.closed.len());
        let mut before = 0;
        for (top, bottom) in &self.closed {
            lines.push((top - before, bottom - top));
            before += bottom - top;
        }
        lines
    }

    /// Where service `id`, drawn at `at` (dragged or moved there), goes in the design:
    /// the inverse of [`Folded::drawn_y`]. What it takes up must not cross a place where
    /// rows were closed, or they would open again: its box with its entry label, and in
    /// an expanded group its frame's title bar and padding too, since the frame follows
    /// it. A member of a group with other members stays between the places around
    /// them (its frame spans from them to it); any other box moves to the nearer side
    /// of a place it would cross.
    pub fn stored(&self, id: ServiceId, at: Position) -> Position {
        let height = size_of(&self.sizes, id).h;
        let group = self.expanded.iter().find(|g| g.members.contains(&id));
        #[allow(clippy::cast_possible_truncation)]
        let (above, below) = match group {
            Some(_) => (
                ENTRY_ROOM + (GROUP_PAD + GROUP_HEADER) as i32,
                GROUP_PAD as i32,
            ),
            None => (ENTRY_ROOM, 0),
        };
        let others = group.and_then(|g| {
            g.members
                .iter()
                .filter(|m| **m != id)
                .filter_map(|m| Some((self.positions.get(m)?.y, size_of(&self.sizes, *m).h)))
                .map(|(top, h)| (top, top + h))
                .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)))
        });
        let lines = self.lines();
        let y = match others {
            Some((top, bottom)) => {
                let mut y = at.y;
                if let Some(floor) = lines.iter().map(|l| l.0).filter(|l| *l <= top).max() {
                    y = y.max(floor + above);
                }
                if let Some(ceiling) = lines.iter().map(|l| l.0).filter(|l| *l >= bottom).min() {
                    y = y.min(ceiling - height - below);
                }
                y
            }
            None => beside_lines(&lines, at.y, height + below, above),
        };
        self.undrawn(&lines, at.x, y, above)
    }

    /// Where a new box `height` high, in no group yet, drawn at `at`, goes in the
    /// design: as [`Folded::stored`] puts a box of no group.
    pub fn stored_box(&self, at: Position, height: i32) -> Position {
        let lines = self.lines();
        let y = beside_lines(&lines, at.y, height, ENTRY_ROOM);
        self.undrawn(&lines, at.x, y, ENTRY_ROOM)
    }

    /// Where a new box of `size` goes in the design's coordinates: the first free place
    /// in the drawing ([`free_slot`]'s, near `near`) that stays free once kept off the
    /// closed rows ([`Folded::stored_box`] may move it up or down to their side), and
    /// outside the expanded groups' frames (it is none of their members).
    pub fn new_box(&self, near: Option<ServiceId>, size: Size) -> Position {
        let mut taken = taken(&self.positions, &self.sizes);
        taken.extend(
            self.expanded
                .iter()
                .map(|g| g.frame.inflate(f64::from(ROW_GAP) / 2.0 - 1.0)),
        );
        slots(&self.positions, &self.sizes, near, size)
            .into_iter()
            .map(|p| self.stored_box(p, size.h))
            .find(|at| {
                let drawn = Position {
                    x: at.x,
                    y: self.drawn_y(at.y),
                };
                is_free(&taken, drawn, size)
            })
            .unwrap_or_else(|| {
                let p = beyond(&self.positions, &self.sizes);
                self.stored_box(p, size.h)
            })
    }

    /// The design's position of a box drawn with its top at `y`, taking up `above` more
    /// above it: the rows closed above it put back.
    fn undrawn(&self, lines: &[(i32, i32)], x: i32, y: i32, above: i32) -> Position {
        let rows: i32 = lines
            .iter()
            .filter(|(line, _)| y - above >= *line)
            .map(|(_, rows)| rows)
            .sum();
        Position { x, y: y + rows }
    }
}

/// The top nearest `y` for a box that takes up `down` below its top and `up` above it,
/// crossing none of `lines`: its top may not be in (line - down, line + up).
fn beside_lines(lines: &[(i32, i32)], y: i32, down: i32, up: i32) -> i32 {
    let mut zone: Option<(i32, i32)> = None;
    for &(line, _) in lines {
        let (lo, hi) = (line - down, line + up);
        zone = match zone {
            Some((a, b)) if lo < b => Some((a, hi)),
            Some((a, b)) if a < y && y < b => break,
            _ => Some((lo, hi)),
        };
    }
    match zone.filter(|(lo, hi)| *lo < y && y < *hi) {
        Some((lo, hi)) if y - lo <= hi - y => lo,
        Some((_, hi)) => hi,
        None => y,
    }
}

/// The text of a collapsed group's box: its name and how many services it holds.
pub fn collapsed_text(key: &str, members: usize, badge: &str) -> NodeText {
    NodeText {
        name: key.to_string(),
        badge: badge.to_string(),
        lines: vec![
            format!("{members} service{}", if members == 1 { "" } else { "s" }),
            "collapsed group".into(),
        ],
    }
}

/// Room a collapsed group's box keeps at its right for its expand toggle (a 20-unit
/// button 10 units in from the border), beside its last line.
pub const TOGGLE_ROOM: i32 = 30;

/// The size of a collapsed group's box with `text`: a node's, and wide enough that its
/// expand toggle covers none of its last line.
pub fn collapsed_size(text: &NodeText) -> Size {
    let size = node_size(text);
    let last = text
        .lines
        .last()
        .map_or(0, |l| ceil(text_width(l, LINE_PX, false)));
    Size {
        w: size.w.max(PAD_X + last + 8 + TOGGLE_ROOM),
        ..size
    }
}

/// Folds the groups named in `collapsed` (see [`Folded`]). `badges` gives each group's
/// findings badge, which the collapsed box's size follows.
pub fn fold(
    positions: &BTreeMap<ServiceId, Position>,
    sizes: &Sizes,
    edges: &[Edge],
    groups: &[Group],
    collapsed: &BTreeSet<String>,
    badges: &BTreeMap<String, String>,
) -> Folded {
    let mut out = Folded {
        positions: positions.clone(),
        sizes: sizes.clone(),
        ..Folded::default()
    };
    for g in groups.iter().filter(|g| collapsed.contains(&g.key)) {
        let Some(&first) = g.members.first() else {
            continue;
        };
        for m in &g.members {
            out.positions.remove(m);
            out.sizes.remove(m);
            out.hidden.insert(*m, first);
        }
        let badge = badges.get(&g.key).map_or("✓", String::as_str);
        #[allow(clippy::cast_possible_truncation)]
        let at = Position {
            x: (g.frame.x + GROUP_PAD).round() as i32,
            y: (g.frame.y + GROUP_HEADER).round() as i32,
        };
        out.positions.insert(first, at);
        out.sizes.insert(
            first,
            collapsed_size(&collapsed_text(&g.key, g.members.len(), badge)),
        );
        out.stand_ins
            .insert(first, (g.key.clone(), g.members.len()));
    }
    let drawn = |id: ServiceId| out.hidden.get(&id).copied().unwrap_or(id);
    let mut seen = BTreeSet::new();
    out.edges = edges
        .iter()
        .filter_map(|e| {
            let (from, to) = (drawn(e.from), drawn(e.to));
            (from != to && seen.insert((from, to))).then(|| Edge {
                from,
                to,
                port: e.port.clone(),
            })
        })
        .collect();
    out.expanded = groups
        .iter()
        .filter(|g| !collapsed.contains(&g.key))
        .cloned()
        .collect();
    out.closed = empty_rows(&out, groups, collapsed);
    if !out.closed.is_empty() {
        let moved: Vec<(ServiceId, i32)> = out
            .positions
            .iter()
            .map(|(id, p)| (*id, out.drawn_y(p.y)))
            .collect();
        for (id, y) in moved {
            if let Some(p) = out.positions.get_mut(&id) {
                p.y = y;
            }
        }
        let shifts: Vec<f64> = out
            .expanded
            .iter()
            .map(|g| f64::from(out.drawn_y(g.frame.y.floor() as i32)) - g.frame.y.floor())
            .collect();
        for (g, dy) in out.expanded.iter_mut().zip(shifts) {
            g.frame.y += dy;
        }
    }
    out
}

/// The rows a collapsed group leaves empty once folded: above its box (its title bar's)
/// and below it, within its frame, wherever nothing else drawn is (a box with room for
/// its entry label, an expanded group's frame). Sorted and apart; a group's box keeps
/// [`GROUP_PAD`] above and below it.
#[allow(clippy::cast_possible_truncation)]
fn empty_rows(out: &Folded, groups: &[Group], collapsed: &BTreeSet<String>) -> Vec<(i32, i32)> {
    let pad = GROUP_PAD as i32;
    let mut freed = Vec::new();
    for g in groups.iter().filter(|g| collapsed.contains(&g.key)) {
        let Some(first) = g.members.first() else {
            continue;
        };
        let (Some(at), Some(size)) = (out.positions.get(first), out.sizes.get(first)) else {
            continue;
        };
        let (top, bottom) = (
            g.frame.y.ceil() as i32,
            (g.frame.y + g.frame.h).floor() as i32,
        );
        freed.push((top, at.y - pad));
        freed.push((at.y + size.h + pad, bottom));
    }
    let taken = out
        .positions
        .iter()
        .map(|(id, p)| (p.y - ENTRY_ROOM, p.y + size_of(&out.sizes, *id).h))
        .chain(out.expanded.iter().map(|g| {
            (
                g.frame.y.floor() as i32,
                (g.frame.y + g.frame.h).ceil() as i32,
            )
        }))
        .collect();
    without(merged(freed), &merged(taken))
}

/// The union of `spans` (`[top, bottom)` each): sorted, apart, none empty.
fn merged(mut spans: Vec<(i32, i32)>) -> Vec<(i32, i32)> {
    spans.retain(|(top, bottom)| top < bottom);
    order::sort(&mut spans);
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(spans.len());
    for (top, bottom) in spans {
        match out.last_mut() {
            Some(last) if top <= last.1 => last.1 = last.1.max(bottom),
            _ => out.push((top, bottom)),
        }
    }
    out
}

/// What of `spans` lies outside every span of `taken` (both as [`merged`] gives them).
fn without(spans: Vec<(i32, i32)>, taken: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    for (mut top, bottom) in spans {
        for &(t, b) in taken {
            if b <= top || t >= bottom {
                continue;
            }
            if t > top {
                out.push((top, t));
            }
            top = top.max(b);
        }
        if top < bottom {
            out.push((top, bottom));
        }
    }
    out
}

/// The boxes of `boxes` that overlap `view` (in canvas units): what the canvas draws.
pub fn visible(boxes: &BTreeMap<ServiceId, Rect>, view: &Rect) -> BTreeSet<ServiceId> {
    boxes
        .iter()
        .filter(|(_, b)| b.overlaps(view))
        .map(|(id, _)| *id)
        .to_set()
}

/// Whether an edge between boxes `a` and `b` may cross `view`: its route stays inside
/// the rectangle around both boxes, widened by the curve's reach.
pub fn edge_may_show(a: &Rect, b: &Rect, view: &Rect) -> bool {
    a.union(b).inflate(40.0).overlaps(view)
}

/// The automatic layout with groups kept apart: each group laid out on its own (as
/// [`auto_layout`] does, with the edges inside it), the groups then stacked from top to
/// bottom in the order of their first service, [`GROUP_GAP`] apart. Services of no
/// group come last, as one more band.
pub fn grouped_layout(
    design: &Design,
    sizes: &Sizes,
    group_of: &BTreeMap<ServiceId, String>,
) -> BTreeMap<ServiceId, Position> {
    let mut order: Vec<Option<&String>> = Vec::new();
    for s in &design.services {
        let g = group_of.get(&s.id);
        if !order.contains(&g) {
            order.push(g);
        }
    }
    let mut out = BTreeMap::new();
    let mut top = 0;
    for g in order {
        let members: BTreeSet<ServiceId> = design
            .services
            .iter()
            .filter(|s| group_of.get(&s.id) == g)
            .map(|s| s.id)
            .to_set();
        let part = Design {
            services: design
                .services
                .iter()
                .filter(|s| members.contains(&s.id))
                .cloned()
                .collect(),
            edges: design
                .edges
                .iter()
                .filter(|e| members.contains(&e.from) && members.contains(&e.to))
                .cloned()
                .collect(),
            ..Design::default()
        };
        // A group without edges inside (a thousand copies of one role) is a grid, not
        // one column as tall as the group.
        let laid = if part.edges.is_empty() {
            grid(&part, sizes)
        } else {
            auto_layout(&part, sizes)
        };
        let (min_y, max_y) = laid.iter().fold((i32::MAX, i32::MIN), |(lo, hi), (id, p)| {
            (lo.min(p.y), hi.max(p.y + size_of(sizes, *id).h))
        });
        if min_y > max_y {
            continue;
        }
        // Each band leaves room for its frame's title bar and padding.
        #[allow(clippy::cast_possible_truncation)]
        let head = (GROUP_HEADER + GROUP_PAD) as i32;
        let shift = top + head - min_y;
        for (id, p) in laid {
            out.insert(
                id,
                Position {
                    x: p.x,
                    y: p.y + shift,
                },
            );
        }
        #[allow(clippy::cast_possible_truncation)]
        let pad = GROUP_PAD as i32;
        top += head + (max_y - min_y) + pad + GROUP_GAP;
    }
    out
}

/// The services of `design` in a near-square grid, in design order, each cell as big as
/// the biggest node plus the gaps of the automatic layout.
fn grid(design: &Design, sizes: &Sizes) -> BTreeMap<ServiceId, Position> {
    let n = design.services.len();
    let (w, h) = design.services.iter().fold((0, 0), |(w, h), s| {
        let size = size_of(sizes, s.id);
        (w.max(size.w), h.max(size.h))
    });
    // Room above each node for a public entry point's label, as the canvas draws it.
    let (cw, ch) = (w + LAYER_GAP, h + ROW_GAP + 20);
    // As many columns as make the grid about as wide as it is tall.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let cols = (((n as f64) * f64::from(ch) / f64::from(cw.max(1)))
        .sqrt()
        .ceil() as usize)
        .max(1);
    design
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| {
            #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
            let (c, r) = ((i % cols) as i32, (i / cols) as i32);
            (
                s.id,
                Position {
                    x: MARGIN + c * cw,
                    y: MARGIN + r * ch,
                },
            )
        })
        .to_map()
}

/// A position for every service as [`positions`] gives it, except that services without
/// a saved one are laid out by [`grouped_layout`] when there are groups.
pub fn grouped_positions(
    design: &Design,
    sizes: &Sizes,
    group_of: &BTreeMap<ServiceId, String>,
) -> BTreeMap<ServiceId, Position> {
    if group_of.is_empty() || design.services.iter().all(|s| s.position.is_some()) {
        return positions(design, sizes);
    }
    let auto = grouped_layout(design, sizes, group_of);
    design
        .services
        .iter()
        .map(|s| {
            (
                s.id,
                s.position
                    .or_else(|| auto.get(&s.id).copied())
                    .unwrap_or_default(),
            )
        })
        .to_map()
}

/// The services whose name matches `query` (ignoring case and surrounding space): the
/// exact name first, then names that start with it, then names that contain it, each
/// in name order. An empty query matches nothing.
pub fn search(design: &Design, query: &str) -> Vec<ServiceId> {
    let q = query.trim().to_lowercase();
    if q.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<(u8, String, ServiceId)> = design
        .services
        .iter()
        .filter_map(|s| {
            let name = s.name.to_lowercase();
            let rank = if name == q {
                0
            } else if name.starts_with(&q) {
                1
            } else if name.contains(&q) {
                2
            } else {
                return None;
            };
            Some((rank, name, s.id))
        })
        .collect();
    order::sort(&mut hits);
    hits.into_iter().map(|(_, _, id)| id).collect()
}

/// The minimap's size on a canvas of `view` (width, height) screen pixels: `most`, or
/// smaller on a small canvas so that it covers at most a quarter of its width and of
/// its height, but never below 40 % of `most` (smaller, it shows nothing useful).
pub fn minimap_size(view: (f64, f64), most: (f64, f64)) -> (f64, f64) {
    let scale = (0.25 * view.0 / most.0)
        .min(0.25 * view.1 / most.1)
        .clamp(0.4, 1.0);
    (most.0 * scale, most.1 * scale)
}

/// How a minimap of `width` × `height` pixels shows the canvas rectangle `all`: the
/// scale and the offset of canvas point (0, 0), so that `all` fits whole and centred.
pub fn minimap_fit(all: &Rect, width: f64, height: f64) -> (f64, f64, f64) {
    let k = (width / all.w.max(1.0)).min(height / all.h.max(1.0));
    let dx = (width - all.w * k) / 2.0 - all.x * k;
    let dy = (height - all.h * k) / 2.0 - all.y * k;
    (k, dx, dy)
}

/// One SVG path of every box in `boxes`, scaled by `k` and moved by (`dx`, `dy`): the
/// minimap draws a thousand services as one element.
pub fn minimap_path(boxes: &BTreeMap<ServiceId, Rect>, (k, dx, dy): (f64, f64, f64)) -> String {
    let mut d = String::with_capacity(boxes.len() * 32);
    for b in boxes.values() {
        use std::fmt::Write;
        let _ = write!(
            d,
            "M{:.1} {:.1}h{:.1}v{:.1}h{:.1}z",
            b.x * k + dx,
            b.y * k + dy,
            (b.w * k).max(1.0),
            (b.h * k).max(1.0),
            -(b.w * k).max(1.0)
        );
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Edge, Service};
    use crate::templates;

    /// Sizes as the canvas computes them, from names and three lines.
    fn sizes(d: &Design) -> Sizes {
        d.services
            .iter()
            .map(|s| {
                let text = NodeText {
                    name: s.name.clone(),
                    badge: "▲2".into(),
                    lines: vec![
                        "StatefulSet".into(),
                        "HPA 2–6".into(),
                        "postgres 5432".into(),
                    ],
                };
                (s.id, node_size(&text))
            })
            .collect()
    }

    fn all_templates() -> Vec<Design> {
        vec![
            templates::miniredis(),
            templates::connectum(),
            templates::stfc_fastapi(),
            templates::framework_m(),
            templates::scaled(30),
        ]
    }

    fn rects(p: &BTreeMap<ServiceId, Position>, s: &Sizes) -> Vec<(ServiceId, Rect)> {
        p.iter()
            .map(|(id, pos)| (*id, Rect::node(*pos, size_of(s, *id))))
            .collect()
    }

    #[test]
    fn text_is_measured_in_dejavu_sans() {
        // 'm' is 1042/1000 em in DejaVu Sans Bold; the name of miniredis's widest node.
        assert!((text_width("m", 14.0, true) - 14.588).abs() < 0.001);
        assert!(text_width("monitoring-service", NAME_PX, true) > 140.0);
        assert!(text_width("iii", 12.0, false) < text_width("mmm", 12.0, false));
    }

    #[test]
    fn a_node_is_as_wide_as_its_longest_line_and_tall_enough_for_all() {
        let short = node_size(&NodeText {
            name: "db".into(),
            badge: "✓".into(),
            lines: vec!["StatefulSet".into()],
        });
        assert_eq!(short.w, MIN_WIDTH);
        let name = "a-service-with-a-very-long-name-that-must-not-be-cut";
        let long = node_size(&NodeText {
            name: name.into(),
            badge: "✓".into(),
            lines: vec!["Deployment".into(), "1 replica".into(), "http 80".into()],
        });
        assert!(f64::from(long.w) >= text_width(name, NAME_PX, true) + 2.0 * f64::from(PAD_X));
        assert_eq!(long.h, baseline(3) + PAD_BOTTOM);
        assert!(long.h > short.h);
    }

    #[test]
    fn no_two_nodes_overlap() {
        for d in all_templates() {
            let s = sizes(&d);
            let r = rects(&auto_layout(&d, &s), &s);
            assert_eq!(r.len(), d.services.len());
            for (i, (a, ra)) in r.iter().enumerate() {
                for (b, rb) in &r[i + 1..] {
                    assert!(!ra.overlaps(rb), "{}: {a:?} and {b:?} overlap", d.name);
                }
            }
        }
    }

    #[test]
    fn every_edge_points_right_when_the_graph_is_acyclic() {
        for d in all_templates() {
            let s = sizes(&d);
            let p = auto_layout(&d, &s);
            for e in &d.edges {
                let from = Rect::node(p[&e.from], s[&e.from]);
                assert!(from.x + from.w < f64::from(p[&e.to].x), "{}: {e:?}", d.name);
            }
        }
    }

    #[test]
    fn miniredis_reads_in_four_layers_from_the_frontend() {
        let d = templates::miniredis();
        let s = sizes(&d);
        let p = auto_layout(&d, &s);
        let x = |name: &str| p[&d.service_named(name).unwrap().id].x;
        assert!(x("frontend") < x("api-gateway"));
        assert!(x("api-gateway") < x("backend"));
        assert_eq!(x("backend"), x("auth-service"));
        assert_eq!(x("backend"), x("monitoring-service"));
        assert!(x("backend") < x("postgres-main"));
        assert_eq!(x("postgres-main"), x("node-manager"));
        let columns: BTreeSet<i32> = p.values().map(|p| p.x).collect();
        assert_eq!(columns.len(), 4);
    }

    #[test]
    fn a_service_nothing_calls_sits_beside_the_service_it_calls() {
        // The backup CronJobs call only their databases: they go in the layer left of
        // them, beside the services that call the same databases, not in the first.
        let d = templates::miniredis();
        let s = sizes(&d);
        let p = auto_layout(&d, &s);
        let x = |name: &str| p[&d.service_named(name).unwrap().id].x;
        assert_eq!(x("postgres-main-backup"), x("backend"));
        assert_eq!(x("postgres-auth-backup"), x("auth-service"));
        assert!(
            x("frontend") < x("api-gateway"),
            "the entry point stays first"
        );
    }

    #[test]
    fn a_service_without_edges_takes_no_column_of_its_own() {
        // miniredis's restore test calls nothing and nothing calls it: it goes where the
        // layers leave room, inside their box, without widening a column.
        let d = templates::miniredis();
        let s = sizes(&d);
        let p = auto_layout(&d, &s);
        let restore = d.service_named("postgres-main-restore-test").unwrap().id;
        let others: BTreeMap<ServiceId, Position> = p
            .iter()
            .filter(|(id, _)| **id != restore)
            .map(|(id, p)| (*id, *p))
            .collect();
        let inner = bounds(&others, &s).unwrap();
        let r = Rect::node(p[&restore], s[&restore]);
        assert!(
            r.x >= inner.x && r.x + r.w <= inner.x + inner.w,
            "{r:?} in {inner:?}"
        );
        assert!(
            r.y >= inner.y && r.y + r.h <= inner.y + inner.h,
            "{r:?} in {inner:?}"
        );
        // No edge runs through it: every edge's course (from its caller's right side to
        // its callee's left side) keeps clear.
        for e in &d.edges {
            let (a, b) = (
                Rect::node(p[&e.from], s[&e.from]),
                Rect::node(p[&e.to], s[&e.to]),
            );
            let course = Rect {
                x: a.x + a.w,
                y: a.y.min(b.y),
                w: b.x - (a.x + a.w),
                h: (a.y + a.h).max(b.y + b.h) - a.y.min(b.y),
            };
            assert!(!course.overlaps(&r), "{e:?} runs through the restore test");
        }

        // Many such services, more than the room there is: still no overlap, the rest
        // in a row below.
        let mut d = templates::miniredis();
        for k in 0..12 {
            d.services.push(Service {
                id: ServiceId(500 + k),
                name: format!("lonely-{k}"),
                ..Service::default()
            });
        }
        let s = sizes(&d);
        let r = rects(&auto_layout(&d, &s), &s);
        assert_eq!(r.len(), d.services.len());
        for (i, (a, ra)) in r.iter().enumerate() {
            for (b, rb) in &r[i + 1..] {
                assert!(!ra.overlaps(rb), "{a:?} and {b:?} overlap");
            }
        }
    }

    #[test]
    fn the_barycentre_pass_removes_the_crossing_of_miniredis() {
        // auth-service -> postgres-auth and backend -> postgres-main must not cross.
        let d = templates::miniredis();
        let s = sizes(&d);
        let p = auto_layout(&d, &s);
        let y = |name: &str| p[&d.service_named(name).unwrap().id].y;
        assert_eq!(
            y("auth-service") < y("backend"),
            y("postgres-auth") < y("postgres-main")
        );
        let layered = |d: &Design| {
            let idx: BTreeMap<ServiceId, usize> = d
                .services
                .iter()
                .enumerate()
                .map(|(i, s)| (s.id, i))
                .collect();
            layout_edges(d, &idx)
        };
        let edges = layered(&d);
        let mut crossing = 0;
        for (i, &(a, b)) in edges.iter().enumerate() {
            for &(c, e) in &edges[i + 1..] {
                let (a, b, c, e) = (
                    &d.services[a],
                    &d.services[b],
                    &d.services[c],
                    &d.services[e],
                );
                let px = |s: &Service| p[&s.id];
                if px(a).x == px(c).x && px(b).x == px(e).x {
                    let d1 = px(a).y - px(c).y;
                    let d2 = px(b).y - px(e).y;
                    if d1.signum() * d2.signum() < 0 {
                        crossing += 1;
                    }
                }
            }
        }
        assert_eq!(crossing, 0);
    }

    #[test]
    fn the_layout_is_deterministic_and_survives_cycles() {
        let mut d = templates::stfc_fastapi();
        let (a, b) = (d.services[0].id, d.services[1].id);
        d.edges.push(Edge {
            from: b,
            to: a,
            port: String::new(),
        });
        d.edges.push(Edge {
            from: a,
            to: a,
            port: String::new(),
        });
        let s = sizes(&d);
        let first = auto_layout(&d, &s);
        assert_eq!(first, auto_layout(&d, &s));
        assert_eq!(first.len(), d.services.len());
        let r = rects(&first, &s);
        for (i, (_, ra)) in r.iter().enumerate() {
            for (_, rb) in &r[i + 1..] {
                assert!(!ra.overlaps(rb));
            }
        }
    }

    #[test]
    fn saved_positions_win() {
        let mut d = templates::stfc_fastapi();
        d.services[0].position = Some(Position { x: 7, y: 9 });
        let p = positions(&d, &Sizes::new());
        assert_eq!(p[&d.services[0].id], Position { x: 7, y: 9 });
        assert_eq!(p.len(), d.services.len());
    }

    #[test]
    fn a_new_node_covers_no_other_one() {
        for d in all_templates() {
            let s = sizes(&d);
            let mut p = auto_layout(&d, &s);
            let mut sz = s.clone();
            let near_choices: Vec<Option<ServiceId>> = std::iter::once(None)
                .chain(d.services.iter().map(|s| Some(s.id)))
                .collect();
            for (k, near) in near_choices.into_iter().enumerate().take(12) {
                let new_id = ServiceId(10_000 + u32::try_from(k).unwrap());
                let size = Size::default();
                let at = free_slot(&p, &sz, near, size);
                let r = Rect::node(at, size);
                for (id, other) in rects(&p, &sz) {
                    assert!(!r.overlaps(&other), "{}: new node on {id:?}", d.name);
                }
                p.insert(new_id, at);
                sz.insert(new_id, size);
            }
        }
        let empty = free_slot(&BTreeMap::new(), &Sizes::new(), None, Size::default());
        assert_eq!(
            empty,
            Position {
                x: MARGIN,
                y: MARGIN
            }
        );
    }

    #[test]
    fn a_new_node_goes_beside_the_selection() {
        let d = templates::miniredis();
        let s = sizes(&d);
        let p = auto_layout(&d, &s);
        let last = d.service_named("postgres-auth").unwrap().id;
        let at = free_slot(&p, &s, Some(last), Size::default());
        assert_eq!(at.y, p[&last].y, "same row");
        assert!(at.x > p[&last].x + s[&last].w);
    }

    #[test]
    fn labels_cover_no_node_and_no_other_label() {
        for d in all_templates() {
            let s = sizes(&d);
            let p = auto_layout(&d, &s);
            let r = routes(&d.edges, &p, &s);
            let labels: Vec<String> = d.edges.iter().map(edge_label).collect();
            let nodes: Vec<Rect> = rects(&p, &s).into_iter().map(|(_, r)| r).collect();
            let spots = place_labels(&r, &labels, &nodes);
            let boxes: Vec<Rect> = spots
                .iter()
                .zip(&labels)
                .filter_map(|(c, l)| {
                    let (cx, cy) = (*c)?;
                    let (w, h) = label_size(l);
                    Some(Rect {
                        x: cx - w / 2.0,
                        y: cy - h / 2.0,
                        w,
                        h,
                    })
                })
                .collect();
            for (i, a) in boxes.iter().enumerate() {
                assert!(
                    !nodes.iter().any(|n| n.overlaps(a)),
                    "{}: label on a node",
                    d.name
                );
                assert!(
                    !boxes[i + 1..].iter().any(|b| b.overlaps(a)),
                    "{}: labels overlap",
                    d.name
                );
            }
            if d.name == "miniredis" {
                assert!(
                    spots.iter().all(Option::is_some),
                    "every miniredis label is shown"
                );
            }
        }
    }

    #[test]
    fn edges_start_and_end_on_the_sides_of_their_nodes() {
        let d = templates::miniredis();
        let s = sizes(&d);
        let p = auto_layout(&d, &s);
        let r = routes(&d.edges, &p, &s);
        for (e, route) in d.edges.iter().zip(&r) {
            let route = route.unwrap();
            let (a, b) = (
                Rect::node(p[&e.from], s[&e.from]),
                Rect::node(p[&e.to], s[&e.to]),
            );
            assert_eq!(route.from.0, a.x + a.w);
            assert_eq!(route.to.0, b.x);
            assert!(route.from.1 > a.y && route.from.1 < a.y + a.h);
            assert!(route.to.1 > b.y && route.to.1 < b.y + b.h);
        }
        // The three edges out of the gateway leave from three different points.
        let gw = d.service_named("api-gateway").unwrap().id;
        let starts: BTreeSet<i64> = d
            .edges
            .iter()
            .zip(&r)
            .filter(|(e, _)| e.from == gw)
            .map(|(_, r)| r.unwrap().from.1.round() as i64)
            .collect();
        assert_eq!(starts.len(), 3);
    }

    #[test]
    fn arrows_move_to_the_nearest_node_in_their_direction() {
        let d = templates::miniredis();
        let s = sizes(&d);
        let p = auto_layout(&d, &s);
        let id = |name: &str| d.service_named(name).unwrap().id;
        assert_eq!(
            neighbour(&p, &s, id("frontend"), Direction::Right),
            Some(id("api-gateway"))
        );
        assert_eq!(neighbour(&p, &s, id("frontend"), Direction::Left), None);
        let below = neighbour(&p, &s, id("api-gateway"), Direction::Right).unwrap();
        assert_eq!(p[&below].x, p[&id("backend")].x, "into the next layer");
        let top = reading_order(&p)[0];
        assert_eq!(top, id("frontend"));
        // Up and down stay in the column.
        let col: Vec<ServiceId> = reading_order(&p)
            .into_iter()
            .filter(|i| p[i].x == p[&id("backend")].x)
            .collect();
        assert_eq!(neighbour(&p, &s, col[0], Direction::Down), Some(col[1]));
        assert_eq!(neighbour(&p, &s, col[1], Direction::Up), Some(col[0]));
        // Right leaves the column, even where a wider node lower in it has its centre
        // further right.
        for v in &col {
            let next = neighbour(&p, &s, *v, Direction::Right).unwrap();
            assert!(
                p[&next].x > p[v].x,
                "{v:?} went to {next:?} in its own column"
            );
        }
    }

    #[test]
    fn arrows_step_by_the_grid() {
        let p = Position { x: 40, y: 60 };
        assert_eq!(Direction::Right.step(p), Position { x: 60, y: 60 });
        assert_eq!(Direction::Up.step(p), Position { x: 40, y: 40 });
        assert_eq!(Direction::of_key("ArrowDown"), Some(Direction::Down));
        assert_eq!(Direction::of_key("a"), None);
    }

    #[test]
    fn optional_detail_is_left_out_when_it_does_not_fit() {
        let host = "Ingress api.miniredis.example.com";
        assert_eq!(fitting(&[host, "Ingress"], 500.0, 12.0, false), host);
        assert_eq!(fitting(&[host, "Ingress"], 80.0, 12.0, false), "Ingress");
    }

    fn boxes_of(p: &BTreeMap<ServiceId, Position>, s: &Sizes) -> BTreeMap<ServiceId, Rect> {
        rects(p, s).into_iter().collect()
    }

    #[test]
    fn services_group_by_component_or_by_the_namespace_they_run_in() {
        let mut d = templates::miniredis();
        let first = d.services[0].id;
        let mut shared = crate::model::Environment::new("observability", Tier::Shared, "obs");
        shared.hosts_services = false;
        shared.overrides.insert(
            first,
            crate::model::Override {
                enabled: Some(true),
                ..Default::default()
            },
        );
        d.environments.push(shared);
        let prod = d.environment("prod").unwrap().clone();
        let by_component = group_of(&d, &prod, GroupBy::Component);
        for s in &d.services {
            assert_eq!(by_component[&s.id], s.component, "{}", s.name);
        }
        assert!(group_of(&d, &prod, GroupBy::None).is_empty());
        // prod stops running the first service: it then runs in the shared namespace.
        let mut prod_without = prod.clone();
        prod_without.overrides.insert(
            first,
            crate::model::Override {
                enabled: Some(false),
                ..Default::default()
            },
        );
        let by_ns = group_of(&d, &prod_without, GroupBy::Namespace);
        assert_eq!(by_ns[&first], "obs");
        assert_eq!(by_ns[&d.services[1].id], "miniredis-prod");
        // Nowhere reachable at all: said so.
        d.environments.retain(|e| e.name != "observability");
        assert_eq!(
            group_of(&d, &prod_without, GroupBy::Namespace)[&first],
            NOT_DEPLOYED
        );
        for g in GroupBy::ALL {
            assert_eq!(GroupBy::from_key(g.key()), g);
        }
    }

    #[test]
    fn the_layout_reads_only_its_inputs() {
        let mut designs = all_templates();
        designs.push(templates::scaled(60));
        // Some services placed by hand, the others laid out around them.
        let mut placed = templates::miniredis();
        placed.services[1].position = Some(Position { x: 400, y: 40 });
        designs.push(placed);
        for d in designs {
            let s = sizes(&d);
            let skeleton = Inputs::of(&d).design();
            assert_eq!(positions(&skeleton, &s), positions(&d, &s), "{}", d.name);
            for env in &d.environments {
                for by in GroupBy::ALL {
                    let g = group_of(&d, env, by);
                    assert_eq!(
                        grouped_positions(&skeleton, &s, &g),
                        grouped_positions(&d, &s, &g),
                        "{} {} {by:?}",
                        d.name,
                        env.name
                    );
                }
            }
        }
    }

    #[test]
    fn a_group_frames_its_members_and_grouped_layout_keeps_groups_apart() {
        for d in all_templates().into_iter().chain([templates::scaled(120)]) {
            let s = sizes(&d);
            let env = d.environments[0].clone();
            let by = group_of(&d, &env, GroupBy::Component);
            let p = grouped_positions(&d, &s, &by);
            let b = boxes_of(&p, &s);
            let gs = groups(&by, &b);
            for g in &gs {
                for m in &g.members {
                    let r = b[m];
                    assert_eq!(g.frame.union(&r), g.frame, "{}: {} inside", d.name, g.key);
                }
            }
            if d.services.iter().all(|s| s.position.is_none()) {
                for (i, a) in gs.iter().enumerate() {
                    for c in &gs[i + 1..] {
                        assert!(
                            !a.frame.overlaps(&c.frame),
                            "{}: {} and {}",
                            d.name,
                            a.key,
                            c.key
                        );
                    }
                }
                let all = rects(&p, &s);
                for (i, (x, a)) in all.iter().enumerate() {
                    for (y, c) in &all[i + 1..] {
                        assert!(!a.overlaps(c), "{}: {x:?} and {y:?}", d.name);
                    }
                }
            }
        }
    }

    #[test]
    fn a_collapsed_group_is_one_box_and_its_edges_lead_to_it() {
        let d = templates::miniredis();
        let s = sizes(&d);
        let env = d.environments[0].clone();
        let by = group_of(&d, &env, GroupBy::Component);
        let p = grouped_positions(&d, &s, &by);
        let gs = groups(&by, &boxes_of(&p, &s));
        let big = gs.iter().max_by_key(|g| g.members.len()).unwrap();
        assert!(big.members.len() > 1, "{gs:?}");
        let collapsed = BTreeSet::from([big.key.clone()]);
        let f = fold(&p, &s, &d.edges, &gs, &collapsed, &BTreeMap::new());
        let stand_in = big.members[0];
        assert_eq!(f.stand_ins[&stand_in], (big.key.clone(), big.members.len()));
        assert_eq!(f.positions.len(), d.services.len() - big.members.len() + 1);
        for m in &big.members[1..] {
            assert!(!f.positions.contains_key(m));
            assert_eq!(f.hidden[m], stand_in);
        }
        let inside = |id: ServiceId| big.members.contains(&id);
        let mut expected = BTreeSet::new();
        for e in &d.edges {
            let map = |id| if inside(id) { stand_in } else { id };
            if map(e.from) != map(e.to) {
                expected.insert((map(e.from), map(e.to)));
            }
        }
        let got: Vec<_> = f.edges.iter().map(|e| (e.from, e.to)).collect();
        assert_eq!(got.len(), expected.len(), "each pair once: {got:?}");
        assert_eq!(got.into_iter().collect::<BTreeSet<_>>(), expected);
        // Nothing collapsed: nothing changes.
        let none = fold(&p, &s, &d.edges, &gs, &BTreeSet::new(), &BTreeMap::new());
        assert_eq!((none.positions, none.edges), (p, d.edges.clone()));
    }

    /// Every two drawn boxes (with room for an entry label) apart, and every expanded
    /// frame around its members' drawn boxes and clear of every other box.
    fn assert_legible(f: &Folded) {
        let boxes: Vec<(ServiceId, Rect)> = f
            .positions
            .iter()
            .map(|(id, p)| {
                let r = Rect::node(*p, size_of(&f.sizes, *id));
                let room = f64::from(ENTRY_ROOM);
                (
                    *id,
                    Rect {
                        y: r.y - room,
                        h: r.h + room,
                        ..r
                    },
                )
            })
            .collect();
        for (i, (a, ra)) in boxes.iter().enumerate() {
            for (b, rb) in &boxes[i + 1..] {
                assert!(!ra.overlaps(rb), "{a:?} {ra:?} and {b:?} {rb:?}");
            }
        }
        for g in &f.expanded {
            for (id, r) in &boxes {
                let inside = r.x >= g.frame.x
                    && r.x + r.w <= g.frame.x + g.frame.w
                    && r.y + f64::from(ENTRY_ROOM) >= g.frame.y
                    && r.y + r.h <= g.frame.y + g.frame.h;
                if g.members.contains(id) {
                    assert!(
                        inside,
                        "{id:?} {r:?} outside {}'s frame {:?}",
                        g.key, g.frame
                    );
                } else {
                    assert!(!r.overlaps(&g.frame), "{id:?} {r:?} in {}'s frame", g.key);
                }
            }
        }
    }

    /// A scaled design grouped by component: its sizes, groups, grouped positions and
    /// frames.
    struct Grouped {
        d: Design,
        s: Sizes,
        by: BTreeMap<ServiceId, String>,
        p: BTreeMap<ServiceId, Position>,
        gs: Vec<Group>,
    }

    fn grouped_by_component(services: usize) -> Grouped {
        let d = templates::scaled(services);
        let s = sizes(&d);
        let env = d.environments[0].clone();
        let by = group_of(&d, &env, GroupBy::Component);
        let p = grouped_positions(&d, &s, &by);
        let gs = groups(&by, &boxes_of(&p, &s));
        Grouped { d, s, by, p, gs }
    }

    #[test]
    fn collapsed_groups_close_up_their_rows_and_a_drop_keeps_them_closed() {
        let Grouped { d, s, by, p, gs } = grouped_by_component(300);
        assert!(gs.len() > 3, "{gs:?}");
        let bottom = |f: &Folded| {
            f.positions
                .iter()
                .map(|(id, p)| p.y + size_of(&f.sizes, *id).h)
                .max()
                .unwrap()
        };

        // All collapsed: a column of boxes, in the bands' order, each a gap below the
        // one before, where the bands stood thousands of units apart.
        let all: BTreeSet<String> = gs.iter().map(|g| g.key.clone()).collect();
        let f = fold(&p, &s, &d.edges, &gs, &all, &BTreeMap::new());
        assert_legible(&f);
        let mut column: Vec<(i32, ServiceId)> =
            f.positions.iter().map(|(id, at)| (at.y, *id)).collect();
        column.sort_unstable();
        let stored: Vec<ServiceId> = {
            let mut v: Vec<(i32, ServiceId)> =
                column.iter().map(|(_, id)| (p[id].y, *id)).collect();
            v.sort_unstable();
            v.into_iter().map(|(_, id)| id).collect()
        };
        assert_eq!(column.iter().map(|(_, id)| *id).collect::<Vec<_>>(), stored);
        #[allow(clippy::cast_possible_truncation)]
        let step = |id: ServiceId| f.sizes[&id].h + 2 * GROUP_PAD as i32 + GROUP_GAP + ENTRY_ROOM;
        for w in column.windows(2) {
            assert!(w[1].0 - w[0].0 <= step(w[0].1), "{w:?}");
        }
        assert!(
            bottom(&f) * 4 < p.values().map(|p| p.y).max().unwrap(),
            "{}",
            bottom(&f)
        );
        // Each group's box is drawn where it stands in the design's coordinates (its
        // frame's corner), the closed rows taken out.
        for g in &gs {
            let id = g.members[0];
            #[allow(clippy::cast_possible_truncation)]
            let corner = Position {
                x: (g.frame.x + GROUP_PAD).round() as i32,
                y: (g.frame.y + GROUP_HEADER).round() as i32,
            };
            assert_eq!(f.stored(id, f.positions[&id]), corner, "{}", g.key);
        }

        // The top group collapsed: everything below it moves up by one amount, the
        // other groups' frames with their members.
        let top = &gs[0];
        let one = BTreeSet::from([top.key.clone()]);
        let f = fold(&p, &s, &d.edges, &gs, &one, &BTreeMap::new());
        assert_legible(&f);
        assert_eq!(f.expanded.len(), gs.len() - 1);
        let lifts: BTreeSet<i32> = p
            .iter()
            .filter(|(id, _)| !top.members.contains(id))
            .map(|(id, at)| at.y - f.positions[id].y)
            .collect();
        assert_eq!(lifts.len(), 1, "{lifts:?}");
        let lift = *lifts.iter().next().unwrap();
        assert!(
            f64::from(lift) > top.frame.h / 2.0,
            "{lift} of {}",
            top.frame.h
        );
        for (g, before) in f.expanded.iter().zip(&gs[1..]) {
            assert_eq!(g.frame.y, before.frame.y - f64::from(lift), "{}", g.key);
        }

        // A member of the group below dropped anywhere keeps the rows closed: its frame
        // follows it, so it stays below the place where they were (dragged up against
        // it, it stops there); anywhere below its own place, it lands where dropped.
        let moved = gs[1].members[0];
        let h = s[&moved].h;
        let start = f.positions[&moved].y;
        // Where `moved`, drawn at `y` in `f` and stored there, ends up: its design
        // position, and the canvas folded again with it there.
        let drop_at = |f: &Folded, by: &BTreeMap<ServiceId, String>, y: i32| {
            let to = f.stored(moved, Position { x: 100_000, y });
            let mut q = p.clone();
            q.insert(moved, to);
            let again = fold(
                &q,
                &s,
                &d.edges,
                &groups(by, &boxes_of(&q, &s)),
                &one,
                &BTreeMap::new(),
            );
            (to, again)
        };
        for y in (-200..bottom(&f) + 200).step_by(13) {
            let (_, again) = drop_at(&f, &by, y);
            assert_eq!(again.closed, f.closed, "a member dropped at {y}");
            let shown = again.positions[&moved].y;
            if y >= start {
                assert_eq!(shown, y, "a member dropped at {y}");
            } else {
                assert!(
                    shown >= y && shown <= start,
                    "a member dropped at {y}, shown at {shown}"
                );
            }
        }

        // A service of no group dropped anywhere lands where it was dropped, or beside
        // the place where rows were closed when it would cross it, and they stay closed.
        let mut by = by.clone();
        by.remove(&moved);
        let f = fold(
            &p,
            &s,
            &d.edges,
            &groups(&by, &boxes_of(&p, &s)),
            &one,
            &BTreeMap::new(),
        );
        assert!(!f.closed.is_empty());
        for y in (-200..bottom(&f) + 200).step_by(13) {
            let (to, again) = drop_at(&f, &by, y);
            assert_eq!(again.closed, f.closed, "dropped at {y}");
            let shown = again.positions[&moved].y;
            assert!(
                (shown - y).abs() <= h + ENTRY_ROOM,
                "dropped at {y}, shown at {shown}"
            );
            let crossed = f
                .closed
                .iter()
                .any(|(t, b)| to.y + h > *t && to.y - ENTRY_ROOM < *b);
            assert!(!crossed, "dropped at {y}, stored at {to:?}");
        }

        // A box beside the collapsed group, in its rows, keeps those rows open.
        let mut q = p.clone();
        let beside = Position {
            x: 100_000,
            y: (top.frame.y + top.frame.h / 2.0) as i32,
        };
        q.insert(moved, beside);
        let f = fold(
            &q,
            &s,
            &d.edges,
            &groups(&by, &boxes_of(&q, &s)),
            &one,
            &BTreeMap::new(),
        );
        assert_legible(&f);
        assert!(f
            .closed
            .iter()
            .all(|(t, b)| *b <= beside.y - ENTRY_ROOM || *t >= beside.y + h));
        assert_eq!(f.positions[&moved].y, f.drawn_y(beside.y));
    }

    #[test]
    fn a_new_box_lands_on_no_box_and_keeps_collapsed_rows_closed() {
        let Grouped { d, s, by, p, gs } = grouped_by_component(300);
        let keys: Vec<String> = gs.iter().map(|g| g.key.clone()).collect();
        let size = node_size(&NodeText {
            name: "service-301".into(),
            badge: "✓".into(),
            lines: vec!["Deployment".into(), "1 replica".into(), "no ports".into()],
        });
        let new = ServiceId(1_000_000);
        let mut tried = 0;
        // The top group, every other group, and all groups collapsed.
        for collapsed in [
            keys[..1].to_vec(),
            keys.iter().step_by(2).cloned().collect(),
            keys.clone(),
        ] {
            let collapsed: BTreeSet<String> = collapsed.into_iter().collect();
            let f = fold(&p, &s, &d.edges, &gs, &collapsed, &BTreeMap::new());
            let nears = f.positions.keys().map(|id| Some(*id)).chain([None]);
            for near in nears {
                let at = f.new_box(near, size);
                let mut q = p.clone();
                q.insert(new, at);
                let mut sizes = s.clone();
                sizes.insert(new, size);
                let again = fold(
                    &q,
                    &sizes,
                    &d.edges,
                    &groups(&by, &boxes_of(&q, &sizes)),
                    &collapsed,
                    &BTreeMap::new(),
                );
                assert_eq!(again.closed, f.closed, "near {near:?}: stored at {at:?}");
                assert_legible(&again);
                tried += 1;
            }
        }
        assert!(tried > 100, "{tried}");
    }

    #[test]
    fn a_collapsed_boxs_toggle_covers_none_of_its_text() {
        for (key, members, badge) in [
            ("db", 1, "✓"),
            ("gateway", 91, "✓"),
            ("frontend", 91, "▲182"),
        ] {
            let text = collapsed_text(key, members, badge);
            let size = collapsed_size(&text);
            if key == "gateway" {
                // A node's size alone leaves the toggle on the last line.
                let plain = node_size(&text);
                let last = text.lines.last().unwrap();
                assert!(
                    f64::from(PAD_X) + text_width(last, LINE_PX, false) + 8.0
                        > f64::from(plain.w - TOGGLE_ROOM)
                );
            }
            let toggle = f64::from(size.w - TOGGLE_ROOM);
            let last = text.lines.last().unwrap();
            assert!(
                f64::from(PAD_X) + text_width(last, LINE_PX, false) + 8.0 <= toggle,
                "{key}: {size:?}"
            );
            let badge_left = f64::from(size.w - PAD_X) - f64::from(badge_width(badge));
            assert!(f64::from(PAD_X) + text_width(&text.lines[0], LINE_PX, false) < badge_left);
        }
    }

    #[test]
    fn only_boxes_in_view_are_visible() {
        let d = templates::scaled(300);
        let s = sizes(&d);
        let b = boxes_of(&positions(&d, &s), &s);
        let view = Rect {
            x: 0.0,
            y: 0.0,
            w: 1400.0,
            h: 900.0,
        };
        let shown = visible(&b, &view);
        assert!(!shown.is_empty() && shown.len() < 100, "{}", shown.len());
        for (id, r) in &b {
            assert_eq!(shown.contains(id), r.overlaps(&view));
        }
        let far = Rect { x: 1e6, ..view };
        assert!(!edge_may_show(
            &b[&d.services[0].id],
            &b[&d.services[1].id],
            &far
        ));
    }

    #[test]
    fn search_ranks_the_exact_name_then_prefixes_then_the_rest() {
        let d = templates::scaled(40);
        let names = |q: &str| -> Vec<String> {
            search(&d, q)
                .into_iter()
                .map(|id| d.service(id).unwrap().name.clone())
                .collect()
        };
        let first = d.services[0].name.clone();
        assert_eq!(names(&first.to_uppercase())[0], first);
        let all = names("-1");
        assert!(all.iter().all(|n| n.contains("-1")) && !all.is_empty());
        assert!(names("  ").is_empty());
        assert!(names("no-such-service").is_empty());
        let ranked = names("redis");
        let starts = ranked.iter().take_while(|n| n.starts_with("redis")).count();
        assert!(ranked[starts..].iter().all(|n| !n.starts_with("redis")));
    }

    #[test]
    fn the_minimap_fits_everything_in_one_path() {
        let all = Rect {
            x: -100.0,
            y: 50.0,
            w: 4000.0,
            h: 1000.0,
        };
        let (k, dx, dy) = minimap_fit(&all, 200.0, 140.0);
        assert!((all.x * k + dx).abs() < 1e-9 && ((all.x + all.w) * k + dx - 200.0).abs() < 1e-9);
        assert!(all.y * k + dy >= 0.0 && (all.y + all.h) * k + dy <= 140.0);
        let b = BTreeMap::from([(ServiceId(1), all), (ServiceId(2), all)]);
        assert_eq!(minimap_path(&b, (k, dx, dy)).matches('M').count(), 2);
    }

    #[test]
    fn the_minimap_shrinks_on_a_small_canvas_down_to_two_fifths() {
        let most = (200.0, 130.0);
        // A wide canvas keeps the whole minimap.
        assert_eq!(minimap_size((1200.0, 700.0), most), most);
        assert_eq!(minimap_size((800.0, 520.0), most), most);
        // A narrow one (a 1024-pixel window's three columns): a quarter of its width,
        // the shape kept.
        let (w, h) = minimap_size((450.0, 350.0), most);
        assert!((w - 0.25 * 450.0).abs() < 1e-9, "{w}");
        assert!((w / h - most.0 / most.1).abs() < 1e-9);
        // A short one: a quarter of its height.
        let (_, h) = minimap_size((800.0, 300.0), most);
        assert!((h - 0.25 * 300.0).abs() < 1e-9, "{h}");
        // A tiny one: never below two fifths.
        assert_eq!(minimap_size((100.0, 80.0), most), (80.0, 52.0));
    }
}
