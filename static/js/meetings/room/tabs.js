/** The panel tabs: a side panel on tablets, a bottom sheet on phones. */
import { $, $$, room } from './dom.js';

const phoneQuery = window.matchMedia('(max-width: 640px)');

/** Show panel `name`; on phones open the sheet (or close it when `toggle` and it is the open tab). */
export function openTab(name, { toggle = false } = {}) {
  const already = room.dataset.tab === name;
  room.dataset.tab = name;
  for (const tab of $$('.room-tab')) {
    const active = tab.dataset.tab === name;
    tab.setAttribute('aria-selected', active ? 'true' : 'false');
    tab.tabIndex = active ? 0 : -1;
  }
  for (const panel of $$('.room-panel')) panel.hidden = panel.id !== `panel-${name}`;
  showPanel(true); // a tab opened (by the user or by a vote) is meant to be seen
  $('#room-sheet-title').textContent = $(`#panel-${name}`).dataset.title;
  if (phoneQuery.matches) {
    // tapping the open tab closes its sheet, except a ballot still waiting for this voter
    const keep = name === 'vote' && room.dataset.ballot === 'open';
    room.dataset.sheet = toggle && already && !keep && room.dataset.sheet === 'open' ? 'closed' : 'open';
  }
}

/** Left and right arrows move between tabs. */
function onArrowKey(e) {
  if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
  const tabs = $$('.room-tab');
  const i = tabs.findIndex((t) => t.dataset.tab === room.dataset.tab);
  const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
  e.preventDefault();
  e.stopPropagation();
  openTab(next.dataset.tab);
  next.focus();
}

const PANEL_KEY = 'sohoa-room-panel';

/** Tablets: the side panel can be hidden so the document takes the whole width. */
function showPanel(shown, { remember = false } = {}) {
  room.dataset.panel = shown ? 'shown' : 'hidden';
  const toggle = $('#panel-toggle');
  if (toggle) {
    toggle.setAttribute('aria-pressed', String(!shown));
    const label = shown ? toggle.dataset.hide : toggle.dataset.show;
    toggle.querySelector('span').textContent = label;
    toggle.setAttribute('aria-label', label);
  }
  if (remember) {
    try { localStorage.setItem(PANEL_KEY, shown ? 'shown' : 'hidden'); } catch { /* private mode */ }
  }
}

function rememberedPanel() {
  try { return localStorage.getItem(PANEL_KEY) !== 'hidden'; } catch { return true; }
}

export function initTabs() {
  $('#panel-toggle')?.addEventListener('click', () => showPanel(room.dataset.panel === 'hidden', { remember: true }));
  for (const tab of $$('.room-tab')) {
    tab.addEventListener('click', () => openTab(tab.dataset.tab, { toggle: true }));
  }
  $('.room-tabs').addEventListener('keydown', onArrowKey);
  $('#room-sheet-close').addEventListener('click', () => {
    room.dataset.sheet = 'closed';
  });
  $('#room-side').addEventListener('click', (e) => {
    if (e.target === e.currentTarget) room.dataset.sheet = 'closed'; // the dimmed backdrop
  });
  openTab('agenda');
  room.dataset.sheet = 'closed';
  showPanel(rememberedPanel());
}
