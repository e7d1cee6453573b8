"""`sohoa serve` in production runs gunicorn (threads, simple-websocket), not Werkzeug's
development server; over-long URLs get a 414 in the JSON shape from both servers."""

from __future__ import annotations

import secrets

import pytest
import requests

from tests.core.test_socket_auth import NS, PROBE, browser
from tests.support import LiveServer, disconnect_all

pytestmark = pytest.mark.sockets

LONG_URL = "/api/v1/me?" + "a" * 20_000  # past gunicorn's 8190-byte request line
MEDIUM_URL = "/api/v1/me?" + "a" * 8_100  # past MAX_URL_BYTES, within gunicorn's limit


@pytest.fixture(scope="module")
def production_server(live_server, tmp_path_factory):
    server = LiveServer(
        tmp_path_factory.mktemp("production"), live_server.env["DATABASE_URL"],
        live_server.env.get("SOCKETIO_MESSAGE_QUEUE"),
    )
    server.env.update(
        SOHOA_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        SESSION_COOKIE_SECURE="false",  # plain HTTP on loopback
        SERVER_THREADS="16",
    )
    server.start()
    yield server
    server.stop()


def uri_too_long(response: requests.Response) -> None:
    assert response.status_code == 414
    assert response.json()["error"]["code"] == "uri_too_long"
    assert response.json()["error"]["message"]


def test_production_serves_pages_through_gunicorn(production_server):
    login = requests.get(production_server.url + "/login", timeout=10)
    assert login.status_code == 200
    assert login.headers["Server"].startswith("gunicorn")
    assert "script-src 'self'" in login.headers["Content-Security-Policy"]
    session, _ = browser(production_server, "chutich")
    home = session.get(production_server.url + "/", timeout=10)
    assert home.status_code == 200 and "Nguyễn Văn An" in home.text
    log = production_server.log_path.read_text()
    assert "development server" not in log.lower()
    assert "SohoaWorker" in log


def test_production_websocket_connects(production_server):
    client = production_server.socket(NS, production_server.token("daibieu"))
    try:
        assert client.transport() == "websocket"
        answer = client.call("join", PROBE, namespace=NS, timeout=10)
        assert answer["error"]["code"] == "meeting_not_found"
    finally:
        disconnect_all([client])


@pytest.mark.parametrize("path", [LONG_URL, MEDIUM_URL])
def test_production_uri_too_long_is_json(production_server, path):
    uri_too_long(requests.get(production_server.url + path, timeout=10))


@pytest.mark.parametrize("path", [LONG_URL, MEDIUM_URL])
def test_development_server_uri_too_long_is_json(live_server, path):
    uri_too_long(requests.get(live_server.url + path, timeout=10))

