"""The meeting pages (HTML): who sees what, the create/edit form, QR images, guest check-in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.i18n import VN_TZ
from meetings import services
from meetings.models import Guest, Meeting
from meetings.seed import CITY_MEETING, WARD_MEETING
from tests.meetings.factories import MANAGE, acting, conclude

pytestmark = pytest.mark.db


def meeting_named(title: str) -> Meeting:
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == title))
    assert meeting is not None, title
    return meeting


def meeting_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Meeting))


def text_of(response) -> str:
    return response.get_data(as_text=True)


def local_input(days: int, hour: int) -> str:
    """A date-and-time field's value as typed (dd/mm/yyyy HH:MM, Vietnam time), `days` on."""
    day = datetime.now(VN_TZ).date() + timedelta(days=days)
    return f"{day:%d/%m/%Y} {hour:02d}:00"


def form_data(**overrides) -> dict:
    data = {
        "title": "Họp rà soát kế hoạch chuyển đổi số quý I",
        "organization": "hue",
        "kind": "thematic",
        "starts_at": local_input(3, 8),
        "ends_at": local_input(3, 10),
        "location": "Phòng họp số 3",
        "chair": "chutich",
        "secretary": "thuky",
        "participants": ["daibieu", "vanthu"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def city(demo):
    return meeting_named(CITY_MEETING)


@pytest.fixture
def ward(demo):
    return meeting_named(WARD_MEETING)


# -- the list ----------------------------------------------------------------------------


def test_list_shows_the_meetings_of_a_delegate(client, auth, city, ward):
    auth.login("daibieu")
    response = client.get("/meetings/")
    page = text_of(response)
    assert response.status_code == 200
    assert CITY_MEETING in page
    assert "Đang họp" in page and "Thường kỳ" in page
    assert f'href="/meetings/{city.id}/room"' in page  # in progress, and a participant
    assert WARD_MEETING not in page  # confidential, not invited
    assert "Tạo cuộc họp" not in page  # delegates do not schedule meetings
    assert 'href="/meetings/tasks"' in page


def test_list_of_a_chair_offers_to_create_and_marks_confidential(client, auth, ward):
    auth.login("chutich.phunhuan")
    page = text_of(client.get("/meetings/"))
    assert "Tạo cuộc họp" in page
    assert WARD_MEETING in page and "Giao ban" in page and "Sắp diễn ra" in page
    assert "Mật" in page


def test_search_finds_by_title(client, auth, ward):
    auth.login("chutich.phunhuan")
    page = text_of(client.get("/meetings/", query_string={"q": "giao ban"}))
    assert WARD_MEETING in page
    assert CITY_MEETING not in page


# -- the preparation page ---------------------------------------------------------------------


def test_detail_for_a_delegate_is_read_only(client, auth, city):
    auth.login("daibieu")
    response = client.get(f"/meetings/{city.id}")
    page = text_of(response)
    assert response.status_code == 200
    for item in city.agenda:
        assert item.title in page
    assert "6 trang" in page  # the seeded report
    assert 'id="upload-form"' not in page and 'id="agenda-form"' not in page
    assert "door-qr.svg" not in page and "/qr.svg" not in page
    assert "data-comment-form" in page  # participants comment on drafts
    assert f'href="/meetings/{city.id}/room"' in page


def test_detail_for_the_chair_has_the_tools(client, auth, city):
    auth.login("chutich")
    page = text_of(client.get(f"/meetings/{city.id}"))
    assert 'id="upload-form"' in page and 'id="agenda-form"' in page
    assert 'id="end-meeting"' in page  # in progress: it can be ended, not started
    assert 'id="start-meeting"' not in page
    assert f"/meetings/{city.id}/door-qr.svg" in page
    guest = city.guests[0]
    assert f"/meetings/{city.id}/guests/{guest.id}/qr.svg" in page
    assert f"/meetings/{city.id}/guest/{guest.token}" in page  # the link to copy
    assert '<meta name="csrf-token"' in page


# -- a confidential meeting is invisible to outsiders --------------------------------------


@pytest.mark.parametrize(
    "path",
    ["", "/record", "/edit", "/room", "/door-qr.svg", "/guests/{guest}/qr.svg"],
)
def test_confidential_meeting_is_not_found_for_outsiders(client, auth, ward, path):
    guest = services.invite_guest(acting(ward, "chutich.phunhuan", MANAGE), "Khách")
    db.session.commit()
    auth.login("chutich")  # the city's chair, but not invited to the ward's meeting
    response = client.get(f"/meetings/{ward.id}" + path.format(guest=guest.id))
    assert response.status_code == 404
    assert WARD_MEETING not in text_of(response)


@pytest.mark.parametrize("username", ["chutich.phunhuan", "thuky.phunhuan", "daibieu.phunhuan"])
def test_confidential_meeting_opens_for_its_participants(client, auth, ward, username):
    auth.login(username)
    for path in ("", "/record"):
        response = client.get(f"/meetings/{ward.id}{path}")
        assert response.status_code == 200, path
        assert WARD_MEETING in text_of(response)


def test_a_delegate_cannot_open_the_edit_form(client, auth, city):
    auth.login("daibieu")
    assert client.get(f"/meetings/{city.id}/edit").status_code == 403


# -- QR images ----------------------------------------------------------------------------


def test_qr_images_are_standalone_svg(client, auth, city):
    """<img> draws an SVG only when it declares the SVG namespace."""
    auth.login("chutich")
    for path in (f"/meetings/{city.id}/door-qr.svg",
                 f"/meetings/{city.id}/guests/{city.guests[0].id}/qr.svg"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "image/svg+xml"
        svg = text_of(response)
        assert 'xmlns="http://www.w3.org/2000/svg"' in svg and "viewBox=" in svg


def test_guest_qr_is_for_managers_only(client, auth, city):
    auth.login("daibieu")
    assert client.get(f"/meetings/{city.id}/guests/{city.guests[0].id}/qr.svg").status_code == 403


# -- the form -------------------------------------------------------------------------------


def test_new_form_renders_with_defaults(client, auth, demo):
    auth.login("chutich")
    response = client.get("/meetings/new")
    page = text_of(response)
    assert response.status_code == 200
    assert 'name="csrf_token"' in page
    assert 'type="datetime-local"' not in page  # the browser's locale would show it
    assert 'data-date-input="datetime"' in page and 'placeholder="dd/mm/yyyy HH:MM"' in page
    tomorrow = f"{datetime.now(VN_TZ).date() + timedelta(days=1):%d/%m/%Y}"
    assert f'value="{tomorrow} 08:00"' in page and f'value="{tomorrow} 10:00"' in page
    assert re.search(r'<option value="chutich" selected>', page)  # the chair chairs by default
    for label in ("Thường kỳ", "Chuyên đề", "Bất thường", "Giao ban"):
        assert label in page


def test_form_post_creates_a_meeting(client, auth, demo):
    auth.login("chutich")
    before = meeting_count()
    response = client.post(
        "/meetings/new", data=form_data(participant_organizations=["tay-loc"], confidential="on")
    )
    assert response.status_code == 302
    meeting = meeting_named("Họp rà soát kế hoạch chuyển đổi số quý I")
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert meeting_count() == before + 1
    assert meeting.kind == "thematic" and meeting.confidential
    # 08:00 in Huế is 01:00 UTC
    assert meeting.starts_at.astimezone(UTC).hour == 1
    assert meeting.starts_at.astimezone(VN_TZ).hour == 8
    people = {p.user.username: p.role for p in meeting.participants}
    assert people["chutich"] == "chair" and people["thuky"] == "secretary"
    assert people["daibieu"] == "delegate" and people["vanthu"] == "delegate"
    assert "daibieu.tayloc" in people  # the whole ward's staff
    assert "Đã tạo cuộc họp." in text_of(client.get(response.headers["Location"]))


def test_form_post_with_end_before_start_is_refused_and_keeps_the_input(client, auth, demo):
    auth.login("chutich")
    before = meeting_count()
    response = client.post(
        "/meetings/new",
        data=form_data(starts_at=local_input(3, 10), ends_at=local_input(3, 9)),
    )
    page = text_of(response)
    assert response.status_code == 422
    assert "Giờ kết thúc phải sau giờ bắt đầu." in page
    assert meeting_count() == before  # nothing created
    assert 'value="Họp rà soát kế hoạch chuyển đổi số quý I"' in page
    assert f'value="{local_input(3, 10)}"' in page and f'value="{local_input(3, 9)}"' in page
    assert re.search(r'value="daibieu" checked', page)
    assert 'aria-invalid="true"' in page


def test_form_post_with_a_missing_field_is_refused(client, auth, demo):
    auth.login("chutich")
    before = meeting_count()
    response = client.post("/meetings/new", data=form_data(secretary=""))
    assert response.status_code == 422
    assert "Thiếu thư ký." in text_of(response)
    assert meeting_count() == before


def test_edit_form_shows_and_saves_the_meeting(client, auth, city):
    auth.login("chutich")
    page = text_of(client.get(f"/meetings/{city.id}/edit"))
    starts = city.starts_at.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")
    assert f'value="{CITY_MEETING}"' in page and f'value="{starts}"' in page
    assert re.search(r'value="daibieu" checked', page)
    data = form_data(title="Phiên họp UBND thành phố thường kỳ tháng 12 (bổ sung)",
                     starts_at=starts, ends_at=city.ends_at.astimezone(VN_TZ).strftime(
                         "%Y-%m-%dT%H:%M"), kind="regular")  # ISO is still read
    response = client.post(f"/meetings/{city.id}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(city)
    assert city.title.endswith("(bổ sung)")


# -- the record, the tasks -------------------------------------------------------------------


def test_record_page_for_the_secretary_has_the_minutes_editor(client, auth, city):
    auth.login("thuky")
    page = text_of(client.get(f"/meetings/{city.id}/record"))
    assert '<textarea id="minutes-text"' in page
    assert "Đặt lại theo diễn biến" in page
    assert f"BIÊN BẢN {CITY_MEETING.upper()}" in page
    assert 'id="conclusion-form"' in page  # the secretary manages the meeting


def test_record_page_for_a_delegate_is_read_only(client, auth, city):
    auth.login("daibieu")
    response = client.get(f"/meetings/{city.id}/record")
    page = text_of(response)
    assert response.status_code == 200
    assert '<pre class="m-minutes-text" id="minutes-text">' in page
    assert 'id="conclusion-form"' not in page and "minutes-save" not in page


def test_record_page_shows_conclusions_and_tasks(client, auth, city):
    deadline = datetime.now(VN_TZ).date() + timedelta(days=10)
    conclude(city, by="chutich", body={
        "text": "Thống nhất thông qua báo cáo kinh tế – xã hội.",
        "agenda_item_id": city.agenda[0].id,
        "tasks": [{"organization": "phu-nhuan", "description": "Rà soát số liệu phường",
                   "deadline": deadline.isoformat()}],
    })
    db.session.commit()
    auth.login("daibieu")
    page = text_of(client.get(f"/meetings/{city.id}/record"))
    assert "Thống nhất thông qua báo cáo kinh tế – xã hội." in page
    assert "Rà soát số liệu phường" in page and "UBND phường Phú Nhuận" in page
    assert deadline.strftime("%d/%m/%Y") in page


def test_tasks_page_lists_open_tasks_with_overdue_ones_marked(client, auth, city):
    today = datetime.now(VN_TZ).date()
    conclude(city, by="chutich", body={
        "text": "Giao nhiệm vụ.",
        "tasks": [
            {"organization": "hue", "description": "Nhiệm vụ đã quá hạn",
             "deadline": (today - timedelta(days=3)).isoformat()},
            {"organization": "hue", "description": "Nhiệm vụ còn hạn",
             "deadline": (today + timedelta(days=30)).isoformat()},
            {"organization": "tay-loc", "description": "Nhiệm vụ của phường Tây Lộc",
             "deadline": today.isoformat()},
        ],
    })
    db.session.commit()
    auth.login("thuky")
    response = client.get("/meetings/tasks")
    page = text_of(response)
    assert response.status_code == 200
    assert "Nhiệm vụ đã quá hạn" in page and "Nhiệm vụ còn hạn" in page
    assert "Nhiệm vụ của phường Tây Lộc" not in page  # another organisation's
    assert "Quá hạn 3 ngày" in page and "is-overdue" in page
    assert page.index("Nhiệm vụ đã quá hạn") < page.index("Nhiệm vụ còn hạn")
    assert "/api/v1/tasks/" in page and "Hoàn thành" in page
    assert CITY_MEETING in page  # the meeting the task comes from


# -- guest check-in (public) -------------------------------------------------------------------


def test_guest_check_in_welcomes_the_guest(client, city):
    guest = city.guests[0]
    # the invitation ends some hours after the demo meeting: make it valid whenever the
    # suite runs, however long after seeding (the refusal after expiry has its own test)
    guest.expires_at = datetime.now(UTC) + timedelta(hours=1)
    db.session.commit()
    response = client.get(f"/meetings/{city.id}/guest/{guest.token}")
    page = text_of(response)
    assert response.status_code == 200
    assert "Chào mừng" in page and guest.name in page and "đã điểm danh" in page
    assert CITY_MEETING in page
    db.session.refresh(guest)
    assert guest.checked_in_at is not None


def test_guest_check_in_with_a_bad_token_is_refused(client, city):
    response = client.get(f"/meetings/{city.id}/guest/not-a-real-token")
    assert response.status_code == 404
    assert "Mã QR không phải thư mời của cuộc họp này." in text_of(response)


def test_guest_check_in_at_another_meeting_is_refused(client, city, ward):
    guest = city.guests[0]
    response = client.get(f"/meetings/{ward.id}/guest/{guest.token}")
    assert response.status_code == 404
    assert "Mã QR không phải thư mời của cuộc họp này." in text_of(response)
    db.session.refresh(guest)
    assert guest.checked_in_at is None


def test_guest_check_in_after_the_invitation_expired_is_refused(client, city):
    guest = db.session.scalar(select(Guest).where(Guest.meeting_id == city.id))
    guest.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    response = client.get(f"/meetings/{city.id}/guest/{guest.token}")
    assert response.status_code == 410
    assert "Thư mời đã hết hạn." in text_of(response)
    db.session.refresh(guest)
    assert guest.checked_in_at is None
