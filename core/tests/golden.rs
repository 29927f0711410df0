//! Every template in every environment, rendered: snapshots reviewed like code, plus
//! assertions of the facts each seed document states, read back from the YAML.

use kubeprint_core::yaml::{parse_documents, Value};
use kubeprint_core::{render, templates};

fn rendered(template: &str, env: &str) -> String {
    let design = templates::by_name(template).expect("template exists");
    assert!(design.environment(env).is_some(), "{template} has no {env}");
    render(&design, env).to_yaml()
}

#[test]
fn golden_every_template_in_every_environment() {
    for t in templates::ALL {
        let design = (t.build)();
        for env in &design.environments {
            let yaml = render(&design, &env.name).to_yaml();
            insta::assert_snapshot!(format!("{}__{}", t.name, env.name), yaml);
        }
    }
}

/// The document of this kind and name.
fn doc(yaml: &str, kind: &str, name: &str) -> Value {
    parse_documents(yaml)
        .unwrap()
        .into_iter()
        .find(|d| d["kind"].as_str() == Some(kind) && d["metadata"]["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("no {kind}/{name} in:\n{yaml}"))
}

fn kinds(yaml: &str) -> Vec<String> {
    parse_documents(yaml)
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}/{}",
                d["kind"].as_str().unwrap(),
                d["metadata"]["name"].as_str().unwrap()
            )
        })
        .collect()
}

/// Follow a dotted path; numbers index sequences; `[a.b/c]` is one key with dots.
fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    let mut keys = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let (key, tail) = match rest.strip_prefix('[') {
            Some(r) => r.split_once(']').expect("closing bracket"),
            None => rest.split_once('.').unwrap_or((rest, "")),
        };
        keys.push(key);
        rest = tail.strip_prefix('.').unwrap_or(tail);
    }
    keys.into_iter()
        .fold(v, |v, key| match key.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[key],
        })
}

fn i(v: &Value, path: &str) -> i64 {
    at(v, path)
        .as_i64()
        .unwrap_or_else(|| panic!("{path} is not a number: {:?}", at(v, path)))
}

fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    at(v, path)
        .as_str()
        .unwrap_or_else(|| panic!("{path} is not a string: {:?}", at(v, path)))
}

