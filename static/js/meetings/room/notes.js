/** Private notes (ghi chú riêng): one text per document page, saved as the user types. */
import { $, fmt } from './dom.js';
import { M, T, URLS } from './config.js';
import { api, serverMessage } from './api.js';
import { socket } from './connection.js';
import { toast } from './notices.js';
import { pendingText, sendNote } from './note-outbox.js';
import { OT } from './offline-config.js';

const SAVE_DELAY_MS = 800;

const area = $('#note-text');
const label = $('#note-label');
const status = $('#note-status');
const hint = $('#note-page-hint');
const byDoc = new Map(); // document id -> Promise<{page: text}>
const loaded = new Map(); // document id -> {page: text}
let current = null; // {documentId, page}
let dirty = null; // {documentId, page, text}
let timer = null;

function url(documentId, page) {
  const base = URLS.notes.replace('{id}', String(documentId));
  return page == null ? base : `${base}/${page}`;
}

/** A document's notes, asked once; a refusal counts as no notes, a network failure is asked again. */
function fetchNotes(documentId) {
  if (!byDoc.has(documentId)) {
    const keep = (data) => {
      loaded.set(documentId, data || {});
      return loaded.get(documentId);
    };
    const promise = api.get(url(documentId)).then(keep, (err) => {
      if (err.status) return keep({});
      byDoc.delete(documentId);
      return {};
    });
    byDoc.set(documentId, promise);
  }
  return byDoc.get(documentId);
}

function setStatus(kind) {
  status.dataset.state = kind || '';
  status.textContent = { saving: T.saving, saved: T.saved, failed: T.saveFailed, queued: OT.noteQueued }[kind] || '';
}

async function save() {
  clearTimeout(timer);
  const note = dirty;
  if (!note) return;
  dirty = null;
  setStatus('saving');
  const notesOfDoc = loaded.get(note.documentId);
  if (notesOfDoc) notesOfDoc[String(note.page)] = note.text;
  try {
    // kept on the device first; without a link it goes out when the link returns (offline.js)
    const result = await sendNote(note);
    if (!dirty) setStatus(result.queued ? 'queued' : 'saved');
  } catch (err) {
    toast(serverMessage(err), 'error'); // the server refused it: nothing shown without a message
    if (!dirty) setStatus('failed');
  }
}

const isCurrent = (documentId, page) => current && current.documentId === documentId && current.page === page;

let waiting = null; // {documentId, page} shown while the user was still writing

/** The viewer now shows `page` of `documentId`: save the previous note, load this one. While
 * the user is writing (the field has focus) the note keeps the page it was started on, so a
 * page turn by the presenter never splits a sentence over two pages; the new page's note
 * comes when the user leaves the field. */
export async function showNotes(documentId, page) {
  if (current && document.activeElement === area) {
    waiting = isCurrent(documentId, page) ? null : { documentId, page };
    hint.hidden = !waiting;
    if (waiting) hint.textContent = fmt(T.noteKeepsPage, { page: current.page, now: page });
    return;
  }
  waiting = null;
  hint.hidden = true;
  if (isCurrent(documentId, page)) return;
  if (dirty) save();
  current = { documentId, page };
  const doc = M.documents.find((d) => d.id === documentId);
  label.textContent = fmt(T.notesFor, { page, title: doc ? doc.title : '' });
  area.disabled = true;
  const data = await fetchNotes(documentId);
  if (!isCurrent(documentId, page)) return;
  area.value = pendingText(documentId, page) ?? (data[String(page)] || '');
  area.disabled = false;
  setStatus(null);
}

export function initNotes() {
  label.textContent = T.notesNoPage;
  area.addEventListener('input', () => {
    if (!current) return;
    dirty = { ...current, text: area.value };
    setStatus(null);
    clearTimeout(timer);
    timer = setTimeout(save, SAVE_DELAY_MS);
  });
  area.addEventListener('blur', () => {
    if (dirty) save();
    if (waiting) showNotes(waiting.documentId, waiting.page);
  });
  window.addEventListener('pagehide', () => dirty && save());
  socket.on('connect', () => dirty && save());
}
