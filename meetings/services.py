"""Rules for preparing meetings: who may see and manage them, agenda, documents, guests.

Plain functions, no request object; they flush, the caller commits once.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import lazyload

from core import audit, files
from core.db import utcnow
from core.errors import DomainError, Forbidden, NotFound
from core.extensions import db
from core.i18n import parse_local_datetime
from core.models import Membership, Organization, User
from core.pdf import validate_pdf
from core.security import org_by_code, user_by_username
from meetings.models import (
    AgendaItem,
    Attendance,
    Document,
    DocumentComment,
    Guest,
    Meeting,
    MeetingStatus,
    Participant,
)

ORGANISER_ROLES = {"admin", "chair", "secretary", "clerk"}
MEETING_KINDS = ("regular", "thematic", "extraordinary", "briefing")
GUEST_QR_VALID_AFTER_END = timedelta(hours=2)


# -- access -------------------------------------------------------------------------------


def get_meeting(meeting_id: Any) -> Meeting:
    meeting = db.session.get(Meeting, _int_id(meeting_id))
    if meeting is None:
        raise NotFound("meeting_not_found", _l("Không tìm thấy cuộc họp."))
    return meeting


MAX_ID = 2**63 - 1  # no row has a larger id; SQLite refuses to even compare one


def id_or_none(value: Any) -> int | None:
    """The value as a row id, or None when it cannot be one."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if -MAX_ID <= number <= MAX_ID else None


def _int_id(value: Any) -> int:
    number = id_or_none(value)
    if number is None:
        raise DomainError("invalid_id", _l("Mã định danh không hợp lệ."), 422)
    return number


def participant_of(meeting: Meeting, user: User) -> Participant | None:
    # Every socket event checks this. The caller already holds the user, so do not join it
    # in again (with its selectin-loaded memberships); .user still works, from the session.
    return db.session.scalar(
        select(Participant)
        .where(Participant.meeting_id == meeting.id, Participant.user_id == user.id)
        .options(lazyload(Participant.user))
    )


def can_view(meeting: Meeting, user: User) -> bool:
    """Participants always; for a non-confidential meeting also its organisation's members
    and the city administrators. A confidential meeting: participants only."""
    if participant_of(meeting, user) is not None or meeting.created_by_id == user.id:
        return True
    if meeting.confidential:
        return False
    return user.is_admin or bool(user.roles_in(meeting.organization_id))


def can_manage(meeting: Meeting, user: User) -> bool:
    """The chair, the secretary and whoever created the meeting."""
    return user.id in (meeting.chair_id, meeting.secretary_id, meeting.created_by_id)


def require_view(meeting: Meeting, user: User) -> None:
    if not can_view(meeting, user):
        # A confidential meeting is not even acknowledged to outsiders.
        raise NotFound("meeting_not_found", _l("Không tìm thấy cuộc họp."))


def require_manage(meeting: Meeting, user: User) -> None:
    require_view(meeting, user)
    if not can_manage(meeting, user):
        raise Forbidden(
            "not_meeting_organiser",
            _l("Chỉ chủ tọa, thư ký hoặc người tạo cuộc họp được thực hiện thao tác này."),
        )


def require_participant(meeting: Meeting, user: User) -> Participant:
    participant = participant_of(meeting, user)
    if participant is None:
        raise Forbidden("not_participant", _l("Bạn không phải là thành phần tham dự cuộc họp này."))
    return participant


def meetings_for(user: User, include_ended: bool = True) -> list[Meeting]:
    """Meetings the user takes part in or may see, soonest first."""
    org_ids = [m.organization_id for m in user.memberships]
    query = (
        select(Meeting)
        .outerjoin(Participant, Participant.meeting_id == Meeting.id)
        .where(
            or_(
                Participant.user_id == user.id,
                Meeting.created_by_id == user.id,
                (Meeting.confidential.is_(False)) & Meeting.organization_id.in_(org_ids),
            )
        )
        .distinct()
        .order_by(Meeting.starts_at)
    )
    if not include_ended:
        query = query.where(Meeting.status != MeetingStatus.ENDED.value)
    return list(db.session.scalars(query).unique())


