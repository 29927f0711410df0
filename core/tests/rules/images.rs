//! Fixtures of the image rules (KP8xx): image references, and what known images need.
//! The checks are in `core/src/rules/images.rs`, the catalogue in `core/src/images.rs`.

use super::*;

const SHA: &str = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        // A tag typed into Image while Tag holds another: nginx:1.27:1.0.0.
        fx(
            "KP901",
            |d| api(d).image = "ghcr.io/acme/api:1.27".into(),
            |d| api(d).image = "localhost:5000/acme/api".into(),
        ),
        fx(
            "KP901",
            |d| api(d).image = "ghcr.io/Acme/API".into(),
            |d| api(d).image = "GHCR.io/acme/api".into(),
        ),
        fx(
            "KP901",
            |d| api(d).tag = "feature/login".into(),
            |d| api(d).tag = "feature-login_2.0".into(),
        ),
        fx(
            "KP901",
            |d| api(d).digest = Some("sha256:abc".into()),
            |d| api(d).digest = Some(SHA.into()),
        ),
        fx_in(
            "KP901",
            "dev",
            |d| {
                env(d, "dev").overrides.insert(
                    ServiceId(1),
                    Override {
                        image_tag: Some("-1.4.2-dev".into()),
                        ..Override::default()
                    },
                );
            },
            |d| {
                env(d, "dev").overrides.insert(
                    ServiceId(1),
                    Override {
                        image_tag: Some("1.4.2-dev".into()),
                        ..Override::default()
                    },
                );
            },
        ),
        fx(
            "KP901",
            |d| {
                api(d).containers.push(Container {
                    name: "proxy".into(),
                    image: "envoyproxy/envoy:v1.31:1".into(),
                    ..Container::default()
                })
            },
            |d| {
                api(d).containers.push(Container {
                    name: "proxy".into(),
                    image: "envoyproxy/envoy".into(),
                    tag: "v1.31.2".into(),
                    ..Container::default()
                })
            },
        ),
        // The official postgres image as the hardened defaults' uid 10001.
        fx(
            "KP902",
            |d| db(d).security.run_as_user = Some(10001),
            |d| db(d).security.run_as_user = Some(999),
        ),
        fx(
            "KP902",
            |d| db(d).security.run_as_user = None,
            |d| {
                db(d).security.run_as_user = None;
                db(d).security.run_as_non_root = false;
            },
        ),
        // The official nginx image needs root; the unprivileged one does not.
        fx(
            "KP902",
            |d| {
                api(d).image = "nginx".into();
                api(d).ports[0].port = 80;
            },
            |d| {
                api(d).image = "nginxinc/nginx-unprivileged".into();
                api(d).mounts.push(Mount {
                    volume: "tmp".into(),
                    path: "/tmp".into(),
                    ..Mount::default()
                });
                api(d).volumes.push(Volume {
                    name: "tmp".into(),
                    source: VolumeSource::default(),
                });
            },
        ),
        fx(
            "KP903",
            |d| db(d).mounts.clear(),
            |d| {
                db(d).mounts.clear();
                db(d).security.read_only_root_fs = false;
            },
        ),
        fx(
            "KP903",
            |d| db(d).storage.clear(),
            |d| db(d).storage[0].mount_path = "/var/lib/postgresql".into(),
        ),
        // The near miss runs its own command with the image (a `pg_dump` backup), which
        // writes where the design says, not where the image's entrypoint would.
        fx(
            "KP903",
            |d| db(d).mounts.clear(),
            |d| {
                db(d).mounts.clear();
                db(d).command = vec!["pg_dump".into(), "--file=/backups/db.dump".into()];
            },
        ),
        // Postgres 18 (or untagged: the newest) with its claim where every older
        // example mounts it, unless PGDATA says where the data is.
        fx(
            "KP905",
            |d| {
                db(d).tag = "18.1".into();
                db(d).config.env.clear();
            },
            |d| {
                db(d).tag = "18.1".into();
                db(d).config.env.clear();
                db(d).storage[0].mount_path = "/var/lib/postgresql".into();
            },
        ),
        fx(
            "KP905",
            |d| {
                db(d).tag = String::new();
                db(d).config.env.clear();
            },
            |d| db(d).tag = String::new(),
        ),
        // Postgres before 18 with its claim above its VOLUME, which then holds the data.
        fx(
            "KP905",
            |d| db(d).storage[0].mount_path = "/var/lib/postgresql".into(),
            |d| db(d).storage[0].mount_path = "/var/lib/postgresql/data/".into(),
        ),
        // Postgres before 18 with its claim right on the data directory.
        fx(
            "KP906",
            |d| db(d).config.env.clear(),
            |d| {
                db(d).config.env.clear();
                db(d).tag = "18.1".into();
                db(d).storage[0].mount_path = "/var/lib/postgresql".into();
            },
        ),
        // Postgres with no superuser password; the near miss trusts every connection
        // instead (which the entrypoint accepts, with a warning).
        fx(
            "KP907",
            |d| no_password(db(d)),
            |d| {
                no_password(db(d));
                let trust = EnvVar::literal("POSTGRES_HOST_AUTH_METHOD", "trust");
                db(d).config.env.push(trust);
            },
        ),
        // ... another method, and an empty password; the near miss reads the password
        // with a Secret read whole that has the key.
        fx(
            "KP907",
            |d| {
                no_password(db(d));
                let md5 = EnvVar::literal("POSTGRES_HOST_AUTH_METHOD", "md5");
                db(d).config.env.push(md5);
                db(d)
                    .config
                    .env
                    .push(EnvVar::literal("POSTGRES_PASSWORD", ""));
            },
            |d| {
                no_password(db(d));
                d.secrets.push(SecretDef {
                    name: "pg".into(),
                    kind: "Opaque".into(),
                    keys: vec!["POSTGRES_USER".into(), "POSTGRES_PASSWORD".into()],
                    ..SecretDef::default()
                });
                db(d).config.env_from.push(EnvFrom::Secret("pg".into()));
            },
        ),
        // ... a Secret read whole that lacks the key; the near miss runs another
        // program of the image (a backup), whose entrypoint is not the image's.
        fx(
            "KP907",
            |d| {
                no_password(db(d));
                d.secrets.push(SecretDef {
                    name: "pg".into(),
                    kind: "Opaque".into(),
                    keys: vec!["POSTGRES_USER".into()],
                    ..SecretDef::default()
                });
                db(d).config.env_from.push(EnvFrom::Secret("pg".into()));
            },
            |d| {
                no_password(db(d));
                db(d).command = vec!["pg_dump".into(), "--file=/backups/db.dump".into()];
            },
        ),
        // Read whole from two ConfigMaps, the last of which says another method (the
        // last source of a key wins); the near miss runs a client through the image's
        // entrypoint (`args: [psql, ...]`), which runs it as it is.
        fx(
            "KP907",
            |d| {
                no_password(db(d));
                for (name, method) in [("pg-trust", "trust"), ("pg-scram", "scram-sha-256")] {
                    d.config_maps.push(ConfigMapDef {
                        name: name.into(),
                        data: [("POSTGRES_HOST_AUTH_METHOD".to_string(), method.to_string())]
                            .into(),
                        ..ConfigMapDef::default()
                    });
                    db(d).config.env_from.push(EnvFrom::ConfigMap(name.into()));
                }
            },
            |d| {
                no_password(db(d));
                db(d).args = vec!["psql".into(), "-c".into(), "select 1".into()];
            },
        ),
        // MySQL with none of its root password options; the near miss has it make a
        // random one.
        fx(
            "KP907",
            |d| db(d).image = "mysql".into(),
            |d| {
                db(d).image = "mysql".into();
                let random = EnvVar::literal("MYSQL_RANDOM_ROOT_PASSWORD", "yes");
                db(d).config.env.push(random);
            },
        ),
        fx(
            "KP904",
            |d| db(d).ports[0].port = 5433,
            |d| {
                db(d).ports[0].port = 5433;
                db(d).args = vec!["-p".into(), "5433".into()];
            },
        ),
    ]
}

