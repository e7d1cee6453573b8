"""bench/conference.py's section of bench/README.md."""

from __future__ import annotations

import argparse
import os
import platform
import sys
from typing import Any

from bench.common import update_readme

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
        f"sites in {args.client_procs} client processes.",
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
