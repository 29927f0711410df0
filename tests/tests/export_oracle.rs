//! The export bundle against real tools: `kubectl kustomize` of every overlay equals the
//! bundle's `rendered/ENV.yaml` (as objects, order and formatting aside), and every
//! rendered file passes the schema oracle.

use kubeprint_core::yaml::{parse_documents, Value};
use kubeprint_core::{export, templates};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn write_bundle(name: &str, test: &str) -> PathBuf {
    let design = templates::by_name(name).unwrap();
    let dir = std::env::temp_dir().join(format!(
        "kubeprint-export-{test}-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for f in export::bundle(&design) {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, f.contents).unwrap();
    }
    dir
}

/// Objects by (kind, namespace, name).
fn objects(yaml: &str) -> BTreeMap<(String, String, String), Value> {
    parse_documents(yaml)
        .unwrap()
        .into_iter()
        .filter(|d| !d.is_null())
        .map(|d| {
            let s = |v: &Value| v.as_str().unwrap_or_default().to_string();
            (
                (
                    s(&d["kind"]),
                    s(&d["metadata"]["namespace"]),
                    s(&d["metadata"]["name"]),
                ),
                d,
            )
        })
        .collect()
}

fn kustomize(dir: &Path) -> String {
    let out = Command::new("kubectl")
        .arg("kustomize")
        .arg(dir)
        .output()
        .expect("kubectl runs (it is on every machine of this kind; see TOOLCHAIN)");
    assert!(
        out.status.success(),
        "kubectl kustomize {}: {}",
        dir.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_overlay_builds_exactly_its_rendered_environment() {
    let mut checked = 0;
    for t in templates::ALL {
        let dir = write_bundle(t.name, "kustomize");
        let design = (t.build)();
        for env in &design.environments {
            let built = objects(&kustomize(&dir.join("kustomize/overlays").join(&env.name)));
            let rendered = objects(
                &std::fs::read_to_string(dir.join(format!("rendered/{}.yaml", env.name))).unwrap(),
            );
            assert_eq!(
                built.keys().collect::<Vec<_>>(),
                rendered.keys().collect::<Vec<_>>(),
                "{} {}: the same objects",
                t.name,
                env.name
            );
            for (k, v) in &rendered {
                assert_eq!(&built[k], v, "{} {}: {k:?} differs", t.name, env.name);
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked} environments checked");
}

#[test]
fn the_bundles_rendered_files_pass_the_schema_oracle() {
    let mut files = Vec::new();
    for t in templates::ALL {
        let dir = write_bundle(t.name, "schema");
        for entry in std::fs::read_dir(dir.join("rendered")).unwrap() {
            files.push(entry.unwrap().path());
        }
    }
    let (ok, out) = kubeprint_tests::validate_manifests("1.33", &files);
    assert!(ok, "{out}");
}

#[test]
fn the_zip_holds_the_whole_bundle() {
    let design = templates::miniredis();
    let bytes = export::zip(&design);
    let dir = std::env::temp_dir().join(format!("kubeprint-zip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let zip = dir.join("bundle.zip");
    std::fs::write(&zip, &bytes).unwrap();
    let listing = kubeprint_tests::zip_listing(&zip);
    let expected = export::bundle(&design);
    assert_eq!(listing.lines().count(), expected.len());
    for f in &expected {
        assert!(
            listing.contains(&format!("miniredis/{} 8", f.path)),
            "{} deflated in the zip:\n{listing}",
            f.path
        );
    }
    for must in [
        "miniredis/kustomize/base/kustomization.yaml",
        "miniredis/kustomize/overlays/staging/kustomization.yaml",
        "miniredis/rendered/prod.yaml",
        "miniredis/design.kubeprint.json",
        "miniredis/README.md",
    ] {
        assert!(listing.contains(must), "{must}");
    }
}
