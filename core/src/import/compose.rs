//! Import of a docker-compose file, the way Kompose would but keeping what matters for
//! Kubernetes timing: healthchecks become probes, `stop_grace_period` the grace period,
//! `depends_on` dependency edges, `deploy.replicas` and `deploy.resources` replicas and
//! resources. Compose names become DNS-1035 service names (`icat_mariadb` ->
//! `icat-mariadb`).
//!
//! Before a service is read, YAML merge keys (`<<: *common`) are applied and `extends`
//! within the file is resolved (`extends.rs`), so a service reads the same keys compose
//! would run it with. Whatever is not imported as written (an `extends` into another
//! file, a profile, a value out of range, a port range cut short) is said in the
//! service's report, with the line it was written on.
//!
//! Variables are interpolated first, from the project's `.env` (given as the env file
//! named `.env`), as compose does (`interpolate.rs`). A service's `x-kubeprint`
//! extension, which Kubeprint's compose export writes ([`crate::export::compose`]),
//! gives back what compose has no field for: port names, the Service's ports, the port
//! each edge calls, the readiness probe's initial delay, and the pod a container belongs
//! to (such a compose service becomes a container of that pod, not a service).

mod extends;
mod interpolate;
mod ports;
mod shell;

use crate::export::compose::{ContainerOf, ExtensionConfig, ExtensionSecret, ServiceExtension};
use crate::import::{DocumentReport, Import, Outcome};
use crate::model::*;
use crate::order::{self, Collect};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Import a compose file. `env_files` gives the contents of the files it reads beside
/// it ([`file_names`]: `.env`, `env_file`s, files it mounts), by the names it gives
/// them (the CLI reads them next to the compose file; the page, those chosen with it).
pub fn import(text: &str, env_files: &BTreeMap<String, String>) -> Import {
    let mut design = Design {
        name: "compose".into(),
        ..Design::default()
    };
    let mut documents = Vec::new();
    let skipped = |reason: String, line: usize| DocumentReport {
        line,
        kind: "compose".into(),
        name: String::new(),
        outcome: Outcome::Skipped(reason),
        note: None,
        file: String::new(),
        unreadable: true,
    };
    if text.len() > crate::import::MAX_INPUT_BYTES {
        documents.push(skipped("the file is larger than 16 MiB".into(), 1));
        return Import {
            design,
            documents,
            renamed: Default::default(),
            compose: true,
        };
    }
    let root = match parse(text) {
        Ok(v) => v,
        Err((e, line)) => {
            documents.push(skipped(e, line));
            return Import {
                design,
                documents,
                renamed: Default::default(),
                compose: true,
            };
        }
    };
    let Some(mut services) = root.get("services").and_then(Value::as_object).cloned() else {
        documents.push(skipped(
            "not a compose file: it has no `services:` mapping".into(),
            1,
        ));
        return Import {
            design,
            documents,
            renamed: Default::default(),
            compose: true,
        };
    };
    if let Some(name) = root
        .get("name")
        .or_else(|| root.pointer("/x-kubeprint/design"))
        .and_then(Value::as_str)
    {
        design.name = dns_name(name);
    }
    let src = Source::new(text);
    // Compose refuses a top-level key it does not know (a typo of `services`, say); one it
    // knows that has nothing to become here is said too, never dropped in silence.
    if let Some(root) = root.as_object() {
        for key in root.keys().filter(|k| !k.starts_with("x-")) {
            let why = match key.as_str() {
                "services" | "version" | "name" | "volumes" => continue,
                "networks" => "not imported (Kubernetes gives every pod one network; NetworkPolicies, from the edges, say who may call whom)",
                // Read where a service mounts one (`secret_files`, `config_files`).
                "secrets" | "configs" => continue,
                "include" => "not imported (import the included files' services together)",
                _ => "not a key compose knows (a typo?): ignored; compose itself refuses the file",
            };
            let line = (src.lines.iter())
                .position(|l| l.split(':').next() == Some(key.as_str()))
                .map_or(1, |i| i + 1);
            documents.push(DocumentReport {
                line,
                kind: "compose".into(),
                name: key.clone(),
                outcome: Outcome::Skipped(format!("top-level `{key}`: {why}")),
                note: None,
                file: String::new(),
                unreadable: false,
            });
        }
    }
    // Compose interpolates before it reads anything else.
    let vars: BTreeMap<String, String> = env_files
        .get(".env")
        .map(|t| dotenv(t).into_iter().to_map())
        .unwrap_or_default();
    let mut unset: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut read_as_references: BTreeMap<String, Vec<String>> = BTreeMap::new();
    // What each service takes whole from `.env`, read before interpolation but with
    // what it `extends` (resolved below, after it).
    let mut extended = services.clone();
    extends::resolve(&mut extended);
    let taken_whole: BTreeMap<String, BTreeMap<String, String>> = (extended.iter())
        .map(|(name, spec)| (name.clone(), variables_taken_whole(spec)))
        .collect();
    for (name, spec) in services.iter_mut() {
        let mut missing = BTreeSet::new();
        read_as_references.insert(name.clone(), secret_references(spec));
        interpolate::apply(spec, &vars, &mut missing);
        if !missing.is_empty() {
            unset.insert(name.clone(), missing);
        }
    }
    // Notes per compose service name, said in its report.
    let mut notes = extends::resolve(&mut services);
    for (name, said) in read_as_references {
        notes.entry(name).or_default().extend(said);
    }
    for (name, missing) in unset {
        let list: Vec<String> = missing.iter().map(|v| format!("`{v}`")).collect();
        notes.entry(name).or_default().push(format!(
            "{} {} not set{}: kept as written (compose would use an empty string)",
            list.join(", "),
            if list.len() == 1 { "is" } else { "are" },
            if env_files.contains_key(".env") {
                " in .env"
            } else {
                " (no .env was read: choose it together with the compose file, or put it beside it for the command line)"
            }
        ));
    }
    let top = Top {
        secrets: root.get("secrets"),
        configs: root.get("configs"),
        volume_users: volume_users(&services),
    };
    let mut extensions: BTreeMap<String, ServiceExtension> = BTreeMap::new();
    for (name, spec) in &services {
        let Some(ext) = spec.get("x-kubeprint") else {
            continue;
        };
        match serde_json::from_value::<ServiceExtension>(ext.clone()) {
            Ok(ext) => {
                extensions.insert(name.clone(), ext);
            }
            Err(e) => notes.entry(name.clone()).or_default().push(format!(
                "x-kubeprint is not the one Kubeprint writes ({e}): ignored"
            )),
        }
    }
    // Containers of another service's pod, by their compose names.
    let containers: BTreeMap<String, ContainerOf> = extensions
        .iter()
        .filter_map(|(name, ext)| {
            let c = ext.container.clone()?;
            let pod_is_a_service = services.contains_key(&c.pod)
                && extensions.get(&c.pod).is_none_or(|p| p.container.is_none());
            pod_is_a_service.then(|| (name.clone(), c))
        })
        .to_map();
    let mut folded: Vec<(ContainerOf, Service, String)> = Vec::new();
    let mut ids: BTreeMap<String, ServiceId> = BTreeMap::new();
    let mut imported: Vec<(String, String)> = Vec::new();
    let awaited = awaited_to_complete(&services);
    let no_extension = ServiceExtension::default();
    // Services compose starts only when asked to (a debug UI, an e2e runner).
    let mut in_profiles = Vec::new();
    // In the file's order (the map is by name): the design lists its services as the
    // file does, and what follows from their order is the file's (which service keeps a
    // host port two would publish, when the design is exported to compose again).
    let mut in_file: Vec<(&String, &Value)> = services.iter().collect();
    order::sort_by_key(&mut in_file, |(name, _)| src.service_line(name));
    for &(compose_name, spec) in &in_file {
        let mut n = Notes {
            src: &src,
            service: compose_name,
            list: notes.remove(compose_name).unwrap_or_default(),
        };
        let ext = extensions.get(compose_name).unwrap_or(&no_extension);
        if let Some(c) = containers.get(compose_name) {
            let s = read_service(
                &dns_name(compose_name),
                spec,
                &top,
                ext,
                env_files,
                &mut design,
                &mut n,
            );
            folded.push((c.clone(), s, compose_name.clone()));
            notes.insert(compose_name.clone(), n.list);
            continue;
        }
        let mut name = dns_name(compose_name);
        if design.service_named(&name).is_some() {
            let taken = name.clone();
            let stem: String = taken.chars().take(58).collect();
            name = (2..)
                .map(|i| format!("{stem}-{i}"))
                .find(|c| design.service_named(c).is_none())
                .unwrap_or_default();
            n.note(format!(
                "named `{name}`: `{taken}` is already another service's name"
            ));
        }
        let mut s = read_service(&name, spec, &top, ext, env_files, &mut design, &mut n);
        one_off(&mut s, spec, awaited.contains(compose_name), &mut n);
        if let Some(kind) = ext.kind.filter(|k| !k.runs_to_completion()) {
            if !s.kind.runs_to_completion() {
                s.kind = kind;
            }
        }
        let list = n.list;
        let id = ServiceId(design.next_id);
        match design.apply(crate::Edit::AddService(Box::new(s))) {
            Ok(()) => {
                ids.insert(compose_name.clone(), id);
                imported.push((compose_name.clone(), name));
                if !string_list(spec.get("profiles")).is_empty() {
                    in_profiles.push(id);
                }
            }
            Err(e) => documents.push(DocumentReport {
                line: src.service_line(compose_name),
                kind: "service".into(),
                name,
                outcome: Outcome::Skipped(e.to_string()),
                note: None,
                file: String::new(),
                unreadable: false,
            }),
        }
        notes.insert(compose_name.clone(), list);
    }
    // The pods' other containers, in the order the extension gives.
    order::sort_by_key(&mut folded, |(c, _, _)| (c.pod.clone(), c.index));
    for (c, s, compose_name) in folded {
        let Some(pod) = ids.get(&c.pod).and_then(|id| design.service_mut(*id)) else {
            continue;
        };
        let pod_name = pod.name.clone();
        pod.containers.push(Container {
            name: c.name.clone(),
            role: c.role,
            image: s.image,
            tag: s.tag,
            digest: s.digest,
            command: s.command,
            args: s.args,
            ports: s.ports,
            probes: if c.role == ContainerRole::Init {
                Probes::default()
            } else {
                s.probes
            },
            resources: s.resources,
            security: ContainerSecurity::unset(),
            config: s.config,
            ..Container::default()
        });
        let mut note = vec![format!(
            "{} container `{}` of {pod_name}'s pod (x-kubeprint)",
            match c.role {
                ContainerRole::Init => "init",
                ContainerRole::Sidecar => "sidecar",
                ContainerRole::Regular => "regular",
            },
            c.name
        )];
        note.extend(notes.remove(&compose_name).unwrap_or_default());
        documents.push(DocumentReport {
            line: src.service_line(&compose_name),
            kind: "container".into(),
            name: c.name.clone(),
            // Part of the design: what compose says that it could not hold is a note,
            // not an object kept whole (nothing of it is replayed on export).
            outcome: Outcome::Imported,
            note: Some(note.join("; ")),
            file: String::new(),
            unreadable: false,
        });
    }
    // Edges the extension names, on the port it names.
    let mut called: BTreeSet<(String, String)> = BTreeSet::new();
    for (compose_name, ext) in &extensions {
        let Some(&from) = ids.get(compose_name) else {
            continue;
        };
        for (callee, port) in &ext.calls {
            let note = notes.entry(compose_name.clone()).or_default();
            let target = ids.get(callee).and_then(|id| design.service(*id));
            match target {
                Some(t) if t.exposure.ports.iter().any(|p| p.name == *port) => {
                    let to = t.id;
                    let _ = design.apply(crate::Edit::AddEdge(Edge {
                        from,
                        to,
                        port: port.clone(),
                    }));
                    called.insert((compose_name.clone(), callee.clone()));
                }
                Some(_) => note.push(format!(
                    "x-kubeprint calls `{callee}` on port `{port}`, which it does not serve"
                )),
                None => note.push(format!(
                    "x-kubeprint calls `{callee}`, which is not a service of this file: no edge"
                )),
            }
        }
    }
    // depends_on: an edge to the dependency's first port. A dependency without a port
    // gets no edge: an edge names a port, and one without would be an error Kubeprint
    // made itself. Compose's start order has no Kubernetes counterpart either way.
    for &(compose_name, spec) in &in_file {
        let Some(&from) = ids.get(compose_name) else {
            continue;
        };
        // The dependencies that became edges: compose started them first.
        let mut ordered = Vec::new();
        for dep in depends_on(spec) {
            if containers.contains_key(&dep)
                || called.contains(&(compose_name.clone(), dep.clone()))
            {
                // A container of the pod (its init step), or an edge already made.
                continue;
            }
            let note = notes.entry(compose_name.clone()).or_default();
            let Some(&to) = ids.get(&dep) else {
                note.push(format!(
                    "depends_on `{dep}`, which is not a service of this file: no edge"
                ));
                continue;
            };
            let target = design.service(to).expect("just added");
            if target.kind.runs_to_completion() && target.exposure.ports.is_empty() {
                note.push(format!(
                    "waits for `{dep}` to complete: Kubernetes starts a Job and a workload side by side, so `{dep}` runs as a Job and nothing holds this service back until it has finished (run it as an init container, or before the rollout)"
                ));
                continue;
            }
            let port = target
                .exposure
                .ports
                .iter()
                .find(|p| p.protocol == Protocol::TCP)
                .or(target.exposure.ports.first())
                .filter(|_| target.exposure.service != ServiceKind::None)
                .map(|p| p.name.clone());
            match port {
                Some(port) => {
                    let _ = design.apply(crate::Edit::AddEdge(Edge { from, to, port }));
                    ordered.push(format!("`{dep}`"));
                }
                None => note.push(format!(
                    "depends_on `{dep}`: no edge, `{dep}` declares no port (compose only orders start-up; give it `expose` if it serves)"
                )),
            }
        }
        if !ordered.is_empty() {
            notes.entry(compose_name.clone()).or_default().push(format!(
                "depends_on {}: {} in the design, but Kubernetes starts every pod at once: the app must wait and retry until {}",
                ordered.join(", "),
                if ordered.len() == 1 { "an edge" } else { "edges" },
                if ordered.len() == 1 { "it answers" } else { "they answer" },
            ));
        }
    }
    if extensions.is_empty() {
        let order: Vec<(&str, ServiceId)> = (in_file.iter())
            .filter_map(|(name, _)| Some((name.as_str(), *ids.get(*name)?)))
            .collect();
        share_secrets(&mut design, &order, &taken_whole, &mut notes);
    }
    // The calls the configuration names (`DATABASE_URL=postgres://…@db:5432/app`), read
    // as a Kubernetes import reads them, in a file that is not Kubeprint's own export
    // (whose `x-kubeprint` names every edge of the design, and no other).
    if extensions.is_empty() {
        let before = design.edges.len();
        super::network::edges_from_config(&mut design);
        for e in &design.edges[before..] {
            let name = |id| design.service(id).map_or("", |s| s.name.as_str());
            let Some((caller, _)) = ids.iter().find(|(_, &id)| id == e.from) else {
                continue;
            };
            notes.entry(caller.clone()).or_default().push(format!(
                "calls `{}` on port `{}`, which its configuration names: an edge",
                name(e.to),
                e.port
            ));
        }
    }
    for (compose_name, name) in imported {
        let note = notes
            .get(&compose_name)
            .filter(|n| !n.is_empty())
            .map(|n| n.join("; "));
        documents.push(DocumentReport {
            line: src.service_line(&compose_name),
            kind: "service".into(),
            name,
            outcome: Outcome::Imported,
            note,
            file: String::new(),
            unreadable: false,
        });
    }
    order::sort_by_key(&mut documents, |d| d.line);
    // The app's own shutdown timeout, read as a Kubernetes import reads it
    // (`SHUTDOWN_TIMEOUT=30s`): the timing rules weigh the grace period against it.
    super::workload::infer_shutdown_timeouts(&mut design);
    let system = design.name.clone();
    design.environments = Environment::standard_set(&system);
    for env in (design.environments.iter_mut()).filter(|e| e.tier != Tier::Dev) {
        for &id in &in_profiles {
            env.overrides.entry(id).or_default().enabled = Some(false);
        }
    }
    Import {
        design,
        documents,
        renamed: Default::default(),
        compose: true,
    }
}

