"""Unknown paths answer 404: Dash serves its page for any path, dxmap only at its own routes."""

from __future__ import annotations

from html import escape

import dash
from flask import Response, request, send_from_directory

NOT_FOUND_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>404 · dxmap</title></head>
<body>
<main>
<h1>Không tìm thấy trang · Page not found</h1>
<p><code>{path}</code></p>
<ul>
<li><a href="{home}">Về bản đồ · Back to the map</a></li>
<li><a href="{home}api/v1/docs">Tài liệu API · API documentation</a></li>
</ul>
</main>
</body></html>
"""


def not_found_response(path: str, home: str) -> Response:
    """Return the 404 page for ``path`` (escaped: it is what the user typed)."""
    body = NOT_FOUND_PAGE.format(path=escape(path), home=escape(home))
    return Response(body, status=404, mimetype="text/html")


def register_not_found(app: dash.Dash) -> None:
    """Answer 404 for any path that only Dash's catch-all route would serve."""
    catch_all = app.config.routes_pathname_prefix + "<path:path>"
    home = app.config.requests_pathname_prefix

    @app.server.before_request
    def _unknown_path() -> Response | None:
        if request.endpoint == catch_all:
            return not_found_response(request.path, home)
        return None


def register_favicon(app: dash.Dash) -> None:
    """Serve the icon at ``/favicon.ico`` too, where browsers look for it on any page."""
    folder = app.config.assets_folder

    def favicon() -> Response:
        return send_from_directory(folder, "favicon.ico", max_age=86400)

    app.server.add_url_rule(
        app.config.routes_pathname_prefix + "favicon.ico", "dxmap_favicon", favicon
    )
