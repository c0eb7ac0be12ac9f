"""Analysis views: classification, scorecards, compare and ranking, gap register, trends."""

from __future__ import annotations

from geodata.analysis.classify import DEFAULT_SCHEME, Classification, assign_classes, classify
from geodata.analysis.compare import CELL_FIELDS, cell_column, compare_units, ranking
from geodata.analysis.gaps import GAP_COLUMNS, gap_register
from geodata.analysis.lookup import BBOX_COLUMNS
from geodata.analysis.scorecard import pillar_summary, scorecard
from geodata.analysis.trends import trend

__all__ = [
    "BBOX_COLUMNS",
    "CELL_FIELDS",
    "Classification",
    "DEFAULT_SCHEME",
    "GAP_COLUMNS",
    "assign_classes",
    "cell_column",
    "classify",
    "compare_units",
    "gap_register",
    "pillar_summary",
    "ranking",
    "scorecard",
    "trend",
]
