/**
 * The live meeting room (phòng họp không giấy): the shared document, the agenda, the speaker
 * queue, votes, attendance and private notes over the /meetings Socket.IO namespace.
 *
 * The page never reloads: on every (re)connection it sends `join` again and applies the
 * returned room state; the PDF already loaded stays cached in the LiveDocument.
 */
import { LiveDocument } from '/static/js/live-document.js';

const config = JSON.parse(document.getElementById('room-config').textContent);
const T = config.strings;
const M = config.meeting;
const ME = config.me;
const REQUEST_TIMEOUT_MS = 10000;
const NOTE_SAVE_DELAY_MS = 800;
const csrfToken = document.querySelector('meta[name="csrf-token"]')?.content || '';

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

function fmt(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) node.append(child);
  }
  return node;
}

function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/);
  return (parts[parts.length - 1] || '?').charAt(0).toUpperCase();
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const mm = String(Math.floor(s / 60)).padStart(2, '0');
  return `${mm}:${String(s % 60).padStart(2, '0')}`;
}

function timeOf(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' });
}

const roleLabel = (role) => T.roles[role] || role || '';
const personName = (user, fallback) => (M.people[user] && M.people[user].name) || fallback || user;

// -- toasts ------------------------------------------------------------------------------

const toasts = $('#room-toasts');
function toast(message, kind = 'info', ms = 4500) {
  if (!message) return;
  const node = h('div', { class: `room-toast room-toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  toasts.append(node);
  while (toasts.children.length > 3) toasts.firstElementChild.remove();
  setTimeout(() => {
    node.classList.add('room-toast-out');
    setTimeout(() => node.remove(), 300);
  }, ms);
}

// -- state -------------------------------------------------------------------------------

const state = {
  joined: false,
  status: M.status,
  presenter: null,
  presenterName: null,
  agendaItemId: null,
  speakers: { queue: [], speaking: null },
  vote: null,
  myChoice: null, // {vote_id, choice}: only this device remembers what it chose
  results: [], // closed votes, newest first
  presence: { participants: [], present: 0, total: 0 },
  attendance: null,
};
const isPresenter = () => state.presenter === ME.user;

// -- the socket --------------------------------------------------------------------------

const socket = window.io('/meetings', {
  transports: ['websocket'],
  reconnectionDelay: 1000,
  reconnectionDelayMax: 5000,
});

/** Send a request; resolves with the ack on success, toasts the error and rejects on failure. */
function request(event, data = {}, { quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    if (!socket.connected) {
      if (!quiet) toast(T.offlineAction, 'error');
      reject(new Error('offline'));
      return;
    }
    socket.timeout(REQUEST_TIMEOUT_MS).emit(event, { meeting_id: M.id, ...data }, (err, ack) => {
      if (err) {
        if (!quiet) toast(T.timeout, 'error');
        reject(err);
      } else if (!ack || !ack.ok) {
        const message = ack && ack.error ? ack.error.message : T.timeout;
        if (!quiet) toast(message, 'error');
        reject(Object.assign(new Error(message), { code: ack && ack.error && ack.error.code }));
      } else {
        resolve(ack);
      }
    });
  });
}

const conn = $('#room-conn');
function setConnection(kind) {
  conn.dataset.state = kind;
  const label = {
    connecting: T.connConnecting,
    connected: T.connConnected,
    reconnecting: T.connReconnecting,
    offline: T.connOffline,
  }[kind];
  $('.room-conn-label', conn).textContent = label;
  conn.title = label;
  document.getElementById('room').dataset.connection = kind;
}

let everJoined = false;
async function join() {
  try {
    const ack = await request('join', {}, { quiet: everJoined });
    everJoined = true;
    state.joined = true;
    setConnection('connected');
    applyState(ack);
  } catch (err) {
    state.joined = false;
    if (socket.connected) setConnection('offline');
  }
}

socket.on('connect', () => {
  setConnection('connecting');
  join();
});
socket.on('disconnect', () => {
  state.joined = false;
  setConnection(socket.active ? 'reconnecting' : 'offline');
});
socket.on('connect_error', (err) => {
  if (socket.active) {
    setConnection(everJoined ? 'reconnecting' : 'connecting');
  } else {
    setConnection('offline'); // refused (e.g. the session expired): no automatic retry
    showBanner(T.sessionExpired, 'error');
    console.warn('room: connection refused', err && err.message);
  }
});

// -- the live document -------------------------------------------------------------------

const pendingOwnTurns = []; // page turns this device sent; their page_changed echo is ignored
let offlineTurn = null; // a page turned by the presenter while disconnected

const liveDoc = new LiveDocument({
  container: document.getElementById('live-document'),
  strings: T,
  onUserPageChange: (documentId, page) => sendTurn({ documentId, page }),
  onPageShown: (documentId, page) => {
    picker.value = String(documentId);
    notes.show(documentId, page);
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

const picker = $('#doc-picker');
picker.addEventListener('change', () => {
  const id = Number(picker.value);
  if (id) liveDoc.goTo(1, id);
});

// -- applying the room state -------------------------------------------------------------

function applyState(s) {
  state.status = s.status;
  setPresenter(s.presenter, s.presenter_name, { quiet: true });
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
  state.agendaItemId = s.agenda_item_id;
  renderAgenda();
  state.speakers = s.speakers || { queue: [], speaking: null };
  renderSpeakers();
  const hadVote = state.vote;
  state.vote = s.vote || null;
  if (hadVote && (!state.vote || state.vote.vote_id !== hadVote.vote_id)) loadResults(); // closed meanwhile
  renderVote();
  state.attendance = s.me ? s.me.attendance : state.attendance;
  applyPresence(s.presence);
  renderStatus();
}

// -- header: agenda item, presenter, meeting status ----------------------------------------

const banner = $('#room-banner');
function showBanner(text, kind = 'info') {
  banner.hidden = !text;
  banner.textContent = text || '';
  banner.dataset.kind = kind;
}

function renderStatus() {
  document.getElementById('room').dataset.status = state.status;
  if (state.status === 'scheduled') showBanner(T.statusScheduled, 'warn');
  else if (state.status === 'ended') showBanner(T.statusEnded, 'info');
  else if (banner.dataset.kind !== 'error') showBanner('');
}

function setPresenter(user, name, { quiet = false } = {}) {
  const before = state.presenter;
  state.presenter = user || null;
  state.presenterName = name || (user ? personName(user) : null);
  const label = $('#room-presenter-name');
  label.textContent = state.presenterName
    ? isPresenter()
      ? `${state.presenterName} (${T.you})`
      : state.presenterName
    : T.noPresenter;
  $('#room-presenter').classList.toggle('is-me', isPresenter());
  liveDoc.setPresenter(isPresenter());
  const select = $('#presenter-select');
  if (select && user) select.value = user;
  if (!quiet && before !== state.presenter && user) {
    toast(isPresenter() ? T.youPresent : fmt(T.presenterChanged, { name: state.presenterName }), isPresenter() ? 'ok' : 'info');
  }
}

function renderAgenda() {
  const items = M.agenda;
  const index = items.findIndex((a) => a.id === state.agendaItemId);
  $('#room-agenda-current').textContent =
    index >= 0 ? fmt(T.agendaItem, { n: index + 1, total: items.length, title: items[index].title }) : T.noAgendaItem;
  for (const li of $$('#agenda-list .agenda-item')) {
    const current = Number(li.dataset.item) === state.agendaItemId;
    li.classList.toggle('is-current', current);
    const button = $('.agenda-set', li);
    if (button) button.hidden = current;
  }
}

for (const button of $$('.agenda-set')) {
  button.addEventListener('click', () => {
    button.disabled = true;
    request('set_agenda_item', { agenda_item_id: Number(button.dataset.item) })
      .then((ack) => {
        state.agendaItemId = ack.agenda_item_id;
        renderAgenda();
      })
      .catch(() => {})
      .finally(() => {
        button.disabled = false;
      });
  });
}

const presenterSelect = $('#presenter-select');
if (presenterSelect) {
  presenterSelect.addEventListener('change', () => {
    const user = presenterSelect.value;
    presenterSelect.disabled = true;
    request('set_presenter', { user })
      .catch(() => {
        if (state.presenter) presenterSelect.value = state.presenter;
      })
      .finally(() => {
        presenterSelect.disabled = false;
      });
  });
}

// -- speakers ----------------------------------------------------------------------------

let speakingTimer = null;
function renderSpeakers() {
  const { queue, speaking } = state.speakers;
  const card = $('#speaking-card');
  card.hidden = !speaking;
  $('#speaking-none').hidden = Boolean(speaking);
  clearInterval(speakingTimer);
  if (speaking) {
    $('#speaking-name').textContent = speaking.user === ME.user ? `${speaking.name} (${T.you})` : speaking.name;
    const limit = Number(speaking.limit_seconds) || 300;
    const since = Date.parse(speaking.since);
    $('#speaking-limit').textContent = clock(limit);
    const tick = () => {
      const elapsed = Math.max(0, (Date.now() - since) / 1000);
      const over = elapsed > limit;
      $('#speaking-elapsed').textContent = clock(elapsed);
      $('#speaking-meter').style.width = `${Math.min(100, (elapsed / limit) * 100)}%`;
      card.classList.toggle('is-over', over);
      $('#speaking-over').hidden = !over;
    };
    tick();
    speakingTimer = setInterval(tick, 1000);
    const end = $('#speaking-end');
    const mine = speaking.user === ME.user;
    end.hidden = !(ME.is_chair || mine);
    end.textContent = mine ? T.endMine : T.endSpeaking;
  }

  const list = $('#queue-list');
  list.replaceChildren(
    ...queue.map((entry, i) =>
      h(
        'li',
        { class: `queue-item${entry.user === ME.user ? ' is-me' : ''}`, dataset: { user: entry.user } },
        h('span', { class: 'queue-no' }, String(i + 1)),
        h(
          'div',
          { class: 'queue-body' },
          h('strong', {}, entry.user === ME.user ? `${entry.name} (${T.you})` : entry.name),
          h('small', {}, fmt(T.requestedAt, { time: timeOf(entry.requested_at) })),
        ),
        ME.is_chair
          ? h(
              'button',
              {
                type: 'button',
                class: 'btn btn-ok btn-sm queue-grant',
                onclick: (e) => {
                  e.currentTarget.disabled = true;
                  request('grant_floor', { user: entry.user }).then(applySpeakers, () => {
                    e.target.disabled = false;
                  });
                },
              },
              T.grant,
            )
          : null,
      ),
    ),
  );
  $('#queue-empty').hidden = queue.length > 0;
  $('#queue-count').textContent = String(queue.length);
  const badge = $('#badge-speakers');
  badge.hidden = queue.length === 0;
  badge.textContent = String(queue.length);

  const position = queue.findIndex((q) => q.user === ME.user);
  const speakingNow = speaking && speaking.user === ME.user;
  $('#floor-request').hidden = position >= 0 || Boolean(speakingNow);
  $('#floor-withdraw').hidden = position < 0;
  const hint = $('#floor-position');
  hint.hidden = position < 0;
  if (position >= 0) hint.textContent = fmt(T.youInQueue, { n: position + 1 });
}

function applySpeakers(payload) {
  const wasSpeaking = state.speakers.speaking && state.speakers.speaking.user;
  state.speakers = { queue: payload.queue || [], speaking: payload.speaking || null };
  const now = state.speakers.speaking && state.speakers.speaking.user;
  if (now === ME.user && wasSpeaking !== ME.user) toast(T.youSpeak, 'ok');
  renderSpeakers();
}

$('#floor-request').addEventListener('click', (e) => {
  const button = e.currentTarget;
  button.disabled = true;
  request('request_floor').then(applySpeakers, () => {}).finally(() => {
    button.disabled = false;
  });
});
$('#floor-withdraw').addEventListener('click', (e) => {
  const button = e.currentTarget;
  button.disabled = true;
  request('release_floor', { user: ME.user }).then(applySpeakers, () => {}).finally(() => {
    button.disabled = false;
  });
});
$('#speaking-end').addEventListener('click', (e) => {
  const button = e.currentTarget;
  const speaking = state.speakers.speaking;
  if (!speaking) return;
  button.disabled = true;
  // naming the speaker: the chair ending someone's turn keeps the chair's own place in the queue
  request('release_floor', { user: speaking.user }).then(applySpeakers, () => {}).finally(() => {
    button.disabled = false;
  });
});

// -- votes -------------------------------------------------------------------------------

const CHOICE_LABELS = { yes: T.yes, no: T.no, abstain: T.abstain };

function renderVote() {
  const vote = state.vote;
  const open = $('#vote-open');
  open.hidden = !vote;
  $('#vote-none').hidden = Boolean(vote);
  const form = $('#vote-form');
  if (form) form.hidden = Boolean(vote) || state.status !== 'in_progress';
  const badge = $('#badge-vote');
  badge.hidden = !vote || vote.voted;
  badge.textContent = '!';
  if (!vote) return;
  $('#vote-kind').replaceChildren(
    h('span', { class: `badge ${vote.secret ? 'badge-warn' : 'badge-blue'}` }, vote.secret ? T.secret : T.public),
  );
  $('#vote-question').textContent = vote.question;
  renderTally();
  const present = state.attendance === 'present';
  const canVote = present && !vote.voted && state.status === 'in_progress';
  for (const button of $$('#vote-buttons .vote-btn')) {
    button.disabled = !canVote;
    const chosen = state.myChoice && state.myChoice.vote_id === vote.vote_id && state.myChoice.choice === button.dataset.choice;
    button.classList.toggle('is-chosen', Boolean(chosen && vote.voted));
  }
  const note = $('#vote-note');
  let text = '';
  if (vote.voted) {
    const mine = state.myChoice && state.myChoice.vote_id === vote.vote_id ? state.myChoice.choice : null;
    text = mine ? `${T.voted} ${fmt(T.votedChoice, { choice: CHOICE_LABELS[mine] })}` : T.voted;
  } else if (!present) {
    text = T.notPresent;
  }
  note.hidden = !text;
  note.textContent = text;
  note.classList.toggle('is-done', Boolean(vote.voted));
}

function renderTally() {
  const vote = state.vote;
  if (!vote) return;
  const eligible = Number(vote.eligible) || 0;
  $('#vote-tally-text').textContent = fmt(T.tally, { cast: vote.cast, eligible });
  $('#vote-tally-meter').style.width = `${eligible ? Math.min(100, (vote.cast / eligible) * 100) : 0}%`;
}

for (const button of $$('#vote-buttons .vote-btn')) {
  button.addEventListener('click', () => {
    const vote = state.vote;
    if (!vote || vote.voted) return;
    const choice = button.dataset.choice;
    $$('#vote-buttons .vote-btn').forEach((b) => (b.disabled = true));
    button.classList.add('is-sending');
    request('cast_vote', { vote_id: vote.vote_id, choice })
      .then((ack) => {
        if (!state.vote || state.vote.vote_id !== vote.vote_id) return;
        state.myChoice = { vote_id: vote.vote_id, choice };
        state.vote.voted = true;
        state.vote.cast = ack.cast;
        state.vote.eligible = ack.eligible;
      })
      .catch((err) => {
        if (err && err.code === 'already_voted' && state.vote) state.vote.voted = true;
      })
      .finally(() => {
        button.classList.remove('is-sending');
        renderVote();
      });
  });
}

const voteForm = $('#vote-form');
if (voteForm) {
  voteForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const question = $('#vote-question-input').value.trim();
    if (!question) {
      $('#vote-question-input').focus();
      return;
    }
    const submit = $('#vote-open-submit');
    submit.disabled = true;
    request('open_vote', {
      question,
      secret: $('#vote-secret-input').checked,
      agenda_item_id: state.agendaItemId,
    })
      .then((ack) => {
        voteForm.reset();
        onVoteOpened(ack, { fromMe: true });
      })
      .catch(() => {})
      .finally(() => {
        submit.disabled = false;
      });
  });
}

const closeButton = $('#vote-close');
let closeArmed = null;
if (closeButton) {
  const label = closeButton.textContent;
  const disarm = () => {
    clearTimeout(closeArmed);
    closeArmed = null;
    closeButton.classList.remove('is-armed');
    closeButton.textContent = label;
  };
  closeButton.addEventListener('click', () => {
    if (!state.vote) return;
    if (!closeArmed) {
      closeButton.classList.add('is-armed');
      closeButton.textContent = T.confirmClose;
      closeArmed = setTimeout(disarm, 4000);
      return;
    }
    disarm();
    closeButton.disabled = true;
    request('close_vote', { vote_id: state.vote.vote_id })
      .then((ack) => onVoteClosed(ack, { quiet: true }))
      .catch(() => {})
      .finally(() => {
        closeButton.disabled = false;
      });
  });
}

function onVoteOpened(payload, { fromMe = false } = {}) {
  if (state.vote && state.vote.vote_id === payload.vote_id) return;
  state.vote = {
    vote_id: payload.vote_id,
    question: payload.question,
    secret: payload.secret,
    cast: 0,
    eligible: state.presence.present,
    voted: false,
  };
  renderVote();
  if (!fromMe && !ME.is_chair) {
    toast(T.voteOpened, 'info');
    openTab('vote');
  }
}

function onVoteClosed(result, { quiet = false } = {}) {
  if (state.results.some((r) => r.vote_id === result.vote_id)) {
    if (state.vote && state.vote.vote_id === result.vote_id) state.vote = null;
    renderVote();
    return;
  }
  if (state.vote && state.vote.vote_id === result.vote_id) state.vote = null;
  state.results.unshift(result);
  renderVote();
  renderResults();
  if (!quiet) toast(fmt(T.voteClosed, { result: result.passed ? T.passed : T.notPassed }), result.passed ? 'ok' : 'info');
}

function resultCard(result, latest) {
  const eligible = Number(result.eligible) || 0;
  const notVoted = Math.max(0, eligible - result.yes - result.no - result.abstain);
  const row = (key, label, count) =>
    h(
      'div',
      { class: `result-row result-${key}` },
      h('span', { class: 'result-label' }, label),
      h('span', { class: 'result-bar' }, h('span', { style: `width:${eligible ? (count / eligible) * 100 : 0}%` })),
      h('strong', { class: 'result-count', dataset: { count: String(count) } }, String(count)),
    );
  return h(
    'article',
    { class: `result-card${latest ? ' is-latest' : ''}`, dataset: { vote: String(result.vote_id), passed: result.passed ? '1' : '0' } },
    h(
      'header',
      { class: 'result-head' },
      h('span', { class: `result-verdict ${result.passed ? 'is-passed' : 'is-failed'}` }, result.passed ? T.passed : T.notPassed),
      result.secret ? h('span', { class: 'badge badge-warn' }, T.secret) : null,
    ),
    h('p', { class: 'result-question' }, result.question),
    h(
      'div',
      { class: 'result-rows' },
      row('yes', T.yes, result.yes),
      row('no', T.no, result.no),
      row('abstain', T.abstain, result.abstain),
      notVoted ? row('none', T.notVoted, notVoted) : null,
    ),
    h('small', { class: 'result-foot' }, fmt(T.eligible, { n: eligible })),
  );
}

function renderResults() {
  const box = $('#vote-results');
  box.hidden = state.results.length === 0;
  $('#vote-results-list').replaceChildren(...state.results.map((r, i) => resultCard(r, i === 0)));
}

async function loadResults() {
  try {
    const response = await fetch(config.urls.record, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (!response.ok) return;
    const record = await response.json();
    state.results = (record.votes || []).filter((v) => v.status === 'closed').reverse();
    renderResults();
  } catch {
    /* the list of past results is a convenience: try again on the next (re)join */
  }
}

// -- attendance --------------------------------------------------------------------------

/** The whole list (join ack) or one participant's change plus the counts (presence_changed). */
function applyPresence(presence) {
  if (!presence) return;
  if (Array.isArray(presence.participants)) {
    state.presence = { participants: presence.participants, present: presence.present, total: presence.total };
  } else {
    const list = state.presence.participants.slice();
    if (presence.user) {
      const { present, total, ...person } = presence;
      const i = list.findIndex((p) => p.user === person.user);
      if (i >= 0) list[i] = { ...list[i], ...person };
      else list.push(person);
    }
    state.presence = {
      participants: list,
      present: presence.present ?? state.presence.present,
      total: presence.total ?? state.presence.total,
    };
  }
  presence = state.presence;
  const mine = presence.participants.find((p) => p.user === ME.user);
  if (mine) state.attendance = mine.attendance;
  renderPresence();
  renderVote();
}

const openAbsenceForms = new Set();
function renderPresence() {
  const { participants, present, total } = state.presence;
  const online = participants.filter((p) => p.online).length;
  $('#attendance-summary').replaceChildren(
    h('div', { class: 'summary-big' }, h('strong', {}, `${present}`), h('span', {}, `/${total}`)),
    h('div', { class: 'summary-text' }, h('strong', {}, fmt(T.presentCount, { present, total })), h('small', {}, fmt(T.onlineCount, { n: online }))),
  );
  const badge = $('#badge-attendance');
  badge.hidden = !total;
  badge.textContent = `${present}/${total}`;

  const list = $('#people-list');
  const rows = participants.map((p) => {
    const attendanceBadge = {
      present: h('span', { class: 'badge badge-ok' }, T.present),
      absent: h('span', { class: 'badge badge-red' }, T.absent),
    }[p.attendance] || h('span', { class: 'badge' }, T.invited);
    const actions = ME.can_manage
      ? h(
          'div',
          { class: 'person-actions' },
          p.attendance !== 'present'
            ? h('button', { type: 'button', class: 'btn btn-sm btn-ok-outline', onclick: () => markAttendance(p.user, 'present') }, T.markPresent)
            : null,
          p.attendance !== 'absent'
            ? h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-sm',
                  onclick: () => {
                    openAbsenceForms.add(p.user);
                    renderPresence();
                    $(`#absence-${CSS.escape(p.user)} input`)?.focus();
                  },
                },
                T.markAbsent,
              )
            : null,
        )
      : null;
    const form =
      ME.can_manage && openAbsenceForms.has(p.user)
        ? h(
            'form',
            {
              class: 'absence-form',
              id: `absence-${p.user}`,
              onsubmit: (e) => {
                e.preventDefault();
                const reason = e.currentTarget.querySelector('input').value.trim();
                if (!reason) {
                  e.currentTarget.querySelector('input').focus();
                  return;
                }
                markAttendance(p.user, 'absent', reason).then(() => {
                  openAbsenceForms.delete(p.user);
                  renderPresence();
                }, () => {});
              },
            },
            h('input', { class: 'input', name: 'reason', required: true, maxlength: '500', placeholder: T.reasonPlaceholder, 'aria-label': T.reasonPlaceholder }),
            h('button', { type: 'submit', class: 'btn btn-sm btn-primary' }, T.save),
            h('button', { type: 'button', class: 'btn btn-sm btn-ghost', onclick: () => { openAbsenceForms.delete(p.user); renderPresence(); } }, T.cancel),
          )
        : null;
    return h(
      'li',
      { class: `person${p.user === ME.user ? ' is-me' : ''}`, dataset: { user: p.user, attendance: p.attendance, online: p.online ? '1' : '0' } },
      h('span', { class: `person-avatar${p.online ? ' is-online' : ''}`, 'aria-hidden': 'true' }, initials(p.name)),
      h(
        'div',
        { class: 'person-body' },
        h('strong', { class: 'person-name' }, p.user === ME.user ? `${p.name} (${T.you})` : p.name),
        h('span', { class: 'person-meta' }, roleLabel(p.role)),
        p.attendance === 'absent' && p.absence_reason ? h('small', { class: 'person-reason' }, fmt(T.reason, { reason: p.absence_reason })) : null,
        h('span', { class: 'person-badges' }, attendanceBadge, p.online ? h('span', { class: 'badge badge-blue' }, T.online) : null),
      ),
      actions,
      form,
    );
  });
  list.replaceChildren(...rows);
}

