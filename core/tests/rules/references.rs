//! Fixtures of the reference rules (KP7xx): every reference between the rendered
//! objects, kept ones included, resolves. The checks are in
//! `core/src/rules/references.rs`. Below the fixtures: the import corpus, whose files
//! say which references dangle on purpose.

use super::*;
use serde_json::{json, Value};

/// Keep `object` whole in the design, as an import does with what the model has no
/// place for. Like imported objects, it renders into each environment's namespace.
fn keep(d: &mut Design, mut object: Value) {
    object["metadata"]["namespace"] = json!("shop");
    d.extra_objects.push(KeptObject(object));
}

fn ingress(d: &mut Design, service: &str, port: Value) {
    keep(
        d,
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "admin"},
            "spec": {"rules": [{"host": "admin.shop.example.com", "http": {"paths": [
                {"path": "/", "pathType": "Prefix",
                 "backend": {"service": {"name": "api", "port": {"name": "http"}}}},
                {"path": "/admin", "pathType": "Prefix",
                 "backend": {"service": {"name": service, "port": port}}},
            ]}}]},
        }),
    );
}

fn http_route(d: &mut Design, backend: Value) {
    keep(
        d,
        json!({
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "shop"},
            "spec": {"parentRefs": [{"name": "public"}], "rules": [
                {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                 "backendRefs": [backend]},
            ]},
        }),
    );
}

/// A Service `name` kept whole, of API version `api`, with one port numbered `port`.
fn legacy_service(d: &mut Design, name: &str, api: &str, port: Value) {
    keep(
        d,
        json!({
            "apiVersion": api, "kind": "Service", "metadata": {"name": name},
            "spec": {"ports": [{"name": "http", "port": port}]},
        }),
    );
}

fn service_selecting(d: &mut Design, selector: Value) {
    keep(
        d,
        json!({
            "apiVersion": "v1", "kind": "Service", "metadata": {"name": "api-admin"},
            "spec": {"selector": selector, "ports": [{"port": 9090}]},
        }),
    );
}

/// The api's own Service imported with this selector (kept beyond the model).
fn api_service_selecting(d: &mut Design, selector: Value) {
    let was = json!({"app.kubernetes.io/name": "api"});
    let change = json!([{"at": "/spec/selector", "was": was, "now": selector}]);
    api(d).residual.insert(
        ResidualRole::Service,
        serde_json::from_value(change).expect("a residual"),
    );
}

fn hpa_of(d: &mut Design, kind: &str, name: &str) {
    keep(
        d,
        json!({
            "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "batch"},
            "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind, "name": name},
                     "minReplicas": 2, "maxReplicas": 4},
        }),
    );
}

fn pdb_selecting(d: &mut Design, selector: Value) {
    keep(
        d,
        json!({
            "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
            "metadata": {"name": "db-budget"},
            "spec": {"maxUnavailable": 1, "selector": selector},
        }),
    );
}

fn policy_selecting(d: &mut Design, selector: Value) {
    keep(
        d,
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "metrics"},
            "spec": {"podSelector": selector, "policyTypes": ["Ingress"],
                     "ingress": [{"ports": [{"port": 9102}]}]},
        }),
    );
}

/// A NetworkPolicy kept whole that lets `ports` in to `api` (whose container declares
/// `http`, 8080/TCP) from the ingress controller.
fn policy_letting_in(d: &mut Design, ports: Value) {
    keep(
        d,
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": "api-from-ingress"},
            "spec": {"podSelector": {"matchLabels": {"app.kubernetes.io/name": "api"}},
                     "policyTypes": ["Ingress"],
                     "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                         "kubernetes.io/metadata.name": "ingress-nginx"}}}],
                         "ports": ports}]},
        }),
    );
}

/// A kept worker Deployment labelled `app: worker`, whose pod spec is `spec`.
fn worker(d: &mut Design, spec: Value) {
    let mut spec = spec;
    spec["containers"] = json!([{"name": "worker", "image": "ghcr.io/acme/worker:1.0.0"}]);
    keep(
        d,
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "worker"},
            "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "worker"}},
                     "template": {"metadata": {"labels": {"app": "worker"}}, "spec": spec}},
        }),
    );
}

fn spread(selector: Value) -> Value {
    json!({"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "kubernetes.io/hostname",
        "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": selector}]})
}

fn anti_affinity(selector: Value) -> Value {
    json!({"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 100, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname",
                                            "labelSelector": selector}}]}}})
}

