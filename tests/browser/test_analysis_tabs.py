"""The analysis tabs in a real browser: compare, gap register, scorecard, trends, table view.

Expectations come from the store itself (plain SQL), never from the functions under test.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import create_engine, text

from app.factory import create_app
from app.settings import Settings
from layers import ids
from tests.browser.test_map import UNITS, VILLAGES, count, wait, wait_count

COMPARED = "#08306b"  # layers/comparison.py BAR_SELECTED and the map's compare outline
PUBLISHED = Path(__file__).parents[2] / "geodata/areas/data/brvt/published_scorecards.csv"
FOCUS = "#c51b7d"  # assets/dxmap.js FOCUS_COLOR


@pytest.fixture
def app_url(dash_duo, sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    return dash_duo


def rows(store_url: str, sql: str, **params: Any) -> list[tuple]:
    engine = create_engine(store_url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def open_tab(duo, tab_id: str) -> None:
    duo.find_element(f"#{tab_id}").click()
    wait(duo, lambda: duo.find_element(f"#{tab_id}").get_attribute("aria-selected") == "true")


def plot(duo, graph_id: str, expression: str) -> Any:
    """Evaluate ``expression`` on the Plotly element of a dcc.Graph (``gd``), or None."""
    return duo.driver.execute_script(
        f"const gd = document.querySelector('#{graph_id} .js-plotly-plot');"
        f"return gd && gd.data && gd.layout ? ({expression}) : null;"
    )


OVERLAPS = """
const gd = document.querySelector(arguments[0]);
const boxes = sel => [...gd.querySelectorAll(sel)].map(e => [e, e.getBoundingClientRect()]);
const marks = boxes('.scatterlayer .point'), labels = boxes('.barlayer .bartext');
const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
return labels.flatMap(([l, a]) => marks.filter(([, b]) => meet(a, b)).map(() => l.textContent));
"""


def pick_compared(duo, code: str) -> None:
    duo.find_element(f"#{ids.COMPARE_PICK}").click()
    box = wait(duo, lambda: duo.driver.find_element(By.CSS_SELECTOR, ".dash-dropdown-search"))
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(code)
    option = wait(
        duo,
        lambda: next(
            (
                e
                for e in duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                if e.text.endswith(f"· {code}")
            ),
            None,
        ),
    )
    option.click()
    wait(duo, lambda: code in picked_codes(duo))  # the chip shows before the next pick
    box.send_keys(Keys.ESCAPE)


def test_picks_made_while_an_answer_is_on_its_way_are_all_kept(app_url) -> None:
    """On a slow line each pick's answer arrives after the next pick: none may undo a pick."""
    duo = app_url
    wait_count(duo, UNITS, 8)
    open_tab(duo, ids.TAB_COMPARE)
    slow = {"latency": 1000, "download_throughput": 10**7, "upload_throughput": 10**7}
    duo.driver.set_network_conditions(offline=False, **slow)
    try:
        for code in ("750", "751", "752"):
            pick_compared(duo, code)
        wait_url(duo, "compare=750,751,752")
        wait(duo, lambda: count(duo, f"#{ids.COMPARE_MATRIX} table[data-units='3']") == 1)
        assert picked_codes(duo) == ["750", "751", "752"]
    finally:
        duo.driver.delete_network_conditions()


def picked_codes(duo) -> list[str]:
    """The codes the compare list shows as picked ("Name · code" chips), in order."""
    return duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])]"
        ".map(e => e.textContent.split('· ').pop())",
        f"#{ids.COMPARE_PICK} .dash-dropdown-value-item",
    )


def wait_url(duo, part: str) -> None:
    try:
        wait(duo, lambda: part in duo.driver.current_url)
    except TimeoutException:
        raise AssertionError(f"{part!r} not in {duo.driver.current_url}") from None


