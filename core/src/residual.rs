//! What an imported object has that the design does not model, kept so that the design
//! always wins.
//!
//! At import, Kubeprint renders the design it built from the input and records, path by
//! path, where the input differs from that rendering: the value the design rendered there
//! (`was`) and the value the input had (`now`). When the design is rendered again, each
//! recorded change is replayed as a three-way merge (base: the rendering at import; ours:
//! today's rendering; theirs: the input) in which every conflict goes to the design. So
//! an imported detail the model has no field for comes back unchanged, and a modelled
//! field the user edits after the import shows the edit: nothing kept can override it.
//!
//! Lists of keyed items (containers by `name`, volume mounts by `mountPath`, ports, env,
//! ...) are matched by key, not by position, so adding a port does not shift what was
//! kept for the next one, and the input's order is kept as a change of its own. A list
//! without keys (a route's rules, their matches) is kept whole, and merged item by item
//! in place as long as the design renders as many items as it did at import.

use crate::order::Collect;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// The fields that identify an item of a list of objects, tried in this order. A list is
/// keyed by the first field that every item of both sides has, with distinct values.
const KEY_FIELDS: &[&str] = &[
    "name",
    "mountPath",
    "containerPort",
    "port",
    "key",
    "devicePath",
    "ip",
    "topologyKey",
    METRIC,
];

/// The key of an HPA's metric, which has no field of its own to be keyed by: its type
/// and what it measures (`Resource:memory`, `Pods:packets-per-second`), so that a metric
/// the design does not model (memory by average value, a custom one) is kept beside the
/// cpu target the design writes, also after that target changes.
const METRIC: &str = "metric";

/// Everything kept of one object: changes to replay onto its rendering, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Residual(pub Vec<Change>);

/// One difference between the rendering at import and the input.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Where, in keyed form (see [`Path`]).
    pub at: Path,
    /// What the design rendered there at import; absent when it rendered nothing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub was: Option<Value>,
    /// What the input had there; absent when the input had nothing.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub now: Option<Value>,
    /// For a keyed list whose items the input orders differently: the input's order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<String>>,
}

/// A member that is there holds a value, even `null` (which Kubernetes inputs do have,
/// e.g. `creationTimestamp: null`); only a missing member is `None`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// A step into a JSON value: an object member, or the item of a keyed list whose field
/// `by` has the value `key`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Member(String),
    /// The item of a list whose field `by` equals `key`.
    Item {
        /// The key field, e.g. `name`.
        by: String,
        /// Its value, numbers written in decimal.
        key: String,
    },
}

/// A path of [`Step`]s. Written as text like a JSON pointer (RFC 6901, `~0` for `~`,
/// `~1` for `/`), where a keyed item is `[by=key]` and a member that starts with `[` is
/// escaped as `~2`: `/spec/template/spec/containers/[name=app]/lifecycle`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Step>);

impl Residual {
    /// Whether what it keeps reads ConfigMap (or, with `secret`, Secret) `name`: a
    /// projected volume, a CSI driver's secret, image pull secrets the model has no
    /// field for. Each kept value is read where its path puts it.
    pub fn reads(&self, secret: bool, name: &str) -> bool {
        (self.0.iter()).any(|c| {
            (c.now.as_ref()).is_some_and(|now| {
                crate::model::reads_in(&placed(now.clone(), &c.at), secret, name)
            })
        })
    }

    /// What it keeps reads ConfigMap (or, with `secret`, Secret) `to` wherever it read
    /// `from` (in the ways [`Residual::reads`] finds), as the design's own references
    /// follow a rename; what the design rendered at import too, so that the rendering
    /// still counts as unchanged there.
    pub fn rename_reads(&mut self, secret: bool, from: &str, to: &str) {
        for c in &mut self.0 {
            for value in [&mut c.was, &mut c.now].into_iter().flatten() {
                let mut whole = placed(std::mem::take(value), &c.at);
                crate::model::rename_reads_in(&mut whole, secret, from, to);
                *value = unplaced(whole, &c.at);
            }
        }
    }

    /// The changes that turn `rendered` (what the design renders) into `input`; empty when
    /// they are equal.
    pub fn between(rendered: &Value, input: &Value) -> Residual {
        let mut out = Vec::new();
        diff(&mut Vec::new(), Some(rendered), Some(input), &mut out);
        Residual(out)
    }

    /// No changes at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// What it keeps, as people read it: each change's place ([`Path::readable`]) and
    /// what the input had there, as compact JSON cut to about 80 characters (`None`
    /// where the input left out what the design writes; a reordered list says so).
    pub fn described(&self) -> Vec<(String, Option<String>)> {
        const MOST: usize = 80;
        (self.0.iter())
            .map(|c| {
                let what = match (&c.order, &c.now) {
                    (Some(order), _) => Some(format!("in the input's order: {}", order.join(", "))),
                    (None, Some(now)) => Some(serde_json::to_string(now).unwrap_or_default()),
                    (None, None) => None,
                };
                let what = what.map(|w| match w.char_indices().nth(MOST) {
                    Some((at, _)) => format!("{}…", &w[..at]),
                    None => w,
                });
                (c.at.readable(), what)
            })
            .collect()
    }

    /// Follows the rename of an item keyed by `name` (a container, a variable) from `old`
    /// to `new`, in every list whose path `list` accepts: what was kept for the item is
    /// kept for it under its new name, instead of waiting for an item named `old` that
    /// the design no longer renders.
    pub fn rename_item(&mut self, list: impl Fn(&[Step]) -> bool, old: &str, new: &str) {
        let renamed =
            |step: &Step| matches!(step, Step::Item { by, key } if by == "name" && key == old);
        for change in &mut self.0 {
            for i in 0..change.at.0.len() {
                if !(renamed(&change.at.0[i]) && list(&change.at.0[..i])) {
                    continue;
                }
                change.at.0[i] = Step::Item {
                    by: "name".into(),
                    key: new.into(),
                };
                // A whole item kept: its own name too.
                if i + 1 == change.at.0.len() {
                    for v in [&mut change.was, &mut change.now].into_iter().flatten() {
                        if v.get("name").and_then(Value::as_str) == Some(old) {
                            v["name"] = Value::from(new);
                        }
                    }
                }
            }
            if list(&change.at.0) {
                for key in change.order.iter_mut().flatten() {
                    if key == old {
                        *key = new.into();
                    }
                }
            }
        }
    }

