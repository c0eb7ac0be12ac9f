"""Checking one data row of an import of values against the catalogue and the loaded units.

Each check adds an :class:`~geodata.imports.read.ImportProblem` naming the spreadsheet row and the
column; a row without problems becomes an :class:`ImportRow`, ready to be written.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.vintages import VintageSpec, period_bounds, stored_vintages, vintage_for_period
from geodata.imports.limits import MAX_CODE_CHARS, MAX_NOTE_CHARS, MAX_SOURCE_CHARS, text_problem
from geodata.imports.numbers import check_numbers, parse_number
from geodata.imports.read import ImportProblem, RowProblems, cell_text, raw_number
from geodata.store.models import Indicator, Source, Unit, Village

LEVEL_DEPTH = {"country": 0, "province": 1, "district": 2, "commune": 3, "village": 4}


@dataclass(frozen=True)
class ImportRow:
    """A validated row, ready to be written.

    Attributes
    ----------
    row : int
        Spreadsheet row number.
    indicator_key, period, vintage_key, level, code : str
        The observation's key (``level`` is ``village`` for a village code).
    numerator, denominator, value : float or None
        The numbers to store (``value`` is the percentage of a ratio or share, or the count).
    source : str
        The ``source`` cell as given (may be empty).
    note : str
        The ``note`` cell as given (may be empty).
    """

    row: int
    indicator_key: str
    period: str
    vintage_key: str
    level: str
    code: str
    numerator: float | None
    denominator: float | None
    value: float | None
    source: str
    note: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The observation's unique key: indicator, period, level, code."""
        return (self.indicator_key, self.period, self.level, self.code)


@dataclass
class Catalogue:
    """What validation needs from the store, read once per file."""

    indicators: dict[str, Indicator]
    sources: dict[str, str]  # key -> provenance
    units: dict[str, dict[str, str]]  # vintage -> code -> level
    villages: set[str]
    vintages: tuple[VintageSpec, ...] = ()  # the area's, as stored (stored_vintages)
    today: date = field(default_factory=date.today)  # no period may start after it


def load_catalogue(session: Session, vintages: Iterable[str], codes: set[str]) -> Catalogue:
    """Read the indicators, sources, units of ``vintages`` and the villages among ``codes``."""
    indicators = {i.key: i for i in session.scalars(select(Indicator))}
    sources = dict(session.execute(select(Source.key, Source.provenance)).all())
    units: dict[str, dict[str, str]] = {}
    for vintage in set(vintages):
        rows = session.execute(select(Unit.code, Unit.level).where(Unit.vintage_key == vintage))
        units[vintage] = dict(rows.all())
    villages: set[str] = set()
    code_list = sorted(codes)
    for start in range(0, len(code_list), 500):
        chunk = code_list[start : start + 500]
        villages.update(session.scalars(select(Village.code).where(Village.code.in_(chunk))))
    return Catalogue(indicators, sources, units, villages, stored_vintages(session))


def period_vintage(period: str, vintages: tuple[VintageSpec, ...], today: date) -> str:
    """Return the vintage of a period key; raise ``ValueError`` saying why it is not accepted.

    A period must be written in ASCII digits (``2024``, ``2025-H1``, ``2025-Q3``), fall inside a
    stored vintage of the area, and not start after ``today`` (nothing is reported for the
    future).
    """
    if not period.isascii():
        raise ValueError(f"write the period in ASCII digits 0-9 (such as 2024), got {period!r}")
    start, _ = period_bounds(period)
    if start > today:
        raise ValueError(
            f"period {period} starts after today ({today.isoformat()}); "
            "no value can be reported for the future"
        )
    return vintage_for_period(period, vintages)


def cell(cells: list[object], positions: Mapping[str, int], column: str) -> object:
    """Return the cell of ``column`` in a row (``None`` when the row is shorter)."""
    index = positions.get(column)
    return cells[index] if index is not None and index < len(cells) else None


