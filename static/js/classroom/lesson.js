/**
 * The live lesson (tiết học trực tuyến) over the /classroom namespace: slides that follow the
 * teacher (the shared LiveDocument), the whiteboard layer, polls, raised hands, attendance.
 * On every (re)connection the page joins again and applies the state the ack returns
 * (current slide, its strokes, the open poll): a weak link only costs the small events.
 */
import { LiveDocument } from '../live-document.js';
import { Board } from './board.js';
import { setupWork } from './lesson-manage.js';

const CONFIG = JSON.parse(document.getElementById('lesson-config').textContent);
const T = CONFIG.strings;
const L = CONFIG.lesson;
const TEACHER = CONFIG.me.teacher;
const $ = (sel, root = document) => root.querySelector(sel);
const fmt = (s, v) => String(s).replace(/\{(\w+)\}/g, (m, k) => (k in v ? v[k] : m));
const root = $('#lesson');
const state = { poll: null, results: null, mine: null, pen: null, me: null, status: L.status, hands: [],
  slide: null, group: null, groups: { active: false, groups: [] }, viewing: null };

const socket = window.io('/classroom', { transports: ['websocket'], reconnectionDelay: 1000, reconnectionDelayMax: 5000 });

function toast(text, kind = 'info') {
  const node = document.createElement('div');
  node.className = `lesson-toast toast-${kind}`;
  node.textContent = text;
  $('#lesson-toasts').append(node);
  setTimeout(() => node.remove(), 4000);
}

// a refusal rejects with its code and details; a form shows it itself (quiet), else a toast
function request(event, data = {}, { quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    socket.timeout(10000).emit(event, { lesson_id: L.id, ...data }, (err, ack) => {
      if (err || !ack || !ack.ok) {
        const refusal = (ack && ack.error) || { message: T.offline };
        if (!quiet) toast(refusal.message, 'error');
        reject(Object.assign(new Error(refusal.message), { code: refusal.code, details: refusal.details }));
      } else resolve(ack);
    });
  });
}

// -- slides and board -----------------------------------------------------------------------
const liveDoc = new LiveDocument({
  container: $('#live-document'),
  strings: T,
  fit: 'page',
  onUserPageChange: (documentId, page) => { if (TEACHER && board.group != null) showMain(false); if (TEACHER) request('change_page', { document_id: documentId, page }).then((ack) => board.setPage(ack.document_id, ack.page, ack.strokes)).catch(() => {}); },
  onPageShown: () => board.place(),
});
liveDoc.addDocuments(L.materials);
const board = new Board({
  liveDoc,
  onBatch: (batch) => request('draw_stroke', batch).catch(() => {}),
});

function canDraw() {
  if (state.status !== 'live') return false;
  if (TEACHER || (!TEACHER && state.group)) return true;
  return Boolean(state.pen && state.me && state.pen.user === state.me.user);
}
function renderTools() {
  const on = canDraw();
  $('#board-tools').hidden = !on;
  board.setEnabled(on);
}
document.querySelectorAll('[data-tool]').forEach((b) => b.addEventListener('click', () => {
  board.tool = b.dataset.tool;
  document.querySelectorAll('[data-tool]').forEach((o) => o.setAttribute('aria-pressed', String(o === b)));
}));
document.querySelectorAll('[data-color]').forEach((b) => b.addEventListener('click', () => {
  board.color = b.dataset.color;
  document.querySelectorAll('[data-color]').forEach((o) => o.setAttribute('aria-pressed', String(o === b)));
}));
$('#board-undo').addEventListener('click', () => request('undo_stroke').then((ack) => board.remove(ack.stroke)).catch(() => {}));
const clearButton = $('#board-clear');
if (clearButton) {
  let armed = false;
  clearButton.addEventListener('click', () => {
    if (!armed) { armed = true; toast(T.clearConfirm); setTimeout(() => { armed = false; }, 3000); return; }
    armed = false;
    request('clear_board', { document_id: liveDoc.documentId, page: liveDoc.page }).catch(() => {});
  });
}

function showSlide(documentId, page, strokes) {
  if (documentId == null) return;
  state.slide = { documentId, page };
  board.setPage(documentId, page, strokes || []);
  if (TEACHER) liveDoc.setPresenter(true);
  if (board.group == null) liveDoc.followRemote(documentId, page);
}

