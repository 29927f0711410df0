//! Compose's own validation (`docker-compose config`, Debian's docker-compose 1.29,
//! which needs no engine) accepts the compose file Kubeprint exports for every
//! environment of every template that runs services, and for an imported design,
//! without a warning (a variable `.env` lacks is one); and it rejects broken files, so
//! that an install that accepts everything cannot pass the rest.

use kubeprint_core::export::compose::{compose, SECRET_PLACEHOLDER};
use kubeprint_core::{import, templates, Design, EnvFrom, EnvValue, EnvVar};
use kubeprint_tests::compose_config;
use std::path::{Path, PathBuf};

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeprint-compose-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The export of one environment written out; the compose file's path.
fn write(design: &Design, env: &str, dir: &Path) -> PathBuf {
    for f in compose(design, env) {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, f.contents).unwrap();
    }
    dir.join("compose/compose.yaml")
}

fn services(file: &Path) -> usize {
    let doc = kubeprint_core::yaml::parse_documents(&std::fs::read_to_string(file).unwrap())
        .unwrap()
        .remove(0);
    let v = serde_json::to_value(doc).unwrap();
    v["services"].as_object().map_or(0, |m| m.len())
}

#[test]
fn docker_compose_accepts_every_templates_compose_file() {
    let mut accepted = Vec::new();
    for t in templates::ALL {
        let d = (t.build)();
        for env in &d.environments {
            let dir = scratch(&format!("{}-{}", t.name, env.name));
            let file = write(&d, &env.name, &dir);
            if services(&file) == 0 {
                // docker-compose 1.x reads a file whose `services` is empty as a
                // version-1 file (services at the top level) and refuses it; an
                // environment that runs nothing has nothing to run on compose.
                assert!(
                    t.name == "empty" || !env.hosts_services || env.name == "observability",
                    "{} {} exports no services",
                    t.name,
                    env.name
                );
                continue;
            }
            let (ok, out) = compose_config(&file);
            assert!(
                ok,
                "{} {}: docker-compose rejects it:\n{out}",
                t.name, env.name
            );
            assert!(
                !out.contains("WARNING"),
                "{} {}: docker-compose warns:\n{out}",
                t.name,
                env.name
            );
            accepted.push(format!("{} {}", t.name, env.name));
        }
    }
    for must in [
        "connectum dev",
        "miniredis dev",
        "framework-m dev",
        "stfc-fastapi dev",
    ] {
        assert!(
            accepted.iter().any(|a| a == must),
            "{must} was not checked: {accepted:?}"
        );
    }
}

/// A compose file imported keeps its host side and profiles: the file exported from
/// the design, with a port the engine picks (`127.0.0.1::5432/tcp`), a profile and a
/// sidecar-free pod, is still one docker-compose accepts.
#[test]
fn docker_compose_accepts_what_a_compose_import_publishes_and_profiles() {
    let text = std::fs::read_to_string(
        kubeprint_tests::root().join("core/tests/data/compose-local-run.yaml"),
    )
    .unwrap();
    let d = kubeprint_core::compose::import(&text, &Default::default()).design;
    let file = write(&d, "dev", &scratch("local-run"));
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.contains("127.0.0.1::5432/tcp") && written.contains("- debug"),
        "{written}"
    );
    let (ok, out) = compose_config(&file);
    assert!(ok, "docker-compose rejects it:\n{out}");
    assert!(!out.contains("WARNING"), "docker-compose warns:\n{out}");
    assert!(
        out.contains("profiles:"),
        "docker-compose read the profile:\n{out}"
    );
}

