/**
 * The teacher's class management in the live lesson: the join code and the devices waiting
 * to be admitted (young students who joined with the code), group work (split, look at a
 * group's board, bring everyone back), and the signed attendance sheet.
 */
const $ = (sel, root = document) => root.querySelector(sel);

export function setupWork({ request, state, T, toast, fmt, W, viewGroup }) {
  const api = window.Sohoa.api;

  function renderCode(code) {
    if (!code) return;
    $('#join-code-big').textContent = code.join_code;
    $('#join-code-expiry').textContent = code.expires_at
      ? fmt(T.codeExpires, { at: new Date(code.expires_at).toLocaleString() }) : T.codeNoExpiry;
  }

  function renderRequests(requests) {
    const list = $('#join-requests');
    list.replaceChildren();
    for (const r of requests || []) {
      const li = document.createElement('li');
      li.dataset.request = String(r.id);
      li.innerHTML = '<span class="req-name"></span>';
      li.firstChild.textContent = r.name;
      const admit = document.createElement('button');
      admit.className = 'btn btn-sm btn-primary req-admit'; admit.textContent = T.admit;
      admit.addEventListener('click', () => request('admit_student', { request_id: r.id }).then((a) => renderRequests(a.requests)).catch(() => {}));
      const refuse = document.createElement('button');
      refuse.className = 'btn btn-sm req-refuse'; refuse.textContent = T.refuse;
      refuse.addEventListener('click', () => request('refuse_student', { request_id: r.id }).then((a) => renderRequests(a.requests)).catch(() => {}));
      li.append(admit, refuse);
      if (r.conflict) {
        const warn = document.createElement('span');
        warn.className = 'req-conflict'; warn.textContent = T.conflict;
        li.append(warn);
      }
      list.append(li);
    }
    const n = (requests || []).length;
    $('#join-none').hidden = n > 0;
    $('#join-count').textContent = String(n);
  }

  function move(username, target) {
    const groups = state.groups.groups.map((g) => g.members.map((m) => m.user).filter((u) => u !== username));
    groups[target].push(username);
    request('split_groups', { groups: groups.filter((g) => g.length) }).catch(() => {});
  }

  function renderGroups(payload) {
    state.groups = payload;
    const list = $('#group-list');
    list.replaceChildren();
    const groups = payload.active ? payload.groups : [];
    groups.forEach((g, index) => {
      const li = document.createElement('li');
      li.dataset.group = String(g.id);
      li.classList.toggle('viewing', state.viewing === g.id);
      li.innerHTML = '<div class="group-head"><span></span><button type="button" class="btn btn-sm group-view"></button></div><ul class="group-names"></ul>';
      $('span', li).textContent = fmt(T.group, { n: g.number });
      const view = $('.group-view', li);
      view.textContent = T.viewBoard;
      view.addEventListener('click', () => viewGroup(g));
      for (const m of g.members) {
        const item = document.createElement('li');
        item.textContent = `${m.name} `;
        const pick = document.createElement('select');
        pick.className = 'input input-sm'; pick.setAttribute('aria-label', `${T.moveTo}: ${m.name}`);
        groups.forEach((other, i) => pick.append(new Option(fmt(T.group, { n: other.number }), String(i), false, i === index)));
        pick.addEventListener('change', () => move(m.user, Number(pick.value)));
        item.append(pick);
        $('.group-names', li).append(item);
      }
      list.append(li);
    });
    $('#groups-none').hidden = groups.length > 0;
    $('#groups-end').hidden = groups.length === 0;
  }

  $('#group-form').addEventListener('submit', (e) => {
    e.preventDefault();
    request('split_groups', { count: Number($('#group-count').value) || 2 }).then(renderGroups).catch(() => {});
  });
  $('#groups-end').addEventListener('click', () => request('end_groups').then(renderGroups).catch(() => {}));
  $('#join-code-renew').addEventListener('click', () => api.post(W.renew, {}).then(renderCode).catch((e) => toast(e.message, 'error')));
  $('#attendance-sign').addEventListener('click', async () => {
    try {
      const response = await fetch(W.sign, { method: 'POST', headers: { 'X-CSRFToken': document.querySelector('meta[name="csrf-token"]').content } });
      if (!response.ok) { const body = await response.json(); throw new Error(body.error.message); }
      const url = URL.createObjectURL(await response.blob());
      const a = document.createElement('a');
      a.href = url; a.download = 'diem-danh-da-ky.pdf'; a.click();
      toast(T.signed, 'ok');
    } catch (err) { toast(err.message, 'error'); }
  });

  return {
    applyState(s) { renderCode(s.join_code); renderRequests(s.join_requests); renderGroups(s.groups); },
    renderRequests,
    renderGroups,
  };
}
