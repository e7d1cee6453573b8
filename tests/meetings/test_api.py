"""The meetings JSON API (/api/v1): every endpoint of meetings/api.py, with its errors.

Every 4xx answer has the contract's shape {"error": {code, message}} with a Vietnamese
message (English is checked elsewhere once the translations land)."""

from __future__ import annotations

import hashlib
import random
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from meetings import room, services
from meetings.models import Conclusion, Meeting
from tests.meetings.conftest import (
    counts,
    encrypted_pdf,
    error_of,
    meeting_body,
    pdf,
    stored_files,
)

pytestmark = pytest.mark.db

VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý")
HUGE_ID = 2**63  # matches the <int:…> rule, fits no database integer


def vi_error(response, status: int, code: str | None = None) -> dict:
    """The error of a 4xx answer: the status, the code, a message in Vietnamese."""
    assert response.status_code == status, (response.status_code, response.get_json())
    error = error_of(response)
    if code is not None:
        assert error["code"] == code, error
    assert VIETNAMESE & set(error["message"].lower()), error["message"]
    return error


def meeting_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Meeting))


@pytest.fixture
def ready(client, h, api_meeting, upload):
    """A meeting (participants daibieu, daibieu.phunhuan) with two agenda items and a
    5-page document; returns (meeting JSON, document JSON)."""
    meeting = api_meeting()
    for title in ("Báo cáo kinh tế – xã hội", "Kế hoạch chuyển đổi số"):
        response = client.post(
            f"/api/v1/meetings/{meeting['id']}/agenda-items",
            json={"title": title},
            headers=h("chutich"),
        )
        assert response.status_code == 201
    response = upload(meeting["id"], [(pdf(5), "bao-cao.pdf")])
    assert response.status_code == 201, response.get_json()
    return meeting, response.get_json()


def get_meeting(client, h, meeting_id: int, by: str = "chutich") -> dict:
    response = client.get(f"/api/v1/meetings/{meeting_id}", headers=h(by))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def start(client, h, meeting_id: int) -> None:
    response = client.post(f"/api/v1/meetings/{meeting_id}/start", headers=h("chutich"))
    assert response.status_code == 200, response.get_json()


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
    ("GET", "/api/v1/meetings/{meeting_id}/record"),
    ("POST", "/api/v1/meetings/{meeting_id}/conclusions"),
    ("GET", "/api/v1/meetings/{meeting_id}/minutes"),
    ("PUT", "/api/v1/meetings/{meeting_id}/minutes"),
    ("GET", "/api/v1/meetings/{meeting_id}/minutes.pdf"),
    ("GET", "/api/v1/tasks"),
    ("POST", "/api/v1/tasks/{task_id}/done"),
]


def _concrete(path: str) -> str:
    return path.format(meeting_id=1, item_id=1, document_id=1, page=1, task_id=1)


@pytest.mark.parametrize(("method", "path"), EVERY_ROUTE)
def test_every_call_needs_an_account(client, method, path):
    before = meeting_count()
    response = client.open(_concrete(path), method=method, json={"title": "x"})
    vi_error(response, 401, "unauthorized")
    assert meeting_count() == before


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
    assert get_meeting(client, h, created["id"], "daibieu") == created


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
    before = meeting_count()
    response = client.post("/api/v1/meetings", json=body, headers=h("chutich"))
    error = vi_error(response, 422, "missing_field")
    assert field in error["message"]
    assert meeting_count() == before


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
    before = meeting_count()
    response = client.post(
        "/api/v1/meetings", json=meeting_body(**overrides), headers=h("chutich")
    )
    vi_error(response, status, code)
    assert meeting_count() == before


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
    before = meeting_count()
    response = client.post("/api/v1/meetings", headers=h("chutich"), **kwargs)
    vi_error(response, 400, code)
    assert meeting_count() == before


@pytest.mark.parametrize("who", ["daibieu", "chutich.phunhuan", "giaovien"])
def test_create_meeting_needs_an_organiser(client, h, who):
    before = meeting_count()
    response = client.post("/api/v1/meetings", json=meeting_body(), headers=h(who))
    vi_error(response, 403, "cannot_organise")
    assert meeting_count() == before


# -- GET / PATCH a meeting, the list -------------------------------------------------------


def test_get_meeting_with_agenda_documents_participants(client, h, ready):
    meeting, document = ready
    data = get_meeting(client, h, meeting["id"], "daibieu.phunhuan")
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
    assert get_meeting(client, h, meeting["id"], "vanthu")["id"] == meeting["id"]


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


