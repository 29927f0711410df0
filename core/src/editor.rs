//! The editing session around a design: undo/redo history.
//!
//! History keeps design snapshots. Consecutive [`Edit::Set`]s of the same field merge
//! into one step (typing `3`, `35`, `350` in one input is one undo), until something
//! else happens or [`Editor::seal`] is called (an input lost focus). A switch (a field
//! set to true or false) never merges: each flip is a step.
//!
//! The history holds only some of its designs whole: the first, every
//! [`KEPT_WHOLE_EVERY`]th, and the two next to the open one (what undo, redo and a
//! merge reach at once). Any other is made again when undo or redo comes next to it:
//! the nearest design before it kept whole, with the steps between done again. So a
//! long session on a big design holds a few copies of it, not one per step.
//!
//! View state (which service is selected, which panel is open) is not here: a view keeps
//! it beside the editor, so that selecting does not look like a change of the design.
//! [`Editor::revision`] tells a view whether the design changed at all, and
//! [`Editor::keep_selection`] what becomes of a selection after it did.

use crate::edit::{Edit, EditError, FieldPath};
use crate::model::{Design, ServiceId};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// How many steps of history are kept, at most.
pub const HISTORY_LIMIT: usize = 200;

/// How many of the oldest steps go at once when there are more: the first design, which
/// a history kept over a reload writes whole, then changes once in so many steps.
pub const DROPPED_AT_ONCE: usize = 25;

/// Every so many designs of the history one is kept whole; the ones between are made
/// again from it. (It divides [`DROPPED_AT_ONCE`], so that the first design after the
/// oldest steps go is one kept whole.)
pub const KEPT_WHOLE_EVERY: usize = 25;
const _: () = assert!(DROPPED_AT_ONCE.is_multiple_of(KEPT_WHOLE_EVERY));

/// A design being edited, with its history.
#[derive(Clone, Debug, PartialEq)]
pub struct Editor {
    /// The current design.
    pub design: Design,
    /// The designs before the open one, oldest first: `None` for one not kept whole.
    past: Vec<Option<Design>>,
    /// The designs after the open one (undone), the next one last.
    future: Vec<Option<Design>>,
    /// The fields whose edits currently merge into the last step.
    merging: Option<Vec<FieldPath>>,
    /// The field whose keystrokes the last steps are, and where in `past` the design
    /// from before its typing is (a typing may take more than one step: an image
    /// reference's tag, set and then left out).
    typing: Option<(FieldPath, usize)>,
    /// How many times the design has changed.
    revision: u64,
    /// What made each step: `steps[i]` turns the `i`th design of the history (the
    /// oldest in `past` first, then `design`, then `future` from its end) into the next.
    steps: Vec<Step>,
    /// A number no other history's first design had ([`Editor::first_mark`]).
    first_mark: u64,
}

/// What made one step of the history from the design before it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// An edit, applied.
    Edit(Edit),
    /// The whole design replaced (a file or template opened, another tab's version).
    Replace(Box<Design>),
}

/// An editor's history in a form that can be kept (over a reload of the page): the steps
/// from its first design ([`Editor::first`]), of which `at` are done and the rest undone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Every step, done and undone, in order.
    pub steps: Vec<Step>,
    /// How many are done.
    pub at: usize,
}

/// The source of [`Editor::first_mark`]s.
static FIRST_MARKS: AtomicU64 = AtomicU64::new(1);

fn new_first_mark() -> u64 {
    FIRST_MARKS.fetch_add(1, Ordering::Relaxed)
}

impl Editor {
    /// A session on `design` with empty history.
    pub fn new(design: Design) -> Self {
        Editor {
            design,
            past: Vec::new(),
            future: Vec::new(),
            merging: None,
            typing: None,
            revision: 0,
            steps: Vec::new(),
            first_mark: new_first_mark(),
        }
    }

    /// The session [`Editor::record`] kept, on `first`, the first design of its history:
    /// every step done again, so undo and redo go where they went. `None` when a step no
    /// longer applies (a record of another design, or of another version of Kubeprint).
    pub fn restored(first: Design, record: Record) -> Option<Editor> {
        let at = record.at;
        if at > record.steps.len() {
            return None;
        }
        // One design, the steps done on it in turn, copied where the history keeps it.
        let mut designs = Vec::with_capacity(record.steps.len() + 1);
        let mut design = first;
        for (i, step) in record.steps.iter().enumerate() {
            designs.push(kept_whole(i, at).then(|| design.clone()));
            step.apply_to(&mut design).ok()?;
        }
        designs.push(kept_whole(record.steps.len(), at).then_some(design));
        let mut future = designs.split_off(at + 1);
        future.reverse();
        let design = (designs.pop().flatten()).expect("the open design is whole");
        Some(Editor {
            design,
            past: designs,
            future,
            steps: record.steps,
            ..Editor::new(Design::default())
        })
    }

