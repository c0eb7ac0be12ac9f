"""CSV and XLSX exports: the rows without geometry, every text cell safe against formula injection.

csv
    UTF-8 with a byte-order mark (so that Excel shows Vietnamese correctly), no geometry.
xlsx
    Sheet ``data`` (same columns and neutralisation as CSV, numbers as numeric cells) and sheet
    ``metadata`` (view, generated-at, warning, indicator definitions, sources, boundary licences).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from importlib import resources
from typing import Any

import pandas as pd

from geodata.exports.cells import spreadsheet_cell


def _rows(frame: pd.DataFrame) -> tuple[list[str], list[list[Any]]]:
    columns = [c for c in frame.columns if c != "geometry"]
    rows = [
        [spreadsheet_cell(v) for v in record] for record in frame[columns].itertuples(index=False)
    ]
    return columns, rows


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def to_csv(frame: pd.DataFrame) -> bytes:
    """Write the rows (no geometry) as CSV, UTF-8 with BOM, formula-safe.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows from :func:`geodata.exports.rows.view_frame`.

    Returns
    -------
    bytes
        The file.
    """
    columns, rows = _rows(frame)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_csv_text(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _metadata_rows(meta: dict[str, Any]) -> list[list[Any]]:
    view = meta["view"]
    rows: list[list[Any]] = [
        ["dxmap export"],
        ["generated_at (UTC)", meta["generated_at"]],
        ["level", view["level"]],
        ["vintage", view["vintage"]],
        ["period", view["period"]],
        ["indicator", view["indicator"] or "all indicators"],
        ["parent", view["parent"] or ""],
        ["below_target", "yes" if view["below_target"] else "no"],
        ["rows", meta["rows"]],
        ["synthetic values", "YES" if meta["synthetic"] else "no"],
    ]
    if meta["warning"]:
        rows.append(["WARNING", meta["warning"]])
    for note in meta["notes"]:
        rows.append(["note", note])
    if meta["targets_note"]:
        rows.append(["targets", meta["targets_note"]])
    rows.append([])
    rows.append(["Indicators"])
    indicator_fields = list(meta["indicators"][0]) if meta["indicators"] else ["key"]
    rows.append(indicator_fields)
    rows += [[i[f] for f in indicator_fields] for i in meta["indicators"]]
    rows.append([])
    rows.append(["Sources"])
    source_fields = ["key", "title", "publisher", "url", "published_on", "licence", "provenance"]
    rows.append(source_fields)
    rows += [[s[f] for f in source_fields] for s in meta["sources"]]
    rows.append([])
    rows.append(["Boundary layers"])
    layer_fields = [
        "file",
        "vintage",
        "level",
        "licence",
        "attribution",
        "upstream",
        "redistributable",
    ]
    rows.append(layer_fields)
    rows += [[layer[f] for f in layer_fields] for layer in meta["layers"]]
    return rows


def to_xlsx(
    frame: pd.DataFrame, meta: dict[str, Any], labels: Mapping[str, str] | None = None
) -> bytes:
    """Write the rows as an XLSX workbook: sheet ``data`` and sheet ``metadata``.

    Parameters
    ----------
    frame : pandas.DataFrame
        Rows from :func:`geodata.exports.rows.view_frame`.
    meta : dict
        From :func:`geodata.exports.metadata.export_metadata`.
    labels : mapping, optional
        Column key → header label (e.g. :func:`column_labels` in Vietnamese). The header row
        shows the labels and the metadata sheet lists each label with its key, so that a reader
        can still map the columns to the export contract's keys.

    Returns
    -------
    bytes
        The workbook.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "data"
    columns, rows = _rows(frame)
    sheet.append([spreadsheet_cell((labels or {}).get(c, c)) for c in columns])
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text is never a formula, whatever it starts with
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    for index, column in enumerate(columns, start=1):
        width = max([len(column), *(len(str(r[index - 1])) for r in rows[:200] if r[index - 1])])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)

    info = workbook.create_sheet("metadata")
    meta_rows = _metadata_rows(meta)
    if labels:
        meta_rows += [[], ["Columns"], ["label", "key"]]
        meta_rows += [[labels.get(c, c), c] for c in columns]
    for row in meta_rows:
        info.append([spreadsheet_cell(v) for v in row])
    for row in info.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    info["A1"].font = Font(bold=True, size=13)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def column_labels(lang: str) -> dict[str, str]:
    """Return the header labels of export columns in ``lang`` (``vi`` or ``en``).

    Parameters
    ----------
    lang : str
        ``vi`` or ``en``.

    Returns
    -------
    dict of str to str
        Column key → label, read from ``geodata/exports/data/column_labels.csv``.

    Raises
    ------
    ValueError
        For another language.
    """
    if lang not in ("vi", "en"):
        raise ValueError(f"lang must be 'vi' or 'en', got {lang!r}")
    text = resources.files("geodata.exports").joinpath("data/column_labels.csv").read_text("utf-8")
    return {row["key"]: row[f"label_{lang}"] for row in csv.DictReader(io.StringIO(text))}
