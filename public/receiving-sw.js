/*
 * IronLedger receiving: the service worker that keeps the receiving screen usable when the
 * warehouse Wi-Fi drops (scope /warehouse/receiving, the receipts list included). Scans themselves never depend on it: they
 * wait in IndexedDB (the page's scan queue) and are sent when the network is back.
 *
 * - pages under /warehouse/receiving/: network first, the last good copy when offline;
 * - Next's hashed static files (/_next/static/) and the camera scanner's .wasm: cache first;
 * - everything else (the APIs, other pages) goes to the network untouched.
 */
const CACHE = "ironledger-receiving-v1";
const PRECACHE = ["/zxing/zxing_reader.wasm"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((c) => Promise.all(PRECACHE.map((u) => c.add(u).catch(() => undefined))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ironledger-receiving-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const res = await fetch(request);
    if (res.ok && !res.redirected) cache.put(request, res.clone());
    return res;
  } catch (e) {
    // a page kept by a "keep" message was fetched without the headers a navigation carries: ignore Vary
    const hit = (await cache.match(request)) || (await cache.match(request, { ignoreSearch: true, ignoreVary: request.mode === "navigate" }));
    if (hit) return hit;
    throw e;
  }
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const res = await fetch(request);
  if (res.ok) cache.put(request, res.clone());
  return res;
}

/**
 * The receiving screen asks to be kept once this worker runs: its own page (fetched again, with the
 * session cookie) and the hashed scripts it loaded before the worker controlled it. Answers on the
 * message's port when done, so the screen can say it works offline.
 */
async function keep(page, assets) {
  const cache = await caches.open(CACHE);
  const jobs = assets
    .filter((u) => typeof u === "string" && new URL(u, self.location.origin).origin === self.location.origin && new URL(u, self.location.origin).pathname.startsWith("/_next/static/"))
    .map(async (u) => {
      if (!(await cache.match(u))) await cache.add(u).catch(() => undefined);
    });
  if (typeof page === "string" && page.startsWith("/warehouse/receiving")) {
    jobs.push(
      fetch(page, { credentials: "same-origin" })
        .then((res) => (res.ok && !res.redirected ? cache.put(page, res) : undefined))
        .catch(() => undefined),
    );
  }
  await Promise.all(jobs);
}

self.addEventListener("message", (event) => {
  const m = event.data;
  if (!m || m.type !== "keep") return;
  event.waitUntil(keep(m.page, Array.isArray(m.assets) ? m.assets.slice(0, 200) : []).then(() => event.ports[0]?.postMessage({ kept: true })));
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  if (req.method !== "GET") return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/_next/static/") || url.pathname === "/zxing/zxing_reader.wasm") {
    event.respondWith(cacheFirst(req));
  } else if (url.pathname.startsWith("/warehouse/receiving")) {
    event.respondWith(networkFirst(req));
  }
});
