// Starts the app without any inline script, so the page's Content-Security-Policy can
// forbid inline scripts altogether. Trunk writes the hashed names of the app's module
// and wasm into the data attributes of the script element that loads this file.
const me = document.querySelector("script[data-kubeprint-js]");
const init = (await import(me.dataset.kubeprintJs)).default;
await init({ module_or_path: me.dataset.kubeprintWasm });

// Offline after the first visit: sw.js caches this build's files (see its header).
// A page that was already controlled by a worker when it loaded and sees the
// controller change has had a new version installed under it: say so. The new version
// opens on the next load; the running page keeps the one it has.
if ("serviceWorker" in navigator) {
  const hadWorker = navigator.serviceWorker.controller !== null;
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (hadWorker) showUpdateNotice();
  });
  // Installing it caches every file of the build. Started while the page renders its
  // first frame, that work delayed the frame by some 100 ms on two cores, so it waits
  // until the frame is drawn and the page is idle.
  const register = () =>
    navigator.serviceWorker.register("sw.js").catch((err) => {
      console.warn("Kubeprint works online only here: the offline worker did not start", err);
    });
  const whenIdle = () =>
    "requestIdleCallback" in window ? requestIdleCallback(register, { timeout: 2000 }) : register();
  requestAnimationFrame(() => setTimeout(whenIdle, 0));
}

function showUpdateNotice() {
  if (document.querySelector("[data-testid=update-notice]")) return;
  const box = document.createElement("div");
  box.className = "update-notice";
  box.setAttribute("role", "status");
  box.dataset.testid = "update-notice";
  const text = document.createElement("span");
  text.textContent = "A new version of Kubeprint was installed. It opens on the next load; your work is saved.";
  const reload = document.createElement("button");
  reload.type = "button";
  reload.textContent = "Reload now";
  reload.dataset.testid = "update-reload";
  reload.addEventListener("click", () => location.reload());
  const close = document.createElement("button");
  close.type = "button";
  close.textContent = "Later";
  close.addEventListener("click", () => box.remove());
  box.append(text, reload, close);
  document.body.append(box);
}
