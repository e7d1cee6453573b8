"""Request bodies of the enrollment API (one schema per body, see core.schemas)."""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, Any, ClassVar

from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field

from core.i18n import parse_day
from core.schemas import NoNul, Schema

Name = Annotated[str, Field(min_length=2, max_length=200), NoNul]
Text = Annotated[str, Field(min_length=1, max_length=300), NoNul]
Code = Annotated[str, Field(min_length=1, max_length=64), NoNul]
Note = Annotated[str, Field(max_length=2000), NoNul]


def _strict_day(value: object) -> date:
    """A calendar day that exists, written dd/mm/yyyy as parents type it, or yyyy-mm-dd
    (API clients): 30/02/2020 is refused."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("type")
    return parse_day(value)


BirthDate = Annotated[date, BeforeValidator(_strict_day)]


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class Decision(enum.StrEnum):
    VERIFY = "verify"
    REQUEST_CORRECTION = "request_correction"
    REJECT = "reject"


class ChildIn(Schema):
    full_name: Name
    date_of_birth: BirthDate
    gender: Gender
    personal_id: Annotated[str, Field(pattern=r"^[0-9]{12}$")]


class GuardianIn(Schema):
    full_name: Name
    phone: Annotated[str, Field(pattern=r"^(\+84|0)[0-9]{9,10}$")]
    email: Annotated[
        str | None, Field(default=None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    ] = None


class ResidenceIn(Schema):
    ward_code: Code
    address: Text


class ApplicationIn(Schema):
    child: ChildIn
    guardian: GuardianIn
    residence: ResidenceIn
    choices: Annotated[list[Code], Field(min_length=1, max_length=10)]
    priority_group: Annotated[str, Field(max_length=40), NoNul] | None = None
    primary_school: Annotated[str, Field(max_length=200), NoNul] | None = None
    age_reason: Annotated[str, Field(max_length=500), NoNul] | None = None

    error_codes: ClassVar[dict[str, str]] = {
        "child.personal_id": "invalid_personal_id",
        "child.date_of_birth": "invalid_date_of_birth",
        "guardian.phone": "invalid_phone",
        "guardian.email": "invalid_email",
        "choices": "invalid_choices",
    }
    field_labels: ClassVar[dict[str, Any]] = {
        "child.full_name": _l("họ và tên học sinh"),
        "child.date_of_birth": _l("ngày sinh"),
        "child.gender": _l("giới tính"),
        "child.personal_id": _l("mã định danh cá nhân"),
        "guardian.full_name": _l("họ và tên cha mẹ hoặc người giám hộ"),
        "guardian.phone": _l("số điện thoại"),
        "guardian.email": _l("thư điện tử"),
        "residence.ward_code": _l("phường/xã"),
        "residence.address": _l("địa chỉ"),
        "choices": _l("nguyện vọng"),
        "primary_school": _l("trường tiểu học đã hoàn thành"),
        "age_reason": _l("lý do"),
    }


class ReviewIn(Schema):
    field_labels: ClassVar[dict[str, Any]] = {
        "decision": _l("kết quả xét duyệt"),
        "note": _l("ghi chú"),
    }
    decision: Decision
    note: Note | None = None


class CorrectionIn(Schema):
    field_labels: ClassVar[dict[str, Any]] = {
        "date_of_birth": _l("ngày sinh"),
        "pin": _l("mã PIN"),
        "residence.ward_code": _l("phường/xã"),
        "residence.address": _l("địa chỉ"),
        "note": _l("nội dung bổ sung"),
    }
    date_of_birth: BirthDate
    pin: Annotated[str, Field(min_length=1, max_length=20), NoNul]
    guardian: GuardianIn | None = None
    residence: ResidenceIn | None = None
    note: Note | None = None


class ConfirmIn(Schema):
    date_of_birth: BirthDate
    pin: Annotated[str, Field(min_length=1, max_length=20), NoNul]
    accept: bool = True
