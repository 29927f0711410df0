//! The image rules (KP8xx): every container's image reference parses as the runtimes
//! parse it (`crate::image`), and a design does not contradict what a known image
//! needs (`crate::images`: its user, the paths it writes, its ports, the variables its
//! entrypoint cannot start without).

use super::catalog::*;
use super::context::{batch_fix, set, svc, Ctx, OverridableField as OF};
use super::Fix;
use crate::image::{check_tag, sanitized_tag, split, Reference, ReferenceError};
use crate::images::{self, KnownImage};
use crate::model::*;
use serde_json::{json, Value};

/// The image checks of one (effective) service.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    references(cx, s);
    if let Some(known) = images::of(s) {
        user(cx, s, known);
        // What the image writes at start-up is what its entrypoint writes: a command of
        // the design's own (`pg_dump` run with the postgres image) writes elsewhere.
        if images::runs_image_entrypoint(s) {
            writable_paths(cx, s, known);
            data_volume(cx, s, known);
            required_variables(cx, s, known);
        }
        ports(cx, s, known);
    }
}

/// What is wrong with an image reference held as image, tag and digest fields: the
/// field to point at (`image`, `tag` or `digest`), the message, and a fix as the
/// fields to set.
struct Problem {
    field: &'static str,
    message: String,
    fix: Option<(String, Vec<(&'static str, Value)>)>,
}

fn problem(image: &str, tag: &str, digest: Option<&str>) -> Option<Problem> {
    let full = crate::image::join(image, tag, digest);
    let written = format!("`{full}` is not a valid image reference");
    // The tag and digest fields on their own first: a bad tag can make the whole
    // reference read as something else (`api:release/2` reads as a path).
    if let Err(e) = Some(tag)
        .filter(|t| !t.is_empty())
        .map_or(Ok(()), check_tag)
    {
        return Some(Problem {
            field: "tag",
            message: format!("{written}: {e}"),
            fix: sanitized_tag(tag).map(|t| (format!("Use tag {t}"), vec![("tag", json!(t))])),
        });
    }
    if let Err(e) = digest
        .filter(|d| !d.is_empty())
        .map_or(Ok(()), crate::image::check_digest)
    {
        return Some(Problem {
            field: "digest",
            message: format!("{written}: {e}"),
            fix: Some(("Remove the digest".into(), vec![("digest", Value::Null)])),
        });
    }
    let error = Reference::parse(&full).err()?;
    let p = match &error {
        ReferenceError::TwoTags { .. } if !tag.is_empty() => {
            // A tag typed into the image field while the Tag field holds another.
            let (repo, own, _) = split(image);
            Problem {
                field: "image",
                message: format!(
                    "image `{image}` already has tag `{own}` and Tag adds `{tag}`: {written}"
                ),
                fix: Some((
                    format!("Use tag {own} (image {repo})"),
                    vec![("image", json!(repo)), ("tag", json!(own))],
                )),
            }
        }
        ReferenceError::Uppercase { .. } => Problem {
            field: "image",
            message: format!("{written}: {error}"),
            fix: Some((
                format!("Use {}", image.to_ascii_lowercase()),
                vec![("image", json!(image.to_ascii_lowercase()))],
            )),
        },
        ReferenceError::Empty if image.is_empty() => Problem {
            field: "image",
            message: error.to_string(),
            fix: None,
        },
        _ => Problem {
            field: "image",
            message: format!("{written}: {error}"),
            fix: None,
        },
    };
    Some(p)
}

/// KP901: the main container's and every other container's image reference parses.
fn references(cx: &mut Ctx, s: &Service) {
    if let Some(p) = problem(&s.image, &s.tag, s.digest.as_deref()) {
        let path_of = |cx: &Ctx, field: &str| match field {
            "tag" => cx.overridable(s, OF::ImageTag),
            f => svc(s, &format!("/{f}")),
        };
        let path = path_of(cx, p.field);
        let fix = p.fix.map(|(label, sets)| Fix {
            label,
            edit: crate::edit::Edit::Batch(
                sets.into_iter()
                    .map(|(f, v)| set(path_of(cx, f), v))
                    .collect(),
            ),
        });
        cx.report(&INVALID_IMAGE_REFERENCE, Some(s), path, p.message)
            .fix = fix;
    }
    for (i, c) in s.containers.iter().enumerate() {
        let Some(p) = problem(&c.image, &c.tag, c.digest.as_deref()) else {
            continue;
        };
        let at = |f: &str| svc(s, &format!("/containers/{i}/{f}"));
        let fix = p.fix.map(|(label, sets)| Fix {
            label,
            edit: crate::edit::Edit::Batch(sets.into_iter().map(|(f, v)| set(at(f), v)).collect()),
        });
        cx.report(
            &INVALID_IMAGE_REFERENCE,
            Some(s),
            at(p.field),
            format!("container `{}`: {}", c.name, p.message),
        )
        .fix = fix;
    }
}

/// KP902: the service runs the image as the user the image is built for.
fn user(cx: &mut Ctx, s: &Service, known: &KnownImage) {
    let sec = &s.security;
    let uid = sec.effective_run_as_user();
    let uid_field = if sec.container_run_as_user.is_some() {
        "container_run_as_user"
    } else {
        "run_as_user"
    };
    let non_root = sec.effective_run_as_non_root();
    let name = known.name;
    if known.needs_root {
        if !non_root && uid.is_none_or(|u| u == 0) {
            return;
        }
        let setting = match uid {
            Some(u) if u != 0 => format!("runAsUser {u}"),
            _ => "runAsNonRoot".to_string(),
        };
        let mut message = format!(
            "the {} starts as root and cannot start with {setting}: {}",
            known.title, known.note
        );
        let mut fix = None;
        // The variant listens elsewhere: its fix moves the ports it names alike. Its
        // own configuration's ports stay where it says, which must move first.
        if let Some((_, moved, edits)) = images::unprivileged(s, known) {
            let repo = &moved.image;
            message.push_str(&format!(" Use {repo}, or let it run as root."));
            fix = batch_fix(format!("Use {repo}"), edits);
        } else if let (Some(repo), Some(at)) =
            (known.non_root_alternative, images::own_config(s, known))
        {
            message.push_str(&format!(
                " `{}` mounts its own configuration at {at}, which says which ports it listens on: listen on ports above 1023 there, then use {repo}; or let it run as root.",
                s.name
            ));
        }
        let path = if uid.is_some_and(|u| u != 0) {
            svc(s, &format!("/security/{uid_field}"))
        } else {
            svc(s, "/security/run_as_non_root")
        };
        cx.report(&IMAGE_USER_CONFLICT, Some(s), path, message).fix = fix;
        return;
    }
    let (own, _) = known.user(&s.image_ref());
    let message = match uid {
        Some(u) if known.fixed_uid && u != own && images::runs_image_entrypoint(s) => format!(
            "{name} runs as uid {own} (the files it writes at start-up belong to that user): as runAsUser {u} it fails to start"
        ),
        None if known.starts_as_root && non_root => format!(
            "{name}'s image user is root (its entrypoint steps down to uid {own} itself): with runAsNonRoot and no runAsUser the kubelet refuses to start it"
        ),
        _ => return,
    };
    cx.report(
        &IMAGE_USER_CONFLICT,
        Some(s),
        svc(s, &format!("/security/{uid_field}")),
        message,
    )
    .fix = batch_fix(
        format!("Run as uid {own} (the image's user)"),
        images::user_edits(s, known),
    );
}

/// KP903: under a read-only root filesystem, every path the image writes has a volume.
fn writable_paths(cx: &mut Ctx, s: &Service, known: &KnownImage) {
    if !s.security.read_only_root_fs {
        return;
    }
    let missing = images::unmounted(s, known);
    if missing.is_empty() {
        return;
    }
    let list = missing.join(", ");
    cx.report(
        &IMAGE_WRITABLE_PATHS,
        Some(s),
        svc(s, "/security/read_only_root_fs"),
        format!(
            "{} writes to {list}, but the root filesystem is read-only and nothing is mounted there: it fails at start-up",
            known.name
        ),
    )
    .fix = batch_fix(
        format!("Mount volumes at {list}"),
        images::volume_edits(s, known, &missing),
    );
}

/// KP905 and KP906: the volume for a known image's data is where its version keeps
/// its data, exactly on the image's `VOLUME`, and not the data directory itself where
/// that must be empty ([`images::data_problems`]).
fn data_volume(cx: &mut Ctx, s: &Service, known: &KnownImage) {
    let through_sub_path = |c: &VolumeClaim| {
        (s.residuals_here(cx.env)).any(|r| r.sets_sub_path(&c.name, &c.mount_path))
    };
    for p in images::data_problems(s, known, &through_sub_path) {
        let rule = match p.rule {
            images::DataRule::Volume => &IMAGE_DATA_VOLUME,
            images::DataRule::NotEmpty => &IMAGE_DATA_NOT_EMPTY,
        };
        cx.report(rule, Some(s), svc(s, &p.pointer), p.message).fix =
            match <[crate::Edit; 1]>::try_from(p.edits) {
                Ok([edit]) => Some(Fix {
                    label: p.label,
                    edit,
                }),
                Err(edits) => batch_fix(p.label, edits),
            };
    }
}

/// KP904: the container ports are ports the image listens on, unless the design tells
/// its server to listen there ([`told`]). A program of the image other than its server
/// listens where it does (`redis-sentinel` on 26379).
fn ports(cx: &mut Ctx, s: &Service, known: &KnownImage) {
    if !images::runs_its_server(s, known) {
        return;
    }
    let listens = known
        .ports
        .iter()
        .map(|(n, p)| format!("{p} ({n})"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut what_it_is_told = None;
    for (i, p) in s.ports.iter().enumerate() {
        if known.listens_on(p.port) {
            continue;
        }
        let told = what_it_is_told.get_or_insert_with(|| told(cx, s, known));
        let Some(told) = told else {
            continue;
        };
        if told
            .iter()
            .any(|(name, text)| says_port(name, text, p.port))
        {
            continue;
        }
        let to = known
            .port(&p.name)
            .or_else(|| (known.ports.len() == 1 && s.ports.len() == 1).then(|| known.ports[0].1));
        let path = svc(s, &format!("/ports/{i}/port"));
        cx.report(
            &IMAGE_PORT_UNKNOWN,
            Some(s),
            path.clone(),
            format!(
                "{} listens on {listens}; container port {} is not one of them",
                known.name, p.port
            ),
        )
        .fix = to.and_then(|to| {
            super::context::set_fix(format!("Use port {to}"), path.clone(), json!(to))
        });
    }
}

/// What the main container's server is told that may say where it listens, as (name,
/// text): its command and arguments (`--port 6380`, `-p 5433`), its variables
/// (`GF_SERVER_HTTP_PORT=3001`, `KAFKA_LISTENERS=PLAINTEXT://:9093`) and the ConfigMap
/// keys it reads them from, and the configuration files it reads: those its arguments
/// name (`/usr/local/etc/redis/redis.conf`) and those mounted into the image's
/// configuration directory (nginx's `conf.d`). `None` where it may be told what the
/// design does not know: such a file that is no ConfigMap key with text (a Secret's,
/// an empty key, one in the image), or a variable that may name a port read from a
/// Secret or a ConfigMap the design lacks.
fn told(cx: &Ctx, s: &Service, known: &KnownImage) -> Option<Vec<(String, String)>> {
    let command = s.command.iter().chain(&s.args);
    let mut told = vec![(
        String::new(),
        command.clone().cloned().collect::<Vec<_>>().join(" "),
    )];
    let data = |name: &str| Some(cx.env.config_data(cx.design.config_map(name)?));
    for e in &s.config.env {
        let value = match &e.value {
            EnvValue::Literal(v) => Some(v.clone()),
            EnvValue::ConfigMapKey { name, key } => data(name).and_then(|d| d.get(key).cloned()),
            EnvValue::SecretKey { .. } => None,
        };
        match value {
            Some(v) => told.push((e.name.clone(), v)),
            None if may_name_a_port(&e.name) => return None,
            None => {}
        }
    }
    for from in &s.config.env_from {
        match from {
            EnvFrom::ConfigMap(name) => {
                told.extend(data(name)?.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
            EnvFrom::Secret(name) => {
                let secret = cx.design.secret(name).filter(|d| !d.external)?;
                if secret.keys.iter().any(|k| may_name_a_port(k)) {
                    return None;
                }
            }
        }
    }
    let named = command
        .flat_map(|w| w.split([' ', '=', ',', ';']))
        .filter(|w| names_config_file(w));
    let config_dir = (s.mounts.iter())
        .map(|m| m.path.as_str())
        .filter(|p| known.config_dir.is_some_and(|dir| under(p, dir)));
    for path in named.chain(config_dir) {
        told.extend(configuration_file(cx, s, path)?);
    }
    Some(told)
}

/// The text of the file or directory at `path` of the main container, by file name,
/// where the design knows it: a ConfigMap's keys with text mounted there.
fn configuration_file(cx: &Ctx, s: &Service, path: &str) -> Option<Vec<(String, String)>> {
    let mount = (s.mounts.iter()).rfind(|m| under(path, &m.path))?;
    let Some(VolumeSource::ConfigMap { name }) = (s.volumes.iter())
        .find(|v| v.name == mount.volume)
        .map(|v| &v.source)
    else {
        return None;
    };
    let data = cx.env.config_data(cx.design.config_map(name)?);
    let inside = path[mount.path.len()..].trim_start_matches('/');
    // The file a `subPath` mount is, or one of a ConfigMap mounted whole (a key's name
    // has no `/`); all of them where the directory itself is read.
    let key = match (mount.sub_path.as_str(), inside) {
        ("", "") => None,
        (key, "") | (_, key) => Some(key),
    };
    let files: Vec<(String, String)> = (data.iter())
        .filter(|(k, _)| key.is_none_or(|key| key == k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let known = !files.is_empty() && files.iter().all(|(_, text)| !text.trim().is_empty());
    known.then_some(files)
}

/// Whether `path` is `dir` or in it.
fn under(path: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    path.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Whether a variable, key or flag of this name may say a port (`PGPORT`,
/// `KAFKA_LISTENERS`, `--web.listen-address`, `-p`).
fn may_name_a_port(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name == "-p" || ["port", "listen", "bind"].iter().any(|k| name.contains(k))
}

/// Whether a word of a command line names a configuration file (`/etc/redis/redis.conf`,
/// `config_file=/etc/postgresql/postgresql.conf`).
fn names_config_file(word: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        ".conf",
        ".cnf",
        ".cfg",
        ".ini",
        ".yaml",
        ".yml",
        ".json",
        ".toml",
        ".properties",
        ".xml",
    ];
    word.starts_with('/') && EXTENSIONS.iter().any(|e| word.ends_with(e))
}

/// Whether `text`, read by the name `name`, says to listen on `port`: the number on its
/// own (not in `16380`), where the name may say a port (`PGPORT=5433`), after a key or
/// flag that may (`port = 5433`, `--port 6380`, `-p 5433`, `"http_port": 3001`), or
/// after `:` with no host or a local one (`:9091`, `0.0.0.0:4318`, `[::]:8080`), not a
/// port of another host (`http://prometheus:9090`).
fn says_port(name: &str, text: &str, port: u16) -> bool {
    let n = port.to_string();
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    text.match_indices(&n).any(|(at, _)| {
        if digit(text[..at].chars().next_back()) || digit(text[at + n.len()..].chars().next()) {
            return false;
        }
        if may_name_a_port(name) {
            return true;
        }
        let line = text[..at].rsplit('\n').next().unwrap_or_default();
        let apart = |c: char| c.is_whitespace() || "\"'=,;({/".contains(c);
        if let Some(host) = line.strip_suffix(':') {
            let host = host.rsplit(apart).next().unwrap_or_default();
            return matches!(
                host.trim_matches(['[', ']']),
                "" | "0.0.0.0" | "localhost" | "127.0.0.1" | "*" | "::"
            );
        }
        let key = line.trim_end_matches(|c: char| c.is_whitespace() || "=:\"'".contains(c));
        may_name_a_port(key.rsplit(apart).next().unwrap_or_default())
    })
}

/// KP907: the main container sets one of the variables its image's entrypoint cannot
/// initialize without ([`images::Needs`]). The fix reads the first from a key of a
/// Secret: one that has the key, else the service's own, made or given the key.
fn required_variables(cx: &mut Ctx, s: &Service, known: &KnownImage) {
    let Some(needs) = known
        .needs
        .as_ref()
        .filter(|_| images::runs_its_server(s, known))
    else {
        return;
    };
    if (needs.any_of.iter()).any(|(var, value)| sets(cx, s, var, *value)) {
        return;
    }
    let list = (needs.any_of.iter())
        .map(|(var, value)| match value {
            Some(v) => format!("`{var}={v}`"),
            None => format!("`{var}`"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    let message = format!(
        "{}'s entrypoint needs {} ({list}), and `{}` sets none: on its first start, with an empty data directory, it exits with \"{}\" and the pod crash-loops",
        known.name, needs.what, s.name, needs.error
    );
    // The variables as the design writes them: where this environment has values of
    // its own, the service's list is not the one seen here, and no fix writes it.
    let own_values = (cx.env.overrides.get(&s.id)).is_some_and(|o| !o.env.is_empty());
    let fix = match own_values {
        true => None,
        false => read_from_own_secret(cx.design, s, needs.any_of[0].0),
    };
    cx.report(
        &IMAGE_REQUIRED_VARIABLE,
        Some(s),
        svc(s, "/config/env"),
        message,
    )
    .fix = fix;
}

/// Whether the main container sets `var`, to `value` where one is wanted: by value
/// (not empty), from a key (of a ConfigMap its value, of a Secret any), read whole from
/// a ConfigMap or Secret that has the key or that the design does not know the keys of,
/// or in what an import kept of the pod.
fn sets(cx: &Ctx, s: &Service, var: &str, value: Option<&str>) -> bool {
    let wanted = |v: &str| value.map_or(!v.is_empty(), |want| v == want);
    let config_value = |name: &str, key: &str| -> Option<Option<String>> {
        let cm = cx.design.config_map(name)?;
        Some(cx.env.config_data(cm).get(key).cloned())
    };
    // The last of a name wins, and `env` wins over `envFrom`.
    if let Some(e) = s.config.env.iter().rfind(|e| e.name == var) {
        return match &e.value {
            EnvValue::Literal(v) => wanted(v),
            EnvValue::ConfigMapKey { name, key } => match config_value(name, key) {
                Some(Some(v)) => wanted(&v),
                Some(None) => false,
                None => true,
            },
            EnvValue::SecretKey { .. } => value.is_none(),
        };
    }
    // Read whole: the last source that has the key wins; one whose keys the design
    // does not know may be it.
    let whole = s.config.env_from.iter().rev().find_map(|f| match f {
        EnvFrom::ConfigMap(name) => match config_value(name, var) {
            Some(Some(v)) => Some(wanted(&v)),
            Some(None) => None,
            None => Some(true),
        },
        EnvFrom::Secret(name) => match cx.design.secret(name) {
            Some(secret) if secret.keys.iter().any(|k| k == var) => Some(value.is_none()),
            Some(secret) if !(secret.external && secret.keys.is_empty()) => None,
            _ => Some(value.is_none()),
        },
    });
    whole.unwrap_or(false)
        || (s.residuals_here(cx.env)).any(|r| r.sets_variable(s.container(), var))
}

/// The fix that gives the service variable `var` read from a key of the same name in
/// a Secret ([`super::security::secret_with_key`]). `s` writes its variables as the
/// design does.
fn read_from_own_secret(design: &Design, s: &Service, var: &str) -> Option<Fix> {
    let (secret, mut edits) = super::security::secret_with_key(design, s, var)?;
    // In place of an empty one; else before the first variable that refers to it
    // (`$(POSTGRES_PASSWORD)`), which Kubernetes expands only from those before it.
    let mut env = s.config.env.clone();
    let read = EnvValue::SecretKey {
        name: secret.clone(),
        key: var.to_string(),
    };
    let reference = format!("$({var})");
    match env.iter().rposition(|v| v.name == var) {
        Some(i) => env[i].value = read,
        None => {
            let at = (env.iter())
                .position(|v| matches!(&v.value, EnvValue::Literal(t) if t.contains(&reference)))
                .unwrap_or(env.len());
            env.insert(
                at,
                EnvVar {
                    name: var.to_string(),
                    value: read,
                },
            );
        }
    }
    edits.push(set(svc(s, "/config/env"), json!(env)));
    batch_fix(
        format!("Read `{var}` from Secret `{secret}` (a placeholder there: set its value in the cluster)"),
        edits,
    )
}
