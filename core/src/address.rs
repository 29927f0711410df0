//! Network addresses in configuration text: what `http://otel-collector.observability.
//! svc.cluster.local:4317`, `db:5432`, `redis://:secret@cache:6379/0` or a bare
//! `inventory.shop.svc` point at. Parsing, and rewriting the addresses of one Service
//! ([`Readdress`]): which design service a host names is the address rule's business
//! (`rules/wiring/addresses.rs`).
//!
//! A value is cut into words at whitespace, quotes, commas, semicolons and brackets
//! other than an IPv6 literal's; in each word a URL (`scheme://[userinfo@]host[:port]
//! [/path][?query][#fragment]`, the host possibly `[v6]`), else `host:port[/path]`, else a
//! bare host is looked for. A leading `key=` (a DSN's `addr=db:6379`) is dropped first.
//! A value that is a connection string of `keyword=value` pairs (libpq's `host=db
//! port=5432 dbname=app`, ADO.NET's `Host=db;Port=5432;Database=app`) is read as its
//! driver reads it instead ([`connection`]): its hosts, each on its port.
//! Hosts that are IP addresses, `localhost`, or not DNS names (`${HOST}`, `*`) give no
//! address a service could be named by: they are reported as [`Host::Ip`] or dropped.

mod connection;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::ops::Range;

/// The host part of an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Host {
    /// A DNS name, lowercased, without a trailing dot.
    Name(String),
    /// An IP address (v4, or v6 in brackets), or `localhost` (`None`): never a
    /// service's name.
    Ip(Option<IpAddr>),
}

/// How an address was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `scheme://host...`.
    Url,
    /// `host:port`.
    HostPort,
    /// A host alone.
    Bare,
    /// A host of a connection string (`host=db port=5432`, `Server=tcp:db,1433;...`),
    /// on the port it dials where the string writes one: see [`connection`].
    Keyword,
}

/// One address found in a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    /// The word it was read from, as written.
    pub text: String,
    /// Its host.
    pub host: Host,
    /// Its port: written, or the URL scheme's own (see [`default_port`]).
    pub port: Option<u16>,
    /// How it was written.
    pub form: Form,
    /// Whether the word was the whole value (a bare host counts only then).
    pub whole: bool,
}

/// The port a URL scheme implies when none is written, for the schemes whose port is
/// fixed by their specification or by the one server that speaks them. `grpc://` has
/// none (gRPC names no default port); `grpcs://` is gRPC over TLS on 443.
pub fn default_port(scheme: &str) -> Option<u16> {
    Some(match scheme {
        "http" | "ws" => 80,
        "https" | "wss" | "grpcs" => 443,
        "redis" | "rediss" => 6379,
        "postgres" | "postgresql" => 5432,
        "mysql" | "mariadb" => 3306,
        "mongodb" => 27017,
        "amqp" => 5672,
        "amqps" => 5671,
        "nats" => 4222,
        "memcached" => 11211,
        "ftp" => 21,
        "ldap" => 389,
        "ldaps" => 636,
        _ => return None,
    })
}

/// Whether a variable (or ConfigMap key) whose whole value is a bare name names a host
/// by its own name: one of its words (split at `_`, `-`, `.`) is HOST, ADDR, SERVER,
/// ENDPOINT, URL, URI or BROKER, or their plural: `DB_HOST=db`, `BROKER_URL=kafka`,
/// `OTEL_ENDPOINT=collector`; not `URL_PREFIX`'s neighbour `SECURITY_PROVIDER`.
pub fn names_a_host(var: &str) -> bool {
    const HOST_KEYS: [&str; 8] = [
        "HOST", "HOSTNAME", "ADDR", "SERVER", "ENDPOINT", "URL", "URI", "BROKER",
    ];
    var.to_ascii_uppercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| {
            HOST_KEYS
                .iter()
                .any(|k| w == *k || w.strip_suffix('S') == Some(k))
        })
}

/// Whether a command-line flag names a host to dial: its last word (split at `-`, `_`)
/// is `host`, `hostname`, `addr` or `address` (`--host`, `--db-host`, `--redis_addr`),
/// or it is `-h` (of a database client: see [`command_values`]). Not a flag of the
/// program's own address (`--listen-address`, `--bind-addr`, `--advertise-address`,
/// `--hostname` alone), an e-mail's (`--from-address`), nor `--server`, often a mode
/// switch.
pub fn flag_names_a_host(flag: &str) -> bool {
    if flag == "-h" {
        return true;
    }
    let Some(name) = flag.strip_prefix("--") else {
        return false;
    };
    // Most flags end otherwise: said without allocating (this runs for every word of
    // every command line on every check).
    let ends = |suffix: &str| {
        let b = name.as_bytes();
        b.len() >= suffix.len()
            && b[b.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    if !["host", "hostname", "addr", "address"]
        .into_iter()
        .any(ends)
    {
        return false;
    }
    let name = name.to_ascii_lowercase();
    let words: Vec<&str> = name.split(['-', '_']).collect();
    const OWN: [&str; 11] = [
        "listen",
        "bind",
        "advertise",
        "advertised",
        "local",
        "metrics",
        "health",
        "probe",
        "mac",
        "email",
        "from",
    ];
    match words.as_slice() {
        ["hostname"] => false,
        [before @ .., "host" | "hostname" | "addr" | "address"] => {
            !before.iter().any(|w| OWN.contains(w))
        }
        _ => false,
    }
}

/// The programs whose `-h` is the server's host (elsewhere it is usually help).
const DATABASE_CLIENTS: [&str; 23] = [
    "psql",
    "pg_dump",
    "pg_dumpall",
    "pg_restore",
    "pg_isready",
    "pg_basebackup",
    "createdb",
    "dropdb",
    "vacuumdb",
    "reindexdb",
    "clusterdb",
    "pgbench",
    "mysql",
    "mysqldump",
    "mysqladmin",
    "mysqlcheck",
    "mariadb",
    "mariadb-dump",
    "mariadb-admin",
    "mariadb-check",
    "redis-cli",
    "valkey-cli",
    "clickhouse-client",
];

/// The programs that take the host to dial as a word of its own, followed by its port
/// (`nc -z db 5432`, `telnet db 25`), or alone (`nslookup db`): how init containers
/// wait for what their pod needs.
const HOST_PROGRAMS: [&str; 5] = ["nc", "ncat", "netcat", "telnet", "nslookup"];

/// The shells whose `-c` takes a script.
const SHELLS: [&str; 7] = ["sh", "bash", "ash", "dash", "zsh", "ksh", "busybox"];

/// The words after which the program of a command is still to come, with their flags
/// (`env -i`) and a count or a duration (`timeout 5`, `nice -n 10`).
const PREFIXES: [&str; 8] = [
    "exec", "env", "time", "nice", "nohup", "timeout", "command", "--",
];

/// Whether a command-line value read under `key` (see [`command_values`]) is a host by
/// its place: under a flag that [`flag_names_a_host`], or the host word of one of the
/// programs that take it alone (`nc db 5432`, read under `nc`).
pub fn argument_names_a_host(key: &str) -> bool {
    flag_names_a_host(key) || HOST_PROGRAMS.contains(&key)
}

/// Whether a command line may hold an address [`command_values`] reads: a word with a
/// colon (a URL, `host:port`), a flag that names a host, a script, or a program that
/// takes a host alone. Most command lines have none, and cost nothing more on every
/// validation.
pub fn command_may_name_a_host<'w>(words: impl IntoIterator<Item = &'w str>) -> bool {
    words.into_iter().any(|w| {
        w.contains(':')
            || flag_names_a_host(w.split('=').next().unwrap_or(w))
            || w.contains(char::is_whitespace)
            || HOST_PROGRAMS.contains(&program_name(w))
    })
}

/// One value of a command line, as [`command_values`] reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommandValue<'a> {
    /// The word of the command line it is in.
    pub word: usize,
    /// Where in that word it lies.
    pub at: Range<usize>,
    /// The key it is read under: a flag (`--host`, `-h`), a program that takes a host
    /// alone (`nc`), or none (empty).
    pub key: &'a str,
}

