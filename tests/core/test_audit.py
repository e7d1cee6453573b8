"""The hash-chained audit log: appending, verifying, and catching tampering."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import func, select, text

from core import audit
from core.audit import GENESIS, AuditEntry, verify_chain
from core.extensions import db

pytestmark = pytest.mark.db


def _three_entries() -> list[AuditEntry]:
    entries = [
        audit.record("vote.cast", None, "vote", 1, {"choice": "yes"}),
        audit.record("vote.closed", None, "vote", 1, {"yes": 3, "no": 1, "abstain": 0}),
        audit.record("minutes.signed", None, "meeting", 7, {"field": "thu_ky"}),
    ]
    db.session.commit()
    return entries


def test_entries_append_to_a_chain_that_verifies(app):
    assert verify_chain().ok  # an empty log is intact
    first, second, third = _three_entries()
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert json.loads(second.data) == {"yes": 3, "no": 1, "abstain": 0}
    assert second.object_id == "1"  # ids are stored as text

    report = verify_chain()
    assert report.ok
    assert report.entries == 3
    assert report.broken_at is None


def test_changed_data_is_detected_at_that_entry(app):
    _, second, _ = _three_entries()
    db.session.execute(
        text("UPDATE audit_entry SET data = :data WHERE id = :id"),
        {"data": json.dumps({"yes": 4, "no": 0, "abstain": 0}), "id": second.id},
    )
    db.session.commit()
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == second.id
    assert report.reason == "entry content was changed"


def test_changed_actor_or_action_is_detected(app):
    first, _, _ = _three_entries()
    db.session.execute(
        text("UPDATE audit_entry SET action = 'vote.cast_again' WHERE id = :id"), {"id": first.id}
    )
    db.session.commit()
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == first.id


def test_rewritten_entry_with_recomputed_hash_breaks_the_next_link(app):
    """Whoever rewrites an entry and fixes its own hash still breaks its successor."""
    _, second, third = _three_entries()
    second.data = json.dumps({"yes": 4, "no": 0, "abstain": 0})
    second.hash = audit._digest(second)
    db.session.commit()
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == third.id
    assert report.reason == "previous hash does not match"


def test_deleted_middle_entry_is_detected(app):
    _, second, third = _three_entries()
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": second.id})
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == 2
    report = verify_chain()
    assert not report.ok
    assert report.broken_at == third.id
    assert report.reason == "previous hash does not match"


def test_cli_audit_verify_intact(app, runner):
    _three_entries()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 3 entries" in result.output


def test_cli_audit_verify_tampered_exits_1(app, runner):
    _, second, _ = _three_entries()
    db.session.execute(
        text("UPDATE audit_entry SET object_id = '99' WHERE id = :id"), {"id": second.id}
    )
    db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at entry {second.id}" in result.output
    assert "entry content was changed" in result.output


def test_login_is_audited(demo, auth):
    assert auth.login("chutich").status_code == 302
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.login"))
    assert entry is not None
    assert verify_chain().ok


def test_concurrent_appends_keep_one_chain(app):
    """Writers in several threads never append after the same entry (no lost entries)."""


    failures: list[str] = []

    def writer(n: int) -> None:
        with app.app_context():
            for i in range(10):
                try:
                    audit.record("test.concurrent", None, "t", f"{n}-{i}")
                    db.session.commit()
                except Exception as err:  # noqa: BLE001 - any failure is the finding
                    db.session.rollback()
                    failures.append(repr(err))
            db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    report = audit.verify_chain()
    assert report.ok and report.entries == 60
