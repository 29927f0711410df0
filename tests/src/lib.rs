//! Helpers shared by the cross-crate tests: the tools `./dev setup` installs, a release
//! build of the app, a static file server for it, and a headless Chromium driven
//! through chromedriver.
//!
//! Missing tools are installed by running `./dev setup PART`, so plain `cargo test`
//! works on a fresh machine too. A tool that still cannot run fails the test: these
//! tests never skip.

pub mod axe;
pub mod page;
pub mod size;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the workspace")
        .to_path_buf()
}

/// Where `./dev` installs tools.
pub fn tools_dir() -> PathBuf {
    match std::env::var_os("KUBEPRINT_TOOLS") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(std::env::var_os("HOME").expect("HOME is set"))
            .join(".cache/kubeprint-tools"),
    }
}

/// PATH with the project's tools first.
pub fn tools_path() -> String {
    let t = tools_dir();
    let old = std::env::var("PATH").unwrap_or_default();
    format!(
        "{}:{}:{old}",
        t.join("bin").display(),
        t.join("npm/node_modules/.bin").display()
    )
}

/// Run `./dev setup PART` once per test process and part; panic if it fails.
pub fn ensure_setup(part: &str) {
    static DONE: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
    if done.iter().any(|p| p == part) {
        return;
    }
    let status = Command::new("bash")
        .arg(root().join("dev"))
        .args(["setup", part])
        .status()
        .expect("bash runs ./dev");
    assert!(
        status.success(),
        "`./dev setup {part}` failed; see its output above"
    );
    done.push(part.to_string());
}

/// The schema oracle, installed in the tools venv if missing.
pub fn kubernetes_validate() -> PathBuf {
    ensure_setup("oracles");
    let exe = tools_dir().join("venv/bin/kubernetes-validate");
    assert!(exe.exists(), "{} is missing after setup", exe.display());
    exe
}

/// Helm's linter on a chart folder, each `values` file merged over the chart's
/// values.yaml as `helm lint -f` would (`tests/oracles/helm_lint.py`). Returns
/// (success, everything it printed); panics if the oracle cannot run at all.
pub fn helm_lint(chart: &Path, values: &[PathBuf]) -> (bool, String) {
    ensure_setup("oracles");
    let python = tools_dir().join("helm-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing after setup",
        python.display()
    );
    let mut cmd = Command::new(python);
    cmd.arg(root().join("tests/oracles/helm_lint.py"))
        .arg(chart);
    for v in values {
        cmd.arg("--values").arg(v);
    }
    oracle(&mut cmd, "the Helm lint oracle")
}

/// The custom resources of YAML files validated against their CRD schemas
/// (`tests/oracles/validate-crs.mjs`: Argo CD, Argo Rollouts, Gateway API, Prometheus
/// Operator, cert-manager). Returns (success, everything it printed, ending with a
/// summary line `custom resources: N valid, ...`); panics if the validators cannot load.
/// The schemas do not forbid unknown fields (the API server prunes them), so a
/// misspelt optional field passes: the CR types' serde names are the guard there.
pub fn validate_custom_resources(files: &[PathBuf]) -> (bool, String) {
    ensure_setup("oracles");
    let modules = tools_dir().join("crd/node_modules");
    assert!(
        modules.exists(),
        "{} is missing after setup",
        modules.display()
    );
    oracle(
        Command::new("node")
            .arg(root().join("tests/oracles/validate-crs.mjs"))
            .args(files)
            .env("KUBEPRINT_CRD_MODULES", &modules),
        "the custom resource validators",
    )
}

/// Compose's own validation of a compose file: `docker-compose -f FILE config` (Debian's
/// docker-compose 1.29, which reads and validates without a Docker engine), run in the
/// file's folder so that the `.env` beside it is read, with no other variables set.
/// Returns (success, everything it printed: the resolved file, or the errors and
/// warnings such as a variable that is not set); panics if it cannot run at all.
pub fn compose_config(file: &Path) -> (bool, String) {
    ensure_setup("oracles");
    let dir = file.parent().expect("the compose file is in a folder");
    oracle(
        Command::new("docker-compose")
            .arg("--project-directory")
            .arg(dir)
            .arg("-f")
            .arg(file)
            .arg("config")
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default()),
        "docker-compose (installed by ./dev setup oracles)",
    )
}

/// Runs an oracle whose exit code is 0 for "valid" and 1 for "invalid": (valid,
/// everything it printed). Any other outcome means it could not run, which fails the
/// test rather than passing it.
fn oracle(cmd: &mut Command, what: &str) -> (bool, String) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what} does not start: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        matches!(out.status.code(), Some(0) | Some(1)),
        "{what} could not run:\n{text}"
    );
    (out.status.success(), text)
}

/// The API groups whose documents are custom resources, checked by
/// [`validate_custom_resources`] (the groups `tests/oracles/validate-crs.mjs` knows).
pub const CUSTOM_RESOURCE_GROUPS: &[&str] = &[
    "argoproj.io",
    "gateway.networking.k8s.io",
    "monitoring.coreos.com",
    "cert-manager.io",
];

