"""GET /readyz: 200 when the database, Redis and the media server this process uses answer,
503 with each part's answer when one does not. Real parts: the test database, the Redis of
CI (or of this machine), a listening or a closed loopback port."""

from __future__ import annotations

import socket

import pytest

from core import create_app

pytestmark = pytest.mark.db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ready_on_the_embedded_defaults(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "checks": {"database": "ok"}}


def test_a_database_that_cannot_be_opened_is_not_ready(tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    missing = tmp_path / "no-such-folder" / "sohoa.sqlite"
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "not_ready", "checks": {"database": "unreachable"}}


def test_redis_is_asked_only_when_the_process_uses_it(app, client, redis_url):
    app.config["RATELIMIT_STORAGE_URI"] = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "redis": "unreachable"}
    if redis_url is None:
        pytest.skip("no Redis to reach (TEST_REDIS_URL unset)")
    app.config["RATELIMIT_STORAGE_URI"] = redis_url
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json()["checks"] == {"database": "ok", "redis": "ok"}


def test_a_media_server_of_its_own_must_accept_connections(app, client):
    app.config["CONFERENCE_SERVER"] = f"127.0.0.1:{_closed_port()}"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["media_server"] == "unreachable"
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        app.config["CONFERENCE_SERVER"] = f"127.0.0.1:{listening.getsockname()[1]}"
        answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json()["checks"] == {"database": "ok", "media_server": "ok"}


def test_the_media_server_address_is_read_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CONFERENCE_SERVER", f"127.0.0.1:{_closed_port()}")
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["media_server"] == "unreachable"
