"""Tracking a dossier (tra cứu hồ sơ): code + date of birth to read, code + PIN to act.

A wrong date of birth is answered exactly like an unknown code (the same 404, the same
message), so a code's existence cannot be probed, and both count as failures.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import selectinload

from core.errors import DomainError, NotFound
from core.extensions import db
from core.i18n import input_day, parse_day
from enrollment import codes, throttle
from enrollment.models import Dossier, DossierChoice, DossierEvent, DossierStatus
from enrollment.notify import STATUS_TEXT
from enrollment.rounds import RoundInfo, round_info


def not_found() -> NotFound:
    return NotFound(
        "dossier_not_found",
        _l("Không tìm thấy hồ sơ với mã và ngày sinh đã nhập. Hãy kiểm tra lại."),
    )


def parse_birth_date(raw: str | None) -> date | None:
    """dd/mm/yyyy as the forms send it, or yyyy-mm-dd (API clients); None when neither."""
    try:
        return parse_day(raw or "")
    except ValueError:
        return None


def lookup_form_errors(code: str, born_raw: str) -> dict[str, str]:
    """The lookup form's fields left out or mistyped, each named (nothing is looked up)."""
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = str(_l("Thiếu mã hồ sơ."))
    try:
        parse_day(born_raw)
    except ValueError as wrong:
        if not born_raw:
            errors["date_of_birth"] = str(_l("Thiếu ngày sinh của học sinh."))
        elif str(wrong) == "no_such_day":
            errors["date_of_birth"] = str(_l("%(field)s không phải ngày giờ có thật (%(value)s).",
                                             field=_l("Ngày sinh"), value=born_raw[:40]))
        else:
            errors["date_of_birth"] = str(_l("Ngày sinh không đúng dạng dd/mm/yyyy."))
    return errors


def shown_birth_date(born_raw: str) -> str:
    """A date of birth as the form shows it: dd/mm/yyyy (a link may carry yyyy-mm-dd)."""
    born = parse_birth_date(born_raw)
    return input_day(born) if born else born_raw


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


_D, _C, _E = Dossier.__table__.c, DossierChoice.__table__.c, DossierEvent.__table__.c
_LOOKUP = (
    select(_D.id, _D.round_id, _D.status, _D.full_name, _D.date_of_birth, _D.note,
           _D.lottery_number, _D.offered_school_id, _C.rank, _C.school_code,
           _E.id, _E.status, _E.at, _E.note)
    .join_from(Dossier.__table__, DossierChoice.__table__, _C.dossier_id == _D.id)
    .join(DossierEvent.__table__, _E.dossier_id == _D.id)
    .where(_D.code == bindparam("code"))
)


def lookup(raw_code: str, born: date | None) -> dict[str, Any]:
    """:func:`status_dict` of the dossier with this code and date of birth, read with one
    query (results day: thousands of parents at once); anything else is the same 404."""
    code = codes.normalize(raw_code)
    throttle.check("dob", code)
    rows: list[Any] = []
    if codes.is_valid(code) and born is not None:
        rows = list(db.session.execute(_LOOKUP, {"code": code}))
    if not rows or rows[0][4] != born:
        throttle.failed("dob", code)
        raise not_found()
    first = rows[0]
    info = round_info(first[1])
    status = DossierStatus(first[2])
    offered = info.school_by_org(first[7]) if first[7] else None
    choices = sorted({(r[8], r[9]) for r in rows})
    events = sorted({(r[10], r[11], r[12], r[13]) for r in rows})
    return {
        "code": code, "round_id": info.id, "grade": info.grade, "status": status.value,
        "status_label": STATUS_TEXT[status], "child": {"full_name": first[3]},
        "choices": [_choice_dict(info, rank, school) for rank, school in choices],
        "note": first[5], "lottery_number": first[6],
        "offered_school": {"code": offered.code, "name": offered.name} if offered else None,
        "confirm_by": info.confirm_by.isoformat(),
        "history": [
            {"status": e_status, "label": STATUS_TEXT[DossierStatus(e_status)],
             "at": _utc(at).isoformat(), "note": note}
            for _id, e_status, at, note in events
        ],
    }


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _choice_dict(info: RoundInfo, rank: int, school: str) -> dict[str, Any]:
    known = info.schools.get(school)
    return {"rank": rank, "school_code": school, "school_name": known.name if known else school}


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
        "choices": [_choice_dict(info, c.rank, c.school_code) for c in dossier.choices],
        "note": dossier.note,
        "lottery_number": dossier.lottery_number,
        "offered_school": {"code": offered.code, "name": offered.name} if offered else None,
        "confirm_by": info.confirm_by.isoformat(),
        "history": [event_dict(e) for e in dossier.events],
    }
