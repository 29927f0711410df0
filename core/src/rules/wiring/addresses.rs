//! KP320 and KP321: the addresses a service's configuration names. Every env value of
//! every container (literals, and ConfigMap keys read with configMapKeyRef), every key of
//! a ConfigMap read whole (envFrom) or mounted (a configMap volume), and every word of a
//! container's command and arguments (URLs, `host:port` and connection strings) is read for
//! addresses ([`crate::address`]); an in-cluster host is resolved to a design service in
//! the environment of its namespace, or to a Service kept whole from an import; then
//! default-deny on either side must have an edge that lets it through, which
//! [`crate::edges`] says where it leads.

use super::super::catalog::{
    ADDRESS_NOT_ALLOWED, ADDRESS_UNKNOWN_SERVICE, EXTERNAL_BLOCKED_BY_DEFAULT_DENY,
};
use super::super::context::{config_key, svc, Ctx};
use super::super::{Fix, Severity};
use crate::address::{
    addresses, argument_names_a_host, command_may_name_a_host, command_values, names_a_host,
    names_an_image, port_variable, Address, Form, Host, Readdress,
};
use crate::edges;
use crate::edit::{Edit, FieldPath};
use crate::model::*;
use crate::order::Collect;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

/// The design's services by the name callers dial ([`Service::service_name`]), in
/// design order, and the first service with a container of each name: built once per
/// environment, so that resolving an address costs no pass over every service.
struct Hosts<'d> {
    services: HashMap<&'d str, Vec<&'d Service>>,
    containers: HashMap<&'d str, &'d Service>,
}

/// One value some services read, with where it is written.
struct Value<'a> {
    key: String,
    /// The value.
    text: &'a str,
    at: FieldPath,
    /// Where the value is written as a string.
    written: &'a Written,
    /// The other values of the same list or ConfigMap, by key (for `X_HOST` + `X_PORT`).
    siblings: &'a BTreeMap<String, String>,
}

/// One value a service reads: its source, the name it is read by, the value, the field
/// a finding points at, and where the value is written as a string.
type Read = (Source, String, String, FieldPath, Written);

/// Where a value is written as a string, and what that string holds around it (a
/// word's `--flag=`, the rest of a script).
struct Written {
    at: FieldPath,
    before: String,
    after: String,
}

impl Written {
    /// The whole string at `at`.
    fn whole(at: FieldPath) -> Self {
        Written {
            at,
            before: String::new(),
            after: String::new(),
        }
    }
}

/// What a value is: a literal of one service's container, or a ConfigMap key (which
/// several services may read).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Literal(ServiceId, String),
    ConfigMapKey(String, String),
    /// A value in a word of a container's command or arguments (where in the word it
    /// starts: a script holds several), `--cache-server=tcp://cache:6379`: only a URL
    /// or `host:port` in it counts, since a bare word there is usually a program or a
    /// subcommand, unless its place says it is a host (`--db-host db`, `nc db 5432`).
    Argument(ServiceId, String, usize),
}

