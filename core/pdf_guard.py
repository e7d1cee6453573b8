"""The PDF validation child: ``python -m core.pdf_guard`` (started by core.pdf_worker).

It writes ``R`` once ready, reads one JSON line (``size``, ``limits``) and then ``size``
bytes of PDF on stdin, confines itself (RLIMIT_AS, RLIMIT_CPU, an alarm) and answers one
JSON object on stdout: ``{"ok": true, "pages", "title"}`` or ``{"ok": false, "code",
"reason", "params"}``, with its peak memory (``maxrss_kb``). Checked, in this order:
the file opens and is not encrypted; every stream in the file inflates within the budget
(pypdf decodes none before it is measured); it has pages, not too many; each page's size,
operators and image pixels.
"""

from __future__ import annotations

import io
import json
import logging
import math
import os
import re
import resource
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import pypdf.filters
from pypdf import PdfReader, overwrite_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import read_object

from core.pdf_budget import MB, PARSE_ERRORS, Budget, Refused, too_complex
from core.pdf_pages import PageCosts, check_page_box
from core.pdf_worker import Limits

T = TypeVar("T")
MAX_TITLE = 1000
HEADER_TRIES = 8  # object headers tried, going back from a ``stream`` keyword
# "stream" as viewers read it: followed by whitespace or a delimiter (or the end of the
# file); no look-behind for "endstream" here, it would make the search slow
_STREAM_KEYWORD = re.compile(rb"stream(?=[\s()<>\[\]{}/%]|$)")
_SPACES = re.compile(rb"\s*")
_OBJECT_NUMBERS = re.compile(rb"(?<!\d)\d{1,10}\s+\d{1,5}\s+$")


def inspect(data: bytes, limits: Limits) -> dict[str, Any]:
    """The answer for one document (raises Refused)."""
    budget = Budget(limits)
    _guard_pypdf(budget, len(data))
    reader = _structural(lambda: PdfReader(io.BytesIO(data), strict=False))
    if _structural(lambda: reader.is_encrypted):
        raise Refused("encrypted_pdf")
    budget.locate = lambda ref: reader.xref.get(ref[1], {}).get(ref[0])
    _measure_every_stream(reader, data, budget)
    pages = _structural(lambda: list(reader.pages))
    if not pages:
        raise Refused("empty_pdf")
    if len(pages) > limits.max_pages:
        raise Refused("too_many_pages", n=limits.max_pages)
    costs = PageCosts(budget)
    for number, page in enumerate(pages, start=1):
        _structural(lambda: check_page_box(number, page))  # noqa: B023 - called at once
        _tolerant(lambda: costs.check(number, page))  # noqa: B023
        budget.tick()
    return {"ok": True, "pages": len(pages), "title": _tolerant(lambda: _title(reader))}


def _structural(step: Callable[[], T]) -> T:
    """A step the document cannot do without: a parse error makes it corrupt."""
    try:
        return step()
    except LimitReachedError as err:
        raise too_complex("structure") from err
    except PARSE_ERRORS as err:
        raise Refused("corrupt_pdf") from err


def _tolerant(step: Callable[[], T]) -> T | None:
    """A step viewers forgive when it cannot be parsed (they skip the broken object)."""
    try:
        return step()
    except LimitReachedError as err:
        raise too_complex("structure") from err
    except PARSE_ERRORS:
        return None


def _guard_pypdf(budget: Budget, size: int) -> None:
    """Whatever pypdf decodes by itself (xref and object streams) is measured first."""
    original = pypdf.filters.decode_stream_data

    def measured_first(stream: Any) -> bytes:
        budget.measure(stream)
        return original(stream)

    pypdf.filters.decode_stream_data = measured_first
    cap = budget.limits.stream_bytes
    overwrite_configuration(
        zlib_maximum_output_length=cap,
        lzw_maximum_output_length=cap,
        run_length_maximum_output_length=cap,
        brotli_maximum_output_length=cap,
        jbig2_maximum_output_length=cap,
        maximum_declared_stream_length=max(size, 75_000_000),
    )