fn role_binding(d: &mut Design, subject: Value, role: Value) {
    keep(
        d,
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": "reporting"},
            "roleRef": role, "subjects": [subject],
        }),
    );
}

fn role(d: &mut Design, name: &str) {
    keep(
        d,
        json!({
            "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": name},
            "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}],
        }),
    );
}

fn service_account(d: &mut Design, name: &str) {
    keep(
        d,
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name}}),
    );
}

/// A kept Job whose pod spec is `spec` plus one container with `container`'s fields.
fn job(d: &mut Design, spec: Value, container: Value) {
    let mut spec = spec;
    let mut c = json!({"name": "backfill", "image": "ghcr.io/acme/backfill:1.0.0"});
    for (k, v) in container.as_object().into_iter().flatten() {
        c[k] = v.clone();
    }
    spec["containers"] = json!([c]);
    spec["restartPolicy"] = json!("Never");
    keep(
        d,
        json!({
            "apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "backfill"},
            "spec": {"template": {"metadata": {"labels": {"app": "backfill"}}, "spec": spec}},
        }),
    );
}

/// One fixture or more per rule of the family, in code order.
pub(super) fn fixtures() -> Vec<Fixture> {
    vec![
        fx(
            "KP701",
            // A PodSecurityPolicy has no successor, so import keeps it as it came.
            |d| {
                keep(
                    d,
                    json!({"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy",
                           "metadata": {"name": "restricted"},
                           "spec": {"privileged": false}}),
                )
            },
            // The upgraded form of a legacy CronJob is served.
            |d| {
                keep(
                    d,
                    json!({"apiVersion": "batch/v1", "kind": "CronJob",
                           "metadata": {"name": "backup"},
                           "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": {
                               "spec": {"restartPolicy": "OnFailure",
                                        "containers": [{"name": "backup", "image": "postgres:16"}]}}}}}}),
                )
            },
        ),
        fx(
            "KP710",
            |d| ingress(d, "legacy", json!({"number": 80})),
            |d| ingress(d, "db", json!({"number": 5432})),
        ),
        fx(
            "KP710",
            |d| ingress(d, "api", json!({"name": "grpc"})),
            |d| ingress(d, "api", json!({"number": 80})),
        ),
        fx(
            "KP711",
            |d| http_route(d, json!({"name": "api", "port": 8080})),
            |d| http_route(d, json!({"name": "api", "port": 80})),
        ),
        fx(
            "KP711",
            |d| http_route(d, json!({"name": "checkout", "port": 80})),
            // A namespace the design does not contain is not resolved.
            |d| {
                http_route(
                    d,
                    json!({"name": "checkout", "namespace": "payments", "port": 80}),
                )
            },
        ),
        fx(
            "KP711",
            |d| http_route(d, json!({"name": "db"})),
            // Not a Service: another controller's backend.
            |d| {
                http_route(
                    d,
                    json!({"group": "example.com", "kind": "Bucket", "name": "db"}),
                )
            },
        ),
        fx(
            "KP712",
            |d| service_selecting(d, json!({"app.kubernetes.io/name": "api-admin"})),
            |d| service_selecting(d, json!({"app.kubernetes.io/name": "api"})),
        ),
        fx(
            "KP712",
            |d| service_selecting(d, json!({"app.kubernetes.io/name": "api", "tier": "admin"})),
            // No selector: endpoints managed by hand.
            |d| service_selecting(d, json!({})),
        ),
        fx(
            "KP725",
            // Imported with a selector every pod of the system carries.
            |d| api_service_selecting(d, json!({"app.kubernetes.io/part-of": "shop"})),
            |d| {
                api_service_selecting(
                    d,
                    json!({"app.kubernetes.io/name": "api", "app.kubernetes.io/part-of": "shop"}),
                )
            },
        ),
        fx(
            "KP713",
            |d| hpa_of(d, "Deployment", "worker"),
            |d| hpa_of(d, "StatefulSet", "db"),
        ),
        fx(
            "KP713",
            |d| hpa_of(d, "Deployment", "db"),
            |d| hpa_of(d, "Deployment", "api"),
        ),
        fx(
            "KP714",
            |d| {
                pdb_selecting(
                    d,
                    json!({"matchLabels": {"app.kubernetes.io/name": "database"}}),
                )
            },
            |d| {
                pdb_selecting(
                    d,
                    json!({"matchExpressions": [
                        {"key": "app.kubernetes.io/name", "operator": "In", "values": ["db", "database"]}
                    ]}),
                )
            },
        ),
        fx(
            "KP714",
            |d| {
                pdb_selecting(
                    d,
                    json!({"matchLabels": {"app.kubernetes.io/name": "db"}, "matchExpressions": [
                        {"key": "app.kubernetes.io/component", "operator": "NotIn", "values": ["database"]}
                    ]}),
                )
            },
            // Empty: every pod of the namespace.
            |d| pdb_selecting(d, json!({})),
        ),
        fx(
            "KP715",
            |d| policy_selecting(d, json!({"matchLabels": {"app": "metrics"}})),
            // Empty: every pod of the namespace, as a default-deny policy.
            |d| policy_selecting(d, json!({})),
        ),
        fx(
            "KP715",
            |d| {
                policy_selecting(
                    d,
                    json!({"matchExpressions": [{"key": "app", "operator": "Exists"}]}),
                )
            },
            |d| {
                policy_selecting(
                    d,
                    json!({"matchExpressions": [{"key": "app.kubernetes.io/name", "operator": "Exists"}]}),
                )
            },
        ),
        fx(
            "KP722",
            // The port the app listened on before it moved to 8080.
            |d| policy_letting_in(d, json!([{"port": 8081}])),
            |d| policy_letting_in(d, json!([{"port": "http"}, {"port": 8080}])),
        ),
        fx(
            "KP722",
            // A name the pods declare, of another protocol; a range short of 8080.
            |d| policy_letting_in(d, json!([{"port": "http", "protocol": "UDP"}])),
            |d| policy_letting_in(d, json!([{"port": 8000, "endPort": 8090}])),
        ),
        fx(
            "KP722",
            |d| policy_letting_in(d, json!([{"port": 8000, "endPort": 8079}])),
            // No port: every port.
            |d| policy_letting_in(d, json!([{"protocol": "TCP"}])),
        ),
        fx(
            "KP724",
            // A kind misspelt; a kind of another version.
            |d| {
                keep(
                    d,
                    json!({"apiVersion": "apps/v1", "kind": "Deploymnet", "metadata": {"name": "legacy"}}),
                )
            },
            // A CRD's version is not judged; a list is unpacked by kubectl.
            |d| {
                keep(
                    d,
                    json!({"apiVersion": "apps.example.com/v1", "kind": "Deploymnet", "metadata": {"name": "legacy"}}),
                );
                keep(
                    d,
                    json!({"apiVersion": "v1", "kind": "ConfigMapList", "metadata": {"name": "configs"}}),
                );
            },
        ),
        fx(
            "KP724",
            |d| {
                keep(
                    d,
                    json!({"apiVersion": "v1", "kind": "Deployment", "metadata": {"name": "legacy"}}),
                )
            },
            |d| {
                keep(
                    d,
                    json!({"apiVersion": "v1", "kind": "LimitRange", "metadata": {"name": "defaults"}}),
                )
            },
        ),
        fx(
            "KP723",
            // A port written as a word; a Knative Service (another API) is not a v1
            // Service, and reads as whatever its CRD says.
            |d| legacy_service(d, "legacy", "v1", json!("eighty")),
            |d| {
                legacy_service(d, "legacy", "v1", json!(80));
                legacy_service(d, "knative", "serving.knative.dev/v1", json!("eighty"));
            },
        ),
        fx(
            "KP716",
            |d| worker(d, spread(json!({"matchLabels": {"app": "wroker"}}))),
            |d| worker(d, spread(json!({"matchLabels": {"app": "worker"}}))),
        ),
        fx(
            "KP716",
            |d| worker(d, anti_affinity(json!({"matchLabels": {"app": "workers"}}))),
            // Another workload's pods: it keeps away from the api's.
            |d| {
                worker(
                    d,
                    anti_affinity(json!({"matchLabels": {"app.kubernetes.io/name": "api"}})),
                )
            },
        ),
        fx(
            "KP717",
            |d| {
                role_binding(
                    d,
                    json!({"kind": "ServiceAccount", "name": "reporting"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}),
                )
            },
            |d| {
                service_account(d, "reporting");
                role_binding(
                    d,
                    json!({"kind": "ServiceAccount", "name": "reporting"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}),
                )
            },
        ),
        fx(
            "KP717",
            |d| {
                role_binding(
                    d,
                    json!({"kind": "ServiceAccount", "name": "reporting", "namespace": "shop"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}),
                )
            },
            // Another team's namespace, not in this design.
            |d| {
                role_binding(
                    d,
                    json!({"kind": "ServiceAccount", "name": "reporting", "namespace": "monitoring"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}),
                )
            },
        ),
        fx(
            "KP718",
            |d| {
                role(d, "readers");
                role_binding(
                    d,
                    json!({"kind": "ServiceAccount", "name": "default"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}),
                )
            },
            |d| {
                role(d, "reader");
                role_binding(
                    d,
                    json!({"kind": "ServiceAccount", "name": "default"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}),
                )
            },
        ),
        fx(
            "KP718",
            |d| {
                role(d, "reader");
                role_binding(
                    d,
                    json!({"kind": "ServiceAccount", "name": "default"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "reader"}),
                )
            },
            // A built-in ClusterRole exists without being in the input.
            |d| {
                role(d, "reader");
                role_binding(
                    d,
                    json!({"kind": "ServiceAccount", "name": "default"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "system:auth-delegator"}),
                )
            },
        ),
        fx(
            "KP718",
            |d| {
                role(d, "readers");
                role_binding(
                    d,
                    json!({"kind": "Group", "name": "developers"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}),
                )
            },
            // No Role at all in the input: RBAC is managed elsewhere.
            |d| {
                role_binding(
                    d,
                    json!({"kind": "Group", "name": "developers"}),
                    json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"}),
                )
            },
        ),
        fx(
            "KP719",
            |d| job(d, json!({"serviceAccountName": "backfill"}), json!({})),
            |d| job(d, json!({"serviceAccountName": "default"}), json!({})),
        ),
        fx(
            "KP719",
            |d| job(d, json!({"serviceAccountName": "backfill"}), json!({})),
            |d| {
                service_account(d, "backfill");
                job(d, json!({"serviceAccountName": "backfill"}), json!({}))
            },
        ),
        fx(
            "KP720",
            |d| {
                job(
                    d,
                    json!({}),
                    json!({"envFrom": [{"configMapRef": {"name": "backfill-settings"}}]}),
                )
            },
            |d| {
                job(
                    d,
                    json!({}),
                    json!({"envFrom": [{"configMapRef": {"name": "backfill-settings", "optional": true}}]}),
                )
            },
        ),
        fx(
            "KP720",
            |d| {
                job(
                    d,
                    json!({}),
                    json!({"env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-secrets", "key": "DB_PASSWORD"}}}]}),
                )
            },
            |d| {
                job(
                    d,
                    json!({}),
                    json!({"env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "api-secrets", "key": "DB_PASSWORD"}}}]}),
                )
            },
        ),
        fx(
            "KP720",
            |d| {
                job(
                    d,
                    json!({"volumes": [{"name": "tls", "secret": {"secretName": "backfill-tls"}}]}),
                    json!({}),
                )
            },
            // cert-manager writes the Secret of a Certificate.
            |d| {
                keep(
                    d,
                    json!({"apiVersion": "cert-manager.io/v1", "kind": "Certificate",
                        "metadata": {"name": "backfill"},
                        "spec": {"secretName": "backfill-tls", "dnsNames": ["backfill.shop.svc"],
                                 "issuerRef": {"name": "internal", "kind": "ClusterIssuer"}}}),
                );
                job(
                    d,
                    json!({"volumes": [{"name": "tls", "secret": {"secretName": "backfill-tls"}}]}),
                    json!({}),
                )
            },
        ),
        fx(
            "KP720",
            |d| {
                job(
                    d,
                    json!({"volumes": [{"name": "config", "projected": {"sources": [
                        {"configMap": {"name": "api-config"}},
                        {"configMap": {"name": "backfill-config"}},
                    ]}}]}),
                    json!({}),
                )
            },
            // The API server publishes this ConfigMap into every namespace.
            |d| {
                job(
                    d,
                    json!({"volumes": [{"name": "config", "projected": {"sources": [
                        {"configMap": {"name": "api-config"}},
                        {"configMap": {"name": "kube-root-ca.crt"}},
                    ]}}]}),
                    json!({}),
                )
            },
        ),
        // KP721: two Ingresses claim the same host and path; the near miss gives the
        // second another pathType, which ingress-nginx tells apart.
        fx(
            "KP721",
            |d| {
                for name in ["shop-a", "shop-b"] {
                    legacy_ingress(d, name, "Prefix");
                }
            },
            |d| {
                legacy_ingress(d, "shop-a", "Prefix");
                legacy_ingress(d, "shop-b", "Exact");
            },
        ),
        // ... ImplementationSpecific is Prefix to ingress-nginx; the near miss makes the
        // second a canary, which may share the path of the Ingress it shadows.
        fx(
            "KP721",
            |d| {
                legacy_ingress(d, "shop-a", "Prefix");
                legacy_ingress(d, "shop-b", "ImplementationSpecific");
            },
            |d| {
                legacy_ingress(d, "shop-a", "Prefix");
                legacy_ingress(d, "shop-b", "ImplementationSpecific");
                let canary = &mut d.extra_objects.last_mut().unwrap().0;
                canary["metadata"]["annotations"] =
                    json!({"nginx.ingress.kubernetes.io/canary": "true"});
            },
        ),
        // ... two services' own Ingresses, in a design that keeps nothing from an
        // import; the near miss routes the second under another path.
        fx(
            "KP721",
            |d| db(d).exposure.ingress = api(d).exposure.ingress.clone(),
            |d| {
                let mut route = api(d).exposure.ingress.clone().unwrap();
                route.path = "/db".into();
                route.port = "postgres".into();
                db(d).exposure.ingress = Some(route);
            },
        ),
    ]
}