/// One compose service as a Kubeprint service; its ConfigMap and Secret go into `design`.
fn read_service(
    name: &str,
    spec: &Value,
    top: &Top,
    ext: &ServiceExtension,
    env_files: &BTreeMap<String, String>,
    design: &mut Design,
    n: &mut Notes,
) -> Service {
    let mut s = Service {
        name: name.to_string(),
        security: Security::unset(),
        ..Service::default()
    };
    let profiles = string_list(spec.get("profiles"));
    s.local.profiles.clone_from(&profiles);
    if !profiles.is_empty() {
        let quoted: Vec<String> = profiles.iter().map(|p| format!("`{p}`")).collect();
        let flags: Vec<String> = profiles.iter().map(|p| format!("--profile {p}")).collect();
        n.note(format!(
            "in profile{} {}: compose starts it only with {}, so it is deployed in dev only (turn it on in another environment's overrides)",
            if profiles.len() > 1 { "s" } else { "" },
            quoted.join(", "),
            flags.join(" or ")
        ));
    }
    let image = spec
        .get("image")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if image.is_empty() {
        n.note("no `image` (built from source): set the image the CI pushes");
        s.image = format!("registry.example.com/{name}");
        s.tag = String::new();
    } else {
        let (repo, tag, digest) = crate::model::split_image(image);
        s.image = repo.to_string();
        s.tag = tag.to_string();
        s.digest = digest.map(String::from);
    }
    if let Some(cmd) = spec.get("command") {
        s.args = words(cmd, "command", n);
    }
    if let Some(ep) = spec.get("entrypoint") {
        s.command = words(ep, "entrypoint", n);
    }
    // The host side of the ports compose publishes, which no Kubernetes object keeps
    // (said), and which a local run of the design publishes again (kept).
    let mut published = Vec::new();
    let mut on_host: Vec<(u16, Protocol, Option<u16>)> = Vec::new();
    for (key, first_http) in [("ports", true), ("expose", false)] {
        for entry in spec
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (found, problem) = ports::parse(entry);
            for p in &found {
                add_port(&mut s, p, first_http);
                if key == "ports" {
                    on_host.push((p.port, p.protocol, p.host));
                }
            }
            let host = match entry {
                Value::String(short) => short.contains(':'),
                _ => entry.get("published").is_some(),
            };
            if key == "ports" && host && !found.is_empty() {
                published.push(match entry {
                    Value::String(short) => format!("`{short}`"),
                    _ => format!("`{}`", entry["published"].to_string().trim_matches('"')),
                });
            }
            if let Some(problem) = problem {
                n.at(&[&problem.needle], format!("{key}: {}", problem.message));
            }
        }
    }
    if !published.is_empty() {
        n.note(format!(
            "ports {}: published on the host, which Kubernetes does not do; its Service reaches it inside the cluster, and from outside an Ingress or a LoadBalancer Service does",
            published.join(", ")
        ));
    }
    named_ports(&mut s, ext, n);
    s.local.published = Some(
        (on_host.into_iter())
            .filter_map(|(port, protocol, host)| {
                let c = (s.ports.iter()).find(|c| c.port == port && c.protocol == protocol)?;
                Some(HostPort {
                    port: match c.name.is_empty() {
                        true => PortRef::Number(c.port),
                        false => PortRef::Name(c.name.clone()),
                    },
                    host,
                })
            })
            .collect(),
    );
    // An image of the catalogue that declares no port listens on its usual ones
    // (postgres on 5432): compose reaches it by name anyway, and a Service is what the
    // design's services need to reach it.
    if s.ports.is_empty() {
        if let Some(known) = crate::images::of(&s) {
            s.ports = known.container_ports();
            s.exposure.ports = (0..s.ports.len())
                .map(|i| crate::presets::service_port(&s, i))
                .collect();
        }
    }
    if s.exposure.ports.is_empty() {
        s.exposure.service = ServiceKind::None;
    }
    let mut env: Vec<(String, String)> = Vec::new();
    for f in string_list(spec.get("env_file")) {
        match env_files.get(&f) {
            Some(text) => env.extend(dotenv(text)),
            None => n.note(format!(
                "env_file `{f}` was not read: add its keys to the ConfigMap"
            )),
        }
    }
    match spec.get("environment") {
        Some(Value::Object(m)) => env.extend(m.iter().map(|(k, v)| (k.clone(), scalar(v)))),
        Some(Value::Array(items)) => env.extend(items.iter().filter_map(|i| {
            let i = i.as_str()?;
            let (k, v) = i.split_once('=').unwrap_or((i, ""));
            Some((k.to_string(), v.to_string()))
        })),
        _ => {}
    }
    // A secret a value reads (`$(DB_PASSWORD)`, see `secret_references`) is a variable
    // of the container, from a Secret, where the file does not set it itself.
    let referenced: Vec<String> = (env.iter())
        .filter(|(k, _)| !crate::rules::looks_secret(k, "x"))
        .map(|(_, v)| v)
        .chain(s.command.iter().chain(&s.args))
        .flat_map(|v| crate::expansion::references(v))
        .filter(|r| crate::rules::looks_secret(r, "x"))
        .map(str::to_string)
        .collect();
    for r in referenced {
        if !env.iter().any(|(k, _)| *k == r) {
            n.note(format!(
                "`{r}`, which a value reads as `$({r})`, is a key of a Secret: Kubernetes puts its value there"
            ));
            env.insert(0, (r, String::new()));
        }
    }
    // A value that reads another variable (`$(DB_PASSWORD)`) is the container's own:
    // Kubernetes expands references in a variable's value, not in a ConfigMap's.
    let defined: BTreeSet<String> = env.iter().map(|(k, _)| k.clone()).collect();
    let (own, env): (Vec<_>, Vec<_>) = env.into_iter().partition(|(k, v)| {
        !crate::rules::looks_secret(k, v)
            && crate::expansion::references(v).any(|r| defined.contains(r))
    });
    // What Kubeprint's export read from a Secret (its `.env` holds a placeholder) goes
    // back to that Secret's key.
    let (from_secret, env): (Vec<_>, Vec<_>) = env
        .into_iter()
        .partition(|(k, _)| ext.secrets.contains_key(k));
    if !env.is_empty() {
        // Plain config goes to a ConfigMap; what looks secret becomes a Secret key
        // (its value is dropped: a design never holds secret values).
        let (secret, plain): (Vec<_>, Vec<_>) = env
            .into_iter()
            .partition(|(k, v)| crate::rules::looks_secret(k, v));
        if !plain.is_empty() {
            let cm = format!("{name}-env");
            design.config_maps.push(ConfigMapDef {
                name: cm.clone(),
                data: plain.into_iter().to_map(),
                residual: None,
                hash_suffix: false,
            });
            s.config.env_from.push(EnvFrom::ConfigMap(cm));
        }
        if !secret.is_empty() {
            let sec = format!("{name}-secrets");
            let keys: Vec<String> = secret.iter().map(|(k, _)| k.clone()).collect();
            n.note(secret_keys_note(&keys, &sec));
            design.secrets.push(SecretDef {
                name: sec.clone(),
                kind: "Opaque".into(),
                keys: secret.into_iter().map(|(k, _)| k).collect(),
                residual: None,
                external: false,
            });
            s.config.env_from.push(EnvFrom::Secret(sec));
        }
    }
    // (After the ConfigMap and Secret above, in the order the export wrote them.)
    for (var, _) in from_secret {
        let from = &ext.secrets[&var];
        let key = from.key.clone().unwrap_or_else(|| var.clone());
        match design.secrets.iter_mut().find(|d| d.name == from.secret) {
            Some(d) => {
                if !d.keys.contains(&key) {
                    d.keys.push(key.clone());
                }
                d.external |= from.external;
            }
            None => design.secrets.push(SecretDef {
                name: from.secret.clone(),
                kind: "Opaque".into(),
                keys: vec![key.clone()],
                residual: None,
                external: from.external,
            }),
        }
        // Read as the export wrote it: every key of the Secret under its own name
        // (`envFrom`), or one key as a variable (`secretKeyRef`).
        match from.key {
            None => {
                let all = EnvFrom::Secret(from.secret.clone());
                if !s.config.env_from.contains(&all) {
                    s.config.env_from.push(all);
                }
            }
            Some(_) => s.config.env.push(EnvVar {
                name: var,
                value: EnvValue::SecretKey {
                    name: from.secret.clone(),
                    key,
                },
            }),
        }
    }
    // After every variable they read.
    for (name, value) in own {
        s.config.env.push(EnvVar {
            name,
            value: EnvValue::Literal(value),
        });
    }
    if let Some(hc) = spec.get("healthcheck") {
        if hc.get("disable").and_then(Value::as_bool) != Some(true) {
            if let Some(p) = probe(hc, &s, n) {
                // start_period: time the container may take to start before failures count.
                let start = hc_seconds(hc, "start_period", 0, n);
                if start > 0 {
                    s.timing.startup_seconds = start;
                    let failures =
                        (start.div_ceil(p.effective_period())).max(1) + p.effective_failures();
                    s.probes.startup = Some(Probe {
                        failure_threshold: failures,
                        ..p.clone()
                    });
                }
                let mut ready = p.clone();
                if let Some(extra) = &ext.readiness {
                    ready.initial_delay_seconds = extra.initial_delay_seconds;
                    ready.success_threshold = extra.success_threshold.max(1);
                }
                s.probes.readiness = Some(ready);
                s.probes.liveness = Some(Probe {
                    failure_threshold: p.effective_failures() + 2,
                    ..p
                });
                name_http_port(&mut s);
                n.note(match s.probes.startup {
                    Some(_) => "healthcheck: readiness and liveness probes (liveness gives up 2 failures later), and a startup probe for its start_period",
                    None => "healthcheck: readiness and liveness probes (liveness gives up 2 failures later)",
                });
            }
        }
    }
    s.timing.grace_period_seconds = 10;
    match spec.get("stop_grace_period") {
        Some(v) => match duration(&scalar(v)) {
            Some(g) => s.timing.grace_period_seconds = g,
            None => n.at(
                &["stop_grace_period"],
                format!(
                    "stop_grace_period `{}` is not a duration of zero or more: used 10 s, compose's default",
                    scalar(v)
                ),
            ),
        },
        None => n.note("no stop_grace_period: compose waits 10 s, kept as the grace period"),
    }
    let replicas = spec
        .pointer("/deploy/replicas")
        .map(|v| ("replicas", "deploy.replicas", v))
        .or_else(|| spec.get("scale").map(|v| ("scale", "scale", v)));
    s.egress = ext.egress.clone();
    if let Some(r) = ext.replicas {
        // What Kubeprint's export ran as one container.
        s.scaling.replicas = r;
    } else if let Some((key, what, v)) = replicas {
        match v.as_u64().and_then(|r| u32::try_from(r).ok()) {
            Some(r) => s.scaling.replicas = r,
            None => n.at(
                &[key],
                format!(
                    "{what} `{}` is out of range (0 or more): used {}",
                    scalar(v),
                    s.scaling.replicas
                ),
            ),
        }
    }
    let cpu = |p: &str| {
        spec.pointer(p)
            .map(scalar)
            .filter(|v| !v.is_empty())
            .map(|c| cpus(&c))
    };
    let mem = |p: &str| {
        spec.pointer(p)
            .map(scalar)
            .filter(|v| !v.is_empty())
            .map(|m| memory(&m))
    };
    s.resources = Resources {
        cpu_request: cpu("/deploy/resources/reservations/cpus"),
        memory_request: mem("/deploy/resources/reservations/memory"),
        cpu_limit: cpu("/deploy/resources/limits/cpus"),
        memory_limit: mem("/deploy/resources/limits/memory"),
    };
    let volumes = spec
        .get("volumes")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    // Directories that live as long as the container: compose's `tmpfs` (in memory)
    // and anonymous volumes (on disk) are a pod's emptyDir.
    for path in string_list(spec.get("tmpfs")) {
        scratch(&mut s, &path, true);
    }
    for (i, v) in volumes.iter().enumerate() {
        let (text, source, target, bind) = match v {
            Value::Object(m) => {
                let get = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default();
                match get("type") {
                    "tmpfs" => {
                        scratch(&mut s, get("target"), true);
                        continue;
                    }
                    "volume" if get("source").is_empty() => {
                        scratch(&mut s, get("target"), false);
                        continue;
                    }
                    _ => {}
                }
                let text = format!("{}:{}", get("source"), get("target"));
                (
                    text,
                    get("source").to_string(),
                    get("target").to_string(),
                    get("type") != "volume",
                )
            }
            _ => {
                let text = scalar(v);
                let Some((source, target)) = text.split_once(':') else {
                    // `- /var/cache`: an anonymous volume.
                    scratch(&mut s, &text, false);
                    continue;
                };
                let target = target.split(':').next().unwrap_or(target).to_string();
                let source = source.to_string();
                let bind = is_bind(&source);
                (text.clone(), source, target, bind)
            }
        };
        let compose_name = n.service;
        let others: Vec<String> = (top.volume_users.get(&source).into_iter().flatten())
            .filter(|u| *u != compose_name)
            .map(|u| format!("`{u}`"))
            .collect();
        if !bind && (!others.is_empty() || ext.existing_claims.contains(&source)) {
            // Shared: one claim all of them mount, which a StatefulSet's own per pod
            // would not be.
            let claim = dns_name(&source);
            let volume = crate::naming::free(&claim, |n| s.volumes.iter().any(|v| v.name == n));
            let read_only = match v {
                Value::Object(m) => m.get("read_only").and_then(Value::as_bool) == Some(true),
                _ => text
                    .split(':')
                    .nth(2)
                    .is_some_and(|o| o.split(',').any(|o| o == "ro")),
            };
            s.volumes.push(Volume {
                name: volume.clone(),
                source: VolumeSource::Claim {
                    claim: claim.clone(),
                    read_only,
                },
            });
            s.mounts.push(Mount {
                volume,
                path: target,
                read_only,
                sub_path: String::new(),
            });
            if !others.is_empty() {
                n.note(format!(
                    "named volume `{source}` ({text}) is shared with {}: PersistentVolumeClaim `{claim}`, mounted by each of them, which Kubeprint does not write: create it ReadWriteMany (their pods may run on different nodes) before applying, or build the files into the images",
                    others.join(", ")
                ));
            }
        } else if !bind {
            s.kind = WorkloadKind::StatefulSet;
            s.exposure.service = ServiceKind::Headless;
            n.note(format!(
                "named volume `{source}` ({text}): a StatefulSet with a 10Gi claim per pod (compose names no size, and its replicas share the one volume; here each pod has its own)"
            ));
            let claim = ext.claims.get(&source).unwrap_or(&source);
            s.storage.push(VolumeClaim {
                name: dns_name(claim).chars().take(50).collect(),
                mount_path: target,
                size: "10Gi".into(),
                storage_class: None,
            });
        } else if let Some(file) = (project_file(&source, mounted_read_only(v))).or_else(|| {
            (ext.config_files.contains_key(&target) && relative(&source)).then_some(source.as_str())
        }) {
            // A file of the project (`./nginx.conf`): a key of the service's ConfigMap
            // of files, with the file's text where it was given; Kubeprint's export
            // says which key of which ConfigMap it wrote there.
            let given = env_files.get(&source).cloned();
            if given
                .as_ref()
                .is_some_and(|t| t.len() > crate::domain::CONFIG_MAP_MAX_BYTES)
            {
                n.note(format!(
                    "`{source}` at {target}: larger than the 1 MiB a ConfigMap holds, not imported (build it into the image, or mount a volume)"
                ));
                continue;
            }
            let (config_map, key) = match ext.config_files.get(&target) {
                Some(w) => (w.config_map.clone(), w.key.clone()),
                None => {
                    let config_map = format!("{}-files", dns_name(&s.name));
                    let key = crate::naming::free(&dns_key(file), |k| {
                        (design.config_map(&config_map)).is_some_and(|c| {
                            c.data.get(k).is_some_and(|t| Some(t) != given.as_ref())
                        })
                    });
                    (config_map, key)
                }
            };
            let dir = target.strip_suffix(&format!("/{key}"));
            let whole = dir.filter(|d| ext.config_dirs.get(*d) == Some(&config_map));
            let file = ConfigKey {
                config_map: &config_map,
                key: &key,
                path: &target,
                whole,
                text: given,
            };
            let said = config_file(&mut s, design, file, NOT_GIVEN);
            n.note(format!("`{source}` at {target}: {said}"));
        } else {
            n.note(format!(
                "bind mount {} ({text}) is not portable: use a ConfigMap or a volume",
                i + 1
            ));
        }
    }
    user(spec, &mut s, n);
    secret_files(spec, top.secrets, ext, &mut s, design, n);
    config_files(spec, top.configs, ext, env_files, &mut s, design, n);
    s
}

