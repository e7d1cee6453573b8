"""The baseline of bench/conference.py: stock aiortc. Each published track goes through a
MediaRelay (decoded once) and every receiver's sender encodes it again."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay


class StockHub:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.relay = MediaRelay()
        self.tracks: dict[str, dict[str, Any]] = {}
        self.pcs: list[RTCPeerConnection] = []

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(30)

    def publish(self, _cid: int, site: str, offer: str) -> str:
        return self._call(self._publish(site, offer))

    def subscribe(self, _cid: int, site: str, source: str, offer: str) -> str:
        return self._call(self._subscribe(source, offer))

    def floor(self, _cid: int, _audible: set[str]) -> None:
        return None  # stock aiortc forwards every site's audio

    async def _publish(self, site: str, offer: str) -> str:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pcs.append(pc)
        pc.on(
            "track", lambda track: self.tracks.setdefault(site, {}).__setitem__(track.kind, track)
        )
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def _subscribe(self, source: str, offer: str) -> str:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pcs.append(pc)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=offer, type="offer"))
        for transceiver in pc.getTransceivers():
            track = self.tracks[source][transceiver.kind]
            pc.addTrack(self.relay.subscribe(track))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp
