"""The ``dxmap`` command line (names are a contract: PRODUCT.md "Interfaces").

``dxmap init`` · ``dxmap serve`` · ``dxmap import FILE`` · ``dxmap export …`` · ``dxmap user add``
· ``dxmap rollback BATCH_ID`` · ``dxmap batches``.

Every error ends with a non-zero exit status and a message on stderr (no traceback for a user's
mistake). Only the designated results (a batch id, the batch list, an export written to ``-``)
go to stdout; everything else is logged to stderr.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from app.settings import Settings, SettingsError

log = logging.getLogger("dxmap")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
FORMATS = ("geojson", "csv", "xlsx", "gpkg")
LEVELS = ("province", "district", "commune", "village")
MIN_PASSWORD_LENGTH = 8


class CliError(Exception):
    """A user-facing error: its message is shown on stderr, without a traceback."""


# --------------------------------------------------------------------------- helpers


def _settings() -> Settings:
    return Settings.from_env()


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url[len("sqlite:///") :].split("?", 1)[0])
    return None


def _redacted(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - only for a message
        return "(unparsable URL)"


def _open_store(settings: Settings) -> Engine:
    """Open an initialised store, or fail saying how to create one (never create it here)."""
    from geodata.store import make_engine, schema_exists

    path = _sqlite_path(settings.database_url)
    if path is not None and not path.is_file():
        raise CliError(f"no store at {path}: run 'dxmap init' first (or set DXMAP_DATABASE_URL)")
    engine = make_engine(settings.database_url)
    try:
        ready = schema_exists(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise CliError(
            f"cannot open the store {_redacted(settings.database_url)}: {exc.__class__.__name__}: "
            f"{str(exc.orig if hasattr(exc, 'orig') and exc.orig else exc).strip()}"
        ) from exc
    if not ready:
        engine.dispose()
        raise CliError(
            f"the store {_redacted(settings.database_url)} is not initialised: run 'dxmap init'"
        )
    return engine


def _default_user() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # noqa: BLE001 - getuser fails without a login name
        return "cli"


# --------------------------------------------------------------------------- commands


def cmd_init(args: argparse.Namespace) -> int:
    from geodata.bootstrap import init_store
    from geodata.store import make_engine

    settings = _settings()
    geodata_dir = settings.require_geodata_dir()
    engine = make_engine(settings.database_url)
    try:
        report = init_store(engine, geodata_dir, with_demo=not args.no_demo)
    finally:
        engine.dispose()
    for step in report.steps:
        log.info("%s", step)
    log.info("store ready: %s", _redacted(settings.database_url))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from dataclasses import replace

    settings = _settings()
    overrides: dict[str, object] = {}
    if args.host:
        overrides["host"] = args.host
    if args.port is not None:
        overrides["port"] = args.port
    if overrides:
        settings = replace(settings, **overrides)  # type: ignore[arg-type]
    from app.factory import create_app  # lazily: building the app is the serve command's job

    app = create_app(settings)
    log.info("serving on http://%s:%s/", settings.host, settings.port)
    app.run(host=settings.host, port=settings.port, debug=settings.debug)
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from geodata.imports import ImportRejected, import_file, validate_file
    from geodata.store import session_factory

    settings = _settings()
    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"{path}: no such file")
    engine = _open_store(settings)
    try:
        if args.dry_run:
            with session_factory(engine)() as session:
                result = validate_file(session, path, max_bytes=settings.max_upload_bytes)
            if not result.ok:
                raise ImportRejected(result.problems)
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
            args.user or _default_user(),
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

    engine = _open_store(_settings())
    try:
        rollback_batch(engine, args.batch_id, args.user or _default_user())
    finally:
        engine.dispose()
    return EXIT_OK


def cmd_batches(args: argparse.Namespace) -> int:
    from geodata.imports import list_batches
    from geodata.store import session_factory

    engine = _open_store(_settings())
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
    from geodata.exports import ExportError, export_filename, export_view, write_export
    from geodata.store import session_factory

    if args.crs and args.format != "gpkg":
        raise CliError("--crs applies to --format gpkg only (GeoJSON is WGS 84 by RFC 7946)")
    settings = _settings()
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
    engine = _open_store(settings)
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


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Repeat password: ") != password:
            raise CliError("the passwords do not match")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise CliError(f"the password must have at least {MIN_PASSWORD_LENGTH} characters")
    return password


def cmd_user_add(args: argparse.Namespace) -> int:
    from werkzeug.security import generate_password_hash

    from geodata.models import User
    from geodata.store import transaction

    name = args.name.strip()
    if not name or len(name) > 100:
        raise CliError("a user name needs 1 to 100 characters")
    engine = _open_store(_settings())
    try:
        password = _read_password(args)
        with transaction(engine) as session:
            user = session.get(User, name)
            if user is not None and not args.replace:
                raise CliError(f"user {name!r} exists; use --replace to set a new password")
            if user is None:
                user = User(name=name, created_at=datetime.now(UTC).replace(tzinfo=None))
                session.add(user)
            user.password_hash = generate_password_hash(password)
    finally:
        engine.dispose()
    log.info("user %s %s", name, "updated" if args.replace else "added")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from geodata.models import User
    from geodata.store import session_factory

    engine = _open_store(_settings())
    try:
        with session_factory(engine)() as session:
            names = list(session.scalars(select(User.name).order_by(User.name)))
    finally:
        engine.dispose()
    sys.stdout.write("".join(f"{n}\n" for n in names))
    return EXIT_OK


# --------------------------------------------------------------------------- parser


def _batch_id(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a batch id is a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"a batch id is positive, got {value}")
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

    p = sub.add_parser("serve", help="run the web app")
    p.add_argument("--host", help="interface to listen on (default DXMAP_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, help="port (default DXMAP_PORT or 8050)")
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

    p = sub.add_parser("user", help="manage editors (who may import and roll back)")
    user_sub = p.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    q = user_sub.add_parser("add", help="add an editor; the password is read from stdin")
    q.add_argument("name", metavar="NAME")
    q.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin's first line"
    )
    q.add_argument("--replace", action="store_true", help="set a new password for an existing user")
    q.set_defaults(func=cmd_user_add)
    q = user_sub.add_parser("list", help="list editors")
    q.set_defaults(func=cmd_user_list)

    p = sub.add_parser("rollback", help="undo a committed import batch")
    p.add_argument("batch_id", metavar="BATCH_ID", type=_batch_id)
    p.add_argument("--user", help="who rolls back (recorded in the batch)")
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("batches", help="list import batches, newest first")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    p.set_defaults(func=cmd_batches)
    return parser


class _Formatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        if record.levelno >= logging.ERROR:
            return f"dxmap: error: {message}"
        if record.levelno >= logging.WARNING:
            return f"dxmap: warning: {message}"
        return message


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
    except CliError as exc:
        log.error("%s", exc)
    except SettingsError as exc:
        log.error("%s", exc)
    except (ValueError, KeyError, OSError) as exc:
        # Import problems, refused rollbacks, bad view parameters, unreadable files.
        log.error("%s", exc.args[0] if isinstance(exc, KeyError) and exc.args else exc)
    except SQLAlchemyError as exc:
        log.error("database error: %s", str(getattr(exc, "orig", None) or exc).strip())
    except KeyboardInterrupt:
        log.error("interrupted")
        return 130
    except Exception:  # a bug, not a user error: keep the traceback for the report
        log.exception("unexpected error")
    finally:
        root.removeHandler(handler)
        root.setLevel(previous_level)
        noisy.setLevel(noisy_level)
        handler.flush()
    return EXIT_ERROR
