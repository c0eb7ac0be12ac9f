"""The area the settings name (``DXMAP_AREA``), read from its manifest."""

from __future__ import annotations

from app.settings import Settings
from geodata.areas.manifest import Area, load_area


def settings_area(settings: Settings) -> Area:
    """Return the checked area manifest of ``settings`` (raises ``ManifestError``)."""
    return load_area(settings.area, settings.geodata_dir)
