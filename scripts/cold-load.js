// Cold load of a built page on localhost: serves DIST on a loopback port, then RUNS times
// opens it in a fresh headless Chromium profile (no cache) through chromedriver and
// measures, from the navigation's start, when the frame showing the YAML pane's first
// object has been drawn (the wasm fetched, compiled, started, the page rendered, laid out
// and painted). Prints every run and the median.
//   node scripts/cold-load.js DIST [RUNS]
const http = require("http"), fs = require("fs"), path = require("path"), os = require("os");
const { spawn } = require("child_process");

const dist = path.resolve(process.argv[2] || "target/size-dist");
const runs = Number(process.argv[3] || 7);
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript",
  ".wasm": "application/wasm", ".css": "text/css" };

function serve() {
  const server = http.createServer((req, res) => {
    const rel = decodeURIComponent(req.url.split(/[?#]/)[0]).replace(/^\/+/, "");
    const file = rel === "" || rel.includes("..") ? path.join(dist, "index.html") : path.join(dist, rel);
    fs.readFile(file, (err, body) => {
      if (err) { res.writeHead(404); res.end("not found"); return; }
      res.writeHead(200, { "Content-Type": types[path.extname(file)] || "application/octet-stream" });
      res.end(body);
    });
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

async function wd(base, method, url, body) {
  const r = await fetch(base + url, { method, headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body) });
  const j = await r.json();
  if (!r.ok) throw new Error(JSON.stringify(j));
  return j.value;
}

async function main() {
  const server = await serve();
  const page = `http://127.0.0.1:${server.address().port}/`;
  const port = 9600 + Math.floor(Math.random() * 300);
  const driver = spawn("chromedriver", [`--port=${port}`], { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { await wd(base, "GET", "/status"); break; } catch { await new Promise((r) => setTimeout(r, 100)); }
  }
  const times = [], inPage = [];
  try {
    for (let i = 0; i < runs; i++) {
      const profile = fs.mkdtempSync(path.join(os.tmpdir(), "kubeprint-cold-"));
      const caps = { capabilities: { alwaysMatch: { browserName: "chrome", "goog:chromeOptions": {
        binary: "/usr/bin/chromium", args: ["--headless=new", "--no-sandbox", "--disable-gpu",
          "--disable-quic", "--no-first-run", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
          "--window-size=1400,900", `--user-data-dir=${profile}`] } } } };
      const session = (await wd(base, "POST", "/session", caps)).sessionId;
      try {
        await wd(base, "POST", `/session/${session}/url`, { url: page });
        const r = await wd(base, "POST", `/session/${session}/execute/async`, { args: [], script: `
          const done = arguments[0];
          const shown = () => { const y = document.querySelector('[data-testid="yaml"]');
            return y && y.textContent.includes("kind:"); };
          const at = (suffix) => { const e = performance.getEntriesByType("resource")
            .find((r) => r.name.endsWith(suffix)); return e ? e.responseEnd : NaN; };
          // Shown: the YAML is in the page. Painted: the frame after that has been
          // laid out and drawn (a task queued from the next animation frame runs after
          // it), which is what the user sees.
          (function poll() { if (!shown()) { setTimeout(poll, 2); return; }
            const shownAt = performance.now();
            requestAnimationFrame(() => setTimeout(() => done({ shown: shownAt,
                painted: performance.now(), wasm: at("_bg.wasm"),
                started: (performance.getEntriesByName("kubeprint-start")[0] || { startTime: NaN }).startTime,
                parsed: performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd }), 0));
          })();` });
        const ms = r.painted;
        times.push(ms);
        inPage.push(r.shown);
        // Where the time went: the document parsed, the wasm received, the wasm compiled
        // and its main() running (the app's "kubeprint-start" mark), the first render.
        console.log(`run ${i + 1}: ${ms.toFixed(0)} ms (document parsed ${r.parsed.toFixed(0)}, ` +
          `wasm received ${r.wasm.toFixed(0)}, running ${r.started.toFixed(0)}, ` +
          `in the page ${r.shown.toFixed(0)}, first render until painted ${(ms - r.started).toFixed(0)} ms)`);
      } finally {
        await wd(base, "DELETE", `/session/${session}`);
        fs.rmSync(profile, { recursive: true, force: true });
      }
    }
  } finally {
    driver.kill();
    server.close();
  }
  times.sort((a, b) => a - b);
  inPage.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  console.log(`cold load, median of ${times.length}: ${median.toFixed(0)} ms (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}); ` +
    `YAML in the page (before its frame): ${inPage[Math.floor(inPage.length / 2)].toFixed(0)} ms`);
}

main().catch((e) => { console.error(e); process.exit(1); });
