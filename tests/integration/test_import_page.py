"""The import page through the real app: who may use it, template, preview, commit, rollback."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.factory import create_app
from app.settings import Settings
from app.web.models import AuditEntry
from geodata.store.engine import make_engine
from geodata.store.models import ImportBatch, Observation
from tests.integration.test_accounts import add_user, make_viewer, sign_in, token

# What Chromium sends for a page: its ``best`` type is not text/html
CHROMIUM_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,"
    "*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
DISTRICTS = "/api/v1/values?indicator=fibre_households&period=2024&vintage=2020&level=district"


@pytest.fixture
def app(sqlite_store_url, tmp_path, monkeypatch):
    add_user(monkeypatch, sqlite_store_url, "editor")
    add_user(monkeypatch, sqlite_store_url, "viewer")
    make_viewer(sqlite_store_url, "viewer")
    return create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))


@pytest.fixture
def editor(app):
    client = app.server.test_client()
    assert sign_in(client, "editor").status_code == 302
    return client


def template(client, **query) -> list[list[str]]:
    args = {"vintage": "2020", "level": "village", "format": "csv"} | query
    response = client.get("/import/template", query_string=args)
    assert response.status_code == 200, response.data[:300]
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def upload(client, rows: list[list[str]], name: str = "values.csv"):
    page = client.get("/import/")
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = {
        "csrf_token": token(page.data),
        "kind": "values",
        "file": (io.BytesIO(out.getvalue().encode()), name),
    }
    return client.post(
        "/import/preview", data=data, content_type="multipart/form-data", follow_redirects=True
    )


def commit(client, preview_page: bytes):
    sha = re.search(rb'name="sha" value="([0-9a-f]{64})"', preview_page).group(1).decode()
    return client.post(
        "/import/commit",
        data={"csrf_token": token(preview_page), "sha": sha},
        follow_redirects=True,
    )


def district_values(client) -> dict[str, float]:
    return {i["code"]: i["value"] for i in client.get(DISTRICTS).get_json()["items"]}


def stored(url: str) -> list[tuple]:
    engine = make_engine(url)
    with Session(engine) as session:
        rows = session.execute(
            select(
                Observation.indicator_key,
                Observation.period,
                Observation.code,
                Observation.numerator,
                Observation.denominator,
                Observation.value,
                Observation.source_key,
            ).order_by(Observation.id)
        ).all()
    engine.dispose()
    return sorted((tuple(r) for r in rows), key=repr)  # a restored row gets a new id


def batches(url: str) -> int:
    engine = make_engine(url)
    with Session(engine) as session:
        count = session.scalar(select(func.count(ImportBatch.id)))
    engine.dispose()
    return int(count)


def test_anonymous_and_viewers_cannot_import_or_roll_back(app) -> None:
    anonymous = app.server.test_client()
    page = anonymous.get("/import/", headers={"Accept": "text/html"})
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    english = anonymous.get("/import/?lang=en", headers={"Accept": CHROMIUM_ACCEPT})
    assert english.status_code == 302  # the sign-in page keeps the page's language
    assert b"Sign in" in anonymous.get(english.headers["Location"]).data
    csrf = token(anonymous.get("/login").data)
    for url in ("/import/commit", "/import/rollback/1", "/import/preview"):
        assert anonymous.post(url, data={"csrf_token": csrf}).status_code == 403, url
    viewer = app.server.test_client()
    sign_in(viewer, "viewer")
    assert viewer.get("/import/").status_code == 403
    assert viewer.get("/import/template?vintage=2020&level=district").status_code == 403
    csrf = token(viewer.get("/login").data)
    assert viewer.post("/import/rollback/1", data={"csrf_token": csrf}).status_code == 403


def test_posts_without_the_csrf_token_are_refused(editor, sqlite_store_url) -> None:
    before = stored(sqlite_store_url)
    assert editor.post("/import/rollback/1").status_code == 400
    assert editor.post("/import/commit", data={"sha": "0" * 64}).status_code == 400
    assert stored(sqlite_store_url) == before


def test_the_template_holds_codes_and_names_of_the_chosen_vintage_and_level(editor) -> None:
    rows = template(editor, level="district", indicator="fibre_households", period="2024")
    assert rows[0][:3] == ["code", "name", "period"]
    assert len(rows) == 1 + 8 and all(r[1] and r[2] == "2024" for r in rows[1:])
    xlsx = editor.get("/import/template?vintage=2025-07&level=commune&format=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).active
    table = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert table[0][:2] == ["code", "name"] and len(table) > 20
    assert editor.get("/import/template?vintage=1999&level=district").status_code == 400
    assert editor.get("/import/template?vintage=2020&level=x%00").status_code == 400


def test_preview_commit_nothing_changed_and_rollback(editor, sqlite_store_url) -> None:
    rows = template(editor, indicator="fibre_households", period="2024")
    header, villages = rows[0], rows[1:7]
    col = {name: i for i, name in enumerate(header)}
    original = stored(sqlite_store_url)
    map_before = district_values(editor)

    bad = [row[:] for row in villages]
    bad[0][col["numerator"]], bad[0][col["denominator"]] = "abc", "100"
    bad[1][col["period"]] = "20x4"
    bad[2][col["indicator"]] = "no_such_indicator"
    bad[3][col["code"]] = "NOPE"
    for row in bad[4:]:
        row[col["numerator"]], row[col["denominator"]] = "-5", "100"  # negative
    preview = upload(editor, [header, *bad])
    assert preview.status_code == 422
    problems = re.findall(
        rb"<tr><td>(\d+)</td><td>([a-z]+)</td><td>", preview.data.split(b'id="problems"')[1]
    )
    located = {(int(r), c.decode()) for r, c in problems}
    assert {(2, "numerator"), (3, "period"), (4, "indicator"), (5, "code")} <= located
    assert {r for r, _ in located} >= {6, 7}
    assert stored(sqlite_store_url) == original and batches(sqlite_store_url) == 0

    good = [row[:] for row in villages]
    for row in good:
        row[col["numerator"]], row[col["denominator"]] = "0", "100"
    preview = upload(editor, [header, *good])
    assert preview.status_code == 200 and b'id="ready"' in preview.data
    assert stored(sqlite_store_url) == original  # a preview writes nothing
    done = commit(editor, preview.data)
    assert "Đã nhập lô 1".encode() in done.data and b"6 d" in done.data
    assert batches(sqlite_store_url) == 1
    map_after = district_values(editor)
    changed = {code for code in map_before if map_before[code] != map_after[code]}
    assert len(changed) == 1 and map_after[changed.pop()] < max(map_before.values())

    again = upload(editor, [header, *good])
    assert "Không có gì thay đổi".encode() in again.data
    assert batches(sqlite_store_url) == 1

    history = editor.get("/import/?lang=en").data.split(b'id="history"')[1]
    assert b"values.csv" in history and b"editor" in history and b"committed" in history
    page = editor.get("/import/")
    rolled = editor.post(
        "/import/rollback/1", data={"csrf_token": token(page.data)}, follow_redirects=True
    )
    assert "Đã hoàn tác lô 1".encode() in rolled.data
    assert stored(sqlite_store_url) == original  # exactly the replaced values
    assert district_values(editor) == map_before

    engine = make_engine(sqlite_store_url)
    with Session(engine) as session:
        actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        users = {e.user for e in session.scalars(select(AuditEntry))}
    engine.dispose()
    assert actions == ["preview", "preview", "commit", "rollback"] and users == {"editor"}


def test_a_village_register_upload_is_not_taken_for_values(editor, sqlite_store_url) -> None:
    from app.web.import_page import importers

    page = editor.get("/import/")
    data = {
        "csrf_token": token(page.data),
        "kind": "villages",
        "file": (io.BytesIO(b"code,name,parent_code\nX-01,Thon X,26677\n"), "villages.csv"),
    }
    before = stored(sqlite_store_url)
    answer = editor.post(
        "/import/preview", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    if importers("villages") is None:  # until geodata.imports provides the village pair
        assert b"dxmap villages import" in answer.data
    else:
        assert answer.status_code in (200, 422)
    assert stored(sqlite_store_url) == before and batches(sqlite_store_url) == 0


def test_uploaded_text_is_shown_as_text(editor) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    rows = [["code", "period", "indicator", "numerator", "denominator"]]
    rows.append([hostile, "2024", "<script>alert(2)</script>", "1", "2"])
    preview = upload(editor, rows, name="<script>x</script>.csv")
    assert preview.status_code == 422
    assert b"<img src=x" not in preview.data and b"<script>alert" not in preview.data
    assert (
        b"&lt;img src=x onerror=alert(1)&gt;" in preview.data or b"&lt;script&gt;" in preview.data
    )
