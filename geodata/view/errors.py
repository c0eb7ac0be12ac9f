"""The one error of a view: a parameter that is missing, malformed or names nothing."""

from __future__ import annotations


class ViewError(ValueError):
    """A view parameter is not valid; ``parameter`` names it as the URL, API and CLI do.

    Parameters
    ----------
    parameter : str or None
        The offending parameter (``indicator``, ``period``, ``vintage``, ``level``, ``parent``,
        ``below_target``, ``scheme``, ``lang``, ``compare``, ``village``; for exports also
        ``format`` and ``crs``), or ``None`` when no single parameter is at fault.
    message : str
        What is wrong, in words a user can act on.
    not_found : bool
        True when the value is well formed but names a unit that does not exist (an HTTP API
        answers 404 rather than 400).

    Attributes
    ----------
    parameter : str or None
        As given.
    message : str
        As given (also ``str(error)``).
    not_found : bool
        As given.
    """

    def __init__(self, parameter: str | None, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message
        self.not_found = not_found
