"""Downloads name their file with a Content-Disposition that any title can go into: a PDF
whose /Title holds CR/LF used to upload fine and then fail with a 500 on every download."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from pypdf import PdfReader, PdfWriter

from tests.meetings.factories import pdf

pytestmark = pytest.mark.db

TITLE = 'Báo cáo\r\nquý "3"\tđô thị'


def titled_pdf(title: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(2))))
    writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def filenames(header: str) -> tuple[str, str]:
    _, fallback, extended = header.split("; ")
    return fallback.removeprefix('filename="')[:-1], unquote(extended.split("''", 1)[1])


def test_a_title_with_newlines_and_quotes_downloads(client, h, api_meeting, upload):
    meeting = api_meeting()
    uploaded = upload(meeting["id"], [(titled_pdf(TITLE), "bao-cao.pdf")])
    assert uploaded.status_code == 201, uploaded.get_json()
    document = uploaded.get_json()
    # the PDF's line breaks and tab are dropped from the title; the name still
    # carries the quotes and the Vietnamese letters
    assert document["title"] == 'Báo cáo quý "3" đô thị'

    for _ in range(2):  # "every time"
        response = client.get(f"/api/v1/documents/{document['id']}/file", headers=h("daibieu"))
        assert response.status_code == 200
        assert response.data == titled_pdf(TITLE)
        header = response.headers["Content-Disposition"]
        assert header.startswith("inline; ")
        assert filenames(header) == ("Bao cao quy 3 do thi.pdf", 'Báo cáo quý "3" đô thị.pdf')
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "private" in response.headers["Cache-Control"]  # its own caching is kept


def test_minutes_pdf_is_named_the_same_way(client, h, api_meeting):
    meeting = api_meeting()
    response = client.get(f"/api/v1/meetings/{meeting['id']}/minutes.pdf", headers=h("thuky"))
    assert response.status_code == 200
    name = f"bien-ban-{meeting['id']}-du-thao.pdf"  # the draft until a version is signed
    assert filenames(response.headers["Content-Disposition"]) == (name, name)
    assert response.headers["Cache-Control"] == "private, no-store"
