"""Recording a conference into WebM: the hub's recorder with real aiortc peers (the host
and a ward given the floor), the file read back with PyAV, and the recorder leaves
forwarding alone."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from aiortc.codecs import opus, vpx

from conference.engine import MediaError
from conference.hub import EmbeddedHub
from conference.recorder import wanted
from conference.webm import BACKLOG, RATE, STEP, Mix
from tests.conference import test_remote
from tests.conference.peers import Receiver, in_thread, publisher, until

remote = test_remote.remote  # the conference server in a process of its own


@pytest.fixture
def hub():
    made = EmbeddedHub(ice_servers=[], peer_timeout=5.0)
    yield made
    made.close()


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 90))


def read_webm(path: str | Path) -> dict[str, Any]:
    """What a player sees in the file: its streams, its length, decodable pictures."""
    with av.open(str(path)) as container:
        kinds = sorted(stream.type for stream in container.streams)
        duration = (container.duration or 0) / av.time_base
        video = container.streams.video[0]
        pictures = sum(1 for _ in container.decode(video))
    with av.open(str(path)) as container:
        sounds = sum(1 for _ in container.decode(container.streams.audio[0]))
    return {"kinds": kinds, "duration": duration, "pictures": pictures, "sounds": sounds}


def test_the_host_and_the_floor_are_recorded_into_one_webm(hub, tmp_path):
    path = tmp_path / "hoi-nghi.webm"

    async def scenario() -> dict[str, Any]:
        await in_thread(hub.floor, 1, {"hue"})
        host = await publisher(hub, 1, "hue", width=640, height=360)
        ward = await publisher(hub, 1, "phu-nhuan")
        await in_thread(hub.start_recording, 1, str(path), "hue")
        recorder = hub.recorders[1]
        assert set(recorder.feeds) == {("hue", "video"), ("hue", "audio")}
        assert await until(lambda: hub.rooms[1].sources["hue"].fanouts["video"].frames > 20)
        await asyncio.sleep(1.5)
        await in_thread(hub.floor, 1, {"hue", "phu-nhuan"})  # the ward is given the floor
        assert set(recorder.feeds) == {
            ("phu-nhuan", "video"),
            ("hue", "audio"),
            ("phu-nhuan", "audio"),
        }
        await asyncio.sleep(2.0)
        info = await in_thread(hub.stop_recording, 1)
        for peer in (host, ward):
            await peer.close()
        return info

    info = run(scenario())
    assert info["path"] == str(path) and info["size"] == path.stat().st_size > 10_000
    assert 3.0 < info["duration"] < 12.0 and info["video_frames"] > 20
    found = read_webm(path)
    assert found["kinds"] == ["audio", "video"]
    assert 3.0 < found["duration"] < 12.0
    assert found["pictures"] > 20 and found["sounds"] > 100
    assert 1 not in hub.recorders


def test_recording_twice_or_stopping_nothing_is_refused(hub, tmp_path):
    with pytest.raises(MediaError) as refused:
        hub.stop_recording(2)
    assert refused.value.code == "not_recording"
    hub.start_recording(2, str(tmp_path / "a.webm"), "hue")
    with pytest.raises(MediaError) as refused:
        hub.start_recording(2, str(tmp_path / "b.webm"), "hue")
    assert refused.value.code == "already_recording"
    info = hub.stop_recording(2)  # nobody published: a short file of silence
    assert info["video_frames"] == 0
    with pytest.raises(MediaError) as refused:
        hub.start_recording(2, str(tmp_path / "no" / "such" / "folder.webm"), "hue")
    assert refused.value.code == "recording_failed"


def test_the_recording_ends_when_the_host_leaves(hub, tmp_path):
    path = tmp_path / "host-left.webm"

    async def scenario() -> dict[str, Any]:
        host = await publisher(hub, 3, "hue")
        await in_thread(hub.start_recording, 3, str(path), "hue")
        writer = hub.recorders[3]._writer
        assert await until(lambda: writer.video_frames > 10)  # type: ignore[union-attr]
        await in_thread(hub.leave, 3, "hue")
        assert not hub.recorders[3].active  # finished; its facts wait to be collected
        await host.close()
        return await in_thread(hub.stop_recording, 3)

    info = run(scenario())
    assert info["size"] > 0 and read_webm(path)["pictures"] > 5, info


def test_recording_leaves_forwarding_alone(hub, tmp_path, monkeypatch):
    """Subscribers still get packets without any encoder of theirs running; the only
    encoders the hub starts are the recording's own (PyAV's, not aiortc's)."""
    encoded: set[int] = set()
    for encoder in (vpx.Vp8Encoder, opus.OpusEncoder):
        original = encoder.encode

        def counting(self, *args, _original=original, **kwargs):
            encoded.add(id(self))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(encoder, "encode", counting)

    async def scenario() -> list[int]:
        pub = await publisher(hub, 4, "hue")
        await in_thread(hub.start_recording, 4, str(tmp_path / "f.webm"), "hue")
        watcher = await Receiver().start(hub, 4, "phu-nhuan", "hue")
        assert await until(lambda: watcher.frames >= 15)
        senders = [
            id(sender._RTCRtpSender__encoder)
            for sub in hub.rooms[4].subscriptions.values()
            for sender in sub.pc.getSenders()
        ]
        await in_thread(hub.stop_recording, 4)
        await watcher.close()
        await pub.close()
        return senders

    senders = run(scenario())
    assert len(senders) == 2 and encoded and not encoded & set(senders)


