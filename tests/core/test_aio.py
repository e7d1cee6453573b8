"""outside_loop: a library's blocking call that runs asyncio works whether or not the
calling thread already runs an event loop."""

from __future__ import annotations

import asyncio
import threading

from core.aio import outside_loop


async def _answer() -> int:
    await asyncio.sleep(0)
    return 42


def blocking_library_call(x: int) -> tuple[int, str]:
    """What pyHanko's sign_pdf does: asyncio.run inside a plain function."""
    return asyncio.run(_answer()) + x, threading.current_thread().name


def test_without_a_running_loop_the_call_runs_here():
    value, thread = outside_loop(blocking_library_call, 0)
    assert (value, thread) == (42, threading.current_thread().name)


def test_inside_a_running_loop_the_call_runs_in_a_worker():
    async def inside() -> tuple[int, str]:
        return outside_loop(blocking_library_call, 1)

    value, thread = asyncio.run(inside())
    assert value == 43 and thread.startswith("outside-loop")


def test_errors_come_back_to_the_caller():
    def broken() -> None:
        raise ValueError("bad pdf")

    async def inside() -> None:
        outside_loop(broken)

    try:
        asyncio.run(inside())
    except ValueError as error:
        assert str(error) == "bad pdf"
    else:
        raise AssertionError("the error was lost")
