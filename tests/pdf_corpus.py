"""PDF bombs and ordinary PDFs, generated (never committed) for tests and benchmarks.

The bombs are small files that inflate or draw out of all measure: object streams that
inflate to tens of MB each, a page whose content inflates to a gigabyte of drawing
operators, images of 10¹⁰ pixels, forms that paint forms, cycles, deep nesting. They are
built with tests/pdf_builder.py in milliseconds.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from tests.pdf_builder import MB, PdfBuilder, deflate_repeated, one_page


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


def stream_bombs(streams: int = 20, each: int = 74_000_000) -> bytes:
    """The probe's file: ``streams`` object streams, each inflating to ``each`` bytes (just
    under pypdf's own 75 MB limit per stream), each holding one page: whoever counts the
    pages inflates all of them."""
    pdf = PdfBuilder()
    catalog, pages = pdf.reserve(), pdf.reserve()
    contents = pdf.stream("", b"BT /F1 24 Tf 72 720 Td (Trang) Tj ET")
    kids = [pdf.reserve() for _ in range(streams)]
    refs = " ".join(f"{kid} 0 R" for kid in kids)
    for index, kid in enumerate(kids):
        members = {
            kid: f"<</Type /Page /Parent {pages} 0 R /MediaBox [0 0 595 842]"
            f" /Contents {contents} 0 R>>"
        }
        if index == 0:
            members[catalog] = f"<</Type /Catalog /Pages {pages} 0 R>>"
            members[pages] = f"<</Type /Pages /Kids [{refs}] /Count {streams}>>"
        pdf.object_stream(members, padding=each)
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


def unused_stream_bomb(size: int = 1024 * MB, entries: str = "") -> bytes:
    """An ordinary page plus a stream nothing refers to, inflating to ``size``."""

    def extra(pdf: PdfBuilder) -> str:
        pdf.stream("/Filter /FlateDecode" + entries, deflate_repeated(b"\0", size))
        return ""

    return one_page(zlib.compress(b"0 0 m 10 10 l S"), extra=extra)


def hidden_stream_bomb(size: int = 1024 * MB) -> bytes:
    """unused_stream_bomb() with the cross-reference entry of the bomb pointing elsewhere:
    a parser that rebuilds the table (as viewers do with a broken one) still finds it."""
    data = unused_stream_bomb(size)
    xref = data.rindex(b"\nxref\n") + 1
    entry = xref + len(b"xref\n0 6\n") + 20 * 3  # objects 0, 1, 2, then 3: the bomb
    assert data[entry + 16 : entry + 19] == b" n ", data[entry : entry + 20]
    return data[:entry] + b"0000000009 00000 n \n" + data[entry + 20 :]


def decoy_header_bomb(size: int = 1024 * MB) -> bytes:
    """unused_stream_bomb() whose dictionary holds a decoy object header in a string."""
    return unused_stream_bomb(size, " /Note (9 0 obj <</Length 5>>)")


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
        Bomb("stream_bombs", stream_bombs(), *too_much, 20 * 74_000_000,
             "20 object streams × 74 MB (the probe's file)"),
        Bomb("unused_stream_bomb", unused_stream_bomb(), *too_much, 1024 * MB,
             "an unreferenced stream inflating to 1 GB"),
        Bomb("hidden_stream_bomb", hidden_stream_bomb(), *too_much, 1024 * MB,
             "the same, its cross-reference entry pointing elsewhere"),
        Bomb("decoy_header_bomb", decoy_header_bomb(), *too_much, 1024 * MB,
             "the same, with a decoy \"9 0 obj\" in a string of its dictionary"),
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
        Bomb("deep_arrays", deep_arrays(), "corrupt_pdf", 422, 0,
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
