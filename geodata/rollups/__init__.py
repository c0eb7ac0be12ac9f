"""The roll-ups kept in the store: built when the data change, read by every answer.

- :mod:`~geodata.rollups.partials`: partial sums and how they add up (pure);
- :mod:`~geodata.rollups.inputs`: what they are made of, read from the store;
- :mod:`~geodata.rollups.build`: building them whole (``dxmap init``, ``dxmap rollup``) or
  for what a write touched (an import, a village register, a rollback), in its transaction;
- :mod:`~geodata.rollups.read`: the indexed reads behind :mod:`geodata.rollups.queries`;
- :mod:`~geodata.rollups.check`: comparing them with the raw values (``dxmap rollup --check``).
"""

from __future__ import annotations

from geodata.rollups.build import Touched, rebuild_all, update_rollups

__all__ = ["Touched", "rebuild_all", "update_rollups"]
