"""After the meeting (meetings.record): conclusions with follow-up tasks, the tasks of an
organisation, the record of everything that happened, and search."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.text import fold
from meetings import record
from meetings.models import Conclusion, FollowUpTask
from tests.meetings.checks import count, raises
from tests.meetings.factories import (
    MANAGE,
    acting,
    add_item,
    add_pdf,
    conclude,
    end,
    held_meeting,
    make_meeting,
    started,
    task_body,
    user,
)

pytestmark = pytest.mark.db


@pytest.mark.parametrize(
    ("tasks", "code"),
    [
        ([task_body(deadline="31/02/2026")], "invalid_deadline"),
        ([task_body(deadline="2026-02-30")], "invalid_deadline"),
        ([task_body(deadline=None)], "invalid_deadline"),
        ([task_body(organization="khong-co")], "unknown_organization"),
        # a blank description is an invalid task (the schema's code for task fields)
        ([task_body(description=" ")], "invalid_tasks"),
        ([task_body(), "not a task"], "invalid_tasks"),
        ({"organization": "phu-nhuan"}, "invalid_tasks"),
    ],
)
def test_conclusion_with_a_bad_task_stores_nothing(demo, tasks, code):
    meeting = started()
    raises(code, 422, conclude, meeting, {"text": "Giao phường Phú Nhuận", "tasks": tasks})
    assert (count(Conclusion), count(FollowUpTask)) == (0, 0)


def test_conclusion_rules(demo):
    meeting = started()
    raises("invalid_conclusion", 422, conclude, meeting, {"text": "  "})
    raises("not_meeting_organiser", 403, acting, meeting, "daibieu", MANAGE)
    raises("agenda_item_not_found", 404, conclude, meeting,
           {"text": "Kết luận", "agenda_item_id": 424242})
    assert count(Conclusion) == 0


def test_a_conclusion_may_come_after_the_meeting_ended(demo):
    """An ended meeting's record changes only through the minutes and conclusions."""
    meeting = held_meeting()
    end(meeting)
    conclude(meeting, {"text": "Bổ sung sau cuộc họp"}, by="chutich")
    db.session.commit()
    assert [c.text for c in record.conclusions_of(meeting)][-1] == "Bổ sung sau cuộc họp"


def test_tasks_are_visible_to_the_assigned_organisation_and_done_once(demo):
    meeting = started()
    conclusion = conclude(
        meeting,
        {
            "text": "Giao phường Phú Nhuận chỉnh trang đô thị",
            "agenda_item_id": meeting.agenda[0].id,
            "tasks": [task_body(), task_body(organization="tay-loc", description="Khơi thông")],
        },
        by="chutich",
    )
    db.session.commit()
    ward_task, tayloc_task = conclusion.tasks
    ward = ward_task.organization

    assert [t.id for t in record.open_tasks_for(user("daibieu.phunhuan"))] == [ward_task.id]
    assert [t.id for t in record.open_tasks_for(user("daibieu.tayloc"))] == [tayloc_task.id]
    assert record.open_tasks_for(user("daibieu")) == []
    assert [t.id for t in record.tasks_for_organization(ward)] == [ward_task.id]

    raises("not_assignee", 403, record.complete_task, ward_task.id, user("daibieu.tayloc"))
    raises("task_not_found", 404, record.complete_task, 987654, user("daibieu.phunhuan"))
    done = record.complete_task(ward_task.id, user("daibieu.phunhuan"))
    db.session.commit()
    assert (done.status, done.done_by_id) == ("done", user("daibieu.phunhuan").id)
    raises("task_already_done", 409, record.complete_task, ward_task.id, user("thuky.phunhuan"))
    assert record.open_tasks_for(user("daibieu.phunhuan")) == []
    assert [t.id for t in record.tasks_for_organization(ward, include_done=True)] == [
        ward_task.id
    ]
    # a city administrator may close any organisation's task
    assert record.complete_task(tayloc_task.id, user("admin")).status == "done"


def test_meeting_record_has_everything(demo):
    meeting = held_meeting()
    data = record.meeting_record(meeting)
    attendance = {a["user"]: (a["attendance"], a["absence_reason"]) for a in data["attendance"]}
    assert attendance == {
        "chutich": ("present", None),
        "thuky": ("present", None),
        "daibieu": ("present", None),
        "daibieu.phunhuan": ("absent", "Đi công tác"),
    }
    assert [s["user"] for s in data["speakers"]] == ["daibieu"]
    assert data["speakers"][0]["agenda_item"] == "Báo cáo kinh tế – xã hội"
    (vote,) = data["votes"]
    assert (vote["yes"], vote["no"], vote["abstain"], vote["eligible"], vote["status"]) == (
        2, 0, 1, 3, "closed",
    )
    # a regular meeting decides on its whole membership: 2 of 4 members is not more than half
    assert vote["passed"] is False
    assert (vote["members"], vote["share_of_members"], vote["share_of_present"]) == (4, 50.0, 66.7)
    assert vote["pass_base"] == "members"
    (conclusion,) = data["conclusions"]
    assert conclusion["tasks"][0]["organization"] == "phu-nhuan"
    assert conclusion["tasks"][0]["deadline"] == "2027-01-15"


def test_search_finds_only_visible_meetings(demo):
    secret = make_meeting(title="Họp mật về quy hoạch", confidential=True)
    conclude(secret, {"text": "Quy hoạch khu đô thị"})
    visible = make_meeting(title="Họp công khai")
    conclude(visible, {"text": "Quy hoạch công viên"})
    db.session.commit()
    assert {m.id for m in record.search_meetings(user("thuky"), "quy hoạch")} == {
        secret.id,
        visible.id,
    }
    assert {m.id for m in record.search_meetings(user("vanthu"), "quy hoạch")} == {visible.id}
    # by an agenda item's title too, and nothing for words nobody used
    add_item(visible, "Bàn về cây xanh đô thị")
    db.session.commit()
    assert {m.id for m in record.search_meetings(user("vanthu"), "CÂY XANH")} == {visible.id}
    assert {m.id for m in record.search_meetings(user("vanthu"), "không có ai")} == set()


def test_search_without_diacritics_finds_titles_documents_people_and_conclusions(demo):
    river = make_meeting(title="Họp về bảo vệ sông Hương", participants=["daibieu.phunhuan"])
    other = make_meeting(title="Giao ban tuần")
    add_pdf(other, title="Đề án đường Lê Lợi")
    conclude(other, {"text": "Giao Phường Phú Hội rà soát"})
    db.session.commit()

    def found(text: str) -> set[int]:
        return {m.id for m in record.search_meetings(user("chutich"), text)}

    assert found("song huong") == {river.id}
    assert found("SÔNG HƯƠNG") == {river.id}
    assert found("duong le loi") == {other.id}  # a document's title, đ typed as d
    assert found("phu hoi") == {other.id}  # a conclusion
    assert river.id in found("pham thi dung")  # a participant's name, without tones
    assert found("không khớp gì") == set()


def test_fold_drops_tones_and_case():
    assert fold("  Đường   Lê LỢI ") == "duong le loi"
    assert fold("Thủy Biều") == fold("thuy bieu")