// -- group work: a student sees their group's board; a teacher may look at any ---------------
function showBoard(group, strokes, label) {
  board.group = group.id;
  board.setPage(group.document_id, group.page, strokes || [], group.id);
  liveDoc.followRemote(group.document_id, group.page);
  $('#group-banner-text').textContent = label;
  $('#group-banner').hidden = false;
  renderTools();
}
function showMain(follow = true) {
  board.group = null;
  state.viewing = null;
  $('#group-banner').hidden = true;
  if (follow && state.slide) liveDoc.followRemote(state.slide.documentId, state.slide.page);
  board.render();
  renderTools();
}
function viewGroup(group) {
  request('view_group', { group_id: group.id }).then((ack) => {
    state.viewing = group.id;
    showBoard(group, ack.strokes, fmt(T.viewingGroup, { n: group.number }));
    work.renderGroups(state.groups);
  }).catch(() => {});
}
const work = TEACHER ? setupWork({ request, state, T, toast, fmt, W: CONFIG.work, viewGroup }) : null;
if ($('#group-view-main')) $('#group-view-main').addEventListener('click', () => { showMain(); work.renderGroups(state.groups); });
socket.on('groups_changed', (p) => {
  if (TEACHER) {
    work.renderGroups(p);
    if (board.group != null && !p.groups.some((g) => g.id === board.group)) showMain();
  } else join();  // a student learns their group (and its room) by joining again
});
socket.on('join_requests_changed', (p) => { if (work) work.renderRequests(p.requests); });

socket.on('page_changed', (p) => showSlide(p.document_id, p.page, p.strokes));
socket.on('stroke_drawn', (b) => board.add(b));
socket.on('stroke_undone', (p) => board.remove(p.stroke));
socket.on('board_cleared', (p) => board.clear(p.document_id, p.page));
socket.on('pen_changed', (p) => {
  state.pen = p.user ? p : null;
  renderTools();
  renderHands();
  if (p.user && state.me && p.user === state.me.user) toast(T.penYou, 'ok');
});

// -- polls ----------------------------------------------------------------------------------
function renderPoll() {
  const poll = state.poll;
  $('#poll-card').hidden = !poll;
  $('#poll-none').hidden = Boolean(poll);
  if (!poll) return;
  $('#poll-question').textContent = poll.question;
  const open = poll.status === 'open';
  $('#poll-meta').textContent = state.results ? fmt(T.answered, state.results) : '';
  const options = $('#poll-options');
  options.replaceChildren();
  const short = poll.kind === 'short';
  $('#poll-short').hidden = !short || TEACHER || !open || Boolean(state.mine);
  const chosen = new Set(state.mine || []);
  poll.options.forEach((text, i) => {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'poll-option';
    b.dataset.index = String(i);
    b.innerHTML = '<b></b><span></span>';
    b.firstChild.textContent = String.fromCharCode(65 + i);
    b.lastChild.textContent = text;
    b.disabled = TEACHER || !open || Boolean(state.mine);
    if (chosen.has(String(i))) b.classList.add('chosen');
    if (poll.correct && poll.correct.includes(String(i))) b.classList.add('correct');
    if (poll.kind === 'multiple') b.setAttribute('aria-pressed', 'false');
    b.addEventListener('click', () => pick(b, i));
    options.append(b);
  });
  if (poll.kind === 'multiple' && !TEACHER && open && !state.mine) {
    const send = document.createElement('button');
    send.type = 'button'; send.className = 'btn btn-primary btn-block'; send.textContent = '✓';
    send.addEventListener('click', () => answer([...options.querySelectorAll('[aria-pressed="true"]')].map((n) => n.dataset.index)));
    options.append(send);
  }
  const note = $('#poll-note');
  note.hidden = !(state.mine || !open);
  note.textContent = !open ? T.closed : T.yourAnswer;
  if (poll.correct && short) note.textContent = `${T.correct}: ${poll.correct.join(', ')}`;
  renderHistogram();
}

