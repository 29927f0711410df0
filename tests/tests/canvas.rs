//! The canvas in a real browser: reached and used from the keyboard alone, legible at
//! the size of a laptop screen, every node in reach on a small one, and new services
//! placed where they cover nothing.

use fantoccini::key::Key;
use kubeprint_tests::page::Page;
use serde_json::Value;

/// Run a script on the page and return its value.
async fn js(page: &Page, script: &str) -> Value {
    page.client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
}

/// Press `key` and wait until the focus is on `testid`.
async fn press_to(page: &Page, key: char, testid: &str) {
    page.press(key, false).await;
    page.wait_until(&format!("focus on {testid}"), async |p| {
        (p.focused().await == testid).then(String::new)
    })
    .await;
}

/// Open a template from the gallery and wait for its canvas.
async fn open_template(page: &Page, template: &str, first_node: &str) {
    page.click("open-gallery").await;
    page.click(&format!("template-{template}")).await;
    page.find(&format!("node-{first_node}")).await;
}

/// The saved position of service `name` in the autosaved design.
async fn saved_position(page: &Page, name: &str) -> Value {
    let script = format!(
        "for (let i = 0; i < localStorage.length; i++) {{
           const k = localStorage.key(i);
           if (!k.startsWith('kubeprint.v1.design.')) continue;
           const d = JSON.parse(localStorage.getItem(k));
           const s = (d.services || []).find(s => s.name === '{name}');
           if (s && d.name === 'miniredis') return s.position || null;
         }}
         return null;"
    );
    js(page, &script).await
}

