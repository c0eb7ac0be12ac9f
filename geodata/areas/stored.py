"""The area a store serves, as ``dxmap init`` wrote it: its names for headers, APIs and exports."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.manifest import Area, ManifestError
from geodata.store.models import AreaRecord


@dataclass(frozen=True)
class StoredArea:
    """The stored area's key, names, demo and local CRS."""

    key: str
    name_vi: str
    name_en: str
    demo: str = "none"
    crs: str | None = None

    def name(self, lang: str) -> str:
        """Return the area's name in ``lang`` (``vi`` or ``en``)."""
        return self.name_en if lang == "en" else self.name_vi


def stored_area(session: Session) -> StoredArea | None:
    """Return the area of the store, or ``None`` before ``dxmap init``.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        An open session.

    Returns
    -------
    StoredArea or None
        The one area row.
    """
    row = session.scalars(select(AreaRecord)).first()
    if row is None:
        return None
    return StoredArea(row.key, row.name_vi, row.name_en, row.demo, row.crs)


def store_area(session: Session, area: Area) -> None:
    """Write (or refresh) the area row; refuse a store that holds another area.

    Parameters
    ----------
    session : sqlalchemy.orm.Session
        A session inside the init's transaction.
    area : Area
        The area being loaded.

    Raises
    ------
    ManifestError
        If the store was initialised for an area with another key.
    """
    rows = list(session.scalars(select(AreaRecord)))
    other = [row.key for row in rows if row.key != area.key]
    if other:
        raise ManifestError(
            f"{area.source}: [area] key {area.key!r}: the store holds area {other[0]!r}; "
            "use another DXMAP_DATABASE_URL for another area"
        )
    row = rows[0] if rows else AreaRecord(key=area.key)
    row.name_vi, row.name_en = area.name_vi, area.name_en
    row.demo, row.crs, row.manifest = area.demo, area.crs, str(area.source)
    session.add(row)
    session.flush()
