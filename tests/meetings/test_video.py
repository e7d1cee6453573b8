"""A meeting carried by a video conference: opening it from the meeting's page, the
conference panel of the live room (only for sites), and the demo conference."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from conference.models import Conference, ConferenceStatus
from conference.schemas import ConferenceIn
from conference.services import create_conference
from core.extensions import db
from meetings.models import Meeting
from meetings.seed import CITY_MEETING
from meetings.video import existing
from tests.meetings.factories import make_meeting, start, user

pytestmark = pytest.mark.db


def conference_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Conference)) or 0


def text_of(response) -> str:
    return response.get_data(as_text=True)


def client_config(page: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="conf-config">(.*?)</script>', page, re.S
    )
    assert found, "no conference client on the page"
    return json.loads(found.group(1))


@pytest.fixture
def meeting(demo):
    """A started city meeting with delegates of the city, Phú Nhuận and Tây Lộc."""
    made = make_meeting(participants=["daibieu", "daibieu.phunhuan", "daibieu.tayloc"])
    start(made)
    db.session.commit()
    return made


def carry(meeting, sites: list[str]) -> Conference:
    body = ConferenceIn(title=meeting.title, host="hue", sites=sites, meeting_id=meeting.id)
    conference = create_conference(user("chutich"), body)
    db.session.commit()
    return conference


# -- opening the conference from the meeting's page ------------------------------------------


def test_an_organiser_opens_the_conference_of_the_participants_organisations(client, auth, meeting):
    auth.login("chutich")
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert 'id="open-conference"' in page and "Mở hội nghị truyền hình" in page
    assert 'id="choose-conference-sites"' in page and "sites=phu-nhuan" in page
    before = conference_count()
    response = client.post(f"/meetings/{meeting.id}/conference")
    conference = existing(meeting)
    assert response.status_code == 302 and conference is not None
    assert response.headers["Location"].endswith(f"/conference/{conference.id}")
    assert [s.code for s in conference.sites] == ["hue", "phu-nhuan", "tay-loc"]
    assert conference.title == meeting.title and conference_count() == before + 1
    # Again: the same conference, nothing new; the page now links to it.
    again = client.post(f"/meetings/{meeting.id}/conference")
    assert again.headers["Location"] == response.headers["Location"]
    assert conference_count() == before + 1
    page = text_of(client.get(f"/meetings/{meeting.id}"))
    assert 'id="conference-link"' in page and 'id="open-conference"' not in page


def test_a_delegate_may_not_open_it(client, auth, meeting):
    auth.login("daibieu")
    before = conference_count()
    assert 'id="open-conference"' not in text_of(client.get(f"/meetings/{meeting.id}"))
    refused = client.post(f"/meetings/{meeting.id}/conference")
    assert refused.status_code == 403
    assert conference_count() == before


def test_a_meeting_of_one_organisation_only_is_told_to_choose_sites(client, auth, demo):
    alone = make_meeting(participants=["daibieu"])
    auth.login("chutich")
    before = conference_count()
    response = client.post(f"/meetings/{alone.id}/conference", follow_redirects=True)
    assert "ít nhất một điểm cầu ngoài điểm cầu chủ trì" in text_of(response)
    assert conference_count() == before


# -- the panel in the live room ---------------------------------------------------------------


def test_the_chair_of_the_host_gets_the_panel_with_chair_controls(client, auth, meeting):
    conference = carry(meeting, ["phu-nhuan"])
    auth.login("chutich")
    page = text_of(client.get(f"/meetings/{meeting.id}/room"))
    assert 'id="room-video"' in page and 'data-role="host"' in page
    assert 'id="btn-roll-call"' in page and 'id="btn-request-floor"' not in page
    assert "js/conference.js" in page and "css/conference.css" in page
    config = client_config(page)
    assert config["site"] == "hue" and config["chair"] is True and config["token"]
    assert config["conference"]["id"] == conference.id
    assert config["texts"]["denied"].startswith("Bạn đã chặn quyền dùng camera")


def test_a_ward_site_gets_the_panel_without_chair_controls(client, auth, meeting):
    carry(meeting, ["phu-nhuan"])
    auth.login("daibieu.phunhuan")
    page = text_of(client.get(f"/meetings/{meeting.id}/room"))
    assert 'id="room-video"' in page and 'data-role="ward"' in page
    assert 'id="btn-request-floor"' in page and 'id="btn-roll-call"' not in page
    config = client_config(page)
    assert config["site"] == "phu-nhuan" and config["chair"] is False


def test_a_participant_whose_organisation_is_not_a_site_gets_no_panel(client, auth, meeting):
    carry(meeting, ["phu-nhuan"])
    auth.login("daibieu.tayloc")
    response = client.get(f"/meetings/{meeting.id}/room")
    page = text_of(response)
    assert response.status_code == 200 and 'id="live-document"' in page
    assert 'id="room-video"' not in page and "js/conference.js" not in page


def test_no_panel_without_an_open_conference(client, auth, meeting):
    auth.login("chutich")
    assert 'id="room-video"' not in text_of(client.get(f"/meetings/{meeting.id}/room"))
    conference = carry(meeting, ["phu-nhuan"])
    conference.status = ConferenceStatus.ENDED
    db.session.commit()
    assert 'id="room-video"' not in text_of(client.get(f"/meetings/{meeting.id}/room"))


# -- the demo --------------------------------------------------------------------------------


def test_the_demo_city_meeting_is_carried_by_an_open_conference(client, auth, demo):
    city = db.session.scalar(select(Meeting).where(Meeting.title == CITY_MEETING))
    conference = existing(city)
    assert conference is not None and conference.status == ConferenceStatus.OPEN
    codes = [s.code for s in conference.sites]
    assert codes[0] == "hue" and {"phu-nhuan", "tay-loc", "thuy-bieu", "phu-hoi"} <= set(codes)
    auth.login("daibieu.tayloc")
    page = text_of(client.get(f"/meetings/{city.id}/room"))
    assert 'id="room-video"' in page and client_config(page)["site"] == "tay-loc"
