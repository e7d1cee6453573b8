"""The minutes PDF: a real A4 PDF with the national heading and the record, in Vietnamese."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from core.extensions import db
from meetings.access import meetings_for
from meetings.models import Meeting
from meetings.seed import CITY_MEETING
from tests.meetings.factories import user

pytestmark = pytest.mark.db


def _city_meeting_id() -> int:
    return db.session.scalar(db.select(Meeting.id).where(Meeting.title == CITY_MEETING))


def test_minutes_pdf_is_an_a4_pdf_with_the_heading_and_record(demo, client, auth):
    response = client.get(
        f"/api/v1/meetings/{_city_meeting_id()}/minutes.pdf", headers=auth.headers("thuky")
    )
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    text = page.extract_text()
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "BIÊN BẢN" in text
    assert "Báo cáo tình hình kinh tế" in text  # the agenda from the record


def test_minutes_pdf_follows_the_secretarys_edits(demo, client, auth):
    headers = auth.headers("thuky")
    client.put(
        f"/api/v1/meetings/{_city_meeting_id()}/minutes",
        json={"text": "Dòng đã sửa bởi thư ký."},
        headers=headers,
    )
    response = client.get(f"/api/v1/meetings/{_city_meeting_id()}/minutes.pdf", headers=headers)
    assert "Dòng đã sửa bởi thư ký." in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def test_minutes_pdf_of_a_confidential_meeting_is_hidden_from_outsiders(demo, client, auth):
    ward = next(
        m for m in meetings_for(user("thuky.phunhuan")) if m.confidential
    )
    db.session.commit()
    response = client.get(f"/api/v1/meetings/{ward.id}/minutes.pdf", headers=auth.headers("thuky"))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "meeting_not_found"
