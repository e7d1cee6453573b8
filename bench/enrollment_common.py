"""Shared parts of the enrollment benches: the production-like server, the bare-Flask
baseline beside it, and the load client (asyncio + aiohttp, keep-alive, in its own
process so its CPU is not the server's)."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import requests

from bench.common import sohoa_cluster, wait_http
from bench.server_kinds import production_env
from tests.support import ROOT, free_port

THREADS = int(os.environ.get("BENCH_THREADS", "32"))
PRODUCTION_ENV = production_env(THREADS)  # the baseline gets the same threads


@dataclass
class Shot:
    """One request as the client saw it (after its retries)."""

    status: int
    seconds: float
    tries: int
    body: dict[str, Any] | None
    tag: str


@contextmanager
def servers(db_kind: str, processes: int = 1) -> Iterator[tuple[list[str], str, str]]:
    """(sohoa urls, baseline url, database url): both served by gunicorn threads; with
    several processes, one `sohoa serve` each (the client spreads its connections over
    them as a proxy would) and as many baseline workers."""
    with sohoa_cluster(processes, db_kind, PRODUCTION_ENV) as cluster:
        port = free_port()
        db_url = cluster.main.env["DATABASE_URL"]
        baseline = subprocess.Popen(
            [sys.executable, "-m", "bench.baseline_insert", db_url, str(port), str(THREADS),
             str(processes)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            wait_http(f"http://127.0.0.1:{port}/healthz")
            yield [s.url for s in cluster.servers], f"http://127.0.0.1:{port}", db_url
        finally:
            baseline.terminate()
            baseline.wait(timeout=10)


def open_round(url: str, grade: int = 1) -> dict[str, Any]:
    rounds = requests.get(url + "/api/v1/enrollment/rounds", timeout=10).json()
    return next(r for r in rounds if r["grade"] == grade)


def applications(round_: dict[str, Any], count: int, seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    year = int(round_["school_year"][:4]) - (6 if round_["grade"] == 1 else 11)
    schools = [s["code"] for s in round_["schools"]]
    wards = [w["code"] for w in round_["wards"]]
    out = []
    for i in range(count):
        out.append({
            "child": {"full_name": f"Nguyễn Văn Học {i}", "date_of_birth":
                      f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                      "gender": rng.choice(["male", "female"]), "personal_id": f"9{i:011d}"},
            "guardian": {"full_name": "Nguyễn Thị Mẹ",
                         "phone": f"09{rng.randint(0, 99999999):08d}"},
            "residence": {"ward_code": rng.choice(wards), "address": f"{i} Lê Lợi"},
            "choices": rng.sample(schools, k=min(round_["max_choices"], len(schools))),
        })
    return out


Job = tuple[str, str, Any, dict[str, str], str]  # method, url, json body, headers, tag


async def _one(session, job: Job, retry_rate: float, rng: random.Random) -> Shot:
    method, url, body, headers, tag = job
    started, tries = time.monotonic(), 0
    while True:
        tries += 1
        try:
            async with session.request(method, url, json=body, headers=headers) as response:
                data = await response.json(content_type=None) if response.status < 500 else None
                status = response.status
        except Exception:  # noqa: BLE001 - a timeout or reset: retry like a phone would
            status, data = 599, None
        # a parent whose answer was slow taps again (same Idempotency-Key)
        if (status >= 500 or (tries == 1 and rng.random() < retry_rate)) and tries < 5:
            continue
        return Shot(status, time.monotonic() - started, tries, data, tag)


async def _fire(jobs: list[Job], concurrency: int, retry_rate: float) -> list[Shot]:
    import aiohttp  # noqa: PLC0415 - only the client process needs it

    rng = random.Random(7)
    queue: asyncio.Queue[Job] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)
    shots: list[Shot] = []
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def worker() -> None:
            while not queue.empty():
                shots.append(await _one(session, queue.get_nowait(), retry_rate, rng))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return shots


def _client(jobs: list[Job], concurrency: int, retry_rate: float, out) -> None:
    started = time.monotonic()
    shots = asyncio.run(_fire(jobs, concurrency, retry_rate))
    out.send((shots, time.monotonic() - started))


def fire(jobs: list[Job], concurrency: int = 64, retry_rate: float = 0.0
         ) -> tuple[list[Shot], float]:
    """Send the jobs from one client process; (shots, wall seconds)."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_client, args=(jobs, concurrency, retry_rate, send))
    proc.start()
    shots, seconds = receive.recv()
    proc.join()
    return shots, seconds


def figures(shots: list[Shot], seconds: float) -> dict[str, float]:
    from bench.common import percentile  # noqa: PLC0415

    ok = [s for s in shots if 200 <= s.status < 300]
    ms = [s.seconds * 1000 for s in shots]
    return {"n": len(shots), "ok": len(ok), "per_s": len(ok) / seconds if seconds else 0.0,
            "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99),
            "seconds": seconds, "retries": sum(s.tries - 1 for s in shots)}
