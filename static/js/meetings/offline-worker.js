/**
 * The meeting room's service worker: reading through a Wi-Fi outage (đọc tài liệu khi mất mạng).
 *
 * Served by /meetings/offline-worker.js with the scope of the whole site. The room page
 * (static/js/meetings/room/offline.js) fills one cache per meeting, `sohoa-meeting-<id>`,
 * with the meeting's documents and the user's notes, and the shell cache with the room's
 * scripts, styles and pdf.js. This worker:
 *
 * - answers document files from the meeting's cache (whole file or a byte range, as pdf.js
 *   asks), so the documents open with or without a link;
 * - answers the room page, the notes list and static files from the network, and from the
 *   caches when the network fails (a tablet whose Wi-Fi dropped);
 * - drops every meeting cache when the device signs in or out (the logout response also
 *   carries Clear-Site-Data), and a confidential meeting's cache once the meeting is over.
 */
const SHELL = 'sohoa-shell-v1';
const MEETING_PREFIX = 'sohoa-meeting-';
const META = '/meetings/offline-meta'; // {user, confidential, ends_at, status} of a meeting's cache
const CONFIDENTIAL_GRACE_MS = 2 * 3600 * 1000; // a device that missed the end drops it 2 h later

const DOCUMENT_FILE = /^\/api\/v1\/documents\/\d+\/file$/;
const NOTES_LIST = /^\/api\/v1\/documents\/\d+\/notes$/;
const ROOM_PAGE = /^\/meetings\/(\d+)\/room$/;
const SIGN_IN_OUT = new Set(['/login', '/logout']);

self.addEventListener('install', () => self.skipWaiting());

self.addEventListener('activate', (event) => {
  event.waitUntil(Promise.all([self.clients.claim(), dropExpired()]));
});

self.addEventListener('message', (event) => {
  const data = event.data || {};
  if (data.type === 'drop-meetings') event.waitUntil(dropMeetings());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === 'POST' && SIGN_IN_OUT.has(url.pathname)) {
    // someone signs in or out on this device: nothing of the previous session stays
    event.waitUntil(dropMeetings());
    return;
  }
  if (request.method !== 'GET') return;
  const path = url.pathname;
  if (DOCUMENT_FILE.test(path)) event.respondWith(documentFile(request));
  else if (NOTES_LIST.test(path)) event.respondWith(networkFirst(request, keptIn(path)));
  else if (ROOM_PAGE.test(path) && request.mode === 'navigate') event.respondWith(roomPage(request, path));
  else if (path.startsWith('/static/')) event.respondWith(networkFirst(request, () => caches.open(SHELL)));
});

/** Every meeting cache of this device. */
async function meetingCaches() {
  return (await caches.keys()).filter((name) => name.startsWith(MEETING_PREFIX));
}

async function dropMeetings() {
  await Promise.all((await meetingCaches()).map((name) => caches.delete(name)));
}

let lastExpiryCheck = 0;

/** Confidential meetings keep their documents only while the meeting lasts. */
async function dropExpired() {
  if (Date.now() - lastExpiryCheck < 60 * 1000) return;
  lastExpiryCheck = Date.now();
  for (const name of await meetingCaches()) {
    const cache = await caches.open(name);
    const meta = await cache.match(META).then((r) => (r ? r.json() : null)).catch(() => null);
    if (!meta || !meta.confidential) continue;
    const over = meta.status === 'ended' || Date.parse(meta.ends_at) + CONFIDENTIAL_GRACE_MS < Date.now();
    if (over) await caches.delete(name);
  }
}

/** The meeting cache that already holds `path` (null: none does). */
function keptIn(path) {
  return async () => {
    for (const name of await meetingCaches()) {
      const cache = await caches.open(name);
      if (await cache.match(path)) return cache;
    }
    return null;
  };
}

/** The network's answer (kept in the cache `where()` gives); the kept copy when the network fails. */
async function networkFirst(request, where) {
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic' && !request.headers.has('range')) {
      const cache = await where();
      if (cache) await cache.put(request, response.clone()).catch(() => {});
    }
    return response;
  } catch (err) {
    const kept = await caches.match(request, { ignoreVary: true });
    if (kept) return kept;
    throw err;
  }
}

/** The room page: fresh when the network answers (kept for an outage), else the kept copy. */
async function roomPage(request, path) {
  const cacheName = MEETING_PREFIX + ROOM_PAGE.exec(path)[1];
  const known = await caches.has(cacheName);
  return networkFirst(request, async () => (known ? caches.open(cacheName) : null));
}

/** A meeting document: from the meeting's cache when kept (the byte range asked), else the network. */
async function documentFile(request) {
  await dropExpired();
  const kept = await caches.match(request.url, { ignoreVary: true });
  if (!kept) return fetch(request);
  const range = request.headers.get('range');
  return range ? partial(kept, range) : kept;
}

/** A 206 answer with the bytes `bytes=start-end` (or a suffix `bytes=-n`) of a kept file. */
async function partial(kept, range) {
  const body = await kept.blob();
  const size = body.size;
  const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
  let start = match && match[1] !== '' ? Number(match[1]) : NaN;
  let end = match && match[2] !== '' ? Number(match[2]) : size - 1;
  if (match && match[1] === '' && match[2] !== '') {
    start = Math.max(size - Number(match[2]), 0); // the last n bytes
    end = size - 1;
  }
  if (!Number.isFinite(start) || start >= size || end < start) {
    return new Response(null, { status: 416, headers: { 'Content-Range': `bytes */${size}` } });
  }
  end = Math.min(end, size - 1);
  const headers = new Headers(kept.headers);
  headers.set('Content-Range', `bytes ${start}-${end}/${size}`);
  headers.set('Content-Length', String(end - start + 1));
  headers.set('Accept-Ranges', 'bytes');
  return new Response(body.slice(start, end + 1), { status: 206, statusText: 'Partial Content', headers });
}
