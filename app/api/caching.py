"""Conditional answers: weak ETags of the request and the store, ``304 Not Modified``."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from flask import Response, request

DATA_CACHE = "public, no-cache"  # always revalidate: an import may change any answer
STATIC_CACHE = "public, max-age=3600"


def etag(*parts: Any) -> str:
    """Return a short tag of JSON-able ``parts`` (anything else by its ``str``)."""
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def conditional(tag: str, cache_control: str, build: Callable[[], Response]) -> Response:
    """Answer 304 when the client holds ``tag``; otherwise build the answer and tag it."""
    response = Response(status=304) if request.if_none_match.contains_weak(tag) else build()
    response.set_etag(tag, weak=True)
    response.headers["Cache-Control"] = cache_control
    return response
