"""What the demo generators read from the store: the oldest vintage's leaf units, successors."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import crosswalk_path
from geodata.store.models import Unit


def leaf_units(session: Session, vintage: str, top_level: str | None = None) -> pd.DataFrame:
    """Read the leaf units of ``vintage`` (units without children, below the root) with geometry.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on a store whose boundaries are loaded.
    vintage : str
        Vintage key.
    top_level : str, optional
        The vintage's top level (its root units are never leaves); ``country`` units never are.

    Returns
    -------
    pandas.DataFrame
        ``code, name, type, level, parent_code, geometry`` (shapely; the full geometry
        intersected with the display geometry when both exist, so that points drawn inside lie
        inside what the map shows too).
    """
    rows = session.execute(
        select(
            Unit.code,
            Unit.name,
            Unit.type,
            Unit.level,
            Unit.parent_code,
            Unit.geometry,
            Unit.display_geometry,
        ).where(Unit.vintage_key == vintage)
    ).all()
    parents = {r.parent_code for r in rows if r.parent_code}
    out = []
    for r in rows:
        if r.level in ("country", top_level) or r.code in parents:
            continue
        full = shapely.from_wkb(bytes(r.geometry)) if r.geometry is not None else None
        shown = (
            shapely.from_wkb(bytes(r.display_geometry)) if r.display_geometry is not None else None
        )
        if full is None and shown is None:
            raise ValueError(f"unit {r.code} of vintage {vintage} has no geometry")
        geometry = full if shown is None else shown if full is None else full
        if full is not None and shown is not None:
            parts = shapely.get_parts(shapely.make_valid(full.intersection(shown)))
            both = shapely.multipolygons(
                [p for p in parts if p.geom_type == "Polygon" and not p.is_empty]
            )
            if not both.is_empty and both.area > 0.5 * full.area:
                geometry = both
        out.append(
            {
                "code": r.code,
                "name": r.name,
                "type": r.type,
                "level": r.level,
                "parent_code": r.parent_code,
                "geometry": geometry,
            }
        )
    return pd.DataFrame(out).sort_values("code", ignore_index=True)


def successors_from_store(
    session: Session, codes: list[str], base_vintage: str, later: Sequence[str]
) -> pd.DataFrame:
    """Map leaf units of ``base_vintage`` to their successors in each later vintage.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    codes : list of str
        Unit codes of ``base_vintage``.
    base_vintage : str
        The vintage of ``codes`` (the area's oldest).
    later : sequence of str
        The later vintage keys.

    Returns
    -------
    pandas.DataFrame
        ``code`` and one column per later vintage key. A unit goes along the crosswalk (direct
        links, or links composed through intermediate vintages); a unit split over several
        successors goes to the one with the largest weight; a unit without a link keeps its own
        code if a unit with that code exists in the later vintage.

    Raises
    ------
    ValueError
        If a unit has neither a link nor a same-code unit in a later vintage.
    """
    out = pd.DataFrame({"code": codes})
    for vintage in later:
        try:
            links = crosswalk_path(session, base_vintage, vintage)
        except ValueError:
            links = pd.DataFrame(columns=["code", "parent_code", "weight"])
        best = (
            links.sort_values(["code", "weight", "parent_code"], ascending=[True, False, True])
            .drop_duplicates("code")
            .set_index("code")["parent_code"]
        )
        existing = set(session.scalars(select(Unit.code).where(Unit.vintage_key == vintage)).all())
        mapped = out["code"].map(best)
        same = out["code"].where(out["code"].isin(existing))
        out[vintage] = mapped.fillna(same)
        missing = out.loc[out[vintage].isna(), "code"].tolist()
        if missing:
            raise ValueError(f"no crosswalk link or same-code unit in {vintage} for {missing}")
    return out
