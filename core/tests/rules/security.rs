//! Fixtures of the security rules (KP6xx): pod and container hardening, secrets and network policy.
//! The checks are in `core/src/rules/security.rs`.

use super::*;

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP601",
            |d| api(d).security.run_as_non_root = false,
            |d| api(d).security.run_as_user = None,
        ),
        fx(
            "KP602",
            |d| api(d).security.run_as_user = Some(1000),
            |d| api(d).security.run_as_user = Some(10001),
        ),
        fx(
            "KP603",
            |d| api(d).security.read_only_root_fs = false,
            no_change,
        ),
        fx(
            "KP604",
            |d| api(d).security.no_privilege_escalation = false,
            no_change,
        ),
        fx(
            "KP605",
            |d| api(d).security.drop_all_capabilities = false,
            no_change,
        ),
        fx(
            "KP606",
            |d| api(d).security.seccomp_runtime_default = false,
            no_change,
        ),
        fx(
            "KP607",
            |d| api(d).security.automount_token = None,
            |d| api(d).security.dedicated_service_account = true,
        ),
        fx(
            "KP608",
            |d| api(d).tag = "latest".into(),
            |d| api(d).tag = "main".into(),
        ),
        fx("KP608", |d| api(d).tag = String::new(), no_change),
        fx(
            "KP609",
            |d| {
                api(d)
                    .config
                    .env
                    .push(EnvVar::literal("API_TOKEN", "abc123"))
            },
            |d| api(d).config.env.push(EnvVar::literal("API_TOKEN", "")),
        ),
        fx(
            "KP609",
            |d| {
                d.config_maps[0]
                    .data
                    .insert("DB_PASSWORD".into(), "hunter2".into());
            },
            no_change,
        ),
        fx_in(
            "KP610",
            "prod",
            |d| env(d, "prod").default_deny = false,
            no_change,
        ),
    ]
}
