//! The Diagram menu: the SVG and Mermaid downloaded are core's for the environment
//! shown, byte for byte; the PNG is that picture rasterized (at twice its size, not
//! blank); and Mermaid itself, run in the same browser, reads and draws the text.

use fantoccini::key::Key;
use kubeprint_core::diagram::diagram;
use kubeprint_core::templates;
use kubeprint_tests::page::Page;
use kubeprint_tests::{app_url, chrome_capabilities_with_downloads, fresh_profile, tools_dir};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

/// Click the menu's `item` and return the file it downloaded once it is complete.
async fn download(page: &Page, downloads: &Path, item: &str, file: &str) -> PathBuf {
    page.click("open-diagram").await;
    page.click(item).await;
    let notice = page.wait_text("notice", file, |t| t.contains(file)).await;
    assert_eq!(
        notice,
        format!("Downloaded {file} (your browser's downloads folder)")
    );
    let path = downloads.join(file);
    page.wait_until(&format!("{file} on disk"), async |_| {
        // Chromium writes to a .crdownload file and renames it when complete.
        path.exists().then(String::new)
    })
    .await;
    path
}

/// Run `text` through Mermaid in a blank page of the same browser: the error it
/// reports, or the text of every label it drew.
async fn mermaid(page: &Page, text: &str) -> Result<Vec<String>, String> {
    let result = page
        .client
        .execute_async(
            "const [text, done] = arguments;
             mermaid.initialize({ startOnLoad: false, securityLevel: 'strict' });
             mermaid.render('kp' + Math.random().toString(36).slice(2), text)
               .then(r => {
                 const holder = document.createElement('div');
                 holder.innerHTML = r.svg;
                 document.body.replaceChildren(holder);
                 done({ ok: Array.from(holder.querySelectorAll('.nodeLabel, .edgeLabel, .cluster-label'))
                   .map(e => e.textContent.trim()).filter(t => t) });
               })
               .catch(e => done({ err: String(e && e.message || e) }));",
            vec![json!(text)],
        )
        .await
        .expect("script runs");
    match result {
        Value::Object(m) if m.contains_key("ok") => {
            Ok(serde_json::from_value(m["ok"].clone()).unwrap())
        }
        other => Err(other.to_string()),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_diagram_menu_downloads_svg_png_and_mermaid_of_the_environment_shown() {
    let downloads = fresh_profile("diagram-downloads");
    let caps = chrome_capabilities_with_downloads(&fresh_profile("diagram"), &downloads);
    let page = Page::open_with(app_url(), caps).await;
    page.wait_text("yaml", "YAML", |t| t.contains("kind: Deployment"))
        .await;
    page.click("open-gallery").await;
    page.click("template-miniredis").await;
    page.wait_text("yaml", "the miniredis prod namespace", |t| {
        t.contains("namespace: miniredis-prod")
    })
    .await;
    let design = templates::miniredis();
    let prod = diagram(&design, "prod").unwrap();

    // The SVG and the Mermaid text are core's, exactly.
    let svg = download(&page, &downloads, "diagram-svg", "miniredis-prod.svg").await;
    assert_eq!(std::fs::read_to_string(&svg).unwrap(), prod.svg());
    let mmd = download(&page, &downloads, "diagram-mermaid", "miniredis-prod.mmd").await;
    let text = std::fs::read_to_string(&mmd).unwrap();
    assert_eq!(text, prod.mermaid());

    // The PNG: twice the SVG's size, and a picture (a blank one compresses to a few KB).
    let png = download(&page, &downloads, "diagram-png", "miniredis-prod.png").await;
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let be = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!(&bytes[12..16], b"IHDR");
    assert_eq!(
        (be(16), be(20)),
        ((prod.width * 2.0) as u32, (prod.height * 2.0) as u32)
    );
    assert!(
        bytes.len() > 40_000,
        "a near-empty PNG: {} bytes",
        bytes.len()
    );

    // The menu follows the environment shown.
    page.click("env-dev").await;
    page.click("open-diagram").await;
    page.wait_until("the menu names dev", async |p| {
        let t = p
            .client
            .execute(
                "return document.querySelector('.diagram-menu .note').textContent",
                vec![],
            )
            .await
            .ok()?;
        (t == json!("The dev environment:")).then(String::new)
    })
    .await;
    // Escape (pressed where the focus is, on the menu's button) closes the menu, and
    // the button keeps the focus.
    let focused = page
        .client
        .active_element()
        .await
        .expect("a focused element");
    focused
        .send_keys(&char::from(Key::Escape).to_string())
        .await
        .expect("keys");
    page.wait_until("Escape closes the menu", async |p| {
        let state = p
            .client
            .execute(
                "const m = document.querySelector('.diagram-menu'); return [m.open, document.activeElement === m.querySelector('summary')]",
                vec![],
            )
            .await
            .ok()?;
        (state == json!([false, true])).then(String::new)
    })
    .await;
    let dev = download(&page, &downloads, "diagram-svg", "miniredis-dev.svg").await;
    assert_eq!(
        std::fs::read_to_string(&dev).unwrap(),
        diagram(&design, "dev").unwrap().svg()
    );

    // Mermaid itself reads the text and draws every service and every call's label;
    // and it is an oracle that refuses a broken label.
    page.client.goto("about:blank").await.unwrap();
    let script = std::fs::read_to_string(tools_dir().join("mermaid/mermaid.min.js"))
        .expect("./dev setup browser installs Mermaid");
    page.client
        .execute(
            "const s = document.createElement('script'); s.text = arguments[0]; document.head.appendChild(s); return typeof mermaid;",
            vec![json!(script)],
        )
        .await
        .unwrap();
    let labels = mermaid(&page, &text)
        .await
        .unwrap_or_else(|e| panic!("{e}\n{text}"));
    let all = labels.join("\n");
    for n in &prod.nodes {
        assert!(
            all.contains(&n.name),
            "{} not drawn by Mermaid: {all}",
            n.name
        );
    }
    for l in &prod.links {
        assert!(labels.contains(&l.label), "{} not drawn: {all}", l.label);
    }
    assert!(labels
        .iter()
        .any(|l| l == "namespace miniredis-prod · environment prod"));
    let broken = text.replacen("<b>frontend</b>", "<b>front\"end</b>", 1);
    assert!(
        mermaid(&page, &broken).await.is_err(),
        "Mermaid took a broken label"
    );
    page.close().await;
}
