"""Sign-in, sign-out, CSRF, rate limits and API tokens."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from core.models import ApiToken

pytestmark = pytest.mark.db


def test_login_page_is_vietnamese_by_default(client):
    page = client.get("/login", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "Đăng nhập" in page
    assert 'lang="vi"' in page


def test_login_then_home_then_logout(demo, client, auth):
    response = auth.login("chutich")
    assert response.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Nguyễn Văn An" in home
    assert "Chủ tọa" in home
    assert auth.logout().status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_is_refused_in_vietnamese(demo, client, auth):
    response = auth.login("chutich", "wrong-password")
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_is_rate_limited_after_repeated_failures(demo, auth):
    statuses = [auth.login("chutich", "nope").status_code for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    # even the right password is refused while the limit holds
    assert auth.login("chutich").status_code == 429


def test_form_without_csrf_token_is_refused(demo, app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login", data={"username": "chutich", "password": "sohoa-demo-2026"})
    assert response.status_code == 400
    assert "mã bảo mật" in response.get_data(as_text=True)


def test_open_redirect_after_login_is_ignored(demo, client):
    response = client.post(
        "/login?next=https://evil.example/",
        data={"username": "chutich", "password": "sohoa-demo-2026"},
    )
    assert response.headers["Location"] == "/"


def test_token_and_me(demo, client, auth):
    response = client.get("/api/v1/me", headers=auth.headers("thuky"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["username"] == "thuky"
    assert {"organization": "hue", "role": "secretary"} in body["roles"]


def test_token_bad_credentials(demo, client):
    response = client.post("/api/v1/auth/token", json={"username": "thuky", "password": "x"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_credentials"


def test_token_missing_field_and_bad_json(demo, client):
    response = client.post("/api/v1/auth/token", json={"username": "thuky"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "missing_field"
    response = client.post("/api/v1/auth/token", data="not json", content_type="text/plain")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_json"


def test_invalid_and_expired_tokens_are_refused(demo, client, auth):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer not-a-token"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"
    headers = auth.headers("thuky")
    for row in db.session.scalars(db.select(ApiToken)):
        row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "invalid_token"


def test_api_without_token_is_401_json(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_api_errors_in_english_on_request(demo, client):
    response = client.post(
        "/api/v1/auth/token",
        json={"username": "thuky", "password": "x"},
        headers={"Accept-Language": "en"},
    )
    assert response.get_json()["error"]["message"] == "Wrong username or password."


def test_language_switch_to_english(demo, client, auth):
    auth.login("chutich")
    client.get("/lang/en")
    page = client.get("/").get_data(as_text=True)
    assert "Sign out" in page
    client.get("/lang/vi")
    assert "Đăng xuất" in client.get("/").get_data(as_text=True)


def test_unknown_route_is_json_404_under_api(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_the_sign_in_form_names_each_field_left_out(demo, client):
    response = client.post("/login", data={"username": "", "password": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Thiếu tên đăng nhập." in page and "Thiếu mật khẩu." in page
    assert page.count('aria-invalid="true"') == 2
    assert 'aria-describedby="username-error"' in page
    kept = client.post("/login", data={"username": "chutich", "password": ""})
    page = kept.get_data(as_text=True)
    assert "Thiếu mật khẩu." in page and "Thiếu tên đăng nhập." not in page
    assert 'value="chutich"' in page
