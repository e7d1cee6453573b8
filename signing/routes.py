"""Ký số văn bản: pages and /api/v1 endpoints."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

bp = Blueprint("signing", __name__, template_folder="templates", url_prefix="/signing")


@bp.get("/")
@login_required
def index():
    return render_template("signing/index.html")
