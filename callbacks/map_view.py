"""What the map frames for a view state: which units, their geometry's URL, the fit, the crumbs.

Pure functions over the service; no Dash context. What changes with the values (hideouts,
legend, table…) is :mod:`callbacks.restyle`'s.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlencode

from geodata.areas.extent import split_outliers, union
from geodata.service import lod_for_zoom
from layers import controls
from layers.i18n import t


class Service(Protocol):
    """The part of :class:`~geodata.service.map_service.MapService` the map needs."""

    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None: ...
    def root(self, vintage: str) -> dict[str, Any] | None: ...
    def units_index(self, vintage: str) -> dict[str, dict[str, Any]]: ...
    def child_level(self, vintage: str, code: str) -> str | None: ...
    def lineage(self, vintage: str, code: str | None) -> list[dict[str, Any]]: ...
    def geometry_version(self, vintage: str) -> str: ...
    def villages_json(self, vintage: str, code: str) -> tuple[bytes, str]: ...
    def indicator(self, key: str) -> dict[str, Any] | None: ...
    def attribution(self, vintage: str) -> tuple[dict[str, Any], ...]: ...
    def values(self, *args: Any) -> dict[str, dict[str, Any]]: ...
    def village_values(self, *args: Any) -> dict[str, dict[str, Any]]: ...
    def search_entries(self, vintage: str) -> tuple[dict[str, Any], ...]: ...
    def pooled_values(self, *args: Any) -> dict[str, float]: ...


def map_frame(state: Mapping[str, Any], service: Service) -> dict[str, Any]:
    """Return which polygons, villages and bounds the view shows, and its breadcrumb chain.

    A unit with child units shows its children; a unit without (a commune, or an island
    district without communes) shows itself among its siblings, selected, with its villages.
    """
    vintage = state["vintage"]
    root = service.root(vintage)
    unit = service.unit(vintage, state.get("unit"))
    if unit is not None and root is not None and unit["code"] == root["code"]:
        unit = None
    frame: dict[str, Any] = {
        "vintage": vintage,
        "selected": None,
        "leaf": None,
        "unit": unit,
        "inset": None,
    }
    if unit is None:
        index = service.units_index(vintage)
        if root is not None and root["children"]:
            frame.update(level=service.child_level(vintage, root["code"]), parent=root["code"])
            tops = [index[c] for c in root["children"]]
        else:  # no province row: the top level is whatever has no loaded parent
            tops = [u for u in index.values() if u["parent_code"] not in index]
            frame.update(level=tops[0]["level"] if tops else None, parent=None)
        if hasattr(service, "extent"):  # islands found from the geometry
            extent = service.extent(vintage, tuple(u["code"] for u in tops))
            main, outliers, inset = extent["bounds"], extent["outliers"], extent["inset_bounds"]
        else:
            main, outliers = split_outliers({u["code"]: u["bounds"] for u in tops})
            inset = union([index[c]["bounds"] for c in outliers])
        frame["bounds"] = main
        if outliers:  # islands far off the mainland go to an inset
            frame["inset"] = {"bounds": inset, "names": [index[c]["name"] for c in outliers]}
    elif unit["children"]:
        frame.update(level=service.child_level(vintage, unit["code"]), parent=unit["code"])
        frame["bounds"] = _fitted(service, vintage, unit)
    else:
        frame.update(level=unit["level"], parent=unit["parent_code"])
        frame.update(selected=unit["code"], leaf=unit["code"])
        frame["bounds"] = _fitted(service, vintage, unit)
    chain = [{"code": "", "name": root["name"] if root else ""}]
    chain += [
        {"code": u["code"], "name": u["name"]}
        for u in service.lineage(vintage, unit["code"] if unit else None)
        if root is None or u["code"] != root["code"]
    ]
    frame["chain"] = chain
    focus = state.get("focus") or {}
    if focus.get("bounds"):  # a row of the gap register: fit it rather than the whole unit
        frame["bounds"] = focus["bounds"]
    return frame


def _fitted(service: Service, vintage: str, unit: Mapping[str, Any]) -> Any:
    """Return the bounds a selected unit is fitted to: its main land, or its box.

    Islets far out would leave the main island small in the middle of the map.
    """
    if hasattr(service, "main_bounds"):
        return service.main_bounds(vintage, unit["code"]) or unit["bounds"]
    return unit["bounds"]


MAP_PIXELS = 700  # a typical map width: the zoom a fit of the frame's bounds ends at


def fitted_zoom(bounds: Any, pixels: int = MAP_PIXELS) -> float:
    """Return about the Leaflet zoom at which ``bounds`` fill ``pixels`` (Web Mercator)."""
    if not bounds:
        return 10.0
    (south, west), (north, east) = bounds
    span = max(east - west, (north - south) * 1.1, 1e-6)
    return math.log2(360 * pixels / (256 * span))


def geometry_url(prefix: str, frame: Mapping[str, Any], service: Service) -> str | None:
    """Return the cacheable URL of the frame's polygons (versioned by the loaded boundaries).

    ``lod`` is the level of detail for the zoom the fit ends at; the browser switches band
    when the user zooms past :data:`~geodata.service.LOD_ZOOMS` (same ``v``, the display
    geometry's version).
    """
    if not frame.get("level"):
        return None
    lod = lod_for_zoom(fitted_zoom(frame.get("bounds")))
    version = service.geometry_version(frame["vintage"])  # no geometry is read to name it
    query = {"parent": frame["parent"] or "", "lod": lod, "v": version}
    return f"{prefix}geo/{frame['vintage']}/{frame['level']}.geojson?{urlencode(query)}"


def villages_url(prefix: str, frame: Mapping[str, Any], service: Service) -> str | None:
    """Return the URL of the selected leaf unit's village points (``None`` when not at a leaf)."""
    if not frame.get("leaf"):
        return None
    _, etag = service.villages_json(frame["vintage"], frame["leaf"])
    query = {"parent": frame["leaf"], "v": etag[:12]}
    return f"{prefix}geo/{frame['vintage']}/villages.geojson?{urlencode(query)}"


def whole_area_name(service: Any, vintage: str, lang: str) -> str:
    """Return what the whole area is called: its root unit's name, else the area's own name.

    Never "Toàn tỉnh" ("whole province"): a vintage's root need not be a province.
    """
    root = service.root(vintage)
    if root is not None and root.get("name"):
        return str(root["name"])
    area = service.area() if hasattr(service, "area") else None
    name = getattr(area, "name_vi" if lang == "vi" else "name_en", "") if area else ""
    return str(name) if name else t("whole_area_any", lang)


def breadcrumb(frame: Mapping[str, Any], lang: str, whole: str | None = None) -> list[Any]:
    """Return the breadcrumb of the frame (the root falls back to ``whole``, the area's name)."""
    chain = [dict(crumb) for crumb in frame["chain"]]
    if chain and not chain[0]["name"]:
        chain[0]["name"] = whole or t("whole_area_any", lang)
    return controls.breadcrumb(chain)
