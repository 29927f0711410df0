//! Connection strings of `keyword=value` pairs, read as their drivers read them: which
//! hosts one names, on which ports, and where each is written (so a rename rewrites
//! them in place).
//!
//! Two grammars:
//! - libpq's (`host=db port=5432 dbname=app`): pairs apart by whitespace, spaces
//!   around `=` allowed, a value in single quotes (`password='a b'`) with `\'` and
//!   `\\` escaped;
//! - ADO.NET's (Npgsql's `Host=db;Port=5432;Database=app`, SqlClient's
//!   `Server=tcp:db,1433;Initial Catalog=app`, MySQL Connector/NET's): pairs apart by
//!   `;`, keywords of several words (`Data Source`, `User Id`), spaces around `=` and
//!   the value allowed, a value in double or single quotes with its quote doubled.
//!
//! A value is one when it is nothing but pairs, one of a host keyword
//! ([`HOST_KEYWORDS`]) and one of another keyword of a connection string
//! ([`CONNECTION_KEYWORDS`]): `server=y` alone is a JDWP agent's option, and
//! `info,server=debug` a log filter.

use std::ops::Range;

/// The keywords that name the host: libpq's `host` and `hostaddr`, and the ADO.NET
/// drivers' `Host`, `Server`, `Address`, `Addr`, `Data Source` and `Network Address`
/// (Npgsql, MySQL Connector/NET, SqlClient), in any case.
pub const HOST_KEYWORDS: [&str; 8] = [
    "host",
    "hostaddr",
    "server",
    "address",
    "addr",
    "data source",
    "datasource",
    "network address",
];

/// The other keywords of a connection string, one of which a value must have beside
/// its host: libpq's and the ADO.NET drivers'.
const CONNECTION_KEYWORDS: [&str; 16] = [
    "port",
    "dbname",
    "database",
    "initial catalog",
    "user",
    "username",
    "user id",
    "uid",
    "password",
    "pwd",
    "sslmode",
    "ssl mode",
    "passfile",
    "connect_timeout",
    "application_name",
    "integrated security",
];

/// A connection string's hosts and ports, as ranges of the value it was read from.
#[derive(Debug, PartialEq, Eq)]
pub struct Connection {
    /// Each host it names, in order.
    pub hosts: Vec<HostAt>,
    /// The ports of its last `port` keyword, each where it is written: one for every
    /// host, or one per host (libpq's `host=a,b port=5432,5433`).
    pub ports: Vec<(Range<usize>, Option<u16>)>,
    /// Where the pair that names the last host ends: a port for a string that has none
    /// is written after it.
    pub host_end: usize,
    /// Whether its pairs are apart by `;` (ADO.NET) rather than whitespace (libpq).
    pub semicolons: bool,
    /// Whether it is SqlClient's (SQL Server), which writes a port after its host
    /// (`Server=db,1433`) and refuses a `Port` keyword.
    pub sql_server: bool,
}

/// One host of a connection string.
#[derive(Debug, PartialEq, Eq)]
pub struct HostAt {
    /// Its pair, `Host=db`, as written.
    pub pair: Range<usize>,
    /// The host, `db` (without SqlClient's `tcp:` or `\instance`, or a port).
    pub host: Range<usize>,
    /// A port written with it: SqlClient's `db,1433`, or `db:5432` (Npgsql's lists).
    pub port: Option<(Range<usize>, u16)>,
    /// Written as only SqlClient writes a host: `tcp:db`, `db\instance`, `db,1433`.
    pub sql_server: bool,
}

/// Where a host's port is written, as [`Connection::port_of`] finds it.
#[derive(Debug, PartialEq, Eq)]
pub struct PortAt {
    /// Where its digits are.
    pub at: Range<usize>,
    /// The port.
    pub port: u16,
    /// Whether other hosts dial it too (one `port` for a list of hosts): a change of
    /// one host's port cannot be written there.
    pub shared: bool,
}

impl Connection {
    /// The port host `i` dials, where one is written: its own, else the `port`
    /// keyword's (the one port of every host, or the host's of one per host).
    pub fn port_of(&self, i: usize) -> Option<PortAt> {
        let host = self.hosts.get(i)?;
        if let Some((at, port)) = &host.port {
            return Some(PortAt {
                at: at.clone(),
                port: *port,
                shared: false,
            });
        }
        let (at, port) = match self.ports.as_slice() {
            [one] => one,
            many if many.len() == self.hosts.len() => &many[i],
            _ => return None,
        };
        // Shared with the other hosts that write no port of their own.
        let without = self.hosts.iter().filter(|h| h.port.is_none()).count();
        let shared = self.ports.len() == 1 && without > 1;
        Some(PortAt {
            at: at.clone(),
            port: (*port)?,
            shared,
        })
    }
}

