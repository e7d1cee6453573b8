"""Server processes and their heartbeats (core.nodes): a process says it is alive, and the
devices of one that went silent are forgotten by whichever process sweeps next."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import nodes
from core.db import utcnow
from core.extensions import db
from core.nodes import ServerNode, node_id

pytestmark = pytest.mark.db


def _seen() -> dict[str, object]:
    return dict(db.session.execute(select(ServerNode.id, ServerNode.seen_at)).tuples().all())


def test_a_beat_writes_this_process_once_and_then_moves_its_time(app):
    nodes.beat()
    db.session.commit()
    first = _seen()
    assert list(first) == [node_id()]
    nodes.beat()
    db.session.commit()
    assert list(_seen()) == [node_id()]
    assert _seen()[node_id()] >= first[node_id()]


def test_a_silent_process_is_gone_and_its_sweepers_are_told(app, monkeypatch):
    told: list[tuple[list[str], object]] = []
    monkeypatch.setattr(nodes, "_sweepers", [lambda gone, cutoff: told.append((gone, cutoff))])
    silent = utcnow() - nodes.gone_after(app) - timedelta(seconds=1)
    db.session.add_all([ServerNode(id="silent", seen_at=silent), ServerNode(id="other")])
    db.session.commit()
    assert nodes.Heartbeat.once(app) == ["silent"]
    assert set(_seen()) == {"other", node_id()}
    [(gone, cutoff)] = told
    assert gone == ["silent"]
    assert silent < cutoff < utcnow() - nodes.gone_after(app) + timedelta(seconds=5)
    assert nodes.Heartbeat.once(app) == []  # nobody else is gone
