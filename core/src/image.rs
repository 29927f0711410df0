//! Container image references, read as the container runtimes read them: the grammar of
//! the distribution project's `reference` package (which Docker, containerd and the
//! kubelet's image pull use):
//!
//! ```text
//! reference  := name [ ":" tag ] [ "@" digest ]
//! name       := [ domain "/" ] path
//! domain     := host [ ":" port ]          (first component with a '.' or ':', or `localhost`)
//! path       := component ( "/" component )*
//! component  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//! tag        := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//! digest     := algorithm ":" hex          (sha256: 64 hex digits, sha512: 128)
//! ```
//!
//! A registry port is part of the name (`localhost:5000/x` has no tag), and a name is at
//! most 255 characters. Every error says what is wrong and what to write instead.

use std::fmt;

/// The longest name (domain and path) a reference may have.
pub const MAX_NAME_LENGTH: usize = 255;

/// The longest tag.
pub const MAX_TAG_LENGTH: usize = 128;

/// A parsed image reference. `repository()` + `:tag` + `@digest` gives back exactly the
/// text it was parsed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// The registry host with its port, when the reference names one (`ghcr.io`,
    /// `registry:5000`, `localhost`).
    pub domain: Option<String>,
    /// The path in the registry (`acme/api`, `nginx`).
    pub path: String,
    /// The tag, when there is one.
    pub tag: Option<String>,
    /// The digest (`sha256:…`), when there is one.
    pub digest: Option<String>,
}

/// Why a text is not an image reference. Each message says what to write instead.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    /// Nothing was given.
    #[error("no image: name one, e.g. `nginx` or `ghcr.io/acme/api`")]
    Empty,
    /// Spaces or other whitespace in the reference.
    #[error("`{0}` contains a space: an image reference has none")]
    Whitespace(String),
    /// The name part has two tags (`nginx:1.27:1.0.0`).
    #[error("`{reference}` has two tags, `{first}` and `{second}`: a reference has at most one (`{name}:{first}` or `{name}:{second}`)")]
    TwoTags {
        /// The whole reference.
        reference: String,
        /// The name without either tag.
        name: String,
        /// The first tag.
        first: String,
        /// The second tag.
        second: String,
    },
    /// Uppercase letters in the repository path.
    #[error("`{path}` has uppercase letters: repository names are lowercase (`{lower}`)")]
    Uppercase {
        /// The path as written.
        path: String,
        /// The path in lowercase.
        lower: String,
    },
    /// A path component that breaks the grammar.
    #[error("`{component}` is not a valid part of an image name: use lowercase letters and digits, separated by one `.`, `_`, `__` or dashes, e.g. `acme/my-api`")]
    Component {
        /// The offending component (empty for `//` or a trailing `/`).
        component: String,
    },
    /// The registry host or its port is not valid.
    #[error("`{0}` is not a registry host: use a host name with an optional port, e.g. `registry.example.com:5000`")]
    Domain(String),
    /// The tag breaks the grammar.
    #[error("tag `{0}` is not valid: a tag is up to 128 letters, digits, `_`, `.` and `-`, and does not start with `.` or `-`")]
    Tag(String),
    /// `name:` with nothing after the colon.
    #[error("`{0}` ends with `:`: write the tag after it (e.g. `:1.27`) or remove the colon")]
    EmptyTag(String),
    /// The digest breaks the grammar.
    #[error(
        "digest `{0}` is not valid: write `sha256:` and the 64 hex digits of the image's digest"
    )]
    Digest(String),
    /// The name is longer than the runtimes accept.
    #[error("the image name is {0} characters long; the most is 255")]
    TooLong(usize),
}

