//! Work leaves the page and comes back: share links, autosave, files, saved designs.

use kubeprint_tests::app_url;
use kubeprint_tests::page::Page;

const GRACE: &str = "services/s1/timing/grace_period_seconds";

/// Open the STFC FastAPI template from the gallery, a second saved design
/// (`icat-api (#2)`), and wait for its YAML.
async fn open_second_design(page: &Page) {
    page.click("open-gallery").await;
    page.click("template-stfc-fastapi").await;
    page.wait_text("yaml", "the second design", |t| {
        t.contains("name: fastapi-app")
    })
    .await;
}

/// Open the miniredis template from the gallery and wait for its prod YAML.
async fn open_miniredis(page: &Page) {
    page.click("open-gallery").await;
    page.click("template-miniredis").await;
    page.wait_text("yaml", "miniredis", |t| {
        t.contains("namespace: miniredis-prod")
    })
    .await;
}

/// Paste share link `url` into the address bar of the open page (its fragment only,
/// as a user pasting it into the same page does).
async fn follow_link(page: &Page, url: &str) {
    let fragment = url.split_once('#').unwrap().1;
    page.client
        .execute("location.hash = arguments[0]", vec![fragment.into()])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_link_opens_the_same_design_in_a_fresh_browser() {
    let page = Page::open("share-from").await;
    open_miniredis(&page).await;
    page.type_into(GRACE, "41").await;
    let yaml = page
        .wait_text("yaml", "the edit", |t| {
            t.contains("terminationGracePeriodSeconds: 41")
        })
        .await;
    page.click("share").await;
    let url = page.value("share-link").await;
    assert!(url.contains("#d=kp2."), "{url}");
    // Chat-sized: the miniredis platform with its dev environment, backup CronJobs, prod
    // canaries and monitoring, edited, in at most 1,500 characters with the page's
    // address (about 1,300 with the link format's dictionary).
    assert!(
        url.len() <= 1500,
        "short enough for chat tools: {} characters",
        url.len()
    );
    page.close().await;

    let other = Page::open_at("share-to", &url).await;
    let opened = other
        .wait_text("yaml", "the shared design", |t| {
            t.contains("terminationGracePeriodSeconds: 41")
        })
        .await;
    assert_eq!(
        opened, yaml,
        "the same YAML in a browser that never saw the design"
    );
    assert!(other.present("node-node-manager").await);

    // The same link again, on a design changed since: a new saved design; once more,
    // that one, not a third copy.
    let slots = async |p: &Page| {
        p.client
            .execute(
                "return document.querySelectorAll('[data-testid=\"design-slot\"] option').length",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap()
    };
    let first = other
        .client
        .execute(
            "return document.querySelector('[data-testid=\"design-slot\"]').value",
            vec![],
        )
        .await
        .unwrap();
    other.type_into(GRACE, "42").await;
    other
        .wait_text("yaml", "the edit", |t| {
            t.contains("terminationGracePeriodSeconds: 42")
        })
        .await;
    let n = slots(&other).await;
    follow_link(&other, &url).await;
    other
        .wait_text("yaml", "the link again", |t| {
            t.contains("terminationGracePeriodSeconds: 41")
        })
        .await;
    // Two designs of one name now: the notice tells them apart by number.
    let notice = other.text("notice").await;
    let numbers: Vec<String> = (notice.split("(#").skip(1))
        .map(|n| n.split(')').next().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        notice,
        format!(
            "Opened miniredis as a new design (#{}); the miniredis shown before (#{}) stays in the design menu",
            numbers[0], numbers[1]
        )
    );
    assert_ne!(numbers[0], numbers[1]);
    let listed = other
        .client
        .execute(
            "return Array.from(document.querySelectorAll('[data-testid=\"design-slot\"] option')).map(o => o.textContent)",
            vec![],
        )
        .await
        .unwrap();
    for n in &numbers {
        assert!(
            listed.to_string().contains(&format!("#{n})")),
            "#{n} in {listed}"
        );
    }
    assert_eq!(
        slots(&other).await,
        n + 1,
        "an edited design is not the link's"
    );
    other.select("design-slot", first.as_str().unwrap()).await;
    other
        .wait_text("yaml", "the edited one", |t| {
            t.contains("terminationGracePeriodSeconds: 42")
        })
        .await;
    follow_link(&other, &url).await;
    other
        .wait_text("yaml", "the link once more", |t| {
            t.contains("terminationGracePeriodSeconds: 41")
        })
        .await;
    assert_eq!(
        slots(&other).await,
        n + 1,
        "no copy of a design already saved"
    );
    other.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_link_opens_on_the_environment_it_was_made_on() {
    let page = Page::open("share-env-from").await;
    open_miniredis(&page).await;
    page.click("env-dev").await;
    let dev = page
        .wait_text("yaml", "dev's objects", |t| {
            t.contains("namespace: miniredis-dev")
        })
        .await;
    page.click("share").await;
    let url = page.value("share-link").await;
    assert!(url.ends_with("&env=dev"), "{url}");
    assert!(
        page.text("share-environment")
            .await
            .contains("opens on dev"),
        "the dialog says which environment"
    );
    page.close().await;

    // A browser that never saw the design shows dev, as the sharer did.
    let other = Page::open_at("share-env-to", &url).await;
    let opened = other
        .wait_text("yaml", "the shared design on dev", |t| {
            t.contains("namespace: miniredis-dev")
        })
        .await;
    assert_eq!(opened, dev);
    assert_eq!(other.attr("env-dev", "aria-pressed").await, "true");
    // The same link pasted into the open page, now on prod: back on dev.
    other.click("env-prod").await;
    other
        .wait_text("yaml", "prod", |t| t.contains("namespace: miniredis-prod"))
        .await;
    follow_link(&other, &url).await;
    other
        .wait_text("yaml", "the link's environment again", |t| {
            t.contains("namespace: miniredis-dev")
        })
        .await;
    assert_eq!(other.attr("env-dev", "aria-pressed").await, "true");
    // A reload keeps showing it (the view is the saved design's, not the link's).
    other.client.refresh().await.unwrap();
    other
        .wait_text("yaml", "dev after a reload", |t| {
            t.contains("namespace: miniredis-dev")
        })
        .await;
    other.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_link_in_a_new_browser_says_the_example_is_shown() {
    let bad = format!("{}/#d=kp1.this-is-not-a-design", app_url());
    let page = Page::open_at("corrupt-fresh", &bad).await;
    let message = page
        .wait_text("load-error", "the link error", |t| {
            t.contains("could not be opened")
        })
        .await;
    assert!(
        message.contains("The example design is shown instead") && !message.contains("last design"),
        "nothing was saved in this browser yet: {message}"
    );
    // Once there is a saved design, a broken link says that design is shown.
    page.wait_text("yaml", "YAML", |t| t.contains("kind: Deployment"))
        .await;
    page.client.goto("about:blank").await.unwrap();
    page.client.goto(&bad).await.unwrap();
    let message = page
        .wait_text("load-error", "the link error", |t| {
            t.contains("could not be opened")
        })
        .await;
    assert!(
        message.contains("Your last design is shown instead"),
        "{message}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupted_link_explains_itself_and_keeps_the_previous_design() {
    let page = Page::open("corrupt").await;
    page.wait_text("yaml", "YAML", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    page.type_into(GRACE, "44").await;
    page.wait_text("yaml", "the edit", |t| {
        t.contains("terminationGracePeriodSeconds: 44")
    })
    .await;

    let bad = format!("{}/#d=kp1.this-is-not-a-design", app_url());
    page.client.goto(&bad).await.unwrap();
    let message = page
        .wait_text("load-error", "the link error", |t| {
            t.contains("could not be opened")
        })
        .await;
    assert!(message.contains("damaged or was cut off"), "{message}");
    assert!(message.contains("Your design is unchanged"), "{message}");
    let raw = page
        .find("load-error-raw")
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default();
    assert!(
        raw.contains("kp1.this-is-not-a-design"),
        "the raw text is kept: {raw}"
    );
    page.wait_text("yaml", "the autosaved design", |t| {
        t.contains("terminationGracePeriodSeconds: 44")
    })
    .await;

    let future = format!("{}/#d=kp7.AAAA", app_url());
    page.client.goto(&future).await.unwrap();
    page.wait_text("load-error", "the version error", |t| {
        t.contains("newer Kubeprint")
    })
    .await;
    page.close().await;
}

/// The example opened, its grace period (35 s) typed over with 52, and shown.
async fn example_with_grace_52(tag: &str) -> Page {
    let page = Page::open(tag).await;
    page.wait_text("yaml", "YAML", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    page.type_into(GRACE, "52").await;
    page.wait_text("yaml", "the edit", |t| {
        t.contains("terminationGracePeriodSeconds: 52")
    })
    .await;
    page
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_restores_the_autosaved_design() {
    let page = example_with_grace_52("reload").await;
    page.client.refresh().await.unwrap();
    page.wait_text("yaml", "the restored design", |t| {
        t.contains("terminationGracePeriodSeconds: 52")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "52");
    page.close().await;
}

/// A reload shows the environment shown before it, not the design's default one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_shows_the_environment_it_showed() {
    let page = Page::open("reload-env").await;
    page.find("node-order-service").await;
    let pressed = async |p: &Page, env: &str| p.attr(&format!("env-{env}"), "aria-pressed").await;
    assert_eq!(pressed(&page, "prod").await, "true");
    page.click("env-dev").await;
    page.wait_until("dev shown", async |p| {
        Some(pressed(p, "dev").await).filter(|v| v == "true")
    })
    .await;
    page.client.refresh().await.unwrap();
    page.find("node-order-service").await;
    page.wait_until("dev shown after the reload", async |p| {
        Some(pressed(p, "dev").await).filter(|v| v == "true")
    })
    .await;
    assert_eq!(pressed(&page, "prod").await, "false");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_followed_at_once_by_a_reload_is_kept() {
    // The autosave waits for the page to be idle; leaving the page must write at once.
    let page = Page::open("reload-at-once").await;
    page.wait_text("yaml", "YAML", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    page.find(GRACE).await;
    // The edit and the reload in one script: no timer can run in between.
    page.client
        .execute(
            "window.beforeReload = true;
             const input = document.querySelector(arguments[0]);
             input.value = '53';
             input.dispatchEvent(new Event('input', { bubbles: true }));
             location.reload();",
            vec![Page::css(GRACE).into()],
        )
        .await
        .unwrap();
    page.wait_until("the reloaded page", async |p| {
        let old = p
            .client
            .execute("return window.beforeReload === true;", vec![]);
        (old.await.ok()? == serde_json::Value::Bool(false)).then(String::new)
    })
    .await;
    page.wait_text("yaml", "the design after the reload", |t| {
        t.contains("terminationGracePeriodSeconds: 53")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "53");
    page.close().await;
}

/// A reload keeps the undo steps (in this tab): a service removed by mistake and
/// reloaded over comes back with Ctrl+Z, and so does the value before an edit; redo
/// goes forward again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_keeps_the_undo_steps() {
    let page = example_with_grace_52("undo-reload").await;
    page.click("delete-service").await;
    page.wait_gone("node-order-service").await;
    page.client.refresh().await.unwrap();
    page.wait_text("yaml", "the design after the reload", |t| {
        t.contains("kind: Namespace")
    })
    .await;
    assert!(!page.present("node-order-service").await, "still removed");
    page.click("undo").await;
    page.click_node("order-service").await;
    page.wait_until("the service back, as edited", async |p| {
        Some(p.value(GRACE).await).filter(|v| v == "52")
    })
    .await;
    page.click("undo").await;
    page.wait_until("the value before the edit", async |p| {
        Some(p.value(GRACE).await).filter(|v| v == "35")
    })
    .await;
    page.click("redo").await;
    page.click("redo").await;
    page.wait_gone("node-order-service").await;
    page.close().await;
}

/// A typing taken back to before any step (`52`, autosaved, then `52x`, which does not
/// parse) leaves no history, and what is done after it is kept over a reload whole: the
/// kept history is written again from its first design.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_begun_again_after_a_take_back_is_kept_over_a_reload() {
    let page = example_with_grace_52("undo-take-back").await;
    // Past the autosave's wait: the history with its first design is written.
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    page.find(GRACE).await.send_keys("x").await.unwrap();
    page.wait_text("yaml", "the typing taken back", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(900)).await;
    page.type_into(GRACE, "47").await;
    page.wait_text("yaml", "the next edit", |t| {
        t.contains("terminationGracePeriodSeconds: 47")
    })
    .await;
    page.client.refresh().await.unwrap();
    page.wait_text("yaml", "the design after the reload", |t| {
        t.contains("terminationGracePeriodSeconds: 47")
    })
    .await;
    page.click("undo").await;
    page.wait_text("yaml", "the edit undone", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_designs_are_kept_and_switched_between() {
    let page = Page::open("slots").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    open_second_design(&page).await;
    let slots = page.text("design-slot").await;
    assert!(
        slots.contains("connectum (#1)") && slots.contains("icat-api (#2)"),
        "{slots}"
    );
    page.select("design-slot", "1").await;
    page.wait_text("yaml", "the first design again", |t| {
        t.contains("name: order-service")
    })
    .await;
    page.client.refresh().await.unwrap();
    page.wait_text("yaml", "the open design after reload", |t| {
        t.contains("name: order-service")
    })
    .await;
    page.close().await;
}

// Each saved design keeps its undo steps while the page is open: switching away and
// back, Ctrl+Z still undoes what was done before, and the other design's history is its
// own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_back_to_a_design_keeps_its_undo_steps() {
    let page = Page::open("undo-slots").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    page.type_into(GRACE, "45").await;
    page.wait_text("yaml", "grace 45", |t| {
        t.contains("terminationGracePeriodSeconds: 45")
    })
    .await;
    open_second_design(&page).await;
    let disabled = async |p: &Page, id: &str| {
        p.find(id).await.prop("disabled").await.unwrap().as_deref() == Some("true")
    };
    assert!(
        disabled(&page, "undo").await,
        "a new design has nothing to undo"
    );
    page.select("design-slot", "1").await;
    page.wait_text("yaml", "the first design again, as edited", |t| {
        t.contains("name: order-service") && t.contains("terminationGracePeriodSeconds: 45")
    })
    .await;
    assert!(!disabled(&page, "undo").await, "the edit can be undone");
    let key = fantoccini::key::Key::Control;
    page.chord(&format!(
        "{}z{}",
        char::from(key),
        char::from(fantoccini::key::Key::Null)
    ))
    .await;
    page.wait_text("yaml", "the edit undone", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "35");
    page.click("redo").await;
    page.wait_text("yaml", "the edit redone", |t| {
        t.contains("terminationGracePeriodSeconds: 45")
    })
    .await;
    page.close().await;
}

// Two tabs on one saved design: what one saves shows in the other (as a step Ctrl+Z
// undoes), so the other's next save keeps it instead of writing a stale copy over it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tabs_on_one_design_keep_each_others_edits() {
    const MIN_READY: &str = "services/s1/timing/min_ready_seconds";
    let page = Page::open("two-tabs").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let first = page.client.window().await.unwrap();
    let second = page.client.new_window(true).await.unwrap().handle;
    page.client.switch_to_window(second.clone()).await.unwrap();
    page.client.goto(kubeprint_tests::app_url()).await.unwrap();
    page.wait_text("yaml", "the same design in a second tab", |t| {
        t.contains("name: order-service")
    })
    .await;
    page.type_into(GRACE, "50").await;
    page.wait_text("yaml", "grace 50", |t| {
        t.contains("terminationGracePeriodSeconds: 50")
    })
    .await;
    // Leaving the tab saves at once (and so does the autosave, a moment later).
    page.client.switch_to_window(first).await.unwrap();
    page.wait_text("yaml", "the other tab's edit", |t| {
        t.contains("terminationGracePeriodSeconds: 50")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "50");
    let notice = page.text("notice").await;
    assert!(notice.contains("another tab"), "{notice}");
    assert_ne!(page.value(MIN_READY).await, "17");
    page.type_into(MIN_READY, "17").await;
    page.wait_text("yaml", "minReadySeconds 17", |t| {
        t.contains("minReadySeconds: 17")
    })
    .await;
    page.client.switch_to_window(second).await.unwrap();
    let both = page
        .wait_text("yaml", "both edits in the second tab", |t| {
            t.contains("minReadySeconds: 17")
        })
        .await;
    assert!(
        both.contains("terminationGracePeriodSeconds: 50"),
        "its own edit is kept"
    );
    // Ctrl+Z there goes back to what this tab had before the other tab's save.
    page.click("undo").await;
    page.wait_text("yaml", "this tab's version again", |t| {
        !t.contains("minReadySeconds: 17") && t.contains("terminationGracePeriodSeconds: 50")
    })
    .await;
    page.close().await;
}

// A reload reopens the design this tab had open, though another tab has opened
// another since (a share link): the edit made here is what comes back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reload_reopens_this_tabs_design_whatever_another_tab_opened() {
    let page = Page::open("reload-own").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    page.type_into(GRACE, "52").await;
    page.wait_text("yaml", "grace 52", |t| {
        t.contains("terminationGracePeriodSeconds: 52")
    })
    .await;
    let first = page.client.window().await.unwrap();
    let second = page.client.new_window(true).await.unwrap().handle;
    page.client.switch_to_window(second).await.unwrap();
    let link = kubeprint_core::link::link(
        &format!("{}/", app_url()),
        &kubeprint_core::templates::stfc_fastapi(),
    );
    page.client.goto(&link).await.unwrap();
    page.wait_text("yaml", "the linked design in the second tab", |t| {
        t.contains("name: icat-api")
    })
    .await;
    page.client.switch_to_window(first).await.unwrap();
    page.client.refresh().await.unwrap();
    let yaml = page
        .wait_text("yaml", "this tab's own design after the reload", |t| {
            t.contains("name: order-service") || t.contains("name: icat-api")
        })
        .await;
    assert!(
        yaml.contains("terminationGracePeriodSeconds: 52"),
        "the reload reopened another design"
    );
    page.close().await;
}

// Deleting a saved design asks first; declined, nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_a_saved_design_asks_first() {
    let page = Page::open("delete-asks").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    open_second_design(&page).await;
    page.click("delete-design").await;
    let question = page.client.get_alert_text().await.unwrap();
    assert!(
        question.contains("icat-api") && question.contains("cannot be undone"),
        "{question}"
    );
    page.client.dismiss_alert().await.unwrap();
    assert!(page.text("design-slot").await.contains("icat-api (#2)"));
    assert!(
        page.yaml().await.contains("name: fastapi-app"),
        "still open"
    );
    page.click("delete-design").await;
    page.client.accept_alert().await.unwrap();
    page.wait_text("yaml", "the first design", |t| {
        t.contains("name: order-service")
    })
    .await;
    assert!(!page.text("design-slot").await.contains("icat-api"));
    let notice = page.text("notice").await;
    assert!(
        notice.contains("Deleted the saved design “icat-api”"),
        "{notice}"
    );
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_design_files_good_and_bad() {
    let dir = std::env::temp_dir().join(format!("kubeprint-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("framework.kubeprint.json");
    std::fs::write(
        &good,
        kubeprint_core::file::to_json(&kubeprint_core::templates::framework_m()),
    )
    .unwrap();
    let bad = dir.join("broken.kubeprint.json");
    std::fs::write(&bad, "{ this is not json").unwrap();

    let page = Page::open("files").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    page.find("open-file")
        .await
        .send_keys(bad.to_str().unwrap())
        .await
        .unwrap();
    let message = page
        .wait_text("load-error", "the file error", |t| {
            t.contains("could not be opened")
        })
        .await;
    assert!(
        message.contains("broken.kubeprint.json")
            && message.contains("not a Kubeprint design file"),
        "{message}"
    );
    assert!(
        page.yaml().await.contains("name: order-service"),
        "the design is unchanged"
    );

    page.find("open-file")
        .await
        .send_keys(good.to_str().unwrap())
        .await
        .unwrap();
    page.wait_text("yaml", "the opened file", |t| {
        t.contains("name: framework-m-backend")
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_storage_is_reported_and_the_design_stays_open() {
    let page = Page::open("full").await;
    page.wait_text("yaml", "YAML", |t| {
        t.contains("terminationGracePeriodSeconds: 35")
    })
    .await;
    // Storage refuses every write from now on, as a full quota does.
    page.client
        .execute(
            "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };",
            vec![],
        )
        .await
        .unwrap();
    page.type_into(GRACE, "47").await;
    let status = page
        .wait_text("status", "the autosave failure", |t| {
            t.contains("autosave failed")
        })
        .await;
    assert!(
        status.contains("save it as a file"),
        "it says what to do: {status}"
    );
    assert!(
        page.yaml()
            .await
            .contains("terminationGracePeriodSeconds: 47"),
        "the edit is still there"
    );
    page.close().await;
}

/// Whether leaving the page now would ask first: a `beforeunload` the page cancels.
async fn leaving_asks(page: &Page) -> bool {
    let script = "const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented;";
    let v = page.client.execute(script, vec![]).await.unwrap();
    v.as_bool().expect("a boolean")
}

/// The grace period of the design saved in the browser's storage for the open slot,
/// and of the copy this tab keeps of it.
async fn saved_and_kept(page: &Page) -> [Option<String>; 2] {
    let script = r#"
const slot = sessionStorage.getItem('kubeprint.v1.current');
const grace = (text) => (text && text.match(/"grace_period_seconds": (\d+)/) || [])[1] || null;
return [grace(localStorage.getItem('kubeprint.v1.design.' + slot)),
        grace(sessionStorage.getItem('kubeprint.v1.unsaved.' + slot))];
"#;
    let v = page.client.execute(script, vec![]).await.unwrap();
    serde_json::from_value(v).expect("two answers")
}

/// The grace periods [`saved_and_kept`] answers: the saved design's, and the tab's copy's.
fn grace(saved: &str, kept: Option<&str>) -> [Option<String>; 2] {
    [Some(saved.to_string()), kept.map(String::from)]
}

/// Wait until the saved design and the tab's copy have these grace periods.
async fn wait_saved_and_kept(page: &Page, saved: &str, kept: Option<&str>) {
    let want = grace(saved, kept);
    let what = format!("{saved} saved, {kept:?} kept in the tab");
    page.wait_until(&what, async |p| {
        (saved_and_kept(p).await == want).then_some(String::new())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_design_the_full_storage_refused_survives_a_reload_in_its_tab() {
    let page = example_with_grace_52("full-kept").await;
    wait_saved_and_kept(&page, "52", None).await;
    assert!(
        !leaving_asks(&page).await,
        "a saved design leaves without asking"
    );
    // The browser's storage refuses designs from now on, as a full quota does; the
    // tab's own storage still takes them.
    page.client.execute(FULL_FOR_DESIGNS, vec![]).await.unwrap();
    page.type_into(GRACE, "47").await;
    let status = page
        .wait_text("status", "the autosave kept in the tab", |t| {
            t.contains("kept in this tab only")
        })
        .await;
    assert!(
        status.contains("save it as a file"),
        "it says what to do: {status}"
    );
    assert_eq!(
        saved_and_kept(&page).await,
        grace("52", Some("47")),
        "the refused design is kept in the tab beside the last saved one"
    );
    assert!(
        leaving_asks(&page).await,
        "leaving a design kept in the tab only asks first"
    );
    // A reload (the question answered: this test's own listener goes first and stops
    // the page's) finds the tab's copy, and saves it where it can now go.
    page.client
        .execute(
            "window.addEventListener('beforeunload', (e) => e.stopImmediatePropagation(), true);",
            vec![],
        )
        .await
        .unwrap();
    page.client.refresh().await.unwrap();
    page.wait_text("yaml", "the design kept in the tab", |t| {
        t.contains("terminationGracePeriodSeconds: 47")
    })
    .await;
    assert_eq!(page.value(GRACE).await, "47");
    wait_saved_and_kept(&page, "47", None).await;
    assert!(
        !leaving_asks(&page).await,
        "saved again, it leaves without asking"
    );
    page.close().await;
}

/// Storage refuses designs from now on, as a full quota does; the tab's own storage
/// still takes them, and `window.setAnywhere` writes as another tab would.
const FULL_FOR_DESIGNS: &str = "const set = Storage.prototype.setItem;
window.setAnywhere = (s, k, v) => set.call(s, k, v);
Storage.prototype.setItem = function (k, v) {
  if (this === localStorage && k.startsWith('kubeprint.v1.design.')) {
    throw new DOMException('full', 'QuotaExceededError');
  }
  return set.call(this, k, v);
};";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_tabs_save_wins_over_the_copy_a_full_storage_left_in_this_tab() {
    let page = example_with_grace_52("full-other-tab").await;
    wait_saved_and_kept(&page, "52", None).await;
    page.client.execute(FULL_FOR_DESIGNS, vec![]).await.unwrap();
    page.type_into(GRACE, "47").await;
    wait_saved_and_kept(&page, "52", Some("47")).await;
    // Another tab, whose storage took it, saves the design with 61.
    page.client
        .execute(
            "const key = 'kubeprint.v1.design.' + sessionStorage.getItem('kubeprint.v1.current');
             const text = localStorage.getItem(key).replace('\"grace_period_seconds\": 52', '\"grace_period_seconds\": 61');
             window.setAnywhere(localStorage, key, text);
             window.dispatchEvent(new StorageEvent('storage', { key, newValue: text }));",
            vec![],
        )
        .await
        .unwrap();
    page.wait_text("yaml", "the other tab's design", |t| {
        t.contains("terminationGracePeriodSeconds: 61")
    })
    .await;
    assert_eq!(
        saved_and_kept(&page).await,
        grace("61", None),
        "the stale copy is dropped: a reload must not bring it back over 61"
    );
    assert!(
        !leaving_asks(&page).await,
        "nothing of this tab's is unsaved"
    );
    page.client.refresh().await.unwrap();
    page.wait_text("yaml", "61 after a reload", |t| {
        t.contains("terminationGracePeriodSeconds: 61")
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_downloaded_bundle_holds_kustomize_rendered_yaml_and_the_design() {
    use kubeprint_tests::{chrome_capabilities_with_downloads, fresh_profile};
    let downloads = fresh_profile("downloads");
    let caps = chrome_capabilities_with_downloads(&fresh_profile("bundle"), &downloads);
    let page = Page::open_with(app_url(), caps).await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    page.click("open-bundle").await;
    page.click("download-bundle").await;
    let zip = downloads.join("connectum-bundle.zip");
    page.wait_until("the download", async |_| zip.exists().then(String::new))
        .await;
    // Chromium writes to a .crdownload file and renames it when complete.
    page.wait_until("the download to finish", async |_| {
        let partial = std::fs::read_dir(&downloads).unwrap().any(|e| {
            e.unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "crdownload")
        });
        (!partial).then(String::new)
    })
    .await;
    let listing = kubeprint_tests::zip_listing(&zip);
    for path in [
        "connectum/kustomize/base/kustomization.yaml",
        "connectum/kustomize/base/deployment-order-service.yaml",
        "connectum/kustomize/overlays/dev/kustomization.yaml",
        "connectum/kustomize/overlays/prod/kustomization.yaml",
        "connectum/kustomize/overlays/observability/kustomization.yaml",
        "connectum/rendered/prod.yaml",
        "connectum/rendered/dev.yaml",
        "connectum/design.kubeprint.json",
        "connectum/README.md",
    ] {
        assert!(
            listing.lines().any(|l| l == format!("{path} 8")),
            "{path} missing:\n{listing}"
        );
    }
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasted_manifests_import_with_a_report_per_document() {
    let page = Page::open("import").await;
    page.client.set_window_size(1280, 640).await.unwrap();
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    page.click("open-import").await;
    let manifests = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: api\n  template:\n    metadata:\n      labels:\n        app: api\n    spec:\n      terminationGracePeriodSeconds: 10\n      containers:\n      - name: api\n        image: shop/api:latest\n        env:\n        - name: SHUTDOWN_TIMEOUT\n          value: 30s\n        ports:\n        - name: http\n          containerPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: api\n  namespace: shop\nspec:\n  selector:\n    app: api\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n---\napiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: quota\n  namespace: shop\n---\nkind: [broken\n";
    page.find("import-text")
        .await
        .send_keys(manifests)
        .await
        .unwrap();
    page.click("import-run").await;
    let report = page
        .wait_text("import-report", "the report", |t| t.contains("quota"))
        .await;
    assert!(
        report.contains("Deployment api") && report.contains("modelled"),
        "{report}"
    );
    assert!(
        report.contains("kept whole: Kubeprint does not model ResourceQuota"),
        "a kind the model does not cover is kept, not dropped: {report}"
    );
    assert!(report.contains("invalid YAML at line"), "{report}");
    let summary = page.text("import-summary").await;
    assert!(
        summary.contains("3 of 4 documents imported") && summary.contains("1 error and"),
        "grace 10 s < shutdown 30 s: {summary}"
    );
    // The document it could not read comes first, as a warning, with what to do.
    assert!(
        summary.starts_with("1 document could not be read (invalid YAML at line ")
            && summary.contains("fix it and check again"),
        "{summary}"
    );
    let class = page
        .find("import-summary")
        .await
        .attr("class")
        .await
        .unwrap();
    assert!(class.unwrap_or_default().contains("warning-note"));
    // The findings of the design shown so far, read down to the end.
    let findings_top = async |p: &Page, to: Option<u64>| {
        let script = "const l = document.querySelector('[data-testid=\"findings\"]'); \
                      if (arguments[0] !== null) l.scrollTop = arguments[0]; return l.scrollTop;";
        let top = p.client.execute(script, vec![to.into()]).await.unwrap();
        top.as_f64().unwrap_or(-1.0)
    };
    assert!(
        findings_top(&page, Some(100_000)).await > 0.0,
        "a list to scroll"
    );
    page.click("import-open").await;
    let yaml = page
        .wait_text("yaml", "the imported design", |t| {
            t.contains("image: shop/api:latest")
        })
        .await;
    assert_eq!(
        findings_top(&page, None).await,
        0.0,
        "its findings from the top"
    );
    assert!(yaml.contains("namespace: shop") && yaml.contains("port: 80"));
    // Where the design shown before went is said.
    let notice = page.text("notice").await;
    assert!(
        notice.starts_with("Opened shop as a new design; ")
            && notice.ends_with(" stays in the design menu"),
        "{notice}"
    );
    page.wait_text("findings", "the grace period error", |t| {
        t.contains("KP102")
    })
    .await;

    // Edited after the import, the YAML shows the edit, and the object kept whole stays.
    page.click_node("api").await;
    page.type_into(GRACE, "40").await;
    page.wait_text("yaml", "the edited grace period", |t| {
        t.contains("terminationGracePeriodSeconds: 40") && t.contains("kind: ResourceQuota")
    })
    .await;
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_files_on_the_page_opens_designs_and_imports_yaml() {
    let page = Page::open("drop").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let compose = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/tests/manifests/stfc-compose.yaml"
    ))
    .unwrap();
    // A file dropped from the desktop.
    page.drop_files("main.layout", &[("docker-compose.yml", &compose)])
        .await;
    let report = page
        .wait_text("import-report", "the compose report", |t| {
            t.contains("fastapi-app")
        })
        .await;
    assert!(
        report.contains("icat-mariadb") && report.contains("Job"),
        "{report}"
    );
    // Every compose service is part of the design; what it said that Kubernetes has no
    // field for is a note on it, and nothing is reported as kept whole.
    assert!(
        report.contains("modelled (") && !report.contains("kept whole"),
        "{report}"
    );
    page.click("import-open").await;
    page.wait_text("yaml", "the imported stack", |t| {
        t.contains("image: harbor.stfc.ac.uk/dseg/api:main")
    })
    .await;

    let design = kubeprint_core::file::to_json(&kubeprint_core::templates::framework_m());
    page.drop_files("main.layout", &[("fm.kubeprint.json", &design)])
        .await;
    page.wait_text("yaml", "the dropped design file", |t| {
        t.contains("name: framework-m-backend")
    })
    .await;
    page.close().await;
}

/// The page served with its worker's module missing (a deploy that lost a file, or a
/// network that failed mid-way): import and the bundle say what went wrong, and the
/// design stays open and editable.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_its_worker_module_the_page_explains_and_keeps_the_design() {
    let site = kubeprint_tests::fresh_profile("no-worker-site");
    for entry in std::fs::read_dir(kubeprint_tests::app_dist())
        .unwrap()
        .flatten()
    {
        if entry.file_name() != "kubeprint-worker_bg.wasm" && entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), site.join(entry.file_name())).unwrap();
        }
    }
    let url = kubeprint_tests::serve(Box::leak(site.into_boxed_path()));
    let page = Page::open_at("no-worker", &url).await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;

    page.click("open-import").await;
    page.find("import-text")
        .await
        .send_keys("apiVersion: v1\nkind: Service\nmetadata:\n  name: api\n")
        .await
        .unwrap();
    let problem = page
        .wait_text("import-problem", "the import's problem", |t| !t.is_empty())
        .await;
    assert!(
        problem.contains("could not be loaded") && problem.contains("reload the page"),
        "{problem}"
    );
    let open = page.find("import-open").await;
    assert_eq!(
        open.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    // Asked again, the page tries a new worker (the network may be back): same answer.
    page.click("import-run").await;
    page.wait_text("import-problem", "the problem again", |t| {
        t.contains("could not be loaded")
    })
    .await;
    page.click("import-cancel").await;

    page.click("open-bundle").await;
    let problem = page
        .wait_text("bundle-problem", "the bundle's problem", |t| !t.is_empty())
        .await;
    assert!(problem.contains("could not be loaded"), "{problem}");
    page.click("bundle-close").await;

    // The design is as it was, and edits go on.
    page.click_node("order-service").await;
    page.type_into(GRACE, "41").await;
    page.wait_text("yaml", "an edit after the failures", |t| {
        t.contains("terminationGracePeriodSeconds: 41") && t.contains("name: order-service")
    })
    .await;
    page.close().await;
}

/// The values of every element with `testid`, in page order.
/// `files` (name, text) dropped on the page, one environment each: the import's summary
/// once it counts them.
async fn dropped_as_environments(page: &Page, files: &[(&str, &str)]) -> String {
    page.drop_files("main.layout", files).await;
    let count = format!("{} environments", files.len());
    page.wait_text("import-summary", "the environments' summary", |t| {
        t.contains(&count)
    })
    .await
}

/// Environments' files of which several cannot be read: the dialog says each, one
/// paragraph each, and opens nothing; the design shown stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_environment_file_refused_is_said_at_once() {
    let page = Page::open("import-envs-broken").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let rendered = miniredis_rendered;
    let dev = rendered("dev");
    // Staging's first quote never closed; prod cut short in its last document.
    let staging = rendered("staging").replacen("image: ", "image: \"", 1);
    let prod = rendered("prod");
    let last = prod.rfind("---").expect("documents");
    let prod = format!("{}---\napiVersion: po\n", &prod[..last]);
    page.drop_files(
        "main.layout",
        &[
            ("dev.yaml", &dev),
            ("prod.yaml", &prod),
            ("staging.yaml", &staging),
        ],
    )
    .await;
    let problem = page
        .wait_text("import-problem", "both files' problems", |t| {
            t.contains("staging") && t.contains("prod")
        })
        .await;
    let paragraphs = js_count(&page, "[data-testid=\"import-problem\"] p").await;
    assert_eq!(paragraphs, 2, "{problem}");
    let open = page.find("import-open").await;
    assert_eq!(
        open.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    page.click("import-cancel").await;
    page.wait_text("yaml", "the design kept", |t| {
        t.contains("name: order-service")
    })
    .await;
    page.close().await;
}

/// The miniredis platform template rendered for environment `env`: one
/// environment's file, as `kustomize build` of its overlay gives it.
fn miniredis_rendered(env: &str) -> String {
    let platform = kubeprint_core::templates::by_name("miniredis").unwrap();
    kubeprint_core::render::render(&platform, env).to_yaml()
}

async fn js_count(page: &Page, selector: &str) -> usize {
    let script = format!("return document.querySelectorAll('{selector}').length");
    let got = page.client.execute(&script, vec![]).await.unwrap();
    serde_json::from_value(got).unwrap()
}

async fn values(page: &Page, testid: &str) -> Vec<String> {
    let script = format!(
        "return Array.from(document.querySelectorAll('[data-testid=\"{testid}\"]')).map(e => e.value)"
    );
    let got = page.client.execute(&script, vec![]).await.unwrap();
    serde_json::from_value(got).unwrap()
}

/// A compose file chosen with its `.env` (or the `.env` dropped after it) is imported with
/// the variables it interpolates, and the dialog says which files it read; manifests
/// chosen with it are refused with what to do. Dropped on the page, the same. The
/// design opened holds the values `.env` gave; a file it mounts, chosen with it, is the
/// text of its ConfigMap key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_compose_file_is_imported_with_the_env_file_chosen_with_it() {
    let page = Page::open("import-compose-env").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let compose = "services:\n  web:\n    image: ghcr.io/acme/shop-web:2.4.1\n    \
                   expose: [\"8000\"]\n    environment:\n      LOG_LEVEL: ${LOG_LEVEL}\n";
    let dotenv = "LOG_LEVEL=debug\n";
    page.click("open-import").await;
    // Alone, the variable is said to be unset.
    page.choose_files("import-file", &[("docker-compose.yml", compose)])
        .await;
    page.wait_text("import-report", "the unset variable", |t| {
        t.contains("`LOG_LEVEL` is not set") || t.contains("LOG_LEVEL is not set")
    })
    .await;
    assert!(!page.present("import-besides").await);
    // The .env dropped after it (here on the page behind the dialog, as a file
    // dropped from a file manager lands) goes with it.
    page.drop_files("main.layout", &[(".env", dotenv)]).await;
    let besides = page
        .wait_text("import-besides", "what it read", |t| t.contains(".env"))
        .await;
    assert!(besides.starts_with("Read with it: .env"), "{besides}");
    page.wait_text("import-report", "the variable set", |t| {
        !t.contains("is not set")
    })
    .await;
    // Chosen together: the same; with manifests: refused, said.
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: flags\n";
    page.choose_files(
        "import-file",
        &[("docker-compose.yml", compose), ("flags.yaml", manifest)],
    )
    .await;
    let problem = page
        .wait_text("import-problem", "the manifests it does not read", |t| {
            !t.is_empty()
        })
        .await;
    assert!(
        problem.contains(
            "flags.yaml holds Kubernetes manifests, which docker-compose.yml does not read"
        ),
        "{problem}"
    );
    page.choose_files(
        "import-file",
        &[("docker-compose.yml", compose), (".env", dotenv)],
    )
    .await;
    page.wait_gone("import-problem").await;
    page.wait_text("import-besides", "what it read", |t| t.contains(".env"))
        .await;
    page.wait_text("import-report", "the variable set", |t| {
        !t.contains("is not set") && t.contains("web")
    })
    .await;
    assert!(!page.present("import-envs").await, "not environments");
    page.click("import-open").await;
    page.wait_gone("import-open").await;
    page.select("yaml-object", "ConfigMap/web-env").await;
    page.wait_text("yaml", "the value .env gave", |t| {
        t.contains("LOG_LEVEL: debug")
    })
    .await;
    // Files it mounts, dropped with it (a JSON one among them), are read: their text is
    // their ConfigMap keys'.
    let proxy = "services:\n  proxy:\n    image: nginx:1.27\n    volumes:\n      \
                 - ./nginx/default.conf:/etc/nginx/conf.d/default.conf:ro\n      \
                 - ./settings.json:/etc/proxy/settings.json:ro\n";
    let conf = "server { listen 80; location / { proxy_pass http://web:8000; } }\n";
    let settings = "{\"upstream\": \"web\"}\n";
    page.drop_files(
        "main.layout",
        &[
            ("compose.yaml", proxy),
            ("default.conf", conf),
            ("settings.json", settings),
        ],
    )
    .await;
    page.wait_text("import-besides", "the mounted files read", |t| {
        t.contains("default.conf") && t.contains("settings.json")
    })
    .await;
    page.wait_text("import-report", "the key with the file's text", |t| {
        t.contains("with the file's text")
    })
    .await;
    page.click("import-open").await;
    page.wait_gone("import-open").await;
    let script = "return Array.from(document.querySelector('[data-testid=\"yaml-object\"]').options).map(o => o.value).find(v => v.startsWith('ConfigMap/proxy-files')) || ''";
    let option: String =
        serde_json::from_value(page.client.execute(script, vec![]).await.unwrap()).unwrap();
    assert!(!option.is_empty(), "no ConfigMap proxy-files to show");
    page.select("yaml-object", &option).await;
    page.wait_text("yaml", "the file's text", |t| {
        t.contains("proxy_pass http://web:8000")
    })
    .await;
}

/// Several files, one per environment (say `kustomize build` of each overlay), dropped
/// on the page or chosen in the import dialog: one design with those environments,
/// each named after its file and editable, a bad name or a compose file explained, and
/// the design, once open, rendering each environment as its file and surviving a link.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_files_import_as_the_environments_of_one_design() {
    use fantoccini::key::Key;
    let page = Page::open("import-envs").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let rendered = miniredis_rendered;
    // Dropped as a file manager gives them, alphabetically.
    let (prod, staging) = (rendered("prod"), rendered("staging"));
    let summary =
        dropped_as_environments(&page, &[("prod.yaml", &prod), ("staging.yaml", &staging)]).await;
    // Staging first (promotion order): prod's HPAs and canaries become its settings.
    assert!(
        summary.contains("(staging, prod)")
            && summary.contains("every environment renders as its input"),
        "{summary}"
    );
    assert_eq!(values(&page, "import-env-name").await, ["staging", "prod"]);
    assert_eq!(
        page.focused().await,
        "import-env-name",
        "the first name, to check"
    );
    // Prod first instead (the first file is the design): imported again in that order,
    // the focus following the file; then back.
    page.click("import-env-up").await;
    page.wait_text("import-summary", "prod first", |t| {
        t.contains("(prod, staging)")
    })
    .await;
    assert_eq!(values(&page, "import-env-name").await, ["prod", "staging"]);
    let focused = page
        .client
        .execute("return document.activeElement.value", vec![])
        .await
        .unwrap();
    assert_eq!(focused, "prod", "the moved file's name has the focus");
    page.click("import-env-up").await;
    page.wait_text("import-summary", "staging first again", |t| {
        t.contains("(staging, prod)")
    })
    .await;
    let reports = page.text("import-envs").await;
    assert!(
        reports.contains("staging.yaml") && reports.contains("prod.yaml"),
        "{reports}"
    );
    let merged = page.text("import-env-merged").await;
    assert!(
        merged.contains("backend: HPA max 6, canary (a Rollout)"),
        "prod's HPAs and canaries: {merged}"
    );
    assert!(!page.present("import-env-not-merged").await);
    let documents = page.text("import-env-documents").await;
    assert!(
        documents.starts_with("staging.yaml: ") && documents.contains(" modelled"),
        "{documents}"
    );

    // A name that cannot be a namespace's is explained, and nothing can be opened.
    page.type_into("import-env-name", "Stage EU").await;
    page.find("import-env-name")
        .await
        .send_keys(&char::from(Key::Tab).to_string())
        .await
        .unwrap();
    let problem = page
        .wait_text("import-problem", "the name's problem", |t| !t.is_empty())
        .await;
    assert!(
        problem.contains("Stage EU") && problem.contains("lowercase letters"),
        "{problem}"
    );
    let open = page.find("import-open").await;
    assert_eq!(
        open.prop("disabled").await.unwrap().as_deref(),
        Some("true")
    );
    page.type_into("import-env-name", "stage").await;
    page.find("import-env-name")
        .await
        .send_keys(&char::from(Key::Tab).to_string())
        .await
        .unwrap();
    page.wait_text("import-summary", "the renamed environment", |t| {
        t.contains("(stage, prod)")
    })
    .await;
    assert!(!page.present("import-problem").await);

    // One more file chosen is one more environment; a compose file is explained, and
    // removing it brings the import back.
    let compose = "services:\n  web:\n    image: nginx:1.27\n";
    page.choose_files("import-file", &[("docker-compose.yml", compose)])
        .await;
    let problem = page
        .wait_text("import-problem", "the compose file's problem", |t| {
            !t.is_empty()
        })
        .await;
    assert!(
        problem.contains("docker-compose.yml is a docker-compose file")
            && problem.contains("one file per environment"),
        "{problem}"
    );
    assert_eq!(
        values(&page, "import-env-name").await,
        ["stage", "docker-compose", "prod"],
        "in promotion order (a name of no known tier is a staging one)"
    );
    let remove = "document.querySelectorAll('[data-testid=\"import-env-remove\"]')[1].click()";
    page.client.execute(remove, vec![]).await.unwrap();
    page.wait_gone("import-problem").await;
    page.wait_text("import-summary", "two environments again", |t| {
        t.contains("2 environments")
    })
    .await;
    // The focus stays in the table: on the row now in the removed one's place.
    let focused = page
        .wait_until("the focus on a Remove button", async |p: &Page| {
            let f = p.focused().await;
            (f == "import-env-remove").then_some(f)
        })
        .await;
    assert_eq!(focused, "import-env-remove");

    // Pasting a text instead sets the files aside, not away.
    page.click("import-one-text").await;
    page.find("import-text").await;
    page.wait_until("the focus on the text", async |p: &Page| {
        let f = p.focused().await;
        (f == "import-text").then_some(f)
    })
    .await;
    assert!(!page.present("import-envs").await);
    let back = page.text("import-back-to-files").await;
    assert_eq!(back, "Back to the 2 files");
    page.click("import-back-to-files").await;
    page.wait_text("import-summary", "the files back", |t| {
        t.contains("(stage, prod)")
    })
    .await;
    assert_eq!(values(&page, "import-env-name").await, ["stage", "prod"]);
    assert_eq!(page.focused().await, "import-env-name");
    // Every environment renders as its file: no warning to review.
    assert!(!page.present("import-env-warning").await);

    // A file dropped on the dialog joins the environments (not the page behind it).
    let dev = rendered("dev");
    page.drop_files("[data-testid=\"import-drop\"]", &[("dev.yaml", &dev)])
        .await;
    page.wait_text("import-summary", "three environments", |t| {
        t.contains("(dev, stage, prod)")
    })
    .await;
    page.client
        .execute(
            "document.querySelectorAll('[data-testid=\"import-env-remove\"]')[0].click()",
            vec![],
        )
        .await
        .unwrap();
    page.wait_text("import-summary", "two environments once more", |t| {
        t.contains("(stage, prod)")
    })
    .await;

    page.click("import-open").await;
    page.wait_gone("import-envs").await;
    let prod = page
        .wait_text("yaml", "prod of the imported design", |t| {
            t.contains("namespace: miniredis-prod")
        })
        .await;
    // (Each environment renders exactly as its file: the core's tests check every
    // object; the panel shows the lines in view.)
    let first = rendered("prod")
        .lines()
        .take(4)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(prod.contains(&first), "{prod}\n---\n{first}");
    page.click("env-stage").await;
    let stage = page
        .wait_text("yaml", "stage of the imported design", |t| {
            t.contains("namespace: miniredis-staging")
        })
        .await;
    assert!(!stage.contains("namespace: miniredis-prod"), "{stage}");

    // The imported design through a link, in a browser that never saw it.
    page.click("share").await;
    let url = page.value("share-link").await;
    page.close().await;
    // It opens on stage, the environment shown when it was made.
    let other = Page::open_at("import-envs-link", &url).await;
    let opened = other
        .wait_text("yaml", "the linked design", |t| {
            t.contains("namespace: miniredis-staging")
        })
        .await;
    assert_eq!(opened, stage);
    other.click("env-prod").await;
    let opened = other
        .wait_text("yaml", "the linked design's prod", |t| {
            t.contains("namespace: miniredis-prod")
        })
        .await;
    assert_eq!(opened, prod);
    other.close().await;
}

/// A chart rendered for dev and for prod (core/tests/corpus/helm-envs), dropped on the
/// page: what each environment has of its own beyond its settings (a checksum of its
/// config, the chart's version label, prod's toleration) is kept as that environment's,
/// said in its report, listed under the service, and in prod's YAML, also after a link
/// and after an edit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_environments_own_details_are_kept_listed_and_linked() {
    let read = |env: &str| {
        let file = kubeprint_tests::root().join(format!("core/tests/corpus/helm-envs/{env}.yaml"));
        std::fs::read_to_string(file).unwrap()
    };
    let (dev, prod) = (read("dev"), read("prod"));
    let page = Page::open("import-own-details").await;
    page.find("yaml").await;
    let summary = dropped_as_environments(&page, &[("dev.yaml", &dev), ("prod.yaml", &prod)]).await;
    assert!(
        summary.contains("(dev, prod)")
            && summary.contains("every environment renders as its input"),
        "{summary}"
    );
    let merged = page
        .client
        .execute(
            "return [...document.querySelectorAll('[data-testid=\"import-env-merged\"]')].map(e => e.textContent).join('\\n')",
            vec![],
        )
        .await
        .unwrap();
    // (Shown with the names as code: the text has no backticks.)
    let merged = merged.as_str().unwrap_or_default();
    assert!(
        merged.contains("Deployment ledger: details of its own kept as this input wrote them")
            && merged.contains("ConfigMap ledger-config: details of its own kept"),
        "{merged}"
    );
    assert!(!page.present("import-env-not-merged").await);
    page.click("import-open").await;
    page.wait_gone("import-envs").await;

    // Listed under the service, as prod's.
    page.click_node("ledger").await;
    page.client
        .execute(
            "document.querySelector('[data-testid=\"kept-from-import\"] summary').click()",
            vec![],
        )
        .await
        .unwrap();
    let listed = page
        .wait_text("kept-from-import", "prod's own details", |t| {
            t.contains("tolerations")
        })
        .await;
    assert!(
        listed.contains("workload in prod spec.template.spec.tolerations:"),
        "{listed}"
    );

    // Prod's YAML has them, and a link carries them to a browser that never saw them.
    page.click("env-prod").await;
    page.select("yaml-object", "Deployment/").await;
    page.wait_text("yaml", "prod's checksum", |t| {
        t.contains("checksum/config: a41d7e2c80")
    })
    .await;
    page.click("share").await;
    let url = page.value("share-link").await;
    page.close().await;
    let other = Page::open_at("import-own-details-link", &url).await;
    other.click("env-prod").await;
    other.select("yaml-object", "Deployment/").await;
    let yaml = other
        .wait_text("yaml", "prod's details after a link", |t| {
            t.contains("checksum/config: a41d7e2c80")
        })
        .await;
    assert!(yaml.contains("app.kubernetes.io/version: 2.4.1"), "{yaml}");
    other.close().await;
}

// Several files of one system (a stack and its config), chosen together: "parts of one
// system" imports them as one environment of one design, each document reported with
// its file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_files_of_one_system_import_as_one_environment() {
    let page = Page::open("import-as-one").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let stack = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
  namespace: payments
spec:
  selector:
    matchLabels: {app.kubernetes.io/name: ledger}
  template:
    metadata:
      labels: {app.kubernetes.io/name: ledger}
    spec:
      containers:
        - name: ledger
          image: ghcr.io/acme/ledger:3.2.0
          envFrom:
            - configMapRef: {name: ledger-config}
";
    let config = "apiVersion: v1
kind: ConfigMap
metadata:
  name: ledger-config
  namespace: payments
data:
  LEDGER_MODE: strict
";
    page.click("open-import").await;
    page.choose_files(
        "import-file",
        &[("stack.yaml", stack), ("config.yaml", config)],
    )
    .await;
    // One namespace and no object in both: parts of one system, as the files say,
    // and the box ticked for them.
    page.wait_text("import-summary", "one design's summary", |t| {
        t.starts_with("2 of 2 documents imported")
    })
    .await;
    let dialog = page.text("import-drop").await;
    assert!(
        dialog.contains(
            "These files look like parts of one system (one namespace, no object in two of them)"
        ),
        "{dialog}"
    );
    // Unticked, one environment each (the core's tests hold what their reports say);
    // ticked again, one system, as the user said.
    page.click("import-as-one").await;
    page.wait_text("import-summary", "the environments' summary", |t| {
        t.contains("2 environments")
    })
    .await;
    page.click("import-as-one").await;
    page.wait_text("import-summary", "one design's summary", |t| {
        t.starts_with("2 of 2 documents imported")
    })
    .await;
    let dialog = page.text("import-drop").await;
    assert!(
        dialog.contains("The files are parts of one system, imported as one design"),
        "{dialog}"
    );
    assert!(
        !page.present("import-env-report").await,
        "no environments' reports"
    );
    // No environment names to give, no order to choose.
    let shown = page
        .client
        .execute(
            "return getComputedStyle(document.querySelector('[data-testid=\"import-env-name\"]').closest('td')).display",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(shown, serde_json::json!("none"));
    page.click("import-open").await;
    let yaml = page
        .wait_text("yaml", "the one design", |t| t.contains("name: ledger"))
        .await;
    assert!(yaml.contains("LEDGER_MODE: strict"), "{yaml}");
    assert!(
        !page.present("env-config").await,
        "no environment named after a file"
    );
    page.close().await;
}

/// A Deployment and its Service as `kubectl kustomize` builds an overlay of `namespace`
/// whose `commonLabels:` say `env: <env>` (on every object, its pods and its selectors).
fn labelled_overlay(namespace: &str, env: &str) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  labels:
    app.kubernetes.io/name: checkout
    env: {env}
  name: checkout
  namespace: {namespace}
spec:
  ports:
  - name: http
    port: 80
    targetPort: http
  selector:
    app.kubernetes.io/name: checkout
    env: {env}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app.kubernetes.io/name: checkout
    env: {env}
  name: checkout
  namespace: {namespace}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: checkout
      env: {env}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: checkout
        env: {env}
    spec:
      containers:
      - image: ghcr.io/acme/checkout:4.1.0
        name: checkout
        ports:
        - containerPort: 8080
          name: http
        readinessProbe:
          httpGet:
            path: /ready
            port: http
"
    )
}

/// Overlays that label every object with their environment import as one design whose
/// environments carry those labels (nothing left unmerged); on the environments page
/// they are edited (the YAML's selectors follow), a key Kubeprint writes itself is
/// refused with a finding that leads back to the field, and a link carries them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn labels_every_overlay_puts_on_its_objects_import_and_edit() {
    let page = Page::open("common-labels").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let (dev, prod) = (
        labelled_overlay("checkout-dev", "dev"),
        labelled_overlay("checkout", "prod"),
    );
    page.drop_files("main.layout", &[("dev.yaml", &dev), ("prod.yaml", &prod)])
        .await;
    let summary = page
        .wait_text("import-summary", "the environments' summary", |t| {
            t.contains("2 environments")
        })
        .await;
    assert!(
        summary.contains("every environment renders as its input"),
        "{summary}"
    );
    let merged = page.text("import-env-merged").await;
    assert!(
        merged.contains("labels on every object, pods and selectors included: env: dev"),
        "{merged}"
    );
    page.click("import-open").await;
    page.wait_gone("import-envs").await;

    page.click("env-prod").await;
    page.select("yaml-object", "Deployment/").await;
    page.wait_text("yaml", "prod's labels", |t| {
        t.contains("namespace: checkout\n") && t.matches("env: prod").count() == 3
    })
    .await;
    page.click("open-environments").await;
    let labels = "environments/prod/common_labels/labels";
    assert_eq!(page.value(labels).await, "env=prod");
    assert_eq!(
        page.value("environments/prod/common_labels/reach").await,
        "2",
        "pods and selectors"
    );
    page.type_into(labels, "env=production").await;
    page.wait_text("yaml", "the new value, selectors too", |t| {
        t.matches("env: production").count() == 3 && !t.contains("env: prod\n")
    })
    .await;

    // A key Kubeprint writes itself: refused by a finding that focuses the field.
    page.type_into(labels, "env=production app.kubernetes.io/name=shop")
        .await;
    page.wait_text("findings", "KP406", |t| t.contains("KP406"))
        .await;
    page.click("open-config").await;
    page.click_finding("KP406").await;
    page.wait_until("the labels focused", async |p| {
        (p.focused().await == labels).then(String::new)
    })
    .await;
    page.type_into(labels, "env=production").await;
    page.wait_text("findings", "no KP406", |t| !t.contains("KP406"))
        .await;

    // Through a link, in a browser that never saw the design.
    page.click("share").await;
    let url = page.value("share-link").await;
    let other = Page::open_at("common-labels-link", &url).await;
    other.click("env-prod").await;
    other.select("yaml-object", "Deployment/").await;
    other
        .wait_text("yaml", "prod's labels through the link", |t| {
            t.matches("env: production").count() == 3
        })
        .await;
    other.close().await;
    page.close().await;
}
