//! What the rendered NetworkPolicies of every environment let through, read by a small
//! evaluator of Kubernetes' NetworkPolicy semantics (kubernetes.io/docs/concepts/
//! services-networking/network-policies): a pod is isolated for egress (ingress) once a
//! policy of its namespace selects it with that policy type; then a connection must be
//! allowed by an egress rule of one of those policies on the sending side AND an ingress
//! rule on the receiving side. A peer with a namespaceSelector and a podSelector selects
//! those pods of those namespaces (both at once); a podSelector alone, pods of the
//! policy's own namespace; a namespaceSelector alone, every pod of those namespaces. No
//! `to`/`from` means everyone, no `ports` every port. Namespaces carry the label
//! `kubernetes.io/metadata.name` (set by the API server since 1.22).
//!
//! The evaluator covers exactly what render emits (matchLabels selectors, port numbers
//! and names, TCP/UDP, ipBlock `0.0.0.0/0` from outside the cluster) and refuses anything
//! else, so a new shape in render fails here rather than being misread.

use kubeprint_core::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::net::IpAddr;

/// A pod: its namespace, labels and named container ports.
#[derive(Clone, Debug)]
struct Pod {
    namespace: String,
    labels: BTreeMap<String, String>,
    ports: BTreeMap<String, u16>,
}

/// Every environment of a design, rendered: the policies by namespace and the pods of
/// every workload.
struct Cluster {
    policies: Vec<(String, Value)>,
    pods: BTreeMap<(String, String), Pod>,
}

impl Cluster {
    fn of(design: &Design) -> Cluster {
        let mut policies = Vec::new();
        let mut pods = BTreeMap::new();
        for env in &design.environments {
            for o in render(design, &env.name).objects {
                let v = o.to_json();
                let ns = v["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                match o.kind() {
                    "NetworkPolicy" => policies.push((ns, v)),
                    "Deployment" | "StatefulSet" | "DaemonSet" | "Job" | "CronJob" | "Rollout" => {
                        let template = if o.kind() == "CronJob" {
                            &v["spec"]["jobTemplate"]["spec"]["template"]
                        } else {
                            &v["spec"]["template"]
                        };
                        let labels = strings(&template["metadata"]["labels"]);
                        let ports = template["spec"]["containers"]
                            .as_array()
                            .into_iter()
                            .flatten()
                            .flat_map(|c| c["ports"].as_array().cloned().unwrap_or_default())
                            .filter_map(|p| {
                                Some((
                                    p["name"].as_str()?.to_string(),
                                    p["containerPort"].as_u64()? as u16,
                                ))
                            })
                            .collect();
                        let key = (ns.clone(), o.name().to_string());
                        pods.insert(
                            key,
                            Pod {
                                namespace: ns,
                                labels,
                                ports,
                            },
                        );
                    }
                    _ => {}
                }
            }
        }
        Cluster { policies, pods }
    }

    fn pod(&self, namespace: &str, workload: &str) -> Pod {
        self.pods
            .get(&(namespace.to_string(), workload.to_string()))
            .unwrap_or_else(|| panic!("no pod of {workload} in {namespace}"))
            .clone()
    }

    /// The policies of `pod`'s namespace that select it for `kind` (Ingress/Egress).
    fn isolating(&self, pod: &Pod, kind: &str) -> Vec<&Value> {
        self.policies
            .iter()
            .filter(|(ns, _)| *ns == pod.namespace)
            .map(|(_, p)| p)
            .filter(|p| {
                p["spec"]["policyTypes"]
                    .as_array()
                    .expect("render always writes policyTypes")
                    .iter()
                    .any(|t| t == kind)
                    && selects(&p["spec"]["podSelector"], &pod.labels)
            })
            .collect()
    }

    /// Whether `from` may send to `to` on `port`/`protocol` (the egress side).
    fn egress_allows(&self, from: &Pod, to: &Pod, port: u16, protocol: &str) -> bool {
        let policies = self.isolating(from, "Egress");
        policies.is_empty()
            || policies.iter().any(|p| {
                rules(&p["spec"]["egress"]).iter().any(|r| {
                    peers_match(&r["to"], &from.namespace, to)
                        && ports_match(&r["ports"], to, port, protocol)
                })
            })
    }