    /// Follows the rename of a thing the input names by a member `member` (a container
    /// that a `resourceFieldRef` names by `containerName`) from `old` to `new`, in what
    /// the input had: so a variable or volume the design does not model keeps naming it.
    pub fn rename_named(&mut self, member: &str, old: &str, new: &str) {
        fn walk(v: &mut Value, member: &str, old: &str, new: &str) {
            match v {
                Value::Object(map) => {
                    for (k, v) in map.iter_mut() {
                        match v {
                            Value::String(s) if k == member && s == old => *s = new.to_string(),
                            v => walk(v, member, old, new),
                        }
                    }
                }
                Value::Array(items) => items.iter_mut().for_each(|i| walk(i, member, old, new)),
                _ => {}
            }
        }
        for change in &mut self.0 {
            if let Some(now) = &mut change.now {
                walk(now, member, old, new);
            }
        }
    }

    /// Follows the rename of a container from `old` to `new` in what an HPA keeps of a
    /// metric of that container's resource (`ContainerResource`): its `container`, and
    /// the key it is kept under ([`METRIC`]).
    pub fn rename_metric_container(&mut self, old: &str, new: &str) {
        let (old_key, new_key) = (format!(":{old}"), format!(":{new}"));
        for change in &mut self.0 {
            for step in &mut change.at.0 {
                if let Step::Item { by, key } = step {
                    if by == METRIC && key.starts_with("ContainerResource:") {
                        if let Some(front) = key.strip_suffix(&old_key) {
                            *key = format!("{front}{new_key}");
                        }
                    }
                }
            }
            for v in [&mut change.was, &mut change.now].into_iter().flatten() {
                rename_container_of_metrics(v, old, new);
            }
        }
    }

    /// Whether it sets variable `name` of container `container` (one the model has no
    /// field for, like a `fieldRef`), or that container's whole `env` list holding it.
    pub fn sets_variable(&self, container: &str, name: &str) -> bool {
        self.0.iter().any(|c| {
            let Some(now) = &c.now else { return false };
            let of_it = c.at.0.windows(2).any(|w| {
                matches!(w, [Step::Member(list), Step::Item { by, key }]
                    if list == "containers" && by == "name" && key == container)
            });
            if !of_it {
                return false;
            }
            let item = c.at.0.windows(2).any(|w| {
                matches!(w, [Step::Member(list), Step::Item { by, key }]
                    if list == "env" && by == "name" && key == name)
            });
            let list = matches!(c.at.0.last(), Some(Step::Member(list)) if list == "env");
            item || (list
                && (now.as_array().into_iter())
                    .flatten()
                    .any(|v| v["name"] == name))
        })
    }

    /// Whether it gives a volume mount of `volume` at `mount_path` a `subPath` (an
    /// imported claim mounted through a subdirectory of it).
    pub fn sets_sub_path(&self, volume: &str, mount_path: &str) -> bool {
        self.0.iter().any(|c| {
            let [.., Step::Member(list), Step::Item { key, .. }, Step::Member(field)] =
                c.at.0.as_slice()
            else {
                return false;
            };
            list == "volumeMounts"
                && field == "subPath"
                && (key == volume || key == mount_path)
                && c.now
                    .as_ref()
                    .and_then(Value::as_str)
                    .is_some_and(|p| !p.is_empty())
        })
    }

    /// Rewrites what the design rendered at import (`was`) where `now_renders` says it
    /// renders something else in its place after a rename (an object name derived from
    /// the service's), and the input had something else there: the design changed there
    /// only through the rename, so what the input had still comes back. Where the input
    /// had what the design rendered, nothing is rewritten, and the design's new value
    /// stands. `now_renders` is given the path of the change and a string the design
    /// rendered.
    pub fn rebase(&mut self, now_renders: impl Fn(&Path, &str) -> Option<String>) {
        /// Walks `was` beside `now` (the input's value at the same place, if any).
        fn walk(was: &mut Value, now: Option<&Value>, f: &impl Fn(&str) -> Option<String>) {
            match was {
                Value::String(s) if now.and_then(Value::as_str) != Some(s.as_str()) => {
                    if let Some(new) = f(s) {
                        *s = new;
                    }
                }
                Value::Array(items) => {
                    let theirs = now.and_then(Value::as_array);
                    let by = theirs.and_then(|t| key_field(&[&*items, t]));
                    for (i, item) in items.iter_mut().enumerate() {
                        let other = match (by, theirs) {
                            (Some(by), Some(t)) => {
                                let key = key_of(item, by);
                                t.iter().find(|x| key.is_some() && key_of(x, by) == key)
                            }
                            (None, Some(t)) => t.get(i),
                            _ => None,
                        };
                        walk(item, other, f);
                    }
                }
                Value::Object(map) => {
                    for (k, v) in map.iter_mut() {
                        walk(v, now.and_then(|n| n.get(k)), f);
                    }
                }
                _ => {}
            }
        }
        for change in &mut self.0 {
            let at = &change.at;
            if let Some(was) = &mut change.was {
                walk(was, change.now.as_ref(), &|s: &str| now_renders(at, s));
            }
        }
    }

    /// Replay the changes onto `rendered`, today's rendering of the object. A change
    /// applies where the design still renders what it rendered at import; where the
    /// design now renders something else, the design's value stands, except that members
    /// of objects and items of keyed lists the design does not touch are still merged in.
    pub fn apply(&self, rendered: &mut Value) {
        let designs = one_of_members(rendered);
        for change in &self.0 {
            if !change.displaces_an_edit(rendered, &self.0) {
                change.apply(rendered);
            }
        }
        for change in &self.0 {
            change.prune_emptied_labels(rendered);
        }
        keep_the_designs_one_of(rendered, &designs);
    }
}

