//! The designer as a platform engineer uses it (issue "no silent mangling, keyboard,
//! legible at real size"): one test per item, in headless Chromium.

use fantoccini::key::Key;
use fantoccini::Locator;
use kubeprint_core::*;
use kubeprint_tests::page::Page;
use kubeprint_tests::{app_url, chrome_capabilities_with_downloads, fresh_profile};
use serde_json::{json, Value};

const GRACE: &str = "services/s1/timing/grace_period_seconds";

/// The page opened on a share link of `design`.
async fn open_design(tag: &str, design: &Design) -> Page {
    let url = link::link(&format!("{}/", app_url()), design);
    let page = Page::open_at(tag, &url).await;
    page.wait_text("yaml", "the design's YAML", |t| {
        t.contains("kind: Namespace")
    })
    .await;
    page
}

/// A design with one service `api` that listens on one port and nothing else.
fn one_service(port: Option<(&str, u16)>) -> Design {
    let mut d = templates::by_name("empty").unwrap();
    let s = Service {
        name: "api".into(),
        image: "ghcr.io/acme/api".into(),
        tag: "1.0.0".into(),
        ports: port
            .map(|(name, port)| ContainerPort {
                name: name.into(),
                port,
                protocol: Protocol::TCP,
            })
            .into_iter()
            .collect(),
        ..Service::default()
    };
    d.apply(Edit::AddService(Box::new(s))).unwrap();
    d
}

/// Run `script` in the page and return its answer.
async fn js(page: &Page, script: &str) -> Value {
    page.client
        .execute(script, vec![])
        .await
        .unwrap_or_else(|e| panic!("{script}: {e}"))
}

