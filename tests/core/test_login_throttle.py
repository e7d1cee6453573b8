"""Sign-in throttling: failures per account, a generous ceiling per address (one hall of
300 tablets signs in from one public address)."""

from __future__ import annotations

import re

import pytest

from core import create_app
from core.extensions import limiter
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.db

HALL = {"REMOTE_ADDR": "203.0.113.10"}  # the city's one public address
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.77"}
DELEGATES = ("daibieu", "chutich", "thuky", "vanthu", "admin", "daibieu.phunhuan")


def form_login(app, username: str, password: str = DEMO_PASSWORD, where=HALL, **headers):
    """One sign-in from a fresh device (its own cookies)."""
    client = app.test_client()
    return client.post(
        "/login", data={"username": username, "password": password},
        environ_base=where, headers=headers,
    )


def token_login(client, username: str, password: str = DEMO_PASSWORD, where=HALL, **headers):
    return client.post(
        "/api/v1/auth/token", json={"username": username, "password": password},
        environ_base=where, headers=headers,
    )


def test_300_tablets_sign_in_from_one_address(demo, app, client):
    statuses = [form_login(app, DELEGATES[n % len(DELEGATES)]).status_code for n in range(300)]
    assert statuses == [302] * 300
    tokens = [token_login(client, "daibieu").status_code for _ in range(20)]
    assert tokens == [200] * 20


def test_sixth_wrong_password_is_refused_from_any_address(demo, app, client):
    statuses = [form_login(app, "chutich", "sai-mat-khau").status_code for _ in range(5)]
    assert statuses == [401] * 5
    refused = token_login(client, "chutich", "sai-mat-khau", where=ELSEWHERE)
    assert refused.status_code == 429
    error = refused.get_json()["error"]
    assert error["code"] == "too_many_attempts"
    assert 0 < error["details"]["retry_after"] <= 60
    assert refused.headers["Retry-After"] == str(error["details"]["retry_after"])
    assert re.search(r"thử lại sau \d+ giây\.$", error["message"]), error["message"]
    # the right password too, from anywhere, while the account's budget is spent
    assert form_login(app, "chutich", where=ELSEWHERE).status_code == 429
    # another account from the same hall is not affected
    assert form_login(app, "thuky").status_code == 302
    assert token_login(client, "daibieu").status_code == 200


def test_refusal_page_says_when_to_retry(demo, app):
    for _ in range(5):
        form_login(app, "thuky", "sai")
    page = form_login(app, "thuky", "sai")
    assert page.status_code == 429
    assert int(page.headers["Retry-After"]) > 0
    html = page.get_data(as_text=True)
    assert 'id="login-form"' in html
    assert re.search(r"Vui lòng thử lại sau \d+ giây\.", html)


def test_refusal_in_english(demo, client):
    for _ in range(5):
        token_login(client, "thuky", "sai")
    refused = token_login(client, "thuky", "sai", **{"Accept-Language": "en"})
    message = refused.get_json()["error"]["message"]
    assert re.fullmatch(r"Too many sign-in attempts\. Please try again in \d+ seconds?\.", message)


def test_successful_sign_ins_spend_no_failure_budget(demo, app):
    assert [form_login(app, "daibieu", "sai").status_code for _ in range(4)] == [401] * 4
    assert [form_login(app, "daibieu").status_code for _ in range(20)] == [302] * 20
    assert form_login(app, "daibieu", "sai").status_code == 401  # the 5th failure
    assert form_login(app, "daibieu", "sai").status_code == 429


def test_unknown_usernames_are_counted_too(demo, app):
    assert [form_login(app, "khong-co", "x").status_code for _ in range(5)] == [401] * 5
    assert form_login(app, "KHONG-CO ", "x").status_code == 429  # same account, normalised


def test_ceiling_per_address_counts_every_attempt(demo, app):
    app.config["LOGIN_ATTEMPTS_PER_ADDRESS"] = "3 per minute"
    assert [form_login(app, "daibieu").status_code for _ in range(3)] == [302] * 3
    assert form_login(app, "daibieu").status_code == 429
    assert form_login(app, "daibieu", where=ELSEWHERE).status_code == 302


def test_retry_after_in_minutes_for_a_long_window(demo, app):
    app.config["LOGIN_FAILURES_PER_ACCOUNT"] = "1 per hour"
    form_login(app, "vanthu", "sai")
    refused = form_login(app, "vanthu", "sai")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 60
    assert re.search(r"thử lại sau \d+ phút\.", refused.get_data(as_text=True))


def test_counters_are_shared_through_redis(demo, redis_url, database_url):
    """Two processes with RATELIMIT_STORAGE_URI=redis://… share the budget."""
    if not redis_url:
        pytest.skip("needs Redis: set TEST_REDIS_URL with SOHOA_TEST_BACKENDS=1")
    config = {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_STORAGE_URI": redis_url}
    first = create_app("test", config)
    limiter.reset()
    try:
        assert [form_login(first, "thuky", "sai").status_code for _ in range(5)] == [401] * 5
        second = create_app("test", config)  # another process: its own storage client
        assert form_login(second, "thuky", "sai", where=ELSEWHERE).status_code == 429
    finally:
        limiter.reset()


def test_behind_a_trusted_proxy_each_client_address_counts(demo, database_url):
    proxied = create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_HOPS": 1})
    proxied.config["LOGIN_ATTEMPTS_PER_ADDRESS"] = "2 per minute"
    proxy = {"REMOTE_ADDR": "10.0.0.2"}

    def via_proxy(client_address: str) -> int:
        headers = {"X-Forwarded-For": client_address}
        return form_login(proxied, "daibieu", where=proxy, **headers).status_code

    assert [via_proxy("203.0.113.10") for _ in range(3)] == [302, 302, 429]
    assert via_proxy("198.51.100.77") == 302  # another client behind the same proxy
