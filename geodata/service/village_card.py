"""One village's card: its register entry and its status on every village-level indicator."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.store.models import Source, Village, VillageParent


def village_record(session: Session, vintage: str, code: str) -> dict[str, Any] | None:
    """Return a village of the register with the unit it lies in (in ``vintage``).

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    vintage : str
        The vintage whose village parents are used.
    code : str
        The village code.

    Returns
    -------
    dict or None
        ``code, name, households, adults, provenance, lon, lat, parent_code``; ``None`` when no
        such village lies in a unit of ``vintage``.
    """
    row = session.execute(
        select(
            Village.code,
            Village.name,
            Village.households,
            Village.adults,
            Village.provenance,
            Village.lon,
            Village.lat,
            VillageParent.unit_code,
        )
        .join(VillageParent, VillageParent.village_code == Village.code)
        .where(VillageParent.vintage_key == vintage, Village.code == str(code))
    ).first()
    if row is None:
        return None
    keys = ("code", "name", "households", "adults", "provenance", "lon", "lat", "parent_code")
    return dict(zip(keys, row, strict=True))


def source_titles(session: Session) -> dict[str, dict[str, str]]:
    """Return source key → ``title``, ``publisher`` and ``url`` of every stored source."""
    rows = session.execute(select(Source.key, Source.title, Source.publisher, Source.url))
    return {key: {"title": title, "publisher": pub, "url": url} for key, title, pub, url in rows}


def village_card(
    village: Mapping[str, Any],
    indicators: Sequence[Mapping[str, Any]],
    values: Callable[[str], Mapping[str, Mapping[str, Any]]],
    sources: Mapping[str, Mapping[str, str]],
) -> dict[str, Any]:
    """Return the card of ``village``: the register entry and one status per indicator.

    Parameters
    ----------
    village : mapping
        A :func:`village_record`.
    indicators : sequence of mapping
        The catalogue entries measured on villages (``finest_level`` "village").
    values : callable
        Indicator key → village code → value record of the village's unit (cached lookups).
    sources : mapping
        :func:`source_titles`.

    Returns
    -------
    dict
        The village's fields and ``indicators``: per indicator its key, names, kind, unit,
        ``value``, ``numerator``, ``denominator``, ``target``, ``met``, ``covered`` (for a
        share-of-villages indicator: ``True``/``False``, ``None`` without a value),
        ``provenance``, ``source`` and ``source_title``.
    """
    rows = []
    for indicator in indicators:
        rec = values(indicator["key"]).get(village["code"]) or {}
        value = rec.get("value")
        covered = None
        if indicator.get("kind") == "share_of_villages" and value is not None:
            covered = bool(value > 0)
        source = rec.get("source")
        rows.append(
            {
                "key": indicator["key"],
                "name_vi": indicator["name_vi"],
                "name_en": indicator["name_en"],
                "kind": indicator.get("kind"),
                "unit": indicator.get("unit"),
                **{k: rec.get(k) for k in ("value", "numerator", "denominator", "target", "met")},
                "covered": covered,
                "provenance": rec.get("provenance"),
                "source": source,
                "source_title": (sources.get(source) or {}).get("title") if source else None,
            }
        )
    return {**village, "indicators": rows}
