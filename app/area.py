"""The area the settings name (``DXMAP_AREA``), read from its manifest."""

from __future__ import annotations

from dataclasses import replace
from types import MappingProxyType

from app.settings import Settings
from geodata.areas.manifest import Area, load_area


def settings_area(settings: Settings) -> Area:
    """Return the checked area manifest of ``settings`` (raises ``ManifestError``).

    ``DXMAP_DEMO_PERIODS`` overrides the manifest's ``[demo] periods`` of a synthetic demo.
    """
    area = load_area(settings.area, settings.geodata_dir)
    if settings.demo_periods is not None and area.demo == "synthetic":
        options = {**area.demo_options, "periods": settings.demo_periods}
        area = replace(area, demo_options=MappingProxyType(options))
    return area
