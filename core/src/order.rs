//! Sorting, and ordered maps and sets built from iterators, with one copy of the sort.
//!
//! std's sorts are generic over the element and the comparator, so every
//! `sort`/`sort_by` call on another type, or with another closure, compiles its own
//! copy of the sort (about 3.5 KB of wasm each); and `collect()` into a `BTreeMap` or
//! `BTreeSet` sorts what it collected, with a copy per *iterator type*. The page's
//! wasm held 45 copies of the stable sort (150 KB). Here a sort orders positions
//! through a comparator behind a reference ([`permutation`]), so one copy serves every
//! caller, and maps and sets are built by inserting ([`Collect`]), which needs no
//! sort. Core and the app sort, and build maps and sets (`BTreeMap`, `BTreeSet`,
//! `serde_json::Map`) from iterators or arrays, only through this module or by
//! inserting; tests may use std's.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// The positions `0..len` in the stable order `cmp` puts them in: position `a` before
/// `b` when `cmp(a, b)` is `Less`, or `Equal` and `a < b`.
pub fn permutation(len: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<u32> {
    let len = u32::try_from(len).expect("fewer than 2^32 items to sort");
    let mut order: Vec<u32> = (0..len).collect();
    order.sort_by(|&a, &b| cmp(a as usize, b as usize));
    order
}

/// Sorts `items` stably by `cmp`, as `slice::sort_by` does.
pub fn sort_by<T>(items: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if items.len() < 2 {
        return;
    }
    let order = permutation(items.len(), &|a, b| cmp(&items[a], &items[b]));
    arrange(items, order);
}

/// Sorts `items` stably, as `slice::sort` does.
pub fn sort<T: Ord>(items: &mut [T]) {
    sort_by(items, T::cmp);
}

/// Sorts `items` stably by the key `key` gives each, computing each key once, as
/// `slice::sort_by_cached_key` does.
pub fn sort_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    if items.len() < 2 {
        return;
    }
    let keys: Vec<K> = items.iter().map(key).collect();
    let order = permutation(items.len(), &|a, b| keys[a].cmp(&keys[b]));
    arrange(items, order);
}

/// Moves `items[order[i]]` to position `i`, cycle by cycle, with swaps only.
fn arrange<T>(items: &mut [T], mut order: Vec<u32>) {
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let from = order[at] as usize;
            // A position done points at itself.
            order[at] = at as u32;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// `collect()` into a `BTreeMap`, a `BTreeSet` or a JSON object (a `BTreeMap` inside)
/// without std's sort (see the module's documentation). Under equal keys a later value replaces an earlier one, and a set
/// keeps the first of equal items: the same as std's wherever equal keys are identical
/// (strings, ids, numbers), which is every use here.
pub trait Collect: Iterator + Sized {
    /// The map of these pairs.
    fn to_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        map.extend(self);
        map
    }

    /// The set of these items.
    fn to_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut set = BTreeSet::new();
        set.extend(self);
        set
    }

    /// The JSON object of these members.
    fn to_object(self) -> serde_json::Map<String, serde_json::Value>
    where
        Self: Iterator<Item = (String, serde_json::Value)>,
    {
        let mut object = serde_json::Map::new();
        object.extend(self);
        object
    }
}

impl<I: Iterator> Collect for I {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Every sort here orders as std's stable sort does, equal keys included (the
        /// second member tells items with equal keys apart).
        #[test]
        fn sorts_as_std_stably(items in prop::collection::vec((0u8..6, any::<u16>()), 0..60)) {
            let mut expected = items.clone();
            expected.sort_by_key(|p| p.0);
            let mut by = items.clone();
            sort_by(&mut by, |a, b| a.0.cmp(&b.0));
            prop_assert_eq!(&by, &expected);
            let mut keyed = items.clone();
            sort_by_key(&mut keyed, |p| p.0);
            prop_assert_eq!(&keyed, &expected);
            let mut whole = items.clone();
            sort(&mut whole);
            let mut std_whole = items.clone();
            std_whole.sort();
            prop_assert_eq!(whole, std_whole);
        }

        /// Maps and sets equal std's `collect()`, a repeated key keeping its last value.
        #[test]
        fn collects_as_std(pairs in prop::collection::vec((0u8..8, any::<u16>()), 0..40)) {
            let std_map: BTreeMap<u8, u16> = pairs.iter().copied().collect();
            prop_assert_eq!(pairs.iter().copied().to_map(), std_map);
            let std_set: BTreeSet<u8> = pairs.iter().map(|p| p.0).collect();
            prop_assert_eq!(pairs.iter().map(|p| p.0).to_set(), std_set);
            let members = || pairs.iter().map(|&(k, v)| (k.to_string(), serde_json::json!(v)));
            let std_object: serde_json::Map<String, serde_json::Value> = members().collect();
            prop_assert_eq!(members().to_object(), std_object);
        }
    }
}
