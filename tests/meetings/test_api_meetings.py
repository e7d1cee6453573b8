"""The meetings JSON API (/api/v1): authentication on every route, scheduling, reading,
editing, starting and ending a meeting.

Every 4xx answer has the contract's shape {"error": {code, message}} with a Vietnamese
message (English is checked elsewhere once the translations land)."""

from __future__ import annotations

import re

import pytest

from meetings.models import Meeting
from meetings.schemas import MeetingIn
from tests.meetings.checks import count, vi_error
from tests.meetings.factories import (
    api_end,
    api_meeting_of,
    api_start,
    first_item,
    meeting_body,
    pdf,
)

pytestmark = pytest.mark.db


# -- authentication ------------------------------------------------------------------------

EVERY_ROUTE = [
    ("GET", "/api/v1/meetings"),
    ("POST", "/api/v1/meetings"),
    ("GET", "/api/v1/meetings/{meeting_id}"),
    ("PATCH", "/api/v1/meetings/{meeting_id}"),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda-items"),
    ("PATCH", "/api/v1/meetings/{meeting_id}/agenda-items/{item_id}"),
    ("DELETE", "/api/v1/meetings/{meeting_id}/agenda-items/{item_id}"),
    ("POST", "/api/v1/meetings/{meeting_id}/agenda-order"),
    ("POST", "/api/v1/meetings/{meeting_id}/documents"),
    ("GET", "/api/v1/documents/{document_id}"),
    ("PATCH", "/api/v1/documents/{document_id}"),
    ("GET", "/api/v1/documents/{document_id}/file"),
    ("GET", "/api/v1/documents/{document_id}/comments"),
    ("POST", "/api/v1/documents/{document_id}/comments"),
    ("GET", "/api/v1/documents/{document_id}/notes"),
    ("PUT", "/api/v1/documents/{document_id}/notes/{page}"),
    ("POST", "/api/v1/meetings/{meeting_id}/start"),
    ("POST", "/api/v1/meetings/{meeting_id}/end"),
    ("POST", "/api/v1/meetings/{meeting_id}/guests"),
    ("POST", "/api/v1/meetings/{meeting_id}/attendance"),
    ("POST", "/api/v1/meetings/{meeting_id}/check-in"),
    ("POST", "/api/v1/meetings/{meeting_id}/invitation"),
    ("GET", "/api/v1/meetings/{meeting_id}/record"),
    ("POST", "/api/v1/meetings/{meeting_id}/conclusions"),
    ("GET", "/api/v1/meetings/{meeting_id}/minutes"),
    ("PUT", "/api/v1/meetings/{meeting_id}/minutes"),
    ("GET", "/api/v1/meetings/{meeting_id}/minutes.pdf"),
    ("GET", "/api/v1/meetings/{meeting_id}/minutes/signatures"),
    ("POST", "/api/v1/meetings/{meeting_id}/minutes/signatures"),
    ("GET", "/api/v1/tasks"),
    ("POST", "/api/v1/tasks/{task_id}/done"),
]


def _concrete(path: str) -> str:
    return path.format(meeting_id=1, item_id=1, document_id=1, page=1, task_id=1)


@pytest.mark.parametrize(("method", "path"), EVERY_ROUTE)
def test_every_call_needs_an_account(client, method, path):
    before = count(Meeting)
    response = client.open(_concrete(path), method=method, json={"title": "x"})
    vi_error(response, 401, "unauthorized")
    assert count(Meeting) == before


@pytest.mark.parametrize(("method", "path"), EVERY_ROUTE)
def test_a_bad_token_is_refused(client, method, path):
    response = client.open(
        _concrete(path), method=method, headers={"Authorization": "Bearer khong-hop-le"}
    )
    vi_error(response, 401, "invalid_token")


