"""MapService: the one read-only facade the app, the API and the callbacks use."""

from __future__ import annotations

from geodata.service.map_service import MapService

__all__ = [
    "MapService",
]
