"""API plumbing: /api/v1 blueprints, bearer tokens, JSON bodies, the OpenAPI document."""

from __future__ import annotations

from typing import Annotated, Any

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from pydantic import Field
from sqlalchemy import select

from core import audit, login_guard
from core.errors import DomainError, Forbidden, unknown_organization
from core.extensions import csrf, db, login_manager
from core.http import bearer_token
from core.models import Organization
from core.openapi import API_PREFIX, build_document
from core.realtime import notify_organization
from core.schemas import NoNul, OrgCode, Schema, body
from core.security import authenticate, issue_token, org_by_code, revoke_token, user_for_token
from core.transaction import CommittingBlueprint, after_commit


@login_manager.request_loader
def _load_user_from_bearer(req):
    token = bearer_token()
    if token is None:
        return None
    user = user_for_token(token)
    if user is None and req.path.startswith(API_PREFIX):
        raise DomainError("invalid_token", _("Mã truy cập không hợp lệ hoặc đã hết hạn."), 401)
    g.sohoa_token_auth = user is not None
    return user


def _csrf_for_session_callers() -> None:
    """Browser calls authenticated by the session cookie must carry the CSRF token.

    Only a call that a valid bearer token authenticated skips it: flask-login asks the
    token loader only when no session (or remember cookie) signed the caller in, so a
    stray ``Authorization`` header next to a session cookie changes nothing.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if current_user.is_authenticated and not g.get("sohoa_token_auth"):
        csrf.protect()


def api_blueprint(name: str, import_name: str) -> CommittingBlueprint:
    """A blueprint under /api/v1: one commit per call, CSRF by header for cookie callers,
    JSON errors."""
    bp = CommittingBlueprint(name, import_name, url_prefix=API_PREFIX)
    csrf.exempt(bp)
    bp.before_request(_csrf_for_session_callers)
    return bp


def json_body(*required: str) -> dict[str, Any]:
    """The request's JSON object; a 400/422 naming the first missing field."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise DomainError("invalid_json", _("Nội dung yêu cầu phải là một đối tượng JSON."), 400)
    for field in required:
        if data.get(field) in (None, "", []):
            raise DomainError(
                "missing_field", _("Thiếu trường bắt buộc: %(field)s.", field=field), 422,
                field=field,
            )
    return data


class NoticeIn(Schema):
    organization: OrgCode
    message: Annotated[str, Field(min_length=1, max_length=2000), NoNul]


bp = api_blueprint("api_core", __name__)


@bp.post("/auth/token")
def create_token():
    """Exchange a username and password for a bearer token.

    Failed attempts are throttled per account and per address; a refusal is a 429 with
    ``Retry-After`` and ``details.retry_after`` in seconds.
    """
    data = json_body("username", "password")
    username = str(data["username"])
    login_guard.check(username)
    user = authenticate(username, str(data["password"]))
    if user is None:
        login_guard.failed(username)
        raise DomainError(
            "invalid_credentials", _("Tên đăng nhập hoặc mật khẩu không đúng."), 401
        )
    token, expires_at = issue_token(user, current_app.config["API_TOKEN_TTL_HOURS"])
    return jsonify(token=token, expires_at=expires_at.isoformat())


@bp.delete("/auth/token")
def delete_token():
    """Revoke the bearer token this call is made with (204).

    The token stops working at once for HTTP; Socket.IO connections opened with it are
    refused on their next event and closed within ``SOCKET_AUTH_RECHECK_SECONDS``.
    """
    if not revoke_token(bearer_token()):
        raise DomainError("invalid_token", _("Mã truy cập không hợp lệ hoặc đã hết hạn."), 401)
    return "", 204


@bp.get("/me")
@login_required
def me():
    """The caller's account and roles."""
    return jsonify(
        username=current_user.username,
        full_name=current_user.full_name,
        roles=[
            {"organization": m.organization.code, "role": m.role}
            for m in current_user.memberships
        ],
    )


@bp.get("/organizations")
@login_required
def organizations():
    """Organisation codes, names and kinds."""
    rows = db.session.scalars(select(Organization).order_by(Organization.code))
    return jsonify(
        [{"code": o.code, "name": o.name, "kind": o.kind, "smart_ward": o.smart_ward} for o in rows]
    )


@bp.get("/openapi.json")
def openapi():
    """This document: every /api/v1 route."""
    return jsonify(build_document(current_app))


ANNOUNCER_ROLES = ("admin", "chair", "secretary", "clerk")


@bp.post("/notifications")
@login_required
@body(NoticeIn)
def post_notification(body: NoticeIn):
    """Announce a message live to everyone signed in from an organisation.

    The event ``notice_posted {organization, message, by}`` reaches every connection of
    the organisation on namespace ``/notifications``, whichever server process holds it.
    """
    org = org_by_code(body.organization)
    if org is None:
        raise unknown_organization(body.organization, status=404)
    if not (current_user.is_admin or current_user.roles_in(org.id) & set(ANNOUNCER_ROLES)):
        raise Forbidden("forbidden", _("Bạn không có quyền gửi thông báo cho tổ chức này."))
    payload = {"organization": org.code, "message": body.message, "by": current_user.display_name}
    audit.record(
        "notice.posted", current_user.id, "organization", org.code, {"message": body.message}
    )
    after_commit(lambda: notify_organization(org.code, "notice_posted", payload))
    return jsonify(payload), 201
