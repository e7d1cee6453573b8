/**
 * The agenda panel and the header it drives: the current agenda item, who presents, and the
 * meeting's status banner. The chair and the secretary move the agenda; the chair hands over
 * presenting.
 */
import { $, $$, fmt, room, whileBusy } from './dom.js';
import { M, T, nameOf, personName } from './config.js';
import { request, socket } from './connection.js';
import { isPresenter, state } from './state.js';
import { bannerShowsError, showBanner, toast, withdraw } from './notices.js';
import { liveDoc } from './document.js';

const presenterSelect = $('#presenter-select');

export function renderStatus() {
  room.dataset.status = state.status;
  if (state.status === 'scheduled') showBanner(T.statusScheduled, 'warn');
  else if (state.status === 'ended') showBanner(T.statusEnded, 'info');
  else if (!bannerShowsError()) showBanner('');
}

export function setPresenter(user, name, { quiet = false } = {}) {
  const before = state.presenter;
  state.presenter = user || null;
  state.presenterName = name || (user ? personName(user) : null);
  $('#room-presenter-name').textContent = state.presenterName ? nameOf(user, state.presenterName) : T.noPresenter;
  $('#room-presenter').classList.toggle('is-me', isPresenter());
  liveDoc.setPresenter(isPresenter());
  liveDoc.setPresenterName(state.presenterName);
  if (presenterSelect && user) presenterSelect.value = user;
  if (before !== state.presenter && !user) withdraw('presenter'); // rights taken back: stale
  if (!quiet && before !== state.presenter && user) {
    const mine = isPresenter();
    toast(mine ? T.youPresent : fmt(T.presenterChanged, { name: state.presenterName }), mine ? 'ok' : 'info', 4500, 'presenter');
  }
}

export function renderAgenda() {
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

function onAgendaItemChanged(payload) {
  const changed = payload.agenda_item_id !== state.agendaItemId;
  state.agendaItemId = payload.agenda_item_id;
  renderAgenda();
  if (changed) toast(fmt(T.agendaChanged, { title: payload.title }), 'info');
}

function setAgendaItem(button) {
  const action = () =>
    request('set_agenda_item', { agenda_item_id: Number(button.dataset.item) }).then((ack) => {
      state.agendaItemId = ack.agenda_item_id;
      renderAgenda();
    });
  whileBusy(button, action).catch(() => {});
}

function handOverPresenting() {
  const action = () => request('set_presenter', { user: presenterSelect.value });
  whileBusy(presenterSelect, action).catch(() => {
    if (state.presenter) presenterSelect.value = state.presenter;
  });
}

export function initAgenda() {
  for (const button of $$('.agenda-set')) {
    button.addEventListener('click', () => setAgendaItem(button));
  }
  if (presenterSelect) presenterSelect.addEventListener('change', handOverPresenting);
  socket.on('presenter_changed', (payload) => setPresenter(payload.presenter, payload.name));
  socket.on('agenda_item_changed', onAgendaItemChanged);
}
