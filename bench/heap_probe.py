"""What a long-running process holds, cheaply enough to read every minute of a soak.

Resident memory alone cannot tell a leak from the allocator keeping freed pages: this
also reads what glibc's malloc has handed out and not taken back (mallinfo2: in-use
chunks plus mmapped blocks, over all arenas), Python's own allocated blocks, and the
number of objects the garbage collector tracks, with a count by type so that two
readings show which kinds of object grew.
"""

from __future__ import annotations

import ctypes
import gc
import os
import sys
from collections import Counter
from typing import Any

from core.memory import libc


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _malloc_mb() -> tuple[float, float]:
    """What malloc has handed out and not been given back, and what it holds free
    without returning it to the system, in MB (NaN where mallinfo2 is missing: not glibc,
    or older than 2.33)."""
    mallinfo2 = getattr(libc(), "mallinfo2", None)
    if mallinfo2 is None:
        return float("nan"), float("nan")
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return (info.uordblks + info.hblkhd) / 2**20, info.fordblks / 2**20


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def heap_reading(types: int = 0) -> dict[str, Any]:
    """RSS, malloc in use and held free (MB), Python blocks, GC-tracked objects and, when ``types``,
    the counts of that many most numerous types (by type name)."""
    objects = gc.get_objects()
    in_use, held_free = _malloc_mb()
    reading: dict[str, Any] = {
        "rss_mb": rss_mb(),
        "malloc_mb": in_use,
        "malloc_free_mb": held_free,
        "py_blocks": sys.getallocatedblocks(),
        "objects": len(objects),
    }
    if types:
        counts = Counter(type(obj).__qualname__ for obj in objects)
        reading["types"] = dict(counts.most_common(types))
    del objects
    return reading


def grown_types(first: dict[str, int], last: dict[str, int], top: int = 6) -> list[str]:
    """The types whose count grew most between two readings, as ``name +N``."""
    growth = {name: count - first.get(name, 0) for name, count in last.items()}
    return [
        f"{name} {delta:+d}"
        for name, delta in sorted(growth.items(), key=lambda item: -item[1])[:top]
        if delta > 0
    ]
