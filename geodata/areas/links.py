"""Weighted link tables (child ``code`` → ``parent_code`` with a ``weight``) and their composition.

Villages link to communes, communes to districts, and units of one vintage to those of another
(the crosswalk); the same tables roll values up in :mod:`geodata.values.aggregate`.
"""

from __future__ import annotations

import pandas as pd


def normalise_links(links: pd.DataFrame) -> pd.DataFrame:
    """Return ``code, parent_code, weight`` with weights defaulted to 1 and parallel links summed.

    Parameters
    ----------
    links : pandas.DataFrame
        ``code``, ``parent_code`` and optionally ``weight``.

    Returns
    -------
    pandas.DataFrame
        One row per (code, parent_code).

    Raises
    ------
    ValueError
        If a column is missing or a weight is negative or not a number.
    """
    missing = {"code", "parent_code"} - set(links.columns)
    if missing:
        raise ValueError(f"links need columns code and parent_code; missing {sorted(missing)}")
    out = links[["code", "parent_code"]].copy()
    out["weight"] = (
        pd.to_numeric(links["weight"], errors="coerce").astype(float)
        if "weight" in links.columns
        else 1.0
    )
    if out["weight"].isna().any() or (out["weight"] < 0).any():
        raise ValueError("link weights must be non-negative numbers")
    out = out.dropna(subset=["code", "parent_code"])
    # The same child linked twice to one parent (two crosswalk paths) carries the summed weight.
    return out.groupby(["code", "parent_code"], as_index=False, sort=False)["weight"].sum()


def chain_links(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Compose two link tables: ``code -> parent_code`` then ``parent_code -> parent_code``.

    Parameters
    ----------
    first : pandas.DataFrame
        Links ``code, parent_code[, weight]`` (e.g. villages to communes, or 2020 -> 2025-01).
    second : pandas.DataFrame
        Links whose ``code`` is a ``parent_code`` of ``first`` (e.g. communes to districts, or
        2025-01 -> 2025-07).

    Returns
    -------
    pandas.DataFrame
        ``code, parent_code, weight`` from the children of ``first`` to the parents of ``second``;
        weights multiply along a path and add over parallel paths. A child whose intermediate
        parent has no link in ``second`` is dropped.
    """
    a = normalise_links(first)
    b = normalise_links(second).rename(
        columns={"code": "middle", "parent_code": "end", "weight": "w2"}
    )
    merged = a.merge(b, left_on="parent_code", right_on="middle", how="inner")
    merged["weight"] = merged["weight"] * merged["w2"]
    out = merged[["code", "end", "weight"]].rename(columns={"end": "parent_code"})
    return out.groupby(["code", "parent_code"], as_index=False, sort=False)["weight"].sum()
