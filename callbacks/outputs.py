"""Outputs by name: a callback's pure function says what it sends by name, sent in one place.

A callback with many outputs declares them as ``{name: Output}`` (Dash's flexible callback
signatures: ``output=dict(...)``). Its pure function returns ``{name: value}`` for what it sends;
:func:`outputs_by_name` turns that into Dash's answer, where a name left out is ``no_update``.
Dash itself wants every name of a dict output in the answer; here only a name the callback does
not declare is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dash import Output, no_update
from dash.exceptions import InvalidCallbackReturnValue


class UnknownOutputError(InvalidCallbackReturnValue):
    """A value for an output the callback does not declare (a bug, never the user's input)."""


def named_outputs(*groups: Mapping[str, Output]) -> dict[str, Output]:
    """Return the groups of named outputs as one mapping, in order; a name used twice is an error.

    Each part of a callback (the map, the labels, a tab) declares its own outputs; the callback
    declares their union.
    """
    merged: dict[str, Output] = {}
    for group in groups:
        twice = sorted(set(group) & set(merged))
        if twice:
            raise ValueError(f"output names declared twice: {', '.join(twice)}")
        merged.update(group)
    return merged


def outputs_by_name(declared: Mapping[str, Output], sent: Mapping[str, Any]) -> dict[str, Any]:
    """Return the value of every ``declared`` output: ``sent``'s by name, ``no_update`` otherwise.

    Raises
    ------
    UnknownOutputError
        When ``sent`` names an output that is not declared (a misspelt name would otherwise
        never reach the browser).
    """
    unknown = sorted(set(sent) - set(declared))
    if unknown:
        raise UnknownOutputError(f"not an output of this callback: {', '.join(unknown)}")
    return {name: sent.get(name, no_update) for name in declared}
