"""Content-addressed file store: every upload is kept once, under its sha256."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import Response, current_app, send_file

from core.extensions import db
from core.http import content_disposition
from core.models import StoredFile

CHUNK = 1024 * 1024


def store_root() -> Path:
    root = Path(current_app.instance_path) / "files"
    root.mkdir(parents=True, exist_ok=True)
    return root


def path_for(sha256: str) -> Path:
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a sha256 digest")
    return store_root() / sha256[:2] / sha256[2:]


def send_stored(sha256: str, mimetype: str, filename: str) -> Response:
    """A stored file as the answer: Range honoured (a viewer fetches only what it shows),
    its hash as the ETag, kept a day in the device's private cache (a content address never
    changes), offered under ``filename``."""
    response = send_file(
        path_for(sha256), mimetype=mimetype, conditional=True, etag=sha256, max_age=86400
    )
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "private, max-age=86400, immutable"
    response.headers["Accept-Ranges"] = "bytes"
    return response


def store_bytes(data: bytes, content_type: str) -> StoredFile:
    """Write the bytes (atomically, once) and return the row describing them."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_for(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    row = db.session.get(StoredFile, digest)
    if row is None:
        row = StoredFile(sha256=digest, size=len(data), content_type=content_type)
        db.session.add(row)
        db.session.flush()
    return row


def store_stream(stream: BinaryIO, content_type: str) -> StoredFile:
    return store_bytes(stream.read(), content_type)


def read_bytes(sha256: str) -> bytes:
    return path_for(sha256).read_bytes()


def store_file(source: Path, content_type: str) -> StoredFile:
    """Move a file that is already on disk (a recording) into the store without reading
    it into memory; the source is gone afterwards."""
    digest = hashlib.sha256()
    size = 0
    with source.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    name = digest.hexdigest()
    target = path_for(name)
    if target.exists():
        source.unlink()
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(source), target)
    row = db.session.get(StoredFile, name)
    if row is None:
        row = StoredFile(sha256=name, size=size, content_type=content_type)
        db.session.add(row)
        db.session.flush()
    return row
