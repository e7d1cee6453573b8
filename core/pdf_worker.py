"""Run the PDF validation in a child process, so that a runaway parse cannot take the web
process's memory or time with it.

The child is `python -m core.pdf_guard`: it limits its own address space (RLIMIT_AS) and
CPU time, reads one request (a JSON line with the limits, then the PDF bytes) on stdin and
answers one JSON line on stdout. One child per document: nothing survives from one upload
to the next. To keep uploads fast, one spare child is started ahead of time (interpreter
and pypdf already imported) and replaced whenever it is taken. A child that is killed, or
dies, is reported as a refusal; only a child that cannot start at all is a server error.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from core.config import PROJECT_ROOT

log = logging.getLogger(__name__)

GRACE_SECONDS = 2.0  # on top of the child's own budget, before the parent kills it
STARTUP_SECONDS = 30.0
WRITE_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """What one validation may cost (sent to the child with the document)."""

    max_pages: int
    stream_bytes: int  # inflated size of any one stream
    total_bytes: int  # inflated size of all streams together
    page_operators: int  # content-stream operators per page (forms count per use)
    page_pixels: int  # declared image pixels per page
    seconds: float  # wall clock
    memory_mb: int  # the child's address space


@dataclass(frozen=True)
class Outcome:
    """The child's answer: accepted (code None) with pages and title, or a refusal code."""

    code: str | None
    reason: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    pages: int = 0
    title: str | None = None
    child_maxrss_kb: int = 0  # the child's peak resident memory, as it reported it
    seconds: float = 0.0  # wall clock in the parent, spare taken to answer read


class _Spare:
    """One pre-started child, owned by the process that started it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._owner = os.getpid()

    def take(self) -> subprocess.Popen[bytes]:
        with self._lock:
            proc = self._proc if self._owner == os.getpid() else None
            self._owner = os.getpid()
            self._proc = _start()
        if proc is None or proc.poll() is not None:
            return _start()
        return proc

    def close(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
        if proc is not None and self._owner == os.getpid() and proc.poll() is None:
            proc.kill()
            proc.communicate()


def _start() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "core.pdf_guard"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=str(PROJECT_ROOT),
        bufsize=0,
    )


_spare = _Spare()
atexit.register(_spare.close)


def discard_spare() -> None:
    """Stop the pre-started child (at exit; benchmarks use it to time a cold start)."""
    _spare.close()


def run_guarded(data: bytes, limits: Limits) -> Outcome:
    """Validate ``data`` in a fresh child within ``limits``."""
    started = time.perf_counter()
    proc = _spare.take()
    _wait_ready(proc)
    header = json.dumps({"size": len(data), "limits": asdict(limits)}).encode() + b"\n"
    try:
        _write_all(proc, header)
        _write_all(proc, data)
    except BrokenPipeError:
        pass  # the child died reading (its memory limit): its exit status tells
    try:
        out, err = proc.communicate(timeout=limits.seconds + GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return Outcome("pdf_too_complex", "time", seconds=time.perf_counter() - started)
    return _outcome(proc.returncode, out, err, time.perf_counter() - started)


def _wait_ready(proc: subprocess.Popen[bytes]) -> None:
    """The child writes one byte once it has imported what it needs."""
    fd = proc.stdout.fileno()  # type: ignore[union-attr]
    ready, _, _ = select.select([fd], [], [], STARTUP_SECONDS)
    if ready and os.read(fd, 1) == b"R":
        return
    proc.kill()
    _, err = proc.communicate()
    raise RuntimeError(f"the PDF validation process did not start: {err[-2000:]!r}")


def _write_all(proc: subprocess.Popen[bytes], data: bytes) -> None:
    view = memoryview(data)
    stdin = proc.stdin
    assert stdin is not None
    while view:
        written = stdin.write(view[:WRITE_CHUNK])
        view = view[written or 0 :]


def _outcome(returncode: int, out: bytes, err: bytes, seconds: float) -> Outcome:
    try:
        answer = json.loads(out) if returncode == 0 else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        reason = "time" if returncode == -signal.SIGXCPU else "memory"
        log.warning("PDF validation child ended with %s: %r", returncode, err[-2000:])
        return Outcome("pdf_too_complex", reason, seconds=seconds)
    if answer.get("error"):
        log.warning("PDF validation failed unexpectedly: %s", answer["error"])
    return Outcome(
        code=answer.get("code"),
        reason=answer.get("reason"),
        params=answer.get("params") or {},
        pages=int(answer.get("pages") or 0),
        title=answer.get("title"),
        child_maxrss_kb=int(answer.get("maxrss_kb") or 0),
        seconds=seconds,
    )