impl Change {
    fn apply(&self, root: &mut Value) {
        let Some((last, parents)) = self.at.0.split_last() else {
            if let Some(order) = &self.order {
                reorder(root, order);
            } else if let Some(v) = merge3(Some(root), self.was.as_ref(), self.now.as_ref()) {
                *root = v;
            }
            return;
        };
        let Some(parent) = walk_mut(root, parents) else {
            // The design no longer renders the place this change was kept for.
            return;
        };
        let Some(mut slot) = Slot::find(parent, last) else {
            return;
        };
        if let Some(order) = &self.order {
            if let Some(list) = slot.get_mut() {
                reorder(list, order);
            }
            return;
        }
        let labels = matches!(last, Step::Member(m) if m == "labels" || m == "annotations")
            && matches!(parents.last(), Some(Step::Member(m)) if m == "metadata");
        if let (Some(was), Some(today)) = (&self.was, slot.get_mut_ref()) {
            let within = match parents.last() {
                Some(Step::Member(m)) => m.as_str(),
                _ => "",
            };
            let key = match last {
                Step::Member(m) => m.as_str(),
                Step::Item { .. } => "",
            };
            settle_derived(within, key, today, was, self.now.as_ref());
        }
        let merged = match (labels, &self.now) {
            (true, None) => merge_left_out(slot.get(), self.was.as_ref()),
            _ => merge3(slot.get(), self.was.as_ref(), self.now.as_ref()),
        };
        slot.set(merged);
    }
}

/// Objects Kubernetes allows one member of, among those listed (a hook's or a probe's
/// handler), by the member that holds them.
const ONE_OF: &[(&[&str], &[&str])] = &[
    (
        &["preStop", "postStart"],
        &["exec", "httpGet", "tcpSocket", "sleep"],
    ),
    (
        &["livenessProbe", "readinessProbe", "startupProbe"],
        &["exec", "httpGet", "tcpSocket", "grpc"],
    ),
];

/// Where a one-of holder sits ([`ONE_OF`]: a probe, a hook): members by name, list items
/// by their `name` (a container's) or else their position.
type HolderAt = Vec<String>;

/// Every one-of holder in `v` (a probe, a hook), with where it is and the one-of
/// members it allows, given to `f`.
fn each_holder(
    v: &mut Value,
    at: &mut HolderAt,
    f: &mut impl FnMut(&HolderAt, &mut Map<String, Value>, &'static [&'static str]),
) {
    match v {
        Value::Object(members) => {
            for (key, child) in members.iter_mut() {
                at.push(key.clone());
                match (one_of(key), child) {
                    (Some(one_of), Value::Object(held)) => f(at, held, one_of),
                    (_, child) => each_holder(child, at, f),
                }
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                at.push(item_at(item, i));
                each_holder(item, at, f);
                at.pop();
            }
        }
        _ => {}
    }
}

/// Every one-of holder in `v` and the one-of members it holds.
fn one_of_members(v: &mut Value) -> Vec<(HolderAt, Vec<String>)> {
    let mut out = Vec::new();
    each_holder(v, &mut Vec::new(), &mut |at, held, one_of| {
        let present = (held.keys()).filter(|m| one_of.contains(&m.as_str()));
        out.push((at.clone(), present.cloned().collect()));
    });
    out
}

/// The one-of members the holder `key` allows, if it is one.
fn one_of(key: &str) -> Option<&'static [&'static str]> {
    (ONE_OF.iter())
        .find(|(holders, _)| holders.contains(&key))
        .map(|(_, members)| *members)
}

fn item_at(item: &Value, i: usize) -> String {
    match item.get("name").and_then(Value::as_str) {
        Some(name) => format!("[name={name}]"),
        None => format!("[{i}]"),
    }
}

/// Where a holder ends up with more than one one-of member (what the input kept whole, a
/// probe or a `lifecycle`, merged with a handler the design renders today), only the
/// design's stay: the design wins, and the API server refuses two handlers.
fn keep_the_designs_one_of(v: &mut Value, designs: &[(HolderAt, Vec<String>)]) {
    each_holder(v, &mut Vec::new(), &mut |at, held, one_of| {
        let count = held.keys().filter(|m| one_of.contains(&m.as_str())).count();
        let theirs = designs.iter().find(|(place, _)| place == at);
        let kept = |d: &[String]| d.iter().any(|m| held.contains_key(m));
        if let Some((_, design)) = theirs.filter(|(_, d)| count > 1 && kept(d)) {
            held.retain(|m, _| !one_of.contains(&m.as_str()) || design.contains(m));
        }
    });
}

impl Change {
    /// Whether this change puts a one-of member ([`ONE_OF`]: an imported `exec` preStop)
    /// beside another the design renders today that the kept changes do not take out as
    /// it was (the `sleep` an edit of the preStop seconds changed). The input's member
    /// replaced the design's at import; once the design's is edited, the edit stands, and
    /// the two together would be refused by the API server.
    fn displaces_an_edit(&self, root: &Value, all: &[Change]) -> bool {
        let [parents @ .., Step::Member(holder), Step::Member(member)] = self.at.0.as_slice()
        else {
            return false;
        };
        let Some((_, members)) = ONE_OF.iter().find(|(holders, members)| {
            holders.contains(&holder.as_str()) && members.contains(&member.as_str())
        }) else {
            return false;
        };
        if self.was.is_some() || self.now.is_none() {
            return false;
        }
        let mut at = parents.to_vec();
        at.push(Step::Member(holder.clone()));
        let Some(Value::Object(today)) = walk(root, &at) else {
            return false;
        };
        let taken_out_as_it_was = |other: &str, value: &Value| {
            all.iter().any(|c| {
                c.now.is_none()
                    && c.was.as_ref() == Some(value)
                    && c.at.0.split_last()
                        == Some((&Step::Member(other.to_string()), at.as_slice()))
            })
        };
        (today.iter()).any(|(other, value)| {
            other != member
                && members.contains(&other.as_str())
                && !taken_out_as_it_was(other, value)
        })
    }

