"""Namespace ``/conference``: WebRTC signaling (offer → answer in the ack), the floor,
mute all, roll call and link quality.

A browser joins with the join token its page was given: the token binds it to one site
of one conference. Every event reloads the caller's standing as that site and checks the
right it needs; media goes through the engine seam (conference.engine), never aiortc.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import current_app, session
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_socketio import join_room, leave_room

from conference import people, recording, services
from conference.access import ConferenceRight, ConferenceStanding, standing
from conference.engine import MediaEngine, MediaError, engine
from conference.events import NAMESPACE, publish, room_name, send_now, site_room
from conference.schemas import JoinIn, MuteIn, OfferIn, RecordingIn, SiteIn, SubscribeIn
from conference.shapes import conference_dict, recording_dict
from core import transaction
from core.errors import DomainError, Forbidden
from core.extensions import socketio
from core.models import User
from core.realtime import AuthenticatedNamespace, connection_sid, socket_event
from core.schemas import parse

_owners: dict[tuple[int, str], str] = {}  # (conference, site) → the connection holding it
_owners_lock = threading.Lock()


def _media_error(err: MediaError) -> DomainError:
    messages = {
        "invalid_sdp": _l("Mô tả phiên (SDP) không hợp lệ."),
        "no_codec": _l("Trình duyệt không hỗ trợ mã hóa hình/tiếng mà hội nghị dùng (VP8, Opus)."),
        "engine_unavailable": _l("Máy chủ truyền hình đang không hoạt động. Vui lòng thử lại."),
    }
    return DomainError(err.code, messages.get(err.code, messages["engine_unavailable"]), 422)


def _engine() -> MediaEngine:
    return engine(current_app._get_current_object())  # type: ignore[attr-defined]


def _joined(user: User, *rights: ConferenceRight) -> ConferenceStanding:
    conference_id, site = session.get("conference_id"), session.get("conference_site")
    if conference_id is None or site is None:
        raise DomainError("not_joined", _("Hãy vào hội nghị trước (join)."), 409)
    return standing(conference_id, user, ConferenceRight.JOIN, *rights, site=site)


def _audible(found: ConferenceStanding) -> set[str]:
    floor = services.floor_code(found.conference)
    return {found.conference.host.code, *([floor] if floor else [])}


def roll_call(found: ConferenceStanding) -> list[dict[str, Any]]:
    live = _engine().connected(found.conference.id)
    return [
        {
            "code": s.code,
            "name": s.name,
            "host": s.is_host,
            "connected": s.code in live,
        }
        for s in found.conference.sites
    ]


class ConferenceNamespace(AuthenticatedNamespace):
    @socket_event
    def on_join(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(JoinIn, data)
        code = services.read_token(request.token, request.conference_id, user)
        found = standing(request.conference_id, user, ConferenceRight.JOIN, site=code)
        if found.site is None:
            raise services.bad_token()
        people.require_open(found.conference)
        conference_id = found.conference.id
        with _owners_lock:
            _owners[(conference_id, code)] = connection_sid()
        session["conference_id"], session["conference_site"] = conference_id, code
        join_room(room_name(conference_id))
        join_room(site_room(conference_id, code))
        publish("site_joined", {"site": code}, conference_id)
        return {
            "conference": conference_dict(found.conference),
            "site": code,
            "chair": found.has(ConferenceRight.CHAIR),
        }

    @socket_event
    def on_publish(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(OfferIn, data)
        found = _joined(user)
        people.require_may_publish(found)
        media = _engine()
        try:
            answer = media.publish(found.conference.id, found.joined.code, request.sdp)
        except MediaError as err:
            raise _media_error(err) from None
        media.floor(found.conference.id, _audible(found))
        publish("site_publishing", {"site": found.joined.code}, found.conference.id)
        return {"type": "answer", "sdp": answer}

    @socket_event
    def on_subscribe(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(SubscribeIn, data)
        found = _joined(user)
        source = found.conference.site_by_code(request.site)
        if source is None:
            raise DomainError(
                "unknown_site",
                _("Điểm cầu %(code)s không tham gia hội nghị.", code=request.site),
                404,
            )
        visible = (
            found.is_host or source.is_host or services.floor_code(found.conference) == source.code
        )
        if not visible:
            raise Forbidden(
                "not_visible",
                _("Điểm cầu chỉ xem được điểm cầu chủ trì và điểm cầu đang phát biểu."),
            )
        try:
            answer = _engine().subscribe(
                found.conference.id, found.joined.code, source.code, request.sdp
            )
        except MediaError as err:
            raise _media_error(err) from None
        return {"type": "answer", "sdp": answer, "site": source.code}

    @socket_event
    def on_request_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        found = _joined(user)
        publish("floor_requested", {"site": found.joined.code}, found.conference.id)
        return {}

    @socket_event
    def on_give_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(SiteIn, data)
        chair = _joined(user, ConferenceRight.CHAIR)
        return self._floor_to(chair, request.site)

    @socket_event
    def on_take_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return self._floor_to(_joined(user, ConferenceRight.CHAIR), None)

    def _floor_to(self, chair: ConferenceStanding, code: str | None) -> dict[str, Any]:
        site = services.give_floor(chair, code)
        floor = site.code if site is not None and not site.is_host else None
        _engine().floor(chair.conference.id, _audible(chair))
        publish("floor_changed", {"site": floor}, chair.conference.id)
        return {"site": floor}

    @socket_event
    def on_mute_all(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        parse(MuteIn, data)
        chair = _joined(user, ConferenceRight.CHAIR)
        self._floor_to(chair, None)
        publish("muted_all", {"by": chair.joined.code}, chair.conference.id)
        return {}

    @socket_event
    def on_roll_call(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        chair = _joined(user, ConferenceRight.CHAIR)
        sites = roll_call(chair)
        publish("roll_called", {"sites": sites}, chair.conference.id)
        return {"sites": sites}

    @socket_event
    def on_stats(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        found = _joined(user)
        stats = _engine().stats(found.conference.id)
        if not found.has(ConferenceRight.CHAIR):  # a ward sees its own link only
            stats = {k: v for k, v in stats.items() if k == found.joined.code}
        return {"stats": stats}

    @socket_event
    def on_start_recording(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        parse(RecordingIn, data)
        chair = _joined(user, ConferenceRight.CHAIR)
        shape = recording_dict(recording.start(chair, _engine()))
        publish("recording_started", shape, chair.conference.id)
        return {"recording": shape}

    @socket_event
    def on_stop_recording(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        parse(RecordingIn, data)
        chair = _joined(user, ConferenceRight.CHAIR)
        shape = recording_dict(recording.stop(chair, _engine()))
        publish("recording_stopped", shape, chair.conference.id)
        return {"recording": shape}

    @socket_event
    def on_leave(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        self._release()
        return {}

    def on_disconnect(self, reason: Any = None) -> None:
        super().on_disconnect(reason)
        transaction.begin()  # a disconnect is no event: it commits what it keeps itself
        try:
            self._release()
        except BaseException:
            transaction.roll_back()
            raise
        transaction.commit()

    def _release(self) -> None:
        conference_id, site = (
            session.pop("conference_id", None),
            session.pop("conference_site", None),
        )
        if conference_id is None or site is None:
            return
        leave_room(room_name(conference_id))
        leave_room(site_room(conference_id, site))
        with _owners_lock:
            mine = _owners.get((conference_id, site)) == connection_sid()
            if mine:
                _owners.pop((conference_id, site), None)
        if mine:  # a site that reconnected elsewhere keeps its new connection
            _engine().leave(conference_id, site)
            send_now("site_left", {"site": site}, room_name(conference_id))
            _end_recording_if_host(conference_id, site)


def _end_recording_if_host(conference_id: int, site: str) -> None:
    """The recording ends with the host's presence (the engine has closed the file)."""
    running = recording.active(conference_id)
    if running is not None and running.conference.host.code == site:
        recording.finish(running, _engine(), None)
        publish("recording_stopped", recording_dict(running), conference_id)


def register() -> None:
    socketio.on_namespace(ConferenceNamespace(NAMESPACE))
