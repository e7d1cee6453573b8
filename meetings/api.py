"""The meetings JSON API (/api/v1), CONTRACT.md's meetings table and a few more calls."""

from __future__ import annotations

import io
from typing import Any

from flask import jsonify, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core import files
from core.api import api_blueprint, json_body
from core.errors import DomainError
from core.extensions import db
from core.http import content_disposition
from core.live_document import notes_for, save_note
from meetings import record, room, services
from meetings.models import Document, Meeting, MeetingStatus
from meetings.sockets import broadcast

api = api_blueprint("api_meetings", __name__)


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
        "participants": [
            {
                "user": p.user.username,
                "name": p.user.display_name,
                "role": p.role,
                "attendance": p.attendance,
            }
            for p in meeting.participants
        ],
        "agenda": [
            {
                "id": a.id,
                "position": a.position,
                "title": a.title,
                "presenter": a.presenter.username if a.presenter else None,
                "planned_minutes": a.planned_minutes,
            }
            for a in meeting.agenda
        ],
        "documents": [document_dict(d) for d in meeting.documents],
        "current": {
            "document_id": meeting.live_document_id,
            "page": meeting.live_page,
            "agenda_item_id": meeting.current_agenda_item_id,
        },
        "room_url": url_for("meetings.live_room", meeting_id=meeting.id),
    }


def _meeting(meeting_id: int, manage: bool = False) -> Meeting:
    meeting = services.get_meeting(meeting_id)
    (services.require_manage if manage else services.require_view)(meeting, current_user)
    return meeting


@api.get("/meetings")
@login_required
def list_meetings():
    """Meetings the caller takes part in or may see; ?q= searches titles, agenda, conclusions."""
    meetings = record.search_meetings(current_user, request.args.get("q", ""))
    return jsonify([meeting_dict(m) for m in meetings])


@api.post("/meetings")
@login_required
def create_meeting():
    """Schedule a meeting (chair, secretary, clerk or admin of the organisation)."""
    meeting = services.create_meeting(current_user, json_body())
    db.session.commit()
    return jsonify(meeting_dict(meeting)), 201


@api.get("/meetings/<int:meeting_id>")
@login_required
def get_meeting(meeting_id: int):
    """The meeting with agenda, documents, participants and status."""
    return jsonify(meeting_dict(_meeting(meeting_id)))


@api.patch("/meetings/<int:meeting_id>")
@login_required
def update_meeting(meeting_id: int):
    """Edit a meeting's fields (chair, secretary or creator)."""
    meeting = services.update_meeting(_meeting(meeting_id), current_user, json_body())
    db.session.commit()
    return jsonify(meeting_dict(meeting))


@api.post("/meetings/<int:meeting_id>/agenda-items")
@login_required
def add_agenda_item(meeting_id: int):
    """Add an agenda item {title, presenter?, planned_minutes?}."""
    item = services.add_agenda_item(_meeting(meeting_id), current_user, json_body("title"))
    db.session.commit()
    return jsonify(id=item.id, position=item.position, title=item.title), 201


@api.patch("/meetings/<int:meeting_id>/agenda-items/<int:item_id>")
@login_required
def update_agenda_item(meeting_id: int, item_id: int):
    """Edit an agenda item."""
    item = services.update_agenda_item(_meeting(meeting_id), current_user, item_id, json_body())
    db.session.commit()
    return jsonify(id=item.id, position=item.position, title=item.title)


@api.delete("/meetings/<int:meeting_id>/agenda-items/<int:item_id>")
@login_required
def delete_agenda_item(meeting_id: int, item_id: int):
    """Remove an agenda item."""
    services.delete_agenda_item(_meeting(meeting_id), current_user, item_id)
    db.session.commit()
    return "", 204


@api.post("/meetings/<int:meeting_id>/agenda-order")
@login_required
def reorder_agenda(meeting_id: int):
    """Reorder the agenda: {order: [item ids]}."""
    items = services.reorder_agenda(_meeting(meeting_id), current_user, json_body("order")["order"])
    db.session.commit()
    return jsonify([{"id": a.id, "position": a.position} for a in items])


