"""Tracking a dossier (tra cứu hồ sơ): code + date of birth to read, code + PIN to act.

A wrong date of birth is answered exactly like an unknown code (the same 404, the same
message), so a code's existence cannot be probed, and both count as failures.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.errors import DomainError, NotFound
from core.extensions import db
from enrollment import codes, throttle
from enrollment.models import Dossier, DossierEvent
from enrollment.notify import STATUS_TEXT
from enrollment.rounds import round_info


def not_found() -> NotFound:
    return NotFound(
        "dossier_not_found",
        _l("Không tìm thấy hồ sơ với mã và ngày sinh đã nhập. Hãy kiểm tra lại."),
    )


def parse_birth_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw or "")
    except ValueError:
        return None


def find(raw_code: str, born: date | None, *, events: bool = False) -> Dossier:
    """The dossier with this code and date of birth; anything else is the same 404."""
    code = codes.normalize(raw_code)
    throttle.check("dob", code)
    dossier = None
    if codes.is_valid(code) and born is not None:
        query = select(Dossier).where(Dossier.code == code)
        if events:
            query = query.options(selectinload(Dossier.events))
        dossier = db.session.scalar(query)
    if dossier is None or dossier.date_of_birth != born:
        throttle.failed("dob", code)
        raise not_found()
    return dossier


def check_pin(dossier: Dossier, pin: str) -> None:
    throttle.check("pin", dossier.code)
    if not codes.pin_matches(dossier.code, pin.strip(), dossier.pin_hash):
        throttle.failed("pin", dossier.code)
        raise DomainError("wrong_pin", _l("Mã PIN không đúng."), 403)


def tracking_url(dossier: Dossier) -> str:
    return url_for("enrollment.track", code=dossier.code, _external=True)


def receipt_url(dossier: Dossier) -> str:
    return url_for(
        "api_enrollment.receipt", code=dossier.code,
        date_of_birth=dossier.date_of_birth.isoformat(),
    )


def event_dict(event: DossierEvent) -> dict[str, Any]:
    return {
        "status": event.status.value,
        "label": STATUS_TEXT[event.status],
        "at": event.at.isoformat(),
        "note": event.note,
    }


def status_dict(dossier: Dossier) -> dict[str, Any]:
    """What the parent sees: status, history, choices, and the result once published."""
    info = round_info(dossier.round_id)
    offered = next(
        (s for s in info.schools.values() if s.org_id == dossier.offered_school_id), None
    )
    return {
        "code": dossier.code,
        "round_id": dossier.round_id,
        "grade": info.grade,
        "status": dossier.status.value,
        "status_label": STATUS_TEXT[dossier.status],
        "child": {"full_name": dossier.full_name},
        "choices": [
            {"rank": c.rank, "school_code": c.school_code,
             "school_name": info.schools[c.school_code].name if c.school_code in info.schools
             else c.school_code}
            for c in dossier.choices
        ],
        "note": dossier.note,
        "lottery_number": dossier.lottery_number,
        "offered_school": {"code": offered.code, "name": offered.name} if offered else None,
        "confirm_by": info.confirm_by.isoformat(),
        "history": [event_dict(e) for e in dossier.events],
    }
