"""Socket.IO plumbing shared by every namespace.

Connections authenticate with the session cookie or ``auth={"token": …}``; the
credential is re-checked on every event and on a timer (core.socket_auth). Every
request event goes through :func:`socket_event`, which reloads the user, runs the
handler, commits once, and answers the ack with ``{"ok": true, …}`` or
``{"ok": false, "error": {code, message}}``. Handlers check room rights on every event.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from core.errors import DomainError
from core.extensions import db, socketio
from core.models import User
from core.socket_auth import connection_credential, credential_user, watch

log = logging.getLogger(__name__)


def socket_user() -> User:
    """The connection's user, reloaded with its credential re-checked (an account disabled,
    a sign-out, or a token revoked or expired mid-meeting loses access)."""
    user = credential_user(session.get("sohoa_auth"))
    if user is None:
        raise DomainError("unauthorized", _("Bạn cần đăng nhập để tiếp tục."), 401)
    return user


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the handler's transaction has committed (never before)."""
    g.setdefault("sohoa_pending_emits", []).append(callback)


def emit_after_commit(event: str, payload: dict[str, Any], to: str, namespace: str) -> None:
    """Send an event once the handler's transaction has committed (never before)."""
    after_commit(lambda: socketio.emit(event, payload, to=to, namespace=namespace))


def flush_emits() -> None:
    for callback in g.pop("sohoa_pending_emits", []):
        callback()


def ack_error(err: DomainError) -> dict[str, Any]:
    return {"ok": False, "error": err.to_dict()}


def socket_event(handler: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
    """Wrap ``handler(self, user, data)`` into a Socket.IO event with a uniform ack."""

    @functools.wraps(handler)
    def wrapper(self, data: Any = None) -> dict[str, Any]:
        g.pop("sohoa_pending_emits", None)
        try:
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise DomainError("invalid_payload", _("Dữ liệu gửi lên không hợp lệ."))
            result = handler(self, socket_user(), data) or {}
            db.session.commit()
            flush_emits()
            return {"ok": True, **result}
        except DomainError as err:
            db.session.rollback()
            g.pop("sohoa_pending_emits", None)
            return ack_error(err)
        except Exception:  # a bug: log it, tell the client plainly, keep the connection
            db.session.rollback()
            log.exception("socket handler %s failed", handler.__name__)
            message = _("Đã có lỗi hệ thống. Vui lòng thử lại.")
            return ack_error(DomainError("internal_error", message))

    return wrapper


class AuthenticatedNamespace(Namespace):
    """A namespace that refuses anonymous connections and remembers who connected."""

    def on_connect(self, auth: Any = None) -> None:
        signed_in = connection_credential(auth)
        if signed_in is None:
            # python-socketio's ConnectionRefusedError (imported from flask_socketio), not
            # the builtin: only it passes the reason on to the client's connect_error.
            raise ConnectionRefusedError("unauthorized")
        user, credential = signed_in
        session["sohoa_auth"] = credential
        watch.add(current_app._get_current_object(), request.sid, self.namespace, credential)
        if isinstance(auth, dict) and auth.get("lang") in ("vi", "en"):
            session["lang"] = auth["lang"]
        self.connected(user)

    def connected(self, user: User) -> None:
        """Hook for subclasses: join personal rooms and so on."""


class NotificationsNamespace(AuthenticatedNamespace):
    """``/notifications``: live announcements to a person or an organisation."""

    def connected(self, user: User) -> None:
        join_room(f"user:{user.id}")
        for org in user.organizations:
            join_room(f"org:{org.code}")


def notify_organization(org_code: str, event: str, payload: dict[str, Any]) -> None:
    """Send an event to everyone connected from an organisation (any process)."""
    socketio.emit(event, payload, to=f"org:{org_code}", namespace="/notifications")


def notify_user(user_id: int, event: str, payload: dict[str, Any]) -> None:
    socketio.emit(event, payload, to=f"user:{user_id}", namespace="/notifications")


def register(app: Flask) -> None:
    socketio.on_namespace(NotificationsNamespace("/notifications"))
