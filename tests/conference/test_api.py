"""POST /api/v1/conferences, the room page and join tokens: who may, and bad input."""

from __future__ import annotations

import pytest

from conference.models import Conference
from core.extensions import db
from tests.meetings.factories import meeting_body

pytestmark = pytest.mark.db


def test_create_answers_id_and_url(conference, client, h):
    made = conference()
    assert made["url"] == f"/conference/{made['id']}"
    shape = client.get(f"/api/v1/conferences/{made['id']}", headers=h("chutich")).get_json()
    assert [s["code"] for s in shape["sites"]] == ["hue", "phu-nhuan", "tay-loc"]
    assert shape["sites"][0]["host"] is True and shape["floor"] is None


def test_a_meeting_may_be_linked(conference, client, h):
    meeting = client.post("/api/v1/meetings", json=meeting_body(), headers=h("chutich")).get_json()
    assert conference(meeting_id=meeting["id"])["id"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"title": "", "host": "hue", "sites": ["phu-nhuan"]}, 422, "missing_field"),
        ({"title": "x", "host": "hue", "sites": ["no-such-ward"]}, 422, "unknown_organization"),
        ({"title": "x", "host": "nowhere", "sites": ["phu-nhuan"]}, 422, "unknown_organization"),
        ({"title": "x", "host": "hue", "sites": ["hue"]}, 422, "invalid_sites"),
        ({"title": "x", "host": "hue", "sites": "phu-nhuan"}, 422, "invalid_sites"),
        (
            {"title": "x", "host": "hue", "sites": ["phu-nhuan"], "meeting_id": 999999},
            422,
            "invalid_meeting",
        ),
    ],
)
def test_bad_bodies_are_refused_and_change_nothing(client, h, body, status, code):
    headers = h("chutich")
    before = db.session.query(Conference).count()  # the demo data has one conference
    response = client.post("/api/v1/conferences", json=body, headers=headers)
    assert response.status_code == status and response.get_json()["error"]["code"] == code
    assert response.get_json()["error"]["message"]
    assert db.session.query(Conference).count() == before


def test_only_leads_of_the_host_may_create(client, h):
    body = {"title": "x", "host": "hue", "sites": ["phu-nhuan"]}
    for username in ("daibieu", "chutich.phunhuan"):
        response = client.post("/api/v1/conferences", json=body, headers=h(username))
        assert response.status_code == 403
        assert response.get_json()["error"]["code"] == "not_host_organiser"


def test_the_page_lets_an_invited_site_in_and_refuses_others(conference, client, auth):
    made = conference(sites=["phu-nhuan"])
    auth.login("chutich.phunhuan")
    page = client.get(made["url"])
    assert page.status_code == 200 and "UBND phường Phú Nhuận" in page.get_data(as_text=True)
    auth.logout()
    auth.login("daibieu.tayloc")
    refused = client.get(made["url"], headers={"Accept": "application/json"})
    assert refused.status_code == 403
    assert (
        client.get("/conference/999999", headers={"Accept": "application/json"}).status_code == 404
    )


def test_join_tokens_only_for_invited_sites(conference, client, h):
    made = conference(sites=["phu-nhuan"])
    mine = client.post(
        f"/api/v1/conferences/{made['id']}/join-token", headers=h("chutich.phunhuan")
    )
    assert mine.status_code == 200 and mine.get_json()["site"] == "phu-nhuan"
    other = client.post(f"/api/v1/conferences/{made['id']}/join-token", headers=h("daibieu.tayloc"))
    assert other.status_code == 403 and other.get_json()["error"]["code"] == "not_invited"


def test_link_stats_are_for_the_host_leads(conference, client, h, hub):
    made = conference()
    assert (
        client.get(f"/api/v1/conferences/{made['id']}/stats", headers=h("chutich")).get_json() == {}
    )
    ward = client.get(f"/api/v1/conferences/{made['id']}/stats", headers=h("chutich.phunhuan"))
    assert ward.status_code == 403 and ward.get_json()["error"]["code"] == "not_host"
