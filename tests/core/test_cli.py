"""The `sohoa` command line: accounts, organisations, demo data."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Membership, Organization, OrgKind
from core.security import check_password, user_by_username

pytestmark = pytest.mark.db

PILOT_SMART_WARD_CODES = {"phu-nhuan", "thuy-bieu", "phu-hoi", "thuan-hoa", "tay-loc"}


def _create(runner, username: str, role: str, org: str, password: str, *extra: str):
    return runner.invoke(
        args=["user", "create", username, "--role", role, "--org", org, *extra,
              "--password-stdin"],
        input=password + "\n",
    )


def _memberships(username: str) -> set[tuple[str, str]]:
    user = user_by_username(username)
    return {(m.organization.code, m.role) for m in user.memberships}


def test_user_create_then_update_and_add_role(demo, runner):
    result = _create(runner, "nguoimoi", "delegate", "hue", "mat-khau-dau-tien",
                     "--full-name", "Nguyễn Thị Mới")
    assert result.exit_code == 0, result.output
    assert "nguoimoi: delegate @ hue" in result.output
    user = user_by_username("nguoimoi")
    assert user.full_name == "Nguyễn Thị Mới"
    assert check_password(user, "mat-khau-dau-tien")
    assert _memberships("nguoimoi") == {("hue", "delegate")}

    # again: the same account, a new password, one more role, the name kept
    result = _create(runner, "NguoiMoi", "chair", "phu-nhuan", "mat-khau-thu-hai")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    user = user_by_username("nguoimoi")
    assert user.full_name == "Nguyễn Thị Mới"
    assert check_password(user, "mat-khau-thu-hai")
    assert not check_password(user, "mat-khau-dau-tien")
    assert _memberships("nguoimoi") == {("hue", "delegate"), ("phu-nhuan", "chair")}

    # the same role twice adds nothing
    assert _create(runner, "nguoimoi", "chair", "phu-nhuan", "mat-khau-thu-hai").exit_code == 0
    count = db.session.scalar(
        select(func.count()).select_from(Membership).where(Membership.user_id == user.id)
    )
    assert count == 2


def test_user_create_unknown_organisation(demo, runner):
    result = _create(runner, "nguoimoi", "delegate", "khong-co", "mat-khau-dai-du")
    assert result.exit_code != 0
    assert "Không có tổ chức mã khong-co" in result.output
    assert user_by_username("nguoimoi") is None


def test_user_create_unknown_role(demo, runner):
    result = _create(runner, "nguoimoi", "emperor", "hue", "mat-khau-dai-du")
    assert result.exit_code != 0
    assert "emperor" in result.output
    assert user_by_username("nguoimoi") is None


def test_user_create_short_password_refused(demo, runner):
    result = _create(runner, "nguoimoi", "delegate", "hue", "ngan")
    assert result.exit_code != 0
    assert "ít nhất 8 ký tự" in result.output
    assert user_by_username("nguoimoi") is None


def test_user_create_short_password_does_not_change_an_existing_account(demo, runner):
    result = _create(runner, "chutich", "delegate", "hue", "ngan")
    assert result.exit_code != 0
    db.session.expire_all()
    user = user_by_username("chutich")
    assert check_password(user, "sohoa-demo-2026")
    assert _memberships("chutich") == {("hue", "chair")}


def test_org_list_after_seed_demo(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "sohoa-demo-2026" in result.output  # the demo accounts are printed

    result = runner.invoke(args=["org", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    rows = dict(line.split("\t", 1) for line in lines)
    assert "hue\tUBND thành phố Huế" in lines

    local = db.session.scalars(
        select(Organization).where(
            Organization.kind.in_([OrgKind.WARD.value, OrgKind.COMMUNE.value])
        )
    ).all()
    assert len(local) == 36
    assert {org.code for org in local} <= rows.keys()
    assert sum(name.startswith(("UBND phường", "UBND xã")) for name in rows.values()) == 36
    assert all(org.parent.code == "hue" for org in local)
    assert {org.code for org in local if org.smart_ward} == PILOT_SMART_WARD_CODES
    assert "phu-nhuan\tUBND phường Phú Nhuận" in lines


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_seed_demo_is_idempotent(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = _row_counts()
    assert first["organization"] > 36
    assert first["user"] >= 13
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _row_counts() == first