    /// A label the input left out that leaves no label behind leaves no `labels` map
    /// either, nor an empty `metadata` around it: the input had none there. (Another
    /// environment renders the same object with labels of its own, say an overlay's
    /// `env: dev` on its pod templates, that this one does not add.)
    fn prune_emptied_labels(&self, root: &mut Value) {
        let [outer @ .., Step::Member(meta), Step::Member(labels), Step::Member(_)] =
            self.at.0.as_slice()
        else {
            return;
        };
        if self.now.is_some() || meta != "metadata" || labels != "labels" {
            return;
        }
        let Some(Value::Object(parent)) = walk_mut(root, outer) else {
            return;
        };
        let Some(Value::Object(metadata)) = parent.get_mut("metadata") else {
            return;
        };
        if metadata
            .get("labels")
            .is_some_and(|l| l.as_object().is_some_and(|l| l.is_empty()))
        {
            metadata.remove("labels");
            if metadata.is_empty() {
                parent.remove("metadata");
            }
        }
    }
}

/// Values Kubeprint derives from other fields rather than from one of its own, by the
/// map they are in: a digest of the pod's config, and the version label (the image tag).
const DERIVED: &[(&str, &str)] = &[
    ("annotations", "checksum/config"),
    ("labels", "app.kubernetes.io/version"),
];

/// Whether change `c` is of derived values ([`DERIVED`]) alone: at one of them, or at
/// the map holding them, which it is made to change no other member of.
pub(crate) fn only_derived(c: &mut Change) -> bool {
    let steps = &c.at.0;
    let member = |i: usize| match steps.get(i) {
        Some(Step::Member(m)) => Some(m.as_str()),
        _ => None,
    };
    let n = steps.len();
    if n >= 2 {
        if let (Some(within), Some(key)) = (member(n - 2), member(n - 1)) {
            if DERIVED.contains(&(within, key)) {
                return true;
            }
        }
    }
    let Some(within) = member(n.wrapping_sub(1)) else {
        return false;
    };
    if !DERIVED.iter().any(|(w, _)| *w == within) {
        return false;
    }
    for value in [&mut c.was, &mut c.now] {
        if let Some(Value::Object(map)) = value {
            map.retain(|k, _| !DERIVED.contains(&(within, k.as_str())));
            if map.is_empty() {
                *value = None;
            }
        }
    }
    c.was == c.now
}

/// A derived value ([`DERIVED`]) the input left out stays left out: its value changing
/// (a new image tag, an environment's own tag or config) is no edit of it, so today's
/// value, `key` of the map `within`, and every one inside it count as the ones rendered
/// at import (`was`), wherever the input (`now`) has none.
fn settle_derived(within: &str, key: &str, today: &mut Value, was: &Value, now: Option<&Value>) {
    if DERIVED.contains(&(within, key)) {
        if now.is_none() {
            *today = was.clone();
        }
        return;
    }
    let (Value::Object(ours), Value::Object(base)) = (today, was) else {
        return;
    };
    for (k, today) in ours.iter_mut() {
        if let Some(was) = base.get(k) {
            settle_derived(key, k, today, was, now.and_then(|n| n.get(k)));
        }
    }
}

/// Where one step leads inside a parent: an existing member or item, or the place a new
/// one would go.
enum Slot<'a> {
    Member(&'a mut Map<String, Value>, String),
    Item(&'a mut Vec<Value>, String, String),
}

impl<'a> Slot<'a> {
    fn find(parent: &'a mut Value, step: &Step) -> Option<Slot<'a>> {
        match (parent, step) {
            (Value::Object(map), Step::Member(k)) => Some(Slot::Member(map, k.clone())),
            (Value::Array(items), Step::Item { by, key }) => {
                Some(Slot::Item(items, by.clone(), key.clone()))
            }
            _ => None,
        }
    }

    fn get(&self) -> Option<&Value> {
        match self {
            Slot::Member(map, k) => map.get(k),
            Slot::Item(items, by, key) => items.iter().find(|i| key_of(i, by) == Some(key.clone())),
        }
    }

    fn get_mut_ref(&mut self) -> Option<&mut Value> {
        match self {
            Slot::Member(map, k) => map.get_mut(k.as_str()),
            Slot::Item(items, by, key) => {
                (items.iter_mut()).find(|i| key_of(i, by) == Some(key.clone()))
            }
        }
    }

    fn get_mut(self) -> Option<&'a mut Value> {
        match self {
            Slot::Member(map, k) => map.get_mut(&k),
            Slot::Item(items, by, key) => items
                .iter_mut()
                .find(|i| key_of(i, &by) == Some(key.clone())),
        }
    }

    fn set(self, value: Option<Value>) {
        match (self, value) {
            (Slot::Member(map, k), Some(v)) => {
                map.insert(k, v);
            }
            (Slot::Member(map, k), None) => {
                map.remove(&k);
            }
            (Slot::Item(items, by, key), v) => {
                let at = items
                    .iter()
                    .position(|i| key_of(i, &by) == Some(key.clone()));
                match (at, v) {
                    (Some(i), Some(v)) => items[i] = v,
                    (Some(i), None) => {
                        items.remove(i);
                    }
                    (None, Some(v)) => items.push(v),
                    (None, None) => {}
                }
            }
        }
    }
}

/// `value` inside the members and lists its path `at` leads through (a list's item as
/// a list of that one item), so that what it holds is read in its place.
fn placed(value: Value, at: &Path) -> Value {
    let mut out = value;
    for step in at.0.iter().rev() {
        out = match step {
            Step::Member(m) => Value::Object(Map::from_iter([(m.clone(), out)])),
            Step::Item { .. } => Value::Array(vec![out]),
        };
    }
    out
}

/// The value [`placed`] put at `at`, taken out again.
fn unplaced(mut whole: Value, at: &Path) -> Value {
    for step in &at.0 {
        whole = match (step, whole) {
            (Step::Member(m), Value::Object(mut members)) => members.remove(m).unwrap_or_default(),
            (Step::Item { .. }, Value::Array(mut items)) => items.pop().unwrap_or_default(),
            (_, other) => other,
        };
    }
    whole
}

fn walk<'a>(mut v: &'a Value, steps: &[Step]) -> Option<&'a Value> {
    for step in steps {
        v = match (v, step) {
            (Value::Object(map), Step::Member(k)) => map.get(k)?,
            (Value::Array(items), Step::Item { by, key }) => {
                items.iter().find(|i| key_of(i, by).as_ref() == Some(key))?
            }
            _ => return None,
        };
    }
    Some(v)
}

