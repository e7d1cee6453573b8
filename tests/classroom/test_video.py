"""Video in the live lesson: the teacher turns the class video on and off, members get a
pass (a join token for their own site), outsiders get nothing; over /conference only the
teacher leads, a student sends media only while called on, and the teacher's camera
reaches every student through the hub."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack

from conference.engine import engine
from conference.models import Conference, ConferenceStatus
from core.extensions import db, socketio
from core.security import issue_token, user_by_username
from tests.classroom.conftest import SCHOOL, make_students
from tests.conference.conftest import Site
from tests.conference.peers import NO_ICE_SERVERS, Camera, Receiver, until
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.db


@pytest.fixture
def media(app):
    app.config["CONFERENCE_PEER_TIMEOUT"] = 5
    yield
    found = app.extensions.pop("conference_engine", None)
    if found is not None:
        found.close()


@pytest.fixture
def video(client, h, lesson):
    """Turn the lesson's video on (as the teacher) and return the answer."""

    def start(by: str = "giaovien") -> dict[str, Any]:
        response = client.post(f"/api/v1/lessons/{lesson['id']}/video", headers=h(by))
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return start


def code_of(username: str) -> str:
    found = user_by_username(username)
    assert found is not None
    return f"u{found.id}"


def outsider(client, h) -> str:
    """A student of another class of the same school."""
    [name] = make_students("lopkhac", 1)
    body = {"school": SCHOOL, "name": "4B", "grade": 4, "teacher": "giaovien", "students": [name]}
    assert client.post("/api/v1/classes", json=body, headers=h("giaovien")).status_code == 201
    return name


# -- the API ---------------------------------------------------------------------------------


def test_the_teacher_turns_the_video_on_and_every_member_gets_a_pass(client, h, lesson, video):
    url = f"/api/v1/lessons/{lesson['id']}/video/pass"
    assert client.post(url, headers=h("hocsinh")).get_json() == {
        "active": False,
        "conference_id": None,
    }
    started = video()
    assert started["active"] is True
    conference = db.session.get(Conference, started["conference_id"])
    assert conference is not None and conference.kind.value == "class"
    assert conference.lesson_id == lesson["id"]
    assert conference.host.username == "giaovien"
    assert sorted(s.username or "" for s in conference.sites) == sorted(
        ["giaovien", "hocsinh", "hs01", "hs02", "hs03"]
    )
    student = client.post(url, headers=h("hocsinh")).get_json()
    assert student["active"] and student["conference_id"] == started["conference_id"]
    assert student["site"] == code_of("hocsinh") and student["chair"] is False
    assert student["conference"]["host"] == code_of("giaovien")
    assert {"code": code_of("hs01"), "name": "Học sinh HS 01", "host": False, "user": "hs01"} in (
        student["conference"]["sites"]
    )
    teacher = client.post(url, headers=h("giaovien")).get_json()
    assert teacher["chair"] is True and teacher["site"] == code_of("giaovien")
    # starting again changes nothing but the host; the same conference is reopened
    assert video()["conference_id"] == started["conference_id"]


def test_only_a_teacher_turns_the_video_on_or_off(client, h, lesson, video):
    url = f"/api/v1/lessons/{lesson['id']}/video"
    before = db.session.query(Conference).count()  # the demo has a conference of its own
    response = client.post(url, headers=h("hocsinh"))
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_teacher"
    assert db.session.query(Conference).count() == before
    response = client.delete(url, headers=h("giaovien"))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "video_not_started"
    assert response.get_json()["error"]["message"]
    started = video()
    response = client.delete(url, headers=h("hocsinh"))
    assert response.status_code == 403
    assert db.session.get(Conference, started["conference_id"]).status == ConferenceStatus.OPEN
    response = client.delete(url, headers=h("giaovien"))
    assert response.status_code == 200 and response.get_json()["active"] is False
    db.session.expire_all()
    assert db.session.get(Conference, started["conference_id"]).status == ConferenceStatus.ENDED
    stopped = client.post(f"{url}/pass", headers=h("hocsinh")).get_json()
    assert stopped["active"] is False


