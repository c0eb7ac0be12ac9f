"""The columns of the two import formats (PRODUCT.md "Interfaces": a contract).

- An import of values: ``code, period, indicator, numerator, denominator`` required, then
  optionally ``value, source, note``.
- A village register: ``code, name, parent_code`` required, then optionally ``households,
  adults, lon, lat, vintage``.
"""

from __future__ import annotations

VALUE_REQUIRED = ("code", "period", "indicator", "numerator", "denominator")
VALUE_OPTIONAL = ("value", "source", "note")
VALUE_COLUMNS = VALUE_REQUIRED + VALUE_OPTIONAL

REGISTER_REQUIRED = ("code", "name", "parent_code")
REGISTER_OPTIONAL = ("households", "adults", "lon", "lat", "vintage")
REGISTER_COLUMNS = REGISTER_REQUIRED + REGISTER_OPTIONAL
