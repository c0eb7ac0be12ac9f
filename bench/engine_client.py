"""What the engine bench asks a running ``dxmap serve``: API GETs and the map's view callback.

The view callback is posted as the browser posts it: its spec read from ``/_dash-dependencies``,
the page's label ids from ``/_dash-layout``, the URL's query as the location's search.
"""

from __future__ import annotations

import time
from typing import Any

import requests

VIEW_ID = "view-state"  # layers.ids.VIEW: the page's view store
URL_ID = "url"


class Client:
    """One HTTP client of a served dxmap, timing each answer."""

    def __init__(self, base: str, timeout: float = 60.0) -> None:
        self.base = base.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()
        self._spec: dict[str, Any] | None = None
        self._labels: list[Any] | None = None

    def get(self, path: str) -> tuple[float, requests.Response]:
        """GET ``path``; return (milliseconds, response)."""
        started = time.perf_counter()
        response = self.http.get(self.base + path, timeout=self.timeout)
        return (time.perf_counter() - started) * 1000, response

    def _view_spec(self) -> dict[str, Any]:
        if self._spec is None:
            deps = self.http.get(self.base + "/_dash-dependencies", timeout=self.timeout).json()
            self._spec = next(
                d
                for d in deps
                if f".{VIEW_ID}.data" in f".{d['output']}"
                and any(i["id"] == URL_ID for i in d["inputs"])
            )
            layout = self.http.get(self.base + "/_dash-layout", timeout=self.timeout).json()
            self._labels = _pattern_ids(layout, [])
        return self._spec

    def view(
        self, search: str, stored: Any = None, trigger: str | None = None
    ) -> tuple[float, Any]:
        """POST the view callback for a URL query (a page load, or ``trigger`` a change)."""
        spec = self._view_spec()
        outputs: list[Any] = []
        for part in spec["output"].strip(".").split("..."):
            ident, prop = part.rsplit(".", 1)
            if ident.startswith("{"):
                outputs.append([{"id": label, "property": prop} for label in self._labels or []])
            else:
                outputs.append({"id": ident, "property": prop})

        def dep(item: dict[str, Any], value: Any = None) -> dict[str, Any]:
            return {"id": item["id"], "property": item["property"], "value": value}

        payload = {
            "output": spec["output"],
            "outputs": outputs,
            "inputs": [dep(i, search if i["id"] == URL_ID else None) for i in spec["inputs"]],
            "changedPropIds": [trigger] if trigger else [],
            "state": [dep(s, stored if s["id"] == VIEW_ID else None) for s in spec["state"]],
        }
        started = time.perf_counter()
        response = self.http.post(
            self.base + "/_dash-update-component", json=payload, timeout=self.timeout
        )
        ms = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return ms, response.json()["response"]


def _pattern_ids(node: Any, found: list[Any]) -> list[Any]:
    """Collect the dict ids of the page's pattern-matched labels."""
    if isinstance(node, dict):
        ident = node.get("props", {}).get("id") if "props" in node else None
        if isinstance(ident, dict) and ident.get("type") == "label":
            found.append(ident)
        for value in node.values():
            _pattern_ids(value, found)
    elif isinstance(node, list):
        for child in node:
            _pattern_ids(child, found)
    return found
