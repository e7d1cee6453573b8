"""Live lessons: stroke latency against a bare relay, a poll's tally, the lesson pack.

    python -m bench.classroom [--lessons 2] [--students 40] [--seconds 10]
        [--server production|development] [--client-procs 1] [--no-readme]

One `sohoa serve` process (SQLite) runs ``--lessons`` concurrent live lessons of one
teacher and ``--students`` students each, over websocket. Teachers are python-socketio
clients; students are light asyncio Socket.IO clients in ``--client-procs`` processes of
their own (bench.light_clients), for the relay and for Sohoa alike: four hundred threaded
python-socketio clients spent more CPU than the server they measured.
Each teacher draws at 60 points/s, sent as one batch per 40 ms (the page's own rhythm),
and turns to the next slide every ``--turn-every`` batches (10); the relay gets the same
messages: the same points, and a relayed message for each slide turn. For each batch: the
time from sending it to its ``stroke_drawn`` reaching the last student of the lesson. The
same clients then do the same against bench.baseline_relay (no Flask, no database, no
auth). Then every student
answers a poll at once: the time from the last answer's ack to the teacher's
``poll_results`` counting every answer. Last, the lesson pack of the 30-page deck with
the strokes drawn on it is rendered over HTTP.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from typing import Any

import requests
import socketio

from bench.baseline_relay import BaselineServer
from bench.common import (
    command_line,
    cpu_seconds,
    machine,
    percentile,
    sohoa_cluster,
    today,
    update_readme,
)
from bench.light_clients import LightCrowd, Listen, Member
from bench.server_kinds import SERVER_KINDS, add_server_option, server_env
from core.sample_pdf import numbered_pdf
from tests.classroom.devices import SCHOOL, make_students
from tests.support import LiveServer, disconnect_all

NS = "/classroom"
BATCH_S = 0.04
POINTS_PER_BATCH = 3  # 75 points/s at one batch per 40 ms (≥ 60 points/s)
PAGES = 30


def _client(url: str, token: str | None, namespace: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(
        url,
        namespaces=[namespace],
        auth={"token": token} if token else None,
        transports=["websocket"],
        wait_timeout=30,
    )
    return client


_TOKENS: dict[str, str] = {}


def teacher_token(server: LiveServer) -> str:
    """One sign-in for the whole run (sign-ins are rate limited)."""
    if server.url not in _TOKENS:
        _TOKENS[server.url] = server.token("giaovien")
    return _TOKENS[server.url]


def _setup_lessons(server: LiveServer, count: int, students: int) -> list[dict[str, Any]]:
    teacher = teacher_token(server)
    lessons = []
    for n in range(count):
        roster = make_students(server, f"b{n}x", students)
        body = {
            "school": SCHOOL,
            "name": f"B{n}",
            "grade": 6,
            "teacher": "giaovien",
            "students": list(roster),
        }
        class_id = server.api("POST", "/api/v1/classes", teacher, json=body).json()["id"]
        lesson = server.api(
            "POST", f"/api/v1/classes/{class_id}/lessons", teacher, json={"title": f"Tiết {n}"}
        ).json()["id"]
        material = server.api(
            "POST",
            f"/api/v1/lessons/{lesson}/materials",
            teacher,
            files={"file": ("deck.pdf", numbered_pdf(PAGES, "Bài giảng"), "application/pdf")},
        ).json()
        server.api("POST", f"/api/v1/lessons/{lesson}/start", teacher)
        lessons.append({"id": lesson, "doc": material["id"], "roster": roster})
    return lessons


REFUSED: dict[str, int] = {}


def _count_refusal(ack: Any = None) -> None:
    if isinstance(ack, dict) and not ack.get("ok"):
        code = str(ack.get("error", {}).get("code"))
        REFUSED[code] = REFUSED.get(code, 0) + 1


def _draw(teacher: socketio.Client, lesson: dict[str, Any], seconds: float, sends: dict,
          sohoa: bool, turn_every: int) -> None:
    """One teacher's drawing; the relay gets the same messages (points and slide turns)."""
    batches = int(seconds / BATCH_S)
    page = 1
    start = time.perf_counter()
    for i in range(batches):
        if i and i % turn_every == 0 and page < PAGES:
            page += 1
            if sohoa:
                turn = {"document_id": lesson["doc"], "page": page}
                teacher.call("change_page", turn, namespace=NS, timeout=30)
            else:
                turn = {"document_id": f"turn{i}", "page": lesson["id"]}
                teacher.call("relay", turn, namespace="/meetings", timeout=30)
        key = f"k{i}"
        points = [[0.1 + (i % 50) / 100, 0.1 + j / 100] for j in range(POINTS_PER_BATCH)]
        sends[(lesson["id"], key)] = time.perf_counter()
        if sohoa:
            stroke = {"stroke": key, "document_id": lesson["doc"], "page": page, "points": points}
            teacher.emit("draw_stroke", stroke, namespace=NS, callback=_count_refusal)
        else:
            relayed = {"document_id": key, "page": lesson["id"], "points": points}
            teacher.emit("relay", relayed, namespace="/meetings")
        delay = start + (i + 1) * BATCH_S - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        else:  # like the page's setInterval: a late tick is not made up with a burst
            start -= delay


