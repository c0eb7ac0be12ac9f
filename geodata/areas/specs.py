"""The area and its parts as frozen dataclasses (what an area manifest declares).

:func:`geodata.areas.manifest.load_area` reads and checks a manifest into an :class:`Area`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any


class ManifestError(ValueError):
    """The manifest is missing, unreadable, or has a missing or bad key (file, section, key)."""


@dataclass(frozen=True)
class AreaVintage:
    """One ``[[vintage]]``: a boundary structure in force over a date range.

    ``root_code`` (with ``root_name_vi``/``root_name_en``/``root_type``) is set for a vintage
    with no layer for its top level: the root is then built as the union of the units one level
    below it (a former province inside a new one, or the country).
    """

    key: str
    name_vi: str
    name_en: str
    valid_from: date
    valid_to: date | None
    levels: tuple[str, ...]
    root_code: str | None = None
    root_name_vi: str | None = None
    root_name_en: str | None = None
    root_type: str = ""
    note: str = ""


@dataclass(frozen=True)
class LayerSpec:
    """One ``[[layer]]``: a boundary file of one vintage and level.

    ``parent_field`` is empty for a layer whose units hang directly under the vintage's root.
    ``sha256`` is optional: when given, a file with another hash loads with a finding.
    ``where`` is an optional OGR SQL filter applied while reading (``"parent_code = '79'"``).
    """

    file: str
    vintage: str
    level: str
    code_field: str
    name_field: str
    type_field: str
    parent_field: str
    licence: str
    attribution: str
    upstream: str
    redistributable: bool
    sha256: str = ""
    where: str = ""


@dataclass(frozen=True)
class CodeListSpec:
    """One ``[[codelist]]``: official units (``level, code, name, type, parent_code``)."""

    file: str
    vintage: str


@dataclass(frozen=True)
class CrosswalkSpec:
    """One ``[[crosswalk]]``: a CSV linking units of ``from_vintage`` to units of ``to_vintage``.

    ``from_field``/``to_field`` name the code columns. Optional: ``from_parent_field`` and
    ``to_parent_field`` also link the parents (districts), ``to_name_field`` gives the official
    names of the later vintage's units when it has no code list, ``note_field`` a note per link.
    """

    file: str
    from_vintage: str
    to_vintage: str
    from_field: str
    to_field: str
    licence: str
    attribution: str
    from_parent_field: str = ""
    to_parent_field: str = ""
    to_name_field: str = ""
    note_field: str = ""

    def columns(self) -> tuple[str, ...]:
        """Return the CSV columns this crosswalk reads."""
        named = (
            self.from_field,
            self.to_field,
            self.from_parent_field,
            self.to_parent_field,
            self.to_name_field,
            self.note_field,
        )
        return tuple(dict.fromkeys(c for c in named if c))


@dataclass(frozen=True)
class VillagesSpec:
    """The ``[villages]`` table: the village register file."""

    file: str


@dataclass(frozen=True)
class Area:
    """Everything an area manifest declares; ``source`` is the manifest file."""

    key: str
    name_vi: str
    name_en: str
    demo: str
    crs: str | None
    vintages: tuple[AreaVintage, ...]
    layers: tuple[LayerSpec, ...]
    codelists: tuple[CodeListSpec, ...]
    crosswalks: tuple[CrosswalkSpec, ...]
    villages: VillagesSpec | None
    demo_options: Mapping[str, Any]
    catalogue: Mapping[str, str]
    source: Path
    geodata_dir: Path | None = field(default=None, compare=False)

    def resolve(self, file: str) -> Path:
        """Return the absolute path of a file the manifest names.

        Parameters
        ----------
        file : str
            A path as written in the manifest.

        Returns
        -------
        pathlib.Path
            An absolute path is kept; a relative one resolves against the geodata directory
            when one is set, else the manifest's folder. A file not found there is looked up in
            the manifest's own folder (so a shipped manifest finds its own data files).
        """
        path = Path(file).expanduser()
        if path.is_absolute():
            return path
        own = (self.source.parent / path).resolve()
        if self.geodata_dir is not None:
            candidate = (Path(self.geodata_dir) / path).resolve()
            if candidate.exists() or not own.exists():
                return candidate
        return own

    def vintage(self, key: str) -> AreaVintage:
        """Return the vintage with ``key``; ``KeyError`` naming the known keys otherwise."""
        for spec in self.vintages:
            if spec.key == key:
                return spec
        known = ", ".join(v.key for v in self.vintages)
        raise KeyError(f"unknown vintage {key!r}; expected one of {known}")

    def layers_for(self, vintage: str) -> tuple[LayerSpec, ...]:
        """Return the layers of one vintage, top level first."""
        levels = self.vintage(vintage).levels
        return tuple(
            sorted(
                (layer for layer in self.layers if layer.vintage == vintage),
                key=lambda layer: levels.index(layer.level),
            )
        )

    def codelist(self, vintage: str) -> str | None:
        """Return the code-list file of ``vintage``, or ``None``."""
        return next((c.file for c in self.codelists if c.vintage == vintage), None)

    def file_names(self) -> tuple[str, ...]:
        """Return every distinct boundary, code-list and crosswalk file, in manifest order."""
        names = [layer.file for layer in self.layers]
        names += [c.file for c in self.codelists]
        names += [c.file for c in self.crosswalks]
        return tuple(dict.fromkeys(names))
