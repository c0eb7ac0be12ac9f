"""The outage banner in a real browser: shown instead of the map, gone once the store is back."""

from __future__ import annotations

import os

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app.factory import create_app
from app.settings import Settings
from layers import ids

UNITS = f"#{ids.MAP} .leaflet-overlay-pane path.dxmap-unit"


@pytest.fixture
def served(dash_duo, sqlite_store_url, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    return dash_duo, app, sqlite_store_url[len("sqlite:///") :]


def wait(duo, condition, timeout: float = 30, message: str = ""):
    return WebDriverWait(duo.driver, timeout).until(lambda _d: condition(), message)


def test_the_page_says_the_database_is_away_and_comes_back_by_itself(served) -> None:
    duo, app, path = served
    engine = app.server.extensions["dxmap.engine"]
    wait(duo, lambda: len(duo.driver.find_elements(By.CSS_SELECTOR, UNITS)) == 8)

    os.replace(path, path + ".away")  # the store is gone: new connections find no tables
    engine.dispose()
    duo.driver.get(duo.server_url + "/?indicator=eid_adults&period=2024&lang=en")
    banner = wait(duo, lambda: duo.driver.find_elements(By.ID, "dxmap-outage"), message="banner")
    wait(duo, lambda: banner[0].is_displayed())
    assert "database cannot be reached" in banner[0].text
    # No stale map under the message: the layout itself needs the store, so either it never
    # arrives (no map box at all) or the map box is hidden.
    boxes = duo.driver.find_elements(By.CSS_SELECTOR, ".dxmap-map-box")
    assert not any(box.is_displayed() for box in boxes)
    assert not any(u.is_displayed() for u in duo.driver.find_elements(By.CSS_SELECTOR, UNITS))

    os.replace(path + ".away", path)  # back: the page reloads the same view by itself
    engine.dispose()
    wait(duo, lambda: not duo.driver.find_elements(By.ID, "dxmap-outage"), message="reload")
    wait(duo, lambda: len(duo.driver.find_elements(By.CSS_SELECTOR, UNITS)) == 8)
    assert "indicator=eid_adults" in duo.driver.current_url
