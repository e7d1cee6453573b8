"""The content-addressed file store."""

from __future__ import annotations

import hashlib
import io

import pytest
from sqlalchemy import func, select

from core import files
from core.extensions import db
from core.models import StoredFile

pytestmark = pytest.mark.db

PDF = b"%PDF-1.7\n% a tiny stand-in for a meeting document\n%%EOF\n"


def _stored_paths(app) -> list:
    return [p for p in files.store_root().rglob("*") if p.is_file()]


def test_same_bytes_are_stored_once(app):
    digest = hashlib.sha256(PDF).hexdigest()
    first = files.store_bytes(PDF, "application/pdf")
    db.session.commit()
    path = files.path_for(digest)
    mtime = path.stat().st_mtime_ns

    second = files.store_bytes(PDF, "application/pdf")
    db.session.commit()

    assert first.sha256 == second.sha256 == digest
    assert first.size == len(PDF)
    assert first.content_type == "application/pdf"
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 1
    assert _stored_paths(app) == [path]
    assert path.stat().st_mtime_ns == mtime  # not written again


def test_path_is_the_sha256(app):
    row = files.store_bytes(PDF, "application/pdf")
    digest = hashlib.sha256(PDF).hexdigest()
    path = files.path_for(row.sha256)
    assert path == files.store_root() / digest[:2] / digest[2:]
    assert path.is_relative_to(app.instance_path)
    assert path.read_bytes() == PDF
    assert files.read_bytes(digest) == PDF


def test_different_bytes_get_different_rows(app):
    a = files.store_bytes(b"first", "text/plain")
    b = files.store_bytes(b"second", "text/plain")
    db.session.commit()
    assert a.sha256 != b.sha256
    assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 2
    assert len(_stored_paths(app)) == 2


def test_store_stream(app):

    row = files.store_stream(io.BytesIO(PDF), "application/pdf")
    assert row.sha256 == hashlib.sha256(PDF).hexdigest()


@pytest.mark.parametrize(
    "name", ["", "../../etc/passwd", "A" * 64, "g" * 64, "0" * 63, "0" * 65]
)
def test_only_sha256_digests_name_files(app, name):
    with pytest.raises(ValueError):
        files.path_for(name)
