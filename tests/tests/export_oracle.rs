//! The export bundle against real tools: `kubectl kustomize` of every overlay equals the
//! bundle's `rendered/ENV.yaml` (as objects, order and formatting aside), that of the
//! placeholder Secrets' kustomization `rendered/secrets/ENV.yaml`, and every rendered
//! file passes the schema oracle.

use kubeprint_core::yaml::{parse_documents, Value};
use kubeprint_core::{export, templates};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn write_bundle(name: &str, test: &str) -> PathBuf {
    write_design_bundle(&templates::by_name(name).unwrap(), test)
}

fn write_design_bundle(design: &kubeprint_core::Design, test: &str) -> PathBuf {
    let name = &design.name;
    let dir = std::env::temp_dir().join(format!(
        "kubeprint-export-{test}-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    for f in export::bundle(design) {
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
    let (mut checked, mut secrets) = (0, 0);
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
            secrets += secrets_build_apart(&dir, &design, &env.name, &rendered);
        }
    }
    assert!(checked >= 15, "{checked} environments checked");
    assert!(
        secrets >= 5,
        "{secrets} environments with placeholder Secrets checked"
    );
}

/// Environment `env` rendered as the bundle writes it: its placeholder Secrets' values
/// in `data`, base64, as the API server keeps them (`stringData` no live object has).
fn bundled(
    design: &kubeprint_core::Design,
    env: &str,
) -> BTreeMap<(String, String, String), Value> {
    let docs: Vec<serde_json::Value> = (kubeprint_core::render(design, env).objects.iter())
        .map(|o| match export::placeholder_secret(o) {
            true => export::secret_apart(o),
            false => o.to_json(),
        })
        .collect();
    objects(&kubeprint_core::yaml::to_multi_doc(&docs))
}

/// An environment's placeholder Secrets are apart from its overlay (`overlay`, as
/// built): `kustomize/secrets/ENV` builds exactly `rendered/secrets/ENV.yaml`, every one
/// a placeholder Secret, and the two hold together exactly the environment's objects.
/// Whether it has any.
fn secrets_build_apart(
    dir: &Path,
    design: &kubeprint_core::Design,
    env: &str,
    overlay: &BTreeMap<(String, String, String), Value>,
) -> usize {
    let placeholder = |v: &Value| {
        v["kind"] == "Secret"
            && !v["metadata"]["annotations"][kubeprint_core::render::PLACEHOLDERS_ANNOTATION]
                .is_null()
    };
    assert!(
        !overlay.values().any(placeholder),
        "{env}: the overlay holds no placeholder Secret"
    );
    let all = bundled(design, env);
    let folder = dir.join("kustomize/secrets").join(env);
    let file = dir.join(format!("rendered/secrets/{env}.yaml"));
    if !folder.exists() {
        assert!(
            !file.exists(),
            "{env}: secrets rendered but not in kustomize"
        );
        assert_eq!(
            overlay.keys().collect::<Vec<_>>(),
            all.keys().collect::<Vec<_>>()
        );
        return 0;
    }
    let built = objects(&kustomize(&folder));
    let rendered = objects(&std::fs::read_to_string(file).unwrap());
    assert_eq!(
        built, rendered,
        "{env}: kustomize/secrets builds rendered/secrets"
    );
    assert!(
        !built.is_empty() && built.values().all(placeholder),
        "{env}"
    );
    let mut together = overlay.clone();
    together.extend(built);
    assert_eq!(
        together, all,
        "{env}: the overlay and the Secrets are the environment"
    );
    1
}

/// The golden design `name` (core/tests/links/NAME.json).
fn golden(name: &str) -> kubeprint_core::Design {
    let file = kubeprint_tests::root().join(format!("core/tests/links/{name}.json"));
    kubeprint_core::file::from_json(&std::fs::read_to_string(file).unwrap()).unwrap()
}

/// Environments' own variables (a value of their own, one only dev sets, one staging
/// leaves out) are list items the overlays patch: `kubectl kustomize` of each overlay
/// still gives exactly its rendered environment.
#[test]
fn overlays_of_environments_own_variables_build_exactly_their_environment() {
    let design = golden("variables-here");
    assert!(
        (design.environments.iter()).all(|e| e.overrides.values().any(|o| !o.env.is_empty())),
        "every environment sets variables of its own"
    );
    overlays_build_exactly_their_environment(&design, "variables");
}

