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

/// KP904: the container ports are ports the image listens on, unless the design says
/// where it listens ([`port_said`]).
fn ports(cx: &mut Ctx, s: &Service, known: &KnownImage) {
    if images::own_config(s, known).is_some() {
        return;
    }
    let listens = known
        .ports
        .iter()
        .map(|(n, p)| format!("{p} ({n})"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut said = None;
    for (i, p) in s.ports.iter().enumerate() {
        if known.listens_on(p.port) {
            continue;
        }
        let said = said.get_or_insert_with(|| words_said(cx, s));
        if said.as_ref().is_none_or(|w| names_number(w, p.port)) {
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

/// Everything the main container is told that may say where it listens, as one text:
/// its command and arguments (`--port 6380`, `-p 5433`), its variables
/// (`GF_SERVER_HTTP_PORT=3001`, `KAFKA_LISTENERS=PLAINTEXT://:9093`) and the ConfigMaps
/// it reads them from, and the files of ConfigMaps the pod mounts (a `redis.conf` with
/// `port 6380`). `None` where it may be told more than the design knows: a file that
/// arguments name which is no ConfigMap key with text (a Secret's, an empty key).
fn words_said(cx: &Ctx, s: &Service) -> Option<String> {
    let mut said = String::new();
    let mut add = |v: &str| {
        said.push_str(v);
        said.push('\n');
    };
    s.command.iter().chain(&s.args).for_each(|w| add(w));
    let data = |name: &str| Some(cx.env.config_data(cx.design.config_map(name)?));
    for e in &s.config.env {
        match &e.value {
            EnvValue::Literal(v) => add(v),
            EnvValue::ConfigMapKey { name, key } => {
                data(name)
                    .iter()
                    .flat_map(|d| d.get(key))
                    .for_each(|v| add(v));
            }
            EnvValue::SecretKey { .. } => {}
        }
    }
    for from in &s.config.env_from {
        if let EnvFrom::ConfigMap(name) = from {
            data(name)
                .iter()
                .flat_map(|d| d.values())
                .for_each(|v| add(v));
        }
    }
    let mut files_known = true;
    for v in &s.volumes {
        match &v.source {
            VolumeSource::ConfigMap { name } => match data(name) {
                Some(d) => {
                    files_known &= d.values().all(|text| !text.trim().is_empty());
                    d.values().for_each(|v| add(v));
                }
                None => files_known = false,
            },
            VolumeSource::Secret { .. } => files_known = false,
            _ => {}
        }
    }
    let names_a_file = (s.command.iter().chain(&s.args)).any(|w| names_config_file(w));
    (files_known || !names_a_file).then_some(said)
}

/// Whether a word of a command line names a configuration file (`/etc/redis/redis.conf`,
/// `--config.file=/etc/prometheus/prometheus.yml`, `--config /conf/app.yaml`).
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
    (word.split([' ', '=', ',', ';']))
        .any(|w| w.contains('/') && EXTENSIONS.iter().any(|e| w.ends_with(e)))
}

/// Whether `text` holds `port` as a number of its own (`6380` in `--port 6380`, `:6380`
/// or `port=6380`, not in `16380`).
fn names_number(text: &str, port: u16) -> bool {
    let n = port.to_string();
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    text.match_indices(&n).any(|(at, _)| {
        !digit(text[..at].chars().next_back()) && !digit(text[at + n.len()..].chars().next())
    })
}

/// KP907: the main container sets one of the variables its image's entrypoint cannot
/// initialize without ([`images::Needs`]). The fix reads the first from a key of a
/// Secret: one that has the key, else the service's own, made or given the key.
fn required_variables(cx: &mut Ctx, s: &Service, known: &KnownImage) {
    let Some(needs) = known.needs.as_ref().filter(|n| n.checked(s)) else {
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