fn finding(d: &Design, code: &str) -> Finding {
    findings_of(d, "prod", code)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no {code}"))
}

#[test]
fn a_tag_typed_into_the_image_is_an_error_that_moves_it_to_tag() {
    let mut d = baseline();
    api(&mut d).image = "nginx:1.27".into();
    api(&mut d).tag = "1.0.0".into();
    let f = finding(&d, "KP901");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.message,
        "image `nginx:1.27` already has tag `1.27` and Tag adds `1.0.0`: `nginx:1.27:1.0.0` is not a valid image reference"
    );
    assert_eq!(f.path, FieldPath::service(ServiceId(1), "/image"));
    let fix = f.fix.unwrap();
    assert_eq!(fix.label, "Use tag 1.27 (image nginx)");
    d.apply(fix.edit).unwrap();
    assert_eq!(d.service(ServiceId(1)).unwrap().image_ref(), "nginx:1.27");
    assert!(findings_of(&d, "prod", "KP901").is_empty());
}

#[test]
fn an_invalid_tag_from_an_override_points_at_the_override() {
    let mut d = baseline();
    env(&mut d, "prod").overrides.insert(
        ServiceId(1),
        Override {
            image_tag: Some("release/2".into()),
            ..Override::default()
        },
    );
    let f = finding(&d, "KP901");
    assert_eq!(
        f.path,
        FieldPath::environment("prod", "/overrides/1/image_tag")
    );
    assert_eq!(f.fix.unwrap().label, "Use tag release-2");
}

#[test]
fn postgres_run_as_the_hardened_uid_is_told_its_own_user() {
    let mut d = baseline();
    db(&mut d).security = Security::hardened();
    let f = finding(&d, "KP902");
    assert_eq!(
        f.message,
        "postgres runs as uid 999 (the files it writes at start-up belong to that user): as runAsUser 10001 it fails to start"
    );
    let fix = f.fix.unwrap();
    assert_eq!(fix.label, "Run as uid 999 (the image's user)");
    d.apply(fix.edit).unwrap();
    let codes = template_free_codes(&d, "prod");
    assert!(
        !codes.contains("KP902") && !codes.contains("KP602"),
        "{codes:?}"
    );
}