/// A kept Ingress `name` of no class routing shop.example.com/legacy to api.
fn legacy_ingress(d: &mut Design, name: &str, path_type: &str) {
    keep(
        d,
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name},
            "spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [
                {"path": "/legacy", "pathType": path_type,
                 "backend": {"service": {"name": "api", "port": {"name": "http"}}}},
            ]}}]},
        }),
    );
}

/// The corpus files `files`, imported as one input.
fn imported(files: &[&str]) -> Design {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let text: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).unwrap())
        .collect();
    import::kubernetes(&text.join("\n---\n")).design
}

/// Whether a finding is about a reference: the reference family, and the wiring rules
/// that resolve the model's own references (the Ingress route, config).
fn about_a_reference(f: &Finding) -> bool {
    f.code == "KP303"
        || f.code == "KP305"
        || rule(f.code).is_some_and(|r| r.category == Category::References)
}

/// `code: message` of every finding about a reference, in every environment.
fn reference_findings(d: &Design) -> Vec<String> {
    rules::validate_all(d)
        .iter()
        .filter(|f| about_a_reference(f))
        .map(|f| format!("{}: {}", f.code, f.message))
        .collect()
}

/// Findings `(code, part of the message)`.
type Expected = &'static [(&'static str, &'static str)];

fn matches(finding: &str, (code, part): &(&str, &str)) -> bool {
    finding.starts_with(&format!("{code}: ")) && finding.contains(part)
}

