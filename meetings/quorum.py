"""Quorum and the pass rule (số lượng đại biểu cần thiết, tỷ lệ thông qua).

Vietnamese collective bodies decide on their whole membership: a People's Council
session needs at least two thirds of its delegates present, and a resolution passes when
more than half of *all* delegates agree (Law on the Organisation of Local Government,
arts. 78 and 82). A working briefing (giao ban) has no quorum and decides by a majority
of those present. Each meeting takes its rule from its kind; the vote keeps the rule it
was decided by, so the record and the minutes can state it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from flask_babel import lazy_gettext as _l

from meetings.models import MeetingKind, PassBase, Vote


@dataclass(frozen=True)
class DecisionRule:
    quorum: Fraction  # share of all members who must be present (0: no quorum)
    pass_base: PassBase  # whose majority decides: all members, or those present

    def required(self, members: int) -> int:
        """How many members must be present for a quorum."""
        whole = self.quorum * members
        return int(whole) + (0 if whole.denominator == 1 else 1)


COUNCIL = DecisionRule(Fraction(2, 3), PassBase.MEMBERS)
BRIEFING = DecisionRule(Fraction(0), PassBase.PRESENT)
RULES: dict[MeetingKind, DecisionRule] = {
    MeetingKind.REGULAR: COUNCIL,
    MeetingKind.THEMATIC: COUNCIL,
    MeetingKind.EXTRAORDINARY: COUNCIL,
    MeetingKind.BRIEFING: BRIEFING,
}
PASS_RULE_TEXT = {
    PassBase.MEMBERS: _l("quá nửa tổng số thành viên tán thành"),
    PassBase.PRESENT: _l("quá nửa số thành viên có mặt tán thành"),
}


def rule_for(kind: MeetingKind) -> DecisionRule:
    return RULES.get(kind, COUNCIL)


def quorum(kind: MeetingKind, members: int, present: int) -> dict[str, Any]:
    """The live quorum the room shows: who is present, how many are needed."""
    rule = rule_for(kind)
    required = rule.required(members)
    return {
        "members": members,
        "present": present,
        "required": required,
        "met": present >= required,
        "pass_base": rule.pass_base,
    }


def share(part: int, whole: int | None) -> float | None:
    """A percentage with one decimal, or None when there is nobody to divide by."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def passed(vote: Vote) -> bool:
    """Passed by the vote's own rule: more than half of its base agree."""
    if vote.eligible is None:  # still open: nothing is decided yet
        return False
    if vote.pass_base == PassBase.PRESENT:
        base = vote.eligible
    else:
        base = vote.members if vote.members is not None else vote.eligible
    return base is not None and base > 0 and vote.yes_count * 2 > base


def rule_text(vote: Vote) -> str:
    return str(PASS_RULE_TEXT[vote.pass_base or PassBase.MEMBERS])
