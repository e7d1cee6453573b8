"""Builders for the meetings tests: meetings made through the rules or the API, PDFs,
standings. Plain functions, imported by name where they are used."""

from __future__ import annotations

import functools
import io
from datetime import date, datetime, timedelta
from typing import Any

from pypdf import PdfReader, PdfWriter

from core.db import utcnow
from core.extensions import db
from core.i18n import VN_TZ
from core.models import User
from core.sample_pdf import numbered_pdf
from core.schemas import MAX_ROW_ID, parse
from core.security import user_by_username
from meetings import documents, presence, record, services, speakers, votes
from meetings.access import MeetingRight, MeetingStanding, standing
from meetings.models import (
    AgendaItem,
    Conclusion,
    Document,
    Guest,
    Meeting,
    MeetingStatus,
    Participant,
)
from meetings.schemas import AgendaItemIn, ConclusionIn, MeetingIn, OpenVoteIn

ORG = "hue"
HUGE_ID = 2**63  # matches an <int:…> rule's digits, fits no database integer
BEYOND_ROW_ID = MAX_ROW_ID + 1  # the first id past PostgreSQL's integer columns
MANAGE, PARTICIPATE, CHAIR = MeetingRight.MANAGE, MeetingRight.PARTICIPATE, MeetingRight.CHAIR


# -- files ----------------------------------------------------------------------------------


@functools.cache
def pdf(pages: int = 5, title: str = "Tài liệu họp") -> bytes:
    """A real PDF whose page N says 'Trang N' (made once per shape)."""
    return numbered_pdf(pages, title)


@functools.cache
def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(2))))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# -- bodies ---------------------------------------------------------------------------------


def when(days: float = 1, hour: int = 8) -> datetime:
    """A moment `days` from today at `hour` o'clock, Vietnam time."""
    day = datetime.now(VN_TZ).date() + timedelta(days=int(days))
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN_TZ)


def local(moment: datetime) -> str:
    """A moment as a form or a client sends it: Vietnam time without a zone."""
    return moment.replace(tzinfo=None).isoformat()


def meeting_body(**overrides: Any) -> dict[str, Any]:
    """A valid body for POST /api/v1/meetings (and, parsed, services.create_meeting)."""
    body: dict[str, Any] = {
        "title": "Họp thường kỳ kiểm thử",
        "organization": ORG,
        "starts_at": local(when(1, 8)),
        "ends_at": local(when(1, 11)),
        "location": "Phòng họp số 2",
        "confidential": False,
        "chair": "chutich",
        "secretary": "thuky",
        "participants": ["daibieu", "daibieu.phunhuan"],
    }
    body.update(overrides)
    return body


def deadline(days: int = 30) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def task_body(**overrides: Any) -> dict[str, Any]:
    """A follow-up task as a conclusion's body lists it."""
    return {
        "organization": "phu-nhuan",
        "description": "Chỉnh trang vỉa hè",
        "deadline": deadline(),
        **overrides,
    }


# -- people and standings -------------------------------------------------------------------


def user(username: str) -> User:
    found = user_by_username(username)
    assert found is not None, username
    return found


def acting(meeting: Meeting, username: str, *rights: MeetingRight) -> MeetingStanding:
    """The standing a handler would load for this person, with these rights required."""
    return standing(meeting.id, user(username), *rights)


def participant(meeting: Meeting, username: str) -> Participant:
    found = acting(meeting, username).participant
    assert found is not None, username
    return found


# -- meetings through the rules -------------------------------------------------------------


def make_meeting(creator: str = "chutich", **overrides: Any) -> Meeting:
    """A meeting created through the rules and committed."""
    meeting = services.create_meeting(user(creator), parse(MeetingIn, meeting_body(**overrides)))
    db.session.commit()
    return meeting


def add_item(meeting: Meeting, title: str, by: str = "chutich", **fields: Any) -> AgendaItem:
    """An agenda item added by an organiser (flushed, not committed)."""
    data = parse(AgendaItemIn, {"title": title, **fields})
    return services.add_agenda_item(acting(meeting, by, MANAGE), data)


def add_pdf(meeting: Meeting, by: str = "chutich", pages: int = 5, **kwargs: Any) -> Document:
    organiser = acting(meeting, by, MANAGE)
    document = documents.add_document(organiser, pdf(pages), "tai-lieu.pdf", **kwargs)
    db.session.commit()
    return document