#[test]
fn connectum_matches_its_guide() {
    let y = rendered("connectum", "prod");
    assert_eq!(
        kinds(&y),
        [
            "Namespace/connectum",
            "ServiceAccount/order-service",
            "ConfigMap/order-service-config",
            "Secret/order-service-tls",
            "Deployment/order-service",
            "Service/order-service",
            "Service/order-service-external",
            "HorizontalPodAutoscaler/order-service",
        ]
    );
    let d = doc(&y, "Deployment", "order-service");
    assert!(at(&d, "spec.replicas").is_null(), "an HPA manages replicas");
    assert_eq!(i(&d, "spec.strategy.rollingUpdate.maxSurge"), 1);
    assert_eq!(i(&d, "spec.strategy.rollingUpdate.maxUnavailable"), 1);
    assert_eq!(i(&d, "spec.revisionHistoryLimit"), 5);
    let pod = at(&d, "spec.template.spec");
    assert_eq!(i(pod, "terminationGracePeriodSeconds"), 35);
    assert_eq!(s(pod, "serviceAccountName"), "order-service");
    assert_eq!(i(pod, "securityContext.runAsUser"), 1000);
    assert_eq!(
        s(pod, "securityContext.seccompProfile.type"),
        "RuntimeDefault"
    );
    assert_eq!(
        s(pod, "topologySpreadConstraints.0.topologyKey"),
        "kubernetes.io/hostname"
    );
    assert_eq!(
        s(pod, "topologySpreadConstraints.0.whenUnsatisfiable"),
        "DoNotSchedule"
    );
    let c = at(pod, "containers.0");
    assert_eq!(s(c, "image"), "ghcr.io/mycompany/order-service:1.0.0");
    assert_eq!(
        i(c, "lifecycle.preStop.sleep.seconds"),
        5,
        "native sleep, not sh -c"
    );
    assert_eq!(s(c, "startupProbe.httpGet.path"), "/healthz");
    assert_eq!(i(c, "startupProbe.failureThreshold"), 12);
    assert_eq!(s(c, "livenessProbe.httpGet.path"), "/healthz");
    assert_eq!(s(c, "readinessProbe.httpGet.path"), "/readyz");
    assert_eq!(s(c, "readinessProbe.httpGet.port"), "grpc");
    assert_eq!(s(c, "resources.limits.memory"), "512Mi");
    assert_eq!(s(c, "envFrom.0.configMapRef.name"), "order-service-config");
    assert!(!s(&d, "spec.template.metadata.annotations.[checksum/config]").is_empty());

    let svc = doc(&y, "Service", "order-service");
    assert_eq!(s(&svc, "spec.type"), "ClusterIP");
    assert_eq!(i(&svc, "spec.ports.0.port"), 5000);
    assert_eq!(s(&svc, "spec.ports.0.appProtocol"), "grpc");
    let lb = doc(&y, "Service", "order-service-external");
    assert_eq!(s(&lb, "spec.type"), "LoadBalancer");
    assert_eq!(i(&lb, "spec.ports.0.port"), 443);
    assert_eq!(
        s(
            &lb,
            "metadata.annotations.[service.beta.kubernetes.io/aws-load-balancer-type]"
        ),
        "nlb"
    );

    let hpa = doc(&y, "HorizontalPodAutoscaler", "order-service");
    assert_eq!(
        (i(&hpa, "spec.minReplicas"), i(&hpa, "spec.maxReplicas")),
        (2, 10)
    );
    assert_eq!(
        i(&hpa, "spec.metrics.0.resource.target.averageUtilization"),
        70
    );
    assert_eq!(s(&hpa, "spec.metrics.1.resource.name"), "memory");
    assert_eq!(
        i(&hpa, "spec.metrics.1.resource.target.averageUtilization"),
        80
    );
    assert_eq!(
        i(&hpa, "spec.behavior.scaleDown.stabilizationWindowSeconds"),
        300
    );
    assert_eq!(i(&hpa, "spec.behavior.scaleUp.policies.0.value"), 2);

    let secret = doc(&y, "Secret", "order-service-tls");
    assert_eq!(s(&secret, "type"), "kubernetes.io/tls");

    for (env, ns) in [
        ("dev", "connectum-dev"),
        ("staging", "connectum-staging"),
        ("observability", "observability"),
    ] {
        let y = rendered("connectum", env);
        doc(&y, "Namespace", ns);
    }
    // The observability namespace holds the OTel Collector (and only what it reads:
    // none of order-service's ConfigMaps and Secrets). No default-deny there in the
    // template: it would also cut the monitoring stack Kubeprint does not design.
    let obs = rendered("connectum", "observability");
    assert_eq!(
        kinds(&obs),
        [
            "Namespace/observability",
            "Deployment/otel-collector",
            "Service/otel-collector",
            "PodDisruptionBudget/otel-collector",
        ]
    );
    let collector = doc(&obs, "Deployment", "otel-collector");
    assert_eq!(
        s(&collector, "spec.template.spec.containers.0.image"),
        "otel/opentelemetry-collector-contrib:0.115.0"
    );
    let svc = doc(&obs, "Service", "otel-collector");
    assert_eq!(
        (i(&svc, "spec.ports.0.port"), i(&svc, "spec.ports.1.port")),
        (4317, 4318)
    );
    // With default-deny turned on there, its ingress lets in order-service's pods of
    // each namespace whose environment runs it: one peer per namespace,
    // namespaceSelector and podSelector together.
    let mut locked = templates::connectum();
    for e in &mut locked.environments {
        e.default_deny |= e.name == "observability";
    }
    let obs = render(&locked, "observability").to_yaml();
    assert_eq!(
        kinds(&obs)[4..],
        [
            "NetworkPolicy/allow-dns-egress",
            "NetworkPolicy/default-deny-all",
            "NetworkPolicy/otel-collector-allow",
        ]
    );
    let allow = doc(&obs, "NetworkPolicy", "otel-collector-allow");
    let peers = at(&allow, "spec.ingress.0.from").as_sequence().unwrap();
    let namespaces: Vec<_> = peers
        .iter()
        .map(|p| {
            s(
                p,
                "namespaceSelector.matchLabels.[kubernetes.io/metadata.name]",
            )
        })
        .collect();
    assert_eq!(
        namespaces,
        ["connectum-dev", "connectum-staging", "connectum"]
    );
    for p in peers {
        assert_eq!(
            s(p, "podSelector.matchLabels.[app.kubernetes.io/name]"),
            "order-service"
        );
    }
    assert_eq!(i(&allow, "spec.ingress.0.ports.0.port"), 4317);
    let dev = doc(
        &rendered("connectum", "dev"),
        "HorizontalPodAutoscaler",
        "order-service",
    );
    assert_eq!(
        (i(&dev, "spec.minReplicas"), i(&dev, "spec.maxReplicas")),
        (1, 2)
    );
}

