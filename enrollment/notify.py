"""Status history and notifications (thông báo) to guardians.

Every status change writes one history step and one outbox message. The outbox is what
staff see; an email goes out over SMTP only when ``MAIL_SERVER`` is configured, after
the call's commit, from a background thread (a slow mail server never holds a request).
"""

from __future__ import annotations

import smtplib
import threading
from email.message import EmailMessage
from typing import Any

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


def message_row(
    dossier_id: int, code: str, guardian: str, child: str, email: str | None,
    status: DossierStatus, note: str | None,
) -> dict[str, Any]:
    """The outbox row of one status change, as plain values (also for bulk inserts)."""
    lines = [
        f"Kính gửi phụ huynh {guardian},",
        f"Hồ sơ {pretty(code)} của học sinh {child}: {STATUS_TEXT[status]}.",
    ]
    if note:
        lines.append(f"Ghi chú: {note}")
    lines.append("Tra cứu bằng mã hồ sơ và ngày sinh của học sinh trên cổng tuyển sinh.")
    return {
        "dossier_id": dossier_id, "recipient": email, "created_at": utcnow(),
        "subject": f"Hồ sơ tuyển sinh {pretty(code)}: {STATUS_TEXT[status]}",
        "body": "\n".join(lines),
        "status": OutboxStatus.PENDING if email else OutboxStatus.NO_ADDRESS,
    }


def wake_sender(email: str | None) -> None:
    """After the commit, send pending mail when SMTP is configured."""
    if email and current_app.config.get("MAIL_SERVER"):
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        after_commit(lambda: _start_sender(app))


def _queue_message(dossier: Dossier, status: DossierStatus, note: str | None) -> None:
    db.session.add(OutboxMessage(**message_row(
        dossier.id, dossier.code, dossier.guardian_name, dossier.full_name,
        dossier.guardian_email, status, note,
    )))
    wake_sender(dossier.guardian_email)


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
