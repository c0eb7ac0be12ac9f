"""The indicator catalogue, sources and targets (with their scopes), loaded from data files."""

from __future__ import annotations

from geodata.catalogue.indicators import (
    INDICATOR_LABEL_FIELDS,
    INDICATOR_TEXT_FIELDS,
    PILLARS,
    catalogue_frame,
    catalogue_indicators,
    load_catalogue,
)
from geodata.catalogue.scopes import unit_rules, village_rules
from geodata.catalogue.targets import apply_rules, is_met, load_targets

__all__ = [
    "INDICATOR_LABEL_FIELDS",
    "INDICATOR_TEXT_FIELDS",
    "PILLARS",
    "apply_rules",
    "catalogue_frame",
    "catalogue_indicators",
    "is_met",
    "load_catalogue",
    "load_targets",
    "unit_rules",
    "village_rules",
]
