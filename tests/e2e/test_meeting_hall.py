"""A delegate's tablet loses the hall's Wi-Fi while a vote closes: back online, the room
shows the result (not a stale open vote) without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_meeting_room import (  # noqa: F401 - `meeting` is a fixture
    RECONNECT_TIMEOUT_MS,
    accept_quorum_warning,
    meeting,
    open_room,
)

pytestmark = pytest.mark.e2e


def test_a_vote_closed_while_a_tablet_was_offline_shows_its_result_on_return(page, meeting):  # noqa: F811
    chair = open_room(page, "chutich", meeting["id"])
    delegate = open_room(page, "daibieu", meeting["id"])
    chair.locator("#tab-vote").click()
    chair.fill("#vote-question-input", "Thông qua khi mất mạng")
    accept_quorum_warning(chair)
    chair.locator("#vote-open-submit").click()
    expect(delegate.locator("#vote-open")).to_be_visible()
    delegate.evaluate("window.__roomMarker = 'never reloaded'")

    delegate.context.set_offline(True)
    delegate.evaluate("window.sohoaRoom.socket.io.engine.close()")
    expect(delegate.locator("#room-conn")).to_have_attribute("data-state", "reconnecting")

    close = chair.locator("#vote-close")
    close.click()
    close.click()
    expect(chair.locator(".result-card.is-latest")).to_be_visible()
    expect(delegate.locator("#vote-open")).to_be_visible()  # still the stale view offline

    delegate.context.set_offline(False)
    expect(delegate.locator("#room-conn")).to_have_attribute(
        "data-state", "connected", timeout=RECONNECT_TIMEOUT_MS
    )
    expect(delegate.locator("#vote-open")).to_be_hidden()
    latest = delegate.locator(".result-card.is-latest")
    expect(latest.locator(".result-yes .result-count")).to_have_text("0")
    expect(latest).to_contain_text("Thông qua khi mất mạng")
    assert delegate.evaluate("window.__roomMarker") == "never reloaded"
    delegate.screenshot(path="/tmp/hs/hall-result-tablet.png")