def test_huge_ids_are_4xx_not_500(client, h, ready):
    meeting, document = ready
    for method, path in [
        ("GET", f"/api/v1/meetings/{HUGE_ID}"),
        ("GET", f"/api/v1/documents/{HUGE_ID}/file"),
        ("POST", f"/api/v1/tasks/{HUGE_ID}/done"),
        ("DELETE", f"/api/v1/meetings/{meeting['id']}/agenda-items/{HUGE_ID}"),
    ]:
        response = client.open(path, method=method, headers=h("chutich"))
        assert 400 <= response.status_code < 500, (path, response.status_code)
        error_of(response)


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
    assert get_meeting(client, h, meeting["id"])["title"] == "Họp đã đổi tên"


# -- agenda --------------------------------------------------------------------------------


def test_agenda_items_add_patch_delete(client, h, api_meeting):
    meeting = api_meeting()
    base = f"/api/v1/meetings/{meeting['id']}/agenda-items"
    response = client.post(
        base, json={"title": "Báo cáo", "presenter": "daibieu", "planned_minutes": 20},
        headers=h("chutich"),
    )
    assert response.status_code == 201
    first = response.get_json()
    assert first["title"] == "Báo cáo" and first["position"] == 1 and isinstance(first["id"], int)
    second = client.post(base, json={"title": "Thảo luận"}, headers=h("thuky")).get_json()

    response = client.patch(
        f"{base}/{first['id']}", json={"title": "Báo cáo tổng hợp"}, headers=h("chutich")
    )
    assert response.status_code == 200
    assert response.get_json()["title"] == "Báo cáo tổng hợp"

    response = client.delete(f"{base}/{first['id']}", headers=h("chutich"))
    assert response.status_code == 204
    agenda = get_meeting(client, h, meeting["id"])["agenda"]
    assert [(a["id"], a["position"]) for a in agenda] == [(second["id"], 1)]
    vi_error(client.delete(f"{base}/{first['id']}", headers=h("chutich")), 404,
             "agenda_item_not_found")


def test_agenda_item_errors(client, h, api_meeting):
    meeting = api_meeting()
    secret = api_meeting(confidential=True)
    base = f"/api/v1/meetings/{meeting['id']}/agenda-items"
    item = client.post(base, json={"title": "A"}, headers=h("chutich")).get_json()
    vi_error(client.post(base, json={}, headers=h("chutich")), 422, "missing_field")
    vi_error(client.post(base, json={"title": "A", "planned_minutes": 0},
                         headers=h("chutich")), 422, "invalid_duration")
    vi_error(client.post(base, json={"title": "A", "presenter": "khong.co"},
                         headers=h("chutich")), 422, "unknown_user")
    vi_error(client.post(base, json={"title": "A"}, headers=h("daibieu")), 403,
             "not_meeting_organiser")
    vi_error(client.post(f"/api/v1/meetings/{secret['id']}/agenda-items", json={"title": "A"},
                         headers=h("vanthu")), 404, "meeting_not_found")
    vi_error(client.patch(f"{base}/{item['id']}", json={"title": ""}, headers=h("chutich")),
             422, "invalid_title")
    vi_error(client.patch(f"{base}/999999", json={"title": "B"}, headers=h("chutich")),
             404, "agenda_item_not_found")
    vi_error(client.delete(f"{base}/{item['id']}", headers=h("daibieu")), 403)
    assert [a["title"] for a in get_meeting(client, h, meeting["id"])["agenda"]] == ["A"]


def test_agenda_reorder(client, h, api_meeting):
    meeting = api_meeting()
    base = f"/api/v1/meetings/{meeting['id']}"
    ids = [
        client.post(f"{base}/agenda-items", json={"title": t}, headers=h("chutich")).get_json()[
            "id"
        ]
        for t in "ABC"
    ]
    response = client.post(
        f"{base}/agenda-order", json={"order": [ids[2], ids[0], ids[1]]}, headers=h("chutich")
    )
    assert response.status_code == 200
    assert response.get_json() == [
        {"id": ids[2], "position": 1},
        {"id": ids[0], "position": 2},
        {"id": ids[1], "position": 3},
    ]
    expected = ["C", "A", "B"]
    for bad, code in [
        ([ids[0], ids[1]], "invalid_order"),
        ([ids[0], ids[0], ids[1]], "invalid_order"),
        ([*ids, 424242], "invalid_order"),
        (["một", "hai", "ba"], "invalid_id"),
        ("A,B,C", "invalid_order"),
        ([], "missing_field"),
    ]:
        response = client.post(f"{base}/agenda-order", json={"order": bad}, headers=h("chutich"))
        vi_error(response, 422, code)
        assert [a["title"] for a in get_meeting(client, h, meeting["id"])["agenda"]] == expected
    vi_error(client.post(f"{base}/agenda-order", json={"order": ids}, headers=h("daibieu")), 403)


