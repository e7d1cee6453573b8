"""PDF bombs: validate_pdf bounds the work (inflation, page content, time, memory) and
refuses with a clear code, status and message; ordinary documents still pass.

The corpus is generated (tests/pdf_corpus.py). Timings are not asserted here: they are
in bench/pdf_bombs.py and bench/README.md.
"""

from __future__ import annotations

import resource
import signal
import zlib
from dataclasses import replace

import pytest

from core.errors import DomainError
from core.pdf import guard_limits, refusal, validate_pdf
from core.pdf_worker import Outcome, _outcome
from core.sample_pdf import numbered_pdf
from tests.pdf_builder import MB, adler32_combine, deflate_repeated
from tests.pdf_corpus import bombs, busy_page, reused_form, run_length_bomb, white_scans

MAX_BYTES = 40 * MB
CORPUS = {bomb.name: bomb for bomb in bombs()}


def refused(data: bytes, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        validate_pdf(data, MAX_BYTES, 2000, **kwargs)
    assert str(caught.value.message).strip()
    return caught.value


@pytest.mark.parametrize("name", list(CORPUS))
def test_every_bomb_is_refused_with_its_code(app, name):
    bomb = CORPUS[name]
    err = refused(bomb.data)
    assert (err.code, err.status) == (bomb.code, bomb.status), err.details
    assert err.details.get("reason") != "unexpected"
    if bomb.inflates_to:
        assert len(bomb.data) * 100 < bomb.inflates_to  # it is a bomb: ratio over 100


def test_the_web_process_does_not_grow_with_the_corpus(app):
    validate_pdf(numbered_pdf(1), MAX_BYTES, 10)  # the first child, and imports, are paid
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for bomb in CORPUS.values():
        with pytest.raises(DomainError):
            validate_pdf(bomb.data, MAX_BYTES, 2000)
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kb < 100 * 1024


@pytest.mark.parametrize(
    "make, pages",
    [
        (lambda: numbered_pdf(5), 5),
        (lambda: numbered_pdf(40, filler_kb=50), 40),
        (lambda: numbered_pdf(300, filler_kb=100), 300),  # ~30 MB, the size of a big report
        (white_scans, 10),  # 87 MB inflated from 90 KB: a high ratio, within the floor
        (busy_page, 1),  # ~900 000 operators
        (reused_form, 1),  # a 3 000-operator form painted 200 times
    ],
    ids=["5-pages", "40-pages-2MB", "300-pages-30MB", "white-scans", "busy-page", "reused-form"],
)
def test_ordinary_documents_still_pass(app, make, pages):
    data = make()
    assert validate_pdf(data, MAX_BYTES, 2000).pages == pages


def test_messages_say_what_is_wrong_in_words(app):
    assert "128 MB" in str(refused(CORPUS["blank_page_bomb"].data).message)
    err = refused(CORPUS["declared_image_bomb"].data)
    assert "Trang 1" in str(err.message) and "100 triệu điểm ảnh" in str(err.message)
    assert err.details == {"reason": "pixels", "page": 1}
    err = refused(CORPUS["operator_bomb"].data)
    assert "2 000 000" in str(err.message)


def test_the_settings_are_honoured(app):
    page = busy_page(10_000)  # 30 000 operators, 180 KB of content
    app.config["PDF_MAX_PAGE_OPERATORS"] = 20_000
    assert refused(page).details["reason"] == "operators"
    app.config["PDF_MAX_PAGE_OPERATORS"] = 40_000
    app.config["PDF_MAX_STREAM_BYTES"] = 100_000
    err = refused(page)
    assert (err.code, err.details["reason"]) == ("pdf_inflates_too_much", "stream")
    app.config["PDF_MAX_STREAM_BYTES"] = 10 * MB
    assert validate_pdf(page, MAX_BYTES, 10).pages == 1
    app.config["PDF_MAX_PAGE_PIXELS"] = 2480 * 3508 - 1
    assert refused(white_scans(1)).details["reason"] == "pixels"


def test_the_whole_file_budget_is_a_ratio_with_a_floor_and_a_ceiling():
    config = {
        "PDF_MAX_STREAM_BYTES": 10 * MB,
        "PDF_MAX_INFLATED_BYTES": 100 * MB,
        "PDF_MAX_INFLATE_RATIO": 20,
    }
    assert guard_limits(100_000, 5, config).total_bytes == 10 * MB  # the floor: one stream
    assert guard_limits(2 * MB, 5, config).total_bytes == 40 * MB  # 20 × the file
    assert guard_limits(40 * MB, 5, config).total_bytes == 100 * MB  # the ceiling
    assert guard_limits(1, 7).max_pages == 7  # outside an app: the defaults


def test_the_total_is_refused_even_when_every_stream_is_within_its_cap(app):
    err = refused(CORPUS["stream_bombs"].data)
    assert err.details["reason"] == "total"


def test_a_validation_over_its_time_budget_is_refused(app):
    data = numbered_pdf(300, filler_kb=20)
    limits = replace(guard_limits(len(data), 2000), seconds=0.01)
    err = refused(data, limits=limits)
    assert (err.code, err.status, err.details["reason"]) == ("pdf_too_complex", 422, "time")


def test_a_validation_over_its_memory_budget_is_refused(app):
    data = run_length_bomb(512 * MB)  # pypdf decodes RunLength in one piece
    limits = replace(
        guard_limits(len(data), 10),
        stream_bytes=2048 * MB,
        total_bytes=2048 * MB,
        memory_mb=200,
    )
    err = refused(data, limits=limits)
    assert (err.code, err.status, err.details["reason"]) == ("pdf_too_complex", 422, "memory")


@pytest.mark.parametrize(
    "returncode, reason",
    [
        (-signal.SIGKILL, "memory"),
        (-signal.SIGSEGV, "memory"),
        (-signal.SIGXCPU, "time"),
        (1, "memory"),
    ],
)
def test_a_child_that_dies_is_a_refusal_not_a_server_error(app, returncode, reason):
    outcome = _outcome(returncode, b"", b"Traceback ...", 0.5)
    assert (outcome.code, outcome.reason) == ("pdf_too_complex", reason)
    assert refusal(outcome).status == 422


def test_a_child_answer_is_read(app):
    answer = b'{"ok": false, "code": "too_many_pages", "reason": null, "params": {"n": 3}}'
    outcome = _outcome(0, answer, b"", 0.1)
    assert outcome == Outcome("too_many_pages", None, {"n": 3}, seconds=0.1)
    assert "3" in str(refusal(outcome).message)


def test_deflate_repeated_is_real_zlib_data():

    data = deflate_repeated(b"0 0 m\n", 3 * MB + 5, head=b"%head\n", chunk=64 * 1024)
    inflated = zlib.decompress(data)
    assert inflated.startswith(b"%head\n0 0 m\n") and len(inflated) == 6 + 3 * MB + 5
    assert adler32_combine(zlib.adler32(b"ab"), zlib.adler32(b"cde"), 3) == zlib.adler32(b"abcde")