    /// Whether `to` accepts `from` on `port`/`protocol` (the ingress side).
    fn ingress_allows(&self, from: &Pod, to: &Pod, port: u16, protocol: &str) -> bool {
        let policies = self.isolating(to, "Ingress");
        policies.is_empty()
            || policies.iter().any(|p| {
                rules(&p["spec"]["ingress"]).iter().any(|r| {
                    peers_match(&r["from"], &to.namespace, from)
                        && ports_match(&r["ports"], to, port, protocol)
                })
            })
    }

    /// Whether `from` may connect to `ip` outside the cluster on TCP `port` (only its
    /// own egress decides: nothing outside runs a policy).
    fn reaches_outside(&self, from: &Pod, ip: IpAddr, port: u16) -> bool {
        let policies = self.isolating(from, "Egress");
        let nowhere = Pod {
            namespace: String::new(),
            labels: BTreeMap::new(),
            ports: BTreeMap::new(),
        };
        policies.is_empty()
            || policies.iter().any(|p| {
                rules(&p["spec"]["egress"]).iter().any(|r| {
                    let to = match r["to"].as_array() {
                        None => true,
                        Some(peers) => peers.iter().any(|peer| {
                            (peer["ipBlock"]["cidr"].as_str()).is_some_and(|c| contains(c, ip))
                        }),
                    };
                    to && ports_match(&r["ports"], &nowhere, port, "TCP")
                })
            })
    }

    fn allows(&self, from: &Pod, to: &Pod, port: u16) -> bool {
        self.egress_allows(from, to, port, "TCP") && self.ingress_allows(from, to, port, "TCP")
    }
}

/// Whether block `cidr` holds `ip` (of the same family).
fn contains(cidr: &str, ip: IpAddr) -> bool {
    let (net, bits) = cidr
        .split_once('/')
        .expect("render writes blocks with a prefix");
    let bits: u32 = bits.parse().unwrap();
    match (net.parse::<IpAddr>().unwrap(), ip) {
        (IpAddr::V4(n), IpAddr::V4(a)) => {
            let mask = u32::MAX.checked_shl(32 - bits).unwrap_or(0);
            u32::from(n) & mask == u32::from(a) & mask
        }
        (IpAddr::V6(n), IpAddr::V6(a)) => {
            let mask = u128::MAX.checked_shl(128 - bits).unwrap_or(0);
            u128::from(n) & mask == u128::from(a) & mask
        }
        _ => false,
    }
}

