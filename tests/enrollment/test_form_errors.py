"""The parents' forms name every field left out or mistyped at once, in words, and read
dates of birth dd/mm/yyyy as parents type them (ISO still works for API clients)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from enrollment import rounds as cache
from enrollment.models import Dossier
from tests.enrollment.conftest import application

pytestmark = pytest.mark.db


def test_the_api_lists_every_field_left_out_with_its_name(submit, rounds):
    child = {"full_name": "", "date_of_birth": "", "gender": "", "personal_id": "046220001234"}
    response = submit(child=child, choices=[])
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "Thiếu họ và tên học sinh."
    listed = {e["field"]: (e["code"], e["message"]) for e in error["details"]["errors"]}
    assert listed == {
        "child.full_name": ("missing_field", "Thiếu họ và tên học sinh."),
        # a field with a code of its own keeps it; the message says what is missing
        "child.date_of_birth": ("invalid_date_of_birth", "Thiếu ngày sinh."),
        "child.gender": ("missing_field", "Thiếu giới tính."),
        "choices": ("missing_field", "Thiếu nguyện vọng."),
    }
    assert db.session.query(Dossier).count() == 0


def test_an_english_page_gets_the_names_in_english(client, rounds):
    body = application(rounds[1])
    body["child"] = {**body["child"], "full_name": "", "date_of_birth": "31/02/2020"}
    response = client.post(f"/api/v1/enrollment/rounds/{rounds[1].id}/applications", json=body,
                           headers={"Idempotency-Key": "en-1", "Accept-Language": "en"})
    errors = {e["field"]: e["message"] for e in response.get_json()["error"]["details"]["errors"]}
    assert errors == {
        "child.full_name": "Missing: the child's full name.",
        "child.date_of_birth": "Date of birth is not a real date or time (31/02/2020).",
    }


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2020", "Ngày sinh không phải ngày giờ có thật (31/02/2020)."),
        ("02/30/2020", "Ngày sinh không phải ngày giờ có thật (02/30/2020)."),  # mm/dd
        ("2/9/20", "Ngày sinh không đúng dạng dd/mm/yyyy."),
    ],
)
def test_a_wrong_date_of_birth_is_named(submit, rounds, typed, message):
    child = application(rounds[1])["child"]
    response = submit(child={**child, "date_of_birth": typed})
    error = response.get_json()["error"]
    assert (response.status_code, error["code"], error["message"]) == (
        422, "invalid_date_of_birth", message)


def test_dd_mm_yyyy_and_iso_give_the_same_dossier_date(submit, rounds, client):
    year = rounds[1].school_year - 6
    child = application(rounds[1])["child"]
    typed = submit(child={**child, "date_of_birth": f"02/09/{year}"})
    assert typed.status_code == 201, typed.get_json()
    dossier = db.session.query(Dossier).one()
    assert dossier.date_of_birth == date(year, 9, 2)
    code = typed.get_json()["code"]
    # the contract's lookup (?date_of_birth=YYYY-MM-DD) and the form's (dd/mm/yyyy) agree
    iso = client.get(f"/api/v1/enrollment/applications/{code}?date_of_birth={year}-09-02")
    vn = client.get(f"/api/v1/enrollment/applications/{code}?date_of_birth=02/09/{year}")
    assert iso.status_code == vn.status_code == 200
    page = client.get(f"/enrollment/track?code={code}&date_of_birth=02/09/{year}")
    assert page.status_code == 200 and 'id="track-status"' in page.get_data(as_text=True)
    # a receipt link carries ISO: the form shows it back dd/mm/yyyy
    shown = client.get(f"/enrollment/track/{code}?date_of_birth={year}-09-02")
    assert f'value="02/09/{year}"' in shown.get_data(as_text=True)


def test_the_tracking_form_marks_both_fields_left_out(client, rounds):
    response = client.get("/enrollment/track?code=&date_of_birth=")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Thiếu mã hồ sơ." in page and "Thiếu ngày sinh của học sinh." in page
    assert re.search(r'name="code" id="code"[^>]*aria-invalid="true"', page)
    assert re.search(r'name="date_of_birth"[^>]*aria-invalid="true"', page, re.S)
    assert page.count('class="field-error"') >= 2


def test_the_tracking_form_keeps_what_was_typed_and_names_a_bad_date(client, rounds):
    response = client.get("/enrollment/track?code=ABCD-1234-5&date_of_birth=2/9/20")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ngày sinh không đúng dạng dd/mm/yyyy." in page
    assert 'value="2/9/20"' in page and "ABCD12345" in page.replace("-", "")
    assert "Thiếu mã hồ sơ." not in page
    no_such = client.get("/enrollment/track?code=ABCD-1234-5&date_of_birth=31/02/2020")
    assert "Ngày sinh không phải ngày giờ có thật (31/02/2020)." in no_such.get_data(as_text=True)


def test_the_forms_use_the_shared_date_field(client, rounds):
    form = client.get(f"/enrollment/rounds/{rounds[1].id}/apply").get_data(as_text=True)
    assert 'type="date"' not in form
    assert re.search(r'name="child.date_of_birth" type="text" inputmode="numeric"', form)
    assert 'placeholder="dd/mm/yyyy"' in form
    assert 'aria-describedby="child-date_of_birth-hint"' in form
    track = client.get("/enrollment/track").get_data(as_text=True)
    assert 'type="date"' not in track and 'data-date-input="date"' in track
    assert "Thiếu mã hồ sơ." not in track  # nothing asked yet, nothing refused


# -- the staff desk: a review and the allocation come back with the fields marked ------------


def test_a_review_names_the_decision_and_the_note_together(client, submit, auth):
    code = submit().get_json()["code"]
    auth.login("phonggd")
    response = client.post(f"/enrollment/staff/dossiers/{code}",
                           data={"decision": "maybe", "note": "x" * 2001})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Giá trị của kết quả xét duyệt không hợp lệ." in page
    assert "Ghi chú dài quá 2000 ký tự." in page
    assert 'id="note-error" data-error-for="note">Ghi chú dài quá' in page
    assert 'aria-invalid="true"' in page and "x" * 2001 in page  # the note is kept
    assert db.session.query(Dossier).one().status.value != "rejected"


def test_a_rejection_without_a_reason_marks_the_note(client, submit, auth):
    code = submit().get_json()["code"]
    auth.login("phonggd")
    response = client.post(f"/enrollment/staff/dossiers/{code}", data={"decision": "reject"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<textarea name="note"[^>]*aria-invalid="true"', page)
    assert "Cần ghi rõ lý do hoặc nội dung cần bổ sung." in page


def test_an_allocation_without_a_seed_marks_the_seed(client, submit, auth, rounds):
    submit()
    rounds[1].closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    cache.forget()
    auth.login("phonggd")
    response = client.post(f"/enrollment/staff/{rounds[1].id}/allocate", data={"seed": " "})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'<input name="seed"[^>]*aria-invalid="true"', page)
    assert 'id="seed-error" data-error-for="seed">Cần nhập số may mắn' in page
    db.session.expire_all()
    assert not db.session.get(type(rounds[1]), rounds[1].id).result_sha256