    /// The history as steps from its first design ([`Editor::restored`] makes it again).
    pub fn record(&self) -> Record {
        Record {
            steps: self.steps.clone(),
            at: self.past.len(),
        }
    }

    /// [`Editor::record`] as JSON, written without a copy of the steps (a step may hold a
    /// whole design).
    pub fn record_json(&self) -> String {
        #[derive(Serialize)]
        struct Borrowed<'a> {
            steps: &'a [Step],
            at: usize,
        }
        let record = Borrowed {
            steps: &self.steps,
            at: self.past.len(),
        };
        serde_json::to_string(&record).expect("a record serializes")
    }

    /// The first design of the history: the oldest one undo can go back to.
    pub fn first(&self) -> &Design {
        match self.past.first() {
            Some(first) => first.as_ref().expect("the first design is kept whole"),
            None => &self.design,
        }
    }

    /// A number that changes whenever [`Editor::first`] does (the history began again, or
    /// its oldest step was dropped), and that no other editor's first design had: what
    /// keeps the history needs to write that design again only when it changes.
    pub fn first_mark(&self) -> u64 {
        self.first_mark
    }

    /// Apply an edit as a new undo step (or merged into the last one, for repeated
    /// edits of one field). On error nothing changes.
    pub fn dispatch(&mut self, edit: Edit) -> Result<(), EditError> {
        // A batch of sets led by the field of the last edit, setting every field that
        // edit set (an image reference typed into Image, which also sets its tag once
        // one is typed), merges like a set of one field. One that leaves out a field the
        // last set (a ConfigMap key removed after another, each with the environments'
        // values of it) is a step of its own: a merged step is made again from the
        // design before the first edit, and would lose what the last edit set there.
        let merge_key: Option<Vec<FieldPath>> = match &edit {
            // A switch flipped is a step of its own: flipped twice, it is two undos, not
            // one that changes nothing.
            Edit::Set { value, .. } if value.is_boolean() => None,
            Edit::Set { path, .. } => Some(vec![path.clone()]),
            Edit::Batch(edits) if edits.iter().all(|e| matches!(e, Edit::Set { .. })) => {
                Some(set_paths(&edit).cloned().collect())
            }
            _ => None,
        };
        let merges = match (&merge_key, &self.merging) {
            (Some(new), Some(last)) => {
                new.first() == last.first() && last.iter().all(|p| new.contains(p))
            }
            _ => false,
        };
        if merges {
            // The last step holds the design from before this field's first edit: the
            // merged step is that design with this edit, not the last keystroke's with
            // it. So what follows a value follows it from where it was when the typing
            // began (a port renamed `grpc` to `rpc` by way of `g` and ``, or by way of
            // another port's name), and the step is whole. (The copy of that design
            // costs a keystroke at 1,000 services nothing the page benchmark can tell
            // from a run's noise: BENCHMARKS.md.) Whether it changed anything: a set
            // changes nothing but its targets, so they are compared, not the whole
            // design.
            let targets: Vec<FieldPath> = set_paths(&edit)
                .map(|p| FieldPath {
                    target: p.target.clone(),
                    pointer: String::new(),
                })
                .collect();
            let read = |d: &Design| targets.iter().map(|t| d.field(t)).collect::<Vec<_>>();
            let before = read(&self.design);
            let mut design = (self.past.last())
                .and_then(Option::as_ref)
                .expect("a merge follows its first step, whole beside the open one")
                .clone();
            design.apply(edit.clone())?;
            self.design = design;
            // (A merge follows a step of this editor's, after which nothing was undone.)
            self.steps.truncate(self.past.len());
            if let Some(last) = self.steps.last_mut() {
                *last = Step::Edit(edit);
            }
            self.merging = merge_key;
            if read(&self.design) != before {
                self.future.clear();
                self.revision += 1;
            }
            return Ok(());
        }
        let before = self.design.clone();
        self.design.apply(edit.clone())?;
        if self.design == before {
            return Ok(());
        }
        self.steps.truncate(self.past.len());
        self.steps.push(Step::Edit(edit));
        let field = merge_key.as_ref().and_then(|k| k.first());
        if self.typing.as_ref().map(|(p, _)| p) != field {
            self.typing = field.map(|p| (p.clone(), self.past.len()));
        }
        self.past.push(Some(before));
        if self.past.len() > HISTORY_LIMIT {
            // The new first design is one kept whole (`KEPT_WHOLE_EVERY` divides the
            // steps dropped).
            self.past.drain(..DROPPED_AT_ONCE);
            self.steps.drain(..DROPPED_AT_ONCE);
            self.first_mark = new_first_mark();
            self.typing = (self.typing.take())
                .and_then(|(p, at)| Some((p, at.checked_sub(DROPPED_AT_ONCE)?)));
        }
        self.future.clear();
        self.thin();
        self.merging = merge_key;
        self.revision += 1;
        Ok(())
    }

    /// Replace the whole design (open a file or template) as one undoable step.
    pub fn replace(&mut self, design: Design) {
        self.steps.truncate(self.past.len());
        self.steps.push(Step::Replace(Box::new(design.clone())));
        let before = std::mem::replace(&mut self.design, design);
        self.past.push(Some(before));
        self.future.clear();
        self.thin();
        self.merging = None;
        self.typing = None;
        self.revision += 1;
    }

    /// The field at `path` now holds text that does not parse, or a value the design
    /// refuses: while the last steps are its typing (nothing else happened since, and it
    /// kept the focus), the design goes back to before that typing began. Typed `1.5`
    /// over a grace period of 40 goes by way of `1`; the design keeps 40, not the `1`
    /// that happened to parse on the way. The steps are gone; typing on makes a new
    /// one. Returns whether the design changed.
    pub fn take_back_typing(&mut self, path: &FieldPath) -> bool {
        let at = match &self.typing {
            Some((typed, at)) if typed == path && *at < self.past.len() => *at,
            _ => return false,
        };
        self.design = self.taken(at);
        self.past.truncate(at);
        self.steps.truncate(at);
        self.thin();
        self.merging = None;
        self.typing = None;
        self.revision += 1;
        true
    }

    /// End the current merge: the next edit of the same field is a new step.
    pub fn seal(&mut self) {
        self.merging = None;
        self.typing = None;
    }

    /// Go back one step. Returns false when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        let Some(at) = self.past.len().checked_sub(1) else {
            return false;
        };
        let prev = self.taken(at);
        self.past.pop();
        self.future
            .push(Some(std::mem::replace(&mut self.design, prev)));
        self.thin();
        self.merging = None;
        self.typing = None;
        self.revision += 1;
        true
    }

    /// Go forward one step. Returns false when there is nothing to redo.
    pub fn redo(&mut self) -> bool {
        if self.future.is_empty() {
            return false;
        }
        let next = self.taken(self.past.len() + 1);
        self.future.pop();
        self.past
            .push(Some(std::mem::replace(&mut self.design, next)));
        self.thin();
        self.merging = None;
        self.typing = None;
        self.revision += 1;
        true
    }

    /// The fields the last [`Editor::undo`] changed: where the design now differs from
    /// the version it replaced ([`Design::changes_from`]), one per part changed; those
    /// the undone step set first (a port numbered otherwise before the callers'
    /// addresses that followed it).
    pub fn undone(&self) -> Vec<FieldPath> {
        let Some(then) = self.undone_from() else {
            return Vec::new();
        };
        let changes = self.design.changes_from(then);
        own_first(changes, self.steps.get(self.past.len()), &self.design, then)
    }

    /// The fields the last [`Editor::redo`] changed, those the redone step set first.
    pub fn redone(&self) -> Vec<FieldPath> {
        let Some(then) = self.redone_from() else {
            return Vec::new();
        };
        let changes = self.design.changes_from(then);
        let step = self
            .past
            .len()
            .checked_sub(1)
            .and_then(|i| self.steps.get(i));
        own_first(changes, step, &self.design, then)
    }

    /// The design the last [`Editor::undo`] replaced.
    pub fn undone_from(&self) -> Option<&Design> {
        self.future.last()?.as_ref()
    }

    /// The design the last [`Editor::redo`] replaced.
    pub fn redone_from(&self) -> Option<&Design> {
        self.past.last()?.as_ref()
    }

    /// Whether there is something to undo.
    pub fn can_undo(&self) -> bool {
        !self.past.is_empty()
    }

    /// Whether there is something to redo.
    pub fn can_redo(&self) -> bool {
        !self.future.is_empty()
    }

    /// A number that changes whenever the design does (an edit that changed something,
    /// a replace, an undo, a redo) and never otherwise: not on a refused or no-op edit,
    /// not on [`Editor::seal`].
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Design `i` of the history (0 its first, `past.len()` the open one), when it is
    /// kept whole.
    fn whole(&self, i: usize) -> Option<&Design> {
        let open = self.past.len();
        match i.checked_sub(open) {
            None => self.past[i].as_ref(),
            Some(0) => Some(&self.design),
            Some(after) => self.future[self.future.len().checked_sub(after)?].as_ref(),
        }
    }

    /// Where design `i` of the history is kept (not the open one).
    fn slot(&mut self, i: usize) -> &mut Option<Design> {
        let open = self.past.len();
        match i.checked_sub(open) {
            None => &mut self.past[i],
            Some(0) => unreachable!("the open design is always whole"),
            Some(after) => {
                let at = self.future.len() - after;
                &mut self.future[at]
            }
        }
    }

    /// Design `i` of the history: kept whole, or made again from the nearest design
    /// before it kept whole, with the steps between done again.
    fn whole_or_made(&self, i: usize) -> Design {
        let (from, design) = (0..=i)
            .rev()
            .find_map(|c| Some((c, self.whole(c)?)))
            .expect("the first design is kept whole");
        let mut design = design.clone();
        for step in &self.steps[from..i] {
            step.apply_to(&mut design)
                .expect("a step of the history does again what it did");
        }
        design
    }

    /// Design `i` of the history (not the open one), taken out of its place: moved when
    /// it is kept whole, else made again.
    fn taken(&mut self, i: usize) -> Design {
        match self.slot(i).take() {
            Some(whole) => whole,
            None => self.whole_or_made(i),
        }
    }

    /// Keep whole what the history keeps whole ([`kept_whole`]), and only that.
    fn thin(&mut self) {
        let open = self.past.len();
        let all = open + 1 + self.future.len();
        // Made before any other is let go: one is made from those before it.
        for i in (0..all).filter(|&i| i != open && kept_whole(i, open)) {
            if self.whole(i).is_none() {
                let made = self.whole_or_made(i);
                *self.slot(i) = Some(made);
            }
        }
        for i in (0..all).filter(|&i| i != open && !kept_whole(i, open)) {
            *self.slot(i) = None;
        }
    }

    /// What a selection of `selected` becomes after a change of the design: kept while
    /// its service exists, dropped when an edit or an undo removed it.
    pub fn keep_selection(&self, selected: Option<ServiceId>) -> Option<ServiceId> {
        selected.filter(|id| self.design.service(*id).is_some())
    }
}

