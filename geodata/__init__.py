"""Data layer of dxmap: store, boundaries, vintages, aggregation, imports, exports, demo data.

Nothing in this package imports Dash or any other dxmap package.
"""