/// Alpine builds of the Docker library images make their user with Alpine's ids:
/// postgres' is 70 (Alpine's own postgres user), not the Debian build's 999. The rule,
/// its fix and the non-root fix (KP601) read the tag; 999 on an Alpine tag is told too.
#[test]
fn an_alpine_postgres_runs_as_alpines_postgres_user() {
    let mut d = baseline();
    db(&mut d).tag = "16.4-alpine3.20".into();
    db(&mut d).security = Security::hardened();
    let f = finding(&d, "KP902");
    assert_eq!(
        f.message,
        "postgres runs as uid 70 (the files it writes at start-up belong to that user): as runAsUser 10001 it fails to start"
    );
    let fix = f.fix.unwrap();
    assert_eq!(fix.label, "Run as uid 70 (the image's user)");
    d.apply(fix.edit).unwrap();
    let security = &db(&mut d).security;
    assert_eq!(
        (
            security.run_as_user,
            security.run_as_group,
            security.fs_group
        ),
        (Some(70), Some(70), Some(70))
    );
    let codes = template_free_codes(&d, "prod");
    assert!(
        !codes.contains("KP902") && !codes.contains("KP602"),
        "{codes:?}"
    );
    // The Debian build's user is not the Alpine build's; KP902 says so, and KP602 (a
    // low uid) does not offer a high uid the image would fail to start as.
    db(&mut d).security.run_as_user = Some(999);
    assert!(finding(&d, "KP902").message.contains("runs as uid 70"));
    let low: Vec<_> = (findings_of(&d, "prod", "KP602").into_iter())
        .filter(|f| f.service.as_deref() == Some("db"))
        .collect();
    assert!(low.is_empty(), "{low:#?}");
    // Back on a Debian tag, 70 is the one that is told.
    db(&mut d).security.run_as_user = Some(70);
    db(&mut d).tag = "16.4-bookworm".into();
    assert!(finding(&d, "KP902").message.contains("runs as uid 999"));
}

/// The catalogue's settings on an Alpine tag run the image as that build's user, and
/// leave no image or security finding of their own; the inspector's summary says it.
#[test]
fn the_catalogue_settings_on_an_alpine_tag_use_its_user() {
    for (repo, tag, user) in [
        ("postgres", "17-alpine", (70, 70)),
        ("redis", "7.4-alpine", (999, 1000)),
        ("rabbitmq", "4-management-alpine", (100, 101)),
        ("postgres", "17", (999, 999)),
    ] {
        let mut d = baseline();
        let s = db(&mut d);
        s.image = repo.into();
        s.tag = tag.into();
        let s = s.clone();
        let known = kubeprint_core::images::of(&s).unwrap();
        assert!(
            known
                .summary(&s.image_ref())
                .contains(&format!("runs as uid {}", user.0)),
            "{repo}:{tag}: {}",
            known.summary(&s.image_ref())
        );
        d.apply(kubeprint_core::images::settings(&s).unwrap())
            .unwrap();
        let security = &db(&mut d).security;
        assert_eq!(
            (
                security.run_as_user,
                security.run_as_group,
                security.fs_group
            ),
            (Some(user.0), Some(user.1), Some(user.1)),
            "{repo}:{tag}"
        );
        let found: Vec<_> = validate(&d, "prod")
            .into_iter()
            .filter(|f| f.service.as_deref() == Some("db"))
            .filter(|f| ["KP601", "KP602", "KP902"].contains(&f.code))
            .map(|f| format!("{} {}", f.code, f.message))
            .collect();
        assert!(found.is_empty(), "{repo}:{tag}: {found:#?}");
    }
}

#[test]
fn nginx_needs_root_and_its_fix_moves_to_the_unprivileged_image_and_port() {
    let mut d = baseline();
    api(&mut d).image = "nginx".into();
    api(&mut d).ports[0].port = 80;
    let f = finding(&d, "KP902");
    assert!(f.message.starts_with("the nginx (Docker official image) starts as root and cannot start with runAsUser 10001"), "{}", f.message);
    assert!(f
        .message
        .ends_with("Use nginxinc/nginx-unprivileged, or let it run as root."));
    d.apply(f.fix.unwrap().edit).unwrap();
    let s = d.service(ServiceId(1)).unwrap();
    assert_eq!(
        (s.image.as_str(), s.ports[0].port),
        ("nginxinc/nginx-unprivileged", 8080)
    );
    let codes = template_free_codes(&d, "prod");
    assert!(
        !codes.contains("KP902") && !codes.contains("KP904"),
        "{codes:?}"
    );
}

/// An nginx that runs as root (as a compose file or a blog post has it): KP601's fix is
/// the combination that starts, the unprivileged variant on its port as its own user,
/// not a high uid nginx would fail to start as (KP902, then another fix). A Service port
/// that targets the container port by number follows it. Also after a link.
#[test]
fn nginx_as_root_is_fixed_in_one_step_to_the_unprivileged_variant() {
    let mut d = baseline();
    let s = api(&mut d);
    s.image = "nginx".into();
    s.tag = "1.27".into();
    s.ports[0].port = 80;
    s.exposure.ports[0].target = PortRef::Number(80);
    s.security.run_as_non_root = false;
    s.security.run_as_user = None;
    s.security.run_as_group = None;
    s.security.fs_group = None;
    for through_link in [false, true] {
        let mut d = match through_link {
            false => d.clone(),
            true => link::decode(&link::link("https://k.example/", &d)).unwrap(),
        };
        let f = finding(&d, "KP601");
        let fix = f.fix.unwrap();
        assert_eq!(
            fix.label,
            "Use nginxinc/nginx-unprivileged and run as its user (uid 101)"
        );
        d.apply(fix.edit).unwrap();
        let s = d.service(ServiceId(1)).unwrap();
        assert_eq!(
            (
                s.image.as_str(),
                s.ports[0].port,
                s.exposure.ports[0].target.clone()
            ),
            ("nginxinc/nginx-unprivileged", 8080, PortRef::Number(8080))
        );
        assert_eq!(
            (s.security.run_as_non_root, s.security.run_as_user),
            (true, Some(101))
        );
        let codes = template_free_codes(&d, "prod");
        for code in ["KP601", "KP902", "KP904", "KP301"] {
            assert!(!codes.contains(code), "{code}: {codes:?}");
        }
    }
}