/// Whether the history keeps design `i` whole while design `open` is the open one: the
/// first, every [`KEPT_WHOLE_EVERY`]th, and those next to the open one.
fn kept_whole(i: usize, open: usize) -> bool {
    i.is_multiple_of(KEPT_WHOLE_EVERY) || i.abs_diff(open) <= 1
}

impl Step {
    /// Do this step again on the design before it.
    fn apply_to(&self, design: &mut Design) -> Result<(), EditError> {
        match self {
            Step::Edit(edit) => design.apply(edit.clone()),
            Step::Replace(next) => {
                design.clone_from(next);
                Ok(())
            }
        }
    }
}

/// How many designs besides the open one keep their undo history in memory.
pub const SHELVED_HISTORIES: usize = 4;

/// The undo histories of designs opened before in this page, by the storage slot they
/// are saved in: switching back to one of the last few brings its undo steps back.
/// Kept in memory only; a reload starts every design with an empty history.
#[derive(Clone, Debug, Default)]
pub struct Shelf {
    editors: Vec<(u32, Editor)>,
}

impl Shelf {
    /// Make `current` (the session of the design saved in slot `from`) the session of
    /// `design`, opened from slot `to`: `current` is shelved, and `design` gets the
    /// history shelved for `to` when that history ends in this very design, else an
    /// empty one (a design changed since, in another tab, must not undo into steps
    /// that never led to it).
    pub fn switch(&mut self, current: &mut Editor, from: u32, to: u32, design: Design) {
        let mut left = std::mem::replace(current, Editor::new(Design::default()));
        // A step is not continued by typing after coming back.
        left.seal();
        self.editors.retain(|(slot, _)| *slot != from);
        if left.can_undo() || left.can_redo() {
            self.editors.push((from, left));
            if self.editors.len() > SHELVED_HISTORIES {
                self.editors.remove(0);
            }
        }
        let kept = self.editors.iter().position(|(slot, _)| *slot == to);
        *current = match kept.map(|i| self.editors.remove(i).1) {
            Some(editor) if editor.design == design => editor,
            _ => Editor::new(design),
        };
    }

