"""Invitations: only officials are invited; a participant accepts or declines with a
reason before the meeting, from the home page or the meeting's page; the organisers see
the answers."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.extensions import db
from meetings.models import InvitationReply, Meeting
from tests.meetings.checks import count, vi_error
from tests.meetings.factories import conclude, meeting_body, participant

pytestmark = pytest.mark.db


def reply(client, h, meeting_id: int, who: str, **body):
    return client.post(f"/api/v1/meetings/{meeting_id}/invitation", json=body, headers=h(who))


def test_a_participant_accepts_then_declines_with_a_reason(client, h, api_meeting):
    meeting = api_meeting()
    response = reply(client, h, meeting["id"], "daibieu", answer="accept")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["reply"] == "accepted"
    response = reply(client, h, meeting["id"], "daibieu", answer="decline", reason=" Đi công tác ")
    assert response.get_json() | {"replied_at": None} == {
        "reply": "declined",
        "reason": "Đi công tác",
        "replied_at": None,
    }
    row = participant(db.session.get(Meeting, meeting["id"]), "daibieu")
    assert (row.reply, row.reply_reason) == (InvitationReply.DECLINED, "Đi công tác")


def test_bad_answers_are_refused_and_change_nothing(client, h, api_meeting):
    meeting = api_meeting()
    mid = meeting["id"]
    vi_error(reply(client, h, mid, "daibieu", answer="decline"), 422, "missing_reason")
    vi_error(reply(client, h, mid, "daibieu", answer="decline", reason="  "), 422, "missing_reason")
    vi_error(reply(client, h, mid, "daibieu", answer="maybe"), 422, "invalid_answer")
    vi_error(reply(client, h, mid, "daibieu"), 422, "missing_field")
    vi_error(reply(client, h, mid, "daibieu", answer="decline", reason="x" * 501), 422)
    vi_error(reply(client, h, mid, "vanthu", answer="accept"), 403, "not_participant")
    vi_error(reply(client, h, 999999, "daibieu", answer="accept"), 404, "meeting_not_found")
    row = participant(db.session.get(Meeting, mid), "daibieu")
    assert (row.reply, row.reply_reason, row.replied_at) == (InvitationReply.PENDING, None, None)


def test_no_answer_once_the_meeting_has_started(client, h, api_meeting):
    meeting = api_meeting()
    client.post(f"/api/v1/meetings/{meeting['id']}/start", headers=h("chutich"))
    vi_error(reply(client, h, meeting["id"], "daibieu", answer="accept"), 409, "meeting_started")


def test_only_officials_can_be_invited(client, h):
    before = count(Meeting)
    body = meeting_body(participants=["daibieu", "giaovien"])
    response = client.post("/api/v1/meetings", json=body, headers=h("chutich"))
    error = vi_error(response, 422, "not_an_official")
    assert "Trương Văn Phúc" in error["message"]
    body = meeting_body(participant_organizations=["th-vinh-ninh"])
    vi_error(client.post("/api/v1/meetings", json=body, headers=h("chutich")), 422, "not_invitable")
    assert count(Meeting) == before


def test_the_picker_offers_officials_and_no_school(client, auth, demo):
    auth.login("chutich")
    page = client.get("/meetings/new").get_data(as_text=True)
    assert 'value="daibieu.phunhuan"' in page and 'value="phonggd"' in page
    for school_person in ("giaovien", "hocsinh", "hieutruong"):
        assert f'value="{school_person}"' not in page
    assert 'value="th-vinh-ninh"' not in page and 'value="phu-nhuan"' in page


def test_home_page_answers_and_the_organisers_see_them(client, auth, api_meeting):
    meeting = api_meeting()
    auth.login("daibieu")
    home = client.get("/").get_data(as_text=True)
    assert f'data-invitation="{meeting["id"]}"' in home and "Xin vắng" in home
    response = client.post(
        f"/meetings/{meeting['id']}/invitation",
        data={"answer": "decline", "reason": "Họp ở Bộ", "next": "/"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/")
    assert "Đã xin vắng" in client.get("/").get_data(as_text=True)
    # a missing reason from the page: a message, nothing changed
    response = client.post(
        f"/meetings/{meeting['id']}/invitation",
        data={"answer": "decline", "next": "//evil.example"},
    )
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
    auth.logout()
    auth.login("chutich")
    page = client.get(f"/meetings/{meeting['id']}").get_data(as_text=True)
    assert "Xin vắng: Họp ở Bộ" in page


def test_a_task_on_the_home_page_links_to_it(client, auth, api_meeting):
    meeting = db.session.get(Meeting, api_meeting()["id"])
    due = (date.today() + timedelta(days=5)).isoformat()
    task = conclude(
        meeting,
        by="chutich",
        body={
            "text": "Giao nhiệm vụ.",
            "tasks": [
                {"organization": "phu-nhuan", "description": "Rà soát vỉa hè", "deadline": due}
            ],
        },
    ).tasks[0]
    db.session.commit()
    auth.login("chutich.phunhuan")
    home = client.get("/").get_data(as_text=True)
    assert f'href="/meetings/tasks#task-{task.id}">Rà soát vỉa hè</a>' in home
    assert f'id="task-{task.id}"' in client.get("/meetings/tasks").get_data(as_text=True)
