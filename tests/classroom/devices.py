"""Live-lesson devices for the socket tests and the benchmark: real python-socketio
clients against `sohoa serve`, recording every lesson event in order; and students
created on the live server's database in one subprocess.

    python -m tests.classroom.devices make-students PREFIX COUNT   # prints {username: token}
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from core import create_app
from core.extensions import db
from core.security import create_or_update_user, issue_token
from tests.recording_client import RecordingClient
from tests.support import ROOT

NS = "/classroom"
SCHOOL = "th-vinh-ninh"
EVENTS = (
    "page_changed",
    "stroke_drawn",
    "stroke_undone",
    "board_cleared",
    "pen_changed",
    "poll_opened",
    "poll_results",
    "poll_closed",
    "poll_revealed",
    "hands_changed",
    "attendance_changed",
    "lesson_status_changed",
    "join_requests_changed",
    "groups_changed",
)


def make_students(server: Any, prefix: str, count: int) -> dict[str, str]:
    """Students of the demo school with an API token each: {username: token}."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.classroom.devices", "make-students", prefix, str(count)],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr + result.stdout)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _make_students(prefix: str, count: int) -> None:
    app = create_app()
    tokens: dict[str, str] = {}
    with app.app_context():
        for i in range(1, count + 1):
            name = f"{prefix}{i:03d}"
            user = create_or_update_user(
                name, "hoc-sinh-2026", "student", SCHOOL, f"Học sinh {prefix} {i:03d}"
            )
            tokens[name], _ = issue_token(user, 24)
        db.session.commit()
    print(json.dumps(tokens))


class Device(RecordingClient):
    """One device in a lesson: records every lesson event in order."""

    namespace = NS

    def __init__(
        self,
        url: str,
        username: str,
        token: str | None,
        headers: dict[str, str] | None = None,
        lang: str | None = None,
    ):
        auth = {"token": token, **({"lang": lang} if lang else {})} if token else None
        super().__init__(url, username, EVENTS, auth, headers=headers)


if __name__ == "__main__":
    if sys.argv[1:2] == ["make-students"]:
        _make_students(sys.argv[2], int(sys.argv[3]))
