"""Class conferences (lớp học trực tuyến): one teacher's camera to many students.

The participants are people, not organisations: each invited person is a site of their
own (code ``u<user id>``), the teacher is the host, and a student is heard and seen by
everyone only while holding the floor. The feature that runs the lesson (classroom)
creates and ends the conference through these functions; signaling, the join token and
the engine treat the people's sites like any other site. Plain functions: they flush,
the caller commits.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from conference.access import ConferenceStanding
from conference.models import Conference, ConferenceKind, ConferenceSite, ConferenceStatus
from core.errors import Conflict, Forbidden
from core.extensions import db
from core.models import User


def conference_of_lesson(lesson_id: int) -> Conference | None:
    return db.session.scalar(select(Conference).where(Conference.lesson_id == lesson_id))


def open_class_conference(
    lesson_id: int, title: str, teacher: User, people: Iterable[User]
) -> Conference:
    """Open (or reopen) the lesson's class conference with ``teacher`` as the host and
    every one of ``people`` invited; a reopened one keeps its sites and has no floor."""
    conference = conference_of_lesson(lesson_id)
    if conference is None:
        conference = Conference(
            title=title, kind=ConferenceKind.CLASS, lesson_id=lesson_id, created_by_id=teacher.id
        )
        db.session.add(conference)
    conference.status = ConferenceStatus.OPEN
    for site in conference.sites:
        site.is_host, site.has_floor = False, False
    invite(conference, teacher).is_host = True
    for person in people:
        invite(conference, person)
    db.session.flush()
    return conference


def invite(conference: Conference, person: User) -> ConferenceSite:
    """The person's site in the conference, added when missing."""
    site = next((s for s in conference.sites if s.user_id == person.id), None)
    if site is None:
        site = ConferenceSite(user=person, position=len(conference.sites))
        conference.sites.append(site)
    return site


def end_conference(conference: Conference) -> None:
    """Nobody joins an ended conference; the floor goes back to the host."""
    conference.status = ConferenceStatus.ENDED
    for site in conference.sites:
        site.has_floor = False
    db.session.flush()


def require_open(conference: Conference) -> None:
    if conference.status == ConferenceStatus.ENDED:
        raise Conflict("conference_ended", _l("Buổi truyền hình này đã kết thúc."))


def require_may_publish(found: ConferenceStanding) -> None:
    """In a class only the teacher and the student on the floor send their camera and
    microphone (forty students' cameras would swamp the weak links and the server)."""
    conference, site = found.conference, found.joined
    if conference.kind == ConferenceKind.CLASS and not (site.is_host or site.has_floor):
        raise Forbidden(
            "not_on_floor",
            _l("Học sinh chỉ bật camera và micro khi được giáo viên mời phát biểu."),
        )
