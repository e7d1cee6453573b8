"""Họp không giấy: pages and /api/v1 endpoints."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("meetings", __name__, template_folder="templates", url_prefix="/meetings")


@bp.get("/")
@login_required
def index():
    return render_template("meetings/index.html")