function markAttendance(user, status, reason = null) {
  return request('mark_attendance', { user, status, reason });
}

// -- private notes -----------------------------------------------------------------------

const notes = (() => {
  const area = $('#note-text');
  const label = $('#note-label');
  const status = $('#note-status');
  const byDoc = new Map(); // document id -> Promise<{page: text}>
  const loaded = new Map(); // document id -> {page: text}
  let current = null; // {documentId, page}
  let dirty = null; // {documentId, page, text}
  let timer = null;

  label.textContent = T.notesNoPage;

  function url(documentId, page) {
    const base = config.urls.notes.replace('{id}', String(documentId));
    return page == null ? base : `${base}/${page}`;
  }

  function fetchNotes(documentId) {
    if (!byDoc.has(documentId)) {
      const promise = fetch(url(documentId), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then((r) => (r.ok ? r.json() : {}))
        .then((data) => {
          loaded.set(documentId, data || {});
          return loaded.get(documentId);
        })
        .catch(() => {
          byDoc.delete(documentId);
          return {};
        });
      byDoc.set(documentId, promise);
    }
    return byDoc.get(documentId);
  }

  async function save() {
    clearTimeout(timer);
    const note = dirty;
    if (!note) return;
    dirty = null;
    setStatus('saving');
    try {
      const response = await fetch(url(note.documentId, note.page), {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRFToken': csrfToken },
        body: JSON.stringify({ text: note.text }),
      });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        if (body && body.error) toast(body.error.message, 'error');
        throw new Error(String(response.status));
      }
      const notesOfDoc = loaded.get(note.documentId);
      if (notesOfDoc) notesOfDoc[String(note.page)] = note.text;
      if (!dirty) setStatus('saved');
    } catch {
      if (!dirty) dirty = note; // keep it for the next try
      setStatus('failed');
      timer = setTimeout(save, 5000);
    }
  }

  function setStatus(kind) {
    status.dataset.state = kind || '';
    status.textContent = { saving: T.saving, saved: T.saved, failed: T.saveFailed }[kind] || '';
  }

  async function show(documentId, page) {
    if (current && current.documentId === documentId && current.page === page) return;
    if (dirty) save();
    current = { documentId, page };
    const doc = M.documents.find((d) => d.id === documentId);
    label.textContent = fmt(T.notesFor, { page, title: doc ? doc.title : '' });
    area.disabled = true;
    const data = await fetchNotes(documentId);
    if (!current || current.documentId !== documentId || current.page !== page) return;
    area.value = data[String(page)] || '';
    area.disabled = false;
    setStatus(null);
  }

  area.addEventListener('input', () => {
    if (!current) return;
    dirty = { ...current, text: area.value };
    setStatus(null);
    clearTimeout(timer);
    timer = setTimeout(save, NOTE_SAVE_DELAY_MS);
  });
  area.addEventListener('blur', () => dirty && save());
  window.addEventListener('pagehide', () => dirty && save());
  socket.on('connect', () => dirty && save());

  return { show };
})();

