"""One commit per call, and side effects only after it.

Every HTTP view (through :class:`CommittingBlueprint`) and every Socket.IO event (through
``core.realtime.socket_event``) runs the same way:

1. the handler loads, checks and calls rule functions, which only ``flush``;
2. a successful call (a 2xx/3xx response, an ``ok`` ack) commits once;
3. then the callbacks queued with :func:`after_commit` run — broadcasts, notifications —
   so nobody hears of a change that was rolled back;
4. a refused call (a ``DomainError``, a 4xx page or a crash) rolls back and the queued
   callbacks are dropped.

Rule functions never commit and never emit directly: they queue with ``after_commit``
or :func:`emit_after_commit`.
"""

from __future__ import annotations

import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Blueprint, current_app, g
from flask.typing import ResponseReturnValue, RouteCallable
from flask_babel import gettext as _
from sqlalchemy.exc import DBAPIError

from core.errors import DomainError
from core.extensions import db, socketio

_PENDING = "sohoa_after_commit"
T = TypeVar("T")
log = logging.getLogger(__name__)


def after_commit(callback: Callable[[], None]) -> None:
    """Run ``callback`` once the call's transaction has committed (never before)."""
    g.setdefault(_PENDING, []).append(callback)


def emit_after_commit(event: str, payload: dict[str, Any], to: str, namespace: str) -> None:
    """Send a Socket.IO event once the call's transaction has committed."""
    after_commit(lambda: socketio.emit(event, payload, to=to, namespace=namespace))


def begin() -> None:
    """Start a call with nothing queued (a previous call's leftovers never leak in)."""
    g.pop(_PENDING, None)


def commit() -> None:
    """Commit the call's work once, then run what was queued for after the commit."""
    db.session.commit()
    for callback in g.pop(_PENDING, []):
        callback()


def commit_keeping_loaded() -> None:
    """Commit the call's writes so far and go on with the rows already loaded (not
    expired and read again): for a handler that releases the database before it builds a
    large answer from the same rows (the room's join). Runs nothing queued."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def roll_back() -> None:
    """Undo the call's work and drop what was queued."""
    db.session.rollback()
    g.pop(_PENDING, None)


def committing(view: Callable[..., Any]) -> RouteCallable:
    """Wrap an HTTP view: commit once on success (status < 400), roll back otherwise."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        begin()
        try:
            response = current_app.make_response(view(*args, **kwargs))
        except BaseException:
            roll_back()
            raise
        if response.status_code >= 400:
            roll_back()
        else:
            commit()
        return response

    return wrapper


class CommittingBlueprint(Blueprint):
    """A blueprint whose every view commits once (see the module docstring)."""

    def add_url_rule(
        self,
        rule: str,
        endpoint: str | None = None,
        view_func: RouteCallable | None = None,
        provide_automatic_options: bool | None = None,
        **options: Any,
    ) -> None:
        if view_func is not None:
            view_func = committing(view_func)
        super().add_url_rule(rule, endpoint, view_func, provide_automatic_options, **options)


# -- a locked database: try again inside the server ----------------------------------------

LOCK_RETRIES = 8  # tries in all; the waits below add up to about 3 s


def lock_conflict(err: BaseException) -> bool:
    """A write that lost a race for the database and may simply be tried again: SQLite's
    "database is locked" (busy), PostgreSQL's serialization failure, deadlock or lock
    timeout."""
    if not isinstance(err, DBAPIError):
        return False
    code = getattr(err.orig, "sqlstate", None)
    if code in ("40001", "40P01", "55P03"):
        return True
    text = str(err.orig).lower()
    return "database is locked" in text or "database table is locked" in text


_ONE_WRITER = threading.Lock()


@contextmanager
def one_writer() -> Iterator[None]:
    """Around a short write and its commit: on SQLite, the writers of this process take
    turns on a lock, in order, instead of racing for SQLite's one write lock and sleeping
    in its busy handler (under 300 ballots at once that convoy made answers take seconds).
    Nothing on PostgreSQL, whose rows lock one by one.

    Whatever the call read so far is committed first (a read-only transaction: nothing
    changes, nothing queued runs) so that a writer waiting its turn holds no pooled
    connection: 300 waiting joins must not starve the presenter's page turn of one."""
    if db.engine.dialect.name != "sqlite":
        yield
        return
    commit_keeping_loaded()
    with _ONE_WRITER:
        yield


def retrying(work: Callable[[], T], attempts: int | None = None) -> T:
    """Run ``work`` (which writes and commits); when the database was locked, roll back,
    wait a little (growing, with jitter, so a storm spreads out) and run it again. Still
    locked after every try: a clear 503 ``database_busy``, never an internal error."""
    attempts = attempts or LOCK_RETRIES
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except DBAPIError as err:
            if not lock_conflict(err):
                raise
            db.session.rollback()
            if attempt == attempts:
                log.warning("database still locked after %s tries", attempts)
                break
            log.info("database locked, trying again (%s/%s)", attempt, attempts)
            time.sleep(min(0.8, 0.025 * 2**attempt) * (0.5 + random.random()))
    message = _("Máy chủ đang bận, vui lòng thử lại sau giây lát.")
    raise DomainError("database_busy", message, 503)
