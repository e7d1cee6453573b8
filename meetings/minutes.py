"""The minutes (biên bản): a draft pre-filled from the record, the secretary's text, the PDF."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from core.db import utcnow
from core.extensions import db
from core.i18n import format_date, format_datetime
from meetings.access import MeetingStanding
from meetings.models import Attendance, Meeting
from meetings.record import meeting_record
from signing.services import render_draft


def draft_minutes(meeting: Meeting) -> str:
    """The minutes (biên bản) pre-filled from the record, for the secretary to edit."""
    record = meeting_record(meeting)
    present = [a for a in record["attendance"] if a["attendance"] == Attendance.PRESENT]
    absent = [a for a in record["attendance"] if a["attendance"] == Attendance.ABSENT]
    unmarked = [a for a in record["attendance"] if a["attendance"] == Attendance.INVITED]
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
            + "; ".join(f"{a['name']} ({a['absence_reason'] or 'không lý do'})" for a in absent)
        )
    if unmarked:  # only while the meeting runs: ending it makes them absent
        lines.append("Chưa điểm danh: " + ", ".join(a["name"] for a in unmarked))
    guests = [g["name"] for g in record["guests"] if g["present"]]
    if guests:
        lines.append("Khách mời: " + ", ".join(guests))
    lines += ["", "NỘI DUNG"]
    for index, item in enumerate(record["agenda"], start=1):
        lines.append(f"{index}. {item['title']}")
        lines += _item_lines(record, _of_item(item["id"]))
    # what was not tied to an item of the agenda (or to one since removed) is kept too
    agenda_ids = {item["id"] for item in record["agenda"]}
    general = _item_lines(record, lambda entry: entry["agenda_item_id"] not in agenda_ids)
    if general:
        lines += [f"{len(record['agenda']) + 1}. Nội dung chung", *general]
    return "\n".join(lines)


def _of_item(item_id: int) -> Callable[[dict[str, Any]], bool]:
    return lambda entry: entry["agenda_item_id"] == item_id


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
    if not vote["closed"]:
        return f"   - Biểu quyết ({kind}): {vote['question']} — chưa kết thúc"
    return (
        f"   - Biểu quyết ({kind}): {vote['question']} — đồng ý {vote['yes']}, "
        f"không đồng ý {vote['no']}, không biểu quyết {vote['abstain']} / {vote['eligible']} có mặt"
        f" / {vote['members']} thành viên; điều kiện thông qua: {vote['pass_rule']}"
        f"{'' if vote['quorum_met'] is not False else ' (mở khi chưa đủ số lượng)'}"
        f" — {'thông qua' if vote['passed'] else 'không thông qua'}"
    )


def minutes_text(meeting: Meeting) -> str:
    return meeting.minutes_text or draft_minutes(meeting)


def save_minutes(secretary: MeetingStanding, text: str) -> Meeting:
    """The secretary edits the minutes draft."""
    meeting = secretary.meeting
    meeting.minutes_text, meeting.minutes_updated_at = text, utcnow()
    db.session.flush()
    return meeting


def place_name(meeting: Meeting) -> str:
    """'UBND thành phố Huế' → 'Huế' (the city, for the date line)."""
    org = meeting.organization
    while org.parent is not None:
        org = org.parent
    name = org.name
    for prefix in ("UBND ", "thành phố ", "phường ", "xã "):
        name = name.removeprefix(prefix)
    return name


def minutes_body(meeting: Meeting) -> list[str]:
    """The body of the official minutes: the secretary's text and the SHA-256 of every
    meeting document, so that the signed minutes bind the evidence."""
    lines = minutes_text(meeting).splitlines()
    if lines and lines[0].upper().startswith("BIÊN BẢN"):
        lines = lines[1:]
    documents = sorted(meeting.documents, key=lambda d: d.id)
    if documents:
        lines += ["", "TÀI LIỆU HỌP (MÃ SHA-256)"]
        lines += [f"- {d.title} ({d.pages} trang): {d.sha256}" for d in documents]
    return lines


def minutes_pdf(meeting: Meeting) -> bytes:
    """The draft minutes as an A4 PDF, without signature blocks."""
    return render_draft(
        issuer=meeting.organization.name,
        doc_type="Biên bản",
        title=meeting.title,
        body=minutes_body(meeting),
        place=place_name(meeting),
        when=meeting.started_at or meeting.starts_at,
    )