impl Reference {
    /// Parse a full reference.
    pub fn parse(text: &str) -> Result<Reference, ReferenceError> {
        if text.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if text.chars().any(char::is_whitespace) {
            return Err(ReferenceError::Whitespace(text.to_string()));
        }
        let (rest, digest) = match text.split_once('@') {
            Some((r, d)) => {
                check_digest(d)?;
                (r, Some(d.to_string()))
            }
            None => (text, None),
        };
        // The tag is after the last ':' that follows the last '/': a ':' before a '/'
        // is a registry port.
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match rest[last_slash..].rfind(':') {
            Some(i) => {
                let (name, tag) = (&rest[..last_slash + i], &rest[last_slash + i + 1..]);
                if tag.is_empty() {
                    return Err(ReferenceError::EmptyTag(rest.to_string()));
                }
                // `nginx:1.27:1.0.0`: a second tag left in the name.
                if let Some(j) = name[last_slash..].find(':') {
                    return Err(ReferenceError::TwoTags {
                        reference: text.to_string(),
                        name: name[..last_slash + j].to_string(),
                        first: name[last_slash + j + 1..].to_string(),
                        second: tag.to_string(),
                    });
                }
                check_tag(tag)?;
                (name, Some(tag.to_string()))
            }
            None => (rest, None),
        };
        if name.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if name.len() > MAX_NAME_LENGTH {
            return Err(ReferenceError::TooLong(name.len()));
        }
        let (domain, path) = split_domain(name);
        if let Some(d) = domain {
            check_domain(d)?;
        }
        check_path(path)?;
        Ok(Reference {
            domain: domain.map(str::to_string),
            path: path.to_string(),
            tag,
            digest,
        })
    }

    /// The repository as written: domain and path, without tag or digest.
    pub fn repository(&self) -> String {
        match &self.domain {
            Some(d) => format!("{d}/{}", self.path),
            None => self.path.clone(),
        }
    }

    /// The registry the runtime pulls from: the domain, or Docker Hub (`docker.io`).
    pub fn registry(&self) -> &str {
        self.domain.as_deref().unwrap_or("docker.io")
    }

    /// The fully qualified repository, as the runtime resolves it:
    /// `nginx` is `docker.io/library/nginx`, `grafana/grafana` is
    /// `docker.io/grafana/grafana`.
    pub fn normalized(&self) -> String {
        let registry = match self.registry() {
            "index.docker.io" | "registry-1.docker.io" => "docker.io",
            r => r,
        };
        if registry == "docker.io" && !self.path.contains('/') {
            format!("docker.io/library/{}", self.path)
        } else {
            format!("{registry}/{}", self.path)
        }
    }
}

impl fmt::Display for Reference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.repository())?;
        if let Some(t) = &self.tag {
            write!(f, ":{t}")?;
        }
        if let Some(d) = &self.digest {
            write!(f, "@{d}")?;
        }
        Ok(())
    }
}

/// Split `name` into its domain (when its first component is one) and its path, as the
/// runtimes do: the first component is a registry when it has a `.` or a `:`, is
/// `localhost`, or has an uppercase letter (a path never has one).
fn split_domain(name: &str) -> (Option<&str>, &str) {
    match name.split_once('/') {
        Some((first, rest))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            (Some(first), rest)
        }
        _ => (None, name),
    }
}

/// A registry host (domain name, IPv4, or `[IPv6]`) with an optional port.
fn check_domain(domain: &str) -> Result<(), ReferenceError> {
    let bad = || ReferenceError::Domain(domain.to_string());
    let (host, port) = if let Some(rest) = domain.strip_prefix('[') {
        let (v6, after) = rest.split_once(']').ok_or_else(bad)?;
        if v6.is_empty() || !v6.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
            return Err(bad());
        }
        match after.strip_prefix(':') {
            Some(p) => (None, Some(p)),
            None if after.is_empty() => (None, None),
            None => return Err(bad()),
        }
    } else {
        match domain.split_once(':') {
            Some((h, p)) => (Some(h), Some(p)),
            None => (Some(domain), None),
        }
    };
    if let Some(p) = port {
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
    }
    if let Some(h) = host {
        let label_ok = |l: &str| {
            !l.is_empty()
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        };
        if !h.split('.').all(label_ok) {
            return Err(bad());
        }
    }
    Ok(())
}

/// The path: lowercase components separated by `/`.
fn check_path(path: &str) -> Result<(), ReferenceError> {
    if path.chars().any(|c| c.is_ascii_uppercase()) {
        return Err(ReferenceError::Uppercase {
            path: path.to_string(),
            lower: path.to_ascii_lowercase(),
        });
    }
    for component in path.split('/') {
        if !component_ok(component) {
            return Err(ReferenceError::Component {
                component: component.to_string(),
            });
        }
    }
    Ok(())
}

