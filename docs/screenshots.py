"""Take the README's screenshots from a running dxmap (``python docs/screenshots.py URL``).

Start the app first (``dxmap serve`` on the bundled demo), then run this with Chromium and
chromedriver installed. Each view is opened at its exact viewport size (1400×900, 1280×720,
390×844 as a phone) and written to ``docs/``; the brief is the print stylesheet's rendering.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver

DOCS = Path(__file__).parent
VILLAGE_INDICATOR = "mobile_broadband_villages"
SHOTS = [  # file, width, height, phone, query, tab to open (or None)
    ("screenshot-1400x900.png", 1400, 900, False, "?indicator=fibre_households&period=2024", None),
    ("screenshot-1280x720.png", 1280, 720, False, "?unit=750&lang=en", None),
    ("screenshot-390x844.png", 390, 844, True, "?indicator=fibre_households", None),
    ("screenshot-390x844-en.png", 390, 844, True, "?unit=750&lang=en", None),
    (
        "screenshot-commune.png",
        1400,
        900,
        False,
        "?indicator=mobile_broadband_villages&unit=26677",
        None,
    ),
    ("screenshot-analysis.png", 1400, 900, False, "?compare=750,751,752", "tab-compare"),
]


def driver() -> webdriver.Chrome:
    """Return a headless Chromium that reaches nothing but the app."""
    options = webdriver.ChromeOptions()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tempfile.mkdtemp(prefix='dxmap-shots-')}",
        "--window-size=1400,1000",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def drawn(browser: webdriver.Chrome) -> bool:
    """Say whether the map drew its layer and no callback is still loading."""
    return bool(
        browser.execute_script(
            "const m = document.getElementById('map');"
            "return m && m.getAttribute('data-drawn') && !document.querySelector("
            "'[data-dash-is-loading=\"true\"]')"
        )
    )


def shoot(browser, url: str, name: str, width: int, height: int, phone: bool, tab) -> None:
    """Open ``url`` at the viewport ``width`` × ``height`` and write ``docs/name``."""
    browser.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": phone},
    )
    browser.get(url)
    deadline = time.monotonic() + 60
    while not drawn(browser) and time.monotonic() < deadline:
        time.sleep(0.5)
    if tab:
        browser.find_element("id", tab).click()
    time.sleep(3)  # the fit animation, labels, charts
    browser.save_screenshot(str(DOCS / name))
    sys.stdout.write(f"{DOCS / name}\n")


def brief(browser, url: str) -> None:
    """Shoot the printed brief: the button builds it (no print dialog), print media shows it."""
    shoot(browser, url, "screenshot-brief.png", 900, 1270, False, None)
    browser.execute_script("window.print = function () {};")
    browser.find_element("id", "print-button").click()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not browser.execute_script(
        "return document.documentElement.classList.contains('dxmap-print-brief')"
    ):
        time.sleep(0.5)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    time.sleep(2)
    browser.save_screenshot(str(DOCS / "screenshot-brief.png"))


def main(base: str) -> None:
    """Write every screenshot of the app at ``base``."""
    browser = driver()
    try:
        for name, width, height, phone, query, tab in SHOTS:
            shoot(browser, base.rstrip("/") + "/" + query, name, width, height, phone, tab)
        brief(browser, base.rstrip("/") + "/?unit=750")
    finally:
        browser.quit()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8050")
