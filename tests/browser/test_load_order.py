"""What the first page loads, and in which order: the map first, then the shown tab; the
gap register's grid script only when its tab opens (split from test_round_trips.py so that the
two run side by side under pytest-xdist's ``--dist loadfile``)."""

from __future__ import annotations

from layers import ids
from tests.browser.test_map import UNITS, count
from tests.browser.test_round_trips import RESOURCES, duo, filled, wait, wait_count

__all__ = ["duo"]  # the fixture, shared with test_round_trips.py


def test_the_gap_grid_script_loads_when_its_tab_opens(duo) -> None:
    """dash-ag-grid (345 kB gzip, and its grid chunk) is not in the first page."""
    wait_count(duo, UNITS, 8)
    wait(duo, lambda: filled(duo))
    grid_scripts = (
        "return performance.getEntriesByType('resource')"
        ".filter(e => e.name.includes('dash_ag_grid/')).length"
    )
    assert duo.driver.execute_script(grid_scripts) == 0
    assert duo.driver.execute_script("return typeof window.dash_ag_grid") == "undefined"
    duo.find_element(f"#{ids.TAB_GAPS}").click()
    wait(duo, lambda: count(duo, f"#{ids.GAP_GRID} .ag-row") > 0, message="no gap rows drawn")
    assert duo.driver.execute_script(grid_scripts) >= 2  # the bundle, then its grid chunk
    assert duo.get_logs() == []


def test_the_page_loads_regenerator_runtime_not_dashs_polyfill(duo) -> None:
    """Dash's @babel/polyfill is not loaded; its async components (the dropdowns) still draw."""
    wait_count(duo, UNITS, 8)
    scripts = "return performance.getEntriesByType('resource').map(e => e.name)"
    names = duo.driver.execute_script(scripts)
    assert not [n for n in names if "polyfill" in n], names
    assert any("dxmap-0-regenerator.js" in n for n in names)
    assert duo.driver.execute_script("return typeof regeneratorRuntime.mark") == "function"
    stray = "return typeof window.runtime"  # the runtime's own top-level var, kept in its closure
    assert duo.driver.execute_script(stray) == "undefined"
    # dcc's lazily loaded dropdown (its loader calls regeneratorRuntime) opens and lists options
    duo.find_element(f"#{ids.INDICATOR}").click()
    wait(duo, lambda: count(duo, ".dash-dropdown-option") > 1, message="no dropdown options")
    assert duo.get_logs() == []


def test_the_shown_tab_comes_after_the_map_and_without_it_too(duo) -> None:
    """The page load answers the map; the tab follows its drawing, or a failed drawing."""
    wait_count(duo, UNITS, 8)
    wait(duo, lambda: filled(duo))
    wait(duo, lambda: count(duo, f"#{ids.SCORECARD} table") > 0, message="no scorecard")
    entries = duo.driver.execute_script(RESOURCES)
    geometry = min(e["end"] for e in entries if "/geo/" in e["name"])
    posts = sorted(e["start"] for e in entries if "_dash-update-component" in e["name"])
    assert len(posts) == 2 and posts[0] < geometry < posts[1], (posts, geometry)
    # No geometry can be fetched: the tab is asked for all the same, a few seconds later.
    duo.driver.execute_cdp_cmd("Network.enable", {})
    duo.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/geo/*"]})
    duo.driver.get(duo.server_url + "/?vintage=2020&unit=750")
    wait(duo, lambda: count(duo, f"#{ids.SCORECARD} table") > 0, message="no scorecard")
    assert count(duo, UNITS) == 0  # nothing drawn: the tab did not wait for the map
    duo.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
