"""Tuyển sinh đầu cấp pages: apply and track (public, phone-first), the staff desk."""

from __future__ import annotations

from datetime import datetime

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.errors import DomainError, field_errors
from core.extensions import db
from core.schemas import parse
from core.transaction import CommittingBlueprint
from enrollment import codes, review, seats, staff, tracking
from enrollment.models import DossierStatus, EnrollmentRound
from enrollment.notify import STATUS_TEXT
from enrollment.rounds import all_rounds, open_rounds, round_info
from enrollment.schemas import CorrectionIn, ReviewIn

bp = CommittingBlueprint(
    "enrollment", __name__, template_folder="templates", url_prefix="/enrollment"
)


@bp.context_processor
def _helpers() -> dict:
    return {"from_iso": datetime.fromisoformat}


@bp.get("/")
def index():
    """Open rounds, the way to apply and to look a dossier up."""
    return render_template("enrollment/index.html", rounds=open_rounds())


@bp.get("/rounds/<int:round_id>/apply")
def apply_page(round_id: int):
    """The step-by-step application (the form posts to the JSON API)."""
    return render_template("enrollment/apply.html", info=round_info(round_id))


@bp.get("/track/<code>")
def track(code: str):
    """The receipt's QR code lands here: the code filled in, the date of birth asked."""
    return _track(code)


@bp.get("/track")
def track_form():
    """Status and history by code + date of birth."""
    return _track("")


def _track(code: str):
    code = codes.normalize(request.args.get("code", code))
    born_raw = request.args.get("date_of_birth", "").strip()
    asked = "code" in request.args or "date_of_birth" in request.args
    found, error, errors = None, None, tracking.lookup_form_errors(code, born_raw) if asked else {}
    if code and born_raw and not errors:
        try:
            found = tracking.lookup(code, tracking.parse_birth_date(born_raw))
        except DomainError as err:
            error = str(err.message)
    wards = round_info(found["round_id"]).wards if found else {}
    born_shown = tracking.shown_birth_date(born_raw)
    return render_template("enrollment/track.html", code=code, born=born_shown, found=found,
                           error=error, errors=errors, pretty=codes.pretty, wards=wards), (
                               422 if errors else 200)


@bp.post("/track/<code>/answer")
def answer(code: str):
    """The parent confirms (xác nhận nhập học) or declines the offered seat with the PIN."""
    born_raw = request.form.get("date_of_birth", "")
    dossier = tracking.find(code, tracking.parse_birth_date(born_raw))
    tracking.check_pin(dossier, request.form.get("pin", ""))
    review.answer_offer(dossier, request.form.get("accept") == "1")
    flash(_("Đã ghi nhận trả lời của phụ huynh."), "success")
    return redirect(url_for("enrollment.track", code=dossier.code, date_of_birth=born_raw))


@bp.post("/track/<code>/correction")
def correction(code: str):
    """The parent answers a correction request (new residence and/or note) with the PIN."""
    form = request.form
    born_raw = form.get("date_of_birth", "")
    dossier = tracking.find(code, tracking.parse_birth_date(born_raw))
    tracking.check_pin(dossier, form.get("pin", ""))
    data: dict = {"date_of_birth": born_raw, "pin": form.get("pin", ""),
                  "note": form.get("note") or None}
    if form.get("ward_code") and form.get("address"):
        data["residence"] = {"ward_code": form["ward_code"], "address": form["address"]}
    review.correct(dossier, parse(CorrectionIn, data))
    flash(_("Đã gửi bổ sung hồ sơ."), "success")
    return redirect(url_for("enrollment.track", code=dossier.code, date_of_birth=born_raw))


@bp.get("/staff")
@login_required
def staff_index():
    return render_template("enrollment/staff_index.html", rounds=all_rounds())


@bp.get("/staff/<int:round_id>")
@login_required
def desk(round_id: int):
    """The queue with filters and search, statistics per school and the outbox."""
    return _desk(round_id)


def _desk(round_id: int, errors: dict[str, str] | None = None, status: int = 200):
    """The desk page; a refused allocation comes back with its field marked (``errors``)."""
    info = round_info(round_id)
    mine = staff.require_staff(current_user, info)
    seats.expire_offers(round_id)  # past the deadline, unconfirmed seats pass on now
    args = request.args
    rows = staff.queue(info, mine, args.get("status", ""), args.get("school", ""),
                       args.get("q", ""), args.get("flagged") == "1")
    return render_template(
        "enrollment/desk.html", info=info, rows=rows, stats=staff.statistics(info),
        outbox=staff.outbox(info, 30), statuses=list(DossierStatus), labels=STATUS_TEXT,
        office=mine is None, pretty=codes.pretty, row=db.session.get(EnrollmentRound, round_id),
        errors=errors or {}, seed=request.form.get("seed", ""),
    ), status


@bp.get("/staff/dossiers/<code>")
@login_required
def dossier_page(code: str):
    """One dossier for a reviewer; opening it puts a submitted dossier under review."""
    dossier = staff.dossier_by_code(code)
    info = review.require_reviewer(current_user, dossier)
    review.open_for_review(dossier, current_user)
    return render_template("enrollment/dossier.html", d=staff.dossier_dict(dossier), info=info,
                           round_id=dossier.round_id, pretty=codes.pretty, errors={}, note="")


@bp.post("/staff/dossiers/<code>")
@login_required
def decide(code: str):
    """Verify, request a correction (with a note) or reject (with a reason). A refusal
    shows the dossier again with the note kept and every wrong field marked."""
    dossier = staff.dossier_by_code(code)
    info = review.require_reviewer(current_user, dossier)
    note = request.form.get("note", "")
    try:
        body = parse(ReviewIn, {"decision": request.form.get("decision", ""), "note": note or None})
        review.decide(dossier, current_user, info, body)
    except DomainError as err:
        db.session.rollback()
        return render_template(
            "enrollment/dossier.html", d=staff.dossier_dict(dossier), info=info,
            round_id=dossier.round_id, pretty=codes.pretty, errors=field_errors(err), note=note,
        ), err.status
    flash(_("Đã ghi kết quả xét duyệt."), "success")
    return redirect(url_for("enrollment.desk", round_id=dossier.round_id))


@bp.post("/staff/<int:round_id>/allocate")
@login_required
def allocate(round_id: int):
    """The education office enters the seed: freeze, allocate and publish the offers."""
    staff.require_office(current_user, round_info(round_id))
    try:
        run = seats.publish(round_id, request.form.get("seed", ""), current_user.id)
    except DomainError as err:
        db.session.rollback()
        return _desk(round_id, field_errors(err), err.status)
    flash(_("Đã công bố kết quả phân chỗ. Mã băm kết quả: %(sha)s", sha=run.result_sha256),
          "success")
    return redirect(url_for("enrollment.desk", round_id=round_id))


@bp.get("/staff/<int:round_id>/export.csv")
@login_required
def export(round_id: int):
    info = round_info(round_id)
    data = staff.export_csv(info, staff.require_staff(current_user, info))
    return Response(data, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="tuyen-sinh-{round_id}.csv"'})
