"""Random rounds for the allocation tests and benchmarks (deterministic per seed)."""

from __future__ import annotations

import random

from enrollment.allocation import Entry, Seats, lottery_numbers, tier


def random_round(children: int, schools: int, choices: int, seed: int = 1,
                 wards: int = 36, groups: int = 3) -> tuple[list[Entry], list[Seats]]:
    rng = random.Random(seed)
    ward_codes = [f"w{i:02d}" for i in range(wards)]
    seats = [
        Seats(f"s{i:03d}", rng.randint(1, max(1, 2 * children // schools)),
              frozenset(rng.sample(ward_codes, k=min(wards, rng.randint(1, 3)))))
        for i in range(schools)
    ]
    entries = [
        Entry(f"C{i:07d}", rng.choice(ward_codes),
              rng.choice([None, None, None, *range(1, groups + 1)]),
              tuple(s.code for s in rng.sample(seats, k=min(choices, schools))))
        for i in range(children)
    ]
    return entries, seats


def school_order(entries: list[Entry], seats: list[Seats], seed: str) -> dict[str, list[str]]:
    """Each school's ranking of the children who chose it (tier, then lottery)."""
    lottery = lottery_numbers((e.code for e in entries), seed)
    by_code = {s.code: s for s in seats}
    order: dict[str, list[str]] = {s.code: [] for s in seats}
    for e in entries:
        for c in e.choices:
            order[c].append(e.code)
    for code, kids in order.items():
        school = by_code[code]
        index = {e.code: e for e in entries}
        kids.sort(key=lambda k: (tier(index[k], school), lottery[k]))
    return order
