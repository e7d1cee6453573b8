/**
 * The room's Socket.IO connection (namespace /meetings): requests with an acknowledgement,
 * the connection indicator in the header, and joining again after every (re)connection.
 */
import { $, room } from './dom.js';
import { M, T } from './config.js';
import { state } from './state.js';
import { showBanner, toast } from './notices.js';

const REQUEST_TIMEOUT_MS = 10000;

export const socket = window.io('/meetings', {
  transports: ['websocket'],
  reconnectionDelay: 1000,
  reconnectionDelayMax: 5000,
});

/** Send a request; resolves with the ack on success, toasts the error and rejects on failure. */
export function request(event, data = {}, { quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    if (!socket.connected) {
      if (!quiet) toast(T.offlineAction, 'error');
      reject(new Error('offline'));
      return;
    }
    socket.timeout(REQUEST_TIMEOUT_MS).emit(event, { meeting_id: M.id, ...data }, (err, ack) => {
      if (err) {
        if (!quiet) toast(T.timeout, 'error');
        reject(err);
      } else if (!ack || !ack.ok) {
        const message = ack && ack.error ? ack.error.message : T.timeout;
        if (!quiet) toast(message, 'error');
        reject(Object.assign(new Error(message), { code: ack && ack.error && ack.error.code }));
      } else {
        resolve(ack);
      }
    });
  });
}

const conn = $('#room-conn');
const CONNECTION_LABELS = {
  connecting: T.connConnecting,
  connected: T.connConnected,
  reconnecting: T.connReconnecting,
  offline: T.connOffline,
};

function setConnection(kind) {
  conn.dataset.state = kind;
  const label = CONNECTION_LABELS[kind];
  $('.room-conn-label', conn).textContent = label;
  conn.title = label;
  room.dataset.connection = kind;
}

let everJoined = false;
let onJoined = () => {};

/** Join the room (again); the ack (the whole room state) goes to the callback given to connect(). */
export async function join() {
  try {
    const ack = await request('join', {}, { quiet: everJoined });
    everJoined = true;
    state.joined = true;
    setConnection('connected');
    onJoined(ack);
  } catch (err) {
    state.joined = false;
    if (socket.connected) setConnection('offline');
  }
}

function onConnectError(err) {
  if (socket.active) {
    setConnection(everJoined ? 'reconnecting' : 'connecting');
  } else {
    setConnection('offline'); // refused (e.g. the session expired): no automatic retry
    showBanner(T.sessionExpired, 'error');
    console.warn('room: connection refused', err && err.message);
  }
}

/** Follow the socket's connection; `applyState(ack)` receives the room state on every join. */
export function connect(applyState) {
  onJoined = applyState;
  socket.on('connect', () => {
    setConnection('connecting');
    join();
  });
  socket.on('disconnect', () => {
    state.joined = false;
    setConnection(socket.active ? 'reconnecting' : 'offline');
  });
  socket.on('connect_error', onConnectError);
}
