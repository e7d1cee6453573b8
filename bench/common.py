"""Shared helpers for the benchmarks: servers, backends, users, client processes, figures.

Everything listens on 127.0.0.1 only. Servers are real `sohoa serve` processes started
through tests.support.LiveServer, each bench with its own instance folder and database.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import engineio
import psycopg
import requests
import socketio

from core import create_app
from core.extensions import db
from core.security import create_or_update_user, issue_token
from tests.support import ROOT, LiveServer, free_port

README = ROOT / "bench" / "README.md"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
NAMESPACE = "/meetings"
LOGIN_ATTEMPTS_PER_ADDRESS = "100000 per minute"  # every client signs in from 127.0.0.1
CONNECT_TIMEOUT = 20.0
README_HEAD = """# Sohoa benchmarks

Run all of them with `make bench` (or `.venv/bin/python -m bench`); each also runs alone,
see the command in its section. Benchmarks are not tests: nothing here is asserted in
`tests/`. Each section below is rewritten by its bench (between its markers) on every run.
All traffic is on loopback; servers, the private Redis and the clients share the machine.
"""


# -- figures ------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty sequence."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def summary_ms(seconds: Sequence[float]) -> dict[str, float]:
    """p50 / p90 / p99 / max in milliseconds, and the sample count."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50": percentile(ms, 50),
        "p90": percentile(ms, 90),
        "p99": percentile(ms, 99),
        "max": max(ms) if ms else math.nan,
    }


def machine() -> str:
    """One line about where the figures come from."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores (nproc) · {cpu} · Python {platform.python_version()}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process and its live children (a gunicorn master and its
    worker) have used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_seconds(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found += [int(child) for child in task.read_text().split()]
        except OSError:  # the thread ended meanwhile
            continue
    return found


def today() -> str:
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")


def command_line(module: str, argv: Sequence[str]) -> str:
    """The command that reproduces a run (from the repository root)."""
    return " ".join([".venv/bin/python -m", module, *argv])


def update_readme(name: str, body: str) -> None:
    """Replace (or append) the section between this bench's markers in bench/README.md."""
    begin, end = f"<!-- bench:{name}:begin -->", f"<!-- bench:{name}:end -->"
    text = README.read_text() if README.exists() else README_HEAD
    block = f"{begin}\n{body.strip()}\n{end}"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    README.write_text(text)


# -- backends -----------------------------------------------------------------------------


@contextmanager
def private_redis() -> Iterator[str]:
    """A throwaway redis-server on a free loopback port.

    Pub/sub channels are not scoped by Redis database number, and Flask-SocketIO uses one
    fixed channel, so a bench on the shared Redis would talk to any test server running at
    the same time (and theirs to ours). A private server keeps both honest."""
    port = free_port()
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--protected-mode", "yes"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def database(kind: str, instance: Path) -> Iterator[str]:
    """A fresh database URL: SQLite in the instance folder, or a PostgreSQL database
    created for this run and dropped afterwards."""
    if kind == "sqlite":
        yield "sqlite:///" + str(instance / "bench.sqlite")
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database {kind!r}")

    name = f"sohoa_bench_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# -- Sohoa servers ------------------------------------------------------------------------


@dataclass
class Cluster:
    """One or more `sohoa serve` processes sharing a database (and Redis when several)."""

    servers: list[LiveServer]
    instance: Path
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def main(self) -> LiveServer:
        return self.servers[0]

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


@contextmanager
def sohoa_cluster(
    processes: int = 1, db_kind: str = "sqlite", extra_env: dict[str, str] | None = None
) -> Iterator[Cluster]:
    """Start `processes` Sohoa servers on one fresh database with the demo data."""
    instance = Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    try:
        with database(db_kind, instance) as db_url, _queue(processes) as queue:
            servers = []
            for _ in range(processes):
                server = LiveServer(instance, db_url, queue)
                server.env["LOGIN_ATTEMPTS_PER_ADDRESS"] = LOGIN_ATTEMPTS_PER_ADDRESS
                server.env["HOST"] = "127.0.0.1"
                # The product's default, not the tests' 1 s (which makes every process
                # re-check all its connections every second).
                server.env.pop("SOCKET_AUTH_RECHECK_SECONDS", None)
                server.env.update(extra_env or {})
                servers.append(server)
            servers[0].prepare()
            cluster = Cluster(servers, instance)
            try:
                for server in servers:
                    server.start()
                yield cluster
            finally:
                cluster.stop()
    finally:
        if os.environ.get("BENCH_KEEP"):
            print(f"kept {instance} (BENCH_KEEP)", file=sys.stderr)
        else:
            shutil.rmtree(instance, ignore_errors=True)


@contextmanager
def _queue(processes: int) -> Iterator[str | None]:
    if processes == 1:
        yield None
    else:
        with private_redis() as url:
            yield url


