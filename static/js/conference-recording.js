/**
 * Recording the conference (ghi hình): the REC indicator every site sees, the chair's
 * start/stop button, and the list of kept recordings with their download links.
 */
const $ = (id) => document.getElementById(id);

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function setupRecording({ socket, request, alertBox, texts, chair, recordings }) {
  const indicator = $('conf-rec');
  const button = $('btn-record');
  if (!indicator) return null;
  const state = { active: (recordings || []).find((r) => r.status === 'recording') || null, timer: null };

  function tick() {
    if (!state.active) return;
    const since = (Date.now() - Date.parse(state.active.started_at)) / 1000;
    $('conf-rec-time').textContent = clock(since);
  }

  function render() {
    indicator.hidden = !state.active;
    clearInterval(state.timer);
    if (state.active) { tick(); state.timer = setInterval(tick, 1000); }
    if (button) {
      button.textContent = state.active ? texts.stopRecord : texts.record;
      button.setAttribute('aria-pressed', String(!!state.active));
      button.classList.toggle('btn-rec', !!state.active);
    }
  }

  function addKept(r) {
    const list = $('conf-recordings');
    if (!list || list.querySelector(`[data-id="${r.id}"]`)) return;
    const li = document.createElement('li');
    li.dataset.id = r.id;
    const d = new Date(r.started_at);
    const two = (n) => String(n).padStart(2, '0');
    const when = `${two(d.getHours())}:${two(d.getMinutes())} ${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()}`;
    if (r.url) {
      const a = document.createElement('a');
      a.href = r.url; a.download = ''; a.textContent = when;
      const length = document.createElement('span');
      length.className = 'muted'; length.textContent = ` ${Math.floor((r.duration || 0) / 60)}:${String(Math.floor((r.duration || 0) % 60)).padStart(2, '0')}`;
      li.append(a, length);
    } else {
      li.className = 'muted';
      li.textContent = `${when} — ${texts.recordingFailed}`;
    }
    list.prepend(li);
    $('conf-no-recordings').hidden = true;
  }

  socket.on('recording_started', (r) => { state.active = r; render(); });
  socket.on('recording_stopped', (r) => { state.active = null; render(); addKept(r); });
  if (button && chair) {
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const ack = await request(state.active ? 'stop_recording' : 'start_recording');
        if (ack.recording.status === 'recording') state.active = ack.recording;
        else { state.active = null; addKept(ack.recording); }
        render();
      } catch (e) {
        alertBox(e.message);
      } finally {
        button.disabled = false;
      }
    });
  }
  render();
  return state;
}
