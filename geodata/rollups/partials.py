"""Partial sums: what a unit's value is made of, so that a parent adds up its children's.

A unit's value (:func:`geodata.values.aggregate.aggregate`) is built from the finest rows linked
to it. Those rows are summed once, into a *partial* per unit (the columns of
:data:`PART_COLUMNS`):

- ``n_children``: rows linked (with or without data);
- ``part_summable``, ``part_num``, ``part_den``: the rows that can be summed (a ratio row with
  numerator and denominator, a count row with a value) and their weighted sums;
- ``part_prov``, ``part_pub``: how many of those carry a provenance, and how many say
  ``published``;
- ``part_sources``: their distinct source keys, sorted and ``;``-joined;
- ``part_value_only`` and ``part_vo_*``: rows with only a value (a published figure without
  numerator and denominator), and that row's value, provenance and source when it is the only
  one and is carried whole (weight 1).

Partials add up: a parent's partial is the sum of its children's (counts and sums added,
sources united), so the roll-ups of a province are made from its communes' partials, not from
its villages again. :func:`finalize` turns a partial into the value the map shows: the exact
rules of :func:`~geodata.values.aggregate.aggregate` (sum of numerators over sum of
denominators; a lone value-only row passed through; no data, no value). Everything here is pure
pandas.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geodata.areas.links import normalise_links
from geodata.values.aggregate import percent

COUNT_COLUMNS = ("n_children", "part_summable", "part_prov", "part_pub", "part_value_only")
SUM_COLUMNS = ("part_num", "part_den")
VO_COLUMNS = ("part_vo_value", "part_vo_provenance", "part_vo_source")
PART_COLUMNS = (*COUNT_COLUMNS, *SUM_COLUMNS, "part_sources", *VO_COLUMNS)
#: What :func:`finalize` returns, per unit.
FINAL_COLUMNS = (
    "value",
    "numerator",
    "denominator",
    "n_children",
    "n_with_data",
    "provenance",
    "source",
)


def empty_parts(codes: Iterable[str]) -> pd.DataFrame:
    """Return partials with no row linked, indexed by ``codes``."""
    index = pd.Index(list(codes), dtype=object, name="code")
    frame = pd.DataFrame(index=index)
    for column in COUNT_COLUMNS:
        frame[column] = np.zeros(len(index), dtype=np.int64)
    for column in (*SUM_COLUMNS, "part_vo_value"):
        frame[column] = np.full(len(index), np.nan)
    for column in ("part_sources", "part_vo_provenance", "part_vo_source"):
        frame[column] = pd.Series([None] * len(index), index=index, dtype=object)
    return frame[list(PART_COLUMNS)]


def _text(column: pd.Series) -> pd.Series:
    return column.map(lambda v: isinstance(v, str) and v != "").astype(bool)


def join_sources(pairs: pd.DataFrame, key: str = "code") -> pd.Series:
    """Return each key's distinct sources, sorted and ``;``-joined (``pairs``: key, source)."""
    if pairs.empty:
        return pd.Series(dtype=object)
    pairs = pairs[_text(pairs["source"])].drop_duplicates().reset_index(drop=True)
    pairs = pairs.sort_values([key, "source"], kind="stable")
    return pairs.groupby(key, sort=False)["source"].agg(";".join)


