"""The sites of the conference benchmark: aiortc peers in client processes.

A publishing site sends a clip encoded once at start (VP8 + Opus) in a loop, so the
clients spend no CPU on encoding; it jumps to a keyframe when the hub asks for one (PLI).
A receiving site counts complete encoded frames (conference.forwarding's tap), so the
clients spend no CPU on decoding either. Both leave the cores to the server measured.
"""

from __future__ import annotations

import asyncio
import fractions
import threading
import time
from multiprocessing.connection import Client
from typing import Any

import av
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import MediaStreamTrack

from conference.forwarding import tap_receiver

NO_ICE = RTCConfiguration(iceServers=[])
CLIP_FRAMES = 60


def encode_clip(width: int, height: int, fps: int, kbps: int) -> list[tuple[bytes, bool]]:
    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = width, height, "yuv420p"
    codec.bit_rate = kbps * 1000
    codec.framerate = fractions.Fraction(fps, 1)
    codec.time_base = fractions.Fraction(1, fps)
    codec.options = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    out: list[tuple[bytes, bool]] = []
    for n in range(CLIP_FRAMES + 5):
        frame = av.VideoFrame(width, height, "yuv420p")
        for index, plane in enumerate(frame.planes):
            row = bytes((x * 3 + n * 9 + index * 50) % 256 for x in range(plane.line_size))
            plane.update(row * (plane.buffer_size // plane.line_size))
        frame.pts = n
        if n == 0:
            frame.pict_type = av.video.frame.PictureType.I
        for packet in codec.encode(frame):
            out.append((bytes(packet), packet.is_keyframe))
    return out[:CLIP_FRAMES]


def encode_silence() -> bytes:
    codec = av.CodecContext.create("libopus", "w")
    codec.sample_rate, codec.layout, codec.format = 48000, "stereo", "s16"
    codec.bit_rate = 32000
    frame = av.AudioFrame(format="s16", layout="stereo", samples=960)
    frame.sample_rate = 48000
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    frame.pts = 0
    packets = list(codec.encode(frame)) or list(codec.encode(None))
    return bytes(packets[0])


class ClipTrack(MediaStreamTrack):
    """Sends pre-encoded packets at the clip's pace; ``want_key`` restarts the clip."""

    def __init__(
        self, kind: str, packets: list[tuple[bytes, bool]], rate: int, step: int, every: float
    ):
        super().__init__()
        self.kind, self.packets, self.rate, self.step, self.every = kind, packets, rate, step, every
        self.n = 0
        self.index = 0
        self.want_key = False
        self.start = time.monotonic()

    async def recv(self) -> av.Packet:  # type: ignore[override]
        self.n += 1
        wait = self.start + self.n * self.every - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        if self.want_key:
            self.index, self.want_key = 0, False
        data, _key = self.packets[self.index % len(self.packets)]
        self.index += 1
        packet = av.Packet(data)
        packet.pts = self.n * self.step
        packet.time_base = fractions.Fraction(1, self.rate)
        return packet


class SiteClient:
    """The sites one client process plays; signaling goes to the server over a pipe."""

    def __init__(self, address: tuple[str, int], authkey: bytes) -> None:
        self.conn = Client(address, authkey=authkey)
        self.lock = threading.Lock()  # one request at a time on the pipe
        self.frames: dict[tuple[str, str], int] = {}
        self.first: dict[tuple[str, str], float] = {}
        self.asked: dict[tuple[str, str], float] = {}
        self.pcs: list[RTCPeerConnection] = []

    def _call(self, *request: Any) -> Any:
        with self.lock:
            self.conn.send(request)
            ok, value = self.conn.recv()
        if not ok:
            raise RuntimeError(value)
        return value

    async def call(self, *request: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, self._call, *request)

    async def publish(
        self, site: str, clip: list[tuple[bytes, bool]], fps: int, opus: bytes
    ) -> None:
        pc = RTCPeerConnection(NO_ICE)
        video = ClipTrack("video", clip, 90000, 90000 // fps, 1 / fps)
        audio = ClipTrack("audio", [(opus, True)], 48000, 960, 0.02)
        sender = pc.addTrack(video)
        pc.addTrack(audio)
        sender._send_keyframe = lambda: setattr(video, "want_key", True)  # type: ignore[method-assign]
        await pc.setLocalDescription(await pc.createOffer())
        answer = await self.call("publish", site, pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        self.pcs.append(pc)

    async def subscribe(self, site: str, source: str) -> None:
        pc = RTCPeerConnection(NO_ICE)
        video = pc.addTransceiver("video", direction="recvonly")
        pc.addTransceiver("audio", direction="recvonly")
        key = (site, source)
        self.frames[key] = 0

        def count(_frame: Any) -> None:
            self.frames[key] += 1
            self.first.setdefault(key, time.monotonic())

        self.asked[key] = time.monotonic()
        await pc.setLocalDescription(await pc.createOffer())
        tap_receiver(video.receiver, count)
        for transceiver in pc.getTransceivers():
            if transceiver.kind == "audio":
                tap_receiver(transceiver.receiver, lambda _f: None)
        answer = await self.call("subscribe", site, source, pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        self.pcs.append(pc)

    async def loss(self) -> tuple[int, int]:
        lost = received = 0
        for pc in self.pcs:
            for receiver in pc.getReceivers():
                for stat in (await receiver.getStats()).values():
                    if stat.type == "inbound-rtp":
                        lost += max(0, stat.packetsLost)
                        received += stat.packetsReceived
        return lost, received

    async def close(self) -> None:
        for pc in self.pcs:
            await pc.close()