# -- documents -----------------------------------------------------------------------------


def test_upload_a_valid_pdf(client, h, api_meeting, upload, app):
    meeting = api_meeting()
    before = counts()
    data = pdf(5, "Báo cáo tài chính")
    response = upload(meeting["id"], [(data, "bao-cao-tai-chinh.pdf")])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert {"id", "pages", "sha256", "title"} <= body.keys()
    assert body["pages"] == 5
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["title"] == "Báo cáo tài chính"  # from the PDF's metadata
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    stored = [p for p in stored_files() if p.name == body["sha256"][2:]]
    assert len(stored) == 1 and stored[0].read_bytes() == data
    assert [d["id"] for d in get_meeting(client, h, meeting["id"])["documents"]] == [body["id"]]


def test_upload_with_agenda_item_and_title(client, h, ready, upload):
    meeting, _ = ready
    item = meeting_agenda_first(client, h, meeting["id"])
    response = upload(
        meeting["id"], [(pdf(3), "x.pdf")], agenda_item_id=str(item), title="Tờ trình số 12"
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["title"], body["agenda_item_id"], body["pages"]) == ("Tờ trình số 12", item, 3)


def meeting_agenda_first(client, h, meeting_id: int) -> int:
    return get_meeting(client, h, meeting_id)["agenda"][0]["id"]


def test_upload_several_files_at_once(client, h, api_meeting, upload):
    meeting = api_meeting()
    before = counts()
    response = upload(meeting["id"], [(pdf(2), "mot.pdf"), (pdf(4), "hai.pdf")])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert isinstance(body, list) and [d["pages"] for d in body] == [2, 4]
    assert counts() == (before[0] + 2, before[1] + 2, before[2] + 2)


def test_the_same_pdf_twice_is_stored_once(client, h, api_meeting, upload):
    meeting = api_meeting()
    before = counts()
    for _ in range(2):
        assert upload(meeting["id"], [(pdf(2), "mot.pdf")]).status_code == 201
    assert counts() == (before[0] + 2, before[1] + 1, before[2] + 1)


def _corrupt() -> bytes:
    return b"%PDF-1.7\n" + random.Random(3).randbytes(6000) + b"\n%%EOF\n"


