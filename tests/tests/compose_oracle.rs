//! Compose's own validation (`docker-compose config`, Debian's docker-compose 1.29,
//! which needs no engine) accepts the compose file Kubeprint exports for every
//! environment of every template that runs services, and for an imported design,
//! without a warning (a variable `.env` lacks is one); and it rejects broken files, so
//! that an install that accepts everything cannot pass the rest.

use kubeprint_core::export::compose::compose;
use kubeprint_core::{import, templates, Design};
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