def test_openapi_lists_every_meetings_route(client, app):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for method, path in EVERY_ROUTE:
        assert path in paths, path
        assert method.lower() in paths[path], (method, path)
        assert paths[path][method.lower()]["summary"]
    # and the list above is every route of the meetings API
    ours = {
        (method, re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api_meetings.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert ours == set(EVERY_ROUTE)


# -- POST /api/v1/meetings -----------------------------------------------------------------


def test_create_meeting(client, h):
    body = meeting_body(
        title="Phiên họp UBND thường kỳ",
        kind="thematic",
        confidential=True,
        participants=["daibieu", "daibieu.phunhuan"],
    )
    response = client.post("/api/v1/meetings", json=body, headers=h("chutich"))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert isinstance(created["id"], int)
    assert {
        key: created[key]
        for key in ("title", "organization", "location", "confidential", "chair", "secretary")
    } == {
        "title": "Phiên họp UBND thường kỳ",
        "organization": "hue",
        "location": "Phòng họp số 2",
        "confidential": True,
        "chair": "chutich",
        "secretary": "thuky",
    }
    assert created["kind"] == "thematic"
    assert created["status"] == "scheduled"
    # 08:00 in Huế (UTC+7), given without a zone, is 01:00 UTC
    assert created["starts_at"].endswith("01:00:00+00:00")
    assert created["ends_at"].endswith("04:00:00+00:00")
    assert {p["user"]: p["role"] for p in created["participants"]} == {
        "chutich": "chair",
        "thuky": "secretary",
        "daibieu": "delegate",
        "daibieu.phunhuan": "delegate",
    }
    assert created["agenda"] == [] and created["documents"] == []
    assert api_meeting_of(client, h, created["id"], "daibieu") == created


def test_create_meeting_with_whole_organisations(client, h):
    response = client.post(
        "/api/v1/meetings",
        json=meeting_body(participants=[], participant_organizations=["phu-nhuan"]),
        headers=h("vanthu"),
    )
    assert response.status_code == 201, response.get_json()
    people = {p["user"] for p in response.get_json()["participants"]}
    assert people == {"chutich", "thuky", "daibieu.phunhuan", "chutich.phunhuan",
                      "thuky.phunhuan"}


@pytest.mark.parametrize(
    "field", ["title", "organization", "starts_at", "ends_at", "chair", "secretary"]
)
def test_create_meeting_missing_field(client, h, field):
    body = meeting_body()
    del body[field]
    before = count(Meeting)
    response = client.post("/api/v1/meetings", json=body, headers=h("chutich"))
    error = vi_error(response, 422, "missing_field")
    assert error["details"]["field"] == field
    assert error["message"] == f"Thiếu {MeetingIn.field_labels[field]}."  # named in words
    assert count(Meeting) == before


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"title": "  "}, 422, "invalid_title"),
        ({"organization": "khong-co"}, 422, "unknown_organization"),
        ({"chair": "khong.co"}, 422, "unknown_user"),
        ({"secretary": 42}, 422, "unknown_user"),
        ({"participants": ["daibieu", "khong.co"]}, 422, "unknown_user"),
        ({"participants": "daibieu"}, 422, "invalid_participants"),
        ({"participant_organizations": ["khong-co"]}, 422, "unknown_organization"),
        ({"starts_at": "mai"}, 422, "invalid_datetime"),
        ({"ends_at": ["2030-01-02T10:00"]}, 422, "invalid_datetime"),
        ({"starts_at": "2030-01-02T10:00", "ends_at": "2030-01-02T09:59"}, 422,
         "invalid_time_range"),
        ({"kind": "tiec"}, 422, "invalid_kind"),
    ],
)
def test_create_meeting_bad_input(client, h, overrides, status, code):
    before = count(Meeting)
    response = client.post(
        "/api/v1/meetings", json=meeting_body(**overrides), headers=h("chutich")
    )
    vi_error(response, status, code)
    assert count(Meeting) == before


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"data": "không phải JSON", "content_type": "application/json"}, "invalid_json"),
        ({"json": ["một", "danh", "sách"]}, "invalid_json"),
        ({"data": "title=x", "content_type": "application/x-www-form-urlencoded"},
         "invalid_json"),
    ],
)
def test_create_meeting_needs_a_json_object(client, h, kwargs, code):
    before = count(Meeting)
    response = client.post("/api/v1/meetings", headers=h("chutich"), **kwargs)
    vi_error(response, 400, code)
    assert count(Meeting) == before


