"""dash-ag-grid's AgGrid, loaded when it is first shown (``assets/dxmap-grid.js``).

dash-ag-grid's bundle is 345 kB gzip, plus a 244 kB chunk when a grid mounts; the gap register
is a hidden tab. :func:`defer_bundle` (called by ``create_app``) marks the bundle *dynamic*: Dash
still serves it (as it serves the bundle's source map) but no longer puts it in every page, and
:class:`LazyAgGrid`
(same props as ``dash_ag_grid.AgGrid``) is drawn by ``dxmapGrid.LazyAgGrid`` in the browser,
which loads the bundle when the tab opens and then draws dash-ag-grid's own component.
"""

from __future__ import annotations

import dash_ag_grid as dag

BUNDLE = "dash_ag_grid.min.js"


def defer_bundle() -> None:
    """Mark dash-ag-grid's main bundle dynamic (served on request, not in the page); idempotent.

    Call it before the app serves its first page (Dash reads the resource list then).
    """
    for resource in dag._js_dist:  # noqa: SLF001 - the package's own resource list, read by Dash
        if resource.get("relative_package_path") == BUNDLE:
            resource["dynamic"] = True


class LazyAgGrid(dag.AgGrid):
    """``dash_ag_grid.AgGrid``, drawn in the browser once dash-ag-grid's script has loaded."""

    _namespace = "dxmapGrid"
    _type = "LazyAgGrid"
    _children_props: list[str] = []
