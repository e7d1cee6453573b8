"""Hand-built PDFs for tests and benchmarks: a small PDF writer and cheap deflate.

deflate_repeated() compresses one chunk of a repeated pattern once and repeats its
compressed block, so a gigabyte of content costs milliseconds and no memory.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable

MB = 1024 * 1024
ADLER_BASE = 65521


# -- cheap deflate --------------------------------------------------------------------------


def adler32_combine(adler1: int, adler2: int, len2: int) -> int:
    """zlib's adler32_combine: the checksum of A+B from those of A and of B (len(B))."""
    rem = len2 % ADLER_BASE
    sum1 = adler1 & 0xFFFF
    sum2 = (rem * sum1) % ADLER_BASE
    sum1 += (adler2 & 0xFFFF) + ADLER_BASE - 1
    sum2 += ((adler1 >> 16) & 0xFFFF) + ((adler2 >> 16) & 0xFFFF) + ADLER_BASE - rem
    sum1 %= ADLER_BASE
    sum2 %= ADLER_BASE
    return sum1 | (sum2 << 16)


def _adler_repeated(adler: int, length: int, times: int) -> tuple[int, int]:
    """Checksum and length of a block (checksum ``adler``, ``length`` bytes) ``times`` times."""
    total, total_len = 1, 0
    while times:
        if times & 1:
            total, total_len = adler32_combine(total, adler, length), total_len + length
        adler, length, times = adler32_combine(adler, adler, length), length * 2, times >> 1
    return total, total_len


def deflate_repeated(unit: bytes, size: int, head: bytes = b"", chunk: int = MB) -> bytes:
    """zlib (FlateDecode) data for ``head`` then ``unit`` repeated to ``size`` bytes.

    One chunk of the pattern is compressed after a full flush, so its compressed block
    is the same every time and is simply repeated; the checksum is combined, not
    computed over the gigabytes."""
    pattern = unit * max(1, chunk // len(unit))
    chunk = len(pattern)
    blocks, rest = divmod(size, chunk)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    out = [packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)]
    block = packer.compress(pattern) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(pattern) + packer.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "deflate blocks after a full flush should repeat"
    out.append(block * blocks)
    out.append(packer.compress(pattern[:rest]) + packer.flush(zlib.Z_FINISH))
    adler = zlib.adler32(head)
    repeated, length = _adler_repeated(zlib.adler32(pattern), chunk, blocks)
    adler = adler32_combine(adler, repeated, length)
    adler = adler32_combine(adler, zlib.adler32(pattern[:rest]), rest)
    return b"\x78\xda" + b"".join(out) + struct.pack(">I", adler)


# -- a small PDF writer ---------------------------------------------------------------------


class PdfBuilder:
    """Objects by number, written with a classic xref table, or with a cross-reference
    stream when some of them live in object streams."""

    def __init__(self) -> None:
        self.objects: dict[int, bytes] = {}
        self.packed: dict[int, tuple[int, int]] = {}  # object -> (object stream, index)
        self.count = 0

    def reserve(self) -> int:
        self.count += 1
        return self.count

    def add(self, body: bytes | str, number: int | None = None) -> int:
        number = number or self.reserve()
        self.objects[number] = body.encode() if isinstance(body, str) else body
        return number

    def stream(self, entries: str, data: bytes, number: int | None = None) -> int:
        head = f"<<{entries} /Length {len(data)}>>\nstream\n".encode()
        return self.add(head + data + b"\nendstream", number)

    def object_stream(self, members: dict[int, str], padding: int = 0) -> int:
        """An /ObjStm holding ``members``, its data padded with ``padding`` inflated spaces."""
        body = b""
        offsets = []
        for number, text in members.items():
            offsets.append(f"{number} {len(body)}")
            body += text.encode() + b"\n"
        header = (" ".join(offsets) + "\n").encode()
        data = deflate_repeated(b" ", padding, head=header + body)
        number = self.stream(
            f"/Type /ObjStm /N {len(members)} /First {len(header)} /Filter /FlateDecode",
            data,
        )
        for index, member in enumerate(members):
            self.packed[member] = (number, index)
        return number

    def build(self, root: int, info: int | None = None) -> bytes:
        out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for number in sorted(self.objects):
            offsets[number] = len(out)
            out += f"{number} 0 obj\n".encode() + self.objects[number] + b"\nendobj\n"
        trailer = f"/Root {root} 0 R" + (f" /Info {info} 0 R" if info else "")
        if self.packed:
            return bytes(self._xref_stream(out, offsets, trailer))
        start = len(out)
        size = max(self.objects) + 1
        out += f"xref\n0 {size}\n0000000000 65535 f \n".encode()
        for number in range(1, size):
            if number in offsets:
                out += f"{offsets[number]:010d} 00000 n \n".encode()
            else:
                out += b"0000000000 65535 f \n"
        out += f"trailer\n<</Size {size} {trailer}>>\nstartxref\n{start}\n%%EOF\n".encode()
        return bytes(out)

    def _xref_stream(self, out: bytearray, offsets: dict[int, int], trailer: str) -> bytearray:
        number = max([*self.objects, *self.packed]) + 1
        offsets[number] = len(out)
        rows = [struct.pack(">BIH", 0, 0, 65535)]
        for n in range(1, number + 1):
            if n in self.packed:
                rows.append(struct.pack(">BIH", 2, *self.packed[n]))
            elif n in offsets:
                rows.append(struct.pack(">BIH", 1, offsets[n], 0))
            else:
                rows.append(struct.pack(">BIH", 0, 0, 65535))
        data = zlib.compress(b"".join(rows))
        head = (
            f"{number} 0 obj\n<</Type /XRef /Size {number + 1} /W [1 4 2] {trailer}"
            f" /Filter /FlateDecode /Length {len(data)}>>\nstream\n"
        )
        out += head.encode() + data + b"\nendstream\nendobj\n"
        out += f"startxref\n{offsets[number]}\n%%EOF\n".encode()
        return out


def one_page(
    content: bytes,
    content_entries: str = "/Filter /FlateDecode",
    resources: str = "",
    media_box: str = "0 0 595 842",
    extra: Callable[[PdfBuilder], str] | None = None,
) -> bytes:
    """A one-page PDF with the given (already encoded) content stream and resources;
    ``extra(builder)`` may add objects and returns more resource entries."""
    pdf = PdfBuilder()
    catalog, pages = pdf.reserve(), pdf.reserve()
    more = extra(pdf) if extra else ""
    contents = pdf.stream(content_entries, content)
    page = pdf.add(
        f"<</Type /Page /Parent {pages} 0 R /MediaBox [{media_box}]"
        f" /Resources <<{resources}{more}>> /Contents {contents} 0 R>>"
    )
    pdf.add(f"<</Type /Pages /Kids [{page} 0 R] /Count 1>>", pages)
    pdf.add(f"<</Type /Catalog /Pages {pages} 0 R>>", catalog)
    return pdf.build(catalog)
