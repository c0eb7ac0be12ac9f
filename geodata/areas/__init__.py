"""The area: its manifest (:func:`load_area`), vintages, unit tree, crosswalks, extents."""

from __future__ import annotations

from geodata.areas.crosswalk import crosswalk_path, former_names, shared_ground, stored_links
from geodata.areas.extent import split_outliers, union
from geodata.areas.hierarchy import (
    Hierarchy,
    ancestry,
    check_vintage_level,
    load_hierarchy,
    root_codes,
    village_parent_links,
    village_points,
)
from geodata.areas.links import chain_links, normalise_links
from geodata.areas.manifest import (
    Area,
    AreaVintage,
    CodeListSpec,
    CrosswalkSpec,
    LayerSpec,
    ManifestError,
    VillagesSpec,
    load_area,
)
from geodata.areas.stored import StoredArea, stored_area
from geodata.areas.text import search_key
from geodata.areas.unit_records import (
    UnitRecord,
    all_units,
    find_unit,
    has_units_below,
    stored_units,
)
from geodata.areas.vintages import (
    PERIOD_KEY,
    VintageSpec,
    period_bounds,
    stored_vintages,
    vintage_for_period,
    vintage_spec,
)

__all__ = [
    "Area",
    "AreaVintage",
    "CodeListSpec",
    "CrosswalkSpec",
    "Hierarchy",
    "LayerSpec",
    "ManifestError",
    "PERIOD_KEY",
    "StoredArea",
    "VillagesSpec",
    "VintageSpec",
    "all_units",
    "ancestry",
    "find_unit",
    "has_units_below",
    "UnitRecord",
    "chain_links",
    "check_vintage_level",
    "crosswalk_path",
    "former_names",
    "load_hierarchy",
    "load_area",
    "normalise_links",
    "period_bounds",
    "root_codes",
    "search_key",
    "shared_ground",
    "split_outliers",
    "stored_vintages",
    "stored_area",
    "stored_links",
    "stored_units",
    "union",
    "village_parent_links",
    "village_points",
    "vintage_for_period",
    "vintage_spec",
]
