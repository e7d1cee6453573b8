"""The meetings JSON API (/api/v1): docs/api.md's meetings table and a few more calls.

Each view parses its body with one schema, loads the caller's standing once
(``meetings.access.standing``) with the right it needs, and calls one rule; the
blueprint commits once and then publishes to the room (``core.transaction``).
"""

from __future__ import annotations

import io

from flask import jsonify, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core import files
from core.api import api_blueprint
from core.errors import DomainError, NotFound
from core.http import content_disposition
from core.live_document import notes_for, save_note
from core.schemas import body, parse
from core.security import org_by_code
from meetings import (
    documents,
    invitations,
    lifecycle,
    minutes,
    presence,
    record,
    services,
    signatures,
)
from meetings.access import MeetingRight, standing
from meetings.events import publish
from meetings.schemas import (
    AgendaItemIn,
    AgendaItemPatch,
    AgendaOrderIn,
    AttendanceIn,
    CheckInIn,
    CommentIn,
    ConclusionIn,
    DocumentPatch,
    GuestIn,
    InvitationReplyIn,
    MeetingIn,
    MeetingPatch,
    MinutesIn,
    MinutesSignIn,
    NoteIn,
    UploadForm,
)
from meetings.shapes import comment_dict, document_dict, guest_dict, meeting_dict, task_dict

api = api_blueprint("api_meetings", __name__)
MANAGE = MeetingRight.MANAGE


@api.get("/meetings")
@login_required
def list_meetings() -> ResponseReturnValue:
    """Meetings the caller takes part in or may see; ?q= searches titles, agenda, conclusions."""
    meetings = record.search_meetings(current_user, request.args.get("q", ""))
    return jsonify([meeting_dict(m) for m in meetings])


@api.post("/meetings")
@login_required
@body(MeetingIn)
def create_meeting(body: MeetingIn) -> ResponseReturnValue:
    """Schedule a meeting (chair, secretary, clerk or admin of the organisation)."""
    meeting = services.create_meeting(current_user, body)
    return jsonify(meeting_dict(meeting)), 201


@api.get("/meetings/<int:meeting_id>")
@login_required
def get_meeting(meeting_id: int) -> ResponseReturnValue:
    """The meeting with agenda, documents, participants and status."""
    return jsonify(meeting_dict(standing(meeting_id, current_user).meeting))


@api.patch("/meetings/<int:meeting_id>")
@login_required
@body(MeetingPatch)
def update_meeting(meeting_id: int, body: MeetingPatch) -> ResponseReturnValue:
    """Edit a meeting's fields (chair, secretary or creator)."""
    meeting = services.update_meeting(standing(meeting_id, current_user, MANAGE), body)
    return jsonify(meeting_dict(meeting))


@api.post("/meetings/<int:meeting_id>/agenda-items")
@login_required
@body(AgendaItemIn)
def add_agenda_item(meeting_id: int, body: AgendaItemIn) -> ResponseReturnValue:
    """Add an agenda item {title, presenter?, planned_minutes?}."""
    item = services.add_agenda_item(standing(meeting_id, current_user, MANAGE), body)
    return jsonify(id=item.id, position=item.position, title=item.title), 201


@api.patch("/meetings/<int:meeting_id>/agenda-items/<int:item_id>")
@login_required
@body(AgendaItemPatch)
def update_agenda_item(meeting_id: int, item_id: int, body: AgendaItemPatch) -> ResponseReturnValue:
    """Edit an agenda item."""
    organiser = standing(meeting_id, current_user, MANAGE)
    item = services.update_agenda_item(organiser, item_id, body)
    return jsonify(id=item.id, position=item.position, title=item.title)


@api.delete("/meetings/<int:meeting_id>/agenda-items/<int:item_id>")
@login_required
def delete_agenda_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    """Remove an agenda item."""
    services.delete_agenda_item(standing(meeting_id, current_user, MANAGE), item_id)
    return "", 204


