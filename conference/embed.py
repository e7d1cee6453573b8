"""The conference client inside another page (the meeting room, the live lesson): what
such a page needs to mount it for the signed-in user, who takes part as their
organisation's site (điểm cầu)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conference import services
from conference.access import ConferenceRight, standing
from conference.models import Conference, ConferenceSite, ConferenceStatus
from conference.shapes import conference_dict
from core.models import User


@dataclass(frozen=True)
class Client:
    """One browser's seat in a conference: the shape, its site, a join token and
    whether it leads (the host's chair controls)."""

    conference: Conference
    site: ConferenceSite
    shape: dict[str, Any]
    token: str
    chair: bool

    @property
    def url(self) -> str:
        return str(self.shape["url"])


def client_for(conference: Conference, user: User) -> Client | None:
    """The client of ``user`` in ``conference``; None when the conference has ended or
    none of the user's organisations is one of its sites."""
    if conference.status != ConferenceStatus.OPEN:
        return None
    found = standing(conference.id, user)
    if found.site is None:
        return None
    return Client(
        conference=conference,
        site=found.site,
        shape=conference_dict(conference),
        token=services.join_token(found),
        chair=found.has(ConferenceRight.CHAIR),
    )


def meeting_client(meeting_id: int, user: User) -> Client | None:
    """The client for the open conference that carries this meeting, if the user's
    organisation is one of its sites."""
    conference = services.meeting_conference(meeting_id)
    return client_for(conference, user) if conference is not None else None