# -- creating and editing ------------------------------------------------------------------


@dataclass
class MeetingInput:
    title: str
    organization: Organization
    starts_at: datetime
    ends_at: datetime
    location: str
    confidential: bool
    chair: User
    secretary: User
    kind: str
    participants: list[User]


def _user_named(username: Any, field: str) -> User:
    user = user_by_username(str(username or ""))
    if user is None or not user.active:
        raise DomainError(
            "unknown_user",
            _l("Không có người dùng %(name)s (%(field)s).", name=username, field=field),
            422,
            field=field,
        )
    return user


def _datetime_field(data: dict[str, Any], field: str) -> datetime:
    value = data.get(field)
    if isinstance(value, datetime):
        return value
    try:
        return parse_local_datetime(str(value))
    except (TypeError, ValueError):
        raise DomainError(
            "invalid_datetime",
            _l("Thời gian không hợp lệ: %(field)s.", field=field),
            422,
            field=field,
        ) from None


def _members_of(codes: list[Any]) -> list[User]:
    users: list[User] = []
    for code in codes:
        org = org_by_code(str(code))
        if org is None:
            raise DomainError(
                "unknown_organization", _l("Không có tổ chức mã %(code)s.", code=code), 422
            )
        users += db.session.scalars(
            select(User).join(Membership).where(Membership.organization_id == org.id)
        ).unique()
    return users


def parse_meeting_input(data: dict[str, Any]) -> MeetingInput:
    """Check a meeting's fields (API body or form) and resolve names to rows."""
    for field in ("title", "organization", "starts_at", "ends_at", "chair", "secretary"):
        if data.get(field) in (None, ""):
            raise DomainError(
                "missing_field",
                _l("Thiếu trường bắt buộc: %(field)s.", field=field),
                422,
                field=field,
            )
    title = str(data["title"]).strip()
    if not title or len(title) > 300:
        raise DomainError("invalid_title", _l("Tiêu đề phải có từ 1 đến 300 ký tự."), 422)
    org = org_by_code(str(data["organization"]))
    if org is None:
        raise DomainError(
            "unknown_organization",
            _l("Không có tổ chức mã %(code)s.", code=data["organization"]),
            422,
        )
    starts_at, ends_at = _datetime_field(data, "starts_at"), _datetime_field(data, "ends_at")
    if ends_at <= starts_at:
        raise DomainError("invalid_time_range", _l("Giờ kết thúc phải sau giờ bắt đầu."), 422)
    kind = str(data.get("kind") or "regular")
    if kind not in MEETING_KINDS:
        raise DomainError("invalid_kind", _l("Loại cuộc họp không hợp lệ."), 422)
    people = data.get("participants") or []
    orgs = data.get("participant_organizations") or []
    if not isinstance(people, list) or not isinstance(orgs, list):
        raise DomainError("invalid_participants", _l("Danh sách thành phần không hợp lệ."), 422)
    participants = [_user_named(name, "participants") for name in people] + _members_of(orgs)
    return MeetingInput(
        title=title,
        organization=org,
        starts_at=starts_at,
        ends_at=ends_at,
        location=str(data.get("location") or "").strip()[:300],
        confidential=bool(data.get("confidential", False)),
        chair=_user_named(data["chair"], "chair"),
        secretary=_user_named(data["secretary"], "secretary"),
        kind=kind,
        participants=participants,
    )


def can_organise_in(user: User, org: Organization) -> bool:
    return user.is_admin or bool(user.roles_in(org.id) & ORGANISER_ROLES)


