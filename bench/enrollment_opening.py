"""Opening morning: the city's whole grade-1 intake applies at once, from one address.

    .venv/bin/python -m bench.enrollment_opening [--count 20000] [--db sqlite|postgresql|both]

Each application carries its own Idempotency-Key; about 5% of parents tap again after
the answer (same key) and any 5xx or network error is retried with the same key. Proves
zero lost (every 2xx code is a stored dossier) and zero duplicated (one dossier per
child), and compares with a bare Flask endpoint inserting one row into the same
database, served the same way (gunicorn threads), in the same run.
"""

from __future__ import annotations

import argparse
import sys
import uuid

from sqlalchemy import create_engine, text

from bench.common import command_line, machine, today, update_readme
from bench.enrollment_common import THREADS, applications, figures, fire, open_round, servers


def _check(db_url: str, shots, count: int) -> dict[str, int]:
    engine = create_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT code, personal_id FROM enrollment_dossier")).all()
    engine.dispose()
    stored = {code for code, _pid in rows}
    answered = {s.body["code"] for s in shots if 200 <= s.status < 300 and s.body}
    return {"stored": len(rows), "children": len({pid for _c, pid in rows}),
            "lost": len(answered - stored), "unanswered": count - len(answered),
            "duplicated": len(rows) - len({pid for _c, pid in rows})}


def run(db_kind: str, count: int, concurrency: int, processes: int = 1) -> str:
    with servers(db_kind, processes) as (urls, baseline, db_url):
        sohoa = urls[0]
        round_ = open_round(sohoa)
        bodies = applications(round_, count)
        path = f"/api/v1/enrollment/rounds/{round_['id']}/applications"
        jobs = [("POST", urls[i % len(urls)] + path, b,
                 {"Idempotency-Key": uuid.uuid4().hex}, "apply") for i, b in enumerate(bodies)]
        base_jobs = [("POST", baseline + "/insert", b, {}, "base") for b in bodies]
        base_shots, base_s = fire(base_jobs, concurrency)
        shots, seconds = fire(jobs, concurrency, retry_rate=0.05)
        check = _check(db_url, shots, count)
    ours, base = figures(shots, seconds), figures(base_shots, base_s)
    return (
        f"| {db_kind} | {processes} | {count} | {ours['per_s']:.0f}/s | {ours['p50']:.0f}"
        f" | {ours['p95']:.0f}"
        f" | {ours['retries']} | {check['stored']} | {check['lost']} | {check['duplicated']}"
        f" | {base['per_s']:.0f}/s | {base['p95']:.0f} | {ours['per_s'] / base['per_s']:.2f} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--processes", type=int, default=1,
                        help="sohoa serve processes (and baseline workers)")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    used = sys.argv[1:] if argv is None else argv
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    lines = [run(kind, args.count, args.concurrency, args.processes) for kind in kinds]
    table = "\n".join([
        "| database | processes | applications | Sohoa | p50 ms | p95 ms | taps again | stored"
        " | lost | duplicated | bare Flask insert | its p95 ms | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |", *lines])
    print(table)
    if args.no_readme:
        return
    suffix = "" if args.processes == 1 else f", {args.processes} processes"
    section = "enrollment-opening" + ("" if args.processes == 1 else f"-{args.processes}p")
    update_readme(section, f"""## Enrollment: opening morning{suffix}

`{command_line('bench.enrollment_opening', used)}` — {today()}, {machine()}.
`sohoa serve` in production mode (gunicorn, {args.processes} process(es), {THREADS} threads
each) and the bare Flask baseline (same worker and threads, {args.processes} worker(s), same
database) take the same {args.concurrency} keep-alive connections from one asyncio client
process, all from 127.0.0.1; the baseline runs first, then Sohoa. About 5% of parents tap
again with the same Idempotency-Key ("taps again"). Targets: ≥150 submissions/s on
PostgreSQL, p95 < 1 s.

{table}
""")


if __name__ == "__main__":
    main()
