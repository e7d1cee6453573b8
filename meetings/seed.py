"""Demo meetings: a city meeting in progress (to try the live room) and a ward meeting."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from conference import services as conferences
from core.extensions import db
from core.i18n import VN_TZ
from core.models import User
from core.sample_pdf import make_pdf
from core.security import user_by_username
from meetings import documents, services, video
from meetings.access import standing_in
from meetings.models import Meeting, MeetingStatus
from meetings.schemas import AgendaItemIn, MeetingIn

CITY_MEETING = "Phiên họp UBND thành phố thường kỳ tháng 12"
WARD_MEETING = "Họp giao ban UBND phường Phú Nhuận"
REPORT_PAGES = [
    (
        "Báo cáo tình hình kinh tế – xã hội năm 2026",
        "UBND thành phố Huế báo cáo kết quả thực hiện nhiệm vụ phát triển kinh tế – xã hội, "
        "bảo đảm quốc phòng, an ninh năm 2026 và phương hướng, nhiệm vụ năm 2027.",
    ),
    (
        "I. Kết quả đạt được",
        "Tốc độ tăng trưởng kinh tế ước đạt 8,2%. Thu ngân sách trên địa bàn đạt 104% dự toán. "
        "Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình đạt 78%.",
    ),
    (
        "II. Chuyển đổi số",
        "100% cơ quan và 36 phường, xã sử dụng chữ ký số. Phòng họp không giấy tờ được triển "
        "khai tại trụ sở thành phố và 5 phường thí điểm đô thị thông minh.",
    ),
    (
        "III. Tồn tại, hạn chế",
        "Hạ tầng mạng tại một số xã còn yếu; việc số hóa hồ sơ lưu trữ chưa đồng đều.",
    ),
    (
        "IV. Phương hướng năm 2027",
        "Hoàn thành tuyển sinh trực tuyến lớp 1 và lớp 6; mở rộng lớp học thông minh; kết nối "
        "hội nghị truyền hình đến 100% phường, xã.",
    ),
    ("V. Kiến nghị", "Đề nghị HĐND thành phố xem xét bổ sung kinh phí cho hạ tầng số năm 2027."),
]


def _at(day_offset: int, hour: int, now: datetime | None = None) -> datetime:
    day = (now or datetime.now(VN_TZ)).date() + timedelta(days=day_offset)
    return datetime.combine(day, time(hour, 0), tzinfo=VN_TZ)


def working_day_around(now: datetime) -> tuple[datetime, datetime]:
    """Today 08:00–17:00 (Vietnam time), stretched to cover ``now`` (the moment the demo is
    seeded): someone trying the product at night still finds the city meeting in
    progress and its guest invitation valid."""
    now = now.astimezone(VN_TZ).replace(second=0, microsecond=0)
    opens, closes = _at(0, 8, now), _at(0, 17, now)
    return min(opens, now - timedelta(hours=1)), max(closes, now + timedelta(hours=4))


def _demo_user(username: str) -> User:
    user = user_by_username(username)
    if user is None:
        raise RuntimeError(f"the demo account {username} is missing: seed the kernel first")
    return user


def _exists(title: str) -> bool:
    return db.session.scalar(select(Meeting.id).where(Meeting.title == title)) is not None


def _city_meeting() -> None:
    chair = _demo_user("chutich")
    starts_at, ends_at = working_day_around(datetime.now(VN_TZ))
    meeting = services.create_meeting(
        chair,
        MeetingIn.model_validate(
            {
                "title": CITY_MEETING,
                "organization": "hue",
                "kind": "regular",
                "starts_at": starts_at,
                "ends_at": ends_at,
                "location": "Phòng họp số 1, Trung tâm Hành chính công thành phố",
                "chair": "chutich",
                "secretary": "thuky",
                "participants": [
                    "daibieu",
                    "chutich.phunhuan",
                    "daibieu.phunhuan",
                    "daibieu.tayloc",
                    "vanthu",
                ],
            }
        ),
    )
    organiser = standing_in(meeting, chair)
    report = services.add_agenda_item(
        organiser,
        AgendaItemIn.model_validate(
            {
                "title": "Báo cáo tình hình kinh tế – xã hội năm 2026",
                "presenter": "chutich",
                "planned_minutes": 30,
            }
        ),
    )
    services.add_agenda_item(
        organiser,
        AgendaItemIn.model_validate(
            {
                "title": "Kế hoạch chuyển đổi số năm 2027",
                "presenter": "daibieu",
                "planned_minutes": 20,
            }
        ),
    )
    services.add_agenda_item(
        organiser,
        AgendaItemIn(title="Tuyển sinh đầu cấp năm học 2027–2028", planned_minutes=15),
    )
    documents.add_document(
        organiser,
        make_pdf("Báo cáo KT-XH 2026", REPORT_PAGES),
        "bao-cao-kt-xh-2026.pdf",
        report.id,
        "Báo cáo tình hình kinh tế – xã hội năm 2026",
    )
    services.invite_guest(organiser, "Nguyễn Thị Hoa", "Báo Thừa Thiên Huế")
    services.set_status(organiser, MeetingStatus.IN_PROGRESS)


def _ward_meeting() -> None:
    chair = _demo_user("chutich.phunhuan")
    meeting = services.create_meeting(
        chair,
        MeetingIn.model_validate(
            {
                "title": WARD_MEETING,
                "organization": "phu-nhuan",
                "kind": "briefing",
                "starts_at": _at(1, 14),
                "ends_at": _at(1, 16),
                "location": "Hội trường UBND phường",
                "chair": "chutich.phunhuan",
                "secretary": "thuky.phunhuan",
                "participants": ["daibieu.phunhuan"],
                "confidential": True,
            }
        ),
    )
    services.add_agenda_item(
        standing_in(meeting, chair), AgendaItemIn(title="Công tác chỉnh trang đô thị tháng 12")
    )


def seed_meetings() -> None:
    """Idempotent: each demo meeting is created once."""
    if not _exists(CITY_MEETING):
        _city_meeting()
    if not _exists(WARD_MEETING):
        _ward_meeting()
    db.session.flush()
    _city_conference()


# The demo conference also reaches three pilot wards beyond the participants' own.
CONFERENCE_WARDS = ("thuy-bieu", "phu-hoi", "thuan-hoa")


def _city_conference() -> None:
    """The city meeting is carried by an open video conference (city hall and a few
    wards), so that its live room shows the conference panel. Created once."""
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == CITY_MEETING))
    if meeting is None or video.existing(meeting) is not None:
        return
    sites = [*video.site_codes(meeting), *CONFERENCE_WARDS]
    conferences.create_conference(_demo_user("chutich"), video.conference_body(meeting, sites))
