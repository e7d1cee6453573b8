"""Bounded decoding of PDF stream filter chains (used by the validation child process).

A stream's data is decoded in chunks, FlateDecode with ``zlib.decompressobj`` and
``max_length``, so a stream that inflates to gigabytes costs at most ``cap`` bytes of
work and one chunk of memory before it is refused. The other transport filters (LZW,
ASCIIHex, ASCII85, RunLength) are decoded by pypdf on the bounded output of the previous
stage, under pypdf's own output limits. Image codecs (DCT, JPX, CCITT, JBIG2) end the
chain: their pixels are budgeted from the image's declared width and height instead.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pypdf import apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import ASCII85Decode, ASCIIHexDecode, LZWDecode, RunLengthDecode
from pypdf.generic import DictionaryObject

CHUNK = 1 << 20
MAX_FILTERS = 4

FLATE = frozenset({"/FlateDecode", "/Fl"})
IMAGE_CODECS = frozenset(
    {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
)
PASS_THROUGH = frozenset({"/Crypt"})  # identity only: encrypted files are refused earlier


class StreamTooLarge(Exception):
    """A stream decodes to more than the cap."""


class UnsupportedFilters(Exception):
    """A filter chain no viewer of ours would decode (unknown, too long, misordered)."""


def filter_names(stream: Any) -> list[str]:
    """The stream's /Filter as a list of names (resolving an indirect array)."""
    filters = stream.get("/Filter")
    filters = filters.get_object() if filters is not None else None
    if filters is None:
        return []
    if isinstance(filters, list):
        return [str(f.get_object()) for f in filters]
    return [str(filters)]


def decode_parms(stream: Any, count: int) -> list[Any]:
    """One /DecodeParms entry per filter (a missing entry is None)."""
    parms = stream.get("/DecodeParms")
    parms = parms.get_object() if parms is not None else None
    if not isinstance(parms, list):
        parms = [parms]
    resolved = [p.get_object() if p is not None else None for p in parms]
    return (resolved + [None] * count)[:count]


def check_chain(names: list[str]) -> None:
    """Refuse chains we cannot bound: too long, unknown filters, a codec before the end."""
    if len(names) > MAX_FILTERS:
        raise UnsupportedFilters(f"{len(names)} filters")
    for position, name in enumerate(names):
        if name in IMAGE_CODECS:
            if position != len(names) - 1:
                raise UnsupportedFilters(f"{name} is not the last filter")
        elif name not in FLATE and name not in _WHOLE and name not in PASS_THROUGH:
            raise UnsupportedFilters(name)


def decoded_chunks(raw: bytes, names: list[str], parms: list[Any], cap: int) -> Iterator[bytes]:
    """The decoded data of a stream, chunk by chunk; StreamTooLarge beyond ``cap`` bytes.

    Stops before an image codec (its input is what gets measured). A corrupt Flate
    stream ends where it breaks, as viewers do."""
    check_chain(names)
    chunks: Iterable[bytes] = _slices(raw)
    for name, parm in zip(names, parms, strict=True):
        if name in IMAGE_CODECS:
            break
        if name in FLATE:
            chunks = _inflate(chunks, cap)
        elif name in _WHOLE:
            chunks = _whole(chunks, name, parm, cap)
    return _capped(chunks, cap)


def _slices(raw: bytes) -> Iterator[bytes]:
    view = memoryview(raw)
    for start in range(0, len(raw), CHUNK):
        yield bytes(view[start : start + CHUNK])


def _capped(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    produced = 0
    for chunk in chunks:
        produced += len(chunk)
        if produced > cap:
            raise StreamTooLarge(f"more than {cap} bytes")
        yield chunk


def _inflate(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    produced = 0
    for data in chunks:
        while data:
            try:
                out = inflater.decompress(data, CHUNK)
            except zlib.error:
                return
            produced += len(out)
            if produced > cap:
                raise StreamTooLarge(f"more than {cap} bytes")
            if out:
                yield out
            if inflater.eof:
                return
            data = inflater.unconsumed_tail


def _collect(chunks: Iterable[bytes], cap: int) -> bytes:
    return b"".join(_capped(chunks, cap))


def _whole(chunks: Iterable[bytes], name: str, parm: Any, cap: int) -> Iterator[bytes]:
    """A filter pypdf decodes in one piece, on input already bounded by ``cap``."""
    data = _collect(chunks, cap)
    try:
        with apply_configuration(
            lzw_maximum_output_length=cap, run_length_maximum_output_length=cap
        ):
            decoded = _WHOLE[name](data, parm)
    except LimitReachedError as err:
        raise StreamTooLarge(str(err)) from err
    yield from _slices(decoded)


def _lzw(data: bytes, parm: Any) -> bytes:
    return LZWDecode.decode(data, parm if isinstance(parm, DictionaryObject) else None)


def _ascii_hex(data: bytes, parm: Any) -> bytes:
    return ASCIIHexDecode.decode(data)


def _ascii85(data: bytes, parm: Any) -> bytes:
    return ASCII85Decode.decode(data)


def _run_length(data: bytes, parm: Any) -> bytes:
    return RunLengthDecode.decode(data)


_WHOLE: dict[str, Callable[[bytes, Any], bytes]] = {
    "/LZWDecode": _lzw,
    "/LZW": _lzw,
    "/ASCIIHexDecode": _ascii_hex,
    "/AHx": _ascii_hex,
    "/ASCII85Decode": _ascii85,
    "/A85": _ascii85,
    "/RunLengthDecode": _run_length,
    "/RL": _run_length,
}
