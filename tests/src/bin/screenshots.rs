//! `cargo run -p kubeprint-tests --bin screenshots`: drive the designer through its main
//! states in headless Chromium and save PNGs under docs/ for the README.

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use kubeprint_tests::page::set_viewport;
use kubeprint_tests::{app_url, chrome_capabilities, fresh_profile, root, start_driver};
use std::time::Duration;

async fn click(c: &Client, testid: &str) {
    let css = format!("[data-testid=\"{testid}\"]");
    let el = c
        .wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::Css(&css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    el.click().await.expect("click");
}

/// Press keys one after the other on the focused element.
async fn keys(c: &Client, keys: &[impl Copy + Into<char>]) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let mut actions = KeyActions::new("keyboard".into());
    for k in keys {
        let value: char = (*k).into();
        actions = actions
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
    }
    c.perform_actions(actions).await.expect("keys");
}

async fn shot(c: &Client, name: &str) {
    tokio::time::sleep(Duration::from_millis(400)).await;
    let png = c.screenshot().await.expect("screenshot");
    let path = root().join("docs").join(name);
    std::fs::write(&path, png).expect("write the screenshot");
    println!("wrote {}", path.display());
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let url = app_url();
    let driver = start_driver();
    let c = ClientBuilder::new(HttpConnector::new())
        .capabilities(chrome_capabilities(&fresh_profile("screenshots")))
        .connect(&driver.url)
        .await
        .expect("a WebDriver session");
    set_viewport(&c, 1280, 800).await;
    c.goto(url).await.expect("load");
    c.wait()
        .for_element(Locator::Css("[data-testid=\"node-order-service\"]"))
        .await
        .expect("the app mounts");
    shot(&c, "screenshot.png").await;
    // The first visit's welcome line is in the first picture only.
    click(&c, "welcome-dismiss").await;

    // The grace period error, on the timeline and in the findings.
    let grace = "[data-testid=\"services/s1/timing/grace_period_seconds\"]";
    let input = c.find(Locator::Css(grace)).await.expect("grace input");
    input.click().await.expect("focus");
    let all = format!("{}a{}", char::from(Key::Control), char::from(Key::Null));
    input.send_keys(&all).await.expect("select");
    input.send_keys("30").await.expect("type");
    shot(&c, "grace-error.png").await;

    // A native sidecar whose shutdown comes after the app's: its card in the inspector,
    // its stop on the timeline past SIGKILL, and the grace-period finding.
    input.send_keys(&all).await.expect("select");
    input.send_keys("35").await.expect("type");
    click(&c, "services/s1/containers#add-sidecar").await;
    let shutdown = "[data-testid=\"services/s1/containers/0/shutdown_seconds\"]";
    let field = c
        .wait()
        .for_element(Locator::Css(shutdown))
        .await
        .expect("the sidecar's shutdown");
    field.click().await.expect("focus");
    field.send_keys(&all).await.expect("select");
    field.send_keys("10").await.expect("type");
    click(&c, "tab-timeline").await;
    c.execute(
        "const aside = document.querySelector('aside.inspector'); \
         const card = document.querySelector('[data-testid=\"container-0\"]'); \
         aside.scrollTop += card.getBoundingClientRect().top - aside.getBoundingClientRect().top - 48;",
        vec![],
    )
    .await
    .expect("scroll to the sidecar");
    shot(&c, "sidecar.png").await;

    click(&c, "open-gallery").await;
    shot(&c, "gallery.png").await;
    click(&c, "template-miniredis").await;
    click(&c, "tab-disruption").await;
    // The platform at a laptop's size, fitted: legible without zooming.
    set_viewport(&c, 1440, 900).await;
    click(&c, "fit").await;
    shot(&c, "miniredis.png").await;
    // The Diagram menu: the environment shown as SVG, PNG or Mermaid.
    click(&c, "open-diagram").await;
    shot(&c, "diagram-menu.png").await;
    click(&c, "open-diagram").await;
    // A backup CronJob: its schedule in words, its Job runs, the node's schedule.
    click(&c, "node-postgres-main-backup").await;
    c.execute(
        "const aside = document.querySelector('aside.inspector'); \
         const top = document.getElementById('section-schedule').getBoundingClientRect().top; \
         aside.scrollTop += top - aside.getBoundingClientRect().top - 56;",
        vec![],
    )
    .await
    .expect("scroll to the schedule");
    shot(&c, "cronjob.png").await;
    // A smaller screen: the findings and YAML column hidden and the timeline folded to
    // its tabs give the canvas its room.
    set_viewport(&c, 1280, 720).await;
    click(&c, "toggle-output").await;
    click(&c, "toggle-bottom").await;
    // From the keyboard: the focused node and a dependency being chosen.
    c.execute(
        "document.querySelector('.node[tabindex=\"0\"]').focus()",
        vec![],
    )
    .await
    .expect("focus the canvas");
    // From the entry point to monitoring-service, which is about to call backend.
    keys(&c, &[Key::Home, Key::Right, Key::Right, Key::Up, Key::Up]).await;
    keys(&c, &['e', char::from(Key::Down)]).await;
    shot(&c, "miniredis-1280x720.png").await;
    keys(&c, &[Key::Escape]).await;
    click(&c, "toggle-output").await;
    click(&c, "toggle-bottom").await;
    set_viewport(&c, 1280, 800).await;

    click(&c, "open-import").await;
    let text = c
        .find(Locator::Css("[data-testid=\"import-text\"]"))
        .await
        .expect("import box");
    let shop = std::fs::read_to_string(root().join("core/tests/manifests/shop-mixed.yaml"))
        .expect("manifest");
    text.send_keys(&shop).await.expect("paste");
    click(&c, "import-run").await;
    // The import runs in the page's worker: wait for its report.
    c.wait()
        .for_element(Locator::Css("[data-testid=\"import-summary\"]"))
        .await
        .expect("the import's summary");
    shot(&c, "import.png").await;
    click(&c, "import-open").await;

    let theme = c.find(Locator::Css("select.theme")).await.expect("theme");
    theme.select_by_value("dark").await.expect("dark");
    click(&c, "tab-timeline").await;
    shot(&c, "dark.png").await;

    // A known image: what it needs, offered in one click, and the rules that say where
    // the design contradicts it.
    theme.select_by_value("light").await.expect("light");
    click(&c, "open-gallery").await;
    click(&c, "template-connectum").await;
    let image = c
        .find(Locator::Css("[data-testid=\"services/s1/image\"]"))
        .await
        .expect("image input");
    image.click().await.expect("focus");
    image.send_keys(&all).await.expect("select");
    image.send_keys("postgres:16.4").await.expect("type");
    click(&c, "services/s1/tag").await;
    shot(&c, "known-image.png").await;

    // The Bundle dialog: Kustomize and Argo CD picked, and the zip's files.
    click(&c, "open-bundle").await;
    click(&c, "bundle-argocd").await;
    let repo = c
        .find(Locator::Css("[data-testid=\"design/gitops/repo_url\"]"))
        .await
        .expect("repository input");
    repo.click().await.expect("focus");
    repo.send_keys("https://github.com/acme/connectum.git")
        .await
        .expect("type");
    click(&c, "bundle-close").await;
    click(&c, "open-bundle").await;
    shot(&c, "bundle.png").await;
    click(&c, "bundle-close").await;
    // A canary in production: api-gateway's Delivery section (the steps, the analysis,
    // what the canary does in pods here) and its Rollout in the YAML.
    click(&c, "open-gallery").await;
    click(&c, "template-miniredis").await;
    click(&c, "node-api-gateway").await;
    c.execute(
        "const aside = document.querySelector('aside.inspector'); \
         const top = document.getElementById('section-delivery').getBoundingClientRect().top; \
         aside.scrollTop += top - aside.getBoundingClientRect().top - 48;",
        vec![],
    )
    .await
    .expect("scroll to the delivery section");
    let object = c
        .find(Locator::Css("[data-testid=\"yaml-object\"]"))
        .await
        .expect("the YAML's object list");
    object
        .select_by_value("Rollout/api-gateway")
        .await
        .expect("the Rollout");
    shot(&c, "canary.png").await;
    object.select_by_value("").await.expect("all objects");
    // Its environment's monitoring: the Prometheus Operator, by release label.
    click(&c, "open-environments").await;
    c.execute(
        "const aside = document.querySelector('aside.inspector'); \
         const top = document.querySelector('[data-testid=\"env-section-prod\"]').getBoundingClientRect().top; \
         aside.scrollTop += top - aside.getBoundingClientRect().top - 8;",
        vec![],
    )
    .await
    .expect("scroll to prod");
    shot(&c, "monitoring.png").await;
    // Gateway API: Connectum through Envoy Gateway. The route in the inspector with the
    // canvas's entry label, then prod's Gateway on the Environments page.
    click(&c, "open-gallery").await;
    click(&c, "template-connectum-gateway").await;
    click(&c, "node-order-service").await;
    c.execute(
        "const aside = document.querySelector('aside.inspector'); \
         const note = document.querySelector('[data-testid=\"route-kind\"]'); \
         aside.scrollTop += note.getBoundingClientRect().top - aside.getBoundingClientRect().top - 80;",
        vec![],
    )
    .await
    .expect("scroll to the route");
    shot(&c, "gateway-route.png").await;
    click(&c, "open-environments").await;
    c.execute(
        "const aside = document.querySelector('aside[aria-label=\"Environments\"]'); \
         const prod = document.querySelector('[data-testid=\"env-section-prod\"]'); \
         aside.scrollTop += prod.getBoundingClientRect().top - aside.getBoundingClientRect().top - 8;",
        vec![],
    )
    .await
    .expect("scroll to prod");
    shot(&c, "gateway-environment.png").await;
    canvas_at_scale(&c, url).await;
    let _ = c.close().await;
}

/// A thousand services: grouped by component with the minimap, every group collapsed,
/// and search listing its matches.
async fn canvas_at_scale(c: &Client, url: &str) {
    let design = kubeprint_core::templates::scaled(1000);
    let link = kubeprint_core::link::link(&format!("{url}/"), &design);
    c.goto(&link).await.expect("load the large design");
    c.wait()
        .at_most(Duration::from_secs(120))
        .for_element(Locator::Css("[data-testid=\"minimap\"]"))
        .await
        .expect("the large design opens");
    let group_by = c
        .find(Locator::Css("[data-testid=\"group-by\"]"))
        .await
        .expect("group-by");
    group_by
        .select_by_value("component")
        .await
        .expect("group by component");
    shot(c, "canvas-1000.png").await;
    click(c, "collapse-all").await;
    shot(c, "canvas-1000-collapsed.png").await;
    click(c, "collapse-all").await;
    let search = c
        .find(Locator::Css("[data-testid=\"canvas-search\"]"))
        .await
        .expect("search");
    search.click().await.expect("focus");
    search.send_keys("postgres-main-4").await.expect("type");
    shot(c, "canvas-1000-search.png").await;
}