def _sync_participants(meeting: Meeting, spec: MeetingInput) -> None:
    wanted: dict[int, str] = {u.id: "delegate" for u in spec.participants}
    wanted[spec.secretary.id] = "secretary"
    wanted[spec.chair.id] = "chair"
    existing = {p.user_id: p for p in meeting.participants}
    for user_id, role in wanted.items():
        if user_id in existing:
            existing[user_id].role = role
        else:
            meeting.participants.append(Participant(user_id=user_id, role=role))
    for user_id, participant in existing.items():
        if user_id not in wanted and participant.attendance == Attendance.INVITED.value:
            meeting.participants.remove(participant)


def create_meeting(creator: User, data: dict[str, Any]) -> Meeting:
    """Schedule a meeting; the chair presents until they hand it over."""
    spec = parse_meeting_input(data)
    if not can_organise_in(creator, spec.organization):
        raise Forbidden(
            "cannot_organise",
            _l("Bạn không có quyền tạo cuộc họp cho %(org)s.", org=spec.organization.name),
        )
    meeting = Meeting(created_by_id=creator.id)
    _apply(meeting, spec)
    meeting.presenter_id = spec.chair.id
    db.session.add(meeting)
    _sync_participants(meeting, spec)
    db.session.flush()
    audit.record("meeting.created", creator.id, "meeting", meeting.id, {"title": meeting.title})
    return meeting


def _apply(meeting: Meeting, spec: MeetingInput) -> None:
    meeting.title, meeting.organization_id = spec.title, spec.organization.id
    meeting.starts_at, meeting.ends_at = spec.starts_at, spec.ends_at
    meeting.location, meeting.confidential = spec.location, spec.confidential
    meeting.chair_id, meeting.secretary_id, meeting.kind = (
        spec.chair.id,
        spec.secretary.id,
        spec.kind,
    )


def update_meeting(meeting: Meeting, user: User, data: dict[str, Any]) -> Meeting:
    require_manage(meeting, user)
    if meeting.status == MeetingStatus.ENDED.value:
        raise DomainError("meeting_ended", _l("Cuộc họp đã kết thúc, không thể sửa."), 409)
    current = serialize_meeting_fields(meeting)
    spec = parse_meeting_input({**current, **data})
    _apply(meeting, spec)
    _sync_participants(meeting, spec)
    db.session.flush()
    return meeting


def serialize_meeting_fields(meeting: Meeting) -> dict[str, Any]:
    return {
        "title": meeting.title,
        "organization": meeting.organization.code,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "location": meeting.location,
        "confidential": meeting.confidential,
        "chair": meeting.chair.username,
        "secretary": meeting.secretary.username,
        "kind": meeting.kind,
        "participants": [p.user.username for p in meeting.participants],
    }


def set_status(meeting: Meeting, user: User, status: MeetingStatus) -> Meeting:
    """Start (chair or secretary) or end a meeting."""
    require_manage(meeting, user)
    allowed = {
        MeetingStatus.IN_PROGRESS: MeetingStatus.SCHEDULED.value,
        MeetingStatus.ENDED: MeetingStatus.IN_PROGRESS.value,
    }
    if meeting.status != allowed[status]:
        raise DomainError(
            "invalid_status_change",
            _l("Không thể chuyển cuộc họp sang trạng thái này từ trạng thái hiện tại."),
            409,
        )
    meeting.status = status.value
    if status is MeetingStatus.IN_PROGRESS:
        meeting.started_at = utcnow()
        if meeting.current_agenda_item_id is None and meeting.agenda:
            meeting.current_agenda_item_id = meeting.agenda[0].id
    else:
        meeting.ended_at = utcnow()
    db.session.flush()
    audit.record(f"meeting.{status.value}", user.id, "meeting", meeting.id)
    return meeting


# -- agenda -----------------------------------------------------------------------------


def get_agenda_item(meeting: Meeting, item_id: Any) -> AgendaItem:
    item_id = _int_id(item_id)
    item = next((a for a in meeting.agenda if a.id == item_id), None)
    if item is None:
        raise NotFound("agenda_item_not_found", _l("Không tìm thấy mục trong chương trình họp."))
    return item