/// A port named by its place (`port0`, from `expose`), which the healthcheck speaks HTTP
/// to, is `http` (where no port is yet): in the Service, on the canvas's edges and in
/// the callers' edges, a name that says what it is.
fn name_http_port(s: &mut Service) {
    let Some(ProbeAction::Http { port, .. }) = s.probes.readiness.as_ref().map(|p| &p.action)
    else {
        return;
    };
    let Some(old) = s.resolve_port(port).map(|p| p.name.clone()) else {
        return;
    };
    let by_place = old
        .strip_prefix("port")
        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if !by_place || s.ports.iter().any(|p| p.name == "http") {
        return;
    }
    let http = "http".to_string();
    let rename = |r: &mut PortRef| {
        if *r == PortRef::Name(old.clone()) {
            *r = PortRef::Name(http.clone());
        }
    };
    for p in s.ports.iter_mut().filter(|p| p.name == old) {
        p.name.clone_from(&http);
    }
    for sp in &mut s.exposure.ports {
        if sp.name == old {
            sp.name.clone_from(&http);
        }
        rename(&mut sp.target);
    }
    let probes = [
        &mut s.probes.readiness,
        &mut s.probes.liveness,
        &mut s.probes.startup,
    ];
    for probe in probes.into_iter().flatten() {
        if let ProbeAction::Http { port, .. } | ProbeAction::Tcp { port } = &mut probe.action {
            rename(port);
        }
    }
}