/// A compose file's secrets come back as compose secrets docker-compose accepts: the
/// original file is one it accepts (so the test data is real), and the design's export
/// mounts each file where the original did, from a file the bundle writes.
#[test]
fn docker_compose_accepts_the_secrets_of_a_compose_import() {
    let original = kubeprint_tests::root().join("core/tests/manifests/compose-secrets.yaml");
    let (ok, out) = compose_config(&original);
    assert!(ok, "docker-compose rejects the test's own file:\n{out}");
    let text = std::fs::read_to_string(&original).unwrap();
    let d = kubeprint_core::compose::import(&text, &Default::default()).design;
    let dir = scratch("secrets");
    let file = write(&d, "dev", &dir);
    let (ok, out) = compose_config(&file);
    assert!(ok, "docker-compose rejects it:\n{out}");
    assert!(!out.contains("WARNING"), "docker-compose warns:\n{out}");
    let config: serde_json::Value = serde_json::to_value(
        kubeprint_core::yaml::parse_documents(&out)
            .unwrap()
            .remove(0),
    )
    .unwrap();
    let web = &config["services"]["web"]["secrets"];
    assert_eq!(
        web,
        &serde_json::json!([
            {"source": "db_password"},
            {"source": "stripe_api_key", "target": "/etc/shop/stripe.key"},
            {"source": "django_secret_key", "target": "/run/secrets/django_key"},
        ]),
        "{out}"
    );
    for name in ["db_password", "stripe_api_key", "django_secret_key"] {
        let path = config["secrets"][name]["file"].as_str().unwrap_or_default();
        assert_eq!(
            std::fs::read_to_string(path).ok().as_deref(),
            Some(SECRET_PLACEHOLDER),
            "{name}: {out}"
        );
    }
}

#[test]
fn docker_compose_accepts_an_imported_designs_compose_file() {
    let text = std::fs::read_to_string(
        kubeprint_tests::root().join("core/tests/corpus/sidecars-and-volumes.yaml"),
    )
    .unwrap();
    let d = import::kubernetes(&text).design;
    let env = d.environments[0].name.clone();
    let file = write(&d, &env, &scratch("imported"));
    assert!(services(&file) > 1);
    let (ok, out) = compose_config(&file);
    assert!(ok, "docker-compose rejects it:\n{out}");
    assert!(!out.contains("WARNING"), "docker-compose warns:\n{out}");
}

#[test]
fn docker_compose_rejects_a_broken_compose_file() {
    let d = templates::miniredis();
    let dir = scratch("broken");
    let file = write(&d, "dev", &dir);
    let sound = std::fs::read_to_string(&file).unwrap();
    let (ok, out) = compose_config(&file);
    assert!(ok, "the sound file is rejected:\n{out}");
    // Each break is one compose refuses: an unknown depends_on condition, a service
    // waiting for one the file lacks, `no` read as a boolean by a YAML 1.1 reader.
    let breaks = [
        ("condition: service_healthy", "condition: service_ready"),
        (
            "  postgres-main:\n    image",
            "  postgres-primary:\n    image",
        ),
    ];
    for (from, to) in breaks {
        assert!(sound.contains(from), "{from:?} is not in the file");
        std::fs::write(&file, sound.replacen(from, to, 1)).unwrap();
        let (ok, out) = compose_config(&file);
        assert!(!ok, "docker-compose accepted a file with {to:?}:\n{out}");
    }
    // `restart: no` unquoted is a boolean to docker-compose's YAML 1.1 reader.
    let mut with_job = d.clone();
    let mut seed = with_job.services[0].clone();
    seed.name = "seed".into();
    seed.kind = kubeprint_core::WorkloadKind::Job;
    seed.exposure = Default::default();
    with_job
        .apply(kubeprint_core::Edit::AddService(Box::new(seed)))
        .unwrap();
    let file = write(&with_job, "dev", &scratch("job"));
    let job = std::fs::read_to_string(&file).unwrap();
    assert!(job.contains("restart: \"no\""), "{job}");
    let (ok, out) = compose_config(&file);
    assert!(ok, "the file with a Job is rejected:\n{out}");
    std::fs::write(&file, job.replace("restart: \"no\"", "restart: no")).unwrap();
    let (ok, out) = compose_config(&file);
    assert!(
        !ok,
        "docker-compose accepted `restart: no` unquoted:\n{out}"
    );
    // A variable .env does not set is a warning.
    let env = dir.join("compose/.env");
    let dotenv = std::fs::read_to_string(&env).unwrap();
    std::fs::write(&env, dotenv.replace("\nLOG_LEVEL=info\n", "\n")).unwrap();
    std::fs::write(dir.join("compose/compose.yaml"), &sound).unwrap();
    let (_, out) = compose_config(&dir.join("compose/compose.yaml"));
    assert!(
        out.contains("The LOG_LEVEL variable is not set"),
        "no warning for a variable .env lacks:\n{out}"
    );
}