function renderHistogram() {
  const h = $('#histogram');
  h.replaceChildren();
  const r = state.results;
  if (!r || !state.poll) return;
  const rows = r.counts ? state.poll.options.map((t, i) => [String.fromCharCode(65 + i), r.counts[i], state.poll.correct && state.poll.correct.includes(String(i))])
    : (r.answers || []).map((a) => [a.text, a.count, state.poll.correct && state.poll.correct.includes(a.text)]);
  const top = Math.max(1, ...rows.map((x) => x[1]));
  for (const [label, n, right] of rows) {
    const row = document.createElement('div');
    row.className = `bar${right ? ' bar-correct' : ''}`;
    row.innerHTML = '<span class="bar-label"></span><span class="bar-track"><span class="bar-fill"></span></span><b class="bar-n"></b>';
    row.querySelector('.bar-label').textContent = label;
    row.querySelector('.bar-fill').style.width = `${(100 * n) / top}%`;
    row.querySelector('.bar-n').textContent = String(n);
    h.append(row);
  }
  h.dataset.answered = String(r.answered);
}

function pick(button, index) {
  if (state.poll.kind === 'multiple') {
    button.setAttribute('aria-pressed', String(button.getAttribute('aria-pressed') !== 'true'));
    return;
  }
  answer([String(index)]);
}
function answer(choice) {
  request('answer_poll', { poll_id: state.poll.poll_id, answer: choice })
    .then((ack) => { state.mine = ack.answer; renderPoll(); }).catch(() => {});
}
$('#poll-short').addEventListener('submit', (e) => { e.preventDefault(); const text = $('#poll-short-text').value.trim(); if (text) answer([text]); });

socket.on('poll_opened', (p) => { state.poll = p; state.mine = null; state.results = null; renderPoll(); switchPanel('poll'); });
socket.on('poll_results', (r) => { if (state.poll && r.poll_id === state.poll.poll_id) { state.results = r; renderPoll(); } });
socket.on('poll_closed', (p) => { state.poll = p; state.results = p.results; renderPoll(); });
socket.on('poll_revealed', (p) => { state.poll = p; state.results = p.results; renderPoll(); });

if (TEACHER) {
  const kind = $('#poll-kind');
  kind.addEventListener('change', () => { $('#poll-options-field').hidden = ['true_false', 'short'].includes(kind.value); });
  const pollForm = $('#poll-form');
  pollForm.addEventListener('submit', (e) => {
    e.preventDefault();
    window.Sohoa.forms.clearErrors(pollForm);
    const k = kind.value;
    const correctText = $('#poll-correct').value.trim();
    const correct = !correctText ? [] : k === 'short' ? correctText.split(',').map((s) => s.trim()).filter(Boolean)
      : correctText.split(',').map((s) => String(Number(s.trim()) - 1));
    const data = { kind: k, question: $('#poll-text').value.trim(), correct,
      options: $('#poll-options-text').value.split('\n').map((s) => s.trim()).filter(Boolean) };
    const seconds = Number($('#poll-seconds').value);
    if (seconds) data.seconds = seconds;
    request('open_poll', data, { quiet: true })
      .then((ack) => { state.poll = ack; state.results = null; renderPoll(); pollForm.reset(); })
      // every field named marked and listed, the first focused (static/js/form-errors.js)
      .catch((err) => window.Sohoa.forms.showErrors(pollForm, err));
  });
  $('#poll-close').addEventListener('click', () => request('close_poll', { poll_id: state.poll.poll_id }).catch(() => {}));
  $('#poll-reveal').addEventListener('click', () => request('reveal_poll', { poll_id: state.poll.poll_id }).catch(() => {}));
}

// -- hands ----------------------------------------------------------------------------------
function renderHands() {
  const list = $('#hand-list');
  list.replaceChildren();
  for (const h of state.hands) {
    const li = document.createElement('li');
    li.innerHTML = '<span class="hand-name"></span>';
    li.firstChild.textContent = state.me && h.user === state.me.user ? `${h.name} (${T.you})` : h.name;
    if (TEACHER) {
      const call = document.createElement('button');
      call.className = 'btn btn-sm btn-primary'; call.textContent = T.call;
      call.addEventListener('click', () => request('lower_hand', { user: h.user }).catch(() => {}));
      const pen = document.createElement('button');
      const holds = state.pen && state.pen.user === h.user;
      pen.className = 'btn btn-sm'; pen.textContent = holds ? T.takePen : T.givePen;
      pen.addEventListener('click', () => request('give_pen', holds ? {} : { user: h.user }).catch(() => {}));
      li.append(call, pen);
    }
    list.append(li);
  }
  $('#hands-none').hidden = state.hands.length > 0;
  $('#hands-count').textContent = String(state.hands.length);
  const mine = state.me && state.hands.some((h) => h.user === state.me.user);
  if ($('#hand-raise')) { $('#hand-raise').hidden = mine; $('#hand-lower').hidden = !mine; }
}
socket.on('hands_changed', (p) => { state.hands = p.queue; renderHands(); });
if ($('#hand-raise')) {
  $('#hand-raise').addEventListener('click', () => request('raise_hand').then(() => toast(T.handRaised, 'ok')).catch(() => {}));
  $('#hand-lower').addEventListener('click', () => request('lower_hand').catch(() => {}));
}

