"""Sign-in throttling shared by the login page and the token endpoint.

A city hall signs in 300 tablets from one public address, and parents share carrier NAT
addresses, so the address alone must not decide. Only *failed* sign-ins are counted, per
(address, username) and per username; every attempt from an address also counts against
a generous ceiling. A successful sign-in spends no failure budget. The counters live in
Flask-Limiter's storage, so ``RATELIMIT_STORAGE_URI=redis://…`` shares them between
processes.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from core.errors import DomainError
from core.extensions import limiter

Counter = tuple[str, tuple[str, ...]]  # (setting name, storage key parts)


def _wait_in_words(seconds: int) -> str:
    if seconds < 120:
        return ngettext("%(num)d giây", "%(num)d giây", seconds)
    minutes = math.ceil(seconds / 60)
    return ngettext("%(num)d phút", "%(num)d phút", minutes)


class TooManyAttempts(DomainError):
    """A sign-in refused by the throttle; ``retry_after`` is in seconds."""

    status = 429

    def __init__(self, retry_after: int):
        message = _(
            "Quá nhiều lần đăng nhập. Vui lòng thử lại sau %(wait)s.",
            wait=_wait_in_words(retry_after),
        )
        super().__init__("too_many_attempts", message, 429, retry_after=retry_after)
        self.retry_after = retry_after
        self.headers = {"Retry-After": str(retry_after)}


def _username_key(username: str | None) -> str:
    return (username or "").strip().lower()[:80]


def _failure_counters(username: str | None) -> list[Counter]:
    address, user = get_remote_address(), _username_key(username)
    return [
        ("LOGIN_FAILURES_PER_ADDRESS_ACCOUNT", ("login-failures-pair", address, user)),
        ("LOGIN_FAILURES_PER_ACCOUNT", ("login-failures-account", user)),
    ]


def _items(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _seconds_left(item: RateLimitItem, keys: tuple[str, ...]) -> int:
    reset_at = limiter.limiter.get_window_stats(item, *keys).reset_time
    return max(1, math.ceil(reset_at - time.time()))


def check(username: str | None) -> None:
    """Before the password is checked: count the attempt against the address's ceiling,
    and refuse (:class:`TooManyAttempts`) while any limit is spent."""
    if not limiter.enabled:
        return
    strategy, waits = limiter.limiter, []
    address_keys = ("login-attempts", get_remote_address())
    for item in _items("LOGIN_ATTEMPTS_PER_ADDRESS"):
        if not strategy.hit(item, *address_keys):
            waits.append(_seconds_left(item, address_keys))
    for setting, keys in _failure_counters(username):
        for item in _items(setting):
            if not strategy.test(item, *keys):
                waits.append(_seconds_left(item, keys))
    if waits:
        raise TooManyAttempts(max(waits))


def failed(username: str | None) -> None:
    """A wrong username or password: spend one from each failure budget."""
    if not limiter.enabled:
        return
    for setting, keys in _failure_counters(username):
        for item in _items(setting):
            limiter.limiter.hit(item, *keys)


def wait_in_words(seconds: int) -> str:
    """How long to wait, in words of the request's language (for other throttles)."""
    return _wait_in_words(seconds)


def seconds_left(item: RateLimitItem, keys: tuple[str, ...]) -> int:
    """Seconds until the window of ``item`` for ``keys`` lets a call through again."""
    return _seconds_left(item, keys)
