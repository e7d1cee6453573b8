"""Video in the live lesson (/api/v1): the teacher turns it on and off; every member of
the lesson asks for a pass (the conference and a join token) for their device."""

from __future__ import annotations

from flask import jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from classroom import video
from classroom.access import ClassRight, lesson_standing
from classroom.events import publish
from core.api import api_blueprint

api = api_blueprint("api_classroom_video", __name__)


@api.post("/lessons/<int:lesson_id>/video")
@login_required
def start_video(lesson_id: int) -> ResponseReturnValue:
    """The teacher turns the class video on: {active, conference_id}; the lesson is told."""
    teacher = lesson_standing(lesson_id, current_user, ClassRight.TEACH)
    payload = video.video_payload(video.start_video(teacher))
    publish("video_changed", payload, lesson_id)
    return jsonify(payload)


@api.delete("/lessons/<int:lesson_id>/video")
@login_required
def stop_video(lesson_id: int) -> ResponseReturnValue:
    """The teacher turns the class video off; the lesson is told."""
    teacher = lesson_standing(lesson_id, current_user, ClassRight.TEACH)
    payload = video.video_payload(video.stop_video(teacher))
    publish("video_changed", payload, lesson_id)
    return jsonify(payload)


@api.post("/lessons/<int:lesson_id>/video/pass")
@login_required
def video_pass(lesson_id: int) -> ResponseReturnValue:
    """For the caller's device: {active:false}, or {active, conference_id, token, site,
    chair, conference} to join the class video over /conference."""
    return jsonify(video.video_pass(lesson_standing(lesson_id, current_user)))
