//! Helm's own linter on the exported charts: every template's chart passes with
//! values.yaml and with each environment's values file, and a values file that breaks
//! values.schema.json fails. (That the chart renders exactly `rendered/<env>.yaml` is
//! shown in core's `tests/helm.rs`, by an evaluator of the template subset the chart
//! uses: no `helm template` exists here.)

use kubeprint_core::export::helm::{chart, chart_name};
use kubeprint_core::{import, templates, Design, EnvVar};
use kubeprint_tests::helm_lint;
use std::path::PathBuf;

/// The chart of `design` written to a fresh folder; (chart folder, values-<env> files).
fn write_chart(design: &Design, test: &str) -> (PathBuf, Vec<PathBuf>) {
    let dir = std::env::temp_dir().join(format!(
        "kubeprint-helm-{test}-{}-{}",
        design.name,
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for f in chart(design) {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, f.contents).unwrap();
    }
    let chart_dir = dir.join("helm").join(chart_name(design));
    let values = design
        .environments
        .iter()
        .map(|e| chart_dir.join(format!("values-{}.yaml", e.name)))
        .collect();
    (chart_dir, values)
}

#[test]
fn every_template_chart_passes_helm_lint_with_each_environment() {
    for t in templates::ALL {
        let design = templates::by_name(t.name).unwrap();
        let (chart_dir, values) = write_chart(&design, "lint");
        let (ok, out) = helm_lint(&chart_dir, &values);
        assert!(ok, "{}: Helm's linter failed:\n{out}", t.name);
        assert_eq!(
            out.matches(": linted").count(),
            values.len() + 1,
            "{}: not every values file was linted:\n{out}",
            t.name
        );
        assert!(
            !out.contains("[WARNING]"),
            "{}: Helm's linter warns:\n{out}",
            t.name
        );
    }
}

/// The chart of a design whose environments set, add and leave out variables of their
/// own passes Helm's linter with each environment's values.
#[test]
fn a_chart_of_environments_own_variables_passes_helm_lint() {
    golden_chart_passes_helm_lint("variables-here");
}

/// The chart of golden design `name` (core/tests/links/NAME.json) passes Helm's linter
/// with each environment's values; its folder.
fn golden_chart_passes_helm_lint(name: &str) -> PathBuf {
    let golden = kubeprint_tests::root().join(format!("core/tests/links/{name}.json"));
    let design =
        kubeprint_core::file::from_json(&std::fs::read_to_string(golden).unwrap()).unwrap();
    let (chart_dir, values) = write_chart(&design, name);
    let (ok, out) = helm_lint(&chart_dir, &values);
    assert!(ok, "Helm's linter failed:\n{out}");
    assert_eq!(out.matches(": linted").count(), values.len() + 1, "{out}");
    chart_dir
}

/// The chart of a design whose environments read variables from keys of a Secret and a
/// ConfigMap passes Helm's linter with each environment's values.
#[test]
fn a_chart_of_variables_read_from_keys_passes_helm_lint() {
    golden_chart_passes_helm_lint("variables-from-keys");
}

/// The chart of a design whose service reaches outside the cluster under default-deny
/// (an IPv4 block to anywhere and a subnet) passes Helm's linter with each environment's
/// values, its allow policies holding the blocks.
#[test]
fn a_chart_with_egress_outside_the_cluster_passes_helm_lint() {
    let chart_dir = golden_chart_passes_helm_lint("external-egress");
    let templates = std::fs::read_dir(chart_dir.join("templates")).unwrap();
    let text: String = (templates
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap_or_default()))
    .collect();
    assert!(
        text.contains("cidr: 10.20.0.0/16") && text.contains("ipBlock"),
        "the blocks are in the chart"
    );
}

