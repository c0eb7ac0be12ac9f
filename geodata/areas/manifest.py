"""The area manifest (a TOML file) as frozen dataclasses: :func:`load_area` reads and checks it.

A deployment serves one *area*: its boundary vintages (dates, levels, roots), boundary layers,
code lists, crosswalks, village register, demo and catalogue files. dxmap ships three manifests
(``brvt``, ``hcm``, ``vn``) as package data in ``geodata/areas/data/``; a user elsewhere writes
their own (see the README, "Serve your own area"). The boundary files themselves are data, never
part of the repository.

Every check names the file, the section and the key, so a bad manifest is refused before
anything is written.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from geodata.areas.manifest_checks import (
    LEVEL_KEYS,
    Section,
    check_coverage,
    check_crosswalk_columns,
    check_levels,
    check_vintage_dates,
)
from geodata.areas.specs import (
    Area,
    AreaVintage,
    CodeListSpec,
    CrosswalkSpec,
    LayerSpec,
    ManifestError,
    VillagesSpec,
)

__all__ = [
    "LEVEL_KEYS",
    "SHIPPED_AREAS",
    "Area",
    "AreaVintage",
    "CodeListSpec",
    "CrosswalkSpec",
    "LayerSpec",
    "ManifestError",
    "VillagesSpec",
    "load_area",
    "parse_area",
]

SHIPPED_AREAS = ("brvt", "hcm", "vn")
DEMOS = ("none", "synthetic", "brvt-2024")
_AREA_KEY = re.compile(r"^[a-z0-9-]+$")
_VINTAGE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,15}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _vintage(raw: dict[str, Any], sec: Section, area_names: tuple[str, str]) -> AreaVintage:
    key = sec.text(raw, "key")
    if not _VINTAGE_KEY.match(key):
        raise sec.error("key", f"must be letters, digits, '-' or '_' (at most 16), got {key!r}")
    sec.label = key
    valid_from = sec.date(raw, "valid_from")
    valid_to = sec.date(raw, "valid_to", required=False)
    if valid_to is not None and valid_to < valid_from:
        raise sec.error("valid_to", f"{valid_to} is before valid_from {valid_from}")
    levels = check_levels(raw, sec)
    root_code = sec.text(raw, "root_code", required=False) or None
    return AreaVintage(
        key=key,
        name_vi=sec.text(raw, "name_vi"),
        name_en=sec.text(raw, "name_en"),
        valid_from=valid_from,
        valid_to=valid_to,
        levels=levels,
        root_code=root_code,
        root_name_vi=(sec.text(raw, "root_name_vi", required=False) or area_names[0])
        if root_code
        else None,
        root_name_en=(sec.text(raw, "root_name_en", required=False) or area_names[1])
        if root_code
        else None,
        root_type=sec.text(raw, "root_type", required=False),
        note=sec.text(raw, "note", required=False),
    )


def _layer(raw: dict[str, Any], sec: Section, vintages: dict[str, AreaVintage]) -> LayerSpec:
    sec.label = sec.text(raw, "file")
    layer = LayerSpec(
        file=sec.text(raw, "file"),
        vintage=sec.text(raw, "vintage"),
        level=sec.text(raw, "level"),
        code_field=sec.text(raw, "code_field"),
        name_field=sec.text(raw, "name_field"),
        type_field=sec.text(raw, "type_field", required=False),
        parent_field=sec.text(raw, "parent_field", required=False),
        licence=sec.text(raw, "licence"),
        attribution=sec.text(raw, "attribution"),
        upstream=sec.text(raw, "upstream"),
        redistributable=sec.boolean(raw, "redistributable"),
        sha256=sec.text(raw, "sha256", required=False).lower(),
        where=sec.text(raw, "where", required=False),
    )
    if layer.vintage not in vintages:
        raise sec.error(
            "vintage",
            f"unknown vintage {layer.vintage!r}; [[vintage]] keys are {', '.join(vintages)}",
        )
    levels = vintages[layer.vintage].levels
    if layer.level not in levels:
        raise sec.error(
            "level",
            f"{layer.level!r} is not a level of vintage {layer.vintage} ({', '.join(levels)})",
        )
    if layer.sha256 and not _SHA256.match(layer.sha256):
        raise sec.error("sha256", "must be 64 hexadecimal digits")
    return layer


def _crosswalk(
    raw: dict[str, Any], sec: Section, vintages: dict[str, AreaVintage]
) -> CrosswalkSpec:
    sec.label = sec.text(raw, "file")
    spec = CrosswalkSpec(
        file=sec.text(raw, "file"),
        from_vintage=sec.text(raw, "from_vintage"),
        to_vintage=sec.text(raw, "to_vintage"),
        from_field=sec.text(raw, "from_field"),
        to_field=sec.text(raw, "to_field"),
        licence=sec.text(raw, "licence"),
        attribution=sec.text(raw, "attribution"),
        from_parent_field=sec.text(raw, "from_parent_field", required=False),
        to_parent_field=sec.text(raw, "to_parent_field", required=False),
        to_name_field=sec.text(raw, "to_name_field", required=False),
        note_field=sec.text(raw, "note_field", required=False),
    )
    order = list(vintages)
    for key in ("from_vintage", "to_vintage"):
        if getattr(spec, key) not in vintages:
            raise sec.error(
                key,
                f"unknown vintage {getattr(spec, key)!r}; [[vintage]] keys are {', '.join(order)}",
            )
    if order.index(spec.to_vintage) <= order.index(spec.from_vintage):
        raise sec.error(
            "to_vintage", f"{spec.to_vintage} must be later than from_vintage {spec.from_vintage}"
        )
    if bool(spec.from_parent_field) != bool(spec.to_parent_field):
        missing = "to_parent_field" if spec.from_parent_field else "from_parent_field"
        raise sec.error(missing, "from_parent_field and to_parent_field go together")
    return spec


def _tables(data: dict[str, Any], name: str, source: str) -> list[dict[str, Any]]:
    raw = data.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ManifestError(f"{source}: [[{name}]] must be an array of tables")
    return raw


def parse_area(data: dict[str, Any], source: Path | str, geodata_dir: Path | None = None) -> Area:
    """Build and check an :class:`Area` from a parsed TOML document.

    Parameters
    ----------
    data : dict
        The parsed TOML document.
    source : pathlib.Path or str
        The manifest file (error messages name it; relative files resolve beside it).
    geodata_dir : pathlib.Path, optional
        Where relative files are looked up first (``DXMAP_GEODATA_DIR``).

    Returns
    -------
    Area
        The checked area. A crosswalk whose CSV exists is checked for its columns here; a
        missing file is reported when the store is initialised.

    Raises
    ------
    ManifestError
        Naming the file, the section and the key.
    """
    source = Path(source)
    raw_area = data.get("area")
    if not isinstance(raw_area, dict):
        raise ManifestError(f"{source}: the [area] table is missing")
    sec = Section(source, "[area]", ManifestError)
    key = sec.text(raw_area, "key")
    if not _AREA_KEY.match(key):
        raise sec.error("key", f"must be lower-case letters, digits and '-', got {key!r}")
    names = (sec.text(raw_area, "name_vi"), sec.text(raw_area, "name_en"))
    demo = sec.text(raw_area, "demo", required=False) or "none"
    if demo not in DEMOS:
        raise sec.error("demo", f"must be one of {', '.join(DEMOS)}, got {demo!r}")
    crs = sec.text(raw_area, "crs", required=False) or None

    raw_vintages = _tables(data, "vintage", str(source))
    if not raw_vintages:
        raise ManifestError(f"{source}: no [[vintage]] entries")
    vintages: dict[str, AreaVintage] = {}
    for n, raw in enumerate(raw_vintages, start=1):
        spec = _vintage(raw, Section(source, f"[[vintage]] #{n}", ManifestError), names)
        if spec.key in vintages:
            raise Section(source, f"[[vintage]] #{n}", ManifestError).error(
                "key", f"vintage {spec.key!r} is declared twice"
            )
        vintages[spec.key] = spec
    check_vintage_dates(list(vintages.values()), source, ManifestError)

    layers: list[LayerSpec] = []
    for n, raw in enumerate(_tables(data, "layer", str(source)), start=1):
        sec = Section(source, f"[[layer]] #{n}", ManifestError)
        layer = _layer(raw, sec, vintages)
        if any((lay.vintage, lay.level) == (layer.vintage, layer.level) for lay in layers):
            raise sec.error("level", f"vintage {layer.vintage} level {layer.level} has two layers")
        layers.append(layer)
    check_coverage(vintages, layers, source)

    codelists = []
    for n, raw in enumerate(_tables(data, "codelist", str(source)), start=1):
        sec = Section(source, f"[[codelist]] #{n}", ManifestError)
        spec = CodeListSpec(file=sec.text(raw, "file"), vintage=sec.text(raw, "vintage"))
        if spec.vintage not in vintages:
            raise sec.error("vintage", f"unknown vintage {spec.vintage!r}")
        codelists.append(spec)

    crosswalks: list[CrosswalkSpec] = []
    for n, raw in enumerate(_tables(data, "crosswalk", str(source)), start=1):
        sec = Section(source, f"[[crosswalk]] #{n}", ManifestError)
        spec = _crosswalk(raw, sec, vintages)
        if any(
            (c.from_vintage, c.to_vintage) == (spec.from_vintage, spec.to_vintage)
            for c in crosswalks
        ):
            raise sec.error(
                "to_vintage",
                f"a crosswalk {spec.from_vintage} → {spec.to_vintage} is declared twice",
            )
        crosswalks.append(spec)

    villages = None
    if "villages" in data:
        if not isinstance(data["villages"], dict):
            raise ManifestError(f"{source}: [villages] must be a table")
        villages = VillagesSpec(
            Section(source, "[villages]", ManifestError).text(data["villages"], "file")
        )
    demo_options = data.get("demo", {})
    if not isinstance(demo_options, dict):
        raise ManifestError(f"{source}: [demo] must be a table")
    catalogue = data.get("catalogue", {})
    sec = Section(source, "[catalogue]", ManifestError)
    if not isinstance(catalogue, dict):
        raise ManifestError(f"{source}: [catalogue] must be a table")
    for name in catalogue:
        if name not in ("sources", "targets", "indicator_source"):
            raise sec.error(name, "unknown key (expected sources, targets, indicator_source)")
        sec.text(catalogue, name)

    area = Area(
        key=key,
        name_vi=names[0],
        name_en=names[1],
        demo=demo,
        crs=crs,
        vintages=tuple(vintages.values()),
        layers=tuple(layers),
        codelists=tuple(codelists),
        crosswalks=tuple(crosswalks),
        villages=villages,
        demo_options=MappingProxyType(dict(demo_options)),
        catalogue=MappingProxyType({k: str(v) for k, v in catalogue.items()}),
        source=source,
        geodata_dir=Path(geodata_dir) if geodata_dir is not None else None,
    )
    for n, spec in enumerate(area.crosswalks, start=1):
        check_crosswalk_columns(area, spec, n)
    return area


def _manifest_path(name_or_path: str) -> Path:
    if name_or_path in SHIPPED_AREAS:
        return Path(str(resources.files("geodata.areas") / "data" / f"{name_or_path}.toml"))
    path = Path(name_or_path).expanduser()
    if not path.suffix and not path.exists():
        shipped = ", ".join(SHIPPED_AREAS)
        raise ManifestError(
            f"DXMAP_AREA: {name_or_path!r} is neither a shipped area ({shipped}) "
            "nor a manifest file"
        )
    return path.resolve()


def load_area(name_or_path: str, geodata_dir: Path | None = None) -> Area:
    """Read and check an area manifest.

    Parameters
    ----------
    name_or_path : str
        A shipped area (``brvt``, ``hcm``, ``vn``) or the path of a TOML manifest.
    geodata_dir : pathlib.Path, optional
        ``DXMAP_GEODATA_DIR``: relative files resolve against it first.

    Returns
    -------
    Area
        The checked area.

    Raises
    ------
    ManifestError
        If the file is missing, is not valid TOML, or has a missing or bad key (the message
        names the file, the section and the key).
    """
    path = _manifest_path(name_or_path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ManifestError(f"{path}: area manifest not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"{path}: cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{path}: not valid TOML: {exc}") from None
    return parse_area(data, path, geodata_dir)
