"""A hall of 300 tablets: the join storm, a ballot burst and a reconnect storm.

    python -m bench.hall [--devices 300 --client-procs 4 --database sqlite|postgresql]
        [--server production|development]

Sohoa and the relay run on the same server software: gunicorn's thread worker by default
(what `sohoa serve` runs in production), or Werkzeug's development server.

1. **Join storm.** Every device connects and joins at the same moment (one thread per
   device, bench.hall_clients): against the bare relay (bench.baseline_relay) first, then
   against Sohoa; time from the start until the last join is answered, and failed joins.
2. **Ballot burst.** The chair opens a vote; the 300 ballots leave spread over one second
   (every TWIN_EVERY-th person also sends the same ballot from a second device at the same
   moment). Reported: ballot ack p50/p99, ballots counted (each person once), when the
   last `vote_tally` showing every ballot reached the devices after the last ballot was
   answered, and `vote_closed` checked against the expected split. The baseline: 300 bare
   INSERTs over HTTP within one second into the same database (bench.baseline_insert).
3. **Reconnect storm.** With a vote open and someone in the speaker queue, every device's
   connection is cut at once; each reconnects (1 s base delay, ×2 up to 5 s, ±50 %, as the
   room page does) and joins again. Reported: time until all are back and how many came
   back with the presenter's current page, the open vote and the queue; the presenter
   (the chair, not cut) turns a page every 150 ms throughout: page-turn latency p50/p99 for
   the devices already back, against the same turns before the cut.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from typing import Any

import requests

from bench.baseline_relay import BaselineServer
from bench.common import (
    NAMESPACE,
    ClientSpec,
    command_line,
    create_meeting,
    create_users,
    machine,
    open_client,
    record_run,
    recv,
    sohoa_cluster,
    split,
    summary_ms,
    today,
    wait_http,
)
from bench.hall_clients import TWIN_EVERY, choice_of, worker_main
from bench.hall_report import report
from bench.server_kinds import add_server_option, server_env
from core.sample_pdf import numbered_pdf
from tests.support import ROOT, free_port

TURN_INTERVAL = 0.15
CALM_TURNS = 30
PAGES = 900


class Hall:
    """The client processes of one server under test."""

    def __init__(self, ctx: Any, specs: list[ClientSpec], procs: int, voters: int):
        self.progress = ctx.Queue()
        self.pipes, self.procs = [], []
        numbered = list(enumerate(specs))
        for index, group in enumerate(split(numbered, procs)):
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=worker_main, args=(child, self.progress, index, group, voters), daemon=True
            )
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)
        for pipe in self.pipes:
            recv(pipe, 120, "ready")

    def send(self, *command: Any) -> None:
        for pipe in self.pipes:
            pipe.send(command)

    def gather(self, what: str, timeout: float = 300) -> list[Any]:
        return [recv(pipe, timeout, what)[1] for pipe in self.pipes]

    def wait_all(self, stage: str, timeout: float, tick: Any = None) -> bool:
        """Until every process reported ``stage`` (calling ``tick()`` meanwhile)."""
        seen: set[int] = set()
        deadline = time.monotonic() + timeout
        while len(seen) < len(self.pipes) and time.monotonic() < deadline:
            if tick is not None:
                tick()
            try:
                got, index = self.progress.get(timeout=0.01 if tick else 1)
            except queue.Empty:
                continue
            if got == stage:
                seen.add(index)
        return len(seen) == len(self.pipes)

    def close(self) -> None:
        for pipe in self.pipes:
            with suppress(OSError):
                pipe.send(("exit",))
        for proc in self.procs:
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()


def storm(hall: Hall) -> dict[str, Any]:
    t0 = time.monotonic()
    hall.send("storm", t0)
    outcomes = [item for chunk in hall.gather("stormed", 600) for item in chunk]
    times = [at - t0 for _, (at, ack) in outcomes if isinstance(ack, dict) and ack.get("ok")]
    failed: dict[str, int] = {}
    for _, (_, ack) in outcomes:
        if not (isinstance(ack, dict) and ack.get("ok")):
            code = ack.get("error", {}).get("code", "?") if isinstance(ack, dict) else "none"
            failed[code] = failed.get(code, 0) + 1
    return {
        "all_in_s": max(times) if times else float("nan"),
        "ok": len(times),
        "failed": failed,
        "joins": summary_ms(times),
    }


class Presenter:
    """The chair's laptop (not cut): turns pages on a fixed rhythm and keeps the times."""

    def __init__(self, spec: ClientSpec, document_id: int):
        self.client = open_client(spec, lambda c, s: None)
        self.document_id = document_id
        self.sent: dict[int, float] = {}
        self.page = 1
        self.next_at = 0.0

    def call(self, event: str, **data: Any) -> dict[str, Any]:
        ack = self.client.call(event, data, namespace=NAMESPACE, timeout=60)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"{event} refused: {ack}")
        return ack

    def tick(self) -> None:
        """Turn the page when its moment has come."""
        now = time.monotonic()
        if now < self.next_at or self.page >= PAGES:
            return
        self.next_at = now + TURN_INTERVAL
        self.page += 1
        self.sent[self.page] = time.monotonic()
        self.call("change_page", document_id=self.document_id, page=self.page)

    def turn_for(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.tick()
            time.sleep(0.005)


def bare_inserts(db_url: str, count: int) -> dict[str, Any]:
    """`count` INSERTs over HTTP within one second into the same database."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.baseline_insert", db_url, str(port), "64"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/healthz")
        start = time.monotonic() + 0.2
        session = requests.Session()

        def one(i: int) -> tuple[float, int]:
            time.sleep(max(0.0, start + i / count - time.monotonic()))
            sent = time.monotonic()
            response = session.post(
                f"http://127.0.0.1:{port}/insert", data=f"ballot {i}", timeout=60
            )
            return time.monotonic() - sent, response.status_code

        with ThreadPoolExecutor(max_workers=64) as pool:
            results = list(pool.map(one, range(count)))
        return {
            "acks": summary_ms([s for s, _ in results]),
            "ok": sum(1 for _, code in results if code == 201),
            "all_in_s": time.monotonic() - start,
        }
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def ballot_burst(hall: Hall, chair: Presenter, voters: int) -> dict[str, Any]:
    hall.send(
        "twins",
    )
    twins = [ack for chunk in hall.gather("twins", 600) for ack in chunk]
    opened = chair.call(
        "open_vote", question="Biểu quyết thử (bench)", secret=False, despite_no_quorum=True
    )
    start_at = time.monotonic() + 0.5
    hall.send("ballot", opened["vote_id"], start_at)
    answered = hall.wait_all("answered", 120)
    time.sleep(2.0)  # the last tally must arrive within 1 s: wait a little longer
    t_close = time.monotonic()
    closed = chair.call("close_vote", vote_id=opened["vote_id"])
    close_ack_s = time.monotonic() - t_close
    hall.send(
        "drop_twins",
    )
    expected = {"yes": 0, "no": 0, "abstain": 0}
    for number in range(voters):
        expected[choice_of(number)] += 1
    return {
        "vote_id": opened["vote_id"],
        "closed": closed,
        "expected": expected,
        "twins_joined": sum(1 for a in twins if isinstance(a, dict) and a.get("ok")),
        "answered": answered,
        "start_at": start_at,
        "close_at": t_close,
        "close_ack_s": close_ack_s,
    }


def reconnect_storm(hall: Hall, chair: Presenter, queue_user: Any) -> dict[str, Any]:
    opened = chair.call(
        "open_vote",
        question="Biểu quyết khi mất mạng (bench)",
        secret=False,
        despite_no_quorum=True,
    )
    queue_user.call("request_floor", {}, namespace=NAMESPACE, timeout=60)
    calm_from = chair.page + 1
    chair.turn_for(CALM_TURNS * TURN_INTERVAL)
    calm_to = chair.page
    cut_at = time.monotonic()
    hall.send(
        "cut",
    )
    all_back = hall.wait_all("back", 120, tick=chair.tick)
    back_at = time.monotonic()
    chair.turn_for(2.0)
    final_page = chair.page
    chair.call("close_vote", vote_id=opened["vote_id"])
    return {
        "vote_id": opened["vote_id"],
        "cut_at": cut_at,
        "back_at": back_at,
        "all_back": all_back,
        "calm": (calm_from, calm_to),
        "final_page": final_page,
        "sent": dict(chair.sent),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    with ExitStack() as stack:
        relay = BaselineServer(server=args.server).start()
        stack.callback(relay.stop)
        env = server_env(args.server)
        cluster = stack.enter_context(sohoa_cluster(1, args.database, extra_env=env))
        server = cluster.main
        tokens = create_users(server, "bench.hall", args.devices)
        chair_token = server.token("chutich")
        meeting_id, document_id = create_meeting(
            server,
            chair_token,
            sorted(tokens),
            numbered_pdf(PAGES, title="Bench hall"),
            "Bench: a hall of tablets",
        )
        join = {"meeting_id": meeting_id}
        relay_specs = [
            ClientSpec(relay.url, None, "join", {"meeting_id": 1}, f"r{i}")
            for i in range(args.devices)
        ]
        sohoa_specs = [
            ClientSpec(server.url, {"token": tokens[n]}, "join", join, n) for n in sorted(tokens)
        ]
        data: dict[str, Any] = {}
        relay_hall = Hall(ctx, relay_specs, args.client_procs, args.devices)
        try:
            data["relay_storm"] = storm(relay_hall)
        finally:
            relay_hall.close()
        print("relay join storm:", data["relay_storm"], flush=True)
        hall = Hall(ctx, sohoa_specs, args.client_procs, args.devices)
        stack.callback(hall.close)
        data["storm"] = storm(hall)
        print("Sohoa join storm:", data["storm"], flush=True)
        chair = Presenter(
            ClientSpec(server.url, {"token": chair_token}, "join", join), int(document_id or 0)
        )
        data["burst"] = ballot_burst(hall, chair, args.devices)
        print("ballot burst:", data["burst"]["closed"], flush=True)
        data["inserts"] = bare_inserts(server.env["DATABASE_URL"], args.devices)
        secretary = open_client(
            ClientSpec(server.url, {"token": server.token("thuky")}, "join", join),
            lambda c, s: None,
        )
        data["reconnect"] = reconnect_storm(hall, chair, secretary)
        hall.send(
            "collect",
        )
        data["records"] = [r for chunk in hall.gather("records", 300) for r in chunk]
        data["load"] = os.getloadavg()
    return data


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devices", type=int, default=300)
    parser.add_argument("--client-procs", type=int, default=4)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    add_server_option(parser)
    parser.add_argument("--no-readme", action="store_true", help="print only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    record_run(
        argv,
        parse,
        lambda args, shown: report(
            args,
            command_line("bench.hall", shown),
            run(args),
            header=(today(), machine(), TWIN_EVERY),
        ),
        lambda args: f"hall-{args.database}",
    )


if __name__ == "__main__":
    main()
