"""MapService: the one read-only facade the app, the API and the callbacks use."""

from __future__ import annotations

from geodata.service.features import LOD_ZOOMS, lod_for_zoom
from geodata.service.map_service import MapService

__all__ = [
    "LOD_ZOOMS",
    "MapService",
    "lod_for_zoom",
]
