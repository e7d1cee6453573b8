"""Fixtures of the meetings tests: API callers, a prepared meeting, live-room devices.
The builders they use live in ``tests/meetings/factories.py``."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest

from core.extensions import db
from core.security import issue_token
from tests.meetings.devices import Member
from tests.meetings.factories import meeting_body, pdf, user
from tests.support import disconnect_all


@pytest.fixture
def h(demo):
    """``h("chutich")`` → Authorization headers. Tokens are issued directly (the login
    endpoint allows 5 sign-ins a minute, and some tests act as many people)."""
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str, **extra: str) -> dict[str, str]:
        if username not in cache:
            token, _ = issue_token(user(username), 1)
            db.session.commit()
            cache[username] = {"Authorization": f"Bearer {token}"}
        return {**cache[username], **extra}

    return headers


@pytest.fixture
def api_meeting(client, h):
    """POST /api/v1/meetings as chutich (or `by`); returns the JSON body."""

    def create(by: str = "chutich", **overrides: Any) -> dict[str, Any]:
        response = client.post("/api/v1/meetings", json=meeting_body(**overrides), headers=h(by))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def upload(client, h):
    """POST a multipart upload to a meeting's documents; ``files`` is [(bytes, name)]."""

    def post(
        meeting_id: int,
        files: list[tuple[bytes, str]] | None = None,
        by: str = "chutich",
        **form: Any,
    ):
        data: dict[str, Any] = dict(form)
        if files is not None:
            data["file"] = [(io.BytesIO(content), name) for content, name in files]
        return client.post(
            f"/api/v1/meetings/{meeting_id}/documents",
            data=data,
            headers=h(by),
            content_type="multipart/form-data",
        )

    return post


@pytest.fixture
def ready(client, h, api_meeting, upload):
    """A meeting (participants daibieu, daibieu.phunhuan) with two agenda items and a
    5-page document; returns (meeting JSON, document JSON)."""
    meeting = api_meeting()
    for title in ("Báo cáo kinh tế – xã hội", "Kế hoạch chuyển đổi số"):
        response = client.post(
            f"/api/v1/meetings/{meeting['id']}/agenda-items",
            json={"title": title},
            headers=h("chutich"),
        )
        assert response.status_code == 201
    response = upload(meeting["id"], [(pdf(5), "bao-cao.pdf")])
    assert response.status_code == 201, response.get_json()
    return meeting, response.get_json()


# -- the live room on the shared live server ------------------------------------------------


@pytest.fixture
def people(live_server, tokens):
    """``people("chutich")`` connects a device; all are closed in parallel afterwards."""
    made: list[Member] = []

    def connect(username: str, notifications: bool = False) -> Member:
        member = Member(live_server, username, tokens(username), notifications)
        made.append(member)
        return member

    yield connect
    disconnect_all([m.client for m in made if m.client.connected])


@pytest.fixture
def live_meeting(live_server, tokens) -> dict[str, Any]:
    """A new meeting in progress on the live server with one agenda item and a 5-page
    document; returns {id, document_id, agenda_item_id}."""
    chair = tokens("chutich")
    body = meeting_body(
        title=f"Họp trực tuyến {uuid.uuid4().hex[:8]}",
        participants=["daibieu", "daibieu.phunhuan", "chutich.phunhuan"],
    )
    response = live_server.api("POST", "/api/v1/meetings", chair, json=body)
    assert response.status_code == 201, response.text
    meeting_id = response.json()["id"]
    response = live_server.api(
        "POST", f"/api/v1/meetings/{meeting_id}/agenda-items", chair, json={"title": "Báo cáo"}
    )
    assert response.status_code == 201, response.text
    item_id = response.json()["id"]
    response = live_server.api(
        "POST",
        f"/api/v1/meetings/{meeting_id}/documents",
        chair,
        files={"file": ("bao-cao.pdf", pdf(5), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["pages"] == 5
    response = live_server.api("POST", f"/api/v1/meetings/{meeting_id}/start", chair)
    assert response.status_code == 200, response.text
    return {"id": meeting_id, "document_id": document["id"], "agenda_item_id": item_id}
