"""PDF bombs: how fast the upload validation refuses each, and what it costs in memory.

    python -m bench.pdf_bombs [--repeat 3] [--no-before] [--no-limit-bomb] [--no-readme]

1. Every bomb of the test corpus (tests/pdf_corpus.py), plus the probe's trick scaled to
   the 40 MB upload limit, through core.pdf_worker.run_guarded (what validate_pdf runs
   after its cheap checks) with the default settings: the time to refuse, the growth of
   this (the web) process's peak RSS during the call (VmHWM after resetting it through
   /proc/self/clear_refs), and the child's own peak RSS. Baseline in the same run: an
   ordinary PDF of about the same file size (core.sample_pdf.numbered_pdf with filler).
   "Before": the validator this replaced (pypdf in the web process: open, count pages,
   read each media box), run in a subprocess with a timeout, its time and peak RSS.
2. The overhead on ordinary uploads: the old in-process validator, the new one with its
   pre-started child (the normal case), and with a cold child (a burst of uploads).

Each measurement waits 0.5 s first, so that the spare child is ready, as it is between
uploads; medians of --repeat runs.
"""

from __future__ import annotations

import argparse
import io
import logging
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from bench.common import command_line, machine, today, update_readme
from core.pdf import guard_limits, refusal
from core.pdf_worker import Outcome, discard_spare, run_guarded
from core.sample_pdf import numbered_pdf
from tests.pdf_builder import MB
from tests.pdf_corpus import Bomb, bombs, stream_bombs
from tests.support import ROOT

UPLOAD_LIMIT = 40 * MB
SETTLE_S = 0.5
BEFORE_TIMEOUT_S = 300
OLD_VALIDATOR = """
import io, logging, re, sys, time
from pypdf import PdfReader
logging.disable(logging.CRITICAL)
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
try:
    reader = PdfReader(io.BytesIO(data), strict=False)
    reader.is_encrypted
    pages = len(reader.pages)
    for page in reader.pages:
        page.mediabox
    reader.metadata
    result = f"accepted ({pages} pages)"
except Exception as err:
    result = f"refused ({type(err).__name__})"
peak = int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
print(f"{time.perf_counter() - started:.3f} {peak} {result}")
"""


@dataclass
class Run:
    seconds: float
    parent_kb: int  # growth of this process's peak RSS during the call
    outcome: Outcome


def _status_kb(field: str) -> int:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", text).group(1))  # type: ignore[union-attr]


def measure(data: bytes) -> Run:
    time.sleep(SETTLE_S)
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _status_kb("VmRSS")
    started = time.perf_counter()
    outcome = run_guarded(data, guard_limits(len(data), 2000))
    seconds = time.perf_counter() - started
    return Run(seconds, _status_kb("VmHWM") - before, outcome)


def median_run(data: bytes, repeat: int) -> Run:
    runs = [measure(data) for _ in range(repeat)]
    return Run(
        statistics.median(r.seconds for r in runs),
        max(r.parent_kb for r in runs),
        max(runs, key=lambda r: r.outcome.child_maxrss_kb).outcome,
    )


