"""Video in the live lesson (video lớp học): the teacher's camera to the whole class, a
student seen and heard by everyone while called on.

The media is a *class* conference of the conference feature, bound to the lesson and
created here through its public functions: the teacher hosts it, every member of the
class's roster with an account is invited in their own name. The lesson works without
it: a student on a weak link switches video off and keeps the slides, the board and the
polls. Plain functions: they flush, the caller commits.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from classroom.access import LessonStanding
from classroom.models import Lesson, LessonStatus
from conference import people
from conference.access import ConferenceRight
from conference.access import standing as conference_standing
from conference.models import Conference, ConferenceStatus
from conference.services import join_token
from conference.shapes import conference_dict
from core.errors import Conflict


def video_payload(conference: Conference | None) -> dict[str, Any]:
    """What the lesson's room is told when the video starts or stops."""
    active = conference is not None and conference.status == ConferenceStatus.OPEN
    return {"active": active, "conference_id": conference.id if conference and active else None}


def start_video(teacher: LessonStanding) -> Conference:
    """The teacher turns the class video on (again): they host it; the roster is invited."""
    lesson = teacher.the_lesson
    if lesson.status == LessonStatus.ENDED:
        raise Conflict("lesson_ended", _l("Tiết học đã kết thúc."))
    roster = [m.user for m in lesson.school_class.members if m.user is not None]
    others = [person for person in roster if person.id != teacher.user.id]
    return people.open_class_conference(lesson.id, lesson.title, teacher.user, others)


def stop_video(teacher: LessonStanding) -> Conference:
    conference = _open_conference(teacher.the_lesson)
    if conference is None:
        raise Conflict("video_not_started", _l("Video của tiết học chưa được bật."))
    people.end_conference(conference)
    return conference


def end_with_lesson(lesson: Lesson) -> Conference | None:
    """The lesson ended: its video ends too (None when there was none)."""
    conference = _open_conference(lesson)
    if conference is not None:
        people.end_conference(conference)
    return conference


def video_pass(found: LessonStanding) -> dict[str, Any]:
    """For one device of a member of the lesson: whether the video is on and, when it is,
    the conference and a join token binding the device to the caller's own site (a
    member added to the roster after the video started is invited now)."""
    conference = _open_conference(found.the_lesson)
    if conference is None or found.the_lesson.status == LessonStatus.ENDED:
        return {"active": False, "conference_id": None}
    people.invite(conference, found.user)
    joined = conference_standing(conference.id, found.user, ConferenceRight.JOIN)
    return {
        "active": True,
        "conference_id": conference.id,
        "token": join_token(joined),
        "site": joined.joined.code,
        "chair": joined.has(ConferenceRight.CHAIR),
        "conference": conference_dict(conference),
    }


def _open_conference(lesson: Lesson) -> Conference | None:
    conference = people.conference_of_lesson(lesson.id)
    if conference is None or conference.status != ConferenceStatus.OPEN:
        return None
    return conference
