//! Edges that cross into a shared environment's namespace, on the paths between
//! features: a share link carries them exactly, and an imported design edited to call a
//! shared collector renders both sides, keeps what the import kept, and survives a link.

use kubeprint_core::*;
use serde_json::json;

fn policy(d: &Design, env: &str, name: &str) -> serde_json::Value {
    render(d, env)
        .objects
        .iter()
        .find(|o| o.kind() == "NetworkPolicy" && o.name() == name)
        .unwrap_or_else(|| panic!("no NetworkPolicy {name} in {env}"))
        .to_json()
}

#[test]
fn a_link_carries_a_cross_namespace_edge_and_renders_the_same_policies() {
    let mut d = templates::connectum();
    d.environments[2].default_deny = true; // prod
    let opened = link::decode(&link::link("https://kubeprint.example/", &d)).unwrap();
    assert_eq!(opened, d);
    for env in &d.environments {
        assert_eq!(
            render(&opened, &env.name),
            render(&d, &env.name),
            "{}",
            env.name
        );
    }
    let egress = policy(&opened, "prod", "order-service-allow");
    assert_eq!(
        egress["spec"]["egress"][0]["to"][0],
        json!({
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "observability"}},
            "podSelector": {"matchLabels": {"app.kubernetes.io/name": "otel-collector"}},
        })
    );
}

/// A Deployment, its Service and ConfigMap, imported: the ConfigMap names a collector in
/// the observability namespace, which the import does not have.
const SHOP: &str = "apiVersion: v1
kind: ConfigMap
metadata:
  name: checkout-config
  namespace: shop
data:
  OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector.observability.svc.cluster.local:4317
  OTEL_SERVICE_NAME: checkout
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
  annotations:
    team: payments
spec:
  replicas: 2
  selector:
    matchLabels:
      app: checkout
  template:
    metadata:
      labels:
        app: checkout
    spec:
      containers:
      - name: checkout
        image: ghcr.io/acme/checkout:2.4.1
        envFrom:
        - configMapRef:
            name: checkout-config
        ports:
        - name: http
          containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: checkout
  namespace: shop
spec:
  selector:
    app: checkout
  ports:
  - name: http
    port: 80
    targetPort: http
";

#[test]
fn an_import_edited_to_call_a_shared_collector_renders_both_sides_and_survives_a_link() {
    let mut d = import::kubernetes(SHOP).design;
    let env = d.environments[0].name.clone();
    let checkout = d.service_named("checkout").unwrap().id;
    let annotation_before = render(&d, &env).to_yaml().contains("team: payments");
    assert!(
        annotation_before,
        "the import keeps the Deployment's annotation"
    );

    // Edits as the page makes them: default-deny here, a shared observability
    // environment that runs a collector only there, and the edge.
    d.apply(Edit::Set {
        path: FieldPath::environment(&env, "/default_deny"),
        value: json!(true),
    })
    .unwrap();
    let mut obs = Environment::new("observability", Tier::Shared, "observability");
    obs.hosts_services = false;
    obs.default_deny = true;
    d.apply(Edit::AddEnvironment(Box::new(obs))).unwrap();
    let collector = ServiceId(d.next_id);
    d.apply(Edit::AddService(Box::new(Service {
        name: "otel-collector".into(),
        image: "otel/opentelemetry-collector-contrib".into(),
        tag: "0.115.0".into(),
        ports: vec![ContainerPort {
            name: "otlp-grpc".into(),
            port: 4317,
            protocol: Protocol::TCP,
        }],
        exposure: Exposure {
            service: ServiceKind::ClusterIP,
            ports: vec![ServicePort {
                name: "otlp-grpc".into(),
                port: 4317,
                target: PortRef::Name("otlp-grpc".into()),
                ..ServicePort::default()
            }],
            ..Exposure::default()
        },
        ..Service::default()
    })))
    .unwrap();
    for (e, on) in [(env.as_str(), false), ("observability", true)] {
        d.apply(Edit::Set {
            path: FieldPath::environment(e, &format!("/overrides/{}/enabled", collector.0)),
            value: json!(on),
        })
        .unwrap();
    }

    // Before the edge, the address rule finds the blocked endpoint and offers the edge.
    let finding = validate(&d, &env)
        .into_iter()
        .find(|f| f.code == "KP320")
        .expect("the OTLP endpoint is blocked");
    assert_eq!(
        finding.fix.as_ref().unwrap().edit,
        Edit::AddEdge(Edge {
            from: checkout,
            to: collector,
            port: "otlp-grpc".into(),
        })
    );
    d.apply(finding.fix.unwrap().edit).unwrap();
    assert!(validate(&d, &env).iter().all(|f| f.code != "KP320"));

    // Both sides are written: the import's selector (app: checkout) is what the
    // collector's ingress admits from the shop namespace.
    let egress = policy(&d, &env, "checkout-allow");
    assert_eq!(
        egress["spec"]["egress"][0]["to"][0]["namespaceSelector"]["matchLabels"]
            ["kubernetes.io/metadata.name"],
        "observability"
    );
    let ingress = policy(&d, "observability", "otel-collector-allow");
    assert_eq!(
        ingress["spec"]["ingress"][0]["from"][0],
        json!({
            "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "shop"}},
            "podSelector": {"matchLabels": {"app": "checkout"}},
        })
    );
    assert!(
        render(&d, &env).to_yaml().contains("team: payments"),
        "the kept detail stays"
    );

    // A link carries it all.
    let opened = link::decode(&link::link("https://kubeprint.example/", &d)).unwrap();
    assert_eq!(opened, d);
    for e in ["observability", env.as_str()] {
        assert_eq!(render(&opened, e), render(&d, e));
    }
}
