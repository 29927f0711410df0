//! Security rules (KP6xx): pod and container hardening, image tags, secrets kept out of
//! plain config, and default-deny networking. Fixtures: `core/tests/rules/security.rs`.

use super::catalog::*;
use super::context::{batch_fix, config_key, set, set_fix, svc, Ctx, OverridableField as OF};
use super::Rule;
use crate::domain::{HIGHEST_LOW_UID, SUGGESTED_UID};
use crate::edit::FieldPath;
use crate::model::*;
use serde_json::json;

/// The security checks of the environment as a whole: default-deny networking and
/// ConfigMaps that hold secrets.
pub(super) fn environment(cx: &mut Ctx, deployed: &[Service]) {
    let env = cx.env;
    // Imported NetworkPolicies kept as they are may already deny by default.
    let kept_default_deny = cx.design.kept_in(env).any(|o| {
        o.kind() == "NetworkPolicy"
            && o.spec()["podSelector"]
                .as_object()
                .is_none_or(|m| m.is_empty())
            && o.spec()["ingress"].is_null()
    });
    // Policies of its own (kept whole) isolate the pods they select, not the others.
    let some_policy = cx.design.kept_in(env).any(|o| o.kind() == "NetworkPolicy");
    if env.tier == Tier::Prod && !env.default_deny && !kept_default_deny && !deployed.is_empty() {
        let message = if some_policy {
            format!(
                "`{}` has no default-deny NetworkPolicy: pods no policy selects accept traffic from every pod",
                env.name
            )
        } else {
            format!(
                "`{}` lets every pod reach every other pod: no default-deny NetworkPolicy",
                env.name
            )
        };
        cx.report(
            &NO_DEFAULT_DENY,
            None,
            FieldPath::environment(&env.name, "/default_deny"),
            message,
        )
        .fix = set_fix(
            "Turn on default-deny with allows from the edges".into(),
            FieldPath::environment(&env.name, "/default_deny"),
            json!(true),
        );
    }
    for cm in &cx.design.config_maps {
        for (k, v) in cx.env.config_data(cm).iter() {
            if !v.is_empty() && looks_secret(k, v) {
                cx.report(
                    &SECRET_IN_PLAIN_CONFIG,
                    None,
                    config_key(cx.env, &cm.name, k),
                    format!(
                        "ConfigMap `{}` holds `{k}`, which looks like a secret",
                        cm.name
                    ),
                );
            }
        }
    }
}

/// Every security check of one deployed (effective) service.
pub(super) fn service(cx: &mut Ctx, s: &Service) {
    secret_literals(cx, s);
    hardening(cx, s);
    for (i, c) in s.containers.iter().enumerate() {
        container_hardening(cx, s, i, c);
    }
}