def test_a_student_of_another_class_gets_no_pass_and_no_token(client, h, lesson, video):
    started = video()
    stranger = outsider(client, h)
    response = client.post(f"/api/v1/lessons/{lesson['id']}/video/pass", headers=h(stranger))
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "lesson_not_found"
    response = client.post(
        f"/api/v1/conferences/{started['conference_id']}/join-token", headers=h(stranger)
    )
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_invited"
    response = client.post(f"/api/v1/lessons/{lesson['id']}/video", headers=h(stranger))
    assert response.status_code == 404


def test_ending_the_lesson_ends_its_video(client, h, lesson, video):
    assert (
        client.post(f"/api/v1/lessons/{lesson['id']}/start", headers=h("giaovien")).status_code
        == 200
    )
    started = video()
    assert (
        client.post(f"/api/v1/lessons/{lesson['id']}/end", headers=h("giaovien")).status_code == 200
    )
    db.session.expire_all()
    assert db.session.get(Conference, started["conference_id"]).status == ConferenceStatus.ENDED
    response = client.post(f"/api/v1/lessons/{lesson['id']}/video", headers=h("giaovien"))
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "lesson_ended"


def test_the_lesson_is_told_when_the_video_starts_and_stops(app, client, h, lesson, video):
    token, _ = issue_token(user_by_username("hocsinh"), 1)
    db.session.commit()
    student = socketio.test_client(app, namespace="/classroom", auth={"token": token})
    assert student.emit("join", {"lesson_id": lesson["id"]}, namespace="/classroom", callback=True)[
        "ok"
    ]
    student.get_received("/classroom")
    started = video()
    client.delete(f"/api/v1/lessons/{lesson['id']}/video", headers=h("giaovien"))
    told = [
        m["args"][0] for m in student.get_received("/classroom") if m["name"] == "video_changed"
    ]
    assert told == [
        {"active": True, "conference_id": started["conference_id"]},
        {"active": False, "conference_id": None},
    ]
    student.disconnect(namespace="/classroom")


def _login(client, username: str, password: str = DEMO_PASSWORD) -> None:
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code in (302, 303)


def test_the_lesson_page_has_the_video_panel_for_teacher_and_student(app, client, lesson):
    _login(client, "giaovien")
    live = client.get(f"/classroom/lessons/{lesson['id']}").get_data(as_text=True)
    assert 'id="lv-start"' in live and 'id="lv-call"' in live and "js/classroom/video.js" in live
    student = app.test_client()
    _login(student, "hocsinh")
    live = student.get(f"/classroom/lessons/{lesson['id']}").get_data(as_text=True)
    assert 'id="lv-off"' in live and 'id="lv-start"' not in live and 'id="lv-call"' not in live


def test_a_class_video_opens_as_a_conference_page_for_its_members_only(
    app, client, h, lesson, video
):
    started = video()
    stranger = outsider(client, h)
    _login(client, "hocsinh")
    page = client.get(f"/conference/{started['conference_id']}")
    assert page.status_code == 200 and "Lý Thị Quỳnh" in page.get_data(as_text=True)
    other = app.test_client()
    _login(other, stranger, "hoc-sinh-2026")
    assert other.get(f"/conference/{started['conference_id']}").status_code == 403


# -- signaling -------------------------------------------------------------------------------


@pytest.fixture
def person(app, client, h, lesson, media):
    """A device of a member of the lesson, joined to the class video over /conference."""
    made: list[Site] = []

    def join(username: str) -> Site:
        ticket = client.post(
            f"/api/v1/lessons/{lesson['id']}/video/pass", headers=h(username)
        ).get_json()
        device = Site(app, username)
        device.ok("join", conference_id=ticket["conference_id"], token=ticket["token"])
        device.conference_id = ticket["conference_id"]  # type: ignore[attr-defined]
        made.append(device)
        return device

    yield join
    for device in made:
        device.close()


