/**
 * The live document's chrome: texts, icons, the elements of the viewer and the gestures
 * that turn its pages. static/js/live-document.js is the viewer itself.
 */

export const DEFAULT_STRINGS = {
  page: 'Trang {page}/{pages}',
  prev: 'Trang trước',
  next: 'Trang sau',
  follow: 'Theo người trình bày',
  presenterAt: 'Người trình bày đang ở trang {page}',
  loading: 'Đang tải tài liệu…',
  loadError: 'Không tải được tài liệu. Kiểm tra kết nối mạng rồi thử lại.',
  retry: 'Thử lại',
  noDocument: 'Chưa có tài liệu nào được trình chiếu.',
  fitWidth: 'Vừa chiều rộng',
  fitPage: 'Xem cả trang',
  modePresenting: 'Bạn đang trình bày',
  modeFollowing: 'Đang theo người trình bày',
  modeFollowingName: 'Đang theo {name}',
  modeBrowsing: 'Bạn đang xem riêng',
  modeOffline: 'Mất kết nối — chưa theo được người trình bày',
};

const SWIPE_MIN_PX = 50;
const RESIZE_DEBOUNCE_MS = 150;

export function fmt(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (m, k) => (k in values ? values[k] : m));
}

export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else if (v !== false && v != null) node.setAttribute(k, v === true ? '' : v);
  }
  for (const child of children) node.append(child);
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
export function svgIcon(path) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', '24');
  svg.setAttribute('height', '24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('fill', 'none');
  svg.setAttribute('stroke', 'currentColor');
  svg.setAttribute('stroke-width', '2');
  svg.setAttribute('stroke-linecap', 'round');
  svg.setAttribute('stroke-linejoin', 'round');
  const p = document.createElementNS(SVG_NS, 'path');
  p.setAttribute('d', path);
  svg.append(p);
  return svg;
}
export const ICONS = {
  prev: 'M15 5l-7 7 7 7',
  next: 'M9 5l7 7-7 7',
  follow: 'M12 3v3M12 18v3M3 12h3M18 12h3M12 8a4 4 0 1 0 0 8a4 4 0 1 0 0-8z',
  fitWidth: 'M3 12h18M7 8l-4 4 4 4M17 8l4 4-4 4',
  fitPage: 'M8 3H5a2 2 0 0 0-2 2v3M16 3h3a2 2 0 0 1 2 2v3M8 21H5a2 2 0 0 1-2-2v-3M16 21h3a2 2 0 0 0 2-2v-3',
};

export function isEditable(target) {
  if (!target || !(target instanceof Element)) return false;
  return Boolean(target.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"]'));
}

/** The viewer's elements, built into ``container``: {canvas, sheet, stage, bar, the buttons…}. */
export function buildChrome(container, s) {
  container.classList.add('ld');
  container.replaceChildren();
  const ui = {};
  ui.canvas = el('canvas', { width: 1, height: 1, 'aria-hidden': 'true', class: 'ld-placeholder' });
  ui.sheet = el('div', { class: 'ld-sheet' }, [ui.canvas]);
  ui.statusText = el('p', { class: 'ld-status-text' });
  ui.spinner = el('div', { class: 'ld-spinner', 'aria-hidden': 'true' });
  ui.retryButton = el('button', { type: 'button', class: 'btn btn-sm ld-retry', text: s.retry });
  ui.statusBox = el('div', { class: 'ld-status-box' }, [ui.spinner, ui.statusText, ui.retryButton]);
  ui.statusEl = el('div', { class: 'ld-status', role: 'status', hidden: true }, [ui.statusBox]);
  ui.stage = el('div', { class: 'ld-stage', tabindex: '-1' }, [ui.sheet, ui.statusEl]);

  ui.followButton = el('button', { type: 'button', class: 'ld-follow', hidden: true });
  ui.followLabel = el('span', { text: s.follow });
  ui.followHint = el('small');
  ui.followButton.append(svgIcon(ICONS.follow), ui.followLabel, ui.followHint);

  ui.prevButton = el('button', { type: 'button', class: 'ld-prev', title: s.prev, 'aria-label': s.prev });
  ui.prevButton.append(svgIcon(ICONS.prev));
  ui.nextButton = el('button', { type: 'button', class: 'ld-next', title: s.next, 'aria-label': s.next });
  ui.nextButton.append(svgIcon(ICONS.next));
  ui.indicator = el('span', { class: 'ld-indicator', 'aria-live': 'polite' });
  ui.modeLabel = el('span', { class: 'ld-mode' });
  ui.fitButton = el('button', { type: 'button', class: 'ld-fit' });
  ui.bar = el('div', { class: 'ld-bar' }, [
    el('span', { class: 'ld-bar-start' }),
    el('div', { class: 'ld-nav' }, [
      ui.prevButton,
      el('div', { class: 'ld-where' }, [ui.indicator, ui.modeLabel]),
      ui.nextButton,
    ]),
    el('span', { class: 'ld-bar-end' }, [ui.fitButton]),
  ]);
  container.append(ui.stage, ui.followButton, ui.bar);
  return ui;
}

/** Swipes and arrow keys turn pages; a new size redraws the page sharp. */
export function bindGestures(doc, keyboard) {
  // swipe left/right to turn pages (one finger, mostly horizontal, not while zoomed in)
  let start = null;
  doc._on(
    doc.stage,
    'touchstart',
    (e) => {
      start = e.touches.length === 1 ? { x: e.touches[0].clientX, y: e.touches[0].clientY, t: Date.now() } : null;
    },
    { passive: true },
  );
  doc._on(
    doc.stage,
    'touchend',
    (e) => {
      if (!start || e.changedTouches.length !== 1) return;
      const dx = e.changedTouches[0].clientX - start.x;
      const dy = e.changedTouches[0].clientY - start.y;
      const quick = Date.now() - start.t < 800;
      start = null;
      const zoomed = window.visualViewport && window.visualViewport.scale > 1.05;
      if (!quick || zoomed || Math.abs(dx) < SWIPE_MIN_PX || Math.abs(dx) < Math.abs(dy) * 1.8) return;
      if (dx < 0) doc.next();
      else doc.prev();
    },
    { passive: true },
  );

  if (keyboard) {
    doc._on(document, 'keydown', (e) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || isEditable(e.target)) return;
      if (!doc.container.isConnected || doc.container.offsetParent === null) return;
      if (e.key === 'ArrowRight' || e.key === 'PageDown') {
        e.preventDefault();
        doc.next();
      } else if (e.key === 'ArrowLeft' || e.key === 'PageUp') {
        e.preventDefault();
        doc.prev();
      }
    });
  }

  // redraw sharp at the new size (rotation, split view, a side panel folding)
  let timer = null;
  const redraw = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (doc.documentId == null || !doc._drawn) return;
      const pad = doc._sheetPadding();
      const w = Math.max(doc.stage.clientWidth - pad * 2, 120);
      const h = Math.max(doc.stage.clientHeight - pad * 2, 120);
      const ratio = window.devicePixelRatio || 1;
      const d = doc._drawn;
      const changed = Math.abs(d.width - w) > 1 || ratio !== d.ratio || (doc.fit === 'page' && Math.abs(d.height - h) > 1);
      if (changed) doc._render();
    }, RESIZE_DEBOUNCE_MS);
  };
  if (window.ResizeObserver) {
    const observer = new ResizeObserver(redraw);
    observer.observe(doc.stage);
    doc._listeners.push(() => observer.disconnect());
  }
  doc._on(window, 'resize', redraw);
  doc._on(window, 'orientationchange', redraw);
}