/// One `keyword=value` pair: its keyword lowercased (inner spaces as one), and where
/// the pair and its value (inside any quotes) are written.
struct Pair {
    key: String,
    pair: Range<usize>,
    value: Range<usize>,
}

/// `value` read as a connection string, if it is one.
pub fn parse(value: &str) -> Option<Connection> {
    // Cheap to rule out: most values have no `=`.
    if !value.contains('=') {
        return None;
    }
    let semicolons = outside_quotes(value, ';');
    // A libpq string is one line: lines of `KEY=value` are a file of settings.
    let pairs = match semicolons {
        true => ado_pairs(value)?,
        false if value.trim().contains('\n') => return None,
        false => libpq_pairs(value)?,
    };
    let is = |p: &Pair, keys: &[&str]| keys.contains(&p.key.as_str());
    if !pairs.iter().any(|p| is(p, &CONNECTION_KEYWORDS)) {
        return None;
    }
    // The last host keyword given counts, as the drivers read a keyword given twice
    // (and the ADO.NET drivers' synonyms as one), except that libpq dials `hostaddr`
    // where both are given (an empty `hostaddr` is none), `host` then naming it only
    // for authentication.
    let dialed = |keys: &[&str]| pairs.iter().rev().find(|p| is(p, keys));
    let pair = match semicolons {
        false => (dialed(&["hostaddr"]))
            .filter(|p| {
                value[p.value.clone()]
                    .split(',')
                    .any(|a| !a.trim().is_empty())
            })
            .or_else(|| dialed(&["host"])),
        true => dialed(&HOST_KEYWORDS),
    }?;
    let hosts = host_list(value, pair);
    let host_end = pair.pair.end;
    if hosts.is_empty() {
        return None;
    }
    let ports = (pairs.iter().rev())
        .find(|p| p.key == "port")
        .map(|p| list(value, p.value.clone()))
        .unwrap_or_default()
        .into_iter()
        .map(|at| {
            let port = value[at.clone()].parse::<u16>().ok().filter(|p| *p > 0);
            (at, port)
        })
        .collect();
    const SQL_SERVER: [&str; 5] = [
        "data source",
        "initial catalog",
        "integrated security",
        "trustservercertificate",
        "multipleactiveresultsets",
    ];
    let sql_server = pairs.iter().any(|p| is(p, &SQL_SERVER)) || hosts.iter().any(|h| h.sql_server);
    Some(Connection {
        hosts,
        ports,
        host_end,
        semicolons,
        sql_server,
    })
}

/// Whether `c` occurs in `value` outside single and double quotes.
fn outside_quotes(value: &str, c: char) -> bool {
    let mut quote = None;
    for ch in value.chars() {
        match quote {
            Some(q) if ch == q => quote = None,
            Some(_) => {}
            None if ch == '\'' || ch == '"' => quote = Some(ch),
            None if ch == c => return true,
            None => {}
        }
    }
    false
}

/// libpq's pairs: `keyword = value` apart by whitespace. `None` when a word is no pair.
fn libpq_pairs(value: &str) -> Option<Vec<Pair>> {
    let b = value.as_bytes();
    let skip_space = |mut i: usize| {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        i
    };
    let mut pairs = Vec::new();
    let mut i = skip_space(0);
    while i < b.len() {
        let start = i;
        while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
            i += 1;
        }
        let key = &value[start..i];
        i = skip_space(i);
        if key.is_empty() || b.get(i) != Some(&b'=') {
            return None;
        }
        i = skip_space(i + 1);
        let at = if b.get(i) == Some(&b'\'') {
            let from = i + 1;
            i = from;
            while i < b.len() && b[i] != b'\'' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            if i >= b.len() {
                return None;
            }
            i += 1;
            from..i - 1
        } else {
            let from = i;
            while i < b.len() && !b[i].is_ascii_whitespace() {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = i.min(b.len());
            from..i
        };
        pairs.push(Pair {
            key: key.to_ascii_lowercase(),
            pair: start..i,
            value: at,
        });
        i = skip_space(i);
    }
    Some(pairs)
}

