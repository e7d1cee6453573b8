"""The signed attendance sheet: signed by the teacher's own certificate, or sealed for the
school when the teacher has none; both verified by pyHanko and by poppler's pdfsig."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.security import user_by_username
from signing import certificates, keys
from signing.verify import verify_pdf
from tests.signing.support import nss_db, pdfsig, root_pem

pytestmark = pytest.mark.db


@pytest.fixture
def ended(client, h, lesson):
    url = f"/api/v1/lessons/{lesson['id']}"
    assert client.post(f"{url}/start", headers=h("giaovien")).status_code == 200
    assert client.post(f"{url}/end", headers=h("giaovien")).status_code == 200
    return lesson


def _sign(client, h, lesson, who: str = "giaovien"):
    return client.post(f"/api/v1/lessons/{lesson['id']}/attendance/signature", headers=h(who))


def _check(data: bytes, signer: str, tmp_path) -> None:
    report = verify_pdf(data)
    assert report.valid, report.as_dict()
    (signature,) = report.signatures
    assert signature.field == "Sig_teacher" and signer in signature.signer
    assert signature.intact and signature.valid and signature.trusted
    path = tmp_path / "sheet.pdf"
    path.write_bytes(data)
    (check,) = pdfsig(path, nss_db(tmp_path / "nss", root_pem(keys.authority())))
    assert check["Signature Validation"] == "Signature is Valid."
    assert check["Certificate Validation"] == "Certificate is Trusted."


def test_signed_by_the_teacher(client, h, ended, tmp_path):
    keys.init_ca()
    certificates.issue_for(user_by_username("giaovien"))
    db.session.commit()
    response = _sign(client, h, ended)
    assert response.status_code == 200 and response.headers["X-Signed-By"] == "teacher"
    _check(response.data, "Trương Văn Phúc", tmp_path)


def test_sealed_for_the_school_without_a_certificate(client, h, ended, tmp_path):
    keys.init_ca()
    response = _sign(client, h, ended)
    assert response.status_code == 200 and response.headers["X-Signed-By"] == "seal"
    _check(response.data, "Dấu hệ thống", tmp_path)


def test_refusals(client, h, lesson):
    keys.init_ca()
    response = _sign(client, h, lesson)
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "lesson_not_ended"
    assert _sign(client, h, lesson, "hocsinh").status_code == 403
    assert _sign(client, h, lesson, "daibieu").status_code == 404
