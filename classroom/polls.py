"""Polls and quizzes (câu hỏi nhanh): single and multiple choice, true/false, short
answer; one answer per student; counts go out on a timer (never per answer); reveal the
correct answer; per-student scores."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from classroom.access import LessonStanding
from classroom.models import (
    Lesson,
    LessonStatus,
    Poll,
    PollAnswer,
    PollKind,
    PollStatus,
    SchoolClass,
)
from classroom.schemas import OpenPollIn
from classroom.services import student_count
from core.access import owned_row
from core.db import utcnow
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db

TRUE_FALSE = ["Đúng", "Sai"]
TOP_SHORT_ANSWERS = 12


def _invalid(message: Any, code: str = "invalid_options") -> DomainError:
    """A refusal naming the field it is about (``invalid_correct`` → ``correct``), so the
    teacher's form marks it."""
    return DomainError(code, message, 422, field=code.removeprefix("invalid_"))


def _options_and_correct(data: OpenPollIn) -> tuple[list[str], list[str]]:
    if data.kind == PollKind.SHORT:
        return [], [" ".join(c.split()).casefold() for c in data.correct if c.strip()]
    options = TRUE_FALSE if data.kind == PollKind.TRUE_FALSE else list(data.options)
    if len(options) < 2:
        raise _invalid(_l("Câu hỏi trắc nghiệm cần ít nhất 2 phương án."))
    correct = sorted(set(data.correct), key=lambda c: (len(c), c))
    if any(not c.isdigit() or int(c) >= len(options) for c in correct):
        raise _invalid(_l("Đáp án đúng phải là số thứ tự của một phương án."), "invalid_correct")
    if data.kind != PollKind.MULTIPLE and len(correct) > 1:
        raise _invalid(_l("Câu hỏi này chỉ có một đáp án đúng."), "invalid_correct")
    return options, correct


def open_poll_of(lesson_id: int) -> Poll | None:
    return db.session.scalar(
        select(Poll).where(Poll.lesson_id == lesson_id, Poll.status == PollStatus.OPEN)
    )


def open_poll(teacher: LessonStanding, data: OpenPollIn) -> dict[str, Any]:
    lesson = teacher.the_lesson
    if lesson.status != LessonStatus.LIVE:
        raise Conflict("lesson_not_live", _l("Tiết học chưa bắt đầu hoặc đã kết thúc."))
    if open_poll_of(lesson.id) is not None:
        raise Conflict("poll_already_open", _l("Đang có một câu hỏi chưa kết thúc."))
    options, correct = _options_and_correct(data)
    poll = Poll(
        lesson_id=lesson.id,
        kind=data.kind,
        question=data.question,
        options=options,
        correct=correct,
        closes_at=utcnow() + timedelta(seconds=data.seconds) if data.seconds else None,
    )
    db.session.add(poll)
    db.session.flush()
    return poll_dict(poll)


def poll_dict(poll: Poll, reveal: bool = False) -> dict[str, Any]:
    shown = poll.revealed or reveal
    return {
        "poll_id": poll.id,
        "kind": poll.kind.value,
        "question": poll.question,
        "options": poll.options,
        "status": poll.status.value,
        "closes_at": poll.closes_at.isoformat() if poll.closes_at else None,
        "revealed": poll.revealed,
        "correct": poll.correct if shown else None,
    }


def get_poll(lesson_id: int, poll_id: int) -> Poll:
    missing = NotFound("poll_not_found", _l("Không tìm thấy câu hỏi."))
    return owned_row(Poll, poll_id, missing, lesson_id=lesson_id)


def _normalise(poll: Poll, answer: list[str]) -> list[str]:
    if poll.kind == PollKind.SHORT:
        text = " ".join(" ".join(answer).split())
        if not text:
            raise _invalid(_l("Câu trả lời không được để trống."), "invalid_answer")
        return [text[:200]]
    picked = sorted(set(answer), key=lambda c: (len(c), c))
    if any(not c.isdigit() or int(c) >= len(poll.options) for c in picked):
        raise _invalid(_l("Phương án đã chọn không có trong câu hỏi."), "invalid_answer")
    if poll.kind != PollKind.MULTIPLE and len(picked) != 1:
        raise _invalid(_l("Câu hỏi này chỉ được chọn một phương án."), "invalid_answer")
    return picked


def _is_correct(poll: Poll, answer: list[str]) -> bool | None:
    if not poll.correct:
        return None
    if poll.kind == PollKind.SHORT:
        return answer[0].casefold() in poll.correct
    return answer == poll.correct


