"""Reading, checking and simplifying boundary layers, and loading them into the store."""

from __future__ import annotations

from geodata.boundaries.load import load_boundaries

__all__ = [
    "load_boundaries",
]