/// What the file's top level and all its services say that one service's import needs.
struct Top<'a> {
    /// The top-level `secrets:`.
    secrets: Option<&'a Value>,
    /// The top-level `configs:`.
    configs: Option<&'a Value>,
    /// The services that mount each named volume, by the volume's name.
    volume_users: BTreeMap<String, Vec<String>>,
}

/// The file name of a bind mount's source that is a file of configuration in the
/// compose project: a path relative to the compose file (absolute paths are the host's
/// own: a socket, `/etc/localtime`) whose last part has an extension (`./nginx.conf`;
/// `./src` is a directory), mounted read-only or named as configuration is (a database
/// or a log the app writes, `./app.db`, is none: a ConfigMap is read-only). Not a key,
/// a certificate or credentials, which belong in a Secret.
fn project_file(source: &str, read_only: bool) -> Option<&str> {
    if !relative(source) {
        return None;
    }
    let name = source.rsplit(['/', '\\']).next()?;
    let ext = name.get(1..)?.rsplit_once('.')?.1.to_ascii_lowercase();
    const SENSITIVE: [&str; 9] = [
        "key", "pem", "crt", "cer", "p12", "pfx", "jks", "keystore", "htpasswd",
    ];
    const SECRET_NAMES: [&str; 6] = ["secret", "credential", "password", "passwd", "token", "id_"];
    const CONFIG: [&str; 20] = [
        "conf",
        "cfg",
        "cnf",
        "ini",
        "yaml",
        "yml",
        "json",
        "toml",
        "xml",
        "properties",
        "lua",
        "tmpl",
        "tpl",
        "template",
        "rules",
        "hcl",
        "sql",
        "sh",
        "types",
        "html",
    ];
    let lower = name.to_ascii_lowercase();
    let sensitive =
        SENSITIVE.contains(&ext.as_str()) || SECRET_NAMES.iter().any(|w| lower.contains(w));
    let config = read_only || CONFIG.contains(&ext.as_str());
    (!ext.is_empty() && !sensitive && config).then_some(name)
}

/// Whether a bind mount's source is a path inside the compose project: relative, and
/// not leaving it (`../x`).
fn relative(source: &str) -> bool {
    !source.starts_with(['/', '~', '$', '\\'])
        && !source.split(['/', '\\']).any(|part| part == "..")
        && !source.contains(':')
}

/// Whether a volume entry mounts read-only (`:ro`, or `read_only: true`).
fn mounted_read_only(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.get("read_only").and_then(Value::as_bool) == Some(true),
        other => (scalar(other).split(':').nth(2)).is_some_and(|o| o.split(',').any(|o| o == "ro")),
    }
}

/// `name` as a ConfigMap key: as it is where it is one, else its DNS form.
fn dns_key(name: &str) -> String {
    match crate::names::config_key(name) {
        Ok(()) => name.to_string(),
        Err(_) => dns_name(name),
    }
}

/// Mount key `key` of the ConfigMap or Secret `source` at `path`, read-only, on a volume
/// of the pod for it (made, `config-<name>` or `secret-<name>`, where there is none);
/// or, where Kubeprint's export mounted the object `whole` at a directory, that
/// directory. Once.
fn mount_file(s: &mut Service, source: VolumeSource, key: &str, path: &str, whole: Option<&str>) {
    let volume = match s.volumes.iter().find(|v| v.source == source) {
        Some(v) => v.name.clone(),
        None => {
            let wanted = match &source {
                VolumeSource::ConfigMap { name } => format!("config-{name}"),
                VolumeSource::Secret { name } => format!("secret-{name}"),
                _ => "files".to_string(),
            };
            let name = crate::naming::free(&wanted, |n| s.volumes.iter().any(|v| v.name == n));
            s.volumes.push(Volume {
                name: name.clone(),
                source,
            });
            name
        }
    };
    let mount = match whole {
        Some(dir) => Mount {
            volume,
            path: dir.to_string(),
            read_only: true,
            sub_path: String::new(),
        },
        None => Mount {
            volume,
            path: path.to_string(),
            read_only: true,
            sub_path: key.to_string(),
        },
    };
    if !s.mounts.contains(&mount) {
        s.mounts.push(mount);
    }
}

/// A key of a ConfigMap a pod reads as a file, as [`config_file`] mounts it.
struct ConfigKey<'a> {
    config_map: &'a str,
    key: &'a str,
    path: &'a str,
    whole: Option<&'a str>,
    text: Option<String>,
}

/// Mount key `key` of ConfigMap `config_map` (made, or given the key) at `path` of
/// service `s`, read-only: the file a compose config or a bind-mounted file of the
/// project was; or, where the ConfigMap was mounted `whole` at a directory (the one
/// that holds `path`), that directory. The key holds `text`, or is empty where there is none. What
/// it became, said for the import's note (`empty`: why it is).
fn config_file(s: &mut Service, design: &mut Design, file: ConfigKey, empty: &str) -> String {
    let ConfigKey {
        config_map,
        key,
        path,
        whole,
        text,
    } = file;
    let given = text.is_some();
    match design.config_maps.iter_mut().find(|c| c.name == config_map) {
        Some(c) => {
            c.data
                .entry(key.to_string())
                .or_insert(text.unwrap_or_default());
        }
        None => design.config_maps.push(ConfigMapDef {
            name: config_map.to_string(),
            data: BTreeMap::from([(key.to_string(), text.unwrap_or_default())]),
            residual: None,
            // A file mounted by `subPath` is never updated in a running pod: a new
            // name for new text rolls the pods that read it.
            hash_suffix: true,
        }),
    }
    let object = VolumeSource::ConfigMap {
        name: config_map.to_string(),
    };
    mount_file(s, object, key, path, whole);
    match given {
        true => format!("key `{key}` of ConfigMap `{config_map}`, with the file's text"),
        false => format!("key `{key}` of ConfigMap `{config_map}`, empty: {empty}"),
    }
}

/// A service's uses of top-level `secrets:` or `configs:` (of `kind` `secret` or
/// `config`): each entry with its source, its target where written, and the top-level
/// definition it names. One without a source, or naming none, is said and left out
/// (compose refuses the file).
fn uses<'v>(
    spec: &'v Value,
    kind: &str,
    defined: Option<&'v Value>,
    n: &mut Notes,
) -> Vec<(&'v Value, &'v str, Option<&'v str>, &'v Value)> {
    let entries = spec.get(format!("{kind}s")).and_then(Value::as_array);
    let mut out = Vec::new();
    for entry in entries.into_iter().flatten() {
        let (source, target) = match entry {
            Value::String(source) => (source.as_str(), None),
            long => match long.get("source").and_then(Value::as_str) {
                Some(source) => (source, long.get("target").and_then(Value::as_str)),
                None => {
                    let key = format!("{kind}s:");
                    n.at(&[&key], format!("a {kind} without `source`: ignored"));
                    continue;
                }
            },
        };
        let Some(top) = defined.and_then(|t| t.get(source)) else {
            n.at(
                &[source],
                format!("{kind} `{source}` is not declared under the top-level `{kind}s:` (compose refuses the file): not imported"),
            );
            continue;
        };
        out.push((entry, source, target, top));
    }
    out
}

/// Why a file of the project is an empty key: it was not given.
const NOT_GIVEN: &str = "the file was not given with the compose file (import them together, or paste its text on the config page)";

/// A service's `configs:`: each a key of a ConfigMap mounted at its target (compose's
/// default: `/<config>`), with its text from the top-level config's `content`, or its
/// `file` where that was given with the compose file. A config Kubeprint's export wrote
/// says its ConfigMap and key (`x-kubeprint`).
fn config_files(
    spec: &Value,
    top_configs: Option<&Value>,
    ext: &ServiceExtension,
    files: &BTreeMap<String, String>,
    s: &mut Service,
    design: &mut Design,
    n: &mut Notes,
) {
    for (_, source, target, top) in uses(spec, "config", top_configs, n) {
        if top
            .get("external")
            .is_some_and(|e| e != &Value::Bool(false))
        {
            n.at(
                &[source],
                format!("config `{source}` is made outside compose (`external`): not imported (name its ConfigMap on the config page and mount it)"),
            );
            continue;
        }
        let written: Option<ExtensionConfig> =
            (top.get("x-kubeprint")).and_then(|x| serde_json::from_value(x.clone()).ok());
        let named = top.get("name").and_then(Value::as_str).unwrap_or(source);
        let (config_map, key) = match written {
            Some(w) => (w.config_map, w.key),
            None => (dns_name(named), dns_key(source)),
        };
        let path = match target {
            Some(t) if t.starts_with('/') => t.to_string(),
            Some(t) => format!("/{t}"),
            None => format!("/{source}"),
        };
        let file = top.get("file").and_then(Value::as_str);
        let text = match top.get("content") {
            Some(content) => Some(scalar(content)),
            None => file.and_then(|f| files.get(f)).cloned(),
        };
        let variable = top.get("environment").and_then(Value::as_str);
        let (from, empty) = match (file, variable) {
            (Some(file), _) => (format!(" (`{file}`)"), NOT_GIVEN.to_string()),
            (None, Some(var)) => (
                format!(" (`${var}`)"),
                format!("compose reads it from `${var}` when it starts: paste its text on the config page"),
            ),
            _ => (String::new(), "the config has no text".to_string()),
        };
        let dir = path.strip_suffix(&format!("/{key}"));
        let whole = dir.filter(|d| ext.config_dirs.get(*d) == Some(&config_map));
        let file = ConfigKey {
            config_map: &config_map,
            key: &key,
            path: &path,
            whole,
            text,
        };
        let said = config_file(s, design, file, &empty);
        n.note(format!("config `{source}`{from} at {path}: {said}"));
    }
}

