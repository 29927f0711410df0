//! Security rules (KP6xx): pod and container hardening, image tags, secrets kept out of
//! plain config, and default-deny networking. Fixtures: `core/tests/rules/security.rs`.

use super::catalog::*;
use super::context::{batch_fix, escape, set, set_fix, svc, Ctx, OverridableField as OF};
use super::Rule;
use crate::domain::{HIGHEST_LOW_UID, SUGGESTED_UID};
use crate::edit::{FieldPath, Target};
use crate::model::*;
use serde_json::json;

/// The security checks of the environment as a whole: default-deny networking and
/// ConfigMaps that hold secrets.
pub(super) fn environment(cx: &mut Ctx, deployed: &[Service]) {
    let env = cx.env;
    // Imported NetworkPolicies kept as they are may already deny by default.
    let kept_default_deny = cx.design.extra_objects.iter().any(|o| {
        o.kind() == "NetworkPolicy"
            && o.spec()["podSelector"]
                .as_object()
                .is_none_or(|m| m.is_empty())
            && o.spec()["ingress"].is_null()
    });
    if env.tier == Tier::Prod && !env.default_deny && !kept_default_deny && !deployed.is_empty() {
        cx.report(
            &NO_DEFAULT_DENY,
            None,
            FieldPath::environment(&env.name, "/default_deny"),
            format!(
                "`{}` lets every pod reach every other pod: no default-deny NetworkPolicy",
                env.name
            ),
        )
        .fix = set_fix(
            "Turn on default-deny with allows from the edges".into(),
            FieldPath::environment(&env.name, "/default_deny"),
            json!(true),
        );
    }
    for cm in &cx.design.config_maps {
        for (k, v) in &cm.data {
            if looks_secret(k) && !v.is_empty() {
                cx.report(
                    &SECRET_IN_PLAIN_CONFIG,
                    None,
                    FieldPath {
                        target: Target::ConfigMap(cm.name.clone()),
                        pointer: format!("/data/{}", escape(k)),
                    },
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
}

/// Whether a variable or key name looks like it holds a secret (kube-linter's
/// `env-var-secret` heuristic, widened).
pub(crate) fn looks_secret(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    [
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "CREDENTIAL",
    ]
    .iter()
    .any(|w| n.contains(w))
}

/// KP609: no variable that looks like a secret has a literal value.
fn secret_literals(cx: &mut Ctx, s: &Service) {
    for (i, v) in s.config.env.iter().enumerate() {
        if let EnvValue::Literal(val) = &v.value {
            if looks_secret(&v.name) && !val.is_empty() {
                cx.report(
                    &SECRET_IN_PLAIN_CONFIG,
                    Some(s),
                    svc(s, &format!("/config/env/{i}")),
                    format!("`{}` looks like a secret but is a literal value", v.name),
                );
            }
        }
    }
}

/// KP601 to KP608: the pod and container security context, the service account token and
/// the image tag.
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
    if !sec.run_as_non_root {
        let mut edits = vec![set(svc(s, "/security/run_as_non_root"), json!(true))];
        if sec.run_as_user.is_none_or(|u| u == 0) {
            edits.push(set(svc(s, "/security/run_as_user"), json!(SUGGESTED_UID)));
        }
        cx.report(
            &RUNS_AS_ROOT,
            Some(s),
            svc(s, "/security/run_as_non_root"),
            "runAsNonRoot is not set: the container may run as root".into(),
        )
        .fix = batch_fix(format!("Run as non-root (uid {SUGGESTED_UID})"), edits);
    }
    if let Some(uid @ 1..=HIGHEST_LOW_UID) = sec.run_as_user {
        flag(
            cx,
            &LOW_UID,
            "run_as_user",
            json!(SUGGESTED_UID),
            &format!("runAsUser {uid} is not above {HIGHEST_LOW_UID}"),
            &format!("Run as uid {SUGGESTED_UID}"),
        );
    }
    if !sec.read_only_root_fs {
        flag(
            cx,
            &WRITABLE_ROOT_FS,
            "read_only_root_fs",
            json!(true),
            "the root filesystem is writable",
            "Make the root filesystem read-only",
        );
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
    if !sec.seccomp_runtime_default {
        flag(
            cx,
            &NO_SECCOMP,
            "seccomp_runtime_default",
            json!(true),
            "no seccomp profile: every syscall is allowed",
            "Use the RuntimeDefault seccomp profile",
        );
    }
    if sec.automount_token != Some(false) {
        flag(
            cx,
            &TOKEN_AUTOMOUNTED,
            "automount_token",
            json!(false),
            "the service account token is mounted into the pod",
            "Do not mount the token",
        );
    }
    if s.tag.is_empty() || s.tag == "latest" {
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
