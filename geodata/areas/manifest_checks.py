"""Key checks of the area manifest: each error names the file, the section and the key."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from geodata.areas.specs import Area, AreaVintage, CrosswalkSpec, LayerSpec, ManifestError

LEVEL_KEYS = ("country", "province", "district", "commune")
"""Unit levels a vintage may have, top → down."""


class Section:
    """One table of the manifest (``[area]``, ``[[layer]] #2``…), for checks and messages."""

    def __init__(self, source: Path, name: str, error: type[Exception]) -> None:
        self.source = source
        self.name = name
        self.label = ""
        self._error = error

    def error(self, key: str, message: str) -> Exception:
        """Return the error naming the file, this section (with its label) and ``key``."""
        where = f"{self.name} ({self.label})" if self.label else self.name
        return self._error(f"{self.source}: {where} key {key!r}: {message}")

    def text(self, raw: dict[str, Any], key: str, *, required: bool = True) -> str:
        """Return a string key (stripped); a missing optional key gives ``""``."""
        if key not in raw:
            if required:
                raise self.error(key, "is missing")
            return ""
        value = raw[key]
        if not isinstance(value, str):
            raise self.error(key, f"must be a string, got {value!r}")
        if required and not value.strip():
            raise self.error(key, "must not be empty")
        return value.strip()

    def boolean(self, raw: dict[str, Any], key: str) -> bool:
        """Return a required boolean key."""
        if key not in raw:
            raise self.error(key, "is missing")
        if not isinstance(raw[key], bool):
            raise self.error(key, f"must be true or false, got {raw[key]!r}")
        return raw[key]

    def date(self, raw: dict[str, Any], key: str, *, required: bool = True) -> date | None:
        """Return a TOML date (``2020-01-01``, unquoted); a quoted ISO date is accepted too."""
        if key not in raw:
            if required:
                raise self.error(key, "is missing")
            return None
        value = raw[key]
        if isinstance(value, date) and not hasattr(value, "hour"):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.error(key, f"must be a date such as 2025-07-01, got {value!r}")


def check_levels(raw: dict[str, Any], sec: Section) -> tuple[str, ...]:
    """Return a vintage's ``levels``: known level keys, top → down, no repeats."""
    if "levels" not in raw:
        raise sec.error("levels", "is missing")
    levels = raw["levels"]
    if not isinstance(levels, list) or not levels or not all(isinstance(v, str) for v in levels):
        raise sec.error("levels", f"must be a list of level names, got {levels!r}")
    for level in levels:
        if level not in LEVEL_KEYS:
            raise sec.error(
                "levels", f"unknown level {level!r}; levels are {', '.join(LEVEL_KEYS)}"
            )
    ranks = [LEVEL_KEYS.index(level) for level in levels]
    if ranks != sorted(set(ranks)):
        raise sec.error(
            "levels", f"must run top → down without repeats ({', '.join(LEVEL_KEYS)}): {levels}"
        )
    return tuple(levels)


def check_vintage_dates(vintages: Sequence[Any], source: Path, error: type[Exception]) -> None:
    """Vintages come oldest first, do not overlap, and only the last may lack ``valid_to``."""
    for n, (earlier, later) in enumerate(zip(vintages, vintages[1:], strict=False), start=2):
        sec = Section(source, f"[[vintage]] #{n}", error)
        sec.label = later.key
        if earlier.valid_to is None:
            raise sec.error(
                "valid_from",
                f"vintage {earlier.key} has no valid_to but a later vintage follows it",
            )
        if later.valid_from <= earlier.valid_to:
            raise sec.error(
                "valid_from",
                f"{later.valid_from} is not after {earlier.key}'s valid_to {earlier.valid_to} "
                "(vintages come oldest first and do not overlap)",
            )


def check_coverage(vintages: dict[str, AreaVintage], layers: list[LayerSpec], source: Path) -> None:
    """Every level of a vintage needs a layer, except a top level given by ``root_code``."""
    for n, spec in enumerate(vintages.values(), start=1):
        sec = Section(source, f"[[vintage]] #{n}", ManifestError)
        sec.label = spec.key
        have = {layer.level for layer in layers if layer.vintage == spec.key}
        top = spec.levels[0]
        if top in have and spec.root_code:
            raise sec.error("root_code", f"level {top!r} has a [[layer]]; give one or the other")
        if top not in have and not spec.root_code:
            raise sec.error("root_code", f"is missing: the top level {top!r} has no [[layer]]")
        if spec.root_code and len(spec.levels) < 2:
            raise sec.error("levels", "a root_code needs a level below the root")
        for level in spec.levels[1:]:
            if level not in have:
                raise sec.error("levels", f"level {level!r} has no [[layer]]")


def check_crosswalk_columns(area: Area, spec: CrosswalkSpec, n: int) -> None:
    """Check that the columns a ``[[crosswalk]]`` names are in its CSV (when it is there)."""
    path = area.resolve(spec.file)
    if not path.is_file():
        return  # reported, with the folder searched, when the store is initialised
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            header = [column.strip() for column in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{area.source}: [[crosswalk]] #{n} ({spec.file}): {exc}") from exc
    sec = Section(area.source, f"[[crosswalk]] #{n}", ManifestError)
    sec.label = spec.file
    for key in (
        "from_field",
        "to_field",
        "from_parent_field",
        "to_parent_field",
        "to_name_field",
        "note_field",
    ):
        column = getattr(spec, key)
        if column and column not in header:
            raise sec.error(key, f"column {column!r} is not in {path.name} ({', '.join(header)})")
