"""Live lessons: stroke latency against a bare relay, a poll's tally, the lesson pack.

    python -m bench.classroom [--lessons 2] [--students 40] [--seconds 10]
        [--server production|development] [--no-readme]

One `sohoa serve` process (SQLite) runs ``--lessons`` concurrent live lessons of one
teacher and ``--students`` students each (real python-socketio clients over websocket; the
students handle events in their read thread, bench.common.InlineClient, as in the meeting
benches, for the relay and for Sohoa alike).
Each teacher draws at 60 points/s, sent as one batch per 40 ms (the page's own rhythm),
and turns to the next slide every 10 batches. For each batch: the time from sending it to
its ``stroke_drawn`` reaching the last student of the lesson. The same clients then do the
same against bench.baseline_relay (no Flask, no database, no auth). Then every student
answers a poll at once: the time from the last answer's ack to the teacher's
``poll_results`` counting every answer. Last, the lesson pack of the 30-page deck with
the strokes drawn on it is rendered over HTTP.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import requests
import socketio

from bench.baseline_relay import BaselineServer
from bench.common import (
    InlineClient,
    command_line,
    machine,
    percentile,
    sohoa_cluster,
    today,
    update_readme,
)
from bench.server_kinds import SERVER_KINDS, add_server_option, server_env
from core.sample_pdf import numbered_pdf
from tests.classroom.devices import SCHOOL, make_students
from tests.support import LiveServer, disconnect_all

NS = "/classroom"
BATCH_S = 0.04
POINTS_PER_BATCH = 3  # 75 points/s at one batch per 40 ms (≥ 60 points/s)
PAGES = 30


class Recorder:
    """Arrival times of (lesson, key) at each student."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.arrivals: dict[tuple[int, str], list[float]] = {}

    def hit(self, lesson: int, key: str) -> None:
        now = time.perf_counter()
        with self.lock:
            self.arrivals.setdefault((lesson, key), []).append(now)


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


def _draw(
    teacher: socketio.Client, lesson: dict[str, Any], seconds: float, sends: dict, sohoa: bool
) -> None:
    batches = int(seconds / BATCH_S)
    page = 1
    start = time.perf_counter()
    for i in range(batches):
        if sohoa and i and i % 10 == 0 and page < PAGES:
            page += 1
            teacher.call(
                "change_page",
                {"document_id": lesson["doc"], "page": page},
                namespace=NS,
                timeout=30,
            )
        key = f"k{i}"
        points = [[0.1 + (i % 50) / 100, 0.1 + j / 100] for j in range(POINTS_PER_BATCH)]
        sends[(lesson["id"], key)] = time.perf_counter()
        if sohoa:
            teacher.emit(
                "draw_stroke",
                {"stroke": key, "document_id": lesson["doc"], "page": page, "points": points},
                namespace=NS,
            )
        else:
            teacher.emit("relay", {"document_id": key, "page": lesson["id"]}, namespace="/meetings")
        delay = start + (i + 1) * BATCH_S - time.perf_counter()
        if delay > 0:
            time.sleep(delay)


def _latencies(sends: dict, recorder: Recorder, students: int) -> tuple[list[float], int]:
    time.sleep(2)
    values, missing = [], 0
    for key, sent in sends.items():
        got = recorder.arrivals.get(key, [])
        if len(got) < students:
            missing += 1
            continue
        values.append(max(got) - sent)
    return values, missing


def run_sohoa(server: LiveServer, lessons: list[dict[str, Any]], seconds: float):
    recorder, sends, clients = Recorder(), {}, []
    teachers = []
    for lesson in lessons:
        teacher = _client(server.url, teacher_token(server), NS)
        assert teacher.call("join", {"lesson_id": lesson["id"]}, namespace=NS, timeout=30)["ok"]
        teachers.append(teacher)
        clients.append(teacher)

        def student(item: tuple[str, str], lesson_id: int = lesson["id"]) -> socketio.Client:
            client = InlineClient(reconnection=False)
            client.on(
                "stroke_drawn",
                lambda d, lid=lesson_id: recorder.hit(lid, d["stroke"].split("-", 1)[1]),
                namespace=NS,
            )
            client.connect(
                server.url,
                namespaces=[NS],
                auth={"token": item[1]},
                transports=["websocket"],
                wait_timeout=30,
            )
            ack = client.call("join", {"lesson_id": lesson_id}, namespace=NS, timeout=60)
            assert ack["ok"], ack
            return client

        with ThreadPoolExecutor(8) as pool:
            lesson["clients"] = list(pool.map(student, lesson["roster"].items()))
        clients += lesson["clients"]
    threads = [
        threading.Thread(target=_draw, args=(t, lesson, seconds, sends, True))
        for t, lesson in zip(teachers, lessons, strict=True)
    ]
    [t.start() for t in threads]
    [t.join() for t in threads]
    latencies = _latencies(sends, recorder, len(lessons[0]["roster"]))
    poll = _poll(teachers, lessons)
    return latencies, poll, clients


