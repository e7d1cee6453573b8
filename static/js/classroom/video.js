/**
 * Video in the live lesson (video lớp học): the teacher's camera (640×360) to the whole
 * class; a student called on by the teacher sends camera and microphone and everyone sees
 * and hears them. The media is the lesson's class conference: signaling over the
 * /conference namespace with the join token of the lesson's video pass, media through the
 * server's hub (conference-media.js). The lesson works without it: a student on a weak link
 * switches the video off ("Tắt video") and keeps the slides, the board and the polls.
 */
import { SIZES, openMedia, publishTo, receiveFrom, receivedVideo } from '../conference-media.js';

const CFG = JSON.parse(document.getElementById('lesson-video-config').textContent);
const T = CFG.texts;
const TEACHER = CFG.teacher;
const ICE = [];
const OFF_KEY = `sohoa.lessonVideo.off.${CFG.lesson_id}`;
const ROOT = document.getElementById('lesson-video');
const $ = (id) => document.getElementById(id);
const fmt = (s, v) => String(s).replace(/\{(\w+)\}/g, (m, k) => (k in v ? v[k] : m));
const state = {
  active: false, pass: null, joined: false, floor: null, hands: [], names: {}, users: {},
  stream: null, publisher: null, sending: false, receivers: new Map(), micOn: true,
  off: !TEACHER && window.localStorage.getItem(OFF_KEY) === '1',
};
let socket = null;

function lesson() { return window.sohoaLesson; }
function me() { return state.pass ? state.pass.site : null; }
function host() { return state.pass ? state.pass.conference.host : null; }

function toast(text, kind = 'info') {
  const box = document.getElementById('lesson-toasts');
  if (!box || !text) return;
  const node = document.createElement('div');
  node.className = `lesson-toast toast-${kind}`;
  node.textContent = text;
  box.append(node);
  setTimeout(() => node.remove(), 4000);
}

function note(text) {
  const el = $('lv-note');
  el.textContent = text || '';
  el.hidden = !text;
}

function request(event, data = {}) {
  return new Promise((resolve, reject) => {
    socket.timeout(15000).emit(event, data, (err, ack) => {
      if (err) reject(err);
      else if (!ack || !ack.ok) reject(new Error(ack && ack.error ? ack.error.message : 'error'));
      else resolve(ack);
    });
  });
}

/* ---- the panel -------------------------------------------------------------------------- */
function render() {
  const kind = !state.active ? 'none' : state.off ? 'off' : 'on';
  ROOT.dataset.state = kind;
  ROOT.hidden = !TEACHER && !state.active;
  if (kind === 'none') note(TEACHER ? T.teacherNone : '');
  else if (kind === 'off') note(T.off);
  const label = $('lv-floor');
  const floorName = state.floor ? (state.floor === me() ? T.you : state.names[state.floor]) : '';
  label.hidden = !floorName;
  label.textContent = floorName ? fmt(T.floor, { name: floorName }) : '';
  const call = $('lv-call');
  if (call) call.hidden = !(state.pass && state.pass.chair);
  renderCallList();
  arrange();
}

function setOpen(open) {
  ROOT.dataset.open = open ? '1' : '0';
  $('lv-toggle').setAttribute('aria-expanded', String(open));
  window.localStorage.setItem('sohoa.lessonVideo.open', open ? '1' : '0');
}

function tile(code) {
  let el = ROOT.querySelector(`.lv-tile[data-site="${CSS.escape(code)}"]`);
  if (el) return el;
  el = document.createElement('div');
  el.className = 'lv-tile';
  el.dataset.site = code;
  const video = document.createElement('video');
  video.autoplay = true; video.playsInline = true; video.muted = code === me();
  video.addEventListener('playing', () => el.classList.add('playing'));
  const wait = document.createElement('span');
  wait.className = 'lv-wait'; wait.textContent = T.waiting;
  const name = document.createElement('span');
  name.className = 'lv-name';
  name.textContent = code === me() ? T.you : state.names[code] || '';
  const sound = document.createElement('button');
  sound.type = 'button'; sound.className = 'lv-sound'; sound.textContent = `🔊 ${T.sound}`; sound.hidden = true;
  sound.addEventListener('click', () => { video.muted = false; sound.hidden = true; video.play().catch(() => {}); });
  el.append(video, wait, name, sound);
  $('lv-stage').append(el);
  return el;
}

