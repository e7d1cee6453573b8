"""Follow the presenter at city scale: 1 presenter + N followers in one meeting, page turns.

    python -m bench.follow_presenter [--followers 300 --turns 200 --processes 1|2
                                      --database sqlite|postgresql --client-procs 4]

The same clients run against the bare relay (bench.baseline_relay, the baseline) and
against Sohoa, both up at once, with their turns interleaved (baseline, Sohoa, Sohoa,
baseline, …), so that whatever else the machine is doing lands on both alike. Reported:
the latency from the presenter's `change_page` to each follower's `page_changed`.

How the time is measured: the presenter (this process) reads time.monotonic() just before
it emits the turn; every follower reads time.monotonic() first thing in its
`page_changed` handler. On Linux time.monotonic() is CLOCK_MONOTONIC, one clock for the
whole machine, so readings from different processes subtract directly. Followers run in
`--client-procs` processes per server so the client side is spread over cores. Turns are
paced: the next one goes once every follower has the page (or after --turn-timeout) and
no sooner than --interval after the previous one, so we measure latency, not queueing.
The first --warmup turns of each server are not counted.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing as mp
import os
import queue
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any

import socketio

from bench.baseline_relay import BaselineServer
from bench.common import (
    NAMESPACE,
    ClientSpec,
    command_line,
    cpu_seconds,
    create_meeting,
    create_users,
    machine,
    open_client,
    open_clients,
    private_redis,
    record_run,
    recv,
    sohoa_cluster,
    split,
    summary_ms,
    today,
)
from bench.server_kinds import SERVER_KINDS, add_server_option, server_env
from core.sample_pdf import numbered_pdf

TARGET_P99_MS = 100.0
TARGET_RATIO = 1.3


@dataclass
class Setup:
    """One server under test: who connects where, and which event turns the page."""

    name: str
    followers: list[ClientSpec]
    presenter: ClientSpec
    turn_event: str
    document_id: int
    server_pids: list[int]


@dataclass
class Result:
    latencies: list[float]
    slowest_per_turn: list[float]
    acks: list[float]
    missing: int
    join_seconds: float
    join_refusals: list[Any]
    server_cpu_per_turn_ms: float
    client_cpu_per_turn_ms: float


def follower_worker(
    conn: Any, progress: Any, tag: tuple[int, int], specs: list[ClientSpec], concurrency: int
) -> None:
    """A client process: open the followers, record each page_changed, report at the end."""
    try:
        lock = threading.Lock()
        received: list[list[tuple[int, float]]] = [[] for _ in specs]
        counts: dict[int, int] = {}
        slots = {spec.name: received[i] for i, spec in enumerate(specs)}

        def setup(client: socketio.Client, spec: ClientSpec) -> None:
            slot = slots[spec.name]

            def on_page(data: Any) -> None:
                now = time.monotonic()
                page = data.get("page") if isinstance(data, dict) else None
                if not isinstance(page, int):
                    return
                slot.append((page, now))
                with lock:
                    counts[page] = counts.get(page, 0) + 1
                    complete = counts[page] == len(specs)
                if complete:
                    progress.put((tag, page))

            client.on("page_changed", on_page, namespace=NAMESPACE)

        refusals: list[Any] = []
        open_clients(specs, setup, concurrency, refusals)
        conn.send(("ready", refusals))
        if conn.poll(3600) and conn.recv() == "start":
            cpu = time.process_time()
            if conn.poll(3600) and conn.recv() == "stop":
                conn.send(("results", received, time.process_time() - cpu))
    except Exception as err:  # report to the parent rather than hang it
        conn.send(("error", repr(err)))
    finally:
        conn.close()
        os._exit(0)  # no 3-second websocket closes: the servers are stopped next


class Target:
    """A setup with its client processes and what they measured."""

    def __init__(self, index: int, setup: Setup, args: argparse.Namespace, ctx: Any, progress):
        self.index, self.setup = index, setup
        self.pipes: list[Any] = []
        self.procs: list[Any] = []
        for worker, group in enumerate(split(setup.followers, args.client_procs)):
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=follower_worker,
                args=(child, progress, (index, worker), group, args.join_concurrency),
                daemon=True,
            )
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        started = time.monotonic()
        try:
            self.refusals = [r for pipe in self.pipes for r in recv(pipe, 1200, "ready")[1]]
            self.join_seconds = time.monotonic() - started
            self.presenter = open_client(setup.presenter, lambda c, s: None)
        except BaseException:
            self.close()
            raise
        self.sent: dict[int, float] = {}
        self.acks: list[float] = []
        self.cpu_start = 0.0

    def turn(self, page: int, counted: bool, progress: Any, args: argparse.Namespace) -> None:
        t0 = time.monotonic()
        self.sent[page] = t0
        ack = self.presenter.call(
            self.setup.turn_event, {"document_id": self.setup.document_id, "page": page},
            namespace=NAMESPACE, timeout=30,
        )
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"{self.setup.name}: turn refused: {ack}")
        if counted:
            self.acks.append(time.monotonic() - t0)
        _await_page(progress, self.index, page, len(self.pipes), t0 + args.turn_timeout)
        time.sleep(max(0.0, t0 + args.interval - time.monotonic()))

    def start(self) -> None:
        self.cpu_start = sum(cpu_seconds(pid) for pid in self.setup.server_pids)
        for pipe in self.pipes:
            pipe.send("start")

    def finish(self, args: argparse.Namespace) -> Result:
        turns = args.warmup + args.turns
        server_cpu = sum(cpu_seconds(pid) for pid in self.setup.server_pids) - self.cpu_start
        for pipe in self.pipes:
            pipe.send("stop")
        results = [recv(pipe, 120, "results") for pipe in self.pipes]
        counted = set(range(args.warmup + 2, turns + 2))
        latencies: list[float] = []
        slowest: dict[int, float] = {}
        for _, per_process, _ in results:
            for per_client in per_process:
                for page, at in per_client:
                    if page in counted:
                        latencies.append(at - self.sent[page])
                        slowest[page] = max(slowest.get(page, 0.0), at - self.sent[page])
        if os.environ.get("BENCH_DUMP"):
            print(self.setup.name, "slowest per turn (page, ms):",
                  [(p, round(slowest[p] * 1000, 1)) for p in sorted(slowest)], flush=True)
        return Result(
            latencies=latencies,
            slowest_per_turn=list(slowest.values()),
            acks=self.acks,
            missing=len(self.setup.followers) * args.turns - len(latencies),
            join_seconds=self.join_seconds,
            join_refusals=self.refusals,
            server_cpu_per_turn_ms=server_cpu * 1000 / turns,
            client_cpu_per_turn_ms=sum(r[2] for r in results) * 1000 / turns,
        )

    def close(self) -> None:
        for pipe in self.pipes:
            with contextlib.suppress(OSError):  # a worker waiting for "start" ends on "stop"
                pipe.send("stop")
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()


def run_interleaved(setups: list[Setup], args: argparse.Namespace) -> list[Result]:
    """Open every setup's clients, then turn pages on each in turn (order flips every turn)."""
    ctx = mp.get_context("spawn")
    progress = ctx.Queue()
    targets: list[Target] = []
    try:
        for index, setup in enumerate(setups):
            targets.append(Target(index, setup, args, ctx, progress))
            print(f"{setup.name}: {len(setup.followers)} followers joined in "
                  f"{targets[-1].join_seconds:.1f} s", flush=True)
        for target in targets:
            target.start()
        for turn in range(args.warmup + args.turns):
            order = targets if turn % 2 == 0 else targets[::-1]
            for target in order:
                target.turn(turn + 2, turn >= args.warmup, progress, args)
        return [target.finish(args) for target in targets]
    finally:
        for target in targets:
            target.close()