fn strings(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

fn rules(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// A label selector of the shape render writes: matchLabels only (empty selects all).
fn selects(selector: &Value, labels: &BTreeMap<String, String>) -> bool {
    assert!(
        selector.get("matchExpressions").is_none(),
        "render writes matchLabels only: {selector}"
    );
    strings(&selector["matchLabels"])
        .iter()
        .all(|(k, v)| labels.get(k) == Some(v))
}

/// Whether a `to`/`from` list, read in namespace `own`, selects `pod`.
fn peers_match(peers: &Value, own: &str, pod: &Pod) -> bool {
    let Some(peers) = peers.as_array() else {
        return true;
    };
    peers.iter().any(|peer| {
        if let Some(block) = peer.get("ipBlock") {
            // Render writes blocks for outside the cluster (a load balancer's clients,
            // egress to a host outside): they select no pod.
            assert!(block.get("except").is_none(), "render writes no except");
            return false;
        }
        let ns_labels: BTreeMap<String, String> = [(
            "kubernetes.io/metadata.name".to_string(),
            pod.namespace.clone(),
        )]
        .into();
        let namespace_ok = match peer.get("namespaceSelector") {
            Some(sel) => selects(sel, &ns_labels),
            None => pod.namespace == own,
        };
        let pod_ok = match peer.get("podSelector") {
            Some(sel) => selects(sel, &pod.labels),
            None => true,
        };
        namespace_ok && pod_ok
    })
}

/// Whether a `ports` list admits `port`/`protocol` on the pod that receives.
fn ports_match(ports: &Value, receiver: &Pod, port: u16, protocol: &str) -> bool {
    let Some(ports) = ports.as_array() else {
        return true;
    };
    ports.iter().any(|p| {
        let proto = p["protocol"].as_str().unwrap_or("TCP");
        let number = match &p["port"] {
            Value::Number(n) => n.as_u64().map(|n| n as u16),
            Value::String(name) => receiver.ports.get(name).copied(),
            Value::Null => Some(port),
            other => panic!("unexpected port {other}"),
        };
        assert!(p.get("endPort").is_none(), "render writes no port ranges");
        proto == protocol && number == Some(port)
    })
}

/// Connectum with default-deny on in prod and in observability.
fn connectum_locked_down() -> Design {
    let mut d = templates::connectum();
    for e in &mut d.environments {
        if e.name == "prod" || e.name == "observability" {
            e.default_deny = true;
        }
    }
    d
}

#[test]
fn order_service_traces_reach_the_collector_across_namespaces_on_both_sides() {
    let cluster = Cluster::of(&connectum_locked_down());
    let order = cluster.pod("connectum", "order-service");
    let collector = cluster.pod("observability", "otel-collector");
    assert!(
        cluster.egress_allows(&order, &collector, 4317, "TCP"),
        "prod's egress lets order-service send OTLP/gRPC to the collector"
    );
    assert!(
        cluster.ingress_allows(&order, &collector, 4317, "TCP"),
        "observability's ingress lets order-service of prod in"
    );
    // dev and staging have no default-deny of their own; the collector's side lets
    // their order-service in too.
    for ns in ["connectum-dev", "connectum-staging"] {
        let caller = cluster.pod(ns, "order-service");
        assert!(cluster.allows(&caller, &collector, 4317), "{ns}");
    }
    // DNS stays allowed under default-deny.
    let dns = Pod {
        namespace: "kube-system".into(),
        labels: [("k8s-app".to_string(), "kube-dns".to_string())].into(),
        ports: BTreeMap::new(),
    };
    assert!(cluster.egress_allows(&order, &dns, 53, "UDP"));
    assert!(cluster.egress_allows(&order, &dns, 53, "TCP"));
}

#[test]
fn flows_no_edge_names_are_denied() {
    let cluster = Cluster::of(&connectum_locked_down());
    let order = cluster.pod("connectum", "order-service");
    let collector = cluster.pod("observability", "otel-collector");
    // The edge is on OTLP/gRPC only.
    assert!(!cluster.egress_allows(&order, &collector, 4318, "TCP"));
    assert!(!cluster.ingress_allows(&order, &collector, 4318, "TCP"));
    // Nothing calls back from the collector.
    assert!(!cluster.allows(&collector, &order, 5000));
    // A pod that looks like order-service, in a namespace no environment of the design
    // uses, is not let in: the namespaceSelector and podSelector hold together.
    let impostor = Pod {
        namespace: "default".into(),
        ..order.clone()
    };
    assert!(!cluster.ingress_allows(&impostor, &collector, 4317, "TCP"));
    // Any pod of prod's namespace that is not order-service is not let in either.
    let other = Pod {
        labels: [("app.kubernetes.io/name".to_string(), "billing".to_string())].into(),
        ..order.clone()
    };
    assert!(!cluster.ingress_allows(&other, &collector, 4317, "TCP"));
}

#[test]
fn without_the_edge_both_sides_drop_the_traces() {
    let mut d = connectum_locked_down();
    d.edges.clear();
    let cluster = Cluster::of(&d);
    let order = cluster.pod("connectum", "order-service");
    let collector = cluster.pod("observability", "otel-collector");
    assert!(!cluster.egress_allows(&order, &collector, 4317, "TCP"));
    assert!(!cluster.ingress_allows(&order, &collector, 4317, "TCP"));
    // ... and the address rule says so, with the fix that puts the edge back.
    let f: Vec<_> = validate(&d, "prod")
        .into_iter()
        .filter(|f| f.code == "KP320")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.contains("OTEL_EXPORTER_OTLP_ENDPOINT"),
        "{}",
        f[0].message
    );
    let fix = f[0].fix.clone().expect("a fix");
    d.apply(fix.edit).unwrap();
    let cluster = Cluster::of(&d);
    assert!(cluster.allows(&order, &collector, 4317));
}

#[test]
fn default_deny_in_connectum_prod_leaves_only_the_inventory_address_to_fix() {
    // The collector's edge is in the design; inventory-service, which the ConfigMap also
    // names, is not: under default-deny that address is the one warning.
    let d = connectum_locked_down();
    let found: Vec<_> = validate(&d, "prod")
        .into_iter()
        .filter(|f| f.code.starts_with("KP32"))
        .collect();
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].code, "KP321");
    assert_eq!(found[0].severity, Severity::Warning);
    assert!(found[0].message.contains("inventory-service"));
    // As the template ships (default-deny off in prod), it is information only.
    let shipped = validate(&templates::connectum(), "prod");
    let kp321: Vec<_> = shipped.iter().filter(|f| f.code == "KP321").collect();
    assert_eq!(kp321.len(), 1);
    assert_eq!(kp321[0].severity, Severity::Info);
}

