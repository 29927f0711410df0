//! The Bundle dialog: what the user picks is what the tree shows and what the zip
//! holds, file for file, as core's `bundle_with` makes it; bad Argo CD settings are
//! explained before anything downloads; the dialog is a proper modal (labelled, focus
//! kept inside, Escape closes, focus returns) and passes axe.

use fantoccini::key::Key;
use fantoccini::Locator;
use kubeprint_core::export::{self, Format, Options};
use kubeprint_core::{templates, Design, FieldPath};
use kubeprint_tests::page::Page;
use kubeprint_tests::{app_url, chrome_capabilities_with_downloads, fresh_profile};
use serde_json::{json, Value};
use std::path::Path;

const REPO: &str = "https://git.example.com/acme/connectum.git";

/// What the test picks in the dialog. Each format is one more entry, filled in by
/// [`select`] (Helm and Docker Compose join once their exports are merged).
const SELECTIONS: &[Format] = &[
    Format::Kustomize,
    Format::Helm,
    Format::ArgoCd,
    Format::Compose,
];

/// Tick `format` in the open dialog and give it what it needs; `design` follows the
/// page's design through the edits made here.
async fn select(page: &Page, format: Format, design: &mut Design) {
    let id = format!("bundle-{}", format.name());
    if !checked(page, &id).await {
        page.click(&id).await;
    }
    match format {
        Format::ArgoCd => {
            page.type_into("design/gitops/repo_url", REPO).await;
            design.gitops.repo_url = REPO.into();
        }
        Format::Compose => page.select("bundle-compose-env", "dev").await,
        Format::Kustomize | Format::Helm => {}
    }
}

async fn checked(page: &Page, testid: &str) -> bool {
    page.find(testid).await.prop("checked").await.unwrap() == Some("true".into())
}

async fn js(page: &Page, script: &str) -> Value {
    page.client.execute(script, vec![]).await.expect("script")
}

/// The paths of the files the dialog's tree shows, folded folders included.
async fn shown_paths(page: &Page) -> Vec<String> {
    page.find("bundle-tree").await;
    let v = js(
        page,
        "return Array.from(document.querySelectorAll('[data-testid=\"bundle-tree\"] .tree-file')).map(e => e.dataset.path);",
    )
    .await;
    let mut paths: Vec<String> = serde_json::from_value(v).unwrap();
    paths.sort();
    paths
}

/// The `data-testid` (else the id, else the tag) of the focused element, and whether it
/// is inside the dialog.
async fn focused(page: &Page) -> (String, bool) {
    let v = js(
        page,
        "const a = document.activeElement; const d = document.querySelector('[role=\"dialog\"]'); return [a.dataset.testid || a.id || a.tagName, !!(d && d.contains(a))];",
    )
    .await;
    (
        v[0].as_str().unwrap_or_default().to_string(),
        v[1].as_bool().unwrap_or(false),
    )
}