/// Variables environments read from keys (prod's from a Secret, staging's from a
/// ConfigMap, where dev writes the value) build exactly as rendered in every overlay.
#[test]
fn overlays_of_variables_read_from_keys_build_exactly_their_environment() {
    let design = golden("variables-from-keys");
    let read_here = |env: &kubeprint_core::Environment| {
        (env.overrides.values().flat_map(|o| o.env.values()))
            .any(|v| matches!(v, kubeprint_core::VarHere::Read(_)))
    };
    assert_eq!(
        design.environments.iter().filter(|e| read_here(e)).count(),
        2
    );
    overlays_build_exactly_their_environment(&design, "variables-from-keys");
}

/// Egress outside the cluster (an allow policy's ipBlock rules) builds exactly as
/// rendered in every overlay.
#[test]
fn overlays_with_egress_outside_the_cluster_build_exactly_their_environment() {
    let design = golden("external-egress");
    assert!(design.services.iter().any(|s| s.egress.len() == 2));
    overlays_build_exactly_their_environment(&design, "external-egress");
}

/// What environments' inputs had of their own beyond the model (an annotation of the
/// pods, labels of a ConfigMap and a Secret) is patched by their overlays.
#[test]
fn overlays_of_details_kept_per_environment_build_exactly_their_environment() {
    let design = golden("own-residuals");
    assert!(
        (design.environments.iter()).any(|e| !e.own_residuals.is_empty()),
        "an environment keeps details of its own"
    );
    overlays_build_exactly_their_environment(&design, "own-residuals");
}

/// `kubectl kustomize` of each overlay of `design`'s bundle gives exactly its
/// environment's rendering, the placeholder Secrets apart.
fn overlays_build_exactly_their_environment(design: &kubeprint_core::Design, test: &str) {
    let dir = write_design_bundle(design, test);
    for env in &design.environments {
        let built = objects(&kustomize(&dir.join("kustomize/overlays").join(&env.name)));
        secrets_build_apart(&dir, design, &env.name, &built);
        let rendered = objects(&export::secrets_apart(design, &env.name).applied.to_yaml());
        assert_eq!(
            built.keys().collect::<Vec<_>>(),
            rendered.keys().collect::<Vec<_>>(),
            "{}: the same objects",
            env.name
        );
        for (k, v) in &rendered {
            assert_eq!(&built[k], v, "{}: {k:?} differs", env.name);
        }
    }
}

