"""Request schemas of the conference API and of the ``/conference`` namespace."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from flask_babel import lazy_gettext as _l
from pydantic import Field

from core.schemas import NoNul, OptionalRowId, OrgCode, RowId, Schema, Title

CONFERENCE_CODES = {
    "title": "invalid_title",
    "host": "unknown_organization",
    "sites": "invalid_sites",
    "meeting_id": "invalid_meeting",
}
MAX_SITES = 64
Sdp = Annotated[str, Field(min_length=1, max_length=64_000), NoNul]


class ConferenceIn(Schema):
    """A conference as created: a host organisation and the invited sites."""

    error_codes: ClassVar[dict[str, str]] = CONFERENCE_CODES
    field_labels: ClassVar[dict[str, Any]] = {
        "title": _l("tên hội nghị"),
        "host": _l("đơn vị chủ trì"),
        "sites": _l("điểm cầu được mời"),
        "meeting_id": _l("cuộc họp được gắn"),
    }

    title: Title
    host: OrgCode
    sites: Annotated[list[OrgCode], Field(max_length=MAX_SITES)]
    meeting_id: OptionalRowId = None
    kind: Literal["conference", "class"] = "conference"


class JoinIn(Schema):
    conference_id: RowId
    token: Annotated[str, Field(min_length=1, max_length=1000), NoNul]


class OfferIn(Schema):
    """An SDP offer from the browser: to publish its camera, or to receive a site."""

    sdp: Sdp
    type: Literal["offer"] = "offer"


class SubscribeIn(OfferIn):
    site: OrgCode


class SiteIn(Schema):
    site: OrgCode | None = None


class MuteIn(Schema):
    muted: bool = True


class RecordingIn(Schema):
    """Start or stop recording (ghi hình) the conference: nothing to say but the event."""
