"""Accounts through the real app: sign-in/out pages, cookies, CSRF, rate limit, private mode."""

from __future__ import annotations

import io
import re
import stat
import sys

import pytest
from sqlalchemy.orm import Session

from app.cli import main
from app.factory import create_app
from app.settings import Settings, SettingsError
from app.web.models import ROLE_VIEWER, UserRole
from geodata.store.engine import make_engine
from geodata.store.models import User

PASSWORD = "correct horse battery"


def add_user(monkeypatch, url: str, name: str, password: str = PASSWORD) -> None:
    """Add a user with the real ``dxmap user add`` command."""
    monkeypatch.setenv("DXMAP_DATABASE_URL", url)
    monkeypatch.setattr(sys, "stdin", io.StringIO(password + "\n"))
    assert main(["user", "add", name]) == 0


def make_viewer(url: str, name: str) -> None:
    """Make ``name`` (already added) a viewer with the real ``dxmap user add --role viewer``."""
    stdin, sys.stdin = sys.stdin, io.StringIO(PASSWORD + "\n")
    try:
        assert main(["user", "add", name, "--replace", "--role", "viewer"]) == 0
    finally:
        sys.stdin = stdin
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.get(UserRole, name).role == ROLE_VIEWER
    engine.dispose()


def token(page: bytes) -> str:
    found = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "the form has no CSRF token"
    return found.group(1).decode()


def sign_in(client, name: str, password: str = PASSWORD, **extra):
    page = client.get("/login")
    return client.post(
        "/login",
        data={"name": name, "password": password, "csrf_token": token(page.data), **extra},
    )


@pytest.fixture
def app(sqlite_store_url, tmp_path, monkeypatch):
    add_user(monkeypatch, sqlite_store_url, "editor")
    return create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))


def test_dxmap_user_add_stores_a_scrypt_hash(app, sqlite_store_url) -> None:
    engine = make_engine(sqlite_store_url)
    with Session(engine) as session:
        stored = session.get(User, "editor").password_hash
    engine.dispose()
    assert stored.startswith("scrypt:") and PASSWORD not in stored


def test_sign_in_and_out_in_vietnamese_and_english(app) -> None:
    client = app.server.test_client()
    vi = client.get("/login")
    assert vi.status_code == 200 and "Đăng nhập".encode() in vi.data and b'lang="vi"' in vi.data
    en = client.get("/login?lang=en")
    assert b"Sign in" in en.data and b"Password" in en.data and b'lang="en"' in en.data

    wrong = sign_in(client, "editor", "not the password")
    assert wrong.status_code == 401 and "Sai tên đăng nhập".encode() in wrong.data
    unknown = sign_in(client, "nobody")
    assert unknown.status_code == 401

    done = sign_in(client, "editor", next="/?lang=en")
    assert done.status_code == 302 and done.headers["Location"] == "/?lang=en"
    cookie = done.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert b"editor" in client.get("/logout?lang=en").data

    form = client.get("/logout")
    signed_out = client.post("/logout", data={"csrf_token": token(form.data)})
    assert "Bạn đã đăng xuất".encode() in signed_out.data
    assert b"Signed in as" not in client.get("/login?lang=en").data


def test_sign_in_never_redirects_to_another_site(app) -> None:
    client = app.server.test_client()
    for target in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        done = sign_in(client, "editor", next=target)
        assert done.headers["Location"] == "/", target


def test_posts_without_the_csrf_token_are_refused(app) -> None:
    client = app.server.test_client()
    assert client.post("/login", data={"name": "editor", "password": PASSWORD}).status_code == 400
    sign_in(client, "editor")
    assert client.post("/logout").status_code == 400
    assert b"Signed in as" in client.get("/login?lang=en").data  # still signed in


def test_sign_in_attempts_are_rate_limited(app) -> None:
    client = app.server.test_client()
    statuses = [sign_in(client, "editor", "wrong password").status_code for _ in range(7)]
    assert statuses[:5] == [401] * 5
    assert statuses[-1] == 429
    limited = sign_in(client, "editor")  # even the right password waits
    assert limited.status_code == 429 and limited.headers["Retry-After"]


def test_secure_cookies_behind_https(sqlite_store_url, tmp_path, monkeypatch) -> None:
    add_user(monkeypatch, sqlite_store_url, "editor")
    settings = Settings(
        database_url=sqlite_store_url, instance_dir=tmp_path, secure_cookies=True, proxy_hops=1
    )
    client = create_app(settings).server.test_client()
    headers = {"X-Forwarded-Proto": "https"}
    page = client.get("/login", headers=headers)
    done = client.post(
        "/login",
        data={"name": "editor", "password": PASSWORD, "csrf_token": token(page.data)},
        headers={**headers, "Referer": "https://localhost/login"},  # checked over HTTPS
    )
    assert done.status_code == 302
    assert "Secure" in done.headers["Set-Cookie"]
    assert "max-age" in client.get("/login", headers=headers).headers["Strict-Transport-Security"]


def test_private_mode_needs_sign_in_for_everything(sqlite_store_url, tmp_path, monkeypatch):
    add_user(monkeypatch, sqlite_store_url, "viewer")
    make_viewer(sqlite_store_url, "viewer")
    settings = Settings(database_url=sqlite_store_url, instance_dir=tmp_path, private=True)
    client = create_app(settings).server.test_client()
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    assert client.get("/api/v1/vintages").status_code == 401
    assert client.get("/geo/2020/district.geojson").status_code == 401
    assert client.get("/_dash-layout").status_code == 401
    assert client.get("/assets/dxmap-web.css").status_code == 200  # the sign-in page's style
    sign_in(client, "viewer")
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/api/v1/vintages").status_code == 200


def test_viewing_needs_no_account_by_default(app) -> None:
    client = app.server.test_client()
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/api/v1/vintages").status_code == 200


def test_a_generated_secret_key_is_kept_private_in_the_instance(sqlite_store_url, tmp_path):
    create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    key_file = tmp_path / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 40
    again = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    assert again.server.secret_key == key  # sessions survive a restart


@pytest.mark.parametrize("key", ["dev-only-not-secret", "changeme", "short"])
def test_a_known_default_secret_key_is_refused(sqlite_store_url, tmp_path, key) -> None:
    settings = Settings(database_url=sqlite_store_url, instance_dir=tmp_path, secret_key=key)
    with pytest.raises(SettingsError, match="DXMAP_SECRET_KEY"):
        create_app(settings)