#[test]
fn framework_m_matches_its_guide() {
    let y = rendered("framework-m", "prod");
    let d = doc(&y, "Deployment", "framework-m-backend");
    assert!(
        at(&d, "spec.replicas").is_null(),
        "the HPA manages replicas"
    );
    let c = at(&d, "spec.template.spec.containers.0");
    assert_eq!(s(c, "name"), "backend");
    assert_eq!(s(c, "image"), "registry.example.com/framework-m:latest");
    assert_eq!(i(c, "ports.0.containerPort"), 8888);
    assert_eq!(s(c, "livenessProbe.httpGet.path"), "/health");
    assert_eq!(i(c, "livenessProbe.initialDelaySeconds"), 5);
    assert_eq!(i(c, "livenessProbe.periodSeconds"), 30);
    assert_eq!(s(c, "readinessProbe.httpGet.path"), "/ready");
    assert_eq!(i(c, "readinessProbe.initialDelaySeconds"), 10);
    assert_eq!(i(c, "readinessProbe.periodSeconds"), 15);
    assert_eq!(s(c, "envFrom.0.configMapRef.name"), "framework-m-config");
    assert_eq!(s(c, "envFrom.1.secretRef.name"), "framework-m-secrets");
    assert_eq!(s(c, "resources.requests.cpu"), "500m");
    let hpa = doc(&y, "HorizontalPodAutoscaler", "framework-m-backend");
    assert_eq!(
        (i(&hpa, "spec.minReplicas"), i(&hpa, "spec.maxReplicas")),
        (3, 10)
    );
    assert_eq!(
        i(&hpa, "spec.metrics.0.resource.target.averageUtilization"),
        70
    );
    let cm = doc(&y, "ConfigMap", "framework-m-config");
    assert_eq!(s(&cm, "data.FRAMEWORK_MODE"), "MACROSERVICE");
    let secret = doc(&y, "Secret", "framework-m-secrets");
    assert_eq!(s(&secret, "stringData.FRAMEWORK_M_JWT_SECRET"), "CHANGE_ME");
    // Custom app combinations: one image, different INSTALLED_APPS and PORT.
    for (name, apps, port) in [
        ("framework-m-sales", "app1,sales", 8001),
        ("framework-m-wms", "app1,plugin_wms", 8002),
    ] {
        let d = doc(&y, "Deployment", name);
        let c = at(&d, "spec.template.spec.containers.0");
        assert_eq!(s(c, "image"), "registry.example.com/framework-m:latest");
        assert_eq!(s(c, "env.0.name"), "INSTALLED_APPS");
        assert_eq!(s(c, "env.0.value"), apps);
        assert_eq!(s(c, "env.1.value"), port.to_string());
        assert_eq!(i(c, "ports.0.containerPort"), port);
        assert_eq!(i(&d, "spec.replicas"), 2);
    }
}

