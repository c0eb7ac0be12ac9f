"""The download button in a real browser: the file that arrives holds what the map shows."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy.orm import Session

from app.factory import create_app
from app.settings import Settings
from geodata.rollups.queries import unit_values
from geodata.store.engine import make_engine
from layers import ids

UNITS = f"#{ids.MAP} .leaflet-overlay-pane path.dxmap-unit"
CSV_NAME = "dxmap_fibre_households_district_in-77_2024_v2020.csv"


def wait(duo, condition: Callable[[], Any], timeout: float = 15, message: str = "") -> Any:
    return WebDriverWait(duo.driver, timeout).until(lambda _d: condition(), message)


def drawn_codes(duo) -> list[str]:
    return duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute('data-code'))",
        UNITS,
    )


def _downloaded(folder: Path) -> list[Path]:
    """Finished downloads only (Chromium writes ``*.crdownload`` until the file is complete)."""
    return [p for p in folder.iterdir() if not p.name.endswith((".crdownload", ".tmp"))]


def test_downloading_csv_of_the_default_view_gives_the_8_districts_on_the_map(
    dash_duo, sqlite_store_url: str, tmp_path: Path
) -> None:
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    folder = Path(dash_duo.download_path)
    wait(dash_duo, lambda: len(drawn_codes(dash_duo)) == 8, message="8 districts are not drawn")
    dash_duo.driver.find_element(
        By.CSS_SELECTOR, f"#{ids.DOWNLOAD_FORMAT} input[value='csv']"
    ).click()
    dash_duo.find_element(f"#{ids.DOWNLOAD_BUTTON}").click()

    wait(dash_duo, lambda: _downloaded(folder), timeout=30, message="no file was downloaded")
    files = _downloaded(folder)
    assert [f.name for f in files] == [CSV_NAME]
    wait(dash_duo, lambda: CSV_NAME in dash_duo.find_element(f"#{ids.DOWNLOAD_MESSAGE}").text)

    rows = list(csv.DictReader(io.StringIO(files[0].read_text(encoding="utf-8-sig"))))
    engine = make_engine(sqlite_store_url)
    with Session(engine) as session:
        store = unit_values(session, "fibre_households", "2024", "2020", "district", "77")
    engine.dispose()
    assert len(rows) == 8
    codes = sorted(row["code"] for row in rows)
    assert codes == sorted(drawn_codes(dash_duo)) == sorted(store["code"])
    expected = {rec["code"]: rec for rec in store.to_dict("records")}
    for row in rows:
        for column in ("value", "numerator", "denominator"):
            assert math.isclose(float(row[column]), expected[row["code"]][column], rel_tol=1e-9)
        assert row["provenance"] == expected[row["code"]]["provenance"]
    assert dash_duo.get_logs() == []
