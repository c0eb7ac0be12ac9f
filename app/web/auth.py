"""Accounts: sign-in and sign-out pages (vi/en), sessions, CSRF, rate limit, private mode.

- Flask-Login keeps the signed-in user in the (signed, HttpOnly, SameSite=Lax) session cookie.
- Flask-WTF's ``CSRFProtect`` checks a token on every POST/PUT/PATCH/DELETE. Two views are
  exempt because they change nothing: Dash's callback route (every callback of the map only
  reads; a cross-site page cannot send its JSON body without a CORS preflight) and the
  read-only API (its POSTs answer 405).
- Flask-Limiter limits sign-in attempts per client address, counted in the store
  (:mod:`app.web.rate_limit`): every worker and server of one store shares the count.
- Users are those of ``dxmap user add``; a row in ``app_user_role`` may make one a ``viewer``
  (no row: ``editor``, as the command says). Passwords are checked with werkzeug's
  ``check_password_hash`` (scrypt for hashes made by ``dxmap user add``).
- ``DXMAP_PRIVATE=1``: every page needs a signed-in user (viewer or editor).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from app.web import rate_limit
from app.web.models import ROLE_EDITOR, UserRole
from app.web.negotiate import wants_html
from app.web.texts import lang_of, tr
from geodata.store.models import User

log = logging.getLogger(__name__)
SIGN_IN_LIMIT = "5 per minute;30 per hour"
# A hash to compare against when the user does not exist, so both cases take as long.
_DUMMY_HASH = "scrypt:32768:8:1$dummysaltdummysa$" + "0" * 128


@dataclass(frozen=True)
class Account:
    """The signed-in user as Flask-Login sees it."""

    name: str
    role: str

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.name

    @property
    def is_editor(self) -> bool:
        return self.role == ROLE_EDITOR


class SignInForm(FlaskForm):
    name = StringField(validators=[DataRequired(), Length(max=100)])
    password = PasswordField(validators=[DataRequired(), Length(max=1000)])


def load_account(engine: Engine, name: str) -> Account | None:
    """Return the account ``name`` with its role, or ``None``."""
    with Session(engine) as session_:
        user = session_.get(User, name)
        if user is None:
            return None
        role = session_.get(UserRole, name)
        return Account(user.name, role.role if role else ROLE_EDITOR)


def check_password(engine: Engine, name: str, password: str) -> Account | None:
    """Return the account if ``password`` is the user's, else ``None``."""
    with Session(engine) as session_:
        user = session_.get(User, name)
        stored = user.password_hash if user else _DUMMY_HASH
    try:
        ok = check_password_hash(stored, password)
    except ValueError:  # an unknown hash format
        ok = False
    return load_account(engine, name) if ok and user is not None else None


def page_lang() -> str:
    """Return the language of a server-rendered page (``?lang=en``; default Vietnamese)."""
    return lang_of(request.args.get("lang") or request.form.get("lang"))


def safe_next(target: str | None) -> str:
    """Return a local path to go to after sign-in (never another site)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def editor_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let only a signed-in editor through: sign-in redirect (anonymous) or 403 (viewer)."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            if wants_html():
                return redirect(
                    url_for("dxmap_auth.login", next=request.full_path, lang=page_lang())
                )
            abort(403)
        if not current_user.is_editor:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def install_auth(server: Flask, engine: Engine, private: bool = False) -> CSRFProtect:
    """Add the sign-in pages, sessions, CSRF protection and the sign-in rate limit."""
    manager = LoginManager(server)
    manager.session_protection = "strong"
    manager.login_view = "dxmap_auth.login"
    manager.user_loader(lambda name: load_account(engine, name))
    csrf = CSRFProtect(server)
    csrf.exempt("dash.dash.dispatch")  # read-only callbacks (see the module docstring)
    if "dxmap_api" in server.blueprints:
        csrf.exempt(server.blueprints["dxmap_api"])
    server.config.setdefault("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    limiter = Limiter(
        get_remote_address,
        app=server,
        storage_uri=f"{rate_limit.SCHEME}://",
        storage_options={"engine": engine},
    )
    server.extensions["dxmap.csrf"] = csrf
    server.extensions["dxmap.limiter"] = limiter

    bp = Blueprint("dxmap_auth", __name__, template_folder="templates")

    @bp.route("/login", methods=["GET", "POST"])
    @limiter.limit(SIGN_IN_LIMIT, methods=["POST"])
    def login() -> Any:
        lang = page_lang()
        form = SignInForm()
        error = None
        if form.validate_on_submit():
            account = check_password(engine, form.name.data.strip(), form.password.data)
            if account is not None:
                session.clear()  # a new session at sign-in (no fixation)
                login_user(account)
                log.info("sign-in: %s", account.name)
                return redirect(safe_next(request.values.get("next")))
            log.info("failed sign-in for %r from %s", form.name.data[:100], request.remote_addr)
            error = tr("bad_login", lang)
        elif request.method == "POST":
            error = tr("bad_login", lang)
        status = 401 if error else 200
        page = render_template(
            "login.html", form=form, lang=lang, tr=tr, error=error, next=request.values.get("next")
        )
        return page, status

    @bp.route("/logout", methods=["GET", "POST"])
    def logout() -> Any:
        lang = page_lang()
        if request.method == "POST":  # CSRF-checked: a link cannot sign anyone out
            logout_user()
            session.clear()
            return render_template("logout.html", lang=lang, tr=tr, done=True)
        return render_template("logout.html", lang=lang, tr=tr, done=False)

    server.register_blueprint(bp)

    @server.errorhandler(RateLimitExceeded)
    def too_many(_error: RateLimitExceeded) -> Response:
        lang = page_lang()
        form = SignInForm()
        page = render_template(
            "login.html", form=form, lang=lang, tr=tr, error=tr("too_many", lang)
        )
        response = make_response(page, 429)
        response.headers["Retry-After"] = "60"
        return response

    @server.errorhandler(CSRFError)
    def csrf_failed(_error: CSRFError) -> Response:
        return make_response(tr("csrf_failed", page_lang()), 400)

    if private:
        open_endpoints = {"dxmap_auth.login", "dxmap_auth.logout", "dxmap_health"}

        @server.before_request
        def sign_in_first() -> Any:
            if current_user.is_authenticated:
                return None
            if request.endpoint in open_endpoints or request.path.startswith("/assets/"):
                return None
            if wants_html():
                return redirect(
                    url_for("dxmap_auth.login", next=request.full_path, lang=page_lang())
                )
            return Response(
                '{"error":{"status":401,"message":"sign in first"}}',
                401,
                mimetype="application/json",
            )

    return csrf