/// Whether a short volume entry's source is a path on the host (a bind mount), not a
/// named volume.
fn is_bind(source: &str) -> bool {
    source.is_empty() || source.starts_with(['.', '/', '~', '$'])
}

/// The services that mount each named volume (not a bind mount, an anonymous volume or
/// a tmpfs), by the volume's name, in the services' order.
fn volume_users(services: &serde_json::Map<String, Value>) -> BTreeMap<String, Vec<String>> {
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, spec) in services {
        let volumes = spec.get("volumes").and_then(Value::as_array);
        for v in volumes.into_iter().flatten() {
            let source = match v {
                Value::Object(m) if m.get("type").and_then(Value::as_str) == Some("volume") => m
                    .get("source")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                Value::String(text) => match text.split_once(':') {
                    Some((source, _)) if !is_bind(source) => source.to_string(),
                    _ => String::new(),
                },
                _ => String::new(),
            };
            let list = users.entry(source).or_default();
            if !list.contains(name) {
                list.push(name.clone());
            }
        }
    }
    users.remove("");
    users
}

/// The service's `secrets:`, files compose mounts under `/run/secrets` (or at the
/// `target` a long entry names): each a Secret of the design named after the compose
/// secret (its `name:` where the top level gives one), holding one key of that name, in
/// a volume mounted at the file's path by `subPath`. A secret compose takes from
/// elsewhere (`external: true`) is a Secret made outside Kubeprint; one read from a
/// `file:` or an `environment:` variable gets its value in the cluster (a design holds
/// no secret value). What a Kubernetes volume cannot say (`uid`, `gid`, `mode`) is said.
fn secret_files(
    spec: &Value,
    top_secrets: Option<&Value>,
    ext: &ServiceExtension,
    s: &mut Service,
    design: &mut Design,
    n: &mut Notes,
) {
    for (entry, source, target, top) in uses(spec, "secret", top_secrets, n) {
        // Kubeprint's export says which key of which Secret the file is.
        let written: Option<ExtensionSecret> =
            (top.get("x-kubeprint")).and_then(|x| serde_json::from_value(x.clone()).ok());
        let external = written.as_ref().map_or_else(
            || {
                top.get("external").is_some_and(|e| match e {
                    Value::Bool(b) => *b,
                    // The old form, `external: {name: …}`.
                    other => other.is_object(),
                })
            },
            |w| w.external,
        );
        let named = (top.get("name"))
            .or_else(|| top.pointer("/external/name"))
            .and_then(Value::as_str)
            .unwrap_or(source);
        let secret = written
            .as_ref()
            .map_or_else(|| dns_name(named), |w| w.secret.clone());
        let key = match written.and_then(|w| w.key) {
            Some(key) => key,
            None if crate::names::config_key(source).is_ok() => source.to_string(),
            None => dns_name(source),
        };
        match design.secrets.iter_mut().find(|d| d.name == secret) {
            Some(d) => {
                if !d.keys.contains(&key) {
                    d.keys.push(key.clone());
                }
                d.external |= external;
            }
            None => design.secrets.push(SecretDef {
                name: secret.clone(),
                kind: "Opaque".into(),
                keys: vec![key.clone()],
                residual: None,
                external,
            }),
        }
        let path = match target {
            Some(t) if t.starts_with('/') => t.to_string(),
            Some(t) => format!("/run/secrets/{t}"),
            None => format!("/run/secrets/{source}"),
        };
        // A file of a Secret Kubeprint's export mounted whole at a directory: that
        // mount again (which a rotated or added key reaches).
        let dir = path.strip_suffix(&format!("/{key}"));
        let whole = dir.filter(|d| ext.secret_dirs.get(*d) == Some(&secret));
        let object = VolumeSource::Secret {
            name: secret.clone(),
        };
        mount_file(s, object, &key, &path, whole);
        let from = if external {
            "made outside Kubeprint, as `external: true` says".to_string()
        } else if let Some(file) = top.get("file").and_then(Value::as_str) {
            format!("from `{file}`: set its value in the cluster")
        } else if let Some(var) = top.get("environment").and_then(Value::as_str) {
            format!("from `${var}`: set its value in the cluster")
        } else {
            "set its value in the cluster".to_string()
        };
        n.note(format!(
            "secret `{source}`: key `{key}` of Secret `{secret}` at {path} ({from})"
        ));
        let unsaid: Vec<&str> = ["uid", "gid", "mode"]
            .into_iter()
            .filter(|k| entry.get(*k).is_some())
            .collect();
        if let Some(first) = unsaid.first() {
            n.at(
                &[&format!("{first}:")],
                format!(
                    "secret `{source}`'s {} not carried: the pod's fsGroup and the volume's defaultMode say who may read it",
                    unsaid.join(", ")
                ),
            );
        }
    }
}

/// What the import says of the variables that look secret and became keys of `secret`.
fn secret_keys_note(keys: &[String], secret: &str) -> String {
    let listed: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    format!(
        "{} {} secret: {} of Secret `{secret}` now, with the placeholder `CHANGE_ME` until set in the cluster (a design holds no secret value)",
        listed.join(", "),
        if keys.len() == 1 { "looks" } else { "look" },
        if keys.len() == 1 { "a key" } else { "keys" },
    )
}

