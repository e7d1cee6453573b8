"""Request bodies of the enrollment API (one schema per body, see core.schemas)."""

from __future__ import annotations

import enum
from datetime import date
from typing import Annotated, ClassVar

from pydantic import BeforeValidator, Field

from core.schemas import NoNul, Schema

Name = Annotated[str, Field(min_length=2, max_length=200), NoNul]
Text = Annotated[str, Field(min_length=1, max_length=300), NoNul]
Code = Annotated[str, Field(min_length=1, max_length=64), NoNul]
Note = Annotated[str, Field(max_length=2000), NoNul]


def _strict_day(value: object) -> date:
    """An ISO calendar date (YYYY-MM-DD) that exists: 2020-02-30 is refused."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or len(value) != 10:
        raise ValueError("type")
    return date.fromisoformat(value)


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


class ReviewIn(Schema):
    decision: Decision
    note: Note | None = None


class CorrectionIn(Schema):
    date_of_birth: BirthDate
    pin: Annotated[str, Field(min_length=1, max_length=20), NoNul]
    guardian: GuardianIn | None = None
    residence: ResidenceIn | None = None
    note: Note | None = None


class ConfirmIn(Schema):
    date_of_birth: BirthDate
    pin: Annotated[str, Field(min_length=1, max_length=20), NoNul]
    accept: bool = True
