"""Every enrollment call of CONTRACT.md, through the JSON API."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from core.extensions import db
from enrollment.models import Dossier, DossierStatus, OutboxMessage

pytestmark = pytest.mark.db


def test_open_rounds_lists_both_grades_with_schools_and_catchments(client, rounds):
    listed = client.get("/api/v1/enrollment/rounds").get_json()
    assert sorted(r["grade"] for r in listed) == [1, 6]
    grade1 = next(r for r in listed if r["grade"] == 1)
    assert grade1["max_choices"] == 3 and grade1["priority_groups"]
    assert all(s["code"].startswith("th-") and s["catchment"] for s in grade1["schools"])
    wards = {w for s in grade1["schools"] for w in s["catchment"]}
    assert len(wards) == 36


def test_apply_gives_a_code_a_pin_and_a_receipt(client, submit):
    response = submit(key="tap-1")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "submitted" and len(body["pin"]) == 6
    assert body["receipt_url"].endswith(f"date_of_birth={application_dob(client, body)}")
    dossier = db.session.query(Dossier).filter_by(code=body["code"]).one()
    assert [c.school_code for c in dossier.choices] == ["th-phu-hoi", "th-tay-loc"]
    assert db.session.query(OutboxMessage).filter_by(dossier_id=dossier.id).count() == 1


def application_dob(client, body) -> str:
    return body["receipt_url"].rsplit("=", 1)[1]


def test_same_idempotency_key_gives_the_same_dossier(client, submit):
    first = submit(key="double-tap").get_json()
    again = submit(key="double-tap")
    assert again.status_code == 201
    assert again.get_json()["code"] == first["code"]
    assert db.session.query(Dossier).count() == 1
    # the PIN of the last answer is the one that works
    dob = application_dob(client, first)
    ok = client.get(f"/api/v1/enrollment/applications/{first['code']}/receipt.pdf"
                    f"?date_of_birth={dob}&pin={again.get_json()['pin']}")
    assert ok.status_code == 200


def test_second_dossier_for_the_same_child_is_409(submit):
    assert submit(key="a").status_code == 201
    second = submit(key="b")
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "duplicate_application"
    assert db.session.query(Dossier).count() == 1


def test_status_and_history_by_code_and_birth_date(client, submit):
    body = submit().get_json()
    dob = application_dob(client, body)
    found = client.get(f"/api/v1/enrollment/applications/{body['code']}?date_of_birth={dob}")
    assert found.status_code == 200
    data = found.get_json()
    assert data["status"] == "submitted"
    assert [h["status"] for h in data["history"]] == ["submitted"]
    assert data["choices"][0]["rank"] == 1


def test_wrong_birth_date_answers_exactly_like_an_unknown_code(client, submit):
    body = submit().get_json()
    wrong = client.get(f"/api/v1/enrollment/applications/{body['code']}?date_of_birth=2015-01-01")
    unknown = client.get("/api/v1/enrollment/applications/ABCDEFGHJ?date_of_birth=2015-01-01")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.get_data() == unknown.get_data()


def test_receipt_is_a_pdf_with_code_choices_and_tracking_url(client, submit):
    body = submit().get_json()
    pdf = client.get(body["receipt_url"] + f"&pin={body['pin']}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    code = body["code"]
    assert f"{code[:4]}-{code[4:8]}-{code[8:]}" in text
    assert body["pin"] in text and "NV1" in text
    assert f"/enrollment/track/{code}" in text.replace("\n", "")
    without_pin = client.get(body["receipt_url"])
    assert body["pin"].encode() not in without_pin.data


def test_review_by_the_office_records_under_review_then_the_decision(client, submit, h):
    code = submit().get_json()["code"]
    response = client.post(f"/api/v1/enrollment/applications/{code}/review",
                           json={"decision": "verify"}, headers=h("phonggd"))
    assert response.status_code == 200, response.get_json()
    dossier = db.session.query(Dossier).filter_by(code=code).one()
    assert dossier.status is DossierStatus.VERIFIED
    assert [e.status.value for e in dossier.events] == ["submitted", "under_review", "verified"]


def test_review_by_staff_of_a_chosen_school(client, submit, h):
    code = submit(choices=["th-vinh-ninh"]).get_json()["code"]
    response = client.post(f"/api/v1/enrollment/applications/{code}/review",
                           json={"decision": "reject", "note": "Sai địa chỉ"},
                           headers=h("hieutruong"))
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"


@pytest.mark.parametrize("username", ["hieutruong", "chutich", "giaovien"])
def test_review_by_others_is_403(client, submit, h, username):
    code = submit(choices=["th-phu-hoi"]).get_json()["code"]
    response = client.post(f"/api/v1/enrollment/applications/{code}/review",
                           json={"decision": "verify"}, headers=h(username))
    assert response.status_code == 403
    assert db.session.query(Dossier).filter_by(code=code).one().status is DossierStatus.SUBMITTED


def test_staff_opening_a_dossier_puts_it_under_review(client, submit, h):
    code = submit().get_json()["code"]
    opened = client.get(f"/api/v1/enrollment/dossiers/{code}", headers=h("phonggd"))
    assert opened.status_code == 200
    assert opened.get_json()["status"] == "under_review"


def test_correction_round_trip_with_pin(client, submit, h):
    body = submit().get_json()
    code, dob = body["code"], application_dob(client, body)
    client.post(f"/api/v1/enrollment/applications/{code}/review",
                json={"decision": "request_correction", "note": "Bổ sung giấy khai sinh"},
                headers=h("phonggd"))
    fixed = client.post(f"/api/v1/enrollment/applications/{code}/correction",
                        json={"date_of_birth": dob, "pin": body["pin"],
                              "residence": {"ward_code": "an-cuu", "address": "5 Hùng Vương"}})
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["status"] == "submitted"


def test_correction_with_a_wrong_pin_is_refused_and_changes_nothing(client, submit, h):
    body = submit().get_json()
    code, dob = body["code"], application_dob(client, body)
    client.post(f"/api/v1/enrollment/applications/{code}/review",
                json={"decision": "request_correction", "note": "Bổ sung"}, headers=h("phonggd"))
    wrong = "000000" if body["pin"] != "000000" else "111111"
    refused = client.post(f"/api/v1/enrollment/applications/{code}/correction",
                          json={"date_of_birth": dob, "pin": wrong,
                                "residence": {"ward_code": "an-cuu", "address": "x"}})
    assert refused.status_code == 403
    assert refused.get_json()["error"]["code"] == "wrong_pin"
    dossier = db.session.query(Dossier).filter_by(code=code).one()
    assert dossier.address == "12 Lê Lợi"
    assert dossier.status is DossierStatus.CORRECTION_REQUESTED


def test_english_error_messages(client, submit):
    submit(key="x")
    second = submit(key="y")
    en = second  # Vietnamese by default
    assert "hồ sơ" in en.get_json()["error"]["message"]
