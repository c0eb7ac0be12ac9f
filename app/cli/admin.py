"""The ``dxmap`` commands that run dxmap: ``init`` (load the store) and ``serve`` (the web app)."""

from __future__ import annotations

import argparse
import logging

from app.cli.store import EXIT_OK, load_settings, redacted

log = logging.getLogger("dxmap")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number is needed, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Add ``init`` and ``serve`` to the ``dxmap`` parser."""
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


def cmd_init(args: argparse.Namespace) -> int:
    from app.area import settings_area
    from geodata.bootstrap import init_store
    from geodata.store.engine import make_engine

    settings = load_settings()
    settings.require_geodata_dir()
    area = settings_area(settings)
    engine = make_engine(settings.database_url)
    try:
        report = init_store(engine, area, with_demo=not args.no_demo)
    finally:
        engine.dispose()
    for step in report.steps:
        log.info("%s", step)
    if report.findings:
        log.info("%d boundary check finding(s), listed above", len(report.findings))
    log.info("store ready: %s", redacted(settings.database_url))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    settings = load_settings()
    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    if args.workers is not None:
        overrides["workers"] = args.workers
    if overrides:
        settings = replace(settings, **overrides)  # type: ignore[arg-type]
    from app.server import serve  # lazily: building the app is the serve command's job

    serve(settings, workers=settings.workers, dev=args.dev)
    return EXIT_OK