/// A service's `environment` as written, before interpolation (map or list form); the
/// entries that are no string (`KEY:` alone, a number) left out.
fn written_environment(spec: &Value) -> Vec<(String, String)> {
    match spec.get("environment") {
        Some(Value::Object(m)) => (m.iter())
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect(),
        Some(Value::Array(items)) => (items.iter())
            .filter_map(|i| i.as_str()?.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The secret variables of a service whose whole value is one variable of `.env`
/// (`POSTGRES_PASSWORD: ${DB_PASSWORD}`, no default): variable -> the `.env` name.
fn variables_taken_whole(spec: &Value) -> BTreeMap<String, String> {
    let entries = written_environment(spec);
    let plain = |v: &str| {
        !v.is_empty()
            && !v.starts_with(|c: char| c.is_ascii_digit())
            && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    (entries.into_iter())
        .filter(|(k, _)| crate::rules::looks_secret(k, "x"))
        .filter_map(|(k, v)| {
            let inner = v.strip_prefix("${").and_then(|v| v.strip_suffix('}'));
            let var = inner.or_else(|| v.strip_prefix('$'))?;
            plain(var).then(|| (k, var.to_string()))
        })
        .collect()
}

/// A secret several services take from one variable of `.env` (`POSTGRES_PASSWORD:
/// ${POSTGRES_PASSWORD}` in db, `$(POSTGRES_PASSWORD)` in web's URL) is one key of one
/// Secret: the first such service's in the file that takes it whole, a server of a
/// known image (the database whose password it is) before others, by its own name if
/// one does (else the first's),
/// which the others read by key (placed
/// first, so that their references expand). Two Secrets would have to be set alike by
/// hand, and a password changed in one breaks the other's connection.
fn share_secrets(
    design: &mut Design,
    order: &[(&str, ServiceId)],
    taken_whole: &BTreeMap<String, BTreeMap<String, String>>,
    notes: &mut BTreeMap<String, Vec<String>>,
) {
    // `.env` variable -> (compose name, service, its key, whether it is the whole value),
    // in file order.
    type Reader<'a> = (&'a str, ServiceId, String, bool);
    let mut readers: BTreeMap<String, Vec<Reader>> = BTreeMap::new();
    for &(compose_name, id) in order {
        let Some(s) = design.service(id) else {
            continue;
        };
        let own = format!("{}-secrets", s.name);
        if !s.config.env_from.contains(&EnvFrom::Secret(own.clone())) {
            continue;
        }
        let Some(secret) = design.secret(&own) else {
            continue;
        };
        let words = (s.config.env.iter())
            .filter_map(|v| match &v.value {
                EnvValue::Literal(text) => Some(text.as_str()),
                _ => None,
            })
            .chain(s.command.iter().chain(&s.args).map(String::as_str));
        let referenced: BTreeSet<&str> = words.flat_map(crate::expansion::references).collect();
        let whole = taken_whole.get(compose_name);
        for key in &secret.keys {
            let (origin, taken) = match whole.and_then(|w| w.get(key)) {
                Some(var) => (var.clone(), true),
                None if referenced.contains(key.as_str()) => (key.clone(), false),
                None => continue,
            };
            let reader = (compose_name, id, key.clone(), taken);
            readers.entry(origin).or_default().push(reader);
        }
    }
    for (var, mut readers) in readers.into_iter().filter(|(_, r)| r.len() > 1) {
        // The Secret of a service that takes the variable whole (the database whose
        // password it is), rather than of one whose URL reads it.
        let server = |id: ServiceId| {
            (design.service(id)).is_some_and(|s| {
                crate::images::of(s).is_some_and(|k| crate::images::runs_its_server(s, k))
            })
        };
        order::sort_by_key(&mut readers, |r| (!r.3, !server(r.1), r.2 != var));
        let (owner_name, owner, owner_key, _) = &readers[0];
        let owner_service = design
            .service(*owner)
            .map(|s| s.name.clone())
            .unwrap_or_default();
        let owner_secret = format!("{owner_service}-secrets");
        for (compose_name, id, key, _) in &readers[1..] {
            let Some(s) = design.service_mut(*id) else {
                continue;
            };
            let own = format!("{}-secrets", s.name);
            s.config.env.insert(
                0,
                EnvVar {
                    name: key.clone(),
                    value: EnvValue::SecretKey {
                        name: owner_secret.clone(),
                        key: owner_key.clone(),
                    },
                },
            );
            let (before, left) = match design.secrets.iter_mut().find(|d| d.name == own) {
                Some(d) => {
                    let before = d.keys.clone();
                    d.keys.retain(|k| k != key);
                    (before, d.keys.clone())
                }
                None => continue,
            };
            // What the service's report said of its Secret says what is left of it.
            let said = notes.entry(compose_name.to_string()).or_default();
            let was = secret_keys_note(&before, &own);
            if let Some(at) = said.iter().position(|n| *n == was) {
                match left.is_empty() {
                    true => drop(said.remove(at)),
                    false => said[at] = secret_keys_note(&left, &own),
                }
            }
            let left = left.len();
            if left == 0 {
                design.secrets.retain(|d| d.name != own);
                let s = design.service_mut(*id).expect("just read");
                s.config
                    .env_from
                    .retain(|f| *f != EnvFrom::Secret(own.clone()));
            }
            let too = match id == owner {
                true => "its other variable of that value".to_string(),
                false => format!("which `{owner_name}` reads too"),
            };
            notes.entry(compose_name.to_string()).or_default().push(format!(
                "`{key}` is read from key `{owner_key}` of Secret `{owner_secret}`, {too}: both take `${{{var}}}`, one value to set in the cluster"
            ));
        }
    }
}

/// The secrets a service's variables read by interpolation (`DATABASE_URL:
/// postgres://app:${POSTGRES_PASSWORD}@db/app`) read as Kubernetes references instead
/// (`$(POSTGRES_PASSWORD)`, compose's `$$(` before interpolation): compose would write
/// the password into the URL, which would then be a secret itself, its address lost to
/// a placeholder; as a reference the URL stays a plain value, and the password a key
/// of a Secret. The same in `command` and `entrypoint`, which Kubernetes expands too
/// (`redis-server --requirepass ${REDIS_PASSWORD}`). Only where the variable itself is
/// not a secret (nor one Kubeprint's export says a Secret holds), and the name read is
/// one (`looks_secret`) with no default or other modifier.
fn secret_references(spec: &mut Value) -> Vec<String> {
    let exported: BTreeSet<String> = (spec.pointer("/x-kubeprint/secrets"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().to_set())
        .unwrap_or_default();
    // Kubeprint's export reads a Secret's variable from `.env` under a name of its own
    // (`POSTGRES_PASSWORD=${WEB_SECRETS_POSTGRES_PASSWORD}`): a value reading that name
    // reads the variable.
    let entries = written_environment(spec);
    // Several variables may read one name (a Secret's key under two names): the one
    // of that very name, else the first, is the one a reference reads.
    let mut dotenv_names: BTreeMap<String, String> = BTreeMap::new();
    for (k, v) in entries.iter().filter(|(k, _)| exported.contains(k)) {
        let Some(inner) = v.strip_prefix("${").and_then(|v| v.strip_suffix('}')) else {
            continue;
        };
        if inner == k || !dotenv_names.contains_key(inner) {
            dotenv_names.insert(inner.to_string(), k.clone());
        }
    }
    let dropped = std::cell::RefCell::new(Vec::new());
    let rewrite = |name: &str, value: &mut String| {
        let secret = crate::rules::looks_secret(name, "x") || exported.contains(name);
        if secret || !value.contains('$') {
            return;
        }
        let mut out = String::new();
        let mut rest = value.as_str();
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            if let Some(r) = after.strip_prefix('$') {
                out.push_str("$$");
                rest = r;
                continue;
            }
            let (var, taken) = match after.strip_prefix('{') {
                Some(inner) => match inner.find('}') {
                    Some(end) => (&inner[..end], end + 2),
                    None => ("", 0),
                },
                None => {
                    let end = (after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')))
                        .unwrap_or(after.len());
                    (&after[..end], end)
                }
            };
            // `${DB_PASSWORD:-x}`: the name, and what compose does without it.
            let (var, modifier) = var.split_at(var.find([':', '-', '?', '+']).unwrap_or(var.len()));
            let plain = !var.is_empty()
                && !var.starts_with(|c: char| c.is_ascii_digit())
                && var.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let read = match dotenv_names.get(var) {
                Some(own) => Some(own.as_str()),
                None => (plain && crate::rules::looks_secret(var, "x")).then_some(var),
            };
            if let Some(read) = read {
                out.push_str(&format!("$$({read})"));
                if !modifier.is_empty() {
                    dropped.borrow_mut().push(format!(
                        "`${{{var}{modifier}}}` is read as `$({read})`, a Secret's key: `{modifier}` (what compose does when it is unset) is dropped, since the Secret sets it"
                    ));
                }
            } else {
                out.push('$');
                out.push_str(&after[..taken]);
            }
            rest = &after[taken..];
        }
        out.push_str(rest);
        *value = out;
    };
    for key in ["command", "entrypoint"] {
        match spec.get_mut(key) {
            Some(Value::String(text)) => rewrite("", text),
            Some(Value::Array(items)) => {
                for item in items {
                    if let Value::String(text) = item {
                        rewrite("", text);
                    }
                }
            }
            _ => {}
        }
    }
    match spec.get_mut("environment") {
        Some(Value::Object(m)) => {
            for (k, v) in m.iter_mut() {
                if let Value::String(text) = v {
                    rewrite(k, text);
                }
            }
        }
        Some(Value::Array(items)) => {
            for item in items {
                if let Value::String(text) = item {
                    if let Some((k, v)) = text.split_once('=') {
                        let mut v = v.to_string();
                        rewrite(k, &mut v);
                        *text = format!("{k}={v}");
                    }
                }
            }
        }
        _ => {}
    }
    dropped.into_inner()
}

/// A directory of the container that lives as long as it: an emptyDir volume (in
/// memory for a tmpfs) mounted at `path`, named after the path.
fn scratch(s: &mut Service, path: &str, memory: bool) {
    let path = path.split(':').next().unwrap_or(path).trim();
    if path.is_empty() {
        return;
    }
    let stem = dns_name(&path.trim_matches('/').replace('/', "-"));
    let stem = if stem.is_empty() {
        "scratch".to_string()
    } else {
        stem
    };
    let name = crate::naming::free(&stem, |n| {
        s.volumes.iter().any(|v| v.name == n) || s.storage.iter().any(|c| c.name == n)
    });
    s.volumes.push(Volume {
        name: name.clone(),
        source: VolumeSource::EmptyDir {
            memory,
            size_limit: None,
        },
    });
    s.mounts.push(Mount {
        volume: name,
        path: path.to_string(),
        ..Mount::default()
    });
}

/// `user: "1000:1000"`: the container's user and group, as numbers (Kubernetes has
/// no user names: a name is said).
fn user(spec: &Value, s: &mut Service, n: &mut Notes) {
    let Some(text) = spec.get("user").map(scalar).filter(|t| !t.is_empty()) else {
        return;
    };
    let (uid, gid) = match text.split_once(':') {
        Some((u, g)) => (u, Some(g)),
        None => (text.as_str(), None),
    };
    let number = |t: &str| t.trim().parse::<i64>().ok().filter(|n| *n >= 0);
    match (number(uid), gid.map(number)) {
        (Some(u), None | Some(Some(_))) => {
            s.security.run_as_user = Some(u);
            s.security.run_as_group = gid.and_then(number);
            s.security.run_as_non_root = u != 0;
        }
        _ => n.at(
            &["user"],
            format!(
                "user `{text}` is a name: Kubernetes runs a container as numbers (runAsUser, runAsGroup); set the image's uid in Security"
            ),
        ),
    }
}

/// The services some other service waits for with `condition:
/// service_completed_successfully`: tasks that run once and exit (a migration, seed
/// data), never servers.
fn awaited_to_complete(
    services: &serde_json::Map<String, Value>,
) -> std::collections::BTreeSet<String> {
    services
        .values()
        .filter_map(|spec| spec.get("depends_on").and_then(Value::as_object))
        .flat_map(|deps| deps.iter())
        .filter(|(_, d)| {
            d.get("condition").and_then(Value::as_str) == Some("service_completed_successfully")
        })
        .map(|(name, _)| name.clone())
        .to_set()
}

/// A one-off task becomes a Job: a service another waits for to complete, or one that
/// is never restarted (`restart: "no"`) and serves no port. Its restart policy says how
/// it is retried: `no` not at all (`backoffLimit: 0`), `on-failure[:N]` in place, up to
/// N times when N is given. A task with a named volume stays what it was (a Job has no
/// volume claims of its own), with a note.
fn one_off(s: &mut Service, spec: &Value, awaited: bool, n: &mut Notes) {
    let restart = spec
        .get("restart")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let never_restarted = restart == "no";
    if !(awaited || (never_restarted && s.ports.is_empty())) {
        return;
    }
    let why = if awaited {
        "another service waits for it to complete (condition: service_completed_successfully)"
    } else {
        "it is never restarted (restart: \"no\") and serves no port"
    };
    if !s.storage.is_empty() {
        n.note(format!(
            "runs once ({why}), so Kubernetes would run it as a Job, but it has a named volume: kept as a {}",
            s.kind.as_str()
        ));
        return;
    }
    s.kind = WorkloadKind::Job;
    if let Some(max) = restart.strip_prefix("on-failure") {
        s.job.restart_policy = JobRestart::OnFailure;
        s.job.backoff_limit = max.strip_prefix(':').and_then(|m| m.trim().parse().ok());
    } else {
        s.job.restart_policy = JobRestart::Never;
        s.job.backoff_limit = never_restarted.then_some(0);
    }
    n.note(format!("imported as a Job: {why}"));
}

/// Parse a compose file into JSON, merge keys applied; refused, what is wrong and the
/// line it is wrong at.
fn parse(text: &str) -> Result<Value, (String, usize)> {
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let line = e.location().map_or(1, |l| l.line());
        (crate::import::parse::invalid_yaml(&e, text, 1), line)
    })?;
    // Aliases are copies of their anchor as written, so a merge key inside an anchor
    // that is itself merged comes up one level per round; a few rounds settle any file
    // a person writes.
    for _ in 0..8 {
        if !has_merge_key(&yaml) {
            break;
        }
        yaml.apply_merge()
            .map_err(|e| (format!("invalid merge key `<<`: {e}"), 1))?;
    }
    Ok(serde_json::to_value(&yaml).unwrap_or(Value::Null))
}

fn has_merge_key(v: &serde_yaml::Value) -> bool {
    match v {
        serde_yaml::Value::Mapping(m) => m.contains_key("<<") || m.values().any(has_merge_key),
        serde_yaml::Value::Sequence(s) => s.iter().any(has_merge_key),
        serde_yaml::Value::Tagged(t) => has_merge_key(&t.value),
        _ => false,
    }
}

/// The services a service's `depends_on` names (list or mapping form).
fn depends_on(spec: &Value) -> Vec<String> {
    match spec.get("depends_on") {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

/// The lines of the compose file, to say where a reported value was written.
struct Source<'a> {
    lines: Vec<&'a str>,
    /// Each service's key line (0-based) in the `services:` mapping.
    services: BTreeMap<String, usize>,
    /// The indentation of the service keys.
    indent: usize,
}

impl<'a> Source<'a> {
    fn new(text: &'a str) -> Self {
        let lines: Vec<&str> = text.lines().collect();
        let content = |l: &str| {
            let t = l.trim_start();
            !t.is_empty() && !t.starts_with('#')
        };
        let indent_of = |l: &str| l.len() - l.trim_start().len();
        let mut services = BTreeMap::new();
        let mut indent = 0;
        if let Some(start) = lines.iter().position(|l| l.starts_with("services:")) {
            for (i, l) in lines.iter().enumerate().skip(start + 1) {
                if !content(l) {
                    continue;
                }
                let ind = indent_of(l);
                if ind == 0 {
                    break;
                }
                if indent == 0 {
                    indent = ind;
                }
                if ind == indent {
                    if let Some((key, _)) = l.trim().split_once(':') {
                        let key = key.trim_matches(['"', '\'']);
                        services.entry(key.to_string()).or_insert(i);
                    }
                }
            }
        }
        Source {
            lines,
            services,
            indent,
        }
    }

    /// The 1-based line of a service's key.
    fn service_line(&self, name: &str) -> usize {
        self.services.get(name).map_or(1, |i| i + 1)
    }

    /// The 1-based line holding all of `parts`: in the service's own block first, then
    /// anywhere (the value may come from an anchor or a service it extends), else the
    /// service's line.
    fn line_of(&self, service: &str, parts: &[&str]) -> usize {
        let has = |l: &str| {
            let l = l.split(" #").next().unwrap_or(l);
            parts.iter().all(|p| l.contains(p))
        };
        if let Some(&start) = self.services.get(service) {
            let end = self.lines[start + 1..]
                .iter()
                .position(|l| {
                    let t = l.trim_start();
                    !t.is_empty() && !t.starts_with('#') && l.len() - t.len() <= self.indent
                })
                .map_or(self.lines.len(), |i| start + 1 + i);
            if let Some(i) = (start..end).find(|&i| has(self.lines[i])) {
                return i + 1;
            }
        }
        self.lines
            .iter()
            .position(|l| has(l))
            .map_or(self.service_line(service), |i| i + 1)
    }
}

/// What one service's report says.
struct Notes<'a> {
    src: &'a Source<'a>,
    service: &'a str,
    list: Vec<String>,
}

impl Notes<'_> {
    fn note(&mut self, text: impl Into<String>) {
        self.list.push(text.into());
    }

    /// A note about a value, with the line it was written on.
    fn at(&mut self, parts: &[&str], text: String) {
        let line = self.src.line_of(self.service, parts);
        self.list.push(format!("line {line}: {text}"));
    }
}

/// The files a compose file reads beside it, as it names them (so a caller can read
/// them): its `env_file`s, the files of the project it bind-mounts (`./nginx.conf`),
/// and its configs' `file`s.
pub fn file_names(text: &str) -> Vec<String> {
    let Ok(root) = parse(text) else {
        return Vec::new();
    };
    let Some(mut services) = root.get("services").and_then(Value::as_object).cloned() else {
        return Vec::new();
    };
    extends::resolve(&mut services);
    let mut names: Vec<String> = Vec::new();
    for spec in services.values() {
        names.extend(string_list(spec.get("env_file")));
        // The files Kubeprint's export wrote, by the paths they are mounted at.
        let written = spec
            .pointer("/x-kubeprint/config_files")
            .and_then(Value::as_object);
        for v in spec
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (source, target) = match v {
                Value::Object(m) => {
                    let get = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or_default();
                    (get("source").to_string(), get("target").to_string())
                }
                Value::String(short) => {
                    let mut parts = short.split(':');
                    let source = parts.next().unwrap_or_default().to_string();
                    (source, parts.next().unwrap_or_default().to_string())
                }
                _ => continue,
            };
            let ours = written.is_some_and(|w| w.contains_key(&target)) && relative(&source);
            if is_bind(&source) && (ours || project_file(&source, mounted_read_only(v)).is_some()) {
                names.push(source);
            }
        }
    }
    let configs = root
        .get("configs")
        .and_then(Value::as_object)
        .into_iter()
        .flatten();
    names.extend(configs.filter_map(|(_, c)| Some(c.get("file")?.as_str()?.to_string())));
    let mut seen = BTreeSet::new();
    names.retain(|n| seen.insert(n.clone()));
    names
}

