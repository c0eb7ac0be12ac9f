"""Shared links open their own view first, and what is drawn always matches the link.

Expectations come from the store (plain SQL on the unit table), never from the view code.
"""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy import create_engine, text

from app.factory import create_app
from app.settings import Settings
from layers import ids
from tests.browser.test_round_trips import settled, wait, watch_network

# (query, vintage, level drawn, parent of the drawn units): every vintage and level of the store
LINKS = [
    ("?vintage=2020", "2020", "district", "77"),
    ("?vintage=2020&unit=752&scheme=equal", "2020", "commune", "752"),
    ("?vintage=2020&unit=754&lang=en", "2020", "commune", "754"),
    ("?vintage=2025-01&period=2025", "2025-01", "district", "77"),
    ("?vintage=2025-01&period=2025&unit=753", "2025-01", "commune", "753"),
    ("?vintage=2025-07&period=2025", "2025-07", "commune", "77"),
    ("?vintage=2020&unit=26677", "2020", "commune", "752"),  # a leaf: its siblings and villages
]


@pytest.fixture
def duo(dash_duo, sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    watch_network(dash_duo)
    engine = create_engine(sqlite_store_url)
    with engine.connect() as conn:
        counts = {
            (v, lvl, p): n
            for v, lvl, p, n in conn.execute(
                text(
                    "SELECT vintage_key, level, parent_code, count(*) FROM unit "
                    "GROUP BY vintage_key, level, parent_code"
                )
            )
        }
    engine.dispose()
    dash_duo.counts = counts
    return dash_duo


def drawn(duo) -> dict:
    raw = duo.driver.execute_script(
        f"const map = document.getElementById('{ids.MAP}');"
        "return map && map.getAttribute('data-drawn');"
    )
    return json.loads(raw or "{}").get(ids.UNITS) or {}


def matches(duo, vintage: str, level: str, parent: str) -> bool:
    units = drawn(duo)
    url = units.get("url") or ""
    return (
        f"/geo/{vintage}/{level}.geojson?parent={parent}&" in url
        and units.get("count") == duo.counts[(vintage, level, parent)]
    )


def test_each_link_opens_its_own_view_without_the_default_geometry(duo) -> None:
    for query, vintage, level, parent in LINKS:
        duo.driver.get(duo.server_url + "/" + query)
        before: list[str] = []  # a new page: its own requests only
        wait(duo, lambda v=vintage, lv=level, p=parent: matches(duo, v, lv, p), message=query)
        geo = [n for n in settled(duo) if "/geo/" in n and n not in before]
        # The link's own geometry only (and its villages at a leaf): no default view first.
        assert all(f"/geo/{vintage}/" in n for n in geo), (query, geo)
        assert sum(f"/{level}.geojson?parent={parent}&" in n for n in geo) == 1, (query, geo)
        legend = duo.find_element(f"#{ids.LEGEND}").text
        assert ("2025" if vintage != "2020" else "2024") in legend, (query, legend)
    assert duo.get_logs() == []


def expected(url: str) -> tuple[str, str, str]:
    """Return (vintage, level, parent) of the link whose view the address ``url`` shows."""
    query = parse_qs(urlparse(url).query)
    key = (query.get("vintage", ["2020"])[0], query.get("unit", [None])[0])
    for link, vintage, level, parent in LINKS:
        link_query = parse_qs(link.lstrip("?"))
        if (link_query.get("vintage", ["2020"])[0], link_query.get("unit", [None])[0]) == key:
            return vintage, level, parent
    raise AssertionError(f"the address {url} is none of the links")


def test_links_opened_in_quick_succession_each_draw_their_own_view(duo) -> None:
    """Links opened one after another without waiting: the one that stays is drawn as asked."""
    for rounds in range(2):
        order = LINKS[rounds:] + LINKS[:rounds]
        for link in order:
            duo.driver.get(duo.server_url + "/" + link[0])
            time.sleep(0.1)
        query, vintage, level, parent = order[-1]
        wait(
            duo,
            lambda v=vintage, lv=level, p=parent: matches(duo, v, lv, p),
            message=f"{query}: {drawn(duo)} at {duo.driver.current_url}",
        )
    assert duo.get_logs() == []


def test_back_and_forward_faster_than_the_server_never_mixes_views(duo) -> None:
    """History steps while answers are in flight: what is drawn is what the address bar says.

    Geometry, legend and address always belong to one view, whichever answer came last.
    """
    wait(duo, lambda: matches(duo, "2020", "district", "77"))
    for rounds in range(2):
        for link in LINKS[rounds:] + LINKS[:rounds]:
            duo.driver.execute_script(
                "history.pushState({}, '', arguments[0]);"
                "window.dispatchEvent(new PopStateEvent('popstate'));",
                "/" + link[0],
            )
            time.sleep(0.05)
        settled(duo)
        url = duo.driver.current_url
        vintage, level, parent = expected(url)
        wait(
            duo,
            lambda v=vintage, lv=level, p=parent: matches(duo, v, lv, p),
            message=f"{url}: drew {drawn(duo)}",
        )
        legend = duo.find_element(f"#{ids.LEGEND}").text
        period = parse_qs(urlparse(url).query)["period"][0]
        assert period in legend and (vintage != "2020") == (period == "2025"), (url, legend)
    assert duo.get_logs() == []
