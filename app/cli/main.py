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

from app.cli import admin, engine, export, imports, users, villages
from app.cli.store import EXIT_ERROR, EXIT_USAGE, CliError
from app.settings import SettingsError

log = logging.getLogger("dxmap")


def build_parser() -> argparse.ArgumentParser:
    """Return the ``dxmap`` argument parser: each command group adds its own commands."""
    parser = argparse.ArgumentParser(
        prog="dxmap",
        description="Digital-transformation coverage maps (settings: DXMAP_* environment).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    admin.add_parsers(sub)  # init, serve
    imports.add_import_parser(sub)  # import
    villages.add_parser(sub)  # villages import
    export.add_parser(sub)  # export
    users.add_parser(sub)  # user add, user list
    imports.add_batch_parsers(sub)  # rollback, batches
    engine.add_parsers(sub)  # rollup, db upgrade
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
