//! Every input the inspector, the environments page and the config page show is bound to a field that
//! exists: its DOM id is its `FieldPath`, which must parse back and resolve in the
//! design the page holds (the same template, built natively).

use fantoccini::Locator;
use kubeprint_core::{templates, Design, FieldPath, Target};
use kubeprint_tests::page::Page;
use std::collections::BTreeSet;

/// The ids of the inputs, selects and textareas under `container` (a CSS selector).
async fn input_ids(page: &Page, container: &str) -> Vec<String> {
    let css = format!("{container} :is(input, select, textarea)[id]");
    let ids = page
        .client
        .execute(
            "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.id);",
            vec![serde_json::json!(css)],
        )
        .await
        .expect("the query runs");
    serde_json::from_value(ids).expect("a list of ids")
}

/// The names of the services the canvas shows.
async fn canvas_nodes(page: &Page) -> BTreeSet<String> {
    let nodes = page
        .client
        .find_all(Locator::Css("[data-testid^=\"node-\"]"))
        .await
        .expect("query");
    let mut names = BTreeSet::new();
    for n in nodes {
        let id = n
            .attr("data-testid")
            .await
            .expect("attr")
            .unwrap_or_default();
        if let Some(name) = id.strip_prefix("node-") {
            names.insert(name.to_string());
        }
    }
    names
}

/// What is wrong with the ids found on a page showing `design`: ids that do not
/// parse, paths of another service than `service`, and paths that do not resolve.
fn problems(design: &Design, ids: &[String], service: Option<&Target>) -> Vec<String> {
    let mut out = Vec::new();
    for id in ids {
        let path: FieldPath = match id.parse() {
            Ok(p) => p,
            Err(e) => {
                out.push(e.to_string());
                continue;
            }
        };
        if matches!(path.target, Target::Service(_)) && Some(&path.target) != service {
            out.push(format!("{id}: not the selected service {service:?}"));
        }
        if let Err(e) = design.resolve(&path) {
            out.push(format!("{id}: {e}"));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_input_of_every_template_is_bound_to_a_field_that_exists() {
    let page = Page::open("inspector-paths").await;
    page.wait_text("yaml", "the first design", |t| {
        t.contains("kind: Deployment")
    })
    .await;
    let mut all = Vec::new();
    for t in templates::ALL {
        let design = (t.build)();
        page.click("open-gallery").await;
        page.click(&format!("template-{}", t.name)).await;
        let names: BTreeSet<String> = design.services.iter().map(|s| s.name.clone()).collect();
        page.wait_until(&format!("the {} canvas", t.name), async |p| {
            (canvas_nodes(p).await == names).then(String::new)
        })
        .await;

        for s in &design.services {
            // A node may lie outside the canvas's view: it is panned in first.
            page.click_node(&s.name).await;
            page.wait_text("inspector-title", &s.name, |title| title == s.name)
                .await;
            let ids = input_ids(&page, "aside[aria-label=\"Inspector\"]").await;
            assert!(
                ids.len() >= 20,
                "{} {}: only {} inputs: {ids:?}",
                t.name,
                s.name,
                ids.len()
            );
            let bad = problems(&design, &ids, Some(&Target::Service(s.id)));
            assert!(bad.is_empty(), "{} {}:\n{}", t.name, s.name, bad.join("\n"));
            all.extend(ids);
        }

        page.click("open-environments").await;
        for env in &design.environments {
            page.find(&format!("env-section-{}", env.name)).await;
        }
        let ids = input_ids(&page, "aside[aria-label=\"Environments\"]").await;
        // Seven fields of the design (its name is in the top bar), five of each
        // environment.
        let envs = design.environments.len();
        assert!(
            ids.len() >= 7 + 5 * envs,
            "{} environments page: {ids:?}",
            t.name
        );
        let bad = problems(&design, &ids, None);
        assert!(
            bad.is_empty(),
            "{} environments:\n{}",
            t.name,
            bad.join("\n")
        );
        all.extend(ids);

        // The config page: each ConfigMap key's value for every environment and the
        // shown one's own, its name and naming switch; each Secret's name, type, switch
        // (made outside Kubeprint), each key and the key added. (A ConfigMap key's name is renamed by an edit of its
        // own and has no path; a Secret key's is the path of that key.)
        page.click("open-config").await;
        for cm in &design.config_maps {
            page.find(&format!("config-map-{}", cm.name)).await;
        }
        let ids = input_ids(&page, "aside[aria-label=\"Config and secrets\"]").await;
        let keys: usize = design.config_maps.iter().map(|c| c.data.len()).sum();
        let secret_keys: usize = design.secrets.iter().map(|s| s.keys.len()).sum();
        assert_eq!(
            ids.len(),
            2 * keys + 2 * design.config_maps.len() + 4 * design.secrets.len() + secret_keys,
            "{} config page: {ids:?}",
            t.name
        );
        let bad = problems(&design, &ids, None);
        assert!(bad.is_empty(), "{} config:\n{}", t.name, bad.join("\n"));
        all.extend(ids);
        let top = input_ids(&page, "header.topbar").await;
        assert!(top.contains(&"design/name".to_string()), "{top:?}");
        let bad = problems(&design, &top, None);
        assert!(bad.is_empty(), "{} top bar:\n{}", t.name, bad.join("\n"));
        all.extend(top);
    }
    // The walk saw the kinds of path there are: services, overrides, the design, and
    // environments.
    for prefix in [
        "services/",
        "design/",
        "environments/",
        "config_maps/",
        "secrets/",
    ] {
        assert!(all.iter().any(|id| id.starts_with(prefix)), "{prefix}");
    }
    assert!(all.iter().any(|id| id.contains("/overrides/")));
    // A variable from a Secret key is edited through that variant's fields (it was
    // once bound to `value/literal`, which such a variable does not have).
    assert!(all.iter().any(|id| id.ends_with("/value/secret_key/key")));
    page.close().await;
}
