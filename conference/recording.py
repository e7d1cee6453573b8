"""Recording a conference (ghi hình hội nghị): the chair starts and stops it; the engine
writes one WebM file (the host and whoever has the floor), which then moves into the
file store and is kept with the conference, and so with the meeting it carries.

Plain functions; they flush, the caller commits. The engine is passed in.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from conference.access import ConferenceStanding
from conference.engine import MediaEngine, MediaError
from conference.models import Conference, ConferenceRecording, RecordingStatus
from core import audit, files
from core.db import utcnow
from core.errors import DomainError, NotFound
from core.extensions import db
from core.models import User

CONTENT_TYPE = "video/webm"


def already_recording() -> DomainError:
    return DomainError("already_recording", _l("Hội nghị đang được ghi hình."), 409)


def not_recording() -> DomainError:
    return DomainError("not_recording", _l("Hội nghị hiện không được ghi hình."), 409)


def recording_not_found() -> NotFound:
    return NotFound("recording_not_found", _l("Không tìm thấy bản ghi hình."))


def _engine_refused(err: MediaError) -> DomainError:
    return DomainError(
        "recording_failed",
        _l("Máy chủ truyền hình không ghi hình được. Vui lòng thử lại."),
        503 if err.code == "engine_unavailable" else 422,
    )


def work_folder() -> Path:
    """Where the engine writes while it records (the instance folder, as the store)."""
    folder = Path(current_app.instance_path) / "recordings"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def active(conference_id: int) -> ConferenceRecording | None:
    return db.session.scalar(
        select(ConferenceRecording).where(
            ConferenceRecording.conference_id == conference_id,
            ConferenceRecording.status == RecordingStatus.RECORDING,
        )
    )


def start(chair: ConferenceStanding, media: MediaEngine) -> ConferenceRecording:
    """Start recording; refused while a recording runs."""
    conference = chair.conference
    if active(conference.id) is not None:
        raise already_recording()
    path = work_folder() / f"{conference.id}-{uuid.uuid4().hex}.webm"
    row = ConferenceRecording(
        conference=conference, started_by_id=chair.user.id, work_path=str(path)
    )
    db.session.add(row)
    db.session.flush()
    _start_engine(media, conference, str(path))
    audit.record(
        "conference.recording_started", chair.user.id, "conference_recording", row.id,
        {"conference": conference.id},
    )  # fmt: skip
    return row


def _start_engine(media: MediaEngine, conference: Conference, path: str) -> None:
    """Two chairs pressing at once: the engine refuses the second."""
    try:
        media.start_recording(conference.id, path, conference.host.code)
    except MediaError as err:
        if err.code == "already_recording":
            raise already_recording() from None
        raise _engine_refused(err) from None


def stop(chair: ConferenceStanding, media: MediaEngine) -> ConferenceRecording:
    """Stop the running recording and keep its file; refused when none runs."""
    row = active(chair.conference.id)
    if row is None:
        raise not_recording()
    finish(row, media, chair.user)
    return row


def finish(row: ConferenceRecording, media: MediaEngine, by: User | None) -> None:
    """Close the engine's file and move it into the store. A recording the engine lost
    (it restarted) or that holds nothing is kept as failed."""
    try:
        info: dict[str, Any] = media.stop_recording(row.conference_id)
    except MediaError:
        info = {}
    path = Path(row.work_path)  # the path chosen here, not one the engine names
    if info.get("size") and path.is_file() and path.stat().st_size > 0:
        stored = files.store_file(path, CONTENT_TYPE)
        row.sha256, row.size = stored.sha256, stored.size
        row.duration = float(info.get("duration") or 0.0)
        row.status = RecordingStatus.DONE
    else:
        path.unlink(missing_ok=True)
        row.status = RecordingStatus.FAILED
    row.stopped_by_id = by.id if by is not None else None
    row.stopped_at = utcnow()
    db.session.flush()
    audit.record(
        "conference.recording_stopped", row.stopped_by_id, "conference_recording", row.id,
        {"conference": row.conference_id, "status": row.status.value, "sha256": row.sha256},
    )  # fmt: skip


def finish_active(conference_id: int, media: MediaEngine) -> ConferenceRecording | None:
    """End the conference's running recording, if any (the host left, the conference
    ended); returns it."""
    row = active(conference_id)
    if row is not None:
        finish(row, media, None)
    return row


def recordings(conference_id: int) -> list[ConferenceRecording]:
    """The conference's recordings, newest first."""
    return list(
        db.session.scalars(
            select(ConferenceRecording)
            .where(ConferenceRecording.conference_id == conference_id)
            .order_by(ConferenceRecording.started_at.desc(), ConferenceRecording.id.desc())
        )
    )


def recordings_of_meeting(meeting_id: int) -> list[ConferenceRecording]:
    """The kept recordings of the conferences that carried a meeting (for its record)."""
    return list(
        db.session.scalars(
            select(ConferenceRecording)
            .join(Conference)
            .where(
                Conference.meeting_id == meeting_id,
                ConferenceRecording.status == RecordingStatus.DONE,
            )
            .order_by(ConferenceRecording.started_at)
        )
    )


def downloadable(
    found: ConferenceStanding, recording_id: int, first_part: bool
) -> ConferenceRecording:
    """A kept recording of the caller's conference (404 otherwise). A download is written
    to the audit log once, on its first part (a player then fetches ranges as it seeks)."""
    row = db.session.get(ConferenceRecording, recording_id)
    if row is None or row.conference_id != found.conference.id or row.sha256 is None:
        raise recording_not_found()
    if first_part:
        _audit_download(found, row)
    return row


def _audit_download(found: ConferenceStanding, row: ConferenceRecording) -> None:
    audit.record(
        "conference.recording_downloaded", found.user.id, "conference_recording", row.id,
        {"conference": row.conference_id},
    )  # fmt: skip
