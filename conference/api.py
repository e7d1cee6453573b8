"""The conference JSON API (/api/v1)."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from conference import recording, services
from conference.access import ConferenceRight, conference_not_found, standing
from conference.engine import engine
from conference.schemas import ConferenceIn
from conference.shapes import conference_dict, recording_dict
from core import files
from core.api import api_blueprint
from core.schemas import body

api = api_blueprint("api_conference", __name__)


@api.post("/conferences")
@login_required
@body(ConferenceIn)
def create_conference(body: ConferenceIn) -> ResponseReturnValue:
    """Create a conference {title, host, sites:[org_code], meeting_id?} → {id, url}."""
    conference = services.create_conference(current_user, body)
    return jsonify(id=conference.id, url=f"/conference/{conference.id}"), 201


@api.get("/conferences/<int:conference_id>")
@login_required
def get_conference(conference_id: int) -> ResponseReturnValue:
    """The conference, its sites and who has the floor (invited sites only)."""
    found = standing(conference_id, current_user, ConferenceRight.JOIN)
    return jsonify(conference_dict(found.conference))


@api.post("/conferences/<int:conference_id>/join-token")
@login_required
def join_token(conference_id: int) -> ResponseReturnValue:
    """A token binding this browser to the caller's site: {token, site}."""
    found = standing(conference_id, current_user, ConferenceRight.JOIN)
    return jsonify(token=services.join_token(found), site=found.joined.code)


@api.get("/conferences/<int:conference_id>/stats")
@login_required
def link_stats(conference_id: int) -> ResponseReturnValue:
    """Link quality per site (host site's leads only)."""
    found = standing(conference_id, current_user, ConferenceRight.CHAIR)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    return jsonify(engine(app).stats(found.conference.id))


@api.get("/conferences/<int:conference_id>/recordings")
@login_required
def list_recordings(conference_id: int) -> ResponseReturnValue:
    """The conference's recordings (ghi hình), newest first (invited sites only)."""
    found = standing(conference_id, current_user, ConferenceRight.JOIN)
    kept = recording.recordings(found.conference.id)
    return jsonify(recordings=[recording_dict(r) for r in kept])


@api.get("/conferences/<int:conference_id>/recordings/<int:recording_id>/file")
@login_required
def recording_file(conference_id: int, recording_id: int) -> ResponseReturnValue:
    """The WebM file; honours Range. Only for those who may see the conference: 404 for
    anyone else, as for a recording that does not exist."""
    found = standing(conference_id, current_user)
    if not found.has(ConferenceRight.JOIN):
        raise conference_not_found()
    first_part = request.range is None or request.range.ranges[0][0] == 0
    row = recording.downloadable(found, recording_id, first_part)
    assert row.sha256 is not None
    name = f"{found.conference.title} - {row.started_at:%Y-%m-%d %H%M}.webm"
    return files.send_stored(row.sha256, recording.CONTENT_TYPE, name)
