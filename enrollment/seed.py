"""Demo rounds: one open grade-1 and one open grade-6 round for the coming school year,
with the demo city's primary and lower-secondary schools and their catchment wards."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.models import Organization, OrgKind
from core.seed import CITY_CODE
from enrollment.models import EnrollmentRound, PriorityGroup, RoundSchool

OFFICE_CODE = "hue-gddt"
PRIORITY_GROUPS = (
    ("con-liet-si", "Con liệt sĩ, con thương binh, bệnh binh", 1),
    ("khuyet-tat", "Trẻ khuyết tật, trẻ mồ côi", 2),
    ("ho-ngheo", "Con hộ nghèo, cận nghèo", 3),
)
LEVEL = {1: "primary", 6: "lower_secondary"}
CAPACITY = {1: 140, 6: 280}


def coming_school_year() -> int:
    now = utcnow()
    return now.year + 1 if now.month >= 9 else now.year


def _catchments(schools: list[Organization], wards: list[Organization]) -> dict[int, list[str]]:
    """Each ward in one school's catchment: the school's own ward first, then in turn."""
    out: dict[int, list[str]] = {s.id: [] for s in schools}
    for i, ward in enumerate(wards):
        out[schools[i % len(schools)].id].append(ward.code)
    return out


def seed_rounds() -> None:
    office = db.session.scalar(select(Organization).where(Organization.code == OFFICE_CODE))
    city = db.session.scalar(select(Organization).where(Organization.code == CITY_CODE))
    if office is None or city is None:
        return
    wards = list(db.session.scalars(
        select(Organization).where(
            Organization.parent_id == city.id,
            Organization.kind.in_((OrgKind.WARD.value, OrgKind.COMMUNE.value)),
        ).order_by(Organization.code)
    ))
    year = coming_school_year()
    for grade in (1, 6):
        exists = db.session.scalar(select(EnrollmentRound.id).where(
            EnrollmentRound.school_year == year, EnrollmentRound.grade == grade))
        if exists is not None:
            continue
        _make_round(office, wards, year, grade)
    db.session.flush()


def _make_round(office: Organization, wards: list[Organization], year: int, grade: int) -> None:
    schools = list(db.session.scalars(
        select(Organization).where(
            Organization.kind == OrgKind.SCHOOL.value, Organization.school_level == LEVEL[grade]
        ).order_by(Organization.code)
    ))
    if not schools:
        return
    now = utcnow().replace(microsecond=0)
    closes = now + timedelta(days=90)
    row = EnrollmentRound(
        name=f"Tuyển sinh lớp {grade} năm học {year}-{year + 1}", school_year=year,
        grade=grade, office_id=office.id, opens_at=now - timedelta(days=1), closes_at=closes,
        results_at=closes + timedelta(days=7), confirm_by=closes + timedelta(days=14),
        max_choices=3,
    )
    db.session.add(row)
    db.session.flush()
    catchment = _catchments(schools, wards)
    for school in schools:
        db.session.add(RoundSchool(round_id=row.id, school_id=school.id,
                                   capacity=CAPACITY[grade], catchment=catchment[school.id]))
    for code, name, tier in PRIORITY_GROUPS:
        db.session.add(PriorityGroup(round_id=row.id, code=code, name=name, tier=tier))