/// Every variable docker-compose resolves (through `.env` or in the file) is the value
/// the design gives it, however it is quoted: `$`, `${`, quotes, `#`, backslashes, line
/// breaks, leading spaces, YAML 1.1 words, non-ASCII; a Secret's is the placeholder.
#[test]
fn docker_compose_resolves_every_variable_to_the_designs_value() {
    let mut d = templates::miniredis();
    let hostile = [
        "plain",
        "it's",
        "a $HOME b",
        "x # y",
        "a#b",
        "line1\nline2",
        "  sp  ",
        "café",
        "it's $HOME",
        "line1\n$X",
        "back\\slash",
        "q\"uote",
        "${NOT_A_VAR}",
        "$$",
        "end$",
        "tab\there",
        "mixed 'q' \"dq\" $v \\ #",
        "= eq",
        "-dash",
        "on",
        "",
        "${A:-b} 'c'",
        // Kubernetes' own references: to a variable before it, and escaped.
        "at $(L0) not $$(L0)",
    ];
    let cm = d.config_maps[0].name.clone();
    let first = d.services[0].name.clone();
    for (i, v) in hostile.iter().enumerate() {
        d.config_maps[0].data.insert(format!("K{i}"), v.to_string());
        d.services[0].config.env.push(EnvVar {
            name: format!("R{i}"),
            value: EnvValue::ConfigMapKey {
                name: cm.clone(),
                key: format!("K{i}"),
            },
        });
        d.services[0]
            .config
            .env
            .push(EnvVar::literal(&format!("L{i}"), v));
    }
    let file = write(&d, "dev", &scratch("variables"));
    let (ok, out) = compose_config(&file);
    assert!(ok && !out.contains("WARNING"), "docker-compose:\n{out}");
    let resolved = kubeprint_core::yaml::parse_documents(&out)
        .unwrap()
        .remove(0);
    let resolved = serde_json::to_value(resolved).unwrap();
    let env = d.environment("dev").unwrap();
    let mut compared = 0;
    for s in kubeprint_core::model::deployed(&d, env) {
        if s.kind == kubeprint_core::WorkloadKind::CronJob {
            continue;
        }
        let got = &resolved["services"][&s.name]["environment"];
        for (name, want) in variables(&d, &s) {
            // `config` writes what it resolved with `$` escaped again.
            let want = want.replace('$', "$$");
            assert_eq!(
                got[&name].as_str(),
                Some(want.as_str()),
                "{} ${name}",
                s.name
            );
            compared += 1;
        }
    }
    assert!(
        compared > 3 * hostile.len(),
        "only {compared} variables of {first}"
    );
}

/// A service's variables as Kubernetes gives them: envFrom in order, then env.
fn variables(d: &Design, s: &kubeprint_core::Service) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    let set = |out: &mut Vec<(String, String)>, k: &str, v: String| {
        out.retain(|(n, _)| n != k);
        out.push((k.to_string(), v));
    };
    for from in &s.config.env_from {
        match from {
            EnvFrom::ConfigMap(n) => {
                for (k, v) in d.config_map(n).map(|c| c.data.clone()).unwrap_or_default() {
                    set(&mut out, &k, v);
                }
            }
            EnvFrom::Secret(n) => {
                for k in d.secret(n).map(|c| c.keys.clone()).unwrap_or_default() {
                    set(&mut out, &k, SECRET_PLACEHOLDER.into());
                }
            }
        }
    }
    for e in &s.config.env {
        let v = match &e.value {
            EnvValue::Literal(v) => expanded(v, &out),
            EnvValue::ConfigMapKey { name, key } => d
                .config_map(name)
                .and_then(|c| c.data.get(key).cloned())
                .unwrap_or_default(),
            EnvValue::SecretKey { .. } => SECRET_PLACEHOLDER.into(),
        };
        set(&mut out, &e.name, v);
    }
    out
}