#[test]
fn an_existing_design_s_local_edges_still_allow_exactly_their_flows() {
    // miniredis: default-deny in staging and prod, edges within each namespace.
    let d = templates::miniredis();
    let cluster = Cluster::of(&d);
    for e in &d.edges {
        let from = &d.service(e.from).unwrap().name;
        let to = d.service(e.to).unwrap();
        let port = to.service_port(&e.port).unwrap();
        let target = to.resolve_port(&port.target).unwrap().port;
        for (env, ns) in [("staging", "miniredis-staging"), ("prod", "miniredis-prod")] {
            // The restore test runs in staging only.
            let env = d.environment(env).unwrap();
            if !env.deploys(e.from) || !env.deploys(e.to) {
                continue;
            }
            let (a, b) = (cluster.pod(ns, from), cluster.pod(ns, &to.name));
            assert!(
                cluster.allows(&a, &b, target),
                "{from} -> {} in {ns}",
                to.name
            );
            // Not across the two environments.
            let other = if ns == "miniredis-prod" {
                "miniredis-staging"
            } else {
                "miniredis-prod"
            };
            if let Some(stranger) = cluster.pods.get(&(other.to_string(), from.clone())) {
                assert!(!cluster.ingress_allows(stranger, &b, target, "TCP"));
            }
        }
    }
}

/// Prometheus, as the monitoring namespace runs it.
fn prometheus() -> Pod {
    Pod {
        namespace: "monitoring".into(),
        labels: [(
            "app.kubernetes.io/name".to_string(),
            "prometheus".to_string(),
        )]
        .into(),
        ports: BTreeMap::new(),
    }
}

/// The findings of `code` in `env`, by message.
fn messages(d: &Design, env: &str, code: &str) -> Vec<String> {
    validate(d, env)
        .into_iter()
        .filter(|f| f.code == code)
        .map(|f| f.message)
        .collect()
}

