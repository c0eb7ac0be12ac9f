"""One callback owns the view: URL, controls, map clicks, breadcrumb and search feed it.

It is the only server callback a view change costs (dash's call-counting tests are the model:
``tests/browser/test_round_trips.py`` pins the counts). Its inputs, states and outputs are
declared by name (:mod:`callbacks.view_answer`); the wrapper hands the event to the pure
:func:`~callbacks.view_answer.view_answer` and sends its answer by name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dash import Dash, ctx

from callbacks.analysis import tab_outputs
from callbacks.labels import label_keys
from callbacks.map import map_outputs
from callbacks.outputs import outputs_by_name
from callbacks.view_answer import VIEW_INPUTS, VIEW_OUTPUTS, VIEW_STATES, Page, view_answer
from callbacks.view_state import Choices, default_state


def warm_first_view(choices: Callable[[], Choices], service: Any, prefix: str) -> None:
    """Put what a bare URL shows (the map's values, the detail tab) into the caches.

    ``dxmap serve`` calls it before its workers are forked: a cache is only an accelerator of
    what the store holds (the roll-ups), so this reads a few rows, it computes nothing.
    """
    view = default_state(choices())
    map_outputs(view, service, prefix)
    tab_outputs("detail", view, service)


def register(
    app: Dash, choices: Choices | Callable[[], Choices], service: Any, prefix: str
) -> None:
    """Register the one view callback: every interaction costs this one round trip.

    It folds the event into the :class:`~callbacks.view_state.View`, and returns what depends
    on it: the URL, the map payload (values, no geometry), legend and summary, labels when the
    language changed, and the shown tab's content. Controls are set only when the URL changed
    them (never echoed).
    """
    page_labels: list[tuple[str, ...]] = []  # the text keys of the page's labels, read once

    def labelled() -> tuple[str, ...]:
        if not page_labels:
            layout = app.layout() if callable(app.layout) else app.layout
            page_labels.append(label_keys(layout))
        return page_labels[0]

    def allowed() -> Choices:
        return choices() if callable(choices) else choices  # per request: follows the store

    page = Page(service=service, prefix=prefix, choices=allowed, label_keys=labelled)

    # Copies: Dash (4.4) merges the inputs into the very ``state`` dict it is given.
    @app.callback(output=dict(VIEW_OUTPUTS), inputs=dict(VIEW_INPUTS), state=dict(VIEW_STATES))
    def update_view(**args: Any) -> dict[str, Any]:
        """Fold the event that fired into the view and send back everything that follows."""
        value = ctx.triggered[0]["value"] if ctx.triggered else None
        return outputs_by_name(VIEW_OUTPUTS, view_answer(ctx.triggered_id, value, args, page))
