//! The `kubeprint` binary as a user runs it.

use std::process::{Command, Output};

fn kubeprint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeprint"))
        .args(args)
        .output()
        .expect("the binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeprint-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn templates_lists_every_seed_system() {
    let o = kubeprint(&["templates"]);
    assert!(o.status.success());
    for name in [
        "connectum",
        "miniredis",
        "framework-m",
        "stfc-fastapi",
        "empty",
    ] {
        assert!(
            stdout(&o).contains(name),
            "{name} missing from:\n{}",
            stdout(&o)
        );
    }
}

#[test]
fn new_then_render_prints_the_environment_manifests() {
    let dir = temp_dir("roundtrip");
    let design = dir.join("design.json");
    let o = kubeprint(&["new", "--template", "connectum"]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(&design, &o.stdout).unwrap();

    let o = kubeprint(&["render", design.to_str().unwrap(), "--env", "prod"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let yaml = stdout(&o);
    assert!(yaml.contains("kind: Deployment"));
    assert!(yaml.contains("namespace: connectum\n"));

    let o = kubeprint(&["render", design.to_str().unwrap(), "--env", "dev", "-o"])
        .status
        .code();
    assert_eq!(o, Some(2), "-o without a value is a usage error");

    let out = dir.join("out");
    let o = kubeprint(&[
        "render",
        design.to_str().unwrap(),
        "--env",
        "dev",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = std::fs::read_to_string(out.join("dev.yaml")).unwrap();
    assert!(written.contains("namespace: connectum-dev"));
}

#[test]
fn an_unknown_environment_names_the_ones_that_exist() {
    let dir = temp_dir("env");
    let design = dir.join("design.json");
    std::fs::write(&design, kubeprint(&["new", "-t", "miniredis"]).stdout).unwrap();
    let o = kubeprint(&["render", design.to_str().unwrap(), "--env", "qa"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
    assert!(
        err.contains("no environment `qa`") && err.contains("staging, prod"),
        "{err}"
    );
}

#[test]
fn unreadable_and_future_files_are_one_line_errors() {
    let o = kubeprint(&["render", "/nonexistent/design.json", "--env", "prod"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read /nonexistent/design.json"));
    assert_eq!(stderr(&o).lines().count(), 1);

    let dir = temp_dir("future");
    let f = dir.join("future.json");
    std::fs::write(&f, r#"{"format_version": 7}"#).unwrap();
    let o = kubeprint(&["render", f.to_str().unwrap(), "--env", "prod"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("newer Kubeprint"), "{}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1);
}

/// A design of a given size, for benchmarks: that many services, and it checks.
#[test]
fn new_with_a_number_of_services_prints_a_design_that_large() {
    let o = kubeprint(&["new", "--services", "40"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let design = kubeprint_core::file::from_json(&stdout(&o)).unwrap();
    assert_eq!(design.services.len(), 40);
    let o = kubeprint(&["new", "--services", "lots"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--services takes a number from 1 to 5000, not `lots`"));
}

#[test]
fn unknown_template_and_command_say_what_exists() {
    let o = kubeprint(&["new", "--template", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("choose one of: connectum"));
    let o = kubeprint(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown command `frobnicate`"));
}

fn design_file(template: &str, tag: &str) -> std::path::PathBuf {
    let f = temp_dir(tag).join("design.json");
    std::fs::write(&f, kubeprint(&["new", "-t", template]).stdout).unwrap();
    f
}

#[test]
fn check_prints_findings_and_exits_zero_without_errors() {
    let f = design_file("connectum", "check-ok");
    let o = kubeprint(&["check", f.to_str().unwrap(), "--env", "prod"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("warning KP103 prod"), "{text}");
    assert!(text.contains("grace 35 s leaves 0 s of slack"), "{text}");
    assert!(
        text.lines().last().unwrap().ends_with("info"),
        "a count closes the report"
    );
}

#[test]
fn check_exits_one_on_errors_and_json_is_machine_readable() {
    let f = design_file("connectum", "check-err");
    let text = std::fs::read_to_string(&f).unwrap().replace(
        "\"grace_period_seconds\": 35",
        "\"grace_period_seconds\": 20",
    );
    std::fs::write(&f, text).unwrap();
    let o = kubeprint(&["check", f.to_str().unwrap(), "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(report["version"], 1);
    assert!(report["summary"]["errors"].as_u64().unwrap() >= 1);
    let kp102 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "KP102" && f["env"] == "prod")
        .expect("the grace period error");
    assert_eq!(kp102["severity"], "error");
    assert_eq!(kp102["rule"], "shutdown_exceeds_grace");
    assert_eq!(kp102["service"], "order-service");
    assert_eq!(kp102["path"]["pointer"], "/timing/grace_period_seconds");
    assert_eq!(kp102["fix"]["label"], "Raise the grace period to 37 s");
}

#[test]
fn check_rejects_an_unknown_format_and_environment() {
    let f = design_file("miniredis", "check-bad");
    assert_eq!(
        kubeprint(&["check", f.to_str().unwrap(), "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
    let o = kubeprint(&["check", f.to_str().unwrap(), "--env", "qa"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has no environment `qa`"));
}

#[test]
fn rules_lists_every_rule_and_prints_the_docs_page() {
    let o = kubeprint(&["rules"]);
    assert!(stdout(&o).contains("KP102  shutdown_exceeds_grace"));
    let md = stdout(&kubeprint(&["rules", "--markdown"]));
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md")).unwrap();
    assert_eq!(
        md, committed,
        "docs/rules.md is what `kubeprint rules --markdown` prints"
    );
}

#[test]
fn link_and_open_link_round_trip_a_design() {
    let f = design_file("miniredis", "link");
    let o = kubeprint(&["link", f.to_str().unwrap(), "--base", "https://kp.example/"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let url = stdout(&o).trim().to_string();
    assert!(url.starts_with("https://kp.example/#d=kp2."), "{url}");
    assert!(
        stderr(&o).contains("key names only, never values"),
        "the secrets note"
    );
    let o = kubeprint(&["open-link", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        std::fs::read_to_string(&f).unwrap(),
        "the same design file comes back"
    );
    // A link that opens on one environment: the same design, the environment named.
    let f = f.to_str().unwrap();
    let o = kubeprint(&["link", f, "--base", "https://kp.example/", "--env", "dev"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), format!("{url}&env=dev"));
    let o = kubeprint(&["link", f, "--env", "qa"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no environment `qa` (it has: dev, staging, prod)"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_broken_link_is_one_clear_line() {
    let o = kubeprint(&[
        "open-link",
        "https://kp.example/#d=kp1.eJzLSM3JyVcozy_KSQEAGgQEXQ",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    let o = kubeprint(&["open-link", "https://kp.example/#d=kp1.abc"]);
    assert!(
        stderr(&o).contains("damaged or was cut off"),
        "{}",
        stderr(&o)
    );
    let o = kubeprint(&["open-link", "https://kp.example/#d=kp7.abc"]);
    assert!(stderr(&o).contains("newer Kubeprint"), "{}", stderr(&o));
}

#[test]
fn export_writes_the_bundle_as_files_or_a_zip() {
    let f = design_file("connectum", "export");
    let dir = f.parent().unwrap().join("bundle");
    let o = kubeprint(&["export", f.to_str().unwrap(), "-o", dir.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    for path in [
        "kustomize/base/kustomization.yaml",
        "kustomize/overlays/prod/kustomization.yaml",
        "rendered/prod.yaml",
        "design.kubeprint.json",
        "README.md",
    ] {
        assert!(dir.join(path).exists(), "{path}");
    }
    assert!(std::fs::read_to_string(dir.join("README.md"))
        .unwrap()
        .contains("kubectl apply -k kustomize/overlays/prod"));
    let zip = f.parent().unwrap().join("bundle.zip");
    let o = kubeprint(&[
        "export",
        f.to_str().unwrap(),
        "--zip",
        zip.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("ships with"),
        "no error: {}",
        stderr(&o)
    );
    assert_eq!(&std::fs::read(&zip).unwrap()[..2], b"PK", "a zip archive");
    // A design with an error is exported all the same, and says so.
    let text = std::fs::read_to_string(&f).unwrap();
    let broken = f.parent().unwrap().join("broken.json");
    std::fs::write(
        &broken,
        text.replace("\"order-service\"", "\"Order_Service\""),
    )
    .unwrap();
    let o = kubeprint(&[
        "export",
        broken.to_str().unwrap(),
        "--zip",
        zip.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("kubeprint: The bundle ships with 1 error in dev (KP401)"),
        "{}",
        stderr(&o)
    );
    assert_eq!(
        kubeprint(&["export", f.to_str().unwrap()]).status.code(),
        Some(2)
    );
}

#[test]
fn export_formats_add_argo_cd_next_to_kustomize() {
    let f = design_file("connectum", "export-argocd");
    let dir = f.parent().unwrap().join("argocd-bundle");
    let o = kubeprint(&[
        "export",
        f.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--format",
        "kustomize,argocd",
        "--repo",
        "https://git.example.com/acme/connectum.git",
        "--revision",
        "main",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let app = std::fs::read_to_string(dir.join("argocd/application-connectum-prod.yaml")).unwrap();
    for want in [
        "kind: Application",
        "repoURL: https://git.example.com/acme/connectum.git",
        "targetRevision: main",
        // (The overlay with its placeholder Secrets, left to the cluster once made.)
        "path: kustomize/argocd/prod",
        "RespectIgnoreDifferences=true",
        "namespace: connectum\n",
        "CreateNamespace=true",
    ] {
        assert!(app.contains(want), "{want} missing:\n{app}");
    }
    assert!(!app.contains("automated"), "prod syncs by hand:\n{app}");
    let dev = std::fs::read_to_string(dir.join("argocd/application-connectum-dev.yaml")).unwrap();
    assert!(dev.contains("selfHeal: true"), "{dev}");
    assert!(dir.join("argocd/appproject-connectum.yaml").exists());
    assert!(dir
        .join("kustomize/overlays/dev/kustomization.yaml")
        .exists());
    let readme = std::fs::read_to_string(dir.join("README.md")).unwrap();
    assert!(readme.contains("kubectl apply -k argocd"), "{readme}");

    // Argo CD alone, pointed at a Helm chart the bundle does not hold, is refused.
    let o = kubeprint(&[
        "export",
        f.to_str().unwrap(),
        "-o",
        dir.join("x").to_str().unwrap(),
        "--format",
        "argocd",
        "--repo",
        "https://git.example.com/acme/connectum.git",
        "--argocd-source",
        "helm",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("include the Helm chart too"),
        "{}",
        stderr(&o)
    );
    assert!(!dir.join("x").exists(), "nothing is written");
}

#[test]
fn export_reads_the_repository_saved_in_the_design_and_the_command_line_wins() {
    let f = design_file("connectum", "export-saved-repo");
    let mut design: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
    design["gitops"] = serde_json::json!({
        "repo_url": "git@git.example.com:acme/connectum.git",
        "path": "deploy/connectum",
        "source": "kustomize"
    });
    std::fs::write(&f, design.to_string()).unwrap();
    let dir = f.parent().unwrap().join("saved");
    let o = kubeprint(&[
        "export",
        f.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--format",
        "kustomize,argocd",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let app = std::fs::read_to_string(dir.join("argocd/application-connectum-dev.yaml")).unwrap();
    assert!(
        app.contains("repoURL: git@git.example.com:acme/connectum.git"),
        "{app}"
    );
    assert!(
        app.contains("path: deploy/connectum/kustomize/argocd/dev"),
        "{app}"
    );
    let dir = f.parent().unwrap().join("flag");
    let o = kubeprint(&[
        "export",
        f.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
        "--format",
        "kustomize,argocd",
        "--repo",
        "https://git.example.com/other.git",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let app = std::fs::read_to_string(dir.join("argocd/application-connectum-dev.yaml")).unwrap();
    assert!(
        app.contains("repoURL: https://git.example.com/other.git"),
        "{app}"
    );
}

#[test]
fn export_explains_unknown_formats_missing_repositories_and_environments() {
    let f = design_file("connectum", "export-errors");
    let out = f.parent().unwrap().join("never");
    let run = |extra: &[&str]| {
        let mut args = vec!["export", f.to_str().unwrap(), "-o", out.to_str().unwrap()];
        args.extend_from_slice(extra);
        kubeprint(&args)
    };
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["--format", "kustomize,heml"],
            2,
            "no bundle format `heml`; choose from kustomize, helm, argocd, compose",
        ),
        (
            &["--format", "argocd"],
            2,
            "--format argocd needs --repo URL",
        ),
        (
            &["--repo", "https://git.example.com/a/b.git"],
            2,
            "`--repo` is for Argo CD: add argocd to --format",
        ),
        (
            &[
                "--format",
                "kustomize,argocd",
                "--repo",
                "github.com/acme/shop",
            ],
            1,
            "did you mean https://github.com/acme/shop?",
        ),
        (
            &[
                "--format",
                "kustomize,argocd",
                "--repo",
                "https://github.com/acme/shop",
                "--argocd-source",
                "jsonnet",
            ],
            2,
            "use kustomize or helm",
        ),
        (
            &["--format", "compose", "--compose-env", "qa"],
            1,
            "has no environment `qa`; it has: dev, staging, prod, observability",
        ),
        (&["--compose-env", "dev"], 2, "add compose to --format"),
    ];
    for (extra, code, message) in cases {
        let o = run(extra);
        assert_eq!(o.status.code(), Some(*code), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{extra:?}: {}", stderr(&o));
        assert!(stderr(&o)
            .lines()
            .next()
            .unwrap()
            .starts_with("kubeprint: "));
    }
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn import_turns_manifests_into_a_design_and_reports_each_document() {
    let dir = temp_dir("import");
    let yaml = dir.join("app.yaml");
    let f = design_file("connectum", "import-src");
    let rendered = kubeprint(&["render", f.to_str().unwrap(), "--env", "prod"]).stdout;
    let mut text = String::from_utf8(rendered).unwrap();
    text.push_str("---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: quota\n");
    std::fs::write(&yaml, &text).unwrap();
    let o = kubeprint(&["import", yaml.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("imported  line     1  Namespace connectum"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains("kept      line   241  ResourceQuota quota"),
        "a kind the model does not cover is kept, not dropped:\n{}",
        stderr(&o)
    );
    let design = dir.join("design.json");
    std::fs::write(&design, &o.stdout).unwrap();
    let back = kubeprint(&["render", design.to_str().unwrap(), "--env", "connectum"]);
    assert!(
        stdout(&back).contains("kind: ResourceQuota") && stdout(&back).contains("name: quota"),
        "the kept ResourceQuota is rendered with the rest:\n{}",
        stdout(&back)
    );
    let o = kubeprint(&["check", design.to_str().unwrap()]);
    assert!(
        stdout(&o).contains("KP103"),
        "the imported design is checked like any other:\n{}",
        stdout(&o)
    );
    std::fs::write(&yaml, "kind: [broken\n").unwrap();
    let o = kubeprint(&["import", yaml.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("invalid YAML at line"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn importing_several_files_names_each_file_and_its_own_lines() {
    let dir = temp_dir("import-files");
    let (a, b) = (dir.join("namespace.yaml"), dir.join("config.yaml"));
    // The second file starts with a byte order mark, as some Windows editors write.
    std::fs::write(
        &a,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n",
    )
    .unwrap();
    std::fs::write(
        &b,
        "\u{feff}apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: shop\n---\nkind: [broken\n",
    )
    .unwrap();
    let o = kubeprint(&["import", a.to_str().unwrap(), b.to_str().unwrap()]);
    // The design holds what was read; the status says not everything was.
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let design: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(design["config_maps"][0]["name"], "web");
    let report = stderr(&o);
    assert!(
        report.ends_with("kubeprint: 1 of 3 documents could not be read: the design written holds the rest; fix it and import again\n"),
        "{report}"
    );
    for line in [
        format!("imported  {} line     1  Namespace shop", a.display()),
        format!("imported  {} line     1  ConfigMap web", b.display()),
        format!("skipped   {} line     7", b.display()),
    ] {
        assert!(report.contains(&line), "{line:?} in\n{report}");
    }
    assert!(report.contains("flow sequence at line 7"), "{report}");
}

#[test]
fn import_reads_a_compose_file_and_its_env_file() {
    let dir = temp_dir("compose");
    let compose = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/manifests/stfc-compose.yaml"
    ))
    .unwrap();
    std::fs::write(dir.join("docker-compose.yml"), compose).unwrap();
    std::fs::write(dir.join(".env"), "ICAT_URL=http://icat:8181\n").unwrap();
    let o = kubeprint(&["import", dir.join("docker-compose.yml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let design: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(design["services"][0]["name"], "fastapi-app");
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("http://icat:8181"),
        "the env_file was read"
    );
    assert!(
        stderr(&o).contains("testdata") && stderr(&o).contains("Job"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn import_interpolates_a_compose_file_with_the_env_beside_it() {
    let dir = temp_dir("compose-dotenv");
    std::fs::write(
        dir.join("compose.yaml"),
        "services:\n  api:\n    image: ghcr.io/example/api:${API_TAG:-1.0.0}\n    environment:\n    - DB_HOST=${DB_HOST}\n    - PRICE=$$5\n    ports: [\"8000:8000\"]\n",
    )
    .unwrap();
    std::fs::write(dir.join(".env"), "DB_HOST='db.internal'\nAPI_TAG=2.4.1\n").unwrap();
    let o = kubeprint(&["import", dir.join("compose.yaml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let design: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(design["services"][0]["tag"], "2.4.1");
    assert_eq!(design["config_maps"][0]["data"]["DB_HOST"], "db.internal");
    assert_eq!(design["config_maps"][0]["data"]["PRICE"], "$5");
}

#[test]
fn import_reads_an_env_file_named_through_a_merge_key_and_reports_profiles() {
    let dir = temp_dir("compose-anchors");
    std::fs::write(
        dir.join("compose.yaml"),
        "x-app: &app\n  image: ghcr.io/example/shop:2.4.1\n  env_file: app.env\n\nservices:\n  web:\n    <<: *app\n    ports: [\"8000:8000\"]\n  debug:\n    extends: web\n    profiles: [debug]\n",
    )
    .unwrap();
    std::fs::write(dir.join("app.env"), "SHOP_REGION=eu-west-1\n").unwrap();
    let o = kubeprint(&["import", dir.join("compose.yaml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let design: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(design["config_maps"][0]["data"]["SHOP_REGION"], "eu-west-1");
    assert!(
        stderr(&o).contains("compose starts it only with --profile debug"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn import_with_env_options_makes_one_design_with_an_environment_each() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/tests/corpus/two-envs");
    let staging = format!("staging={dir}/staging.yaml");
    let prod = format!("prod={dir}/prod.yaml");
    let o = kubeprint(&["import", "--env", &staging, "--env", &prod]);
    assert!(o.status.success(), "{}", stderr(&o));
    let design: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let envs = design["environments"].as_array().unwrap();
    assert_eq!(envs.len(), 2);
    assert_eq!(envs[0]["name"], "staging");
    assert_eq!(envs[1]["namespace"], "parcel-prod");
    let err = stderr(&o);
    assert!(err.contains("environment prod:"), "{err}");
    assert!(err.contains("merged    prod: worker: replicas 2"), "{err}");
    assert!(
        err.contains(
            "merged    prod: api: an HPA first found here, the service's now; no HPA in `staging`"
        ),
        "{err}"
    );
    // The design file renders each environment.
    let file = temp_dir("import-envs").join("design.json");
    std::fs::write(&file, &o.stdout).unwrap();
    let o = kubeprint(&["render", file.to_str().unwrap(), "--env", "prod"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // prod's HPA included.
    let yaml = String::from_utf8_lossy(&o.stdout);
    assert!(yaml.contains("kind: HorizontalPodAutoscaler"), "{yaml}");
    assert!(stdout(&o).contains("image: ghcr.io/acme-parcel/api:1.7.3"));

    let o = kubeprint(&["import", "--env", "prod"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("NAME=FILE"), "{}", stderr(&o));
    // The message alone, and where the usage is.
    assert_eq!(stderr(&o).lines().count(), 2, "{}", stderr(&o));
    assert!(stderr(&o).ends_with("(`kubeprint --help` lists every command and option)\n"));
    // A file that cannot be read is bad input (1), not a bad command line (2), and
    // nothing is written.
    let broken = temp_dir("import-envs-broken").join("prod.yaml");
    let text = std::fs::read_to_string(format!("{dir}/prod.yaml")).unwrap();
    std::fs::write(&broken, text.replacen("image: ", "image: \"", 1)).unwrap();
    let o = kubeprint(&[
        "import",
        "--env",
        &staging,
        "--env",
        &format!("prod={}", broken.display()),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(o.stdout.is_empty());
    assert!(
        stderr(&o).contains("of environment `prod` cannot be read")
            && !stderr(&o).contains("usage"),
        "{}",
        stderr(&o)
    );
    let o = kubeprint(&["import", "--env", &prod, "--env", &prod]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(&format!(
            "two environments are named `prod` (both from {})",
            prod.split_once('=').unwrap().1
        )),
        "{}",
        stderr(&o)
    );
}

#[test]
fn diagram_writes_svg_or_mermaid_of_one_environment() {
    let dir = temp_dir("diagram");
    let design = dir.join("design.json");
    let o = kubeprint(&["new", "--template", "miniredis"]);
    std::fs::write(&design, &o.stdout).unwrap();
    let path = design.to_str().unwrap();

    // SVG of prod by default, on stdout.
    let o = kubeprint(&["diagram", path]);
    assert!(o.status.success(), "{}", stderr(&o));
    let svg = stdout(&o);
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains(">namespace miniredis-prod · environment prod</text>"));
    assert!(svg.contains(">postgres-main-backup</text>"));

    // Mermaid of dev, into a file: dev runs no backups.
    let out = dir.join("dev.mmd");
    let o = kubeprint(&[
        "diagram",
        path,
        "--format",
        "mermaid",
        "--env",
        "dev",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("wrote "));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.contains("flowchart LR\n"));
    assert!(text.contains("namespace miniredis-dev"));
    assert!(!text.contains("<b>postgres-main-backup</b>"));

    // Wrong input says what to do.
    let o = kubeprint(&["diagram", path, "--env", "qa"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("has no environment `qa`; it has: dev, staging, prod"));
    let o = kubeprint(&["diagram", path, "--format", "png"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown diagram format `png`; use svg or mermaid"));
}

/// What is not Kubernetes YAML says what it is: an empty file, a design file given to
/// import; and an object the import kept whole that the API server would refuse fails
/// `check`, as it would fail the apply.
#[test]
fn import_says_what_an_input_is_and_check_fails_an_object_kept_invalid() {
    let dir = temp_dir("import-inputs");
    let empty = dir.join("empty.yaml");
    std::fs::write(&empty, "").unwrap();
    let o = kubeprint(&["import", empty.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("holds no document"), "{}", stderr(&o));

    let design = design_file("connectum", "import-a-design");
    let o = kubeprint(&["import", design.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let said = stderr(&o);
    assert!(said.contains("a Kubeprint design file"), "{said}");
    assert!(
        !said.contains("  :"),
        "a document without a name is named: {said}"
    );

    let manifest = dir.join("legacy.yaml");
    std::fs::write(
        &manifest,
        "apiVersion: v1
kind: Service
metadata:
  name: legacy
spec:
  ports:
    - port: eighty
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: legacy-config
data:
  MODE: batch
",
    )
    .unwrap();
    let o = kubeprint(&["import", manifest.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let imported = dir.join("legacy.json");
    std::fs::write(&imported, &o.stdout).unwrap();
    let o = kubeprint(&["check", imported.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(stdout(&o).contains("KP723"), "{}", stdout(&o));
}

/// `--help` after a command prints the usage and succeeds, as before one does; an option
/// the command does not know is still an error.
#[test]
fn help_after_a_command_prints_the_usage() {
    for args in [&["import", "--help"][..], &["render", "-h"], &["--help"]] {
        let o = kubeprint(args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).starts_with("usage:"), "{args:?}: {}", stdout(&o));
        assert_eq!(stderr(&o), "", "{args:?}");
    }
    let o = kubeprint(&["import", "--frobnicate", "x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown option `--frobnicate`"),
        "{}",
        stderr(&o)
    );
}

/// A compose file given with its `.env` and an `env_file` imports what they set, as the
/// page does with the files chosen together; a file that is no file of variables beside
/// a compose file is refused with what to give instead.
#[test]
fn import_takes_a_compose_file_with_its_env_files() {
    let dir = temp_dir("compose-with-env");
    std::fs::create_dir_all(dir.join("config")).unwrap();
    let compose = dir.join("docker-compose.yml");
    std::fs::write(
        &compose,
        "services:\n  web:\n    image: ghcr.io/acme/web:1.2.0\n    env_file: ./config/web.env\n    \
         environment:\n      LOG_LEVEL: ${LOG_LEVEL}\n",
    )
    .unwrap();
    // Elsewhere than beside the file: only the arguments say where they are.
    let other = temp_dir("compose-with-env-files");
    std::fs::write(other.join(".env"), "LOG_LEVEL=debug\n").unwrap();
    std::fs::write(other.join("web.env"), "FEATURE_FLAGS=search\n").unwrap();
    let path = |p: std::path::PathBuf| p.to_string_lossy().into_owned();
    let o = kubeprint(&[
        "import",
        &path(compose.clone()),
        &path(other.join(".env")),
        &path(other.join("web.env")),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let design: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let data = &design["config_maps"][0]["data"];
    assert_eq!(data["LOG_LEVEL"], "debug", "{design}");
    assert_eq!(data["FEATURE_FLAGS"], "search", "{design}");
    // A file it does not read is said; manifests beside it are refused.
    std::fs::write(other.join("notes.txt"), "A=1\n").unwrap();
    let o = kubeprint(&[
        "import",
        &path(compose.clone()),
        &path(other.join("notes.txt")),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("notes.txt: not read: the compose file reads"),
        "{}",
        stderr(&o)
    );
    std::fs::write(other.join("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\n").unwrap();
    let o = kubeprint(&["import", &path(compose), &path(other.join("cm.yaml"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("cm.yaml holds Kubernetes manifests"),
        "{}",
        stderr(&o)
    );
}

/// A file the compose file mounts from its project is read beside it, as its `env_file`s
/// are: its text is the ConfigMap key's.
#[test]
fn import_reads_the_files_a_compose_file_mounts() {
    let dir = temp_dir("compose-with-mounted-file");
    std::fs::create_dir_all(dir.join("proxy")).unwrap();
    let compose = dir.join("compose.yaml");
    std::fs::write(
        &compose,
        "services:\n  proxy:\n    image: nginx:1.27\n    volumes:\n      \
         - ./proxy/nginx.conf:/etc/nginx/conf.d/default.conf:ro\n",
    )
    .unwrap();
    let conf = "server { listen 80; }\n";
    std::fs::write(dir.join("proxy/nginx.conf"), conf).unwrap();
    let o = kubeprint(&["import", &compose.to_string_lossy()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let design: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let files = (design["config_maps"].as_array().unwrap().iter())
        .find(|c| c["name"] == "proxy-files")
        .unwrap_or_else(|| panic!("{design}"));
    assert_eq!(files["data"]["nginx.conf"], conf);
    assert!(
        stderr(&o).contains("with the file's text"),
        "{}",
        stderr(&o)
    );
}
