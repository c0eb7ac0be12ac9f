"""The web side around the map: accounts, import page, input guards, outages, security headers."""

from __future__ import annotations

from app.web.install import callback_validators, install_web

__all__ = ["callback_validators", "install_web"]
