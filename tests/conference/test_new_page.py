"""The page that creates a conference (/conference/new): who may, the form's errors next
to their fields, nothing created on a refusal; and the button on the list."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from conference.models import Conference
from core.extensions import db
from tests.meetings.factories import make_meeting

pytestmark = pytest.mark.db

FORM = {"title": "Giao ban trực tuyến tháng 12", "host": "hue", "sites": ["phu-nhuan", "tay-loc"]}


def conference_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Conference)) or 0


def text_of(response) -> str:
    return response.get_data(as_text=True)


def post(client, **overrides):
    return client.post("/conference/new", data={**FORM, **overrides})


@pytest.fixture
def chair(client, auth, demo):
    auth.login("chutich")
    return client


def test_the_form_offers_the_hosts_the_user_leads_and_every_site(chair):
    response = chair.get("/conference/new")
    page = text_of(response)
    assert response.status_code == 200
    assert re.search(r'<option value="hue"[^>]*>UBND thành phố Huế</option>', page)
    assert 'value="phu-nhuan"' in page and 'value="xuan-phu"' in page
    assert 'data-kind="ward"' in page and "Chọn tất cả phường, xã" in page
    assert "Phiên họp UBND thành phố thường kỳ tháng 12" in page  # a meeting of the host
    assert "Họp giao ban UBND phường Phú Nhuận" not in page  # a ward's meeting is not
    assert 'id="error-' not in page


def test_the_form_is_filled_in_from_the_query_string(chair):
    page = text_of(chair.get("/conference/new?title=Họp+A&host=hue&sites=tay-loc&sites=phu-hoi"))
    assert 'value="Họp A"' in page
    assert re.search(r'value="tay-loc" data-kind="ward"\s+checked', page)
    assert re.search(r'value="phu-hoi" data-kind="ward"\s+checked', page)
    assert not re.search(r'value="an-cuu" data-kind="ward"\s+checked', page)


def test_posting_creates_the_conference_and_opens_its_page(chair, demo):
    meeting = make_meeting(title="Họp có hội nghị truyền hình")
    before = conference_count()
    response = post(chair, meeting_id=str(meeting.id))
    assert response.status_code == 302
    made = db.session.scalars(select(Conference).order_by(Conference.id.desc())).first()
    assert response.headers["Location"].endswith(f"/conference/{made.id}")
    assert conference_count() == before + 1
    assert [site.code for site in made.sites] == ["hue", "phu-nhuan", "tay-loc"]
    assert made.meeting_id == meeting.id and made.title == FORM["title"]
    page = text_of(chair.get(response.headers["Location"]))
    assert "Đã tạo hội nghị truyền hình." in page


@pytest.mark.parametrize(
    ("overrides", "status", "field", "message"),
    [
        ({"title": ""}, 422, "title", "Hãy nhập tên hội nghị."),
        ({"title": "x" * 301}, 422, "title", "dài quá 300 ký tự"),
        ({"sites": []}, 422, "sites", "ít nhất một điểm cầu ngoài điểm cầu chủ trì"),
        ({"sites": ["no-such-ward"]}, 422, "sites", "Không có tổ chức mã no-such-ward."),
        ({"sites": ["hue"]}, 422, "sites", "ít nhất một điểm cầu ngoài điểm cầu chủ trì"),
        ({"host": ""}, 422, "host", "Hãy chọn đơn vị chủ trì."),
        ({"host": "nowhere"}, 422, "host", "Không có tổ chức mã nowhere."),
        ({"host": "phu-nhuan"}, 403, "host", "Chỉ lãnh đạo, thư ký hoặc văn thư"),
        ({"meeting_id": "999999"}, 422, "meeting_id", "Không tìm thấy cuộc họp được liên kết."),
        ({"meeting_id": "abc"}, 422, "meeting_id", "không hợp lệ"),
    ],
)
def test_a_refusal_is_shown_next_to_its_field_and_creates_nothing(
    chair, overrides, status, field, message
):
    before = conference_count()
    response = post(chair, **overrides)
    page = text_of(response)
    assert response.status_code == status
    shown = re.search(
        rf'<span class="cf-error" id="error-{field}" role="alert">([^<]*)</span>', page
    )
    assert shown and message in shown.group(1), page[:4000]
    assert f'aria-describedby="error-{field}"' in page or field == "sites"
    assert conference_count() == before
    if "title" not in overrides:
        assert f'value="{FORM["title"]}"' in page  # what was typed stays


def test_a_meeting_of_another_organisation_is_refused(chair, demo):
    ward_meeting = make_meeting(
        creator="chutich.phunhuan",
        title="Họp của phường",
        organization="phu-nhuan",
        chair="chutich.phunhuan",
        secretary="thuky.phunhuan",
        participants=[],
    )
    before = conference_count()
    response = post(chair, meeting_id=str(ward_meeting.id))
    assert response.status_code == 422
    assert "không thuộc đơn vị chủ trì" in text_of(response)
    assert conference_count() == before


@pytest.mark.parametrize("username", ["daibieu", "daibieu.tayloc"])
def test_people_who_lead_nothing_may_not_open_or_post_the_form(client, auth, demo, username):
    auth.login(username)
    before = conference_count()
    assert client.get("/conference/new").status_code == 403
    refused = post(client)
    assert refused.status_code == 403
    assert "Chỉ lãnh đạo, thư ký hoặc văn thư" in text_of(refused)
    assert conference_count() == before
    assert 'id="new-conference"' not in text_of(client.get("/conference/"))


def test_the_list_offers_the_form_to_leads(chair):
    page = text_of(chair.get("/conference/"))
    assert 'id="new-conference"' in page and 'href="/conference/new"' in page


def test_signed_out_visitors_are_sent_to_sign_in(client, demo):
    before = conference_count()
    response = post(client)
    assert response.status_code in (302, 401)
    assert conference_count() == before


def test_every_field_left_out_is_shown_next_to_it_at_once(chair):
    before = conference_count()
    response = post(chair, title="", host="", sites=["phu-nhuan"])
    page = text_of(response)
    assert response.status_code == 422
    expected = {"title": "Hãy nhập tên hội nghị.", "host": "Hãy chọn đơn vị chủ trì."}
    for field, message in expected.items():
        shown = re.search(rf'<span class="cf-error" id="error-{field}" role="alert">([^<]*)</span>',
                          page)
        assert shown and shown.group(1) == message
        assert f'aria-describedby="error-{field}"' in page
    assert page.count("<li>") >= 2  # both listed at the top as well
    assert conference_count() == before
