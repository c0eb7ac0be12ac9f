"""``dxmap export``: a view as GeoJSON, CSV, XLSX or GeoPackage (PRODUCT.md "Interfaces").

The arguments are parsed once into a :class:`geodata.view.View` (:func:`view_of`), the same
value the HTTP API parses from its query, and handed to the one export implementation.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app.cli.store import EXIT_OK, CliError, load_settings, open_store

if TYPE_CHECKING:  # geodata is imported by the command, not by `dxmap --help`
    from geodata.view import Choices, View, ViewError

log = logging.getLogger("dxmap")

FORMATS = ("geojson", "csv", "xlsx", "gpkg")
LEVELS = ("country", "province", "district", "commune", "village")  # PRODUCT.md's level keys
#: The CLI's option for each view parameter (the others are the parameter's own name).
OPTIONS = {"below_target": "--below-target", "all_indicators": "--all-indicators"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``export`` to the ``dxmap`` parser."""
    p = sub.add_parser("export", help="export a view as GeoJSON, CSV, XLSX or GeoPackage")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--level", required=True, choices=LEVELS)
    p.add_argument("--vintage", required=True, help="2020, 2025-01 or 2025-07")
    p.add_argument("--period", required=True, help="e.g. 2024")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--indicator", metavar="KEY", help="one indicator")
    which.add_argument("--all-indicators", action="store_true", help="every indicator")
    p.add_argument("--parent", metavar="CODE", help="only units under this unit")
    p.add_argument("--below-target", action="store_true", help="only units that miss the target")
    p.add_argument(
        "--crs",
        metavar="CRS",
        help="GeoPackage only: 'wgs84' (default), 'vn2000-tm3-10745' (VN-2000 / TM-3 107°45′, "
        "EPSG:5899) or any EPSG:code",
    )
    p.add_argument(
        "-o", "--output", required=True, metavar="PATH", help="file, directory, or - for stdout"
    )
    p.set_defaults(func=cmd_export)


def view_of(args: argparse.Namespace, choices: Choices) -> View:
    """Return the view the ``export`` arguments ask for (``ViewError`` naming a parameter)."""
    from geodata.view import View

    values = {
        "level": args.level,
        "vintage": args.vintage,
        "period": args.period,
        "indicator": args.indicator,
        "all_indicators": args.all_indicators,
        "parent": args.parent,
        "below_target": args.below_target,
    }
    return View.parse(values, choices)


def _refused(error: ViewError) -> CliError:
    option = OPTIONS.get(str(error.parameter), f"--{error.parameter}")
    return CliError(f"{option}: {error}" if error.parameter else str(error))


def cmd_export(args: argparse.Namespace) -> int:
    from geodata.exports.write import export_filename, export_view, write_export
    from geodata.store.engine import session_factory
    from geodata.view import ViewError, store_choices

    if args.crs and args.format != "gpkg":
        raise CliError("--crs applies to --format gpkg only (GeoJSON is WGS 84 by RFC 7946)")
    settings = load_settings()
    engine = open_store(settings)
    try:
        with session_factory(engine)() as session:
            try:
                view = view_of(args, store_choices(session))
                data = export_view(session, view, fmt=args.format, crs=args.crs)
            except ViewError as exc:
                raise _refused(exc) from exc
    finally:
        engine.dispose()
    target = args.output
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    path = Path(target)
    if path.is_dir():
        path = path / export_filename(view, fmt=args.format, crs=args.crs)
    if not path.parent.is_dir():
        raise CliError(f"{path.parent}: no such directory")
    write_export(path, data)  # atomic: never a half-written file under the final name
    log.info("wrote %s (%s bytes)", path, f"{len(data):,}")
    return EXIT_OK