/// What an Argo CD Application syncs with Kustomize: for an environment with
/// placeholder Secrets, `kustomize/argocd/ENV` builds exactly the whole environment, its
/// overlay and its Secrets (which the Application then leaves to the cluster).
#[test]
fn argo_cd_builds_each_environment_whole_with_its_secrets() {
    let mut whole = 0;
    for name in ["miniredis", "connectum"] {
        let design = templates::by_name(name).unwrap();
        let options = export::Options {
            argocd: Some(export::ArgoOptions {
                repo_url: "https://git.example.com/acme/platform.git".into(),
                revision: String::new(),
                path: String::new(),
                namespace: "argocd".into(),
                source: kubeprint_core::ArgoSource::Kustomize,
            }),
            ..export::Options::default()
        };
        let dir = std::env::temp_dir().join(format!(
            "kubeprint-argo-kustomize-{name}-{}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for f in export::bundle_with(&design, &options).unwrap() {
            let path = dir.join(&f.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, f.contents).unwrap();
        }
        for env in &design.environments {
            let app = std::fs::read_to_string(
                dir.join(format!("argocd/application-{name}-{}.yaml", env.name)),
            )
            .unwrap();
            let path = (app.lines())
                .find_map(|l| l.trim().strip_prefix("path: "))
                .expect("the Application's path");
            let built = objects(&kustomize(&dir.join(path)));
            let all = bundled(&design, &env.name);
            let secrets = export::placeholder_secrets(&design, &env.name);
            if secrets.is_empty() {
                assert_eq!(path, format!("kustomize/overlays/{}", env.name));
            } else {
                assert_eq!(path, format!("kustomize/argocd/{}", env.name));
                whole += 1;
            }
            assert_eq!(
                built, all,
                "{name} {}: Argo CD syncs the whole environment",
                env.name
            );
        }
    }
    assert!(whole >= 4, "{whole} environments with Secrets built");
}

#[test]
fn the_bundles_rendered_files_pass_the_schema_oracle() {
    let mut files = Vec::new();
    for t in templates::ALL {
        let dir = write_bundle(t.name, "schema");
        for folder in ["rendered", "rendered/secrets"] {
            let Ok(entries) = std::fs::read_dir(dir.join(folder)) else {
                continue; // (no Secret: no `rendered/secrets`)
            };
            for entry in entries {
                let path = entry.unwrap().path();
                if path.is_file() {
                    files.push(path);
                }
            }
        }
    }
    assert!(
        files
            .iter()
            .any(|f| f.parent().is_some_and(|p| p.ends_with("rendered/secrets"))),
        "placeholder Secrets are checked too"
    );
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

/// Writes `files` (path, text) under a fresh temporary directory for `test`.
fn write_tree(test: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeprint-{test}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    for (path, text) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// A storefront as a team keeps it in Kustomize: a base whose configMapGenerator holds
/// settings and an nginx.conf (read whole, key by key and as a volume), and overlays
/// for dev and prod that merge values of their own into it.
const STOREFRONT: &[(&str, &str)] = &[
    (
        "base/kustomization.yaml",
        "resources:
  - deployment.yaml
  - service.yaml
configMapGenerator:
  - name: storefront-config
    files:
      - nginx.conf
    literals:
      - LOG_LEVEL=info
      - CHECKOUT_URL=http://checkout:8080/api?region=eu&retry=3
",
    ),
    (
        "base/nginx.conf",
        "server {\n  listen 8080;\n  location / {\n    proxy_pass http://127.0.0.1:3000;\n  }\n}\n",
    ),
    (
        "base/deployment.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: storefront
  labels:
    app.kubernetes.io/name: storefront
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: storefront
  template:
    metadata:
      labels:
        app.kubernetes.io/name: storefront
    spec:
      containers:
        - name: storefront
          image: ghcr.io/acme/storefront:3.2.0
          ports:
            - name: http
              containerPort: 3000
          envFrom:
            - configMapRef:
                name: storefront-config
          env:
            - name: UPSTREAM
              valueFrom:
                configMapKeyRef:
                  name: storefront-config
                  key: CHECKOUT_URL
          volumeMounts:
            - name: nginx
              mountPath: /etc/nginx/conf.d
      volumes:
        - name: nginx
          configMap:
            name: storefront-config
",
    ),
    (
        "base/service.yaml",
        "apiVersion: v1
kind: Service
metadata:
  name: storefront
  labels:
    app.kubernetes.io/name: storefront
spec:
  selector:
    app.kubernetes.io/name: storefront
  ports:
    - name: http
      port: 80
      targetPort: http
",
    ),
    (
        "overlays/dev/kustomization.yaml",
        "namespace: shop-dev
resources:
  - ../../base
configMapGenerator:
  - name: storefront-config
    behavior: merge
    literals:
      - LOG_LEVEL=debug
",
    ),
    (
        "overlays/prod/kustomization.yaml",
        "namespace: shop
resources:
  - ../../base
replicas:
  - name: storefront
    count: 4
configMapGenerator:
  - name: storefront-config
    behavior: merge
    literals:
      - LOG_LEVEL=warn
      - CDN_HOST=cdn.acme.example
",
    ),
];

/// Kustomize builds whose generated ConfigMaps differ per overlay (data and name) import
/// as one design: each environment renders exactly what `kubectl kustomize` built,
/// generated names included, with nothing left unmerged; the design's own Kustomize
/// export builds the same again; and a value changed in prod renames prod's ConfigMap
/// and every reference to it (so its pods roll), dev's staying as it was.
#[test]
fn kustomize_builds_with_generated_config_maps_import_and_export_exactly() {
    use kubeprint_core::{import, render, Edit, FieldPath};
    let dir = write_tree("generated-config", STOREFRONT);
    let built = |env: &str| kustomize(&dir.join("overlays").join(env));
    let (dev, prod) = (built("dev"), built("prod"));
    let r = import::environments(&[("dev", &dev), ("prod", &prod)]).unwrap();
    for report in &r.environments {
        assert!(report.not_merged.is_empty(), "{:#?}", report.not_merged);
    }
    let cm = r
        .design
        .config_map("storefront-config")
        .expect("the generator's name");
    assert!(cm.hash_suffix);
    let mut design = r.design.clone();
    for (env, text) in [("dev", &dev), ("prod", &prod)] {
        let rendered = objects(&render(&design, env).to_yaml());
        assert_eq!(
            rendered,
            objects(text),
            "{env} renders as kustomize built it"
        );
    }

    // The design's export, built by kustomize, is the design's rendering.
    let export = write_tree("generated-config-export", &[]);
    for f in export::bundle(&design) {
        let path = export.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, f.contents).unwrap();
    }
    for env in ["dev", "prod"] {
        let overlay = objects(&kustomize(&export.join("kustomize/overlays").join(env)));
        assert_eq!(
            overlay,
            objects(&render(&design, env).to_yaml()),
            "{env} overlay"
        );
    }

    // Prod's own value changed: a new name in prod, written where its pods read it.
    let name_in = |design: &kubeprint_core::Design, env: &str| {
        let yaml = render(design, env).to_yaml();
        let objects = objects(&yaml);
        let cm = objects
            .keys()
            .find(|(kind, _, _)| kind == "ConfigMap")
            .map(|(_, _, name)| name.clone())
            .unwrap();
        let reads = yaml.matches(&format!("name: {cm}")).count();
        (cm, reads)
    };
    let (dev_before, prod_before) = (name_in(&design, "dev"), name_in(&design, "prod"));
    assert_eq!(
        prod_before.1, 4,
        "the object and its three readers: {prod_before:?}"
    );
    design
        .apply(Edit::Set {
            path: FieldPath::environment_config_value("prod", "storefront-config", "LOG_LEVEL"),
            value: "error".into(),
        })
        .unwrap();
    let prod_after = name_in(&design, "prod");
    assert_ne!(prod_after.0, prod_before.0);
    assert!(
        prod_after.0.starts_with("storefront-config-"),
        "{prod_after:?}"
    );
    assert_eq!(prod_after.1, 4, "{prod_after:?}");
    assert_eq!(name_in(&design, "dev"), dev_before);
}

/// A payments system whose overlays label every object with their environment, the
/// three ways Kustomize does it: dev's `labels:` reach the pod templates
/// (`includeTemplates`), staging's only the objects, and prod's `commonLabels:` the
/// selectors too. A Deployment with a PDB, a StatefulSet with its claim templates, a
/// CronJob and a Role (kept whole) all carry them.
const PAYMENTS: &[(&str, &str)] = &[
    (
        "base/kustomization.yaml",
        "resources:
  - api.yaml
  - ledger.yaml
  - settle.yaml
  - role.yaml
",
    ),
    (
        "base/api.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: payments-api
  labels:
    app.kubernetes.io/name: payments-api
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: payments-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: payments-api
    spec:
      terminationGracePeriodSeconds: 45
      containers:
        - name: api
          image: registry.example.com/payments/api:2.8.1
          ports:
            - name: http
              containerPort: 8080
          readinessProbe:
            httpGet:
              path: /healthz/ready
              port: http
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              memory: 512Mi
---
apiVersion: v1
kind: Service
metadata:
  name: payments-api
  labels:
    app.kubernetes.io/name: payments-api
spec:
  selector:
    app.kubernetes.io/name: payments-api
  ports:
    - name: http
      port: 80
      targetPort: http
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: payments-api
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: payments-api
",
    ),
    (
        "base/ledger.yaml",
        "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: ledger
  labels:
    app.kubernetes.io/name: ledger
spec:
  serviceName: ledger-headless
  replicas: 3
  selector:
    matchLabels:
      app.kubernetes.io/name: ledger
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ledger
    spec:
      containers:
        - name: ledger
          image: postgres:16.4
          ports:
            - name: postgres
              containerPort: 5432
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql/data
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 20Gi
---
apiVersion: v1
kind: Service
metadata:
  name: ledger-headless
  labels:
    app.kubernetes.io/name: ledger
spec:
  clusterIP: None
  selector:
    app.kubernetes.io/name: ledger
  ports:
    - name: postgres
      port: 5432
",
    ),
    (
        "base/settle.yaml",
        "apiVersion: batch/v1
kind: CronJob
metadata:
  name: settle
spec:
  schedule: \"15 2 * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: settle
              image: registry.example.com/payments/api:2.8.1
              args: [settle, --yesterday]
",
    ),
    (
        "base/role.yaml",
        "apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: payments-reader
rules:
  - apiGroups: [\"\"]
    resources: [configmaps]
    verbs: [get, list, watch]
",
    ),
    (
        "overlays/dev/kustomization.yaml",
        "namespace: payments-dev
resources:
  - ../../base
labels:
  - pairs:
      env: dev
      cost-center: cc-401
    includeTemplates: true
",
    ),
    (
        "overlays/staging/kustomization.yaml",
        "namespace: payments-staging
resources:
  - ../../base
labels:
  - pairs:
      env: staging
      cost-center: cc-401
",
    ),
    (
        "overlays/prod/kustomization.yaml",
        "namespace: payments
resources:
  - ../../base
commonLabels:
  env: prod
  cost-center: cc-401
replicas:
  - name: payments-api
    count: 4
",
    ),
];

/// `objects` without the `apiVersion` and `kind` of a StatefulSet's claim templates:
/// k8s-openapi writes them for every PersistentVolumeClaim, and the API server takes a
/// claim template with or without them alike.
fn claims_untyped(
    mut objects: BTreeMap<(String, String, String), Value>,
) -> BTreeMap<(String, String, String), Value> {
    for o in objects.values_mut() {
        let claims = o
            .get_mut("spec")
            .and_then(|s| s.get_mut("volumeClaimTemplates"));
        for claim in claims
            .and_then(Value::as_sequence_mut)
            .into_iter()
            .flatten()
        {
            if let Some(claim) = claim.as_mapping_mut() {
                claim.remove("apiVersion");
                claim.remove("kind");
            }
        }
    }
    objects
}

/// Overlays that label every object with their environment (`labels:` with and
/// without `includeTemplates`, and `commonLabels:`, which reaches the selectors)
/// import as one design, nothing left unmerged and every environment rendering exactly
/// what `kubectl kustomize` built; the design's own Kustomize export builds the same;
/// and prod's label changed moves every prod object and selector, the others staying.
#[test]
fn overlays_labelling_every_object_import_and_export_exactly() {
    use kubeprint_core::{import, render, Edit, FieldPath, LabelReach};
    let dir = write_tree("common-labels", PAYMENTS);
    let envs = ["dev", "staging", "prod"];
    let built: Vec<String> = (envs.iter())
        .map(|env| kustomize(&dir.join("overlays").join(env)))
        .collect();
    let inputs: Vec<(&str, &str)> = envs
        .iter()
        .copied()
        .zip(built.iter().map(String::as_str))
        .collect();
    let r = import::environments(&inputs).unwrap();
    for report in &r.environments {
        assert!(report.not_merged.is_empty(), "{:#?}", report.not_merged);
    }
    let mut design = r.design.clone();
    let reach: Vec<(LabelReach, String)> = (design.environments.iter())
        .map(|e| {
            let labels = &e.common_labels.labels;
            (
                e.common_labels.reach,
                labels.get("env").cloned().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(
        reach,
        [
            (LabelReach::Pods, "dev".to_string()),
            (LabelReach::Objects, "staging".into()),
            (LabelReach::Selectors, "prod".into())
        ]
    );
    // `cost-center` has one value everywhere but reaches dev's pods and not staging's:
    // each environment's too, not each object's residual.
    assert!(design.environments.iter().all(|e| e
        .common_labels
        .labels
        .get("cost-center")
        .map(String::as_str)
        == Some("cc-401")));
    // The Role is kept once, for every environment.
    assert_eq!(design.extra_objects.len(), 1, "{:#?}", design.extra_objects);
    for (env, text) in envs.iter().zip(&built) {
        assert_eq!(
            claims_untyped(objects(&render(&design, env).to_yaml())),
            claims_untyped(objects(text)),
            "{env} renders as kustomize built it"
        );
    }

    let export = write_tree("common-labels-export", &[]);
    for f in export::bundle(&design) {
        let path = export.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, f.contents).unwrap();
    }
    for env in envs {
        let overlay = objects(&kustomize(&export.join("kustomize/overlays").join(env)));
        assert_eq!(
            overlay,
            objects(&render(&design, env).to_yaml()),
            "{env} overlay"
        );
    }

    // Prod's label changed: on every prod object, and in its selectors.
    let dev_before = render(&design, "dev").to_yaml();
    design
        .apply(Edit::Set {
            path: FieldPath::environment("prod", "/common_labels/labels"),
            value: serde_json::json!({"env": "production"}),
        })
        .unwrap();
    let prod = objects(&render(&design, "prod").to_yaml());
    for ((kind, _, name), o) in &prod {
        assert_eq!(
            o["metadata"]["labels"]["env"], "production",
            "{kind} {name}"
        );
    }
    let api = &prod[&(
        "Deployment".to_string(),
        "payments".to_string(),
        "payments-api".to_string(),
    )];
    assert_eq!(api["spec"]["selector"]["matchLabels"]["env"], "production");
    assert_eq!(
        api["spec"]["template"]["metadata"]["labels"]["env"],
        "production"
    );
    let svc = &prod[&(
        "Service".to_string(),
        "payments".to_string(),
        "payments-api".to_string(),
    )];
    assert_eq!(svc["spec"]["selector"]["env"], "production");
    assert_eq!(render(&design, "dev").to_yaml(), dev_before);
}
