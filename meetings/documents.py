"""Meeting documents (tài liệu họp): validated PDFs, comments on drafts, private notes."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l

from core import files
from core.errors import DomainError, NotFound
from core.extensions import db
from core.live_document import check_page
from core.models import User
from core.pdf import validate_pdf
from core.uploads import pdf_stem, printable
from meetings.access import MeetingRight, MeetingStanding, standing_in
from meetings.models import Document, DocumentComment
from meetings.services import get_agenda_item, require_not_ended

JUNK_PDF_TITLES = ("microsoft word -", "microsoft powerpoint -", "untitled")


def add_documents(
    organiser: MeetingStanding,
    uploads: list[tuple[bytes, str]],
    agenda_item_id: int | None = None,
    titles: list[str] | None = None,
) -> list[Document]:
    """Several PDFs (data, filename) at once: every one is validated before any is written,
    so when one is refused nothing at all is stored, not even the others' bytes. ``titles``
    go with the files in order; a blank one takes the PDF's own title or its name."""
    meeting = organiser.meeting
    require_not_ended(meeting)
    item = get_agenda_item(meeting, agenda_item_id) if agenda_item_id is not None else None
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
    for n, (data, filename, info) in enumerate(checked):
        title = titles[n] if titles and n < len(titles) else None
        stored = files.store_bytes(data, "application/pdf")
        document = Document(
            title=document_title(title, info.title, filename),
            sha256=stored.sha256,
            pages=info.pages,
            size=len(data),
            uploaded_by_id=organiser.user.id,
            agenda_item_id=item.id if item else None,
        )
        meeting.documents.append(document)
        db.session.flush()
        if meeting.live_document_id is None:
            meeting.live_document_id, meeting.live_page = document.id, 1
        documents.append(document)
    return documents


def add_document(
    organiser: MeetingStanding,
    data: bytes,
    filename: str,
    agenda_item_id: int | None = None,
    title: str | None = None,
) -> Document:
    """One PDF; see :func:`add_documents`."""
    return add_documents(organiser, [(data, filename)], agenda_item_id, [title or ""])[0]


def readable_document(document_id: int, user: User) -> tuple[Document, MeetingStanding]:
    """A document and the caller's standing in its meeting, when the caller may read it
    (also by its direct URL); otherwise a 404, as if it did not exist."""
    document = db.session.get(Document, document_id)
    if document is None:
        raise NotFound("document_not_found", _l("Không tìm thấy tài liệu."))
    found = standing_in(document.meeting, user)
    if not found.has(MeetingRight.VIEW):
        raise NotFound("document_not_found", _l("Không tìm thấy tài liệu."))
    return document, found


def rename_document(organiser: MeetingStanding, document: Document, title: str) -> Document:
    """An organiser corrects a document's title until the meeting ends."""
    organiser.require(MeetingRight.MANAGE)
    require_not_ended(organiser.meeting)
    cleaned = printable(title)
    if not cleaned:
        raise DomainError(
            "invalid_title", _l("Tiêu đề tài liệu không được để trống."), 422, field="title"
        )
    document.title = cleaned[:300]
    db.session.flush()
    return document


def add_comment(
    participant: MeetingStanding, document: Document, text: str, page: int | None = None
) -> DocumentComment:
    """A participant comments on a draft document before the meeting (góp ý)."""
    comment = DocumentComment(
        user_id=participant.user.id,
        text=text,
        page=check_page(page, document.pages) if page else None,
    )
    document.comments.append(comment)
    db.session.flush()
    return comment


def document_title(explicit: str | None, embedded: str | None, filename: str) -> str:
    """The title given, else the PDF's own title unless an editor left junk there
    ("Microsoft Word - Document1"), else the file name without its extension."""
    for candidate in (explicit, embedded):
        text = printable(candidate or "")
        lowered = text.lower()
        if (
            text
            and not lowered.startswith(JUNK_PDF_TITLES)
            and not lowered.endswith((".doc", ".docx", ".pdf"))
        ):
            return text[:300]
    return (pdf_stem(filename) or "Tài liệu")[:300]
