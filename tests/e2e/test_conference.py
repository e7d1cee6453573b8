"""Two browsers with fake cameras join one conference and each decodes the other's video;
the room is looked at on a tablet and on a phone."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import CHROMIUM_ARGS, SCREENS, SCREENSHOTS
from tests.e2e.test_login import sign_in

FAKE_MEDIA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="module")
def media_browser(browser):
    """A second Chromium with fake camera and microphone, for these tests only."""
    launched = browser.browser_type.launch(
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        headless=True,
        args=[*CHROMIUM_ARGS, *FAKE_MEDIA],
    )
    yield launched
    launched.close()


@pytest.fixture
def site_page(media_browser, live_server):
    contexts = []

    def open_page(username: str, kind: str = "tablet") -> Page:
        context = media_browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            **SCREENS[kind],
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        sign_in(page, username)
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def conference_id(live_server, tokens) -> int:
    response = live_server.api(
        "POST",
        "/api/v1/conferences",
        tokens("chutich"),
        json={
            "title": "Giao ban trực tuyến thành phố – phường",
            "host": "hue",
            "sites": ["phu-nhuan", "tay-loc"],
        },
    )
    assert response.status_code == 201, response.text
    assert response.json()["url"] == f"/conference/{response.json()['id']}"
    return int(response.json()["id"])


def frames_from(page: Page, site: str) -> int:
    return int(page.evaluate("(site) => window.sohoaConference.framesFrom(site)", site))


def test_two_sites_each_decode_the_others_video(site_page, conference_id):
    host = site_page("chutich")
    host.goto(f"/conference/{conference_id}")
    ward = site_page("chutich.phunhuan", "phone")
    ward.goto(f"/conference/{conference_id}")
    expect(host.locator("#conf-status")).to_have_text("Đã kết nối")
    expect(ward.locator("#conf-status")).to_have_text("Đã kết nối")
    for _ in range(60):
        if frames_from(host, "phu-nhuan") > 10 and frames_from(ward, "hue") > 10:
            break
        host.wait_for_timeout(500)
    assert frames_from(host, "phu-nhuan") > 10 and frames_from(ward, "hue") > 10
    # the chair calls the roll: the ward that joined is present, the other is not
    host.click("#btn-roll-call")
    expect(host.locator("#conf-roll li.present")).to_have_count(2)
    expect(host.locator("#conf-roll li.absent")).to_contain_text("Tây Lộc")
    # the link panel shows the ward connected
    expect(host.locator('#conf-links tr[data-site="phu-nhuan"] td').nth(1)).to_have_text(
        "Trực tuyến"
    )
    # a ward may not give the floor: it has no such button, and the server refuses it
    refused = ward.evaluate(
        "() => new Promise((ok) => window.sohoaConference.socket"
        ".emit('give_floor', {site: 'phu-nhuan'}, ok))"
    )
    assert refused["ok"] is False and refused["error"]["code"] == "not_host"
    # the chair gives the floor to the ward: the ward is told and its mic is opened
    host.click('.tile[data-site="phu-nhuan"] .give')
    expect(ward.locator("#conf-alert")).to_contain_text("được trao quyền phát biểu")
    expect(ward.locator("#btn-mic")).to_have_attribute("aria-pressed", "true")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    host.wait_for_timeout(1500)
    host.screenshot(path=str(SCREENSHOTS / "conference-host-tablet.png"), full_page=True)
    ward.screenshot(path=str(SCREENSHOTS / "conference-ward-phone.png"), full_page=True)


def test_a_site_without_camera_permission_is_told_and_still_joins(page, live_server, tokens):
    """The ordinary browser (no fake devices): camera access fails; the page says why
    in Vietnamese and the site still joins to watch and listen."""
    made = live_server.api(
        "POST",
        "/api/v1/conferences",
        tokens("chutich"),
        json={"title": "Hội nghị không camera", "host": "hue", "sites": ["phu-nhuan"]},
    ).json()
    ward = page("phone")
    ward.goto("/login")
    sign_in(ward, "chutich.phunhuan")
    ward.wait_for_url(lambda url: "/login" not in url)
    ward.goto(made["url"])
    expect(ward.locator("#conf-status")).to_have_text("Đã kết nối")
    expect(ward.locator("#conf-alert")).to_be_visible()
    expect(ward.locator("#conf-alert")).to_contain_text("camera")
    expect(ward.locator("#btn-mic")).to_be_disabled()
