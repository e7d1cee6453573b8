"""Sign-in and sign-out for people (the API uses bearer tokens, see core.api)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from core import audit, login_guard
from core.errors import error_body
from core.extensions import db
from core.http import safe_next
from core.models import User
from core.security import authenticate, end_sessions
from core.transaction import CommittingBlueprint

bp = CommittingBlueprint("auth", __name__)

# What a browser drops at sign-out (Clear-Site-Data): the HTTP cache, and the storage that
# holds meeting documents kept for reading offline (Cache API, service worker, local notes).
LOGOUT_CLEAR_SITE_DATA = '"cache", "storage"'


class LoginForm(FlaskForm):
    username = StringField(_l("Tên đăng nhập"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Mật khẩu"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Ghi nhớ đăng nhập"))


def load_user(login_id: str) -> User | None:
    """The user of a session or remember cookie, while its session epoch is current."""
    user_id, _sep, epoch = str(login_id).partition(":")
    try:
        user = db.session.get(User, int(user_id))
        issued = int(epoch)
    except (TypeError, ValueError):
        return None
    if user is None or issued != (user.session_epoch or 0):
        return None
    return user


def unauthorized():
    if request.path.startswith("/api/"):
        return error_body("unauthorized", _("Bạn cần đăng nhập để tiếp tục.")), 401
    return redirect(url_for("auth.login", next=request.full_path))


def _next_page() -> str:
    return safe_next(request.args.get("next"), url_for("views.home"))


def _attempt(form: LoginForm) -> User | None:
    """The throttled check of the form's credentials (TooManyAttempts when refused)."""
    login_guard.check(form.username.data)
    user = authenticate(form.username.data, form.password.data)
    if user is None:
        login_guard.failed(form.username.data)
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_next_page())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = _attempt(form)
        except login_guard.TooManyAttempts as refused:
            flash(str(refused.message), "error")
            return render_template("core/login.html", form=form), 429, refused.headers
        if user is not None:
            login_user(user, remember=form.remember.data)
            audit.record("auth.login", user.id, "user", user.id)
            return redirect(_next_page())
        flash(_("Tên đăng nhập hoặc mật khẩu không đúng."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("core/login.html", form=form, errors=_form_errors(form)), status


def _form_errors(form: LoginForm) -> dict[str, str]:
    """Each field the sign-in form refused, named in words ("Thiếu mật khẩu.")."""
    fields = {"username": (_("tên đăng nhập"), 80), "password": (_("mật khẩu"), 200)}
    errors: dict[str, str] = {}
    for name, (label, longest) in fields.items():
        field = form[name]
        if not field.errors:
            continue
        if not (field.data or "").strip():
            errors[name] = _("Thiếu %(field)s.", field=label)
        else:
            text = _("%(field)s dài quá %(n)s ký tự.", field=label, n=longest)
            errors[name] = text[:1].upper() + text[1:]
    return errors


@bp.post("/logout")
@login_required
def logout():
    """Ends this session and every other one of the user (cookies copied before too)."""
    end_sessions(current_user._get_current_object())
    logout_user()
    flash(_("Bạn đã đăng xuất."), "info")
    response = redirect(url_for("auth.login"))
    # A shared tablet keeps nothing of this user: documents kept for reading offline, notes
    # not yet sent, the HTTP cache (the meeting room's service worker drops them too).
    response.headers["Clear-Site-Data"] = LOGOUT_CLEAR_SITE_DATA
    return response