COST_BATCHES = 200


def _batch_cost(pid: int, teacher: socketio.Client, lesson: dict[str, Any], sohoa: bool) -> float:
    """Server CPU (ms) per batch, one batch after another to one lesson (its broadcast to
    the students included), less what the server spends idle over the same time (pings,
    timers): the overhead without the queueing of a saturated machine."""
    points = [[0.5, 0.1 + j / 100] for j in range(POINTS_PER_BATCH)]
    idle_start = cpu_seconds(pid)
    time.sleep(COST_BATCHES * 0.04)
    idle = cpu_seconds(pid) - idle_start
    started, before = time.perf_counter(), cpu_seconds(pid)
    for i in range(COST_BATCHES):
        if sohoa:
            stroke = {"stroke": f"c{i}", "document_id": lesson["doc"], "page": 1, "points": points}
            ack = teacher.call("draw_stroke", stroke, namespace=NS, timeout=30)
        else:
            relayed = {"document_id": f"c{i}", "page": lesson["id"], "points": points}
            ack = teacher.call("relay", relayed, namespace="/meetings", timeout=30)
        assert ack["ok"], ack
        time.sleep(max(0.0, started + (i + 1) * 0.04 - time.perf_counter()))  # 25 a second
    used = cpu_seconds(pid) - before
    idle *= (time.perf_counter() - started) / (COST_BATCHES * 0.04)
    return (used - idle) * 1000 / COST_BATCHES


def _latencies(sends: dict, crowd: LightCrowd, students: int) -> tuple[list[float], int]:
    time.sleep(2)
    arrivals = crowd.collect()
    values, missing = [], 0
    for key, sent in sends.items():
        count, last = arrivals.get(key, (0, 0.0))
        if count < students:
            missing += 1
            continue
        values.append(last - sent)
    return values, missing


def _students(crowd: LightCrowd, members: list[Member]) -> None:
    joined = crowd.add(members)
    assert joined == len(members), (joined, len(members))


