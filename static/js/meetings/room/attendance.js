/**
 * The attendance panel: who is present, absent or not checked in, who is online, and (for
 * the chair and the secretary) marking someone present or absent with a reason.
 */
import { $, fmt, h, initials, room } from './dom.js';
import { ME, T, nameOf, roleLabel } from './config.js';
import { request, socket } from './connection.js';
import { state } from './state.js';
import { renderVote } from './votes.js';

const openAbsenceForms = new Set(); // users whose "absent: reason" form is open

function markAttendance(user, status, reason = null) {
  return request('mark_attendance', { user, status, reason });
}

/** Merge the participants' changes (a batch in `changed`, or one at the top level) and
 * the new counts into the known list. */
function mergePresence(change) {
  const list = state.presence.participants.slice();
  const { present, total, quorum, changed, refetch, ...one } = change;
  const people = Array.isArray(changed) ? changed : one.user ? [one] : [];
  for (const person of people) {
    const i = list.findIndex((p) => p.user === person.user);
    if (i >= 0) list[i] = { ...list[i], ...person };
    else list.push(person);
  }
  return {
    participants: list,
    present: present ?? state.presence.present,
    total: total ?? state.presence.total,
    online: change.online ?? state.presence.online,
    quorum: quorum ?? state.presence.quorum,
  };
}

/** The whole list (join ack) or one participant's change plus the counts (presence_changed). */
export function applyPresence(presence) {
  if (!presence) return;
  state.presence = Array.isArray(presence.participants)
    ? {
        participants: presence.participants,
        present: presence.present,
        total: presence.total,
        online: presence.online,
        quorum: presence.quorum,
      }
    : mergePresence(presence);
  if (presence.refetch) listWanted();
  const mine = state.presence.participants.find((p) => p.user === ME.user);
  if (mine) state.attendance = mine.attendance;
  renderPresence();
  renderVote();
}

/** The live quorum: met (green) or how many more are needed (amber). */
function quorumBadge(quorum) {
  if (!quorum || !quorum.required) return null;
  const met = quorum.present >= quorum.required;
  const text = met
    ? fmt(T.quorumMet, { required: quorum.required })
    : fmt(T.quorumMissing, { required: quorum.required, missing: quorum.required - quorum.present });
  return h('span', { class: `badge ${met ? 'badge-ok' : 'badge-warn'}`, id: 'quorum-badge', dataset: { met: met ? '1' : '0' } }, text);
}

function renderSummary({ participants, present, total, online: counted, quorum }) {
  const online = counted ?? participants.filter((p) => p.online).length;
  $('#attendance-summary').replaceChildren(
    h('div', { class: 'summary-big' }, h('strong', {}, `${present}`), h('span', {}, `/${total}`)),
    h(
      'div',
      { class: 'summary-text' },
      h('strong', {}, fmt(T.presentCount, { present, total })),
      h('small', {}, fmt(T.onlineCount, { n: online })),
      quorumBadge(quorum),
    ),
  );
  const badge = $('#badge-attendance');
  badge.hidden = !total;
  badge.textContent = `${present}/${total}`;
}

function toggleAbsenceForm(user, open) {
  if (open) openAbsenceForms.add(user);
  else openAbsenceForms.delete(user);
  renderPresence();
  if (open) $(`#absence-${CSS.escape(user)} input`)?.focus();
}

function personActions(p) {
  const present = () => markAttendance(p.user, 'present').catch(() => {}); // request() showed the error
  return h(
    'div',
    { class: 'person-actions' },
    p.attendance !== 'present' ? h('button', { type: 'button', class: 'btn btn-sm btn-ok-outline', onclick: present }, T.markPresent) : null,
    p.attendance !== 'absent'
      ? h('button', { type: 'button', class: 'btn btn-sm', onclick: () => toggleAbsenceForm(p.user, true) }, T.markAbsent)
      : null,
  );
}

function absenceForm(p) {
  const submit = (e) => {
    e.preventDefault();
    const input = e.currentTarget.querySelector('input');
    const reason = input.value.trim();
    if (!reason) {
      input.focus();
      return;
    }
    markAttendance(p.user, 'absent', reason).then(() => toggleAbsenceForm(p.user, false), () => {});
  };
  return h(
    'form',
    { class: 'absence-form', id: `absence-${p.user}`, onsubmit: submit },
    h('input', { class: 'input', name: 'reason', required: true, maxlength: '500', placeholder: T.reasonPlaceholder, 'aria-label': T.reasonPlaceholder }),
    h('button', { type: 'submit', class: 'btn btn-sm btn-primary' }, T.save),
    h('button', { type: 'button', class: 'btn btn-sm btn-ghost', onclick: () => toggleAbsenceForm(p.user, false) }, T.cancel),
  );
}

function attendanceBadge(attendance) {
  if (attendance === 'present') return h('span', { class: 'badge badge-ok' }, T.present);
  if (attendance === 'absent') return h('span', { class: 'badge badge-red' }, T.absent);
  return h('span', { class: 'badge' }, T.invited);
}

function personRow(p) {
  return h(
    'li',
    { class: `person${p.user === ME.user ? ' is-me' : ''}`, dataset: { user: p.user, attendance: p.attendance, online: p.online ? '1' : '0' } },
    h('span', { class: `person-avatar${p.online ? ' is-online' : ''}`, 'aria-hidden': 'true' }, initials(p.name)),
    h(
      'div',
      { class: 'person-body' },
      h('strong', { class: 'person-name' }, nameOf(p.user, p.name)),
      h('span', { class: 'person-meta' }, roleLabel(p.role)),
      p.attendance === 'absent' && p.absence_reason ? h('small', { class: 'person-reason' }, fmt(T.reason, { reason: p.absence_reason })) : null,
      h('span', { class: 'person-badges' }, attendanceBadge(p.attendance), p.online ? h('span', { class: 'badge badge-blue' }, T.online) : null),
    ),
    ME.can_manage ? personActions(p) : null,
    ME.can_manage && openAbsenceForms.has(p.user) ? absenceForm(p) : null,
  );
}

function renderPresence() {
  renderSummary(state.presence);
  $('#people-list').replaceChildren(...state.presence.participants.map(personRow));
}

const REFETCH_SPREAD_MS = 2000;
let listStale = false;
let refetching = null;

/** Fetch the whole list (a hall's join answer and its large batches carry only counts). */
function fetchList(delay) {
  if (refetching) return;
  refetching = setTimeout(() => {
    request('presence', {}, { quiet: true })
      .then((presence) => {
        listStale = false;
        applyPresence(presence);
      }, () => {})
      .finally(() => (refetching = null));
  }, delay);
}

/** The list is out of date: fetch it now if the attendance panel shows it (at a random
 * moment, so a hall of open panels does not ask in the same instant), else when opened. */
function listWanted() {
  listStale = true;
  if (room.dataset.tab === 'attendance') fetchList(Math.random() * REFETCH_SPREAD_MS);
}

export function initAttendance() {
  socket.on('presence_changed', applyPresence);
  $('#tab-attendance').addEventListener('click', () => {
    if (listStale) fetchList(0);
  });
}
