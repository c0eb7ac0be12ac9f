"""The View: what is shown (or exported, or answered), one immutable value parsed once.

A view is a level of one boundary vintage (optionally the units inside one ``parent`` unit),
one period, one indicator or all of them, optionally only the units that miss their target,
plus how the map draws it (``scheme``, ``lang``, the compared units, an open village card).
Every edge (the page's URL, an API query, the CLI's arguments) parses its input once with
:meth:`View.parse` against the store's :class:`~geodata.view.choices.Choices` and passes the
View down; nothing below re-validates or renames its parts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from geodata.view.choices import Choices, parse_flag
from geodata.view.errors import ViewError

#: The default classification scheme (:data:`geodata.analysis.classify.DEFAULT_SCHEME`).
DEFAULT_SCHEME = "quantiles"
#: The default interface language.
DEFAULT_LANG = "vi"
#: The parts that select data (an export's or an API answer's view), in this order.
DATA_KEYS = ("level", "vintage", "period", "indicator", "all_indicators", "parent", "below_target")


def _text(value: object) -> str | None:
    """Return a parameter's text: stripped, empty as absent."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _codes(value: object) -> list[str]:
    """Return the codes given as a comma-separated text or as a sequence."""
    if value is None:
        return []
    items: Iterable[object] = value.split(",") if isinstance(value, str) else value  # type: ignore[assignment]
    return [code for code in (_text(item) for item in items) if code]


@dataclass(frozen=True, kw_only=True)
class View:
    """What is shown: one immutable value, parsed once (:meth:`parse`) and passed down.

    Attributes
    ----------
    indicator : str or None
        The indicator key; ``None`` with ``all_indicators``. Every part is given by keyword.
    period : str
        The period key (``2024``, ``2025-H1`` …).
    vintage : str
        The boundary vintage the values are shown on.
    level : str or None
        The level of the units shown; ``None`` where the map derives it (the level below
        ``parent``). Exports and the API always give one.
    parent : str or None
        The unit whose units are shown (``None``: the whole area). The page's URL calls it
        ``unit``; the API and the CLI call it ``parent``.
    all_indicators : bool
        Every indicator of the catalogue (exports).
    below_target : bool
        Only the units that miss their target (met is False; no data is not "below").
    scheme : str
        The map's classification scheme.
    lang : str
        The interface language.
    compare : tuple of str
        Units compared side by side (empty: none).
    village : str or None
        The village whose card is open (its unit is then ``parent``).
    """

    indicator: str | None = None
    period: str
    vintage: str
    level: str | None = None
    parent: str | None = None
    all_indicators: bool = False
    below_target: bool = False
    scheme: str = DEFAULT_SCHEME
    lang: str = DEFAULT_LANG
    compare: tuple[str, ...] = ()
    village: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.compare, tuple):
            object.__setattr__(self, "compare", tuple(self.compare or ()))

    @classmethod
    def parse(cls, values: Mapping[str, Any], choices: Choices) -> View:
        """Return the view ``values`` ask for, checked against ``choices``.

        Parameters
        ----------
        values : mapping
            Parameter name → value, as an edge received them (text, or already typed): any of
            the attribute names of :class:`View`. Empty text counts as absent. ``vintage``
            defaults to the vintage in force at the end of ``period``; ``compare`` may be a
            comma-separated text.
        choices : Choices
            What the store offers.

        Returns
        -------
        View
            The validated view.

        Raises
        ------
        ViewError
            Naming the first bad parameter, in the order indicator, period, vintage, level,
            parent, below_target, scheme, lang, compare, village; ``not_found`` is set for a
            unit or village that does not exist.
        """
        unknown = [key for key in values if key not in _FIELDS]
        if unknown:
            raise ViewError(unknown[0], f"unknown view parameter {unknown[0]!r}")
        indicator = _text(values.get("indicator"))
        every = parse_flag(values.get("all_indicators"), "all_indicators")
        if indicator and every:
            raise ViewError("indicator", "give either one indicator or all indicators")
        if not every:
            choices.indicator(indicator)
        period = choices.period(_text(values.get("period")))
        vintage = choices.vintage(_text(values.get("vintage")), period)
        level_text = _text(values.get("level"))
        level = None if level_text is None else choices.level(level_text, vintage)
        parent = choices.parent(_text(values.get("parent")), vintage, level)
        below = parse_flag(values.get("below_target"), "below_target")
        scheme = choices.scheme(_text(values.get("scheme")) or DEFAULT_SCHEME)
        lang = choices.lang(_text(values.get("lang")) or DEFAULT_LANG)
        compare = choices.compare(_codes(values.get("compare")), vintage)
        village = _text(values.get("village"))
        if village is not None:
            parent = choices.village(village, vintage)  # a village's card opens on its unit
        return cls(
            indicator=None if every else indicator,
            period=period,
            vintage=vintage,
            level=level,
            parent=parent,
            all_indicators=every,
            below_target=below,
            scheme=scheme,
            lang=lang,
            compare=compare,
            village=village,
        )

    def replace(self, **changes: Any) -> View:
        """Return a copy with ``changes`` (trusted values: they are not validated again)."""
        return dataclasses.replace(self, **changes)

    def as_dict(self, keys: Iterable[str] = DATA_KEYS) -> dict[str, Any]:
        """Return some parts as JSON-ready data, under their parameter names.

        Parameters
        ----------
        keys : iterable of str
            The parts, in order (default :data:`DATA_KEYS`: what the view selects).

        Returns
        -------
        dict
            ``compare`` as a list, everything else as it is.
        """
        return {key: list(self.compare) if key == "compare" else getattr(self, key) for key in keys}


_FIELDS = frozenset(field.name for field in dataclasses.fields(View))
