/**
 * The vote panel: the open vote (question, tally, the three choices), opening a vote and
 * closing it with a second tap (chair). Results of closed votes: results.js.
 */
import { $, $$, fmt, h, room, whileBusy } from './dom.js';
import { ME, T } from './config.js';
import { request, socket } from './connection.js';
import { state } from './state.js';
import { toast, withdraw } from './notices.js';
import { openTab } from './tabs.js';
import { loadResults, renderResults } from './results.js';

const CHOICE_LABELS = { yes: T.yes, no: T.no, abstain: T.abstain };
const CLOSE_CONFIRM_MS = 4000;
const voteButtons = () => $$('#vote-buttons .vote-btn');

function renderTally() {
  const vote = state.vote;
  if (!vote) return;
  const eligible = Number(vote.eligible) || 0;
  $('#vote-tally-text').textContent = fmt(T.tally, { cast: vote.cast, eligible });
  $('#vote-tally-meter').style.width = `${eligible ? Math.min(100, (vote.cast / eligible) * 100) : 0}%`;
}

const myChoiceIn = (vote) => (state.myChoice && state.myChoice.vote_id === vote.vote_id ? state.myChoice.choice : null);

function renderChoices(vote) {
  const canVote = state.attendance === 'present' && !vote.voted && state.status === 'in_progress';
  const mine = myChoiceIn(vote);
  for (const button of voteButtons()) {
    button.disabled = !canVote;
    button.classList.toggle('is-chosen', Boolean(vote.voted && mine === button.dataset.choice));
  }
}

function renderVoteNote(vote) {
  let text = '';
  if (vote.voted) {
    const mine = myChoiceIn(vote);
    text = mine ? `${T.voted} ${fmt(T.votedChoice, { choice: CHOICE_LABELS[mine] })}` : T.voted;
  } else if (state.attendance !== 'present') {
    text = T.notPresent;
  }
  const note = $('#vote-note');
  note.hidden = !text;
  note.textContent = text;
  note.classList.toggle('is-done', Boolean(vote.voted));
}

export function renderVote() {
  const vote = state.vote;
  $('#vote-open').hidden = !vote;
  $('#vote-none').hidden = Boolean(vote);
  const form = $('#vote-form');
  if (form) form.hidden = Boolean(vote) || state.status !== 'in_progress';
  const badge = $('#badge-vote');
  badge.hidden = !vote || vote.voted;
  room.dataset.ballot = vote && !vote.voted ? 'open' : ''; // a ballot waits: its sheet stays
  badge.textContent = '!';
  if (!vote) return;
  const kind = vote.secret ? ['badge-warn', T.secret] : ['badge-blue', T.public];
  $('#vote-kind').replaceChildren(h('span', { class: `badge ${kind[0]}` }, kind[1]));
  $('#vote-question').textContent = vote.question;
  renderTally();
  renderChoices(vote);
  renderVoteNote(vote);
}

const isClosed = (voteId) => state.results.some((r) => r.vote_id === voteId);

/** The open vote from a join; a vote that closed meanwhile brings the results again. The
 * join's `closed` (the last closed vote) shows a result missed while away, and a
 * `vote_closed` that arrived before the join's answer wins over its open vote. */
export function applyVoteState(vote, closed = null) {
  const had = state.vote;
  if (closed && !isClosed(closed.vote_id)) onVoteClosed(closed, { quiet: !had || had.vote_id !== closed.vote_id });
  if (vote && isClosed(vote.vote_id)) vote = null;
  state.vote = vote || null;
  if (had && (!state.vote || state.vote.vote_id !== had.vote_id)) loadResults();
  renderVote();
}

