"""The meetings JSON API after the meeting: conclusions, the record, the minutes, and
the follow-up tasks of an organisation."""

from __future__ import annotations

import pytest

from meetings.models import Conclusion
from tests.meetings.checks import count, vi_error
from tests.meetings.factories import api_start, deadline, first_item

pytestmark = pytest.mark.db


# -- record, conclusions, minutes, tasks ---------------------------------------------------


def test_conclusions(client, h, ready):
    meeting, _ = ready
    item = first_item(client, h, meeting["id"])
    url = f"/api/v1/meetings/{meeting['id']}/conclusions"
    body = {
        "text": "Giao UBND phường Phú Nhuận chỉnh trang vỉa hè",
        "agenda_item_id": item,
        "tasks": [
            {"organization": "phu-nhuan", "description": "Chỉnh trang vỉa hè",
             "deadline": deadline()},
        ],
    }
    response = client.post(url, json=body, headers=h("thuky"))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert [(t["organization"], t["status"]) for t in created["tasks"]] == [
        ("phu-nhuan", "open")
    ]

    def bad_task(**changes):
        return {**body, "tasks": [{**body["tasks"][0], **changes}]}

    refused = vi_error(client.post(url, json=bad_task(deadline="31/02/2026"), headers=h("thuky")),
                       422, "invalid_deadline")
    assert refused["message"] == "Hạn xử lý không phải ngày giờ có thật (31/02/2026)."
    vi_error(client.post(url, json=bad_task(deadline="12/31/2026"), headers=h("thuky")), 422,
             "invalid_deadline")  # month and day the wrong way round
    vi_error(client.post(url, json=bad_task(organization="khong-co"), headers=h("thuky")), 422,
             "unknown_organization")
    vi_error(client.post(url, json={**body, "tasks": "x"}, headers=h("thuky")), 422,
             "invalid_tasks")
    vi_error(client.post(url, json={"tasks": []}, headers=h("thuky")), 422, "missing_field")
    vi_error(client.post(url, json=body, headers=h("daibieu")), 403, "not_meeting_organiser")
    vi_error(client.post(url, json=body, headers=h("daibieu.tayloc")), 404)
    assert count(Conclusion) == 1


def test_record(client, h, ready):
    meeting, document = ready
    api_start(client, h, meeting["id"])
    client.post(f"/api/v1/meetings/{meeting['id']}/attendance",
                json={"user": "daibieu", "status": "present"}, headers=h("thuky"))
    client.post(f"/api/v1/meetings/{meeting['id']}/conclusions",
                json={"text": "Thông qua"}, headers=h("chutich"))
    response = client.get(f"/api/v1/meetings/{meeting['id']}/record", headers=h("daibieu"))
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"attendance", "guests", "agenda", "speakers", "votes", "conclusions"}
    assert {a["user"]: a["attendance"] for a in data["attendance"]}["daibieu"] == "present"
    assert [c["text"] for c in data["conclusions"]] == ["Thông qua"]
    vi_error(client.get(f"/api/v1/meetings/{meeting['id']}/record",
                        headers=h("daibieu.tayloc")), 404, "meeting_not_found")


def test_minutes(client, h, ready):
    meeting, _ = ready
    url = f"/api/v1/meetings/{meeting['id']}/minutes"
    api_start(client, h, meeting["id"])
    client.post(f"/api/v1/meetings/{meeting['id']}/conclusions",
                json={"text": "Thống nhất kế hoạch"}, headers=h("chutich"))
    response = client.get(url, headers=h("daibieu"))
    assert response.status_code == 200
    draft = response.get_json()
    assert draft["edited"] is False
    assert draft["text"].startswith("BIÊN BẢN")
    assert "Thống nhất kế hoạch" in draft["text"]

    vi_error(client.put(url, json={"text": "Sửa"}, headers=h("chutich")), 403, "not_secretary")
    vi_error(client.put(url, json={"text": "Sửa"}, headers=h("daibieu")), 403, "not_secretary")
    vi_error(client.put(url, json={"text": ""}, headers=h("thuky")), 422, "missing_field")
    vi_error(client.put(url, json={"text": "   "}, headers=h("thuky")), 422, "invalid_minutes")
    vi_error(client.put(url, json={"text": "x"}, headers=h("daibieu.tayloc")), 404)
    assert client.get(url, headers=h("thuky")).get_json() == draft

    response = client.put(url, json={"text": "BIÊN BẢN đã chỉnh sửa"}, headers=h("thuky"))
    assert response.status_code == 200
    assert response.get_json() == {"text": "BIÊN BẢN đã chỉnh sửa", "edited": True}
    assert client.get(url, headers=h("daibieu")).get_json() == {
        "text": "BIÊN BẢN đã chỉnh sửa",
        "edited": True,
    }
    vi_error(client.get(url, headers=h("daibieu.tayloc")), 404, "meeting_not_found")


def test_tasks_list_and_done(client, h, ready):
    meeting, _ = ready
    response = client.post(
        f"/api/v1/meetings/{meeting['id']}/conclusions",
        json={
            "text": "Giao nhiệm vụ",
            "tasks": [
                {"organization": "phu-nhuan", "description": "Chỉnh trang vỉa hè",
                 "deadline": deadline(30)},
                {"organization": "tay-loc", "description": "Khơi thông cống",
                 "deadline": deadline(10)},
            ],
        },
        headers=h("thuky"),
    )
    phunhuan_task, tayloc_task = response.get_json()["tasks"]

    listed = client.get("/api/v1/tasks", headers=h("daibieu.phunhuan"))
    assert listed.status_code == 200
    assert [t["id"] for t in listed.get_json()] == [phunhuan_task["id"]]
    assert [t["id"] for t in client.get("/api/v1/tasks", headers=h("daibieu.tayloc")).get_json()
            ] == [tayloc_task["id"]]
    assert client.get("/api/v1/tasks", headers=h("daibieu")).get_json() == []
    by_org = client.get("/api/v1/tasks?organization=phu-nhuan", headers=h("thuky.phunhuan"))
    assert [t["id"] for t in by_org.get_json()] == [phunhuan_task["id"]]
    vi_error(client.get("/api/v1/tasks?organization=phu-nhuan", headers=h("daibieu.tayloc")),
             404, "unknown_organization")
    vi_error(client.get("/api/v1/tasks?organization=khong-co", headers=h("daibieu")), 404,
             "unknown_organization")

    done_url = f"/api/v1/tasks/{phunhuan_task['id']}/done"
    vi_error(client.post(done_url, headers=h("daibieu.tayloc")), 403, "not_assignee")
    response = client.post(done_url, headers=h("daibieu.phunhuan"))
    assert response.status_code == 200
    assert response.get_json()["status"] == "done"
    vi_error(client.post(done_url, headers=h("thuky.phunhuan")), 409, "task_already_done")
    vi_error(client.post("/api/v1/tasks/999999/done", headers=h("daibieu")), 404,
             "task_not_found")
    assert client.get("/api/v1/tasks", headers=h("daibieu.phunhuan")).get_json() == []
    everything = client.get("/api/v1/tasks?organization=phu-nhuan&all=1",
                            headers=h("daibieu.phunhuan")).get_json()
    assert [(t["id"], t["status"]) for t in everything] == [(phunhuan_task["id"], "done")]
