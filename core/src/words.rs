//! How Kubeprint says a number of things, so that every surface (the page, the CLI, the
//! import report) says "1 service" and "2 services" alike.

/// `n` and the word for one or many: `count(1, "error", "errors")` is `1 error`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `n` and the word with an `s` for many: `counted(3, "service")` is `3 services`.
pub fn counted(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// Items as a sentence lists them: `a`, `a and b`, `a, b and c`.
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// How many single-character insertions, deletions and substitutions turn `a` into
/// `b` (Levenshtein), for "did you mean" hints: `Deploymnet` is 2 from `Deployment`.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_list_is_said_with_and() {
        let list = |items: &[&str]| {
            super::and_list(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>())
        };
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["dev"]), "dev");
        assert_eq!(list(&["dev", "staging"]), "dev and staging");
        assert_eq!(list(&["dev", "qa", "staging"]), "dev, qa and staging");
    }

    use super::*;

    #[test]
    fn one_is_singular_and_every_other_number_plural() {
        assert_eq!(counted(0, "error"), "0 errors");
        assert_eq!(counted(1, "error"), "1 error");
        assert_eq!(counted(2, "service"), "2 services");
        assert_eq!(count(1, "info", "info"), "1 info");
        assert_eq!(count(1, "entry", "entries"), "1 entry");
        assert_eq!(count(3, "entry", "entries"), "3 entries");
    }

    #[test]
    fn edit_distance_counts_single_changes() {
        assert_eq!(edit_distance("Deploymnet", "Deployment"), 2);
        assert_eq!(edit_distance("Service", "Service"), 0);
        assert_eq!(edit_distance("Servic", "Service"), 1);
        assert_eq!(edit_distance("", "Pod"), 3);
        assert_eq!(edit_distance("Secret", "Secrets"), 1);
    }
}
