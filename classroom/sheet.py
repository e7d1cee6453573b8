"""The signed attendance sheet (danh sách điểm danh có chữ ký số): after the lesson, the
teacher signs it with their own certificate (PAdES, as the minutes are signed); a teacher
without a usable certificate gets it sealed by the school's system seal instead — a key
certified for the school by the deployment's CA, made for this one signature."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from classroom.access import LessonStanding
from classroom.documents import attendance_lines, place_of
from classroom.models import LessonStatus
from core import audit
from core.db import utcnow
from core.errors import Conflict
from core.i18n import format_datetime, to_local
from signing import certificates, keys
from signing.services import Placement, SignatureBlock, SignerKey, render_official, sign_pdf

FIELD = "Sig_teacher"


def _teacher_key(standing: LessonStanding) -> SignerKey | None:
    row = certificates.current_key(standing.user)
    if row is None or certificates.status_of(row).code != "valid":
        return None
    return SignerKey.from_row(row, keys.unseal(row.sealed_key))


def _school_seal(school: str) -> SignerKey:
    authority = keys.authority()
    key = keys.new_key()
    cert = keys.issue_certificate(authority, key, f"{school} - Dấu hệ thống", school, days=1)
    return SignerKey(cert, keys.key_der(key))


def signed_attendance_sheet(teacher: LessonStanding) -> tuple[bytes, str]:
    """The sheet signed by the teacher (or sealed for the school): (PDF, "teacher"|"seal")."""
    lesson = teacher.the_lesson
    if lesson.status != LessonStatus.ENDED:
        raise Conflict(
            "lesson_not_ended",
            _l("Chỉ ký danh sách điểm danh sau khi tiết học kết thúc."),
        )
    school = lesson.school_class.school.name
    signer = _teacher_key(teacher)
    how = "teacher" if signer is not None else "seal"
    block = (
        SignatureBlock("teacher", "Giáo viên", teacher.user.display_name)
        if signer is not None
        else SignatureBlock("teacher", "Nhà trường (dấu hệ thống)", school)
    )
    rendered = render_official(
        issuer=school,
        doc_type="Danh sách điểm danh",
        title=lesson.title,
        body=attendance_lines(lesson),
        place=place_of(lesson),
        when=lesson.started_at or lesson.starts_at or utcnow(),
        number=f"Số: {lesson.id}/DD",
        signers=[block],
        seal=signer is None,
    )
    page, box = rendered.boxes["teacher"]
    moment = format_datetime(to_local(utcnow()))
    what = "Ký bởi" if signer is not None else "Đóng dấu"
    placement = Placement(
        field=FIELD,
        page=page,
        box=tuple(box),  # type: ignore[arg-type]
        text=f"{what}: %(signer)s\nThời gian: {moment}",
        seal=signer is None,
        lock=True,
        organisation=school,
    )
    signed = sign_pdf(rendered.pdf, signer or _school_seal(school), placement)
    audit.record("attendance.signed", teacher.user.id, "lesson", lesson.id, {"by": how})
    return signed, how
