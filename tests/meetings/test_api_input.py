"""The meetings JSON API against odd input: odd JSON values and ids past the database's
range are 4xx answers, never a 500."""

from __future__ import annotations

import pytest

from tests.meetings.checks import error_of, vi_error
from tests.meetings.factories import BEYOND_ROW_ID, HUGE_ID, first_item, meeting_body, pdf

pytestmark = pytest.mark.db


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


def test_ids_past_the_database_range(client, h, ready, upload):
    """An id beyond the integer columns is a 422 invalid_id in a body or a form, and a
    404 in a URL path (no route matches it): never a query that fails."""
    meeting, document = ready
    mid, item = meeting["id"], first_item(client, h, meeting["id"])
    too_big = BEYOND_ROW_ID
    bodies = [
        (f"/api/v1/meetings/{mid}/agenda-order", {"order": [item, too_big]}, "order.1"),
        (f"/api/v1/meetings/{mid}/conclusions", {"text": "x", "agenda_item_id": too_big},
         "agenda_item_id"),
    ]
    for path, body, field in bodies:
        error = vi_error(client.post(path, json=body, headers=h("thuky")), 422, "invalid_id")
        assert error["details"]["field"] == field
    response = upload(mid, [(pdf(2), "x.pdf")], agenda_item_id=str(too_big))
    vi_error(response, 422, "invalid_id")
    for method, path in [
        ("GET", f"/api/v1/meetings/{too_big}"),
        ("GET", f"/api/v1/documents/{too_big}/file"),
        ("PUT", f"/api/v1/documents/{document['id']}/notes/{too_big}"),
        ("POST", f"/api/v1/tasks/{too_big}/done"),
        ("POST", "/api/v1/tasks/abc/done"),
    ]:
        response = client.open(path, method=method, json={"text": "x"}, headers=h("thuky"))
        assert response.status_code == 404, (path, response.status_code)
        error_of(response)
    # the largest id that fits is an ordinary miss
    largest = client.get(f"/api/v1/meetings/{too_big - 1}", headers=h("thuky"))
    vi_error(largest, 404, "meeting_not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/api/v1/meetings/{too_big}"),
        ("DELETE", "/api/v1/meetings/{mid}/agenda-items/{too_big}"),
    ],
)
def test_ids_past_the_range_on_a_path_shared_by_several_methods(client, h, ready, method, path):
    meeting, _ = ready
    url = path.format(mid=meeting["id"], too_big=BEYOND_ROW_ID)
    response = client.open(url, method=method, json={"title": "x"}, headers=h("chutich"))
    assert response.status_code == 404, response.status_code


# -- odd JSON never makes a 500 ------------------------------------------------------------

ODD_VALUES = [None, 0, -1, 1.5, True, "", "x" * 400, [], ["x"], {}, {"a": 1}]


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_odd_json_values_are_4xx_never_500(client, h, ready, value):
    meeting, document = ready
    mid, did = meeting["id"], document["id"]
    item = first_item(client, h, mid)
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
