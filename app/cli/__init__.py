"""The ``dxmap`` command line: one module per command group, assembled in :mod:`app.cli.main`."""

from __future__ import annotations

from app.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
