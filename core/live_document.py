"""The live document (tài liệu trình chiếu): a PDF a presenter pages through and everyone follows.

Used by meetings and lessons. The host (a meeting, a lesson) carries the state through
:class:`LiveDocumentHost` columns, so every server process sees the same page and a
reconnecting client lands where the presenter is. Clients load the PDF once (HTTP range
requests) and then only small ``page_changed`` events cross the network. Private notes
per page (:class:`PageNote`) are seen only by their author.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Select, String, Text, UniqueConstraint, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from core.db import prepared, utcnow
from core.errors import DomainError, Forbidden
from core.extensions import Model, db
from core.models import User

MAX_NOTE_CHARS = 5000


class LiveDocumentHost:
    """Columns of a host whose participants follow a presenter through a document."""

    live_document_id: Mapped[int | None] = mapped_column(default=None)
    live_page: Mapped[int] = mapped_column(default=1)

    @declared_attr
    def presenter_id(cls) -> Mapped[int | None]:  # noqa: N805 - SQLAlchemy declared_attr
        return mapped_column(ForeignKey("user.id"), default=None)


class PageNote(Model):
    """A private note on one page of one document (ghi chú riêng), only for its author."""

    __tablename__ = "page_note"
    __table_args__ = (UniqueConstraint("context", "document_id", "page", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    context: Mapped[str] = mapped_column(String(40), index=True)  # "meeting", "lesson"
    document_id: Mapped[int]
    page: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # The client's key of the text last saved (a note written offline is sent again when
    # the link returns; the same key again changes nothing).
    client_key: Mapped[str | None] = mapped_column(String(100), default=None)


def check_page(page: object, pages: int) -> int:
    """The page as an int within 1..pages, or a clear 422."""
    if isinstance(page, float) and page.is_integer():
        page = int(page)
    if isinstance(page, bool | float) or not isinstance(page, int | str):
        # True is not page 1, and 2.5 is not page 2
        raise DomainError("invalid_page", _l("Số trang không hợp lệ."), 422, field="page")
    if isinstance(page, str):
        try:
            page = int(page)
        except ValueError:
            raise DomainError(
                "invalid_page", _l("Số trang không hợp lệ."), 422, field="page"
            ) from None
    if not 1 <= page <= pages:
        raise DomainError(
            "page_out_of_range",
            _l("Trang %(page)s nằm ngoài tài liệu (1–%(pages)s).", page=page, pages=pages),
            422,
            field="page",
        )
    return page


def turn_page(
    host: LiveDocumentHost, presenter: User, document_id: int, pages: int, page: int
) -> dict[str, Any]:
    """The presenter shows ``page`` of ``document_id``; returns the ``page_changed`` payload."""
    if host.presenter_id != presenter.id:
        raise Forbidden("not_presenter", _l("Chỉ người đang trình bày mới được chuyển trang."))
    page = check_page(page, pages)
    host.live_document_id = document_id
    host.live_page = page
    db.session.flush()
    return {"document_id": document_id, "page": page, "by": presenter.username}


@prepared
def _presenter() -> Select[str, str | None]:
    return select(User.username, User.full_name).where(User.id == bindparam("user_id"))


def live_state(host: LiveDocumentHost) -> dict[str, Any]:
    """What a device needs to follow: the document, the page and who presents."""
    presenter = None
    if host.presenter_id:  # two columns, not the user with its memberships (every join)
        presenter = db.session.execute(_presenter(), {"user_id": host.presenter_id}).one_or_none()
    return {
        "document_id": host.live_document_id,
        "page": host.live_page,
        "presenter": presenter.username if presenter else None,
        "presenter_name": (presenter.full_name or presenter.username) if presenter else None,
    }


def save_note(
    context: str,
    document_id: int,
    pages: int,
    user_id: int,
    page: int,
    text: str,
    *,
    key: str | None = None,
) -> PageNote | None:
    """Create or replace the user's private note on a page (an empty text deletes it, and
    returns the deleted note or None). A ``key`` the note was last saved with is a resend:
    nothing changes. Two first saves of one page at once (two devices, a resend racing
    the original) end as one note."""
    page = check_page(page, pages)
    text = (text or "").strip()
    if len(text) > MAX_NOTE_CHARS:
        raise DomainError(
            "note_too_long", _l("Ghi chú dài quá %(n)s ký tự.", n=MAX_NOTE_CHARS), 422
        )
    where = (context, document_id, page, user_id)
    try:
        return _write_note(where, text, key)
    except IntegrityError:  # the other save inserted the page's note first
        db.session.rollback()  # the call has written nothing else
        return _write_note(where, text, key)


def _write_note(where: tuple[str, int, int, int], text: str, key: str | None) -> PageNote | None:
    context, document_id, page, user_id = where
    note = db.session.scalar(
        select(PageNote).where(
            PageNote.context == context,
            PageNote.document_id == document_id,
            PageNote.page == page,
            PageNote.user_id == user_id,
        )
    )
    if key is not None and note is not None and note.client_key == key:
        return note  # a resend of what is already saved
    if not text:
        if note is not None:
            db.session.delete(note)
            db.session.flush()
        return note
    if note is None:
        note = PageNote(context=context, document_id=document_id, page=page, user_id=user_id)
        db.session.add(note)
    note.text = text
    note.client_key = key
    db.session.flush()
    return note


def notes_for(context: str, document_id: int, user_id: int) -> dict[int, str]:
    """The user's own notes on a document, by page."""
    rows = db.session.scalars(
        select(PageNote).where(
            PageNote.context == context,
            PageNote.document_id == document_id,
            PageNote.user_id == user_id,
        )
    )
    return {row.page: row.text for row in rows}