@api.post("/meetings/<int:meeting_id>/agenda-order")
@login_required
@body(AgendaOrderIn)
def reorder_agenda(meeting_id: int, body: AgendaOrderIn) -> ResponseReturnValue:
    """Reorder the agenda: {order: [item ids]}."""
    order = body.order
    items = services.reorder_agenda(standing(meeting_id, current_user, MANAGE), order)
    return jsonify([{"id": a.id, "position": a.position} for a in items])


@api.post("/meetings/<int:meeting_id>/documents")
@login_required
def upload_documents(meeting_id: int) -> ResponseReturnValue:
    """Upload a PDF (field `file`, several allowed), optionally for `agenda_item_id`.

    Every file is validated with pypdf first; if any is refused nothing is stored.
    """
    form = parse(UploadForm, {**request.form.to_dict(), "titles": request.form.getlist("titles")})
    organiser = standing(meeting_id, current_user, MANAGE)
    uploads = request.files.getlist("file")
    if not uploads or not any(u.filename for u in uploads):
        raise DomainError("missing_file", _("Chưa chọn tệp PDF để tải lên."), 422, field="file")
    if form.titles and len(form.titles) != len(uploads):
        message = _("Mỗi tệp cần đúng một ô tiêu đề (có thể để trống).")
        raise DomainError("invalid_titles", message, 422, field="titles")
    titles = form.titles or [form.title or ""] * len(uploads)
    created = documents.add_documents(
        organiser,
        [(upload.read(), upload.filename or "") for upload in uploads],
        form.agenda_item_id,
        titles,
    )
    shown = [document_dict(d) for d in created]
    return jsonify(shown[0] if len(shown) == 1 else shown), 201


@api.get("/documents/<int:document_id>")
@login_required
def get_document(document_id: int) -> ResponseReturnValue:
    """A document's metadata."""
    document, _viewer = documents.readable_document(document_id, current_user)
    return jsonify(document_dict(document))


@api.patch("/documents/<int:document_id>")
@login_required
@body(DocumentPatch)
def rename_document(document_id: int, body: DocumentPatch) -> ResponseReturnValue:
    """An organiser changes a document's title {title} (until the meeting ends)."""
    document, viewer = documents.readable_document(document_id, current_user)
    documents.rename_document(viewer, document, body.title)
    return jsonify(document_dict(document))


@api.get("/documents/<int:document_id>/file")
@login_required
def document_file(document_id: int) -> ResponseReturnValue:
    """The PDF itself; honours Range so viewers fetch only what they show."""
    document, _viewer = documents.readable_document(document_id, current_user)
    return files.send_stored(document.sha256, "application/pdf", f"{document.title}.pdf")


@api.get("/documents/<int:document_id>/comments")
@login_required
def list_comments(document_id: int) -> ResponseReturnValue:
    """Comments (góp ý) on a document."""
    document, _viewer = documents.readable_document(document_id, current_user)
    return jsonify([comment_dict(c) for c in document.comments])


@api.post("/documents/<int:document_id>/comments")
@login_required
@body(CommentIn)
def add_comment(document_id: int, body: CommentIn) -> ResponseReturnValue:
    """Comment on a draft document {text, page?} (participants)."""
    document, found = documents.readable_document(document_id, current_user)
    found.require(MeetingRight.PARTICIPATE)
    comment = documents.add_comment(found, document, body.text, body.page)
    return jsonify(id=comment.id, text=comment.text, page=comment.page), 201


@api.get("/documents/<int:document_id>/notes")
@login_required
def list_notes(document_id: int) -> ResponseReturnValue:
    """The caller's private notes on a document, by page."""
    document, _viewer = documents.readable_document(document_id, current_user)
    notes = notes_for("meeting", document.id, current_user.id)
    return jsonify({str(page): text for page, text in notes.items()})


