"""Exports of a view: rows, metadata, GeoJSON (RFC 7946), CSV/XLSX, GeoPackage, CRS."""

from __future__ import annotations

from geodata.exports.gaps import export_gaps, gaps_filename
from geodata.exports.metadata import SYNTHETIC_WARNING
from geodata.exports.write import FORMATS, MEDIA_TYPES, export_filename, export_view, write_export

__all__ = [
    "FORMATS",
    "MEDIA_TYPES",
    "SYNTHETIC_WARNING",
    "export_filename",
    "export_gaps",
    "export_view",
    "gaps_filename",
    "write_export",
]
