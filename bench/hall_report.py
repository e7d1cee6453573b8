"""The figures of bench.hall, computed from what every device recorded."""

from __future__ import annotations

import argparse
import math
from typing import Any

from bench.common import summary_ms
from bench.server_kinds import SERVER_KINDS

TARGET_JOIN_RATIO = 2.0
TARGET_BALLOT_P99_S = 1.5
TARGET_TALLY_S = 1.0
TARGET_BACK_S = 10.0


def _ok(ack: Any) -> bool:
    return isinstance(ack, dict) and bool(ack.get("ok"))


def ballots(data: dict[str, Any], voters: int) -> dict[str, Any]:
    burst, records = data["burst"], data["records"]
    seconds, accepted, refused = [], {}, {}
    last_answer = 0.0
    for rec in records:
        for kind, sent, answered, ack in rec["ballots"]:
            seconds.append(answered - sent)
            last_answer = max(last_answer, answered)
            if _ok(ack):
                accepted[rec["number"]] = accepted.get(rec["number"], 0) + 1
            else:
                key = (
                    f"{kind}: {ack.get('error', {}).get('code') if isinstance(ack, dict) else ack}"
                )
                refused[key] = refused.get(key, 0) + 1
    tally_delays, never = [], 0
    closed_right = 0
    want = {k: burst["closed"].get(k) for k in ("yes", "no", "abstain")}
    for rec in records:
        if rec["twin"]:
            continue
        full = [t for t, cast in rec["tallies"] if cast >= voters and t < burst["close_at"]]
        if full:
            tally_delays.append(max(0.0, min(full) - last_answer))
        else:
            never += 1
        events = [d for _, d in rec["closed"] if d.get("vote_id") == burst["vote_id"]]
        if events and {k: events[0].get(k) for k in want} == want:
            closed_right += 1
    once = sum(1 for n in range(voters) if accepted.get(n) == 1)
    return {
        "acks": summary_ms(seconds),
        "once": once,
        "refused": refused,
        "tally": summary_ms(tally_delays),
        "never": never,
        "closed_right": closed_right,
        "exact": want == burst["expected"],
        "all_answered_s": last_answer - burst["start_at"],
    }


def reconnect(data: dict[str, Any]) -> dict[str, Any]:
    info, records = data["reconnect"], [r for r in data["records"] if not r["twin"]]
    cut_at, sent = info["cut_at"], info["sent"]
    back: list[float] = []
    with_state = on_final = 0
    during: list[float] = []
    calm: list[float] = []
    missing = 0
    calm_from, calm_to = info["calm"]
    for rec in records:
        rejoins = [(t, a) for t, a in rec["joins"] if t > cut_at and _ok(a)]
        pages: dict[int, float] = {}
        for page, at in rec["pages"]:
            pages.setdefault(page, at)
        for page in range(calm_from, calm_to + 1):
            if page in pages and page in sent:
                calm.append(pages[page] - sent[page])
        if not rejoins:
            continue
        at, ack = rejoins[0]
        back.append(at - cut_at)
        vote = ack.get("vote") or {}
        if vote.get("vote_id") == info["vote_id"] and ack.get("speakers", {}).get("queue"):
            with_state += 1
        later = [p for p, t in rec["pages"] if t >= at]
        if max([ack.get("page") or 0, *later]) == info["final_page"]:
            on_final += 1
        for page, when in sent.items():
            if at < when <= info["back_at"]:
                if page in pages:
                    during.append(pages[page] - when)
                else:
                    missing += 1
    return {
        "devices": len(records),
        "back": len(back),
        "all_back_s": max(back) if back else math.nan,
        "back_p50_s": summary_ms(back)["p50"] / 1000,
        "with_state": with_state,
        "on_final": on_final,
        "during": summary_ms(during),
        "calm": summary_ms(calm),
        "missing": missing,
    }


