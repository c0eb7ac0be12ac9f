"""The periods, vintages and indicators the page offers follow the store, without a restart."""

from __future__ import annotations

import json

from app.factory import create_app
from app.settings import Settings
from geodata.imports import import_file
from geodata.store.engine import make_engine


def _period_options(client) -> list[str]:
    layout = json.loads(client.get("/_dash-layout").get_data(as_text=True))
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            props = node.get("props", {})
            if props.get("id") == "period":
                found.extend(option["value"] for option in props.get("options", []))
            for value in props.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(layout)
    return found


def test_an_imported_period_is_offered_by_the_running_page(sqlite_store_url, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    client = app.server.test_client()
    before = _period_options(client)
    assert before and "2026" not in before
    upload = tmp_path / "later.csv"
    upload.write_text(
        "code,period,indicator,numerator,denominator\n26506,2026,fibre_households,10,20\n",
        encoding="utf-8",
    )
    engine = make_engine(sqlite_store_url)
    import_file(engine, upload, "officer")
    engine.dispose()
    assert _period_options(client) == [*before, "2026"]
    items = json.loads(client.get("/api/v1/indicators").get_data(as_text=True))["items"]
    fibre = next(item for item in items if item["key"] == "fibre_households")
    assert "2026" in json.dumps(fibre)
