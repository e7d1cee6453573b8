"""A vote of 300: every present participant casts one ballot at once; the tally on close.

    python -m bench.vote [--voters 300 --client-procs 4 --database sqlite|postgresql]

Two rounds (a public vote, then a secret one). In each, the chair opens the vote; every
voter answers `vote_opened` at once with its ballot (every 10th voter also sends a twin
of it at the same moment, as from a second device), and once answered sends it again (a
plain repeat). Voter i chooses from a fixed pattern, so the expected yes/no/abstain split is
known. When every voter has seen the last `vote_tally`, the chair closes the vote and we
time `close_vote` → `vote_closed` at the chair and at every voter (time.monotonic(), one
clock for the whole machine on Linux). Checked: yes+no+abstain equals the number of voters,
the split is the expected one, every voter has exactly one accepted ballot, every other
ballot is refused, and the record (GET /meetings/{id}/record) agrees.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import queue
import threading
import time
from typing import Any

import socketio

from bench.common import (
    NAMESPACE,
    ClientSpec,
    command_line,
    create_meeting,
    create_users,
    machine,
    open_client,
    open_clients,
    record_run,
    recv,
    sohoa_cluster,
    split,
    summary_ms,
    today,
)
from bench.server_kinds import SERVER_KINDS, add_server_option, server_env
from core.sample_pdf import numbered_pdf

PATTERN = ("yes",) * 6 + ("no",) * 3 + ("abstain",)
TARGET_CLOSE_S = 1.0
ROUNDS = (False, True)  # secret?
TWIN_EVERY = 10  # every 10th voter also sends a twin ballot at once (a second device)


def choice_of(voter: int, round_no: int) -> str:
    return PATTERN[(voter + 3 * round_no) % len(PATTERN)]


def expected(voters: int, round_no: int) -> dict[str, int]:
    counts = {"yes": 0, "no": 0, "abstain": 0}
    for voter in range(voters):
        counts[choice_of(voter, round_no)] += 1
    return counts


class Voter:
    """One client's ballots in each round, driven by the events it receives."""

    def __init__(self, client: socketio.Client, number: int, total: int, report: Any):
        self.client, self.number, self.total, self.report = client, number, total, report
        self.round = -1
        self.acks: list[list[tuple[str, Any, float]]] = [[] for _ in ROUNDS]
        self.closed: list[tuple[float, Any] | None] = [None for _ in ROUNDS]
        self.settled = [False for _ in ROUNDS]
        self.opened_at = 0.0
        self.kinds: tuple[str, ...] = ()
        self.lock = threading.Lock()
        client.on("vote_opened", self.on_opened, namespace=NAMESPACE)
        client.on("vote_tally", self.on_tally, namespace=NAMESPACE)
        client.on("vote_closed", self.on_closed, namespace=NAMESPACE)

    def on_opened(self, data: dict[str, Any]) -> None:
        self.round += 1
        self.opened_at = time.monotonic()
        ballot = {"vote_id": data["vote_id"], "choice": choice_of(self.number, self.round)}
        self.kinds = ("first", "twin") if self.number % TWIN_EVERY == 0 else ("first",)
        for kind in self.kinds:
            self.client.emit("cast_vote", ballot, namespace=NAMESPACE,
                             callback=lambda ack, k=kind: self.on_ack(k, ballot, ack))

    def on_ack(self, kind: str, ballot: dict[str, Any], ack: Any) -> None:
        with self.lock:
            acks = self.acks[self.round]
            acks.append((kind, ack, time.monotonic() - self.opened_at))
            done = len(acks)
        if done == len(self.kinds):
            self.client.emit("cast_vote", ballot, namespace=NAMESPACE,
                             callback=lambda ack: self.on_ack("repeat", ballot, ack))
        elif done == len(self.kinds) + 1:
            self.report("ballots", self.round)

    def on_tally(self, data: dict[str, Any]) -> None:
        if data.get("cast") == self.total and not self.settled[self.round]:
            self.settled[self.round] = True
            self.report("settled", self.round)

    def on_closed(self, data: dict[str, Any]) -> None:
        self.closed[self.round] = (time.monotonic(), data)
        self.report("closed", self.round)


