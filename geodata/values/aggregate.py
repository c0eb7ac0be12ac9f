"""Roll indicator values up from children to parents, and across boundary vintages.

Everything here is arithmetic on numerators and denominators (pure pandas, no database):

- ``ratio``: a parent's value is ``100 * sum(numerator) / sum(denominator)``;
- ``share_of_villages``: the same arithmetic on village rows whose numerator is 1 (covered) or 0
  and whose denominator is 1, so a parent's value is covered villages / villages;
- ``count``: a parent's value is the sum of its children's values.

Child percentages are never averaged. A link between a child and a parent carries a ``weight``
(1.0 for a child that lies wholly in the parent, as in the 2025 merges; a fraction for a split):
the child's numerator and denominator (or count) are multiplied by it before summing. Values above
100 % are legal (more fibre subscriptions than households). Missing data stays missing: a parent
none of whose children has data gets no value, and every result says how many children were
linked (``n_children``) and how many contributed (``n_with_data``).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geodata.areas.links import normalise_links

KINDS = ("ratio", "share_of_villages", "count")
PERCENT_KINDS = ("ratio", "share_of_villages")
AGGREGATE_COLUMNS = (
    "numerator",
    "denominator",
    "value",
    "n_children",
    "n_with_data",
    "provenance",
    "source",
)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown indicator kind {kind!r}; expected one of {', '.join(KINDS)}")


def percent(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """Return ``100 * numerator / denominator``, missing where either is missing or den <= 0.

    Parameters
    ----------
    numerator, denominator : pandas.Series
        Aligned numbers (NaN for missing).

    Returns
    -------
    pandas.Series
        Percentages as floats; NaN where the denominator is missing, zero or negative.
    """
    num = pd.to_numeric(numerator, errors="coerce").astype(float)
    den = pd.to_numeric(denominator, errors="coerce").astype(float)
    ok = num.notna() & den.notna() & (den > 0)
    out = pd.Series(np.nan, index=num.index, dtype=float)
    out[ok] = 100.0 * num[ok] / den[ok]
    return out


def combine_provenance(provenances: Iterable[str | None]) -> str | None:
    """Return the provenance of a value computed from rows with these provenances.

    Parameters
    ----------
    provenances : iterable of str or None
        ``published`` or ``synthetic`` per contributing row (missing entries are ignored).

    Returns
    -------
    str or None
        ``synthetic`` if any row is synthetic (or of an unknown provenance: never claim more
        than is known), ``published`` if all are published, ``None`` if there is no row.
    """
    seen = {p for p in provenances if isinstance(p, str) and p}
    if not seen:
        return None
    return "synthetic" if "synthetic" in seen or seen != {"published"} else "published"


def combine_sources(sources: Iterable[str | None]) -> str | None:
    """Return the distinct source keys joined by ``;`` (sorted), or ``None`` if there are none.

    Parameters
    ----------
    sources : iterable of str or None
        A source key per contributing row.

    Returns
    -------
    str or None
        For example ``"dxmap_demo"`` or ``"article_brvt_2024_10_15;dxmap_demo"``.
    """
    seen = sorted({s for s in sources if isinstance(s, str) and s})
    return ";".join(seen) if seen else None


def row_values(rows: pd.DataFrame, kind: str) -> pd.Series:
    """Return the value of each stored row on its own (no aggregation).

    Parameters
    ----------
    rows : pandas.DataFrame
        With columns ``numerator``, ``denominator`` and ``value``.
    kind : str
        ``ratio``, ``share_of_villages`` or ``count``.

    Returns
    -------
    pandas.Series
        For a percentage kind, ``100 * numerator / denominator`` where both are known, else the
        stored ``value`` (a published figure without numerator and denominator). For ``count``,
        the stored value (or the numerator when only that is stored).
    """
    _check_kind(kind)
    value = pd.to_numeric(rows["value"], errors="coerce").astype(float)
    if kind == "count":
        return value.fillna(pd.to_numeric(rows["numerator"], errors="coerce").astype(float))
    computed = percent(rows["numerator"], rows["denominator"])
    has_parts = rows["numerator"].notna() & rows["denominator"].notna()
    return computed.where(has_parts, value)


def aggregate(observations: pd.DataFrame, links: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Aggregate child observations onto parents through weighted links.

    The same function rolls villages up to communes, communes up to districts, and carries
    units of one vintage onto another through crosswalk links.

    Parameters
    ----------
    observations : pandas.DataFrame
        One row per child ``code`` with ``numerator``, ``denominator``, ``value`` and, optionally,
        ``provenance`` and ``source``. A percentage row needs numerator and denominator to be
        summed; a row with only a ``value`` (a published figure) is passed through when it is its
        parent's only contributor with weight 1, and is otherwise left out (it cannot be summed).
    links : pandas.DataFrame
        ``code, parent_code[, weight]``: every child of every parent, including children without
        data (so that ``n_children`` counts them). Weight defaults to 1.
    kind : str
        ``ratio``, ``share_of_villages`` or ``count``.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``parent_code`` (every parent in ``links``) with the columns of
        :data:`AGGREGATE_COLUMNS`: summed weighted ``numerator`` and ``denominator`` (NaN for
        ``count``), ``value`` (percentage or count; NaN if no child had data), ``n_children``,
        ``n_with_data``, ``provenance`` (``synthetic`` if any contributing row is synthetic, else
        ``published``; None without data) and ``source`` (distinct source keys, ``;``-joined).

    Raises
    ------
    ValueError
        On an unknown kind, a duplicate child code in ``observations`` or a bad weight.
    """
    _check_kind(kind)
    links = normalise_links(links)
    obs = observations.copy()
    if obs["code"].duplicated().any():
        dupes = sorted(obs.loc[obs["code"].duplicated(), "code"].astype(str).unique())[:5]
        raise ValueError(f"observations have more than one row for codes {dupes}")
    for column in ("numerator", "denominator", "value"):
        obs[column] = (
            pd.to_numeric(obs[column], errors="coerce").astype(float)
            if column in obs.columns
            else np.nan
        )
    for column in ("provenance", "source"):
        if column not in obs.columns:
            obs[column] = None
    rows = links.merge(
        obs[["code", "numerator", "denominator", "value", "provenance", "source"]],
        on="code",
        how="left",
    )
    w = rows["weight"]
    if kind == "count":
        amount = rows["value"].fillna(rows["numerator"])
        summable = amount.notna()
        rows["_num"] = np.where(summable, amount * w, np.nan)
        rows["_den"] = np.nan
        value_only = pd.Series(False, index=rows.index)
    else:
        summable = rows["numerator"].notna() & rows["denominator"].notna()
        rows["_num"] = np.where(summable, rows["numerator"] * w, np.nan)
        rows["_den"] = np.where(summable, rows["denominator"] * w, np.nan)
        value_only = ~summable & rows["value"].notna()
    rows["_summable"] = summable
    rows["_value_only"] = value_only

    grouped = rows.groupby("parent_code", sort=False)
    out = pd.DataFrame(
        {
            "numerator": grouped["_num"].sum(min_count=1),
            "denominator": grouped["_den"].sum(min_count=1),
            "n_children": grouped.size(),
            "n_summable": grouped["_summable"].sum(),
            "n_value_only": grouped["_value_only"].sum(),
        }
    )
    if kind == "count":
        out["value"] = out["numerator"]
        out["numerator"] = np.nan
        out["denominator"] = np.nan
    else:
        out["value"] = percent(out["numerator"], out["denominator"])

    # A published figure without numerator/denominator stands alone: pass it through unchanged
    # only when it is the parent's sole contributor and carried whole (weight 1).
    passthrough = rows[rows["_value_only"] & (rows["weight"] == 1.0)]
    alone = out.index[(out["n_summable"] == 0) & (out["n_value_only"] == 1)]
    passthrough = passthrough[passthrough["parent_code"].isin(alone)].set_index("parent_code")
    out.loc[passthrough.index, "value"] = passthrough["value"]
    rows["_contributes"] = rows["_summable"] | (
        rows["_value_only"] & rows["parent_code"].isin(passthrough.index) & (rows["weight"] == 1.0)
    )

    contributors = rows[rows["_contributes"]]
    contributing = contributors.groupby("parent_code", sort=False)
    out["n_with_data"] = contributing.size().reindex(out.index, fill_value=0).astype(int)
    out["n_children"] = out["n_children"].astype(int)
    for column, combine in (("provenance", _provenances), ("source", _sources)):
        combined = combine(_distinct(contributors, column)).reindex(out.index).astype(object)
        out[column] = combined.where(combined.notna(), None)
    out.loc[out["n_with_data"] == 0, ["value", "numerator", "denominator"]] = np.nan
    out.index.name = "parent_code"
    return out[list(AGGREGATE_COLUMNS)]


