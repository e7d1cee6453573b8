"""A lesson standing, loaded on every lesson event: two queries, the right answers."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from classroom.access import ClassRight, lesson_standing
from core.errors import Forbidden, NotFound
from core.extensions import db
from core.security import user_by_username

pytestmark = pytest.mark.db


def _queries_of(call) -> tuple[object, int]:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_rest) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        return call(), len(seen)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_a_lesson_standing_is_the_lesson_with_its_class_and_the_roster_row(lesson):
    db.session.expunge_all()
    student = user_by_username("hocsinh")
    found, queries = _queries_of(lambda: lesson_standing(lesson["id"], student, ClassRight.LEARN))
    assert queries == 2  # not the school, the homeroom teacher and their memberships
    assert found.lesson.id == lesson["id"] and found.school_class.id == lesson["class"]["id"]
    assert found.is_student and not found.is_teacher and found.member.user is student


def test_a_lesson_standing_refuses_as_before(lesson):
    with pytest.raises(Forbidden):
        lesson_standing(lesson["id"], user_by_username("hocsinh"), ClassRight.TEACH)
    with pytest.raises(NotFound):  # not in the class: the lesson is not acknowledged
        lesson_standing(lesson["id"], user_by_username("daibieu"), ClassRight.LEARN)
    with pytest.raises(NotFound):
        lesson_standing(10_000, user_by_username("giaovien"), ClassRight.VIEW)
