//! The export bundle: Kustomize base and one overlay per environment, the fully rendered
//! YAML of every environment, the design file and a README, as files or one zip.
//!
//! The base is the first environment that runs services, rendered. Each overlay is the
//! exact difference of its environment from the base, per object: a JSON 6902 patch made
//! by `json_patch::diff` (namespace, replicas, resources, HPA ranges, image tags, labels,
//! ... whatever differs; lists are compared item by item),
//! a `$patch: delete` for an object the environment does not have, and the object itself
//! for one only it has. So `kubectl kustomize kustomize/overlays/ENV` gives exactly
//! `rendered/ENV.yaml` (tested with kubectl).

pub mod compose;
pub mod helm;

use crate::model::Design;
use crate::render::{render, Object};
use crate::{file, yaml};
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::Write;

/// One file of the bundle: a path relative to the bundle root, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BundleFile {
    /// e.g. `kustomize/overlays/prod/kustomization.yaml`.
    pub path: String,
    /// The file's contents.
    pub contents: String,
}

/// A kustomization.yaml (kustomize's own config, not a Kubernetes object).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Kustomization {
    api_version: &'static str,
    kind: &'static str,
    resources: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    patches: Vec<PatchRef>,
}

#[derive(Serialize)]
struct PatchRef {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<PatchTarget>,
}

#[derive(Serialize)]
struct PatchTarget {
    kind: String,
    name: String,
}

impl Kustomization {
    fn new(resources: Vec<String>, patches: Vec<PatchRef>) -> Self {
        Kustomization {
            api_version: "kustomize.config.k8s.io/v1beta1",
            kind: "Kustomization",
            resources,
            patches,
        }
    }
}

fn file_name(o: &Object) -> String {
    let (kind, name) = o.key();
    format!("{}-{}.yaml", kind.to_lowercase(), name.replace('/', "-"))
}

fn key(o: &Object) -> (String, String) {
    o.key()
}

/// Every file of the bundle, in a stable order.
pub fn bundle(design: &Design) -> Vec<BundleFile> {
    let mut files = Vec::new();
    let base_env = design
        .environments
        .iter()
        .find(|e| e.hosts_services)
        .or(design.environments.first());
    let base = base_env
        .map(|e| render(design, &e.name))
        .unwrap_or_default();
    let base_by_key: BTreeMap<_, _> = base.objects.iter().map(|o| (key(o), o)).collect();

    let mut resources = Vec::new();
    for o in &base.objects {
        let name = file_name(o);
        files.push(BundleFile {
            path: format!("kustomize/base/{name}"),
            contents: yaml::to_doc(o),
        });
        resources.push(name);
    }
    files.push(BundleFile {
        path: "kustomize/base/kustomization.yaml".into(),
        contents: yaml::to_doc(&Kustomization::new(resources, Vec::new())),
    });

    for env in &design.environments {
        let dir = format!("kustomize/overlays/{}", env.name);
        let rendered = render(design, &env.name);
        let mut resources = vec!["../../base".to_string()];
        let mut patches = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for o in &rendered.objects {
            seen.insert(key(o));
            match base_by_key.get(&key(o)) {
                None => {
                    let name = file_name(o);
                    files.push(BundleFile {
                        path: format!("{dir}/{name}"),
                        contents: yaml::to_doc(o),
                    });
                    resources.push(name);
                }
                Some(b) => {
                    let ops = json_patch::diff(&to_json(b), &to_json(o));
                    if !ops.0.is_empty() {
                        let name = format!("patch-{}", file_name(o));
                        files.push(BundleFile {
                            path: format!("{dir}/{name}"),
                            contents: yaml::to_doc(&ops),
                        });
                        patches.push(PatchRef {
                            path: name,
                            target: Some(PatchTarget {
                                kind: o.kind().into(),
                                name: b.name().into(),
                            }),
                        });
                    }
                }
            }
        }
        for b in &base.objects {
            if !seen.contains(&key(b)) {
                let name = format!("delete-{}", file_name(b));
                let api_version = b.api_version();
                let mut metadata = json!({"name": b.name()});
                if let Some(ns) = &b.metadata().namespace {
                    metadata["namespace"] = json!(ns);
                }
                let delete = json!({
                    "apiVersion": api_version,
                    "kind": b.kind(),
                    "metadata": metadata,
                    "$patch": "delete",
                });
                files.push(BundleFile {
                    path: format!("{dir}/{name}"),
                    contents: yaml::to_doc(&delete),
                });
                patches.push(PatchRef {
                    path: name,
                    target: None,
                });
            }
        }
        files.push(BundleFile {
            path: format!("{dir}/kustomization.yaml"),
            contents: yaml::to_doc(&Kustomization::new(resources, patches)),
        });
        files.push(BundleFile {
            path: format!("rendered/{}.yaml", env.name),
            contents: rendered.to_yaml(),
        });
    }
    files.push(BundleFile {
        path: "design.kubeprint.json".into(),
        contents: file::to_json(design),
    });
    files.push(BundleFile {
        path: "README.md".into(),
        contents: readme(design),
    });
    files
}