@api.post("/meetings/<int:meeting_id>/documents")
@login_required
def upload_documents(meeting_id: int):
    """Upload a PDF (field `file`, several allowed), optionally for `agenda_item_id`.

    Every file is validated with pypdf first; if any is refused nothing is stored.
    """
    meeting = _meeting(meeting_id)
    uploads = request.files.getlist("file")
    if not uploads or not any(u.filename for u in uploads):
        raise DomainError("missing_file", _("Chưa chọn tệp PDF để tải lên."), 422)
    created = services.add_documents(
        meeting,
        current_user,
        [(upload.read(), upload.filename or "") for upload in uploads],
        request.form.get("agenda_item_id"),
        request.form.get("title"),
    )
    db.session.commit()
    body = [document_dict(d) for d in created]
    return jsonify(body[0] if len(body) == 1 else body), 201


@api.get("/documents/<int:document_id>")
@login_required
def get_document(document_id: int):
    """A document's metadata."""
    return jsonify(document_dict(services.get_document(document_id, current_user)))


@api.get("/documents/<int:document_id>/file")
@login_required
def document_file(document_id: int):
    """The PDF itself; honours Range so viewers fetch only what they show."""
    document = services.get_document(document_id, current_user)
    response = send_file(
        files.path_for(document.sha256),
        mimetype="application/pdf",
        conditional=True,
        etag=document.sha256,
        max_age=86400,
    )
    response.headers["Content-Disposition"] = content_disposition(f"{document.title}.pdf")
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    response.headers["Accept-Ranges"] = "bytes"
    return response


@api.get("/documents/<int:document_id>/comments")
@login_required
def list_comments(document_id: int):
    """Comments (góp ý) on a document."""
    document = services.get_document(document_id, current_user)
    return jsonify(
        [
            {
                "id": c.id,
                "user": c.user.username,
                "name": c.user.display_name,
                "page": c.page,
                "text": c.text,
                "created_at": c.created_at.isoformat(),
            }
            for c in document.comments
        ]
    )


@api.post("/documents/<int:document_id>/comments")
@login_required
def add_comment(document_id: int):
    """Comment on a draft document {text, page?} (participants)."""
    document = services.get_document(document_id, current_user)
    data = json_body("text")
    comment = services.add_comment(document, current_user, data["text"], data.get("page"))
    db.session.commit()
    return jsonify(id=comment.id, text=comment.text, page=comment.page), 201


@api.get("/documents/<int:document_id>/notes")
@login_required
def list_notes(document_id: int):
    """The caller's private notes on a document, by page."""
    document = services.get_document(document_id, current_user)
    return jsonify(
        {str(k): v for k, v in notes_for("meeting", document.id, current_user.id).items()}
    )


@api.put("/documents/<int:document_id>/notes/<int:page>")
@login_required
def put_note(document_id: int, page: int):
    """Save the caller's private note on a page {text} (empty text deletes it)."""
    document = services.get_document(document_id, current_user)
    data = json_body()
    save_note(
        "meeting", document.id, document.pages, current_user.id, page, str(data.get("text", ""))
    )
    db.session.commit()
    return jsonify(page=page, text=str(data.get("text", "")).strip())


def _status_change(meeting_id: int, status: MeetingStatus):
    meeting = services.set_status(_meeting(meeting_id), current_user, status)
    db.session.commit()
    broadcast("meeting_status_changed", {"status": meeting.status}, meeting.id)
    return jsonify(meeting_dict(meeting))


@api.post("/meetings/<int:meeting_id>/start")
@login_required
def start_meeting(meeting_id: int):
    """Open the meeting (chair or secretary)."""
    return _status_change(meeting_id, MeetingStatus.IN_PROGRESS)


@api.post("/meetings/<int:meeting_id>/end")
@login_required
def end_meeting(meeting_id: int):
    """Close the meeting."""
    return _status_change(meeting_id, MeetingStatus.ENDED)