def check_row(
    n: int,
    cells: list[object],
    positions: Mapping[str, int],
    catalogue: Catalogue,
    seen: dict[tuple[str, str, str], int],
    name: str,
) -> tuple[ImportRow | None, list[ImportProblem]]:
    """Check one data row.

    Parameters
    ----------
    n : int
        Spreadsheet row number.
    cells : list
        The row's cells.
    positions : mapping of str to int
        Column name → cell index (from the header).
    catalogue : Catalogue
        What the store knows (indicators, units, villages, sources).
    seen : dict
        ``(code, period, indicator)`` → the first row that gives it; updated here (a second row
        with the same key is a problem).
    name : str
        The file's name, for the problems.

    Returns
    -------
    row : ImportRow or None
        The row ready to be written, or ``None`` when it has a problem.
    problems : list of ImportProblem
        The row's problems, in the order the checks found them.
    """
    problems = RowProblems(n, name)
    code = cell_text(cell(cells, positions, "code")).strip()
    period = cell_text(cell(cells, positions, "period")).strip()
    indicator_key = cell_text(cell(cells, positions, "indicator")).strip()
    for column, text in (("code", code), ("period", period), ("indicator", indicator_key)):
        if not text:
            problems.add(column, "missing required value")
    code_ok = _check_code(code, problems)

    vintage: str | None = None
    if period:
        try:
            vintage = period_vintage(period, catalogue.vintages, catalogue.today)
        except ValueError as exc:
            problems.add("period", f"bad period: {exc}")

    indicator = catalogue.indicators.get(indicator_key) if indicator_key else None
    if indicator_key and indicator is None:
        known = ", ".join(sorted(catalogue.indicators))
        problems.add("indicator", f"unknown indicator {indicator_key!r}; known: {known}")
    level = _level(code if code_ok else "", period, vintage, indicator, catalogue, problems)
    if code_ok and vintage is not None and indicator is not None:  # clean texts only
        dup_key = (code, period, indicator_key)
        if dup_key in seen:
            problems.add(
                "code",
                f"duplicate row: rows {seen[dup_key]} and {n} both give {indicator_key} "
                f"for code {code} and period {period}",
            )
        else:
            seen[dup_key] = n

    numbers: dict[str, float | None] = {}
    present: dict[str, bool] = {}
    for column in ("numerator", "denominator", "value"):
        raw = raw_number(cell(cells, positions, column))
        present[column] = raw.strip() != ""
        numbers[column] = parse_number(raw, column, problems) if present[column] else None
    stored_value: float | None = None
    if indicator is not None:
        stored_value = check_numbers(indicator, level, numbers, present, problems)

    source = cell_text(cell(cells, positions, "source"))
    note = cell_text(cell(cells, positions, "note"))
    for column, text, limit, multiline in (
        ("source", source, MAX_SOURCE_CHARS, False),
        ("note", note, MAX_NOTE_CHARS, True),
    ):
        message = text_problem(text, max_chars=limit, multiline=multiline)
        if message:
            problems.add(column, message)

    if problems.found:
        return None, problems.found
    assert vintage is not None and level is not None  # guaranteed by the checks above
    row = ImportRow(
        row=n,
        indicator_key=indicator_key,
        period=period,
        vintage_key=vintage,
        level=level,
        code=code,
        numerator=numbers["numerator"],
        denominator=numbers["denominator"],
        value=stored_value,
        source=source,
        note=note,
    )
    return row, []


def _level(
    code: str,
    period: str,
    vintage: str | None,
    indicator: Indicator | None,
    catalogue: Catalogue,
    problems: RowProblems,
) -> str | None:
    """Return the level of ``code`` (a unit of the period's vintage, or ``village``)."""
    level: str | None = None
    if code and vintage:
        level = catalogue.units.get(vintage, {}).get(code)
        if level is None and code in catalogue.villages:
            level = "village"
        if level is None:
            problems.add(
                "code",
                f"unknown code {code!r}: neither a unit of boundary vintage {vintage} "
                f"(in force for period {period}) nor a village code",
            )
    if indicator is not None and level is not None:
        finest = indicator.finest_level
        if LEVEL_DEPTH.get(level, 0) > LEVEL_DEPTH.get(finest, 3):
            problems.add(
                "code",
                f"{code!r} is a {level}, but {indicator.key} is only defined down to "
                f"{finest} level",
            )
    return level


def code_problem(code: str) -> str | None:
    """Return what is wrong with a non-empty code (length, characters), or ``None``.

    Only codes without a problem are looked up in the store (a NUL byte would be a database
    error on PostgreSQL, not a problem at its row).
    """
    if len(code) > MAX_CODE_CHARS:
        return f"{len(code):,} characters; a code has at most {MAX_CODE_CHARS}"
    if not code.isascii() or not code.isprintable() or " " in code:
        return (
            f"a code is written in ASCII letters, digits and '-' (such as 12345-01), got {code!r}"
        )
    return None


def _check_code(code: str, problems: RowProblems) -> bool:
    """Check a code's length and characters; return whether it passed."""
    if not code:
        return False
    message = code_problem(code)
    if message:
        problems.add("code", message)
    return message is None