/// How the words of a command line (a container's command, then its arguments, as one
/// list) are read for addresses, by the address rule and by the edits that follow a
/// renamed Service alike: the values, each with the key it is read under.
/// - `--flag=value`: `value` under `--flag`;
/// - a word after a flag that [`flag_names_a_host`] (`--host db`; `-h db` once a
///   database client is the program run, `pg_dump -h db`): the word under that flag;
/// - the host of a program that takes it alone (`nc -z db 5432`: the word before the
///   port; `nslookup db`: the first word that is no flag), under the program's name;
/// - any other word: the whole word, under no key.
///
/// The word after a shell's `-c` (`sh -c "until pg_isready -h db; do sleep 2; done"`,
/// `bash -ec '…'`) is a script: it is read as a command line of its own, a value per
/// word of it (quotes dropped, `\` line continuations joined, comments skipped),
/// commands starting after `;`, `&&`, `||`, `|`, `&`, a newline, a bracket or a
/// keyword (`do`, `then`, `until`, ...). A command is run by its first word, or the
/// one after an assignment (`PGPASSWORD=x`) or a prefix (`exec`, `env -i`,
/// `timeout 5`, ...: [`PREFIXES`]). Every word that is no script gives exactly one
/// value.
pub fn command_values<'a>(words: &[&'a str]) -> Vec<CommandValue<'a>> {
    // The scripts: each the word after a `-c` of a shell run before it.
    let mut script = vec![false; words.len()];
    let mut shell = false;
    for (i, w) in words.iter().enumerate() {
        script[i] = shell && i > 0 && takes_a_script(words[i - 1]);
        shell |= SHELLS.contains(&program_name(w));
    }
    // Tokens: (word, range in it, whether it is an operator that ends a command).
    let mut tokens: Vec<(usize, Range<usize>, bool)> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        match script[i] {
            true => tokens.extend(script_tokens(w).into_iter().map(|(r, op)| (i, r, op))),
            false => tokens.push((i, 0..w.len(), false)),
        }
    }
    let text = |k: usize| -> &'a str { &words[tokens[k].0][tokens[k].1.clone()] };
    let mut out = Vec::with_capacity(tokens.len());
    // Whether the next token is in command position (and after a prefix, whose flags
    // and count come first); the program that runs, whether it is a database client;
    // whether a word of it that is no flag came yet.
    let mut command_at = true;
    let mut after_prefix = false;
    let mut program = "";
    let mut client = false;
    let mut positional_seen = false;
    for (k, (word, at, op)) in tokens.iter().cloned().enumerate() {
        let t = text(k);
        // A script is a command line of its own; the words after it are its own
        // arguments (`sh -c '…' name`).
        if k > 0 && tokens[k - 1].0 != word && (script[word] || script[tokens[k - 1].0]) {
            command_at = script[word];
            after_prefix = false;
            program = "";
        }
        if op {
            command_at = true;
            after_prefix = false;
            program = "";
            continue;
        }
        let positional = |t: &str| !t.starts_with('-') && !is_port(t);
        let mut key = "";
        let mut at = at;
        // An argument list without its command starts with the entrypoint's flags.
        command_at &= after_prefix || !t.starts_with('-');
        if command_at {
            let keyword = matches!(
                t,
                "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{"
            );
            let prefix = PREFIXES.contains(&t);
            let assignment = t.split_once('=').is_some_and(|(name, _)| is_variable(name));
            let of_the_prefix =
                after_prefix && (t.starts_with('-') || t.starts_with(|c: char| c.is_ascii_digit()));
            if !(keyword || prefix || assignment || of_the_prefix) {
                command_at = false;
                program = program_name(t);
                client = DATABASE_CLIENTS.contains(&program);
                positional_seen = false;
            }
            after_prefix = prefix || (after_prefix && (assignment || of_the_prefix));
        } else {
            let before = (k > 0 && !tokens[k - 1].2).then(|| text(k - 1));
            let flag_before = before
                .filter(|f| !f.contains('=') && flag_names_a_host(f) && (*f != "-h" || client))
                .filter(|_| !t.starts_with('-'));
            let next = (tokens.get(k + 1)).filter(|(_, _, op)| !op);
            let host_word = HOST_PROGRAMS.contains(&program)
                && positional(t)
                && match program {
                    "nslookup" => !positional_seen,
                    _ => next.is_some_and(|_| is_port(text(k + 1))),
                };
            positional_seen |= positional(t);
            match (
                t.strip_prefix("--").and_then(|f| f.split_once('=')),
                flag_before,
            ) {
                (Some((flag, _)), _) => {
                    key = &t[..flag.len() + 2];
                    at.start += flag.len() + 3;
                }
                (None, Some(flag)) => key = flag,
                (None, None) if host_word => key = program,
                (None, None) => {}
            }
        }
        out.push(CommandValue { word, at, key });
    }
    out
}

/// A word's program name: its last path segment (`/usr/bin/pg_dump`: `pg_dump`).
fn program_name(w: &str) -> &str {
    w.rsplit('/').next().unwrap_or(w)
}

/// Whether a word is a shell's option cluster with `-c` (`-c`, `-ec`, `-xc`): the next
/// word is the script it runs.
fn takes_a_script(w: &str) -> bool {
    w.strip_prefix('-').is_some_and(|o| {
        !o.starts_with('-') && o.contains('c') && o.bytes().all(|b| b.is_ascii_alphabetic())
    })
}

/// The tokens of a shell script: each word's range (surrounding quotes left out), and
/// whether it is an operator that ends a command (`;`, `&&`, `|`, a newline, ...). A
/// `\` before a line break joins the lines; a `#` that starts a word comments out the
/// rest of its line; `&` in a redirection (`2>&1`, `&>log`) is part of its word.
fn script_tokens(script: &str) -> Vec<(Range<usize>, bool)> {
    let bytes = script.as_bytes();
    let redirect = |i: usize| {
        bytes[i] == b'&'
            && ((i > 0 && matches!(bytes[i - 1], b'>' | b'<')) || bytes.get(i + 1) == Some(&b'>'))
    };
    let operator =
        |i: usize| matches!(bytes[i], b';' | b'&' | b'|' | b'(' | b')' | b'`') && !redirect(i);
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\\' && bytes.get(i + 1) == Some(&b'\n') {
            i += 2;
        } else if b == b'#' {
            i += bytes[i..]
                .iter()
                .position(|&c| c == b'\n')
                .unwrap_or(bytes.len() - i);
        } else if b == b'\n' || operator(i) {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] == b && b != b'\n' {
                j += 1;
            }
            out.push((i..j, true));
            i = j;
        } else if b.is_ascii_whitespace() {
            i += 1;
        } else {
            // A quoted run is part of the word, whitespace and all; in double quotes a
            // `\"` does not end it.
            let mut j = i;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !operator(j) {
                if let q @ (b'"' | b'\'') = bytes[j] {
                    let mut e = j + 1;
                    while e < bytes.len() && bytes[e] != q {
                        e += 1 + usize::from(q == b'"' && bytes[e] == b'\\');
                    }
                    j = e.min(bytes.len() - 1);
                }
                j += 1;
            }
            let mut r = i..j;
            let quoted = |q: u8| bytes[r.start] == q && bytes[r.end - 1] == q;
            if r.len() >= 2 && (quoted(b'"') || quoted(b'\'')) {
                r = r.start + 1..r.end - 1;
            }
            out.push((r, false));
            i = j;
        }
    }
    out
}

