//! IANA time zone names, for a CronJob's `spec.timeZone`. The API server accepts a name
//! when Go's `time.LoadLocation` finds it in the tz database (zones and the links to
//! them, such as `US/Eastern`), refuses `Local` in any case and an empty name. The names
//! are a list generated once from tzdata (`tz_names.txt`, which says how) rather than a
//! time zone crate compiled into the page.

/// The tzdata release the list was generated from.
pub const TZDATA_VERSION: &str = "2025b";

const NAMES: &str = include_str!("tz_names.txt");

/// Every IANA time zone name, in byte order.
pub fn names() -> impl Iterator<Item = &'static str> {
    NAMES
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Whether the API server accepts `name` as a CronJob's time zone.
pub fn is_valid(name: &str) -> bool {
    // Validation asks for every CronJob on every edit: search the sorted list.
    static SORTED: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    SORTED
        .get_or_init(|| names().collect())
        .binary_search(&name)
        .is_ok()
}

/// The zone a mistyped name most likely means: the same name in other letter case
/// (`europe/berlin`), or with spaces for underscores (`America/New York`).
pub fn suggestion(name: &str) -> Option<&'static str> {
    let norm = |s: &str| s.trim().replace(' ', "_").to_ascii_lowercase();
    let wanted = norm(name);
    names().find(|n| n.to_ascii_lowercase() == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_and_known_ones_are_there() {
        let all: Vec<&str> = names().collect();
        assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicates");
        for n in [
            "UTC",
            "Etc/UTC",
            "Europe/Berlin",
            "America/New_York",
            "US/Eastern",
            "Asia/Kolkata",
        ] {
            assert!(is_valid(n), "{n}");
        }
        for n in [
            "",
            "Local",
            "local",
            "Europe/Atlantis",
            "europe/berlin",
            "UTC+2",
            "CET ",
        ] {
            assert!(!is_valid(n), "{n}");
        }
        assert_eq!(suggestion("europe/berlin"), Some("Europe/Berlin"));
        assert_eq!(suggestion("America/New York"), Some("America/New_York"));
        assert_eq!(suggestion("Mars/Olympus"), None);
    }

    /// Where the machine has the tz database installed, the list matches it: every name
    /// listed is a zone file there, and, when it is the same tzdata release, every zone
    /// file there is listed.
    #[test]
    fn the_list_matches_the_installed_tz_database() {
        let root = std::path::Path::new("/usr/share/zoneinfo");
        if !root.is_dir() {
            return;
        }
        let tzif = |p: &std::path::Path| std::fs::read(p).is_ok_and(|b| b.starts_with(b"TZif"));
        let missing: Vec<&str> = names().filter(|n| !tzif(&root.join(n))).collect();
        assert!(missing.is_empty(), "listed but not installed: {missing:?}");
        let installed_version = std::fs::read_to_string(root.join("tzdata.zi"))
            .ok()
            .and_then(|t| {
                t.lines()
                    .next()
                    .map(|l| l.trim_start_matches("# version ").to_string())
            });
        if installed_version.as_deref() != Some(TZDATA_VERSION) {
            return;
        }
        let mut found = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap().flatten() {
                let path = entry.path();
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                // posix/ and right/ are copies under other rules; posixrules and
                // localtime are not zone names.
                if ["posix", "right", "posixrules", "localtime"].contains(&rel.as_str()) {
                    continue;
                }
                if path.is_dir() {
                    stack.push(path);
                } else if tzif(&path) {
                    found.push(rel);
                }
            }
        }
        let unlisted: Vec<&String> = found.iter().filter(|n| !is_valid(n)).collect();
        assert!(
            unlisted.is_empty(),
            "installed but not listed: {unlisted:?}"
        );
    }
}
