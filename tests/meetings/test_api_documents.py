"""The meetings JSON API: reading a document (metadata, the file with ranges), comments
on drafts, and each reader's private notes."""

from __future__ import annotations

import pytest

from tests.meetings.checks import vi_error
from tests.meetings.factories import pdf

pytestmark = pytest.mark.db


def test_document_metadata(client, h, ready):
    meeting, document = ready
    response = client.get(f"/api/v1/documents/{document['id']}", headers=h("daibieu"))
    assert response.status_code == 200
    assert response.get_json() == document
    vi_error(client.get(f"/api/v1/documents/{document['id']}", headers=h("daibieu.tayloc")),
             404, "document_not_found")
    vi_error(client.get("/api/v1/documents/999999", headers=h("chutich")), 404,
             "document_not_found")


def test_document_file_and_range(client, h, ready):
    meeting, document = ready
    url = f"/api/v1/documents/{document['id']}/file"
    response = client.get(url, headers=h("daibieu"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == pdf(5)
    assert response.headers["Accept-Ranges"] == "bytes"
    assert "private" in response.headers["Cache-Control"]

    ranged = client.get(url, headers=h("daibieu", Range="bytes=0-99"))
    assert ranged.status_code == 206
    assert len(ranged.data) == 100
    assert ranged.data == pdf(5)[:100]
    assert ranged.headers["Content-Range"] == f"bytes 0-99/{len(pdf(5))}"

    tail = client.get(url, headers=h("daibieu", Range="bytes=-20"))
    assert tail.status_code == 206 and tail.data == pdf(5)[-20:]

    cached = client.get(url, headers=h("daibieu", **{"If-None-Match": response.headers["ETag"]}))
    assert cached.status_code == 304


def test_document_file_of_a_confidential_meeting_by_direct_url(client, h, api_meeting, upload):
    secret = api_meeting(confidential=True)
    document = upload(secret["id"], [(pdf(2), "mat.pdf")]).get_json()
    url = f"/api/v1/documents/{document['id']}/file"
    assert client.get(url, headers=h("daibieu")).status_code == 200  # a participant
    for who in ("vanthu", "admin", "daibieu.tayloc"):
        response = client.get(url, headers=h(who, Range="bytes=0-99"))
        vi_error(response, 404, "document_not_found")
        assert b"%PDF" not in response.data
    vi_error(client.get(url), 401, "unauthorized")


# -- comments and notes --------------------------------------------------------------------


def test_comments(client, h, ready):
    _, document = ready
    url = f"/api/v1/documents/{document['id']}/comments"
    response = client.post(url, json={"text": "Đề nghị bổ sung số liệu", "page": 2},
                           headers=h("daibieu"))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["text"], created["page"]) == ("Đề nghị bổ sung số liệu", 2)
    client.post(url, json={"text": "Đồng ý"}, headers=h("daibieu.phunhuan"))
    response = client.get(url, headers=h("vanthu"))  # an official who may read the meeting
    assert response.status_code == 200
    listed = response.get_json()
    assert [(c["user"], c["page"], c["text"]) for c in listed] == [
        ("daibieu", 2, "Đề nghị bổ sung số liệu"),
        ("daibieu.phunhuan", None, "Đồng ý"),
    ]

    vi_error(client.post(url, json={}, headers=h("daibieu")), 422, "missing_field")
    vi_error(client.post(url, json={"text": "x", "page": 6}, headers=h("daibieu")), 422,
             "page_out_of_range")
    vi_error(client.post(url, json={"text": "x", "page": "ba"}, headers=h("daibieu")), 422,
             "invalid_page")
    vi_error(client.post(url, json={"text": "x" * 5001}, headers=h("daibieu")), 422,
             "invalid_comment")
    vi_error(client.post(url, json={"text": "x"}, headers=h("vanthu")), 403, "not_participant")
    vi_error(client.post(url, json={"text": "x"}, headers=h("daibieu.tayloc")), 404)
    vi_error(client.get(url, headers=h("daibieu.tayloc")), 404, "document_not_found")
    assert len(client.get(url, headers=h("daibieu")).get_json()) == 2


def test_notes_are_private(client, h, ready):
    _, document = ready
    base = f"/api/v1/documents/{document['id']}/notes"
    response = client.put(f"{base}/2", json={"text": " Hỏi về số liệu thu ngân sách "},
                          headers=h("daibieu"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"page": 2, "text": "Hỏi về số liệu thu ngân sách"}
    client.put(f"{base}/5", json={"text": "Trang cuối"}, headers=h("daibieu"))
    client.put(f"{base}/2", json={"text": "Của tôi"}, headers=h("chutich"))

    assert client.get(base, headers=h("daibieu")).get_json() == {
        "2": "Hỏi về số liệu thu ngân sách",
        "5": "Trang cuối",
    }
    assert client.get(base, headers=h("chutich")).get_json() == {"2": "Của tôi"}
    assert client.get(base, headers=h("daibieu.phunhuan")).get_json() == {}

    # an empty text deletes the note (also where there is none)
    for page in (5, 3):
        response = client.put(f"{base}/{page}", json={"text": ""}, headers=h("daibieu"))
        assert response.status_code == 200, response.get_json()
    assert client.get(base, headers=h("daibieu")).get_json() == {
        "2": "Hỏi về số liệu thu ngân sách"
    }


def test_note_errors(client, h, ready):
    _, document = ready
    base = f"/api/v1/documents/{document['id']}/notes"
    vi_error(client.put(f"{base}/6", json={"text": "x"}, headers=h("daibieu")), 422,
             "page_out_of_range")
    vi_error(client.put(f"{base}/0", json={"text": "x"}, headers=h("daibieu")), 422,
             "page_out_of_range")
    vi_error(client.put(f"{base}/1", json={"text": "x" * 5001}, headers=h("daibieu")), 422,
             "note_too_long")
    vi_error(client.put(f"{base}/1", data="x", headers=h("daibieu")), 400, "invalid_json")
    vi_error(client.put(f"{base}/1", json={"text": "x"}, headers=h("daibieu.tayloc")), 404,
             "document_not_found")
    vi_error(client.get(base, headers=h("daibieu.tayloc")), 404, "document_not_found")
    assert client.get(base, headers=h("daibieu")).get_json() == {}


def test_an_organiser_renames_a_document_until_the_meeting_ends(client, h, ready):
    meeting, document = ready
    url = f"/api/v1/documents/{document['id']}"
    response = client.patch(url, json={"title": "  Báo cáo KT-XH\tquý IV "}, headers=h("thuky"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["title"] == "Báo cáo KT-XH quý IV"
    for body, status, code in (
        ({"title": ""}, 422, None),
        ({"title": "   "}, 422, "invalid_title"),
        ({"title": "a\x00b"}, 422, None),
        ({"title": "x" * 301}, 422, "invalid_title"),
        ({}, 422, "missing_field"),
    ):
        vi_error(client.patch(url, json=body, headers=h("chutich")), status, code)
    vi_error(client.patch(url, json={"title": "X"}, headers=h("daibieu")), 403)
    vi_error(client.patch(url, json={"title": "X"}, headers=h("daibieu.tayloc")), 404)
    missing = client.patch("/api/v1/documents/999999", json={"title": "X"}, headers=h("chutich"))
    vi_error(missing, 404, "document_not_found")
    client.post(f"/api/v1/meetings/{meeting['id']}/start", headers=h("chutich"))
    client.post(f"/api/v1/meetings/{meeting['id']}/end", headers=h("chutich"))
    vi_error(client.patch(url, json={"title": "X"}, headers=h("chutich")), 409, "meeting_ended")
    assert client.get(url, headers=h("daibieu")).get_json()["title"] == "Báo cáo KT-XH quý IV"