def test_three_districts_side_by_side_and_highlighted_in_the_ranking(app_url) -> None:
    duo = app_url
    wait_count(duo, UNITS, 8)
    open_tab(duo, ids.TAB_COMPARE)
    for code in ("750", "751", "752"):
        pick_compared(duo, code)
    wait_url(duo, "compare=750,751,752")
    heads = f"#{ids.COMPARE_MATRIX} table[data-units='3'] thead th.dxmap-matrix-unit"
    wait_count(duo, heads, 3)
    names = [e.text for e in duo.driver.find_elements(By.CSS_SELECTOR, heads)]
    assert [n.split("\n")[0] for n in names] == [
        "Huyện Châu Đức",
        "Huyện Xuyên Mộc",
        "Huyện Long Điền",
    ]
    # every indicator row has one cell per unit, coloured against its target
    body = f"#{ids.COMPARE_MATRIX} tbody tr.dxmap-card-row"
    assert count(duo, body) == 12
    assert count(duo, f"{body} td.dxmap-cell--met") > 0
    assert count(duo, f"{body} td.dxmap-cell--not_met") > 0
    # the ranking shows all 8 districts, the three compared ones dark
    highlighted = (
        "gd.data[0].customdata.filter((c, i) => gd.data[0].marker.color[i] === arguments[0])"
    )
    wait(duo, lambda: plot(duo, ids.RANKING, "gd.data[0].customdata.length") == 8)
    picked = duo.driver.execute_script(
        f"const gd = document.querySelector('#{ids.RANKING} .js-plotly-plot');"
        f"return {highlighted};",
        COMPARED,
    )
    assert sorted(picked) == ["750", "751", "752"]
    # no value label covers a target mark (a label sits inside its bar when the mark is past it)
    covered = duo.driver.execute_script(OVERLAPS, f"#{ids.RANKING} .js-plotly-plot")
    assert covered == [], covered
    # and the map outlines them
    strokes = duo.driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll(arguments[0])]"
        ".map(e => [e.getAttribute('data-code'), e.getAttribute('stroke')]))",
        UNITS,
    )
    assert {c for c, s in strokes.items() if s == COMPARED} == {"750", "751", "752"}
    assert duo.get_logs() == []


def test_gap_register_lists_the_uncovered_villages_and_a_row_moves_the_map(
    app_url, sqlite_store_url: str
) -> None:
    duo = app_url
    uncovered = {
        code
        for (code,) in rows(
            sqlite_store_url,
            "SELECT code FROM observation WHERE indicator_key = 'mobile_broadband_villages'"
            " AND period = '2023' AND level = 'village' AND numerator = 0",
        )
    }
    assert uncovered  # the demo data has real gaps in 2023
    duo.driver.get(duo.server_url + "/?indicator=mobile_broadband_villages&period=2023")
    wait_count(duo, UNITS, 8)
    open_tab(duo, ids.TAB_GAPS)
    # The grid's script loads when the tab opens; until it has, and has drawn, there is no api.
    listed = (
        "let api = null; try { api = window.dash_ag_grid && dash_ag_grid.getApi(arguments[0]); }"
        " catch (e) { return null; }"
        "if (!api) return null; const codes = [];"
        "api.forEachNodeAfterFilterAndSort(n => codes.push(n.data.code)); return codes;"
    )
    wait(duo, lambda: len(duo.driver.execute_script(listed, ids.GAP_GRID) or []) == len(uncovered))
    assert set(duo.driver.execute_script(listed, ids.GAP_GRID)) == uncovered
    assert f"{len(uncovered)} thôn, ấp" in duo.find_element(f"#{ids.GAP_SUMMARY}").text

    code = sorted(uncovered)[0]
    cell = f"#{ids.GAP_GRID} .ag-center-cols-container .ag-row[row-id='{code}'] .ag-cell"
    duo.driver.execute_script(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})", cell
    )
    duo.driver.find_element(By.CSS_SELECTOR, cell).click()
    # every gap village of the area is on the map at once, coloured by shortfall
    gap_points = f"#{ids.MAP} path.dxmap-gap-village"
    wait(duo, lambda: count(duo, gap_points) == len(uncovered))
    point = f"{gap_points}[data-code='{code}']"
    wait(duo, lambda: duo.find_element(point).get_attribute("stroke") == FOCUS)

    def centred() -> bool:  # the map fits the village: it sits in the middle of the map
        return duo.driver.execute_script(
            "const p = document.querySelector(arguments[0]).getBoundingClientRect();"
            "const m = document.getElementById(arguments[1]).getBoundingClientRect();"
            "const x = (p.left + p.right) / 2, y = (p.top + p.bottom) / 2;"
            "return x > m.left + m.width * 0.3 && x < m.right - m.width * 0.3"
            " && y > m.top + m.height * 0.2 && y < m.bottom - m.height * 0.3;",
            point,
            ids.MAP,
        )

    wait(duo, centred, message="the map did not move to the village")
    # the register stays whole (a row is a focus, not a selection), the clicked village marked
    marked = f"#{ids.GAP_GRID} .ag-row.dxmap-grid-focus[row-id='{code}']"
    wait(duo, lambda: count(duo, marked) > 0)
    assert set(duo.driver.execute_script(listed, ids.GAP_GRID)) == uncovered
    assert "unit=" not in duo.driver.current_url
    assert f"{len(uncovered)} thôn, ấp" in duo.find_element(f"#{ids.GAP_SUMMARY}").text

    # grouped by district: a district column first, rows of one district together
    duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.GAP_GROUP} input[value='district']").click()
    groups = (
        "const api = dash_ag_grid.getApi(arguments[0]); const g = [];"
        "api.forEachNodeAfterFilterAndSort(n => g.push(n.data.group)); return g;"
    )
    wait(duo, lambda: all(duo.driver.execute_script(groups, ids.GAP_GRID) or [None]))
    seen = duo.driver.execute_script(groups, ids.GAP_GRID)
    assert len(seen) == len(uncovered) and seen == sorted(seen)
    assert "–" not in seen and len(set(seen)) > 1, seen
    # another tab hides the gap villages again
    open_tab(duo, ids.TAB_DETAIL)
    wait(duo, lambda: count(duo, gap_points) == 0)
    assert duo.get_logs() == []


