"""Security headers, redirects that stay on the site, the 414 shape, /healthz, SECRET_KEY."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from core import create_app
from core.config import PROJECT_ROOT
from core.extensions import db, limiter
from core.headers import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.db

INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", re.S
)


def test_every_response_has_the_security_headers(demo, client, auth):
    auth.login("chutich")
    for path in ("/login", "/", "/api/v1/me", "/static/css/sohoa.css", "/nothing-here"):
        headers = client.get(path).headers
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["X-Frame-Options"] == "DENY", path
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert "Strict-Transport-Security" not in headers, path


def test_policy_allows_no_inline_script():
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"]
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "blob:" in directives["worker-src"]  # PDF.js


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_hsts_behind_a_trusted_tls_proxy(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app("test", {"SQLALCHEMY_DATABASE_URI": database_url, "PROXY_HOPS": 1})
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" in response.headers


def test_personal_pages_and_api_answers_are_not_stored(demo, client, auth):
    auth.login("chutich")
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/me").headers["Cache-Control"] == "no-store"
    static = client.get("/static/css/sohoa.css")
    assert "no-store" not in static.headers.get("Cache-Control", "")
    static.close()


def test_no_template_has_inline_scripts():
    """The policy allows no inline script: every template of every package keeps its code
    in static/ (JSON data blocks are not scripts)."""
    for template in PROJECT_ROOT.glob("*/templates/**/*.html"):
        assert not INLINE_SCRIPT.search(template.read_text()), template
        assert not re.search(r"\son[a-z]+=", template.read_text()), template  # onclick=…


# -- redirects ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    ["/%09/evil.example/", "//evil.example", "/%5Cevil.example", "/%0a", "/%0d%0aX:1",
     "https://evil.example", "javascript:alert(1)", "/%252F%252Fevil.example"],
)
def test_language_switch_never_leaves_the_site(client, query):
    response = client.get(f"/lang/vi?next={query}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_returns_to_the_page(client):
    response = client.get("/lang/en?next=/meetings/%3Fq%3Dh")
    assert response.headers["Location"] == "/meetings/?q=h"


@pytest.mark.parametrize("query", ["/%09/evil.example/", "/%5Cevil", "/%0a", "//evil"])
def test_login_next_never_leaves_the_site(demo, client, query):
    response = client.post(
        f"/login?next={query}", data={"username": "chutich", "password": "sohoa-demo-2026"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get(f"/login?next={query}").headers["Location"] == "/"  # signed in


# -- 414, /healthz, SECRET_KEY --------------------------------------------------------------


def test_over_long_url_is_414_in_the_json_shape(client):
    response = client.get("/api/v1/me?" + "a" * 20_000)
    assert response.status_code == 414
    assert response.get_json()["error"]["code"] == "uri_too_long"
    page = client.get("/login?" + "a" * 20_000)
    assert page.status_code == 414
    assert page.mimetype == "text/html"


def test_healthz_does_no_database_work(app, client):
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        for _ in range(5):
            assert client.get("/healthz").get_json() == {"status": "ok"}
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert statements == []


def test_healthz_is_not_rate_limited(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        "test", {"SQLALCHEMY_DATABASE_URI": database_url, "RATELIMIT_DEFAULT": "2 per minute"}
    )
    client = app.test_client()
    try:
        assert [client.get("/healthz").status_code for _ in range(10)] == [200] * 10
        assert [client.get("/login").status_code for _ in range(3)] == [200, 200, 429]
    finally:  # the limiter is one object for every app: leave no default limit behind
        limiter.limit_manager.set_default_limits([])


@pytest.mark.parametrize("key", ["short", "k" * 31, "é" * 15])
def test_production_refuses_a_short_secret_key(tmp_path, monkeypatch, key):
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    uri = {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "k.sqlite")}
    with pytest.raises(RuntimeError, match="32 bytes"):
        create_app("production", {**uri, "SECRET_KEY": key})
    assert create_app("production", {**uri, "SECRET_KEY": "k" * 32})