/// The id of the element that has keyboard focus.
async fn focused_id(page: &Page) -> String {
    js(
        page,
        "return document.activeElement ? document.activeElement.id : ''",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// The message an input shows under it (empty when its text parses).
async fn error_of(page: &Page, id: &str) -> String {
    js(
        page,
        &format!("return document.getElementById('{id}-error').textContent"),
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

/// Press keys on whatever has focus.
async fn press(page: &Page, keys: &str) {
    let el = page
        .client
        .active_element()
        .await
        .expect("an active element");
    el.send_keys(keys).await.expect("keys");
}

fn ctrl(key: &str) -> String {
    format!("{}{key}{}", char::from(Key::Control), char::from(Key::Null))
}

fn ctrl_shift(key: &str) -> String {
    format!(
        "{}{}{key}{}",
        char::from(Key::Control),
        char::from(Key::Shift),
        char::from(Key::Null)
    )
}

// 1. Image references.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reference_typed_into_image_splits_into_image_tag_and_digest() {
    let page = Page::open("ux-image").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    let (image, tag, digest) = ("services/s1/image", "services/s1/tag", "services/s1/digest");
    page.type_into(image, "nginx:1.27").await;
    page.wait_until("the tag to follow", async |p| {
        (p.value(tag).await == "1.27").then(String::new)
    })
    .await;
    let yaml = page
        .wait_text("yaml", "image nginx:1.27", |t| {
            t.contains("image: nginx:1.27\n")
        })
        .await;
    assert!(!yaml.contains("nginx:1.27:"), "never two tags: {yaml}");
    // Leaving the field shows the repository alone: the tag is in Tag.
    page.click(tag).await;
    assert_eq!(page.value(image).await, "nginx");

    // A pasted full reference fills all three; a registry port is not a tag.
    let sha = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    page.type_into(image, &format!("registry:5000/path/img:2.1@{sha}"))
        .await;
    page.wait_text("yaml", "the full reference", |t| {
        t.contains(&format!("image: registry:5000/path/img:2.1@{sha}\n"))
    })
    .await;
    assert_eq!(page.value(tag).await, "2.1");
    assert_eq!(page.value(digest).await, sha);
    // Typed key by key, `localhost:5` reads as tag 5 on the way; the finished name
    // puts back the tag and digest the fields held when typing began.
    page.click(tag).await;
    page.type_into(image, "localhost:5000/x").await;
    page.wait_text("yaml", "the port kept in the name", |t| {
        t.contains(&format!("image: localhost:5000/x:2.1@{sha}\n"))
    })
    .await;

    // An invalid reference is refused with what is wrong; the design keeps its value.
    page.type_into(image, "nginx:1.27:1.0.0").await;
    let error = error_of(&page, image).await;
    assert!(error.contains("has two tags"), "{error}");
    page.type_into(image, "Nginx").await;
    let error = error_of(&page, image).await;
    assert!(error.contains("lowercase (nginx)"), "{error}");
    page.type_into(tag, "1.0:beta").await;
    let error = error_of(&page, tag).await;
    assert!(error.contains("tag 1.0:beta is not valid"), "{error}");
    // Whatever was typed on the way, every image the YAML names is a valid reference.
    let yaml = page.yaml().await;
    let images: Vec<&str> = yaml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("image: "))
        .collect();
    assert!(!images.is_empty());
    for i in images {
        assert!(image::Reference::parse(i).is_ok(), "{i}");
    }
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_reference_from_a_link_is_an_error_with_a_fix() {
    let mut d = one_service(Some(("http", 8080)));
    d.services[0].image = "nginx:1.27".into();
    d.services[0].tag = "1.0.0".into();
    let page = open_design("ux-kp801", &d).await;
    page.find("finding-KP901").await;
    let text = page.text("finding-KP901").await;
    assert!(
        text.contains("nginx:1.27:1.0.0 is not a valid image reference"),
        "{text}"
    );
    assert!(page.text("finding-counts").await.contains("✕ 1 error"));
    page.click("fix-KP901").await;
    page.wait_gone("finding-KP901").await;
    assert!(page.yaml().await.contains("image: nginx:1.27\n"));
    page.close().await;
}

// 2. The page never scrolls.

/// The page's own scroll position and where the top bar is.
async fn page_position(page: &Page) -> Value {
    js(
        page,
        "const s = document.scrollingElement; const t = document.querySelector('.topbar').getBoundingClientRect(); return [s.scrollTop, s.scrollLeft, window.scrollY, t.top];",
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_never_scrolls_only_its_panels_do() {
    let page = Page::open("ux-scroll").await;
    page.client.set_window_size(1280, 720).await.unwrap();
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    let still = json!([0, 0, 0, 0]);
    let mut checked = 0;
    // Every finding, clicked: each focuses its field somewhere in the inspector.
    let findings = page
        .client
        .find_all(Locator::Css(".finding-main"))
        .await
        .unwrap();
    assert!(findings.len() > 5, "connectum has findings to click");
    for f in findings {
        f.click().await.expect("click a finding");
        assert_eq!(
            page_position(&page).await,
            still,
            "after clicking a finding"
        );
        checked += 1;
    }
    // Fields far down the inspector, focused by a click and by keys.
    for id in [
        "services/s1/security/run_as_user",
        "services/s1/timing/progress_deadline_seconds",
        "services/s1/name",
    ] {
        js(
            &page,
            &format!("document.getElementById('{id}').focus(); return 0;"),
        )
        .await;
        assert_eq!(focused_id(&page).await, id);
        assert_eq!(page_position(&page).await, still, "after focusing {id}");
        press(
            &page,
            &format!("{}{}", char::from(Key::End), char::from(Key::Home)),
        )
        .await;
        checked += 1;
    }
    for _ in 0..40 {
        press(&page, &char::from(Key::Tab).to_string()).await;
    }
    assert_eq!(page_position(&page).await, still, "after 40 Tabs");
    page.chord(&format!(
        "{}{}{} ",
        char::from(Key::PageDown),
        char::from(Key::End),
        char::from(Key::Down)
    ))
    .await;
    assert_eq!(page_position(&page).await, still, "after page keys");
    let scrolled = js(
        &page,
        "window.scrollTo(0, 500); document.scrollingElement.scrollTop = 500; return document.scrollingElement.scrollTop;",
    )
    .await;
    assert_eq!(scrolled, json!(0), "the document has nothing to scroll");
    assert!(checked > 8);
    page.close().await;
}

// 4. New things are created clean.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_probes_use_the_services_port_and_keep_liveness_apart_from_readiness() {
    // The port is added after the inspector opened: the probe names it anyway.
    let page = open_design("ux-probes", &one_service(None)).await;
    page.click("services/s1/ports#add").await;
    page.type_into("services/s1/ports/0/port", "9000").await;
    page.wait_text("yaml", "port 9000", |t| t.contains("containerPort: 9000"))
        .await;
    for kind in ["readiness", "liveness", "startup"] {
        page.click(&format!("services/s1/probes/{kind}#on")).await;
        page.find(&format!("services/s1/probes/{kind}/action/port"))
            .await;
    }
    let yaml = page
        .wait_text("yaml", "three probes", |t| {
            t.contains("readinessProbe")
                && t.contains("livenessProbe")
                && t.contains("startupProbe")
        })
        .await;
    assert!(yaml.contains("path: /readyz") && yaml.contains("path: /healthz"));
    for kind in ["readiness", "liveness", "startup"] {
        assert_eq!(
            page.value(&format!("services/s1/probes/{kind}/action/port"))
                .await,
            "http",
            "{kind} checks the port the service has"
        );
    }
    for code in ["KP302", "KP109", "KP110", "KP106", "KP108"] {
        assert!(
            !page.present(&format!("finding-{code}")).await,
            "{code}: {}",
            page.text("findings").await
        );
    }
    page.close().await;
}

// 5. The image catalogue.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_image_is_offered_its_settings_and_contradictions_are_warned() {
    let mut d = one_service(Some(("http", 8080)));
    d.services[0].kind = WorkloadKind::StatefulSet;
    let page = open_design("ux-catalogue", &d).await;
    assert!(!page.present("known-image").await);
    page.type_into("services/s1/image", "postgres:16.4").await;
    let offer = page.text("known-image").await;
    assert!(
        offer.contains("runs as uid 999") && offer.contains("5432") && offer.contains("SIGINT"),
        "{offer}"
    );
    // The hardened defaults contradict the image: uid, read-only paths, port.
    for code in ["KP902", "KP903", "KP904"] {
        page.find(&format!("finding-{code}")).await;
    }
    assert!(page
        .text("finding-KP902")
        .await
        .contains("postgres runs as uid 999"));
    page.click("apply-image-settings").await;
    let yaml = page
        .wait_text("yaml", "postgres' settings", |t| {
            t.contains("containerPort: 5432") && t.contains("runAsUser: 999")
        })
        .await;
    assert!(yaml.contains("pg_isready"), "{yaml}");
    for code in ["KP902", "KP903", "KP904", "KP302", "KP109", "KP110"] {
        assert!(
            !page.present(&format!("finding-{code}")).await,
            "{code} after applying: {}",
            page.text("findings").await
        );
    }
    page.wait_gone("apply-image-settings").await;
    // One undo step takes it all back.
    page.click("undo").await;
    page.find("finding-KP902").await;
    page.close().await;
}

/// The catalogue's settings are the design's tag's; an environment that runs a tag
/// whose build runs as another user (dev's Alpine postgres: uid 70, not 999) says so
/// while it is shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_known_image_says_when_the_environment_shown_runs_it_as_another_user() {
    let mut d = one_service(Some(("postgres", 5432)));
    d.services[0].image = "postgres".into();
    d.services[0].tag = "16.4".into();
    let id = d.services[0].id;
    let dev = d.environments.iter_mut().find(|e| e.name == "dev").unwrap();
    dev.overrides.entry(id).or_default().image_tag = Some("16-alpine".into());
    let page = open_design("ux-catalogue-env", &d).await;
    page.click("env-prod").await;
    let offer = page
        .wait_text("known-image", "prod's postgres", |t| {
            t.contains("runs as uid 999")
        })
        .await;
    assert!(!page.present("known-image-here").await, "{offer}");
    page.click("env-dev").await;
    page.wait_text("known-image-here", "dev's Alpine tag", |t| {
        t == "dev runs postgres:16-alpine, which runs as uid 70, not 999: these settings are the design's tag's."
    })
    .await;
    page.close().await;
}

// 6. Enter on a Fix lands on the field it fixed.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_on_a_fix_focuses_the_fixed_field_not_the_next_fix() {
    let page = Page::open("ux-fix").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    page.find("fix-KP103").await;
    js(
        &page,
        "document.querySelector('[data-testid=\"fix-KP103\"]').focus(); return 0;",
    )
    .await;
    press(&page, &char::from(Key::Enter).to_string()).await;
    page.wait_gone("finding-KP103").await;
    page.wait_until("focus on the grace period", async |p| {
        (focused_id(p).await == GRACE).then(String::new)
    })
    .await;
    assert_eq!(page.value(GRACE).await, "37");
    // A second Enter changes nothing else.
    let before = page.yaml().await;
    press(&page, &char::from(Key::Enter).to_string()).await;
    assert!(page.present("finding-KP207").await, "no other fix applied");
    assert_eq!(page.yaml().await, before);
    page.close().await;
}

/// The inspector's scroll position, and whether the element with `id` is within its
/// visible part.
async fn inspector_scroll(page: &Page, id: &str) -> (f64, bool) {
    let v = js(
        page,
        &format!(
            "const a = document.querySelector('aside.inspector'); const r = a.getBoundingClientRect(); \
             const e = document.getElementById('{id}'); const b = e ? e.getBoundingClientRect() : null; \
             return [a.scrollTop, !!b && b.top >= r.top && b.bottom <= r.bottom];"
        ),
    )
    .await;
    (v[0].as_f64().unwrap_or(-1.0), v[1] == json!(true))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newly_selected_service_starts_at_the_top_unless_a_finding_asked_for_a_field() {
    let design = templates::by_name("miniredis").expect("the miniredis template");
    let page = open_design("ux-inspector-top", &design).await;
    page.client.set_window_size(1280, 720).await.unwrap();
    let [a, b] = [&design.services[0], &design.services[1]];
    page.click_node(&a.name).await;
    // Scrolled down as a user does; the page hears of it by its scroll event.
    js(
        &page,
        "document.querySelector('aside.inspector').scrollTop = 900; return 0;",
    )
    .await;
    page.wait_until("the inspector to be scrolled", async |p| {
        (inspector_scroll(p, "").await.0 > 0.0).then(String::new)
    })
    .await;
    page.click_node(&b.name).await;
    page.wait_text("inspector-title", "the second service", |t| t == b.name)
        .await;
    assert_eq!(
        inspector_scroll(&page, "").await.0,
        0.0,
        "{} starts at the top",
        b.name
    );

    // A finding that points far down another service's inspector shows that field.
    let mut broken = design.clone();
    broken
        .apply(Edit::Set {
            path: FieldPath::service(a.id, "/security/run_as_user"),
            value: json!(0),
        })
        .unwrap();
    let env = presets::default_environment(&broken);
    let findings = rules::validate(&broken, &env);
    let security = FieldPath::service(a.id, "/security/").to_string();
    let finding = findings
        .iter()
        .find(|f| f.path.to_string().starts_with(&security))
        .expect("a finding on runAsUser 0");
    assert_eq!(
        findings.iter().filter(|f| f.code == finding.code).count(),
        1,
        "one finding with {}",
        finding.code
    );
    let field = finding.path.to_string();
    let page2 = open_design("ux-inspector-finding", &broken).await;
    page2.client.set_window_size(1280, 720).await.unwrap();
    page2.click_node(&b.name).await;
    page2.click_finding(finding.code).await;
    page2
        .wait_until("the finding's field to be shown", async |p| {
            let (top, visible) = inspector_scroll(p, &field).await;
            (visible && top > 0.0).then(String::new)
        })
        .await;
    assert_eq!(focused_id(&page2).await, field);
    page.close().await;
    page2.close().await;
}

/// How many inputs under the inspector have an id matching `pattern` (a regular
/// expression).
async fn inspector_inputs(page: &Page, pattern: &str) -> u64 {
    page.client
        .execute(
            "const re = new RegExp(arguments[0]);\
             return [...document.querySelectorAll('aside.inspector input[id]')]\
             .filter(e => re.test(e.id)).length",
            vec![json!(pattern)],
        )
        .await
        .expect("the query runs")
        .as_u64()
        .expect("a count")
}

/// The text of the option a select shows.
async fn shown_option(page: &Page, id: &str) -> String {
    page.client
        .execute(
            "const s = document.getElementById(arguments[0]);\
             return s.selectedIndex < 0 ? '' : s.options[s.selectedIndex].text",
            vec![json!(id)],
        )
        .await
        .expect("the query runs")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// The inspector is built once and its fields follow the selection: after another
/// service is selected, every input, list and message is that service's, and an edit
/// reaches it and no other.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspectors_fields_follow_the_selection_to_another_service() {
    let mut design = one_service(Some(("http", 8080)));
    let worker = Service {
        name: "worker".into(),
        image: "ghcr.io/acme/worker".into(),
        tag: "2.1.0".into(),
        ports: vec![ContainerPort {
            name: "jobs".into(),
            port: 7000,
            protocol: Protocol::TCP,
        }],
        ..Service::default()
    };
    design.apply(Edit::AddService(Box::new(worker))).unwrap();
    let api = design.services[0].id;
    let worker = design.services[1].id;
    for (id, grace) in [(api, 30), (worker, 45)] {
        design
            .apply(Edit::Set {
                path: FieldPath::service(id, "/timing/grace_period_seconds"),
                value: json!(grace),
            })
            .unwrap();
    }
    design
        .apply(Edit::Set {
            path: FieldPath::service(api, "/ports/1"),
            value: json!({"name": "metrics", "port": 9090, "protocol": "TCP"}),
        })
        .unwrap();
    // Each with a readiness probe on its own port: the probe's Check menu offers
    // checks on that port.
    for i in 0..2 {
        let probe = presets::probe(&design.services[i], presets::ProbeKind::Readiness);
        design.services[i].probes.readiness = Some(probe);
    }
    design.config_maps.push(ConfigMapDef {
        name: "shared-config".into(),
        data: [("LOG_LEVEL".to_string(), "info".to_string())].into(),
        residual: None,
        hash_suffix: false,
    });
    let grace = |id| FieldPath::service(id, "/timing/grace_period_seconds").to_string();
    let kind = |id| FieldPath::service(id, "/kind").to_string();
    let ports = |id| format!("^{}/\\d+/port$", FieldPath::service(id, "/ports"));

    let page = open_design("ux-follow-selection", &design).await;
    page.click_node("api").await;
    page.wait_text("inspector-title", "api", |t| t == "api")
        .await;
    assert_eq!(inspector_inputs(&page, &ports(api)).await, 2);
    // Text that does not parse stays in api's field with its message.
    page.type_into(&grace(api), "forty").await;
    assert!(error_of(&page, &grace(api))
        .await
        .contains("not a duration"));
    // A choice made by hand, and a ConfigMap imported through the envFrom menu.
    page.select(&kind(api), "1").await;
    page.wait_text("yaml", "api as a StatefulSet", |t| {
        t.contains("kind: StatefulSet")
    })
    .await;
    page.select("add-env-from", "0").await;
    page.wait_text("yaml", "api's envFrom", |t| {
        t.matches("configMapRef:").count() == 1
    })
    .await;
    assert_eq!(
        page.value("add-env-from").await,
        "",
        "the menu is ready again"
    );
    // What api reads already is not offered again (chosen twice, it was read twice).
    let offered = js(
        &page,
        "return [...document.querySelector('[data-testid=\"add-env-from\"]').options].map(o => o.value)",
    )
    .await;
    assert!(
        !offered.as_array().unwrap().contains(&json!("0")),
        "{offered}"
    );

    page.click_node("worker").await;
    page.wait_text("inspector-title", "worker", |t| t == "worker")
        .await;
    assert_eq!(page.value(&grace(worker)).await, "45", "worker's own value");
    assert_eq!(
        error_of(&page, &grace(worker)).await,
        "",
        "api's message is gone"
    );
    assert_eq!(
        inspector_inputs(&page, &grace(api)).await,
        0,
        "no field of api is left"
    );
    assert_eq!(
        inspector_inputs(&page, &ports(worker)).await,
        1,
        "worker's one port"
    );
    assert_eq!(inspector_inputs(&page, &ports(api)).await, 0);
    assert_eq!(shown_option(&page, &kind(worker)).await, "Deployment");

    // Edits reach worker, and only worker.
    page.type_into(&grace(worker), "50").await;
    page.click(&format!("{}#add", FieldPath::service(worker, "/ports")))
        .await;
    page.wait_until("worker's second port", async |p| {
        (inspector_inputs(p, &ports(worker)).await == 2).then(String::new)
    })
    .await;
    page.select("add-env-from", "0").await;
    page.wait_text("yaml", "worker's envFrom", |t| {
        t.matches("configMapRef:").count() == 2
    })
    .await;
    // A TCP check chosen for worker checks worker's port, not api's.
    let check = FieldPath::service(worker, "/probes/readiness/action").to_string();
    page.select(&check, "2").await;
    page.wait_text("yaml", "worker's TCP readiness check", |t| {
        let lines: Vec<&str> = t.lines().map(str::trim).collect();
        lines.windows(2).any(|w| w == ["tcpSocket:", "port: jobs"])
    })
    .await;
    let yaml = page
        .wait_text("yaml", "worker's grace period", |t| {
            t.contains("terminationGracePeriodSeconds: 50")
        })
        .await;
    assert!(
        yaml.contains("terminationGracePeriodSeconds: 30"),
        "api keeps its last good value"
    );

    // Back on api: its own value and its two ports; the text that did not parse was
    // api's and is not shown on worker's behalf, nor kept.
    page.click_node("api").await;
    page.wait_text("inspector-title", "api", |t| t == "api")
        .await;
    assert_eq!(page.value(&grace(api)).await, "30");
    assert_eq!(shown_option(&page, &kind(api)).await, "StatefulSet");
    assert_eq!(inspector_inputs(&page, &ports(api)).await, 2);
    assert_eq!(inspector_inputs(&page, &ports(worker)).await, 0);
    page.close().await;
}

/// A design whose one service listens on a gRPC port, with a grace period and a
/// readiness probe.
fn grpc_service(name: &str, port: u16, grace: u32) -> Design {
    let mut d = one_service(Some(("grpc", port)));
    let id = d.services[0].id;
    d.services[0].name = name.into();
    d.apply(Edit::Set {
        path: FieldPath::service(id, "/timing/grace_period_seconds"),
        value: json!(grace),
    })
    .unwrap();
    let probe = presets::probe(&d.services[0], presets::ProbeKind::Readiness);
    d.services[0].probes.readiness = Some(probe);
    // A sidecar with a port of its own, and its own readiness probe.
    let mut proxy = Container {
        name: "proxy".into(),
        image: "envoyproxy/envoy".into(),
        tag: "v1.31.0".into(),
        ports: vec![ContainerPort {
            name: "admin".into(),
            port: port + 1,
            protocol: Protocol::TCP,
        }],
        ..Container::default()
    };
    let probe = presets::container_probe(&proxy, presets::ProbeKind::Readiness);
    proxy.probes.readiness = Some(probe);
    d.services[0].containers.push(proxy);
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspector_shows_the_design_just_opened_and_the_ports_as_they_are_now() {
    // Two designs whose services have the same id: opening the second keeps that id
    // selected, and the inspector must still be the second design's.
    let first = grpc_service("api", 8080, 30);
    let second = grpc_service("billing", 50051, 60);
    let id = first.services[0].id;
    assert_eq!(id, second.services[0].id, "the case under test");
    let grace = FieldPath::service(id, "/timing/grace_period_seconds").to_string();
    let check = FieldPath::service(id, "/probes/readiness/action").to_string();
    let grpc_port = |t: &str, port: u16| {
        let lines: Vec<String> = t.lines().map(|l| l.trim().to_string()).collect();
        lines
            .windows(2)
            .any(|w| w[0] == "grpc:" && w[1] == format!("port: {port}"))
    };

    let page = open_design("ux-opened", &first).await;
    page.click_node("api").await;
    page.wait_text("inspector-title", "api", |t| t == "api")
        .await;
    page.type_into(&grace, "forty").await;
    assert!(error_of(&page, &grace).await.contains("not a duration"));

    // The second design, opened by a link pasted into the address bar.
    let url = link::link(&format!("{}/", app_url()), &second);
    page.client
        .execute("location.href = arguments[0]", vec![json!(url)])
        .await
        .unwrap();
    page.wait_text("inspector-title", "billing", |t| t == "billing")
        .await;
    assert_eq!(page.value(&grace).await, "60", "billing's grace period");
    assert_eq!(error_of(&page, &grace).await, "", "api's message is gone");
    // Its readiness check: gRPC probes billing's port, not api's.
    page.select(&check, "0").await;
    page.wait_text("yaml", "an HTTP readiness check", |t| {
        t.contains("httpGet:")
    })
    .await;
    page.select(&check, "1").await;
    page.wait_text("yaml", "billing's gRPC readiness check", |t| {
        grpc_port(t, 50051)
    })
    .await;

    // A port renumbered while the service is selected: the check chosen next probes
    // the number it has now.
    let port = FieldPath::service(id, "/ports/0/port").to_string();
    page.scroll_into_view(&port).await;
    page.type_into(&port, "50052").await;
    page.wait_text("yaml", "the new port", |t| {
        t.contains("containerPort: 50052")
    })
    .await;
    page.select(&check, "0").await;
    page.wait_text("yaml", "an HTTP readiness check", |t| {
        t.contains("httpGet:")
    })
    .await;
    page.select(&check, "1").await;
    page.wait_text("yaml", "the gRPC check on the new port", |t| {
        grpc_port(t, 50052)
    })
    .await;
    // So does the sidecar's, on its own port.
    let port = FieldPath::service(id, "/containers/0/ports/0/port").to_string();
    let check = FieldPath::service(id, "/containers/0/probes/readiness/action").to_string();
    page.scroll_into_view(&port).await;
    page.type_into(&port, "9000").await;
    page.wait_text("yaml", "the sidecar's new port", |t| {
        t.contains("containerPort: 9000")
    })
    .await;
    page.select(&check, "1").await;
    page.wait_text("yaml", "the sidecar's gRPC check on its new port", |t| {
        grpc_port(t, 9000)
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_containers_own_run_as_settings_show_and_edit() {
    // As an import of a container that sets its own securityContext gives: the pod sets
    // nothing, the container runs as 10001, non-root.
    let mut design = one_service(Some(("http", 8080)));
    let id = design.services[0].id;
    let security = &mut design.services[0].security;
    security.run_as_user = None;
    security.container_run_as_non_root = Some(true);
    security.container_run_as_user = Some(10001);
    let non_root = FieldPath::service(id, "/security/container_run_as_non_root").to_string();
    let user = FieldPath::service(id, "/security/container_run_as_user").to_string();

    let page = open_design("ux-container-security", &design).await;
    page.click_node("api").await;
    page.wait_text("inspector-title", "api", |t| t == "api")
        .await;
    assert_eq!(shown_option(&page, &non_root).await, "Yes");
    assert_eq!(page.value(&user).await, "10001");
    page.scroll_into_view(&user).await;
    page.type_into(&user, "20000").await;
    page.wait_text("yaml", "the container's runAsUser", |t| {
        let own = container_security(t);
        own.contains(&"runAsUser: 20000".to_string())
            && own.contains(&"runAsNonRoot: true".to_string())
    })
    .await;
    // Back to the pod's setting: the container says nothing of its own.
    page.select(&non_root, "0").await;
    page.wait_text("yaml", "no runAsNonRoot of the container's", |t| {
        let own = container_security(t);
        own.contains(&"runAsUser: 20000".to_string())
            && !own.iter().any(|l| l.starts_with("runAsNonRoot"))
    })
    .await;
    page.close().await;
}

/// The lines of the (one) container's securityContext in `yaml`, trimmed.
fn container_security(yaml: &str) -> Vec<String> {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut lines = yaml
        .lines()
        .skip_while(|l| *l != "        securityContext:");
    lines.next();
    lines
        .take_while(|l| indent(l) > 8)
        .map(|l| l.trim().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_removes_a_service_from_the_canvas_not_from_a_panels_button() {
    let design = one_service(Some(("http", 8080)));
    let page = open_design("ux-delete-focus", &design).await;
    page.click_node("api").await;
    page.wait_text("inspector-title", "api", |t| t == "api")
        .await;
    // A button of the panel under the canvas has the focus: Delete is not for api.
    page.click("tab-disruption").await;
    assert_eq!(page.focused().await, "tab-disruption");
    page.press(char::from(Key::Delete), false).await;
    page.press(char::from(Key::Backspace), false).await;
    // Something that happens after the keys: the service is still there.
    page.click("tab-timeline").await;
    page.wait_text("yaml", "api still there", |t| t.contains("name: api\n"))
        .await;
    assert!(page.present("node-api").await);
    // From the canvas it goes.
    page.click_node("api").await;
    page.press(char::from(Key::Delete), false).await;
    page.wait_gone("node-api").await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closing_the_import_dialog_keeps_what_was_pasted() {
    let page = Page::open("ux-import-draft").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  LOG_LEVEL: info\n";
    page.click("open-import").await;
    page.find("import-text")
        .await
        .send_keys(manifest)
        .await
        .unwrap();
    page.wait_text("import-summary", "the summary", |t| t.contains("imported"))
        .await;
    // Escape, then Cancel: each time the text is back when the dialog opens again.
    page.chord(&char::from(Key::Escape).to_string()).await;
    page.wait_gone("import-text").await;
    page.click("open-import").await;
    assert_eq!(page.value("import-text").await, manifest);
    page.wait_text("import-summary", "the summary again", |t| {
        t.contains("imported")
    })
    .await;
    page.click("import-cancel").await;
    page.wait_gone("import-text").await;
    page.click("open-import").await;
    assert_eq!(page.value("import-text").await, manifest);
    // Opened as a design, it is done with: the next import starts empty.
    page.wait_text("import-summary", "the summary again", |t| {
        t.contains("imported")
    })
    .await;
    page.click("import-open").await;
    page.wait_text("yaml", "the imported ConfigMap", |t| {
        t.contains("name: web-config")
    })
    .await;
    page.click("open-import").await;
    assert_eq!(page.value("import-text").await, "");
    page.close().await;
}

// 7. Undo and redo reach the focused field.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_and_redo_show_the_designs_value_in_the_focused_field() {
    let page = Page::open("ux-undo").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    page.type_into(GRACE, "45").await;
    page.wait_text("yaml", "grace 45", |t| {
        t.contains("terminationGracePeriodSeconds: 45")
    })
    .await;
    press(&page, &ctrl("z")).await;
    page.wait_text("yaml", "grace 35 again", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    assert_eq!(focused_id(&page).await, GRACE, "the field keeps focus");
    assert_eq!(page.value(GRACE).await, "35", "the field shows the design");
    press(&page, &ctrl_shift("z")).await;
    page.wait_text("yaml", "grace 45 again", |t| {
        t.contains("terminationGracePeriodSeconds: 45")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "45");
    // A half-typed value that does not parse is taken back first, as in any text field.
    // `4x` goes by way of `4`, which parses; refused, the design keeps the 45 it had
    // before the typing. The first Ctrl+Z shows that 45 again and undoes nothing; the
    // next undoes 45.
    page.type_into(GRACE, "4x").await;
    page.wait_until("the refusal of 4x", async |p| {
        let said = error_of(p, GRACE).await;
        (!said.is_empty()).then_some(said)
    })
    .await;
    page.wait_text("yaml", "grace 45 kept", |t| {
        t.contains("terminationGracePeriodSeconds: 45")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "4x");
    press(&page, &ctrl("z")).await;
    page.wait_until("the design's 45 in the field", async |p| {
        (p.value(GRACE).await == "45").then(String::new)
    })
    .await;
    assert_eq!(error_of(&page, GRACE).await, "", "no message left behind");
    assert!(
        page.text("yaml")
            .await
            .contains("terminationGracePeriodSeconds: 45"),
        "the refused typing taken back, not the step before it"
    );
    press(&page, &ctrl("z")).await;
    page.wait_text("yaml", "grace 35", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "35");
    // The toolbar's buttons do the same, to every input.
    page.click("redo").await;
    page.wait_text("yaml", "grace 45", |t| {
        t.contains("terminationGracePeriodSeconds: 45")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "45");
    page.click("undo").await;
    page.wait_text("yaml", "grace 35", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "35");
    page.close().await;
}

/// Selecting a service brings its findings into view in the findings list, and F6
/// into the findings starts at them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn selecting_a_service_shows_its_findings() {
    let design = templates::by_name("miniredis").expect("the miniredis template");
    let page = open_design("ux-findings-follow", &design).await;
    page.client.set_window_size(1280, 640).await.unwrap();
    // The service whose findings come last, out of view below.
    let last = js(
        &page,
        "const g = [...document.querySelectorAll('.finding-group[data-service]')]; \
         return g[g.length - 1].getAttribute('data-service');",
    )
    .await;
    let last = last.as_str().unwrap().to_string();
    assert!(design.service_named(&last).is_some(), "{last}");
    let in_view = async |p: &Page| {
        js(
            p,
            &format!(
                "const l = document.querySelector('[data-testid=\"findings\"]').getBoundingClientRect(); \
                 const g = document.querySelector('.finding-group[data-service=\"{last}\"]').getBoundingClientRect(); \
                 return g.top >= l.top - 1 && g.top < l.bottom;"
            ),
        )
        .await
            == json!(true)
    };
    assert!(!in_view(&page).await, "out of view at first");
    page.click_node(&last).await;
    page.wait_until("its findings in view", async |p| {
        in_view(p).await.then(String::new)
    })
    .await;
    // F6 from the canvas, past the inspector, into the findings: at the service's own.
    let f6 = format!("{}", char::from(Key::F6));
    press(&page, &f6).await;
    press(&page, &f6).await;
    let at = js(
        &page,
        "const g = document.activeElement.closest('.finding-group'); \
         return g ? g.getAttribute('data-service') : document.activeElement.tagName;",
    )
    .await;
    assert_eq!(
        at,
        json!(last),
        "F6 lands on the selected service's findings"
    );
    page.close().await;
}

/// Whether the field with `id` is marked as just changed by an undo or a redo.
async fn marked_changed(page: &Page, id: &str) -> bool {
    js(
        page,
        &format!(
            "const e = document.getElementById('{id}'); \
             return !!e && !!e.closest('label') && e.closest('label').classList.contains('changed');"
        ),
    )
    .await
        == json!(true)
}

/// An undo made while looking at another service shows what it changed: that service
/// selected, the field scrolled into view and marked, the notice naming it. The keyboard
/// is not taken there. An environment's own value is shown in its environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_undo_shows_and_says_what_it_changed() {
    let design = templates::by_name("miniredis").expect("the miniredis template");
    let page = open_design("ux-undo-shows", &design).await;
    page.client.set_window_size(1280, 720).await.unwrap();
    let [a, b] = [&design.services[0], &design.services[1]];
    page.click_node(&a.name).await;
    let grace = format!("services/s{}/timing/grace_period_seconds", a.id.0);
    let before = page.value(&grace).await;
    page.type_into(&grace, "7").await;
    // (miniredis's YAML is long: only its lines in view are in the page.)
    page.wait_until("the undo button on", async |p| {
        js(
            p,
            "return document.querySelector('[data-testid=\"undo\"]').disabled",
        )
        .await
        .eq(&json!(false))
        .then(String::new)
    })
    .await;
    let typed = page.value(&grace).await;
    assert_ne!(typed, before);
    page.click_node(&b.name).await;
    page.wait_gone(&grace).await;
    page.click("undo").await;
    page.wait_until("the changed service shown", async |p| {
        p.present(&grace).await.then(String::new)
    })
    .await;
    let notice = page
        .wait_text("notice", "what was undone", |t| t.starts_with("Undone in"))
        .await;
    assert_eq!(notice, format!("Undone in {}: Grace period (s)", a.name));
    assert_eq!(page.value(&grace).await, before);
    page.wait_until("the field marked", async |p| {
        marked_changed(p, &grace).await.then(String::new)
    })
    .await;
    assert!(inspector_scroll(&page, &grace).await.1, "the field in view");
    // (The button itself is off now: nothing is left to undo.)
    assert_ne!(
        page.focused().await,
        grace,
        "the keyboard not taken to the field"
    );
    // The mark goes.
    page.wait_until("the mark gone", async |p| {
        (!marked_changed(p, &grace).await).then(String::new)
    })
    .await;

    // Redone from the keyboard, seen from the other service again.
    page.click_node(&b.name).await;
    page.wait_gone(&grace).await;
    press(&page, &ctrl_shift("z")).await;
    page.wait_until("the grace period back", async |p| {
        let v = p.value(&grace).await;
        (v == typed).then_some(v)
    })
    .await;
    page.wait_text("notice", "what was redone", |t| {
        t == format!("Redone in {}: Grace period (s)", a.name)
    })
    .await;
    assert_eq!(page.value(&grace).await, typed);

    // An environment's own value, undone while another environment is shown.
    page.click("env-dev").await;
    let tag = format!("environments/dev/overrides/{}/image_tag", a.id.0);
    page.type_into(&tag, "9.9.9-rc.1").await;
    assert_eq!(page.value(&tag).await, "9.9.9-rc.1");
    page.click("env-prod").await;
    page.click_node(&b.name).await;
    page.click("undo").await;
    page.wait_text("notice", "the environment's value undone", |t| {
        t == format!("Undone in {} in dev: Image tag", a.name)
    })
    .await;
    assert_eq!(page.value(&tag).await, "", "shown in dev, empty again");
    page.close().await;
}

// 9. Dialogs fit, downloads announce themselves, import checks as it goes, plurals.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downloads_announce_the_file_they_wrote() {
    let downloads = fresh_profile("ux-downloads-dir");
    let caps = chrome_capabilities_with_downloads(&fresh_profile("ux-downloads"), &downloads);
    let page = Page::open_with(app_url(), caps).await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    let live = js(
        &page,
        "const n = document.querySelector('[data-testid=\"notice\"]'); return [n.getAttribute('role'), n.getAttribute('aria-live')];",
    )
    .await;
    assert_eq!(live, json!(["status", "polite"]));
    for (buttons, file) in [
        (&["save-file"][..], "connectum.kubeprint.json"),
        (
            &["open-bundle", "download-bundle"][..],
            "connectum-bundle.zip",
        ),
        (&["download-yaml"][..], "connectum-prod.yaml"),
    ] {
        for button in buttons {
            page.click(button).await;
        }
        let notice = page.wait_text("notice", file, |t| t.contains(file)).await;
        assert!(notice.starts_with("Downloaded"), "{notice}");
        page.wait_until(&format!("{file} on disk"), async |_| {
            downloads.join(file).exists().then(String::new)
        })
        .await;
    }
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_template_cards_fit_their_dialog_at_common_sizes() {
    let page = Page::open("ux-gallery").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    for (w, h) in [(1280, 720), (1440, 900)] {
        page.client.set_window_size(w, h).await.unwrap();
        page.click("open-gallery").await;
        page.find("template-empty").await;
        let fit = js(
            &page,
            r#"const m = document.querySelector('.modal').getBoundingClientRect();
               const cards = [...document.querySelectorAll('.card')].map(c => c.getBoundingClientRect());
               const inside = r => r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom;
               const modal = document.querySelector('.modal');
               return [cards.length, cards.every(inside), m.top >= 0 && m.bottom <= innerHeight && m.left >= 0 && m.right <= innerWidth,
                       modal.scrollHeight <= modal.clientHeight, modal.scrollWidth <= modal.clientWidth];"#,
        )
        .await;
        let cards = kubeprint_core::templates::ALL.len();
        assert_eq!(fit, json!([cards, true, true, true, true]), "at {w}x{h}");
        page.chord(&char::from(Key::Escape).to_string()).await;
        page.wait_gone("template-empty").await;
    }
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_checks_as_the_text_arrives_and_counts_read_right() {
    let page = Page::open("ux-import").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    // The gallery counts Connectum's order-service and its shared collector.
    page.click("open-gallery").await;
    let card = page.text("template-connectum").await;
    assert!(card.contains("2 services · 4 environments"), "{card}");
    page.chord(&char::from(Key::Escape).to_string()).await;
    page.click("open-import").await;
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: web\n        image: ghcr.io/Acme/web:1.0\n";
    let text = page.find("import-text").await;
    text.send_keys(manifest).await.unwrap();
    // No Check first: the report is there and Open is enabled.
    let summary = page
        .wait_text("import-summary", "the summary", |t| t.contains("imported"))
        .await;
    assert!(
        summary.contains("1 of 1 document imported") && summary.contains("1 service."),
        "{summary}"
    );
    assert!(
        summary.contains("1 error and"),
        "uppercase image: {summary}"
    );
    page.find("import-report").await;
    let open = page.find("import-open").await;
    assert_eq!(
        open.prop("disabled").await.unwrap().as_deref(),
        Some("false")
    );
    open.click().await.unwrap();
    page.wait_gone("import-text").await;
    let counts = page.text("finding-counts").await;
    assert!(counts.contains("✕ 1 error"), "{counts}");
    let body = page
        .client
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for wrong in [
        "1 errors",
        "1 warnings",
        "1 services",
        "1 objects",
        "1 environments",
    ] {
        assert!(!body.contains(wrong), "{wrong} on the page");
    }
    page.close().await;
}

// 10. Clear words.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_explain_what_they_stand_for() {
    let page = Page::open("ux-words").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    // The first visit says what Kubeprint is; dismissed, it stays dismissed.
    let welcome = page.text("welcome").await;
    assert!(
        welcome.contains("designs Kubernetes manifests") && welcome.contains("+ New"),
        "{welcome}"
    );
    page.click("welcome-dismiss").await;
    page.wait_gone("welcome").await;
    page.client.refresh().await.unwrap();
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    assert!(!page.present("welcome").await, "remembered");

    let attr = async |css: &str, name: &str| -> String {
        page.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .attr(name)
            .await
            .unwrap()
            .unwrap_or_default()
    };
    // The component label says what it is.
    let component = attr(
        "label:has(> [data-testid=\"services/s1/component\"])",
        "title",
    )
    .await;
    assert!(
        component.contains("app.kubernetes.io/component"),
        "{component}"
    );
    // Environment tabs: the number and the observability namespace are explained (it
    // runs the collector the other environments' services send to).
    let obs = attr("[data-testid=\"env-observability\"]", "aria-label").await;
    assert!(
        obs.contains("namespace observability, tier shared; runs 1 service;"),
        "{obs}"
    );
    // Staging switches the collector off: one service set apart there, said as
    // switched off, and two once order-service has its own replicas.
    let staging = attr("[data-testid=\"env-staging\"]", "aria-label").await;
    assert!(
        staging.contains("Δ1 on the tab: 1 service switched off here"),
        "{staging}"
    );
    // The tab shows it as a difference, Δ1, not as a count like the findings'.
    let delta = page
        .client
        .execute(
            "return document.querySelector('[data-testid=\"env-staging\"] [data-testid=\"env-overrides\"]').textContent",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(delta, "Δ1");
    page.click("env-staging").await;
    page.type_into("environments/staging/overrides/1/replicas", "1")
        .await;
    page.wait_until("the tab to explain its number", async |p| {
        let label = p
            .client
            .find(Locator::Css("[data-testid=\"env-staging\"]"))
            .await
            .ok()?
            .attr("aria-label")
            .await
            .ok()??;
        label
            .contains("Δ2 on the tab: 2 services set apart here: 1 with values of its own, 1 switched off")
            .then_some(label)
    })
    .await;
    // An empty value of the environment shows the service's own, which it keeps.
    let tag = page.value("services/s1/tag").await;
    let shown = attr(
        "[data-testid=\"environments/staging/overrides/1/image_tag\"]",
        "placeholder",
    )
    .await;
    assert_eq!(shown, format!("({tag})"));
    let memory = page.value("services/s1/resources/memory_limit").await;
    let shown = attr(
        "[data-testid=\"environments/staging/overrides/1/resources/memory_limit\"]",
        "placeholder",
    )
    .await;
    assert_eq!(shown, format!("({memory})"));
    page.click("env-prod").await;
    // Placeholders are examples.
    let cpu = attr(
        "[data-testid=\"services/s1/resources/cpu_request\"]",
        "placeholder",
    )
    .await;
    assert!(cpu.starts_with("e.g. "), "{cpu}");
    // A ClusterIP Service without a port says it creates nothing yet.
    page.select("services/s1/exposure/service", "1").await;
    assert!(!page.present("service-note").await, "it has a port");
    while page.present("services/s1/exposure/ports/0/name").await {
        page.client
            .find(Locator::Css(".section#section-exposure button.remove"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
    assert!(page
        .text("service-note")
        .await
        .contains("No Service is created until a service port is added"));
    // The design's name is edited from the top bar.
    page.type_into("design/name", "orders").await;
    page.wait_text("yaml", "the new part-of", |t| {
        t.contains("app.kubernetes.io/part-of: orders")
    })
    .await;
    page.close().await;
}

// 11. axe-core on the main states.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_violation_in_the_main_states() {
    use kubeprint_tests::axe::violations;
    let page = Page::open("ux-axe").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    let mut found = Vec::new();
    let mut check = async |state: &str, page: &Page| {
        for v in violations(page).await {
            found.push(format!("{state}: {v}"));
        }
    };
    check(
        "designer with the connectum template, order-service selected",
        &page,
    )
    .await;
    page.click("open-gallery").await;
    page.find("template-miniredis").await;
    check("gallery", &page).await;
    page.click("template-miniredis").await;
    page.wait_text("yaml", "miniredis", |t| t.contains("miniredis-prod"))
        .await;
    page.click("welcome-dismiss").await;
    check("designer with the miniredis template", &page).await;
    page.click("open-environments").await;
    page.find("add-environment").await;
    check("environments page", &page).await;
    page.click("open-import").await;
    let text = page.find("import-text").await;
    let shop = std::fs::read_to_string(
        kubeprint_tests::root().join("core/tests/manifests/shop-mixed.yaml"),
    )
    .unwrap();
    text.send_keys(&shop).await.unwrap();
    page.find("import-report").await;
    check("import dialog with its report", &page).await;
    page.chord(&char::from(Key::Escape).to_string()).await;
    page.wait_gone("import-text").await;
    page.click("share").await;
    page.find("share-link").await;
    check("share dialog", &page).await;
    page.chord(&char::from(Key::Escape).to_string()).await;
    page.click("open-bundle").await;
    page.click("download-bundle").await;
    page.wait_text("notice", "the bundle notice", |t| t.contains("bundle.zip"))
        .await;
    check("after the bundle download", &page).await;
    let theme = page
        .client
        .find(Locator::Css("select.theme"))
        .await
        .unwrap();
    theme.select_by_value("dark").await.unwrap();
    check("dark theme", &page).await;
    assert!(found.is_empty(), "{}", found.join("\n"));
    page.close().await;
}

// Dialogs are modal for the keyboard too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dialog_takes_the_focus_keeps_it_and_gives_it_back() {
    let page = Page::open("dialog-focus").await;
    page.find("node-order-service").await;
    let where_focus = async |p: &Page| {
        let v = js(
            p,
            "const a = document.activeElement; const d = document.querySelector('[role=\"dialog\"]');
             return [a.dataset.testid || a.id || a.tagName, !!(d && d.contains(a)),
                     d ? d.getAttribute('aria-modal') : null];",
        )
        .await;
        (
            v[0].as_str().unwrap_or_default().to_string(),
            v[1] == Value::Bool(true),
            v[2].clone(),
        )
    };
    for (opener, first) in [
        ("open-import", "import-text"),
        ("share", "share-link"),
        ("open-gallery", "template-connectum"),
    ] {
        // Opened from the keyboard: focus the button, press Enter.
        js(
            &page,
            &format!("document.querySelector('[data-testid=\"{opener}\"]').focus()"),
        )
        .await;
        page.press(char::from(Key::Enter), false).await;
        let landed = page
            .wait_until(&format!("focus in {opener}'s dialog"), async |p| {
                let (at, inside, _) = where_focus(p).await;
                inside.then_some(at)
            })
            .await;
        assert_eq!(landed, first, "{opener}'s dialog focuses its first control");
        assert_eq!(where_focus(&page).await.2, json!("true"), "{opener}");
        // Tab and Shift+Tab go round inside it.
        let mut was = landed;
        for step in 0..12 {
            page.press(char::from(Key::Tab), step % 3 == 2).await;
            let (at, inside, _) = where_focus(&page).await;
            assert!(inside, "{opener}: Tab left the dialog for {at}");
            assert_ne!(at, was, "{opener}: Tab did not move the focus");
            was = at;
        }
        // The page's shortcuts stay out of it: Delete does not remove the selected
        // service behind it.
        page.press(char::from(Key::Delete), false).await;
        // Escape closes it and the focus goes back to the button.
        page.press(char::from(Key::Escape), false).await;
        page.wait_until("the dialog to close and focus to return", async |p| {
            let (at, _, modal) = where_focus(p).await;
            (modal.is_null() && at == opener).then_some(at)
        })
        .await;
        assert!(
            page.present("node-order-service").await,
            "Delete in {opener}'s dialog removed the selected service"
        );
    }
    page.close().await;
}

// An environment is renamed from its section: the tab, the environment shown and its
// overrides follow; a name that cannot be one is refused where it was typed. Removing
// one says how to get it back (and undoing it shows it again if it was shown), and the
// last one cannot be removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environment_is_renamed_in_place_and_the_last_one_stays() {
    let page = Page::open("env-rename").await;
    page.find("node-order-service").await;
    page.click("env-prod").await;
    page.click("open-environments").await;
    let enter = char::from(Key::Enter).to_string();
    let pressed = async |p: &Page, env: &str| p.attr(&format!("env-{env}"), "aria-pressed").await;

    let prod_yaml = page.yaml().await;
    page.type_into("environments/prod/name", &format!("Prod{enter}"))
        .await;
    let refused = page
        .wait_text("environments/prod/name-error", "the refusal", |t| {
            !t.is_empty()
        })
        .await;
    assert!(refused.contains("lowercase"), "{refused}");
    assert_eq!(
        page.value("environments/prod/name").await,
        "Prod",
        "kept as typed"
    );
    page.type_into("environments/prod/name", &format!("staging{enter}"))
        .await;
    page.wait_text("environments/prod/name-error", "the duplicate", |t| {
        t.contains("already used")
    })
    .await;

    page.type_into("environments/prod/name", &format!("production{enter}"))
        .await;
    page.find("env-section-production").await;
    assert!(!page.present("env-prod").await, "the old tab is gone");
    // The section was built anew; the focus is back in its name.
    page.wait_until("the focus in the renamed field", async |p| {
        (p.focused().await == "environments/production/name").then(String::new)
    })
    .await;
    // Typing there, Ctrl+Z undoes the typing, not the rename before it.
    let input = page.find("environments/production/name").await;
    input.send_keys("x").await.unwrap();
    input
        .send_keys(&format!(
            "{}z{}",
            char::from(Key::Control),
            char::from(Key::Null)
        ))
        .await
        .unwrap();
    assert!(page.present("env-production").await && !page.present("env-prod").await);
    // Escape brings back the name it has.
    input
        .send_keys(&char::from(Key::Escape).to_string())
        .await
        .unwrap();
    assert_eq!(
        page.value("environments/production/name").await,
        "production"
    );
    assert_eq!(pressed(&page, "production").await, "true", "still shown");
    assert_eq!(
        page.yaml().await,
        prod_yaml,
        "the same objects under the new name"
    );
    let header = js(
        &page,
        "return document.querySelector('section.yaml h2').textContent",
    )
    .await;
    assert_eq!(header, json!("YAML · production"));

    // Undo brings the old name back, and the environment shown follows it again.
    page.click("undo").await;
    page.find("env-section-prod").await;
    assert_eq!(pressed(&page, "prod").await, "true");

    // Removing says how to undo it; the last environment cannot be removed.
    let envs = js(&page, "return [...document.querySelectorAll('nav.envs button')].map(b => b.dataset.testid.slice(4))").await;
    let envs: Vec<String> = serde_json::from_value(envs).unwrap();
    assert!(envs.len() >= 2, "{envs:?}");
    for env in &envs[..envs.len() - 1] {
        page.click_centered(&format!("remove-env-{env}")).await;
        page.wait_text("notice", "the removal notice", |t| {
            t.contains(&format!("Removed {env}")) && t.contains("Ctrl+Z")
        })
        .await;
        page.wait_gone(&format!("env-section-{env}")).await;
    }
    let last = envs.last().unwrap();
    let button = page.find(&format!("remove-env-{last}")).await;
    assert_eq!(
        button.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    assert_eq!(pressed(&page, last).await, "true");

    // Undoing the removals brings the environment that was shown back into view.
    assert!(
        envs[..envs.len() - 1].iter().any(|e| e == "prod"),
        "{envs:?}"
    );
    for env in envs[..envs.len() - 1].iter().rev() {
        page.click("undo").await;
        page.find(&format!("env-section-{env}")).await;
    }
    assert_eq!(pressed(&page, "prod").await, "true", "prod is shown again");
    assert_eq!(pressed(&page, last).await, "false");
    page.close().await;
}

// The top bar is one row on a 1400 px screen and a 1280 px laptop with four environments,
// and stays one row while a notice shows: it floats at the window's bottom right, for a
// few seconds and not past opening another design.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_top_bar_is_one_row_and_notices_float_at_the_bottom() {
    let page = Page::open("top-bar").await;
    page.find("node-order-service").await;
    let rows = "const h = document.querySelector('header.topbar'); \
        const tops = [...h.children].filter(c => c.getBoundingClientRect().height > 0 && !['absolute', 'fixed'].includes(getComputedStyle(c).position)).map(c => Math.round(c.getBoundingClientRect().top)); \
        return [Math.max(...tops) - Math.min(...tops) < 20, h.getBoundingClientRect().bottom, tops.length];";
    for (width, height) in [(1400, 900), (1280, 800)] {
        page.viewport(width, height).await;
        let tabs = js(
            &page,
            "return document.querySelectorAll('nav.envs button').length",
        )
        .await;
        assert_eq!(tabs, json!(4), "connectum's four environments");
        let bar = js(&page, rows).await;
        assert_eq!(bar[0], json!(true), "one row at {width} px: {bar}");
        assert!(bar[2].as_u64().unwrap() > 10, "{bar}");
    }
    let before = js(&page, rows).await;
    page.click("open-environments").await;
    page.click("remove-env-dev").await;
    page.wait_text("notice", "the removal notice", |t| {
        t.contains("Removed dev")
    })
    .await;
    let after = js(&page, rows).await;
    assert_eq!(after, before, "the bar keeps its row and height");
    let boxes = js(
        &page,
        "const r = id => document.querySelector(`[data-testid=${id}]`).getBoundingClientRect(); \
         const n = r('notice'), b = document.querySelector('header.topbar').getBoundingClientRect(); \
         return [n.top >= b.bottom, n.right <= innerWidth, n.width > 100, n.bottom <= innerHeight && n.top > innerHeight / 2];",
    )
    .await;
    assert_eq!(
        boxes,
        json!([true, true, true, true]),
        "under the bar, whole, at the window's bottom (not over the inspector's header)"
    );
    // It is news for a few seconds, then it goes.
    page.wait_text("notice", "the notice gone", str::is_empty)
        .await;
    // Nor does it stay on another design.
    page.click_centered("remove-env-staging").await;
    page.wait_text("notice", "the second removal", |t| {
        t.contains("Removed staging")
    })
    .await;
    page.click("open-gallery").await;
    page.click("template-stfc-fastapi").await;
    page.wait_text("yaml", "another design", |t| {
        t.contains("name: fastapi-app")
    })
    .await;
    assert_eq!(page.text("notice").await, "", "no news of the last design");
    page.close().await;
}

// A name the design refuses (another service has it) is said under the field, which
// keeps what was typed; the design keeps a name that works, and the status corner
// stays quiet.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_already_taken_is_refused_beside_the_field_and_stays_as_typed() {
    let page = Page::open("name-taken").await;
    page.find("node-order-service").await;
    let design = templates::connectum();
    let other = &design.services[1].name;
    let id = "services/s1/name";
    let enter = char::from(Key::Enter);
    // Typed, nothing happens yet: a name applies on Enter or when the field is left.
    page.type_into(id, other).await;
    assert_eq!(
        js(
            &page,
            &format!("return document.getElementById('{id}-error').textContent")
        )
        .await,
        json!("")
    );
    assert!(
        page.present("node-order-service").await,
        "not renamed while typing"
    );
    page.type_into(id, &format!("{other}{enter}")).await;
    let error = js(
        &page,
        &format!("return document.getElementById('{id}-error').textContent"),
    )
    .await;
    assert!(error.as_str().unwrap().contains("already used"), "{error}");
    assert_eq!(page.value(id).await, *other, "kept as typed");
    assert!(
        page.present("node-order-service").await,
        "the design keeps its name"
    );
    assert_eq!(page.text("status").await, "", "said where it was typed");
    // The other service keeps its name and its node.
    assert!(page.present(&format!("node-{other}")).await);
    // A name the API server refuses is refused the same way, with one to try.
    page.type_into(id, &format!("Orders_API{enter}")).await;
    page.wait_until("the refusal", async |p| {
        let said = js(
            p,
            &format!("return document.getElementById('{id}-error').textContent"),
        )
        .await;
        let said = said.as_str()?.replace('`', "");
        (said.contains("cannot name a Service") && said.contains("try orders-api")).then_some(said)
    })
    .await;
    assert_eq!(page.value(id).await, "Orders_API", "kept as typed");
    assert!(page.present("node-order-service").await);
    // Typing on to a free name applies it and clears the message.
    page.type_into(id, &format!("orders{enter}")).await;
    page.find("node-orders").await;
    let error = js(
        &page,
        &format!("return document.getElementById('{id}-error').textContent"),
    )
    .await;
    assert_eq!(error, json!(""));
    page.close().await;
}

/// ConfigMaps are edited in the page: a value for every environment and one of prod's
/// own, a key added (a file with line breaks) and removed, a finding about a key
/// focusing it on the config page; prod's value survives a link, and cleared it gives
/// the design's back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configmap_values_are_edited_for_every_environment_and_for_one() {
    let page = open_design("config-values", &templates::stfc_fastapi()).await;
    page.click("env-prod").await;
    page.click("open-config").await;
    // Opening the page moves the focus into it, to the first value.
    page.wait_until("the first value focused", async |p| {
        (p.focused().await == "config_maps/fastapi-app-env/data/APP_NAME").then(String::new)
    })
    .await;
    page.select("yaml-object", "ConfigMap/").await;
    page.wait_text("yaml", "prod's ConfigMap", |t| {
        t.contains("LOG_LEVEL: INFO") && t.ends_with("namespace: icat-api")
    })
    .await;
    let design = "config_maps/fastapi-app-env/data/LOG_LEVEL";
    let own = "environments/prod/config_values/fastapi-app-env/LOG_LEVEL";
    assert_eq!(page.value(design).await, "INFO");
    assert_eq!(
        page.value(own).await,
        "",
        "prod has no value of its own yet"
    );
    let placeholder = js(
        &page,
        &format!("return document.getElementById('{own}').placeholder"),
    )
    .await;
    assert_eq!(
        placeholder,
        json!("(every environment's)"),
        "empty, prod renders theirs"
    );
    page.type_into(own, "WARNING").await;
    page.wait_text("yaml", "prod's own value", |t| {
        t.contains("LOG_LEVEL: WARNING")
    })
    .await;
    // Dev renders the design's value, and its column is dev's.
    page.click("env-dev").await;
    page.wait_text("yaml", "dev's ConfigMap", |t| {
        t.contains("namespace: icat-api-dev") && t.contains("LOG_LEVEL: INFO")
    })
    .await;
    assert_eq!(
        page.value("environments/dev/config_values/fastapi-app-env/LOG_LEVEL")
            .await,
        ""
    );
    // The design's value, for every environment without one of its own.
    page.type_into(design, "DEBUG").await;
    page.wait_text("yaml", "the design's new value in dev", |t| {
        t.contains("LOG_LEVEL: DEBUG")
    })
    .await;
    page.click("env-prod").await;
    page.wait_text("yaml", "prod keeps its own", |t| {
        t.ends_with("namespace: icat-api") && t.contains("LOG_LEVEL: WARNING")
    })
    .await;

    // A key added by name; its value (a file, line breaks and all) typed next.
    page.type_into("new-key-fastapi-app-env", "bad key").await;
    press(&page, "\n").await;
    let problem = js(
        &page,
        "return document.querySelector('[data-testid=\"new-key-fastapi-app-env\"]').parentElement.querySelector('.error').textContent",
    )
    .await;
    assert!(
        problem
            .as_str()
            .unwrap_or_default()
            .contains("only letters"),
        "{problem}"
    );
    page.type_into("new-key-fastapi-app-env", "logging.ini")
        .await;
    press(&page, "\n").await;
    let file = "config_maps/fastapi-app-env/data/logging.ini";
    page.wait_until("the new key's value focused", async |p| {
        (p.focused().await == file).then(String::new)
    })
    .await;
    press(&page, "[loggers]\nkeys=root").await;
    page.wait_text("yaml", "the file", |t| {
        t.contains("logging.ini: |-\n") && t.contains("    [loggers]\n    keys=root")
    })
    .await;
    // A file ends with its line break, kept as typed when the field is left.
    press(&page, "\n").await;
    press(&page, &char::from(Key::Tab).to_string()).await;
    page.wait_text("yaml", "the file's last line break", |t| {
        t.contains("logging.ini: |\n    [loggers]\n    keys=root\n")
    })
    .await;

    // A finding about a key opens the config page at it.
    page.type_into("new-key-fastapi-app-env", "DB_PASSWORD")
        .await;
    press(&page, "\n").await;
    page.wait_until("the secret-like key's value focused", async |p| {
        (p.focused().await == "config_maps/fastapi-app-env/data/DB_PASSWORD").then(String::new)
    })
    .await;
    press(&page, "hunter2").await;
    page.wait_text("findings", "KP609", |t| t.contains("KP609"))
        .await;
    js(
        &page,
        "document.querySelector('.config-page .inspector-head button').click()",
    )
    .await;
    assert!(!page.present("config-map-fastapi-app-env").await);
    page.click_finding("KP609").await;
    page.wait_until("the key focused", async |p| {
        (p.focused().await == "config_maps/fastapi-app-env/data/DB_PASSWORD").then(String::new)
    })
    .await;
    js(
        &page,
        "document.querySelector('[aria-label=\"Remove key DB_PASSWORD\"]').click()",
    )
    .await;
    page.wait_text("yaml", "the key removed", |t| !t.contains("DB_PASSWORD"))
        .await;
    page.wait_until("the next key's value focused", async |p| {
        (p.focused().await == "config_maps/fastapi-app-env/data/DB_PORT").then(String::new)
    })
    .await;

    // Through a link, in a browser that never saw the design.
    page.click("share").await;
    let url = page.value("share-link").await;
    let other = Page::open_at("config-values-link", &url).await;
    other.click("env-prod").await;
    other.select("yaml-object", "ConfigMap/").await;
    other
        .wait_text("yaml", "prod's value through the link", |t| {
            t.contains("LOG_LEVEL: WARNING") && t.contains("keys=root")
        })
        .await;
    other.close().await;

    // Named by its data, as Kustomize's generator names it: prod's ConfigMap is
    // `fastapi-app-env-<hash>`.
    page.click("share-close").await;
    page.click("config_maps/fastapi-app-env/hash_suffix").await;
    let named = page
        .wait_text("yaml", "the generated name", |t| {
            t.contains("name: fastapi-app-env-")
        })
        .await;
    let hash = named
        .split("name: fastapi-app-env-")
        .nth(1)
        .and_then(|rest| rest.lines().next())
        .unwrap_or_default();
    assert_eq!(hash.len(), 10, "{named}");

    // Renamed, the ConfigMap is read by its new name and keeps prod's value. (Its
    // name is at the top of the section, under the page's sticky head once scrolled.)
    page.scroll_into_view("config_maps/fastapi-app-env/name")
        .await;
    page.type_into("config_maps/fastapi-app-env/name", "api-env")
        .await;
    press(&page, "\n").await;
    page.wait_text("yaml", "the renamed ConfigMap", |t| {
        t.contains("name: api-env-") && t.contains("LOG_LEVEL: WARNING")
    })
    .await;
    let own = "environments/prod/config_values/api-env/LOG_LEVEL";

    // Prod's value cleared: the design's again.
    let field = page.find(own).await;
    field.click().await.unwrap();
    field.send_keys(&ctrl("a")).await.unwrap();
    field
        .send_keys(&char::from(Key::Backspace).to_string())
        .await
        .unwrap();
    page.wait_text("yaml", "the design's value in prod", |t| {
        t.contains("LOG_LEVEL: DEBUG")
    })
    .await;
    page.close().await;
}

/// A StatefulSet's claim is sized and classed for production alone in the inspector's
/// override fields: prod's claim template asks for them, dev's keeps the service's; a
/// size that is no quantity is refused where it is typed, a class that is no name found.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volume_claim_is_sized_and_classed_for_one_environment() {
    let design = templates::stfc_fastapi();
    let db = design.service_named("icat-mariadb").unwrap().id;
    let page = open_design("claim-size", &design).await;
    page.click("env-prod").await;
    page.click_node("icat-mariadb").await;
    page.wait_text("inspector-title", "icat-mariadb", |t| t == "icat-mariadb")
        .await;
    page.select("yaml-object", "StatefulSet/").await;
    let field = format!("environments/prod/overrides/{}/storage/data", db.0);
    page.scroll_into_view(&field).await;
    page.type_into(&field, "200Gi").await;
    page.wait_text("yaml", "prod's size", |t| t.contains("storage: 200Gi"))
        .await;
    // The service's Size field says prod has its own, and leads to it.
    let base = format!("services/s{}/storage/0/size", db.0);
    let own = async |p: &Page| {
        let said = p
            .client
            .execute(
                "const o = document.getElementById(arguments[0]).closest('label').querySelector('.own-value'); return o ? o.textContent : '';",
                vec![serde_json::json!(base)],
            )
            .await
            .expect("the field's own value");
        said.as_str().unwrap_or_default().to_string()
    };
    page.wait_until("prod's own size said", async |p| {
        (own(p).await == "prod has its own: 200Gi").then(String::new)
    })
    .await;
    // The field itself is marked as not prod's, says whose value it is, and takes no
    // typing while prod is shown (it would go to the others).
    let marked = async |p: &Page| {
        js(
            p,
            &format!(
                "const f = document.getElementById('{base}'); const l = f.closest('label'); const n = l.querySelector('.own-note'); return [l.classList.contains('overridden'), f.readOnly, n ? n.textContent : '', n ? n.title : ''];"
            ),
        )
        .await
    };
    assert_eq!(
        marked(&page).await,
        json!([
            true,
            true,
            "dev and staging's value, read-only here",
            "The value above is what dev and staging render: show dev to edit it; prod's own is the button above"
        ])
    );
    let size = page.value(&base).await;
    page.type_into(&base, "999Gi").await;
    assert_eq!(
        page.value(&base).await,
        size,
        "nothing typed goes to the others"
    );
    page.client
        .execute(
            "document.getElementById(arguments[0]).closest('label').querySelector('.own-value').click()",
            vec![serde_json::json!(base)],
        )
        .await
        .expect("go to prod's size");
    page.wait_until("prod's size focused", async |p| {
        (p.focused().await == field).then(String::new)
    })
    .await;
    page.click("env-dev").await;
    page.wait_text("yaml", "dev's size, the service's", |t| {
        t.contains("storage: 5Gi") && !t.contains("200Gi")
    })
    .await;
    assert_eq!(own(&page).await, "", "dev has no size of its own");
    assert_eq!(
        marked(&page).await,
        json!([false, false, "", ""]),
        "dev's field is its own"
    );

    // A size that is no quantity is refused where it is typed and changes nothing.
    page.click("env-prod").await;
    let field = format!("environments/prod/overrides/{}/storage/data", db.0);
    page.scroll_into_view(&field).await;
    page.type_into(&field, "lots").await;
    let error = page
        .wait_until("the refused size", async |p| {
            let text = p
                .client
                .execute(
                    "const e = document.getElementById(arguments[0]); return e ? e.textContent : '';",
                    vec![serde_json::json!(format!("{field}-error"))],
                )
                .await
                .expect("the field's error");
            let text = text.as_str().unwrap_or_default().to_string();
            (!text.is_empty()).then_some(text)
        })
        .await;
    assert!(error.contains("quantity"), "{error}");
    assert!(page.yaml().await.contains("storage: 200Gi"));

    // Prod's claim on a StorageClass of its own; dev's on the cluster's default.
    let class = format!("environments/prod/overrides/{}/storage_class/data", db.0);
    page.scroll_into_view(&class).await;
    page.type_into(&class, "premium-ssd").await;
    page.wait_text("yaml", "prod's class", |t| {
        t.contains("storageClassName: premium-ssd")
    })
    .await;
    page.click("env-dev").await;
    page.wait_text("yaml", "dev's claim, on the default class", |t| {
        t.contains("storage: 5Gi") && !t.contains("storageClassName")
    })
    .await;
    // A class that is no object name is found where it is set.
    page.click("env-prod").await;
    page.scroll_into_view(&class).await;
    page.type_into(&class, "Premium SSD").await;
    page.wait_text("findings", "the class's KP401", |t| {
        t.contains("KP401") && t.contains("StorageClass Premium SSD")
    })
    .await;
    page.close().await;
}

/// A variable of the service is given prod's own value in the inspector's override
/// fields, then left out of prod; a variable only prod sets is added by name and typed
/// at once. Dev keeps the service's variables throughout; a name that is no variable
/// name is refused where it is typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_variable_is_set_left_out_or_added_for_one_environment() {
    let mut design = templates::stfc_fastapi();
    let api = design.service_named("fastapi-app").unwrap().id;
    let vars = &mut design.service_mut(api).unwrap().config.env;
    vars.push(EnvVar::literal("UVICORN_LOG_LEVEL", "info"));
    let page = open_design("vars-here", &design).await;
    page.click("env-prod").await;
    page.click_node("fastapi-app").await;
    page.wait_text("inspector-title", "fastapi-app", |t| t == "fastapi-app")
        .await;
    page.select("yaml-object", "Deployment/fastapi-app").await;
    let here = |name: &str| format!("environments/prod/overrides/{}/env/{name}", api.0);
    let field = here("UVICORN_LOG_LEVEL");
    page.scroll_into_view(&field).await;
    let level = "warning,uvicorn.access=error,uvicorn.error=warning,orders=info";
    page.type_into(&field, level).await;
    page.wait_text("yaml", "prod's own log level", |t| {
        t.contains("name: UVICORN_LOG_LEVEL\n") && t.contains("value: warning")
    })
    .await;
    // The service's own variable says prod has its own value, wrapped in the narrow
    // field rather than running under its neighbour.
    let own = format!(
        "services/s{}/config/env/{}/value/literal",
        api.0,
        design.service(api).unwrap().config.env.len() - 1
    );
    let said = page
        .wait_until("prod's value under the service's", async |p| {
            let v = p
                .client
                .execute(
                    "const o = document.getElementById(arguments[0]).closest('label').querySelector('.own-value'); return o ? [o.textContent, o.scrollWidth <= o.clientWidth + 1] : null;",
                    vec![serde_json::json!(own)],
                )
                .await
                .expect("the own value");
            let v = v.as_array()?;
            Some(format!("{} fits: {}", v[0].as_str()?, v[1]))
        })
        .await;
    assert_eq!(
        said,
        format!("prod has its own: {level} fits: true"),
        "wrapped, not cut"
    );
    page.click("env-dev").await;
    page.wait_text("yaml", "dev's, the service's", |t| {
        t.contains("UVICORN_LOG_LEVEL") && !t.contains("value: warning")
    })
    .await;

    page.click("env-prod").await;
    page.click_centered(&format!("{field}#unset")).await;
    page.wait_text("yaml", "left out of prod", |t| {
        t.contains("kind: Deployment") && !t.contains("UVICORN_LOG_LEVEL")
    })
    .await;

    let enter = char::from(fantoccini::key::Key::Enter);
    page.click_centered("new-var-here").await;
    page.type_into("new-var-here", &format!("sentry-dsn{enter}"))
        .await;
    page.wait_until("a name that is no variable name refused", async |p| {
        let said = p
            .client
            .execute(
                "return document.querySelector('[data-testid=\"new-var-here\"]').closest('label').querySelector('.error').textContent",
                vec![],
            )
            .await
            .expect("the error");
        let said = said.as_str().unwrap_or_default().to_string();
        said.contains("sentry-dsn").then_some(said)
    })
    .await;
    page.type_into("new-var-here", &format!("SENTRY_DSN{enter}"))
        .await;
    page.wait_until("the new variable's value focused", async |p| {
        (p.focused().await == here("SENTRY_DSN")).then(String::new)
    })
    .await;
    page.find(&here("SENTRY_DSN"))
        .await
        .send_keys("https://key@sentry.example.org/12")
        .await
        .expect("type");
    page.wait_text("yaml", "prod's own variable", |t| {
        t.contains("name: SENTRY_DSN\n") && t.contains("https://key@sentry.example.org/12")
    })
    .await;
    // A name the app's ConfigMap (read whole) gives a value is said to win over it,
    // not to be prod's only.
    page.type_into("new-var-here", &format!("LOG_LEVEL{enter}"))
        .await;
    page.wait_until("the new variable's value focused", async |p| {
        (p.focused().await == here("LOG_LEVEL")).then(String::new)
    })
    .await;
    let label = async |p: &Page, name: &str| -> String {
        p.client
            .execute(
                "return document.getElementById(arguments[0]).closest('label').textContent",
                vec![serde_json::json!(here(name))],
            )
            .await
            .expect("the label")
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let said = label(&page, "LOG_LEVEL").await;
    assert!(
        said.contains("LOG_LEVEL (here, over ConfigMap fastapi-app-env's)"),
        "{said}"
    );
    let said = label(&page, "SENTRY_DSN").await;
    assert!(said.contains("SENTRY_DSN (only here)"), "{said}");
    page.click("env-dev").await;
    page.wait_text("yaml", "dev without prod's", |t| {
        t.contains("UVICORN_LOG_LEVEL") && !t.contains("SENTRY_DSN")
    })
    .await;
    // The app's ConfigMap, which only it reads, is one of its objects in the menu.
    page.select("yaml-object", "ConfigMap/fastapi-app-env")
        .await;
    page.wait_text("yaml", "the app's ConfigMap alone", |t| {
        t.contains("kind: ConfigMap")
            && t.contains("name: fastapi-app-env")
            && !t.contains("kind: Deployment")
    })
    .await;
    page.close().await;
}

/// Prod reads the app's `DATABASE_URL` from a Secret where dev writes it: chosen in the
/// variable's From, its Secret and key typed; a key the Secret lacks is found at the key
/// field and fixed; dev keeps the service's value throughout; back to a value, prod
/// writes the service's again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_variable_is_read_from_a_secret_in_one_environment() {
    let mut design = templates::stfc_fastapi();
    design.secrets.push(SecretDef {
        name: "icat-api-prod".into(),
        kind: "Opaque".into(),
        keys: vec!["database-url".into()],
        residual: None,
        external: false,
    });
    let api = design.service_named("fastapi-app").unwrap().id;
    let url = "mysql://icat:icat@icat-mariadb:3306/icat";
    let vars = &mut design.service_mut(api).unwrap().config.env;
    vars.push(EnvVar::literal("DATABASE_URL", url));
    let page = open_design("vars-from-secret", &design).await;
    page.click("env-prod").await;
    page.click_node("fastapi-app").await;
    page.wait_text("inspector-title", "fastapi-app", |t| t == "fastapi-app")
        .await;
    page.select("yaml-object", "Deployment/fastapi-app").await;
    let here = format!("environments/prod/overrides/{}/env/DATABASE_URL", api.0);
    let from = format!("{here}#from");
    page.scroll_into_view(&from).await;
    page.select(&from, "2").await;
    let (name, key) = (
        format!("{here}/secret_key/name"),
        format!("{here}/secret_key/key"),
    );
    page.find(&name).await;
    // No Secret has a key of the variable's name: the service's own is made with it.
    assert_eq!(page.value(&name).await, "fastapi-app-secrets");
    assert_eq!(page.value(&key).await, "DATABASE_URL");
    // Which the status bar says, since nothing else here shows a Secret was made.
    page.wait_text("status", "the Secret made", |t| {
        t.contains("Made Secret") && t.contains("fastapi-app-secrets")
    })
    .await;
    page.type_into(&name, "icat-api-prod").await;
    page.type_into(&key, "database_url").await;
    page.wait_text("yaml", "prod reads it from the Secret", |t| {
        t.contains("name: icat-api-prod") && t.contains("key: database_url") && !t.contains(url)
    })
    .await;
    // A key the Secret lacks: found, and the finding leads to the key.
    let finding = page
        .wait_text("findings", "the missing key", |t| t.contains("KP305"))
        .await;
    assert!(finding.contains("database_url"), "{finding}");
    page.click_finding("KP305").await;
    page.wait_until("the key focused", async |p| {
        (p.focused().await == key).then(String::new)
    })
    .await;
    page.type_into(&key, "database-url").await;
    page.wait_text("findings", "the key the Secret has", |t| {
        !t.contains("KP305")
    })
    .await;
    page.wait_text("yaml", "prod's key", |t| t.contains("key: database-url"))
        .await;
    assert_eq!(page.value(&from).await, "2", "From says Secret");
    page.click("env-dev").await;
    page.wait_text("yaml", "dev writes the service's value", |t| {
        t.contains(url) && !t.contains("icat-api-prod")
    })
    .await;
    page.click("env-prod").await;
    page.scroll_into_view(&from).await;
    page.select(&from, "0").await;
    page.wait_text("yaml", "prod writes the service's again", |t| {
        t.contains(url) && !t.contains("name: icat-api-prod")
    })
    .await;
    page.find(&here).await;
    assert_eq!(
        page.value(&here).await,
        "",
        "the service's value, none of prod's"
    );
    page.close().await;
}

/// The STFC FastAPI design with its app public at `icat.example.org` over TLS from
/// cert-manager, and the app's id.
fn fastapi_behind_tls() -> (Design, ServiceId) {
    let mut design = templates::stfc_fastapi();
    let api = design.service_named("fastapi-app").unwrap().id;
    design.service_mut(api).unwrap().exposure.ingress = Some(IngressRoute {
        host: "icat.example.org".into(),
        path: "/".into(),
        port: "http".into(),
        tls: true,
        tls_secret: None,
    });
    (design, api)
}

/// A service's Ingress host is set for one environment in the inspector's override
/// fields: that environment's Ingress answers it, the others keep the service's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ingress_host_is_set_for_one_environment() {
    let (design, api) = fastapi_behind_tls();
    let page = open_design("ingress-host", &design).await;
    page.click("env-dev").await;
    page.click_node("fastapi-app").await;
    page.wait_text("inspector-title", "fastapi-app", |t| t == "fastapi-app")
        .await;
    page.select("yaml-object", "Ingress/").await;
    page.type_into(
        &format!("environments/dev/overrides/{}/ingress_host", api.0),
        "icat.dev.example.org",
    )
    .await;
    page.wait_text("yaml", "dev's host", |t| {
        t.contains("host: icat.dev.example.org") && !t.contains("icat.example.org")
    })
    .await;
    // The canvas names the host this environment answers on.
    let title = js(
        &page,
        "return document.querySelector('[data-testid=\"node-fastapi-app\"] > title').textContent",
    )
    .await;
    assert_eq!(title, json!("fastapi-app (Ingress icat.dev.example.org)"));
    // A URL pasted gives its host; a name no Ingress may have is refused at the field,
    // and the design keeps the host it had.
    let field = format!("environments/dev/overrides/{}/ingress_host", api.0);
    page.type_into(&field, "https://ICAT.dev2.example.org/api")
        .await;
    page.wait_text("yaml", "the URL's host", |t| {
        t.contains("host: icat.dev2.example.org")
    })
    .await;
    // Left, the field shows the host it took.
    let tab = char::from(fantoccini::key::Key::Tab).to_string();
    page.find(&field).await.send_keys(&tab).await.unwrap();
    page.wait_until("the host shown", async |p| {
        let shown = p.value(&field).await;
        (shown == "icat.dev2.example.org").then_some(shown)
    })
    .await;
    page.type_into(&field, "icat_dev.example.org").await;
    page.wait_until("the refusal", async |p| {
        let said = error_of(p, &field).await;
        (said.contains("icat_dev.example.org") && said.contains("is not a host name"))
            .then_some(said)
    })
    .await;
    page.wait_text("yaml", "the host kept", |t| {
        t.contains("host: icat.dev2.example.org")
    })
    .await;
    page.click("env-prod").await;
    page.wait_text("yaml", "prod's host", |t| {
        t.contains("host: icat.example.org") && t.contains("namespace: icat-api")
    })
    .await;
    page.close().await;
}

/// An Ingress's certificate from a Secret that exists already: named in the inspector,
/// the Ingress terminates TLS with it and asks cert-manager for nothing, and a rename
/// of the service leaves it alone; emptied, cert-manager's is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ingress_uses_an_existing_tls_secret() {
    let (design, api) = fastapi_behind_tls();
    let page = open_design("tls-secret", &design).await;
    page.click_node("fastapi-app").await;
    page.wait_text("inspector-title", "fastapi-app", |t| t == "fastapi-app")
        .await;
    page.select("yaml-object", "Ingress/").await;
    page.wait_text("yaml", "cert-manager's Secret", |t| {
        t.contains("secretName: fastapi-app-tls") && t.contains("cert-manager.io/cluster-issuer")
    })
    .await;
    let field = format!("services/s{}/exposure/ingress/tls_secret", api.0);
    page.scroll_into_view(&field).await;
    page.type_into(&field, "wildcard-example-org").await;
    page.wait_text("yaml", "the existing Secret", |t| {
        t.contains("secretName: wildcard-example-org") && !t.contains("cert-manager.io")
    })
    .await;
    let name = format!("services/s{}/name", api.0);
    page.scroll_into_view(&name).await;
    page.type_into(&name, "icat-api").await;
    press(&page, "\n").await;
    page.wait_text("yaml", "the Secret kept through the rename", |t| {
        t.contains("name: icat-api") && t.contains("secretName: wildcard-example-org")
    })
    .await;
    page.scroll_into_view(&field).await;
    page.type_into(&field, &char::from(Key::Backspace).to_string())
        .await;
    page.wait_text("yaml", "cert-manager's Secret again", |t| {
        t.contains("secretName: icat-api-tls") && t.contains("cert-manager.io/cluster-issuer")
    })
    .await;
    page.close().await;
}

/// A Secret renamed on the config page is read by its new name (Enter applies it); a
/// new Secret takes the focus to its keys.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_is_renamed_and_added_on_the_config_page() {
    let page = open_design("secret-rename", &templates::miniredis()).await;
    page.click("open-config").await;
    page.click_node("auth-service").await;
    page.select("yaml-object", "Deployment/auth-service").await;
    page.wait_text("yaml", "the old name read", |t| {
        t.contains("name: auth-service-secrets")
    })
    .await;
    page.click("open-config").await;
    let name = "secrets/auth-service-secrets/name";
    page.type_into(name, "auth-signing").await;
    press(&page, "\n").await;
    page.wait_text("yaml", "the new name read", |t| {
        t.contains("name: auth-signing") && !t.contains("auth-service-secrets")
    })
    .await;
    assert!(page.present("secret-auth-signing").await);
    assert!(!page.present("secret-auth-service-secrets").await);

    page.type_into("new-secret", "stripe-keys").await;
    press(&page, "\n").await;
    page.wait_until("the new Secret's keys focused", async |p| {
        (p.focused().await == "new-secret-key-stripe-keys").then(String::new)
    })
    .await;
    page.close().await;
}

/// A Secret ticked as made outside Kubeprint leaves the YAML (applying never writes
/// placeholders over its values) while its readers still read it; unticked, it is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_made_outside_leaves_the_yaml_and_its_readers_keep_it() {
    let page = open_design("secret-outside", &templates::miniredis()).await;
    page.select("yaml-object", "Secret/").await;
    page.wait_text("yaml", "the Secret written", |t| {
        t.contains("name: auth-service-secrets")
    })
    .await;
    page.click("open-config").await;
    page.click("secrets/auth-service-secrets/external").await;
    page.wait_text("yaml", "the Secret no longer written", |t| {
        !t.contains("name: auth-service-secrets") && t.contains("kind: Secret")
    })
    .await;
    assert!(
        !page.present("finding-KP305").await,
        "its readers still find it"
    );
    page.click("secrets/auth-service-secrets/external").await;
    page.wait_text("yaml", "the Secret written again", |t| {
        t.contains("name: auth-service-secrets")
    })
    .await;
    page.close().await;
}

/// An environment's namespace applies on Enter, and the addresses of its services move
/// with it: Connectum's services send telemetry to the observability namespace's
/// collector, which follows it to `telemetry`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_namespace_set_on_enter_takes_its_services_addresses_along() {
    let page = open_design("namespace-moved", &templates::connectum()).await;
    page.select("yaml-object", "ConfigMap/").await;
    page.wait_text("yaml", "the collector's address", |t| {
        t.contains("otel-collector.observability.svc.cluster.local:4317")
    })
    .await;
    page.click("open-environments").await;
    page.type_into("environments/observability/namespace", "telemetry")
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(
        page.yaml()
            .await
            .contains("otel-collector.observability.svc"),
        "nothing applies before Enter"
    );
    press(&page, "\n").await;
    page.wait_text("yaml", "the address moved", |t| {
        t.contains("otel-collector.telemetry.svc.cluster.local:4317")
            && !t.contains("observability.svc")
    })
    .await;
    page.close().await;
}

/// A Secret's key renamed on the config page is read by its new name; a name the API
/// server refuses, or one the Secret has, is explained and changes nothing. A key
/// removed leaves its reader with a finding whose fix adds it back, and a key is added
/// by name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_key_is_renamed_removed_and_added_on_the_config_page() {
    let page = open_design("secret-key", &templates::stfc_fastapi()).await;
    page.click_node("fastapi-app").await;
    page.select("yaml-object", "Deployment/fastapi-app").await;
    page.wait_text("yaml", "the key read", |t| {
        t.contains("key: MARIADB_PASSWORD")
    })
    .await;
    page.click("open-config").await;
    let key = "secret-key-icat-mariadb-credentials-MARIADB_PASSWORD";
    page.type_into(key, "MARIADB ROOT").await;
    press(&page, "\n").await;
    let problem = page
        .wait_text(&format!("{key}-error"), "the refused key", |t| {
            !t.is_empty()
        })
        .await;
    assert!(problem.contains("letters"), "{problem}");
    page.type_into(key, "MARIADB_ROOT_PASSWORD").await;
    press(&page, "\n").await;
    let problem = page
        .wait_text(&format!("{key}-error"), "the taken key", |t| {
            t.contains("ROOT")
        })
        .await;
    assert!(problem.contains("already"), "{problem}");
    assert!(page.yaml().await.contains("key: MARIADB_PASSWORD"));

    page.type_into(key, "MARIADB_APP_PASSWORD").await;
    press(&page, "\n").await;
    page.wait_text("yaml", "the new key read", |t| {
        t.contains("key: MARIADB_APP_PASSWORD") && !t.contains("key: MARIADB_PASSWORD")
    })
    .await;
    let renamed = "secret-key-icat-mariadb-credentials-MARIADB_APP_PASSWORD";
    page.wait_until("the renamed key focused", async |p| {
        (p.focused().await == renamed).then(String::new)
    })
    .await;

    // Undone and redone from the keyboard, the row is drawn anew and the keyboard
    // keeps its place in it: on the key's remove button.
    let remove_focused = |key: &'static str| {
        async move |p: &Page| {
            let label = p
                .client
                .execute(
                    "return document.activeElement.getAttribute('aria-label') || document.activeElement.tagName",
                    vec![],
                )
                .await
                .expect("the focused element");
            (label.as_str() == Some(&format!("Remove key {key}"))).then(String::new)
        }
    };
    press(&page, &char::from(Key::Tab).to_string()).await;
    page.wait_until(
        "the remove button focused",
        remove_focused("MARIADB_APP_PASSWORD"),
    )
    .await;
    press(&page, &ctrl("z")).await;
    page.wait_until(
        "the rename undone, focus kept",
        remove_focused("MARIADB_PASSWORD"),
    )
    .await;
    press(&page, &ctrl_shift("z")).await;
    page.wait_until(
        "the rename redone, focus kept",
        remove_focused("MARIADB_APP_PASSWORD"),
    )
    .await;

    // Removed: the Deployment still reads it, and the finding's fix adds it back.
    page.client
        .find(Locator::Css(
            "[data-key=\"MARIADB_APP_PASSWORD\"] button[aria-label=\"Remove key MARIADB_APP_PASSWORD\"]",
        ))
        .await
        .expect("the key's remove button")
        .click()
        .await
        .expect("remove the key");
    page.wait_gone(renamed).await;
    let finding = page
        .wait_text("findings", "the missing key", |t| t.contains("KP305"))
        .await;
    assert!(finding.contains("MARIADB_APP_PASSWORD"), "{finding}");
    page.click("fix-KP305").await;
    page.wait_text("findings", "the key added back", |t| !t.contains("KP305"))
        .await;
    page.wait_text("notice", "the key the fix added, said", |t| {
        t.contains("Added key MARIADB_APP_PASSWORD to Secret") && t.contains("placeholder")
    })
    .await;
    // The focus goes to the field of the variable that names the key (what the finding
    // points at), not to another finding's Fix.
    let api = templates::stfc_fastapi()
        .service_named("fastapi-app")
        .unwrap()
        .id;
    let reader = format!("services/s{}/config/env/0/value/secret_key/key", api.0);
    page.wait_until("the reading variable's key focused", async |p| {
        (p.focused().await == reader).then(String::new)
    })
    .await;
    page.click("open-config").await;
    page.find(renamed).await;

    // Added by name; a key the Secret has is refused.
    let add = "new-secret-key-icat-mariadb-credentials";
    page.type_into(add, "MARIADB_ROOT_PASSWORD").await;
    press(&page, "\n").await;
    page.client
        .wait()
        .at_most(kubeprint_tests::page::PATIENCE)
        .for_element(Locator::Css(".add-by-name.invalid"))
        .await
        .expect("the taken key refused");
    page.type_into(add, "MARIADB_REPLICATION_PASSWORD").await;
    press(&page, "\n").await;
    page.find("secret-key-icat-mariadb-credentials-MARIADB_REPLICATION_PASSWORD")
        .await;
    page.select("yaml-object", "Secret/").await;
    page.wait_text("yaml", "the added key", |t| {
        t.contains("MARIADB_REPLICATION_PASSWORD:") && t.contains("MARIADB_APP_PASSWORD:")
    })
    .await;
    page.close().await;
}

