"""Two ``dxmap serve`` on one PostgreSQL behave as one: an import through one is seen by the very
next request to the other, and the sign-in limit counts the attempts made to both.

Nothing that changes an answer lives in one process: answers come from the store's roll-ups,
caches are keyed by the store's data version, and the rate limit is counted in the store.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.integration.test_accounts import PASSWORD, add_user
from tests.integration.test_serve import Server

pytestmark = pytest.mark.postgres
VIEW = "indicator=fibre_households&period=2024&vintage=2020&level=village&parent=26677"


@pytest.fixture
def pg_store_url(request: pytest.FixtureRequest) -> str:
    from tests.conftest import _drop_database, _fresh_postgres_url

    admin_url = request.getfixturevalue("_pg_admin_url")
    url, name = _fresh_postgres_url(admin_url, request.getfixturevalue("_base_postgres"))
    request.addfinalizer(lambda: _drop_database(admin_url, name))
    return url


def _token(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, page[:500]
    return found.group(1)


def _sign_in(server: Server, name: str, password: str, client: str) -> requests.Response:
    session = requests.Session()
    session.headers["X-Forwarded-For"] = client  # DXMAP_PROXY_HOPS=1: the client's address
    page = session.get(server.url("/login"), timeout=30)
    response = session.post(
        server.url("/login"),
        data={"name": name, "password": password, "csrf_token": _token(page.text)},
        allow_redirects=False,
        timeout=30,
    )
    response.session = session  # type: ignore[attr-defined]
    return response


def _village_values(server: Server) -> dict[str, float | None]:
    answer = requests.get(server.url(f"/api/v1/values?{VIEW}"), timeout=30).json()
    return {item["code"]: item["value"] for item in answer["items"]}


def test_two_servers_on_one_store_answer_as_one(
    pg_store_url: str, tmp_path: Path, monkeypatch
) -> None:
    add_user(monkeypatch, pg_store_url, "editor")
    env = {"DXMAP_PROXY_HOPS": "1", "DXMAP_WORKERS": "2"}
    servers = []
    for name in ("a", "b"):
        folder = tmp_path / name
        folder.mkdir()
        servers.append(Server(folder, pg_store_url, env=env))
    a, b = servers
    try:
        for server in servers:
            server.wait()
        before = _village_values(b)
        code = sorted(before)[0]

        # An import through A: sign in, preview, commit (the web import page).
        signed = _sign_in(a, "editor", PASSWORD, "198.51.100.1")
        assert signed.status_code == 302, signed.text[:500]
        session = signed.session  # type: ignore[attr-defined]
        page = session.get(a.url("/import/"), timeout=30).text
        csv = f"code,period,indicator,numerator,denominator\n{code},2024,fibre_households,1,4\n"
        preview = session.post(
            a.url("/import/preview"),
            data={"csrf_token": _token(page), "kind": "values"},
            files={"file": ("one.csv", csv.encode(), "text/csv")},
            timeout=60,
        )
        assert preview.status_code == 200, preview.text[:500]
        sha = re.search(r'name="sha" value="([0-9a-f]{64})"', preview.text).group(1)
        done = session.post(
            a.url("/import/commit"),
            data={"csrf_token": _token(preview.text), "sha": sha},
            timeout=60,
        )
        assert done.status_code == 200, done.text[:500]

        # The very next request to B sees the new value (B's caches were warm before).
        after = _village_values(b)
        assert after[code] == pytest.approx(25.0) and before[code] != after[code]
        assert {k: v for k, v in after.items() if k != code} == {
            k: v for k, v in before.items() if k != code
        }

        # Six wrong passwords from one client, spread over both servers: the sixth is refused.
        answers = [
            _sign_in(server, "editor", "wrong password", "203.0.113.7").status_code
            for server in (a, b, a, b, a, b)
        ]
        assert answers == [401, 401, 401, 401, 401, 429], answers
        # Another client is not held back by it.
        assert _sign_in(b, "editor", PASSWORD, "198.51.100.2").status_code == 302
    finally:
        logs = [server.stop() for server in servers]
    assert all("Traceback" not in log for log in logs), logs
