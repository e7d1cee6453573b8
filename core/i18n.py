"""Language and time: Vietnamese first, English second, Asia/Ho_Chi_Minh times."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import overload
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import gettext as _

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def select_locale() -> str:
    """?lang=, then the session's choice, then the user's, then (API only) Accept-Language.

    Pages default to Vietnamese whatever the browser's language; the API honours
    Accept-Language so integrators can ask for English.
    """
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    for candidate in (request.args.get("lang"), session.get("lang")):
        if isinstance(candidate, str) and candidate in languages:
            return candidate
    # Only a user flask-login has already loaded: loading one here would re-enter the
    # bearer-token loader, whose error message needs the locale (endless recursion).
    user = g.get("_login_user")
    if user and getattr(user, "is_authenticated", False) and user.locale in languages:
        return user.locale
    if request.path.startswith("/api/") and request.accept_languages:
        return request.accept_languages.best_match(languages) or "vi"
    return current_app.config["BABEL_DEFAULT_LOCALE"]


@overload
def to_local(value: datetime) -> datetime: ...


@overload
def to_local(value: None) -> None: ...


def to_local(value: datetime | None) -> datetime | None:
    """The moment in Vietnam's time zone (a naive value is taken as UTC). A stored value
    at the very edge of the calendar (31/12/9999) stays in UTC rather than fail a page."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(VN_TZ)
    except OverflowError:
        return value


def format_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy in Vietnam's time zone."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value)
    return value.strftime("%d/%m/%Y")


def format_datetime(value: datetime | None) -> str:
    """HH:MM dd/mm/yyyy in Vietnam's time zone."""
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M %d/%m/%Y")


def format_time(value: datetime | None) -> str:
    if value is None:
        return ""
    return to_local(value).strftime("%H:%M")


def parse_local_datetime(text: str) -> datetime:
    """An ISO datetime; a naive one is read as Vietnam time. Returns UTC."""
    parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=VN_TZ)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01 in Vietnam time is before the calendar starts
        raise ValueError("out_of_range") from None


# As people write them, whatever their browser's language: 31/12/2026 and 31/12/2026 17:00
VN_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
VN_MOMENT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})$")
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_day(text: str) -> date:
    """A calendar day written dd/mm/yyyy (d/m/yyyy too), or yyyy-mm-dd for API clients.

    Raises ``ValueError("date_format")`` for anything else and ``ValueError("no_such_day")``
    for a day the calendar does not have (31/02/2026, 29/02/2025)."""
    text = text.strip()
    found = VN_DAY.match(text)
    if found:
        day, month, year = (int(part) for part in found.groups())
    elif ISO_DAY.match(text):
        year, month, day = (int(part) for part in text.split("-"))
    else:
        raise ValueError("date_format")
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("no_such_day") from None


def parse_moment_text(text: str) -> datetime:
    """dd/mm/yyyy HH:MM (24-hour clock, Vietnam time) or an ISO date-time; returns UTC.

    Raises ``ValueError("datetime_format")`` for anything else, ``ValueError("no_such_day")``
    for 31/02 or 24:00."""
    text = text.strip()
    found = VN_MOMENT.match(text)
    if found:
        day, month, year, hour, minute = (int(part) for part in found.groups())
        try:
            local = datetime(year, month, day, hour, minute, tzinfo=VN_TZ)
        except ValueError:
            raise ValueError("no_such_day") from None
        return local.astimezone(UTC)
    if not re.match(r"^\d{4}-\d{2}-\d{2}", text):
        raise ValueError("datetime_format")
    try:
        return parse_local_datetime(text)
    except ValueError as err:
        if str(err) == "out_of_range":
            raise
        raise ValueError("datetime_format" if "isoformat" in str(err) else "no_such_day") from None


def input_day(value: date | datetime | None) -> str:
    """A day as a date field shows it: dd/mm/yyyy (Vietnam time for a moment)."""
    return format_date(value)


def input_moment(value: datetime | None) -> str:
    """A moment as a date-and-time field shows it: dd/mm/yyyy HH:MM, Vietnam time."""
    return "" if value is None else to_local(value).strftime("%d/%m/%Y %H:%M")


def role_label(role: str) -> str:
    """The role's name in the current language."""
    labels = {
        "admin": _("Quản trị"),
        "chair": _("Chủ tọa"),
        "secretary": _("Thư ký"),
        "delegate": _("Đại biểu"),
        "clerk": _("Văn thư"),
        "education_officer": _("Cán bộ phòng giáo dục"),
        "school_admin": _("Quản lý trường"),
        "teacher": _("Giáo viên"),
        "student": _("Học sinh"),
    }
    return labels.get(role, role)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["role_label"] = role_label
    app.jinja_env.filters["date_vn"] = format_date
    app.jinja_env.filters["datetime_vn"] = format_datetime
    app.jinja_env.filters["time_vn"] = format_time
    app.jinja_env.filters["input_day"] = input_day
    app.jinja_env.filters["input_moment"] = input_moment