    /// Drop the history of slot `slot` (its saved design was deleted).
    pub fn forget(&mut self, slot: u32) {
        self.editors.retain(|(s, _)| *s != slot);
    }
}

/// `changes` (one per part changed, at its first difference, between `now` and `then`)
/// with the fields `step` set and changed first, in place of the changes of their
/// parts: a port numbered otherwise is named as the port, though what followed it in the
/// same service (a Service port targeting it by number) sorts before it.
fn own_first(
    changes: Vec<FieldPath>,
    step: Option<&Step>,
    now: &Design,
    then: &Design,
) -> Vec<FieldPath> {
    let Some(Step::Edit(edit)) = step else {
        return changes;
    };
    // (A batch may set a field to the value it had: a fix's grace period kept.)
    let set: Vec<&FieldPath> = set_paths(edit)
        .filter(|p| now.get(p) != then.get(p))
        .collect();
    let (own, rest): (Vec<FieldPath>, Vec<FieldPath>) =
        (changes.into_iter()).partition(|c| set.iter().any(|p| p.target == c.target));
    let mut first: Vec<FieldPath> = Vec::new();
    for p in set {
        if own.iter().any(|c| c.target == p.target) && !first.contains(p) {
            first.push(p.clone());
        }
    }
    first.extend(rest);
    first
}

