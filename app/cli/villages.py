"""``dxmap villages import FILE [--dry-run]``: load a village register (PRODUCT.md "Interfaces")."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from app.cli.store import EXIT_OK, CliError, default_user, load_settings, open_store

log = logging.getLogger("dxmap")


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``villages`` command group to the ``dxmap`` parser."""
    p = sub.add_parser("villages", help="manage the village register")
    actions = p.add_subparsers(dest="villages_command", metavar="ACTION", required=True)
    q = actions.add_parser(
        "import",
        help="validate a village register (CSV/XLSX: code, name, parent_code, households, "
        "adults, lon, lat, vintage) and commit it as one batch (nothing on any error)",
    )
    q.add_argument("file", metavar="FILE", help="CSV (UTF-8) or XLSX file")
    q.add_argument("--user", help="who imports (recorded in the batch; default the login name)")
    q.add_argument("--note", help="free text kept with the batch")
    q.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    q.set_defaults(func=cmd_villages_import)


def cmd_villages_import(args: argparse.Namespace) -> int:
    """Validate (``--dry-run``) or import a village register; print the batch id."""
    from geodata.imports import ImportRejected, import_villages, validate_villages

    settings = load_settings()
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    engine = open_store(settings)
    try:
        if args.dry_run:
            result = validate_villages(engine, path, max_bytes=settings.max_upload_bytes)
            for warning in result.warnings:
                log.warning("%s", warning)
            if not result.ok:
                raise ImportRejected(result.problems)
            log.info(
                "%s: %s villages (%s new, %s already stored), no problem found "
                "(dry run: nothing written)",
                path.name,
                result.rows_total,
                result.rows_total - len(result.existing),
                len(result.existing),
            )
            return EXIT_OK
        try:
            outcome = import_villages(
                engine,
                path,
                args.user or default_user(),
                max_bytes=settings.max_upload_bytes,
                note=args.note or "",
            )
        except ImportRejected as exc:
            for warning in getattr(exc, "warnings", ()):
                log.warning("%s", warning)
            raise
    finally:
        engine.dispose()
    for warning in outcome.warnings:
        log.warning("%s", warning)
    log.info(
        "%s: %s villages (%s new, %s updated) with parents in vintages %s; "
        "undo with: dxmap rollback %s",
        outcome.file_name,
        outcome.rows_total,
        outcome.rows_inserted,
        outcome.rows_replaced,
        ", ".join(outcome.vintages),
        outcome.batch_id,
    )
    sys.stdout.write(f"{outcome.batch_id}\n")
    return EXIT_OK
