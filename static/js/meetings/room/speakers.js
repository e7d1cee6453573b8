/**
 * The speakers panel: who has the floor (with a timer against the limit), the queue of
 * requests, and the buttons to ask for the floor, withdraw, grant (chair) and end a turn.
 */
import { $, clock, fmt, h, timeOf, whileBusy } from './dom.js';
import { ME, T, nameOf } from './config.js';
import { request, socket } from './connection.js';
import { state } from './state.js';
import { toast, withdraw } from './notices.js';

const DEFAULT_LIMIT_SECONDS = 300;
const card = $('#speaking-card');
let speakingTimer = null;

function startTimer(speaking) {
  const limit = Number(speaking.limit_seconds) || DEFAULT_LIMIT_SECONDS;
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
}

function renderSpeaking(speaking) {
  card.hidden = !speaking;
  $('#speaking-none').hidden = Boolean(speaking);
  clearInterval(speakingTimer);
  if (!speaking) return;
  $('#speaking-name').textContent = nameOf(speaking.user, speaking.name);
  startTimer(speaking);
  const end = $('#speaking-end');
  const mine = speaking.user === ME.user;
  end.hidden = !(ME.is_chair || mine);
  end.textContent = mine ? T.endMine : T.endSpeaking;
}

function grantButton(entry) {
  const grant = (e) => {
    whileBusy(e.currentTarget, () => request('grant_floor', { user: entry.user })).then(applySpeakers, () => {});
  };
  return h('button', { type: 'button', class: 'btn btn-ok btn-sm queue-grant', onclick: grant }, T.grant);
}

function queueItem(entry, i) {
  return h(
    'li',
    { class: `queue-item${entry.user === ME.user ? ' is-me' : ''}`, dataset: { user: entry.user } },
    h('span', { class: 'queue-no' }, String(i + 1)),
    h(
      'div',
      { class: 'queue-body' },
      h('strong', {}, nameOf(entry.user, entry.name)),
      h('small', {}, fmt(T.requestedAt, { time: timeOf(entry.requested_at) })),
    ),
    ME.is_chair ? grantButton(entry) : null,
  );
}

function renderQueue(queue) {
  $('#queue-list').replaceChildren(...queue.map(queueItem));
  $('#queue-empty').hidden = queue.length > 0;
  $('#queue-count').textContent = String(queue.length);
  const badge = $('#badge-speakers');
  badge.hidden = queue.length === 0;
  badge.textContent = String(queue.length);
}

/** Ask / withdraw buttons and "you are number n" for the current user. */
function renderFloorActions(queue, speaking) {
  const position = queue.findIndex((q) => q.user === ME.user);
  const speakingNow = speaking && speaking.user === ME.user;
  $('#floor-request').hidden = position >= 0 || Boolean(speakingNow);
  $('#floor-withdraw').hidden = position < 0;
  const hint = $('#floor-position');
  hint.hidden = position < 0;
  if (position >= 0) hint.textContent = fmt(T.youInQueue, { n: position + 1 });
}

export function renderSpeakers() {
  const { queue, speaking } = state.speakers;
  renderSpeaking(speaking);
  renderQueue(queue);
  renderFloorActions(queue, speaking);
}

/** A new speakers state {queue, speaking} (an ack or a speakers_changed event). */
function applySpeakers(payload) {
  const wasSpeaking = state.speakers.speaking && state.speakers.speaking.user;
  state.speakers = { queue: payload.queue || [], speaking: payload.speaking || null };
  const now = state.speakers.speaking && state.speakers.speaking.user;
  if (now === ME.user && wasSpeaking !== ME.user) toast(T.youSpeak, 'ok', 4500, 'floor');
  else if (wasSpeaking === ME.user && now !== ME.user) withdraw('floor');
  renderSpeakers();
}

/** A floor request from `button`; `data()` gives its payload at click time (null: nothing to send). */
function onFloorButton(selector, event, data) {
  const button = $(selector);
  button.addEventListener('click', () => {
    const payload = data();
    if (!payload) return;
    whileBusy(button, () => request(event, payload)).then(applySpeakers, () => {});
  });
}

export function initSpeakers() {
  onFloorButton('#floor-request', 'request_floor', () => ({}));
  onFloorButton('#floor-withdraw', 'release_floor', () => ({ user: ME.user }));
  // naming the speaker: the chair ending someone's turn keeps the chair's own place in the queue
  onFloorButton('#speaking-end', 'release_floor', () => state.speakers.speaking && { user: state.speakers.speaking.user });
  socket.on('speakers_changed', applySpeakers);
}
