"""Request schemas of the meetings API and of the ``/meetings`` namespace (one per call)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field

from core.schemas import (
    Count,
    Day,
    Flag,
    Moment,
    NoBool,
    NoNul,
    OptionalRowId,
    OrgCode,
    RowId,
    Schema,
    ShortText,
    Title,
    Username,
)
from meetings.models import MeetingKind, VoteChoice


def _blank_is_none(value: Any) -> Any:
    return None if value == "" else value


Minutes = Annotated[
    Annotated[int, NoBool, Field(ge=1, le=600)] | None, BeforeValidator(_blank_is_none)
]
OptionalUsername = Annotated[Username | None, BeforeValidator(_blank_is_none)]
MEETING_CODES = {
    "title": "invalid_title",
    "organization": "unknown_organization",
    "starts_at": "invalid_datetime",
    "ends_at": "invalid_datetime",
    "kind": "invalid_kind",
    "participants": "invalid_participants",
    "participant_organizations": "invalid_participants",
    "chair": "unknown_user",
    "secretary": "unknown_user",
}


class MeetingIn(Schema):
    """A meeting as scheduled (POST, the form, and a PATCH merged onto the stored one)."""

    error_codes = MEETING_CODES
    field_labels = {
        "title": _l("tên cuộc họp"),
        "organization": _l("cơ quan tổ chức"),
        "starts_at": _l("giờ bắt đầu"),
        "ends_at": _l("giờ kết thúc"),
        "chair": _l("chủ tọa"),
        "secretary": _l("thư ký"),
        "location": _l("địa điểm"),
    }
    title: Title
    organization: OrgCode
    starts_at: Moment
    ends_at: Moment
    location: ShortText = ""
    confidential: Flag = False
    chair: Username
    secretary: Username
    kind: MeetingKind = MeetingKind.REGULAR
    participants: list[Username] = Field(default_factory=list, max_length=1000)
    participant_organizations: list[OrgCode] = Field(default_factory=list, max_length=100)


class MeetingPatch(Schema):
    """Any of a meeting's fields; the rest stay as they are."""

    error_codes = MEETING_CODES
    title: Title | None = None
    organization: OrgCode | None = None
    starts_at: Moment | None = None
    ends_at: Moment | None = None
    location: ShortText | None = None
    confidential: Flag | None = None
    chair: Username | None = None
    secretary: Username | None = None
    kind: MeetingKind | None = None
    participants: list[Username] | None = Field(default=None, max_length=1000)
    participant_organizations: list[OrgCode] | None = Field(default=None, max_length=100)


AGENDA_CODES = {"title": "invalid_title", "planned_minutes": "invalid_duration"}


AGENDA_LABELS = {
    "title": _l("tiêu đề mục"),
    "presenter": _l("người trình bày"),
    "planned_minutes": _l("số phút"),
}


class AgendaItemIn(Schema):
    error_codes = AGENDA_CODES
    field_labels = AGENDA_LABELS
    title: Title
    presenter: OptionalUsername = None
    planned_minutes: Minutes = None


class AgendaItemPatch(Schema):
    error_codes = AGENDA_CODES
    field_labels = AGENDA_LABELS
    title: Title | None = None
    presenter: OptionalUsername = None
    planned_minutes: Minutes = None


class AgendaOrderIn(Schema):
    error_codes = {"order": "invalid_order", "order.*": "invalid_id"}
    order: list[RowId] = Field(min_length=1, max_length=500)


class UploadForm(Schema):
    """The form fields beside the uploaded files."""

    field_labels = {
        "agenda_item_id": _l("mục của chương trình"),
        "title": _l("tiêu đề tài liệu"),
        "titles": _l("tiêu đề tài liệu"),
    }
    agenda_item_id: OptionalRowId = None
    title: ShortText | None = None  # one title for every file sent
    # or one per file, in the order of the files (blank: the PDF's own title or its name)
    titles: list[ShortText] = Field(default_factory=list, max_length=50)


class DocumentPatch(Schema):
    """A document's new title."""

    error_codes = {"title": "invalid_title"}
    field_labels = {"title": _l("tiêu đề tài liệu")}
    title: Title


