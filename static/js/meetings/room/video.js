/**
 * The conference panel of the meeting room (hội nghị truyền hình): folding it away and
 * back, remembered on this device. The video itself is the conference client
 * (static/js/conference.js), loaded as a module of its own: whatever happens to the
 * camera or the media server, the document viewer and the rest of the room go on.
 */
const KEY = 'sohoa.room-video.open';
const panel = document.getElementById('room-video');
const toggle = document.getElementById('room-video-toggle');

function remembered() {
  try {
    return window.localStorage.getItem(KEY) !== '0';
  } catch (_) {
    return true; // storage refused (private mode): open
  }
}

function setOpen(open) {
  panel.dataset.open = String(open);
  toggle.setAttribute('aria-expanded', String(open));
  try {
    window.localStorage.setItem(KEY, open ? '1' : '0');
  } catch (_) { /* not remembered */ }
}

if (panel && toggle) {
  setOpen(remembered());
  toggle.addEventListener('click', () => setOpen(panel.dataset.open !== 'true'));
}
