//! The designer in a real headless Chromium, driven through chromedriver: what a user
//! sees after loading the page and clicking.

use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use kubeprint_tests::{app_url, chrome_capabilities, fresh_profile, start_driver, Driver};
use std::time::{Duration, Instant};

/// One browser session on the app.
struct Page {
    client: Client,
    _driver: Driver,
}

const PATIENCE: Duration = Duration::from_secs(30);

impl Page {
    async fn open(tag: &str) -> Page {
        let url = app_url();
        let driver = start_driver();
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(chrome_capabilities(&fresh_profile(tag)))
            .connect(&driver.url)
            .await
            .expect("a WebDriver session");
        client.goto(url).await.expect("the page loads");
        Page {
            client,
            _driver: driver,
        }
    }

    fn css(testid: &str) -> String {
        format!("[data-testid=\"{testid}\"]")
    }

    async fn find(&self, testid: &str) -> fantoccini::elements::Element {
        let css = Self::css(testid);
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    async fn text(&self, testid: &str) -> String {
        self.find(testid).await.text().await.expect("element text")
    }

    /// Wait until the element's text satisfies `ok`; return it.
    async fn wait_text(&self, testid: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let t = self.text(testid).await;
            if ok(&t) {
                return t;
            }
            if start.elapsed() > PATIENCE {
                panic!(
                    "{testid} never showed {what}; it shows:\n{}",
                    &t[..t.len().min(2000)]
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn click(&self, testid: &str) {
        self.find(testid).await.click().await.expect("click");
    }

    async fn select(&self, testid: &str, value: &str) {
        self.find(testid)
            .await
            .select_by_value(value)
            .await
            .expect("select");
    }

    async fn close(self) {
        let _ = self.client.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_opens_on_the_connectum_example_and_shows_its_yaml() {
    let page = Page::open("load").await;
    let yaml = page
        .wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    assert!(yaml.contains("name: order-service"));
    assert!(
        yaml.contains("namespace: connectum\n"),
        "prod is selected first"
    );
    assert!(yaml.contains("seconds: 5"), "the preStop sleep is rendered");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn picking_a_template_and_an_environment_changes_the_yaml() {
    let page = Page::open("switch").await;
    page.wait_text("yaml", "YAML", |t| t.contains("kind: Deployment"))
        .await;
    page.select("template-picker", "miniredis").await;
    let yaml = page
        .wait_text("yaml", "the miniredis prod namespace", |t| {
            t.contains("namespace: miniredis-prod")
        })
        .await;
    assert!(yaml.contains("kind: StatefulSet"));
    assert!(yaml.contains("name: default-deny-all"));
    page.click("env-staging").await;
    page.wait_text("yaml", "the staging namespace", |t| {
        t.contains("namespace: miniredis-staging") && !t.contains("namespace: miniredis-prod")
    })
    .await;
    page.close().await;
}
