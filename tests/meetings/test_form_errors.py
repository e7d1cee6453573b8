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
