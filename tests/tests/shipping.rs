//! The static site as it ships: built under a sub-path and served by the image's own
//! server configuration (deploy/nginx.conf, run with Debian's nginx), it keeps to its
//! origin under its Content-Security-Policy, works offline after the first visit and
//! says when a new version was installed. The Dockerfile cannot be built here (no
//! Docker engine): what it pins and what it serves are checked against ./dev,
//! Trunk.toml, the nginx configuration and the `kubeprint` template instead.

use kubeprint_tests::page::{Page, PATIENCE};
use kubeprint_tests::{
    chrome_capabilities_with_downloads, ensure_setup, fresh_profile, root, tools_path,
};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The sub-path the site is built for and served under.
const PREFIX: &str = "/tools/kubeprint/";

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The value of `NAME=value` (a shell variable, or a Dockerfile `ARG`) in `text`.
fn assignment(text: &str, prefix: &str) -> String {
    text.lines()
        .find_map(|l| l.trim().strip_prefix(prefix))
        .unwrap_or_else(|| panic!("no line starts with {prefix}"))
        .trim_matches('"')
        .to_string()
}

/// The policy of the page's meta element (app/index.html).
fn meta_policy() -> String {
    let html = read("app/index.html");
    let at = html
        .find("http-equiv=\"Content-Security-Policy\" content=\"")
        .expect("app/index.html has a Content-Security-Policy meta element");
    let rest = &html[at..];
    let rest = &rest[rest.find("content=\"").unwrap() + 9..];
    rest[..rest.find('"').unwrap()].to_string()
}

#[test]
fn the_image_builds_with_the_pins_of_dev_and_serves_what_the_template_deploys() {
    let dockerfile = read("Dockerfile");
    let dev = read("dev");
    let trunk = read("Trunk.toml");
    let lock = read("Cargo.lock");
    let cargo = read("Cargo.toml");

    // The build stage installs its tools with ./dev itself (so trunk, the wasm-bindgen
    // CLI and wasm-opt are ./dev's versions by construction) and builds as the tests do.
    assert!(dockerfile.contains("COPY dev Cargo.lock ./"));
    assert!(dockerfile.contains("RUN ./dev setup wasm"));
    assert!(dockerfile.contains("trunk build --release --offline --public-url \"$PUBLIC_URL\""));
    // ./dev's pins are Trunk.toml's, so Trunk finds them and never downloads its own.
    let binaryen = assignment(&dev, "BINARYEN_VERSION=");
    assert_eq!(
        assignment(&trunk, "wasm_opt = "),
        format!("version_{binaryen}")
    );
    let lock_bindgen = lock
        .split("\n[[package]]\n")
        .find(|p| p.starts_with("name = \"wasm-bindgen\"\n"))
        .and_then(|p| p.lines().nth(1))
        .and_then(|l| l.strip_prefix("version = "))
        .expect("wasm-bindgen in Cargo.lock")
        .trim_matches('"')
        .to_string();
    assert_eq!(assignment(&trunk, "wasm_bindgen = "), lock_bindgen);
    // The Rust image is the workspace's rust-version.
    let rust = assignment(&dockerfile, "ARG RUST_VERSION=");
    let workspace_rust = assignment(&cargo, "rust-version = ");
    assert!(
        rust == workspace_rust || rust.starts_with(&format!("{workspace_rust}.")),
        "Dockerfile's Rust {rust} is not the workspace's rust-version {workspace_rust}"
    );
    assert!(dockerfile.contains("FROM rust:${RUST_VERSION}-"));

    // The server runs as the template's user, on its port, answers its probes' path and
    // writes only where the template mounts a writable volume.
    let design = kubeprint_core::templates::by_name("kubeprint").expect("the template");
    let site = &design.services[0];
    let uid = site.security.run_as_user.expect("a uid");
    let gid = site.security.run_as_group.expect("a gid");
    assert!(dockerfile.contains(&format!("\nUSER {uid}:{gid}\n")));
    let port = site.ports[0].port;
    assert!(dockerfile.contains(&format!("\nEXPOSE {port}\n")));
    let nginx = read("deploy/nginx.conf");
    assert!(nginx.contains(&format!("listen {port};")));
    assert!(site.security.read_only_root_fs);
    assert!(site.mounts.iter().any(|m| m.path == "/tmp" && !m.read_only));
    for line in nginx.lines().map(str::trim) {
        let is_path = [
            "pid ",
            "client_body_temp_path ",
            "proxy_temp_path ",
            "fastcgi_temp_path ",
            "uwsgi_temp_path ",
            "scgi_temp_path ",
        ]
        .iter()
        .any(|d| line.starts_with(d));
        if is_path {
            assert!(line.contains(" /tmp/"), "nginx writes outside /tmp: {line}");
        }
    }
    for probe in [
        &site.probes.startup,
        &site.probes.liveness,
        &site.probes.readiness,
    ] {
        let probe = probe.as_ref().expect("all three probes");
        let kubeprint_core::ProbeAction::Http { path, .. } = &probe.action else {
            panic!("an HTTP probe")
        };
        assert!(nginx.contains(&format!("location = {path} {{")), "{path}");
    }

    // The header is the page's own policy plus frame-ancestors.
    let header = format!("{}; frame-ancestors 'none'", meta_policy());
    assert!(
        nginx.contains(&format!(
            "add_header Content-Security-Policy \"{header}\" always;"
        )),
        "deploy/nginx.conf does not send the policy of app/index.html"
    );
    // Nothing the build does not read goes into the build context.
    let ignore = read(".dockerignore");
    for path in ["target", ".git", "dist"] {
        assert!(
            ignore.lines().any(|l| l == path),
            ".dockerignore lacks {path}"
        );
    }
}