#[test]
fn monitors_kept_from_an_import_are_let_in_once_their_findings_are_fixed() {
    let mut d = import::kubernetes(include_str!("manifests/shop-monitored.yaml")).design;
    let kept: Vec<&str> = (d.extra_objects.iter().chain(&d.pinned_objects))
        .map(KeptObject::kind)
        .collect();
    assert!(
        kept.contains(&"ServiceMonitor") && kept.contains(&"PodMonitor"),
        "both monitors are kept whole: {kept:?}"
    );
    let env = d.environments[0].name.clone();
    let ns = d.environments[0].namespace.clone();
    d.apply(Edit::Set {
        path: edit::FieldPath::environment(&env, "/default_deny"),
        value: serde_json::json!(true),
    })
    .unwrap();
    // The monitors say that the operator scrapes here, and with which labels.
    let monitoring = &d.environments[0].monitoring;
    assert_eq!(monitoring.scraping, Scraping::Operator);
    assert_eq!(monitoring.labels["release"], "kube-prometheus-stack");
    assert!(
        !monitoring.alerts,
        "the input has no alerts of the design's"
    );
    assert!(messages(&d, &env, "KP353").is_empty());
    // Default-deny drops their scrapes until Prometheus is let in (KP354), as a user
    // applies its fix.
    let f = validate(&d, &env)
        .into_iter()
        .find(|f| f.code == "KP354")
        .expect("KP354");
    assert!(
        f.message.contains("`orders`") && f.message.contains("1 more"),
        "{}",
        f.message
    );
    d.apply(f.fix.expect("a fix").edit).unwrap();
    assert!(messages(&d, &env, "KP354").is_empty());
    // A scrape reaches the metrics ports; the ports that serve callers are still
    // unreachable, since the import drew no edge to them.
    assert_eq!(
        messages(&d, &env, "KP311"),
        [
            "default-deny is on and only Prometheus' scrape may connect to `mailer`: nothing reaches its port `smtp`",
            "default-deny is on and only Prometheus' scrape may connect to `orders`: nothing reaches its port `http`",
        ]
    );

    // Through a link and a design file, the same policies.
    let linked = link::decode(&link::encode(&d)).unwrap();
    let filed = file::from_json(&file::to_json(&linked)).unwrap();
    for design in [&d, &filed] {
        let cluster = Cluster::of(design);
        let orders = cluster.pod(&ns, "orders");
        let mailer = cluster.pod(&ns, "mailer");
        // The ServiceMonitor's port `metrics` is the pods' 9464; the PodMonitor's `prom`
        // is the mailer's 9102. Only those.
        assert!(cluster.ingress_allows(&prometheus(), &orders, 9464, "TCP"));
        assert!(cluster.ingress_allows(&prometheus(), &mailer, 9102, "TCP"));
        assert!(!cluster.ingress_allows(&prometheus(), &orders, 8080, "TCP"));
        assert!(!cluster.ingress_allows(&prometheus(), &mailer, 2525, "TCP"));
        // ... and from the monitoring namespace only.
        let elsewhere = Pod {
            namespace: "default".into(),
            ..prometheus()
        };
        assert!(!cluster.ingress_allows(&elsewhere, &orders, 9464, "TCP"));
    }

    // Its export imports again as default-deny with Prometheus' namespace: the policies
    // are the design's, not kept whole.
    let again = import::kubernetes(&render(&d, &env).to_yaml());
    for r in again.documents.iter().filter(|r| r.kind == "NetworkPolicy") {
        assert_eq!(r.outcome, import::Outcome::Imported, "{r:?}");
    }
    let e = &again.design.environments[0];
    assert!(e.default_deny);
    assert_eq!(
        again.design.cluster.monitoring_namespace.as_deref(),
        Some("monitoring")
    );
    assert_eq!(
        render(&again.design, &e.name).to_yaml(),
        render(&d, &env).to_yaml()
    );
}

