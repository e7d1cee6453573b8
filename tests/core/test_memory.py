"""core.memory: the loaded application leaves the collector's walk; free pages that
malloc holds go back to the system."""

from __future__ import annotations

import gc
import os
import platform

import pytest

from core.memory import return_free_memory, settle_heap


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_settle_heap_takes_the_loaded_application_out_of_the_collectors_walk(app):
    """A full collection walks only what was created after the server loaded the app."""
    gc.unfreeze()
    walked_before = len(gc.get_objects())
    try:
        settle_heap()
        assert gc.get_freeze_count() >= walked_before // 2
        assert len(gc.get_objects()) < walked_before // 10
    finally:
        gc.unfreeze()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_free_pages_held_by_malloc_go_back_to_the_system():
    # 8 KiB chunks come from malloc's heap (not mmap); freeing every other one leaves
    # free pages between live chunks, which free() keeps and malloc_trim hands back
    chunks = [bytes(8192) for _ in range(12_000)]
    del chunks[::2]
    held = _rss_mb()
    assert return_free_memory()
    assert _rss_mb() < held - 15
    del chunks
