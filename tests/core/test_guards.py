"""The guards at the edge: NUL bytes, deeply nested JSON, out-of-range path ids, the ceiling
of connections per account. Each is a class of input the probe used to get a 500 with."""

from __future__ import annotations

import pytest

from core import devices
from core.schemas import MAX_ROW_ID

pytestmark = pytest.mark.db


def _code(response) -> str:
    return response.get_json()["error"]["code"]


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("post", "/api/v1/auth/token", {"json": {"username": "ad\x00min", "password": "x"}}),
        ("post", "/login", {"data": {"username": "ad\x00min", "password": "x"}}),
        ("get", "/meetings/1/guest/ab\x00cd", {}),
        ("get", "/api/v1/meetings?q=a\x00b", {}),
    ],
)
def test_nul_bytes_are_refused_before_any_view(demo, client, method, url, kwargs):
    headers = {"Accept": "application/json"}
    response = getattr(client, method)(url, headers=headers, **kwargs)
    assert response.status_code == 422
    assert _code(response) == "invalid_text"


def test_nul_in_a_json_body_of_a_signed_in_call_is_refused(demo, client, auth):
    headers = auth.headers("chutich")
    response = client.post("/api/v1/notifications", headers=headers,
                           json={"organization": "hue", "message": "a\u0000b"})
    assert (response.status_code, _code(response)) == (422, "invalid_text")


def test_deeply_nested_json_is_a_400_not_a_crash(demo, client):
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "error" in response.get_json()


@pytest.mark.parametrize("meeting_id", [MAX_ROW_ID + 1, 2**63, 10**30])
def test_path_ids_beyond_the_integer_columns_are_404(demo, client, auth, meeting_id):
    response = client.get(f"/api/v1/meetings/{meeting_id}", headers=auth.headers("chutich"))
    assert response.status_code == 404


def test_connections_per_account_have_a_ceiling(app):
    assert all(devices.claim("/t", 7, 2) for _ in range(2))
    assert not devices.claim("/t", 7, 2)  # the third device of the same account
    assert devices.claim("/t", 8, 2)  # another account is not affected
    devices.release("/t", 7)
    assert devices.claim("/t", 7, 2)  # a closed connection frees its place
    for user_id in (7, 7, 8):
        devices.release("/t", user_id)
    assert devices.held("/t", 7) == devices.held("/t", 8) == 0
