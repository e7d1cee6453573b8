"""Staff review (xét duyệt hồ sơ) and the parent's own actions (correction, confirmation).

Who may review: the education office that runs the round (``education_officer`` there)
or an administrator, and the staff (``school_admin``) of a school the dossier chose.
Opening a dossier or the first decision puts it *under review* (đang xét duyệt).
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import audit
from core.errors import Conflict, DomainError, Forbidden
from core.models import User
from enrollment import seats
from enrollment.models import Dossier, DossierStatus
from enrollment.notify import change_status
from enrollment.rounds import RoundInfo, round_info
from enrollment.schemas import CorrectionIn, Decision, ReviewIn

S = DossierStatus
REVIEWABLE = {S.SUBMITTED, S.UNDER_REVIEW, S.CORRECTION_REQUESTED, S.VERIFIED, S.REJECTED}
DECIDED = {Decision.VERIFY: S.VERIFIED, Decision.REQUEST_CORRECTION: S.CORRECTION_REQUESTED,
           Decision.REJECT: S.REJECTED}


def is_office_staff(user: User, info: RoundInfo) -> bool:
    return user.is_admin or "education_officer" in user.roles_in(info.office_id)


def staff_school_codes(user: User, info: RoundInfo) -> set[str]:
    return {s.code for s in info.schools.values() if "school_admin" in user.roles_in(s.org_id)}


def may_review(user: User, dossier: Dossier, info: RoundInfo) -> bool:
    if is_office_staff(user, info):
        return True
    return bool(staff_school_codes(user, info) & {c.school_code for c in dossier.choices})


def require_reviewer(user: User, dossier: Dossier) -> RoundInfo:
    info = round_info(dossier.round_id)
    if not may_review(user, dossier, info):
        raise Forbidden(
            "not_reviewer",
            _l("Chỉ cán bộ trường được chọn hoặc phòng giáo dục được xét duyệt hồ sơ này."),
        )
    return info


def open_for_review(dossier: Dossier, user: User) -> None:
    """Staff opened the dossier: a submitted one is now under review."""
    if dossier.status is S.SUBMITTED:
        change_status(dossier, S.UNDER_REVIEW, actor_id=user.id)


def decide(dossier: Dossier, user: User, info: RoundInfo, body: ReviewIn) -> None:
    if info.frozen:
        raise Conflict("round_frozen", _l("Danh sách đã chốt để phân chỗ; không thể xét lại."))
    if dossier.status not in REVIEWABLE:
        raise Conflict("invalid_transition", _l("Hồ sơ đã có kết quả, không thể xét lại."))
    if body.decision is not Decision.VERIFY and not (body.note or "").strip():
        raise DomainError(
            "note_required", _l("Cần ghi rõ lý do hoặc nội dung cần bổ sung."), 422, field="note"
        )
    open_for_review(dossier, user)
    change_status(dossier, DECIDED[body.decision], body.note or None, user.id)
    audit.record(
        "enrollment.review", user.id, "dossier", dossier.code,
        {"decision": body.decision.value, "note": body.note},
    )


def correct(dossier: Dossier, body: CorrectionIn) -> None:
    """The parent answers a correction request (the PIN was checked by the caller)."""
    if dossier.status is not S.CORRECTION_REQUESTED:
        raise Conflict(
            "no_correction_requested", _l("Hồ sơ không ở trạng thái cần bổ sung, chỉnh sửa.")
        )
    info = round_info(dossier.round_id)
    if body.residence is not None:
        if body.residence.ward_code not in info.wards:
            raise DomainError(
                "unknown_ward",
                _l("Không có phường/xã mã %(code)s.", code=body.residence.ward_code), 422,
            )
        dossier.ward_code, dossier.address = body.residence.ward_code, body.residence.address
    if body.guardian is not None:
        dossier.guardian_name = body.guardian.full_name
        dossier.guardian_phone = body.guardian.phone
        dossier.guardian_email = body.guardian.email
    change_status(dossier, S.SUBMITTED, body.note or "Phụ huynh đã bổ sung hồ sơ.")


def answer_offer(dossier: Dossier, accept: bool) -> None:
    """The parent confirms (xác nhận nhập học) or declines the offered seat."""
    if dossier.status is not S.OFFERED:
        raise Conflict("no_offer", _l("Hồ sơ hiện không có chỗ học chờ xác nhận."))
    if accept:
        seats.confirm(dossier)
    else:
        seats.decline(dossier)
