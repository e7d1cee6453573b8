"""What the page that creates a conference offers: the organisations the caller may host
from, the organisations that may be invited as sites, and the host's meetings that a
conference may carry. Read-only; nothing here changes the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Integer, String, bindparam, select, text

from conference.access import LEAD_ROLES
from core.db import UTCDateTime
from core.extensions import db
from core.models import Organization, OrgKind, User

LOCAL_KINDS = (OrgKind.WARD.value, OrgKind.COMMUNE.value)  # phường, xã
MAX_MEETINGS = 100


@dataclass(frozen=True)
class MeetingChoice:
    """A meeting of a host organisation, as the form lists it."""

    id: int
    title: str
    organization_id: int
    starts_at: datetime | None


def _all_organizations() -> list[Organization]:
    return list(db.session.scalars(select(Organization).order_by(Organization.id)))


def host_choices(user: User) -> list[Organization]:
    """The organisations the user leads (chair, secretary, clerk); all of them for an
    administrator. Empty: the user may not create a conference."""
    organizations = _all_organizations()
    if user.is_admin:
        return organizations
    return [org for org in organizations if user.roles_in(org.id) & LEAD_ROLES]


def site_choices() -> tuple[list[Organization], list[Organization]]:
    """Invitable organisations: (wards and communes, the others), each by name."""
    organizations = sorted(_all_organizations(), key=lambda org: org.name)
    local = [org for org in organizations if org.kind in LOCAL_KINDS]
    others = [org for org in organizations if org.kind not in LOCAL_KINDS]
    return local, others


def meeting_choices(hosts: list[Organization]) -> list[MeetingChoice]:
    """The meetings of these organisations that have not ended, soonest first. The
    meeting table belongs to meetings: it is read by name only (meetings uses
    conference, not the reverse)."""
    if not hosts:
        return []
    query = (
        text(
            "SELECT id, title, organization_id, starts_at FROM meeting "
            "WHERE organization_id IN :orgs AND status != 'ended' "
            "ORDER BY starts_at, id LIMIT :limit"
        )
        .bindparams(bindparam("orgs", expanding=True))
        .columns(id=Integer, title=String, organization_id=Integer, starts_at=UTCDateTime)
    )
    rows = db.session.execute(query, {"orgs": [org.id for org in hosts], "limit": MAX_MEETINGS})
    return [MeetingChoice(row.id, row.title, row.organization_id, row.starts_at) for row in rows]