def _draw_all(teachers: list[socketio.Client], lessons: list[dict], args: Any, sohoa: bool):
    sends: dict[tuple[int, str], float] = {}
    threads = [
        threading.Thread(
            target=_draw, args=(t, lesson, args.seconds, sends, sohoa, args.turn_every)
        )
        for t, lesson in zip(teachers, lessons, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sends


def run_sohoa(server: LiveServer, lessons: list[dict[str, Any]], args: Any):
    crowd = LightCrowd(Listen("stroke_drawn", "stroke", after_dash=True), args.client_procs)
    teachers = []
    try:
        for lesson in lessons:
            teacher = _client(server.url, teacher_token(server), NS)
            assert teacher.call("join", {"lesson_id": lesson["id"]}, namespace=NS, timeout=30)["ok"]
            teachers.append(teacher)
            join = ("join", {"lesson_id": lesson["id"]})
            _students(
                crowd,
                [
                    Member(server.url, NS, lesson["id"], {"token": token}, join)
                    for token in lesson["roster"].values()
                ],
            )
        assert server.process is not None
        cost = _batch_cost(server.process.pid, teachers[0], lessons[0], True)
        sends = _draw_all(teachers, lessons, args, True)
        latencies = _latencies(sends, crowd, len(lessons[0]["roster"]))
        poll = _poll(teachers, lessons, crowd)
        return latencies, poll, cost
    finally:
        crowd.close()
        disconnect_all([t for t in teachers if t.connected])


def _poll(teachers: list[socketio.Client], lessons: list[dict[str, Any]], crowd: LightCrowd):
    """Every student answers at once; seconds from the last ack to the full tally."""
    delays = []
    for teacher, lesson in zip(teachers, lessons, strict=True):
        done = threading.Event()
        seen: dict[str, float] = {}
        total = len(lesson["roster"])

        def results(d: dict[str, Any], total: int = total, done=done, seen=seen) -> None:
            if d["answered"] >= total and not done.is_set():
                seen["at"] = time.perf_counter()
                done.set()

        teacher.on("poll_results", results, namespace=NS)
        poll = teacher.call(
            "open_poll",
            {"kind": "single", "question": "?", "options": ["A", "B"], "correct": [0]},
            namespace=NS,
            timeout=30,
        )
        answer = {"poll_id": poll["poll_id"], "answer": [0]}
        acks = crowd.call_all(lesson["id"], "answer_poll", answer)
        done.wait(20)
        delays.append(seen["at"] - max(acks) if "at" in seen else float("nan"))
    return delays


def run_relay(lessons: list[dict[str, Any]], args: Any):
    relay = BaselineServer(server=args.server).start()
    crowd = LightCrowd(Listen("page_changed", "document_id"), args.client_procs)
    teachers = []
    try:
        for lesson in lessons:
            teacher = _client(relay.url, None, "/meetings")
            teacher.call("join", {"meeting_id": lesson["id"]}, namespace="/meetings")
            teachers.append(teacher)
            join = ("join", {"meeting_id": lesson["id"]})
            _students(
                crowd,
                [Member(relay.url, "/meetings", lesson["id"], None, join)] * len(lesson["roster"]),
            )
        assert relay.process is not None
        cost = _batch_cost(relay.process.pid, teachers[0], lessons[0], False)
        sends = _draw_all(teachers, lessons, args, False)
        return _latencies(sends, crowd, len(lessons[0]["roster"])), cost
    finally:
        crowd.close()
        disconnect_all([t for t in teachers if t.connected])
        relay.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=2)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10)
    add_server_option(parser)
    parser.add_argument("--turn-every", type=int, default=10, help="batches between slides")
    parser.add_argument("--client-procs", type=int, default=1, help="processes of students")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    given = argv if argv is not None else sys.argv[1:]
    # one teacher account draws in every lesson (a bench shortcut): one device per lesson
    env = {**server_env(args.server), "SOCKETS_PER_USER": str(max(5, args.lessons + 1))}
    with sohoa_cluster(1, "sqlite", extra_env=env) as cluster:
        server = cluster.main
        lessons = _setup_lessons(server, args.lessons, args.students)
        (sohoa, missing), poll, sohoa_cost = run_sohoa(server, lessons, args)
        t0 = time.perf_counter()
        pack = requests.get(
            f"{server.url}/api/v1/lessons/{lessons[0]['id']}/pack.pdf",
            headers={"Authorization": f"Bearer {teacher_token(server)}"},
            timeout=120,
        )
        pack_s = time.perf_counter() - t0
        assert pack.status_code == 200, (pack.status_code, pack.text[:500])
    (relay, relay_missing), relay_cost = run_relay(lessons, args)
    ms = lambda xs, q: percentile(xs, q) * 1000  # noqa: E731
    lines = [
        f"## Live lessons (classroom) — {today()}",
        "",
        f"`{command_line('bench.classroom', given)}` on {machine()}.",
        f"{args.lessons} concurrent lessons × (1 teacher + {args.students} students), one "
        f"`sohoa serve` process on SQLite ({SERVER_KINDS[args.server]}; the relay on the "
        f"same server), {args.seconds:.0f} s of drawing per lesson "
        f"(one batch of {POINTS_PER_BATCH} points per 40 ms, a slide turn every "
        f"{args.turn_every} batches).",
        "",
        "| stroke → every student | p50 ms | p99 ms | batches | incomplete |",
        "| --- | --- | --- | --- | --- |",
        f"| Sohoa `draw_stroke` | {ms(sohoa, 50):.1f} | {ms(sohoa, 99):.1f} | {len(sohoa)} "
        f"| {missing} |",
        f"| bare relay | {ms(relay, 50):.1f} | {ms(relay, 99):.1f} | {len(relay)} "
        f"| {relay_missing} |",
        f"| ratio | {percentile(sohoa, 50) / percentile(relay, 50):.2f}× | "
        f"{percentile(sohoa, 99) / percentile(relay, 99):.2f}× | | |",
        "",
        f"Batches Sohoa refused: {REFUSED or 'none'}.",
        "",
        f"Server CPU per batch, one after another to a lesson of {args.students} (its "
        f"broadcast included, {COST_BATCHES} batches at 25 a second, less the idle server's "
        f"CPU over as long): Sohoa {sohoa_cost:.2f} ms, relay "
        f"{relay_cost:.2f} ms, {sohoa_cost / relay_cost:.2f}×.",
        "",
        f"Poll: {args.students} answers at once per lesson; last answer → full tally at the "
        f"teacher: " + ", ".join(f"{d * 1000:.0f} ms" for d in poll) + ".",
        f"Lesson pack of the {PAGES}-page deck with its strokes: {pack_s:.2f} s "
        f"({len(pack.content) // 1024} KiB).",
    ]
    body = "\n".join(lines)
    print(body)
    if not args.no_readme:
        update_readme("classroom", body)


if __name__ == "__main__":
    main()