@pytest.mark.parametrize("who", ["daibieu", "chutich.phunhuan", "giaovien"])
def test_create_meeting_needs_an_organiser(client, h, who):
    before = count(Meeting)
    response = client.post("/api/v1/meetings", json=meeting_body(), headers=h(who))
    vi_error(response, 403, "cannot_organise")
    assert count(Meeting) == before


# -- GET / PATCH a meeting, the list -------------------------------------------------------


def test_get_meeting_with_agenda_documents_participants(client, h, ready):
    meeting, document = ready
    data = api_meeting_of(client, h, meeting["id"], "daibieu.phunhuan")
    assert data["status"] == "scheduled"
    assert [a["title"] for a in data["agenda"]] == [
        "Báo cáo kinh tế – xã hội",
        "Kế hoạch chuyển đổi số",
    ]
    assert [a["position"] for a in data["agenda"]] == [1, 2]
    assert [d["id"] for d in data["documents"]] == [document["id"]]
    assert data["documents"][0]["url"] == f"/api/v1/documents/{document['id']}/file"
    assert data["current"]["document_id"] == document["id"] and data["current"]["page"] == 1
    assert len(data["participants"]) == 4
    # a member of the organisation who is not invited sees an open meeting
    assert api_meeting_of(client, h, meeting["id"], "vanthu")["id"] == meeting["id"]


def test_get_meeting_outsiders(client, h, api_meeting):
    open_meeting = api_meeting()
    secret = api_meeting(confidential=True)
    missing = client.get("/api/v1/meetings/999999", headers=h("vanthu"))
    vi_error(missing, 404, "meeting_not_found")
    # not of the organisation: not found
    vi_error(
        client.get(f"/api/v1/meetings/{open_meeting['id']}", headers=h("daibieu.tayloc")),
        404,
        "meeting_not_found",
    )
    # a confidential meeting answers exactly like one that does not exist
    for who in ("vanthu", "admin", "daibieu.tayloc"):
        response = client.get(f"/api/v1/meetings/{secret['id']}", headers=h(who))
        vi_error(response, 404, "meeting_not_found")
        assert response.get_json() == missing.get_json()
    vi_error(client.get(f"/api/v1/meetings/{secret['id']}"), 401, "unauthorized")


def test_list_meetings_and_search(client, h, api_meeting):
    city = api_meeting(title="Họp bàn quy hoạch đô thị")
    secret = api_meeting(title="Họp kín về quy hoạch", confidential=True)
    response = client.get("/api/v1/meetings?q=quy hoạch", headers=h("thuky"))
    assert response.status_code == 200
    assert {m["id"] for m in response.get_json()} == {city["id"], secret["id"]}
    response = client.get("/api/v1/meetings?q=quy hoạch", headers=h("vanthu"))
    assert {m["id"] for m in response.get_json()} == {city["id"]}
    response = client.get("/api/v1/meetings", headers=h("daibieu.tayloc"))
    assert city["id"] not in {m["id"] for m in response.get_json()}


