//! axe-core, the accessibility checker, run on the page as it is: `./dev setup browser`
//! installs the pinned version from npm under the tools directory.

use crate::page::Page;
use crate::{ensure_setup, tools_dir};
use fantoccini::wd::TimeoutConfiguration;
use std::time::Duration;

/// axe-core's script, from the tools directory.
fn source() -> String {
    ensure_setup("browser");
    let path = tools_dir().join("npm/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} (installed by ./dev setup browser): {e}", path.display()))
}

/// The WCAG 2.x A and AA rules and axe's best practices: every violation on the page
/// now, one line each (`rule: element :: what to fix`).
pub async fn violations(page: &Page) -> Vec<String> {
    let c = &page.client;
    let loaded = c
        .execute("return typeof axe !== 'undefined'", vec![])
        .await
        .expect("ask for axe");
    if loaded != serde_json::Value::Bool(true) {
        c.execute(&source(), vec![]).await.expect("load axe-core");
    }
    // A large page (thousands of highlighted YAML tokens) takes axe a while.
    c.update_timeouts(TimeoutConfiguration::new(
        Some(Duration::from_secs(300)),
        None,
        None,
    ))
    .await
    .expect("script timeout");
    let script = r#"
        const done = arguments[arguments.length - 1];
        axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
            resultTypes: ['violations'],
        }).then(r => done(r.violations.flatMap(v => v.nodes.map(n =>
            v.id + ': ' + n.target.join(' ') + ' :: ' + (n.failureSummary || '').replace(/\s+/g, ' ')))))
          .catch(e => done(['axe failed: ' + e]));
    "#;
    let out = c.execute_async(script, vec![]).await.expect("axe runs");
    out.as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect()
}
