"""The minutes (meetings.minutes): the draft pre-filled from the record, and the
secretary's own text (the PDF is in test_minutes_pdf.py)."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.schemas import parse
from meetings import minutes
from meetings.access import MeetingRight
from meetings.schemas import MinutesIn
from tests.meetings.checks import raises
from tests.meetings.factories import (
    acting,
    cast,
    close,
    conclude,
    held_meeting,
    make_meeting,
    open_vote,
    present,
    start,
)

pytestmark = pytest.mark.db

MAX_MINUTES_CHARS = 100_000


def save(meeting, by: str, text: str):
    """What PUT minutes does: the secretary's standing, the parsed text, the rule."""
    secretary = acting(meeting, by, MeetingRight.TAKE_MINUTES)
    return minutes.save_minutes(secretary, parse(MinutesIn, {"text": text}).text)


def test_minutes_draft_contains_attendance_votes_and_conclusions(demo):
    meeting = held_meeting()
    text = minutes.minutes_text(meeting)
    assert text.startswith("BIÊN BẢN HỌP THƯỜNG KỲ KIỂM THỬ")
    assert "Có mặt: 3/4" in text
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        assert name in text
    assert "Vắng mặt: Phạm Thị Dung (Đi công tác)" in text
    assert "1. Báo cáo kinh tế – xã hội" in text
    assert "Phát biểu: Lê Văn Cường" in text
    assert "Thông qua báo cáo — đồng ý 2, không đồng ý 0, không biểu quyết 1 / 3 có mặt" in text
    assert "Kết luận: Thống nhất thông qua báo cáo" in text
    assert "UBND phường Phú Nhuận: Chỉnh trang vỉa hè" in text
    assert "15/01/2027" in text


def test_minutes_keep_conclusions_and_votes_outside_the_agenda(demo):
    """A conclusion or vote not tied to an agenda item still belongs in the minutes."""
    meeting = make_meeting(participants=["daibieu"])
    start(meeting)  # no agenda
    present(meeting, "chutich", "daibieu")
    vote_id = open_vote(meeting, "Biểu quyết chung")
    cast(meeting, "daibieu", vote_id, "yes")
    close(meeting, vote_id)
    open_vote(meeting, "Biểu quyết còn mở", secret=True)
    conclude(meeting, {"text": "Kết luận chung của cuộc họp"})
    db.session.commit()
    text = minutes.draft_minutes(meeting)
    assert "1. Nội dung chung" in text
    assert "Kết luận chung của cuộc họp" in text
    assert "Biểu quyết chung — đồng ý 1" in text
    assert "Biểu quyết (bỏ phiếu kín): Biểu quyết còn mở — chưa kết thúc" in text


def test_only_the_secretary_saves_the_minutes(demo):
    meeting = held_meeting()
    for name in ("chutich", "daibieu", "vanthu"):
        raises("not_secretary", 403, save, meeting, name, "Biên bản")
    raises("invalid_minutes", 422, save, meeting, "thuky", "   ")
    raises("invalid_minutes", 422, save, meeting, "thuky", "x" * (MAX_MINUTES_CHARS + 1))
    db.session.refresh(meeting)
    assert meeting.minutes_text == ""
    save(meeting, "thuky", "BIÊN BẢN đã sửa")
    db.session.commit()
    assert minutes.minutes_text(meeting) == "BIÊN BẢN đã sửa"
    assert meeting.minutes_updated_at is not None
    # the draft from the record is still there for the secretary to compare
    assert minutes.draft_minutes(meeting).startswith("BIÊN BẢN HỌP THƯỜNG KỲ")
