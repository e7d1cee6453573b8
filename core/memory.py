"""A long-running server process's memory: what the collector walks, what malloc keeps.

- :func:`settle_heap`, once the application is loaded: its ~250,000 objects leave the
  cyclic collector's generations for good.
- :func:`return_free_memory`, now and then in a process that serves for days (the media
  hub): glibc's malloc keeps the pages of freed chunks inside its arenas; with many
  threads (one arena each) the resident size creeps up although what is in use stays the
  same (bench.heap_probe: +13 MB of free-held memory in 10 minutes of a 12-site
  conference, in use flat). ``malloc_trim`` hands those pages back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
from collections.abc import Callable


def settle_heap() -> None:
    """Move every object alive now (the application, its modules, SQLAlchemy's mappers)
    out of the cyclic collector's generations, for good.

    Called once a server process has loaded the application. Without it every full
    collection walks them all: a stop-the-world pause of ~240 ms in a serving process here
    (40 ms with them frozen), which lands in whatever event is being answered. They stay
    alive as long as the process anyway: freezing them changes what each collection
    walks, not what is kept."""
    gc.collect()
    gc.freeze()


@functools.cache
def libc() -> ctypes.CDLL | None:
    """The C library, to reach glibc's malloc; None where it cannot be loaded."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    trim = getattr(libc(), "malloc_trim", None)
    if trim is None:  # not glibc: nothing to hand back this way
        return None
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return trim


def return_free_memory() -> bool:
    """Hand the free pages malloc holds back to the system; False where it cannot."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
