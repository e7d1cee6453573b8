"""The devices of bench.hall: one client process holding a share of the hall's devices.

The parent drives it through a pipe, one command at a time:

- ``("storm", t0)``: every device connects and joins at once (one thread each); answers
  with each join's outcome and its time since ``t0`` (time.monotonic(), one clock for the
  whole machine on Linux);
- ``("twins",)``: every TWIN_EVERY-th person also opens a second device (same account);
- ``("ballot", vote_id, start_at)``: each person's ballot leaves at its moment within one
  second from ``start_at``; a twin device sends the same ballot at the same moment;
- ``("drop_twins",)``: the second devices go away;
- ``("cut",)``: every device's connection is cut (its socket shut down, as when the hall's
  Wi-Fi drops); each reconnects by itself (1 s base delay, ×2 up to 5 s, ±50 %, like the
  room page) and joins again, as the page does; progress gets ``("back", worker)`` once all
  are back;
- ``("collect",)``: everything recorded; ``("exit",)``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from typing import Any

from bench.common import CONNECT_TIMEOUT, NAMESPACE, ClientSpec, InlineClient

TWIN_EVERY = 10
PATTERN = ("yes",) * 6 + ("no",) * 3 + ("abstain",)


def choice_of(number: int) -> str:
    return PATTERN[number % len(PATTERN)]


class ReconnectingClient(InlineClient):
    """Gives every connection attempt, reconnections included, as long as the room page
    does: socket.io-client waits 20 s for a connection (its ``timeout`` option), while
    python-socketio's reconnection gives each attempt 1 s and then waits 2, 4, 5 s for the
    next one. In a storm that abandons attempts the server is still answering."""

    def connect(self, *args: Any, wait_timeout: float = CONNECT_TIMEOUT, **kwargs: Any) -> None:
        super().connect(*args, wait_timeout=wait_timeout, **kwargs)


class Device:
    """One tablet: its connection and what it saw."""

    def __init__(self, number: int, spec: ClientSpec, worker: Worker, twin: bool = False):
        self.number, self.spec, self.worker, self.twin = number, spec, worker, twin
        self.client = ReconnectingClient(
            reconnection=not twin,
            reconnection_delay=1,
            reconnection_delay_max=5,
            randomization_factor=0.5,
        )
        self.joins: list[tuple[float, Any]] = []  # (time, ack) of every join
        self.pages: list[tuple[int, float]] = []
        self.tallies: list[tuple[float, int]] = []
        self.closed: list[tuple[float, Any]] = []
        self.ballots: list[tuple[str, float, float, Any]] = []  # kind, sent, answered, ack
        self.rejoined = False
        c = self.client
        c.on("connect", self.on_connect, namespace=NAMESPACE)
        c.on("page_changed", self.on_page, namespace=NAMESPACE)
        c.on("vote_tally", self.on_tally, namespace=NAMESPACE)
        c.on(
            "vote_closed", lambda d: self.closed.append((time.monotonic(), d)), namespace=NAMESPACE
        )

    def on_connect(self) -> None:
        if self.worker.cut_at is not None and not self.twin:  # a reconnection: join again
            self.client.emit(
                self.spec.join_event,
                self.spec.join_payload,
                namespace=NAMESPACE,
                callback=self.on_rejoined,
            )

    def on_rejoined(self, ack: Any) -> None:
        self.joins.append((time.monotonic(), ack))
        if isinstance(ack, dict) and ack.get("ok") and not self.rejoined:
            self.rejoined = True
            self.worker.device_back()

    def on_page(self, data: Any) -> None:
        now = time.monotonic()
        if isinstance(data, dict) and isinstance(data.get("page"), int):
            self.pages.append((data["page"], now))

    def on_tally(self, data: Any) -> None:
        if isinstance(data, dict):
            self.tallies.append((time.monotonic(), int(data.get("cast", 0))))

    def enter(self) -> None:
        """Connect and join (the storm)."""
        try:
            self.client.connect(
                self.spec.url,
                namespaces=[NAMESPACE],
                auth=self.spec.auth,
                transports=["websocket"],
                wait_timeout=60,
            )
            ack = self.client.call(
                self.spec.join_event, self.spec.join_payload, namespace=NAMESPACE, timeout=120
            )
        except Exception as err:  # a failed join is a figure, not a crash
            ack = {"ok": False, "error": {"code": type(err).__name__}}
        self.joins.append((time.monotonic(), ack))

    def cast(self, vote_id: int, kind: str) -> None:
        ballot = {"vote_id": vote_id, "choice": choice_of(self.number)}
        sent = time.monotonic()
        self.client.emit(
            "cast_vote",
            ballot,
            namespace=NAMESPACE,
            callback=lambda ack: self.answered(kind, sent, ack),
        )

    def answered(self, kind: str, sent: float, ack: Any) -> None:
        self.ballots.append((kind, sent, time.monotonic(), ack))
        self.worker.ballot_answered()

    def cut(self) -> None:
        ws = getattr(self.client.eio, "ws", None)
        sock = getattr(ws, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def record(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "twin": self.twin,
            "joins": self.joins,
            "pages": self.pages,
            "tallies": self.tallies,
            "closed": self.closed,
            "ballots": self.ballots,
        }


class Worker:
    """The process's devices and the commands from the parent."""

    def __init__(self, progress: Any, index: int, specs: list[tuple[int, ClientSpec]]):
        self.progress, self.index = progress, index
        self.devices = [Device(n, spec, self) for n, spec in specs]
        self.twins: list[Device] = []
        self.cut_at: float | None = None
        self.lock = threading.Lock()
        self.back = 0
        self.answers = 0
        self.expected_answers = 0

    def device_back(self) -> None:
        with self.lock:
            self.back += 1
            done = self.back == len(self.devices)
        if done:
            self.progress.put(("back", self.index))

    def ballot_answered(self) -> None:
        with self.lock:
            self.answers += 1
            done = self.answers == self.expected_answers
        if done:
            self.progress.put(("answered", self.index))

    def storm(self) -> list[Any]:
        threads = [threading.Thread(target=d.enter) for d in self.devices]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
        return [(d.number, d.joins[-1] if d.joins else (0.0, None)) for d in self.devices]

    def open_twins(self) -> None:
        self.twins = [
            Device(d.number, d.spec, self, twin=True)
            for d in self.devices
            if d.number % TWIN_EVERY == 0
        ]
        threads = [threading.Thread(target=t.enter) for t in self.twins]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)

    def ballot(self, vote_id: int, start_at: float, voters: int) -> None:
        self.answers = 0
        self.expected_answers = len(self.devices) + len(self.twins)
        twins = {t.number: t for t in self.twins}
        for device in self.devices:
            at = start_at + device.number / voters  # 300 ballots spread over one second
            pair = [device] + ([twins[device.number]] if device.number in twins else [])

            def send(pair: list[Device] = pair) -> None:
                for i, d in enumerate(pair):
                    d.cast(vote_id, "twin" if i else "first")

            timer = threading.Timer(max(0.0, at - time.monotonic()), send)
            timer.daemon = True
            timer.start()

    def drop_twins(self) -> None:
        for twin in self.twins:
            twin.cut()

    def cut(self) -> None:
        self.cut_at = time.monotonic()
        for device in self.devices:
            device.cut()


def worker_main(
    conn: Any, progress: Any, index: int, specs: list[tuple[int, ClientSpec]], voters: int
) -> None:
    """A client process of bench.hall (see the module docstring)."""
    try:
        worker = Worker(progress, index, specs)
        conn.send(("ready",))
        while conn.poll(3600):
            command = conn.recv()
            if command[0] == "storm":
                conn.send(("stormed", worker.storm()))
            elif command[0] == "twins":
                worker.open_twins()
                conn.send(("twins", [d.joins[-1][1] for d in worker.twins if d.joins]))
            elif command[0] == "ballot":
                worker.ballot(command[1], command[2], voters)
            elif command[0] == "drop_twins":
                worker.drop_twins()
            elif command[0] == "cut":
                worker.cut()
            elif command[0] == "collect":
                conn.send(("records", [d.record() for d in worker.devices + worker.twins]))
            elif command[0] == "exit":
                break
    except Exception as err:  # report to the parent rather than hang it
        conn.send(("error", repr(err)))
    finally:
        conn.close()
        os._exit(0)  # no 3-second websocket closes
