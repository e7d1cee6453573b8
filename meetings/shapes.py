"""The outward shapes of meetings: every JSON object the API and the room send is built
here, once (a participant looks the same in the meeting, the record and the room)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import url_for

from core.models import User
from meetings.models import (
    AgendaItem,
    Document,
    DocumentComment,
    FollowUpTask,
    Guest,
    Meeting,
    Participant,
    PassBase,
    Vote,
    VoteStatus,
)
from meetings.quorum import passed, rule_text, share


def iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def user_ref(user: User) -> dict[str, Any]:
    return {"user": user.username, "name": user.display_name}


def participant_dict(participant: Participant, online: bool | None = None) -> dict[str, Any]:
    """A participant with their attendance; ``online`` when the room's presence is known."""
    return participant_row_dict(
        (
            participant.user.username,
            participant.user.display_name,
            participant.role,
            participant.attendance,
            participant.absence_reason,
            participant.checked_in_at,
        ),
        online,
    )


def participant_row_dict(row: Sequence[Any], online: bool | None = None) -> dict[str, Any]:
    """The same shape from a plain row (username, full name, role, attendance, absence
    reason, checked in at): the room builds its list in one query, without ORM objects."""
    username, name, role, attendance, reason, checked_in_at = row[:6]
    shape = {
        "user": username,
        "name": name or username,
        "role": role,
        "attendance": attendance,
        "absence_reason": reason,
        "checked_in_at": iso(checked_in_at),
    }
    if online is not None:
        shape["online"] = online
    return shape


def document_dict(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "pages": document.pages,
        "sha256": document.sha256,
        "size": document.size,
        "agenda_item_id": document.agenda_item_id,
        "url": url_for("api_meetings.document_file", document_id=document.id),
    }


def agenda_item_dict(item: AgendaItem) -> dict[str, Any]:
    return {
        "id": item.id,
        "position": item.position,
        "title": item.title,
        "presenter": item.presenter.username if item.presenter else None,
        "planned_minutes": item.planned_minutes,
    }


def meeting_dict(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "kind": meeting.kind,
        "organization": meeting.organization.code,
        "organization_name": meeting.organization.name,
        "starts_at": meeting.starts_at.isoformat(),
        "ends_at": meeting.ends_at.isoformat(),
        "location": meeting.location,
        "confidential": meeting.confidential,
        "status": meeting.status,
        "chair": meeting.chair.username,
        "secretary": meeting.secretary.username,
        "participants": [participant_dict(p) for p in meeting.participants],
        "agenda": [agenda_item_dict(a) for a in meeting.agenda],
        "documents": [document_dict(d) for d in meeting.documents],
        "current": {
            "document_id": meeting.live_document_id,
            "page": meeting.live_page,
            "agenda_item_id": meeting.current_agenda_item_id,
        },
        "room_url": url_for("meetings.live_room", meeting_id=meeting.id),
    }


def comment_dict(comment: DocumentComment) -> dict[str, Any]:
    return {
        "id": comment.id,
        **user_ref(comment.user),
        "page": comment.page,
        "text": comment.text,
        "created_at": comment.created_at.isoformat(),
    }


def guest_dict(guest: Guest) -> dict[str, Any]:
    return {
        "id": guest.id,
        "name": guest.name,
        "expires_at": guest.expires_at.isoformat(),
        "check_in_url": url_for(
            "meetings.guest_check_in",
            meeting_id=guest.meeting_id,
            token=guest.token,
            _external=True,
        ),
        "qr_url": url_for("meetings.guest_qr", meeting_id=guest.meeting_id, guest_id=guest.id),
    }


def task_dict(task: FollowUpTask) -> dict[str, Any]:
    return {
        "id": task.id,
        "organization": task.organization.code,
        "organization_name": task.organization.name,
        "description": task.description,
        "deadline": task.deadline.isoformat(),
        "status": task.status,
    }


def vote_result(vote: Vote) -> dict[str, Any]:
    """``vote_closed``: the counts, never who chose what."""
    return {
        "vote_id": vote.id,
        "question": vote.question,
        "secret": vote.secret,
        "yes": vote.yes_count,
        "no": vote.no_count,
        "abstain": vote.abstain_count,
        "eligible": vote.eligible,
        "members": vote.members,
        "pass_base": vote.pass_base or PassBase.MEMBERS,
        "pass_rule": rule_text(vote),
        "quorum_met": vote.quorum_met,
        "share_of_members": share(vote.yes_count, vote.members),
        "share_of_present": share(vote.yes_count, vote.eligible),
        "passed": passed(vote),
    }


def vote_record(vote: Vote, agenda_titles: dict[int, str]) -> dict[str, Any]:
    """A vote in the meeting's record."""
    return vote_result(vote) | {
        "status": vote.status,
        "closed": vote.status is VoteStatus.CLOSED,
        "agenda_item": agenda_titles.get(vote.agenda_item_id or 0),
        "agenda_item_id": vote.agenda_item_id,
    }
