"""Who may see and do what in a meeting — loaded once per call (see ``core.access``).

Handlers call one loader (:func:`standing`), then ``standing.require(MeetingRight.…)``,
then pass the standing to the rule function, which does not check again.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import lazyload

from core.access import Standing
from core.db import prepared
from core.errors import Forbidden, NotFound
from core.extensions import db
from core.models import Organization, User
from meetings.models import Meeting, MeetingStatus, Participant

ORGANISER_ROLES = {"admin", "chair", "secretary", "clerk"}
# Socket events need the meeting's own columns, not the organisation, chair and secretary
# rows (with those users' memberships) that it eager-loads for pages.
LIGHT = (
    lazyload(Meeting.organization),
    lazyload(Meeting.chair),
    lazyload(Meeting.secretary),
)


class MeetingRight(enum.Enum):
    VIEW = "view"  # see the meeting, its documents and record
    MANAGE = "manage"  # chair, secretary or creator: prepare, start, end, record
    PARTICIPATE = "participate"  # a participant: the live room, the floor, ballots
    CHAIR = "chair"  # chủ tọa: give the floor, open and close votes, hand presenting
    LEAD = "lead"  # chair or secretary: move the room to another agenda item
    TAKE_MINUTES = "take_minutes"  # thư ký: edit the minutes


def meeting_not_found() -> NotFound:
    """Missing and not-yours look the same: a confidential meeting is not acknowledged."""
    return NotFound("meeting_not_found", _l("Không tìm thấy cuộc họp."))


def _refusals() -> dict[MeetingRight, Forbidden]:
    return {
        MeetingRight.MANAGE: Forbidden(
            "not_meeting_organiser",
            _l("Chỉ chủ tọa, thư ký hoặc người tạo cuộc họp được thực hiện thao tác này."),
        ),
        MeetingRight.PARTICIPATE: Forbidden(
            "not_participant", _l("Bạn không phải là thành phần tham dự cuộc họp này.")
        ),
        MeetingRight.CHAIR: Forbidden("not_chair", _l("Chỉ chủ tọa được thực hiện thao tác này.")),
        MeetingRight.LEAD: Forbidden(
            "not_chair", _l("Chỉ chủ tọa hoặc thư ký được chuyển mục chương trình.")
        ),
        MeetingRight.TAKE_MINUTES: Forbidden(
            "not_secretary", _l("Chỉ thư ký cuộc họp được sửa biên bản.")
        ),
    }


@dataclass(frozen=True)
class MeetingStanding(Standing):
    """A caller, a meeting and the caller's participant row (or None)."""

    meeting: Meeting
    user: User
    participant: Participant | None

    @property
    def is_chair(self) -> bool:
        return self.user.id == self.meeting.chair_id

    @property
    def is_secretary(self) -> bool:
        return self.user.id == self.meeting.secretary_id

    @property
    def attendee(self) -> Participant:
        """The caller's participant row; only after ``require(PARTICIPATE)``."""
        if self.participant is None:
            raise self.refusal(MeetingRight.PARTICIPATE)
        return self.participant

    def has(self, right: enum.Enum) -> bool:
        meeting, user = self.meeting, self.user
        organiser = user.id in (meeting.chair_id, meeting.secretary_id, meeting.created_by_id)
        if right is MeetingRight.VIEW:
            return _may_view(meeting, user, self.participant)
        if right is MeetingRight.MANAGE:
            return organiser and _may_view(meeting, user, self.participant)
        if right is MeetingRight.PARTICIPATE:
            return self.participant is not None
        if right is MeetingRight.LEAD:
            return self.is_chair or self.is_secretary
        if right is MeetingRight.TAKE_MINUTES:
            return self.is_secretary
        return right is MeetingRight.CHAIR and self.is_chair

    def refusal(self, right: enum.Enum) -> NotFound | Forbidden:
        if right is MeetingRight.VIEW or not _may_view(self.meeting, self.user, self.participant):
            return meeting_not_found()
        return _refusals()[MeetingRight(right.value)]