/// KP601 to KP605, KP608 and KP609 for extra container `i` (init containers and
/// sidecars included: they run in the same pod, with the same node access). Its own
/// securityContext wins over the pod's; when it inherits both the uid and runAsNonRoot
/// from the pod and the main container runs as root the same way, the pod's finding
/// (on the main container) already says it, and fixing it fixes this one.
fn container_hardening(cx: &mut Ctx, s: &Service, i: usize, c: &Container) {
    let sec = &c.security;
    let base = format!("/containers/{i}");
    let who = format!("container `{}`", c.name);
    let field = |f: &str| svc(s, &format!("{base}/security/{f}"));
    let uid = sec.run_as_user.or(s.security.run_as_user);
    let non_root = sec.run_as_non_root.unwrap_or(s.security.run_as_non_root);
    let as_root = |uid: Option<i64>, non_root: bool| (!non_root && uid.is_none()) || uid == Some(0);
    let main_as_root = as_root(
        s.security.effective_run_as_user(),
        s.security.effective_run_as_non_root(),
    );
    let own = sec.run_as_user.is_some() || sec.run_as_non_root.is_some();
    if as_root(uid, non_root) && (own || !main_as_root) {
        let message = if uid == Some(0) && non_root {
            format!(
                "{who}: runAsUser is 0 but runAsNonRoot is true: the kubelet refuses to start it"
            )
        } else if uid == Some(0) {
            format!("{who}: runAsUser is 0: it runs as root")
        } else {
            format!(
                "{who}: neither runAsNonRoot nor a non-zero runAsUser is set: it may run as root"
            )
        };
        cx.report(&RUNS_AS_ROOT, Some(s), field("run_as_non_root"), message)
            .fix = batch_fix(
            format!("Run as non-root (uid {SUGGESTED_UID})"),
            vec![
                set(field("run_as_non_root"), json!(true)),
                set(field("run_as_user"), json!(SUGGESTED_UID)),
            ],
        );
    }
    if let (Some(uid @ 1..=HIGHEST_LOW_UID), Some(_)) = (uid, sec.run_as_user) {
        cx.report(
            &LOW_UID,
            Some(s),
            field("run_as_user"),
            format!("{who}: runAsUser {uid} is not above {HIGHEST_LOW_UID}"),
        )
        .fix = set_fix(
            format!("Run as uid {SUGGESTED_UID}"),
            field("run_as_user"),
            json!(SUGGESTED_UID),
        );
    }
    for (flag, rule, name, message, label) in [
        (
            sec.read_only_root_fs,
            &WRITABLE_ROOT_FS,
            "read_only_root_fs",
            "the root filesystem is writable",
            "Make the root filesystem read-only",
        ),
        (
            sec.no_privilege_escalation,
            &PRIVILEGE_ESCALATION,
            "no_privilege_escalation",
            "allowPrivilegeEscalation is not false",
            "Forbid privilege escalation",
        ),
        (
            sec.drop_all_capabilities,
            &CAPABILITIES_NOT_DROPPED,
            "drop_all_capabilities",
            "capabilities are not dropped",
            "Drop all capabilities",
        ),
    ] {
        if !flag {
            cx.report(rule, Some(s), field(name), format!("{who}: {message}"))
                .fix = set_fix(label.into(), field(name), json!(true));
        }
    }
    // A container running the main container's very image (a migration step) is the
    // main container's finding: one image, one finding.
    let pinned = c.digest.as_deref().is_some_and(|d| !d.is_empty());
    let main_image = (&c.image, &c.tag, &c.digest) == (&s.image, &s.tag, &s.digest);
    if !pinned && !main_image && crate::domain::moving_tag(&c.tag) {
        let shown = if c.tag.is_empty() {
            c.image.clone()
        } else {
            format!("{}:{}", c.image, c.tag)
        };
        cx.report(
            &MUTABLE_IMAGE_TAG,
            Some(s),
            svc(s, &format!("{base}/tag")),
            format!("{who}: image `{shown}` has no immutable tag"),
        );
    }
    for (k, v) in c.config.env.iter().enumerate() {
        if let EnvValue::Literal(val) = &v.value {
            if !val.is_empty() && looks_secret(&v.name, val) {
                cx.report(
                    &SECRET_IN_PLAIN_CONFIG,
                    Some(s),
                    svc(s, &format!("{base}/config/env/{k}")),
                    format!(
                        "{who}: `{}` looks like a secret but is a literal value",
                        v.name
                    ),
                )
                .fix = read_from_secret(cx.design, s, &v.name, &format!("{base}/config/env/{k}"));
            }
        }
    }
}