function show(code, stream) {
  const el = tile(code);
  const video = el.querySelector('video');
  if (video.srcObject !== stream) {
    video.srcObject = stream;
    video.play().catch(() => {
      // the browser refuses sound before the user has touched the page: play muted, offer sound
      video.muted = true;
      el.querySelector('.lv-sound').hidden = code === me();
      video.play().catch(() => {});
    });
  }
}

function dropTile(code) {
  const el = ROOT.querySelector(`.lv-tile[data-site="${CSS.escape(code)}"]`);
  if (el) el.remove();
}

/** The main picture is the student on the floor (the teacher when that student is you);
 * the other picture sits in its corner. */
function arrange() {
  const tiles = [...ROOT.querySelectorAll('.lv-tile')];
  const speaker = state.floor !== me() ? state.floor : host();
  const main = tiles.find((t) => t.dataset.site === speaker) || tiles.find((t) => t.dataset.site === host()) || tiles[0];
  for (const el of tiles) {
    el.classList.toggle('pip', el !== main);
    el.classList.toggle('floor', el.dataset.site === state.floor);
    el.classList.toggle('self', el.dataset.site === me());
  }
  if (main) $('lv-stage').prepend(main);
}

/* ---- the teacher calls on a student ------------------------------------------------------ */
function renderCallList() {
  const select = $('lv-student');
  if (!select || !state.pass) return;
  const kept = select.value;
  select.replaceChildren(new Option(T.pick, ''));
  const raised = new Set(state.hands.map((h) => h.user));
  const students = state.pass.conference.sites.filter((s) => !s.host && s.user);
  const group = (label, list) => {
    if (!list.length) return;
    const g = document.createElement('optgroup');
    g.label = label;
    for (const s of list) g.append(new Option(s.name, s.code));
    select.append(g);
  };
  group(T.hands, state.hands.map((h) => students.find((s) => s.user === h.user)).filter(Boolean));
  group(T.everyone, students.filter((s) => !raised.has(s.user)));
  select.value = kept;
}

function callOn(code) {
  if (!code) return;
  request('give_floor', { site: code }).then(() => {
    $('lv-student').value = '';
    const user = state.users[code];
    if (state.hands.some((h) => h.user === user) && lesson()) {
      lesson().socket.emit('lower_hand', { lesson_id: CFG.lesson_id, user }, () => {});
    }
  }).catch((e) => toast(e.message, 'error'));
}

/* ---- media ----------------------------------------------------------------------------- */
async function startSending() {
  if (state.sending || state.publisher) return;
  state.sending = true;
  try {
    if (!state.stream) state.stream = await openMedia(SIZES.floor);
    setMic(state.micOn);
    show(me(), state.stream);
    tile(me()).classList.add('playing');
    state.publisher = await publishTo(state.stream, SIZES.floor, ICE, (sdp) => request('publish', { sdp }));
  } catch (err) {
    note(T[err.kind] || err.message || T.mediaFailed);
  } finally {
    state.sending = false;
    arrange();
  }
}

function stopSending() {
  if (state.publisher) state.publisher.close();
  state.publisher = null;
  if (state.stream) state.stream.getTracks().forEach((t) => t.stop());
  state.stream = null;
  dropTile(me());
}

function setMic(on) {
  state.micOn = on;
  if (state.stream) state.stream.getAudioTracks().forEach((t) => { t.enabled = on; });
  const btn = $('lv-mic');
  if (btn) { btn.textContent = on ? T.micOff : T.micOn; btn.setAttribute('aria-pressed', String(on)); }
}

function wanted() {
  if (!state.joined) return [];
  const list = state.pass.chair ? [state.floor] : [host(), state.floor];
  return [...new Set(list.filter((c) => c && c !== me()))];
}

async function receive(code) {
  tile(code);
  const pc = await receiveFrom(ICE, (sdp) => request('subscribe', { site: code, sdp }), (stream) => show(code, stream));
  state.receivers.set(code, pc);
}

function stopReceiving(code) {
  const pc = state.receivers.get(code);
  if (pc) pc.close();
  state.receivers.delete(code);
  dropTile(code);
}

async function syncReceivers() {
  const want = new Set(wanted());
  for (const code of [...state.receivers.keys()]) if (!want.has(code)) stopReceiving(code);
  for (const code of want) {
    if (!state.receivers.has(code)) await receive(code).catch((e) => toast(e.message, 'error'));
  }
  arrange();
}

async function syncSending() {
  const should = state.joined && (state.pass.chair || state.floor === me());
  if (should) await startSending();
  else if (state.publisher || state.stream) stopSending();
}