def _ballot_verdict(b: dict[str, Any], burst: dict[str, Any]) -> str:
    p99_s, tally_s = b["acks"]["p99"] / 1000, b["tally"]["max"] / 1000
    tally_met = tally_s < TARGET_TALLY_S and not b["never"]
    closed = burst["closed"]
    return (
        f"- ballot ack p99 {p99_s:.2f} s (target < {TARGET_BALLOT_P99_S} s: "
        f"{'met' if p99_s < TARGET_BALLOT_P99_S else 'missed'}); full tally at every device "
        f"within {tally_s:.2f} s of the last answer (target < {TARGET_TALLY_S:.0f} s: "
        f"{'met' if tally_met else 'missed'}); close ack {burst['close_ack_s'] * 1000:.0f} ms; "
        f"result {closed.get('yes')} / {closed.get('no')} / {closed.get('abstain')} "
        f"(expected {burst['expected']})"
    )


def report(
    args: argparse.Namespace, command: str, data: dict[str, Any], header: tuple[str, str, int]
) -> str:
    when, where, twin_every = header
    relay, ours = data["relay_storm"], data["storm"]
    ratio = ours["all_in_s"] / relay["all_in_s"]
    b, r, ins = ballots(data, args.devices), reconnect(data), data["inserts"]
    load = ", ".join(f"{x:.1f}" for x in data["load"])
    n = args.devices
    return "\n".join(
        [
            f"## A hall of {n} tablets — {args.database}",
            "",
            f"- date: {when}; machine: {where}; load average at the end: {load} (shared machine)",
            f"- command: `{command}`",
            f"- one `sohoa serve` process ({SERVER_KINDS[args.server]}; the relay on the same"
            f" server); {args.client_procs} client processes; websocket transport",
            "",
            "| join storm: all connect and join at once | all in s | joins p50 / p99 ms | failed |",
            "| --- | --- | --- | --- |",
            f"| bare relay | {relay['all_in_s']:.2f} | {relay['joins']['p50']:.0f} / "
            f"{relay['joins']['p99']:.0f} | {sum(relay['failed'].values())} |",
            f"| Sohoa | {ours['all_in_s']:.2f} | {ours['joins']['p50']:.0f} / "
            f"{ours['joins']['p99']:.0f} | {sum(ours['failed'].values())} {ours['failed'] or ''} |",
            "",
            f"- **join storm Sohoa / relay = {ratio:.2f}** (target ≤ {TARGET_JOIN_RATIO}: "
            f"{'met' if ratio <= TARGET_JOIN_RATIO else 'missed'}); failed joins: "
            f"{sum(ours['failed'].values())}",
            "",
            f"| ballot burst: {n} ballots over 1 s (+ a same-moment twin from a second device for "
            f"every {twin_every}th) | ack p50 / p99 ms | all answered s | counted once | refused "
            "| last full tally after the last answer p50 / max ms | no full tally | vote_closed "
            "exact at devices |",
            "| --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| Sohoa `cast_vote` | {b['acks']['p50']:.0f} / {b['acks']['p99']:.0f} "
            f"| {b['all_answered_s']:.2f} | {b['once']}/{n} | {b['refused']} "
            f"| {b['tally']['p50']:.0f} / {b['tally']['max']:.0f} | {b['never']} "
            f"| {b['closed_right']}/{n} (split {'as expected' if b['exact'] else 'WRONG'}) |",
            f"| bare INSERT over HTTP, same database | {ins['acks']['p50']:.0f} / "
            f"{ins['acks']['p99']:.0f} | {ins['all_in_s']:.2f} | {ins['ok']}/{n} stored | | | | |",
            "",
            _ballot_verdict(b, data["burst"]),
            "",
            f"| reconnect storm: all {r['devices']} connections cut at once | back | all back s "
            "| back p50 s | back with the open vote and the queue | on the presenter's page at the "
            "end | page turn p50 / p99 ms, devices already back, during the storm | same before "
            "the cut | turns missed by devices already back |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
            f"| Sohoa | {r['back']}/{r['devices']} | {r['all_back_s']:.2f} | {r['back_p50_s']:.2f} "
            f"| {r['with_state']}/{r['devices']} | {r['on_final']}/{r['devices']} "
            f"| {r['during']['p50']:.0f} / {r['during']['p99']:.0f} "
            f"| {r['calm']['p50']:.0f} / {r['calm']['p99']:.0f} | {r['missing']} |",
            "",
            f"- all back within {r['all_back_s']:.1f} s (target < {TARGET_BACK_S:.0f} s: "
            f"{'met' if r['all_back_s'] < TARGET_BACK_S else 'missed'})",
        ]
    )