/// Copy a folder's files into another.
/// The policy refuses `style` attributes, and the browser test reaches only the views
/// its flows open: so no view in the app may write one. Leptos's `style=` writes the
/// attribute; `style:name=` and `class=` go through CSSOM and the stylesheet, which the
/// policy allows.
#[test]
fn no_view_writes_a_style_attribute() {
    let dir = root().join("app/src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("app/src") {
        let path = entry.expect("an entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a source file");
        for (i, line) in text.lines().enumerate() {
            let attribute = line.contains(" style=") || line.contains("<style=");
            let set = line.contains("\"style\""); // set_attribute("style", ...)
            if attribute || set {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "style attributes break the page under its Content-Security-Policy; use \
         style:name= or a class:\n{}",
        found.join("\n")
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A release build for [`PREFIX`], copied into a fresh folder served as the web root
/// (so the test can deploy a "new version" by changing it).
fn site() -> PathBuf {
    ensure_setup("wasm");
    let build = root().join("target/ship-dist");
    let status = Command::new("trunk")
        .args([
            "build",
            "--release",
            "--offline",
            "--public-url",
            PREFIX,
            "--dist",
        ])
        .arg(&build)
        .current_dir(root())
        .env("PATH", tools_path())
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .expect("trunk runs (installed by ./dev setup wasm)");
    assert!(status.success(), "trunk build failed; see its output above");
    let web = fresh_profile("site");
    copy_dir(&build, &web.join(PREFIX.trim_matches('/')));
    web
}

/// deploy/nginx.conf run by Debian's nginx on a loopback port, serving `web` as the
/// image serves /usr/share/nginx/html; stopped on drop.
struct Nginx(Child);

impl Nginx {
    fn start(web: &Path, port: u16, scratch: &Path) -> Nginx {
        let mut conf = read("deploy/nginx.conf");
        // (/tmp first: the folders put in place of the others are under it too.)
        for (from, to) in [
            (" /tmp/".to_string(), format!(" {}/", scratch.display())),
            ("listen 8080;".into(), format!("listen 127.0.0.1:{port};")),
            (
                "root /usr/share/nginx/html;".into(),
                format!("root {};", web.display()),
            ),
        ] {
            assert!(conf.contains(&from), "deploy/nginx.conf has no `{from}`");
            conf = conf.replace(&from, &to);
        }
        let file = scratch.join("nginx.conf");
        std::fs::write(&file, conf).unwrap();
        // Debian puts nginx in /usr/sbin, which a non-root user's PATH may lack.
        let program = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
            .into_iter()
            .find(|p| Path::new(p).exists())
            .unwrap_or("nginx");
        let child = Command::new(program)
            .arg("-p")
            .arg(scratch)
            .arg("-c")
            .arg(&file)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .spawn()
            .expect("nginx starts (installed by ./dev setup oracles)");
        let nginx = Nginx(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while get(port, "/healthz").is_none() {
            assert!(Instant::now() < deadline, "nginx does not answer on {port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        nginx
    }
}

impl Drop for Nginx {
    /// SIGTERM, which stops the workers too (SIGKILL would leave them serving).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

/// GET `path` from 127.0.0.1:`port`: (status line and headers, lower-cased names), or
/// None when nothing answers.
fn get(port: u16, path: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut reply = Vec::new();
    s.read_to_end(&mut reply).ok()?;
    let reply = String::from_utf8_lossy(&reply).to_string();
    let head = reply.split("\r\n\r\n").next().unwrap_or_default();
    Some(
        head.lines()
            .map(|l| match l.split_once(':') {
                Some((k, v)) => format!("{}:{v}", k.to_ascii_lowercase()),
                None => l.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// chromedriver's log of one kind (`browser`, `performance`), emptied by reading.
#[derive(Debug)]
struct GetLog(&'static str);

impl fantoccini::wd::WebDriverCompatibleCommand for GetLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "type": self.0 }).to_string();
        (http::Method::POST, Some(body))
    }
}

async fn log(page: &Page, kind: &'static str) -> Vec<serde_json::Value> {
    let v = page
        .client
        .issue_cmd(GetLog(kind))
        .await
        .unwrap_or_else(|e| panic!("the {kind} log: {e}"));
    let v = v.get("value").cloned().unwrap_or(v);
    v.as_array().cloned().unwrap_or_default()
}

/// The CSP messages of the browser log.
fn csp_messages(entries: &[serde_json::Value]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| e["message"].as_str())
        .filter(|m| m.contains("Content Security Policy") || m.contains("Content-Security-Policy"))
        .map(str::to_string)
        .collect()
}

/// Every URL that a document of `origin` asked for, from the performance log (the
/// browser's own pages, such as the new tab page it starts on, are not the site's).
fn requested_urls(entries: &[serde_json::Value], origin: &str) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(e["message"].as_str()?).ok())
        .filter(|m| m["message"]["method"] == "Network.requestWillBeSent")
        .filter(|m| {
            m["message"]["params"]["documentURL"]
                .as_str()
                .is_some_and(|d| d.starts_with(&format!("{origin}/")))
        })
        .filter_map(|m| {
            m["message"]["params"]["request"]["url"]
                .as_str()
                .map(str::to_string)
        })
        .collect()
}

async fn wait_for(page: &Page, what: &str, script: &str) {
    page.wait_until(what, async |p| {
        let v = p.client.execute(script, vec![]).await.ok()?;
        (v == serde_json::Value::Bool(true)).then(String::new)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn under_a_sub_path_the_site_keeps_to_its_origin_works_offline_and_announces_updates() {
    ensure_setup("oracles");
    ensure_setup("browser");
    let web = site();
    let scratch = fresh_profile("nginx");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .unwrap()
        .port();
    let nginx = Nginx::start(&web, port, &scratch);
    let origin = format!("http://127.0.0.1:{port}");
    let url = format!("{origin}{PREFIX}");

    // The server: the policy as a header, long caching only for hashed files.
    let index = get(port, PREFIX).expect("the page");
    assert!(index.starts_with("HTTP/1.1 200"), "{index}");
    let policy = format!("{}; frame-ancestors 'none'", meta_policy());
    assert!(
        index.contains(&format!("content-security-policy: {policy}")),
        "{index}"
    );
    assert!(index.contains("cache-control: no-cache"), "{index}");
    let built = web.join(PREFIX.trim_matches('/'));
    let wasm = std::fs::read_dir(&built)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .find(|n| n.starts_with("kubeprint-app-") && n.ends_with(".wasm"))
        .expect("the page's wasm file");
    let wasm_head = get(port, &format!("{PREFIX}{wasm}")).unwrap();
    assert!(
        wasm_head.contains("content-type: application/wasm"),
        "{wasm_head}"
    );
    assert!(wasm_head.contains("immutable"), "{wasm_head}");
    // Files whose names stay the same from build to build are revalidated: the offline
    // worker and the import and export worker's.
    for file in [
        "sw.js",
        "worker.js",
        "kubeprint-worker.js",
        "kubeprint-worker_bg.wasm",
    ] {
        let head = get(port, &format!("{PREFIX}{file}")).unwrap();
        assert!(
            head.starts_with("HTTP/1.1 200") && head.contains("no-cache"),
            "{file}: {head}"
        );
    }
    let sw = std::fs::read_to_string(built.join("sw.js")).unwrap();
    assert!(
        !sw.contains("@BUILD@") && sw.contains(&format!("\"{wasm}\"")),
        "the offline worker is stamped with the build's files:\n{sw}"
    );

    let downloads = fresh_profile("ship-downloads");
    let mut caps = chrome_capabilities_with_downloads(&fresh_profile("ship"), &downloads);
    caps["goog:loggingPrefs"]["performance"] = serde_json::json!("ALL");
    let page = Page::open_with(&url, caps).await;

    // The main flows, all under the policy: open a template, edit, link, import, export.
    page.wait_text("yaml", "the first design", |t| {
        t.contains("name: order-service")
    })
    .await;
    page.click("open-gallery").await;
    page.click("template-kubeprint").await;
    page.wait_text("yaml", "the kubeprint template", |t| {
        t.contains("image: registry.example.com/kubeprint:0.1.0")
    })
    .await;
    page.click_node("kubeprint").await;
    page.type_into("services/s1/timing/grace_period_seconds", "25")
        .await;
    page.wait_text("yaml", "the edit", |t| {
        t.contains("terminationGracePeriodSeconds: 25")
    })
    .await;
    page.click("share").await;
    let link = page.value("share-link").await;
    assert!(
        link.starts_with(&format!("{url}#")),
        "a link under the sub-path: {link}"
    );
    page.click("share-close").await;
    page.type_into("services/s1/timing/grace_period_seconds", "26")
        .await;
    page.wait_text("yaml", "the second edit", |t| {
        t.contains("terminationGracePeriodSeconds: 26")
    })
    .await;
    page.client.goto(&link).await.unwrap();
    page.wait_text("yaml", "the linked design", |t| {
        t.contains("terminationGracePeriodSeconds: 25")
    })
    .await;
    // Import and the bundle are a second module, which the page fetches the first time
    // they are used (the offline worker caches its files too, as its own requests).
    let mut urls = requested_urls(&log(&page, "performance").await, &origin);
    let worker_files = |urls: &[String]| -> Vec<String> {
        urls.iter()
            .filter(|u| u.contains("worker"))
            .cloned()
            .collect()
    };
    assert_eq!(
        worker_files(&urls),
        Vec::<String>::new(),
        "nothing of the worker is fetched before it is used"
    );
    page.click("open-import").await;
    // The worker starts as the dialog opens, before there is anything to import, so that
    // it loads while the user pastes or chooses a file.
    let opened = Instant::now();
    loop {
        urls.extend(requested_urls(&log(&page, "performance").await, &origin));
        if !worker_files(&urls).is_empty() {
            break;
        }
        assert!(
            opened.elapsed() < PATIENCE,
            "the worker's script is asked for as the dialog opens"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: notes\nspec:\n  selector:\n    matchLabels:\n      app: notes\n  template:\n    metadata:\n      labels:\n        app: notes\n    spec:\n      containers:\n      - name: notes\n        image: notes:1.0\n";
    page.find("import-text")
        .await
        .send_keys(manifest)
        .await
        .unwrap();
    page.click("import-run").await;
    page.wait_text("import-report", "the import report", |t| {
        t.contains("notes")
    })
    .await;
    page.click("import-open").await;
    page.wait_text("yaml", "the imported design", |t| {
        t.contains("image: notes:1.0")
    })
    .await;
    page.click("open-bundle").await;
    page.click("download-bundle").await;
    page.wait_until("the bundle download", async |_| {
        let done = std::fs::read_dir(&downloads)
            .ok()?
            .flatten()
            .any(|e| e.file_name().to_string_lossy().ends_with(".zip"));
        done.then(String::new)
    })
    .await;

    let browser_log = log(&page, "browser").await;
    assert_eq!(
        csp_messages(&browser_log),
        Vec::<String>::new(),
        "CSP violations"
    );
    // The page asks for the worker's script once import is used, under the sub-path
    // (what the worker itself loads next to it, its glue and wasm, is the worker's own
    // traffic, not in this log: the import's report above shows it arrived).
    urls.extend(requested_urls(&log(&page, "performance").await, &origin));
    assert_eq!(
        worker_files(&urls),
        vec![format!("{url}worker.js")],
        "the worker's script, once used"
    );
    assert!(
        urls.iter().any(|u| u == &format!("{url}{wasm}")),
        "the page's own requests are seen: {urls:#?}"
    );
    let away: Vec<_> = urls
        .iter()
        .filter(|u| {
            !(u.starts_with(&format!("{origin}/"))
                || u.starts_with("blob:")
                || u.starts_with("data:"))
        })
        .collect();
    assert!(away.is_empty(), "requests leaving the origin: {away:#?}");

    // The policy is in force (so the checks above are not vacuous): a request to
    // another origin is refused before it leaves, and the log says so.
    let refused = page
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('http://127.0.0.2:9/').then(() => done('sent'), () => done('refused'));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(refused, "refused");
    assert!(!csp_messages(&log(&page, "browser").await).is_empty());

    // Offline: once the worker controls the page, the server can go away and the page
    // still loads, under its sub-path.
    wait_for(
        &page,
        "the offline worker to control the page",
        "return navigator.serviceWorker.controller !== null",
    )
    .await;
    drop(nginx);
    assert!(get(port, PREFIX).is_none(), "the server is down");
    page.client.goto(&url).await.unwrap();
    page.wait_text("yaml", "the design, offline", |t| {
        t.contains("image: notes:1.0")
    })
    .await;
    assert_eq!(page.client.title().await.unwrap(), "Kubeprint");
    // Import and the bundle work offline too: the worker's files were cached with the
    // page's.
    page.click("open-import").await;
    page.find("import-text")
        .await
        .send_keys(&manifest.replace("notes", "offline-notes"))
        .await
        .unwrap();
    page.wait_text("import-report", "the import report, offline", |t| {
        t.contains("offline-notes")
    })
    .await;
    page.click("import-open").await;
    page.wait_text("yaml", "the design imported offline", |t| {
        t.contains("image: offline-notes:1.0")
    })
    .await;
    page.click("open-bundle").await;
    page.wait_text("bundle-count", "the bundle's files, offline", |t| {
        t.contains("files")
    })
    .await;
    page.click("bundle-close").await;

    // A new version is deployed (here: a new title, and the worker stamped with a new
    // build): the next load still opens the version it has, installs the new one and
    // says so; the load after that is the new version.
    let index_path = built.join("index.html");
    let html = std::fs::read_to_string(&index_path).unwrap();
    std::fs::write(
        &index_path,
        html.replace("<title>Kubeprint</title>", "<title>Kubeprint next</title>"),
    )
    .unwrap();
    let build_line = sw
        .lines()
        .find(|l| l.starts_with("const BUILD = "))
        .unwrap();
    std::fs::write(
        built.join("sw.js"),
        sw.replace(build_line, "const BUILD = \"next\";"),
    )
    .unwrap();
    let _nginx = Nginx::start(&web, port, &scratch);
    page.client.goto(&url).await.unwrap();
    page.wait_text("update-notice", "the update notice", |t| {
        t.contains("A new version of Kubeprint was installed")
    })
    .await;
    assert_eq!(page.client.title().await.unwrap(), "Kubeprint");
    // What the notice looks like, for whoever changes it.
    let png = page.client.screenshot().await.unwrap();
    std::fs::write(root().join("target/shipping-update-notice.png"), png).unwrap();
    page.click("update-reload").await;
    let start = Instant::now();
    while page.client.title().await.unwrap() != "Kubeprint next" {
        assert!(
            start.elapsed() < PATIENCE,
            "the reload did not open the new version"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    page.wait_text("yaml", "the design in the new version", |t| {
        t.contains("image: offline-notes:1.0")
    })
    .await;
    assert_eq!(
        csp_messages(&log(&page, "browser").await),
        Vec::<String>::new()
    );
    page.close().await;
}
