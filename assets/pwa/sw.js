// Tangui's service worker: the app and the last data it showed stay on the phone, so a vendor
// with a weak signal or none still opens the map, their case and their permit with its QR code.
// Answers served from the saved copy carry `x-tangui-saved-at` (milliseconds since 1970) and the
// app shows a banner with that time. Signing in or out forgets the saved data (it may be
// personal). Nothing here is fetched from anywhere but this site.
"use strict";
const SHELL = "tangui-shell-v1";
const DATA = "tangui-data-v1";
// On a weak line, wait this long for the network before falling back to the saved copy.
const PATIENCE_MS = 4000;
// The folders of the larger bundles, largest first (common::routes::Bundle::dir).
const BUNDLES = ["/staff/", "/app/"];

// The public page and every file it loads (Trunk's hashed names, read from the page itself).
async function saveShell() {
  const res = await fetch("/", { cache: "no-cache" });
  if (!res.ok) return;
  const html = await res.clone().text();
  const cache = await caches.open(SHELL);
  await cache.put("/", res);
  const files = new Set();
  // Quoted paths: links, and the loader's import of the app and its WebAssembly.
  for (const m of html.matchAll(/["'](\/[^"'?#\s]+\.(?:js|wasm|css|svg|webmanifest))["']/g)) files.add(m[1]);
  await cache.addAll([...files]);
  // Files of earlier builds are no longer needed.
  for (const req of await cache.keys()) {
    const path = new URL(req.url).pathname;
    if (path !== "/" && !BUNDLES.some((b) => path.startsWith(b)) && !files.has(path)) await cache.delete(req);
  }
}

self.addEventListener("install", (event) => {
  event.waitUntil(saveShell().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== SHELL && n !== DATA).map((n) => caches.delete(n))))
      .then(() => self.clients.claim()),
  );
});

// The network's answer; but if it is slow and a saved copy exists, the copy — and without a
// copy, the network however long it takes (a slow answer beats none).
async function networkOrSaved(fromNetwork, saved) {
  const net = fromNetwork();
  net.catch(() => {}); // a late failure after the saved copy was served is nobody's concern
  const slow = new Promise((resolve) => setTimeout(resolve, PATIENCE_MS, "slow"));
  try {
    const first = await Promise.race([net, slow]);
    if (first !== "slow") return first;
    return (await saved()) || (await net);
  } catch (e) {
    const copy = await saved();
    if (copy) return copy;
    throw e;
  }
}

async function savedCopy(cacheName, key) {
  return (await caches.open(cacheName)).match(key);
}

// Pages: the network first, saving the page of each bundle (under its folder, "/" for the first
// visit's); offline, the largest bundle's page this device has (each holds the pages of the ones
// before it: common::routes).
async function page(request) {
  const saved = async () => {
    for (const key of [...BUNDLES, "/"]) {
      const copy = await savedCopy(SHELL, key);
      if (copy) return copy;
    }
  };
  const res = await networkOrSaved(async () => {
    const res = await fetch(request);
    if (res.ok) {
      const html = await res.clone().text();
      const key = BUNDLES.find((b) => html.includes('"' + b)) || "/";
      await (await caches.open(SHELL)).put(key, res.clone());
    }
    return res;
  }, saved).catch(() => undefined);
  return res || Response.error();
}

// Built files have the hash of their content in the name: a saved one is always right.
async function builtFile(request) {
  const cache = await caches.open(SHELL);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}

async function stamped(res) {
  const headers = new Headers(res.headers);
  headers.set("x-tangui-saved-at", String(Date.now()));
  return new Response(await res.blob(), { status: res.status, statusText: res.statusText, headers });
}

// Data: the network first, saving each answer; offline, or slow with a saved answer, that answer.
async function data(request) {
  return networkOrSaved(async () => {
    const res = await fetch(request);
    if (res.status === 200) {
      await (await caches.open(DATA)).put(request, await stamped(res.clone()));
    } else if (res.status === 401) {
      await caches.delete(DATA);
    }
    return res;
  }, () => caches.open(DATA).then((c) => c.match(request)));
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    if (url.pathname === "/api/v1/auth/login" || url.pathname === "/api/v1/auth/logout") {
      event.waitUntil(caches.delete(DATA));
    }
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(page(request));
  } else if (url.pathname.startsWith("/api/v1/")) {
    event.respondWith(data(request));
  } else if (/-[0-9a-f]{10,16}(_bg)?\.(js|wasm|css)$/.test(url.pathname)) {
    event.respondWith(builtFile(request));
  } else {
    // Other files of the shell (the icon, the manifest): fresh when online, saved when not.
    event.respondWith(fetch(request).catch(() => caches.match(request).then((hit) => hit || Response.error())));
  }
});
