"""Which server process holds each live connection, and which processes are gone.

A row that stands for a live device (in a meeting room, in a lesson) carries the id of
the process that holds its connection (:class:`HeldByNode`). A process with connections
writes a heartbeat (``server_node.seen_at``) every ``NODE_HEARTBEAT_SECONDS``, and after
each one looks for processes silent for three heartbeats and five seconds more. Each
feature then forgets their devices as if they had disconnected (:func:`add_sweeper`), so
a process killed with ``kill -9`` leaves nobody "online" behind it. A row whose process
never wrote a heartbeat is forgotten once it is older than that too.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy import ColumnElement, String, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from core import transaction
from core.db import utcnow
from core.extensions import Model, db, socketio

log = logging.getLogger(__name__)

_identity: tuple[int, str] | None = None


def node_id() -> str:
    """This process's id (a new one after a fork: gunicorn's worker is not its master)."""
    global _identity
    if _identity is None or _identity[0] != os.getpid():
        _identity = (os.getpid(), uuid.uuid4().hex)
    return _identity[1]


class ServerNode(Model):
    """A server process that holds connections, and when it last said so."""

    __tablename__ = "server_node"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class HeldByNode:
    """The columns of a live-connection row: who holds it, since when."""

    node: Mapped[str] = mapped_column(String(40), default=node_id, server_default="", index=True)
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


def gone_devices(model: Any, gone: list[str], cutoff: datetime) -> list[str]:
    """The ``sid`` of every row of ``model`` (a :class:`HeldByNode` connection table) whose
    process is gone, or never beat and the row is older than ``cutoff``."""
    never_seen = and_(model.node.not_in(select(ServerNode.id)), model.joined_at < cutoff)
    held: ColumnElement[bool] = or_(model.node.in_(gone), never_seen)
    return list(db.session.scalars(select(model.sid).where(held)))


# A feature's sweeper forgets the devices of gone processes, in the caller's transaction.
Sweeper = Callable[[list[str], datetime], None]
_sweepers: list[Sweeper] = []


def add_sweeper(sweeper: Sweeper) -> None:
    if sweeper not in _sweepers:
        _sweepers.append(sweeper)


def gone_after(app: Flask) -> timedelta:
    return timedelta(seconds=3 * float(app.config["NODE_HEARTBEAT_SECONDS"]) + 5)


def beat() -> None:
    """Say this process is alive (in the caller's transaction)."""
    me, now = node_id(), utcnow()
    seen = update(ServerNode).where(ServerNode.id == me).values(seen_at=now)
    if getattr(db.session.execute(seen), "rowcount", 0):
        return
    db.session.execute(insert(ServerNode).values(id=me, seen_at=now))


def sweep(app: Flask) -> list[str]:
    """Forget the devices of every gone process, then the processes; returns their ids."""
    cutoff = utcnow() - gone_after(app)
    gone = list(db.session.scalars(select(ServerNode.id).where(ServerNode.seen_at < cutoff)))
    for sweeper in _sweepers:
        sweeper(gone, cutoff)
    if gone:
        db.session.execute(delete(ServerNode).where(ServerNode.id.in_(gone)))
        log.warning("forgot the connections of %s gone server process(es)", len(gone))
    return gone


class Heartbeat:
    """Started with this process's first connection; beats and sweeps until it ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started_in: int | None = None

    def ensure(self, app: Flask) -> None:
        if float(app.config["NODE_HEARTBEAT_SECONDS"]) <= 0:
            return
        with self._lock:
            if self._started_in == os.getpid():
                return
            self._started_in = os.getpid()
        socketio.start_background_task(self._run, app)

    def _run(self, app: Flask) -> None:
        while True:
            try:
                with app.app_context():
                    self.once(app)
            except Exception:  # a database hiccup must not end the heartbeat
                log.exception("server heartbeat failed")
            socketio.sleep(float(app.config["NODE_HEARTBEAT_SECONDS"]))

    @staticmethod
    def once(app: Flask) -> list[str]:
        """One beat and one sweep, committed together (retried when SQLite is locked)."""

        def work() -> list[str]:
            transaction.begin()
            with transaction.one_writer():
                beat()
                gone = sweep(app)
                transaction.commit()  # then the features' broadcasts of who left
            return gone

        try:
            return transaction.retrying(work)
        finally:
            db.session.remove()


heartbeat = Heartbeat()
