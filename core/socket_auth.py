"""Who a Socket.IO connection is, and whether that still holds.

A connection remembers its credential: the session epoch it signed in with (cookie
connections) or the sha256 of its API token. Every event re-checks it with one query
(:func:`credential_user`), and each process re-checks all its connections every
``SOCKET_AUTH_RECHECK_SECONDS`` and disconnects those whose token expired or was
revoked, whose user signed out or changed password, or whose account was disabled: a
tablet that only listens sends no events but must stop receiving too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, lazyload

from core.db import utcnow
from core.extensions import db, socketio
from core.http import bearer_token
from core.models import ApiToken, User
from core.security import token_hash, valid_token_row

log = logging.getLogger(__name__)
Credential = dict[str, Any]  # {"uid", "epoch"} for a cookie, {"uid", "token"} for a token
# Limited credentials ({"uid", "kind", "secret"}): a feature lets a device in without an
# account session, bound to one object of its own (a lesson pass). It registers, per kind,
# the check that answers the credential's user while it holds (None once it does not).
LIMITED_KINDS: dict[str, Callable[[Credential], User | None]] = {}


def register_limited_kind(kind: str, check: Callable[[Credential], User | None]) -> None:
    LIMITED_KINDS[kind] = check


def _limited_user(credential: Credential) -> User | None:
    check = LIMITED_KINDS.get(str(credential.get("kind")))
    return check(credential) if check is not None else None


# The token's user in the same query; memberships load only when a handler asks for them.
_TOKEN_USER = (joinedload(ApiToken.user).lazyload(User.memberships),)


def connection_credential(auth: Any) -> tuple[User, Credential] | None:
    """The user of a new connection and what to re-check: session cookie, then token."""
    if current_user and current_user.is_authenticated and not g.get("sohoa_token_auth"):
        user = current_user._get_current_object()
        return user, {"uid": user.id, "epoch": user.session_epoch or 0}
    token = auth.get("token") if isinstance(auth, dict) else None
    token = token if isinstance(token, str) and token else bearer_token()
    row = valid_token_row(token_hash(token), *_TOKEN_USER) if token else None
    user = row.user if row is not None else None
    if user is None or token is None:
        return None
    return user, {"uid": user.id, "token": token_hash(token)}


def credential_user(credential: Any) -> User | None:
    """The connection's user while its credential holds (memberships load on first use)."""
    if not isinstance(credential, dict) or not isinstance(credential.get("uid"), int):
        return None
    if "kind" in credential:
        return _limited_user(credential)
    if "token" in credential:
        row = valid_token_row(credential["token"], *_TOKEN_USER)
        return row.user if row is not None and row.user_id == credential["uid"] else None
    user = db.session.get(User, credential["uid"], options=[lazyload(User.memberships)])
    if user is None or not user.active or user.session_epoch != credential.get("epoch"):
        return None
    return user


def _still_valid(credentials: list[Credential]) -> set[str]:
    """Keys (see _key) of the credentials that hold, in two queries for all of them."""
    limited = [c for c in credentials if "kind" in c]
    credentials = [c for c in credentials if "kind" not in c]
    hashes = {c["token"] for c in credentials if "token" in c}
    uids = {c["uid"] for c in credentials if "token" not in c}
    valid: set[str] = {_key(c) for c in limited if _limited_user(c) is not None}
    if hashes:
        rows = db.session.execute(
            select(ApiToken.token_hash, ApiToken.user_id).join(User).where(
                ApiToken.token_hash.in_(hashes), ApiToken.revoked.is_(False),
                ApiToken.expires_at > utcnow(), User.active.is_(True),
            )
        )
        valid |= {_key({"uid": uid, "token": digest}) for digest, uid in rows}
    if uids:
        rows = db.session.execute(
            select(User.id, User.session_epoch).where(User.id.in_(uids), User.active.is_(True))
        )
        valid |= {_key({"uid": uid, "epoch": epoch}) for uid, epoch in rows}
    return valid


def _key(credential: Credential) -> str:
    if "kind" in credential:
        return f"{credential['uid']}:{credential['kind']}:{credential.get('secret')}"
    return f"{credential['uid']}:{credential.get('token', credential.get('epoch'))}"


class ConnectionWatch:
    """This process's authenticated connections, swept on a timer."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._connections: dict[tuple[str, str], Credential] = {}
        self._started = False

    def add(self, app: Flask, sid: str, namespace: str, credential: Credential) -> None:
        with self._lock:
            self._connections[(sid, namespace)] = credential
            start, self._started = not self._started, True
        if start:
            socketio.start_background_task(self._run, app)

    def _run(self, app: Flask) -> None:
        while True:
            socketio.sleep(app.config["SOCKET_AUTH_RECHECK_SECONDS"])
            try:
                self.sweep(app)
            except Exception:  # keep sweeping: a database hiccup must not end the watch
                log.exception("socket credential sweep failed")

    def sweep(self, app: Flask) -> int:
        """Disconnect this process's connections whose credential no longer holds."""
        manager = socketio.server.manager
        with self._lock:
            for key in [k for k in self._connections if not manager.is_connected(*k)]:
                del self._connections[key]
            entries = list(self._connections.items())
        with app.app_context():
            valid = _still_valid([credential for _, credential in entries])
            db.session.remove()
        stale = [key for key, credential in entries if _key(credential) not in valid]
        for sid, namespace in stale:
            with self._lock:
                self._connections.pop((sid, namespace), None)
            socketio.server.disconnect(sid, namespace=namespace, ignore_queue=True)
        return len(stale)


watch = ConnectionWatch()