#[test]
fn miniredis_matches_its_platform_plan() {
    let y = rendered("miniredis", "prod");
    // The port table.
    for (name, port, svc_port) in [
        ("frontend", 5173, 80),
        ("api-gateway", 8080, 8080),
        ("backend", 5500, 5500),
        ("node-manager", 7000, 7000),
        ("monitoring-service", 9000, 9000),
        ("auth-service", 8000, 8000),
    ] {
        // "Default: rolling update. Sensitive services: canary rollout."
        let canary = ["api-gateway", "backend"].contains(&name);
        let d = doc(&y, if canary { "Rollout" } else { "Deployment" }, name);
        let c = at(&d, "spec.template.spec.containers.0");
        assert_eq!(i(c, "ports.0.containerPort"), port, "{name}");
        assert!(
            !at(c, "readinessProbe").is_null() && !at(c, "livenessProbe").is_null(),
            "{name}"
        );
        assert!(!at(c, "resources.requests").is_null() && !at(c, "resources.limits").is_null());
        if canary {
            assert!(!at(&d, "spec.strategy.canary.steps").is_null(), "{name}");
        } else {
            assert_eq!(s(&d, "spec.strategy.type"), "RollingUpdate");
        }
        assert_eq!(
            i(&doc(&y, "Service", name), "spec.ports.0.port"),
            svc_port,
            "{name}"
        );
    }
    for (name, size) in [("postgres-main", "20Gi"), ("postgres-auth", "10Gi")] {
        let st = doc(&y, "StatefulSet", name);
        assert_eq!(s(&st, "spec.serviceName"), name);
        assert_eq!(
            s(
                &st,
                "spec.volumeClaimTemplates.0.spec.resources.requests.storage"
            ),
            size
        );
        assert_eq!(
            i(&st, "spec.template.spec.containers.0.ports.0.containerPort"),
            5432
        );
        assert_eq!(s(&doc(&y, "Service", name), "spec.clusterIP"), "None");
    }
    // Critical services: PDB, anti-affinity, HPA.
    for name in ["api-gateway", "backend", "monitoring-service"] {
        doc(&y, "PodDisruptionBudget", name);
        let hpa = doc(&y, "HorizontalPodAutoscaler", name);
        let kind = s(&hpa, "spec.scaleTargetRef.kind").to_string();
        let d = doc(&y, &kind, name);
        assert!(
            !at(&d, "spec.template.spec.affinity.podAntiAffinity").is_null(),
            "{name}"
        );
    }
    // Tenant port pool through env.
    let nm = doc(&y, "Deployment", "node-manager");
    let env = at(&nm, "spec.template.spec.containers.0.env");
    assert_eq!(s(env, "0.name"), "REDIS_PORT_START");
    assert_eq!(s(env, "1.name"), "REDIS_PORT_END");
    // Ingress with cert-manager TLS.
    let ing = doc(&y, "Ingress", "frontend");
    assert_eq!(s(&ing, "spec.tls.0.hosts.0"), "miniredis.example.com");
    assert_eq!(
        s(
            &ing,
            "metadata.annotations.[cert-manager.io/cluster-issuer]"
        ),
        "letsencrypt-prod"
    );
    doc(&y, "Ingress", "api-gateway");
    // Default deny plus explicit allows.
    let deny = doc(&y, "NetworkPolicy", "default-deny-all");
    assert_eq!(
        at(&deny, "spec.policyTypes").as_sequence().unwrap().len(),
        2
    );
    doc(&y, "NetworkPolicy", "allow-dns-egress");
    let pg = doc(&y, "NetworkPolicy", "postgres-main-allow");
    assert_eq!(
        s(
            &pg,
            "spec.ingress.0.from.0.podSelector.matchLabels.[app.kubernetes.io/name]"
        ),
        "backend"
    );
    assert_eq!(i(&pg, "spec.ingress.0.ports.0.port"), 5432);
    let be = doc(&y, "NetworkPolicy", "backend-allow");
    assert!(at(&be, "spec.egress").as_sequence().unwrap().len() >= 2);
    let fe = doc(&y, "NetworkPolicy", "frontend-allow");
    assert_eq!(
        s(
            &fe,
            "spec.ingress.0.from.0.namespaceSelector.matchLabels.[kubernetes.io/metadata.name]"
        ),
        "ingress-nginx"
    );
    // Both namespaces.
    doc(&y, "Namespace", "miniredis-prod");
    doc(
        &rendered("miniredis", "staging"),
        "Namespace",
        "miniredis-staging",
    );
    // Daily full backups of each database, never two at once, allowed to reach it.
    for (db, schedule) in [
        ("postgres-main", "0 2 * * *"),
        ("postgres-auth", "30 2 * * *"),
    ] {
        let cron = doc(&y, "CronJob", &format!("{db}-backup"));
        assert_eq!(s(&cron, "spec.schedule"), schedule);
        assert_eq!(s(&cron, "spec.concurrencyPolicy"), "Forbid");
        assert_eq!(s(&cron, "spec.timeZone"), "Etc/UTC");
        assert_eq!(
            i(&cron, "spec.jobTemplate.spec.activeDeadlineSeconds"),
            10800
        );
        assert_eq!(
            s(&cron, "spec.jobTemplate.spec.template.spec.restartPolicy"),
            "Never"
        );
        let allow = doc(&y, "NetworkPolicy", &format!("{db}-backup-allow"));
        assert_eq!(
            s(
                &allow,
                "spec.egress.0.to.0.podSelector.matchLabels.[app.kubernetes.io/name]"
            ),
            db
        );
    }
    // The restore test runs in staging only.
    assert!(!y.contains("postgres-main-restore-test"));
    let staging = rendered("miniredis", "staging");
    let restore = doc(&staging, "CronJob", "postgres-main-restore-test");
    assert_eq!(s(&restore, "spec.schedule"), "0 6 * * MON");
}