def start(meeting: Meeting, by: str = "chutich") -> None:
    services.set_status(acting(meeting, by, MANAGE), MeetingStatus.IN_PROGRESS)
    db.session.commit()


def end(meeting: Meeting, by: str = "chutich") -> None:
    services.set_status(acting(meeting, by, MANAGE), MeetingStatus.ENDED)
    db.session.commit()


def started(**overrides: Any) -> Meeting:
    """A meeting in progress with two agenda items."""
    meeting = make_meeting(**overrides)
    add_item(meeting, "Báo cáo kinh tế – xã hội")
    add_item(meeting, "Kế hoạch chuyển đổi số")
    start(meeting)
    return meeting


def mark(
    meeting: Meeting, username: str, status: str, reason: str | None = None
) -> Participant:
    """The secretary records someone's attendance (flushed, not committed)."""
    return presence.record_attendance(acting(meeting, "thuky", MANAGE), username, status, reason)


def present(meeting: Meeting, *usernames: str) -> None:
    for name in usernames:
        mark(meeting, name, "present")
    db.session.commit()


def open_vote(meeting: Meeting, question: str, by: str = "chutich", **fields: Any) -> int:
    """The chair opens a vote; its id (flushed, not committed). Quorum has its own tests
    (test_quorum.py): here the chair opens it whatever the attendance, unless told."""
    fields.setdefault("despite_no_quorum", True)
    data = parse(OpenVoteIn, {"question": question, **fields})
    return votes.open_vote(acting(meeting, by, PARTICIPATE, CHAIR), data)["vote_id"]


def cast(meeting: Meeting, username: str, vote_id: int, choice: str) -> dict[str, Any]:
    return votes.cast_vote(acting(meeting, username, PARTICIPATE), vote_id, choice)


def close(meeting: Meeting, vote_id: int, by: str = "chutich") -> dict[str, Any]:
    return votes.close_vote(acting(meeting, by, PARTICIPATE, CHAIR), vote_id)


def conclude(meeting: Meeting, body: dict[str, Any], by: str = "thuky") -> Conclusion:
    """An organiser records a conclusion (the body as the API takes it; flushed)."""
    return record.add_conclusion(acting(meeting, by, MANAGE), parse(ConclusionIn, body))


def held_meeting() -> Meeting:
    """A meeting with attendance, a speech, a vote and a conclusion on its first item."""
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    present(meeting, "chutich", "thuky", "daibieu")
    mark(meeting, "daibieu.phunhuan", "absent", "Đi công tác")
    speakers.request_floor(acting(meeting, "daibieu", PARTICIPATE))
    speakers.grant_floor(acting(meeting, "chutich", PARTICIPATE, CHAIR), "daibieu")
    vote_id = open_vote(meeting, "Thông qua báo cáo")
    db.session.commit()
    for name, choice in (("chutich", "yes"), ("thuky", "yes"), ("daibieu", "abstain")):
        cast(meeting, name, vote_id, choice)
    close(meeting, vote_id)
    conclude(
        meeting,
        {
            "text": "Thống nhất thông qua báo cáo",
            "agenda_item_id": meeting.agenda[0].id,
            "tasks": [task_body(deadline="2027-01-15")],
        },
    )
    db.session.commit()
    return meeting


def expired(guest: Guest) -> None:
    """The guest's invitation ran out a second ago."""
    guest.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


# -- meetings through the API ---------------------------------------------------------------


def api_meeting_of(client: Any, h: Any, meeting_id: int, by: str = "chutich") -> dict[str, Any]:
    """GET /api/v1/meetings/<id> as someone who may see it."""
    response = client.get(f"/api/v1/meetings/{meeting_id}", headers=h(by))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def api_start(client: Any, h: Any, meeting_id: int) -> None:
    response = client.post(f"/api/v1/meetings/{meeting_id}/start", headers=h("chutich"))
    assert response.status_code == 200, response.get_json()


def api_end(client: Any, h: Any, meeting_id: int) -> None:
    response = client.post(f"/api/v1/meetings/{meeting_id}/end", headers=h("chutich"))
    assert response.status_code == 200, response.get_json()


def first_item(client: Any, h: Any, meeting_id: int) -> int:
    """The id of a meeting's first agenda item."""
    return api_meeting_of(client, h, meeting_id)["agenda"][0]["id"]
