"""The ``dxmap`` commands of value imports: ``import FILE``, ``rollback BATCH_ID``, ``batches``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from app.cli.store import EXIT_OK, CliError, default_user, load_settings, open_store

log = logging.getLogger("dxmap")

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


def add_import_parser(sub: argparse._SubParsersAction) -> None:
    """Add ``import`` to the ``dxmap`` parser."""
    p = sub.add_parser(
        "import",
        help="validate a CSV/XLSX of values and commit it as one batch (nothing on any error)",
    )
    p.add_argument("file", metavar="FILE", help="CSV (UTF-8) or XLSX file")
    p.add_argument("--user", help="who imports (recorded in the batch; default the login name)")
    p.add_argument("--note", help="free text kept with the batch")
    p.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    p.set_defaults(func=cmd_import)


def add_batch_parsers(sub: argparse._SubParsersAction) -> None:
    """Add ``rollback`` and ``batches`` to the ``dxmap`` parser."""
    p = sub.add_parser("rollback", help="undo a committed import batch")
    p.add_argument("batch_id", metavar="BATCH_ID", type=_batch_id)
    p.add_argument("--user", help="who rolls back (recorded in the batch)")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("batches", help="list import batches, newest first")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    p.set_defaults(func=cmd_batches)


def cmd_import(args: argparse.Namespace) -> int:
    from geodata.imports import ImportRejected, import_file, validate_file
    from geodata.store.engine import session_factory

    settings = load_settings()
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    engine = open_store(settings)
    try:
        if args.dry_run:
            with session_factory(engine)() as session:
                result = validate_file(session, path, max_bytes=settings.max_upload_bytes)
            if not result.ok:
                raise ImportRejected(result.problems, result.problems_total)
            for warning in result.warnings:
                log.warning("%s", warning)
            log.info(
                "%s: %s rows, no problem found (dry run: nothing written)",
                path.name,
                result.rows_total,
            )
            return EXIT_OK
        outcome = import_file(
            engine,
            path,
            args.user or default_user(),
            max_bytes=settings.max_upload_bytes,
            note=args.note or "",
        )
    finally:
        engine.dispose()
    for warning in outcome.warnings:
        log.warning("%s", warning)
    log.info("undo with: dxmap rollback %s", outcome.batch_id)
    sys.stdout.write(f"{outcome.batch_id}\n")
    return EXIT_OK


def cmd_rollback(args: argparse.Namespace) -> int:
    from geodata.imports import rollback_batch

    engine = open_store(load_settings())
    try:
        rollback_batch(engine, args.batch_id, args.user or default_user())
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_batches(args: argparse.Namespace) -> int:
    from geodata.imports.rollback import list_batches
    from geodata.store.engine import session_factory

    engine = open_store(load_settings())
    try:
        with session_factory(engine)() as session:
            batches = list_batches(session, limit=args.limit)
    finally:
        engine.dispose()
    header = (
        "id",
        "created_at_utc",
        "user",
        "rows",
        "new",
        "replaced",
        "outcome",
        "file",
        "sha256",
    )
    lines = ["\t".join(header)]
    for b in batches:
        lines.append(
            "\t".join(
                str(x)
                for x in (
                    b.id,
                    b.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                    b.user,
                    b.rows_total,
                    b.rows_inserted,
                    b.rows_replaced,
                    b.outcome,
                    b.file_name,
                    b.file_sha256[:12],
                )
            )
        )
    sys.stdout.write("\n".join(lines) + "\n")
    return EXIT_OK
