"""The meetings JSON API: guests, the secretary's attendance marks, the door QR."""

from __future__ import annotations

import pytest

from core.extensions import db
from meetings import presence, services
from meetings.models import Meeting
from tests.meetings.checks import vi_error
from tests.meetings.factories import api_meeting_of, api_start

pytestmark = pytest.mark.db


# -- guests, attendance, check-in ----------------------------------------------------------


def test_guests(client, h, api_meeting):
    meeting = api_meeting()
    url = f"/api/v1/meetings/{meeting['id']}/guests"
    response = client.post(url, json={"name": "Nguyễn Thị Hoa", "affiliation": "Báo Huế"},
                           headers=h("thuky"))
    assert response.status_code == 201, response.get_json()
    guest = response.get_json()
    assert guest["name"] == "Nguyễn Thị Hoa"
    assert f"/meetings/{meeting['id']}/guest/" in guest["check_in_url"]
    assert guest["qr_url"].endswith(f"/guests/{guest['id']}/qr.svg")
    vi_error(client.post(url, json={}, headers=h("thuky")), 422, "missing_field")
    vi_error(client.post(url, json={"name": "x" * 201}, headers=h("thuky")), 422, "invalid_name")
    vi_error(client.post(url, json={"name": "A"}, headers=h("daibieu")), 403)
    vi_error(client.post(url, json={"name": "A"}, headers=h("daibieu.tayloc")), 404)
    token = guest["check_in_url"].rsplit("/", 1)[1]
    assert services.check_in_guest(meeting["id"], token).name == "Nguyễn Thị Hoa"


def test_attendance(client, h, ready):
    meeting, _ = ready
    api_start(client, h, meeting["id"])
    url = f"/api/v1/meetings/{meeting['id']}/attendance"
    response = client.post(url, json={"user": "daibieu", "status": "present"},
                           headers=h("thuky"))
    assert response.status_code == 200, response.get_json()
    presence = response.get_json()
    assert presence["present"] == 1 and presence["total"] == 4
    response = client.post(
        url, json={"user": "daibieu.phunhuan", "status": "absent", "reason": "Ốm"},
        headers=h("thuky"),
    )
    people = {p["user"]: p for p in response.get_json()["participants"]}
    assert (people["daibieu.phunhuan"]["attendance"],
            people["daibieu.phunhuan"]["absence_reason"]) == ("absent", "Ốm")

    vi_error(client.post(url, json={"user": "daibieu", "status": "absent"}, headers=h("thuky")),
             422, "missing_reason")
    vi_error(client.post(url, json={"user": "daibieu", "status": "late"}, headers=h("thuky")),
             422, "invalid_attendance")
    vi_error(client.post(url, json={"user": "daibieu"}, headers=h("thuky")), 422,
             "missing_field")
    vi_error(client.post(url, json={"user": "vanthu", "status": "present"}, headers=h("thuky")),
             404, "participant_not_found")
    vi_error(client.post(url, json={"user": "daibieu", "status": "present"},
                         headers=h("daibieu")), 403, "not_meeting_organiser")
    people = {p["user"]: p["attendance"] for p in api_meeting_of(client, h, meeting["id"])[
        "participants"]}
    assert people["daibieu"] == "present"  # the refused "absent" changed nothing


def test_check_in_with_the_door_qr(client, h, ready, api_meeting):
    meeting, _ = ready
    other = api_meeting()
    api_start(client, h, meeting["id"])
    code = presence.door_token(db.session.get(Meeting, meeting["id"]))
    url = f"/api/v1/meetings/{meeting['id']}/check-in"
    response = client.post(url, json={"code": code}, headers=h("daibieu"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"attendance": "present"}
    people = {p["user"]: p["attendance"] for p in api_meeting_of(client, h, meeting["id"])[
        "participants"]}
    assert people["daibieu"] == "present"

    other_code = presence.door_token(db.session.get(Meeting, other["id"]))
    vi_error(client.post(url, json={"code": other_code}, headers=h("daibieu.phunhuan")), 422,
             "qr_other_meeting")
    vi_error(client.post(url, json={"code": "gia-mao"}, headers=h("daibieu.phunhuan")), 422,
             "invalid_qr")
    vi_error(client.post(url, json={}, headers=h("daibieu.phunhuan")), 422, "missing_field")
    vi_error(client.post(url, json={"code": code}, headers=h("vanthu")), 403, "not_participant")
    vi_error(client.post(url, json={"code": code}, headers=h("daibieu.tayloc")), 404)