/// `[a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*`.
fn component_ok(c: &str) -> bool {
    let alnum = |ch: char| ch.is_ascii_lowercase() || ch.is_ascii_digit();
    let bytes: Vec<char> = c.chars().collect();
    let mut i = 0;
    let run = |i: &mut usize| {
        let start = *i;
        while *i < bytes.len() && alnum(bytes[*i]) {
            *i += 1;
        }
        *i > start
    };
    if !run(&mut i) {
        return false;
    }
    while i < bytes.len() {
        match bytes[i] {
            '.' => i += 1,
            '_' => {
                i += 1;
                if i < bytes.len() && bytes[i] == '_' {
                    i += 1;
                }
            }
            '-' => {
                while i < bytes.len() && bytes[i] == '-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        if !run(&mut i) {
            return false;
        }
    }
    true
}

/// A tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`. Empty is refused here (an empty Tag field
/// means "no tag" and is not checked).
pub fn check_tag(tag: &str) -> Result<(), ReferenceError> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = tag.chars();
    let ok = chars.next().is_some_and(word)
        && chars.all(|c| word(c) || c == '.' || c == '-')
        && tag.len() <= MAX_TAG_LENGTH;
    if ok {
        Ok(())
    } else {
        Err(ReferenceError::Tag(tag.to_string()))
    }
}

/// A digest: `algorithm:hex` (a lowercase algorithm, as the OCI image spec registers
/// them), with the exact length for sha256 (64) and sha512 (128)
/// and at least 32 hex digits for any other algorithm.
pub fn check_digest(digest: &str) -> Result<(), ReferenceError> {
    let bad = || ReferenceError::Digest(digest.to_string());
    let (algorithm, hex) = digest.split_once(':').ok_or_else(bad)?;
    let algorithm_ok = algorithm.split(['+', '.', '-', '_']).all(|c| {
        c.starts_with(|ch: char| ch.is_ascii_lowercase())
            && c.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
    });
    let hex_ok = hex.len() >= 32 && hex.chars().all(|c| c.is_ascii_hexdigit());
    let length_ok = match algorithm {
        "sha256" => hex.len() == 64 && !hex.chars().any(|c| c.is_ascii_uppercase()),
        "sha512" => hex.len() == 128 && !hex.chars().any(|c| c.is_ascii_uppercase()),
        _ => true,
    };
    if algorithm_ok && hex_ok && length_ok {
        Ok(())
    } else {
        Err(bad())
    }
}

/// A reference split as the model holds it: repository, tag (empty when none) and
/// digest. Never fails: text that does not parse is split leniently (at the last `@`,
/// then at a `:` after the last `/`), so an import keeps exactly what it read and the
/// rules report the problem. `ghcr.io:443/acme/api:1.2@sha256:ab` gives
/// (`ghcr.io:443/acme/api`, `1.2`, `sha256:ab`).
pub fn split(reference: &str) -> (&str, &str, Option<&str>) {
    let (name, digest) = match reference.split_once('@') {
        Some((n, d)) => (n, Some(d)),
        None => (reference, None),
    };
    let last_slash = name.rfind('/').map_or(0, |i| i + 1);
    match name[last_slash..].rfind(':') {
        Some(i) => (&name[..last_slash + i], &name[last_slash + i + 1..], digest),
        None => (name, "", digest),
    }
}

/// `image[:tag][@digest]`, as the model's three fields are written into a manifest.
pub fn join(image: &str, tag: &str, digest: Option<&str>) -> String {
    let mut out = image.to_string();
    if !tag.is_empty() {
        out.push(':');
        out.push_str(tag);
    }
    if let Some(d) = digest.filter(|d| !d.is_empty()) {
        out.push('@');
        out.push_str(d);
    }
    out
}

