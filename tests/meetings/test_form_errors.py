"""A refused form names every wrong field at once, in words ("Thiếu tên cuộc họp"), and
the API lists them in details.errors; nothing is stored."""

from __future__ import annotations

import pytest

from meetings.models import Meeting
from tests.meetings.checks import count, vi_error
from tests.meetings.factories import meeting_body

pytestmark = pytest.mark.db


def test_the_api_lists_every_wrong_field(client, h):
    before = count(Meeting)
    body = meeting_body(title="", starts_at="", chair="")
    error = vi_error(client.post("/api/v1/meetings", json=body, headers=h("chutich")), 422)
    assert error["message"] == "Thiếu tên cuộc họp."
    fields = {e["field"]: e["message"] for e in error["details"]["errors"]}
    assert fields == {
        "title": "Thiếu tên cuộc họp.",
        "starts_at": "Thiếu giờ bắt đầu.",
        "chair": "Thiếu chủ tọa.",
    }
    assert count(Meeting) == before


def test_one_wrong_field_keeps_the_short_shape(client, h):
    body = meeting_body(title="")
    error = vi_error(client.post("/api/v1/meetings", json=body, headers=h("chutich")), 422)
    assert error["details"] == {"field": "title"}


def test_the_form_marks_every_wrong_field(client, auth, demo):
    auth.login("chutich")
    data = {"title": "", "organization": "hue", "starts_at": "", "ends_at": "", "chair": "chutich",
            "secretary": "thuky", "kind": "regular"}
    before = count(Meeting)
    response = client.post("/meetings/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for message in ("Thiếu tên cuộc họp.", "Thiếu giờ bắt đầu.", "Thiếu giờ kết thúc."):
        assert message in page
    assert page.count('aria-invalid="true"') == 3
    assert count(Meeting) == before


# -- the preparation page's forms: agenda item, guest, document title, comment -------------


def every(response) -> dict[str, str]:
    error = vi_error(response, 422)
    return {e["field"]: e["message"] for e in error["details"]["errors"]}


def test_an_agenda_item_names_its_title_and_minutes(client, h, api_meeting):
    meeting = api_meeting()
    url = f"/api/v1/meetings/{meeting['id']}/agenda-items"
    response = client.post(url, json={"title": "", "planned_minutes": 0}, headers=h("chutich"))
    assert every(response) == {
        "title": "Thiếu tiêu đề mục.",
        "planned_minutes": "Số phút nằm ngoài khoảng cho phép.",
    }
    alone = vi_error(client.post(url, json={"title": " "}, headers=h("chutich")), 422)
    assert (alone["message"], alone["details"]) == ("Tiêu đề mục không được để trống.",
                                                   {"field": "title"})


def test_the_labels_read_in_english_for_an_english_page(client, h, api_meeting):
    meeting = api_meeting()
    response = client.post(f"/api/v1/meetings/{meeting['id']}/agenda-items",
                           json={"title": "", "planned_minutes": 601},
                           headers=h("chutich", **{"Accept-Language": "en"}))
    listed = {e["field"]: e["message"] for e in response.get_json()["error"]["details"]["errors"]}
    assert listed == {"title": "Missing: item title.",
                      "planned_minutes": "Planned minutes is outside the allowed range."}


def test_a_guest_names_the_name_and_the_affiliation(client, h, api_meeting):
    meeting = api_meeting()
    response = client.post(f"/api/v1/meetings/{meeting['id']}/guests",
                           json={"name": "", "affiliation": "x" * 301}, headers=h("chutich"))
    assert every(response) == {
        "name": "Thiếu họ và tên khách mời.",
        "affiliation": "Đơn vị dài quá 300 ký tự.",
    }


def test_a_comment_names_its_text_and_page(client, h, ready):
    _, document = ready
    url = f"/api/v1/documents/{document['id']}/comments"
    response = client.post(url, json={"text": "", "page": "a"}, headers=h("daibieu"))
    assert every(response) == {
        "text": "Thiếu nội dung góp ý.",
        "page": "Giá trị của số trang không hợp lệ.",
    }
    beyond = vi_error(client.post(url, json={"text": "Ý kiến", "page": 9}, headers=h("daibieu")),
                      422, "page_out_of_range")
    assert beyond["details"] == {"field": "page"}  # marked under the page field


def test_a_document_title_and_an_upload_name_their_field(client, h, ready, upload):
    meeting, document = ready
    response = client.patch(f"/api/v1/documents/{document['id']}", json={"title": ""},
                            headers=h("chutich"))
    error = vi_error(response, 422)
    assert (error["message"], error["details"]) == ("Thiếu tiêu đề tài liệu.", {"field": "title"})
    response = upload(meeting["id"], [], agenda_item_id="x", title="t" * 301)
    assert every(response) == {
        "agenda_item_id": "Giá trị của mục của chương trình không hợp lệ.",
        "title": "Tiêu đề tài liệu dài quá 300 ký tự.",
    }
    none = vi_error(upload(meeting["id"], []), 422, "missing_file")
    assert none["details"] == {"field": "file"}


def test_the_preparation_forms_leave_their_checks_to_the_shared_errors(client, auth, ready):
    meeting, _ = ready
    auth.login("chutich")
    page = client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    for form in ('id="agenda-form"', 'id="guest-form"', 'id="upload-form"', "data-comment-form",
                 "data-rename-form"):
        start = page.index(form)
        assert "novalidate" in page[start:page.index(">", start)], form
    assert 'id="agenda-form-errors" data-form-errors' in page
    assert "data-error " not in page and "data-rename-error" not in page
