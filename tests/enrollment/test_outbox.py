"""Notifications: always in the outbox; sent over SMTP only when MAIL_SERVER is set."""

from __future__ import annotations

import socket
import threading

import pytest

from core.extensions import db
from enrollment.models import OutboxMessage, OutboxStatus
from enrollment.notify import send_pending

pytestmark = pytest.mark.db


class TinySMTP(threading.Thread):
    """Just enough SMTP to accept messages on a loopback port (and keep them)."""

    def __init__(self):
        super().__init__(daemon=True)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.messages: list[bytes] = []

    def run(self):
        conn, _ = self.sock.accept()
        stream = conn.makefile("rwb")
        stream.write(b"220 tiny\r\n")
        stream.flush()
        data: list[bytes] = []
        in_data = False
        for line in stream:
            if in_data:
                if line == b".\r\n":
                    self.messages.append(b"".join(data))
                    data, in_data = [], False
                    stream.write(b"250 ok\r\n")
                else:
                    data.append(line)
                    continue
            elif line.upper().startswith(b"DATA"):
                in_data = True
                stream.write(b"354 go\r\n")
            elif line.upper().startswith(b"QUIT"):
                stream.write(b"221 bye\r\n")
                stream.flush()
                break
            elif line.upper().startswith(b"EHLO"):
                stream.write(b"250 tiny\r\n")
            else:
                stream.write(b"250 ok\r\n")
            stream.flush()
        conn.close()


def test_without_smtp_messages_wait_in_the_outbox(app, submit):
    submit()
    row = db.session.query(OutboxMessage).one()
    assert row.status is OutboxStatus.PENDING and row.recipient == "binh@example.vn"
    assert "Đã nộp hồ sơ" in row.subject


def test_guardian_without_email_is_visible_to_staff(submit):
    submit(guardian={"full_name": "Nguyễn Văn Bình", "phone": "0905123456"})
    assert db.session.query(OutboxMessage).one().status is OutboxStatus.NO_ADDRESS


def test_pending_messages_go_out_over_smtp_when_configured(app, submit):
    submit()
    server = TinySMTP()
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port)
    assert send_pending(app) == 1
    server.join(timeout=5)
    assert server.messages and b"binh@example.vn" in server.messages[0]
    db.session.expire_all()
    assert db.session.query(OutboxMessage).one().status is OutboxStatus.SENT
