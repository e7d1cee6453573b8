"""Recording through signaling and the API: the chair starts and stops it, the room hears
of it, the file is kept in the store with the conference, and only those who may see the
conference download it (audited)."""

from __future__ import annotations

import asyncio
from typing import Any

import av
import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack
from sqlalchemy import func, select

from conference.engine import MediaError, engine
from conference.models import ConferenceRecording, RecordingStatus
from conference.recording import recordings_of_meeting
from core import files
from core.audit import AuditEntry
from core.extensions import db
from tests.conference.peers import NO_ICE_SERVERS, Camera, until
from tests.meetings.factories import meeting_body, user

pytestmark = [pytest.mark.db, pytest.mark.sockets]


async def publish_via(browser: Any) -> RTCPeerConnection:
    """The site's camera and microphone, published through the /conference namespace."""
    pc = RTCPeerConnection(NO_ICE_SERVERS)
    pc.addTrack(Camera())
    pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    offer = pc.localDescription.sdp
    ack = await asyncio.get_running_loop().run_in_executor(
        None, lambda: browser.ok("publish", sdp=offer)
    )
    await pc.setRemoteDescription(RTCSessionDescription(sdp=ack["sdp"], type="answer"))
    return pc


def later(call: Any) -> Any:
    return asyncio.get_running_loop().run_in_executor(None, call)


def audited(action: str) -> int:
    return db.session.scalar(select(func.count()).where(AuditEntry.action == action)) or 0


def test_the_chair_records_and_the_sites_download(app, conference, site, client, h, tmp_path):
    made = conference()
    host = site("chutich", made["id"])
    ward = site("chutich.phunhuan", made["id"])

    async def scenario() -> dict[str, Any]:
        camera = await publish_via(host)
        ward_camera = await publish_via(ward)
        started = await later(lambda: host.ok("start_recording")["recording"])
        assert started["status"] == "recording" and started["url"] is None
        fanout = engine(app).rooms[made["id"]].sources["hue"].fanouts["video"]  # type: ignore[attr-defined]
        assert await until(lambda: fanout.frames > 20)
        await asyncio.sleep(1.0)
        await later(lambda: host.ok("give_floor", site="phu-nhuan"))
        await asyncio.sleep(1.5)
        stopped = await later(lambda: host.ok("stop_recording")["recording"])
        for pc in (camera, ward_camera):
            await pc.close()
        return stopped

    stopped = asyncio.run(asyncio.wait_for(scenario(), 90))
    assert ward.events("recording_started")[0]["status"] == "recording"
    assert ward.events("recording_stopped") == [stopped]
    assert stopped["status"] == "done" and stopped["duration"] > 2.0 and stopped["size"] > 0
    row = db.session.get(ConferenceRecording, stopped["id"])
    assert row is not None and files.path_for(row.sha256 or "").stat().st_size == row.size

    got = client.get(stopped["url"], headers=h("chutich.phunhuan"))
    assert got.status_code == 200 and got.mimetype == "video/webm"
    (tmp_path / "got.webm").write_bytes(got.data)
    with av.open(str(tmp_path / "got.webm")) as container:
        assert sorted(s.type for s in container.streams) == ["audio", "video"]
    assert audited("conference.recording_downloaded") == 1
    part = client.get(stopped["url"], headers={**h("chutich"), "Range": "bytes=100-199"})
    assert part.status_code == 206 and len(part.data) == 100
    assert audited("conference.recording_downloaded") == 1  # a player's seek is no new download

    listed = client.get(f"/api/v1/conferences/{made['id']}/recordings", headers=h("chutich"))
    assert [r["id"] for r in listed.get_json()["recordings"]] == [stopped["id"]]


def test_others_get_404_for_the_file(app, conference, client, h):
    made = conference(sites=["phu-nhuan"])
    row = _kept_recording(made["id"])
    url = f"/api/v1/conferences/{made['id']}/recordings/{row.id}/file"
    assert client.get(url, headers=h("chutich.phunhuan")).status_code == 200
    for who, address in [
        ("daibieu.tayloc", url),  # not invited
        ("chutich", f"/api/v1/conferences/{made['id']}/recordings/999999/file"),
        ("chutich", f"/api/v1/conferences/{conference()['id']}/recordings/{row.id}/file"),
    ]:
        refused = client.get(address, headers=h(who))
        assert refused.status_code == 404, (who, address)
        assert refused.get_json()["error"]["message"]
    assert audited("conference.recording_downloaded") == 1


