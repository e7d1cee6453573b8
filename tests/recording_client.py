"""A device for the socket tests: a real python-socketio client on one namespace that records
every event it hears, in order, and answers the tests' questions about them."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable
from typing import Any

import socketio

WAIT = 10  # seconds for an event or an ack that must arrive


class RecordingClient:
    """Connects at once; ``events`` holds (name, data) of every listened event in order."""

    namespace = "/"

    def __init__(
        self,
        url: str,
        username: str,
        listen: Iterable[str],
        auth: dict[str, Any] | None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Iterable[str]] | None = None,
    ):
        """``extra``: other namespaces to connect too, with the events to record there."""
        self.username = username
        self.events: list[tuple[str, Any]] = []
        self._changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        spaces = {self.namespace: listen, **(extra or {})}
        for namespace, events in spaces.items():
            for event in events:
                handler = functools.partial(self._receive, event)
                self.client.on(event, handler, namespace=namespace)
        self.client.connect(
            url,
            namespaces=list(spaces),
            auth=auth,
            headers=headers,
            transports=["websocket"],
            wait_timeout=WAIT,
        )

    def _receive(self, event: str, data: Any) -> None:
        with self._changed:
            self.events.append((event, data))
            self._changed.notify_all()

    def call(self, event: str, **data: Any) -> dict[str, Any]:
        """Send a request and return its ack."""
        return self.client.call(event, data, namespace=self.namespace, timeout=WAIT)

    def ok(self, event: str, **data: Any) -> dict[str, Any]:
        ack = self.call(event, **data)
        assert ack["ok"] is True, (self.username, event, ack)
        return ack

    def refused(self, event: str, code: str, **data: Any) -> dict[str, Any]:
        ack = self.call(event, **data)
        assert ack["ok"] is False, (self.username, event, ack)
        assert ack["error"]["code"] == code, (self.username, event, ack)
        assert ack["error"]["message"].strip()
        return ack

    def mark(self) -> int:
        with self._changed:
            return len(self.events)

    def received(self, event: str, since: int = 0) -> list[Any]:
        with self._changed:
            return [data for name, data in self.events[since:] if name == event]

    def wait(
        self,
        event: str,
        match: Callable[[Any], bool] = lambda data: True,
        since: int = 0,
        timeout: float = WAIT,
    ) -> Any:
        """The first ``event`` since ``since`` that ``match``es, waiting for it if need be."""

        def found() -> Any:
            return next((d for n, d in self.events[since:] if n == event and match(d)), None)

        with self._changed:
            arrived = self._changed.wait_for(lambda: found() is not None, timeout)
            assert arrived, f"{self.username}: no {event} within {timeout}s; got {self.events}"
            return found()

    wait_for = wait