class CommentIn(Schema):
    error_codes = {"text": "invalid_comment", "page": "invalid_page"}
    field_labels = {"text": _l("nội dung góp ý"), "page": _l("số trang")}
    text: Annotated[str, Field(min_length=1, max_length=5000), NoNul]
    page: Annotated[Count | None, BeforeValidator(_blank_is_none)] = None


class NoteIn(Schema):
    """A private note's text; ``key`` (made by the device, e.g. a UUID) names this text,
    so the same note sent again after an outage is saved once."""

    error_codes = {"text": "note_too_long", "key": "invalid_note_key"}
    text: Annotated[str, Field(max_length=5000), NoNul] = ""
    key: Annotated[str, Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")] | None = (
        None
    )


class GuestIn(Schema):
    error_codes = {"name": "invalid_name"}
    field_labels = {"name": _l("họ và tên khách mời"), "affiliation": _l("đơn vị")}
    name: Annotated[str, Field(min_length=1, max_length=200), NoNul]
    affiliation: ShortText = ""


class InRoom(Schema):
    """Events after ``join`` apply to the joined meeting unless they name one."""

    meeting_id: RowId | None = None


class AttendanceIn(InRoom):
    error_codes = {"status": "invalid_attendance", "reason": "missing_reason"}
    user: Username
    status: Literal["present", "absent"]
    reason: Annotated[str, Field(max_length=500), NoNul] | None = None


class InvitationReplyIn(Schema):
    """The answer to an invitation: accept, or decline with a reason."""

    error_codes = {"answer": "invalid_answer", "reason": "missing_reason"}
    answer: Literal["accept", "decline"]
    reason: Annotated[str, Field(max_length=500), NoNul] | None = None


class CheckInIn(Schema):
    error_codes = {"code": "invalid_qr"}
    code: Annotated[str, Field(min_length=1, max_length=2000), NoNul]


class TaskIn(Schema):
    error_codes = {"organization": "unknown_organization", "deadline": "invalid_deadline"}
    organization: OrgCode
    description: Annotated[str, Field(min_length=1, max_length=5000), NoNul]
    deadline: Day


class ConclusionIn(Schema):
    error_codes = {
        "text": "invalid_conclusion",
        "tasks": "invalid_tasks",
        "tasks.*.deadline": "invalid_deadline",
        "tasks.*.organization": "unknown_organization",
        "tasks.*.description": "invalid_tasks",
    }
    field_labels = {
        "text": _l("nội dung kết luận"),
        "tasks.*.organization": _l("đơn vị thực hiện"),
        "tasks.*.description": _l("nội dung nhiệm vụ"),
        "tasks.*.deadline": _l("hạn xử lý"),
    }
    text: Annotated[str, Field(min_length=1, max_length=10_000), NoNul]
    agenda_item_id: OptionalRowId = None
    tasks: list[TaskIn] = Field(default_factory=list, max_length=50)


class MinutesIn(Schema):
    error_codes = {"text": "invalid_minutes"}
    text: Annotated[str, Field(min_length=1, max_length=100_000), NoNul]


class MinutesSignIn(Schema):
    """The caller signs the minutes; the secretary may ask for the organisation's seal."""

    error_codes = {"seal": "invalid_seal"}
    seal: Flag = False


# -- the /meetings namespace ------------------------------------------------------------


class JoinIn(Schema):
    meeting_id: RowId


class PageIn(InRoom):
    error_codes = {"page": "invalid_page"}
    document_id: RowId
    page: Annotated[int, NoBool]  # its range is the document's: check_page


class PresenterIn(InRoom):
    user: Username


class AgendaItemRef(InRoom):
    agenda_item_id: RowId


class FloorIn(InRoom):
    user: OptionalUsername = None


class OpenVoteIn(InRoom):
    error_codes = {"question": "invalid_question"}
    question: Annotated[str, Field(min_length=1, max_length=500), NoNul]
    agenda_item_id: OptionalRowId = None
    secret: Flag = False
    despite_no_quorum: Flag = False  # the chair was warned and opens it anyway


class BallotIn(InRoom):
    error_codes = {"choice": "invalid_choice"}
    vote_id: RowId
    choice: VoteChoice


class VoteRef(InRoom):
    vote_id: RowId
