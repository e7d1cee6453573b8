"""The parent's application (nộp hồ sơ): checks, then one dossier per child and round.

The rules read the round from the per-process cache (``enrollment.rounds``); the happy
path writes the dossier, its choices, its first history step and the notification in one
flush. Uniqueness is the database's: a double tap or a retry with the same
``Idempotency-Key`` finds the dossier it created, another key for the same child is a
409. Submission time never matters for the allocation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError

from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from enrollment import codes
from enrollment.models import (
    Dossier,
    DossierChoice,
    DossierEvent,
    DossierStatus,
    OutboxMessage,
)
from enrollment.notify import message_row, wake_sender
from enrollment.rounds import RoundInfo
from enrollment.schemas import ApplicationIn

AGE_AT_ENTRY = {1: 6, 6: 11}
_DOSSIER, _CHOICE, _EVENT, _OUTBOX = (
    cast(Table, m.__table__) for m in (Dossier, DossierChoice, DossierEvent, OutboxMessage)
)
MAX_KEY_LENGTH = 100


@dataclass(frozen=True)
class Submitted:
    dossier: Dossier
    pin: str
    replayed: bool


def _unprocessable(code: str, message, **details) -> DomainError:
    return DomainError(code, message, 422, **details)


def check_window(info: RoundInfo) -> None:
    now = utcnow()
    if now < info.opens_at:
        raise _unprocessable("round_not_open", _l("Đợt tuyển sinh chưa mở nhận hồ sơ."))
    if now >= info.closes_at or info.frozen:
        raise _unprocessable("round_closed", _l("Đợt tuyển sinh đã hết hạn nhận hồ sơ."))


def check_choices(info: RoundInfo, choices: list[str]) -> None:
    if len(choices) > info.max_choices:
        raise _unprocessable(
            "too_many_choices",
            _l("Chỉ được đăng ký tối đa %(n)s nguyện vọng.", n=info.max_choices),
            max_choices=info.max_choices,
        )
    if len(set(choices)) != len(choices):
        raise _unprocessable("duplicate_choice", _l("Một trường chỉ được chọn một lần."))
    for code in choices:
        if code not in info.schools:
            raise _unprocessable(
                "unknown_school",
                _l("Trường %(code)s không tham gia đợt tuyển sinh này.", code=code),
                school=code,
            )


def check_eligibility(info: RoundInfo, body: ApplicationIn) -> bool:
    """True when the child's age needs review (another birth year with a stated reason)."""
    born = body.child.date_of_birth
    if born >= date.today() or born.year < info.school_year - 20:
        raise _unprocessable(
            "invalid_date_of_birth", _l("Ngày sinh không hợp lệ."), field="child.date_of_birth"
        )
    expected = info.school_year - AGE_AT_ENTRY[info.grade]
    if info.grade == 6 and not body.primary_school:
        raise _unprocessable(
            "primary_school_required",
            _l("Học sinh vào lớp 6 cần khai báo trường tiểu học đã hoàn thành."),
            rule="grade6_primary_completed",
        )
    if born.year == expected:
        return False
    if body.age_reason:
        return True
    raise _unprocessable(
        "ineligible_age",
        _l(
            "Học sinh vào lớp %(grade)s năm học này phải sinh năm %(year)s;"
            " trường hợp khác cần ghi rõ lý do.",
            grade=info.grade, year=expected,
        ),
        rule=f"born_in_{expected}", expected_birth_year=expected,
    )


def check_application(info: RoundInfo, body: ApplicationIn) -> bool:
    check_window(info)
    if body.residence.ward_code not in info.wards:
        raise _unprocessable(
            "unknown_ward", _l("Không có phường/xã mã %(code)s.", code=body.residence.ward_code),
            field="residence.ward_code",
        )
    check_choices(info, body.choices)
    if body.priority_group and body.priority_group not in info.priority_groups:
        raise _unprocessable(
            "unknown_priority_group", _l("Đối tượng ưu tiên không hợp lệ."),
            field="priority_group",
        )
    return check_eligibility(info, body)


