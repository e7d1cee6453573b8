"""Allocation: 100,000 children × 3 choices × 300 schools, against the `matching` package.

    .venv/bin/python -m bench.enrollment_allocation [--children 100000] [--baseline 5000]

Times Sohoa's deferred acceptance (lottery, tiers, proposals, the CSV bytes) and its peak
memory (tracemalloc, and the process's max RSS), then solves a 5,000-child round with the
`matching` package's HospitalResident solver and with Sohoa, checks both give the same
seats, and reports the ratio. Targets: < 3 s and < 500 MB for 100,000 children.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc

from matching.games import HospitalResident

from bench.common import command_line, machine, today, update_readme
from enrollment.allocation import allocate
from tests.enrollment.allocation_data import random_round, school_order


def _ours(children: int, schools: int, seed: str) -> tuple[float, float, int]:
    """Timed without tracing (tracemalloc slows Python down), then traced for memory."""
    entries, seats = random_round(children, schools, 3, seed=9)
    started = time.perf_counter()
    result = allocate(entries, seats, seed)
    data = result.csv_bytes()
    seconds = time.perf_counter() - started
    tracemalloc.start()
    allocate(entries, seats, seed).csv_bytes()
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    placed = sum(1 for s in result.placement.values() if s)
    assert len(data) > 0
    return seconds, peak / 2**20, placed


def _baseline(children: int, schools: int, seed: str) -> tuple[float, float, bool]:
    entries, seats = random_round(children, schools, 3, seed=10)
    started = time.perf_counter()
    ours = allocate(entries, seats, seed).placement
    our_s = time.perf_counter() - started
    started = time.perf_counter()
    game = HospitalResident.create_from_dictionaries(
        {e.code: list(e.choices) for e in entries}, school_order(entries, seats, seed),
        {s.code: s.capacity for s in seats},
    )
    solved = game.solve(optimal="resident")
    their_s = time.perf_counter() - started
    theirs = {e.code: None for e in entries}
    for hospital, residents in solved.items():
        for resident in residents:
            theirs[resident.name] = hospital.name
    return our_s, their_s, theirs == ours


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--schools", type=int, default=300)
    parser.add_argument("--baseline", type=int, default=5_000)
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    used = sys.argv[1:] if argv is None else argv
    seed = "ket-qua-tuyen-sinh"
    seconds, peak_mb, placed = _ours(args.children, args.schools, seed)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    our_s, their_s, same = _baseline(args.baseline, max(1, args.schools // 20), seed)
    table = "\n".join([
        "| run | children | schools | seconds | peak traced MB | process max RSS MB | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        f"| Sohoa | {args.children} | {args.schools} | {seconds:.2f} | {peak_mb:.0f} |"
        f" {rss_mb:.0f} | {placed} placed |",
        f"| Sohoa | {args.baseline} | {max(1, args.schools // 20)} | {our_s:.3f} | | | |",
        f"| matching HospitalResident | {args.baseline} | {max(1, args.schools // 20)} |"
        f" {their_s:.3f} | | | same seats: {same}; {their_s / our_s:.0f}× Sohoa's time |",
    ])
    print(table)
    if args.no_readme:
        return
    update_readme("enrollment-allocation", f"""## Enrollment: allocation

`{command_line('bench.enrollment_allocation', used)}` — {today()}, {machine()}.
Random rounds (3 choices each, 36 wards, 3 priority tiers); the time covers the lottery,
the tiers, the deferred acceptance and the CSV bytes. Targets: < 3 s, < 500 MB. The
process's max RSS includes building the random input.

{table}
""")


if __name__ == "__main__":
    main()
