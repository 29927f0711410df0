// Kubeprint's offline worker. Its scope is the folder the site is served from (any
// sub-path). The build stamps BUILD (a digest of every file of the build) and FILES
// (their names, relative to this file) into the copy in the build's output
// (scripts/stamp-sw.sh, a Trunk post-build hook), so a new deploy is a new worker: the
// browser sees a changed sw.js on its next check, installs the new build's files
// beside the old ones, and switches over; the page says so (boot.js), and the next
// load opens the new version. A debug build stamps OFFLINE = false: the worker then
// removes itself and its caches, so `trunk serve` never serves a stale build.
const BUILD = "@BUILD@";
const FILES = ["@FILES@"];
const OFFLINE = "@OFFLINE@" === "true";
const CACHE = `kubeprint-${BUILD}`;

self.addEventListener("install", (event) => {
  if (!OFFLINE) {
    self.skipWaiting();
    return;
  }
  event.waitUntil(
    caches
      .open(CACHE)
      // "./" is the page itself (index.html); `reload` skips the HTTP cache so the
      // files cached are the ones this build shipped.
      .then((cache) => cache.addAll(["./", ...FILES].map((f) => new Request(f, { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((k) => k.startsWith("kubeprint-") && (k !== CACHE || !OFFLINE))
            .map((k) => caches.delete(k)),
        ),
      )
      .then(() => (OFFLINE ? self.clients.claim() : self.registration.unregister())),
  );
});

self.addEventListener("fetch", (event) => {
  if (!OFFLINE || event.request.method !== "GET") return;
  const url = new URL(event.request.url);
  if (!url.href.startsWith(self.registration.scope)) return;
  // Every page address in the scope is the one page (links carry their design in the
  // fragment, which never reaches here).
  const key = event.request.mode === "navigate" ? "./" : event.request;
  event.respondWith(
    caches
      .open(CACHE)
      .then((cache) => cache.match(key, { ignoreSearch: event.request.mode === "navigate" }))
      .then((hit) => hit || fetch(event.request)),
  );
});
