"""The one place that reaches into aiortc's internals to forward encoded media.

Stock aiortc decodes every incoming stream in a thread (``decoder_worker``) and encodes
it again for every sender. The hub instead:

* **taps a receiver**: the receiver's private decoder queue is replaced by a :class:`Tap`
  before the receiver starts, so each complete encoded frame that aiortc's jitter buffer
  reassembles goes to the hub, and the decoder thread idles until the receiver stops;
* **sends encoded frames**: an :class:`av.Packet` handed to ``RTCRtpSender`` is only
  packetised (``Encoder.pack``), never encoded;
* **asks for a keyframe** with an RTCP PLI through the receiver's own sender of RTCP.

Checked against the aiortc versions pinned in setup.cfg (:data:`SUPPORTED`); the import
fails loudly on another version rather than silently decoding again.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import aiortc
from aiortc import RTCRtpReceiver
from aiortc.jitterbuffer import JitterFrame
from av.packet import Packet

SUPPORTED = ((1, 14), (1, 15))  # [low, high) — the range setup.cfg pins
_QUEUE_ATTRIBUTE = "_RTCRtpReceiver__decoder_queue"
CLOCK_RATES = {"video": 90_000, "audio": 48_000}  # VP8 and Opus RTP clocks
FORWARDED_CODECS = {"video": ("video/VP8", "video/rtx"), "audio": ("audio/opus",)}


def _check_version() -> None:
    parts = tuple(int(p) for p in aiortc.__version__.split(".")[:2])
    low, high = SUPPORTED
    if not (low <= parts < high) or not hasattr(RTCRtpReceiver, "_send_rtcp_pli"):
        raise ImportError(f"conference.forwarding does not support aiortc {aiortc.__version__}")


_check_version()

FrameSink = Callable[[JitterFrame], None]


class Tap:
    """Stands in for a receiver's decoder queue: frames go to ``sink`` (on the event
    loop, where aiortc puts them); the idle decoder thread waits for the stop mark."""

    def __init__(self, sink: FrameSink) -> None:
        self.sink = sink
        self._stopped = threading.Event()

    def put(self, item: Any) -> None:
        if item is None:
            self._stopped.set()
            return
        _codec, frame = item
        self.sink(frame)

    def get(self, *_args: Any, **_kwargs: Any) -> None:
        self._stopped.wait()
        return None


def tap_receiver(receiver: RTCRtpReceiver, sink: FrameSink) -> Tap:
    """Send the receiver's encoded frames to ``sink`` instead of its decoder. Call it
    before the connection starts (right after ``setRemoteDescription``)."""
    if not hasattr(receiver, _QUEUE_ATTRIBUTE):
        raise RuntimeError("aiortc receiver has no decoder queue to tap")
    tap = Tap(sink)
    setattr(receiver, _QUEUE_ATTRIBUTE, tap)
    return tap


def to_packet(kind: str, frame: JitterFrame) -> Packet:
    """An encoded frame as the packet ``RTCRtpSender`` packs without encoding."""
    packet = Packet(frame.data)
    packet.pts = frame.timestamp
    packet.time_base = Fraction(1, CLOCK_RATES[kind])
    return packet


def is_keyframe(kind: str, data: bytes) -> bool:
    """A VP8 key frame has bit 0 of its first byte clear; every audio frame stands alone."""
    return kind != "video" or (bool(data) and not data[0] & 0x01)


def request_keyframe(receiver: RTCRtpReceiver) -> bool:
    """Send a PLI for each stream the receiver has seen; False when none arrived yet."""
    sources = [s.source for s in receiver.getSynchronizationSources()]
    for ssrc in sources:
        asyncio.ensure_future(receiver._send_rtcp_pli(ssrc))
    return bool(sources)


def forwarded_codecs(kind: str) -> list[Any]:
    """The codecs the hub forwards for a kind, in aiortc's capability objects."""
    capabilities = RTCRtpReceiver.getCapabilities(kind)
    if capabilities is None:
        return []
    wanted = FORWARDED_CODECS[kind]
    return [codec for codec in capabilities.codecs if codec.mimeType in wanted]
