"""Socket.IO plumbing shared by every namespace.

Connections authenticate with the session cookie or ``auth={"token": …}``; the
credential is re-checked on every event and on a timer (core.socket_auth). Every
request event goes through :func:`socket_event`, which reloads the user, runs the
handler, commits once (``core.transaction``), and answers the ack with ``{"ok": true, …}`` or
``{"ok": false, "error": {code, message}}``. Handlers check room rights on every event.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import gettext as _
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from core import devices, transaction
from core.errors import DomainError
from core.extensions import socketio
from core.models import User
from core.nodes import heartbeat
from core.socket_auth import connection_credential, credential_user, watch

log = logging.getLogger(__name__)


def socket_user() -> User:
    """The connection's user, reloaded with its credential re-checked (an account disabled,
    a sign-out, or a token revoked or expired mid-meeting loses access)."""
    user = credential_user(session.get("sohoa_auth"))
    if user is None:
        raise DomainError("unauthorized", _("Bạn cần đăng nhập để tiếp tục."), 401)
    return user


def connection_sid() -> str:
    """The Socket.IO id of the connection whose event is being handled."""
    return str(getattr(request, "sid", ""))


def ack_error(err: DomainError) -> dict[str, Any]:
    return {"ok": False, "error": err.to_dict()}


class EventTurns:
    """How many socket events run their handler at once in this process.

    Every event runs in a thread of its own. Three hundred ballots arriving together would
    otherwise all run at once, trading the interpreter's lock at every query: each gets a
    sliver of CPU, all finish together at the end of the burst, and the trading itself
    costs CPU. Taking turns (waiters are served first come, first served) lets the first
    ballots finish first and the burst end sooner."""

    def __init__(self) -> None:
        self._turns: threading.Semaphore | None = None

    def configure(self, size: int) -> None:
        self._turns = threading.Semaphore(size) if size > 0 else None

    def __enter__(self) -> None:
        if self._turns is not None:
            self._turns.acquire()

    def __exit__(self, *_: object) -> None:
        if self._turns is not None:
            self._turns.release()


event_turns = EventTurns()


def socket_event(handler: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
    """Wrap ``handler(self, user, data)`` into a Socket.IO event with a uniform ack."""
    return _wrap(handler, in_turns=False)


def crowd_event(handler: Callable[..., dict[str, Any] | None]) -> Callable[..., dict[str, Any]]:
    """A :func:`socket_event` that a whole room sends at the same moment (entering, a ballot,
    a poll answer): its handler waits for one of the process's turns (EventTurns). The
    chair's and the presenter's events are plain socket events and never queue behind a
    crowd."""
    return _wrap(handler, in_turns=True)


def _wrap(
    handler: Callable[..., dict[str, Any] | None], in_turns: bool
) -> Callable[..., dict[str, Any]]:
    @functools.wraps(handler)
    def wrapper(self, data: Any = None) -> dict[str, Any]:
        if not in_turns:
            return _handle(self, data)
        with event_turns:
            return _handle(self, data)

    def _handle(self, data: Any) -> dict[str, Any]:
        transaction.begin()
        try:
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise DomainError("invalid_payload", _("Dữ liệu gửi lên không hợp lệ."))
            result = handler(self, socket_user(), data) or {}
            transaction.commit()
            return {"ok": True, **result}
        except DomainError as err:
            transaction.roll_back()
            return ack_error(err)
        except Exception:  # a bug: log it, tell the client plainly, keep the connection
            transaction.roll_back()
            log.exception("socket handler %s failed", handler.__name__)
            message = _("Đã có lỗi hệ thống. Vui lòng thử lại.")
            return ack_error(DomainError("internal_error", message))

    return wrapper


class AuthenticatedNamespace(Namespace):
    """A namespace that refuses anonymous connections and remembers who connected."""

    def on_connect(self, auth: Any = None) -> None:
        signed_in = connection_credential(auth) or self.limited_credential(auth)
        if signed_in is None:
            # python-socketio's ConnectionRefusedError (imported from flask_socketio), not
            # the builtin: only it passes the reason on to the client's connect_error.
            raise ConnectionRefusedError("unauthorized")
        user, credential = signed_in
        ceiling = current_app.config["SOCKETS_PER_USER"]
        if not devices.claim(self.namespace, user.id, ceiling):
            raise ConnectionRefusedError("too_many_devices")
        session["sohoa_uid"] = user.id  # whose place to free on disconnect
        session["sohoa_auth"] = credential
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        watch.add(app, connection_sid(), self.namespace, credential)
        heartbeat.ensure(app)  # this process now holds connections: say it is alive
        if isinstance(auth, dict) and auth.get("lang") in ("vi", "en"):
            session["lang"] = auth["lang"]
        self.connected(user)

    def on_disconnect(self, reason: Any = None) -> None:
        uid = session.get("sohoa_uid")
        if uid is not None:
            devices.release(self.namespace, uid)

    def connected(self, user: User) -> None:
        """Hook for subclasses: join personal rooms and so on."""

    def limited_credential(self, auth: Any) -> tuple[User, dict[str, Any]] | None:
        """Hook for a namespace that admits devices without an account session (a lesson
        pass): their user and a limited credential (see core.socket_auth), or None."""
        return None


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
    event_turns.configure(app.config["SOCKET_EVENT_TURNS"])
    socketio.on_namespace(NotificationsNamespace("/notifications"))