/// A ConfigMap key renamed on the config page (Enter applies it) keeps the design's and
/// prod's values under its new name and keeps the focus; a name the API server refuses
/// is explained and changes nothing, and Escape brings back the key's name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configmap_key_is_renamed_on_the_config_page() {
    let page = open_design("key-rename", &templates::stfc_fastapi()).await;
    page.click("env-prod").await;
    page.click("open-config").await;
    page.select("yaml-object", "ConfigMap/").await;
    page.type_into(
        "environments/prod/config_values/fastapi-app-env/LOG_LEVEL",
        "WARNING",
    )
    .await;
    page.wait_text("yaml", "prod's value", |t| t.contains("LOG_LEVEL: WARNING"))
        .await;
    let key = "key-name-fastapi-app-env-LOG_LEVEL";
    page.type_into(key, "log level").await;
    press(&page, "\n").await;
    let problem = page
        .wait_text(&format!("{key}-error"), "the refused key", |t| {
            !t.is_empty()
        })
        .await;
    assert!(problem.contains("letters"), "{problem}");
    assert!(page.yaml().await.contains("LOG_LEVEL: WARNING"));
    press(&page, &char::from(Key::Escape).to_string()).await;
    assert_eq!(page.value(key).await, "LOG_LEVEL");

    page.type_into(key, "UVICORN_LOG_LEVEL").await;
    press(&page, "\n").await;
    page.wait_text("yaml", "the renamed key with prod's value", |t| {
        t.contains("UVICORN_LOG_LEVEL: WARNING") && !t.contains("\n  LOG_LEVEL:")
    })
    .await;
    page.wait_until("the renamed key focused", async |p| {
        (p.focused().await == "key-name-fastapi-app-env-UVICORN_LOG_LEVEL").then(String::new)
    })
    .await;
    assert_eq!(
        page.value("environments/prod/config_values/fastapi-app-env/UVICORN_LOG_LEVEL")
            .await,
        "WARNING"
    );

    // Undone, the key is back under its old name, sorted elsewhere among the others,
    // and the keyboard with it; redone, the same.
    for (keys, name) in [
        (ctrl("z"), "LOG_LEVEL"),
        (ctrl_shift("z"), "UVICORN_LOG_LEVEL"),
    ] {
        press(&page, &keys).await;
        let focused = format!("key-name-fastapi-app-env-{name}");
        page.wait_until("the key focused after the step", async |p| {
            (p.focused().await == focused).then(String::new)
        })
        .await;
    }

    // Renamed by leaving it with Tab, the key hands the keyboard on to the next field,
    // its value in the design (prod's own comes after).
    page.type_into(
        "key-name-fastapi-app-env-UVICORN_LOG_LEVEL",
        "APP_LOG_LEVEL",
    )
    .await;
    press(&page, &char::from(Key::Tab).to_string()).await;
    let value = "config_maps/fastapi-app-env/data/APP_LOG_LEVEL";
    page.wait_until("the renamed key's value focused", async |p| {
        (p.focused().await == value).then(String::new)
    })
    .await;
    assert_eq!(page.value(value).await, "INFO");
    assert_eq!(
        page.value("environments/prod/config_values/fastapi-app-env/APP_LOG_LEVEL")
            .await,
        "WARNING"
    );
    page.close().await;
}

