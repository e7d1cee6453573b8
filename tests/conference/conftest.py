"""Fixtures of the conference tests: API callers, a conference, Socket.IO sites."""

from __future__ import annotations

from typing import Any

import pytest

from core.extensions import db, socketio
from core.security import issue_token
from tests.meetings.factories import user


@pytest.fixture
def h(demo):
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in cache:
            token, _ = issue_token(user(username), 1)
            db.session.commit()
            cache[username] = {"Authorization": f"Bearer {token}"}
        return cache[username]

    return headers


BODY = {"title": "Giao ban trực tuyến", "host": "hue", "sites": ["phu-nhuan", "tay-loc"]}


@pytest.fixture
def conference(client, h):
    def create(by: str = "chutich", **overrides: Any) -> dict[str, Any]:
        response = client.post("/api/v1/conferences", json={**BODY, **overrides}, headers=h(by))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def hub(app):
    app.config["CONFERENCE_PEER_TIMEOUT"] = 5
    yield
    engine = app.extensions.pop("conference_engine", None)
    if engine is not None:
        engine.close()


class Site:
    """A browser of one site, on the in-process Socket.IO test client."""

    def __init__(self, app, username: str) -> None:
        token, _ = issue_token(user(username), 1)
        db.session.commit()
        self.client = socketio.test_client(app, namespace="/conference", auth={"token": token})
        assert self.client.is_connected("/conference")

    def call(self, event: str, **data: Any) -> dict[str, Any]:
        return self.client.emit(event, data, namespace="/conference", callback=True)

    def ok(self, event: str, **data: Any) -> dict[str, Any]:
        ack = self.call(event, **data)
        assert ack["ok"], ack
        return ack

    def refused(self, event: str, code: str, **data: Any) -> dict[str, Any]:
        ack = self.call(event, **data)
        assert not ack["ok"] and ack["error"]["code"] == code, ack
        assert ack["error"]["message"]
        return ack

    def events(self, name: str) -> list[Any]:
        """Events of this name received so far (and not yet looked at)."""
        self.inbox = getattr(self, "inbox", []) + self.client.get_received("/conference")
        found = [m["args"][0] for m in self.inbox if m["name"] == name]
        self.inbox = [m for m in self.inbox if m["name"] != name]
        return found

    def close(self) -> None:
        if self.client.is_connected("/conference"):
            self.client.disconnect(namespace="/conference")


@pytest.fixture
def site(app, client, h, hub):
    made: list[Site] = []

    def join(username: str, conference_id: int) -> Site:
        token = client.post(
            f"/api/v1/conferences/{conference_id}/join-token", headers=h(username)
        ).get_json()["token"]
        browser = Site(app, username)
        browser.ok("join", conference_id=conference_id, token=token)
        made.append(browser)
        return browser

    yield join
    for browser in made:
        browser.close()
