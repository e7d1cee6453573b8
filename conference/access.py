"""Who may do what in a conference — loaded once per call (see ``core.access``).

A person takes part *as a site* (điểm cầu): a member of an invited organisation joins as
that organisation's site. The host site's chair, secretary, clerk (and any administrator,
and the creator) lead the conference: give and take the floor, mute all, roll call.
In a class the sites are people: each invited person is a site of their own, and the
host (the teacher) leads.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from conference.models import Conference, ConferenceSite
from core.access import Standing
from core.errors import Forbidden, NotFound
from core.extensions import db
from core.models import User

LEAD_ROLES = {"admin", "chair", "secretary", "clerk"}


class ConferenceRight(enum.Enum):
    JOIN = "join"  # take part as one of the invited sites
    CHAIR = "chair"  # điểm cầu chủ trì: floor, mute all, roll call


def conference_not_found() -> NotFound:
    """Missing and not-invited look the same."""
    return NotFound("conference_not_found", _l("Không tìm thấy hội nghị truyền hình."))


def _refusals() -> dict[ConferenceRight, Forbidden]:
    return {
        ConferenceRight.JOIN: Forbidden(
            "not_invited", _l("Đơn vị của bạn không phải là điểm cầu của hội nghị này.")
        ),
        ConferenceRight.CHAIR: Forbidden(
            "not_host", _l("Chỉ điểm cầu chủ trì được thực hiện thao tác này.")
        ),
    }


@dataclass(frozen=True)
class ConferenceStanding(Standing):
    """A caller, a conference and the site the caller takes part as (or None)."""

    conference: Conference
    user: User
    site: ConferenceSite | None

    @property
    def is_host(self) -> bool:
        return self.site is not None and self.site.is_host

    def has(self, right: enum.Enum) -> bool:
        if right is ConferenceRight.JOIN:
            return self.site is not None
        host = self.conference.host
        if host.organization_id is None:  # a person hosts (the teacher of a class)
            leads = host.user_id == self.user.id
        else:
            leads = bool(self.user.roles_in(host.organization_id) & LEAD_ROLES)
        creator = self.conference.created_by_id == self.user.id
        return self.is_host and (leads or creator or self.user.is_admin)

    def refusal(self, right: enum.Enum) -> NotFound | Forbidden:
        return _refusals()[ConferenceRight(right.value)]

    @property
    def joined(self) -> ConferenceSite:
        if self.site is None:
            raise self.refusal(ConferenceRight.JOIN)
        return self.site


def site_of(conference: Conference, user: User, code: str | None = None) -> ConferenceSite | None:
    """The site the user takes part as: the one named, else the host site if the user
    belongs to it, else the first invited site of the user's organisations. A person
    invited in their own name takes part as that site."""
    org_ids = {org.id for org in user.organizations}
    mine = [
        site
        for site in conference.sites
        if site.user_id == user.id
        or (site.organization_id is not None and site.organization_id in org_ids)
    ]
    if code is not None:
        return next((site for site in mine if site.code == code), None)
    return mine[0] if mine else None  # sites are ordered host first


def get_conference(conference_id: int) -> Conference:
    conference = db.session.get(Conference, conference_id)
    if conference is None:
        raise conference_not_found()
    return conference


def standing(
    conference_id: int, user: User, *rights: ConferenceRight, site: str | None = None
) -> ConferenceStanding:
    """Load the conference and the caller's site once; refuse without every right."""
    conference = get_conference(conference_id)
    found = ConferenceStanding(conference, user, site_of(conference, user, site))
    return found.require(*rights)