// -- tabs (a side panel on tablets, a bottom sheet on phones) ------------------------------

const room = document.getElementById('room');
const phoneQuery = window.matchMedia('(max-width: 640px)');

function openTab(name, { toggle = false } = {}) {
  const already = room.dataset.tab === name;
  room.dataset.tab = name;
  for (const tab of $$('.room-tab')) {
    const active = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', active ? 'true' : 'false');
    tab.tabIndex = active ? 0 : -1;
  }
  for (const panel of $$('.room-panel')) panel.hidden = panel.id !== `panel-${name}`;
  $('#room-sheet-title').textContent = $(`#panel-${name}`).dataset.title;
  if (phoneQuery.matches) {
    room.dataset.sheet = toggle && already && room.dataset.sheet === 'open' ? 'closed' : 'open';
  }
}

for (const tab of $$('.room-tab')) {
  tab.addEventListener('click', () => openTab(tab.dataset.tab, { toggle: true }));
}
$('.room-tabs').addEventListener('keydown', (e) => {
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
  const tabs = $$('.room-tab');
  const i = tabs.findIndex((t) => t.dataset.tab === room.dataset.tab);
  const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
  e.preventDefault();
  e.stopPropagation();
  openTab(next.dataset.tab);
  next.focus();
});
$('#room-sheet-close').addEventListener('click', () => {
  room.dataset.sheet = 'closed';
});
$('#room-side').addEventListener('click', (e) => {
  if (e.target === e.currentTarget) room.dataset.sheet = 'closed'; // the dimmed backdrop
});
openTab('agenda');
room.dataset.sheet = 'closed';