/// Whether a word is a port number.
fn is_port(w: &str) -> bool {
    w.parse::<u16>().is_ok_and(|p| p > 0)
}

/// Whether a word is a shell variable's name (before `=` in an assignment).
fn is_variable(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Whether a variable (or ConfigMap key) holds an image reference or a version by its
/// name (`PG_IMAGE`, `BACKUP_IMAGE_TAG`, `APP_VERSION`), whose `name:tag` reads like
/// `host:port`.
pub fn names_an_image(var: &str) -> bool {
    var.to_ascii_uppercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| matches!(word, "IMAGE" | "TAG" | "VERSION"))
}

/// The variable that holds the port of host variable `var`: `DB_PORT` beside `DB_HOST`,
/// `DB_HOSTNAME` or `DB_SERVER` (read when the host is written alone).
pub fn port_variable(var: &str) -> Option<String> {
    (["_HOST", "_HOSTNAME", "_SERVER"].iter())
        .find_map(|suffix| var.strip_suffix(suffix))
        .map(|prefix| format!("{prefix}_PORT"))
}

/// What an edit of one service changes in the addresses that name its Service: its
/// name, the ports its callers dial, or both. An address names it by `service`,
/// `service.<ns>`, `service.<ns>.svc` or `service.<ns>.svc.cluster.local` for a
/// namespace `ns` of `namespaces`, and, when it is headless (`pods`), by its
/// StatefulSet pods' `service-0.service...`; by a bare name only as the whole value of
/// a variable that [`names_a_host`] or after a connection string's host keyword
/// (`host=db port=5432`, whose `port=` changes as the port does). Words are read as [`addresses`] reads them, so an
/// image reference, a `topic:3:1` spec, a listen address (`:8080`, `0.0.0.0:8080`) or
/// an external `service.<ns>.example.com` is left alone. A name starting with `-` is
/// a command-line flag's (`--api=api:80` is read as `--api` = `api:80`,
/// [`command_values`]), under which a bare word is a host only where its place says
/// so ([`argument_names_a_host`]: `--db-host db`, `nc db 5432`), as the address rule
/// reads arguments.
pub struct Readdress<'a> {
    /// The Service's name, as addresses name it before the edit.
    pub service: &'a str,
    /// Its name after the edit (the same when only a port changed).
    pub renamed: &'a str,
    /// The ports callers dial that changed, (before, after).
    pub ports: &'a [(u16, u16)],
    /// When its pods have names of their own in DNS (a headless Service in front of a
    /// StatefulSet, `<statefulset>-0.<service>`): the StatefulSet's name before the edit
    /// and after it (the Service's own name, unless an import kept another).
    pub pods: Option<(&'a str, &'a str)>,
    /// The namespaces an address may name ([`crate::model::Design::namespaces`]).
    pub namespaces: &'a [String],
    /// When its environment moves to another namespace: that one, which the addresses
    /// that name it in one of `namespaces` (the one it leaves) name instead; a bare
    /// name stays as it is.
    pub moved_to: Option<&'a str>,
}

impl Readdress<'_> {
    /// `value` of variable `var` with every address of the Service changed: its host
    /// renamed, a port written as one that changed written as its new number, a URL
    /// that leaves out its scheme's port (`http://api` on 80) given the new one.
    /// `None` when nothing changed.
    pub fn apply(&self, var: &str, value: &str) -> Option<String> {
        if self.service.is_empty()
            || self.renamed.is_empty()
            || names_an_image(var)
            || !value.to_ascii_lowercase().contains(self.service)
        {
            return None;
        }
        if let Some(c) = connection::parse(value) {
            return self.apply_connection(value, &c);
        }
        let trimmed = value.trim();
        let words = words(trimmed);
        let bare = words.len() == 1
            && ((names_a_host(var) && !var.starts_with('-')) || argument_names_a_host(var));
        let in_host = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_';
        // (start, end, text) in `value`, in order.
        let mut edits: Vec<(usize, usize, String)> = Vec::new();
        for (w, host, port, form) in read_words(&words) {
            let Host::Name(host) = host else {
                continue;
            };
            if form == Form::Bare && !bare {
                continue;
            }
            let Some(new_host) = self.host(&host) else {
                continue;
            };
            // Where the host starts in its word (written in any case; the parser
            // lowercases): in a URL after its userinfo, which may hold the same word;
            // else after a `key=`, which may too.
            let lower = w.to_ascii_lowercase();
            let from = match lower.find("://") {
                Some(i) => {
                    let authority = &lower[i + 3..];
                    let end = authority.find(['/', '?', '#']).unwrap_or(authority.len());
                    i + 3 + authority[..end].rfind('@').map_or(0, |a| a + 1)
                }
                None => match lower.split_once('=') {
                    Some((key, _)) if is_key(key) => key.len() + 1,
                    _ => 0,
                },
            };
            // A host ends where no host character follows, or at a dot that ends it
            // (an absolute `db.shop.svc.cluster.local.`).
            let ends = |rest: &str| {
                let rest = rest.strip_prefix('.').unwrap_or(rest);
                !rest.starts_with(in_host)
            };
            let at = lower[from..]
                .match_indices(host.as_str())
                .map(|(i, _)| from + i)
                .find(|&i| !lower[..i].ends_with(in_host) && ends(&lower[i + host.len()..]));
            let Some(at) = at else { continue };
            // `w` is a slice of `value`: its place there.
            let start = w.as_ptr() as usize - value.as_ptr() as usize + at;
            let end = start + host.len();
            if new_host != host {
                edits.push((start, end, new_host));
            }
            let Some(to) = self.port_moved(port) else {
                continue;
            };
            // (Read in `value`: a word's trailing `:` is not part of it.)
            let after_host = end + usize::from(value[end..].starts_with('.'));
            let after = &value[after_host..];
            let digits = (after.strip_prefix(':'))
                .map_or(0, |p| p.bytes().take_while(u8::is_ascii_digit).count());
            if digits > 0 {
                edits.push((after_host + 1, after_host + 1 + digits, to.to_string()));
            } else if form == Form::Url {
                // The scheme's port, left out (or `host:` with none): written now.
                let colon = usize::from(after.starts_with(':'));
                edits.push((after_host, after_host + colon, format!(":{to}")));
            }
        }
        written(value, edits)
    }

    /// [`Readdress::apply`] for a connection string: each host of the Service renamed;
    /// a port that changed written where the host's port is, unless other hosts dial it
    /// too; for a string of one host and no port (its driver's default), the one port
    /// that changed written after the host, as the string writes its pairs.
    fn apply_connection(&self, value: &str, c: &connection::Connection) -> Option<String> {
        let mut edits = Vec::new();
        for (i, h) in c.hosts.iter().enumerate() {
            let written = &value[h.host.clone()];
            let Some(new_host) = self.host(&written.to_ascii_lowercase()) else {
                continue;
            };
            if new_host != written.to_ascii_lowercase() {
                edits.push((h.host.start, h.host.end, new_host));
            }
            match c.port_of(i) {
                Some(p) if !p.shared => {
                    if let Some(to) = self.port_moved(Some(p.port)) {
                        edits.push((p.at.start, p.at.end, to.to_string()));
                    }
                }
                Some(_) => {}
                None => match self.ports {
                    // SqlClient writes the port after the host (and its `\instance`),
                    // and refuses a `Port` keyword.
                    [(_, to)] if c.hosts.len() == 1 && c.sql_server => {
                        let rest = &value[h.host.end..];
                        let item = rest
                            .find(|ch: char| {
                                matches!(ch, ';' | '"' | '\'' | ',') || ch.is_whitespace()
                            })
                            .unwrap_or(rest.len());
                        let at = h.host.end + item;
                        edits.push((at, at, format!(",{to}")));
                    }
                    [(_, to)] if c.hosts.len() == 1 && c.ports.is_empty() => {
                        let port = match c.semicolons {
                            true => format!(";Port={to}"),
                            false => format!(" port={to}"),
                        };
                        edits.push((c.host_end, c.host_end, port));
                    }
                    _ => {}
                },
            }
        }
        written(value, edits)
    }

    /// The port a caller dialing `port` dials after the edit, if that one changed.
    fn port_moved(&self, port: Option<u16>) -> Option<u16> {
        (self.ports.iter())
            .find(|(before, _)| Some(*before) == port)
            .map(|(_, after)| *after)
    }

    /// The values of one list of variables as one environment reads them (a
    /// container's, or a ConfigMap's data) changed in place as [`Readdress::apply`]
    /// changes each, and a port that changed written alone in `X_PORT` beside an
    /// `X_HOST` that names the Service alone (`DB_HOST=db`, `DB_PORT=5432`), as the
    /// address rule reads such a pair ([`port_variable`]).
    pub fn apply_all(&self, values: &mut [(&str, &mut String)]) {
        if !self.ports.is_empty() {
            let ports: Vec<String> = (values.iter())
                .filter(|(_, value)| {
                    let alone = match addresses(value).as_slice() {
                        [a] => a.form == Form::Bare && !matches!(a.host, Host::Ip(_)),
                        _ => false,
                    };
                    alone && self.host(&value.trim().to_ascii_lowercase()).is_some()
                })
                .filter_map(|(var, _)| port_variable(var))
                .collect();
            for (var, value) in values.iter_mut() {
                if !ports.iter().any(|p| p == var) {
                    continue;
                }
                let written = value.trim().parse::<u16>().ok();
                if let Some((_, to)) = self.ports.iter().find(|(b, _)| Some(*b) == written) {
                    **value = to.to_string();
                }
            }
        }
        for (var, value) in values.iter_mut() {
            if let Some(changed) = self.apply(var, value) {
                **value = changed;
            }
        }
    }

    /// `host` as it names the Service after the edit, if it names it.
    fn host(&self, host: &str) -> Option<String> {
        let (old, new) = (self.service, self.renamed);
        let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
        let pod = self.pods.and_then(|(was, now)| {
            let n = labels[0].strip_prefix(was)?.strip_prefix('-')?;
            (!n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())).then_some((now, n))
        });
        let (first, rest) = match (labels[0] == old, pod, labels.get(1)) {
            (true, _, _) => (new.to_string(), &labels[1..]),
            (false, Some((pods, n)), Some(&service)) if service == old => {
                (format!("{pods}-{n}.{new}"), &labels[2..])
            }
            _ => return None,
        };
        let ours = match rest {
            [] => true,
            [ns] | [ns, "svc"] | [ns, "svc", "cluster", "local"] => {
                self.namespaces.iter().any(|n| n == ns)
            }
            _ => false,
        };
        let moved = self.moved_to.filter(|_| !rest.is_empty());
        ours.then(|| {
            std::iter::once(first.as_str())
                .chain(moved)
                .chain(rest.iter().skip(usize::from(moved.is_some())).copied())
                .collect::<Vec<_>>()
                .join(".")
        })
    }
}

