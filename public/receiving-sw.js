/*
 * IronLedger receiving: the service worker that keeps the receiving screen usable when the
 * warehouse Wi-Fi drops (scope /warehouse/receiving/). Scans themselves never depend on it: they
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
    const hit = (await cache.match(request)) || (await cache.match(request, { ignoreSearch: true }));
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
