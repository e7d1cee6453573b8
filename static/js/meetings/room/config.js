/** The room's configuration, rendered by room.html into <script type="application/json" id="room-config">. */

const config = JSON.parse(document.getElementById('room-config').textContent);

export const T = config.strings; // translated texts
export const M = config.meeting; // {id, title, status, documents, agenda, people}
export const ME = config.me; // {user, name, role, is_chair, can_manage, can_set_agenda}
export const URLS = config.urls; // {record, notes, detail}

export const roleLabel = (role) => T.roles[role] || role || '';
export const personName = (user, fallback) => (M.people[user] && M.people[user].name) || fallback || user;

/** "Name (Bạn)" for the current user, the name alone for anyone else. */
export const nameOf = (user, name) => (user === ME.user ? `${name} (${T.you})` : name);