/// The name compose gives a file called `name` (no folder: a browser names a chosen file
/// so) that the compose file `text` reads beside it: `.env`, whose variables it
/// interpolates, or a file it names ([`file_names`]: `./config/web.env` for `web.env`).
pub fn reads_beside(text: &str, name: &str) -> Option<String> {
    if name == ".env" {
        return Some(name.to_string());
    }
    (file_names(text).into_iter()).find(|f| f.rsplit(['/', '\\']).next() == Some(name))
}

/// Whether a file chosen beside a compose file may be one compose reads beside it (a
/// file of variables, `.env`, `web.env`; a file it mounts, `nginx.conf`): any but
/// another compose file or Kubernetes manifests, told from its name and text alone in
/// the page, which parses no compose file (the worker reads what it reads,
/// [`import_chosen`], and says which it did not).
pub fn goes_beside(name: &str, text: &str) -> bool {
    let env = name == ".env" || name.ends_with(".env") || name.starts_with(".env.");
    let top = |key: &str| text.lines().any(|l| l.starts_with(key));
    // (Grafana's provisioning files have an `apiVersion:` of their own, and no `kind:`.)
    let manifests = top("kind:") && top("apiVersion:");
    env || !(top("services:") || manifests)
}

/// A compose file chosen with the files it reads beside it ([`goes_beside`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Chosen {
    /// The compose file's name.
    pub file: String,
    /// Its text.
    pub text: String,
    /// The files chosen with it, by file name, with their text.
    pub besides: BTreeMap<String, String>,
}

/// Several files chosen at once, as a compose file and the files it reads beside it.
/// `None` when none is a compose file (they are manifests, one environment each); an
/// error that says what to choose when two are, or another is manifests.
pub fn chosen_together(files: &[(String, String)]) -> Option<Result<Chosen, String>> {
    let is_compose =
        |text: &str| crate::import::Format::detect(text) == crate::import::Format::Compose;
    let composes: Vec<&(String, String)> = files.iter().filter(|(_, t)| is_compose(t)).collect();
    let (file, text) = match composes.as_slice() {
        [] => return None,
        [one] => *one,
        [a, b, ..] => {
            return Some(Err(format!(
                "{} and {} are both docker-compose files: import one at a time (with the \
                 `.env` and `env_file`s it reads)",
                a.0, b.0
            )))
        }
    };
    let mut besides = BTreeMap::new();
    for (name, other) in files.iter().filter(|(n, _)| n != file) {
        if !goes_beside(name, other) {
            return Some(Err(format!(
                "{name} holds Kubernetes manifests, which {file} does not read: choose the \
                 compose file with only the files it reads (its `.env`, `env_file`s and \
                 mounted files), or import {name} on its own"
            )));
        }
        besides.insert(name.clone(), other.clone());
    }
    Some(Ok(Chosen {
        file: file.clone(),
        text: text.clone(),
        besides,
    }))
}

/// [`import`] of compose `text` with files chosen beside it, by file name: each read as
/// the `.env`, the `env_file` or the mounted file of that name ([`reads_beside`]); one
/// it does not read is reported as not read (a document of kind `file`).
pub fn import_chosen(text: &str, chosen: &BTreeMap<String, String>) -> Import {
    let mut env_files = BTreeMap::new();
    let mut unread = Vec::new();
    for (name, contents) in chosen {
        match reads_beside(text, name) {
            Some(key) => {
                env_files.insert(key, contents.clone());
            }
            None => unread.push(name.clone()),
        }
    }
    let mut result = import(text, &env_files);
    let reads: Vec<String> = (file_names(text).into_iter())
        .chain([".env".to_string()])
        .map(|f| format!("`{f}`"))
        .collect();
    for name in unread {
        result.documents.push(DocumentReport {
            line: 1,
            kind: "file".into(),
            name: name.clone(),
            outcome: Outcome::Skipped(format!(
                "not read: the compose file reads {} and no other file",
                reads.join(", ")
            )),
            note: None,
            file: name,
            unreadable: false,
        });
    }
    result
}

/// Declare a container port and a Service port of the same name for it, unless the
/// container already has that port. A long-syntax `name` is kept when it is a valid
/// port name; otherwise a well-known TCP port is named for its protocol (`redis` for
/// 6379), the first other TCP port of `ports:` is `http`, as most are, and the others
/// are named by their position, with `udp` or `sctp` for those protocols.
fn add_port(s: &mut Service, p: &ports::Port, first_http: bool) {
    if s.ports
        .iter()
        .any(|x| x.port == p.port && x.protocol == p.protocol)
    {
        return;
    }
    let taken = |n: &str| s.ports.iter().any(|x| x.name == n);
    let known = (WELL_KNOWN.iter())
        .find(|(port, _)| *port == p.port && p.protocol == Protocol::TCP)
        .map(|(_, name)| *name);
    let name = match (&p.name, known) {
        (Some(n), _) if port_name_ok(n) && !taken(n) => n.clone(),
        (_, Some(known)) if !taken(known) => known.to_string(),
        _ => {
            let prefix = match p.protocol {
                Protocol::TCP => "port",
                Protocol::UDP => "udp",
                Protocol::SCTP => "sctp",
            };
            let http =
                first_http && s.ports.is_empty() && p.protocol == Protocol::TCP && known.is_none();
            (s.ports.len()..)
                .map(|i| {
                    if http && i == 0 {
                        "http".to_string()
                    } else {
                        format!("{prefix}{i}")
                    }
                })
                .find(|n| !taken(n))
                .unwrap_or_default()
        }
    };
    s.ports.push(ContainerPort {
        name: name.clone(),
        port: p.port,
        protocol: p.protocol,
    });
    s.exposure.ports.push(ServicePort {
        name: name.clone(),
        port: p.port,
        target: PortRef::Name(name),
        protocol: p.protocol,
        app_protocol: p.app_protocol.clone(),
    });
}

/// Well-known TCP ports and the name of what they speak (IANA's service name, where
/// it is a valid port name): mail, directories, databases, brokers, and HTTPS. A port
/// compose leaves unnamed is named for it, and the first published port is not taken
/// for `http` when it is one of these.
const WELL_KNOWN: [(u16, &str); 24] = [
    (21, "ftp"),
    (22, "ssh"),
    (25, "smtp"),
    (53, "dns"),
    (110, "pop3"),
    (143, "imap"),
    (389, "ldap"),
    (443, "https"),
    (465, "smtps"),
    (587, "submission"),
    (636, "ldaps"),
    (993, "imaps"),
    (995, "pop3s"),
    (1433, "mssql"),
    (1521, "oracle"),
    (2181, "zookeeper"),
    (3306, "mysql"),
    (5432, "postgresql"),
    (5672, "amqp"),
    (6379, "redis"),
    (9042, "cql"),
    (9092, "kafka"),
    (11211, "memcache"),
    (27017, "mongodb"),
];

/// A valid IANA service name, as a port name must be: at most 15 lower-case letters,
/// digits and single inner hyphens, with a letter.
fn port_name_ok(n: &str) -> bool {
    !n.is_empty()
        && n.len() <= 15
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && n.chars().any(|c| c.is_ascii_lowercase())
        && !n.starts_with('-')
        && !n.ends_with('-')
        && !n.contains("--")
}