def idempotency_key(raw: str | None) -> str:
    key = (raw or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isascii():
        raise DomainError(
            "missing_idempotency_key",
            _l("Thiếu hoặc sai tiêu đề Idempotency-Key (tối đa 100 ký tự ASCII)."), 400,
        )
    return key


def _new_dossier(
    info: RoundInfo, body: ApplicationIn, key: str, review: bool
) -> tuple[Dossier, str]:
    """Insert the dossier, its choices, its first history step and its notification with
    four statements (no unit-of-work bookkeeping: this is the opening-morning path)."""
    code, pin = codes.new_code(), codes.new_pin()
    child, guardian = body.child, body.guardian
    now = utcnow()
    values = {
        "round_id": info.id, "code": code, "idempotency_key": key,
        "pin_hash": codes.pin_hash(code, pin), "status": DossierStatus.SUBMITTED,
        "full_name": child.full_name, "date_of_birth": child.date_of_birth,
        "gender": child.gender.value, "personal_id": child.personal_id,
        "guardian_name": guardian.full_name, "guardian_phone": guardian.phone,
        "guardian_email": guardian.email, "ward_code": body.residence.ward_code,
        "address": body.residence.address, "priority_group": body.priority_group,
        "primary_school": body.primary_school, "age_reason": body.age_reason,
        "needs_age_review": review, "created_at": now, "updated_at": now,
    }
    session = db.session
    new = insert(_DOSSIER).returning(_DOSSIER.c.id)
    dossier_id: int = session.execute(new, values).scalar_one()
    session.execute(insert(_CHOICE), [
        {"dossier_id": dossier_id, "rank": rank, "school_code": school}
        for rank, school in enumerate(body.choices, 1)
    ])
    session.execute(insert(_EVENT), {"dossier_id": dossier_id, "at": now,
                                     "status": DossierStatus.SUBMITTED})
    session.execute(insert(_OUTBOX), message_row(
        dossier_id, code, guardian.full_name, child.full_name, guardian.email,
        DossierStatus.SUBMITTED, None,
    ))
    wake_sender(guardian.email)
    dossier = Dossier(id=dossier_id, **values)  # transient: the answer needs its fields
    return dossier, pin


def _existing(info: RoundInfo, body: ApplicationIn, key: str) -> Submitted | None:
    found = db.session.scalar(
        select(Dossier).where(Dossier.round_id == info.id, Dossier.idempotency_key == key)
    )
    if found is not None:
        if found.personal_id != body.child.personal_id:
            raise _unprocessable(
                "idempotency_key_reused",
                _l("Idempotency-Key này đã được dùng cho một hồ sơ khác."),
            )
        pin = codes.new_pin()  # the first answer may never have arrived: a new PIN
        found.pin_hash = codes.pin_hash(found.code, pin)
        return Submitted(found, pin, True)
    taken = db.session.scalar(
        select(Dossier.id).where(
            Dossier.round_id == info.id, Dossier.personal_id == body.child.personal_id
        )
    )
    if taken is not None:
        raise Conflict(
            "duplicate_application",
            _l("Học sinh này đã có hồ sơ trong đợt tuyển sinh; tra cứu bằng mã hồ sơ đã cấp."),
        )
    return None


def submit(info: RoundInfo, body: ApplicationIn, raw_key: str | None) -> Submitted:
    """Create the dossier, or find the one this key created (flushes, never commits)."""
    key = idempotency_key(raw_key)
    review = check_application(info, body)
    for _attempt in range(3):
        try:
            dossier, pin = _new_dossier(info, body, key, review)
            return Submitted(dossier, pin, False)
        except IntegrityError:
            db.session.rollback()  # the call has written nothing else
            existing = _existing(info, body, key)
            if existing is not None:
                return existing
    raise DomainError("busy", _l("Hệ thống đang bận, vui lòng gửi lại."), 503)