def _agenda_fields(meeting: Meeting, data: dict[str, Any], item: AgendaItem) -> None:
    if "title" in data:
        title = str(data.get("title") or "").strip()
        if not title or len(title) > 300:
            raise DomainError("invalid_title", _l("Tiêu đề phải có từ 1 đến 300 ký tự."), 422)
        item.title = title
    if "presenter" in data:
        presenter = data.get("presenter")
        item.presenter_id = _user_named(presenter, "presenter").id if presenter else None
    if "planned_minutes" in data:
        minutes = data.get("planned_minutes")
        if minutes in (None, ""):
            item.planned_minutes = None
        elif not str(minutes).isdigit() or not 1 <= int(minutes) <= 600:
            raise DomainError("invalid_duration", _l("Thời lượng phải từ 1 đến 600 phút."), 422)
        else:
            item.planned_minutes = int(minutes)


def add_agenda_item(meeting: Meeting, user: User, data: dict[str, Any]) -> AgendaItem:
    require_manage(meeting, user)
    if not str(data.get("title") or "").strip():
        raise DomainError(
            "missing_field", _l("Thiếu trường bắt buộc: %(field)s.", field="title"), 422
        )
    item = AgendaItem(position=len(meeting.agenda) + 1)
    _agenda_fields(meeting, data, item)
    meeting.agenda.append(item)
    db.session.flush()
    return item


def update_agenda_item(
    meeting: Meeting, user: User, item_id: Any, data: dict[str, Any]
) -> AgendaItem:
    require_manage(meeting, user)
    item = get_agenda_item(meeting, item_id)
    _agenda_fields(meeting, data, item)
    db.session.flush()
    return item


def delete_agenda_item(meeting: Meeting, user: User, item_id: Any) -> None:
    require_manage(meeting, user)
    item = get_agenda_item(meeting, item_id)
    index = meeting.agenda.index(item)
    meeting.agenda.remove(item)
    for position, other in enumerate(meeting.agenda, start=1):
        other.position = position
    if meeting.current_agenda_item_id == item.id:
        # the room moves to the item that took its place (or the one before), not to nothing
        rest = meeting.agenda
        meeting.current_agenda_item_id = rest[min(index, len(rest) - 1)].id if rest else None
    db.session.flush()


def reorder_agenda(meeting: Meeting, user: User, order: Any) -> list[AgendaItem]:
    """Put the agenda in the given order of item ids (drag and drop)."""
    require_manage(meeting, user)
    ids = [a.id for a in meeting.agenda]
    if not isinstance(order, list) or sorted(_int_id(i) for i in order) != sorted(ids):
        raise DomainError(
            "invalid_order", _l("Thứ tự phải liệt kê đúng mỗi mục của chương trình một lần."), 422
        )
    by_id = {a.id: a for a in meeting.agenda}
    for position, item_id in enumerate(order, start=1):
        by_id[_int_id(item_id)].position = position
    db.session.flush()
    meeting.agenda.sort(key=lambda a: a.position)
    return meeting.agenda


# -- documents ------------------------------------------------------------------------------


def add_document(
    meeting: Meeting,
    user: User,
    data: bytes,
    filename: str,
    agenda_item_id: Any = None,
    title: str | None = None,
) -> Document:
    """Validate the PDF with pypdf and store it; nothing is stored when it is refused."""
    return add_documents(meeting, user, [(data, filename)], agenda_item_id, title)[0]


