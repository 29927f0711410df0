//! Reading the input text: split it into documents, look at each document once in
//! linear time before the YAML reader does (nesting depth, YAML 1.1 octals), and parse
//! it into JSON the way Kubernetes reads it (merge keys applied, `0755` octal).
//!
//! Invariant: nothing here is worse than linear in the size of a document before
//! `serde_yaml` sees it, and `serde_yaml` only sees documents whose nesting is bounded
//! (its reader, libyaml, checks every open bracket again for each token, so 100,000
//! open brackets cost it half a minute).

use serde_json::Value;
use std::borrow::Cow;

/// Documents nesting deeper than this are refused before parsing. It is the YAML
/// reader's own recursion limit, so no document it could read is refused; no
/// Kubernetes object comes near it (a CRD's schema nests a few dozen levels).
pub const MAX_DEPTH: usize = 128;

/// Documents opening more lists, maps and list entries than this are refused before
/// parsing. A 16 MiB `kubectl get -o yaml` List (the largest input) has about 350,000;
/// 15 MB of `[[[]]]` has millions, which libyaml reads in seconds and serde_yaml holds in
/// gigabytes.
pub const MAX_NODES: usize = 1_000_000;

/// The UTF-8 byte order mark some Windows editors write at the start of a file.
const BOM: char = '\u{feff}';

/// One document of a YAML stream: its text and the line of the input it starts on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Document<'t> {
    /// First line of the document (1-based).
    pub line: usize,
    /// Its text, a slice of the input.
    pub text: &'t str,
}

/// The text without a leading byte order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix(BOM).unwrap_or(text)
}

/// Split a YAML stream into documents at `---` lines, without copying. A `---` line
/// with content after the marker (`--- {kind: ...}`, `--- |`) starts a document that
/// includes it; indented `---` lines (inside block scalars) do not split.
pub fn split_documents(text: &str) -> Vec<Document<'_>> {
    let text = strip_bom(text);
    let mut docs = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        let line = raw.trim_end_matches(['\n', '\r']);
        let marker = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        if marker {
            push_document(&mut docs, start_line, &text[start..offset]);
            let rest = line[3..].trim();
            if rest.is_empty() || rest.starts_with('#') {
                start = offset + raw.len();
                start_line = i + 2;
            } else {
                start = offset;
                start_line = i + 1;
            }
        }
        offset += raw.len();
    }
    push_document(&mut docs, start_line, &text[start..]);
    docs
}

fn push_document<'t>(docs: &mut Vec<Document<'t>>, line: usize, text: &'t str) {
    if !text.trim().is_empty() {
        docs.push(Document { line, text });
    }
}

/// What is wrong with YAML `text` (whose first line is line `line` of its file) that
/// serde_yaml refused with `e`, said with the file's line numbers: an unclosed quote
/// as such, a line indented with a tab as the likely cause.
pub(super) fn invalid_yaml(e: &serde_yaml::Error, text: &str, line: usize) -> String {
    let at = e
        .location()
        .map(|l| format!(" at line {}", line + l.line() - 1))
        .unwrap_or_default();
    let tab = e.location().and_then(|l| tab_indented(text, l.line()));
    let tab = tab
        .map(|n| {
            format!(
                " (line {} is indented with a tab: YAML indents with spaces only)",
                line + n - 1
            )
        })
        .unwrap_or_default();
    let said = shift_lines(&e.to_string(), line - 1);
    unclosed_quote(&said).unwrap_or_else(|| format!("invalid YAML{at}: {said}{tab}"))
}

/// A quoted value left open, said where it opens: the parser reports the end of the
/// document, where it gave up (`found unexpected end of stream at line 8 column 1,
/// while scanning a quoted scalar at line 6 column 13`). Other errors inside a quoted
/// value (an unknown escape) are not this.
fn unclosed_quote(said: &str) -> Option<String> {
    if !said.contains("found unexpected end of stream") {
        return None;
    }
    let (_, at) = said.split_once("while scanning a quoted scalar at line ")?;
    let (line, rest) = at.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(format!(
        "invalid YAML at line {line}: the quote that opens at column {column} is never closed; close it with the same quote (\" or ')"
    ))
}

