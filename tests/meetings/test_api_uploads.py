"""The meetings JSON API: uploading PDFs to a meeting. Every file is validated before
any is stored; a refused upload leaves no row and no file behind."""

from __future__ import annotations

import hashlib
import random

import pytest

from tests.meetings.checks import counts, stored_files, vi_error
from tests.meetings.factories import api_meeting_of, encrypted_pdf, first_item, pdf

pytestmark = pytest.mark.db


# -- documents -----------------------------------------------------------------------------


def test_upload_a_valid_pdf(client, h, api_meeting, upload, app):
    meeting = api_meeting()
    before = counts()
    data = pdf(5, "Báo cáo tài chính")
    response = upload(meeting["id"], [(data, "bao-cao-tai-chinh.pdf")])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {"id", "pages", "sha256", "title"} <= body.keys()
    assert body["pages"] == 5
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["title"] == "Báo cáo tài chính"  # from the PDF's metadata
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    stored = [p for p in stored_files() if p.name == body["sha256"][2:]]
    assert len(stored) == 1 and stored[0].read_bytes() == data
    assert [d["id"] for d in api_meeting_of(client, h, meeting["id"])["documents"]] == [body["id"]]


def test_upload_with_agenda_item_and_title(client, h, ready, upload):
    meeting, _ = ready
    item = first_item(client, h, meeting["id"])
    response = upload(
        meeting["id"], [(pdf(3), "x.pdf")], agenda_item_id=str(item), title="Tờ trình số 12"
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["title"], body["agenda_item_id"], body["pages"]) == ("Tờ trình số 12", item, 3)


def test_upload_several_files_at_once(client, h, api_meeting, upload):
    meeting = api_meeting()
    before = counts()
    response = upload(meeting["id"], [(pdf(2), "mot.pdf"), (pdf(4), "hai.pdf")])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert isinstance(body, list) and [d["pages"] for d in body] == [2, 4]
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 2)


def test_each_file_of_a_batch_takes_its_own_title_or_keeps_the_pdfs(
    client, h, api_meeting, upload
):
    meeting = api_meeting()
    files = [(pdf(2), "mot.pdf"), (pdf(4), "hai.pdf")]
    response = upload(meeting["id"], files, titles=["  Báo cáo quý IV ", ""])
    assert response.status_code == 201, response.get_json()
    assert [d["title"] for d in response.get_json()] == ["Báo cáo quý IV", "Tài liệu họp"]


@pytest.mark.parametrize(
    ("titles", "code"),
    [(["Chỉ một tiêu đề"], "invalid_titles"), (["x" * 301, ""], None), (["a\x00b", ""], None)],
)
def test_titles_that_do_not_fit_the_files_store_nothing(
    client, h, api_meeting, upload, titles, code
):
    meeting = api_meeting()
    before = counts()
    response = upload(meeting["id"], [(pdf(2), "mot.pdf"), (pdf(4), "hai.pdf")], titles=titles)
    vi_error(response, 422, code)
    assert counts() == before


def test_the_same_pdf_twice_is_stored_once(client, h, api_meeting, upload):
    meeting = api_meeting()
    before = counts()
    for _ in range(2):
        assert upload(meeting["id"], [(pdf(2), "mot.pdf")]).status_code == 201
    assert counts() == (before[0] + 2, before[1] + 1, before[2] + 1)


def _corrupt() -> bytes:
    return b"%PDF-1.7\n" + random.Random(3).randbytes(6000) + b"\n%%EOF\n"