def add_documents(
    meeting: Meeting,
    user: User,
    uploads: list[tuple[bytes, str]],
    agenda_item_id: Any = None,
    title: str | None = None,
) -> list[Document]:
    """Several PDFs (data, filename) at once: every one is validated before any is written,
    so when one is refused nothing at all is stored, not even the others' bytes."""
    require_manage(meeting, user)
    item = get_agenda_item(meeting, agenda_item_id) if agenda_item_id not in (None, "") else None
    config = current_app.config
    checked = []
    for data, filename in uploads:
        try:
            info = validate_pdf(data, config["MAX_DOCUMENT_BYTES"], config["MAX_DOCUMENT_PAGES"])
        except DomainError as err:
            err.details["file"] = filename
            raise
        checked.append((data, filename, info))
    documents = []
    for data, filename, info in checked:
        stored = files.store_bytes(data, "application/pdf")
        document = Document(
            title=document_title(title, info.title, filename),
            sha256=stored.sha256,
            pages=info.pages,
            size=len(data),
            uploaded_by_id=user.id,
            agenda_item_id=item.id if item else None,
        )
        meeting.documents.append(document)
        db.session.flush()
        if meeting.live_document_id is None:
            meeting.live_document_id, meeting.live_page = document.id, 1
        documents.append(document)
    return documents


def get_document(document_id: Any, user: User) -> Document:
    """A document the user may read (also by its direct URL)."""
    document = db.session.get(Document, _int_id(document_id))
    if document is None or not can_view(document.meeting, user):
        raise NotFound("document_not_found", _l("Không tìm thấy tài liệu."))
    return document


def add_comment(document: Document, user: User, text: Any, page: Any = None) -> DocumentComment:
    """A participant comments on a draft document before the meeting (góp ý)."""
    require_participant(document.meeting, user)
    text = str(text or "").strip()
    if not text or len(text) > 5000:
        raise DomainError("invalid_comment", _l("Góp ý phải có từ 1 đến 5000 ký tự."), 422)
    if page not in (None, ""):
        from core.live_document import check_page

        page = check_page(page, document.pages)
    comment = DocumentComment(user_id=user.id, text=text, page=page or None)
    document.comments.append(comment)
    db.session.flush()
    return comment


JUNK_PDF_TITLES = ("microsoft word -", "microsoft powerpoint -", "untitled")


def document_title(explicit: str | None, embedded: str | None, filename: str) -> str:
    """The title given, else the PDF's own title unless an editor left junk there
    ("Microsoft Word - Document1"), else the file name without its extension."""
    for candidate in (explicit, embedded):
        text = (candidate or "").strip()
        lowered = text.lower()
        if text and not lowered.startswith(JUNK_PDF_TITLES) and not lowered.endswith(
            (".doc", ".docx", ".pdf")
        ):
            return text[:300]
    stem = (filename or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem[:-4] if stem.lower().endswith(".pdf") else stem
    return (stem.strip() or "Tài liệu")[:300]


# -- guests --------------------------------------------------------------------------------


def invite_guest(meeting: Meeting, user: User, name: Any, affiliation: Any = "") -> Guest:
    require_manage(meeting, user)
    name = str(name or "").strip()
    if not name or len(name) > 200:
        raise DomainError("invalid_name", _l("Tên khách mời phải có từ 1 đến 200 ký tự."), 422)
    guest = Guest(
        name=name,
        affiliation=str(affiliation or "").strip()[:300],
        token=secrets.token_urlsafe(24),
        expires_at=meeting.ends_at + GUEST_QR_VALID_AFTER_END,
    )
    meeting.guests.append(guest)
    db.session.flush()
    return guest


def check_in_guest(meeting_id: Any, token: str) -> Guest:
    """The guest's QR is scanned at the door."""
    guest = db.session.scalar(select(Guest).where(Guest.token == str(token or "")))
    if guest is None or guest.meeting_id != _int_id(meeting_id):
        raise DomainError(
            "invalid_invitation", _l("Mã QR không phải thư mời của cuộc họp này."), 404
        )
    if guest.expires_at <= utcnow():
        raise DomainError("invitation_expired", _l("Thư mời đã hết hạn."), 410)
    if guest.checked_in_at is None:
        guest.checked_in_at = utcnow()
        db.session.flush()
    return guest
