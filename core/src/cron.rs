//! CronJob schedules as Kubernetes reads them: the standard parser of robfig/cron v3
//! (`cron.ParseStandard`), which the API server validates `spec.schedule` with and the
//! CronJob controller schedules by. Five fields (minute, hour, day of month, month, day
//! of week) of `*`, `?`, numbers, names (`JAN`..`DEC`, `SUN`..`SAT`), ranges `a-b`,
//! steps `*/n`, `a/n`, `a-b/n` and comma lists; or a macro (`@yearly`, `@annually`,
//! `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`, `@every <duration>`).
//!
//! What Kubernetes adds on top: any `TZ` in the schedule is refused (`CRON_TZ=` and
//! `TZ=` prefixes are for `spec.timeZone`). What this parser adds: a field that lists
//! nothing (`,`) is refused, where robfig accepts a schedule that then never runs.
//! Day of week is 0 to 6 (Sunday is 0; `7` is refused, as robfig refuses it).
//!
//! When both day of month and day of week are restricted (neither starts with `*` or
//! `?`), a day matches if *either* matches, as in every cron since Vixie's.
//!
//! Times are wall-clock times in the schedule's own time zone, counted in seconds from
//! 1970-01-01 00:00; daylight-saving jumps are not modelled. No regex, no clock: the
//! caller says from when.

use std::fmt;

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    spec: Spec,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Spec {
    Fields(Fields),
    /// `@every <duration>`: a run every this many seconds (at least 1), counted from
    /// when the CronJob was created rather than from the clock.
    Every(u64),
}

/// The five fields as bit sets (bit n set: value n matches).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fields {
    minute: u64,
    hour: u64,
    dom: u64,
    month: u64,
    dow: u64,
    /// Day of month was `*` or `?` (possibly with step 1): days then match on day of
    /// week alone.
    dom_star: bool,
    /// Day of week was `*` or `?`.
    dow_star: bool,
}

/// One of the five fields of a schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    /// Minute, 0 to 59.
    Minute,
    /// Hour, 0 to 23.
    Hour,
    /// Day of month, 1 to 31.
    DayOfMonth,
    /// Month, 1 to 12 or JAN to DEC.
    Month,
    /// Day of week, 0 (Sunday) to 6, or SUN to SAT.
    DayOfWeek,
}

const FIELDS: [Field; 5] = [
    Field::Minute,
    Field::Hour,
    Field::DayOfMonth,
    Field::Month,
    Field::DayOfWeek,
];

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];
const WEEKDAYS: [&str; 7] = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const MONTH_NAMES: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAY_NAMES: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

impl Field {
    /// The smallest and largest value.
    pub fn bounds(self) -> (u32, u32) {
        match self {
            Field::Minute => (0, 59),
            Field::Hour => (0, 23),
            Field::DayOfMonth => (1, 31),
            Field::Month => (1, 12),
            Field::DayOfWeek => (0, 6),
        }
    }

    /// Its position in the schedule, from 1.
    pub fn position(self) -> usize {
        FIELDS.iter().position(|f| *f == self).unwrap_or(0) + 1
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Field::Month => &MONTHS,
            Field::DayOfWeek => &WEEKDAYS,
            _ => &[],
        }
    }

    fn name_value(self, text: &str) -> Option<u32> {
        let lower = text.to_ascii_lowercase();
        let i = self.names().iter().position(|n| *n == lower)?;
        let i = u32::try_from(i).ok()?;
        Some(if self == Field::Month { i + 1 } else { i })
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Field::Minute => "minute",
            Field::Hour => "hour",
            Field::DayOfMonth => "day-of-month",
            Field::Month => "month",
            Field::DayOfWeek => "day-of-week",
        })
    }
}

