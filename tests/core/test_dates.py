"""Dates as people write them, dd/mm/yyyy and dd/mm/yyyy HH:MM (24-hour clock, Vietnam
time), read the same on every form; ISO 8601 is still read for API clients. A wrong date
is refused naming the field and why."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar

import pytest
from flask_babel import lazy_gettext as _l

from core.errors import DomainError
from core.i18n import input_moment, parse_day, parse_moment_text
from core.schemas import Day, Moment, Schema, parse


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("01/12/2026", date(2026, 12, 1)),
        ("1/2/2026", date(2026, 2, 1)),
        (" 29/02/2028 ", date(2028, 2, 29)),  # a leap year
        ("2026-12-01", date(2026, 12, 1)),  # ISO, as API clients send it
    ],
)
def test_a_day_is_read_dd_mm_yyyy_or_iso(text, day):
    assert parse_day(text) == day


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2026", "no_such_day"),
        ("29/02/2027", "no_such_day"),  # not a leap year
        ("12/31/2026", "no_such_day"),  # month and day the wrong way round
        ("2026-02-30", "no_such_day"),
        ("2026/12/01", "date_format"),  # year first with slashes: which order?
        ("01-12-2026", "date_format"),
        ("01/12/26", "date_format"),
        ("01/12/2026 10:00", "date_format"),
        ("mai", "date_format"),
        ("", "date_format"),
    ],
)
def test_a_wrong_day_says_why(text, reason):
    with pytest.raises(ValueError, match=f"^{reason}$"):
        parse_day(text)


@pytest.mark.parametrize(
    ("text", "utc"),
    [
        ("01/12/2026 14:30", datetime(2026, 12, 1, 7, 30, tzinfo=UTC)),  # Vietnam is UTC+7
        ("1/12/2026 7:05", datetime(2026, 12, 1, 0, 5, tzinfo=UTC)),
        ("01/12/2026 00:00", datetime(2026, 11, 30, 17, 0, tzinfo=UTC)),
        ("2026-12-01T14:30", datetime(2026, 12, 1, 7, 30, tzinfo=UTC)),  # ISO, naive: Vietnam
        ("2026-12-01T14:30:00Z", datetime(2026, 12, 1, 14, 30, tzinfo=UTC)),
    ],
)
def test_a_moment_is_read_dd_mm_yyyy_hh_mm_or_iso(text, utc):
    assert parse_moment_text(text) == utc


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("31/02/2026 10:00", "no_such_day"),
        ("01/12/2026 24:00", "no_such_day"),
        ("01/12/2026 14:60", "no_such_day"),
        ("01/12/2026", "datetime_format"),  # the time is needed
        ("01/12/2026 2:30 PM", "datetime_format"),  # a 24-hour clock
        ("12/01/2026, 2:30 PM", "datetime_format"),
        ("2026-13-01T10:00", "no_such_day"),
        ("2026-12-01Tnoon", "datetime_format"),
    ],
)
def test_a_wrong_moment_says_why(text, reason):
    with pytest.raises(ValueError, match=f"^{reason}$"):
        parse_moment_text(text)


def test_a_moment_is_shown_back_as_typed(app):
    with app.app_context():
        assert input_moment(parse_moment_text("01/12/2026 14:30")) == "01/12/2026 14:30"
        assert input_moment(None) == ""


class VisitIn(Schema):
    field_labels: ClassVar[dict[str, Any]] = {"day": _l("ngày sinh"), "at": _l("giờ bắt đầu")}
    day: Day
    at: Moment


def refusal_of(app, data: dict[str, Any]) -> DomainError:
    with app.test_request_context("/"):
        with pytest.raises(DomainError) as caught:
            parse(VisitIn, data)
        error = caught.value
        error.message = str(error.message)
        error.details = {**error.details, "errors": [
            {**e, "message": str(e["message"])} for e in error.details.get("errors", [])
        ]}
        return error


def test_the_schema_reads_both_ways(app):
    with app.test_request_context("/"):
        visit = parse(VisitIn, {"day": "29/02/2028", "at": "01/12/2026 14:30"})
        assert visit.day == date(2028, 2, 29)
        assert visit.at == datetime(2026, 12, 1, 7, 30, tzinfo=UTC)
        iso = parse(VisitIn, {"day": "2028-02-29", "at": "2026-12-01T14:30"})
        assert (iso.day, iso.at) == (visit.day, visit.at)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"day": "31/02/2026"}, "day", "Ngày sinh không phải ngày giờ có thật (31/02/2026)."),
        ({"day": "2026/02/01"}, "day", "Ngày sinh không đúng dạng dd/mm/yyyy."),
        ({"at": "01/12/2026 2:30 PM"}, "at",
         "Giờ bắt đầu không đúng dạng dd/mm/yyyy HH:MM (giờ 24)."),
        ({"at": "01/12/1999 10:00"}, "at", "Giờ bắt đầu nằm ngoài khoảng cho phép."),
        ({"day": ""}, "day", "Thiếu ngày sinh."),
    ],
)
def test_a_wrong_date_is_named_in_words(app, data, field, message):
    good = {"day": "02/09/2020", "at": "01/12/2026 14:30"}
    error = refusal_of(app, {**good, **data})
    assert (error.status, error.details["field"], error.message) == (422, field, message)


def test_every_wrong_date_comes_back_at_once(app):
    error = refusal_of(app, {"day": "30/02/2020", "at": ""})
    assert [(e["field"], e["message"]) for e in error.details["errors"]] == [
        ("day", "Ngày sinh không phải ngày giờ có thật (30/02/2020)."),
        ("at", "Thiếu giờ bắt đầu."),
    ]