// Objects kept whole from an import: their YAML edited in the page, and removed.

/// Set a text area's text as typing would (an `input` event the page hears).
async fn set_text(page: &Page, testid: &str, text: &str) {
    page.client
        .execute(
            "const el = document.querySelector(`[data-testid=\"${arguments[0]}\"]`);
             el.value = arguments[1];
             el.dispatchEvent(new Event('input', { bubbles: true }));",
            vec![json!(testid), json!(text)],
        )
        .await
        .expect("the text set");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_object_kept_whole_is_edited_as_yaml_and_removed() {
    let manifests = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout
  namespace: shop
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: checkout}
  template:
    metadata:
      labels: {app.kubernetes.io/name: checkout}
    spec:
      containers:
        - name: checkout
          image: ghcr.io/acme/checkout:2.3.0
          ports:
            - {name: http, containerPort: 8081}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: checkout-allow
  namespace: shop
spec:
  podSelector:
    matchLabels: {app.kubernetes.io/name: checkout}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ingress-nginx}
      ports:
        - {port: 8080, protocol: TCP}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: checkout-leases
  namespace: shop
rules:
  - apiGroups: [coordination.k8s.io]
    resources: [leases]
    verbs: [get, create, update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: checkout-leases
  namespace: shop
subjects:
  - {kind: ServiceAccount, name: checkout}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: checkout-leases}