// -- events from the room ----------------------------------------------------------------

socket.on('page_changed', (payload) => {
  const head = pendingOwnTurns[0];
  if (payload.by === ME.user && head && head.documentId === payload.document_id && head.page === payload.page) {
    pendingOwnTurns.shift(); // the echo of our own turn: already on screen
    liveDoc.remote = { documentId: payload.document_id, page: payload.page };
    return;
  }
  liveDoc.followRemote(payload.document_id, payload.page);
});
socket.on('presenter_changed', (payload) => setPresenter(payload.presenter, payload.name));
socket.on('agenda_item_changed', (payload) => {
  const changed = payload.agenda_item_id !== state.agendaItemId;
  state.agendaItemId = payload.agenda_item_id;
  renderAgenda();
  if (changed) toast(fmt(T.agendaChanged, { title: payload.title }), 'info');
});
socket.on('speakers_changed', applySpeakers);
socket.on('vote_opened', (payload) => onVoteOpened(payload));
socket.on('vote_tally', (payload) => {
  if (!state.vote || state.vote.vote_id !== payload.vote_id) return;
  state.vote.cast = payload.cast;
  state.vote.eligible = payload.eligible;
  renderTally();
});
socket.on('vote_closed', (payload) => onVoteClosed(payload));
socket.on('presence_changed', applyPresence);
socket.on('meeting_status_changed', (payload) => {
  const before = state.status;
  state.status = payload.status;
  renderStatus();
  renderVote();
  if (before !== 'in_progress' && payload.status === 'in_progress') {
    toast(T.statusStarted, 'ok');
    join(); // joining an open meeting checks the participant in
  }
});

loadResults();

// messages flashed by the server (e.g. after the door QR check-in) become toasts
for (const flash of $$('.content > .flash')) {
  toast(flash.textContent.trim(), flash.classList.contains('flash-error') ? 'error' : 'ok', 6000);
  flash.remove();
}

// for tests, benchmarks and the curious: the room's socket and viewer
window.sohoaRoom = { socket, liveDoc, state };