BAD_UPLOADS = {
    "corrupt": (lambda: [(_corrupt(), "hong.pdf")], 422, "corrupt_pdf"),
    "corrupt-no-eof": (
        lambda: [(b"%PDF-1.7\n" + random.Random(4).randbytes(6000), "hong.pdf")],
        422,
        "truncated_pdf",
    ),
    "truncated": (lambda: [(pdf(5)[: len(pdf(5)) // 2], "cut.pdf")], 422, "truncated_pdf"),
    "encrypted": (lambda: [(encrypted_pdf(), "mat-khau.pdf")], 422, "encrypted_pdf"),
    "not-a-pdf": (lambda: [(b"Bien ban hop\n" * 40, "bien-ban.pdf")], 415, "not_a_pdf"),
    "empty": (lambda: [(b"", "rong.pdf")], 422, "empty_file"),
    "no-filename": (lambda: [(pdf(2), "")], 422, "missing_file"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_and_nothing_is_stored(client, h, api_meeting, upload, case):
    files, status, code = BAD_UPLOADS[case]
    meeting = api_meeting()
    before = counts()
    vi_error(upload(meeting["id"], files()), status, code)
    assert counts() == before
    assert api_meeting_of(client, h, meeting["id"])["documents"] == []


@pytest.mark.parametrize(
    ("setting", "limit", "status", "code"),
    [
        ("MAX_DOCUMENT_BYTES", -1, 413, "file_too_large"),  # one byte under the file
        ("MAX_CONTENT_LENGTH", 4096, 413, "file_too_large"),  # the whole request
        ("MAX_DOCUMENT_PAGES", 4, 422, "too_many_pages"),
    ],
)
def test_upload_over_a_limit(app, api_meeting, upload, setting, limit, status, code):
    meeting = api_meeting()
    app.config[setting] = limit if limit > 0 else len(pdf(5)) + limit
    before = counts()
    vi_error(upload(meeting["id"], [(pdf(5), "lon.pdf")]), status, code)
    assert counts() == before


def test_upload_without_a_file_field(client, h, api_meeting, upload):
    meeting = api_meeting()
    before = counts()
    vi_error(upload(meeting["id"], None, title="x"), 422, "missing_file")
    vi_error(
        client.post(f"/api/v1/meetings/{meeting['id']}/documents", json={"file": "x"},
                    headers=h("chutich")),
        422,
        "missing_file",
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("agenda_item_id", "status", "code"),
    [("abc", 422, "invalid_id"), ("999999", 404, "agenda_item_not_found")],
)
def test_upload_with_a_bad_agenda_item(client, h, ready, upload, agenda_item_id, status, code):
    meeting, _ = ready
    before = counts()
    response = upload(meeting["id"], [(pdf(2), "x.pdf")], agenda_item_id=agenda_item_id)
    vi_error(response, status, code)
    assert counts() == before


def test_upload_for_an_agenda_item_of_another_meeting(client, h, ready, api_meeting, upload):
    meeting, _ = ready
    other = api_meeting()
    before = counts()
    item = first_item(client, h, meeting["id"])
    vi_error(upload(other["id"], [(pdf(2), "x.pdf")], agenda_item_id=str(item)), 404,
             "agenda_item_not_found")
    assert counts() == before


@pytest.mark.parametrize("bad_first", [False, True])
def test_a_batch_with_one_bad_file_stores_nothing(client, h, api_meeting, upload, bad_first):
    meeting = api_meeting()
    before = counts()
    files = [(pdf(3, "Tốt"), "tot.pdf"), (encrypted_pdf(), "mat-khau.pdf")]
    if bad_first:
        files.reverse()
    error = vi_error(upload(meeting["id"], files), 422, "encrypted_pdf")
    assert error["details"]["file"] == "mat-khau.pdf"  # says which file was refused
    assert counts() == before
    assert api_meeting_of(client, h, meeting["id"])["documents"] == []


@pytest.mark.parametrize(("who", "status"), [("daibieu", 403), ("vanthu", 403),
                                             ("daibieu.tayloc", 404)])
def test_only_organisers_upload(client, h, api_meeting, upload, who, status):
    meeting = api_meeting()
    before = counts()
    vi_error(upload(meeting["id"], [(pdf(2), "x.pdf")], by=who), status)
    assert counts() == before


def test_a_failed_upload_leaves_the_store_usable(client, h, api_meeting, upload):
    """After a refused batch the same good file can still be uploaded."""
    meeting = api_meeting()
    good = (pdf(3, "Tốt"), "tot.pdf")
    assert upload(meeting["id"], [good, (b"", "rong.pdf")]).status_code == 422
    response = upload(meeting["id"], [good])
    assert response.status_code == 201
    document = response.get_json()
    file = client.get(f"/api/v1/documents/{document['id']}/file", headers=h("daibieu"))
    assert file.data == good[0]
