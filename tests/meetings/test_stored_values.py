"""Whatever the database holds, the pages render; whatever a file carries, it is stored
safely. (The probe stored a meeting ending on 31/12/9999 and took down a city's list.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from core.extensions import db
from meetings.documents import document_title
from meetings.models import Meeting

pytestmark = pytest.mark.db


def _stretch(meeting_id: int, starts: datetime, ends: datetime) -> None:
    """Write dates straight into the row, past every rule (as old data or a bug might)."""
    meeting = db.session.get(Meeting, meeting_id)
    meeting.starts_at, meeting.ends_at = starts, ends
    db.session.commit()


@pytest.mark.parametrize(
    ("starts", "ends"),
    [
        (datetime(9999, 12, 31, 20, 0, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)),
        (datetime(1, 1, 1, 0, 0, tzinfo=UTC), datetime(1, 1, 1, 1, 0, tzinfo=UTC)),
    ],
)
def test_pages_survive_dates_at_the_edge_of_the_calendar(
    client, auth, api_meeting, starts, ends
):
    meeting = api_meeting()
    _stretch(meeting["id"], starts, ends)
    auth.login("chutich")
    for path in ("/meetings/", "/", f"/meetings/{meeting['id']}",
                 f"/meetings/{meeting['id']}/record", f"/meetings/{meeting['id']}/room",
                 f"/meetings/{meeting['id']}/edit"):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/api/v1/meetings/{meeting['id']}").status_code == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("ends_at", "9999-12-31T23:59:00+00:00"),
        ("starts_at", "0001-01-01T00:00"),
        ("starts_at", "1999-12-31T08:00"),
        ("confidential", "false"),
        ("title", ["x"]),
        ("title", "Họp\u0000kín"),
        ("participants", ["daibieu"] * 2000),
    ],
)
def test_out_of_range_and_wrong_types_are_refused(client, h, field, value):
    response = client.post(
        "/api/v1/meetings", headers=h("chutich"),
        json={"title": "Họp", "organization": "hue", "starts_at": "2027-01-05T08:00",
              "ends_at": "2027-01-05T10:00", "chair": "chutich", "secretary": "thuky",
              field: value},
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["message"]


@pytest.mark.parametrize("value", ["²", "Infinity", 1e300, True, 2.5])
def test_odd_numbers_are_refused(client, h, api_meeting, value):
    meeting = api_meeting()
    response = client.post(
        f"/api/v1/meetings/{meeting['id']}/agenda-items", headers=h("chutich"),
        json={"title": "Mục", "planned_minutes": value},
    )
    assert response.status_code == 422, response.get_json()


def test_titles_from_files_lose_control_characters():
    assert document_title(None, "Báo cáo\r\nquý IV\x00", "x.pdf") == "Báo cáo quý IV"
    assert document_title(None, None, "bao\ncao.pdf") == "bao cao"