/// The values one service reads.
fn values_of(design: &Design, env: &Environment, s: &Service) -> Vec<Read> {
    let mut out = Vec::new();
    let config_map = |name: &str, only: Option<&str>, var: Option<&str>, out: &mut Vec<_>| {
        let Some(cm) = design.config_map(name) else {
            return;
        };
        for (k, v) in env.config_data(cm).iter() {
            if only.is_some_and(|o| o != k) {
                continue;
            }
            let at = config_key(env, &cm.name, k);
            let source = Source::ConfigMapKey(cm.name.clone(), k.clone());
            let written = Written::whole(at.clone());
            out.push((source, var.unwrap_or(k).to_string(), v.clone(), at, written));
        }
    };
    let containers = std::iter::once((String::new(), &s.config)).chain(
        s.containers
            .iter()
            .enumerate()
            .map(|(j, c)| (format!("/containers/{j}"), &c.config)),
    );
    let commands = std::iter::once((String::new(), &s.command, &s.args)).chain(
        s.containers
            .iter()
            .enumerate()
            .map(|(j, c)| (format!("/containers/{j}"), &c.command, &c.args)),
    );
    for (prefix, command, args) in commands {
        if !command_may_name_a_host(command.iter().chain(args).map(String::as_str)) {
            continue;
        }
        let all: Vec<&str> = command.iter().chain(args).map(String::as_str).collect();
        for read in command_values(&all) {
            let word = all[read.word];
            let value = &word[read.at.clone()];
            if !(value.contains(':') || value.contains('=') || argument_names_a_host(read.key)) {
                continue;
            }
            let (list, i) = match read.word.checked_sub(command.len()) {
                None => ("command", read.word),
                Some(i) => ("args", i),
            };
            let at = format!("{prefix}/{list}/{i}");
            let key = match read.key.is_empty() {
                true => format!("{list}[{i}]"),
                false => read.key.to_string(),
            };
            let source = Source::Argument(s.id, at.clone(), read.at.start);
            let written = Written {
                at: svc(s, &at),
                before: word[..read.at.start].to_string(),
                after: word[read.at.end..].to_string(),
            };
            out.push((source, key, value.to_string(), svc(s, &at), written));
        }
    }
    for (prefix, config) in containers {
        for (i, e) in config.env.iter().enumerate() {
            match &e.value {
                EnvValue::Literal(v) => {
                    let at = format!("{prefix}/config/env/{i}");
                    let source = Source::Literal(s.id, at.clone());
                    let written = Written::whole(svc(s, &format!("{at}/value/literal")));
                    out.push((source, e.name.clone(), v.clone(), svc(s, &at), written));
                }
                EnvValue::ConfigMapKey { name, key } => {
                    config_map(name, Some(key), Some(&e.name), &mut out);
                }
                EnvValue::SecretKey { .. } => {}
            }
        }
        for from in &config.env_from {
            if let EnvFrom::ConfigMap(name) = from {
                config_map(name, None, None, &mut out);
            }
        }
    }
    for v in &s.volumes {
        if let VolumeSource::ConfigMap { name } = &v.source {
            config_map(name, None, None, &mut out);
        }
    }
    out
}

/// The literal values of the container whose env list holds `at`, by name.
fn literals(s: &Service, at: &str) -> BTreeMap<String, String> {
    let config = match at
        .strip_prefix("/containers/")
        .and_then(|rest| rest.split('/').next()?.parse::<usize>().ok())
    {
        Some(j) => s.containers.get(j).map(|c| &c.config),
        None => Some(&s.config),
    };
    config
        .into_iter()
        .flat_map(|c| &c.env)
        .filter_map(|e| match &e.value {
            EnvValue::Literal(v) => Some((e.name.clone(), v.clone())),
            _ => None,
        })
        .to_map()
}