/// `v` without what is at `at`, if anything is.
pub(crate) fn remove_at(v: &mut Value, at: &Path) {
    let Some((last, parents)) = at.0.split_last() else {
        return;
    };
    if let Some(slot) = walk_mut(v, parents).and_then(|parent| Slot::find(parent, last)) {
        slot.set(None);
    }
}

fn walk_mut<'a>(mut v: &'a mut Value, steps: &[Step]) -> Option<&'a mut Value> {
    for step in steps {
        v = Slot::find(v, step)?.get_mut()?;
    }
    Some(v)
}

/// The value of field `by` of a list item, as text.
fn key_of(item: &Value, by: &str) -> Option<String> {
    if by == METRIC {
        return metric_key(item);
    }
    match item.get(by)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// In a kept value (a metric, or a list or spec holding metrics), the `container` of
/// every `ContainerResource` metric named `old`, renamed `new`.
fn rename_container_of_metrics(v: &mut Value, old: &str, new: &str) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(c)) = map
                .get_mut("containerResource")
                .and_then(|r| r.get_mut("container"))
            {
                if c == old {
                    *c = new.to_string();
                }
            }
            map.values_mut()
                .for_each(|v| rename_container_of_metrics(v, old, new));
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rename_container_of_metrics(v, old, new)),
        _ => {}
    }
}

/// An HPA metric's key ([`METRIC`]): `type`, then the name of what it measures, and
/// for a container's resource the container too (for an object's, the object). `None`
/// for anything else.
fn metric_key(item: &Value) -> Option<String> {
    let kind = item.get("type")?.as_str()?;
    // The member named after the type: `Resource` → `resource`.
    let mut chars = kind.chars();
    let first = chars.next()?;
    let member = item.get(format!("{}{}", first.to_ascii_lowercase(), chars.as_str()))?;
    let name = (member.get("name"))
        .or_else(|| member.get("metric")?.get("name"))?
        .as_str()?;
    let object = member.get("describedObject");
    let object_name = object.and_then(|o| {
        Some(format!(
            "{}/{}",
            o.get("kind")?.as_str()?,
            o.get("name")?.as_str()?
        ))
    });
    Some(
        match (member.get("container").and_then(Value::as_str), object_name) {
            (Some(container), _) => format!("{kind}:{name}:{container}"),
            (None, Some(object)) => format!("{kind}:{name}:{object}"),
            (None, None) => format!("{kind}:{name}"),
        },
    )
}

/// The key field shared by the items of every list given, if there is one.
fn key_field(lists: &[&Vec<Value>]) -> Option<&'static str> {
    KEY_FIELDS.iter().copied().find(|by| {
        lists.iter().all(|items| {
            let mut seen = std::collections::HashSet::new();
            items
                .iter()
                .all(|i| key_of(i, by).is_some_and(|k| seen.insert(k)))
        })
    })
}

/// Record in `out` the changes that turn `rendered` into `input` below `path`.
fn diff(
    path: &mut Vec<Step>,
    rendered: Option<&Value>,
    input: Option<&Value>,
    out: &mut Vec<Change>,
) {
    if rendered == input {
        return;
    }
    match (rendered, input) {
        (Some(Value::Object(r)), Some(Value::Object(i))) => {
            let keys: std::collections::BTreeSet<&String> = r.keys().chain(i.keys()).to_set();
            for k in keys {
                path.push(Step::Member(k.clone()));
                diff(path, r.get(k), i.get(k), out);
                path.pop();
            }
        }
        (Some(Value::Array(r)), Some(Value::Array(i))) if key_field(&[r, i]).is_some() => {
            let by = key_field(&[r, i]).expect("checked in the guard");
            let keys_r: Vec<String> = r.iter().filter_map(|x| key_of(x, by)).collect();
            let keys_i: Vec<String> = i.iter().filter_map(|x| key_of(x, by)).collect();
            let find = |list: &'_ [Value], k: &str| -> Option<Value> {
                list.iter()
                    .find(|x| key_of(x, by).as_deref() == Some(k))
                    .cloned()
            };
            let mut all = keys_r.clone();
            all.extend(keys_i.iter().filter(|k| !keys_r.contains(k)).cloned());
            for k in &all {
                path.push(Step::Item {
                    by: by.to_string(),
                    key: k.clone(),
                });
                diff(path, find(r, k).as_ref(), find(i, k).as_ref(), out);
                path.pop();
            }
            // Replaying keeps the rendered order and appends what the input added.
            let replayed: Vec<&String> = all.iter().filter(|k| keys_i.contains(k)).collect();
            if replayed.iter().copied().ne(keys_i.iter()) {
                out.push(Change {
                    at: Path(path.clone()),
                    was: None,
                    now: None,
                    order: Some(keys_i),
                });
            }
        }
        _ => out.push(Change {
            at: Path(path.clone()),
            was: rendered.cloned(),
            now: input.cloned(),
            order: None,
        }),
    }
}

