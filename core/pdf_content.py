"""What a page costs a viewer to draw: content-stream operators and image pixels.

Operators are counted over the decoded content chunk by chunk, after removing strings,
comments and inline-image data: a token that starts with a letter after a delimiter is an
operator (a byte-class table and bytes.count, ~1 ms per MB). An estimate (a token cut
by a chunk boundary may count twice), close enough to budget a page. Form XObjects count once
per ``Do`` that paints them (a form painted 100 times costs 100 times its operators, as
it does in PDF.js); images count once per page with their declared width × height.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

_STRING = re.compile(rb"\((?:[^()\\]++|\\.|\((?:[^()\\]++|\\.)*+\))*+\)", re.DOTALL)
_HEX_STRING = re.compile(rb"<[0-9A-Fa-f\s]*+>")
_COMMENT = re.compile(rb"%[^\r\n]*+")
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]++)\s*+Do\b")
_BEGIN_IMAGE = re.compile(rb"\bBI\b")
_END_IMAGE = re.compile(rb"\sEI\b")
_INLINE_SIZE = re.compile(rb"/(W|Width|H|Height)\s+(\d{1,12})")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def _classes() -> bytes:
    """Byte classes for counting operators: a token that starts with a letter (or * ' ")
    after whitespace or a delimiter is an operator; a name starts with / instead."""
    table = bytearray(b"0" * 256)  # regular characters
    for byte in b"\0\t\n\f\r ()<>[]{}%":
        table[byte] = ord(" ")
    for byte in b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz*'\"":
        table[byte] = ord("a")
    table[ord("/")] = ord("/")
    return bytes(table)


_CLASSES = _classes()


@dataclass
class ContentStats:
    """Operators, ``Do`` invocations by resource name, and inline-image pixels."""

    operators: int = 0
    invocations: Counter[str] = field(default_factory=Counter)
    inline_pixels: int = 0

    def add(self, other: ContentStats) -> None:
        self.operators += other.operators
        self.invocations.update(other.invocations)
        self.inline_pixels += other.inline_pixels


class TooManyOperators(Exception):
    """A content stream alone has more operators than a page may."""


def content_stats(chunks: Iterable[bytes], operator_limit: int) -> ContentStats:
    """Count a content stream; TooManyOperators as soon as it passes ``operator_limit``."""
    stats = ContentStats()
    for text in _pieces(chunks):
        _count(text, stats)
        if stats.operators > operator_limit:
            raise TooManyOperators(stats.operators)
    return stats


def _pieces(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The chunks re-cut at a line end (or a space), so that an operator and its operands
    mostly stay in one piece; a stream of one chunk is not cut at all."""
    carry, pending = b"", None
    for chunk in chunks:
        if pending is not None:
            text = carry + pending
            cut = _cut(text)
            carry = text[cut:]
            yield text[:cut]
        pending = chunk
    yield carry + (pending or b"")


def _cut(text: bytes) -> int:
    window = max(0, len(text) - 65536)
    at = text.rfind(b"\n", window)
    if at < 0:
        at = text.rfind(b" ", window)
    return at + 1 if at >= 0 else len(text)


def _count(text: bytes, stats: ContentStats) -> None:
    if not text:
        return
    if b"BI" in text:
        text = _without_inline_data(text, stats)
    if b"(" in text:
        text = _STRING.sub(b" ", text)
    if b"<" in text:
        text = _HEX_STRING.sub(b" ", text)
    if b"%" in text:
        text = _COMMENT.sub(b" ", text)
    stats.operators += (b" " + text.translate(_CLASSES)).count(b" a")
    if b"Do" in text:
        for name in _DO.findall(text):
            stats.invocations["/" + _unescape(name)] += 1


def _without_inline_data(text: bytes, stats: ContentStats) -> bytes:
    """Drop the binary data of inline images (BI … ID data EI), adding up their pixels."""
    kept, position = [], 0
    while begin := _BEGIN_IMAGE.search(text, position):
        data = text.find(b"ID", begin.end())
        if data < 0:
            break
        sizes = dict(_INLINE_SIZE.findall(text, begin.end(), data))
        width = int(sizes.get(b"W") or sizes.get(b"Width") or 0)
        height = int(sizes.get(b"H") or sizes.get(b"Height") or 0)
        stats.inline_pixels += width * height
        end = _END_IMAGE.search(text, data + 2)
        kept.append(text[position : data + 2])
        position = end.start() if end else len(text)
    kept.append(text[position:])
    return b" ".join(kept)


def _unescape(name: bytes) -> str:
    raw = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
    return raw.decode("utf-8", "replace")
