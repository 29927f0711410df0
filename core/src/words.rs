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

#[cfg(test)]
mod tests {
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
}
