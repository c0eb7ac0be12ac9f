"""Accent-free search keys for Vietnamese names (đ → d) and name matching."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def search_key(text: str) -> str:
    """Return ``text`` lower-cased, without diacritics, with đ/Đ as d and single spaces.

    Parameters
    ----------
    text : str
        Any name, with or without diacritics.

    Returns
    -------
    str
        The key, e.g. ``"xa phuoc hung"``.
    """
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()
