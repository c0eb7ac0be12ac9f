"""Demo data sets of an area, chosen by its manifest's ``demo``: none, synthetic, brvt-2024.

Everything generated is labelled ``synthetic``; published figures a demo rests on are stored
beside it as ``published``. :func:`load_demo` is the one entry point.
"""

from __future__ import annotations

from geodata.demo.generate import DEMO_KINDS, load_demo

__all__ = [
    "DEMO_KINDS",
    "load_demo",
]
