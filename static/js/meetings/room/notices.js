/** Short messages for the room: toasts (bottom of the screen) and the banner under the header. */
import { $, $$, h } from './dom.js';

const toasts = $('#room-toasts');
const banner = $('#room-banner');

const onPhone = window.matchMedia('(max-width: 640px)');
const byTopic = new Map(); // topic → the toast that speaks of it now

/** Show a toast for `ms` milliseconds. At most three stay on screen (one on a phone, the
 * newest); a toast with a `topic` replaces the earlier one on that topic, and
 * `withdraw(topic)` takes it back when the state it spoke of has changed. */
export function toast(message, kind = 'info', ms = 4500, topic = null) {
  if (!message) return;
  if (topic) withdraw(topic);
  const node = h('div', { class: `room-toast room-toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  if (topic) {
    node.dataset.topic = topic;
    byTopic.set(topic, node);
  }
  toasts.append(node);
  const limit = onPhone.matches ? 1 : 3;
  while (toasts.children.length > limit) forget(toasts.firstElementChild).remove();
  setTimeout(() => fade(node), ms);
}

/** Take back the toast on `topic` (a stale message), if it is still showing. */
export function withdraw(topic) {
  const node = byTopic.get(topic);
  if (node) fade(node);
}

function forget(node) {
  if (node.dataset.topic && byTopic.get(node.dataset.topic) === node) byTopic.delete(node.dataset.topic);
  return node;
}

function fade(node) {
  forget(node).classList.add('room-toast-out');
  setTimeout(() => node.remove(), 300);
}

/** Show `text` in the banner (an empty text hides it). */
export function showBanner(text, kind = 'info') {
  banner.hidden = !text;
  banner.textContent = text || '';
  banner.dataset.kind = kind;
}

export const bannerShowsError = () => banner.dataset.kind === 'error';

/** Messages flashed by the server (e.g. after the door QR check-in) become toasts. */
export function flashesToToasts() {
  for (const flash of $$('.content > .flash')) {
    toast(flash.textContent.trim(), flash.classList.contains('flash-error') ? 'error' : 'ok', 6000);
    flash.remove();
  }
}