function castVote(button) {
  const vote = state.vote;
  if (!vote || vote.voted) return;
  const choice = button.dataset.choice;
  voteButtons().forEach((b) => (b.disabled = true));
  button.classList.add('is-sending');
  request('cast_vote', { vote_id: vote.vote_id, choice })
    .then((ack) => {
      if (!state.vote || state.vote.vote_id !== vote.vote_id) return;
      state.myChoice = { vote_id: vote.vote_id, choice };
      Object.assign(state.vote, { voted: true, cast: ack.cast, eligible: ack.eligible });
    })
    .catch((err) => {
      if (err && err.code === 'already_voted' && state.vote) state.vote.voted = true;
    })
    .finally(() => {
      button.classList.remove('is-sending');
      renderVote();
    });
}

function onVoteOpened(payload, { fromMe = false } = {}) {
  if (state.vote && state.vote.vote_id === payload.vote_id) return;
  const { vote_id, question, secret } = payload;
  state.vote = { vote_id, question, secret, cast: 0, eligible: state.presence.present, voted: false };
  renderVote();
  if (!fromMe && !ME.is_chair) {
    toast(T.voteOpened, 'info', 4500, 'vote');
    openTab('vote');
  }
}

function onVoteClosed(result, { quiet = false } = {}) {
  const known = state.results.some((r) => r.vote_id === result.vote_id);
  if (state.vote && state.vote.vote_id === result.vote_id) state.vote = null;
  renderVote();
  if (known) return;
  state.results.unshift(result);
  renderResults();
  if (quiet) withdraw('vote');
  else toast(fmt(T.voteClosed, { result: result.passed ? T.passed : T.notPassed }), result.passed ? 'ok' : 'info', 4500, 'vote');
}

function onVoteTally(payload) {
  if (!state.vote || state.vote.vote_id !== payload.vote_id) return;
  state.vote.cast = payload.cast;
  state.vote.eligible = payload.eligible;
  renderTally();
}

function openVote(form) {
  const input = $('#vote-question-input');
  const question = input.value.trim();
  if (!question) {
    input.focus();
    return;
  }
  const data = { question, secret: $('#vote-secret-input').checked, agenda_item_id: state.agendaItemId };
  const opened = (ack) => {
    form.reset();
    onVoteOpened(ack, { fromMe: true });
  };
  whileBusy($('#vote-open-submit'), () => request('open_vote', data, { quiet: true }))
    .then(opened)
    .catch((err) => {
      if (err.code !== 'no_quorum') {
        const fallback = err.message === 'offline' ? T.offlineAction : T.timeout;
        toast(err.code ? err.message : fallback, 'error');
        return;
      }
      // the chair is warned: without a quorum the vote cannot decide; they may still open it
      if (!window.confirm(`${err.message}\n\n${T.openWithoutQuorum}`)) return;
      request('open_vote', { ...data, despite_no_quorum: true }).then(opened).catch(() => {});
    });
}

/** The close button asks for a second tap within a few seconds. */
function bindCloseButton(button) {
  const label = button.textContent;
  let armed = null;
  const disarm = () => {
    clearTimeout(armed);
    armed = null;
    button.classList.remove('is-armed');
    button.textContent = label;
  };
  button.addEventListener('click', () => {
    if (!state.vote) return;
    if (!armed) {
      button.classList.add('is-armed');
      button.textContent = T.confirmClose;
      armed = setTimeout(disarm, CLOSE_CONFIRM_MS);
      return;
    }
    disarm();
    whileBusy(button, () => request('close_vote', { vote_id: state.vote.vote_id }))
      .then((ack) => onVoteClosed(ack, { quiet: true }))
      .catch(() => {});
  });
}

export function initVotes() {
  for (const button of voteButtons()) button.addEventListener('click', () => castVote(button));
  const form = $('#vote-form');
  if (form) {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      openVote(form);
    });
  }
  const closeButton = $('#vote-close');
  if (closeButton) bindCloseButton(closeButton);
  socket.on('vote_opened', (payload) => onVoteOpened(payload));
  socket.on('vote_tally', onVoteTally);
  socket.on('vote_closed', (payload) => onVoteClosed(payload));
}