/// A compose name as a DNS-1035 label.
fn dns_name(name: &str) -> String {
    let s: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    let s = if s.starts_with(|c: char| c.is_ascii_digit()) {
        format!("s-{s}")
    } else {
        s
    };
    let s: String = s.chars().take(63).collect();
    let s = s.trim_end_matches('-').to_string();
    if s.is_empty() {
        "service".into()
    } else {
        s
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A `command` or `entrypoint`: a list as it is, a string split as a shell would.
fn words(v: &Value, key: &str, n: &mut Notes) -> Vec<String> {
    match v {
        Value::Array(a) => a.iter().map(scalar).collect(),
        Value::String(s) => shell::split(s).unwrap_or_else(|why| {
            n.at(
                &[key],
                format!("{key} cannot be split as a shell would ({why}): split at spaces"),
            );
            s.split_whitespace().map(str::to_string).collect()
        }),
        _ => Vec::new(),
    }
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .or_else(|| x.get("path").and_then(Value::as_str).map(str::to_string))
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// `KEY=value` lines of a .env file, as compose reads them: a single-quoted value is
/// literal, a double-quoted one takes `\\`, `\"`, `\n`, `\r`, `\t` and `\$` escapes,
/// and an unquoted one ends before ` #` (a comment).
fn dotenv(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let l = l.strip_prefix("export ").unwrap_or(l);
            let (k, v) = l.split_once('=')?;
            let v = v.trim();
            let value = if let Some(inner) = v.strip_prefix('\'') {
                inner
                    .rsplit_once('\'')
                    .map_or(inner, |(body, _)| body)
                    .to_string()
            } else if let Some(inner) = v.strip_prefix('"') {
                let mut out = String::new();
                let mut chars = inner.chars();
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => match chars.next() {
                            Some('n') => out.push('\n'),
                            Some('r') => out.push('\r'),
                            Some('t') => out.push('\t'),
                            Some(other) => out.push(other),
                            None => out.push('\\'),
                        },
                        c => out.push(c),
                    }
                }
                out
            } else {
                v.split(" #").next().unwrap_or(v).trim_end().to_string()
            };
            Some((k.trim().to_string(), value))
        })
        .collect()
}

/// The names and Service ports of Kubeprint's extension, for the ports compose itself
/// declares (compose's own `ports` and `expose` say which ports there are).
fn named_ports(s: &mut Service, ext: &ServiceExtension, n: &mut Notes) {
    if !ext.ports.is_empty() {
        let mut ports: Vec<ContainerPort> = Vec::new();
        for p in &ext.ports {
            let declared = s
                .ports
                .iter()
                .any(|d| d.port == p.port && d.protocol == p.protocol);
            // An empty name is a port the design leaves unnamed.
            let name_ok = p.name.is_empty()
                || (port_name_ok(&p.name) && !ports.iter().any(|x| x.name == p.name));
            if declared && name_ok {
                ports.push(ContainerPort {
                    name: p.name.clone(),
                    port: p.port,
                    protocol: p.protocol,
                });
            } else {
                n.note(format!(
                    "x-kubeprint names port {} `{}`, which compose does not declare (or not once, or not as a valid name): its name is not used",
                    p.port, p.name
                ));
            }
        }
        // Declared ports the extension does not name keep their names where free.
        for p in &s.ports {
            if !ports
                .iter()
                .any(|x| x.port == p.port && x.protocol == p.protocol)
            {
                let mut p = p.clone();
                if !p.name.is_empty() && ports.iter().any(|x| x.name == p.name) {
                    p.name = format!("port{}", p.port);
                }
                ports.push(p);
            }
        }
        for sp in &mut s.exposure.ports {
            if let Some(c) = ports
                .iter()
                .find(|c| c.port == sp.port && c.protocol == sp.protocol)
            {
                sp.name = c.name.clone();
                sp.target = if c.name.is_empty() {
                    PortRef::Number(c.port)
                } else {
                    PortRef::Name(c.name.clone())
                };
            }
        }
        s.ports = ports;
    }
    if let Some(service_ports) = &ext.service_ports {
        let mut out = Vec::new();
        for p in service_ports {
            let resolves = match &p.target {
                PortRef::Name(name) => s.ports.iter().any(|c| c.name == *name),
                PortRef::Number(num) => s.ports.iter().any(|c| c.port == *num),
            };
            if resolves {
                out.push(ServicePort {
                    name: p.name.clone(),
                    port: p.port,
                    target: p.target.clone(),
                    protocol: p.protocol,
                    app_protocol: p.app_protocol.clone(),
                });
            } else {
                n.note(format!(
                    "x-kubeprint's Service port `{}` targets `{}`, which the service does not declare: left out",
                    p.name, p.target
                ));
            }
        }
        s.exposure.ports = out;
    }
}

/// A compose duration (`30s`, `1m30s`, `1m`, `500ms`, `2h`) in whole seconds.
fn duration(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Some(ms) = t.strip_suffix("ms") {
        return ms
            .parse::<u64>()
            .ok()
            .map(|ms| u32::try_from(ms.div_ceil(1000)).unwrap_or(u32::MAX));
    }
    crate::input::seconds(t).ok()
}

/// Compose cpus (`0.5`, `"2"`) as a Kubernetes quantity.
fn cpus(text: &str) -> String {
    match text.parse::<f64>() {
        Ok(c) if c.fract() != 0.0 => format!("{}m", (c * 1000.0).round() as u64),
        Ok(c) => format!("{}", c as u64),
        Err(_) => text.to_string(),
    }
}

/// Compose memory (`512m`, `1g`, `512M`, `1gb`, bytes) as a Kubernetes quantity.
fn memory(text: &str) -> String {
    let t = text.trim().to_ascii_lowercase();
    let t = t.strip_suffix('b').unwrap_or(&t);
    let (n, unit) = t.split_at(
        t.find(|c: char| !c.is_ascii_digit() && c != '.')
            .unwrap_or(t.len()),
    );
    match unit {
        "k" => format!("{n}Ki"),
        "m" => format!("{n}Mi"),
        "g" => format!("{n}Gi"),
        "" => n.to_string(),
        _ => text.to_string(),
    }
}

/// A healthcheck as a probe: `curl`/`wget` of a localhost URL becomes an HTTP probe on
/// the matching port, anything else an exec probe.
fn probe(hc: &Value, s: &Service, n: &mut Notes) -> Option<Probe> {
    let test = match hc.get("test")? {
        Value::String(t) => vec!["CMD-SHELL".to_string(), t.clone()],
        Value::Array(a) => a.iter().map(scalar).collect(),
        _ => return None,
    };
    let (kind, rest) = test.split_first()?;
    if kind == "NONE" {
        return None;
    }
    let command: Vec<String> = if kind == "CMD-SHELL" {
        vec!["sh".into(), "-c".into(), rest.join(" ")]
    } else {
        rest.to_vec()
    };
    let joined = rest.join(" ");
    // Words as a shell would see them, near enough to find a URL, host or port in.
    let words: Vec<&str> = joined
        .split_whitespace()
        .map(|w| w.trim_matches(['\'', '"']))
        .collect();
    let local = |host: &str| matches!(host, "localhost" | "127.0.0.1");
    let port_ref = |port: u16| {
        s.ports
            .iter()
            .find(|p| p.port == port && p.protocol == Protocol::TCP)
            .map_or(PortRef::Number(port), |p| PortRef::Name(p.name.clone()))
    };
    // `grpc_health_probe -addr=127.0.0.1:PORT [-service=NAME]`.
    let grpc = words
        .contains(&"grpc_health_probe")
        .then(|| {
            let addr = words.iter().find_map(|w| w.strip_prefix("-addr="))?;
            let (host, port) = addr.rsplit_once(':')?;
            let port: u16 = port.parse().ok()?;
            local(host).then(|| ProbeAction::Grpc {
                port,
                service: words
                    .iter()
                    .find_map(|w| w.strip_prefix("-service="))
                    .map(str::to_string),
            })
        })
        .flatten();
    // `nc -z 127.0.0.1 PORT`, or bash's `/dev/tcp/127.0.0.1/PORT`.
    let tcp = words
        .windows(4)
        .find_map(|w| {
            (w[0] == "nc" && w[1] == "-z" && local(w[2]))
                .then(|| w[3].parse::<u16>().ok())
                .flatten()
        })
        .or_else(|| {
            words.iter().find_map(|w| {
                let rest = &w[w.find("/dev/tcp/")? + "/dev/tcp/".len()..];
                let (host, port) = rest.split_once('/')?;
                local(host).then(|| port.parse::<u16>().ok()).flatten()
            })
        })
        .map(|port| ProbeAction::Tcp {
            port: port_ref(port),
        });
    let http = (joined.contains("curl") || joined.contains("wget"))
        .then(|| {
            words
                .iter()
                .find(|w| w.starts_with("http://localhost") || w.starts_with("http://127.0.0.1"))
        })
        .flatten()
        .and_then(|url| {
            let after = url.split("://").nth(1)?;
            let (hostport, path) = after
                .split_once('/')
                .map_or((after, "/".to_string()), |(h, p)| (h, format!("/{p}")));
            let port: u16 = hostport
                .split(':')
                .nth(1)
                .map_or(Some(80), |p| p.parse().ok())?;
            let port = s
                .ports
                .iter()
                .find(|p2| p2.port == port && p2.protocol == Protocol::TCP)
                .map_or(PortRef::Number(port), |p2| PortRef::Name(p2.name.clone()));
            Some(ProbeAction::Http {
                path: path.trim_end_matches(['"', '\'']).to_string(),
                port,
            })
        });
    let action = http
        .or(grpc)
        .or(tcp)
        .unwrap_or(ProbeAction::Exec { command });
    let retries = match hc.get("retries") {
        None => 3,
        Some(v) => match v.as_u64().and_then(|r| u32::try_from(r).ok()) {
            Some(r) => r,
            None => {
                n.at(
                    &["retries"],
                    format!(
                        "healthcheck.retries `{}` is out of range (0 or more): used 3, compose's default",
                        scalar(v)
                    ),
                );
                3
            }
        },
    };
    let period = hc_seconds(hc, "interval", 30, n).max(1);
    // Compose's default timeout (30 s) may exceed the interval, since compose waits for
    // one check to end before the next; a kubelet probes on a fixed period, so an unset
    // timeout becomes the longest one shorter than the period.
    let timeout = match hc.get("timeout") {
        Some(_) => hc_seconds(hc, "timeout", 30, n),
        None if period > 30 => 30,
        None => {
            let cut = period.saturating_sub(1).max(1);
            n.note(format!(
                "healthcheck has no timeout (compose's is 30 s): its probes time out after {cut} s, within their period of {period} s"
            ));
            cut
        }
    };
    Some(Probe {
        action,
        initial_delay_seconds: 0,
        period_seconds: period,
        timeout_seconds: timeout.max(1),
        success_threshold: 1,
        failure_threshold: retries,
    })
}

/// A healthcheck duration in seconds; one that is not a duration of zero or more is
/// reported and `default` (compose's) used.
fn hc_seconds(hc: &Value, key: &str, default: u32, n: &mut Notes) -> u32 {
    let Some(v) = hc.get(key) else {
        return default;
    };
    duration(&scalar(v)).unwrap_or_else(|| {
        n.at(
            &[key],
            format!(
                "healthcheck.{key} `{}` is not a duration of zero or more: used {default} s, compose's default",
                scalar(v)
            ),
        );
        default
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_units_become_kubernetes_units() {
        assert_eq!(cpus("0.5"), "500m");
        assert_eq!(cpus("2"), "2");
        assert_eq!(memory("512M"), "512Mi");
        assert_eq!(memory("1gb"), "1Gi");
        assert_eq!(duration("1m30s"), Some(90));
        assert_eq!(duration("500ms"), Some(1));
        assert_eq!(dns_name("icat_mariadb"), "icat-mariadb");
        assert_eq!(
            dotenv("# c\nexport A=1\nB=\"two\"\n"),
            vec![("A".into(), "1".into()), ("B".into(), "two".into())]
        );
    }
}