";
    let mut design = import::kubernetes(manifests).design;
    // The Role is the environment's own (as an environments import leaves what one
    // environment alone has); the policy is every environment's.
    let role = (design.extra_objects.iter())
        .position(|o| o.kind() == "Role")
        .unwrap();
    let role = design.extra_objects.remove(role);
    design.environments[0].kept_objects.push(role);
    let url = link::link(&format!("{}/", app_url()), &design);
    let page = Page::open_at("ux-kept", &url).await;
    page.wait_text("findings", "the closed port", |t| t.contains("KP722"))
        .await;
    // Its fix lets in the port the pods declare; undo closes it again.
    assert!(page
        .text("fix-KP722")
        .await
        .contains("Let in port 8081 instead"));
    page.click("fix-KP722").await;
    page.wait_text("yaml", "the policy's fixed port", |t| {
        t.contains("port: 8081") && !t.contains("port: 8080")
    })
    .await;
    page.wait_gone("finding-KP722").await;
    page.click("undo").await;
    page.wait_text("yaml", "the policy as imported", |t| {
        t.contains("port: 8080")
    })
    .await;
    page.find("finding-KP722").await;
    // A finding about an object kept whole (the RoleBinding's missing ServiceAccount)
    // shows it: the config page, its kind's group open.
    page.click_finding("KP717").await;
    page.wait_until("the RoleBinding shown", async |p| {
        p.present("kept-RoleBinding-checkout-leases")
            .await
            .then(String::new)
    })
    .await;
    page.click("open-config").await;
    page.wait_text("kept-objects", "the kept objects", |t| {
        t.contains("NetworkPolicy · 1") && t.contains("Role · 1")
    })
    .await;
    js(
        &page,
        "document.querySelector('[data-testid=\"kept-NetworkPolicy\"] summary').click()",
    )
    .await;
    let at = "kept-NetworkPolicy-checkout-allow";
    page.click(&format!("{at}-edit")).await;
    let editor = format!("{at}-yaml");
    page.wait_until("the YAML to take the focus", async |p| {
        (p.focused().await == editor).then(String::new)
    })
    .await;
    let yaml = page.value(&format!("{at}-yaml")).await;
    assert!(
        yaml.contains("name: checkout-allow") && yaml.contains("port: 8080"),
        "the object as the environment renders it: {yaml}"
    );
    // Not an object: said, and the text stays as typed.
    let broken = yaml.replace("  podSelector:", " podSelector:");
    set_text(&page, &format!("{at}-yaml"), &broken).await;
    page.click(&format!("{at}-apply")).await;
    let error = page
        .wait_text(&format!("{at}-error"), "why it is refused", |t| {
            t.contains("invalid YAML at line")
        })
        .await;
    assert!(!error.is_empty());
    assert_eq!(page.value(&format!("{at}-yaml")).await, broken);
    assert!(
        page.yaml().await.contains("port: 8080"),
        "the design unchanged"
    );
    // The port opened: the YAML and the findings follow.
    set_text(
        &page,
        &format!("{at}-yaml"),
        &yaml.replace("port: 8080", "port: 8081"),
    )
    .await;
    page.click(&format!("{at}-apply")).await;
    page.wait_text("yaml", "the policy's new port", |t| {
        t.contains("port: 8081") && !t.contains("port: 8080")
    })
    .await;
    page.wait_text("findings", "no closed port", |t| !t.contains("KP722"))
        .await;
    page.wait_gone(&format!("{at}-yaml")).await;
    // Removed, and brought back by undo.
    js(
        &page,
        "document.querySelector('[data-testid=\"kept-Role\"] summary').click()",
    )
    .await;
    assert!(page
        .text("kept-Role-checkout-leases")
        .await
        .contains("shop's own"));
    assert!(!page.text(at).await.contains("own"));
    // A half-edited object stays as it was while another is removed.
    page.click(&format!("{at}-edit")).await;
    let draft = yaml.replace("port: 8080", "port: 9090");
    set_text(&page, &format!("{at}-yaml"), &draft).await;
    page.click("kept-Role-checkout-leases-remove").await;
    page.wait_text("yaml", "no Role", |t| !t.contains("\nkind: Role\n"))
        .await;
    assert!(!page.present("kept-Role").await, "no Role left to list");
    page.wait_until(
        "the focus to stay in the list, not on the page",
        async |p| {
            let tag = js(p, "return document.activeElement.tagName").await;
            (tag == json!("SUMMARY")).then(String::new)
        },
    )
    .await;
    assert_eq!(
        page.value(&format!("{at}-yaml")).await,
        draft,
        "the other object's YAML being edited"
    );
    page.wait_text("notice", "what was removed", |t| {
        t.contains("Removed Role checkout-leases: Ctrl+Z brings it back")
    })
    .await;
    page.click("undo").await;
    page.wait_text("yaml", "the Role back", |t| t.contains("\nkind: Role\n"))
        .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objects_kept_under_one_name_in_several_namespaces_are_each_their_own() {
    // Per-namespace copies of one ConfigMap: the modelled one in `shop`, two kept whole
    // in `shop-canary` and `shop-preview`, and a default-deny policy in all three.
    let text = include_str!("../../core/tests/corpus/same-names-in-namespaces.yaml");
    let design = import::kubernetes(text).design;
    let url = link::link(&format!("{}/", app_url()), &design);
    let page = Page::open_at("kept-namespaces", &url).await;
    page.wait_text("yaml", "the design's YAML", |t| t.contains("shop-api"))
        .await;
    page.click("open-config").await;
    page.wait_text("kept-objects", "the kept objects", |t| {
        t.contains("ConfigMap · 2") && t.contains("NetworkPolicy · 4")
    })
    .await;
    // Copies of one name stand together, by name then namespace (the environment's
    // own first).
    js(
        &page,
        "document.querySelector('[data-testid=\"kept-NetworkPolicy\"] summary').click()",
    )
    .await;
    let order = page
        .wait_until("the policies listed", async |p| {
            let rows = js(
                p,
                "return [...document.querySelectorAll('[data-testid=\"kept-NetworkPolicy\"] li[data-testid]')].map(l => l.dataset.testid)",
            )
            .await;
            (rows.as_array().is_some_and(|r| r.len() == 4)).then(|| rows.to_string())
        })
        .await;
    assert_eq!(
        order,
        json!([
            "kept-NetworkPolicy-default-deny",
            "kept-NetworkPolicy-shop-canary/default-deny",
            "kept-NetworkPolicy-shop-preview/default-deny",
            "kept-NetworkPolicy-shop-api-ingress"
        ])
        .to_string()
    );
    js(
        &page,
        "document.querySelector('[data-testid=\"kept-ConfigMap\"] summary').click()",
    )
    .await;
    let canary = "kept-ConfigMap-shop-canary/shop-config";
    let preview = "kept-ConfigMap-shop-preview/shop-config";
    assert!(page.text(canary).await.contains("namespace shop-canary"));
    assert!(page.text(preview).await.contains("namespace shop-preview"));
    // Each opens its own YAML, not the modelled object of that name nor the other copy.
    page.click(&format!("{preview}-edit")).await;
    let yaml = page.value(&format!("{preview}-yaml")).await;
    assert!(
        yaml.contains("namespace: shop-preview") && yaml.contains("LOG_LEVEL: debug"),
        "the preview's own object: {yaml}"
    );
    page.click(&format!("{canary}-edit")).await;
    let yaml = page.value(&format!("{canary}-yaml")).await;
    assert!(
        yaml.contains("namespace: shop-canary") && yaml.contains("LOG_LEVEL: info"),
        "the canary's own object: {yaml}"
    );
    set_text(
        &page,
        &format!("{canary}-yaml"),
        &yaml.replace("LOG_LEVEL: info", "LOG_LEVEL: trace"),
    )
    .await;
    page.click(&format!("{canary}-apply")).await;
    page.wait_gone(&format!("{canary}-yaml")).await;
    // Only the canary's copy changed.
    page.select("yaml-object", "ConfigMap/").await;
    page.wait_text("yaml", "the canary's new level", |t| {
        t.contains("LOG_LEVEL: trace")
    })
    .await;
    let shown = page.yaml().await;
    for level in ["LOG_LEVEL: warn", "LOG_LEVEL: debug"] {
        assert!(shown.contains(level), "{level} kept: {shown}");
    }
    assert!(!shown.contains("LOG_LEVEL: info"), "{shown}");
    // The preview's copy removed: the canary's and the modelled one stay.
    page.click(&format!("{preview}-remove")).await;
    page.wait_text("notice", "what was removed", |t| {
        t.contains("Removed ConfigMap shop-config in namespace shop-preview")
    })
    .await;
    page.wait_text("yaml", "no preview copy", |t| {
        !t.contains("LOG_LEVEL: debug")
    })
    .await;
    let shown = page.yaml().await;
    assert!(shown.contains("LOG_LEVEL: trace") && shown.contains("LOG_LEVEL: warn"));
    assert!(page.present(canary).await && !page.present(preview).await);
    page.close().await;
}