def _may_view(meeting: Meeting, user: User, participant: Participant | None) -> bool:
    """Participants and the creator always; for a non-confidential meeting also its
    organisation's members and the city administrators."""
    if participant is not None or meeting.created_by_id == user.id:
        return True
    if meeting.confidential:
        return False
    return user.is_admin or bool(user.roles_in(meeting.organization_id))


def get_meeting(meeting_id: int, light: bool = False) -> Meeting:
    """The meeting, for a page (with its organisation, chair and secretary) or, ``light``,
    for a socket event (its own columns, with a prepared query)."""
    if light:
        meeting = db.session.scalar(_light_meeting(), {"meeting_id": meeting_id})
    else:
        meeting = db.session.get(Meeting, meeting_id)
    if meeting is None:
        raise meeting_not_found()
    return meeting


@prepared
def _light_meeting() -> Select[Meeting]:
    return select(Meeting).where(Meeting.id == bindparam("meeting_id")).options(*LIGHT)


@prepared
def _participant() -> Select[Participant]:
    # The caller already holds the user: do not join it in again (with its memberships).
    return select(Participant).options(lazyload(Participant.user)).where(
        Participant.meeting_id == bindparam("meeting_id"),
        Participant.user_id == bindparam("user_id"),
    )


def participant_of(meeting: Meeting, user: User) -> Participant | None:
    return db.session.scalar(_participant(), {"meeting_id": meeting.id, "user_id": user.id})


def standing_in(meeting: Meeting, user: User) -> MeetingStanding:
    """The caller's standing in a meeting already loaded."""
    return MeetingStanding(meeting, user, participant_of(meeting, user))


def standing(
    meeting_id: int, user: User, *rights: MeetingRight, light: bool = False
) -> MeetingStanding:
    """Load the meeting and the caller's standing once, and require ``rights`` (VIEW at
    least: a meeting the caller may not see is a 404)."""
    meeting = get_meeting(meeting_id, light)
    found = standing_in(meeting, user)
    found.require(MeetingRight.VIEW, *rights)
    return found


def can_organise_in(user: User, org: Organization) -> bool:
    """Who may schedule a meeting for an organisation."""
    return user.is_admin or bool(user.roles_in(org.id) & ORGANISER_ROLES)


def meetings_for(user: User, include_ended: bool = True) -> list[Meeting]:
    """Meetings the user takes part in or may see, soonest first (one query)."""
    org_ids = [m.organization_id for m in user.memberships]
    query = (
        select(Meeting)
        .outerjoin(Participant, Participant.meeting_id == Meeting.id)
        .where(
            or_(
                Participant.user_id == user.id,
                Meeting.created_by_id == user.id,
                (Meeting.confidential.is_(False)) & Meeting.organization_id.in_(org_ids),
            )
        )
        .distinct()
        .order_by(Meeting.starts_at)
    )
    if not include_ended:
        query = query.where(Meeting.status != MeetingStatus.ENDED)
    return list(db.session.scalars(query).unique())


def joined_meeting_ids(user: User, meeting_ids: Iterable[int]) -> set[int]:
    """Which of these meetings the user takes part in (one query for a whole list)."""
    ids = list(meeting_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            select(Participant.meeting_id).where(
                Participant.user_id == user.id, Participant.meeting_id.in_(ids)
            )
        )
    )


def visible_meetings(user: User, meeting_ids: Iterable[int]) -> dict[int, Meeting]:
    """The meetings among these that the user may see, by id (two queries for a list)."""
    ids = set(meeting_ids)
    if not ids:
        return {}
    meetings = db.session.scalars(select(Meeting).where(Meeting.id.in_(ids))).unique()
    joined = joined_meeting_ids(user, ids)
    return {m.id: m for m in meetings if m.id in joined or _may_view(m, user, None)}