#[test]
fn every_dangling_reference_of_the_broken_references_corpus_is_reported_once_and_nothing_else() {
    // The eight references its header numbers, in its order.
    let numbered: Expected = &[
        (
            "KP710",
            "routes fulfilment.acme.example/invoices to Service `invoices`",
        ),
        ("KP712", "Service `billing` selects `app=billing-api`"),
        ("KP713", "scales Deployment `invoices`"),
        ("KP714", "PodDisruptionBudget `ledger` selects `app=ledger`"),
        ("KP717", "to ServiceAccount `fulfilment/reporting`"),
        // The envFrom and the Secret volume of the modelled Deployment are the model's
        // config: KP305's.
        ("KP305", "envFrom references ConfigMap `orders-settings`"),
        ("KP305", "volume `tls` mounts Secret `orders-tls`"),
        (
            "KP715",
            "NetworkPolicy `payments-ingress` applies to `app=payments`",
        ),
    ];
    let found = reference_findings(&imported(&["broken-references.yaml"]));
    for (n, want) in numbered.iter().enumerate() {
        let hits = found.iter().filter(|f| matches(f, want)).count();
        assert_eq!(hits, 1, "reference {} ({want:?}) in {found:#?}", n + 1);
    }
    let extra: Vec<_> = found
        .iter()
        .filter(|f| !numbered.iter().any(|w| matches(f, w)))
        .collect();
    assert!(extra.is_empty(), "not dangling: {extra:#?}");
}