fn to_json(o: &Object) -> Value {
    serde_json::to_value(o).expect("objects serialize")
}

fn readme(design: &Design) -> String {
    let mut out = format!(
        "# {} (exported by Kubeprint)\n\n\
         - `kustomize/base/`: the manifests of the first environment.\n\
         - `kustomize/overlays/<env>/`: each environment as patches on the base.\n\
         - `rendered/<env>.yaml`: each environment fully rendered (what the overlay builds).\n\
         - `design.kubeprint.json`: the design; open it in Kubeprint to change it.\n\n\
         Secrets carry the placeholder `CHANGE_ME`: set real values outside Kubeprint\n\
         (a secret manager, sealed secrets) before applying.\n\n## Apply\n\n",
        design.name
    );
    for env in &design.environments {
        out.push_str(&format!(
            "    kubectl apply -k kustomize/overlays/{}    # namespace {}\n",
            env.name, env.namespace
        ));
    }
    out.push_str("\nor, without kustomize: `kubectl apply -f rendered/<env>.yaml`.\n");
    out
}

/// The bundle as a zip archive (deflate), every file under a folder named after the design.
pub fn zip(design: &Design) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut archive = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    let root = if design.name.is_empty() {
        "kubeprint"
    } else {
        &design.name
    };
    for f in bundle(design) {
        archive
            .start_file(format!("{root}/{}", f.path), options)
            .expect("writing to memory cannot fail");
        archive
            .write_all(f.contents.as_bytes())
            .expect("writing to memory cannot fail");
    }
    archive.finish().expect("writing to memory cannot fail");
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One YAML document of the bundle, read back as `T`.
    fn read<T: serde::de::DeserializeOwned>(text: &str) -> T {
        let doc = yaml::parse_documents(text).unwrap().remove(0);
        yaml::from_value(doc).unwrap()
    }

    #[test]
    fn every_overlay_patch_file_turns_its_base_object_into_the_rendered_one() {
        let mut patched = 0;
        for t in crate::templates::ALL {
            let d = crate::templates::by_name(t.name).unwrap();
            let files: BTreeMap<String, String> = bundle(&d)
                .into_iter()
                .map(|f| (f.path, f.contents))
                .collect();
            for env in &d.environments {
                let prefix = format!("kustomize/overlays/{}/patch-", env.name);
                for o in &render(&d, &env.name).objects {
                    let name = file_name(o);
                    let Some(ops) = files.get(&format!("{prefix}{name}")) else {
                        continue;
                    };
                    let mut doc: Value = read(&files[&format!("kustomize/base/{name}")]);
                    let ops: json_patch::Patch = read(ops);
                    json_patch::patch(&mut doc, &ops).unwrap();
                    assert_eq!(doc, to_json(o), "{} {}: {name}", t.name, env.name);
                    patched += 1;
                }
            }
        }
        assert!(patched > 10, "only {patched} patch files were checked");
    }

    #[test]
    fn an_overlay_patch_escapes_slashes_in_label_keys() {
        let a = json!({"metadata": {"labels": {"app.kubernetes.io/version": "1"}}});
        let b = json!({"metadata": {"labels": {"app.kubernetes.io/version": "2"}}});
        let text = yaml::to_doc(&json_patch::diff(&a, &b));
        assert_eq!(
            text,
            "- op: replace\n  path: /metadata/labels/app.kubernetes.io~1version\n  value: '2'\n"
        );
    }

    #[test]
    fn the_bundle_has_every_part() {
        let d = crate::templates::connectum();
        let paths: Vec<String> = bundle(&d).into_iter().map(|f| f.path).collect();
        for want in [
            "kustomize/base/kustomization.yaml",
            "kustomize/base/deployment-order-service.yaml",
            "kustomize/overlays/prod/kustomization.yaml",
            "kustomize/overlays/observability/kustomization.yaml",
            "rendered/dev.yaml",
            "rendered/observability.yaml",
            "design.kubeprint.json",
            "README.md",
        ] {
            assert!(
                paths.iter().any(|p| p == want),
                "{want} missing from {paths:#?}"
            );
        }
    }
}