/// What Kubernetes gives a container for the literal `value` of a variable: `$$` is one
/// `$`, and `$(NAME)` of a variable `before` it is that variable's value; any other `$`
/// stays as written.
fn expanded(value: &str, before: &[(String, String)]) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let reference = after.strip_prefix('(').and_then(|r| r.split_once(')'));
        let known = reference.and_then(|(name, tail)| {
            let (_, v) = before.iter().rev().find(|(n, _)| n == name)?;
            Some((v, tail))
        });
        match known {
            Some((v, tail)) => {
                out.push_str(v);
                rest = tail;
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Every corpus of real-shaped manifests and every compose file of the test data,
/// imported, exports for each of its environments a file docker-compose accepts without
/// a warning (Jobs, CronJobs left out, DaemonSets, sidecars, init containers, volumes,
/// kept objects, other namespaces).
#[test]
fn docker_compose_accepts_every_imported_corpus_compose_file() {
    let root = kubeprint_tests::root();
    let mut inputs: Vec<PathBuf> = ["core/tests/corpus", "core/tests/manifests"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(root.join(dir)).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    inputs.sort();
    let mut accepted = 0;
    for p in inputs {
        let text = std::fs::read_to_string(&p).unwrap();
        let name = p.file_stem().unwrap().to_string_lossy().to_string();
        let d = if import::Format::detect(&text) == import::Format::Compose {
            kubeprint_core::compose::import(&text, &Default::default()).design
        } else {
            import::kubernetes(&text).design
        };
        for env in &d.environments {
            let file = write(
                &d,
                &env.name,
                &scratch(&format!("corpus-{name}-{}", env.name)),
            );
            if services(&file) == 0 {
                continue;
            }
            let (ok, out) = compose_config(&file);
            assert!(ok, "{name} {}: docker-compose rejects it:\n{out}", env.name);
            assert!(
                !out.contains("WARNING"),
                "{name} {}: docker-compose warns:\n{out}",
                env.name
            );
            accepted += 1;
        }
    }
    assert!(accepted > 15, "only {accepted} files were checked");
}

/// The files a compose project mounts (bind-mounted, and compose configs, which
/// docker-compose before v2 ignores outside a swarm) come back as files docker-compose
/// accepts and mounts everywhere: bind mounts, read-only, of files the bundle writes
/// with the text the project's files had.
#[test]
fn docker_compose_mounts_the_files_of_a_compose_import() {
    let dir = kubeprint_tests::root().join("core/tests/manifests/compose-proxy");
    let original = dir.join("compose.yaml");
    let (ok, out) = compose_config(&original);
    assert!(ok, "docker-compose rejects the test's own file:\n{out}");
    let text = std::fs::read_to_string(&original).unwrap();
    // As the command line reads them: beside the file, by the names it gives them.
    let beside: std::collections::BTreeMap<String, String> =
        (kubeprint_core::compose::file_names(&text).into_iter())
            .map(|f| {
                let text = std::fs::read_to_string(dir.join(&f)).unwrap();
                (f, text)
            })
            .collect();
    assert_eq!(beside.len(), 3, "{beside:?}");
    let d = kubeprint_core::compose::import(&text, &beside).design;
    let file = write(&d, "dev", &scratch("files"));
    let (ok, out) = compose_config(&file);
    assert!(ok, "docker-compose rejects it:\n{out}");
    assert!(
        !out.contains("WARNING") && !out.contains("ignored"),
        "docker-compose warns:\n{out}"
    );
    let config: serde_json::Value = serde_json::to_value(
        kubeprint_core::yaml::parse_documents(&out)
            .unwrap()
            .remove(0),
    )
    .unwrap();
    let mounted = |service: &str, target: &str| -> String {
        let volumes = config["services"][service]["volumes"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let v = (volumes.iter())
            .find(|v| v["target"] == target)
            .unwrap_or_else(|| panic!("{service} mounts nothing at {target}:\n{out}"));
        assert_eq!(v["type"], "bind", "{out}");
        assert_eq!(v["read_only"], true, "{out}");
        std::fs::read_to_string(v["source"].as_str().unwrap()).unwrap()
    };
    let project = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    assert_eq!(
        mounted("proxy", "/etc/nginx/conf.d/default.conf"),
        project("nginx/default.conf")
    );
    assert_eq!(
        mounted("proxy", "/etc/nginx/conf.d/gzip.conf"),
        project("nginx/gzip.conf")
    );
    assert_eq!(
        mounted("web", "/app/config/production.json"),
        project("config/production.json")
    );
}
