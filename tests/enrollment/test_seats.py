"""Freezing, `sohoa enrollment allocate`, offers, confirmation and seats passing on."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from core.db import utcnow
from core.extensions import db
from core.signals import seat_confirmed
from enrollment import rounds as round_cache
from enrollment import seats
from enrollment.models import AllocationRun, Dossier, DossierStatus

pytestmark = pytest.mark.db


def _verified_round(client, submit, h, rounds, children: int, capacity: int):
    row = rounds[1]
    for school in row.schools:
        school.capacity = capacity
    db.session.commit()
    round_cache.forget()
    made = []
    for i in range(children):
        body = submit(child={"full_name": f"Học Sinh {i}", "date_of_birth":
                             f"{row.school_year - 6}-01-{i + 1:02d}", "gender": "male",
                             "personal_id": f"0462200{i:05d}"},
                      choices=["th-phu-hoi"]).get_json()
        client.post(f"/api/v1/enrollment/applications/{body['code']}/review",
                    json={"decision": "verify"}, headers=h("phonggd"))
        made.append(body)
    row.closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    round_cache.forget()
    return row, made


def test_allocate_cli_is_byte_identical_and_changes_nothing(client, submit, h, rounds,
                                                            runner, tmp_path):
    row, _made = _verified_round(client, submit, h, rounds, 5, 2)
    out1, out2 = tmp_path / "a.csv", tmp_path / "b.csv"
    first = runner.invoke(args=["enrollment", "allocate", str(row.id), "--seed", "42",
                                "--out", str(out1)])
    runner.invoke(args=["enrollment", "allocate", str(row.id), "--seed", "42",
                        "--out", str(out2)])
    assert first.exit_code == 0, first.output
    assert out1.read_bytes() == out2.read_bytes()
    assert first.output.strip().splitlines()[-1] == hashlib.sha256(out1.read_bytes()).hexdigest()
    lines = out1.read_text().splitlines()
    assert lines[0] == "dossier_code,school_code,lottery_number"
    assert sum(1 for line in lines[1:] if ",th-phu-hoi," in line) == 2
    assert {d.status for d in db.session.query(Dossier)} == {DossierStatus.VERIFIED}


def test_publish_offers_then_confirmation_hands_over_and_declines_pass_seats_on(
        client, submit, h, rounds, runner):
    row, made = _verified_round(client, submit, h, rounds, 4, 2)
    result = runner.invoke(args=["enrollment", "allocate", str(row.id), "--seed", "7",
                                 "--publish"])
    assert result.exit_code == 0, result.output
    run = db.session.query(AllocationRun).one()
    assert run.placed == 2 and run.unplaced == 2 and run.frozen_hash
    by_status = {d.code: d for d in db.session.query(Dossier)}
    offered = [d for d in by_status.values() if d.status is DossierStatus.OFFERED]
    assert len(offered) == 2 and all(d.lottery_number for d in by_status.values())
    pins = {m["code"]: m for m in made}
    heard = []
    seat_confirmed.connect(lambda sender, **kw: heard.append(kw), weak=False)
    first = offered[0]
    dob = first.date_of_birth.isoformat()
    yes = client.post(f"/api/v1/enrollment/applications/{first.code}/confirmation",
                      json={"date_of_birth": dob, "pin": pins[first.code]["pin"]})
    assert yes.status_code == 200 and yes.get_json()["status"] == "confirmed"
    assert heard and heard[-1]["school"] == "th-phu-hoi" and heard[-1]["grade"] == 1
    second = offered[1]
    no = client.post(f"/api/v1/enrollment/applications/{second.code}/confirmation",
                     json={"date_of_birth": second.date_of_birth.isoformat(),
                           "pin": pins[second.code]["pin"], "accept": False})
    assert no.status_code == 200
    db.session.expire_all()
    waiting = sorted((d for d in db.session.query(Dossier)
                      if d.code not in (first.code, second.code)),
                     key=lambda d: d.lottery_number)
    assert waiting[0].status is DossierStatus.OFFERED  # the next in the school's order
    assert waiting[1].status is DossierStatus.WAITLISTED
    again = runner.invoke(args=["enrollment", "allocate", str(row.id), "--seed", "8",
                                "--publish"])
    assert again.exit_code != 0


def test_unconfirmed_offers_expire_after_the_deadline(client, submit, h, rounds):
    row, _made = _verified_round(client, submit, h, rounds, 3, 1)
    seats.publish(row.id, "s")
    row.confirm_by = utcnow() - timedelta(minutes=1)
    db.session.commit()
    round_cache.forget()
    assert seats.expire_offers(row.id) == 1
    db.session.commit()
    statuses = sorted(d.status.value for d in db.session.query(Dossier))
    assert statuses == ["expired", "offered", "waitlisted"]


def test_freeze_refused_while_the_round_is_open(client, submit, rounds, runner):
    result = runner.invoke(args=["enrollment", "allocate", str(rounds[1].id), "--seed", "1",
                                 "--publish"])
    assert result.exit_code != 0
    assert db.session.query(AllocationRun).count() == 0


def test_parent_confirms_on_the_tracking_page_with_the_pin(client, submit, h, rounds):
    row, made = _verified_round(client, submit, h, rounds, 1, 1)
    seats.publish(row.id, "s")
    db.session.commit()
    round_cache.forget()
    body = made[0]
    dob = body["receipt_url"].rsplit("=", 1)[1]
    page = client.get(f"/enrollment/track/{body['code']}?date_of_birth={dob}")
    assert 'id="answer-form"' in page.get_data(as_text=True)
    wrong = client.post(f"/enrollment/track/{body['code']}/answer",
                        data={"date_of_birth": dob, "pin": "x", "accept": "1"})
    assert wrong.status_code == 403
    done = client.post(f"/enrollment/track/{body['code']}/answer",
                       data={"date_of_birth": dob, "pin": body["pin"], "accept": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.query(Dossier).one().status is DossierStatus.CONFIRMED
