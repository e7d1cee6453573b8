/** Results of the closed votes (newest first), under the vote panel. */
import { $, fmt, h } from './dom.js';
import { T, URLS } from './config.js';
import { api } from './api.js';
import { state } from './state.js';

function resultRow(key, label, count, eligible) {
  return h(
    'div',
    { class: `result-row result-${key}` },
    h('span', { class: 'result-label' }, label),
    h('span', { class: 'result-bar' }, h('span', { style: { width: `${eligible ? (count / eligible) * 100 : 0}%` } })),
    h('strong', { class: 'result-count', dataset: { count: String(count) } }, String(count)),
  );
}

const percent = (value) => `${String(value).replace(/\.0$/, '')}%`;

/** The rule applied and the share of agreement among all members and among those present. */
function ruleLine(result) {
  const parts = [fmt(T.passRule, { rule: result.pass_rule })];
  if (result.share_of_members != null) parts.push(fmt(T.shareOfMembers, { share: percent(result.share_of_members) }));
  if (result.share_of_present != null) parts.push(fmt(T.shareOfPresent, { share: percent(result.share_of_present) }));
  if (result.quorum_met === false) parts.push(T.openedWithoutQuorum);
  return parts.join(' · ');
}

function resultCard(result, latest) {
  const eligible = Number(result.eligible) || 0;
  const notVoted = Math.max(0, eligible - result.yes - result.no - result.abstain);
  return h(
    'article',
    { class: `result-card${latest ? ' is-latest' : ''}`, dataset: { vote: String(result.vote_id), passed: result.passed ? '1' : '0' } },
    h(
      'header',
      { class: 'result-head' },
      h('span', { class: `result-verdict ${result.passed ? 'is-passed' : 'is-failed'}` }, result.passed ? T.passed : T.notPassed),
      result.secret ? h('span', { class: 'badge badge-warn' }, T.secret) : null,
    ),
    h('p', { class: 'result-question' }, result.question),
    h(
      'div',
      { class: 'result-rows' },
      resultRow('yes', T.yes, result.yes, eligible),
      resultRow('no', T.no, result.no, eligible),
      resultRow('abstain', T.abstain, result.abstain, eligible),
      notVoted ? resultRow('none', T.notVoted, notVoted, eligible) : null,
    ),
    h('small', { class: 'result-foot' }, fmt(T.eligible, { n: eligible })),
    result.pass_rule ? h('small', { class: 'result-foot result-rule' }, ruleLine(result)) : null,
  );
}

export function renderResults() {
  $('#vote-results').hidden = state.results.length === 0;
  $('#vote-results-list').replaceChildren(...state.results.map((r, i) => resultCard(r, i === 0)));
}

/** The closed votes from the meeting's record. */
export async function loadResults() {
  try {
    const record = await api.get(URLS.record);
    state.results = ((record && record.votes) || []).filter((v) => v.status === 'closed').reverse();
    renderResults();
  } catch {
    /* the list of past results is a convenience: try again on the next (re)join */
  }
}
