"""A crowd of light Socket.IO clients for the benches: many connections per process.

python-socketio's client runs two threads per connection; four hundred of them on the two
cores of this machine spend more CPU than the server they measure, and a bench then times
its own clients. Here one asyncio loop per process holds a few hundred websocket connections
(aiohttp), speaking Engine.IO 4 / Socket.IO 5 directly: open, namespace connect with auth,
ping/pong, events and acks. Only what the benches need: no polling transport, no binary
packets, no reconnection.

The crowd runs in child processes (``--client-procs``); the parent sends commands over a
pipe and merges the answers. Arrival times are ``time.perf_counter()`` (CLOCK_MONOTONIC on
Linux, the same clock in every process), so they compare with the parent's send times.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import multiprocessing
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp


@dataclass
class Listen:
    """Which event marks an arrival and how to read its key: ``payload[field]``, with
    everything up to the first dash cut off when ``after_dash`` (``"12-k7"`` → ``"k7"``)."""

    event: str
    field: str
    after_dash: bool = False

    def key(self, payload: dict[str, Any]) -> str:
        value = str(payload.get(self.field))
        return value.split("-", 1)[1] if self.after_dash and "-" in value else value


@dataclass
class Member:
    """One client of the crowd: where it connects, as whom, and the room it joins."""

    url: str
    namespace: str
    tag: int  # the room it belongs to (a lesson, a meeting): arrivals are counted per tag
    auth: dict[str, Any] | None = None
    join: tuple[str, dict[str, Any]] | None = None


@dataclass
class _Socket:
    ws: aiohttp.ClientWebSocketResponse
    namespace: str
    tag: int
    pending: dict[int, asyncio.Future] = field(default_factory=dict)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    connected: asyncio.Future | None = None

    async def send(self, event: str, data: Any, ack: bool = True) -> Any:
        number = next(self.ids) if ack else None
        future = asyncio.get_running_loop().create_future() if ack else None
        if number is not None and future is not None:
            self.pending[number] = future
        body = json.dumps([event, data], separators=(",", ":"))
        await self.ws.send_str(f"42{self.namespace},{number or ''}{body}")
        return await asyncio.wait_for(future, 120) if future is not None else None


def _split(packet: str) -> tuple[str, str, int | None, Any]:
    """A Socket.IO packet (after the Engine.IO '4'): type, namespace, ack id, data."""
    kind, rest, namespace = packet[0], packet[1:], "/"
    if rest.startswith("/"):
        namespace, _, rest = rest.partition(",")
    digits = len(rest) - len(rest.lstrip("0123456789"))
    ack = int(rest[:digits]) if digits else None
    rest = rest[digits:]
    return kind, namespace, ack, json.loads(rest) if rest else None


class _Crowd:
    """The connections of one child process and what they have received."""

    def __init__(self, listen: Listen) -> None:
        self.listen = listen
        self.sockets: list[_Socket] = []
        self.arrivals: dict[tuple[int, str], list[float]] = {}
        self.session: aiohttp.ClientSession | None = None

    async def add(self, member: Member) -> None:
        if self.session is None:
            # no cap on open connections (aiohttp keeps 100 by default)
            self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        url = member.url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        ws = await self.session.ws_connect(url, autoping=False, max_msg_size=0)
        opening = await ws.receive_str()
        if not opening.startswith("0"):
            raise RuntimeError(f"unexpected opening {opening[:80]}")
        sock = _Socket(ws, member.namespace, member.tag)
        sock.connected = asyncio.get_running_loop().create_future()
        asyncio.create_task(self._read(sock))
        auth = json.dumps(member.auth) if member.auth else ""
        await ws.send_str(f"40{member.namespace},{auth}")
        await asyncio.wait_for(sock.connected, 60)
        if member.join is not None:
            ack = await sock.send(*member.join)
            if isinstance(ack, dict) and ack.get("ok") is False:
                raise RuntimeError(f"join refused: {ack}")
        self.sockets.append(sock)

    async def _read(self, sock: _Socket) -> None:
        async for message in sock.ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            text: str = message.data
            if text == "2":
                await sock.ws.send_str("3")
            elif text.startswith("4"):
                self._packet(sock, text[1:])

    def _packet(self, sock: _Socket, packet: str) -> None:
        kind, _namespace, ack, data = _split(packet)
        if kind == "2" and isinstance(data, list) and data:
            if data[0] == self.listen.event and len(data) > 1:
                key = (sock.tag, self.listen.key(data[1]))
                self.arrivals.setdefault(key, []).append(time.perf_counter())
        elif kind == "3" and ack is not None:
            future = sock.pending.pop(ack, None)
            if future is not None and not future.done():
                future.set_result(data[0] if isinstance(data, list) and data else data)
        elif kind in "04" and sock.connected is not None and not sock.connected.done():
            if kind == "0":
                sock.connected.set_result(data)
            else:
                sock.connected.set_exception(RuntimeError(f"connect refused: {data}"))

    async def call_all(self, tag: int, event: str, data: Any) -> list[float]:
        """Every socket of the room sends the event at once; the times of the acks."""

        async def one(sock: _Socket) -> float:
            ack = await sock.send(event, data)
            if isinstance(ack, dict) and ack.get("ok") is False:
                raise RuntimeError(f"{event} refused: {ack}")
            return time.perf_counter()

        return list(await asyncio.gather(*(one(s) for s in self.sockets if s.tag == tag)))

    def collect(self) -> dict[tuple[int, str], tuple[int, float]]:
        got = {key: (len(times), max(times)) for key, times in self.arrivals.items()}
        self.arrivals.clear()
        return got

    async def close(self) -> None:
        await asyncio.gather(*(s.ws.close() for s in self.sockets), return_exceptions=True)
        if self.session is not None:
            await self.session.close()


async def _gated(gate: asyncio.Semaphore, work: Any) -> None:
    async with gate:
        await work


async def _serve(conn: Any, listen: Listen) -> None:
    crowd, loop = _Crowd(listen), asyncio.get_running_loop()
    while True:
        command, *args = await loop.run_in_executor(None, conn.recv)
        try:
            if command == "add":
                gate, before = asyncio.Semaphore(16), len(crowd.sockets)
                await asyncio.gather(*(_gated(gate, crowd.add(m)) for m in args[0]))
                answer: Any = len(crowd.sockets) - before
            elif command == "call_all":
                answer = await crowd.call_all(*args)
            elif command == "collect":
                answer = crowd.collect()
            else:
                await crowd.close()
                conn.send(("ok", None))
                return
            conn.send(("ok", answer))
        except Exception as err:  # report to the parent instead of dying silently
            conn.send(("error", repr(err)))


def _child(conn: Any, listen: Listen) -> None:
    asyncio.run(_serve(conn, listen))


class LightCrowd:
    """Clients spread over ``processes`` child processes, driven from the bench."""

    def __init__(self, listen: Listen, processes: int = 1) -> None:
        context = multiprocessing.get_context("spawn")
        self._pipes = []
        self._procs = []
        for _ in range(processes):
            parent, child = context.Pipe()
            proc = context.Process(target=_child, args=(child, listen), daemon=True)
            proc.start()
            self._pipes.append(parent)
            self._procs.append(proc)

    def _ask(self, commands: list[tuple[Any, ...]]) -> list[Any]:
        for pipe, command in zip(self._pipes, commands, strict=True):
            pipe.send(command)
        answers = []
        for pipe in self._pipes:
            status, answer = pipe.recv()
            if status != "ok":
                raise RuntimeError(answer)
            answers.append(answer)
        return answers

    def add(self, members: list[Member]) -> int:
        """Connect (and join) every member, spread over the processes; how many are in."""
        shares = [members[n :: len(self._pipes)] for n in range(len(self._pipes))]
        return sum(self._ask([("add", share) for share in shares]))

    def call_all(self, tag: int, event: str, data: Any) -> list[float]:
        """Every member of the room sends ``event`` at once; the times of their acks."""
        answers = self._ask([("call_all", tag, event, data)] * len(self._pipes))
        return [t for times in answers for t in times]

    def collect(self) -> dict[tuple[int, str], tuple[int, float]]:
        """Per (tag, key): how many members received it and when the last one did."""
        merged: dict[tuple[int, str], tuple[int, float]] = {}
        for answer in self._ask([("collect",)] * len(self._pipes)):
            for key, (count, last) in answer.items():
                seen, latest = merged.get(key, (0, 0.0))
                merged[key] = (seen + count, max(latest, last))
        return merged

    def close(self) -> None:
        try:
            self._ask([("close",)] * len(self._pipes))
        finally:
            for proc in self._procs:
                proc.join(10)
                if proc.is_alive():
                    proc.kill()
