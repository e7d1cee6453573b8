"""Languages and dates: a complete English catalogue, ?lang=en pages, Vietnam's time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

import core.api
from core.config import PROJECT_ROOT
from core.i18n import format_date, format_datetime, format_time, parse_local_datetime

CATALOGUE = PROJECT_ROOT / "core" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _messages():
    with CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    return [message for message in catalog if message.id]


def test_english_catalogue_is_complete():
    messages = _messages()
    assert messages
    untranslated = [m.id for m in messages if not (m.string and str(m.string).strip())]
    fuzzy = [m.id for m in messages if m.fuzzy]
    assert untranslated == [], "msgids without an English translation"
    assert fuzzy == [], "fuzzy translations must be checked and the flag removed"


def test_every_source_message_is_in_the_english_catalogue():
    """A message added to the code without its English entry would show in Vietnamese to
    English readers, silently: extract the sources as `make messages` does and compare."""
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _messages()}
    found = set()
    for package in ("core", "meetings", "signing", "enrollment", "classroom", "conference"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            PROJECT_ROOT / package,
            method_map,
            keywords={**DEFAULT_KEYWORDS, "_l": None},
        ):
            found.add(message if isinstance(message, str) else message[0])
    assert sorted(found - known) == [], "run `make messages` and translate the new entries"


def test_english_catalogue_keeps_placeholders():
    for message in _messages():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, message.id


@pytest.mark.db
def test_login_page_in_english_with_lang_en(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page
    for english in ("Sign in", "Username", "Password", "Keep me signed in"):
        assert english in page
    assert "Đăng nhập" not in page
    assert "Mật khẩu" not in page
    # ?lang= is for one request; pages stay Vietnamese otherwise
    assert "Đăng nhập" in client.get("/login").get_data(as_text=True)


@pytest.mark.db
def test_home_page_in_english_with_lang_en(demo, client, auth):
    auth.login("chutich")
    page = client.get("/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page
    for english in ("Hello, Nguyễn Văn An", "Sign out", "Home", "Chair"):
        assert english in page
    for vietnamese in ("Xin chào", "Đăng xuất", "Trang chủ", "Chủ tọa"):
        assert vietnamese not in page


@pytest.mark.db
def test_api_error_in_english_and_vietnamese(client):
    english = client.get("/api/v1/me", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert english.get_json()["error"]["message"] == "Please sign in to continue."
    vietnamese = client.get("/api/v1/me")
    assert vietnamese.get_json()["error"]["message"] == "Bạn cần đăng nhập để tiếp tục."


def test_format_date_in_vietnam_time_zone():
    evening_utc = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)  # 03:00 on the 29th in Huế
    assert format_date(evening_utc) == "29/11/2026"
    assert format_datetime(evening_utc) == "03:00 29/11/2026"
    assert format_time(evening_utc) == "03:00"
    assert format_date(datetime(2026, 11, 28, 16, 59, tzinfo=UTC)) == "28/11/2026"
    assert format_date(datetime(2026, 11, 28, 17, 0, tzinfo=UTC)) == "29/11/2026"
    assert format_date(date(2026, 9, 5)) == "05/09/2026"
    assert format_date(None) == format_datetime(None) == ""


def test_parse_local_datetime_reads_naive_as_vietnam_time():
    expected = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    assert parse_local_datetime("2026-11-29T03:00") == expected
    assert parse_local_datetime("2026-11-28T20:00Z") == expected
    assert parse_local_datetime(" 2026-11-29T03:00:00+07:00 ") == expected
    assert parse_local_datetime("2026-11-29T03:00").tzinfo is UTC


def test_date_filters_are_registered(app):
    template = app.jinja_env.from_string("{{ when|date_vn }} {{ when|datetime_vn }}")
    when = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
    assert template.render(when=when) == "29/11/2026 03:00 29/11/2026"


@pytest.mark.db
def test_invalid_bearer_token_error_in_english(client, monkeypatch):
    """Regression: choosing the locale for this error used to load the user again, which
    re-ran the failing token check recursively (a 500 on PostgreSQL)."""

    calls = []
    loader = core.api.user_for_token
    monkeypatch.setattr(core.api, "user_for_token", lambda t: calls.append(t) or loader(t))
    response = client.get(
        "/api/v1/me", headers={"Authorization": "Bearer not-a-token", "Accept-Language": "en"}
    )
    assert response.status_code == 401
    assert response.get_json()["error"] == {
        "code": "invalid_token",
        "message": "The access token is invalid or has expired.",
    }
    assert len(calls) == 1


@pytest.mark.db
def test_saved_language_follows_the_user_to_a_new_session(demo, app, auth):
    auth.login("chutich")
    auth.client.get("/lang/en")
    other = app.test_client()  # another device: no session language yet
    other.post("/login", data={"username": "chutich", "password": "sohoa-demo-2026"})
    assert "Sign out" in other.get("/").get_data(as_text=True)