def _measure_every_stream(reader: PdfReader, data: bytes, budget: Budget) -> None:
    """Every stream body in the file, wherever a parser might find one (by the keyword,
    not by the cross-reference table, which may lie), inflates within the budget."""
    covered = 0  # the end of the last stream measured
    for keyword in _STREAM_KEYWORD.finditer(data):
        budget.tick()
        start = keyword.start()
        if start < covered or data[start - 1 : start].isalpha():
            continue  # inside the data of a stream already measured, or "endstream"
        found = _stream_before(reader, data, start, covered)
        if found is not None:
            offset, stream, covered = found
            budget.measure(stream, ("at", offset))


def _stream_before(
    reader: PdfReader, data: bytes, keyword: int, floor: int
) -> tuple[int, Any, int] | None:
    """(where "N G obj" starts, the stream, where it ends) for the ``stream`` keyword at
    ``keyword``: the nearest object header before it that reads as a stream reaching past
    the keyword (an "N G obj" inside a string of the dictionary does not)."""
    at, tries = keyword, 0
    while tries < HEADER_TRIES and (at := data.rfind(b"obj", floor, at)) > floor:
        numbers = _OBJECT_NUMBERS.search(data, max(floor, at - 32), at)
        if numbers is None or not data[at - 1 : at].isspace():
            continue
        tries += 1
        body = _SPACES.match(data, at + 3).end()  # type: ignore[union-attr]
        stream, end = _tolerant(lambda: _read_at(reader, body)) or (None, 0)  # noqa: B023
        if hasattr(stream, "get_data") and end > keyword:
            return numbers.start(), stream, end
    return None


def _read_at(reader: PdfReader, offset: int) -> tuple[Any, int]:
    reader.stream.seek(offset)
    obj = read_object(reader.stream, reader)
    return obj, reader.stream.tell()


def _title(reader: PdfReader) -> str | None:
    metadata = reader.metadata
    title = metadata.get("/Title") if metadata else None
    title = title.get_object() if title is not None else None
    return str(title)[:MAX_TITLE] if title else None


# -- the process ---------------------------------------------------------------------------


def _lower_limit(which: int, value: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))


def _peak_rss_kb() -> int:
    """This process's own peak RSS (VmHWM: ru_maxrss would include the parent's before exec)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _on_alarm(signum: int, frame: Any) -> None:
    raise too_complex("time")


def answer(data: bytes, limits: Limits) -> dict[str, Any]:
    """inspect() under an alarm, every way it can end turned into an answer."""
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    try:
        return inspect(data, limits)
    except Refused as refusal:
        return refusal.answer()
    except MemoryError:
        return too_complex("memory").answer()
    except Exception as err:  # noqa: BLE001 - hostile input reaching pypdf's corners
        answer = Refused("corrupt_pdf", "unexpected").answer()
        return {**answer, "error": "".join(traceback.format_exception(err))[-2000:]}
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, not for us
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    os.write(1, b"R")
    line = sys.stdin.buffer.readline(65536)
    if not line:
        return  # a spare that was never used
    request = json.loads(line)
    limits = Limits(**request["limits"])
    _lower_limit(resource.RLIMIT_AS, limits.memory_mb * MB)
    _lower_limit(resource.RLIMIT_CPU, math.ceil(limits.seconds) + 1)
    try:
        result = answer(sys.stdin.buffer.read(request["size"]), limits)
    except Refused as refusal:  # the alarm, between inspect() and its finally
        result = refusal.answer()
    except MemoryError:
        result = too_complex("memory").answer()
    result["maxrss_kb"] = _peak_rss_kb()
    sys.stdout.buffer.write(json.dumps(result).encode())
    sys.stdout.buffer.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
