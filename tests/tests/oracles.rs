//! The oracles judge: Helm's linter and the custom resource validators reject what is
//! wrong. Without these, a broken install that accepts everything would let every
//! export test that relies on them pass.

use kubeprint_tests::{helm_lint, validate_custom_resources};
use std::path::{Path, PathBuf};

fn scratch(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kubeprint-oracles-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn helm_lint_passes_a_sound_chart_and_fails_one_that_does_not_render() {
    let dir = scratch("helm");
    let chart = dir.join("shop");
    write(
        &chart.join("Chart.yaml"),
        "apiVersion: v2\nname: shop\nversion: 0.1.0\nappVersion: \"1.4.2\"\n",
    );
    write(&chart.join("values.yaml"), "web:\n  replicas: 2\n");
    write(
        &chart.join("templates/web.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\ndata:\n  replicas: {{ .Values.web.replicas | quote }}\n",
    );
    let prod = dir.join("values-prod.yaml");
    write(&prod, "web:\n  replicas: 4\n");
    let (ok, out) = helm_lint(&chart, std::slice::from_ref(&prod));
    assert!(ok, "a sound chart fails Helm's linter:\n{out}");
    assert_eq!(out.matches("linted").count(), 2, "{out}");

    // `.Values.web.replicas.count` indexes into a number: the template cannot render.
    write(
        &chart.join("templates/broken.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.web.replicas.count.x }}\n",
    );
    let (ok, out) = helm_lint(&chart, &[]);
    assert!(
        !ok,
        "Helm's linter accepted a template that cannot render:\n{out}"
    );
}

#[test]
fn the_custom_resource_validators_reject_a_wrong_field_and_an_unknown_kind() {
    let dir = scratch("crd");
    let good = dir.join("good.yaml");
    write(
        &good,
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata:\n  name: orders\nspec:\n  parentRefs:\n  - name: public\n  rules:\n  - backendRefs:\n    - name: order-service\n      port: 50051\n---\napiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: shop-dev\nspec:\n  project: default\n  source:\n    repoURL: https://git.example.com/shop.git\n    path: kustomize/overlays/dev\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: shop-dev\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: not-a-custom-resource\n",
    );
    let (ok, out) = validate_custom_resources(&[good]);
    assert!(ok, "valid custom resources were rejected:\n{out}");
    assert!(
        out.contains("custom resources: 2 valid, 0 invalid, 1 other"),
        "{out}"
    );

    let bad = dir.join("bad.yaml");
    write(
        &bad,
        "apiVersion: gateway.networking.k8s.io/v1\nkind: GRPCRoute\nmetadata:\n  name: orders\nspec:\n  parentRefs:\n  - name: public\n  rules:\n  - backendRefs:\n    - name: order-service\n      port: grpc\n---\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitorr\nmetadata:\n  name: typo\nspec: {}\n",
    );
    let (ok, out) = validate_custom_resources(&[bad]);
    assert!(
        !ok,
        "the validators accepted a named port and an unknown kind:\n{out}"
    );
    assert!(out.contains("port must be integer"), "{out}");
    assert!(out.contains("has no kind ServiceMonitorr"), "{out}");
}
