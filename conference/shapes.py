"""Outward JSON shapes of conferences."""

from __future__ import annotations

from typing import Any

from conference.models import Conference, ConferenceSite
from conference.services import floor_code


def site_dict(site: ConferenceSite) -> dict[str, Any]:
    return {"code": site.code, "name": site.organization.name, "host": site.is_host}


def conference_dict(conference: Conference) -> dict[str, Any]:
    return {
        "id": conference.id,
        "title": conference.title,
        "kind": conference.kind.value,
        "status": conference.status.value,
        "url": f"/conference/{conference.id}",
        "host": conference.host.code,
        "meeting_id": conference.meeting_id,
        "floor": floor_code(conference),
        "sites": [site_dict(site) for site in conference.sites],
    }