def answer_poll(student: LessonStanding, poll_id: int, answer: list[str]) -> dict[str, Any]:
    """One answer per student while the poll is open (and its timer runs)."""
    poll = get_poll(student.the_lesson.id, poll_id)
    if poll.status != PollStatus.OPEN or (poll.closes_at and utcnow() > poll.closes_at):
        raise Conflict("poll_closed", _l("Câu hỏi đã kết thúc, không nhận thêm câu trả lời."))
    picked = _normalise(poll, answer)
    exists = db.session.scalar(
        select(PollAnswer.id).where(
            PollAnswer.poll_id == poll.id, PollAnswer.user_id == student.user.id
        )
    )
    already = Conflict("already_answered", _l("Bạn đã trả lời câu hỏi này rồi."))
    if exists is not None:
        raise already
    db.session.add(
        PollAnswer(
            poll_id=poll.id,
            user_id=student.user.id,
            answer=picked,
            is_correct=_is_correct(poll, picked),
        )
    )
    try:
        db.session.flush()
    except IntegrityError:  # the same student's other device won the race
        raise already from None
    return {"poll_id": poll.id, "answer": picked}


def results(poll: Poll) -> dict[str, Any]:
    """``poll_results``: how many answered out of the class, and the histogram (two queries)."""
    answers = list(
        db.session.scalars(select(PollAnswer.answer).where(PollAnswer.poll_id == poll.id))
    )
    payload: dict[str, Any] = {
        "poll_id": poll.id,
        "answered": len(answers),
        "eligible": student_count(poll_lesson_class(poll)),
    }
    if poll.kind == PollKind.SHORT:
        counts = Counter(a[0].casefold() for a in answers if a)
        payload["answers"] = [
            {"text": text, "count": n} for text, n in counts.most_common(TOP_SHORT_ANSWERS)
        ]
    else:
        tally = [0] * len(poll.options)
        for picked in answers:
            for choice in picked:
                if choice.isdigit() and int(choice) < len(tally):
                    tally[int(choice)] += 1
        payload["counts"] = tally
    return payload


def poll_lesson_class(poll: Poll) -> SchoolClass:
    lesson = db.session.get(Lesson, poll.lesson_id)
    if lesson is None:
        raise NotFound("lesson_not_found", _l("Không tìm thấy tiết học."))
    return lesson.school_class


def close_poll(teacher: LessonStanding, poll_id: int) -> dict[str, Any]:
    poll = get_poll(teacher.the_lesson.id, poll_id)
    if poll.status != PollStatus.OPEN:
        raise Conflict("poll_already_closed", _l("Câu hỏi này đã kết thúc."))
    poll.status, poll.closed_at = PollStatus.CLOSED, utcnow()
    db.session.flush()
    return {**poll_dict(poll), "results": results(poll)}


def reveal(teacher: LessonStanding, poll_id: int) -> dict[str, Any]:
    """Show the correct answer to everyone (closes the poll if still open)."""
    poll = get_poll(teacher.the_lesson.id, poll_id)
    if not poll.correct:
        raise Conflict("no_correct_answer", _l("Câu hỏi này không có đáp án đúng để công bố."))
    if poll.status == PollStatus.OPEN:
        poll.status, poll.closed_at = PollStatus.CLOSED, utcnow()
    poll.revealed = True
    db.session.flush()
    return {**poll_dict(poll), "results": results(poll)}


def my_answer(poll: Poll, user_id: int) -> list[str] | None:
    return db.session.scalar(
        select(PollAnswer.answer).where(
            PollAnswer.poll_id == poll.id, PollAnswer.user_id == user_id
        )
    )


def scores(lesson_id: int) -> dict[int, dict[str, int]]:
    """Per student: questions with a correct answer answered, and how many right (one query)."""
    rows = db.session.execute(
        select(PollAnswer.user_id, PollAnswer.is_correct)
        .join(Poll, Poll.id == PollAnswer.poll_id)
        .where(Poll.lesson_id == lesson_id, PollAnswer.is_correct.is_not(None))
    )
    table: dict[int, dict[str, int]] = {}
    for user_id, correct in rows:
        entry = table.setdefault(user_id, {"answered": 0, "correct": 0})
        entry["answered"] += 1
        entry["correct"] += int(bool(correct))
    return table


def polls_of(lesson_id: int) -> list[Poll]:
    return list(
        db.session.scalars(select(Poll).where(Poll.lesson_id == lesson_id).order_by(Poll.id))
    )
