//! Splitting a string `command` or `entrypoint` into words the way a POSIX shell does
//! (and compose, through go-shellwords): quotes group, backslashes escape, nothing is
//! expanded. Thirty lines do it, so no crate is added for it.

/// The words of `text`, or why it cannot be split (an unterminated quote or a trailing
/// backslash).
pub(crate) fn split(text: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    // A word has started even if it is empty so far (`""` is an empty word).
    let mut in_word = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\\' => match chars.next() {
                // A backslash before a newline continues the line.
                Some('\n') => {}
                Some(next) => {
                    word.push(next);
                    in_word = true;
                }
                None => return Err("it ends with a lone backslash".into()),
            },
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(ch) => word.push(ch),
                        None => return Err("a single quote is not closed".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        // Inside double quotes a backslash escapes only these.
                        Some('\\') => match chars.next() {
                            Some(ch @ ('"' | '\\' | '$' | '`')) => word.push(ch),
                            Some('\n') => {}
                            Some(ch) => {
                                word.push('\\');
                                word.push(ch);
                            }
                            None => return Err("a double quote is not closed".into()),
                        },
                        Some(ch) => word.push(ch),
                        None => return Err("a double quote is not closed".into()),
                    }
                }
            }
            c => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    #[test]
    fn commands_split_like_a_shell_splits_them() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("   ", &[]),
            ("redis-server", &["redis-server"]),
            (
                "redis-server --appendonly yes",
                &["redis-server", "--appendonly", "yes"],
            ),
            ("  a \t b\n c  ", &["a", "b", "c"]),
            (
                r#"sh -c "echo 'a b' && sleep 1""#,
                &["sh", "-c", "echo 'a b' && sleep 1"],
            ),
            (
                "sh -c 'echo \"hi there\"; exec nginx'",
                &["sh", "-c", "echo \"hi there\"; exec nginx"],
            ),
            (r"echo a\ b", &["echo", "a b"]),
            (r#"echo "a\"b""#, &["echo", "a\"b"]),
            (r#"echo "a\$HOME\\""#, &["echo", "a$HOME\\"]),
            // Other backslashes inside double quotes stay.
            (r#"printf "a\nb""#, &["printf", r"a\nb"]),
            // Inside single quotes nothing is special.
            (r"echo 'a\nb'", &["echo", r"a\nb"]),
            (r#"a "" b"#, &["a", "", "b"]),
            ("a''b", &["ab"]),
            (r#"--opt="x y"z"#, &["--opt=x yz"]),
            ("a \\\n b", &["a", "b"]),
            (
                "gunicorn -w 4 -b 0.0.0.0:8000 'app:create_app()'",
                &[
                    "gunicorn",
                    "-w",
                    "4",
                    "-b",
                    "0.0.0.0:8000",
                    "app:create_app()",
                ],
            ),
        ];
        for (text, want) in cases {
            assert_eq!(
                split(text),
                Ok(want.iter().map(|w| w.to_string()).collect()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn unterminated_quotes_and_backslashes_are_errors() {
        for text in ["echo 'a", "echo \"a", "echo a\\", "echo \"a\\"] {
            assert!(split(text).is_err(), "{text:?}");
        }
    }
}