#[test]
fn a_kept_monitor_scrapes_only_what_it_selects_in_the_namespaces_it_watches() {
    let mut d = import::kubernetes(include_str!("manifests/shop-monitored.yaml")).design;
    let env = d.environments[0].name.clone();
    let ns = d.environments[0].namespace.clone();
    let e = &mut d.environments[0];
    e.default_deny = true;
    e.monitoring.scraping = Scraping::Operator;
    d.cluster.monitoring_namespace = Some("monitoring".into());
    // The ServiceMonitor watches `shop` by name; another environment's namespace is not
    // scraped by it.
    for k in &mut d.pinned_objects {
        if k.kind() == "ServiceMonitor" {
            k.0["spec"]["namespaceSelector"]["matchNames"] = serde_json::json!(["shop-dev"]);
        }
    }
    // The PodMonitor's selector no longer picks the mailer.
    for k in &mut d.extra_objects {
        if k.kind() == "PodMonitor" {
            k.0["spec"]["selector"]["matchExpressions"][0]["values"] =
                serde_json::json!(["consumer"]);
        }
    }
    let cluster = Cluster::of(&d);
    let orders = cluster.pod(&ns, "orders");
    let mailer = cluster.pod(&ns, "mailer");
    assert!(!cluster.ingress_allows(&prometheus(), &orders, 9464, "TCP"));
    assert!(!cluster.ingress_allows(&prometheus(), &mailer, 9102, "TCP"));
    let unreachable = messages(&d, &env, "KP311");
    assert_eq!(unreachable.len(), 2, "{unreachable:?}");
    // `any: true` watches every namespace.
    for k in &mut d.pinned_objects {
        if k.kind() == "ServiceMonitor" {
            k.0["spec"]["namespaceSelector"] = serde_json::json!({"any": true});
        }
    }
    let cluster = Cluster::of(&d);
    assert!(cluster.ingress_allows(&prometheus(), &orders, 9464, "TCP"));
    let unreachable = messages(&d, &env, "KP311");
    assert!(
        unreachable[0].contains("nothing may connect to `mailer`")
            && unreachable[1].contains("only Prometheus' scrape may connect to `orders`"),
        "{unreachable:?}"
    );
}

#[test]
fn an_address_in_an_argument_is_let_through_by_the_fix_it_gets() {
    let input = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: app}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: api}
  template:
    metadata:
      labels: {app.kubernetes.io/name: api}
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api:1.0.0
          args: ["serve", "--cache-server=tcp://redis:6379"]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: redis, namespace: app}
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: redis}
  template:
    metadata:
      labels: {app.kubernetes.io/name: redis}
    spec:
      containers:
        - name: redis
          image: redis:7.4
          ports:
            - {name: redis, containerPort: 6379}
---
apiVersion: v1
kind: Service
metadata: {name: redis, namespace: app}
spec:
  selector: {app.kubernetes.io/name: redis}
  ports:
    - {name: redis, port: 6379, targetPort: redis}
"#;
    let mut d = import::kubernetes(input).design;
    // The import reads the argument's address as a dependency, on the port it names.
    let named: Vec<(String, String, String)> = (d.edges.iter())
        .map(|e| {
            let name = |id| d.service(id).unwrap().name.clone();
            (name(e.from), name(e.to), e.port.clone())
        })
        .collect();
    assert_eq!(named, [("api".into(), "redis".into(), "redis".into())]);
    // Without that edge, default-deny drops the call, and KP320's fix lets it through.
    d.edges.clear();
    d.environments[0].default_deny = true;
    let cluster = Cluster::of(&d);
    let (api, redis) = (cluster.pod("app", "api"), cluster.pod("app", "redis"));
    assert!(!cluster.allows(&api, &redis, 6379));
    let f: Vec<_> = validate(&d, "app")
        .into_iter()
        .filter(|f| f.code == "KP320")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message
            .contains("`--cache-server` = `tcp://redis:6379`")
            && f[0]
                .message
                .contains("default-deny in `app` (egress and ingress)"),
        "{}",
        f[0].message
    );
    d.apply(f[0].fix.clone().expect("a fix").edit).unwrap();
    assert!(Cluster::of(&d).allows(&api, &redis, 6379));
}