@api.put("/documents/<int:document_id>/notes/<int:page>")
@login_required
@body(NoteIn)
def put_note(document_id: int, page: int, body: NoteIn) -> ResponseReturnValue:
    """Save the caller's private note on a page {text, key?} (empty text deletes it); the
    same key again (a note resent after an outage) changes nothing."""
    text = body.text
    document, _viewer = documents.readable_document(document_id, current_user)
    save_note("meeting", document.id, document.pages, current_user.id, page, text, key=body.key)
    return jsonify(page=page, text=text, **({"key": body.key} if body.key else {}))


@api.post("/meetings/<int:meeting_id>/start")
@login_required
def start_meeting(meeting_id: int) -> ResponseReturnValue:
    """Open the meeting (chair or secretary)."""
    return jsonify(meeting_dict(lifecycle.start(standing(meeting_id, current_user, MANAGE))))


@api.post("/meetings/<int:meeting_id>/end")
@login_required
def end_meeting(meeting_id: int) -> ResponseReturnValue:
    """Close the meeting."""
    return jsonify(meeting_dict(lifecycle.end(standing(meeting_id, current_user, MANAGE))))


@api.post("/meetings/<int:meeting_id>/guests")
@login_required
@body(GuestIn)
def invite_guest(meeting_id: int, body: GuestIn) -> ResponseReturnValue:
    """Invite a guest by name {name, affiliation?}; returns the QR invitation."""
    organiser = standing(meeting_id, current_user, MANAGE)
    guest = services.invite_guest(organiser, body.name, body.affiliation)
    return jsonify(guest_dict(guest)), 201


@api.post("/meetings/<int:meeting_id>/attendance")
@login_required
@body(AttendanceIn)
def mark_attendance(meeting_id: int, body: AttendanceIn) -> ResponseReturnValue:
    """The secretary marks {user, status: present|absent, reason?}."""
    organiser = standing(meeting_id, current_user, MANAGE)
    target = presence.record_attendance(organiser, body.user, body.status, body.reason)
    publish("presence_changed", presence.presence_change(meeting_id, target.user_id), meeting_id)
    return jsonify(presence.presence(organiser.meeting))


@api.post("/meetings/<int:meeting_id>/invitation")
@login_required
@body(InvitationReplyIn)
def answer_invitation(meeting_id: int, body: InvitationReplyIn) -> ResponseReturnValue:
    """A participant answers the invitation {answer: accept|decline, reason?} before the
    meeting starts; declining needs a reason."""
    attendee = standing(meeting_id, current_user, MeetingRight.PARTICIPATE)
    participant = invitations.answer_invitation(attendee, body.answer, body.reason)
    return jsonify(invitations.reply_dict(participant))


@api.post("/meetings/<int:meeting_id>/check-in")
@login_required
@body(CheckInIn)
def check_in(meeting_id: int, body: CheckInIn) -> ResponseReturnValue:
    """Check in with the door QR code {code}."""
    code = body.code
    attendee = standing(meeting_id, current_user, MeetingRight.PARTICIPATE)
    presence.check_in_by_qr(attendee, code)
    publish("presence_changed", presence.presence_change(meeting_id, current_user.id), meeting_id)
    return jsonify(attendance="present")


@api.get("/meetings/<int:meeting_id>/record")
@login_required
def meeting_record(meeting_id: int) -> ResponseReturnValue:
    """Attendance, agenda, speakers, votes with results, conclusions and tasks."""
    return jsonify(record.meeting_record(standing(meeting_id, current_user).meeting))


@api.post("/meetings/<int:meeting_id>/conclusions")
@login_required
@body(ConclusionIn)
def add_conclusion(meeting_id: int, body: ConclusionIn) -> ResponseReturnValue:
    """Record a conclusion with its follow-up tasks.

    Body: {text, agenda_item_id?, tasks: [{organization, description, deadline}]}.
    """
    conclusion = record.add_conclusion(standing(meeting_id, current_user, MANAGE), body)
    return jsonify(id=conclusion.id, tasks=[task_dict(t) for t in conclusion.tasks]), 201