@api.post("/meetings/<int:meeting_id>/guests")
@login_required
def invite_guest(meeting_id: int):
    """Invite a guest by name {name, affiliation?}; returns the QR invitation."""
    data = json_body("name")
    guest = services.invite_guest(
        _meeting(meeting_id), current_user, data["name"], data.get("affiliation")
    )
    db.session.commit()
    return jsonify(
        id=guest.id,
        name=guest.name,
        expires_at=guest.expires_at.isoformat(),
        check_in_url=url_for(
            "meetings.guest_check_in", meeting_id=meeting_id, token=guest.token, _external=True
        ),
        qr_url=url_for("meetings.guest_qr", meeting_id=meeting_id, guest_id=guest.id),
    ), 201


@api.post("/meetings/<int:meeting_id>/attendance")
@login_required
def mark_attendance(meeting_id: int):
    """The secretary marks {user, status: present|absent, reason?}."""
    meeting = _meeting(meeting_id)
    data = json_body("user", "status")
    target = room.record_attendance(
        meeting, current_user, data["user"], data["status"], data.get("reason")
    )
    db.session.commit()
    broadcast("presence_changed", room.presence_change(meeting, target.user_id), meeting.id)
    return jsonify(room.presence(meeting))


@api.post("/meetings/<int:meeting_id>/check-in")
@login_required
def check_in(meeting_id: int):
    """Check in with the door QR code {code}."""
    meeting = _meeting(meeting_id)
    room.check_in_by_qr(meeting, current_user, json_body("code")["code"])
    db.session.commit()
    broadcast("presence_changed", room.presence_change(meeting, current_user.id), meeting.id)
    return jsonify(attendance="present")


@api.get("/meetings/<int:meeting_id>/record")
@login_required
def meeting_record(meeting_id: int):
    """Attendance, agenda, speakers, votes with results, conclusions and tasks."""
    return jsonify(record.meeting_record(_meeting(meeting_id)))


@api.post("/meetings/<int:meeting_id>/conclusions")
@login_required
def add_conclusion(meeting_id: int):
    """Record a conclusion with its follow-up tasks.

    Body: {text, agenda_item_id?, tasks: [{organization, description, deadline}]}.
    """
    conclusion = record.add_conclusion(_meeting(meeting_id), current_user, json_body("text"))
    db.session.commit()
    return jsonify(id=conclusion.id, tasks=[record.task_dict(t) for t in conclusion.tasks]), 201


@api.get("/meetings/<int:meeting_id>/minutes")
@login_required
def get_minutes(meeting_id: int):
    """The minutes text: the secretary's draft, or one pre-filled from the record."""
    meeting = _meeting(meeting_id)
    return jsonify(text=record.minutes_text(meeting), edited=bool(meeting.minutes_text))


@api.put("/meetings/<int:meeting_id>/minutes")
@login_required
def put_minutes(meeting_id: int):
    """The secretary saves the minutes draft {text}."""
    meeting = record.save_minutes(_meeting(meeting_id), current_user, json_body("text")["text"])
    db.session.commit()
    return jsonify(text=meeting.minutes_text, edited=True)


@api.get("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int):
    """The current minutes as a PDF: the draft until the signing feature signs it."""
    meeting = _meeting(meeting_id)
    response = send_file(
        io.BytesIO(record.minutes_pdf(meeting)),
        mimetype="application/pdf",
    )
    response.headers["Content-Disposition"] = content_disposition(f"bien-ban-{meeting.id}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@api.get("/tasks")
@login_required
def list_tasks():
    """Open follow-up tasks of the caller's organisations (?organization= to choose one)."""
    code = request.args.get("organization")
    if code:
        from core.security import org_by_code

        org = org_by_code(code)
        if org is None or not (current_user.roles_in(org.id) or current_user.is_admin):
            raise DomainError("unknown_organization", _("Không tìm thấy tổ chức."), 404)
        tasks = record.tasks_for_organization(org, request.args.get("all") == "1")
    else:
        tasks = record.open_tasks_for(current_user)
    return jsonify([record.task_dict(t) for t in tasks])


@api.post("/tasks/<int:task_id>/done")
@login_required
def complete_task(task_id: int):
    """Mark a follow-up task done (members of the assigned organisation)."""
    task = record.complete_task(task_id, current_user)
    db.session.commit()
    return jsonify(record.task_dict(task))
