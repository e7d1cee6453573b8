"""Per-receiver queues are bounded: a slow receiver loses frames, memory does not grow."""

from __future__ import annotations

import asyncio

from aiortc.jitterbuffer import JitterFrame

from conference.relay import QUEUE_FRAMES, Fanout

KEY, DELTA = b"\x00" + b"k" * 99, b"\x01" + b"d" * 99  # VP8: bit 0 clear on a key frame


def test_a_slow_video_receiver_drops_frames_and_asks_for_a_keyframe():
    async def scenario() -> None:
        asked: list[int] = []
        fanout = Fanout("video", lambda: asked.append(1))
        slow = fanout.outlet()
        fanout.push(JitterFrame(DELTA, 0))  # before any keyframe: nothing to decode from
        assert slow._queue.qsize() == 0
        fanout.push(JitterFrame(KEY, 1))
        for n in range(500):
            fanout.push(JitterFrame(DELTA, n + 2))
            assert slow._queue.qsize() <= QUEUE_FRAMES["video"]
        assert slow.dropped > 0 and asked
        fanout.push(JitterFrame(KEY, 999))  # the keyframe asked for restarts the picture
        packet = await slow.recv()
        assert bytes(packet) == KEY and packet.pts == 999

    asyncio.run(scenario())


def test_a_slow_audio_receiver_keeps_the_newest_frames():
    async def scenario() -> None:
        fanout = Fanout("audio", lambda: None)
        slow = fanout.outlet()
        for n in range(100):
            fanout.push(JitterFrame(bytes([n]), n * 960))
        assert slow._queue.qsize() == QUEUE_FRAMES["audio"]
        assert (await slow.recv()).pts == (100 - QUEUE_FRAMES["audio"]) * 960

    asyncio.run(scenario())


def test_a_muted_fanout_forwards_nothing():
    async def scenario() -> None:
        fanout = Fanout("audio", lambda: None)
        outlet = fanout.outlet()
        fanout.enabled = False
        fanout.push(JitterFrame(b"x", 0))
        assert outlet._queue.qsize() == 0 and fanout.frames == 1

    asyncio.run(scenario())


def test_a_reconnected_publisher_continues_the_receivers_timestamps():
    async def scenario() -> None:
        fanout = Fanout("video", lambda: None)
        outlet = fanout.outlet()
        fanout.rebase()  # the first connection: nothing to continue from
        fanout.push(JitterFrame(KEY, 0))
        fanout.push(JitterFrame(DELTA, 90_000))
        fanout.rebase()  # the site reconnects: its new clock starts at 0 again
        fanout.push(JitterFrame(KEY, 0))
        stamps = [(await outlet.recv()).pts for _ in range(3)]
        assert stamps == [0, 90_000, 93_000]

    asyncio.run(scenario())
