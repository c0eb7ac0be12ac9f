"""What each part of a view may be: the store's indicators, vintages, units and villages.

A :class:`Choices` answers, for one part of a view at a time, "is this value allowed?" with the
value itself or a :class:`~geodata.view.errors.ViewError` that names the parameter. It is built
from the store (:func:`store_choices`) or from what a service has cached, so that the rules are
written once and every edge (URL, API query, CLI arguments) applies the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.vintages import (
    PERIOD_KEY,
    VintageSpec,
    period_bounds,
    stored_vintages,
    vintage_for_period,
)
from geodata.store.models import LEVELS, Indicator, Unit, VillageParent
from geodata.view.errors import ViewError

#: A unit or village code as a parameter may give it (existence is checked separately).
CODE_PATTERN = r"^[A-Za-z0-9_.-]{1,16}$"
#: A period key: ``2024``, ``2025-H1``, ``2025-Q3`` (:func:`geodata.areas.period_bounds`).
PERIOD_PATTERN = PERIOD_KEY.pattern
#: The map's classification schemes (:data:`geodata.analysis.classify.SCHEMES`).
SCHEMES = ("quantiles", "equal", "jenks", "target")
#: The interface languages, Vietnamese first.
LANGS = ("vi", "en")
#: At most this many units are compared side by side.
MAX_COMPARE = 12
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")
_CODE = re.compile(CODE_PATTERN)


def _no_unit(_vintage: str, _code: str) -> str | None:
    return None


def parse_flag(value: object, parameter: str) -> bool:
    """Read a yes/no parameter.

    Parameters
    ----------
    value : object
        ``True``/``False``, ``None`` (absent: false) or one of the words ``true``, ``1``,
        ``yes``, ``false``, ``0``, ``no`` (any case).
    parameter : str
        The parameter's name, for the error.

    Returns
    -------
    bool
        The flag.

    Raises
    ------
    ViewError
        For any other value.
    """
    if value is None or isinstance(value, bool):
        return bool(value)
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    raise ViewError(parameter, f"{parameter} must be true or false, got {value!r}")


@dataclass(frozen=True)
class Choices:
    """The values each part of a view may take, for one store.

    Parameters
    ----------
    indicators : tuple of str
        Indicator keys in catalogue order.
    vintages : tuple of VintageSpec
        The boundary vintages, oldest first, with their levels.
    unit_level : callable
        ``unit_level(vintage, code)`` is the level of unit ``code`` of ``vintage``, or ``None``
        when there is no such unit.
    village_unit : callable
        ``village_unit(vintage, code)`` is the unit village ``code`` lies in, or ``None``.
    periods : tuple of str, optional
        The periods a view may show; ``None`` (default): any well-formed period key.
    schemes, langs : tuple of str
        The classification schemes and interface languages.
    """

    indicators: tuple[str, ...]
    vintages: tuple[VintageSpec, ...]
    unit_level: Callable[[str, str], str | None] = field(default=_no_unit)
    village_unit: Callable[[str, str], str | None] = field(default=_no_unit)
    periods: tuple[str, ...] | None = None
    schemes: tuple[str, ...] = SCHEMES
    langs: tuple[str, ...] = LANGS

    # -- what the area offers -------------------------------------------------------------

    @property
    def vintage_keys(self) -> tuple[str, ...]:
        """Return the vintage keys, oldest first."""
        return tuple(spec.key for spec in self.vintages)

    def levels_of(self, vintage: str) -> tuple[str, ...]:
        """Return the levels a view of ``vintage`` may show: the vintage's own, then villages."""
        for spec in self.vintages:
            if spec.key == vintage:
                return (*spec.levels, "village")
        raise self._unknown_vintage(vintage)

    @property
    def area_levels(self) -> tuple[str, ...]:
        """Return the levels some vintage of the area has (villages included), top down."""
        present = {level for spec in self.vintages for level in spec.levels} | {"village"}
        return tuple(level for level in LEVELS if level in present)

    # -- one part at a time -------------------------------------------------------------------

    def indicator(self, key: str | None) -> str:
        """Return an indicator key of the catalogue (``ViewError`` naming ``indicator``)."""
        if not key:
            raise ViewError("indicator", "parameter 'indicator' is required")
        if key not in self.indicators:
            known = ", ".join(sorted(self.indicators)) or "none loaded"
            raise ViewError("indicator", f"unknown indicator {key!r}; expected one of {known}")
        return key

    def period(self, key: str | None) -> str:
        """Return a period key: well formed and, when :attr:`periods` is set, one of them."""
        if not key:
            raise ViewError("period", "parameter 'period' is required")
        try:
            period_bounds(key)
        except ValueError as exc:
            raise ViewError("period", str(exc)) from None
        if self.periods is not None and key not in self.periods:
            known = ", ".join(self.periods) or "none"
            raise ViewError("period", f"no values for period {key!r}; periods with values: {known}")
        return key

    def vintage(self, key: str | None, period: str | None = None) -> str:
        """Return a stored vintage key; without one, the vintage in force at ``period``'s end."""
        if not key:
            if period is None:
                raise ViewError("vintage", "parameter 'vintage' is required")
            try:
                return vintage_for_period(period, self.vintages)
            except ValueError as exc:
                raise ViewError("period", str(exc)) from None
        if key not in self.vintage_keys:
            raise self._unknown_vintage(key)
        return key

    def _unknown_vintage(self, key: str) -> ViewError:
        known = ", ".join(self.vintage_keys)
        return ViewError("vintage", f"unknown vintage {key!r}; expected one of {known}")

    def level(self, key: str | None, vintage: str) -> str:
        """Return a level ``vintage`` has (villages on every vintage; no districts from 2025-07)."""
        if not key:
            raise ViewError("level", "parameter 'level' is required")
        if key not in LEVELS:
            raise ViewError("level", f"unknown level {key!r}; expected one of {', '.join(LEVELS)}")
        available = self.levels_of(vintage)
        if key not in available:
            raise ViewError(
                "level",
                f"vintage {vintage} has no {key} level; its levels are {', '.join(available)}",
            )
        return key

    def code(self, value: str, parameter: str) -> str:
        """Return ``value`` when it has the shape of a unit code (letters, digits, ``._-``)."""
        if not _CODE.match(value):
            raise ViewError(
                parameter,
                f"{parameter} must be a unit code (letters, digits, '.', '_' or '-', at most "
                f"16), got {value!r}",
            )
        return value

    def parent(self, code: str | None, vintage: str, level: str | None = None) -> str | None:
        """Return a unit of ``vintage`` whose units are shown (above ``level`` when given).

        An unknown code is a :class:`ViewError` with ``not_found`` set (an API's 404).
        """
        if code is None:
            return None
        self.code(code, "parent")
        found = self.unit_level(vintage, code)
        if found is None:
            raise ViewError(
                "parent", f"no unit with code {code!r} in vintage {vintage}", not_found=True
            )
        if level is not None and LEVELS.index(found) >= LEVELS.index(level):
            raise ViewError(
                "parent",
                f"unit {code} is a {found}; it holds no {level}-level units "
                "(parent must be a unit above the requested level)",
            )
        return code

    def scheme(self, key: str) -> str:
        """Return a classification scheme."""
        if key not in self.schemes:
            raise ViewError("scheme", f"{key!r} is not one of {', '.join(self.schemes)}")
        return key

    def lang(self, key: str) -> str:
        """Return an interface language."""
        if key not in self.langs:
            raise ViewError("lang", f"{key!r} is not one of {', '.join(self.langs)}")
        return key

    def compare(self, codes: Iterable[str], vintage: str) -> tuple[str, ...]:
        """Return distinct units of ``vintage`` to compare (at most :data:`MAX_COMPARE`)."""
        distinct = tuple(dict.fromkeys(codes))
        if len(distinct) > MAX_COMPARE:
            raise ViewError("compare", f"at most {MAX_COMPARE} units can be compared")
        for code in distinct:
            self.code(code, "compare")
            if self.unit_level(vintage, code) is None:
                raise ViewError(
                    "compare", f"{code!r} is not a unit of vintage {vintage}", not_found=True
                )
        return distinct

    def village(self, code: str, vintage: str) -> str:
        """Return the unit village ``code`` lies in on ``vintage``."""
        self.code(code, "village")
        unit = self.village_unit(vintage, code)
        if unit is None:
            raise ViewError(
                "village", f"{code!r} is not a village of vintage {vintage}", not_found=True
            )
        return unit


def store_choices(session: Session) -> Choices:
    """Return the choices of the store ``session`` reads (units looked up while it is open).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session; the unit and village look-ups of the returned choices use it, so use
        them before it closes.

    Returns
    -------
    Choices
        The catalogue's indicators (catalogue order), the stored vintages, any well-formed
        period.
    """

    def unit_level(vintage: str, code: str) -> str | None:
        return session.scalar(
            select(Unit.level).where(Unit.vintage_key == vintage, Unit.code == code)
        )

    def village_unit(vintage: str, code: str) -> str | None:
        return session.scalar(
            select(VillageParent.unit_code).where(
                VillageParent.vintage_key == vintage, VillageParent.village_code == code
            )
        )

    indicators = session.scalars(
        select(Indicator.key).order_by(Indicator.sort_order, Indicator.key)
    )
    return Choices(
        indicators=tuple(indicators),
        vintages=stored_vintages(session),
        unit_level=unit_level,
        village_unit=village_unit,
    )
