"""The demo city meeting is in progress whenever the demo is seeded."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.i18n import VN_TZ
from meetings.seed import working_day_around


def _vn(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=VN_TZ)


@pytest.mark.parametrize(
    ("now", "opens", "closes"),
    [
        (_vn(1, 10), _vn(1, 8), _vn(1, 17)),  # office hours: the working day
        (_vn(1, 21, 30), _vn(1, 8), _vn(2, 1, 30)),  # evening: stretched past now
        (_vn(1, 6, 15), _vn(1, 5, 15), _vn(1, 17)),  # early morning: opens before now
    ],
)
def test_the_demo_meeting_covers_the_moment_it_is_seeded(now, opens, closes):
    assert working_day_around(now) == (opens, closes)


def test_a_moment_given_in_utc_counts_in_vietnam_time():
    # 14:30 UTC is 21:30 in Huế
    utc = datetime.fromisoformat("2026-12-01T14:30:00+00:00")
    assert working_day_around(utc) == (_vn(1, 8), _vn(2, 1, 30))