/// Why a schedule does not parse, with where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CronError {
    /// Nothing was written.
    #[error("the schedule is empty: write five fields (minute hour day-of-month month day-of-week), e.g. `0 3 * * *`, or a macro such as `@daily`")]
    Empty,
    /// A `TZ=` or `CRON_TZ=` prefix (or any `TZ`), which Kubernetes refuses.
    #[error("`{0}` sets a time zone inside the schedule, which Kubernetes refuses (\"cannot use TZ or CRON_TZ in schedule\"): remove it and set the CronJob's time zone instead")]
    TimeZoneInSchedule(String),
    /// An `@` word that is not a macro.
    #[error("`{0}` is not a macro: use @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly or @every <duration>")]
    UnknownMacro(String),
    /// `@every` with something that is not a duration.
    #[error(
        "`@every {text}`: `{text}` is not a duration ({problem}); write e.g. 90s, 15m or 1h30m"
    )]
    BadDuration {
        /// What followed `@every `.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
    /// Not five fields.
    #[error(
        "expected 5 fields (minute hour day-of-month month day-of-week), found {found}: `{text}`"
    )]
    FieldCount {
        /// How many fields there are.
        found: usize,
        /// The schedule.
        text: String,
    },
    /// One field is wrong.
    #[error("{field} field (field {position}) `{text}`: {problem}")]
    InField {
        /// Which field.
        field: Field,
        /// Its position, from 1.
        position: usize,
        /// The part of the field that is wrong.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl CronError {
    fn in_field(field: Field, text: &str, problem: String) -> CronError {
        CronError::InField {
            field,
            position: field.position(),
            text: text.to_string(),
            problem,
        }
    }
}

/// Parse a schedule as the API server validates `spec.schedule`.
pub fn parse(text: &str) -> Result<Schedule, CronError> {
    if text.is_empty() {
        return Err(CronError::Empty);
    }
    if text.contains("TZ") {
        let word = text.split_whitespace().find(|w| w.contains("TZ"));
        return Err(CronError::TimeZoneInSchedule(
            word.unwrap_or(text).to_string(),
        ));
    }
    if text.starts_with('@') {
        return macro_schedule(text);
    }
    let parts: Vec<&str> = text.split_whitespace().collect();
    if parts.is_empty() {
        return Err(CronError::Empty);
    }
    if parts.len() != 5 {
        return Err(CronError::FieldCount {
            found: parts.len(),
            text: text.to_string(),
        });
    }
    let mut bits = [0u64; 5];
    let mut star = [false; 5];
    for (i, (field, part)) in FIELDS.iter().zip(&parts).enumerate() {
        let (b, s) = parse_field(*field, part)?;
        bits[i] = b;
        star[i] = s;
    }
    Ok(Schedule {
        spec: Spec::Fields(Fields {
            minute: bits[0],
            hour: bits[1],
            dom: bits[2],
            month: bits[3],
            dow: bits[4],
            dom_star: star[2],
            dow_star: star[4],
        }),
    })
}

/// The macros robfig's standard parser knows. They must match exactly: `@daily ` with a
/// trailing space is refused, as the API server refuses it.
fn macro_schedule(text: &str) -> Result<Schedule, CronError> {
    let fields =
        |minute: u32, hour: u32, dom: Option<u32>, month: Option<u32>, dow: Option<u32>| {
            let all = |f: Field| {
                let (lo, hi) = f.bounds();
                range_bits(lo, hi, 1)
            };
            let one_or_all = |v: Option<u32>, f: Field| v.map_or_else(|| all(f), |v| 1u64 << v);
            Schedule {
                spec: Spec::Fields(Fields {
                    minute: 1 << minute,
                    hour: 1 << hour,
                    dom: one_or_all(dom, Field::DayOfMonth),
                    month: one_or_all(month, Field::Month),
                    dow: one_or_all(dow, Field::DayOfWeek),
                    dom_star: dom.is_none(),
                    dow_star: dow.is_none(),
                }),
            }
        };
    Ok(match text {
        "@yearly" | "@annually" => fields(0, 0, Some(1), Some(1), None),
        "@monthly" => fields(0, 0, Some(1), None, None),
        "@weekly" => fields(0, 0, None, None, Some(0)),
        "@daily" | "@midnight" => fields(0, 0, None, None, None),
        "@hourly" => Schedule {
            spec: Spec::Fields(Fields {
                minute: 1,
                hour: range_bits(0, 23, 1),
                dom: range_bits(1, 31, 1),
                month: range_bits(1, 12, 1),
                dow: range_bits(0, 6, 1),
                dom_star: true,
                dow_star: true,
            }),
        },
        _ => match text.strip_prefix("@every ") {
            Some(d) => Schedule {
                spec: Spec::Every(every_seconds(d)?),
            },
            None => return Err(CronError::UnknownMacro(text.to_string())),
        },
    })
}

