"""The ``dxmap`` commands that move data: ``import``, ``rollback``, ``batches``, ``export``."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from app.cli.store import EXIT_OK, CliError, default_user, load_settings, open_store

log = logging.getLogger("dxmap")


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


def cmd_export(args: argparse.Namespace) -> int:
    from geodata.exports.write import ExportError, export_filename, export_view, write_export
    from geodata.store.engine import session_factory

    if args.crs and args.format != "gpkg":
        raise CliError("--crs applies to --format gpkg only (GeoJSON is WGS 84 by RFC 7946)")
    settings = load_settings()
    view = {
        "level": args.level,
        "vintage": args.vintage,
        "period": args.period,
        "indicator": args.indicator,
        "all_indicators": args.all_indicators,
        "parent_code": args.parent,
        "below_target": args.below_target,
        "crs": args.crs,
    }
    engine = open_store(settings)
    try:
        with session_factory(engine)() as session:
            try:
                data = export_view(session, fmt=args.format, **view)
            except ExportError as exc:
                raise CliError(str(exc)) from exc
    finally:
        engine.dispose()
    target = args.output
    if target == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return EXIT_OK
    path = Path(target)
    if path.is_dir():
        path = path / export_filename(fmt=args.format, **view)
    if not path.parent.is_dir():
        raise CliError(f"{path.parent}: no such directory")
    write_export(path, data)  # atomic: never a half-written file under the final name
    log.info("wrote %s (%s bytes)", path, f"{len(data):,}")
    return EXIT_OK
