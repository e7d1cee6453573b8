"""What schools and the education office see: the queue, one dossier, statistics, CSV."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from core.errors import Forbidden
from core.extensions import db
from core.models import User
from enrollment import codes
from enrollment.models import Dossier, DossierChoice, DossierStatus, OutboxMessage, SupportingFile
from enrollment.notify import STATUS_TEXT
from enrollment.review import is_office_staff, staff_school_codes
from enrollment.rounds import RoundInfo
from enrollment.tracking import event_dict, not_found

QUEUE_PAGE = 100


def dossier_by_code(raw: str) -> Dossier:
    dossier = db.session.scalar(select(Dossier).where(Dossier.code == codes.normalize(raw)))
    if dossier is None:
        raise not_found()
    return dossier


def require_office(user: User, info: RoundInfo) -> None:
    if not is_office_staff(user, info):
        raise Forbidden("not_office", _l("Chỉ phòng giáo dục được thực hiện thao tác này."))


def require_staff(user: User, info: RoundInfo) -> set[str] | None:
    """None for the office (every school), else the codes of the caller's schools."""
    if is_office_staff(user, info):
        return None
    mine = staff_school_codes(user, info)
    if not mine:
        raise Forbidden("not_reviewer", _l("Bạn không phải cán bộ tuyển sinh của đợt này."))
    return mine


def queue(info: RoundInfo, schools: set[str] | None, status: str = "", school: str = "",
          text: str = "", flagged: bool = False) -> list[Dossier]:
    query = select(Dossier).where(Dossier.round_id == info.id)
    wanted = {school} if school else schools
    if wanted is not None:
        query = query.where(Dossier.id.in_(
            select(DossierChoice.dossier_id).where(DossierChoice.school_code.in_(wanted))
        ))
    if status in DossierStatus.__members__.values():
        query = query.where(Dossier.status == DossierStatus(status))
    if flagged:
        query = query.where(Dossier.needs_age_review.is_(True))
    if text:
        like = f"%{text.strip()}%"
        query = query.where(or_(
            Dossier.code == codes.normalize(text), Dossier.full_name.ilike(like),
            Dossier.personal_id == text.strip(), Dossier.guardian_phone == text.strip(),
        ))
    return list(db.session.scalars(query.order_by(Dossier.id).limit(QUEUE_PAGE)))


def dossier_dict(d: Dossier) -> dict[str, Any]:
    files = db.session.scalars(select(SupportingFile).where(SupportingFile.dossier_id == d.id))
    return {
        "code": d.code, "status": d.status.value, "status_label": STATUS_TEXT[d.status],
        "child": {"full_name": d.full_name, "date_of_birth": d.date_of_birth.isoformat(),
                  "gender": d.gender, "personal_id": d.personal_id},
        "guardian": {"full_name": d.guardian_name, "phone": d.guardian_phone,
                     "email": d.guardian_email},
        "residence": {"ward_code": d.ward_code, "address": d.address},
        "choices": [c.school_code for c in d.choices], "priority_group": d.priority_group,
        "primary_school": d.primary_school, "age_reason": d.age_reason,
        "needs_age_review": d.needs_age_review, "note": d.note,
        "files": [{"kind": f.kind, "sha256": f.sha256, "content_type": f.content_type}
                  for f in files],
        "history": [event_dict(e) for e in d.events],
    }


def statistics(info: RoundInfo) -> list[dict[str, Any]]:
    """Per school: applications naming it, first-choice demand, capacity, fill."""
    rows = db.session.execute(
        select(DossierChoice.school_code, DossierChoice.rank, func.count())
        .join(Dossier, Dossier.id == DossierChoice.dossier_id)
        .where(Dossier.round_id == info.id, Dossier.status != DossierStatus.REJECTED)
        .group_by(DossierChoice.school_code, DossierChoice.rank)
    ).all()
    any_choice: dict[str, int] = {}
    first: dict[str, int] = {}
    for code, rank, count in rows:
        any_choice[code] = any_choice.get(code, 0) + count
        if rank == 1:
            first[code] = count
    taken = dict(db.session.execute(
        select(Dossier.offered_school_id, func.count())
        .where(Dossier.round_id == info.id,
               Dossier.status.in_((DossierStatus.OFFERED, DossierStatus.CONFIRMED)))
        .group_by(Dossier.offered_school_id)
    ).tuples().all())
    return [
        {"code": s.code, "name": s.name, "capacity": s.capacity,
         "applications": any_choice.get(s.code, 0), "first_choice": first.get(s.code, 0),
         "demand_ratio": round(first.get(s.code, 0) / s.capacity, 2) if s.capacity else None,
         "offered": taken.get(s.org_id, 0),
         "fill": round(taken.get(s.org_id, 0) / s.capacity, 2) if s.capacity else None}
        for s in info.schools.values()
    ]


def export_csv(info: RoundInfo, schools: set[str] | None) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("dossier_code", "status", "full_name", "date_of_birth", "ward_code",
                     "choices", "priority_group", "lottery_number"))
    for d in queue(info, schools) if schools is not None else _all(info):
        writer.writerow((d.code, d.status.value, d.full_name, d.date_of_birth.isoformat(),
                         d.ward_code, "|".join(c.school_code for c in d.choices),
                         d.priority_group or "", d.lottery_number or ""))
    return out.getvalue()


def _all(info: RoundInfo) -> list[Dossier]:
    return list(db.session.scalars(
        select(Dossier).where(Dossier.round_id == info.id).order_by(Dossier.id)
    ))


def outbox(info: RoundInfo, limit: int = 100) -> list[tuple[OutboxMessage, str]]:
    rows = db.session.execute(
        select(OutboxMessage, Dossier.code).join(Dossier, Dossier.id == OutboxMessage.dossier_id)
        .where(Dossier.round_id == info.id).order_by(OutboxMessage.id.desc()).limit(limit)
    ).tuples().all()
    return list(rows)
