/** Small DOM and text helpers shared by the meeting room's modules. */

export const $ = (sel, root = document) => root.querySelector(sel);
export const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));

/** The room's outer element (its data-* attributes carry the tab, sheet, status, connection). */
export const room = document.getElementById('room');

/** Fill {name} placeholders: fmt('Trang {page}', {page: 2}). Unknown names stay as they are. */
export function fmt(template, values = {}) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

/**
 * Build an element: h('li', {class, text, dataset, style: {width}, onclick, ...attrs}, ...children).
 * `style` takes an object (set through element.style, which a Content-Security-Policy allows).
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false || v == null) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'style') Object.assign(node.style, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children.flat()) {
    if (child != null && child !== false) node.append(child);
  }
  return node;
}

/** Disable `control` while the promise made by `action()` is pending; returns that promise. */
export function whileBusy(control, action) {
  control.disabled = true;
  return action().finally(() => {
    control.disabled = false;
  });
}

export function initials(name) {
  const parts = String(name || '?').trim().split(/\s+/);
  return (parts[parts.length - 1] || '?').charAt(0).toUpperCase();
}

/** Seconds as mm:ss. */
export function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const mm = String(Math.floor(s / 60)).padStart(2, '0');
  return `${mm}:${String(s % 60).padStart(2, '0')}`;
}

/** An ISO time as hh:mm in Vietnam's time zone ('' when unreadable). */
export function timeOf(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  return date.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Ho_Chi_Minh' });
}
