//! Automatic placement of services on the canvas: callers left of callees, in layers
//! by the longest chain of dependency edges that reaches them.

use crate::model::{Design, Position, ServiceId};
use std::collections::BTreeMap;

/// Horizontal distance between layers.
pub const LAYER_GAP: i32 = 250;
/// Vertical distance between services of one layer.
pub const ROW_GAP: i32 = 130;
/// Left margin of the automatic layout.
pub const LEFT_MARGIN: i32 = 40;
/// Size of a node on the canvas.
pub const NODE_WIDTH: i32 = 190;
/// Height of a node on the canvas.
pub const NODE_HEIGHT: i32 = 96;

/// A position for every service: its saved one, or one from the automatic layout.
pub fn positions(design: &Design) -> BTreeMap<ServiceId, Position> {
    let auto = auto_layout(design);
    design
        .services
        .iter()
        .map(|s| (s.id, s.position.unwrap_or(auto[&s.id])))
        .collect()
}

/// The automatic layout, ignoring saved positions. Cycles are cut after as many
/// passes as there are services, so it always terminates.
pub fn auto_layout(design: &Design) -> BTreeMap<ServiceId, Position> {
    let mut layer: BTreeMap<ServiceId, usize> = design.services.iter().map(|s| (s.id, 0)).collect();
    for _ in 0..design.services.len() {
        let mut changed = false;
        for e in &design.edges {
            let (Some(&from), Some(&to)) = (layer.get(&e.from), layer.get(&e.to)) else {
                continue;
            };
            if to < from + 1 && from + 1 < design.services.len() {
                layer.insert(e.to, from + 1);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let mut rows: BTreeMap<usize, i32> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for s in &design.services {
        let l = layer[&s.id];
        let row = rows.entry(l).or_insert(0);
        let x = LEFT_MARGIN + i32::try_from(l).unwrap_or(0) * LAYER_GAP;
        out.insert(
            s.id,
            Position {
                x,
                y: 40 + *row * ROW_GAP,
            },
        );
        *row += 1;
    }
    out
}

/// The smallest box around every node, as (min x, min y, max x, max y); `None` for
/// an empty design. Room is left above nodes for their entry-point labels.
pub fn bounds(positions: &BTreeMap<ServiceId, Position>) -> Option<(i32, i32, i32, i32)> {
    let xs = positions.values().map(|p| p.x);
    let ys = positions.values().map(|p| p.y);
    Some((
        xs.clone().min()?,
        ys.clone().min()? - 30,
        xs.max()? + NODE_WIDTH + 10,
        ys.max()? + NODE_HEIGHT,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callers_sit_left_of_callees() {
        let d = crate::templates::miniredis();
        let p = auto_layout(&d);
        for e in &d.edges {
            assert!(p[&e.from].x < p[&e.to].x, "{:?} -> {:?}", e.from, e.to);
        }
    }

    #[test]
    fn saved_positions_win_and_cycles_terminate() {
        let mut d = crate::templates::stfc_fastapi();
        d.services[0].position = Some(Position { x: 7, y: 9 });
        let back = crate::model::Edge {
            from: d.services[1].id,
            to: d.services[0].id,
            port: String::new(),
        };
        d.edges.push(back);
        let p = positions(&d);
        assert_eq!(p[&d.services[0].id], Position { x: 7, y: 9 });
        assert_eq!(p.len(), 2);
    }
}
