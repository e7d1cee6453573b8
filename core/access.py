"""How every feature checks access: once per call, by the handler.

The model is Indico's request handlers (``_process_args`` then ``_check_access``):

1. **Load.** The handler (an HTTP view or a Socket.IO event) loads the object and the
   caller's standing in it with one loader of the feature (``meetings.access.standing``):
   a 404 when the object does not exist *or* the caller may not even know it exists.
2. **Check.** The handler asks the standing for the one right the call needs:
   ``standing.require(MeetingRight.MANAGE)``. Nothing is queried again: the standing
   holds everything the answer depends on.
3. **Act.** The rule function receives the standing (never the bare user) and trusts it;
   it does not check access again. It may still read it for rules that depend on who
   acts ("the chair may end someone else's turn").

A feature declares its rights as an enum and subclasses :class:`Standing`.
"""

from __future__ import annotations

import enum
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select

from core.db import prepared
from core.errors import Forbidden, NotFound
from core.extensions import db

Row = TypeVar("Row")


def owned_row(model: type[Row], row_id: int, not_found: NotFound, **owner: int) -> Row:
    """The row with this id when it belongs to the owner the handler already checked
    (``meeting_id=…``); a row of another owner is answered like a missing one."""
    statement = _owned_statement(model, tuple(sorted(owner)))
    row = db.session.scalar(statement, {"owned_row_id": row_id, **owner})
    if row is None:
        raise not_found
    return row


@prepared
def _owned_statement(model: Any, owner_keys: tuple[str, ...]) -> Select[Any]:
    """``owned_row``'s query, built once per model and owner."""
    conditions = [getattr(model, key) == bindparam(key) for key in owner_keys]
    return select(model).where(model.id == bindparam("owned_row_id"), *conditions)


class Standing:
    """The caller's standing in one object, loaded once per call.

    Subclasses implement :meth:`has` and say, per right, which refusal a caller without
    it gets (:meth:`refusal`)."""

    def has(self, right: enum.Enum) -> bool:
        raise NotImplementedError

    def refusal(self, right: enum.Enum) -> NotFound | Forbidden:
        raise NotImplementedError

    def require(self, *rights: enum.Enum) -> Any:
        """Refuse the call unless the caller has every right; returns the standing."""
        for right in rights:
            if not self.has(right):
                raise self.refusal(right)
        return self
