"""What recording a conference costs: the one place where the hub decodes and encodes.

    .venv/bin/python -m bench.conference_recording [--seconds 30] [--no-readme]

The embedded hub, a host publishing 640×360 at 15 fps and a ward publishing 320×240 at
15 fps (aiortc peers in this process) with one receiver each way. The ward gets the floor
halfway through, so the recording switches picture. Measured per thread from
/proc/self/task: the recorder's worker (decode + VP8/Opus encode) and the hub's loop
(forwarding, and the recorder's outlets and queue), first without recording, then with;
the file's bitrate, the frames dropped by the bounded queue, and the worker queue's peak.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from av import VideoFrame

from bench.common import command_line, machine, today, update_readme
from conference.hub import EmbeddedHub
from conference.webm import WebmWriter
from tests.conference.peers import Receiver, in_thread, publisher

TICKS = os.sysconf("SC_CLK_TCK")


def thread_cpu(native_id: int | None) -> float:
    """CPU seconds (user + system) one thread of this process has used."""
    if native_id is None:
        return 0.0
    with open(f"/proc/self/task/{native_id}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


async def _window(hub: EmbeddedHub, seconds: float, worker: int | None) -> dict[str, float]:
    """CPU of the hub's loop and of the worker over ``seconds``; while recording, the
    ward is given the floor halfway."""
    loop_id = hub._thread.native_id
    recorder = hub.recorders.get(1)
    start = time.monotonic()
    cpu_loop, cpu_worker = thread_cpu(loop_id), thread_cpu(worker)
    peak, switched = 0, recorder is None
    while (elapsed := time.monotonic() - start) < seconds:
        await asyncio.sleep(0.2)
        if recorder is not None:
            peak = max(peak, recorder.queue.qsize())
        if not switched and elapsed > seconds / 2:
            await in_thread(hub.floor, 1, {"hue", "phu-nhuan"})
            switched = True
    wall = time.monotonic() - start
    return {
        "loop": (thread_cpu(loop_id) - cpu_loop) / wall,
        "worker": (thread_cpu(worker) - cpu_worker) / wall,
        "peak": peak,
    }


async def scenario(seconds: float, folder: Path) -> dict[str, Any]:
    hub = EmbeddedHub(ice_servers=[], peer_timeout=10.0)
    await in_thread(hub.floor, 1, {"hue"})
    host = await publisher(hub, 1, "hue", width=640, height=360)
    ward = await publisher(hub, 1, "phu-nhuan")
    watchers = [
        await Receiver().start(hub, 1, "phu-nhuan", "hue"),
        await Receiver().start(hub, 1, "hue", "phu-nhuan"),
    ]
    await asyncio.sleep(3.0)  # warm-up
    plain = await _window(hub, seconds / 2, None)
    path = folder / "bench.webm"
    await in_thread(hub.start_recording, 1, str(path), "hue")
    worker = hub.recorders[1]._thread
    recording = await _window(hub, seconds, worker.native_id if worker else None)
    info = await in_thread(hub.stop_recording, 1)
    for peer in watchers:
        await peer.close()
    for pc in (host, ward):
        await pc.close()
    await in_thread(hub.close)
    return {"plain": plain, "recording": recording, "info": info}


def noise_cost(folder: Path, pictures: int = 150) -> float:
    """CPU ms per picture for the worst picture there is: noise that moves every frame."""
    writer = WebmWriter(str(folder / "noise.webm"))
    base = np.random.default_rng(1).integers(0, 255, (540, 640), dtype=np.uint8)
    start = time.thread_time()
    for index in range(pictures):
        frame = VideoFrame.from_ndarray(np.roll(base, index * 3, axis=1), format="yuv420p")
        writer._picture(frame, index / 15)
    spent = time.thread_time() - start
    writer.close(pictures / 15)
    return spent / pictures * 1000


def report(result: dict[str, Any], argv: list[str]) -> str:
    plain, rec, info = result["plain"], result["recording"], result["info"]
    kbps = info["size"] * 8 / max(info["duration"], 0.001) / 1000
    command = command_line("bench.conference_recording", argv)
    load = os.getloadavg()[0]
    return "\n".join(
        [
            f"## Recording a conference (bench/conference_recording.py) — {today()}",
            "",
            f"Command: `{command}` · {machine()} · load average at the end {load:.1f}"
            " (shared machine).",
            "Host 640×360 + ward 320×240, both 15 fps (aiortc peers in the same process);"
            " the ward takes the floor halfway; output 640×360 VP8 (≤ 15 fps) + Opus mono.",
            "",
            "| | hub loop (cores) | recorder worker (cores) |",
            "| --- | --- | --- |",
            f"| forwarding only | {plain['loop']:.3f} | – |",
            f"| forwarding + recording | {rec['loop']:.3f} | {rec['worker']:.3f} |",
            "",
            f"File: {info['duration']:.1f} s, {info['size'] / 1e6:.2f} MB ({kbps:.0f} kbit/s),"
            f" {info['video_frames']} pictures, {info.get('errors', 0)} undecodable frames;"
            f" frames dropped by the bounded queue: {info['dropped']};"
            f" worker queue peak {rec['peak']} of 120.",
            "The test cameras send flat colours that change every frame: a real camera's"
            " picture costs the VP8 encoder more. The worst picture there is (moving noise,"
            f" 640×360): {result['noise_ms']:.1f} ms of CPU per picture, so"
            f" {result['noise_ms'] * 15 / 1000:.2f} core at 15 fps.",
        ]
    )


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        result = asyncio.run(scenario(args.seconds, Path(folder)))
        result["noise_ms"] = noise_cost(Path(folder))
    text = report(result, argv)
    print(text)
    if not args.no_readme:
        update_readme("conference_recording", text)


if __name__ == "__main__":
    main()
