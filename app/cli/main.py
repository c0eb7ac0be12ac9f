"""The ``dxmap`` command line (names are a contract: PRODUCT.md "Interfaces").

``dxmap init`` · ``dxmap serve`` · ``dxmap import FILE`` · ``dxmap villages import FILE`` ·
``dxmap export …`` · ``dxmap user add`` · ``dxmap rollback BATCH_ID`` · ``dxmap batches``.

Every error ends with a non-zero exit status and a message on stderr (no traceback for a user's
mistake). Only the designated results (a batch id, the batch list, an export written to ``-``)
go to stdout; everything else is logged to stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from app.cli.admin import cmd_init, cmd_serve, cmd_user_add, cmd_user_list
from app.cli.data import cmd_batches, cmd_export, cmd_import, cmd_rollback
from app.cli.engine import add_parsers as add_engine_parsers
from app.cli.store import EXIT_ERROR, EXIT_USAGE, CliError
from app.cli.villages import add_parser as add_villages_parser
from app.settings import SettingsError

log = logging.getLogger("dxmap")

FORMATS = ("geojson", "csv", "xlsx", "gpkg")
LEVELS = ("country", "province", "district", "commune", "village")
#: The largest batch id (a 32-bit signed integer; geodata.imports.rollback.MAX_BATCH_ID).
MAX_BATCH_ID = 2**31 - 1


def _batch_id(text: str) -> int:
    if len(text) > 40:
        raise argparse.ArgumentTypeError(f"a batch id is a whole number, got {text[:40]!r}…")
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a batch id is a whole number, got {text!r}") from None
    if not 0 < value <= MAX_BATCH_ID:
        raise argparse.ArgumentTypeError(
            f"a batch id is a whole number from 1 to {MAX_BATCH_ID:,}, got {text}"
        )
    return value


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number is needed, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the ``dxmap`` argument parser."""
    parser = argparse.ArgumentParser(
        prog="dxmap",
        description="Digital-transformation coverage maps (settings: DXMAP_* environment).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser(
        "init",
        help="create the store and load boundaries, catalogue, targets, demo data (idempotent)",
    )
    p.add_argument("--no-demo", action="store_true", help="do not load the synthetic demo data")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("serve", help="run the web app (gunicorn; --dev: Flask's dev server)")
    p.add_argument("--host", help="interface to listen on (default DXMAP_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default DXMAP_PORT or 8050)")
    p.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help="gunicorn worker processes (default DXMAP_WORKERS or 2)",
    )
    p.add_argument(
        "--dev",
        action="store_true",
        help="Flask's development server, one process (DXMAP_DEBUG=1 adds Dash's dev tools)",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "import",
        help="validate a CSV/XLSX of values and commit it as one batch (nothing on any error)",
    )
    p.add_argument("file", metavar="FILE", help="CSV (UTF-8) or XLSX file")
    p.add_argument("--user", help="who imports (recorded in the batch; default the login name)")
    p.add_argument("--note", help="free text kept with the batch")
    p.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    p.set_defaults(func=cmd_import)

    add_villages_parser(sub)

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

    p = sub.add_parser("user", help="manage users: editors (import, roll back) and viewers")
    user_sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    q = user_sub.add_parser("add", help="add a user (an editor unless --role viewer)")
    q.add_argument("name", metavar="NAME")
    q.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    q.add_argument("--replace", action="store_true", help="set a new password for an existing user")
    q.add_argument(
        "--role",
        choices=("editor", "viewer"),
        help="editor (may import and roll back; the default for a new user) or viewer (may sign "
        "in and view, which DXMAP_PRIVATE=1 requires); --replace keeps the role unless given",
    )
    q.set_defaults(func=cmd_user_add)
    q = user_sub.add_parser("list", help="list users with their role (NAME<TAB>ROLE)")
    q.set_defaults(func=cmd_user_list)

    p = sub.add_parser("rollback", help="undo a committed import batch")
    p.add_argument("batch_id", metavar="BATCH_ID", type=_batch_id)
    p.add_argument("--user", help="who rolls back (recorded in the batch)")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("batches", help="list import batches, newest first")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    p.set_defaults(func=cmd_batches)
    add_engine_parsers(sub)
    return parser


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        if record.levelno >= logging.ERROR:
            return f"dxmap: error: {message}"
        if record.levelno >= logging.WARNING:
            return f"dxmap: warning: {message}"
        return message


def _one_line(exc: BaseException) -> str:
    """Return the exception's message on one line (a multi-line message is joined)."""
    text = str(exc.args[0] if isinstance(exc, KeyError) and exc.args else exc).strip()
    return "; ".join(line.strip() for line in text.splitlines() if line.strip()) or repr(exc)


def _is_input_error(exc: BaseException | None) -> bool:
    """Tell whether ``exc`` is a mistake in the user's input: a setting, an area, a file.

    A failed ``init`` (:class:`geodata.bootstrap.InitError`) is one when what stopped it was.
    """
    if isinstance(exc, SettingsError):
        return True
    from geodata.areas.manifest import ManifestError
    from geodata.bootstrap import InitError
    from geodata.boundaries.files import BoundaryLoadError
    from geodata.catalogue.indicators import CatalogueError
    from geodata.imports import ImportRejected

    if isinstance(exc, InitError):
        return _is_input_error(exc.__cause__)
    return isinstance(exc, BoundaryLoadError | ManifestError | ImportRejected | CatalogueError)


def _report(exc: Exception) -> int:
    """Log an error without a traceback (unless it is a bug) and return the exit status.

    Mistakes in the input (settings, the area manifest, boundary files, an import file) exit
    with 2 and one line each (an import file: one line per problem); other expected failures
    (refused rollbacks, unreadable files, the database) with 1; a bug logs its traceback.
    """
    if isinstance(exc, CliError):
        log.error("%s", exc)
        return EXIT_ERROR
    if _is_input_error(exc):
        from geodata.imports import ImportRejected

        log.error("%s", str(exc) if isinstance(exc, ImportRejected) else _one_line(exc))
        return EXIT_USAGE
    from geodata.bootstrap import InitError
    from geodata.store.schema import SchemaOutdated

    if isinstance(exc, ValueError | KeyError | OSError | InitError | SchemaOutdated):
        # Refused rollbacks, bad view parameters, unreadable files, a failed init.
        log.error("%s", _one_line(exc))
        return EXIT_ERROR
    if isinstance(exc, SQLAlchemyError):
        log.error("database error: %s", _one_line(getattr(exc, "orig", None) or exc))
        return EXIT_ERROR
    log.error("unexpected error", exc_info=exc)  # a bug, not a user error: keep the traceback
    return EXIT_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dxmap`` command; return the process exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits on --help (0) and on usage errors (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE

    # A handler on the current stderr for this run only (tests swap sys.stderr between runs).
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Formatter("%(message)s"))
    root = logging.getLogger()
    previous_level = root.level
    level = logging.DEBUG if args.verbose else logging.WARNING if args.quiet else logging.INFO
    root.addHandler(handler)
    root.setLevel(level)
    noisy = logging.getLogger("pyogrio")  # logs "Created N records" for every layer written
    noisy_level = noisy.level
    noisy.setLevel(max(level, logging.WARNING))
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except Exception as exc:  # noqa: BLE001 - every error ends as a message, see _report
        return _report(exc)
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        noisy.setLevel(noisy_level)
        handler.flush()