/// An nginx that mounts its own configuration listens where that says: no fix moves it
/// to the unprivileged variant on 8080 (it would still listen on 80, which uid 101
/// cannot bind), nor runs it as a uid it cannot start under; the findings say what to
/// change first.
#[test]
fn an_nginx_with_its_own_configuration_is_told_to_move_its_port_first() {
    let mut d = baseline();
    let s = api(&mut d);
    s.image = "nginx".into();
    s.tag = "1.27".into();
    s.ports[0].port = 80;
    s.security.run_as_non_root = false;
    s.security.run_as_user = None;
    s.security.run_as_group = None;
    s.security.fs_group = None;
    s.volumes.push(Volume {
        name: "conf".into(),
        source: VolumeSource::ConfigMap {
            name: "api-config".into(),
        },
    });
    s.mounts.push(Mount {
        volume: "conf".into(),
        path: "/etc/nginx/conf.d/default.conf".into(),
        read_only: true,
        sub_path: "default.conf".into(),
    });
    (d.config_maps[0].data).insert("default.conf".into(), "server { listen 80; }\n".into());
    let f = finding(&d, "KP601");
    assert!(f.fix.is_none(), "{:?}", f.fix.map(|f| f.label));
    assert!(
        f.message.ends_with("`api` mounts its own configuration at /etc/nginx/conf.d/default.conf, which says which ports it listens on: to run it without root, listen on ports above 1023 there, then use nginxinc/nginx-unprivileged"),
        "{}",
        f.message
    );
    // Run as a uid anyway: KP902 says the same, with no fix.
    api(&mut d).security.run_as_user = Some(10001);
    let f = finding(&d, "KP902");
    assert!(f.fix.is_none());
    assert!(f.message.contains("listen on ports above 1023 there, then use nginxinc/nginx-unprivileged; or let it run as root."), "{}", f.message);
}

#[test]
fn the_writable_paths_fix_adds_empty_dirs_and_a_claim_for_data() {
    let mut d = baseline();
    db(&mut d).storage.clear();
    db(&mut d).mounts.clear();
    db(&mut d).volumes.clear();
    let f = finding(&d, "KP903");
    assert_eq!(
        f.message,
        "postgres writes to /var/lib/postgresql/data/pgdata, /var/run/postgresql, but the root filesystem is read-only and nothing is mounted there: it fails at start-up"
    );
    d.apply(f.fix.unwrap().edit).unwrap();
    let s = d.service(ServiceId(2)).unwrap();
    assert_eq!(
        s.storage[0].mount_path, "/var/lib/postgresql/data",
        "a StatefulSet keeps its data, PGDATA a directory of the claim"
    );
    assert_eq!(s.mounts[0].path, "/var/run/postgresql");
    assert_eq!(s.volumes[0].name, s.mounts[0].volume);
    assert!(findings_of(&d, "prod", "KP903").is_empty());
}

/// Where the data claim goes as the image's version and PGDATA say: never right on a
/// data directory that must start empty, never where postgres 18 refuses it, always
/// exactly on the image's VOLUME when the data is in it (a claim above it would not
/// hold the data).
#[test]
fn the_claim_for_postgres_data_goes_where_its_version_keeps_it() {
    for (tag, pgdata, mount, pgdata_after) in [
        (
            "16.4",
            None,
            "/var/lib/postgresql/data",
            Some("/var/lib/postgresql/data/pgdata"),
        ),
        (
            "16.4",
            Some("/srv/pg/data"),
            "/srv/pg",
            Some("/srv/pg/data"),
        ),
        (
            "16.4",
            Some("/var/lib/postgresql/data/db"),
            "/var/lib/postgresql/data",
            Some("/var/lib/postgresql/data/db"),
        ),
        ("18.1", None, "/var/lib/postgresql", None),
        ("", None, "/var/lib/postgresql", None),
        ("alpine", None, "/var/lib/postgresql", None),
    ] {
        let mut d = baseline();
        let s = db(&mut d);
        (s.tag, s.mounts, s.volumes) = (tag.into(), Vec::new(), Vec::new());
        s.storage.clear();
        s.config.env = (pgdata.into_iter())
            .map(|dir| EnvVar::literal("PGDATA", dir))
            .collect();
        d.apply(finding(&d, "KP903").fix.unwrap().edit).unwrap();
        let s = d.service(ServiceId(2)).unwrap();
        assert_eq!(s.storage[0].mount_path, mount, "{tag} {pgdata:?}");
        let set = (s.config.env.iter().find(|v| v.name == "PGDATA")).map(|v| &v.value);
        assert_eq!(
            set,
            pgdata_after.map(|p| EnvValue::Literal(p.into())).as_ref(),
            "{tag} {pgdata:?}"
        );
        let codes = template_free_codes(&d, "prod");
        assert!(
            !codes.contains("KP903") && !codes.contains("KP905") && !codes.contains("KP906"),
            "{tag} {pgdata:?}: {codes:?}"
        );
    }
}