def link_parts(rows: pd.DataFrame, links: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Sum rows into the partials of the units they are linked to.

    Parameters
    ----------
    rows : pandas.DataFrame
        One row per child ``code``: ``numerator, denominator, value, provenance, source``.
    links : pandas.DataFrame
        ``code, parent_code[, weight]``: every link, including children without a row.
    kind : str
        ``ratio``, ``share_of_villages`` or ``count``.

    Returns
    -------
    pandas.DataFrame
        :data:`PART_COLUMNS`, indexed by ``code`` (each parent of ``links``).
    """
    links = normalise_links(links)
    if links.empty:
        return empty_parts([])
    merged = links.merge(
        rows[["code", "numerator", "denominator", "value", "provenance", "source"]],
        on="code",
        how="left",
    )
    w = merged["weight"].astype(float)
    num = pd.to_numeric(merged["numerator"], errors="coerce").astype(float)
    den = pd.to_numeric(merged["denominator"], errors="coerce").astype(float)
    value = pd.to_numeric(merged["value"], errors="coerce").astype(float)
    if kind == "count":
        amount = value.fillna(num)
        summable = amount.notna()
        merged["_num"] = (amount * w).where(summable)
        merged["_den"] = np.nan
        value_only = pd.Series(False, index=merged.index)
    else:
        summable = num.notna() & den.notna()
        merged["_num"] = (num * w).where(summable)
        merged["_den"] = (den * w).where(summable)
        value_only = ~summable & value.notna()
    has_prov = summable & _text(merged["provenance"])
    merged["_summable"] = summable.astype(np.int64)
    merged["_prov"] = has_prov.astype(np.int64)
    merged["_pub"] = (has_prov & (merged["provenance"] == "published")).astype(np.int64)
    merged["_vo"] = value_only.astype(np.int64)
    grouped = merged.groupby("parent_code", sort=False)
    out = pd.DataFrame(
        {
            "n_children": grouped.size().astype(np.int64),
            "part_summable": grouped["_summable"].sum(),
            "part_prov": grouped["_prov"].sum(),
            "part_pub": grouped["_pub"].sum(),
            "part_value_only": grouped["_vo"].sum(),
            "part_num": grouped["_num"].sum(min_count=1),
            "part_den": grouped["_den"].sum(min_count=1),
        }
    )
    out.index.name = "code"
    whole = merged[value_only & (w == 1.0)].drop_duplicates("parent_code").set_index("parent_code")
    lone = out.index[out["part_value_only"] == 1]
    whole = whole[whole.index.isin(lone)]
    out["part_vo_value"] = np.nan
    out.loc[whole.index, "part_vo_value"] = whole["value"].astype(float)
    for column, source in (("part_vo_provenance", "provenance"), ("part_vo_source", "source")):
        out[column] = pd.Series(None, index=out.index, dtype=object)
        out.loc[whole.index, column] = whole[source].where(_text(whole[source]), None)
    sources = join_sources(
        merged.loc[summable, ["parent_code", "source"]].rename(columns={"parent_code": "code"})
    )
    out["part_sources"] = sources.reindex(out.index).astype(object)
    out["part_sources"] = out["part_sources"].where(out["part_sources"].notna(), None)
    return out[list(PART_COLUMNS)]


def combine(parts: pd.DataFrame, key: pd.Series | str | np.ndarray | list) -> pd.DataFrame:
    """Add up partials that share a key (children under their parent, two parts of one unit).

    Parameters
    ----------
    parts : pandas.DataFrame
        :data:`PART_COLUMNS` rows.
    key : array-like or str
        The code each row adds to (aligned with ``parts``), or the name of such a column.

    Returns
    -------
    pandas.DataFrame
        :data:`PART_COLUMNS` indexed by key (``code``), in order of first appearance.
    """
    key = parts[key] if isinstance(key, str) else key
    if parts.empty:
        return empty_parts([])
    positions, uniques = pd.factorize(np.asarray(key, dtype=object))
    size = len(uniques)
    index = pd.Index(uniques, dtype=object, name="code")
    out = pd.DataFrame(index=index)
    for column in COUNT_COLUMNS:
        weights = parts[column].to_numpy(dtype=float)
        out[column] = np.bincount(positions, weights=weights, minlength=size).astype(np.int64)
    for column in SUM_COLUMNS:
        values = parts[column].to_numpy(dtype=float)
        known = ~np.isnan(values)
        total = np.bincount(positions, weights=np.where(known, values, 0.0), minlength=size)
        seen = np.bincount(positions, weights=known.astype(float), minlength=size)
        out[column] = np.where(seen > 0, total, np.nan)
    lone_rows = np.flatnonzero(parts["part_value_only"].to_numpy() == 1)
    single = out["part_value_only"].to_numpy() == 1
    picked = {}
    for row in lone_rows:  # few: published figures without numerator and denominator
        where = positions[row]
        if single[where] and where not in picked:
            picked[where] = row
    out["part_vo_value"] = np.nan
    for column in ("part_vo_provenance", "part_vo_source"):
        out[column] = pd.Series([None] * size, index=index, dtype=object)
    if picked:
        targets = list(picked)
        rows = [picked[t] for t in targets]
        values = out["part_vo_value"].to_numpy(dtype=float).copy()
        values[targets] = parts["part_vo_value"].to_numpy(dtype=float)[rows]
        out["part_vo_value"] = values
        for column in ("part_vo_provenance", "part_vo_source"):
            texts = out[column].to_numpy(dtype=object).copy()
            texts[targets] = parts[column].to_numpy(dtype=object)[rows]
            out[column] = pd.Series(texts, index=index, dtype=object)
    out["part_sources"] = _united(positions, parts["part_sources"].to_numpy(dtype=object), index)
    return out[list(PART_COLUMNS)]


def _united(positions: np.ndarray, texts: np.ndarray, index: pd.Index) -> pd.Series:
    """Unite ``;``-joined source lists per key (most keys see one and the same list)."""
    out = pd.Series([None] * len(index), index=index, dtype=object)
    has = np.array([isinstance(t, str) and t != "" for t in texts], dtype=bool)
    if not has.any():
        return out
    pairs = pd.DataFrame({"at": positions[has], "text": texts[has]}).drop_duplicates()
    counts = pairs["at"].value_counts()
    plain = pairs[pairs["at"].map(counts) == 1]
    out.iloc[plain["at"].to_numpy()] = plain["text"].to_numpy()
    mixed = pairs[pairs["at"].map(counts) > 1]
    if not mixed.empty:
        split = mixed.assign(source=mixed["text"].str.split(";")).explode("source")
        joined = join_sources(split[["at", "source"]], key="at")
        out.iloc[joined.index.to_numpy()] = joined.to_numpy()
    return out


def finalize(parts: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Return the value each partial stands for (the rules of ``aggregate``).

    Parameters
    ----------
    parts : pandas.DataFrame
        :data:`PART_COLUMNS`, indexed by code.
    kind : str
        ``ratio``, ``share_of_villages`` or ``count``.

    Returns
    -------
    pandas.DataFrame
        :data:`FINAL_COLUMNS`, same index: with summable rows, their sums (a count's value is
        its sum; a ratio's ``100 * num / den``); else a lone whole value-only row passed
        through; else no value (NaN) and ``n_with_data`` 0.
    """
    summed = parts["part_summable"] > 0
    passed = ~summed & (parts["part_value_only"] == 1) & parts["part_vo_value"].notna()
    num = parts["part_num"].astype(float)
    den = parts["part_den"].astype(float)
    out = pd.DataFrame(index=parts.index)
    if kind == "count":
        out["value"] = num.where(summed)
        out["numerator"] = np.nan
        out["denominator"] = np.nan
    else:
        out["value"] = percent(num, den).where(summed)
        out["numerator"] = num.where(summed)
        out["denominator"] = den.where(summed)
    out.loc[passed, "value"] = parts.loc[passed, "part_vo_value"].astype(float)
    out["n_children"] = parts["n_children"].astype(np.int64)
    out["n_with_data"] = np.where(summed, parts["part_summable"], np.where(passed, 1, 0)).astype(
        np.int64
    )
    provenance = np.where(
        parts["part_prov"] == 0,
        None,
        np.where(parts["part_pub"] == parts["part_prov"], "published", "synthetic"),
    )
    out["provenance"] = pd.Series(provenance, index=parts.index, dtype=object).where(summed, None)
    out.loc[passed, "provenance"] = parts.loc[passed, "part_vo_provenance"]
    out["source"] = parts["part_sources"].where(summed, None).astype(object)
    out.loc[passed, "source"] = parts.loc[passed, "part_vo_source"]
    for column in ("provenance", "source"):
        out[column] = out[column].where(out[column].notna(), None).astype(object)
    return out[list(FINAL_COLUMNS)]