/// ADO.NET's pairs: `Keyword = value` apart by `;`. `None` when a part is no pair.
fn ado_pairs(value: &str) -> Option<Vec<Pair>> {
    let b = value.as_bytes();
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        // Nothing but spaces or a line break after the last `;`: the end.
        if value[i..].trim().is_empty() {
            break;
        }
        // The keyword: up to `=`, trimmed, its words joined by one space.
        let start = i + (value[i..].len() - value[i..].trim_start().len());
        let eq = start + value[start..].find(['=', ';'])?;
        if b[eq] != b'=' {
            // An empty part (`;;`, a trailing `;`) is none; another is no pair.
            if value[start..eq].trim().is_empty() {
                i = eq + 1;
                continue;
            }
            return None;
        }
        let key: Vec<&str> = value[start..eq].split_whitespace().collect();
        let valid = |w: &&str| w.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_');
        if key.is_empty() || !key.iter().all(valid) {
            return None;
        }
        let key = key.join(" ").to_ascii_lowercase();
        let mut j = eq + 1;
        while j < b.len() && b[j] == b' ' {
            j += 1;
        }
        let (at, end) = match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => {
                // Up to the quote that is not doubled.
                let from = j + 1;
                let mut k = from;
                loop {
                    match b.get(k) {
                        None => return None,
                        Some(&c) if c == q && b.get(k + 1) == Some(&q) => k += 2,
                        Some(&c) if c == q => break,
                        Some(_) => k += 1,
                    }
                }
                (from..k, k + 1)
            }
            _ => {
                let end = value[j..].find(';').map_or(b.len(), |e| j + e);
                (j..j + value[j..end].trim_end().len(), end)
            }
        };
        pairs.push(Pair {
            key,
            pair: start..end,
            value: at,
        });
        // After the value: spaces, then `;` or the end.
        i = end + (value[end..].len() - value[end..].trim_start().len());
        match b.get(i) {
            None => break,
            Some(b';') => i += 1,
            Some(_) => return None,
        }
    }
    Some(pairs)
}

/// The items of a comma-separated value, each trimmed.
fn list(value: &str, at: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = at.start;
    for part in value[at.clone()].split(',') {
        let lead = part.len() - part.trim_start().len();
        let start = from + lead;
        out.push(start..start + part.trim().len());
        from += part.len() + 1;
    }
    out
}

/// The hosts of a host keyword's value: a list (`db,replica`, `db:5432,replica:5433`),
/// or SqlClient's `[tcp:]host[\instance][,port]`.
fn host_list(value: &str, p: &Pair) -> Vec<HostAt> {
    let items = list(value, p.value.clone());
    // SqlClient's `db,1433`: two items, the second a port.
    if let [host, port] = items.as_slice() {
        if let Ok(n) = value[port.clone()].parse::<u16>() {
            return host_at(value, p, host.clone())
                .map(|mut h| {
                    h.port = (n > 0).then(|| (port.clone(), n));
                    h.sql_server = true;
                    h
                })
                .into_iter()
                .collect();
        }
    }
    (items.into_iter())
        .filter_map(|at| host_at(value, p, at))
        .collect()
}