def test_a_full_queue_drops_frames_instead_of_growing(hub, tmp_path):
    async def scenario() -> tuple[int, int]:
        pub = await publisher(hub, 5, "hue")
        await in_thread(hub.start_recording, 5, str(tmp_path / "slow.webm"), "hue")
        recorder = hub.recorders[5]
        gate = threading.Event()
        original = recorder._writer.add  # type: ignore[union-attr]

        def slow(item: Any) -> None:  # an encoder that cannot keep up
            gate.wait()
            original(item)

        recorder._writer.add = slow  # type: ignore[union-attr,method-assign]
        assert await until(lambda: recorder.dropped > 20)
        size = recorder.queue.qsize()
        gate.set()
        info = await in_thread(hub.stop_recording, 5)
        await pub.close()
        return size, info["dropped"]

    size, dropped = run(scenario())
    assert size <= 120 and dropped > 20


def test_what_is_recorded_follows_the_floor():
    assert wanted("hue", None, {"hue"}) == {("hue", "video"), ("hue", "audio")}
    assert wanted("hue", {"hue", "tay-loc"}, {"hue", "tay-loc"}) == {
        ("tay-loc", "video"),
        ("hue", "audio"),
        ("tay-loc", "audio"),
    }
    # a floor holder without a camera yet: the host's picture, both voices
    assert ("hue", "video") in wanted("hue", {"hue", "tay-loc"}, {"hue"})


def test_recording_crosses_to_the_conference_server(remote, tmp_path):
    path = tmp_path / "remote.webm"

    async def scenario() -> dict[str, Any]:
        host = await publisher(remote, 9, "hue")
        await in_thread(remote.start_recording, 9, str(path), "hue")
        with pytest.raises(MediaError) as refused:
            await in_thread(remote.start_recording, 9, str(path), "hue")
        assert refused.value.code == "already_recording"
        await asyncio.sleep(3.0)
        info = await in_thread(remote.stop_recording, 9)
        await host.close()
        return info

    info = run(scenario())
    assert info["size"] == path.stat().st_size and info["duration"] > 2.0
    found = read_webm(path)
    assert found["kinds"] == ["audio", "video"] and found["pictures"] > 5
    with pytest.raises(MediaError) as refused:
        remote.stop_recording(9)
    assert refused.value.code == "not_recording"


def test_the_voices_are_mixed_and_bounded():
    mix = Mix()
    mix.add("hue", np.full(STEP, 1000, dtype=np.int32))
    mix.add("phu-nhuan", np.full(STEP // 2, 30000, dtype=np.int32))
    step = mix.take()
    assert step.dtype == np.int16 and len(step) == STEP
    assert step[0] == 31000
    assert step[-1] == 1000  # the ward's half ran out: its silence is padding
    mix.add("hue", np.full(10 * RATE, 32000, dtype=np.int32))  # a flood is cut to the backlog
    assert len(mix.pending["hue"]) == BACKLOG
    mix.add("phu-nhuan", np.full(STEP, 32000, dtype=np.int32))
    assert mix.take().max() == 32767  # clipped, not wrapped
