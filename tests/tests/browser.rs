//! The designer in a real headless Chromium, driven through chromedriver: what a user
//! sees after loading the page, clicking and typing.

use fantoccini::key::Key;
use fantoccini::Locator;
use kubeprint_tests::app_url;
use kubeprint_tests::page::Page;
use std::time::Duration;

/// Whether the YAML has a Service object named `name`.
fn has_service(yaml: &str, name: &str) -> bool {
    yaml.split("\n---\n")
        .any(|doc| doc.contains("kind: Service\n") && doc.contains(&format!("\n  name: {name}\n")))
}

/// BENCHMARKS.md's size row is kept current: the gzip total of the page the browser tests
/// build (the release build `./dev size` measures) is within 5 % of the table's total.
/// `./dev size --check` checks the same on its own build.
#[test]
fn the_recorded_page_size_is_the_built_one() {
    use kubeprint_tests::size::{page_gzip, recorded_gzip_total, within_tolerance};
    let files = page_gzip(kubeprint_tests::app_dist(), false);
    // One wasm, one stylesheet, and scripts: wasm-bindgen's glue, the loader and the
    // offline worker.
    let count =
        |files: &[(String, u64)], ext: &str| files.iter().filter(|(f, _)| f.ends_with(ext)).count();
    assert_eq!(count(&files, ".wasm"), 1, "one wasm: {files:?}");
    assert_eq!(count(&files, ".css"), 1, "one stylesheet: {files:?}");
    assert_eq!(
        count(&files, ".js"),
        3,
        "glue, boot.js and sw.js: {files:?}"
    );
    // And, loaded on first use, the worker: its wasm, its glue and its loader.
    let later = page_gzip(kubeprint_tests::app_dist(), true);
    assert_eq!(count(&later, ".wasm"), 1, "the worker's wasm: {later:?}");
    assert_eq!(
        count(&later, ".js"),
        2,
        "the worker's glue and worker.js: {later:?}"
    );
    let built: u64 = files.iter().map(|(_, n)| n).sum();
    let text = std::fs::read_to_string(kubeprint_tests::root().join("BENCHMARKS.md"))
        .expect("BENCHMARKS.md");
    let recorded = recorded_gzip_total(&text)
        .expect("BENCHMARKS.md has a `| total |` row under `## Size of the page`");
    assert!(
        within_tolerance(recorded, built),
        "BENCHMARKS.md records {recorded} bytes gzip for the page, the build is {built} \
         ({files:?}): more than 5 % off. Run `./dev size` and update the table."
    );
}

