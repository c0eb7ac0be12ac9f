"""Reading the files boundaries are loaded from: the required-file check, GSO code lists, hashes.

The files are read from the configured geodata directory and never copied into the repository.
Codes are strings: a numeric cell (``12345.0``) is turned back into ``"12345"``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

_GSO_LEVELS = {"1": "province", "2": "district", "3": "commune"}
_CODE_WIDTH = {"province": 2, "district": 3, "commune": 5}
_CODE_LIST_COLUMNS = ("level", "code", "name", "type", "parent_code")


class BoundaryLoadError(RuntimeError):
    """A boundary file is missing or lacks a field the manifest names."""


def require_file(path: Path, manifest: Path | str) -> Path:
    """Return ``path`` if it is a file; raise :class:`BoundaryLoadError` naming it otherwise."""
    path = Path(path)
    if not path.is_file():
        raise BoundaryLoadError(
            f"file {path.name!r} not found in {path.parent} (named in {manifest}; set "
            "DXMAP_GEODATA_DIR to the folder that holds it)"
        )
    return path


def read_csv_table(path: Path, columns: Iterable[str]) -> pd.DataFrame:
    """Read a CSV as strings (empty cells ``""``, cells stripped), checking its ``columns``."""
    frame = pd.read_csv(path, dtype="string", keep_default_na=False)
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise BoundaryLoadError(f"{path.name}: missing column(s) {', '.join(missing)}")
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    return frame


def read_code_list(path: Path) -> pd.DataFrame:
    """Read a GSO code list (a ``[[codelist]]`` file) with string codes.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file (columns ``level, code, name, type, parent_code, parent_name``).

    Returns
    -------
    pandas.DataFrame
        One row per unit, with ``level`` translated to ``province``/``district``/``commune``
        and every column of string dtype.

    Raises
    ------
    BoundaryLoadError
        If the file is missing or lacks a column.
    """
    if not Path(path).is_file():
        raise BoundaryLoadError(f"GSO code list {Path(path).name!r} not found in {path.parent}")
    frame = read_csv_table(Path(path), _CODE_LIST_COLUMNS)
    frame["level"] = frame["level"].map(lambda v: _GSO_LEVELS.get(v, v)).astype("string")
    return frame


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def normal_code(value: object, level: str) -> str:
    """Return a code as a string; a numeric cell (``12345.0``) is turned back into ``"12345"``."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, int | float | np.integer | np.floating):
        return str(int(value)).zfill(_CODE_WIDTH.get(level, 0))
    return str(value).strip()
