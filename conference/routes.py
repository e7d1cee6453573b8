"""Hội nghị truyền hình: the pages."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from conference import choices, recording, services
from conference.access import ConferenceRight, standing
from conference.models import Conference, ConferenceSite
from conference.schemas import ConferenceIn
from conference.shapes import conference_dict, recording_dict
from core.errors import DomainError, Forbidden
from core.extensions import db
from core.schemas import parse
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
    return render_template(
        "conference/index.html",
        conferences=conferences,
        can_create=bool(choices.host_choices(current_user)),
    )


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


# A form's own words for a field left empty (the schema names the field by its key).
EMPTY_FIELD = {
    "title": _l("Hãy nhập tên hội nghị."),
    "host": _l("Hãy chọn đơn vị chủ trì."),
}


def _form_values(source) -> dict:
    """The form's values, from the posted form or (prefilled) from the query string."""
    return {
        "title": source.get("title", ""),
        "host": source.get("host", ""),
        "sites": [code for code in source.getlist("sites") if code],
        "meeting_id": source.get("meeting_id", ""),
        "kind": "conference",
    }


def _field_errors(err: DomainError) -> dict[str, str]:
    """Every field a refusal is about, each with the message shown next to it."""
    shown: dict[str, str] = {}
    listed = err.details.get("errors") or [
        {"field": err.details.get("field"), "code": err.code, "message": err.message}
    ]
    for entry in listed:
        field = str(entry.get("field") or "").split(".")[0] or "title"
        message = str(entry["message"])
        if entry.get("code") == "missing_field" and field in EMPTY_FIELD:
            message = str(EMPTY_FIELD[field])
        shown.setdefault(field, message)
    return shown


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_conference():
    """Create a conference (chair, secretary or clerk of the host; administrators)."""
    hosts = choices.host_choices(current_user)
    if not hosts:
        raise Forbidden(
            "not_host_organiser",
            _l("Chỉ lãnh đạo, thư ký hoặc văn thư của đơn vị chủ trì được tạo hội nghị."),
        )
    values, errors, status = _form_values(request.args), {}, 200
    if request.method == "POST":
        values = _form_values(request.form)
        try:
            conference = services.create_conference(current_user, parse(ConferenceIn, values))
            flash(_("Đã tạo hội nghị truyền hình."), "success")
            return redirect(url_for("conference.room", conference_id=conference.id))
        except DomainError as err:
            errors, status = _field_errors(err), err.status
    local, others = choices.site_choices()
    return render_template(
        "conference/new.html",
        values=values,
        errors=errors,
        hosts=hosts,
        local_sites=local,
        other_sites=others,
        meetings=choices.meeting_choices(hosts),
    ), status


def _recordings(conference_id: int) -> dict[str, Any]:
    kept = recording.recordings(conference_id)
    return {"recordings": kept, "recording_shapes": [recording_dict(r) for r in kept]}
