/**
 * HTTP calls of the room go through the shared helper static/js/sohoa-api.js (CSRF header,
 * JSON errors in the user's language). It is a classic script exposing window.Sohoa, loaded
 * by room.html before the room's modules.
 */
const { api, ApiError } = window.Sohoa;

export { api };

/** The server's own error message (already in the user's language), or null when it sent none. */
export function serverMessage(err) {
  const fromServer = err instanceof ApiError && err.status > 0 && err.code !== `http_${err.status}`;
  return fromServer ? err.message : null;
}
