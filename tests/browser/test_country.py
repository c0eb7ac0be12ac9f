"""The whole country (DXMAP_AREA=vn) in a real browser: 34 provinces, a province's communes."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from app.factory import create_app
from app.settings import Settings
from layers import ids


def _count(duo) -> int:
    """Units the page says it drew (``data-drawn``): a country is drawn on a canvas, no paths."""
    return duo.driver.execute_script(
        "const m = document.getElementById(arguments[0]);"
        "const info = JSON.parse(m && m.getAttribute('data-drawn') || '{}')[arguments[1]];"
        "return info ? info.count : 0;",
        ids.MAP,
        ids.UNITS,
    )


def _wait_count(duo, n: int) -> None:
    WebDriverWait(duo.driver, 90).until(
        lambda _d: _count(duo) == n, f"{n} units drawn, saw {_count(duo)}"
    )


# Sample the page's Leaflet canvas on a grid; where it painted a province, the map picture of the
# PNG download (assets/dxmap-ui.js mapCanvas) must not show the bare map background there.
CANVAS_IN_PNG = """
const layer = document.querySelector('#map .leaflet-overlay-pane canvas');
const map = document.getElementById('map').getBoundingClientRect();
const box = layer.getBoundingClientRect();
const own = layer.getContext('2d');
const png = window.dxmapUi.mapCanvas();
const scale = png.width / (map.width + 240 + 48);
const out = png.getContext('2d');
let painted = 0, kept = 0;
for (let i = 1; i < 60; i++) for (let j = 1; j < 60; j++) {
    const x = map.left + map.width * i / 60, y = map.top + map.height * j / 60;
    const sx = (x - box.left) * layer.width / box.width;
    const sy = (y - box.top) * layer.height / box.height;
    if (own.getImageData(sx, sy, 1, 1).data[3] < 200) continue;
    painted += 1;
    const px = (16 + x - map.left) * scale, py = (58 + y - map.top) * scale;
    const [r, g, b] = out.getImageData(px, py, 1, 1).data;
    if (!(r === 233 && g === 238 && b === 242)) kept += 1;
}
return [painted, kept];
"""


@pytest.fixture
def country(dash_duo, vn_store_url: str, tmp_path, geodata_dir):
    settings = Settings(
        database_url=vn_store_url, area="vn", geodata_dir=geodata_dir, instance_dir=tmp_path
    )
    dash_duo.start_server(create_app(settings))
    return dash_duo


def test_the_country_opens_on_34_provinces_and_drills_into_168_communes(country) -> None:
    _wait_count(country, 34)
    assert country.driver.find_elements(By.CSS_SELECTOR, f"#{ids.MAP} canvas")
    painted, kept = country.driver.execute_script(CANVAS_IN_PNG)
    assert painted > 50 and kept / painted > 0.9  # the PNG holds the canvas-drawn provinces
    header = country.find_element(f"#{ids.TITLE}").text
    assert "Việt Nam" in header and "Rịa" not in header
    country.driver.get(f"{country.server_url}/?vintage=2025-07&unit=79")
    _wait_count(country, 168)
    assert "Thành phố Hồ Chí Minh" in country.find_element(f"#{ids.BREADCRUMB}").text
    assert country.get_logs() == []
