"""What every bench result holds: the machine it ran on, and p50 / p95 of its samples."""

from __future__ import annotations

import platform
import statistics
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("dash", "dash-leaflet", "plotly", "shapely", "selenium")


def percentiles(samples: list[float]) -> dict[str, float] | None:
    """Return the median, the 95th percentile (nearest rank) and the count (``None``: none)."""
    if not samples:
        return None
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50": statistics.median(ordered), "p95": p95, "n": len(ordered)}


def machine() -> dict[str, Any]:
    """Return the platform, Python, CPU count, load average and package versions."""
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    cpuinfo, loadavg = Path("/proc/cpuinfo"), Path("/proc/loadavg")
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": cpuinfo.read_text().count("processor\t") if cpuinfo.exists() else None,
        "load_average": loadavg.read_text().split()[:3] if loadavg.exists() else None,
        "versions": versions,
    }
