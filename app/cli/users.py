"""``dxmap user add NAME`` and ``dxmap user list``: editors (import, roll back) and viewers."""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
from datetime import UTC, datetime

from app.cli.store import EXIT_OK, CliError, load_settings, open_store

log = logging.getLogger("dxmap")

MIN_PASSWORD_LENGTH = 8


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Add the ``user`` command group to the ``dxmap`` parser."""
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
