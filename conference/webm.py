"""The recording's encoder (ghi hình): decodes the host's and the floor holder's frames
and writes one WebM file, VP8 video and Opus audio. The one place where the conference
transcodes; it runs in a worker thread of its own, never on the hub's loop.

The file's clock is the wall clock since the recording started: a video frame is placed
when it arrived, and the audio of the sources heard is mixed in 20 ms steps (silence when
nobody speaks) a little behind the clock, so that late packets still find their place.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import av
import numpy as np
from av import AudioFrame, VideoFrame
from av.codec.context import CodecContext
from av.filter import Graph
from av.packet import Packet

log = logging.getLogger(__name__)
WIDTH, HEIGHT = 640, 360  # the recording's picture; sources are scaled into it, letterboxed
FPS = 15  # at most this many pictures a second are encoded
VIDEO_BITRATE = 700_000
RATE = 48_000  # Opus
STEP = 960  # samples in 20 ms
LATENCY = 0.12  # seconds the audio mix stays behind the clock (jitter)
BACKLOG = int(0.3 * RATE)  # samples kept per source at most; older ones are dropped
MS = Fraction(1, 1000)
VP8_OPTIONS = {"deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}


@dataclass
class Item:
    """One encoded frame from a source, stamped with its arrival (seconds since start)."""

    site: str
    kind: str
    packet: Packet
    at: float


@dataclass
class Mix:
    """Decoded audio per source, mono 16-bit at 48 kHz, waiting to be mixed."""

    pending: dict[str, np.ndarray] = field(default_factory=dict)
    written: int = 0  # samples written to the file

    def add(self, site: str, samples: np.ndarray) -> None:
        kept = self.pending.get(site)
        joined = samples if kept is None else np.concatenate((kept, samples))
        self.pending[site] = joined[-BACKLOG:]

    def take(self) -> np.ndarray:
        total = np.zeros(STEP, dtype=np.int32)
        for site, kept in list(self.pending.items()):
            part = kept[:STEP]
            total[: len(part)] += part
            self.pending[site] = kept[STEP:]
        return np.clip(total, -32768, 32767).astype(np.int16)


class WebmWriter:
    """Owns the container, the encoders and one decoder per source and kind. Used from
    one thread only (the recorder's worker)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.container: Any = av.open(path, "w", format="webm")
        self.video = self.container.add_stream("libvpx", rate=FPS)
        self.video.width, self.video.height, self.video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        self.video.bit_rate = VIDEO_BITRATE
        self.video.codec_context.time_base = MS
        self.video.codec_context.options = VP8_OPTIONS
        self.video.codec_context.thread_count = 1  # libvpx's own threads cost 20× the CPU
        self.audio = self.container.add_stream("libopus", rate=RATE, layout="mono")
        self.audio.format = "s16"
        self.container.start_encoding()  # a path that cannot be written fails here
        self.decoders: dict[tuple[str, str], Any] = {}
        self.resamplers: dict[str, av.AudioResampler] = {}
        self.mix = Mix()
        self.graph: Graph | None = None
        self.graph_size: tuple[int, int] = (0, 0)
        self.last_video_ms = -1000
        self.video_frames = 0
        self.errors = 0

    # -- input -------------------------------------------------------------------------
    def add(self, item: Item) -> None:
        """Decode one source frame: video is encoded at once, audio waits for the mix."""
        try:
            for frame in self._decoder(item.site, item.kind).decode(item.packet):
                if item.kind == "video":
                    self._picture(frame, item.at)
                else:
                    self._sound(item.site, frame)
        except (av.FFmpegError, ValueError) as err:  # a gap after a dropped frame
            self.errors += 1
            log.debug("recording: %s frame of %s skipped: %s", item.kind, item.site, err)

    def _decoder(self, site: str, kind: str) -> Any:
        key = (site, kind)
        if key not in self.decoders:
            decoder = CodecContext.create("vp8" if kind == "video" else "opus", "r")
            decoder.thread_count = 1
            self.decoders[key] = decoder
        return self.decoders[key]

    def _sound(self, site: str, frame: AudioFrame) -> None:
        resampler = self.resamplers.get(site)
        if resampler is None:
            resampler = self.resamplers[site] = av.AudioResampler("s16", "mono", RATE)
        for mono in resampler.resample(frame):
            self.mix.add(site, mono.to_ndarray().reshape(-1).astype(np.int32))

    def _picture(self, frame: VideoFrame, at: float) -> None:
        ms = int(at * 1000)
        if ms - self.last_video_ms < 1000 // FPS - 5:  # over the frame rate cap
            return
        ms = max(ms, self.last_video_ms + 1)
        frame.pts, frame.time_base = ms, MS
        fitted = self._fit(frame)
        fitted.pts, fitted.time_base = ms, MS
        self.container.mux(self.video.encode(fitted))
        self.last_video_ms = ms
        self.video_frames += 1

    def _fit(self, frame: VideoFrame) -> VideoFrame:
        """Scale into the recording's picture, keeping the aspect ratio (black bars)."""
        size = (frame.width, frame.height)
        if self.graph is None or size != self.graph_size:
            self.graph, self.graph_size = _letterbox(frame), size
        self.graph.push(frame)
        return self.graph.vpull()

    # -- the clock ---------------------------------------------------------------------
    def mix_until(self, elapsed: float) -> None:
        """Write the mixed audio up to ``elapsed`` seconds minus the jitter allowance."""
        due = int((elapsed - LATENCY) * RATE)
        while self.mix.written + STEP <= due:
            samples = self.mix.take().reshape(1, -1)
            frame = AudioFrame.from_ndarray(samples, format="s16", layout="mono")
            frame.sample_rate, frame.pts = RATE, self.mix.written
            frame.time_base = Fraction(1, RATE)
            self.container.mux(self.audio.encode(frame))
            self.mix.written += STEP

    def close(self, elapsed: float) -> dict[str, Any]:
        """Write what is left, flush the encoders, close the file; the recording's facts."""
        self.mix_until(elapsed + LATENCY)
        for stream in (self.video, self.audio):
            with contextlib.suppress(av.FFmpegError):  # an encoder that never started
                self.container.mux(stream.encode(None))
        self.container.close()
        duration = max(self.mix.written / RATE, max(self.last_video_ms, 0) / 1000)
        return {
            "path": self.path,
            "duration": round(duration, 3),
            "size": os.path.getsize(self.path) if os.path.exists(self.path) else 0,
            "video_frames": self.video_frames,
            "errors": self.errors,
        }


def _letterbox(frame: VideoFrame) -> Graph:
    graph = Graph()
    source = graph.add_buffer(
        width=frame.width, height=frame.height, format=frame.format, time_base=MS
    )
    scale = graph.add(
        "scale", f"{WIDTH}:{HEIGHT}:force_original_aspect_ratio=decrease:force_divisible_by=2"
    )
    pad = graph.add("pad", f"{WIDTH}:{HEIGHT}:(ow-iw)/2:(oh-ih)/2")
    sink = graph.add("buffersink")
    source.link_to(scale)
    scale.link_to(pad)
    pad.link_to(sink)
    graph.configure()
    return graph
