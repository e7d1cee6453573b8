"""Socket.IO /notifications with real clients against `sohoa serve` processes.

Events are awaited with threading.Event and a timeout; "did not receive" is shown
deterministically by a later sentinel event on the same connection (events on one
connection arrive in order), never by sleeping.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from typing import Any

import pytest
import redis
import socketio

from core.realtime import EventTurns
from tests.support import LiveServer, disconnect_all

pytestmark = pytest.mark.sockets

NAMESPACE = "/notifications"
WAIT = 10  # seconds to wait for an event that must arrive
QUEUE_CHANNEL = "flask-socketio"  # Flask-SocketIO's default message-queue channel


class Inbox:
    """Collects one event's payloads on a client; ``wait_for(n)`` blocks until n arrived."""

    def __init__(self, client: socketio.Client, event: str = "notice_posted"):
        self.items: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        client.on(event, self._receive, namespace=NAMESPACE)

    def _receive(self, data: dict[str, Any]) -> None:
        with self._changed:
            self.items.append(data)
            self._changed.notify_all()

    def wait_for(self, count: int, timeout: float = WAIT) -> list[dict[str, Any]]:
        with self._changed:
            arrived = self._changed.wait_for(lambda: len(self.items) >= count, timeout)
            assert arrived, f"expected {count} event(s) within {timeout}s, got {self.items}"
            return list(self.items)


def raw_client(url: str, auth: Any = None) -> tuple[socketio.Client, list[Any]]:
    """Connect without the helper (to send no or bad auth); returns (client, connect_errors)."""
    client = socketio.Client(reconnection=False)
    errors: list[Any] = []
    client.on("connect_error", errors.append, namespace=NAMESPACE)
    client.connect(
        url, namespaces=[NAMESPACE], auth=auth, transports=["websocket"], wait_timeout=10
    )
    return client, errors


def notice(message: str, organization: str = "hue") -> dict[str, str]:
    return {"organization": organization, "message": message}


def unique(text: str) -> str:
    return f"{text} {uuid.uuid4().hex[:8]}"


# -- connecting -------------------------------------------------------------------------


def test_connecting_without_credentials_is_refused(live_server):
    errors: list[Any] = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", errors.append, namespace=NAMESPACE)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            live_server.url, namespaces=[NAMESPACE], transports=["websocket"], wait_timeout=10
        )
    assert not client.connected
    assert errors == [{"message": "unauthorized"}]


def test_connecting_with_an_invalid_token_is_refused(live_server):
    errors: list[Any] = []
    client = socketio.Client(reconnection=False)
    client.on("connect_error", errors.append, namespace=NAMESPACE)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(
            live_server.url, namespaces=[NAMESPACE], auth={"token": "not-a-real-token"},
            transports=["websocket"], wait_timeout=10,
        )
    assert not client.connected
    assert errors == [{"message": "unauthorized"}]


def test_connecting_with_a_valid_token_is_accepted(live_server, tokens):
    client = live_server.socket(NAMESPACE, tokens("thuky"))
    try:
        assert client.connected
        assert NAMESPACE in client.namespaces
    finally:
        disconnect_all([client])


def test_one_account_holds_a_bounded_number_of_connections(live_server, tokens):
    """Five devices of one person connect; a sixth is refused until one closes."""
    token = tokens("vanthu")  # an account no other live test connects with
    held = [live_server.socket(NAMESPACE, token) for _ in range(5)]
    try:
        sixth = socketio.Client(reconnection=False)
        errors: list[Any] = []
        sixth.on("connect_error", errors.append, namespace=NAMESPACE)
        with pytest.raises(socketio.exceptions.ConnectionError):
            sixth.connect(live_server.url, namespaces=[NAMESPACE], auth={"token": token},
                          transports=["websocket"], wait_timeout=10)
        assert errors == [{"message": "too_many_devices"}]
        disconnect_all(held[:1])
        deadline = time.monotonic() + WAIT
        while True:  # the server frees the place when it sees the close
            try:
                held[0] = live_server.socket(NAMESPACE, token)
                break
            except socketio.exceptions.ConnectionError:
                assert time.monotonic() < deadline, "the closed connection was not released"
                time.sleep(0.2)
    finally:
        disconnect_all([c for c in held if c.connected])


# -- POST /api/v1/notifications -----------------------------------------------------------


