//! The bundle's Argo CD objects against Argo CD's own CRD schemas (npm
//! `@kubernetes-models/argo-cd`): every template's AppProject and Applications, pointed
//! at the Kustomize overlays and at the Helm chart.

use kubeprint_core::export::{self, ArgoOptions, Options};
use kubeprint_core::{templates, ArgoSource};
use kubeprint_tests::validate_custom_resources;
use std::path::PathBuf;

fn dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeprint-argocd-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn every_templates_argo_cd_objects_pass_argo_cds_schemas() {
    let out = dir("schemas");
    let mut files = Vec::new();
    let (mut applications, mut ignoring) = (0, 0);
    for t in templates::ALL {
        let design = (t.build)();
        for (source, helm, kustomize) in [
            (ArgoSource::Kustomize, false, true),
            (ArgoSource::Helm, true, false),
        ] {
            let options = Options {
                kustomize,
                helm,
                argocd: Some(ArgoOptions {
                    repo_url: "https://git.example.com/acme/platform.git".into(),
                    revision: "main".into(),
                    path: format!("deploy/{}", t.name),
                    namespace: "argocd".into(),
                    source,
                }),
                compose: None,
            };
            for f in export::bundle_with(&design, &options).unwrap() {
                if !f.path.starts_with("argocd/") || f.path.ends_with("kustomization.yaml") {
                    continue;
                }
                applications += usize::from(f.contents.contains("kind: Application\n"));
                ignoring += usize::from(f.contents.contains("ignoreDifferences:"));
                let path = out.join(format!(
                    "{}-{source:?}-{}",
                    t.name,
                    f.path.replace('/', "-")
                ));
                std::fs::write(&path, f.contents).unwrap();
                files.push(path);
            }
        }
    }
    let environments: usize = templates::ALL
        .iter()
        .map(|t| (t.build)().environments.len())
        .sum();
    assert_eq!(
        applications,
        2 * environments,
        "an Application per environment and source"
    );
    assert!(
        ignoring > 0,
        "Applications that leave Secrets' values alone are checked"
    );
    let (ok, report) = validate_custom_resources(&files);
    assert!(ok, "{report}");
    let projects = 2 * templates::ALL.len();
    assert!(
        report.contains(&format!(
            "custom resources: {} valid, 0 invalid, 0 other documents",
            applications + projects
        )),
        "every document was validated: {report}"
    );
}

#[test]
fn the_schemas_refuse_an_application_that_is_wrong() {
    // The check above is only as good as its oracle: the same Application with its sync
    // options as one string instead of a list is refused.
    let design = templates::connectum();
    let options = ArgoOptions {
        repo_url: "https://git.example.com/acme/connectum.git".into(),
        revision: String::new(),
        path: String::new(),
        namespace: "argocd".into(),
        source: ArgoSource::Kustomize,
    };
    let env = design.environment("dev").unwrap();
    let app = export::argo::application(&design, env, &options, "connectum");
    let good = kubeprint_core::yaml::to_doc(&app);
    let bad = good.replace(
        "syncOptions:\n    - CreateNamespace=true",
        "syncOptions: CreateNamespace=true",
    );
    assert_ne!(good, bad);
    let out = dir("refused");
    std::fs::write(out.join("good.yaml"), &good).unwrap();
    std::fs::write(out.join("bad.yaml"), &bad).unwrap();
    assert!(validate_custom_resources(&[out.join("good.yaml")]).0);
    let (ok, report) = validate_custom_resources(&[out.join("bad.yaml")]);
    assert!(!ok && report.contains("syncOptions"), "{report}");
}
