/**
 * The conference room (hội nghị truyền hình). The host site sees every site as a
 * thumbnail; a ward sees the host and whoever has the floor. Signaling goes over the
 * Socket.IO namespace /conference; media goes through the server's hub.
 */
import { SIZES, openMedia, publishTo, receiveFrom, receivedVideo, resize } from './conference-media.js';
import { setupRecording } from './conference-recording.js';

const CFG = JSON.parse(document.getElementById('conf-config').textContent);
const T = CFG.texts;
const C = CFG.conference;
const ME = CFG.site;
const IS_HOST = C.host === ME;
const ICE = [];
const $ = (id) => document.getElementById(id);
const state = { floor: C.floor, stream: null, publisher: null, receivers: new Map(), requested: new Set(), micOn: false, camOn: true };
const names = Object.fromEntries(C.sites.map((s) => [s.code, s.name]));

const socket = window.io('/conference', { transports: ['websocket'], reconnectionDelay: 1000, reconnectionDelayMax: 5000 });

function request(event, data = {}) {
  return new Promise((resolve, reject) => {
    socket.timeout(15000).emit(event, data, (err, ack) => {
      if (err) reject(err);
      else if (!ack || !ack.ok) reject(Object.assign(new Error(ack && ack.error ? ack.error.message : 'error'), { code: ack && ack.error && ack.error.code }));
      else resolve(ack);
    });
  });
}

function alertBox(text) {
  const box = $('conf-alert');
  box.textContent = text || '';
  box.hidden = !text;
}

function setStatus(text, ok) {
  const badge = $('conf-status');
  badge.textContent = text;
  badge.className = `badge ${ok ? 'badge-ok' : 'badge-warn'}`;
}

/* ---- tiles ---- */
function tile(code, place) {
  let el = document.querySelector(`.tile[data-site="${CSS.escape(code)}"]`);
  if (!el) {
    el = document.createElement('div');
    el.className = 'tile';
    el.dataset.site = code;
    const video = document.createElement('video');
    video.autoplay = true; video.playsInline = true;
    video.muted = code === ME;
    video.addEventListener('playing', () => el.classList.add('playing'));
    const wait = document.createElement('div');
    wait.className = 'tile-wait'; wait.textContent = T.waiting;
    const label = document.createElement('div');
    label.className = 'tile-label';
    label.innerHTML = '<span class="dot"></span><span class="tile-name"></span>';
    label.querySelector('.tile-name').textContent = code === ME ? `${names[code]} (${T.you})` : names[code];
    el.append(video, wait, label);
    if (CFG.chair && code !== C.host && code !== ME) {
      const give = document.createElement('button');
      give.type = 'button'; give.className = 'btn btn-sm give'; give.textContent = T.giveFloor;
      give.addEventListener('click', () => request('give_floor', { site: code }).catch((e) => alertBox(e.message)));
      el.append(give);
    }
  }
  if (place && el.parentElement !== place) place.append(el);
  return el;
}

function show(code, stream, place) {
  const el = tile(code, place);
  const video = el.querySelector('video');
  if (video.srcObject !== stream) video.srcObject = stream;
  return el;
}

function markFloor() {
  document.querySelectorAll('.tile').forEach((el) => {
    el.classList.toggle('floor', el.dataset.site === state.floor);
    el.classList.toggle('requested', state.requested.has(el.dataset.site));
  });
}

/* ---- media ---- */
async function startCamera() {
  const size = IS_HOST || state.floor === ME ? SIZES.floor : SIZES.thumb;
  try {
    state.stream = await openMedia(size);
  } catch (err) {
    alertBox(T[err.kind] || T.mediaFailed);
    $('btn-mic').disabled = true; $('btn-cam').disabled = true;
    return;
  }
  setMic(IS_HOST);
  show(ME, state.stream, IS_HOST ? $('conf-main') : $('conf-grid')).classList.add('self', 'playing');
}

async function publish() {
  if (!state.stream || state.publishing) return;
  state.publishing = true;
  try {
    if (state.publisher) state.publisher.close();
    const size = IS_HOST || state.floor === ME ? SIZES.floor : SIZES.thumb;
    state.publisher = await publishTo(state.stream, size, ICE, (sdp) => request('publish', { sdp }));
  } finally {
    state.publishing = false;
  }
}

async function receive(code) {
  const old = state.receivers.get(code);
  if (old) old.close();
  const place = IS_HOST ? $('conf-grid') : $('conf-main');
  tile(code, place);
  const pc = await receiveFrom(ICE, (sdp) => request('subscribe', { site: code, sdp }), (stream) => show(code, stream, place));
  state.receivers.set(code, pc);
}

function stopReceiving(code) {
  const pc = state.receivers.get(code);
  if (pc) pc.close();
  state.receivers.delete(code);
  const el = document.querySelector(`.tile[data-site="${CSS.escape(code)}"]`);
  if (el) el.remove();
}

function wanted() {
  if (IS_HOST) return C.sites.map((s) => s.code).filter((c) => c !== ME);
  return [C.host, state.floor].filter((c) => c && c !== ME);
}

async function syncReceivers() {
  const want = new Set(wanted());
  for (const code of [...state.receivers.keys()]) if (!want.has(code)) stopReceiving(code);
  for (const code of want) {
    if (!state.receivers.has(code)) await receive(code).catch((e) => alertBox(e.message));
  }
  markFloor();
}