#[test]
fn an_optional_secret_ref_kept_from_an_import_is_not_missing() {
    let d = imported(&["broken-references.yaml"]);
    let orders = d.service_named("orders").unwrap();
    assert!(
        orders
            .config
            .env_from
            .contains(&EnvFrom::Secret("orders-overrides".into())),
        "the model reads the Secret; only the rendered pod says it is optional"
    );
    let found = reference_findings(&d);
    assert!(
        found.iter().all(|f| !f.contains("orders-overrides")),
        "{found:#?}"
    );
}

#[test]
fn a_finding_about_a_kept_object_points_at_its_field() {
    let d = imported(&["broken-references.yaml"]);
    let f = rules::validate_all(&d)
        .into_iter()
        .find(|f| f.code == "KP710")
        .unwrap();
    assert_eq!(
        f.path.to_string(),
        "objects/Ingress/fulfilment/fulfilment/spec/rules/0/http/paths/2/backend/service/name"
    );
    assert_eq!(d.get(&f.path), Some(json!("invoices")));
    assert_eq!(f.service, None);
    // A kept object written without a namespace is found too.
    let d = imported(&["mesh-sample.yaml"]);
    let at: FieldPath = FieldPath {
        target: Target::Object {
            kind: "Ingress".into(),
            namespace: None,
            name: "bookstore".into(),
        },
        pointer: "/spec/rules/1/http/paths/0/backend/service/name".into(),
    };
    assert_eq!(d.get(&at), Some(json!("catalog")));
}

