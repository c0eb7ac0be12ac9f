"""The period slider on the map, with a play button (one period per tick while playing)."""

from __future__ import annotations

from collections.abc import Sequence

from dash import dcc, html

from layers import ids
from layers.i18n import t

TICK_MS = 1500  # a period per 1.5 s: time for the one view callback and the repaint


def period_bar(periods: Sequence[str], period: str, lang: str) -> html.Div:
    """Return the slider over ``periods`` (oldest first) at ``period``, and the play button.

    The slider's value is the period's index; ``dxmap.periodSlider`` (assets/dxmap.js) keeps it
    and the period control in step, and plays by setting the period control on each tick.
    """
    marks = {i: str(p) for i, p in enumerate(periods)}
    value = list(periods).index(period) if period in periods else max(0, len(periods) - 1)
    return html.Div(
        [
            html.Button(
                [
                    html.Span(className="dxmap-play-icon", **{"aria-hidden": "true"}),
                    html.Span(
                        t("period_play", lang),
                        id=ids.label("period_play"),
                        className="dxmap-sr-only",
                    ),
                ],
                id=ids.PERIOD_PLAY,
                n_clicks=0,
                className="dxmap-play",
                disabled=len(periods) < 2,
                **{"aria-pressed": "false"},
            ),
            html.Div(
                dcc.Slider(
                    id=ids.PERIOD_SLIDER,
                    min=0,
                    max=max(0, len(periods) - 1),
                    step=1,
                    marks=marks,
                    value=value,
                    included=False,
                    updatemode="mouseup",
                ),
                className="dxmap-period-slider",
                **{"aria-label": t("period_slider", lang)},
            ),
            dcc.Interval(id=ids.PERIOD_TICK, interval=TICK_MS, disabled=True),
        ],
        className="dxmap-period-bar",
    )
