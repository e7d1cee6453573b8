"""Freezing, running and publishing the allocation; offers, confirmations, expiry.

``run`` changes nothing (the CLI without ``--publish``); ``publish`` records the run and
turns it into offers. Seats not confirmed by the deadline pass to the next waiting child
in that school's order (:func:`expire_offers`), and the new offer is notified.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import audit
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from core.signals import seat_confirmed
from enrollment.allocation import Entry, Result, Seats, allocate, frozen_hash, tier
from enrollment.models import AllocationRun, Dossier, DossierStatus, EnrollmentRound
from enrollment.notify import change_status
from enrollment.rounds import RoundInfo, forget, round_info

S = DossierStatus


def _seats(info: RoundInfo) -> list[Seats]:
    return [Seats(s.code, s.capacity, s.catchment) for s in info.schools.values()]


def _entry(d: Dossier, info: RoundInfo) -> Entry:
    group = info.priority_groups.get(d.priority_group or "")
    return Entry(d.code, d.ward_code, group[1] if group else None,
                 tuple(c.school_code for c in d.choices))


def verified(round_id: int) -> list[Dossier]:
    return list(db.session.scalars(
        select(Dossier).where(Dossier.round_id == round_id, Dossier.status == S.VERIFIED)
        .order_by(Dossier.code)
    ))


def entries(round_id: int) -> tuple[list[Entry], list[Seats]]:
    info = round_info(round_id, fresh=True)
    return [_entry(d, info) for d in verified(round_id)], _seats(info)


def freeze(round_id: int, actor_id: int | None = None) -> str:
    """Close the list of verified entries and publish its hash (before the seed)."""
    row = db.session.get(EnrollmentRound, round_id)
    if row is None:
        raise DomainError("round_not_found", _l("Không tìm thấy đợt tuyển sinh."), 404)
    if row.frozen_at is None:
        if utcnow() < row.closes_at:
            raise Conflict("round_still_open", _l("Đợt tuyển sinh chưa hết hạn nhận hồ sơ."))
        found, seats = entries(round_id)
        row.frozen_hash, row.frozen_at = frozen_hash(found, seats), utcnow()
        audit.record("enrollment.freeze", actor_id, "round", round_id,
                     {"frozen_hash": row.frozen_hash, "entries": len(found)})
        forget(round_id)
    return row.frozen_hash or ""


def run(round_id: int, seed: str) -> tuple[Result, bytes, str]:
    """The allocation over the verified entries (changes nothing)."""
    if not seed.strip():
        raise DomainError(
            "missing_seed", _l("Cần nhập số may mắn (seed) để phân chỗ."), 422, field="seed"
        )
    found, seats = entries(round_id)
    result = allocate(found, seats, seed)
    data = result.csv_bytes()
    return result, data, hashlib.sha256(data).hexdigest()


def publish(round_id: int, seed: str, actor_id: int | None = None) -> AllocationRun:
    """Record the run and make the offers: a seat, or the waiting list."""
    row = db.session.get(EnrollmentRound, round_id)
    if row is not None and row.published_at is not None:
        raise Conflict("already_published", _l("Kết quả phân chỗ đã được công bố."))
    hash_ = freeze(round_id, actor_id)
    result, _data, sha = run(round_id, seed)
    info = round_info(round_id, fresh=True)
    for dossier in verified(round_id):
        dossier.lottery_number = result.lottery[dossier.code]
        school = result.placement[dossier.code]
        if school is None:
            change_status(dossier, S.WAITLISTED)
        else:
            dossier.offered_school_id = info.schools[school].org_id
            change_status(dossier, S.OFFERED, info.schools[school].name)
    placed = sum(1 for s in result.placement.values() if s)
    assert row is not None
    row.seed, row.result_sha256, row.published_at = seed, sha, utcnow()
    allocation = AllocationRun(
        round_id=round_id, seed=seed, frozen_hash=hash_, result_sha256=sha, placed=placed,
        unplaced=len(result.placement) - placed,
    )
    db.session.add(allocation)
    audit.record("enrollment.allocate", actor_id, "round", round_id,
                 {"seed": seed, "frozen_hash": hash_, "result_sha256": sha})
    forget(round_id)
    return allocation


def confirm(dossier: Dossier) -> None:
    info = round_info(dossier.round_id)
    change_status(dossier, S.CONFIRMED)
    school = info.school_by_org(dossier.offered_school_id or 0)
    payload: dict[str, Any] = {
        "school": school.code if school else None, "grade": info.grade,
        "school_year": f"{info.school_year}-{info.school_year + 1}",
        "full_name": dossier.full_name,
        "personal_id": dossier.personal_id,
        "date_of_birth": dossier.date_of_birth.isoformat(), "dossier_code": dossier.code,
    }
    # in the same transaction: the roster and the confirmation commit together
    seat_confirmed.send("enrollment", **payload)


def decline(dossier: Dossier) -> None:
    school_id = dossier.offered_school_id
    change_status(dossier, S.DECLINED)
    _refill(round_info(dossier.round_id), [school_id] if school_id else [])


def expire_offers(round_id: int, today: date | None = None) -> int:
    """Offers not confirmed by the deadline expire; their seats go to waiting children."""
    info = round_info(round_id)
    if utcnow() < info.confirm_by:
        return 0
    late = db.session.scalars(
        select(Dossier).where(Dossier.round_id == round_id, Dossier.status == S.OFFERED)
    ).all()
    freed = []
    for dossier in late:
        freed.append(dossier.offered_school_id)
        change_status(dossier, S.EXPIRED)
    _refill(info, [f for f in freed if f])
    return len(late)


def _refill(info: RoundInfo, freed_school_ids: list[int]) -> None:
    """Each freed seat goes to the best waiting child in that school's order."""
    waiting = db.session.scalars(
        select(Dossier).where(Dossier.round_id == info.id, Dossier.status == S.WAITLISTED)
    ).all()
    for org_id in freed_school_ids:
        school = info.school_by_org(org_id)
        if school is None:
            continue
        seats = Seats(school.code, school.capacity, school.catchment)
        candidates = [d for d in waiting if d.status is S.WAITLISTED
                      and school.code in {c.school_code for c in d.choices}]
        if not candidates:
            continue
        best = min(candidates, key=lambda d: (tier(_entry(d, info), seats), d.lottery_number))
        best.offered_school_id = org_id
        change_status(best, S.OFFERED, school.name)