#[test]
fn stfc_fastapi_matches_its_guide() {
    let y = rendered("stfc-fastapi", "prod");
    let d = doc(&y, "Deployment", "fastapi-app");
    let c = at(&d, "spec.template.spec.containers.0");
    assert_eq!(s(c, "image"), "harbor.stfc.ac.uk/dseg/api:main");
    assert_eq!(i(c, "ports.0.containerPort"), 8000);
    assert_eq!(s(c, "livenessProbe.httpGet.path"), "/healthz");
    assert_eq!(s(c, "envFrom.0.configMapRef.name"), "fastapi-app-env");
    let ann = at(&d, "spec.template.metadata.annotations");
    assert_eq!(s(ann, "[prometheus.io/scrape]"), "true");
    assert_eq!(s(ann, "[prometheus.io/path]"), "/metrics");
    assert_eq!(s(ann, "[prometheus.io/port]"), "8000");
    let db = doc(&y, "StatefulSet", "icat-mariadb");
    assert_eq!(
        i(&db, "spec.template.spec.containers.0.ports.0.containerPort"),
        3306
    );
    assert_eq!(
        i(
            &rendered("stfc-fastapi", "dev").pipe(|y| doc(&y, "Deployment", "fastapi-app")),
            "spec.replicas"
        ),
        1
    );
}

trait Pipe: Sized {
    fn pipe<R>(self, f: impl FnOnce(Self) -> R) -> R {
        f(self)
    }
}
impl<T> Pipe for T {}

#[test]
fn no_output_of_any_template_carries_anything_but_placeholders_in_secrets() {
    for t in templates::ALL {
        let design = (t.build)();
        for env in &design.environments {
            for d in parse_documents(&render(&design, &env.name).to_yaml()).unwrap() {
                if d["kind"].as_str() == Some("Secret") {
                    assert!(d["data"].is_null(), "no base64 data in a Secret");
                    for (_, v) in d["stringData"].as_mapping().unwrap() {
                        assert_eq!(v.as_str(), Some(kubeprint_core::render::SECRET_PLACEHOLDER));
                    }
                }
            }
        }
    }
}