/// The paths an edit of sets writes: its own, or each of a batch's.
fn set_paths(edit: &Edit) -> impl Iterator<Item = &FieldPath> {
    let edits = match edit {
        Edit::Batch(edits) => edits.as_slice(),
        single => std::slice::from_ref(single),
    };
    edits.iter().filter_map(|e| match e {
        Edit::Set { path, .. } => Some(path),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn typing_that_ends_in_a_refused_value_leaves_the_value_before_it() {
        let mut e = Editor::new(crate::templates::connectum());
        let at = FieldPath::service(e.design.services[0].id, "/timing/grace_period_seconds");
        set_grace(&mut e, 5);
        e.seal();
        let design = e.design.clone();
        // `1.5` typed: `1` parses on the way, `1.` does not.
        set_grace(&mut e, 1);
        assert_eq!(grace(&e), 1);
        assert!(e.take_back_typing(&at));
        assert_eq!(e.design, design, "the value before the typing");
        assert!(!e.take_back_typing(&at), "nothing more to take back");
        // Typing on is a step of its own, undone to the value before the typing.
        set_grace(&mut e, 15);
        assert!(e.undo());
        assert_eq!(grace(&e), 5);
        assert!(e.undo(), "the earlier step is still there");
        assert_ne!(grace(&e), 5);
        // Another field's typing is not this one's to take back.
        let mut e = Editor::new(crate::templates::connectum());
        set_grace(&mut e, 7);
        let other = FieldPath::service(e.design.services[0].id, "/timing/pre_stop_seconds");
        assert!(!e.take_back_typing(&other));
        assert_eq!(grace(&e), 7);
    }

    #[test]
    fn a_switch_flipped_twice_is_two_steps() {
        let mut e = Editor::new(crate::templates::connectum());
        let deny = |on: bool| Edit::Set {
            path: FieldPath::environment("prod", "/default_deny"),
            value: json!(on),
        };
        let was = e.design.clone();
        e.dispatch(deny(true)).unwrap();
        e.dispatch(deny(false)).unwrap();
        assert!(e.undo(), "undoes turning it off");
        assert!(e.design.environment("prod").unwrap().default_deny);
        assert!(e.undo(), "undoes turning it on");
        assert_eq!(e.design, was);
        // Typing into one field is still one step.
        set_grace(&mut e, 5);
        set_grace(&mut e, 50);
        assert!(e.undo());
        assert_eq!(e.design, was);
    }

    #[test]
    fn switching_back_to_a_design_brings_its_history_back() {
        let mut shelf = Shelf::default();
        let mut e = Editor::new(crate::templates::connectum());
        set_grace(&mut e, 50);
        let a = e.design.clone();
        let b = crate::templates::stfc_fastapi();
        shelf.switch(&mut e, 1, 2, b.clone());
        assert_eq!(e.design, b);
        assert!(
            !e.can_undo(),
            "the other design starts with its own history"
        );
        shelf.switch(&mut e, 2, 1, a.clone());
        assert_eq!(grace(&e), 50);
        assert!(e.undo(), "the edit made before switching is undone");
        assert_ne!(grace(&e), 50);
        assert!(e.redo());
        assert_eq!(e.design, a);
    }

    #[test]
    fn coming_back_to_a_design_changed_elsewhere_starts_a_new_history() {
        let mut shelf = Shelf::default();
        let mut e = Editor::new(crate::templates::connectum());
        set_grace(&mut e, 50);
        let mut changed = e.design.clone();
        changed.name = "renamed-in-another-tab".into();
        shelf.switch(&mut e, 1, 2, crate::templates::stfc_fastapi());
        shelf.switch(&mut e, 2, 1, changed.clone());
        assert_eq!(e.design, changed);
        assert!(!e.can_undo());
    }

    #[test]
    fn the_same_design_opened_again_keeps_its_history_and_typing_starts_a_step() {
        let mut shelf = Shelf::default();
        let mut e = Editor::new(crate::templates::connectum());
        let before = grace(&e);
        set_grace(&mut e, 50);
        let same = e.design.clone();
        shelf.switch(&mut e, 1, 1, same);
        set_grace(&mut e, 51);
        assert!(e.undo());
        assert_eq!(
            grace(&e),
            50,
            "the typing after coming back is a step of its own"
        );
        assert!(e.undo());
        assert_eq!(grace(&e), before);
    }

    #[test]
    fn only_the_last_designs_keep_their_history() {
        let mut shelf = Shelf::default();
        let mut e = Editor::new(crate::templates::connectum());
        let mut designs = Vec::new();
        for slot in 0..=SHELVED_HISTORIES as u32 {
            set_grace(&mut e, 40 + slot);
            designs.push(e.design.clone());
            shelf.switch(&mut e, slot, slot + 1, crate::templates::connectum());
        }
        let last = SHELVED_HISTORIES as u32 + 1;
        shelf.switch(&mut e, last, 0, designs[0].clone());
        assert!(!e.can_undo(), "the oldest history was let go");
        shelf.switch(&mut e, 0, 1, designs[1].clone());
        assert!(e.can_undo(), "a newer one is kept");
        shelf.forget(1);
        shelf.switch(&mut e, 1, 2, designs[2].clone());
        assert!(e.can_undo());
        shelf.forget(1);
        shelf.switch(&mut e, 2, 1, designs[1].clone());
        assert!(!e.can_undo(), "a forgotten slot's history is gone");
    }

    fn grace(e: &Editor) -> u32 {
        e.design.services[0].timing.grace_period_seconds
    }

    fn set_grace(e: &mut Editor, v: u32) {
        let path = FieldPath::service(e.design.services[0].id, "/timing/grace_period_seconds");
        e.dispatch(Edit::Set {
            path,
            value: json!(v),
        })
        .unwrap();
    }

    #[test]
    fn typing_a_reference_into_image_is_one_undo_step() {
        let mut e = Editor::new(crate::templates::connectum());
        let before = e.design.services[0].image_ref();
        let path = FieldPath::service(e.design.services[0].id, "/image");
        for typed in ["n", "nginx", "nginx:1", "nginx:1.27"] {
            let edit =
                crate::input::edit(crate::input::FieldKind::Image, &path, typed, &[]).unwrap();
            e.dispatch(edit).unwrap();
        }
        assert_eq!(e.design.services[0].image_ref(), "nginx:1.27");
        assert!(e.undo());
        assert_eq!(e.design.services[0].image_ref(), before);
        assert!(!e.undo());
    }

    /// Two batches led by one field but setting others too (two ConfigMap keys removed
    /// in a row, each with the environments' values of it) are two steps: the second
    /// keeps what the first did.
    #[test]
    fn batches_of_other_fields_are_steps_of_their_own() {
        let mut e = Editor::new(crate::templates::connectum());
        let id = e.design.services[0].id;
        let at = |p: &str| FieldPath::service(id, p);
        let batch = |second: &str, v: u32| {
            Edit::Batch(vec![
                Edit::Set {
                    path: at("/timing/grace_period_seconds"),
                    value: json!(40 + v),
                },
                Edit::Set {
                    path: at(second),
                    value: json!(v),
                },
            ])
        };
        e.dispatch(batch("/timing/pre_stop_seconds", 1)).unwrap();
        e.dispatch(batch("/timing/startup_seconds", 2)).unwrap();
        let t = &e.design.services[0].timing;
        assert_eq!(
            (
                t.grace_period_seconds,
                t.pre_stop_seconds,
                t.startup_seconds
            ),
            (42, 1, 2)
        );
        assert!(e.undo());
        let t = &e.design.services[0].timing;
        assert_eq!(
            (t.grace_period_seconds, t.pre_stop_seconds),
            (41, 1),
            "the first batch"
        );
        // Typed on and then refused, the field takes back both steps of its typing:
        // the design is as before the first.
        let before = e.design.clone();
        e.seal();
        e.dispatch(batch("/timing/pre_stop_seconds", 3)).unwrap();
        e.dispatch(batch("/timing/startup_seconds", 4)).unwrap();
        assert!(e.take_back_typing(&at("/timing/grace_period_seconds")));
        assert_eq!(e.design, before);
        assert!(e.undo(), "the step before the typing is still there");
        assert_eq!(e.design.services[0].timing.grace_period_seconds, 35);
    }

    #[test]
    fn typing_into_one_field_is_one_undo_step() {
        let mut e = Editor::new(crate::templates::connectum());
        set_grace(&mut e, 3);
        set_grace(&mut e, 37);
        assert_eq!(grace(&e), 37);
        assert!(e.undo());
        assert_eq!(grace(&e), 35, "back to before the typing");
        assert!(!e.undo());
        assert!(e.redo());
        assert_eq!(grace(&e), 37);
    }

    #[test]
    fn sealing_or_editing_another_field_starts_a_new_step() {
        let mut e = Editor::new(crate::templates::connectum());
        set_grace(&mut e, 40);
        e.seal();
        set_grace(&mut e, 45);
        e.undo();
        assert_eq!(grace(&e), 40);
        let id = e.design.services[0].id;
        e.dispatch(Edit::Set {
            path: FieldPath::service(id, "/timing/pre_stop_seconds"),
            value: json!(7),
        })
        .unwrap();
        set_grace(&mut e, 50);
        e.undo();
        assert_eq!(
            grace(&e),
            40,
            "the grace edit after pre_stop is its own step"
        );
        assert_eq!(e.design.services[0].timing.pre_stop_seconds, 7);
    }

    #[test]
    fn a_new_edit_clears_redo_and_a_failed_edit_changes_nothing() {
        let mut e = Editor::new(crate::templates::connectum());
        set_grace(&mut e, 40);
        e.undo();
        set_grace(&mut e, 41);
        assert!(!e.can_redo());
        let before = e.clone();
        assert!(e.dispatch(Edit::RemoveService(ServiceId(99))).is_err());
        assert_eq!(e, before);
    }

    #[test]
    fn undoing_an_added_service_drops_a_selection_of_it() {
        let mut e = Editor::new(crate::Design::default());
        e.dispatch(Edit::AddService(Box::default())).unwrap();
        let selected = Some(e.design.services[0].id);
        assert_eq!(e.keep_selection(selected), selected);
        e.undo();
        assert_eq!(e.keep_selection(selected), None);
        e.redo();
        assert_eq!(e.keep_selection(selected), selected, "redo brings it back");
    }

    #[test]
    fn the_revision_moves_with_the_design_and_only_with_it() {
        let mut e = Editor::new(crate::templates::connectum());
        let mut last = e.revision();
        let mut moved = |e: &Editor| {
            let now = e.revision();
            std::mem::replace(&mut last, now) != now
        };
        set_grace(&mut e, 40);
        assert!(moved(&e), "an edit");
        set_grace(&mut e, 41);
        assert!(moved(&e), "a merged edit still changes the design");
        set_grace(&mut e, 41);
        assert!(!moved(&e), "the same value again");
        e.seal();
        assert!(!moved(&e), "sealing");
        assert!(e.dispatch(Edit::RemoveService(ServiceId(99))).is_err());
        assert!(!moved(&e), "a refused edit");
        e.undo();
        assert!(moved(&e), "undo");
        e.redo();
        assert!(moved(&e), "redo");
        e.replace(crate::Design::default());
        assert!(moved(&e), "replace");
    }

    /// What a user may do to a session, for the record's law below.
    #[derive(Clone, Copy, Debug)]
    enum Act {
        /// Type a value into one of three fields (a number, a switch, a name).
        Set(usize, u32),
        Seal,
        Undo,
        Redo,
        /// Open another design (a template).
        Replace,
        /// Take back the typing of the grace period.
        TakeBack,
        /// Remove the first service.
        Remove,
    }

    fn act() -> impl proptest::strategy::Strategy<Value = Act> {
        use proptest::prelude::*;
        prop_oneof![
            4 => (0..3usize, 0..40u32).prop_map(|(f, v)| Act::Set(f, v)),
            1 => Just(Act::Seal),
            2 => Just(Act::Undo),
            1 => Just(Act::Redo),
            1 => Just(Act::Replace),
            1 => Just(Act::TakeBack),
            1 => Just(Act::Remove),
        ]
    }

    /// Every design the session can reach with undo and redo, oldest first.
    fn reachable(e: &Editor) -> Vec<Design> {
        (0..=e.past.len() + e.future.len())
            .map(|i| e.whole_or_made(i))
            .collect()
    }

    /// Do `a` in `e`; false when `e` has no service left to act on.
    fn act_on(e: &mut Editor, a: Act) -> bool {
        let Some(id) = e.design.services.first().map(|s| s.id) else {
            return false;
        };
        let path = |p: &str| FieldPath::service(id, p);
        let set = |e: &mut Editor, p: &str, value| {
            let _ = e.dispatch(Edit::Set {
                path: path(p),
                value,
            });
        };
        match a {
            Act::Set(0, v) => set(e, "/timing/grace_period_seconds", json!(v)),
            Act::Set(1, v) => set(e, "/critical", json!(v % 2 == 0)),
            Act::Set(_, v) => set(e, "/component", json!(format!("c{v}"))),
            Act::Seal => e.seal(),
            Act::Undo => _ = e.undo(),
            Act::Redo => _ = e.redo(),
            Act::Replace => e.replace(crate::templates::stfc_fastapi()),
            Act::TakeBack => _ = e.take_back_typing(&path("/timing/grace_period_seconds")),
            Act::Remove => _ = e.dispatch(Edit::RemoveService(id)),
        }
        true
    }

    proptest::proptest! {
        /// Whatever was done, the record made again on the first design is the same
        /// session: the same designs to undo to and redo to, from the same place.
        #[test]
        fn a_recorded_history_is_restored_whole(acts in proptest::collection::vec(act(), 0..40)) {
            let mut e = Editor::new(crate::templates::connectum());
            for a in acts {
                if !act_on(&mut e, a) {
                    break;
                }
                proptest::prop_assert_eq!(e.steps.len(), e.past.len() + e.future.len());
            }
            let again = Editor::restored(e.first().clone(), e.record()).expect("it applies");
            proptest::prop_assert_eq!(reachable(&again), reachable(&e));
            proptest::prop_assert_eq!(again.past.len(), e.past.len());
            // And it keeps whole the very designs the session kept whole.
            let whole = |e: &Editor| -> Vec<bool> {
                (e.past.iter().chain(&e.future)).map(Option::is_some).collect()
            };
            proptest::prop_assert_eq!(whole(&again), whole(&e));
            // Through the JSON it is kept in.
            let kept: Record = serde_json::from_str(&e.record_json()).unwrap();
            proptest::prop_assert_eq!(kept, e.record());
        }

        /// A long session keeps few of its designs whole, and undo, redo and a typing
        /// taken back still go to the very designs that were shown: each design is noted
        /// as it is shown, and every one they bring back, and then a walk from the last
        /// to the first and back, must be that design.
        #[test]
        fn designs_not_kept_whole_are_made_again_as_they_were(
            acts in proptest::collection::vec(act(), 0..200),
        ) {
            let mut e = Editor::new(crate::templates::connectum());
            let mut shown = vec![e.design.clone()];
            for a in acts {
                if !act_on(&mut e, a) {
                    break;
                }
                let open = e.past.len();
                if matches!(a, Act::Undo | Act::Redo | Act::TakeBack) {
                    proptest::prop_assert!(shown.get(open) == Some(&e.design), "{a:?} went elsewhere");
                }
                if e.future.is_empty() {
                    shown.truncate(open + 1);
                }
                if shown.len() <= open {
                    shown.resize(open + 1, Design::default());
                }
                shown[open] = e.design.clone();
                let whole = (e.past.iter().chain(&e.future)).filter(|d| d.is_some()).count();
                let all = e.past.len() + e.future.len();
                proptest::prop_assert!(whole <= all / KEPT_WHOLE_EVERY + 3, "{whole} of {all} whole");
            }
            proptest::prop_assert!(reachable(&e) == shown, "the history holds other designs");
            while e.undo() {}
            let mut walked = vec![e.design.clone()];
            while e.redo() {
                walked.push(e.design.clone());
            }
            proptest::prop_assert!(walked == shown, "undo and redo went elsewhere");
        }
    }

    #[test]
    fn a_record_of_another_design_is_not_restored() {
        let mut e = Editor::new(crate::templates::connectum());
        e.dispatch(Edit::RemoveService(e.design.services[0].id))
            .unwrap();
        assert!(
            Editor::restored(crate::templates::by_name("empty").unwrap(), e.record()).is_none()
        );
        let past_the_end = Record {
            at: 5,
            ..e.record()
        };
        assert!(Editor::restored(e.first().clone(), past_the_end).is_none());
    }

    #[test]
    fn the_first_design_is_marked_anew_when_the_oldest_step_is_dropped() {
        let mut e = Editor::new(crate::templates::connectum());
        let mark = e.first_mark();
        for v in 0..HISTORY_LIMIT as u32 {
            set_grace(&mut e, 100 + v);
            e.seal();
        }
        assert_eq!(e.first_mark(), mark, "nothing dropped yet");
        set_grace(&mut e, 1);
        assert_ne!(e.first_mark(), mark);
        assert_eq!(e.past.len(), HISTORY_LIMIT + 1 - DROPPED_AT_ONCE);
        assert_eq!(
            grace(&Editor {
                design: e.first().clone(),
                ..e.clone()
            }),
            100 + DROPPED_AT_ONCE as u32 - 1
        );
        let mark = e.first_mark();
        for v in 0..DROPPED_AT_ONCE as u32 - 1 {
            set_grace(&mut e, 500 + v);
            e.seal();
        }
        assert_eq!(e.first_mark(), mark, "the next batch not yet");
        let again = Editor::restored(e.first().clone(), e.record()).unwrap();
        assert_eq!(reachable(&again), reachable(&e));
    }
}
