"""How many server round trips an interaction costs, counted in Chromium (as dash's own tests do).

dash's ``test_basic_callback.py`` counts callback calls; here a fetch counter, injected by the
driver, counts the ``/_dash-update-component`` POSTs and the geometry requests each interaction
causes, and waits until none is pending.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from selenium.webdriver.common.by import By

from app.factory import create_app
from app.settings import Settings
from layers import ids
from tests.browser import test_map
from tests.browser.test_map import NO_DATA, UNITS, click_unit, count, fills

PATIENCE = 60  # s: the machine running the tests may be busy; counts, not speed, are tested here


def wait(duo, condition: Callable[[], Any], message: str = "") -> Any:
    return test_map.wait(duo, condition, timeout=PATIENCE, message=message)


def wait_count(duo, selector: str, n: int) -> None:
    wait(duo, lambda: count(duo, selector) == n, message=f"{n} × {selector}")


# Test-only: counts every fetch (Dash's callback POSTs, dxmap.js's geometry requests), injected by
# the driver before the page's own scripts run (the page itself ships no inline script).
NET = """
(function () {
    var original = window.fetch;
    var net = window.__dxmapNet = {pending: 0, done: []};
    window.fetch = function (input) {
        var url = typeof input === "string" ? input : input.url;
        net.pending += 1;
        return original.apply(this, arguments).finally(function () {
            net.pending -= 1;
            net.done.push(url);
        });
    };
})();
"""


def watch_network(duo) -> None:
    """Count the page's fetches from now on (the page is reloaded with the counter in place)."""
    duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": NET})
    duo.driver.refresh()


@pytest.fixture
def duo(dash_duo, sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    watch_network(dash_duo)
    return dash_duo


def requests(duo) -> list[str]:
    """Return the callback and geometry requests the page has completed."""
    done = duo.driver.execute_script("return window.__dxmapNet ? window.__dxmapNet.done : []")
    return [url for url in done if "/_dash-update-component" in url or "/geo/" in url]


def settled(duo, quiet: float = 0.6, timeout: float = 60) -> list[str]:
    """Return the requests once none is pending and none has finished for ``quiet`` seconds."""
    end = time.monotonic() + timeout
    seen, still = None, time.monotonic()
    while time.monotonic() < end:
        pending = duo.driver.execute_script("return window.__dxmapNet.pending")
        now = requests(duo)
        if pending or now != seen:
            seen, still = now, time.monotonic()
        elif time.monotonic() - still >= quiet:
            return now
        time.sleep(0.1)
    raise AssertionError(f"requests never settled: {seen and seen[-5:]}")


def counted(before: list[str], after: list[str]) -> tuple[int, int]:
    """Return (callbacks, geometry requests) between two snapshots."""
    new = after[len(before) :]
    return (
        sum("/_dash-update-component" in n for n in new),
        sum("/geo/" in n for n in new),
    )


def choose(duo, control: str, text: str) -> None:
    """Pick the option of a dropdown whose label holds ``text``."""
    duo.find_element(f"#{control}").click()
    option = wait(
        duo,
        lambda: next(
            (
                el
                for el in duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
                if text in el.text
            ),
            None,
        ),
    )
    option.click()


MARK = "document.querySelectorAll(arguments[0]).forEach(el => { el._dxmapKept = true; })"
KEPT = "return [...document.querySelectorAll(arguments[0])].every(el => el._dxmapKept === true)"


def filled(duo) -> bool:
    values = fills(duo).values()
    return bool(values) and all(f and f != NO_DATA for f in values)


def test_load_restyle_and_drill_cost_one_round_trip_each(duo) -> None:
    wait_count(duo, UNITS, 8)
    wait(duo, lambda: filled(duo))
    loaded = settled(duo)
    load_calls, load_geo = counted([], loaded)

    costs = {}
    before, shown = loaded, fills(duo)
    duo.driver.execute_script(MARK, UNITS)
    duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.SCHEME} input[value='equal']").click()
    wait(duo, lambda: "scheme=equal" in duo.driver.current_url)
    wait(duo, lambda: fills(duo) != shown, message="the classes were not restyled")
    after = settled(duo)
    costs["classification"] = counted(before, after)
    # Restyled in place: the very same drawn shapes, new fills (no rebuild of the layer).
    assert duo.driver.execute_script(KEPT, UNITS)

    before, shown = after, fills(duo)
    choose(duo, ids.INDICATOR, "Tổ công nghệ số")
    wait(duo, lambda: "community_tech_teams" in duo.driver.current_url)
    wait(duo, lambda: fills(duo) != shown, message="the indicator was not restyled")
    after = settled(duo)
    costs["indicator"] = counted(before, after)

    before = after
    choose(duo, ids.PERIOD, "2023")
    wait(duo, lambda: "period=2023" in duo.driver.current_url)
    wait(duo, lambda: "2023" in duo.find_element(f"#{ids.LEGEND}").text)
    after = settled(duo)
    costs["period"] = counted(before, after)
    assert duo.driver.execute_script(KEPT, UNITS)

    before = after
    duo.driver.find_element(By.CSS_SELECTOR, f"#{ids.LANG} input[value='en']").click()
    wait(duo, lambda: duo.find_element(".dxmap-title").text == "Digital transformation map")
    after = settled(duo)
    costs["language"] = counted(before, after)

    before = after
    click_unit(duo, "752")
    wait_count(duo, UNITS, 7)
    after = settled(duo)
    costs["drill"] = counted(before, after)
    assert shown  # the first view was a choropleth

    assert load_calls <= 2 and load_geo == 1, ("page load", load_calls, load_geo)
    one = (1, 0)  # one callback, no geometry
    assert costs == {
        "classification": one,
        "indicator": one,
        "period": one,
        "language": one,
        "drill": (1, 1),
    }, costs
    assert duo.get_logs() == []


RESOURCES = (
    "return performance.getEntriesByType('resource')"
    ".map(e => ({name: e.name, start: e.startTime, end: e.responseEnd}))"
)


def test_plotly_js_waits_until_the_map_has_drawn_and_a_chart_is_opened(duo) -> None:
    """The charts' library (1.4 MB) is not in the way of the first choropleth."""
    wait_count(duo, UNITS, 8)
    wait(duo, lambda: filled(duo))
    entries = duo.driver.execute_script(RESOURCES)
    geometry = min(e["end"] for e in entries if "/geo/" in e["name"])
    early = [e for e in entries if "plotly.min.js" in e["name"] and e["start"] < geometry]
    assert early == [], early
    assert duo.driver.execute_script("return typeof window.Plotly.newPlot") == "undefined"
    duo.find_element(f"#{ids.TAB_COMPARE}").click()
    ranking = f"#{ids.RANKING} .js-plotly-plot"
    wait(
        duo, lambda: duo.driver.execute_script("return typeof window.Plotly.newPlot") == "function"
    )
    wait(duo, lambda: count(duo, f"{ranking} .bars path") > 0, message="the ranking was not drawn")
    assert duo.get_logs() == []
