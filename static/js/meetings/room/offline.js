/**
 * Reading through an outage (Diligent's offline board book is the model): the meeting is
 * kept on the device when the room opens (offline-cache.js, served by the service worker),
 * so a tablet whose Wi-Fi drops keeps reading every page and writing private notes. While
 * offline a banner says so; when the link returns the notes written meanwhile are sent, the
 * room is joined again and the page follows the presenter again. A confidential meeting's
 * documents are dropped from the device as soon as the meeting ends.
 */
import { $, fmt, h, room } from './dom.js';
import { M } from './config.js';
import { OC, OT } from './offline-config.js';
import { join, socket } from './connection.js';
import { liveDoc } from './document.js';
import { state } from './state.js';
import { toast } from './notices.js';
import { dropOtherUsers as dropOtherNotes, flushNotes, onPendingChange, pendingCount } from './note-outbox.js';
import { cachingAvailable, dropMeeting, dropOtherUsers, keepMeeting, registerWorker } from './offline-cache.js';

const SOCKET_GRACE_MS = 4000; // a socket down this long (Wi-Fi up, no route) counts as offline
const FLUSH_EVERY_MS = 15000;

const banner = $('#room-offline');
const detail = $('#room-offline-detail');
const savedChip = h('span', { class: 'room-saved', id: 'room-saved', hidden: true });
let offline = false;
let socketDownTimer = null;
let kept = { kept: 0, total: M.documents.length };

/** The banner's second line: what is kept, and the notes still to send. */
function renderDetail() {
  const parts = [fmt(OT.keptDocuments, kept), OT.notesKept];
  const waiting = pendingCount();
  if (waiting) parts.push(fmt(OT.notesWaiting, { n: waiting }));
  detail.textContent = parts.join(' ');
}

function renderSaved() {
  const { kept: n, total } = kept;
  savedChip.hidden = !total;
  savedChip.dataset.state = n >= total ? 'ready' : 'saving';
  savedChip.textContent = n >= total ? OT.savedOffline : fmt(OT.savingOffline, { kept: n, total });
  savedChip.title = OC.confidential ? OT.confidentialKept : '';
}

/** Offline or back; `rejoin`: the socket stayed up through the outage, so join again here. */
function setOffline(flag, { rejoin = false } = {}) {
  if (flag === offline) return;
  offline = flag;
  room.dataset.offline = flag ? '1' : '0';
  banner.hidden = !flag;
  liveDoc.setOffline(flag); // the follow label stops claiming to follow
  if (flag) {
    renderDetail();
    showSomething();
  } else {
    backOnline(rejoin);
  }
}

/** Opened without a link (the worker served the page): show the first kept document. */
function showSomething() {
  if (liveDoc.documentId != null || !M.documents.length) return;
  const first = M.documents[0];
  liveDoc.load(first.id, first.url, first.pages).catch(() => {});
  liveDoc.show(1);
}

/** The link is back: send the notes, join again and follow the presenter again. */
async function backOnline(rejoin) {
  liveDoc.follow();
  if (rejoin) join(); // otherwise the reconnection joins (connection.js)
  const sent = await flushNotes();
  toast(sent ? `${OT.backOnline} ${fmt(OT.notesSent, { n: sent })}` : OT.backOnline, 'ok', 4500, 'link');
}

function watchLink() {
  window.addEventListener('offline', () => setOffline(true));
  window.addEventListener('online', () => setOffline(false, { rejoin: socket.connected && state.joined }));
  socket.on('disconnect', () => {
    clearTimeout(socketDownTimer);
    socketDownTimer = setTimeout(() => {
      socketDownTimer = null;
      if (!socket.connected) setOffline(true);
    }, SOCKET_GRACE_MS);
  });
  socket.on('connect', () => {
    clearTimeout(socketDownTimer);
    socketDownTimer = null;
    if (navigator.onLine) setOffline(false);
    flushNotes();
  });
  onPendingChange(() => offline && renderDetail());
  setInterval(() => pendingCount() && !offline && flushNotes(), FLUSH_EVERY_MS);
}

/** A confidential meeting keeps its documents on the device only while it lasts. */
function onStatus(payload) {
  if (payload.status === 'ended' && OC.confidential) {
    dropMeeting();
    kept = { kept: 0, total: 0 };
    renderSaved();
  }
}

async function keepForOutage() {
  room.dataset.offlineReady = '0';
  dropOtherNotes();
  if (!cachingAvailable()) return;
  await dropOtherUsers();
  if (OC.confidential && M.status === 'ended') {
    await dropMeeting();
    return;
  }
  await registerWorker();
  kept = await keepMeeting((n, total) => {
    kept = { kept: n, total };
    renderSaved();
  });
  renderSaved();
  room.dataset.offlineReady = kept.kept >= kept.total ? '1' : 'partial';
}

export function initOffline() {
  $('.room-doc-toolbar').append(savedChip);
  watchLink();
  socket.on('meeting_status_changed', onStatus);
  if (!navigator.onLine) setOffline(true);
  flushNotes();
  keepForOutage().catch((err) => {
    room.dataset.offlineReady = 'failed';
    console.warn('room: could not keep the meeting for offline reading', err);
  });
}
