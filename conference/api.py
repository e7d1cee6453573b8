"""The conference JSON API (/api/v1)."""

from __future__ import annotations

from flask import current_app, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from conference import services
from conference.access import ConferenceRight, standing
from conference.engine import engine
from conference.schemas import ConferenceIn
from conference.shapes import conference_dict
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
