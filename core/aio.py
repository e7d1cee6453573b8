"""Calling libraries whose blocking API runs its own event loop (``asyncio.run``).

Such a call fails with "asyncio.run() cannot be called from a running event loop" when
the calling thread already runs one (a Socket.IO server in asyncio mode, a browser driver,
an embedding application). ``outside_loop`` makes the call directly when the thread has
no running loop, and otherwise in a short-lived worker thread of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


def outside_loop(call: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return call(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="outside-loop") as worker:
        return worker.submit(call, *args, **kwargs).result()
