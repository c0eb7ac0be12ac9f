"""The area's units as a village register needs them: leaf units, polygons and crosswalk walks.

A village lies in a *leaf* unit of each vintage: a commune, or a unit without units below it
(a district without communes). :class:`AreaUnits` reads them once per validation and answers
where a village's parent went in every other stored vintage (:meth:`AreaUnits.follow`):

- forward in time through the stored crosswalk (composed through intermediate vintages), and
  backward by reading the links the other way;
- a parent linked to one unit goes there; a parent split over several units (or, backward, a
  unit merged from several) goes to the one whose polygon holds the village's point (else the
  nearest); without a point, to the one with the largest link weight, with a warning;
- a parent without any link keeps its code when a leaf unit with that code exists there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session

from geodata.areas.crosswalk import crosswalk_path
from geodata.areas.vintages import stored_vintages
from geodata.store.models import Unit

#: How far (km) a village's point may lie outside its parent's polygon before it is a warning
#: (boundary files are simplified and points are often taken at a road or a village hall).
OUTSIDE_TOLERANCE_KM = 1.0
_TOP_LEVELS = ("country", "province")


def _km_distance(geometry: BaseGeometry, lon: float, lat: float) -> float:
    """Distance in km from a point to a geometry (equirectangular at the point: fine for km)."""
    kx, ky = 111.32 * math.cos(math.radians(lat)), 110.574
    scaled = shapely.transform(geometry, lambda xy: xy * [kx, ky])
    return float(shapely.distance(scaled, shapely.Point(lon * kx, lat * ky)))


@dataclass
class AreaUnits:
    """What the store holds of the area: the units of every vintage, read once.

    Attributes
    ----------
    vintages : tuple of str
        Stored vintage keys, oldest first.
    levels : dict
        Vintage → unit code → level.
    leaves : dict
        Vintage → codes of the leaf units (those a village may lie in).
    names : dict
        Vintage → unit code → name.
    area_name : str
        The name of the area's root (for messages).
    """

    session: Session
    vintages: tuple[str, ...]
    levels: dict[str, dict[str, str]]
    leaves: dict[str, set[str]]
    names: dict[str, dict[str, str]]
    area_name: str
    _geometries: dict[tuple[str, str], BaseGeometry | None] = field(default_factory=dict)
    _walks: dict[tuple[str, str], dict[str, list[tuple[str, float]]]] = field(default_factory=dict)

    @classmethod
    def read(cls, session: Session) -> AreaUnits:
        """Read the units of every stored vintage (codes, levels, names; polygons on demand)."""
        vintages = tuple(v.key for v in stored_vintages(session))
        rows = session.execute(
            select(Unit.vintage_key, Unit.code, Unit.level, Unit.parent_code, Unit.name)
        ).all()
        levels: dict[str, dict[str, str]] = {v: {} for v in vintages}
        names: dict[str, dict[str, str]] = {v: {} for v in vintages}
        parents: dict[str, set[str]] = {v: set() for v in vintages}
        for vintage, code, level, parent, name in rows:
            levels.setdefault(vintage, {})[code] = level
            names.setdefault(vintage, {})[code] = name
            if parent:
                parents.setdefault(vintage, set()).add(parent)
        leaves = {
            v: {c for c, lv in levels[v].items() if lv not in _TOP_LEVELS and c not in parents[v]}
            for v in levels
        }
        roots = [n for v in vintages for c, n in names[v].items() if levels[v][c] in _TOP_LEVELS]
        return cls(session, vintages, levels, leaves, names, roots[0] if roots else "this area")

    # -- checks ---------------------------------------------------------------------------

    def unit_of_code(self, code: str) -> str | None:
        """Describe the unit that already has ``code`` (``"commune of vintage 2020"``), if any."""
        for vintage in self.vintages:
            level = self.levels[vintage].get(code)
            if level is not None:
                return f"{level} {self.names[vintage][code]} of vintage {vintage}"
        return None

    def parent_problem(self, parent: str, vintage: str) -> str | None:
        """Return why ``parent`` cannot hold a village in ``vintage`` (None: it can)."""
        if parent in self.leaves[vintage]:
            return None
        level = self.levels[vintage].get(parent)
        if level is not None:
            return (
                f"unknown parent {parent!r}: in vintage {vintage} it is the {level} "
                f"{self.names[vintage][parent]}, which has units below it; a village's parent is "
                "a commune (or a unit without communes)"
            )
        elsewhere = [v for v in self.vintages if parent in self.leaves[v]]
        if elsewhere:
            return (
                f"unknown parent {parent!r} in vintage {vintage}: it is a unit of vintage "
                f"{', '.join(elsewhere)}; put that in the vintage column"
            )
        return (
            f"unknown parent {parent!r}: no unit of {self.area_name} has this code in any "
            "vintage (a code of another area?)"
        )

    def geometry(self, vintage: str, code: str) -> BaseGeometry | None:
        """Return the unit's full polygon (prepared for fast point tests), or None without one."""
        key = (vintage, code)
        if key not in self._geometries:
            wkb = self.session.scalar(
                select(Unit.geometry).where(Unit.vintage_key == vintage, Unit.code == code)
            )
            geometry = shapely.from_wkb(bytes(wkb)) if wkb is not None else None
            if geometry is not None:
                shapely.prepare(geometry)
            self._geometries[key] = geometry
        return self._geometries[key]

    def distance_outside_km(self, vintage: str, code: str, lon: float, lat: float) -> float:
        """How far (km) a point lies outside a unit's polygon (0 inside or without a polygon)."""
        geometry = self.geometry(vintage, code)
        if geometry is None or geometry.covers(shapely.Point(lon, lat)):
            return 0.0
        return _km_distance(geometry, lon, lat)

    def interior_point(self, vintage: str, code: str) -> tuple[float, float]:
        """Return a point inside the unit (where a village without a point is drawn)."""
        geometry = self.geometry(vintage, code)
        if geometry is None:
            return 0.0, 0.0
        point = geometry.point_on_surface()
        return float(point.x), float(point.y)

    # -- crosswalk ------------------------------------------------------------------------

    def _walk(self, source: str, target: str) -> dict[str, list[tuple[str, float]]]:
        """Map units of ``source`` to the leaf units of ``target`` they share ground with."""
        if (source, target) not in self._walks:
            order = {v: i for i, v in enumerate(self.vintages)}
            walk: dict[str, list[tuple[str, float]]] = {}
            try:
                if order[target] > order[source]:
                    links = crosswalk_path(self.session, source, target)
                    pairs = zip(links["code"], links["parent_code"], links["weight"], strict=True)
                else:
                    links = crosswalk_path(self.session, target, source)
                    pairs = zip(links["parent_code"], links["code"], links["weight"], strict=True)
            except ValueError:  # no chain of links between the two vintages
                pairs = iter(())
            for own, other, weight in pairs:
                if other in self.leaves[target]:
                    walk.setdefault(str(own), []).append((str(other), float(weight)))
            self._walks[(source, target)] = walk
        return self._walks[(source, target)]

    def follow(
        self, parent: str, vintage: str, target: str, point: tuple[float, float] | None
    ) -> tuple[str | None, str | None]:
        """Return the leaf unit of ``target`` a village of ``parent`` (in ``vintage``) lies in.

        Parameters
        ----------
        parent, vintage : str
            The village's parent and the vintage it belongs to.
        target : str
            Another stored vintage.
        point : tuple of float or None
            The village's ``(lon, lat)`` when the register gives one.

        Returns
        -------
        unit : str or None
            The unit (None: no unit of ``target`` is linked to the parent).
        warning : str or None
            Why the choice is uncertain, when it is.
        """
        candidates = sorted(self._walk(vintage, target).get(parent, []), key=lambda c: c[0])
        if not candidates and parent in self.leaves[target]:
            candidates = [(parent, 1.0)]
        codes = list(dict.fromkeys(code for code, _ in candidates))
        if not codes:
            return None, (
                f"no unit of vintage {target} is linked to {parent} ({vintage}) in the "
                f"crosswalk: the village is not shown on the {target} map"
            )
        if len(codes) == 1:
            return codes[0], None
        if point is not None:
            distances = [(self.distance_outside_km(target, c, *point), c) for c in codes]
            return min(distances)[1], None
        weight = dict.fromkeys(codes, 0.0)
        for code, share in candidates:
            weight[code] += share
        best = min(codes, key=lambda c: (-weight[c], c))
        return best, (
            f"{parent} ({vintage}) shares ground with {', '.join(codes)} in vintage {target}; "
            f"without lon/lat the village is put in {best} ({self.names[target].get(best, '')}, "
            "the largest share): give its point to place it"
        )
