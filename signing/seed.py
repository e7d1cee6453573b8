"""Demo data: signing certificates for the demo signers, when the CA exists."""

from __future__ import annotations

from core.errors import DomainError
from core.security import user_by_username
from signing import certificates, keys

DEMO_SIGNERS = ("thuky", "chutich", "vanthu", "thuky.phunhuan", "chutich.phunhuan")


def seed_certificates() -> None:
    """Issue a certificate to each demo signer that has none (idempotent); nothing
    without a CA (``sohoa ca init``, which ``make run`` runs first)."""
    if keys.root_certificate() is None:
        return
    for username in DEMO_SIGNERS:
        user = user_by_username(username)
        if user is not None and certificates.current_key(user) is None:
            try:
                certificates.issue_for(user)
            except DomainError:  # a CA sealed under another SECRET_KEY: leave it be
                return