#[test]
fn miniredis_canaries_roll_back_on_readiness_and_5xx_in_prod_only() {
    let y = rendered("miniredis", "prod");
    for name in ["api-gateway", "backend"] {
        let r = doc(&y, "Rollout", name);
        assert_eq!(s(&r, "apiVersion"), "argoproj.io/v1alpha1");
        assert!(at(&r, "spec.progressDeadlineAbort").as_bool().unwrap());
        let canary = at(&r, "spec.strategy.canary");
        assert_eq!(i(canary, "steps.0.setWeight"), 33);
        assert_eq!(s(canary, "steps.1.pause.duration"), "5m");
        assert_eq!(
            s(canary, "analysis.templates.0.templateName"),
            format!("{name}-analysis")
        );
        assert_eq!(
            s(canary, "analysis.args.0.valueFrom.podTemplateHashValue"),
            "Latest"
        );
        assert!(at(canary, "trafficRouting").is_null(), "replica weights");
        let t = doc(&y, "AnalysisTemplate", &format!("{name}-analysis"));
        let metrics = at(&t, "spec.metrics");
        assert_eq!(s(metrics, "0.name"), "error-rate");
        assert_eq!(s(metrics, "0.successCondition"), "result[0] <= 0.05");
        assert!(s(metrics, "0.provider.prometheus.query").contains("http_requests_total"));
        assert_eq!(
            s(metrics, "0.provider.prometheus.address"),
            "http://prometheus-operated.monitoring.svc:9090"
        );
        assert_eq!(s(metrics, "1.name"), "ready");
        assert!(s(metrics, "1.provider.prometheus.query").contains("kube_pod_status_ready"));
        // Every service with a metrics endpoint is scraped through the operator.
        let m = doc(&y, "ServiceMonitor", name);
        assert_eq!(s(&m, "spec.endpoints.0.port"), "http");
        assert_eq!(s(&m, "metadata.labels.release"), "kube-prometheus-stack");
        let alerts: Vec<String> = at(&doc(&y, "PrometheusRule", name), "spec.groups.0.rules")
            .as_sequence()
            .unwrap()
            .iter()
            .map(|r| r["alert"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(alerts.len(), 4, "{alerts:?}");
        assert!(alerts.iter().any(|a| a.ends_with("HighErrorRate")));
    }
    assert!(!y.contains("prometheus.io/scrape"), "no double scraping");
    let staging = rendered("miniredis", "staging");
    assert!(kinds(&staging).iter().all(|k| !k.starts_with("Rollout/")
        && !k.starts_with("ServiceMonitor/")
        && !k.starts_with("PrometheusRule/")));
    assert!(staging.contains("prometheus.io/scrape"));
}

/// Connectum through Envoy Gateway: the NLB is gone; each environment that runs
/// order-service has the Gateway `connectum` of class `eg` with an HTTPS listener for its
/// API host, annotated for the cluster's cert-manager issuer; the GRPCRoute attaches to
/// that listener and sends the OrderService's calls to port 5000, which says grpc.
#[test]
fn connectum_gateway_routes_grpc_through_its_gateway() {
    for (env, host) in [
        ("prod", "api.connectum.example.com"),
        ("dev", "api.dev.connectum.example.com"),
    ] {
        let yaml = rendered("connectum-gateway", env);
        assert!(!yaml.contains("type: LoadBalancer"), "{env}: no NLB");
        let gw = doc(&yaml, "Gateway", "connectum");
        assert_eq!(gw["spec"]["gatewayClassName"].as_str(), Some("eg"));
        assert_eq!(
            gw["metadata"]["annotations"]["cert-manager.io/cluster-issuer"].as_str(),
            Some("letsencrypt-prod")
        );
        let https = &gw["spec"]["listeners"][1];
        assert_eq!(https["protocol"].as_str(), Some("HTTPS"));
        assert_eq!(https["hostname"].as_str(), Some(host));
        assert_eq!(
            https["tls"]["certificateRefs"][0]["name"].as_str(),
            Some("connectum-https-tls")
        );
        let route = doc(&yaml, "GRPCRoute", "order-service");
        assert_eq!(
            route["spec"]["parentRefs"][0]["sectionName"].as_str(),
            Some("https")
        );
        let rule = &route["spec"]["rules"][0];
        assert_eq!(
            rule["matches"][0]["method"]["service"].as_str(),
            Some("mycompany.orders.v1.OrderService")
        );
        assert_eq!(rule["backendRefs"][0]["port"].as_u64(), Some(5000));
        let svc = doc(&yaml, "Service", "order-service");
        assert_eq!(
            svc["spec"]["ports"][0]["appProtocol"].as_str(),
            Some("grpc")
        );
    }
    assert!(
        !rendered("connectum-gateway", "observability").contains("kind: Gateway"),
        "observability runs none of the services and has no Gateway"
    );
}
