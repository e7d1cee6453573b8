"""Logins at hall scale: 300 tablets behind the city network's one address sign in.

    python -m bench.logins [--devices 300 --database sqlite|postgresql]

`POST /api/v1/auth/token` with each delegate's own account and password, all from
127.0.0.1, against `sohoa serve` with the shipped sign-in limits (the per-address
ceiling LOGIN_ATTEMPTS_PER_ADDRESS as configured by default, not the benches' raised one)
and the production argon2 cost (SOHOA_ARGON2_PROFILE=default). Two shapes of the morning:
the requests spread evenly over one minute, and all at once (32 at a time). Reported:
status codes (all must be 2xx), latency p50/p95/p99, and the floor: one argon2 verify of
the same cost, measured in this process.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
from argon2 import PasswordHasher

from bench.common import (
    command_line,
    create_users,
    machine,
    record_run,
    sohoa_cluster,
    summary_ms,
    today,
)
from bench.server_kinds import SERVER_KINDS, add_server_option, server_env
from core.config import BaseConfig

PASSWORD = "bench-password-2026"  # what bench.common's make-users gives every account
TARGET_P95_MS = 1000.0


def argon2_floor(samples: int = 20) -> float:
    """Seconds for one verify at the default cost (the median of ``samples``)."""
    hasher = PasswordHasher()
    digest = hasher.hash(PASSWORD)
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        hasher.verify(digest, PASSWORD)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sign_in(url: str, names: list[str], spread_s: float, workers: int) -> dict[str, Any]:
    """One token request per name; request i leaves at i/len × spread_s (0: at once)."""
    start = time.monotonic() + 0.2

    def one(i: int) -> tuple[float, int]:
        time.sleep(max(0.0, start + i * spread_s / len(names) - time.monotonic()))
        sent = time.monotonic()
        try:
            response = requests.post(
                f"{url}/api/v1/auth/token",
                json={"username": names[i], "password": PASSWORD},
                timeout=120,
            )
            code = response.status_code
        except requests.RequestException:
            code = 0
        return time.monotonic() - sent, code

    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(one, range(len(names))))
    codes: dict[int, int] = {}
    for _, code in results:
        codes[code] = codes.get(code, 0) + 1
    return {
        "latency": summary_ms([s for s, _ in results]),
        "p95": sorted(s for s, _ in results)[int(0.95 * len(results)) - 1] * 1000,
        "codes": codes,
        "all_2xx": all(200 <= code < 300 for _, code in results),
        "wall_s": time.monotonic() - start,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    env = {
        "SOHOA_ARGON2_PROFILE": "default",
        "LOGIN_ATTEMPTS_PER_ADDRESS": BaseConfig.LOGIN_ATTEMPTS_PER_ADDRESS,
    }
    env.update(server_env(args.server))
    with sohoa_cluster(1, args.database, extra_env=env) as cluster:
        server = cluster.main
        names = sorted(create_users(server, "bench.login", args.devices))
        data = {"floor_s": argon2_floor()}
        data["burst"] = sign_in(server.url, names, 0.0, 32)
        data["minute"] = sign_in(server.url, names, args.spread, 64)
        data["limit"] = env["LOGIN_ATTEMPTS_PER_ADDRESS"]
        data["load"] = os.getloadavg()
    return data


def report(args: argparse.Namespace, argv: list[str], data: dict[str, Any]) -> str:
    floor_ms = data["floor_s"] * 1000
    rows = []
    for label, key in (
        ("spread over one minute", "minute"),
        ("all at once, 32 at a time", "burst"),
    ):
        r = data[key]
        lat = r["latency"]
        rows.append(
            f"| {label} | {args.devices} | {r['codes']} | {lat['p50']:.0f} | {r['p95']:.0f} "
            f"| {lat['p99']:.0f} | {lat['max']:.0f} | {r['wall_s']:.1f} "
            f"| {r['p95'] / floor_ms:.1f}× |"
        )
    load = ", ".join(f"{x:.1f}" for x in data["load"])
    verdict = all(data[k]["all_2xx"] for k in ("minute", "burst"))
    return "\n".join(
        [
            f"## Logins at hall scale — {args.database}",
            "",
            f"- date: {today()}; machine: {machine()}; load average at the end: {load}",
            f"- command: `{command_line('bench.logins', argv)}`",
            f"- `sohoa serve` ({SERVER_KINDS[args.server]}), argon2 default"
            f" cost, per-address ceiling `{data['limit']}`; every request from 127.0.0.1, each"
            " with its own account",
            f"- argon2 floor: one verify at the default cost takes **{floor_ms:.0f} ms** here"
            " (median of 20, one thread)",
            "",
            "| shape | requests | status codes | p50 ms | p95 ms | p99 ms | max ms | wall s "
            "| p95 / argon2 floor |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            *rows,
            "",
            f"- all 2xx: {'yes' if verdict else 'NO'}",
        ]
    )


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=300)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--spread", type=float, default=60.0, help="seconds, spread shape")
    add_server_option(parser)
    parser.add_argument("--no-readme", action="store_true", help="print only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    record_run(
        argv,
        parse,
        lambda args, shown: report(args, shown, run(args)),
        lambda args: f"logins-{args.database}",
    )


if __name__ == "__main__":
    main()