// -- attendance (teacher) ------------------------------------------------------------------
function renderAttendance(students) {
  const list = $('#attendance-list');
  if (!list || !students) return;
  list.replaceChildren();
  const count = { present: 0, late: 0, left_early: 0, absent: 0 };
  for (const s of students) {
    count[s.status] += 1;
    const li = document.createElement('li');
    li.className = `att att-${s.status}`;
    li.innerHTML = '<span class="att-dot"></span><span class="att-name"></span><select class="input att-status"></select>';
    li.querySelector('.att-dot').classList.toggle('online', s.online);
    li.querySelector('.att-name').textContent = s.name;
    const select = li.querySelector('select');
    for (const k of ['present', 'late', 'left_early', 'absent']) {
      const o = new Option(T[k], k, false, k === s.status); select.append(o);
    }
    select.disabled = !s.user;
    select.addEventListener('change', () => request('mark_attendance', { user: s.user, status: select.value }).catch(() => {}));
    list.append(li);
  }
  $('#attendance-summary').textContent = fmt(T.summary, { present: count.present + count.late, total: students.length, late: count.late, left: count.left_early });
}
socket.on('attendance_changed', (p) => renderAttendance(p.students));

// -- lesson status, panels, connection ------------------------------------------------------
function renderStatus() {
  root.dataset.status = state.status;
  $('#lesson-status').textContent = T[state.status] || '';
  $('#lesson-status').dataset.status = state.status;
  renderTools();
}
socket.on('lesson_status_changed', (p) => { state.status = p.status; renderStatus(); if (p.status === 'live') join(); });
if (TEACHER) {
  $('#lesson-start').addEventListener('click', () => window.Sohoa.api.post(L.start).then(() => { state.status = 'live'; renderStatus(); join(); }).catch((e) => toast(e.message, 'error')));
  $('#lesson-end').addEventListener('click', () => window.Sohoa.api.post(L.end).then(() => { state.status = 'ended'; renderStatus(); }).catch((e) => toast(e.message, 'error')));
}

function switchPanel(name) {
  root.dataset.panel = name;
  document.querySelectorAll('.side-tab').forEach((t) => t.setAttribute('aria-selected', String(t.dataset.panel === name)));
}
document.querySelectorAll('.side-tab').forEach((t) => t.addEventListener('click', () => switchPanel(t.dataset.panel)));
switchPanel('poll');

function setConnection(kind) {
  const c = $('#lesson-conn');
  c.dataset.state = kind;
  $('.label', c).textContent = T[kind];
}

function applyState(s) {
  state.me = s.me; state.status = s.status; state.pen = s.pen; state.hands = s.hands.queue;
  board.prefix = String(s.me.id);
  state.poll = s.poll; state.mine = s.poll ? s.poll.mine : null; state.results = s.poll ? s.poll.results : null;
  renderStatus(); renderPoll(); renderHands(); renderAttendance(s.attendance);
  if (s.document_id != null) showSlide(s.document_id, s.page, s.strokes);
  state.group = s.group;
  if (work) work.applyState(s);
  if (s.group) showBoard(s.group, s.group.strokes, fmt(T.yourGroup, { n: s.group.number }));
  else if (!TEACHER && board.group != null) showMain();
  renderTools();
}

function join() {
  request('join').then((ack) => { setConnection('connected'); applyState(ack); }).catch(() => setConnection('offline'));
}
socket.on('connect', join);
socket.on('disconnect', () => setConnection('reconnecting'));
socket.on('connect_error', () => setConnection(socket.active ? 'reconnecting' : 'offline'));

window.sohoaLesson = { socket, liveDoc, board, state };