/// A tag with every character a tag may not hold replaced by `-` (and a leading `.` or
/// `-` dropped), for a fix; `None` when nothing usable is left.
pub fn sanitized_tag(tag: &str) -> Option<String> {
    let mapped: String = tag
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let trimmed: String = mapped
        .trim_start_matches(['.', '-'])
        .chars()
        .take(MAX_TAG_LENGTH)
        .collect();
    (!trimmed.is_empty() && check_tag(&trimmed).is_ok()).then_some(trimmed)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    fn parts(text: &str) -> (Option<String>, String, Option<String>, Option<String>) {
        let r = Reference::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(r.to_string(), text, "the parts join back to the text");
        (r.domain, r.path, r.tag, r.digest)
    }

    fn s(x: &str) -> Option<String> {
        Some(x.to_string())
    }

    #[test]
    fn real_world_references_parse_into_their_parts() {
        assert_eq!(parts("nginx"), (None, "nginx".into(), None, None));
        assert_eq!(parts("nginx:1.27"), (None, "nginx".into(), s("1.27"), None));
        assert_eq!(
            parts("postgres:16.4-alpine3.20"),
            (None, "postgres".into(), s("16.4-alpine3.20"), None)
        );
        assert_eq!(
            parts("library/redis:7.4"),
            (None, "library/redis".into(), s("7.4"), None)
        );
        assert_eq!(
            parts("docker.io/library/nginx:1.27"),
            (s("docker.io"), "library/nginx".into(), s("1.27"), None)
        );
        assert_eq!(
            parts("grafana/grafana:11.2.0"),
            (None, "grafana/grafana".into(), s("11.2.0"), None)
        );
        assert_eq!(
            parts("ghcr.io/acme/api:1.2.3"),
            (s("ghcr.io"), "acme/api".into(), s("1.2.3"), None)
        );
        assert_eq!(
            parts("ghcr.io/open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib:0.110.0"),
            (
                s("ghcr.io"),
                "open-telemetry/opentelemetry-collector-releases/opentelemetry-collector-contrib".into(),
                s("0.110.0"),
                None
            )
        );
        let full = format!("registry:5000/path/img:tag@{SHA}");
        assert_eq!(
            parts(&full),
            (s("registry:5000"), "path/img".into(), s("tag"), s(SHA))
        );
        assert_eq!(
            parts("localhost:5000/x"),
            (s("localhost:5000"), "x".into(), None, None)
        );
        assert_eq!(
            parts("localhost/x:dev"),
            (s("localhost"), "x".into(), s("dev"), None)
        );
        assert_eq!(
            parts(&format!("quay.io/prometheus/prometheus@{SHA}")),
            (s("quay.io"), "prometheus/prometheus".into(), None, s(SHA))
        );
        assert_eq!(
            parts("docker.elastic.co/elasticsearch/elasticsearch:8.15.1"),
            (
                s("docker.elastic.co"),
                "elasticsearch/elasticsearch".into(),
                s("8.15.1"),
                None
            )
        );
        assert_eq!(
            parts("123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/svc:v2_build-7"),
            (
                s("123456789012.dkr.ecr.eu-west-1.amazonaws.com"),
                "team/svc".into(),
                s("v2_build-7"),
                None
            )
        );
        assert_eq!(
            parts("[::1]:5000/img:1"),
            (s("[::1]:5000"), "img".into(), s("1"), None)
        );
        assert_eq!(
            parts("registry.k8s.io/pause:3.10"),
            (s("registry.k8s.io"), "pause".into(), s("3.10"), None)
        );
        assert_eq!(
            parts("acme/my__weird.repo---name/x_y:LATEST"),
            (
                None,
                "acme/my__weird.repo---name/x_y".into(),
                s("LATEST"),
                None
            )
        );
    }

    #[test]
    fn normalized_names_fill_in_docker_hub() {
        let n = |t: &str| Reference::parse(t).unwrap().normalized();
        assert_eq!(n("nginx:1.27"), "docker.io/library/nginx");
        assert_eq!(n("docker.io/library/nginx"), "docker.io/library/nginx");
        assert_eq!(n("docker.io/nginx"), "docker.io/library/nginx");
        assert_eq!(
            n("index.docker.io/library/nginx"),
            "docker.io/library/nginx"
        );
        assert_eq!(n("grafana/grafana"), "docker.io/grafana/grafana");
        assert_eq!(n("ghcr.io/acme/api"), "ghcr.io/acme/api");
        assert_eq!(n("localhost:5000/x"), "localhost:5000/x");
    }

    #[test]
    fn invalid_references_say_what_is_wrong() {
        let err = |t: &str| Reference::parse(t).unwrap_err();
        assert_eq!(
            err("nginx:1.27:1.0.0").to_string(),
            "`nginx:1.27:1.0.0` has two tags, `1.27` and `1.0.0`: a reference has at most one (`nginx:1.27` or `nginx:1.0.0`)"
        );
        assert!(matches!(
            err("ghcr.io/acme/api:1:2"),
            ReferenceError::TwoTags { ref name, .. } if name == "ghcr.io/acme/api"
        ));
        assert_eq!(
            err("ghcr.io/Acme/API:1").to_string(),
            "`Acme/API` has uppercase letters: repository names are lowercase (`acme/api`)"
        );
        assert!(matches!(err("Nginx"), ReferenceError::Uppercase { .. }));
        assert!(matches!(err("nginx:feature/x"), ReferenceError::Domain(_)));
        assert!(matches!(err("nginx:-rc1"), ReferenceError::Tag(_)));
        assert!(matches!(err("nginx:.hidden"), ReferenceError::Tag(_)));
        assert!(matches!(
            err(&format!("nginx:{}", "a".repeat(129))),
            ReferenceError::Tag(_)
        ));
        assert!(Reference::parse(&format!("nginx:{}", "a".repeat(128))).is_ok());
        assert!(matches!(err("nginx:"), ReferenceError::EmptyTag(_)));
        assert!(matches!(err("nginx@sha256:abc"), ReferenceError::Digest(_)));
        assert!(matches!(err("nginx@md5"), ReferenceError::Digest(_)));
        assert!(matches!(
            err(&format!("nginx@{}", SHA.to_uppercase())),
            ReferenceError::Digest(_)
        ));
        assert!(matches!(err("acme//api"), ReferenceError::Component { .. }));
        assert!(matches!(err("acme/api/"), ReferenceError::Component { .. }));
        assert!(matches!(err("-acme/api"), ReferenceError::Component { .. }));
        assert!(matches!(err("acme/api-"), ReferenceError::Component { .. }));
        assert!(matches!(err("acme/a..b"), ReferenceError::Component { .. }));
        assert!(matches!(
            err("acme/a___b"),
            ReferenceError::Component { .. }
        ));
        assert!(matches!(err("registry:port/x"), ReferenceError::Domain(_)));
        assert!(matches!(err("-bad.io/x"), ReferenceError::Domain(_)));
        assert!(matches!(err("nginx 1.27"), ReferenceError::Whitespace(_)));
        assert_eq!(err(""), ReferenceError::Empty);
        assert!(matches!(err(":1.0"), ReferenceError::Empty));
        assert!(matches!(
            err(&format!("x.io/{}", "a".repeat(260))),
            ReferenceError::TooLong(_)
        ));
    }

    #[test]
    fn a_registry_port_is_not_a_tag() {
        assert_eq!(split("localhost:5000/x"), ("localhost:5000/x", "", None));
        assert_eq!(
            split("ghcr.io:443/acme/api:1.2@sha256:ab"),
            ("ghcr.io:443/acme/api", "1.2", Some("sha256:ab"))
        );
        assert_eq!(split("nginx:1.27:1.0.0"), ("nginx:1.27", "1.0.0", None));
        for text in [
            "nginx",
            "nginx:1.27",
            "localhost:5000/x",
            "nginx:1.27:1.0.0",
            "a@b@c",
            "registry:5000/path/img:tag@sha256:00",
        ] {
            let (i, t, d) = split(text);
            assert_eq!(join(i, t, d), text, "split then join gives {text} back");
        }
    }

    #[test]
    fn tags_are_sanitized_for_fixes() {
        assert_eq!(sanitized_tag("feature/x"), Some("feature-x".into()));
        assert_eq!(sanitized_tag("-rc1"), Some("rc1".into()));
        assert_eq!(sanitized_tag("v1 2"), Some("v1-2".into()));
        assert_eq!(sanitized_tag("---"), None);
    }
}