#[test]
fn postgres_18_with_its_volume_on_the_old_path_is_told_to_move_it() {
    let mut d = baseline();
    db(&mut d).config.env.clear();
    db(&mut d).tag = "18.1".into();
    let f = finding(&d, "KP905");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(
        f.message,
        "postgres:18.1 keeps its data in a directory of its own under /var/lib/postgresql: with a volume on /var/lib/postgresql/data it refuses to start"
    );
    assert_eq!(
        f.path,
        FieldPath::service(ServiceId(2), "/storage/0/mount_path")
    );
    db(&mut d).tag = String::new();
    let f = finding(&d, "KP905");
    assert!(
        f.message.starts_with(
            "postgres without a version in its tag runs the newest (18 or later), which keeps"
        ),
        "{}",
        f.message
    );
    // Pinned by a digest alone, the version cannot be told: no finding either way.
    let mut pinned = d.clone();
    db(&mut pinned).digest = Some(SHA.into());
    assert!(findings_of(&pinned, "prod", "KP905").is_empty());
    d.apply(f.fix.unwrap().edit).unwrap();
    assert_eq!(
        d.service(ServiceId(2)).unwrap().storage[0].mount_path,
        "/var/lib/postgresql"
    );
    let codes = template_free_codes(&d, "prod");
    assert!(
        !codes.contains("KP905") && !codes.contains("KP906"),
        "{codes:?}"
    );
}

/// Postgres before 18 with its claim one level up: the image's VOLUME below it gets a
/// directory of the container's own, which holds the data instead.
#[test]
fn postgres_16_with_its_claim_above_its_volume_is_told_it_loses_its_data() {
    let mut d = baseline();
    db(&mut d).config.env.clear();
    db(&mut d).storage[0].mount_path = "/var/lib/postgresql".into();
    let f = finding(&d, "KP905");
    assert_eq!(
        f.message,
        "claim `data` is mounted on /var/lib/postgresql, above the image's VOLUME /var/lib/postgresql/data: the container runtime (containerd) mounts a directory of the container's own on /var/lib/postgresql/data, so the postgres data is lost when the container is replaced"
    );
    let fix = f.fix.unwrap();
    assert_eq!(
        fix.label,
        "Mount it on /var/lib/postgresql/data, PGDATA /var/lib/postgresql/data/pgdata"
    );
    d.apply(fix.edit).unwrap();
    let codes = template_free_codes(&d, "prod");
    assert!(
        !codes.contains("KP905") && !codes.contains("KP906"),
        "{codes:?}"
    );
    // With the data in a directory of the VOLUME already, only the claim moves.
    let mut d = baseline();
    db(&mut d).storage[0].mount_path = "/var/lib/postgresql/".into();
    let fix = finding(&d, "KP905").fix.unwrap();
    assert_eq!(fix.label, "Mount it on /var/lib/postgresql/data");
    d.apply(fix.edit).unwrap();
    assert!(
        template_free_codes(&d, "prod").is_empty()
            || !template_free_codes(&d, "prod").contains("KP905")
    );
}

#[test]
fn postgres_17_with_its_claim_on_the_data_directory_gets_pgdata_below_it() {
    let mut d = baseline();
    db(&mut d).config.env = vec![EnvVar::literal("TZ", "UTC")];
    db(&mut d).tag = "17.2".into();
    let f = finding(&d, "KP906");
    assert_eq!(
        f.message,
        "postgres keeps its data in /var/lib/postgresql/data, right where claim `data` is mounted: a new volume's filesystem holds lost+found there, and the first start refuses a data directory that is not empty"
    );
    let fix = f.fix.unwrap();
    assert_eq!(
        fix.label,
        "Set PGDATA to /var/lib/postgresql/data/pgdata (for a new volume: data already on it stays where it is)"
    );
    d.apply(fix.edit).unwrap();
    let env = &d.service(ServiceId(2)).unwrap().config.env;
    assert_eq!(
        env,
        &vec![
            EnvVar::literal("TZ", "UTC"),
            EnvVar::literal("PGDATA", "/var/lib/postgresql/data/pgdata")
        ]
    );
    let codes = template_free_codes(&d, "prod");
    assert!(
        !codes.contains("KP906") && !codes.contains("KP903"),
        "{codes:?}"
    );
}

#[test]
fn the_catalogue_settings_of_each_known_image_leave_no_image_finding() {
    for known in kubeprint_core::images::IMAGES {
        for kind in [WorkloadKind::Deployment, WorkloadKind::StatefulSet] {
            let mut d = baseline();
            let s = api(&mut d);
            s.image = known.repositories[0].to_string();
            s.kind = kind;
            let s = s.clone();
            d.apply(kubeprint_core::images::settings(&s).unwrap())
                .unwrap();
            let found: Vec<_> = validate(&d, "prod")
                .into_iter()
                .filter(|f| f.service.as_deref() == Some("api"))
                .filter(|f| {
                    f.code.starts_with("KP8")
                        || [
                            "KP106", "KP108", "KP109", "KP110", "KP301", "KP302", "KP303", "KP304",
                        ]
                        .contains(&f.code)
                })
                .filter(|f| !(known.needs_root && f.code == "KP902"))
                .map(|f| format!("{} {}", f.code, f.message))
                .collect();
            assert!(found.is_empty(), "{} ({kind:?}): {found:#?}", known.name);
        }
    }
}

