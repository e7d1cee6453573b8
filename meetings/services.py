"""Scheduling a meeting (lên lịch họp): its fields, participants, status, agenda and guests.

Plain functions, no request object. The handler has loaded the caller's standing and
checked the right the call needs (``meetings.access``); these functions only apply the
rules and flush — the handler commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import audit
from core.db import utcnow
from core.errors import Conflict, DomainError, Forbidden, NotFound, unknown_organization
from core.extensions import db
from core.models import Organization, User
from core.schemas import parse
from core.security import org_by_code, user_by_username
from meetings import invitations
from meetings.access import MeetingStanding, can_organise_in
from meetings.models import (
    AgendaItem,
    Attendance,
    Guest,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Participant,
    ParticipantRole,
)
from meetings.schemas import AgendaItemIn, AgendaItemPatch, MeetingIn, MeetingPatch

GUEST_QR_VALID_AFTER_END = timedelta(hours=2)


@dataclass
class MeetingPlan:
    """A meeting's fields with names resolved to rows."""

    title: str
    organization: Organization
    starts_at: datetime
    ends_at: datetime
    location: str
    confidential: bool
    chair: User
    secretary: User
    kind: MeetingKind
    participants: list[User]


def user_named(username: str, field: str) -> User:
    """An active account by username, or a 422 naming the field."""
    user = user_by_username(username)
    if user is None or not user.active:
        raise DomainError(
            "unknown_user",
            _l("Không có người dùng %(name)s (%(field)s).", name=username, field=field),
            422,
            field=field,
        )
    return user


def _members_of(codes: list[str]) -> list[User]:
    users: list[User] = []
    for code in codes:
        org = org_by_code(code)
        if org is None:
            raise unknown_organization(code)
        invitations.require_invitable(org)
        users += invitations.officials_of(org.id)
    return users


def plan(spec: MeetingIn, organiser: User, current_org_id: int | None = None) -> MeetingPlan:
    """Resolve a meeting's names to rows and apply the rules every create and every update
    obey: the time range, and that the caller may organise for the organisation (on an
    update, for the organisation it moves to)."""
    org = org_by_code(spec.organization)
    if org is None:
        raise unknown_organization(spec.organization)
    if spec.ends_at <= spec.starts_at:
        raise DomainError("invalid_time_range", _l("Giờ kết thúc phải sau giờ bắt đầu."), 422)
    if org.id != current_org_id and not can_organise_in(organiser, org):
        raise Forbidden(
            "cannot_organise",
            _l("Bạn không có quyền tạo cuộc họp cho %(org)s.", org=org.name),
        )
    people = [
        invitations.require_official(user_named(name, "participants")) for name in spec.participants
    ]
    people += _members_of(spec.participant_organizations)
    ceiling = current_app.config["MAX_MEETING_PARTICIPANTS"]
    if len({u.id for u in people}) > ceiling:
        raise DomainError(
            "too_many_participants",
            _l("Một cuộc họp có tối đa %(n)s thành phần tham dự.", n=ceiling),
            422,
            field="participants",
        )
    return MeetingPlan(
        title=spec.title,
        organization=org,
        starts_at=spec.starts_at,
        ends_at=spec.ends_at,
        location=spec.location,
        confidential=spec.confidential,
        chair=user_named(spec.chair, "chair"),
        secretary=user_named(spec.secretary, "secretary"),
        kind=spec.kind,
        participants=people,
    )


def _sync_participants(meeting: Meeting, spec: MeetingPlan) -> None:
    wanted = {u.id: ParticipantRole.DELEGATE for u in spec.participants}
    wanted[spec.secretary.id] = ParticipantRole.SECRETARY
    wanted[spec.chair.id] = ParticipantRole.CHAIR
    existing = {p.user_id: p for p in meeting.participants}
    for user_id, role in wanted.items():
        if user_id in existing:
            existing[user_id].role = role
        else:
            meeting.participants.append(Participant(user_id=user_id, role=role))
    for user_id, participant in existing.items():
        if user_id not in wanted and participant.attendance == Attendance.INVITED:
            meeting.participants.remove(participant)


def _apply(meeting: Meeting, spec: MeetingPlan) -> None:
    meeting.title, meeting.organization_id = spec.title, spec.organization.id
    meeting.starts_at, meeting.ends_at = spec.starts_at, spec.ends_at
    meeting.location, meeting.confidential = spec.location, spec.confidential
    meeting.chair_id, meeting.secretary_id = spec.chair.id, spec.secretary.id
    meeting.kind = spec.kind


def create_meeting(creator: User, spec: MeetingIn) -> Meeting:
    """Schedule a meeting; the chair presents until they hand it over."""
    resolved = plan(spec, creator)
    meeting = Meeting(created_by_id=creator.id)
    _apply(meeting, resolved)
    meeting.presenter_id = resolved.chair.id
    db.session.add(meeting)
    _sync_participants(meeting, resolved)
    db.session.flush()
    audit.record("meeting.created", creator.id, "meeting", meeting.id, {"title": meeting.title})
    return meeting


def stored_fields(meeting: Meeting) -> dict[str, Any]:
    """A meeting's fields as a request would give them (the edit form, PATCH merges)."""
    return {
        "title": meeting.title,
        "organization": meeting.organization.code,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
        "confidential": meeting.confidential,
        "chair": meeting.chair.username,
        "secretary": meeting.secretary.username,
        "kind": meeting.kind,
        "participants": [p.user.username for p in meeting.participants],
    }


def require_not_ended(meeting: Meeting) -> None:
    """An ended meeting is final: its record changes only through the minutes."""
    if meeting.status == MeetingStatus.ENDED:
        raise Conflict("meeting_ended", _l("Cuộc họp đã kết thúc, không thể sửa."))


