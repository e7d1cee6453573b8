"""The hub's recorder (ghi hình hội nghị): one more consumer of the host's and the floor
holder's fanouts, with outlets like a receiving site's, so forwarding stays untouched.

On the hub's loop it only moves encoded frames from its outlets into a bounded queue; a
worker thread (:mod:`conference.webm`) decodes, mixes and encodes them into one WebM
file. A full queue drops frames (video then waits for the next keyframe, which it asks
for): a slow encoder neither grows memory nor holds up the loop.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiortc.mediastreams import MediaStreamError
from av.packet import Packet

from conference.forwarding import is_keyframe
from conference.relay import Fanout, Outlet
from conference.webm import Item, WebmWriter

log = logging.getLogger(__name__)
QUEUE_ITEMS = 120  # about a second of one picture and two voices
TICK = 0.02  # the worker mixes audio at least this often
STOP_WAIT = 15.0

Key = tuple[str, str]  # (site, kind)


def wanted(host: str, audible: set[str] | None, published: set[str]) -> set[Key]:
    """What the recording takes: the floor holder's picture while it publishes (else the
    host's), and the voices of the host and of the floor holder."""
    floor = min((audible or set()) - {host}, default=None)
    video = floor if floor is not None and floor in published else host
    voices = {host, *([floor] if floor is not None else [])}
    return {(video, "video"), *((site, "audio") for site in voices)}


@dataclass(eq=False)
class Feed:
    fanout: Fanout
    outlet: Outlet
    ask_keyframe: Callable[[], None]
    task: asyncio.Future[None] | None = None
    skipping: bool = False  # a video frame was dropped: wait for a keyframe


class Recorder:
    """One conference's recording: outlets and a queue on the hub's loop, the encoder in
    a worker thread. :meth:`finish` returns the facts of the file (kept in :attr:`info`)."""

    def __init__(self, path: str, host: str) -> None:
        self.path, self.host = path, host
        self.feeds: dict[Key, Feed] = {}
        self.queue: queue.Queue[Item | None] = queue.Queue(QUEUE_ITEMS)
        self.started = time.monotonic()
        self.dropped = 0
        self.info: dict[str, Any] | None = None
        self._result: dict[str, Any] = {}
        self._writer: WebmWriter | None = None
        self._thread: threading.Thread | None = None

    @property
    def active(self) -> bool:
        return self.info is None

    def open(self) -> None:
        """Create the file and start the worker (file work: call it off the loop)."""
        self._writer = WebmWriter(self.path)
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._work, name="conference-recorder", daemon=True)
        self._thread.start()

    # -- on the hub's loop -------------------------------------------------------------
    def follow(self, fanouts: dict[Key, tuple[Fanout, Callable[[], None]]]) -> None:
        """Take frames from these fanouts and leave the others; a new picture source is
        asked for a keyframe at once."""
        for key in list(self.feeds):
            if key not in fanouts or fanouts[key][0] is not self.feeds[key].fanout:
                self._detach(key)
        for key, (fanout, ask_keyframe) in fanouts.items():
            if key not in self.feeds:
                feed = self.feeds[key] = Feed(fanout, fanout.outlet(), ask_keyframe)
                feed.task = asyncio.ensure_future(self._pump(key, feed.outlet))
                if key[1] == "video":
                    ask_keyframe()

    def _detach(self, key: Key) -> None:
        feed = self.feeds.pop(key)
        feed.fanout.drop(feed.outlet)  # its pump ends at the stop mark

    async def _pump(self, key: Key, outlet: Outlet) -> None:
        try:
            while True:
                self._offer(key, await outlet.recv())
        except MediaStreamError:
            return

    def _offer(self, key: Key, packet: Packet) -> None:
        feed = self.feeds.get(key)
        if feed is None:
            return
        site, kind = key
        if feed.skipping:
            if not is_keyframe(kind, bytes(packet)):
                return
            feed.skipping = False
        try:
            self.queue.put_nowait(Item(site, kind, packet, time.monotonic() - self.started))
        except queue.Full:
            self.dropped += 1
            if kind == "video":
                feed.skipping = True
                feed.ask_keyframe()

    async def finish(self) -> dict[str, Any]:
        """Stop taking frames, let the worker write what it has and close the file."""
        if self.info is None:
            for key in list(self.feeds):
                self._detach(key)
            self.info = await asyncio.to_thread(self._stop)
        return self.info

    # -- in the worker -----------------------------------------------------------------
    def _stop(self) -> dict[str, Any]:
        try:
            self.queue.put(None, timeout=STOP_WAIT)
        except queue.Full:
            log.warning("recording %s: the worker does not drain its queue", self.path)
        if self._thread is not None:
            self._thread.join(STOP_WAIT)
        return {"path": self.path, "duration": 0.0, "size": 0, **self._result}

    def _work(self) -> None:
        writer = self._writer
        assert writer is not None
        try:
            while (item := self._next()) is not None:
                if isinstance(item, Item):
                    writer.add(item)
                writer.mix_until(time.monotonic() - self.started)
            self._result = writer.close(time.monotonic() - self.started)
        except Exception:  # the worker must end with a closed file and an answer
            log.exception("recording %s failed", self.path)
            self._result = {"error": "encoder_failed"}
        self._result["dropped"] = self.dropped

    def _next(self) -> Item | bool | None:
        """The next frame, True when none came within a tick, None at the stop mark."""
        try:
            return self.queue.get(timeout=TICK)
        except queue.Empty:
            return True
