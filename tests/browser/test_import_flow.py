"""An editor in a real browser: sign in, preview a bad file, commit a good one, roll it back."""

from __future__ import annotations

import csv
import io
import urllib.request

import pytest
from selenium.webdriver.common.by import By

from app.factory import create_app
from app.settings import Settings
from layers import ids
from tests.browser.test_map import wait  # a replaced element is read again next time
from tests.integration.test_accounts import PASSWORD, add_user

VIEW = "/?indicator=fibre_households&period=2024&vintage=2020&lang=vi"


@pytest.fixture
def duo(dash_duo, sqlite_store_url, tmp_path, monkeypatch):
    add_user(monkeypatch, sqlite_store_url, "editor")
    app = create_app(Settings(database_url=sqlite_store_url, instance_dir=tmp_path))
    dash_duo.start_server(app)
    return dash_duo


def table_text(duo, commune: str) -> str:
    """The unit table beside the map with ``commune`` selected (its siblings' values), as text.

    The page's first table is the whole area's (drawn with the layout); the commune's table
    comes from the server's callback when the table tab is shown: the store as it is now.
    """
    duo.driver.get(duo.server_url + VIEW + f"&unit={commune}")
    tab = wait(duo, lambda: duo.driver.find_elements(By.ID, ids.TAB_TABLE), message="table tab")[0]
    if tab.get_attribute("aria-selected") != "true":
        tab.click()  # the table is drawn for the shown tab only

    def text() -> str:
        return duo.driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''",
            f"#{ids.TABLE}",
        )

    wait(duo, lambda: commune in text(), message="the commune's table")
    return text()


def write(path, rows) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return str(path)


def test_an_editor_previews_commits_and_rolls_back(duo, tmp_path) -> None:
    driver = duo.driver
    driver.get(duo.server_url + "/login?next=/import/")
    driver.find_element(By.ID, "name").send_keys("editor")
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "sign-in").click()
    wait(duo, lambda: driver.current_url.endswith("/import/"), message="import page")
    # The address changes before the new page has replaced the old one: read its heading once
    # it is there (the sign-in page's heading goes stale under the reader).
    heading = lambda: driver.find_element(By.TAG_NAME, "h1").text  # noqa: E731
    wait(duo, lambda: "Nhập số liệu" in heading(), message="import page heading")

    # The template, fetched with the browser's session cookie.
    cookie = "; ".join(f"{c['name']}={c['value']}" for c in driver.get_cookies())
    request = urllib.request.Request(
        duo.server_url + "/import/template?vintage=2020&level=village&format=csv"
        "&indicator=fibre_households&period=2024",
        # the same browser: session protection ties the session to its user agent
        headers={
            "Cookie": cookie,
            "User-Agent": driver.execute_script("return navigator.userAgent"),
        },
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
        rows = list(csv.reader(io.StringIO(response.read().decode("utf-8-sig"))))
    header, villages = rows[0], rows[1:9]
    col = {name: i for i, name in enumerate(header)}
    commune = villages[0][col["code"]].split("-")[0]  # village codes are <commune>-NN
    before = table_text(duo, commune)
    driver.get(duo.server_url + "/import/")

    bad = [row[:] for row in villages]
    bad[0][col["numerator"]], bad[0][col["denominator"]] = "abc", "100"
    bad[2][col["code"]] = "NOPE"
    bad[4][col["indicator"]] = "no_such_indicator"
    driver.find_element(By.ID, "file").send_keys(write(tmp_path / "bad.csv", [header, *bad]))
    driver.find_element(By.ID, "preview-button").click()
    problems = wait(duo, lambda: driver.find_elements(By.CSS_SELECTOR, "#problems tbody tr"))
    cells = {tuple(td.text for td in tr.find_elements(By.TAG_NAME, "td"))[:2] for tr in problems}
    assert {("2", "numerator"), ("4", "code"), ("6", "indicator")} <= cells
    assert "chưa ghi gì" in driver.find_element(By.CSS_SELECTOR, "[role=alert]").text

    good = [row[:] for row in villages]
    for row in good:
        row[col["numerator"]], row[col["denominator"]] = "0", "100"
    driver.find_element(By.ID, "file").send_keys(write(tmp_path / "good.csv", [header, *good]))
    driver.find_element(By.ID, "preview-button").click()
    wait(duo, lambda: driver.find_elements(By.ID, "commit"), message="commit button")
    driver.find_element(By.ID, "commit").click()
    said = lambda: driver.find_element(By.CSS_SELECTOR, "[role=status]").text  # noqa: E731
    wait(duo, lambda: "Đã nhập lô 1" in said(), message="the commit's status")
    history = driver.find_element(By.ID, "history").text
    assert "good.csv" in history and "editor" in history and "đã nhập" in history

    after = table_text(duo, commune)
    assert after != before  # the map's values changed

    driver.get(duo.server_url + "/import/")
    driver.find_element(By.CSS_SELECTOR, "tr[data-batch='1'] .dxmap-rollback").click()
    wait(duo, lambda: "Đã hoàn tác lô 1" in said(), message="the rollback's status")
    assert table_text(duo, commune) == before  # the old values are back
    # the only console entry: the preview with problems answers 422 (Unprocessable Entity)
    logs = [e for e in duo.get_logs() if "/import/preview" not in e["message"]]
    assert logs == []