/// A kept Ingress whose every route sends to a service the environment leaves out goes
/// with it there (one that also routes elsewhere stays and KP710 says what it lacks:
/// `import_laws`' `a_kept_ingress_goes_with_the_only_service_it_routes_to`).
#[test]
fn a_kept_ingress_to_a_service_the_environment_leaves_out_goes_with_it() {
    let mut d = baseline();
    ingress(&mut d, "api", json!({"name": "http"}));
    let api = api(&mut d).id;
    d.environments[0].overrides.entry(api).or_default().enabled = Some(false);
    let kept = |env: &str| -> usize {
        (render(&d, env).objects.iter())
            .map(|o| o.to_json())
            .filter(|o| o["kind"] == "Ingress" && o["metadata"]["name"] == "admin")
            .count()
    };
    assert_eq!((kept("prod"), kept("dev")), (0, 1));
    assert!(
        validate(&d, "prod").iter().all(|f| f.code != "KP710"),
        "nothing routes to what prod leaves out"
    );
}

#[test]
fn a_kept_ingress_has_valid_hosts_and_tls_secret_names() {
    let mut d = baseline();
    ingress(&mut d, "api", json!({"name": "http"}));
    let kp401 = |d: &Design| -> Vec<(String, String)> {
        (validate(d, "prod").into_iter())
            .filter(|f| f.code == "KP401")
            .map(|f| (f.path.to_string(), f.message))
            .collect()
    };
    assert_eq!(kp401(&d), [], "a valid one");
    let mut d = baseline();
    keep(
        &mut d,
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "storefront"},
            "spec": {
                "tls": [
                    {"hosts": ["shop.example.com", "https://shop.example.com"], "secretName": "Shop_TLS"},
                    // What the API server takes: a wildcard, an address, no Secret name.
                    {"hosts": ["*.shop.example.com", "10.0.0.5"], "secretName": ""},
                ],
                "rules": [
                    {"host": "Shop_ACME.example", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                        "backend": {"service": {"name": "api", "port": {"name": "http"}}}}]}},
                    {"host": "*.shop.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                        "backend": {"service": {"name": "api", "port": {"name": "http"}}}}]}},
                    {"host": "", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                        "backend": {"service": {"name": "api", "port": {"name": "http"}}}}]}},
                ],
            },
        }),
    );
    let mut found = kp401(&d);
    found.sort();
    let at = "objects/Ingress/shop/storefront/spec";
    let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            format!("{at}/rules/0/host"),
            format!("{at}/tls/0/hosts/1"),
            format!("{at}/tls/0/secretName"),
        ],
        "{found:#?}"
    );
    assert!(
        found[0]
            .1
            .starts_with("Ingress `storefront`: host `Shop_ACME.example`"),
        "{found:?}"
    );
    assert!(
        found[1].1.contains("host `https://shop.example.com`"),
        "{found:?}"
    );
    assert!(found[2].1.contains("TLS Secret `Shop_TLS`"), "{found:?}");
}

#[test]
fn the_route_of_a_services_own_ingress_is_left_to_kp303() {
    let mut d = baseline();
    api(&mut d).exposure.ingress.as_mut().unwrap().port = "https".into();
    // Something kept, so that the reference rules run at all.
    keep(
        &mut d,
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "unrelated"}}),
    );
    let found: Vec<_> = validate(&d, "prod").iter().map(|f| f.code).collect();
    assert!(found.contains(&"KP303"), "{found:?}");
    assert!(!found.contains(&"KP710"), "reported twice: {found:?}");
}

