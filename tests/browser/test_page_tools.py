"""The page's own tools in a real browser: API link and docs, 404, copy link, the ranking's
values and ties (ranks come from the store by plain SQL, never from the code under test)."""

from __future__ import annotations

import urllib.request
from urllib.error import HTTPError

import pytest
from selenium.webdriver.common.by import By

from app.factory import create_app
from app.settings import Settings
from layers import ids
from tests.browser.test_analysis_tabs import open_tab, plot
from tests.browser.test_map import UNITS, count, wait


@pytest.fixture
def duo(dash_duo, sqlite_store_url: str, tmp_path):
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    dash_duo.store_url = sqlite_store_url
    wait(
        dash_duo,
        lambda: count(dash_duo, UNITS) == 8,
        timeout=60,
        message="the map did not draw",
    )
    return dash_duo


def test_the_api_link_opens_the_docs_page_served_by_the_app(duo) -> None:
    link = duo.find_element(f"#{ids.API_LINK}")
    assert link.is_displayed()
    link.click()
    wait(duo, lambda: duo.driver.current_url.endswith("/api/v1/docs"))
    # Swagger UI (served by the app, no CDN) lists the endpoints of the OpenAPI document
    wait(
        duo,
        lambda: (
            duo.driver.execute_script(
                "return [...document.querySelectorAll('.opblock-summary-path')]"
                ".map(e => e.textContent.trim())"
            )[:3]
            == ["/", "/vintages", "/indicators"]
        ),
        timeout=40,
        message="Swagger UI did not render the endpoints",
    )
    requested = duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert requested and all(url.startswith(duo.server_url) for url in requested)


def test_the_import_link_leads_to_sign_in_in_the_maps_language(duo) -> None:
    duo.driver.get(duo.server_url + "/?lang=en")
    wait(duo, lambda: duo.find_element(f"#{ids.IMPORT_LINK}").text == "Import data")
    duo.find_element(f"#{ids.IMPORT_LINK}").click()
    wait(duo, lambda: "/login" in duo.driver.current_url, message="no sign-in page")
    assert "next=" in duo.driver.current_url and "lang=en" in duo.driver.current_url
    heading = lambda: duo.driver.find_element(By.TAG_NAME, "h1").text  # noqa: E731
    wait(duo, lambda: "Sign in" in heading(), message="sign-in page heading")


def test_an_unknown_path_answers_404_not_the_map(duo) -> None:
    with pytest.raises(HTTPError) as error:
        urllib.request.urlopen(f"{duo.server_url}/no-such-page")
    assert error.value.code == 404
    duo.driver.get(f"{duo.server_url}/no-such-page")
    assert "Page not found" in duo.driver.find_element("tag name", "h1").text
    assert count(duo, f"#{ids.MAP}") == 0


def test_copy_link_puts_the_page_url_on_the_clipboard(duo) -> None:
    duo.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {
            "origin": duo.server_url,
            "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"],
        },
    )
    button = duo.find_element(f"#{ids.COPY_LINK}")
    assert button.is_displayed() and button.text == "Chép liên kết"
    button.click()
    wait(duo, lambda: duo.find_element(f"#{ids.COPY_LINK_STATUS}").text == "Đã chép liên kết")
    copied = duo.driver.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, e => done('!' + e))"
    )
    assert copied == duo.driver.current_url and "indicator=" in copied
    assert duo.get_logs() == []


def test_copy_link_shows_the_url_in_a_box_where_the_clipboard_is_refused(duo) -> None:
    duo.driver.execute_script(
        "Object.defineProperty(navigator, 'clipboard', {value: {writeText: () =>"
        " Promise.reject(new Error('denied'))}})"
    )
    duo.find_element(f"#{ids.COPY_LINK}").click()
    box = duo.find_element(f"#{ids.COPY_LINK_BOX}")
    wait(duo, box.is_displayed, message="the fallback box did not appear")
    assert box.get_attribute("value") == duo.driver.current_url
    selected = duo.driver.execute_script(
        "const b = arguments[0]; return [document.activeElement === b,"
        " b.selectionEnd - b.selectionStart]",
        box,
    )
    assert selected == [True, len(duo.driver.current_url)]


def test_ranking_shows_values_on_bars_a_fitted_axis_and_ties(duo) -> None:
    # communes (82 of them) on the count of teams: whole numbers, so many ties
    duo.driver.get(f"{duo.server_url}/?indicator=community_tech_teams&period=2024&unit=750")
    wait(duo, lambda: count(duo, UNITS) > 1, timeout=60)
    open_tab(duo, ids.TAB_COMPARE)
    wait(
        duo,
        lambda: (plot(duo, ids.RANKING, "gd.data[0] ? gd.data[0].y.length : 0") or 0) > 20,
        timeout=60,
    )
    values = plot(duo, ids.RANKING, "gd.data[0].x")
    labels = plot(duo, ids.RANKING, "gd.data[0].y")
    texts = plot(duo, ids.RANKING, "gd.data[0].text")
    # every bar carries its value, written as the page's language writes it
    assert texts == [f"{v:,.0f}" for v in values]
    # ties share the best rank and the next rank skips ("1.", "1.", "3.")
    expected = [1 + sum(1 for other in values if other > v) for v in values]
    assert [int(label.split(".")[0]) for label in labels] == expected
    assert len(set(values)) < len(values)  # the case under test: there are ties
    assert labels[0].startswith("1.") and labels[1].startswith("1.")
    note = duo.find_element(".dxmap-ranking-ties").text
    assert note.startswith(f"{len(values) - sum(1 for v in values if values.count(v) == 1)} ")
    low, high = plot(duo, ids.RANKING, "gd.layout.xaxis.range")
    assert low <= min(values) and max(values) < high < 2 * max(values)