def _expected_pillar_counts(store_url: str, period: str) -> dict[str, str]:
    """Targets met per pillar of the province, from observations and targets (plain SQL)."""
    indicators = rows(store_url, "SELECT key, pillar, kind FROM indicator")
    villages = {
        key: (num, den, value)
        for key, num, den, value in rows(
            store_url,
            "SELECT indicator_key, SUM(numerator), SUM(denominator), SUM(value) FROM observation"
            " WHERE period = :p AND level = 'village' GROUP BY indicator_key",
            p=period,
        )
    }
    province = dict(
        rows(
            store_url,
            "SELECT indicator_key, value FROM observation WHERE period = :p AND level = 'province'",
            p=period,
        )
    )
    targets = {
        key: (threshold, comparator)
        for key, threshold, comparator in rows(
            store_url,
            "SELECT indicator_key, threshold, comparator FROM target WHERE period = :p"
            " AND scope_code IN ('*', '77') ORDER BY scope_code",
            p=period,
        )
    }  # '77' sorts after '*': a province-specific threshold wins
    met: dict[str, int] = defaultdict(int)
    with_target: dict[str, int] = defaultdict(int)
    for key, pillar, kind in indicators:
        if key in villages:
            num, den, total = villages[key]
            value = total if kind == "count" else 100.0 * num / den
        else:
            value = province.get(key)
        if key not in targets:
            continue
        threshold, comparator = targets[key]
        with_target[pillar] += 1
        if value is not None:
            ok = {">=": value >= threshold, ">": value > threshold}.get(comparator)
            ok = (
                ok
                if ok is not None
                else {"<=": value <= threshold, "<": value < threshold}[comparator]
            )
            met[pillar] += int(ok)
    return {pillar: f"{met[pillar]}/{with_target[pillar]}" for pillar in with_target}