/// Every document of `files`, each checked by the oracle that knows its kind: built-in
/// kinds against the official OpenAPI schema of Kubernetes `version` (`1.33`;
/// kubernetes-validate --strict), custom resources against their CRD schemas
/// ([`validate_custom_resources`]). A document of a kind neither knows fails (the schema
/// oracle only warns about it). Returns (success, everything both printed); the custom
/// resources' summary line says how many were checked.
pub fn validate_manifests(version: &str, files: &[PathBuf]) -> (bool, String) {
    static SCRATCH: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = SCRATCH.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("kubeprint-manifests-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let (mut builtin, mut custom) = (Vec::new(), Vec::new());
    for (i, f) in files.iter().enumerate() {
        let text = std::fs::read_to_string(f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let docs = kubeprint_core::yaml::parse_documents(&text)
            .unwrap_or_else(|e| panic!("{} is not YAML: {e}", f.display()));
        let (mut b, mut c) = (String::new(), String::new());
        for doc in docs.iter().filter(|d| !d.is_null()) {
            let api_version = doc["apiVersion"].as_str().unwrap_or_default();
            let group = api_version.split_once('/').map_or("", |(g, _)| g);
            let out = if CUSTOM_RESOURCE_GROUPS.contains(&group) {
                &mut c
            } else {
                &mut b
            };
            out.push_str("---\n");
            out.push_str(&kubeprint_core::yaml::to_doc(doc));
        }
        let stem = f
            .file_stem()
            .map_or("manifests".into(), |s| s.to_string_lossy());
        for (text, list, kind) in [(b, &mut builtin, "builtin"), (c, &mut custom, "custom")] {
            if !text.is_empty() {
                let path = dir.join(format!("{i}-{stem}-{kind}.yaml"));
                std::fs::write(&path, text).expect("a scratch file");
                list.push(path);
            }
        }
    }
    let mut ok = true;
    let mut text = String::new();
    if !builtin.is_empty() {
        let out = Command::new(kubernetes_validate())
            .args(["--strict", "--quiet", "-k", &format!("{version}.0")])
            .args(&builtin)
            .output()
            .expect("kubernetes-validate runs");
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        ok &= out.status.success() && !printed.contains("Couldn't find schema");
        text.push_str(&printed);
    }
    if !custom.is_empty() {
        let (valid, printed) = validate_custom_resources(&custom);
        ok &= valid;
        text.push_str(&printed);
    }
    (ok, text)
}

/// A release build of the app (trunk, with wasm-opt), built once per test process, or
/// the one `./dev test` built once for all of them (`KUBEPRINT_TEST_DIST`): each build
/// runs wasm-bindgen and wasm-opt again, about a minute on 2 cores, even when cargo has
/// nothing to do.
pub fn app_dist() -> &'static Path {
    static DIST: OnceLock<PathBuf> = OnceLock::new();
    DIST.get_or_init(|| {
        if let Some(built) = std::env::var_os("KUBEPRINT_TEST_DIST") {
            return PathBuf::from(built);
        }
        ensure_setup("wasm");
        let dist = root().join("target/test-dist");
        let status = Command::new("trunk")
            .args(["build", "--release", "--offline", "--dist"])
            .arg(&dist)
            .current_dir(root())
            .env("PATH", tools_path())
            .env_remove("CARGO_TARGET_DIR")
            .status()
            .expect("trunk runs (installed by ./dev setup wasm)");
        assert!(status.success(), "trunk build failed; see its output above");
        dist
    })
}

/// A static file server for a directory on 127.0.0.1, alive for the whole process.
pub fn serve(dir: &'static Path) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let addr = listener.local_addr().expect("bound");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = answer(stream, dir);
            });
        }
    });
    format!("http://{addr}")
}

fn answer(mut stream: TcpStream, dir: &Path) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header == "\r\n" {
            break;
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path.trim_start_matches('/');
    let file = if rel.is_empty() || rel.contains("..") {
        dir.join("index.html")
    } else {
        dir.join(rel)
    };
    let (status, body) = match std::fs::read(&file) {
        Ok(b) => ("200 OK", b),
        Err(_) => ("404 Not Found", b"not found".to_vec()),
    };
    let mime = match file.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        _ => "application/octet-stream",
    };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)?;
    stream.flush()
}

/// The app's URL, built and served once per test process.
pub fn app_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| serve(app_dist()))
}