/// `value` with `edits` made, each `(start, end, text)`; `None` when there are none.
fn written(value: &str, mut edits: Vec<(usize, usize, String)>) -> Option<String> {
    if edits.is_empty() {
        return None;
    }
    // A connection string's `port=` may come before its host.
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(value.len() + 8);
    let mut last = 0;
    for (start, end, text) in edits {
        out.push_str(&value[last..start]);
        out.push_str(&text);
        last = end;
    }
    out.push_str(&value[last..]);
    Some(out)
}

/// Every address in `value`: a connection string's hosts, else each word's.
pub fn addresses(value: &str) -> Vec<Address> {
    if let Some(c) = connection::parse(value) {
        return (c.hosts.iter().enumerate())
            .filter_map(|(i, h)| {
                let (host, _) = host_port(&value[h.host.clone()])?;
                Some(Address {
                    text: value[h.pair.clone()].to_string(),
                    host,
                    port: c.port_of(i).map(|p| p.port),
                    form: Form::Keyword,
                    whole: false,
                })
            })
            .collect();
    }
    let words = words(value.trim());
    let whole = words.len() == 1;
    read_words(&words)
        .into_iter()
        .map(|(w, host, port, form)| Address {
            text: w.to_string(),
            host,
            port,
            form,
            whole,
        })
        .collect()
}

/// The addresses in a value's words, each with its word.
fn read_words<'v>(words: &[&'v str]) -> Vec<(&'v str, Host, Option<u16>, Form)> {
    (words.iter())
        .filter_map(|w| word(w).map(|(host, port, form)| (*w, host, port, form)))
        .collect()
}

/// `value` cut at whitespace, quotes, commas, semicolons and grouping brackets; square
/// brackets stay (IPv6 literals), and so does a reference to another variable,
/// `$(DB_PASSWORD)` (Kubernetes expands it in a container's values and arguments:
/// `postgres://shop:$(DB_PASSWORD)@db:5432/shop` is one address).
fn words(value: &str) -> Vec<&str> {
    // The brackets of `$(NAME)` references, which do not cut.
    let mut kept = Vec::new();
    for (i, _) in value.match_indices("$(") {
        let name = &value[i + 2..];
        let len = name.find(')').unwrap_or(0);
        if len > 0 && is_variable(&name[..len]) {
            kept.extend([i + 1, i + 2 + len]);
        }
    }
    let mut at = 0;
    value
        .split(|c: char| {
            let here = at;
            at += c.len_utf8();
            !kept.contains(&here)
                && (c.is_whitespace()
                    || matches!(
                        c,
                        '"' | '\'' | '`' | ',' | ';' | '(' | ')' | '{' | '}' | '<' | '>' | '|'
                    ))
        })
        .map(|w| w.trim_end_matches(['.', ':']))
        .filter(|w| !w.is_empty())
        .collect()
}

