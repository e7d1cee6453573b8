"""The receipt (phiếu tiếp nhận hồ sơ): rendered by the one official renderer.

The PDF is *not signed* yet: it carries the code, the child, the choices, the submission
time and a QR code of the tracking page. The one-time PIN is printed only when the
caller proves it (the page that just showed it passes it along); it is never stored.
"""

from __future__ import annotations

from core.i18n import to_local
from enrollment.codes import pretty
from enrollment.models import Dossier
from enrollment.rounds import round_info
from signing.services import render_draft

GENDER = {"male": "Nam", "female": "Nữ"}


def receipt_pdf(dossier: Dossier, tracking_url: str, pin: str | None = None) -> bytes:
    info = round_info(dossier.round_id)
    submitted = to_local(dossier.created_at)
    lines = [
        f"Mã hồ sơ: {pretty(dossier.code)}",
        f"Mã PIN (dùng khi bổ sung hồ sơ, xác nhận nhập học): {pin}" if pin else
        "Mã PIN: đã cấp một lần khi nộp hồ sơ (không in lại).",
        f"Đợt tuyển sinh: {info.name}",
        f"Họ và tên học sinh: {dossier.full_name}",
        f"Ngày sinh: {dossier.date_of_birth:%d/%m/%Y} - Giới tính: "
        f"{GENDER.get(dossier.gender, dossier.gender)}",
        f"Cha/mẹ hoặc người giám hộ: {dossier.guardian_name} - {dossier.guardian_phone}",
        f"Nơi cư trú: {dossier.address}, {info.wards.get(dossier.ward_code, dossier.ward_code)}",
        "Nguyện vọng:",
    ]
    for choice in dossier.choices:
        school = info.schools.get(choice.school_code)
        lines.append(f"    NV{choice.rank}: {school.name if school else choice.school_code}")
    lines += [
        f"Thời điểm nộp: {submitted:%H:%M} ngày {submitted:%d/%m/%Y}",
        "Thời điểm nộp không ảnh hưởng đến kết quả phân chỗ.",
        "Tra cứu trạng thái hồ sơ bằng mã hồ sơ và ngày sinh của học sinh tại địa chỉ dưới đây.",
    ]
    return render_draft(
        info.office_name, "Phiếu tiếp nhận",
        f"hồ sơ tuyển sinh vào lớp {info.grade} năm học {info.school_year}-{info.school_year + 1}",
        lines, info.place, dossier.created_at, qr_url=tracking_url,
    )
