//! The cron parser against a brute-force evaluator: schedules are generated as data
//! (each field a list of `*`, values, ranges and steps), written out as text for the
//! parser, and evaluated minute by minute straight from the data. Next runs and the
//! shortest interval must agree.

use kubeprint_core::cron::{self, civil_from_days, days_from_civil, weekday};
use proptest::prelude::*;

/// One item of a field's comma list.
#[derive(Clone, Debug)]
enum Item {
    Star {
        step: u32,
    },
    Value(u32),
    Range {
        from: u32,
        to: u32,
        step: u32,
    },
    /// `n/step`: from n to the field's maximum.
    From {
        from: u32,
        step: u32,
    },
}

const BOUNDS: [(u32, u32); 5] = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 6)];
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn item(lo: u32, hi: u32) -> impl Strategy<Value = Item> {
    prop_oneof![
        (1..4u32).prop_map(|step| Item::Star { step }),
        (lo..=hi).prop_map(Item::Value),
        (lo..=hi, lo..=hi, 1..5u32).prop_map(|(a, b, step)| Item::Range {
            from: a.min(b),
            to: a.max(b),
            step,
        }),
        (lo..=hi, 1..20u32).prop_map(|(from, step)| Item::From { from, step }),
    ]
}

fn field(i: usize) -> impl Strategy<Value = (Vec<Item>, bool)> {
    let (lo, hi) = BOUNDS[i];
    (prop::collection::vec(item(lo, hi), 1..3), any::<bool>())
}

fn schedule() -> impl Strategy<Value = [(Vec<Item>, bool); 5]> {
    [field(0), field(1), field(2), field(3), field(4)]
}

/// A value as text: a name for months and weekdays when `names`.
fn show(i: usize, v: u32, names: bool) -> String {
    match (i, names) {
        (3, true) => MONTHS[v as usize - 1].to_string(),
        (4, true) => DAYS[v as usize].to_lowercase(),
        _ => v.to_string(),
    }
}

fn text(fields: &[(Vec<Item>, bool); 5]) -> String {
    fields
        .iter()
        .enumerate()
        .map(|(i, (items, names))| {
            items
                .iter()
                .map(|it| match it {
                    Item::Star { step: 1 } => "*".to_string(),
                    Item::Star { step } => format!("*/{step}"),
                    Item::Value(v) => show(i, *v, *names),
                    Item::Range { from, to, step: 1 } => {
                        format!("{}-{}", show(i, *from, *names), show(i, *to, *names))
                    }
                    Item::Range { from, to, step } => {
                        format!("{}-{}/{step}", show(i, *from, *names), show(i, *to, *names))
                    }
                    Item::From { from, step } => format!("{}/{step}", show(i, *from, *names)),
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The values field `i` allows, and whether it counts as a star (a `*` with step 1).
fn allowed(i: usize, items: &[Item]) -> (Vec<bool>, bool) {
    let (lo, hi) = BOUNDS[i];
    let mut set = vec![false; 64];
    let mut star = false;
    for it in items {
        let (from, to, step) = match *it {
            Item::Star { step } => {
                star |= step == 1;
                (lo, hi, step)
            }
            Item::Value(v) => (v, v, 1),
            Item::Range { from, to, step } => (from, to, step),
            Item::From { from, step } => (from, hi, step),
        };
        let mut v = from;
        while v <= to {
            set[v as usize] = true;
            v += step;
        }
    }
    (set, star)
}

/// Whether the schedule runs at minute `t` (minutes since 1970-01-01), read straight
/// from the generated data: the cron day rule, written out.
fn runs(sets: &[(Vec<bool>, bool); 5], t: i64) -> bool {
    let day = t.div_euclid(1440);
    let minute = t.rem_euclid(1440);
    let (_, month, dom) = civil_from_days(day);
    let dow = weekday(day);
    let [mi, h, d, mo, w] = sets;
    let dom_ok = d.0[dom as usize];
    let dow_ok = w.0[dow as usize];
    let day_ok = if d.1 || w.1 {
        dom_ok && dow_ok
    } else {
        dom_ok || dow_ok
    };
    mo.0[month as usize] && day_ok && h.0[(minute / 60) as usize] && mi.0[(minute % 60) as usize]
}

fn sets(fields: &[(Vec<Item>, bool); 5]) -> [(Vec<bool>, bool); 5] {
    std::array::from_fn(|i| allowed(i, &fields[i].0))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn next_runs_match_a_minute_by_minute_search(
        fields in schedule(),
        start_day in 19_000i64..21_000,
        start_minute in 0i64..1440,
    ) {
        let text = text(&fields);
        let parsed = cron::parse(&text);
        prop_assert!(parsed.is_ok(), "{text}: {:?}", parsed);
        let s = parsed.unwrap();
        let sets = sets(&fields);
        let from = start_day * 1440 + start_minute;
        // Search a little more than a year by brute force.
        let limit = from + 400 * 1440;
        let brute = (from + 1..=limit).find(|&t| runs(&sets, t));
        let got = s.next_after(from * 60 + 17).map(|t| t / 60);
        match brute {
            Some(b) => prop_assert_eq!(got, Some(b), "{}", text),
            None => prop_assert!(got.is_none_or(|g| g > limit), "{}: {:?}", text, got),
        }
    }

    #[test]
    fn shortest_intervals_match_consecutive_runs(
        fields in schedule(),
        start_day in 19_000i64..21_000,
    ) {
        let text = text(&fields);
        let s = cron::parse(&text).unwrap();
        let sets = sets(&fields);
        let days = 62;
        let runs: Vec<i64> = (start_day * 1440..(start_day + days) * 1440)
            .filter(|&t| runs(&sets, t))
            .collect();
        let brute = runs.windows(2).map(|w| (w[1] - w[0]) as u64 * 60).min();
        prop_assert_eq!(s.shortest_interval_within(start_day, days), brute, "{}", text);
    }
}

#[test]
fn the_brute_force_evaluator_reads_a_known_schedule() {
    let fields: [(Vec<Item>, bool); 5] = [
        (vec![Item::Value(15)], false),
        (vec![Item::Value(6)], false),
        (vec![Item::Star { step: 1 }], false),
        (vec![Item::Star { step: 1 }], false),
        (
            vec![Item::Range {
                from: 1,
                to: 5,
                step: 1,
            }],
            true,
        ),
    ];
    assert_eq!(text(&fields), "15 6 * * mon-fri");
    let sets = sets(&fields);
    // 2025-03-17 is a Monday.
    let monday = days_from_civil(2025, 3, 17) * 1440;
    assert!(runs(&sets, monday + 6 * 60 + 15));
    assert!(!runs(&sets, monday - 1440 + 6 * 60 + 15), "not on Sunday");
}
