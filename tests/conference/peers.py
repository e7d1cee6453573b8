"""Real aiortc peers for the hub tests: a site that publishes a synthetic camera and
microphone, and sites that receive. They run on the test's own asyncio loop; the hub
runs on its own, and is called through an executor (its methods block)."""

from __future__ import annotations

import asyncio
import fractions
import time
from collections.abc import Callable
from typing import Any

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack
from av import VideoFrame

NO_ICE_SERVERS = RTCConfiguration(iceServers=[])


class Camera(VideoStreamTrack):
    """A moving test pattern, so that the encoder has real work and frames differ."""

    def __init__(self, width: int = 320, height: int = 240, fps: int = 15) -> None:
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self.count = 0
        self._start: float | None = None

    async def recv(self) -> VideoFrame:
        if self._start is None:
            self._start = time.time()
        self.count += 1
        wait = self._start + self.count / self.fps - time.time()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = VideoFrame(self.width, self.height, "yuv420p")
        shade = (self.count * 7) % 256
        for index, plane in enumerate(frame.planes):
            plane.update(bytes([(shade + 60 * index) % 256]) * plane.buffer_size)
        frame.pts = self.count * (90000 // self.fps)
        frame.time_base = fractions.Fraction(1, 90000)
        return frame


async def in_thread(call: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, call, *args)


async def _gathered_offer(pc: RTCPeerConnection) -> str:
    await pc.setLocalDescription(await pc.createOffer())
    return pc.localDescription.sdp


async def publisher(hub: Any, conference_id: int, site: str, **camera: Any) -> RTCPeerConnection:
    pc = RTCPeerConnection(NO_ICE_SERVERS)
    pc.addTrack(Camera(**camera))
    pc.addTrack(AudioStreamTrack())
    answer = await in_thread(hub.publish, conference_id, site, await _gathered_offer(pc))
    await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return pc


class Receiver:
    """A site receiving one source; counts the decoded video frames it gets."""

    def __init__(self) -> None:
        self.pc = RTCPeerConnection(NO_ICE_SERVERS)
        self.frames = 0
        self.audio_frames = 0
        self.first_frame_at: float | None = None
        self.sizes: set[tuple[int, int]] = set()
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self, hub: Any, conference_id: int, site: str, source: str) -> Receiver:
        self.pc.addTransceiver("video", direction="recvonly")
        self.pc.addTransceiver("audio", direction="recvonly")
        self.pc.on("track", self._track)
        self.started_at = time.monotonic()
        answer = await in_thread(
            hub.subscribe, conference_id, site, source, await _gathered_offer(self.pc)
        )
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        return self

    def _track(self, track: Any) -> None:
        count = self._count if track.kind == "video" else self._count_audio
        self.tasks.append(asyncio.ensure_future(count(track)))

    async def _count_audio(self, track: Any) -> None:
        try:
            while True:
                await track.recv()
                self.audio_frames += 1
        except MediaStreamError:
            return

    async def _count(self, track: Any) -> None:
        try:
            while True:
                frame = await track.recv()
                self.frames += 1
                self.sizes.add((frame.width, frame.height))
                if self.first_frame_at is None:
                    self.first_frame_at = time.monotonic()
        except MediaStreamError:
            return

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        await self.pc.close()


async def until(check: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        await asyncio.sleep(0.1)
    return check()
