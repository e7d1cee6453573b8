"""Hội nghị truyền hình: the pages."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from conference import recording, services
from conference.access import ConferenceRight, standing
from conference.models import Conference, ConferenceSite
from conference.shapes import conference_dict, recording_dict
from core.extensions import db
from core.transaction import CommittingBlueprint

bp = CommittingBlueprint(
    "conference", __name__, template_folder="templates", url_prefix="/conference"
)


@bp.get("/")
@login_required
def index():
    org_ids = [org.id for org in current_user.organizations]
    conferences = (
        db.session.scalars(
            select(Conference)
            .join(ConferenceSite)
            .where(ConferenceSite.organization_id.in_(org_ids))
            .order_by(Conference.created_at.desc())
            .limit(50)
        )
        .unique()
        .all()
    )
    return render_template("conference/index.html", conferences=conferences)


@bp.get("/<int:conference_id>")
@login_required
def room(conference_id: int):
    """The conference room: the caller joins as their organisation's site."""
    found = standing(conference_id, current_user, ConferenceRight.JOIN)
    return render_template(
        "conference/room.html",
        conference=found.conference,
        shape=conference_dict(found.conference),
        site=found.joined,
        token=services.join_token(found),
        chair=found.has(ConferenceRight.CHAIR),
        **_recordings(found.conference.id),
    )


def _recordings(conference_id: int) -> dict[str, Any]:
    kept = recording.recordings(conference_id)
    return {"recordings": kept, "recording_shapes": [recording_dict(r) for r in kept]}
