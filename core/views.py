"""The home page, the language switcher, liveness and readiness."""

from __future__ import annotations

from flask import current_app, jsonify, redirect, render_template, request, session
from flask_login import current_user, login_required

from core.extensions import limiter
from core.http import safe_next
from core.readiness import readiness
from core.transaction import CommittingBlueprint

bp = CommittingBlueprint("views", __name__)


def add_home_panel(app, template: str, context_fn) -> None:
    """A feature shows a panel on the home page: a template and a function giving its context."""
    app.extensions.setdefault("sohoa_home_panels", []).append((template, context_fn))


@bp.get("/")
@login_required
def home():
    panels = []
    for template, context_fn in current_app.extensions.get("sohoa_home_panels", []):
        context = context_fn(current_user)
        if context is not None:
            panels.append((template, context))
    return render_template("core/home.html", panels=panels)


@bp.get("/lang/<code>")
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
    return redirect(safe_next(request.args.get("next")))


@bp.get("/healthz")
@limiter.exempt
def health():
    """Liveness: answers at once, with no database query and no rate limit (a join storm
    can hold every pooled connection for a while; the process is still alive)."""
    return jsonify(status="ok")


@bp.get("/readyz")
@limiter.exempt
def ready():
    """Readiness: the database, Redis and the media server this process needs answer
    (core.readiness); 503 with each part's answer when one does not."""
    ok, parts = readiness(current_app._get_current_object())  # type: ignore[attr-defined]
    return jsonify(status="ready" if ok else "not_ready", checks=parts), 200 if ok else 503


@bp.get("/favicon.ico")
def favicon():
    return redirect("/static/favicon.svg", code=301)
