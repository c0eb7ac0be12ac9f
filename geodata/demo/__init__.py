"""The deterministic synthetic demo data set, labelled synthetic."""

from __future__ import annotations

from geodata.demo.generate import load_demo

__all__ = [
    "load_demo",
]
