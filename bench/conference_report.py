"""bench/conference.py's section of bench/README.md."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from typing import Any

from bench.common import update_readme
from bench.heap_probe import grown_types

TARGETS = {
    "conference": "< 1.4 cores, ≥ 14 fps everywhere, first frame < 2 s",
    "class": "< 0.5 core",
}


def write_readme(
    rows: list[tuple[str, str, dict[str, Any]]], args: argparse.Namespace, argv: list[str] | None
) -> None:
    given = sys.argv[1:] if argv is None else argv
    command = " ".join([".venv/bin/python -m bench.conference", *given])
    load = os.getloadavg()[0]
    lines = [
        "## Conference hub (bench/conference.py)",
        "",
        f"Command: `{command}` · {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average at the end {load:.1f} "
        "(the machine is shared).",
        f"Scale: conference {args.sites} sites, class 1 → {args.students}; "
        f"window {args.window:.0f} s after {args.warmup:.0f} s warm-up; "
        f"sites in {args.client_procs} client processes; subscriptions "
        + (
            f"arriving {args.join_gap * 1000:.0f} ms apart."
            if args.join_gap
            else "all in one burst."
        ),
        "",
        "| scenario | engine | server cores | CPU ms per delivered frame | fps min / median "
        "| loss | first frame median / max | no frame | server RSS |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    cores: dict[tuple[str, str], float] = {}
    per_frame: dict[tuple[str, str], float] = {}
    for name, kind, f in rows:
        cores[(name, kind)] = f["cores"]
        per_frame[(name, kind)] = f["ms_per_frame"]
        engine = "hub (forwarding)" if kind == "hub" else "stock aiortc"
        lines.append(
            f"| {name} | {engine} | {f['cores']:.2f} | {f['ms_per_frame']:.2f} | "
            f"{f['fps_min']:.1f} / {f['fps_median']:.1f} | {f['loss']:.2f} % | "
            f"{f['first_median']:.2f} s / {f['first_max']:.2f} s | "
            f"{f['never']} of {f['subscriptions']} | {f['rss_mb']:.0f} MB |"
        )
    lines.append("")
    for name in TARGETS:
        hub, stock = cores.get((name, "hub")), cores.get((name, "stock"))
        if hub and stock:
            frame_ratio = per_frame[(name, "stock")] / per_frame[(name, "hub")]
            lines.append(
                f"- {name}: stock aiortc uses {stock / hub:.1f}× the hub's CPU in total and "
                f"**{frame_ratio:.1f}×** per delivered frame ({TARGETS[name]})."
            )
    update_readme("conference", "\n".join(lines))


def write_soak(
    rows: list[tuple[str, str, dict[str, Any]]], args: argparse.Namespace, argv: list[str] | None
) -> None:
    """Memory over a long run: the server's resident memory read every ``--rss-every`` s."""
    given = sys.argv[1:] if argv is None else argv
    command = " ".join([".venv/bin/python -m bench.conference", *given])
    lines = [
        "## Conference hub over a long run (memory)",
        "",
        f"Command: `{command}` · load average at the end {os.getloadavg()[0]:.1f}.",
        "",
        "| scenario | engine | window | fps min / median | server RSS at 1st reading → "
        "last (min–max) | growth after the 1st reading |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    starved = [f"{name}/{kind}" for name, kind, f in rows if f["fps_median"] < 12]
    if starved:  # no media flowed: the memory readings would say nothing about the hub
        print(f"not written to bench/README.md: the sites did not keep pace in {starved}")
        return
    for name, kind, f in rows:
        readings = [reading for _, reading in f["rss_samples"]]
        rss = [reading["rss_mb"] for reading in readings]
        lines.append(
            f"| {name} | {kind} | {args.window:.0f} s | {f['fps_min']:.1f} / "
            f"{f['fps_median']:.1f} | {rss[0]:.0f} → {rss[-1]:.0f} MB "
            f"({min(rss):.0f}–{max(rss):.0f}) | {rss[-1] - rss[0]:+.1f} MB |"
        )
        lines += ["", *_heap_series(name, f["rss_samples"])]
    update_readme("conference-soak", "\n".join(lines))


def _heap_series(name: str, samples: list[tuple[float, dict[str, Any]]]) -> list[str]:
    """Every reading (RSS, malloc in use, Python blocks, objects) and the types that grew
    between the first and the last."""
    rows = [
        f"| {t:.0f} | {r['rss_mb']:.1f} | {r['malloc_mb']:.1f} | {r.get('malloc_free_mb', 0):.1f} "
        f"| {r['py_blocks']} | {r['objects']} |"
        for t, r in samples
    ]
    first, last = samples[0][1], samples[-1][1]
    grown = ", ".join(grown_types(first["types"], last["types"])) or "none"
    return [
        f"Readings ({name}): seconds, RSS, malloc in use, malloc holding free, Python blocks, "
        "tracked objects.",
        "",
        "| s | RSS MB | malloc in use MB | malloc free held MB | Python blocks | objects |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Types that grew from the first reading to the last: {grown}.",
    ]