/// A chromedriver process in a process group of its own, with the browsers it starts;
/// the whole group is killed on drop.
///
/// Killing chromedriver alone left its Chromium running whenever a test ended without
/// closing its session (a failed assertion, a test that drops its page): a few a run,
/// each holding a core busy for the tests and benchmarks after it.
pub struct Driver {
    child: Child,
    /// The WebDriver endpoint.
    pub url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start chromedriver on a free port and wait until it answers.
pub fn start_driver() -> Driver {
    ensure_setup("browser");
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("chromedriver starts (installed by ./dev setup browser)");
    let driver = Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            // chromedriver keeps the connection open, so read with a timeout rather
            // than to the end; it also refuses a Host header that is not local.
            let _ = s.set_read_timeout(Some(Duration::from_millis(500)));
            let _ = write!(
                s,
                "GET /status HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            );
            let mut reply = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = s.read(&mut buf) {
                reply.extend_from_slice(&buf[..n]);
                if String::from_utf8_lossy(&reply).contains("\"ready\":true") {
                    return driver;
                }
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("chromedriver did not become ready on port {port}");
}

/// Chrome flags that work as root with no network but the loopback.
pub fn chrome_capabilities(profile: &Path) -> serde_json::Map<String, serde_json::Value> {
    let args = [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
    ];
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let caps = serde_json::json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": "/usr/bin/chromium", "args": args },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    caps.as_object().cloned().expect("an object")
}

/// [`chrome_capabilities`] that also save downloads into `downloads` without asking.
pub fn chrome_capabilities_with_downloads(
    profile: &Path,
    downloads: &Path,
) -> serde_json::Map<String, serde_json::Value> {
    let mut caps = chrome_capabilities(profile);
    caps["goog:chromeOptions"]["prefs"] = serde_json::json!({
        "download.default_directory": downloads.display().to_string(),
        "download.prompt_for_download": false,
    });
    caps
}

/// A fresh, empty browser profile (or downloads) directory.
///
/// A profile is some 13 MB and a test binary cannot remove its own at exit, so the
/// first call in a process removes those left by test processes that have ended: a
/// whole run then holds one binary's profiles at a time, not a hundred.
pub fn fresh_profile(tag: &str) -> PathBuf {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(remove_ended_profiles);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "kubeprint-profile-{tag}-{}-{n}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create a profile dir");
    dir
}

/// Remove the profile directories of test processes that are no longer running.
fn remove_ended_profiles() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(owner) = profile_owner(&name.to_string_lossy()) else {
            continue;
        };
        if !Path::new("/proc").join(owner.to_string()).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The process id in a name [`fresh_profile`] made: `kubeprint-profile-{tag}-{pid}-{n}`.
fn profile_owner(name: &str) -> Option<u32> {
    let rest = name.strip_prefix("kubeprint-profile-")?;
    let mut parts = rest.rsplitn(3, '-');
    parts.next()?.parse::<u32>().ok()?;
    let pid = parts.next()?.parse().ok()?;
    parts.next()?;
    Some(pid)
}

/// The entries of a zip archive, read by an independent implementation (Python's
/// zipfile, which also checks every CRC): one `name compression-method` line each.
pub fn zip_listing(zip: &Path) -> String {
    let script = "import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nassert z.testzip() is None\nprint('\\n'.join(i.filename + ' ' + str(i.compress_type) for i in z.infolist()))";
    let out = Command::new("python3")
        .args(["-c", script])
        .arg(zip)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "not a valid zip: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 names")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_names_give_their_process() {
        assert_eq!(
            profile_owner("kubeprint-profile-env-rename-812-3"),
            Some(812)
        );
        assert_eq!(profile_owner("kubeprint-profile-bench-7-0"), Some(7));
        assert_eq!(profile_owner("kubeprint-profile-812-3"), None);
        assert_eq!(profile_owner("kubeprint-profile-x-y-3"), None);
        assert_eq!(profile_owner("other-bench-7-0"), None);
    }

    /// A session dropped without being closed (as a failing test leaves it) takes its
    /// browser with it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_dropped_driver_takes_its_browser_with_it() {
        let profile = fresh_profile("dropped");
        let driver = start_driver();
        let client = fantoccini::ClientBuilder::new(
            hyper_util::client::legacy::connect::HttpConnector::new(),
        )
        .capabilities(chrome_capabilities(&profile))
        .connect(&driver.url)
        .await
        .expect("a WebDriver session");
        client.goto("about:blank").await.expect("a page");
        let browsers = || {
            let out = Command::new("pgrep")
                .args(["-f", &format!("user-data-dir={}", profile.display())])
                .output()
                .expect("pgrep runs");
            String::from_utf8_lossy(&out.stdout).lines().count()
        };
        assert!(browsers() > 0, "no browser runs on {}", profile.display());
        drop(client);
        drop(driver);
        let deadline = Instant::now() + Duration::from_secs(10);
        while browsers() > 0 {
            assert!(Instant::now() < deadline, "the browser outlived its driver");
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = std::fs::remove_dir_all(profile);
    }

    #[test]
    fn profiles_of_ended_processes_are_removed_and_live_ones_kept() {
        // No process has this id: Linux pids stop at 2^22.
        let ended = std::env::temp_dir().join("kubeprint-profile-sweep-4000000000-0");
        let own = fresh_profile("sweep");
        std::fs::create_dir_all(ended.join("Default")).unwrap();
        remove_ended_profiles();
        assert!(!ended.exists(), "an ended process's profile is left");
        assert!(own.exists(), "this process's profile was removed");
        std::fs::remove_dir_all(own).unwrap();
    }
}
