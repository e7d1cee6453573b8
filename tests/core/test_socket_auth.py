"""Socket.IO connections stop working once their token is revoked or expires, or their
user signs out: refused on the next event, and closed by the server's periodic re-check
(a tablet that only listens sends no events), with real python-socketio clients."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import requests
import socketio
from sqlalchemy import create_engine

from core.db import utcnow
from core.models import ApiToken
from core.security import token_hash
from tests.support import DEMO_PASSWORD, LiveServer, disconnect_all

pytestmark = pytest.mark.sockets

NS = "/meetings"
WAIT = 10
PROBE = {"meeting_id": 987654321}  # no such meeting: any error but "unauthorized" = signed in


@pytest.fixture(scope="module")
def no_sweep_server(live_server, tmp_path_factory):
    """A second server on the live server's database that re-checks only on events."""
    server = LiveServer(
        tmp_path_factory.mktemp("no-sweep"), live_server.env["DATABASE_URL"],
        live_server.env.get("SOCKETIO_MESSAGE_QUEUE"),
    )
    server.env["SOCKET_AUTH_RECHECK_SECONDS"] = "3600"
    server.start()
    yield server
    server.stop()


class Watched:
    """A connected client and an event set when the server closes the namespace."""

    def __init__(self, client: socketio.Client):
        self.client = client
        self.closed = threading.Event()
        client.on("disconnect", lambda *_: self.closed.set(), namespace=NS)

    def probe(self) -> str:
        return self.client.call("join", PROBE, namespace=NS, timeout=WAIT)["error"]["code"]


def by_token(server: LiveServer, token: str) -> Watched:
    return Watched(server.socket(NS, token))


def browser(server: LiveServer, username: str = "daibieu") -> tuple[requests.Session, str]:
    """A signed-in browser session (cookie and CSRF token), as the login form makes one."""
    session = requests.Session()
    page = session.get(server.url + "/login", timeout=10).text
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    data = {"username": username, "password": DEMO_PASSWORD, "csrf_token": csrf}
    response = session.post(server.url + "/login", data=data, timeout=10, allow_redirects=False)
    assert response.status_code == 302, response.text
    return session, csrf


def by_cookie(server: LiveServer, session: requests.Session) -> Watched:
    client = socketio.Client(reconnection=False)
    cookie = "; ".join(f"{c.name}={c.value}" for c in session.cookies)
    watched = Watched(client)
    client.connect(
        server.url, namespaces=[NS], headers={"Cookie": cookie}, transports=["websocket"],
        wait_timeout=WAIT,
    )
    return watched


def logout(server: LiveServer, session: requests.Session, csrf: str) -> None:
    response = session.post(
        server.url + "/logout", data={"csrf_token": csrf}, timeout=10, allow_redirects=False
    )
    assert response.status_code == 302


def expire(server: LiveServer, token: str) -> None:
    engine = create_engine(server.env["DATABASE_URL"])
    table = ApiToken.__table__
    with engine.begin() as conn:
        conn.execute(
            table.update().where(table.c.token_hash == token_hash(token))
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
    engine.dispose()


# -- on the next event ----------------------------------------------------------------------


def test_revoked_token_is_refused_on_the_next_event(no_sweep_server):
    token = no_sweep_server.token("daibieu")
    tablet = by_token(no_sweep_server, token)
    try:
        assert tablet.probe() == "meeting_not_found"
        assert no_sweep_server.api("DELETE", "/api/v1/auth/token", token).status_code == 204
        assert tablet.probe() == "unauthorized"
        assert no_sweep_server.api("GET", "/api/v1/me", token).status_code == 401
    finally:
        disconnect_all([tablet.client])


def test_expired_token_is_refused_on_the_next_event(no_sweep_server):
    token = no_sweep_server.token("thuky")
    tablet = by_token(no_sweep_server, token)
    try:
        assert tablet.probe() == "meeting_not_found"
        expire(no_sweep_server, token)
        assert tablet.probe() == "unauthorized"
    finally:
        disconnect_all([tablet.client])


def test_cookie_connection_is_refused_after_logout(no_sweep_server):
    session, csrf = browser(no_sweep_server, "daibieu.phunhuan")
    tablet = by_cookie(no_sweep_server, session)
    try:
        assert tablet.probe() == "meeting_not_found"
        logout(no_sweep_server, session, csrf)
        assert tablet.probe() == "unauthorized"
    finally:
        disconnect_all([tablet.client])


# -- closed by the periodic re-check (every second on the test server) -------------------------


def test_listening_connections_are_closed_when_their_credential_ends(live_server):
    kept_token = live_server.token("chutich")
    revoked_token, expired_token = live_server.token("daibieu"), live_server.token("thuky")
    session, csrf = browser(live_server, "daibieu.tayloc")
    kept = by_token(live_server, kept_token)
    revoked, expired = by_token(live_server, revoked_token), by_token(live_server, expired_token)
    signed_out = by_cookie(live_server, session)
    try:
        assert live_server.api("DELETE", "/api/v1/auth/token", revoked_token).status_code == 204
        expire(live_server, expired_token)
        logout(live_server, session, csrf)
        for doomed in (revoked, expired, signed_out):
            assert doomed.closed.wait(WAIT), "the server did not close the connection"
        # the same sweeps left the connection whose token still holds alone
        assert not kept.closed.is_set()
        assert kept.probe() == "meeting_not_found"
    finally:
        disconnect_all([w.client for w in (kept, revoked, expired, signed_out)])
