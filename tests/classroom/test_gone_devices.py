"""A student's device held by a server process that is gone (core.nodes) leaves the live
lesson as if it had disconnected: offline on the teacher's list, and left early."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from classroom import room
from classroom.access import ClassRight, lesson_standing
from classroom.models import Lesson, LessonConnection
from core.db import utcnow
from core.extensions import db
from core.nodes import Heartbeat, ServerNode, gone_after
from core.security import user_by_username

pytestmark = pytest.mark.db


def test_a_student_on_a_gone_process_has_left_the_lesson_early(app, client, h, lesson):
    started = client.post(f"/api/v1/lessons/{lesson['id']}/start", headers=h("giaovien"))
    assert started.status_code == 200, started.get_json()
    for username, sid in [("hocsinh", "sid-killed"), ("hs01", "sid-alive")]:
        found = lesson_standing(lesson["id"], user_by_username(username), ClassRight.LEARN)
        room.enter(found, sid)
    db.session.add_all([
        ServerNode(id="alive"),
        ServerNode(id="killed", seen_at=utcnow() - gone_after(app) - timedelta(seconds=1)),
    ])
    db.session.get(LessonConnection, "sid-killed").node = "killed"
    db.session.get(LessonConnection, "sid-alive").node = "alive"
    db.session.commit()

    assert Heartbeat.once(app) == ["killed"]
    assert set(db.session.scalars(select(LessonConnection.sid))) == {"sid-alive"}
    students = {s["user"]: s for s in room.attendance(db.session.get(Lesson, lesson["id"]))}
    assert students["hocsinh"]["online"] is False
    assert students["hocsinh"]["status"] == "left_early"
    assert students["hs01"]["online"] is True
    assert students["hs01"]["status"] == "present"
