"""Meeting documents (meetings.documents): validated PDFs stored all or nothing, their
titles, and comments on drafts."""

from __future__ import annotations

import pytest

from core.extensions import db
from meetings import documents
from meetings.documents import document_title
from tests.meetings.checks import counts, raises
from tests.meetings.factories import (
    MANAGE,
    PARTICIPATE,
    acting,
    add_item,
    add_pdf,
    encrypted_pdf,
    make_meeting,
    pdf,
    user,
)

pytestmark = pytest.mark.db


def test_document_title_prefers_a_meaningful_name():
    assert document_title("Tờ trình 12", "Khác", "a.pdf") == "Tờ trình 12"
    assert document_title(None, "Báo cáo tài chính", "x.pdf") == "Báo cáo tài chính"
    assert document_title(None, "Microsoft Word - Document1", "bao-cao.pdf") == "bao-cao"
    assert document_title("", "bao cao.docx", "C:\\\\tmp\\\\to-trinh.PDF") == "to-trinh"
    assert document_title(None, None, "") == "Tài liệu"


def test_the_first_document_is_what_the_room_shows(demo):
    meeting = make_meeting()
    first = add_pdf(meeting, pages=3)
    add_pdf(meeting, pages=2)
    db.session.refresh(meeting)
    assert (meeting.live_document_id, meeting.live_page) == (first.id, 1)
    assert first.uploaded_by_id == acting(meeting, "chutich").user.id


def test_a_document_for_an_agenda_item(demo):
    meeting, other = make_meeting(), make_meeting(title="Họp khác")
    item = add_item(meeting, "Báo cáo")
    foreign = add_item(other, "Khác")
    db.session.commit()
    document = add_pdf(meeting, agenda_item_id=item.id, title="Tờ trình số 12")
    assert (document.agenda_item_id, document.title, document.pages) == (
        item.id,
        "Tờ trình số 12",
        5,
    )
    before = counts()
    raises("agenda_item_not_found", 404, add_pdf, meeting, agenda_item_id=foreign.id)
    assert counts() == before


@pytest.mark.parametrize("bad_first", [False, True])
def test_a_batch_with_one_bad_file_stores_nothing(demo, bad_first):
    meeting = make_meeting()
    uploads = [(pdf(3, "Tốt"), "tot.pdf"), (encrypted_pdf(), "mat-khau.pdf")]
    if bad_first:
        uploads.reverse()
    before = counts()
    organiser = acting(meeting, "thuky", MANAGE)
    err = raises("encrypted_pdf", 422, documents.add_documents, organiser, uploads)
    assert err.details["file"] == "mat-khau.pdf"
    assert counts() == before


def test_comments_on_a_page_of_a_draft(demo):
    meeting = make_meeting(participants=["daibieu"])
    document = add_pdf(meeting, pages=5)
    _, reader = documents.readable_document(document.id, user("daibieu"))
    commenter = reader.require(PARTICIPATE)
    comment = documents.add_comment(commenter, document, "Bổ sung số liệu", 2)
    documents.add_comment(commenter, document, "Đồng ý")
    db.session.commit()
    assert (comment.page, comment.user.username) == (2, "daibieu")
    assert [(c.text, c.page) for c in document.comments] == [
        ("Bổ sung số liệu", 2),
        ("Đồng ý", None),
    ]
    raises("page_out_of_range", 422, documents.add_comment, commenter, document, "x", 6)
    assert len(document.comments) == 2
