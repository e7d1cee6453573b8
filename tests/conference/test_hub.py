"""The embedded hub with real aiortc peers in-process: publisher → hub → subscribers."""

from __future__ import annotations

import asyncio
from typing import Any

import aiortc.rtcrtpreceiver as receiver_module
import pytest
from aiortc import RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.codecs import opus, vpx
from aiortc.mediastreams import AudioStreamTrack

from conference.engine import MediaError
from conference.hub import EmbeddedHub
from tests.conference.peers import NO_ICE_SERVERS, Camera, Receiver, in_thread, publisher, until


@pytest.fixture
def hub():
    made = EmbeddedHub(ice_servers=[], peer_timeout=2.0)
    yield made
    made.close()


def run(coroutine: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, 90))


def test_one_publisher_reaches_several_subscribers(hub):
    async def scenario() -> list[Receiver]:
        pub = await publisher(hub, 1, "hue")
        receivers = [await Receiver().start(hub, 1, f"ward-{i}", "hue") for i in range(3)]
        assert await until(lambda: all(r.frames >= 10 for r in receivers))
        assert await in_thread(hub.connected, 1) == {"hue"}
        for r in receivers:
            await r.close()
        await pub.close()
        return receivers

    receivers = run(scenario())
    assert all(r.sizes == {(320, 240)} for r in receivers)


def test_forwarding_never_encodes_nor_decodes_on_the_hub(hub, monkeypatch):
    """Encoders that ran (by instance) and decoders that were made: the hub's senders
    only pack, and its receivers hand frames over without a decoder."""
    encoded: set[int] = set()
    for encoder in (vpx.Vp8Encoder, opus.OpusEncoder):
        original = encoder.encode

        def counting(self, *args, _original=original, **kwargs):
            encoded.add(id(self))
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(encoder, "encode", counting)
    decoders: list[str] = []
    make_decoder = receiver_module.get_decoder
    monkeypatch.setattr(
        receiver_module,
        "get_decoder",
        lambda codec: decoders.append(codec.name) or make_decoder(codec),
    )

    async def scenario() -> list[int]:
        pub = await publisher(hub, 7, "hue")
        receivers = [await Receiver().start(hub, 7, f"ward-{i}", "hue") for i in range(2)]
        assert await until(lambda: all(r.frames >= 10 for r in receivers))
        room = hub.rooms[7]
        hub_encoders = [
            id(sender._RTCRtpSender__encoder)
            for sub in room.subscriptions.values()
            for sender in sub.pc.getSenders()
        ]
        for r in receivers:
            await r.close()
        await pub.close()
        return hub_encoders

    hub_encoders = run(scenario())
    assert len(hub_encoders) == 4 and encoded  # the publisher did encode
    assert not encoded & set(hub_encoders)
    assert sorted(decoders) == ["VP8", "VP8", "opus", "opus"]  # the two receivers' only


def test_a_new_subscriber_makes_the_publisher_send_a_keyframe(hub, monkeypatch):
    asked: list[int] = []
    original = RTCRtpSender._send_keyframe
    monkeypatch.setattr(
        RTCRtpSender, "_send_keyframe", lambda self: asked.append(id(self)) or original(self)
    )

    async def scenario() -> None:
        pub = await publisher(hub, 2, "hue")
        first = await Receiver().start(hub, 2, "ward-1", "hue")
        assert await until(lambda: first.frames >= 20)
        camera = next(s for s in pub.getSenders() if s.kind == "video")
        before = asked.count(id(camera))
        late = await Receiver().start(hub, 2, "ward-2", "hue")
        assert await until(lambda: asked.count(id(camera)) > before)
        assert await until(lambda: late.frames >= 5)
        for peer in (first, late):
            await peer.close()
        await pub.close()

    run(scenario())


class Frozen(Camera):
    """A camera that stops sending after ``frames`` frames, as a peer that vanishes."""

    def __init__(self, frames: int) -> None:
        super().__init__()
        self.limit = frames

    async def recv(self):
        if self.count >= self.limit:
            await asyncio.sleep(3600)
        return await super().recv()


def test_a_vanished_site_is_released_and_comes_back_in_the_same_place(hub):
    async def scenario() -> None:
        pc = RTCPeerConnection(NO_ICE_SERVERS)
        pc.addTrack(Frozen(30))
        pc.addTrack(AudioStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        answer = await in_thread(hub.publish, 3, "phu-nhuan", pc.localDescription.sdp)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        watcher = await Receiver().start(hub, 3, "hue", "phu-nhuan")
        assert await until(lambda: watcher.frames >= 10)
        # the camera froze; now the microphone stops too, with no goodbye from the site
        await pc.getSenders()[1].stop()
        assert await until(lambda: "phu-nhuan" not in hub.connected(3), timeout=30)
        assert hub.rooms[3].sources["phu-nhuan"].pc is None  # tracks released
        seen = watcher.frames
        again = await publisher(hub, 3, "phu-nhuan")
        assert await until(lambda: watcher.frames > seen + 5)  # same receiver, no renegotiation
        await watcher.close()
        await again.close()
        await pc.close()

    run(scenario())


@pytest.mark.parametrize("offer", ["v=0\r\nthis is not sdp\r\n", "hello", "v=0\r\nm=video x\r\n"])
def test_bad_sdp_is_refused(hub, offer):
    with pytest.raises(MediaError) as refused:
        hub.publish(4, "hue", offer)
    assert refused.value.code == "invalid_sdp"


def test_an_offer_without_vp8_or_opus_is_refused(hub):
    async def h264_offer() -> str:
        pc = RTCPeerConnection(NO_ICE_SERVERS)
        transceiver = pc.addTransceiver("video", direction="sendonly")
        caps = RTCRtpSender.getCapabilities("video").codecs
        transceiver.setCodecPreferences([c for c in caps if c.mimeType == "video/H264"])
        await pc.setLocalDescription(await pc.createOffer())
        sdp = pc.localDescription.sdp
        await pc.close()
        return sdp

    offer = run(h264_offer())
    with pytest.raises(MediaError) as refused:
        hub.publish(5, "hue", offer)
    assert refused.value.code == "no_codec"
    assert 5 not in hub.rooms or hub.rooms[5].sources["hue"].pc is None


def test_a_wards_audio_reaches_others_only_when_it_has_the_floor(hub):
    async def scenario() -> None:
        await in_thread(hub.floor, 6, {"hue"})
        ward = await publisher(hub, 6, "phu-nhuan")
        host = await Receiver().start(hub, 6, "hue", "phu-nhuan")
        assert await until(lambda: host.frames >= 30)
        assert host.audio_frames == 0  # muted at the hub: nothing is sent
        await in_thread(hub.floor, 6, {"hue", "phu-nhuan"})
        assert await until(lambda: host.audio_frames >= 10)
        await host.close()
        await ward.close()

    run(scenario())
