"""`sohoa ca …` and `sohoa verify` as CONTRACT.md describes them."""

from __future__ import annotations

import pytest
from cryptography import x509

from signing import certificates, keys
from tests.meetings.factories import user
from tests.signing.support import flip, three_signatures

pytestmark = pytest.mark.db


def test_ca_init_is_idempotent_and_exports_the_root(demo, runner, tmp_path):
    first = runner.invoke(args=["ca", "init"])
    assert first.exit_code == 0 and "Created" in first.output
    root = (keys.ca_dir() / "root.pem").read_bytes()
    again = runner.invoke(args=["ca", "init"])
    assert again.exit_code == 0 and "Already present" in again.output
    assert (keys.ca_dir() / "root.pem").read_bytes() == root
    out = tmp_path / "root.pem"
    assert runner.invoke(args=["ca", "export-root", str(out)]).exit_code == 0
    assert (
        x509.load_pem_x509_certificate(out.read_bytes()).subject == keys.root_certificate().subject
    )


def test_ca_issue_and_revoke(demo, runner):
    assert runner.invoke(args=["ca", "issue", "thuky"]).exit_code == 1  # no CA yet
    runner.invoke(args=["ca", "init"])
    issued = runner.invoke(args=["ca", "issue", "thuky"])
    assert issued.exit_code == 0, issued.output
    row = certificates.current_key(user("thuky"))
    cert = x509.load_pem_x509_certificate(row.certificate_pem.encode())
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.AuthorityInformationAccess)
    assert runner.invoke(args=["ca", "issue", "nobody"]).exit_code == 1
    revoked = runner.invoke(args=["ca", "revoke", "thuky"])
    assert revoked.exit_code == 0 and "Revoked 1" in revoked.output
    crl = x509.load_der_x509_crl(keys.crl_der())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None


def test_verify_exit_status(app, runner, tmp_path):
    authority, _ = keys.init_ca()
    signed = three_signatures(authority)
    good, unsigned, junk = tmp_path / "good.pdf", tmp_path / "draft.pdf", tmp_path / "junk.pdf"
    good.write_bytes(signed[-1])
    unsigned.write_bytes(signed[0])
    junk.write_bytes(b"hello")
    ok = runner.invoke(args=["verify", str(good)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.count("intact=True valid=True trusted=True") == 3
    assert runner.invoke(args=["verify", str(unsigned)]).exit_code == 1
    assert "not_pdf" in runner.invoke(args=["verify", str(junk)]).output
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(flip(signed[-1], 0, len(signed[0])))
    result = runner.invoke(args=["verify", str(tampered)])
    assert result.exit_code == 1 and "tampered" in result.output


def test_verify_trusts_a_given_root(app, runner, tmp_path, monkeypatch):
    authority, _ = keys.init_ca()
    signed = tmp_path / "s.pdf"
    signed.write_bytes(three_signatures(authority)[-1])
    pem = tmp_path / "ca.pem"
    pem.write_bytes(authority.root_pem)
    app.instance_path = str(tmp_path / "elsewhere")  # a machine without this CA
    assert runner.invoke(args=["verify", str(signed)]).exit_code == 1
    trusted = runner.invoke(args=["verify", str(signed), "--trust", str(pem)])
    assert trusted.exit_code == 0, trusted.output


def test_seed_demo_issues_the_demo_signers_certificates_once_a_ca_exists(demo, runner):
    assert certificates.current_key(user("thuky")) is None  # no CA: nothing issued
    runner.invoke(args=["ca", "init"])
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    first = certificates.current_key(user("vanthu"))
    assert first is not None
    runner.invoke(args=["seed-demo"])
    assert certificates.current_key(user("vanthu")).id == first.id  # idempotent
