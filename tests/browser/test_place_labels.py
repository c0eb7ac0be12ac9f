"""Place labels on the map, in Chromium: the names of the current level where they fit.

The names expected come from the store (``MapService``), not from the page. Labels are built in
the browser from the geometry already drawn: zooming, panning and labelling cost no callback.
"""

from __future__ import annotations

import json

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By

from app.factory import create_app
from app.settings import Settings
from geodata.service.map_service import MapService
from geodata.store.engine import make_engine
from layers import ids
from tests.browser.test_map import UNITS, VILLAGES, count, map_is_still
from tests.browser.test_round_trips import counted, settled, wait, watch_network

VINTAGE = Settings.__dataclass_fields__["default_vintage"].default  # the view the page opens on
LABELS = f"#{ids.MAP} .dxmap-label"


@pytest.fixture
def service(sqlite_store_url: str) -> MapService:
    return MapService(make_engine(sqlite_store_url))


@pytest.fixture
def duo(dash_duo, sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    watch_network(dash_duo)
    return dash_duo


def labels(duo) -> dict[str, str]:
    """Return code → the label's text (its lines joined by a space) of every label on the map."""
    return duo.driver.execute_script(
        "return Object.fromEntries([...document.querySelectorAll(arguments[0])].map(el =>"
        " [el.getAttribute('data-code'),"
        "  [...el.querySelectorAll('span')].map(s => s.textContent).join(' ')]))",
        LABELS,
    )


def placement(duo) -> dict:
    raw = duo.driver.execute_script(
        "return document.getElementById(arguments[0]).getAttribute('data-labels')", ids.MAP
    )
    return json.loads(raw or "{}")


def settle(duo) -> dict:
    """Wait until the map stands still and its labels are placed; return them."""
    wait(duo, lambda: placement(duo).get("zoom") is not None, message="no label was placed")

    def still() -> bool:
        seen = (placement(duo), labels(duo))
        return map_is_still(duo) and (placement(duo), labels(duo)) == seen

    wait(duo, still, message="the map or its labels kept changing")
    return labels(duo)


def zoom(duo, direction: str, times: int) -> None:
    for _ in range(times):
        before = duo.driver.execute_script(
            "return JSON.parse(document.getElementById(arguments[0])"
            ".getAttribute('data-labels')).zoom",
            ids.MAP,
        )
        duo.driver.find_element(
            By.CSS_SELECTOR, f"#{ids.MAP} .leaflet-control-zoom-{direction}"
        ).click()
        wait(duo, lambda b=before: placement(duo)["zoom"] != b, message=f"zoom {direction}")
        wait(duo, lambda: map_is_still(duo), message="the map kept moving")


def under_label(duo, code: str) -> list | None:
    """Return [x, y, what is at the label's centre: its data-code and tag] for a label."""
    return duo.driver.execute_script(
        "const el = document.querySelector(arguments[0] + '[data-code=\"' + arguments[1] + '\"]');"
        "if (!el) return null; const r = el.getBoundingClientRect();"
        "const x = Math.round(r.left + r.width / 2), y = Math.round(r.top + r.height / 2);"
        "const hit = document.elementFromPoint(x, y);"
        "return [x, y, hit && hit.getAttribute('data-code'), hit && hit.tagName.toLowerCase()];",
        LABELS,
        code,
    )


def test_labels_name_the_current_level_where_they_fit_and_never_get_in_the_way(
    duo, service: MapService
) -> None:
    index = service.units_index(VINTAGE)
    root = service.root(VINTAGE)
    names = {code: index[code]["name"] for code in root["children"]}
    wait(duo, lambda: count(duo, UNITS) == len(names), message="the map did not draw")
    shown = settle(duo)
    assert len(shown) >= len(names) // 2, shown  # most districts are named at the first fit
    assert all(names[code] == text for code, text in shown.items()), (shown, names)

    # Each label sits on its own unit, which takes the pointer through it.
    for code in shown:
        x, y, hit, tag = under_label(duo, code)
        assert (hit, tag) == (code, "path"), (code, hit, tag)
    # No tab stop, nothing for assistive technology (the units carry their names).
    focusable = duo.driver.execute_script(
        "return [...document.querySelectorAll(arguments[0])].filter(el =>"
        " el.tabIndex >= 0 || el.hasAttribute('tabindex')"
        " || el.closest('[aria-hidden=true]') === null"
        " || getComputedStyle(el).pointerEvents !== 'none').length",
        LABELS,
    )
    assert focusable == 0

    # Zoomed far out, labels that no longer fit are hidden; zoomed back in, they return.
    before = settled(duo)
    zoom(duo, "out", 3)
    far = settle(duo)
    assert len(far) < len(shown) and placement(duo)["small"] > 0, (far, shown)
    assert set(far) <= set(names)
    zoom(duo, "in", 5)
    near = settle(duo)
    assert len(near) > len(far), (near, far)
    assert set(near) <= set(names)
    zoom(duo, "out", 2)
    assert settle(duo) == shown  # the first zoom again: the same labels
    after = settled(duo)
    assert counted(before, after)[0] == 0  # zooming and labelling ask the server nothing

    # The picture of the map (PNG button) carries the labels: it differs where they are drawn.
    differing = duo.driver.execute_script(
        """
        const pixels = () => {
            const c = window.dxmapUi.mapCanvas();
            return c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        };
        const pane = document.querySelector('#map .leaflet-dxmap-labels-pane');
        const withLabels = pixels();
        pane.style.visibility = 'hidden';
        const without = pixels();
        pane.style.visibility = '';
        let n = 0;
        for (let i = 0; i < withLabels.length; i += 4) {
            if (withLabels[i] !== without[i] || withLabels[i + 1] !== without[i + 1]) n++;
        }
        return n;
        """
    )
    assert differing > 100 * len(shown), differing

    # A click on a label drills into the unit under it.
    target = next(code for code in shown if index[code]["children"])
    x, y, hit, _ = under_label(duo, target)
    assert hit == target
    children = {code: index[code]["name"] for code in index[target]["children"]}
    before = settled(duo)
    actions = ActionBuilder(duo.driver)
    actions.pointer_action.move_to_location(x, y).click()
    actions.perform()
    wait(duo, lambda: f"unit={target}" in duo.driver.current_url, message="no drill-down")
    wait(duo, lambda: count(duo, UNITS) == len(children), message="the communes did not draw")
    wait(
        duo,
        lambda: labels(duo) and set(labels(duo)) <= set(children),
        message="the labels did not follow the level",
    )
    inner = settle(duo)
    assert inner and all(children[code] == text for code, text in inner.items()), inner
    assert not set(inner) & set(names)
    assert counted(before, settled(duo)) == (1, 1)  # as without labels: one callback, one geometry
    assert duo.get_logs() == []


def test_village_names_show_only_when_zoomed_far_in(duo, service: MapService) -> None:
    leaf = next(
        code
        for code, unit in service.units_index(VINTAGE).items()
        if not unit["children"] and service.villages(VINTAGE, code)["features"]
    )
    villages = {
        f["properties"]["code"]: f["properties"]["name"]
        for f in service.villages(VINTAGE, leaf)["features"]
    }
    duo.driver.get(f"{duo.server_url}/?unit={leaf}")
    wait(duo, lambda: count(duo, VILLAGES) == len(villages), message="no village points")
    village_zoom = duo.driver.execute_script("return window.dxmapLabels.VILLAGE_ZOOM")
    shown = settle(duo)
    if placement(duo)["zoom"] < village_zoom:
        zoom(duo, "in", int(village_zoom - placement(duo)["zoom"] + 0.99))
        shown = settle(duo)
    named = {code: text for code, text in shown.items() if code in villages}
    assert named and all(villages[code] == text for code, text in named.items()), shown
    for code in named:  # beside its point, never over another point
        x, y, hit, tag = under_label(duo, code)
        assert tag != "path" or hit not in villages, (code, hit)
    zoom(duo, "out", 2)
    assert not set(settle(duo)) & set(villages)
    assert duo.get_logs() == []


def test_no_label_hides_under_the_legend_inset_or_tools(duo) -> None:
    # A commune's siblings fill the map up to its edges, under the legend.
    duo.driver.get(duo.server_url + "/?indicator=mobile_broadband_villages&unit=26677")
    wait(duo, lambda: count(duo, VILLAGES) > 0, message="the villages were not drawn")
    assert settle(duo)
    covered = duo.driver.execute_script(
        "const over = [...document.querySelectorAll('.dxmap-legend, .dxmap-inset,"
        " .dxmap-map-tools, .leaflet-control-zoom')].map(e => e.getBoundingClientRect());"
        "return [...document.querySelectorAll(arguments[0] + ' span')].filter(el => {"
        " const r = el.getBoundingClientRect();"
        " return over.some(o => r.width && r.left < o.right && o.left < r.right"
        "  && r.top < o.bottom && o.top < r.bottom); }).map(el => el.textContent);",
        LABELS,
    )
    assert covered == [], covered