/// Every address check of the environment. A value is checked once for all the
/// services that read it: a ConfigMap several services read whole (one config for a
/// whole system) says what the system calls, not what each of them does, so its address
/// is allowed when an edge from any of them allows it.
pub(in crate::rules) fn environment(cx: &mut Ctx, deployed: &[Service]) {
    let design = cx.design;
    type Readers<'s> = (String, String, FieldPath, Written, Vec<&'s Service>);
    let mut hosts = Hosts {
        services: HashMap::with_capacity(design.services.len()),
        containers: HashMap::new(),
    };
    for s in &design.services {
        hosts.services.entry(s.service_name()).or_default().push(s);
        for c in &s.containers {
            hosts.containers.entry(c.name.as_str()).or_insert(s);
        }
    }
    let mut readers: BTreeMap<Source, Readers> = BTreeMap::new();
    let mut order: Vec<Source> = Vec::new();
    for s in deployed {
        for (source, var, value, at, written) in values_of(design, cx.env, s) {
            let entry = readers.entry(source.clone()).or_insert_with(|| {
                order.push(source.clone());
                (var, value, at, written, Vec::new())
            });
            // A service's values come one after another: when it read this one already,
            // it is the last reader.
            if entry.4.last().is_none_or(|r| r.id != s.id) {
                entry.4.push(s);
            }
        }
    }
    for source in order {
        let (var, value, at, written, who) = &readers[&source];
        let siblings = match &source {
            Source::Literal(_, at) | Source::Argument(_, at, _) => literals(who[0], at),
            Source::ConfigMapKey(cm, _) => design
                .config_map(cm)
                .map(|c| cx.env.config_data(c).into_owned())
                .unwrap_or_default(),
        };
        // `PG_IMAGE=postgres:16` is an image reference, not host `postgres` port 16.
        if names_an_image(var) {
            continue;
        }
        let v = Value {
            key: var.clone(),
            text: value,
            at: at.clone(),
            written,
            siblings: &siblings,
        };
        // A bare word of a command line is a host only under a flag that names one.
        let argument = matches!(source, Source::Argument(..)) && !argument_names_a_host(var);
        for a in addresses(value) {
            if !(argument && a.form == Form::Bare) {
                address(cx, &hosts, who, &v, &a);
            }
        }
    }
}

/// Where an in-cluster host leads.
enum Resolved<'d> {
    /// A design service, running in this environment.
    Service(&'d Service, &'d Environment),
    /// A Service kept whole from an import.
    Kept,
    /// In-cluster by its form, but nothing of the design answers: why, and the
    /// environment of its namespace if there is one.
    Unknown(String, Option<&'d Environment>),
    /// The Service of a design service that this environment does not run, by its
    /// bare name.
    LeftOut(&'d Service, &'d Environment),
}

