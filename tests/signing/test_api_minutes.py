"""The minutes' signing flow over the API: order, refusals, the lock, new versions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from core.extensions import db
from signing import certificates, keys
from tests.meetings.factories import user
from tests.signing.support import signer

pytestmark = pytest.mark.db
SIGNERS = ("thuky", "chutich", "vanthu")


@pytest.fixture
def ended(client, h, ready, authority):
    meeting, _document = ready
    for name in SIGNERS:
        certificates.issue_for(user(name))
    db.session.commit()
    for step in ("start", "end"):
        response = client.post(f"/api/v1/meetings/{meeting['id']}/{step}", headers=h("chutich"))
        assert response.status_code == 200, response.get_json()
    return meeting


def _sign(client, h, meeting_id, who, **body):
    return client.post(
        f"/api/v1/meetings/{meeting_id}/minutes/signatures", json=body, headers=h(who)
    )


def _verify(client, data):
    return client.post(
        "/api/v1/signing/verify",
        data={"file": (io.BytesIO(data), "bb.pdf")},
        content_type="multipart/form-data",
    )


def test_secretary_then_chair_sign_and_the_document_locks(client, h, ended):
    mid = ended["id"]
    refused = _sign(client, h, mid, "chutich")
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "out_of_order"
    first = _sign(client, h, mid, "thuky")
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["next"] == "chair"
    twice = _sign(client, h, mid, "thuky")
    assert twice.status_code == 409 and twice.get_json()["error"]["code"] == "already_signed"
    stranger = _sign(client, h, mid, "daibieu")
    assert (
        stranger.status_code == 403 and stranger.get_json()["error"]["code"] == "not_minutes_signer"
    )
    second = _sign(client, h, mid, "chutich")
    assert second.status_code == 201 and second.get_json()["locked"] is True
    after = _sign(client, h, mid, "chutich")
    assert after.status_code == 409 and after.get_json()["error"]["code"] == "minutes_locked"
    pdf = client.get(f"/api/v1/meetings/{mid}/minutes.pdf", headers=h("daibieu")).data
    report = _verify(client, pdf).get_json()
    assert report["valid"] is True
    assert [s["signer"] for s in report["signatures"]] == ["Trần Thị Bình", "Nguyễn Văn An"]
    assert set(report["signatures"][0]) >= {
        "field",
        "signer",
        "signed_at",
        "intact",
        "valid",
        "trusted",
        "modification_level",
    }


def test_the_seal_comes_last_and_a_correction_makes_a_new_version(client, h, ended):
    mid = ended["id"]
    assert _sign(client, h, mid, "thuky", seal=True).status_code == 201
    early = _sign(client, h, mid, "vanthu")
    assert early.status_code == 409 and early.get_json()["error"]["code"] == "out_of_order"
    assert _sign(client, h, mid, "chutich").get_json()["locked"] is False
    sealed = _sign(client, h, mid, "vanthu")
    assert sealed.status_code == 201 and sealed.get_json()["locked"] is True
    signed_v1 = client.get(f"/api/v1/meetings/{mid}/minutes.pdf", headers=h("thuky")).data
    client.put(
        f"/api/v1/meetings/{mid}/minutes", json={"text": "Bản sửa sau khi ký."}, headers=h("thuky")
    )
    again = _sign(client, h, mid, "thuky")
    assert again.status_code == 201 and again.get_json()["version"] == 2
    assert len(_verify(client, signed_v1).get_json()["signatures"]) == 3  # v1 untouched


def test_revoked_or_expired_certificate_is_refused(client, h, ended, authority):
    certificates.revoke(user("thuky"))
    db.session.commit()
    response = _sign(client, h, ended["id"], "thuky")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "certificate_revoked"
    certificates.issue_for(
        user("thuky"), days=1, not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=5)
    )
    db.session.commit()
    response = _sign(client, h, ended["id"], "thuky")
    assert response.get_json()["error"]["code"] == "certificate_expired"


def test_not_before_the_meeting_ends(client, h, ready, authority):
    certificates.issue_for(user("thuky"))
    db.session.commit()
    response = _sign(client, h, ready[0]["id"], "thuky")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "meeting_not_ended"


@pytest.mark.parametrize(
    ("data", "code"), [(b"not a pdf at all", "not_pdf"), (b"%PDF-1.7\n1 0 obj", "truncated")]
)
def test_verify_names_bad_files(client, demo, data, code):
    response = _verify(client, data)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == code


def test_verify_without_a_file(client, demo):
    response = client.post("/api/v1/signing/verify", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "missing_file"


def _p12(cert_and_key, passphrase: bytes) -> bytes:
    cert = cert_and_key.certificate
    key = keys.load_key(cert_and_key.key_der)
    return pkcs12.serialize_key_and_certificates(
        b"me", key, cert, None, serialization.BestAvailableEncryption(passphrase)
    )


def test_enrolling_a_pkcs12(client, h, demo, authority):
    good = _p12(signer(authority, "Trần Thị Bình"), b"mat-khau")

    def post(data, passphrase):
        return client.post(
            "/api/v1/signing/certificate",
            data={"file": (io.BytesIO(data), "me.p12"), "passphrase": passphrase},
            headers=h("thuky"),
            content_type="multipart/form-data",
        )

    wrong = post(good, "sai")
    assert wrong.status_code == 422 and wrong.get_json()["error"]["code"] == "wrong_passphrase"
    old = signer(authority, "Cũ", days=1, not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
    expired = post(_p12(old, b"x"), "x")
    assert expired.get_json()["error"]["code"] == "certificate_expired"
    ok = post(good, "mat-khau")
    assert ok.status_code == 201 and ok.get_json()["certificate"]["source"] == "pkcs12"
    row = certificates.current_key(user("thuky"))
    assert b"mat-khau" not in row.sealed_key and "mat-khau" not in row.certificate_pem


def _no_signing_usage(authority) -> bytes:
    key = keys.new_key()
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Mã hóa thôi")]))
        .issuer_name(authority.root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(False, False, True, False, False, False, False, False, False), True
        )
        .sign(authority.root_key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"x", key, cert, None, serialization.BestAvailableEncryption(b"pw")
    )


def test_a_certificate_without_digital_signature_usage_is_refused(client, h, demo, authority):
    response = client.post(
        "/api/v1/signing/certificate",
        data={"file": (io.BytesIO(_no_signing_usage(authority)), "k.p12"), "passphrase": "pw"},
        headers=h("thuky"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "no_digital_signature_usage"
    assert certificates.current_key(user("thuky")) is None


def test_a_changed_secret_key_refuses_signing_clearly_and_changes_nothing(client, h, ended, app):
    app.config["SECRET_KEY"] = "a-different-secret"
    response = _sign(client, h, ended["id"], "thuky")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "signing_key_unreadable"
    assert "SECRET_KEY" in response.get_json()["error"]["message"]
    state = client.get(f"/api/v1/meetings/{ended['id']}/minutes/signatures", headers=h("thuky"))
    assert state.get_json()["version"] is None
