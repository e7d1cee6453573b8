/**
 * Reading through an outage: what room.html renders into
 * <script type="application/json" id="room-offline-config"> — the service worker's URL,
 * whether the meeting is confidential and when it ends, and the texts of the offline banner.
 */
const node = document.getElementById('room-offline-config');
const config = node ? JSON.parse(node.textContent) : { strings: {} };

export const OC = config; // {worker, confidential, ends_at, strings}
export const OT = config.strings; // translated texts