/// Every node's box on screen, the canvas's box, and the problems of legibility found:
/// text smaller than 11 px on screen, text wider than its node, and edge labels that
/// overlap each other or a node.
const MEASURE: &str = r#"
const canvas = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
const problems = [];
const nodes = [...document.querySelectorAll('.node')].map(n => {
  const box = n.querySelector('.node-box');
  const r = box.getBoundingClientRect();
  const name = n.getAttribute('data-testid');
  for (const t of n.querySelectorAll('text')) {
    const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
    if (px < 10.95) problems.push(`${name}: "${t.textContent}" is ${px.toFixed(1)} px`);
    if (t.closest('.entry')) continue;
    const tr = t.getBoundingClientRect();
    if (tr.right > r.right - 2 || tr.left < r.left) problems.push(`${name}: "${t.textContent}" does not fit its node`);
  }
  return { name, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
});
const labels = [...document.querySelectorAll('.edge-label')]
  .filter(t => getComputedStyle(t).display !== 'none')
  .map(t => {
    const px = parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a;
    if (px < 10.95) problems.push(`edge label "${t.textContent}" is ${px.toFixed(1)} px`);
    const r = t.getBoundingClientRect();
    return { text: t.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  });
const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
labels.forEach((a, i) => {
  labels.slice(i + 1).forEach(b => { if (meet(a, b)) problems.push(`labels "${a.text}" and "${b.text}" overlap`); });
  nodes.forEach(n => { if (meet(a, n)) problems.push(`label "${a.text}" covers ${n.name}`); });
});
return { canvas: { left: canvas.left, top: canvas.top, right: canvas.right, bottom: canvas.bottom }, nodes, labels: labels.length, problems };
"#;

fn num(v: &Value, key: &str) -> f64 {
    v[key].as_f64().unwrap_or(f64::NAN)
}

/// The names of nodes that are not wholly inside the canvas.
/// Whether the node `testid`'s box is (partly) under the minimap floating over the canvas.
async fn under_minimap(page: &Page, testid: &str) -> bool {
    let script = format!(
        "const m = document.querySelector('[data-testid=\"minimap\"]');
         const n = document.querySelector('[data-testid=\"{testid}\"] .node-box');
         if (!m || !n) return false;
         const a = m.getBoundingClientRect(), b = n.getBoundingClientRect();
         return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;"
    );
    js(page, &script).await == Value::Bool(true)
}

fn outside(measure: &Value) -> Vec<String> {
    let c = &measure["canvas"];
    measure["nodes"]
        .as_array()
        .expect("nodes")
        .iter()
        .filter(|n| {
            num(n, "left") < num(c, "left")
                || num(n, "top") < num(c, "top")
                || num(n, "right") > num(c, "right")
                || num(n, "bottom") > num(c, "bottom")
        })
        .map(|n| n["name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_canvas_works_from_the_keyboard_alone() {
    let page = Page::open("canvas-keys").await;
    open_template(&page, "miniredis", "frontend").await;

    // One Tab stop leads into the canvas, on the selected service.
    let mut tabs = 0;
    while !page.focused().await.starts_with("node-") {
        page.press(char::from(Key::Tab), false).await;
        tabs += 1;
        assert!(tabs < 80, "80 Tab presses never reached a node");
    }
    assert_eq!(page.focused().await, "node-frontend");
    let described = js(
        &page,
        "const id = document.activeElement.closest('[aria-describedby]').getAttribute('aria-describedby'); return document.getElementById(id).textContent",
    )
    .await;
    assert!(
        described
            .as_str()
            .unwrap()
            .contains("Shift with an arrow key moves"),
        "{described}"
    );
    let ring = js(
        &page,
        "return getComputedStyle(document.activeElement.querySelector('.focus-ring')).stroke",
    )
    .await;
    assert_ne!(ring.as_str(), Some("none"), "the focus is visible");
    let name = js(
        &page,
        "return document.activeElement.getAttribute('aria-label')",
    )
    .await;
    assert_eq!(
        name.as_str(),
        Some("frontend, Deployment, 2 replicas, 2 warnings, public through Ingress miniredis.example.com")
    );

    // Arrows go from service to service; Enter opens one in the inspector. Right of the
    // gateway, in the middle of its callees' layer, is a backup job beside its database.
    press_to(&page, char::from(Key::Right), "node-api-gateway").await;
    press_to(&page, char::from(Key::Right), "node-postgres-main-backup").await;
    press_to(&page, char::from(Key::Up), "node-backend").await;
    press_to(&page, char::from(Key::Up), "node-monitoring-service").await;
    assert_eq!(
        page.text("inspector-title").await,
        "frontend",
        "arrows do not select"
    );
    page.press(char::from(Key::Enter), false).await;
    page.wait_text("inspector-title", "monitoring-service", |t| {
        t == "monitoring-service"
    })
    .await;
    assert_eq!(page.focused().await, "node-monitoring-service");

    // Shift+arrows move it by a grid step: the design holds the new position.
    let before = page
        .find("node-monitoring-service")
        .await
        .attr("transform")
        .await
        .unwrap()
        .unwrap();
    page.press(char::from(Key::Down), true).await;
    page.press(char::from(Key::Down), true).await;
    let y = |t: &str| -> i64 {
        t.trim_end_matches(')')
            .rsplit(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let moved = page
        .wait_until("the node to move two steps down", async |p| {
            let t = p
                .find("node-monitoring-service")
                .await
                .attr("transform")
                .await
                .ok()??;
            (y(&t) == y(&before) + 40).then_some(t)
        })
        .await;
    let saved = page
        .wait_until("the moved position in the saved design", async |p| {
            let pos = saved_position(p, "monitoring-service").await;
            (pos["y"].as_i64() == Some(y(&moved))).then(|| pos.to_string())
        })
        .await;
    assert!(saved.contains("\"x\""), "{saved}");
    assert_eq!(page.focused().await, "node-monitoring-service");
    // Undone and redone, the move is named as such.
    let node = page.find("node-monitoring-service").await;
    let chord = |keys: &[Key], key: &str| {
        let mut text: String = keys.iter().map(|k| char::from(*k)).collect();
        text.push_str(key);
        text.push(char::from(Key::Null));
        text
    };
    node.send_keys(&chord(&[Key::Control], "z"))
        .await
        .expect("undo");
    page.wait_text("notice", "the move undone", |t| {
        t == "Undone in monitoring-service: its place on the canvas"
    })
    .await;
    node.send_keys(&chord(&[Key::Control, Key::Shift], "z"))
        .await
        .expect("redo");
    page.wait_text("notice", "the move redone", |t| {
        t == "Redone in monitoring-service: its place on the canvas"
    })
    .await;
    page.wait_until("the node back where it was moved", async |p| {
        let t = p
            .find("node-monitoring-service")
            .await
            .attr("transform")
            .await
            .ok()??;
        (t == moved).then_some(t)
    })
    .await;

    // E, then an arrow to the callee and Enter: a new dependency, in the NetworkPolicy.
    page.press('e', false).await;
    page.wait_text("canvas-status", "the connect prompt", |t| {
        t.contains("choose the service it calls")
    })
    .await;
    press_to(&page, char::from(Key::Right), "node-node-manager").await;
    press_to(&page, char::from(Key::Down), "node-postgres-main").await;
    page.find("link-preview").await;
    page.press(char::from(Key::Enter), false).await;
    page.wait_text("yaml", "the new egress rule", |t| {
        t.split("name: monitoring-service-allow")
            .nth(1)
            .is_some_and(|p| {
                p.split("---")
                    .next()
                    .unwrap()
                    .contains("app.kubernetes.io/name: postgres-main\n")
            })
    })
    .await;
    page.wait_text("edges", "the dependency in the inspector", |t| {
        t.contains("calls postgres-main")
    })
    .await;
    assert_eq!(page.focused().await, "node-monitoring-service");

    // Escape leaves connecting without adding anything.
    page.press('e', false).await;
    press_to(&page, char::from(Key::Right), "node-node-manager").await;
    page.press(char::from(Key::Escape), false).await;
    page.wait_until("the focus back on the caller", async |p| {
        (p.focused().await == "node-monitoring-service").then(String::new)
    })
    .await;
    let edges = page.text("edges").await;
    assert_eq!(
        edges.matches("calls").count(),
        2,
        "node-manager and postgres-main: {edges}"
    );

    // Delete removes the focused service; the focus stays in the canvas.
    page.press(char::from(Key::Delete), false).await;
    page.wait_gone("node-monitoring-service").await;
    page.wait_text("yaml", "the service to go", |t| {
        !t.contains("name: monitoring-service\n")
    })
    .await;
    let now = page.focused().await;
    assert!(now.starts_with("node-"), "focus left the canvas: {now:?}");
    let announced = async |p: &Page| {
        let said = js(
            p,
            "return document.querySelector('[data-testid=\"canvas-announce\"]').textContent",
        )
        .await;
        said.as_str().unwrap_or_default().to_string()
    };
    assert_eq!(announced(&page).await, "monitoring-service removed");
    // Undone, the service is said to be back (not a field of it), selected, has the
    // keyboard again, and the removal is no longer announced.
    let undo = format!("{}z{}", char::from(Key::Control), char::from(Key::Null));
    page.find(&now).await.send_keys(&undo).await.expect("undo");
    page.wait_text("notice", "the service back", |t| {
        t == "Undone: monitoring-service back"
    })
    .await;
    page.wait_until("the announcement cleared", async |p| {
        announced(p).await.is_empty().then(String::new)
    })
    .await;
    page.wait_until("the service selected", async |p| {
        let selected = js(p, "return document.querySelector('[data-testid=\"node-monitoring-service\"]')?.getAttribute('aria-selected')").await;
        (selected == "true").then(String::new)
    })
    .await;
    page.wait_until("the keyboard on the service back", async |p| {
        let f = p.focused().await;
        (f == "node-monitoring-service").then_some(f)
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn miniredis_at_1440x900_fits_legibly_after_fit_and_auto_layout() {
    let page = Page::open("canvas-legible").await;
    page.viewport(1440, 900).await;
    open_template(&page, "miniredis", "frontend").await;
    for button in ["fit", "auto-layout"] {
        page.click(button).await;
        let m = page
            .wait_until("the design fitted in view", async |p| {
                let m = js(p, MEASURE).await;
                outside(&m).is_empty().then(|| m.to_string())
            })
            .await;
        let m: Value = serde_json::from_str(&m).unwrap();
        // Eight serving services, two backup CronJobs and a restore test.
        assert_eq!(m["nodes"].as_array().unwrap().len(), 11);
        assert_eq!(m["labels"].as_u64(), Some(10), "every edge label is shown");
        assert_eq!(m["problems"], Value::Array(vec![]), "after {button}");
        assert_eq!(page.text("notice").await, "", "it fits: nothing to say");

        // Fit uses the room: the design spans most of one axis and is centred on both.
        let c = &m["canvas"];
        let nodes = m["nodes"].as_array().unwrap();
        let lo = |k: &str| {
            nodes
                .iter()
                .map(|n| num(n, k))
                .fold(f64::INFINITY, f64::min)
        };
        let hi = |k: &str| {
            nodes
                .iter()
                .map(|n| num(n, k))
                .fold(f64::NEG_INFINITY, f64::max)
        };
        let (w, h) = (
            num(c, "right") - num(c, "left"),
            num(c, "bottom") - num(c, "top"),
        );
        let span = ((hi("right") - lo("left")) / w).max((hi("bottom") - lo("top")) / h);
        assert!(
            span > 0.8,
            "the design fills {:.0} % of the canvas",
            span * 100.0
        );
        let (above, below) = (lo("top") - num(c, "top"), num(c, "bottom") - hi("bottom"));
        assert!(
            (above - below).abs() < 40.0,
            "{above} px above, {below} below"
        );
    }

    // The layout reads left to right: every edge's caller is left of its callee.
    let backwards = js(
        &page,
        r#"const box = id => document.querySelector(`.node[data-id="${id}"] .node-box`).getBoundingClientRect();
           return [...document.querySelectorAll('.edge')].map(e => e.getAttribute('data-testid').split('-'))
             .filter(([, a, b]) => box(a).right >= box(b).left).map(x => x.join('-'));"#,
    )
    .await;
    assert_eq!(backwards, Value::Array(vec![]));
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_1280x720_panels_resize_and_hide_so_every_node_is_in_reach() {
    let page = Page::open("canvas-small").await;
    page.viewport(1280, 720).await;
    open_template(&page, "miniredis", "frontend").await;

    // With both columns shown, the design does not fit at a legible size: Fit says so
    // and how to see it all, and the keyboard still brings every service into view.
    page.click("fit").await;
    let said = page
        .wait_text("notice", "Fit's notice", |t| t.contains("does not fit"))
        .await;
    assert!(
        said.contains("zooms out") && said.contains("side panels"),
        "{said}"
    );
    page.find("node-frontend").await;
    let names: Vec<String> = js(
        &page,
        "return [...document.querySelectorAll('.node')].map(n => n.getAttribute('data-testid'))",
    )
    .await
    .as_array()
    .unwrap()
    .iter()
    .map(|v| v.as_str().unwrap().to_string())
    .collect();
    let mut tabs = 0;
    while !page.focused().await.starts_with("node-") {
        page.press(char::from(Key::Tab), false).await;
        tabs += 1;
        assert!(tabs < 80, "80 Tab presses never reached a node");
    }
    // A walk over the layered layout that meets every service: the entry point and the
    // restore test below it, the gateway, up its callees' layer, down the databases',
    // and back to the last of the callees.
    let walk = [
        Key::Home,
        Key::Down,
        Key::Up,
        Key::Right,
        Key::Right,
        Key::Up,
        Key::Up,
        Key::Right,
        Key::Down,
        Key::Down,
        Key::Left,
        Key::Down,
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (i, key) in walk.into_iter().enumerate() {
        let before = page.focused().await;
        page.press(char::from(key), false).await;
        let here = page
            .wait_until("the focus to move", async |p| {
                let here = p.focused().await;
                (here != before || i == 0).then_some(here)
            })
            .await;
        assert!(
            !seen.contains(&here) || i == 2,
            "{key:?} went back to {here}"
        );
        let m = js(&page, MEASURE).await;
        assert!(
            !outside(&m).contains(&here),
            "{here} is focused but out of view"
        );
        assert!(
            !under_minimap(&page, &here).await,
            "{here} is focused but under the minimap"
        );
        seen.insert(here);
    }
    assert_eq!(seen.len(), names.len(), "the walk met {seen:?}");
    page.press(char::from(Key::End), false).await;
    let last = page
        .wait_until("End to focus a node in view", async |p| {
            let here = p.focused().await;
            let m = js(p, MEASURE).await;
            (here.starts_with("node-") && !outside(&m).contains(&here)).then_some(here)
        })
        .await;
    assert!(names.contains(&last));

    // Hiding the findings and YAML and folding the timeline to its tabs refits the
    // canvas: every node whole and legible.
    page.click("toggle-output").await;
    page.wait_gone("yaml").await;
    page.click("tab-disruption").await;
    page.find("disruption").await;
    page.click("toggle-bottom").await;
    page.wait_gone("disruption").await;
    let m = page
        .wait_until("every node in view", async |p| {
            let m = js(p, MEASURE).await;
            outside(&m).is_empty().then(|| m.to_string())
        })
        .await;
    let m: Value = serde_json::from_str(&m).unwrap();
    assert_eq!(m["problems"], Value::Array(vec![]));

    // The inspector's handle resizes it from the keyboard; both choices survive a reload.
    let width = async |p: &Page| {
        p.find("splitter-inspector")
            .await
            .attr("aria-valuenow")
            .await
            .unwrap()
            .unwrap()
            .parse::<i32>()
            .unwrap()
    };
    let wide = width(&page).await;
    js(
        &page,
        "document.querySelector('.node[tabindex=\"0\"]').focus()",
    )
    .await;
    let mut tabs = 0;
    while page.focused().await != "splitter-inspector" {
        page.press(char::from(Key::Tab), false).await;
        tabs += 1;
        assert!(
            tabs < 20,
            "the inspector's handle is not a Tab stop after the canvas"
        );
    }
    page.press(char::from(Key::Right), false).await;
    page.press(char::from(Key::Right), false).await;
    page.wait_until("a narrower inspector", async |p| {
        (width(p).await == wide - 40).then(String::new)
    })
    .await;
    let inspector = js(
        &page,
        "return document.querySelector('.inspector').getBoundingClientRect().width",
    )
    .await;
    assert_eq!(
        inspector.as_f64().map(f64::round),
        Some(f64::from(wide - 40))
    );
    page.client.refresh().await.unwrap();
    page.find("node-frontend").await;
    assert_eq!(width(&page).await, wide - 40);
    assert!(
        !page.present("yaml").await,
        "the hidden column stays hidden"
    );
    assert_eq!(
        page.find("toggle-bottom")
            .await
            .attr("aria-expanded")
            .await
            .unwrap()
            .as_deref(),
        Some("false"),
        "the folded panel stays folded"
    );
    page.click("toggle-output").await;
    page.find("yaml").await;
    page.click("tab-disruption").await;
    page.find("disruption").await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_services_cover_no_node_and_stay_apart_when_edges_change() {
    let page = Page::open("canvas-new").await;
    page.viewport(1440, 900).await;
    open_template(&page, "miniredis", "frontend").await;
    page.click_node("backend").await;
    // Numbered after the eleven services there are.
    for n in 12..=14 {
        page.click("add-service").await;
        page.find(&format!("node-service-{n}")).await;
    }
    // A new dependency changes the automatic layout; the placed nodes keep apart.
    page.type_into("add-edge", "back").await;
    page.click("calls-backend").await;
    page.find("edge-14-3").await;
    page.click("fit").await;
    let overlaps = js(
        &page,
        r#"const r = [...document.querySelectorAll('.node')].map(n => [n.getAttribute('data-testid'), n.querySelector('.node-box').getBoundingClientRect()]);
           const out = [];
           r.forEach(([a, x], i) => r.slice(i + 1).forEach(([b, y]) => {
             if (x.left < y.right && y.left < x.right && x.top < y.bottom && y.top < x.bottom) out.push(a + ' / ' + b);
           }));
           return out;"#,
    )
    .await;
    assert_eq!(overlaps, Value::Array(vec![]));
    assert_eq!(
        js(&page, "return document.querySelectorAll('.node').length").await,
        Value::from(14)
    );
    page.close().await;
}

/// Whether the node `testid` lies whole inside the canvas on screen.
async fn node_in_view(page: &Page, testid: &str) -> bool {
    let script = format!(
        "const n = document.querySelector('[data-testid=\"{testid}\"]').getBoundingClientRect();
         const c = document.querySelector('[data-testid=\"canvas\"]').getBoundingClientRect();
         return n.left >= c.left && n.right <= c.right && n.top >= c.top && n.bottom <= c.bottom;"
    );
    js(page, &script).await == Value::Bool(true)
}

/// Tab into the canvas when the node holding its Tab stop is out of view: the canvas
/// pans to show it, as the arrow keys do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tabbing_into_the_canvas_shows_the_node_it_lands_on() {
    let page = Page::open("tab-reveal").await;
    page.viewport(1440, 900).await;
    open_template(&page, "miniredis", "frontend").await;
    page.click("fit").await;
    // Zoomed in around the middle, the leftmost service (the first Tab stop) is out of
    // view.
    let zoom_in = "button[aria-label=\"Zoom in\"]";
    for _ in 0..4 {
        page.client
            .find(fantoccini::Locator::Css(zoom_in))
            .await
            .expect("the zoom button")
            .click()
            .await
            .expect("zoom in");
    }
    assert!(
        !node_in_view(&page, "node-frontend").await,
        "frontend is out of view"
    );
    // From the zoom button, Tab until the focus reaches a node.
    let mut landed = String::new();
    for _ in 0..12 {
        page.press(char::from(Key::Tab), false).await;
        let f = page.focused().await;
        if f.starts_with("node-") {
            landed = f;
            break;
        }
    }
    assert_eq!(landed, "node-frontend", "the Tab stop is the first node");
    page.wait_until("the focused node in view", async |p| {
        node_in_view(p, "node-frontend").await.then(String::new)
    })
    .await;
    page.close().await;
}

/// On a small laptop screen (1000 px wide) the side columns give way to their narrowest
/// rather than the last one running off the page: canvas, inspector and the findings
/// and YAML column all lie within the window, and the page does not scroll sideways.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_column_stays_on_a_small_screen() {
    let page = Page::open("narrow-columns").await;
    page.viewport(1000, 700).await;
    page.find("yaml").await;
    let m = js(
        &page,
        r#"const box = (sel) => { const r = document.querySelector(sel).getBoundingClientRect();
             return { left: r.left, right: r.right, width: r.width }; };
           return { view: window.innerWidth, scroll: document.scrollingElement.scrollWidth,
             canvas: box('.col-canvas'), inspector: box('.inspector'), output: box('.col-output'),
             yaml: box('[data-testid="yaml"]') };"#,
    )
    .await;
    let view = num(&m, "view");
    assert_eq!(view, 1000.0, "{m}");
    assert!(num(&m, "scroll") <= view, "the page scrolls sideways: {m}");
    for col in ["canvas", "inspector", "output", "yaml"] {
        let (left, right) = (num(&m[col], "left"), num(&m[col], "right"));
        assert!(
            left >= 0.0 && right <= view + 0.5,
            "{col} runs off the window: {m}"
        );
    }
    // The side columns shrank no further than their narrowest, 260 px.
    assert!(num(&m["inspector"], "width") >= 260.0 - 0.5, "{m}");
    assert!(num(&m["output"], "width") >= 260.0 - 0.5, "{m}");
    assert!(num(&m["canvas"], "width") >= 360.0 - 0.5, "{m}");
    // The canvas's toolbar wraps to a second row there; the grouping and search
    // controls float below it, not over it.
    let overlap = js(
        &page,
        r#"const t = document.querySelector('.canvas-tools').getBoundingClientRect();
           return ['group-by', 'canvas-search'].map(id => document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect())
             .filter(r => r.top < t.bottom).length;"#,
    )
    .await;
    assert_eq!(
        overlap,
        Value::from(0),
        "a floating control covers the toolbar"
    );

    // On a 1280 px screen the columns keep their widths, as before they could give way.
    page.viewport(1280, 720).await;
    let widths = js(
        &page,
        r#"return ['.col-canvas', '.inspector', '.col-output'].map(s => Math.round(document.querySelector(s).getBoundingClientRect().width));"#,
    )
    .await;
    assert_eq!(widths, serde_json::json!([588, 330, 350]));
    // Widening the inspector from its handle takes the room from the canvas, not from
    // the other column, and the handle moves as far as asked.
    js(
        &page,
        "document.querySelector('[data-testid=\"splitter-inspector\"]').focus()",
    )
    .await;
    for _ in 0..3 {
        page.press(char::from(fantoccini::key::Key::Left), false)
            .await;
    }
    let widths = async |p: &Page| {
        js(
            p,
            r#"return ['.col-canvas', '.inspector', '.col-output'].map(s => Math.round(document.querySelector(s).getBoundingClientRect().width));"#,
        )
        .await
    };
    let wider = page
        .wait_until("a wider inspector", async |p| {
            let w = widths(p).await;
            (w[1] != 330).then(|| w.to_string())
        })
        .await;
    assert_eq!(wider, "[528,390,350]");
    // In the narrow window the same 60 px show beside the narrowest output column.
    page.viewport(1000, 700).await;
    let narrow = page
        .wait_until("the narrow layout", async |p| {
            let w = widths(p).await;
            (w[2] == 260).then(|| w.to_string())
        })
        .await;
    assert_eq!(narrow, "[408,320,260]");
    page.close().await;
}

/// Where the columns are: each one's box, the window's width and how wide the page is.
const COLUMN_BOXES: &str = r#"const box = (sel) => { const e = document.querySelector(sel); if (!e) return null;
      const r = e.getBoundingClientRect(); return { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, height: r.height }; };
    return { view: window.innerWidth, scroll: document.scrollingElement.scrollWidth,
      canvas: box('.col-canvas'), inspector: box('.inspector'), output: box('.col-output'),
      yaml: box('[data-testid="yaml"]'), copy: box('[data-testid="copy-yaml"]'), counts: box('[data-testid="finding-counts"]') };"#;

/// In a window too narrow for the canvas and both columns at their narrowest (800 px),
/// findings + YAML go under the inspector instead of off the window's right edge; with
/// the inspector hidden, or in a wider window, they are a column of their own again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrow_window_puts_findings_and_yaml_under_the_inspector() {
    let page = Page::open("narrow-stacked").await;
    page.viewport(800, 600).await;
    page.find("yaml").await;
    let stacked = async |what: &str| {
        page.wait_until(what, async |p| {
            let m = js(p, COLUMN_BOXES).await;
            (m["output"]["top"].as_f64()? >= m["inspector"]["bottom"].as_f64()? - 0.5)
                .then(|| m.to_string())
        })
        .await;
        js(&page, COLUMN_BOXES).await
    };
    let m = stacked("findings and YAML under the inspector").await;
    let view = num(&m, "view");
    assert_eq!(view, 800.0, "{m}");
    assert!(num(&m, "scroll") <= view, "the page scrolls sideways: {m}");
    for part in ["canvas", "inspector", "output", "yaml", "copy", "counts"] {
        let (left, right) = (num(&m[part], "left"), num(&m[part], "right"));
        assert!(
            left >= 0.0 && right <= view + 0.5,
            "{part} runs off the window: {m}"
        );
    }
    assert!(num(&m["canvas"], "width") >= 360.0 - 0.5, "{m}");
    for col in ["inspector", "output"] {
        assert!(num(&m[col], "width") >= 260.0 - 0.5, "{m}");
        assert!(
            num(&m[col], "height") >= 150.0,
            "{col} is too low to use: {m}"
        );
    }
    // The canvas has the whole height beside them.
    assert!(
        num(&m["canvas"], "bottom") >= num(&m["output"], "bottom") - 0.5,
        "{m}"
    );

    // The inspector hidden: findings and YAML beside the canvas, the whole height.
    page.click("toggle-inspector").await;
    let m = page
        .wait_until("findings and YAML at the top", async |p| {
            let m = js(p, COLUMN_BOXES).await;
            m["inspector"].is_null().then(|| m.to_string())
        })
        .await;
    let m: Value = serde_json::from_str(&m).unwrap();
    assert!(num(&m["output"], "right") <= 800.5, "{m}");
    assert!(
        num(&m["output"], "top") <= num(&m["canvas"], "top") + 0.5,
        "{m}"
    );
    page.click("toggle-inspector").await;
    stacked("stacked again with the inspector back").await;

    // A wide enough window: three columns side by side.
    page.viewport(1000, 700).await;
    let m = page
        .wait_until("three columns side by side", async |p| {
            let m = js(p, COLUMN_BOXES).await;
            (m["output"]["left"].as_f64()? >= m["inspector"]["right"].as_f64()? - 0.5)
                .then(|| m.to_string())
        })
        .await;
    let m: Value = serde_json::from_str(&m).unwrap();
    assert!(num(&m["output"], "right") <= 1000.5, "{m}");
    page.close().await;
}

/// A design that is one tall column (an import of services that call nothing the
/// import could see) is fitted by its height, up to the canvas's top: it goes left of
/// the grouping and search controls floating there, not under them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_column_fitted_to_the_top_goes_beside_the_floating_controls() {
    fitted_column_clear_of_the_controls("canvas-column", 1280, 800, false).await;
}

/// On a short, narrow canvas (a 1024×768 screen, the welcome still shown, a service
/// selected) the column does not fit beside the controls: Fit puts it below them, a
/// little smaller, rather than under them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_column_fitted_on_a_small_screen_goes_below_the_floating_controls() {
    fitted_column_clear_of_the_controls("canvas-column-small", 1024, 768, true).await;
}

/// Fit a column of four services with the viewport `width`×`height` (`busy`: the
/// welcome left shown and a service selected); none is covered by the controls
/// floating over the canvas.
async fn fitted_column_clear_of_the_controls(tag: &str, width: u32, height: u32, busy: bool) {
    let page = Page::open(tag).await;
    page.viewport(width, height).await;
    page.find("node-order-service").await;
    let one = |name: &str, port: u16| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: {name}\n        image: ghcr.io/acme/{name}:1.4.2\n        ports:\n        - name: http\n          containerPort: {port}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  selector:\n    app: {name}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: {name}\n  namespace: shop\nspec:\n  ingressClassName: nginx\n  rules:\n  - host: {name}.shop.example.com\n    http:\n      paths:\n      - path: /\n        pathType: Prefix\n        backend:\n          service:\n            name: {name}\n            port:\n              name: http\n"
        )
    };
    // Three services on the small screen: a column a little shorter than the canvas.
    let services = [
        ("web", 8080),
        ("api", 3000),
        ("payments", 8443),
        ("worker", 9090),
    ];
    let count = if busy { 3 } else { 4 };
    let text = (services[..count].iter())
        .map(|&(n, p)| one(n, p))
        .collect::<Vec<_>>()
        .join("---\n");
    let mut design = kubeprint_core::import::kubernetes(&text).design;
    design.name = "column".into();
    let json = kubeprint_core::file::to_json(&design);
    page.drop_files("main.layout", &[("column.kubeprint.json", &json)])
        .await;
    page.find("node-payments").await;
    if busy {
        page.click_node("api").await;
        page.find("inspector-title").await;
    } else {
        page.click("welcome-dismiss").await;
    }
    page.click("fit").await;
    // Fit pans and zooms at once; the nodes move on the next frame.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let covered = r#"
        const f = document.querySelector('.canvas-wrap .canvas-floats').getBoundingClientRect();
        const nodes = [...document.querySelectorAll('.node')];
        const boxes = nodes.map(n => [n.getAttribute('data-testid'), n.getBoundingClientRect()]);
        const c = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
        return {
          n: nodes.length,
          covered: boxes.filter(([, b]) => b.left < f.right && f.left < b.right && b.top < f.bottom && f.top < b.bottom).map(([t]) => t),
          top: Math.min(...boxes.map(([, b]) => b.top)) - c.top,
        };
    "#;
    let m = page
        .wait_until("the column fitted", async |p: &Page| {
            let m = js(p, covered).await;
            (m["n"] == count).then(|| m.to_string())
        })
        .await;
    let m: Value = serde_json::from_str(&m).unwrap();
    assert_eq!(m["covered"], Value::Array(vec![]), "{m}");
    page.close().await;
}
