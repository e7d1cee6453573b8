"""What one device costs the server: connect, join, leave — one device after another.

    python -m bench.join_cost [--devices 200 --database sqlite|postgresql]
        [--server production|development] [--no-readme]

The storms of bench.hall are bounded by the server's CPU (one Python process), so this
bench measures the CPU behind each step without concurrency: one client connects, joins
the meeting, turns nothing, disconnects; then the next. Server CPU comes from /proc of the
serving process (and its gunicorn worker), before and after each phase, for Sohoa and for
the bare relay (bench.baseline_relay) on the same server software. Reported per device:
connect + disconnect, join, and the sum; then the ratio Sohoa / relay, which is the floor
of the join storm's ratio (300 devices cost 300 × that much of one core however they are
scheduled).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import socketio

from bench.baseline_relay import BaselineServer
from bench.common import (
    NAMESPACE,
    command_line,
    cpu_seconds,
    create_meeting,
    create_users,
    machine,
    record_run,
    sohoa_cluster,
    today,
)
from bench.server_kinds import add_server_option, server_env

Phase = Callable[[int], Any]


def _cost(pid: int, devices: int, phase: Phase) -> float:
    """Server CPU milliseconds per device of ``phase(i)`` run for every device in turn."""
    before = cpu_seconds(pid)
    for i in range(devices):
        phase(i)
    time.sleep(0.3)  # let the server finish the last disconnect
    return (cpu_seconds(pid) - before) * 1000 / devices


def measure_server(
    url: str, pid: int, auths: list[dict[str, Any] | None], join: dict[str, Any]
) -> dict[str, float]:
    """Per-device server CPU (ms): connect + disconnect alone, then connect + join +
    disconnect; join is the difference."""
    devices = len(auths)

    def connect(i: int) -> socketio.Client:
        client = socketio.Client(reconnection=False)
        client.connect(url, namespaces=[NAMESPACE], auth=auths[i], transports=["websocket"])
        return client

    def bare(i: int) -> None:
        connect(i).disconnect()

    def joined(i: int) -> None:
        client = connect(i)
        ack = client.call("join", join, namespace=NAMESPACE, timeout=30)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"join refused: {ack}")
        client.disconnect()

    for i in range(min(devices, 10)):  # warm up: imports, caches, pools
        joined(i)
    connect_ms = _cost(pid, devices, bare)
    both_ms = _cost(pid, devices, joined)
    return {"connect": connect_ms, "join": both_ms - connect_ms, "device": both_ms}


def measure(args: argparse.Namespace, shown: list[str]) -> str:
    env = server_env(args.server)
    relay = BaselineServer(server=args.server).start()
    try:
        assert relay.process is not None
        base = measure_server(
            relay.url, relay.process.pid, [None] * args.devices, {"meeting_id": 1}
        )
    finally:
        relay.stop()
    with sohoa_cluster(1, args.database, env) as cluster:
        server = cluster.main
        chair = server.token("chutich")
        tokens = create_users(server, "jc", args.devices)
        meeting_id, _ = create_meeting(server, chair, list(tokens), None, "Chi phí một thiết bị")
        auths: list[dict[str, Any] | None] = [{"token": t} for t in tokens.values()]
        assert server.process is not None
        sohoa = measure_server(server.url, server.process.pid, auths, {"meeting_id": meeting_id})
    return report(args, shown, sohoa, base)


def report(
    args: argparse.Namespace, shown: list[str], sohoa: dict[str, float], base: dict[str, float]
) -> str:
    rows = [
        ("connect + disconnect", "connect"),
        ("join", "join"),
        ("a device (both)", "device"),
    ]
    lines = [
        f"### One device after another, {args.database}, {args.server} server ({today()})",
        "",
        f"`{command_line('bench.join_cost', shown)}` — {machine()}; {args.devices} devices,",
        "server CPU per device from /proc of the serving process.",
        "",
        "| step | Sohoa ms | relay ms | Sohoa / relay |",
        "| --- | --- | --- | --- |",
    ]
    for label, key in rows:
        ratio = sohoa[key] / base[key] if base[key] > 0 else float("nan")
        lines.append(f"| {label} | {sohoa[key]:.2f} | {base[key]:.2f} | {ratio:.2f} |")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=200)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    add_server_option(parser)
    parser.add_argument("--no-readme", action="store_true", help="print only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    record_run(argv, parse, measure, lambda args: f"join-cost-{args.database}")


if __name__ == "__main__":
    main()
