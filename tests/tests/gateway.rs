//! Gateway API routes in the browser: a user switches a service to a route through the
//! environment's Gateway and sees the GRPCRoute or HTTPRoute, the Gateway and the
//! findings about them change in the YAML and findings panels.

use fantoccini::key::Key;
use kubeprint_tests::page::Page;

/// Clear an input the way a user does: select all, Backspace.
async fn clear(page: &Page, testid: &str) {
    let el = page.find(testid).await;
    el.click().await.expect("focus the input");
    let keys = format!(
        "{}a{}{}",
        char::from(Key::Control),
        char::from(Key::Null),
        char::from(Key::Backspace)
    );
    el.send_keys(&keys).await.expect("clear");
}

/// The YAML document of `kind`, if the YAML has one.
fn document<'a>(yaml: &'a str, kind: &str) -> Option<&'a str> {
    yaml.split("\n---\n")
        .find(|doc| doc.contains(&format!("kind: {kind}\n")))
}

const ROUTE: &str = "services/s1/exposure/gateway_route";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_switched_to_a_gateway_route_gets_its_route_its_gateway_and_findings() {
    // Connectum's order-service, prod: its port says appProtocol grpc.
    let page = Page::open("gateway-route").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    assert_eq!(page.text("inspector-title").await, "order-service");
    assert!(!page.yaml().await.contains("kind: GRPCRoute"));

    // Route it through the Gateway: a GRPCRoute, and prod has no Gateway yet.
    page.click(&format!("{ROUTE}#on")).await;
    let yaml = page
        .wait_text("yaml", "the GRPCRoute", |t| t.contains("kind: GRPCRoute"))
        .await;
    let route = document(&yaml, "GRPCRoute").unwrap();
    assert!(
        route.contains("name: order-service") && route.contains("port: 5000"),
        "{route}"
    );
    assert!(page.text("route-kind").await.contains("GRPCRoute"));
    page.wait_text("findings", "the missing Gateway", |t| {
        t.contains("attaches to no Gateway")
    })
    .await;

    // Its fix adds prod's Gateway: the finding goes, the Gateway and its parentRef come.
    page.click("fix-KP344").await;
    let yaml = page
        .wait_text("yaml", "the Gateway", |t| t.contains("kind: Gateway\n"))
        .await;
    assert!(
        document(&yaml, "GRPCRoute")
            .unwrap()
            .contains("parentRefs:\n  - name: public"),
        "{yaml}"
    );
    page.wait_text("findings", "no missing Gateway", |t| {
        !t.contains("attaches to no Gateway")
    })
    .await;

    // A backend port the Service does not have: KP340 appears; the right one clears it.
    let port = format!("{ROUTE}/port");
    page.type_into(&port, "grpc-web").await;
    page.wait_text("findings", "the missing backend port", |t| {
        t.contains("sends to port grpc-web of Service order-service, which has no such port")
    })
    .await;
    assert!(page.present("finding-KP340").await);
    page.type_into(&port, "grpc").await;
    page.wait_text("findings", "the backend port found", |t| {
        !t.contains("which has no such port")
    })
    .await;

    // Without appProtocol grpc on its port the route is an HTTPRoute.
    clear(&page, "services/s1/exposure/ports/0/app_protocol").await;
    let yaml = page
        .wait_text("yaml", "the HTTPRoute", |t| t.contains("kind: HTTPRoute"))
        .await;
    assert!(!yaml.contains("kind: GRPCRoute"));
    assert!(page.text("route-kind").await.contains("HTTPRoute"));

    // Off again: no route in the YAML.
    page.click(&format!("{ROUTE}#on")).await;
    page.wait_text("yaml", "no route", |t| !t.contains("kind: HTTPRoute"))
        .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_environments_page_edits_the_gateway_its_routes_attach_to() {
    let page = Page::open("gateway-env").await;
    page.click("open-gallery").await;
    page.click("template-connectum-gateway").await;
    page.wait_text("yaml", "the Gateway", |t| {
        t.contains("kind: Gateway\n") && t.contains("hostname: api.connectum.example.com")
    })
    .await;
    // The Gateway moved into a namespace of its own admits only its own routes: KP346.
    page.click("open-environments").await;
    page.type_into("environments/prod/gateway/namespace", "edge")
        .await;
    page.wait_text("findings", "the route not admitted", |t| {
        t.contains("admits routes of its own namespace only")
    })
    .await;
    page.click("fix-KP346").await;
    let yaml = page
        .wait_text("yaml", "allowedRoutes for connectum", |t| {
            t.contains("from: Selector")
        })
        .await;
    assert!(yaml.contains("namespace: edge"), "{yaml}");
    page.wait_text("findings", "the route admitted", |t| {
        !t.contains("admits routes of its own namespace only")
    })
    .await;
    page.close().await;
}
