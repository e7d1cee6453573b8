"""Reading through an outage, server side: the room's service worker script and its headers,
what the room page tells it, notes resent with their device key saved once, and the
logout answer that clears what the browser kept."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from core import live_document
from core.auth import LOGOUT_CLEAR_SITE_DATA
from core.extensions import db
from core.live_document import PageNote, save_note
from tests.meetings.checks import vi_error
from tests.meetings.factories import user

pytestmark = pytest.mark.db

KEY = "3f9c2a7e-1b4d-4e8a-9c0f-5a6b7c8d9e0f"


def stored_notes() -> list[PageNote]:
    return list(db.session.scalars(select(PageNote).order_by(PageNote.page)))


def test_worker_script_is_served_for_the_whole_site(client):
    response = client.get("/meetings/offline-worker.js")  # no account needed: no personal data
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"] == "no-cache"  # a new worker is picked up at once
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert "sohoa-meeting-" in body and "addEventListener('fetch'" in body
    response.close()


def test_worker_may_run_under_the_page_policy(client):
    """worker-src of the CSP allows a same-origin worker script."""
    policy = client.get("/login").headers["Content-Security-Policy"]
    assert re.search(r"worker-src [^;]*'self'", policy)


@pytest.mark.parametrize("confidential", [False, True])
def test_room_page_tells_the_worker_about_the_meeting(
    client, auth, ready, api_meeting, confidential
):
    meeting, _document = ready
    if confidential:
        meeting = api_meeting(confidential=True, participants=["daibieu"])
    auth.login("daibieu")
    page = client.get(f"/meetings/{meeting['id']}/room").get_data(as_text=True)
    found = re.search(
        r'<script type="application/json" id="room-offline-config">(.*?)</script>', page, re.S
    )
    assert found, "the offline configuration is on the room page"
    config = json.loads(found.group(1))
    assert config["worker"] == "/meetings/offline-worker.js"
    assert config["confidential"] is confidential
    assert config["ends_at"] == meeting["ends_at"]
    assert config["strings"]["keptDocuments"] == "Đã lưu {kept}/{total} tài liệu trên máy."
    assert 'id="room-offline"' in page
    assert "Mất kết nối — đang đọc tài liệu đã lưu trên máy" in page


def test_logout_clears_what_the_browser_kept(client, auth, demo):
    auth.login("daibieu")
    response = auth.logout()
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == LOGOUT_CLEAR_SITE_DATA == '"cache", "storage"'
    assert client.get("/login").headers.get("Clear-Site-Data") is None  # only at sign-out


def test_note_resent_with_its_key_is_saved_once(client, h, ready):
    _, document = ready
    url = f"/api/v1/documents/{document['id']}/notes/3"
    body = {"text": "Viết khi mất mạng", "key": KEY}
    first = client.put(url, json=body, headers=h("daibieu"))
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"page": 3, "text": "Viết khi mất mạng", "key": KEY}
    saved_at = stored_notes()[0].updated_at

    again = client.put(url, json=body, headers=h("daibieu"))  # the answer was lost: sent again
    assert again.status_code == 200
    assert again.get_json() == first.get_json()
    notes = stored_notes()
    assert [(n.page, n.text, n.client_key) for n in notes] == [(3, "Viết khi mất mạng", KEY)]
    assert notes[0].updated_at == saved_at  # nothing was written

    # a newer text has a new key and replaces it; notes without a key work as before
    newer = {"text": "Sửa lại sau khi có mạng", "key": KEY.replace("3f9c", "40aa")}
    assert client.put(url, json=newer, headers=h("daibieu")).status_code == 200
    assert client.put(url, json={"text": "Không có khóa"}, headers=h("daibieu")).status_code == 200
    listed = client.get(f"/api/v1/documents/{document['id']}/notes", headers=h("daibieu"))
    assert listed.get_json() == {"3": "Không có khóa"}
    assert stored_notes()[0].client_key is None


def test_deleting_a_note_resent_with_its_key(client, h, ready):
    _, document = ready
    url = f"/api/v1/documents/{document['id']}/notes/2"
    client.put(url, json={"text": "Tạm"}, headers=h("daibieu"))
    for _attempt in range(2):
        response = client.put(url, json={"text": "", "key": KEY}, headers=h("daibieu"))
        assert response.status_code == 200, response.get_json()
    assert stored_notes() == []


@pytest.mark.parametrize(
    "key",
    [
        "short",
        "x" * 101,
        "có dấu tiếng Việt",
        "a b c d e f g h",
        "../../etc/passwd",
        12345678,
        True,
    ],
)
def test_bad_note_key_is_refused_and_nothing_stored(client, h, ready, key):
    _, document = ready
    url = f"/api/v1/documents/{document['id']}/notes/1"
    response = client.put(url, json={"text": "Ghi chú", "key": key}, headers=h("daibieu"))
    vi_error(response, 422, "invalid_note_key")
    assert stored_notes() == []


def test_first_saves_racing_end_as_one_note(app, demo, monkeypatch):
    """Two devices (or a resend and its original) insert the page's note at once: the one
    that loses the race updates the winner's note instead of failing."""
    user_id = user("daibieu").id
    real = live_document._write_note
    raced = []

    def lose_the_race_once(where, text, key):
        if not raced:
            raced.append(True)
            context, document_id, page, uid = where
            winner = PageNote(context=context, document_id=document_id, page=page, user_id=uid)
            winner.text = "từ máy kia"
            db.session.add(winner)
            db.session.commit()  # the other device's save, already committed
            db.session.add(
                PageNote(context=context, document_id=document_id, page=page, user_id=uid)
            )
            db.session.flush()  # raises IntegrityError, as the losing insert would
        return real(where, text, key)

    monkeypatch.setattr(live_document, "_write_note", lose_the_race_once)
    note = save_note("meeting", 77, 5, user_id, 2, "từ máy này", key=KEY)
    db.session.commit()
    assert raced and note is not None
    count = db.session.scalar(select(func.count()).select_from(PageNote))
    assert count == 1
    assert (note.text, note.client_key) == ("từ máy này", KEY)
