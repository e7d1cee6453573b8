"""The meetings JSON API: a meeting's agenda items, added, edited, removed, reordered."""

from __future__ import annotations

import pytest

from tests.meetings.checks import vi_error
from tests.meetings.factories import api_meeting_of

pytestmark = pytest.mark.db


# -- agenda --------------------------------------------------------------------------------


def test_agenda_items_add_patch_delete(client, h, api_meeting):
    meeting = api_meeting()
    base = f"/api/v1/meetings/{meeting['id']}/agenda-items"
    response = client.post(
        base, json={"title": "Báo cáo", "presenter": "daibieu", "planned_minutes": 20},
        headers=h("chutich"),
    )
    assert response.status_code == 201
    first = response.get_json()
    assert first["title"] == "Báo cáo" and first["position"] == 1 and isinstance(first["id"], int)
    second = client.post(base, json={"title": "Thảo luận"}, headers=h("thuky")).get_json()

    response = client.patch(
        f"{base}/{first['id']}", json={"title": "Báo cáo tổng hợp"}, headers=h("chutich")
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "Báo cáo tổng hợp"

    response = client.delete(f"{base}/{first['id']}", headers=h("chutich"))
    assert response.status_code == 204
    agenda = api_meeting_of(client, h, meeting["id"])["agenda"]
    assert [(a["id"], a["position"]) for a in agenda] == [(second["id"], 1)]
    vi_error(client.delete(f"{base}/{first['id']}", headers=h("chutich")), 404,
             "agenda_item_not_found")


def test_agenda_item_errors(client, h, api_meeting):
    meeting = api_meeting()
    secret = api_meeting(confidential=True)
    base = f"/api/v1/meetings/{meeting['id']}/agenda-items"
    item = client.post(base, json={"title": "A"}, headers=h("chutich")).get_json()
    vi_error(client.post(base, json={}, headers=h("chutich")), 422, "missing_field")
    vi_error(client.post(base, json={"title": "A", "planned_minutes": 0},
                         headers=h("chutich")), 422, "invalid_duration")
    vi_error(client.post(base, json={"title": "A", "presenter": "khong.co"},
                         headers=h("chutich")), 422, "unknown_user")
    vi_error(client.post(base, json={"title": "A"}, headers=h("daibieu")), 403,
             "not_meeting_organiser")
    vi_error(client.post(f"/api/v1/meetings/{secret['id']}/agenda-items", json={"title": "A"},
                         headers=h("vanthu")), 404, "meeting_not_found")
    vi_error(client.patch(f"{base}/{item['id']}", json={"title": ""}, headers=h("chutich")),
             422, "invalid_title")
    vi_error(client.patch(f"{base}/999999", json={"title": "B"}, headers=h("chutich")),
             404, "agenda_item_not_found")
    vi_error(client.delete(f"{base}/{item['id']}", headers=h("daibieu")), 403)
    assert [a["title"] for a in api_meeting_of(client, h, meeting["id"])["agenda"]] == ["A"]


def test_agenda_reorder(client, h, api_meeting):
    meeting = api_meeting()
    base = f"/api/v1/meetings/{meeting['id']}"
    ids = [
        client.post(f"{base}/agenda-items", json={"title": t}, headers=h("chutich")).get_json()[
            "id"
        ]
        for t in "ABC"
    ]
    response = client.post(
        f"{base}/agenda-order", json={"order": [ids[2], ids[0], ids[1]]}, headers=h("chutich")
    )
    assert response.status_code == 200
    assert response.get_json() == [
        {"id": ids[2], "position": 1},
        {"id": ids[0], "position": 2},
        {"id": ids[1], "position": 3},
    ]
    expected = ["C", "A", "B"]
    for bad, code in [
        ([ids[0], ids[1]], "invalid_order"),
        ([ids[0], ids[0], ids[1]], "invalid_order"),
        ([*ids, 424242], "invalid_order"),
        (["một", "hai", "ba"], "invalid_id"),
        ("A,B,C", "invalid_order"),
        ([], "missing_field"),
    ]:
        response = client.post(f"{base}/agenda-order", json={"order": bad}, headers=h("chutich"))
        vi_error(response, 422, code)
        assert [a["title"] for a in api_meeting_of(client, h, meeting["id"])["agenda"]] == expected
    vi_error(client.post(f"{base}/agenda-order", json={"order": ids}, headers=h("daibieu")), 403)
