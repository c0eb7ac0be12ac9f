"""Print brief, PNG of the map, phones and small laptops, in a real browser.

The print dialog itself cannot be driven: the test replaces ``window.print`` with a counter,
then emulates print media (CDP ``Emulation.setEmulatedMedia``) and checks what would print.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from app.factory import create_app
from app.settings import Settings
from layers import ids
from tests.browser.test_map import UNITS, count, wait

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def duo(dash_duo, sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    wait(
        dash_duo,
        lambda: count(dash_duo, UNITS) == 8,
        timeout=60,
        message="the map did not draw",
    )
    return dash_duo


def visible(duo, selector: str) -> bool:
    return duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); if (!e) return false;"
        "const r = e.getBoundingClientRect(); const s = getComputedStyle(e);"
        "return r.width > 0 && r.height > 0 && s.visibility !== 'hidden';",
        selector,
    )


def test_print_brief_shows_map_legend_scorecard_gaps_trend_sources_and_notice(duo) -> None:
    duo.driver.get(f"{duo.server_url}/?indicator=fibre_households&period=2024&unit=750")
    wait(
        duo,
        lambda: duo.find_element(".dxmap-crumb--current").text == "Huyện Châu Đức",
        timeout=60,
    )
    duo.driver.execute_script("window.print = () => { window.__printed = true; };")
    button = duo.find_element(f"#{ids.PRINT_BUTTON}")
    assert button.text == "In báo cáo"
    button.click()
    wait(duo, lambda: duo.driver.execute_script("return window.__printed"), timeout=90)
    assert not visible(duo, ".dxmap-brief-head")  # on screen the brief stays hidden

    duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        for block in ("map", "value", "scorecard", "gaps", "trend", "sources"):
            assert visible(duo, f".dxmap-brief-block--{block}"), block
        assert not visible(duo, f"#{ids.MAP}") and not visible(duo, ".dxmap-controls")
        # the map with its legend is a picture of the map on screen
        size = duo.driver.execute_script(
            "const c = document.querySelector('#print-brief-map canvas');"
            "return c ? [c.width, c.getBoundingClientRect().width] : null"
        )
        assert size and size[0] > 400 and size[1] > 300
        brief = duo.find_element(f"#{ids.BRIEF}").text
        assert "Huyện Châu Đức" in brief
        assert "Lập ngày " in brief  # the date
        assert "mô phỏng" in duo.find_element(".dxmap-brief-synthetic").text
        assert "Chỉ tiêu đạt" in brief and "Chưa đạt mục tiêu" in brief
        assert "Ranh giới" in duo.find_element(".dxmap-brief-sources").text
        gap_rows = duo.driver.execute_script(
            "return document.querySelectorAll('.dxmap-brief-block--gaps tbody tr').length"
        )
        assert gap_rows > 0
    finally:
        duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert duo.get_logs() == []


def _png_pixels(duo, data: bytes) -> dict:
    """Decode the downloaded PNG in the browser; return its size and the legend's colours found."""
    return duo.driver.execute_async_script(
        """
        const [b64, done] = arguments;
        const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
        createImageBitmap(new Blob([bytes], {type: 'image/png'})).then(bitmap => {
            const c = document.createElement('canvas');
            c.width = bitmap.width; c.height = bitmap.height;
            const ctx = c.getContext('2d'); ctx.drawImage(bitmap, 0, 0);
            const mapWidth = document.getElementById('map').getBoundingClientRect().width;
            const scale = bitmap.width / (mapWidth + 240 + 48);
            const left = Math.floor((mapWidth + 16) * scale);
            const pixels = ctx.getImageData(left, 0, c.width - left, c.height).data;
            const seen = new Set();
            for (let i = 0; i < pixels.length; i += 4) {
                seen.add(`rgb(${pixels[i]}, ${pixels[i + 1]}, ${pixels[i + 2]})`);
            }
            const legend = [...document.querySelectorAll('#legend .dxmap-swatch')]
                .map(s => getComputedStyle(s).backgroundColor);
            done({width: bitmap.width, height: bitmap.height, legend,
                  found: legend.filter(color => seen.has(color))});
        }, e => done({error: String(e)}));
        """,
        base64.b64encode(data).decode(),
    )


