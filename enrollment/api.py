"""The enrollment JSON API (/api/v1/enrollment): CONTRACT.md's calls and a few more.

Parents need no account: reading a dossier takes its code and the child's date of birth,
changing it takes the PIN as well. Staff calls need a signed-in reviewer.
"""

from __future__ import annotations

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from core import files
from core.api import api_blueprint
from core.errors import DomainError
from core.extensions import db
from core.schemas import body
from core.uploads import JPEG, PDF, PNG, read_upload
from enrollment import apply, review, seats, staff, tracking
from enrollment.models import SupportingFile
from enrollment.receipt import receipt_pdf
from enrollment.rounds import open_rounds, round_dict, round_info
from enrollment.schemas import ApplicationIn, ConfirmIn, CorrectionIn, ReviewIn

api = api_blueprint("api_enrollment", __name__)
MAX_FILE_BYTES = 5 * 1024 * 1024
FILE_KINDS = ("birth_certificate", "residence_proof", "other")


@api.get("/enrollment/rounds")
def rounds() -> ResponseReturnValue:
    """Open rounds with their schools, catchments, priority groups and wards."""
    return jsonify([round_dict(info) for info in open_rounds()])


@api.post("/enrollment/rounds/<int:round_id>/applications")
@body(ApplicationIn)
def submit(round_id: int, body: ApplicationIn) -> ResponseReturnValue:
    """Apply (header ``Idempotency-Key``): 201 {code, status, receipt_url, pin}. The same
    key again gives the same dossier (and a new PIN); the same child again is a 409."""
    done = apply.submit(round_info(round_id), body, request.headers.get("Idempotency-Key"))
    dossier = done.dossier
    return jsonify(
        code=dossier.code, status=dossier.status.value, pin=done.pin,
        receipt_url=tracking.receipt_url(dossier), tracking_url=tracking.tracking_url(dossier),
        replayed=done.replayed,
    ), 201


@api.get("/enrollment/applications/<code>")
def status(code: str) -> ResponseReturnValue:
    """Status and history (?date_of_birth=YYYY-MM-DD; wrong or unknown: the same 404)."""
    born = tracking.parse_birth_date(request.args.get("date_of_birth"))
    return jsonify(tracking.lookup(code, born))


@api.get("/enrollment/applications/<code>/receipt.pdf")
def receipt(code: str) -> ResponseReturnValue:
    """The receipt PDF (unsigned) with a QR code of the tracking page; ``pin`` prints it."""
    born = tracking.parse_birth_date(request.args.get("date_of_birth"))
    dossier = tracking.find(code, born)
    pin = request.args.get("pin")
    if pin:
        tracking.check_pin(dossier, pin)
    data = receipt_pdf(dossier, tracking.tracking_url(dossier), pin)
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="phieu-{dossier.code}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


@api.post("/enrollment/applications/<code>/review")
@login_required
@body(ReviewIn)
def review_dossier(code: str, body: ReviewIn) -> ResponseReturnValue:
    """verify | request_correction | reject (with a note): the office or a chosen school."""
    dossier = staff.dossier_by_code(code)
    info = review.require_reviewer(current_user, dossier)
    review.decide(dossier, current_user, info, body)
    return jsonify(code=dossier.code, status=dossier.status.value)


@api.get("/enrollment/dossiers/<code>")
@login_required
def staff_dossier(code: str) -> ResponseReturnValue:
    """A reviewer opens a dossier (it is now under review): every field and the files."""
    dossier = staff.dossier_by_code(code)
    review.require_reviewer(current_user, dossier)
    review.open_for_review(dossier, current_user)
    return jsonify(staff.dossier_dict(dossier))


@api.post("/enrollment/applications/<code>/correction")
@body(CorrectionIn)
def correct(code: str, body: CorrectionIn) -> ResponseReturnValue:
    """The parent answers a correction request (date of birth and PIN)."""
    dossier = tracking.find(code, body.date_of_birth)
    tracking.check_pin(dossier, body.pin)
    review.correct(dossier, body)
    return jsonify(code=dossier.code, status=dossier.status.value)


@api.post("/enrollment/applications/<code>/confirmation")
@body(ConfirmIn)
def confirm(code: str, body: ConfirmIn) -> ResponseReturnValue:
    """The parent confirms (accept=true) or declines the offered seat."""
    dossier = tracking.find(code, body.date_of_birth)
    tracking.check_pin(dossier, body.pin)
    review.answer_offer(dossier, body.accept)
    return jsonify(code=dossier.code, status=dossier.status.value)


@api.post("/enrollment/applications/<code>/files")
def upload(code: str) -> ResponseReturnValue:
    """A supporting file (multipart ``file``, ``kind``, ``date_of_birth``, ``pin``)."""
    dossier = tracking.find(code, tracking.parse_birth_date(request.form.get("date_of_birth")))
    tracking.check_pin(dossier, request.form.get("pin", ""))
    kind = request.form.get("kind", "")
    if kind not in FILE_KINDS:
        raise DomainError("invalid_file_kind", _l("Loại giấy tờ không hợp lệ."), 422)
    upload = request.files.get("file")
    if upload is None:
        raise DomainError("missing_file", _l("Chưa chọn tệp để tải lên."), 422)
    sent = read_upload(upload, MAX_FILE_BYTES, (PDF, JPEG, PNG), by_name=False)
    stored = files.store_bytes(sent.data, sent.content_type)
    row = SupportingFile(dossier_id=dossier.id, kind=kind, sha256=stored.sha256,
                         content_type=stored.content_type)
    db.session.add(row)
    return jsonify(kind=kind, sha256=stored.sha256, size=stored.size), 201


@api.post("/enrollment/rounds/<int:round_id>/allocation")
@login_required
def allocate(round_id: int) -> ResponseReturnValue:
    """The education office freezes the entries, enters the seed and publishes the result."""
    staff.require_office(current_user, round_info(round_id))
    seed = str((request.get_json(silent=True) or {}).get("seed", ""))
    run = seats.publish(round_id, seed, current_user.id)
    return jsonify(frozen_hash=run.frozen_hash, seed=run.seed, sha256=run.result_sha256,
                   placed=run.placed, unplaced=run.unplaced), 201


@api.get("/enrollment/rounds/<int:round_id>/statistics")
@login_required
def statistics(round_id: int) -> ResponseReturnValue:
    """Per school: applications, capacity, first-choice demand and fill."""
    info = round_info(round_id)
    staff.require_staff(current_user, info)
    return jsonify(staff.statistics(info))

