"""The secretary and then the chair sign the minutes in a real browser; the public
verification page shows both signatures valid."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.test_meeting_prepare import sign_in
from tests.meetings.factories import meeting_body
from tests.support import sohoa

pytestmark = pytest.mark.e2e


@pytest.fixture
def ended_meeting(live_server, tokens):
    for command in (("ca", "init"), ("ca", "issue", "thuky"), ("ca", "issue", "chutich")):
        result = sohoa(*command, env=live_server.env)
        assert result.returncode == 0, result.stderr + result.stdout
    chair = tokens("chutich")
    body = meeting_body(title=f"Họp ký biên bản {uuid.uuid4().hex[:6]}")
    response = live_server.api("POST", "/api/v1/meetings", chair, json=body)
    assert response.status_code == 201, response.text
    meeting_id = response.json()["id"]
    for step in ("start", "end"):
        response = live_server.api("POST", f"/api/v1/meetings/{meeting_id}/{step}", chair)
        assert response.status_code == 200, response.text
    return meeting_id


def _sign_as(page, username: str, meeting_id: int) -> None:
    tab = page("tablet")
    sign_in(tab, username)
    tab.goto(f"/meetings/{meeting_id}/record#signing")
    expect(tab.locator("#signing-turn")).to_be_visible()
    tab.click("#minutes-sign")
    role = "secretary" if username == "thuky" else "chair"
    expect(tab.locator(f"#signing-steps li[data-role={role}]")).to_have_class("is-done")


def test_secretary_then_chair_sign_and_verification_shows_both_valid(
    page, live_server, tokens, ended_meeting, tmp_path
):
    _sign_as(page, "thuky", ended_meeting)
    _sign_as(page, "chutich", ended_meeting)
    response = live_server.api(
        "GET", f"/api/v1/meetings/{ended_meeting}/minutes.pdf", tokens("daibieu")
    )
    assert response.status_code == 200
    signed = tmp_path / "bien-ban.pdf"
    signed.write_bytes(response.content)

    visitor = page("phone")  # no account
    visitor.goto("/signing/")
    visitor.set_input_files("#verify-file", str(signed))
    cards = visitor.locator(".s-sig.s-ok")
    expect(cards).to_have_count(2)
    expect(visitor.locator(".s-verdict.s-ok")).to_be_visible()
    expect(cards.nth(0)).to_contain_text("Trần Thị Bình")
    expect(cards.nth(1)).to_contain_text("Nguyễn Văn An")
    visitor.screenshot(path=str(tmp_path / "verify.png"), full_page=True)