/// Check one address of a value that `readers` read.
fn address(cx: &mut Ctx, hosts: &Hosts, readers: &[&Service], v: &Value, a: &Address) {
    let Host::Name(host) = &a.host else {
        outside(cx, readers, v, a);
        return;
    };
    let Some(resolved) = resolve(cx, hosts, host, a, v) else {
        outside(cx, readers, v, a);
        return;
    };
    let port = a.port.or_else(|| sibling_port(v));
    let (t, there) = match resolved {
        Resolved::Kept => return,
        Resolved::Unknown(why, there) => {
            unknown(cx, readers, v, a, why, there, false, None);
            return;
        }
        Resolved::LeftOut(t, env) => {
            let why = match t.exposure.service {
                ServiceKind::None => format!(
                    "`{}` does not run `{}`, the service it names (which has no Service either)",
                    env.name, t.name
                ),
                _ => format!(
                    "`{}` does not run `{}`, whose Service `{}` it names",
                    env.name,
                    t.name,
                    t.service_name()
                ),
            };
            unknown(
                cx,
                readers,
                v,
                a,
                why,
                Some(env),
                true,
                Some(Fix::deploy(t, env)),
            );
            return;
        }
        Resolved::Service(t, there) => (t, there),
    };
    if readers.iter().any(|r| r.id == t.id) && readers.len() == 1 {
        return;
    }
    let callers: Vec<&Service> = readers.iter().copied().filter(|r| r.id != t.id).collect();
    let s = callers[0];
    let t = effective(t, there);
    if t.exposure.service == ServiceKind::None {
        let why = format!(
            "`{}` runs in `{}` without a Service, so the name does not resolve",
            t.name, there.name
        );
        unknown(cx, readers, v, a, why, Some(there), true, None);
        return;
    }
    // The Service port the address names: the only one when no port is written. A
    // ClusterIP Service listens on its own ports (its virtual IP forwards them to the
    // target ports); a headless one has no virtual IP, its name resolves to the pods,
    // which listen on the container ports its ports target.
    let service_port = match port {
        Some(p) => {
            let found = t.exposure.ports.iter().find(|sp| t.dialed_port(sp) == p);
            let Some(found) = found else {
                let why = format!(
                    "Service `{}` in `{}` has no port {p}",
                    t.service_name(),
                    there.namespace
                );
                let fix = redial(cx.design, &t, v, p);
                unknown(cx, readers, v, a, why, Some(there), true, fix);
                return;
            };
            Some(found)
        }
        None => match t.exposure.ports.as_slice() {
            [only] => Some(only),
            _ => None,
        },
    };
    let env = cx.env;
    if !env.default_deny && !there.default_deny {
        return;
    }
    let leads_there = |e: &Edge| {
        edges::edge_target(cx.design, env, e)
            .environment(env)
            .is_some_and(|x| x.name == there.name)
    };
    let allowed = cx.design.edges.iter().any(|e| {
        callers.iter().any(|c| c.id == e.from)
            && e.to == t.id
            && leads_there(e)
            && service_port
                .is_none_or(|sp| t.service_port(&e.port).is_some_and(|p| p.port == sp.port))
    });
    if allowed {
        return;
    }
    // One environment on both sides is named once.
    let blocked_by: Vec<String> = if env.name == there.name && env.default_deny {
        vec![format!("`{}` (egress and ingress)", env.name)]
    } else {
        [(env, "egress"), (there, "ingress")]
            .iter()
            .filter(|(e, _)| e.default_deny)
            .map(|(e, side)| format!("`{}` ({side})", e.name))
            .collect()
    };
    let port_text = service_port.map_or_else(
        || "a port".to_string(),
        |sp| {
            if sp.name.is_empty() {
                format!("port {}", sp.port)
            } else {
                format!("port `{}` ({})", sp.name, sp.port)
            }
        },
    );
    let reachable = edges::target(cx.design, env, s.id, t.id)
        .environment(env)
        .is_some_and(|x| x.name == there.name);
    let from = match callers.as_slice() {
        [one] => one.name.clone(),
        many => format!(
            "any of {} (they all read it)",
            many.iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut message = format!(
        "`{}` = `{}` reaches `{}` in `{}` on {port_text}, but no edge from {from} -> {} allows it: default-deny in {} drops it",
        v.key,
        a.text,
        t.name,
        there.namespace,
        t.name,
        blocked_by.join(" and ")
    );
    if !reachable {
        message.push_str(&format!(
            "; an edge from `{}` leads only to its own namespace and to shared environments, so none can allow this",
            env.name
        ));
    }
    let fix = match service_port {
        // Which of several readers calls is not said: no fix guesses it.
        Some(sp)
            if callers.len() == 1
                && reachable
                && (!sp.name.is_empty() || t.exposure.ports.len() == 1) =>
        {
            Some(Fix {
                label: format!(
                    "Add the edge {} -> {} ({})",
                    s.name,
                    t.name,
                    if sp.name.is_empty() {
                        sp.port.to_string()
                    } else {
                        sp.name.clone()
                    }
                ),
                edit: Edit::AddEdge(Edge {
                    from: s.id,
                    to: t.id,
                    port: sp.name.clone(),
                }),
            })
        }
        _ => None,
    };
    let who = (callers.len() == 1).then_some(s);
    cx.report(&ADDRESS_NOT_ALLOWED, who, v.at.clone(), message)
        .fix = fix;
}

/// KP324: a host outside the cluster that readers in a default-deny environment dial,
/// by name or by IP address, with no egress allowance on its port (on any port, when the
/// value does not say which) that holds it (an address is checked against each block; a
/// name could be anywhere). One reader gets the fix: egress on that port to anywhere
/// for a name, to the address alone for an address.
fn outside(cx: &mut Ctx, readers: &[&Service], v: &Value, a: &Address) {
    let (host, ip) = match &a.host {
        Host::Name(name) if public_host(cx.design, name) => (name.clone(), None),
        // An IPv4 address written as IPv6 (`::ffff:198.51.100.4`) leaves as IPv4.
        Host::Ip(Some(ip)) if !(ip.is_loopback() || ip.is_unspecified() || ip.is_multicast()) => {
            let ip = ip.to_canonical();
            (ip.to_string(), Some(ip))
        }
        _ => return,
    };
    let as_address = match (a.form, ip) {
        (Form::Bare, Some(_)) => a.whole && (names_a_host(&v.key) || argument_names_a_host(&v.key)),
        _ => surely_an_address(a, v),
    };
    if !cx.env.default_deny || !as_address {
        return;
    }
    // What only names the system's own public address (its origin, where a login
    // redirects to) is not dialed from inside.
    let key = v.key.to_ascii_uppercase();
    let about_itself = [
        "ORIGIN", "CORS", "ALLOWED", "REDIRECT", "CALLBACK", "PUBLIC", "SITE", "HOMEPAGE",
        "DOMAIN", "TRUSTED", "CSRF", "AUDIENCE",
    ];
    if about_itself.iter().any(|w| key.contains(w)) {
        return;
    }
    let design = cx.design;
    let routed = |h: &str| {
        let own = |s: &Service| {
            let route = s.exposure.ingress.as_ref().map(|r| r.host.as_str());
            let here = cx.env.overrides.get(&s.id);
            let gateway = s.exposure.gateway_route.as_ref();
            route == Some(h)
                || here.is_some_and(|o| o.ingress_host.as_deref() == Some(h))
                || gateway.is_some_and(|g| g.hostnames.iter().any(|n| n == h))
        };
        design.services.iter().any(own)
    };
    if routed(&host) {
        return;
    }
    // Through a proxy the pods reach only the proxy, whose own address is read as one.
    let proxied = readers.iter().any(|r| {
        (r.config.env.iter()).any(|e| {
            let name = e.name.to_ascii_uppercase();
            name == "HTTPS_PROXY" || name == "HTTP_PROXY" || name == "ALL_PROXY"
        })
    });
    if proxied && !key.ends_with("_PROXY") {
        return;
    }
    let port = a.port.or_else(|| sibling_port(v));
    // An address must be in the block; a name may be anywhere, so only a block of
    // anywhere holds it, or the allowance made for it (its note names it).
    let holds = |e: &ExternalEgress| match ip {
        Some(ip) => {
            crate::input::cidr_holds(&e.cidr, ip)
                && !e.except.iter().any(|x| crate::input::cidr_holds(x, ip))
        }
        None => matches!(e.cidr.as_str(), ANYWHERE | "::/0") || e.to.eq_ignore_ascii_case(&host),
    };
    let allows =
        |s: &&Service| (s.egress.iter()).any(|e| port.is_none_or(|p| e.port == p) && holds(e));
    if readers.iter().any(allows) {
        return;
    }
    let on = port.map_or_else(|| "on its port".to_string(), |p| format!("on port {p}"));
    let dials = match a.text == host {
        true => format!("`{}` names `{host}`, dialed {on}", v.key),
        false => format!("`{}` = `{}` dials `{host}` {on}", v.key, a.text),
    };
    // A private address may be a pod's or a Service's, which a policy does not see by
    // that address (it sees the pods behind a Service's).
    let private = match ip {
        Some(IpAddr::V4(a)) => {
            a.is_private() || (a.octets()[0] == 100 && (64..128).contains(&a.octets()[1]))
        }
        Some(IpAddr::V6(a)) => (a.segments()[0] & 0xfe00) == 0xfc00,
        None => false,
    };
    let mut message = format!(
        "{dials}, outside the cluster, but default-deny in `{}` lets no egress leave for it: the connection hangs until it times out",
        cx.env.name
    );
    if private {
        message.push_str(
            "; if it is a pod or a Service of the cluster instead, name it by its Service (a policy sees the pods behind a Service, not its address)",
        );
    }
    let block = match ip {
        Some(IpAddr::V4(_)) => format!("{host}/32"),
        Some(IpAddr::V6(_)) => format!("{host}/128"),
        None => ANYWHERE.to_string(),
    };
    let (who, fix) = match (readers, port) {
        ([one], Some(p)) => {
            let mut egress = one.egress.clone();
            egress.push(ExternalEgress {
                to: host.clone(),
                cidr: block.clone(),
                port: p,
                ..ExternalEgress::default()
            });
            let fix = Fix {
                label: format!(
                    "Let `{}` reach {host} on port {p} (egress to {block})",
                    one.name
                ),
                edit: Edit::Set {
                    path: FieldPath::service(one.id, "/egress"),
                    value: serde_json::to_value(&egress).expect("egress serializes"),
                },
            };
            (Some(*one), Some(fix))
        }
        ([one], None) => (Some(*one), None),
        _ => (None, None),
    };
    cx.report(
        &EXTERNAL_BLOCKED_BY_DEFAULT_DENY,
        who,
        v.at.clone(),
        message,
    )
    .fix = fix;
}

/// Whether `host` is a name on the internet rather than in the cluster: not a Service's
/// or pod's name in a namespace, and its last label is a top-level domain: a
/// generic one, or a country's (two letters) under at least two more labels. A name of
/// two labels counts only under the plainly public domains (`sentry.io`), since
/// `postgres.dev` is rather Service `postgres` of namespace `dev`.
fn public_host(design: &Design, host: &str) -> bool {
    const PLAIN: &[&str] = &[
        "com", "net", "org", "io", "edu", "gov", "info", "biz", "xyz", "ai", "co",
    ];
    const GENERIC: &[&str] = &["dev", "app", "cloud", "tech", "site", "online", "me", "sh"];
    let labels: Vec<&str> = host.split('.').collect();
    let last = labels[labels.len() - 1];
    // `svc.ns` and `pod.svc.ns` resolve in the cluster (its search path adds
    // `.svc.cluster.local`), as does a StatefulSet pod's `kafka-0.kafka.<ns>` wherever
    // its namespace is.
    let in_namespace = matches!(labels.len(), 2 | 3) && design.namespaces().contains(last);
    let stateful_pod = labels.len() == 3
        && (labels[0].strip_prefix(labels[1]))
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if labels.len() < 2 || in_namespace || stateful_pod {
        return false;
    }
    let country = last.len() == 2 && last.bytes().all(|b| b.is_ascii_lowercase());
    PLAIN.contains(&last) || (labels.len() >= 3 && (GENERIC.contains(&last) || country))
}

/// KP321, at warning when default-deny stands in the way (here, or in the namespace's
/// environment) or the address names a service of the design (`ours`: one without a
/// Service, or without that port, which nothing else can deploy in its place), else at
/// info.
#[allow(clippy::too_many_arguments)]
fn unknown(
    cx: &mut Ctx,
    readers: &[&Service],
    v: &Value,
    a: &Address,
    why: String,
    there: Option<&Environment>,
    ours: bool,
    fix: Option<Fix>,
) {
    let blocked = ours || cx.env.default_deny || there.is_some_and(|e| e.default_deny);
    let message = match ours {
        // The service is known: what it lacks is said.
        true => format!("`{}` = `{}`: {why}", v.key, a.text),
        false => format!("`{}` = `{}` names no known service: {why}", v.key, a.text),
    };
    let who = match readers {
        [one] => Some(*one),
        _ => None,
    };
    let f = cx.report(&ADDRESS_UNKNOWN_SERVICE, who, v.at.clone(), message);
    if !blocked && f.severity == Severity::Warning {
        f.severity = Severity::Info;
    }
    f.fix = fix;
}

/// The fix of an address that dials port `p` of service `t` (as it runs there), whose
/// Service has one port, not `p`: the value with the address dialing that one (as an
/// edit that numbers the port otherwise moves it, [`Readdress`]; a URL that leaves out
/// its scheme's port gets the port written). None when the port is another field's
/// (an `X_PORT` beside an `X_HOST`).
fn redial(design: &Design, t: &Service, v: &Value, p: u16) -> Option<Fix> {
    let [only] = t.exposure.ports.as_slice() else {
        return None;
    };
    let to = t.dialed_port(only);
    let namespaces = design.environment_namespaces();
    let change = Readdress {
        service: t.service_name(),
        renamed: t.service_name(),
        ports: &[(p, to)],
        pods: (t.exposure.service == ServiceKind::Headless)
            .then_some((t.name.as_str(), t.name.as_str())),
        namespaces: &namespaces,
        moved_to: None,
    };
    let new = change.apply(&v.key, v.text)?;
    // The rest of the string dials it alike where it does (a script's two `wget`s):
    // changed too, so that each fix of one string writes the same text.
    let Written { at, before, after } = v.written;
    let rest = |t: &str| change.apply("", t).unwrap_or_else(|| t.to_string());
    let (before, after) = (rest(before), rest(after));
    Some(Fix {
        label: match t.exposure.service == ServiceKind::Headless {
            true => format!(
                "Dial port {to}, where the pods of headless Service `{}` listen",
                t.service_name()
            ),
            false => format!(
                "Dial port {to}, the one port of Service `{}`",
                t.service_name()
            ),
        },
        edit: Edit::Set {
            path: at.clone(),
            value: format!("{before}{new}{after}").into(),
        },
    })
}

/// The port of `X_PORT` beside a `X_HOST` that holds a host alone.
fn sibling_port(v: &Value) -> Option<u16> {
    v.siblings
        .get(&port_variable(&v.key)?)?
        .trim()
        .parse()
        .ok()
        .filter(|p| *p > 0)
}

/// Where `host` leads, for a host that looks in-cluster or names a service; `None` for
/// anything else (an external name, a word that is not a host).
fn resolve<'d>(
    cx: &Ctx<'d>,
    hosts: &Hosts<'d>,
    host: &str,
    a: &Address,
    v: &Value,
) -> Option<Resolved<'d>> {
    let design = cx.design;
    let labels: Vec<&str> = host.split('.').collect();
    // `[pod.]name.ns.svc[.cluster.local]`.
    let svc_at = labels.iter().position(|l| *l == "svc");
    let (name, ns) = match svc_at {
        Some(i) if i >= 2 && matches!(&labels[i + 1..], [] | ["cluster", "local"]) => {
            (labels[i - 2], Some(labels[i - 1]))
        }
        _ => match labels.as_slice() {
            [name, ns] if design.namespaces().contains(ns) => (*name, Some(*ns)),
            [name] => (*name, None),
            _ => return None,
        },
    };
    // The service whose Service is `name` in environment `e`.
    let named = |e: &Environment| {
        (hosts.services.get(name).into_iter().flatten())
            .copied()
            .find(|t| e.deploys(t.id))
    };
    let Some(ns) = ns else {
        // A bare name resolves in the caller's own namespace. It counts only written as
        // an address (with a port or in a URL), or as the whole value of a host variable.
        let as_address = a.form != Form::Bare
            || (a.whole && (names_a_host(&v.key) || argument_names_a_host(&v.key)));
        if !as_address {
            return None;
        }
        let env = cx.env;
        if let Some(t) = named(env) {
            return Some(Resolved::Service(t, env));
        }
        if kept_service(design, name, None) {
            return Some(Resolved::Kept);
        }
        // A service of the design whose Service this is, which this environment does
        // not run: the name resolves to nothing here.
        if let Some(t) = hosts.services.get(name).and_then(|ts| ts.first()) {
            return Some(Resolved::LeftOut(t, env));
        }
        // Nothing of the design answers the name (a service deleted or renamed without
        // this value, or one deployed from elsewhere): said where the value is surely an
        // address.
        if !surely_an_address(a, v) {
            return None;
        }
        let why = match hosts.containers.get(name) {
            Some(s) => format!(
                "`{name}` is a container of `{}`'s pod, which no Service names: containers of one pod reach each other at localhost",
                s.name
            ),
            None if design.kept_anywhere().next().is_some() => format!(
                "no service of the design is named `{name}`, and no Service `{name}` was kept from an import"
            ),
            None => format!("no service of the design is named `{name}`"),
        };
        return Some(Resolved::Unknown(why, Some(env)));
    };
    // The environments of that namespace; only this one where it is one of them (two
    // clusters' environments may share a namespace: each reaches its own).
    let here = cx.env;
    let envs: Vec<&Environment> = match ns == here.namespace {
        true => vec![here],
        false => (design.environments.iter())
            .filter(|e| e.namespace == ns)
            .collect(),
    };
    for e in &envs {
        if let Some(t) = named(e) {
            return Some(Resolved::Service(t, e));
        }
    }
    if kept_service(design, name, Some(ns)) {
        return Some(Resolved::Kept);
    }
    let there = envs.first();
    let why = match there {
        // Another environment's namespace, from this one: said, as that is likely the
        // mistake (dev calling prod).
        Some(e) if e.namespace != here.namespace => format!(
            "it names namespace `{ns}`, environment `{}`'s, from `{}` (namespace `{}`); `{}` runs no service `{name}`",
            e.name, here.name, here.namespace, e.name
        ),
        Some(e) => format!("environment `{}` (namespace `{ns}`) runs no service `{name}`", e.name),
        None => format!("no environment of the design has namespace `{ns}`, and no Service `{name}` was kept from an import"),
    };
    Some(Resolved::Unknown(why, there.copied()))
}

