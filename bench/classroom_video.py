"""Video in the live lesson: the signaling side of a class of 40 joining the class video.

    python -m bench.classroom_video [--students 40] [--no-readme]

One `sohoa serve` process (SQLite). The teacher turns the class video on (the roster is
invited); then every student at once asks for a pass (``POST /lessons/{id}/video/pass``)
and joins the class conference over /conference (real python-socketio clients over
websocket, 8 at a time as a class's tablets would after the teacher's announcement).
Last, the teacher calls a student on and takes the floor back ten times: the time from
``give_floor`` to ``floor_changed`` at every student. Reported: latencies and the server's
CPU over the join storm. Media is not part of it: bench.conference measures the hub
(one teacher at 640×360 to the class).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import socketio

from bench.common import command_line, cpu_seconds, machine, percentile, today, update_readme
from tests.classroom.devices import SCHOOL, make_students
from tests.support import LiveServer, disconnect_all

NS = "/conference"
CALLS = 10


def _lesson(server: LiveServer, teacher: str, students: int) -> tuple[int, dict[str, str]]:
    roster = make_students(server, "v", students)
    body = {
        "school": SCHOOL,
        "name": "V1",
        "grade": 6,
        "teacher": "giaovien",
        "students": list(roster),
    }
    class_id = server.api("POST", "/api/v1/classes", teacher, json=body).json()["id"]
    lesson = server.api(
        "POST", f"/api/v1/classes/{class_id}/lessons", teacher, json={"title": "Video"}
    ).json()["id"]
    server.api("POST", f"/api/v1/lessons/{lesson}/start", teacher)
    return lesson, roster


def _join(server: LiveServer, lesson: int, token: str, floor: list[float]) -> dict[str, Any]:
    """One device: a pass, then the join over /conference; the timings of both."""
    t0 = time.perf_counter()
    ticket = server.api("POST", f"/api/v1/lessons/{lesson}/video/pass", token).json()
    t1 = time.perf_counter()
    client = socketio.Client(reconnection=False)
    client.on("floor_changed", lambda _p: floor.append(time.perf_counter()), namespace=NS)
    client.connect(
        server.url,
        namespaces=[NS],
        auth={"token": token},
        transports=["websocket"],
        wait_timeout=30,
    )
    t2 = time.perf_counter()
    ack = client.call(
        "join",
        {"conference_id": ticket["conference_id"], "token": ticket["token"]},
        namespace=NS,
        timeout=60,
    )
    assert ack["ok"], ack
    return {
        "client": client,
        "site": ticket["site"],
        "pass": t1 - t0,
        "join": time.perf_counter() - t2,
    }


def _floor_rounds(
    teacher: socketio.Client, sites: list[str], floor: list[float], n: int
) -> list[float]:
    rounds = []
    for i in range(CALLS):
        floor.clear()
        sent = time.perf_counter()
        teacher.call("give_floor", {"site": sites[i % len(sites)]}, namespace=NS, timeout=30)
        deadline = time.monotonic() + 10
        while len(floor) < n and time.monotonic() < deadline:
            time.sleep(0.005)
        if len(floor) >= n:
            rounds.append(max(floor[:n]) - sent)
        teacher.call("take_floor", {}, namespace=NS, timeout=30)
        time.sleep(0.3)
    return rounds


def run(server: LiveServer, students: int) -> dict[str, Any]:
    teacher = server.token("giaovien")
    lesson, roster = _lesson(server, teacher, students)
    t0 = time.perf_counter()
    assert server.api("POST", f"/api/v1/lessons/{lesson}/video", teacher).status_code == 200
    start_s = time.perf_counter() - t0
    host = _join(server, lesson, teacher, [])
    floor: list[float] = []
    assert server.process is not None
    cpu0, wall0 = cpu_seconds(server.process.pid), time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        joined = list(pool.map(lambda t: _join(server, lesson, t, floor), roster.values()))
    storm_s = time.perf_counter() - wall0
    storm_cpu = cpu_seconds(server.process.pid) - cpu0
    rounds = _floor_rounds(host["client"], [j["site"] for j in joined], floor, len(joined))
    disconnect_all([c["client"] for c in [host, *joined]])
    return {
        "start": start_s,
        "passes": [j["pass"] for j in joined],
        "joins": [j["join"] for j in joined],
        "storm_s": storm_s,
        "storm_cpu": storm_cpu,
        "floor": rounds,
    }


def report(result: dict[str, Any], students: int, given: list[str]) -> str:
    ms = lambda xs, q: percentile(xs, q) * 1000  # noqa: E731
    return "\n".join(
        [
            f"## Video in the live lesson (signaling) — {today()}",
            "",
            f"`{command_line('bench.classroom_video', given)}` on {machine()}.",
            f"One `sohoa serve` process on SQLite; a class of {students} students; the joins run 8 "
            "at a time; media not included (see the conference hub above). Load average at the "
            f"end {os.getloadavg()[0]:.1f} (the machine is shared).",
            "",
            "| step | p50 ms | p99 ms | n |",
            "| --- | --- | --- | --- |",
            f"| teacher turns the video on (roster invited) | {result['start'] * 1000:.0f} "
            "| – | 1 |",
            f"| a student's pass (`POST …/video/pass`) | {ms(result['passes'], 50):.1f} | "
            f"{ms(result['passes'], 99):.1f} | {len(result['passes'])} |",
            f"| a student's `join` over /conference | {ms(result['joins'], 50):.1f} | "
            f"{ms(result['joins'], 99):.1f} | {len(result['joins'])} |",
            f"| `give_floor` → `floor_changed` at every student | {ms(result['floor'], 50):.1f} | "
            f"{ms(result['floor'], 99):.1f} | {len(result['floor'])} of {CALLS} |",
            "",
            f"The whole class joined in {result['storm_s']:.1f} s using "
            f"{result['storm_cpu']:.2f} s of server CPU "
            "(pass + socket connect + join for every student).",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    given = argv if argv is not None else sys.argv[1:]
    tmp = Path(tempfile.mkdtemp(prefix="bench-classroom-video-"))
    server = LiveServer(tmp / "instance", f"sqlite:///{tmp / 'bench.sqlite'}")
    server.prepare()
    server.start()
    try:
        result = run(server, args.students)
    finally:
        server.stop()
    body = report(result, args.students, given)
    print(body)
    if not args.no_readme:
        update_readme("classroom_video", body)


if __name__ == "__main__":
    main()
