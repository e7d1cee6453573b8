"""Demo data: the city of Huế, its 36 wards and communes, schools, demo accounts.

Idempotent: running it again changes nothing. Features add their own demo data with
:func:`register_seeder`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import click
from flask import current_app
from sqlalchemy import select

from core.extensions import db
from core.models import Membership, Organization, OrgKind, User
from core.security import hash_password, user_by_username

DEMO_PASSWORD = "sohoa-demo-2026"  # noqa: S105 - demo data only, printed by make run
CITY_CODE = "hue"
PILOT_SMART_WARDS = ("Phú Nhuận", "Thủy Biều", "Phú Hội", "Thuận Hòa", "Tây Lộc")
WARDS = (
    "An Cựu", "An Đông", "An Hòa", "An Tây", "Đông Ba", "Gia Hội", "Hương An", "Hương Hồ",
    "Hương Long", "Hương Sơ", "Hương Vinh", "Kim Long", "Phú Hậu", "Phú Hội", "Phú Nhuận",
    "Phú Thượng", "Phước Vĩnh", "Phường Đúc", "Tây Lộc", "Thuận An", "Thuận Hòa",
    "Thuận Lộc", "Thủy Biều", "Thủy Vân", "Thủy Xuân", "Trường An", "Vĩnh Ninh", "Vỹ Dạ",
    "Xuân Phú",
)
COMMUNES = (
    "Hải Dương", "Hương Phong", "Hương Thọ", "Hương Toàn", "Phú Dương", "Phú Mậu", "Phú Thanh",
)
SCHOOLS = (
    ("th-vinh-ninh", "Trường Tiểu học Vĩnh Ninh", "primary", "vinh-ninh"),
    ("th-phu-hoi", "Trường Tiểu học Phú Hội", "primary", "phu-hoi"),
    ("th-tay-loc", "Trường Tiểu học Tây Lộc", "primary", "tay-loc"),
    ("th-thuan-hoa", "Trường Tiểu học Thuận Hòa", "primary", "thuan-hoa"),
    ("thcs-nguyen-tri-phuong", "Trường THCS Nguyễn Tri Phương", "lower_secondary", "phu-nhuan"),
    ("thcs-chu-van-an", "Trường THCS Chu Văn An", "lower_secondary", "tay-loc"),
)
ACCOUNTS = (
    ("admin", "Quản trị hệ thống", "admin", CITY_CODE),
    ("chutich", "Nguyễn Văn An", "chair", CITY_CODE),
    ("thuky", "Trần Thị Bình", "secretary", CITY_CODE),
    ("daibieu", "Lê Văn Cường", "delegate", CITY_CODE),
    ("daibieu.phunhuan", "Phạm Thị Dung", "delegate", "phu-nhuan"),
    ("chutich.phunhuan", "Hoàng Văn Em", "chair", "phu-nhuan"),
    ("thuky.phunhuan", "Võ Thị Giang", "secretary", "phu-nhuan"),
    ("daibieu.tayloc", "Đặng Văn Hải", "delegate", "tay-loc"),
    ("vanthu", "Bùi Thị Lan", "clerk", CITY_CODE),
    ("phonggd", "Ngô Văn Minh", "education_officer", "hue-gddt"),
    ("hieutruong", "Đỗ Thị Ngọc", "school_admin", "th-vinh-ninh"),
    ("giaovien", "Trương Văn Phúc", "teacher", "th-vinh-ninh"),
    ("hocsinh", "Lý Thị Quỳnh", "student", "th-vinh-ninh"),
)

Seeder = Callable[[], None]


def slug(name: str) -> str:
    """ASCII code of a Vietnamese name: 'Thủy Biều' → 'thuy-bieu'."""
    text = name.replace("Đ", "D").replace("đ", "d")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return "-".join(text.lower().split())


def _org(code: str, name: str, kind: str, parent: Organization | None, **extra) -> Organization:
    org = db.session.scalar(select(Organization).where(Organization.code == code))
    if org is None:
        org = Organization(code=code, name=name, kind=kind, parent=parent, **extra)
        db.session.add(org)
        db.session.flush()
    return org


def seed_organizations() -> Organization:
    city = _org(CITY_CODE, "UBND thành phố Huế", OrgKind.CITY.value, None)
    for name in WARDS:
        _org(slug(name), f"UBND phường {name}", OrgKind.WARD.value, city,
             smart_ward=name in PILOT_SMART_WARDS)
    for name in COMMUNES:
        _org(slug(name), f"UBND xã {name}", OrgKind.COMMUNE.value, city)
    _org("hue-gddt", "Phòng Giáo dục và Đào tạo thành phố Huế", OrgKind.OFFICE.value, city)
    for code, name, level, _ward in SCHOOLS:
        _org(code, name, OrgKind.SCHOOL.value, city, school_level=level)
    return city


def seed_accounts() -> list[tuple[str, str, str, str]]:
    printed = []
    for username, full_name, role, org_code in ACCOUNTS:
        org = db.session.scalar(select(Organization).where(Organization.code == org_code))
        if org is None:
            raise RuntimeError(f"demo organisation {org_code} is missing")
        user = user_by_username(username)
        if user is None:
            user = User(username=username, full_name=full_name,
                        password_hash=hash_password(DEMO_PASSWORD))
            db.session.add(user)
            db.session.flush()
        if role not in user.roles_in(org.id):
            db.session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
        printed.append((username, full_name, role, org.name))
    db.session.flush()
    return printed


def register_seeder(app, seeder: Seeder) -> None:
    """A feature adds its demo data; seeders run in registration order after the kernel's."""
    app.extensions.setdefault("sohoa_seeders", []).append(seeder)


def seed_demo() -> list[tuple[str, str, str, str]]:
    seed_organizations()
    accounts = seed_accounts()
    for seeder in current_app.extensions.get("sohoa_seeders", []):
        seeder()
    return accounts


def print_accounts(accounts: list[tuple[str, str, str, str]]) -> None:
    click.echo("")
    click.echo(f"Demo accounts (password for all: {DEMO_PASSWORD})")
    click.echo(f"  {'username':<18} {'role':<18} {'name':<20} organisation")
    for username, full_name, role, org_name in accounts:
        click.echo(f"  {username:<18} {role:<18} {full_name:<20} {org_name}")
    click.echo("")
