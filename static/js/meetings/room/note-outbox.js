/**
 * Private notes on their way to the server (ghi chú chờ gửi). Every note is first kept on
 * the device (localStorage, one slot per document page, per user), then sent with a key
 * the device made for that text; a note that could not be sent (no link, server busy)
 * stays kept and goes out when the link returns. The server saves a resend of the same
 * key once, so a note whose answer was lost in the outage is not saved twice.
 */
import { ME, URLS } from './config.js';
import { api } from './api.js';

const PREFIX = 'sohoa-notes-outbox:';
const STORE = PREFIX + ME.user;
const listeners = new Set();

const slot = (documentId, page) => `${documentId}:${page}`;

function noteUrl(documentId, page) {
  return `${URLS.notes.replace('{id}', String(documentId))}/${page}`;
}

function read() {
  try {
    return JSON.parse(localStorage.getItem(STORE)) || {};
  } catch {
    return {};
  }
}

function write(all) {
  try {
    if (Object.keys(all).length) localStorage.setItem(STORE, JSON.stringify(all));
    else localStorage.removeItem(STORE);
  } catch {
    /* storage full or refused: the note still goes out now if the link is up */
  }
  for (const listener of listeners) listener(Object.keys(all).length);
}

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Worth sending again later: no answer at all, the server busy, or the session to renew. */
const worthRetrying = (err) => !err.status || err.status >= 500 || err.status === 429 || err.status === 401;

function forget(entry) {
  const all = read();
  const at = slot(entry.documentId, entry.page);
  if (all[at] && all[at].key === entry.key) {
    delete all[at];
    write(all);
  }
}

/** Send one kept note: {sent: true}, {queued: true} (kept for later), or rejects with the refusal. */
async function deliver(entry) {
  try {
    await api.put(noteUrl(entry.documentId, entry.page), { text: entry.text, key: entry.key });
  } catch (err) {
    if (worthRetrying(err)) return { queued: true };
    forget(entry); // refused (too long, no longer allowed): sending again would not help
    throw err;
  }
  forget(entry);
  return { sent: true };
}

/** The text kept for a page and not yet sent (undefined: none). */
export function pendingText(documentId, page) {
  const entry = read()[slot(documentId, page)];
  return entry ? entry.text : undefined;
}

export const pendingCount = () => Object.keys(read()).length;

/** `listener(count)` hears every change of the number of notes waiting. */
export function onPendingChange(listener) {
  listeners.add(listener);
}

/** Keep the note {documentId, page, text} on the device, then send it (see deliver). */
export function sendNote({ documentId, page, text }) {
  const entry = { documentId, page, text, key: newKey(), at: Date.now() };
  const all = read();
  all[slot(documentId, page)] = entry;
  write(all);
  return deliver(entry);
}

let flushing = null;

/** Send every kept note, one at a time (stops at the first that cannot go); resolves with how many went. */
export function flushNotes() {
  if (!flushing) {
    flushing = (async () => {
      let sent = 0;
      for (const entry of Object.values(read())) {
        const result = await deliver(entry).catch(() => ({ refused: true }));
        if (result.queued) break;
        if (result.sent) sent += 1;
      }
      return sent;
    })().finally(() => {
      flushing = null;
    });
  }
  return flushing;
}

/** A shared tablet: notes kept for another account (signed out without a link) are dropped. */
export function dropOtherUsers() {
  try {
    for (let i = localStorage.length - 1; i >= 0; i -= 1) {
      const name = localStorage.key(i);
      if (name && name.startsWith(PREFIX) && name !== STORE) localStorage.removeItem(name);
    }
  } catch {
    /* no storage: nothing kept */
  }
}
