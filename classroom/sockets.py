"""Namespace ``/classroom``: the live lesson.

Every event parses its payload with one schema, loads the caller's standing in the
lesson once (``classroom.access.lesson_standing``), requires the right it needs and
hands the standing to the rule; ``socket_event`` commits once and then publishes.
Bursts (answers, joins, hands) go out through a coalescer, a few messages a second."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from flask import current_app, session
from flask_babel import gettext as _
from flask_socketio import join_room, leave_room, rooms

from classroom import admission, board, groups, polls, room, strokes
from classroom.access import ClassRight, LessonStanding, lesson_not_found, lesson_standing
from classroom.events import (
    NAMESPACE,
    Coalescer,
    publish,
    publish_teachers,
    room_name,
    teachers_room,
)
from classroom.models import LessonConnection, Poll, PollStatus
from classroom.schemas import (
    AnswerIn,
    AttendanceIn,
    BoardPageIn,
    HandIn,
    InLesson,
    JoinIn,
    OpenPollIn,
    PageIn,
    PenIn,
    PollRef,
    StrokeIn,
)
from classroom.services import lesson_material
from classroom.sockets_work import LessonWork, in_lesson
from core import transaction
from core.errors import DomainError
from core.extensions import db, socketio
from core.live_document import turn_page
from core.models import User
from core.nodes import add_sweeper, gone_devices
from core.realtime import (
    AuthenticatedNamespace,
    ack_error,
    connection_sid,
    crowd_event,
    socket_event,
    socket_user,
)
from core.schemas import parse
from core.transaction import after_commit

RESULTS_INTERVAL = 0.25  # seconds: poll counts, at most four messages a second
PRESENCE_INTERVAL = 0.5
P = TypeVar("P", bound=InLesson)


def _poll_message(poll_id: int) -> tuple[str, dict[str, Any], str] | None:
    poll = db.session.get(Poll, poll_id)
    if poll is None or poll.status != PollStatus.OPEN:
        return None
    return "poll_results", polls.results(poll), room_name(poll.lesson_id)


def _hands_message(lesson_id: int) -> tuple[str, dict[str, Any], str]:
    return "hands_changed", room.hands(lesson_id), room_name(lesson_id)


poll_counts = Coalescer(RESULTS_INTERVAL, _poll_message)
presence = Coalescer(PRESENCE_INTERVAL, room.attendance_message)
hand_queue = Coalescer(RESULTS_INTERVAL, _hands_message)


def _touch(coalescer: Coalescer, key: int) -> None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    after_commit(lambda: coalescer.touch(app, key))


_in_lesson = in_lesson


def _act(
    user: User,
    data: dict[str, Any],
    schema: type[P],
    rights: tuple[ClassRight, ...],
    event: str,
    rule: Callable[[LessonStanding, P], dict[str, Any]],
) -> dict[str, Any]:
    """The shape of most lesson events (as in the meeting room): parse the payload, load
    and check the standing, apply the rule, tell the lesson after the commit, answer with
    the same payload."""
    request = parse(schema, data)
    found = _in_lesson(user, request, *rights)
    payload = rule(found, request)
    publish(event, payload, found.the_lesson.id)
    return payload


def _draw_right(data: StrokeIn) -> strokes.DrawRight:
    """The connection's kept right to draw, loaded (and kept) when missing or stale."""
    sid = connection_sid()
    right = strokes.rights.for_batch(sid, data, session)
    if right is None:
        right = strokes.load_right(_in_lesson(socket_user(), data))
        strokes.rights.put(sid, right)
    return right


def _group_rooms(lesson_id: int, keep: str | None) -> None:
    """Leave the group rooms of the lesson but ``keep``."""
    prefix = f"lesson:{lesson_id}:group:"
    for name in rooms(namespace=NAMESPACE):
        if name.startswith(prefix) and name != keep:
            leave_room(name)