def test_the_province_scorecard_shows_the_counts_the_store_implies(
    app_url, sqlite_store_url: str
) -> None:
    duo = app_url
    expected = _expected_pillar_counts(sqlite_store_url, "2024")
    chips = f"#{ids.SCORECARD} .dxmap-pillar:not(.dxmap-pillar--published)"
    wait(duo, lambda: count(duo, chips) == len(expected))
    script = (
        "return Object.fromEntries([...document.querySelectorAll(arguments[0])].map(e =>"
        " [e.getAttribute('data-pillar'), e.querySelector('.dxmap-pillar-count').textContent]))"
    )
    assert duo.driver.execute_script(script, chips) == expected
    # beside them, labelled, the counts the authority published (the area's data file)
    published = pd.read_csv(PUBLISHED, dtype=str).query("period == '2024'")
    official = f"#{ids.SCORECARD} .dxmap-pillars-box--published"
    assert duo.driver.execute_script(script, f"{official} .dxmap-pillar") == {
        row.pillar: f"{row.met}/{row.total}" for row in published.itertuples()
    }
    label = duo.find_element(f"{official} .dxmap-pillars-label").text
    assert "Số công bố chính thức" in label and "15/10/2024" in label
    title = duo.find_element(f"#{ids.SCORECARD} .dxmap-panel-title").text
    assert "Tỉnh Bà Rịa - Vũng Tàu" in title and "2024" in title
    # one row per indicator, each with a status a user can read
    statuses = duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.dataset.status)",
        f"#{ids.SCORECARD} tr.dxmap-card-row",
    )
    assert len(statuses) == len(rows(sqlite_store_url, "SELECT key FROM indicator"))
    assert {"met", "not_met"} <= set(statuses)


def test_the_trend_of_phuoc_hung_marks_the_change_of_boundaries(app_url) -> None:
    duo = app_url
    duo.driver.get(duo.server_url + "/?unit=26677")
    wait_count(duo, VILLAGES, 6)
    open_tab(duo, ids.TAB_TRENDS)
    wait(duo, lambda: (plot(duo, ids.TREND, "gd.data.length") or 0) > 3, timeout=45)
    periods = plot(duo, ids.TREND, "gd.data[0].x")
    assert periods == ["2023", "2024", "2025"]
    marks = plot(
        duo,
        ids.TREND,
        "gd.layout.shapes.filter(s => s.line && s.line.dash === 'dot').map(s => s.x0)",
    )
    assert marks and set(marks) == {1.5}  # between 2024 and 2025, in every chart
    labels = duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)",
        f"#{ids.TREND} .annotation-text",
    )
    assert "Địa giới mới" in labels
    note = duo.find_element(f"#{ids.TREND_NOTE}").text
    assert "2025" in note and "Xã Phước Hưng" in note and "thôn, ấp" in note


def test_the_table_view_is_reachable_by_keyboard_and_drills_down(app_url) -> None:
    duo = app_url
    wait_count(duo, UNITS, 8)
    body = duo.driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)  # the first stop is the skip link
    active = duo.driver.switch_to.active_element
    assert active.get_attribute("id") == ids.SKIP_TO_TABLE
    active.send_keys(Keys.ENTER)
    wait(
        duo, lambda: duo.find_element(f"#{ids.TAB_TABLE}").get_attribute("aria-selected") == "true"
    )
    wait(duo, lambda: duo.driver.switch_to.active_element.get_attribute("id") == ids.TABLE)
    table = duo.find_element(f"#{ids.TABLE} table")
    assert table.find_element(By.TAG_NAME, "caption").text
    assert len(table.find_elements(By.CSS_SELECTOR, "thead th[scope='col']")) >= 6
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody th[scope='row']")) == 8
    # the same classes as the map: each row's swatch has its polygon's fill
    fills = duo.driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll(arguments[0])]"
        ".map(e => [e.getAttribute('data-code'), e.getAttribute('fill')]))",
        UNITS,
    )
    swatches = duo.driver.execute_script(
        "const hex = c => '#' + c.match(/\\d+/g).slice(0, 3)"
        ".map(n => Number(n).toString(16).padStart(2, '0')).join('');"
        "return Object.fromEntries([...document.querySelectorAll(arguments[0])].map(r =>"
        " [r.dataset.code, hex(getComputedStyle(r.querySelector('.dxmap-class .dxmap-swatch'))"
        ".backgroundColor)]))",
        f"#{ids.TABLE} tbody tr",
    )
    assert swatches == fills
    # a name is a button: Tab to it and Enter drills down like a click on the map
    button = duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.TABLE} .dxmap-row-pick")
    code = button.find_element(By.CSS_SELECTOR, ".dxmap-code").text
    button.send_keys(Keys.ENTER)
    wait(duo, lambda: f"unit={code}" in duo.driver.current_url)
    tabbed = [
        duo.find_element(f"#{tab}").get_attribute("aria-selected")
        for tab in (ids.TAB_DETAIL, ids.TAB_TABLE)
    ]
    assert tabbed == ["false", "true"]
