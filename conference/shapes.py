"""Outward JSON shapes of conferences."""

from __future__ import annotations

from typing import Any

from conference.models import Conference, ConferenceSite
from conference.services import floor_code


def site_dict(site: ConferenceSite) -> dict[str, Any]:
    shape = {"code": site.code, "name": site.name, "host": site.is_host}
    if site.user_id is not None:  # a person's site (a class): who it is
        shape["user"] = site.username
    return shape


def conference_dict(conference: Conference) -> dict[str, Any]:
    return {
        "id": conference.id,
        "title": conference.title,
        "kind": conference.kind.value,
        "status": conference.status.value,
        "url": f"/conference/{conference.id}",
        "host": conference.host.code,
        "meeting_id": conference.meeting_id,
        "lesson_id": conference.lesson_id,
        "floor": floor_code(conference),
        "sites": [site_dict(site) for site in conference.sites],
    }
