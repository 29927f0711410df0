//! Progressive delivery and monitoring in the page: switching a service to a canary
//! writes a Rollout (and, with an analysis, its AnalysisTemplate) instead of the
//! Deployment, the canary's findings come and go with what the inspector sets, and an
//! environment's monitoring choice writes Prometheus Operator objects; a canary routed
//! through its Gateway API route gets its stable and canary Services and the plugin.

use kubeprint_tests::page::Page;

/// Whether the YAML has an object of `kind` named `name`.
fn has(yaml: &str, kind: &str, name: &str) -> bool {
    yaml.split("\n---\n").any(|doc| {
        doc.contains(&format!("kind: {kind}\n")) && doc.contains(&format!("\n  name: {name}\n"))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_switched_to_canary_renders_a_rollout_and_its_analysis() {
    let page = Page::open("rollouts").await;
    page.wait_text("yaml", "the Deployment", |t| {
        has(t, "Deployment", "order-service")
    })
    .await;
    assert_eq!(page.text("inspector-title").await, "order-service");

    // Rolling update -> canary (the second option of the strategy select).
    page.select("services/s1/delivery/strategy", "1").await;
    let yaml = page
        .wait_text("yaml", "a Rollout instead of the Deployment", |t| {
            has(t, "Rollout", "order-service") && !has(t, "Deployment", "order-service")
        })
        .await;
    assert!(yaml.contains("apiVersion: argoproj.io/v1alpha1"));
    assert!(yaml.contains("setWeight: 20"), "the default steps");
    assert!(
        yaml.contains("kind: Rollout\n    name: order-service"),
        "the HPA scales the Rollout:\n{yaml}"
    );
    page.wait_text("delivery-note", "the canary in pods", |t| {
        t.contains("canary")
    })
    .await;
    // Without the deadline abort the canary is only marked Degraded: a finding, which
    // ticking the box removes.
    page.wait_until("KP232 appears", async |p| {
        p.present("finding-KP232").await.then(String::new)
    })
    .await;
    page.click("services/s1/delivery/progress_deadline_abort")
        .await;
    page.wait_gone("finding-KP232").await;

    // An analysis: its AnalysisTemplate appears, and with no metrics endpoint to read
    // the 5xx share from, so does KP350; adding the endpoint removes it.
    page.click("services/s1/delivery/analysis#on").await;
    let yaml = page
        .wait_text("yaml", "the AnalysisTemplate", |t| {
            has(t, "AnalysisTemplate", "order-service-analysis")
        })
        .await;
    assert!(yaml.contains("templateName: order-service-analysis"));
    assert!(yaml.contains("kube_pod_status_ready"));
    page.wait_until("KP350 appears", async |p| {
        p.present("finding-KP350").await.then(String::new)
    })
    .await;
    page.click("services/s1/metrics#on").await;
    page.wait_gone("finding-KP350").await;

    // Back to the rolling update: the Deployment returns, the canary's objects go.
    page.select("services/s1/delivery/strategy", "0").await;
    page.wait_text("yaml", "the Deployment again", |t| {
        has(t, "Deployment", "order-service")
            && !has(t, "Rollout", "order-service")
            && !has(t, "AnalysisTemplate", "order-service-analysis")
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environment_with_the_prometheus_operator_gets_monitors_and_alert_rules() {
    let page = Page::open("monitoring").await;
    page.wait_text("yaml", "the Deployment", |t| {
        has(t, "Deployment", "order-service")
    })
    .await;
    page.click("services/s1/metrics#on").await;
    page.wait_text("yaml", "scrape annotations", |t| {
        t.contains("prometheus.io/scrape")
    })
    .await;
    page.click("open-environments").await;
    page.select("environments/prod/monitoring/scraping", "1")
        .await;
    let yaml = page
        .wait_text("yaml", "a ServiceMonitor and a PrometheusRule", |t| {
            has(t, "PrometheusRule", "order-service")
                && (has(t, "ServiceMonitor", "order-service")
                    || has(t, "PodMonitor", "order-service"))
        })
        .await;
    assert!(!yaml.contains("prometheus.io/scrape"), "no double scraping");
    assert!(yaml.contains("kube_deployment_status_replicas_available"));
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_routed_services_canary_switched_to_its_route_gets_stable_and_canary_services() {
    // Connectum's order-service in prod, as a canary with the default steps behind a
    // GRPCRoute through prod's Gateway (added by the route's own fix).
    let page = Page::open("canary-route").await;
    page.wait_text("yaml", "the Deployment", |t| {
        has(t, "Deployment", "order-service")
    })
    .await;
    page.click("services/s1/exposure/gateway_route#on").await;
    page.wait_until("KP344 appears", async |p| {
        p.present("fix-KP344").await.then(String::new)
    })
    .await;
    page.click("fix-KP344").await;
    page.select("services/s1/delivery/strategy", "1").await;
    page.wait_text("yaml", "the Rollout and its GRPCRoute", |t| {
        has(t, "Rollout", "order-service") && has(t, "GRPCRoute", "order-service")
    })
    .await;
    // Replica weights: 20% of two pods cannot be had, KP231 says so; no Service pair.
    page.wait_until("KP231 appears", async |p| {
        p.present("finding-KP231").await.then(String::new)
    })
    .await;
    assert!(!has(&page.yaml().await, "Service", "order-service-stable"));
    assert!(page
        .text("traffic-note")
        .await
        .contains("share of the pods"));

    // Through the route: the stable and canary Services, the plugin in the Rollout, the
    // route's backends weighted 100/0; the weights are exact, so KP231 goes.
    page.select("services/s1/delivery/traffic", "1").await;
    let yaml = page
        .wait_text("yaml", "the stable and canary Services", |t| {
            has(t, "Service", "order-service-stable") && has(t, "Service", "order-service-canary")
        })
        .await;
    assert!(yaml.contains("argoproj-labs/gatewayAPI:"), "{yaml}");
    assert!(yaml.contains("grpcRoute: order-service"), "{yaml}");
    assert!(
        yaml.contains("canaryService: order-service-canary"),
        "{yaml}"
    );
    assert!(
        yaml.contains("stableService: order-service-stable"),
        "{yaml}"
    );
    page.wait_gone("finding-KP231").await;
    page.wait_text("traffic-note", "what the plugin does", |t| {
        t.contains("order-service-stable") && t.contains("argo-rollouts-config")
    })
    .await;
    page.wait_text("delivery-note", "weights of requests", |t| {
        t.contains("% of requests")
    })
    .await;
    page.close().await;
}