def test_patch_meeting(client, h, api_meeting):
    meeting = api_meeting()
    url = f"/api/v1/meetings/{meeting['id']}"
    response = client.patch(url, json={"title": "Họp đã đổi tên"}, headers=h("thuky"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["title"] == "Họp đã đổi tên"
    vi_error(client.patch(url, json={"title": "x"}, headers=h("daibieu")), 403,
             "not_meeting_organiser")
    vi_error(client.patch(url, json={"kind": "x"}, headers=h("chutich")), 422, "invalid_kind")
    vi_error(client.patch(url, json={"title": "x"}, headers=h("daibieu.tayloc")), 404)
    assert api_meeting_of(client, h, meeting["id"])["title"] == "Họp đã đổi tên"


def test_patch_to_an_organisation_one_may_not_organise_for_is_refused(client, h, api_meeting):
    meeting = api_meeting()
    url = f"/api/v1/meetings/{meeting['id']}"
    # the city's chair may not move the meeting to a ward, nor its secretary
    for who in ("chutich", "thuky"):
        response = client.patch(url, json={"organization": "phu-nhuan"}, headers=h(who))
        vi_error(response, 403, "cannot_organise")
    assert api_meeting_of(client, h, meeting["id"])["organization"] == "hue"
    # a ward meeting chaired by the city's chair: editable by them where it is
    ward = api_meeting(by="chutich.phunhuan", organization="phu-nhuan")
    ward_url = f"/api/v1/meetings/{ward['id']}"
    response = client.patch(ward_url, json={"location": "Nhà văn hóa"}, headers=h("chutich"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["organization"] == "phu-nhuan"


# -- start and end -------------------------------------------------------------------------


def test_start_and_end(client, h, ready):
    meeting, _ = ready
    base = f"/api/v1/meetings/{meeting['id']}"
    vi_error(client.post(f"{base}/end", headers=h("chutich")), 409, "invalid_status_change")
    vi_error(client.post(f"{base}/start", headers=h("daibieu")), 403, "not_meeting_organiser")
    vi_error(client.post(f"{base}/start", headers=h("daibieu.tayloc")), 404, "meeting_not_found")
    response = client.post(f"{base}/start", headers=h("thuky"))
    assert response.status_code == 200
    started = response.get_json()
    assert started["status"] == "in_progress"
    assert started["current"]["agenda_item_id"] == started["agenda"][0]["id"]
    vi_error(client.post(f"{base}/start", headers=h("chutich")), 409, "invalid_status_change")
    vi_error(client.post(f"{base}/end", headers=h("daibieu")), 403, "not_meeting_organiser")
    response = client.post(f"{base}/end", headers=h("chutich"))
    assert response.status_code == 200 and response.get_json()["status"] == "ended"
    vi_error(client.post(f"{base}/end", headers=h("chutich")), 409, "invalid_status_change")
    assert api_meeting_of(client, h, meeting["id"])["status"] == "ended"


def test_an_ended_meeting_is_final(client, h, ready, upload):
    meeting, document = ready
    base = f"/api/v1/meetings/{meeting['id']}"
    api_start(client, h, meeting["id"])
    api_end(client, h, meeting["id"])
    item = first_item(client, h, meeting["id"])
    calls = [
        ("PATCH", base, {"title": "Đổi tên"}),
        ("POST", f"{base}/agenda-items", {"title": "Mục mới"}),
        ("PATCH", f"{base}/agenda-items/{item}", {"title": "Đổi tên"}),
        ("DELETE", f"{base}/agenda-items/{item}", None),
        ("POST", f"{base}/agenda-order", {"order": [item, item + 1]}),
        ("POST", f"{base}/guests", {"name": "Khách đến muộn"}),
        ("POST", f"{base}/attendance", {"user": "daibieu", "status": "present"}),
    ]
    for method, url, body in calls:
        vi_error(client.open(url, method=method, json=body, headers=h("thuky")), 409,
                 "meeting_ended")
    vi_error(upload(meeting["id"], [(pdf(2), "muon.pdf")]), 409, "meeting_ended")
    after = api_meeting_of(client, h, meeting["id"])
    assert [d["id"] for d in after["documents"]] == [document["id"]]
    assert [a["title"] for a in after["agenda"]] == [
        "Báo cáo kinh tế – xã hội",
        "Kế hoạch chuyển đổi số",
    ]
    # nobody checked in, so ending made everyone absent; the refused mark changed nothing
    assert {p["attendance"] for p in after["participants"]} == {"absent"}
    # what stays open after the end: the record, conclusions and the minutes
    response = client.post(f"{base}/conclusions", json={"text": "Bổ sung"}, headers=h("thuky"))
    assert response.status_code == 201, response.get_json()
