"""Real signatures: pyHanko signs, pyHanko and poppler's pdfsig verify, one byte breaks."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from signing import certificates, keys
from signing.verify import verify_pdf
from tests.signing.support import (
    flip,
    nss_db,
    pdffonts,
    pdfsig,
    pdftotext,
    root_pem,
    three_signatures,
)


@pytest.fixture
def signed(authority):
    return three_signatures(authority)


def test_three_signatures_are_valid_for_pyhanko_and_pdfsig(signed, authority, tmp_path):
    report = verify_pdf(signed[-1])
    assert report.valid, report.as_dict()
    assert [s.field for s in report.signatures] == ["Sig_secretary", "Sig_chair", "Sig_seal"]
    assert all(s.intact and s.valid and s.trusted for s in report.signatures)
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed[-1])
    checks = pdfsig(path, nss_db(tmp_path / "nss", root_pem(authority)))
    assert len(checks) == 3
    for check in checks:
        assert check["Signature Validation"] == "Signature is Valid."
        assert check["Certificate Validation"] == "Certificate is Trusted."
    assert all(line.split()[-5] == "yes" for line in pdffonts(path)), pdffonts(path)
    text = pdftotext(path)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "BIÊN BẢN" in text


def test_one_byte_flipped_in_each_revision_breaks_exactly_the_signatures_covering_it(signed):
    """Revision k holds bytes signed by signatures k..3: flipping one breaks those only."""
    ends = [len(f) for f in signed]  # revision k ends where file k ends
    for revision in range(3):
        tampered = flip(
            signed[-1], 0 if revision == 0 else ends[revision], ends[revision + 1] - 2000
        )
        report = verify_pdf(tampered)
        broken = [s.field for s in report.signatures if not s.intact]
        expected = ["Sig_secretary", "Sig_chair", "Sig_seal"][revision:]
        assert broken == expected, (revision, report.as_dict())
        assert report.problem == "tampered"


def test_pdfsig_sees_the_tampering_too(signed, authority, tmp_path):
    path = tmp_path / "t.pdf"
    path.write_bytes(flip(signed[-1], 0, len(signed[0])))
    checks = pdfsig(path, nss_db(tmp_path / "nss", root_pem(authority)))
    assert all(c["Signature Validation"] != "Signature is Valid." for c in checks)


def test_an_incremental_update_after_the_lock_is_illegal(signed):
    writer = IncrementalPdfFileWriter(BytesIO(signed[-1]))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = BytesIO()
    writer.write(out)
    report = verify_pdf(out.getvalue())
    assert not report.valid and report.problem == "illegal_update"
    assert report.signatures[0].intact


@pytest.mark.parametrize(
    ("data", "problem"),
    [(b"", "empty"), (b"hello, not a pdf", "not_pdf")],
)
def test_what_is_not_a_pdf_is_named(data, problem, app):
    assert verify_pdf(data).problem == problem


def test_truncated_and_unsigned(signed, app):
    assert verify_pdf(signed[-1][: len(signed[-1]) // 2]).problem == "truncated"
    report = verify_pdf(signed[0])
    assert report.problem == "not_signed" and not report.valid


def test_a_signature_by_another_ca_is_untrusted(signed, app, tmp_path, monkeypatch):
    monkeypatch.setenv("SOHOA_INSTANCE_PATH", str(tmp_path / "other"))
    app.instance_path = str(tmp_path / "other")
    keys.init_ca("Một CA khác")
    report = verify_pdf(signed[-1])
    assert report.problem == "untrusted"
    assert all(s.intact and not s.trusted for s in report.signatures)


def test_a_changed_secret_key_gives_a_clear_refusal(authority, app):
    app.config["SECRET_KEY"] = "another-secret"
    with pytest.raises(Exception) as err:
        keys.authority()
    assert getattr(err.value, "code", "") == "signing_key_unreadable"
    _ = certificates


def test_a_certificate_revoked_in_the_local_crl_before_signing_is_named(signed, authority):
    reader = PdfFileReader(BytesIO(signed[-1]))
    serial = reader.embedded_signatures[0].signer_cert.serial_number
    keys.write_crl(authority, [(serial, dt.datetime.now(dt.UTC) - dt.timedelta(days=1))])
    report = verify_pdf(signed[-1])
    assert report.problem == "revoked" and not report.valid
    assert [s.problem for s in report.signatures] == ["revoked", "ok", "ok"]


def test_the_draft_is_pdf_a_2b(signed):
    reader = PdfFileReader(BytesIO(signed[0]))
    metadata = reader.root["/Metadata"].get_object().data
    assert b"<pdfaid:part>2</pdfaid:part>" in metadata or b'pdfaid:part="2"' in metadata
    assert b"B" in metadata.split(b"conformance")[1][:6]
    intent = reader.root["/OutputIntents"][0].get_object()
    assert intent["/S"] == "/GTS_PDFA1" and intent["/OutputConditionIdentifier"] == "sRGB"