class ClassroomNamespace(LessonWork, AuthenticatedNamespace):
    """Join, follow the teacher's slides, the whiteboard, polls, hands, attendance."""

    def limited_credential(self, auth: Any) -> tuple[User, dict[str, Any]] | None:
        """A device admitted with the class's join code: that student, in that lesson only."""
        found = admission.credential_of(session.get("lesson_pass"))
        if found is None:
            return None
        user, credential, lesson_id = found
        session["pass_lesson"] = lesson_id
        return user, credential

    @crowd_event
    def on_join(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        lesson_id = parse(JoinIn, data).lesson_id
        if session.get("pass_lesson") not in (None, lesson_id):
            raise lesson_not_found()  # a join-code pass opens its own lesson only
        found = lesson_standing(lesson_id, user)
        lesson = found.the_lesson
        previous = room.enter(found, connection_sid())
        db.session.commit()  # the check-in is kept even if building the state fails
        strokes.rights.drop(connection_sid())
        if previous is not None:
            leave_room(room_name(previous))
            leave_room(teachers_room(previous))
            _group_rooms(previous, None)
        join_room(room_name(lesson.id))
        if found.is_teacher:
            join_room(teachers_room(lesson.id))
        session["lesson_id"] = lesson.id
        _touch(presence, lesson.id)
        state = room.room_state(found)
        mine = state.get("group")
        keep = groups.group_room(lesson.id, mine["id"]) if mine else None
        _group_rooms(lesson.id, keep)
        if keep:
            join_room(keep)
        return state

    @crowd_event
    def on_leave(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        left = room.leave(connection_sid())
        strokes.rights.drop(connection_sid())
        session.pop("lesson_id", None)
        if left is not None:
            leave_room(room_name(left[0]))
            leave_room(teachers_room(left[0]))
            _touch(presence, left[0])
        return {}

    def on_disconnect(self, reason: Any = None) -> None:
        super().on_disconnect(reason)
        strokes.rights.drop(connection_sid())
        transaction.begin()
        left = room.leave(connection_sid())
        transaction.commit()
        if left is not None:
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            presence.touch(app, left[0])

    # -- slides ------------------------------------------------------------------------

    @socket_event
    def on_change_page(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(PageIn, data)
        found = _in_lesson(user, request, ClassRight.TEACH)
        lesson = found.the_lesson
        material = lesson_material(lesson.id, request.document_id)
        lesson.presenter_id = user.id  # any teacher of the class leads the slides
        payload = turn_page(lesson, user, material.id, material.pages, request.page)
        payload["strokes"] = board.strokes_on(lesson.id, material.id, payload["page"])
        publish("page_changed", payload, lesson.id)
        return payload

    # -- whiteboard --------------------------------------------------------------------

    def trigger_event(self, event: str, *args: Any) -> Any:
        """A stroke batch from a device whose right to draw is kept skips Flask's request
        context (classroom.strokes.draw_kept); every other event takes the usual path."""
        if event == "draw_stroke" and len(args) == 2:
            environ = self.socketio.server.get_environ(args[0], namespace=self.namespace)
            if environ:
                kept = environ.get("saved_session")
                ack = strokes.draw_kept(environ["flask.app"], args[0], kept, args[1])
                if ack is not None:
                    return ack
        return super().trigger_event(event, *args)

    def on_draw_stroke(self, data: Any = None) -> dict[str, Any]:
        """The first batch of a device (its right loaded and kept) and refused batches; the
        others take classroom.strokes.draw_kept. A refusal changes nothing."""
        transaction.begin()
        try:
            if not isinstance(data, dict):
                raise DomainError("invalid_payload", _("Dữ liệu gửi lên không hợp lệ."))
            request = parse(StrokeIn, data)
            app = current_app._get_current_object()  # type: ignore[attr-defined]
            return strokes.draw(app, _draw_right(request), request, connection_sid())
        except DomainError as err:
            return ack_error(err)
        finally:
            transaction.roll_back()  # the fast path writes nothing through the session

    @socket_event
    def on_undo_stroke(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        strokes.writer.flush()
        request = parse(InLesson, data)
        found = _in_lesson(user, request)
        payload = board.undo(found)
        to = strokes.stroke_rooms(found.the_lesson.id, payload["group"])
        after_commit(lambda: socketio.emit("stroke_undone", payload, to=to, namespace=NAMESPACE))
        return payload

    @socket_event
    def on_clear_board(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        strokes.writer.flush()
        return _act(
            user,
            data,
            BoardPageIn,
            (ClassRight.TEACH,),
            "board_cleared",
            lambda found, r: board.clear(found, r.document_id, r.page),
        )

    @socket_event
    def on_give_pen(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        payload = _act(
            user,
            data,
            PenIn,
            (ClassRight.TEACH,),
            "pen_changed",
            lambda found, r: room.give_pen(found, r.user),
        )
        lesson_id = int(data.get("lesson_id") or session.get("lesson_id") or 0)
        after_commit(lambda: strokes.rights.drop_lesson(lesson_id))
        return payload

    # -- hands -------------------------------------------------------------------------

    @crowd_event
    def on_raise_hand(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        found = _in_lesson(user, parse(InLesson, data), ClassRight.LEARN)
        room.raise_hand(found)
        _touch(hand_queue, found.the_lesson.id)
        return {}

    @socket_event
    def on_lower_hand(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(HandIn, data)
        found = _in_lesson(user, request)
        room.lower_hand(found, request.user)
        _touch(hand_queue, found.the_lesson.id)
        return {}

    # -- polls -------------------------------------------------------------------------

    @socket_event
    def on_open_poll(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(user, data, OpenPollIn, (ClassRight.TEACH,), "poll_opened", polls.open_poll)

    @crowd_event
    def on_answer_poll(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(AnswerIn, data)
        found = _in_lesson(user, request, ClassRight.LEARN)
        payload = polls.answer_poll(found, request.poll_id, request.answer)
        _touch(poll_counts, request.poll_id)
        return payload

    @socket_event
    def on_close_poll(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            PollRef,
            (ClassRight.TEACH,),
            "poll_closed",
            lambda found, r: polls.close_poll(found, r.poll_id),
        )

    @socket_event
    def on_reveal_poll(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            PollRef,
            (ClassRight.TEACH,),
            "poll_revealed",
            lambda found, r: polls.reveal(found, r.poll_id),
        )

    # -- attendance --------------------------------------------------------------------

    @socket_event
    def on_mark_attendance(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(AttendanceIn, data)
        found = _in_lesson(user, request, ClassRight.TEACH)
        room.mark_attendance(found, request.user, request.status, request.note)
        students = room.attendance(found.the_lesson)
        publish_teachers(
            "attendance_changed",
            {"lesson_id": found.the_lesson.id, "students": students},
            found.the_lesson.id,
        )
        return {"students": students}


def forget_gone_devices(gone: list[str], cutoff: datetime) -> None:
    """The devices of a server process that is gone have left their lessons (core.nodes),
    as if they had disconnected: attendance and the teacher's list follow."""
    for sid in gone_devices(LessonConnection, gone, cutoff):
        left = room.leave(sid)
        if left is not None:
            _touch(presence, left[0])


def register() -> None:
    socketio.on_namespace(ClassroomNamespace(NAMESPACE))
    add_sweeper(forget_gone_devices)
