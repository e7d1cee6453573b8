"""The embedded hub in a process of its own: ``sohoa conference-server`` runs it, and the
web processes reach it through :class:`RemoteEngine` when ``CONFERENCE_SERVER`` is set
(``host:port``). Requests are small pickled tuples over an authenticated local socket
(multiprocessing.connection, the key derived from ``SECRET_KEY``); SDP stays text."""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
from multiprocessing.connection import Client, Connection, Listener
from typing import Any

from conference.engine import MediaError

log = logging.getLogger(__name__)
CALLS = {"publish", "subscribe", "leave", "floor", "stats", "connected"}
CALLS |= {"start_recording", "stop_recording"}


def authkey(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"sohoa-conference-server", hashlib.sha256).digest()


def parse_address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    return host or "127.0.0.1", int(port)


class RemoteEngine:
    """A :class:`conference.engine.MediaEngine` whose hub runs in another process."""

    def __init__(self, address: tuple[str, int], key: bytes) -> None:
        self.address, self.key = address, key
        self._local = threading.local()

    def _conn(self) -> Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            try:
                conn = self._local.conn = Client(self.address, authkey=self.key)
            except OSError as err:
                raise MediaError("engine_unavailable", str(err)) from None
        return conn

    def _call(self, name: str, *args: Any) -> Any:
        conn = self._conn()
        try:
            conn.send((name, *args))
            ok, value = conn.recv()
        except (OSError, EOFError) as err:
            self._local.conn = None
            raise MediaError("engine_unavailable", str(err)) from None
        if not ok:
            raise MediaError(*value)
        return value

    def publish(self, conference_id: int, site: str, offer: str) -> str:
        return str(self._call("publish", conference_id, site, offer))

    def subscribe(self, conference_id: int, site: str, source: str, offer: str) -> str:
        return str(self._call("subscribe", conference_id, site, source, offer))

    def leave(self, conference_id: int, site: str) -> None:
        self._call("leave", conference_id, site)

    def floor(self, conference_id: int, audible: set[str]) -> None:
        self._call("floor", conference_id, set(audible))

    def stats(self, conference_id: int) -> dict[str, dict[str, Any]]:
        return dict(self._call("stats", conference_id))

    def connected(self, conference_id: int) -> set[str]:
        return set(self._call("connected", conference_id))

    def start_recording(self, conference_id: int, path: str, host: str) -> None:
        self._call("start_recording", conference_id, path, host)

    def stop_recording(self, conference_id: int) -> dict[str, Any]:
        return dict(self._call("stop_recording", conference_id))

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()


def _serve_connection(engine: Any, conn: Connection) -> None:
    while True:
        try:
            name, *args = conn.recv()
        except (EOFError, OSError):
            return
        try:
            if name not in CALLS:
                raise MediaError("engine_unavailable", f"unknown call {name!r}")
            conn.send((True, getattr(engine, name)(*args)))
        except MediaError as err:
            conn.send((False, (err.code, err.detail)))
        except Exception as err:  # a bug in the hub: answer, keep serving
            log.exception("conference server: %s failed", name)
            conn.send((False, ("engine_unavailable", repr(err))))


def serve(
    engine: Any, address: tuple[str, int], key: bytes, ready: threading.Event | None = None
) -> None:
    """Answer web processes until killed (one thread per connection)."""
    listener = Listener(address, authkey=key)
    log.info("conference server listening on %s:%s", *listener.address)
    if ready is not None:
        ready.set()
    while True:
        try:
            conn = listener.accept()
        except (OSError, EOFError):  # a client with the wrong key, or gone
            continue
        threading.Thread(target=_serve_connection, args=(engine, conn), daemon=True).start()
