"""Header values built from user input: redirect targets and download names never leave
the site and never raise."""

from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from core.http import content_disposition, safe_next

EVIL = [
    "//evil.example/",
    "/\t/evil.example/",
    "/%09/evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/%5Cevil.example",
    "/%2F/evil.example",
    "%2F%2Fevil.example",
    "/%2f%2fevil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%0a/evil.example",
    "/%0d%0aSet-Cookie:x=1",
    "/ok\x00",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " /evil",
    "evil.example",
    "",
    None,
    42,
]


@pytest.mark.parametrize("target", EVIL)
def test_unsafe_targets_fall_back(target):
    assert safe_next(target) == "/"
    assert safe_next(target, "/home") == "/home"


@pytest.mark.parametrize(
    "target", ["/", "/meetings/3?tab=docs", "/meetings/?q=h%E1%BB%8Dp", "/lang/en?next=/x"]
)
def test_local_paths_are_kept(target):
    assert safe_next(target) == target


def _parts(header: str) -> tuple[str, str, str]:
    disposition, fallback, extended = header.split("; ")
    assert fallback.startswith('filename="') and fallback.endswith('"')
    assert extended.startswith("filename*=UTF-8''")
    return disposition, fallback[10:-1], unquote(extended[17:])


@pytest.mark.parametrize(
    "name, fallback, real",
    [
        ("Báo cáo\r\nquý 3.pdf", "Bao cao quy 3.pdf", "Báo cáo quý 3.pdf"),
        ('Nghị quyết "số 5".pdf', "Nghi quyet so 5.pdf", 'Nghị quyết "số 5".pdf'),
        ("Đề án\x00 đô thị.pdf", "De an do thi.pdf", "Đề án đô thị.pdf"),
        ("a/b\\c;d.pdf", "a-b-c;d.pdf", "a-b-c;d.pdf"),
        ("\r\n", "download", "download"),
        ("", "download", "download"),
        (None, "download", "download"),
        ("抄本.pdf", "download.pdf", "抄本.pdf"),
    ],
)
def test_content_disposition(name, fallback, real):
    header = content_disposition(name)
    assert all(32 <= ord(c) < 127 for c in header)  # a header value that is always legal
    assert _parts(header) == ("inline", fallback, real)


def test_content_disposition_never_raises():
    for name in ("\ud800bad surrogate.pdf", "x" * 5000, b"bytes", 3.5, "\u2028line"):
        header = content_disposition(name, "attachment")
        assert header.startswith("attachment; filename=")
        assert "\r" not in header and "\n" not in header


def test_extended_name_is_percent_encoded_utf8():
    header = content_disposition("Biên bản.pdf")
    assert header.endswith("filename*=UTF-8''" + quote("Biên bản.pdf", safe=""))