def test_png_of_the_map_downloads_with_its_legend(duo) -> None:
    folder = Path(duo.download_path)
    duo.find_element(f"#{ids.PNG_BUTTON}").click()
    wait(
        duo,
        lambda: [p for p in folder.iterdir() if p.suffix == ".png"],
        timeout=30,
        message="no PNG was downloaded",
    )
    (path,) = [p for p in folder.iterdir() if p.suffix == ".png"]
    assert path.name.startswith("dxmap_fibre_households_area_2024")
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE) and len(data) > 20_000
    decoded = _png_pixels(duo, data)
    assert "error" not in decoded, decoded
    assert decoded["width"] > 600 and decoded["height"] > 400
    assert len(decoded["legend"]) == 6  # five classes and the no-data row
    assert decoded["found"] == decoded["legend"]  # every legend swatch is drawn
    assert duo.get_logs() == []


def test_on_a_phone_the_map_comes_first_under_a_one_line_header(duo) -> None:
    duo.driver.set_window_size(390, 844)
    duo.driver.get(duo.server_url)
    wait(duo, lambda: count(duo, UNITS) == 8, timeout=60)
    inner = duo.driver.execute_script("return [innerWidth, innerHeight]")
    assert inner[0] <= 400
    top, height = duo.driver.execute_script(
        "const r = document.getElementById('map').getBoundingClientRect(); return [r.top, r.height]"
    )
    assert top < 120 and top + height <= 844 and height > 300
    header = duo.driver.execute_script(
        "return document.querySelector('.dxmap-header').getBoundingClientRect().height"
    )
    assert header < 48  # one line
    page_width = duo.driver.execute_script("return document.documentElement.scrollWidth")
    assert page_width <= inner[0]  # nothing sticks out sideways
    # the legend starts folded and opens on its button
    rows = "#legend .dxmap-legend-rows"
    wait(duo, lambda: not visible(duo, rows))
    duo.find_element(f"#{ids.LEGEND_TOGGLE}").click()
    wait(duo, lambda: visible(duo, rows))
    assert duo.find_element(f"#{ids.LEGEND_TOGGLE}").get_attribute("aria-expanded") == "true"
    duo.find_element(f"#{ids.INSET_TOGGLE}").click()
    wait(duo, lambda: not visible(duo, f"#{ids.INSET}"))


def test_on_a_small_laptop_legend_and_inset_are_small_and_download_is_in_reach(duo) -> None:
    duo.driver.set_window_size(1280, 720)
    duo.driver.get(duo.server_url)
    wait(duo, lambda: count(duo, UNITS) == 8, timeout=60)
    areas = duo.driver.execute_script(
        "const a = id => { const r = document.getElementById(id).getBoundingClientRect();"
        " return r.width * r.height; }; return [a('map'), a('legend'), a('inset')]"
    )
    assert (areas[1] + areas[2]) / areas[0] < 0.2
    # the licences stay readable: two lines under the map, all of them on keyboard focus
    box = duo.find_element(f"#{ids.ATTRIBUTION}")
    short = box.size["height"]
    duo.driver.execute_script("arguments[0].querySelector('a').focus()", box)
    wait(duo, lambda: box.size["height"] > short)
    assert "GADM" in box.text and "daohoangson" in box.text
    button, panel = duo.driver.execute_script(
        "const b = document.getElementById(arguments[0]).getBoundingClientRect();"
        "const p = document.querySelector('.dxmap-controls').getBoundingClientRect();"
        "return [b.bottom, Math.min(p.bottom, innerHeight)]",
        ids.DOWNLOAD_BUTTON,
    )
    assert button <= panel  # visible without scrolling the panel
