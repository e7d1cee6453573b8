"""Logout ends sessions server-side; password changes end them all; tokens are revocable;
CSRF is skipped only for calls a valid token authenticated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from argon2 import PasswordHasher

from core import create_app
from core.extensions import db
from core.models import ApiToken
from core.security import create_or_update_user, user_by_username
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.db


def signed_in(app, username: str = "chutich", remember: bool = False):
    client = app.test_client()
    data = {"username": username, "password": DEMO_PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def device_with(app, **cookies: str):
    """Another device that only has these cookies (copied from a signed-in one)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def test_session_cookie_copied_before_logout_stops_working(demo, app):
    tablet = signed_in(app)
    copied = tablet.get_cookie("session").value
    assert device_with(app, session=copied).get("/api/v1/me").status_code == 200
    assert tablet.post("/logout").status_code == 302
    assert device_with(app, session=copied).get("/api/v1/me").status_code == 401
    assert device_with(app, session=copied).get("/").status_code == 302
    # signing in again works, with a new session
    assert signed_in(app).get("/api/v1/me").status_code == 200


def test_remember_cookie_is_revoked_by_logout(demo, app):
    tablet = signed_in(app, remember=True)
    remember = tablet.get_cookie("remember_token")
    assert remember is not None
    assert remember.http_only and remember.same_site == "Lax"
    lifetime = remember.expires - remember.expires.now(remember.expires.tzinfo)
    assert timedelta(hours=11) < lifetime <= timedelta(hours=12)
    assert device_with(app, remember_token=remember.value).get("/api/v1/me").status_code == 200
    tablet.post("/logout")
    assert device_with(app, remember_token=remember.value).get("/api/v1/me").status_code == 401


def test_production_remember_cookie_is_secure(isolated_production):
    assert isolated_production.config["REMEMBER_COOKIE_SECURE"] is True
    assert isolated_production.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
    assert isolated_production.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert isolated_production.config["REMEMBER_COOKIE_DURATION"] == timedelta(hours=12)


@pytest.fixture
def isolated_production(tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app(
        "production",
        {"SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "p.sqlite"),
         "SECRET_KEY": "k" * 32},
    )


def test_password_change_ends_every_session_and_token(demo, app, auth):
    phone, tablet = signed_in(app, "thuky"), signed_in(app, "thuky", remember=True)
    remember = tablet.get_cookie("remember_token").value
    token = auth.token("thuky")
    create_or_update_user("thuky", "mat-khau-moi-2026", "secretary", "hue")
    db.session.commit()
    for client in (phone, tablet, device_with(app, remember_token=remember)):
        assert client.get("/api/v1/me").status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    assert app.test_client().get("/api/v1/me", headers=bearer).status_code == 401
    fresh = app.test_client()
    data = {"username": "thuky", "password": "mat-khau-moi-2026"}
    assert fresh.post("/login", data=data).status_code == 302


def test_cli_password_reset_ends_sessions(demo, app, runner):
    tablet = signed_in(app, "daibieu")
    result = runner.invoke(
        args=["user", "create", "daibieu", "--role", "delegate", "--org", "hue",
              "--password-stdin"],
        input="mot-mat-khau-khac\n",
    )
    assert result.exit_code == 0, result.output
    assert tablet.get("/api/v1/me").status_code == 401


def test_a_rehash_on_login_does_not_end_sessions(demo, app):
    tablet = signed_in(app, "vanthu")
    user = user_by_username("vanthu")
    older = PasswordHasher(time_cost=2, memory_cost=1024, parallelism=1)
    user.password_hash = older.hash(DEMO_PASSWORD)  # parameters that need a rehash
    db.session.commit()
    assert signed_in(app, "vanthu").get("/api/v1/me").status_code == 200  # rehashed
    assert tablet.get("/api/v1/me").status_code == 200


# -- DELETE /api/v1/auth/token ----------------------------------------------------------


def test_delete_token_revokes_the_token_of_the_call(demo, client, auth):
    token, other = auth.token("thuky"), auth.token("thuky")
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.delete("/api/v1/auth/token", headers=bearer).status_code == 204
    response = client.get("/api/v1/me", headers=bearer)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    again = client.delete("/api/v1/auth/token", headers=bearer)
    assert again.status_code == 401
    assert again.get_json()["error"]["code"] == "invalid_token"
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 200
    assert db.session.query(ApiToken).filter_by(revoked=True).count() == 1


def test_delete_token_without_a_token_is_401(demo, client):
    response = client.delete("/api/v1/auth/token")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_delete_token_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").get_json()
    operation = document["paths"]["/api/v1/auth/token"]["delete"]
    assert operation["summary"].startswith("Revoke the bearer token")


# -- CSRF ------------------------------------------------------------------------------


def notice(client, **headers: str):
    return client.post(
        "/api/v1/notifications", json={"organization": "hue", "message": "Họp lúc 14 giờ"},
        headers=headers,
    )


def test_session_post_with_a_bogus_bearer_header_needs_csrf(demo, app):
    tablet = signed_in(app)
    app.config["WTF_CSRF_ENABLED"] = True
    for header in ("Bearer not-a-token", "Bearer ", "bearer x"):
        response = notice(tablet, Authorization=header)
        assert response.status_code == 400, header
        assert response.get_json()["error"]["code"] == "csrf_failed"


def test_session_post_with_another_users_token_still_needs_csrf(demo, app, auth):
    token = auth.token("admin")
    tablet = signed_in(app)
    app.config["WTF_CSRF_ENABLED"] = True
    response = notice(tablet, Authorization=f"Bearer {token}")
    assert response.get_json()["error"]["code"] == "csrf_failed"


def test_token_call_needs_no_csrf(demo, app, auth):
    token = auth.token("chutich")
    app.config["WTF_CSRF_ENABLED"] = True
    response = notice(app.test_client(), Authorization=f"Bearer {token}")
    assert response.status_code == 201, response.get_json()