/// Parse one document into JSON. `Ok(None)` for a document with no content (only
/// comments); otherwise the value, or what is wrong with it.
pub fn parse_document(doc: Document<'_>) -> Result<Option<Value>, String> {
    let line = doc.line;
    let scan = scan(doc.text);
    if let Some(at) = scan.too_deep {
        return Err(format!(
            "nested deeper than {MAX_DEPTH} levels at line {}: refused before parsing (no Kubernetes object nests that deep)",
            line + at - 1
        ));
    }
    if let Some(at) = scan.too_many {
        return Err(format!(
            "more than {MAX_NODES} lists, maps and list entries by line {}: refused before parsing (no manifest comes near it)",
            line + at - 1
        ));
    }
    let text = with_octals(doc.text, &scan.octals);
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(&text)
        .map_err(|e| helm_hint(doc).unwrap_or_else(|| invalid_yaml(&e, doc.text, line)))?;
    yaml.apply_merge()
        .map_err(|e| format!("invalid merge key `<<`: {e}"))?;
    if yaml.is_null() {
        return Ok(None);
    }
    let json = serde_json::to_value(&yaml)
        .map_err(|e| helm_hint(doc).unwrap_or_else(|| format!("not a Kubernetes object ({e})")))?;
    if !json.is_object() || json.get("kind").is_none() {
        // A Kubeprint design (a saved file, `kubeprint import`'s own output) given
        // back to import: opened, not imported.
        // (Its `format_version`, or services beside what else only a design has: a
        // design file may leave out what has its default.)
        let design_key = ["environments", "edges", "config_maps"]
            .iter()
            .any(|k| json.get(k).is_some());
        let services = json.get("services").is_some_and(|s| s.is_array());
        if json.get("format_version").is_some() || (services && design_key) {
            return Err("a Kubeprint design file, not Kubernetes YAML: open it instead (Open in the page; the CLI's commands read it as it is)".into());
        }
        return Err(helm_hint(doc).unwrap_or_else(|| match json.is_object() {
            // A mapping cut short, or one that is no object: what it lacks.
            true => "not a Kubernetes object: it has no `kind` (an object has apiVersion and kind)"
                .into(),
            false => "not a Kubernetes object: expected a mapping with apiVersion and kind".into(),
        }));
    }
    Ok(Some(json))
}

/// The line (1-based, of `text`) at or just before line `at` whose indentation holds a
/// tab: what a parser reports as a character that cannot start a token.
fn tab_indented(text: &str, at: usize) -> Option<usize> {
    let indented_with_tab = |n: usize| {
        let line = text.lines().nth(n.checked_sub(1)?)?;
        line.chars()
            .take_while(|c| c.is_whitespace())
            .any(|c| c == '\t')
            .then_some(n)
    };
    indented_with_tab(at).or_else(|| indented_with_tab(at.checked_sub(1)?))
}

/// The kind and name a document's lines seem to give it, for a document that could not
/// be read as YAML: a top-level `kind:`, and the `name:` under a top-level `metadata:`.
/// Empty where they do not say.
pub fn seeming_identity(text: &str) -> (String, String) {
    let value = |v: &str| v.trim().trim_matches(['"', '\'']).to_string();
    let (mut kind, mut name) = (String::new(), String::new());
    let mut in_metadata = false;
    for line in text.lines() {
        let top = !line.starts_with([' ', '\t']);
        if top {
            in_metadata = line.trim_end() == "metadata:";
            if let Some(v) = line.strip_prefix("kind:") {
                kind = value(v);
            }
        } else if in_metadata && name.is_empty() {
            if let Some(v) = line.trim_start().strip_prefix("name:") {
                // Only metadata's own name, not one nested deeper (labels have none).
                let indent = line.len() - line.trim_start().len();
                if indent <= 4 {
                    name = value(v);
                }
            }
        }
    }
    // Only what reads as a kind and a name (not `[broken`, not a template).
    let plain = |s: String, ok: fn(char) -> bool| if s.chars().all(ok) { s } else { String::new() };
    (
        plain(kind, |c| c.is_ascii_alphanumeric()),
        plain(name, |c| c.is_ascii_alphanumeric() || c == '-' || c == '.'),
    )
}

