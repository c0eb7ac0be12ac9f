"""The ``dxmap`` commands that set things up: ``init``, ``serve``, ``user add``, ``user list``."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from datetime import UTC, datetime

from app.cli.store import EXIT_OK, CliError, load_settings, open_store, redacted

log = logging.getLogger("dxmap")

MIN_PASSWORD_LENGTH = 8


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

    from app.web.models import ROLE_EDITOR, UserRole
    from geodata.store.engine import transaction
    from geodata.store.models import User

    name = args.name.strip()
    if not name or len(name) > 100:
        raise CliError("a user name needs 1 to 100 characters")
    engine = open_store(load_settings())
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
            session.flush()  # the role row refers to the user
            if args.role is not None or session.get(UserRole, name) is None:
                session.merge(UserRole(name=name, role=args.role or ROLE_EDITOR))
    finally:
        engine.dispose()
    log.info("user %s %s", name, "updated" if args.replace else "added")
    return EXIT_OK


def cmd_user_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from app.web.models import ROLE_EDITOR, UserRole
    from geodata.store.engine import session_factory
    from geodata.store.models import User

    engine = open_store(load_settings())
    try:
        with session_factory(engine)() as session:
            rows = session.execute(
                select(User.name, UserRole.role)
                .outerjoin(UserRole, UserRole.name == User.name)
                .order_by(User.name)
            ).all()
    finally:
        engine.dispose()
    sys.stdout.write("".join(f"{name}\t{role or ROLE_EDITOR}\n" for name, role in rows))
    return EXIT_OK