/// A postgres StatefulSet as manifests publish it, imported: the claim mounted through
/// a `subPath` (kept from the import, the model has no field for it) puts the data in
/// a directory of the volume, so KP906 is quiet; without it, KP906 speaks. With 18 the
/// old mount path is refused either way (KP905).
#[test]
fn an_imported_postgres_claim_through_a_sub_path_is_not_on_its_data_directory() {
    let manifest = |tag: &str, sub_path: &str| {
        format!(
            "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: orders-db
  labels:
    app.kubernetes.io/name: orders-db
spec:
  serviceName: orders-db
  replicas: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: orders-db
  template:
    metadata:
      labels:
        app.kubernetes.io/name: orders-db
    spec:
      securityContext:
        fsGroup: 999
      containers:
        - name: postgres
          image: postgres:{tag}
          ports:
            - name: postgres
              containerPort: 5432
          env:
            - name: POSTGRES_DB
              value: orders
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data{sub_path}
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 20Gi
"
        )
    };
    let codes = |tag: &str, sub_path: &str| -> Vec<&'static str> {
        let d = kubeprint_core::import::kubernetes(&manifest(tag, sub_path)).design;
        let env = d.environments[0].name.clone();
        validate(&d, &env).into_iter().map(|f| f.code).collect()
    };
    let sub = "\n              subPath: pgdata";
    assert!(
        !codes("16.4", sub).contains(&"KP906"),
        "{:?}",
        codes("16.4", sub)
    );
    assert!(codes("16.4", "").contains(&"KP906"));
    assert!(codes("18.1", sub).contains(&"KP905"));
    assert!(!codes("18.1", sub).contains(&"KP906"));
}

/// The image's settings put the data volume where the version keeps it (KP905's edits),
/// and leave a claim that may already hold data alone (KP906 says what to do there).
#[test]
fn the_image_settings_move_the_data_volume_but_not_existing_data() {
    let mut d = baseline();
    db(&mut d).tag = "18.1".into();
    db(&mut d).config.env.clear();
    let edit = kubeprint_core::images::pending_settings(d.service(ServiceId(2)).unwrap())
        .expect("settings pending");
    d.apply(edit).unwrap();
    let s = d.service(ServiceId(2)).unwrap();
    assert_eq!(s.storage[0].mount_path, "/var/lib/postgresql");
    assert!(!template_free_codes(&d, "prod").contains("KP905"));
    let mut d = baseline();
    db(&mut d).config.env.clear();
    if let Some(edit) = kubeprint_core::images::pending_settings(d.service(ServiceId(2)).unwrap()) {
        d.apply(edit).unwrap();
    }
    let s = d.service(ServiceId(2)).unwrap();
    assert!(s.config.env.iter().all(|v| v.name != "PGDATA"));
    assert!(template_free_codes(&d, "prod").contains("KP906"));
}

/// Making a known image's root filesystem read-only mounts volumes where it writes, in
/// the same fix; and arguments given to its entrypoint (`-c max_connections=200`) still
/// run that entrypoint, which writes there.
#[test]
fn a_read_only_root_for_a_known_image_comes_with_its_volumes() {
    let mut d = baseline();
    db(&mut d).security.read_only_root_fs = false;
    db(&mut d).mounts.clear();
    db(&mut d).volumes.clear();
    let f = findings_of(&d, "prod", "KP603")
        .into_iter()
        .find(|f| f.path == FieldPath::service(ServiceId(2), "/security/read_only_root_fs"))
        .expect("KP603 on db");
    let fix = f.fix.unwrap();
    assert_eq!(
        fix.label,
        "Make the root filesystem read-only, with volumes at /var/run/postgresql"
    );
    d.apply(fix.edit).unwrap();
    let codes = template_free_codes(&d, "prod");
    assert!(
        !codes.contains("KP903") && !codes.contains("KP603"),
        "{codes:?}"
    );
    db(&mut d).mounts.clear();
    db(&mut d).args = vec!["-c".into(), "max_connections=200".into()];
    assert!(template_free_codes(&d, "prod").contains("KP903"));
}

/// The database without the superuser password the baseline reads from a Secret.
fn no_password(db: &mut Service) {
    db.config.env.retain(|e| e.name != "POSTGRES_PASSWORD");
}

/// KP907's fix gives postgres its password from a key of its own Secret, made with the
/// key, and nothing else of the design changes; a Secret that has the key already is
/// read instead. Also after a share link.
#[test]
fn a_database_without_its_password_reads_it_from_a_secret() {
    let mut d = baseline();
    no_password(db(&mut d));
    for through_link in [false, true] {
        let mut d = match through_link {
            false => d.clone(),
            true => link::decode(&link::link("https://k.example/", &d)).unwrap(),
        };
        let f = finding(&d, "KP907");
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(f.path, FieldPath::service(ServiceId(2), "/config/env"));
        assert!(
            f.message.starts_with("postgres's entrypoint needs a superuser password (`POSTGRES_PASSWORD`, `POSTGRES_PASSWORD_FILE`, `POSTGRES_HOST_AUTH_METHOD=trust`), and `db` sets none"),
            "{}",
            f.message
        );
        let fix = f.fix.unwrap();
        assert_eq!(
            fix.label,
            "Read `POSTGRES_PASSWORD` from Secret `db-secrets` (a placeholder there: set its value in the cluster)"
        );
        let before = d.clone();
        d.apply(fix.edit).unwrap();
        assert_eq!(d.secret("db-secrets").unwrap().keys, ["POSTGRES_PASSWORD"]);
        assert_eq!(
            d.made_said(&before).unwrap(),
            "Made Secret `db-secrets` with key `POSTGRES_PASSWORD`: the export writes a placeholder there; set the real value in the cluster."
        );
        let env = &db(&mut d).config.env;
        assert_eq!(
            env[..env.len() - 1],
            before.service(ServiceId(2)).unwrap().config.env[..]
        );
        assert_eq!(
            env.last().unwrap().value,
            EnvValue::SecretKey {
                name: "db-secrets".into(),
                key: "POSTGRES_PASSWORD".into()
            }
        );
        for env in ["prod", "dev"] {
            assert!(
                validate(&d, env).is_empty(),
                "{env}: {:#?}",
                validate(&d, env)
            );
        }
    }
    // A Secret that has the key already is the one read.
    d.secrets.push(SecretDef {
        name: "pg-superuser".into(),
        kind: "Opaque".into(),
        keys: vec!["POSTGRES_PASSWORD".into()],
        ..SecretDef::default()
    });
    let fix = finding(&d, "KP907").fix.unwrap();
    let before = d.clone();
    d.apply(fix.edit).unwrap();
    assert!(d.secret("db-secrets").is_none());
    assert_eq!(d.made_said(&before), None, "nothing made");
    assert!(findings_of(&d, "prod", "KP907").is_empty());
}

