"""The issue's bad-input list: each is a 4xx with a clear message and writes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from enrollment import rounds as round_cache
from enrollment.models import Dossier, SupportingFile
from tests.enrollment.conftest import application

pytestmark = pytest.mark.db


def _refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]
    assert db.session.query(Dossier).count() == 0


def _child(**changes):
    child = {"full_name": "Trần Bảo An", "date_of_birth": "2021-05-02", "gender": "female",
             "personal_id": "046221009999"}
    child.update(changes)
    return child


@pytest.mark.parametrize("personal_id", ["12345678901", "0462210099991", "04622100999a", ""])
def test_malformed_personal_id(submit, personal_id):
    response = submit(child=_child(personal_id=personal_id))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] in ("invalid_personal_id", "missing_field")
    assert db.session.query(Dossier).count() == 0


@pytest.mark.parametrize("day", ["2021-02-30", "2021-13-01", "21-05-02", "2099-01-01"])
def test_impossible_date_of_birth(submit, day):
    response = submit(child=_child(date_of_birth=day))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] in ("invalid_date_of_birth",)
    assert db.session.query(Dossier).count() == 0


def test_ineligible_birth_year_names_the_rule(submit, rounds):
    year = rounds[1].school_year
    response = submit(child=_child(date_of_birth=f"{year - 5}-01-10"))
    _refused(response, 422, "ineligible_age")
    assert response.get_json()["error"]["details"]["rule"] == f"born_in_{year - 6}"


def test_other_age_with_a_reason_is_accepted_and_flagged(submit, rounds):
    year = rounds[1].school_year
    response = submit(child=_child(date_of_birth=f"{year - 7}-01-10"),
                      age_reason="Học muộn vì điều trị bệnh")
    assert response.status_code == 201
    assert db.session.query(Dossier).one().needs_age_review is True


def test_grade6_without_primary_school(submit, rounds):
    response = submit(grade=6, primary_school=None)
    _refused(response, 422, "primary_school_required")


def test_unknown_ward(submit):
    _refused(submit(residence={"ward_code": "khong-co", "address": "x"}), 422, "unknown_ward")


def test_unknown_school(submit):
    _refused(submit(choices=["th-khong-co"]), 422, "unknown_school")


def test_same_school_twice(submit):
    _refused(submit(choices=["th-phu-hoi", "th-phu-hoi"]), 422, "duplicate_choice")


def test_more_choices_than_allowed(submit):
    _refused(submit(choices=["th-phu-hoi", "th-tay-loc", "th-thuan-hoa", "th-vinh-ninh"]),
             422, "too_many_choices")


def test_unknown_priority_group(submit):
    _refused(submit(priority_group="vip"), 422, "unknown_priority_group")


def test_missing_idempotency_key(client, rounds):
    response = client.post(f"/api/v1/enrollment/rounds/{rounds[1].id}/applications",
                           json=application(rounds[1]))
    _refused(response, 400, "missing_idempotency_key")


def test_idempotency_key_reused_for_another_child(submit):
    assert submit(key="k").status_code == 201
    again = submit(key="k", child=_child(date_of_birth=None) | {
        "date_of_birth": application_dob(submit), "personal_id": "046221000001"})
    assert again.status_code == 422
    assert again.get_json()["error"]["code"] == "idempotency_key_reused"
    assert db.session.query(Dossier).count() == 1


def application_dob(submit) -> str:
    return db.session.query(Dossier).one().date_of_birth.isoformat()


@pytest.mark.parametrize("shift,code", [((-10, -1), "round_closed"), ((1, 10), "round_not_open")])
def test_round_closed_or_not_yet_open(submit, rounds, shift, code):
    row = rounds[1]
    row.opens_at = utcnow() + timedelta(days=shift[0])
    row.closes_at = utcnow() + timedelta(days=shift[1])
    db.session.commit()
    round_cache.forget()
    _refused(submit(), 422, code)


def test_unknown_round_is_404(client):
    response = client.post("/api/v1/enrollment/rounds/999/applications", json={},
                           headers={"Idempotency-Key": "k"})
    assert response.status_code in (404, 422)


def _upload(client, code, dob, pin, data, kind="birth_certificate", name="giay.pdf"):
    return client.post(
        f"/api/v1/enrollment/applications/{code}/files",
        data={"file": (io.BytesIO(data), name), "kind": kind,
              "date_of_birth": dob, "pin": pin},
        content_type="multipart/form-data",
    )


def test_files_of_the_wrong_type_or_too_large_are_refused(client, submit):
    body = submit().get_json()
    dob = body["receipt_url"].rsplit("=", 1)[1]
    ok = _upload(client, body["code"], dob, body["pin"], b"%PDF-1.7\n%%EOF\n")
    assert ok.status_code == 201, ok.get_json()
    wrong = _upload(client, body["code"], dob, body["pin"], b"MZ\x90\x00 not a document")
    assert wrong.status_code == 415
    assert wrong.get_json()["error"]["code"] == "invalid_file_type"
    big = _upload(client, body["code"], dob, body["pin"], b"%PDF-" + b"0" * (5 * 1024 * 1024))
    assert big.status_code == 413
    assert db.session.query(SupportingFile).count() == 1


def test_files_are_judged_by_their_content_not_their_name(client, submit):
    """A phone's gallery may hand over a photo without an extension: it is still a JPEG.
    An empty file is refused and nothing is stored."""
    body = submit().get_json()
    dob = body["receipt_url"].rsplit("=", 1)[1]
    photo = _upload(client, body["code"], dob, body["pin"], b"\xff\xd8\xff\xe0 photo",
                    name="1000012345")
    assert photo.status_code == 201, photo.get_json()
    empty = _upload(client, body["code"], dob, body["pin"], b"", name="giay.pdf")
    assert empty.status_code == 422
    assert empty.get_json()["error"]["code"] == "empty_file"
    assert empty.get_json()["error"]["message"]
    assert [f.content_type for f in db.session.query(SupportingFile)] == ["image/jpeg"]


def test_lookup_failures_are_throttled_per_code_not_for_everyone(client, submit, rounds):
    body = submit().get_json()
    code, dob = body["code"], body["receipt_url"].rsplit("=", 1)[1]
    statuses = [client.get(f"/api/v1/enrollment/applications/{code}?date_of_birth=2000-01-01")
                .status_code for _ in range(6)]
    assert statuses[:5] == [404] * 5 and statuses[5] == 429
    # the same address looking up another (honest) dossier is not locked out
    other = submit(key="other", child=_child(personal_id="046221000777",
                                             date_of_birth=dob)).get_json()
    assert client.get(f"/api/v1/enrollment/applications/{other['code']}"
                      f"?date_of_birth={dob}").status_code == 200


def test_many_successful_lookups_from_one_address_are_never_throttled(client, submit):
    body = submit().get_json()
    url = f"/api/v1/enrollment/applications/{body['code']}?date_of_birth=" + \
        body["receipt_url"].rsplit("=", 1)[1]
    assert {client.get(url).status_code for _ in range(400)} == {200}


def test_pin_guessing_is_throttled(client, submit):
    body = submit().get_json()
    dob = body["receipt_url"].rsplit("=", 1)[1]
    pins = [p for p in ("000000", "111111", "222222", "333333", "444444", "555555",
                        "666666") if p != body["pin"]][:6]
    statuses = [client.get(f"{body['receipt_url']}&pin={p}").status_code for p in pins]
    assert statuses[:5] == [403] * 5 and statuses[5] == 429
    assert dob


def test_review_needs_a_reason_to_reject(client, submit, h):
    code = submit().get_json()["code"]
    response = client.post(f"/api/v1/enrollment/applications/{code}/review",
                           json={"decision": "reject"}, headers=h("phonggd"))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "note_required"
