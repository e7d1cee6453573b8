"""Results day: parents look their dossiers up (code + date of birth), all from one address.

    .venv/bin/python -m bench.enrollment_results [--dossiers 5000] [--lookups 20000]

The dossiers are made through the API first; then the lookups (GET status and history)
go out over keep-alive connections from one asyncio client process, against a bare Flask
endpoint reading one row from the same database as the baseline, in the same run.
Targets: ≥500 lookups/s, p95 < 300 ms. Every lookup must be a 200: the failure-only
throttle never locks out honest parents sharing an address.
"""

from __future__ import annotations

import argparse
import random
import sys
import uuid

from bench.common import command_line, machine, today, update_readme
from bench.enrollment_common import THREADS, applications, figures, fire, open_round, servers


def run(db_kind: str, dossiers: int, lookups: int, concurrency: int, processes: int = 1) -> str:
    with servers(db_kind, processes) as (urls, baseline, _db_url):
        sohoa = urls[0]
        round_ = open_round(sohoa)
        bodies = applications(round_, dossiers, seed=3)
        url = f"{sohoa}/api/v1/enrollment/rounds/{round_['id']}/applications"
        made, _s = fire([("POST", url, b, {"Idempotency-Key": uuid.uuid4().hex}, "apply")
                         for b in bodies], concurrency)
        base_made, _s = fire([("POST", baseline + "/insert", b, {}, "base") for b in bodies],
                             concurrency)
        known = [(s.body["code"], s.body["receipt_url"].rsplit("=", 1)[1])
                 for s in made if s.status == 201]
        ids = [s.body["id"] for s in base_made if s.status == 201]
        rng = random.Random(5)
        jobs = []
        for i in range(lookups):
            code, dob = rng.choice(known)
            jobs.append(("GET", f"{urls[i % len(urls)]}/api/v1/enrollment/applications/{code}"
                         f"?date_of_birth={dob}", None, {}, "lookup"))
        base_jobs = [("GET", f"{baseline}/row/{rng.choice(ids)}", None, {}, "base")
                     for _ in range(lookups)]
        base_shots, base_s = fire(base_jobs, concurrency)
        shots, seconds = fire(jobs, concurrency)
    ours, base = figures(shots, seconds), figures(base_shots, base_s)
    refused = sum(1 for s in shots if s.status != 200)
    return (f"| {db_kind} | {processes} | {len(known)} | {lookups} | {ours['per_s']:.0f}/s"
            f" | {ours['p50']:.0f} | {ours['p95']:.0f} | {refused} | {base['per_s']:.0f}/s"
            f" | {base['p95']:.0f}"
            f" | {ours['per_s'] / base['per_s']:.2f} |")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=5000)
    parser.add_argument("--lookups", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="postgresql")
    parser.add_argument("--processes", type=int, default=1,
                        help="sohoa serve processes (and baseline workers)")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    used = sys.argv[1:] if argv is None else argv
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    lines = [run(k, args.dossiers, args.lookups, args.concurrency, args.processes)
             for k in kinds]
    table = "\n".join([
        "| database | processes | dossiers | lookups | Sohoa | p50 ms | p95 ms | not 200"
        " | bare Flask read | its p95 ms | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |", *lines])
    print(table)
    if args.no_readme:
        return
    suffix = "" if args.processes == 1 else f", {args.processes} processes"
    section = "enrollment-results" + ("" if args.processes == 1 else f"-{args.processes}p")
    update_readme(section, f"""## Enrollment: results day lookups{suffix}

`{command_line('bench.enrollment_results', used)}` — {today()}, {machine()}.
Status lookups (code + date of birth, with the history) against `sohoa serve` in
production mode (gunicorn, {args.processes} process(es), {THREADS} threads each);
baseline: a bare Flask endpoint reading one row, same worker, threads, worker count and
database; {args.concurrency} keep-alive connections from one asyncio client process on
127.0.0.1. Targets: ≥500/s, p95 < 300 ms.

{table}
""")


if __name__ == "__main__":
    main()