/// If a document that could not be read contains `{{`, it is most likely a Helm
/// template that was not rendered: say so, with the line. (A document that reads as
/// YAML is never called a template: `{{ $value }}` in a Prometheus rule or an annotation
/// is just text. A `}}` alone ends nested JSON objects.)
pub fn helm_hint(doc: Document<'_>) -> Option<String> {
    let i = doc.text.lines().position(|l| l.contains("{{"))?;
    Some(format!(
        "this looks like an unrendered Helm template (Helm template syntax `{{{{ … }}}}` at line {}): render the chart first (helm template) and import its output",
        doc.line + i
    ))
}

/// If a document that parsed but is not a valid object has a plain `0755`-style value,
/// say that Kubernetes reads it as an octal number (a ConfigMap value `01234` is 668
/// to `kubectl` too, and refused there for the same reason).
pub fn octal_hint(doc: Document<'_>) -> Option<String> {
    let at = *scan(doc.text).octals.first()?;
    let token: String = doc.text[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let line = doc.line + doc.text[..at].matches('\n').count();
    Some(format!(
        "`{token}` at line {line} is an octal number as Kubernetes reads YAML (YAML 1.1): quote it if it is text"
    ))
}

/// Rewrite "line N" in a parser message (relative to the document) as a line of the
/// whole input.
fn shift_lines(message: &str, offset: usize) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(i) = rest.find("line ") {
        out.push_str(&rest[..i + 5]);
        rest = &rest[i + 5..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
    out
}

/// The text with `0o` written into each YAML 1.1 octal at `octals` (byte offsets of
/// their leading `0`), so that serde_yaml (YAML 1.2, which reads a plain `0755` as the
/// string "0755") reads the number Kubernetes reads.
fn with_octals<'t>(text: &'t str, octals: &[usize]) -> Cow<'t, str> {
    if octals.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + octals.len());
    let mut from = 0;
    for &at in octals {
        out.push_str(&text[from..=at]);
        out.push('o');
        from = at + 1;
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

/// What one linear pass over a document found.
#[derive(Debug, Default, PartialEq, Eq)]
struct Scan {
    /// The line (1-based, within the document) where nesting first exceeds
    /// [`MAX_DEPTH`].
    too_deep: Option<usize>,
    /// The line where the document opens more than [`MAX_NODES`] lists, maps and
    /// entries.
    too_many: Option<usize>,
    /// Byte offsets of the leading `0` of each plain scalar value that is a YAML 1.1
    /// octal integer (`0` followed by digits 0-7 only).
    octals: Vec<usize>,
}

/// Whether a plain scalar is a YAML 1.1 octal integer as Kubernetes reads it.
///
/// Kubernetes reads manifests with YAML 1.1 rules (sigs.k8s.io/yaml, go-yaml v2, which
/// parses a plain `0755` with Go's base prefixes), so `defaultMode: 0755` is 493, the
/// file mode people mean. serde_yaml follows YAML 1.2, where `0755` is not an integer
/// at all and becomes the string "0755", which no integer field accepts. Only plain
/// (unquoted) scalars of a leading `0` and digits 0-7 are rewritten; quoted `"0755"`
/// stays a string, as it does for Kubernetes.
fn is_octal(token: &[u8]) -> bool {
    token.len() > 1 && token[0] == b'0' && token[1..].iter().all(|b| (b'0'..=b'7').contains(b))
}

/// One pass over a document, byte by byte, that follows just enough of YAML's syntax
/// (block indentation, `- ` and `? ` entries, flow brackets, quoted strings, block
/// scalars, comments) to measure nesting and find plain octal values. It never looks at
/// a byte more than a bounded number of times, so it is linear in the document.
fn scan(text: &str) -> Scan {
    Scanner {
        b: text.as_bytes(),
        i: 0,
        bol: 0,
        line: 1,
        flow: 0,
        indents: Vec::new(),
        extra: 0,
        nodes: 0,
        out: Scan::default(),
    }
    .run()
}

struct Scanner<'t> {
    b: &'t [u8],
    i: usize,
    /// Where the current line begins.
    bol: usize,
    /// Current line (1-based).
    line: usize,
    /// Open flow collections (`[`, `{`).
    flow: usize,
    /// Indentation of the enclosing block nodes.
    indents: Vec<usize>,
    /// Block nodes opened on the current line after its indentation (`- - x`).
    extra: usize,
    /// Lists, maps and entries opened so far.
    nodes: usize,
    out: Scan,
}

