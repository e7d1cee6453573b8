"""Invitations (giấy mời họp): who may be invited, and a participant's answer to it.

Only officials are invited: people of the city, its wards and its offices, not students
or school staff. Before the meeting a participant accepts, or declines with a reason
(xin vắng); the chair and the secretary see the answers on the meeting's page.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import Membership, Organization, OrgKind, User
from meetings.access import MeetingStanding
from meetings.models import InvitationReply, Meeting, MeetingStatus, Participant

NOT_OFFICIAL_ROLES = {"student", "teacher", "school_admin", "parent"}


def is_official(user: User) -> bool:
    """A member of a non-school organisation in an official role."""
    return any(
        m.organization.kind != OrgKind.SCHOOL and m.role not in NOT_OFFICIAL_ROLES
        for m in user.memberships
    )


def _official_users() -> Select[User]:
    """Users holding an official role in a non-school organisation (as ``is_official``)."""
    return (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(Organization.kind != OrgKind.SCHOOL, Membership.role.not_in(NOT_OFFICIAL_ROLES))
    )


def officials() -> list[User]:
    """Active officials for the participant picker, by name (one query)."""
    query = _official_users().where(User.active.is_(True)).order_by(User.full_name)
    return list(db.session.scalars(query).unique())


def officials_of(organization_id: int) -> list[User]:
    """The officials among an organisation's members (one query, whatever its size)."""
    members = select(Membership.user_id).where(Membership.organization_id == organization_id)
    query = _official_users().where(User.id.in_(members)).order_by(User.id)
    return list(db.session.scalars(query).unique())


def invitable_organizations() -> list[Organization]:
    """Organisations whose staff can be invited as a whole (not schools)."""
    query = select(Organization).where(Organization.kind != OrgKind.SCHOOL)
    return list(db.session.scalars(query.order_by(Organization.id)))


def require_official(user: User, field: str = "participants") -> User:
    if not is_official(user):
        raise DomainError(
            "not_an_official",
            _l(
                "%(name)s không phải cán bộ của cơ quan, không thể mời họp.", name=user.display_name
            ),
            422,
            field=field,
        )
    return user


def require_invitable(org: Organization) -> Organization:
    if org.kind == OrgKind.SCHOOL:
        raise DomainError(
            "not_invitable",
            _l("Không thể mời toàn bộ %(org)s: chỉ mời cán bộ cơ quan.", org=org.name),
            422,
            field="participant_organizations",
        )
    return org


def answer_invitation(attendee: MeetingStanding, answer: str, reason: str | None) -> Participant:
    """Accept, or decline with a reason; a later answer replaces an earlier one until the
    meeting starts."""
    participant = attendee.attendee
    if attendee.meeting.status != MeetingStatus.SCHEDULED:
        raise Conflict(
            "meeting_started",
            _l("Cuộc họp đã bắt đầu hoặc đã kết thúc, không thể trả lời giấy mời."),
        )
    reason = (reason or "").strip()
    if answer == "decline" and not reason:
        raise DomainError("missing_reason", _l("Cần ghi lý do xin vắng."), 422, field="reason")
    participant.reply = InvitationReply.ACCEPTED if answer == "accept" else InvitationReply.DECLINED
    participant.reply_reason = reason if answer == "decline" else None
    participant.replied_at = utcnow()
    db.session.flush()
    return participant


def reply_dict(participant: Participant) -> dict[str, str | None]:
    return {
        "reply": participant.reply,
        "reason": participant.reply_reason,
        "replied_at": participant.replied_at.isoformat() if participant.replied_at else None,
    }


def mine(user: User, meetings: list[Meeting]) -> dict[int, Participant]:
    """The user's participant row in each of these meetings (one query)."""
    ids = [m.id for m in meetings]
    rows = db.session.scalars(
        select(Participant).where(Participant.user_id == user.id, Participant.meeting_id.in_(ids))
    )
    return {row.meeting_id: row for row in rows}
