"""Round data loaded once and kept per process: a round's schools, catchments, groups and
the city's wards do not change while parents apply, so a submission or a lookup never
reloads them (one query per round and process every ``CACHE_SECONDS``)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import utcnow
from core.errors import NotFound
from core.extensions import db
from core.models import Organization, OrgKind
from enrollment.models import EnrollmentRound

CACHE_SECONDS = 30.0


@dataclass(frozen=True)
class SchoolInfo:
    code: str
    name: str
    org_id: int
    capacity: int
    catchment: frozenset[str]


@dataclass(frozen=True)
class RoundInfo:
    id: int
    name: str
    grade: int
    school_year: int
    office_id: int
    office_name: str
    place: str
    opens_at: datetime
    closes_at: datetime
    results_at: datetime
    confirm_by: datetime
    max_choices: int
    schools: dict[str, SchoolInfo]
    priority_groups: dict[str, tuple[str, int]]  # code → (name, tier)
    wards: dict[str, str]  # ward/commune code → name
    frozen: bool

    def is_open(self, now: datetime | None = None) -> bool:
        moment = now or utcnow()
        return self.opens_at <= moment < self.closes_at and not self.frozen

    def school_by_org(self, org_id: int) -> SchoolInfo | None:
        return next((s for s in self.schools.values() if s.org_id == org_id), None)


_cache: dict[int, tuple[float, RoundInfo]] = {}
_lock = threading.Lock()


def round_not_found() -> NotFound:
    return NotFound("round_not_found", _l("Không tìm thấy đợt tuyển sinh."))


def _city_wards(office: Organization) -> dict[str, str]:
    city_id = office.parent_id or office.id
    rows = db.session.execute(
        select(Organization.code, Organization.name).where(
            Organization.parent_id == city_id,
            Organization.kind.in_((OrgKind.WARD.value, OrgKind.COMMUNE.value)),
        )
    )
    return {code: name.removeprefix("UBND ") for code, name in rows}


def _place(office: Organization) -> str:
    city = office.parent or office
    for prefix in ("UBND thành phố ", "UBND tỉnh ", "UBND "):
        if city.name.startswith(prefix):
            return city.name[len(prefix):]
    return city.name


def _build(row: EnrollmentRound) -> RoundInfo:
    schools = {
        s.school.code: SchoolInfo(
            s.school.code, s.school.name, s.school_id, s.capacity, frozenset(s.catchment)
        )
        for s in row.schools
    }
    return RoundInfo(
        id=row.id, name=row.name, grade=row.grade, school_year=row.school_year,
        office_id=row.office_id, office_name=row.office.name, place=_place(row.office),
        opens_at=row.opens_at, closes_at=row.closes_at,
        results_at=row.results_at, confirm_by=row.confirm_by, max_choices=row.max_choices,
        schools=schools,
        priority_groups={g.code: (g.name, g.tier) for g in row.priority_groups},
        wards=_city_wards(row.office), frozen=row.frozen_at is not None,
    )


def round_info(round_id: int, fresh: bool = False) -> RoundInfo:
    """The round's data, from this process's cache when it is recent."""
    now = time.monotonic()
    cached = _cache.get(round_id)
    if cached and not fresh and now - cached[0] < CACHE_SECONDS:
        return cached[1]
    row = db.session.get(EnrollmentRound, round_id)
    if row is None:
        raise round_not_found()
    info = _build(row)
    with _lock:
        _cache[round_id] = (now, info)
    return info


def forget(round_id: int | None = None) -> None:
    """Drop cached round data (after staff change a round, and between tests)."""
    with _lock:
        if round_id is None:
            _cache.clear()
        else:
            _cache.pop(round_id, None)


def open_rounds() -> list[RoundInfo]:
    now = utcnow()
    ids = db.session.scalars(
        select(EnrollmentRound.id)
        .where(EnrollmentRound.opens_at <= now, EnrollmentRound.closes_at > now)
        .order_by(EnrollmentRound.grade, EnrollmentRound.id)
    )
    return [info for info in (round_info(i) for i in ids) if info.is_open(now)]


def all_rounds() -> list[EnrollmentRound]:
    return list(
        db.session.scalars(select(EnrollmentRound).order_by(EnrollmentRound.id.desc()))
    )


def round_dict(info: RoundInfo) -> dict[str, Any]:
    """The contract's shape of an open round."""
    return {
        "id": info.id,
        "name": info.name,
        "grade": info.grade,
        "school_year": f"{info.school_year}-{info.school_year + 1}",
        "opens_at": info.opens_at.isoformat(),
        "closes_at": info.closes_at.isoformat(),
        "results_at": info.results_at.isoformat(),
        "confirm_by": info.confirm_by.isoformat(),
        "max_choices": info.max_choices,
        "priority_groups": list(info.priority_groups),
        "priority_group_names": {c: n for c, (n, _t) in info.priority_groups.items()},
        "schools": [
            {"code": s.code, "name": s.name, "capacity": s.capacity,
             "catchment": sorted(s.catchment)}
            for s in info.schools.values()
        ],
        "wards": [{"code": c, "name": n} for c, n in sorted(info.wards.items())],
    }