/// `@every`'s duration in whole seconds as robfig reads it: Go's `time.ParseDuration`,
/// then at least one second, sub-second parts dropped.
fn every_seconds(text: &str) -> Result<u64, CronError> {
    let bad = |problem: &str| CronError::BadDuration {
        text: text.to_string(),
        problem: problem.to_string(),
    };
    let nanos = go_duration_nanos(text).map_err(|p| bad(&p))?;
    Ok(u64::try_from(nanos / 1_000_000_000).unwrap_or(0).max(1))
}

/// Go's `time.ParseDuration`: an optional sign, then one or more decimal numbers each
/// with a unit (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`); `0` alone is zero.
fn go_duration_nanos(text: &str) -> Result<i128, String> {
    let mut rest = text;
    let negative = rest.starts_with('-');
    if let Some(r) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('+')) {
        rest = r;
    }
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err("no number".into());
    }
    let mut total: i128 = 0;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return Err(format!("`{rest}` does not start with a number"));
        }
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("`{number}` has no unit (ns, us, ms, s, m, h)")),
            other => return Err(format!("unknown unit `{other}`")),
        };
        let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
        let whole: i128 = if whole.is_empty() {
            0
        } else {
            whole
                .parse()
                .map_err(|_| "number out of range".to_string())?
        };
        let mut part = whole.checked_mul(scale).ok_or("duration out of range")?;
        let mut denominator: i128 = 1;
        for d in frac.bytes().take(18) {
            denominator *= 10;
            part += i128::from(d - b'0') * scale / denominator;
        }
        total = total.checked_add(part).ok_or("duration out of range")?;
        if total > i128::from(i64::MAX) {
            return Err("duration out of range".into());
        }
    }
    Ok(if negative { -total } else { total })
}

/// One field: its bits, and whether it counts as `*` for the day-of-month/day-of-week
/// rule.
fn parse_field(field: Field, text: &str) -> Result<(u64, bool), CronError> {
    let mut bits = 0;
    let mut star = false;
    // robfig splits on commas and drops empty pieces, so `1,,2` is `1,2`.
    for item in text.split(',').filter(|i| !i.is_empty()) {
        let (b, s) = parse_range(field, item)?;
        bits |= b;
        star |= s;
    }
    if bits == 0 {
        return Err(CronError::in_field(
            field,
            text,
            "lists no value, so the schedule would never run".into(),
        ));
    }
    Ok((bits, star))
}

/// `*`, `?`, `n`, `a-b`, each optionally `/step`, as robfig's `getRange` reads them.
fn parse_range(field: Field, item: &str) -> Result<(u64, bool), CronError> {
    let err = |problem: String| CronError::in_field(field, item, problem);
    let (lo, hi) = field.bounds();
    let mut slashes = item.split('/');
    let range = slashes.next().unwrap_or_default();
    let step_text = slashes.next();
    if slashes.next().is_some() {
        return Err(err("more than one `/`".into()));
    }
    let ends: Vec<&str> = range.split('-').collect();
    let single = ends.len() == 1;
    let (start, mut end, mut star) = if ends[0] == "*" || ends[0] == "?" {
        // robfig reads `*` (and `?`) as the whole range whatever follows a `-`.
        (lo, hi, true)
    } else {
        let start = value(field, ends[0]).map_err(err)?;
        let end = match ends.len() {
            1 => start,
            2 => value(field, ends[1]).map_err(err)?,
            _ => return Err(err("more than one `-`".into())),
        };
        (start, end, false)
    };
    let mut step = 1;
    if let Some(s) = step_text {
        step = number(s).map_err(err)?;
        // `n/step` means `n-max/step`.
        if single {
            end = hi;
        }
        if step > 1 {
            star = false;
        }
    }
    if start < lo {
        return Err(err(format!("{start} is below the minimum {lo}")));
    }
    if end > hi {
        let hint = if field == Field::DayOfWeek && end == 7 {
            " (Sunday is 0 or SUN; 7 is not accepted)"
        } else {
            ""
        };
        return Err(err(format!("{end} is above the maximum {hi}{hint}")));
    }
    if start > end {
        return Err(err(format!(
            "the range starts at {start}, after its end {end}"
        )));
    }
    if step == 0 {
        return Err(err("a step must be a positive number".into()));
    }
    Ok((range_bits(start, end, step), star))
}