#[test]
fn a_path_an_import_kept_on_a_services_own_ingress_is_checked() {
    let mut d = baseline();
    let rendered = render(&d, "prod")
        .objects
        .into_iter()
        .find(|o| o.kind() == "Ingress")
        .unwrap()
        .to_json();
    let mut input = rendered.clone();
    input["spec"]["rules"][0]["http"]["paths"]
        .as_array_mut()
        .unwrap()
        .push(json!({"path": "/search", "pathType": "Prefix",
            "backend": {"service": {"name": "search", "port": {"number": 80}}}}));
    let kept = residual::Residual::between(&rendered, &input);
    api(&mut d).residual.insert(ResidualRole::Ingress, kept);
    let found: Vec<_> = validate(&d, "prod")
        .into_iter()
        .filter(about_a_reference)
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "KP710");
    assert_eq!(
        found[0].message,
        "Ingress `api` routes shop.example.com/search to Service `search`, which is not in this design"
    );
    assert_eq!(found[0].service.as_deref(), Some("api"));
    assert_eq!(
        found[0].path,
        FieldPath::service(ServiceId(1), "/residual/ingress"),
        "what the import kept for the Ingress"
    );
    assert!(d.get(&found[0].path).is_some());
}

/// Each corpus input, with the reference findings it must have (the references its
/// README or header says dangle or point outside the file) and those it may have until
/// another part of the import is done.
struct Case {
    files: &'static [&'static str],
    dangling: Expected,
    until_fixed: Expected,
}