@api.get("/meetings/<int:meeting_id>/minutes")
@login_required
def get_minutes(meeting_id: int) -> ResponseReturnValue:
    """The minutes text: the secretary's draft, or one pre-filled from the record."""
    meeting = standing(meeting_id, current_user).meeting
    return jsonify(text=minutes.minutes_text(meeting), edited=bool(meeting.minutes_text))


@api.put("/meetings/<int:meeting_id>/minutes")
@login_required
@body(MinutesIn)
def put_minutes(meeting_id: int, body: MinutesIn) -> ResponseReturnValue:
    """The secretary saves the minutes draft {text}."""
    text = body.text
    secretary = standing(meeting_id, current_user, MeetingRight.TAKE_MINUTES)
    meeting = minutes.save_minutes(secretary, text)
    return jsonify(text=meeting.minutes_text, edited=True)


@api.get("/meetings/<int:meeting_id>/minutes.pdf")
@login_required
def minutes_pdf(meeting_id: int) -> ResponseReturnValue:
    """The current minutes as a PDF: the latest signed version, or the draft.

    ?draft=1 gives the draft of the current text even when a signed version exists."""
    meeting = standing(meeting_id, current_user).meeting
    version = None if request.args.get("draft") == "1" else signatures.current_version(meeting)
    data = files.read_bytes(version.pdf_sha256) if version else signatures.preview_pdf(meeting)
    response = send_file(io.BytesIO(data), mimetype="application/pdf")
    name = f"bien-ban-{meeting.id}" + (f"-v{version.number}" if version else "-du-thao")
    response.headers["Content-Disposition"] = content_disposition(f"{name}.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@api.get("/meetings/<int:meeting_id>/minutes/signatures")
@login_required
def minutes_signatures(meeting_id: int) -> ResponseReturnValue:
    """The signing state of the minutes: version, signatures so far, whose turn it is."""
    meeting = standing(meeting_id, current_user).meeting
    return jsonify(signatures.minutes_state(meeting, current_user))


@api.post("/meetings/<int:meeting_id>/minutes/signatures")
@login_required
def sign_minutes(meeting_id: int) -> ResponseReturnValue:
    """The caller signs the minutes with their own key, in the fixed order (secretary,
    chair, then the seal by a clerk when the secretary asked for it with {seal: true});
    409 out of order, twice or after the lock; 403 for someone who is not a signer."""
    data = parse(MinutesSignIn, request.get_json(silent=True) or {})
    signer = standing(meeting_id, current_user)
    version, signature = signatures.sign_minutes(signer, data.seal, _verify_link)
    state = signatures.minutes_state(signer.meeting, current_user)
    publish("minutes_signed", {**state, "my_turn": False}, meeting_id)
    signatures.notify_next(signer.meeting, version)
    return jsonify(state), 201


def _verify_link(token: str) -> str:
    return url_for("signing.verify_version", token=token, _external=True)


@api.get("/tasks")
@login_required
def list_tasks() -> ResponseReturnValue:
    """Open follow-up tasks of the caller's organisations (?organization= to choose one)."""
    code = request.args.get("organization")
    if code:
        org = org_by_code(code)
        if org is None or not (current_user.roles_in(org.id) or current_user.is_admin):
            raise NotFound("unknown_organization", _("Không tìm thấy tổ chức."))
        tasks = record.tasks_for_organization(org, request.args.get("all") == "1")
    else:
        tasks = record.open_tasks_for(current_user)
    return jsonify([task_dict(t) for t in tasks])


@api.post("/tasks/<int:task_id>/done")
@login_required
def complete_task(task_id: int) -> ResponseReturnValue:
    """Mark a follow-up task done (members of the assigned organisation)."""
    return jsonify(task_dict(record.complete_task(task_id, current_user)))
