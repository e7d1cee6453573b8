"""A meeting carried by a video conference (hội nghị truyền hình): opening one for the
meeting, and the conference client of its live room. Meetings uses conference through
its public functions; conference knows a meeting only by its id."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from conference import embed
from conference import services as conferences
from conference.models import Conference
from conference.schemas import ConferenceIn
from core.extensions import db
from core.models import Membership, Organization, User
from meetings.access import MeetingStanding
from meetings.models import Meeting


def site_codes(meeting: Meeting) -> list[str]:
    """The default sites: the organisations of the meeting's participants (one query),
    the meeting's own organisation (the host) left out."""
    user_ids = [participant.user_id for participant in meeting.participants]
    if not user_ids:
        return []
    codes = db.session.scalars(
        select(Organization.code)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id.in_(user_ids), Organization.id != meeting.organization_id)
        .group_by(Organization.id, Organization.code)
        .order_by(Organization.id)
    )
    return list(codes)


def conference_body(meeting: Meeting, sites: list[str] | None = None) -> ConferenceIn:
    """The conference that carries ``meeting``: hosted by its organisation."""
    return ConferenceIn(
        title=meeting.title,
        host=meeting.organization.code,
        sites=site_codes(meeting) if sites is None else sites,
        meeting_id=meeting.id,
    )


def open_conference(organiser: MeetingStanding, user: User) -> Conference:
    """The meeting's open conference, created for its participants' organisations
    when there is none yet (the user must lead the meeting's organisation)."""
    found = conferences.meeting_conference(organiser.meeting.id)
    if found is not None:
        return found
    return conferences.create_conference(user, conference_body(organiser.meeting))


def existing(meeting: Meeting) -> Conference | None:
    return conferences.meeting_conference(meeting.id)


def choose_sites_url(meeting: Meeting) -> str:
    """The conference form, filled in for this meeting (to choose other sites)."""
    body = conference_body(meeting)
    return url_for(
        "conference.new_conference",
        title=body.title,
        host=body.host,
        sites=body.sites,
        meeting_id=meeting.id,
    )


def room_client(meeting: Meeting, user: User) -> embed.Client | None:
    """The conference panel of the live room: only when the meeting has an open
    conference and one of the user's organisations is among its sites."""
    return embed.meeting_client(meeting.id, user)