/// Whether a variable or ConfigMap key named `name` with value `value` looks like it
/// holds a secret (kube-linter's `env-var-secret` heuristic, made precise). One helper for
/// the rules and for the compose importer, which moves such variables into a Secret.
///
/// The name must carry a secret word (PASSWORD, PASSWD, PASS, SECRET, TOKEN, API_KEY,
/// APIKEY, PRIVATE_KEY, CREDENTIAL(S)) as one of its words (split at `_`, `-`, `.` and
/// camelCase). It does not count when:
/// - a word after the secret word says the value is about the secret, not the secret:
///   a file or path to it (`*_PASSWORD_FILE`, Docker's convention), the name of the
///   object holding it (`*_SECRET_NAME`, `*_SECRET_REF`), or a setting of it (`*_TTL`,
///   `*_LENGTH`, `*_URL`, ...);
/// - a word before it makes the variable a switch (`MYSQL_ALLOW_EMPTY_PASSWORD`,
///   `MYSQL_RANDOM_ROOT_PASSWORD`, `REQUIRE_TOKEN`, ...);
/// - the value is a boolean flag (`yes`, `true`, `1`, `on`, ... and their negations) or
///   a file path (`/var/run/secrets/key.json`).
///
/// An empty value still counts (compose passes such variables from the host); the rules
/// ignore empty literals themselves.
pub(crate) fn looks_secret(name: &str, value: &str) -> bool {
    if url_with_password(value) {
        return true;
    }
    let words = name_words(name);
    let Some(at) = words.iter().rposition(|w| is_secret_word(w)).or_else(|| {
        // Two-word secrets: API_KEY, PRIVATE_KEY, ACCESS_KEY after SECRET is covered above.
        words
            .windows(2)
            .rposition(|p| p[1] == "KEY" && matches!(p[0].as_str(), "API" | "PRIVATE"))
            .map(|i| i + 1)
    }) else {
        return false;
    };
    const ABOUT: &[&str] = &[
        "FILE",
        "PATH",
        "DIR",
        "NAME",
        "NAMES",
        "REF",
        "NAMESPACE",
        "ID",
        "URL",
        "URI",
        "ENDPOINT",
        "HEADER",
        "TTL",
        "EXPIRY",
        "EXPIRES",
        "EXPIRATION",
        "LIFETIME",
        "TIMEOUT",
        "LENGTH",
        "POLICY",
        "ROTATION",
        "TYPE",
        "FORMAT",
        "ENABLED",
        "REQUIRED",
        "HASH",
        "ALGORITHM",
        "MOUNT",
        "VERSION",
    ];
    const SWITCH: &[&str] = &[
        "ALLOW", "ALLOWED", "RANDOM", "GENERATE", "SKIP", "REQUIRE", "DISABLE", "DISABLED",
        "ENABLE", "USE", "NO", "EMPTY",
    ];
    if words[at + 1..].iter().any(|w| ABOUT.contains(&w.as_str()))
        || words[..at].iter().any(|w| SWITCH.contains(&w.as_str()))
    {
        return false;
    }
    !not_a_secret_value(value)
}

/// A word that names a secret.
fn is_secret_word(w: &str) -> bool {
    matches!(
        w,
        "PASSWORD"
            | "PASSWORDS"
            | "PASSWD"
            | "PASS"
            | "SECRET"
            | "SECRETS"
            | "TOKEN"
            | "TOKENS"
            | "APIKEY"
            | "CREDENTIAL"
            | "CREDENTIALS"
    ) || ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "APIKEY"]
        .iter()
        // Words run together: DBPASSWORD, AUTHTOKEN, XAPIKEY.
        .any(|s| w.len() > s.len() && w.ends_with(s))
}

