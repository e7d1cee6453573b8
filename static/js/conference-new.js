/**
 * Creating a conference: the invited sites' filter and counter, "select all wards" (for
 * a city host), the host left out of the sites, and only the host's meetings offered.
 * The form works without this script; the server checks everything again.
 */
(function () {
  const form = document.getElementById('conference-form');
  if (!form) return;
  const host = document.getElementById('host');
  const meeting = document.getElementById('meeting_id');
  const filter = document.getElementById('sites-filter');
  const allWards = document.getElementById('sites-all-wards');
  const boxes = Array.from(form.querySelectorAll('input[name="sites"]'));
  const LOCAL = ['ward', 'commune'];

  function count() {
    document.getElementById('sites-count').textContent = String(boxes.filter((b) => b.checked && !b.disabled).length);
  }

  function onHost() {
    const chosen = host.selectedOptions[0];
    const code = host.value;
    for (const box of boxes) {
      box.disabled = box.value === code;
      if (box.disabled) box.checked = false;
      box.closest('.cf-site').classList.toggle('is-host', box.disabled);
    }
    allWards.hidden = !(chosen && chosen.dataset.kind === 'city');
    const orgId = chosen ? chosen.dataset.id : '';
    for (const option of meeting.options) {
      if (!option.value) continue;
      option.hidden = option.dataset.org !== orgId;
      if (option.hidden && option.selected) meeting.value = '';
    }
    count();
  }

  function onFilter() {
    const words = filter.value.trim().toLowerCase();
    let shown = 0;
    for (const box of boxes) {
      const label = box.closest('.cf-site');
      label.hidden = Boolean(words) && !label.dataset.text.includes(words);
      if (!label.hidden) shown += 1;
    }
    document.getElementById('sites-none-match').hidden = shown > 0;
  }

  allWards.addEventListener('click', () => {
    for (const box of boxes) if (LOCAL.includes(box.dataset.kind) && !box.disabled) box.checked = true;
    count();
  });
  document.getElementById('sites-none').addEventListener('click', () => {
    for (const box of boxes) box.checked = false;
    count();
  });
  form.addEventListener('change', (e) => { if (e.target.name === 'sites') count(); });
  host.addEventListener('change', onHost);
  filter.addEventListener('input', onFilter);
  onHost();
})();
