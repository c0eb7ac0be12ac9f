"""The documented limits of an import file, and the check of a text cell's characters.

Every limit here is in the README ("Import limits"). They keep any upload under the size limit
(``DXMAP_MAX_UPLOAD_BYTES``, 5 MB by default) to a few hundred MB of memory at most, and make a
dry run and an import agree on every file: what the store would refuse (a NUL byte on
PostgreSQL) is refused in validation, at its row and column.
"""

from __future__ import annotations

import re
import unicodedata

#: Data rows of one file (the header not counted).
MAX_ROWS = 200_000
#: Columns of one file; only the eight import columns may hold anything.
MAX_COLUMNS = 64
#: Characters of any one cell.
MAX_CELL_CHARS = 10_000
#: Characters of a ``code`` (as the store keeps them; GSO unit codes have 2 to 5 digits).
MAX_CODE_CHARS = 16
#: Characters of the importing user's name (as the store keeps it).
MAX_USER_CHARS = 200
#: Characters of an import file's name kept with its batch (longer names are shortened).
MAX_FILE_NAME_CHARS = 255
#: Characters of a ``note``.
MAX_NOTE_CHARS = 2_000
#: Characters of a ``source``.
MAX_SOURCE_CHARS = 500
#: Problems listed for one file; the rest are counted ("… and 812 more problems").
MAX_PROBLEMS = 200
#: Uncompressed bytes of all the parts of an XLSX workbook, as its ZIP directory declares them.
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
#: Uncompressed bytes of an XLSX workbook's shared strings (they are held in memory).
MAX_XLSX_SHARED_STRINGS = 32 * 1024 * 1024
#: Parts in an XLSX workbook's ZIP (a saved workbook has about ten).
MAX_XLSX_PARTS = 1_000
#: Bytes of text between two XML tags of an XLSX part (far more than any allowed cell).
MAX_XLSX_TEXT_RUN = 256 * 1024

# Unicode category Cc: U+0000-U+001F, U+007F-U+009F; a note may hold tab, line feed, return.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _control_name(char: str) -> str:
    names = {"\x00": "NUL", "\t": "tab", "\n": "line break", "\r": "carriage return"}
    return names.get(char) or unicodedata.name(char, "control character")


def text_problem(text: str, *, max_chars: int, multiline: bool = False) -> str | None:
    """Return what is wrong with a text cell, or ``None`` when it is acceptable.

    Parameters
    ----------
    text : str
        The cell's text.
    max_chars : int
        Its longest allowed length in characters.
    multiline : bool
        Allow tab, line break and carriage return (the ``note`` column); other control
        characters (Unicode category ``Cc``: NUL, U+0001–U+001F, DEL, U+0080–U+009F) never are.

    Returns
    -------
    str or None
        A message for the data officer, naming the character and its position (1-based).
    """
    if len(text) > max_chars:
        return f"{len(text):,} characters; at most {max_chars:,} are allowed"
    found = (_CONTROL_MULTILINE if multiline else _CONTROL).search(text)
    if found is None:
        return None
    char = found.group()
    return (
        f"control character U+{ord(char):04X} ({_control_name(char)}) at character "
        f"{found.start() + 1}; remove it"
    )


def safe_file_name(file_name: str) -> str:
    """Return the name (no folder) kept for a file, safe to store and to show.

    Control characters become ``?``; a name longer than ``MAX_FILE_NAME_CHARS`` is shortened
    before its extension.
    """
    name = file_name.replace("\\", "/").rsplit("/", 1)[-1] or "upload"
    name = _CONTROL.sub("?", name)
    if len(name) > MAX_FILE_NAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        keep = extension if dot and len(extension) <= 8 else ""
        name = name[: MAX_FILE_NAME_CHARS - len(keep) - 2] + "…" + ("." + keep if keep else "")
    return name


def problem_total_line(shown: int, total: int) -> str:
    """Return the line that ends a capped list of problems (empty when none were left out)."""
    if total <= shown:
        return ""
    more = total - shown
    return f"… and {more:,} more problem{'s' if more != 1 else ''} ({total:,} in total)"
