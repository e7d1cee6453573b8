"""`python -m bench` (what `make bench` runs): every benchmark in sequence.

    python -m bench [--quick] [--postgresql auto|yes|no]

Each bench writes its own section of bench/README.md. --quick runs small versions (a smoke
test of the benches themselves) and leaves the README alone. The PostgreSQL runs need a
server on 127.0.0.1:5432 (user postgres); `auto` runs them when one answers.
"""

from __future__ import annotations

import argparse
import socket
import time
from collections.abc import Callable

from bench import classroom as classroom_bench
from bench import (
    classroom_video,
    conference,
    conference_recording,
    enrollment_allocation,
    enrollment_opening,
    enrollment_results,
    follow_presenter,
    hall,
    large_document,
    logins,
    pdf_bombs,
    signing,
    vote,
)


def postgres_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


Run = tuple[str, Callable[[list[str] | None], None], list[str]]


def plan(quick: bool, postgresql: bool) -> list[Run]:
    follow = ["--followers", "30", "--turns", "20", "--client-procs", "2"] if quick else []
    voters = ["--voters", "30", "--client-procs", "2"] if quick else []
    document = ["--pages", "30", "--filler-kb", "10"] if quick else []
    bombs = ["--repeat", "1", "--no-before", "--no-limit-bomb"] if quick else []
    extra = ["--no-readme"] if quick else []
    runs: list[Run] = [
        ("follow the presenter, 1 process", follow_presenter.main, follow + extra),
        ("follow the presenter, 2 processes + Redis", follow_presenter.main,
         follow + ["--processes", "2"] + extra),
        ("vote", vote.main, voters + extra),
        ("large document", large_document.main, document + extra),
        ("PDF bombs", pdf_bombs.main, bombs + extra),
        ("live lessons", classroom_bench.main,
         (["--lessons", "1", "--students", "10", "--seconds", "3"] if quick else []) + extra),
    ]
    conference_small = ["--sites", "4", "--students", "3", "--window", "5"] if quick else []
    runs.append(("conference hub", conference.main, conference_small + extra))
    runs.append(("class video signaling", classroom_video.main,
                 (["--students", "10"] if quick else []) + extra))
    runs.append(("conference recording", conference_recording.main,
                 (["--seconds", "5"] if quick else []) + extra))
    runs.append(("signed minutes", signing.main, ["--quick"] if quick else []))
    if postgresql:
        runs[2:2] = [
            ("follow the presenter, 1 process, PostgreSQL", follow_presenter.main,
             follow + ["--database", "postgresql"] + extra),
            ("vote, PostgreSQL", vote.main, voters + ["--database", "postgresql"] + extra),
        ]
    runs += enrollment_runs(quick, postgresql, extra)
    runs += hall_runs(quick, postgresql, extra)
    return runs


def enrollment_runs(quick: bool, postgresql: bool, extra: list[str]) -> list[Run]:
    """Opening morning, results day and allocation (bench/enrollment_*.py)."""
    dbs = ["--db", "both" if postgresql else "sqlite"]
    opening = ["--count", "500"] if quick else []
    lookups = ["--dossiers", "200", "--lookups", "1000"] if quick else []
    allocation = ["--children", "5000", "--baseline", "500"] if quick else []
    return [
        ("enrollment: opening morning", enrollment_opening.main, opening + dbs + extra),
        ("enrollment: results day", enrollment_results.main, lookups + dbs + extra),
        ("enrollment: allocation", enrollment_allocation.main, allocation + extra),
    ]


def hall_runs(quick: bool, postgresql: bool, extra: list[str]) -> list[Run]:
    """A hall of 300 tablets (join, ballot and reconnect storms) and its logins."""
    hall_args = ["--devices", "30", "--client-procs", "2"] if quick else []
    login_args = ["--devices", "30", "--spread", "5"] if quick else []
    databases = ["sqlite", "postgresql"] if postgresql else ["sqlite"]
    runs: list[Run] = []
    for database in databases:
        runs.append((f"hall storms, {database}", hall.main,
                     hall_args + ["--database", database] + extra))
        runs.append((f"logins, {database}", logins.main,
                     login_args + ["--database", database] + extra))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--postgresql", choices=("auto", "yes", "no"), default="auto")
    args = parser.parse_args()
    with_pg = args.postgresql == "yes" or (args.postgresql == "auto" and postgres_up())
    if args.postgresql == "auto" and not with_pg:
        print("PostgreSQL not reachable on 127.0.0.1:5432: skipping its runs")
    for title, run, argv in plan(args.quick, with_pg):
        print(f"\n=== {title}: {' '.join(argv) or '(defaults)'}", flush=True)
        started = time.monotonic()
        run(argv)
        print(f"=== {title}: {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main()
