/**
 * The shared document (static/js/live-document.js) wired to the room: the presenter's page
 * turns go to everyone, the others follow; the picker switches documents.
 */
import { LiveDocument } from '../../live-document.js';
import { $ } from './dom.js';
import { M, ME, T } from './config.js';
import { socket, request } from './connection.js';
import { isPresenter, state } from './state.js';
import { showNotes } from './notes.js';

const pendingOwnTurns = []; // page turns this device sent; their page_changed echo is ignored
let offlineTurn = null; // a page turned by the presenter while disconnected
const picker = $('#doc-picker');

export const liveDoc = new LiveDocument({
  container: document.getElementById('live-document'),
  strings: T,
  // landscape shows the whole page (fit-width stays a choice); portrait reads by the width
  fit: window.matchMedia('(orientation: landscape)').matches ? 'page' : 'width',
  onUserPageChange: (documentId, page) => sendTurn({ documentId, page }),
  onPageShown: (documentId, page) => {
    picker.value = String(documentId);
    showNotes(documentId, page);
  },
});
liveDoc.addDocuments(M.documents);

/** The presenter's page turn goes to the room (kept for later while disconnected). */
function sendTurn(turn) {
  if (!socket.connected || !state.joined) {
    offlineTurn = turn;
    return;
  }
  pendingOwnTurns.push(turn);
  request('change_page', { document_id: turn.documentId, page: turn.page }).catch(() => {
    const i = pendingOwnTurns.indexOf(turn);
    if (i >= 0) pendingOwnTurns.splice(i, 1);
  });
}

/** After a join (the presenter is already set): catch up with the room, or the room with us. */
export function applyDocumentState(s) {
  pendingOwnTurns.length = 0;
  const turn = offlineTurn;
  offlineTurn = null;
  if (turn && isPresenter()) {
    // still presenting after a drop: the room catches up with the pages turned offline
    liveDoc.remote = { ...turn };
    sendTurn(turn);
  } else if (s.document_id != null) {
    liveDoc.followRemote(s.document_id, s.page);
  } else if (M.documents.length && liveDoc.documentId == null) {
    liveDoc.load(M.documents[0].id, M.documents[0].url, M.documents[0].pages).catch(() => {});
    liveDoc.show(1);
  } else if (!M.documents.length) {
    liveDoc.show(1); // "no document" message
  }
}

function onPageChanged(payload) {
  const head = pendingOwnTurns[0];
  if (payload.by === ME.user && head && head.documentId === payload.document_id && head.page === payload.page) {
    pendingOwnTurns.shift(); // the echo of our own turn: already on screen
    liveDoc.remote = { documentId: payload.document_id, page: payload.page };
    return;
  }
  liveDoc.followRemote(payload.document_id, payload.page);
}

export function initDocument() {
  picker.addEventListener('change', () => {
    const id = Number(picker.value);
    if (id) liveDoc.goTo(1, id);
  });
  socket.on('page_changed', onPageChanged);
}
