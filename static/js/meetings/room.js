/**
 * The live meeting room (phòng họp không giấy): the shared document, the agenda, the speaker
 * queue, votes, attendance and private notes over the /meetings Socket.IO namespace.
 *
 * The page never reloads: on every (re)connection it sends `join` again and applies the
 * returned room state; the PDF already loaded stays cached in the LiveDocument.
 *
 * Each panel lives in its own module under ./room/; this entry wires them together.
 */
import { T } from './room/config.js';
import { state } from './room/state.js';
import { connect, join, socket } from './room/connection.js';
import { flashesToToasts, toast } from './room/notices.js';
import { applyDocumentState, initDocument, liveDoc } from './room/document.js';
import { initAgenda, renderAgenda, renderStatus, setPresenter } from './room/agenda.js';
import { initSpeakers, renderSpeakers } from './room/speakers.js';
import { applyVoteState, initVotes, renderVote } from './room/votes.js';
import { loadResults } from './room/results.js';
import { applyPresence, initAttendance } from './room/attendance.js';
import { initNotes } from './room/notes.js';
import { initTabs } from './room/tabs.js';
import { initOffline } from './room/offline.js';

/** The whole room state, as the `join` ack sends it. */
function applyState(s) {
  state.status = s.status;
  setPresenter(s.presenter, s.presenter_name, { quiet: true });
  applyDocumentState(s);
  state.agendaItemId = s.agenda_item_id;
  renderAgenda();
  state.speakers = s.speakers || { queue: [], speaking: null };
  renderSpeakers();
  applyVoteState(s.vote, s.closed_vote);
  state.attendance = s.me ? s.me.attendance : state.attendance;
  applyPresence(s.presence);
  renderStatus();
}

function onMeetingStatusChanged(payload) {
  const before = state.status;
  state.status = payload.status;
  renderStatus();
  renderVote();
  if (before !== 'in_progress' && payload.status === 'in_progress') {
    toast(T.statusStarted, 'ok');
    join(); // joining an open meeting checks the participant in
  }
}

connect(applyState);
initDocument();
initAgenda();
initSpeakers();
initVotes();
initAttendance();
initNotes();
initTabs();
initOffline();
socket.on('meeting_status_changed', onMeetingStatusChanged);
loadResults();
flashesToToasts();

// for tests, benchmarks and the curious: the room's socket and viewer
window.sohoaRoom = { socket, liveDoc, state };
