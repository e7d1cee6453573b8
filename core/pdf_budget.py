"""The inflation budget of one validation: every stream is decoded at most up to the
per-stream cap, and all of them together up to the whole-file cap, within a deadline.

Used in the validation child only (see core.pdf_guard).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable, Iterator
from typing import Any

from pypdf.errors import LimitReachedError, PyPdfError

from core.pdf_inflate import (
    StreamTooLarge,
    UnsupportedFilters,
    decode_parms,
    decoded_chunks,
    filter_names,
)
from core.pdf_worker import Limits

MB = 1024 * 1024
PARSE_ERRORS = (
    PyPdfError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    AssertionError,
    NotImplementedError,
)


class Refused(BaseException):  # noqa: N818 - not an Exception: pypdf's `except Exception` must not eat it
    """The document is refused: a code for the parent, a reason and its figures."""

    def __init__(self, code: str, reason: str | None = None, **params: Any) -> None:
        super().__init__(code, reason)
        self.code, self.reason, self.params = code, reason, params

    def answer(self) -> dict[str, Any]:
        return {"ok": False, "code": self.code, "reason": self.reason, "params": self.params}


def too_complex(reason: str, **params: Any) -> Refused:
    return Refused("pdf_too_complex", reason, **params)


def object_key(obj: Any) -> tuple[int, int] | None:
    """(object number, generation) of an indirect object, None for a direct one."""
    ref = getattr(obj, "indirect_reference", None)
    return (ref.idnum, ref.generation) if ref is not None else None


def resolve(obj: Any) -> Any:
    """The object a reference points to; None when it cannot be read (viewers skip it)."""
    if obj is None:
        return None
    try:
        return obj.get_object()
    except LimitReachedError:
        raise
    except PARSE_ERRORS:
        return None


class Budget:
    """Decodes streams within the limits; each stream of the file is charged once.

    A stream is known by where it is in the file (``locate`` gives the offset of an
    object from the cross-reference table), so the scan of the raw file and pypdf's own
    reads of the same object are charged once."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.deadline = time.monotonic() + limits.seconds
        self.total = 0
        self.charged: set[Hashable] = set()
        self.locate: Callable[[tuple[int, int]], int | None] = lambda key: None

    def key(self, stream: Any) -> Hashable | None:
        ref = object_key(stream)
        if ref is None:
            return None
        offset = self.locate(ref)
        return ("at", offset) if offset is not None else ("ref", *ref)

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise too_complex("time", seconds=self.limits.seconds)

    def measure(self, stream: Any, key: Hashable | None = None) -> None:
        """Charge a stream's inflated size (a no-op for one already charged)."""
        key = key or self.key(stream)
        if key is None or key not in self.charged:
            for _ in self.chunks(stream, key):
                pass

    def chunks(self, stream: Any, key: Hashable | None = None) -> Iterator[bytes]:
        """The decoded data, chunk by chunk, charged to the budget the first time."""
        key = key or self.key(stream)
        fresh = key is None or key not in self.charged
        if key is not None:
            self.charged.add(key)
        try:
            names = filter_names(stream)
            parms = decode_parms(stream, len(names))
            for chunk in decoded_chunks(stream._data, names, parms, self.limits.stream_bytes):
                if fresh:
                    self._charge(len(chunk))
                self.tick()
                yield chunk
        except LimitReachedError:
            raise
        except PARSE_ERRORS:
            return  # undecodable: a viewer shows nothing of it either
        except StreamTooLarge as err:
            raise Refused(
                "pdf_inflates_too_much", "stream", mb=self.limits.stream_bytes // MB
            ) from err
        except UnsupportedFilters as err:
            raise too_complex("filters", filters=str(err)) from err

    def _charge(self, size: int) -> None:
        self.total += size
        if self.total > self.limits.total_bytes:
            raise Refused("pdf_inflates_too_much", "total", mb=self.limits.total_bytes // MB)
