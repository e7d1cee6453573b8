"""The typed SQLAlchemy 2.0 base: naming conventions, UTC timestamps, prepared queries."""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar, cast

from sqlalchemy import DateTime, Enum, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


Built = TypeVar("Built")
Shape = ParamSpec("Shape")


def prepared(build: Callable[Shape, Built]) -> Callable[Shape, Built]:
    """A query on a hot path (every socket event, every device joining) built once, with
    ``bindparam`` placeholders for its values, and run with them (a builder that takes
    arguments, hashable ones, is built once per set of them)::

        @prepared
        def _participant() -> Select[Participant]:
            return select(Participant).where(Participant.id == bindparam("id"))

        db.session.scalar(_participant(), {"id": 7})

    Building a SQLAlchemy statement costs more than running it: ~250 of the ~350 µs of a
    small ORM query here, ~60 of ~145 µs for ``session.get`` (tests/core/test_db.py
    checks the queries, bench.join_cost the cost per device)."""
    return cast(Callable[Shape, Built], functools.cache(build))


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone; PostgreSQL uses timestamptz. Naive values are refused so a
    local time can never be stored by mistake.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use timezone-aware UTC values")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_column(states: type[enum.StrEnum], length: int = 20) -> Enum:
    """A typed state stored as its value in a plain string column (not a native enum
    type), so SQLite and PostgreSQL behave alike and new states need no type change."""
    return Enum(
        states,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    """Base of every model."""

    registry = registry(
        metadata=MetaData(naming_convention=NAMING),
        type_annotation_map={datetime: UTCDateTime()},
    )


class Timestamped:
    """Adds created_at / updated_at (UTC) to a model."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