const GRACE: &str = "services/s1/timing/grace_period_seconds";

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
    assert!(
        page.present("node-order-service").await,
        "the canvas shows the service"
    );
    assert_eq!(page.text("inspector-title").await, "order-service");
    let counts = page.text("finding-counts").await;
    assert!(counts.contains("0 errors"), "{counts}");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_gallery_opens_each_template_and_environments_switch_namespaces() {
    let page = Page::open("gallery").await;
    page.wait_text("yaml", "YAML", |t| t.contains("kind: Deployment"))
        .await;
    page.click("open-gallery").await;
    page.click("template-miniredis").await;
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

    page.click("open-gallery").await;
    page.click("template-connectum").await;
    page.wait_text("yaml", "connectum prod", |t| {
        t.contains("namespace: connectum\n")
    })
    .await;
    let prod = page.yaml().await;
    assert!(prod.contains("minReplicas: 2"), "prod HPA minimum");
    page.click("env-dev").await;
    let dev = page
        .wait_text("yaml", "the dev namespace", |t| {
            t.contains("namespace: connectum-dev")
        })
        .await;
    assert!(
        dev.contains("minReplicas: 1") && dev.contains("maxReplicas: 2"),
        "dev override of the HPA range:\n{dev}"
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_service_with_a_port_and_an_edge_gets_a_service_a_network_policy_and_findings() {
    let page = Page::open("add").await;
    page.click("open-gallery").await;
    page.click("template-miniredis").await;
    page.wait_text("yaml", "miniredis", |t| {
        t.contains("namespace: miniredis-prod")
    })
    .await;

    page.click("add-service").await;
    page.wait_text("inspector-title", "the new service", |t| t == "service-12")
        .await;
    assert!(
        page.present("node-service-12").await,
        "the node is on the canvas"
    );
    // Without a port it has no Service (the API server would reject one).
    assert!(!has_service(&page.yaml().await, "service-12"));

    page.click("services/s12/ports#add").await;
    page.click("services/s12/exposure/ports#add").await;
    page.type_into("services/s12/ports/0/port", "9090").await;
    let yaml = page
        .wait_text("yaml", "the new port", |t| {
            t.contains("containerPort: 9090")
        })
        .await;
    assert!(
        has_service(&yaml, "service-12"),
        "a Service object for the new port"
    );
    // Default-deny is on and nothing may call it yet.
    page.wait_text("findings", "the unreachable warning", |t| {
        t.contains("nothing may connect to service-12")
    })
    .await;
    // The name the message quotes is shown as code, not between backticks.
    let quoted = page
        .client
        .find_all(Locator::Css("[data-testid=\"findings\"] .message code"))
        .await
        .expect("query");
    let mut names = Vec::new();
    for code in quoted {
        names.push(code.text().await.expect("text"));
    }
    assert!(names.iter().any(|n| n == "service-12"), "{names:?}");

    // It calls the API gateway: the NetworkPolicies open that path.
    page.type_into("add-edge", "api-").await;
    page.click("calls-api-gateway").await;
    let yaml = page
        .wait_text("yaml", "the new NetworkPolicy", |t| {
            t.contains("name: service-12-allow")
        })
        .await;
    let policy = yaml.split("name: service-12-allow").nth(1).unwrap();
    assert!(policy.contains("egress:"), "egress from the new service");
    assert!(policy
        .split("---")
        .next()
        .unwrap()
        .contains("app.kubernetes.io/name: api-gateway"));
    let gateway = yaml
        .split("name: api-gateway-allow")
        .nth(1)
        .unwrap()
        .split("---")
        .next()
        .unwrap();
    assert!(
        gateway.contains("app.kubernetes.io/name: service-12"),
        "the gateway lets it in:\n{gateway}"
    );
    assert!(page.present("edge-12-2").await, "the canvas draws the edge");

    // Undo removes the edge and its policies.
    page.click("undo").await;
    page.wait_text("yaml", "the policy to go", |t| {
        !t.contains("name: service-12-allow")
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_grace_period_below_prestop_plus_shutdown_is_an_error_until_fixed() {
    let page = Page::open("grace").await;
    page.wait_text("yaml", "YAML", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "35");

    page.type_into(GRACE, "30").await;
    let finding = page
        .wait_text("findings", "the grace period error", |t| {
            t.contains("KP102")
        })
        .await;
    assert!(
        finding.contains("grace 30 s < preStop 5 s + shutdown 30 s = 35 s"),
        "{finding}"
    );
    assert!(
        finding.contains("Error"),
        "severity in words, not only colour"
    );
    let timeline = page.text("timeline-summary").await;
    assert!(timeline.contains("overrun 5 s"), "{timeline}");
    page.wait_text("yaml", "the new grace period", |t| {
        t.contains("terminationGracePeriodSeconds: 30")
    })
    .await;

    page.click("fix-KP102").await;
    page.wait_gone("finding-KP102").await;
    assert_eq!(page.value(GRACE).await, "37");
    assert!(page.text("timeline-summary").await.contains("slack 2 s"));
    page.wait_text("yaml", "the fixed grace period", |t| {
        t.contains("terminationGracePeriodSeconds: 37")
    })
    .await;

    // One timeline on screen: under the canvas, or in the inspector while that panel
    // shows disruption.
    let count = async |p: &Page, css: &str| {
        (p.client.find_all(Locator::Css(css)).await)
            .expect("query")
            .len()
    };
    let timelines = async |p: &Page| count(p, "[data-testid=\"timeline\"]").await;
    let in_inspector = async |p: &Page| count(p, "aside [data-testid=\"timeline\"]").await;
    assert_eq!((timelines(&page).await, in_inspector(&page).await), (1, 0));
    page.click("tab-disruption").await;
    page.wait_until("the timeline in the inspector", async |p| {
        (in_inspector(p).await == 1).then(String::new)
    })
    .await;
    assert_eq!(timelines(&page).await, 1);
    assert!(page.text("timeline-summary").await.contains("slack 2 s"));
    page.click("tab-timeline").await;
    page.wait_until("the timeline under the canvas alone", async |p| {
        (in_inspector(p).await == 0).then(String::new)
    })
    .await;
    assert_eq!(timelines(&page).await, 1);

    // Ctrl+Z brings the error back, Ctrl+Shift+Z fixes it again.
    let undo = format!("{}z{}", char::from(Key::Control), char::from(Key::Null));
    page.chord(&undo).await;
    page.wait_until("the error to return", async |p| {
        p.present("finding-KP102").await.then(String::new)
    })
    .await;
    assert_eq!(page.value(GRACE).await, "30");
    let redo = format!(
        "{}{}z{}",
        char::from(Key::Control),
        char::from(Key::Shift),
        char::from(Key::Null)
    );
    page.chord(&redo).await;
    page.wait_gone("finding-KP102").await;
    assert_eq!(page.value(GRACE).await, "37");

    // Typing "30" was one step: one more undo goes back past the fix to 30, the next to 35.
    page.click("undo").await;
    page.click("undo").await;
    page.wait_until("the original 35", async |p| {
        (p.value(GRACE).await == "35").then(String::new)
    })
    .await;

    // A drain that ends in time while requests still arrive after SIGTERM (no preStop
    // sleep, KP104) is a warning on the timeline too, not a green "ok".
    page.type_into("services/s1/timing/pre_stop_seconds", "0")
        .await;
    page.type_into(GRACE, "60").await;
    let timeline = page
        .wait_text("timeline-summary", "the requests after SIGTERM", |t| {
            t.contains("drained in time (30 s of slack), but requests may arrive for")
        })
        .await;
    assert!(
        timeline.contains("after SIGTERM (preStop 0 s < endpoint propagation"),
        "{timeline}"
    );
    let exposed = page.client.find_all(Locator::Css(".verdict.exposed")).await;
    assert_eq!(exposed.expect("query").len(), 1, "{timeline}");
    page.wait_text("findings", "KP104 beside it", |t| t.contains("KP104"))
        .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_explained_and_loses_nothing() {
    let page = Page::open("bad-input").await;
    page.wait_text("yaml", "YAML", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    page.type_into(GRACE, "forty").await;
    let error_id = format!("{GRACE}-error");
    let error = page
        .client
        .find(Locator::Id(&error_id))
        .await
        .expect("the error message")
        .text()
        .await
        .unwrap();
    assert!(error.contains("not a duration"), "{error}");
    assert_eq!(
        page.value(GRACE).await,
        "forty",
        "what the user typed stays"
    );
    assert!(
        page.yaml()
            .await
            .contains("terminationGracePeriodSeconds: 35"),
        "the design keeps its last good value"
    );
    page.type_into(GRACE, "1m").await;
    page.wait_text("yaml", "60 seconds", |t| {
        t.contains("terminationGracePeriodSeconds: 60")
    })
    .await;
    // Coming back to the field holding 60, `1.5` typed key by key goes by way of `1`,
    // which parses: the design keeps the 60 it had before the typing, not that 1.
    page.client
        .execute("document.activeElement.blur()", vec![])
        .await
        .unwrap();
    page.type_into(GRACE, "1.5").await;
    page.wait_until("the refusal of 1.5", async |p| {
        let shown = p.client.find(Locator::Id(&error_id)).await.ok()?;
        shown
            .text()
            .await
            .ok()
            .filter(|t| t.contains("not a duration"))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let yaml = page.yaml().await;
    assert!(
        yaml.contains("terminationGracePeriodSeconds: 60"),
        "the value before the typing, not the 1 on its way"
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicking_a_finding_focuses_its_field() {
    let page = Page::open("focus").await;
    page.wait_text("findings", "the zero-slack warning", |t| {
        t.contains("KP103")
    })
    .await;
    page.click_finding("KP103").await;
    let focused = page
        .wait_until("the grace field to be focused", async |p| {
            let id = p
                .client
                .active_element()
                .await
                .ok()?
                .attr("id")
                .await
                .ok()??;
            (id == GRACE).then_some(id)
        })
        .await;
    assert_eq!(focused, GRACE);
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_the_selected_service_with_the_keyboard() {
    let page = Page::open("delete").await;
    page.click("open-gallery").await;
    page.click("template-stfc-fastapi").await;
    page.wait_text("yaml", "stfc", |t| t.contains("name: icat-mariadb\n"))
        .await;
    page.click_node("icat-mariadb").await;
    page.wait_text("inspector-title", "the database", |t| t == "icat-mariadb")
        .await;
    page.chord(&char::from(Key::Delete).to_string()).await;
    page.wait_text("yaml", "the database to go", |t| {
        !t.contains("name: icat-mariadb\n")
    })
    .await;
    assert!(!page.present("node-icat-mariadb").await);
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_benchmark_page_measures_edits() {
    // `./dev bench-browser 200 1000` asks for its counts; the test suite for 20.
    let counts = std::env::var("KUBEPRINT_BENCH").unwrap_or_else(|_| "20".into());
    let url = format!("{}/#bench={counts}", app_url());
    let page = Page::open_at("bench", &url).await;
    // A thousand services take minutes on a busy machine: wait for the page's "done".
    let start = std::time::Instant::now();
    let text = loop {
        let t = page.text("bench").await;
        if t.ends_with("done") {
            break t;
        }
        assert!(
            start.elapsed() < std::time::Duration::from_secs(1200),
            "the benchmark never finished: {t}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    };
    println!("browser benchmark:\n{text}");
    for n in counts.split(',') {
        let lines: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with(&format!("services={n} ")))
            .collect();
        let line = |what: &str| {
            *lines
                .iter()
                .find(|l| l.contains(what))
                .unwrap_or_else(|| panic!("{what} for {n} services in {text}"))
        };
        let number = |l: &str, key: &str| -> f64 {
            l.split(key)
                .nth(1)
                .and_then(|v| v.split(' ').next())
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("{key} in {l}"))
        };
        assert!(number(line("median_ms="), "median_ms=") > 0.0);
        // A keystroke went through the input's handler: one validation and one render
        // each, and the YAML holds the last value typed.
        let keys = line("page=keystroke");
        assert!(
            keys.contains("validations_per_action=1.0 renders_per_action=1.0"),
            "{keys}"
        );
        assert!(keys.contains("yaml_has_last_value=true"), "{keys}");
        assert!(number(line("dom_elements="), "dom_elements=") > 0.0);
        assert!(number(line("dom_elements="), "canvas=") > 0.0);
        assert!(number(line("wasm_memory_mb="), "wasm_memory_mb=") > 0.0);
        for open in ["page=open-file", "page=open-link"] {
            assert!(number(line(open), "median_ms=") > 0.0, "{text}");
        }
        assert!(!text.contains("shows no service"), "{text}");
    }
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dragging_on_the_canvas_connects_services_and_moves_nodes() {
    use fantoccini::actions::{InputSource, MouseActions, PointerAction, MOUSE_BUTTON_LEFT};
    let page = Page::open("canvas").await;
    page.click("open-gallery").await;
    page.click("template-miniredis").await;
    page.wait_text("yaml", "miniredis", |t| {
        t.contains("namespace: miniredis-prod")
    })
    .await;
    assert!(!page.present("edge-6-3").await);

    // Drag from auth-service's handle onto backend: a new dependency.
    let handle = page.find("handle-auth-service").await;
    let target = page.find("node-backend").await;
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: handle,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveToElement {
            element: target.clone(),
            duration: Some(Duration::from_millis(200)),
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    page.client.perform_actions(drag).await.unwrap();
    page.wait_until("the new edge", async |p| {
        p.present("edge-6-3").await.then(String::new)
    })
    .await;
    let yaml = page
        .wait_text("yaml", "the new policy rule", |t| {
            t.split("name: auth-service-allow").nth(1).is_some_and(|p| {
                p.split("---")
                    .next()
                    .unwrap()
                    .contains("app.kubernetes.io/name: backend")
            })
        })
        .await;
    assert!(yaml.contains("name: backend-allow"));

    // The new dependency puts backend a layer further right, maybe past the canvas's
    // edge: it is brought into view (and selected) first. Then drag it down: its
    // position is saved in the design (and autosaved).
    page.click_node("backend").await;
    let target = page.find("node-backend").await;
    let before = target.attr("transform").await.unwrap().unwrap_or_default();
    let moving = MouseActions::new("mouse2".into())
        .then(PointerAction::MoveToElement {
            element: target.clone(),
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(200)),
            x: 0.0,
            y: 120.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    page.client.perform_actions(moving).await.unwrap();
    let after = page
        .wait_until("the node to move", async |p| {
            let t = p
                .find("node-backend")
                .await
                .attr("transform")
                .await
                .ok()??;
            (t != before).then_some(t)
        })
        .await;
    page.client.refresh().await.unwrap();
    let reloaded = page
        .find("node-backend")
        .await
        .attr("transform")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(reloaded, after, "the moved position survives a reload");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edge_into_the_shared_collector_is_drawn_across_and_its_address_fix_restores_it() {
    let page = Page::open("edges").await;
    page.wait_text("yaml", "connectum prod", |t| {
        t.contains("namespace: connectum\n")
    })
    .await;
    // order-service (s1) -> otel-collector (s2) leads into observability's namespace.
    let edge = page.find("edge-1-2").await;
    let class = edge.attr("class").await.unwrap().unwrap_or_default();
    assert!(class.split(' ').any(|c| c == "cross"), "{class}");
    let label = page.text("edge-1-2").await;
    assert!(
        label.contains("otlp-grpc") && label.contains("in observability"),
        "{label}"
    );
    if let Ok(png) = page.client.screenshot().await {
        let out = std::env::temp_dir().join("kubeprint-cross-namespace-edge.png");
        let _ = std::fs::write(out, png);
    }

    // Without the edge, and with default-deny turned on in prod, prod's egress drops
    // the traces the ConfigMap sends there: KP320 says so, and its fix puts the edge
    // back.
    let remove = Page::css("edges") + " button.remove";
    page.client
        .find(Locator::Css(&remove))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    page.wait_gone("edge-1-2").await;
    assert!(
        !page.text("findings").await.contains("KP320"),
        "without default-deny nothing drops the traces"
    );
    page.click("open-environments").await;
    page.click("environments/prod/default_deny").await;
    let finding = page
        .wait_text("findings", "the blocked OTLP endpoint", |t| {
            t.contains("KP320")
        })
        .await;
    assert!(finding.contains("OTEL_EXPORTER_OTLP_ENDPOINT"), "{finding}");
    page.click("fix-KP320").await;
    page.wait_gone("finding-KP320").await;
    assert!(page.present("edge-1-2").await, "the fix adds the edge back");
    // The fix says what it added, which the field it goes to does not show.
    page.wait_text("notice", "what the fix made", |t| {
        t.starts_with("Fixed KP320 in") && t.contains("Added a call from") && t.contains("Ctrl+Z")
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sidecar_added_in_the_inspector_is_a_native_sidecar_whose_shutdown_needs_grace() {
    const SHUTDOWN: &str = "services/s1/containers/0/shutdown_seconds";
    let page = Page::open("sidecar").await;
    page.wait_text("yaml", "YAML", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    page.click("services/s1/containers#add-sidecar").await;
    let yaml = page
        .wait_text("yaml", "the sidecar under initContainers", |t| {
            t.contains("initContainers:")
        })
        .await;
    let init = &yaml[yaml.find("initContainers:").unwrap()..];
    assert!(
        init.contains("name: sidecar") && init.contains("restartPolicy: Always"),
        "a native sidecar: {init}"
    );
    assert!(
        page.present("container-0").await,
        "its card in the inspector"
    );

    // order-service drains in 5 s + 30 s of its 35 s: the sidecar's 10 s come after.
    page.type_into(SHUTDOWN, "10").await;
    let finding = page
        .wait_text("findings", "the sidecar grace finding", |t| {
            t.contains("KP116")
        })
        .await;
    assert!(
        finding.contains("main containers 35 s + sidecars 10 s (sidecar 10 s) = 45 s"),
        "{finding}"
    );
    let timeline = page
        .wait_text("timeline-summary", "the sidecar on the timeline", |t| {
            t.contains("then sidecars")
        })
        .await;
    assert!(timeline.contains("overrun 10 s"), "{timeline}");
    assert!(page.present("timeline-sidecar-sidecar").await);

    page.click("fix-KP116").await;
    page.wait_gone("finding-KP116").await;
    assert_eq!(page.value(GRACE).await, "47");
    page.wait_text("yaml", "the raised grace period", |t| {
        t.contains("terminationGracePeriodSeconds: 47")
    })
    .await;

    // Needed at start, without a startup probe: the app would not wait for it.
    page.click("services/s1/containers/0/needed_at_start").await;
    page.wait_text("findings", "the needed-at-start finding", |t| {
        t.contains("KP117")
    })
    .await;
    page.close().await;
}

/// A service added through the UI and switched to a CronJob gets the schedule editor;
/// a schedule Kubernetes refuses is read back as an error beside the field and is a
/// KP805 error in the findings, and a valid one shows in words, on the canvas and as a
/// CronJob in the YAML.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_switched_to_a_cronjob_is_scheduled_in_the_yaml_and_checked() {
    let page = Page::open("cronjob").await;
    page.wait_text("yaml", "YAML", |t| t.contains("kind: Deployment"))
        .await;
    page.click("add-service").await;
    let name = page
        .wait_text("inspector-title", "the new service", |t| {
            t.starts_with("service-")
        })
        .await;
    let id = name.trim_start_matches("service-").to_string();
    let field = |f: &str| format!("services/s{id}/{f}");
    assert!(
        !page.present("cron-reading").await,
        "a Deployment has no schedule"
    );

    // The kind choice lists the five kinds; CronJob is the fifth.
    page.select(&field("kind"), "4").await;
    let reading = page
        .wait_text("cron-reading", "the default schedule in words", |t| {
            t.contains("at 03:00 every day")
        })
        .await;
    assert!(reading.contains("runs at most every 1 day"), "{reading}");
    let yaml = page
        .wait_text("yaml", "the CronJob", |t| {
            t.contains("kind: CronJob") && t.contains(&format!("name: {name}\n"))
        })
        .await;
    assert!(yaml.contains("restartPolicy: OnFailure"), "a Job's pods");
    assert!(
        !page.present(&format!("{}#on", field("scaling/hpa"))).await,
        "no HPA for a CronJob"
    );

    // Sunday as 7: the API server refuses it.
    page.type_into(&field("cron/schedule"), "0 3 * * 7").await;
    page.wait_text("cron-reading", "the parse error", |t| {
        t.contains("Does not parse") && t.contains("7 is above the maximum 6")
    })
    .await;
    let findings = page
        .wait_text("findings", "the schedule error", |t| {
            t.contains("KP805") && t.contains("does not parse")
        })
        .await;
    assert!(findings.contains(&name), "{findings}");
    let counts = page.text("finding-counts").await;
    assert!(!counts.contains("0 errors"), "{counts}");

    // Every 15 minutes: read back in words, on the canvas, in the YAML; no error left.
    page.type_into(&field("cron/schedule"), "*/15 * * * *")
        .await;
    page.wait_text("cron-reading", "the new schedule in words", |t| {
        t.contains("every 15 minutes")
    })
    .await;
    page.wait_text("yaml", "the new schedule", |t| {
        t.contains("schedule: '*/15 * * * *'")
    })
    .await;
    page.wait_text("findings", "no schedule error", |t| !t.contains("KP805"))
        .await;
    let node = page
        .find(&format!("node-{name}"))
        .await
        .prop("textContent")
        .await
        .expect("the node's text")
        .unwrap_or_default();
    assert!(
        node.contains("CronJob") && node.contains("*/15 * * * *"),
        "{node}"
    );
    page.close().await;
}

/// The YAML view sets each document's lines as HTML in one piece: markup in a design's
/// values is shown as the text it is, and the lines hold only the highlighting's spans.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_a_value_is_shown_as_text_in_the_yaml() {
    use kubeprint_core::{link, model::EnvVar, templates};
    let mut design = templates::by_name("connectum").expect("the template");
    // A long value too: the view is as wide as its longest line wherever it is scrolled.
    let value = format!(
        "<img src=x onerror=\"document.title='owned'\"> & <b>bold</b> {}",
        "x".repeat(300)
    );
    design.services[0]
        .config
        .env
        .push(EnvVar::literal("BANNER", &value));
    let url = format!("{}/#{}", app_url(), link::encode(&design));
    let page = Page::open_with(
        &url,
        kubeprint_tests::chrome_capabilities(&kubeprint_tests::fresh_profile("yaml-markup")),
    )
    .await;
    page.wait_text("yaml", "the variable's value as text", |t| {
        t.contains("name: BANNER") && t.contains("<b>bold</b>") && t.contains("onerror=")
    })
    .await;
    let found = page
        .client
        .execute(
            "const v = document.querySelector('[data-testid=\"yaml\"] .yaml-window');
             return [v.querySelectorAll(':not(.yaml-doc):not(span):not(mark)').length,
                     v.querySelectorAll('span.t-key').length];",
            vec![],
        )
        .await
        .expect("the view's elements");
    assert_eq!(found[0], 0, "only highlighting spans in the view");
    assert!(
        found[1].as_u64() > Some(20),
        "keys are highlighted: {found}"
    );

    // Scrolled to the end, the document holding the long line is out of view (and not
    // laid out): the view keeps its width.
    let widths = page
        .client
        .execute_async(
            "const done = arguments[0];
             const p = document.querySelector('[data-testid=\"yaml\"]');
             const top = p.scrollWidth;
             p.scrollTop = p.scrollHeight;
             requestAnimationFrame(() => requestAnimationFrame(() =>
               done([top, p.scrollWidth, p.clientWidth])));",
            vec![],
        )
        .await
        .expect("the view's widths");
    assert!(
        widths[0].as_f64() > widths[2].as_f64(),
        "the long line is wider than the view: {widths}"
    );
    assert_eq!(
        widths[0], widths[1],
        "the same width at the top and the end"
    );
    page.close().await;
}

/// A design whose YAML is far longer than the view: the page draws only the lines in
/// view, scrolling draws later ones, and Find, Copy and Download work on the whole text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_yaml_is_drawn_as_it_scrolls_and_found_copied_and_downloaded_whole() {
    use kubeprint_core::{link, presets, render, templates};
    use kubeprint_tests::{chrome_capabilities_with_downloads, fresh_profile};
    let design = templates::scaled(40);
    let env = presets::default_environment(&design);
    let docs = render(&design, &env).documents();
    let whole = docs
        .iter()
        .map(|(_, _, y)| y.as_ref())
        .collect::<Vec<_>>()
        .join("---\n");
    let lines: Vec<&str> = whole.lines().collect();
    assert!(lines.len() > 5_000, "a long text: {} lines", lines.len());

    let downloads = fresh_profile("yaml-view-downloads");
    let caps = chrome_capabilities_with_downloads(&fresh_profile("yaml-view"), &downloads);
    let url = format!("{}/#{}", app_url(), link::encode(&design));
    let page = Page::open_with(&url, caps).await;
    let head = lines[..3].join("\n");
    let shown = page
        .wait_text("yaml", "the first object", |t| t.contains(&head))
        .await;
    let drawn = shown.lines().count();
    assert!(
        drawn < 400,
        "only a window of the text is drawn: {drawn} lines"
    );
    let tail = lines[lines.len() - 4..].join("\n");
    assert!(!shown.contains(&tail), "the last lines are not drawn yet");

    // Scrolling to the end draws the last lines.
    let scroll = "const p = document.querySelector('[data-testid=\"yaml\"]'); p.scrollTop = arguments[0] ? p.scrollHeight : 0;";
    page.client
        .execute(scroll, vec![serde_json::json!(true)])
        .await
        .expect("scrolls");
    page.wait_text("yaml", "the last lines", |t| t.contains(&tail))
        .await;
    page.client
        .execute(scroll, vec![serde_json::json!(false)])
        .await
        .expect("scrolls");
    page.wait_text("yaml", "the first lines again", |t| t.contains(&head))
        .await;

    // The browser's own find cannot reach lines that are not drawn: Ctrl+F in the view
    // goes to the view's Find.
    let view = page.find("yaml").await;
    view.send_keys(&format!(
        "{}f{}",
        char::from(fantoccini::key::Key::Control),
        char::from(fantoccini::key::Key::Null)
    ))
    .await
    .expect("Ctrl+F in the view");
    let focused = page
        .client
        .execute(
            "return document.activeElement.dataset.testid || '';",
            vec![],
        )
        .await
        .expect("the focused element");
    assert_eq!(
        focused, "yaml-find",
        "Ctrl+F in a long YAML view goes to its Find"
    );

    // Find reaches a line in the middle that only the whole text holds.
    let lower = whole.to_lowercase();
    let middle = lines[lines.len() / 2..]
        .iter()
        .map(|l| l.trim())
        .find(|l| l.contains(": ") && lower.matches(&l.to_lowercase()).count() == 1)
        .expect("a line found once")
        .to_string();
    page.type_into("yaml-find", &middle).await;
    page.wait_text("yaml-found", "one match", |t| t == "1 of 1")
        .await;
    page.wait_text("yaml", "the line found", |t| t.contains(&middle))
        .await;
    let marked = page
        .client
        .execute(
            "return document.querySelector('[data-testid=\"yaml\"] mark.found').textContent;",
            vec![],
        )
        .await
        .expect("the found line is marked");
    assert_eq!(marked.as_str().map(str::trim), Some(middle.as_str()));

    // Copy and Download give the whole text, not what is drawn.
    page.client
        .execute(
            "navigator.clipboard.writeText = t => { window.copiedYaml = t; return Promise.resolve(); };",
            vec![],
        )
        .await
        .expect("clipboard stub");
    page.click("copy-yaml").await;
    let copied = page
        .client
        .execute("return window.copiedYaml;", vec![])
        .await
        .expect("copied text");
    assert!(
        copied.as_str() == Some(whole.as_str()),
        "Copy gives the whole YAML"
    );
    page.click("download-yaml").await;
    let file = downloads.join(format!("{}-{env}.yaml", design.name));
    page.wait_until("the YAML file on disk", async |_| {
        std::fs::read_to_string(&file)
            .ok()
            .filter(|t| t.len() == whole.len())
    })
    .await;
    assert!(
        std::fs::read_to_string(&file).unwrap() == whole,
        "Download gives the whole YAML"
    );
    page.close().await;
}

/// The top-level kinds of a YAML text, one per document, in order.
fn kinds_of(yaml: &str) -> Vec<String> {
    yaml.lines()
        .filter_map(|l| l.strip_prefix("kind: "))
        .map(str::to_string)
        .collect()
}

/// The options of the YAML's object menu under the group `testid`: (value, text).
async fn menu_options(page: &Page, testid: &str) -> Vec<(String, String)> {
    let v = page
        .client
        .execute(
            "const g = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
             return g ? [...g.querySelectorAll('option')].map(o => [o.value, o.textContent]) : [];",
            vec![serde_json::json!(testid)],
        )
        .await
        .expect("the menu's options");
    serde_json::from_value(v).expect("pairs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_yaml_menu_shows_the_selected_services_objects_or_one_kind() {
    use kubeprint_core::templates;
    let design = templates::miniredis();
    let prod = design.environment("prod").expect("prod").clone();
    let page = Page::open("yaml-menu").await;
    page.click("open-gallery").await;
    page.click("template-miniredis").await;
    let all = page
        .wait_text("yaml", "miniredis prod", |t| {
            t.contains("namespace: miniredis-prod")
        })
        .await;

    // Every kind is listed once, with as many objects as the YAML holds.
    let mut counted: Vec<(String, usize)> = Vec::new();
    for k in kinds_of(&all) {
        match counted.iter_mut().find(|(kind, _)| *kind == k) {
            Some((_, n)) => *n += 1,
            None => counted.push((k, 1)),
        }
    }
    let kinds = menu_options(&page, "yaml-object-kinds").await;
    let listed: Vec<(String, usize)> = kinds
        .iter()
        .map(|(v, t)| {
            let kind = v.strip_suffix('/').expect("a kind's value ends in /");
            let n = t.rsplit(' ').next().unwrap().parse().expect("a count");
            (kind.to_string(), n)
        })
        .collect();
    let (mut want, mut got) = (counted.clone(), listed.clone());
    want.sort();
    got.sort();
    assert_eq!(got, want);

    // The selected service's objects; one of them shown alone.
    let deployed: Vec<&str> = design
        .services
        .iter()
        .filter(|s| prod.deploys(s.id))
        .map(|s| s.name.as_str())
        .collect();
    let (first, second) = (deployed[0], deployed[1]);
    page.click_node(first).await;
    page.wait_until("the service's objects listed", async |p| {
        let o = menu_options(p, "yaml-object-service").await;
        o.iter()
            .any(|(v, _)| v == &format!("Service/{first}"))
            .then(String::new)
    })
    .await;
    let own = menu_options(&page, "yaml-object-service").await;
    assert!(own.len() >= 2, "{own:?}");
    page.select("yaml-object", &format!("Service/{first}"))
        .await;
    let one = page
        .wait_text("yaml", "the Service alone", |t| kinds_of(t) == ["Service"])
        .await;
    assert!(one.contains(&format!("\n  name: {first}\n")), "{one}");

    // Another service selected: its object of the same kind is shown.
    page.click_node(second).await;
    let other = page
        .wait_text("yaml", "the other Service", |t| {
            kinds_of(t) == ["Service"] && t.contains(&format!("\n  name: {second}\n"))
        })
        .await;
    assert!(!other.contains(&format!("\n  name: {first}\n")));
    assert_eq!(page.value("yaml-object").await, format!("Service/{second}"));
    // An edit that changes the service's objects keeps the choice shown.
    let id = design
        .services
        .iter()
        .find(|s| s.name == second)
        .expect("the second service")
        .id;
    page.type_into(&format!("services/s{}/component", id.0), "edited")
        .await;
    page.wait_text("yaml", "the edited label", |t| {
        t.contains("app.kubernetes.io/component: edited") && kinds_of(t) == ["Service"]
    })
    .await;
    assert_eq!(page.value("yaml-object").await, format!("Service/{second}"));
    // Renamed, its objects are listed anew: the choice follows to the renamed one.
    let renamed = format!("{second}-x");
    // A service's name applies on Enter (its callers follow it then).
    page.type_into(
        &format!("services/s{}/name", id.0),
        &format!("{renamed}{}", char::from(fantoccini::key::Key::Enter)),
    )
    .await;
    page.wait_text("yaml", "the renamed Service", |t| {
        t.contains(&format!("\n  name: {renamed}\n")) && kinds_of(t) == ["Service"]
    })
    .await;
    page.wait_until("the menu showing the renamed Service", async |p| {
        (p.value("yaml-object").await == format!("Service/{renamed}")).then(String::new)
    })
    .await;

    // One kind: every object of it, and nothing else.
    let (kind, n) = counted
        .iter()
        .find(|(k, n)| k == "Deployment" && *n > 1)
        .cloned()
        .expect("several Deployments");
    page.select("yaml-object", &format!("{kind}/")).await;
    page.wait_text("yaml", "every Deployment", |t| {
        kinds_of(t) == vec![kind.clone(); n]
    })
    .await;
    // The menu holds the kinds and one service's objects, not every object.
    let options = js_count(&page, "[data-testid=\"yaml-object\"] option").await;
    let service = menu_options(&page, "yaml-object-service").await.len();
    assert_eq!(options, 1 + kinds.len() + service);
    page.select("yaml-object", "").await;
    page.wait_text("yaml", "all objects", |t| {
        kinds_of(t).len() == kinds_of(&all).len()
    })
    .await;
    page.close().await;
}

/// How many elements match `css`.
async fn js_count(page: &Page, css: &str) -> usize {
    let v = page
        .client
        .execute(
            "return document.querySelectorAll(arguments[0]).length;",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("a count");
    usize::try_from(v.as_u64().expect("a number")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dependency_is_added_by_finding_the_service_it_calls() {
    let page = Page::open("add-edge").await;
    page.click("open-gallery").await;
    page.click("template-miniredis").await;
    page.wait_text("yaml", "miniredis prod", |t| {
        t.contains("namespace: miniredis-prod")
    })
    .await;
    page.click_node("frontend").await;
    let before = page.text("edges").await;
    assert!(!before.contains("calls monitoring-service"), "{before}");

    // A service does not call itself: its own name finds nothing, and says so.
    page.type_into("add-edge", "FRONTEND").await;
    page.wait_until("the no-match note", async |p| {
        let shown = p
            .client
            .execute(
                "return !document.querySelector('[data-testid=\"add-edge-none\"]').hidden;",
                vec![],
            )
            .await
            .ok()?;
        (shown == serde_json::Value::Bool(true)).then(String::new)
    })
    .await;
    assert!(!page.present("calls-frontend").await);

    // Part of a name lists the matches; Enter takes the first and clears the box.
    page.type_into("add-edge", "monitor").await;
    page.find("calls-monitoring-service").await;
    page.find("add-edge")
        .await
        .send_keys(&char::from(Key::Enter).to_string())
        .await
        .expect("Enter");
    page.wait_text("edges", "the new dependency", |t| {
        t.contains("calls monitoring-service on port")
    })
    .await;
    assert_eq!(page.value("add-edge").await, "");
    assert!(!page.present("calls-monitoring-service").await);
    page.close().await;
}
