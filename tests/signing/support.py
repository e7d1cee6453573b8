"""Builders for the signing tests: a CA, signed PDFs, poppler's checks."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from signing import keys
from signing.pades import Placement, SignerKey, sign_pdf
from signing.render import SignatureBlock, render_official

BLOCKS = [
    SignatureBlock("secretary", "Thư ký", "Trần Thị Bình"),
    SignatureBlock("chair", "Chủ tọa", "Nguyễn Văn An"),
]


def signer(authority: keys.Authority, name: str, **kwargs) -> SignerKey:
    key = keys.new_key()
    cert = keys.issue_certificate(authority, key, name, "UBND thành phố Huế", **kwargs)
    return SignerKey(cert, keys.key_der(key))


def three_signatures(authority: keys.Authority) -> list[bytes]:
    """A minutes PDF and its three signed revisions (secretary, chair, seal)."""
    rendered = render_official(
        "UBND thành phố Huế",
        "Biên bản",
        "Họp kiểm thử",
        ["Nội dung cuộc họp."],
        "Huế",
        dt.datetime.now(dt.UTC),
        signers=BLOCKS,
        seal=True,
        qr_url="http://127.0.0.1/signing/v/x",
    )
    files = [rendered.pdf]
    for role, lock in (("secretary", False), ("chair", False), ("seal", True)):
        page, box = rendered.boxes[role]
        placement = Placement(
            f"Sig_{role}",
            page,
            box,
            "Ký bởi: %(signer)s",
            seal=role == "seal",
            lock=lock,
            organisation="UBND thành phố Huế",
        )
        files.append(
            sign_pdf(
                files[-1], signer(authority, f"Người ký {role}"), placement, authority=authority
            )
        )
    return files


def nss_db(folder: Path, root_pem: bytes) -> Path:
    """An NSS database trusting ``root_pem`` (for pdfsig)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "root.pem").write_bytes(root_pem)
    subprocess.run(["certutil", "-N", "-d", f"sql:{folder}", "--empty-password"], check=True)
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{folder}",
            "-n",
            "sohoa-root",
            "-t",
            "CT,C,C",
            "-a",
            "-i",
            str(folder / "root.pem"),
        ],
        check=True,
    )
    return folder


def pdfsig(path: Path, nss: Path) -> list[dict[str, str]]:
    """pdfsig's report per signature (its exit status says nothing about validity)."""
    out = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(path)], capture_output=True, text=True
    ).stdout
    blocks = re.split(r"^Signature #\d+:", out, flags=re.M)[1:]
    result = []
    for block in blocks:
        fields = dict(re.findall(r"^[ \t]+- ([^:\n]+): (.*)$", block, flags=re.M))
        result.append(fields)
    return result


def pdffonts(path: Path) -> list[str]:
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return out.splitlines()[2:]


def pdftotext(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def root_pem(authority: keys.Authority) -> bytes:
    return authority.root.public_bytes(serialization.Encoding.PEM)


def flip(data: bytes, start: int, end: int) -> bytes:
    """Flip one byte of a letter inside [start, end), outside any signature's /Contents."""
    region = data[start:end]
    match = re.search(rb"/Type\s*/Annot|/Producer|/Font|/Page\b|/Sig\b", region)
    assert match, "no flippable byte found"
    at = start + match.start() + 2
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]
