/** Short messages for the room: toasts (bottom of the screen) and the banner under the header. */
import { $, $$, h } from './dom.js';

const toasts = $('#room-toasts');
const banner = $('#room-banner');

/** Show a toast for `ms` milliseconds; at most three stay on screen. */
export function toast(message, kind = 'info', ms = 4500) {
  if (!message) return;
  const node = h('div', { class: `room-toast room-toast-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, message);
  toasts.append(node);
  while (toasts.children.length > 3) toasts.firstElementChild.remove();
  setTimeout(() => {
    node.classList.add('room-toast-out');
    setTimeout(() => node.remove(), 300);
  }, ms);
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
