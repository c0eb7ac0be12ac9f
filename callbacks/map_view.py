"""What the map shows for a view state: frame (geometry, fit) and restyle (hideouts, legend…).

Pure functions over the service; no Dash context.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlencode

from geodata.analysis.classify import Classification, assign_classes, classify
from geodata.areas.extent import split_outliers, union
from geodata.service import lod_for_zoom
from layers import choropleth, controls, legend, tables
from layers.i18n import t


class Service(Protocol):
    """The part of :class:`~geodata.service.map_service.MapService` the map needs."""

    def unit(self, vintage: str, code: str | None) -> dict[str, Any] | None: ...
    def root(self, vintage: str) -> dict[str, Any] | None: ...
    def units_index(self, vintage: str) -> dict[str, dict[str, Any]]: ...
    def child_level(self, vintage: str, code: str) -> str | None: ...
    def lineage(self, vintage: str, code: str | None) -> list[dict[str, Any]]: ...
    def geometry_json(self, vintage: str, level: str, parent: str | None, lod: int = 1) -> Any: ...
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
    """Return the cacheable URL of the frame's polygons (versioned by their ETag).

    ``lod`` is the level of detail for the zoom the fit ends at; the browser switches band
    when the user zooms past :data:`~geodata.service.LOD_ZOOMS` (same ``v``, the display
    geometry's version).
    """
    if not frame.get("level"):
        return None
    _, etag = service.geometry_json(frame["vintage"], frame["level"], frame["parent"])
    lod = lod_for_zoom(fitted_zoom(frame.get("bounds")))
    query = {"parent": frame["parent"] or "", "lod": lod, "v": etag[:12]}
    return f"{prefix}geo/{frame['vintage']}/{frame['level']}.geojson?{urlencode(query)}"


def villages_url(prefix: str, frame: Mapping[str, Any], service: Service) -> str | None:
    """Return the URL of the selected leaf unit's village points (``None`` when not at a leaf)."""
    if not frame.get("leaf"):
        return None
    _, etag = service.villages_json(frame["vintage"], frame["leaf"])
    query = {"parent": frame["leaf"], "v": etag[:12]}
    return f"{prefix}geo/{frame['vintage']}/villages.geojson?{urlencode(query)}"


def _classes_with(
    classification: Classification, records: Mapping[str, Mapping[str, Any]]
) -> dict[str, int | None]:
    """Classes of another set of records with the breaks (or verdicts) of ``classification``."""
    if classification.scheme == "target":
        return {
            code: None if rec.get("met") is None or rec.get("value") is None else int(rec["met"])
            for code, rec in records.items()
        }
    return assign_classes({c: r.get("value") for c, r in records.items()}, classification.breaks)


def fixed_classification(
    values: Mapping[str, float | None], pooled: Mapping[str, float], scheme: str
) -> Classification:
    """Classify ``values`` with the breaks of ``pooled`` (every period): colours compare."""
    over_all = classify(dict(pooled), scheme)
    classes = assign_classes(dict(values), over_all.breaks)
    found = list(classes.values())
    return Classification(
        scheme=over_all.scheme,
        breaks=over_all.breaks,
        minimum=over_all.minimum,
        classes=classes,
        counts=tuple(found.count(i) for i in range(len(over_all.breaks))),
        no_data=found.count(None),
    )


def covered_classes(villages: Mapping[str, Mapping[str, Any]]) -> dict[str, int | None]:
    """Return village code → 1 covered, 0 not covered, ``None`` without a value."""
    return {
        code: None if rec.get("value") is None else int(rec["value"] > 0)
        for code, rec in villages.items()
    }


def _summary_record(
    state: Mapping[str, Any], frame: Mapping[str, Any], service: Service, polygons: Mapping
) -> tuple[str, Mapping[str, Any] | None]:
    unit = frame["unit"]
    vintage = state["vintage"]
    args = (state["indicator"], state["period"], vintage)
    if unit is None:
        root = service.root(vintage)
        if root is None:
            return "", None
        return root["name"], service.values(*args, root["level"], None).get(root["code"])
    if frame["leaf"]:
        return unit["name"], polygons.get(unit["code"])
    return unit["name"], service.values(*args, unit["level"], unit["parent_code"]).get(unit["code"])


def restyle(
    state: Mapping[str, Any],
    frame: Mapping[str, Any],
    service: Service,
    stamp: int = 0,
    *,
    table: bool = True,
    playing: bool = False,
) -> dict[str, Any]:
    """Return everything that changes with the values: hideouts, legend, badge, table, summary.

    ``table=False`` leaves out the unit table (its tab is hidden): ``"table"`` is then ``None``.
    ``playing`` (the period slider plays) holds the classes fixed across periods: the breaks
    are computed once over every period of the indicator on the level (cached on the service).
    """
    fixed = False
    lang = state["lang"]
    indicator = service.indicator(state["indicator"]) or {
        "name_vi": state["indicator"],
        "name_en": state["indicator"],
        "unit": "%",
        "direction": "higher",
    }
    unit_sign = indicator["unit"]
    name = indicator["name_vi"] if lang == "vi" else indicator["name_en"]
    args = (state["indicator"], state["period"], state["vintage"])
    polygons = service.values(*args, frame["level"], frame["parent"]) if frame["level"] else {}
    villages = service.village_values(*args, frame["leaf"]) if frame["leaf"] else {}
    focus = villages if frame["leaf"] else polygons
    binary = bool(frame["leaf"]) and indicator.get("kind") == "share_of_villages"
    if binary:  # a village is covered or not: two classes, never "0,0 %" / "100,0 %"
        village_classes = covered_classes(villages)
        colors = list(legend.COVERED_COLORS)
        polygon_classes: dict[str, int | None] = dict.fromkeys(polygons)  # context only
        plain = legend.covered_counts(village_classes)
        focus_classes = village_classes
    else:
        fixed = playing and not frame["leaf"] and state["scheme"] != "target" and frame["level"]
        classification = (
            fixed_classification(
                {c: r.get("value") for c, r in focus.items()},
                service.pooled_values(
                    state["indicator"], state["vintage"], frame["level"], frame["parent"]
                ),
                state["scheme"],
            )
            if fixed
            else classify(
                {c: r.get("value") for c, r in focus.items()},
                state["scheme"],
                met={c: r.get("met") for c, r in focus.items()},
            )
        )
        n_classes = 2 if classification.scheme == "target" else len(classification.breaks)
        colors = legend.class_colors(n_classes, classification.scheme, indicator["direction"])
        polygon_classes = (
            _classes_with(classification, polygons) if frame["leaf"] else classification.classes
        )
        village_classes = _classes_with(classification, villages)
        focus_classes = classification.classes
        plain = {
            "scheme": classification.scheme,
            "ranges": classification.ranges(),
            "counts": list(classification.counts),
            "no_data": classification.no_data,
        }
    level_key = "village" if frame["leaf"] else (frame["level"] or "commune")
    rows = legend.legend_rows(plain, colors, unit_sign, lang)
    count_noun = t("count_villages" if frame["leaf"] else "count_units", lang)
    summary_name, summary_rec = _summary_record(state, frame, service, polygons)
    shown = [*polygons.values(), *villages.values(), summary_rec or {}]
    if frame["leaf"]:
        caption = t("table_villages", lang, name=frame["unit"]["name"])
    else:
        caption = f"{t('table_units', lang)} · {t(f'level_{level_key}', lang)}"
    table_rows = tables.sort_rows(
        [{"code": code, **rec} for code, rec in focus.items()], indicator["direction"]
    )
    labels = legend.class_labels(plain, unit_sign, lang)
    table_classes = {
        code: None if c is None else (colors[c], labels[c]) for code, c in focus_classes.items()
    }
    focused = (state.get("focus") or {}).get("code")
    compared = tuple(state.get("compare") or ())
    notice: list[Any] = []
    found_as = state.get("found_as")
    found = (
        next((e for e in service.search_entries(state["vintage"]) if e["value"] == found_as), None)
        if found_as
        else None
    )
    if state.get("moved_from"):
        shown_name = (
            frame["unit"]["name"]
            if frame["unit"]
            else whole_area_name(service, state["vintage"], lang)
        )
        notice.append(t("notice_unit_moved", lang, name=shown_name))
    moved = state.get("compare_moved") or {}
    if moved.get("kept"):
        names = [(service.unit(state["vintage"], c) or {}).get("name") or c for c in moved["kept"]]
        notice.append(t("notice_compare_moved", lang, kept=", ".join(names)))
    if moved.get("dropped"):
        notice.append(t("notice_compare_dropped", lang, dropped=", ".join(moved["dropped"])))
    if found is not None and found.get("former"):
        notice.append(t("notice_former_name", lang, former=found["former"], name=found["name"]))
    if frame["level"] and not any(r.get("value") is not None for r in polygons.values()):
        if indicator.get("finest_level") == "province":
            notice.append(t("notice_province_only", lang))
        else:
            notice.append(t("notice_no_values", lang, period=state["period"]))
    elif frame["leaf"] and frame["unit"]["level"] != "commune":
        notice.append(t("leaf_note", lang, name=frame["unit"]["name"]))
    return {
        "units_hideout": choropleth.hideout(
            polygons,
            polygon_classes,
            colors,
            unit=unit_sign,
            lang=lang,
            selected=frame["selected"],
            focus=focused,
            marked=compared,
            stamp=stamp,
        ),
        "villages_hideout": choropleth.hideout(
            villages,
            village_classes,
            colors,
            unit=unit_sign,
            lang=lang,
            selected=state.get("village"),
            focus=focused,
            stamp=stamp,
            binary=binary,
        ),
        "legend": legend.legend(
            name,
            f"{state['period']} · {t(f'level_{level_key}', lang)}"
            + (f" · {t('legend_fixed', lang)}" if fixed else ""),
            rows,
            count_noun,
            lang,
        ),
        "synthetic": any(rec.get("provenance") == "synthetic" for rec in shown),
        "table": tables.unit_table(
            table_rows,
            caption,
            unit_sign,
            lang,
            table_classes,
            pickable=not frame["leaf"],
            binary=binary,
        )
        if table
        else None,
        "summary": tables.summary(
            summary_name or whole_area_name(service, state["vintage"], lang),
            name,
            state["period"],
            summary_rec,
            unit_sign,
            lang,
        ),
        "notice": notice,
        "attribution": choropleth.attribution_children(
            choropleth.attribution_parts(service.attribution(state["vintage"]), lang)
        ),
    }


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
