"""After the meeting: conclusions (kết luận), follow-up tasks, the record and the minutes draft."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import audit
from core.db import utcnow
from core.errors import DomainError, Forbidden, NotFound
from core.extensions import db
from core.i18n import format_date, format_datetime
from core.models import Organization, User
from core.security import org_by_code
from meetings.models import (
    Attendance,
    Conclusion,
    FollowUpTask,
    Meeting,
    SpeakerRequest,
    Vote,
)
from meetings.room import vote_result
from meetings.services import (
    can_view,
    get_agenda_item,
    id_or_none,
    meetings_for,
    require_manage,
)

MAX_MINUTES_CHARS = 100_000


def _deadline(value: Any) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(
            "invalid_deadline", _l("Hạn xử lý không hợp lệ (YYYY-MM-DD)."), 422
        ) from None


def add_conclusion(meeting: Meeting, user: User, data: dict[str, Any]) -> Conclusion:
    """The chair or secretary records a conclusion with its follow-up tasks."""
    require_manage(meeting, user)
    text = str(data.get("text") or "").strip()
    if not text or len(text) > 10_000:
        raise DomainError("invalid_conclusion", _l("Kết luận phải có từ 1 đến 10000 ký tự."), 422)
    item_id = data.get("agenda_item_id")
    item = get_agenda_item(meeting, item_id) if item_id not in (None, "") else None
    tasks = data.get("tasks") or []
    if not isinstance(tasks, list):
        raise DomainError("invalid_tasks", _l("Danh sách nhiệm vụ không hợp lệ."), 422)
    conclusion = Conclusion(
        meeting_id=meeting.id,
        agenda_item_id=item.id if item else None,
        text=text,
        created_by_id=user.id,
    )
    for task in tasks:
        conclusion.tasks.append(_task(task))
    db.session.add(conclusion)
    db.session.flush()
    audit.record(
        "meeting.conclusion", user.id, "meeting", meeting.id, {"conclusion": conclusion.id}
    )
    return conclusion


def _task(data: Any) -> FollowUpTask:
    if not isinstance(data, dict):
        raise DomainError("invalid_tasks", _l("Danh sách nhiệm vụ không hợp lệ."), 422)
    org = org_by_code(str(data.get("organization") or ""))
    if org is None:
        raise DomainError(
            "unknown_organization",
            _l("Không có tổ chức mã %(code)s.", code=data.get("organization")),
            422,
        )
    description = str(data.get("description") or "").strip()
    if not description:
        raise DomainError(
            "missing_field", _l("Thiếu trường bắt buộc: %(field)s.", field="description"), 422
        )
    return FollowUpTask(
        organization_id=org.id,
        description=description[:5000],
        deadline=_deadline(data.get("deadline")),
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
        query = query.where(FollowUpTask.status == "open")
    return list(db.session.scalars(query.order_by(FollowUpTask.deadline)))


def open_tasks_for(user: User) -> list[FollowUpTask]:
    org_ids = [m.organization_id for m in user.memberships]
    return list(
        db.session.scalars(
            select(FollowUpTask)
            .where(FollowUpTask.organization_id.in_(org_ids), FollowUpTask.status == "open")
            .order_by(FollowUpTask.deadline)
        )
    )


def complete_task(task_id: Any, user: User) -> FollowUpTask:
    """A member of the assigned organisation marks the task done."""
    number = id_or_none(task_id)
    task = db.session.get(FollowUpTask, number) if number is not None else None
    if task is None:
        raise NotFound("task_not_found", _l("Không tìm thấy nhiệm vụ."))
    if not user.roles_in(task.organization_id) and not user.is_admin:
        raise Forbidden("not_assignee", _l("Nhiệm vụ này được giao cho tổ chức khác."))
    if task.status == "done":
        raise DomainError("task_already_done", _l("Nhiệm vụ đã được đánh dấu hoàn thành."), 409)
    task.status, task.done_at, task.done_by_id = "done", utcnow(), user.id
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
        "attendance": [
            {
                "user": p.user.username,
                "name": p.user.display_name,
                "role": p.role,
                "attendance": p.attendance,
                "absence_reason": p.absence_reason,
                "checked_in_at": p.checked_in_at.isoformat() if p.checked_in_at else None,
            }
            for p in meeting.participants
        ],
        "guests": [
            {"name": g.name, "affiliation": g.affiliation, "present": g.checked_in_at is not None}
            for g in meeting.guests
        ],
        "agenda": [{"id": a.id, "title": a.title} for a in meeting.agenda],
        "speakers": [
            {
                "user": s.user.username,
                "name": s.user.display_name,
                "agenda_item": items.get(s.agenda_item_id),
                "agenda_item_id": s.agenda_item_id,
                "granted_at": s.granted_at.isoformat(),
                "finished_at": s.finished_at.isoformat() if s.finished_at else None,
            }
            for s in speeches
        ],
        "votes": [
            vote_result(v)
            | {
                "status": v.status,
                "agenda_item": items.get(v.agenda_item_id),
                "agenda_item_id": v.agenda_item_id,
            }
            for v in votes
        ],
        "conclusions": [
            {
                "id": c.id,
                "agenda_item": items.get(c.agenda_item_id),
                "agenda_item_id": c.agenda_item_id,
                "text": c.text,
                "tasks": [task_dict(t) for t in c.tasks],
            }
            for c in conclusions_of(meeting)
        ],
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


def draft_minutes(meeting: Meeting) -> str:
    """The minutes (biên bản) pre-filled from the record, for the secretary to edit."""
    record = meeting_record(meeting)
    present = [a for a in record["attendance"] if a["attendance"] == Attendance.PRESENT.value]
    absent = [a for a in record["attendance"] if a["attendance"] != Attendance.PRESENT.value]
    lines = [
        f"BIÊN BẢN {meeting.title.upper()}",
        "",
        f"Thời gian: {format_datetime(meeting.started_at or meeting.starts_at)}",
        f"Địa điểm: {meeting.location}",
        f"Chủ tọa: {meeting.chair.display_name}. Thư ký: {meeting.secretary.display_name}.",
        f"Có mặt: {len(present)}/{len(record['attendance'])}"
        + (": " + ", ".join(a["name"] for a in present) if present else "."),
    ]
    if absent:
        lines.append(
            "Vắng mặt: "
            + "; ".join(
                f"{a['name']}" + (f" ({a['absence_reason']})" if a["absence_reason"] else "")
                for a in absent
            )
        )
    guests = [g["name"] for g in record["guests"] if g["present"]]
    if guests:
        lines.append("Khách mời: " + ", ".join(guests))
    lines += ["", "NỘI DUNG"]
    for index, item in enumerate(record["agenda"], start=1):
        lines.append(f"{index}. {item['title']}")
        lines += _item_lines(record, lambda entry, i=item["id"]: entry["agenda_item_id"] == i)
    # what was not tied to an item of the agenda (or to one since removed) is kept too
    agenda_ids = {item["id"] for item in record["agenda"]}
    general = _item_lines(record, lambda entry: entry["agenda_item_id"] not in agenda_ids)
    if general:
        lines += [f"{len(record['agenda']) + 1}. Nội dung chung", *general]
    return "\n".join(lines)


def _item_lines(record: dict[str, Any], belongs: Callable[[dict[str, Any]], bool]) -> list[str]:
    """The speeches, votes and conclusions (with tasks) that ``belongs`` picks."""
    lines = [f"   - Phát biểu: {s['name']}" for s in record["speakers"] if belongs(s)]
    lines += [_vote_line(v) for v in record["votes"] if belongs(v)]
    for conclusion in filter(belongs, record["conclusions"]):
        lines.append(f"   Kết luận: {conclusion['text']}")
        for task in conclusion["tasks"]:
            lines.append(
                f"     + {task['organization_name']}: {task['description']}"
                f" (hạn {format_date(date.fromisoformat(task['deadline']))})"
            )
    return lines


def _vote_line(vote: dict[str, Any]) -> str:
    kind = "bỏ phiếu kín" if vote["secret"] else "biểu quyết công khai"
    if vote["status"] != "closed":
        return f"   - Biểu quyết ({kind}): {vote['question']} — chưa kết thúc"
    return (
        f"   - Biểu quyết ({kind}): {vote['question']} — đồng ý {vote['yes']}, "
        f"không đồng ý {vote['no']}, không biểu quyết {vote['abstain']} / {vote['eligible']} có mặt"
    )


def minutes_text(meeting: Meeting) -> str:
    return meeting.minutes_text or draft_minutes(meeting)


def save_minutes(meeting: Meeting, user: User, text: Any) -> Meeting:
    """The secretary edits the minutes draft."""
    if user.id != meeting.secretary_id:
        raise Forbidden("not_secretary", _l("Chỉ thư ký cuộc họp được sửa biên bản."))
    text = str(text or "")
    if not text.strip() or len(text) > MAX_MINUTES_CHARS:
        raise DomainError("invalid_minutes", _l("Biên bản không được để trống hoặc quá dài."), 422)
    meeting.minutes_text, meeting.minutes_updated_at = text, utcnow()
    db.session.flush()
    return meeting


def search_meetings(user: User, text: str) -> list[Meeting]:
    """Meetings the user may see whose title, conclusions or minutes mention the text."""
    text = (text or "").strip().lower()
    visible = [m for m in meetings_for(user) if can_view(m, user)]
    if not text:
        return visible
    hits = set(
        db.session.scalars(select(Conclusion.meeting_id).where(Conclusion.text.ilike(f"%{text}%")))
    )
    return [
        m
        for m in visible
        if text in m.title.lower()
        or m.id in hits
        or text in (m.minutes_text or "").lower()
        or any(text in a.title.lower() for a in m.agenda)
    ]


def _place_name(meeting: Meeting) -> str:
    """'UBND thành phố Huế' → 'Huế' (the city, for the date line)."""
    org = meeting.organization
    while org.parent is not None:
        org = org.parent
    name = org.name
    for prefix in ("UBND ", "thành phố ", "phường ", "xã "):
        name = name.removeprefix(prefix)
    return name


def minutes_pdf(meeting: Meeting) -> bytes:
    """The current minutes as an A4 PDF draft (the signing feature signs it)."""
    from signing.services import render_draft

    lines = minutes_text(meeting).splitlines()
    if lines and lines[0].upper().startswith("BIÊN BẢN"):
        lines = lines[1:]
    return render_draft(
        issuer=meeting.organization.name,
        doc_type="Biên bản",
        title=meeting.title,
        body=lines,
        place=_place_name(meeting),
        when=meeting.started_at or meeting.starts_at,
    )