async fn wait_download(page: &Page, downloads: &Path, zip: &Path) {
    page.wait_until("the download", async |_| zip.exists().then(String::new))
        .await;
    // Chromium writes to a .crdownload file and renames it when complete.
    page.wait_until("the download to finish", async |_| {
        let partial = std::fs::read_dir(downloads).unwrap().any(|e| {
            e.unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "crdownload")
        });
        (!partial).then(String::new)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_picked_parts_are_the_tree_shown_and_the_zip_downloaded() {
    let downloads = fresh_profile("bundle-downloads");
    let caps = chrome_capabilities_with_downloads(&fresh_profile("bundle"), &downloads);
    let page = Page::open_with(app_url(), caps).await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let mut design = templates::connectum();

    page.click("open-bundle").await;
    let dialog = page.find("bundle-dialog").await;
    assert_eq!(
        dialog.attr("role").await.unwrap().as_deref(),
        Some("dialog")
    );
    assert_eq!(
        dialog.attr("aria-modal").await.unwrap().as_deref(),
        Some("true")
    );
    let title = js(
        &page,
        "return document.getElementById(document.querySelector('[role=\"dialog\"]').getAttribute('aria-labelledby')).textContent;",
    )
    .await;
    assert_eq!(title, json!("Download a bundle"));
    assert!(focused(&page).await.1, "focus moves into the dialog");
    // At first, today's bundle: Kustomize alone, and the tree says so.
    assert!(checked(&page, "bundle-kustomize").await);
    assert!(!checked(&page, "bundle-argocd").await);
    let today: Vec<String> = {
        let mut p: Vec<String> = export::bundle(&design)
            .into_iter()
            .map(|f| format!("connectum/{}", f.path))
            .collect();
        p.sort();
        p
    };
    assert_eq!(shown_paths(&page).await, today);

    // Argo CD without a repository, then with nonsense: explained, nothing to download.
    page.click("bundle-argocd").await;
    let problem = page
        .wait_text("bundle-problem", "the missing repository", |t| {
            t.contains("URL of the Git repository")
        })
        .await;
    assert!(
        problem.contains("https://"),
        "says what to write: {problem}"
    );
    assert!(!page.present("bundle-tree").await);
    assert_eq!(
        page.find("download-bundle")
            .await
            .prop("disabled")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    page.type_into("design/gitops/repo_url", "git.example.com/acme/connectum")
        .await;
    page.wait_text("bundle-problem", "the scheme hint", |t| {
        t.contains("did you mean https://git.example.com/acme/connectum?")
    })
    .await;
    assert_eq!(
        page.value("design/gitops/repo_url").await,
        "git.example.com/acme/connectum",
        "what was typed stays"
    );

    for format in SELECTIONS {
        select(&page, *format, &mut design).await;
    }
    let formats: Vec<Format> = SELECTIONS.to_vec();
    let options = Options::for_formats(&design, &formats, Some("dev"));
    let files = export::bundle_with(&design, &options).expect("the picked bundle can be made");
    let mut expected: Vec<String> = files
        .iter()
        .map(|f| format!("connectum/{}", f.path))
        .collect();
    expected.sort();
    page.wait_until("the tree of the picked parts", async |p| {
        (shown_paths(p).await == expected).then(String::new)
    })
    .await;
    for must in [
        "connectum/argocd/application-connectum-prod.yaml",
        "connectum/helm/connectum/Chart.yaml",
        "connectum/helm/connectum/values-prod.yaml",
        "connectum/helm/connectum/values.schema.json",
        "connectum/helm/connectum/templates/_helpers.tpl",
        "connectum/compose/compose.yaml",
        "connectum/compose/.env",
        "connectum/kustomize/overlays/prod/kustomization.yaml",
    ] {
        assert!(
            expected.iter().any(|p| p == must),
            "{must} in {expected:#?}"
        );
    }
    let count = page.text("bundle-count").await;
    assert_eq!(count, format!("{} files", expected.len()));

    // Every input of the dialog is bound to a field of the design.
    let ids: Vec<String> = serde_json::from_value(
        js(
            &page,
            "return Array.from(document.querySelectorAll('[role=\"dialog\"] :is(input, select)[id]')).map(e => e.id);",
        )
        .await,
    )
    .unwrap();
    assert!(ids.len() >= 5 + design.environments.len(), "{ids:?}");
    for id in &ids {
        let path: FieldPath = id.parse().unwrap_or_else(|e| panic!("{id}: {e}"));
        design
            .resolve(&path)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
    }

    // Tab stays inside: from the last control to the first and back.
    js(
        &page,
        "document.querySelector('[data-testid=\"bundle-close\"]').focus();",
    )
    .await;
    page.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&char::from(Key::Tab).to_string())
        .await
        .unwrap();
    assert_eq!(focused(&page).await, ("bundle-kustomize".to_string(), true));
    let shift_tab = format!("{}{}", char::from(Key::Shift), char::from(Key::Tab));
    page.client
        .active_element()
        .await
        .unwrap()
        .send_keys(&shift_tab)
        .await
        .unwrap();
    assert_eq!(focused(&page).await, ("bundle-close".to_string(), true));

    page.click("download-bundle").await;
    page.wait_text("notice", "the download notice", |t| {
        t.contains("connectum-bundle.zip")
    })
    .await;
    page.wait_gone("bundle-dialog").await;
    assert_eq!(focused(&page).await.0, "open-bundle", "focus returns");
    let zip = downloads.join("connectum-bundle.zip");
    wait_download(&page, &downloads, &zip).await;
    let mut listing: Vec<String> = kubeprint_tests::zip_listing(&zip)
        .lines()
        .map(|l| l.strip_suffix(" 8").unwrap_or(l).to_string())
        .collect();
    listing.sort();
    assert_eq!(listing, expected, "the zip holds exactly the tree shown");

    // The choices are remembered: Argo CD is still ticked and the repository is the
    // design's. Escape closes, and focus returns again.
    page.click("open-bundle").await;
    assert!(checked(&page, "bundle-argocd").await);
    assert_eq!(page.value("design/gitops/repo_url").await, REPO);
    page.find("bundle-tree").await;
    page.chord(&char::from(Key::Escape).to_string()).await;
    page.wait_gone("bundle-dialog").await;
    assert_eq!(focused(&page).await.0, "open-bundle");
    page.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_violation_in_the_open_bundle_dialog() {
    use kubeprint_tests::axe::violations;
    let page = Page::open("bundle-axe").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    page.click("open-bundle").await;
    page.find("bundle-tree").await;
    let mut found: Vec<String> = violations(&page)
        .await
        .into_iter()
        .map(|v| format!("Kustomize only: {v}"))
        .collect();
    page.click("bundle-argocd").await;
    page.find("bundle-problem").await;
    found.extend(
        violations(&page)
            .await
            .into_iter()
            .map(|v| format!("Argo CD without a repository: {v}")),
    );
    page.type_into("design/gitops/repo_url", REPO).await;
    page.find("bundle-tree").await;
    show_file(&page, "connectum/rendered/prod.yaml").await;
    page.find("bundle-file").await;
    page.click("bundle-compose").await;
    page.find("bundle-compose-env").await;
    page.find("bundle-tree").await;
    found.extend(
        violations(&page)
            .await
            .into_iter()
            .map(|v| format!("every part: {v}")),
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
    let tree = page
        .client
        .find(Locator::Css("[data-testid=\"bundle-tree\"]"))
        .await
        .unwrap();
    assert!(tree.text().await.unwrap().contains("argocd/"));
    page.close().await;
}

/// Show the file at `path` (in the zip) by a click on its name in the tree, its folder
/// unfolded first.
async fn show_file(page: &Page, path: &str) {
    let folder = path.rsplit_once('/').unwrap().0;
    js(
        page,
        &format!(
            "document.querySelectorAll('[data-testid=\"bundle-tree\"] details').forEach(d => {{ if ('{folder}'.startsWith(d.parentElement.dataset.path)) d.open = true; }});"
        ),
    )
    .await;
    let css = format!("[data-testid=\"bundle-tree\"] li[data-path=\"{path}\"] button");
    page.client
        .find(Locator::Css(&css))
        .await
        .unwrap_or_else(|_| panic!("{path} in the tree"))
        .click()
        .await
        .unwrap();
}

/// The paths of the files the tree marks as shown.
async fn current(page: &Page) -> Vec<String> {
    serde_json::from_value(
        js(
            page,
            "return Array.from(document.querySelectorAll('[data-testid=\"bundle-tree\"] button[aria-current=\"true\"]')).map(b => b.parentElement.dataset.path);",
        )
        .await,
    )
    .unwrap()
}

/// The bundle's text of `path` (under the zip's root folder `connectum/`).
fn contents(design: &Design, options: &Options, path: &str) -> String {
    let path = path.strip_prefix("connectum/").unwrap();
    let files = export::bundle_with(design, options).unwrap();
    files.into_iter().find(|f| f.path == path).unwrap().contents
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_of_the_bundle_is_shown_before_the_download_as_the_zip_holds_it() {
    let page = Page::open("bundle-preview").await;
    page.wait_text("yaml", "YAML", |t| t.contains("name: order-service"))
        .await;
    let mut design = templates::connectum();
    page.click("open-bundle").await;
    page.find("bundle-tree").await;
    assert!(
        !page.present("bundle-file").await,
        "no file is shown at first"
    );

    // A file the tree lists: its name, then its text, the zip's own.
    let prod = "connectum/rendered/prod.yaml";
    show_file(&page, prod).await;
    let kustomize = Options::for_formats(&design, &[Format::Kustomize], None);
    let want = contents(&design, &kustomize, prod);
    assert!(want.contains("kind: Deployment"), "a real file: {want}");
    page.wait_text("bundle-file", "the rendered file", |t| {
        t.trim_end() == want.trim_end()
    })
    .await;
    assert_eq!(page.text("bundle-file-name").await, "rendered/prod.yaml");
    assert_eq!(
        current(&page).await,
        [prod],
        "the tree marks it, and it alone"
    );

    // A file deep in a folded folder (the Helm chart's templates), then another at
    // once: the one clicked last is shown, never the first one's text under its name.
    page.click("bundle-helm").await;
    let helpers = "connectum/helm/connectum/templates/_helpers.tpl";
    page.wait_until("the chart in the tree", async |p| {
        shown_paths(p)
            .await
            .iter()
            .any(|x| x == helpers)
            .then(String::new)
    })
    .await;
    let chart = "connectum/helm/connectum/Chart.yaml";
    show_file(&page, helpers).await;
    show_file(&page, chart).await;
    let helm = Options::for_formats(&design, &[Format::Kustomize, Format::Helm], None);
    let want = contents(&design, &helm, chart);
    page.wait_text("bundle-file", "the chart", |t| {
        t.trim_end() == want.trim_end()
    })
    .await;
    assert_eq!(
        page.text("bundle-file-name").await,
        "helm/connectum/Chart.yaml"
    );
    assert_eq!(current(&page).await, [chart]);
    show_file(&page, helpers).await;
    let want = contents(&design, &helm, helpers);
    assert!(want.contains("define"), "{want}");
    page.wait_text("bundle-file", "the helpers", |t| {
        t.trim_end() == want.trim_end()
    })
    .await;
    page.click("bundle-helm").await;

    // A file of a part ticked now, shown as edited in the dialog: the newest design.
    page.click("bundle-argocd").await;
    page.type_into("design/gitops/repo_url", REPO).await;
    design.gitops.repo_url = REPO.into();
    let app = "connectum/argocd/application-connectum-prod.yaml";
    page.wait_until("Argo CD's files in the tree", async |p| {
        shown_paths(p)
            .await
            .iter()
            .any(|x| x == app)
            .then(String::new)
    })
    .await;
    show_file(&page, app).await;
    let argo = Options::for_formats(&design, &[Format::Kustomize, Format::ArgoCd], None);
    let want = contents(&design, &argo, app);
    assert!(want.contains(REPO), "{want}");
    page.wait_text("bundle-file", "the Application", |t| {
        t.trim_end() == want.trim_end()
    })
    .await;
    let other = "https://git.example.com/acme/platform.git";
    page.type_into("design/gitops/repo_url", other).await;
    page.wait_text("bundle-file", "the Application after the edit", |t| {
        t.contains(other) && !t.contains(REPO)
    })
    .await;

    // A part unticked: the shown file is no longer in the zip, and that is said.
    page.click("bundle-argocd").await;
    page.wait_text("bundle-file-problem", "the file gone", |t| {
        t.contains("no longer has connectum/argocd/application-connectum-prod.yaml")
    })
    .await;
    page.click("bundle-file-close").await;
    page.wait_gone("bundle-file-problem").await;
    assert!(!page.present("bundle-file-name").await);
    page.close().await;
}
