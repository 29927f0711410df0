//! A generator of large manifest streams for the import benchmark and the
//! `big_manifest` example.

use kubeprint_core::{render, templates};

/// About `bytes` bytes of rendered manifests: the `prod` environment of
/// `templates::scaled(n)` (the miniredis services copied, with their edges and
/// default-deny policies), for the smallest n that reaches the size.
pub fn generate(bytes: usize) -> String {
    // One scaled service renders to about 4 KB; start from that estimate and grow.
    let mut n = (bytes / 4_000).max(1);
    loop {
        let yaml = render(&templates::scaled(n), "prod").to_yaml();
        if yaml.len() >= bytes {
            return yaml;
        }
        n = n * bytes / yaml.len() + 1;
    }
}

/// About `bytes` bytes and `objects` objects: the rendered design of [`generate`] with
/// enough small objects beside it to reach the count, as a namespace dump has them:
/// ConfigMaps of settings, Opaque Secrets and RoleBindings of the `view` role, in turn
/// (`svc-N-settings`, `-credentials`, `-view`). 15 MB and 16,000 objects is about 3,600
/// rendered services and 1,500 such objects.
pub fn generate_mixed(bytes: usize, objects: usize) -> String {
    // Bytes and objects per rendered service, measured on 100; an extra object is about
    // 330 bytes. Solve for the services that leave room for the extra objects.
    let sample = render(&templates::scaled(100), "prod").to_yaml();
    let per_service = sample.len() as f64 / 100.0;
    let objects_per_service = (sample.matches("\nkind: ").count() + 1) as f64 / 100.0;
    let per_extra = 330.0;
    let services = ((bytes as f64 - per_extra * objects as f64)
        / (per_service - objects_per_service * per_extra))
        .max(1.0) as usize;
    let mut yaml = render(&templates::scaled(services), "prod").to_yaml();
    let namespace = yaml
        .lines()
        .find_map(|l| l.trim().strip_prefix("namespace: "))
        .unwrap_or("default")
        .to_string();
    let mut count = yaml.matches("\nkind: ").count() + 1;
    let mut i = 0;
    while count < objects {
        let service = format!("svc-{}", i / 3);
        let doc = match i % 3 {
            0 => format!(
                "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {service}-settings\n  \
                 namespace: {namespace}\n  labels:\n    app.kubernetes.io/name: {service}\n    \
                 app.kubernetes.io/part-of: platform\ndata:\n  LOG_LEVEL: info\n  \
                 FEATURE_FLAGS: search,checkout-v2\n  UPSTREAM_URL: http://{service}.{namespace}.svc:8080\n"
            ),
            1 => format!(
                "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: {service}-credentials\n  \
                 namespace: {namespace}\n  labels:\n    app.kubernetes.io/name: {service}\n\
                 type: Opaque\ndata:\n  username: c2VydmljZS11c2Vy\n  password: \
                 Y2hhbmdlLW1lLWluLXByb2R1Y3Rpb24=\n"
            ),
            _ => format!(
                "---\napiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  \
                 name: {service}-view\n  namespace: {namespace}\nroleRef:\n  apiGroup: \
                 rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: view\nsubjects:\n- \
                 kind: ServiceAccount\n  name: {service}\n  namespace: {namespace}\n"
            ),
        };
        if !yaml.ends_with('\n') {
            yaml.push('\n');
        }
        yaml.push_str(&doc);
        count += 1;
        i += 1;
    }
    yaml
}
