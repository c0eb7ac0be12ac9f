"""The ``dxmap`` commands of the store as engine: ``rollup [--check]`` and ``db upgrade``."""

from __future__ import annotations

import argparse
import logging

from app.cli.store import EXIT_ERROR, EXIT_OK, CliError, load_settings, open_store, redacted

log = logging.getLogger("dxmap")


def cmd_rollup(args: argparse.Namespace) -> int:
    """Rebuild every roll-up from the raw values, or check that the stored ones agree."""
    from sqlalchemy.orm import Session

    from geodata.rollups import rebuild_all
    from geodata.rollups.check import check_rollups
    from geodata.store.engine import transaction
    from geodata.store.schema import check_schema
    from geodata.store.version import bump_data_version

    engine = open_store(load_settings())
    try:
        check_schema(engine)
        if args.check:
            with Session(engine) as session:
                differences = check_rollups(session, limit=args.limit)
            for difference in differences:
                log.error("%s", difference)
            if differences:
                log.error(
                    "the roll-ups disagree with the raw values (first %d shown); run "
                    "'dxmap rollup' to rebuild them",
                    len(differences),
                )
                return EXIT_ERROR
            log.info("the roll-ups agree with the raw values")
            return EXIT_OK
        with transaction(engine) as session:
            built = rebuild_all(session)
            bump_data_version(session, "dxmap rollup")
        log.info(
            "roll-ups rebuilt: %s rows for %s indicator-periods in %.1f s",
            f"{built['rows']:,}",
            built["pairs"],
            built["seconds"],
        )
        return EXIT_OK
    finally:
        engine.dispose()


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    """Bring the store to this dxmap's schema and build its roll-ups, in one transaction."""
    from geodata.rollups import rebuild_all
    from geodata.store.engine import init_transaction, make_engine
    from geodata.store.schema import upgrade_schema
    from geodata.store.version import bump_data_version

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        with init_transaction(engine) as session:
            before, after = upgrade_schema(session.connection())
            if before is None:
                raise CliError(
                    f"the store {redacted(settings.database_url)} is empty: run 'dxmap init'"
                )
            if before == after:
                log.info("the store is already at revision %s; nothing to do", after)
                return EXIT_OK
            built = rebuild_all(session)
            bump_data_version(session, f"dxmap db upgrade {before} -> {after}")
        log.info(
            "store upgraded from revision %s to %s; roll-ups built: %s rows in %.1f s",
            before,
            after,
            f"{built['rows']:,}",
            built["seconds"],
        )
        return EXIT_OK
    finally:
        engine.dispose()


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add ``rollup`` and ``db upgrade`` to the ``dxmap`` parser."""
    p = sub.add_parser(
        "rollup", help="rebuild the stored roll-ups from the raw values (--check: compare only)"
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="compare the roll-ups with the raw values, change nothing",
    )
    p.add_argument(
        "--limit", type=int, default=20, help="--check: list at most this many differences"
    )
    p.set_defaults(func=cmd_rollup)
    p = sub.add_parser("db", help="the store's schema")
    db_sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    q = db_sub.add_parser(
        "upgrade", help="bring a store of an earlier dxmap to this schema and build its roll-ups"
    )
    q.set_defaults(func=cmd_db_upgrade)
