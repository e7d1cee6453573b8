"""After the meeting: conclusions (kết luận), follow-up tasks, the record and search."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import audit
from core.db import utcnow
from core.errors import Conflict, Forbidden, NotFound, unknown_organization
from core.extensions import db
from core.models import Organization, User
from core.security import org_by_code
from core.text import fold
from meetings.access import MeetingStanding, meetings_for
from meetings.models import (
    AgendaItem,
    Conclusion,
    Document,
    FollowUpTask,
    Meeting,
    Participant,
    SpeakerRequest,
    TaskStatus,
    Vote,
)
from meetings.schemas import ConclusionIn, TaskIn
from meetings.services import get_agenda_item
from meetings.shapes import iso, participant_dict, task_dict, user_ref, vote_record


def add_conclusion(organiser: MeetingStanding, data: ConclusionIn) -> Conclusion:
    """The chair or secretary records a conclusion with its follow-up tasks."""
    meeting = organiser.meeting
    item = get_agenda_item(meeting, data.agenda_item_id) if data.agenda_item_id else None
    conclusion = Conclusion(
        meeting_id=meeting.id,
        agenda_item_id=item.id if item else None,
        text=data.text,
        created_by_id=organiser.user.id,
    )
    for task in data.tasks:
        conclusion.tasks.append(_task(task))
    db.session.add(conclusion)
    db.session.flush()
    audit.record(
        "meeting.conclusion",
        organiser.user.id,
        "meeting",
        meeting.id,
        {"conclusion": conclusion.id},
    )
    return conclusion


def _task(data: TaskIn) -> FollowUpTask:
    org = org_by_code(data.organization)
    if org is None:
        raise unknown_organization(data.organization)
    return FollowUpTask(
        organization_id=org.id, description=data.description, deadline=data.deadline
    )


def conclusions_of(meeting: Meeting) -> list[Conclusion]:
    return list(
        db.session.scalars(
            select(Conclusion).where(Conclusion.meeting_id == meeting.id).order_by(Conclusion.id)
        )
    )


def tasks_for_organization(org: Organization, include_done: bool = False) -> list[FollowUpTask]:
    query = select(FollowUpTask).where(FollowUpTask.organization_id == org.id)
    if not include_done:
        query = query.where(FollowUpTask.status == TaskStatus.OPEN)
    return list(db.session.scalars(query.order_by(FollowUpTask.deadline)))


def open_tasks_for(user: User) -> list[FollowUpTask]:
    org_ids = [m.organization_id for m in user.memberships]
    return list(
        db.session.scalars(
            select(FollowUpTask)
            .where(
                FollowUpTask.organization_id.in_(org_ids),
                FollowUpTask.status == TaskStatus.OPEN,
            )
            .order_by(FollowUpTask.deadline)
        )
    )


def complete_task(task_id: int, user: User) -> FollowUpTask:
    """A member of the assigned organisation marks the task done."""
    task = db.session.get(FollowUpTask, task_id)
    if task is None:
        raise NotFound("task_not_found", _l("Không tìm thấy nhiệm vụ."))
    if not user.roles_in(task.organization_id) and not user.is_admin:
        raise Forbidden("not_assignee", _l("Nhiệm vụ này được giao cho tổ chức khác."))
    if task.status == TaskStatus.DONE:
        raise Conflict("task_already_done", _l("Nhiệm vụ đã được đánh dấu hoàn thành."))
    task.status, task.done_at, task.done_by_id = TaskStatus.DONE, utcnow(), user.id
    db.session.flush()
    return task


def meeting_record(meeting: Meeting) -> dict[str, Any]:
    """Everything that happened: attendance, agenda, speakers, votes, conclusions, tasks."""
    items = {a.id: a.title for a in meeting.agenda}
    speeches = db.session.scalars(
        select(SpeakerRequest)
        .where(SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.granted_at.is_not(None))
        .order_by(SpeakerRequest.granted_at)
    )
    votes = db.session.scalars(select(Vote).where(Vote.meeting_id == meeting.id).order_by(Vote.id))
    return {
        "attendance": [participant_dict(p) for p in meeting.participants],
        "guests": [
            {"name": g.name, "affiliation": g.affiliation, "present": g.checked_in_at is not None}
            for g in meeting.guests
        ],
        "agenda": [{"id": a.id, "title": a.title} for a in meeting.agenda],
        "speakers": [
            {
                **user_ref(s.user),
                "agenda_item": items.get(s.agenda_item_id or 0),
                "agenda_item_id": s.agenda_item_id,
                "granted_at": iso(s.granted_at),
                "finished_at": iso(s.finished_at),
            }
            for s in speeches
        ],
        "votes": [vote_record(v, items) for v in votes],
        "conclusions": [
            {
                "id": c.id,
                "agenda_item": items.get(c.agenda_item_id or 0),
                "agenda_item_id": c.agenda_item_id,
                "text": c.text,
                "tasks": [task_dict(t) for t in c.tasks],
            }
            for c in conclusions_of(meeting)
        ],
    }


def search_meetings(user: User, text: str) -> list[Meeting]:
    """Meetings the user may see whose title, agenda, documents, participants, conclusions
    or minutes mention the text, with or without diacritics ("song huong" finds "sông
    Hương"), the same on every database. The list is already only what the user may see."""
    needle = fold(text or "")
    visible = meetings_for(user)
    if not needle:
        return visible
    texts = _searchable_texts([m.id for m in visible])
    return [
        m
        for m in visible
        if any(needle in fold(part) for part in (m.title, m.minutes_text or "", *texts[m.id]))
    ]


def _searchable_texts(meeting_ids: list[int]) -> dict[int, list[str]]:
    """Agenda titles, document titles, participants' names and conclusions, by meeting
    (four queries for the whole list)."""
    texts: dict[int, list[str]] = {meeting_id: [] for meeting_id in meeting_ids}
    queries = (
        select(AgendaItem.meeting_id, AgendaItem.title).where(
            AgendaItem.meeting_id.in_(meeting_ids)
        ),
        select(Document.meeting_id, Document.title).where(Document.meeting_id.in_(meeting_ids)),
        select(Participant.meeting_id, User.full_name)
        .join(User, User.id == Participant.user_id)
        .where(Participant.meeting_id.in_(meeting_ids)),
        select(Conclusion.meeting_id, Conclusion.text).where(
            Conclusion.meeting_id.in_(meeting_ids)
        ),
    )
    for query in queries:
        for meeting_id, value in db.session.execute(query):
            texts[meeting_id].append(value or "")
    return texts
