"""The pages: public start, application form, tracking; the staff desk and its CSV."""

from __future__ import annotations

import pytest

from core.extensions import db
from enrollment.models import Dossier, DossierStatus, EnrollmentRound
from enrollment.seed import seed_rounds

pytestmark = pytest.mark.db


def test_demo_rounds_are_idempotent(rounds):
    seed_rounds()
    seed_rounds()
    assert db.session.query(EnrollmentRound).count() == 2
    assert {r.grade for r in rounds.values()} == {1, 6}


def test_public_pages_need_no_account(client, rounds):
    assert "Nộp hồ sơ" in client.get("/enrollment/").get_data(as_text=True)
    form = client.get(f"/enrollment/rounds/{rounds[6].id}/apply").get_data(as_text=True)
    assert 'name="primary_school"' in form and "Trường THCS Chu Văn An" in form
    assert "<script>" not in form  # CSP: no inline scripts


def test_tracking_page_shows_status_and_history(client, submit):
    body = submit().get_json()
    dob = body["receipt_url"].rsplit("=", 1)[1]
    page = client.get(f"/enrollment/track/{body['code']}?date_of_birth={dob}")
    assert "Đã nộp hồ sơ" in page.get_data(as_text=True)
    wrong = client.get(f"/enrollment/track/{body['code']}?date_of_birth=2000-01-01")
    assert "Không tìm thấy hồ sơ" in wrong.get_data(as_text=True)


def test_staff_desk_filters_and_exports(client, submit, auth, rounds):
    submit()
    auth.login("phonggd")
    desk = client.get(f"/enrollment/staff/{rounds[1].id}?status=submitted")
    text = desk.get_data(as_text=True)
    assert desk.status_code == 200 and "Nguyễn Minh Khang" in text
    assert "Thông báo đã gửi phụ huynh" in text
    csv = client.get(f"/enrollment/staff/{rounds[1].id}/export.csv").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("dossier_code,status")
    assert len(csv.splitlines()) == 2


def test_school_staff_see_only_dossiers_naming_their_school(client, submit, auth, rounds):
    submit(choices=["th-phu-hoi"])
    auth.login("hieutruong")  # th-vinh-ninh
    text = client.get(f"/enrollment/staff/{rounds[1].id}").get_data(as_text=True)
    assert "Nguyễn Minh Khang" not in text
    assert db.session.query(Dossier).one().status is DossierStatus.SUBMITTED


def test_desk_refused_to_others(client, auth, rounds):
    auth.login("chutich")
    assert client.get(f"/enrollment/staff/{rounds[1].id}").status_code == 403


def test_reviewer_opens_and_decides_from_the_page(client, submit, auth):
    code = submit().get_json()["code"]
    auth.login("phonggd")
    page = client.get(f"/enrollment/staff/dossiers/{code}")
    assert page.status_code == 200 and "Đang xét duyệt" in page.get_data(as_text=True)
    refused = client.post(f"/enrollment/staff/dossiers/{code}", data={"decision": "reject"})
    assert refused.status_code == 422
    done = client.post(f"/enrollment/staff/dossiers/{code}",
                       data={"decision": "request_correction", "note": "Thiếu giấy khai sinh"})
    assert done.status_code == 302
    assert db.session.query(Dossier).one().status is DossierStatus.CORRECTION_REQUESTED


def test_office_allocates_from_the_desk_only_after_closing(client, submit, auth, rounds):
    from datetime import timedelta  # noqa: PLC0415

    from core.db import utcnow  # noqa: PLC0415
    from enrollment import rounds as cache  # noqa: PLC0415

    submit()
    auth.login("phonggd")
    early = client.post(f"/enrollment/staff/{rounds[1].id}/allocate", data={"seed": "1"})
    assert early.status_code == 409
    rounds[1].closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    cache.forget()
    done = client.post(f"/enrollment/staff/{rounds[1].id}/allocate", data={"seed": "2027"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(EnrollmentRound, rounds[1].id).result_sha256


def test_parent_answers_a_correction_request_on_the_tracking_page(client, submit, h):
    body = submit().get_json()
    code, dob = body["code"], body["receipt_url"].rsplit("=", 1)[1]
    client.post(f"/api/v1/enrollment/applications/{code}/review",
                json={"decision": "request_correction", "note": "Sai địa chỉ"},
                headers=h("phonggd"))
    page = client.get(f"/enrollment/track/{code}?date_of_birth={dob}").get_data(as_text=True)
    assert 'id="correction-form"' in page and "Sai địa chỉ" in page
    done = client.post(f"/enrollment/track/{code}/correction",
                       data={"date_of_birth": dob, "pin": body["pin"], "ward_code": "an-cuu",
                             "address": "7 Hùng Vương", "note": "Đã sửa địa chỉ"})
    assert done.status_code == 302
    dossier = db.session.query(Dossier).one()
    assert dossier.address == "7 Hùng Vương" and dossier.status is DossierStatus.SUBMITTED
