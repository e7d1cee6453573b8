"""Dossier codes (mã hồ sơ) and one-time PINs.

A code is 8 random characters and one check character from an alphabet of 31 without
look-alikes (no 0/O, 1/I/L, U/V pairs are kept apart by dropping O, I, L, 0, 1). The
check character is Luhn mod 31: any single mistyped character and any swap of two
neighbours is caught before the database is asked.

The PIN is 6 digits, shown once. Only a keyed hash is stored (HMAC-SHA256 with a key
derived from SECRET_KEY), compared in constant time: a slow password hash is not needed
because the PIN is never offline-guessable without the key and online guesses are
throttled per dossier (``enrollment.throttle``).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets

from flask import current_app

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
N = len(ALPHABET)  # 31, a prime
BODY_LENGTH = 8
PIN_DIGITS = 6


def _check_char(body: str) -> str:
    """Luhn mod N over the body (the character that makes the whole sum 0 mod N)."""
    factor, total = 2, 0
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        factor = 1 if factor == 2 else 2
        total += addend // N + addend % N
    return ALPHABET[(N - total % N) % N]


def new_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + _check_char(body)


def normalize(raw: str) -> str:
    """What a parent typed, without spaces or dashes, in capitals."""
    return "".join(ch for ch in raw.upper() if ch not in " -.")[: BODY_LENGTH + 4]


def is_valid(code: str) -> bool:
    if len(code) != BODY_LENGTH + 1 or any(ch not in ALPHABET for ch in code):
        return False
    return _check_char(code[:-1]) == code[-1]


def pretty(code: str) -> str:
    """Grouped for reading aloud: ``ABCD-EFGH-J``."""
    return f"{code[:4]}-{code[4:8]}-{code[8:]}"


def new_pin() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))


@functools.lru_cache(maxsize=4)
def _pin_key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"sohoa-enrollment-pin-v1", hashlib.sha256).digest()


def pin_hash(code: str, pin: str) -> str:
    key = _pin_key(str(current_app.config["SECRET_KEY"]))
    return hmac.new(key, f"{code}:{pin}".encode(), hashlib.sha256).hexdigest()


def pin_matches(code: str, pin: str, stored: str) -> bool:
    return hmac.compare_digest(pin_hash(code, pin), stored)