def _await_page(progress: Any, index: int, page: int, workers: int, deadline: float) -> None:
    """Until every client process of target `index` reports `page` complete, or deadline."""
    done: set[int] = set()
    while len(done) < workers:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        try:
            (target, worker), got = progress.get(timeout=remaining)
        except queue.Empty:
            return
        if target == index and got == page:
            done.add(worker)


def baseline_setup(stack: ExitStack, args: argparse.Namespace) -> Setup:
    redis_url = stack.enter_context(private_redis()) if args.processes > 1 else None
    servers = [BaselineServer(redis_url, args.server) for _ in range(args.processes)]
    for server in servers:
        stack.callback(server.stop)
        server.start()
    join = {"meeting_id": 1}
    followers = [
        ClientSpec(servers[i % len(servers)].url, None, "join", join, f"f{i}")
        for i in range(args.followers)
    ]
    presenter = ClientSpec(servers[0].url, None, "join", join, "presenter")
    pids = [s.process.pid for s in servers if s.process]
    return Setup("baseline relay", followers, presenter, "relay", 1, pids)


def sohoa_setup(stack: ExitStack, args: argparse.Namespace) -> Setup:
    env = server_env(args.server)
    cluster = stack.enter_context(sohoa_cluster(args.processes, args.database, extra_env=env))
    server = cluster.main
    tokens = create_users(server, "bench.dv", args.followers)
    chair = server.token("chutich")
    pdf = numbered_pdf(args.warmup + args.turns + 1, title="Bench follow presenter")
    meeting_id, document_id = create_meeting(
        server, chair, sorted(tokens), pdf, "Bench: follow the presenter"
    )
    join = {"meeting_id": meeting_id}
    followers = [
        ClientSpec(cluster.servers[i % len(cluster.servers)].url, {"token": token},
                   "join", join, name)
        for i, (name, token) in enumerate(sorted(tokens.items()))
    ]
    presenter = ClientSpec(server.url, {"token": chair}, "join", join, "chutich")
    pids = [s.process.pid for s in cluster.servers if s.process]
    return Setup("Sohoa", followers, presenter, "change_page", int(document_id or 0), pids)


