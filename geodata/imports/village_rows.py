"""Checking one data row of a village register against the area's units.

The format is a contract (PRODUCT.md "Interfaces"): one header row with ``code, name,
parent_code`` required, then optionally ``households, adults, lon, lat, vintage``
(:mod:`geodata.imports.columns`; the header is checked by :mod:`geodata.imports.validate`). Each
problem names the file, the spreadsheet row (the header is row 1) and the column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from geodata.imports.columns import REGISTER_COLUMNS, REGISTER_REQUIRED
from geodata.imports.numbers import parse_number
from geodata.imports.read import ImportProblem, RowProblems, cell_text, raw_number
from geodata.imports.village_units import AreaUnits

#: Longest village code and name the store keeps (``Village.code``, ``Village.name``).
MAX_CODE, MAX_NAME = 16, 200
_CODE = re.compile(rf"^[A-Za-z0-9_.-]{{1,{MAX_CODE}}}$")  # as the API's unit and village codes


@dataclass
class RegisterRow:
    """A checked register row.

    Attributes
    ----------
    row : int
        Spreadsheet row number.
    code, name, parent_code, vintage : str
        The village, its name, its parent unit and the vintage that parent belongs to.
    households, adults : int or None
        The counts (None: the cell was empty).
    lon, lat : float or None
        The point as given (None: no point).
    parents : dict of str to str
        Vintage → the unit the village lies in (filled in by
        :mod:`geodata.imports.village_format`).
    fallback : tuple of float or None
        Where a new village without a point is drawn (a point inside its parent).
    """

    row: int
    code: str
    name: str
    parent_code: str
    vintage: str
    households: int | None
    adults: int | None
    lon: float | None
    lat: float | None
    parents: dict[str, str] = field(default_factory=dict)
    fallback: tuple[float, float] | None = None

    @property
    def has_point(self) -> bool:
        """True when the row gives both lon and lat."""
        return self.lon is not None and self.lat is not None


def _cell(cells: list[object], positions: Mapping[str, int], column: str) -> object:
    index = positions.get(column)
    return cells[index] if index is not None and index < len(cells) else None


def _count(raw: str, column: str, problems: RowProblems) -> int | None:
    """Parse a whole, non-negative count (households, adults); None when empty or wrong."""
    if not raw.strip():
        return None
    number = parse_number(raw, column, problems)
    if number is None:
        return None
    if not number.is_integer():
        problems.add(column, f"a count must be a whole number, got {raw.strip()!r}")
        return None
    return int(number)


def _coordinate(raw: str, column: str, limit: float, problems: RowProblems) -> float | None:
    """Parse a longitude or latitude in decimal degrees (WGS 84) within ±``limit``."""
    text = raw.strip()
    try:
        number = float(text)
    except ValueError:
        problems.add(column, f"not a number: {raw!r} (decimal degrees, e.g. 107.08)")
        return None
    if not math.isfinite(number) or abs(number) > limit:
        problems.add(
            column, f"{text} is out of range: {column} lies between -{limit:g} and {limit:g}"
        )
        return None
    return number


def check_register_row(
    n: int,
    cells: list[object],
    positions: Mapping[str, int],
    units: AreaUnits,
    default_vintage: str,
    name: str,
) -> tuple[RegisterRow | None, list[ImportProblem]]:
    """Check one register row against the area's units.

    Parameters
    ----------
    n : int
        Spreadsheet row number.
    cells : list
        The row's cells.
    positions : mapping of str to int
        Column → cell index (:func:`geodata.imports.validate.check_header`).
    units : AreaUnits
        The units of every stored vintage.
    default_vintage : str
        The vintage of a row whose ``vintage`` cell is empty (the area's oldest).
    name : str
        The file's name, for the problems.

    Returns
    -------
    row : RegisterRow or None
        The row, or None when it has a problem.
    problems : list of ImportProblem
        Its problems.
    """
    problems = RowProblems(n, name)
    text = {
        column: cell_text(_cell(cells, positions, column)).strip() for column in REGISTER_COLUMNS
    }
    for column in REGISTER_REQUIRED:
        if not text[column]:
            problems.add(column, "missing required value")
    code, village_name, parent = text["code"], text["name"], text["parent_code"]
    if code and not _CODE.match(code):
        problems.add(
            "code",
            f"bad village code {code!r}: letters A-Z, digits, '.', '_' or '-' only, at most "
            f"{MAX_CODE} characters (the map, the API and imports use it in URLs)",
        )
    elif code and (clash := units.unit_of_code(code)):
        problems.add(
            "code",
            f"{code!r} is already the code of a unit ({clash}); a village needs a code of its own",
        )
    if len(village_name) > MAX_NAME:
        problems.add("name", f"a name has at most {MAX_NAME} characters, got {len(village_name)}")

    vintage = text["vintage"] or default_vintage
    if vintage not in units.vintages:
        problems.add(
            "vintage", f"unknown vintage {vintage!r}; this area's: {', '.join(units.vintages)}"
        )
    elif parent:
        message = units.parent_problem(parent, vintage)
        if message:
            problems.add("parent_code", message)

    households = _count(raw_number(_cell(cells, positions, "households")), "households", problems)
    adults = _count(raw_number(_cell(cells, positions, "adults")), "adults", problems)
    lon = lat = None
    raw_lon = raw_number(_cell(cells, positions, "lon"))
    raw_lat = raw_number(_cell(cells, positions, "lat"))
    if raw_lon.strip() or raw_lat.strip():
        for column, raw in (("lon", raw_lon), ("lat", raw_lat)):
            if not raw.strip():
                other = "lat" if column == "lon" else "lon"
                problems.add(column, f"missing: {other} is given, a point needs both lon and lat")
        if raw_lon.strip():
            lon = _coordinate(raw_lon, "lon", 180.0, problems)
        if raw_lat.strip():
            lat = _coordinate(raw_lat, "lat", 90.0, problems)
    if problems.found:
        return None, problems.found
    row = RegisterRow(n, code, village_name, parent, vintage, households, adults, lon, lat)
    return row, []