@pytest.mark.sockets
def test_only_the_teacher_gives_the_floor_and_students_send_only_on_it(app, video, person):
    started = video()
    teacher, student, other = person("giaovien"), person("hocsinh"), person("hs01")
    me = code_of("hocsinh")
    student.refused("give_floor", "not_host", site=me)
    student.refused("take_floor", "not_host")
    student.refused("mute_all", "not_host")
    student.refused("publish", "not_on_floor", sdp="v=0\r\nm=video 9\r\n")
    student.refused("subscribe", "not_visible", site=code_of("hs01"), sdp="v=0\r\nm=video 9\r\n")
    assert teacher.ok("give_floor", site=me)["site"] == me
    assert other.events("floor_changed") == [{"site": me}]
    hub = engine(app).rooms[started["conference_id"]]  # type: ignore[attr-defined]
    assert hub.audible == {code_of("giaovien"), me}  # the other students stay silent
    student.refused("publish", "invalid_sdp", sdp="not an sdp")  # it may publish now
    assert teacher.ok("take_floor")["site"] is None
    assert hub.audible == {code_of("giaovien")}
    student.refused("publish", "not_on_floor", sdp="v=0\r\nm=video 9\r\n")


@pytest.mark.sockets
def test_an_ended_class_video_cannot_be_joined(app, client, h, lesson, video, media):
    video()
    ticket = client.post(
        f"/api/v1/lessons/{lesson['id']}/video/pass", headers=h("hocsinh")
    ).get_json()
    client.delete(f"/api/v1/lessons/{lesson['id']}/video", headers=h("giaovien"))
    device = Site(app, "hocsinh")
    device.refused(
        "join",
        "conference_ended",
        conference_id=ticket["conference_id"],
        **{"token": ticket["token"]},
    )
    device.close()


async def _publish(device: Site, **camera: Any) -> RTCPeerConnection:
    loop = asyncio.get_running_loop()
    pc = RTCPeerConnection(NO_ICE_SERVERS)
    pc.addTrack(Camera(**camera))
    pc.addTrack(AudioStreamTrack())
    await pc.setLocalDescription(await pc.createOffer())
    ack = await loop.run_in_executor(
        None, lambda: device.ok("publish", sdp=pc.localDescription.sdp)
    )
    await pc.setRemoteDescription(RTCSessionDescription(sdp=ack["sdp"], type="answer"))
    return pc


class ViaSocket:
    """Subscribe through a device's /conference signaling (for tests.conference.peers)."""

    def __init__(self, device: Site) -> None:
        self.device = device

    def subscribe(self, _conference: int, _site: str, source: str, offer: str) -> str:
        return self.device.ok("subscribe", site=source, sdp=offer)["sdp"]


@pytest.mark.sockets
def test_the_teacher_reaches_two_students_and_a_called_student_reaches_all(video, person):
    started = video()
    teacher, first, second = person("giaovien"), person("hocsinh"), person("hs01")
    cid, host, called = started["conference_id"], code_of("giaovien"), code_of("hocsinh")

    async def scenario() -> None:
        camera = await _publish(teacher, width=640, height=360)
        watchers = [
            await Receiver().start(ViaSocket(device), cid, "", host) for device in (first, second)
        ]
        assert await until(lambda: all(w.frames >= 10 for w in watchers))
        assert all(w.sizes == {(640, 360)} for w in watchers)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, lambda: teacher.ok("give_floor", site=called))
        floor = await _publish(first)
        hearing = [
            await Receiver().start(ViaSocket(device), cid, "", called)
            for device in (teacher, second)
        ]
        assert await until(lambda: all(w.frames >= 10 for w in hearing))
        assert await until(lambda: all(w.audio_frames >= 10 for w in hearing))
        for each in [*watchers, *hearing]:
            await each.close()
        await camera.close()
        await floor.close()

    asyncio.run(asyncio.wait_for(scenario(), 120))
