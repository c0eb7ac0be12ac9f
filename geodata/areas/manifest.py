"""The boundary manifest (``geodata/data/boundaries.toml``) as frozen dataclasses.

The manifest names every boundary file dxmap expects in the geodata directory, with its vintage,
level, attribute fields, licence, attribution and upstream source, plus the GSO code lists and the
crosswalk. The files themselves are data, never part of the repository.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

MANIFEST_RESOURCE = "data/boundaries.toml"
_LEVELS = ("province", "district", "commune")


class ManifestError(ValueError):
    """The manifest is missing, unreadable or has a missing or bad field."""


@dataclass(frozen=True)
class LayerSpec:
    """One boundary file: a vintage and level of administrative units.

    ``parent_field`` is empty for a layer whose units have no parent in the file (the province,
    or the 2025-07 units whose parent dxmap sets to the former province).
    ``sha256`` is optional: when given, a file with another hash loads with a finding.
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


@dataclass(frozen=True)
class CrosswalkSpec:
    """The crosswalk table (2024 → 2025-03 → 2025-07 codes) with its licence."""

    file: str
    licence: str
    attribution: str


@dataclass(frozen=True)
class Manifest:
    """Everything ``boundaries.toml`` declares."""

    layers: tuple[LayerSpec, ...]
    code_lists: tuple[tuple[str, str], ...]  # (vintage key, file name)
    crosswalk: CrosswalkSpec
    source: str = MANIFEST_RESOURCE

    def layers_for(self, vintage: str) -> tuple[LayerSpec, ...]:
        """Return the layers of one vintage, in manifest order.

        Parameters
        ----------
        vintage : str
            A vintage key such as ``"2020"``.

        Returns
        -------
        tuple of LayerSpec
            Possibly empty.
        """
        return tuple(layer for layer in self.layers if layer.vintage == vintage)

    def code_list(self, vintage: str) -> str | None:
        """Return the GSO code-list file of ``vintage``, or ``None`` if it has none.

        Parameters
        ----------
        vintage : str
            A vintage key.

        Returns
        -------
        str or None
            A file name in the geodata directory.
        """
        return dict(self.code_lists).get(vintage)

    def file_names(self) -> tuple[str, ...]:
        """Return every distinct file name the manifest expects, in manifest order.

        Returns
        -------
        tuple of str
            Layer files, code lists and the crosswalk.
        """
        names = [layer.file for layer in self.layers]
        names += [name for _, name in self.code_lists]
        names.append(self.crosswalk.file)
        return tuple(dict.fromkeys(names))


def _field(table: dict[str, Any], name: str, where: str, source: str, kind: type = str) -> Any:
    if name not in table:
        raise ManifestError(f"{source}: {where} is missing the field {name!r}")
    value = table[name]
    if not isinstance(value, kind):
        raise ManifestError(
            f"{source}: {where} field {name!r} must be {kind.__name__}, got {value!r}"
        )
    if kind is str and name in ("file", "vintage", "level", "code_field") and not value.strip():
        raise ManifestError(f"{source}: {where} field {name!r} must not be empty")
    return value


def parse_manifest(data: dict[str, Any], source: str = MANIFEST_RESOURCE) -> Manifest:
    """Build a :class:`Manifest` from parsed TOML.

    Parameters
    ----------
    data : dict
        The parsed TOML document.
    source : str
        Name of the file the data came from, used in error messages.

    Returns
    -------
    Manifest
        The validated manifest.

    Raises
    ------
    ManifestError
        Naming ``source``, the entry and the missing or bad field.
    """
    raw_layers = data.get("layer")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise ManifestError(f"{source}: no [[layer]] entries")
    layers = []
    seen: set[tuple[str, str]] = set()
    for index, raw in enumerate(raw_layers, start=1):
        where = f"[[layer]] #{index}"
        if isinstance(raw, dict) and isinstance(raw.get("file"), str):
            where += f" ({raw['file']})"
        if not isinstance(raw, dict):
            raise ManifestError(f"{source}: {where} is not a table")
        layer = LayerSpec(
            file=_field(raw, "file", where, source),
            vintage=_field(raw, "vintage", where, source),
            level=_field(raw, "level", where, source),
            code_field=_field(raw, "code_field", where, source),
            name_field=_field(raw, "name_field", where, source),
            type_field=_field(raw, "type_field", where, source),
            parent_field=_field(raw, "parent_field", where, source),
            licence=_field(raw, "licence", where, source),
            attribution=_field(raw, "attribution", where, source),
            upstream=_field(raw, "upstream", where, source),
            redistributable=_field(raw, "redistributable", where, source, bool),
            sha256=str(raw.get("sha256", "")),
        )
        if layer.level not in _LEVELS:
            raise ManifestError(
                f"{source}: {where} field 'level' must be one of {', '.join(_LEVELS)}, "
                f"got {layer.level!r}"
            )
        key = (layer.vintage, layer.level)
        if key in seen:
            raise ManifestError(f"{source}: {where} repeats vintage {key[0]!r} level {key[1]!r}")
        seen.add(key)
        layers.append(layer)

    raw_lists = data.get("code_lists", {})
    if not isinstance(raw_lists, dict):
        raise ManifestError(f"{source}: [code_lists] must be a table of vintage = file")
    code_lists = []
    for vintage, name in raw_lists.items():
        if not isinstance(name, str) or not name.strip():
            raise ManifestError(f"{source}: [code_lists] field {vintage!r} must be a file name")
        code_lists.append((str(vintage), name))

    raw_cw = data.get("crosswalk")
    if not isinstance(raw_cw, dict):
        raise ManifestError(f"{source}: the [crosswalk] table is missing")
    crosswalk = CrosswalkSpec(
        file=_field(raw_cw, "file", "[crosswalk]", source),
        licence=_field(raw_cw, "licence", "[crosswalk]", source),
        attribution=_field(raw_cw, "attribution", "[crosswalk]", source),
    )
    return Manifest(tuple(layers), tuple(code_lists), crosswalk, source)


def load_manifest() -> Manifest:
    """Read ``geodata/data/boundaries.toml`` (a package resource) into a :class:`Manifest`.

    Returns
    -------
    Manifest
        Every layer, code list and the crosswalk.

    Raises
    ------
    ManifestError
        If the file is missing, is not valid TOML, or an entry lacks a field.
    """
    resource = resources.files("geodata.areas").joinpath(MANIFEST_RESOURCE)
    source = f"geodata/areas/{MANIFEST_RESOURCE}"
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ManifestError(f"{source}: manifest file not found") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{source}: not valid TOML: {exc}") from exc
    return parse_manifest(data, source)
