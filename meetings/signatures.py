"""Signing the minutes (ký số biên bản): secretary → chair → optionally the organisation's
seal by the records office (văn thư); the last signature locks the document. Each version
of the minutes is an official PDF (signing.services); a correction after signing makes a
new version, never an edit of the signed one."""

from __future__ import annotations

import functools
import hashlib
import json
import secrets
from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import audit, files
from core.db import utcnow
from core.errors import Conflict, Forbidden
from core.extensions import db
from core.i18n import format_datetime, to_local
from core.models import Membership, User
from core.realtime import notify_user
from core.transaction import after_commit
from meetings.access import MeetingStanding
from meetings.minutes import minutes_body, place_name
from meetings.models import Meeting, MeetingStatus
from signing import certificates, keys
from signing.models import MinutesSignature, MinutesVersion, SignerRole
from signing.services import Placement, SignatureBlock, SignerKey, render_official, sign_pdf

TITLES = {
    SignerRole.SECRETARY: "Thư ký",
    SignerRole.CHAIR: "Chủ tọa",
    SignerRole.SEAL: "Văn thư (đóng dấu)",
}


def current_version(meeting: Meeting) -> MinutesVersion | None:
    return db.session.scalar(
        select(MinutesVersion)
        .where(MinutesVersion.meeting_id == meeting.id)
        .order_by(MinutesVersion.number.desc())
        .limit(1)
    )


def order(version: MinutesVersion) -> list[SignerRole]:
    roles = [SignerRole.SECRETARY, SignerRole.CHAIR]
    return [*roles, SignerRole.SEAL] if version.with_seal else roles


def next_role(version: MinutesVersion) -> SignerRole | None:
    done = {s.role for s in version.signatures}
    return next((r for r in order(version) if r not in done), None)


def text_digest(meeting: Meeting) -> str:
    return hashlib.sha256("\n".join(minutes_body(meeting)).encode()).hexdigest()


def roles_of(meeting: Meeting, user: User) -> set[SignerRole]:
    roles = set()
    if user.id == meeting.secretary_id:
        roles.add(SignerRole.SECRETARY)
    if user.id == meeting.chair_id:
        roles.add(SignerRole.CHAIR)
    if "clerk" in user.roles_in(meeting.organization_id):
        roles.add(SignerRole.SEAL)
    return roles


def signer_of(meeting: Meeting, role: SignerRole) -> User | None:
    if role is SignerRole.SECRETARY:
        return meeting.secretary
    if role is SignerRole.CHAIR:
        return meeting.chair
    return None


def render_minutes(meeting: Meeting, with_seal: bool, verify_url: str | None) -> tuple[bytes, dict]:
    """The minutes as an official PDF with the signature blocks (and the QR link)."""
    blocks = [
        SignatureBlock("secretary", TITLES[SignerRole.SECRETARY], meeting.secretary.display_name),
        SignatureBlock("chair", TITLES[SignerRole.CHAIR], meeting.chair.display_name),
    ]
    rendered = render_official(
        issuer=meeting.organization.name,
        doc_type="Biên bản",
        title=meeting.title,
        body=minutes_body(meeting),
        place=place_name(meeting),
        when=meeting.started_at or meeting.starts_at,
        number=f"Số: {meeting.id}/BB-HĐ",
        signers=blocks,
        seal=with_seal,
        qr_url=verify_url,
    )
    return rendered.pdf, rendered.boxes


def preview_pdf(meeting: Meeting) -> bytes:
    """The draft as it will be signed: the official layout with the signature blocks."""
    return render_minutes(meeting, False, None)[0]


def _refuse_order(version: MinutesVersion, roles: set[SignerRole]) -> None:
    expected = next_role(version)
    done = {s.role for s in version.signatures}
    if version.locked or expected is None:
        raise Conflict(
            "minutes_locked",
            _l(
                "Biên bản đã được ký đủ và đã khóa. Muốn sửa, thư ký sửa nội dung rồi ký"
                " để tạo phiên bản mới."
            ),
        )
    if roles and roles <= done:
        raise Conflict("already_signed", _l("Bạn đã ký phiên bản biên bản này."))
    if expected not in roles:
        if roles == {SignerRole.SEAL} and not version.with_seal:
            raise Conflict("seal_not_requested", _l("Biên bản này không cần đóng dấu của văn thư."))
        who = {
            SignerRole.SECRETARY: _l("thư ký"),
            SignerRole.CHAIR: _l("chủ tọa"),
            SignerRole.SEAL: _l("văn thư (đóng dấu)"),
        }[expected]
        raise Conflict(
            "out_of_order",
            _l("Chưa đến lượt bạn ký: biên bản đang chờ chữ ký của %(who)s.", who=who),
        )


def _new_version(
    standing: MeetingStanding, with_seal: bool, link: Callable[[str], str]
) -> MinutesVersion:
    meeting = standing.meeting
    previous = current_version(meeting)
    token = secrets.token_urlsafe(18)
    pdf, boxes = render_minutes(meeting, with_seal, link(token))
    stored = files.store_bytes(pdf, "application/pdf")
    version = MinutesVersion(
        meeting_id=meeting.id,
        number=(previous.number + 1) if previous else 1,
        pdf_sha256=stored.sha256,
        layout=json.dumps(boxes),
        text_sha256=text_digest(meeting),
        public_token=token,
        with_seal=with_seal,
        created_by_id=standing.user.id,
    )
    db.session.add(version)
    db.session.flush()
    return version