def _poll(teachers: list[socketio.Client], lessons: list[dict[str, Any]]) -> list[float]:
    """Every student answers at once; seconds from the last ack to the full tally."""
    delays = []
    for teacher, lesson in zip(teachers, lessons, strict=True):
        done = threading.Event()
        seen: dict[str, float] = {}
        total = len(lesson["clients"])

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
        acks: list[float] = []

        def answer(
            client: socketio.Client, poll_id: int = poll["poll_id"], acks: list[float] = acks
        ) -> None:
            ack = client.call(
                "answer_poll", {"poll_id": poll_id, "answer": [0]}, namespace=NS, timeout=60
            )
            assert ack["ok"], ack
            acks.append(time.perf_counter())

        with ThreadPoolExecutor(16) as pool:
            list(pool.map(answer, lesson["clients"]))
        done.wait(20)
        delays.append(seen["at"] - max(acks) if "at" in seen else float("nan"))
    return delays


def run_relay(lessons: list[dict[str, Any]], seconds: float, server: str):
    relay = BaselineServer(server=server).start()
    recorder, sends, clients = Recorder(), {}, []
    try:
        teachers = []
        for lesson in lessons:
            teacher = _client(relay.url, None, "/meetings")
            teacher.call("join", {"meeting_id": lesson["id"]}, namespace="/meetings")
            teachers.append(teacher)

            def student(_n: int, lesson_id: int = lesson["id"]) -> socketio.Client:
                client = InlineClient(reconnection=False)
                client.on(
                    "page_changed",
                    lambda d, lid=lesson_id: recorder.hit(lid, d["document_id"]),
                    namespace="/meetings",
                )
                client.connect(
                    relay.url, namespaces=["/meetings"], transports=["websocket"], wait_timeout=30
                )
                client.call("join", {"meeting_id": lesson_id}, namespace="/meetings")
                return client

            with ThreadPoolExecutor(8) as pool:
                clients += list(pool.map(student, range(len(lesson["roster"]))))
        clients += teachers
        threads = [
            threading.Thread(target=_draw, args=(t, lesson, seconds, sends, False))
            for t, lesson in zip(teachers, lessons, strict=True)
        ]
        [t.start() for t in threads]
        [t.join() for t in threads]
        return _latencies(sends, recorder, len(lessons[0]["roster"])), clients
    finally:
        disconnect_all([c for c in clients if c.connected])
        relay.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=2)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=10)
    add_server_option(parser)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    given = argv if argv is not None else sys.argv[1:]
    # one teacher account draws in every lesson (a bench shortcut): one device per lesson
    env = {**server_env(args.server), "SOCKETS_PER_USER": str(max(5, args.lessons + 1))}
    with sohoa_cluster(1, "sqlite", extra_env=env) as cluster:
        server = cluster.main
        lessons = _setup_lessons(server, args.lessons, args.students)
        (sohoa, missing), poll, clients = run_sohoa(server, lessons, args.seconds)
        t0 = time.perf_counter()
        pack = requests.get(
            f"{server.url}/api/v1/lessons/{lessons[0]['id']}/pack.pdf",
            headers={"Authorization": f"Bearer {teacher_token(server)}"},
            timeout=120,
        )
        pack_s = time.perf_counter() - t0
        assert pack.status_code == 200, (pack.status_code, pack.text[:500])
        disconnect_all([c for c in clients if c.connected])
    (relay, relay_missing), _ = run_relay(lessons, args.seconds, args.server)
    ms = lambda xs, q: percentile(xs, q) * 1000  # noqa: E731
    lines = [
        f"## Live lessons (classroom) — {today()}",
        "",
        f"`{command_line('bench.classroom', given)}` on {machine()}.",
        f"{args.lessons} concurrent lessons × (1 teacher + {args.students} students), one "
        f"`sohoa serve` process on SQLite ({SERVER_KINDS[args.server]}; the relay on the "
        f"same server), {args.seconds:.0f} s of drawing per lesson "
        f"(one batch of {POINTS_PER_BATCH} points per 40 ms, a slide turn every 10 batches).",
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
