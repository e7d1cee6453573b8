"""The engine seam: the one interface that signaling and pages talk to.

``CONFERENCE_ENGINE`` chooses the implementation: ``embedded`` (the aiortc hub of
:mod:`conference.hub`, in its own asyncio loop) today; an external engine (a Janus
gateway) plugs in here later without touching pages or signaling. Sites are named by
their organisation code; SDP travels as text.
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

from flask import Flask


class MediaError(Exception):
    """The engine refused a negotiation: ``code`` is ``invalid_sdp``, ``no_codec``,
    ``not_publishing`` or ``engine_unavailable``; or a recording: ``already_recording``,
    ``not_recording``, ``recording_failed``."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class MediaEngine(Protocol):
    def publish(self, conference_id: int, site: str, offer: str) -> str:
        """The site sends its camera and microphone; returns the SDP answer. A site
        that publishes again (a reconnect) takes back its place: its receivers stay."""
        ...

    def subscribe(self, conference_id: int, site: str, source: str, offer: str) -> str:
        """The site receives ``source``'s media (the publisher is asked for a keyframe)."""
        ...

    def leave(self, conference_id: int, site: str) -> None:
        """Release everything the site sends and receives."""
        ...

    def floor(self, conference_id: int, audible: set[str]) -> None:
        """Only these sites' audio is forwarded (the host and whoever has the floor)."""
        ...

    def stats(self, conference_id: int) -> dict[str, dict[str, Any]]:
        """Per publishing site: connected, bitrate_kbps, fps, loss_percent, rtt_ms."""
        ...

    def connected(self, conference_id: int) -> set[str]:
        """The sites whose media reaches the engine now."""
        ...

    def start_recording(self, conference_id: int, path: str, host: str) -> None:
        """Record the host and whoever has the floor into a WebM file at ``path`` (a path
        the engine's process can write): the floor holder's picture while it has the
        floor, else the host's; the voices of both."""
        ...

    def stop_recording(self, conference_id: int) -> dict[str, Any]:
        """Close the file: ``{path, duration, size, video_frames, dropped}``. A recording
        that ended by itself (the host left) is answered here too."""
        ...

    def close(self) -> None: ...


def make_engine(app: Flask) -> MediaEngine:
    name = app.config.get("CONFERENCE_ENGINE", "embedded")
    if name == "embedded" and app.config.get("CONFERENCE_SERVER"):
        from conference.remote import RemoteEngine, authkey, parse_address  # noqa: PLC0415

        return RemoteEngine(
            parse_address(app.config["CONFERENCE_SERVER"]), authkey(app.config["SECRET_KEY"])
        )
    if name == "embedded":
        from conference.hub import EmbeddedHub  # noqa: PLC0415 - aiortc loads on first use

        return EmbeddedHub(
            ice_servers=app.config["CONFERENCE_ICE_SERVERS"],
            peer_timeout=float(app.config["CONFERENCE_PEER_TIMEOUT"]),
        )
    raise RuntimeError(f"CONFERENCE_ENGINE={name!r} is not available in this build")


def engine(app: Flask) -> MediaEngine:
    """The app's engine, started on first use."""
    with _lock:
        found = app.extensions.get("conference_engine")
        if found is None:
            found = app.extensions["conference_engine"] = make_engine(app)
    return found


_lock = threading.Lock()