def _version_to_sign(
    standing: MeetingStanding, roles: set[SignerRole], with_seal: bool, link: Callable[[str], str]
) -> MinutesVersion:
    """The version the caller signs; the secretary starts a new one when there is none or
    the text changed since the current one was made."""
    version = current_version(standing.meeting)
    changed = version is not None and version.text_sha256 != text_digest(standing.meeting)
    if SignerRole.SECRETARY in roles and (version is None or changed):
        return _new_version(standing, with_seal, link)
    if version is None:
        raise Conflict(
            "out_of_order",
            _l("Chưa đến lượt bạn ký: biên bản đang chờ chữ ký của %(who)s.", who=_l("thư ký")),
        )
    _refuse_order(version, roles)
    return version


def sign_minutes(
    standing: MeetingStanding, with_seal: bool, link: Callable[[str], str]
) -> tuple[MinutesVersion, MinutesSignature]:
    """The caller signs the minutes with their own key, in the fixed order."""
    meeting, user = standing.meeting, standing.user
    roles = roles_of(meeting, user)
    if not roles:
        raise Forbidden(
            "not_minutes_signer",
            _l("Chỉ thư ký, chủ tọa hoặc văn thư của cơ quan được ký biên bản cuộc họp này."),
        )
    if meeting.status is not MeetingStatus.ENDED:
        raise Conflict(
            "meeting_not_ended", _l("Cuộc họp chưa kết thúc: chỉ ký biên bản sau khi kết thúc.")
        )
    row = certificates.require_usable(certificates.current_key(user))
    key_der = keys.unseal(row.sealed_key)
    version = _version_to_sign(standing, roles, with_seal, link)
    role = next_role(version)
    assert role is not None
    signed = sign_pdf(
        files.read_bytes(version.pdf_sha256),
        SignerKey.from_row(row, key_der),
        _placement(version, role, user),
    )
    stored = files.store_bytes(signed, "application/pdf")
    signature = MinutesSignature(
        version=version,
        role=role,
        user_id=user.id,
        key_id=row.id,
        field_name=_field(role),
        pdf_sha256=stored.sha256,
        signed_at=utcnow(),
    )
    db.session.add(signature)
    version.pdf_sha256 = stored.sha256
    version.locked = role is order(version)[-1]
    db.session.flush()
    audit.record(
        "minutes.signed",
        user.id,
        "meeting",
        meeting.id,
        {"version": version.number, "role": role.value, "sha256": stored.sha256},
    )
    return version, signature


def _field(role: SignerRole) -> str:
    return f"Sig_{role.value}"


def _placement(version: MinutesVersion, role: SignerRole, user: User) -> Placement:
    page, box = json.loads(version.layout)[role.value]
    moment = format_datetime(to_local(utcnow()))
    what = "Đóng dấu" if role is SignerRole.SEAL else "Ký bởi"
    return Placement(
        field=_field(role),
        page=page,
        box=tuple(box),
        text=f"{what}: %(signer)s\nThời gian: {moment}",
        seal=role is SignerRole.SEAL,
        lock=role is order(version)[-1],
        organisation=meeting_org_name(version),
    )


def meeting_org_name(version: MinutesVersion) -> str:
    meeting = db.session.get(Meeting, version.meeting_id)
    return meeting.organization.name if meeting is not None else ""


def minutes_state(meeting: Meeting, user: User | None = None) -> dict:
    """The signing state for the record page and the API."""
    version = current_version(meeting)
    mine = roles_of(meeting, user) if user is not None else set()
    ended = meeting.status is MeetingStatus.ENDED
    if version is None:
        return {
            "version": None,
            "signatures": [],
            "next": "secretary",
            "locked": False,
            "with_seal": False,
            "outdated": False,
            "my_turn": ended and SignerRole.SECRETARY in mine,
        }
    expected = next_role(version)
    outdated = version.text_sha256 != text_digest(meeting)
    return {
        "version": version.number,
        "with_seal": version.with_seal,
        "locked": version.locked,
        "sha256": version.pdf_sha256,
        "verify_token": version.public_token,
        "outdated": outdated,
        "next": expected.value if expected else None,
        "signatures": [
            {
                "role": s.role.value,
                "signer": s.user.display_name if s.user else "",
                "signed_at": to_local(s.signed_at).isoformat(),
            }
            for s in version.signatures
        ],
        "my_turn": ended
        and (
            (expected is not None and expected in mine)
            or (outdated and SignerRole.SECRETARY in mine)
        ),
    }


def notify_next(meeting: Meeting, version: MinutesVersion) -> None:
    """Tell the next signer, in the app, that it is their turn (after the commit)."""
    role = next_role(version)
    if role is None:
        return
    targets = [signer_of(meeting, role)] if role is not SignerRole.SEAL else clerks_of(meeting)
    payload = {
        "meeting_id": meeting.id,
        "title": meeting.title,
        "role": role.value,
        "message": str(_l("Đến lượt bạn ký biên bản cuộc họp: %(title)s", title=meeting.title)),
    }
    for user in targets:
        if user is not None:
            after_commit(functools.partial(notify_user, user.id, "minutes_turn", payload))


def clerks_of(meeting: Meeting) -> list[User]:
    return [
        m.user
        for m in db.session.scalars(
            select(Membership).where(Membership.organization_id == meeting.organization_id)
        )
        if m.role == "clerk"
    ]
