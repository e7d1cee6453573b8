"""Outward JSON shapes of the signing feature."""

from __future__ import annotations

from typing import Any

from core.i18n import to_local
from signing.certificates import status_of
from signing.models import SigningKey


def key_dict(row: SigningKey | None) -> dict[str, Any] | None:
    if row is None:
        return None
    status = status_of(row)
    return {
        "id": row.id,
        "source": row.source.value,
        "subject": row.subject,
        "serial": row.serial,
        "not_before": to_local(row.not_before).isoformat(),
        "not_after": to_local(row.not_after).isoformat(),
        "status": status.code,
        "status_label": status.label,
    }
