"""Throttling the public dossier lookup and the PIN, without locking out honest parents.

Many parents share one address (a carrier's NAT, a ward office's computer), so only
*failures* are counted: per dossier code (a code's date of birth or PIN cannot be
guessed from many addresses), per (address, code), and per address with a generous
ceiling (guessing codes from one address). A success spends nothing. The counters live
in Flask-Limiter's storage (Redis with ``RATELIMIT_STORAGE_URI``).
"""

from __future__ import annotations

import math
import os
import time

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from limits import RateLimitItem, parse_many

from core.errors import DomainError
from core.extensions import limiter

SETTINGS = {
    "ENROLLMENT_FAILURES_PER_CODE": "10 per hour",
    "ENROLLMENT_FAILURES_PER_ADDRESS_CODE": "5 per 10 minutes",
    "ENROLLMENT_FAILURES_PER_ADDRESS": "300 per 10 minutes",
}
_parsed: dict[str, list[RateLimitItem]] = {}


def configure(app: Flask) -> None:
    for name, default in SETTINGS.items():
        app.config.setdefault(name, os.environ.get(name, default))


class TooManyFailures(DomainError):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__(
            "too_many_attempts",
            _l("Nhập sai quá nhiều lần. Vui lòng thử lại sau %(n)s phút.",
               n=max(1, math.ceil(retry_after / 60))),
            429, retry_after=retry_after,
        )
        self.headers = {"Retry-After": str(retry_after)}


def _items(setting: str) -> list[RateLimitItem]:
    text = current_app.config[setting]
    if text not in _parsed:
        _parsed[text] = parse_many(text)
    return _parsed[text]


def _counters(kind: str, code: str) -> list[tuple[str, tuple[str, ...]]]:
    address = get_remote_address()
    return [
        ("ENROLLMENT_FAILURES_PER_CODE", (f"enr-{kind}-code", code)),
        ("ENROLLMENT_FAILURES_PER_ADDRESS_CODE", (f"enr-{kind}-pair", address, code)),
        ("ENROLLMENT_FAILURES_PER_ADDRESS", ("enr-fail-address", address)),
    ]


def check(kind: str, code: str) -> None:
    """Refuse (429) while a failure budget for this code or address is spent."""
    if not limiter.enabled:
        return
    strategy, waits = limiter.limiter, []
    for setting, keys in _counters(kind, code):
        for item in _items(setting):
            if not strategy.test(item, *keys):
                reset = strategy.get_window_stats(item, *keys).reset_time
                waits.append(max(1, math.ceil(reset - time.time())))
    if waits:
        raise TooManyFailures(max(waits))


def failed(kind: str, code: str) -> None:
    if not limiter.enabled:
        return
    for setting, keys in _counters(kind, code):
        for item in _items(setting):
            limiter.limiter.hit(item, *keys)