/// An imported design whose environments write different keys of one ConfigMap:
/// each environment's page lists every key, those of only some environments said as
/// theirs (prod may add one for itself); prod leaves a key of the design's out, in its
/// YAML, after a reload and through a share link; a variable then made to read it is
/// flagged in prod, whose fix puts the key back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_keys_of_some_environments_are_theirs_to_add_or_leave_out() {
    // Three environments' files: dev and staging write DEBUG_SQL, prod does not. Prod's
    // is the first (the design's keys are its), so DEBUG_SQL is dev's and staging's own.
    let dev = include_str!("../../core/tests/corpus/keys-of-some/dev.yaml");
    let staging = include_str!("../../core/tests/corpus/keys-of-some/staging.yaml");
    let prod = include_str!("../../core/tests/corpus/keys-of-some/prod.yaml");
    let design = import::environments(&[("prod", prod), ("dev", dev), ("staging", staging)])
        .unwrap()
        .design;
    let url = link::link(&format!("{}/", app_url()), &design);
    let page = Page::open_at("keys-of-some", &url).await;
    page.wait_text("yaml", "the design's YAML", |t| t.contains("ledger"))
        .await;
    page.click("env-staging").await;
    page.click("open-config").await;
    // A key's row: its badge, its values' placeholders, its leave-out button's text and
    // the note of a key left out.
    let row = async |p: &Page, key: &str| {
        js(
            p,
            &format!(
                "const r = document.querySelector('.config-key[data-key=\"{key}\"]'); if (!r) return null; \
                 const t = s => {{ const e = r.querySelector(s); return e ? e.textContent : null; }}; \
                 return [t('.only-here'), [...r.querySelectorAll('textarea')].map(a => a.placeholder), t('.leave-out'), t('.left-out-note')];"
            ),
        )
        .await
    };
    // (Polled for a few seconds, then compared: a failure shows the row as it is.)
    let wait_row = async |p: &Page, key: &str, want: Value| {
        for _ in 0..50 {
            if row(p, key).await == want {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!(row(p, key).await, want, "the row of {key}");
    };
    let some = json!(["only in dev and staging", ["(none)", "(none)"], null, null]);
    wait_row(&page, "DEBUG_SQL", some).await;
    // Prod has no such key in its YAML; its page lists it as the others', for prod to
    // add a value of its own.
    page.click("env-prod").await;
    page.select("yaml-object", "ConfigMap/").await;
    page.wait_text("yaml", "prod's ConfigMap", |t| {
        t.contains("LOG_LEVEL: warn")
    })
    .await;
    assert!(!page.yaml().await.contains("DEBUG_SQL"));
    let others = json!(["only in dev and staging", ["(none)", "(none)"], null, null]);
    wait_row(&page, "DEBUG_SQL", others).await;

    // Prod leaves REGION, a key of every environment, out: its YAML lacks it, dev's has
    // it; the button stays under the keyboard, saying how to put it back.
    let region = json!([
        null,
        ["", "(every environment's)"],
        "Leave out of prod",
        null
    ]);
    wait_row(&page, "REGION", region.clone()).await;
    page.click("leave-out-ledger-config-REGION").await;
    page.wait_text("yaml", "REGION gone from prod", |t| {
        t.contains("LOG_LEVEL: warn") && !t.contains("REGION")
    })
    .await;
    let left_out = json!([null, [""], "Put back in prod", "prod leaves this key out"]);
    wait_row(&page, "REGION", left_out.clone()).await;
    page.wait_until("the keyboard on the button", async |p| {
        let f = p.focused().await;
        (f == "leave-out-ledger-config-REGION").then_some(f)
    })
    .await;
    page.click("env-dev").await;
    page.select("yaml-object", "ConfigMap/").await;
    page.wait_text("yaml", "dev keeps REGION", |t| {
        t.contains("LOG_LEVEL: debug") && t.contains("REGION: eu-west-1")
    })
    .await;
    // Dev's page says who leaves the key out: its value there is not everyone's.
    let dev_sees = json!([
        "left out of prod",
        ["", "(every environment's)"],
        "Leave out of dev",
        null
    ]);
    wait_row(&page, "REGION", dev_sees).await;

    // After a reload and through a link, prod still leaves it out.
    page.client.refresh().await.unwrap();
    page.wait_text("yaml", "the design again", |t| t.contains("ledger"))
        .await;
    page.click("env-prod").await;
    page.click("open-config").await;
    wait_row(&page, "REGION", left_out.clone()).await;
    page.click("share").await;
    let shared = page.value("share-link").await;
    page.press(char::from(Key::Escape), false).await;
    page.wait_gone("share-link").await;
    let other = Page::open_at("keys-left-out-link", &shared).await;
    other
        .wait_text("yaml", "the linked design", |t| t.contains("ledger"))
        .await;
    other.click("env-prod").await;
    other.select("yaml-object", "ConfigMap/").await;
    other
        .wait_text("yaml", "prod's ConfigMap, linked", |t| {
            t.contains("LOG_LEVEL: warn") && !t.contains("REGION")
        })
        .await;
    other.close().await;

    // A variable of ledger's, chosen in the inspector to read REGION from the
    // ConfigMap: prod's findings say prod leaves it out, and the fix puts it back.
    page.click_node("ledger").await;
    page.click("services/s1/config/env#add").await;
    page.select("services/s1/config/env/0/value", "1").await;
    page.type_into(
        "services/s1/config/env/0/value/config_map_key/key",
        "REGION",
    )
    .await;
    page.wait_text("findings", "prod's reader of a key it leaves out", |t| {
        t.contains("which prod leaves out")
    })
    .await;
    page.click("fix-KP305").await;
    page.select("yaml-object", "ConfigMap/").await;
    page.wait_text("yaml", "REGION back in prod", |t| {
        t.contains("LOG_LEVEL: warn") && t.contains("REGION: eu-west-1")
    })
    .await;
    page.click("open-config").await;
    wait_row(&page, "REGION", region).await;
    page.close().await;
}

/// Which region of the page has the focus (by the selectors F6 visits), or "".
async fn focused_region(page: &Page) -> String {
    js(
        page,
        "const a = document.activeElement;
         for (const [name, sel] of [['topbar', 'header.topbar'], ['canvas', '.canvas-wrap'],
             ['side', 'aside.inspector'], ['findings', 'section.findings'], ['yaml', 'section.yaml']]) {
           const r = document.querySelector(sel);
           if (r && a && r.contains(a) && a !== document.body) return name;
         }
         return '';",
    )
    .await
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn f6_moves_between_the_regions_of_the_page() {
    let page = Page::open("ux-f6").await;
    page.wait_text("yaml", "the Deployment", |t| t.contains("kind: Deployment"))
        .await;
    page.click_node("order-service").await;
    let f6 = format!("{}", char::from(Key::F6));
    let shift_f6 = format!(
        "{}{}{}",
        char::from(Key::Shift),
        char::from(Key::F6),
        char::from(Key::Null)
    );
    // From the inspector's Name field: findings, YAML, round to the top bar, canvas, back.
    page.scroll_into_view("services/s1/name").await;
    page.find("services/s1/name").await.click().await.unwrap();
    assert_eq!(focused_region(&page).await, "side");
    let mut seen = Vec::new();
    for _ in 0..5 {
        press(&page, &f6).await;
        seen.push(focused_region(&page).await);
    }
    assert_eq!(seen, ["findings", "yaml", "topbar", "canvas", "side"]);
    press(&page, &shift_f6).await;
    assert_eq!(focused_region(&page).await, "canvas");
    // On the canvas, at the services (the selected one), not its toolbar: arrows and E
    // act on them at once.
    let on = js(
        &page,
        "return document.activeElement.getAttribute('data-testid') || '';",
    )
    .await;
    assert_eq!(on, json!("node-order-service"));
    press(&page, &shift_f6).await;
    assert_eq!(focused_region(&page).await, "topbar");
    // Inside a dialog F6 does not leave it.
    page.click("open-import").await;
    page.wait_until("the dialog's focus", async |p| {
        let inside = js(
            p,
            "return !!document.activeElement.closest('[aria-modal=\"true\"]')",
        )
        .await;
        (inside == json!(true)).then(String::new)
    })
    .await;
    press(&page, &f6).await;
    assert_eq!(
        js(
            &page,
            "return !!document.activeElement.closest('[aria-modal=\"true\"]')"
        )
        .await,
        json!(true)
    );
    page.close().await;
}

/// An environment switches a service's HPA off and runs a fixed count there (staging
/// runs one pod of what prod scales): the YAML of that environment loses the HPA and
/// gains the replicas, the empty range fields say the HPA is off, prod keeps its HPA,
/// and undo brings staging's HPA back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environment_switches_the_services_hpa_off() {
    let page = open_design("hpa-off", &templates::connectum()).await;
    page.click_node("order-service").await;
    page.click("env-staging").await;
    let hpa = "environments/staging/overrides/1/hpa";
    let yaml = page.yaml().await;
    assert!(yaml.contains("kind: HorizontalPodAutoscaler"), "{yaml}");
    assert_eq!(
        page.value(hpa).await,
        "0",
        "the service's HPA to begin with"
    );
    page.select(hpa, "1").await;
    page.wait_text("yaml", "staging without the HPA", |t| {
        !t.contains("kind: HorizontalPodAutoscaler") && t.contains("replicas: 3")
    })
    .await;
    let placeholder = async |id: &str| {
        let script = format!(
            "return document.querySelector('[data-testid=\"environments/staging/overrides/1/{id}\"]').placeholder"
        );
        js(&page, &script)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(placeholder("hpa_min").await, "(off)");
    assert_eq!(placeholder("hpa_max").await, "(off)");
    assert_eq!(placeholder("replicas").await, "(3)");
    page.type_into("environments/staging/overrides/1/replicas", "1")
        .await;
    page.wait_text("yaml", "staging's one pod", |t| t.contains("replicas: 1"))
        .await;
    page.click("env-prod").await;
    page.wait_text("yaml", "prod's HPA", |t| {
        t.contains("kind: HorizontalPodAutoscaler")
    })
    .await;
    // Undo the replicas, then the switch: staging is shown again, with its HPA.
    press(&page, &ctrl("z")).await;
    press(&page, &ctrl("z")).await;
    page.wait_until("staging's HPA back", async |p| {
        let yaml = p.yaml().await;
        let back = p.present(hpa).await
            && p.value(hpa).await == "0"
            && yaml.contains("kind: HorizontalPodAutoscaler");
        back.then_some(yaml)
    })
    .await;
    page.close().await;
}

/// An environment switches a service's PodDisruptionBudget off (staging runs without
/// the budget prod keeps): staging's YAML loses that PDB, the budget's field says so,
/// the finding it raises points at the switch and its fix switches the budget back on
/// there; prod keeps it throughout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environment_switches_the_services_pdb_off() {
    let design = templates::miniredis();
    let prod = design.environment("prod").unwrap();
    let s = (design.services.iter())
        .find(|s| s.scaling.pdb.is_some() && prod.deploys(s.id) && s.scaling.replicas >= 2)
        .expect("a replicated service with a budget");
    let (id, name) = (s.id.0, s.name.clone());
    let page = open_design("pdb-off", &design).await;
    page.click_node(&name).await;
    page.click("env-staging").await;
    let switch = format!("environments/staging/overrides/{id}/pdb");
    // The service's own PDB among the YAML's documents.
    let named = format!("\n  name: {name}\n");
    let has_budget = move |yaml: &str| {
        (yaml.split("\n---"))
            .any(|doc| doc.contains("kind: PodDisruptionBudget") && doc.contains(&named))
    };
    let yaml = page.yaml().await;
    assert!(has_budget(&yaml), "{yaml}");
    assert_eq!(
        page.value(&switch).await,
        "0",
        "the service's budget to begin with"
    );
    let staging_budget = format!("environments/staging/overrides/{id}/pdb_budget");
    assert!(
        page.present(&staging_budget).await,
        "staging's budget choice"
    );
    page.select(&switch, "1").await;
    let off = has_budget.clone();
    page.wait_text("yaml", "staging without the budget", move |t| !off(t))
        .await;
    // The budget's own field says staging has none.
    page.wait_until("the budget's field says so", async |p| {
        let said = js(
            p,
            "return [...document.querySelectorAll('.own-value')].map(b => b.textContent).join('|')",
        )
        .await;
        let said = said.as_str().unwrap_or_default().to_string();
        said.contains("staging has its own: no PDB").then_some(said)
    })
    .await;
    // No budget of staging's own is offered where staging has no PDB.
    assert!(
        !page.present(&staging_budget).await,
        "no budget choice in staging"
    );
    page.click("env-prod").await;
    let on = has_budget.clone();
    page.wait_text("yaml", "prod's budget", move |t| on(t))
        .await;
    // Staging's finding points at the switch; its fix turns the budget back on there.
    page.click("env-staging").await;
    page.wait_until("the switch is back in view", async |p| {
        p.present(&switch).await.then(String::new)
    })
    .await;
    let finding = format!(
        "document.querySelector('.finding-group[data-service=\"{name}\"] [data-testid=\"finding-KP207\"]')"
    );
    page.wait_until("staging's missing budget, said switched off", async |p| {
        let text = js(
            p,
            &format!("const f = {finding}; return f ? f.textContent : ''"),
        )
        .await;
        let text = text.as_str().unwrap_or_default().to_string();
        text.contains("switched off here").then_some(text)
    })
    .await;
    js(
        &page,
        &format!("{finding}.querySelector('[data-testid=\"fix-KP207\"]').click()"),
    )
    .await;
    let on = has_budget.clone();
    page.wait_text("yaml", "staging's budget back", move |t| on(t))
        .await;
    assert_eq!(page.value(&switch).await, "0");
    // Prod keeps half its pods up where the service keeps one: a budget of its own.
    page.click("env-prod").await;
    let budget = format!("environments/prod/overrides/{id}/pdb_budget");
    page.wait_until("prod's budget choice", async |p| {
        p.present(&budget).await.then(String::new)
    })
    .await;
    page.select(&budget, "1").await;
    let amount = format!("{budget}/min_available");
    page.wait_until("prod's budget amount", async |p| {
        p.present(&amount).await.then(String::new)
    })
    .await;
    page.type_into(&amount, "50%").await;
    page.wait_text("yaml", "prod's own budget", |t| {
        t.contains("minAvailable: 50%")
    })
    .await;
    page.click("env-staging").await;
    let staging = page
        .wait_text("yaml", "staging's YAML", |t| {
            t.contains("namespace: miniredis-staging")
        })
        .await;
    assert!(
        !staging.contains("minAvailable: 50%"),
        "staging keeps the service's budget"
    );
    page.close().await;
}

/// An environment switches a service's Ingress off (dev reaches it by a port-forward):
/// dev's YAML loses that Ingress, staging keeps it, and undo brings dev's back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environment_switches_the_services_ingress_off() {
    let design = templates::miniredis();
    let s = (design.services.iter())
        .find(|s| s.exposure.ingress.is_some())
        .expect("a service with an Ingress");
    let (id, name) = (s.id.0, s.name.clone());
    let page = open_design("ingress-off", &design).await;
    page.click_node(&name).await;
    page.click("env-dev").await;
    let switch = format!("environments/dev/overrides/{id}/ingress");
    let named = format!("\n  name: {name}\n");
    let has_ingress = move |yaml: &str| {
        (yaml.split("\n---")).any(|doc| doc.contains("kind: Ingress\n") && doc.contains(&named))
    };
    assert!(has_ingress(&page.yaml().await));
    // dev's own host is offered while dev has the Ingress, and not once it is off.
    let host = format!("environments/dev/overrides/{id}/ingress_host");
    assert!(page.present(&host).await, "dev's Ingress host field");
    page.select(&switch, "1").await;
    let off = has_ingress.clone();
    page.wait_text("yaml", "dev without the Ingress", move |t| !off(t))
        .await;
    assert!(
        !page.present(&host).await,
        "no host field where dev has no Ingress"
    );
    page.click("env-staging").await;
    let on = has_ingress.clone();
    page.wait_text("yaml", "staging's Ingress", move |t| on(t))
        .await;
    press(&page, &ctrl("z")).await;
    page.click("env-dev").await;
    let on = has_ingress.clone();
    page.wait_text("yaml", "dev's Ingress back", move |t| on(t))
        .await;
    assert!(page.present(&host).await, "dev's Ingress host field back");
    page.close().await;
}

