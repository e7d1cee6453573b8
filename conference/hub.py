"""The embedded media hub: aiortc in its own asyncio loop, in a thread of its own
(never inside eventlet/gevent). It forwards encoded frames (conference.forwarding)
from each publishing site to the sites that receive it.

Every public method is called from the web server's threads and waits for the loop.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import av
from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection, RTCSessionDescription

from conference import forwarding
from conference.engine import MediaError
from conference.linkstats import site_stats
from conference.recorder import Recorder, wanted
from conference.relay import Fanout, Outlet
from core.memory import return_free_memory

log = logging.getLogger(__name__)
T = TypeVar("T")
KINDS = ("video", "audio")
CALL_TIMEOUT = 20.0
SWEEP_SECONDS = 1.0
TRIM_SECONDS = 60.0  # how often freed media buffers' pages go back to the system
PLI_GAP = 0.25  # seconds between two keyframe requests to one publisher


@dataclass(eq=False)
class Source:
    """What one site publishes; it keeps its place (and receivers) across reconnects."""

    site: str
    pc: RTCPeerConnection | None = None
    receivers: dict[str, Any] = field(default_factory=dict)
    fanouts: dict[str, Fanout] = field(default_factory=dict)
    joined_at: float = field(default_factory=time.monotonic)
    last_pli: float = 0.0
    pli_pending: bool = False
    published: bool = False  # it has sent media at least once (not only awaited)

    def ask_keyframe(self) -> None:
        """Ask the publisher for a keyframe (PLI), at most once per ``PLI_GAP``; a request
        inside the gap is sent when the gap ends, so no new receiver waits for the next
        periodic keyframe."""
        if self.pli_pending:
            return
        wait = self.last_pli + PLI_GAP - time.monotonic()
        if wait > 0:
            self.pli_pending = True
            asyncio.get_running_loop().call_later(wait, self._send_pli)
        else:
            self._send_pli()

    def _send_pli(self) -> None:
        self.pli_pending = False
        receiver = self.receivers.get("video")
        if receiver is not None and forwarding.request_keyframe(receiver):
            self.last_pli = time.monotonic()


@dataclass(eq=False)
class Subscription:
    site: str
    source: str
    pc: RTCPeerConnection
    outlets: list[Outlet]
    created_at: float = field(default_factory=time.monotonic)


@dataclass(eq=False)
class Room:
    sources: dict[str, Source] = field(default_factory=dict)
    subscriptions: dict[tuple[str, str], Subscription] = field(default_factory=dict)
    audible: set[str] | None = None  # None: every site's audio


class EmbeddedHub:
    """The first :class:`conference.engine.MediaEngine`."""

    def __init__(self, ice_servers: list[str] | None = None, peer_timeout: float = 10.0) -> None:
        self.ice_servers = list(ice_servers or [])
        self.peer_timeout = peer_timeout
        self.rooms: dict[int, Room] = {}
        self.recorders: dict[int, Recorder] = {}  # running, or finished and not yet collected
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="conference-hub", daemon=True)
        self._thread.start()
        self._call(self._start_sweeper())

    # -- the loop ---------------------------------------------------------------------
    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def _call(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if not self._thread.is_alive():
            coroutine.close()
            raise MediaError("engine_unavailable")
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(CALL_TIMEOUT)

    async def _start_sweeper(self) -> None:
        self._sweeper = asyncio.ensure_future(self._sweep_forever())

    def _configuration(self) -> RTCConfiguration:
        servers = [RTCIceServer(urls=url) for url in self.ice_servers]
        return RTCConfiguration(iceServers=servers)

    def _room(self, conference_id: int) -> Room:
        return self.rooms.setdefault(conference_id, Room())

    # -- the engine interface ---------------------------------------------------------
    def publish(self, conference_id: int, site: str, offer: str) -> str:
        return self._call(self._publish(conference_id, site, offer))

    def subscribe(self, conference_id: int, site: str, source: str, offer: str) -> str:
        return self._call(self._subscribe(conference_id, site, source, offer))

    def leave(self, conference_id: int, site: str) -> None:
        self._call(self._leave(conference_id, site))

    def floor(self, conference_id: int, audible: set[str]) -> None:
        self._call(self._floor(conference_id, set(audible)))

    def stats(self, conference_id: int) -> dict[str, dict[str, Any]]:
        return self._call(self._stats(conference_id))

    def connected(self, conference_id: int) -> set[str]:
        return self._call(self._connected(conference_id))

    def start_recording(self, conference_id: int, path: str, host: str) -> None:
        self._call(self._start_recording(conference_id, path, host))

    def stop_recording(self, conference_id: int) -> dict[str, Any]:
        return self._call(self._stop_recording(conference_id))

    def close(self) -> None:
        if not self._thread.is_alive():
            return
        self._call(self._close_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)

    # -- on the loop ------------------------------------------------------------------
    async def _negotiate(self, pc: RTCPeerConnection, offer: str) -> None:
        if not offer.lstrip().startswith("v=0") or "\nm=" not in offer:
            await pc.close()
            raise MediaError("invalid_sdp", "not a session description with media")
        try:
            await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        except Exception as err:  # aiortc raises ValueError and friends on bad SDP
            await pc.close()
            raise MediaError("invalid_sdp", str(err)) from None
        kinds = {t.kind for t in pc.getTransceivers()}
        if not kinds & set(KINDS):
            await pc.close()
            raise MediaError("no_codec", "no audio or video section")
        for transceiver in pc.getTransceivers():
            transceiver.setCodecPreferences(forwarding.forwarded_codecs(transceiver.kind))

    async def _answer(self, pc: RTCPeerConnection) -> str:
        try:
            await pc.setLocalDescription(await pc.createAnswer())
        except Exception as err:
            await pc.close()
            raise MediaError("no_codec", str(err)) from None
        answer = pc.localDescription.sdp
        if "VP8/90000" not in answer and "opus/48000" not in answer:
            await pc.close()
            raise MediaError("no_codec", "the offer has neither VP8 nor Opus")
        return answer

    async def _publish(self, conference_id: int, site: str, offer: str) -> str:
        room = self._room(conference_id)
        source = room.sources.get(site)
        if source is None:
            source = room.sources[site] = Source(site)
        pc = RTCPeerConnection(self._configuration())
        await self._negotiate(pc, offer)
        self._tap(room, source, pc)
        answer = await self._answer(pc)
        old, source.pc, source.published = source.pc, pc, True
        source.joined_at = time.monotonic()
        if old is not None:
            await old.close()
        self._feed_recorder(conference_id)
        return answer

    def _tap(self, room: Room, source: Source, pc: RTCPeerConnection) -> None:
        source.receivers = {}
        for transceiver in pc.getTransceivers():
            kind = transceiver.kind
            fanout = source.fanouts.get(kind)
            if fanout is None:
                fanout = source.fanouts[kind] = Fanout(kind, source.ask_keyframe)
            fanout.enabled = kind == "video" or room.audible is None or source.site in room.audible
            fanout.rebase()
            forwarding.tap_receiver(transceiver.receiver, fanout.push)
            source.receivers[kind] = transceiver.receiver

    async def _subscribe(self, conference_id: int, site: str, source_site: str, offer: str) -> str:
        room = self._room(conference_id)
        source = room.sources.get(source_site)
        if source is None:
            source = room.sources[source_site] = Source(source_site)  # it may come later
        old = room.subscriptions.pop((site, source_site), None)
        if old is not None:
            await self._end_subscription(room, old)
        pc = RTCPeerConnection(self._configuration())
        await self._negotiate(pc, offer)
        outlets = []
        for transceiver in pc.getTransceivers():
            fanout = source.fanouts.get(transceiver.kind)
            if fanout is None:
                fanout = source.fanouts[transceiver.kind] = Fanout(
                    transceiver.kind, source.ask_keyframe
                )
            outlet = fanout.outlet()
            pc.addTrack(outlet)
            outlets.append(outlet)
        room.subscriptions[(site, source_site)] = Subscription(site, source_site, pc, outlets)
        answer = await self._answer(pc)
        source.ask_keyframe()
        return answer

    async def _end_subscription(self, room: Room, sub: Subscription) -> None:
        source = room.sources.get(sub.source)
        for outlet in sub.outlets:
            fanout = source.fanouts.get(outlet.kind) if source else None
            if fanout is not None:
                fanout.drop(outlet)
            else:
                outlet.finish()
        await sub.pc.close()

    async def _leave(self, conference_id: int, site: str) -> None:
        room = self.rooms.get(conference_id)
        if room is None:
            return
        recorder = self.recorders.get(conference_id)
        if recorder is not None and recorder.host == site:
            await recorder.finish()  # the host left: the recording ends with it
        await self._release_source(room, site, forget=True)
        for key in [key for key in room.subscriptions if key[0] == site]:
            await self._end_subscription(room, room.subscriptions.pop(key))
        self._feed_recorder(conference_id)  # a floor holder that left: back to the host
        if not room.sources and not room.subscriptions:
            self.rooms.pop(conference_id, None)

    async def _release_source(self, room: Room, site: str, forget: bool) -> None:
        """Close the site's publishing connection; its fanouts stay unless ``forget``
        (receivers of a vanished site get its picture back when it reconnects)."""
        source = room.sources.get(site)
        if source is None:
            return
        if source.pc is not None:
            pc, source.pc, source.receivers = source.pc, None, {}
            await pc.close()
        if forget and not any(key[1] == site for key in room.subscriptions):
            room.sources.pop(site, None)

    async def _floor(self, conference_id: int, audible: set[str]) -> None:
        room = self._room(conference_id)
        room.audible = audible
        for source in room.sources.values():
            if "audio" in source.fanouts:
                source.fanouts["audio"].enabled = source.site in audible
        self._feed_recorder(conference_id)

    # -- recording (the one place that decodes and encodes) -----------------------------
    async def _start_recording(self, conference_id: int, path: str, host: str) -> None:
        running = self.recorders.get(conference_id)
        if running is not None and running.active:
            raise MediaError("already_recording")
        recorder = Recorder(path, host)
        try:
            await asyncio.to_thread(recorder.open)
        except (OSError, ValueError, av.FFmpegError) as err:
            raise MediaError("recording_failed", str(err)) from None
        self.recorders[conference_id] = recorder
        self._feed_recorder(conference_id)

    async def _stop_recording(self, conference_id: int) -> dict[str, Any]:
        recorder = self.recorders.pop(conference_id, None)
        if recorder is None:
            raise MediaError("not_recording")
        return await recorder.finish()

    def _feed_recorder(self, conference_id: int) -> None:
        """Point the recorder at the host's and the floor holder's fanouts, as a
        receiving site's outlets are (sources that have not published yet included)."""
        recorder = self.recorders.get(conference_id)
        if recorder is None or not recorder.active:
            return
        room = self._room(conference_id)
        published = {s.site for s in room.sources.values() if s.published}
        fanouts = {}
        for site, kind in wanted(recorder.host, room.audible, published):
            source = room.sources.setdefault(site, Source(site))
            fanout = source.fanouts.get(kind)
            if fanout is None:
                fanout = source.fanouts[kind] = Fanout(kind, source.ask_keyframe)
            fanouts[(site, kind)] = (fanout, source.ask_keyframe)
        recorder.follow(fanouts)

    async def _connected(self, conference_id: int) -> set[str]:
        room = self.rooms.get(conference_id)
        if room is None:
            return set()
        return {s.site for s in room.sources.values() if _is_live(s.pc)}

    async def _stats(self, conference_id: int) -> dict[str, dict[str, Any]]:
        room = self.rooms.get(conference_id)
        return await site_stats(room) if room else {}

    async def _sweep_forever(self) -> None:
        trimmed = time.monotonic()
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            try:
                await self._sweep()
                if time.monotonic() - trimmed >= TRIM_SECONDS:
                    trimmed = time.monotonic()
                    return_free_memory()  # core.memory: RSS would creep with free pages
            except Exception:  # the sweeper must survive anything
                log.exception("conference hub sweep failed")

    async def _sweep(self) -> None:
        """Release peers that vanished without a goodbye: a failed or closed connection,
        or no media for ``peer_timeout`` seconds."""
        now = time.monotonic()
        for room in list(self.rooms.values()):
            for source in list(room.sources.values()):
                if source.pc is not None and _gone(source, now, self.peer_timeout):
                    log.info("conference hub: site %s vanished", source.site)
                    await self._release_source(room, source.site, forget=False)
            for key, sub in list(room.subscriptions.items()):
                if sub.pc.connectionState in ("failed", "closed"):
                    await self._end_subscription(room, room.subscriptions.pop(key))

    async def _close_all(self) -> None:
        self._sweeper.cancel()
        for recorder in self.recorders.values():
            await recorder.finish()
        for conference_id in list(self.rooms):
            room = self.rooms[conference_id]
            for site in list(room.sources):
                await self._leave(conference_id, site)
            for key in list(room.subscriptions):
                await self._end_subscription(room, room.subscriptions.pop(key))
        self.rooms.clear()


def _is_live(pc: RTCPeerConnection | None) -> bool:
    return pc is not None and pc.connectionState == "connected"


def _gone(source: Source, now: float, timeout: float) -> bool:
    pc = source.pc
    if pc is None or pc.connectionState in ("failed", "closed"):
        return True
    heard = (
        max((f.last_frame_at or 0.0) for f in source.fanouts.values()) if source.fanouts else 0.0
    )
    return now - max(heard, source.joined_at) > timeout
