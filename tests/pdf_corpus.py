"""PDF bombs and ordinary PDFs, generated (never committed) for tests and benchmarks.

The bombs are small files that inflate or draw out of all measure: object streams that
inflate to tens of MB each, a page whose content inflates to a gigabyte of drawing
operators, images of 10¹⁰ pixels, forms that paint forms, cycles, deep nesting. They are
built cheaply: deflate_repeated() compresses one chunk of a repeated pattern once and
repeats its compressed block, so a gigabyte of content costs milliseconds and no memory.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Bomb:
    name: str
    data: bytes
    code: str  # the refusal expected
    status: int
    inflates_to: int  # bytes, as built (0 when it is not about inflation)
    what: str


# -- the bombs ------------------------------------------------------------------------------

DRAWING = b"0 0 m 595 842 l S\n"  # move, line, stroke: three operators


def stream_bombs(streams: int = 20, each: int = 74 * MB) -> bytes:
    """The probe's file: ``streams`` object streams, each inflating to ``each`` bytes; the
    page tree lives in the first, so a parser must inflate it to find the pages."""
    pdf = PdfBuilder()
    catalog, pages, page = pdf.reserve(), pdf.reserve(), pdf.reserve()
    contents = pdf.stream("", b"BT /F1 24 Tf 72 720 Td (Trang 1) Tj ET")
    pdf.object_stream(
        {
            catalog: f"<</Type /Catalog /Pages {pages} 0 R>>",
            pages: f"<</Type /Pages /Kids [{page} 0 R] /Count 1>>",
            page: f"<</Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842]"
            f" /Contents {contents} 0 R>>",
        },
        padding=each,
    )
    for _ in range(streams - 1):
        pdf.object_stream({pdf.reserve(): "<</Filler true>>"}, padding=each)
    return pdf.build(catalog)


def page_bomb(size: int = 1024 * MB) -> bytes:
    """One page whose content stream inflates to ``size`` bytes of line drawing."""
    return one_page(deflate_repeated(DRAWING, size))


def operator_bomb(size: int = 48 * MB) -> bytes:
    """One page drawing ~8 million lines: within the inflation caps, not the page budget."""
    return one_page(deflate_repeated(DRAWING, size))


def blank_page_bomb(size: int = 1024 * MB) -> bytes:
    """One page whose content stream inflates to ``size`` bytes of spaces."""
    return one_page(deflate_repeated(b" ", size))


def unused_stream_bomb(size: int = 1024 * MB) -> bytes:
    """An ordinary page plus a stream nothing refers to, inflating to ``size``."""

    def extra(pdf: PdfBuilder) -> str:
        pdf.stream("/Filter /FlateDecode", deflate_repeated(b"\0", size))
        return ""

    return one_page(zlib.compress(b"0 0 m 10 10 l S"), extra=extra)


def double_flate_bomb(size: int = 1024 * MB) -> bytes:
    """[/FlateDecode /FlateDecode]: a few KB, inflating to ~1 MB, then to ``size``."""
    inner = deflate_repeated(b" ", size)
    return one_page(zlib.compress(inner, 9), "/Filter [/FlateDecode /FlateDecode]")


def run_length_bomb(size: int = 256 * MB) -> bytes:
    """[/FlateDecode /RunLengthDecode]: RunLength turns every 2 bytes into 128."""
    runs = b"\x81\x20" * (size // 128)
    return one_page(zlib.compress(runs, 9), "/Filter [/FlateDecode /RunLengthDecode]")


def unknown_filter() -> bytes:
    return one_page(zlib.compress(b"0 0 m"), "/Filter [/FlateDecode /Rot13Decode]")


def image_page(width: int, height: int, data: bytes, colour: str = "/DeviceGray") -> bytes:
    """A page that paints one image XObject, declared ``width`` × ``height``."""

    def extra(pdf: PdfBuilder) -> str:
        image = pdf.stream(
            f"/Type /XObject /Subtype /Image /Width {width} /Height {height}"
            f" /ColorSpace {colour} /BitsPerComponent 8 /Filter /FlateDecode",
            data,
        )
        return f" /XObject <</Im1 {image} 0 R>>"

    return one_page(zlib.compress(b"q 595 0 0 842 0 0 cm /Im1 Do Q"), extra=extra)


def declared_image_bomb() -> bytes:
    """An image declaring 100 000 × 100 000 pixels (10¹⁰), with a few bytes of data."""
    return image_page(100_000, 100_000, zlib.compress(bytes(1000)))


def inflating_image_bomb(size: int = 1024 * MB) -> bytes:
    """An 8000 × 8000 RGB image (within the pixel budget) whose data inflates to ``size``."""
    return image_page(8000, 8000, deflate_repeated(b"\xff", size), "/DeviceRGB")


def _forms(pdf: PdfBuilder, depth: int, paints: int, last: bytes = DRAWING) -> str:
    """Forms F0 … F(depth-1), each painting the next ``paints`` times; the last draws."""
    numbers = [pdf.reserve() for _ in range(depth)]
    for level, number in enumerate(numbers):
        if level + 1 < depth:
            body = f"/F{level + 1} Do\n".encode() * paints
            resources = f" /Resources <</XObject <</F{level + 1} {numbers[level + 1]} 0 R>>>>"
        else:
            body, resources = last, ""
        pdf.stream(f"/Type /XObject /Subtype /Form /BBox [0 0 595 842]{resources}", body, number)
    return f" /XObject <</F0 {numbers[0]} 0 R>>"


def form_fanout_bomb(depth: int = 7, paints: int = 40) -> bytes:
    """Forms painting forms: 40⁶ ≈ 4·10⁹ line drawings from a few KB."""
    return one_page(b"/F0 Do", "", extra=lambda pdf: _forms(pdf, depth, paints))


def nested_forms(depth: int = 200) -> bytes:
    """Forms nested ``depth`` deep, each painting the next once."""
    return one_page(b"/F0 Do", "", extra=lambda pdf: _forms(pdf, depth, 1))


def cyclic_form() -> bytes:
    """A form that paints itself."""

    def extra(pdf: PdfBuilder) -> str:
        number = pdf.reserve()
        pdf.stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 10 10]"
            f" /Resources <</XObject <</Me {number} 0 R>>>>",
            b"0 0 m 1 1 l S /Me Do",
            number,
        )
        return f" /XObject <</Me {number} 0 R>>"

    return one_page(b"/Me Do", "", extra=extra)


def deep_arrays(depth: int = 100_000) -> bytes:
    """A page whose dictionary holds arrays nested ``depth`` deep."""
    pdf = PdfBuilder()
    catalog, pages = pdf.reserve(), pdf.reserve()
    nested = b"[" * depth + b"0" + b"]" * depth
    page = pdf.add(
        f"<</Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842] /Junk ".encode()
        + nested
        + b">>"
    )
    pdf.add(f"<</Type /Pages /Kids [{page} 0 R] /Count 1>>", pages)
    pdf.add(f"<</Type /Catalog /Pages {pages} 0 R>>", catalog)
    return pdf.build(catalog)


def page_tree_cycle() -> bytes:
    """A page tree whose node lists itself among its kids."""
    pdf = PdfBuilder()
    catalog, pages = pdf.reserve(), pdf.reserve()
    page = pdf.add(f"<</Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842]>>")
    pdf.add(f"<</Type /Pages /Kids [{page} 0 R {pages} 0 R] /Count 2>>", pages)
    pdf.add(f"<</Type /Catalog /Pages {pages} 0 R>>", catalog)
    return pdf.build(catalog)


def huge_page() -> bytes:
    """A page one million points (352 m) wide."""
    return one_page(zlib.compress(b"0 0 m 10 10 l S"), media_box="0 0 1000000 1000000")


def bombs() -> list[Bomb]:
    """The corpus the tests and bench/pdf_bombs.py refuse."""
    too_much, complex_ = ("pdf_inflates_too_much", 413), ("pdf_too_complex", 422)
    return [
        Bomb("stream_bombs", stream_bombs(), *too_much, 20 * 74 * MB,
             "20 object streams × 74 MB (the probe's file)"),
        Bomb("unused_stream_bomb", unused_stream_bomb(), *too_much, 1024 * MB,
             "an unreferenced stream inflating to 1 GB"),
        Bomb("blank_page_bomb", blank_page_bomb(), *too_much, 1024 * MB,
             "a page content stream of 1 GB of spaces"),
        Bomb("page_bomb", page_bomb(), *too_much, 1024 * MB,
             "a page content stream of 1 GB of line drawing (~170 M operators)"),
        Bomb("operator_bomb", operator_bomb(), *complex_, 48 * MB,
             "a page content stream of 48 MB of line drawing (~8 M operators)"),
        Bomb("double_flate_bomb", double_flate_bomb(), *too_much, 1024 * MB,
             "[/FlateDecode /FlateDecode] content, 1 GB"),
        Bomb("run_length_bomb", run_length_bomb(), *too_much, 256 * MB,
             "[/FlateDecode /RunLengthDecode] content, 256 MB"),
        Bomb("declared_image_bomb", declared_image_bomb(), *complex_, 0,
             "an image declaring 100 000 × 100 000 pixels"),
        Bomb("inflating_image_bomb", inflating_image_bomb(), *too_much, 1024 * MB,
             "an 8000 × 8000 image whose data inflates to 1 GB"),
        Bomb("form_fanout_bomb", form_fanout_bomb(), *complex_, 0,
             "7 levels of forms, each painting the next 40 times"),
        Bomb("nested_forms", nested_forms(), *complex_, 0, "forms nested 200 deep"),
        Bomb("cyclic_form", cyclic_form(), *complex_, 0, "a form that paints itself"),
        Bomb("huge_page", huge_page(), *complex_, 0, "a page 1 000 000 points wide"),
        Bomb("unknown_filter", unknown_filter(), *complex_, 0, "an unknown filter"),
        Bomb("deep_arrays", deep_arrays(), *complex_, 0,
             "arrays nested 100 000 deep"),
        Bomb("page_tree_cycle", page_tree_cycle(), "corrupt_pdf", 422, 0,
             "a page tree that contains itself"),
    ]


# -- ordinary documents that must pass -------------------------------------------------------


def white_scans(pages: int = 10, width: int = 2480, height: int = 3508) -> bytes:
    """``pages`` pages each showing a blank A4 greyscale scan at 300 dpi (8.7 MB inflated,
    a few KB compressed): a high ratio, but an ordinary file."""
    pdf = PdfBuilder()
    catalog, pages_node = pdf.reserve(), pdf.reserve()
    data = deflate_repeated(b"\xff", width * height)
    kids = []
    for _ in range(pages):
        image = pdf.stream(
            f"/Type /XObject /Subtype /Image /Width {width} /Height {height}"
            " /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode",
            data,
        )
        contents = pdf.stream("", b"q 595 0 0 842 0 0 cm /Scan Do Q")
        kids.append(pdf.add(
            f"<</Type /Page /Parent {pages_node} 0 R /MediaBox [0 0 595 842]"
            f" /Resources <</XObject <</Scan {image} 0 R>>>> /Contents {contents} 0 R>>"
        ))
    refs = " ".join(f"{kid} 0 R" for kid in kids)
    pdf.add(f"<</Type /Pages /Kids [{refs}] /Count {len(kids)}>>", pages_node)
    pdf.add(f"<</Type /Catalog /Pages {pages_node} 0 R>>", catalog)
    return pdf.build(catalog)


def busy_page(lines: int = 300_000) -> bytes:
    """One page drawing ``lines`` lines (~900 000 operators): a detailed map, say."""
    return one_page(deflate_repeated(DRAWING, lines * len(DRAWING)))


def reused_form(paints: int = 200) -> bytes:
    """A form of 3 000 operators (a letterhead) painted ``paints`` times on one page."""
    return one_page(b"/F0 Do\n" * paints, "", extra=lambda pdf: _forms(pdf, 1, 1, DRAWING * 1000))
