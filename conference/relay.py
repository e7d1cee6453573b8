"""Fan-out of encoded frames: one :class:`Fanout` per published track, one bounded
:class:`Outlet` (an aiortc track) per receiver. Everything here runs on the hub's loop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiortc.jitterbuffer import JitterFrame
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from av.packet import Packet

from conference.forwarding import is_keyframe, to_packet

QUEUE_FRAMES = {"video": 8, "audio": 25}  # about half a second each
REBASE_GAP = {"video": 3000, "audio": 960}  # one frame at 30 fps, one 20 ms Opus frame


class Outlet(MediaStreamTrack):
    """A receiver's copy of a published track. Its queue is bounded: a slow receiver
    loses frames (video then waits for the next keyframe, which it asks for) instead of
    growing memory."""

    def __init__(self, kind: str, ask_keyframe: Callable[[], None]) -> None:
        super().__init__()
        self.kind = kind
        self._queue: asyncio.Queue[Packet | None] = asyncio.Queue(QUEUE_FRAMES[kind])
        self._ask_keyframe = ask_keyframe
        self.waiting_keyframe = kind == "video"
        self.dropped = 0
        self.sent = 0

    def offer(self, frame: JitterFrame) -> None:
        if self.waiting_keyframe:
            if not is_keyframe(self.kind, frame.data):
                return
            self.waiting_keyframe = False
        if self._queue.full():
            self._overflow()
            if self.waiting_keyframe:
                return
        self._queue.put_nowait(to_packet(self.kind, frame))

    def _overflow(self) -> None:
        if self.kind == "audio":
            self._queue.get_nowait()
            self.dropped += 1
            return
        while not self._queue.empty():  # a gap breaks the picture: restart at a keyframe
            self._queue.get_nowait()
            self.dropped += 1
        self.waiting_keyframe = True
        self._ask_keyframe()

    async def recv(self) -> Packet:
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            self.stop()
            raise MediaStreamError
        self.sent += 1
        return packet

    def finish(self) -> None:
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(None)


class Fanout:
    """One published track (a site's camera or microphone) and its outlets. It outlives
    the publisher's connection, so a site that reconnects feeds the same receivers."""

    def __init__(self, kind: str, ask_keyframe: Callable[[], None]) -> None:
        self.kind = kind
        self.outlets: set[Outlet] = set()
        self.enabled = True
        self._ask_keyframe = ask_keyframe
        self.frames = 0
        self.octets = 0
        self.first_frame_at: float | None = None
        self.last_frame_at: float | None = None
        self._offset = 0
        self._last_out: int | None = None
        self._rebase = False

    def rebase(self) -> None:
        """A new publisher connection feeds this fanout (a reconnect): its clock starts
        again at 0, so continue the receivers' timestamps from where they were."""
        self._rebase = True

    def push(self, frame: JitterFrame) -> None:
        if self._rebase and self._last_out is not None:
            self._offset = self._last_out + REBASE_GAP[self.kind] - frame.timestamp
        self._rebase = False
        frame.timestamp += self._offset
        self._last_out = frame.timestamp
        now = time.monotonic()
        self.frames += 1
        self.octets += len(frame.data)
        self.last_frame_at = now
        if self.first_frame_at is None:
            self.first_frame_at = now
        if not self.enabled:
            return
        for outlet in list(self.outlets):
            outlet.offer(frame)

    def outlet(self) -> Outlet:
        made = Outlet(self.kind, self._ask_keyframe)
        self.outlets.add(made)
        return made

    def drop(self, outlet: Outlet) -> None:
        self.outlets.discard(outlet)
        outlet.finish()