/// The merge of labels or annotations the input left out altogether (a Service without
/// labels): as an empty map, so what the design changed in it since the import comes
/// back, and only that, not every label it rendered at import. Only there: a selector
/// or a structure with a part missing would select or mean something else.
fn merge_left_out(ours: Option<&Value>, base: Option<&Value>) -> Option<Value> {
    match (ours, base) {
        (Some(Value::Object(o)), Some(Value::Object(b))) => {
            let changed: Map<String, Value> = o
                .iter()
                .filter(|(k, v)| b.get(*k) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            (!changed.is_empty()).then_some(Value::Object(changed))
        }
        _ => merge3(ours, base, None),
    }
}

/// Three-way merge of one place: `ours` is today's rendering, `base` the rendering at
/// import, `theirs` the input. Conflicts go to `ours`; objects and keyed lists merge
/// member by member, so what the design does not touch is still taken from the input.
fn merge3(ours: Option<&Value>, base: Option<&Value>, theirs: Option<&Value>) -> Option<Value> {
    if ours == base {
        return theirs.cloned();
    }
    if base == theirs || ours == theirs {
        return ours.cloned();
    }
    let empty_map = Map::new();
    let empty_list = Vec::new();
    match (ours, base, theirs) {
        (Some(Value::Object(o)), b, Some(Value::Object(t)))
            if matches!(b, None | Some(Value::Object(_))) =>
        {
            let b = match b {
                Some(Value::Object(b)) => b,
                _ => &empty_map,
            };
            let keys: std::collections::BTreeSet<&String> =
                o.keys().chain(b.keys()).chain(t.keys()).to_set();
            let mut out = Map::new();
            for k in keys {
                let Some(v) = merge3(o.get(k), b.get(k), t.get(k)) else {
                    continue;
                };
                // Labels (or metadata) left empty by the merge were not the input's: an
                // empty map there is written only when the input had one.
                let emptied = matches!(k.as_str(), "labels" | "annotations" | "metadata")
                    && v.as_object().is_some_and(Map::is_empty)
                    && t.get(k)
                        .and_then(Value::as_object)
                        .is_none_or(|t| !t.is_empty());
                if !emptied {
                    out.insert(k.clone(), v);
                }
            }
            Some(Value::Object(out))
        }
        (Some(Value::Array(o)), b, Some(Value::Array(t)))
            if matches!(b, None | Some(Value::Array(_))) =>
        {
            let b = match b {
                Some(Value::Array(b)) => b,
                _ => &empty_list,
            };
            let Some(by) = key_field(&[o, b, t]) else {
                // A list without keys (a route's rules, an Ingress's paths) whose length
                // the design has not changed merges item by item, in place: editing one
                // rule keeps what was kept of the others, and of its own other fields.
                if o.len() == b.len() && b.len() == t.len() && !b.is_empty() {
                    let merged = o
                        .iter()
                        .zip(b)
                        .zip(t)
                        .map(|((o, b), t)| merge3(Some(o), Some(b), Some(t)))
                        .collect::<Option<Vec<Value>>>();
                    if let Some(merged) = merged {
                        return Some(Value::Array(merged));
                    }
                }
                return ours.cloned();
            };
            let find = |list: &'_ [Value], k: &str| -> Option<Value> {
                list.iter()
                    .find(|x| key_of(x, by).as_deref() == Some(k))
                    .cloned()
            };
            let mut keys: Vec<String> = o.iter().filter_map(|x| key_of(x, by)).collect();
            for x in t {
                let k = key_of(x, by).expect("keyed");
                if !keys.contains(&k) {
                    keys.push(k);
                }
            }
            let merged = keys
                .iter()
                .filter_map(|k| {
                    merge3(
                        find(o, k).as_ref(),
                        find(b, k).as_ref(),
                        find(t, k).as_ref(),
                    )
                })
                .collect();
            Some(Value::Array(merged))
        }
        _ => ours.cloned(),
    }
}

/// Put a keyed list's items in `order`; items it does not name keep their places after.
fn reorder(list: &mut Value, order: &[String]) {
    let Value::Array(items) = list else { return };
    let Some(by) = key_field(&[items]) else {
        return;
    };
    let rank = |i: &Value| {
        key_of(i, by)
            .and_then(|k| order.iter().position(|o| *o == k))
            .unwrap_or(order.len())
    };
    crate::order::sort_by_key(items, rank);
}

impl Path {
    /// Whether it is exactly these object members (`["metadata", "name"]`).
    pub fn is(&self, members: &[&str]) -> bool {
        self.0.len() == members.len()
            && (self.0.iter().zip(members)).all(|(s, m)| matches!(s, Step::Member(k) if k == m))
    }

    /// The path as people read it, in kubectl's style: `spec.replicas`,
    /// `metadata.labels["app.kubernetes.io/version"]`,
    /// `spec.template.spec.containers[name=web].image`; `the whole object` when empty.
    pub fn readable(&self) -> String {
        let mut out = String::new();
        for step in &self.0 {
            match step {
                Step::Member(k) => push_member(&mut out, k),
                Step::Item { by, key } => out.push_str(&format!("[{by}={key}]")),
            }
        }
        if out.is_empty() {
            out.push_str("the whole object");
        }
        out
    }
}

