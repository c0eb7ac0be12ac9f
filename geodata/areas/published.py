"""Officially published scorecard counts ("12/15 targets met"), shipped as data of each area.

A source story often states how many targets an area met per pillar, counted by the authority
against its own (unpublished) list of targets. dxmap cannot recount those, so it shows them
beside its own counts, labelled. Each shipped area may hold ``data/<area>/published_scorecards.csv``
with the columns :data:`COLUMNS`; one row per unit, period and pillar.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

COLUMNS = ("vintage", "code", "period", "pillar", "met", "total", "source_key")
OPTIONAL_COLUMNS = ("source_vi", "source_en")  # the source as a reader names it
FILE_NAME = "published_scorecards.csv"


class PublishedCountsError(ValueError):
    """A published-counts file is malformed (the message names the file, row and column)."""


def _count(raw: str, name: str, row: int, column: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise PublishedCountsError(
            f"{name}, row {row}, column {column}: {raw!r} is not a whole number"
        ) from None
    if value < 0:
        raise PublishedCountsError(f"{name}, row {row}, column {column}: {value} is negative")
    return value


def read_published_counts(text: str, name: str = FILE_NAME) -> tuple[dict[str, object], ...]:
    """Parse a published-counts CSV.

    Parameters
    ----------
    text : str
        The file's content (UTF-8 text, one header row).
    name : str
        The file's name, used in error messages.

    Returns
    -------
    tuple of dict
        One dict per row with the keys of :data:`COLUMNS` and :data:`OPTIONAL_COLUMNS` (``""``
        when absent); ``met`` and ``total`` are ints.

    Raises
    ------
    PublishedCountsError
        If a column is missing, a count is not a whole number, or ``met`` exceeds ``total``.
    """
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or ())]
    if missing:
        raise PublishedCountsError(f"{name}: missing column(s) {', '.join(missing)}")
    rows = []
    for number, raw in enumerate(reader, start=2):
        for column in COLUMNS:
            if not (raw.get(column) or "").strip():
                raise PublishedCountsError(f"{name}, row {number}, column {column}: empty")
        met = _count(raw["met"], name, number, "met")
        total = _count(raw["total"], name, number, "total")
        if met > total:
            raise PublishedCountsError(
                f"{name}, row {number}, column met: {met} exceeds total {total}"
            )
        rows.append(
            {c: (raw.get(c) or "").strip() for c in (*COLUMNS, *OPTIONAL_COLUMNS)}
            | {"met": met, "total": total}
        )
    return tuple(rows)


def _shipped_files() -> Iterable[Traversable]:
    data = resources.files("geodata.areas") / "data"
    for folder in sorted(data.iterdir(), key=lambda item: item.name):
        candidate = folder / FILE_NAME
        if folder.is_dir() and candidate.is_file():
            yield candidate


def published_counts(
    vintage: str, code: str, period: str, files: Iterable[Path | Traversable] | None = None
) -> dict[str, dict[str, object]]:
    """Return the published counts of one unit and period, by pillar.

    Parameters
    ----------
    vintage, code, period : str
        The unit (a GSO code of that vintage) and the period.
    files : iterable of path, optional
        The files to read; default: every shipped area's ``published_scorecards.csv`` (GSO codes
        are unique, so a unit's rows cannot come from another area).

    Returns
    -------
    dict
        Pillar key → ``{"met", "total", "source_key", "source_vi", "source_en"}``; empty when
        nothing was published.
    """
    found: dict[str, dict[str, object]] = {}
    for path in _shipped_files() if files is None else files:
        for row in read_published_counts(path.read_text(encoding="utf-8"), path.name):
            if (row["vintage"], row["code"], row["period"]) == (vintage, code, period):
                found[str(row["pillar"])] = {
                    key: row[key] for key in ("met", "total", "source_key", *OPTIONAL_COLUMNS)
                }
    return found
