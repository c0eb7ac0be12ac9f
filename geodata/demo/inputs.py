"""What the demo generator reads from the store: the 2020 leaf units and their successors."""

from __future__ import annotations

import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import stored_links
from geodata.store.models import Unit


def leaf_units(session: Session, vintage: str = "2020") -> pd.DataFrame:
    """Read the leaf units of ``vintage`` (units without children, below the root) with geometry.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session on a store whose boundaries are loaded.
    vintage : str
        Vintage key.

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
        if r.level == "province" or r.code in parents:
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


def successors_from_store(session: Session, codes: list[str]) -> pd.DataFrame:
    """Map 2020 leaf units to their 2025-01 and 2025-07 successors through the crosswalk.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.
    codes : list of str
        2020 unit codes.

    Returns
    -------
    pandas.DataFrame
        ``code, code_2025_01, code_2025_07``. A unit without a link keeps its own code if a
        unit with that code exists in the later vintage; a unit split over several successors
        goes to the one with the largest weight.

    Raises
    ------
    ValueError
        If a unit has neither a link nor a same-code unit in a later vintage.
    """
    out = pd.DataFrame({"code": codes})
    for vintage in ("2025-01", "2025-07"):
        links = stored_links(session, "2020", vintage)
        best = (
            links.sort_values(["from_code", "weight", "to_code"], ascending=[True, False, True])
            .drop_duplicates("from_code")
            .set_index("from_code")["to_code"]
        )
        existing = set(session.scalars(select(Unit.code).where(Unit.vintage_key == vintage)).all())
        column = "code_" + vintage.replace("-", "_")
        mapped = out["code"].map(best)
        same = out["code"].where(out["code"].isin(existing))
        out[column] = mapped.fillna(same)
        missing = out.loc[out[column].isna(), "code"].tolist()
        if missing:
            raise ValueError(f"no crosswalk link or same-code unit in {vintage} for {missing}")
    return out