/// The address one word holds, if any.
fn word(w: &str) -> Option<(Host, Option<u16>, Form)> {
    if let Some(at) = w.find("://") {
        // The scheme is the run of scheme characters before `://` (`endpoint=http://..`).
        let head = &w[..at];
        // The character before the run may take several bytes (`¡http://x`).
        let start = head
            .char_indices()
            .rfind(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let scheme = head[start..].to_ascii_lowercase();
        if scheme.is_empty() || !scheme.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        return url(&scheme, &w[at + 3..]).map(|(h, p)| (h, p, Form::Url));
    }
    // A DSN's `host=db` or `addr=db:5432`: the part after the key.
    let w = match w.split_once('=') {
        Some((key, rest)) if is_key(key) => rest,
        Some(_) => return None,
        None => w,
    };
    // `host:port/path`: the path is not part of the address.
    let w = w.split('/').next().unwrap_or_default();
    if w.is_empty() {
        return None;
    }
    match host_port(w)? {
        (host, Some(port)) => Some((host, Some(port), Form::HostPort)),
        (host, None) if !w.contains(':') => Some((host, None, Form::Bare)),
        // A bare IPv6 address (`2001:db8::7`), whose colons are its own.
        (host @ Host::Ip(Some(IpAddr::V6(_))), None) => Some((host, None, Form::Bare)),
        _ => None,
    }
}

fn is_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// The host and port after `scheme://`.
fn url(scheme: &str, rest: &str) -> Option<(Host, Option<u16>)> {
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(end);
    // Userinfo may hold any character but `@` unescaped... and passwords often do: the
    // host starts after the last `@`.
    let host_port_text = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    if host_port_text.is_empty() {
        // gRPC's `dns:///host:port` names its target in the path.
        if scheme == "dns" {
            let target = path.trim_start_matches('/');
            return host_port(target).filter(|(_, p)| p.is_some());
        }
        return None;
    }
    let (host, port) = host_port(host_port_text)?;
    // `host:` with an empty port means the scheme's.
    Some((host, port.or_else(|| default_port(scheme))))
}

/// `host[:port]`, the host possibly `[v6]`. `None` when it is neither a DNS name nor an
/// IP address, or the port is not a number of 1 to 65535.
fn host_port(text: &str) -> Option<(Host, Option<u16>)> {
    let (host, port) = if let Some(v6) = text.strip_prefix('[') {
        let (inside, after) = v6.split_once(']')?;
        let ip = inside.parse::<Ipv6Addr>().ok()?;
        return Some((Host::Ip(Some(ip.into())), port_after(after)?));
    } else {
        match text.rsplit_once(':') {
            // A bare IPv6 address (`::1`, `fe80::1`) has several colons.
            Some((h, _)) if h.contains(':') => {
                let ip = text.parse::<Ipv6Addr>().ok()?;
                return Some((Host::Ip(Some(ip.into())), None));
            }
            Some((h, p)) => (h, port_after(&format!(":{p}"))?),
            None => (text, None),
        }
    };
    let host = host.trim_end_matches('.');
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Some((Host::Ip(Some(ip.into())), port));
    }
    let lower = host.to_ascii_lowercase();
    if lower == "localhost" || lower.ends_with(".localhost") {
        return Some((Host::Ip(None), port));
    }
    is_dns_name(&lower).then_some((Host::Name(lower), port))
}

/// `""` (no port) or `:digits` in range; `None` if malformed.
fn port_after(after: &str) -> Option<Option<u16>> {
    match after.strip_prefix(':') {
        None if after.is_empty() => Some(None),
        None => None,
        Some("") => Some(None),
        Some(p) if p.chars().all(|c| c.is_ascii_digit()) => {
            p.parse::<u16>().ok().filter(|n| *n > 0).map(Some)
        }
        Some(_) => None,
    }
}