def ordinary_like(size: int) -> bytes:
    """An ordinary numbered document of about ``size`` bytes."""
    pages = max(1, min(300, round(size / (100 * 1024))))
    filler = max(0, size // pages // 1024 - 3)
    return (
        numbered_pdf(pages, "Tài liệu thường", filler_kb=filler)
        if filler
        else numbered_pdf(pages, "Tài liệu thường")
    )


def before(data: bytes) -> str:
    """The old validator on ``data`` in a subprocess: 'seconds s, peak MB, result'."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        try:
            done = subprocess.run(
                [sys.executable, "-c", OLD_VALIDATOR, handle.name],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=BEFORE_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            return f"> {BEFORE_TIMEOUT_S} s (stopped)"
    seconds, peak_kb, result = done.stdout.strip().split(" ", 2)
    return f"{float(seconds):.2f} s, {int(peak_kb) / 1024:.0f} MB, {result}"


def old_in_process(data: bytes) -> float:

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    started = time.perf_counter()
    reader = PdfReader(io.BytesIO(data), strict=False)
    for page in reader.pages:
        _ = page.mediabox
    _ = reader.metadata
    return time.perf_counter() - started


def corpus(limit_bomb: bool) -> list[Bomb]:
    items = bombs()
    if limit_bomb:
        items.append(
            Bomb(
                "stream_bombs_40mb",
                stream_bombs(540),
                "pdf_inflates_too_much",
                413,
                540 * 74_000_000,
                "the probe's trick at the 40 MB upload limit: 540 × 74 MB",
            )
        )
    return items


def bomb_rows(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows, baselines = [], {}
    for bomb in corpus(not args.no_limit_bomb):
        bucket = max(1, round(len(bomb.data) / (100 * 1024)))
        if bucket not in baselines:
            plain = ordinary_like(len(bomb.data))
            baselines[bucket] = (len(plain), median_run(plain, args.repeat))
        got = median_run(bomb.data, args.repeat)
        old = "not run" if args.no_before or bomb.inflates_to > 10**10 else before(bomb.data)
        rows.append({"bomb": bomb, "run": got, "baseline": baselines[bucket], "before": old})
        print(
            f"{bomb.name}: {got.seconds * 1000:.0f} ms {got.outcome.code}/"
            f"{got.outcome.reason}; before: {old}",
            flush=True,
        )
    return rows


def ordinary_rows(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    for label, data in (
        ("5 pages, 10 KB", numbered_pdf(5)),
        ("40 pages, 2 MB", numbered_pdf(40, filler_kb=50)),
        ("300 pages, 30 MB", numbered_pdf(300, filler_kb=100)),
    ):
        old = statistics.median(old_in_process(data) for _ in range(args.repeat))
        warm = median_run(data, args.repeat)
        cold = []
        for _ in range(args.repeat):
            time.sleep(SETTLE_S)
            discard_spare()
            started = time.perf_counter()
            run_guarded(data, guard_limits(len(data), 2000))
            cold.append(time.perf_counter() - started)
        rows.append(
            {
                "label": label,
                "size": len(data),
                "old": old,
                "warm": warm,
                "cold": statistics.median(cold),
            }
        )
        print(
            f"{label}: old {old * 1000:.0f} ms, warm {warm.seconds * 1000:.0f} ms, cold "
            f"{statistics.median(cold) * 1000:.0f} ms",
            flush=True,
        )
    return rows


def size(n: float) -> str:
    return f"{n / MB:.2f} MB" if n >= 100 * 1024 else f"{n / 1024:.1f} KB"


def refused_as(outcome: Outcome) -> str:
    if outcome.code is None:
        return "**accepted**"
    return f"{refusal(outcome).status} {outcome.code} ({outcome.reason})"


def report(argv: list[str], bomb_data: list[dict[str, Any]], plain: list[dict[str, Any]]) -> str:
    limits = guard_limits(MB, 2000)
    lines = [
        "## PDF bombs — time to refuse and memory",
        "",
        f"- date: {today()}; machine: {machine()}",
        f"- command: `{command_line('bench.pdf_bombs', argv)}`",
        f"- settings (defaults): stream ≤ {limits.stream_bytes // MB} MB inflated, whole file ≤"
        " max(50 × its size, one stream's cap) and ≤ 512 MB, ≤ "
        f"{limits.page_operators:,} operators and ≤ {limits.page_pixels // 10**6} M pixels per"
        f" page, {limits.seconds:g} s, child address space {limits.memory_mb} MB",
        "- time = run_guarded() wall clock in the web process (median); web peak = growth of"
        " the web process's peak RSS during the call (max of the runs); baseline = an ordinary"
        " PDF of about the same size; before = the previous validator, in a subprocess",
        "",
        "| bomb | file | inflates to | refused as | time ms | baseline ms | × baseline "
        "| web peak +MB | child peak MB | before (time, peak, result) |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in bomb_data:
        bomb, got = row["bomb"], row["run"]
        base_size, base = row["baseline"]
        lines.append(
            f"| {bomb.what} | {size(len(bomb.data))} | "
            f"{size(bomb.inflates_to) if bomb.inflates_to else '—'} | {refused_as(got.outcome)} "
            f"| {got.seconds * 1000:.0f} | {base.seconds * 1000:.0f} ({size(base_size)}) "
            f"| {got.seconds / base.seconds:.1f} | {got.parent_kb / 1024:.1f} "
            f"| {got.outcome.child_maxrss_kb / 1024:.0f} | {row['before']} |"
        )
    worst = max(bomb_data, key=lambda r: r["run"].seconds)
    lines += [
        "",
        f"- slowest refusal: {worst['bomb'].name}, {worst['run'].seconds:.2f} s; largest "
        f"web-process growth: {max(r['run'].parent_kb for r in bomb_data) / 1024:.1f} MB",
        "",
        "Ordinary uploads (accepted), median ms:",
        "",
        "| document | file | before: pypdf in the web process | now, spare child ready "
        "| now, cold child | child peak MB |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in plain:
        lines.append(
            f"| {row['label']} | {size(row['size'])} | {row['old'] * 1000:.0f} "
            f"| {row['warm'].seconds * 1000:.0f} | {row['cold'] * 1000:.0f} "
            f"| {row['warm'].outcome.child_maxrss_kb / 1024:.0f} |"
        )
    return "\n".join(lines)


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--no-before",
        action="store_true",
        help="skip the previous validator (the probe's file takes ~80 s)",
    )
    parser.add_argument("--no-limit-bomb", action="store_true", help="skip the 40 MB stream bomb")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse(argv)
    shown = list(argv if argv is not None else sys.argv[1:])
    text = report(shown, bomb_rows(args), ordinary_rows(args))
    print(text)
    if not args.no_readme:
        update_readme("pdf_bombs", text)


if __name__ == "__main__":
    main()
