"""Transitional name: an export's bad parameter is a :class:`geodata.view.ViewError`.

Exports take a :class:`geodata.view.View` parsed by the edge that received the request; the
former ``ExportView``, ``resolve_view`` and ``ExportError`` are gone. ``ExportError`` stays here as
another name of :class:`~geodata.view.ViewError` only until ``callbacks/analysis.py`` imports
that instead.
"""

from __future__ import annotations

from geodata.view import ViewError as ExportError

__all__ = ["ExportError"]