def voter_worker(conn: Any, progress: Any, worker: int, specs: list[ClientSpec],
                 numbers: list[int], total: int) -> None:
    """A client process of voters; reports each stage once all its voters reached it."""
    try:
        counts: dict[tuple[str, int], int] = {}
        lock = threading.Lock()

        def report(stage: str, round_no: int) -> None:
            with lock:
                counts[stage, round_no] = counts.get((stage, round_no), 0) + 1
                if counts[stage, round_no] == len(specs):
                    progress.put((worker, stage, round_no))

        voters: list[Voter] = []
        by_name = dict(zip((s.name for s in specs), numbers, strict=True))

        def setup(client: socketio.Client, spec: ClientSpec) -> None:
            voters.append(Voter(client, by_name[spec.name], total, report))

        open_clients(specs, setup, concurrency=8)
        conn.send(("ready",))
        if conn.poll(3600) and conn.recv() == "stop":
            conn.send(("results", [(v.number, v.acks, v.closed) for v in voters]))
    except Exception as err:
        conn.send(("error", repr(err)))
    finally:
        conn.close()
        os._exit(0)


class Stages:
    """Stage reports from the client processes; kept, since they may arrive in any order."""

    def __init__(self, progress: Any, workers: int):
        self.progress, self.workers = progress, workers
        self.seen: set[tuple[int, str, int]] = set()

    def wait(self, stage: str, round_no: int, timeout: float) -> float:
        """Seconds until every worker reported `stage` for the round (raises on timeout)."""
        start = time.monotonic()
        while sum((w, stage, round_no) in self.seen for w in range(self.workers)) < self.workers:
            remaining = start + timeout - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"{stage} not reached by all voters in {timeout:.0f}s")
            try:
                self.seen.add(self.progress.get(timeout=remaining))
            except queue.Empty:
                continue
        return time.monotonic() - start


def run(args: argparse.Namespace) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    with sohoa_cluster(1, args.database, extra_env=server_env(args.server)) as cluster:
        server = cluster.main
        tokens = create_users(server, "bench.bq", args.voters)
        chair_token = server.token("chutich")
        meeting_id, _ = create_meeting(
            server, chair_token, sorted(tokens), numbered_pdf(2), "Bench: vote of 300"
        )
        join = {"meeting_id": meeting_id}
        names = sorted(tokens)
        specs = [ClientSpec(server.url, {"token": tokens[n]}, "join", join, n) for n in names]
        progress = ctx.Queue()
        pipes, procs = [], []
        for worker, group in enumerate(split(list(enumerate(specs)), args.client_procs)):
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=voter_worker, args=(
                child, progress, worker, [s for _, s in group], [i for i, _ in group],
                args.voters), daemon=True)
            proc.start()
            pipes.append(parent)
            procs.append(proc)
        try:
            for pipe in pipes:
                recv(pipe, 1200, "ready")
            closed_at: list[float] = []
            chair = open_client(ClientSpec(server.url, {"token": chair_token}, "join", join),
                                lambda c, s: c.on("vote_closed",
                                                  lambda d: closed_at.append(time.monotonic()),
                                                  namespace=NAMESPACE))
            stages = Stages(progress, len(pipes))
            rounds = [run_round(chair, stages, round_no, secret, closed_at)
                      for round_no, secret in enumerate(ROUNDS)]
            for pipe in pipes:
                pipe.send("stop")
            results = [item for pipe in pipes for item in recv(pipe, 120, "results")[1]]
            record = server.api("GET", f"/api/v1/meetings/{meeting_id}/record", chair_token)
            chair.disconnect()
        finally:
            for proc in procs:
                proc.join(timeout=10)
                if proc.is_alive():
                    proc.kill()
    return {"rounds": rounds, "voters": results, "record": record.json()}


def run_round(chair: socketio.Client, stages: Stages, round_no: int, secret: bool,
              closed_at: list[float]) -> dict[str, Any]:
    opened = chair.call("open_vote", {"question": f"Bench ballot {round_no + 1}",
                                      "secret": secret, "despite_no_quorum": True},
                        namespace=NAMESPACE, timeout=30)
    if not opened.get("ok"):
        raise RuntimeError(f"open_vote refused: {opened}")
    ballots_s = stages.wait("ballots", round_no, 180)
    settled_s = stages.wait("settled", round_no, 60)
    t0 = time.monotonic()
    ack = chair.call("close_vote", {"vote_id": opened["vote_id"]}, namespace=NAMESPACE,
                     timeout=30)
    ack_s = time.monotonic() - t0
    stages.wait("closed", round_no, 60)
    chair_event_s = closed_at[-1] - t0 if closed_at else float("nan")
    return {"secret": secret, "vote_id": opened["vote_id"], "ack": ack, "close_ack_s": ack_s,
            "chair_event_s": chair_event_s, "close_t0": t0, "ballots_s": ballots_s,
            "settled_s": settled_s}