const CORPUS: &[Case] = &[
    Case {
        // Each namespace's copy reads nothing the file lacks.
        files: &["same-names-in-namespaces.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        files: &["bom-and-anchors.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        // The Ingress TLS Secret is the Certificate's: not dangling.
        files: &["crds-and-crs.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        // The warehouse credentials are not in the file.
        files: &["cronjobs.yaml"],
        // The CronJob and the Job are modelled services: the Secret their env reads is
        // the modelled reference rule's to report (once per workload).
        dangling: &[("KP305", "reads Secret `warehouse-reader`")],
        until_fixed: &[],
    },
    Case {
        // The HPA scales the Rollout, the AnalysisTemplate and monitors are the
        // services': every reference resolves.
        files: &["canary-and-monitors.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        files: &["jobs-and-node-cache.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        files: &["daemonset-and-rbac.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        files: &["grpc-service.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        // The routed canaries' stable and canary Services are the ones their Rollouts
        // and routes name.
        files: &["canary-gateway-route.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        // The HTTPS listener's Secret `fleet-wildcard-tls` is written by cert-manager.
        files: &["envoy-gateway-grpc.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        // The Ingress TLS Secret `payments-ledger-tls` is outside the file; Ingress TLS
        // Secrets are not resolved.
        files: &["helm-rendered.yaml"],
        dangling: &[],
        // The Deployment is refused as Helm syntax for an annotation value.
        until_fixed: &[("KP713", "scales Deployment `payments-ledger`")],
    },
    Case {
        // Secret `edgeproxy-admission` is written by the certgen Job (`--secret-name`).
        files: &["ingress-controller.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        files: &["mesh-sample.yaml"],
        dangling: &[(
            "KP725",
            "Service `reviews` of `reviews-v1` also selects the pods of `reviews-v2`, `reviews-v3`",
        )],
        until_fixed: &[],
    },
    Case {
        files: &["microservices-demo.yaml"],
        dangling: &[("KP716", "counts pods with `app=checkuot`")],
        until_fixed: &[],
    },
    Case {
        files: &["multi-namespace.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        files: &["mysql-statefulset.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    Case {
        // Every ConfigMap and Secret the containers and volumes read is in the file; the
        // projected token volume reads none.
        files: &["sidecars-and-volumes.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    // The account two workloads share is kept whole: both find it.
    Case {
        files: &["shared-service-account.yaml"],
        dangling: &[],
        until_fixed: &[],
    },
    // Secret `parcel-db` is managed outside the files.
    Case {
        files: &["dotnet-postgres.yaml"],
        dangling: &[("KP305", "reads Secret `invoices-db`")],
        until_fixed: &[],
    },
    Case {
        files: &["two-envs/staging.yaml"],
        dangling: &[("KP305", "reads Secret `parcel-db`")],
        until_fixed: &[],
    },
    Case {
        files: &["two-envs/prod.yaml"],
        dangling: &[("KP305", "reads Secret `parcel-db`")],
        until_fixed: &[],
    },
    Case {
        files: &["two-envs/staging.yaml", "two-envs/prod.yaml"],
        dangling: &[
            ("KP305", "reads Secret `parcel-db`"),
            ("KP720", "reads Secret `parcel-db`"),
        ],
        until_fixed: &[],
    },
];

#[test]
fn the_corpus_has_no_dangling_reference_but_those_its_readme_names() {
    let mut failures = Vec::new();
    for case in CORPUS {
        let found = reference_findings(&imported(case.files));
        for want in case.dangling {
            if !found.iter().any(|f| matches(f, want)) {
                failures.push(format!("{:?}: {want:?} not reported", case.files));
            }
        }
        for f in &found {
            if !case
                .dangling
                .iter()
                .chain(case.until_fixed)
                .any(|w| matches(f, w))
            {
                failures.push(format!("{:?}: {f}", case.files));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_corpus_file_has_a_case() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files = Vec::new();
    for sub in ["", "two-envs/"] {
        for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            if name.ends_with(".yaml") {
                files.push(format!("{sub}{name}"));
            }
        }
    }
    for f in files.iter().filter(|f| *f != "broken-references.yaml") {
        assert!(
            CORPUS.iter().any(|c| c.files == [f.as_str()]),
            "{f} has no case"
        );
    }
}

/// A claim that collides with a service's own Ingress points at that Ingress's host and
/// path in the inspector, whichever of the two comes later: the kept one cannot be
/// edited there. Without a class, the kept one has the design's.
#[test]
fn a_claim_on_a_services_own_ingress_points_at_its_host_and_path() {
    let mut d = baseline();
    keep(
        &mut d,
        json!({
            "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": "legacy"},
            "spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [
                {"path": "/", "pathType": "ImplementationSpecific",
                 "backend": {"service": {"name": "api", "port": {"name": "http"}}}},
            ]}}]},
        }),
    );
    let f = rules::validate(&d, "prod")
        .into_iter()
        .find(|f| f.code == "KP721")
        .expect("KP721");
    assert_eq!(f.service.as_deref(), Some("api"));
    assert_eq!(
        f.path,
        FieldPath::service(ServiceId(1), "/exposure/ingress/path")
    );
    assert!(f.message.contains("Ingress `legacy`"), "{}", f.message);
}

/// KP722's fix lets in the one port the pods declare that the policy leaves closed, by
/// name where the policy named one; it offers nothing when that port is not one.
#[test]
fn a_closed_policy_port_is_fixed_only_when_one_port_is_left_closed() {
    let fix = |ports: Value, extra_port: bool| {
        let mut d = baseline();
        if extra_port {
            api(&mut d).ports.push(ContainerPort {
                name: "metrics".into(),
                port: 9090,
                protocol: Protocol::TCP,
            });
        }
        policy_letting_in(&mut d, ports);
        let found = validate(&d, "prod");
        let f = found.iter().find(|f| f.code == "KP722").expect("KP722");
        f.fix.as_ref().map(|fix| {
            let mut fixed = d.clone();
            fixed.apply(fix.edit.clone()).unwrap();
            let policy = (fixed.extra_objects.iter())
                .find(|k| k.kind() == "NetworkPolicy")
                .unwrap();
            (
                fix.label.clone(),
                policy.0["spec"]["ingress"][0]["ports"].clone(),
            )
        })
    };
    assert_eq!(
        fix(json!([{"port": 8081}]), false),
        Some(("Let in port `8080` instead".into(), json!([{"port": 8080}])))
    );
    assert_eq!(
        fix(json!([{"port": "web", "protocol": "TCP"}]), false),
        Some((
            "Let in port `http` instead".into(),
            json!([{"port": "http", "protocol": "TCP"}])
        ))
    );
    // A range short of the port becomes the port.
    assert_eq!(
        fix(json!([{"port": 8000, "endPort": 8079}]), false),
        Some(("Let in port `8080` instead".into(), json!([{"port": 8080}])))
    );
    // Two ports closed: which one the policy meant is the user's call.
    assert_eq!(fix(json!([{"port": 8081}]), true), None);
    // One of the two already let in: the other is the one.
    assert_eq!(
        fix(json!([{"port": 8081}, {"port": "metrics"}]), true),
        Some((
            "Let in port `8080` instead".into(),
            json!([{"port": 8080}, {"port": "metrics"}])
        ))
    );
    // Of another protocol than any port the pods declare: nothing to let in.
    assert_eq!(
        fix(json!([{"port": "http", "protocol": "UDP"}]), false),
        None
    );
}
