"""The append-only, hash-chained audit log (nhật ký kiểm toán).

Each entry stores the hash of the previous entry; its own hash covers that and every
field, so changing, removing or reordering any entry breaks the chain. ``prev_hash`` is
unique: two writers can never append after the same entry.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, event, select, text
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.db import utcnow
from core.extensions import Model, db

GENESIS = "0" * 64


class AuditEntry(Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


def _digest(entry: AuditEntry) -> str:
    payload = json.dumps(
        {
            "prev": entry.prev_hash,
            "at": entry.created_at.isoformat(),
            "actor": entry.actor_id,
            "action": entry.action,
            "type": entry.object_type,
            "id": entry.object_id,
            "data": entry.data,
        },
        sort_keys=True,
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


_sqlite_chain_lock = threading.Lock()


@event.listens_for(Session, "after_transaction_end")
def _release_sqlite_chain_lock(session: Session, transaction) -> None:
    if transaction.parent is None and session.info.pop("audit_chain_locked", False):
        _sqlite_chain_lock.release()


def _lock_chain() -> None:
    """Serialise appends until the transaction ends, so two writers never read the same
    last hash: an advisory transaction lock on PostgreSQL, a process lock on SQLite
    (the embedded default runs one process)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(7316001)"))
    elif not db.session.info.get("audit_chain_locked"):
        _sqlite_chain_lock.acquire()
        db.session.info["audit_chain_locked"] = True


def record(
    action: str,
    actor_id: int | None = None,
    object_type: str = "",
    object_id: Any = "",
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an entry after the last one; flushed, committed by the caller."""
    _lock_chain()
    last = db.session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=actor_id,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        data=json.dumps(data or {}, sort_keys=True, ensure_ascii=False),
        prev_hash=last or GENESIS,
    )
    entry.hash = _digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass
class ChainReport:
    ok: bool
    entries: int
    broken_at: int | None = None
    reason: str = ""


def verify_chain() -> ChainReport:
    """Walk the log in order and recompute every link."""
    expected_prev = GENESIS
    count = 0
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)):
        count += 1
        if entry.prev_hash != expected_prev:
            return ChainReport(False, count, entry.id, "previous hash does not match")
        if _digest(entry) != entry.hash:
            return ChainReport(False, count, entry.id, "entry content was changed")
        expected_prev = entry.hash
    return ChainReport(True, count)