/// KP907's fix puts the password where the empty one was, or before the first variable
/// that refers to it (Kubernetes expands `$(NAME)` only from variables before it).
#[test]
fn the_password_goes_before_what_refers_to_it() {
    let mut d = baseline();
    no_password(db(&mut d));
    let env = &mut db(&mut d).config.env;
    env.insert(
        0,
        EnvVar::literal(
            "DATABASE_URL",
            "postgres://postgres:$(POSTGRES_PASSWORD)@localhost/db",
        ),
    );
    let fix = finding(&d, "KP907").fix.unwrap();
    d.apply(fix.edit).unwrap();
    let names: Vec<&str> = db(&mut d)
        .config
        .env
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    assert_eq!(names, ["POSTGRES_PASSWORD", "DATABASE_URL", "PGDATA"]);
    // An empty one is replaced where it is.
    let mut d = baseline();
    no_password(db(&mut d));
    db(&mut d)
        .config
        .env
        .insert(0, EnvVar::literal("POSTGRES_PASSWORD", ""));
    let fix = finding(&d, "KP907").fix.unwrap();
    d.apply(fix.edit).unwrap();
    let env = &db(&mut d).config.env;
    assert_eq!(env.len(), 2);
    assert_eq!(env[0].name, "POSTGRES_PASSWORD");
    assert!(matches!(env[0].value, EnvValue::SecretKey { .. }));
}

/// KP904 reads what the server is told: a port its command, arguments, variables, the
/// ConfigMaps it reads them from, or the configuration files it reads say to listen on
/// is where the design told it to; arguments that say nothing of it leave the image
/// listening where it does, and a number that is another host's port says nothing. A
/// file or variable the design does not know may say anything, and a program of the
/// image other than its server listens where it does. Also after a link.
#[test]
fn a_port_is_checked_against_what_the_container_is_told() {
    fn told(change: impl FnOnce(&mut Service, &mut Vec<ConfigMapDef>)) -> bool {
        let mut d = baseline();
        db(&mut d).ports[0].port = 5433;
        let mut config_maps = std::mem::take(&mut d.config_maps);
        change(db(&mut d), &mut config_maps);
        d.config_maps = config_maps;
        let linked = link::decode(&link::link("https://k.example/", &d)).unwrap();
        let fired = !findings_of(&d, "prod", "KP904").is_empty();
        assert_eq!(fired, !findings_of(&linked, "prod", "KP904").is_empty());
        fired
    }
    fn config_map(name: &str, key: &str, text: &str) -> ConfigMapDef {
        ConfigMapDef {
            name: name.into(),
            data: [(key.to_string(), text.to_string())].into(),
            ..ConfigMapDef::default()
        }
    }
    /// `postgresql.conf` of this text mounted at /etc/postgresql, as the arguments read it.
    fn with_file(s: &mut Service, cms: &mut Vec<ConfigMapDef>, text: &str) {
        cms.push(config_map("db-config", "postgresql.conf", text));
        s.volumes.push(Volume {
            name: "config".into(),
            source: VolumeSource::ConfigMap {
                name: "db-config".into(),
            },
        });
        s.mounts.push(Mount {
            volume: "config".into(),
            path: "/etc/postgresql".into(),
            read_only: true,
            sub_path: String::new(),
        });
        s.args = vec![
            "-c".into(),
            "config_file=/etc/postgresql/postgresql.conf".into(),
        ];
    }
    let literal = |name: &str, value: &str| EnvVar::literal(name, value);
    // Arguments about something else: still postgres on 5432.
    assert!(told(
        |s, _| s.args = vec!["-c".into(), "max_connections=200".into()]
    ));
    assert!(told(
        |s, _| s.args = vec!["-c".into(), "shared_buffers=15433kB".into()]
    ));
    // Told where to listen, by argument, variable, or a ConfigMap's key or file.
    assert!(!told(|s, _| s.args = vec!["-c".into(), "port=5433".into()]));
    assert!(!told(|s, _| s.args = vec!["-p".into(), "5433".into()]));
    assert!(!told(
        |s, _| s.args = vec!["postgres".into(), "-p".into(), "5433".into()]
    ));
    assert!(!told(|s, _| s.config.env.push(literal("PGPORT", "5433"))));
    assert!(!told(|s, cms| {
        cms.push(config_map("db-env", "PGPORT", "5433"));
        s.config.env_from.push(EnvFrom::ConfigMap("db-env".into()));
    }));
    assert!(!told(|s, cms| with_file(
        s,
        cms,
        "listen_addresses = '*'\nport = 5433\n"
    )));
    assert!(told(|s, cms| with_file(
        s,
        cms,
        "listen_addresses = '*'\nmax_connections = 200\n"
    )));
    // Another host's port is no port of its own.
    assert!(told(|s, _| s
        .config
        .env
        .push(literal("CACHE_URL", "redis://cache:5433/0"))));
    assert!(told(|s, cms| with_file(
        s,
        cms,
        "# replica of db-main:5433\nport = 5432\n"
    )));
    // What the design does not know: the file's text (an import not given it), the file
    // in a Secret, a variable that may name a port read from a Secret.
    assert!(!told(|s, cms| with_file(s, cms, "")));
    assert!(!told(|s, cms| {
        with_file(s, cms, "port = 5432");
        s.volumes.last_mut().unwrap().source = VolumeSource::Secret {
            name: "db-config".into(),
        };
    }));
    assert!(!told(|s, _| {
        s.config.env.push(EnvVar {
            name: "PGPORT".into(),
            value: EnvValue::SecretKey {
                name: "db-secrets".into(),
                key: "port".into(),
            },
        })
    }));
    // A password from a Secret says nothing of the port.
    assert!(told(|s, _| {
        s.config.env.push(EnvVar {
            name: "POSTGRES_PASSWORD".into(),
            value: EnvValue::SecretKey {
                name: "db-secrets".into(),
                key: "password".into(),
            },
        })
    }));
    // Another program of the image is not its server.
    assert!(!told(
        |s, _| s.args = vec!["pg_dump".into(), "-h".into(), "db-main".into()]
    ));
}