/// Whether a bare name that nothing of the design answers is surely meant as a host:
/// in a URL or after a connection string's host keyword (`host=db port=5432`), in
/// `host:port` of a variable that names a host (not `QUEUES=default:10`),
/// or alone as the whole value of a host variable with a prefix (`CACHE_HOST=cache`,
/// not `HOSTNAME` or `SERVER_SSL=true`) or of a command-line flag that names a host to
/// dial (`--db-host db`, `pg_dump -h db`, `nc db 5432`: [`argument_names_a_host`]). A
/// file mounted from a
/// ConfigMap has names of its own (an nginx upstream) and is not read for them.
fn surely_an_address(a: &Address, v: &Value) -> bool {
    let file = v.text.contains('\n') || v.key.contains('.');
    let host_variable = |key: &str| {
        if argument_names_a_host(key) {
            return true;
        }
        let key = key.to_ascii_uppercase();
        [
            "_HOST",
            "_HOSTNAME",
            "_HOSTS",
            "_ADDR",
            "_ADDRESS",
            "_SERVER",
        ]
        .iter()
        .any(|end| {
            key.strip_suffix(end)
                .is_some_and(|prefix| !prefix.is_empty())
        })
    };
    let word = |host: &str| {
        matches!(
            host.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "none" | "null" | "http" | "https"
        )
    };
    !file
        && match a.form {
            Form::Url | Form::Keyword => true,
            Form::HostPort => names_a_host(&v.key),
            Form::Bare => match &a.host {
                Host::Name(host) => a.whole && host_variable(&v.key) && !word(host),
                _ => false,
            },
        }
}

/// Whether a Service `name` was kept whole from an import: in namespace `ns` (kept
/// objects of the design's own namespace move to every environment's), or anywhere in
/// the caller's own when `ns` is `None`.
fn kept_service(design: &Design, name: &str, ns: Option<&str>) -> bool {
    let service = |o: &&KeptObject| o.kind() == "Service" && o.name() == name;
    design.kept_anywhere().any(|o| service(&o))
        || design
            .pinned_objects
            .iter()
            .filter(service)
            .any(|o| ns.is_some_and(|ns| o.namespace() == Some(ns)))
}