/// A value of `field`: a number or one of its names.
fn value(field: Field, text: &str) -> Result<u32, String> {
    match field.name_value(text) {
        Some(v) => Ok(v),
        None => number(text).map_err(|p| match field {
            Field::Month => format!("{p} (months are 1-12 or JAN-DEC)"),
            Field::DayOfWeek => format!("{p} (days of week are 0-6 or SUN-SAT)"),
            _ => p,
        }),
    }
}

/// A whole number as Go's `strconv.Atoi` reads it (an optional sign), not negative.
fn number(text: &str) -> Result<u32, String> {
    let digits = text.strip_prefix('+').unwrap_or(text);
    if let Some(d) = text.strip_prefix('-') {
        if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("negative number -{d} is not allowed"));
        }
    }
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{text}` is not a number"));
    }
    // Anything past u32 is out of every field's range anyway.
    Ok(digits.parse::<u32>().unwrap_or(u32::MAX))
}

/// Bits `start`, `start + step`, ... up to `end`.
fn range_bits(start: u32, end: u32, step: u32) -> u64 {
    let mut bits = 0u64;
    let mut v = start;
    while v <= end && v < 64 {
        bits |= 1 << v;
        match v.checked_add(step.max(1)) {
            Some(n) => v = n,
            None => break,
        }
    }
    bits
}

/// Seconds in a day.
const DAY: i64 = 86_400;

/// How far ahead a next run is looked for, as robfig does: five years.
const SEARCH_DAYS: i64 = 5 * 366;

/// The days of the window the shortest interval is measured over: four years from
/// 2024-01-01 (a whole leap cycle; weekday alignments of the days of a month vary from
/// year to year).
pub const INTERVAL_WINDOW_DAYS: i64 = 4 * 365 + 1;

/// 2024-01-01, in days since 1970-01-01.
pub const INTERVAL_WINDOW_START_DAY: i64 = 19_723;

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The day of week of a day since 1970-01-01 (a Thursday), Sunday = 0.
pub fn weekday(days: i64) -> u32 {
    (days + 4).rem_euclid(7) as u32
}

/// The first set bit of `bits` at or above `from`.
fn next_bit(bits: u64, from: u32) -> Option<u32> {
    if from >= 64 {
        return None;
    }
    let above = bits & (u64::MAX << from);
    (above != 0).then(|| above.trailing_zeros())
}

impl Fields {
    /// Whether day `days` (since 1970-01-01) is a day the schedule runs on.
    fn day_matches(&self, days: i64) -> bool {
        let (_, month, day) = civil_from_days(days);
        if self.month & (1 << month) == 0 {
            return false;
        }
        let dom = self.dom & (1 << day) != 0;
        let dow = self.dow & (1 << weekday(days)) != 0;
        if self.dom_star || self.dow_star {
            dom && dow
        } else {
            dom || dow
        }
    }

    /// The minutes of a day (0 to 1439) it runs at, in order.
    fn minutes_of_day(&self) -> Vec<i64> {
        let mut out = Vec::new();
        for h in 0..24 {
            if self.hour & (1 << h) == 0 {
                continue;
            }
            for m in 0..60 {
                if self.minute & (1 << m) != 0 {
                    out.push(h * 60 + m);
                }
            }
        }
        out
    }
}

impl Schedule {
    /// The first run strictly after `after` (seconds since 1970-01-01 00:00 in the
    /// schedule's wall clock); `None` when there is none within five years, as for
    /// `0 0 30 2 *`. An `@every` schedule runs its interval after `after`.
    pub fn next_after(&self, after: i64) -> Option<i64> {
        let f = match &self.spec {
            Spec::Every(s) => return after.checked_add(i64::try_from(*s).ok()?),
            Spec::Fields(f) => f,
        };
        // Runs are on whole minutes: start at the next one.
        let mut day = after.div_euclid(DAY);
        let mut minute = after.rem_euclid(DAY).div_euclid(60) + 1;
        let last_day = day + SEARCH_DAYS;
        while day <= last_day {
            if minute < 1440 && f.day_matches(day) {
                let mut h = (minute / 60) as u32;
                let mut m = (minute % 60) as u32;
                while let Some(hour) = next_bit(f.hour, h).filter(|&x| x < 24) {
                    if hour != h {
                        m = 0;
                    }
                    if let Some(min) = next_bit(f.minute, m).filter(|&x| x < 60) {
                        return Some(day * DAY + i64::from(hour) * 3600 + i64::from(min) * 60);
                    }
                    h = hour + 1;
                    m = 0;
                }
            }
            day += 1;
            minute = 0;
        }
        None
    }

    /// The shortest time in seconds between two consecutive runs over
    /// [`INTERVAL_WINDOW_DAYS`] days from [`INTERVAL_WINDOW_START_DAY`]; `None` when it
    /// runs at most once in that window.
    pub fn shortest_interval(&self) -> Option<u64> {
        self.shortest_interval_within(INTERVAL_WINDOW_START_DAY, INTERVAL_WINDOW_DAYS)
    }

    /// The shortest time in seconds between two consecutive runs that both fall in the
    /// `days` days from day `start` (since 1970-01-01). Every run day has the same run
    /// times, so this looks at each day once, not at each minute: the shortest gap is
    /// either between two runs of one day or from the last run of a day to the first
    /// run of the next run day.
    pub fn shortest_interval_within(&self, start: i64, days: i64) -> Option<u64> {
        let f = match &self.spec {
            Spec::Every(s) => return Some(*s),
            Spec::Fields(f) => f,
        };
        let times = f.minutes_of_day();
        let (first, last) = (*times.first()?, *times.last()?);
        let within_day = times.windows(2).map(|w| w[1] - w[0]).min();
        let mut previous: Option<i64> = None;
        let mut any_day = false;
        let mut best_day_gap: Option<i64> = None;
        for d in start..start + days {
            if !f.day_matches(d) {
                continue;
            }
            any_day = true;
            if let Some(p) = previous {
                let gap = d - p;
                best_day_gap = Some(best_day_gap.map_or(gap, |b: i64| b.min(gap)));
            }
            previous = Some(d);
        }
        if !any_day {
            return None;
        }
        let across = best_day_gap.map(|g| g * 1440 - (last - first));
        let best = match (within_day, across) {
            (Some(a), Some(b)) => a.min(b),
            (Some(a), None) => a,
            (None, Some(b)) => b,
            (None, None) => return None,
        };
        Some(best as u64 * 60)
    }

    /// The schedule in words: `at 03:00 every day`, `every 15 minutes`,
    /// `at 06:15 on Monday to Friday`.
    pub fn describe(&self) -> String {
        let f = match &self.spec {
            Spec::Every(s) => return format!("every {}", duration_text(*s)),
            Spec::Fields(f) => f,
        };
        let all_hours = f.hour == range_bits(0, 23, 1);
        let minutes = values(f.minute, 0, 59);
        let hours = values(f.hour, 0, 23);
        let step = even_step(&minutes, 60);
        let time = if all_hours {
            match (minutes.as_slice(), step) {
                (_, Some(1)) => "every minute".to_string(),
                (_, Some(k)) => format!("every {k} minutes"),
                ([m], _) => format!("at minute {m} of every hour"),
                _ => format!(
                    "at minutes {} of every hour",
                    list_text(&minutes, |v| v.to_string())
                ),
            }
        } else if minutes.len() * hours.len() <= 4 {
            let times: Vec<String> = hours
                .iter()
                .flat_map(|h| minutes.iter().map(move |m| format!("{h:02}:{m:02}")))
                .collect();
            format!("at {}", join_words(&times))
        } else {
            let hours_text = list_text(&hours, |v| format!("{v:02}"));
            match (minutes.as_slice(), step) {
                (_, Some(1)) => format!("every minute of hours {hours_text}"),
                (_, Some(k)) => format!("every {k} minutes of hours {hours_text}"),
                ([m], _) => format!("at minute {m} of hours {hours_text}"),
                _ => format!(
                    "at minutes {} of hours {hours_text}",
                    list_text(&minutes, |v| v.to_string())
                ),
            }
        };
        let doms = values(f.dom, 1, 31);
        let dows = values(f.dow, 0, 6);
        let dom_text = || {
            format!(
                "on day {} of the month",
                list_text(&doms, |v| v.to_string())
            )
        };
        let dow_text = || {
            format!(
                "on {}",
                list_text(&dows, |v| WEEKDAY_NAMES[v as usize].to_string())
            )
        };
        let dom_all = doms.len() == 31;
        let dow_all = dows.len() == 7;
        let days = if f.dom_star || f.dow_star {
            match (dom_all, dow_all) {
                (true, true) => "every day".to_string(),
                (false, true) => dom_text(),
                (true, false) => dow_text(),
                (false, false) => format!("{} if it is {}", dom_text(), &dow_text()[3..]),
            }
        } else if dom_all || dow_all {
            "every day".to_string()
        } else {
            format!("{} or {}", dom_text(), dow_text())
        };
        let months = values(f.month, 1, 12);
        let month_text = if months.len() == 12 {
            String::new()
        } else {
            format!(
                " in {}",
                list_text(&months, |v| MONTH_NAMES[v as usize - 1].to_string())
            )
        };
        let days =
            if days == "every day" && (time.starts_with("every") || time.ends_with("every hour")) {
                String::new()
            } else {
                format!(" {days}")
            };
        format!("{time}{days}{month_text}")
    }
}

/// What an editor shows beside a schedule as it is typed: the schedule in words and
/// how often it runs at most, or why it does not parse.
pub fn reading(schedule: &str) -> Result<String, String> {
    let parsed = parse(schedule).map_err(|e| e.to_string())?;
    if parsed.next_after(INTERVAL_WINDOW_START_DAY * DAY).is_none() {
        return Err(format!(
            "{}: no such date exists, so it never runs",
            parsed.describe()
        ));
    }
    Ok(match parsed.shortest_interval() {
        Some(every) => format!(
            "{} (runs at most every {})",
            parsed.describe(),
            duration_text(every)
        ),
        None => format!("{} (at most once in four years)", parsed.describe()),
    })
}

/// The values of a bit set within its bounds.
fn values(bits: u64, lo: u32, hi: u32) -> Vec<u32> {
    (lo..=hi).filter(|v| bits & (1 << v) != 0).collect()
}

/// `k` when the values are 0, k, 2k, ... covering a cycle of `len` evenly.
fn even_step(values: &[u32], len: u32) -> Option<u32> {
    let k = match values {
        [0] => return (len == 1).then_some(1),
        [0, second, ..] => *second,
        _ => return None,
    };
    let even = len.is_multiple_of(k)
        && values.len() as u32 == len / k
        && values.iter().enumerate().all(|(i, v)| *v == i as u32 * k);
    even.then_some(k)
}

/// Values as runs: `1-5, 10, 20`, each shown by `show`.
fn list_text(values: &[u32], show: impl Fn(u32) -> String) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let mut j = i;
        while j + 1 < values.len() && values[j + 1] == values[j] + 1 {
            j += 1;
        }
        parts.push(match j - i {
            0 => show(values[i]),
            1 => format!("{}, {}", show(values[i]), show(values[j])),
            _ => format!("{} to {}", show(values[i]), show(values[j])),
        });
        i = j + 1;
    }
    join_words(&parts)
}

/// `a`, `a and b`, `a, b and c`.
fn join_words(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [a] => a.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Seconds as `1 h 30 min`, `45 s`, `2 days`.
pub fn duration_text(seconds: u64) -> String {
    let (d, h, m, s) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
        seconds % 60,
    );
    let mut parts = Vec::new();
    if d > 0 {
        parts.push(if d == 1 {
            "1 day".to_string()
        } else {
            format!("{d} days")
        });
    }
    if h > 0 {
        parts.push(format!("{h} h"));
    }
    if m > 0 {
        parts.push(format!("{m} min"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s} s"));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i64, mo: u32, d: u32, h: i64, mi: i64) -> i64 {
        days_from_civil(y, mo, d) * DAY + h * 3600 + mi * 60
    }

    fn next(s: &str, from: i64) -> i64 {
        parse(s).unwrap().next_after(from).unwrap()
    }

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2024, 1, 1), INTERVAL_WINDOW_START_DAY);
        assert_eq!(weekday(days_from_civil(2024, 1, 1)), 1, "a Monday");
        for d in -800_000..800_000i64 {
            if d % 997 != 0 {
                continue;
            }
            let (y, m, day) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, day), d);
        }
    }

    #[test]
    fn the_fields_kubernetes_accepts() {
        for ok in [
            "0 3 * * *",
            "*/15 * * * *",
            "1-30/5 * * * *",
            "5/15 * * * *",
            "0 0 1,15 * *",
            "0 9 * JAN-mar MON-FRI",
            "0 0 ? * sun",
            "0 0 1 * ?",
            "0 12 * * 0",
            "+5 * * * *",
            "1,,2 * * * *",
            "*/1 * * * *",
            "@yearly",
            "@annually",
            "@monthly",
            "@weekly",
            "@daily",
            "@midnight",
            "@hourly",
            "@every 1h30m",
            "@every 90s",
            "  0   3 * * *  ",
        ] {
            assert!(parse(ok).is_ok(), "{ok}: {:?}", parse(ok));
        }
    }

    #[test]
    fn what_is_wrong_and_where() {
        let e = |s: &str| parse(s).unwrap_err().to_string();
        assert_eq!(
            e("61 * * * *"),
            "minute field (field 1) `61`: 61 is above the maximum 59"
        );
        assert_eq!(
            e("0 0 * * 7"),
            "day-of-week field (field 5) `7`: 7 is above the maximum 6 (Sunday is 0 or SUN; 7 is not accepted)"
        );
        assert_eq!(
            e("0 0 0 * *"),
            "day-of-month field (field 3) `0`: 0 is below the minimum 1"
        );
        assert_eq!(
            e("0 0 * FOO *"),
            "month field (field 4) `FOO`: `FOO` is not a number (months are 1-12 or JAN-DEC)"
        );
        assert_eq!(
            e("0 10-5 * * *"),
            "hour field (field 2) `10-5`: the range starts at 10, after its end 5"
        );
        assert_eq!(
            e("*/0 * * * *"),
            "minute field (field 1) `*/0`: a step must be a positive number"
        );
        assert_eq!(
            e("0 3 * *"),
            "expected 5 fields (minute hour day-of-month month day-of-week), found 4: `0 3 * *`"
        );
        assert!(e("0 0 3 * * *").contains("found 6"), "no seconds field");
        assert!(e("CRON_TZ=Europe/Berlin 0 3 * * *")
            .starts_with("`CRON_TZ=Europe/Berlin` sets a time zone"));
        assert!(e("TZ=UTC 0 3 * * *").starts_with("`TZ=UTC` sets a time zone"));
        assert!(e("@daily ").starts_with("`@daily ` is not a macro"));
        assert!(e("@fortnightly").starts_with("`@fortnightly` is not a macro"));
        assert!(e("@every soon").starts_with("`@every soon`"));
        assert!(e("1-2-3 * * * *").contains("more than one `-`"));
        assert!(e("1/2/3 * * * *").contains("more than one `/`"));
        assert!(e("-5 * * * *").contains("`-5`"));
        assert!(e(", * * * *").contains("lists no value"));
        assert_eq!(parse(""), Err(CronError::Empty));
        assert_eq!(parse("   "), Err(CronError::Empty));
        assert!(
            e("0 0 L * *").contains("`L` is not a number"),
            "no Quartz extensions"
        );
    }

    #[test]
    fn next_runs() {
        let t = at(2025, 3, 14, 10, 7);
        assert_eq!(next("0 3 * * *", t), at(2025, 3, 15, 3, 0));
        assert_eq!(next("*/15 * * * *", t), at(2025, 3, 14, 10, 15));
        assert_eq!(next("* * * * *", t), at(2025, 3, 14, 10, 8));
        assert_eq!(next("@hourly", t), at(2025, 3, 14, 11, 0));
        // 2025-03-14 is a Friday: Monday to Friday at 06:15 is next Monday.
        assert_eq!(
            next("15 6 * * 1-5", at(2025, 3, 14, 7, 0)),
            at(2025, 3, 17, 6, 15)
        );
        assert_eq!(next("@weekly", t), at(2025, 3, 16, 0, 0), "Sunday");
        assert_eq!(next("@monthly", t), at(2025, 4, 1, 0, 0));
        assert_eq!(next("@yearly", t), at(2026, 1, 1, 0, 0));
        assert_eq!(next("0 0 29 2 *", t), at(2028, 2, 29, 0, 0));
        assert_eq!(parse("0 0 30 2 *").unwrap().next_after(t), None);
        assert_eq!(next("@every 90s", t), t + 90);
        // Both days restricted: the 1st of the month OR a Monday.
        assert_eq!(
            next("0 0 1 * MON", at(2025, 3, 14, 0, 0)),
            at(2025, 3, 17, 0, 0)
        );
        assert_eq!(
            next("0 0 1 * MON", at(2025, 3, 29, 0, 0)),
            at(2025, 3, 31, 0, 0)
        );
        assert_eq!(
            next("0 0 1 * FRI", at(2025, 3, 29, 0, 0)),
            at(2025, 4, 1, 0, 0)
        );
        // A star day of month: the day of week alone decides.
        assert_eq!(
            next("0 0 * * FRI", at(2025, 3, 29, 0, 0)),
            at(2025, 4, 4, 0, 0)
        );
        // `*/2` is not a star: the OR rule applies.
        assert_eq!(
            next("0 0 */2 * MON", at(2025, 3, 29, 0, 0)),
            at(2025, 3, 29, 0, 0) + DAY * 2
        );
    }

    #[test]
    fn shortest_intervals() {
        let i = |s: &str| parse(s).unwrap().shortest_interval();
        assert_eq!(i("*/15 * * * *"), Some(900));
        assert_eq!(i("0 3 * * *"), Some(86_400));
        assert_eq!(i("0 1,23 * * *"), Some(2 * 3600));
        assert_eq!(i("0,59 * * * *"), Some(60));
        assert_eq!(i("15 6 * * 1-5"), Some(86_400));
        assert_eq!(i("@weekly"), Some(7 * 86_400));
        assert_eq!(i("@monthly"), Some(28 * 86_400));
        assert_eq!(i("@yearly"), Some(365 * 86_400));
        assert_eq!(i("@every 2m"), Some(120));
        assert_eq!(i("0 0 29 2 *"), None, "once in the window");
        assert_eq!(i("0 0 30 2 *"), None, "never");
        // The 31st then the 1st: one day apart.
        assert_eq!(i("0 0 1,31 * *"), Some(86_400));
    }

    #[test]
    fn readings() {
        let r = |s: &str| parse(s).unwrap().describe();
        assert_eq!(r("0 3 * * *"), "at 03:00 every day");
        assert_eq!(r("@daily"), "at 00:00 every day");
        assert_eq!(r("*/15 * * * *"), "every 15 minutes");
        assert_eq!(r("* * * * *"), "every minute");
        assert_eq!(r("@hourly"), "at minute 0 of every hour");
        assert_eq!(r("15 6 * * 1-5"), "at 06:15 on Monday to Friday");
        assert_eq!(r("@weekly"), "at 00:00 on Sunday");
        assert_eq!(r("0 0 1 1 *"), "at 00:00 on day 1 of the month in January");
        assert_eq!(
            r("0 0 1 * MON"),
            "at 00:00 on day 1 of the month or on Monday"
        );
        assert_eq!(r("30 2 * * 0,6"), "at 02:30 on Sunday and Saturday");
        assert_eq!(r("0 9,17 * * *"), "at 09:00 and 17:00 every day");
        assert_eq!(r("*/10 9-17 * * *"), "every 10 minutes of hours 09 to 17");
        assert_eq!(r("@every 1h30m"), "every 1 h 30 min");
    }

    #[test]
    fn an_editor_reading() {
        assert_eq!(
            reading("0 3 * * *"),
            Ok("at 03:00 every day (runs at most every 1 day)".into())
        );
        assert_eq!(
            reading("0 0 29 2 *"),
            Ok("at 00:00 on day 29 of the month in February (at most once in four years)".into())
        );
        assert!(reading("0 0 30 2 *").unwrap_err().contains("never runs"));
        assert!(reading("0 3 * *")
            .unwrap_err()
            .starts_with("expected 5 fields"));
    }

    #[test]
    fn go_durations() {
        let n = |s: &str| go_duration_nanos(s);
        assert_eq!(n("1h30m"), Ok(5_400_000_000_000));
        assert_eq!(n("1.5h"), Ok(5_400_000_000_000));
        assert_eq!(n("300ms"), Ok(300_000_000));
        assert_eq!(n("0"), Ok(0));
        assert!(n("5").is_err());
        assert!(n("").is_err());
        assert!(n("1d").is_err());
        assert_eq!(every_seconds("300ms"), Ok(1), "at least a second");
        assert_eq!(every_seconds("90.5s"), Ok(90), "whole seconds");
    }
}
