"""Signing in and out in a real browser, on a phone and on a tablet."""

from __future__ import annotations

import re

import pytest
from babel.support import Translations
from playwright.sync_api import Page, expect

from tests.e2e.conftest import SCREENSHOTS
from tests.support import DEMO_PASSWORD, ROOT

pytestmark = pytest.mark.e2e

LOGIN_URL = re.compile(r"/login(\?.*)?$")
HOME_URL = re.compile(r"^http://[^/]+/(\?.*)?$")


def english(vietnamese: str) -> str | None:
    """The compiled English translation, or None while the catalogue lacks it."""
    catalogue = Translations.load(str(ROOT / "core" / "translations"), ["en"], "messages")
    text = catalogue.gettext(vietnamese)  # no .mo yet: NullTranslations echoes the input
    return text if text != vietnamese else None


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("#login-submit")


def expect_login_page_in_vietnamese(page: Page) -> None:
    expect(page).to_have_url(LOGIN_URL)
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("h1")).to_have_text("Đăng nhập")
    expect(page.locator("#login-submit")).to_have_text("Đăng nhập")


def expect_home_of_chutich(page: Page) -> None:
    expect(page).to_have_url(HOME_URL)
    expect(page.locator("main h1")).to_contain_text("Nguyễn Văn An")
    expect(page.locator("#logout-button")).to_be_visible()


def test_phone_sign_in_switch_language_and_sign_out(page):
    phone = page("phone")
    phone.goto("/")
    expect_login_page_in_vietnamese(phone)  # redirected: the home page needs an account

    sign_in(phone, "chutich")
    expect_home_of_chutich(phone)
    expect(phone.locator("main")).to_contain_text("Chủ tọa")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.screenshot(path=str(SCREENSHOTS / "home-phone.png"), full_page=True)

    phone.click('a[data-lang="en"]')
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.locator('a[data-lang="en"]')).to_have_class(re.compile(r"\bactive\b"))
    expect(phone.locator("main h1")).to_contain_text("Nguyễn Văn An")
    expect(phone.locator("#logout-button")).to_be_visible()
    sign_out = english("Đăng xuất")  # the English catalogue is still being written
    if sign_out:
        expect(phone.locator("#logout-button")).to_have_attribute("title", sign_out)

    # The choice is saved on the account: switch back so other tests see Vietnamese.
    phone.click('a[data-lang="vi"]')
    expect(phone.locator("html")).to_have_attribute("lang", "vi")

    phone.click("#logout-button")
    expect_login_page_in_vietnamese(phone)
    expect(phone.locator("#logout-button")).to_have_count(0)
    phone.goto("/")
    expect(phone).to_have_url(LOGIN_URL)  # signed out for real


def test_tablet_sign_in_and_sign_out(page):
    # An English-speaking browser still gets Vietnamese pages until the user switches.
    tablet = page("tablet", locale="en-US")
    tablet.goto("/login")
    expect_login_page_in_vietnamese(tablet)

    sign_in(tablet, "chutich")
    expect_home_of_chutich(tablet)
    expect(tablet.locator(".user-name")).to_have_text("Nguyễn Văn An")

    tablet.click("#logout-button")
    expect(tablet).to_have_url(LOGIN_URL)
    expect(tablet.locator("#login-form")).to_be_visible()


def test_wrong_password_shows_a_vietnamese_error(page):
    phone = page("phone")
    phone.goto("/login")
    sign_in(phone, "chutich", "not-the-password")

    expect_login_page_in_vietnamese(phone)
    error = phone.locator(".flash-error")
    expect(error).to_be_visible()
    expect(error).to_have_text("Tên đăng nhập hoặc mật khẩu không đúng.")
    expect(phone.locator("#logout-button")).to_have_count(0)