/// Where the keyboard goes when what it was on goes away, and where a message sits:
/// "Got it" hands it to "+ New", which the banner names; removing the last port hands
/// it to the port before; an empty file chosen for import says it is empty; a field's
/// error comes right after the field, before the environment's own value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_keyboard_stays_where_a_removed_thing_was() {
    let page = open_design("removed-focus", &templates::connectum()).await;
    js(
        &page,
        "document.querySelector('[data-testid=\"welcome-dismiss\"]').focus()",
    )
    .await;
    press(&page, &char::from(Key::Enter).to_string()).await;
    page.wait_gone("welcome").await;
    page.wait_until("the keyboard on + New", async |p| {
        let f = p.focused().await;
        (f == "open-gallery").then_some(f)
    })
    .await;

    page.click_node("order-service").await;
    page.click("services/s1/ports#add").await;
    // The new port's name has the keyboard: what is typed next names it.
    page.wait_until("the keyboard on the new port's name", async |p| {
        let f = p.focused().await;
        (f == "services/s1/ports/1/name").then_some(f)
    })
    .await;
    js(
        &page,
        "document.querySelector('[data-testid=\"services/s1/ports/1#remove\"]').focus()",
    )
    .await;
    press(&page, &char::from(Key::Enter).to_string()).await;
    page.wait_until("the keyboard on the port before", async |p| {
        let f = p.focused().await;
        (f == "services/s1/ports/0#remove" && !p.present("services/s1/ports/1#remove").await)
            .then_some(f)
    })
    .await;

    // dev has its own HPA minimum: the field is read-only there (typing changes and
    // refuses nothing), and the link to dev's own comes after the field's error.
    page.click("env-dev").await;
    let before = page.value("services/s1/scaling/hpa/min").await;
    page.type_into("services/s1/scaling/hpa/min", "-3").await;
    assert_eq!(page.value("services/s1/scaling/hpa/min").await, before);
    let order = js(
        &page,
        "const f = document.querySelector('[data-testid=\"services/s1/scaling/hpa/min\"]').closest('label'); \
         return [...f.children].map(c => c.className).filter(c => c === 'error' || c === 'own-value')",
    )
    .await;
    assert_eq!(order, json!(["error", "own-value"]));
    let error = error_of(&page, "services/s1/scaling/hpa/min").await;
    assert!(error.is_empty(), "nothing typed, nothing refused: {error}");

    page.click("open-import").await;
    page.choose_files("import-file", &[("empty.yaml", "")])
        .await;
    let problem = page
        .wait_text("import-problem", "the empty file's message", |t| {
            !t.is_empty()
        })
        .await;
    assert_eq!(
        problem,
        "empty.yaml is empty: there is nothing in it to import. Choose another file, or paste manifests."
    );
    page.close().await;
}

/// The keyboard shortcuts are listed on screen: `?` outside a field opens the list (a
/// `?` typed into a field is text), so does the top bar's "?", and Escape closes it,
/// giving the keyboard back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn question_mark_lists_the_keyboard_shortcuts() {
    let page = open_design("shortcuts", &templates::connectum()).await;
    page.type_into("yaml-find", "?").await;
    assert!(!page.present("shortcuts").await, "a ? typed into a field");
    js(&page, "document.activeElement.blur()").await;
    page.chord("?").await;
    let text = page
        .wait_text("shortcuts", "the shortcuts", |t| {
            t.contains("Keyboard shortcuts")
        })
        .await;
    for said in [
        "Ctrl+Shift+Z",
        "Shift+arrow",
        "F6, Shift+F6",
        "Start a dependency",
    ] {
        assert!(text.contains(said), "{said} in {text}");
    }
    press(&page, &char::from(Key::Escape).to_string()).await;
    page.wait_gone("shortcuts").await;
    page.click("open-shortcuts").await;
    page.find("shortcuts").await;
    press(&page, &char::from(Key::Escape).to_string()).await;
    page.wait_gone("shortcuts").await;
    page.wait_until("the keyboard back on ?", async |p| {
        let f = p.focused().await;
        (f == "open-shortcuts").then_some(f)
    })
    .await;
    page.close().await;
}

/// The Bundle dialog says, before the download, which environments ship with errors;
/// a design without errors shows no such line.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bundle_dialog_says_what_errors_it_ships() {
    let mut d = templates::connectum();
    let page = open_design("bundle-errors", &d).await;
    page.click("open-bundle").await;
    page.find("bundle-dialog").await;
    // The errors come with the list of files.
    page.find("bundle-count").await;
    assert!(!page.present("bundle-errors").await, "no error yet");
    page.close().await;
    let id = d.service_named("order-service").unwrap().id;
    d.service_mut(id).unwrap().name = "Order_Service".into();
    let page = open_design("bundle-errors-2", &d).await;
    page.click("open-bundle").await;
    let said = page
        .wait_text("bundle-errors", "the errors shipped", |t| !t.is_empty())
        .await;
    assert!(
        said.starts_with("The bundle ships with 1 error in dev (KP401), "),
        "{said}"
    );
    page.close().await;
    // A Service kept whole whose port is a word, which the API server refuses: only
    // the worker reads kept objects as their types, and the dialog says what it found.
    let mut d = templates::connectum();
    d.extra_objects.push(KeptObject(json!({
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "legacy"},
        "spec": {"ports": [{"name": "http", "port": "eighty"}]},
    })));
    let page = open_design("bundle-errors-3", &d).await;
    page.click("open-bundle").await;
    let said = page
        .wait_text("bundle-errors", "the kept Service's error", |t| {
            !t.is_empty()
        })
        .await;
    assert!(said.contains("(KP723)"), "{said}");
    page.close().await;
}

