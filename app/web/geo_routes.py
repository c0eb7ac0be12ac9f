"""Geometry as cacheable HTTP resources: ``/geo/<vintage>/<level>.geojson?parent=CODE&lod=N``.

``lod`` (0 coarse, 1 display, 2 detailed) is the zoom band's level of detail.

The map fetches each level once by URL; the response carries a strong ETag and, when the URL
holds the matching version (``v=``), a year-long immutable cache lifetime. Gzip bodies are
compressed once and kept, so a level costs one compression per process.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable
from functools import lru_cache

from flask import Flask, Response, abort, request

from geodata.service.map_service import MapService

GEOJSON = "application/geo+json"
LEVELS = ("country", "province", "district", "commune", "villages")
LODS = ("0", "1", "2")  # levels of detail (zoom bands), see geodata.service.features
DEFAULT_LOD = 1
_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,16}$")  # as the API's parse_code


def _not_modified(etags: tuple[str, ...]) -> bool:
    return any(request.if_none_match.contains(tag) for tag in etags)


def register_geo_routes(server: Flask, service: MapService, prefix: str = "/") -> None:
    """Add the geometry route to ``server`` under ``prefix``."""

    def body(vintage: str, level: str, parent: str | None, lod: int) -> tuple[bytes, str]:
        if level == "villages":
            if not parent:
                abort(400, description="villages need ?parent=UNIT_CODE")
            return service.villages_json(vintage, parent)
        return service.geometry_json(vintage, level, parent, lod)

    def version(vintage: str, level: str, parent: str | None) -> str:
        """Return the ``v=`` of a versioned URL: the loaded boundaries, or the points."""
        if level == "villages":
            return body(vintage, level, parent, DEFAULT_LOD)[1][:12]
        return service.geometry_version(vintage)

    @lru_cache(maxsize=1024)
    def gzipped(vintage: str, level: str, parent: str | None, lod: int, etag: str) -> bytes:
        return gzip.compress(body(vintage, level, parent, lod)[0], compresslevel=6)  # etag: key

    def geometry(vintage: str, level: str) -> Response:
        if level not in LEVELS or vintage not in {v["key"] for v in service.vintages()}:
            abort(404)
        parent = request.args.get("parent") or None
        if parent is not None and not _CODE.match(parent):
            abort(400, description="parent must be a unit code (letters, digits, '.', '_', '-')")
        lod_text = request.args.get("lod") or str(DEFAULT_LOD)
        if lod_text not in LODS:
            abort(400, description=f"lod: {lod_text!r} is not one of {', '.join(LODS)}")
        lod = int(lod_text)
        data, etag = body(vintage, level, parent, lod)
        use_gzip = "gzip" in request.headers.get("Accept-Encoding", "").lower()
        tag = f"{etag}:gzip" if use_gzip else etag
        versioned = request.args.get("v") == version(vintage, level, parent)
        headers = {
            "Cache-Control": "public, max-age=31536000, immutable" if versioned else "no-cache",
            "Vary": "Accept-Encoding",
        }
        if _not_modified((etag, f"{etag}:gzip")):
            response = Response(status=304, headers=headers)
            response.set_etag(tag)
            return response
        payload = gzipped(vintage, level, parent, lod, etag) if use_gzip else data
        response = Response(payload, mimetype=GEOJSON, headers=headers)
        if use_gzip:
            response.headers["Content-Encoding"] = "gzip"
        response.set_etag(tag)
        return response

    view: Callable[[str, str], Response] = geometry
    server.add_url_rule(
        f"{prefix}geo/<vintage>/<level>.geojson", "dxmap_geometry", view, methods=["GET"]
    )