function setMic(on) {
  state.micOn = on;
  if (state.stream) state.stream.getAudioTracks().forEach((t) => { t.enabled = on; });
  const btn = $('btn-mic');
  btn.textContent = on ? T.micOff : T.micOn;
  btn.setAttribute('aria-pressed', String(on));
}

function setCam(on) {
  state.camOn = on;
  if (state.stream) state.stream.getVideoTracks().forEach((t) => { t.enabled = on; });
  const btn = $('btn-cam');
  btn.textContent = on ? T.camOff : T.camOn;
  btn.setAttribute('aria-pressed', String(on));
}

/* ---- link quality ---- */
function renderStats(stats) {
  const body = document.querySelector('#conf-links tbody'); // absent where the client is embedded
  if (body) body.replaceChildren();
  const codes = IS_HOST && CFG.chair ? C.sites.map((s) => s.code) : Object.keys(stats);
  for (const code of codes) {
    const s = stats[code];
    const row = document.createElement('tr');
    const bad = !s || s.degraded;
    row.className = bad ? 'bad' : '';
    row.dataset.site = code;
    const cells = [names[code], s ? (s.connected ? T.live : T.down) : T.notJoined,
      s ? s.bitrate_kbps : '–', s ? s.fps : '–', s ? `${s.loss_percent}%` : '–', s && s.rtt_ms != null ? `${s.rtt_ms} ms` : '–'];
    for (const value of cells) { const td = document.createElement('td'); td.textContent = value; row.append(td); }
    if (body) body.append(row);
    const el = document.querySelector(`.tile[data-site="${CSS.escape(code)}"]`);
    if (el) { el.classList.toggle('live', !!(s && s.connected)); el.classList.toggle('degraded', !!(s && s.connected && s.degraded)); }
  }
}

async function pollStats() {
  if (socket.connected && state.joined) {
    try { renderStats((await request('stats')).stats); } catch (_) { /* next time */ }
  }
  setTimeout(pollStats, 2000);
}

function renderRoll(sites) {
  const box = $('conf-roll');
  box.hidden = false;
  box.replaceChildren();
  const h = document.createElement('h3'); h.textContent = T.rollTitle;
  const list = document.createElement('ul');
  for (const s of sites) {
    const li = document.createElement('li');
    li.className = s.connected ? 'present' : 'absent';
    li.textContent = `${s.connected ? '✓' : '✗'} ${s.name} — ${s.connected ? T.present : T.absent}`;
    list.append(li);
  }
  box.append(h, list);
}

/* ---- signaling ---- */
async function join() {
  setStatus(T.connecting, false);
  const ack = await request('join', { conference_id: C.id, token: CFG.token });
  state.joined = true;
  state.floor = ack.conference.floor;
  setStatus(T.connected, true);
  await publish().catch((e) => alertBox(e.message));
  await syncReceivers();
}

socket.on('connect', () => { join().catch((e) => { alertBox(e.message); setStatus(T.offline, false); }); });
socket.on('disconnect', () => { state.joined = false; setStatus(T.offline, false); });
socket.on('floor_changed', async ({ site }) => {
  const had = state.floor === ME;
  state.floor = site;
  state.requested.delete(site);
  if (!IS_HOST) {
    setMic(site === ME);
    if (site === ME) alertBox(T.youHaveFloor); else alertBox('');
    if (had !== (site === ME)) await resize(state.publisher, state.stream, site === ME ? SIZES.floor : SIZES.thumb);
  }
  await syncReceivers();
});
socket.on('floor_requested', ({ site }) => {
  state.requested.add(site);
  if (CFG.chair) alertBox(`${names[site]} ${T.floorRequested}`);
  markFloor();
});
socket.on('muted_all', () => { if (!IS_HOST) { setMic(false); alertBox(T.mutedAll); } });
socket.on('roll_called', ({ sites }) => { if (CFG.chair) renderRoll(sites); });
socket.on('site_publishing', ({ site }) => {
  // a site that (re)connects feeds the receivers it already has; nothing to renegotiate
  const el = document.querySelector(`.tile[data-site="${CSS.escape(site)}"]`);
  if (el) el.classList.add('live');
});

$('btn-mic').addEventListener('click', () => setMic(!state.micOn));
$('btn-cam').addEventListener('click', () => setCam(!state.camOn));
const on = (id, handler) => { const el = $(id); if (el) el.addEventListener('click', handler); };
on('btn-request-floor', () => request('request_floor').catch((e) => alertBox(e.message)));
on('btn-take-floor', () => request('take_floor').catch((e) => alertBox(e.message)));
on('btn-mute-all', () => request('mute_all').catch((e) => alertBox(e.message)));
on('btn-roll-call', () => request('roll_call').then((a) => renderRoll(a.sites)).catch((e) => alertBox(e.message)));

window.sohoaConference = {
  socket, state,
  async framesFrom(code) { const pc = state.receivers.get(code); return pc ? receivedVideo(pc) : 0; },
};

startCamera().then(() => { if (socket.connected && state.joined && !state.publisher) publish().catch((e) => alertBox(e.message)); });
pollStats();
setupRecording({ socket, request, alertBox, texts: T, chair: CFG.chair, recordings: CFG.recordings });