/* ---- signaling ------------------------------------------------------------------------- */
let queue = Promise.resolve();
/** Media steps run one after another (a pass, a floor change and a reconnection may cross). */
function serial(step) {
  queue = queue.then(step).catch((e) => note(e.message));
  return queue;
}

async function join() {
  if (!state.pass || state.off) return;
  const ack = await request('join', { conference_id: state.pass.conference_id, token: state.pass.token });
  state.joined = true;
  state.floor = ack.conference.floor;
  render();
  await syncSending();
  await syncReceivers();
}

/** The connection dropped: the server released this device's media; rebuild it on reconnect. */
function dropMedia() {
  state.joined = false;
  for (const code of [...state.receivers.keys()]) stopReceiving(code);
  if (state.publisher) state.publisher.close();
  state.publisher = null;
}

function openSocket() {
  if (socket) {
    // connecting already: the connect handler joins with the latest pass (a second connect
    // would open the namespace twice)
    if (socket.connected) serial(join);
    else if (!socket.active) socket.connect();
    return;
  }
  socket = window.io('/conference', { transports: ['websocket'], reconnectionDelay: 1000, reconnectionDelayMax: 5000 });
  socket.on('connect', () => serial(join));
  socket.on('disconnect', dropMedia);
  socket.on('floor_changed', ({ site }) => {
    const had = state.floor === me();
    state.floor = site;
    if (!state.pass.chair && had !== (site === me())) toast(site === me() ? T.called : T.uncalled, site === me() ? 'ok' : 'info');
    render();
    serial(async () => { await syncSending(); await syncReceivers(); });
  });
}

/** Leave the video (switched off, or stopped by the teacher): nothing is sent or received. */
function teardown() {
  dropMedia();
  stopSending();
  if (socket && socket.connected) socket.disconnect();
  $('lv-stage').replaceChildren();
}

async function refresh() {
  let pass;
  try {
    pass = await window.Sohoa.api.post(CFG.urls.pass);
  } catch (e) {
    note(e.message);
    return;
  }
  const was = state.active;
  state.active = pass.active;
  if (!pass.active) {
    if (was && !TEACHER) toast(T.ended);
    state.pass = null; state.floor = null;
    teardown();
    render();
    return;
  }
  state.pass = pass;
  state.names = Object.fromEntries(pass.conference.sites.map((s) => [s.code, s.name]));
  state.users = Object.fromEntries(pass.conference.sites.map((s) => [s.code, s.user]));
  state.floor = pass.conference.floor;
  note('');
  render();
  if (!state.off) openSocket();
}

/* ---- controls -------------------------------------------------------------------------- */
$('lv-toggle').addEventListener('click', () => setOpen(ROOT.dataset.open !== '1'));
const on = (id, handler) => { const el = $(id); if (el) el.addEventListener('click', handler); };
on('lv-start', () => window.Sohoa.api.post(CFG.urls.video).then(refresh).catch((e) => toast(e.message, 'error')));
on('lv-stop', () => window.Sohoa.api.del(CFG.urls.video).then(refresh).catch((e) => toast(e.message, 'error')));
on('lv-mic', () => setMic(!state.micOn));
on('lv-take', () => request('take_floor').catch((e) => toast(e.message, 'error')));
on('lv-off', () => { state.off = true; window.localStorage.setItem(OFF_KEY, '1'); teardown(); render(); });
on('lv-on', () => { state.off = false; window.localStorage.removeItem(OFF_KEY); note(''); render(); if (state.pass) openSocket(); });
const form = $('lv-call');
if (form) form.addEventListener('submit', (e) => { e.preventDefault(); callOn($('lv-student').value); });

function hookLesson() {
  const l = lesson();
  if (!l) { setTimeout(hookLesson, 50); return; }
  l.socket.on('video_changed', () => refresh());
  l.socket.on('connect', () => refresh());
  l.socket.on('hands_changed', (p) => { state.hands = p.queue || []; renderCallList(); });
  state.hands = (l.state && l.state.hands) || [];
  if (l.socket.connected) refresh();
}

setOpen(window.localStorage.getItem('sohoa.lessonVideo.open') !== '0');
render();
hookLesson();

window.sohoaVideo = {
  state,
  get socket() { return socket; },
  async framesFrom(code) { const pc = state.receivers.get(code); return pc ? receivedVideo(pc) : 0; },
};