/// The chart of an imported design whose environments write different keys of one
/// ConfigMap (prod's lacks a key the others have, so prod leaves it out): the key sits
/// on a line written where the values have it, prod's values delete it, and Helm's
/// linter passes every environment's values against the schema.
#[test]
fn a_chart_of_config_keys_some_environments_leave_out_passes_helm_lint() {
    let read = |env: &str| {
        let file =
            kubeprint_tests::root().join(format!("core/tests/corpus/keys-of-some/{env}.yaml"));
        std::fs::read_to_string(file).unwrap()
    };
    let (dev, staging, prod) = (read("dev"), read("staging"), read("prod"));
    let design = import::environments(&[("dev", &dev), ("staging", &staging), ("prod", &prod)])
        .unwrap()
        .design;
    assert!(design
        .environment("prod")
        .unwrap()
        .leaves_out("ledger-config", "DEBUG_SQL"));
    let (chart_dir, values) = write_chart(&design, "keys-left-out");
    let template =
        std::fs::read_to_string(chart_dir.join("templates/configmap-ledger-config.yaml")).unwrap();
    assert!(
        template
            .contains(r#"{{- if (hasKey (index .Values "config" "ledger-config") "DEBUG_SQL") }}"#),
        "{template}"
    );
    let prod_values = std::fs::read_to_string(chart_dir.join("values-prod.yaml")).unwrap();
    assert!(prod_values.contains("DEBUG_SQL: null"), "{prod_values}");
    let (ok, out) = helm_lint(&chart_dir, &values);
    assert!(ok, "Helm's linter failed:\n{out}");
    assert_eq!(out.matches(": linted").count(), values.len() + 1, "{out}");
}

#[test]
fn helm_lint_fails_a_values_file_that_breaks_the_schema() {
    let design = templates::miniredis();
    let (chart_dir, _) = write_chart(&design, "schema");
    let service = &design
        .services
        .iter()
        .find(|s| s.kind.has_replicas() && s.scaling.hpa.is_none())
        .unwrap()
        .name;
    let cases = [
        (
            "replicas-text",
            format!("services:\n  {service}:\n    replicas: three\n"),
        ),
        (
            "replicas-negative",
            format!("services:\n  {service}:\n    replicas: -1\n"),
        ),
        (
            "misspelt",
            format!("services:\n  {service}:\n    replica: 2\n"),
        ),
    ];
    for (name, text) in cases {
        let file = chart_dir.with_file_name(format!("values-{name}.yaml"));
        std::fs::write(&file, text).unwrap();
        let (ok, out) = helm_lint(&chart_dir, &[file]);
        assert!(
            !ok && out.contains("[ERROR] values.yaml"),
            "{name}: Helm's linter accepted values that break the schema:\n{out}"
        );
    }
}

/// Every corpus of real-shaped manifests, imported alone and as two environments of one
/// design (the way a Kustomize overlay per environment is imported), gives a chart Helm's
/// linter passes with every values file: kept objects (CRDs, custom resources, other
/// namespaces), residuals, Jobs, CronJobs, DaemonSets, sidecars and volumes included.
#[test]
fn imported_corpora_charts_pass_helm_lint_with_each_environment() {
    let corpus = kubeprint_tests::root().join("core/tests/corpus");
    let read = |f: &str| std::fs::read_to_string(corpus.join(f)).unwrap();
    let mut designs = vec![
        import::environments(&[
            ("staging", &read("two-envs/staging.yaml")),
            ("prod", &read("two-envs/prod.yaml")),
        ])
        .unwrap()
        .design,
    ];
    let mut names: Vec<String> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|f| f.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with(".yaml"))
        .collect();
    names.sort();
    for name in &names {
        let text = read(name);
        let stem = name.trim_end_matches(".yaml");
        let mut one = import::kubernetes(&text).design;
        one.name = stem.to_string();
        let mut two = import::environments(&[("staging", &text), ("prod", &text)])
            .unwrap()
            .design;
        two.name = format!("{stem}-envs");
        designs.extend([one, two]);
    }
    assert!(designs.len() > 20, "only {} designs", designs.len());
    for d in designs {
        let (chart_dir, values) = write_chart(&d, "corpus");
        let (ok, out) = helm_lint(&chart_dir, &values);
        assert!(ok, "{}: Helm's linter failed:\n{out}", d.name);
        assert!(
            !out.contains("[WARNING]"),
            "{}: Helm's linter warns:\n{out}",
            d.name
        );
    }
}

/// Helm reads values files and rendered templates as YAML 1.1, where a plain `on`, `yes`
/// or `1_000` is a bool or a number: a configuration value or a variable that is such a
/// string must stay a string (the schema says string; a ConfigMap's data and an env
/// value must be strings).
#[test]
fn strings_a_yaml_1_1_reader_would_misread_stay_strings() {
    let mut d = templates::miniredis();
    d.config_maps[0].data.insert("FLAG".into(), "on".into());
    d.config_maps[0].data.insert("COUNT".into(), "1_000".into());
    d.services[0]
        .config
        .env
        .push(EnvVar::literal("ENABLED", "yes"));
    let (chart_dir, values) = write_chart(&d, "yaml11");
    let (ok, out) = helm_lint(&chart_dir, &values);
    assert!(ok, "Helm's linter failed:\n{out}");
}
