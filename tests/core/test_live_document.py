"""The live document: page bounds, turning pages, private notes per user."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from core.errors import DomainError
from core.extensions import db
from core.live_document import (
    MAX_NOTE_CHARS,
    PageNote,
    check_page,
    live_state,
    notes_for,
    save_note,
    turn_page,
)
from core.models import User

PAGES = 5


@pytest.mark.parametrize(
    ("page", "expected"), [(1, 1), (5, 5), ("3", 3), (" 2 ", 2), (4.0, 4)]
)
def test_check_page_accepts_pages_in_range(page, expected):
    assert check_page(page, PAGES) == expected


@pytest.mark.parametrize("page", [0, -1, 6, 99, "0", "6"])
def test_check_page_refuses_pages_out_of_range(app, page):
    with pytest.raises(DomainError) as caught:
        check_page(page, PAGES)
    assert (caught.value.code, caught.value.status) == ("page_out_of_range", 422)
    assert "5" in str(caught.value.message)


@pytest.mark.parametrize(
    "page", [None, "", "ba", "2.0", 2.5, True, False, [1], {"page": 1}]
)
def test_check_page_refuses_what_is_not_a_page_number(app, page):
    with pytest.raises(DomainError) as caught:
        check_page(page, PAGES)
    assert (caught.value.code, caught.value.status) == ("invalid_page", 422)
    assert str(caught.value.message).strip()


@pytest.mark.db
def test_turn_page_is_for_the_presenter_only(app):
    presenter, other = _people()
    host = SimpleNamespace(presenter_id=presenter.id, live_document_id=None, live_page=1)
    by = presenter.username
    assert turn_page(host, presenter, 42, PAGES, "4") == {"document_id": 42, "page": 4, "by": by}
    assert live_state(host) == {
        "document_id": 42,
        "page": 4,
        "presenter": by,
        "presenter_name": presenter.display_name,
    }
    with pytest.raises(DomainError) as caught:
        turn_page(host, other, 42, PAGES, 2)
    assert (caught.value.code, caught.value.status) == ("not_presenter", 403)
    with pytest.raises(DomainError) as caught:
        turn_page(host, presenter, 42, PAGES, 6)
    assert caught.value.code == "page_out_of_range"
    assert live_state(host)["page"] == 4  # refused turns change nothing


# -- private notes -------------------------------------------------------------------------


def _people() -> tuple[User, User]:
    first = User(username="ghichu.mot", full_name="Người Một", password_hash="-")
    second = User(username="ghichu.hai", full_name="Người Hai", password_hash="-")
    db.session.add_all([first, second])
    db.session.commit()
    return first, second


def _users() -> tuple[int, int]:
    first, second = _people()
    return first.id, second.id


def _note_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(PageNote))


@pytest.mark.db
def test_save_note_creates_replaces_and_deletes(app):
    me, _ = _users()
    save_note("meeting", 1, PAGES, me, 2, "  Cần hỏi lại số liệu  ")
    db.session.commit()
    assert notes_for("meeting", 1, me) == {2: "Cần hỏi lại số liệu"}

    save_note("meeting", 1, PAGES, me, "2", "Đã hỏi")
    db.session.commit()
    assert notes_for("meeting", 1, me) == {2: "Đã hỏi"}
    assert _note_rows() == 1

    save_note("meeting", 1, PAGES, me, 2, "   ")
    db.session.commit()
    assert notes_for("meeting", 1, me) == {}
    assert _note_rows() == 0


@pytest.mark.db
def test_an_empty_note_on_a_page_without_one_is_a_no_op(app):
    me, _ = _users()
    save_note("meeting", 1, PAGES, me, 3, "")
    db.session.commit()
    assert _note_rows() == 0


@pytest.mark.db
def test_notes_are_per_user_document_context_and_page(app):
    me, other = _users()
    save_note("meeting", 1, PAGES, me, 1, "của tôi")
    save_note("meeting", 1, PAGES, other, 1, "của người khác")
    save_note("meeting", 2, PAGES, me, 1, "tài liệu khác")
    save_note("lesson", 1, PAGES, me, 1, "bài học")
    save_note("meeting", 1, PAGES, me, 5, "trang cuối")
    db.session.commit()
    assert notes_for("meeting", 1, me) == {1: "của tôi", 5: "trang cuối"}
    assert notes_for("meeting", 1, other) == {1: "của người khác"}
    assert notes_for("meeting", 2, me) == {1: "tài liệu khác"}
    assert notes_for("lesson", 1, me) == {1: "bài học"}

    save_note("meeting", 1, PAGES, other, 1, "")  # deleting theirs leaves mine
    db.session.commit()
    assert notes_for("meeting", 1, me) == {1: "của tôi", 5: "trang cuối"}
    assert notes_for("meeting", 1, other) == {}


@pytest.mark.db
def test_bad_notes_are_refused_and_nothing_is_stored(app):
    me, _ = _users()
    for page in (0, PAGES + 1, "x"):
        with pytest.raises(DomainError) as caught:
            save_note("meeting", 1, PAGES, me, page, "ghi chú")
        assert caught.value.status == 422
    with pytest.raises(DomainError) as caught:
        save_note("meeting", 1, PAGES, me, 1, "x" * (MAX_NOTE_CHARS + 1))
    assert (caught.value.code, caught.value.status) == ("note_too_long", 422)
    db.session.rollback()
    assert _note_rows() == 0
    save_note("meeting", 1, PAGES, me, 1, "x" * MAX_NOTE_CHARS)  # exactly the limit
    db.session.commit()
    assert _note_rows() == 1
