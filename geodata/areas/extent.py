"""Map extents: bounding-box unions and the split of far-away units (islands) into an inset.

Côn Đảo lies about 180 km south of the BR-VT mainland: fitting the map to the whole province
shrinks the mainland to a corner. Maps of Vietnam show such islands in an inset; these pure
functions decide which units go there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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
