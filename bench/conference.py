"""City–ward conference and class on the embedded hub, against stock aiortc.

    .venv/bin/python -m bench.conference [--sites 37] [--students 40] [--window 20]
        [--client-procs 2] [--no-readme]

One server process runs the media engine: the hub (conference.hub, forwarding encoded
frames) or the baseline, stock aiortc with MediaRelay (decodes each published track once
and encodes it again for every receiver). Sites are aiortc peers in other processes
(bench/conference_sites.py: they neither encode nor decode). Both engines run the same
scenarios in the same run:

* **conference**: every site publishes 320×240 at 15 fps; the host receives every ward,
  each ward receives the host and the floor holder; wards' audio is muted except the floor.
* **class**: one teacher publishes 640×360 at 15 fps to ``--students`` receivers.

Reported: server CPU (cores, from its rusage over the window), frames per second
received per subscription, packet loss, first-frame time after subscribing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing as mp
import os
import resource
import statistics
import threading
import time
from multiprocessing.connection import Client, Listener
from typing import Any

from bench.heap_probe import heap_reading, rss_mb
from core.memory import settle_heap

AUTHKEY = b"sohoa-bench-conference"
FPS = 15


# -- the server process ------------------------------------------------------------------


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def serve(kind: str, ready: Any) -> None:
    if kind == "hub":
        from conference.hub import EmbeddedHub  # noqa: PLC0415 - only the engine measured

        engine: Any = EmbeddedHub(ice_servers=[], peer_timeout=30)
    else:
        from bench.conference_stock import StockHub  # noqa: PLC0415

        engine = StockHub()
    settle_heap()  # as `sohoa conference-server` does once loaded (core.memory)
    listener = Listener(("127.0.0.1", 0), authkey=AUTHKEY)
    ready.put(listener.address)

    def handle(conn: Any) -> None:
        while True:
            try:
                request = conn.recv()
            except EOFError:
                return
            name, *args = request
            try:
                if name == "cpu":
                    conn.send((True, (_cpu(), rss_mb())))
                elif name == "heap":
                    conn.send((True, heap_reading(*args)))
                elif name == "stop":
                    conn.send((True, None))
                    os._exit(0)
                else:
                    conn.send((True, getattr(engine, name)(1, *args)))
            except Exception as err:  # report, keep serving
                conn.send((False, repr(err)))

    while True:
        threading.Thread(target=handle, args=(listener.accept(),), daemon=True).start()


# -- the client processes ------------------------------------------------------------------


def client(address: Any, plan: dict[str, Any], phases: dict[str, Any], results: Any) -> None:
    asyncio.run(_client(address, plan, phases, results))


async def _wait(event: Any) -> None:
    await asyncio.get_running_loop().run_in_executor(None, event.wait)


async def _client(address: Any, plan: dict[str, Any], phases: dict[str, Any], results: Any) -> None:
    from bench.conference_sites import (  # noqa: PLC0415 - aiortc in the client only
        SiteClient,
        encode_clip,
        encode_silence,
    )

    sites = SiteClient(address, AUTHKEY)
    opus = encode_silence()
    clips = {
        size: encode_clip(*size, FPS, kbps) for size, kbps in (((320, 240), 250), ((640, 360), 700))
    }
    await asyncio.gather(
        *(sites.publish(site, clips[size], FPS, opus) for site, size in plan["publish"])
    )
    results.put(("published", None))
    await _wait(phases["subscribe"])
    for site, source in plan["subscribe"]:
        await sites.subscribe(site, source)
        await asyncio.sleep(plan["join_gap"])
    results.put(("subscribed", None))
    await _wait(phases["start"])
    before = dict(sites.frames)
    lost0, got0 = await sites.loss()
    await _wait(phases["end"])
    after = dict(sites.frames)
    lost1, got1 = await sites.loss()
    report = {
        "frames": {f"{k[0]}<{k[1]}": after[k] - before.get(k, 0) for k in after},
        "first": {f"{k[0]}<{k[1]}": sites.first[k] - sites.asked[k] for k in sites.first},
        "never": [f"{k[0]}<{k[1]}" for k in sites.frames if k not in sites.first],
        "lost": lost1 - lost0,
        "received": got1 - got0,
    }
    results.put(("report", report))
    await _wait(phases["close"])
    await sites.close()


# -- one run ---------------------------------------------------------------------------------


def scenario_plans(name: str, sites: int, students: int, procs: int) -> list[dict[str, Any]]:
    plans: list[dict[str, Any]] = [{"publish": [], "subscribe": []} for _ in range(procs)]
    if name == "conference":
        names = ["host", *[f"ward-{i:02d}" for i in range(1, sites)]]
        for i, site in enumerate(names):
            plans[i % procs]["publish"].append((site, (320, 240)))
        for i, ward in enumerate(names[1:]):
            plans[i % procs]["subscribe"].append(("host", ward))
            plans[(i + 1) % procs]["subscribe"].append((ward, "host"))
            if ward != "ward-01":
                plans[(i + 1) % procs]["subscribe"].append((ward, "ward-01"))
    else:
        plans[0]["publish"].append(("teacher", (640, 360)))
        for i in range(students):
            plans[i % procs]["subscribe"].append((f"student-{i:02d}", "teacher"))
    return plans


def run(kind: str, name: str, args: argparse.Namespace) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    ready = ctx.Queue()
    server = ctx.Process(target=serve, args=(kind, ready), daemon=True)
    server.start()
    address = ready.get(timeout=60)
    control = Client(address, authkey=AUTHKEY)

    def ask(*request: Any) -> Any:
        control.send(request)
        ok, value = control.recv()
        if not ok:
            raise RuntimeError(value)
        return value

    phases = {p: ctx.Event() for p in ("subscribe", "start", "end", "close")}
    results = ctx.Queue()
    plans = scenario_plans(name, args.sites, args.students, args.client_procs)
    for plan in plans:  # each process's subscriptions spread so that all arrive at that rate
        plan["join_gap"] = args.join_gap * args.client_procs
    clients = [ctx.Process(target=client, args=(address, plan, phases, results)) for plan in plans]
    for proc in clients:
        proc.start()
    _collect(results, "published", len(clients))
    if name == "conference":
        ask("floor", {"host", "ward-01"})
    phases["subscribe"].set()
    _collect(results, "subscribed", len(clients))
    time.sleep(args.warmup)
    cpu0, _ = ask("cpu")
    phases["start"].set()
    start = time.monotonic()
    samples = _sample_rss(ask, start, args)
    cpu1, rss = ask("cpu")
    last = ask("heap", 40) if args.soak else rss
    samples.append((time.monotonic() - start, last))
    links = ask("stats")
    phases["end"].set()
    window = time.monotonic() - start
    reports = _collect(results, "report", len(clients))
    phases["close"].set()
    for proc in clients:
        proc.join(30)
    with contextlib.suppress(EOFError, ConnectionError):
        ask("stop")
    server.join(10)
    figures = _figures(reports, (cpu1 - cpu0) / window, window, rss)
    figures["rss_samples"] = samples
    figures["dropped_sites"] = sorted(site for site, link in links.items() if not link["connected"])
    return figures


def _sample_rss(ask: Any, start: float, args: argparse.Namespace) -> list[tuple[float, Any]]:
    """Sleep through the window, reading the server's memory every ``rss_every`` s: its
    resident size, or with ``--soak`` a whole heap reading (bench.heap_probe)."""
    samples: list[tuple[float, Any]] = []
    every = args.rss_every or args.window
    while (left := start + args.window - time.monotonic()) > 0:
        time.sleep(min(every, left))
        if start + args.window - time.monotonic() > 1:
            reading = ask("heap", 40) if args.soak else ask("cpu")[1]
            samples.append((time.monotonic() - start, reading))
    return samples


def _collect(results: Any, what: str, count: int) -> list[Any]:
    got: list[Any] = []
    while len(got) < count:
        kind, value = results.get(timeout=300)
        if kind == what:
            got.append(value)
    return got


def _figures(
    reports: list[dict[str, Any]], cores: float, window: float, rss: float
) -> dict[str, Any]:
    fps = [n / window for r in reports for n in r["frames"].values()]
    first = [t for r in reports for t in r["first"].values()]
    never = [k for r in reports for k in r["never"]]
    lost = sum(r["lost"] for r in reports)
    received = sum(r["received"] for r in reports)
    delivered = sum(fps)
    return {
        "cores": cores,
        "delivered_fps": delivered,
        "ms_per_frame": 1000.0 * cores / delivered if delivered else float("nan"),
        "fps_min": min(fps) if fps else 0.0,
        "fps_median": statistics.median(fps) if fps else 0.0,
        "first_max": max(first) if first else float("nan"),
        "first_median": statistics.median(first) if first else float("nan"),
        "never": len(never),
        "subscriptions": len(fps),
        "loss": 100.0 * lost / (lost + received) if lost + received else 0.0,
        "rss_mb": rss,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=37)
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--window", type=float, default=20.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--client-procs", type=int, default=2)
    parser.add_argument("--engines", default="hub,stock")
    parser.add_argument("--scenarios", default="conference,class")
    parser.add_argument(
        "--join-gap",
        type=float,
        default=0.0,
        help="seconds between two subscriptions arriving at the hub (0: all in one burst)",
    )
    parser.add_argument("--no-readme", action="store_true")
    parser.add_argument(
        "--rss-every", type=float, default=0.0, help="read the server's memory every N s"
    )
    parser.add_argument(
        "--soak", action="store_true", help="report memory over the window (its own section)"
    )
    args = parser.parse_args(argv)
    rows = []
    for name in args.scenarios.split(","):
        for kind in args.engines.split(","):
            figures = run(kind, name, args)
            rows.append((name, kind, figures))
            print(
                name,
                kind,
                {
                    k: round(v, 3) if isinstance(v, float) else v
                    for k, v in figures.items()
                    if k != "rss_samples"
                },
                flush=True,
            )
    if not args.no_readme:
        from bench.conference_report import write_readme, write_soak  # noqa: PLC0415

        (write_soak if args.soak else write_readme)(rows, args, argv)


if __name__ == "__main__":
    main()