def _refusals(result: Result) -> str:
    codes: dict[str, int] = {}
    for ack in result.join_refusals:
        code = ack.get("error", {}).get("code", "?") if isinstance(ack, dict) else repr(ack)
        codes[code] = codes.get(code, 0) + 1
    return f"{len(result.join_refusals)}" + (f" {codes}" if codes else "")


def row(name: str, result: Result) -> str:
    stats, slowest = summary_ms(result.latencies), summary_ms(result.slowest_per_turn)
    acks = summary_ms(result.acks)
    return (
        f"| {name} | {stats['p50']:.1f} | {stats['p90']:.1f} | {stats['p99']:.1f} "
        f"| {stats['max']:.1f} | {slowest['p50']:.1f} / {slowest['p99']:.1f} "
        f"| {acks['p50']:.1f} | {result.server_cpu_per_turn_ms:.1f} "
        f"| {result.client_cpu_per_turn_ms:.1f} | {result.missing} "
        f"| {result.join_seconds:.1f} | {_refusals(result)} |"
    )


def report(args: argparse.Namespace, argv: list[str], base: Result, ours: Result) -> str:
    base_p99 = summary_ms(base.latencies)["p99"]
    ours_p99 = summary_ms(ours.latencies)["p99"]
    ratio = ours_p99 / base_p99
    where = "one process" if args.processes == 1 else f"{args.processes} processes + Redis queue"
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return "\n".join([
        f"## Follow the presenter — {args.followers} followers, {where}, {args.database}",
        "",
        f"- date: {today()}; machine: {machine()}; load average after the run: {load}",
        f"- command: `{command_line('bench.follow_presenter', argv)}`",
        f"- {args.turns} counted turns per server (+{args.warmup} warm-up), baseline and Sohoa"
        f" interleaved; a turn every ≥{args.interval * 1000:.0f} ms once all followers had the"
        f" page; {args.client_procs} client processes per server; websocket transport;"
        " followers split evenly over the server processes, presenter on the first;"
        f" {SERVER_KINDS[args.server]} (the baseline on the same server)",
        "",
        "| server | p50 ms | p90 ms | p99 ms | max ms | last follower per turn p50 / p99 ms "
        "| presenter ack p50 ms | server CPU ms/turn | clients CPU ms/turn | missing "
        "| join phase s | joins refused (retried) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
        row("baseline relay", base),
        row("Sohoa", ours),
        "",
        f"- **p99 Sohoa / baseline = {ratio:.2f}** (target ≤ {TARGET_RATIO}: "
        f"{'met' if ratio <= TARGET_RATIO else 'missed'}); Sohoa p99 {ours_p99:.1f} ms "
        f"(target < {TARGET_P99_MS:.0f} ms: {'met' if ours_p99 < TARGET_P99_MS else 'missed'})",
    ])


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--followers", type=int, default=300)
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--client-procs", type=int, default=4, help="per server under test")
    parser.add_argument("--join-concurrency", type=int, default=8, help="per client process")
    parser.add_argument("--interval", type=float, default=0.15, help="min seconds per turn")
    parser.add_argument("--turn-timeout", type=float, default=3.0)
    add_server_option(parser)
    parser.add_argument("--no-readme", action="store_true", help="print only")
    return parser.parse_args(argv)


def measure(args: argparse.Namespace, shown: list[str]) -> str:
    with ExitStack() as stack:
        setups = [baseline_setup(stack, args), sohoa_setup(stack, args)]
        base, ours = run_interleaved(setups, args)
    return report(args, shown, base, ours)


def main(argv: list[str] | None = None) -> None:
    record_run(argv, parse, measure,
               lambda args: f"follow_presenter-{args.processes}proc-{args.database}")


if __name__ == "__main__":
    main()