/// Escape in a field puts back what it showed when the keyboard came, also for a value
/// applied as it was typed; Delete on the canvas says what it removed and how to bring
/// it back; a service without an HPA has no HPA range to set per environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escape_puts_a_field_back_and_delete_says_how_to_undo() {
    let page = open_design("escape", &templates::connectum()).await;
    page.click_node("order-service").await;
    let tag = "services/s1/tag";
    let before = page.value(tag).await;
    let field = page.find(tag).await;
    field.click().await.unwrap();
    field.send_keys("xx").await.unwrap();
    page.wait_text("yaml", "the typed tag", |t| {
        t.contains(&format!(":{before}xx"))
    })
    .await;
    press(&page, &char::from(Key::Escape).to_string()).await;
    page.wait_until("the tag put back", async |p| {
        let yaml = p.yaml().await;
        (p.value(tag).await == before && !yaml.contains(&format!("{before}xx"))).then_some(yaml)
    })
    .await;

    page.click_node("otel-collector").await;
    assert!(page.present("environments/prod/overrides/2/replicas").await);
    assert!(
        !page.present("environments/prod/overrides/2/hpa_min").await,
        "no HPA, no range"
    );
    js(&page, "document.activeElement.blur()").await;
    page.chord(&char::from(Key::Delete).to_string()).await;
    let notice = page
        .wait_text("notice", "the removal said", |t| t.starts_with("Removed"))
        .await;
    // order-service sends its telemetry to the collector: said at once.
    assert_eq!(
        notice,
        "Removed otel-collector: order-service still dials it. Ctrl+Z brings it back"
    );
    page.close().await;
}

/// "+ Service" hands the keyboard to the new service's name, selected: what is typed
/// replaces it, Enter names the service, and the canvas shows the name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_service_is_named_as_it_is_typed() {
    let page = open_design("new-named", &templates::connectum()).await;
    page.click("add-service").await;
    let field = page
        .wait_until("the keyboard on the new name", async |p| {
            let f = p.focused().await;
            (f.starts_with("services/s") && f.ends_with("/name")).then_some(f)
        })
        .await;
    let selected = js(
        &page,
        "const f = document.activeElement; return [f.selectionStart, f.selectionEnd, f.value.length]",
    )
    .await;
    let length = selected[2].clone();
    assert_eq!(
        selected,
        json!([0, length, length]),
        "the whole name selected"
    );
    press(&page, "inventory\n").await;
    page.wait_text("inspector-title", "the typed name", |t| t == "inventory")
        .await;
    page.find("node-inventory").await;
    assert_eq!(
        page.focused().await,
        field,
        "the keyboard stays in the name"
    );
    page.close().await;
}

/// What an import kept that the design has no field for is listed under the service,
/// to read: a variable from the downward API, with what it reads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_an_import_kept_is_listed_under_its_service() {
    let input = "apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-api
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: shop-api
  template:
    metadata:
      labels:
        app.kubernetes.io/name: shop-api
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/shop-api:2.8.0
          env:
            - name: POD_IP
              valueFrom:
                fieldRef:
                  fieldPath: status.podIP
";
    let design = kubeprint_core::import::kubernetes(input).design;
    let page = open_design("kept-listed", &design).await;
    page.click_node("shop-api").await;
    js(
        &page,
        "document.querySelector('[data-testid=\"kept-from-import\"] summary').click()",
    )
    .await;
    let listed = page
        .wait_text("kept-from-import", "the kept variable", |t| {
            t.contains("status.podIP")
        })
        .await;
    assert!(
        listed.contains("workload spec.template.spec.containers[name=api].env:"),
        "{listed}"
    );
    page.close().await;
    // A service the design made has nothing kept, and no such section.
    let page = open_design("kept-none", &templates::connectum()).await;
    page.click_node("order-service").await;
    page.find("inspector-title").await;
    assert!(!page.present("kept-from-import").await);
    page.close().await;
}

/// At 1280x720 the inspector is exactly as wide as its column: no menu (the envFrom one
/// lists `order-service-config`) widens it, so focusing a field never scrolls it
/// sideways and cuts the start of every label.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_inspector_never_scrolls_sideways() {
    let page = open_design("inspector-width", &templates::connectum()).await;
    page.viewport(1280, 720).await;
    page.click_node("order-service").await;
    page.find("add-env-from").await;
    let widths = js(
        &page,
        "const i = document.querySelector('aside.inspector');
         document.querySelector('[data-testid=\"add-env-from\"]').focus();
         return [i.scrollWidth, i.clientWidth, i.scrollLeft];",
    )
    .await;
    let [scroll, client, left] = [0, 1, 2].map(|i| widths[i].as_f64().unwrap());
    assert!(scroll <= client, "wider than its column: {widths}");
    assert_eq!(left, 0.0, "scrolled sideways: {widths}");
    page.close().await;
}

/// A name applied with Enter stays when the next Enter in the same field is refused (a
/// name another service has): the refusal takes back only what was not applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_rename_keeps_the_rename_before_it() {
    let design = templates::connectum();
    let id = design.service_named("order-service").unwrap().id;
    let name = FieldPath::service(id, "/name").to_string();
    let page = open_design("rename-twice", &design).await;
    page.click_node("order-service").await;
    page.type_into(&name, "orders\n").await;
    page.wait_text("yaml", "the rename", |t| t.contains("name: orders\n"))
        .await;
    page.type_into(&name, "otel-collector\n").await;
    page.wait_until("the refusal", async |p| {
        let said = error_of(p, &name).await;
        (!said.is_empty()).then_some(said)
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    let yaml = page.yaml().await;
    assert!(yaml.contains("name: orders\n"), "the first rename stays");
    assert!(!yaml.contains("name: order-service\n"));
    page.close().await;
}

/// A rename says what followed it, and a StatefulSet's that its pods will claim new,
/// empty volumes: miniredis' main database, whose address its backup and the
/// platform's one ConfigMap hold.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_says_who_followed_it_and_what_happens_to_a_databases_volumes() {
    let design = templates::miniredis();
    let id = design.service_named("postgres-main").unwrap().id;
    let name = FieldPath::service(id, "/name").to_string();
    let page = open_design("rename-said", &design).await;
    page.click_node("postgres-main").await;
    page.type_into(&name, "pg-main\n").await;
    let said = page
        .wait_text("notice", "the rename said", |t| {
            t.starts_with("Renamed postgres-main to pg-main")
        })
        .await;
    for part in [
        "follow",
        "Its pods will claim new, empty volumes (data-pg-main-0, not data-postgres-main-0)",
        "Ctrl+Z takes it back",
    ] {
        assert!(said.contains(part), "{part}: {said}");
    }
    let undo = format!("{}z{}", char::from(Key::Control), char::from(Key::Null));
    page.chord(&undo).await;
    page.wait_text("yaml", "the rename undone", |t| {
        t.contains("name: postgres-main\n")
    })
    .await;
    // A Service's port numbered otherwise says who dials the new number.
    let backend = design.service_named("backend").unwrap().id;
    page.click_node("backend").await;
    let port = FieldPath::service(backend, "/exposure/ports/0/port").to_string();
    page.type_into(&port, "5600").await;
    let said = page
        .wait_text("notice", "the new port said", |t| {
            t.starts_with("Callers dial backend on port 5600 now")
        })
        .await;
    assert!(
        said.contains("follow") && said.contains("Ctrl+Z takes it back"),
        "{said}"
    );
    page.close().await;
}

/// An imported preStop sleep written as a command: the inspector says so, an edit of the
/// seconds changes the command's number (one handler, never the command beside a native
/// sleep), and one click makes it the native sleep action.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pre_stop_command_follows_the_seconds_until_made_native() {
    let mut design = one_service(Some(("http", 8080)));
    let timing = &mut design.services[0].timing;
    timing.pre_stop_seconds = 5;
    timing.pre_stop_sleep_command = Some(vec!["sh".into(), "-c".into(), "sleep 5".into()]);
    let page = open_design("pre-stop-command", &design).await;
    page.select("yaml-object", "Deployment/").await;
    page.wait_text("yaml", "the command", |t| t.contains("- sleep 5"))
        .await;
    let note = page.text("pre-stop-form").await;
    assert!(note.contains("sh -c sleep 5"), "{note}");
    page.type_into("services/s1/timing/pre_stop_seconds", "12")
        .await;
    let yaml = page
        .wait_text("yaml", "the command's new number", |t| {
            t.contains("- sleep 12")
        })
        .await;
    assert!(!yaml.contains("seconds: 12"), "no native sleep beside it");
    page.wait_text("pre-stop-form", "the note's", |t| t.contains("sleep 12"))
        .await;
    page.click("pre-stop-native").await;
    let yaml = page
        .wait_text("yaml", "the native action", |t| t.contains("seconds: 12"))
        .await;
    assert!(!yaml.contains("- sleep 12"), "the command is gone");
    page.wait_gone("pre-stop-form").await;
    page.close().await;
}

/// A field's accessible name is its label; its hint describes it. (Inside the label the
/// hint was part of the name: "Name DNS-1035: lowercase, …".)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fields_name_is_its_label_and_its_hint_describes_it() {
    let page = open_design("field-names", &one_service(None)).await;
    page.find("services/s1/name").await;
    let said = js(
        &page,
        "const input = document.getElementById('services/s1/name');
         const text = ids => (ids || '').split(' ').filter(Boolean)
             .map(id => document.getElementById(id).textContent).join(' | ');
         return [text(input.getAttribute('aria-labelledby')),
                 text(input.getAttribute('aria-describedby'))];",
    )
    .await;
    assert_eq!(said[0], "Name", "{said}");
    assert!(said[1].as_str().unwrap().starts_with("DNS-1035"), "{said}");
    page.close().await;
}

/// The saved-designs menu is narrow and cuts a long name: the whole one shows on hover.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_design_name_shows_whole_on_the_design_menu() {
    let mut design = one_service(None);
    design.name = "payments-reconciliation-eu-west-1".into();
    let page = open_design("long-design-name", &design).await;
    let title = page
        .wait_until("the menu's title", async |p| {
            let t = p.find("design-slot").await.attr("title").await.ok()??;
            t.starts_with("payments-reconciliation-eu-west-1 (#")
                .then_some(t)
        })
        .await;
    assert!(title.ends_with(')'), "{title}");
    page.close().await;
}

/// A compose-imported service shows what a local run publishes and its profiles, to
/// edit: a container port typed letter by letter stays in its row, a host port and a
/// profile apply, a profile compose refuses is refused beside the field, and the share
/// link carries the result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compose_services_local_run_is_shown_and_edited() {
    let text = "name: shop
services:
  api:
    image: ghcr.io/acme/shop-api:2.3.1
    ports: [\"8080:3000\", \"9091:9090\"]
";
    let d = kubeprint_core::compose::import(text, &Default::default()).design;
    let id = d.service_named("api").unwrap().id.0;
    let page = open_design("local-run", &d).await;
    page.click("node-api").await;
    let field = |at: &str| format!("services/s{id}/local/{at}");
    assert_eq!(page.value(&field("published/0/port")).await, "http");
    assert_eq!(page.value(&field("published/0/host")).await, "8080");
    assert_eq!(page.value(&field("published/1/host")).await, "9091");
    let (enter, tab) = (char::from(Key::Enter), char::from(Key::Tab));
    // Each letter applies: the row stays, and the typing goes on in it.
    page.type_into(&field("published/1/port"), "metrics").await;
    assert_eq!(page.value(&field("published/1/port")).await, "metrics");
    assert_eq!(page.focused().await, field("published/1/port"));
    page.type_into(&field("published/1/port"), "port1").await;
    page.type_into(&field("published/0/host"), &format!("18080{tab}"))
        .await;
    page.type_into(&field("profiles"), &format!("debug,{enter}"))
        .await;
    page.wait_until("the refused profile", async |p| {
        let said = js(
            p,
            &format!(
                "return document.getElementById('{}-error').textContent",
                field("profiles")
            ),
        )
        .await;
        let said = said.as_str()?.replace('`', "");
        said.contains("debug, is not a compose profile")
            .then_some(said)
    })
    .await;
    page.type_into(&field("profiles"), &format!("debug{tab}"))
        .await;
    page.click("share").await;
    let url = page.value("share-link").await;
    let shared = link::decode(&url).unwrap();
    let local = &shared.service_named("api").unwrap().local;
    assert_eq!(local.profiles, ["debug"]);
    let published: Vec<(String, Option<u16>)> = (local.published.iter().flatten())
        .map(|h| (h.port.to_string(), h.host))
        .collect();
    assert_eq!(
        published,
        [
            ("http".to_string(), Some(18080)),
            ("port1".to_string(), Some(9091))
        ]
    );
    page.close().await;
}

/// A port numbered otherwise in the inspector is dialed at its new number: MariaDB's
/// container port behind its headless Service (whose name reaches the pods on it), and
/// the ConfigMap the API reads (a `DB_HOST` + `DB_PORT` pair) follows as the number is
/// typed; one undo takes both back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_numbered_otherwise_is_dialed_at_its_new_number() {
    let design = templates::stfc_fastapi();
    let id = design.service_named("icat-mariadb").unwrap().id;
    let port = FieldPath::service(id, "/ports/0/port").to_string();
    let page = open_design("renumber", &design).await;
    page.click_node("icat-mariadb").await;
    page.select("yaml-object", "ConfigMap/").await;
    page.wait_text("yaml", "the caller's port", |t| {
        t.contains("DB_PORT: '3306'")
    })
    .await;
    page.type_into(&port, "3307").await;
    page.wait_text("yaml", "the caller's new port", |t| {
        t.contains("DB_PORT: '3307'")
    })
    .await;
    assert_eq!(error_of(&page, &port).await, "");
    press(&page, &ctrl("z")).await;
    page.wait_text("yaml", "the caller's port back", |t| {
        t.contains("DB_PORT: '3306'")
    })
    .await;
    assert_eq!(page.value(&port).await, "3306", "one undo for the typing");
    page.close().await;
}

/// A value a field refused is not in the design: selecting another service drops it
/// from the field, and the status bar says what was not kept, where, why, and what the
/// field keeps, rather than losing it without a word.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_value_left_behind_by_selecting_another_service_is_said() {
    let page = Page::open("ux-refused-left").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    page.click_node("order-service").await;
    let field = "services/s1/timing/grace_period_seconds";
    let before = page.value(field).await;
    page.type_into(field, "thirty").await;
    let error = error_of(&page, field).await;
    assert!(!error.is_empty(), "the field refuses it");
    page.click_node("otel-collector").await;
    let status = page
        .wait_text("status", "what was not kept", |t| t.starts_with("Not kept"))
        .await;
    assert!(
        status.contains("`thirty` typed in ")
            && status.contains(" of order-service, which was refused (")
            && status.ends_with(&format!("it keeps `{before}`.")),
        "{status}"
    );
    // Back on order-service, the field shows the design's value, with no error.
    page.click_node("order-service").await;
    assert_eq!(page.value(field).await, before);
    assert!(error_of(&page, field).await.is_empty());
    page.close().await;
}

/// A payment API outside the cluster under default-deny: KP324 says the connection is
/// dropped, its fix lets the service out on that port, the inspector's "Outside the
/// cluster" list shows and edits the allowance (a host typed as the block is refused),
/// the allow policy follows, and removing it brings the finding back; "+ destination"
/// on the empty list adds HTTPS anywhere.
#[tokio::test]
async fn egress_outside_the_cluster_is_found_fixed_and_edited() {
    let mut design = templates::connectum();
    design
        .environments
        .iter_mut()
        .for_each(|e| e.default_deny = true);
    let order = design.service_named("order-service").unwrap().id;
    let env = &mut design.service_mut(order).unwrap().config.env;
    env.push(EnvVar::literal("PAYMENTS_URL", "https://api.stripe.com/v1"));
    let page = open_design("egress", &design).await;
    page.wait_text("findings", "the dropped connection", |t| {
        t.contains("KP324")
    })
    .await;
    let fix = page.text("fix-KP324").await;
    assert!(fix.contains("reach api.stripe.com on port 443"), "{fix}");
    page.click("fix-KP324").await;
    page.wait_gone("finding-KP324").await;
    // The fix shows what it added: the new destination, in the service's inspector.
    let path = |field: &str| format!("services/s{}/egress/0/{field}", order.0);
    page.wait_until("focus on the new destination", async |p| {
        (focused_id(p).await == path("to")).then(String::new)
    })
    .await;
    page.click_node("order-service").await;
    page.wait_text("inspector-title", "order-service", |t| t == "order-service")
        .await;
    assert_eq!(page.value(&path("to")).await, "api.stripe.com");
    assert_eq!(page.value(&path("cidr")).await, "0.0.0.0/0");
    assert_eq!(page.value(&path("port")).await, "443");
    page.select("yaml-object", "NetworkPolicy/order-service-allow")
        .await;
    page.wait_text("yaml", "the allowance in the policy", |t| {
        t.contains("cidr: 0.0.0.0/0") && t.contains("port: 443")
    })
    .await;
    // A host where the block goes is refused with what to write; the block stays.
    page.type_into(&path("cidr"), "api.stripe.com").await;
    let error = error_of(&page, &path("cidr")).await;
    assert!(error.contains("a policy names no hosts"), "{error}");
    assert!(page.yaml().await.contains("cidr: 0.0.0.0/0"));
    page.type_into(&path("cidr"), "52.0.0.0/8").await;
    page.wait_text("yaml", "the narrowed block", |t| {
        t.contains("cidr: 52.0.0.0/8")
    })
    .await;
    // Without the allowance the finding comes back; "+ destination" adds HTTPS anywhere.
    page.click(&format!("services/s{}/egress/0#remove", order.0))
        .await;
    page.wait_text("findings", "the finding back", |t| t.contains("KP324"))
        .await;
    page.click(&format!("services/s{}/egress#add", order.0))
        .await;
    page.wait_gone("finding-KP324").await;
    assert_eq!(page.value(&path("cidr")).await, "0.0.0.0/0");
    // Each button is a step of its own: undo takes back the add, then the remove.
    page.click("undo").await;
    page.wait_text("findings", "the finding back", |t| t.contains("KP324"))
        .await;
    page.click("undo").await;
    page.wait_until("the narrowed block back", async |p| {
        let back = p.present(&path("cidr")).await && p.value(&path("cidr")).await == "52.0.0.0/8";
        back.then(String::new)
    })
    .await;
    page.close().await;
}