/// One host item, `[tcp:]host[:port][\instance]` or `[v6][:port]`.
fn host_at(value: &str, p: &Pair, at: Range<usize>) -> Option<HostAt> {
    let text = &value[at.clone()];
    // SqlClient's protocol prefix.
    let lead = ["tcp:", "np:", "lpc:"]
        .iter()
        .find(|pre| {
            text.len() > pre.len()
                && text
                    .get(..pre.len())
                    .is_some_and(|t| t.eq_ignore_ascii_case(pre))
        })
        .map_or(0, |pre| pre.len());
    let start = at.start + lead;
    let whole = &value[start..at.end];
    // A named instance: the host is before `\`.
    let text = whole.split('\\').next().unwrap_or_default();
    let sql_server = lead > 0 || text.len() < whole.len();
    let (host, port) = match text.strip_prefix('[') {
        Some(v6) => {
            let close = v6.find(']')?;
            (1 + close + 1, v6[close + 1..].strip_prefix(':'))
        }
        None => match text.split_once(':') {
            // A bare IPv6 address has several colons: all host.
            Some((h, p)) if !p.contains(':') => (h.len(), Some(p)),
            _ => (text.len(), None),
        },
    };
    if host == 0 {
        return None;
    }
    let port = match port {
        Some(p) => {
            let n = p.parse::<u16>().ok().filter(|n| *n > 0)?;
            let from = start + host + 1;
            Some((from..from + p.len(), n))
        }
        None => None,
    };
    Some(HostAt {
        pair: p.pair.clone(),
        host: start..start + host,
        port,
        sql_server,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each host as written, with the port it dials where one is written, and whether
    /// other hosts share it.
    fn hosts(value: &str) -> Vec<(&str, Option<u16>)> {
        let Some(c) = parse(value) else {
            return Vec::new();
        };
        (0..c.hosts.len())
            .map(|i| {
                let h = &c.hosts[i];
                (&value[h.host.clone()], c.port_of(i).map(|p| p.port))
            })
            .collect()
    }

    #[test]
    fn libpq_strings_with_spaces_and_quotes() {
        for v in [
            "host=db port=5432 dbname=app",
            "host = db port = 5432 dbname = app",
            "host='db' port='5432' dbname='my app' password='a b'",
            "  dbname=app\thost=db  port=5432  ",
            r"host=db port=5432 password='a\'b c' user=app",
        ] {
            assert_eq!(hosts(v), [("db", Some(5432))], "{v}");
        }
        assert_eq!(
            hosts("host=db,replica port=5432,5433 dbname=app"),
            [("db", Some(5432)), ("replica", Some(5433))]
        );
        let c = parse("host=db,replica port=5432 dbname=app").unwrap();
        assert!(c.port_of(0).unwrap().shared && c.port_of(1).unwrap().shared);
        // The last `port` counts, as libpq reads a keyword given twice.
        assert_eq!(hosts("host=db port=5432 port=6432"), [("db", Some(6432))]);
        assert_eq!(hosts("host=db dbname=app"), [("db", None)]);
    }

    #[test]
    fn ado_net_strings_of_every_driver() {
        for v in [
            "Host=db;Port=5432;Database=app;Username=app",
            "Server = db ; Port = 5432 ; Uid = app ;",
            "Server=tcp:db,5432;Initial Catalog=app;User Id=sa;Password=\"a;b\"",
            "Data Source=db\\SQLEXPRESS,5432;Integrated Security=true",
            "Server='db';Port=5432;Password='x''y;z';Database=app",
            "Host=db:5432;Database=app",
        ] {
            assert_eq!(hosts(v), [("db", Some(5432))], "{v}");
        }
        assert_eq!(
            hosts("Host=db:5432,replica:5433;Database=app"),
            [("db", Some(5432)), ("replica", Some(5433))]
        );
        assert_eq!(
            hosts("Server=[fd00::7]:5432;Database=app"),
            [("[fd00::7]", Some(5432))]
        );
        assert_eq!(
            hosts("Network Address=db;Initial Catalog=app"),
            [("db", None)]
        );
        // A last `;` followed by spaces or a line break (a YAML block's) ends it.
        assert_eq!(
            hosts("Host=db;Port=5432;Database=app; "),
            [("db", Some(5432))]
        );
        assert_eq!(
            hosts("Host=db;Port=5432;Database=app;\n"),
            [("db", Some(5432))]
        );
        // A host with a port of its own leaves `Port` to the other alone.
        let c = parse("Host=db:5432,replica;Port=5433;Database=app").unwrap();
        assert_eq!(
            c.port_of(1).map(|p| (p.port, p.shared)),
            Some((5433, false))
        );
        // SqlClient's, told apart: it takes no `Port` keyword.
        for (v, sql) in [
            ("Server=tcp:db,1433;Database=app", true),
            ("Server=db;Initial Catalog=app;User Id=sa", true),
            ("Data Source=db\\SQLEXPRESS;Database=app", true),
            ("Host=db;Database=app", false),
        ] {
            assert_eq!(parse(v).unwrap().sql_server, sql, "{v}");
        }
    }

    #[test]
    fn text_of_any_script_never_panics_and_lines_are_no_libpq_string() {
        for v in [
            "host=ééé dbname=x",
            "Host=abcé;Database=x",
            "Host=té:5432;Database=x",
            "Server=tcp:é,1433;Database=x",
            "host='é' port=5432",
        ] {
            let _ = parse(v);
        }
        assert_eq!(parse("HOST=db\nDATABASE=app\nPORT=5432\n"), None);
        assert_eq!(parse("host = db\nuser = app\n"), None);
    }

    #[test]
    fn what_is_no_connection_string() {
        for v in [
            "host=db",
            "server=y",
            "-agentlib:jdwp=transport=dt_socket,server=y,suspend=n,address=*:5005",
            "info,server=debug",
            "dbname=app user=db port=5432",
            "ghost=db port=5432",
            "psql host=db port=5432",
            "host=db port=5432 password='unclosed",
            "Host=db;Database=app;junk",
            "Host=db;Database=\"unclosed",
            "postgres://db:5432/app",
        ] {
            assert_eq!(parse(v), None, "{v}");
        }
    }
}