def test_notice_reaches_members_of_the_organisation_only(live_server, tokens):
    thuky = live_server.socket(NAMESPACE, tokens("thuky"))  # secretary @ hue
    outsider = live_server.socket(NAMESPACE, tokens("daibieu.phunhuan"))  # only @ phu-nhuan
    try:
        thuky_inbox, outsider_inbox = Inbox(thuky), Inbox(outsider)

        refused = live_server.api(
            "POST", "/api/v1/notifications", tokens("daibieu"), json=notice(unique("no"))
        )
        assert refused.status_code == 403

        message = unique("Họp giao ban lúc 14 giờ")
        response = live_server.api(
            "POST", "/api/v1/notifications", tokens("chutich"), json=notice(message)
        )
        assert response.status_code == 201, response.text
        expected = {"organization": "hue", "message": message, "by": "Nguyễn Văn An"}
        assert response.json() == expected

        # the refused post sent nothing: the first event thuky gets is the real one
        assert thuky_inbox.wait_for(1) == [expected]

        # sentinel: a notice to phu-nhuan, sent after the hue one, arrives alone
        sentinel = unique("Phường Phú Nhuận")
        response = live_server.api(
            "POST", "/api/v1/notifications", tokens("admin"),
            json=notice(sentinel, "phu-nhuan"),
        )
        assert response.status_code == 201, response.text
        received = outsider_inbox.wait_for(1)
        assert [item["message"] for item in received] == [sentinel]
    finally:
        disconnect_all([thuky, outsider])


def test_notice_to_an_unknown_organisation_is_404(live_server, tokens):
    response = live_server.api(
        "POST", "/api/v1/notifications", tokens("chutich"), json=notice("x", "khong-co")
    )
    assert response.status_code == 404
    body = response.json()
    assert body["error"]["code"] == "unknown_organization"
    assert body["error"]["message"]


def test_notice_by_a_delegate_is_403(live_server, tokens):
    response = live_server.api(
        "POST", "/api/v1/notifications", tokens("daibieu"), json=notice("x")
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("missing", ["organization", "message"])
def test_notice_with_a_missing_field_is_422(live_server, tokens, missing):
    body = notice("Nội dung")
    del body[missing]
    response = live_server.api("POST", "/api/v1/notifications", tokens("chutich"), json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "missing_field"
    assert missing in error["message"]


# -- several server processes -----------------------------------------------------------


def _wait_for_subscribers(redis_client, minimum: int, timeout: float = WAIT) -> None:
    """A process subscribes to the queue in a background thread after its first client
    connects; wait (bounded) until it has, so the test does not race that thread."""
    deadline = time.monotonic() + timeout
    while True:
        count = dict(redis_client.pubsub_numsub(QUEUE_CHANNEL)).get(QUEUE_CHANNEL.encode(), 0)
        if count >= minimum:
            return
        assert time.monotonic() < deadline, f"no process subscribed to {QUEUE_CHANNEL!r}"
        time.sleep(0.05)


def test_notice_crosses_server_processes_through_redis(redis_url, live_database, tmp_path):
    queue = redis_url or os.environ.get("TEST_REDIS_URL")
    if not queue:
        pytest.skip("needs Redis: set TEST_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")

    broker = redis.Redis.from_url(queue, socket_connect_timeout=3)
    broker.ping()  # Redis asked for but unreachable: fail, do not skip
    subscribers_before = dict(broker.pubsub_numsub(QUEUE_CHANNEL)).get(
        QUEUE_CHANNEL.encode(), 0
    )

    database = live_database()
    first = LiveServer(tmp_path / "one", database, queue)
    second = LiveServer(tmp_path / "two", database, queue)
    clients = []
    try:
        first.prepare()
        first.start()
        second.start()
        thuky = second.socket(NAMESPACE, second.token("thuky"))
        clients.append(thuky)
        inbox = Inbox(thuky)
        _wait_for_subscribers(broker, subscribers_before + 1)

        message = unique("Thông báo liên phường")
        response = first.api(
            "POST", "/api/v1/notifications", first.token("chutich"), json=notice(message)
        )
        assert response.status_code == 201, response.text
        assert inbox.wait_for(1) == [
            {"organization": "hue", "message": message, "by": "Nguyễn Văn An"}
        ]
    finally:
        disconnect_all(clients)
        second.stop()
        first.stop()
        broker.close()


def test_event_turns_let_only_so_many_handlers_run_at_once_first_come_first_served():
    turns = EventTurns()
    turns.configure(2)
    running, most, order = [0], [0], []
    lock = threading.Lock()

    def handler(n: int) -> None:
        with turns:
            with lock:
                running[0] += 1
                most[0] = max(most[0], running[0])
                order.append(n)
            time.sleep(0.02)
            with lock:
                running[0] -= 1

    threads = []
    for n in range(8):
        threads.append(threading.Thread(target=handler, args=(n,)))
        threads[-1].start()
        time.sleep(0.002)
    for thread in threads:
        thread.join(5)
    assert most[0] == 2
    assert sorted(order) == list(range(8)) and order[:2] == [0, 1]


def test_event_turns_of_zero_mean_no_limit():
    turns = EventTurns()
    turns.configure(0)
    with turns, turns, turns:  # never blocks
        pass
