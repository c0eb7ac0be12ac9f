"""The page's scripts: Dash's 100 kB ``@babel/polyfill`` is replaced by regenerator-runtime.

Dash puts ``deps/polyfill@7.12.1.min.js`` (core-js 2 and regenerator-runtime, 33 kB gzip)
before React in every page; on this machine kind it costs about 80 ms of the first choropleth.
The browsers dxmap supports implement what core-js 2 adds; what Dash's own bundles still need
from it is ``regeneratorRuntime`` (the lazy loader of dcc's and dash-table's async components
calls ``regeneratorRuntime.mark``). ``assets/dxmap-0-regenerator.js`` is that runtime alone
(regenerator-runtime 0.14.1, MIT, 25 kB unminified), loaded with the page's other assets before
any component is drawn. The app's index page drops the polyfill's script tag
(:func:`without_polyfill`, Dash's documented ``interpolate_index`` hook): Dash's own resource
list is left alone, so other Dash apps in the process (the bench's peers) keep it.
"""

from __future__ import annotations

import re

# <script src="…/deps/polyfill@7.12.1.min.js"></script> or unpkg's @babel/polyfill@…
POLYFILL_TAG = re.compile(r'<script src="[^"]*polyfill@[^"]*"></script>\n?')


def without_polyfill(scripts: str) -> str:
    """Return the index page's script tags without ``@babel/polyfill``."""
    return POLYFILL_TAG.sub("", scripts)
