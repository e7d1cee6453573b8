"""Signaling over /conference: joining with a token, per-event rights, offers answered in
the ack, and media that really flows through the hub from aiortc peers."""

from __future__ import annotations

import asyncio

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack

from conference.engine import engine
from tests.conference.conftest import Site
from tests.conference.peers import NO_ICE_SERVERS, Camera, Receiver, until

pytestmark = [pytest.mark.db, pytest.mark.sockets]


def test_join_needs_a_valid_token_of_this_conference(app, conference, client, h, site, hub):
    first, second = conference(), conference()
    browser = Site(app, "chutich.phunhuan")
    browser.refused("join", "invalid_join_token", conference_id=first["id"], token="forged")
    browser.refused("join", "missing_field", conference_id=first["id"])
    token = client.post(
        f"/api/v1/conferences/{second['id']}/join-token", headers=h("chutich.phunhuan")
    ).get_json()["token"]
    browser.refused("join", "other_conference", conference_id=first["id"], token=token)
    stranger = Site(app, "daibieu.tayloc")  # someone else's token is not theirs
    stranger.refused("join", "invalid_join_token", conference_id=second["id"], token=token)
    browser.refused("publish", "not_joined", sdp="v=0")
    for each in (browser, stranger):
        each.close()


def test_a_ward_may_not_lead(conference, site):
    made = conference()
    ward = site("chutich.phunhuan", made["id"])
    ward.refused("give_floor", "not_host", site="phu-nhuan")
    ward.refused("take_floor", "not_host")
    ward.refused("mute_all", "not_host")
    ward.refused("roll_call", "not_host")
    ward.refused("subscribe", "not_visible", site="tay-loc", sdp="v=0\r\nm=video 9\r\n")
    ward.refused("subscribe", "unknown_site", site="nowhere", sdp="v=0\r\nm=video 9\r\n")
    ward.ok("request_floor")


def test_the_chair_gives_and_takes_the_floor_and_calls_the_roll(app, conference, site):
    made = conference()
    host = site("chutich", made["id"])
    ward = site("chutich.phunhuan", made["id"])
    ward.ok("request_floor")
    assert host.events("floor_requested") == [{"site": "phu-nhuan"}]
    assert host.ok("give_floor", site="phu-nhuan")["site"] == "phu-nhuan"
    assert ward.events("floor_changed") == [{"site": "phu-nhuan"}]
    assert engine(app).rooms[made["id"]].audible == {"hue", "phu-nhuan"}  # type: ignore[attr-defined]
    host.ok("mute_all")
    assert ward.events("muted_all") and ward.events("floor_changed") == [{"site": None}]
    host.refused("give_floor", "unknown_site", site="nowhere")
    roll = host.ok("roll_call")["sites"]
    assert [(s["code"], s["connected"]) for s in roll] == [
        ("hue", False),
        ("phu-nhuan", False),
        ("tay-loc", False),
    ]


def test_bad_sdp_gets_a_clear_refusal(conference, site):
    host = site("chutich", conference()["id"])
    ack = host.refused("publish", "invalid_sdp", sdp="not an sdp")
    assert "SDP" in ack["error"]["message"]


def test_media_flows_from_a_ward_to_the_host_through_signaling(app, conference, site):
    made = conference()
    host = site("chutich", made["id"])
    ward = site("chutich.phunhuan", made["id"])

    async def scenario() -> None:
        loop = asyncio.get_running_loop()
        pc = RTCPeerConnection(NO_ICE_SERVERS)
        pc.addTrack(Camera())
        pc.addTrack(AudioStreamTrack())
        await pc.setLocalDescription(await pc.createOffer())
        ack = await loop.run_in_executor(
            None, lambda: ward.ok("publish", sdp=pc.localDescription.sdp)
        )
        assert ack["type"] == "answer"
        await pc.setRemoteDescription(RTCSessionDescription(sdp=ack["sdp"], type="answer"))

        class ViaSocket:
            def subscribe(self, _cid, _site, source, offer):
                return host.ok("subscribe", site=source, sdp=offer)["sdp"]

        watcher = await Receiver().start(ViaSocket(), made["id"], "hue", "phu-nhuan")
        assert await until(lambda: watcher.frames >= 10)
        roll = await loop.run_in_executor(None, lambda: host.ok("roll_call")["sites"])
        assert {s["code"]: s["connected"] for s in roll}["phu-nhuan"] is True
        stats = await loop.run_in_executor(None, lambda: host.ok("stats")["stats"])
        assert stats["phu-nhuan"]["connected"] is True
        await loop.run_in_executor(None, ward.close)  # the ward's browser goes away
        assert await until(lambda: "phu-nhuan" not in engine(app).connected(made["id"]))
        await watcher.close()
        await pc.close()

    asyncio.run(asyncio.wait_for(scenario(), 90))
