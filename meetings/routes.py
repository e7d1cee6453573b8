"""Meeting pages: the list, preparing a meeting, the live room, the record, QR check-in."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import segno
from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from core.db import utcnow
from core.errors import DomainError
from core.extensions import db
from core.http import safe_next
from core.i18n import VN_TZ, input_moment, to_local
from core.models import Organization
from core.schemas import parse
from core.transaction import CommittingBlueprint
from meetings import invitations, minutes, presence, record, services, signatures, video
from meetings.access import (
    MeetingRight,
    can_organise_in,
    joined_meeting_ids,
    standing,
    visible_meetings,
)
from meetings.events import publish
from meetings.models import Guest, MeetingKind, MeetingStatus
from meetings.schemas import InvitationReplyIn, MeetingIn

bp = CommittingBlueprint("meetings", __name__, template_folder="templates", url_prefix="/meetings")


@bp.context_processor
def _template_helpers() -> dict:
    """The record holds ISO timestamps (the API's shape); templates format them."""
    return {"from_iso": lambda text: datetime.fromisoformat(text) if text else None}


def _organisable_orgs() -> list[Organization]:
    orgs = db.session.scalars(select(Organization).order_by(Organization.id))
    return [o for o in orgs if can_organise_in(current_user, o)]


@bp.get("/")
@login_required
def index():
    """Upcoming and past meetings; ?q= searches."""
    query = request.args.get("q", "")
    meetings = record.search_meetings(current_user, query)
    upcoming = [m for m in meetings if m.status != MeetingStatus.ENDED]
    past = sorted(
        (m for m in meetings if m.status == MeetingStatus.ENDED),
        key=lambda m: m.starts_at,
        reverse=True,
    )
    joined = joined_meeting_ids(current_user, (m.id for m in meetings))
    return render_template(
        "meetings/index.html",
        upcoming=upcoming,
        past=past,
        query=query,
        joined=joined,
        can_create=bool(_organisable_orgs()),
    )


def _form_data() -> dict:
    form = request.form
    return {
        "title": form.get("title", ""),
        "organization": form.get("organization", ""),
        "kind": form.get("kind", "regular"),
        "starts_at": form.get("starts_at", ""),
        "ends_at": form.get("ends_at", ""),
        "location": form.get("location", ""),
        "confidential": form.get("confidential") == "on",
        "chair": form.get("chair", ""),
        "secretary": form.get("secretary", ""),
        "participants": [u for u in form.getlist("participants") if u],
        "participant_organizations": [o for o in form.getlist("participant_organizations") if o],
    }


def _form_context() -> dict:
    return {
        "organizations": _organisable_orgs(),
        "all_organizations": invitations.invitable_organizations(),
        "users": invitations.officials(),
        "kinds": [kind.value for kind in MeetingKind],
    }


def _local_input(value: object) -> str:
    """A value for a date-and-time field: dd/mm/yyyy HH:MM, Vietnam time."""
    if isinstance(value, datetime):
        return input_moment(value)
    return str(value or "")


def _form_values(values: dict, default_start: datetime) -> dict:
    """What the form shows: the entered (or stored) values, else tomorrow 08:00-10:00."""
    shown = dict(values)
    if not shown:
        day = to_local(default_start).date()
        start = datetime.combine(day, time(8, 0), tzinfo=VN_TZ)
        shown = {"starts_at": start, "ends_at": start + timedelta(hours=2), "chair": ""}
        if current_user.has_role("chair"):
            shown["chair"] = current_user.username
    shown["starts_at"] = _local_input(shown.get("starts_at"))
    shown["ends_at"] = _local_input(shown.get("ends_at"))
    return shown


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_meeting():
    """Schedule a meeting."""
    values, error = {}, None
    if request.method == "POST":
        values = _form_data()
        try:
            meeting = services.create_meeting(current_user, parse(MeetingIn, values))
            flash(_("Đã tạo cuộc họp."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        except DomainError as err:
            error = err
    start = utcnow() + timedelta(days=1)
    return render_template(
        "meetings/form.html",
        meeting=None,
        values=_form_values(values, start),
        error=error,
        default_start=start,
        **_form_context(),
    ), (error.status if error else 200)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit_meeting(meeting_id: int):
    organiser = standing(meeting_id, current_user, MeetingRight.MANAGE)
    meeting = organiser.meeting
    values, error = services.stored_fields(meeting), None
    if request.method == "POST":
        values = _form_data()
        try:
            services.update_meeting_from(organiser, parse(MeetingIn, values))
            flash(_("Đã lưu thay đổi."), "success")
            return redirect(url_for("meetings.detail", meeting_id=meeting.id))
        except DomainError as err:
            error = err
    return render_template(
        "meetings/form.html",
        meeting=meeting,
        values=_form_values(values, meeting.starts_at),
        error=error,
        default_start=meeting.starts_at,
        **_form_context(),
    ), (error.status if error else 200)


@bp.get("/<int:meeting_id>")
@login_required
def detail(meeting_id: int):
    """Preparing the meeting: agenda, documents, participants, guests, comments."""
    viewer = standing(meeting_id, current_user)
    can_manage = viewer.has(MeetingRight.MANAGE)
    conference = video.existing(viewer.meeting) if can_manage else None
    return render_template(
        "meetings/detail.html",
        meeting=viewer.meeting,
        can_manage=can_manage,
        participant=viewer.participant,
        conference=conference,
        choose_sites_url=video.choose_sites_url(viewer.meeting) if can_manage else None,
    )


@bp.get("/<int:meeting_id>/room")
@login_required
def live_room(meeting_id: int):
    """The live room (tablet first): the shared document, speakers, votes, attendance."""
    attendee = standing(meeting_id, current_user, MeetingRight.PARTICIPATE)
    return render_template(
        "meetings/room.html",
        meeting=attendee.meeting,
        participant=attendee.participant,
        is_chair=attendee.is_chair,
        can_manage=attendee.has(MeetingRight.MANAGE),
        video=video.room_client(attendee.meeting, current_user),
    )


@bp.get("/offline-worker.js")
def offline_worker() -> Response:
    """The room's service worker: it keeps the meeting's documents for reading through an
    outage. Its scope is the whole site (Service-Worker-Allowed), so it also sees sign-in
    and sign-out and drops the kept documents then."""
    response = send_from_directory(
        str(current_app.static_folder),
        "js/meetings/offline-worker.js",
        mimetype="text/javascript",
        max_age=0,
    )
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/<int:meeting_id>/record")
@login_required
def record_page(meeting_id: int):
    """The meeting record and the minutes draft."""
    viewer = standing(meeting_id, current_user)
    meeting = viewer.meeting
    return render_template(
        "meetings/record.html",
        meeting=meeting,
        record=record.meeting_record(meeting),
        minutes=minutes.minutes_text(meeting),
        draft=minutes.draft_minutes(meeting),
        is_secretary=viewer.is_secretary,
        can_manage=viewer.has(MeetingRight.MANAGE),
        signing=signatures.minutes_state(meeting, current_user),
        signer_roles=[r.value for r in signatures.roles_of(meeting, current_user)],
        all_organizations=list(db.session.scalars(select(Organization).order_by(Organization.id))),
    )


@bp.get("/tasks")
@login_required
def tasks():
    """Follow-up tasks assigned to the user's organisations."""
    open_tasks = record.open_tasks_for(current_user)
    # A confidential meeting's title stays hidden from those who may not see it.
    meetings = visible_meetings(current_user, (t.conclusion.meeting_id for t in open_tasks))
    return render_template(
        "meetings/tasks.html",
        tasks=open_tasks,
        meetings=meetings,
        today=datetime.now(VN_TZ).date(),
    )


def _svg(data: str) -> Response:
    # A standalone SVG document: browsers draw it in <img> only with the SVG namespace,
    # which segno's svg_inline() leaves out.
    buffer = io.BytesIO()
    qr = segno.make(data, error="m")
    qr.save(buffer, kind="svg", scale=6, border=4, xmldecl=False, omitsize=True)
    response = Response(buffer.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/<int:meeting_id>/guests/<int:guest_id>/qr.svg")
@login_required
def guest_qr(meeting_id: int, guest_id: int):
    """The guest's QR invitation (to send through the city app or print)."""
    meeting = standing(meeting_id, current_user, MeetingRight.MANAGE).meeting
    guest = db.session.get(Guest, guest_id)
    if guest is None or guest.meeting_id != meeting.id:
        abort(404)
    return _svg(
        url_for("meetings.guest_check_in", meeting_id=meeting.id, token=guest.token, _external=True)
    )


@bp.get("/<int:meeting_id>/guest/<token>")
def guest_check_in(meeting_id: int, token: str):
    """Scanned at the door: the guest is checked in (no account needed)."""
    try:
        guest = services.check_in_guest(meeting_id, token)
    except DomainError as err:
        return render_template("meetings/guest.html", error=err, guest=None), err.status
    return render_template("meetings/guest.html", guest=guest, meeting=guest.meeting, error=None)


@bp.get("/<int:meeting_id>/door-qr.svg")
@login_required
def door_qr(meeting_id: int):
    """The QR shown at the door: participants scan it to check in."""
    meeting = standing(meeting_id, current_user, MeetingRight.MANAGE).meeting
    token = presence.door_token(meeting)
    return _svg(
        url_for("meetings.door_check_in", meeting_id=meeting.id, code=token, _external=True)
    )


@bp.get("/<int:meeting_id>/check-in")
@login_required
def door_check_in(meeting_id: int):
    """A participant scanned the door QR with their own device."""
    viewer = standing(meeting_id, current_user)
    try:
        viewer.require(MeetingRight.PARTICIPATE)
        presence.check_in_by_qr(viewer, request.args.get("code", ""))
    except DomainError as err:
        flash(str(err.message), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    publish("presence_changed", presence.presence_change(meeting_id, current_user.id), meeting_id)
    flash(_("Đã điểm danh: có mặt."), "success")
    return redirect(url_for("meetings.live_room", meeting_id=meeting_id))


@bp.post("/<int:meeting_id>/invitation")
@login_required
def answer_invitation(meeting_id: int):
    """Accept or decline (with a reason) from the home page or the meeting's page."""
    attendee = standing(meeting_id, current_user, MeetingRight.PARTICIPATE)
    back = safe_next(request.form.get("next"), url_for("meetings.detail", meeting_id=meeting_id))
    try:
        answer = parse(InvitationReplyIn, {k: request.form.get(k) for k in ("answer", "reason")})
        invitations.answer_invitation(attendee, answer.answer, answer.reason)
    except DomainError as err:
        flash(str(err.message), "error")
        return redirect(back)
    accepted = answer.answer == "accept"
    flash(_("Đã xác nhận tham dự.") if accepted else _("Đã gửi lý do xin vắng."), "success")
    return redirect(back)


@bp.post("/<int:meeting_id>/conference")
@login_required
def open_conference(meeting_id: int):
    """Mở hội nghị truyền hình: the meeting's conference, created for the organisations
    of its participants when there is none yet; then its page."""
    organiser = standing(meeting_id, current_user, MeetingRight.MANAGE)
    try:
        conference = video.open_conference(organiser, current_user)
    except DomainError as err:
        flash(str(err.message), "error")
        return redirect(url_for("meetings.detail", meeting_id=meeting_id))
    return redirect(url_for("conference.room", conference_id=conference.id))
