"""Seat allocation (phân chỗ): student-proposing deferred acceptance over priority tiers.

Each school ranks the children who chose it by tier — in its catchment (tuyến) first,
then the priority groups by their tier, then everyone else — and within a tier by the
child's lottery number. A child's lottery number is their rank when every entry's code
is ordered by ``sha256(seed:code)``: one number per child, fixed by the seed published
after the entries were frozen. Submission time plays no part. The result is the
children-optimal stable matching, which does not depend on the order of proposals, and
the same entries and seed always give the same bytes.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from heapq import heappush, heapreplace

IN_CATCHMENT = 0
OUT_OF_CATCHMENT = 1_000  # after every priority group's tier
TIER_SPAN = 10_000_000  # more than any lottery number


@dataclass(frozen=True)
class Entry:
    """A verified dossier as the allocation sees it."""

    code: str
    ward: str
    group_tier: int | None  # the priority group's tier (1 first), None without a group
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Seats:
    """A participating school: capacity and catchment wards."""

    code: str
    capacity: int
    catchment: frozenset[str]


@dataclass(frozen=True)
class Result:
    placement: dict[str, str | None]  # dossier code → school code (None: no seat)
    lottery: dict[str, int]

    def csv_bytes(self) -> bytes:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("dossier_code", "school_code", "lottery_number"))
        for code in sorted(self.placement):
            writer.writerow((code, self.placement[code] or "", self.lottery[code]))
        return out.getvalue().encode()


def lottery_numbers(codes: Iterable[str], seed: str) -> dict[str, int]:
    """1 for the luckiest child, n for the last: each code's rank by sha256(seed:code)."""
    digests = sorted((hashlib.sha256(f"{seed}:{c}".encode()).digest(), c) for c in codes)
    return {code: number for number, (_digest, code) in enumerate(digests, 1)}


def tier(entry: Entry, school: Seats) -> int:
    if entry.ward in school.catchment:
        return IN_CATCHMENT
    return entry.group_tier if entry.group_tier is not None else OUT_OF_CATCHMENT


def frozen_hash(entries: Sequence[Entry], schools: Sequence[Seats]) -> str:
    """The published hash of the frozen inputs: schools, then entries in code order."""
    digest = hashlib.sha256()
    for s in sorted(schools, key=lambda s: s.code):
        digest.update(f"S|{s.code}|{s.capacity}|{','.join(sorted(s.catchment))}\n".encode())
    for e in sorted(entries, key=lambda e: e.code):
        group = "" if e.group_tier is None else str(e.group_tier)
        digest.update(f"E|{e.code}|{e.ward}|{group}|{','.join(e.choices)}\n".encode())
    return digest.hexdigest()


def allocate(entries: Sequence[Entry], schools: Sequence[Seats], seed: str) -> Result:
    lottery = lottery_numbers((e.code for e in entries), seed)
    index = {s.code: i for i, s in enumerate(schools)}
    capacity = [s.capacity for s in schools]
    prefs: list[list[int]] = []
    keys: list[list[int]] = []
    for e in entries:
        number = lottery[e.code]
        mine = [index[c] for c in e.choices if c in index]
        prefs.append(mine)
        keys.append([tier(e, schools[i]) * TIER_SPAN + number for i in mine])
    held = _defer(prefs, keys, capacity)
    placement: dict[str, str | None] = {e.code: None for e in entries}
    for school, heap in enumerate(held):
        for _key, child in heap:
            placement[entries[child].code] = schools[school].code
    return Result(placement, lottery)


def _defer(prefs: list[list[int]], keys: list[list[int]], capacity: list[int]) -> list[list]:
    """Children propose in order of preference; each school keeps its best so far (a heap
    with its worst held child on top) and turns away the rest."""
    held: list[list[tuple[int, int]]] = [[] for _ in capacity]
    following = [0] * len(prefs)
    free = list(range(len(prefs) - 1, -1, -1))
    while free:
        child = free.pop()
        mine, my_keys = prefs[child], keys[child]
        position = following[child]
        while position < len(mine):
            school, key = mine[position], my_keys[position]
            position += 1
            heap = held[school]
            if len(heap) < capacity[school]:
                heappush(heap, (-key, child))
                break
            if heap and -heap[0][0] > key:
                _worst, rejected = heapreplace(heap, (-key, child))
                free.append(rejected)
                break
        following[child] = position
    return held
