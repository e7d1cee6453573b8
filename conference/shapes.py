"""Outward JSON shapes of conferences."""

from __future__ import annotations

from typing import Any

from conference.models import Conference, ConferenceRecording, ConferenceSite
from conference.services import floor_code


def site_dict(site: ConferenceSite) -> dict[str, Any]:
    shape = {"code": site.code, "name": site.name, "host": site.is_host}
    if site.user_id is not None:  # a person's site (a class): who it is
        shape["user"] = site.username
    return shape


def conference_dict(conference: Conference) -> dict[str, Any]:
    return {
        "id": conference.id,
        "title": conference.title,
        "kind": conference.kind.value,
        "status": conference.status.value,
        "url": f"/conference/{conference.id}",
        "host": conference.host.code,
        "meeting_id": conference.meeting_id,
        "lesson_id": conference.lesson_id,
        "floor": floor_code(conference),
        "sites": [site_dict(site) for site in conference.sites],
    }


def recording_dict(recording: ConferenceRecording) -> dict[str, Any]:
    """A recording as the room and the API show it; ``url`` once its file is kept."""
    kept = recording.sha256 is not None
    url = f"/api/v1/conferences/{recording.conference_id}/recordings/{recording.id}/file"
    return {
        "id": recording.id,
        "conference_id": recording.conference_id,
        "meeting_id": recording.conference.meeting_id,  # kept with the meeting it carried
        "status": recording.status.value,
        "started_at": recording.started_at.isoformat(),
        "stopped_at": recording.stopped_at.isoformat() if recording.stopped_at else None,
        "started_by": recording.started_by.display_name,
        "duration": recording.duration,
        "size": recording.size,
        "url": url if kept else None,
    }
