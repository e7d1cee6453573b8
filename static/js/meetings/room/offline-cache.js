/**
 * The meeting kept on this device for an outage (static/js/meetings/offline-worker.js serves
 * it): when the room opens, the meeting's documents, the user's notes on them and this page
 * go into the cache `sohoa-meeting-<id>`, and the room's scripts, styles and pdf.js into the
 * shell cache. One document at a time, after a short random pause, so that a hall of tablets
 * entering together does not fetch everything in the same second.
 */
import { M, ME, URLS } from './config.js';
import { OC } from './offline-config.js';

export const MEETING_PREFIX = 'sohoa-meeting-';
export const CACHE = MEETING_PREFIX + M.id;
const SHELL = 'sohoa-shell-v1';
const META = '/meetings/offline-meta'; // read by the worker: whose cache, confidential, until when
const MAX_PAUSE_MS = 1500;
const PDFJS = ['/static/vendor/pdfjs/pdf.min.js', '/static/vendor/pdfjs/pdf.worker.min.js'];

export const cachingAvailable = () => 'caches' in window && window.isSecureContext;

/** Register the worker (scope: the whole site, so it sees signing in and out); resolves once it controls this page. */
export async function registerWorker() {
  if (!('serviceWorker' in navigator) || !cachingAvailable()) return false;
  await navigator.serviceWorker.register(OC.worker, { scope: '/' });
  await navigator.serviceWorker.ready;
  if (navigator.serviceWorker.controller) return true;
  await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve, { once: true }));
  return true;
}

async function metaOf(cache) {
  try {
    const response = await cache.match(META);
    return response ? await response.json() : null;
  } catch {
    return null;
  }
}

/** Caches left by another account on this tablet (signed out without a link) are dropped. */
export async function dropOtherUsers() {
  for (const name of await caches.keys()) {
    if (!name.startsWith(MEETING_PREFIX) || name === CACHE) continue;
    const meta = await metaOf(await caches.open(name));
    if (!meta || meta.user !== ME.user) await caches.delete(name);
  }
  const own = await caches.open(CACHE);
  const meta = await metaOf(own);
  if (meta && meta.user !== ME.user) await caches.delete(CACHE);
}

export const dropMeeting = () => caches.delete(CACHE);

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const notesUrl = (id) => URLS.notes.replace('{id}', String(id));

/** Fetch `url` into `cache` (unless `keep` and already there); true when it is kept. */
async function keep(cache, url, { refresh = false } = {}) {
  if (!refresh && (await cache.match(url))) return true;
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    if (!response.ok) return false;
    await cache.put(url, response);
    return true;
  } catch {
    return false;
  }
}

/** The scripts, styles and fonts this page loaded from /static/, plus pdf.js itself. */
function shellUrls() {
  const loaded = performance
    .getEntriesByType('resource')
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === location.origin && url.pathname.startsWith('/static/'))
    .map((url) => url.pathname + url.search);
  return [...new Set([...loaded, ...PDFJS])];
}

/**
 * Keep the meeting for an outage; `progress(kept, total)` hears each document kept.
 * Resolves with {kept, total} (kept < total: some could not be fetched now).
 */
export async function keepMeeting(progress = () => {}) {
  await pause(Math.random() * MAX_PAUSE_MS);
  const cache = await caches.open(CACHE);
  const meta = { user: ME.user, confidential: OC.confidential, ends_at: OC.ends_at, status: M.status };
  await cache.put(META, new Response(JSON.stringify(meta), { headers: { 'Content-Type': 'application/json' } }));
  let kept = 0;
  progress(kept, M.documents.length);
  for (const doc of M.documents) {
    if (await keep(cache, doc.url)) kept += 1;
    await keep(cache, notesUrl(doc.id), { refresh: true });
    progress(kept, M.documents.length);
  }
  await keep(cache, location.pathname);
  const shell = await caches.open(SHELL);
  for (const url of shellUrls()) await keep(shell, url);
  return { kept, total: M.documents.length };
}
