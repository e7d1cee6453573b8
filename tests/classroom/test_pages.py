"""The classroom pages: the class list, a class, the live lesson; outsiders get a 404."""

from __future__ import annotations

import pytest

from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.db


def _login(client, username: str) -> None:
    response = client.post("/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code in (302, 303)


def test_teacher_pages(client, lesson):
    _login(client, "giaovien")
    index = client.get("/classroom/")
    assert index.status_code == 200 and "Lớp 3A" in index.get_data(as_text=True)
    page = client.get(f"/classroom/classes/{lesson['class']['id']}").get_data(as_text=True)
    assert lesson["class"]["join_code"] in page and "Nhập danh sách từ tệp CSV" in page
    live = client.get(f"/classroom/lessons/{lesson['id']}").get_data(as_text=True)
    assert 'id="poll-form"' in live and "lesson-config" in live


def test_student_pages_hide_teacher_tools(client, lesson):
    _login(client, "hocsinh")
    page = client.get(f"/classroom/classes/{lesson['class']['id']}").get_data(as_text=True)
    assert lesson["class"]["join_code"] not in page and "roster-form" not in page
    live = client.get(f"/classroom/lessons/{lesson['id']}").get_data(as_text=True)
    assert 'id="poll-form"' not in live and 'id="hand-raise"' in live


def test_outsider_gets_404(client, lesson):
    _login(client, "daibieu")
    assert client.get(f"/classroom/classes/{lesson['class']['id']}").status_code == 404
    assert client.get(f"/classroom/lessons/{lesson['id']}").status_code == 404
