"""Status history and notifications (thông báo) to guardians.

Every status change writes one history step and one outbox message. The outbox is what
staff see; an email goes out over SMTP only when ``MAIL_SERVER`` is configured, after
the call's commit, from a background thread (a slow mail server never holds a request).
"""

from __future__ import annotations

import smtplib
import threading
from email.message import EmailMessage

from flask import Flask, current_app
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.transaction import after_commit
from enrollment.codes import pretty
from enrollment.models import Dossier, DossierEvent, DossierStatus, OutboxMessage, OutboxStatus

STATUS_TEXT = {
    DossierStatus.SUBMITTED: "Đã nộp hồ sơ",
    DossierStatus.UNDER_REVIEW: "Đang xét duyệt",
    DossierStatus.CORRECTION_REQUESTED: "Cần bổ sung, chỉnh sửa",
    DossierStatus.VERIFIED: "Hồ sơ hợp lệ",
    DossierStatus.REJECTED: "Hồ sơ không hợp lệ",
    DossierStatus.OFFERED: "Trúng tuyển",
    DossierStatus.WAITLISTED: "Chưa có chỗ học",
    DossierStatus.CONFIRMED: "Đã xác nhận nhập học",
    DossierStatus.DECLINED: "Đã từ chối chỗ học",
    DossierStatus.EXPIRED: "Quá hạn xác nhận nhập học",
}


def change_status(
    dossier: Dossier, status: DossierStatus, note: str | None = None, actor_id: int | None = None
) -> None:
    """Set the status, add the history step and the guardian's notification (flush only)."""
    dossier.status = status
    if note is not None:
        dossier.note = note
    db.session.add(DossierEvent(dossier_id=dossier.id, status=status, note=note, actor_id=actor_id))
    _queue_message(dossier, status, note)


def _queue_message(dossier: Dossier, status: DossierStatus, note: str | None) -> None:
    subject = f"Hồ sơ tuyển sinh {pretty(dossier.code)}: {STATUS_TEXT[status]}"
    lines = [
        f"Kính gửi phụ huynh {dossier.guardian_name},",
        f"Hồ sơ {pretty(dossier.code)} của học sinh {dossier.full_name}: {STATUS_TEXT[status]}.",
    ]
    if note:
        lines.append(f"Ghi chú: {note}")
    lines.append("Tra cứu bằng mã hồ sơ và ngày sinh của học sinh trên cổng tuyển sinh.")
    recipient = dossier.guardian_email
    db.session.add(
        OutboxMessage(
            dossier_id=dossier.id, recipient=recipient, subject=subject, body="\n".join(lines),
            status=OutboxStatus.PENDING if recipient else OutboxStatus.NO_ADDRESS,
        )
    )
    if recipient and current_app.config.get("MAIL_SERVER"):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        after_commit(lambda: _start_sender(app))


_sending = threading.Lock()


def _start_sender(app: Flask) -> None:
    threading.Thread(target=send_pending, args=(app,), daemon=True).start()


def send_pending(app: Flask, limit: int = 200) -> int:
    """Send pending outbox messages over SMTP; returns how many were sent."""
    if not _sending.acquire(blocking=False):
        return 0
    try:
        with app.app_context():
            return _send_batch(app, limit)
    finally:
        _sending.release()


def _send_batch(app: Flask, limit: int) -> int:
    rows = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING).limit(limit)
    ).all()
    sent = 0
    config = app.config
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            if config.get("MAIL_USERNAME"):
                smtp.starttls()
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            for row in rows:
                message = EmailMessage()
                message["From"] = config["MAIL_DEFAULT_SENDER"]
                message["To"] = row.recipient
                message["Subject"] = row.subject
                message.set_content(row.body)
                smtp.send_message(message)
                row.status, row.sent_at = OutboxStatus.SENT, utcnow()
                sent += 1
    except (OSError, smtplib.SMTPException) as err:
        app.logger.warning("enrollment outbox: SMTP failed: %s", err)
        for row in rows[sent:sent + 1]:
            row.status = OutboxStatus.FAILED
    db.session.commit()
    return sent
