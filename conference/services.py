"""The conference rules: create a conference, bind a browser to its site with a join
token, give and take the floor. Plain functions; they flush, the caller commits."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select, text

from conference.access import LEAD_ROLES, ConferenceStanding
from conference.models import Conference, ConferenceKind, ConferenceSite, ConferenceStatus
from conference.schemas import ConferenceIn
from core.errors import DomainError, Forbidden, unknown_organization
from core.extensions import db
from core.models import Organization, User

TOKEN_SALT = "sohoa-conference-join"
TOKEN_MAX_AGE = 12 * 3600  # one working day


def _organizations(codes: list[str]) -> dict[str, Organization]:
    rows = db.session.scalars(select(Organization).where(Organization.code.in_(codes)))
    return {org.code: org for org in rows}


def create_conference(user: User, body: ConferenceIn) -> Conference:
    """Create a conference hosted by ``body.host`` (the caller must lead that
    organisation) with the invited sites; the host is a site too."""
    codes = [body.host, *[code for code in dict.fromkeys(body.sites) if code != body.host]]
    if len(codes) < 2:
        raise DomainError(
            "invalid_sites",
            _l("Hội nghị cần ít nhất một điểm cầu ngoài điểm cầu chủ trì."),
            422,
            field="sites",
        )
    found = _organizations(codes)
    for code in codes:
        if code not in found:
            refusal = unknown_organization(code)
            refusal.details["field"] = "host" if code == body.host else "sites"
            raise refusal
    host = found[body.host]
    if not (user.is_admin or user.roles_in(host.id) & LEAD_ROLES):
        raise Forbidden(
            "not_host_organiser",
            _l("Chỉ lãnh đạo, thư ký hoặc văn thư của đơn vị chủ trì được tạo hội nghị."),
            field="host",
        )
    if body.meeting_id is not None:
        _check_meeting(body.meeting_id, host)
    conference = Conference(
        title=body.title,
        kind=ConferenceKind(body.kind),
        meeting_id=body.meeting_id,
        created_by_id=user.id,
    )
    conference.sites = [
        ConferenceSite(organization=found[code], is_host=index == 0, position=index)
        for index, code in enumerate(codes)
    ]
    db.session.add(conference)
    db.session.flush()
    return conference


def _check_meeting(meeting_id: int, host: Organization) -> None:
    """The meeting must exist and belong to the host organisation (its table belongs to
    meetings; read it by name only)."""
    found = db.session.execute(
        text("SELECT organization_id FROM meeting WHERE id = :id"), {"id": meeting_id}
    ).first()
    if found is None:
        raise DomainError(
            "invalid_meeting", _l("Không tìm thấy cuộc họp được liên kết."), 422, field="meeting_id"
        )
    if found[0] != host.id:
        raise DomainError(
            "invalid_meeting",
            _l("Cuộc họp được liên kết không thuộc đơn vị chủ trì."),
            422,
            field="meeting_id",
        )


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def join_token(joined: ConferenceStanding) -> str:
    """A token that binds one browser to the caller's site in this conference."""
    site = joined.joined
    return str(
        _serializer().dumps({"c": joined.conference.id, "s": site.code, "u": joined.user.id})
    )


def bad_token() -> DomainError:
    return Forbidden("invalid_join_token", _l("Mã tham gia không hợp lệ hoặc đã hết hạn."))


def read_token(token: str, conference_id: int, user: User) -> str:
    """The site code a token binds, refused when it is forged, expired, of another
    conference or of another person."""
    try:
        data: dict[str, Any] = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
    except (BadSignature, SignatureExpired):
        raise bad_token() from None
    if data.get("u") != user.id:
        raise bad_token()
    if data.get("c") != conference_id:
        raise Forbidden("other_conference", _l("Mã tham gia này thuộc một hội nghị khác."))
    return str(data.get("s"))


def give_floor(chair: ConferenceStanding, code: str | None) -> ConferenceSite | None:
    """Give the floor to a site (None: back to the host)."""
    conference = chair.conference
    site = None if code is None else conference.site_by_code(code)
    if code is not None and site is None:
        raise DomainError(
            "unknown_site", _l("Điểm cầu %(code)s không tham gia hội nghị.", code=code), 404
        )
    for each in conference.sites:
        each.has_floor = site is not None and each is site and not site.is_host
    db.session.flush()
    return site


def floor_code(conference: Conference) -> str | None:
    site = conference.floor
    return site.code if site else None


def meeting_conference(meeting_id: int) -> Conference | None:
    """The open conference that carries this meeting (the latest one), if any."""
    return db.session.scalar(
        select(Conference)
        .where(Conference.meeting_id == meeting_id, Conference.status == ConferenceStatus.OPEN)
        .order_by(Conference.id.desc())
        .limit(1)
    )
