"""Map extents: bounding-box unions and the split of far-away land (islands) into an inset.

An island district far off the coast (some lie over 150 km from their province's mainland)
or an archipelago hundreds of kilometres offshore shrinks the mainland to a corner when the map
is fitted to the whole area. Maps of Vietnam show such islands in an inset; these functions find
them from the geometry (no list of islands): :func:`split_parts` clusters the polygon parts of
the units shown, so a unit whose mainland is near but whose islands are far (a province with an
archipelago) keeps its mainland on the main map and its islands in the inset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

Box = Sequence[Sequence[float]]  # [[south, west], [north, east]]


def union(boxes: Sequence[Box | None]) -> list[list[float]] | None:
    """Return the box covering every box given (``None`` if there is none).

    Parameters
    ----------
    boxes : sequence of boxes or None
        Each ``[[south, west], [north, east]]``; ``None`` entries are skipped.

    Returns
    -------
    list or None
        The covering box.
    """
    real = [b for b in boxes if b]
    if not real:
        return None
    return [
        [min(b[0][0] for b in real), min(b[0][1] for b in real)],
        [max(b[1][0] for b in real), max(b[1][1] for b in real)],
    ]


def _gap(a: Box, b: Box) -> float:
    """Largest axis gap in degrees between two boxes (0 when they touch or overlap)."""
    lat_gap = max(b[0][0] - a[1][0], a[0][0] - b[1][0], 0.0)
    lon_gap = max(b[0][1] - a[1][1], a[0][1] - b[1][1], 0.0)
    return max(lat_gap, lon_gap)


def _area(box: Box) -> float:
    return (box[1][0] - box[0][0]) * (box[1][1] - box[0][1])


def split_outliers(
    boxes: Mapping[str, Box | None], max_gap: float = 0.3
) -> tuple[list[list[float]] | None, list[str]]:
    """Split units into a main cluster and far-away outliers.

    Parameters
    ----------
    boxes : mapping of str to box
        Code → bounding box.
    max_gap : float
        Boxes closer than this many degrees (≈ 33 km at 0.3) belong to the same group
        (single linkage). The group with the most units is the main cluster.

    Returns
    -------
    tuple
        The main cluster's box, and the codes of the other units (sorted). With fewer than
        three units, or when the others are not a clear minority, nothing is split.
    """
    real = {code: box for code, box in boxes.items() if box}
    if len(real) < 3:
        return union(list(real.values())), []
    groups: list[set[str]] = []
    for code in sorted(real):
        near = [g for g in groups if any(_gap(real[code], real[o]) <= max_gap for o in g)]
        merged = {code}.union(*near)
        groups = [g for g in groups if g not in near] + [merged]
    main = max(groups, key=lambda g: (len(g), sum(_area(real[c]) for c in g)))
    rest = sorted(set(real) - main)
    if not rest or len(rest) * 2 >= len(real):
        return union(list(real.values())), []
    return union([real[c] for c in main]), rest


def part_boxes(geometry: BaseGeometry | None) -> list[list[list[float]]]:
    """Return the box (``[[south, west], [north, east]]``) of each polygon of ``geometry``."""
    if geometry is None or geometry.is_empty:
        return []
    parts = shapely.get_parts(geometry)
    bounds = shapely.bounds(parts)
    return [[[b[1], b[0]], [b[3], b[2]]] for b in bounds.tolist()]


def split_parts(
    parts: Mapping[str, Sequence[Box]], max_gap: float | None = None
) -> tuple[list[list[float]] | None, list[str], list[list[float]] | None]:
    """Split the polygon parts of some units into the main land and far-away islands.

    Parameters
    ----------
    parts : mapping of str to sequence of boxes
        Unit code → the boxes of its polygon parts (:func:`part_boxes`).
    max_gap : float, optional
        Parts closer than this many degrees belong together (single linkage). Default: a tenth
        of the whole extent's larger side, at least 0.3° (≈ 33 km): an island 180 km off a
        province's coast is far, one 50 km off the country's coast is not.

    Returns
    -------
    tuple
        The main cluster's box (the group of parts with the largest total area), the codes of
        the units with parts outside it (sorted), and the box of those parts (``None`` when
        nothing is far away).
    """
    keyed = [(code, box) for code, boxes in parts.items() for box in boxes if box]
    whole = union([box for _, box in keyed])
    if whole is None or len(parts) < 2:
        return whole, [], None
    if max_gap is None:
        span = max(whole[1][0] - whole[0][0], whole[1][1] - whole[0][1])
        max_gap = max(0.3, 0.1 * span)
    box_array = np.array([[b[0][1], b[0][0], b[1][1], b[1][0]] for _, b in keyed], dtype=float)
    rects = shapely.box(box_array[:, 0], box_array[:, 1], box_array[:, 2], box_array[:, 3])
    tree = shapely.STRtree(rects)
    left, right = tree.query(rects, predicate="dwithin", distance=max_gap)
    group = _components(len(keyed), left, right)
    areas = np.maximum(box_array[:, 2] - box_array[:, 0], 1e-9) * np.maximum(
        box_array[:, 3] - box_array[:, 1], 1e-9
    )
    totals = np.bincount(group, weights=areas)
    main = int(np.argmax(totals))
    far = [i for i in range(len(keyed)) if group[i] != main]
    if not far or totals[main] < 0.5 * totals.sum():
        return whole, [], None
    main_box = union([keyed[i][1] for i in range(len(keyed)) if group[i] == main])
    codes = sorted({keyed[i][0] for i in far})
    return main_box, codes, union([keyed[i][1] for i in far])


def _components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Label the connected components of ``n`` nodes with edges ``left[k]`` — ``right[k]``."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    roots = [find(i) for i in range(n)]
    labels = {root: k for k, root in enumerate(dict.fromkeys(roots))}
    return np.array([labels[r] for r in roots], dtype=int)


MAIN_LAND_GAP = 0.1
"""Parts of one unit further apart than this share of its larger side are told apart."""


def main_land(boxes: Sequence[Box]) -> Box | None:
    """Return the box of one unit's main land: its parts without the far-away islets.

    The parts are grouped as in :func:`split_parts`, with a gap of :data:`MAIN_LAND_GAP` of the
    unit's own extent; the group with the largest area is the main land when it holds at least
    half of the unit's area. Otherwise (or with nothing far away) the whole box is returned. An
    island district whose islets reach far out is fitted to its main island group.
    """
    whole = union([box for box in boxes if box])
    if whole is None or len(boxes) < 2:
        return whole
    span = max(whole[1][0] - whole[0][0], whole[1][1] - whole[0][1])
    keyed = {str(i): [box] for i, box in enumerate(boxes)}
    main, _, _ = split_parts(keyed, max_gap=MAIN_LAND_GAP * span)
    return main or whole
