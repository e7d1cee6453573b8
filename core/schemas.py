"""Declared request schemas: every JSON body and socket payload is parsed by one.

A schema is a pydantic model built from the field types below. They refuse what the
probe found slipping through: wrong types (``["x"]`` as a title, ``"false"`` as a flag),
NUL bytes, ids beyond the database's integer columns, non-finite numbers, dates out of a
sane range. :func:`parse` turns pydantic's errors into one ``DomainError`` (422) naming
the field in the caller's language; views declare their body with :func:`body` so the
OpenAPI document shows the same schema.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any, ClassVar, TypeVar, get_args, get_origin

from flask import request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
)

from core.errors import DomainError
from core.i18n import parse_day, parse_local_datetime, parse_moment_text

MAX_ROW_ID = 2**31 - 1  # the range of PostgreSQL's integer columns
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
HORIZON = timedelta(days=366 * 10)

S = TypeVar("S", bound=BaseModel)


class Schema(BaseModel):
    """Base of every request schema: unknown fields are ignored, values are not coerced
    across types except digits in strings for ids (HTML forms send text)."""

    model_config = ConfigDict(str_strip_whitespace=True, frozen=True)
    # a field's own error code, kept stable for API clients (``{"title": "invalid_title"}``)
    error_codes: ClassVar[dict[str, str]] = {}
    # a field named in words in messages ("Thiếu tiêu đề cuộc họp"); else its key is used
    field_labels: ClassVar[dict[str, Any]] = {}


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("nul")
    return value


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("type")
    return value


def _moment(value: Any) -> datetime:
    """dd/mm/yyyy HH:MM as forms send it, or ISO 8601 (API clients); without a zone it is
    Vietnam time."""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else parse_local_datetime(value.isoformat())
    elif isinstance(value, str):
        moment = parse_moment_text(value)
    else:
        raise ValueError("type")
    if not EARLIEST <= moment <= datetime.now(UTC) + HORIZON:
        raise ValueError("out_of_range")
    return moment


def _day(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str):
        day = parse_day(value)  # dd/mm/yyyy, or yyyy-mm-dd from API clients
    else:
        raise ValueError("type")
    if not EARLIEST.date() <= day <= (datetime.now(UTC) + HORIZON).date():
        raise ValueError("out_of_range")
    return day


# Text fields: ``Annotated[str, Field(min_length=…, max_length=…), NoNul]`` (stripped).
NoNul = AfterValidator(_no_nul)
Title = Annotated[str, Field(min_length=1, max_length=300), NoNul]
ShortText = Annotated[str, Field(max_length=300), NoNul]
NoBool = BeforeValidator(_no_bool)


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


RowId = Annotated[int, NoBool, Field(ge=1, le=MAX_ROW_ID)]
# an optional id from a form, where "" means none
OptionalRowId = Annotated[RowId | None, BeforeValidator(_blank_is_none)]
Count = Annotated[int, NoBool, Field(ge=0, le=MAX_ROW_ID)]
Flag = StrictBool
Moment = Annotated[datetime, BeforeValidator(_moment)]
Day = Annotated[date, BeforeValidator(_day)]
Username = Annotated[str, Field(min_length=1, max_length=80), NoNul]
OrgCode = Annotated[str, Field(min_length=1, max_length=64), NoNul]


def _field_name(error: dict[str, Any]) -> str:
    return ".".join(str(part) for part in error.get("loc", ())) or "body"


def _message(kind: str, field: Any, error: dict[str, Any], labelled: bool = False) -> Any:
    context = error.get("ctx") or {}
    reason = str(context.get("error", ""))
    if kind == "missing" and labelled:
        return _l("Thiếu %(field)s.", field=field)
    if kind == "missing":
        return _l("Thiếu trường bắt buộc: %(field)s.", field=field)
    if kind == "string_too_long":
        return _l("%(field)s dài quá %(n)s ký tự.", field=field, n=context.get("max_length"))
    if kind == "too_long":
        return _l("%(field)s có quá %(n)s phần tử.", field=field, n=context.get("max_length"))
    if kind == "string_too_short":
        return _l("%(field)s không được để trống.", field=field)
    if reason == "nul" or kind == "string_type" and "\x00" in str(error.get("input")):
        return _l("%(field)s chứa ký tự không hợp lệ.", field=field)
    if reason == "date_format":
        return _l("%(field)s không đúng dạng dd/mm/yyyy.", field=field)
    if reason == "datetime_format":
        return _l("%(field)s không đúng dạng dd/mm/yyyy HH:MM (giờ 24).", field=field)
    if reason == "no_such_day":
        return _l("%(field)s không phải ngày giờ có thật (%(value)s).", field=field,
                  value=str(error.get("input", ""))[:40])
    if reason == "out_of_range" or kind in ("greater_than_equal", "less_than_equal", "greater_than",
                                            "less_than"):
        return _l("%(field)s nằm ngoài khoảng cho phép.", field=field)
    return _l("Giá trị của %(field)s không hợp lệ.", field=field)


def _capitalised(message: Any) -> str:
    text = str(message)
    return text[:1].upper() + text[1:]


def _model(kind: Any) -> type[BaseModel] | None:
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _declared(schema: type[BaseModel] | None, path: list[str]) -> Any:
    """The field a path names, through nested schemas and lists of them
    (``child.full_name``, ``tasks.*.deadline``), or None."""
    field, current, items = None, schema, None
    if not path or path[-1] == "*":
        return None
    for part in path:
        if part == "*":
            current, items = items, None
            continue
        field = current.model_fields.get(part) if current else None
        if field is None:
            return None
        current = _model(field.annotation)
        args = get_args(field.annotation)
        items = _model(args[0]) if get_origin(field.annotation) is list and args else None
    return field


def _left_out(kind: str, given: Any, required: bool) -> bool:
    """Absent, or a required field given as null or empty: the caller left it out."""
    return kind == "missing" or required and (given is None or given == "" or given == [])


def _code(path: list[str], codes: dict[str, str]) -> str:
    """A field's own code: the longest matching path (list items as ``*``), else
    ``invalid_id`` for ids and ``invalid_field`` for the rest."""
    for end in range(len(path), 0, -1):
        code = codes.get(".".join(path[:end]))
        if code:
            return code
    return "invalid_id" if path and path[-1].endswith("_id") else "invalid_field"


def _refused_field(detail: Any, schema: type[BaseModel] | None) -> tuple[str, str, Any]:
    """One validation error as (field, code, message)."""
    path = ["*" if isinstance(part, int) else str(part) for part in detail["loc"]]
    error: dict[str, Any] = dict(detail)
    field, kind = _field_name(error), str(error.get("type", ""))
    declared = _declared(schema, path)
    codes = getattr(schema, "error_codes", {})
    code = _code(path, codes)
    if _left_out(kind, error.get("input"), bool(declared and declared.is_required())):
        # a nested field given empty is named as missing ("Thiếu hạn xử lý.") but keeps the
        # code API clients already know for it (``invalid_deadline``)
        own = len(path) > 1 and kind != "missing" and code in codes.values()
        kind, code = "missing", code if own else "missing_field"
    labels = getattr(schema, "field_labels", {})
    label = labels.get(field, labels.get(".".join(path)))
    if label is None:
        return field, code, _message(kind, field, error)
    # a label starts the sentence in most messages ("Ngày sinh không đúng dạng …")
    return field, code, LazyString(_capitalised, _message(kind, label, error, labelled=True))


def refusal(err: ValidationError, schema: type[BaseModel] | None = None) -> DomainError:
    """A validation as a 422 naming the first field wrong (its code and message); when
    several fields are wrong, ``details.errors`` lists every one, so a form can show them
    all at once. The schema's ``error_codes`` give a field's own code (``invalid_title``)."""
    found = [_refused_field(detail, schema) for detail in err.errors(include_url=False)]
    field, code, message = found[0]
    every = {}
    if len(found) > 1:
        every["errors"] = [{"field": f, "code": c, "message": str(m)} for f, c, m in found]
    return DomainError(code, message, 422, field=field, **every)


def parse(schema: type[S], data: Any) -> S:
    """Validate ``data`` (a dict from JSON, a form, a socket payload) against ``schema``."""
    if not isinstance(data, dict):
        raise DomainError("invalid_json", _l("Nội dung yêu cầu phải là một đối tượng JSON."), 400)
    try:
        return schema.model_validate(data)
    except ValidationError as err:
        raise refusal(err, schema) from None


def body(schema: type[S]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a view's JSON body: the view receives it parsed as ``body=``."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            data = request.get_json(silent=True)
            return view(*args, body=parse(schema, data), **kwargs)

        wrapper.request_schema = schema  # type: ignore[attr-defined]
        return wrapper

    return decorate


def form_or_json(schema: type[S]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Like :func:`body`, for calls that may send files: a multipart form's text fields
    (the files stay in ``request.files``) or a JSON body, parsed by the same schema."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if request.mimetype == "multipart/form-data":
                data: Any = request.form.to_dict()
            else:
                data = request.get_json(silent=True)
                data = {} if data is None and not request.get_data() else data
            return view(*args, body=parse(schema, data), **kwargs)

        wrapper.request_schema = schema  # type: ignore[attr-defined]
        return wrapper

    return decorate