BAD_UPLOADS = {
    "corrupt": (lambda: [(_corrupt(), "hong.pdf")], 422, "corrupt_pdf"),
    "corrupt-no-eof": (
        lambda: [(b"%PDF-1.7\n" + random.Random(4).randbytes(6000), "hong.pdf")],
        422,
        "truncated_pdf",
    ),
    "truncated": (lambda: [(pdf(5)[: len(pdf(5)) // 2], "cut.pdf")], 422, "truncated_pdf"),
    "encrypted": (lambda: [(encrypted_pdf(), "mat-khau.pdf")], 422, "encrypted_pdf"),
    "not-a-pdf": (lambda: [(b"Bien ban hop\n" * 40, "bien-ban.pdf")], 415, "not_a_pdf"),
    "empty": (lambda: [(b"", "rong.pdf")], 422, "empty_file"),
    "no-filename": (lambda: [(pdf(2), "")], 422, "missing_file"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_a_bad_upload_is_refused_and_nothing_is_stored(client, h, api_meeting, upload, case):
    files, status, code = BAD_UPLOADS[case]
    meeting = api_meeting()
    before = counts()
    vi_error(upload(meeting["id"], files()), status, code)
    assert counts() == before
    assert get_meeting(client, h, meeting["id"])["documents"] == []


def test_upload_over_the_size_limit(app, client, h, api_meeting, upload):
    meeting = api_meeting()
    app.config["MAX_DOCUMENT_BYTES"] = len(pdf(5)) - 1
    before = counts()
    vi_error(upload(meeting["id"], [(pdf(5), "lon.pdf")]), 413, "file_too_large")
    assert counts() == before


def test_upload_over_the_request_limit(app, client, h, api_meeting, upload):
    meeting = api_meeting()
    app.config["MAX_CONTENT_LENGTH"] = 4096
    before = counts()
    vi_error(upload(meeting["id"], [(pdf(5), "lon.pdf")]), 413, "file_too_large")
    assert counts() == before


def test_upload_with_too_many_pages(app, client, h, api_meeting, upload):
    meeting = api_meeting()
    app.config["MAX_DOCUMENT_PAGES"] = 4
    before = counts()
    vi_error(upload(meeting["id"], [(pdf(5), "dai.pdf")]), 422, "too_many_pages")
    assert counts() == before


def test_upload_without_a_file_field(client, h, api_meeting, upload):
    meeting = api_meeting()
    before = counts()
    vi_error(upload(meeting["id"], None, title="x"), 422, "missing_file")
    vi_error(
        client.post(f"/api/v1/meetings/{meeting['id']}/documents", json={"file": "x"},
                    headers=h("chutich")),
        422,
        "missing_file",
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("agenda_item_id", "status", "code"),
    [("abc", 422, "invalid_id"), ("999999", 404, "agenda_item_not_found")],
)
def test_upload_with_a_bad_agenda_item(client, h, ready, upload, agenda_item_id, status, code):
    meeting, _ = ready
    before = counts()
    response = upload(meeting["id"], [(pdf(2), "x.pdf")], agenda_item_id=agenda_item_id)
    vi_error(response, status, code)
    assert counts() == before


def test_upload_for_an_agenda_item_of_another_meeting(client, h, ready, api_meeting, upload):
    meeting, _ = ready
    other = api_meeting()
    before = counts()
    item = meeting_agenda_first(client, h, meeting["id"])
    vi_error(upload(other["id"], [(pdf(2), "x.pdf")], agenda_item_id=str(item)), 404,
             "agenda_item_not_found")
    assert counts() == before


@pytest.mark.parametrize("bad_first", [False, True])
def test_a_batch_with_one_bad_file_stores_nothing(client, h, api_meeting, upload, bad_first):
    meeting = api_meeting()
    before = counts()
    files = [(pdf(3, "Tốt"), "tot.pdf"), (encrypted_pdf(), "mat-khau.pdf")]
    if bad_first:
        files.reverse()
    error = vi_error(upload(meeting["id"], files), 422, "encrypted_pdf")
    assert error["details"]["file"] == "mat-khau.pdf"  # says which file was refused
    assert counts() == before
    assert get_meeting(client, h, meeting["id"])["documents"] == []


@pytest.mark.parametrize(("who", "status"), [("daibieu", 403), ("vanthu", 403),
                                             ("daibieu.tayloc", 404)])
def test_only_organisers_upload(client, h, api_meeting, upload, who, status):
    meeting = api_meeting()
    before = counts()
    vi_error(upload(meeting["id"], [(pdf(2), "x.pdf")], by=who), status)
    assert counts() == before


def test_document_metadata(client, h, ready):
    meeting, document = ready
    response = client.get(f"/api/v1/documents/{document['id']}", headers=h("daibieu"))
    assert response.status_code == 200
    assert response.get_json() == document
    vi_error(client.get(f"/api/v1/documents/{document['id']}", headers=h("daibieu.tayloc")),
             404, "document_not_found")
    vi_error(client.get("/api/v1/documents/999999", headers=h("chutich")), 404,
             "document_not_found")


def test_document_file_and_range(client, h, ready):
    meeting, document = ready
    url = f"/api/v1/documents/{document['id']}/file"
    response = client.get(url, headers=h("daibieu"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == pdf(5)
    assert response.headers["Accept-Ranges"] == "bytes"
    assert "private" in response.headers["Cache-Control"]

    ranged = client.get(url, headers=h("daibieu", Range="bytes=0-99"))
    assert ranged.status_code == 206
    assert len(ranged.data) == 100
    assert ranged.data == pdf(5)[:100]
    assert ranged.headers["Content-Range"] == f"bytes 0-99/{len(pdf(5))}"

    tail = client.get(url, headers=h("daibieu", Range="bytes=-20"))
    assert tail.status_code == 206 and tail.data == pdf(5)[-20:]

    cached = client.get(url, headers=h("daibieu", **{"If-None-Match": response.headers["ETag"]}))
    assert cached.status_code == 304


def test_document_file_of_a_confidential_meeting_by_direct_url(client, h, api_meeting, upload):
    secret = api_meeting(confidential=True)
    document = upload(secret["id"], [(pdf(2), "mat.pdf")]).get_json()
    url = f"/api/v1/documents/{document['id']}/file"
    assert client.get(url, headers=h("daibieu")).status_code == 200  # a participant
    for who in ("vanthu", "admin", "daibieu.tayloc"):
        response = client.get(url, headers=h(who, Range="bytes=0-99"))
        vi_error(response, 404, "document_not_found")
        assert b"%PDF" not in response.data
    vi_error(client.get(url), 401, "unauthorized")


# -- comments and notes --------------------------------------------------------------------


def test_comments(client, h, ready):
    _, document = ready
    url = f"/api/v1/documents/{document['id']}/comments"
    response = client.post(url, json={"text": "Đề nghị bổ sung số liệu", "page": 2},
                           headers=h("daibieu"))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["text"], created["page"]) == ("Đề nghị bổ sung số liệu", 2)
    client.post(url, json={"text": "Đồng ý"}, headers=h("daibieu.phunhuan"))
    response = client.get(url, headers=h("vanthu"))  # an official who may read the meeting
    assert response.status_code == 200
    listed = response.get_json()
    assert [(c["user"], c["page"], c["text"]) for c in listed] == [
        ("daibieu", 2, "Đề nghị bổ sung số liệu"),
        ("daibieu.phunhuan", None, "Đồng ý"),
    ]

    vi_error(client.post(url, json={}, headers=h("daibieu")), 422, "missing_field")
    vi_error(client.post(url, json={"text": "x", "page": 6}, headers=h("daibieu")), 422,
             "page_out_of_range")
    vi_error(client.post(url, json={"text": "x", "page": "ba"}, headers=h("daibieu")), 422,
             "invalid_page")
    vi_error(client.post(url, json={"text": "x" * 5001}, headers=h("daibieu")), 422,
             "invalid_comment")
    vi_error(client.post(url, json={"text": "x"}, headers=h("vanthu")), 403, "not_participant")
    vi_error(client.post(url, json={"text": "x"}, headers=h("daibieu.tayloc")), 404)
    vi_error(client.get(url, headers=h("daibieu.tayloc")), 404, "document_not_found")
    assert len(client.get(url, headers=h("daibieu")).get_json()) == 2


def test_notes_are_private(client, h, ready):
    _, document = ready
    base = f"/api/v1/documents/{document['id']}/notes"
    response = client.put(f"{base}/2", json={"text": " Hỏi về số liệu thu ngân sách "},
                          headers=h("daibieu"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"page": 2, "text": "Hỏi về số liệu thu ngân sách"}
    client.put(f"{base}/5", json={"text": "Trang cuối"}, headers=h("daibieu"))
    client.put(f"{base}/2", json={"text": "Của tôi"}, headers=h("chutich"))

    assert client.get(base, headers=h("daibieu")).get_json() == {
        "2": "Hỏi về số liệu thu ngân sách",
        "5": "Trang cuối",
    }
    assert client.get(base, headers=h("chutich")).get_json() == {"2": "Của tôi"}
    assert client.get(base, headers=h("daibieu.phunhuan")).get_json() == {}

    # an empty text deletes the note (also where there is none)
    for page in (5, 3):
        response = client.put(f"{base}/{page}", json={"text": ""}, headers=h("daibieu"))
        assert response.status_code == 200, response.get_json()
    assert client.get(base, headers=h("daibieu")).get_json() == {
        "2": "Hỏi về số liệu thu ngân sách"
    }


def test_note_errors(client, h, ready):
    _, document = ready
    base = f"/api/v1/documents/{document['id']}/notes"
    vi_error(client.put(f"{base}/6", json={"text": "x"}, headers=h("daibieu")), 422,
             "page_out_of_range")
    vi_error(client.put(f"{base}/0", json={"text": "x"}, headers=h("daibieu")), 422,
             "page_out_of_range")
    vi_error(client.put(f"{base}/1", json={"text": "x" * 5001}, headers=h("daibieu")), 422,
             "note_too_long")
    vi_error(client.put(f"{base}/1", data="x", headers=h("daibieu")), 400, "invalid_json")
    vi_error(client.put(f"{base}/1", json={"text": "x"}, headers=h("daibieu.tayloc")), 404,
             "document_not_found")
    vi_error(client.get(base, headers=h("daibieu.tayloc")), 404, "document_not_found")
    assert client.get(base, headers=h("daibieu")).get_json() == {}


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
    assert get_meeting(client, h, meeting["id"])["status"] == "ended"


# -- guests, attendance, check-in ----------------------------------------------------------


def test_guests(client, h, api_meeting):
    meeting = api_meeting()
    url = f"/api/v1/meetings/{meeting['id']}/guests"
    response = client.post(url, json={"name": "Nguyễn Thị Hoa", "affiliation": "Báo Huế"},
                           headers=h("thuky"))
    assert response.status_code == 201, response.get_json()
    guest = response.get_json()
    assert guest["name"] == "Nguyễn Thị Hoa"
    assert f"/meetings/{meeting['id']}/guest/" in guest["check_in_url"]
    assert guest["qr_url"].endswith(f"/guests/{guest['id']}/qr.svg")
    vi_error(client.post(url, json={}, headers=h("thuky")), 422, "missing_field")
    vi_error(client.post(url, json={"name": "x" * 201}, headers=h("thuky")), 422, "invalid_name")
    vi_error(client.post(url, json={"name": "A"}, headers=h("daibieu")), 403)
    vi_error(client.post(url, json={"name": "A"}, headers=h("daibieu.tayloc")), 404)
    token = guest["check_in_url"].rsplit("/", 1)[1]
    assert services.check_in_guest(meeting["id"], token).name == "Nguyễn Thị Hoa"


def test_attendance(client, h, ready):
    meeting, _ = ready
    start(client, h, meeting["id"])
    url = f"/api/v1/meetings/{meeting['id']}/attendance"
    response = client.post(url, json={"user": "daibieu", "status": "present"},
                           headers=h("thuky"))
    assert response.status_code == 200, response.get_json()
    presence = response.get_json()
    assert presence["present"] == 1 and presence["total"] == 4
    response = client.post(
        url, json={"user": "daibieu.phunhuan", "status": "absent", "reason": "Ốm"},
        headers=h("thuky"),
    )
    people = {p["user"]: p for p in response.get_json()["participants"]}
    assert (people["daibieu.phunhuan"]["attendance"],
            people["daibieu.phunhuan"]["absence_reason"]) == ("absent", "Ốm")

    vi_error(client.post(url, json={"user": "daibieu", "status": "absent"}, headers=h("thuky")),
             422, "missing_reason")
    vi_error(client.post(url, json={"user": "daibieu", "status": "late"}, headers=h("thuky")),
             422, "invalid_attendance")
    vi_error(client.post(url, json={"user": "daibieu"}, headers=h("thuky")), 422,
             "missing_field")
    vi_error(client.post(url, json={"user": "vanthu", "status": "present"}, headers=h("thuky")),
             404, "participant_not_found")
    vi_error(client.post(url, json={"user": "daibieu", "status": "present"},
                         headers=h("daibieu")), 403, "not_meeting_organiser")
    people = {p["user"]: p["attendance"] for p in get_meeting(client, h, meeting["id"])[
        "participants"]}
    assert people["daibieu"] == "present"  # the refused "absent" changed nothing


def test_check_in_with_the_door_qr(client, h, ready, api_meeting):
    meeting, _ = ready
    other = api_meeting()
    start(client, h, meeting["id"])
    code = room.door_token(db.session.get(Meeting, meeting["id"]))
    url = f"/api/v1/meetings/{meeting['id']}/check-in"
    response = client.post(url, json={"code": code}, headers=h("daibieu"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"attendance": "present"}
    people = {p["user"]: p["attendance"] for p in get_meeting(client, h, meeting["id"])[
        "participants"]}
    assert people["daibieu"] == "present"

    other_code = room.door_token(db.session.get(Meeting, other["id"]))
    vi_error(client.post(url, json={"code": other_code}, headers=h("daibieu.phunhuan")), 422,
             "qr_other_meeting")
    vi_error(client.post(url, json={"code": "gia-mao"}, headers=h("daibieu.phunhuan")), 422,
             "invalid_qr")
    vi_error(client.post(url, json={}, headers=h("daibieu.phunhuan")), 422, "missing_field")
    vi_error(client.post(url, json={"code": code}, headers=h("vanthu")), 403, "not_participant")
    vi_error(client.post(url, json={"code": code}, headers=h("daibieu.tayloc")), 404)


# -- record, conclusions, minutes, tasks ---------------------------------------------------


def _deadline(days: int = 30) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


def test_conclusions(client, h, ready):
    meeting, _ = ready
    item = meeting_agenda_first(client, h, meeting["id"])
    url = f"/api/v1/meetings/{meeting['id']}/conclusions"
    body = {
        "text": "Giao UBND phường Phú Nhuận chỉnh trang vỉa hè",
        "agenda_item_id": item,
        "tasks": [
            {"organization": "phu-nhuan", "description": "Chỉnh trang vỉa hè",
             "deadline": _deadline()},
        ],
    }
    response = client.post(url, json=body, headers=h("thuky"))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert [(t["organization"], t["status"]) for t in created["tasks"]] == [
        ("phu-nhuan", "open")
    ]

    def bad_task(**changes):
        return {**body, "tasks": [{**body["tasks"][0], **changes}]}

    vi_error(client.post(url, json=bad_task(deadline="31/12/2026"), headers=h("thuky")), 422,
             "invalid_deadline")
    vi_error(client.post(url, json=bad_task(organization="khong-co"), headers=h("thuky")), 422,
             "unknown_organization")
    vi_error(client.post(url, json={**body, "tasks": "x"}, headers=h("thuky")), 422,
             "invalid_tasks")
    vi_error(client.post(url, json={"tasks": []}, headers=h("thuky")), 422, "missing_field")
    vi_error(client.post(url, json=body, headers=h("daibieu")), 403, "not_meeting_organiser")
    vi_error(client.post(url, json=body, headers=h("daibieu.tayloc")), 404)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Conclusion)) == 1


def test_record(client, h, ready):
    meeting, document = ready
    start(client, h, meeting["id"])
    client.post(f"/api/v1/meetings/{meeting['id']}/attendance",
                json={"user": "daibieu", "status": "present"}, headers=h("thuky"))
    client.post(f"/api/v1/meetings/{meeting['id']}/conclusions",
                json={"text": "Thông qua"}, headers=h("chutich"))
    response = client.get(f"/api/v1/meetings/{meeting['id']}/record", headers=h("daibieu"))
    assert response.status_code == 200
    data = response.get_json()
    assert set(data) == {"attendance", "guests", "agenda", "speakers", "votes", "conclusions"}
    assert {a["user"]: a["attendance"] for a in data["attendance"]}["daibieu"] == "present"
    assert [c["text"] for c in data["conclusions"]] == ["Thông qua"]
    vi_error(client.get(f"/api/v1/meetings/{meeting['id']}/record",
                        headers=h("daibieu.tayloc")), 404, "meeting_not_found")


def test_minutes(client, h, ready):
    meeting, _ = ready
    url = f"/api/v1/meetings/{meeting['id']}/minutes"
    start(client, h, meeting["id"])
    client.post(f"/api/v1/meetings/{meeting['id']}/conclusions",
                json={"text": "Thống nhất kế hoạch"}, headers=h("chutich"))
    response = client.get(url, headers=h("daibieu"))
    assert response.status_code == 200
    draft = response.get_json()
    assert draft["edited"] is False
    assert draft["text"].startswith("BIÊN BẢN")
    assert "Thống nhất kế hoạch" in draft["text"]

    vi_error(client.put(url, json={"text": "Sửa"}, headers=h("chutich")), 403, "not_secretary")
    vi_error(client.put(url, json={"text": "Sửa"}, headers=h("daibieu")), 403, "not_secretary")
    vi_error(client.put(url, json={"text": ""}, headers=h("thuky")), 422, "missing_field")
    vi_error(client.put(url, json={"text": "   "}, headers=h("thuky")), 422, "invalid_minutes")
    vi_error(client.put(url, json={"text": "x"}, headers=h("daibieu.tayloc")), 404)
    assert client.get(url, headers=h("thuky")).get_json() == draft

    response = client.put(url, json={"text": "BIÊN BẢN đã chỉnh sửa"}, headers=h("thuky"))
    assert response.status_code == 200
    assert response.get_json() == {"text": "BIÊN BẢN đã chỉnh sửa", "edited": True}
    assert client.get(url, headers=h("daibieu")).get_json() == {
        "text": "BIÊN BẢN đã chỉnh sửa",
        "edited": True,
    }
    vi_error(client.get(url, headers=h("daibieu.tayloc")), 404, "meeting_not_found")


def test_tasks_list_and_done(client, h, ready):
    meeting, _ = ready
    response = client.post(
        f"/api/v1/meetings/{meeting['id']}/conclusions",
        json={
            "text": "Giao nhiệm vụ",
            "tasks": [
                {"organization": "phu-nhuan", "description": "Chỉnh trang vỉa hè",
                 "deadline": _deadline(30)},
                {"organization": "tay-loc", "description": "Khơi thông cống",
                 "deadline": _deadline(10)},
            ],
        },
        headers=h("thuky"),
    )
    phunhuan_task, tayloc_task = response.get_json()["tasks"]

    listed = client.get("/api/v1/tasks", headers=h("daibieu.phunhuan"))
    assert listed.status_code == 200
    assert [t["id"] for t in listed.get_json()] == [phunhuan_task["id"]]
    assert [t["id"] for t in client.get("/api/v1/tasks", headers=h("daibieu.tayloc")).get_json()
            ] == [tayloc_task["id"]]
    assert client.get("/api/v1/tasks", headers=h("daibieu")).get_json() == []
    by_org = client.get("/api/v1/tasks?organization=phu-nhuan", headers=h("thuky.phunhuan"))
    assert [t["id"] for t in by_org.get_json()] == [phunhuan_task["id"]]
    vi_error(client.get("/api/v1/tasks?organization=phu-nhuan", headers=h("daibieu.tayloc")),
             404, "unknown_organization")
    vi_error(client.get("/api/v1/tasks?organization=khong-co", headers=h("daibieu")), 404,
             "unknown_organization")

    done_url = f"/api/v1/tasks/{phunhuan_task['id']}/done"
    vi_error(client.post(done_url, headers=h("daibieu.tayloc")), 403, "not_assignee")
    response = client.post(done_url, headers=h("daibieu.phunhuan"))
    assert response.status_code == 200
    assert response.get_json()["status"] == "done"
    vi_error(client.post(done_url, headers=h("thuky.phunhuan")), 409, "task_already_done")
    vi_error(client.post("/api/v1/tasks/999999/done", headers=h("daibieu")), 404,
             "task_not_found")
    assert client.get("/api/v1/tasks", headers=h("daibieu.phunhuan")).get_json() == []
    everything = client.get("/api/v1/tasks?organization=phu-nhuan&all=1",
                            headers=h("daibieu.phunhuan")).get_json()
    assert [(t["id"], t["status"]) for t in everything] == [(phunhuan_task["id"], "done")]


# -- odd JSON never makes a 500 ------------------------------------------------------------

ODD_VALUES = [None, 0, -1, 1.5, True, "", "x" * 400, [], ["x"], {}, {"a": 1}]


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_odd_json_values_are_4xx_never_500(client, h, ready, value):
    meeting, document = ready
    mid, did = meeting["id"], document["id"]
    item = meeting_agenda_first(client, h, mid)
    calls = [
        ("POST", "/api/v1/meetings", {**meeting_body(), "title": value}),
        ("POST", "/api/v1/meetings", {**meeting_body(), "participants": value}),
        ("POST", "/api/v1/meetings", {**meeting_body(), "starts_at": value}),
        ("PATCH", f"/api/v1/meetings/{mid}", {"chair": value}),
        ("POST", f"/api/v1/meetings/{mid}/agenda-items", {"title": "A", "planned_minutes": value}),
        ("PATCH", f"/api/v1/meetings/{mid}/agenda-items/{item}", {"presenter": value}),
        ("POST", f"/api/v1/meetings/{mid}/agenda-order", {"order": value}),
        ("POST", f"/api/v1/documents/{did}/comments", {"text": "x", "page": value}),
        ("PUT", f"/api/v1/documents/{did}/notes/1", {"text": value}),
        ("POST", f"/api/v1/meetings/{mid}/attendance", {"user": value, "status": "present"}),
        ("POST", f"/api/v1/meetings/{mid}/check-in", {"code": value}),
        ("POST", f"/api/v1/meetings/{mid}/guests", {"name": value}),
        ("POST", f"/api/v1/meetings/{mid}/conclusions", {"text": "x", "agenda_item_id": value}),
        ("POST", f"/api/v1/meetings/{mid}/conclusions", {"text": "x", "tasks": [value]}),
        ("PUT", f"/api/v1/meetings/{mid}/minutes", {"text": value}),
    ]
    for method, path, body in calls:
        response = client.open(path, method=method, json=body, headers=h("thuky"))
        assert response.status_code < 500, (method, path, body, response.get_json())
        if response.status_code >= 400:
            error_of(response)


def test_a_failed_upload_leaves_the_store_usable(client, h, api_meeting, upload):
    """After a refused batch the same good file can still be uploaded."""
    meeting = api_meeting()
    good = (pdf(3, "Tốt"), "tot.pdf")
    assert upload(meeting["id"], [good, (b"", "rong.pdf")]).status_code == 422
    response = upload(meeting["id"], [good])
    assert response.status_code == 201
    document = response.get_json()
    file = client.get(f"/api/v1/documents/{document['id']}/file", headers=h("daibieu"))
    assert file.data == good[0]
