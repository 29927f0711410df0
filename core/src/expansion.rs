//! Kubernetes' variable references, in a container's variable values, command and
//! arguments: `$(NAME)` is the variable `NAME`, `$$` is one `$`, and everything else
//! (a lone `$`, a `$(` with no `)`) is text. Kubernetes replaces a reference it can
//! resolve and leaves the others as written.

/// A piece of a text as Kubernetes reads it for references.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text, as it is.
    Text(&'a str),
    /// `$$`: one `$`.
    Dollar,
    /// `$(NAME)`: the variable `NAME`.
    Reference(&'a str),
}

/// `text` in pieces, in order.
pub fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push(Piece::Text(&rest[..i]));
            out.push(Piece::Dollar);
            rest = tail;
        } else if let Some((name, tail)) = after.strip_prefix('(').and_then(|r| r.split_once(')')) {
            out.push(Piece::Text(&rest[..i]));
            out.push(Piece::Reference(name));
            rest = tail;
        } else {
            // (A lone `$` is text: the text goes on after it.)
            out.push(Piece::Text(&rest[..=i]));
            rest = after;
        }
    }
    out.push(Piece::Text(rest));
    out.retain(|p| *p != Piece::Text(""));
    out
}

/// The names `text` refers to, in order.
pub fn references(text: &str) -> impl Iterator<Item = &str> {
    pieces(text).into_iter().filter_map(|p| match p {
        Piece::Reference(name) => Some(name),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_escapes_and_text_are_told_apart() {
        use Piece::*;
        assert_eq!(
            pieces("a=$(A) $$(B) $5 $(C"),
            [
                Text("a="),
                Reference("A"),
                Text(" "),
                Dollar,
                Text("(B) $"),
                Text("5 $"),
                Text("(C")
            ]
        );
        assert_eq!(references("x$(A)$(B)$$(C)").collect::<Vec<_>>(), ["A", "B"]);
        assert_eq!(pieces(""), []);
    }
}