def _distinct(rows: pd.DataFrame, column: str) -> pd.DataFrame:
    """Return the distinct (parent_code, text) pairs of ``column``, sorted (empty texts out)."""
    texts = rows[column].map(lambda v: isinstance(v, str) and v != "").astype(bool)
    pairs = rows.loc[texts, ["parent_code", column]].drop_duplicates()
    return pairs.sort_values(["parent_code", column], kind="stable")


def _provenances(pairs: pd.DataFrame) -> pd.Series:
    """:func:`combine_provenance` per parent, vectorised (100,000s of village rows)."""
    if pairs.empty:
        return pd.Series(dtype=object)
    kinds = pairs.groupby("parent_code", sort=False)["provenance"].size()
    published = (pairs["provenance"] == "published").groupby(pairs["parent_code"]).sum()
    only = (kinds == 1) & (published.reindex(kinds.index) == 1)
    return pd.Series(np.where(only, "published", "synthetic"), index=kinds.index, dtype=object)


def _sources(pairs: pd.DataFrame) -> pd.Series:
    """:func:`combine_sources` per parent: most parents have one source, joined only if not."""
    if pairs.empty:
        return pd.Series(dtype=object)
    grouped = pairs.groupby("parent_code", sort=False)["source"]
    joined = grouped.first().astype(object)
    several = grouped.size() > 1
    if several.any():
        many = pairs[pairs["parent_code"].isin(several.index[several])]
        joined.update(many.groupby("parent_code", sort=False)["source"].agg(";".join))
    return joined