def check_round(data: dict[str, Any], round_no: int, voters: int) -> tuple[list[str], dict]:
    """Problems found in a round, and its figures."""
    info, problems = data["rounds"][round_no], []
    result = info["ack"]
    want = expected(voters, round_no)
    got = {k: result.get(k) for k in want}
    if got != want:
        problems.append(f"tally {got} != expected {want}")
    if sum(v or 0 for v in got.values()) != voters:
        problems.append(f"yes+no+abstain = {sum(v or 0 for v in got.values())} != {voters}")
    accepted, refusals, ballot_s, close_s = 0, {}, [], []
    for number, acks, closed in data["voters"]:
        mine = acks[round_no]
        oks = [a for _, a, _ in mine if a.get("ok")]
        accepted += len(oks)
        if len(oks) != 1:
            problems.append(f"voter {number}: {len(oks)} ballots accepted")
        for kind, ack, seconds in mine:
            if ack.get("ok"):
                ballot_s.append(seconds)
            else:
                key = f"{kind}: {ack.get('error', {}).get('code')}"
                refusals[key] = refusals.get(key, 0) + 1
        event = closed[round_no]
        if event is None or event[1] != {k: v for k, v in result.items() if k != "ok"}:
            problems.append(f"voter {number}: vote_closed missing or different from the ack")
        else:
            close_s.append(event[0] - info["close_t0"])
    stored = next((v for v in data["record"].get("votes", [])
                   if v.get("vote_id") == info["vote_id"]), {})
    stored = {k: stored.get(k) for k in ("yes", "no", "abstain", "eligible", "status")}
    if {k: stored[k] for k in want} != want:
        problems.append(f"stored record {stored} != expected {want}")
    figures = {"accepted": accepted, "refusals": refusals, "ballot": summary_ms(ballot_s),
               "close": summary_ms(close_s), "got": got, "want": want,
               "eligible": result.get("eligible"), "stored": stored}
    return problems, figures


def report(args: argparse.Namespace, argv: list[str], data: dict[str, Any]) -> str:
    lines = [
        f"## Vote of {args.voters} — one process, {args.database}", "",
        f"- date: {today()}; machine: {machine()}",
        f"- command: `{command_line('bench.vote', argv)}`",
        f"- {args.voters} voters in {args.client_procs} client processes + the chair; each"
        f" voter sends its ballot (every {TWIN_EVERY}th also a concurrent twin), then once"
        f" more after the answer; {SERVER_KINDS[args.server]}", "",
        "| round | yes / no / abstain (expected) | eligible | accepted ballots | refused (first: "
        "the ballot; twin: its concurrent copy; repeat: sent after the answer) "
        "| ballot ack p50 / p99 ms | all ballots in s | close ack ms | vote_closed at chair ms "
        "| vote_closed at voters p50 / p99 / max ms | correct |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    verdicts = []
    for round_no, _ in enumerate(ROUNDS):
        problems, fig = check_round(data, round_no, args.voters)
        info = data["rounds"][round_no]
        got, want, close, ballot = fig["got"], fig["want"], fig["close"], fig["ballot"]
        verdicts.append((info, problems, fig))
        lines.append(
            f"| {'secret' if info['secret'] else 'public'} "
            f"| {got['yes']} / {got['no']} / {got['abstain']} "
            f"({want['yes']} / {want['no']} / {want['abstain']}) | {fig['eligible']} "
            f"| {fig['accepted']} | {fig['refusals']} | {ballot['p50']:.0f} / {ballot['p99']:.0f} "
            f"| {info['ballots_s']:.1f} | {info['close_ack_s'] * 1000:.0f} "
            f"| {info['chair_event_s'] * 1000:.0f} "
            f"| {close['p50']:.0f} / {close['p99']:.0f} / {close['max']:.0f} "
            f"| {'yes' if not problems else 'NO'} |"
        )
    lines.append("")
    for info, problems, fig in verdicts:
        kind = "secret" if info["secret"] else "public"
        slowest = fig["close"]["max"] / 1000
        lines.append(
            f"- {kind}: every voter's close_vote → vote_closed within {slowest:.2f} s "
            f"(target < {TARGET_CLOSE_S:.0f} s: {'met' if slowest < TARGET_CLOSE_S else 'missed'})"
            f"; record of the vote: {fig['stored']}"
            + (f"; problems: {problems[:5]}" if problems else "")
        )
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voters", type=int, default=300)
    parser.add_argument("--client-procs", type=int, default=4)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    add_server_option(parser)
    parser.add_argument("--no-readme", action="store_true", help="print only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    record_run(argv, parse, lambda args, shown: report(args, shown, run(args)),
               lambda args: f"vote-{args.database}")


if __name__ == "__main__":
    main()
