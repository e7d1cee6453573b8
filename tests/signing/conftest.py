from __future__ import annotations

import pytest

from signing import keys


@pytest.fixture
def authority(app):
    made, _ = keys.init_ca()
    return made


from tests.meetings.conftest import api_meeting, h, ready, upload  # noqa: E402,F401