def update_meeting(organiser: MeetingStanding, patch: MeetingPatch) -> Meeting:
    """Change some of a meeting's fields under the same rules as scheduling it."""
    meeting = organiser.meeting
    require_not_ended(meeting)
    changes = patch.model_dump(exclude_unset=True, exclude_none=True)
    merged = parse(MeetingIn, stored_fields(meeting) | changes)
    resolved = plan(merged, organiser.user, meeting.organization_id)
    _apply(meeting, resolved)
    _sync_participants(meeting, resolved)
    db.session.flush()
    return meeting


def update_meeting_from(organiser: MeetingStanding, spec: MeetingIn) -> Meeting:
    """The edit form sends every field."""
    return update_meeting(organiser, parse(MeetingPatch, spec.model_dump()))


def set_status(organiser: MeetingStanding, status: MeetingStatus) -> Meeting:
    """Start a scheduled meeting, or end one in progress."""
    meeting = organiser.meeting
    allowed = {
        MeetingStatus.IN_PROGRESS: MeetingStatus.SCHEDULED,
        MeetingStatus.ENDED: MeetingStatus.IN_PROGRESS,
    }
    if meeting.status != allowed[status]:
        raise Conflict(
            "invalid_status_change",
            _l("Không thể chuyển cuộc họp sang trạng thái này từ trạng thái hiện tại."),
        )
    meeting.status = status
    if status is MeetingStatus.IN_PROGRESS:
        meeting.started_at = utcnow()
        if meeting.current_agenda_item_id is None and meeting.agenda:
            meeting.current_agenda_item_id = meeting.agenda[0].id
    else:
        meeting.ended_at = utcnow()
    db.session.flush()
    audit.record(f"meeting.{status.value}", organiser.user.id, "meeting", meeting.id)
    return meeting


# -- agenda (chương trình họp) -----------------------------------------------------------


def get_agenda_item(meeting: Meeting, item_id: int) -> AgendaItem:
    item = next((a for a in meeting.agenda if a.id == item_id), None)
    if item is None:
        raise NotFound("agenda_item_not_found", _l("Không tìm thấy mục trong chương trình họp."))
    return item


def _agenda_fields(item: AgendaItem, data: AgendaItemIn | AgendaItemPatch) -> None:
    given = data.model_fields_set
    if data.title is not None:
        item.title = data.title
    if "presenter" in given:
        item.presenter_id = user_named(data.presenter, "presenter").id if data.presenter else None
    if "planned_minutes" in given:
        item.planned_minutes = data.planned_minutes


def add_agenda_item(organiser: MeetingStanding, data: AgendaItemIn) -> AgendaItem:
    meeting = organiser.meeting
    require_not_ended(meeting)
    item = AgendaItem(position=len(meeting.agenda) + 1)
    _agenda_fields(item, data)
    meeting.agenda.append(item)
    db.session.flush()
    return item


def update_agenda_item(
    organiser: MeetingStanding, item_id: int, data: AgendaItemPatch
) -> AgendaItem:
    require_not_ended(organiser.meeting)
    item = get_agenda_item(organiser.meeting, item_id)
    _agenda_fields(item, data)
    db.session.flush()
    return item


def delete_agenda_item(organiser: MeetingStanding, item_id: int) -> None:
    meeting = organiser.meeting
    require_not_ended(meeting)
    item = get_agenda_item(meeting, item_id)
    index = meeting.agenda.index(item)
    meeting.agenda.remove(item)
    for position, other in enumerate(meeting.agenda, start=1):
        other.position = position
    if meeting.current_agenda_item_id == item.id:
        # the room moves to the item that took its place (or the one before), not to nothing
        rest = meeting.agenda
        meeting.current_agenda_item_id = rest[min(index, len(rest) - 1)].id if rest else None
    db.session.flush()


def reorder_agenda(organiser: MeetingStanding, order: list[int]) -> list[AgendaItem]:
    """Put the agenda in the given order of item ids (drag and drop)."""
    meeting = organiser.meeting
    require_not_ended(meeting)
    if sorted(order) != sorted(a.id for a in meeting.agenda):
        raise DomainError(
            "invalid_order", _l("Thứ tự phải liệt kê đúng mỗi mục của chương trình một lần."), 422
        )
    by_id = {a.id: a for a in meeting.agenda}
    for position, item_id in enumerate(order, start=1):
        by_id[item_id].position = position
    db.session.flush()
    meeting.agenda.sort(key=lambda a: a.position)
    return meeting.agenda


# -- guests (khách mời) ------------------------------------------------------------------


def invite_guest(organiser: MeetingStanding, name: str, affiliation: str = "") -> Guest:
    meeting = organiser.meeting
    require_not_ended(meeting)
    guest = Guest(
        name=name,
        affiliation=affiliation,
        token=secrets.token_urlsafe(24),
        expires_at=meeting.ends_at + GUEST_QR_VALID_AFTER_END,
    )
    meeting.guests.append(guest)
    db.session.flush()
    return guest


def check_in_guest(meeting_id: int, token: str) -> Guest:
    """The guest's QR is scanned at the door (no account needed)."""
    guest = db.session.scalar(select(Guest).where(Guest.token == token))
    if guest is None or guest.meeting_id != meeting_id:
        raise NotFound("invalid_invitation", _l("Mã QR không phải thư mời của cuộc họp này."))
    if guest.expires_at <= utcnow():
        raise DomainError("invitation_expired", _l("Thư mời đã hết hạn."), 410)
    if guest.checked_in_at is None:
        guest.checked_in_at = utcnow()
        db.session.flush()
    return guest