def create_users(server: LiveServer, prefix: str, count: int) -> dict[str, str]:
    """Create `count` delegates of the city and an API token for each: {username: token}.

    One subprocess with the server's environment (same database, fast argon2), so 300
    accounts cost a second or two instead of 300 CLI runs and 300 sign-ins."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.common", "make-users", prefix, str(count)],
        cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr + result.stdout)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _make_users(prefix: str, count: int) -> None:

    app = create_app()
    tokens: dict[str, str] = {}
    with app.app_context():
        for i in range(1, count + 1):
            name = f"{prefix}{i:03d}"
            user = create_or_update_user(
                name, "bench-password-2026", "delegate", "hue", f"Đại biểu thử {i:03d}"
            )
            tokens[name], _ = issue_token(user, 24)
        db.session.commit()
    print(json.dumps(tokens))


def create_meeting(
    server: LiveServer, chair_token: str, participants: list[str], pdf: bytes | None, title: str
) -> tuple[int, int | None]:
    """A started city meeting with everyone in it and (if given) a document, which becomes
    the live one: (meeting_id, document_id)."""
    now = datetime.now().replace(microsecond=0)
    body = {
        "title": title, "organization": "hue", "kind": "regular",
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(hours=8)).isoformat(),
        "location": "Phòng họp trực tuyến (bench)", "chair": "chutich", "secretary": "thuky",
        "participants": participants,
    }
    response = server.api("POST", "/api/v1/meetings", chair_token, json=body)
    response.raise_for_status()
    meeting_id = response.json()["id"]
    document_id = None
    if pdf is not None:
        response = server.api(
            "POST", f"/api/v1/meetings/{meeting_id}/documents", chair_token,
            files={"file": ("bench.pdf", pdf, "application/pdf")},
        )
        response.raise_for_status()
        document_id = response.json()["id"]
    server.api("POST", f"/api/v1/meetings/{meeting_id}/start", chair_token).raise_for_status()
    return meeting_id, document_id


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


# -- clients ------------------------------------------------------------------------------


@dataclass
class ClientSpec:
    """One Socket.IO client to open: where, how it authenticates and how it joins."""

    url: str
    auth: dict[str, Any] | None
    join_event: str
    join_payload: dict[str, Any]
    name: str = ""


class _InlineEngineIOClient(engineio.Client):
    """Dispatches each received message in the connection's read thread."""

    def _receive_packet(self, pkt: engineio.packet.Packet) -> None:
        if pkt.packet_type == engineio.packet.MESSAGE:
            self._trigger_event("message", pkt.data, run_async=False)
        else:
            super()._receive_packet(pkt)


class InlineClient(socketio.Client):
    """python-socketio's Client, except that events are handled in the read thread.

    The stock client starts a new thread for every message it receives; with 75 clients
    per process and a page turn reaching all of them at once, those thread starts cost
    more CPU than the rest of the client together, and on a 2-core machine the clients'
    CPU lands in the latency we measure, on both servers alike. Handlers given to this
    client must not block (they record a time, or emit with a callback)."""

    def _engineio_client_class(self) -> type[engineio.Client]:
        return _InlineEngineIOClient


def open_client(
    spec: ClientSpec,
    setup: Callable[[socketio.Client, ClientSpec], None],
    refusals: list[Any] | None = None,
    attempts: int = 3,
) -> socketio.Client:
    """Connect over websocket, register handlers (`setup`) first, then join.

    A refused join is retried (up to `attempts` in all) and each refusal appended to
    `refusals`, so a bench can report them instead of stopping at the first."""
    client = InlineClient(reconnection=False)
    setup(client, spec)
    client.connect(
        spec.url, namespaces=[NAMESPACE], auth=spec.auth, transports=["websocket"],
        wait_timeout=CONNECT_TIMEOUT,
    )
    for _ in range(attempts):
        ack = client.call(spec.join_event, spec.join_payload, namespace=NAMESPACE, timeout=90)
        if isinstance(ack, dict) and ack.get("ok"):
            return client
        if refusals is not None:
            refusals.append(ack)
    raise RuntimeError(f"join refused {attempts} times for {spec.name}: {ack}")


def open_clients(
    specs: Sequence[ClientSpec],
    setup: Callable[[socketio.Client, ClientSpec], None],
    concurrency: int = 8,
    refusals: list[Any] | None = None,
) -> list[socketio.Client]:
    """Open all the clients, `concurrency` connects/joins at a time."""
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(lambda s: open_client(s, setup, refusals), specs))


def split(items: Sequence[Any], parts: int) -> list[list[Any]]:
    """Deal items round-robin into `parts` lists."""
    return [list(items[i::parts]) for i in range(parts)]


def recv(conn: Any, timeout: float, what: str) -> Any:
    """A message from a worker pipe within `timeout` seconds, or a clear error."""
    if not conn.poll(timeout):
        raise TimeoutError(f"no {what} from a client process within {timeout:.0f}s")
    message = conn.recv()
    if isinstance(message, tuple) and message and message[0] == "error":
        raise RuntimeError(f"client process failed: {message[1]}")
    return message


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "make-users":
        _make_users(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit("usage: python -m bench.common make-users PREFIX COUNT")


def record_run(
    argv: list[str] | None,
    parse: Callable[[list[str] | None], argparse.Namespace],
    measure: Callable[[argparse.Namespace, list[str]], str],
    section: Callable[[argparse.Namespace], str],
) -> None:
    """The ``main()`` of a benchmark: parse, measure, print, and (unless --no-readme)
    write the figures into bench/README.md under the run's section."""
    args = parse(argv)
    shown = list(argv if argv is not None else sys.argv[1:])
    text = measure(args, shown)
    print(text)
    if not args.no_readme:
        update_readme(section(args), text)