def _kept_recording(conference_id: int) -> ConferenceRecording:
    stored = files.store_bytes(b"\x1a\x45\xdf\xa3 not really a webm", "video/webm")
    row = ConferenceRecording(
        conference_id=conference_id,
        started_by_id=user("chutich").id,
        work_path="/nowhere.webm",
        status=RecordingStatus.DONE,
        sha256=stored.sha256,
        size=stored.size,
        duration=1.0,
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_only_the_chair_records_once_at_a_time(conference, site):
    made = conference()
    host = site("chutich", made["id"])
    ward = site("chutich.phunhuan", made["id"])
    ward.refused("start_recording", "not_host")
    host.refused("stop_recording", "not_recording")
    assert _rows(made["id"]) == []
    host.ok("start_recording")
    host.refused("start_recording", "already_recording")
    ward.refused("stop_recording", "not_host")
    assert [r.status for r in _rows(made["id"])] == [RecordingStatus.RECORDING]
    stopped = host.ok("stop_recording")["recording"]
    assert stopped["status"] in ("done", "failed") and stopped["stopped_at"]
    host.refused("stop_recording", "not_recording")
    odd = host.client.emit("start_recording", "now", namespace="/conference", callback=True)
    assert odd["error"]["code"] == "invalid_payload"
    assert len(_rows(made["id"])) == 1


def _rows(conference_id: int) -> list[ConferenceRecording]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(ConferenceRecording).where(ConferenceRecording.conference_id == conference_id)
        )
    )


def test_the_recording_ends_when_the_host_leaves(conference, site):
    made = conference()
    host = site("chutich", made["id"])
    ward = site("chutich.phunhuan", made["id"])
    host.ok("start_recording")
    host.close()
    stopped = ward.events("recording_stopped")
    assert len(stopped) == 1 and stopped[0]["stopped_at"]
    (row,) = _rows(made["id"])
    assert row.status is not RecordingStatus.RECORDING and row.stopped_by_id is None


def test_a_recording_the_engine_lost_is_kept_as_failed(app, conference, site):
    made = conference()
    host = site("chutich", made["id"])
    host.ok("start_recording")
    engine(app).stop_recording(made["id"])  # as if the conference server had restarted
    stopped = host.ok("stop_recording")["recording"]
    assert stopped["status"] == "failed" and stopped["url"] is None
    host.ok("start_recording")  # and a new one may start


def test_the_room_lists_the_recordings(conference, client, auth):
    made = conference()
    row = _kept_recording(made["id"])
    auth.login("chutich.phunhuan")
    page = client.get(made["url"]).get_data(as_text=True)
    assert "Bản ghi hình" in page and f"/recordings/{row.id}/file" in page
    assert 'id="conf-rec"' in page and 'id="btn-record"' not in page  # not the chair


def test_refusals_of_the_engine_change_nothing(app, conference, site, monkeypatch, tmp_path):
    made = conference()
    host = site("chutich", made["id"])
    media = engine(app)
    media.start_recording(made["id"], str(tmp_path / "other.webm"), "hue")  # a second chair
    host.refused("start_recording", "already_recording")
    assert _rows(made["id"]) == []
    media.stop_recording(made["id"])

    def down(*_args: Any) -> None:
        raise MediaError("engine_unavailable")

    monkeypatch.setattr(media, "start_recording", down)
    ack = host.refused("start_recording", "recording_failed")
    assert ack["error"]["message"].startswith("Máy chủ truyền hình")
    assert _rows(made["id"]) == []


def test_a_recording_is_kept_with_the_meeting_the_conference_carries(conference, client, h):
    meeting = client.post("/api/v1/meetings", json=meeting_body(), headers=h("chutich")).get_json()
    made = conference(meeting_id=meeting["id"])
    row = _kept_recording(made["id"])
    conference()  # another conference's recordings are not this meeting's
    assert [r.id for r in recordings_of_meeting(meeting["id"])] == [row.id]
    listed = client.get(f"/api/v1/conferences/{made['id']}/recordings", headers=h("chutich"))
    assert listed.get_json()["recordings"][0]["meeting_id"] == meeting["id"]


def test_a_recording_moves_into_the_store_once(app, tmp_path):
    data = bytes(range(256)) * 20_000  # 5 MB, hashed in chunks
    first, second = tmp_path / "a.webm", tmp_path / "b.webm"
    first.write_bytes(data)
    second.write_bytes(data)
    kept = files.store_file(first, "video/webm")
    assert not first.exists() and kept.size == len(data)
    assert files.path_for(kept.sha256).read_bytes() == data
    again = files.store_file(second, "video/webm")
    assert again.sha256 == kept.sha256 and not second.exists()