/// Append member `k` to a path written as [`Path::readable`] writes it: `.name`, or
/// `["app.kubernetes.io/name"]` where the name has other characters.
pub(crate) fn push_member(out: &mut String, k: &str) {
    let plain =
        !k.is_empty() && (k.chars()).all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if !plain {
        out.push_str(&format!("[{k:?}]"));
        return;
    }
    if !out.is_empty() {
        out.push('.');
    }
    out.push_str(k);
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
        for step in &self.0 {
            match step {
                Step::Member(k) => {
                    let k = escape(k);
                    match k.strip_prefix('[') {
                        Some(rest) => write!(f, "/~2{rest}")?,
                        None => write!(f, "/{k}")?,
                    }
                }
                Step::Item { by, key } => write!(f, "/[{by}={}]", escape(key))?,
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Path {
    type Err = String;

    fn from_str(s: &str) -> Result<Path, String> {
        if s.is_empty() {
            return Ok(Path::default());
        }
        let Some(rest) = s.strip_prefix('/') else {
            return Err(format!("a kept path must start with `/`: `{s}`"));
        };
        let unescape = |s: &str| s.replace("~1", "/").replace("~0", "~");
        rest.split('/')
            .map(|seg| {
                if let Some(item) = seg.strip_prefix('[').and_then(|x| x.strip_suffix(']')) {
                    let (by, key) = item
                        .split_once('=')
                        .ok_or_else(|| format!("a list item needs `[field=key]`: `{seg}`"))?;
                    Ok(Step::Item {
                        by: by.to_string(),
                        key: unescape(key),
                    })
                } else if let Some(member) = seg.strip_prefix("~2") {
                    Ok(Step::Member(format!("[{}", unescape(member))))
                } else {
                    Ok(Step::Member(unescape(seg)))
                }
            })
            .collect::<Result<_, _>>()
            .map(Path)
    }
}

impl Serialize for Path {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Path {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Path, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The config digest an input left out stays out when the config it digests
    /// changes, with or without other annotations beside it; one the input had follows
    /// the config.
    #[test]
    fn a_derived_annotation_the_input_left_out_stays_out() {
        let pod = |annotations: Value| json!({"spec": {"template": {"metadata": {"annotations": annotations}}}});
        let at_import = pod(json!({"checksum/config": "aaa", "team": "shop"}));
        for input in [
            json!({"spec": {"template": {"metadata": {}}}}),
            pod(json!({"team": "shop", "owner": "ops"})),
        ] {
            let r = Residual::between(&at_import, &input);
            let mut today = pod(json!({"checksum/config": "bbb", "team": "shop"}));
            r.apply(&mut today);
            assert_eq!(today, input);
        }
        let input = pod(json!({"checksum/config": "old", "team": "shop"}));
        let r = Residual::between(&at_import, &input);
        let mut today = pod(json!({"checksum/config": "bbb", "team": "shop"}));
        r.apply(&mut today);
        assert_eq!(
            today,
            pod(json!({"checksum/config": "bbb", "team": "shop"}))
        );
    }
    use serde_json::json;

    #[test]
    fn a_list_without_keys_keeps_each_items_details_when_one_item_is_edited() {
        let rendered = json!({"rules": [{"timeouts": {"request": "15s"}}, {"path": "/a"}]});
        let input = json!({"rules": [
            {"timeouts": {"request": "15s"}, "filters": ["f1"]},
            {"path": "/a", "filters": ["f2"]},
        ]});
        let kept = Residual::between(&rendered, &input);
        let mut edited = json!({"rules": [{"timeouts": {"request": "20s"}}, {"path": "/a"}]});
        kept.apply(&mut edited);
        assert_eq!(
            edited,
            json!({"rules": [
                {"timeouts": {"request": "20s"}, "filters": ["f1"]},
                {"path": "/a", "filters": ["f2"]},
            ]}),
            "the edit stands and both items keep their filters"
        );
        // One item fewer: the list is the design's.
        let mut shorter = json!({"rules": [{"path": "/b"}]});
        kept.apply(&mut shorter);
        assert_eq!(shorter, json!({"rules": [{"path": "/b"}]}));
    }

    fn rendered() -> Value {
        json!({
            "metadata": {"name": "api", "labels": {"app": "api"}},
            "spec": {"template": {"spec": {
                "terminationGracePeriodSeconds": 30,
                "containers": [{
                    "name": "app",
                    "image": "api:1.0",
                    "ports": [{"name": "http", "containerPort": 8080}],
                    "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]
                }]
            }}}
        })
    }

    fn input() -> Value {
        json!({
            "metadata": {"name": "api", "labels": {"app": "api", "team": "core"},
                         "creationTimestamp": null},
            "spec": {"template": {"spec": {
                "terminationGracePeriodSeconds": 30,
                "containers": [{
                    "name": "app",
                    "image": "api:1.0",
                    "ports": [{"name": "http", "containerPort": 8080, "hostPort": 80}],
                    "env": [{"name": "B", "value": "2"}, {"name": "C", "value": "3"},
                            {"name": "A", "value": "1"}],
                    "lifecycle": {"postStart": {"exec": {"command": ["true"]}}}
                }, {
                    "name": "proxy", "image": "envoy:1.31"
                }]
            }}}
        })
    }

    #[test]
    fn replaying_onto_the_same_rendering_gives_the_input() {
        let r = Residual::between(&rendered(), &input());
        let mut out = rendered();
        r.apply(&mut out);
        assert_eq!(out, input());
    }

    #[test]
    fn an_edit_of_a_modelled_field_wins_over_what_was_kept() {
        let mut r_in = rendered();
        r_in["spec"]["template"]["spec"]["containers"][0]["image"] = json!("api:0.9");
        let r = Residual::between(&rendered(), &r_in);
        assert_eq!(r.0.len(), 1, "{r:?}");
        // The user changes the image after the import: the design's value stands.
        let mut today = rendered();
        today["spec"]["template"]["spec"]["containers"][0]["image"] = json!("api:2.0");
        r.apply(&mut today);
        assert_eq!(
            today["spec"]["template"]["spec"]["containers"][0]["image"],
            json!("api:2.0")
        );
    }

    /// A probe and a hook kept whole (the design rendered none at import) meet the
    /// handlers the design renders today: only the design's handler stays, with the
    /// kept members that are no handler; a handler the design does not render is kept.
    #[test]
    fn a_handler_kept_whole_gives_way_to_the_one_the_design_renders_today() {
        let mut input = rendered();
        let main = &mut input["spec"]["template"]["spec"]["containers"][0];
        main["readinessProbe"] =
            json!({"exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 5});
        main["lifecycle"] = json!({"preStop": {"exec": {"command": ["nginx", "-s", "quit"]}}});
        let r = Residual::between(&rendered(), &input);
        let mut today = rendered();
        let main = &mut today["spec"]["template"]["spec"]["containers"][0];
        main["readinessProbe"] = json!({"httpGet": {"path": "/ready", "port": "http"}});
        main["lifecycle"] = json!({"preStop": {"sleep": {"seconds": 7}}});
        r.apply(&mut today);
        let main = &today["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(
            main["readinessProbe"],
            json!({"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 5})
        );
        assert_eq!(
            main["lifecycle"],
            json!({"preStop": {"sleep": {"seconds": 7}}})
        );
        // Where the design renders no handler, the kept one is all there is.
        let mut today = rendered();
        r.apply(&mut today);
        assert_eq!(today, input);
    }

    #[test]
    fn a_map_the_input_left_out_brings_back_only_what_the_design_changed() {
        let at_import = json!({"metadata": {"name": "web", "labels": {
            "app.kubernetes.io/name": "web", "app.kubernetes.io/component": "api",
            "app.kubernetes.io/version": "1.0"
        }}});
        // The input's Service had no labels at all.
        let input = json!({"metadata": {"name": "web"}});
        let r = Residual::between(&at_import, &input);
        // A new component, edited in the design, comes back; a new image tag, which
        // the version label follows, is no edit of the label.
        let mut today = at_import.clone();
        today["metadata"]["labels"]["app.kubernetes.io/component"] = json!("edge");
        today["metadata"]["labels"]["app.kubernetes.io/version"] = json!("2.0");
        r.apply(&mut today);
        assert_eq!(
            today,
            json!({"metadata": {"name": "web", "labels": {"app.kubernetes.io/component": "edge"}}})
        );
        // Unchanged, the input's absence stands.
        let mut same = at_import.clone();
        r.apply(&mut same);
        assert_eq!(same, input);
        // A selector the input left out is not labels: changed, it comes back whole,
        // never as the one key that changed (that would select more pods).
        let selector = json!({"spec": {"selector": {"app": "web", "tier": "front"}}});
        let r = Residual::between(&selector, &json!({"spec": {}}));
        let mut today = selector.clone();
        today["spec"]["selector"]["tier"] = json!("edge");
        let edited = today.clone();
        r.apply(&mut today);
        assert_eq!(today, edited);
        // A structure the input left out comes back whole once the design changes it:
        // a probe with only its new timeout would have no handler.
        let probe = json!({"httpGet": {"path": "/healthz", "port": "http"}, "timeoutSeconds": 1});
        let r = Residual::between(&json!({"readinessProbe": probe}), &json!({}));
        let mut today = json!({"readinessProbe": probe});
        today["readinessProbe"]["timeoutSeconds"] = json!(3);
        let edited = today.clone();
        r.apply(&mut today);
        assert_eq!(today, edited);
    }

    /// A CronJob's job template without metadata stays without it when only its
    /// derived version label changes (an environment's own tag); labels the input had,
    /// without a version, stay without one.
    #[test]
    fn a_version_label_the_input_left_out_stays_out_with_another_tag() {
        let labels = |version: &str| json!({"app.kubernetes.io/name": "cleanup", "app.kubernetes.io/version": version});
        let rendered = |version: &str| json!({"metadata": {"labels": labels(version)}, "spec": {"jobTemplate": {"metadata": {"labels": labels(version)}}}});
        let input = json!({"metadata": {"labels": {"app.kubernetes.io/name": "cleanup"}}, "spec": {"jobTemplate": {}}});
        let r = Residual::between(&rendered("1.5.0-rc1"), &input);
        let mut prod = rendered("1.4.2");
        r.apply(&mut prod);
        assert_eq!(prod, input);
        // An input with its own version label gets the design's new one.
        let own = json!({"metadata": {"labels": {"app.kubernetes.io/version": "1.5.0"}}, "spec": {"jobTemplate": {}}});
        let r = Residual::between(&rendered("1.5.0-rc1"), &own);
        let mut prod = rendered("1.4.2");
        r.apply(&mut prod);
        assert_eq!(
            prod["metadata"]["labels"]["app.kubernetes.io/version"],
            "1.4.2"
        );
    }

    #[test]
    fn adding_a_modelled_member_keeps_the_kept_siblings() {
        let r = Residual::between(&rendered(), &input());
        let mut today = rendered();
        // The user adds a preStop: the design now renders `lifecycle` too.
        today["spec"]["template"]["spec"]["containers"][0]["lifecycle"] =
            json!({"preStop": {"sleep": {"seconds": 5}}});
        r.apply(&mut today);
        assert_eq!(
            today["spec"]["template"]["spec"]["containers"][0]["lifecycle"],
            json!({"preStop": {"sleep": {"seconds": 5}},
                   "postStart": {"exec": {"command": ["true"]}}})
        );
    }

    #[test]
    fn a_new_port_does_not_shift_what_was_kept_for_another() {
        let r = Residual::between(&rendered(), &input());
        let mut today = rendered();
        let ports = today["spec"]["template"]["spec"]["containers"][0]["ports"]
            .as_array_mut()
            .unwrap();
        ports.insert(0, json!({"name": "metrics", "containerPort": 9090}));
        r.apply(&mut today);
        assert_eq!(
            today["spec"]["template"]["spec"]["containers"][0]["ports"],
            json!([{"name": "metrics", "containerPort": 9090},
                   {"name": "http", "containerPort": 8080, "hostPort": 80}])
        );
    }

    #[test]
    fn a_removed_container_takes_its_kept_details_with_it() {
        let r = Residual::between(&rendered(), &input());
        let mut today = rendered();
        today["spec"]["template"]["spec"]["containers"] = json!([]);
        r.apply(&mut today);
        let names: Vec<_> = today["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].clone())
            .collect();
        // The kept sidecar comes back; the modelled container stays removed.
        assert_eq!(names, [json!("proxy")]);
    }

    #[test]
    fn a_damaged_kept_path_is_refused_with_what_is_wrong() {
        let err = "spec/replicas".parse::<Path>().unwrap_err();
        assert!(err.contains("must start with `/`"), "{err}");
        let err = "/spec/containers/[app]".parse::<Path>().unwrap_err();
        assert!(err.contains("`[field=key]`"), "{err}");
        let err = serde_json::from_str::<Residual>(r#"[{"at": "spec", "now": 1}]"#).unwrap_err();
        assert!(err.to_string().contains("must start with `/`"), "{err}");
    }

    #[test]
    fn paths_round_trip_through_text() {
        for text in [
            "",
            "/metadata/annotations/app.kubernetes.io~1name",
            "/spec/containers/[name=app]/volumeMounts/[mountPath=~1var~1run]",
            "/data/~2odd]/x~0y",
        ] {
            let p: Path = text.parse().unwrap();
            assert_eq!(p.to_string(), text);
        }
        let r = Residual::between(&rendered(), &input());
        let json = serde_json::to_string(&r).unwrap();
        let back: Residual = serde_json::from_str(&json).unwrap();
        assert_eq!(back, r);
        assert!(!json.contains("\"was\":null"), "absent is absent: {json}");
    }

    #[test]
    fn nulls_of_the_input_are_kept() {
        let r = Residual::between(&rendered(), &input());
        let json = serde_json::to_string(&r).unwrap();
        let back: Residual = serde_json::from_str(&json).unwrap();
        let mut out = rendered();
        back.apply(&mut out);
        assert_eq!(out["metadata"]["creationTimestamp"], Value::Null);
        assert!(out["metadata"]
            .as_object()
            .unwrap()
            .contains_key("creationTimestamp"));
    }
}
