"""Prepared queries (core.db.prepared): built once, run with each call's values, and the
socket hot paths that use them answer as before."""

from __future__ import annotations

import pytest
from sqlalchemy import Select, bindparam, event, select

from core.access import owned_row
from core.db import prepared
from core.errors import NotFound
from core.extensions import db
from core.models import User
from core.security import issue_token, token_hash, user_by_username, valid_token_row
from meetings.access import MeetingRight, standing
from meetings.models import Meeting

pytestmark = pytest.mark.db


def test_a_prepared_query_is_built_once_and_runs_with_each_calls_values(demo):
    builds = []

    @prepared
    def by_name() -> Select[User]:
        builds.append(1)
        return select(User).where(User.username == bindparam("username"))

    first = db.session.scalar(by_name(), {"username": "chutich"})
    second = db.session.scalar(by_name(), {"username": "daibieu"})
    assert (first.username, second.username) == ("chutich", "daibieu")
    assert by_name() is by_name() and len(builds) == 1


def test_owned_row_refuses_a_row_of_another_owner_like_a_missing_one(demo):
    city, ward = db.session.scalars(select(Meeting).order_by(Meeting.id)).all()[:2]
    missing = NotFound("meeting_not_found", "missing")
    assert owned_row(Meeting, city.id, missing, organization_id=city.organization_id) is city
    for row_id, owner in ((city.id, ward.organization_id), (10_000, city.organization_id)):
        with pytest.raises(NotFound):
            owned_row(Meeting, row_id, missing, organization_id=owner)


def test_a_token_check_is_one_query_and_refuses_a_revoked_token(demo):
    user = user_by_username("daibieu")
    token, _ = issue_token(user, 1)
    db.session.commit()
    statements = []

    def seen(_conn, _cursor, statement, *_rest) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        db.session.expunge_all()
        assert valid_token_row(token_hash(token)).user.username == "daibieu"
        assert len(statements) == 2  # the token with its user, then the user's memberships
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    valid_token_row(token_hash(token)).revoked = True
    db.session.commit()
    assert valid_token_row(token_hash(token)) is None


def test_a_light_standing_loads_the_meeting_and_the_participant(demo):
    city = db.session.scalar(select(Meeting).order_by(Meeting.id))
    user = user_by_username("daibieu")
    found = standing(city.id, user, MeetingRight.PARTICIPATE, light=True)
    assert found.meeting is city and found.participant.user_id == user.id
    with pytest.raises(NotFound):
        standing(10_000, user, MeetingRight.PARTICIPATE, light=True)
