"""The map in a real browser: draws, drills down, restyles, searches, follows the URL."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from app.factory import create_app
from app.settings import Settings
from layers import ids

UNITS = f"#{ids.MAP} .leaflet-overlay-pane path.dxmap-unit"
VILLAGES = f"#{ids.MAP} .leaflet-overlay-pane path.dxmap-village"
NO_DATA = "#c9c9c9"


@pytest.fixture
def dash_map(dash_duo, sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    return dash_duo


def wait(duo, condition: Callable[[], Any], timeout: float = 30, message: str = "") -> Any:
    """Wait for ``condition``; an element redrawn while it is read is read again next time."""
    ignored = (NoSuchElementException, StaleElementReferenceException)
    waiter = WebDriverWait(duo.driver, timeout, ignored_exceptions=ignored)
    return waiter.until(lambda _d: condition(), message)


def count(duo, selector: str) -> int:
    return duo.driver.execute_script(
        "return document.querySelectorAll(arguments[0]).length", selector
    )


def wait_count(duo, selector: str, n: int) -> None:
    wait(
        duo,
        lambda: count(duo, selector) == n,
        message=f"{n} × {selector}, saw {count(duo, selector)}",
    )


def fills(duo, selector: str = UNITS) -> dict[str, str]:
    # One script call: restyling replaces the path elements, so element handles go stale.
    return duo.driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll(arguments[0])]"
        ".map(el => [el.getAttribute('data-code'), el.getAttribute('fill')]))",
        selector,
    )


def map_is_still(duo) -> bool:
    """True when the map is not zooming or panning (a fit after a drill-down is animated)."""
    rect = "return JSON.stringify(document.querySelector('#map .leaflet-map-pane').style.transform)"
    first = duo.driver.execute_script(rect)
    time.sleep(0.3)
    animating = duo.driver.execute_script(
        "return !!document.querySelector('#map .leaflet-zoom-anim')"
    )
    return not animating and first == duo.driver.execute_script(rect)


def click_unit(duo, code: str) -> None:
    """Click the unit where it is really on top (the centre of a concave shape may be outside)."""
    selector = f'{UNITS}[data-code="{code}"], {VILLAGES}[data-code="{code}"]'
    wait(duo, lambda: count(duo, selector) == 1, message=f"unit {code} is not drawn")
    wait(duo, lambda: map_is_still(duo), message="the map kept moving")
    # Restyles redraw the paths, so look the element up and measure it in one script call.
    point = duo.driver.execute_script(
        """
        const el = document.querySelector(arguments[0]);
        const r = el.getBoundingClientRect();
        for (let i = 1; i < 12; i++) for (let j = 1; j < 12; j++) {
            const x = Math.round(r.left + (r.width * i) / 12);
            const y = Math.round(r.top + (r.height * j) / 12);
            if (document.elementFromPoint(x, y) === el) return [x, y];
        }
        return null;
        """,
        selector,
    )
    assert point is not None, f"unit {code} is not visible"
    actions = ActionBuilder(duo.driver)
    actions.pointer_action.move_to_location(*point).click()
    actions.perform()


def geo_requests(duo) -> list[str]:
    return duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.includes('/geo/'))"
    )


def test_first_page_draws_8_filled_districts_legend_badge_and_attribution(dash_map) -> None:
    wait_count(dash_map, UNITS, 8)
    wait(dash_map, lambda: all(f and f != NO_DATA for f in fills(dash_map).values()))
    assert len(set(fills(dash_map).values())) >= 3  # a choropleth, not one flat colour
    badge = dash_map.find_element(f"#{ids.SYNTHETIC_BADGE}")
    assert badge.is_displayed() and badge.text == "Dữ liệu mô phỏng"
    rows = dash_map.driver.find_elements(By.CSS_SELECTOR, f"#{ids.LEGEND} .dxmap-legend-row")
    assert len(rows) == 6 and "Không có dữ liệu" in rows[-1].text
    attribution = dash_map.find_element(f"#{ids.ATTRIBUTION}").text
    assert "dvhcvn" in attribution and "GADM" in attribution and "GPL-3.0" in attribution
    assert not dash_map.driver.find_elements(By.CSS_SELECTOR, ".leaflet-tile")  # no tile server
    assert dash_map.get_logs() == []


def test_clicking_down_to_villages_and_back_up_the_breadcrumb(dash_map) -> None:
    wait_count(dash_map, UNITS, 8)
    click_unit(dash_map, "752")  # Huyện Long Điền
    wait_count(dash_map, UNITS, 7)
    wait(dash_map, lambda: "unit=752" in dash_map.driver.current_url)
    click_unit(dash_map, "26677")  # Xã Phước Hưng
    wait_count(dash_map, VILLAGES, 6)
    dash_map.find_element(f"#{ids.TAB_TABLE}").click()  # a hidden tab is filled when opened
    wait_count(dash_map, f"#{ids.TABLE} tbody tr", 6)
    assert all(f != NO_DATA for f in fills(dash_map, VILLAGES).values())
    crumbs = dash_map.find_element(f"#{ids.BREADCRUMB}").text
    assert "Huyện Long Điền" in crumbs and "Xã Phước Hưng" in crumbs
    dash_map.driver.find_element(By.CSS_SELECTOR, f"#{ids.BREADCRUMB} button").click()
    wait_count(dash_map, UNITS, 8)
    wait_count(dash_map, VILLAGES, 0)
    assert "unit=" not in dash_map.driver.current_url


def test_changing_the_indicator_restyles_without_fetching_geometry_again(dash_map) -> None:
    wait_count(dash_map, UNITS, 8)
    wait(dash_map, lambda: all(f != NO_DATA for f in fills(dash_map).values()))
    before, requests = fills(dash_map), geo_requests(dash_map)
    title = dash_map.find_element(f"#{ids.LEGEND} .dxmap-legend-title").text
    dash_map.find_element(f"#{ids.INDICATOR}").click()
    option = wait(
        dash_map,
        lambda: next(
            (
                el
                for el in dash_map.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                if "Tổ công nghệ số" in el.text
            ),
            None,
        ),
    )
    option.click()
    wait(dash_map, lambda: "community_tech_teams" in dash_map.driver.current_url)
    wait(dash_map, lambda: fills(dash_map) != before, message="fills did not change")
    new_title = dash_map.find_element(f"#{ids.LEGEND} .dxmap-legend-title").text
    assert new_title != title and "Tổ công nghệ số cộng đồng" in new_title
    assert geo_requests(dash_map) == requests  # values only: no geometry request


def search_options(duo, text: str) -> list[str]:
    """Type into the search box and return the options it offers."""
    duo.find_element(f"#{ids.SEARCH}").click()
    box = wait(duo, lambda: duo.driver.find_element(By.CSS_SELECTOR, ".dash-dropdown-search"))
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)
    wait(duo, lambda: duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option"))
    return [e.text for e in duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")]


def pick_option(duo, fragment: str) -> None:
    next(
        e
        for e in duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
        if fragment in e.text
    ).click()


def test_search_without_diacritics_or_by_code_finds_the_commune(dash_map) -> None:
    wait_count(dash_map, UNITS, 8)

    def options_for(text: str) -> list[str]:
        return search_options(dash_map, text)

    assert any("Xã Phước Hưng" in text for text in options_for("phuoc hung"))
    box = dash_map.driver.find_element(By.CSS_SELECTOR, ".dash-dropdown-search")
    box.send_keys(Keys.ESCAPE)
    assert any("Côn Đảo" in text for text in options_for("con dao"))
    box = dash_map.driver.find_element(By.CSS_SELECTOR, ".dash-dropdown-search")
    box.send_keys(Keys.ESCAPE)
    hits = options_for("26677")
    assert hits and all("26677" in text for text in hits)
    next(
        e
        for e in dash_map.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
        if "Phước Hưng" in e.text
    ).click()
    wait_count(dash_map, VILLAGES, 6)
    assert "unit=26677" in dash_map.driver.current_url


def test_a_shared_url_opens_that_exact_view(dash_map) -> None:
    query = (
        "?indicator=smartphone_households&period=2023&vintage=2020&unit=752&scheme=target&lang=en"
    )
    dash_map.driver.get(dash_map.server_url + "/" + query)
    wait_count(dash_map, UNITS, 7)
    wait(dash_map, lambda: "Huyện Long Điền" in dash_map.find_element(f"#{ids.BREADCRUMB}").text)
    wait(
        dash_map, lambda: "at least one smartphone" in dash_map.find_element(f"#{ids.LEGEND}").text
    )
    legend = dash_map.find_element(f"#{ids.LEGEND}").text
    assert "2023" in legend
    assert "Target met" in legend and "Not met" in legend
    assert dash_map.find_element(f"#{ids.SYNTHETIC_BADGE}").text == "Synthetic data"
    # the map's zoom and centre (z, lat, lon) may follow the query once the map has moved
    assert dash_map.driver.current_url.split("&z=")[0].endswith(query)
    assert dash_map.find_element(".dxmap-title").text == "Digital transformation map"


def test_english_switch_translates_the_labels(dash_map) -> None:
    wait_count(dash_map, UNITS, 8)
    assert dash_map.find_element(".dxmap-title").text == "Bản đồ chuyển đổi số"
    dash_map.driver.find_element(By.CSS_SELECTOR, f"#{ids.LANG} input[value='en']").click()
    wait(
        dash_map, lambda: dash_map.find_element(".dxmap-title").text == "Digital transformation map"
    )
    assert dash_map.find_element(f"#{ids.SYNTHETIC_BADGE}").text == "Synthetic data"
    wait(dash_map, lambda: "No data" in dash_map.find_element(f"#{ids.LEGEND}").text)
    assert "lang=en" in dash_map.driver.current_url


def test_hover_shows_the_value_card_without_a_server_round_trip(dash_map) -> None:
    wait_count(dash_map, UNITS, 8)
    wait(dash_map, lambda: all(f != NO_DATA for f in fills(dash_map).values()))
    element = dash_map.driver.find_element(By.CSS_SELECTOR, f'{UNITS}[data-code="750"]')
    ActionChains(dash_map.driver).move_to_element(element).perform()
    tip = wait(dash_map, lambda: dash_map.driver.find_element(By.CSS_SELECTOR, ".dxmap-tooltip"))
    wait(dash_map, lambda: "Huyện Châu Đức" in tip.text)
    for label in ("Giá trị", "Tử số / mẫu số", "Mục tiêu", "Chênh lệch", "Mô phỏng"):
        assert label in tip.text


def test_switching_vintage_redraws_filled_units_of_the_new_boundaries(dash_map) -> None:
    wait_count(dash_map, UNITS, 8)
    dash_map.find_element(f"#{ids.VINTAGE}").click()
    option = wait(
        dash_map,
        lambda: next(
            (
                el
                for el in dash_map.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                if "07/2025" in el.text
            ),
            None,
        ),
    )
    option.click()
    wait_count(dash_map, UNITS, 30)  # no district level after 2025-07
    # Geometry and values arrive separately; the fetched units must still be coloured.
    wait(dash_map, lambda: all(f and f != NO_DATA for f in fills(dash_map).values()))
    click_unit(dash_map, "26662")  # Xã Long Hải: province → unit → villages
    wait(dash_map, lambda: count(dash_map, VILLAGES) > 0)
    dash_map.find_element(f"#{ids.TAB_TABLE}").click()  # a hidden tab is filled when opened
    wait(dash_map, lambda: count(dash_map, f"#{ids.TABLE} tbody tr") == count(dash_map, VILLAGES))


def test_an_old_name_finds_its_unit_on_the_2025_07_boundaries_and_says_so(dash_map) -> None:
    dash_map.driver.get(dash_map.server_url + "/?vintage=2025-07&period=2025")
    wait_count(dash_map, UNITS, 30)
    hits = search_options(dash_map, "phuoc hung")
    assert any("Xã Phước Hưng" in h and "Xã Long Hải" in h for h in hits)
    pick_option(dash_map, "Xã Phước Hưng")
    wait(dash_map, lambda: "unit=26662" in dash_map.driver.current_url)
    notice = wait(dash_map, lambda: dash_map.find_element(f"#{ids.NOTICE}").text)
    assert "Xã Phước Hưng" in notice and "Xã Long Hải" in notice


def test_unit_names_are_shown_as_text_everywhere(dash_duo, sqlite_store_url: str, tmp_path) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from geodata.store.engine import make_engine
    from geodata.store.models import Unit

    evil = '<img id="pwn" src="x" onerror="window.pwned=1">Châu Đức'
    engine = make_engine(sqlite_store_url)
    with Session(engine) as session, session.begin():
        session.execute(update(Unit).where(Unit.code == "750").values(name=evil))
    engine.dispose()
    dash_duo.start_server(
        create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    )
    wait_count(dash_duo, UNITS, 8)
    element = dash_duo.driver.find_element(By.CSS_SELECTOR, f'{UNITS}[data-code="750"]')
    ActionChains(dash_duo.driver).move_to_element(element).perform()
    tip = wait(dash_duo, lambda: dash_duo.driver.find_element(By.CSS_SELECTOR, ".dxmap-tooltip"))
    wait(dash_duo, lambda: evil in tip.text)  # the markup is visible as text...
    dash_duo.find_element(f"#{ids.TAB_TABLE}").click()  # the table view is a tab
    wait(dash_duo, lambda: evil in dash_duo.find_element(f"#{ids.TABLE}").text)
    click_unit(dash_duo, "750")
    wait(dash_duo, lambda: evil in dash_duo.find_element(f"#{ids.BREADCRUMB}").text)
    # ...and never became an element or ran.
    assert dash_duo.driver.execute_script("return document.getElementById('pwn')") is None
    assert dash_duo.driver.execute_script("return window.pwned") is None