impl Scanner<'_> {
    fn peek(&self, at: usize) -> u8 {
        self.b.get(at).copied().unwrap_or(b'\n')
    }

    fn at_end(&self) -> bool {
        self.i >= self.b.len()
    }

    /// Whether the byte at `at` ends a token: a space, a tab or the end of the line.
    fn blank(&self, at: usize) -> bool {
        matches!(self.peek(at), b' ' | b'\t' | b'\n' | b'\r')
    }

    fn depth(&self) -> usize {
        self.indents.len() + self.extra + self.flow
    }

    /// Record the line if nesting just went over the limit; true if it did.
    /// Count a node just opened and record the line if nesting or their number just went
    /// over the limit; true if it did.
    fn check_depth(&mut self) -> bool {
        self.nodes += 1;
        if self.depth() > MAX_DEPTH {
            self.out.too_deep = Some(self.line);
        } else if self.nodes > MAX_NODES {
            self.out.too_many = Some(self.line);
        }
        self.refused()
    }

    fn refused(&self) -> bool {
        self.out.too_deep.is_some() || self.out.too_many.is_some()
    }

    /// Move past the end of the current line.
    fn skip_line(&mut self) {
        while !self.at_end() && self.b[self.i] != b'\n' {
            self.i += 1;
        }
        self.newline();
    }

    /// Step over a `\n` at the cursor, if there is one.
    fn newline(&mut self) {
        if !self.at_end() && self.b[self.i] == b'\n' {
            self.i += 1;
            self.line += 1;
            self.bol = self.i;
        }
    }

    fn skip_spaces(&mut self) {
        while !self.at_end() && matches!(self.b[self.i], b' ' | b'\t') {
            self.i += 1;
        }
    }

    /// Move past a quoted scalar starting at the cursor (which may span lines).
    fn skip_quoted(&mut self) {
        let quote = self.b[self.i];
        self.i += 1;
        while !self.at_end() {
            let c = self.b[self.i];
            self.i += 1;
            match c {
                b'\n' => {
                    self.line += 1;
                    self.bol = self.i;
                }
                b'\\' if quote == b'"' => {
                    if self.peek(self.i) == b'\n' {
                        self.line += 1;
                        self.bol = self.i + 1;
                    }
                    self.i += 1;
                }
                b'\'' if quote == b'\'' && self.peek(self.i) == b'\'' => self.i += 1,
                c if c == quote => return,
                _ => {}
            }
        }
    }

    /// Move past a token that ends at a blank (an anchor, a tag, an alias).
    fn skip_token(&mut self) {
        while !self.at_end() && !self.blank(self.i) {
            if self.flow > 0 && matches!(self.b[self.i], b',' | b'[' | b']' | b'{' | b'}') {
                return;
            }
            self.i += 1;
        }
    }

    /// Indentation (spaces) of the line starting at `at`, and whether it holds content
    /// (not blank, not only a comment).
    fn line_indent(&self, at: usize) -> (usize, bool) {
        let mut j = at;
        while self.peek(j) == b' ' {
            j += 1;
        }
        let content = j < self.b.len() && !matches!(self.b[j], b'\n' | b'\r' | b'#');
        (j - at, content)
    }

    /// Skip the content lines of a block scalar (`|`, `>`) whose parent node starts at
    /// column `parent`: blank lines and lines indented deeper than the parent.
    fn skip_block_scalar(&mut self, parent: usize) {
        self.skip_line();
        while !self.at_end() {
            let (indent, _) = self.line_indent(self.i);
            let rest = self.peek(self.i + indent);
            let blank = matches!(rest, b'\n' | b'\r') || self.i + indent >= self.b.len();
            if !blank && indent <= parent {
                return;
            }
            self.skip_line();
        }
    }

    fn run(mut self) -> Scan {
        while !self.at_end() && !self.refused() {
            self.line_start();
        }
        self.out
    }

    /// Read one line from its start (block context) or go on in flow context.
    fn line_start(&mut self) {
        let start = self.i;
        let (indent, content) = self.line_indent(start);
        if self.flow > 0 {
            self.skip_spaces();
            self.flow_context(indent);
            return;
        }
        if !content {
            self.skip_line();
            return;
        }
        self.i += indent;
        if self.b[self.i] == b'%' && indent == 0 {
            // A directive (`%YAML 1.1`).
            self.skip_line();
            return;
        }
        if indent == 0 && self.b[self.i..].starts_with(b"---") && self.blank(self.i + 3) {
            // The document's own start marker, with its content after it.
            self.i += 3;
        }
        while self.indents.last().is_some_and(|&top| top > indent) {
            self.indents.pop();
        }
        self.extra = 0;
        if self.indents.last() != Some(&indent) {
            self.indents.push(indent);
            if self.check_depth() {
                return;
            }
        }
        self.node(indent, indent);
    }

    /// At the start of a node in block context, at column `col` of a line indented by
    /// `indent`.
    fn node(&mut self, indent: usize, mut col: usize) {
        let mut tagged = false;
        loop {
            self.skip_spaces();
            if self.at_end() {
                return;
            }
            let c = self.b[self.i];
            match c {
                b'\n' | b'\r' => return self.skip_line(),
                b'#' => return self.skip_line(),
                b'-' | b'?' | b':' if self.blank(self.i + 1) => {
                    // A sequence entry, a complex key or its value: the node after it is
                    // one level deeper.
                    col = self.column(indent);
                    self.i += 1;
                    if c != b':' {
                        self.extra += 1;
                        if self.check_depth() {
                            return;
                        }
                    }
                }
                b'&' => self.skip_token(),
                b'!' => {
                    tagged = true;
                    self.skip_token();
                }
                b'*' => {
                    self.skip_token();
                    return self.after_scalar(indent, col);
                }
                b'[' | b'{' => return self.flow_context(indent),
                b'"' | b'\'' => {
                    self.skip_quoted();
                    return self.after_scalar(indent, col);
                }
                b'|' | b'>' => return self.skip_block_scalar(col),
                _ => return self.plain(indent, col, tagged),
            }
        }
    }

    /// Column of the cursor, given the indentation of its line.
    fn column(&self, indent: usize) -> usize {
        (self.i - self.bol).max(indent)
    }

    /// After a quoted scalar or alias in block context: a `:` makes it a key.
    fn after_scalar(&mut self, indent: usize, col: usize) {
        while !self.at_end() {
            match self.b[self.i] {
                b'\n' => return self.newline(),
                b'#' if self.i > 0 && self.blank(self.i - 1) => return self.skip_line(),
                b':' if self.blank(self.i + 1) => {
                    self.i += 1;
                    return self.node(indent, col);
                }
                _ => self.i += 1,
            }
        }
    }

    /// A plain scalar in block context: a key if a `: ` follows on the line, otherwise
    /// a value running to the end of the line (or a comment).
    fn plain(&mut self, indent: usize, col: usize, tagged: bool) {
        let start = self.i;
        let mut end = self.i;
        while !self.at_end() {
            match self.b[self.i] {
                b'\n' | b'\r' => break,
                b'#' if self.blank(self.i - 1) => break,
                b':' if self.blank(self.i + 1) => {
                    self.i += 1;
                    return self.node(indent, col);
                }
                b' ' | b'\t' => {}
                _ => end = self.i + 1,
            }
            self.i += 1;
        }
        if !tagged && is_octal(&self.b[start..end]) && !self.continues(indent) {
            self.out.octals.push(start);
        }
        self.skip_line();
    }

    /// Whether the plain scalar ending on this line goes on over the next lines (a
    /// following content line indented deeper than this one).
    fn continues(&self, indent: usize) -> bool {
        let mut j = self.i;
        while j < self.b.len() && self.b[j] != b'\n' {
            j += 1;
        }
        while j < self.b.len() {
            let (next, content) = self.line_indent(j + 1);
            if content {
                return next > indent;
            }
            j += 1;
            while j < self.b.len() && self.b[j] != b'\n' {
                j += 1;
            }
        }
        false
    }

    /// Inside `[...]` or `{...}`: brackets nest, quoted strings and comments are
    /// skipped, and plain scalars end at `,`, brackets or `: `. Returns to block
    /// context (the rest of the line) when the outermost bracket closes.
    fn flow_context(&mut self, indent: usize) {
        let mut tagged = false;
        while !self.at_end() {
            let c = self.b[self.i];
            match c {
                b'\n' => {
                    self.newline();
                    return;
                }
                b' ' | b'\t' | b'\r' | b',' => self.i += 1,
                b'#' if self.i == 0 || self.blank(self.i - 1) => return self.skip_line(),
                b'[' | b'{' => {
                    self.flow += 1;
                    self.i += 1;
                    tagged = false;
                    if self.check_depth() {
                        return;
                    }
                }
                b']' | b'}' => {
                    self.i += 1;
                    self.flow = self.flow.saturating_sub(1);
                    if self.flow == 0 {
                        return self.after_scalar(indent, indent);
                    }
                }
                b'"' | b'\'' => {
                    self.skip_quoted();
                    tagged = false;
                }
                b'&' | b'*' => self.skip_token(),
                b'!' => {
                    tagged = true;
                    self.skip_token();
                }
                b':' if self.blank(self.i + 1) || self.peek(self.i + 1) == b',' => self.i += 1,
                _ => {
                    let start = self.i;
                    let mut end = self.i;
                    while !self.at_end() {
                        match self.b[self.i] {
                            b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}' => break,
                            b'#' if self.blank(self.i - 1) => break,
                            b':' if self.blank(self.i + 1) => break,
                            b' ' | b'\t' => {}
                            _ => end = self.i + 1,
                        }
                        self.i += 1;
                    }
                    // Only a scalar that ends on its line, at a `,` or a closing bracket,
                    // is whole: one that goes on over the next line is longer text.
                    let whole = matches!(self.peek(self.i), b',' | b']' | b'}');
                    if whole && !tagged && is_octal(&self.b[start..end]) {
                        self.out.octals.push(start);
                    }
                    tagged = false;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(text: &str) -> Vec<(usize, &str)> {
        split_documents(text)
            .into_iter()
            .map(|d| (d.line, d.text))
            .collect()
    }

    #[test]
    fn documents_split_at_unindented_markers_only() {
        let text = "a: 1\n---\nb: |\n  ---\n  x\n--- # c\nc: 3\n--- {d: 4}\n";
        assert_eq!(
            docs(text),
            [
                (1, "a: 1\n"),
                (3, "b: |\n  ---\n  x\n"),
                (7, "c: 3\n"),
                (8, "--- {d: 4}\n")
            ]
        );
    }

    #[test]
    fn crlf_markers_split_and_a_bom_is_not_a_line() {
        assert_eq!(
            docs("\u{feff}a: 1\r\n---\r\nb: 2\r\n"),
            [(1, "a: 1\r\n"), (3, "b: 2\r\n")]
        );
    }

    /// A line indented with a tab is named as such, at its line in the whole input (the
    /// second document starts at line 5 here); other errors say nothing of tabs.
    #[test]
    fn a_tab_in_the_indentation_is_named() {
        let text =
            "kind: ConfigMap\nmetadata:\n  name: a\n---\nkind: ConfigMap\nmetadata:\n\tname: b\n";
        let second = split_documents(text)[1];
        let err = parse_document(second).unwrap_err();
        assert!(
            err.ends_with("(line 7 is indented with a tab: YAML indents with spaces only)"),
            "{err}"
        );
        assert!(err.starts_with("invalid YAML at line 7: "), "{err}");
        let doc = Document {
            line: 1,
            text: "kind: ConfigMap\nmetadata: [a\n",
        };
        let err = parse_document(doc).unwrap_err();
        assert!(!err.contains("tab"), "{err}");
    }

    /// A quote left open is said where it opens, not where the document ends.
    #[test]
    fn an_unclosed_quote_is_named_where_it_opens() {
        let text = "kind: Service\nmetadata:\n  name: a\n---\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  GREETING: \"hello\n  OTHER: x\n";
        let second = split_documents(text)[1];
        let err = parse_document(second).unwrap_err();
        assert_eq!(
            err,
            "invalid YAML at line 9: the quote that opens at column 13 is never closed; close it with the same quote (\" or ')"
        );
    }

    fn octals(text: &str) -> Vec<&str> {
        let s = scan(text);
        assert_eq!(s.too_deep, None, "{text}");
        s.octals.iter().map(|&i| &text[i..i + 4]).collect()
    }

    #[test]
    fn plain_octal_values_are_found_and_nothing_else() {
        assert_eq!(octals("defaultMode: 0755\n"), ["0755"]);
        assert_eq!(octals("- mode: 0644 # rw\n- 0600\n"), ["0644", "0600"]);
        assert_eq!(octals("modes: [0755, 0644]\n"), ["0755", "0644"]);
        assert_eq!(octals("m: &m 0400\n"), ["0400"]);
        for none in [
            "a: \"0755\"\n",
            "a: '0755'\n",
            "a: 0789\n",
            "a: 0\n",
            "a: 755\n",
            "a: 0o755\n",
            "a: !!str 0755\n",
            "0755: a\n",
            "a: 0755 and more\n",
            "a: 0755\n  continued\n",
            "a: |\n  0755\n",
            "a: >\n  0755\n",
            "a: [0755\n  more]\n",
            "# a: 0755\n",
            "a: x # 0755\n",
        ] {
            assert_eq!(octals(none), Vec::<&str>::new(), "{none}");
        }
    }

    #[test]
    fn depth_counts_blocks_entries_and_brackets() {
        let depth_line = |text: &str| scan(text).too_deep;
        let flow = format!("a: {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert_eq!(depth_line(&flow), Some(1));
        let flow = format!(
            "a: {}{}\n",
            "[".repeat(MAX_DEPTH - 2),
            "]".repeat(MAX_DEPTH - 2)
        );
        assert_eq!(depth_line(&flow), None);
        let entries = format!("a:\n  b:\n{}x\n", "- ".repeat(MAX_DEPTH));
        assert_eq!(depth_line(&entries), Some(3));
        let mut blocks = String::new();
        for i in 0..=MAX_DEPTH {
            blocks.push_str(&format!("{}k{i}:\n", " ".repeat(i)));
        }
        assert_eq!(depth_line(&blocks), Some(MAX_DEPTH + 1));
        // Brackets in strings, comments, block scalars and plain text do not nest.
        let many = "[".repeat(MAX_DEPTH * 2);
        for text in [
            format!("a: \"{many}\"\n"),
            format!("a: '{many}'\n"),
            format!("a: b # {many}\n"),
            format!("a: |\n  {many}\n  more\nb: 1\n"),
            format!("a: x{many}\n"),
            format!("a: [\"{many}\", '{many}']\n"),
        ] {
            assert_eq!(depth_line(&text), None, "{text}");
        }
    }

    #[test]
    fn a_document_of_millions_of_lists_is_refused_before_parsing() {
        let line = format!("- {}{}\n", "[".repeat(100), "]".repeat(100));
        let dense = format!("x:\n{}", line.repeat(MAX_NODES / 100));
        let s = scan(&dense);
        assert_eq!((s.too_deep, s.too_many), (None, Some(MAX_NODES / 101 + 2)));
        // Ordinary lists and maps are far below it.
        let mut normal = String::new();
        for i in 0..3_000 {
            normal.push_str(&format!(
                "- name: c{i}\n  ports:\n    - containerPort: 80\n  env: [{{name: A, value: b}}]\n"
            ));
        }
        assert_eq!(scan(&normal), Scan::default());
    }

    #[test]
    fn merge_keys_are_applied_with_explicit_keys_winning() {
        let text =
            "kind: X\nbase: &b {a: 1, c: 1}\nother: &o {a: 2, d: 2}\nm:\n  <<: [*b, *o]\n  c: 3\n";
        let v = parse_document(Document { line: 1, text }).unwrap().unwrap();
        assert_eq!(v["m"], serde_json::json!({"a": 1, "c": 3, "d": 2}));
    }

    #[test]
    fn the_corpus_cronjobs_split_in_seven_and_read_their_mode_as_octal() {
        let text = include_str!("../../tests/corpus/cronjobs.yaml");
        let docs = split_documents(text);
        assert_eq!(
            docs.len(),
            7,
            "an indented `---` in a block scalar does not split"
        );
        let cleanup = parse_document(docs[4]).unwrap().unwrap();
        assert_eq!(cleanup["metadata"]["name"], "pod-cleanup");
        let volume = &cleanup["spec"]["jobTemplate"]["spec"]["template"]["spec"]["volumes"][0];
        assert_eq!(volume["configMap"]["defaultMode"], 493);
        let settings = parse_document(docs[3]).unwrap().unwrap();
        assert!(settings["data"]["daily-template.md"]
            .as_str()
            .unwrap()
            .starts_with("---\ntitle:"));
    }

    #[test]
    fn octal_values_read_as_kubernetes_reads_them() {
        let text = "kind: X\nmode: 0755\nquoted: \"0755\"\n";
        let v = parse_document(Document { line: 1, text }).unwrap().unwrap();
        assert_eq!(
            (v["mode"].as_i64(), v["quoted"].as_str()),
            (Some(493), Some("0755"))
        );
    }
}
