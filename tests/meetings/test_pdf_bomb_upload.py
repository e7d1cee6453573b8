"""Uploading a PDF bomb through the API: a 4xx JSON error naming the file, nothing stored,
and the other files of the same upload are not stored either."""

from __future__ import annotations

import io

import pytest

from tests.meetings.checks import counts, error_of, vi_error
from tests.meetings.factories import api_meeting_of, pdf
from tests.pdf_corpus import blank_page_bomb, declared_image_bomb, form_fanout_bomb, stream_bombs

pytestmark = pytest.mark.db

BOMBS = {
    "stream-bombs": (stream_bombs, 413, "pdf_inflates_too_much"),
    "blank-page": (blank_page_bomb, 413, "pdf_inflates_too_much"),
    "image": (declared_image_bomb, 422, "pdf_too_complex"),
    "forms": (form_fanout_bomb, 422, "pdf_too_complex"),
}


@pytest.mark.parametrize("case", list(BOMBS))
def test_a_bomb_is_refused_and_nothing_is_stored(client, h, api_meeting, upload, case):
    make, status, code = BOMBS[case]
    meeting = api_meeting()
    before = counts()
    response = upload(meeting["id"], [(pdf(2), "to-trinh.pdf"), (make(), "bao-cao.pdf")])
    error = vi_error(response, status, code)
    assert error["details"]["file"] == "bao-cao.pdf"
    assert error["details"]["reason"]
    assert counts() == before
    assert api_meeting_of(client, h, meeting["id"])["documents"] == []


def test_the_refusal_in_english(client, h, api_meeting, upload):
    meeting = api_meeting()
    response = client.post(
        f"/api/v1/meetings/{meeting['id']}/documents",
        data={"file": [(io.BytesIO(declared_image_bomb()), "scan.pdf")]},
        headers=h("chutich", **{"Accept-Language": "en"}),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    message = error_of(response)["message"]
    assert message.startswith("Page 1 has images that are too large"), message
    assert "100 million pixels" in message
