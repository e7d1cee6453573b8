"""Throttling the join code (mã vào lớp), in the sign-in guard's style (core.login_guard).

A class of tablets shares one school address, so the address alone must not decide: every
attempt from an address counts against a generous ceiling, *wrong* codes against a small
budget per address, and the requests made with one valid code against a budget per code
(a leaked code cannot flood the teacher's waiting list). With 32⁶ codes, a code that only
works while a lesson is live and a teacher who admits every device, guessing gets nothing.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from core.errors import DomainError
from core.extensions import limiter
from core.login_guard import seconds_left, wait_in_words

DEFAULTS = {
    "CLASS_JOIN_ATTEMPTS_PER_ADDRESS": "300 per 10 minutes",
    "CLASS_JOIN_FAILURES_PER_ADDRESS": "20 per 10 minutes; 60 per day",
    "CLASS_JOIN_REQUESTS_PER_CODE": "200 per 10 minutes",
}


class TooManyCodeAttempts(DomainError):
    status = 429

    def __init__(self, retry_after: int):
        message = _(
            "Quá nhiều lần nhập mã vào lớp. Vui lòng thử lại sau %(wait)s.",
            wait=wait_in_words(retry_after),
        )
        super().__init__("too_many_attempts", message, 429, retry_after=retry_after)
        self.headers = {"Retry-After": str(retry_after)}


def _items(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config.get(setting) or DEFAULTS[setting])


def _spend(setting: str, keys: tuple[str, ...]) -> list[int]:
    return [
        seconds_left(item, keys) for item in _items(setting) if not limiter.limiter.hit(item, *keys)
    ]


def _test(setting: str, keys: tuple[str, ...]) -> list[int]:
    return [
        seconds_left(item, keys)
        for item in _items(setting)
        if not limiter.limiter.test(item, *keys)
    ]


def check_address() -> None:
    """Before a code is looked at: count the attempt, refuse while a budget is spent."""
    if not limiter.enabled:
        return
    address = get_remote_address()
    waits = _spend("CLASS_JOIN_ATTEMPTS_PER_ADDRESS", ("class-join-attempts", address))
    waits += _test("CLASS_JOIN_FAILURES_PER_ADDRESS", ("class-join-failures", address))
    if waits:
        raise TooManyCodeAttempts(max(waits))


def wrong_code() -> None:
    """A wrong or expired code: spend one from the address's failure budget."""
    if limiter.enabled:
        _spend("CLASS_JOIN_FAILURES_PER_ADDRESS", ("class-join-failures", get_remote_address()))


def use_code(code: str) -> None:
    """A request made with a valid code: spend one from the code's budget."""
    if not limiter.enabled:
        return
    waits = _spend("CLASS_JOIN_REQUESTS_PER_CODE", ("class-join-code", code))
    if waits:
        raise TooManyCodeAttempts(max(waits))
