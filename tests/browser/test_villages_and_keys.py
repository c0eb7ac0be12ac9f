"""Village cards, covered / not covered villages, and the map by keyboard, in Chromium."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from app.factory import create_app
from app.settings import Settings
from layers import ids
from tests.browser.test_map import UNITS, VILLAGES, click_unit, count, fills
from tests.browser.test_round_trips import counted, settled, wait, wait_count, watch_network

COVERAGE = "?indicator=mobile_broadband_villages&period=2024&vintage=2020&unit=26677&lang=vi"
CARD = f"#{ids.VILLAGE_CARD}"


@pytest.fixture
def duo(dash_duo, sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    watch_network(dash_duo)
    return dash_duo


def card_shown(d) -> bool:
    return d.driver.execute_script(
        "const c = document.querySelector(arguments[0]); return !!c && !c.hidden", CARD
    )


def legend_labels(d) -> list[str]:
    rows = d.driver.find_elements(By.CSS_SELECTOR, f"#{ids.LEGEND} .dxmap-legend-label")
    return [r.text for r in rows]


def test_a_village_click_opens_its_card_in_one_round_trip_and_the_link_reopens_it(duo) -> None:
    duo.driver.get(duo.server_url + "/" + COVERAGE)
    wait_count(duo, VILLAGES, 6)
    wait(duo, lambda: "Được phủ sóng" in legend_labels(duo))
    labels = legend_labels(duo)
    assert labels[:2] == ["Được phủ sóng", "Chưa phủ sóng"], labels
    assert not any("%" in label for label in labels)
    cells = [c.text for c in duo.driver.find_elements(By.CSS_SELECTOR, f"#{ids.TABLE} td")]
    assert not cells or not any(c in ("0,0 %", "100,0 %") for c in cells)
    assert not card_shown(duo)

    code = sorted(fills(duo, VILLAGES))[0]
    before = settled(duo)
    click_unit(duo, code)
    wait(duo, lambda: card_shown(duo), message="no village card")
    wait(duo, lambda: f"village={code}" in duo.driver.current_url)
    after = settled(duo)
    assert counted(before, after) == (1, 0)  # one callback, no geometry
    card = duo.find_element(CARD).text
    assert "Xã Phước Hưng" in card and "Số hộ gia đình" in card and "Số người trưởng thành" in card
    status = duo.driver.find_elements(By.CSS_SELECTOR, f"{CARD} .dxmap-vc-status")
    assert status and any(s.text in ("Được phủ sóng", "Chưa phủ sóng") for s in status)
    assert "Mô phỏng" in card  # the provenance of the synthetic demo values

    # The shared link opens the same card; the close button closes it and drops the key.
    link = duo.driver.current_url
    duo.driver.get("about:blank")
    duo.driver.get(link)
    wait(duo, lambda: card_shown(duo), message="the link did not reopen the card")
    name = duo.find_element(f"#{ids.VILLAGE_TITLE}").text
    assert name and name in card
    duo.find_element(f"#{ids.VILLAGE_CLOSE}").click()
    wait(duo, lambda: not card_shown(duo))
    wait(duo, lambda: "village=" not in duo.driver.current_url)
    assert duo.get_logs() == []


def test_enter_on_a_focused_unit_drills_and_on_a_village_opens_its_card(duo) -> None:
    wait_count(duo, UNITS, 8)
    # The inset's shapes repeat the main map's: none of them is a tab stop.
    wait(duo, lambda: count(duo, f"#{ids.INSET_MAP} path.dxmap-unit") > 0)
    inset_stops = duo.driver.execute_script(
        "return [...document.querySelectorAll('#' + arguments[0] + ' *')]"
        ".filter(el => el.tabIndex >= 0).length",
        ids.INSET,
    )
    assert inset_stops == 0
    focus = (
        "document.querySelector(arguments[0]).focus();"
        "return document.activeElement.getAttribute('data-code')"
    )
    assert duo.driver.execute_script(focus, f'{UNITS}[data-code="752"]') == "752"
    duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(duo, lambda: "unit=752" in duo.driver.current_url)
    wait_count(duo, UNITS, 7)
    duo.driver.execute_script(focus, f'{UNITS}[data-code="26677"]')
    duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait_count(duo, VILLAGES, 6)
    code = sorted(fills(duo, VILLAGES))[0]
    duo.driver.execute_script(focus, f'{VILLAGES}[data-code="{code}"]')
    duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    wait(duo, lambda: card_shown(duo))
    assert f"village={code}" in duo.driver.current_url
    assert duo.get_logs() == []


def test_zoom_and_centre_follow_the_map_in_the_url_and_a_link_restores_them(duo) -> None:
    link = "/?vintage=2020&unit=752&z=12.5&lat=10.45&lon=107.25"
    duo.driver.get(duo.server_url + link)
    wait_count(duo, UNITS, 7)
    loaded = settled(duo)
    assert counted([], loaded)[0] <= 2  # the camera costs no extra callback
    wait(duo, lambda: "unit=752" in duo.driver.current_url)
    query = parse_qs(urlparse(duo.driver.current_url).query)
    assert query.get("z", ["12.5"]) == ["12.5"]
    assert abs(float(query.get("lat", ["10.45"])[0]) - 10.45) < 1e-4
    assert abs(float(query.get("lon", ["107.25"])[0]) - 107.25) < 1e-4
    before = settled(duo)
    duo.find_element(f"#{ids.MAP} .leaflet-control-zoom-in").click()
    wait(duo, lambda: "z=13.5" in duo.driver.current_url, message=duo.driver.current_url)
    assert counted(before, settled(duo)) == (0, 0)  # written in the browser, no round trip
    assert duo.get_logs() == []


def test_play_walks_the_periods_with_classes_held_fixed(duo) -> None:
    duo.driver.get(duo.server_url + "/?period=2023")
    wait_count(duo, UNITS, 8)
    marks = duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)",
        f"#{ids.PERIOD_SLIDER} .rc-slider-mark-text, #{ids.PERIOD_SLIDER} .dash-slider-mark",
    )
    assert marks == ["2023", "2024", "2025"]
    duo.find_element(f"#{ids.PERIOD_PLAY}").click()
    wait(duo, lambda: "period=2024" in duo.driver.current_url)
    wait(duo, lambda: "giữ nguyên qua các kỳ" in duo.find_element(f"#{ids.LEGEND}").text)
    wait(duo, lambda: "period=2025" in duo.driver.current_url)
    button = duo.find_element(f"#{ids.PERIOD_PLAY}")
    wait(duo, lambda: button.get_attribute("aria-pressed") == "false")  # stops at the last
    assert duo.get_logs() == []


def test_a_vintage_switch_says_what_became_of_the_comparison_and_panels_scroll_up(duo) -> None:
    from tests.browser.test_round_trips import choose

    duo.driver.get(duo.server_url + "/?vintage=2020&compare=750,751")
    wait_count(duo, UNITS, 8)
    panel = f"#{ids.PANEL_DETAIL}"
    wait(duo, lambda: "compare=750" in duo.driver.current_url)
    duo.driver.execute_script(
        "const p = document.querySelector(arguments[0]); p.style.maxHeight = '200px';"
        "p.scrollTop = 150;",
        panel,
    )
    click_unit(duo, "752")
    wait(duo, lambda: "unit=752" in duo.driver.current_url)
    wait(
        duo,
        lambda: (
            duo.driver.execute_script(
                "return document.querySelector(arguments[0]).scrollTop", panel
            )
            == 0
        ),
    )
    choose(duo, ids.VINTAGE, "07/2025")
    wait(duo, lambda: "vintage=2025-07" in duo.driver.current_url)
    notice = wait(duo, lambda: duo.find_element(f"#{ids.NOTICE}").text)
    assert "Bỏ khỏi so sánh" in notice and "750" in notice, notice
    # the 2025-07 boundaries have no province: "Toàn tỉnh" is not said of them
    for element in (ids.SUMMARY, ids.BREADCRUMB, ids.NOTICE):
        assert "Toàn tỉnh" not in duo.find_element(f"#{element}").text
    assert duo.get_logs() == []


def test_every_village_point_is_above_the_polygons_and_clickable(duo) -> None:
    # The commune's polygon may arrive after its villages (two fetches): it must not cover them.
    duo.driver.get(duo.server_url + "/?indicator=fibre_households&period=2024&vintage=2020")
    wait_count(duo, UNITS, 8)
    duo.driver.get(duo.server_url + "/" + COVERAGE)
    wait_count(duo, VILLAGES, 6)
    on_top = duo.driver.execute_script(
        """
        return [...document.querySelectorAll(arguments[0])].map(el => {
            const r = el.getBoundingClientRect();
            return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === el;
        });
        """,
        VILLAGES,
    )
    assert on_top == [True] * 6