/// A DNS name of RFC 1123 labels (lowercase letters, digits, inner hyphens), not all
/// digits (a number is not a host).
fn is_dns_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && !name.chars().all(|c| c.is_ascii_digit() || c == '.')
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(value: &str) -> Option<(Host, Option<u16>, Form)> {
        let found = addresses(value);
        assert!(found.len() <= 1, "{value}: {found:?}");
        found.into_iter().next().map(|a| (a.host, a.port, a.form))
    }

    #[test]
    fn a_renamed_service_is_renamed_where_it_is_a_host_and_nowhere_else() {
        let ns = ["shop".to_string(), "prod".to_string()];
        let change = Readdress {
            service: "api",
            renamed: "orders-api",
            ports: &[],
            pods: Some(("api", "orders-api")),
            namespaces: &ns,
            moved_to: None,
        };
        let r = |var: &str, value: &str| change.apply(var, value);
        for (var, value, want) in [
            ("API_URL", "http://api:80/v1", "http://orders-api:80/v1"),
            ("A", "api:8080", "orders-api:8080"),
            (
                "A",
                "grpc://api.shop.svc.cluster.local:9090",
                "grpc://orders-api.shop.svc.cluster.local:9090",
            ),
            (
                "A",
                "http://api.prod.svc:80",
                "http://orders-api.prod.svc:80",
            ),
            ("A", "redis://:pw@api", "redis://:pw@orders-api"),
            ("API_HOST", "api", "orders-api"),
            ("A", "http://API:80", "http://orders-api:80"),
            (
                "A",
                "http://api:80,http://web:80,api:81",
                "http://orders-api:80,http://web:80,orders-api:81",
            ),
            // A StatefulSet's pods, by their own names.
            (
                "A",
                "mongodb://api-0.api:27017,api-1.api.shop.svc:27017/",
                "mongodb://orders-api-0.orders-api:27017,orders-api-1.orders-api.shop.svc:27017/",
            ),
        ] {
            assert_eq!(r(var, value).as_deref(), Some(want), "{var}={value}");
        }
        // Not that service's Service: another name, another namespace's or domain's
        // host, a path, a word, a bare value of a variable that names no host, an image,
        // a colon spec.
        for (var, value) in [
            ("A", "http://api-gateway:80"),
            ("A", "http://my-api:80"),
            ("A", "api.example.com:443"),
            ("A", "https://api.prod.example.com"),
            ("A", "http://api.other:80"),
            ("API_MODE", "api"),
            ("URL_PREFIX_X", "http://web/api"),
            ("SECURITY_PROVIDER", "api"),
            ("A", "public api docs"),
            ("A", "http://web:80/api"),
            ("API_IMAGE", "api:16"),
            ("TOPICS", "api:3:1"),
        ] {
            assert_eq!(r(var, value), None, "{var}={value}");
        }
        assert!(names_a_host("KAFKA_BROKERS") && names_a_host("db-host"));
        assert!(!names_a_host("SECURITY_PROVIDER") && !names_a_host("API_MODE"));
    }

    #[test]
    fn a_connection_strings_host_keyword_names_a_host_on_its_port() {
        // What is read as an address where a bare word is not (a word of a longer
        // value).
        let a = |v: &str| {
            (addresses(v).into_iter())
                .filter(|a| a.form != Form::Bare)
                .map(|a| (a.host, a.port, a.form))
                .collect::<Vec<_>>()
        };
        // libpq's keyword/value string, .NET's (Npgsql, MySQL Connector/NET), any case,
        // the port before or after the host.
        for v in [
            "host=db port=5432 dbname=app user=app sslmode=disable",
            "Host=db;Port=5432;Database=app;Username=app",
            "port=5432 host=db",
            "Server=DB;Port=5432;Uid=app",
        ] {
            assert_eq!(a(v), [(name("db"), Some(5432), Form::Keyword)], "{v}");
        }
        assert_eq!(
            a("host=10.2.0.7 port=5432"),
            [(
                Host::Ip(Some([10, 2, 0, 7].into())),
                Some(5432),
                Form::Keyword
            )]
        );
        // No port: the host alone. A list of hosts: each on the one port, or on its own
        // of a port per host; the last `port` given counts, as the drivers read it.
        assert_eq!(a("host=db dbname=app"), [(name("db"), None, Form::Keyword)]);
        assert_eq!(
            a("host=db,db-replica port=5432 dbname=app"),
            [
                (name("db"), Some(5432), Form::Keyword),
                (name("db-replica"), Some(5432), Form::Keyword)
            ]
        );
        assert_eq!(
            a("host=db port=5432 port=5433"),
            [(name("db"), Some(5433), Form::Keyword)]
        );
        // libpq dials `hostaddr` where both are given; a keyword given twice, the last.
        for v in [
            "host=a hostaddr=10.0.0.5 port=5432",
            "hostaddr=10.0.0.5 host=a port=5432",
        ] {
            assert_eq!(a(v).len(), 1, "{v}");
            assert_eq!(a(v)[0].1, Some(5432), "{v}");
            assert!(
                !a(v).contains(&(name("a"), Some(5432), Form::Keyword)),
                "{v}"
            );
        }
        assert_eq!(
            a("host=a hostaddr='' port=5432"),
            [(name("a"), Some(5432), Form::Keyword)]
        );
        assert_eq!(
            a("host=a port=5432 dbname=app host=b"),
            [(name("b"), Some(5432), Form::Keyword)]
        );
        assert_eq!(
            a("Server=a;Host=b;Port=5432"),
            [(name("b"), Some(5432), Form::Keyword)]
        );
        // A port written with the host is its own; other keys are no hosts.
        assert_eq!(
            a("Host=db:6543;Port=5432;Database=app"),
            [(name("db"), Some(6543), Form::Keyword)]
        );
        // Spaces around `=`, quoted values, SqlClient's `tcp:` and port after a comma.
        assert_eq!(
            a("host = 'db' port = 5432 password = 'a b'"),
            [(name("db"), Some(5432), Form::Keyword)]
        );
        assert_eq!(
            a("Server=tcp:DB.shop.svc,1433;Initial Catalog=app;User Id=sa"),
            [(name("db.shop.svc"), Some(1433), Form::Keyword)]
        );
        assert_eq!(a("dbname=app user=db port=5432"), []);
        assert_eq!(a("ghost=db port=5432"), []);
        // A host keyword with no other keyword of a connection string is something
        // else: a JDWP agent's options, a log filter.
        assert_eq!(
            a("-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005"),
            []
        );
        assert_eq!(a("info,server=debug"), []);
        assert_eq!(a("host=db"), []);
    }

    #[test]
    fn a_connection_string_follows_its_host_and_port() {
        let ns = ["shop".to_string()];
        let change = Readdress {
            service: "db",
            renamed: "postgres",
            ports: &[(5432, 6432)],
            pods: None,
            namespaces: &ns,
            moved_to: None,
        };
        let r = |value: &str| change.apply("DATABASE_DSN", value);
        assert_eq!(
            r("host=db port=5432 dbname=db").as_deref(),
            Some("host=postgres port=6432 dbname=db")
        );
        assert_eq!(
            r("Port=5432;Host=DB.shop.svc;Database=db").as_deref(),
            Some("Port=6432;Host=postgres.shop.svc;Database=db")
        );
        // Without a port it dialed its driver's default, the port that moved: written
        // now, as the string writes its keywords.
        assert_eq!(
            r("host=db dbname=app").as_deref(),
            Some("host=postgres port=6432 dbname=app")
        );
        assert_eq!(
            r("Host=db;Database=app").as_deref(),
            Some("Host=postgres;Port=6432;Database=app")
        );
        // Hosts in a list share their port: the port stays. Another port: the host
        // alone.
        assert_eq!(
            r("host=db,db-replica port=5432 dbname=app").as_deref(),
            Some("host=postgres,db-replica port=5432 dbname=app")
        );
        assert_eq!(
            r("host=db port=5433").as_deref(),
            Some("host=postgres port=5433")
        );
        // Spaces around `=`, quoted values, a port of the host's own (SqlClient's
        // `,1433`, Npgsql's `:5432`), one port per host of a list.
        for (value, want) in [
            (
                "host = 'db' port = 5432 password = 'a b'",
                "host = 'postgres' port = 6432 password = 'a b'",
            ),
            (
                "Server=tcp:db,5432;Initial Catalog=app;User Id=sa",
                "Server=tcp:postgres,6432;Initial Catalog=app;User Id=sa",
            ),
            (
                "Host=db:5432,other:5432;Database=app",
                "Host=postgres:6432,other:5432;Database=app",
            ),
            (
                "host=other,db port=5432,5432 dbname=app",
                "host=other,postgres port=5432,6432 dbname=app",
            ),
            (
                "Server = \"db\" ; Database = app",
                "Server = \"postgres\";Port=6432 ; Database = app",
            ),
        ] {
            assert_eq!(r(value).as_deref(), Some(want), "{value}");
        }
        // SqlClient's string takes the port after its host, never a `Port` keyword.
        assert_eq!(
            r("Server=db\\SQLEXPRESS;Initial Catalog=app;User Id=sa").as_deref(),
            Some("Server=postgres\\SQLEXPRESS,6432;Initial Catalog=app;User Id=sa")
        );
        // Lines of settings are no connection string: nothing is appended to them.
        assert_eq!(r("HOST=db\nDATABASE=app\n").as_deref(), None);
        // Another host, or a key that names none.
        assert_eq!(r("host=dbx port=5432"), None);
        assert_eq!(r("dbname=db port=5432"), None);
        // In a command line's word, under no flag.
        assert_eq!(
            change.apply("", "host=db port=5432").as_deref(),
            Some("host=postgres port=6432")
        );
    }

    #[test]
    fn a_port_callers_dial_that_changed_is_changed_where_they_write_it() {
        let ns = ["shop".to_string()];
        let change = Readdress {
            service: "api",
            renamed: "api",
            ports: &[(8080, 9090), (80, 8000)],
            pods: Some(("api", "api")),
            namespaces: &ns,
            moved_to: None,
        };
        let r = |var: &str, value: &str| change.apply(var, value);
        for (var, value, want) in [
            ("API_URL", "http://api:8080/v1", "http://api:9090/v1"),
            ("A", "api:8080", "api:9090"),
            (
                "A",
                "API.shop.svc.cluster.local:8080",
                "API.shop.svc.cluster.local:9090",
            ),
            // The scheme's port, left out, is written.
            ("A", "http://api/v1", "http://api:8000/v1"),
            ("A", "http://api:/v1", "http://api:8000/v1"),
            // The host after the userinfo, which may hold the same word.
            (
                "A",
                "redis://api:8080@api:8080/0",
                "redis://api:8080@api:9090/0",
            ),
            (
                "A",
                "--upstream=http://web:8080 http://api:8080",
                "--upstream=http://web:8080 http://api:9090",
            ),
            (
                "A",
                "api-0.api:8080,api-1.api:8080",
                "api-0.api:9090,api-1.api:9090",
            ),
            // A URL ending in the colon of no port; an absolute name; a key naming the
            // host by its own word.
            ("A", "http://api:", "http://api:8000"),
            (
                "A",
                "http://api.shop.svc.cluster.local.:8080/",
                "http://api.shop.svc.cluster.local.:9090/",
            ),
            (
                "UPSTREAMS",
                "api=api:8080,web=web:8080",
                "api=api:9090,web=web:8080",
            ),
            // A flag's value.
            ("--api", "api:8080", "api:9090"),
        ] {
            assert_eq!(r(var, value).as_deref(), Some(want), "{var}={value}");
        }
        for (var, value) in [
            // Another port, another host, a port of another scheme, a bare name.
            ("A", "http://api:8081"),
            ("A", "http://web:8080"),
            ("A", "https://api/v1"),
            ("API_HOST", "api"),
            ("API_IMAGE", "api:8080"),
            ("A", "http://api.example.com:8080"),
            // A listen address, an image given as a flag, a bare word under a flag.
            ("A", ":8080"),
            ("A", "0.0.0.0:8080"),
            ("--image", "api:8080"),
            ("--api-host", "api"),
        ] {
            assert_eq!(r(var, value), None, "{var}={value}");
        }
        // A ClusterIP Service's pods have no names of their own.
        let cluster_ip = Readdress {
            pods: None,
            ..change
        };
        assert_eq!(cluster_ip.apply("A", "api-0.api:8080"), None);
        assert_eq!(
            cluster_ip.apply("A", "api:8080").as_deref(),
            Some("api:9090")
        );
        // A renamed host keyed by its own name: the host is renamed, not the key.
        let renamed = Readdress {
            renamed: "orders",
            ports: &[],
            ..change
        };
        assert_eq!(
            renamed.apply("UPSTREAMS", "api=api:8080").as_deref(),
            Some("api=orders:8080")
        );
        // Its environment moved to another namespace: a name qualified by the one it
        // left follows, a bare name or another namespace's does not.
        let moved = Readdress {
            ports: &[],
            moved_to: Some("shop-dev"),
            ..change
        };
        for (value, want) in [
            (
                "http://api.shop.svc.cluster.local:8080/v1",
                Some("http://api.shop-dev.svc.cluster.local:8080/v1"),
            ),
            ("api-0.api.shop:8080", Some("api-0.api.shop-dev:8080")),
            ("api:8080", None),
            ("api.billing.svc:8080", None),
        ] {
            assert_eq!(moved.apply("API_URL", value).as_deref(), want, "{value}");
        }
        // A host alone in `X_HOST`: its `X_PORT` follows; another service's does not.
        let (mut host, mut port, mut other, mut other_port) = (
            "api".to_string(),
            " 8080".to_string(),
            "web".to_string(),
            "8080".to_string(),
        );
        let mut values = [
            ("API_HOST", &mut host),
            ("API_PORT", &mut port),
            ("WEB_HOST", &mut other),
            ("WEB_PORT", &mut other_port),
        ];
        change.apply_all(&mut values);
        assert_eq!((host, port), ("api".into(), "9090".into()));
        assert_eq!((other, other_port), ("web".into(), "8080".into()));
        // So is one beside `X_HOSTNAME` or `X_SERVER`.
        for var in ["API_HOSTNAME", "API_SERVER"] {
            let (mut host, mut port) = ("api".to_string(), "8080".to_string());
            change.apply_all(&mut [(var, &mut host), ("API_PORT", &mut port)]);
            assert_eq!(port, "9090", "{var}");
        }
        assert_eq!(port_variable("API_HOSTNAME").as_deref(), Some("API_PORT"));
        assert_eq!(port_variable("API_URL"), None);
    }

    fn name(n: &str) -> Host {
        Host::Name(n.into())
    }

    #[test]
    fn a_url_after_a_multibyte_character_does_not_panic() {
        assert_eq!(
            one("¡http://web:8080"),
            Some((name("web"), Some(8080), Form::Url))
        );
    }

    #[test]
    fn urls_give_their_host_and_their_port_or_their_schemes() {
        let otlp = "http://otel-collector.observability.svc.cluster.local:4317";
        assert_eq!(
            one(otlp),
            Some((
                name("otel-collector.observability.svc.cluster.local"),
                Some(4317),
                Form::Url
            ))
        );
        assert_eq!(
            one("https://api.stripe.com/v1"),
            Some((name("api.stripe.com"), Some(443), Form::Url))
        );
        assert_eq!(
            one("http://web/healthz?x=1#top"),
            Some((name("web"), Some(80), Form::Url))
        );
        assert_eq!(
            one("grpc://orders:50051"),
            Some((name("orders"), Some(50051), Form::Url))
        );
        assert_eq!(
            one("grpc://orders"),
            Some((name("orders"), None, Form::Url))
        );
        assert_eq!(
            one("postgresql://app@db/app"),
            Some((name("db"), Some(5432), Form::Url))
        );
        assert_eq!(
            one("dns:///orders.shop:50051"),
            Some((name("orders.shop"), Some(50051), Form::Url))
        );
        assert_eq!(
            one("HTTP://Web.Shop:8080"),
            Some((name("web.shop"), Some(8080), Form::Url))
        );
    }

    #[test]
    fn a_reference_to_another_variable_stays_in_its_address() {
        assert_eq!(
            one("postgres://shop:$(DB_PASSWORD)@shop-postgres:5432/shop"),
            Some((name("shop-postgres"), Some(5432), Form::Url))
        );
        assert_eq!(
            one("amqp://$(MQ_USER):$(MQ_PASS)@rabbitmq/vhost"),
            Some((name("rabbitmq"), Some(5672), Form::Url))
        );
        // The host itself a reference: no name to follow.
        assert!(addresses("$(DB_HOST):5432")
            .iter()
            .all(|a| !matches!(a.host, Host::Name(_))));
        // Only a variable's name is a reference Kubernetes expands: a command
        // substitution, or a `$(` never closed, cuts as before.
        let dialed = |value: &str| -> Vec<Host> {
            (addresses(value).into_iter())
                .filter(|a| a.port.is_some())
                .map(|a| a.host)
                .collect()
        };
        assert_eq!(dialed("$(wget -qO- db:8080/x)"), [name("db")]);
        assert_eq!(
            dialed("$(oops http://auth:8080/t and db:5432"),
            [name("auth"), name("db")]
        );
        let change = Readdress {
            service: "shop-postgres",
            renamed: "db",
            ports: &[],
            pods: None,
            namespaces: &[],
            moved_to: None,
        };
        assert_eq!(
            change
                .apply(
                    "DATABASE_URL",
                    "postgres://shop:$(DB_PASSWORD)@shop-postgres:5432/shop"
                )
                .as_deref(),
            Some("postgres://shop:$(DB_PASSWORD)@db:5432/shop")
        );
    }

    #[test]
    fn userinfo_never_becomes_the_host() {
        assert_eq!(
            one("redis://:password@cache:6379/0"),
            Some((name("cache"), Some(6379), Form::Url))
        );
        assert_eq!(
            one("redis://:p@ss:w0rd@cache"),
            Some((name("cache"), Some(6379), Form::Url))
        );
        assert_eq!(
            one("postgres://user:secret@db.shop.svc:5433/app"),
            Some((name("db.shop.svc"), Some(5433), Form::Url))
        );
        assert_eq!(one("redis://:password@"), None);
    }

    /// `key=value` for each value of a command line, in order.
    fn read_words(words: &[&str]) -> String {
        (command_values(words).into_iter())
            .map(|v| format!("{}={}", v.key, &words[v.word][v.at]))
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_script_is_read_as_a_command_line_of_its_own() {
        assert_eq!(
            read_words(&[
                "/bin/sh",
                "-c",
                "until pg_isready -h postgres -p 5432; do echo waiting; sleep 2; done"
            ]),
            "=/bin/sh =-c =until =pg_isready =-h -h=postgres =-p =5432 =do =echo =waiting \
             =sleep =2 =done"
        );
        // Each command of a script is run by its own program: `-h` of the second is help.
        assert_eq!(
            read_words(&[
                "sh",
                "-ec",
                "PGPASSWORD=x psql -h 'db' -c 'select 1' && app -h db"
            ]),
            "=sh =-ec =PGPASSWORD=x =psql =-h -h=db =-c =select 1 =app =-h =db"
        );
        // The host of `nc` stands before its port, whatever flags come first; the
        // first name `nslookup` is given.
        assert_eq!(
            read_words(&["sh", "-c", "until nc -z -w 2 cache 6379; do sleep 1; done"]),
            "=sh =-c =until =nc =-z =-w =2 nc=cache =6379 =do =sleep =1 =done"
        );
        assert_eq!(
            read_words(&[
                "sh",
                "-c",
                "nslookup kafka.data.svc.cluster.local 10.0.0.10\nexec app --db-host=\"db\""
            ]),
            "=sh =-c =nslookup nslookup=kafka.data.svc.cluster.local =10.0.0.10 =exec =app \
             --db-host=\"db\""
        );
        // `nc -l 8080` listens: no host. The words after a script are its own arguments.
        assert_eq!(
            read_words(&["bash", "-c", "nc -l 8080 | tee log", "pg_dump", "-h", "db"]),
            "=bash =-c =nc =-l =8080 =tee =log =pg_dump =-h =db"
        );
        assert_eq!(
            read_words(&["sh", "-c", "(nc -z db 5432 || exit 1)&& nc db 80"]),
            "=sh =-c =nc =-z nc=db =5432 =exit =1 =nc nc=db =80"
        );
        // Lines joined by `\`, a comment, a redirection, prefixes with their flags and
        // counts, an escaped quote.
        assert_eq!(
            read_words(&[
                "bash",
                "-ec",
                "# was legacy-db:5432\npg_dump \\\n  -h postgres 2>&1 -U app | gzip"
            ]),
            "=bash =-ec =pg_dump =-h -h=postgres =2>&1 =-U =app =gzip"
        );
        assert_eq!(
            read_words(&[
                "sh",
                "-c",
                "timeout 5 nc -z db 5432 && env -i PGPASSWORD=x psql -h db"
            ]),
            "=sh =-c =timeout =5 =nc =-z nc=db =5432 =env =-i =PGPASSWORD=x =psql =-h -h=db"
        );
        assert_eq!(
            read_words(&[
                "sh",
                "-c",
                "echo \"say \\\"hi\\\" -h x\"; redis-cli -h cache ping"
            ]),
            "=sh =-c =echo =say \\\"hi\\\" -h x =redis-cli =-h -h=cache =ping"
        );
        // A word with a space is a script only after a shell's `-c`: psql's `-c` takes
        // SQL, and its `-h` after it is still psql's. `nc` and `nslookup` as words of
        // their own.
        assert_eq!(
            read_words(&["psql", "-c", "SELECT 1", "-h", "db"]),
            "=psql =-c =SELECT 1 =-h -h=db"
        );
        assert_eq!(
            read_words(&["nc", "-z", "db", "5432"]),
            "=nc =-z nc=db =5432"
        );
        assert_eq!(read_words(&["nslookup", "db"]), "=nslookup nslookup=db");
    }

    #[test]
    fn a_command_line_is_read_word_by_word_under_its_flags() {
        let read = |line: &str| read_words(&line.split(' ').collect::<Vec<_>>());
        assert_eq!(
            read("/usr/bin/pg_dump -h db -U app --host=db2"),
            "=/usr/bin/pg_dump =-h -h=db =-U =app --host=db2"
        );
        // `-h` before a database client is named is help; a flag's next flag is no value.
        assert_eq!(
            read("app -h db --db-host --verbose"),
            "=app =-h =db =--db-host =--verbose"
        );
        assert_eq!(
            read("worker --redis_addr cache --server main --api=api:80"),
            "=worker =--redis_addr --redis_addr=cache =--server =main --api=api:80"
        );
        // A path or a value that names a client runs none.
        assert_eq!(
            read("restore -f /usr/bin/mysql -h db"),
            "=restore =-f =/usr/bin/mysql =-h =db"
        );
        assert_eq!(
            read("exec redis-cli -h cache"),
            "=exec =redis-cli =-h -h=cache"
        );
        for (flag, host) in [
            ("--host", true),
            ("--DB-HOSTNAME", true),
            ("--broker-address", true),
            ("--listen-address", false),
            ("--bind-addr", false),
            ("--advertise-address", false),
            ("--from-address", false),
            ("--hostname", false),
            ("--server", false),
            ("--hosts-file", false),
            ("-H", false),
            ("host", false),
        ] {
            assert_eq!(flag_names_a_host(flag), host, "{flag}");
        }
    }

    #[test]
    fn ip_addresses_and_localhost_are_never_names() {
        assert_eq!(
            one("0.0.0.0:8080"),
            Some((
                Host::Ip(Some([0, 0, 0, 0].into())),
                Some(8080),
                Form::HostPort
            ))
        );
        assert_eq!(
            one("http://127.0.0.1:9090"),
            Some((Host::Ip(Some([127, 0, 0, 1].into())), Some(9090), Form::Url))
        );
        assert_eq!(
            one("[::1]:5432"),
            Some((
                Host::Ip(Some(Ipv6Addr::LOCALHOST.into())),
                Some(5432),
                Form::HostPort
            ))
        );
        assert_eq!(
            one("http://[fe80::1%25eth0]:80"),
            None,
            "a zone id is not a v6 literal Rust reads; never a name either"
        );
        assert_eq!(
            one("http://[2001:db8::1]:8080/x"),
            Some((
                Host::Ip(Some("2001:db8::1".parse().unwrap())),
                Some(8080),
                Form::Url
            ))
        );
        assert!(!matches!(one("fe80::1"), Some((Host::Name(_), _, _))));
        // A bare IPv6 address is an address alone, as a bare IPv4 one is.
        assert_eq!(
            one("2001:db8::7"),
            Some((
                Host::Ip(Some("2001:db8::7".parse().unwrap())),
                None,
                Form::Bare
            ))
        );
        assert_eq!(one("a:b:c"), None, "not an address");
        assert_eq!(
            one("localhost:6379"),
            Some((Host::Ip(None), Some(6379), Form::HostPort))
        );
        assert_eq!(
            one("http://LOCALHOST"),
            Some((Host::Ip(None), Some(80), Form::Url))
        );
    }

    #[test]
    fn words_of_a_longer_value_are_read_one_by_one() {
        let found = addresses("host=db port=5432 dbname=app sslmode=disable");
        assert_eq!(found[0].host, name("db"));
        assert!(!found[0].whole);
        let found = addresses("brokers: kafka-0.kafka.data.svc:9092, kafka-1.kafka.data.svc:9092");
        let hosts: Vec<_> = found
            .iter()
            .filter(|a| a.port.is_some())
            .map(|a| a.host.clone())
            .collect();
        assert_eq!(
            hosts,
            [
                name("kafka-0.kafka.data.svc"),
                name("kafka-1.kafka.data.svc")
            ]
        );
        let yaml = "exporters:\n  otlp:\n    endpoint: \"jaeger.tracing.svc:4317\"\n";
        assert!(addresses(yaml)
            .iter()
            .any(|a| a.host == name("jaeger.tracing.svc") && a.port == Some(4317)));
    }

    #[test]
    fn what_is_not_an_address_gives_none() {
        for v in [
            "12:30",
            "${DB_HOST}:5432",
            "a:b:c",
            "info",
            "1.5",
            "true",
            "x:99999",
            "*:80",
            "C:\\data",
        ] {
            let found: Vec<_> = addresses(v)
                .into_iter()
                .filter(|a| {
                    matches!(a.host, Host::Name(_)) && (a.port.is_some() || a.form != Form::Bare)
                })
                .collect();
            assert!(found.is_empty(), "{v}: {found:?}");
        }
        assert_eq!(
            one("api.stripe.com:443"),
            Some((name("api.stripe.com"), Some(443), Form::HostPort))
        );
        assert!(addresses("inventory-service")
            .iter()
            .all(|a| a.whole && a.form == Form::Bare));
    }
}