/// The words of a variable or key name, upper-cased: split at `_`, `-`, `.`, `/` and
/// where a lower-case letter is followed by an upper-case one (`dbPassword`).
fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        word.push(c.to_ascii_uppercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// A URL that carries a password, whatever its variable is called:
/// `postgres://app:s3cret@db:5432/app` (a `$(VAR)` in its place is a reference, not one).
fn url_with_password(value: &str) -> bool {
    let Some((scheme, rest)) = value.trim().split_once("://") else {
        return false;
    };
    let scheme_ok = !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let password = authority
        .rsplit_once('@')
        .and_then(|(userinfo, _)| userinfo.split_once(':'))
        .map(|(_, password)| password);
    // `$(DB_PASSWORD)` is a reference Kubernetes expands from the container's variables;
    // `${DB_PASSWORD}` (a compose or shell variable left unset) it never expands: the
    // app would get the text, and the real URL belongs in a Secret.
    scheme_ok && password.is_some_and(|p| !p.is_empty() && !p.starts_with("$("))
}

/// A value that is a boolean switch or a file path, which no secret is.
fn not_a_secret_value(value: &str) -> bool {
    let v = value.trim();
    let path = v.starts_with('/') && v[1..].contains('/') && !v.contains(char::is_whitespace);
    path || matches!(
        v.to_ascii_lowercase().as_str(),
        "yes" | "no" | "y" | "n" | "true" | "false" | "on" | "off" | "1" | "0"
    )
}

/// KP609: no variable that looks like a secret has a literal value.
fn secret_literals(cx: &mut Ctx, s: &Service) {
    for (i, v) in s.config.env.iter().enumerate() {
        if let EnvValue::Literal(val) = &v.value {
            if !val.is_empty() && looks_secret(&v.name, val) {
                cx.report(
                    &SECRET_IN_PLAIN_CONFIG,
                    Some(s),
                    svc(s, &format!("/config/env/{i}")),
                    format!("`{}` looks like a secret but is a literal value", v.name),
                )
                .fix = read_from_secret(cx.design, s, &v.name, &format!("/config/env/{i}"));
            }
        }
    }
}

/// KP609's fix for variable `var` (at `at` in service `s`): read it from a key of the same
/// name in a Secret ([`secret_with_key`]). The literal leaves the design; the Secret
/// renders a placeholder, and the real value is set outside.
fn read_from_secret(design: &Design, s: &Service, var: &str, at: &str) -> Option<super::Fix> {
    let (secret, mut edits) = secret_with_key(design, s, var)?;
    let value = EnvValue::SecretKey {
        name: secret.clone(),
        key: var.to_string(),
    };
    edits.push(set(svc(s, &format!("{at}/value")), json!(value)));
    batch_fix(
        format!(
            "Read it from Secret `{secret}` (its value leaves the design: set it in the cluster)"
        ),
        edits,
    )
}

/// The Secret a fix has service `s` read key `var` of (named as the variable), and the
/// edit that gives it the key where it lacks it: one that has the key already (an
/// environment reads it there), one the service reads already (an Opaque one), else
/// `<service>-secrets`, made. `None` when `var` cannot be a key, or `<service>-secrets`
/// is a Secret of another type (TLS).
pub(super) fn secret_with_key(
    design: &Design,
    s: &Service,
    var: &str,
) -> Option<(String, Vec<crate::edit::Edit>)> {
    crate::names::config_key(var).ok()?;
    let configs = std::iter::once(&s.config).chain(s.containers.iter().map(|c| &c.config));
    let read = configs.flat_map(|c| {
        let by_key = c.env.iter().filter_map(|v| match &v.value {
            EnvValue::SecretKey { name, .. } => Some(name),
            _ => None,
        });
        let whole = c.env_from.iter().filter_map(|f| match f {
            EnvFrom::Secret(name) => Some(name),
            EnvFrom::ConfigMap(_) => None,
        });
        by_key.chain(whole)
    });
    let opaque = |c: &&SecretDef| matches!(c.kind.as_str(), "" | "Opaque");
    let own = format!("{}-secrets", s.name);
    let has_key = (design.secrets.iter()).find(|c| opaque(c) && c.keys.iter().any(|k| k == var));
    let existing = has_key
        .or_else(|| (read.filter_map(|name| design.secret(name))).find(opaque))
        .or_else(|| design.secret(&own));
    // `<service>-secrets` taken by a Secret of another type (TLS): no fix to offer.
    if existing.is_some_and(|c| !opaque(&c)) {
        return None;
    }
    let mut secret = existing.cloned().unwrap_or_else(|| SecretDef {
        name: own,
        kind: "Opaque".into(),
        ..SecretDef::default()
    });
    let mut edits = Vec::new();
    if !secret.keys.iter().any(|k| k == var) {
        secret.keys.push(var.to_string());
        edits.push(crate::edit::Edit::PutSecret(secret.clone()));
    }
    Some((secret.name, edits))
}

/// KP601 to KP608: the pod and main container security context, the service account
/// token and the image tag.
fn hardening(cx: &mut Ctx, s: &Service) {
    let sec = &s.security;
    let flag = |cx: &mut Ctx,
                rule: &'static Rule,
                field: &str,
                value: serde_json::Value,
                msg: &str,
                label: &str| {
        cx.report(
            rule,
            Some(s),
            svc(s, &format!("/security/{field}")),
            msg.to_string(),
        )
        .fix = set_fix(
            label.to_string(),
            svc(s, &format!("/security/{field}")),
            value,
        );
    };
    // The container's own settings win over the pod's, as the kubelet applies them.
    let uid = sec.effective_run_as_user();
    let uid_field = if sec.container_run_as_user.is_some() {
        "container_run_as_user"
    } else {
        "run_as_user"
    };
    let non_root = sec.effective_run_as_non_root();
    if (!non_root && uid.is_none()) || uid == Some(0) {
        // A known image that runs as a user of its own (postgres' 999, which owns its
        // data directory) runs as that one, as KP902 would set it; any other as a high
        // uid.
        let own = crate::images::of(s).filter(|k| k.uid > 0 && !k.needs_root);
        let mut edits = match own {
            Some(k) => crate::images::user_edits(s, k),
            None => vec![set(svc(s, "/security/run_as_non_root"), json!(true))],
        };
        if sec.container_run_as_non_root == Some(false) {
            edits.push(set(
                svc(s, "/security/container_run_as_non_root"),
                json!(null),
            ));
        }
        if own.is_none() && uid == Some(0) {
            // runAsNonRoot with uid 0 would refuse to start: move to a non-root uid.
            edits.push(set(
                svc(s, &format!("/security/{uid_field}")),
                json!(SUGGESTED_UID),
            ));
        } else if own.is_none() && sec.run_as_user.is_none() {
            edits.push(set(svc(s, "/security/run_as_user"), json!(SUGGESTED_UID)));
        }
        // A volume that was written as root is owned by root: the new uid could not
        // write it without the pod's fsGroup.
        let writes_volumes = !s.storage.is_empty()
            || s.volumes.iter().any(|v| {
                matches!(
                    v.source,
                    crate::model::VolumeSource::Claim {
                        read_only: false,
                        ..
                    }
                )
            });
        let group = own.is_none() && writes_volumes && sec.fs_group.is_none();
        if group {
            edits.push(set(svc(s, "/security/fs_group"), json!(SUGGESTED_UID)));
        }
        let message = if uid == Some(0) && non_root {
            "runAsUser is 0 but runAsNonRoot is true: the kubelet refuses to start the container"
                .to_string()
        } else if uid == Some(0) {
            "runAsUser is 0: the container runs as root".to_string()
        } else {
            "neither runAsNonRoot nor a non-zero runAsUser is set: the container may run as root"
                .to_string()
        };
        // An image that cannot run without root (nginx) runs as its unprivileged
        // variant's user, on the variant: not as a uid it would fail to start under.
        let root_only = crate::images::of(s).filter(|k| k.needs_root);
        let variant = root_only.and_then(|k| crate::images::unprivileged(s, k));
        // Its own configuration says where it listens: no step makes it start without
        // root, the configuration's port must move first.
        let kept = root_only.and_then(|k| Some((k, crate::images::own_config(s, k)?)));
        if let (Some((k, at)), None) = (kept, &variant) {
            let alt = k.non_root_alternative.unwrap_or_default();
            let message = format!(
                "{message}. The {} needs root, and `{}` mounts its own configuration at {at}, which says which ports it listens on: to run it without root, listen on ports above 1023 there, then use {alt}",
                k.title, s.name
            );
            cx.report(
                &RUNS_AS_ROOT,
                Some(s),
                svc(s, "/security/run_as_non_root"),
                message,
            );
        } else {
            let (label, edits) = match variant {
                Some((alt, moved, mut moves)) => {
                    moves.extend(crate::images::user_edits(&moved, alt));
                    if sec.container_run_as_non_root == Some(false) {
                        let path = svc(s, "/security/container_run_as_non_root");
                        moves.push(set(path, json!(null)));
                    }
                    let (uid, _) = alt.user(&moved.image_ref());
                    let label = format!("Use {} and run as its user (uid {uid})", moved.image);
                    (label, moves)
                }
                None => {
                    let label = match (own, group) {
                        (Some(k), _) => {
                            let (uid, gid) = k.user(&s.image_ref());
                            format!("Run as the image's own user (uid {uid}, gid {gid}, fsGroup {gid})")
                        }
                        (None, true) => format!(
                            "Run as non-root (uid {SUGGESTED_UID}, fsGroup {SUGGESTED_UID} for its volumes)"
                        ),
                        (None, false) => format!("Run as non-root (uid {SUGGESTED_UID})"),
                    };
                    (label, edits)
                }
            };
            cx.report(
                &RUNS_AS_ROOT,
                Some(s),
                svc(s, "/security/run_as_non_root"),
                message,
            )
            .fix = batch_fix(label, edits);
        }
    }
    // A known image's own user (postgres' 999) is what the image needs; an image that
    // works only as its own user is told another uid by KP902, whose fix is that user
    // (a high uid would fail to start it).
    let images_own = |u: i64| {
        crate::images::of(s).is_some_and(|k| {
            k.user(&s.image_ref()).0 == u
                || (k.fixed_uid && crate::images::runs_image_entrypoint(s))
        })
    };
    if let Some(uid @ 1..=HIGHEST_LOW_UID) = uid.filter(|u| !images_own(*u)) {
        flag(
            cx,
            &LOW_UID,
            uid_field,
            json!(SUGGESTED_UID),
            &format!("runAsUser {uid} is not above {HIGHEST_LOW_UID}"),
            &format!("Run as uid {SUGGESTED_UID}"),
        );
    }
    if !sec.read_only_root_fs {
        // A known image gets volumes for the paths it writes with it (else KP903 next).
        let mut read_only = s.clone();
        read_only.security.read_only_root_fs = true;
        let missing = (crate::images::of(s).filter(|_| s.command.is_empty()))
            .map(|known| (known, crate::images::unmounted(&read_only, known)))
            .filter(|(_, missing)| !missing.is_empty());
        match missing {
            Some((known, missing)) => {
                let path = svc(s, "/security/read_only_root_fs");
                let mut edits = vec![set(path.clone(), json!(true))];
                edits.extend(crate::images::volume_edits(&read_only, known, &missing));
                cx.report(
                    &WRITABLE_ROOT_FS,
                    Some(s),
                    path,
                    "the root filesystem is writable".into(),
                )
                .fix = batch_fix(
                    format!(
                        "Make the root filesystem read-only, with volumes at {}",
                        missing.join(", ")
                    ),
                    edits,
                );
            }
            None => flag(
                cx,
                &WRITABLE_ROOT_FS,
                "read_only_root_fs",
                json!(true),
                "the root filesystem is writable",
                "Make the root filesystem read-only",
            ),
        }
    }
    if !sec.no_privilege_escalation {
        flag(
            cx,
            &PRIVILEGE_ESCALATION,
            "no_privilege_escalation",
            json!(true),
            "allowPrivilegeEscalation is not false",
            "Forbid privilege escalation",
        );
    }
    if !sec.drop_all_capabilities {
        flag(
            cx,
            &CAPABILITIES_NOT_DROPPED,
            "drop_all_capabilities",
            json!(true),
            "capabilities are not dropped",
            "Drop all capabilities",
        );
    }
    if !sec.seccomp_runtime_default && !seccomp_set_where_applied(cx, s) {
        flag(
            cx,
            &NO_SECCOMP,
            "seccomp_runtime_default",
            json!(true),
            "no seccomp profile: every syscall is allowed",
            "Use the RuntimeDefault seccomp profile",
        );
    }
    if sec.automount_token != Some(false) && !token_kept_out_by_its_account(cx, s) {
        flag(
            cx,
            &TOKEN_AUTOMOUNTED,
            "automount_token",
            json!(false),
            "the service account token is mounted into the pod",
            "Do not mount the token",
        );
    }
    // A digest pins the image whatever its tag says (the runtime pulls by digest).
    let pinned = s.digest.as_deref().is_some_and(|d| !d.is_empty());
    if !pinned && crate::domain::moving_tag(&s.tag) {
        let shown = if s.tag.is_empty() {
            s.image.clone()
        } else {
            format!("{}:{}", s.image, s.tag)
        };
        let path = cx.overridable(s, OF::ImageTag);
        cx.report(
            &MUTABLE_IMAGE_TAG,
            Some(s),
            path,
            format!("image `{shown}` has no immutable tag"),
        );
    }
}

/// The pod spec of the rendered workload of `s` (kept details applied), whatever its kind.
fn rendered_pod(cx: &Ctx, s: &Service) -> Option<serde_json::Value> {
    let w = cx.rendered_workload(s)?;
    let template = super::rendered::template_at(w["kind"].as_str()?)?;
    w.pointer(&format!("{template}/spec")).cloned()
}

/// Whether its pods get no token anyway: the ServiceAccount they run as, kept whole from
/// an import (one several workloads share), says `automountServiceAccountToken: false`,
/// which a pod that leaves the field unset follows; or the kept details set it on the pod.
fn token_kept_out_by_its_account(cx: &Ctx, s: &Service) -> bool {
    if s.security.automount_token.is_some() || !cx.keeps_anything(s) {
        return false;
    }
    let Some(pod) = rendered_pod(cx, s) else {
        return false;
    };
    let off = serde_json::Value::Bool(false);
    match &pod["automountServiceAccountToken"] {
        serde_json::Value::Null => {}
        on_pod => return *on_pod == off,
    }
    let Some(account) = pod["serviceAccountName"].as_str() else {
        return false;
    };
    // (A pod runs as an account of its own namespace: not one pinned to another.)
    cx.design.kept_in(cx.env).any(|k| {
        k.kind() == "ServiceAccount"
            && k.name() == account
            && k.0["automountServiceAccountToken"] == off
    })
}

/// Whether the workload as rendered confines every container with a seccomp profile
/// anyway: an import may set `seccompProfile` per container (as ingress controllers do),
/// which the model's pod-level switch does not hold but the kept details render.
fn seccomp_set_where_applied(cx: &Ctx, s: &Service) -> bool {
    if !cx.keeps_anything(s) {
        return false;
    }
    let Some(pod) = rendered_pod(cx, s) else {
        return false;
    };
    let confined = |sc: &serde_json::Value| {
        matches!(
            sc["seccompProfile"]["type"].as_str(),
            Some("RuntimeDefault" | "Localhost")
        )
    };
    if confined(&pod["securityContext"]) {
        return true;
    }
    let containers: Vec<&serde_json::Value> = pod["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(pod["initContainers"].as_array().into_iter().flatten())
        .collect();
    !containers.is_empty() && containers.iter().all(|c| confined(&c["securityContext"]))
}

#[cfg(test)]
mod tests {
    use super::looks_secret;

    #[test]
    fn the_secret_heuristic_reads_the_name_as_words_and_ignores_flags_and_references() {
        let table = [
            // Secrets.
            ("DB_PASSWORD", "hunter2", true),
            ("MYSQL_ROOT_PASSWORD", "changeme", true),
            ("SMTP_PASS", "x7!k", true),
            ("JWT_SECRET", "s3cr3t", true),
            ("SECRET_KEY_BASE", "abc", true),
            ("AWS_SECRET_ACCESS_KEY", "wJalr", true),
            ("GITHUB_TOKEN", "ghp_x", true),
            ("STRIPE_API_KEY", "sk_live", true),
            ("X_APIKEY", "k", true),
            ("TLS_PRIVATE_KEY", "-----BEGIN", true),
            ("dbPassword", "hunter2", true),
            ("db.password", "hunter2", true),
            ("AUTHTOKEN", "t", true),
            ("REGISTRY_CREDENTIALS", "u:p", true),
            ("REDIS_PASSWORD", "", true),
            // Switches about a secret, not a secret.
            ("MYSQL_ALLOW_EMPTY_PASSWORD", "1", false),
            ("ALLOW_EMPTY_PASSWORD", "yes", false),
            ("MYSQL_RANDOM_ROOT_PASSWORD", "yes", false),
            ("REQUIRE_TOKEN", "x", false),
            // Where the secret is, not the secret.
            ("POSTGRES_PASSWORD_FILE", "/run/secrets/pg", false),
            ("MYSQL_PASSWORD_FILE", "/run/secrets/mysql", false),
            ("TLS_SECRET_NAME", "api-tls", false),
            ("SECRET_REF", "db-creds", false),
            ("SSH_PRIVATE_KEY_PATH", "/keys/id", false),
            (
                "GOOGLE_APPLICATION_CREDENTIALS",
                "/var/secrets/google/key.json",
                false,
            ),
            // Settings of a secret.
            ("TOKEN_TTL", "3600", false),
            ("PASSWORD_MIN_LENGTH", "12", false),
            ("OAUTH_TOKEN_URL", "https://auth.example.com/token", false),
            // Boolean values are flags whatever the name says.
            ("USE_PASSWORD", "true", false),
            ("PASSWORD_AUTH", "on", false),
            ("SECRET", "false", false),
            // No secret word at all.
            ("LOG_LEVEL", "info", false),
            ("PASSTHROUGH_MODE", "full", false),
            ("TOKENIZER", "bpe", false),
            ("KEYCLOAK_URL", "https://id", false),
            // A URL with a password in it is one, whatever it is called.
            (
                "DATABASE_URL",
                "postgres://notes:secret@postgres:5432/notes",
                true,
            ),
            ("BROKER", "amqp://guest:guest@rabbitmq:5672/", true),
            ("REDIS_URL", "redis://:hunter2@redis:6379/0", true),
            (
                "DATABASE_URL",
                "postgresql+asyncpg://user@postgres-service:5432/dbname",
                false,
            ),
            (
                "DATABASE_URL",
                "postgres://notes:$(DB_PASSWORD)@postgres/notes",
                false,
            ),
            // A compose variable Kubernetes does not expand: the URL is to be set.
            (
                "DATABASE_URL",
                "postgres://shop:${POSTGRES_PASSWORD}@postgres:5432/shop",
                true,
            ),
            ("UPSTREAM", "http://api:8080/v1?user=a:b@c", false),
            ("BYPASS_CACHE", "x", false),
        ];
        let wrong: Vec<String> = table
            .iter()
            .filter(|(n, v, want)| looks_secret(n, v) != *want)
            .map(|(n, v, want)| format!("{n}={v:?} should be {want}"))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }
}
