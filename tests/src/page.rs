//! A WebDriver session on the app, with waits instead of sleeps. Shared by the
//! browser tests.

use crate::{app_url, chrome_capabilities, fresh_profile, start_driver, Driver};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use std::time::{Duration, Instant};

/// One browser session on the app.
pub struct Page {
    /// The WebDriver session.
    pub client: Client,
    _driver: Driver,
}

/// How long any wait may take.
pub const PATIENCE: Duration = Duration::from_secs(30);

impl Page {
    /// A fresh browser profile on the app.
    pub async fn open(tag: &str) -> Page {
        Self::open_at(tag, app_url()).await
    }

    /// A fresh browser profile on `url`.
    pub async fn open_at(tag: &str, url: &str) -> Page {
        Self::open_with(url, chrome_capabilities(&fresh_profile(tag))).await
    }

    /// A browser with these capabilities on `url`.
    pub async fn open_with(url: &str, caps: serde_json::Map<String, serde_json::Value>) -> Page {
        let driver = start_driver();
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&driver.url)
            .await
            .expect("a WebDriver session");
        client.goto(url).await.expect("the page loads");
        Page {
            client,
            _driver: driver,
        }
    }

    /// The CSS selector of a `data-testid`.
    pub fn css(testid: &str) -> String {
        format!("[data-testid=\"{testid}\"]")
    }

    /// The element with this `data-testid`, waiting for it to appear.
    pub async fn find(&self, testid: &str) -> fantoccini::elements::Element {
        let css = Self::css(testid);
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(&css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    /// The visible text of an element.
    pub async fn text(&self, testid: &str) -> String {
        self.find(testid).await.text().await.expect("element text")
    }

    /// Wait until `probe` answers; return its answer.
    pub async fn wait_until(
        &self,
        what: &str,
        probe: impl AsyncFn(&Page) -> Option<String>,
    ) -> String {
        let start = Instant::now();
        loop {
            if let Some(v) = probe(self).await {
                return v;
            }
            if start.elapsed() > PATIENCE {
                panic!("gave up waiting for {what}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Wait until the element's text satisfies `ok`; return it.
    pub async fn wait_text(&self, testid: &str, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let t = self.text(testid).await;
            if ok(&t) {
                return t;
            }
            if start.elapsed() > PATIENCE {
                panic!(
                    "{testid} never showed {what}; it shows:\n{}",
                    &t[..t.len().min(3000)]
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Whether an element with this `data-testid` is on the page now.
    pub async fn present(&self, testid: &str) -> bool {
        !self
            .client
            .find_all(Locator::Css(&Self::css(testid)))
            .await
            .expect("query")
            .is_empty()
    }

    /// Wait until no element has this `data-testid`.
    pub async fn wait_gone(&self, testid: &str) {
        self.wait_until(&format!("{testid} to disappear"), async |p| {
            (!p.present(testid).await).then(String::new)
        })
        .await;
    }

    /// Click the finding with this code where a user does, on its message (not its Fix),
    /// which shows and focuses its field.
    pub async fn click_finding(&self, code: &str) {
        self.find(&format!("finding-{code}"))
            .await
            .find(Locator::Css(".finding-main"))
            .await
            .unwrap_or_else(|e| panic!("finding {code} has no message button: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("click finding {code}: {e}"));
    }

    /// Click an element.
    pub async fn click(&self, testid: &str) {
        self.find(testid)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {testid}: {e}"));
    }

    /// Click the canvas node of service `name` as a user does with a mouse: when it is
    /// not wholly inside the canvas, first drag the canvas's background to pan it into
    /// view (in steps that keep the pointer on the canvas), then click it.
    pub async fn click_node(&self, name: &str) {
        use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
        let testid = format!("node-{name}");
        self.find(&testid).await;
        for step in 0.. {
            let plan = self
                .client
                .execute(PAN_PLAN, vec![serde_json::json!(testid)])
                .await
                .unwrap_or_else(|e| panic!("plan a pan to {testid}: {e}"));
            if plan["inside"] == serde_json::Value::Bool(true) {
                break;
            }
            assert!(step < 12, "{testid} does not come into view: {plan}");
            let at = |k: &str| {
                plan[k]
                    .as_f64()
                    .unwrap_or_else(|| panic!("no background to drag: {plan}"))
            };
            let drag = MouseActions::new(format!("pan-{step}"))
                .then(PointerAction::MoveTo {
                    duration: None,
                    x: at("x").round(),
                    y: at("y").round(),
                })
                .then(PointerAction::Down {
                    button: MOUSE_BUTTON_LEFT,
                })
                .then(PointerAction::MoveBy {
                    duration: Some(Duration::from_millis(100)),
                    x: at("dx").round(),
                    y: at("dy").round(),
                })
                .then(PointerAction::Up {
                    button: MOUSE_BUTTON_LEFT,
                });
            self.client
                .perform_actions(drag)
                .await
                .expect("drag the canvas");
            self.client.release_actions().await.expect("release");
        }
        self.click(&testid).await;
    }

    /// Scroll the element with id `id` to the middle of its scrolling box, so that a
    /// click lands on it and not on a sticky header above it.
    pub async fn scroll_into_view(&self, id: &str) {
        self.client
            .execute(
                "document.getElementById(arguments[0]).scrollIntoView({block: 'center'})",
                vec![serde_json::json!(id)],
            )
            .await
            .expect("scroll into view");
    }

    /// Click the element with this `data-testid` after scrolling it to the middle of its
    /// scrolling box, clear of a sticky header that would take the click.
    pub async fn click_centered(&self, testid: &str) {
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
                vec![serde_json::json!(Self::css(testid))],
            )
            .await
            .expect("scroll into view");
        self.click(testid).await;
    }

    /// The `data-testid` of the element that has keyboard focus, or "".
    pub async fn focused(&self) -> String {
        self.client
            .execute(
                "return document.activeElement && document.activeElement.getAttribute('data-testid') || ''",
                vec![],
            )
            .await
            .expect("the focused element")
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Choose an option of a select by its value.
    pub async fn select(&self, testid: &str, value: &str) {
        self.find(testid)
            .await
            .select_by_value(value)
            .await
            .expect("select");
    }

    /// Replace an input's text the way a user does: select all, type.
    pub async fn type_into(&self, testid: &str, text: &str) {
        let el = self.find(testid).await;
        el.click().await.expect("focus the input");
        let select_all = format!("{}a{}", char::from(Key::Control), char::from(Key::Null));
        el.send_keys(&select_all).await.expect("select all");
        el.send_keys(text).await.expect("type");
    }

    /// Attribute `name` of the element with `testid`; empty when it has none.
    pub async fn attr(&self, testid: &str, name: &str) -> String {
        self.find(testid)
            .await
            .attr(name)
            .await
            .expect("attribute")
            .unwrap_or_default()
    }

    /// An input's current value.
    pub async fn value(&self, testid: &str) -> String {
        self.find(testid)
            .await
            .prop("value")
            .await
            .expect("value")
            .unwrap_or_default()
    }

    /// Press `key` (with `shift` held) on whatever has the focus, as a keyboard does
    /// (element key presses would first move the focus, and on a file input choose a
    /// file).
    pub async fn press(&self, key: char, shift: bool) {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let shift_key = char::from(fantoccini::key::Key::Shift);
        let mut keys = KeyActions::new("keyboard".into());
        if shift {
            keys = keys.then(KeyAction::Down { value: shift_key });
        }
        keys = keys
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key });
        if shift {
            keys = keys.then(KeyAction::Up { value: shift_key });
        }
        self.client.perform_actions(keys).await.expect("keys");
    }

    /// Press keys on the page, outside any field.
    pub async fn chord(&self, keys: &str) {
        let body = self.client.find(Locator::Css("body")).await.expect("body");
        body.send_keys(keys).await.expect("keys");
    }

    /// Drop `files` (name and text each) on the element `selector` finds, with the
    /// DataTransfer a drop from the desktop carries.
    pub async fn drop_files(&self, selector: &str, files: &[(&str, &str)]) {
        let script = r#"
            const [selector, files] = arguments;
            const dt = new DataTransfer();
            for (const [name, text] of files) dt.items.add(new File([text], name));
            document.querySelector(selector).dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        "#;
        let args = vec![selector.into(), serde_json::json!(files)];
        self.client.execute(script, args).await.expect("the drop");
    }

    /// Choose `files` (name and text each) in the file input `testid`, as its picker does.
    pub async fn choose_files(&self, testid: &str, files: &[(&str, &str)]) {
        let script = r#"
            const [selector, files] = arguments;
            const input = document.querySelector(selector);
            const dt = new DataTransfer();
            for (const [name, text] of files) dt.items.add(new File([text], name));
            input.files = dt.files;
            input.dispatchEvent(new Event('change', { bubbles: true }));
        "#;
        let args = vec![Page::css(testid).into(), serde_json::json!(files)];
        self.client
            .execute(script, args)
            .await
            .expect("the files chosen");
    }

    /// The YAML panel's text.
    pub async fn yaml(&self) -> String {
        self.text("yaml").await
    }

    /// End the session.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// Where the node `arguments[0]` (a `data-testid`) is: `{inside: true}` when its box is
/// wholly inside the canvas, else a point of the canvas's empty background `{x, y}` and
/// a move `{dx, dy}` that brings the node towards the canvas's middle while the pointer
/// stays on the canvas (half the move, or a quarter, where the whole one does not fit).
const PAN_PLAN: &str = r#"
const node = document.querySelector(`[data-testid="${arguments[0]}"] .node-box`).getBoundingClientRect();
const c = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
if (node.left >= c.left && node.right <= c.right && node.top >= c.top && node.bottom <= c.bottom) {
  return { inside: true };
}
const limit = (v, m) => Math.max(-m, Math.min(m, v));
const want = [
  limit(c.left + c.width / 2 - (node.left + node.width / 2), c.width - 16),
  limit(c.top + c.height / 2 - (node.top + node.height / 2), c.height - 16),
];
for (const part of [1, 0.5, 0.25]) {
  const [dx, dy] = [want[0] * part, want[1] * part];
  for (let gy = 6; gy < c.height - 6; gy += 8) {
    for (let gx = 6; gx < c.width - 6; gx += 8) {
      const [x, y] = [c.left + gx, c.top + gy];
      if (x + dx < c.left + 4 || x + dx > c.right - 4 || y + dy < c.top + 4 || y + dy > c.bottom - 4) continue;
      const under = document.elementFromPoint(x, y);
      if (under && under.getAttribute('data-testid') === 'canvas') return { inside: false, x, y, dx, dy };
    }
  }
}
return { inside: false };
"#;

/// Resize the browser window so that the page's viewport is `width` x `height` CSS
/// pixels (the window's frame, if any, is measured and added).
pub async fn set_viewport(client: &Client, width: u32, height: u32) {
    client
        .set_window_size(width, height)
        .await
        .expect("window size");
    let inner = client
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .expect("viewport size");
    let got = |i: usize| inner[i].as_u64().unwrap_or(0) as u32;
    let (w, h) = (got(0), got(1));
    if (w, h) != (width, height) {
        client
            .set_window_size(
                width + width.saturating_sub(w),
                height + height.saturating_sub(h),
            )
            .await
            .expect("window size");
    }
}

impl Page {
    /// Resize the viewport to `width` x `height` CSS pixels.
    pub async fn viewport(&self, width: u32, height: u32) {
        set_viewport(&self.client, width, height).await;
    }
}
