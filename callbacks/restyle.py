"""What changes with the values of a view's frame: hideouts, legend, table, summary, notices.

Pure functions over the service; no Dash context. The frame (which units are drawn) is
:func:`callbacks.map_view.map_frame`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from callbacks.map_classes import Classes, Shown, classes_of, shown_values
from callbacks.map_view import Service, whole_area_name
from layers import choropleth, legend, tables
from layers.i18n import t


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


def _level_key(frame: Mapping[str, Any]) -> str:
    return "village" if frame["leaf"] else (frame["level"] or "commune")


def notices(
    state: Mapping[str, Any], frame: Mapping[str, Any], service: Service, shown: Shown
) -> list[Any]:
    """Return what the notice line says: a moved unit or comparison, a former name, no data."""
    lang, vintage = state["lang"], state["vintage"]
    notice: list[Any] = []
    if state.get("moved_from"):
        shown_name = (
            frame["unit"]["name"] if frame["unit"] else whole_area_name(service, vintage, lang)
        )
        notice.append(t("notice_unit_moved", lang, name=shown_name))
    moved = state.get("compare_moved") or {}
    if moved.get("kept"):
        names = [(service.unit(vintage, c) or {}).get("name") or c for c in moved["kept"]]
        notice.append(t("notice_compare_moved", lang, kept=", ".join(names)))
    if moved.get("dropped"):
        notice.append(t("notice_compare_dropped", lang, dropped=", ".join(moved["dropped"])))
    found_as = state.get("found_as")
    entries = service.search_entries(vintage) if found_as else ()
    found = next((e for e in entries if e["value"] == found_as), None)
    if found is not None and found.get("former"):
        notice.append(t("notice_former_name", lang, former=found["former"], name=found["name"]))
    if frame["level"] and not any(r.get("value") is not None for r in shown.polygons.values()):
        if shown.indicator.get("finest_level") == "province":
            notice.append(t("notice_province_only", lang))
        else:
            notice.append(t("notice_no_values", lang, period=state["period"]))
    elif frame["leaf"] and frame["unit"]["level"] != "commune":
        notice.append(t("leaf_note", lang, name=frame["unit"]["name"]))
    return notice


def _unit_table(
    state: Mapping[str, Any], frame: Mapping[str, Any], shown: Shown, classes: Classes
) -> Any:
    """Return the table of the shown units (or villages), classed like the map."""
    lang, unit_sign = state["lang"], shown.indicator["unit"]
    if frame["leaf"]:
        caption = t("table_villages", lang, name=frame["unit"]["name"])
    else:
        caption = f"{t('table_units', lang)} · {t(f'level_{_level_key(frame)}', lang)}"
    rows = tables.sort_rows(
        [{"code": code, **rec} for code, rec in shown.focus.items()],
        shown.indicator["direction"],
    )
    labels = legend.class_labels(classes.plain, unit_sign, lang)
    table_classes = {
        code: None if c is None else (classes.colors[c], labels[c])
        for code, c in classes.focus.items()
    }
    return tables.unit_table(
        rows,
        caption,
        unit_sign,
        lang,
        table_classes,
        pickable=not frame["leaf"],
        binary=shown.binary,
    )


def _hideouts(
    state: Mapping[str, Any], frame: Mapping[str, Any], shown: Shown, classes: Classes, stamp: int
) -> dict[str, Any]:
    """Return the hideouts of the units' and the villages' layers."""
    lang, unit_sign = state["lang"], shown.indicator["unit"]
    focused = (state.get("focus") or {}).get("code")
    return {
        "units_hideout": choropleth.hideout(
            shown.polygons,
            classes.polygons,
            classes.colors,
            unit=unit_sign,
            lang=lang,
            selected=frame["selected"],
            focus=focused,
            marked=tuple(state.get("compare") or ()),
            stamp=stamp,
        ),
        "villages_hideout": choropleth.hideout(
            shown.villages,
            classes.villages,
            classes.colors,
            unit=unit_sign,
            lang=lang,
            selected=state.get("village"),
            focus=focused,
            stamp=stamp,
            binary=shown.binary,
        ),
    }


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
    lang = state["lang"]
    shown = shown_values(state, frame, service)
    classes = classes_of(state, frame, service, shown, playing)
    unit_sign = shown.indicator["unit"]
    name = shown.indicator["name_vi"] if lang == "vi" else shown.indicator["name_en"]
    level = t(f"level_{_level_key(frame)}", lang)
    held = f" · {t('legend_fixed', lang)}" if classes.fixed else ""
    summary_name, summary_rec = _summary_record(state, frame, service, shown.polygons)
    records = [*shown.polygons.values(), *shown.villages.values(), summary_rec or {}]
    count_noun = t("count_villages" if frame["leaf"] else "count_units", lang)
    return {
        **_hideouts(state, frame, shown, classes, stamp),
        "legend": legend.legend(
            name,
            f"{state['period']} · {level}{held}",
            legend.legend_rows(classes.plain, classes.colors, unit_sign, lang),
            count_noun,
            lang,
        ),
        "synthetic": any(rec.get("provenance") == "synthetic" for rec in records),
        "table": _unit_table(state, frame, shown, classes) if table else None,
        "summary": tables.summary(
            summary_name or whole_area_name(service, state["vintage"], lang),
            name,
            state["period"],
            summary_rec,
            unit_sign,
            lang,
        ),
        "notice": notices(state, frame, service, shown),
        "attribution": choropleth.attribution_children(
            choropleth.attribution_parts(service.attribution(state["vintage"]), lang)
        ),
    }