/// The images that read a configuration directory unasked (nginx's `conf.d`, grafana's
/// `grafana.ini`) listen where a file mounted there says; redis' server is named as
/// its program or a `.conf` file first, and its sentinel is another program.
#[test]
fn a_configuration_directory_and_a_server_program_are_read_for_the_port() {
    fn fired(image: &str, port: u16, change: impl FnOnce(&mut Design)) -> bool {
        let mut d = baseline();
        let s = api(&mut d);
        s.image = image.into();
        s.tag = "1".into();
        s.ports[0].port = port;
        change(&mut d);
        !findings_of(&d, "prod", "KP904").is_empty()
    }
    fn mounted(d: &mut Design, path: &str, sub_path: &str, key: &str, text: &str) {
        d.config_maps.push(ConfigMapDef {
            name: "own-config".into(),
            data: [(key.to_string(), text.to_string())].into(),
            ..ConfigMapDef::default()
        });
        let s = api(d);
        s.volumes.push(Volume {
            name: "own".into(),
            source: VolumeSource::ConfigMap {
                name: "own-config".into(),
            },
        });
        s.mounts.push(Mount {
            volume: "own".into(),
            path: path.into(),
            read_only: true,
            sub_path: sub_path.into(),
        });
    }
    let conf_d = "/etc/nginx/conf.d";
    assert!(!fired("nginx", 8080, |d| mounted(
        d,
        conf_d,
        "",
        "default.conf",
        "server {\n  listen 8080;\n}\n"
    )));
    assert!(!fired("nginx", 8080, |d| mounted(
        d,
        conf_d,
        "",
        "default.conf",
        "server { listen [::]:8080; }"
    )));
    assert!(fired("nginx", 8080, |d| mounted(
        d,
        conf_d,
        "",
        "default.conf",
        "server {\n  listen 80;\n  location / { proxy_pass http://api:8080; }\n}\n"
    )));
    let ini = "/etc/grafana/grafana.ini";
    assert!(!fired("grafana/grafana", 3001, |d| mounted(
        d,
        ini,
        "grafana.ini",
        "grafana.ini",
        "[server]\nhttp_port = 3001\n"
    )));
    assert!(!fired("grafana/grafana", 3001, |d| api(d)
        .config
        .env
        .push(EnvVar::literal("GF_SERVER_HTTP_PORT", "3001"))));
    // A datasource naming prometheus on 9090 says nothing of grafana's own port.
    let datasources = "/etc/grafana/provisioning/datasources";
    assert!(fired("grafana/grafana", 9090, |d| mounted(
        d,
        datasources,
        "",
        "prometheus.yaml",
        "datasources:\n  - name: Prometheus\n    url: http://prometheus:9090\n"
    )));
    // redis: its server named first, with flags or a file; the sentinel listens on 26379.
    assert!(!fired("redis", 6380, |d| api(d).args =
        vec!["redis-server".into(), "--port".into(), "6380".into()]));
    assert!(fired("redis", 6380, |d| api(d).args = vec![
        "redis-server".into(),
        "--appendonly".into(),
        "yes".into()
    ]));
    assert!(fired("redis", 6380, |d| api(d).args =
        vec!["--appendonly".into(), "yes".into()]));
    let conf = "/usr/local/etc/redis/redis.conf";
    assert!(!fired("redis", 6380, |d| {
        mounted(
            d,
            conf,
            "redis.conf",
            "redis.conf",
            "port 6380\nappendonly yes\n",
        );
        api(d).args = vec![conf.into()];
    }));
    assert!(fired("redis", 6380, |d| {
        mounted(d, conf, "redis.conf", "redis.conf", "appendonly yes\n");
        api(d).args = vec![conf.into()];
    }));
    // A file the arguments name that nothing mounts is the image's, or written at start.
    assert!(!fired("redis", 6380, |d| api(d).args =
        vec!["redis-server".into(), conf.into()]));
    assert!(!fired("redis", 26379, |d| api(d).args =
        vec!["redis-sentinel".into(), "/data/sentinel.conf".into()]));
}