/// A payment API outside the cluster, dialed by connectum's order-service under prod's
/// default-deny: dropped until KP324's fix lets it through on its port alone; the
/// allowance travels through a link and a design file, comes back from an import of
/// the rendered manifests, and narrows to a block typed into its field.
#[test]
fn a_host_outside_the_cluster_is_let_through_by_the_fix_it_gets() {
    let mut d = connectum_locked_down();
    let id = d.service_named("order-service").unwrap().id;
    let env = &mut d.service_mut(id).unwrap().config.env;
    env.push(EnvVar::literal("PAYMENTS_URL", "https://api.stripe.com/v1"));
    let stripe: IpAddr = "203.0.113.10".parse().unwrap();
    let order = |d: &Design| Cluster::of(d).pod("connectum", "order-service");
    assert!(!Cluster::of(&d).reaches_outside(&order(&d), stripe, 443));
    let f: Vec<_> = (validate(&d, "prod").into_iter())
        .filter(|f| f.code == "KP324")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.contains("dials `api.stripe.com` on port 443")
            && f[0].message.contains("default-deny in `prod`"),
        "{}",
        f[0].message
    );
    // dev has no default-deny: nothing to say there.
    assert!(!validate(&d, "dev").iter().any(|f| f.code == "KP324"));
    d.apply(f[0].fix.clone().expect("a fix").edit).unwrap();
    let cluster = Cluster::of(&d);
    assert!(cluster.reaches_outside(&order(&d), stripe, 443));
    assert!(
        !cluster.reaches_outside(&order(&d), stripe, 5432),
        "that port only"
    );
    let collector = cluster.pod("observability", "otel-collector");
    assert!(
        !cluster.reaches_outside(&collector, stripe, 443),
        "that service only"
    );
    assert!(!validate(&d, "prod").iter().any(|f| f.code == "KP324"));
    // Through a link and a design file, the same design and the same policies.
    let linked = link::decode(&link::encode(&d)).unwrap();
    assert_eq!(linked, d);
    assert_eq!(file::from_json(&file::to_json(&d)).unwrap(), d);
    // An import of the rendered prod reads the allowance back as the design's own (its
    // edge into observability left out: an import of one namespace cannot tell that
    // policy from a hand-written one).
    let mut alone = d.clone();
    alone.edges.clear();
    // A second host on the same block and port is the same rule, written once, with
    // both hosts noted beside it.
    let second = ExternalEgress {
        to: "hooks.slack.com".into(),
        ..ExternalEgress::default()
    };
    alone.service_mut(id).unwrap().egress.push(second);
    let imported = import::kubernetes(&render(&alone, "prod").to_yaml()).design;
    let again = imported.service_named("order-service").unwrap();
    let rendered = render(&alone, "prod");
    let policy = (rendered.objects.iter())
        .map(|o| o.to_json())
        .find(|o| o["metadata"]["name"] == "order-service-allow")
        .unwrap();
    let outside = policy["spec"]["egress"].as_array().unwrap().iter();
    assert_eq!(
        outside
            .filter(|r| r["to"][0]["ipBlock"].is_object())
            .count(),
        1
    );
    assert_eq!(again.egress, alone.service(id).unwrap().egress);
    assert!(
        imported.environments[0].default_deny,
        "the policies are the design's again"
    );
    // Narrowed to a block typed into the field: only addresses in it get through.
    let cidr = edit::FieldPath::service(id, "/egress/0/cidr");
    d.apply(input::edit(input::FieldKind::Cidr, &cidr, "52.0.0.0/8", &[]).unwrap())
        .unwrap();
    let cluster = Cluster::of(&d);
    assert!(!cluster.reaches_outside(&order(&d), stripe, 443));
    let inside: IpAddr = "52.84.10.1".parse().unwrap();
    assert!(cluster.reaches_outside(&order(&d), inside, 443));
    // A database by IP address: the fix lets out to that address alone.
    let env = &mut d.service_mut(id).unwrap().config.env;
    env.push(EnvVar::literal("DB_HOST", "10.20.3.4"));
    env.push(EnvVar::literal("DB_PORT", "5432"));
    let f: Vec<_> = (validate(&d, "prod").into_iter())
        .filter(|f| f.code == "KP324")
        .collect();
    assert_eq!(f.len(), 1, "{f:#?}");
    d.apply(f[0].fix.clone().expect("a fix").edit).unwrap();
    let cluster = Cluster::of(&d);
    let db: IpAddr = "10.20.3.4".parse().unwrap();
    let next: IpAddr = "10.20.3.5".parse().unwrap();
    assert!(cluster.reaches_outside(&order(&d), db, 5432));
    assert!(
        !cluster.reaches_outside(&order(&d), next, 5432),
        "that address only"
    );
    // A host typed where the block goes is refused, saying what to write.
    let refused = input::edit(input::FieldKind::Cidr, &cidr, "api.stripe.com", &[]).unwrap_err();
    assert!(refused.contains("a policy names no hosts"), "{refused}");
}
